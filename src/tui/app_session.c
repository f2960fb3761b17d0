/* app_session.c - the interface's training session: the model (a core Session), its trainer
 * thread and what is copied from it (snapshots, the loss history, samples, the panels' view of
 * the weights), and the typed setters through which the command line, the panels and lessons
 * change what the panels share. See tui.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/array.h"
#include "core/base/atomicfile.h"
#include "core/base/parallel.h"
#include "core/text/suffix.h"
#include "core/text/wordtok.h"
#include "tui.h"

#define DEFAULT_CORPUS "corpora/stories.txt"
#define DEFAULT_PRESET "small"
#define DEFAULT_SEED 1337
#define DEFAULT_TEMPERATURE 0.8f
#define DEFAULT_PROMPT "Once upon a time"

/* ------------------------------------------------------------------------------------------ */
/* Starting, stopping and replacing the session */

static int mkdirs(const char *path)
{
    char p[NT_PATH_MAX];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0755);
            *s = '/';
        }
    return mkdir(p, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* corpora/stories.txt here, else the shipped one (paths.h: the build's tree, the installed). */
static void default_corpus(char *out, size_t cap) { path_corpus(DEFAULT_CORPUS, out, cap); }

static void clear_history(App *a)
{
    a->hist_n = a->val_n = 0;
    a->n_samples = 0;
    memset(&a->snap, 0, sizeof a->snap);
    a->snap.sample_step = -1;
}

/* Stops the trainer thread, if any: its trainer comes back into a->s.tr. The panels' model is
 * gone until session_begin, and what they computed from it must not be used meanwhile (a panel
 * drawn in between, when the thread cannot be started again, would ask it of no model). */
static void session_stop(App *a)
{
    if (a->tt) tt_stop(a->tt, &a->s.tr), app_touch(a);
    a->tt = NULL;
}

/* What was built from the session's corpus for the panels. */
static void release_indexes(App *a)
{
    if (a->corpus_index) {
        suffix_free(a->corpus_index);
        free(a->corpus_index);
        a->corpus_index = NULL;
    }
    for (int k = 0; k < 2; k++) wordtok_free(a->wordtok[k]), a->wordtok[k] = NULL;
}

/* Starts a->s's trainer in its thread, paused or running. */
static int session_begin(App *a, int running, Err *e)
{
    TrainThreadConfig cfg = {.publish_seconds = TT_PUBLISH_SECONDS, .sample_every = TT_SAMPLE_EVERY,
                             .sample_tokens = TT_SAMPLE_TOKENS, .autosave_seconds = a->headless ? 0 : TT_AUTOSAVE_SECONDS};
    snprintf(cfg.autosave_path, sizeof cfg.autosave_path, "%s", a->autosave);
    a->unigram_entropy = dataset_unigram_entropy(&a->s.data);
    a->tt = tt_start(&a->s.tr, &a->s.tok, &a->s.data, &cfg, running, a->wake_fd[1], e);
    if (!a->tt) return -1;
    a->view_version = -1; /* another model, or the same one after a save: its weights are taken again */
    tt_set_sampling(a->tt, a->prompt, &a->sc);
    clear_history(a);
    app_poll_trainer(a);
    app_touch(a); /* a new model: every panel starts over */
    return 0;
}

/* Opens the session sp describes in place of the current one. When it cannot be opened, the
 * current model goes on as it was (paused or running) and e says why. */
static int replace_session(App *a, const SessionSpec *sp, int running, Err *e)
{
    int was_running = a->tt && a->snap.state == TT_RUNNING;
    session_stop(a);
    Session fresh;
    if (session_open(&fresh, sp, a->pool, e)) {
        Err again;
        if (a->s.tr.model.params && session_begin(a, was_running, &again)) session_close(&a->s);
        return -1;
    }
    release_indexes(a);
    session_close(&a->s);
    session_move(&a->s, &fresh);
    snprintf(a->corpus_path, sizeof a->corpus_path, "%s", a->s.corpus_path);
    snprintf(a->preset, sizeof a->preset, "%s", a->s.preset ? a->s.preset : "custom");
    a->seed = a->s.tr.st.cfg.seed;
    a->lr = a->s.tr.st.cfg.lr;
    if (session_begin(a, running, e)) {
        session_close(&a->s);
        return -1;
    }
    return 0;
}

/* The session's notes, one line: what was decided for the user (a vocabulary learned, a batch
 * fitted, another text), after what the caller says. */
static const char *notes_line(const App *a, char *out, size_t cap)
{
    out[0] = 0;
    size_t at = 0;
    for (const char *p = a->s.notes; *p && at + 3 < cap;) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        at += (size_t)snprintf(out + at, cap - at, "; %.*s", n, p);
        p += n + (nl != NULL);
    }
    return out;
}

int app_new_model(App *a, const char *corpus, const char *preset, uint64_t seed)
{
    SessionSpec sp;
    session_spec_default(&sp);
    sp.corpus = corpus;
    sp.preset = preset;
    sp.train.seed = seed;
    sp.train.lr = a->lr;
    Err e;
    /* Scripts start paused at step 0 and train only when they wait for a step. */
    if (replace_session(a, &sp, !a->headless, &e)) {
        app_message(a, 1, "%s", e.msg);
        return -1;
    }
    a->saved_step = 0;
    a->model_path[0] = 0;
    char notes[512];
    app_message(a, 0, _("training a new %s model on %s (seed %llu)%s"), a->preset, a->s.corpus.name, (unsigned long long)a->seed,
                notes_line(a, notes, sizeof notes));
    return 0;
}

int app_load_model(App *a, const char *path, int running)
{
    SessionSpec sp;
    session_spec_default(&sp);
    sp.resume = path;
    sp.corpus = a->opt.corpus ? a->corpus_path : NULL; /* else the text it was trained on */
    sp.fallback_corpus = a->corpus_path;
    sp.train.seed = a->seed;
    sp.train.lr = a->lr;
    sp.given = SESSION_SET_STEPS; /* open-ended: the interface trains until told to stop */
    Err e;
    if (replace_session(a, &sp, running, &e)) {
        app_message(a, 1, "%s", e.msg);
        return -1;
    }
    a->saved_step = a->snap.step;
    if (strcmp(path, a->autosave) != 0) snprintf(a->model_path, sizeof a->model_path, "%s", path);
    else a->model_path[0] = 0;
    char notes[512];
    /* the notes first (a batch fitted to memory, another text): the hint after them may be cut */
    app_message(a, 0, strcmp(path, a->autosave) == 0 ? _("resumed %s at step %ld%s%s") : _("loaded %s at step %ld%s%s"), path, a->snap.step,
                notes_line(a, notes, sizeof notes), running ? "" : _("; train resume (or Space on the Train panel) to continue"));
    return 0;
}

/* The autosave could not be resumed (a->message says why): a new model starts, and the file is
 * first renamed beside it so that the new model's saves cannot replace it - it may be wanted
 * back, or be good and fail for another reason (the tag says which). If it cannot be moved,
 * nothing starts. */
static int start_over(App *a, Err *e)
{
    char why[sizeof a->message], kept[NT_PATH_MAX];
    snprintf(why, sizeof why, "%s", a->message);
    Checkpoint ck;
    Err bad, e2;
    int damaged = checkpoint_load(a->autosave, &ck, 0, &bad) != 0;
    if (!damaged) checkpoint_free(&ck);
    if (file_set_aside(a->autosave, damaged ? "damaged" : "unresumed", kept, sizeof kept, &e2))
        return err_input(e, _("could not resume %s (%s), nor move it aside (%s): move it yourself, or start with --fresh to replace it"),
                         a->autosave, why, e2.msg);
    snprintf(a->kept_autosave, sizeof a->kept_autosave, "%s", kept);
    if (app_new_model(a, a->corpus_path, a->preset, a->seed)) return err_input(e, "%s", a->message);
    const char *name = strrchr(kept, '/');
    /* the new name first: a narrow status line cuts the end */
    app_message(a, 1, _("kept the autosave as %s: it could not be resumed (%s); started a new model"), name ? name + 1 : kept, why);
    return 0;
}

int app_session_start(App *a, Err *e)
{
    if (path_data_dir(a->data_dir, sizeof a->data_dir - 16)) return err_input(e, _("the data directory's path is too long"));
    if (mkdirs(a->data_dir)) return err_input(e, _("%s: cannot create the data directory: %s"), a->data_dir, strerror(errno));
    if (snprintf(a->autosave, sizeof a->autosave, "%s/default.ckpt", a->data_dir) >= (int)sizeof a->autosave)
        return err_input(e, _("the data directory's path is too long"));
    if (a->opt.corpus) path_corpus(a->opt.corpus, a->corpus_path, sizeof a->corpus_path);
    else default_corpus(a->corpus_path, sizeof a->corpus_path);
    a->pool = par_create(a->opt.threads > 0 ? a->opt.threads : par_cpu_count(), e);
    if (!a->pool) return -1;
    snprintf(a->preset, sizeof a->preset, DEFAULT_PRESET);
    a->seed = DEFAULT_SEED;
    TrainConfig tc;
    train_config_default(&tc);
    a->lr = tc.lr; /* the interface trains open-ended: constant after warm-up */
    sampler_config_default(&a->sc);
    a->sc.temperature = DEFAULT_TEMPERATURE;
    snprintf(a->prompt, sizeof a->prompt, DEFAULT_PROMPT);
    clear_history(a);
    /* What to train: the model asked for, else the last session, else a new one. Errors here
     * end the program (the terminal is still an ordinary one), so they are returned in e. */
    if (a->opt.model) {
        if (app_load_model(a, a->opt.model, 0)) return err_input(e, "%s", a->message);
    } else if (!a->opt.fresh && !a->headless && access(a->autosave, F_OK) == 0) {
        if (app_load_model(a, a->autosave, 1)) return start_over(a, e);
    } else {
        if (app_new_model(a, a->corpus_path, a->preset, a->seed)) return err_input(e, "%s", a->message);
        a->message[0] = 0; /* a new model at start is what everyone expects: nothing to say */
    }
    return 0;
}

void app_session_end(App *a, int save)
{
    session_stop(a);
    char done[sizeof a->quit_note];
    snprintf(done, sizeof done, "%s", a->quit_note); /* q saved already */
    if (save && !a->quit_note[0] && !a->quit_unsaved && a->s.tr.st.step > 0) {
        Err e;
        if (session_save(&a->s, a->autosave, &e))
            snprintf(done, sizeof done, _("nexttoken: could not save the model: %s\n"), e.msg);
        else
            snprintf(done, sizeof done, _("nexttoken: saved the model at step %ld to %s (it resumes from there next time)\n"),
                     a->s.tr.st.step, a->autosave);
    }
    snprintf(a->quit_note, sizeof a->quit_note, "%s", done);
    release_indexes(a);
    session_close(&a->s);
    par_free(a->pool);
    a->pool = NULL;
    free(a->hist_loss), free(a->hist_sec), free(a->val_step), free(a->val_loss);
    gpt2_free(&a->view);
}

/* Stops the thread, saves, and starts it again paused: a save of a model that is not moving. */
int app_save_now(App *a, const char *path, Err *e)
{
    if (!a->tt) return 0;
    session_stop(a);
    int rc = session_save(&a->s, path, e);
    Err e2;
    if (session_begin(a, 0, &e2)) session_close(&a->s);
    return rc;
}

void app_request_quit(App *a)
{
    if (!a->tt || a->snap.step == 0) {
        a->quit = 1;
        return;
    }
    session_stop(a);
    Err e;
    if (session_save(&a->s, a->autosave, &e) == 0) {
        snprintf(a->quit_note, sizeof a->quit_note, _("nexttoken: saved the model at step %ld to %s (it resumes from there next time)\n"),
                 a->s.tr.st.step, a->autosave);
        a->quit = 1;
        return;
    }
    long steps = a->s.tr.st.step;
    Err e2;
    if (session_begin(a, 0, &e2)) session_close(&a->s);
    Pending p = {.kind = PENDING_QUIT};
    snprintf(p.question, sizeof p.question, _("Could not save the model (%s). Quit anyway, losing its %ld steps? [y/N]"), e.msg, steps);
    app_ask(a, &p);
}

/* ------------------------------------------------------------------------------------------ */
/* What the thread publishes, copied for the panels */

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
        memmove(a->samples[1], a->samples[0], sizeof a->samples[0] * (SAMPLES_KEPT - 1));
        memmove(a->sample_steps + 1, a->sample_steps, sizeof a->sample_steps[0] * (SAMPLES_KEPT - 1));
        memcpy(a->samples[0], s.sample, sizeof s.sample);
        a->sample_steps[0] = s.sample_step;
        if (a->n_samples < SAMPLES_KEPT) a->n_samples++;
    }
    if (s.message_id != a->snap.message_id && s.message[0])
        app_message(a, s.state == TT_FAILED || strstr(s.message, "failed") != NULL, "%s", s.message);
    a->snap = s;
    return changed;
}

const GPT2 *app_view_model(App *a)
{
    if (!a->tt) return NULL;
    if (tt_take_weights(a->tt, &a->view, &a->view_version)) a->generation++, a->weights_gen++;
    return a->view.params ? &a->view : NULL;
}

const struct SuffixArray *app_corpus_index(App *a)
{
    if (a->corpus_index) return a->corpus_index;
    if (!a->s.data.tokens) return NULL;
    SuffixArray *s = calloc(1, sizeof *s);
    Err e;
    if (!s || suffix_build(s, a->s.data.tokens, a->s.data.n_tokens, &e)) {
        free(s);
        return NULL;
    }
    a->corpus_index = s;
    return s;
}

const struct WordTok *app_wordtok(App *a, int kind, size_t *corpus_tokens)
{
    Err e;
    const Corpus *c = &a->s.corpus;
    if (!a->wordtok[kind] && c->data) {
        a->wordtok[kind] = wordtok_build(kind, c->data, c->size, &e);
        a->wordtok_corpus_tokens[kind] = 0;
    }
    const WordTok *w = a->wordtok[kind];
    if (corpus_tokens && w && !a->wordtok_corpus_tokens[kind]) { /* counted when first asked */
        int32_t *ids = malloc(sizeof(int32_t) * (c->size + 1));
        size_t unknown;
        long k = ids ? wordtok_encode(w, c->data, c->size, ids, &unknown) : 0;
        free(ids);
        a->wordtok_corpus_tokens[kind] = k > 0 ? (size_t)k : 0;
    }
    if (corpus_tokens) *corpus_tokens = a->wordtok_corpus_tokens[kind];
    return w;
}

int app_unsaved(const App *a)
{
    return a->tt && a->snap.step > a->saved_step;
}

/* ------------------------------------------------------------------------------------------ */
/* The typed setters */

void app_set_prompt(App *a, const char *text)
{
    snprintf(a->prompt, sizeof a->prompt, "%s", text);
    app_touch(a);
    if (a->tt) tt_set_sampling(a->tt, a->prompt, &a->sc);
    app_message(a, 0, _("prompt: \"%s\""), a->prompt);
}

int app_set_sampling(App *a, const SamplerConfig *sc)
{
    Err e;
    if (sampler_config_check(sc, &e)) {
        app_message(a, 1, "%s", e.msg);
        return -1;
    }
    a->sc = *sc;
    app_touch(a);
    if (a->tt) tt_set_sampling(a->tt, NULL, &a->sc);
    app_message(a, 0, _("sampling: temperature %g, top-k %d, top-p %g, min-p %g"), sc->temperature, sc->top_k, sc->top_p, sc->min_p);
    return 0;
}

void app_train_pause(App *a)
{
    if (!a->tt) return;
    tt_pause(a->tt);
    app_message(a, 0, _("training paused at the end of this step"));
}

void app_train_resume(App *a)
{
    if (!a->tt) {
        app_new_model(a, a->corpus_path, a->preset, a->seed);
        return;
    }
    tt_resume(a->tt);
    app_message(a, 0, "%s", _("training"));
}

void app_train_stop(App *a)
{
    if (!a->tt) return;
    tt_pause(a->tt);
    Err e;
    if (app_save_now(a, a->autosave, &e)) app_message(a, 1, "%s", e.msg);
    else app_message(a, 0, _("training stopped at step %ld and saved to %s; train resume continues"), a->snap.step, a->autosave);
}

int app_set_lr(App *a, float lr)
{
    if (!(lr > 0 && lr <= 10)) {
        app_message(a, 1, _("lr takes a learning rate in (0, 10]"));
        return -1;
    }
    a->lr = lr;
    if (a->tt) tt_set_lr(a->tt, lr);
    app_message(a, 0, _("learning rate %g from the next step"), lr);
    return 0;
}

void app_save(App *a, const char *path)
{
    if (!a->tt) {
        app_message(a, 1, _("no model to save"));
        return;
    }
    tt_request_save(a->tt, path);
    a->saved_step = a->snap.step; /* corrected by the next snapshot's message if it fails */
}
