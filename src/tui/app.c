/* app.c - the terminal interface's main loop, its session (model, corpus, trainer thread),
 * commands, and the frame around the panels: tabs, status bar, help, messages. See tui.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <term.h>

#include "core/base/array.h"
#include "core/base/atomicfile.h"
#include "core/base/blas.h"
#include "core/base/clock.h"
#include "core/base/parallel.h"
#include "core/base/paths.h"
#include "core/text/bpe_train.h"
#include "core/text/pretok.h"
#include "core/text/suffix.h"
#include "core/text/wordtok.h"
#include "tui.h"

#define MIN_ROWS 14
#define MIN_COLS 50
#define FRAME_SECONDS 0.1      /* at most 10 redraws a second for new snapshots */
#define MESSAGE_SECONDS 8      /* how long a message stays */
#define DEFAULT_LR 1e-3f

static const Panel *const panels[] = {&panel_lessons, &panel_slice, &panel_tokens, &panel_softmax,
                                      &panel_loss, &panel_sample, &panel_train};
#define N_PANELS (int)(sizeof panels / sizeof panels[0])

/* ------------------------------------------------------------------------------------------ */
/* Terminal state that signal handlers and atexit must reach */

static volatile sig_atomic_t got_signal;
static int curses_active;
static int signal_fd = -1;

static void restore_terminal(void)
{
    if (curses_active) {
        curses_active = 0;
        endwin();
    }
}

static void on_quit_signal(int sig)
{
    got_signal = sig;
    if (signal_fd >= 0) {
        ssize_t r = write(signal_fd, "s", 1);
        (void)r;
    }
}

/* A crash still leaves a usable terminal: restore it, then die of the same signal. */
static void on_crash(int sig)
{
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

void app_message(App *a, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
    a->message_error = error;
    a->message_time = clock_now();
}

/* ------------------------------------------------------------------------------------------ */
/* The session: corpus, tokenizer, model and its trainer thread */

static int mkdirs(const char *path)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0755);
            *s = '/';
        }
    return mkdir(p, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* corpora/stories.txt here, or beside the program's build directory. */
static void default_corpus(char *out, size_t cap)
{
    snprintf(out, cap, "corpora/stories.txt");
    if (access(out, R_OK) == 0) return;
    char dir[PATH_MAX];
    if (path_program_dir(dir, sizeof dir) == 0 && snprintf(out, cap, "%s/../corpora/stories.txt", dir) < (int)cap
        && access(out, R_OK) == 0)
        return;
    snprintf(out, cap, "corpora/stories.txt");
}

static void clear_history(App *a)
{
    a->hist_n = a->val_n = 0;
    a->n_samples = 0;
    memset(&a->snap, 0, sizeof a->snap);
    a->snap.sample_step = -1;
}

/* Stops the trainer thread, if any, and gives back its trainer (which the caller frees). */
static void session_stop(App *a, Trainer *out)
{
    if (a->tt) {
        tt_stop(a->tt, out);
        a->tt = NULL;
    } else if (out) {
        memset(out, 0, sizeof *out);
    }
}

static void session_free_data(App *a)
{
    if (a->corpus_index) {
        suffix_free(a->corpus_index);
        free(a->corpus_index);
        a->corpus_index = NULL;
    }
    for (int k = 0; k < 2; k++) wordtok_free(a->wordtok[k]), a->wordtok[k] = NULL;
    dataset_free(&a->data);
    corpus_close(&a->corpus);
    tokenizer_free(&a->tok);
}

static int session_begin(App *a, Trainer *tr, int running, Err *e)
{
    TrainThreadConfig cfg = {.publish_seconds = 2, .sample_every = 100, .sample_tokens = 80,
                             .autosave_seconds = a->headless ? 0 : 60};
    snprintf(cfg.autosave_path, sizeof cfg.autosave_path, "%s", a->autosave);
    char *abs = realpath(a->corpus_path, NULL);
    snprintf(tr->st.corpus_path, sizeof tr->st.corpus_path, "%.1023s", abs ? abs : a->corpus_path);
    free(abs);
    tr->st.corpus_hash = a->corpus.hash;
    a->unigram_entropy = dataset_unigram_entropy(&a->data);
    a->tt = tt_start(tr, &a->tok, &a->data, &cfg, running, a->wake_fd[1], e);
    if (!a->tt) return -1;
    tt_set_sampling(a->tt, a->prompt, &a->sc);
    clear_history(a);
    app_poll_trainer(a);
    app_touch(a); /* a new model: every panel starts over */
    return 0;
}

/* A new model: a byte-pair vocabulary learned from the corpus, the preset, the seed. */
static int session_new(App *a, Err *e)
{
    Trainer old;
    session_stop(a, &old);
    trainer_free(&old);
    session_free_data(a);
    if (corpus_open(&a->corpus, a->corpus_path, e)) return -1;
    if (bpe_learn(a->corpus.data, a->corpus.size, PRETOK_GPT2, BPE_DEFAULT_VOCAB, &a->tok, NULL, e)) return -1;
    GPT2Config mc;
    gpt2_preset(a->preset, &mc, e);
    mc.n_vocab = a->tok.n_vocab;
    if (dataset_build(&a->data, &a->corpus, &a->tok, mc.n_ctx, e)) return -1;
    TrainConfig tc;
    train_config_default(&tc);
    tc.seed = a->seed;
    tc.lr = a->lr;
    Trainer tr;
    if (trainer_create(&tr, &mc, &tc, &a->data, a->pool, e)) return -1;
    /* Scripts start paused at step 0 and train only when they wait for a step. */
    if (session_begin(a, &tr, !a->headless, e)) {
        trainer_free(&tr);
        return -1;
    }
    a->saved_step = 0;
    a->model_path[0] = 0;
    return 0;
}

/* Activation memory the interface will give a model it trains without saved settings. */
#define TRAIN_WORK_BUDGET ((size_t)1 << 30)

/* A saved model, resumed where it stopped when it has training state. */
static int session_load(App *a, const char *path, int running, Err *e)
{
    Checkpoint ck;
    if (checkpoint_load(path, &ck, CKPT_RESUME, e)) return -1;
    if (ck.tok.n_vocab == 0) {
        checkpoint_free(&ck);
        return err_input(e, "%s: an llm.c model without a tokenizer; import it first with nexttoken export --tokenizer", path);
    }
    Trainer old;
    session_stop(a, &old);
    trainer_free(&old);
    session_free_data(a);
    a->tok = ck.tok;
    memset(&ck.tok, 0, sizeof ck.tok);
    if (!a->opt.corpus && ck.st.corpus_path[0] && access(ck.st.corpus_path, R_OK) == 0)
        snprintf(a->corpus_path, sizeof a->corpus_path, "%s", ck.st.corpus_path);
    int rc = -1;
    if (corpus_open(&a->corpus, a->corpus_path, e) == 0
        && dataset_build(&a->data, &a->corpus, &a->tok, ck.model.cfg.n_ctx, e) == 0) {
        TrainConfig tc;
        train_config_default(&tc);
        tc.seed = a->seed;
        tc.lr = a->lr;
        if (ck.st.cfg.batch > 0) tc = ck.st.cfg;
        /* A model with no training state (an llm.c import, say GPT-2 124M at 1024 positions)
         * gets the largest batch whose activations fit a budget, not eight sequences' worth. */
        a->fitted_batch = 0;
        while (ck.st.cfg.batch == 0 && tc.batch > 1
               && gpt2_work_bytes(&ck.model.cfg, tc.batch, ck.model.cfg.n_ctx, 1, 1) > TRAIN_WORK_BUDGET)
            a->fitted_batch = tc.batch /= 2;
        tc.total_steps = 0; /* open-ended: the interface trains until told to stop */
        if (ck.st.cfg.batch > 0) ck.st.cfg.total_steps = 0;
        a->seed = tc.seed;
        a->lr = tc.lr;
        const char *p = gpt2_preset_of(&ck.model.cfg);
        snprintf(a->preset, sizeof a->preset, "%s", p ? p : "custom");
        Trainer tr;
        if (trainer_resume(&tr, &ck.model, &ck.opt, &ck.st, &tc, &a->data, a->pool, e) == 0) {
            rc = session_begin(a, &tr, running, e);
            if (rc) trainer_free(&tr);
        }
    }
    checkpoint_free(&ck);
    if (rc == 0) {
        a->saved_step = a->snap.step;
        if (strcmp(path, a->autosave) != 0) snprintf(a->model_path, sizeof a->model_path, "%s", path);
    }
    return rc;
}

/* Says so when a loaded model trains with a smaller batch than the default, to fit memory. */
static const char *fitted_note(App *a)
{
    static char note[64];
    if (!a->fitted_batch) return "";
    snprintf(note, sizeof note, ", batch %d to fit %d MB", a->fitted_batch, (int)(TRAIN_WORK_BUDGET >> 20));
    return note;
}

/* Saves the model where the session autosaves: on quit, and before it is replaced. */
static int session_save(App *a, const char *path, Err *e)
{
    if (!a->tt) return 0;
    Trainer tr;
    session_stop(a, &tr);
    int rc = checkpoint_save(path, &tr.model, &a->tok, &tr.opt, &tr.st, e);
    Err e2;
    if (session_begin(a, &tr, 0, &e2)) trainer_free(&tr);
    return rc;
}

const GPT2 *app_view_model(App *a)
{
    if (!a->tt) return NULL;
    const GPT2Config *c = tt_model_config(a->tt);
    if (!a->view.params || memcmp(&a->view.cfg, c, sizeof *c) != 0) {
        Err e;
        gpt2_free(&a->view);
        if (gpt2_create(&a->view, c, &e)) return NULL;
        a->view_version = -1;
    }
    if (tt_copy_weights(a->tt, &a->view, &a->view_version)) a->generation++;
    return &a->view;
}

const struct SuffixArray *app_corpus_index(App *a)
{
    if (a->corpus_index) return a->corpus_index;
    if (!a->data.tokens) return NULL;
    SuffixArray *s = calloc(1, sizeof *s);
    Err e;
    if (!s || suffix_build(s, a->data.tokens, a->data.n_tokens, &e)) {
        free(s);
        return NULL;
    }
    a->corpus_index = s;
    return s;
}

const struct WordTok *app_wordtok(App *a, int kind, size_t *corpus_tokens)
{
    Err e;
    if (!a->wordtok[kind] && a->corpus.data) {
        a->wordtok[kind] = wordtok_build(kind, a->corpus.data, a->corpus.size, &e);
        a->wordtok_corpus_tokens[kind] = 0;
    }
    const WordTok *w = a->wordtok[kind];
    if (corpus_tokens && w && !a->wordtok_corpus_tokens[kind]) { /* counted when first asked */
        int32_t *ids = malloc(sizeof(int32_t) * (a->corpus.size + 1));
        size_t unknown;
        long k = ids ? wordtok_encode(w, a->corpus.data, a->corpus.size, ids, &unknown) : 0;
        free(ids);
        a->wordtok_corpus_tokens[kind] = k > 0 ? (size_t)k : 0;
    }
    if (corpus_tokens) *corpus_tokens = a->wordtok_corpus_tokens[kind];
    return w;
}

int app_poll_trainer(App *a)
{
    if (!a->tt) return 0;
    TrainSnapshot s;
    tt_snapshot(a->tt, &s);
    int changed = memcmp(&s, &a->snap, offsetof(TrainSnapshot, sample)) != 0 || s.sample_step != a->snap.sample_step
                  || s.message_id != a->snap.message_id;
    /* Out of memory: the new entries are copied on a later tick. */
    void **const hist[] = {(void **)&a->hist_loss, (void **)&a->hist_sec};
    const size_t hist_elems[] = {sizeof *a->hist_loss, sizeof *a->hist_sec};
    if (s.n_hist > a->hist_n && array_grow_columns(&a->hist_cap, (size_t)s.n_hist, 4096, 2, hist, hist_elems) == 0)
        a->hist_n += tt_history(a->tt, a->hist_n, s.n_hist - a->hist_n, a->hist_loss + a->hist_n, a->hist_sec + a->hist_n);
    void **const val[] = {(void **)&a->val_step, (void **)&a->val_loss};
    const size_t val_elems[] = {sizeof *a->val_step, sizeof *a->val_loss};
    if (s.n_val > a->val_n && array_grow_columns(&a->val_cap, (size_t)s.n_val, 256, 2, val, val_elems) == 0)
        a->val_n += tt_val_history(a->tt, a->val_n, s.n_val - a->val_n, a->val_step + a->val_n, a->val_loss + a->val_n);
    if (s.sample_step >= 0 && s.sample_step != a->snap.sample_step) {
        memmove(a->samples[1], a->samples[0], sizeof a->samples[0] * (TRAIN_PANEL_HISTORY - 1));
        memmove(a->sample_steps + 1, a->sample_steps, sizeof a->sample_steps[0] * (TRAIN_PANEL_HISTORY - 1));
        memcpy(a->samples[0], s.sample, sizeof s.sample);
        a->sample_steps[0] = s.sample_step;
        if (a->n_samples < TRAIN_PANEL_HISTORY) a->n_samples++;
    }
    if (s.message_id != a->snap.message_id && s.message[0])
        app_message(a, s.state == TT_FAILED || strstr(s.message, "failed") != NULL, "%s", s.message);
    a->snap = s;
    return changed;
}

/* ------------------------------------------------------------------------------------------ */
/* Commands */

static int parse_float(const char *s, float *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v)) return -1;
    *out = (float)v;
    return 0;
}

static void ask(App *a, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void ask(App *a, const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->confirm_text, sizeof a->confirm_text, fmt, ap);
    va_end(ap);
    snprintf(a->confirm_cmd, sizeof a->confirm_cmd, "%s", cmd);
    a->confirming = 1;
}

/* Whether replacing the model would lose training nobody saved on purpose. */
static int unsaved(const App *a)
{
    return a->tt && a->snap.step > a->saved_step;
}

/* q and :quit: save the model first; if that fails, ask before losing its training. */
static void request_quit(App *a)
{
    if (!a->tt || a->snap.step == 0) {
        a->quit = 1;
        return;
    }
    Trainer tr;
    session_stop(a, &tr);
    Err e;
    if (checkpoint_save(a->autosave, &tr.model, &a->tok, &tr.opt, &tr.st, &e) == 0) {
        snprintf(a->quit_note, sizeof a->quit_note, "nexttoken: saved the model at step %ld to %s (it resumes from there next time)\n",
                 tr.st.step, a->autosave);
        trainer_free(&tr);
        a->quit = 1;
        return;
    }
    long steps = tr.st.step;
    Err e2;
    if (session_begin(a, &tr, 0, &e2)) trainer_free(&tr);
    ask(a, "quit!", "Could not save the model (%s). Quit anyway, losing its %ld steps? [y/N]", e.msg, steps);
}

static void export_loss(App *a, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f) {
        char head[32] = "";
        size_t k = fread(head, 1, 25, f);
        fclose(f);
        if (k > 0 && strncmp(head, "step,seconds,loss,val_loss", k < 25 ? k : 25) != 0) {
            app_message(a, 1, "%s exists and is not a loss export; not overwriting it", path);
            return;
        }
    }
    AtomicFile af;
    Err e;
    if (atomic_open(&af, path, &e)) {
        app_message(a, 1, "%s", e.msg);
        return;
    }
    char line[128];
    int n = snprintf(line, sizeof line, "step,seconds,loss,val_loss\n");
    atomic_write(&af, line, (size_t)n);
    long v = 0;
    for (long i = 0; i < a->hist_n; i++) {
        long step = i + 1;
        while (v < a->val_n && a->val_step[v] < step) v++;
        if (v < a->val_n && a->val_step[v] == step)
            n = snprintf(line, sizeof line, "%ld,%.3f,%.6f,%.6f\n", step, a->hist_sec[i], a->hist_loss[i], a->val_loss[v]);
        else
            n = snprintf(line, sizeof line, "%ld,%.3f,%.6f,\n", step, a->hist_sec[i], a->hist_loss[i]);
        atomic_write(&af, line, (size_t)n);
    }
    if (atomic_commit(&af, &e)) app_message(a, 1, "%s", e.msg);
    else app_message(a, 0, "wrote %ld steps of loss history to %s", a->hist_n, path);
}

static const Panel *panel_named(const char *name)
{
    for (int i = 0; i < N_PANELS; i++)
        if (strcasecmp(name, panels[i]->name) == 0 || (name[0] == panels[i]->hotkey && !name[1])) return panels[i];
    return NULL;
}

static void start_new_model(App *a)
{
    Err e;
    if (session_new(a, &e)) app_message(a, 1, "%s", e.msg);
    else app_message(a, 0, "training a new %s model on %s (seed %llu)", a->preset, a->corpus.name, (unsigned long long)a->seed);
}

void app_command(App *a, const char *line)
{
    while (*line == ' ' || *line == ':') line++;
    char cmd[64] = "";
    int k = 0;
    while (line[k] && line[k] != ' ' && k < 63) cmd[k] = line[k], k++;
    cmd[k] = 0;
    const char *rest = line + k;
    while (*rest == ' ') rest++;
    if (!cmd[0]) return;
    /* the focused panel first: its own commands, or its reading of shared ones */
    if (a->panel->command) {
        char *argv[2] = {cmd, (char *)rest};
        if (a->panel->command(a, 2, argv)) return;
    }
    float f;
    Err e;
    if (!strcmp(cmd, "quit") || !strcmp(cmd, "q")) {
        request_quit(a);
    } else if (!strcmp(cmd, "quit!")) { /* after the question: quit without saving */
        a->quit = 1;
    } else if (!strcmp(cmd, "help")) {
        a->help_open = 1;
    } else if (!strcmp(cmd, "panel")) {
        const Panel *p = panel_named(rest);
        if (p) app_switch(a, p);
        else app_message(a, 1, "no panel '%s' (lessons, slice, tokens, softmax, loss, sample, train)", rest);
    } else if (!strcmp(cmd, "lesson")) {
        app_message(a, 1, "no lessons are installed yet: they are being written (see lessons/README.md)");
    } else if (!strcmp(cmd, "train")) {
        if (!strcmp(rest, "pause")) {
            if (a->tt) tt_pause(a->tt), app_message(a, 0, "training paused at the end of this step");
        } else if (!strcmp(rest, "resume") || !strcmp(rest, "start")) {
            if (a->tt) tt_resume(a->tt), app_message(a, 0, "training");
            else start_new_model(a);
        } else if (!strcmp(rest, "stop")) {
            if (a->tt) {
                tt_pause(a->tt);
                if (session_save(a, a->autosave, &e)) app_message(a, 1, "%s", e.msg);
                else app_message(a, 0, "training stopped at step %ld and saved to %s; train resume continues", a->snap.step, a->autosave);
            }
        } else {
            app_message(a, 1, "train start, pause, resume or stop");
        }
    } else if (!strcmp(cmd, "save")) {
        if (!*rest) app_message(a, 1, "save FILE");
        else if (!a->tt) app_message(a, 1, "no model to save");
        else {
            tt_request_save(a->tt, rest);
            a->saved_step = a->snap.step; /* corrected by the next snapshot's message if it fails */
        }
    } else if (!strcmp(cmd, "load")) {
        if (!*rest) app_message(a, 1, "load FILE");
        else if (unsaved(a) && !a->confirming) {
            char c[300];
            snprintf(c, sizeof c, "load %s", rest);
            ask(a, c, "Load %s? The current model's last %ld steps are not saved. [y/N]", rest, a->snap.step - a->saved_step);
        } else if (session_load(a, rest, 0, &e)) {
            app_message(a, 1, "%s", e.msg);
        } else {
            app_message(a, 0, "loaded %s (step %ld%s); train resume to continue", rest, a->snap.step, fitted_note(a));
        }
    } else if (!strcmp(cmd, "corpus") || !strcmp(cmd, "preset") || !strcmp(cmd, "seed")) {
        /* each starts a new model */
        char value[4096];
        snprintf(value, sizeof value, "%s", rest);
        if (!*value) {
            app_message(a, 1, "%s needs a value", cmd);
            return;
        }
        GPT2Config probe;
        char *end;
        if (!strcmp(cmd, "preset") && gpt2_preset(value, &probe, NULL)) {
            app_message(a, 1, "no preset '%s' (tiny, small or base)", value);
            return;
        }
        if (!strcmp(cmd, "seed") && (strtoull(value, &end, 10), *end || value[0] == '-')) {
            app_message(a, 1, "seed takes a whole number");
            return;
        }
        if (!strcmp(cmd, "corpus")) {
            Corpus c;
            if (corpus_open(&c, value, &e)) {
                app_message(a, 1, "%s", e.msg);
                return;
            }
            corpus_close(&c);
        }
        if (unsaved(a) && !a->confirming) {
            char c[4200];
            snprintf(c, sizeof c, "%s %s", cmd, value);
            ask(a, c, "Start a new model with %s %s? The current one's last %ld steps are not saved. [y/N]", cmd, value,
                a->snap.step - a->saved_step);
            return;
        }
        if (!strcmp(cmd, "corpus")) snprintf(a->corpus_path, sizeof a->corpus_path, "%s", value);
        else if (!strcmp(cmd, "preset")) snprintf(a->preset, sizeof a->preset, "%.15s", value);
        else a->seed = strtoull(value, NULL, 10);
        start_new_model(a);
    } else if (!strcmp(cmd, "lr")) {
        if (parse_float(rest, &f) || !(f > 0 && f <= 10)) app_message(a, 1, "lr takes a learning rate in (0, 10]");
        else {
            a->lr = f;
            if (a->tt) tt_set_lr(a->tt, f);
            app_message(a, 0, "learning rate %g from the next step", f);
        }
    } else if (!strcmp(cmd, "prompt")) {
        snprintf(a->prompt, sizeof a->prompt, "%s", rest);
        app_touch(a);
        if (a->tt) tt_set_sampling(a->tt, a->prompt, &a->sc);
        app_message(a, 0, "prompt: \"%s\"", a->prompt);
    } else if (!strcmp(cmd, "temp") || !strcmp(cmd, "temperature") || !strcmp(cmd, "top-p") || !strcmp(cmd, "top-k")
               || !strcmp(cmd, "min-p")) {
        SamplerConfig sc = a->sc;
        if (parse_float(rest, &f)) {
            app_message(a, 1, "%s takes a number", cmd);
            return;
        }
        if (cmd[0] == 't' && cmd[1] == 'e') sc.temperature = f;
        else if (!strcmp(cmd, "top-p")) sc.top_p = f;
        else if (!strcmp(cmd, "top-k")) sc.top_k = f == floorf(f) ? (int)f : -1;
        else sc.min_p = f;
        if (sampler_config_check(&sc, &e)) {
            app_message(a, 1, "%s", e.msg);
            return;
        }
        a->sc = sc;
        app_touch(a);
        if (a->tt) tt_set_sampling(a->tt, NULL, &a->sc);
        app_message(a, 0, "sampling: temperature %g, top-k %d, top-p %g, min-p %g", sc.temperature, sc.top_k, sc.top_p, sc.min_p);
    } else if (!strcmp(cmd, "export")) {
        if (strncmp(rest, "loss ", 5) != 0 || !rest[5]) app_message(a, 1, "export loss FILE");
        else export_loss(a, rest + 5);
    } else {
        app_message(a, 1, "unknown command '%s' (help lists them)", cmd);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Drawing the frame */

typedef struct {
    int x0, x1;
} TabSpan;
static TabSpan tab_spans[N_PANELS];

static void draw_tabs(App *a)
{
    int x = 0;
    x += draw_text(stdscr, 0, x, a->cols - x, ST_TITLE, a, " nexttoken ");
    for (int i = 0; i < N_PANELS && x < a->cols; i++) {
        char label[40];
        snprintf(label, sizeof label, " %c %s ", panels[i]->hotkey, panels[i]->title);
        int active = a->panel == panels[i];
        /* Without colour the active tab is still reverse video, and bracketed. */
        if (active && !a->colors) label[0] = '[', label[strlen(label) - 1] = ']';
        tab_spans[i].x0 = x;
        x += draw_text(stdscr, 0, x, a->cols - x, active ? ST_TAB_ACTIVE : ST_TAB, a, label);
        tab_spans[i].x1 = x;
    }
}

static void fmt_count(char *out, size_t cap, double v)
{
    if (v >= 1e6) snprintf(out, cap, "%.2fM", v / 1e6);
    else if (v >= 1e4) snprintf(out, cap, "%.0fk", v / 1e3);
    else snprintf(out, cap, "%.0f", v);
}

static void draw_status(App *a)
{
    int y = a->rows - 1;
    wattrset(stdscr, style(a, ST_STATUS));
    mvwhline(stdscr, y, 0, ' ', a->cols);
    wattrset(stdscr, 0);
    int x = 0;
    if (!a->tt) {
        draw_text(stdscr, y, 1, a->cols - 2, ST_STATUS, a, "no model - train start, or load FILE");
        return;
    }
    const GPT2Config *c = tt_model_config(a->tt);
    char params[16];
    fmt_count(params, sizeof params, (double)gpt2_param_count(c));
    x += draw_textf(stdscr, y, x, a->cols - x, ST_STATUS, a, " %s %s params, vocab %d ", a->preset, params, c->n_vocab);
    static const char *names[] = {"idle", "running", "paused", "stopped", "failed"};
    static const char *sym_utf8[] = {"\u25a0", "\u25b6", "\u2016", "\u25a0", "\u2717"}, *sym_ascii[] = {"#", ">", "||", "#", "X"};
    int st = a->snap.state;
    int sst = st == TT_RUNNING ? ST_STATUS_RUN : st == TT_FAILED ? ST_STATUS_FAIL : ST_STATUS_PAUSE;
    x += draw_textf(stdscr, y, x, a->cols - x, sst, a, " %s %s ", a->utf8 ? sym_utf8[st] : sym_ascii[st], names[st]);
    x += draw_textf(stdscr, y, x, a->cols - x, ST_STATUS, a, " step %ld", a->snap.step);
    if (a->snap.step > 0) x += draw_textf(stdscr, y, x, a->cols - x, ST_STATUS, a, "  loss %.3f", a->snap.loss);
    const char *base = strrchr(a->corpus_path, '/');
    char right[300];
    snprintf(right, sizeof right, "%.200s  seed %llu ", base ? base + 1 : a->corpus_path, (unsigned long long)a->seed);
    int rw = text_width(right);
    if (x + rw + 2 < a->cols) draw_text(stdscr, y, a->cols - rw, rw, ST_STATUS, a, right);
}

static void draw_message(App *a)
{
    int y = a->rows - 2;
    wmove(stdscr, y, 0);
    wclrtoeol(stdscr);
    if (a->confirming) {
        draw_text(stdscr, y, 1, a->cols - 2, ST_KEY, a, a->confirm_text);
    } else if (a->message[0] && (a->headless || clock_now() - a->message_time < MESSAGE_SECONDS)) {
        draw_text(stdscr, y, 1, a->cols - 2, a->message_error ? ST_ERROR : ST_ACCENT, a, a->message);
    } else {
        draw_text(stdscr, y, 1, a->cols - 2, ST_DIM, a, "? help   : command   q quit   0-6 panels   Tab next");
    }
}

static void draw_help(App *a)
{
    static const HelpLine global[] = {
        {"0 / l", "Lessons"}, {"1-6", "panels: Slice, Tokens, Softmax, Loss, Sample, Train"},
        {"Tab / S-Tab", "next / previous panel"}, {":", "command line (Tab completes, Up/Down history)"},
        {"e", "edit the text the panels work on (the prompt)"},
        {"?", "this help"}, {"q", "quit (saves the model)"}, {NULL, NULL},
    };
    int n = 0, m = 0;
    for (const HelpLine *h = a->panel->help; h && h->keys; h++) n++;
    for (const HelpLine *h = global; h->keys; h++) m++;
    int h = n + m + 7, w = a->cols - 8 < 72 ? a->cols - 8 : 72;
    if (h > a->rows - 2) h = a->rows - 2;
    int y0 = (a->rows - h) / 2, x0 = (a->cols - w) / 2;
    for (int r = 0; r < h; r++) {
        wmove(stdscr, y0 + r, x0);
        for (int c = 0; c < w; c++) waddch(stdscr, ' ');
    }
    char title[64];
    snprintf(title, sizeof title, "Help: %s", a->panel->title);
    draw_box(stdscr, y0, x0, h, w, a, title);
    int y = y0 + 1;
    for (const HelpLine *l = a->panel->help; l && l->keys && y < y0 + h - 1; l++, y++) {
        draw_text(stdscr, y, x0 + 2, 14, ST_KEY, a, l->keys);
        draw_text(stdscr, y, x0 + 17, w - 19, ST_NORMAL, a, l->what);
    }
    y++;
    for (const HelpLine *l = global; l->keys && y < y0 + h - 1; l++, y++) {
        draw_text(stdscr, y, x0 + 2, 14, ST_KEY, a, l->keys);
        draw_text(stdscr, y, x0 + 17, w - 19, ST_NORMAL, a, l->what);
    }
    /* the commands, wrapped */
    static const char *cmds = "commands: train start|pause|resume|stop, save FILE, load FILE, corpus FILE, preset NAME, lr X, seed N, prompt TEXT, temp X, top-p X, top-k N, min-p X, panel NAME, export loss FILE, help, quit";
    const char *p = cmds;
    for (int row = y + 1; *p && row < y0 + h - 1; row++) {
        int avail = w - 4, len = (int)strlen(p);
        if (len > avail) {
            len = avail;
            while (len > 0 && p[len] != ' ') len--;
            if (len == 0) len = avail;
        }
        char part[256];
        snprintf(part, sizeof part, "%.*s", len, p);
        draw_text(stdscr, row, x0 + 2, w - 4, ST_DIM, a, part);
        p += len;
        while (*p == ' ') p++;
    }
}

void app_draw(App *a)
{
    a->more = 0; /* a panel that still has work sets it again */
    getmaxyx(stdscr, a->rows, a->cols);
    werase(stdscr);
    if (a->rows < MIN_ROWS || a->cols < MIN_COLS) {
        /* three short lines, so that even a tiny terminal shows the whole message */
        char msg[3][64];
        snprintf(msg[0], sizeof msg[0], "nexttoken needs");
        snprintf(msg[1], sizeof msg[1], "at least %dx%d", MIN_COLS, MIN_ROWS);
        snprintf(msg[2], sizeof msg[2], "(this is %dx%d)", a->cols, a->rows);
        for (int i = 0; i < 3; i++) {
            int w = text_width(msg[i]);
            draw_text(stdscr, a->rows / 2 - 1 + i, w < a->cols ? (a->cols - w) / 2 : 0, a->cols, i ? ST_NORMAL : ST_ERROR, a, msg[i]);
        }
        curs_set(0);
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    draw_tabs(a);
    WINDOW *body = derwin(stdscr, a->rows - 3, a->cols, 1, 0);
    if (body) {
        a->panel->draw(a, body, a->rows - 3, a->cols);
        delwin(body);
    }
    draw_message(a);
    draw_status(a);
    if (a->help_open) draw_help(a);
    curs_set(0);
    if (a->cmd_open) cmdline_draw(a);
    wnoutrefresh(stdscr);
    doupdate();
}

void app_switch(App *a, const Panel *p)
{
    if (p == a->panel) return;
    a->animating = 0;
    if (a->panel && a->panel->leave) a->panel->leave(a);
    a->panel = p;
    if (p->enter) p->enter(a);
}

/* ------------------------------------------------------------------------------------------ */
/* Keys */

void app_key(App *a, int ch)
{
    if (ch == KEY_RESIZE) return; /* redrawn below at the new size */
    if (a->confirming) {
        /* still confirming while the command runs: that is what lets it past its question */
        if (ch == 'y' || ch == 'Y') app_command(a, a->confirm_cmd);
        else app_message(a, 0, "cancelled");
        a->confirming = 0;
        return;
    }
    if (a->cmd_open) {
        cmdline_feed(a, ch);
        return;
    }
    if (a->help_open) {
        a->help_open = 0;
        if (ch == '?' || ch == 27 || ch == 'q') return;
    }
    if (ch == KEY_MOUSE) {
        MEVENT ev;
        if (getmouse(&ev) != OK) return;
        if (ev.y == 0)
            for (int i = 0; i < N_PANELS; i++)
                if (ev.x >= tab_spans[i].x0 && ev.x < tab_spans[i].x1) app_switch(a, panels[i]);
        /* below the tabs: the panel's, in its own coordinates (its window starts at row 1) */
        if (ev.y > 0 && a->panel->key) {
            a->mouse = ev;
            a->mouse.y -= 1;
            a->panel->key(a, KEY_MOUSE);
        }
        return;
    }
    int r = a->panel->key ? a->panel->key(a, ch) : KEY_IGNORED;
    if (r == KEY_QUIT) request_quit(a);
    if (r != KEY_IGNORED) return;
    int idx = 0;
    for (int i = 0; i < N_PANELS; i++)
        if (panels[i] == a->panel) idx = i;
    if (ch >= '0' && ch <= '6') app_switch(a, panels[ch - '0']);
    else if (ch == 'l') app_switch(a, &panel_lessons);
    else if (ch == '\t') app_switch(a, panels[(idx + 1) % N_PANELS]);
    else if (ch == KEY_BTAB) app_switch(a, panels[(idx + N_PANELS - 1) % N_PANELS]);
    else if (ch == '?') a->help_open = 1;
    else if (ch == 'a' && a->panel->tick) a->animating = !a->animating; /* a panel that steps: on its own */
    else if (ch == ':') cmdline_open(a);
    else if (ch == 'e') { /* every panel's text: the prompt, ready to edit */
        char buf[sizeof a->prompt + 8];
        snprintf(buf, sizeof buf, "prompt %s", a->prompt);
        cmdline_open_with(a, buf);
    }
    else if (ch == 'q') request_quit(a);
}

/* ------------------------------------------------------------------------------------------ */
/* Start, loop, end */

static int app_setup(App *a, Err *e)
{
    if (path_data_dir(a->data_dir, sizeof a->data_dir - 16)) return err_input(e, "the data directory's path is too long");
    if (mkdirs(a->data_dir)) return err_input(e, "%s: cannot create the data directory: %s", a->data_dir, strerror(errno));
    if (snprintf(a->autosave, sizeof a->autosave, "%s/default.ckpt", a->data_dir) >= (int)sizeof a->autosave)
        return err_input(e, "the data directory's path is too long");
    if (a->opt.corpus) snprintf(a->corpus_path, sizeof a->corpus_path, "%s", a->opt.corpus);
    else default_corpus(a->corpus_path, sizeof a->corpus_path);
    a->pool = par_create(a->opt.threads > 0 ? a->opt.threads : par_cpu_count(), e);
    if (!a->pool) return -1;
    snprintf(a->preset, sizeof a->preset, "small");
    a->seed = 1337;
    a->lr = DEFAULT_LR;
    sampler_config_default(&a->sc);
    a->sc.temperature = 0.8f;
    snprintf(a->prompt, sizeof a->prompt, "Once upon a time");
    a->plot_smooth_idx = 1;
    a->panel = &panel_train;
    clear_history(a);
    if (pipe(a->wake_fd)) return err_internal(e, "pipe: %s", strerror(errno));
    for (int i = 0; i < 2; i++) fcntl(a->wake_fd[i], F_SETFL, O_NONBLOCK), fcntl(a->wake_fd[i], F_SETFD, FD_CLOEXEC);
    signal_fd = a->wake_fd[1];
    /* What to train: the model asked for, else the last session, else a new one. */
    if (a->opt.model) {
        if (session_load(a, a->opt.model, 0, e)) return -1;
        app_message(a, 0, "loaded %s at step %ld%s: train resume (or Space on the Train panel) to continue", a->opt.model,
                    a->snap.step, fitted_note(a));
    } else if (!a->opt.fresh && !a->headless && access(a->autosave, R_OK) == 0) {
        Err le;
        if (session_load(a, a->autosave, 1, &le) == 0) app_message(a, 0, "resumed %s at step %ld", a->autosave, a->snap.step);
        else {
            app_message(a, 1, "could not resume %s (%s); starting a new model", a->autosave, le.msg);
            if (session_new(a, e)) return -1;
        }
    } else if (session_new(a, e)) {
        return -1;
    }
    return 0;
}

static void app_teardown(App *a, int save)
{
    Trainer tr = {0};
    session_stop(a, &tr);
    char done[4800] = "";
    snprintf(done, sizeof done, "%s", a->quit_note); /* q saved already */
    if (save && !a->quit_note[0] && strcmp(a->confirm_cmd, "quit!") != 0 && tr.st.step > 0) {
        Err e;
        if (checkpoint_save(a->autosave, &tr.model, &a->tok, &tr.opt, &tr.st, &e))
            snprintf(done, sizeof done, "nexttoken: could not save the model: %s\n", e.msg);
        else
            snprintf(done, sizeof done, "nexttoken: saved the model at step %ld to %s (it resumes from there next time)\n",
                     tr.st.step, a->autosave);
    }
    trainer_free(&tr);
    session_free_data(a);
    par_free(a->pool);
    cmdline_shutdown(a);
    restore_terminal();
    if (done[0]) fputs(done, stderr);
    free(a->hist_loss), free(a->hist_sec), free(a->val_step), free(a->val_loss);
    gpt2_free(&a->view);
    close(a->wake_fd[0]);
    close(a->wake_fd[1]);
    signal_fd = -1;
}

/* The real terminal, or for scripts a terminal of the asked-for size drawn into nothing: the
 * screen is read back from curses's own copy (script.c). */
static int start_curses(App *a)
{
    if (a->headless) {
        char rows[16], cols[16];
        snprintf(rows, sizeof rows, "%d", a->opt.rows);
        snprintf(cols, sizeof cols, "%d", a->opt.cols);
        setenv("LINES", rows, 1);
        setenv("COLUMNS", cols, 1);
        FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
        if (!out || !in || !newterm("xterm-256color", out, in)) {
            fputs("nexttoken: cannot start curses for the script (is the xterm-256color terminfo installed?)\n", stderr);
            return -1;
        }
    } else if (!newterm(getenv("TERM"), stdout, stdin)) {
        fprintf(stderr, "nexttoken: cannot start the terminal interface on TERM=%s\n", getenv("TERM"));
        return -1;
    }
    curses_active = 1;
    atexit(restore_terminal);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
    mouseinterval(0);
    draw_init_styles(a);
    return 0;
}

static void install_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_quit_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    struct sigaction crash = {0};
    crash.sa_handler = on_crash;
    crash.sa_flags = SA_RESETHAND;
    int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) sigaction(fatal[i], &crash, NULL);
}

static void run_loop(App *a)
{
    double last_draw = 0;
    int dirty = 1;
    while (!a->quit) {
        struct pollfd fds[2] = {{0, POLLIN, 0}, {a->wake_fd[0], POLLIN, 0}};
        /* Wake for keys and for the trainer; otherwise a few times a second, for the clock and
         * the message's expiry. Redraws of trainer news are paced at FRAME_SECONDS. */
        double wait = dirty ? FRAME_SECONDS - (clock_now() - last_draw) : a->more ? 0.01 : 0.5;
        if (a->animating && ANIMATE_SECONDS - (clock_now() - a->anim_last) < wait) wait = ANIMATE_SECONDS - (clock_now() - a->anim_last);
        if (wait < 0) wait = 0;
        poll(fds, 2, (int)(wait * 1000));
        if (fds[1].revents & POLLIN) {
            char buf[256];
            while (read(a->wake_fd[0], buf, sizeof buf) > 0) {}
        }
        if (got_signal) {
            int sig = got_signal;
            got_signal = 0;
            if (sig == SIGINT && a->cmd_open) cmdline_cancel(a); /* Ctrl-C clears the command line */
            else a->quit = 1;
            dirty = 1;
        }
        int keys = 0, ch;
        while ((ch = wgetch(stdscr)) != ERR) {
            app_key(a, ch);
            keys = 1;
        }
        if (app_poll_trainer(a)) dirty = 1;
        if (a->animating && a->panel->tick && clock_now() - a->anim_last >= ANIMATE_SECONDS) {
            a->anim_last = clock_now();
            a->panel->tick(a);
            keys = 1; /* drawn at once */
        }
        if (keys || a->more || (dirty && clock_now() - last_draw >= FRAME_SECONDS) || clock_now() - last_draw > 1.0) {
            app_draw(a);
            last_draw = clock_now();
            dirty = 0;
        }
    }
}

int tui_main(const TuiOptions *opt)
{
    App *a = calloc(1, sizeof *a);
    if (!a) return 1;
    a->opt = *opt;
    a->headless = opt->script != NULL;
    /* The trainer's pool splits every layer; OpenBLAS runs single-threaded inside each part. */
    blas_set_threads(1);
    setlocale(LC_ALL, "");
    a->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    Err e;
    if (!a->headless && (!isatty(0) || !isatty(1))) {
        fputs("nexttoken: the interactive interface needs a terminal; without one, use the commands (nexttoken train, sample, loss, softmax, slice, bpe, encode: nexttoken --help)\n", stderr);
        free(a);
        return 2;
    }
    if (!a->headless) {
        const char *term = getenv("TERM");
        int err;
        if (!term || !*term || setupterm(term, 1, &err) != OK) {
            fprintf(stderr, "nexttoken: unknown terminal type '%s' (TERM); try TERM=xterm-256color, or use the commands (nexttoken --help)\n", term ? term : "");
            free(a);
            return 2;
        }
    }
    /* The model first (it may take a moment to learn its tokenizer), while the terminal is
     * still an ordinary one for error messages. */
    if (app_setup(a, &e)) {
        fprintf(stderr, "nexttoken: %s\n", e.msg);
        session_stop(a, NULL);
        session_free_data(a);
        par_free(a->pool);
        free(a);
        return e.code == ERR_INPUT ? 2 : 1;
    }
    int status = 0;
    if (start_curses(a)) {
        app_teardown(a, 0);
        free(a);
        return 2;
    }
    if (a->headless) {
        cmdline_init(a);
        status = script_run(a, opt->script);
        app_teardown(a, 0);
    } else {
        install_signals();
        cmdline_init(a);
        app_draw(a);
        run_loop(a);
        app_teardown(a, 1);
    }
    free(a);
    return status;
}
