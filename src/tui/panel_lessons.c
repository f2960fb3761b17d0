/* panel_lessons.c - panel 0, the home screen: what nexttoken shows, panel by panel, and where
 * the lessons will be listed. */
#include "tui.h"

static const HelpLine help[] = {
    {"1 - 6", "open a panel"},
    {NULL, NULL},
};

static const char *const map[][2] = {
    {"1 Slice", "a sentence becomes (input, target) pairs: the text labels itself"},
    {"2 Tokens", "byte-pair merges, live; words vs characters vs subwords; GPT-2's vocabulary"},
    {"3 Softmax", "logits -> e^logit -> / sum -> probabilities, and temperature"},
    {"4 Loss", "-ln p(target): the model's surprise at each token, and its gradient"},
    {"5 Sample", "temperature, top-k, top-p: the biased coin, one token at a time"},
    {"6 Train", "a real GPT-2 learning now: the loss falls, samples turn into words"},
};

static void draw(App *a, WINDOW *w, int h, int wd)
{
    int y = 1;
    draw_text(w, y++, 2, wd - 4, ST_TITLE, a, "How a language model learns, one step at a time");
    y++;
    draw_text(w, y++, 2, wd - 4, ST_NORMAL, a, "A small GPT-2 is training in the background (panel 6). Each panel shows one step of");
    draw_text(w, y++, 2, wd - 4, ST_NORMAL, a, "pretraining with the numbers that model computes; every one can be reproduced with a");
    draw_text(w, y++, 2, wd - 4, ST_NORMAL, a, "command (nexttoken --help).");
    y++;
    for (size_t i = 0; i < sizeof map / sizeof map[0] && y < h - 3; i++, y++) {
        draw_text(w, y, 2, 12, ST_KEY, a, map[i][0]);
        draw_text(w, y, 15, wd - 17, ST_NORMAL, a, map[i][1]);
    }
    y++;
    if (y < h - 1) draw_text(w, y++, 2, wd - 4, ST_TITLE, a, "Lessons");
    if (y < h) draw_text(w, y, 2, wd - 4, ST_DIM, a, "None installed yet: lessons in English and Korean are being written (lessons/).");
}

const Panel panel_lessons = {
    .name = "lessons",
    .title = "Lessons",
    .hotkey = '0',
    .draw = draw,
    .help = help,
};
