/* layers_parallel.c - the layers, split across a pool. See layers_parallel.h. */
#include "core/model/layers_parallel.h"

#include <string.h>

#include "core/model/layers.h"

/* Element-wise splits fall on 16-float (64-byte) boundaries so that two threads never write the
 * same cache line. */
#define ALIGN_FLOATS 16

static void range(long n, int part, int nparts, long align, int *lo, int *hi)
{
    size_t a, b;
    par_range((size_t)n, part, nparts, (size_t)align, &a, &b);
    *lo = (int)a, *hi = (int)b;
}

/* ---- embedding ---- */

typedef struct {
    float *out, *dwte, *dwpe;
    const float *wte, *wpe, *dout;
    const int32_t *ids;
    int N, T, C;
} EncJob;

static void enc_fwd_part(void *ctx, int part, int nparts)
{
    EncJob *j = ctx;
    int lo, hi;
    range(j->N, part, nparts, 1, &lo, &hi);
    encoder_forward(j->out, j->ids, j->wte, j->wpe, j->T, j->C, lo, hi);
}

static void enc_bwd_part(void *ctx, int part, int nparts)
{
    EncJob *j = ctx;
    int lo, hi;
    range(j->C, part, nparts, ALIGN_FLOATS, &lo, &hi);
    encoder_backward(j->dwte, j->dwpe, j->dout, j->ids, j->N, j->T, j->C, lo, hi);
}

void par_encoder_forward(ParPool *p, float *out, const int32_t *ids, const float *wte,
                         const float *wpe, int N, int T, int C)
{
    EncJob j = {.out = out, .ids = ids, .wte = wte, .wpe = wpe, .N = N, .T = T, .C = C};
    par_run(p, enc_fwd_part, &j);
}

void par_encoder_backward(ParPool *p, float *dwte, float *dwpe, const float *dout,
                          const int32_t *ids, int N, int T, int C)
{
    EncJob j = {.dwte = dwte, .dwpe = dwpe, .dout = dout, .ids = ids, .N = N, .T = T, .C = C};
    par_run(p, enc_bwd_part, &j);
}

/* ---- layernorm ---- */

typedef struct {
    float *out, *mean, *rstd, *dinp, *partial;
    const float *inp, *w, *b, *dout, *cmean, *crstd;
    int N, C;
} LnJob;

static void ln_fwd_part(void *ctx, int part, int nparts)
{
    LnJob *j = ctx;
    int lo, hi;
    range(j->N, part, nparts, 1, &lo, &hi);
    layernorm_forward(j->out, j->mean, j->rstd, j->inp, j->w, j->b, j->C, lo, hi);
}

static void ln_bwd_part(void *ctx, int part, int nparts)
{
    LnJob *j = ctx;
    int lo, hi;
    range(j->N, part, nparts, 1, &lo, &hi);
    float *dw = j->partial + (size_t)part * 2 * j->C, *db = dw + j->C;
    memset(dw, 0, sizeof(float) * 2 * j->C);
    layernorm_backward(j->dinp, dw, db, j->dout, j->inp, j->w, j->cmean, j->crstd, j->C, lo, hi);
}

void par_layernorm_forward(ParPool *p, float *out, float *mean, float *rstd, const float *inp,
                           const float *w, const float *b, int N, int C)
{
    LnJob j = {.out = out, .mean = mean, .rstd = rstd, .inp = inp, .w = w, .b = b, .N = N, .C = C};
    par_run(p, ln_fwd_part, &j);
}

void par_layernorm_backward(ParPool *p, float *dinp, float *dw, float *db, const float *dout,
                            const float *inp, const float *w, const float *mean,
                            const float *rstd, int N, int C, float *partial)
{
    LnJob j = {.dinp = dinp, .partial = partial, .dout = dout, .inp = inp, .w = w, .cmean = mean,
               .crstd = rstd, .N = N, .C = C};
    par_run(p, ln_bwd_part, &j);
    /* Gather the parts' dw and db in part order, the first over what was there. */
    for (int k = 0; k < par_threads(p); k++) {
        const float *pw = partial + (size_t)k * 2 * C, *pb = pw + C;
        if (k == 0) {
            memcpy(dw, pw, sizeof(float) * C);
            memcpy(db, pb, sizeof(float) * C);
            continue;
        }
        for (int i = 0; i < C; i++) {
            dw[i] += pw[i];
            db[i] += pb[i];
        }
    }
}

/* ---- matmul ---- */

typedef struct {
    float *out, *dinp, *dw, *dbias;
    const float *inp, *w, *bias, *dout;
    int N, C, OC, accumulate;
} MmJob;

static void mm_fwd_part(void *ctx, int part, int nparts)
{
    MmJob *j = ctx;
    int lo, hi;
    if (j->N == 1) { /* one row (decoding): split its outputs, on cache-line boundaries */
        range(j->OC, part, nparts, ALIGN_FLOATS, &lo, &hi);
        matvec_forward(j->out, j->inp, j->w, j->bias, j->C, j->OC, j->accumulate, lo, hi);
        return;
    }
    range(j->N, part, nparts, 1, &lo, &hi);
    matmul_forward(j->out, j->inp, j->w, j->bias, j->C, j->OC, j->accumulate, lo, hi);
}

static void mm_bwd_part(void *ctx, int part, int nparts)
{
    MmJob *j = ctx;
    int lo, hi;
    if (j->dinp) {
        range(j->N, part, nparts, 1, &lo, &hi);
        matmul_backward_input(j->dinp, j->dout, j->w, j->C, j->OC, j->accumulate, lo, hi);
    }
    range(j->OC, part, nparts, ALIGN_FLOATS, &lo, &hi);
    matmul_backward_weight(j->dw, j->dbias, j->dout, j->inp, j->N, j->C, j->OC, 0 /* written, not added */, lo, hi);
}

void par_matmul_forward(ParPool *p, float *out, const float *inp, const float *w,
                        const float *bias, int N, int C, int OC, int accumulate)
{
    MmJob j = {.out = out, .inp = inp, .w = w, .bias = bias, .N = N, .C = C, .OC = OC, .accumulate = accumulate};
    par_run(p, mm_fwd_part, &j);
}

void par_matmul_backward(ParPool *p, float *dinp, float *dw, float *dbias, const float *dout,
                         const float *inp, const float *w, int N, int C, int OC, int accumulate_dinp)
{
    MmJob j = {.dinp = dinp, .dw = dw, .dbias = dbias, .dout = dout, .inp = inp, .w = w, .N = N,
               .C = C, .OC = OC, .accumulate = accumulate_dinp};
    par_run(p, mm_bwd_part, &j);
}

/* ---- attention ---- */

typedef struct {
    float *out, *att, *dqkv, *dscratch;
    const float *qkv, *dout, *catt;
    int B, T, C, NH;
} AttJob;

static void att_fwd_part(void *ctx, int part, int nparts)
{
    AttJob *j = ctx;
    int lo, hi;
    range(j->B * j->NH, part, nparts, 1, &lo, &hi);
    attention_forward(j->out, j->att, j->qkv, j->T, j->C, j->NH, lo, hi);
}

static void att_bwd_part(void *ctx, int part, int nparts)
{
    AttJob *j = ctx;
    int lo, hi;
    range(j->B * j->NH, part, nparts, 1, &lo, &hi);
    attention_backward(j->dqkv, j->dscratch + (size_t)part * j->T * j->T, j->dout, j->qkv, j->catt,
                       j->T, j->C, j->NH, lo, hi);
}

void par_attention_forward(ParPool *p, float *out, float *att, const float *qkv, int B, int T,
                           int C, int NH)
{
    AttJob j = {.out = out, .att = att, .qkv = qkv, .B = B, .T = T, .C = C, .NH = NH};
    par_run(p, att_fwd_part, &j);
}

typedef struct {
    float *out, *a, *kt, *v;
    const float *q, *k_new, *v_new;
    size_t a_stride, T_tiles;
    int ldq, T, P, NH, hs;
} AttRowJob;

static void att_row_part(void *ctx, int part, int nparts)
{
    AttRowJob *j = ctx;
    int lo, hi;
    range(j->NH, part, nparts, 1, &lo, &hi);
    for (int h = lo; h < hi; h++) {
        float *kt = j->kt + (size_t)h * j->hs * j->T_tiles, *v = j->v + (size_t)h * j->T * j->hs;
        attention_cache_append(kt, v, j->k_new + h * j->hs, j->v_new + h * j->hs, j->P - 1, j->hs);
        attention_cached_forward(j->out + h * j->hs, 0, j->a + h * j->a_stride, j->q + h * j->hs, j->ldq, kt, v, 1,
                                 j->P - 1, j->hs);
    }
}

void par_attention_row(ParPool *p, float *out, float *a, size_t a_stride, const float *q, int ldq,
                       const float *k_new, const float *v_new, float *kt, float *v, int T, int P, int NH,
                       int hs)
{
    AttRowJob j = {.out = out, .a = a, .q = q, .k_new = k_new, .v_new = v_new, .kt = kt, .v = v, .a_stride = a_stride,
                   .T_tiles = att_key_positions((size_t)T),
                   .ldq = ldq, .T = T, .P = P, .NH = NH, .hs = hs};
    par_run(p, att_row_part, &j);
}

void par_attention_backward(ParPool *p, float *dqkv, float *dscratch, const float *dout,
                            const float *qkv, const float *att, int B, int T, int C, int NH)
{
    AttJob j = {.dqkv = dqkv, .dscratch = dscratch, .dout = dout, .qkv = qkv, .catt = att,
                .B = B, .T = T, .C = C, .NH = NH};
    par_run(p, att_bwd_part, &j);
}

/* ---- element-wise ---- */

typedef struct {
    float *out;
    const float *inp, *dout;
    long n;
} EwJob;

static void ew_range(const EwJob *j, int part, int nparts, long *lo, long *hi)
{
    size_t a, b;
    par_range((size_t)j->n, part, nparts, ALIGN_FLOATS, &a, &b);
    *lo = (long)a, *hi = (long)b;
}

static void gelu_fwd_part(void *ctx, int part, int nparts)
{
    EwJob *j = ctx;
    long lo, hi;
    ew_range(j, part, nparts, &lo, &hi);
    gelu_forward(j->out, j->inp, lo, hi);
}

static void gelu_bwd_part(void *ctx, int part, int nparts)
{
    EwJob *j = ctx;
    long lo, hi;
    ew_range(j, part, nparts, &lo, &hi);
    gelu_backward(j->out, j->inp, j->dout, lo, hi);
}

static void copy_part(void *ctx, int part, int nparts)
{
    EwJob *j = ctx;
    long lo, hi;
    ew_range(j, part, nparts, &lo, &hi);
    memcpy(j->out + lo, j->inp + lo, sizeof(float) * (size_t)(hi - lo));
}

void par_gelu_forward(ParPool *p, float *out, const float *inp, long n)
{
    EwJob j = {.out = out, .inp = inp, .n = n};
    par_run(p, gelu_fwd_part, &j);
}

void par_gelu_backward(ParPool *p, float *dinp, const float *inp, const float *dout, long n)
{
    EwJob j = {.out = dinp, .inp = inp, .dout = dout, .n = n};
    par_run(p, gelu_bwd_part, &j);
}

void par_copy(ParPool *p, float *dst, const float *src, long n)
{
    EwJob j = {.out = dst, .inp = src, .n = n};
    par_run(p, copy_part, &j);
}

/* ---- softmax + cross-entropy ---- */

typedef struct {
    float *probs, *losses, *dlogits;
    const float *logits, *cprobs;
    const int32_t *targets;
    float scale;
    int N, V;
} XentJob;

static void xent_fwd_part(void *ctx, int part, int nparts)
{
    XentJob *j = ctx;
    int lo, hi;
    range(j->N, part, nparts, 1, &lo, &hi);
    crossentropy_forward(j->probs, j->losses, j->logits, j->targets, j->V, lo, hi);
}

static void xent_bwd_part(void *ctx, int part, int nparts)
{
    XentJob *j = ctx;
    int lo, hi;
    range(j->N, part, nparts, 1, &lo, &hi);
    crossentropy_backward(j->dlogits, j->cprobs, j->targets, j->scale, j->V, lo, hi);
}

double par_crossentropy_forward(ParPool *p, float *probs, float *losses, const float *logits,
                                const int32_t *targets, int N, int V)
{
    XentJob j = {.probs = probs, .losses = losses, .logits = logits, .targets = targets, .N = N, .V = V};
    par_run(p, xent_fwd_part, &j);
    if (!targets || !losses || N == 0) return 0.0;
    double sum = 0;
    for (int n = 0; n < N; n++) sum += losses[n];
    return sum / N;
}

void par_crossentropy_backward(ParPool *p, float *dlogits, const float *probs,
                               const int32_t *targets, float scale, int N, int V)
{
    XentJob j = {.dlogits = dlogits, .cprobs = probs, .targets = targets, .scale = scale, .N = N, .V = V};
    par_run(p, xent_bwd_part, &j);
}
