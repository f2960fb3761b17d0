/*
 * suffix.h - a suffix array over a token stream, to find where a piece of text already occurs:
 * the Sample panel underlines the spans of a continuation that the model copied verbatim from
 * its training corpus ("remix or recall").
 *
 * Built by prefix doubling (Manber & Myers): the suffixes are sorted by their first token, then
 * by their first 2, 4, 8, ... tokens, each round a linear-time counting sort of pairs of the last
 * round's ranks, until no two suffixes tie; O(n log n) in all, under a second for a few million
 * tokens, and 16 bytes a token while it builds (4 after). A lookup is a binary search over the
 * sorted suffixes. Token ids compare as signed numbers, in the build and the lookups alike.
 */
#ifndef NT_SUFFIX_H
#define NT_SUFFIX_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"

typedef struct SuffixArray {
    const int32_t *tokens; /* borrowed */
    size_t n;
    uint32_t *sa;          /* suffix start positions, in order */
} SuffixArray;

int suffix_build(SuffixArray *s, const int32_t *tokens, size_t n, Err *e);
void suffix_free(SuffixArray *s);

/* The length of the longest prefix of q[0 .. m) that occurs somewhere in the tokens, and (if
 * pos is not NULL) one place it starts. */
size_t suffix_longest_match(const SuffixArray *s, const int32_t *q, size_t m, size_t *pos);
/* How many times q[0 .. m) occurs. */
size_t suffix_count(const SuffixArray *s, const int32_t *q, size_t m);

#endif
