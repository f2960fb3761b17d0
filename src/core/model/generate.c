/* generate.c - the sampling loop over the key/value cache. See generate.h. */
#include "core/model/generate.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/i18n.h"

int generator_create(Generator *g, const GPT2 *m, Err *e)
{
    memset(g, 0, sizeof *g);
    g->model = m;
    if (gpt2_cache_create(&g->cache, m, e)) return -1;
    g->window = malloc(sizeof(int32_t) * m->cfg.n_ctx);
    if (!g->window) {
        generator_free(g);
        return err_nomem(e, N_("context window"), 4ULL * m->cfg.n_ctx);
    }
    return 0;
}

void generator_free(Generator *g)
{
    gpt2_cache_free(&g->cache);
    free(g->window);
    memset(g, 0, sizeof *g);
}

/* Starts the cache over from the tokens in window[0 .. n). */
static const float *refeed(Generator *g, int n)
{
    gpt2_cache_reset(&g->cache);
    g->n_window = n;
    return gpt2_cache_feed(g->model, &g->cache, g->window, n);
}

const float *generator_start(Generator *g, const int32_t *prompt, int n_prompt)
{
    const int n_ctx = g->model->cfg.n_ctx;
    /* A prompt longer than the context is seen through its last n_ctx tokens. */
    if (n_prompt > n_ctx) {
        prompt += n_prompt - n_ctx;
        n_prompt = n_ctx;
    }
    memcpy(g->window, prompt, sizeof(int32_t) * (size_t)n_prompt);
    return refeed(g, n_prompt);
}

const float *generator_feed(Generator *g, int32_t tok)
{
    const int n_ctx = g->model->cfg.n_ctx;
    if (g->n_window == n_ctx) {
        /* Full: keep the newest half and rebuild the cache from it. */
        int keep = n_ctx / 2;
        memmove(g->window, g->window + n_ctx - keep, sizeof(int32_t) * (size_t)keep);
        g->window[keep] = tok;
        return refeed(g, keep + 1);
    }
    g->window[g->n_window++] = tok;
    return gpt2_cache_feed(g->model, &g->cache, &tok, 1);
}

int generate(Generator *g, Sampler *s, Rng *rng, const int32_t *prompt, int n_prompt, int n_new,
             int32_t *out, GenerateFn fn, void *ctx)
{
    const float *logits = generator_start(g, prompt, n_prompt);
    int made = 0;
    while (made < n_new) {
        int32_t tok = sampler_sample(s, logits, rng);
        out[made++] = tok;
        if (fn && fn(ctx, tok, s)) break;
        if (made == n_new) break;
        logits = generator_feed(g, tok);
    }
    return made;
}
