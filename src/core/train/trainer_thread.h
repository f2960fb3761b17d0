/*
 * trainer_thread.h - the trainer running in a background thread, for the terminal interface.
 *
 * The thread owns the Trainer: nothing else touches the live weights. It publishes, under one
 * mutex, what the screen shows: a snapshot of figures (step, losses, tokens/s, learning rate,
 * gradient norm, state), the loss history as it grows (read incrementally), a sample of text
 * every so many steps, and a copy of the weights when the other panels ask for one
 * (tt_take_weights).
 * Commands (pause, resume, stop, a new learning rate, save) are flags it reads between steps,
 * so each takes effect at the next step. It writes a byte to a pipe whenever it publishes, so
 * the interface can sleep in poll() until there is something new. A stop joins the thread.
 *
 * Used by src/tui; `nexttoken train` steps its session's trainer in the foreground instead.
 */
#ifndef NT_TRAINER_THREAD_H
#define NT_TRAINER_THREAD_H

#include <stdint.h>

#include "core/base/err.h"
#include "core/base/paths.h"
#include "core/model/sampler.h"
#include "core/text/tokenizer.h"
#include "core/train/checkpoint.h"
#include "core/train/trainer.h"

/* The interface's settings for the thread (TrainThreadConfig): a sample of text every 100 steps,
 * 80 tokens long; the weights copied out for the panels at most every 2 seconds, while they
 * look; an autosave every minute. */
#define TT_SAMPLE_EVERY 100
#define TT_SAMPLE_TOKENS 80
#define TT_PUBLISH_SECONDS 2.0
#define TT_AUTOSAVE_SECONDS 60.0
/* The most tokens a sample is (a longer sample_tokens is cut to it), the bytes of its prompt and
 * of its text (prompt included, cut to fit), NULs included. */
#define TT_SAMPLE_TOKENS_MAX 256
#define TT_PROMPT_MAX 512
#define TT_SAMPLE_MAX 1024

/* TT_IDLE is no thread's state: it is 0 so that a zeroed snapshot (before the thread's first
 * one is copied) reads as no state at all rather than as running. */
enum { TT_IDLE, TT_RUNNING, TT_PAUSED, TT_STOPPED, TT_FAILED };

typedef struct TrainSnapshot {
    int state;                 /* TT_* */
    long step;
    int batch, context;        /* a step's windows and their length: batch x context tokens */
    float loss, val_loss, lr, grad_norm;
    double tokens_per_s;       /* over the last few seconds */
    double seconds;            /* training time so far, across resumes */
    long n_hist, n_val;        /* history entries published so far */
    long sample_step;          /* the step the latest sample was made at (-1: none yet) */
    char sample[TT_SAMPLE_MAX]; /* its text (the prompt, then what the model wrote) */
    long weights_version;      /* bumps when newer weights are there to take (a copy made, a pause) */
    long stop_at;              /* pauses itself on reaching this step (0: never) */
    char message[ERR_MSG_MAX]; /* the last event worth telling: a save, a failure */
    long message_id;           /* bumps with message */
} TrainSnapshot;

typedef struct TrainerThread TrainerThread;

typedef struct TrainThreadConfig {
    double publish_seconds;    /* the least time between two copies of the weights (0: TT_PUBLISH_SECONDS) */
    int sample_every;          /* steps between samples (0: none) */
    int sample_tokens;         /* tokens per sample, at most TT_SAMPLE_TOKENS_MAX */
    double autosave_seconds;   /* 0: no autosave */
    char autosave_path[NT_PATH_MAX];
} TrainThreadConfig;

/* Takes the trainer (moved in) and a copy of its tokenizer; the dataset and the trainer's pool
 * (tr->pool, whose threads the training thread then drives) are borrowed and must outlive the
 * thread. The thread starts paused or running. wake_fd (or -1) gets a byte per publication. */
TrainerThread *tt_start(Trainer *tr, const Tokenizer *tok, const Dataset *data,
                        const TrainThreadConfig *cfg, int running, int wake_fd, Err *e);
/* Stops after the current step, joins the thread, and gives the trainer back (moved into
 * *out if non-NULL, else freed). */
void tt_stop(TrainerThread *tt, Trainer *out);

void tt_pause(TrainerThread *tt);
void tt_resume(TrainerThread *tt);
/* Pauses by itself when the step reaches `step` (0: never): scripts wait on exact steps. */
void tt_pause_at(TrainerThread *tt, long step);
/* tt_pause_at and tt_resume in one step: runs until `step` and pauses there (stays paused if it
 * is there already). */
void tt_run_to(TrainerThread *tt, long step);
void tt_set_lr(TrainerThread *tt, float lr);
/* The prompt and sampler the periodic samples use. */
void tt_set_sampling(TrainerThread *tt, const char *prompt, const SamplerConfig *sc);
/* Asks for a save to path between steps; the outcome comes back in the snapshot's message. */
void tt_request_save(TrainerThread *tt, const char *path);

void tt_snapshot(TrainerThread *tt, TrainSnapshot *s);
/* Copies history entries [from, from + n) (training losses and their times) into the arrays;
 * returns how many there were. */
long tt_history(TrainerThread *tt, long from, long n, float *loss, float *seconds);
long tt_val_history(TrainerThread *tt, long from, long n, long *step, float *loss);
/* Brings view (the interface's copy of the weights, made here for the model's shape when it has
 * another or none) up to date, as far as that costs the trainer nothing: while the thread is
 * paused, the live weights are copied into it; while it runs, a copy made since the last call
 * is swapped in (view's old buffer goes back to the thread for the next copy), and if there is
 * none and view is older than the trainer, one is asked for - at once for a view without
 * weights, else no sooner than publish_seconds after the last. *step is the step view's weights
 * are from (-1: none yet). Returns 1 when view changed. A panel that looks at the model calls
 * this, so the weights are copied only while somebody looks, at most once a publish interval. */
int tt_take_weights(TrainerThread *tt, GPT2 *view, long *step);
const GPT2Config *tt_model_config(const TrainerThread *tt);

#endif
