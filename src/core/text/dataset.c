/* dataset.c - tokens, the split, and windows. See dataset.h. */
#include "core/text/dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/i18n.h"

int dataset_build(Dataset *d, const Corpus *c, const Tokenizer *t, int T, Err *e)
{
    memset(d, 0, sizeof *d);
    size_t cap = 0;
    if (tokenizer_encode(t, c->data, c->size, &d->tokens, &cap, &d->n_tokens, e)) {
        err_prefix(e, c->name);
        return -1;
    }
    return dataset_from_tokens(d, d->tokens, d->n_tokens, 0, t->n_vocab, T, c->name, e);
}

int dataset_from_tokens(Dataset *d, int32_t *tokens, size_t n_tokens, size_t n_train, int n_vocab, int T, const char *name,
                        Err *e)
{
    d->tokens = tokens, d->n_tokens = n_tokens, d->n_vocab = n_vocab;
    size_t need = 2 * ((size_t)T + 1), window = (size_t)T + 1;
    if (n_train) {
        if (n_train < window || n_tokens - n_train < window) {
            err_input(e, _("%s: too short: %zu training and %zu validation tokens, and a context of %d needs at least %zu of each"), name,
                      n_train, n_tokens - n_train, T, window);
            dataset_free(d);
            return -1;
        }
        d->n_train = n_train;
        return 0;
    }
    if (n_tokens < need) {
        err_input(e, _("%s: too short: %zu tokens, and a context of %d needs at least %zu (a window for training and one for validation)"),
                  name, n_tokens, T, need);
        dataset_free(d);
        return -1;
    }
    size_t n_val = n_tokens / 10;
    if (n_val < window) n_val = window;
    d->n_train = n_tokens - n_val;
    if (d->n_train < window) d->n_train = window;
    return 0;
}

void dataset_free(Dataset *d)
{
    free(d->tokens);
    memset(d, 0, sizeof *d);
}

void dataset_train_batch(const Dataset *d, Rng *rng, int B, int T, int32_t *x, int32_t *y)
{
    /* A window [i, i+T] of T+1 tokens needs i + T < n_train. */
    uint64_t starts = d->n_train - (size_t)T;
    for (int b = 0; b < B; b++) {
        size_t i = (size_t)rng_below(rng, starts);
        memcpy(x + (size_t)b * T, d->tokens + i, sizeof(int32_t) * T);
        memcpy(y + (size_t)b * T, d->tokens + i + 1, sizeof(int32_t) * T);
    }
}

void dataset_val_window(const Dataset *d, int k, int n, int T, int32_t *x, int32_t *y)
{
    size_t n_val = d->n_tokens - d->n_train, starts = n_val - (size_t)T;
    size_t i = d->n_train + (n > 1 ? (starts - 1) * (size_t)k / (size_t)(n - 1) : 0);
    memcpy(x, d->tokens + i, sizeof(int32_t) * T);
    memcpy(y, d->tokens + i + 1, sizeof(int32_t) * T);
}

double dataset_unigram_entropy(const Dataset *d)
{
    size_t *count = calloc((size_t)d->n_vocab, sizeof *count);
    if (!count) return NAN;
    for (size_t i = 0; i < d->n_train; i++) count[d->tokens[i]]++;
    double h = 0, n = (double)d->n_train;
    for (int v = 0; v < d->n_vocab; v++)
        if (count[v]) h -= (count[v] / n) * log(count[v] / n);
    free(count);
    return h;
}
