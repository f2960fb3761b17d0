/* fuzz_gpt2vocab.c - GPT-2's encoder.json and vocab.bpe (vocab_load_gpt2), through memfds.
 *
 * The loader accepts only a whole GPT-2 vocabulary (50,257 tokens, 50,000 merges, each merge
 * making the token after the last), so the harness makes one at start-up, synthetic, of the
 * same shape: the 256 bytes as ids 0..255 in GPT-2's byte characters, then as merge k (id 256+k)
 * the two bytes k / 256 and k % 256, then <|endoftext|>; half of its keys written with \u
 * escapes. The first byte of the input chooses which of the two files the rest is: even,
 * encoder.json (the JSON reader, its escapes and surrogate pairs, the byte characters), read
 * with the synthetic vocab.bpe; odd, vocab.bpe (the merges checked against the tokens), read
 * after the synthetic encoder.json. No download is needed: `make gpt2-vocab`'s real files are
 * tested by the unit tests. */
#include "fuzz.h"

#include "core/base/utf8.h"
#include "core/text/vocabfile.h"

#define MERGES (GPT2_VOCAB - 257)

static int enc_fd = -1, bpe_fd = -1;
static char enc_path[64], bpe_path[64];

/* The character GPT-2 writes byte b as. */
static uint32_t byte_char(int b)
{
    int n = 0;
    for (int c = 0; c < 256; c++) {
        int printable = (c >= '!' && c <= '~') || (c >= 0xa1 && c <= 0xac) || (c >= 0xae && c <= 0xff);
        if (c == b) return printable ? (uint32_t)c : 256u + (uint32_t)n;
        if (!printable) n++;
    }
    return 0;
}

typedef struct {
    char *p;
    size_t n, cap;
} Buf;

static void put(Buf *b, const char *s, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) abort();
    }
    memcpy(b->p + b->n, s, n), b->n += n;
}

/* A byte's character: in a JSON string (escaped as \uXXXX, or as itself), or plain UTF-8. */
enum { PLAIN, JSON, JSON_ESCAPED };
static void put_char(Buf *b, int byte, int how)
{
    uint32_t cp = byte_char(byte);
    char s[16];
    if (how == JSON_ESCAPED) {
        put(b, s, (size_t)snprintf(s, sizeof s, "\\u%04x", (unsigned)cp));
    } else if (how == JSON && (cp == '"' || cp == '\\')) {
        s[0] = '\\', s[1] = (char)cp;
        put(b, s, 2);
    } else {
        put(b, s, (size_t)utf8_encode(cp, (uint8_t *)s));
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (enc_fd >= 0) return 0;
    Buf enc = {0}, bpe = {0};
    put(&enc, "{", 1);
    for (int id = 0; id < 256 + MERGES; id++) {
        put(&enc, id ? ",\n\"" : "\"", id ? 3 : 1);
        if (id < 256) {
            put_char(&enc, id, id & 1 ? JSON_ESCAPED : JSON);
        } else {
            put_char(&enc, (id - 256) / 256, id & 1 ? JSON_ESCAPED : JSON);
            put_char(&enc, (id - 256) % 256, id & 1 ? JSON_ESCAPED : JSON);
        }
        char s[24];
        put(&enc, s, (size_t)snprintf(s, sizeof s, "\": %d", id));
    }
    char s[64];
    put(&enc, s, (size_t)snprintf(s, sizeof s, ",\n\"<|endoftext|>\": %d}\n", GPT2_VOCAB - 1));
    put(&bpe, "#version: 0.2\n", 14);
    for (int k = 0; k < MERGES; k++) {
        put_char(&bpe, k / 256, PLAIN);
        put(&bpe, " ", 1);
        put_char(&bpe, k % 256, PLAIN);
        put(&bpe, "\n", 1);
    }
    enc_fd = fuzz_file((const uint8_t *)enc.p, enc.n, enc_path, sizeof enc_path);
    bpe_fd = fuzz_file((const uint8_t *)bpe.p, bpe.n, bpe_path, sizeof bpe_path);
    free(enc.p), free(bpe.p);
    /* the synthetic pair must load, or every input would only test a broken harness */
    Tokenizer t;
    Err e;
    if (enc_fd < 0 || bpe_fd < 0 || vocab_load_gpt2(&t, enc_path, bpe_path, &e)) {
        fprintf(stderr, "fuzz_gpt2vocab: the synthetic vocabulary does not load: %s\n", enc_fd < 0 || bpe_fd < 0 ? "no memfd" : e.msg);
        abort();
    }
    tokenizer_free(&t);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (enc_fd < 0) LLVMFuzzerInitialize(NULL, NULL);
    if (size < 1) return 0;
    int merges = data[0] & 1;
    char path[64];
    int fd = fuzz_file(data + 1, size - 1, path, sizeof path);
    if (fd < 0) return 0;
    Tokenizer t;
    Err e = {0};
    if (vocab_load_gpt2(&t, merges ? enc_path : path, merges ? path : bpe_path, &e)) {
        FUZZ_CHECK_ERR(e);
    } else {
        FUZZ_CHECK(t.n_vocab == GPT2_VOCAB);
        fuzz_roundtrip(&t, data, size);
        tokenizer_free(&t);
    }
    fuzz_file_close(fd);
    return 0;
}
