/* llm.c's token shards (shard.h) and the streaming encoder that writes them (tokstream.h):
 *   - the places pretok_cut_ok allows cutting are exact: on random texts of the characters the
 *     patterns treat specially, splitting the two parts apart gives the whole's chunks, for
 *     GPT-2's, cl100k's and o200k's patterns;
 *   - a text encoded in small pieces on 1 to 3 threads gives exactly the ids of encoding it at
 *     once (byte, a learned byte-pair vocabulary, and GPT-2's when `make gpt2-vocab` was run);
 *   - a shard written here passes a reader written from llm.c's llmc/dataloader.h rules (not
 *     shard_check: int32 header[256], header[0] == 20240520, header[1] == 1, header[2] > 0,
 *     file size == 256 * 4 + header[2] * 2), and its uint16 tokens are the ids, with the
 *     separator before each file;
 *   - shard_check refuses a bad magic, version, count or size, and shard_read an id the
 *     vocabulary lacks. */
#include "testutil.h"

#include "core/base/parallel.h"
#include "core/base/rng.h"
#include "core/text/bpe_train.h"
#include "core/text/pretok.h"
#include "core/text/shard.h"
#include "core/text/tokstream.h"
#include "core/text/vocabfile.h"

/* ---- cutting ---- */

typedef struct {
    size_t at[4096];
    size_t n;
} Cuts;

static int record(void *ctx, const uint8_t *chunk, size_t len)
{
    (void)chunk;
    Cuts *c = ctx;
    size_t prev = c->n ? c->at[c->n - 1] : 0;
    if (c->n < 4096) c->at[c->n++] = prev + len;
    return 0;
}

static void split(int pattern, const uint8_t *text, size_t n, size_t base, Cuts *c)
{
    Err e;
    Cuts one = {0};
    assert_int_equal(pretok_split(pretok_get(pattern, &e), text, n, record, &one, &e), 0);
    for (size_t i = 0; i < one.n; i++) c->at[c->n++] = base + one.at[i];
}

static void test_cut_places_are_exact(void **state)
{
    (void)state;
    /* what the patterns treat apart: letters of both cases, digits, apostrophes and
     * contractions, punctuation, '/', every kind of white space (U+00A0, U+3000 among them),
     * and letters beyond ASCII */
    static const char *const atoms[] = {"a", "B", "s", "'", "5", ".", "/", " ", "\n", "\n", "\n", "\t", "\r",
                                        "\xc2\xa0", "\xe3\x80\x80", "\xc3\xa9", "\xed\x95\x9c", "\xe2\x80\xa8", "ll", "?"};
    const int n_atoms = (int)(sizeof atoms / sizeof atoms[0]);
    Rng rng;
    rng_seed(&rng, 11);
    int tried = 0;
    for (int pattern = PRETOK_GPT2; pattern <= PRETOK_O200K; pattern++) {
        for (int round = 0; round < 3000; round++) {
            uint8_t text[256];
            size_t n = 0;
            int len = 2 + (int)rng_below(&rng, 24);
            for (int i = 0; i < len; i++) {
                const char *a = atoms[rng_below(&rng, (uint64_t)n_atoms)];
                memcpy(text + n, a, strlen(a));
                n += strlen(a);
            }
            Cuts whole = {0};
            split(pattern, text, n, 0, &whole);
            for (size_t p = 1; p < n; p++) {
                if (!pretok_cut_ok(text, n, p)) continue;
                Cuts parts = {0};
                split(pattern, text, p, 0, &parts);
                split(pattern, text + p, n - p, p, &parts);
                tried++;
                if (parts.n != whole.n || memcmp(parts.at, whole.at, sizeof(size_t) * whole.n) != 0)
                    fail_msg("pattern %s: cutting \"%.*s\" at %zu changes its chunks", pretok_name(pattern), (int)n, text, p);
            }
        }
    }
    assert_true(tried > 1000);
}

/* ---- encoding in pieces ---- */

typedef struct {
    int32_t *ids;
    size_t n, cap;
} Ids;

static int collect(void *ctx, const int32_t *ids, size_t n, Err *e)
{
    (void)e;
    Ids *c = ctx;
    if (c->n + n > c->cap) {
        c->cap = 2 * (c->n + n);
        c->ids = realloc(c->ids, c->cap * sizeof(int32_t));
    }
    memcpy(c->ids + c->n, ids, n * sizeof(int32_t));
    c->n += n;
    return 0;
}

static const char *text_path(void)
{
    return "corpora/stories.txt";
}

/* file encoded in pieces of `piece` bytes on each thread count == the whole at once */
static void check_pieces(const Tokenizer *t, const char *path)
{
    size_t n = 0;
    uint8_t *text = read_file(path, &n);
    assert_non_null(text);
    Err e;
    int32_t *want = NULL;
    size_t cap = 0, n_want;
    assert_int_equal(tokenizer_encode(t, text, n, &want, &cap, &n_want, &e), 0);
    for (int threads = 1; threads <= 3; threads++) {
        static const size_t pieces[] = {300, 20000, 0};
        for (int k = 0; k < 3; k++) {
            ParPool *pool = par_create(threads, &e);
            assert_non_null(pool);
            Ids got = {0};
            TokStream s = {t, 7, pieces[k], pool, collect, &got, NULL, NULL};
            const char *paths[] = {path, path};
            uint64_t bytes, tokens;
            assert_int_equal(tokstream_files(&s, paths, 2, &bytes, &tokens, &e), 0);
            assert_int_equal(bytes, 2 * n);
            assert_int_equal(tokens, 2 * (n_want + 1));
            assert_int_equal(got.n, 2 * (n_want + 1));
            for (int f = 0; f < 2; f++) {
                const int32_t *g = got.ids + (size_t)f * (n_want + 1);
                assert_int_equal(g[0], 7);
                for (size_t i = 0; i < n_want; i++)
                    if (g[i + 1] != want[i])
                        fail_msg("%s, %s, %d threads, pieces of %zu: id %zu is %d, encoded whole %d", t->name, path, threads,
                                 pieces[k], i, g[i + 1], want[i]);
            }
            free(got.ids);
            par_free(pool);
        }
    }
    free(want);
    free(text);
}

static void test_pieces_equal_whole(void **state)
{
    (void)state;
    const char *path = text_path();
    assert_non_null(path);
    Tokenizer t;
    Err e;
    assert_int_equal(tokenizer_init_bytes(&t, &e), 0);
    check_pieces(&t, path);
    tokenizer_free(&t);
    size_t n = 0;
    uint8_t *text = read_file("corpora/stories.txt", &n);
    assert_non_null(text);
    int exhausted;
    assert_int_equal(bpe_learn(text, n, PRETOK_GPT2, 512, &t, &exhausted, &e), 0);
    free(text);
    check_pieces(&t, path);
    check_pieces(&t, "corpora/korean.txt");
    tokenizer_free(&t);
    if (vocab_load_named(&t, "gpt2", &e) != 0) {
        fprintf(stderr, "SKIPPED: gpt2 in pieces: %s\n", e.msg);
        return;
    }
    check_pieces(&t, path);
    check_pieces(&t, "corpora/korean.txt");
    tokenizer_free(&t);
}

/* ---- the file, read by llm.c's rules ---- */

static int shard_sink(void *ctx, const int32_t *ids, size_t n, Err *e) { return shard_writer_add(ctx, ids, n, e); }

/* llmc/dataloader.h's dataloader_load_shard_, restated: the tokens, or NULL when it would exit */
static uint16_t *llmc_load(const char *path, int64_t *ntok)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    int32_t header[256];
    uint16_t *toks = NULL;
    if (fread(header, sizeof(int32_t), 256, f) != 256 || header[0] != 20240520 || header[1] != 1 || header[2] <= 0) goto out;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    if (size != 256 * 4 + (long)header[2] * 2) goto out;
    fseek(f, 256 * 4, SEEK_SET);
    toks = malloc(sizeof(uint16_t) * (size_t)header[2]);
    if (fread(toks, sizeof(uint16_t), (size_t)header[2], f) != (size_t)header[2]) {
        free(toks);
        toks = NULL;
    }
    *ntok = header[2];
out:
    fclose(f);
    return toks;
}

static void test_shard_file(void **state)
{
    (void)state;
    const char *dir = temp_dir();
    char path[256], txt[256];
    snprintf(path, sizeof path, "%s/x.bin", dir);
    snprintf(txt, sizeof txt, "%s/a.txt", dir);
    assert_int_equal(write_text(txt, "hello shard\nworld\n"), 0);
    Tokenizer t;
    Err e;
    assert_int_equal(tokenizer_init_bytes(&t, &e), 0);
    ShardWriter *w = malloc(sizeof *w);
    assert_int_equal(shard_writer_open(w, path, "byte", t.n_vocab, &e), 0);
    TokStream s = {&t, 255, 0, NULL, shard_sink, w, NULL, NULL};
    const char *paths[] = {txt, txt};
    assert_int_equal(tokstream_files(&s, paths, 2, NULL, NULL, &e), 0);
    assert_int_equal(shard_writer_commit(w, &e), 0);
    int64_t ntok = 0;
    uint16_t *toks = llmc_load(path, &ntok);
    assert_non_null(toks);
    assert_int_equal(ntok, 2 * 19);
    assert_int_equal(toks[0], 255);
    assert_int_equal(toks[1], 'h');
    assert_int_equal(toks[19], 255);
    assert_int_equal(toks[37], '\n');
    free(toks);
    /* read back: ids, and the check of a smaller vocabulary */
    int32_t *ids = NULL;
    size_t cap = 0, n = 0;
    assert_int_equal(shard_read(path, 256, "byte", &ids, &cap, &n, &e), 0);
    assert_int_equal(n, 38);
    assert_int_equal(ids[20], 'h');
    n = 0;
    assert_int_equal(shard_read(path, 200, "small", &ids, &cap, &n, &e), -1);
    assert_non_null(strstr(e.msg, "token 255 at position 0 is not in small's vocabulary of 200"));
    free(ids);
    /* a vocabulary too large for 16 bits */
    assert_int_equal(shard_writer_open(w, path, "cl100k", 100277, &e), -1);
    assert_non_null(strstr(e.msg, "65536"));
    /* a text is not replaced, and a shard of no tokens is not written */
    assert_int_equal(shard_writer_open(w, txt, "byte", 256, &e), -1);
    char empty[300];
    snprintf(empty, sizeof empty, "%s/empty.bin", dir);
    assert_int_equal(shard_writer_open(w, empty, "byte", 256, &e), 0);
    assert_int_equal(shard_writer_commit(w, &e), -1);
    assert_non_null(strstr(e.msg, "no tokens"));
    assert_int_equal(access(empty, F_OK), -1);
    free(w);
    tokenizer_free(&t);
    rm_tree(dir);
}

static void test_shard_check(void **state)
{
    (void)state;
    uint8_t h[SHARD_HEADER_BYTES] = {0};
    uint64_t n;
    Err e;
    int32_t *hv = (int32_t *)(void *)h;
    hv[0] = 20240520, hv[1] = 1, hv[2] = 10;
    assert_int_equal(shard_check(h, 1024 + 20, "s", &n, &e), 0);
    assert_int_equal(n, 10);
    assert_int_equal(shard_check(h, 1024 + 19, "s", &n, &e), -1);
    assert_non_null(strstr(e.msg, "cut short"));
    assert_int_equal(shard_check(h, 1024 + 22, "s", &n, &e), -1);
    assert_int_equal(shard_check(h, 100, "s", &n, &e), -1);
    hv[2] = 0;
    assert_int_equal(shard_check(h, 1024, "s", &n, &e), -1);
    hv[2] = 10, hv[1] = 7;
    assert_int_equal(shard_check(h, 1024 + 20, "s", &n, &e), -1);
    assert_non_null(strstr(e.msg, "version 7"));
    hv[1] = 1, hv[0] = 20240326;
    assert_int_equal(shard_check(h, 1024 + 20, "s", &n, &e), -1);
    assert_non_null(strstr(e.msg, "not an llm.c token shard"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cut_places_are_exact),
        cmocka_unit_test(test_pieces_equal_whole),
        cmocka_unit_test(test_shard_file),
        cmocka_unit_test(test_shard_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
