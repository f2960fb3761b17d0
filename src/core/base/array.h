/*
 * array.h - heap arrays that grow by doubling: the one rule for every table the project appends
 * to (token buffers, merge tables, loss histories, vocabularies).
 */
#ifndef NT_ARRAY_H
#define NT_ARRAY_H

#include <stddef.h>

/* Makes *p, which has room for *cap elements of elem bytes, hold at least need: the capacity
 * doubles from *cap (from first when 0) until it does. 0, or -1 when memory runs out or the
 * size would overflow; *p and *cap are then unchanged. */
int array_grow(void **p, size_t *cap, size_t need, size_t elem, size_t first);

/* The same for n arrays side by side that share one capacity (the columns of a table): each
 * cols[i] of elems[i]-byte elements. On failure *cap stays, and every array still holds at
 * least *cap elements (some may have grown). */
int array_grow_columns(size_t *cap, size_t need, size_t first, int n, void **const cols[], const size_t elems[]);

#endif
