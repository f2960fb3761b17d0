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
#include "core/base/i18n.h"
#include "core/base/readfile.h"
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

static int is_checkpoint(const uint8_t *head, size_t n) { return n >= 8 && memcmp(head, CHECKPOINT_MAGIC, 8) == 0; }
const FileKind checkpoint_kind = {N_("a nexttoken checkpoint"), is_checkpoint};

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
    if (tok->n_vocab != m->cfg.n_vocab)
        return err_internal(e, _("%s: tokenizer has %d tokens, model %d"), path, tok->n_vocab, m->cfg.n_vocab);
    size_t tok_bytes = tokenizer_serialized_size(tok);
    uint8_t *tokbuf = malloc(tok_bytes);
    if (!tokbuf) return err_nomem(e, N_("tokenizer"), tok_bytes);
    tokenizer_serialize(tok, tokbuf);

    AtomicFile af;
    if (atomic_open(&af, path, &checkpoint_kind, e)) {
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

/* A file read front to back, once, each byte hashed as it passes for the checksum at the end.
 * The weights and the optimizer's moments are read straight into their arrays: a model can be
 * half a gigabyte, and this makes no second copy of it. Reading rather than mapping the file
 * makes one truncated by someone else while we read it an error, not SIGBUS. */
typedef struct {
    int fd;
    uint64_t size, at, hash;
} In;

static int in_read(In *in, void *dst, uint64_t n, Err *e)
{
    if (readfile_exact(in->fd, NULL, dst, (size_t)n, e)) return -1;
    in->hash = fnv1a(in->hash, dst, (size_t)n);
    in->at += n;
    return 0;
}

/* n bytes read only to be hashed: a part not asked for, or one the checks will refuse. */
static int in_skip(In *in, uint64_t n, Err *e)
{
    uint8_t buf[1 << 16];
    while (n > 0) {
        uint64_t k = n < sizeof buf ? n : sizeof buf;
        if (in_read(in, buf, k, e)) return -1;
        n -= k;
    }
    return 0;
}

/* n floats, little-endian in the file, into x in this machine's order. */
static int in_floats(In *in, float *x, size_t n, Err *e)
{
    if (in_read(in, x, (uint64_t)n * sizeof(float), e)) return -1;
#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
    for (size_t i = 0; i < n; i++) x[i] = get_f32((const uint8_t *)&x[i]);
#endif
    return 0;
}

/* A section as read: the small ones are kept whole (p) until the checksum has vouched for them;
 * the weights and the moments go into place as they are read, or are only hashed. */
typedef struct {
    uint8_t *p;
    uint64_t len;
    int seen;
} Section;

static int read_trst(TrainState *st, const uint8_t *p, uint64_t len, Err *e)
{
    memset(st, 0, sizeof *st);
    if (len < TRST_FIXED + 8) return err_input(e, _("training state is truncated"));
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
    /* Every number is checked against what training allows and what the rest of the file says:
     * the checksum only proves the file is as written, and a count taken on trust has made
     * int overflows and resumes that validated for minutes. */
    Err sub;
    if (train_config_check(c, &sub)) return err_input(e, _("training state: %s"), sub.msg);
    if (st->step < 0 || st->step > TRAIN_MAX_STEPS || !(st->seconds >= 0 && isfinite(st->seconds)))
        return err_input(e, _("training state has an impossible step or time"));
    if (!(st->rng.s[0] | st->rng.s[1] | st->rng.s[2] | st->rng.s[3]))
        return err_input(e, _("training state: the random generator's state is all zeros"));
    if (n > (uint64_t)st->step || n > (len - (uint64_t)(q - p)) / 8)
        return err_input(e, _("training state: loss history is truncated or too long"));
    uint64_t rest = len - (uint64_t)(q - p) - n * 8;
    if (rest < 8) return err_input(e, _("training state is truncated"));
    uint64_t nv = get_u64(q + n * 8);
    if (nv > (rest - 8) / 12 || rest - 8 != nv * 12) return err_input(e, _("training state: validation history has the wrong size"));
    if (nv > (uint64_t)st->step) return err_input(e, _("training state: more validation losses than steps"));
    TrainHistory *h = &st->hist;
    h->loss = malloc((n ? n : 1) * sizeof(float));
    h->seconds = malloc((n ? n : 1) * sizeof(float));
    h->val_step = malloc((nv ? nv : 1) * sizeof(long));
    h->val_loss = malloc((nv ? nv : 1) * sizeof(float));
    if (!h->loss || !h->seconds || !h->val_step || !h->val_loss) {
        train_state_free(st);
        return err_nomem(e, N_("loss history"), n * 8 + nv * 12);
    }
    h->n = h->cap = n;
    h->n_val = h->cap_val = nv;
    read_floats(h->loss, q, n), q += n * 4;
    read_floats(h->seconds, q, n), q += n * 4;
    q += 8;
    for (uint64_t i = 0; i < nv; i++) h->val_step[i] = (long)get_u64(q), q += 8;
    read_floats(h->val_loss, q, nv);
    for (uint64_t i = 0; i < n; i++)
        if (!isfinite(h->loss[i]) || !(h->seconds[i] >= 0 && isfinite(h->seconds[i]))) {
            train_state_free(st);
            return err_input(e, _("training state: step %llu of the loss history is not finite"), (unsigned long long)i + 1);
        }
    /* the steps of the validation losses go up, and never past the last step */
    for (uint64_t i = 0; i < nv; i++)
        if (h->val_step[i] < 1 || h->val_step[i] > st->step || (i > 0 && h->val_step[i] <= h->val_step[i - 1])) {
            train_state_free(st);
            return err_input(e, _("training state: validation loss %llu is at an impossible step"), (unsigned long long)i + 1);
        }
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
            return err_input(e, _("non-finite %s (%g) in %s at index %zu"), what, x[i], gpt2_tensor_names[t], at);
        }
    return 0;
}

static int load_native(In *in, Checkpoint *ck, int parts, Err *e)
{
    uint8_t head[HEADER_BYTES];
    if (in_read(in, head, HEADER_BYTES, e)) return -1;
    uint32_t version = get_u32(head + 8);
    if (version == 0 || version > CHECKPOINT_VERSION)
        return err_input(e, _("checkpoint format version %u is not one this nexttoken reads (1 to %d)"), version, CHECKPOINT_VERSION);
    enum { CONF, TOKN, WGHT, ADAM, TRST, CRPS, N_SECTIONS };
    static const char *const tags[N_SECTIONS] = {TAG_CONF, TAG_TOKN, TAG_WGHT, TAG_ADAM, TAG_TRST, TAG_CRPS};
    Section sec[N_SECTIONS] = {{0}};
    uint8_t adam_head[24] = {0};
    GPT2Config cfg = {0};
    size_t n_params = 0; /* 0 until a CONF with possible sizes has been read */
    int rc = -1;
    for (;;) {
        uint8_t h[SECTION_HEADER];
        if (in->size - in->at < SECTION_HEADER) {
            err_input(e, _("truncated (%llu bytes; the end marker is missing)"), (unsigned long long)in->size);
            goto out;
        }
        /* Not hashed yet: the checksum covers every byte before the END section's header. */
        if (readfile_exact(in->fd, NULL, h, SECTION_HEADER, e)) goto out;
        in->at += SECTION_HEADER;
        uint64_t len = get_u64(h + 4);
        if (len > in->size - in->at) {
            err_input(e, _("truncated (section %.4s needs %llu bytes, %llu remain)"), (const char *)h, (unsigned long long)len,
                      (unsigned long long)(in->size - in->at));
            goto out;
        }
        if (memcmp(h, TAG_END, 4) == 0) {
            uint8_t want[8];
            if (len != 8) {
                err_input(e, _("malformed end marker"));
                goto out;
            }
            if (readfile_exact(in->fd, NULL, want, 8, e)) goto out;
            in->at += 8;
            if (get_u64(want) != in->hash) {
                err_input(e, _("corrupted (checksum mismatch)"));
                goto out;
            }
            if (in->at != in->size) {
                err_input(e, _("corrupted (%llu bytes after the end marker)"), (unsigned long long)(in->size - in->at));
                goto out;
            }
            break;
        }
        in->hash = fnv1a(in->hash, h, SECTION_HEADER);
        int k = 0;
        while (k < N_SECTIONS && memcmp(h, tags[k], 4) != 0) k++;
        if (k == N_SECTIONS) { /* a later version's section: skipped */
            if (in_skip(in, len, e)) goto out;
            continue;
        }
        if (sec[k].seen) {
            err_input(e, _("section %s appears twice"), tags[k]);
            goto out;
        }
        sec[k].seen = 1, sec[k].len = len;
        if (k == WGHT && (parts & CKPT_WEIGHTS) && n_params && len == (uint64_t)n_params * 4) {
            if (gpt2_create(&ck->model, &cfg, e) || in_floats(in, ck->model.params, n_params, e)) goto out;
        } else if (k == ADAM && (parts & CKPT_OPTIMIZER) && n_params && len == 24 + 8 * (uint64_t)n_params) {
            if (in_read(in, adam_head, sizeof adam_head, e) || adamw_create(&ck->opt, n_params, e)
                || in_floats(in, ck->opt.m, n_params, e) || in_floats(in, ck->opt.v, n_params, e))
                goto out;
        } else if (k == WGHT || k == ADAM) {
            if (in_skip(in, len, e)) goto out;
        } else {
            if (!(sec[k].p = malloc(len ? len : 1))) {
                err_nomem(e, N_("checkpoint section"), len);
                goto out;
            }
            if (in_read(in, sec[k].p, len, e)) goto out;
        }
        if (k == CONF && len == 20) {
            const uint8_t *c = sec[CONF].p;
            cfg = (GPT2Config){(int)get_u32(c), (int)get_u32(c + 4), (int)get_u32(c + 8), (int)get_u32(c + 12),
                               (int)get_u32(c + 16)};
            n_params = gpt2_config_check(&cfg, NULL) == 0 ? gpt2_param_count(&cfg) : 0;
        }
    }
    /* The checksum holds: now what the sections say, in the order a person would look. */
    if (!sec[CONF].seen || sec[CONF].len != 20) {
        err_input(e, _("the model configuration is missing or malformed"));
        goto out;
    }
    if (!sec[TOKN].seen) {
        err_input(e, _("the tokenizer is missing"));
        goto out;
    }
    if (!sec[WGHT].seen) {
        err_input(e, _("the weights are missing"));
        goto out;
    }
    Err sub;
    if (gpt2_config_check(&cfg, &sub)) {
        err_input(e, _("impossible model sizes: %s"), sub.msg);
        goto out;
    }
    n_params = gpt2_param_count(&cfg);
    if (sec[WGHT].len != (uint64_t)n_params * 4) {
        err_input(e, _("the weights section has %llu bytes; the model's sizes need %zu"), (unsigned long long)sec[WGHT].len,
                  n_params * 4);
        goto out;
    }
    if (tokenizer_deserialize(&ck->tok, sec[TOKN].p, sec[TOKN].len, e)) goto out; /* its errors say what is wrong */
    if (ck->tok.n_vocab != cfg.n_vocab) {
        err_input(e, _("the tokenizer has %d tokens but the model %d"), ck->tok.n_vocab, cfg.n_vocab);
        goto out;
    }
    if (parts & CKPT_WEIGHTS) {
        /* nexttoken writes the sizes first; a file that does not cannot be read in one pass */
        if (!ck->model.params) {
            err_input(e, _("the weights come before the model configuration"));
            goto out;
        }
        if (check_finite(ck->model.params, n_params, &cfg, "weight", e)) goto out;
    } else {
        ck->model.cfg = cfg;
        ck->model.n_params = n_params;
    }
    if ((parts & CKPT_OPTIMIZER) && sec[ADAM].seen) {
        if (sec[ADAM].len != 24 + 8 * (uint64_t)n_params) {
            err_input(e, _("the optimizer section has the wrong size"));
            goto out;
        }
        if (!ck->opt.m) {
            err_input(e, _("the optimizer section comes before the model configuration"));
            goto out;
        }
        AdamW *o = &ck->opt;
        o->t = (long)get_u64(adam_head);
        o->beta1 = get_f32(adam_head + 8);
        o->beta2 = get_f32(adam_head + 12);
        o->eps = get_f32(adam_head + 16);
        o->weight_decay = get_f32(adam_head + 20);
        if (o->t < 0 || o->t > TRAIN_MAX_STEPS || !(o->beta1 >= 0 && o->beta1 < 1) || !(o->beta2 >= 0 && o->beta2 < 1)
            || !(o->eps > 0 && isfinite(o->eps)) || !(o->weight_decay >= 0 && o->weight_decay < 1)) {
            err_input(e, _("the optimizer settings are impossible"));
            goto out;
        }
        if (check_finite(o->m, n_params, &cfg, "optimizer moment", e) || check_finite(o->v, n_params, &cfg, "optimizer moment", e))
            goto out;
    }
    if ((parts & CKPT_STATE) && sec[TRST].seen && read_trst(&ck->st, sec[TRST].p, sec[TRST].len, e)) goto out;
    if ((parts & CKPT_STATE) && sec[TRST].seen && sec[CRPS].seen && sec[CRPS].len < sizeof ck->st.corpus_path) {
        memcpy(ck->st.corpus_path, sec[CRPS].p, sec[CRPS].len);
        ck->st.corpus_path[sec[CRPS].len] = 0;
    }
    snprintf(ck->format, sizeof ck->format, "nexttoken");
    rc = 0;
out:
    for (int k = 0; k < N_SECTIONS; k++) free(sec[k].p);
    return rc;
}

int checkpoint_load(const char *path, Checkpoint *ck, int parts, Err *e)
{
    memset(ck, 0, sizeof *ck);
    In in = {.hash = FNV_OFFSET};
    if ((in.fd = readfile_open(path, N_("a model file"), &in.size, e)) < 0) return -1;
    uint8_t magic[8];
    int rc;
    if (in.size < 8) rc = err_input(e, _("not a model file (%llu bytes)"), (unsigned long long)in.size);
    /* the magic number, then back to the start, where each format's reader begins */
    else if (readfile_exact(in.fd, NULL, magic, 8, e)) rc = -1;
    else if (lseek(in.fd, 0, SEEK_SET) != 0) rc = err_internal(e, _("cannot seek: %s"), strerror(errno));
    else if (in.size >= HEADER_BYTES && memcmp(magic, CHECKPOINT_MAGIC, 8) == 0) rc = load_native(&in, ck, parts, e);
    else if (llmc_is_model(magic, 8)) {
        rc = llmc_load_model(in.fd, in.size, &ck->model, e);
        snprintf(ck->format, sizeof ck->format, "llm.c");
    } else {
        rc = err_input(e, _("not a nexttoken checkpoint or llm.c model (unknown magic number)"));
    }
    close(in.fd);
    if (rc) {
        err_prefix(e, path);
        checkpoint_free(ck);
    }
    return rc;
}

void checkpoint_free(Checkpoint *ck)
{
    gpt2_free(&ck->model);
    tokenizer_free(&ck->tok);
    adamw_free(&ck->opt);
    train_state_free(&ck->st);
}
