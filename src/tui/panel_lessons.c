/* panel_lessons.c - panel 0, the home screen: what nexttoken shows, panel by panel (the map is
 * made from the panel table), and where the lessons will be listed. */
#include "tui.h"

#define MAP_KEY_WIDTH 12       /* "1 Slice" */

static void draw(const App *a, const void *st, WINDOW *w, int h, int wd)
{
    (void)st;
    int y = 1;
    draw_text(w, y++, 2, wd - 4, ST_TITLE, a, "How a language model learns, one step at a time");
    y++;
    draw_textf(w, y++, 2, wd - 4, ST_NORMAL, a, "A small GPT-2 is training in the background (panel %c). Each panel shows one step of",
               panel_named("train")->keys[0]);
    draw_text(w, y++, 2, wd - 4, ST_NORMAL, a, "pretraining with the numbers that model computes; every one can be reproduced with a");
    draw_text(w, y++, 2, wd - 4, ST_NORMAL, a, "command (nexttoken --help).");
    y++;
    for (int i = 0; i < n_panels && y < h - 3; i++) {
        if (panels[i] == a->panel) continue; /* the map is of the others */
        draw_textf(w, y, 2, MAP_KEY_WIDTH, ST_KEY, a, "%c %s", panels[i]->keys[0], panels[i]->title);
        draw_text(w, y++, 3 + MAP_KEY_WIDTH, wd - 5 - MAP_KEY_WIDTH, ST_NORMAL, a, panels[i]->summary);
    }
    y++;
    if (y < h - 1) draw_text(w, y++, 2, wd - 4, ST_TITLE, a, "Lessons");
    if (y < h) draw_text(w, y, 2, wd - 4, ST_DIM, a, "None installed yet: lessons in English and Korean are being written (lessons/).");
}

const Panel panel_lessons = {
    .name = "lessons",
    .title = "Lessons",
    .keys = "0l",
    .summary = "the lessons, and this map of the panels",
    .draw = draw,
};
