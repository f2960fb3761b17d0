/* inspect.c - attention weights, the logit lens and embedding cosines. See inspect.h. */
#include "core/model/inspect.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/heap.h"
#include "core/base/i18n.h"
#include "core/model/layers.h"

int inspect_create(Inspect *in, const GPT2 *m, Err *e)
{
    memset(in, 0, sizeof *in);
    in->cfg = m->cfg;
    const size_t C = m->cfg.n_embd, V = m->cfg.n_vocab, R = INSPECT_LENS_ROWS;
    const size_t rows = V > (size_t)m->cfg.n_ctx ? V : (size_t)m->cfg.n_ctx; /* wte's or wpe's */
    /* lens_ln (R,C) + lens_stats (2R) + lens_logits and lens_probs (R,V) + cos and norms */
    size_t n = R * C + 2 * R + 2 * R * V + 2 * rows;
    if (gpt2_cache_create(&in->cache, m, e)) return -1;
    in->mem = malloc(n * sizeof(float));
    if (!in->mem) {
        inspect_free(in);
        return err_nomem(e, N_("the inspection buffers"), n * sizeof(float));
    }
    float *p = in->mem;
    in->lens_ln = p, p += R * C;
    in->lens_stats = p, p += 2 * R;
    in->lens_logits = p, p += R * V;
    in->lens_probs = p, p += R * V;
    in->cos = p, p += rows;
    in->norms = p;
    return 0;
}

void inspect_free(Inspect *in)
{
    gpt2_cache_free(&in->cache);
    free(in->mem);
    free(in->att);
    free(in->resid);
    memset(in, 0, sizeof *in);
}

/* ------------------------------------------------------------------------------------------ */
/* Attention weights and residuals: one forward that keeps them */

const float *inspect_run(Inspect *in, const GPT2 *m, const int32_t *ids, int n, Err *e)
{
    const GPT2Config *cfg = &m->cfg;
    if (n < 1) return err_input(e, _("nothing to inspect: the text is empty")), NULL;
    if (n > cfg->n_ctx)
        return err_input(e, _("the text is %d tokens, longer than the model's context of %d"), n, cfg->n_ctx), NULL;
    for (int i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= cfg->n_vocab)
            return err_input(e, _("token id %d is not in the model's vocabulary (0 to %d)"), (int)ids[i], cfg->n_vocab - 1), NULL;
    const size_t L = cfg->n_layer, NH = cfg->n_head, C = cfg->n_embd;
    if (n > in->cap) {
        /* Grown to the longest text so far and kept: att (L,NH,n,n) and resid (L,n,C). */
        float *att = realloc(in->att, sizeof(float) * L * NH * n * n);
        if (att) in->att = att;
        float *resid = realloc(in->resid, sizeof(float) * L * n * C);
        if (resid) in->resid = resid;
        if (!att || !resid) return err_nomem(e, N_("the attention weights"), sizeof(float) * L * n * (NH * n + C)), NULL;
        in->cap = n;
    }
    in->n = n;
    gpt2_cache_reset(&in->cache);
    /* All n positions as one prompt, so the weights of head h in layer l land as one (n,n)
     * block: att[l][h][i][j] over keys j = 0 .. n-1, the causal triangle zero above i. */
    return gpt2_cache_feed_keep(m, &in->cache, ids, n, in->att, in->resid);
}

/* ------------------------------------------------------------------------------------------ */
/* The logit lens */

const float *inspect_lens(Inspect *in, const GPT2 *m, int l, int t0, int rows)
{
    const int C = m->cfg.n_embd, V = m->cfg.n_vocab;
    const float *x = in->resid + ((size_t)l * in->n + t0) * C; /* (rows, C) of block l's output */
    /* ln (rows,C) = lnf(x); the statistics are not needed afterwards */
    layernorm_forward(in->lens_ln, in->lens_stats, in->lens_stats + rows, x, m->w.t[GPT2_LNFW], m->w.t[GPT2_LNFB],
                      C, 0, rows);
    /* logits (rows,V) = ln (rows,C) @ wte^T (C,V), the model's own output head */
    matmul_forward(in->lens_logits, in->lens_ln, m->w.t[GPT2_WTE], NULL, C, V, 0, 0, rows);
    /* p (rows,V) = softmax of each row */
    crossentropy_forward(in->lens_probs, NULL, in->lens_logits, NULL, V, 0, rows);
    return in->lens_probs;
}

/* ------------------------------------------------------------------------------------------ */
/* Cosines of embedding rows */

/* norms (rows) = |X_r| for X (rows, C) */
static void row_norms(const float *X, int rows, int C, float *norms)
{
    for (int r = 0; r < rows; r++) {
        const float *x = X + (size_t)r * C;
        norms[r] = sqrtf(cblas_sdot(C, x, 1, x, 1));
    }
}

void inspect_row_cosines(const float *X, int rows, int C, int q, float *norms, float *cos)
{
    row_norms(X, rows, C, norms);
    /* cos (rows) = X (rows,C) @ X_q (C) */
    cblas_sgemv(CblasRowMajor, CblasNoTrans, rows, C, 1.0f, X, C, X + (size_t)q * C, 1, 0.0f, cos, 1);
    for (int j = 0; j < rows; j++) {
        float d = norms[q] * norms[j];
        cos[j] = d > 0 ? cos[j] / d : 0.0f;
    }
}

const float *inspect_token_cosines(Inspect *in, const GPT2 *m, int32_t id)
{
    inspect_row_cosines(m->w.t[GPT2_WTE], m->cfg.n_vocab, m->cfg.n_embd, id, in->norms, in->cos);
    return in->cos;
}

void inspect_position_cosines(Inspect *in, const GPT2 *m, int n, float *out)
{
    const int C = m->cfg.n_embd;
    const float *wpe = m->w.t[GPT2_WPE];
    row_norms(wpe, n, C, in->norms);
    /* out (n,n) = wpe (n,C) @ wpe^T (C,n), then each entry over its two norms */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, C, 1.0f, wpe, C, wpe, C, 0.0f, out, n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            float d = in->norms[i] * in->norms[j];
            out[(size_t)i * n + j] = d > 0 ? out[(size_t)i * n + j] / d : 0.0f;
        }
}

/* ------------------------------------------------------------------------------------------ */
/* The k largest */

/* Whether a ranks below b: smaller, NaN below any number, ties to the higher index. */
static int rank_below(const InspectRank *a, const InspectRank *b)
{
    int an = isnan(a->v), bn = isnan(b->v);
    if (an != bn) return an;
    if (!an && a->v != b->v) return a->v < b->v;
    return a->id > b->id;
}

/* The heap keeps the k best seen so far with the worst on top, to be pushed out first. */
static int heap_worst_first(const void *x, const void *y)
{
    return rank_below(x, y);
}

int inspect_top(const float *x, int n, int k, int skip, InspectRank *out)
{
    size_t h = 0;
    for (int i = 0; i < n && k > 0; i++) {
        if (i == skip) continue;
        InspectRank r = {i, x[i]};
        if (h < (size_t)k) {
            heap_push(out, &h, sizeof r, &r, heap_worst_first);
        } else if (rank_below(&out[0], &r)) {
            InspectRank gone;
            heap_pop(out, &h, sizeof r, &gone, heap_worst_first);
            heap_push(out, &h, sizeof r, &r, heap_worst_first);
        }
    }
    /* Popping the worst each time and putting it in the slot the heap just gave up leaves the
     * array best first. */
    const int count = (int)h;
    while (h > 0) {
        InspectRank worst;
        heap_pop(out, &h, sizeof worst, &worst, heap_worst_first);
        out[h] = worst;
    }
    return count;
}
