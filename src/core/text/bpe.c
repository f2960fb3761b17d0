/* bpe.c - byte-pair encoding: the vocabulary index and the merging of a chunk. See bpe.h. */
#include "core/text/bpe.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/array.h"
#include "core/base/bytes.h"
#include "core/base/hashidx.h"
#include "core/base/heap.h"
#include "core/base/i18n.h"

#define RANK_NONE INT32_MAX

/* ========================================================================================== */
/* The index: token bytes -> id */

struct BpeIndex {
    HashIdx ids;       /* token bytes -> id, keys in the tokenizer's table */
    const uint32_t *off;
    const uint8_t *bytes;
};

static inline uint64_t hash_bytes(const uint8_t *b, size_t n) { return fnv1a(FNV_OFFSET, b, n); }

static inline int token_is(const void *ctx, int32_t id, const void *key)
{
    const BpeIndex *ix = ctx;
    return hashidx_bytes_are(key, ix->bytes + ix->off[id], ix->off[id + 1] - ix->off[id]);
}

static uint64_t token_hash(const void *ctx, int32_t id)
{
    const BpeIndex *ix = ctx;
    return hash_bytes(ix->bytes + ix->off[id], ix->off[id + 1] - ix->off[id]);
}

BpeIndex *bpe_index_build(const Tokenizer *t, Err *e)
{
    /* At most half full, so that a lookup that misses stops soon. */
    size_t slots = 2 * (size_t)t->n_vocab;
    BpeIndex *ix = calloc(1, sizeof *ix);
    if (!ix || hashidx_init(&ix->ids, slots, 50)) {
        bpe_index_free(ix);
        err_nomem(e, N_("vocabulary index"), slots * 4);
        return NULL;
    }
    ix->off = t->offsets;
    ix->bytes = t->bytes;
    for (int32_t id = 0; id < t->n_vocab; id++) {
        if (t->special[id]) continue;
        HashIdxBytes k = {t->bytes + t->offsets[id], t->offsets[id + 1] - t->offsets[id]};
        /* The slots were sized for the whole vocabulary, so this never grows (nor fails). */
        int32_t j = hashidx_put(&ix->ids, hash_bytes(k.p, k.n), id, token_is, token_hash, ix, &k);
        if (j != id) {
            bpe_index_free(ix);
            if (j == HASHIDX_NOMEM) err_nomem(e, N_("vocabulary index"), slots * 4);
            else err_input(e, _("vocabulary tokens %d and %d have the same bytes"), j, id);
            return NULL;
        }
    }
    return ix;
}

void bpe_index_free(BpeIndex *ix)
{
    if (!ix) return;
    hashidx_free(&ix->ids);
    free(ix);
}

int32_t bpe_index_find(const BpeIndex *ix, const uint8_t *b, size_t n)
{
    return hashidx_find(&ix->ids, hash_bytes(b, n), token_is, ix, &(HashIdxBytes){b, n});
}

/* ========================================================================================== */
/* Encoding a chunk */

/* Chunks up to this length use tiktoken's linear scan (quadratic, but fastest when short);
 * longer ones the heap. */
#define LINEAR_MAX 128
/* Chunks longer than this are not cached (they rarely repeat). */
#define CACHE_MAX_CHUNK 256
#define CACHE_MAX_BYTES (32u << 20)
/* The cache's index starts at 4,096 slots and grows up to about a million (70% full). */
#define CACHE_FIRST_SLOTS 4096
#define CACHE_MAX_SLOTS (1u << 20)

typedef struct {
    uint64_t hash;
    uint32_t key, key_len, ids, n_ids; /* offsets into the arenas */
} CacheEntry;

typedef struct {
    int32_t rank;
    uint32_t pos;
} HeapItem;

struct BpeWork {
    /* scratch */
    uint32_t *pos;
    int32_t *rank;
    size_t cap;
    uint32_t *next, *prev;
    HeapItem *heap;
    /* cache: chunk bytes -> entry, the index made on the first chunk put */
    HashIdx cache;
    CacheEntry *entries;
    size_t n_entries, entries_cap;
    uint8_t *keys;
    size_t keys_len, keys_cap;
    int32_t *ids;
    size_t ids_len, ids_cap;
};

BpeWork *bpe_work_create(void) { return calloc(1, sizeof(BpeWork)); }

void bpe_work_free(BpeWork *w)
{
    if (!w) return;
    free(w->pos), free(w->rank), free(w->next), free(w->prev), free(w->heap);
    hashidx_free(&w->cache);
    free(w->entries), free(w->keys), free(w->ids);
    free(w);
}

static int32_t rank_of(const Tokenizer *t, const uint8_t *b, size_t n)
{
    int32_t id = bpe_index_find(t->bpe, b, n);
    return id >= 0 ? id : RANK_NONE;
}

/* The id of a part that merging left whole: a single byte or a token. */
static int32_t part_id(const Tokenizer *t, const uint8_t *b, size_t n)
{
    return n == 1 ? t->byte_id[b[0]] : bpe_index_find(t->bpe, b, n);
}

/* tiktoken's byte_pair_merge: rank[i] is the rank of joining part i with part i+1. */
static long encode_linear(const Tokenizer *t, BpeWork *w, const uint8_t *c, size_t n, int32_t *out)
{
    uint32_t *pos = w->pos;
    int32_t *rank = w->rank;
    size_t m = n + 1; /* boundaries */
    for (size_t i = 0; i <= n; i++) pos[i] = (uint32_t)i;
    for (size_t i = 0; i + 2 <= n; i++) rank[i] = rank_of(t, c + i, 2);
    rank[n - 1] = rank[n] = RANK_NONE;
    for (;;) {
        int32_t best = RANK_NONE;
        size_t bi = 0;
        for (size_t i = 0; i + 1 < m; i++)
            if (rank[i] < best) best = rank[i], bi = i;
        if (best == RANK_NONE) break;
        /* join parts bi and bi+1: their neighbours' ranks change, computed over the boundaries
         * as they will be once pos[bi+1] is gone */
        if (bi > 0) rank[bi - 1] = bi + 2 < m ? rank_of(t, c + pos[bi - 1], pos[bi + 2] - pos[bi - 1]) : RANK_NONE;
        rank[bi] = bi + 3 < m ? rank_of(t, c + pos[bi], pos[bi + 3] - pos[bi]) : RANK_NONE;
        memmove(pos + bi + 1, pos + bi + 2, (m - bi - 2) * sizeof *pos);
        memmove(rank + bi + 1, rank + bi + 2, (m - bi - 2) * sizeof *rank);
        m--;
    }
    for (size_t i = 0; i + 1 < m; i++) out[i] = part_id(t, c + pos[i], pos[i + 1] - pos[i]);
    return (long)(m - 1);
}

/* The merge queue's order: lowest rank first, the leftmost of equal ranks. */
static inline int item_first(const void *x, const void *y)
{
    const HeapItem *a = x, *b = y;
    return a->rank < b->rank || (a->rank == b->rank && a->pos < b->pos);
}

static inline void queue_push(HeapItem *heap, size_t *n, int32_t rank, uint32_t pos)
{
    heap_push(heap, n, sizeof *heap, &(HeapItem){rank, pos}, item_first);
}

/* The same merges in O(n log n): parts in a linked list (identified by their first byte), the
 * joinable pairs in a heap ordered by (rank, position), so the leftmost lowest rank comes first,
 * exactly as the linear scan picks it. Entries made stale by a merge are skipped when popped. */
static long encode_heap(const Tokenizer *t, BpeWork *w, const uint8_t *c, size_t n, int32_t *out)
{
    const uint32_t END = UINT32_MAX;
    uint32_t *next = w->next, *prev = w->prev;
    int32_t *rank = w->rank;
    HeapItem *heap = w->heap;
    size_t hn = 0;
    for (size_t i = 0; i < n; i++) {
        next[i] = i + 1 < n ? (uint32_t)(i + 1) : END;
        prev[i] = i > 0 ? (uint32_t)(i - 1) : END;
        rank[i] = i + 1 < n ? rank_of(t, c + i, 2) : RANK_NONE;
        if (rank[i] != RANK_NONE) queue_push(heap, &hn, rank[i], (uint32_t)i);
    }
    /* A part's end is the next part's start (or n). */
#define PART_END(i) (next[i] == END ? (uint32_t)n : next[i])
    while (hn) {
        HeapItem top;
        heap_pop(heap, &hn, sizeof *heap, &top, item_first);
        uint32_t i = top.pos;
        if (rank[i] != top.rank || next[i] == END) continue; /* stale */
        uint32_t j = next[i];
        next[i] = next[j];
        if (next[j] != END) prev[next[j]] = i;
        rank[j] = RANK_NONE;
        next[j] = END; /* j is gone */
        rank[i] = next[i] != END ? rank_of(t, c + i, PART_END(next[i]) - i) : RANK_NONE;
        if (rank[i] != RANK_NONE) queue_push(heap, &hn, rank[i], i);
        if (prev[i] != END) {
            uint32_t p = prev[i];
            rank[p] = rank_of(t, c + p, PART_END(i) - p);
            if (rank[p] != RANK_NONE) queue_push(heap, &hn, rank[p], p);
        }
    }
    long k = 0;
    for (uint32_t i = 0; i != END; i = next[i]) out[k++] = part_id(t, c + i, PART_END(i) - i);
#undef PART_END
    return k;
}

typedef struct {
    HashIdxBytes bytes;
    uint64_t hash;
} CacheKey;

static inline int cache_entry_is(const void *ctx, int32_t id, const void *key)
{
    const BpeWork *w = ctx;
    const CacheEntry *ce = &w->entries[id];
    const CacheKey *k = key;
    return ce->hash == k->hash && hashidx_bytes_are(&k->bytes, w->keys + ce->key, ce->key_len);
}

static uint64_t cache_entry_hash(const void *ctx, int32_t id) { return ((const BpeWork *)ctx)->entries[id].hash; }

static const CacheEntry *cache_find(const BpeWork *w, uint64_t h, const uint8_t *c, size_t n)
{
    int32_t id = hashidx_find(&w->cache, h, cache_entry_is, w, &(CacheKey){{c, n}, h});
    return id >= 0 ? &w->entries[id] : NULL;
}

static void cache_clear(BpeWork *w)
{
    hashidx_clear(&w->cache);
    w->n_entries = w->keys_len = w->ids_len = 0;
}

/* Remembers that chunk c encodes to ids. Any failure only leaves the chunk out: no cache is
 * only slower. */
static void cache_put(BpeWork *w, uint64_t h, const uint8_t *c, size_t n, const int32_t *ids, size_t k)
{
    if (w->keys_len + n > CACHE_MAX_BYTES) cache_clear(w);
    if (!w->cache.slot && hashidx_init(&w->cache, CACHE_FIRST_SLOTS, 70)) return;
    /* The index grows (and rehashes) up to CACHE_MAX_SLOTS; beyond, the cache starts over. */
    if (hashidx_full(&w->cache) && 2 * (w->cache.mask + 1) > CACHE_MAX_SLOTS) cache_clear(w);
    if (array_grow((void **)&w->entries, &w->entries_cap, w->n_entries + 1, sizeof *w->entries, 1024)
        || array_grow((void **)&w->keys, &w->keys_cap, w->keys_len + n, 1, 16)
        || array_grow((void **)&w->ids, &w->ids_cap, w->ids_len + k, sizeof(int32_t), 16))
        return;
    int32_t id = (int32_t)w->n_entries;
    if (hashidx_put(&w->cache, h, id, cache_entry_is, cache_entry_hash, w, &(CacheKey){{c, n}, h}) != id) return;
    w->entries[id] = (CacheEntry){h, (uint32_t)w->keys_len, (uint32_t)n, (uint32_t)w->ids_len, (uint32_t)k};
    memcpy(w->keys + w->keys_len, c, n);
    memcpy(w->ids + w->ids_len, ids, k * sizeof(int32_t));
    w->keys_len += n;
    w->ids_len += k;
    w->n_entries++;
}

/* Room in every scratch array for chunks of up to n bytes; the heap holds the n - 1 initial
 * pairs and at most two more per merge. */
static int scratch_reserve(BpeWork *w, size_t n)
{
    void **const cols[] = {(void **)&w->pos, (void **)&w->rank, (void **)&w->next, (void **)&w->prev,
                           (void **)&w->heap};
    const size_t elems[] = {sizeof *w->pos, sizeof *w->rank, sizeof *w->next, sizeof *w->prev,
                            3 * sizeof *w->heap};
    return array_grow_columns(&w->cap, n, 64, 5, cols, elems);
}

long bpe_encode_chunk(const Tokenizer *t, BpeWork *w, const uint8_t *c, size_t n, int32_t *out)
{
    if (n == 0) return 0;
    if (n == 1) {
        out[0] = t->byte_id[c[0]];
        return 1;
    }
    /* A whole chunk that is a token is the common case for frequent words. */
    int32_t whole = bpe_index_find(t->bpe, c, n);
    if (whole >= 0) {
        out[0] = whole;
        return 1;
    }
    uint64_t h = 0;
    if (n <= CACHE_MAX_CHUNK) {
        h = hash_bytes(c, n);
        const CacheEntry *ce = cache_find(w, h, c, n);
        if (ce) {
            memcpy(out, w->ids + ce->ids, ce->n_ids * sizeof(int32_t));
            return ce->n_ids;
        }
    }
    if (scratch_reserve(w, n + 1)) return -1;
    long k = n <= LINEAR_MAX ? encode_linear(t, w, c, n, out) : encode_heap(t, w, c, n, out);
    if (n <= CACHE_MAX_CHUNK) cache_put(w, h, c, n, out, (size_t)k);
    return k;
}
