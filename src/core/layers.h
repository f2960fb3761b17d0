/*
 * layers.h - the layers of a GPT-2, each as a forward and a backward function over plain arrays.
 *
 * gpt2.c strings these together; the tests check each one alone against finite differences.
 * Shapes are given as (rows, columns) of row-major float arrays: N = B*T positions, C channels,
 * OC output channels, NH heads, V vocabulary. Backward functions ADD into the gradients of
 * parameters (the model zeroes them once per step) and say for each input gradient whether they
 * add or overwrite. Nothing here allocates, prints or fails.
 */
#ifndef NT_LAYERS_H
#define NT_LAYERS_H

#include <stdint.h>

/* out (B,T,C) = wte[ids[b,t]] (V,C) + wpe[t] (maxT,C) */
void encoder_forward(float *out, const int32_t *ids, const float *wte, const float *wpe,
                     int B, int T, int C);
/* dwte += scatter of dout by token, dwpe += dout summed over the batch */
void encoder_backward(float *dwte, float *dwpe, const float *dout, const int32_t *ids,
                      int B, int T, int C);

/* out (N,C) = (inp - mean) * rstd * w (C) + b (C), per row; keeps mean (N) and rstd (N). */
void layernorm_forward(float *out, float *mean, float *rstd, const float *inp, const float *w,
                       const float *b, int N, int C);
/* dinp (N,C) += ..., dw += ..., db += ... */
void layernorm_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                        const float *w, const float *mean, const float *rstd, int N, int C);

/* out (N,OC) = [out +] inp (N,C) @ w^T (C,OC) + bias (OC); bias may be NULL. The weight is
 * stored (OC,C) as PyTorch's Linear and llm.c store it. With `accumulate`, out already holds a
 * residual and the product is added to it: the residual connection costs no extra pass. */
void matmul_forward(float *out, const float *inp, const float *w, const float *bias,
                    int N, int C, int OC, int accumulate);
/* dinp (N,C) = [dinp +] dout (N,OC) @ w (OC,C); dw (OC,C) += dout^T @ inp; dbias (OC) += colsum
 * dout. dbias may be NULL. */
void matmul_backward(float *dinp, float *dw, float *dbias, const float *dout, const float *inp,
                     const float *w, int N, int C, int OC, int accumulate_dinp);

/* Causal multi-head self-attention.
 * qkv (B,T,3C) holds q, k, v side by side; head h uses columns h*hs .. h*hs+hs-1 of each, hs = C/NH.
 * att (B,NH,T,T) = softmax over j<=t of q_t . k_j / sqrt(hs), zero above the diagonal (kept for
 * backward); out (B,T,C) = att @ v, heads side by side again. */
void attention_forward(float *out, float *att, const float *qkv, int B, int T, int C, int NH);
/* One head of the above for n query rows at positions p0 .. p0+n-1, attending over the P = p0+n
 * keys 0 .. P-1 (the rows before p0 come from a cache): a (n,P) = causal softmax of
 * q k^T / sqrt(hs); out (n,hs) = a @ v. Row strides: ldo for out, ldq for q, ldkv for k and v. */
void attention_head_forward(float *out, int ldo, float *a, const float *q, int ldq,
                            const float *k, const float *v, int ldkv, int n, int p0, int hs);
/* dqkv (B,T,3C) = gradient, overwritten; dscratch is (T,T) floats of workspace. */
void attention_backward(float *dqkv, float *dscratch, const float *dout, const float *qkv,
                        const float *att, int B, int T, int C, int NH);

/* out = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), the GELU GPT-2 uses. n values. */
void gelu_forward(float *out, const float *inp, int n);
/* dinp = dout * gelu'(inp), overwritten. dinp may be the same array as dout. */
void gelu_backward(float *dinp, const float *inp, const float *dout, int n);

/* Softmax over each row of logits (N,V) into probs, and losses[i] = -ln probs[i, targets[i]]
 * computed as logsumexp - logit so it stays accurate when the probability is tiny.
 * Returns the mean loss over the N rows (accumulated in double). */
double crossentropy_forward(float *probs, float *losses, const float *logits,
                            const int32_t *targets, int N, int V);
/* dlogits (N,V) = (probs - onehot(target)) * scale, where scale = d(loss)/d(each row's loss),
 * 1/N for a mean. dlogits may be the same array as probs. */
void crossentropy_backward(float *dlogits, const float *probs, const int32_t *targets,
                           float scale, int N, int V);

#endif
