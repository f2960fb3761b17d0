/* cmd_train.c - `nexttoken train`: train a model on a text file and save it. */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/atomicfile.h"
#include "core/blas.h"
#include "core/bpe.h"
#include "core/clock.h"
#include "core/corpus.h"
#include "core/dataset.h"
#include "core/pretok.h"
#include "core/trainer.h"

static const char usage[] =
    "usage: nexttoken train --corpus FILE --out FILE [options]\n"
    "\n"
    "Trains a GPT-2 on a UTF-8 text file and saves it (atomically) to --out.\n"
    "\n"
    "  --corpus FILE        the text to learn from\n"
    "  --out FILE           where to save the model (default: the --resume file)\n"
    "  --preset NAME        tiny (2 layers, 2 heads, width 64, context 64), small (4, 4, 128, 128,\n"
    "                       the default) or base (6, 6, 192, 128)\n"
    "  --layers N --heads N --dim N --ctx N     override the preset's sizes\n"
    "  --vocab-size N       learn a byte-pair vocabulary of N tokens from the corpus first (512)\n"
    "  --tokenizer T        or use this one: byte, gpt2, cl100k, o200k, or a tokenizer file\n"
    "  --batch N            windows per step (8)\n"
    "  --steps N            train until step N (default 1000 unless --seconds is given)\n"
    "  --seconds S          train for S seconds (with --steps, whichever comes first)\n"
    "  --lr X               peak learning rate (0.001); --warmup N steps of linear warm-up (50)\n"
    "  --seed N             fixes initialisation and batches (1337)\n"
    "  --resume FILE        continue training a saved model exactly where it stopped\n"
    "  --save-every N       also save every N steps\n"
    "  --val-every N        validation loss every N steps (50; 0: only at the end)\n"
    "  --threads N          threads (default: one per core)\n"
    "  --json               print the final figures as JSON on stdout\n"
    "  --quiet              no progress line\n"
    "\n"
    "The learning rate warms up linearly, then follows a cosine to a tenth of its peak at the\n"
    "last step (constant after warm-up when only --seconds is given). Ctrl-C saves and stops.\n";

static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { interrupted = sig; }

typedef struct {
    const char *corpus, *out, *preset, *resume, *tokenizer;
    int layers, heads, dim, ctx, save_every, threads, json, quiet, vocab_size;
    long steps;
    double seconds;
} TrainArgs; /* the rest (batch, lr, warm-up, seed, validation) go straight into a TrainConfig */

/* Learns a byte-pair vocabulary of `vocab` tokens from the corpus (GPT-2's pattern), and writes
 * a note saying so into note. */
static int train_tokenizer(const Corpus *c, int vocab, Tokenizer *tok, char *note, size_t cap, Err *e)
{
    double t0 = clock_now();
    int exhausted = 0;
    if (bpe_learn(c->data, c->size, PRETOK_GPT2, vocab, tok, &exhausted, e)) return -1;
    snprintf(note, cap, "tokenizer: %d-token byte-pair vocabulary learned from %s in %.2f s%s\n", tok->n_vocab,
             c->name, clock_now() - t0, exhausted ? " (no more pairs to merge)" : "");
    return 0;
}

/* Saves, saying so on failure; returns 0 or the exit status. */
static int save(const char *path, const Trainer *tr, const Tokenizer *tok)
{
    Err e;
    if (checkpoint_save(path, &tr->model, tok, &tr->opt, &tr->st, &e)) return cli_fail(&e);
    return 0;
}

int cmd_train(int argc, char **argv)
{
    TrainArgs a = {.preset = "small"};
    TrainConfig tc;
    train_config_default(&tc);
    ArgSpec specs[] = {
        {"corpus", ARG_STR, &a.corpus, NO_RANGE, 0},
        {"out", ARG_STR, &a.out, NO_RANGE, 0},
        {"preset", ARG_STR, &a.preset, NO_RANGE, 0},
        {"resume", ARG_STR, &a.resume, NO_RANGE, 0},
        {"tokenizer", ARG_STR, &a.tokenizer, NO_RANGE, 0},
        {"vocab-size", ARG_INT, &a.vocab_size, 256, 1 << 20, 0},
        {"layers", ARG_INT, &a.layers, 1, 256, 0},
        {"heads", ARG_INT, &a.heads, 1, 16384, 0},
        {"dim", ARG_INT, &a.dim, 1, 16384, 0},
        {"ctx", ARG_INT, &a.ctx, 2, 32768, 0},
        {"batch", ARG_INT, &tc.batch, 1, 4096, 0},
        {"steps", ARG_LONG, &a.steps, 1, 1e12, 0},
        {"seconds", ARG_DOUBLE, &a.seconds, 0.001, 1e9, 0},
        {"lr", ARG_FLOAT, &tc.lr, NO_RANGE, 0},
        {"warmup", ARG_INT, &tc.warmup, 0, 1e9, 0},
        {"seed", ARG_U64, &tc.seed, NO_RANGE, 0},
        {"save-every", ARG_INT, &a.save_every, 1, 1e9, 0},
        {"val-every", ARG_INT, &tc.val_every, 0, 1e9, 0},
        {"threads", ARG_INT, &a.threads, 1, 1024, 0},
        {"json", ARG_FLAG, &a.json, NO_RANGE, 0},
        {"quiet", ARG_FLAG, &a.quiet, NO_RANGE, 0},
        ARG_END,
    };
    char *pos[1];
    int n_pos;
    Err e;
    int rc;
    if (cli_args(argc, argv, specs, pos, &n_pos, 0, usage, &rc)) return rc;
    if (!a.corpus) return cli_fail_input("train: --corpus FILE is required (the text to learn from)");
    if (!a.out) a.out = a.resume;
    if (!a.out) return cli_fail_input("train: --out FILE is required (where to save the model)");
    if (train_config_check(&tc, &e)) return cli_fail(&e);
    /* Fail now, not after an hour of training, if the model could not be saved there. */
    AtomicFile probe;
    if (checkpoint_may_replace(a.out, &e) || atomic_open(&probe, a.out, &e)) return cli_fail(&e);
    atomic_abort(&probe);
    /* Our pool splits every layer; OpenBLAS runs single-threaded inside each part. */
    blas_set_threads(1);
    ParPool *pool = par_create(a.threads ? a.threads : par_cpu_count(), &e);
    if (!pool) return cli_fail(&e);

    Checkpoint ck = {0};
    Tokenizer tok = {0};
    Corpus corpus = {0};
    Dataset data = {0};
    Trainer tr = {0};
    GPT2Config mc = {0};
    char note[512] = "";
    int status = 0;
#define FAIL(call)                  \
    do {                            \
        status = (call);            \
        goto done;                  \
    } while (0)

    if (corpus_open(&corpus, a.corpus, &e)) FAIL(cli_fail(&e));
    if (a.resume) {
        if (checkpoint_load(a.resume, &ck, CKPT_RESUME, &e)) FAIL(cli_fail(&e));
        if (ck.tok.n_vocab == 0) FAIL(cli_fail_input("train: %s has no tokenizer to train with", a.resume));
        tok = ck.tok;
        memset(&ck.tok, 0, sizeof ck.tok);
        mc = ck.model.cfg;
        if (args_seen(specs, "layers") || args_seen(specs, "heads") || args_seen(specs, "dim")
            || args_seen(specs, "ctx") || args_seen(specs, "preset") || a.tokenizer || a.vocab_size)
            FAIL(cli_fail_input("train: a resumed model keeps its sizes and tokenizer; --preset, --layers, --heads, --dim, --ctx, --tokenizer and --vocab-size cannot change them"));
    } else {
        if (gpt2_preset(a.preset, &mc)) FAIL(cli_fail_input("train: unknown preset '%s' (tiny, small or base)", a.preset));
        if (a.layers) mc.n_layer = a.layers;
        if (a.heads) mc.n_head = a.heads;
        if (a.dim) mc.n_embd = a.dim;
        if (a.ctx) mc.n_ctx = a.ctx;
        mc.n_vocab = 256; /* checked now; the tokenizer's own size comes below */
        if (gpt2_config_check(&mc, &e)) FAIL(cli_fail(&e));
        if (a.tokenizer && a.vocab_size) FAIL(cli_fail_input("train: give --tokenizer or --vocab-size, not both"));
        if (a.tokenizer) {
            if (cli_load_tokenizer(a.tokenizer, &tok, &e)) FAIL(cli_fail(&e));
        } else if (train_tokenizer(&corpus, a.vocab_size ? a.vocab_size : BPE_DEFAULT_VOCAB, &tok, note, sizeof note, &e)) {
            FAIL(cli_fail(&e));
        }
        mc.n_vocab = tok.n_vocab;
        if (gpt2_config_check(&mc, &e)) FAIL(cli_fail(&e));
    }
    if (dataset_build(&data, &corpus, &tok, mc.n_ctx, &e)) FAIL(cli_fail(&e));
    if (!a.quiet) fputs(note, stderr); /* only once the data is known to be usable: errors stay one line */

    long target = a.steps ? a.steps : (a.seconds > 0 ? 0 : 1000);
    tc.total_steps = target;
    if (a.resume) {
        /* The saved settings continue unless a flag changes them. */
        TrainState *st = &ck.st;
        if (st->cfg.batch > 0) {
            if (args_seen(specs, "batch")) st->cfg.batch = tc.batch;
            if (args_seen(specs, "lr")) st->cfg.lr = tc.lr;
            if (args_seen(specs, "warmup")) st->cfg.warmup = tc.warmup;
            if (args_seen(specs, "val-every")) st->cfg.val_every = tc.val_every;
            if (args_seen(specs, "steps")) st->cfg.total_steps = a.steps;
            else if (args_seen(specs, "seconds")) st->cfg.total_steps = 0;
            target = st->cfg.total_steps;
            if (st->corpus_hash && st->corpus_hash != corpus.hash)
                fprintf(stderr, "nexttoken: note: %s is not the text this model was trained on; training continues on it\n", a.corpus);
        }
        rc = trainer_resume(&tr, &ck.model, &ck.opt, &ck.st, &tc, &data, pool, &e);
    } else {
        rc = trainer_create(&tr, &mc, &tc, &data, pool, &e);
    }
    if (rc) FAIL(cli_fail(&e));
    tr.st.corpus_hash = corpus.hash;
    char *abs_corpus = realpath(a.corpus, NULL);
    snprintf(tr.st.corpus_path, sizeof tr.st.corpus_path, "%s", abs_corpus ? abs_corpus : a.corpus);
    free(abs_corpus);
    if (target && tr.st.step >= target)
        fprintf(stderr, "nexttoken: note: the model has already done %ld steps (target %ld); use --steps to go further\n",
                tr.st.step, target);

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    Progress prog;
    progress_init(&prog);
    const int B = tr.st.cfg.batch, T = mc.n_ctx;
    const long step0 = tr.st.step;
    const double train_s0 = tr.st.seconds, t_start = clock_now();
    while (!interrupted && (target == 0 || tr.st.step < target)
           && !(a.seconds > 0 && clock_now() - t_start >= a.seconds)) {
        if (trainer_step(&tr, &e)) {
            progress_done(&prog);
            status = cli_fail(&e);
            break;
        }
        if (a.save_every && tr.st.step % a.save_every == 0 && (status = save(a.out, &tr, &tok))) break;
        if (!a.quiet) {
            double el = tr.st.seconds - train_s0, tps = el > 0 ? (tr.st.step - step0) * (double)B * T / el : 0;
            double wall = clock_now() - t_start, eta = -1;
            if (target) eta = (target - tr.st.step) * wall / (double)(tr.st.step - step0);
            if (a.seconds > 0 && (eta < 0 || a.seconds - wall < eta)) eta = a.seconds - wall;
            char etas[32], vals[32] = "", total[24] = "", bar[32];
            fmt_duration(eta, etas, sizeof etas);
            if (!isnan(tr.val_loss)) snprintf(vals, sizeof vals, "  val %.3f", tr.val_loss);
            if (target) snprintf(total, sizeof total, "/%ld", target);
            /* the bar follows whichever limit comes first */
            double frac = target ? (double)(tr.st.step - step0) / (double)(target - step0) : 0;
            if (a.seconds > 0 && wall / a.seconds > frac) frac = wall / a.seconds;
            progress_show(&prog, 0, "%s step %ld%s  loss %.3f%s  %.0f tok/s  ETA %s", progress_bar(frac, 20, bar),
                          tr.st.step, total, tr.loss, vals, tps, etas);
        }
    }
    progress_done(&prog);

    /* The model is saved in every case: finished, interrupted, or diverged (the last good
     * weights, which trainer_step left untouched). */
    int save_rc = save(a.out, &tr, &tok);
    if (!status) status = save_rc;
    if (!save_rc) {
        long done = tr.st.step - step0;
        double el = tr.st.seconds - train_s0, tps = el > 0 ? done * (double)B * T / el : 0;
        double val = tr.st.step > 0 ? trainer_validate(&tr) : NAN;
        if (a.json) {
            Json j;
            json_init(&j, stdout);
            json_obj(&j);
            json_key(&j, "steps"), json_int(&j, tr.st.step);
            json_key(&j, "steps_this_run"), json_int(&j, done);
            json_key(&j, "loss"), json_num(&j, tr.st.hist.n ? tr.st.hist.loss[tr.st.hist.n - 1] : NAN);
            json_key(&j, "val_loss"), json_num(&j, val);
            json_key(&j, "tokens_per_s"), json_num(&j, tps);
            json_key(&j, "seconds"), json_num(&j, el);
            json_key(&j, "params"), json_int(&j, (long long)tr.model.n_params);
            json_key(&j, "interrupted"), json_bool(&j, interrupted != 0);
            json_key(&j, "out"), json_str(&j, a.out);
            json_obj_end(&j);
            json_end(&j);
        } else {
            char els[32];
            fmt_duration(el, els, sizeof els);
            printf("%s %ld steps in %s (%.0f tokens/s): loss %.3f, validation %.3f; saved %s\n",
                   interrupted ? "interrupted after" : "trained", done, els, tps,
                   tr.st.hist.n ? tr.st.hist.loss[tr.st.hist.n - 1] : NAN, val, a.out);
        }
    }
    if (interrupted && !status) status = 130;
done:
#undef FAIL
    trainer_free(&tr);
    dataset_free(&data);
    corpus_close(&corpus);
    checkpoint_free(&ck);
    tokenizer_free(&tok);
    par_free(pool);
    return status;
}
