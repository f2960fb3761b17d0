/* Cached inference against the full forward pass, the generation loop across a full context,
 * and the data path: corpus checks, the split, and windows shifted by one; the growing arrays
 * and the suffix array the data structures stand on. */
#include "testutil.h"

#include <stdint.h>

#include "core/base/array.h"
#include "core/base/blas.h"
#include "core/model/generate.h"
#include "core/model/gpt2.h"
#include "core/model/sampler.h"
#include "core/text/corpus.h"
#include "core/text/dataset.h"
#include "core/text/suffix.h"

static const GPT2Config cfg = {.n_layer = 2, .n_head = 4, .n_embd = 32, .n_ctx = 16, .n_vocab = 50};

static void test_cache_matches_forward(void **state)
{
    (void)state;
    GPT2 m;
    GPT2Work w;
    GPT2Cache c;
    Err e;
    Rng r;
    rng_seed(&r, 8);
    assert_int_equal(gpt2_create(&m, &cfg, &e), 0);
    gpt2_init_random(&m, &r);
    for (size_t i = 0; i < m.n_params; i++) m.params[i] += (float)(0.05 * rng_normal(&r));
    assert_int_equal(gpt2_work_create(&w, &m, 1, cfg.n_ctx, 0, NULL, &e), 0);
    assert_int_equal(gpt2_cache_create(&c, &m, &e), 0);
    int32_t ids[16];
    for (int i = 0; i < 16; i++) ids[i] = (int32_t)rng_below(&r, 50);
    gpt2_forward(&m, &w, ids, NULL, 1, 16);
    /* A prompt of 5 at once, then one token at a time: each step's logits are the full pass's
     * row at that position. */
    const float *lg = gpt2_cache_feed(&m, &c, ids, 5);
    double *want = malloc(sizeof(double) * 50);
    for (int t = 4; t < 16; t++) {
        if (t > 4) lg = gpt2_cache_feed(&m, &c, ids + t, 1);
        for (int v = 0; v < 50; v++) want[v] = w.logits[(size_t)t * 50 + v];
        char what[32];
        snprintf(what, sizeof what, "cached logits at %d", t);
        assert_true(close_rel(what, lg, want, 50, 1e-5));
    }
    assert_int_equal(c.n_pos, 16);
    /* Several tokens into a cache that holds some already (the rows see the cached keys and each
     * other's, causally): 5, then 3 at once, each row's logits the full pass's. */
    gpt2_cache_reset(&c);
    gpt2_cache_feed(&m, &c, ids, 5);
    lg = gpt2_cache_feed(&m, &c, ids + 5, 3);
    for (int row = 2; row >= 0; row--) {
        if (row < 2) lg = gpt2_cache_logits_at(&m, &c, row);
        for (int v = 0; v < 50; v++) want[v] = w.logits[(size_t)(5 + row) * 50 + v];
        assert_true(close_rel("logits of 3 fed after 5", lg, want, 50, 1e-5));
    }
    /* With a pool the work is split between threads: a prompt's rows (through sgemm, up to
     * rounding), a token's outputs and heads (every logit the same bit for bit). */
    Err pe;
    ParPool *pool = par_create(3, &pe);
    GPT2Cache pc;
    assert_int_equal(gpt2_cache_create(&pc, &m, &e), 0);
    pc.pool = pool;
    for (int v = 0; v < 50; v++) want[v] = w.logits[(size_t)4 * 50 + v];
    assert_true(close_rel("a prompt fed with a pool", gpt2_cache_feed(&m, &pc, ids, 5), want, 50, 1e-5));
    gpt2_cache_reset(&pc);
    gpt2_cache_reset(&c);
    float *serial = malloc(sizeof(float) * 50);
    for (int t = 0; t < 16; t++) {
        memcpy(serial, gpt2_cache_feed(&m, &c, ids + t, 1), sizeof(float) * 50);
        assert_memory_equal(serial, gpt2_cache_feed(&m, &pc, ids + t, 1), sizeof(float) * 50);
    }
    free(serial);
    gpt2_cache_free(&pc);
    par_free(pool);
    free(want);
    gpt2_cache_free(&c);
    gpt2_work_free(&w);
    gpt2_free(&m);
}

typedef struct {
    int calls;
    int32_t last;
} Seen;

static int count_tokens(void *ctx, int32_t tok, const Sampler *s)
{
    Seen *seen = ctx;
    seen->calls++;
    seen->last = tok;
    assert_true(s->chosen == tok);
    return 0;
}

static void test_generate_past_context(void **state)
{
    (void)state;
    GPT2 m;
    Err e;
    Rng r;
    rng_seed(&r, 9);
    assert_int_equal(gpt2_create(&m, &cfg, &e), 0);
    gpt2_init_random(&m, &r);
    Generator g;
    Sampler s;
    SamplerConfig sc;
    sampler_config_default(&sc);
    assert_int_equal(generator_create(&g, &m, &e), 0);
    assert_int_equal(sampler_create(&s, &sc, 50, &e), 0);
    /* A prompt longer than the context, and three contexts' worth of new tokens. */
    int32_t prompt[20], out[48], out2[48];
    for (int i = 0; i < 20; i++) prompt[i] = i;
    Seen seen = {0};
    Rng a, b;
    rng_seed(&a, 1);
    rng_seed(&b, 1);
    assert_int_equal(generate(&g, &s, &a, prompt, 20, 48, out, count_tokens, &seen), 48);
    assert_int_equal(seen.calls, 48);
    assert_true(g.n_window <= cfg.n_ctx && g.n_window >= cfg.n_ctx / 2);
    for (int i = 0; i < 48; i++) assert_true(out[i] >= 0 && out[i] < 50);
    /* The same seed, the same text. */
    assert_int_equal(generate(&g, &s, &b, prompt, 20, 48, out2, NULL, NULL), 48);
    assert_memory_equal(out, out2, sizeof out);
    sampler_free(&s);
    generator_free(&g);
    gpt2_free(&m);
}

/* generator_back: a draw taken back, or the next continuation of the same prompt, gives the
 * logits the first pass gave, bit for bit, from the cache; after a slide it starts over. */
static void test_generator_back(void **state)
{
    (void)state;
    GPT2 m;
    Err e;
    Rng r;
    rng_seed(&r, 10);
    assert_int_equal(gpt2_create(&m, &cfg, &e), 0);
    gpt2_init_random(&m, &r);
    for (size_t i = 0; i < m.n_params; i++) m.params[i] += (float)(0.05 * rng_normal(&r));
    Generator g;
    assert_int_equal(generator_create(&g, &m, &e), 0);
    const size_t V = (size_t)cfg.n_vocab;
    int32_t prompt[5] = {3, 14, 15, 9, 2}, toks[6] = {26, 5, 35, 8, 9, 7};
    float *after = malloc(sizeof(float) * V * 7); /* after[k]: the logits after k fed tokens */
    memcpy(after, generator_start(&g, prompt, 5), sizeof(float) * V);
    for (int k = 0; k < 6; k++) memcpy(after + (k + 1) * V, generator_feed(&g, toks[k]), sizeof(float) * V);
    const int backs[] = {3, 0, 6, 1, 5};
    for (size_t i = 0; i < sizeof backs / sizeof *backs; i++) {
        int k = backs[i];
        const float *lg = generator_back(&g, k);
        assert_non_null(lg);
        assert_memory_equal(lg, after + k * V, sizeof(float) * V);
        assert_int_equal(g.fed, k);
        assert_int_equal(g.cache.n_pos, 5 + k);
        /* and on from there, as the first time */
        for (int j = k; j < 6; j++) assert_memory_equal(generator_feed(&g, toks[j]), after + (j + 1) * V, sizeof(float) * V);
    }
    /* Past the context (16): the window slides, the prompt leaves the cache. Back to the prompt
     * feeds it again (the same logits); back to a later token is the caller's to redo. */
    for (int k = 0; k < 12; k++) generator_feed(&g, (int32_t)k);
    assert_int_equal(g.slid, 1);
    assert_null(generator_back(&g, 2));
    assert_memory_equal(generator_back(&g, 0), after, sizeof(float) * V);
    assert_int_equal(g.slid, 0);
    assert_memory_equal(generator_feed(&g, toks[0]), after + V, sizeof(float) * V);
    /* generate() with no prompt continues the last one: the same as starting from it */
    Sampler s;
    SamplerConfig sc;
    sampler_config_default(&sc);
    assert_int_equal(sampler_create(&s, &sc, cfg.n_vocab, &e), 0);
    int32_t out1[20], out2[20];
    Rng a, b;
    rng_seed(&a, 3), rng_seed(&b, 3);
    assert_int_equal(generate(&g, &s, &a, prompt, 5, 20, out1, NULL, NULL), 20);
    assert_int_equal(generate(&g, &s, &b, NULL, 0, 20, out2, NULL, NULL), 20);
    assert_memory_equal(out1, out2, sizeof out1);
    sampler_free(&s);
    free(after);
    generator_free(&g);
    gpt2_free(&m);
}

static void test_corpus_checks(void **state)
{
    (void)state;
    Corpus c;
    Err e;
    assert_int_equal(corpus_open(&c, "/nonexistent/file.txt", &e), -1);
    assert_int_equal(e.code, ERR_INPUT);
    assert_non_null(strstr(e.msg, "No such file"));
    assert_int_equal(corpus_open(&c, "/tmp", &e), -1);
    assert_non_null(strstr(e.msg, "directory"));
    assert_int_equal(corpus_from_memory(&c, "x", (const uint8_t *)"", 0, &e), -1);
    assert_non_null(strstr(e.msg, "empty"));
    assert_int_equal(corpus_from_memory(&c, "x", (const uint8_t *)"ab\0cd", 5, &e), -1);
    assert_non_null(strstr(e.msg, "binary file (NUL byte at offset 2)"));
    assert_int_equal(corpus_from_memory(&c, "x", (const uint8_t *)"caf\xc3(", 5, &e), -1);
    assert_non_null(strstr(e.msg, "not UTF-8 text (invalid byte 0xc3 at offset 3)"));
    /* overlong and surrogate encodings are not UTF-8 either */
    assert_int_equal(corpus_from_memory(&c, "x", (const uint8_t *)"\xc0\xaf", 2, &e), -1);
    assert_int_equal(corpus_from_memory(&c, "x", (const uint8_t *)"\xed\xa0\x80", 3, &e), -1);
    assert_int_equal(corpus_from_memory(&c, "x", (const uint8_t *)"h\xc3\xa9llo \xed\x95\x9c", 10, &e), 0);
    corpus_close(&c);
}

static void test_dataset_windows(void **state)
{
    (void)state;
    char text[1000];
    for (int i = 0; i < 999; i++) text[i] = (char)('a' + i % 26);
    text[999] = 0;
    Corpus c;
    Tokenizer t;
    Dataset d;
    Err e;
    assert_int_equal(corpus_from_memory(&c, "abc", (const uint8_t *)text, 999, &e), 0);
    assert_int_equal(tokenizer_init_bytes(&t, &e), 0);
    assert_int_equal(dataset_build(&d, &c, &t, 16, &e), 0);
    assert_int_equal(d.n_tokens, 999);
    assert_int_equal(d.n_train, 999 - 99);
    Rng r;
    rng_seed(&r, 1);
    int32_t x[4 * 16], y[4 * 16];
    for (int round = 0; round < 50; round++) {
        dataset_train_batch(&d, &r, 4, 16, x, y);
        for (int i = 0; i < 4 * 16; i++) {
            /* the target is the next letter: the text labels itself */
            assert_int_equal(y[i], 'a' + (x[i] - 'a' + 1) % 26);
        }
    }
    /* validation windows lie in the held-out tail, the same every time */
    for (int k = 0; k < 5; k++) {
        int32_t x1[16], y1[16], x2[16], y2[16];
        dataset_val_window(&d, k, 5, 16, x1, y1);
        dataset_val_window(&d, k, 5, 16, x2, y2);
        assert_memory_equal(x1, x2, sizeof x1);
        assert_int_equal(y1[15], 'a' + (x1[15] - 'a' + 1) % 26);
    }
    /* 26 equally frequent letters: the unigram entropy is ln 26 (almost: the split is uneven) */
    assert_true(fabs(dataset_unigram_entropy(&d) - log(26)) < 1e-3);
    dataset_free(&d);
    /* too short for a context of 600 */
    assert_int_equal(dataset_build(&d, &c, &t, 600, &e), -1);
    assert_non_null(strstr(e.msg, "too short: 999 tokens"));
    corpus_close(&c);
    tokenizer_free(&t);
}

static void test_blas(void **state)
{
    (void)state;
    double err;
    assert_true(blas_verify(&err));
    assert_true(err < 1e-5);
    assert_int_equal(blas_kernel_level("Prescott"), BLAS_LEVEL_SSE);
    assert_int_equal(blas_kernel_level("Haswell"), BLAS_LEVEL_AVX2);
    assert_int_equal(blas_kernel_level("SkylakeX"), BLAS_LEVEL_AVX512);
    assert_int_equal(blas_kernel_level("Cooperlake"), BLAS_LEVEL_AVX512);
    assert_string_equal(blas_kernel_for_level(BLAS_LEVEL_AVX512), "SkylakeX");
    assert_null(blas_kernel_for_level(BLAS_LEVEL_SSE));
    int cpu = blas_cpu_level();
    assert_true(cpu >= BLAS_LEVEL_SSE && cpu <= BLAS_LEVEL_AVX512);
}

/* The suffix array against brute force, on random streams with many repeats. */
static void test_suffix_array(void **state)
{
    (void)state;
    Rng r;
    rng_seed(&r, 12);
    for (int trial = 0; trial < 20; trial++) {
        size_t n = 1 + (size_t)rng_below(&r, 400);
        int32_t *t = malloc(sizeof(int32_t) * n);
        int alphabet = 1 + (int)rng_below(&r, 4); /* small alphabets: long repeats */
        for (size_t i = 0; i < n; i++) t[i] = (int32_t)rng_below(&r, (uint64_t)alphabet);
        SuffixArray s;
        Err e;
        assert_int_equal(suffix_build(&s, t, n, &e), 0);
        /* sorted: each suffix below the next */
        for (size_t i = 1; i < n; i++) {
            size_t a = s.sa[i - 1], b = s.sa[i], k = 0;
            while (a + k < n && b + k < n && t[a + k] == t[b + k]) k++;
            assert_true(a + k == n || (b + k < n && t[a + k] < t[b + k]));
        }
        for (int q = 0; q < 30; q++) {
            int32_t query[12];
            size_t m = 1 + (size_t)rng_below(&r, 12);
            for (size_t i = 0; i < m; i++) query[i] = (int32_t)rng_below(&r, (uint64_t)alphabet + 1);
            size_t count = 0, best = 0;
            for (size_t p = 0; p < n; p++) {
                size_t k = 0;
                while (k < m && p + k < n && t[p + k] == query[k]) k++;
                if (k == m) count++;
                if (k > best) best = k;
            }
            assert_int_equal(suffix_count(&s, query, m), count);
            size_t at;
            size_t got = suffix_longest_match(&s, query, m, &at);
            assert_int_equal(got, best);
            if (got) assert_memory_equal(t + at, query, sizeof(int32_t) * got);
        }
        suffix_free(&s);
        free(t);
    }
}

/* The naive suffix array: every suffix compared token by token, O(n^2 log n). Each element
 * carries its stream, so the comparator needs nothing else. */
typedef struct {
    const int32_t *t;
    size_t n, at;
} NaiveSuffix;

static int cmp_naive(const void *pa, const void *pb)
{
    const NaiveSuffix *a = pa, *b = pb;
    for (size_t i = a->at, j = b->at;; i++, j++) {
        if (i == a->n || j == b->n) return (i == a->n ? 0 : 1) - (j == b->n ? 0 : 1);
        if (a->t[i] != b->t[j]) return a->t[i] < b->t[j] ? -1 : 1;
    }
}

/* The suffix array is exactly the naive one, on small random streams built to repeat: tiny
 * alphabets, periodic runs, and negative ids among them. */
static void test_suffix_array_naive(void **state)
{
    (void)state;
    Rng r;
    rng_seed(&r, 13);
    for (int trial = 0; trial < 300; trial++) {
        size_t n = 1 + (size_t)rng_below(&r, 200), period = 1 + (size_t)rng_below(&r, 9);
        int alphabet = 1 + (int)rng_below(&r, trial % 2 ? 3 : 50), low = trial % 3 == 0 ? -2 : 0;
        int32_t *t = malloc(sizeof(int32_t) * n);
        NaiveSuffix *want = malloc(sizeof *want * n);
        assert_non_null(t);
        assert_non_null(want);
        for (size_t i = 0; i < n; i++)
            t[i] = trial % 4 == 1 && i >= period ? t[i - period] : low + (int32_t)rng_below(&r, (uint64_t)alphabet);
        for (size_t i = 0; i < n; i++) want[i] = (NaiveSuffix){t, n, i};
        qsort(want, n, sizeof *want, cmp_naive);
        SuffixArray s;
        Err e;
        assert_int_equal(suffix_build(&s, t, n, &e), 0);
        for (size_t i = 0; i < n; i++) assert_int_equal(s.sa[i], want[i].at);
        suffix_free(&s);
        free(want);
        free(t);
    }
}

/* Doubling from the first capacity, contents kept, overflow refused; columns share one capacity. */
static void test_array_grow(void **state)
{
    (void)state;
    int *a = NULL;
    size_t cap = 0;
    assert_int_equal(array_grow((void **)&a, &cap, 5, sizeof *a, 4), 0);
    assert_int_equal(cap, 8);
    for (int i = 0; i < 8; i++) a[i] = i;
    assert_int_equal(array_grow((void **)&a, &cap, 8, sizeof *a, 4), 0);
    assert_int_equal(cap, 8); /* already room */
    assert_int_equal(array_grow((void **)&a, &cap, 33, sizeof *a, 4), 0);
    assert_int_equal(cap, 64);
    for (int i = 0; i < 8; i++) assert_int_equal(a[i], i);
    int *keep = a;
    assert_int_equal(array_grow((void **)&a, &cap, SIZE_MAX / 2, sizeof *a, 4), -1);
    assert_ptr_equal(a, keep);
    assert_int_equal(cap, 64);
    free(a);

    float *x = NULL;
    long *y = NULL;
    size_t shared = 0;
    void **const cols[] = {(void **)&x, (void **)&y};
    const size_t elems[] = {sizeof *x, sizeof *y};
    assert_int_equal(array_grow_columns(&shared, 100, 16, 2, cols, elems), 0);
    assert_int_equal(shared, 128);
    x[127] = 1, y[127] = 2; /* both hold the shared capacity (ASan checks) */
    assert_int_equal(array_grow_columns(&shared, SIZE_MAX / 4, 16, 2, cols, elems), -1);
    assert_int_equal(shared, 128);
    free(x);
    free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_matches_forward), cmocka_unit_test(test_generate_past_context),
        cmocka_unit_test(test_generator_back),
        cmocka_unit_test(test_corpus_checks), cmocka_unit_test(test_dataset_windows),
        cmocka_unit_test(test_blas),              cmocka_unit_test(test_suffix_array),
        cmocka_unit_test(test_suffix_array_naive), cmocka_unit_test(test_array_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
