/* llmc.c - llm.c's model file. See llmc.h. */
#include "core/model/llmc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/atomicfile.h"
#include "core/base/bytes.h"
#include "core/base/i18n.h"
#include "core/base/readfile.h"

#define LLMC_HEADER_INTS 256
#define LLMC_HEADER_BYTES (LLMC_HEADER_INTS * 4)
#define LLMC_VERSION_FP32 3
#define LLMC_VERSION_BF16 5

int llmc_is_model(const uint8_t *buf, size_t n)
{
    return n >= 8 && get_u32(buf) == LLMC_MODEL_MAGIC;
}

const FileKind llmc_model_kind = {N_("an llm.c model"), llmc_is_model};

int llmc_load_model(int fd, uint64_t n, GPT2 *m, Err *e)
{
    memset(m, 0, sizeof *m);
    if (n < LLMC_HEADER_BYTES) return err_input(e, _("truncated llm.c header (%llu bytes)"), (unsigned long long)n);
    uint8_t head[LLMC_HEADER_BYTES];
    if (readfile_exact(fd, NULL, head, sizeof head, e)) return -1;
    int32_t h[8];
    for (int i = 0; i < 8; i++) h[i] = (int32_t)get_u32(head + 4 * i);
    int version = h[1];
    if (version != LLMC_VERSION_FP32 && version != LLMC_VERSION_BF16)
        return err_input(e, _("llm.c model version %d is not supported (3: float32, 5: bfloat16)"), version);
    GPT2Config cfg = {.n_ctx = h[2], .n_vocab = h[3], .n_layer = h[4], .n_head = h[5], .n_embd = h[6]};
    int Vp = h[7];
    Err sub;
    if (gpt2_config_check(&cfg, &sub)) return err_input(e, _("impossible llm.c model sizes: %s"), sub.msg);
    if (Vp < cfg.n_vocab || Vp > cfg.n_vocab + 65536)
        return err_input(e, _("impossible padded vocabulary %d for vocabulary %d"), Vp, cfg.n_vocab);
    /* The file holds Vp rows of wte where we keep n_vocab. */
    size_t pad = (size_t)(Vp - cfg.n_vocab) * cfg.n_embd;
    size_t n_params = gpt2_param_count(&cfg), per = version == LLMC_VERSION_FP32 ? 4 : 2;
    uint64_t want = LLMC_HEADER_BYTES + (uint64_t)(n_params + pad) * per;
    if (n != want)
        return err_input(e, _("llm.c model has %llu bytes; its header's sizes need %llu (%s)"), (unsigned long long)n,
                         (unsigned long long)want, n < want ? _("truncated") : _("trailing data"));
    if (gpt2_create(m, &cfg, e)) return -1;
    size_t wte = (size_t)cfg.n_vocab * cfg.n_embd, total = n_params + pad;
    uint8_t buf[1 << 16];
    for (size_t src = 0, i = 0; src < total;) {
        size_t k = total - src < sizeof buf / per ? total - src : sizeof buf / per;
        if (readfile_exact(fd, NULL, buf, k * per, e)) {
            gpt2_free(m);
            return -1;
        }
        for (size_t j = 0; j < k; j++, src++) {
            if (src >= wte && src < wte + pad) continue; /* a padding row */
            float x;
            if (per == 4) x = get_f32(buf + 4 * j);
            else {
                uint32_t bits = (uint32_t)get_u16(buf + 2 * j) << 16; /* bfloat16 is float32's top half */
                memcpy(&x, &bits, 4);
            }
            if (!isfinite(x)) {
                gpt2_free(m);
                return err_input(e, _("llm.c model has a non-finite weight (parameter %zu)"), i);
            }
            m->params[i++] = x;
        }
    }
    return 0;
}

int llmc_save_model(const char *path, const GPT2 *m, Err *e)
{
    const GPT2Config *c = &m->cfg;
    int Vp = (c->n_vocab + 127) / 128 * 128;
    uint8_t h[LLMC_HEADER_BYTES] = {0};
    int32_t fields[8] = {LLMC_MODEL_MAGIC, LLMC_VERSION_FP32, c->n_ctx, c->n_vocab, c->n_layer,
                         c->n_head, c->n_embd, Vp};
    for (int i = 0; i < 8; i++) put_u32(h + 4 * i, (uint32_t)fields[i]);
    AtomicFile af;
    if (atomic_open(&af, path, &llmc_model_kind, e)) return -1;
    atomic_write(&af, h, sizeof h);
    size_t wte = (size_t)c->n_vocab * c->n_embd, pad = (size_t)(Vp - c->n_vocab) * c->n_embd;
    uint8_t buf[4096];
    size_t k = 0;
    for (size_t i = 0; i <= m->n_params; i++) {
        if (i == wte) /* zero rows up to the padded vocabulary */
            for (size_t z = 0; z < pad; z++) {
                if (k == sizeof buf) atomic_write(&af, buf, k), k = 0;
                put_f32(buf + k, 0.0f), k += 4;
            }
        if (i == m->n_params) break;
        if (k == sizeof buf) atomic_write(&af, buf, k), k = 0;
        put_f32(buf + k, m->params[i]), k += 4;
    }
    atomic_write(&af, buf, k);
    return atomic_commit(&af, e);
}
