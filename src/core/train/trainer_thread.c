/* trainer_thread.c - training in the background. See trainer_thread.h. */
#include "core/train/trainer_thread.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/base/array.h"
#include "core/base/clock.h"
#include "core/base/i18n.h"
#include "core/model/generate.h"

struct TrainerThread {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    Trainer tr;             /* the thread's alone while it runs */
    Tokenizer tok;
    const Dataset *data;
    TrainThreadConfig cfg;
    int wake_fd;
    /* requests, under mu */
    int want_pause, want_stop, lr_changed, save_requested, sampling_changed;
    float new_lr;
    char save_path[NT_PATH_MAX];
    char prompt[TT_PROMPT_MAX];
    SamplerConfig sc;
    /* published, under mu */
    TrainSnapshot snap;
    float *h_loss, *h_sec;
    size_t h_cap;
    long *v_step;
    float *v_loss;
    size_t v_cap;
    /* The panels' weights, double-buffered: the interface reads its own copy (the view) and
     * asks for newer weights; the thread copies the live ones into `back` between two steps and
     * marks it ready; the interface swaps it with its view when it next looks. So a copy is
     * made only when somebody reads, at most one per request, and neither side ever waits for
     * the other's copy. While the thread is paused the interface copies the live weights itself. */
    GPT2 back;              /* the thread's while !back_ready; the interface's to swap when ready */
    long back_step;         /* the step its weights are from */
    int back_ready, want_weights;
    double last_request;
    /* the thread's own */
    Generator gen;
    Sampler sampler;
    int have_gen;
};

static void wake(TrainerThread *tt)
{
    if (tt->wake_fd >= 0) {
        ssize_t r = write(tt->wake_fd, "x", 1); /* a full pipe already says "wake up" */
        (void)r;
    }
}

/* Under mu. Long messages are cut to fit. */
static void say(TrainerThread *tt, const char *msg)
{
    size_t n = strnlen(msg, sizeof tt->snap.message - 1);
    memcpy(tt->snap.message, msg, n);
    tt->snap.message[n] = 0;
    tt->snap.message_id++;
}

/* Saves the trainer to path, and says in msg how that went. By the training thread, or under mu
 * while it is paused. */
static void save_to(TrainerThread *tt, const char *path, char *msg, size_t cap)
{
    const Trainer *tr = &tt->tr;
    Err e;
    if (checkpoint_save(path, &tr->model, &tt->tok, &tr->opt, &tr->st, &e)) snprintf(msg, cap, _("save failed: %s"), e.msg);
    else snprintf(msg, cap, _("saved %s (step %ld)"), path, tr->st.step);
}

/* Appends the trainer's history beyond what is published. Under mu. */
static void publish_history(TrainerThread *tt)
{
    const TrainHistory *h = &tt->tr.st.hist;
    /* Out of memory: the new entries are published on a later call. */
    size_t n = h->n, have = (size_t)tt->snap.n_hist;
    void **const hist[] = {(void **)&tt->h_loss, (void **)&tt->h_sec};
    const size_t hist_elems[] = {sizeof *tt->h_loss, sizeof *tt->h_sec};
    if (n > have && array_grow_columns(&tt->h_cap, n, 4096, 2, hist, hist_elems) == 0) {
        memcpy(tt->h_loss + have, h->loss + have, sizeof(float) * (n - have));
        memcpy(tt->h_sec + have, h->seconds + have, sizeof(float) * (n - have));
        tt->snap.n_hist = (long)n;
    }
    size_t nv = h->n_val, hv = (size_t)tt->snap.n_val;
    void **const val[] = {(void **)&tt->v_step, (void **)&tt->v_loss};
    const size_t val_elems[] = {sizeof *tt->v_step, sizeof *tt->v_loss};
    if (nv > hv && array_grow_columns(&tt->v_cap, nv, 4096, 2, val, val_elems) == 0) {
        memcpy(tt->v_step + hv, h->val_step + hv, sizeof(long) * (nv - hv));
        memcpy(tt->v_loss + hv, h->val_loss + hv, sizeof(float) * (nv - hv));
        tt->snap.n_val = (long)nv;
    }
}

/* A sample of text from the live model, with a seed fixed by the step so that it can be
 * reproduced (and scripts see the same text every run). Called without the lock. */
static void make_sample(TrainerThread *tt, char *out, size_t cap)
{
    char prompt[TT_PROMPT_MAX];
    SamplerConfig sc;
    pthread_mutex_lock(&tt->mu);
    snprintf(prompt, sizeof prompt, "%s", tt->prompt);
    sc = tt->sc;
    int changed = tt->sampling_changed;
    tt->sampling_changed = 0;
    pthread_mutex_unlock(&tt->mu);
    Err e;
    if (changed) {
        sampler_free(&tt->sampler);
        if (sampler_create(&tt->sampler, &sc, tt->tok.n_vocab, &e)) {
            snprintf(out, cap, _("(no sample: %s)"), e.msg);
            return;
        }
    }
    const char *p = prompt[0] ? prompt : "\n";
    int32_t *ids = NULL, gen[TT_SAMPLE_TOKENS_MAX];
    size_t icap = 0, n = 0;
    if (tokenizer_encode(&tt->tok, (const uint8_t *)p, strlen(p), &ids, &icap, &n, &e) || n == 0) {
        free(ids);
        snprintf(out, cap, "%s", _("(no sample)"));
        return;
    }
    Rng rng;
    rng_seed(&rng, tt->tr.st.cfg.seed ^ (uint64_t)tt->tr.st.step * 0x9e3779b97f4a7c15ULL);
    int want = tt->cfg.sample_tokens < TT_SAMPLE_TOKENS_MAX ? tt->cfg.sample_tokens : TT_SAMPLE_TOKENS_MAX;
    int made = generate(&tt->gen, &tt->sampler, &rng, ids, (int)n, want, gen, NULL, NULL);
    free(ids);
    uint8_t *text = NULL;
    size_t tcap = 0, len = 0;
    size_t at = (size_t)snprintf(out, cap, "%s", prompt);
    if (at < cap && tokenizer_decode(&tt->tok, gen, (size_t)made, &text, &tcap, &len, &e) == 0) {
        if (len > cap - at - 1) len = cap - at - 1;
        memcpy(out + at, text, len);
        out[at + len] = 0;
    }
    free(text);
}

/* dst = src's weights, dst made (again) for src's shape when it has another or none. 1 when
 * copied; 0 when there is no memory for dst (the request is dropped, the next one tries again). */
static int copy_weights(GPT2 *dst, const GPT2 *src)
{
    if (!dst->params || memcmp(&dst->cfg, &src->cfg, sizeof src->cfg) != 0) {
        Err e;
        gpt2_free(dst);
        if (gpt2_create(dst, &src->cfg, &e)) return 0;
    }
    memcpy(dst->params, src->params, sizeof(float) * src->n_params);
    return 1;
}

static void *thread_main(void *arg)
{
    TrainerThread *tt = arg;
    Trainer *tr = &tt->tr;
    const int B = tr->st.cfg.batch, T = tr->model.cfg.n_ctx;
    double last_save = clock_now(), rate_t0 = clock_now();
    long rate_step0 = tr->st.step;
    char sample[TT_SAMPLE_MAX];
    pthread_mutex_lock(&tt->mu);
    for (;;) {
        if (tt->want_stop) break;
        int at_stop = tt->snap.stop_at > 0 && tr->st.step >= tt->snap.stop_at;
        if (tt->want_pause || at_stop || tt->snap.state == TT_FAILED) {
            /* Paused: the interface copies the weights as they are now when it looks (a request
             * left here would never be served) */
            if (tt->snap.state == TT_RUNNING) tt->snap.weights_version++;
            tt->want_weights = 0;
            if (tt->snap.state != TT_FAILED) tt->snap.state = TT_PAUSED;
            /* A stop is used up by stopping the thread. One reached while it is paused anyway
             * (woken by pause_at, say) stays for the resume to find: used up here, the resume
             * ran on with none, and a script waiting for the step its model was saved at
             * waited ten minutes. */
            if (at_stop && !tt->want_pause) tt->want_pause = 1, tt->snap.stop_at = 0;
            wake(tt);
            pthread_cond_wait(&tt->cv, &tt->mu);
            rate_t0 = clock_now(), rate_step0 = tr->st.step; /* a pause is not slow training */
            continue;
        }
        tt->snap.state = TT_RUNNING;
        if (tt->lr_changed) tr->st.cfg.lr = tt->new_lr, tt->lr_changed = 0;
        char save_path[NT_PATH_MAX] = "";
        if (tt->save_requested) {
            snprintf(save_path, sizeof save_path, "%s", tt->save_path);
            tt->save_requested = 0;
        }
        pthread_mutex_unlock(&tt->mu);

        Err e;
        char msg[NT_PATH_MAX + ERR_MSG_MAX] = ""; /* a path and what became of it */
        if (save_path[0]) save_to(tt, save_path, msg, sizeof msg);
        int failed = trainer_step(tr, &e) != 0;
        double t = clock_now();
        int sampled = 0;
        if (!failed && tt->have_gen && tt->cfg.sample_every > 0 && (tr->st.step % tt->cfg.sample_every == 0 || tr->st.step == 1)) {
            make_sample(tt, sample, sizeof sample);
            sampled = 1;
        }
        if (!failed && tt->cfg.autosave_seconds > 0 && t - last_save >= tt->cfg.autosave_seconds) {
            Err se;
            if (checkpoint_save(tt->cfg.autosave_path, &tr->model, &tt->tok, &tr->opt, &tr->st, &se))
                snprintf(msg, sizeof msg, _("autosave failed: %s"), se.msg);
            last_save = t;
        }

        pthread_mutex_lock(&tt->mu);
        if (failed) {
            tt->snap.state = TT_FAILED;
            say(tt, e.msg);
        }
        if (msg[0]) say(tt, msg);
        TrainSnapshot *s = &tt->snap;
        s->step = tr->st.step;
        s->loss = tr->loss;
        s->val_loss = tr->val_loss;
        s->lr = tr->lr;
        s->grad_norm = tr->grad_norm;
        s->seconds = tr->st.seconds;
        if (t - rate_t0 > 0.5 && tr->st.step > rate_step0) {
            s->tokens_per_s = (double)(tr->st.step - rate_step0) * B * T / (t - rate_t0);
            if (t - rate_t0 > 5) rate_t0 = t, rate_step0 = tr->st.step;
        }
        publish_history(tt);
        if (sampled) {
            memcpy(s->sample, sample, sizeof s->sample);
            s->sample_step = tr->st.step;
        }
        if (tt->want_weights) {
            /* Copied without the lock: until back_ready is set, back is the thread's alone. */
            tt->want_weights = 0;
            pthread_mutex_unlock(&tt->mu);
            int ok = copy_weights(&tt->back, &tr->model);
            pthread_mutex_lock(&tt->mu);
            if (ok) tt->back_step = tr->st.step, tt->back_ready = 1, tt->snap.weights_version++;
        }
        wake(tt);
    }
    tt->snap.state = TT_STOPPED;
    pthread_mutex_unlock(&tt->mu);
    wake(tt);
    return NULL;
}

TrainerThread *tt_start(Trainer *tr, const Tokenizer *tok, const Dataset *data,
                        const TrainThreadConfig *cfg, int running, int wake_fd, Err *e)
{
    TrainerThread *tt = calloc(1, sizeof *tt);
    if (!tt) return err_nomem(e, N_("trainer"), sizeof *tt), NULL;
    tt->cfg = *cfg;
    if (tt->cfg.publish_seconds <= 0) tt->cfg.publish_seconds = TT_PUBLISH_SECONDS;
    tt->wake_fd = wake_fd;
    tt->data = data;
    pthread_mutex_init(&tt->mu, NULL);
    pthread_cond_init(&tt->cv, NULL);
    tt->snap.sample_step = -1;
    tt->snap.val_loss = tr->val_loss;
    tt->snap.loss = tr->loss, tt->snap.lr = tr->lr, tt->snap.grad_norm = tr->grad_norm; /* NaN: not known yet */
    tt->snap.step = tr->st.step;
    tt->snap.batch = tr->st.cfg.batch, tt->snap.context = tr->model.cfg.n_ctx;
    sampler_config_default(&tt->sc);
    tt->sc.temperature = 0.8f;
    /* The tokenizer is copied through its serialised form: the thread owns its own. */
    size_t n = tokenizer_serialized_size(tok);
    uint8_t *blob = malloc(n);
    int ok = blob != NULL;
    if (!ok) err_nomem(e, N_("the training thread's tokenizer"), n);
    if (ok) {
        tokenizer_serialize(tok, blob);
        ok = tokenizer_deserialize(&tt->tok, blob, n, e) == 0;
    }
    free(blob);
    if (ok) ok = sampler_create(&tt->sampler, &tt->sc, tok->n_vocab, e) == 0;
    if (!ok) {
        tokenizer_free(&tt->tok);
        free(tt);
        return NULL;
    }
    tt->tr = *tr;
    memset(tr, 0, sizeof *tr);
    /* The first weights are ready before anyone asks: the panels show the model from the
     * first frame, even when it starts running and its first step takes seconds. */
    if (copy_weights(&tt->back, &tt->tr.model)) tt->back_step = tt->tr.st.step, tt->back_ready = 1;
    tt->snap.weights_version = 1;
    tt->have_gen = generator_create(&tt->gen, &tt->tr.model, e) == 0;
    tt->gen.cache.pool = tt->tr.pool; /* the samples are made between steps, on the trainer's threads */
    publish_history(tt);
    tt->want_pause = !running;
    tt->snap.state = running ? TT_RUNNING : TT_PAUSED;
    /* Signals go to the interface's thread, never to this one. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&tt->thread, NULL, thread_main, tt);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        *tr = tt->tr;
        if (tt->have_gen) generator_free(&tt->gen);
        tokenizer_free(&tt->tok);
        sampler_free(&tt->sampler);
        free(tt);
        err_internal(e, _("cannot start the training thread"));
        return NULL;
    }
    return tt;
}

void tt_stop(TrainerThread *tt, Trainer *out)
{
    if (!tt) return;
    pthread_mutex_lock(&tt->mu);
    tt->want_stop = 1;
    pthread_cond_broadcast(&tt->cv);
    pthread_mutex_unlock(&tt->mu);
    pthread_join(tt->thread, NULL);
    if (tt->have_gen) generator_free(&tt->gen);
    sampler_free(&tt->sampler);
    if (out) *out = tt->tr;
    else trainer_free(&tt->tr);
    tokenizer_free(&tt->tok);
    gpt2_free(&tt->back);
    free(tt->h_loss), free(tt->h_sec), free(tt->v_step), free(tt->v_loss);
    pthread_mutex_destroy(&tt->mu);
    pthread_cond_destroy(&tt->cv);
    free(tt);
}

void tt_pause(TrainerThread *tt)
{
    pthread_mutex_lock(&tt->mu);
    tt->want_pause = 1;
    pthread_mutex_unlock(&tt->mu);
}

void tt_resume(TrainerThread *tt)
{
    pthread_mutex_lock(&tt->mu);
    tt->want_pause = 0;
    if (tt->snap.state == TT_FAILED) say(tt, _("training failed; it cannot resume (load a model or start a new one)"));
    pthread_cond_broadcast(&tt->cv);
    pthread_mutex_unlock(&tt->mu);
}

void tt_pause_at(TrainerThread *tt, long step)
{
    pthread_mutex_lock(&tt->mu);
    tt->snap.stop_at = step;
    pthread_cond_broadcast(&tt->cv);
    pthread_mutex_unlock(&tt->mu);
}

void tt_run_to(TrainerThread *tt, long step)
{
    pthread_mutex_lock(&tt->mu);
    tt->snap.stop_at = step;
    tt->want_pause = 0;
    if (tt->snap.state == TT_FAILED) say(tt, _("training failed; it cannot resume (load a model or start a new one)"));
    pthread_cond_broadcast(&tt->cv);
    pthread_mutex_unlock(&tt->mu);
}

void tt_set_lr(TrainerThread *tt, float lr)
{
    pthread_mutex_lock(&tt->mu);
    tt->new_lr = lr;
    tt->lr_changed = 1;
    pthread_mutex_unlock(&tt->mu);
}

void tt_set_sampling(TrainerThread *tt, const char *prompt, const SamplerConfig *sc)
{
    pthread_mutex_lock(&tt->mu);
    if (prompt) snprintf(tt->prompt, sizeof tt->prompt, "%s", prompt);
    if (sc) tt->sc = *sc;
    tt->sampling_changed = 1;
    pthread_mutex_unlock(&tt->mu);
}

void tt_request_save(TrainerThread *tt, const char *path)
{
    pthread_mutex_lock(&tt->mu);
    snprintf(tt->save_path, sizeof tt->save_path, "%s", path);
    tt->save_requested = 1;
    /* a paused trainer saves now: the weights are not moving */
    if (tt->snap.state != TT_RUNNING) {
        char m[NT_PATH_MAX + ERR_MSG_MAX];
        tt->save_requested = 0;
        save_to(tt, path, m, sizeof m);
        say(tt, m);
        wake(tt);
    }
    pthread_mutex_unlock(&tt->mu);
}

void tt_snapshot(TrainerThread *tt, TrainSnapshot *s)
{
    pthread_mutex_lock(&tt->mu);
    *s = tt->snap;
    pthread_mutex_unlock(&tt->mu);
}

long tt_history(TrainerThread *tt, long from, long n, float *loss, float *seconds)
{
    pthread_mutex_lock(&tt->mu);
    long have = tt->snap.n_hist - from;
    if (have > n) have = n;
    if (have > 0) {
        memcpy(loss, tt->h_loss + from, sizeof(float) * (size_t)have);
        if (seconds) memcpy(seconds, tt->h_sec + from, sizeof(float) * (size_t)have);
    }
    pthread_mutex_unlock(&tt->mu);
    return have > 0 ? have : 0;
}

long tt_val_history(TrainerThread *tt, long from, long n, long *step, float *loss)
{
    pthread_mutex_lock(&tt->mu);
    long have = tt->snap.n_val - from;
    if (have > n) have = n;
    if (have > 0) {
        memcpy(step, tt->v_step + from, sizeof(long) * (size_t)have);
        memcpy(loss, tt->v_loss + from, sizeof(float) * (size_t)have);
    }
    pthread_mutex_unlock(&tt->mu);
    return have > 0 ? have : 0;
}

int tt_take_weights(TrainerThread *tt, GPT2 *view, long *step)
{
    int took = 0;
    pthread_mutex_lock(&tt->mu);
    const Trainer *tr = &tt->tr; /* its weights are read only while the thread is not stepping */
    const long now = tt->snap.step;
    int fresh = view->params && *step == now && memcmp(&view->cfg, &tr->model.cfg, sizeof view->cfg) == 0;
    if (tt->snap.state != TT_RUNNING) {
        /* The thread is waiting on the lock or the condition (or gone): the live weights hold
         * still, and are copied straight into the view. A ready copy is older than them. */
        tt->back_ready = 0;
        if (!fresh && copy_weights(view, &tr->model)) *step = now, took = 1;
    } else if (tt->back_ready) {
        GPT2 t = *view;
        *view = tt->back, tt->back = t;
        *step = tt->back_step;
        tt->back_ready = 0;
        tt->last_request = clock_now(); /* the next copy at least a publish interval after this */
        took = 1;
    } else if (!tt->want_weights && !fresh) {
        double t = clock_now();
        /* the first weights at once; newer ones at most once a publish interval */
        if (!view->params || t - tt->last_request >= tt->cfg.publish_seconds) {
            tt->want_weights = 1;
            tt->last_request = t;
        }
    }
    pthread_mutex_unlock(&tt->mu);
    return took;
}

const GPT2Config *tt_model_config(const TrainerThread *tt) { return &tt->tr.model.cfg; }
