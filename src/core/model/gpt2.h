/*
 * gpt2.h - the model: GPT-2 as OpenAI published it, at any size.
 *
 * Token and learned position embeddings; n_layer pre-LayerNorm blocks of causal multi-head
 * self-attention and a 4x MLP with tanh-GELU, each added to the residual stream; a final
 * LayerNorm; logits from the token embedding matrix again (tied weights).
 *
 * Three pieces of memory, each allocated once and never during a step:
 *   GPT2       the weights, all in one block, in llm.c's tensor order and PyTorch's (out, in)
 *              layout, so checkpoints of both tools map onto it directly;
 *   GPT2Work   activations and gradients for forward/backward over a (B, T) batch (the trainer,
 *              `loss`, the Loss panel);
 *   GPT2Cache  keys and values of the positions seen so far, so that generating a token costs
 *              one position's work, not the whole context's (generate.h, probe.h, the Sample
 *              panel).
 * The trainer (trainer.h) owns a GPT2 and a GPT2Work; the optimizer is adamw.h.
 */
#ifndef NT_GPT2_H
#define NT_GPT2_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"
#include "core/base/parallel.h"
#include "core/base/rng.h"

typedef struct GPT2Config {
    int n_layer;
    int n_head;
    int n_embd;  /* width C; a multiple of n_head */
    int n_ctx;   /* longest context, and the rows of the position embedding */
    int n_vocab; /* rows of the token embedding and width of the logits */
} GPT2Config;

/* The presets, by name: "tiny" 2/2/64 ctx 64, "small" 4/4/128 ctx 128, "base" 6/6/192 ctx 128.
 * Sets layers, heads, width and context; leaves n_vocab (the tokenizer's) alone. ERR_INPUT
 * naming the presets for an unknown name. */
int gpt2_preset(const char *name, GPT2Config *cfg, Err *e);
/* The name of preset i (0, 1, ...), or NULL past the last: for lists and completion. */
const char *gpt2_preset_name(int i);
/* The preset a config matches ("small"), or NULL. */
const char *gpt2_preset_of(const GPT2Config *cfg);

/* The limits of each size, which keep every size product below 2^31 elements per array; GPT-2
 * XL (48 layers, 1600 wide, 1024 context, 50257 tokens) is well inside. The vocabulary's limit
 * is a tokenizer's, TOKENIZER_MAX_VOCAB. The front ends' options are bounded by these too. */
#define GPT2_MAX_LAYER 256
#define GPT2_MAX_EMBD 16384
#define GPT2_MAX_CTX 32768

/* Checks that a config is buildable: positive sizes within limits, heads dividing the width,
 * and a parameter count that fits in memory arithmetic. Fills `e` (ERR_INPUT) if not. */
int gpt2_config_check(const GPT2Config *cfg, Err *e);

/* The tensors, in llm.c's order. Per-layer tensors are stacked: ln1w is (L, C), qkvw (L, 3C, C). */
enum {
    GPT2_WTE, GPT2_WPE, GPT2_LN1W, GPT2_LN1B, GPT2_QKVW, GPT2_QKVB, GPT2_ATTPROJW, GPT2_ATTPROJB,
    GPT2_LN2W, GPT2_LN2B, GPT2_FCW, GPT2_FCB, GPT2_FCPROJW, GPT2_FCPROJB, GPT2_LNFW, GPT2_LNFB,
    GPT2_NUM_TENSORS
};
extern const char *const gpt2_tensor_names[GPT2_NUM_TENSORS];
/* 1 for the 2-D weight matrices (AdamW decays them), 0 for biases and LayerNorm gains. */
extern const int gpt2_tensor_is_matrix[GPT2_NUM_TENSORS];

typedef struct GPT2Tensors {
    float *t[GPT2_NUM_TENSORS];
} GPT2Tensors;

void gpt2_tensor_sizes(const GPT2Config *cfg, size_t sizes[GPT2_NUM_TENSORS]);
size_t gpt2_param_count(const GPT2Config *cfg);
/* Points each tensor into a block laid out in order. */
void gpt2_tensors_point(GPT2Tensors *ts, float *base, const GPT2Config *cfg);

typedef struct GPT2 {
    GPT2Config cfg;
    size_t n_params;
    float *params;  /* one block of n_params floats */
    GPT2Tensors w;  /* pointers into params */
} GPT2;

/* Allocates zeroed weights for cfg (checked). */
int gpt2_create(GPT2 *m, const GPT2Config *cfg, Err *e);
/* GPT-2's initialisation: weights N(0, 0.02), the two projections into the residual stream
 * N(0, 0.02/sqrt(2 n_layer)), biases 0, LayerNorm gains 1. */
void gpt2_init_random(GPT2 *m, Rng *rng);
void gpt2_free(GPT2 *m);

/* ------------------------------------------------------------------------------------------ */
/* Forward and backward over a batch */

/* Where a forward and backward spend their time, summed over calls, when profiling is on
 * (bench/, `nexttoken train --profile`). */
enum {
    PROF_EMBED, PROF_LAYERNORM, PROF_QKV, PROF_ATTENTION, PROF_ATTPROJ, PROF_FC, PROF_GELU,
    PROF_FCPROJ, PROF_RESIDUAL, PROF_LMHEAD, PROF_SOFTMAX_XENT, PROF_NUM
};
extern const char *const gpt2_prof_names[PROF_NUM];
typedef struct GPT2Profile {
    double fwd[PROF_NUM], bwd[PROF_NUM]; /* seconds */
} GPT2Profile;

typedef struct GPT2Work {
    int B, T;              /* the largest batch this work area holds */
    int training;          /* 1: activations of every layer kept, gradients allocated */
    float *mem;            /* every activation and scratch array, one block */
    size_t mem_floats;
    /* Activations; per-layer arrays are L deep when training, 1 deep (reused) otherwise. */
    float *encoded, *ln1, *ln1_mean, *ln1_rstd, *qkv, *atty, *att, *res2, *ln2, *ln2_mean,
        *ln2_rstd, *fch, *res3, *gelu, *lnf, *lnf_mean, *lnf_rstd, *logits, *probs, *losses;
    /* Gradient scratch for backward (training only). */
    float *dres, *dln, *dqkv, *dfch;
    float *datt, *ln_partial;  /* per-thread scratch: (T,T) and 2C floats for each part */
    int32_t *inputs, *targets; /* (B,T) copies of the last forward's batch */
    float *grads;              /* n_params, same layout as the weights (training only) */
    GPT2Tensors g;
    int cur_B, cur_T;          /* the shape of the last forward */
    double mean_loss;          /* of the last forward with targets */
    GPT2Profile *prof;         /* NULL, or where to add up time per layer kind */
    const float *loss_weights; /* NULL: backward differentiates the mean loss; else sum_n
                                * loss_weights[n] * loss[n] (one position alone, say) */
    ParPool *pool;             /* borrowed: the threads forward and backward use (NULL: one) */
} GPT2Work;

/* A work area for batches up to (B,T); forward and backward will split their layers over the
 * pool's threads (NULL: the calling thread only). */
int gpt2_work_create(GPT2Work *w, const GPT2 *m, int B, int T, int training, ParPool *pool, Err *e);
void gpt2_work_free(GPT2Work *w);
size_t gpt2_work_bytes(const GPT2Config *cfg, int B, int T, int training, int nparts);

/* Runs the model on inputs (B,T) of token ids, B <= w->B, T <= w->T and <= n_ctx.
 * Leaves logits (B,T,V) in w->logits; with targets (B,T), also softmax probabilities in w->probs,
 * -ln p(target) per position in w->losses and their mean in w->mean_loss (returned; 0 without).
 * Ids must be < n_vocab: the caller checks input it did not make itself. */
double gpt2_forward(const GPT2 *m, GPT2Work *w, const int32_t *inputs, const int32_t *targets,
                    int B, int T);
/* After a forward with targets on a training work area: w->grads = d(mean loss)/d(weights),
 * or with w->loss_weights set, the gradient of that weighted sum of the positions' losses. */
void gpt2_backward(const GPT2 *m, GPT2Work *w);

/* ------------------------------------------------------------------------------------------ */
/* Incremental inference */

typedef struct GPT2Cache {
    int n_pos;       /* positions fed so far, <= n_ctx */
    float *mem;
    float *kv;       /* per layer the keys head by head, each head's in tiles of ATT_KEY_TILE
                      * positions by column (layers.h), then the values head by head, (NH,
                      * n_ctx, hs): decoding a token reads a head's keys and its values as two
                      * contiguous streams, and a position written touches only its tiles */
    float *x, *ln, *qkv, *atty, *fch, *scores, *logits; /* scratch for up to n_ctx new rows */
    ParPool *pool;   /* borrowed, set by the owner: the threads a feed splits its work over
                      * (NULL: the caller's only); the same numbers whatever the thread count */
} GPT2Cache;

int gpt2_cache_create(GPT2Cache *c, const GPT2 *m, Err *e);
void gpt2_cache_free(GPT2Cache *c);
static inline void gpt2_cache_reset(GPT2Cache *c) { c->n_pos = 0; }
/* Feeds n more tokens (n_pos + n <= n_ctx) at positions n_pos .. n_pos+n-1, all at once (a
 * prompt) or one at a time (generation), and returns the logits (V) predicting the token after
 * the last one. Identical, up to rounding, to the last row of a full forward over all tokens. */
const float *gpt2_cache_feed(const GPT2 *m, GPT2Cache *c, const int32_t *tokens, int n);
/* The same feed, keeping what it passes by for inspection (inspect.h): with att non-NULL, the
 * attention weights of every layer and head for the new rows, att (L, NH, n, P) with
 * P = n_pos + n keys (row i sums to 1 over keys 0 .. n_pos+i, zero after); with resid non-NULL,
 * the residual stream after each block, resid (L, n, C). Both NULL is gpt2_cache_feed. */
const float *gpt2_cache_feed_keep(const GPT2 *m, GPT2Cache *c, const int32_t *tokens, int n, float *att,
                                  float *resid);
/* The logits (V) predicting the token after row `row` (0 <= row < n) of the last feed of n
 * tokens, from that row's final residual, still in the cache's scratch: a text fed once gives
 * the next-token distribution at each of its positions for the price of the head alone. The
 * feeds return this for their last row. Valid until the next call. */
const float *gpt2_cache_logits_at(const GPT2 *m, GPT2Cache *c, int row);

#endif
