/* panel_lessons.c - panel 0, the home screen: the lessons in the interface's language, by
 * order, each with its minutes and how far it was taken, to open with Enter; and the map of the
 * other panels (made from the panel table). */
#include <string.h>

#include "core/course/lesson.h"
#include "tui.h"

#define MAP_KEY_WIDTH 12       /* "1 Slice" */
#define MINUTES_WIDTH 8        /* "  6 min " */

typedef struct Home {
    int sel;                   /* the lesson chosen with Up and Down */
    const LessonList *lessons; /* the app's, in its language (update fetches them) */
} Home;

static const HelpLine help[] = {
    {"Up Down  j k", N_("choose a lesson")},
    {"Enter", N_("take it (n and p then move through its steps, Esc leaves)")},
    {":lang en|ko", N_("the language of the interface and the lessons")},
    {"F5  :present", N_("presenter mode: the narration large, no chrome")},
    {NULL, NULL},
};

static void update(App *a, void *st)
{
    Home *S = st;
    const LessonList *ls = S->lessons = app_lessons(a);
    if (S->sel >= ls->n) S->sel = ls->n ? ls->n - 1 : 0;
}

/* How far a lesson was taken: a check mark when finished, "3/7" steps when begun. */
static void progress_mark(const App *a, const Lesson *l, char *out, size_t cap)
{
    LessonProgress p = app_lesson_progress(a, l->path);
    if (p.steps > 0 && p.seen >= p.steps) {
        if (p.asked) snprintf(out, cap, _("%s %d/%d right"), a->utf8 ? "\u2713" : _("done"), p.right, p.asked);
        else snprintf(out, cap, "%s", a->utf8 ? "\u2713" : _("done"));
    } else if (p.seen > 0) {
        snprintf(out, cap, "%d/%d", p.seen, p.steps);
    } else {
        out[0] = 0;
    }
}


/* The model training behind the lessons, in one line, and its latest sample in another: the
 * class sees it learning from the home screen too. */
static int draw_model_now(const App *a, WINDOW *w, int y, int wd)
{
    const TrainSnapshot *s = &a->snap;
    char loss[32] = "";
    if (s->step > 0) snprintf(loss, sizeof loss, _(", loss %.3f"), s->loss);
    draw_textf(w, y++, 2, wd - 4, ST_NORMAL, a, _("The model: %s, step %ld%s (%c to watch it learn)"),
               s->state == TT_RUNNING ? _("training") : _("paused"), s->step, loss, panel_named("train")->keys[0]);
    if (a->n_samples > 0) {
        int x = 4 + draw_textf(w, y, 4, wd - 6, ST_DIM, a, _("its sample at step %ld: "), a->sample_steps[a->n_samples - 1]);
        char line[TT_SAMPLE_MAX * 4];
        sample_line(a, a->samples[a->n_samples - 1], line, sizeof line);
        draw_text(w, y++, x, wd - 2 - x, ST_NORMAL, a, line);
    }
    return y;
}

static void draw(const App *a, const void *st, WINDOW *w, int h, int wd)
{
    const Home *S = st;
    int y = 1;
    draw_text(w, y++, 2, wd - 4, ST_TITLE, a, _("How a language model learns, one step at a time"));
    y++;
    const LessonList *ls = S->lessons;
    if (!ls || ls->n == 0) draw_text(w, y++, 2, wd - 4, ST_DIM, a, _("No lessons found in this language (lessons/en, lessons/ko beside nexttoken)."));
    for (int i = 0; ls && i < ls->n && y < h - 3; i++, y++) {
        const Lesson *l = &ls->lessons[i];
        char mark[32];
        progress_mark(a, l, mark, sizeof mark);
        int sty = i == S->sel ? ST_SELECT : ST_NORMAL;
        int x = 2;
        x += draw_textf(w, y, x, 4, sty, a, "%2d ", l->order);
        int tw = wd - x - MINUTES_WIDTH - 16;
        draw_cell(w, y, x, tw, sty, a, l->title);
        x += tw;
        draw_textf(w, y, x, MINUTES_WIDTH, i == S->sel ? ST_SELECT : ST_DIM, a, _("%3d min "), l->minutes);
        draw_text(w, y, x + MINUTES_WIDTH, 14, ST_GOOD, a, mark);
    }
    y++;
    if (y < h - 2) draw_text(w, y++, 2, wd - 4, ST_DIM, a, _("Enter takes the lesson; :lang ko for Korean"));
    y++;
    if (y < h - 2) y = draw_model_now(a, w, y, wd) + 1;
    /* the map of the other panels */
    if (y < h - 1) draw_text(w, y++, 2, wd - 4, ST_NORMAL, a, _("The panels, each one step of pretraining:"));
    for (int i = 0; i < n_panels && y < h; i++) {
        if (panels[i] == a->panel) continue; /* the map is of the others */
        draw_textf(w, y, 2, MAP_KEY_WIDTH, ST_KEY, a, "%c %s", panels[i]->keys[0], _(panels[i]->title));
        draw_text(w, y++, 3 + MAP_KEY_WIDTH, wd - 5 - MAP_KEY_WIDTH, ST_NORMAL, a, _(panels[i]->summary));
    }
}

static int key(App *a, void *st, int ch)
{
    Home *S = st;
    const LessonList *ls = app_lessons(a);
    switch (ch) {
    case KEY_UP: case 'k': if (S->sel > 0) S->sel--; return KEY_HANDLED;
    case KEY_DOWN: case 'j': if (S->sel + 1 < ls->n) S->sel++; return KEY_HANDLED;
    case '\r': case '\n': case KEY_ENTER:
        if (ls->n) app_lesson_open(a, ls->lessons[S->sel].path);
        return KEY_HANDLED;
    default: return KEY_IGNORED;
    }
}

const Panel panel_lessons = {
    .name = "lessons",
    .title = N_("Lessons"),
    .keys = "0l",
    .summary = N_("the lessons, and this map of the panels"),
    .state_size = sizeof(Home),
    .update = update,
    .draw = draw,
    .key = key,
    .help = help,
};
