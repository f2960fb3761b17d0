/* fuzz_bpe.c - byte-pair encoding round trip: any bytes, encoded and decoded, come back exactly,
 * and every id is a token the encoder may produce (tokenizer.h's promise).
 *
 * The low four bits of the first byte choose the tokenizer; the rest of the input is the text.
 * The tokenizers: four of 512 tokens learned at start-up from the shipped corpora (English and
 * Korean, so that merges cross UTF-8 characters), one per pre-tokenizer pattern (none, GPT-2,
 * cl100k, o200k); GPT-2's, cl100k's and o200k's real vocabularies when `make gpt2-vocab`
 * installed them; and, for the choices past those, one learned from the input itself (pattern
 * from the first byte's bits 4-5, up to 64 merges), which fuzzes the trainer too. */
#include "fuzz.h"

#include "core/base/readfile.h"
#include "core/base/paths.h"
#include "core/text/bpe_train.h"
#include "core/text/pretok.h"
#include "core/text/vocabfile.h"

#define MAX_TOK 8
static Tokenizer toks[MAX_TOK];
static int n_toks = -1;

/* The start of a shipped corpus, appended to *text. */
static void add_corpus(const char *file, size_t max, uint8_t **text, size_t *n)
{
    char dir[NT_PATH_MAX], path[NT_PATH_MAX + 64];
    uint8_t *data;
    size_t size;
    Err e;
    if (path_shipped_dir("corpora", dir, sizeof dir)) return;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (readfile_all(path, "a text", &data, &size, &e)) return;
    if (size > max) size = max;
    uint8_t *t = realloc(*text, *n + size);
    if (t) memcpy(t + *n, data, size), *text = t, *n += size;
    free(data);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (n_toks >= 0) return 0;
    n_toks = 0;
    uint8_t *text = NULL;
    size_t n = 0;
    add_corpus("stories.txt", 48 << 10, &text, &n);
    add_corpus("korean.txt", 16 << 10, &text, &n);
    if (!n) {
        static const char fallback[] = "the cat sat on the mat; the dog sat on the log. 고양이가 매트 위에 앉았다. ";
        text = malloc(sizeof fallback);
        memcpy(text, fallback, sizeof fallback - 1), n = sizeof fallback - 1;
        fprintf(stderr, "fuzz_bpe: the corpora are not here; learning from a sentence\n");
    }
    Err e;
    for (int p = PRETOK_NONE; p < PRETOK_COUNT; p++) {
        int exhausted;
        if (bpe_learn(text, n, p, 512, &toks[n_toks], &exhausted, &e)) {
            fprintf(stderr, "fuzz_bpe: %s\n", e.msg);
            abort();
        }
        n_toks++;
    }
    free(text);
    static const char *const named[] = {"gpt2", "cl100k", "o200k"};
    for (int i = 0; i < 3; i++) {
        if (vocab_load_named(&toks[n_toks], named[i], &e) == 0) n_toks++;
        else fprintf(stderr, "fuzz_bpe: no %s vocabulary (make gpt2-vocab)\n", named[i]);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (n_toks < 0) LLVMFuzzerInitialize(NULL, NULL);
    if (size < 1) return 0;
    int which = data[0] & 15;
    const uint8_t *text = data + 1;
    size_t n = size - 1;
    if (which < n_toks) {
        fuzz_roundtrip(&toks[which], text, n);
        return 0;
    }
    /* a vocabulary learned from the text itself (an empty text is refused) */
    Tokenizer t;
    Err e = {0};
    int exhausted;
    if (bpe_learn(text, n, (data[0] >> 4) & 3, 256 + 64, &t, &exhausted, &e)) {
        FUZZ_CHECK_ERR(e);
        FUZZ_CHECK(n == 0 || e.code == ERR_INTERNAL);
        return 0;
    }
    FUZZ_CHECK(t.n_vocab >= 256 && t.n_vocab <= 256 + 64);
    fuzz_roundtrip(&t, text, n);
    static const uint8_t other[] = "an unrelated text\n\xff\xfe 한국어";
    fuzz_roundtrip(&t, other, sizeof other - 1);
    tokenizer_free(&t);
    return 0;
}
