/* fuzz_tiktoken.c - tiktoken's rank files (vocab_load_tiktoken: "base64 rank" lines, then the
 * encoding's special tokens), through a memfd. The first byte chooses the encoding whose
 * special tokens and pattern are used: even cl100k, odd o200k. A vocabulary that loads must
 * round-trip any bytes under that pattern. */
#include "fuzz.h"

#include "core/text/pretok.h"
#include "core/text/vocabfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int pattern = data[0] & 1 ? PRETOK_O200K : PRETOK_CL100K;
    char path[64];
    int fd = fuzz_file(data + 1, size - 1, path, sizeof path);
    if (fd < 0) return 0;
    Tokenizer t;
    Err e = {0};
    if (vocab_load_tiktoken(&t, path, pattern, &e)) {
        FUZZ_CHECK_ERR(e);
    } else {
        FUZZ_CHECK(t.pattern == pattern);
        fuzz_roundtrip(&t, data, size < 2048 ? size : 2048);
        tokenizer_free(&t);
    }
    fuzz_file_close(fd);
    return 0;
}
