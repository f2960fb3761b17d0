/* The training session (session.h), which the front ends open training with: what a new session
 * decides for the user (a learned vocabulary, a batch fitted to the work budget) and what it is
 * given (a tokenizer), what a resumed one keeps, overrides and refuses, which text it goes on
 * with, that it continues bit for bit, and that a failed open leaves nothing to free (the
 * sanitizer build checks for leaks). */
#include "testutil.h"

#include "core/text/bpe_train.h"
#include "core/train/session.h"
#include "core/train/trainer_thread.h"

#define CORPUS "corpora/stories.txt"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    const char *d = temp_dir();
    if (!d) return -1;
    snprintf(dir, sizeof dir, "%s", d);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return rm_tree(dir);
}

/* A file in the test's directory. */
static const char *in_dir(const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", dir, name);
    return out;
}

/* The first n bytes of the project's corpus, as another text (cut at a space, so that it stays
 * UTF-8). */
static void write_part(const char *path, size_t n)
{
    size_t len;
    uint8_t *text = read_file(CORPUS, &len);
    assert_non_null(text);
    assert_true(n < len);
    while (text[n] != ' ') n--;
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    free(text);
}

/* A new tiny model of byte tokens on the corpus: quick to open and to step. */
static void tiny_spec(SessionSpec *sp, const char *corpus)
{
    session_spec_default(sp);
    sp->corpus = corpus;
    sp->preset = "tiny";
    sp->tokenizer = "byte";
    sp->train.val_every = 2, sp->train.val_batches = 1, sp->train.total_steps = 100;
}

/* Everything unset but the model file to resume. */
static void resume_spec(SessionSpec *rs, const char *path)
{
    session_spec_default(rs);
    rs->resume = path;
}

static void open_ok(Session *s, const SessionSpec *sp)
{
    Err e;
    int rc = session_open(s, sp, NULL, &e);
    if (rc) print_error("session_open: %s\n", e.msg);
    assert_int_equal(rc, 0);
}

static int has(const char *text, const char *want)
{
    if (strstr(text, want)) return 1;
    print_error("\"%s\" is not in \"%s\"\n", want, text);
    return 0;
}

/* The open fails for the user's input, with `want` in the message, and leaves the session
 * empty: nothing to free (the sanitizer build's leak check covers what is not in the struct). */
static void open_fails(const SessionSpec *sp, const char *want)
{
    Session s;
    Err e = {0};
    assert_int_equal(session_open(&s, sp, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INPUT);
    assert_true(has(e.msg, want));
    assert_null(s.corpus.data);
    assert_null(s.tok.offsets);
    assert_null(s.data.tokens);
    assert_null(s.tr.model.params);
    assert_null(s.tr.opt.m);
    assert_null(s.tr.st.hist.loss);
    assert_int_equal(s.notes[0], 0);
}

static void train(Session *s, int steps)
{
    Err e;
    for (int i = 0; i < steps; i++) assert_int_equal(trainer_step(&s->tr, &e), 0);
}

/* A new session on CORPUS with these settings, trained for `steps` and saved to path. */
static void save_trained(const SessionSpec *sp, int steps, const char *path)
{
    Session s;
    Err e;
    open_ok(&s, sp);
    train(&s, steps);
    assert_int_equal(session_save(&s, path, &e), 0);
    session_close(&s);
}

/* A tiny model trained for `steps` on corpus and saved as `name` in the test's directory. */
static const char *saved_tiny(const char *name, const char *corpus, int steps, char *out, size_t cap)
{
    SessionSpec sp;
    tiny_spec(&sp, corpus);
    save_trained(&sp, steps, in_dir(name, out, cap));
    return out;
}

/* A new session learns a byte-pair vocabulary (BPE_DEFAULT_VOCAB, or the size asked for), says
 * so, and records where its text is. */
static void test_new_learns_bpe(void **state)
{
    (void)state;
    SessionSpec sp;
    tiny_spec(&sp, CORPUS);
    sp.tokenizer = NULL;
    Session s;
    open_ok(&s, &sp);
    assert_int_equal(s.tok.n_vocab, BPE_DEFAULT_VOCAB);
    assert_int_equal(s.tr.model.cfg.n_vocab, BPE_DEFAULT_VOCAB);
    assert_int_equal(s.data.n_vocab, BPE_DEFAULT_VOCAB);
    char want[128];
    snprintf(want, sizeof want, "tokenizer: %d-token byte-pair vocabulary learned from %s", BPE_DEFAULT_VOCAB, CORPUS);
    assert_true(has(s.notes, want));
    assert_int_equal(s.resumed, 0);
    assert_int_equal(s.fitted_batch, 0);
    assert_string_equal(s.preset, "tiny");
    /* the text's absolute path, in the state that checkpoints save */
    assert_int_equal(s.corpus_path[0], '/');
    assert_true(has(s.corpus_path, "/" CORPUS));
    assert_string_equal(s.tr.st.corpus_path, s.corpus_path);
    assert_true(s.tr.st.corpus_hash == s.corpus.hash);
    session_close(&s);

    sp.vocab_size = 300;
    open_ok(&s, &sp);
    assert_int_equal(s.tok.n_vocab, 300);
    assert_int_equal(s.tr.model.cfg.n_vocab, 300);
    assert_true(has(s.notes, "tokenizer: 300-token byte-pair vocabulary"));
    session_close(&s);
}

/* A tokenizer given is used as it is, and nothing is learned. */
static void test_new_given_tokenizer(void **state)
{
    (void)state;
    SessionSpec sp;
    tiny_spec(&sp, CORPUS);
    Session s;
    open_ok(&s, &sp);
    assert_string_equal(s.tok.name, "byte");
    assert_int_equal(s.tok.n_vocab, 256);
    assert_int_equal(s.tr.model.cfg.n_vocab, 256);
    assert_null(strstr(s.notes, "byte-pair"));
    assert_int_equal(s.tr.st.step, 0);
    assert_true(s.tr.st.cfg.lr == sp.train.lr);
    session_close(&s);
}

/* What a new session refuses, each before or after it has allocated: nothing is left. */
static void test_new_refusals(void **state)
{
    (void)state;
    SessionSpec sp;
    tiny_spec(&sp, CORPUS);
    sp.vocab_size = 300;
    open_fails(&sp, "give a tokenizer or a vocabulary size to learn, not both");

    tiny_spec(&sp, NULL);
    open_fails(&sp, "a new model needs a text to learn from");

    tiny_spec(&sp, CORPUS);
    sp.preset = "huge";
    open_fails(&sp, "tiny");

    tiny_spec(&sp, CORPUS);
    sp.heads = 3; /* does not divide the width */
    open_fails(&sp, "heads");

    tiny_spec(&sp, CORPUS);
    sp.train.lr = 0;
    open_fails(&sp, "learning rate");

    char path[128];
    tiny_spec(&sp, in_dir("missing.txt", path, sizeof path));
    open_fails(&sp, "missing.txt");

    /* a vocabulary learned, then the text too short for the context: the vocabulary is freed */
    write_part(in_dir("short.txt", path, sizeof path), 200);
    tiny_spec(&sp, path);
    sp.tokenizer = NULL;
    open_fails(&sp, "too short");
}

/* A saved session resumed: the same step, the same history and settings, its own text when
 * none is named, and the next steps the same to the bit as the original's. */
static void test_resume_bit_for_bit(void **state)
{
    (void)state;
    char path[128];
    in_dir("a.ckpt", path, sizeof path);
    SessionSpec sp;
    tiny_spec(&sp, CORPUS);
    Session a, b;
    Err e;
    open_ok(&a, &sp);
    train(&a, 5);
    assert_int_equal(session_save(&a, path, &e), 0);

    SessionSpec rs;
    resume_spec(&rs, path);
    open_ok(&b, &rs);
    assert_int_equal(b.resumed, 1);
    assert_int_equal(b.tr.st.step, 5);
    assert_string_equal(b.corpus_path, a.corpus_path);
    assert_true(b.corpus.hash == a.corpus.hash);
    assert_null(strstr(b.notes, "is not the text"));
    assert_string_equal(b.preset, "tiny");
    assert_int_equal(b.tok.n_vocab, a.tok.n_vocab);
    /* the settings it was saved with */
    const TrainConfig *ca = &a.tr.st.cfg, *cb = &b.tr.st.cfg;
    assert_int_equal(cb->batch, ca->batch);
    assert_true(cb->lr == ca->lr);
    assert_int_equal(cb->warmup, ca->warmup);
    assert_int_equal(cb->total_steps, ca->total_steps);
    assert_int_equal(cb->val_every, ca->val_every);
    assert_true(cb->seed == ca->seed);
    /* the loss history */
    const TrainHistory *ha = &a.tr.st.hist, *hb = &b.tr.st.hist;
    assert_int_equal(hb->n, ha->n);
    assert_int_equal(hb->n_val, ha->n_val);
    assert_true(ha->n_val >= 2);
    assert_memory_equal(hb->loss, ha->loss, sizeof(float) * ha->n);
    assert_memory_equal(hb->seconds, ha->seconds, sizeof(float) * ha->n);
    assert_memory_equal(hb->val_step, ha->val_step, sizeof(long) * ha->n_val);
    assert_memory_equal(hb->val_loss, ha->val_loss, sizeof(float) * ha->n_val);
    /* and on, as if it had never stopped */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(trainer_step(&a.tr, &e), 0);
        assert_int_equal(trainer_step(&b.tr, &e), 0);
        assert_memory_equal(&b.tr.loss, &a.tr.loss, sizeof a.tr.loss);
        assert_memory_equal(&b.tr.grad_norm, &a.tr.grad_norm, sizeof a.tr.grad_norm);
    }
    assert_int_equal(b.tr.st.step, 8);
    assert_memory_equal(b.tr.model.params, a.tr.model.params, sizeof(float) * a.tr.model.n_params);

    /* saved again, the text is still recorded, so a second resume finds it too */
    assert_int_equal(session_save(&b, path, &e), 0);
    session_close(&b);
    open_ok(&b, &rs);
    assert_int_equal(b.tr.st.step, 8);
    assert_string_equal(b.corpus_path, a.corpus_path);
    session_close(&b);
    session_close(&a);
}

/* The text named is used; another text than the model's is noted, its own is not. */
static void test_resume_other_text(void **state)
{
    (void)state;
    char path[128], part[128];
    saved_tiny("b.ckpt", CORPUS, 2, path, sizeof path);
    write_part(in_dir("part.txt", part, sizeof part), 20000);

    SessionSpec rs;
    resume_spec(&rs, path);
    rs.corpus = part;
    Session s;
    open_ok(&s, &rs);
    char want[200];
    snprintf(want, sizeof want, "%s is not the text this model was trained on", part);
    assert_true(has(s.notes, want));
    assert_true(has(s.corpus_path, "/part.txt"));
    assert_string_equal(s.tr.st.corpus_path, s.corpus_path);
    assert_true(s.tr.st.corpus_hash == s.corpus.hash);
    session_close(&s);

    rs.corpus = CORPUS;
    open_ok(&s, &rs);
    assert_null(strstr(s.notes, "is not the text"));
    session_close(&s);
}

/* A resumed model keeps its sizes and tokenizer: asking for others is refused. */
static void test_resume_refusals(void **state)
{
    (void)state;
    char path[128];
    saved_tiny("c.ckpt", CORPUS, 1, path, sizeof path);

    /* each alone */
    static const struct {
        const char *preset, *tokenizer;
        int layers, ctx, vocab_size;
    } asks[] = {{"tiny", NULL, 0, 0, 0}, {NULL, "byte", 0, 0, 0}, {NULL, NULL, 2, 0, 0}, {NULL, NULL, 0, 32, 0}, {NULL, NULL, 0, 0, 300}};
    SessionSpec rs;
    for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++) {
        resume_spec(&rs, path);
        rs.preset = asks[i].preset, rs.tokenizer = asks[i].tokenizer;
        rs.layers = asks[i].layers, rs.ctx = asks[i].ctx, rs.vocab_size = asks[i].vocab_size;
        open_fails(&rs, "a resumed model keeps its sizes and tokenizer");
    }

    /* after the model is loaded: a setting given that cannot train, a text too short */
    resume_spec(&rs, path);
    rs.train.batch = 0;
    rs.given = SESSION_SET_BATCH;
    open_fails(&rs, "batch");
    char part[128];
    write_part(in_dir("tiny.txt", part, sizeof part), 100);
    resume_spec(&rs, path);
    rs.corpus = part;
    open_fails(&rs, "too short");

    char missing[128];
    resume_spec(&rs, in_dir("missing.ckpt", missing, sizeof missing));
    open_fails(&rs, "missing.ckpt");
}

/* When the model's own text is gone: an error naming it, unless the front end has a fallback. */
static void test_resume_text_gone(void **state)
{
    (void)state;
    char path[128], gone[128];
    write_part(in_dir("gone.txt", gone, sizeof gone), 20000);
    saved_tiny("d.ckpt", gone, 1, path, sizeof path);
    char *abs = realpath(gone, NULL);
    assert_non_null(abs);
    assert_int_equal(unlink(gone), 0);

    SessionSpec rs;
    resume_spec(&rs, path);
    char want[256];
    snprintf(want, sizeof want, "was trained on %s, which cannot be read now", abs);
    open_fails(&rs, want);

    rs.fallback_corpus = CORPUS;
    Session s;
    open_ok(&s, &rs);
    assert_true(has(s.corpus_path, "/" CORPUS));
    assert_true(has(s.notes, "is not the text this model was trained on"));
    session_close(&s);
    free(abs);
}

/* SESSION_SET_* take those settings from the spec; the rest are the saved ones. */
static void test_resume_overrides(void **state)
{
    (void)state;
    char path[128];
    in_dir("e.ckpt", path, sizeof path);
    SessionSpec sp;
    tiny_spec(&sp, CORPUS);
    sp.train.batch = 4, sp.train.lr = 2e-3f, sp.train.warmup = 10, sp.train.val_every = 7, sp.train.total_steps = 100;
    save_trained(&sp, 2, path);

    SessionSpec rs;
    resume_spec(&rs, path);
    rs.train.batch = 2, rs.train.lr = 5e-4f, rs.train.warmup = 3, rs.train.val_every = 9, rs.train.total_steps = 200;
    rs.given = SESSION_SET_LR | SESSION_SET_STEPS;
    Session s;
    open_ok(&s, &rs);
    const TrainConfig *c = &s.tr.st.cfg;
    assert_true(c->lr == 5e-4f);
    assert_int_equal(c->total_steps, 200);
    assert_int_equal(c->batch, 4);
    assert_int_equal(c->warmup, 10);
    assert_int_equal(c->val_every, 7);
    assert_int_equal(s.fitted_batch, 0);
    train(&s, 1);
    session_close(&s);

    rs.given = SESSION_SET_BATCH | SESSION_SET_WARMUP | SESSION_SET_VAL_EVERY;
    open_ok(&s, &rs);
    assert_int_equal(c->batch, 2);
    assert_int_equal(c->warmup, 3);
    assert_int_equal(c->val_every, 9);
    assert_true(c->lr == 2e-3f);
    assert_int_equal(c->total_steps, 100);
    train(&s, 1); /* the batch buffers are the new batch's */
    assert_int_equal(s.tr.st.step, 3);
    session_close(&s);
}

/* A batch nobody chose is halved until a step fits the work budget, and the session says so; a
 * batch given is left alone. */
static void test_fitted_batch(void **state)
{
    (void)state;
    GPT2Config mc;
    Err e;
    assert_int_equal(gpt2_preset("tiny", &mc, &e), 0);
    mc.n_vocab = 256;
    SessionSpec sp;
    tiny_spec(&sp, CORPUS);
    assert_int_equal(sp.train.batch, 8);
    sp.work_budget = gpt2_work_bytes(&mc, 2, mc.n_ctx, 1, 1);
    Session s;
    open_ok(&s, &sp);
    assert_int_equal(s.fitted_batch, 2);
    assert_int_equal(s.tr.st.cfg.batch, 2);
    assert_true(has(s.notes, "batch 2, to fit a training step in"));
    train(&s, 1);
    session_close(&s);

    sp.given = SESSION_SET_BATCH;
    open_ok(&s, &sp);
    assert_int_equal(s.fitted_batch, 0);
    assert_int_equal(s.tr.st.cfg.batch, 8);
    assert_null(strstr(s.notes, "batch"));
    session_close(&s);

    /* the default budget holds the tiny model's default batch */
    tiny_spec(&sp, CORPUS);
    open_ok(&s, &sp);
    assert_int_equal(s.fitted_batch, 0);
    assert_int_equal(s.tr.st.cfg.batch, 8);
    session_close(&s);
}

/* Waits up to 5 s for the thread to pause, and says where it is. */
static TrainSnapshot paused(TrainerThread *tt)
{
    TrainSnapshot snap;
    for (int i = 0; i < 500; i++) {
        tt_snapshot(tt, &snap);
        if (snap.state == TT_PAUSED && snap.stop_at == 0) break;
        usleep(10000);
    }
    usleep(100000); /* and stays paused */
    tt_snapshot(tt, &snap);
    return snap;
}

/* The trainer's thread told to run to the step it is paused at (a script's "wait step 2" on a
 * model saved at step 2) stays there. The script set the stop and then resumed: the paused
 * thread, woken in between (by pause_at, or by starting only then), used the stop up, and the
 * resume ran on without one - the script waited ten minutes (seen under ASan half the time).
 * The sleeps make that order certain. */
static void test_thread_waits_at_its_step(void **state)
{
    (void)state;
    SessionSpec sp;
    tiny_spec(&sp, CORPUS);
    Session s;
    open_ok(&s, &sp);
    train(&s, 2);
    TrainThreadConfig cfg = {0};
    Err e;
    TrainerThread *tt = tt_start(&s.tr, &s.tok, &s.data, &cfg, 0, -1, &e);
    assert_non_null(tt);
    tt_pause_at(tt, 2);
    usleep(100000);
    tt_resume(tt);
    TrainSnapshot at[3];
    at[0] = paused(tt);
    /* run_to does both at once: to the step it is at, and on to another */
    tt_run_to(tt, 2);
    at[1] = paused(tt);
    tt_run_to(tt, 4);
    at[2] = paused(tt);
    /* stopped before anything is asserted: a failed assertion must not leave it training */
    tt_stop(tt, &s.tr);
    session_close(&s);
    const long want[3] = {2, 2, 4};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(at[i].state, TT_PAUSED);
        assert_int_equal(at[i].step, want[i]);
    }
}

/* Waits (up to 10 minutes: the sanitizers and valgrind are slow) for the thread to be paused at
 * `step`, and says where it is. */
static TrainSnapshot paused_at(TrainerThread *tt, long step)
{
    TrainSnapshot snap;
    for (int i = 0; i < 60000; i++) {
        tt_snapshot(tt, &snap);
        if (snap.state == TT_PAUSED && snap.step == step) break;
        usleep(10000);
    }
    return snap;
}

/* The panels' weights (tt_take_weights): copied straight from a paused trainer; no copy at all
 * while it runs and nobody asks; asked for while it runs, a copy made between two steps that is
 * exactly the weights of the step it says (a second session stepped as far has the same bits:
 * not a copy torn across a step). */
static void test_thread_publishes_on_demand(void **state)
{
    (void)state;
    enum { QUIET = 5, END = 40 };
    SessionSpec sp;
    tiny_spec(&sp, CORPUS);
    Session s, twin;
    open_ok(&s, &sp);
    open_ok(&twin, &sp);
    const size_t bytes = sizeof(float) * twin.tr.model.n_params;
    TrainThreadConfig cfg = {.publish_seconds = 0.001};
    Err e;
    TrainerThread *tt = tt_start(&s.tr, &s.tok, &s.data, &cfg, 0, -1, &e);
    assert_non_null(tt);
    GPT2 view = {0};
    long step = -1;
    TrainSnapshot snap;
    /* paused: the live weights, at once; asked again, nothing new */
    int took0 = tt_take_weights(tt, &view, &step), again = tt_take_weights(tt, &view, &step);
    int same0 = view.params && memcmp(view.params, twin.tr.model.params, bytes) == 0;
    long step0 = step;
    /* running with nobody asking: no copy (the version moves once, for the pause at the end) */
    tt_snapshot(tt, &snap);
    long version0 = snap.weights_version;
    tt_run_to(tt, QUIET);
    snap = paused_at(tt, QUIET);
    long quiet_copies = snap.weights_version - version0 - 1, quiet_step = snap.step;
    /* running and asked: a copy from between two steps */
    long took_step = -1;
    float *copy = malloc(bytes), *end = malloc(bytes);
    assert_non_null(copy);
    assert_non_null(end);
    tt_run_to(tt, END);
    for (;;) {
        tt_snapshot(tt, &snap);
        if (snap.step >= END || took_step >= 0 || snap.state == TT_FAILED) break;
        if (snap.state == TT_RUNNING && tt_take_weights(tt, &view, &step) && step > QUIET)
            took_step = step, memcpy(copy, view.params, bytes);
        usleep(100);
    }
    snap = paused_at(tt, END);
    /* and paused again, the live weights */
    int took_end = tt_take_weights(tt, &view, &step);
    long step_end = step;
    memcpy(end, view.params, bytes);
    tt_stop(tt, &s.tr);
    session_close(&s);
    gpt2_free(&view);
    int copy_ok = 0, end_ok = 0;
    if (took_step > QUIET && took_step < END) {
        train(&twin, (int)took_step);
        copy_ok = memcmp(copy, twin.tr.model.params, bytes) == 0;
        train(&twin, END - (int)took_step);
        end_ok = memcmp(end, twin.tr.model.params, bytes) == 0;
    }
    free(copy), free(end);
    session_close(&twin);
    assert_int_equal(took0, 1);
    assert_int_equal(again, 0);
    assert_true(same0);
    assert_int_equal(step0, 0);
    assert_int_equal(quiet_step, QUIET);
    assert_int_equal(quiet_copies, 0);
    assert_true(took_step > QUIET && took_step < END);
    assert_true(copy_ok);
    assert_int_equal(took_end, 1);
    assert_int_equal(step_end, END);
    assert_true(end_ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_learns_bpe),     cmocka_unit_test(test_new_given_tokenizer),
        cmocka_unit_test(test_new_refusals),       cmocka_unit_test(test_resume_bit_for_bit),
        cmocka_unit_test(test_resume_other_text),  cmocka_unit_test(test_resume_refusals),
        cmocka_unit_test(test_resume_text_gone),   cmocka_unit_test(test_resume_overrides),
        cmocka_unit_test(test_fitted_batch),       cmocka_unit_test(test_thread_waits_at_its_step),
        cmocka_unit_test(test_thread_publishes_on_demand),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
