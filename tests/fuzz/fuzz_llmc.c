/* fuzz_llmc.c - llm.c's model file (llmc_load_model, from a memfd): the 256-int header, both
 * float32 (version 3) and bfloat16 (version 5) weights, the padded vocabulary. (The magic number
 * is its callers' to check, with llmc_is_model: checkpoint_load, and fuzz_checkpoint.) A model that
 * loads has sizes gpt2_config_check accepts, finite weights, and samples a token in range. */
#include "fuzz.h"

#include <math.h>

#include "core/model/generate.h"
#include "core/model/llmc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_file(data, size, path, sizeof path);
    if (fd < 0) return 0;
    GPT2 m;
    Err e = {0};
    /* read from the start, as checkpoint_load hands it over after its magic-number check */
    int rc = lseek(fd, 0, SEEK_SET) == 0 ? llmc_load_model(fd, size, &m, &e) : 0;
    fuzz_file_close(fd);
    if (rc) {
        FUZZ_CHECK_ERR(e);
        FUZZ_CHECK(m.params == NULL);
        return 0;
    }
    Err sub;
    FUZZ_CHECK(gpt2_config_check(&m.cfg, &sub) == 0);
    FUZZ_CHECK(m.n_params == gpt2_param_count(&m.cfg));
    for (size_t i = 0; i < m.n_params; i++) FUZZ_CHECK(isfinite(m.params[i]));
    if (m.n_params <= 200000) {
        Generator g;
        Sampler s;
        SamplerConfig sc;
        sampler_config_default(&sc);
        if (generator_create(&g, &m, &e) == 0) {
            if (sampler_create(&s, &sc, m.cfg.n_vocab, &e) == 0) {
                Rng rng;
                rng_seed(&rng, 2);
                int32_t prompt = m.cfg.n_vocab - 1, out[2];
                int n = generate(&g, &s, &rng, &prompt, 1, 2, out, NULL, NULL);
                for (int i = 0; i < n; i++) FUZZ_CHECK(out[i] >= 0 && out[i] < m.cfg.n_vocab);
                sampler_free(&s);
            }
            generator_free(&g);
        }
    }
    gpt2_free(&m);
    return 0;
}
