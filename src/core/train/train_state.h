/*
 * train_state.h - what a training run is besides its weights: its settings, its step, the
 * random generator that draws its batches, and the history of its losses.
 *
 * A checkpoint stores a TrainState whole, so that training resumed from a file continues bit for
 * bit as if it had never stopped. Kept apart from trainer.h so that the checkpoint reads and
 * writes it without depending on the training step, its data or its work area.
 */
#ifndef NT_TRAIN_STATE_H
#define NT_TRAIN_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"
#include "core/base/paths.h"
#include "core/base/rng.h"

/* The largest batch a run may ask for: far past what fits in memory at any useful context. */
#define TRAIN_MAX_BATCH 4096
/* The most steps a run counts to (its step, its horizon): a step takes at least
 * milliseconds, so this is centuries. A file claiming more is damaged. */
#define TRAIN_MAX_STEPS 1000000000000L
/* The most validation batches: sixteen times the default. Validation takes their forward
 * passes every val_every steps (and once at the end of `nexttoken train`): more would spend the
 * run's time measuring it, and val_batches * batch stays far inside an int. */
#define TRAIN_MAX_VAL_BATCHES 32

typedef struct TrainConfig {
    int batch;            /* B windows per step */
    float lr;             /* peak learning rate */
    int warmup;           /* linear warm-up steps */
    long total_steps;     /* cosine horizon; 0 = constant after warm-up (open-ended training) */
    float min_lr_ratio;   /* the cosine ends at lr * this */
    float weight_decay;
    float grad_clip;      /* global norm limit; 0 = none */
    uint64_t seed;
    int val_every;        /* steps between validation losses; 0 = never */
    int val_batches;      /* validation uses val_batches * batch fixed windows */
} TrainConfig;

/* Defaults: batch 8, lr 2e-3, warm-up 50, cosine to 0.1, decay 0.1, clip 1.0, seed 1337,
 * validation every 50 steps over 2 batches. total_steps is left 0. */
void train_config_default(TrainConfig *tc);
/* ERR_INPUT for values that cannot train (batch < 1, lr not in (0, 10], ...) or are out of the
 * ranges above. Every TrainConfig read from a file goes through it. */
int train_config_check(const TrainConfig *tc, Err *e);

typedef struct TrainHistory {
    float *loss;          /* training loss of each step, [0, step) */
    float *seconds;       /* training time when that step ended */
    size_t n, cap;
    long *val_step;       /* validation losses, at the steps they were measured */
    float *val_loss;
    size_t n_val, cap_val;
} TrainHistory;

typedef struct TrainState {
    TrainConfig cfg;
    long step;            /* steps done */
    Rng rng;              /* draws the batches */
    double seconds;       /* training time so far, across resumes */
    uint64_t corpus_hash; /* of the text trained on, to notice a change on resume */
    char corpus_path[NT_PATH_MAX]; /* where that text was, so that resuming finds it again */
    TrainHistory hist;
} TrainState;

void train_state_free(TrainState *st);
/* Appends to the history (the arrays grow as needed). */
int train_history_add(TrainHistory *h, float loss, float seconds, Err *e);
int train_history_add_val(TrainHistory *h, long step, float loss, Err *e);

#endif
