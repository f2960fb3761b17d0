/* app_lesson.c - taking a lesson: its steps one after another, each applying its directives
 * (commands of the command line, or a panel's own) and showing its narration, with its figures
 * computed from the live model, above the panel it set up; questions asked before the panel
 * shows the answer; training waited for, with a key to skip; progress remembered per user. The
 * same runner checks lessons headless (lessons --check). See tui.h and lessons/README.md. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/base/array.h"
#include "core/base/atomicfile.h"
#include "core/base/escape.h"
#include "core/base/number.h"
#include "core/base/readfile.h"
#include "core/course/figures.h"
#include "core/course/lesson.h"
#include "tui.h"

#define NARRATION_SHARE 0.45   /* of the body's rows, at most, for the narration (the panel gets the rest) */
#define PRESENT_SHARE 0.6
#define MIN_PANEL_ROWS 10
#define SHOWN_BYTES 4096       /* a paragraph with its figures computed */
#define PROGRESS_FILE "lessons.progress"
#define CHECK_WAIT_SECONDS 600 /* lessons --check gives a training wait this long before failing it */

struct LessonRun {
    Lesson l;
    int step;                  /* the step shown */
    int *choice;               /* each step's answer, as an index into its choices (-1: none yet) */
    int *correct;              /* and whether it was the right one */
    int ended;                 /* past the last step: the summary */
    Figures fig;
    /* the step as shown: its paragraphs, question and choices with their figures computed */
    char **shown;
    int n_shown;
    char question[SHOWN_BYTES];
    char choices[LESSON_MAX_CHOICES][256];
    int right;                 /* the right choice's index (-1: the answer matches none) */
    int rendered_step;
    long rendered_gen;
    /* a training wait: until the validation loss is below until_val or the step reaches
     * until_step (0: no bound of that kind) */
    int waiting;
    double until_val;
    long until_step;
    /* the directives and figures that failed, the last one's FILE:LINE message */
    int problems;
    char problem[NT_PATH_MAX + ERR_MSG_MAX + 32];
    char note[ERR_MSG_MAX];    /* what applying the step did that the class should read (a new model) */
};

/* ------------------------------------------------------------------------------------------ */
/* What the runner says, in the lesson's language (the rest of the interface is English until it
 * is translated as a whole) */

enum {
    SAY_KEYS, SAY_ANSWERS, SAY_PUT_BACK, SAY_RESTORED, SAY_SKIPPED, SAY_RIGHT, SAY_THE_ANSWER, SAY_END, SAY_SCORE,
    SAY_BACK_HOME, SAY_TRAINING, SAY_VAL_BELOW, SAY_STEP, SAY_OR, SAY_CUT, SAY_COUNT
};
static const char *const said[2][SAY_COUNT] = {
    {"n next   p back   Esc leaves the lesson", "a-%c answers   ", "n puts the step back   ",
     "back to this step's state: n again for the next one", "skipped ahead: training paused at step %ld", "right",
     "the answer: %s", "%s: the end", "You answered %2$d of %1$d questions right.",
     "n goes back to the lessons, p to the last step.", "training until %s: step %ld, validation %s   s skips ahead",
     "validation < %.2f", "step %ld", " or ", "... (the rest does not fit: a taller terminal, or F5)"},
    {"n 다음   p 이전   Esc 수업 나가기", "a-%c 답하기   ", "n 단계 되돌리기   ",
     "이 단계의 상태로 되돌렸습니다. 다음 단계는 n을 한 번 더", "건너뛰었습니다: 훈련은 %ld 단계에서 멈췄습니다", "맞았습니다",
     "정답: %s", "%s: 끝", "질문 %d개 중 %d개를 맞혔습니다.", "n은 수업 목록으로, p는 마지막 단계로 돌아갑니다.",
     "%s까지 훈련 중: %ld 단계, 검증 손실 %s   s 건너뛰기", "검증 손실 < %.2f", "%ld 단계", " 또는 ",
     "... (나머지는 화면에 다 들어가지 않습니다: 더 큰 터미널이나 F5)"},
};

static const char *say(const struct LessonRun *r, int what)
{
    return said[strcmp(r->l.lang, "ko") == 0][what];
}

/* ------------------------------------------------------------------------------------------ */
/* The shipped lessons and the progress through them */

static char lessons_lang[8];
static LessonList shipped;

const struct LessonList *app_lessons(App *a)
{
    if (strcmp(lessons_lang, a->lang) != 0 || !shipped.lessons) {
        lesson_list_free(&shipped);
        snprintf(lessons_lang, sizeof lessons_lang, "%s", a->lang);
        char dir[NT_PATH_MAX];
        Err e;
        int broken;
        if (path_shipped_dir("lessons", dir, sizeof dir) == 0) lesson_list(dir, a->lang, &shipped, &broken, &e);
    }
    return &shipped;
}

/* A shipped lesson's name matches its file's name, with or without ".md" and its "NN-" order. */
static int lesson_named(const char *path, const char *name)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (int pass = 0; pass < 2; pass++) {
        size_t k = strlen(name);
        if (!strncmp(base, name, k) && (!base[k] || !strcmp(base + k, ".md"))) return 1;
        const char *dash = strchr(base, '-'); /* "03-softmax.md" is also "softmax" */
        if (!dash) break;
        base = dash + 1;
    }
    return 0;
}

int app_lesson_take(App *a, const char *name)
{
    struct stat st;
    if (stat(name, &st) == 0 && S_ISREG(st.st_mode)) return app_lesson_open(a, name);
    const LessonList *ls = app_lessons(a);
    long order;
    int numbered = num_long(name, NULL, &order) == NUM_OK;
    for (int i = 0; i < ls->n; i++)
        if (lesson_named(ls->lessons[i].path, name) || (numbered && order == ls->lessons[i].order))
            return app_lesson_open(a, ls->lessons[i].path);
    app_message(a, 1, strcmp(a->lang, "ko") ? _("no lesson '%s': not a file, nor one of the English lessons by name or number (nexttoken lessons lists them)")
                                             : _("no lesson '%s': not a file, nor one of the Korean lessons by name or number (nexttoken lessons lists them)"), name);
    return -1;
}

/* The progress file's key for a lesson: its language folder and file name ("en/1-data.md"). */
static void progress_key(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/'), *dir = base;
    if (base)
        for (dir = base - 1; dir > path && dir[-1] != '/'; dir--) {}
    snprintf(out, cap, "%s", dir && dir >= path ? dir : path);
}

static int progress_path(char *out, size_t cap)
{
    char dir[NT_PATH_MAX];
    if (path_state_dir(dir, sizeof dir)) return -1;
    return snprintf(out, cap, "%s/" PROGRESS_FILE, dir) < (int)cap ? 0 : -1;
}

/* The progress of every lesson taken, read from the file once and kept here; a headless run
 * (a script, a check) keeps it only in memory, so that tests see it and no user file changes. */
#define PROGRESS_MAX 256
static struct {
    char key[96];
    LessonProgress p;
} progress[PROGRESS_MAX];
static int n_progress = -1; /* -1: the file not read yet */

static void progress_load(void)
{
    char file[NT_PATH_MAX], line[256], k[96];
    n_progress = 0;
    if (progress_path(file, sizeof file)) return;
    FILE *f = readfile_stream(file, NULL, NULL);
    if (!f) return;
    while (n_progress < PROGRESS_MAX && fgets(line, sizeof line, f)) {
        LessonProgress q;
        if (sscanf(line, "%95s %d %d %d %d", k, &q.seen, &q.steps, &q.right, &q.asked) != 5) continue;
        snprintf(progress[n_progress].key, sizeof progress[n_progress].key, "%s", k);
        progress[n_progress++].p = q;
    }
    fclose(f);
}

static int progress_find(const char *key)
{
    if (n_progress < 0) progress_load();
    for (int i = 0; i < n_progress; i++)
        if (!strcmp(progress[i].key, key)) return i;
    return -1;
}

LessonProgress app_lesson_progress(const App *a, const char *path)
{
    (void)a;
    char key[NT_PATH_MAX];
    progress_key(path, key, sizeof key);
    int i = progress_find(key);
    return i >= 0 ? progress[i].p : (LessonProgress){0, 0, 0, 0};
}

/* A file at a path of our own (the state directory's), which a user does not name. */
static const FileKind progress_kind = {N_("a lessons progress file"), NULL};

/* Remembers how far the lesson went (never less far than before); writes the file atomically
 * unless headless. */
static void progress_save(App *a)
{
    struct LessonRun *r = a->lesson;
    if (!r) return;
    char key[NT_PATH_MAX];
    progress_key(r->l.path, key, sizeof key);
    if (strlen(key) >= sizeof progress[0].key) return;
    int i = progress_find(key);
    if (i < 0) {
        if (n_progress == PROGRESS_MAX) return;
        i = n_progress++;
        memcpy(progress[i].key, key, strlen(key) + 1); /* it fits: checked above */
        progress[i].p = (LessonProgress){0, 0, 0, 0};
    }
    LessonProgress was = progress[i].p, now = {r->step + 1, r->l.n_steps, 0, 0};
    if (r->ended) now.seen = r->l.n_steps;
    for (int j = 0; j < r->l.n_steps; j++) now.asked += r->choice[j] >= 0;
    for (int j = 0; j < r->l.n_steps; j++) now.right += r->correct[j];
    if (now.seen < was.seen) now.seen = was.seen;
    progress[i].p = now;
    if (a->headless) return;
    char file[NT_PATH_MAX], dir[NT_PATH_MAX], line[256];
    if (progress_path(file, sizeof file) || path_state_dir(dir, sizeof dir)) return;
    for (char *s = dir + 1; *s; s++)
        if (*s == '/') *s = 0, mkdir(dir, 0755), *s = '/';
    mkdir(dir, 0755);
    AtomicFile af;
    Err e;
    if (atomic_open(&af, file, &progress_kind, &e)) return;
    for (int j = 0; j < n_progress; j++) {
        const LessonProgress *q = &progress[j].p;
        int n = snprintf(line, sizeof line, "%s %d %d %d %d\n", progress[j].key, q->seen, q->steps, q->right, q->asked);
        atomic_write(&af, line, (size_t)n);
    }
    atomic_commit(&af, &e);
}

/* ------------------------------------------------------------------------------------------ */
/* Applying a step */

static void problem(App *a, int line, const char *msg)
{
    struct LessonRun *r = a->lesson;
    /* the path is the user's and the message may quote the lesson: escaped */
    char report[sizeof r->problem];
    escape_format(report, sizeof report, "%s:%d: %s", r->l.path, line, msg);
    if (r->fig.unavailable) { /* GPT-2's or GPT-4's vocabulary is not installed: not the lesson's fault */
        r->fig.unavailable = 0;
        if (a->opt.check) fprintf(stderr, "SKIPPED %s\n", report);
        return;
    }
    r->problems++;
    memcpy(r->problem, report, sizeof report);
    if (a->opt.check) fprintf(stderr, "nexttoken: %s\n", r->problem);
}

/* Before a lesson replaces the model the class trained, it is saved where nothing else writes
 * (the autosave is the new model's from then on): DATA_DIR/before-lesson.ckpt, said in note.
 * Scripts and checks, headless, keep nothing and touch no file of the user's. */
static void keep_model(App *a, char *note, size_t cap)
{
    note[0] = 0;
    if (a->headless || !a->tt || a->snap.step == 0) return;
    char path[NT_PATH_MAX + 32];
    Err e;
    snprintf(path, sizeof path, "%s/before-lesson.ckpt", a->data_dir);
    long step = a->snap.step;
    if (app_save_now(a, path, &e)) snprintf(note, cap, _("; the model you had could not be kept: %s"), e.msg);
    else snprintf(note, cap, _("; the model you had (step %ld) is in %s: :load brings it back"), step, path);
}

/* Stops waiting, and training with it. */
static void stop_wait(App *a)
{
    struct LessonRun *r = a->lesson;
    if (r->waiting && a->tt) tt_pause(a->tt), tt_pause_at(a->tt, 0);
    r->waiting = 0;
}

static void start_wait(App *a, double val, long steps)
{
    struct LessonRun *r = a->lesson;
    if (!a->tt) return;
    /* a model already below the line trains no further */
    if (val > 0 && a->snap.step > 0 && isfinite(a->snap.val_loss) && a->snap.val_loss < val) return;
    r->waiting = 1;
    r->until_val = val;
    r->until_step = steps ? a->snap.step + steps : 0;
    if (r->until_step) tt_pause_at(a->tt, r->until_step);
    tt_resume(a->tt);
}

/* Whether the wait is over; pauses training when it is. */
static int wait_done(App *a)
{
    struct LessonRun *r = a->lesson;
    if (!r->waiting) return 1;
    int done = !a->tt || a->snap.state == TT_FAILED || (r->until_step && a->snap.step >= r->until_step)
               || (r->until_val > 0 && isfinite(a->snap.val_loss) && a->snap.step > 0 && a->snap.val_loss < r->until_val);
    if (done) {
        r->waiting = 0;
        if (a->tt) tt_pause(a->tt), tt_pause_at(a->tt, 0);
    }
    return done;
}

/* One directive: a command, a panel's command, or one of the lesson's own. */
static void apply(App *a, const LessonText *d)
{
    struct LessonRun *r = a->lesson;
    char word[32];
    size_t w = strcspn(d->text, " ");
    snprintf(word, sizeof word, "%.*s", (int)(w < sizeof word ? w : sizeof word - 1), d->text);
    const char *args = d->text + w;
    while (*args == ' ') args++;
    a->message[0] = 0, a->message_error = 0;
    if (!strcmp(word, "corpus") || !strcmp(word, "preset") || !strcmp(word, "seed")) {
        /* a new model, the class's current one saved first (a lesson never asks) */
        char corpus[NT_PATH_MAX], corpora[NT_PATH_MAX] = "";
        char preset[16];
        uint64_t seed = a->seed;
        Err e;
        snprintf(corpus, sizeof corpus, "%s", a->corpus_path);
        snprintf(preset, sizeof preset, "%s", a->preset);
        if (!strcmp(word, "corpus")) {
            path_shipped_dir("corpora", corpora, sizeof corpora);
            if (lesson_corpus_path(&r->l, args, corpora, corpus, sizeof corpus, &e)) return problem(a, d->line, e.msg);
        } else if (!strcmp(word, "preset")) {
            GPT2Config probe;
            if (gpt2_preset(args, &probe, &e)) return problem(a, d->line, e.msg);
            snprintf(preset, sizeof preset, "%s", args);
        } else if (num_u64(args, NULL, &seed)) {
            return problem(a, d->line, _("seed takes a whole number"));
        }
        char kept[NT_PATH_MAX + 128];
        keep_model(a, kept, sizeof kept);
        if (app_new_model(a, corpus, preset, seed)) problem(a, d->line, a->message);
        else if (snprintf(r->note, sizeof r->note, "%s%s", a->message, kept) >= (int)sizeof r->note)
            memcpy(r->note + sizeof r->note - 4, "...", 4); /* a long path: say the note is cut */
        return;
    }
    if (!strcmp(word, "train") && strcmp(args, "start") != 0 && strcmp(args, "pause") != 0 && strcmp(args, "resume") != 0) {
        double val;
        long steps;
        if (lesson_train_wait(args, &val, &steps)) return problem(a, d->line, _("train takes start, pause, resume, 'until val < X [or N steps]' or 'N steps'"));
        start_wait(a, val, steps);
        return;
    }
    app_command(a, d->text);
    if (a->message_error) problem(a, d->line, a->message);
}

/* Directives that set up the model rather than a panel: a new model, training, the learning
 * rate. Putting a step back (n after the class played with it) does not run them again. */
static int sets_up_model(const char *d)
{
    static const char *const words[] = {"corpus ", "preset ", "seed ", "train ", "lr ", NULL};
    for (int i = 0; words[i]; i++)
        if (!strncmp(d, words[i], strlen(words[i]))) return 1;
    return 0;
}

/* The step's directives: all of them, or (restore) those that set up its panels. */
static void apply_step(App *a, int restore)
{
    struct LessonRun *r = a->lesson;
    const LessonStep *s = &r->l.steps[r->step];
    for (int k = 0; k < s->n_dir; k++)
        if (!restore || !sets_up_model(s->dir[k].text)) apply(a, &s->dir[k]);
}

/* Shows step i: applies its directives (unless it asks first: then when it is answered). */
static void goto_step(App *a, int i)
{
    struct LessonRun *r = a->lesson;
    if (i < 0) i = 0;
    stop_wait(a);
    /* a question left unanswered still sets up its step: the next one may build on it */
    if (!r->ended && r->step < i && r->l.steps[r->step].ask.text && r->choice[r->step] < 0) apply_step(a, 0), stop_wait(a);
    r->ended = i >= r->l.n_steps;
    r->step = r->ended ? r->l.n_steps - 1 : i;
    r->rendered_step = -1;
    a->interacted = 0;
    a->steps_applied++;
    a->pending.kind = PENDING_NONE;
    if (r->ended) {
        progress_save(a);
        return;
    }
    const LessonStep *s = &r->l.steps[r->step];
    r->note[0] = 0;
    if (!s->ask.text || r->choice[r->step] >= 0) apply_step(a, 0);
    /* the message line: a problem, or what the class should know, not each directive's echo */
    if (r->problems && r->problem[0]) app_message(a, 1, "%s", r->problem);
    else if (r->note[0]) app_message(a, 0, "%s", r->note);
    else a->message[0] = 0;
    progress_save(a);
}

/* The step's panels as the step set them up, after the class changed them. */
static void restore_step(App *a)
{
    struct LessonRun *r = a->lesson;
    a->interacted = 0;
    a->steps_applied++;
    r->rendered_step = -1;
    const LessonStep *s = &r->l.steps[r->step];
    if (!s->ask.text || r->choice[r->step] >= 0) apply_step(a, 1);
}

int app_lesson_open(App *a, const char *path)
{
    app_lesson_close(a);
    struct LessonRun *r = calloc(1, sizeof *r);
    Err e;
    if (!r) return app_message(a, 1, "%s", _("out of memory")), -1;
    if (lesson_load(&r->l, path, &e)) {
        free(r);
        app_message(a, 1, "%s", e.msg);
        return -1;
    }
    r->choice = malloc(sizeof *r->choice * (size_t)r->l.n_steps);
    r->correct = calloc((size_t)r->l.n_steps, sizeof *r->correct);
    if (!r->choice || !r->correct) {
        free(r->choice), free(r->correct);
        lesson_free(&r->l);
        free(r);
        return app_message(a, 1, "%s", _("out of memory")), -1;
    }
    for (int i = 0; i < r->l.n_steps; i++) r->choice[i] = -1;
    figures_init(&r->fig);
    r->right = -1;
    a->lesson = r;
    goto_step(a, 0);
    return 0;
}

static void shown_free(struct LessonRun *r)
{
    for (int i = 0; i < r->n_shown; i++) free(r->shown[i]);
    free(r->shown);
    r->shown = NULL, r->n_shown = 0;
}

void app_lesson_close(App *a)
{
    struct LessonRun *r = a->lesson;
    if (!r) return;
    stop_wait(a);
    shown_free(r);
    figures_free(&r->fig);
    lesson_free(&r->l);
    free(r->choice), free(r->correct);
    free(r);
    a->lesson = NULL;
}

void app_set_lang(App *a, const char *lang)
{
    /* the interface and the lessons together: every frame is drawn from _() again */
    snprintf(a->lang, sizeof a->lang, "%s", lang);
    i18n_set_lang(lang);
    clearok(curscr, TRUE); /* the next frame repaints the whole terminal, in the new language */
    app_message(a, 0, "%s", _("the interface and the lessons in English"));
}

/* ------------------------------------------------------------------------------------------ */
/* Keys */

static void answer(App *a, int k)
{
    struct LessonRun *r = a->lesson;
    const LessonStep *s = &r->l.steps[r->step];
    r->choice[r->step] = k;
    r->correct[r->step] = k == r->right;
    r->rendered_step = -1;
    for (int i = 0; i < s->n_dir; i++) apply(a, &s->dir[i]); /* now the panel shows the answer */
    if (!r->problems) app_message(a, 0, k == r->right ? say(r, SAY_RIGHT) : say(r, SAY_THE_ANSWER), r->right >= 0 ? r->choices[r->right] : "?");
    progress_save(a);
}

int app_lesson_key(App *a, int ch)
{
    struct LessonRun *r = a->lesson;
    if (!r) return 0;
    const LessonStep *s = &r->l.steps[r->step];
    if (!r->ended && s->ask.text && r->choice[r->step] < 0 && ch >= 'a' && ch < 'a' + s->n_choices) {
        answer(a, ch - 'a');
        return 1;
    }
    switch (ch) {
    case 'n': case KEY_NPAGE:
        if (r->ended) {
            app_lesson_close(a);
            app_switch(a, panels[0]);
        } else if (a->interacted) {
            restore_step(a); /* the step's state again, after the class played with the panel */
            app_message(a, 0, "%s", say(r, SAY_RESTORED));
        } else {
            goto_step(a, r->step + 1);
        }
        return 1;
    case 'p': case KEY_PPAGE:
        goto_step(a, r->ended ? r->l.n_steps - 1 : r->step - 1);
        return 1;
    case 's':
        if (!r->waiting) return 0;
        stop_wait(a);
        app_message(a, 0, say(r, SAY_SKIPPED), a->snap.step);
        return 1;
    case 27:
        app_lesson_close(a);
        app_switch(a, panels[0]);
        return 1;
    default: return 0;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The narration */

static void render(App *a)
{
    struct LessonRun *r = a->lesson;
    FigureModel *m = &r->fig.live;
    m->model = app_view_model(a);
    m->tok = a->s.tok.n_vocab ? &a->s.tok : NULL;
    m->text = a->prompt;
    m->val_loss = a->snap.step > 0 ? a->snap.val_loss : NAN;
    m->train_loss = a->snap.step > 0 ? a->snap.loss : NAN;
    m->unigram = a->unigram_entropy;
    m->step = a->snap.step;
    if (r->rendered_step == r->step && r->rendered_gen == a->generation) return;
    r->rendered_step = r->step, r->rendered_gen = a->generation;
    shown_free(r);
    const LessonStep *s = &r->l.steps[r->step];
    r->shown = calloc((size_t)s->n_para + 1, sizeof *r->shown);
    if (!r->shown) return;
    Err e;
    int line;
    for (int i = 0; i < s->n_para; i++) {
        char *out = malloc(SHOWN_BYTES);
        if (!out) break;
        if (figures_render(&r->fig, s->para[i].text, out, SHOWN_BYTES, &line, &e) && a->opt.check)
            problem(a, s->para[i].line + line, e.msg);
        r->shown[r->n_shown++] = out;
    }
    r->question[0] = 0, r->right = -1;
    if (!s->ask.text) return;
    if (figures_render(&r->fig, s->ask.text, r->question, sizeof r->question, &line, &e) && a->opt.check) problem(a, s->ask.line, e.msg);
    for (int k = 0; k < s->n_choices; k++)
        if (figures_render(&r->fig, s->choices[k], r->choices[k], sizeof r->choices[k], &line, &e) && a->opt.check)
            problem(a, s->ask.line + 1, e.msg);
    char ans[256];
    if (figures_render(&r->fig, s->answer.text, ans, sizeof ans, &line, &e) && a->opt.check) problem(a, s->answer.line, e.msg);
    for (int k = 0; k < s->n_choices; k++)
        if (!strcmp(r->choices[k], ans)) r->right = k;
    if (r->right < 0 && a->opt.check) {
        char msg[ERR_MSG_MAX];
        snprintf(msg, sizeof msg, _("the answer reads '%s', which is none of the choices"), ans);
        problem(a, s->answer.line, msg);
    }
}

void app_lesson_update(App *a)
{
    if (!a->lesson) return;
    wait_done(a);
    if (!a->lesson->ended) render(a);
}

/* Draws (or, with w NULL, counts) the narration's rows. */
static int narration(const App *a, WINDOW *w, int h, int wd)
{
    const struct LessonRun *r = a->lesson;
    const int x = a->present ? 4 : 2, width = wd - 2 * x;
    int y = 0;
    const LessonStep *s = &r->l.steps[r->step];
    if (r->ended) {
        int asked = 0, right = 0;
        for (int i = 0; i < r->l.n_steps; i++) asked += r->choice[i] >= 0, right += r->correct[i];
        if (w) draw_textf(w, y, x, width, ST_TITLE, a, say(r, SAY_END), r->l.title);
        y += 2;
        if (w && asked) draw_textf(w, y, x, width, ST_NORMAL, a, say(r, SAY_SCORE), asked, right);
        y += asked ? 2 : 0;
        if (w) draw_text(w, y, x, width, ST_DIM, a, say(r, SAY_BACK_HOME));
        return y + 1;
    }
    if (w) draw_textf(w, y, x, width, ST_TITLE, a, "%s  %d/%d  %s", r->l.title, r->step + 1, r->l.n_steps, s->title);
    y += a->present ? 2 : 1;
    const int answered = !s->ask.text || r->choice[r->step] >= 0;
    /* the paragraphs before the question, the question, and once it is answered the rest */
    const int before = s->n_before < r->n_shown ? s->n_before : r->n_shown;
    for (int i = 0; i < before && y < h; i++) {
        y += draw_wrapped(w, y, x, width, h - y, a->present ? ST_TITLE : ST_NORMAL, a, r->shown[i]);
        if (a->present || i + 1 < r->n_shown || s->ask.text) y++;
    }
    if (s->ask.text && y < h) {
        y += draw_wrapped(w, y, x, width, h - y, ST_KEY, a, r->question);
        for (int k = 0; k < s->n_choices && y < h; k++, y++) {
            int st = !answered ? ST_NORMAL : k == r->right ? ST_GOOD : k == r->choice[r->step] ? ST_BAD : ST_DIM;
            if (w) draw_textf(w, y, x + 2, width - 2, st, a, "%c) %s%s", 'a' + k, r->choices[k],
                              answered && k == r->right ? (a->utf8 ? "  \u2713" : _("  (right)")) : "");
        }
        if (answered && before < r->n_shown) y++;
    }
    for (int i = before; answered && i < r->n_shown && y < h; i++) {
        y += draw_wrapped(w, y, x, width, h - y, a->present ? ST_TITLE : ST_NORMAL, a, r->shown[i]);
        if (a->present || i + 1 < r->n_shown) y++;
    }
    if (r->waiting && y < h) {
        y++;
        if (w) {
            char until[128] = "", bound[48], val[32] = "-";
            if (r->until_val > 0) snprintf(until, sizeof until, say(r, SAY_VAL_BELOW), r->until_val);
            if (r->until_step) {
                snprintf(bound, sizeof bound, say(r, SAY_STEP), r->until_step);
                snprintf(until + strlen(until), sizeof until - strlen(until), "%s%s", until[0] ? say(r, SAY_OR) : "", bound);
            }
            if (isfinite(a->snap.val_loss) && a->snap.step > 0) snprintf(val, sizeof val, "%.3f", a->snap.val_loss);
            draw_textf(w, y, x, width, ST_ACCENT, a, say(r, SAY_TRAINING), until, a->snap.step, val);
        }
        y++;
    }
    return y;
}

/* The keys the lesson answers to now, on the narration's last row. */
static void keys_line(const App *a, WINDOW *w, int y, int wd)
{
    const struct LessonRun *r = a->lesson;
    const LessonStep *s = &r->l.steps[r->step];
    const int x = a->present ? 4 : 2;
    char keys[96] = "";
    if (!r->ended && s->ask.text && r->choice[r->step] < 0) snprintf(keys, sizeof keys, say(r, SAY_ANSWERS), 'a' + s->n_choices - 1);
    else if (a->interacted) snprintf(keys, sizeof keys, "%s", say(r, SAY_PUT_BACK));
    draw_textf(w, y, x, wd - 2 * x, ST_DIM, a, "%s%s", keys, say(r, SAY_KEYS));
}

int app_lesson_draw(const App *a, WINDOW *w, int h, int wd)
{
    if (!a->lesson) return 0;
    int most = (int)(h * (a->present ? PRESENT_SHARE : NARRATION_SHARE));
    if (h - most < MIN_PANEL_ROWS) most = h - MIN_PANEL_ROWS;
    if (most < 3) most = 3;
    /* the narration, and below it the keys; what does not fit is cut and says so */
    int need = narration(a, NULL, LESSON_MAX_BYTES, wd) + 1;
    int rows = need < most ? need : most;
    WINDOW *sub = derwin(w, rows - 1, wd, 0, 0);
    if (sub) {
        narration(a, sub, rows - 1, wd);
        if (need > rows) {
            wmove(sub, rows - 2, 0), wclrtoeol(sub);
            draw_text(sub, rows - 2, a->present ? 4 : 2, wd - 4, ST_DIM, a, say(a->lesson, SAY_CUT));
        }
        delwin(sub);
    }
    keys_line(a, w, rows - 1, wd);
    /* a rule between the narration and the panel */
    wattrset(w, style(a, ST_DIM));
    mvwhline(w, rows, 0, a->utf8 ? ACS_HLINE : '-', wd);
    wattrset(w, 0);
    return rows + 1;
}

/* ------------------------------------------------------------------------------------------ */
/* lessons --check */

/* Trains headless until the step's wait is over (or the wait's limit). */
static int check_wait(App *a)
{
    struct LessonRun *r = a->lesson;
    struct timespec ts = {0, 2000000};
    for (long spins = 0; r->waiting; spins++) {
        app_poll_trainer(a);
        if (wait_done(a)) break;
        if (spins * 0.002 > CHECK_WAIT_SECONDS) return -1;
        nanosleep(&ts, NULL);
    }
    /* the pause comes at the end of a step: let it settle, so the figures see the weights */
    for (int i = 0; i < 5000 && a->tt && a->snap.state == TT_RUNNING; i++) {
        nanosleep(&ts, NULL);
        app_poll_trainer(a);
    }
    return 0;
}

static int check_one(App *a, const char *path)
{
    if (app_lesson_open(a, path)) {
        fprintf(stderr, "nexttoken: %s\n", a->message); /* escaped by app_message */
        return 1;
    }
    struct LessonRun *r = a->lesson;
    for (int i = 0; i < r->l.n_steps; i++) {
        if (i) goto_step(a, i);
        const LessonStep *s = &r->l.steps[i];
        if (check_wait(a)) problem(a, s->line, _("the training this step waits for did not finish"));
        app_draw(a); /* the panel draws the step: update computes, draw must not fail */
        render(a);
        if (s->ask.text && r->choice[i] < 0) {
            answer(a, r->right >= 0 ? r->right : 0);
            if (check_wait(a)) problem(a, s->line, _("the training this step waits for did not finish"));
            app_draw(a);
            r->rendered_step = -1;
            render(a);
        }
    }
    int problems = r->problems;
    goto_step(a, r->l.n_steps);
    app_lesson_close(a);
    return problems;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

int app_lessons_check(App *a, char **files, int n)
{
    int problems = 0;
    if (n > 0) {
        for (int i = 0; i < n; i++) problems += check_one(a, files[i]);
        return problems;
    }
    char dir[NT_PATH_MAX];
    if (path_shipped_dir("lessons", dir, sizeof dir)) {
        fprintf(stderr, _("nexttoken: cannot find the lessons folder (nexttoken --version lists where it looks)\n"));
        return -1;
    }
    static const char *const langs[] = {"en", "ko"};
    int checked = 0;
    for (int k = 0; k < 2; k++) {
        char folder[NT_PATH_MAX + 8];
        snprintf(folder, sizeof folder, "%s/%s", dir, langs[k]);
        DIR *d = opendir(folder);
        if (!d) continue;
        char **paths = NULL;
        size_t n_paths = 0, cap = 0;
        for (struct dirent *ent; (ent = readdir(d)) != NULL;) {
            size_t len = strlen(ent->d_name);
            if (len < 4 || strcmp(ent->d_name + len - 3, ".md") != 0 || ent->d_name[0] == '.') continue;
            if (array_grow((void **)&paths, &cap, n_paths + 1, sizeof *paths, 16)) break;
            char path[NT_PATH_MAX + 300];
            snprintf(path, sizeof path, "%s/%s", folder, ent->d_name);
            paths[n_paths++] = strdup(path);
        }
        closedir(d);
        qsort(paths, n_paths, sizeof *paths, by_name);
        for (size_t i = 0; i < n_paths; i++) {
            if (paths[i]) problems += check_one(a, paths[i]), checked++;
            free(paths[i]);
        }
        free(paths);
    }
    char safe[2 * NT_PATH_MAX];
    if (!checked) fprintf(stderr, _("nexttoken: no lessons in %s\n"), escape_str(dir, safe, sizeof safe));
    return problems;
}
