/* layers.c - forward and backward of each GPT-2 layer. See layers.h for shapes. */
#include "layers.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "fastmath.h"

/* ------------------------------------------------------------------------------------------ */
/* Embeddings */

void encoder_forward(float *out, const int32_t *ids, const float *wte, const float *wpe,
                     int B, int T, int C)
{
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            float *o = out + ((size_t)b * T + t) * C;
            const float *te = wte + (size_t)ids[b * T + t] * C, *pe = wpe + (size_t)t * C;
            for (int i = 0; i < C; i++) o[i] = te[i] + pe[i];
        }
}

void encoder_backward(float *dwte, float *dwpe, const float *dout, const int32_t *ids,
                      int B, int T, int C)
{
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++) {
            const float *d = dout + ((size_t)b * T + t) * C;
            float *dte = dwte + (size_t)ids[b * T + t] * C, *dpe = dwpe + (size_t)t * C;
            for (int i = 0; i < C; i++) {
                dte[i] += d[i];
                dpe[i] += d[i];
            }
        }
}

/* ------------------------------------------------------------------------------------------ */
/* LayerNorm, eps 1e-5 as in GPT-2 */

void layernorm_forward(float *out, float *mean, float *rstd, const float *inp, const float *w,
                       const float *b, int N, int C)
{
    for (int n = 0; n < N; n++) {
        const float *x = inp + (size_t)n * C;
        float *o = out + (size_t)n * C;
        /* Two passes (mean, then variance about it) rather than E[x^2] - E[x]^2, which cancels
         * badly when the mean is large next to the spread. */
        float m = 0;
        for (int i = 0; i < C; i++) m += x[i];
        m /= C;
        float v = 0;
        for (int i = 0; i < C; i++) v += (x[i] - m) * (x[i] - m);
        v /= C;
        float s = 1.0f / sqrtf(v + 1e-5f);
        for (int i = 0; i < C; i++) o[i] = (x[i] - m) * s * w[i] + b[i];
        mean[n] = m;
        rstd[n] = s;
    }
}

void layernorm_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                        const float *w, const float *mean, const float *rstd, int N, int C)
{
    for (int n = 0; n < N; n++) {
        const float *x = inp + (size_t)n * C, *d = dout + (size_t)n * C;
        float *dx = dinp + (size_t)n * C;
        float m = mean[n], s = rstd[n];
        /* With xhat = (x - m) s and g = dout * w:
         * dx = s (g - mean(g) - xhat mean(g xhat)) */
        float gmean = 0, gxmean = 0;
        for (int i = 0; i < C; i++) {
            float xhat = (x[i] - m) * s, g = d[i] * w[i];
            gmean += g;
            gxmean += g * xhat;
        }
        gmean /= C;
        gxmean /= C;
        for (int i = 0; i < C; i++) {
            float xhat = (x[i] - m) * s, g = d[i] * w[i];
            db[i] += d[i];
            dw[i] += d[i] * xhat;
            dx[i] += (g - gmean - xhat * gxmean) * s;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Linear layers: all the arithmetic that matters, and all of it in cblas_sgemm */

void matmul_forward(float *out, const float *inp, const float *w, const float *bias,
                    int N, int C, int OC, int accumulate)
{
    float beta = accumulate ? 1.0f : 0.0f;
    if (bias) {
        /* Put the bias in first and let sgemm add the product (beta = 1). */
        for (int n = 0; n < N; n++) {
            float *o = out + (size_t)n * OC;
            if (accumulate)
                for (int i = 0; i < OC; i++) o[i] += bias[i];
            else
                memcpy(o, bias, sizeof(float) * OC);
        }
        beta = 1.0f;
    }
    /* out (N,OC) = inp (N,C) @ w^T (C,OC) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, OC, C, 1.0f, inp, C, w, C, beta, out, OC);
}

void matmul_backward(float *dinp, float *dw, float *dbias, const float *dout, const float *inp,
                     const float *w, int N, int C, int OC, int accumulate_dinp)
{
    /* dinp (N,C) = dout (N,OC) @ w (OC,C) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, C, OC, 1.0f, dout, OC, w, C,
                accumulate_dinp ? 1.0f : 0.0f, dinp, C);
    /* dw (OC,C) += dout^T (OC,N) @ inp (N,C) */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, N, 1.0f, dout, OC, inp, C, 1.0f, dw, C);
    if (dbias)
        for (int n = 0; n < N; n++) {
            const float *d = dout + (size_t)n * OC;
            for (int i = 0; i < OC; i++) dbias[i] += d[i];
        }
}

/* ------------------------------------------------------------------------------------------ */
/* Causal self-attention */

void attention_head_forward(float *out, int ldo, float *a, const float *q, int ldq,
                            const float *k, const float *v, int ldkv, int n, int p0, int hs)
{
    const int P = p0 + n;
    const float scale = 1.0f / sqrtf((float)hs);
    /* a (n,P) = scale * q (n,hs) @ k^T (hs,P); q, k, v are read in place with their row strides */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, P, hs, scale, q, ldq, k, ldkv, 0.0f, a, P);
    /* softmax of row i over the keys up to its own position p0+i; the future gets 0 */
    for (int i = 0; i < n; i++) {
        float *row = a + (size_t)i * P;
        int last = p0 + i;
        float mx = row[0];
        for (int j = 1; j <= last; j++) mx = row[j] > mx ? row[j] : mx;
        float sum = 0;
        for (int j = 0; j <= last; j++) {
            row[j] = nt_expf(row[j] - mx);
            sum += row[j];
        }
        float inv = 1.0f / sum;
        for (int j = 0; j <= last; j++) row[j] *= inv;
        for (int j = last + 1; j < P; j++) row[j] = 0.0f;
    }
    /* out (n,hs) = a (n,P) @ v (P,hs) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, hs, P, 1.0f, a, P, v, ldkv, 0.0f, out, ldo);
}

void attention_forward(float *out, float *att, const float *qkv, int B, int T, int C, int NH)
{
    const int hs = C / NH, C3 = 3 * C;
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++) {
            const float *q = qkv + (size_t)b * T * C3 + h * hs;
            attention_head_forward(out + (size_t)b * T * C + h * hs, C,
                                   att + ((size_t)b * NH + h) * T * T, q, C3, q + C, q + 2 * C, C3,
                                   T, 0, hs);
        }
}

void attention_backward(float *dqkv, float *dscratch, const float *dout, const float *qkv,
                        const float *att, int B, int T, int C, int NH)
{
    const int hs = C / NH, C3 = 3 * C;
    const float scale = 1.0f / sqrtf((float)hs);
    float *ds = dscratch; /* (T,T) */
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++) {
            const float *q = qkv + (size_t)b * T * C3 + h * hs, *k = q + C, *v = q + 2 * C;
            float *dq = dqkv + (size_t)b * T * C3 + h * hs, *dk = dq + C, *dv = dq + 2 * C;
            const float *a = att + ((size_t)b * NH + h) * T * T;
            const float *dy = dout + (size_t)b * T * C + h * hs;
            /* da (T,T) = dy (T,hs) @ v^T (hs,T) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, 1.0f, dy, C, v, C3,
                        0.0f, ds, T);
            /* dv (T,hs) = a^T (T,T) @ dy (T,hs) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, a, T, dy, C,
                        0.0f, dv, C3);
            /* Through the softmax: ds_tj = a_tj (da_tj - sum_k a_tk da_tk), zero above the diagonal */
            for (int t = 0; t < T; t++) {
                const float *arow = a + (size_t)t * T;
                float *row = ds + (size_t)t * T;
                float dot = 0;
                for (int j = 0; j <= t; j++) dot += arow[j] * row[j];
                for (int j = 0; j <= t; j++) row[j] = arow[j] * (row[j] - dot);
                for (int j = t + 1; j < T; j++) row[j] = 0.0f;
            }
            /* dq (T,hs) = scale * ds (T,T) @ k (T,hs);  dk (T,hs) = scale * ds^T (T,T) @ q (T,hs) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, scale, ds, T, k, C3,
                        0.0f, dq, C3);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, scale, ds, T, q, C3,
                        0.0f, dk, C3);
        }
}

/* ------------------------------------------------------------------------------------------ */
/* GELU, tanh approximation */

#define GELU_K 0.7978845608028654f /* sqrt(2/pi) */

void gelu_forward(float *out, const float *inp, int n)
{
    for (int i = 0; i < n; i++) {
        float x = inp[i];
        out[i] = 0.5f * x * (1.0f + nt_tanhf(GELU_K * (x + 0.044715f * x * x * x)));
    }
}

void gelu_backward(float *dinp, const float *inp, const float *dout, int n)
{
    for (int i = 0; i < n; i++) {
        float x = inp[i];
        float u = GELU_K * (x + 0.044715f * x * x * x);
        float th = nt_tanhf(u);
        /* d/dx [0.5 x (1 + tanh u)] = 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) du/dx */
        float du = GELU_K * (1.0f + 3.0f * 0.044715f * x * x);
        dinp[i] = dout[i] * (0.5f * (1.0f + th) + 0.5f * x * (1.0f - th * th) * du);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Softmax + cross-entropy */

double crossentropy_forward(float *probs, float *losses, const float *logits,
                            const int32_t *targets, int N, int V)
{
    double total = 0;
    for (int n = 0; n < N; n++) {
        const float *l = logits + (size_t)n * V;
        float *p = probs + (size_t)n * V;
        float mx = l[0];
        for (int i = 1; i < V; i++) mx = l[i] > mx ? l[i] : mx;
        float sum = 0;
        for (int i = 0; i < V; i++) {
            p[i] = nt_expf(l[i] - mx);
            sum += p[i];
        }
        float inv = 1.0f / sum;
        for (int i = 0; i < V; i++) p[i] *= inv;
        /* -ln p_target = ln sum_i e^(l_i - mx) - (l_target - mx) */
        if (targets) {
            float loss = logf(sum) - (l[targets[n]] - mx);
            if (losses) losses[n] = loss;
            total += loss;
        }
    }
    return N > 0 ? total / N : 0.0;
}

void crossentropy_backward(float *dlogits, const float *probs, const int32_t *targets,
                           float scale, int N, int V)
{
    for (int n = 0; n < N; n++) {
        const float *p = probs + (size_t)n * V;
        float *d = dlogits + (size_t)n * V;
        for (int i = 0; i < V; i++) d[i] = p[i] * scale;
        d[targets[n]] -= scale;
    }
}
