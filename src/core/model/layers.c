/* layers.c - forward and backward of each GPT-2 layer. See layers.h for shapes and ranges. */
#include "core/model/layers.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "core/base/fastmath.h"

/* LayerNorm backward keeps a row of xhat and of dout * w on the stack up to this width. */
#define LAYERNORM_MAX_C 4096

/* ------------------------------------------------------------------------------------------ */
/* Embeddings */

NT_SIMD_CLONES
void encoder_forward(float *out, const int32_t *ids, const float *wte, const float *wpe, int T,
                     int C, int n0, int n1)
{
    for (int n = n0; n < n1; n++) {
        float *o = out + (size_t)n * C;
        const float *te = wte + (size_t)ids[n] * C, *pe = wpe + (size_t)(n % T) * C;
        for (int i = 0; i < C; i++) o[i] = te[i] + pe[i];
    }
}

NT_SIMD_CLONES
void encoder_backward(float *dwte, float *dwpe, const float *dout, const int32_t *ids, int N,
                      int T, int C, int c0, int c1)
{
    for (int n = 0; n < N; n++) {
        const float *d = dout + (size_t)n * C;
        float *dte = dwte + (size_t)ids[n] * C, *dpe = dwpe + (size_t)(n % T) * C;
        for (int i = c0; i < c1; i++) {
            dte[i] += d[i];
            dpe[i] += d[i];
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* LayerNorm */

NT_SIMD_CLONES
void layernorm_forward(float *out, float *mean, float *rstd, const float *inp, const float *w,
                       const float *b, int C, int n0, int n1)
{
    for (int n = n0; n < n1; n++) {
        const float *restrict x = inp + (size_t)n * C;
        float *restrict o = out + (size_t)n * C;
        /* Two passes (mean, then variance about it) rather than E[x^2] - E[x]^2, which cancels
         * badly when the mean is large next to the spread. o holds x - m in between. */
        float m = nt_sum(x, C) / C;
        for (int i = 0; i < C; i++) o[i] = x[i] - m;
        float s = 1.0f / sqrtf(nt_dot(o, o, C) / C + 1e-5f);
        for (int i = 0; i < C; i++) o[i] = o[i] * s * w[i] + b[i];
        mean[n] = m;
        rstd[n] = s;
    }
}

NT_SIMD_CLONES
void layernorm_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                        const float *w, const float *mean, const float *rstd, int C, int n0, int n1)
{
    float xhat[LAYERNORM_MAX_C], g[LAYERNORM_MAX_C];
    for (int n = n0; n < n1; n++) {
        const float *restrict x = inp + (size_t)n * C, *restrict d = dout + (size_t)n * C;
        float *restrict dx = dinp + (size_t)n * C;
        const float m = mean[n], s = rstd[n];
        /* With xhat = (x - m) s and g = dout * w:
         * dx = s (g - mean(g) - xhat mean(g xhat)); dw += dout xhat; db += dout.
         * Rows wider than the stack buffers go in column blocks (the sums need whole rows, so
         * those take the slow path: recompute per block). */
        if (C <= LAYERNORM_MAX_C) {
            for (int i = 0; i < C; i++) {
                xhat[i] = (x[i] - m) * s;
                g[i] = d[i] * w[i];
            }
            float gmean = nt_sum(g, C) / C, gxmean = nt_dot(g, xhat, C) / C;
            for (int i = 0; i < C; i++) {
                db[i] += d[i];
                dw[i] += d[i] * xhat[i];
                dx[i] += (g[i] - gmean - xhat[i] * gxmean) * s;
            }
        } else {
            float gmean = 0, gxmean = 0;
            for (int i = 0; i < C; i++) {
                float xh = (x[i] - m) * s, gi = d[i] * w[i];
                gmean += gi;
                gxmean += gi * xh;
            }
            gmean /= C;
            gxmean /= C;
            for (int i = 0; i < C; i++) {
                float xh = (x[i] - m) * s, gi = d[i] * w[i];
                db[i] += d[i];
                dw[i] += d[i] * xh;
                dx[i] += (gi - gmean - xh * gxmean) * s;
            }
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Linear layers: nearly all the arithmetic, all of it in cblas_sgemm but a single row's */

/* One row of matmul_forward: out[o] = [out[o] +] bias[o] + w[o] . x for o in [o0, o1) - the
 * decoding of one token, bound by reading w once. A row at a time, as one stream (four rows at
 * once, four streams, read 15 % slower here), in two sets of 16 partial sums so that the adds
 * do not wait on each other; x stays in L1. The partial sums are combined in a fixed tree, so a
 * row's value depends neither on how the rows are split between threads nor on the vector
 * width. sgemv streamed w no faster on one core, and on two its threads woke per call. */
NT_SIMD_CLONES
void matvec_forward(float *out, const float *x, const float *w, const float *bias, int C, int OC,
                    int accumulate, int o0, int o1)
{
    (void)OC;
    enum { L = NT_LANES };
    for (int o = o0; o < o1; o++) {
        const float *restrict wo = w + (size_t)o * C;
        float a[L] = {0}, b[L] = {0};
        int c = 0;
        for (; c + 2 * L <= C; c += 2 * L)
            for (int k = 0; k < L; k++) {
                a[k] += wo[c + k] * x[c + k];
                b[k] += wo[c + L + k] * x[c + L + k];
            }
        for (int k = 0; k < L; k++) a[k] += b[k];
        for (; c + L <= C; c += L)
            for (int k = 0; k < L; k++) a[k] += wo[c + k] * x[c + k];
        for (int k = 0; k < L / 2; k++) a[k] += a[k + L / 2];
        for (int k = 0; k < L / 4; k++) a[k] += a[k + L / 4];
        for (int k = 0; k < L / 8; k++) a[k] += a[k + L / 8];
        float s = a[0] + a[1];
        for (; c < C; c++) s += wo[c] * x[c];
        float base = accumulate ? out[o] : 0.0f;
        if (bias) base += bias[o];
        out[o] = base + s;
    }
}

void matmul_forward(float *out, const float *inp, const float *w, const float *bias, int C,
                    int OC, int accumulate, int n0, int n1)
{
    if (n1 <= n0) return;
    out += (size_t)n0 * OC;
    inp += (size_t)n0 * C;
    const int N = n1 - n0;
    /* One row is a matrix-vector product: streamed once, where sgemm would first pack w (the
     * decoding of one token reached a third of its bound through sgemm). */
    if (N == 1) {
        matvec_forward(out, inp, w, bias, C, OC, accumulate, 0, OC);
        return;
    }
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

void matmul_backward_input(float *dinp, const float *dout, const float *w, int C, int OC,
                           int accumulate, int n0, int n1)
{
    if (n1 <= n0) return;
    /* dinp (N,C) = dout (N,OC) @ w (OC,C) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n1 - n0, C, OC, 1.0f,
                dout + (size_t)n0 * OC, OC, w, C, accumulate ? 1.0f : 0.0f, dinp + (size_t)n0 * C, C);
}

void matmul_backward_weight(float *dw, float *dbias, const float *dout, const float *inp, int N,
                            int C, int OC, int accumulate, int o0, int o1)
{
    if (o1 <= o0) return;
    /* dw[o0:o1] (O,C) [+]= dout[:, o0:o1]^T (O,N) @ inp (N,C); the column slice of dout is read
     * in place with its row stride OC. */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, o1 - o0, C, N, 1.0f, dout + o0, OC, inp, C,
                accumulate ? 1.0f : 0.0f, dw + (size_t)o0 * C, C);
    if (dbias && !accumulate) memset(dbias + o0, 0, sizeof(float) * (size_t)(o1 - o0));
    if (dbias)
        for (int n = 0; n < N; n++) {
            const float *d = dout + (size_t)n * OC;
            for (int i = o0; i < o1; i++) dbias[i] += d[i];
        }
}

/* ------------------------------------------------------------------------------------------ */
/* Causal self-attention */

/* The rows of the attention products go in blocks of this many (see attention_head_forward):
 * smaller blocks skip more of the masked triangle, larger ones keep sgemm efficient. */
#define ATT_BLOCK 32

/* row[0 .. k) = softmax(row[0 .. k)), row[k .. P) = 0 */
NT_SIMD_CLONES
static void causal_softmax_row(float *row, int k, int P)
{
    float mx = nt_max(row, k);
    for (int j = 0; j < k; j++) row[j] = nt_expf(row[j] - mx);
    float inv = 1.0f / nt_sum(row, k);
    for (int j = 0; j < k; j++) row[j] *= inv;
    for (int j = k; j < P; j++) row[j] = 0.0f;
}

/* ds = a * (ds - sum(a * ds)) over row[0 .. k), zero after: the softmax's backward */
NT_SIMD_CLONES
static void causal_softmax_backward_row(float *restrict ds, const float *restrict a, int k, int P)
{
    float dot = nt_dot(a, ds, k);
    for (int j = 0; j < k; j++) ds[j] = a[j] * (ds[j] - dot);
    for (int j = k; j < P; j++) ds[j] = 0.0f;
}

void attention_head_forward(float *out, int ldo, float *a, const float *q, int ldq,
                            const float *k, const float *v, int ldkv, int n, int p0, int hs)
{
    const int P = p0 + n;
    const float scale = 1.0f / sqrtf((float)hs);
    /* Row i sees keys 0 .. p0+i only: the rows go in blocks of ATT_BLOCK, each block's products
     * over the keys its last row sees, so the masked triangle above them is mostly not computed
     * (at T = 128, 5/8 of the square). q, k, v are read in place with their row strides. */
    for (int i0 = 0; i0 < n; i0 += ATT_BLOCK) {
        const int i1 = i0 + ATT_BLOCK < n ? i0 + ATT_BLOCK : n, K = p0 + i1;
        float *ab = a + (size_t)i0 * P;
        /* a[i0:i1, 0:K] = scale * q[i0:i1] (m,hs) @ k[0:K]^T (hs,K) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, i1 - i0, K, hs, scale, q + (size_t)i0 * ldq, ldq, k, ldkv,
                    0.0f, ab, P);
        /* softmax of row i over the keys up to its own position p0+i; the future gets 0 */
        for (int i = i0; i < i1; i++) causal_softmax_row(a + (size_t)i * P, p0 + i + 1, P);
        /* out[i0:i1] (m,hs) = a[i0:i1, 0:K] (m,K) @ v[0:K] (K,hs) */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, i1 - i0, hs, K, 1.0f, ab, P, v, ldkv, 0.0f,
                    out + (size_t)i0 * ldo, ldo);
    }
}

/* out (HS) = a (P) @ v (P,HS) (rows ldv apart), every component's sum held in registers over
 * all of j (at most 64 floats: four vectors), each row of v read once. HS is a constant where
 * it is inlined, so that the compiler can keep the sums out of memory. */
static inline void attention_values(float *restrict out, const float *restrict a, const float *restrict v,
                                    int ldv, int P, const int HS)
{
    float acc[64] = {0};
    for (int j = 0; j < P; j++) {
        const float aj = a[j], *restrict vj = v + (size_t)j * ldv;
        /* the rows come from memory (a long context's keys and values do not stay in the
         * caches from one token to the next): each line of the row 16 ahead */
        for (int d = 0; d < HS; d += 16) NT_PREFETCH(vj + 16 * ldv + d);
        for (int d = 0; d < HS; d++) acc[d] += aj * vj[d];
    }
    for (int d = 0; d < HS; d++) out[d] = acc[d];
}

/* One row over the cache: a (P) = softmax(scale * q (hs) @ k^T), out (hs) = a (P) @ v (P,hs).
 * The keys come in tiles of ATT_KEY_TILE positions stored by column (layers.h), so the scores of
 * a tile are ATT_KEY_TILE sums side by side: one vector, from one contiguous block, each sum over
 * d in a fixed order whatever the vector width (two sets, even and odd d, so that each add does
 * not wait for the last). Lanes past P read keys not yet written and are dropped. */
NT_SIMD_CLONES
static void attention_cached_row(float *restrict out, float *restrict a, const float *restrict q,
                                 const float *restrict kt, const float *restrict v, int P, int hs, float scale)
{
    enum { B = ATT_KEY_TILE };
    const size_t tile_stride = (size_t)hs * B;
    /* Each tile's rows are fetched two tiles ahead (below); the first two, and the first rows of
     * v, are asked for at once here rather than waited for one line at a time. */
    for (int d = 0; d < 2 * hs; d++) NT_PREFETCH(kt + (size_t)d * B);
    for (int j = 0; j < 16 && j < P; j++)
        for (int d = 0; d < hs; d += 16) NT_PREFETCH(v + (size_t)j * hs + d);
    for (int j0 = 0; j0 < P; j0 += B) {
        const float *restrict t = kt + (size_t)(j0 / B) * tile_stride;
        float e[B] = {0}, o[B] = {0};
        int d = 0;
        for (; d + 2 <= hs; d += 2) {
            NT_PREFETCH(t + 2 * tile_stride + d * B); /* a row of the tile after next */
            for (int jj = 0; jj < B; jj++) {
                e[jj] += q[d] * t[d * B + jj];
                o[jj] += q[d + 1] * t[(d + 1) * B + jj];
            }
        }
        for (; d < hs; d++)
            for (int jj = 0; jj < B; jj++) e[jj] += q[d] * t[d * B + jj];
        const int m = P - j0 < B ? P - j0 : B;
        for (int jj = 0; jj < m; jj++) a[j0 + jj] = scale * (e[jj] + o[jj]);
    }
    causal_softmax_row(a, P, P);
    /* GPT-2's heads are 64 wide (124M and up) or narrower, and get the constant; the rest go
     * in pieces of 64 */
    if (hs == 64) attention_values(out, a, v, 64, P, 64);
    else if (hs == 32) attention_values(out, a, v, 32, P, 32);
    else
        for (int d0 = 0; d0 < hs; d0 += 64) attention_values(out + d0, a, v + d0, hs, P, hs - d0 < 64 ? hs - d0 : 64);
}

void attention_cache_append(float *kt, float *v, const float *k_new, const float *v_new, int pos, int hs)
{
    float *t = kt + (size_t)(pos / ATT_KEY_TILE) * hs * ATT_KEY_TILE + pos % ATT_KEY_TILE;
    /* a component in each of hs lines: ask for them all before writing, not one at a time */
    for (int d = 0; d < hs; d++) NT_PREFETCH_W(t + (size_t)d * ATT_KEY_TILE);
    for (int d = 0; d < hs; d++) t[(size_t)d * ATT_KEY_TILE] = k_new[d];
    memcpy(v + (size_t)pos * hs, v_new, sizeof(float) * hs);
}

void attention_cached_forward(float *out, int ldo, float *a, const float *q, int ldq, const float *kt,
                              const float *v, int n, int p0, int hs)
{
    const int P = p0 + n;
    const float scale = 1.0f / sqrtf((float)hs);
    /* Row i sees the keys up to its own position p0+i; the rest of its row of a is 0. */
    for (int i = 0; i < n; i++) {
        float *ai = a + (size_t)i * P;
        attention_cached_row(out + (size_t)i * ldo, ai, q + (size_t)i * ldq, kt, v, p0 + i + 1, hs, scale);
        for (int j = p0 + i + 1; j < P; j++) ai[j] = 0.0f;
    }
}

void attention_forward(float *out, float *att, const float *qkv, int T, int C, int NH, int bh0,
                       int bh1)
{
    const int hs = C / NH, C3 = 3 * C;
    for (int bh = bh0; bh < bh1; bh++) {
        int b = bh / NH, h = bh % NH;
        const float *q = qkv + (size_t)b * T * C3 + h * hs;
        attention_head_forward(out + (size_t)b * T * C + h * hs, C, att + (size_t)bh * T * T, q, C3,
                               q + C, q + 2 * C, C3, T, 0, hs);
    }
}

void attention_backward(float *dqkv, float *dscratch, const float *dout, const float *qkv,
                        const float *att, int T, int C, int NH, int bh0, int bh1)
{
    const int hs = C / NH, C3 = 3 * C;
    const float scale = 1.0f / sqrtf((float)hs);
    float *ds = dscratch; /* (T,T) */
    for (int bh = bh0; bh < bh1; bh++) {
        int b = bh / NH, h = bh % NH;
        const float *q = qkv + (size_t)b * T * C3 + h * hs, *k = q + C, *v = q + 2 * C;
        float *dq = dqkv + (size_t)b * T * C3 + h * hs, *dk = dq + C, *dv = dq + 2 * C;
        const float *a = att + (size_t)bh * T * T;
        const float *dy = dout + (size_t)b * T * C + h * hs;
        /* The forward's blocks again: a and ds are zero above the diagonal, so each row block
         * [i0, i1) needs the keys before i1, and each key block [j0, j1) the rows from j0. The
         * entries between the diagonal and a block's edge are zeros that are computed. */
        for (int i0 = 0; i0 < T; i0 += ATT_BLOCK) {
            const int i1 = i0 + ATT_BLOCK < T ? i0 + ATT_BLOCK : T;
            float *dsb = ds + (size_t)i0 * T;
            /* da[i0:i1, 0:i1] = dy[i0:i1] (m,hs) @ v[0:i1]^T (hs,i1) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, i1 - i0, i1, hs, 1.0f, dy + (size_t)i0 * C, C, v, C3, 0.0f,
                        dsb, T);
            /* through the softmax: ds_tj = a_tj (da_tj - sum_k a_tk da_tk), zero after t up to i1 */
            for (int t = i0; t < i1; t++) causal_softmax_backward_row(ds + (size_t)t * T, a + (size_t)t * T, t + 1, i1);
            /* dq[i0:i1] (m,hs) = scale * ds[i0:i1, 0:i1] (m,i1) @ k[0:i1] (i1,hs) */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, i1 - i0, hs, i1, scale, dsb, T, k, C3, 0.0f,
                        dq + (size_t)i0 * C3, C3);
        }
        for (int j0 = 0; j0 < T; j0 += ATT_BLOCK) {
            const int j1 = j0 + ATT_BLOCK < T ? j0 + ATT_BLOCK : T;
            /* dv[j0:j1] (m,hs) = a[j0:T, j0:j1]^T (m,T-j0) @ dy[j0:T] (T-j0,hs) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, j1 - j0, hs, T - j0, 1.0f, a + (size_t)j0 * T + j0, T,
                        dy + (size_t)j0 * C, C, 0.0f, dv + (size_t)j0 * C3, C3);
            /* dk[j0:j1] (m,hs) = scale * ds[j0:T, j0:j1]^T (m,T-j0) @ q[j0:T] (T-j0,hs) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, j1 - j0, hs, T - j0, scale, ds + (size_t)j0 * T + j0, T,
                        q + (size_t)j0 * C3, C3, 0.0f, dk + (size_t)j0 * C3, C3);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* GELU, tanh approximation */

#define GELU_K 0.7978845608028654f /* sqrt(2/pi) */

/* 0.5 x (1 + tanh u) is x * sigmoid(2u): one exponential and one division, and no tanh, whose
 * 1 - 2/(e^2u + 1) form would lose precision near 0. */
NT_SIMD_CLONES
void gelu_forward(float *out, const float *inp, long i0, long i1)
{
    for (long i = i0; i < i1; i++) {
        float x = inp[i];
        float u = GELU_K * (x + 0.044715f * x * x * x);
        out[i] = x * nt_sigmoidf(2.0f * u);
    }
}

NT_SIMD_CLONES
void gelu_backward(float *dinp, const float *inp, const float *dout, long i0, long i1)
{
    for (long i = i0; i < i1; i++) {
        float x = inp[i];
        float u = GELU_K * (x + 0.044715f * x * x * x);
        float s = nt_sigmoidf(2.0f * u);
        /* d/dx [x s(2u)] = s + x * 2 s (1 - s) du/dx, du/dx = K (1 + 3 * 0.044715 x^2) */
        float du = GELU_K * (1.0f + 3.0f * 0.044715f * x * x);
        dinp[i] = dout[i] * (s + 2.0f * x * s * (1.0f - s) * du);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Softmax + cross-entropy */

NT_SIMD_CLONES
void crossentropy_forward(float *probs, float *losses, const float *logits,
                          const int32_t *targets, int V, int n0, int n1)
{
    for (int n = n0; n < n1; n++) {
        const float *restrict l = logits + (size_t)n * V;
        float *restrict p = probs + (size_t)n * V;
        float mx = nt_max(l, V);
        for (int i = 0; i < V; i++) p[i] = nt_expf(l[i] - mx);
        float sum = nt_sum(p, V);
        float inv = 1.0f / sum;
        for (int i = 0; i < V; i++) p[i] *= inv;
        /* -ln p_target = ln sum_i e^(l_i - mx) - (l_target - mx) */
        if (targets && losses) losses[n] = logf(sum) - (l[targets[n]] - mx);
    }
}

NT_SIMD_CLONES
void crossentropy_backward(float *dlogits, const float *probs, const int32_t *targets,
                           float scale, int V, int n0, int n1)
{
    for (int n = n0; n < n1; n++) {
        const float *p = probs + (size_t)n * V;
        float *d = dlogits + (size_t)n * V;
        for (int i = 0; i < V; i++) d[i] = p[i] * scale;
        d[targets[n]] -= scale;
    }
}
