/* bpe_train.c - learning byte-pair merges from a corpus. See bpe_train.h. */
#include "core/text/bpe_train.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/array.h"
#include "core/base/bytes.h"
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
    int32_t *vslot;
    size_t vmask;
    /* distinct chunks as symbol sequences, with their counts */
    int32_t *syms;
    uint32_t *woff, *wlen, *wstamp;
    int64_t *wcount;
    size_t n_words, total_chunks;
    /* pairs: (a, b) -> index, counts, and the heap ordering them */
    Pair *pairs;
    size_t n_pairs, pairs_cap;
    int32_t *pslot;
    size_t pmask;
    PairItem *heap;
    size_t hn, hcap;
    int32_t *touched;
    size_t n_touched, touched_cap;
    int n_merges;
};

/* ---- the vocabulary ---- */

static int32_t vocab_find(const BpeTrainer *t, const uint8_t *b, size_t n)
{
    for (size_t h = (size_t)hash_bytes(b, n) & t->vmask;; h = (h + 1) & t->vmask) {
        int32_t id = t->vslot[h];
        if (id < 0) return -1;
        if (t->tok_off[id + 1] - t->tok_off[id] == n && memcmp(t->tok_bytes + t->tok_off[id], b, n) == 0) return id;
    }
}

static void vocab_slot_insert(BpeTrainer *t, int32_t id)
{
    size_t n = t->tok_off[id + 1] - t->tok_off[id];
    size_t h = (size_t)hash_bytes(t->tok_bytes + t->tok_off[id], n) & t->vmask;
    while (t->vslot[h] >= 0) h = (h + 1) & t->vmask;
    t->vslot[h] = id;
}

/* Appends a token; returns its id or -1 when out of memory. */
static int32_t vocab_add(BpeTrainer *t, const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    if (array_grow((void **)&t->tok_bytes, &t->tb_cap, t->tb_len + na + nb, 1, 16)
        || array_grow((void **)&t->tok_off, &t->off_cap, t->n_tok + 2, sizeof *t->tok_off, 16))
        return -1;
    /* a and b may point into tok_bytes, which may just have moved: the caller passes ids */
    memcpy(t->tok_bytes + t->tb_len, a, na);
    memcpy(t->tok_bytes + t->tb_len + na, b, nb);
    t->tb_len += na + nb;
    int32_t id = (int32_t)t->n_tok++;
    t->tok_off[t->n_tok] = (uint32_t)t->tb_len;
    if ((t->n_tok + 1) * 2 > t->vmask + 1) { /* keep the table at most half full */
        size_t cap = (t->vmask + 1) * 2;
        int32_t *s = malloc(cap * sizeof *s);
        if (!s) return -1;
        free(t->vslot);
        t->vslot = s;
        t->vmask = cap - 1;
        memset(s, 0xff, cap * sizeof *s);
        for (int32_t i = 0; i < (int32_t)t->n_tok; i++) vocab_slot_insert(t, i);
    } else {
        vocab_slot_insert(t, id);
    }
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

static int pairs_rehash(BpeTrainer *t, size_t cap)
{
    int32_t *s = malloc(cap * sizeof *s);
    if (!s) return -1;
    memset(s, 0xff, cap * sizeof *s);
    for (size_t i = 0; i < t->n_pairs; i++) {
        size_t h = (size_t)pair_hash(t->pairs[i].a, t->pairs[i].b) & (cap - 1);
        while (s[h] >= 0) h = (h + 1) & (cap - 1);
        s[h] = (int32_t)i;
    }
    free(t->pslot);
    t->pslot = s;
    t->pmask = cap - 1;
    return 0;
}

/* The index of pair (a, b), created with count 0 if `create`; -1 if absent (or out of memory). */
static long pair_index(BpeTrainer *t, int32_t a, int32_t b, int create)
{
    size_t h = (size_t)pair_hash(a, b) & t->pmask;
    for (int32_t i; (i = t->pslot[h]) >= 0; h = (h + 1) & t->pmask)
        if (t->pairs[i].a == a && t->pairs[i].b == b) return i;
    if (!create) return -1;
    if (array_grow((void **)&t->pairs, &t->pairs_cap, t->n_pairs + 1, sizeof *t->pairs, 16)) return -1;
    long i = (long)t->n_pairs++;
    t->pairs[i] = (Pair){.a = a, .b = b};
    if (t->n_pairs * 2 > t->pmask + 1) {
        if (pairs_rehash(t, (t->pmask + 1) * 2)) return -1;
    } else {
        t->pslot[h] = (int32_t)i;
    }
    return i;
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

/* Max-heap by count, then the lower pair of ids: the order merges are made in. */
static inline int item_before(PairItem x, PairItem y)
{
    if (x.count != y.count) return x.count > y.count;
    if (x.a != y.a) return x.a < y.a;
    return x.b < y.b;
}

static int item_push(BpeTrainer *t, PairItem x)
{
    if (array_grow((void **)&t->heap, &t->hcap, t->hn + 1, sizeof *t->heap, 16)) return -1;
    size_t i = t->hn++;
    while (i > 0 && item_before(x, t->heap[(i - 1) / 2])) {
        t->heap[i] = t->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    t->heap[i] = x;
    return 0;
}

static PairItem item_pop(BpeTrainer *t)
{
    PairItem top = t->heap[0], x = t->heap[--t->hn];
    size_t i = 0, n = t->hn;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && item_before(t->heap[c + 1], t->heap[c])) c++;
        if (!item_before(t->heap[c], x)) break;
        t->heap[i] = t->heap[c];
        i = c;
    }
    if (n) t->heap[i] = x;
    return top;
}

/* Pops until an entry agrees with its pair's current count (a change of count pushes a fresh
 * entry, so disagreeing ones are out of date). Returns the pair's index, or -1 when none. */
static long pop_current(BpeTrainer *t, PairItem *it)
{
    while (t->hn) {
        *it = item_pop(t);
        long i = pair_index(t, it->a, it->b, 0);
        if (i >= 0 && t->pairs[i].count == it->count && it->count > 0) return i;
    }
    return -1;
}

/* ---- creation: pre-tokenize, count distinct chunks ---- */

typedef struct {
    const uint8_t *p;
    uint32_t len;
    int64_t count;
    uint64_t hash;
} ChunkEntry;

typedef struct {
    ChunkEntry *tab;
    size_t cap, used, total;
    int oom;
} ChunkCount;

static int count_chunk(void *ctx, const uint8_t *c, size_t n)
{
    ChunkCount *cc = ctx;
    cc->total++;
    if ((cc->used + 1) * 2 > cc->cap) {
        size_t cap = cc->cap * 2;
        ChunkEntry *t = calloc(cap, sizeof *t);
        if (!t) return cc->oom = 1;
        for (size_t i = 0; i < cc->cap; i++)
            if (cc->tab[i].p) {
                size_t j = (size_t)cc->tab[i].hash & (cap - 1);
                while (t[j].p) j = (j + 1) & (cap - 1);
                t[j] = cc->tab[i];
            }
        free(cc->tab);
        cc->tab = t;
        cc->cap = cap;
    }
    uint64_t h = hash_bytes(c, n);
    size_t i = (size_t)h & (cc->cap - 1);
    for (; cc->tab[i].p; i = (i + 1) & (cc->cap - 1))
        if (cc->tab[i].hash == h && cc->tab[i].len == n && memcmp(cc->tab[i].p, c, n) == 0) {
            cc->tab[i].count++;
            return 0;
        }
    cc->tab[i] = (ChunkEntry){c, (uint32_t)n, 1, h};
    cc->used++;
    return 0;
}

/* Chunks by where the text first has them (distinct chunks start at distinct places). */
static int by_first_occurrence(const void *x, const void *y)
{
    const uint8_t *a = (*(const ChunkEntry *const *)x)->p, *b = (*(const ChunkEntry *const *)y)->p;
    return (a > b) - (a < b);
}

BpeTrainer *bpe_trainer_create(const uint8_t *text, size_t n, int pattern, Err *e)
{
    if (n == 0) {
        err_input(e, "the text to train on is empty");
        return NULL;
    }
    const Pretok *pt = pretok_get(pattern, e);
    if (pattern != PRETOK_NONE && !pt) return NULL;
    BpeTrainer *t = calloc(1, sizeof *t);
    ChunkCount cc = {.cap = 1 << 16};
    cc.tab = calloc(cc.cap, sizeof *cc.tab);
    if (!t || !cc.tab) goto oom;
    t->pattern = pattern;
    int rc = pretok_split(pt, text, n, count_chunk, &cc, e);
    if (cc.oom) goto oom;
    if (rc) {
        free(cc.tab);
        bpe_trainer_free(t);
        return NULL;
    }
    t->total_chunks = cc.total;

    /* The 256 bytes are the first tokens. */
    t->vmask = 1023;
    t->vslot = malloc(1024 * sizeof *t->vslot);
    t->tok_off = malloc(257 * sizeof *t->tok_off);
    t->tok_bytes = malloc(256);
    if (!t->vslot || !t->tok_off || !t->tok_bytes) goto oom;
    t->off_cap = 257, t->tb_cap = 256;
    memset(t->vslot, 0xff, 1024 * sizeof *t->vslot);
    for (int i = 0; i < 256; i++) t->tok_bytes[i] = (uint8_t)i, t->tok_off[i] = (uint32_t)i;
    t->tok_off[256] = 256;
    t->tb_len = t->n_tok = 256;
    for (int32_t i = 0; i < 256; i++) vocab_slot_insert(t, i);

    /* Distinct chunks become words of byte symbols, in the order the text first has them. */
    size_t total_len = 0;
    for (size_t i = 0; i < cc.cap; i++)
        if (cc.tab[i].p) total_len += cc.tab[i].len;
    t->syms = malloc(total_len * sizeof *t->syms);
    t->woff = malloc(cc.used * sizeof *t->woff);
    t->wlen = malloc(cc.used * sizeof *t->wlen);
    t->wstamp = calloc(cc.used, sizeof *t->wstamp);
    t->wcount = malloc(cc.used * sizeof *t->wcount);
    ChunkEntry **order = malloc(cc.used * sizeof *order);
    if (!t->syms || !t->woff || !t->wlen || !t->wstamp || !t->wcount || !order) {
        free(order);
        goto oom;
    }
    size_t k = 0;
    for (size_t i = 0; i < cc.cap; i++)
        if (cc.tab[i].p) order[k++] = &cc.tab[i];
    /* by position in the text, so that the result does not depend on the hash table */
    qsort(order, k, sizeof *order, by_first_occurrence);
    size_t at = 0;
    for (size_t w = 0; w < k; w++) {
        t->woff[w] = (uint32_t)at;
        t->wlen[w] = order[w]->len;
        t->wcount[w] = order[w]->count;
        for (uint32_t i = 0; i < order[w]->len; i++) t->syms[at++] = order[w]->p[i];
    }
    t->n_words = k;
    free(order);
    free(cc.tab);
    cc.tab = NULL;

    /* Count every adjacent pair, weighted by its chunk's count. */
    t->pmask = (1 << 16) - 1;
    t->pslot = malloc((t->pmask + 1) * sizeof *t->pslot);
    if (!t->pslot) goto oom;
    memset(t->pslot, 0xff, (t->pmask + 1) * sizeof *t->pslot);
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
    free(cc.tab);
    bpe_trainer_free(t);
    err_nomem(e, "BPE training", n * 16);
    return NULL;
}

void bpe_trainer_free(BpeTrainer *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n_pairs; i++) free(t->pairs[i].words);
    free(t->pairs), free(t->pslot), free(t->heap), free(t->touched);
    free(t->syms), free(t->woff), free(t->wlen), free(t->wstamp), free(t->wcount);
    free(t->tok_bytes), free(t->tok_off), free(t->vslot);
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
    if (!joined) return err_nomem(e, "BPE token", na + nb);
    memcpy(joined, t->tok_bytes + t->tok_off[a], na);
    memcpy(joined + na, t->tok_bytes + t->tok_off[b], nb);
    int32_t x = vocab_find(t, joined, na + nb);
    int is_new = x < 0;
    if (is_new) x = vocab_add(t, joined, na, joined + na, nb);
    if (joined != stack) free(joined);
    if (x < 0) return err_nomem(e, "BPE vocabulary", t->tb_len);

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
            if (pair_delta(t, s[i], s[i + 1], -c)) return err_nomem(e, "BPE pairs", t->n_pairs * sizeof(Pair));
        uint32_t o = 0;
        for (i = 0; i < len;) {
            if (i + 1 < len && s[i] == a && s[i + 1] == b) s[o++] = x, i += 2;
            else s[o++] = s[i++];
        }
        t->wlen[w] = len = o;
        for (i = 0; i + 1 < len; i++) {
            if (pair_delta(t, s[i], s[i + 1], c)) return err_nomem(e, "BPE pairs", t->n_pairs * sizeof(Pair));
            /* Pairs with the new token are new to this chunk; the others already list it. */
            if (s[i] == x || s[i + 1] == x) {
                long q = pair_index(t, s[i], s[i + 1], 0);
                if (pair_note_word(&t->pairs[q], w)) return err_nomem(e, "BPE pairs", 0);
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
        if (q->count > 0 && item_push(t, (PairItem){q->count, q->a, q->b})) return err_nomem(e, "BPE heap", 0);
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
    if (!special) return err_nomem(e, "vocabulary", t->n_tok);
    int rc = tokenizer_init_table(out, "bpe", t->pattern, (int)t->n_tok, t->tok_off, t->tok_bytes, special, e);
    free(special);
    return rc;
}
