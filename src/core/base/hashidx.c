/* hashidx.c - creating, clearing and growing the hash index; lookups are inline in hashidx.h. */
#include "core/base/hashidx.h"

#include <stdlib.h>
#include <string.h>

/* How many ids `slots` slots hold at max_load per 100 (always fewer than slots). */
static size_t most_ids(size_t slots, unsigned max_load)
{
    return slots / 100 * max_load + slots % 100 * max_load / 100; /* slots * max_load / 100, not overflowing */
}

/* A fresh array of `slots` empty slots, or NULL. */
static int32_t *slots_alloc(size_t slots)
{
    if (slots > SIZE_MAX / sizeof(int32_t)) return NULL;
    int32_t *s = malloc(slots * sizeof *s);
    if (s) memset(s, 0xff, slots * sizeof *s); /* every byte 0xff: HASHIDX_NONE */
    return s;
}

int hashidx_init(HashIdx *ix, size_t slots, unsigned max_load)
{
    size_t cap = 1;
    while (cap < slots && cap <= SIZE_MAX / 2) cap <<= 1;
    /* At most 90%: a probe chain always ends at an empty slot, and never a very long way off. */
    max_load = max_load < 1 ? 1 : max_load > 90 ? 90 : max_load;
    *ix = (HashIdx){.slot = slots_alloc(cap), .mask = cap - 1, .most = most_ids(cap, max_load), .max_load = max_load};
    return ix->slot ? 0 : -1;
}

void hashidx_free(HashIdx *ix)
{
    free(ix->slot);
    ix->slot = NULL;
    ix->n = 0;
}

void hashidx_clear(HashIdx *ix)
{
    if (ix->slot) memset(ix->slot, 0xff, (ix->mask + 1) * sizeof *ix->slot);
    ix->n = 0;
}

int hashidx_grow(HashIdx *ix, HashIdxHashFn hash_of, const void *ctx)
{
    size_t cap = ix->mask + 1;
    int32_t *s = cap <= SIZE_MAX / 2 ? slots_alloc(2 * cap) : NULL;
    if (!s) return -1;
    size_t mask = 2 * cap - 1;
    /* The ids are distinct, so each goes in the first empty slot of its new chain. */
    for (size_t i = 0; i < cap; i++) {
        int32_t id = ix->slot[i];
        if (id < 0) continue;
        size_t j = (size_t)hash_of(ctx, id) & mask;
        while (s[j] >= 0) j = (j + 1) & mask;
        s[j] = id;
    }
    free(ix->slot);
    ix->slot = s;
    ix->mask = mask;
    ix->most = most_ids(2 * cap, ix->max_load);
    return 0;
}
