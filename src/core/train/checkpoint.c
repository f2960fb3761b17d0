/* checkpoint.c - the native model file. See checkpoint.h. */
#include "core/train/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/atomicfile.h"
#include "core/base/bytes.h"
#include "core/base/mapfile.h"
#include "core/model/llmc.h"

#define TAG_CONF "CONF"
#define TAG_TOKN "TOKN"
#define TAG_WGHT "WGHT"
#define TAG_ADAM "ADAM"
#define TAG_TRST "TRST"
#define TAG_CRPS "CRPS"
#define TAG_END "END "
#define HEADER_BYTES 16  /* magic, u32 version, u32 reserved */
#define SECTION_HEADER 12 /* tag, u64 length */

/* ------------------------------------------------------------------------------------------ */
/* Writing */

static void write_section_header(AtomicFile *af, const char *tag, uint64_t len)
{
    uint8_t h[SECTION_HEADER];
    memcpy(h, tag, 4);
    put_u64(h + 4, len);
    atomic_write(af, h, sizeof h);
}

/* Floats in little-endian order, converted in chunks so a big model needs no second copy. */
static void write_floats(AtomicFile *af, const float *x, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    atomic_write(af, x, n * sizeof(float));
#else
    uint8_t buf[4096];
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        for (; k < sizeof buf / 4 && i < n; k++, i++) put_f32(buf + 4 * k, x[i]);
        atomic_write(af, buf, 4 * k);
    }
#endif
}

static void read_floats(float *x, const uint8_t *p, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(x, p, n * sizeof(float));
#else
    for (size_t i = 0; i < n; i++) x[i] = get_f32(p + 4 * i);
#endif
}

/* The fixed part of TRST, before the history arrays. */
#define TRST_FIXED (4 + 4 + 4 + 8 + 4 + 4 + 4 + 8 + 4 + 4 + 8 + 32 + 8 + 8)

static size_t trst_size(const TrainState *st)
{
    return TRST_FIXED + 8 + st->hist.n * 8 + 8 + st->hist.n_val * 12;
}

static void write_trst(AtomicFile *af, const TrainState *st)
{
    uint8_t b[TRST_FIXED + 8], *p = b;
    const TrainConfig *c = &st->cfg;
    put_u32(p, (uint32_t)c->batch), p += 4;
    put_f32(p, c->lr), p += 4;
    put_u32(p, (uint32_t)c->warmup), p += 4;
    put_u64(p, (uint64_t)c->total_steps), p += 8;
    put_f32(p, c->min_lr_ratio), p += 4;
    put_f32(p, c->weight_decay), p += 4;
    put_f32(p, c->grad_clip), p += 4;
    put_u64(p, c->seed), p += 8;
    put_u32(p, (uint32_t)c->val_every), p += 4;
    put_u32(p, (uint32_t)c->val_batches), p += 4;
    put_u64(p, (uint64_t)st->step), p += 8;
    for (int i = 0; i < 4; i++) put_u64(p, st->rng.s[i]), p += 8;
    uint64_t secs;
    memcpy(&secs, &st->seconds, 8);
    put_u64(p, secs), p += 8;
    put_u64(p, st->corpus_hash), p += 8;
    put_u64(p, st->hist.n), p += 8;
    atomic_write(af, b, (size_t)(p - b));
    write_floats(af, st->hist.loss, st->hist.n);
    write_floats(af, st->hist.seconds, st->hist.n);
    uint8_t n8[8];
    put_u64(n8, st->hist.n_val);
    atomic_write(af, n8, 8);
    for (size_t i = 0; i < st->hist.n_val; i++) {
        put_u64(n8, (uint64_t)st->hist.val_step[i]);
        atomic_write(af, n8, 8);
    }
    write_floats(af, st->hist.val_loss, st->hist.n_val);
}

int checkpoint_save(const char *path, const GPT2 *m, const Tokenizer *tok, const AdamW *opt,
                    const TrainState *st, Err *e)
{
    if (checkpoint_may_replace(path, e)) return -1;
    if (tok->n_vocab != m->cfg.n_vocab)
        return err_internal(e, "%s: tokenizer has %d tokens, model %d", path, tok->n_vocab, m->cfg.n_vocab);
    size_t tok_bytes = tokenizer_serialized_size(tok);
    uint8_t *tokbuf = malloc(tok_bytes);
    if (!tokbuf) return err_nomem(e, "tokenizer", tok_bytes);
    tokenizer_serialize(tok, tokbuf);

    AtomicFile af;
    if (atomic_open(&af, path, e)) {
        free(tokbuf);
        return -1;
    }
    uint8_t h[HEADER_BYTES] = {0};
    memcpy(h, CHECKPOINT_MAGIC, 8);
    put_u32(h + 8, CHECKPOINT_VERSION);
    atomic_write(&af, h, sizeof h);

    const GPT2Config *c = &m->cfg;
    uint8_t conf[20];
    put_u32(conf, (uint32_t)c->n_layer);
    put_u32(conf + 4, (uint32_t)c->n_head);
    put_u32(conf + 8, (uint32_t)c->n_embd);
    put_u32(conf + 12, (uint32_t)c->n_ctx);
    put_u32(conf + 16, (uint32_t)c->n_vocab);
    write_section_header(&af, TAG_CONF, sizeof conf);
    atomic_write(&af, conf, sizeof conf);

    write_section_header(&af, TAG_TOKN, tok_bytes);
    atomic_write(&af, tokbuf, tok_bytes);
    free(tokbuf);

    write_section_header(&af, TAG_WGHT, m->n_params * 4);
    write_floats(&af, m->params, m->n_params);

    if (opt && opt->n == m->n_params) {
        uint8_t a[24];
        put_u64(a, (uint64_t)opt->t);
        put_f32(a + 8, opt->beta1);
        put_f32(a + 12, opt->beta2);
        put_f32(a + 16, opt->eps);
        put_f32(a + 20, opt->weight_decay);
        write_section_header(&af, TAG_ADAM, sizeof a + 8 * m->n_params);
        atomic_write(&af, a, sizeof a);
        write_floats(&af, opt->m, opt->n);
        write_floats(&af, opt->v, opt->n);
    }
    if (st && st->cfg.batch > 0) {
        write_section_header(&af, TAG_TRST, trst_size(st));
        write_trst(&af, st);
        size_t pl = strnlen(st->corpus_path, sizeof st->corpus_path - 1);
        if (pl) {
            write_section_header(&af, TAG_CRPS, pl);
            atomic_write(&af, st->corpus_path, pl);
        }
    }
    uint8_t end[8];
    put_u64(end, af.hash); /* the hash of everything before the END section */
    write_section_header(&af, TAG_END, 8);
    atomic_write(&af, end, 8);
    return atomic_commit(&af, e);
}

/* ------------------------------------------------------------------------------------------ */
/* Reading */

typedef struct {
    const uint8_t *p;
    uint64_t len;
} Section;

static int read_trst(TrainState *st, const uint8_t *p, uint64_t len, Err *e)
{
    memset(st, 0, sizeof *st);
    if (len < TRST_FIXED + 8) return err_input(e, "training state is truncated");
    TrainConfig *c = &st->cfg;
    const uint8_t *q = p;
    c->batch = (int)get_u32(q), q += 4;
    c->lr = get_f32(q), q += 4;
    c->warmup = (int)get_u32(q), q += 4;
    c->total_steps = (long)get_u64(q), q += 8;
    c->min_lr_ratio = get_f32(q), q += 4;
    c->weight_decay = get_f32(q), q += 4;
    c->grad_clip = get_f32(q), q += 4;
    c->seed = get_u64(q), q += 8;
    c->val_every = (int)get_u32(q), q += 4;
    c->val_batches = (int)get_u32(q), q += 4;
    st->step = (long)get_u64(q), q += 8;
    for (int i = 0; i < 4; i++) st->rng.s[i] = get_u64(q), q += 8;
    uint64_t secs = get_u64(q);
    memcpy(&st->seconds, &secs, 8), q += 8;
    st->corpus_hash = get_u64(q), q += 8;
    uint64_t n = get_u64(q);
    q += 8;
    Err sub;
    if (train_config_check(c, &sub)) return err_input(e, "training state: %s", sub.msg);
    if (st->step < 0 || !(st->seconds >= 0)) return err_input(e, "training state has an impossible step or time");
    if (n > (uint64_t)st->step || n > (len - (uint64_t)(q - p)) / 8)
        return err_input(e, "training state: loss history is truncated or too long");
    uint64_t rest = len - (uint64_t)(q - p) - n * 8;
    if (rest < 8) return err_input(e, "training state is truncated");
    uint64_t nv = get_u64(q + n * 8);
    if (nv > (rest - 8) / 12 || rest - 8 != nv * 12) return err_input(e, "training state: validation history has the wrong size");
    TrainHistory *h = &st->hist;
    h->loss = malloc((n ? n : 1) * sizeof(float));
    h->seconds = malloc((n ? n : 1) * sizeof(float));
    h->val_step = malloc((nv ? nv : 1) * sizeof(long));
    h->val_loss = malloc((nv ? nv : 1) * sizeof(float));
    if (!h->loss || !h->seconds || !h->val_step || !h->val_loss) {
        train_state_free(st);
        return err_nomem(e, "loss history", n * 8 + nv * 12);
    }
    h->n = h->cap = n;
    h->n_val = h->cap_val = nv;
    read_floats(h->loss, q, n), q += n * 4;
    read_floats(h->seconds, q, n), q += n * 4;
    q += 8;
    for (uint64_t i = 0; i < nv; i++) h->val_step[i] = (long)get_u64(q), q += 8;
    read_floats(h->val_loss, q, nv);
    return 0;
}

static int check_finite(const float *x, size_t n, const GPT2Config *cfg, const char *what, Err *e)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) {
            /* Name the tensor, which is what a person debugging an export wants to know. */
            size_t s[GPT2_NUM_TENSORS], at = i;
            gpt2_tensor_sizes(cfg, s);
            int t = 0;
            while (t < GPT2_NUM_TENSORS - 1 && at >= s[t]) at -= s[t++];
            return err_input(e, "non-finite %s (%g) in %s at index %zu", what, x[i], gpt2_tensor_names[t], at);
        }
    return 0;
}

static int load_native(const uint8_t *buf, size_t size, Checkpoint *ck, int parts, Err *e)
{
    uint32_t version = get_u32(buf + 8);
    if (version == 0 || version > CHECKPOINT_VERSION)
        return err_input(e, "checkpoint format version %u is not one this nexttoken reads (1 to %d)", version, CHECKPOINT_VERSION);
    Section conf = {0}, tokn = {0}, wght = {0}, adam = {0}, trst = {0}, crps = {0};
    size_t at = HEADER_BYTES;
    int ended = 0;
    while (!ended) {
        if (size - at < SECTION_HEADER) return err_input(e, "truncated (%zu bytes; the end marker is missing)", size);
        const uint8_t *h = buf + at;
        uint64_t len = get_u64(h + 4);
        at += SECTION_HEADER;
        if (len > size - at)
            return err_input(e, "truncated (section %.4s needs %llu bytes, %zu remain)", (const char *)h,
                             (unsigned long long)len, size - at);
        Section s = {buf + at, len};
        if (memcmp(h, TAG_END, 4) == 0) {
            if (len != 8) return err_input(e, "malformed end marker");
            uint64_t want = get_u64(buf + at), got = fnv1a(FNV_OFFSET, buf, at - SECTION_HEADER);
            if (want != got) return err_input(e, "corrupted (checksum mismatch)");
            if (at + len != size) return err_input(e, "corrupted (%zu bytes after the end marker)", size - at - (size_t)len);
            ended = 1;
        } else if (memcmp(h, TAG_CONF, 4) == 0) conf = s;
        else if (memcmp(h, TAG_TOKN, 4) == 0) tokn = s;
        else if (memcmp(h, TAG_WGHT, 4) == 0) wght = s;
        else if (memcmp(h, TAG_ADAM, 4) == 0) adam = s;
        else if (memcmp(h, TAG_TRST, 4) == 0) trst = s;
        else if (memcmp(h, TAG_CRPS, 4) == 0) crps = s;
        at += len;
    }
    if (!conf.p || conf.len != 20) return err_input(e, "the model configuration is missing or malformed");
    if (!tokn.p) return err_input(e, "the tokenizer is missing");
    if (!wght.p) return err_input(e, "the weights are missing");
    GPT2Config cfg = {(int)get_u32(conf.p), (int)get_u32(conf.p + 4), (int)get_u32(conf.p + 8),
                      (int)get_u32(conf.p + 12), (int)get_u32(conf.p + 16)};
    Err sub;
    if (gpt2_config_check(&cfg, &sub)) return err_input(e, "impossible model sizes: %s", sub.msg);
    size_t n_params = gpt2_param_count(&cfg);
    if (wght.len != (uint64_t)n_params * 4)
        return err_input(e, "the weights section has %llu bytes; the model's sizes need %zu",
                         (unsigned long long)wght.len, n_params * 4);
    if (tokenizer_deserialize(&ck->tok, tokn.p, tokn.len, e)) return -1; /* its errors say what is wrong */
    if (ck->tok.n_vocab != cfg.n_vocab)
        return err_input(e, "the tokenizer has %d tokens but the model %d", ck->tok.n_vocab, cfg.n_vocab);
    if (parts & CKPT_WEIGHTS) {
        if (gpt2_create(&ck->model, &cfg, e)) return -1;
        read_floats(ck->model.params, wght.p, n_params);
        if (check_finite(ck->model.params, n_params, &cfg, "weight", e)) return -1;
    } else {
        ck->model.cfg = cfg;
        ck->model.n_params = n_params;
    }
    if ((parts & CKPT_OPTIMIZER) && adam.p) {
        if (adam.len != 24 + 8 * (uint64_t)n_params) return err_input(e, "the optimizer section has the wrong size");
        if (adamw_create(&ck->opt, n_params, e)) return -1;
        ck->opt.t = (long)get_u64(adam.p);
        ck->opt.beta1 = get_f32(adam.p + 8);
        ck->opt.beta2 = get_f32(adam.p + 12);
        ck->opt.eps = get_f32(adam.p + 16);
        ck->opt.weight_decay = get_f32(adam.p + 20);
        if (ck->opt.t < 0 || !(ck->opt.beta1 >= 0 && ck->opt.beta1 < 1) || !(ck->opt.beta2 >= 0 && ck->opt.beta2 < 1)
            || !(ck->opt.eps > 0))
            return err_input(e, "the optimizer settings are impossible");
        read_floats(ck->opt.m, adam.p + 24, n_params);
        read_floats(ck->opt.v, adam.p + 24 + 4 * n_params, n_params);
        if (check_finite(ck->opt.m, n_params, &cfg, "optimizer moment", e)
            || check_finite(ck->opt.v, n_params, &cfg, "optimizer moment", e))
            return -1;
    }
    if ((parts & CKPT_STATE) && trst.p && read_trst(&ck->st, trst.p, trst.len, e)) return -1;
    if ((parts & CKPT_STATE) && trst.p && crps.p && crps.len < sizeof ck->st.corpus_path) {
        memcpy(ck->st.corpus_path, crps.p, crps.len);
        ck->st.corpus_path[crps.len] = 0;
    }
    snprintf(ck->format, sizeof ck->format, "nexttoken");
    return 0;
}

int checkpoint_parse(const uint8_t *buf, size_t size, Checkpoint *ck, int parts, Err *e)
{
    memset(ck, 0, sizeof *ck);
    if (size < 8) return err_input(e, "not a model file (%zu bytes)", size);
    int rc;
    if (size >= HEADER_BYTES && memcmp(buf, CHECKPOINT_MAGIC, 8) == 0) {
        rc = load_native(buf, size, ck, parts, e);
    } else if (llmc_is_model(buf, size)) {
        rc = llmc_load_model(buf, size, &ck->model, e);
        snprintf(ck->format, sizeof ck->format, "llm.c");
    } else {
        rc = err_input(e, "not a nexttoken checkpoint or llm.c model (unknown magic number)");
    }
    if (rc) checkpoint_free(ck);
    return rc;
}

int checkpoint_load(const char *path, Checkpoint *ck, int parts, Err *e)
{
    memset(ck, 0, sizeof *ck);
    const uint8_t *buf;
    size_t size;
    if (mapfile_open(path, "a model file", &buf, &size, e)) return -1;
    int rc = checkpoint_parse(buf, size, ck, parts, e);
    mapfile_close(buf, size);
    if (rc) err_prefix(e, path);
    return rc;
}

void checkpoint_free(Checkpoint *ck)
{
    gpt2_free(&ck->model);
    tokenizer_free(&ck->tok);
    adamw_free(&ck->opt);
    train_state_free(&ck->st);
}

int checkpoint_may_replace(const char *path, Err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0; /* nothing there (or unreadable: the save itself will say) */
    struct stat st;
    uint8_t head[HEADER_BYTES];
    ssize_t n = 0;
    int is_dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    if (!is_dir) n = read(fd, head, sizeof head);
    close(fd);
    if (is_dir) return err_input(e, "%s: is a directory", path);
    if (n >= 8 && memcmp(head, CHECKPOINT_MAGIC, 8) == 0) return 0;
    if (n >= 8 && llmc_is_model(head, (size_t)n)) return 0;
    if (n == 0 && st.st_size == 0) return 0;
    return err_input(e, "%s: exists and is not a model file; refusing to overwrite it", path);
}
