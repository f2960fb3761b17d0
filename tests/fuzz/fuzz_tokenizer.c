/* fuzz_tokenizer.c - tokenizer files as `--tokenizer FILE` reads them (tokenizer_load):
 * nexttoken's ("NXTKTOKN", version, length, tokenizer.h's serialised form, checksum) and llm.c's
 * gpt2_tokenizer.bin (magic 20240328, version 1 or 2), told apart by their first bytes. The
 * loader takes a path, so the input goes through a memfd.
 *
 * As for checkpoints, the harness writes the right checksum into a nexttoken file first unless
 * its unused header bytes 12..15 are all 0xff. A vocabulary that loads, however odd (the
 * file decides its tokens and its pre-tokenizer), must still round-trip any bytes. */
#include "fuzz.h"

#include "core/base/bytes.h"
#include "core/text/vocabfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    if (size) memcpy(buf, data, size);
    if (size >= 32 && memcmp(buf, TOKENIZER_FILE_MAGIC, 8) == 0
        && !(buf[12] == 0xff && buf[13] == 0xff && buf[14] == 0xff && buf[15] == 0xff))
        put_u64(buf + size - 8, fnv1a(FNV_OFFSET, buf, size - 8));
    char path[64];
    int fd = fuzz_file(buf, size, path, sizeof path);
    if (fd >= 0) {
        Tokenizer t;
        Err e = {0};
        if (tokenizer_load(&t, path, &e)) {
            FUZZ_CHECK_ERR(e);
        } else {
            FUZZ_CHECK(t.n_vocab >= 256 && t.n_vocab <= TOKENIZER_MAX_VOCAB);
            fuzz_roundtrip(&t, data, size < 1024 ? size : 1024);
            static const char text[] = "Once upon a time, there's a 3.14 ☃ naïve  café\n\n\t<|endoftext|>";
            fuzz_roundtrip(&t, (const uint8_t *)text, sizeof text - 1);
            tokenizer_free(&t);
        }
        fuzz_file_close(fd);
    }
    free(buf);
    return 0;
}
