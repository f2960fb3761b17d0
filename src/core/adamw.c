/* adamw.c - AdamW, clipping, and the learning-rate schedule. See adamw.h. */
#include "adamw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int adamw_create(AdamW *opt, size_t n, Err *e)
{
    memset(opt, 0, sizeof *opt);
    opt->n = n;
    opt->m = calloc(n, sizeof(float));
    opt->v = calloc(n, sizeof(float));
    if (!opt->m || !opt->v) {
        adamw_free(opt);
        return err_nomem(e, "optimizer state", 2 * n * sizeof(float));
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

void adamw_update(AdamW *opt, float *params, const float *grads, const size_t *seg_size,
                  const int *seg_decay, int n_seg, float lr)
{
    opt->t++;
    const float b1 = opt->beta1, b2 = opt->beta2, eps = opt->eps;
    const float step_size = lr / (float)(1.0 - pow(b1, (double)opt->t));
    const float bc2_sqrt = (float)sqrt(1.0 - pow(b2, (double)opt->t));
    size_t off = 0;
    for (int s = 0; s < n_seg; s++) {
        const float keep = seg_decay[s] ? 1.0f - lr * opt->weight_decay : 1.0f;
        float *p = params + off, *m = opt->m + off, *v = opt->v + off;
        const float *g = grads + off;
        for (size_t i = 0; i < seg_size[s]; i++) {
            m[i] = b1 * m[i] + (1.0f - b1) * g[i];
            v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
            float denom = sqrtf(v[i]) / bc2_sqrt + eps;
            p[i] = p[i] * keep - step_size * m[i] / denom;
        }
        off += seg_size[s];
    }
}

double grad_norm(const float *grads, size_t n)
{
    /* Four partial sums: the loop vectorises, and the order (hence the result) is fixed. */
    double s[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++) s[k] += (double)grads[i + k] * grads[i + k];
    for (; i < n; i++) s[0] += (double)grads[i] * grads[i];
    return sqrt((s[0] + s[1]) + (s[2] + s[3]));
}

float grad_clip(float *grads, size_t n, double norm, float max_norm)
{
    if (max_norm <= 0 || !(norm > max_norm)) return 1.0f;
    float f = (float)(max_norm / (norm + 1e-6));
    for (size_t i = 0; i < n; i++) grads[i] *= f;
    return f;
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
