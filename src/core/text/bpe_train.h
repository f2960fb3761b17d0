/*
 * bpe_train.h - learning byte-pair merges from a corpus.
 *
 * The incremental method of Sennrich et al., as Hugging Face's tokenizers and sentencepiece
 * implement it: the corpus is pre-tokenized and identical chunks counted once; every adjacent
 * pair keeps its count (weighted by its chunk's count) and the chunks it occurs in; a max-heap
 * orders pairs by count, ties broken by the lower pair of ids (first id, then second); a merge
 * touches only the chunks that contain its pair, recounting their pairs. When a merge joins
 * bytes that are already a token (two different pairs can spell the same bytes), it produces
 * that token rather than a duplicate, as Hugging Face's trainer does; so the vocabulary can grow
 * by less than one token per merge. A pair whose token would be longer than TOKENIZER_MAX_TOKEN
 * is never merged (nor listed by bpe_trainer_top), so what is learned can always be saved. What
 * it learns is a tokenizer (tokenizer.h), which encodes with bpe.h.
 *
 * Used by `nexttoken bpe train`, the training session (session.h: a new model's vocabulary for
 * `nexttoken train`), the interface, and the Tokens panel (training one step at a time with the
 * leaderboard of pairs, or straight to a vocabulary size).
 */
#ifndef NT_BPE_TRAIN_H
#define NT_BPE_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"
#include "core/text/tokenizer.h"

typedef struct BpeTrainer BpeTrainer;

typedef struct BpePair {
    int32_t a, b;
    int64_t count;      /* occurrences in the corpus */
} BpePair;

typedef struct BpeMerge {
    int rank;           /* 0 for the first merge */
    int32_t a, b;       /* the pair merged */
    int32_t id;         /* the token it became */
    int64_t count;      /* how often the pair occurred */
    int is_new;         /* 0 when the bytes were already a token */
} BpeMerge;

/* Pre-tokenizes and counts a corpus (any bytes). ERR_INPUT for an empty one. */
BpeTrainer *bpe_trainer_create(const uint8_t *text, size_t n, int pattern, Err *e);
void bpe_trainer_free(BpeTrainer *t);

int bpe_trainer_vocab_size(const BpeTrainer *t);
int bpe_trainer_merges(const BpeTrainer *t);
/* The bytes of a token of the vocabulary so far. */
const uint8_t *bpe_trainer_token(const BpeTrainer *t, int32_t id, size_t *len);
/* Chunks in the corpus, and distinct ones. */
void bpe_trainer_chunk_counts(const BpeTrainer *t, size_t *total, size_t *distinct);

/* The n most frequent pairs now, most frequent first (ties as the merge order breaks them).
 * Returns how many there are (fewer than n near the end). */
int bpe_trainer_top(BpeTrainer *t, BpePair *out, int n);
/* One merge: 1 done (out filled), 0 no pair left to merge, -1 out of memory (e filled). */
int bpe_trainer_step(BpeTrainer *t, BpeMerge *out, Err *e);

/* Merges until the vocabulary has `vocab` tokens: 1 when it has, 0 when no pair was left to
 * merge first, -1 out of memory (e filled). */
int bpe_trainer_run(BpeTrainer *t, int vocab, Err *e);

/* The vocabulary learned so far as a tokenizer (pattern as trained), named "bpe". */
int bpe_trainer_tokenizer(const BpeTrainer *t, Tokenizer *out, Err *e);

/* The vocabulary a new model gets unless told otherwise (nexttoken train, the interface):
 * enough merges that samples read as words early, few enough that a small corpus gives every
 * token's embedding examples to learn from. */
#define BPE_DEFAULT_VOCAB 512

/* All of it at once: a tokenizer of up to `vocab` tokens learned from text. *exhausted is set
 * to 1 when the text ran out of pairs to merge before that size. */
int bpe_learn(const uint8_t *text, size_t n, int pattern, int vocab, Tokenizer *out, int *exhausted, Err *e);

#endif
