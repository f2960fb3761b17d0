/* fuzz_checkpoint.c - the native checkpoint (checkpoint_load, through a memfd), and llm.c's
 * model when the bytes start with its magic number.
 *
 * The END section's checksum would turn away nearly every mutation before the sections are
 * read, so the harness writes the right one into the input first, unless the header's unused
 * bytes 12..15 are all 0xff (then the checksum is the input's, and its check is fuzzed too).
 * A model that loads must be usable: its tokenizer round-trips text and, when it is small, it
 * samples two tokens that are in its vocabulary. */
#include "fuzz.h"

#include "core/base/bytes.h"
#include "core/model/generate.h"
#include "core/train/checkpoint.h"

#define HEADER_BYTES 16
#define SECTION_HEADER 12

static void fix_checksum(uint8_t *buf, size_t size)
{
    if (size < HEADER_BYTES || memcmp(buf, CHECKPOINT_MAGIC, 8) != 0) return;
    if (buf[12] == 0xff && buf[13] == 0xff && buf[14] == 0xff && buf[15] == 0xff) return;
    for (size_t at = HEADER_BYTES; size - at >= SECTION_HEADER;) {
        uint64_t len = get_u64(buf + at + 4);
        at += SECTION_HEADER;
        if (len > size - at) return;
        if (memcmp(buf + at - SECTION_HEADER, "END ", 4) == 0) {
            if (len == 8) put_u64(buf + at, fnv1a(FNV_OFFSET, buf, at - SECTION_HEADER));
            return;
        }
        at += len;
    }
}

/* Two tokens from the model: ids in range whatever the weights make of the logits. */
static void sample_two(const GPT2 *m)
{
    if (m->n_params > 200000) return; /* a fuzzer's time is better spent parsing */
    Generator g;
    Sampler s;
    SamplerConfig sc;
    Err e;
    sampler_config_default(&sc);
    if (generator_create(&g, m, &e)) return;
    if (sampler_create(&s, &sc, m->cfg.n_vocab, &e) == 0) {
        Rng rng;
        rng_seed(&rng, 1);
        int32_t prompt = 0, out[2];
        int n = generate(&g, &s, &rng, &prompt, 1, 2, out, NULL, NULL);
        for (int i = 0; i < n; i++) FUZZ_CHECK(out[i] >= 0 && out[i] < m->cfg.n_vocab);
        sampler_free(&s);
    }
    generator_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    if (size) memcpy(buf, data, size);
    fix_checksum(buf, size);

    char path[64];
    int fd = fuzz_file(buf, size, path, sizeof path);
    if (fd < 0) {
        free(buf);
        return 0;
    }
    Checkpoint ck;
    Err e = {0};
    int all = checkpoint_load(path, &ck, CKPT_RESUME, &e);
    if (all) {
        FUZZ_CHECK_ERR(e);
    } else {
        Err sub;
        FUZZ_CHECK(gpt2_config_check(&ck.model.cfg, &sub) == 0);
        FUZZ_CHECK(ck.model.params && ck.model.n_params == gpt2_param_count(&ck.model.cfg));
        if (!strcmp(ck.format, "nexttoken")) {
            FUZZ_CHECK(ck.tok.n_vocab == ck.model.cfg.n_vocab);
            fuzz_roundtrip(&ck.tok, buf, size < 512 ? size : 512);
        }
        sample_two(&ck.model);
        checkpoint_free(&ck);
    }
    /* The sizes and tokenizer alone: whatever loads whole loads without its weights. */
    Err e2 = {0};
    int some = checkpoint_load(path, &ck, 0, &e2);
    if (some) FUZZ_CHECK_ERR(e2);
    else checkpoint_free(&ck);
    FUZZ_CHECK(all || !some);
    fuzz_file_close(fd);
    free(buf);
    return 0;
}
