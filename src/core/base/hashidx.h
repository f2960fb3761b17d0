/*
 * hashidx.h - an open-addressing hash index from keys to int32 ids that point into the caller's
 * own array: the one hash table behind every lookup of the tokenizers. Used by byte-pair
 * encoding (text/bpe.c: token bytes -> id, and the cache of encoded chunks), byte-pair training
 * (text/bpe_train.c: the vocabulary so far, the pairs of tokens, the chunk counter) and the word
 * tokenizer (text/wordtok.c).
 *
 * The index holds only ids; the keys stay in the caller's array. So the caller computes each
 * key's 64-bit hash, gives an equality test that compares a key with the key of an id, and, for
 * growing, a function that gives an id's hash again. Slots are a power of two, probed linearly;
 * the index grows to twice its slots when one more id would pass its load (ids per 100 slots).
 * No caller deletes single keys, so there is no deletion: hashidx_clear empties the whole index.
 *
 * hashidx_find and hashidx_put are static inline so that the equality test, a constant at each
 * call site, is inlined into the probe loop (khash gets the same effect from its macros, the
 * Linux kernel's min_heap.h from inline functions taking their callbacks): the hot loops of
 * encoding and training make no indirect call.
 */
#ifndef NT_HASHIDX_H
#define NT_HASHIDX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HASHIDX_NONE (-1)   /* no id holds the key */
#define HASHIDX_NOMEM (-2)  /* the index could not grow */

typedef struct {
    int32_t *slot;       /* mask + 1 slots, each an id or HASHIDX_NONE; NULL before hashidx_init */
    size_t mask;         /* slots - 1 */
    size_t n;            /* ids held */
    size_t most;         /* ids it holds before it grows: max_load per 100 slots */
    unsigned max_load;
} HashIdx;

/* The key most callers have: a run of bytes. */
typedef struct {
    const uint8_t *p;
    size_t n;
} HashIdxBytes;

/* Whether the n bytes at p are key k: the heart of most callers' equality tests. */
static inline int hashidx_bytes_are(const HashIdxBytes *k, const void *p, size_t n)
{
    return k->n == n && memcmp(k->p, p, n) == 0;
}

/* Does the caller's id hold `key`? ctx is the caller's table. */
typedef int (*HashIdxEqFn)(const void *ctx, int32_t id, const void *key);
/* The hash of the key id holds, as the caller gave it when it put id in. */
typedef uint64_t (*HashIdxHashFn)(const void *ctx, int32_t id);

/* An empty index of at least `slots` slots (rounded up to a power of two) that grows past
 * max_load ids per 100 slots (1 to 90; more is taken as 90). 0, or -1 when memory runs out: *ix
 * then finds nothing and may be freed, but must not be put into. */
int hashidx_init(HashIdx *ix, size_t slots, unsigned max_load);
void hashidx_free(HashIdx *ix);

/* Forgets every id, keeping the slots. */
void hashidx_clear(HashIdx *ix);

/* Whether one more id would pass the load (and so make hashidx_put grow the index). */
static inline int hashidx_full(const HashIdx *ix) { return ix->n >= ix->most; }

/* Doubles the slots, placing every id again by hash_of. 0, or -1 when memory runs out (the
 * index is then unchanged). hashidx_put calls it; a caller need not. */
int hashidx_grow(HashIdx *ix, HashIdxHashFn hash_of, const void *ctx);

/* The id that holds key (whose hash is h), or HASHIDX_NONE; eq(ctx, id, key) is asked about
 * each id on h's probe chain, which ends at the first empty slot. */
static inline int32_t hashidx_find(const HashIdx *ix, uint64_t h, HashIdxEqFn eq, const void *ctx, const void *key)
{
    if (!ix->slot) return HASHIDX_NONE;
    for (size_t i = (size_t)h & ix->mask;; i = (i + 1) & ix->mask) {
        int32_t id = ix->slot[i];
        if (id < 0 || eq(ctx, id, key)) return id;
    }
}

/* Puts id in for key (whose hash is h) unless an id already holds key: returns that id, so a
 * key is never in the index twice; else id once it is in; or HASHIDX_NOMEM. The index first
 * grows if one more id would pass its load (even when key turns out to be there already). eq
 * and hash_of are asked only about ids already in, so the caller may fill in id's entry after. */
static inline int32_t hashidx_put(HashIdx *ix, uint64_t h, int32_t id, HashIdxEqFn eq, HashIdxHashFn hash_of,
                                  const void *ctx, const void *key)
{
    if (hashidx_full(ix) && hashidx_grow(ix, hash_of, ctx)) return HASHIDX_NOMEM;
    size_t i = (size_t)h & ix->mask;
    for (int32_t old; (old = ix->slot[i]) >= 0; i = (i + 1) & ix->mask)
        if (eq(ctx, old, key)) return old;
    ix->slot[i] = id;
    ix->n++;
    return id;
}

#endif
