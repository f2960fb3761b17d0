/* Every layer's backward against finite differences of its forward, the whole model's too, the
 * vectorised exp against libm, and the thread-split layers against the serial ones. */
#include "testutil.h"

#include "core/base/fastmath.h"
#include "core/base/parallel.h"
#include "core/base/rng.h"
#include "core/model/gpt2.h"
#include "core/model/layers.h"
#include "core/model/layers_parallel.h"

static Rng rng;

static float *randn(size_t n, double scale)
{
    float *x = malloc(sizeof(float) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) x[i] = (float)(rng_normal(&rng) * scale);
    return x;
}

static float *zeros(size_t n) { return calloc(n ? n : 1, sizeof(float)); }

/* The objective of a check: L = sum_i out_i * R_i, summed in double, so that dL/dout = R. */
static double dotd(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

/* Compares an analytic gradient with central differences of f over every element of x:
 * the 2-norm of the difference within tol of the gradient's own 2-norm. The differences are of
 * float arithmetic, good to about 1e-4 here; tol is 1e-3 unless a gradient is so small that
 * rounding dominates. */
typedef double (*Objective)(void *ctx);
static int check_grad_tol(const char *what, float *x, size_t n, const float *analytic, Objective f,
                          void *ctx, double tol)
{
    const float eps = 1e-2f;
    double en = 0, an = 0;
    for (size_t i = 0; i < n; i++) {
        float keep = x[i];
        x[i] = keep + eps;
        double up = f(ctx);
        x[i] = keep - eps;
        double down = f(ctx);
        x[i] = keep;
        double num = (up - down) / (2 * eps);
        en += (num - analytic[i]) * (num - analytic[i]);
        an += (double)analytic[i] * analytic[i];
    }
    double rel = sqrt(en) / (sqrt(an) + 1e-12);
    if (rel > tol) {
        print_error("%s: analytic and numerical gradients differ by %.3g (relative)\n", what, rel);
        return 0;
    }
    return an > 0; /* an all-zero gradient would make the check vacuous */
}

static int check_grad(const char *what, float *x, size_t n, const float *analytic, Objective f, void *ctx)
{
    return check_grad_tol(what, x, n, analytic, f, ctx, 1e-3);
}

/* ---- layernorm ---- */

typedef struct {
    int N, C;
    float *out, *mean, *rstd, *inp, *w, *b, *R;
} LnCtx;

static double ln_obj(void *p)
{
    LnCtx *c = p;
    layernorm_forward(c->out, c->mean, c->rstd, c->inp, c->w, c->b, c->C, 0, c->N);
    return dotd(c->out, c->R, (size_t)c->N * c->C);
}

static void test_layernorm(void **state)
{
    (void)state;
    int N = 6, C = 37; /* not a multiple of the 16 lanes: the tails are exercised too */
    LnCtx c = {N, C, zeros(N * C), zeros(N), zeros(N), randn(N * C, 2.0), randn(C, 1.0), randn(C, 1.0), randn(N * C, 1.0)};
    for (int i = 0; i < N * C; i++) c.inp[i] += 3.0f; /* an offset mean, as real activations have */
    float *dinp = zeros(N * C), *dw = zeros(C), *db = zeros(C);
    ln_obj(&c);
    layernorm_backward(dinp, dw, db, c.R, c.inp, c.w, c.mean, c.rstd, C, 0, N);
    assert_true(check_grad("layernorm dinp", c.inp, N * C, dinp, ln_obj, &c));
    assert_true(check_grad("layernorm dw", c.w, C, dw, ln_obj, &c));
    assert_true(check_grad("layernorm db", c.b, C, db, ln_obj, &c));
    /* The statistics themselves */
    for (int n = 0; n < N; n++) {
        double m = 0, v = 0;
        for (int i = 0; i < C; i++) m += c.inp[n * C + i];
        m /= C;
        for (int i = 0; i < C; i++) v += (c.inp[n * C + i] - m) * (c.inp[n * C + i] - m);
        v /= C;
        assert_true(fabs(c.mean[n] - m) < 1e-5 * (1 + fabs(m)));
        assert_true(fabs(c.rstd[n] - 1 / sqrt(v + 1e-5)) < 1e-5 / sqrt(v));
    }
    free(c.out), free(c.mean), free(c.rstd), free(c.inp), free(c.w), free(c.b), free(c.R);
    free(dinp), free(dw), free(db);
}

/* ---- matmul ---- */

typedef struct {
    int N, C, OC;
    float *out, *inp, *w, *bias, *R, *resid;
} MmCtx;

static double mm_obj(void *p)
{
    MmCtx *c = p;
    memcpy(c->out, c->resid, sizeof(float) * c->N * c->OC);
    matmul_forward(c->out, c->inp, c->w, c->bias, c->C, c->OC, 1, 0, c->N);
    return dotd(c->out, c->R, (size_t)c->N * c->OC);
}

static void test_matmul(void **state)
{
    (void)state;
    int N = 7, C = 9, OC = 11;
    MmCtx c = {N, C, OC, zeros(N * OC), randn(N * C, 1), randn(OC * C, 1), randn(OC, 1), randn(N * OC, 1), randn(N * OC, 1)};
    float *dinp = randn(N * C, 1), *dinp0 = malloc(sizeof(float) * N * C), *dw = randn(OC * C, 1), *db = randn(OC, 1);
    float *dw0 = malloc(sizeof(float) * OC * C), *db0 = malloc(sizeof(float) * OC);
    memcpy(dinp0, dinp, sizeof(float) * N * C);
    memcpy(dw0, dw, sizeof(float) * OC * C), memcpy(db0, db, sizeof(float) * OC);
    /* accumulate mode: dinp must come out as dinp0 + gradient */
    matmul_backward_input(dinp, c.R, c.w, C, OC, 1, 0, N);
    for (int i = 0; i < N * C; i++) dinp[i] -= dinp0[i];
    /* the weight gradient in two column blocks, as two threads would do it: the first written
     * over what was there, the second added to it (taken off again to check) */
    matmul_backward_weight(dw, db, c.R, c.inp, N, C, OC, 0, 0, 5);
    matmul_backward_weight(dw, db, c.R, c.inp, N, C, OC, 1, 5, OC);
    for (int i = 5 * C; i < OC * C; i++) dw[i] -= dw0[i];
    for (int i = 5; i < OC; i++) db[i] -= db0[i];
    free(dw0), free(db0);
    assert_true(check_grad("matmul dinp", c.inp, N * C, dinp, mm_obj, &c));
    assert_true(check_grad("matmul dw", c.w, OC * C, dw, mm_obj, &c));
    assert_true(check_grad("matmul dbias", c.bias, OC, db, mm_obj, &c));
    /* the residual passes straight through: d/dresid = R */
    assert_true(check_grad("matmul residual", c.resid, N * OC, c.R, mm_obj, &c));
    free(c.out), free(c.inp), free(c.w), free(c.bias), free(c.R), free(c.resid);
    free(dinp), free(dinp0), free(dw), free(db);
}

/* One row (decoding): matvec_forward against double precision, with a bias and added to what
 * is there, at widths with and without a tail past the vector lanes; split by outputs in any
 * way, and across a pool, every output the same bit for bit. */
static void check_matvec(int C, int OC)
{
    float *w = randn((size_t)OC * C, 1), *x = randn(C, 1), *bias = randn(OC, 1), *base = randn(OC, 1);
    float *out = malloc(sizeof(float) * OC), *split = malloc(sizeof(float) * OC), *pooled = malloc(sizeof(float) * OC);
    double *want = malloc(sizeof(double) * OC);
    for (int o = 0; o < OC; o++) {
        double s = base[o] + (double)bias[o];
        for (int c = 0; c < C; c++) s += (double)w[(size_t)o * C + c] * x[c];
        want[o] = s;
    }
    memcpy(out, base, sizeof(float) * OC);
    matvec_forward(out, x, w, bias, C, OC, 1, 0, OC);
    assert_true(close_rel("matvec", out, want, OC, 1e-5));
    memcpy(split, base, sizeof(float) * OC);
    matvec_forward(split, x, w, bias, C, OC, 1, OC / 3, OC);
    matvec_forward(split, x, w, bias, C, OC, 1, 0, OC / 3);
    assert_memory_equal(out, split, sizeof(float) * OC);
    /* matmul_forward of one row is the same product; par_matmul_forward splits its outputs */
    Err e;
    ParPool *pool = par_create(3, &e);
    assert_non_null(pool);
    memcpy(pooled, base, sizeof(float) * OC);
    par_matmul_forward(pool, pooled, x, w, bias, 1, C, OC, 1);
    assert_memory_equal(out, pooled, sizeof(float) * OC);
    matmul_forward(pooled, x, w, NULL, C, OC, 0, 0, 1);
    for (int o = 0; o < OC; o++) want[o] -= base[o] + (double)bias[o];
    assert_true(close_rel("matvec, no bias, overwritten", pooled, want, OC, 1e-5));
    par_free(pool);
    free(w), free(x), free(bias), free(base), free(out), free(split), free(pooled), free(want);
}

static void test_matvec(void **state)
{
    (void)state;
    check_matvec(53, 37); /* 32 + 16 + 5: every path of a row */
    check_matvec(96, 70);
    check_matvec(7, 3);
}

/* ---- attention ---- */

typedef struct {
    int B, T, C, NH;
    float *out, *att, *qkv, *R;
} AttCtx;

static double att_obj(void *p)
{
    AttCtx *c = p;
    attention_forward(c->out, c->att, c->qkv, c->T, c->C, c->NH, 0, c->B * c->NH);
    return dotd(c->out, c->R, (size_t)c->B * c->T * c->C);
}

/* One shape: causality, the output against a plain double-precision attention, and the
 * gradient against finite differences. */
static void check_attention(int B, int T, int C, int NH)
{
    AttCtx c = {B, T, C, NH, zeros(B * T * C), zeros(B * NH * T * T), randn(B * T * 3 * C, 1), randn(B * T * C, 1)};
    float *dqkv = zeros(B * T * 3 * C), *scratch = zeros(T * T);
    att_obj(&c);
    /* Causality: every row of att sums to 1 over j <= t and is 0 beyond. */
    for (int bh = 0; bh < B * NH; bh++)
        for (int t = 0; t < T; t++) {
            double s = 0;
            for (int j = 0; j < T; j++) {
                float a = c.att[(bh * T + t) * T + j];
                if (j > t) assert_true(a == 0.0f);
                s += a;
            }
            assert_true(fabs(s - 1) < 1e-5);
        }
    /* out[b,t,h] = sum_j softmax_j(q_t . k_j / sqrt(hs)) v_j, j <= t */
    const int hs = C / NH;
    double *w = malloc(sizeof(double) * T), worst = 0;
    for (int b = 0; b < B; b++)
        for (int h = 0; h < NH; h++)
            for (int t = 0; t < T; t++) {
                const float *q = c.qkv + ((size_t)b * T + t) * 3 * C + h * hs;
                double mx = -1e300, sum = 0;
                for (int j = 0; j <= t; j++) {
                    const float *k = c.qkv + ((size_t)b * T + j) * 3 * C + C + h * hs;
                    w[j] = 0;
                    for (int i = 0; i < hs; i++) w[j] += (double)q[i] * k[i];
                    w[j] /= sqrt((double)hs);
                    if (w[j] > mx) mx = w[j];
                }
                for (int j = 0; j <= t; j++) sum += w[j] = exp(w[j] - mx);
                for (int i = 0; i < hs; i++) {
                    double o = 0;
                    for (int j = 0; j <= t; j++) o += w[j] / sum * c.qkv[((size_t)b * T + j) * 3 * C + 2 * C + h * hs + i];
                    worst = fmax(worst, fabs(o - c.out[((size_t)b * T + t) * C + h * hs + i]));
                }
            }
    assert_true(worst < 1e-5);
    attention_backward(dqkv, scratch, c.R, c.qkv, c.att, T, C, NH, 0, B * NH);
    assert_true(check_grad("attention dqkv", c.qkv, B * T * 3 * C, dqkv, att_obj, &c));
    free(w);
    free(c.out), free(c.att), free(c.qkv), free(c.R), free(dqkv), free(scratch);
}

/* A context shorter than a block of rows, and one of two blocks and a part (layers.c computes
 * the products block by block, leaving out most of the masked triangle). */
static void test_attention(void **state)
{
    (void)state;
    check_attention(2, 5, 12, 3);
    check_attention(1, 70, 8, 2);
}

/* The cache's attention (keys in tiles by column) against the training attention on the same
 * q, k, v: a row at a time after p0 cached positions, and several rows at once; at head sizes
 * with a path of their own (32 and 64: GPT-2's) and without (8, 80). */
static void check_attention_cached(int hs)
{
    const int NH = 2, C = NH * hs, T = 40, p0 = 21, n = 5, P = p0 + n;
    const size_t tile_stride = (size_t)hs * ATT_KEY_TILE, head_stride = att_key_positions(T) * hs;
    float *qkv = randn((size_t)P * 3 * C, 1), *kt = zeros((size_t)NH * head_stride), *v = zeros((size_t)NH * T * hs);
    for (int j = 0; j < P; j++)
        for (int c = 0; c < C; c++) {
            kt[(c / hs) * head_stride + (size_t)(j / ATT_KEY_TILE) * tile_stride + (size_t)(c % hs) * ATT_KEY_TILE + j % ATT_KEY_TILE] =
                qkv[(size_t)j * 3 * C + C + c];
            v[((size_t)(c / hs) * T + j) * hs + c % hs] = qkv[(size_t)j * 3 * C + 2 * C + c];
        }
    float *want = zeros((size_t)n * C), *want_a = zeros((size_t)n * P), *got = zeros((size_t)n * C), *got_a = zeros((size_t)n * P);
    for (int h = 0; h < NH; h++) {
        const float *q = qkv + (size_t)p0 * 3 * C + h * hs;
        attention_head_forward(want + h * hs, C, want_a, q, 3 * C, qkv + C + h * hs, qkv + 2 * C + h * hs, 3 * C, n, p0, hs);
        attention_cached_forward(got + h * hs, C, got_a, q, 3 * C, kt + h * head_stride, v + (size_t)h * T * hs, n, p0, hs);
        double *wa = malloc(sizeof(double) * n * P);
        for (int i = 0; i < n * P; i++) wa[i] = want_a[i];
        assert_true(close_rel("cached attention weights", got_a, wa, (size_t)n * P, 1e-5));
        for (int i = 0; i < n; i++) /* the future is exactly 0 */
            for (int j = p0 + i + 1; j < P; j++) assert_true(got_a[(size_t)i * P + j] == 0.0f);
        free(wa);
    }
    double *wo = malloc(sizeof(double) * n * C);
    for (int i = 0; i < n * C; i++) wo[i] = want[i];
    assert_true(close_rel("cached attention output", got, wo, (size_t)n * C, 1e-5));
    /* The heads in parallel, one row, into a cache of the positions before it: each head appends
     * its key and value where they belong, then attends as one head at a time does. */
    Err e;
    ParPool *pool = par_create(2, &e);
    float *row = zeros(C), *row_a = zeros((size_t)NH * P);
    float *kt2 = zeros((size_t)NH * head_stride), *v2 = zeros((size_t)NH * T * hs);
    for (int h = 0; h < NH; h++)
        for (int j = 0; j < P - 1; j++) {
            const float *k_jh = qkv + (size_t)j * 3 * C + C + h * hs;
            attention_cache_append(kt2 + h * head_stride, v2 + (size_t)h * T * hs, k_jh, k_jh + C, j, hs);
        }
    const float *last = qkv + (size_t)(P - 1) * 3 * C;
    par_attention_row(pool, row, row_a, P, last, 3 * C, last + C, last + 2 * C, kt2, v2, T, P, NH, hs);
    assert_memory_equal(kt2, kt, sizeof(float) * NH * head_stride);
    assert_memory_equal(v2, v, sizeof(float) * NH * T * hs);
    free(kt2), free(v2);
    for (int h = 0; h < NH; h++) {
        float one[80], a1[64];
        attention_cached_forward(one, 0, a1, qkv + (size_t)(P - 1) * 3 * C + h * hs, 3 * C, kt + h * head_stride,
                                 v + (size_t)h * T * hs, 1, P - 1, hs);
        assert_memory_equal(one, row + h * hs, sizeof(float) * hs);
        assert_memory_equal(a1, row_a + (size_t)h * P, sizeof(float) * P);
    }
    par_free(pool);
    free(wo), free(row), free(row_a);
    free(qkv), free(kt), free(v), free(want), free(want_a), free(got), free(got_a);
}

static void test_attention_cached(void **state)
{
    (void)state;
    check_attention_cached(8);
    check_attention_cached(32);
    check_attention_cached(64);
    check_attention_cached(80);
}

/* ---- gelu ---- */

typedef struct {
    long n;
    float *out, *inp, *R;
} GeluCtx;

static double gelu_obj(void *p)
{
    GeluCtx *c = p;
    gelu_forward(c->out, c->inp, 0, c->n);
    return dotd(c->out, c->R, (size_t)c->n);
}

static void test_gelu(void **state)
{
    (void)state;
    long n = 200;
    GeluCtx c = {n, zeros(n), randn(n, 3), randn(n, 1)};
    float *d = zeros(n);
    gelu_backward(d, c.inp, c.R, 0, n);
    assert_true(check_grad("gelu", c.inp, n, d, gelu_obj, &c));
    /* Against the formula in double */
    gelu_obj(&c);
    for (long i = 0; i < n; i++) {
        double x = c.inp[i], want = 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
        assert_true(fabs(c.out[i] - want) <= 1e-6 * (1 + fabs(want)));
    }
    free(c.out), free(c.inp), free(c.R), free(d);
}

/* ---- cross-entropy ---- */

typedef struct {
    int N, V;
    float *probs, *losses, *logits;
    int32_t *targets;
} XentCtx;

static double xent_obj(void *p)
{
    XentCtx *c = p;
    crossentropy_forward(c->probs, c->losses, c->logits, c->targets, c->V, 0, c->N);
    double s = 0;
    for (int n = 0; n < c->N; n++) s += c->losses[n];
    return s / c->N;
}

static void test_crossentropy(void **state)
{
    (void)state;
    int N = 5, V = 19;
    XentCtx c = {N, V, zeros(N * V), zeros(N), randn(N * V, 2), malloc(sizeof(int32_t) * N)};
    for (int n = 0; n < N; n++) c.targets[n] = (int32_t)rng_below(&rng, (uint64_t)V);
    float *d = zeros(N * V);
    xent_obj(&c);
    crossentropy_backward(d, c.probs, c.targets, 1.0f / N, V, 0, N);
    assert_true(check_grad("cross-entropy dlogits", c.logits, N * V, d, xent_obj, &c));
    /* A tiny probability keeps an accurate loss: logits 0 and -80 */
    float l2[2] = {0, -80}, p2[2], loss;
    int32_t t = 1;
    crossentropy_forward(p2, &loss, l2, &t, 2, 0, 1);
    assert_true(fabs(loss - 80.0) < 1e-4);
    free(c.probs), free(c.losses), free(c.logits), free(c.targets), free(d);
}

/* ---- embedding ---- */

typedef struct {
    int N, T, C;
    float *out, *wte, *wpe, *R;
    int32_t *ids;
} EncCtx;

static double enc_obj(void *p)
{
    EncCtx *c = p;
    encoder_forward(c->out, c->ids, c->wte, c->wpe, c->T, c->C, 0, c->N);
    return dotd(c->out, c->R, (size_t)c->N * c->C);
}

static void test_encoder(void **state)
{
    (void)state;
    int B = 2, T = 4, C = 6, V = 5, N = B * T;
    EncCtx c = {N, T, C, zeros(N * C), randn(V * C, 1), randn(T * C, 1), randn(N * C, 1), malloc(sizeof(int32_t) * N)};
    for (int n = 0; n < N; n++) c.ids[n] = n % 3; /* repeated tokens: their gradients add up */
    float *dwte = zeros(V * C), *dwpe = zeros(T * C);
    encoder_backward(dwte, dwpe, c.R, c.ids, N, T, C, 0, 3);
    encoder_backward(dwte, dwpe, c.R, c.ids, N, T, C, 3, C);
    assert_true(check_grad("embedding dwte", c.wte, V * C, dwte, enc_obj, &c));
    assert_true(check_grad("embedding dwpe", c.wpe, T * C, dwpe, enc_obj, &c));
    free(c.out), free(c.wte), free(c.wpe), free(c.R), free(c.ids), free(dwte), free(dwpe);
}

/* ---- the whole model ---- */

typedef struct {
    GPT2 *m;
    GPT2Work *w;
    int32_t *x, *y;
    int B, T;
} ModelCtx;

static double model_obj(void *p)
{
    ModelCtx *c = p;
    return gpt2_forward(c->m, c->w, c->x, c->y, c->B, c->T);
}

/* A small model for the whole-model gradient checks: GPT-2's initialisation plus larger random
 * weights, so every path carries a visible gradient. */
static void gradient_check_model(GPT2 *m, const GPT2Config *cfg)
{
    Err e;
    assert_int_equal(gpt2_create(m, cfg, &e), 0);
    gpt2_init_random(m, &rng);
    for (size_t i = 0; i < m->n_params; i++) m->params[i] += (float)(rng_normal(&rng) * 0.3);
}

static void test_model_gradient(void **state)
{
    (void)state;
    GPT2Config cfg = {.n_layer = 2, .n_head = 2, .n_embd = 8, .n_ctx = 6, .n_vocab = 13};
    GPT2 m;
    GPT2Work w;
    Err e;
    gradient_check_model(&m, &cfg);
    int B = 2, T = 5;
    assert_int_equal(gpt2_work_create(&w, &m, B, cfg.n_ctx, 1, NULL, &e), 0);
    int32_t x[10], y[10];
    for (int i = 0; i < B * T; i++) x[i] = (int32_t)rng_below(&rng, 13), y[i] = (int32_t)rng_below(&rng, 13);
    ModelCtx c = {&m, &w, x, y, B, T};
    model_obj(&c);
    gpt2_backward(&m, &w);
    float *g = malloc(sizeof(float) * m.n_params);
    memcpy(g, w.grads, sizeof(float) * m.n_params);
    size_t sizes[GPT2_NUM_TENSORS], off = 0;
    gpt2_tensor_sizes(&cfg, sizes);
    for (int t = 0; t < GPT2_NUM_TENSORS; t++) {
        if (t == GPT2_QKVB) {
            /* The key bias has a zero gradient by construction (softmax ignores a constant per
             * row): check the query and value biases of each layer instead. */
            for (int l = 0; l < cfg.n_layer; l++) {
                size_t base = off + (size_t)l * 3 * cfg.n_embd;
                /* The query bias's gradient is small here (about 1e-3 per element), so float
                 * rounding in the differences is a larger share of it. */
                assert_true(check_grad_tol("model query bias", m.params + base, cfg.n_embd, g + base, model_obj, &c, 2e-2));
                assert_true(check_grad("model value bias", m.params + base + 2 * cfg.n_embd, cfg.n_embd,
                                       g + base + 2 * cfg.n_embd, model_obj, &c));
            }
        } else {
            char what[64];
            snprintf(what, sizeof what, "model %s", gpt2_tensor_names[t]);
            assert_true(check_grad(what, m.params + off, sizes[t], g + off, model_obj, &c));
        }
        off += sizes[t];
    }
    free(g);
    gpt2_work_free(&w);
    gpt2_free(&m);
}

/* One position's loss alone (loss_weights = onehot): what the Loss panel's one step uses. */
typedef struct {
    GPT2 *m;
    GPT2Work *w;
    int32_t *x, *y;
    int T, pos;
} OneCtx;

static double one_obj(void *p)
{
    OneCtx *c = p;
    gpt2_forward(c->m, c->w, c->x, c->y, 1, c->T);
    return c->w->losses[c->pos];
}

static void test_one_position_gradient(void **state)
{
    (void)state;
    GPT2Config cfg = {.n_layer = 1, .n_head = 2, .n_embd = 8, .n_ctx = 6, .n_vocab = 11};
    GPT2 m;
    GPT2Work w;
    Err e;
    gradient_check_model(&m, &cfg);
    assert_int_equal(gpt2_work_create(&w, &m, 1, 6, 1, NULL, &e), 0);
    int32_t x[6], y[6];
    for (int i = 0; i < 6; i++) x[i] = (int32_t)rng_below(&rng, 11), y[i] = (int32_t)rng_below(&rng, 11);
    float weights[6] = {0, 0, 0, 1, 0, 0};
    OneCtx c = {&m, &w, x, y, 6, 3};
    one_obj(&c);
    w.loss_weights = weights;
    gpt2_backward(&m, &w);
    w.loss_weights = NULL;
    float *g = malloc(sizeof(float) * m.n_params);
    memcpy(g, w.grads, sizeof(float) * m.n_params);
    /* positions after 3 cannot affect it (causal), so their embeddings' rows get nothing */
    size_t s[GPT2_NUM_TENSORS];
    gpt2_tensor_sizes(&cfg, s);
    const float *dwpe = g + s[GPT2_WTE];
    for (int i = 4 * cfg.n_embd; i < 6 * cfg.n_embd; i++) assert_true(dwpe[i] == 0.0f);
    assert_true(check_grad("one position's loss", m.params, m.n_params, g, one_obj, &c));
    free(g);
    gpt2_work_free(&w);
    gpt2_free(&m);
}

/* ---- threads ---- */

static void test_threads_match_serial(void **state)
{
    (void)state;
    GPT2Config cfg = {.n_layer = 2, .n_head = 4, .n_embd = 64, .n_ctx = 32, .n_vocab = 300};
    GPT2 m;
    GPT2Work serial, split, split2;
    Err e;
    assert_int_equal(gpt2_create(&m, &cfg, &e), 0);
    gpt2_init_random(&m, &rng);
    ParPool *pool = par_create(3, &e);
    assert_non_null(pool);
    int B = 3, T = 32;
    assert_int_equal(gpt2_work_create(&serial, &m, B, T, 1, NULL, &e), 0);
    assert_int_equal(gpt2_work_create(&split, &m, B, T, 1, pool, &e), 0);
    assert_int_equal(gpt2_work_create(&split2, &m, B, T, 1, pool, &e), 0);
    int32_t *x = malloc(sizeof(int32_t) * B * T * 2), *y = x + B * T;
    for (int i = 0; i < 2 * B * T; i++) x[i] = (int32_t)rng_below(&rng, 300);
    double l1 = gpt2_forward(&m, &serial, x, y, B, T), l2 = gpt2_forward(&m, &split, x, y, B, T);
    double l3 = gpt2_forward(&m, &split2, x, y, B, T);
    gpt2_backward(&m, &serial);
    gpt2_backward(&m, &split);
    gpt2_backward(&m, &split2);
    assert_true(fabs(l1 - l2) < 1e-6 * l1);
    double *want = malloc(sizeof(double) * m.n_params);
    for (size_t i = 0; i < m.n_params; i++) want[i] = serial.grads[i];
    assert_true(close_rel("3-thread gradients vs 1-thread", split.grads, want, m.n_params, 1e-5));
    /* The same thread count twice: bit for bit. */
    assert_true(l2 == l3);
    assert_memory_equal(split.grads, split2.grads, sizeof(float) * m.n_params);
    free(want), free(x);
    gpt2_work_free(&serial), gpt2_work_free(&split), gpt2_work_free(&split2);
    par_free(pool);
    gpt2_free(&m);
}

static void test_par_range(void **state)
{
    (void)state;
    for (size_t n = 0; n < 100; n += 7)
        for (int parts = 1; parts <= 5; parts++)
            for (size_t align = 1; align <= 16; align *= 4) {
                size_t expect = 0;
                for (int p = 0; p < parts; p++) {
                    size_t lo, hi;
                    par_range(n, p, parts, align, &lo, &hi);
                    assert_int_equal(lo, expect); /* contiguous, in order, covering [0, n) */
                    assert_true(hi >= lo);
                    if (hi < n) assert_int_equal(hi % align, 0);
                    expect = hi;
                }
                assert_int_equal(expect, n);
            }
}

/* ---- the vectorised exponential ---- */

static void test_fast_exp(void **state)
{
    (void)state;
    double worst = 0;
    for (double x = -87.0; x <= 88.0; x += 0.001) {
        float fx = (float)x;
        double want = exp((double)fx), got = nt_expf(fx);
        double rel = fabs(got - want) / want;
        if (rel > worst) worst = rel;
    }
    assert_true(worst < 3e-7); /* a few units in the last place of a float */
    assert_true(nt_expf(-1000.0f) == 0.0f);
    assert_true(isinf(nt_expf(1000.0f)));
    assert_true(isnan(nt_expf(NAN)));
    assert_true(nt_expf(-INFINITY) == 0.0f);
    assert_true(nt_expf(0.0f) == 1.0f);
    float v[37];
    for (int i = 0; i < 37; i++) v[i] = (float)i - 18.5f;
    double s = 0, d = 0;
    for (int i = 0; i < 37; i++) s += v[i], d += (double)v[i] * v[i];
    assert_true(fabs(nt_sum(v, 37) - s) < 1e-4);
    assert_true(fabs(nt_dot(v, v, 37) - d) < 1e-3);
    assert_true(nt_max(v, 37) == 17.5f);
}

int main(void)
{
    rng_seed(&rng, 2024);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layernorm),  cmocka_unit_test(test_matmul), cmocka_unit_test(test_matvec),
        cmocka_unit_test(test_attention_cached),
        cmocka_unit_test(test_attention),  cmocka_unit_test(test_gelu),
        cmocka_unit_test(test_crossentropy), cmocka_unit_test(test_encoder),
        cmocka_unit_test(test_model_gradient), cmocka_unit_test(test_one_position_gradient),
        cmocka_unit_test(test_threads_match_serial),
        cmocka_unit_test(test_par_range),  cmocka_unit_test(test_fast_exp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
