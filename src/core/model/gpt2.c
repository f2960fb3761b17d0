/* gpt2.c - GPT-2 forward, backward and cached inference. See gpt2.h. */
#include "core/model/gpt2.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/bigmem.h"
#include "core/base/clock.h"
#include "core/base/i18n.h"
#include "core/model/layers.h"
#include "core/model/layers_parallel.h"
#include "core/text/tokenizer.h"

/* ------------------------------------------------------------------------------------------ */
/* Configs and presets */

static const struct {
    const char *name;
    int n_layer, n_head, n_embd, n_ctx;
} presets[] = {
    {"tiny", 2, 2, 64, 64},
    {"small", 4, 4, 128, 128},
    {"base", 6, 6, 192, 128},
};

int gpt2_preset(const char *name, GPT2Config *cfg, Err *e)
{
    const size_t n = sizeof presets / sizeof presets[0];
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, presets[i].name) == 0) {
            cfg->n_layer = presets[i].n_layer;
            cfg->n_head = presets[i].n_head;
            cfg->n_embd = presets[i].n_embd;
            cfg->n_ctx = presets[i].n_ctx;
            return 0;
        }
    /* "unknown preset 'x' (tiny, small or base)": the names from the table */
    char names[128] = "";
    size_t at = 0;
    for (size_t i = 0; i < n && at < sizeof names; i++)
        at += (size_t)snprintf(names + at, sizeof names - at, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ", presets[i].name);
    return err_input(e, _("unknown preset '%s' (%s)"), name, names);
}

const char *gpt2_preset_name(int i)
{
    return i >= 0 && i < (int)(sizeof presets / sizeof presets[0]) ? presets[i].name : NULL;
}

const char *gpt2_preset_of(const GPT2Config *cfg)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (cfg->n_layer == presets[i].n_layer && cfg->n_head == presets[i].n_head
            && cfg->n_embd == presets[i].n_embd && cfg->n_ctx == presets[i].n_ctx)
            return presets[i].name;
    return NULL;
}

/* The whole model below 2^33 floats, besides the limits of each size (gpt2.h). */
#define GPT2_MAX_PARAMS (1ULL << 33)

int gpt2_config_check(const GPT2Config *c, Err *e)
{
    if (c->n_layer < 1 || c->n_layer > GPT2_MAX_LAYER)
        return err_input(e, _("layers must be between 1 and %d (got %d)"), GPT2_MAX_LAYER, c->n_layer);
    if (c->n_embd < 1 || c->n_embd > GPT2_MAX_EMBD)
        return err_input(e, _("width must be between 1 and %d (got %d)"), GPT2_MAX_EMBD, c->n_embd);
    if (c->n_head < 1 || c->n_head > c->n_embd)
        return err_input(e, _("heads must be between 1 and the width %d (got %d)"), c->n_embd, c->n_head);
    if (c->n_embd % c->n_head != 0)
        return err_input(e, _("heads (%d) must divide the width (%d)"), c->n_head, c->n_embd);
    if (c->n_ctx < 2 || c->n_ctx > GPT2_MAX_CTX)
        return err_input(e, _("context must be between 2 and %d (got %d)"), GPT2_MAX_CTX, c->n_ctx);
    if (c->n_vocab < 2 || c->n_vocab > TOKENIZER_MAX_VOCAB)
        return err_input(e, _("vocabulary must be between 2 and %d (got %d)"), TOKENIZER_MAX_VOCAB, c->n_vocab);
    if ((unsigned long long)gpt2_param_count(c) > GPT2_MAX_PARAMS)
        return err_input(e, _("model too large (%zu parameters)"), gpt2_param_count(c));
    return 0;
}

const char *const gpt2_tensor_names[GPT2_NUM_TENSORS] = {
    "wte", "wpe", "ln1w", "ln1b", "qkvw", "qkvb", "attprojw", "attprojb",
    "ln2w", "ln2b", "fcw", "fcb", "fcprojw", "fcprojb", "lnfw", "lnfb",
};
const int gpt2_tensor_is_matrix[GPT2_NUM_TENSORS] = {1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0};

void gpt2_tensor_sizes(const GPT2Config *cfg, size_t s[GPT2_NUM_TENSORS])
{
    size_t L = cfg->n_layer, C = cfg->n_embd, V = cfg->n_vocab, T = cfg->n_ctx;
    s[GPT2_WTE] = V * C;
    s[GPT2_WPE] = T * C;
    s[GPT2_LN1W] = L * C;
    s[GPT2_LN1B] = L * C;
    s[GPT2_QKVW] = L * 3 * C * C;
    s[GPT2_QKVB] = L * 3 * C;
    s[GPT2_ATTPROJW] = L * C * C;
    s[GPT2_ATTPROJB] = L * C;
    s[GPT2_LN2W] = L * C;
    s[GPT2_LN2B] = L * C;
    s[GPT2_FCW] = L * 4 * C * C;
    s[GPT2_FCB] = L * 4 * C;
    s[GPT2_FCPROJW] = L * C * 4 * C;
    s[GPT2_FCPROJB] = L * C;
    s[GPT2_LNFW] = C;
    s[GPT2_LNFB] = C;
}

size_t gpt2_param_count(const GPT2Config *cfg)
{
    size_t s[GPT2_NUM_TENSORS], n = 0;
    gpt2_tensor_sizes(cfg, s);
    for (int i = 0; i < GPT2_NUM_TENSORS; i++) n += s[i];
    return n;
}

void gpt2_tensors_point(GPT2Tensors *ts, float *base, const GPT2Config *cfg)
{
    size_t s[GPT2_NUM_TENSORS];
    gpt2_tensor_sizes(cfg, s);
    for (int i = 0; i < GPT2_NUM_TENSORS; i++) {
        ts->t[i] = base;
        base += s[i];
    }
}

int gpt2_create(GPT2 *m, const GPT2Config *cfg, Err *e)
{
    memset(m, 0, sizeof *m);
    if (gpt2_config_check(cfg, e)) return -1;
    m->cfg = *cfg;
    m->n_params = gpt2_param_count(cfg);
    m->params = bigmem_alloc(m->n_params * sizeof(float));
    if (!m->params) return err_nomem(e, N_("model weights"), m->n_params * sizeof(float));
    gpt2_tensors_point(&m->w, m->params, cfg);
    return 0;
}

void gpt2_init_random(GPT2 *m, Rng *rng)
{
    size_t s[GPT2_NUM_TENSORS];
    gpt2_tensor_sizes(&m->cfg, s);
    float resid_std = 0.02f / sqrtf(2.0f * m->cfg.n_layer);
    for (int i = 0; i < GPT2_NUM_TENSORS; i++) {
        float *t = m->w.t[i];
        if (i == GPT2_LN1W || i == GPT2_LN2W || i == GPT2_LNFW) {
            for (size_t j = 0; j < s[i]; j++) t[j] = 1.0f;
        } else if (gpt2_tensor_is_matrix[i]) {
            float std = (i == GPT2_ATTPROJW || i == GPT2_FCPROJW) ? resid_std : 0.02f;
            for (size_t j = 0; j < s[i]; j++) t[j] = (float)(rng_normal(rng) * std);
        } else {
            memset(t, 0, s[i] * sizeof(float));
        }
    }
}

void gpt2_free(GPT2 *m)
{
    bigmem_free(m->params);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------------------------------------ */
/* The work area. One table describes every array so that sizing and pointing cannot disagree. */

typedef struct {
    size_t count;   /* floats per layer (or in all, when not per layer) */
    int per_layer;  /* L deep when training */
    int training;   /* needed only when training */
} WorkArray;

static void work_layout(const GPT2Config *cfg, int B, int T, int training, int nparts, WorkArray a[],
                        float **ptrs[], GPT2Work *w)
{
    size_t N = (size_t)B * T, C = cfg->n_embd, V = cfg->n_vocab, NH = cfg->n_head;
    int i = 0;
#define ARR(field, n, layer, train) (a[i] = (WorkArray){(n), (layer), (train)}, ptrs[i++] = &w->field)
    ARR(encoded, N * C, 0, 0);
    ARR(ln1, N * C, 1, 0);
    ARR(ln1_mean, N, 1, 0);
    ARR(ln1_rstd, N, 1, 0);
    ARR(qkv, N * 3 * C, 1, 0);
    ARR(atty, N * C, 1, 0);
    ARR(att, (size_t)B * NH * T * T, 1, 0);
    ARR(res2, N * C, 1, 0);
    ARR(ln2, N * C, 1, 0);
    ARR(ln2_mean, N, 1, 0);
    ARR(ln2_rstd, N, 1, 0);
    ARR(fch, N * 4 * C, 1, 0);
    ARR(res3, N * C, 1, 0);
    ARR(gelu, N * 4 * C, 1, 0);
    ARR(lnf, N * C, 0, 0);
    ARR(lnf_mean, N, 0, 0);
    ARR(lnf_rstd, N, 0, 0);
    ARR(logits, N * V, 0, 0);
    ARR(probs, N * V, 0, 0);
    ARR(losses, N, 0, 0);
    ARR(dres, N * C, 0, 1);
    ARR(dln, N * C, 0, 1);
    ARR(dqkv, N * 3 * C, 0, 1);
    ARR(dfch, N * 4 * C, 0, 1);
    ARR(datt, (size_t)nparts * T * T, 0, 1);
    ARR(ln_partial, (size_t)nparts * 2 * C, 0, 1);
#undef ARR
    a[i] = (WorkArray){0, 0, 0};
    ptrs[i] = NULL;
    (void)training;
}

#define WORK_MAX_ARRAYS 32

static size_t work_floats(const GPT2Config *cfg, int B, int T, int training, int nparts)
{
    WorkArray a[WORK_MAX_ARRAYS];
    float **p[WORK_MAX_ARRAYS];
    GPT2Work dummy;
    work_layout(cfg, B, T, training, nparts, a, p, &dummy);
    size_t total = 0;
    for (int i = 0; p[i]; i++) {
        if (a[i].training && !training) continue;
        total += a[i].count * (a[i].per_layer && training ? (size_t)cfg->n_layer : 1);
    }
    return total;
}

size_t gpt2_work_bytes(const GPT2Config *cfg, int B, int T, int training, int nparts)
{
    size_t n = work_floats(cfg, B, T, training, nparts) * sizeof(float) + 2 * (size_t)B * T * sizeof(int32_t);
    if (training) n += gpt2_param_count(cfg) * sizeof(float);
    return n;
}

int gpt2_work_create(GPT2Work *w, const GPT2 *m, int B, int T, int training, ParPool *pool, Err *e)
{
    memset(w, 0, sizeof *w);
    const int nparts = par_threads(pool);
    w->pool = pool;
    if (B < 1 || T < 1 || T > m->cfg.n_ctx)
        return err_input(e, _("batch %dx%d does not fit a model with context %d"), B, T, m->cfg.n_ctx);
    w->B = B;
    w->T = T;
    w->training = training;
    WorkArray a[WORK_MAX_ARRAYS];
    float **p[WORK_MAX_ARRAYS];
    work_layout(&m->cfg, B, T, training, nparts, a, p, w);
    w->mem_floats = work_floats(&m->cfg, B, T, training, nparts);
    w->mem = malloc(w->mem_floats * sizeof(float));
    w->inputs = malloc(2 * (size_t)B * T * sizeof(int32_t));
    if (training) w->grads = malloc(m->n_params * sizeof(float));
    if (!w->mem || !w->inputs || (training && !w->grads)) {
        gpt2_work_free(w);
        return err_nomem(e, N_("activations"), gpt2_work_bytes(&m->cfg, B, T, training, nparts));
    }
    /* Touch every page now, so that the first step does not pay for the page faults and the
     * memory figure is honest from the start. */
    memset(w->mem, 0, w->mem_floats * sizeof(float));
    w->targets = w->inputs + (size_t)B * T;
    float *base = w->mem;
    for (int i = 0; p[i]; i++) {
        if (a[i].training && !training) {
            *p[i] = NULL;
            continue;
        }
        *p[i] = base;
        base += a[i].count * (a[i].per_layer && training ? (size_t)m->cfg.n_layer : 1);
    }
    if (training) {
        memset(w->grads, 0, m->n_params * sizeof(float));
        gpt2_tensors_point(&w->g, w->grads, &m->cfg);
    }
    return 0;
}

void gpt2_work_free(GPT2Work *w)
{
    free(w->mem);
    free(w->inputs);
    free(w->grads);
    memset(w, 0, sizeof *w);
}

/* ------------------------------------------------------------------------------------------ */
/* Forward and backward */

const char *const gpt2_prof_names[PROF_NUM] = {
    "embedding", "layernorm", "qkv matmul", "attention", "attn proj matmul", "fc matmul", "gelu",
    "fc proj matmul", "residual copy", "lm head matmul", "softmax+xent",
};

/* Runs `call`, adding its time to w->prof->dir[op] when profiling. */
#define TIMED(w, dir, op, call)                              \
    do {                                                     \
        if ((w)->prof) {                                     \
            double t0_ = clock_now();                         \
            call;                                            \
            (w)->prof->dir[op] += clock_now() - t0_;          \
        } else {                                             \
            call;                                            \
        }                                                    \
    } while (0)

/* The arrays of layer l: the l-th slab when training, the one shared slab otherwise. */
typedef struct {
    float *ln1, *ln1_mean, *ln1_rstd, *qkv, *atty, *att, *res2, *ln2, *ln2_mean, *ln2_rstd, *fch, *gelu, *res3;
} LayerActs;

static LayerActs layer_acts(const GPT2Work *w, const GPT2Config *cfg, int l)
{
    size_t N = (size_t)w->B * w->T, C = cfg->n_embd, NH = cfg->n_head;
    size_t k = w->training ? (size_t)l : 0;
    return (LayerActs){
        .ln1 = w->ln1 + k * N * C,
        .ln1_mean = w->ln1_mean + k * N,
        .ln1_rstd = w->ln1_rstd + k * N,
        .qkv = w->qkv + k * N * 3 * C,
        .atty = w->atty + k * N * C,
        .att = w->att + k * (size_t)w->B * NH * w->T * w->T,
        .res2 = w->res2 + k * N * C,
        .ln2 = w->ln2 + k * N * C,
        .ln2_mean = w->ln2_mean + k * N,
        .ln2_rstd = w->ln2_rstd + k * N,
        .fch = w->fch + k * N * 4 * C,
        .gelu = w->gelu + k * N * 4 * C,
        .res3 = w->res3 + k * N * C,
    };
}

/* The weights of layer l, as pointers into the stacked tensors. */
typedef struct {
    float *ln1w, *ln1b, *qkvw, *qkvb, *attprojw, *attprojb, *ln2w, *ln2b, *fcw, *fcb, *fcprojw, *fcprojb;
} LayerParams;

static LayerParams layer_params(const GPT2Tensors *t, const GPT2Config *cfg, int l)
{
    size_t C = cfg->n_embd;
    return (LayerParams){
        .ln1w = t->t[GPT2_LN1W] + l * C,
        .ln1b = t->t[GPT2_LN1B] + l * C,
        .qkvw = t->t[GPT2_QKVW] + l * 3 * C * C,
        .qkvb = t->t[GPT2_QKVB] + l * 3 * C,
        .attprojw = t->t[GPT2_ATTPROJW] + l * C * C,
        .attprojb = t->t[GPT2_ATTPROJB] + l * C,
        .ln2w = t->t[GPT2_LN2W] + l * C,
        .ln2b = t->t[GPT2_LN2B] + l * C,
        .fcw = t->t[GPT2_FCW] + l * 4 * C * C,
        .fcb = t->t[GPT2_FCB] + l * 4 * C,
        .fcprojw = t->t[GPT2_FCPROJW] + l * 4 * C * C,
        .fcprojb = t->t[GPT2_FCPROJB] + l * C,
    };
}

double gpt2_forward(const GPT2 *m, GPT2Work *w, const int32_t *inputs, const int32_t *targets,
                    int B, int T)
{
    const GPT2Config *cfg = &m->cfg;
    const int C = cfg->n_embd, NH = cfg->n_head, V = cfg->n_vocab, N = B * T;
    ParPool *pool = w->pool;
    w->cur_B = B;
    w->cur_T = T;
    memcpy(w->inputs, inputs, sizeof(int32_t) * N);
    if (targets) memcpy(w->targets, targets, sizeof(int32_t) * N);

    TIMED(w, fwd, PROF_EMBED, par_encoder_forward(pool, w->encoded, inputs, m->w.t[GPT2_WTE], m->w.t[GPT2_WPE], N, T, C));
    const float *residual = w->encoded; /* (N,C), the stream every block adds to */
    for (int l = 0; l < cfg->n_layer; l++) {
        LayerActs a = layer_acts(w, cfg, l);
        LayerParams p = layer_params(&m->w, cfg, l);
        /* res2 = residual + attproj(attention(ln1(residual))) */
        TIMED(w, fwd, PROF_LAYERNORM, par_layernorm_forward(pool, a.ln1, a.ln1_mean, a.ln1_rstd, residual, p.ln1w, p.ln1b, N, C));
        TIMED(w, fwd, PROF_QKV, par_matmul_forward(pool, a.qkv, a.ln1, p.qkvw, p.qkvb, N, C, 3 * C, 0));
        TIMED(w, fwd, PROF_ATTENTION, par_attention_forward(pool, a.atty, a.att, a.qkv, B, T, C, NH));
        TIMED(w, fwd, PROF_RESIDUAL, par_copy(pool, a.res2, residual, (long)N * C));
        TIMED(w, fwd, PROF_ATTPROJ, par_matmul_forward(pool, a.res2, a.atty, p.attprojw, p.attprojb, N, C, C, 1));
        /* res3 = res2 + fcproj(gelu(fc(ln2(res2)))) */
        TIMED(w, fwd, PROF_LAYERNORM, par_layernorm_forward(pool, a.ln2, a.ln2_mean, a.ln2_rstd, a.res2, p.ln2w, p.ln2b, N, C));
        TIMED(w, fwd, PROF_FC, par_matmul_forward(pool, a.fch, a.ln2, p.fcw, p.fcb, N, C, 4 * C, 0));
        TIMED(w, fwd, PROF_GELU, par_gelu_forward(pool, a.gelu, a.fch, (long)N * 4 * C));
        TIMED(w, fwd, PROF_RESIDUAL, par_copy(pool, a.res3, a.res2, (long)N * C));
        TIMED(w, fwd, PROF_FCPROJ, par_matmul_forward(pool, a.res3, a.gelu, p.fcprojw, p.fcprojb, N, 4 * C, C, 1));
        residual = a.res3;
    }
    TIMED(w, fwd, PROF_LAYERNORM, par_layernorm_forward(pool, w->lnf, w->lnf_mean, w->lnf_rstd, residual,
                                                        m->w.t[GPT2_LNFW], m->w.t[GPT2_LNFB], N, C));
    /* logits (N,V) = lnf (N,C) @ wte^T (C,V): the embedding matrix read backwards */
    TIMED(w, fwd, PROF_LMHEAD, par_matmul_forward(pool, w->logits, w->lnf, m->w.t[GPT2_WTE], NULL, N, C, V, 0));
    w->mean_loss = 0.0;
    if (targets)
        TIMED(w, fwd, PROF_SOFTMAX_XENT, w->mean_loss = par_crossentropy_forward(pool, w->probs, w->losses, w->logits, targets, N, V));
    return w->mean_loss;
}

void gpt2_backward(const GPT2 *m, GPT2Work *w)
{
    const GPT2Config *cfg = &m->cfg;
    const int B = w->cur_B, T = w->cur_T, C = cfg->n_embd, NH = cfg->n_head, V = cfg->n_vocab;
    const int N = B * T, L = cfg->n_layer;
    const GPT2Tensors *g = &w->g;
    ParPool *pool = w->pool;
    /* Every gradient is written, not added to, by the first layer that reaches it (the tied wte
     * by the head, then added to by the embedding): no pass zeroing them all first. The
     * position table is only added to, by the rows of this batch's positions. */
    memset(g->t[GPT2_WPE], 0, sizeof(float) * (size_t)cfg->n_ctx * C);

    /* Loss is the mean over N positions: d loss / d logits = (probs - onehot) / N, in place. */
    float *dlogits = w->probs;
    TIMED(w, bwd, PROF_SOFTMAX_XENT, par_crossentropy_backward(pool, dlogits, w->probs, w->targets, 1.0f / N, N, V));
    if (w->loss_weights) /* a weighted sum instead: rescale each row's (probs - onehot) */
        for (int n = 0; n < N; n++) {
            float f = w->loss_weights[n] * N;
            for (int v = 0; v < V; v++) dlogits[(size_t)n * V + v] *= f;
        }
    /* dlnf = dlogits @ wte; dwte += dlogits^T @ lnf (the tied weight's first gradient) */
    TIMED(w, bwd, PROF_LMHEAD, par_matmul_backward(pool, w->dln, g->t[GPT2_WTE], NULL, dlogits, w->lnf, m->w.t[GPT2_WTE], N, C, V, 0));
    const float *last = layer_acts(w, cfg, L - 1).res3;
    memset(w->dres, 0, sizeof(float) * N * C);
    TIMED(w, bwd, PROF_LAYERNORM, par_layernorm_backward(pool, w->dres, g->t[GPT2_LNFW], g->t[GPT2_LNFB], w->dln, last,
                                                         m->w.t[GPT2_LNFW], w->lnf_mean, w->lnf_rstd, N, C, w->ln_partial));

    /* dres holds d loss / d (residual stream) at the current depth, and every block's two
     * branches add into it on the way down. */
    for (int l = L - 1; l >= 0; l--) {
        LayerActs a = layer_acts(w, cfg, l);
        LayerParams p = layer_params(&m->w, cfg, l), dp = layer_params(g, cfg, l);
        const float *res_in = l == 0 ? w->encoded : layer_acts(w, cfg, l - 1).res3;
        /* MLP branch: res3 = res2 + fcproj(gelu(fch)). GELU's output is kept per layer (4C
         * floats a position, as llm.c keeps it): recomputing it here cost a tenth of the step's
         * element-wise time at `small`. */
        TIMED(w, bwd, PROF_FCPROJ, par_matmul_backward(pool, w->dfch, dp.fcprojw, dp.fcprojb, w->dres, a.gelu, p.fcprojw, N, 4 * C, C, 0));
        TIMED(w, bwd, PROF_GELU, par_gelu_backward(pool, w->dfch, a.fch, w->dfch, (long)N * 4 * C));
        TIMED(w, bwd, PROF_FC, par_matmul_backward(pool, w->dln, dp.fcw, dp.fcb, w->dfch, a.ln2, p.fcw, N, C, 4 * C, 0));
        TIMED(w, bwd, PROF_LAYERNORM, par_layernorm_backward(pool, w->dres, dp.ln2w, dp.ln2b, w->dln, a.res2, p.ln2w,
                                                             a.ln2_mean, a.ln2_rstd, N, C, w->ln_partial));
        /* Attention branch: res2 = res_in + attproj(attention(qkv(ln1(res_in)))) */
        TIMED(w, bwd, PROF_ATTPROJ, par_matmul_backward(pool, w->dln, dp.attprojw, dp.attprojb, w->dres, a.atty, p.attprojw, N, C, C, 0));
        TIMED(w, bwd, PROF_ATTENTION, par_attention_backward(pool, w->dqkv, w->datt, w->dln, a.qkv, a.att, B, T, C, NH));
        TIMED(w, bwd, PROF_QKV, par_matmul_backward(pool, w->dln, dp.qkvw, dp.qkvb, w->dqkv, a.ln1, p.qkvw, N, C, 3 * C, 0));
        TIMED(w, bwd, PROF_LAYERNORM, par_layernorm_backward(pool, w->dres, dp.ln1w, dp.ln1b, w->dln, res_in, p.ln1w,
                                                             a.ln1_mean, a.ln1_rstd, N, C, w->ln_partial));
    }
    TIMED(w, bwd, PROF_EMBED, par_encoder_backward(pool, g->t[GPT2_WTE], g->t[GPT2_WPE], w->dres, w->inputs, N, T, C));
}

/* ------------------------------------------------------------------------------------------ */
/* Cached inference */

int gpt2_cache_create(GPT2Cache *c, const GPT2 *m, Err *e)
{
    memset(c, 0, sizeof *c);
    size_t L = m->cfg.n_layer, T = m->cfg.n_ctx, C = m->cfg.n_embd, V = m->cfg.n_vocab;
    /* kv + rows of x, ln, qkv, atty, fch (1+1+3+1+4 C) + one head's score matrix (or a row of
     * every head's, fed one token with the heads in parallel) + logits */
    size_t H = m->cfg.n_head, S = T * T > H * T ? T * T : H * T;
    size_t n = L * C * (att_key_positions(T) + T) + T * 10 * C + S + V;
    c->mem = bigmem_alloc_lazy(n * sizeof(float));
    if (!c->mem) return err_nomem(e, N_("the inference cache"), n * sizeof(float));
    float *p = c->mem;
    c->kv = p, p += L * C * (att_key_positions(T) + T);
    c->x = p, p += T * C;
    c->ln = p, p += T * C;
    c->qkv = p, p += T * 3 * C;
    c->atty = p, p += T * C;
    c->fch = p, p += T * 4 * C;
    c->scores = p, p += S;
    c->logits = p;
    return 0;
}

void gpt2_cache_free(GPT2Cache *c)
{
    bigmem_free(c->mem);
    memset(c, 0, sizeof *c);
}

const float *gpt2_cache_feed(const GPT2 *m, GPT2Cache *c, const int32_t *tokens, int n)
{
    return gpt2_cache_feed_keep(m, c, tokens, n, NULL, NULL);
}

const float *gpt2_cache_feed_keep(const GPT2 *m, GPT2Cache *c, const int32_t *tokens, int n, float *att,
                                  float *resid)
{
    const GPT2Config *cfg = &m->cfg;
    const int C = cfg->n_embd, NH = cfg->n_head, p0 = c->n_pos;
    const size_t T = cfg->n_ctx;
    const float *wte = m->w.t[GPT2_WTE], *wpe = m->w.t[GPT2_WPE];
    /* x (n,C) = wte[token] + wpe[position], for the new positions only */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < C; j++)
            c->x[(size_t)i * C + j] = wte[(size_t)tokens[i] * C + j] + wpe[(size_t)(p0 + i) * C + j];
    ParPool *pool = c->pool;
    const size_t T_tiles = att_key_positions(T), kv_layer = (size_t)C * (T_tiles + T);
    for (int l = 0; l < cfg->n_layer; l++) {
        LayerParams p = layer_params(&m->w, cfg, l);
        /* this layer's keys head by head in tiles by column, then its values head by head (gpt2.h) */
        float *kt = c->kv + (size_t)l * kv_layer, *v = kt + (size_t)C * T_tiles;
        const int hs = C / NH;
        const size_t head_stride = (size_t)hs * T_tiles;
        /* The normalisation statistics are not needed after this step; `scores` holds them. */
        par_layernorm_forward(pool, c->ln, c->scores, c->scores + n, c->x, p.ln1w, p.ln1b, n, C);
        par_matmul_forward(pool, c->qkv, c->ln, p.qkvw, p.qkvb, n, C, 3 * C, 0);
        if (n > 1) /* append k, v of the new rows to the cache (a token's heads append their own) */
            for (int i = 0; i < n; i++)
                for (int h = 0; h < NH; h++) {
                    const float *k_ih = c->qkv + (size_t)i * 3 * C + C + h * hs;
                    attention_cache_append(kt + h * head_stride, v + (size_t)h * T * hs, k_ih, k_ih + C, p0 + i, hs);
                }
        const size_t P = (size_t)p0 + n;
        /* Each head's weights (n,P) go to scratch, or to att[l][h] when the caller keeps them. A
         * token: the heads in parallel, each its row of scratch. A prompt into an empty cache:
         * its own q, k, v as training computes them, through sgemm. */
        float *att_l = att ? att + (size_t)l * NH * n * P : NULL;
        if (n == 1)
            par_attention_row(pool, c->atty, att_l ? att_l : c->scores, P, c->qkv, 3 * C, c->qkv + C, c->qkv + 2 * C, kt, v,
                              (int)T, (int)P, NH, hs);
        else
            for (int h = 0; h < NH; h++) {
                float *a_h = att_l ? att_l + (size_t)h * n * P : c->scores, *q_h = c->qkv + h * hs;
                if (p0 == 0)
                    attention_head_forward(c->atty + h * hs, C, a_h, q_h, 3 * C, q_h + C, q_h + 2 * C, 3 * C, n, 0, hs);
                else
                    attention_cached_forward(c->atty + h * hs, C, a_h, q_h, 3 * C, kt + h * head_stride,
                                             v + (size_t)h * T * hs, n, p0, hs);
            }
        par_matmul_forward(pool, c->x, c->atty, p.attprojw, p.attprojb, n, C, C, 1);
        par_layernorm_forward(pool, c->ln, c->scores, c->scores + n, c->x, p.ln2w, p.ln2b, n, C);
        par_matmul_forward(pool, c->fch, c->ln, p.fcw, p.fcb, n, C, 4 * C, 0);
        par_gelu_forward(pool, c->fch, c->fch, (long)n * 4 * C);
        par_matmul_forward(pool, c->x, c->fch, p.fcprojw, p.fcprojb, n, 4 * C, C, 1);
        if (resid) memcpy(resid + (size_t)l * n * C, c->x, sizeof(float) * n * C);
    }
    c->n_pos = p0 + n;
    /* Only the last row's prediction is wanted. */
    return gpt2_cache_logits_at(m, c, n - 1);
}

const float *gpt2_cache_logits_at(const GPT2 *m, GPT2Cache *c, int row)
{
    const int C = m->cfg.n_embd, V = m->cfg.n_vocab;
    /* logits (V) = wte (V,C) @ lnf(x[row]); ln and scores are scratch past the fed rows' use */
    const float *xr = c->x + (size_t)row * C;
    layernorm_forward(c->ln, c->scores, c->scores + 1, xr, m->w.t[GPT2_LNFW], m->w.t[GPT2_LNFB], C, 0, 1);
    par_matmul_forward(c->pool, c->logits, c->ln, m->w.t[GPT2_WTE], NULL, 1, C, V, 0);
    return c->logits;
}
