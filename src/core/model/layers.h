/*
 * layers.h - the layers of a GPT-2, each as a forward and a backward function over plain arrays.
 *
 * Shapes are given as (rows, columns) of row-major float arrays: N = B*T positions, C channels,
 * OC output channels, NH heads (head size hs = C/NH), V vocabulary. Every function takes the
 * whole arrays plus a half-open range of the dimension it can be split along (rows [n0, n1),
 * output channels [o0, o1), (batch, head) pairs [bh0, bh1), elements [i0, i1)), so that
 * layers_parallel.h can hand the parts of one layer to different threads; the full range does
 * the whole layer. Backward functions ADD into parameter gradients (the model zeroes them once
 * per step) and say for each input gradient whether they add or overwrite. Nothing here
 * allocates, prints or fails. The tests check each against finite differences.
 */
#ifndef NT_LAYERS_H
#define NT_LAYERS_H

#include <stddef.h>
#include <stdint.h>

/* out (N,C) = wte[ids[n]] (V,C) + wpe[n % T] (maxT,C), rows [n0, n1) */
void encoder_forward(float *out, const int32_t *ids, const float *wte, const float *wpe, int T,
                     int C, int n0, int n1);
/* dwte += dout scattered by token, dwpe += dout summed over the batch: all N rows, channels
 * [c0, c1) (a split by channel needs no locks, since rows with the same token collide) */
void encoder_backward(float *dwte, float *dwpe, const float *dout, const int32_t *ids, int N,
                      int T, int C, int c0, int c1);

/* out (N,C) = (inp - mean) * rstd * w (C) + b (C), per row, eps 1e-5; keeps mean (N) and
 * rstd (N). Rows [n0, n1). */
void layernorm_forward(float *out, float *mean, float *rstd, const float *inp, const float *w,
                       const float *b, int C, int n0, int n1);
/* dinp (N,C) += ..., and dw (C) += ..., db (C) += ... summed over rows [n0, n1) only: a caller
 * splitting rows gives each part its own dw, db and adds them up. */
void layernorm_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                        const float *w, const float *mean, const float *rstd, int C, int n0, int n1);

/* out (N,OC) = [out +] inp (N,C) @ w^T (C,OC) + bias (OC), rows [n0, n1); bias may be NULL. The
 * weight is stored (OC,C) as PyTorch's Linear and llm.c store it. With `accumulate`, out
 * already holds a residual and the product is added to it: the residual costs no extra pass. */
void matmul_forward(float *out, const float *inp, const float *w, const float *bias, int C,
                    int OC, int accumulate, int n0, int n1);
/* One row of it, split by output: out[o] = [out[o] +] bias[o] + w[o,:] . x for o in [o0, o1);
 * a row's value is the same whatever the split. matmul_forward of one row calls it. */
void matvec_forward(float *out, const float *x, const float *w, const float *bias, int C, int OC,
                    int accumulate, int o0, int o1);
/* dinp (N,C) = [dinp +] dout (N,OC) @ w (OC,C), rows [n0, n1) */
void matmul_backward_input(float *dinp, const float *dout, const float *w, int C, int OC,
                           int accumulate, int n0, int n1);
/* dw (OC,C) [+]= dout^T @ inp and dbias (OC) [+]= column sums of dout, for output channels
 * [o0, o1) over all N rows (added to with accumulate, else overwritten); dbias may be NULL. */
void matmul_backward_weight(float *dw, float *dbias, const float *dout, const float *inp, int N,
                            int C, int OC, int accumulate, int o0, int o1);

/* Causal multi-head self-attention.
 * qkv (B,T,3C) holds q, k, v side by side; head h uses columns h*hs .. h*hs+hs-1 of each.
 * att (B,NH,T,T) = softmax over j<=t of q_t . k_j / sqrt(hs), zero above the diagonal (kept for
 * backward); out (B,T,C) = att @ v, heads side by side again. (batch, head) pairs
 * [bh0, bh1) of B*NH, numbered b*NH + h. */
void attention_forward(float *out, float *att, const float *qkv, int T, int C, int NH, int bh0,
                       int bh1);
/* One head for n query rows at positions p0 .. p0+n-1 attending over the P = p0+n keys
 * 0 .. P-1 (the rows before p0 come from a cache): a (n,P) = causal softmax of q k^T / sqrt(hs);
 * out (n,hs) = a @ v. Row strides: ldo for out, ldq for q, ldkv for k and v. */
void attention_head_forward(float *out, int ldo, float *a, const float *q, int ldq,
                            const float *k, const float *v, int ldkv, int n, int p0, int hs);
/* A head's keys in a key/value cache (gpt2.h) come in tiles of ATT_KEY_TILE positions, one after
 * another, each tile the keys by column: kt[(j / ATT_KEY_TILE) * hs * ATT_KEY_TILE + d *
 * ATT_KEY_TILE + j % ATT_KEY_TILE] is component d of the key at position j. Its values are rows,
 * v (positions, hs). */
#define ATT_KEY_TILE 16
/* Positions rounded up to whole tiles: a head's keys take att_key_positions(T) * hs floats. */
static inline size_t att_key_positions(size_t T) { return (T + ATT_KEY_TILE - 1) / ATT_KEY_TILE * ATT_KEY_TILE; }
/* Puts the key and value of position pos of one head into its cache. */
void attention_cache_append(float *kt, float *v, const float *k_new, const float *v_new, int pos, int hs);
/* attention_head_forward over one head's cache, row by row: decoding feeds one token at a time
 * (a prompt fed into an empty cache takes attention_head_forward on its own q, k, v). */
void attention_cached_forward(float *out, int ldo, float *a, const float *q, int ldq, const float *kt,
                              const float *v, int n, int p0, int hs);
/* dqkv (B,T,3C), overwritten for the pairs [bh0, bh1); dscratch is (T,T) floats for this part. */
void attention_backward(float *dqkv, float *dscratch, const float *dout, const float *qkv,
                        const float *att, int T, int C, int NH, int bh0, int bh1);

/* out = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), the GELU GPT-2 uses; [i0, i1). */
void gelu_forward(float *out, const float *inp, long i0, long i1);
/* dinp = dout * gelu'(inp), overwritten; dinp may be the same array as dout. */
void gelu_backward(float *dinp, const float *inp, const float *dout, long i0, long i1);

/* Softmax of each row of logits (N,V) into probs, and losses[n] = -ln probs[n, targets[n]]
 * computed as logsumexp - logit so it stays accurate when the probability is tiny. Rows
 * [n0, n1); targets and losses may be NULL (probabilities only). */
void crossentropy_forward(float *probs, float *losses, const float *logits,
                          const int32_t *targets, int V, int n0, int n1);
/* dlogits (N,V) = (probs - onehot(target)) * scale, where scale = d(loss)/d(each row's loss),
 * 1/N for a mean. dlogits may be the same array as probs. Rows [n0, n1). */
void crossentropy_backward(float *dlogits, const float *probs, const int32_t *targets,
                           float scale, int V, int n0, int n1);

#endif
