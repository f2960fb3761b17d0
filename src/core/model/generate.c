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
    g->prompt = malloc(sizeof(int32_t) * m->cfg.n_ctx);
    g->prompt_logits = malloc(sizeof(float) * m->cfg.n_vocab);
    if (!g->window || !g->prompt || !g->prompt_logits) {
        generator_free(g);
        return err_nomem(e, N_("context window"), 8ULL * m->cfg.n_ctx + 4ULL * m->cfg.n_vocab);
    }
    return 0;
}

void generator_free(Generator *g)
{
    gpt2_cache_free(&g->cache);
    free(g->window);
    free(g->prompt);
    free(g->prompt_logits);
    memset(g, 0, sizeof *g);
}

/* Starts the cache over from the tokens in window[0 .. n). */
static const float *refeed(Generator *g, int n)
{
    gpt2_cache_reset(&g->cache);
    g->n_window = n;
    return gpt2_cache_feed(g->model, &g->cache, g->window, n);
}

/* The cache started over from the prompt kept in g, and the logits after it kept too. */
static const float *feed_prompt(Generator *g)
{
    memcpy(g->window, g->prompt, sizeof(int32_t) * (size_t)g->n_prompt);
    g->fed = 0, g->slid = 0;
    const float *logits = refeed(g, g->n_prompt);
    memcpy(g->prompt_logits, logits, sizeof(float) * (size_t)g->model->cfg.n_vocab);
    return logits;
}

const float *generator_start(Generator *g, const int32_t *prompt, int n_prompt)
{
    const int n_ctx = g->model->cfg.n_ctx;
    /* A prompt longer than the context is seen through its last n_ctx tokens. */
    if (n_prompt > n_ctx) {
        prompt += n_prompt - n_ctx;
        n_prompt = n_ctx;
    }
    memcpy(g->prompt, prompt, sizeof(int32_t) * (size_t)n_prompt);
    g->n_prompt = n_prompt;
    return feed_prompt(g);
}

const float *generator_feed(Generator *g, int32_t tok)
{
    const int n_ctx = g->model->cfg.n_ctx;
    if (g->n_window == n_ctx) {
        /* Full: keep the newest half and rebuild the cache from it. */
        int keep = n_ctx / 2;
        memmove(g->window, g->window + n_ctx - keep, sizeof(int32_t) * (size_t)keep);
        g->window[keep] = tok;
        g->fed++, g->slid = 1;
        return refeed(g, keep + 1);
    }
    g->window[g->n_window++] = tok;
    g->fed++;
    return gpt2_cache_feed(g->model, &g->cache, &tok, 1);
}

const float *generator_back(Generator *g, int n)
{
    if (n < 0) n = 0;
    if (n > g->fed) n = g->fed;
    if (g->slid) {
        /* The cache no longer begins with the prompt: it is fed again, and the tokens after it
         * are the caller's to feed (the window may have lost the first of them) */
        return n > 0 ? NULL : feed_prompt(g);
    }
    if (n == 0) {
        g->n_window = g->n_prompt, g->cache.n_pos = g->n_prompt, g->fed = 0;
        return g->prompt_logits;
    }
    /* cut to the prompt and n - 1 tokens, and feed the n-th again */
    int32_t tok = g->window[g->n_prompt + n - 1];
    g->n_window = g->n_prompt + n - 1, g->cache.n_pos = g->n_window, g->fed = n - 1;
    return generator_feed(g, tok);
}

int generate(Generator *g, Sampler *s, Rng *rng, const int32_t *prompt, int n_prompt, int n_new,
             int32_t *out, GenerateFn fn, void *ctx)
{
    const float *logits = prompt ? generator_start(g, prompt, n_prompt) : generator_back(g, 0);
    if (!logits) return 0;
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
