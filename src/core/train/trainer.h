/*
 * trainer.h - one training step after another: a batch of windows, forward, backward, clipping,
 * AdamW at the scheduled learning rate; now and then a validation loss; a history of it all.
 *
 * A Trainer owns the model, its work area and the optimizer, and borrows the dataset. Its
 * TrainState (hyperparameters, step, random generator, history) goes into checkpoints whole, so
 * that training resumed from a file continues bit for bit as if it had never stopped. The
 * training session (session.h) creates or resumes one; steps are synchronous, and `nexttoken
 * train` calls them in a loop, the interface from a background thread (trainer_thread.h).
 */
#ifndef NT_TRAINER_H
#define NT_TRAINER_H

#include <stdint.h>

#include "core/base/err.h"
#include "core/base/rng.h"
#include "core/model/gpt2.h"
#include "core/text/dataset.h"
#include "core/train/adamw.h"
#include "core/train/train_state.h"

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
    /* The last step's figures; NaN before the first (a resumed model has its saved losses) */
    float loss, grad_norm, lr, val_loss;
} Trainer;

/* A new model initialised from tc->seed, to be trained on d with windows of the model's context,
 * on the pool's threads (NULL: the caller's only; the pool is borrowed). The model's vocabulary
 * must be the dataset's. */
int trainer_create(Trainer *tr, const GPT2Config *mc, const TrainConfig *tc, const Dataset *d,
                   ParPool *pool, Err *e);
/* Continues from a loaded model, optimizer and state. What it uses is moved into the trainer
 * and zeroed in the caller's structs, even when it fails (then freed): the model always, the
 * state when it has a config (batch > 0; tc is then not read), the optimizer when it is the
 * model's size. Otherwise they start fresh, with tc's settings: fine-tuning a model that was
 * saved without them (an optimizer with n == 0, a state with no config). */
int trainer_resume(Trainer *tr, GPT2 *model, AdamW *opt, TrainState *st, const TrainConfig *tc,
                   const Dataset *d, ParPool *pool, Err *e);
void trainer_free(Trainer *tr);

/* One step. Returns 0, or -1 with ERR_INPUT when the loss or the gradient is not finite: the
 * update is not applied, so the weights stay those of the last good step; or -1 with
 * ERR_INTERNAL when the history cannot grow (out of memory), the step itself having been taken. */
int trainer_step(Trainer *tr, Err *e);
/* Mean loss over the fixed validation windows (forward only; the weights are not touched). */
double trainer_validate(Trainer *tr);

#endif
