/* session.c - see session.h. */
#include "core/train/session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/clock.h"
#include "core/base/i18n.h"
#include "core/base/paths.h"
#include "core/text/bpe_train.h"
#include "core/text/pretok.h"
#include "core/text/shard.h"
#include "core/train/checkpoint.h"
#include "core/train/loader.h"

#define DEFAULT_PRESET "small"

void session_spec_default(SessionSpec *s)
{
    memset(s, 0, sizeof *s);
    train_config_default(&s->train);
}

/* One more line for the front end to show. */
static void note(Session *s, const char *fmt, ...) NT_PRINTF(2, 3);
static void note(Session *s, const char *fmt, ...)
{
    size_t at = strlen(s->notes);
    if (at + 2 >= sizeof s->notes) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->notes + at, sizeof s->notes - at - 1, fmt, ap);
    va_end(ap);
    at = strlen(s->notes);
    s->notes[at] = '\n', s->notes[at + 1] = 0;
}

/* A new model's sizes: the preset, then the overrides; checked before any vocabulary is learned
 * so that a bad size fails at once. The vocabulary's size comes later, from the tokenizer. */
static int new_model_config(const SessionSpec *spec, GPT2Config *mc, Err *e)
{
    memset(mc, 0, sizeof *mc);
    if (gpt2_preset(spec->preset ? spec->preset : DEFAULT_PRESET, mc, e)) return -1;
    if (spec->layers) mc->n_layer = spec->layers;
    if (spec->heads) mc->n_head = spec->heads;
    if (spec->dim) mc->n_embd = spec->dim;
    if (spec->ctx) mc->n_ctx = spec->ctx;
    mc->n_vocab = 256;
    return gpt2_config_check(mc, e);
}

/* A new model's tokenizer: the one named, or byte pairs learned from the corpus. */
static int new_tokenizer(Session *s, const SessionSpec *spec, Err *e)
{
    if (spec->tokenizer) return load_tokenizer(spec->tokenizer, &s->tok, e);
    int vocab = spec->vocab_size ? spec->vocab_size : BPE_DEFAULT_VOCAB, exhausted = 0;
    double t0 = clock_now();
    if (bpe_learn(s->corpus.data, s->corpus.size, PRETOK_GPT2, vocab, &s->tok, &exhausted, e)) return -1;
    note(s, _("tokenizer: %d-token byte-pair vocabulary learned from %s in %.2f s%s"), s->tok.n_vocab, s->corpus.name,
         clock_now() - t0, exhausted ? _(" (no more pairs to merge)") : "");
    return 0;
}

/* The text a resumed model goes on with: the one named, else its own (when still there), else
 * the front end's fallback. NULL with e filled when there is none. */
static const char *resumed_corpus(const SessionSpec *spec, const TrainState *st, Err *e)
{
    if (spec->corpus) return spec->corpus;
    if (st->corpus_path[0] && access(st->corpus_path, R_OK) == 0) return st->corpus_path;
    if (spec->fallback_corpus) return spec->fallback_corpus;
    if (st->corpus_path[0])
        err_input(e, _("%s was trained on %s, which cannot be read now; name the text to go on with (--corpus FILE)"), spec->resume,
                  st->corpus_path);
    else
        err_input(e, _("%s does not say which text it was trained on; name the text to go on with (--corpus FILE, or --data SHARD for token shards)"), spec->resume);
    return NULL;
}

/* The tokens of llm.c shards: the training ones, then the validation ones (if any), each id
 * checked against the tokenizer. */
static int shard_dataset(Session *s, const SessionSpec *spec, int T, Err *e)
{
    int32_t *tokens = NULL;
    size_t cap = 0, n = 0, n_train;
    for (int i = 0; i < spec->n_data; i++)
        if (shard_read(spec->data[i], s->tok.n_vocab, s->tok.name, &tokens, &cap, &n, e)) goto fail;
    n_train = n;
    for (int i = 0; i < spec->n_val_data; i++)
        if (shard_read(spec->val_data[i], s->tok.n_vocab, s->tok.name, &tokens, &cap, &n, e)) goto fail;
    char name[NT_PATH_MAX + 32];
    snprintf(name, sizeof name, "%s%s", spec->data[0], spec->n_data > 1 || spec->n_val_data ? _(" and the other shards") : "");
    if (dataset_from_tokens(&s->data, tokens, n, spec->n_val_data ? n_train : 0, s->tok.n_vocab, T, name, e)) return -1;
    note(s, P_("data: %zu training tokens from %d shard, %zu validating (%s)", "data: %zu training tokens from %d shards, %zu validating (%s)",
               spec->n_data),
         s->data.n_train, spec->n_data, s->data.n_tokens - s->data.n_train,
         spec->n_val_data ? _("the validation shards") : _("the last tenth"));
    return 0;
fail:
    free(tokens);
    return -1;
}

/* The settings a resumed model trains with: its saved ones, except those the spec gives. */
static TrainConfig resumed_settings(const SessionSpec *spec, const TrainConfig *saved)
{
    TrainConfig tc = *saved;
    const TrainConfig *g = &spec->train;
    if (spec->given & SESSION_SET_BATCH) tc.batch = g->batch;
    if (spec->given & SESSION_SET_LR) tc.lr = g->lr;
    if (spec->given & SESSION_SET_WARMUP) tc.warmup = g->warmup;
    if (spec->given & SESSION_SET_VAL_EVERY) tc.val_every = g->val_every;
    if (spec->given & SESSION_SET_STEPS) tc.total_steps = g->total_steps;
    return tc;
}

/* A batch nobody chose: halved until a training step's activations fit the budget. */
static int fit_batch(const GPT2Config *mc, int batch, size_t budget)
{
    while (batch > 1 && gpt2_work_bytes(mc, batch, mc->n_ctx, 1, 1) > budget) batch /= 2;
    return batch;
}

int session_open(Session *s, const SessionSpec *spec, ParPool *pool, Err *e)
{
    memset(s, 0, sizeof *s);
    Checkpoint ck = {0};
    GPT2Config mc;
    TrainConfig tc = spec->train;
    const char *corpus = spec->corpus;
    int saved_settings = 0, shards = spec->n_data > 0;
    if (shards && corpus) return err_input(e, _("train on a text or on token shards, not both"));
    if (!shards && spec->n_val_data) return err_input(e, _("validation shards go with training shards (--data)"));
    if (shards && !spec->resume && !spec->tokenizer)
        return err_input(e, _("token shards need the tokenizer they were written with (--tokenizer gpt2 for llm.c's own)"));
    if (spec->resume) {
        if (spec->tokenizer || spec->vocab_size || spec->preset || spec->layers || spec->heads || spec->dim || spec->ctx)
            return err_input(e, _("a resumed model keeps its sizes and tokenizer: a preset, sizes, a tokenizer or a vocabulary size cannot change them"));
        if (load_model(spec->resume, &ck, CKPT_RESUME, 1, e)) return -1;
        s->tok = ck.tok;
        memset(&ck.tok, 0, sizeof ck.tok);
        mc = ck.model.cfg;
        saved_settings = ck.st.cfg.batch > 0;
        if (saved_settings) tc = resumed_settings(spec, &ck.st.cfg);
        if (!shards && !(corpus = resumed_corpus(spec, &ck.st, e))) goto fail;
        s->resumed = 1;
    } else {
        if (!corpus && !shards) return err_input(e, _("a new model needs a text to learn from (--corpus FILE)"));
        if (spec->tokenizer && spec->vocab_size) return err_input(e, _("give a tokenizer or a vocabulary size to learn, not both"));
        if (new_model_config(spec, &mc, e)) return -1;
    }
    /* a bare name (or corpora/NAME) not here is the shipped corpus of that name (paths.h) */
    char found[NT_PATH_MAX];
    if (corpus) {
        path_corpus(corpus, found, sizeof found);
        corpus = found;
    }
    if (train_config_check(&tc, e) || (corpus && corpus_open(&s->corpus, corpus, e))) goto fail;
    /* Where the text is, so that resuming finds it again from anywhere. Taken now: corpus may
     * point into the checkpoint's state, which trainer_resume moves out and zeroes. Shards
     * leave it empty: a resumed model is given its shards again. */
    if (corpus) {
        char *abs = realpath(corpus, NULL);
        snprintf(s->corpus_path, sizeof s->corpus_path, "%s", abs ? abs : corpus);
        free(abs);
    }
    if (!spec->resume) {
        if (new_tokenizer(s, spec, e)) goto fail;
        mc.n_vocab = s->tok.n_vocab;
        if (gpt2_config_check(&mc, e)) goto fail;
    }
    if (shards ? shard_dataset(s, spec, mc.n_ctx, e) : dataset_build(&s->data, &s->corpus, &s->tok, mc.n_ctx, e)) goto fail;
    if (!saved_settings && !(spec->given & SESSION_SET_BATCH)) {
        int fitted = fit_batch(&mc, tc.batch, spec->work_budget ? spec->work_budget : SESSION_WORK_BUDGET);
        if (fitted != tc.batch) {
            s->fitted_batch = tc.batch = fitted;
            note(s, _("batch %d, to fit a training step in %zu MB"), fitted, (spec->work_budget ? spec->work_budget : SESSION_WORK_BUDGET) >> 20);
        }
    }
    int rc;
    if (spec->resume) {
        if (saved_settings) ck.st.cfg = tc;
        if (corpus && ck.st.corpus_hash && ck.st.corpus_hash != s->corpus.hash)
            note(s, _("note: %s is not the text this model was trained on; training continues on it"), s->corpus.name);
        rc = trainer_resume(&s->tr, &ck.model, &ck.opt, &ck.st, &tc, &s->data, pool, e);
    } else {
        rc = trainer_create(&s->tr, &mc, &tc, &s->data, pool, e);
    }
    if (rc) goto fail;
    checkpoint_free(&ck);
    s->tr.st.corpus_hash = s->corpus.hash;
    snprintf(s->tr.st.corpus_path, sizeof s->tr.st.corpus_path, "%s", s->corpus_path);
    s->preset = gpt2_preset_of(&s->tr.model.cfg);
    return 0;
fail:
    checkpoint_free(&ck);
    session_close(s);
    return -1;
}

void session_close(Session *s)
{
    trainer_free(&s->tr);
    dataset_free(&s->data);
    corpus_close(&s->corpus);
    tokenizer_free(&s->tok);
    memset(s, 0, sizeof *s);
}

void session_move(Session *dst, Session *src)
{
    *dst = *src;
    if (dst->tr.data == &src->data) dst->tr.data = &dst->data;
    memset(src, 0, sizeof *src);
}

int session_save(const Session *s, const char *path, Err *e)
{
    return checkpoint_save(path, &s->tr.model, &s->tok, &s->tr.opt, &s->tr.st, e);
}
