/*
 * adamw.h - the optimizer: AdamW with PyTorch's arithmetic, global gradient-norm clipping, and a
 * learning rate that warms up linearly and then follows a cosine down to a fraction of its peak
 * (a tenth by default) at a set step, or stays at its peak when training is open-ended.
 *
 * It knows nothing of the model: the caller passes the parameters as segments, each with a flag
 * saying whether weight decay applies (GPT-2 decays its 2-D matrices only). Used by trainer.c;
 * its moment arrays go into checkpoints so a resumed run continues exactly.
 */
#ifndef NT_ADAMW_H
#define NT_ADAMW_H

#include <stddef.h>

#include "core/base/err.h"
#include "core/base/parallel.h"

typedef struct AdamW {
    size_t n;
    float *m, *v;        /* first and second moment estimates, n each */
    long t;              /* updates done so far (for bias correction) */
    float beta1, beta2, eps, weight_decay;
} AdamW;

/* Zeroed moments, betas 0.9 / 0.95, eps 1e-8, weight decay 0.1: nanoGPT's GPT-2 settings. */
int adamw_create(AdamW *opt, size_t n, Err *e);
void adamw_free(AdamW *opt);

/* One update at learning rate lr, as torch.optim.AdamW does it:
 *   p -= lr * wd * p                    (decoupled decay, decayed segments only)
 *   m  = b1 m + (1 - b1) g ;  v = b2 v + (1 - b2) g^2
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * Segment s covers seg_size[s] consecutive parameters, decayed when seg_decay[s] is nonzero.
 * The pool (NULL: one thread) splits the parameters. */
void adamw_update(AdamW *opt, float *params, const float *grads, const size_t *seg_size,
                  const int *seg_decay, int n_seg, float lr, ParPool *pool);

/* sqrt(sum g^2) over n gradients, summed in double (in a fixed order for a given pool size). */
double grad_norm(const float *grads, size_t n, ParPool *pool);
/* If norm > max_norm (> 0), scales grads by max_norm / (norm + 1e-6), as torch's
 * clip_grad_norm_ does. Returns the factor applied (1 when none). */
float grad_clip(float *grads, size_t n, double norm, float max_norm, ParPool *pool);

typedef struct LrSchedule {
    float lr_max;
    int warmup_steps;   /* linear from lr_max / warmup to lr_max over these steps */
    long total_steps;   /* cosine from lr_max to lr_min over the rest; 0: constant after warm-up */
    float min_ratio;    /* lr_min = lr_max * min_ratio */
} LrSchedule;

/* The learning rate of step `step` (0-based). */
float lr_at(const LrSchedule *s, long step);

#endif
