/* The binary heap (base/heap.h): elements come out in the caller's order, ties included, for
 * the two orders the tokenizer uses (encoding's lowest rank then leftmost, training's highest
 * count then lowest ids), under pushes and pops interleaved, and for an element of odd size. */
#include "testutil.h"

#include "core/base/heap.h"
#include "core/base/rng.h"

/* Encoding's merge queue: lowest rank first, the leftmost of equal ranks. */
typedef struct {
    int32_t rank;
    uint32_t pos;
} Merge;

static int merge_first(const void *x, const void *y)
{
    const Merge *a = x, *b = y;
    return a->rank < b->rank || (a->rank == b->rank && a->pos < b->pos);
}

static int merge_cmp(const void *x, const void *y) { return merge_first(x, y) ? -1 : merge_first(y, x) ? 1 : 0; }

/* Training's queue: highest count first, then the lower pair of ids. */
typedef struct {
    int64_t count;
    int32_t a, b;
} PairItem;

static int pair_first(const void *x, const void *y)
{
    const PairItem *p = x, *q = y;
    if (p->count != q->count) return p->count > q->count;
    if (p->a != q->a) return p->a < q->a;
    return p->b < q->b;
}

static int pair_cmp(const void *x, const void *y) { return pair_first(x, y) ? -1 : pair_first(y, x) ? 1 : 0; }

/* Ranks from a few values, so that most ranks tie and the position decides; the pops must be
 * exactly the sorted order. */
static void test_min_order_ties(void **state)
{
    (void)state;
    enum { N = 3000 };
    static Merge in[N], heap[N], want[N];
    Rng r;
    rng_seed(&r, 1);
    for (int i = 0; i < N; i++) in[i] = (Merge){(int32_t)rng_below(&r, 5), (uint32_t)(N - i)};
    memcpy(want, in, sizeof in);
    qsort(want, N, sizeof *want, merge_cmp);
    size_t n = 0;
    for (int i = 0; i < N; i++) heap_push(heap, &n, sizeof *heap, &in[i], merge_first);
    assert_int_equal(n, N);
    for (int i = 0; i < N; i++) {
        Merge top;
        heap_pop(heap, &n, sizeof *heap, &top, merge_first);
        assert_int_equal(top.rank, want[i].rank);
        assert_int_equal(top.pos, want[i].pos);
    }
    assert_int_equal(n, 0);
}

/* Pushes and pops interleaved, as training does (a merge pops one pair and pushes the changed
 * ones), against a sorted reference; equal elements (the same pair pushed twice) included. */
static void test_max_order_interleaved(void **state)
{
    (void)state;
    enum { N = 4000 };
    static PairItem heap[N], ref[N];
    size_t n = 0, nref = 0;
    Rng r;
    rng_seed(&r, 2);
    for (int step = 0; step < 3 * N; step++) {
        if (n < N && (n == 0 || rng_below(&r, 3) != 0)) {
            PairItem x = {(int64_t)rng_below(&r, 8), (int32_t)rng_below(&r, 4), (int32_t)rng_below(&r, 4)};
            heap_push(heap, &n, sizeof *heap, &x, pair_first);
            ref[nref++] = x;
        } else {
            PairItem top;
            heap_pop(heap, &n, sizeof *heap, &top, pair_first);
            /* the reference's first, found by sorting what is left */
            qsort(ref, nref, sizeof *ref, pair_cmp);
            assert_int_equal(pair_cmp(&top, &ref[0]), 0);
            memmove(ref, ref + 1, --nref * sizeof *ref);
        }
        assert_int_equal(n, nref);
    }
}

/* A 3-byte element: the copies move exactly `size` bytes, and neighbours are not touched. */
static int byte_first(const void *x, const void *y)
{
    const uint8_t *a = x, *b = y;
    return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
}

static void test_odd_size(void **state)
{
    (void)state;
    uint8_t heap[3 * 100 + 1], x[3];
    heap[300] = 0xee; /* a guard past the last element */
    size_t n = 0;
    for (int i = 0; i < 100; i++) {
        x[0] = (uint8_t)((i * 37) % 10), x[1] = (uint8_t)i, x[2] = (uint8_t)(255 - i);
        heap_push(heap, &n, 3, x, byte_first);
    }
    int last0 = -1, last1 = -1;
    while (n) {
        heap_pop(heap, &n, 3, x, byte_first);
        assert_true(x[0] > last0 || (x[0] == last0 && x[1] > last1));
        assert_int_equal(x[2], 255 - x[1]); /* the element came out whole */
        last0 = x[0], last1 = x[1];
    }
    assert_int_equal(heap[300], 0xee);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_min_order_ties),
        cmocka_unit_test(test_max_order_interleaved),
        cmocka_unit_test(test_odd_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
