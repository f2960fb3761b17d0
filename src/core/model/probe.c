/* probe.c - per-token losses, next-token logits, one gradient step. See probe.h. */
#include "core/model/probe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/i18n.h"

int probe_losses(const GPT2 *m, const int32_t *ids, int n, double *p, double *loss, Err *e)
{
    const int ctx = m->cfg.n_ctx, V = m->cfg.n_vocab;
    if (n < 2) return 0;
    GPT2Work w;
    int T = n - 1 < ctx ? n - 1 : ctx;
    if (gpt2_work_create(&w, m, 1, T, 0, NULL, e)) return -1;
    int done = 0, start = 0; /* positions 1..done scored; the window starts at `start` */
    while (done < n - 1) {
        int len = n - 1 - start < ctx ? n - 1 - start : ctx; /* inputs ids[start .. start+len) */
        gpt2_forward(m, &w, ids + start, ids + start + 1, 1, len);
        for (int t = 0; t < len; t++) {
            int target = start + t + 1;
            if (target <= done) continue;
            loss[target] = w.losses[t];
            p[target] = w.probs[(size_t)t * V + ids[target]];
        }
        done = start + len;
        start += ctx / 2 > 0 ? ctx / 2 : 1;
    }
    gpt2_work_free(&w);
    return 0;
}

int probe_next_logits(const GPT2 *m, const int32_t *ids, int n, float *logits, Err *e)
{
    if (n < 1) return err_input(e, _("nothing to continue"));
    const int ctx = m->cfg.n_ctx;
    if (n > ctx) ids += n - ctx, n = ctx;
    GPT2Cache c;
    if (gpt2_cache_create(&c, m, e)) return -1;
    const float *lg = gpt2_cache_feed(m, &c, ids, n);
    memcpy(logits, lg, sizeof(float) * m->cfg.n_vocab);
    gpt2_cache_free(&c);
    return 0;
}

int probe_next_distribution(const GPT2 *m, const int32_t *ids, int n, const SamplerConfig *c, Sampler *s,
                            Err *e)
{
    const int V = m->cfg.n_vocab;
    memset(s, 0, sizeof *s);
    float *logits = malloc(sizeof(float) * (size_t)V);
    if (!logits) return err_nomem(e, N_("logits"), 4ULL * V);
    int rc = sampler_create(s, c, V, e);
    if (rc == 0) rc = probe_next_logits(m, ids, n, logits, e);
    if (rc == 0) sampler_distribution(s, logits);
    else sampler_free(s);
    free(logits);
    return rc;
}

int probe_sgd_step(const GPT2 *m, const int32_t *ids, int pos, float lr, double *loss_before,
                   double *loss_after, Err *e)
{
    if (pos < 1) return err_input(e, _("position %d has nothing before it to predict from"), pos);
    /* the example: inputs ids[s .. pos) predicting ids[s+1 .. pos], of which only the last counts */
    int s = pos > m->cfg.n_ctx ? pos - m->cfg.n_ctx : 0, T = pos - s;
    GPT2 copy;
    GPT2Work w;
    if (gpt2_create(&copy, &m->cfg, e)) return -1;
    memcpy(copy.params, m->params, sizeof(float) * m->n_params);
    if (gpt2_work_create(&w, &copy, 1, T, 1, NULL, e)) {
        gpt2_free(&copy);
        return -1;
    }
    float *weights = calloc((size_t)T, sizeof *weights);
    if (!weights) {
        gpt2_work_free(&w);
        gpt2_free(&copy);
        return err_nomem(e, N_("loss weights"), 4ULL * T);
    }
    weights[T - 1] = 1.0f;
    gpt2_forward(&copy, &w, ids + s, ids + s + 1, 1, T);
    *loss_before = w.losses[T - 1];
    w.loss_weights = weights;
    gpt2_backward(&copy, &w);
    for (size_t i = 0; i < copy.n_params; i++) copy.params[i] -= lr * w.grads[i];
    gpt2_forward(&copy, &w, ids + s, ids + s + 1, 1, T);
    *loss_after = w.losses[T - 1];
    free(weights);
    gpt2_work_free(&w);
    gpt2_free(&copy);
    return 0;
}
