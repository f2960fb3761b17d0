/* Checkpoints: exact round trips, training resumed bit for bit, every kind of damaged file
 * refused with a message that says what is wrong, saves that are atomic even under kill -9, and
 * llm.c's format both ways. */
#include "testutil.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/base/bytes.h"
#include "core/model/llmc.h"
#include "core/text/bpe_train.h"
#include "core/text/pretok.h"
#include "core/text/corpus.h"
#include "core/train/checkpoint.h"
#include "core/train/trainer.h"

static char dir[64], path[128];
static Corpus corpus;
static Dataset data;
static Tokenizer tok;

static const GPT2Config tiny = {.n_layer = 2, .n_head = 2, .n_embd = 16, .n_ctx = 16, .n_vocab = 256};

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", temp_dir());
    snprintf(path, sizeof path, "%s/model.ckpt", dir);
    static char text[4000];
    for (size_t i = 0; i < sizeof text - 1; i++) text[i] = "the cat sat on the mat. "[i % 24];
    Err e;
    if (corpus_from_memory(&corpus, "text", (const uint8_t *)text, strlen(text), &e)) return -1;
    if (tokenizer_init_bytes(&tok, &e)) return -1;
    return dataset_build(&data, &corpus, &tok, tiny.n_ctx, &e);
}

static int teardown(void **state)
{
    (void)state;
    dataset_free(&data);
    corpus_close(&corpus);
    tokenizer_free(&tok);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static TrainConfig config(void)
{
    TrainConfig tc;
    train_config_default(&tc);
    tc.batch = 3, tc.warmup = 3, tc.total_steps = 10, tc.val_every = 4, tc.val_batches = 1, tc.seed = 77;
    return tc;
}

static void train(Trainer *tr, int steps)
{
    Err e;
    for (int i = 0; i < steps; i++) assert_int_equal(trainer_step(tr, &e), 0);
}

static void test_round_trip(void **state)
{
    (void)state;
    TrainConfig tc = config();
    Trainer tr;
    Err e;
    assert_int_equal(trainer_create(&tr, &tiny, &tc, &data, NULL, &e), 0);
    train(&tr, 5);
    assert_int_equal(checkpoint_save(path, &tr.model, &tok, &tr.opt, &tr.st, &e), 0);
    Checkpoint ck;
    assert_int_equal(checkpoint_load(path, &ck, CKPT_RESUME, &e), 0);
    assert_string_equal(ck.format, "nexttoken");
    assert_memory_equal(&ck.model.cfg, &tiny, sizeof tiny);
    assert_memory_equal(ck.model.params, tr.model.params, sizeof(float) * tr.model.n_params);
    assert_int_equal(ck.opt.t, 5);
    assert_memory_equal(ck.opt.m, tr.opt.m, sizeof(float) * tr.model.n_params);
    assert_memory_equal(ck.opt.v, tr.opt.v, sizeof(float) * tr.model.n_params);
    assert_int_equal(ck.st.step, 5);
    assert_memory_equal(&ck.st.rng, &tr.st.rng, sizeof(Rng));
    const TrainConfig *x = &ck.st.cfg, *y = &tr.st.cfg;
    assert_true(x->batch == y->batch && x->lr == y->lr && x->warmup == y->warmup && x->total_steps == y->total_steps
                && x->min_lr_ratio == y->min_lr_ratio && x->weight_decay == y->weight_decay
                && x->grad_clip == y->grad_clip && x->seed == y->seed && x->val_every == y->val_every
                && x->val_batches == y->val_batches);
    assert_int_equal(ck.st.hist.n, 5);
    assert_memory_equal(ck.st.hist.loss, tr.st.hist.loss, 5 * sizeof(float));
    assert_int_equal(ck.st.hist.n_val, 1);
    assert_int_equal(ck.st.hist.val_step[0], 4);
    assert_int_equal(ck.tok.n_vocab, 256);
    /* Without training state: weights and tokenizer only. */
    checkpoint_free(&ck);
    assert_int_equal(checkpoint_load(path, &ck, CKPT_WEIGHTS, &e), 0);
    assert_int_equal(ck.opt.n, 0);
    assert_int_equal(ck.st.cfg.batch, 0);
    checkpoint_free(&ck);
    /* The state without the optimizer's moments (nexttoken info). */
    assert_int_equal(checkpoint_load(path, &ck, CKPT_WEIGHTS | CKPT_STATE, &e), 0);
    assert_int_equal(ck.opt.n, 0);
    assert_int_equal(ck.st.step, 5);
    assert_non_null(ck.model.params);
    checkpoint_free(&ck);
    /* The tokenizer and the sizes alone (a checkpoint as --tokenizer). */
    assert_int_equal(checkpoint_load(path, &ck, 0, &e), 0);
    assert_null(ck.model.params);
    assert_int_equal(ck.model.n_params, tr.model.n_params);
    assert_memory_equal(&ck.model.cfg, &tiny, sizeof tiny);
    assert_int_equal(ck.tok.n_vocab, 256);
    assert_int_equal(ck.st.step, 0);
    checkpoint_free(&ck);
    trainer_free(&tr);
}

/* Ten steps straight, or five, a save, a load and five more: the same bits. */
static void resume_matches(ParPool *pool)
{
    TrainConfig tc = config();
    Trainer a, b, c;
    Err e;
    assert_int_equal(trainer_create(&a, &tiny, &tc, &data, pool, &e), 0);
    train(&a, 10);
    assert_int_equal(trainer_create(&b, &tiny, &tc, &data, pool, &e), 0);
    train(&b, 5);
    assert_int_equal(checkpoint_save(path, &b.model, &tok, &b.opt, &b.st, &e), 0);
    trainer_free(&b);
    Checkpoint ck;
    assert_int_equal(checkpoint_load(path, &ck, CKPT_RESUME, &e), 0);
    assert_int_equal(trainer_resume(&c, &ck.model, &ck.opt, &ck.st, &tc, &data, pool, &e), 0);
    checkpoint_free(&ck);
    train(&c, 5);
    assert_int_equal(c.st.step, 10);
    assert_memory_equal(c.model.params, a.model.params, sizeof(float) * a.model.n_params);
    assert_memory_equal(c.opt.m, a.opt.m, sizeof(float) * a.model.n_params);
    assert_memory_equal(c.st.hist.loss, a.st.hist.loss, 10 * sizeof(float));
    assert_int_equal(c.st.hist.n_val, a.st.hist.n_val);
    assert_memory_equal(c.st.hist.val_loss, a.st.hist.val_loss, a.st.hist.n_val * sizeof(float));
    trainer_free(&a);
    trainer_free(&c);
}

static void test_resume_bit_for_bit(void **state)
{
    (void)state;
    resume_matches(NULL);
    Err e;
    ParPool *pool = par_create(2, &e);
    resume_matches(pool);
    par_free(pool);
}

/* A weight gone bad: the step is refused, nothing is updated, and the message says why. */
static void test_non_finite_stops(void **state)
{
    (void)state;
    TrainConfig tc = config();
    Trainer tr;
    Err e;
    assert_int_equal(trainer_create(&tr, &tiny, &tc, &data, NULL, &e), 0);
    train(&tr, 2);
    tr.model.w.t[GPT2_LN1W][3] = INFINITY * 0.0f; /* NaN */
    size_t n = tr.model.n_params;
    float *before = malloc(sizeof(float) * n), *m_before = malloc(sizeof(float) * n);
    memcpy(before, tr.model.params, sizeof(float) * n);
    memcpy(m_before, tr.opt.m, sizeof(float) * n);
    assert_int_equal(trainer_step(&tr, &e), -1);
    assert_int_equal(e.code, ERR_INPUT);
    assert_non_null(strstr(e.msg, "training stopped at step 3"));
    assert_non_null(strstr(e.msg, "kept"));
    assert_int_equal(tr.st.step, 2);
    assert_memory_equal(tr.opt.m, m_before, sizeof(float) * n);
    /* every weight but the poisoned one is as it was (NaN != NaN, so compare bits) */
    assert_memory_equal(tr.model.params, before, sizeof(float) * n);
    free(before), free(m_before);
    trainer_free(&tr);
}

/* ---- damaged files ---- */

static uint8_t *saved;
static size_t saved_n;

static void save_reference(void)
{
    GPT2Config c = {.n_layer = 1, .n_head = 2, .n_embd = 8, .n_ctx = 8, .n_vocab = 256};
    GPT2 m;
    Err e;
    Rng r;
    rng_seed(&r, 3);
    assert_int_equal(gpt2_create(&m, &c, &e), 0);
    gpt2_init_random(&m, &r);
    assert_int_equal(checkpoint_save(path, &m, &tok, NULL, NULL, &e), 0);
    gpt2_free(&m);
    free(saved);
    saved = read_file(path, &saved_n);
    assert_non_null(saved);
}

static void write_bytes(const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* Loading must fail with ERR_INPUT and a message containing `expect`. */
static void expect_refused(const char *expect)
{
    Checkpoint ck;
    Err e = {0};
    int rc = checkpoint_load(path, &ck, CKPT_RESUME, &e);
    if (rc == 0 || e.code != ERR_INPUT || !strstr(e.msg, expect))
        print_error("expected a refusal mentioning '%s', got rc %d: %s\n", expect, rc, e.msg);
    assert_int_equal(rc, -1);
    assert_int_equal(e.code, ERR_INPUT);
    assert_non_null(strstr(e.msg, expect));
    assert_non_null(strstr(e.msg, path)); /* the file is named */
}

/* Patches the file and rewrites its checksum, to reach the checks behind it. */
static void patch_and_rehash(uint8_t *b, size_t n)
{
    /* the END section is the last 20 bytes: tag, u64 length, u64 hash */
    put_u64(b + n - 8, fnv1a(FNV_OFFSET, b, n - 20));
    write_bytes(b, n);
}

static size_t section_offset(const uint8_t *b, size_t n, const char *tag)
{
    size_t at = 16;
    while (at + 12 <= n) {
        if (memcmp(b + at, tag, 4) == 0) return at;
        at += 12 + get_u64(b + at + 4);
    }
    fail_msg("section %s not found", tag);
    return 0;
}

static void test_truncated(void **state)
{
    (void)state;
    save_reference();
    /* Every length up to 300 bytes, then every 97th: all refused, none crash. */
    for (size_t n = 0; n < saved_n; n += n < 300 ? 1 : 97) {
        write_bytes(saved, n);
        Checkpoint ck;
        Err e = {0};
        assert_int_equal(checkpoint_load(path, &ck, CKPT_RESUME, &e), -1);
        assert_int_equal(e.code, ERR_INPUT);
    }
    write_bytes(saved, saved_n - 1);
    expect_refused("truncated");
    write_bytes(saved, saved_n / 2);
    expect_refused("truncated");
}

static void test_damaged(void **state)
{
    (void)state;
    save_reference();
    uint8_t *b = malloc(saved_n + 8);
    memcpy(b, saved, saved_n);
    b[saved_n / 2] ^= 0x40;
    write_bytes(b, saved_n);
    expect_refused("checksum");

    memcpy(b, saved, saved_n);
    memcpy(b, "NOTMODEL", 8);
    write_bytes(b, saved_n);
    expect_refused("magic");

    memcpy(b, saved, saved_n);
    put_u32(b + 8, 99);
    write_bytes(b, saved_n);
    expect_refused("version 99");

    memcpy(b, saved, saved_n);
    memcpy(b + saved_n, "garbage!", 8);
    write_bytes(b, saved_n + 8);
    expect_refused("after the end marker");

    /* heads that do not divide the width */
    memcpy(b, saved, saved_n);
    size_t conf = section_offset(b, saved_n, "CONF");
    put_u32(b + conf + 12 + 4, 3);
    patch_and_rehash(b, saved_n);
    expect_refused("heads (3) must divide the width (8)");

    /* a width whose weights would not fit the section */
    memcpy(b, saved, saved_n);
    put_u32(b + conf + 12 + 8, 64);
    patch_and_rehash(b, saved_n);
    expect_refused("weights section has");

    /* a NaN weight, named by tensor and index */
    memcpy(b, saved, saved_n);
    size_t w = section_offset(b, saved_n, "WGHT");
    put_f32(b + w + 12 + 4 * 5, NAN);
    patch_and_rehash(b, saved_n);
    expect_refused("non-finite weight (nan) in wte at index 5");

    /* an infinite weight further in: llm.c's order puts wpe after wte's 256 x 8 */
    memcpy(b, saved, saved_n);
    put_f32(b + w + 12 + 4 * (256 * 8 + 3), INFINITY);
    patch_and_rehash(b, saved_n);
    expect_refused("in wpe at index 3");

    /* a tokenizer missing a byte */
    memcpy(b, saved, saved_n);
    size_t t = section_offset(b, saved_n, "TOKN");
    b[t + 12 + 44 + 3 * 256 + 65] = 'B'; /* the token for 'A' becomes a second 'B' */
    patch_and_rehash(b, saved_n);
    expect_refused("byte 0x42 twice");
    free(b);
}

/* ---- numbers that pass the checksum but not the checks ---- */

/* A checkpoint with everything in it: the optimizer, the training state, eight steps of loss
 * history and two validation losses (steps 4 and 8). */
static void save_full(void)
{
    TrainConfig tc = config();
    Trainer tr;
    Err e;
    assert_int_equal(trainer_create(&tr, &tiny, &tc, &data, NULL, &e), 0);
    train(&tr, 8);
    assert_int_equal(tr.st.hist.n_val, 2);
    assert_int_equal(checkpoint_save(path, &tr.model, &tok, &tr.opt, &tr.st, &e), 0);
    trainer_free(&tr);
    free(saved);
    saved = read_file(path, &saved_n);
    assert_non_null(saved);
}

/* Where the training state's fields are, from its start (checkpoint.c's write_trst). */
enum {
    TRST_BATCH = 0, TRST_LR = 4, TRST_WARMUP = 8, TRST_TOTAL = 12, TRST_MIN_LR = 20, TRST_DECAY = 24,
    TRST_CLIP = 28, TRST_SEED = 32, TRST_VAL_EVERY = 40, TRST_VAL_BATCHES = 44, TRST_STEP = 48, TRST_RNG = 56,
    TRST_SECONDS = 88, TRST_HASH = 96, TRST_N = 104, TRST_LOSS = 112, /* then 8 seconds, nv, val steps, val losses */
    TRST_NV = TRST_LOSS + 8 * 8, TRST_VAL_STEP = TRST_NV + 8,
};

/* Each field set to a value a damaged or hostile file could hold - among them the counts that
 * overflowed an int (val_batches INT_MAX) or had a resume validate for minutes (100000) - with a
 * checksum that matches, so that only the checks behind it can refuse them. */
static void test_impossible_fields(void **state)
{
    (void)state;
    save_full();
    uint8_t *b = malloc(saved_n);
    const size_t t = section_offset(saved, saved_n, "TRST") + 12, a = section_offset(saved, saved_n, "ADAM") + 12;
    enum { U32, U64, F32 };
    static const struct {
        int trst; /* 1: an offset into TRST; 0: into ADAM */
        size_t at;
        int kind;
        double value;
        const char *expect;
    } cases[] = {
        {1, TRST_VAL_BATCHES, U32, 2147483647.0, "validation batches must be between 0 and 32 (got 2147483647)"},
        {1, TRST_VAL_BATCHES, U32, 100000, "validation batches must be between 0 and 32 (got 100000)"},
        {1, TRST_VAL_BATCHES, U32, 4294967295.0, "validation batches must be between 0 and 32 (got -1)"},
        {1, TRST_BATCH, U32, TRAIN_MAX_BATCH + 1, "batch must be between 1 and 4096 (got 4097)"},
        {1, TRST_BATCH, U32, 2147483648.0, "batch must be between 1 and 4096"},
        {1, TRST_LR, F32, NAN, "learning rate must be in (0, 10]"},
        {1, TRST_LR, F32, INFINITY, "learning rate must be in (0, 10]"},
        {1, TRST_LR, F32, 0, "learning rate must be in (0, 10]"},
        {1, TRST_WARMUP, U32, 2147483648.0, "warm-up steps must be >= 0"},
        {1, TRST_TOTAL, U64, 4e18, "steps must be between 1 and 1000000000000"},
        {1, TRST_TOTAL, U64, 18446744073709551615.0, "steps must be between 1 and 1000000000000"},
        {1, TRST_MIN_LR, F32, NAN, "minimum learning-rate ratio must be in [0, 1]"},
        {1, TRST_DECAY, F32, 1, "weight decay must be in [0, 1)"},
        {1, TRST_CLIP, F32, INFINITY, "gradient clip must be >= 0"},
        {1, TRST_VAL_EVERY, U32, 2147483648.0, "validation interval must be >= 0"},
        {1, TRST_STEP, U64, 4e18, "impossible step or time"},
        {1, TRST_STEP, U64, 5, "loss history is truncated or too long"}, /* 8 losses for 5 steps */
        {1, TRST_N, U64, 1e12, "loss history is truncated or too long"},
        {1, TRST_LOSS, F32, NAN, "step 1 of the loss history is not finite"},
        {1, TRST_LOSS + 8 * 4 + 4, F32, -1, "step 2 of the loss history is not finite"}, /* its time */
        {1, TRST_NV, U64, 4e18, "validation history has the wrong size"},
        {1, TRST_VAL_STEP, U64, 9, "validation loss 1 is at an impossible step"},   /* past step 8 */
        {1, TRST_VAL_STEP + 8, U64, 4, "validation loss 2 is at an impossible step"}, /* not after the 1st */
        {1, TRST_VAL_STEP, U64, 0, "validation loss 1 is at an impossible step"},
        {0, 0, U64, 18446744073709551615.0, "optimizer settings are impossible"}, /* step count -1 */
        {0, 8, F32, 1, "optimizer settings are impossible"},                       /* beta1 */
        {0, 16, F32, INFINITY, "optimizer settings are impossible"},               /* eps */
        {0, 20, F32, NAN, "optimizer settings are impossible"},                    /* weight decay */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(b, saved, saved_n);
        uint8_t *p = b + (cases[i].trst ? t : a) + cases[i].at;
        if (cases[i].kind == U32) put_u32(p, (uint32_t)cases[i].value);
        else if (cases[i].kind == U64) put_u64(p, cases[i].value >= 1.8e19 ? UINT64_MAX : (uint64_t)cases[i].value);
        else put_f32(p, (float)cases[i].value);
        patch_and_rehash(b, saved_n);
        expect_refused(cases[i].expect);
    }
    /* the training time (a double) */
    double bad_seconds[] = {NAN, -1, INFINITY};
    for (int i = 0; i < 3; i++) {
        memcpy(b, saved, saved_n);
        uint64_t bits;
        memcpy(&bits, &bad_seconds[i], 8);
        put_u64(b + t + TRST_SECONDS, bits);
        patch_and_rehash(b, saved_n);
        expect_refused("impossible step or time");
    }
    /* the random generator's one state it cannot leave */
    memcpy(b, saved, saved_n);
    memset(b + t + TRST_RNG, 0, 32);
    patch_and_rehash(b, saved_n);
    expect_refused("random generator's state is all zeros");
    /* a section twice, and the weights before the sizes they need (nexttoken writes neither) */
    size_t conf = section_offset(saved, saved_n, "CONF"), tokn = section_offset(saved, saved_n, "TOKN");
    memcpy(b, saved, saved_n);
    memcpy(b + tokn, "CONF", 4);
    patch_and_rehash(b, saved_n);
    expect_refused("section CONF appears twice");
    /* CONF, TOKN, WGHT becomes WGHT, CONF, TOKN */
    memcpy(b, saved, saved_n);
    size_t w = section_offset(saved, saved_n, "WGHT"), wn = 12 + get_u64(saved + w + 4);
    assert_true(conf < w);
    memcpy(b + conf, saved + w, wn);
    memcpy(b + conf + wn, saved + conf, w - conf);
    patch_and_rehash(b, saved_n);
    expect_refused("the weights come before the model configuration");
    free(b);
}

/* The class, not the examples: every 32-bit word of the sizes, the tokenizer's header, the
 * optimizer's settings and the training state's fixed part, set to each of a few extreme values
 * with a matching checksum. Each file is refused, or loads into settings that train: one step
 * and a validation, which must not overflow (UBSan watches in make test-sanitize) or run long. */
static void test_every_field(void **state)
{
    (void)state;
    save_full();
    uint8_t *b = malloc(saved_n);
    const struct {
        const char *tag;
        size_t from, to;
    } parts[] = {{"CONF", 0, 20}, {"TOKN", 32, 44}, {"ADAM", 0, 24}, {"TRST", 0, TRST_LOSS}};
    const uint32_t values[] = {0, 1, 3, 100000, 0x7fffffff, 0x80000000, 0xffffffff, 0x7f800000 /* +inf */};
    int loaded = 0, refused = 0;
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        size_t s = section_offset(saved, saved_n, parts[k].tag) + 12;
        for (size_t at = parts[k].from; at < parts[k].to; at += 4)
            for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
                memcpy(b, saved, saved_n);
                put_u32(b + s + at, values[v]);
                patch_and_rehash(b, saved_n);
                Checkpoint ck;
                Err e = {0};
                if (checkpoint_load(path, &ck, CKPT_RESUME, &e) != 0) {
                    assert_int_equal(e.code, ERR_INPUT);
                    refused++;
                    continue;
                }
                loaded++;
                assert_int_equal(train_config_check(&ck.st.cfg, &e), 0);
                assert_true(ck.st.cfg.val_batches <= TRAIN_MAX_VAL_BATCHES);
                Trainer tr;
                TrainConfig tc = config();
                if (trainer_resume(&tr, &ck.model, &ck.opt, &ck.st, &tc, &data, NULL, &e) == 0) {
                    trainer_step(&tr, &e);
                    trainer_validate(&tr);
                    trainer_free(&tr);
                }
                checkpoint_free(&ck);
            }
    }
    assert_true(loaded > 0 && refused > 0);
    free(b);
}

static void test_refuses_to_overwrite_text(void **state)
{
    (void)state;
    char txt[160];
    snprintf(txt, sizeof txt, "%s/notes.txt", dir);
    assert_int_equal(write_text(txt, "my homework\n"), 0);
    GPT2 m;
    Err e;
    assert_int_equal(gpt2_create(&m, &tiny, &e), 0);
    assert_int_equal(checkpoint_save(txt, &m, &tok, NULL, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INPUT);
    assert_non_null(strstr(e.msg, "exists and is not a nexttoken checkpoint"));
    size_t n;
    uint8_t *b = read_file(txt, &n);
    assert_int_equal(n, 12);
    assert_memory_equal(b, "my homework\n", 12);
    free(b);
    gpt2_free(&m);
}

static void test_failed_save_keeps_old(void **state)
{
    (void)state;
    save_reference();
    /* A file-size limit makes the write of a bigger model fail part-way, as a full disk would. */
    GPT2 m;
    Err e;
    assert_int_equal(gpt2_create(&m, &tiny, &e), 0);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 8192;
    setrlimit(RLIMIT_FSIZE, &lim);
    int rc = checkpoint_save(path, &m, &tok, NULL, NULL, &e);
    setrlimit(RLIMIT_FSIZE, &old);
    assert_int_equal(rc, -1);
    size_t n;
    uint8_t *b = read_file(path, &n);
    assert_int_equal(n, saved_n);
    assert_memory_equal(b, saved, n);
    free(b);
    /* and no temporary file is left behind */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", dir);
    assert_int_not_equal(system(cmd), 0);
    gpt2_free(&m);
}

/* A child saves two different models over the same path as fast as it can; the parent kills it
 * at random moments. Whatever the instant, the file is one of the two models, whole. */
static void test_kill_during_save(void **state)
{
    (void)state;
    GPT2 ma, mb;
    Err e;
    Rng r;
    rng_seed(&r, 9);
    assert_int_equal(gpt2_create(&ma, &tiny, &e), 0);
    assert_int_equal(gpt2_create(&mb, &tiny, &e), 0);
    gpt2_init_random(&ma, &r);
    gpt2_init_random(&mb, &r);
    assert_int_equal(checkpoint_save(path, &ma, &tok, NULL, NULL, &e), 0);
    for (int round = 0; round < 12; round++) {
        pid_t pid = fork();
        if (pid == 0) {
            for (int i = 0;; i++) checkpoint_save(path, i % 2 ? &ma : &mb, &tok, NULL, NULL, NULL);
        }
        usleep(2000 + (useconds_t)rng_below(&r, 30000));
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        Checkpoint ck;
        assert_int_equal(checkpoint_load(path, &ck, CKPT_WEIGHTS, &e), 0);
        int is_a = memcmp(ck.model.params, ma.params, sizeof(float) * ma.n_params) == 0;
        int is_b = memcmp(ck.model.params, mb.params, sizeof(float) * mb.n_params) == 0;
        assert_true(is_a || is_b);
        checkpoint_free(&ck);
    }
    /* the killed children's temporary files are the only debris, and the next save removes them */
    assert_int_equal(checkpoint_save(path, &ma, &tok, NULL, NULL, &e), 0);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", dir);
    assert_int_not_equal(system(cmd), 0);
    gpt2_free(&ma);
    gpt2_free(&mb);
}

/* One letter 65,536 times merges, pair by pair, towards a token of all of it, longer than the
 * 16-bit length a checkpoint stores: the trainer stops short of that, so the model saved with
 * its tokenizer loads back. */
static void test_longest_tokens_load(void **state)
{
    (void)state;
    size_t n = 65536;
    uint8_t *text = malloc(n);
    memset(text, 'a', n);
    Tokenizer t;
    Err e;
    int exhausted;
    assert_int_equal(bpe_learn(text, n, PRETOK_NONE, 300, &t, &exhausted, &e), 0);
    free(text);
    size_t longest = 0;
    for (int i = 0; i < t.n_vocab; i++) {
        size_t k;
        tokenizer_token(&t, i, &k);
        if (k > longest) longest = k;
    }
    assert_int_equal(longest, 32768);
    assert_true(exhausted);
    GPT2Config c = tiny;
    c.n_vocab = t.n_vocab;
    GPT2 m;
    assert_int_equal(gpt2_create(&m, &c, &e), 0);
    assert_int_equal(checkpoint_save(path, &m, &t, NULL, NULL, &e), 0);
    Checkpoint ck;
    assert_int_equal(checkpoint_load(path, &ck, CKPT_WEIGHTS, &e), 0);
    assert_int_equal(ck.tok.n_vocab, t.n_vocab);
    assert_memory_equal(ck.tok.offsets, t.offsets, sizeof(uint32_t) * ((size_t)t.n_vocab + 1));
    assert_memory_equal(ck.tok.bytes, t.bytes, t.offsets[t.n_vocab]);
    checkpoint_free(&ck);
    gpt2_free(&m);
    tokenizer_free(&t);
}

static void test_llmc_round_trip(void **state)
{
    (void)state;
    GPT2Config c = {.n_layer = 2, .n_head = 2, .n_embd = 8, .n_ctx = 12, .n_vocab = 300};
    GPT2 m;
    Err e;
    Rng r;
    rng_seed(&r, 4);
    assert_int_equal(gpt2_create(&m, &c, &e), 0);
    gpt2_init_random(&m, &r);
    char p[160];
    snprintf(p, sizeof p, "%s/model.bin", dir);
    assert_int_equal(llmc_save_model(p, &m, &e), 0);
    size_t n = 0;
    uint8_t *b = read_file(p, &n);
    /* llm.c's header: magic, version 3, maxT, V, L, NH, C, padded V (a multiple of 128) */
    int32_t want[8] = {20240326, 3, 12, 300, 2, 2, 8, 384};
    for (int i = 0; i < 8; i++) assert_int_equal((int32_t)get_u32(b + 4 * i), want[i]);
    assert_int_equal(n, 1024 + 4 * (m.n_params + (384 - 300) * 8));
    for (size_t i = 300 * 8; i < 384 * 8; i++) assert_true(get_f32(b + 1024 + 4 * i) == 0.0f); /* padding */
    Checkpoint ck;
    assert_int_equal(checkpoint_load(p, &ck, CKPT_WEIGHTS, &e), 0);
    assert_string_equal(ck.format, "llm.c");
    assert_int_equal(ck.tok.n_vocab, 0);
    assert_memory_equal(&ck.model.cfg, &c, sizeof c);
    assert_memory_equal(ck.model.params, m.params, sizeof(float) * m.n_params);
    checkpoint_free(&ck);

    /* version 5 (bfloat16): the same weights rounded down to their top 16 bits */
    size_t n_pad = m.n_params + (384 - 300) * 8;
    uint8_t *b5 = malloc(1024 + 2 * n_pad);
    memcpy(b5, b, 1024);
    put_u32(b5 + 4, 5);
    for (size_t i = 0; i < n_pad; i++) put_u16(b5 + 1024 + 2 * i, (uint16_t)(get_u32(b + 1024 + 4 * i) >> 16));
    FILE *f = fopen(p, "wb");
    fwrite(b5, 1, 1024 + 2 * n_pad, f);
    fclose(f);
    assert_int_equal(checkpoint_load(p, &ck, CKPT_WEIGHTS, &e), 0);
    for (size_t i = 0; i < m.n_params; i++) {
        uint32_t bits;
        memcpy(&bits, &m.params[i], 4);
        bits &= 0xffff0000u;
        float want_f;
        memcpy(&want_f, &bits, 4);
        assert_true(ck.model.params[i] == want_f);
    }
    checkpoint_free(&ck);
    /* a truncated llm.c file */
    f = fopen(p, "wb");
    fwrite(b, 1, n - 4, f);
    fclose(f);
    assert_int_equal(checkpoint_load(p, &ck, CKPT_WEIGHTS, &e), -1);
    assert_non_null(strstr(e.msg, "truncated"));
    free(b), free(b5);
    gpt2_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_resume_bit_for_bit),
        cmocka_unit_test(test_non_finite_stops),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_impossible_fields),
        cmocka_unit_test(test_every_field),
        cmocka_unit_test(test_refuses_to_overwrite_text),
        cmocka_unit_test(test_failed_save_keeps_old),
        cmocka_unit_test(test_kill_during_save),
        cmocka_unit_test(test_longest_tokens_load),
        cmocka_unit_test(test_llmc_round_trip),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    free(saved);
    return rc;
}
