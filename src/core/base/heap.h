/*
 * heap.h - a binary heap kept in the caller's array, ordered by the caller's test `first`: the
 * element x for which first(x, y) holds against every other y comes out first (a min-heap when
 * first is "less", a max-heap when it is "greater"). Used by byte-pair encoding's queue of
 * merges for long chunks (text/bpe.c) and byte-pair training's queue of pairs by count
 * (text/bpe_train.c). The caller owns the array and makes room before pushing.
 *
 * The functions are static inline and take the element size and the test as arguments, as the
 * Linux kernel's min_heap.h does: each call site passes constants, so the compiler turns the
 * copies into moves of that size and inlines the test, and the loops are as fast as ones written
 * for the type. Equal elements come out in no promised order: a caller that needs one makes
 * `first` a total order (both callers break ties by position or by ids).
 */
#ifndef NT_HEAP_H
#define NT_HEAP_H

#include <stddef.h>
#include <string.h>

/* Whether x comes out before y. */
typedef int (*HeapFirstFn)(const void *x, const void *y);

/* Adds the element at x (not in the array) to the n in base, which has room for n + 1. */
static inline void heap_push(void *base, size_t *n, size_t size, const void *x, HeapFirstFn first)
{
    unsigned char *h = base;
    /* Sift up: parents that x comes before move down into the hole, x goes where it stops. */
    size_t i = (*n)++;
    while (i > 0 && first(x, h + (i - 1) / 2 * size)) {
        memcpy(h + i * size, h + (i - 1) / 2 * size, size);
        i = (i - 1) / 2;
    }
    memcpy(h + i * size, x, size);
}

/* Takes the first of the n (> 0) elements in base into *top. */
static inline void heap_pop(void *base, size_t *n, size_t size, void *top, HeapFirstFn first)
{
    unsigned char *h = base;
    memcpy(top, h, size);
    /* The last element x sifts down from the root: the child that comes first moves up into
     * the hole while it comes before x. x stays where it was, past the new end, as the loop
     * writes only below it. */
    const unsigned char *x = h + --(*n) * size;
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && first(h + (c + 1) * size, h + c * size)) c++;
        if (!first(h + c * size, x)) break;
        memcpy(h + i * size, h + c * size, size);
        i = c;
    }
    if (*n) memcpy(h + i * size, x, size);
}

#endif
