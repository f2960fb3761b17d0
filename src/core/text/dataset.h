/*
 * dataset.h - a corpus as tokens, split for training and validation, and the (input, target)
 * windows cut from it: the text labels itself, each target being the input shifted by one.
 *
 * The last tenth of the tokens (at least one context window's worth) is held out for
 * validation. Training windows start at random places; validation windows are fixed, evenly
 * spaced over the held-out part, so validation losses are comparable from step to step.
 *
 * Built by the training session (session.h) and the interface; the trainer borrows it.
 */
#ifndef NT_DATASET_H
#define NT_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"
#include "core/base/rng.h"
#include "core/text/corpus.h"
#include "core/text/tokenizer.h"

typedef struct Dataset {
    int32_t *tokens;
    size_t n_tokens;
    size_t n_train;      /* tokens [0, n_train) train, [n_train, n_tokens) validate */
    int n_vocab;
} Dataset;

/* Tokenizes the corpus and splits it. T is the context the windows will have: both parts must
 * hold at least one window of T + 1 tokens, or the corpus is "too short" (ERR_INPUT). */
int dataset_build(Dataset *d, const Corpus *c, const Tokenizer *t, int T, Err *e);
/* The same from tokens already made (llm.c's shards, session.h), taken over (freed here on
 * failure too): [0, n_train) train and the rest validates; n_train 0 holds out the last tenth
 * as dataset_build does. name is for the messages. */
int dataset_from_tokens(Dataset *d, int32_t *tokens, size_t n_tokens, size_t n_train, int n_vocab, int T, const char *name,
                        Err *e);
void dataset_free(Dataset *d);

/* B random training windows: x (B,T) = tokens[i .. i+T), y (B,T) = tokens[i+1 .. i+T+1]. */
void dataset_train_batch(const Dataset *d, Rng *rng, int B, int T, int32_t *x, int32_t *y);
/* Validation window k of n: the same windows every time. */
void dataset_val_window(const Dataset *d, int k, int n, int T, int32_t *x, int32_t *y);

/* Entropy, in nats, of the unigram distribution of the training tokens: the loss of a model that
 * learned token frequencies and nothing else. */
double dataset_unigram_entropy(const Dataset *d);

#endif
