/* bpe_train.c - learning byte-pair merges from a corpus. See bpe_train.h. */
#include "core/text/bpe_train.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/array.h"
#include "core/base/bytes.h"
#include "core/base/hashidx.h"
#include "core/base/heap.h"
#include "core/base/i18n.h"
#include "core/text/pretok.h"

static inline uint64_t hash_bytes(const uint8_t *b, size_t n) { return fnv1a(FNV_OFFSET, b, n); }

typedef struct {
    int32_t a, b;
    int64_t count;
    int64_t delta;     /* change pending while a merge is applied */
    int32_t *words;    /* chunks the pair has occurred in (may repeat or be out of date) */
    uint32_t n_words, cap_words;
    int touched;
} Pair;

typedef struct {
    int64_t count;
    int32_t a, b;
} PairItem;

struct BpeTrainer {
    int pattern;
    /* the vocabulary so far: token id -> bytes, and bytes -> id */
    uint8_t *tok_bytes;
    size_t tb_len, tb_cap;
    uint32_t *tok_off;   /* n_tok + 1 */
    size_t n_tok, off_cap;
    HashIdx vocab;
    /* distinct chunks as symbol sequences, with their counts */
    int32_t *syms;
    uint32_t *woff, *wlen, *wstamp;
    int64_t *wcount;
    size_t n_words, total_chunks;
    /* pairs: (a, b) -> index, counts, and the heap ordering them */
    Pair *pairs;
    size_t n_pairs, pairs_cap;
    HashIdx pair_ids;
    PairItem *heap;
    size_t hn, hcap;
    int32_t *touched;
    size_t n_touched, touched_cap;
    int n_merges;
};

/* ---- the vocabulary ---- */

static inline int token_is(const void *ctx, int32_t id, const void *key)
{
    const BpeTrainer *t = ctx;
    return hashidx_bytes_are(key, t->tok_bytes + t->tok_off[id], t->tok_off[id + 1] - t->tok_off[id]);
}

static uint64_t token_hash(const void *ctx, int32_t id)
{
    const BpeTrainer *t = ctx;
    return hash_bytes(t->tok_bytes + t->tok_off[id], t->tok_off[id + 1] - t->tok_off[id]);
}

static int32_t vocab_find(const BpeTrainer *t, const uint8_t *b, size_t n)
{
    return hashidx_find(&t->vocab, hash_bytes(b, n), token_is, t, &(HashIdxBytes){b, n});
}

/* Appends a token of bytes a then b, which the vocabulary does not have yet; returns its id or
 * -1 when out of memory. */
static int32_t vocab_add(BpeTrainer *t, const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    if (array_grow((void **)&t->tok_bytes, &t->tb_cap, t->tb_len + na + nb, 1, 16)
        || array_grow((void **)&t->tok_off, &t->off_cap, t->n_tok + 2, sizeof *t->tok_off, 16))
        return -1;
    /* a and b must not point into tok_bytes, which may just have moved: the caller joins them in a copy */
    uint8_t *x = t->tok_bytes + t->tb_len;
    memcpy(x, a, na);
    memcpy(x + na, b, nb);
    int32_t id = (int32_t)t->n_tok;
    if (hashidx_put(&t->vocab, hash_bytes(x, na + nb), id, token_is, token_hash, t, &(HashIdxBytes){x, na + nb}) != id)
        return -1;
    t->tb_len += na + nb;
    t->tok_off[++t->n_tok] = (uint32_t)t->tb_len;
    return id;
}

const uint8_t *bpe_trainer_token(const BpeTrainer *t, int32_t id, size_t *len)
{
    if (id < 0 || (size_t)id >= t->n_tok) {
        *len = 0;
        return (const uint8_t *)"";
    }
    *len = t->tok_off[id + 1] - t->tok_off[id];
    return t->tok_bytes + t->tok_off[id];
}

/* ---- pairs ---- */

static inline uint64_t pair_hash(int32_t a, int32_t b)
{
    uint64_t x = ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) * 0x9e3779b97f4a7c15ULL;
    return x ^ (x >> 29);
}

static inline int pair_is(const void *ctx, int32_t i, const void *key)
{
    const Pair *p = &((const BpeTrainer *)ctx)->pairs[i];
    const int32_t *ab = key;
    return p->a == ab[0] && p->b == ab[1];
}

static uint64_t pair_hash_of(const void *ctx, int32_t i)
{
    const Pair *p = &((const BpeTrainer *)ctx)->pairs[i];
    return pair_hash(p->a, p->b);
}

/* The index of pair (a, b), created with count 0 if `create`; -1 if absent (or out of memory). */
static long pair_index(BpeTrainer *t, int32_t a, int32_t b, int create)
{
    const int32_t ab[2] = {a, b};
    uint64_t h = pair_hash(a, b);
    int32_t i = hashidx_find(&t->pair_ids, h, pair_is, t, ab);
    if (i >= 0 || !create) return i;
    if (array_grow((void **)&t->pairs, &t->pairs_cap, t->n_pairs + 1, sizeof *t->pairs, 16)
        || hashidx_put(&t->pair_ids, h, (int32_t)t->n_pairs, pair_is, pair_hash_of, t, ab) < 0)
        return -1;
    t->pairs[t->n_pairs] = (Pair){.a = a, .b = b};
    return (long)t->n_pairs++;
}

static int pair_note_word(Pair *p, int32_t w)
{
    if (p->n_words && p->words[p->n_words - 1] == w) return 0;
    if (p->n_words == p->cap_words) {
        uint32_t c = p->cap_words ? p->cap_words * 2 : 4;
        int32_t *q = realloc(p->words, c * sizeof *q);
        if (!q) return -1;
        p->words = q;
        p->cap_words = c;
    }
    p->words[p->n_words++] = w;
    return 0;
}

/* The heap's order, the order merges are made in: the higher count first, then the lower pair
 * of ids. */
static inline int item_first(const void *x, const void *y)
{
    const PairItem *p = x, *q = y;
    if (p->count != q->count) return p->count > q->count;
    if (p->a != q->a) return p->a < q->a;
    return p->b < q->b;
}

static int item_push(BpeTrainer *t, PairItem x)
{
    if (array_grow((void **)&t->heap, &t->hcap, t->hn + 1, sizeof *t->heap, 16)) return -1;
    heap_push(t->heap, &t->hn, sizeof *t->heap, &x, item_first);
    return 0;
}

static PairItem item_pop(BpeTrainer *t)
{
    PairItem top;
    heap_pop(t->heap, &t->hn, sizeof *t->heap, &top, item_first);
    return top;
}

/* Pops until an entry agrees with its pair's current count (a change of count pushes a fresh
 * entry, so disagreeing ones are out of date) and would make a token a tokenizer can hold
 * (a pair of tokens too long together is passed over each time it comes up). Returns the pair's
 * index, or -1 when none. */
static long pop_current(BpeTrainer *t, PairItem *it)
{
    while (t->hn) {
        *it = item_pop(t);
        long i = pair_index(t, it->a, it->b, 0);
        size_t joined = (size_t)t->tok_off[it->a + 1] - t->tok_off[it->a] + t->tok_off[it->b + 1] - t->tok_off[it->b];
        if (i >= 0 && t->pairs[i].count == it->count && it->count > 0 && joined <= TOKENIZER_MAX_TOKEN) return i;
    }
    return -1;
}

/* ---- creation: pre-tokenize, count distinct chunks ---- */

typedef struct {
    const uint8_t *p;   /* where the text first has it */
    uint64_t hash;
    int64_t count;
    uint32_t len;
} ChunkEntry;

typedef struct {
    HashIdx ids;        /* chunk bytes -> entry */
    ChunkEntry *ent;    /* the distinct chunks, in the order the text first has them */
    size_t n, cap, total;
    int oom;
} ChunkCount;

/* Room for 65,536 distinct chunks from the start (2 MB, touched only as far as it fills), so
 * that most texts never move the array. Its size matters again when it is freed: glibc then
 * serves blocks up to that size from its reusable heap rather than from fresh mappings, so the
 * merges' pair table (1.5 MB on the 1 MB benchmark text) is not faulted in page by page on
 * every run; a first block of 128 KB measured twice the page faults and slower merging. */
#define CHUNKS_FIRST 65536

static inline int chunk_is(const void *ctx, int32_t id, const void *key)
{
    const ChunkEntry *ce = &((const ChunkCount *)ctx)->ent[id], *k = key;
    return ce->hash == k->hash && ce->len == k->len && memcmp(ce->p, k->p, k->len) == 0;
}

static uint64_t chunk_hash(const void *ctx, int32_t id) { return ((const ChunkCount *)ctx)->ent[id].hash; }

static int count_chunk(void *ctx, const uint8_t *c, size_t n)
{
    ChunkCount *cc = ctx;
    cc->total++;
    ChunkEntry x = {c, hash_bytes(c, n), 1, (uint32_t)n};
    int32_t id = hashidx_find(&cc->ids, x.hash, chunk_is, cc, &x);
    if (id >= 0) {
        cc->ent[id].count++;
        return 0;
    }
    /* The pre-tokenizer hands chunks over in the text's order, so appending a chunk when it is
     * first seen keeps the entries in the order of first occurrence: the order the merges'
     * ties are broken in, whatever the hash table's layout. */
    if (array_grow((void **)&cc->ent, &cc->cap, cc->n + 1, sizeof *cc->ent, CHUNKS_FIRST)
        || hashidx_put(&cc->ids, x.hash, (int32_t)cc->n, chunk_is, chunk_hash, cc, &x) < 0)
        return cc->oom = 1;
    cc->ent[cc->n++] = x;
    return 0;
}

static void chunks_free(ChunkCount *cc)
{
    hashidx_free(&cc->ids);
    free(cc->ent);
    cc->ent = NULL;
}

BpeTrainer *bpe_trainer_create(const uint8_t *text, size_t n, int pattern, Err *e)
{
    if (n == 0) {
        err_input(e, _("the text to train on is empty"));
        return NULL;
    }
    const Pretok *pt = pretok_get(pattern, e);
    if (pattern != PRETOK_NONE && !pt) return NULL;
    BpeTrainer *t = calloc(1, sizeof *t);
    ChunkCount cc = {0};
    if (!t || hashidx_init(&cc.ids, 1 << 16, 50)) goto oom;
    t->pattern = pattern;
    int rc = pretok_split(pt, text, n, count_chunk, &cc, e);
    if (cc.oom) goto oom;
    if (rc) {
        chunks_free(&cc);
        bpe_trainer_free(t);
        return NULL;
    }
    t->total_chunks = cc.total;

    /* The 256 bytes are the first tokens. */
    t->tok_off = malloc(257 * sizeof *t->tok_off);
    t->tok_bytes = malloc(256);
    if (hashidx_init(&t->vocab, 1024, 50) || !t->tok_off || !t->tok_bytes) goto oom;
    t->off_cap = 257, t->tb_cap = 256;
    for (int i = 0; i < 256; i++) t->tok_bytes[i] = (uint8_t)i, t->tok_off[i] = (uint32_t)i;
    t->tok_off[256] = 256;
    t->tb_len = t->n_tok = 256;
    for (int32_t i = 0; i < 256; i++)
        if (hashidx_put(&t->vocab, token_hash(t, i), i, token_is, token_hash, t, &(HashIdxBytes){t->tok_bytes + i, 1}) != i)
            goto oom;

    /* Distinct chunks become words of byte symbols, in the order the text first has them. */
    size_t total_len = 0;
    for (size_t w = 0; w < cc.n; w++) total_len += cc.ent[w].len;
    t->syms = malloc(total_len * sizeof *t->syms);
    t->woff = malloc(cc.n * sizeof *t->woff);
    t->wlen = malloc(cc.n * sizeof *t->wlen);
    t->wstamp = calloc(cc.n, sizeof *t->wstamp);
    t->wcount = malloc(cc.n * sizeof *t->wcount);
    if (!t->syms || !t->woff || !t->wlen || !t->wstamp || !t->wcount) goto oom;
    size_t at = 0;
    for (size_t w = 0; w < cc.n; w++) {
        const ChunkEntry *ce = &cc.ent[w];
        t->woff[w] = (uint32_t)at;
        t->wlen[w] = ce->len;
        t->wcount[w] = ce->count;
        for (uint32_t i = 0; i < ce->len; i++) t->syms[at++] = ce->p[i];
    }
    t->n_words = cc.n;
    chunks_free(&cc);

    /* Count every adjacent pair, weighted by its chunk's count. */
    if (hashidx_init(&t->pair_ids, 1 << 16, 50)) goto oom;
    for (size_t w = 0; w < t->n_words; w++) {
        const int32_t *s = t->syms + t->woff[w];
        for (uint32_t i = 0; i + 1 < t->wlen[w]; i++) {
            long p = pair_index(t, s[i], s[i + 1], 1);
            if (p < 0 || pair_note_word(&t->pairs[p], (int32_t)w)) goto oom;
            t->pairs[p].count += t->wcount[w];
        }
    }
    for (size_t i = 0; i < t->n_pairs; i++)
        if (item_push(t, (PairItem){t->pairs[i].count, t->pairs[i].a, t->pairs[i].b})) goto oom;
    return t;
oom:
    chunks_free(&cc);
    bpe_trainer_free(t);
    err_nomem(e, N_("BPE training"), n * 16);
    return NULL;
}

void bpe_trainer_free(BpeTrainer *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n_pairs; i++) free(t->pairs[i].words);
    free(t->pairs), free(t->heap), free(t->touched);
    hashidx_free(&t->pair_ids);
    free(t->syms), free(t->woff), free(t->wlen), free(t->wstamp), free(t->wcount);
    free(t->tok_bytes), free(t->tok_off);
    hashidx_free(&t->vocab);
    free(t);
}

int bpe_trainer_vocab_size(const BpeTrainer *t) { return (int)t->n_tok; }
int bpe_trainer_merges(const BpeTrainer *t) { return t->n_merges; }

void bpe_trainer_chunk_counts(const BpeTrainer *t, size_t *total, size_t *distinct)
{
    *total = t->total_chunks;
    *distinct = t->n_words;
}

int bpe_trainer_top(BpeTrainer *t, BpePair *out, int n)
{
    int k = 0;
    PairItem it;
    while (k < n) {
        long i = pop_current(t, &it);
        if (i < 0) break;
        int dup = 0;
        for (int j = 0; j < k; j++) dup |= out[j].a == it.a && out[j].b == it.b;
        if (!dup) out[k++] = (BpePair){it.a, it.b, it.count};
    }
    for (int j = 0; j < k; j++) item_push(t, (PairItem){out[j].count, out[j].a, out[j].b});
    return k;
}

/* Adds d to pair (a, b)'s pending change. */
static int pair_delta(BpeTrainer *t, int32_t a, int32_t b, int64_t d)
{
    long i = pair_index(t, a, b, 1);
    if (i < 0) return -1;
    Pair *p = &t->pairs[i];
    if (!p->touched) {
        if (array_grow((void **)&t->touched, &t->touched_cap, t->n_touched + 1, sizeof *t->touched, 16)) return -1;
        t->touched[t->n_touched++] = (int32_t)i;
        p->touched = 1;
    }
    p->delta += d;
    return 0;
}

int bpe_trainer_step(BpeTrainer *t, BpeMerge *out, Err *e)
{
    PairItem it;
    long pi = pop_current(t, &it);
    if (pi < 0) return 0;
    const int32_t a = it.a, b = it.b;
    const int64_t count = it.count;
    /* The new token's bytes, or the token that already has them. */
    size_t na, nb;
    bpe_trainer_token(t, a, &na);
    bpe_trainer_token(t, b, &nb);
    uint8_t stack[256], *joined = na + nb <= sizeof stack ? stack : malloc(na + nb);
    if (!joined) return err_nomem(e, N_("BPE token"), na + nb);
    memcpy(joined, t->tok_bytes + t->tok_off[a], na);
    memcpy(joined + na, t->tok_bytes + t->tok_off[b], nb);
    int32_t x = vocab_find(t, joined, na + nb);
    int is_new = x < 0;
    if (is_new) x = vocab_add(t, joined, na, joined + na, nb);
    if (joined != stack) free(joined);
    if (x < 0) return err_nomem(e, N_("BPE vocabulary"), t->tb_len);

    /* Each chunk holding the pair: take its pairs out, merge left to right, put its pairs
     * back. Recounting the whole chunk is what makes overlapping pairs ("aaa") come out as a
     * full recount would. The pair's list may name a chunk twice or one that no longer has it. */
    const uint32_t stamp = (uint32_t)t->n_merges + 1;
    Pair *p = &t->pairs[pi];
    for (uint32_t k = 0; k < p->n_words; k++) {
        int32_t w = p->words[k];
        if (t->wstamp[w] == stamp) continue;
        t->wstamp[w] = stamp;
        int32_t *s = t->syms + t->woff[w];
        uint32_t len = t->wlen[w], i;
        for (i = 0; i + 1 < len && !(s[i] == a && s[i + 1] == b); i++) {}
        if (i + 1 >= len) continue;
        int64_t c = t->wcount[w];
        for (i = 0; i + 1 < len; i++)
            if (pair_delta(t, s[i], s[i + 1], -c)) return err_nomem(e, N_("BPE pairs"), t->n_pairs * sizeof(Pair));
        uint32_t o = 0;
        for (i = 0; i < len;) {
            if (i + 1 < len && s[i] == a && s[i + 1] == b) s[o++] = x, i += 2;
            else s[o++] = s[i++];
        }
        t->wlen[w] = len = o;
        for (i = 0; i + 1 < len; i++) {
            if (pair_delta(t, s[i], s[i + 1], c)) return err_nomem(e, N_("BPE pairs"), t->n_pairs * sizeof(Pair));
            /* Pairs with the new token are new to this chunk; the others already list it. */
            if (s[i] == x || s[i + 1] == x) {
                long q = pair_index(t, s[i], s[i + 1], 0);
                if (pair_note_word(&t->pairs[q], w)) return err_nomem(e, N_("BPE pairs"), 0);
            }
        }
        p = &t->pairs[pi]; /* pair_delta may have moved the array */
    }
    for (size_t k = 0; k < t->n_touched; k++) {
        Pair *q = &t->pairs[t->touched[k]];
        q->touched = 0;
        if (q->delta == 0) continue;
        q->count += q->delta;
        q->delta = 0;
        if (q->count > 0 && item_push(t, (PairItem){q->count, q->a, q->b})) return err_nomem(e, N_("BPE heap"), 0);
    }
    t->n_touched = 0;
    /* The merged pair's chunk list is spent. */
    p = &t->pairs[pi];
    free(p->words);
    p->words = NULL;
    p->n_words = p->cap_words = 0;
    *out = (BpeMerge){.rank = t->n_merges, .a = a, .b = b, .id = x, .count = count, .is_new = is_new};
    t->n_merges++;
    return 1;
}

int bpe_trainer_run(BpeTrainer *t, int vocab, Err *e)
{
    BpeMerge m;
    int r = 1;
    while (bpe_trainer_vocab_size(t) < vocab && (r = bpe_trainer_step(t, &m, e)) == 1) {}
    return r;
}

int bpe_learn(const uint8_t *text, size_t n, int pattern, int vocab, Tokenizer *out, int *exhausted, Err *e)
{
    BpeTrainer *t = bpe_trainer_create(text, n, pattern, e);
    if (!t) return -1;
    int r = bpe_trainer_run(t, vocab, e);
    if (r >= 0) r = bpe_trainer_tokenizer(t, out, e);
    if (r == 0 && exhausted) *exhausted = bpe_trainer_vocab_size(t) < vocab;
    bpe_trainer_free(t);
    return r < 0 ? -1 : 0;
}

int bpe_trainer_tokenizer(const BpeTrainer *t, Tokenizer *out, Err *e)
{
    uint8_t *special = calloc(t->n_tok, 1);
    if (!special) return err_nomem(e, N_("vocabulary"), t->n_tok);
    int rc = tokenizer_init_table(out, "bpe", t->pattern, (int)t->n_tok, t->tok_off, t->tok_bytes, special, e);
    free(special);
    return rc;
}
