/*
 * trainer.h - one training step after another: a batch of windows, forward, backward, clipping,
 * AdamW at the scheduled learning rate; now and then a validation loss; a history of it all.
 *
 * A Trainer owns the model, its work area and the optimizer, and borrows the dataset. Its
 * TrainState (hyperparameters, step, random generator, history) goes into checkpoints whole, so
 * that training resumed from a file continues bit for bit as if it had never stopped. Steps are
 * synchronous; the CLI calls them in a loop and the TUI from a background thread.
 */
#ifndef NT_TRAINER_H
#define NT_TRAINER_H

#include <stdint.h>

#include "adamw.h"
#include "dataset.h"
#include "err.h"
#include "gpt2.h"
#include "rng.h"

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

/* Defaults: batch 8, lr 1e-3, warm-up 50, cosine to 0.1, decay 0.1, clip 1.0, seed 1337,
 * validation every 50 steps over 2 batches. total_steps is left 0. */
void train_config_default(TrainConfig *tc);
/* ERR_INPUT for values that cannot train (batch < 1, lr not in (0, 10], ...). */
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
    char corpus_path[1024]; /* where that text was, so the terminal interface can resume */
    TrainHistory hist;
} TrainState;

void train_state_free(TrainState *st);
/* Appends to the history (the arrays grow as needed). */
int train_history_add(TrainHistory *h, float loss, float seconds, Err *e);
int train_history_add_val(TrainHistory *h, long step, float loss, Err *e);

typedef struct Trainer {
    ParPool *pool;        /* borrowed: the threads every step uses (NULL: one) */
    GPT2 model;
    GPT2Work work;
    AdamW opt;
    TrainState st;
    const Dataset *data;
    int32_t *x, *y;       /* (B,T) batch buffers */
    int n_seg;            /* parameter segments for AdamW: one per tensor */
    size_t seg_size[GPT2_NUM_TENSORS];
    int seg_decay[GPT2_NUM_TENSORS];
    /* The last step's figures */
    float loss, grad_norm, lr, val_loss;
} Trainer;

/* A new model initialised from tc->seed, to be trained on d with windows of the model's context,
 * on the pool's threads (NULL: the caller's only; the pool is borrowed). The model's vocabulary
 * must be the dataset's. */
int trainer_create(Trainer *tr, const GPT2Config *mc, const TrainConfig *tc, const Dataset *d,
                   ParPool *pool, Err *e);
/* Continues from a loaded model, optimizer and state (moved into the trainer, and zeroed in the
 * caller's structs). An optimizer with n == 0 or a state with no config means "start them
 * fresh": fine-tuning a model that was saved without them, with tc's settings. */
int trainer_resume(Trainer *tr, GPT2 *model, AdamW *opt, TrainState *st, const TrainConfig *tc,
                   const Dataset *d, ParPool *pool, Err *e);
void trainer_free(Trainer *tr);

/* One step. Returns 0, or -1 with ERR_INPUT when the loss or the gradient is not finite: the
 * update is not applied, so the weights stay those of the last good step. */
int trainer_step(Trainer *tr, Err *e);
/* Mean loss over the fixed validation windows (forward only; the weights are not touched). */
double trainer_validate(Trainer *tr);

#endif
