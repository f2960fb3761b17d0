/* array.c - growth by doubling for heap arrays; see array.h. */
#include "core/base/array.h"

#include <stdint.h>
#include <stdlib.h>

/* The capacity array_grow moves to, or 0 when it would overflow elem-byte elements. */
static size_t grown_capacity(size_t cap, size_t need, size_t elem, size_t first)
{
    size_t c = cap ? cap : (first ? first : 1);
    while (c < need) {
        if (c > SIZE_MAX / 2) return 0;
        c *= 2;
    }
    return elem && c > SIZE_MAX / elem ? 0 : c;
}

int array_grow(void **p, size_t *cap, size_t need, size_t elem, size_t first)
{
    if (need <= *cap) return 0;
    size_t c = grown_capacity(*cap, need, elem, first);
    if (!c) return -1;
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

int array_grow_columns(size_t *cap, size_t need, size_t first, int n, void **const cols[], const size_t elems[])
{
    if (need <= *cap) return 0;
    size_t grown = *cap;
    for (int i = 0; i < n; i++) {
        grown = *cap; /* every column grows from the shared capacity to the same new one */
        if (array_grow(cols[i], &grown, need, elems[i], first)) return -1;
    }
    *cap = grown;
    return 0;
}
