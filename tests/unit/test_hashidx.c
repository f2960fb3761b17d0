/* The hash index (base/hashidx.h): ids found again after many inserts and every growth, chains
 * where all keys collide, a clear that keeps the slots, the load it never passes, and the
 * refusal of a second id for the same key, which the tokenizer's vocabulary index relies on. */
#include "testutil.h"

#include "core/base/bytes.h"
#include "core/base/hashidx.h"

/* The caller's side: keys in an array, id = position. hash_bits keeps only that many low bits
 * of each hash (0: every key has hash 0); shift moves the hash up, out of the bits a small index
 * looks at, so that keys collide only there. */
typedef struct {
    uint64_t keys[20000];
    int n;
    int hash_bits, shift;
} Table;

static uint64_t key_hash(const Table *t, uint64_t k)
{
    uint64_t h = (k ^ (k >> 31)) * 0x9e3779b97f4a7c15ULL;
    if (t->hash_bits < 64) h &= (1ULL << t->hash_bits) - 1;
    return h << t->shift;
}

static int key_is(const void *ctx, int32_t id, const void *key)
{
    return ((const Table *)ctx)->keys[id] == *(const uint64_t *)key;
}

static uint64_t id_hash(const void *ctx, int32_t id) { return key_hash(ctx, ((const Table *)ctx)->keys[id]); }

/* hashidx_put with the next id: that id if k is new, else the id that has k. */
static int32_t table_put(Table *t, HashIdx *ix, uint64_t k)
{
    t->keys[t->n] = k;
    int32_t id = hashidx_put(ix, key_hash(t, k), t->n, key_is, id_hash, t, &k);
    if (id == t->n) t->n++;
    return id;
}

static int32_t table_find(const Table *t, const HashIdx *ix, uint64_t k)
{
    return hashidx_find(ix, key_hash(t, k), key_is, t, &k);
}

static uint64_t key_of(int i) { return (uint64_t)i * 7919 + 1; } /* never key_of(j) + 1 */

/* Every key put in is found under its id, every other key is not. */
static void check_all(const Table *t, const HashIdx *ix)
{
    assert_int_equal(ix->n, t->n);
    for (int i = 0; i < t->n; i++) assert_int_equal(table_find(t, ix, t->keys[i]), i);
    for (int i = 0; i < t->n; i += 7) assert_int_equal(table_find(t, ix, t->keys[i] + 1), HASHIDX_NONE);
}

static void test_put_find_grow(void **state)
{
    (void)state;
    static Table t = {.hash_bits = 64};
    HashIdx ix;
    assert_int_equal(hashidx_init(&ix, 3, 50), 0);
    assert_int_equal(ix.mask + 1, 4); /* rounded up to a power of two */
    assert_int_equal(table_find(&t, &ix, 1), HASHIDX_NONE);
    size_t grown = 0, slots = ix.mask + 1;
    for (int i = 0; i < 20000; i++) {
        assert_int_equal(table_put(&t, &ix, key_of(i)), i);
        /* at most half full, and a power of two that only doubles */
        assert_true(2 * ix.n <= ix.mask + 1);
        assert_int_equal(ix.mask & (ix.mask + 1), 0);
        if (ix.mask + 1 != slots) {
            assert_int_equal(ix.mask + 1, 2 * slots);
            slots = ix.mask + 1, grown++;
            check_all(&t, &ix); /* right after each growth */
        }
    }
    assert_int_equal(ix.mask + 1, 65536);
    assert_int_equal(grown, 14);
    check_all(&t, &ix);
    hashidx_free(&ix);
    assert_int_equal(table_find(&t, &ix, key_of(0)), HASHIDX_NONE); /* a freed index finds nothing */
}

/* All keys on one chain, or on a few, or differing only in bits above the mask. */
static void test_collisions(void **state)
{
    (void)state;
    static Table t;
    const int cases[][2] = {{0, 0}, {3, 0}, {8, 40}, {64, 0}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        t = (Table){.hash_bits = cases[c][0], .shift = cases[c][1]};
        HashIdx ix;
        assert_int_equal(hashidx_init(&ix, 16, 50), 0);
        for (int i = 0; i < 700; i++) {
            assert_int_equal(table_put(&t, &ix, key_of(i)), i);
            assert_int_equal(table_put(&t, &ix, key_of(i / 2)), i / 2); /* again: the same id */
        }
        check_all(&t, &ix);
        hashidx_free(&ix);
    }
}

/* The tokenizer's case (text/bpe.c builds its index this way): byte strings in one array with
 * offsets; a second token of the same bytes gets back the first one's id and is not added, so
 * the caller can name both. */
typedef struct {
    const uint32_t *off;
    const uint8_t *bytes;
} Vocab;

typedef struct {
    const uint8_t *b;
    size_t n;
} Bytes;

static int token_is(const void *ctx, int32_t id, const void *key)
{
    const Vocab *v = ctx;
    const Bytes *k = key;
    return v->off[id + 1] - v->off[id] == k->n && memcmp(v->bytes + v->off[id], k->b, k->n) == 0;
}

static uint64_t token_hash(const void *ctx, int32_t id)
{
    const Vocab *v = ctx;
    return fnv1a(FNV_OFFSET, v->bytes + v->off[id], v->off[id + 1] - v->off[id]);
}

static void test_refuses_duplicates(void **state)
{
    (void)state;
    const uint8_t bytes[] = "theabthe ab";
    const uint32_t off[] = {0, 3, 5, 6, 8, 9, 11}; /* the, ab, t, he, " ", ab */
    Vocab v = {off, bytes};
    HashIdx ix;
    assert_int_equal(hashidx_init(&ix, 2, 50), 0);
    int32_t got[6];
    for (int32_t id = 0; id < 6; id++) {
        Bytes k = {bytes + off[id], off[id + 1] - off[id]};
        got[id] = hashidx_put(&ix, token_hash(&v, id), id, token_is, token_hash, &v, &k);
    }
    assert_int_equal(got[0], 0);
    assert_int_equal(got[4], 4);
    assert_int_equal(got[5], 1); /* "ab" again: refused, with the id that has it */
    assert_int_equal(ix.n, 5);
    Bytes ab = {(const uint8_t *)"ab", 2}, abc = {(const uint8_t *)"abc", 3};
    assert_int_equal(hashidx_find(&ix, fnv1a(FNV_OFFSET, ab.b, 2), token_is, &v, &ab), 1);
    assert_int_equal(hashidx_find(&ix, fnv1a(FNV_OFFSET, abc.b, 3), token_is, &v, &abc), HASHIDX_NONE);
    hashidx_free(&ix);
}

/* Clearing forgets every id but keeps the slots, and the index fills again without growing. */
static void test_clear(void **state)
{
    (void)state;
    static Table t = {.hash_bits = 64};
    HashIdx ix;
    assert_int_equal(hashidx_init(&ix, 1024, 70), 0);
    /* 70% of 1024 slots is 716.8: 716 ids fit, the 717th would grow the index */
    for (int i = 0; i < 716; i++) {
        assert_false(hashidx_full(&ix));
        table_put(&t, &ix, key_of(i));
    }
    assert_true(hashidx_full(&ix));
    assert_int_equal(ix.mask + 1, 1024);
    hashidx_clear(&ix);
    assert_int_equal(ix.n, 0);
    assert_int_equal(ix.mask + 1, 1024);
    for (int i = 0; i < 716; i++) assert_int_equal(table_find(&t, &ix, key_of(i)), HASHIDX_NONE);
    t.n = 0;
    for (int i = 716; i < 2 * 716; i++) assert_int_equal(table_put(&t, &ix, key_of(i)), i - 716);
    assert_int_equal(ix.mask + 1, 1024);
    check_all(&t, &ix);
    hashidx_free(&ix);
}

/* The load stays below 100% whatever is asked: a lookup that misses always meets an empty slot. */
static void test_load_limit(void **state)
{
    (void)state;
    static Table t = {.hash_bits = 0};
    HashIdx ix;
    assert_int_equal(hashidx_init(&ix, 0, 100), 0);
    assert_int_equal(ix.mask + 1, 1);
    assert_int_equal(ix.max_load, 90);
    for (int i = 0; i < 200; i++) {
        table_put(&t, &ix, key_of(i));
        assert_true(ix.n * 10 <= (ix.mask + 1) * 9);
        assert_int_equal(table_find(&t, &ix, key_of(i) + 1), HASHIDX_NONE);
    }
    check_all(&t, &ix);
    hashidx_free(&ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_find_grow),      cmocka_unit_test(test_collisions),
        cmocka_unit_test(test_refuses_duplicates), cmocka_unit_test(test_clear),
        cmocka_unit_test(test_load_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
