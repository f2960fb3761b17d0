/*
 * layers_parallel.h - each layer of layers.h split across a thread pool (parallel.h).
 *
 * Same arguments as the layers, whole arrays, plus the pool (NULL: one thread). Row-wise layers
 * split rows (a product of one row, its outputs); weight gradients split output channels;
 * attention splits (batch, head) pairs; the embedding gradient splits channels. Where a part
 * needs scratch of its own, the caller passes it, sized for par_threads(pool) parts. The parts
 * of a layer never write the same element, and the reductions that gather parts add them in
 * part order, so the results depend only on the thread count. Used by gpt2.c.
 */
#ifndef NT_LAYERS_PARALLEL_H
#define NT_LAYERS_PARALLEL_H

#include <stdint.h>

#include "core/base/parallel.h"

void par_encoder_forward(ParPool *p, float *out, const int32_t *ids, const float *wte,
                         const float *wpe, int N, int T, int C);
void par_encoder_backward(ParPool *p, float *dwte, float *dwpe, const float *dout,
                          const int32_t *ids, int N, int T, int C);
void par_layernorm_forward(ParPool *p, float *out, float *mean, float *rstd, const float *inp,
                           const float *w, const float *b, int N, int C);
/* partial: par_threads(p) * 2C floats of scratch for each part's dw and db. dinp is added to;
 * dw and db are overwritten (gpt2_backward does not zero the gradients first). */
void par_layernorm_backward(ParPool *p, float *dinp, float *dw, float *db, const float *dout,
                            const float *inp, const float *w, const float *mean,
                            const float *rstd, int N, int C, float *partial);
void par_matmul_forward(ParPool *p, float *out, const float *inp, const float *w,
                        const float *bias, int N, int C, int OC, int accumulate);
/* dinp (overwritten, or added to with accumulate_dinp; NULL to skip), dw and dbias (overwritten:
 * gpt2_backward does not zero the gradients first). */
void par_matmul_backward(ParPool *p, float *dinp, float *dw, float *dbias, const float *dout,
                         const float *inp, const float *w, int N, int C, int OC, int accumulate_dinp);
void par_attention_forward(ParPool *p, float *out, float *att, const float *qkv, int B, int T,
                           int C, int NH);
/* One new row (decoding) of every head of a layer's key/value cache, the heads split between
 * parts: head h appends its key and value of position P-1 (k_new + h*hs, v_new + h*hs) to its
 * keys at kt + h*hs*T' (T' = T rounded up to whole tiles: T'/ATT_KEY_TILE tiles of hs by
 * ATT_KEY_TILE, one after another) and its values at v + h*T*hs (rows of hs), reads q + h*hs
 * (row stride ldq), and writes out + h*hs and its attention weights (P) at a + h*a_stride
 * (attention_cache_append, attention_cached_forward). */
void par_attention_row(ParPool *p, float *out, float *a, size_t a_stride, const float *q, int ldq,
                       const float *k_new, const float *v_new, float *kt, float *v, int T, int P, int NH,
                       int hs);
/* dscratch: par_threads(p) * T * T floats. */
void par_attention_backward(ParPool *p, float *dqkv, float *dscratch, const float *dout,
                            const float *qkv, const float *att, int B, int T, int C, int NH);
void par_gelu_forward(ParPool *p, float *out, const float *inp, long n);
void par_gelu_backward(ParPool *p, float *dinp, const float *inp, const float *dout, long n);
/* Returns the mean loss over the N rows (when targets are given), summed in row order. */
double par_crossentropy_forward(ParPool *p, float *probs, float *losses, const float *logits,
                                const int32_t *targets, int N, int V);
void par_crossentropy_backward(ParPool *p, float *dlogits, const float *probs,
                               const int32_t *targets, float scale, int N, int V);
void par_copy(ParPool *p, float *dst, const float *src, long n);

#endif
