/* adamw.c - AdamW, clipping, and the learning-rate schedule. See adamw.h. */
#include "core/train/adamw.h"

#include "core/base/fastmath.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/i18n.h"

int adamw_create(AdamW *opt, size_t n, Err *e)
{
    memset(opt, 0, sizeof *opt);
    opt->n = n;
    opt->m = calloc(n, sizeof(float));
    opt->v = calloc(n, sizeof(float));
    if (!opt->m || !opt->v) {
        adamw_free(opt);
        return err_nomem(e, N_("optimizer state"), 2 * n * sizeof(float));
    }
    opt->beta1 = 0.9f;
    opt->beta2 = 0.95f;
    opt->eps = 1e-8f;
    opt->weight_decay = 0.1f;
    return 0;
}

void adamw_free(AdamW *opt)
{
    free(opt->m);
    free(opt->v);
    memset(opt, 0, sizeof *opt);
}

typedef struct {
    AdamW *opt;
    float *params, *grads_rw;
    const float *grads;
    const size_t *seg_size;
    const int *seg_decay;
    int n_seg;
    float lr, step_size, bc2_sqrt, factor;
    size_t n;
    double partial[64]; /* grad_norm: each part's sum of squares */
} OptJob;

/* Parts split the flat parameter array on 16-float boundaries. */
static void opt_range(const OptJob *j, int part, int nparts, size_t *lo, size_t *hi)
{
    par_range(j->n, part, nparts, 16, lo, hi);
}

NT_SIMD_CLONES
static void adamw_part(void *ctx, int part, int nparts)
{
    OptJob *j = ctx;
    AdamW *opt = j->opt;
    const float b1 = opt->beta1, b2 = opt->beta2, eps = opt->eps;
    size_t lo, hi, seg_lo = 0;
    opt_range(j, part, nparts, &lo, &hi);
    for (int s = 0; s < j->n_seg && seg_lo < hi; seg_lo += j->seg_size[s], s++) {
        size_t a = seg_lo > lo ? seg_lo : lo, b = seg_lo + j->seg_size[s] < hi ? seg_lo + j->seg_size[s] : hi;
        if (a >= b) continue;
        const float keep = j->seg_decay[s] ? 1.0f - j->lr * opt->weight_decay : 1.0f;
        const float bc2_sqrt = j->bc2_sqrt, step_size = j->step_size; /* not reloaded per element */
        float *restrict p = j->params, *restrict m = opt->m, *restrict v = opt->v;
        const float *restrict g = j->grads;
        for (size_t i = a; i < b; i++) {
            m[i] = b1 * m[i] + (1.0f - b1) * g[i];
            v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
            float denom = sqrtf(v[i]) / bc2_sqrt + eps;
            p[i] = p[i] * keep - step_size * m[i] / denom;
        }
    }
}

void adamw_update(AdamW *opt, float *params, const float *grads, const size_t *seg_size,
                  const int *seg_decay, int n_seg, float lr, ParPool *pool)
{
    opt->t++;
    OptJob j = {.opt = opt, .params = params, .grads = grads, .seg_size = seg_size,
                .seg_decay = seg_decay, .n_seg = n_seg, .lr = lr, .n = opt->n};
    j.step_size = lr / (float)(1.0 - pow(opt->beta1, (double)opt->t));
    j.bc2_sqrt = (float)sqrt(1.0 - pow(opt->beta2, (double)opt->t));
    par_run(pool, adamw_part, &j);
}

NT_SIMD_CLONES
static void norm_part(void *ctx, int part, int nparts)
{
    OptJob *j = ctx;
    size_t lo, hi;
    opt_range(j, part, nparts, &lo, &hi);
    /* Four partial sums: the loop vectorises, and the order (hence the result) is fixed. */
    double s[4] = {0, 0, 0, 0};
    size_t i = lo;
    for (; i + 4 <= hi; i += 4)
        for (int k = 0; k < 4; k++) s[k] += (double)j->grads[i + k] * j->grads[i + k];
    for (; i < hi; i++) s[0] += (double)j->grads[i] * j->grads[i];
    j->partial[part] = (s[0] + s[1]) + (s[2] + s[3]);
}

double grad_norm(const float *grads, size_t n, ParPool *pool)
{
    OptJob j = {.grads = grads, .n = n};
    if (par_threads(pool) > 64) pool = NULL; /* more parts than partial sums: do it alone */
    par_run(pool, norm_part, &j);
    double sum = 0;
    for (int k = 0; k < par_threads(pool); k++) sum += j.partial[k];
    return sqrt(sum);
}

NT_SIMD_CLONES
static void scale_part(void *ctx, int part, int nparts)
{
    OptJob *j = ctx;
    size_t lo, hi;
    opt_range(j, part, nparts, &lo, &hi);
    for (size_t i = lo; i < hi; i++) j->grads_rw[i] *= j->factor;
}

float grad_clip(float *grads, size_t n, double norm, float max_norm, ParPool *pool)
{
    if (max_norm <= 0 || !(norm > max_norm)) return 1.0f;
    OptJob j = {.grads_rw = grads, .n = n, .factor = (float)(max_norm / (norm + 1e-6))};
    par_run(pool, scale_part, &j);
    return j.factor;
}

float lr_at(const LrSchedule *s, long step)
{
    if (step < s->warmup_steps) return s->lr_max * (float)(step + 1) / (float)s->warmup_steps;
    if (s->total_steps <= 0) return s->lr_max;
    long span = s->total_steps - s->warmup_steps;
    double progress = span > 0 ? (double)(step - s->warmup_steps) / (double)span : 1.0;
    if (progress > 1.0) progress = 1.0;
    double lr_min = (double)s->lr_max * s->min_ratio;
    return (float)(lr_min + 0.5 * ((double)s->lr_max - lr_min) * (1.0 + cos(M_PI * progress)));
}
