/*
 * generate.h - the autoregressive loop: feed the prompt, sample a token, feed it back, repeat.
 *
 * Uses the model's key/value cache, so each new token costs one position. When the context is
 * full, the oldest half of the window is dropped and the rest re-fed (GPT-2's positions are
 * absolute, so cached keys cannot simply slide): the model always sees between n_ctx/2 and
 * n_ctx tokens of context. Used by `nexttoken sample`, the trainer's progress samples and the
 * Sample panel.
 */
#ifndef NT_GENERATE_H
#define NT_GENERATE_H

#include <stdint.h>

#include "core/base/err.h"
#include "core/base/rng.h"
#include "core/model/gpt2.h"
#include "core/model/sampler.h"

/* Called after each new token (the sampler still holds its distribution); nonzero stops. */
typedef int (*GenerateFn)(void *ctx, int32_t token, const Sampler *s);

typedef struct Generator {
    const GPT2 *model;
    GPT2Cache cache;
    int32_t *window;   /* the tokens in the cache, n_ctx of them at most */
    int n_window;
    /* The prompt of the last start (its last n_ctx tokens) and the logits after it, so that a
     * second continuation of the same prompt starts from the cache instead of feeding it again */
    int32_t *prompt;
    float *prompt_logits;
    int n_prompt;
    int fed;           /* tokens fed since the start */
    int slid;          /* the window has slid since the start: the prompt is no longer cached */
} Generator;

int generator_create(Generator *g, const GPT2 *m, Err *e);
void generator_free(Generator *g);

/* The loop a token at a time, for callers that draw tokens themselves (the Sample panel, a
 * slice of time per frame): start with the prompt (n_prompt >= 1), then feed each token drawn.
 * Both return the logits (V) for the next token, valid until the next call. generate() is
 * exactly start, then sample and feed, so the two give the same tokens. */
const float *generator_start(Generator *g, const int32_t *prompt, int n_prompt);
const float *generator_feed(Generator *g, int32_t tok);
/* The logits after the prompt of the last start and the first n of the tokens fed since
 * (0 <= n <= fed), the cache cut back to them: a draw taken back, or the next continuation of
 * the same prompt. Only the n-th token is fed again (each fed token was fed alone, so its
 * logits come out the same). When the window has slid since the start, n = 0 feeds the prompt
 * again and any other n gives NULL (the caller starts over and feeds its tokens). The model's
 * weights must be those of the start. */
const float *generator_back(Generator *g, int n);

/* Generates up to n_new tokens after the prompt (n_prompt >= 1) into out; returns how many
 * were made (fewer when fn asked to stop). prompt NULL continues the prompt of the last start
 * again (generator_back(g, 0)): samples after the first cost no feeding of the prompt. */
int generate(Generator *g, Sampler *s, Rng *rng, const int32_t *prompt, int n_prompt, int n_new,
             int32_t *out, GenerateFn fn, void *ctx);

#endif
