/*
 * probe.h - experiments on a trained model for teaching: how surprised it is by each token of a
 * text, what it predicts next, and what one gradient step on one example does. The `loss` and
 * `softmax --model` commands and the Loss, Softmax and Sample panels call these, so the screen
 * and the command line show the same numbers.
 */
#ifndef NT_PROBE_H
#define NT_PROBE_H

#include "core/base/err.h"
#include "core/model/gpt2.h"
#include "core/model/sampler.h"

/* For every position t = 1 .. n-1 of ids: the probability the model gives ids[t] after ids[0..t)
 * and its loss -ln p, into p[t] and loss[t] (p[0], loss[0] are left alone). A text longer than
 * the context is scored in windows that overlap by half a context, each token predicted from at
 * least half a context before it. */
int probe_losses(const GPT2 *m, const int32_t *ids, int n, double *p, double *loss, Err *e);

/* The logits (V) for the token after ids[0..n) (its last n_ctx tokens). */
int probe_next_logits(const GPT2 *m, const int32_t *ids, int n, float *logits, Err *e);

/* The same as the distribution a teacher shows: s is created here for the model's vocabulary
 * under settings c and given those logits (sampler_distribution: sorted, tempered, filtered).
 * Free it with sampler_free; on failure it is left empty. */
int probe_next_distribution(const GPT2 *m, const int32_t *ids, int n, const SamplerConfig *c, Sampler *s,
                            Err *e);

/* One step of plain gradient descent, w <- w - lr * grad, on the loss of a single example: the
 * prediction of ids[pos] from the tokens before it (pos >= 1). Done on a copy: m is unchanged.
 * Gives that example's loss before and after, and the probabilities of the target. */
int probe_sgd_step(const GPT2 *m, const int32_t *ids, int pos, float lr, double *loss_before,
                   double *loss_after, Err *e);

#endif
