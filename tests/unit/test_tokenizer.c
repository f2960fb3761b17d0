/* The tokenizers: every reference case from tiktoken for GPT-2, cl100k_base and o200k_base (the
 * vocabularies come from `make gpt2-vocab`; without them those tests are skipped, loudly),
 * round trips of random bytes, and the BPE trainer against a slow, obviously correct one. */
#include "testutil.h"

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/utf8.h"
#include "core/text/bpe_train.h"
#include "core/text/pretok.h"
#include "core/text/tokenizer.h"
#include "core/text/vocabfile.h"
#include "core/text/wordtok.h"
#include "core/train/loader.h"

/* ---- the reference cases ---- */

/* Unescapes a case's text: \\ \n \r \t, \xHH (the code point U+00HH) and \u{H..}, written as
 * UTF-8. Returns the length. */
static size_t unescape(const char *s, uint8_t *out)
{
    size_t k = 0;
    while (*s) {
        uint32_t cp;
        if (*s != '\\') {
            out[k++] = (uint8_t)*s++;
            continue;
        }
        s++;
        if (*s == 'n') cp = '\n', s++;
        else if (*s == 'r') cp = '\r', s++;
        else if (*s == 't') cp = '\t', s++;
        else if (*s == '\\') cp = '\\', s++;
        else if (*s == 'x') cp = (uint32_t)strtoul((char[]){s[1], s[2], 0}, NULL, 16), s += 3;
        else if (*s == 'u') {
            char *end;
            cp = (uint32_t)strtoul(s + 2, &end, 16);
            s = end + 1;
        } else {
            fail_msg("bad escape in a case: \\%c", *s);
            return 0;
        }
        k += (size_t)utf8_encode(cp, out + k);
    }
    return k;
}

static void run_cases(const char *vocab, const char *file)
{
    Tokenizer t;
    Err e;
    if (vocab_load_named(&t, vocab, &e) != 0) {
        /* Loud, not silent: the vocabularies are fetched by `make gpt2-vocab` (CI does). */
        fprintf(stderr, "SKIPPED: %s cases: %s\n", vocab, e.msg);
        skip();
    }
    size_t n = 0;
    char path[256];
    snprintf(path, sizeof path, "tests/tokenizer/%s", file);
    uint8_t *buf = read_file(path, &n);
    assert_non_null(buf);
    char *save, *line = strtok_r((char *)buf, "\n", &save); /* the header */
    int cases = 0, failures = 0;
    uint8_t *text = malloc(n + 1);
    int32_t *ids = NULL, want[4096];
    size_t cap = 0;
    while ((line = strtok_r(NULL, "\n", &save))) {
        char *tab = strchr(line, '\t');
        if (!tab) fail_msg("%s: a line without a tab: '%s'", file, line);
        *tab = 0;
        size_t len = unescape(line, text);
        int nw = 0;
        for (char *p = tab + 1, *end; *p; p = end) {
            want[nw++] = (int32_t)strtol(p, &end, 10);
            if (end == p) break;
        }
        size_t got;
        assert_int_equal(tokenizer_encode(&t, text, len, &ids, &cap, &got, &e), 0);
        int same = got == (size_t)nw && memcmp(ids, want, sizeof(int32_t) * got) == 0;
        if (!same && failures++ < 5) {
            fprintf(stderr, "%s: '%s': got", vocab, line);
            for (size_t i = 0; i < got; i++) fprintf(stderr, " %d", ids[i]);
            fprintf(stderr, ", want");
            for (int i = 0; i < nw; i++) fprintf(stderr, " %d", want[i]);
            fputc('\n', stderr);
        }
        /* and back */
        uint8_t *dec = NULL;
        size_t dcap = 0, dlen;
        assert_int_equal(tokenizer_decode(&t, ids, got, &dec, &dcap, &dlen, &e), 0);
        assert_int_equal(dlen, len);
        assert_memory_equal(dec, text, len);
        free(dec);
        cases++;
    }
    fprintf(stderr, "%s: %d of %d cases match tiktoken\n", vocab, cases - failures, cases);
    assert_int_equal(failures, 0);
    assert_int_equal(cases, 394);
    free(text), free(ids), free(buf);
    tokenizer_free(&t);
}

static void test_gpt2_cases(void **state) { (void)state; run_cases("gpt2", "gpt2_cases.tsv"); }
static void test_cl100k_cases(void **state) { (void)state; run_cases("cl100k", "cl100k_cases.tsv"); }
static void test_o200k_cases(void **state) { (void)state; run_cases("o200k", "o200k_cases.tsv"); }

/* The lecture's example, both ways. */
static void test_viewing_single_post(void **state)
{
    (void)state;
    const char *s = "|Viewing Single Post";
    struct { const char *vocab; int32_t want[5]; } cases[] = {
        {"cl100k", {91, 860, 287, 11579, 3962}},
        {"gpt2", {91, 7680, 278, 14206, 2947}},
    };
    for (int c = 0; c < 2; c++) {
        Tokenizer t;
        Err e;
        if (vocab_load_named(&t, cases[c].vocab, &e) != 0) {
            fprintf(stderr, "SKIPPED: %s\n", e.msg);
            skip();
        }
        int32_t *ids = NULL;
        size_t cap = 0, n;
        assert_int_equal(tokenizer_encode(&t, (const uint8_t *)s, strlen(s), &ids, &cap, &n, &e), 0);
        assert_int_equal(n, 5);
        assert_memory_equal(ids, cases[c].want, sizeof cases[c].want);
        free(ids);
        tokenizer_free(&t);
    }
}

/* ---- round trips ---- */

static void round_trip(const Tokenizer *t, Rng *r, int trials)
{
    uint8_t buf[600];
    int32_t *ids = NULL;
    size_t cap = 0;
    Err e;
    for (int trial = 0; trial < trials; trial++) {
        size_t n = (size_t)rng_below(r, sizeof buf);
        int mode = (int)rng_below(r, 3);
        for (size_t i = 0; i < n; i++) {
            /* all bytes; or text-like bytes with high bytes mixed in (broken UTF-8); or a
             * long run of one byte (the long-chunk merge path) */
            if (mode == 0) buf[i] = (uint8_t)rng_below(r, 256);
            else if (mode == 1) buf[i] = rng_below(r, 8) ? (uint8_t)"ab c\n.'-1"[rng_below(r, 9)] : (uint8_t)(0x80 + rng_below(r, 128));
            else buf[i] = rng_below(r, 50) ? 'a' : ' ';
        }
        size_t k;
        assert_int_equal(tokenizer_encode(t, buf, n, &ids, &cap, &k, &e), 0);
        uint8_t *out = NULL;
        size_t ocap = 0, len;
        assert_int_equal(tokenizer_decode(t, ids, k, &out, &ocap, &len, &e), 0);
        assert_int_equal(len, n);
        assert_memory_equal(out, buf, n);
        free(out);
    }
    free(ids);
}

static void test_round_trip_bytes(void **state)
{
    (void)state;
    Tokenizer t;
    Err e;
    Rng r;
    rng_seed(&r, 1);
    assert_int_equal(tokenizer_init_bytes(&t, &e), 0);
    round_trip(&t, &r, 200);
    tokenizer_free(&t);
    const char *names[] = {"gpt2", "cl100k", "o200k"};
    for (int i = 0; i < 3; i++) {
        if (vocab_load_named(&t, names[i], &e) != 0) {
            fprintf(stderr, "SKIPPED: %s round trip: %s\n", names[i], e.msg);
            continue;
        }
        round_trip(&t, &r, 300);
        tokenizer_free(&t);
    }
}

/* ---- the trainer against a naive one ---- */

/* The obviously correct trainer: every step recounts every adjacent pair of every distinct
 * chunk (weighted by its count), takes the most frequent (ties: the lower pair of ids), and
 * merges it left to right everywhere. Merges into bytes that are already a token reuse it. */
typedef struct {
    int32_t *syms[4096];
    int len[4096];
    long count[4096];
    int n;
} Words;

static int naive_chunk(void *ctx, const uint8_t *c, size_t n)
{
    Words *w = ctx;
    for (int i = 0; i < w->n; i++) {
        if (w->len[i] != (int)n) continue;
        int same = 1;
        for (size_t j = 0; j < n && same; j++) same = w->syms[i][j] == c[j];
        if (same) {
            w->count[i]++;
            return 0;
        }
    }
    assert_true(w->n < 4096);
    w->syms[w->n] = malloc(sizeof(int32_t) * n);
    for (size_t j = 0; j < n; j++) w->syms[w->n][j] = c[j];
    w->len[w->n] = (int)n;
    w->count[w->n++] = 1;
    return 0;
}

static void test_trainer_matches_naive(void **state)
{
    (void)state;
    /* A corpus with repeats, overlapping pairs ("aaaa", "lll"), and words that make the same
     * bytes by different merge paths. */
    const char *text =
        "the cat sat on the mat. the cat ate the rat; that rat sat flat. aaaa aaa aa a baaa "
        "hello hell shell shelll llll lll ll. ab abc bc abcabc cab cabab. the thethe theth "
        "Once upon a time, there was a cat. Once, twice, thrice! 123 1234 12 12345 9999";
    size_t n = strlen(text);
    Err e;
    BpeTrainer *bt = bpe_trainer_create((const uint8_t *)text, n, PRETOK_GPT2, &e);
    assert_non_null(bt);

    Words w = {.n = 0};
    const Pretok *p = pretok_get(PRETOK_GPT2, &e);
    assert_int_equal(pretok_split(p, (const uint8_t *)text, n, naive_chunk, &w, &e), 0);
    /* naive vocabulary: bytes of each id */
    uint8_t *tok[2048];
    int tlen[2048], ntok = 256;
    for (int i = 0; i < 256; i++) tok[i] = malloc(1), tok[i][0] = (uint8_t)i, tlen[i] = 1;

    for (int step = 0;; step++) {
        /* count */
        long best = 0;
        int32_t ba = -1, bb = -1;
        for (int a = 0; a < ntok; a++)
            for (int b = 0; b < ntok; b++) {
                long c = 0;
                for (int k = 0; k < w.n; k++)
                    for (int i = 0; i + 1 < w.len[k]; i++)
                        if (w.syms[k][i] == a && w.syms[k][i + 1] == b) c += w.count[k];
                if (c > best) best = c, ba = a, bb = b; /* strict: ties keep the lower pair */
            }
        BpeMerge m;
        int r = bpe_trainer_step(bt, &m, &e);
        if (best == 0) {
            assert_int_equal(r, 0);
            break;
        }
        assert_int_equal(r, 1);
        if (m.a != ba || m.b != bb || m.count != best)
            fail_msg("merge %d: trainer (%d,%d) x%lld, naive (%d,%d) x%ld", step, m.a, m.b, (long long)m.count, ba, bb, best);
        /* the new token, or the one already spelling those bytes */
        uint8_t joined[256];
        int jl = tlen[ba] + tlen[bb];
        memcpy(joined, tok[ba], (size_t)tlen[ba]);
        memcpy(joined + tlen[ba], tok[bb], (size_t)tlen[bb]);
        int32_t x = -1;
        for (int i = 0; i < ntok; i++)
            if (tlen[i] == jl && memcmp(tok[i], joined, (size_t)jl) == 0) x = i;
        if (x < 0) {
            x = ntok++;
            tok[x] = malloc((size_t)jl);
            memcpy(tok[x], joined, (size_t)jl);
            tlen[x] = jl;
        }
        assert_int_equal(m.id, x);
        assert_int_equal(m.rank, step);
        for (int k = 0; k < w.n; k++) {
            int o = 0;
            for (int i = 0; i < w.len[k];) {
                if (i + 1 < w.len[k] && w.syms[k][i] == ba && w.syms[k][i + 1] == bb) w.syms[k][o++] = x, i += 2;
                else w.syms[k][o++] = w.syms[k][i++];
            }
            w.len[k] = o;
        }
    }
    assert_int_equal(bpe_trainer_vocab_size(bt), ntok);
    /* The learned vocabulary encodes the corpus and decodes it back. */
    Tokenizer t;
    assert_int_equal(bpe_trainer_tokenizer(bt, &t, &e), 0);
    int32_t *ids = NULL;
    size_t cap = 0, k;
    assert_int_equal(tokenizer_encode(&t, (const uint8_t *)text, n, &ids, &cap, &k, &e), 0);
    assert_true(k < n / 3); /* trained to the end: nearly a token per chunk */
    Rng r;
    rng_seed(&r, 2);
    round_trip(&t, &r, 100);
    free(ids);
    tokenizer_free(&t);
    for (int i = 0; i < ntok; i++) free(tok[i]);
    for (int i = 0; i < w.n; i++) free(w.syms[i]);
    bpe_trainer_free(bt);
}

static void test_trainer_top_pairs(void **state)
{
    (void)state;
    const char *text = "aaab aaab aaab abab";
    Err e;
    BpeTrainer *bt = bpe_trainer_create((const uint8_t *)text, strlen(text), PRETOK_GPT2, &e);
    BpePair top[4];
    int k = bpe_trainer_top(bt, top, 4);
    /* chunks: "aaab" x1, " aaab" x2, " abab" x1; pairs: (a,a) 6, (a,b) 5, ( ,a) 3, (b,a) 1 */
    assert_int_equal(k, 4);
    assert_true(top[0].a == 'a' && top[0].b == 'a' && top[0].count == 6);
    assert_true(top[1].a == 'a' && top[1].b == 'b' && top[1].count == 5);
    assert_true(top[2].a == ' ' && top[2].b == 'a' && top[2].count == 3);
    assert_true(top[3].a == 'b' && top[3].b == 'a' && top[3].count == 1);
    /* asking again gives the same (the heap is put back) */
    BpePair again[4];
    assert_int_equal(bpe_trainer_top(bt, again, 4), 4);
    assert_memory_equal(top, again, sizeof top);
    BpeMerge m;
    assert_int_equal(bpe_trainer_step(bt, &m, &e), 1);
    assert_true(m.a == 'a' && m.b == 'a' && m.id == 256 && m.is_new);
    size_t len;
    const uint8_t *b = bpe_trainer_token(bt, 256, &len);
    assert_int_equal(len, 2);
    assert_memory_equal(b, "aa", 2);
    bpe_trainer_free(bt);
    assert_null(bpe_trainer_create((const uint8_t *)"", 0, PRETOK_GPT2, &e));
    assert_non_null(strstr(e.msg, "empty"));
}

/* ---- files ---- */

static void test_tokenizer_files(void **state)
{
    (void)state;
    const char *dir = temp_dir();
    char path[128], bad[128];
    snprintf(path, sizeof path, "%s/tok.bin", dir);
    snprintf(bad, sizeof bad, "%s/bad.bin", dir);
    const char *text = "the theme of the thesis is the thermos";
    Err e;
    BpeTrainer *bt = bpe_trainer_create((const uint8_t *)text, strlen(text), PRETOK_GPT2, &e);
    BpeMerge m;
    for (int i = 0; i < 5; i++) assert_int_equal(bpe_trainer_step(bt, &m, &e), 1);
    Tokenizer t, u;
    assert_int_equal(bpe_trainer_tokenizer(bt, &t, &e), 0);
    assert_int_equal(tokenizer_save(path, &t, &e), 0);
    assert_int_equal(load_tokenizer(path, &u, &e), 0);
    assert_int_equal(u.n_vocab, 261);
    assert_int_equal(u.pattern, PRETOK_GPT2);
    assert_memory_equal(u.offsets, t.offsets, sizeof(uint32_t) * 262);
    tokenizer_free(&u);
    size_t n = 0;
    uint8_t *b = read_file(path, &n);
    /* truncated, corrupted, and not a tokenizer at all */
    FILE *f = fopen(bad, "wb");
    fwrite(b, 1, n - 3, f);
    fclose(f);
    assert_int_equal(tokenizer_load(&u, bad, &e), -1);
    assert_non_null(strstr(e.msg, "truncated"));
    b[40] ^= 1;
    f = fopen(bad, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
    assert_int_equal(tokenizer_load(&u, bad, &e), -1);
    assert_non_null(strstr(e.msg, "checksum"));
    f = fopen(bad, "wb");
    fputs("hello", f);
    fclose(f);
    assert_int_equal(tokenizer_load(&u, bad, &e), -1);
    assert_non_null(strstr(e.msg, "not a tokenizer file"));
    /* never overwrites what is not a tokenizer */
    assert_int_equal(tokenizer_save(bad, &t, &e), -1);
    assert_non_null(strstr(e.msg, "refusing to overwrite"));
    free(b);
    tokenizer_free(&t);
    bpe_trainer_free(bt);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* A vocabulary table with two tokens of the same bytes is refused, naming them; special tokens
 * may repeat bytes (they are never made by merging). */
static void test_duplicate_tokens(void **state)
{
    (void)state;
    uint32_t off[260];
    uint8_t bytes[300], special[259] = {0};
    for (int i = 0; i < 256; i++) off[i] = (uint32_t)i, bytes[i] = (uint8_t)i;
    memcpy(bytes + 256, "abab", 4);
    off[256] = 256, off[257] = 258, off[258] = 260;
    Tokenizer t;
    Err e;
    assert_int_equal(tokenizer_init_table(&t, "dup", PRETOK_GPT2, 258, off, bytes, special, &e), -1);
    assert_int_equal(e.code, ERR_INPUT);
    assert_string_equal(e.msg, "vocabulary tokens 256 and 257 have the same bytes");
    special[257] = 1;
    assert_int_equal(tokenizer_init_table(&t, "dup", PRETOK_GPT2, 258, off, bytes, special, &e), 0);
    tokenizer_free(&t);
    special[257] = 0;
    bytes[257] = 'c', bytes[258] = 'a', off[258] = 259; /* "ac", then "a" again */
    assert_int_equal(tokenizer_init_table(&t, "dup", PRETOK_GPT2, 258, off, bytes, special, &e), -1);
    assert_string_equal(e.msg, "vocabulary has byte 0x61 twice (tokens 97 and 257)");
}

static void test_bad_vocab_files(void **state)
{
    (void)state;
    const char *dir = temp_dir();
    char enc[128], bpe[128], tik[128];
    snprintf(enc, sizeof enc, "%s/encoder.json", dir);
    snprintf(bpe, sizeof bpe, "%s/vocab.bpe", dir);
    snprintf(tik, sizeof tik, "%s/x.tiktoken", dir);
    struct { const char *json, *want; } cases[] = {
        {"", "not a JSON object"},
        {"{\"a\": 0, \"b\": ", "malformed JSON"},
        {"{\"a\": 0, \"b\": 0}", "token id 0 appears twice"},
        {"{\"a\": 0}", "1 tokens, GPT-2 has 50257"},
        {"{\"\\u4e00\": 0}", "not written in GPT-2's byte characters"},
    };
    Tokenizer t;
    Err e;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(enc, "w");
        fputs(cases[i].json, f);
        fclose(f);
        f = fopen(bpe, "w");
        fputs("#version: 0.2\n", f);
        fclose(f);
        assert_int_equal(vocab_load_gpt2(&t, enc, bpe, &e), -1);
        if (!strstr(e.msg, cases[i].want)) fail_msg("'%s' -> '%s', want '%s'", cases[i].json, e.msg, cases[i].want);
        assert_int_equal(e.code, ERR_INPUT);
    }
    FILE *f = fopen(tik, "w");
    fputs("IQ== 0\nnot base64 1\n", f);
    fclose(f);
    assert_int_equal(vocab_load_tiktoken(&t, tik, PRETOK_CL100K, &e), -1);
    assert_non_null(strstr(e.msg, "line 2"));
    /* the 256 bytes, loaded; then byte 5's rank made 2^32 + 5, which an int cut to 5 and loaded
     * as if it were right */
    for (int bad = 0; bad < 2; bad++) {
        static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        f = fopen(tik, "w");
        for (int i = 0; i < 256; i++)
            fprintf(f, "%c%c== %lld\n", b64[i >> 2], b64[(i & 3) << 4], bad && i == 5 ? 4294967301LL : (long long)i);
        fclose(f);
        int rc = vocab_load_tiktoken(&t, tik, PRETOK_CL100K, &e);
        if (!bad) {
            assert_int_equal(rc, 0);
            tokenizer_free(&t);
        } else {
            assert_int_equal(rc, -1);
            assert_non_null(strstr(e.msg, "line 6 is not"));
        }
    }
    /* the real files, with vocab.bpe cut short or made inconsistent */
    char real[512];
    if (vocab_find_dir("encoder.json", real, sizeof real) == 0) {
        char src_enc[600], src_bpe[600], cmd[1400];
        snprintf(src_enc, sizeof src_enc, "%s/encoder.json", real);
        snprintf(src_bpe, sizeof src_bpe, "%s/vocab.bpe", real);
        snprintf(cmd, sizeof cmd, "head -n 1000 %s > %s", src_bpe, bpe);
        assert_int_equal(system(cmd), 0);
        assert_int_equal(vocab_load_gpt2(&t, src_enc, bpe, &e), -1);
        assert_non_null(strstr(e.msg, "999 merges, GPT-2 has 50000"));
        snprintf(cmd, sizeof cmd, "sed '5s/.*/h e/' %s > %s", src_bpe, bpe);
        assert_int_equal(system(cmd), 0);
        assert_int_equal(vocab_load_gpt2(&t, src_enc, bpe, &e), -1);
        /* "h e" makes "he", which encoder.json numbers 258; the fifth line must make 259 */
        assert_non_null(strstr(e.msg, "line 5 merges into token 258 of encoder.json, but a merge on that line should make token 259"));
        assert_int_equal(vocab_load_gpt2(&t, src_enc, src_bpe, &e), 0);
        assert_int_equal(t.n_vocab, 50257);
        assert_true(t.special[50256]);
        tokenizer_free(&t);
    }
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_word_and_char(void **state)
{
    (void)state;
    const char *corpus = "The cat sat. The dog didn't sit; the cat ran!";
    Err e;
    WordTok *w = wordtok_build(WORDTOK_WORD, (const uint8_t *)corpus, strlen(corpus), &e);
    assert_non_null(w);
    /* <unk> The cat sat . dog didn't sit ; the ran ! */
    assert_int_equal(wordtok_vocab_size(w), 12);
    int32_t ids[64];
    size_t unk;
    const char *text = "the cat didn't fly!";
    long k = wordtok_encode(w, (const uint8_t *)text, strlen(text), ids, &unk);
    assert_int_equal(k, 5);
    assert_int_equal(unk, 1);
    assert_int_equal(ids[3], 0); /* fly */
    size_t len;
    assert_string_equal(wordtok_token(w, ids[2], &len), "didn't");
    wordtok_free(w);
    w = wordtok_build(WORDTOK_CHAR, (const uint8_t *)"ab 한", 6, &e);
    assert_int_equal(wordtok_vocab_size(w), 5); /* <unk> a b space 한 */
    k = wordtok_encode(w, (const uint8_t *)"한b글", 7, ids, &unk);
    assert_int_equal(k, 3);
    assert_int_equal(unk, 1);
    assert_string_equal(wordtok_token(w, ids[0], &len), "한");
    wordtok_free(w);
}

/* No tokenizer holds a token longer than its files store (16 bits of length): the trainer never
 * learns one and a table with one is refused. What is learned from one letter 65,536 times is
 * saved and loads back; llm.c's tokenizer file, whose lengths are one byte, is refused before
 * anything is written. */
static void test_longest_tokens(void **state)
{
    (void)state;
    const char *dir = temp_dir();
    char path[128], llmc[128];
    snprintf(path, sizeof path, "%s/a.tok", dir);
    snprintf(llmc, sizeof llmc, "%s/a.bin", dir);
    size_t n = 65536;
    uint8_t *text = malloc(n + 1);
    memset(text, 'a', n);
    Tokenizer t, u;
    Err e;
    for (int pattern = PRETOK_NONE; pattern <= PRETOK_GPT2; pattern++) {
        assert_int_equal(bpe_learn(text, n, pattern, 400, &t, NULL, &e), 0);
        for (int i = 0; i < t.n_vocab; i++) assert_true(t.offsets[i + 1] - t.offsets[i] <= TOKENIZER_MAX_TOKEN);
        assert_int_equal(tokenizer_save(path, &t, &e), 0);
        assert_int_equal(tokenizer_load(&u, path, &e), 0);
        assert_int_equal(u.n_vocab, t.n_vocab);
        assert_memory_equal(u.offsets, t.offsets, sizeof(uint32_t) * ((size_t)t.n_vocab + 1));
        tokenizer_free(&u);
        assert_int_equal(vocab_save_llmc(llmc, &t, &e), -1);
        assert_non_null(strstr(e.msg, "llm.c's tokenizer file holds 1 to 255"));
        assert_int_equal(access(llmc, F_OK), -1);
        tokenizer_free(&t);
    }
    /* a table with a token of 65,536 bytes is refused */
    uint32_t offsets[258];
    uint8_t special[257] = {0};
    for (int i = 0; i <= 256; i++) offsets[i] = (uint32_t)i;
    uint8_t *bytes = malloc(256 + n);
    for (int i = 0; i < 256; i++) bytes[i] = (uint8_t)i;
    memset(bytes + 256, 'a', n);
    offsets[257] = (uint32_t)(256 + n);
    assert_int_equal(tokenizer_init_table(&t, "bpe", 0, 257, offsets, bytes, special, &e), -1);
    assert_non_null(strstr(e.msg, "token 256 has 65536 bytes; a token has at most 65535"));
    offsets[257]--;
    assert_int_equal(tokenizer_init_table(&t, "bpe", 0, 257, offsets, bytes, special, &e), 0);
    tokenizer_free(&t);
    free(bytes);
    free(text);
    assert_int_equal(rm_tree(dir), 0);
}

static void test_llmc_tokenizer(void **state)
{
    (void)state;
    const char *dir = temp_dir();
    char path[128];
    snprintf(path, sizeof path, "%s/gpt2_tokenizer.bin", dir);
    Tokenizer t, u;
    Err e;
    const char *text = "the theme of the thesis is the thermos, the theory of them";
    BpeTrainer *bt = bpe_trainer_create((const uint8_t *)text, strlen(text), PRETOK_GPT2, &e);
    BpeMerge m;
    while (bpe_trainer_step(bt, &m, &e) == 1) {}
    assert_int_equal(bpe_trainer_tokenizer(bt, &t, &e), 0);
    bpe_trainer_free(bt);
    /* ours, then GPT-2's when installed: written as llm.c does, read back the same */
    for (int round = 0; round < 2; round++) {
        if (round == 1) {
            tokenizer_free(&t);
            if (vocab_load_named(&t, "gpt2", &e) != 0) break;
        }
        assert_int_equal(vocab_save_llmc(path, &t, &e), 0);
        assert_int_equal(vocab_load_llmc(&u, path, &e), 0);
        assert_int_equal(u.n_vocab, t.n_vocab);
        assert_memory_equal(u.offsets, t.offsets, sizeof(uint32_t) * (t.n_vocab + 1));
        assert_memory_equal(u.bytes, t.bytes, t.offsets[t.n_vocab]);
        assert_memory_equal(u.special, t.special, (size_t)t.n_vocab);
        size_t n = 0;
        uint8_t *b = read_file(path, &n);
        assert_int_equal(get_u32(b + 4), round == 1 ? 2 : 1); /* version 2 names <|endoftext|> */
        if (round == 1) assert_int_equal(get_u32(b + 12), 50256);
        free(b);
        tokenizer_free(&u);
    }
    tokenizer_free(&t);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gpt2_cases),       cmocka_unit_test(test_cl100k_cases),
        cmocka_unit_test(test_o200k_cases),      cmocka_unit_test(test_viewing_single_post),
        cmocka_unit_test(test_round_trip_bytes), cmocka_unit_test(test_trainer_matches_naive),
        cmocka_unit_test(test_trainer_top_pairs), cmocka_unit_test(test_tokenizer_files),
        cmocka_unit_test(test_bad_vocab_files),  cmocka_unit_test(test_word_and_char),
        cmocka_unit_test(test_duplicate_tokens),
        cmocka_unit_test(test_llmc_tokenizer),
        cmocka_unit_test(test_longest_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
