/*
 * pretok.h - the pre-tokenizer: cutting text into chunks (words with their leading space,
 * numbers, runs of punctuation, whitespace) before byte-pair merges, so that no token spans two
 * words. Each OpenAI vocabulary was built with its own pattern, and encoding must use the same
 * one to give the same ids:
 *   PRETOK_GPT2    's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 *   PRETOK_CL100K  contractions in either case, letters with one leading non-letter, numbers in
 *                  groups of up to three, punctuation with trailing newlines, whitespace runs
 *   PRETOK_O200K   as cl100k, but words split at case changes and marks kept with letters
 * The patterns run in PCRE2 (UTF and Unicode properties, JIT-compiled). \s means Unicode's
 * White_Space, as in tiktoken, which PCRE2's \s is not quite (it misses U+0085), so the patterns
 * spell it out. Bytes that are not valid UTF-8 become chunks of their own, so that any byte
 * string can be cut (tiktoken only ever sees valid text).
 *
 * Used by tokenizer.c for encoding and bpe_train.c for training.
 */
#ifndef NT_PRETOK_H
#define NT_PRETOK_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"

enum { PRETOK_NONE = 0, PRETOK_GPT2 = 1, PRETOK_CL100K = 2, PRETOK_O200K = 3, PRETOK_COUNT };

/* "none", "gpt2", "cl100k", "o200k" */
const char *pretok_name(int pattern);

typedef struct Pretok Pretok;

/* A compiled pattern. Compiled once per pattern per process and shared: pretok_get is safe to
 * call from any thread. NULL with e filled if PCRE2 refuses (it should not). */
const Pretok *pretok_get(int pattern, Err *e);

/* Calls fn(ctx, chunk, len) for each chunk of text in order; the chunks cover every byte
 * exactly once. Stops and returns fn's value if it is nonzero. PRETOK_NONE (p == NULL) gives the
 * whole text as one chunk. Returns -1 with e filled on an internal PCRE2 error. */
typedef int (*PretokFn)(void *ctx, const uint8_t *chunk, size_t len);
int pretok_split(const Pretok *p, const uint8_t *text, size_t n, PretokFn fn, void *ctx, Err *e);

/* Whether text (n bytes, valid UTF-8) may be cut at p, 0 < p < n, for GPT-2's, cl100k's and
 * o200k's patterns: whether splitting text[0, p) and text[p, n) apart gives exactly the chunks of
 * splitting the whole, so that their tokens, put end to end, are the whole's. The part after p
 * is split as the whole is from p on whenever the whole has a chunk boundary at p (the patterns
 * never look back); the part before, when no chunk before p looks at or runs into text[p].
 * Two kinds of place give both:
 *   - before a space that follows a character that is not white space: no alternative takes a
 *     space after something else (a space only ever leads a chunk, or is part of a white-space
 *     run, which that character ends), so the chunk holding it ends at p;
 *   - after a newline that follows a character that is not white space and comes before one
 *     that is neither white space nor '/': only the white-space alternatives and the
 *     punctuation ones with trailing newlines (cl100k's, and o200k's, which take '/' too) take
 *     a newline, and with those neighbours they end at p in the whole as in the part.
 * tests/unit/test_shard.c checks both on random texts against splitting the whole.
 * PRETOK_NONE has no such place: its whole text is one chunk. */
int pretok_cut_ok(const uint8_t *text, size_t n, size_t p);

#endif
