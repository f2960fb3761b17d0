/*
 * inspect.h - what the model computes inside, for teaching: the attention weights of every layer
 * and head, the residual stream read through the output head after each block (the "logit lens"),
 * and which token or position embeddings point the same way (cosine similarity).
 *
 * The `attention`, `lens` and `neighbors` commands call these, and the interface's Inside panel
 * is meant to, on its snapshot of the weights. None of it touches the trainer: the numbers come
 * from a forward of their own over one sequence (gpt2_cache_feed_keep, the arithmetic sampling
 * uses), which keeps the attention weights and the residual after each block as it passes them.
 *
 * An Inspect owns every buffer. The fixed ones (the cache, a block of lens rows, one row of
 * cosines) are made by inspect_create; the ones that grow with the text (the weights, L*NH*n*n
 * floats, and the residuals, L*n*C) grow to the longest text run through it and are then reused,
 * so a panel that runs again on each key allocates nothing once it has seen its longest text.
 * An Inspect is for one shape of model: a model of another config needs a new one.
 */
#ifndef NT_INSPECT_H
#define NT_INSPECT_H

#include <stdint.h>

#include "core/base/err.h"
#include "core/model/gpt2.h"

/* The logit lens computes this many positions' distributions at a time: one matrix product of
 * (rows, C) by wte^T rather than a row at a time, which would read the whole embedding per row. */
#define INSPECT_LENS_ROWS 32

typedef struct Inspect {
    GPT2Config cfg;   /* the shape it was made for */
    GPT2Cache cache;  /* the forward's scratch and keys/values */
    int n;            /* positions of the last run (0: none yet) */
    int cap;          /* positions att and resid have room for */
    float *att;       /* (L, NH, n, n): att[l][h][i][j], the weight query i gives key j */
    float *resid;     /* (L, n, C): the residual stream after block l */
    float *mem;       /* one block for the fixed buffers below */
    float *lens_ln;   /* (INSPECT_LENS_ROWS, C) final LayerNorm of the residual rows */
    float *lens_stats;/* (2 INSPECT_LENS_ROWS) its mean and 1/std (not needed after) */
    float *lens_logits, *lens_probs; /* (INSPECT_LENS_ROWS, V) each */
    float *cos;       /* (max(V, n_ctx)) one row's cosines against all rows */
    float *norms;     /* (max(V, n_ctx)) the rows' Euclidean norms */
} Inspect;

/* Buffers for a model of m's shape. */
int inspect_create(Inspect *in, const GPT2 *m, Err *e);
void inspect_free(Inspect *in);

/* Runs m over ids[0 .. n), 1 <= n <= n_ctx, ids < n_vocab (ERR_INPUT otherwise, naming the
 * lengths), keeping every layer's attention weights and residuals. Returns the logits (V) for the
 * token after the last one, as gpt2_cache_feed does. NULL with e filled on failure. */
const float *inspect_run(Inspect *in, const GPT2 *m, const int32_t *ids, int n, Err *e);

/* The attention weights of layer l, head h of the last run: (n, n), row i the query at position
 * i, column j the key; a_ij = softmax_j(q_i . k_j / sqrt(hs)) over j <= i, and 0 for j > i. */
static inline const float *inspect_attention(const Inspect *in, int l, int h)
{
    return in->att + ((size_t)l * in->cfg.n_head + h) * in->n * in->n;
}

/* The residual after block l (0-based) at positions t0 .. t0+rows-1 of the last run, read as if
 * it were the last block's output: final LayerNorm, then the tied output head and a softmax,
 * p (rows, V) = softmax(lnf(resid_l) @ wte^T). Layer L-1 is the model's own distribution.
 * rows <= INSPECT_LENS_ROWS and t0 + rows <= n; the result lives in `in` until the next call. */
const float *inspect_lens(Inspect *in, const GPT2 *m, int l, int t0, int rows);

/* Cosine similarity of token id's embedding with every token's: cos (V), cos_j = wte_id . wte_j /
 * (|wte_id| |wte_j|), 0 for a row of zeros. The result lives in `in` until the next call. */
const float *inspect_token_cosines(Inspect *in, const GPT2 *m, int32_t id);
/* The same for any rows, with the caller's buffers: cos (rows), cos_j = X_q . X_j / (|X_q| |X_j|)
 * for X (rows, C), 0 where a norm is 0 (no direction); norms (rows) is scratch. What needs only
 * cosines (nexttoken neighbors) needs no Inspect, whose cache and lens rows are large. */
void inspect_row_cosines(const float *X, int rows, int C, int q, float *norms, float *cos);

/* The cosine matrix of the first n position embeddings, out (n, n), out_ij = cos(wpe_i, wpe_j):
 * for a heat map of how the model has arranged positions. n <= n_ctx. */
void inspect_position_cosines(Inspect *in, const GPT2 *m, int n, float *out);

/* An index and its value, for ranked lists. */
typedef struct InspectRank {
    int32_t id;
    float v;
} InspectRank;

/* The k largest of x[0 .. n) but x[skip] (skip < 0: none), largest first, ties to the lower
 * index, NaN last, into out (room for k); returns how many (min(k, n or n-1)). O(n log k). */
int inspect_top(const float *x, int n, int k, int skip, InspectRank *out);

#endif
