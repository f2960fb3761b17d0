/*
 * session.h - a training session: a corpus, its tokenizer, a model and the trainer that trains
 * it, opened new or resumed from a file, the same way for every front end.
 *
 * `nexttoken train` and the interface (at start, :load, :corpus, :preset, :seed; the lessons
 * through it) open their sessions here, so that they share one set of defaults and one set of
 * errors:
 *   - a new model learns a byte-pair vocabulary of BPE_DEFAULT_VOCAB tokens from the corpus
 *     unless given a tokenizer, and takes its sizes from a preset ("small") and any overrides;
 *   - a resumed model keeps its sizes, its tokenizer and its saved training settings, except
 *     the ones the spec marks as given; it continues on the text it was trained on when no
 *     corpus is named, and says so when the corpus named is another text;
 *   - llm.c's token shards train in place of a text (`train --data`): the model sees exactly the
 *     tokens llm.c's trainer would, and the checkpoint names no text (resuming names them again);
 *   - an llm.c model finds its tokenizer as the commands do (loader.h);
 *   - a batch nobody chose (not given, not saved) is the largest of the default's halvings
 *     whose activations fit the work budget, and the session says it chose it.
 * What was decided for the user is written into `notes`, one line each, for the front end to
 * show; nothing is printed here.
 */
#ifndef NT_SESSION_H
#define NT_SESSION_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/base/parallel.h"
#include "core/text/corpus.h"
#include "core/text/dataset.h"
#include "core/text/tokenizer.h"
#include "core/train/trainer.h"

/* The activation memory a batch nobody chose must fit: GPT-2 124M at 1,024 positions trains
 * with batch 2 in it; the presets never come near. */
#define SESSION_WORK_BUDGET ((size_t)1 << 30)

/* Which of SessionSpec.train's fields a resumed model takes from the spec rather than from its
 * file (a new model takes them all). */
enum {
    SESSION_SET_BATCH = 1 << 0,
    SESSION_SET_LR = 1 << 1,
    SESSION_SET_WARMUP = 1 << 2,
    SESSION_SET_VAL_EVERY = 1 << 3,
    SESSION_SET_STEPS = 1 << 4,  /* total_steps: the cosine's horizon (0: open-ended) */
};

typedef struct SessionSpec {
    const char *corpus;      /* the text; may be NULL when resuming (the text it was trained on) */
    const char *fallback_corpus; /* when resuming without a corpus and the model's own text is
                                  * not named or gone: this one instead of an error (or NULL) */
    const char *resume;      /* a model file to continue; NULL: a new model */
    /* or tokens already made: llm.c shards (shard.h) instead of a corpus; a new model then needs
     * the tokenizer they were written with, and every id must be in its vocabulary. Without
     * validation shards the last tenth of the training tokens validates. */
    const char *const *data;
    int n_data;
    const char *const *val_data;
    int n_val_data;
    /* a new model's tokenizer and sizes (a resumed one refuses them) */
    const char *tokenizer;   /* "byte", "gpt2", "cl100k", "o200k" or a file; NULL: learn byte pairs */
    int vocab_size;          /* the byte-pair vocabulary to learn; 0: BPE_DEFAULT_VOCAB */
    const char *preset;      /* NULL: "small" */
    int layers, heads, dim, ctx; /* 0: the preset's */
    /* training: a new model's settings; a resumed one's where `given` says */
    TrainConfig train;
    unsigned given;          /* SESSION_SET_* */
    size_t work_budget;      /* for a batch nobody chose; 0: SESSION_WORK_BUDGET */
} SessionSpec;

/* Everything unset: a new "small" model, BPE_DEFAULT_VOCAB learned tokens, train_config_default. */
void session_spec_default(SessionSpec *s);

typedef struct Session {
    Corpus corpus;
    Tokenizer tok;
    Dataset data;
    Trainer tr;              /* the front end may move it into a thread and back (trainer_thread.h) */
    char corpus_path[NT_PATH_MAX]; /* the text's absolute path, as checkpoints record it */
    const char *preset;      /* the preset the model's sizes match, or NULL ("custom") */
    int resumed;             /* 1: continuing a model file; 0: a new model */
    int fitted_batch;        /* the batch chosen to fit the work budget, or 0 */
    char notes[1024];        /* what was decided for the user, one line each ("" if nothing) */
} Session;

/* A session holds a pointer into itself (its trainer borrows its dataset): move one with this,
 * never by assignment. src is left empty. */
void session_move(Session *dst, Session *src);

/* Opens the session the spec describes, training on the pool's threads (borrowed; NULL: the
 * caller's thread). On failure nothing is left to free. */
int session_open(Session *s, const SessionSpec *spec, ParPool *pool, Err *e);
void session_close(Session *s);

/* Saves the model, its tokenizer, optimizer and training state to path (checkpoint.h: only a
 * model file or a new path is replaced, atomically). */
int session_save(const Session *s, const char *path, Err *e);

#endif
