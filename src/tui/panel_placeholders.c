/* panel_placeholders.c - panels 1 to 5 until they are built (a later change): each says what it
 * will show, and the command that computes the same numbers today. */
#include <stdio.h>
#include <string.h>

#include "tui.h"

typedef struct {
    const char *what[3];
    const char *command;
} Plan;

static void draw_plan(App *a, WINDOW *w, int h, int wd, const Plan *p)
{
    int y = 1;
    draw_text(w, y++, 2, wd - 4, ST_TITLE, a, a->panel->title);
    y++;
    for (int i = 0; i < 3 && p->what[i] && y < h; i++) draw_text(w, y++, 2, wd - 4, ST_NORMAL, a, p->what[i]);
    y++;
    if (y < h) draw_text(w, y++, 2, wd - 4, ST_DIM, a, "This panel is not built yet. The same numbers, from the command line:");
    /* MODEL stands for the session's model file */
    char cmd[4600];
    const char *m = strstr(p->command, "MODEL");
    if (m) snprintf(cmd, sizeof cmd, "%.*s%s%s", (int)(m - p->command), p->command, a->autosave, m + 5);
    else snprintf(cmd, sizeof cmd, "%s", p->command);
    if (y < h) draw_text(w, y, 4, wd - 6, ST_KEY, a, cmd);
}

#define PLACEHOLDER(id, nm, ttl, key, w1, w2, w3, cmd)                                           \
    static void draw_##id(App *a, WINDOW *w, int h, int wd)                                      \
    {                                                                                            \
        static const Plan plan = {{w1, w2, w3}, cmd};                                            \
        draw_plan(a, w, h, wd, &plan);                                                           \
    }                                                                                            \
    const Panel panel_##id = {.name = nm, .title = ttl, .hotkey = key, .draw = draw_##id};

PLACEHOLDER(slice, "slice", "Slice", '1', "The text labels itself: a sentence of n tokens becomes n-1 (input, target)",
            "pairs, and a trainer's windows x = tokens[i:i+T], y = tokens[i+1:i+T+1].", NULL,
            "nexttoken slice \"The cat sat on the mat\"")
PLACEHOLDER(tokens, "tokens", "Tokens", '2', "Byte-pair merges happening live, words vs characters vs subwords, and",
            "GPT-2's vocabulary cutting your sentence (where did the r's of strawberry go?).", NULL,
            "nexttoken bpe train --corpus corpora/stories.txt --vocab-size 300 --out t.tok --trace")
PLACEHOLDER(softmax, "softmax", "Softmax", '3', "The model's next-token scores as probabilities: logit, e^logit, / sum,",
            "probability, and the same bars after dividing by a temperature.", NULL, "nexttoken softmax 3.2 1.3 -2.1")
PLACEHOLDER(loss, "loss", "Loss", '4', "Every token's probability under the model and its surprise, -ln p, as a",
            "heat strip; the mean is the loss, e^mean the perplexity.", NULL,
            "nexttoken loss --model MODEL \"Once upon a time\"")
PLACEHOLDER(sample, "sample", "Sample", '5', "Temperature, top-k, top-p and min-p changing the distribution, one token",
            "at a time: the kept set, the random number drawn, and where it landed.", NULL,
            "nexttoken sample --model MODEL --temperature 0.8 --top-p 0.9 --seed 1")
