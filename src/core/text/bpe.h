/*
 * bpe.h - byte-pair encoding: applying a vocabulary's merges to a chunk of text.
 *
 * GPT-2's and tiktoken's rule: a chunk from the pre-tokenizer starts as single bytes;
 * repeatedly, of all adjacent pairs whose joined bytes form a token, the one whose token has the
 * lowest id is merged (the leftmost if several), until no pair forms a token. Ids are ranks: in
 * every vocabulary here a token's id is the order in which its merge was learned. Short chunks
 * use tiktoken's linear scan; long ones a linked list and a heap, so that no input is quadratic.
 *
 * Used by tokenizer.c, which builds the index when a vocabulary is made and encodes text chunk
 * by chunk; learning merges is bpe_train.h, a layer above the tokenizer.
 */
#ifndef NT_BPE_H
#define NT_BPE_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"
#include "core/text/tokenizer.h"

/* ---- encoding ---- */

/* The lookup from token bytes to id that merging needs (special tokens excluded). Built by
 * tokenizer_init_table for every vocabulary with multi-byte tokens; refuses (ERR_INPUT) one in
 * which two tokens have the same bytes. */
typedef struct BpeIndex BpeIndex;
BpeIndex *bpe_index_build(const Tokenizer *t, Err *e);
void bpe_index_free(BpeIndex *ix);
int32_t bpe_index_find(const BpeIndex *ix, const uint8_t *bytes, size_t n);

/* Scratch for encoding chunks, and a cache of chunks already encoded: a corpus repeats its
 * words, and a cache hit skips the merging entirely. One per encoding call (not shared between
 * threads). */
typedef struct BpeWork BpeWork;
BpeWork *bpe_work_create(void);
void bpe_work_free(BpeWork *w);

/* Encodes one chunk of n bytes into out (room for n ids); returns the number of ids, or -1 when
 * out of memory. */
long bpe_encode_chunk(const Tokenizer *t, BpeWork *w, const uint8_t *chunk, size_t n, int32_t *out);

#endif
