/* cmd_train.c - `nexttoken train`: train a model on a text file and save it. */
#include <glob.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/base/atomicfile.h"
#include "core/base/blas.h"
#include "core/base/clock.h"
#include "core/train/session.h"

static const char usage[] =
    N_("usage: nexttoken train --corpus FILE --out FILE [options]\n"
    "       nexttoken train --data SHARDS [--val-data SHARDS] --tokenizer T --out FILE [options]\n"
    "       nexttoken train --resume FILE [--corpus FILE | --data SHARDS] [--out FILE] [options]\n"
    "\n"
    "Trains a GPT-2 on a UTF-8 text file and saves it (atomically) to --out.\n"
    "\n"
    "  --corpus FILE        the text to learn from (resuming: the model's own text if not given)\n"
    "  --data SHARDS        or llm.c's token shards (`encode --format llmc`, or llm.c's data\n"
    "                       scripts): a file or a quoted pattern ('dir/*_train_*.bin'), as llm.c's\n"
    "                       -i; needs --tokenizer, the one they were written with (gpt2 for llm.c's)\n"
    "  --val-data SHARDS    validation shards, as llm.c's -j (default: the last tenth of --data)\n"
    "  --out FILE           where to save the model (default: the --resume file)\n"
    "  --preset NAME        tiny (2 layers, 2 heads, width 64, context 64), small (4, 4, 128, 128,\n"
    "                       the default) or base (6, 6, 192, 128)\n"
    "  --layers N --heads N --dim N --ctx N     override the preset's sizes\n"
    "  --vocab-size N       learn a byte-pair vocabulary of N tokens from the corpus first (512)\n"
    "  --tokenizer T        or use this one: byte, gpt2, cl100k, o200k, or a tokenizer file\n"
    "  --batch N            windows per step (8, or less to fit a step in 1 GB of activations)\n"
    "  --steps N            train until step N (default 1000 unless --seconds is given)\n"
    "  --seconds S          train for S seconds (with --steps, whichever comes first)\n"
    "  --constant-lr        keep the peak learning rate after warm-up, as the interface trains\n"
    "  --lr X               peak learning rate (0.002); --warmup N steps of linear warm-up (50)\n"
    "  --seed N             fixes initialisation and batches (1337)\n"
    "  --resume FILE        continue training a saved model exactly where it stopped\n"
    "  --save-every N       also save every N steps\n"
    "  --val-every N        validation loss every N steps (50; 0: only at the end)\n"
    "  --threads N          threads (default: one per core; at most four per core)\n"
    "  --json               print the final figures as JSON on stdout\n"
    "  --quiet              no progress line\n"
    "\n"
    "The learning rate warms up linearly, then follows a cosine to a tenth of its peak at the\n"
    "last step (constant after warm-up with --constant-lr, or when only --seconds is given).\n"
    "Ctrl-C (or SIGTERM) saves and stops, with exit status 130 (143).\n");

/* The files a pattern names, sorted, as llm.c's dataloader globs its -i and -j (a plain path
 * names itself, existing or not, so that its own error says what is wrong). 0, or the exit
 * status of the one-line error. */
static int expand_shards(const char *flag, const char *pattern, glob_t *g)
{
    int rc = glob(pattern, GLOB_NOCHECK, NULL, g);
    if (rc == GLOB_NOSPACE) return cli_fail_nomem(N_("shard names"), 0);
    if (rc != 0 || g->gl_pathc == 0) return cli_fail_input(_("train: --%s %s names no file"), flag, pattern);
    return 0;
}

static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { interrupted = sig; }

typedef struct {
    const char *out;
    int save_every, threads, json, quiet, constant_lr;
    long steps;
    double seconds;
} TrainArgs; /* the rest go straight into the SessionSpec */

/* Saves, saying so on failure; returns 0 or the exit status. */
static int save(const Session *s, const char *path)
{
    Err e;
    if (session_save(s, path, &e)) return cli_fail(&e);
    return 0;
}

/* The session's notes, one "nexttoken: " line each (they name files: cli_line escapes). */
static void print_notes(const char *notes)
{
    for (const char *p = notes; *p;) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        cli_line(stderr, "nexttoken: %.*s", n, p);
        p += n + (nl != NULL);
    }
}

/* The validation loss of the last step, measured now if the history has none for it and added
 * there, so that the saved model's history (what info reports) ends with what train prints:
 * with --val-every 0, "only at the end", it was otherwise never saved. Validating draws no
 * random numbers, so training on from the saved model goes exactly as before. */
static double final_validation(Trainer *tr, Err *e, int *failed)
{
    TrainHistory *h = &tr->st.hist;
    *failed = 0;
    if (tr->st.step == 0) return NAN;
    if (h->n_val && h->val_step[h->n_val - 1] == tr->st.step) return h->val_loss[h->n_val - 1];
    double val = trainer_validate(tr);
    if (isfinite(val) && train_history_add_val(h, tr->st.step, (float)val, e)) *failed = 1;
    tr->val_loss = (float)val;
    return val;
}

int cmd_train(int argc, char **argv)
{
    TrainArgs a = {0};
    const char *data = NULL, *val_data = NULL;
    SessionSpec sp;
    session_spec_default(&sp);
    ArgSpec specs[] = {
        {"corpus", ARG_STR, &sp.corpus, NO_RANGE, 0},
        {"data", ARG_STR, &data, NO_RANGE, 0},
        {"val-data", ARG_STR, &val_data, NO_RANGE, 0},
        {"out", ARG_STR, &a.out, NO_RANGE, 0},
        {"preset", ARG_STR, &sp.preset, NO_RANGE, 0},
        {"resume", ARG_STR, &sp.resume, NO_RANGE, 0},
        {"tokenizer", ARG_STR, &sp.tokenizer, NO_RANGE, 0},
        {"vocab-size", ARG_INT, &sp.vocab_size, 256, TOKENIZER_MAX_VOCAB, 0},
        {"layers", ARG_INT, &sp.layers, 1, GPT2_MAX_LAYER, 0},
        {"heads", ARG_INT, &sp.heads, 1, GPT2_MAX_EMBD, 0}, /* at most the width */
        {"dim", ARG_INT, &sp.dim, 1, GPT2_MAX_EMBD, 0},
        {"ctx", ARG_INT, &sp.ctx, 2, GPT2_MAX_CTX, 0},
        {"batch", ARG_INT, &sp.train.batch, 1, TRAIN_MAX_BATCH, 0},
        {"steps", ARG_LONG, &a.steps, 1, 1e12, 0},
        {"seconds", ARG_DOUBLE, &a.seconds, 0.001, 1e9, 0},
        {"lr", ARG_FLOAT, &sp.train.lr, NO_RANGE, 0},
        {"warmup", ARG_INT, &sp.train.warmup, 0, 1e9, 0},
        {"seed", ARG_U64, &sp.train.seed, NO_RANGE, 0},
        {"save-every", ARG_INT, &a.save_every, 1, 1e9, 0},
        {"val-every", ARG_INT, &sp.train.val_every, 0, 1e9, 0},
        {"threads", ARG_INT, &a.threads, 1, par_max_threads(), 0},
        {"constant-lr", ARG_FLAG, &a.constant_lr, NO_RANGE, 0},
        {"json", ARG_FLAG, &a.json, NO_RANGE, 0},
        {"quiet", ARG_FLAG, &a.quiet, NO_RANGE, 0},
        ARG_END,
    };
    char *pos[1];
    int n_pos;
    Err e;
    int rc;
    if (cli_args(argc, argv, specs, pos, &n_pos, 0, usage, &rc)) return rc;
    if (!sp.corpus && !sp.resume && !data) return cli_fail_input(_("train: --corpus FILE is required (the text to learn from)"));
    if (val_data && !data) return cli_fail_input(_("train: --val-data goes with --data (token shards)"));
    if (!a.out) a.out = sp.resume;
    if (!a.out) return cli_fail_input(_("train: --out FILE is required (where to save the model)"));
    /* The cosine's horizon: --steps, else open-ended for --seconds alone or --constant-lr, else
     * 1000 steps. A resumed model keeps its own unless one of them is given. */
    sp.train.total_steps = a.constant_lr ? 0 : a.steps ? a.steps : a.seconds > 0 ? 0 : 1000;
    static const struct {
        const char *flag;
        unsigned bit;
    } given[] = {{"batch", SESSION_SET_BATCH}, {"lr", SESSION_SET_LR}, {"warmup", SESSION_SET_WARMUP},
                 {"val-every", SESSION_SET_VAL_EVERY}, {"steps", SESSION_SET_STEPS}, {"seconds", SESSION_SET_STEPS},
                 {"constant-lr", SESSION_SET_STEPS}};
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
        if (args_seen(specs, given[i].flag)) sp.given |= given[i].bit;
    if (train_config_check(&sp.train, &e)) return cli_fail(&e);
    /* Fail now, not after an hour of training, if the model could not be saved there. */
    AtomicFile probe;
    if (atomic_open(&probe, a.out, &checkpoint_kind, &e)) return cli_fail(&e);
    atomic_abort(&probe);
    glob_t train_g = {0}, val_g = {0};
    if (data) {
        if ((rc = expand_shards("data", data, &train_g))) return rc;
        if (val_data && (rc = expand_shards("val-data", val_data, &val_g))) return globfree(&train_g), rc;
        sp.data = (const char *const *)train_g.gl_pathv, sp.n_data = (int)train_g.gl_pathc;
        sp.val_data = (const char *const *)val_g.gl_pathv, sp.n_val_data = val_data ? (int)val_g.gl_pathc : 0;
    }
    /* Our pool splits every layer; OpenBLAS runs single-threaded inside each part. */
    blas_set_threads(1);
    ParPool *pool = par_create(a.threads ? a.threads : par_cpu_count(), &e);
    Session s;
    rc = !pool ? cli_fail(&e) : session_open(&s, &sp, pool, &e) ? cli_fail(&e) : 0;
    if (data) globfree(&train_g);
    if (val_data) globfree(&val_g);
    if (rc) {
        par_free(pool);
        return rc;
    }
    if (!a.quiet) print_notes(s.notes);
    Trainer *tr = &s.tr;
    int status = 0;
    /* Where to stop: --steps, else the cosine's horizon (1000 steps for --constant-lr alone). */
    long target = a.steps ? a.steps : a.constant_lr && !(a.seconds > 0) ? 1000 : tr->st.cfg.total_steps;
    if (target && tr->st.step >= target)
        fprintf(stderr, _("nexttoken: note: the model has already done %ld steps (target %ld); use --steps to go further\n"),
                tr->st.step, target);

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    Progress prog;
    progress_init(&prog);
    const int B = tr->st.cfg.batch, T = tr->model.cfg.n_ctx;
    const long step0 = tr->st.step;
    const double train_s0 = tr->st.seconds, t_start = clock_now();
    while (!interrupted && (target == 0 || tr->st.step < target)
           && !(a.seconds > 0 && clock_now() - t_start >= a.seconds)) {
        if (trainer_step(tr, &e)) {
            progress_done(&prog);
            status = cli_fail(&e);
            break;
        }
        if (a.save_every && tr->st.step % a.save_every == 0 && (status = save(&s, a.out))) break;
        if (!a.quiet) {
            double el = tr->st.seconds - train_s0, tps = el > 0 ? (tr->st.step - step0) * (double)B * T / el : 0;
            double wall = clock_now() - t_start, eta = -1;
            if (target) eta = (target - tr->st.step) * wall / (double)(tr->st.step - step0);
            if (a.seconds > 0 && (eta < 0 || a.seconds - wall < eta)) eta = a.seconds - wall;
            char etas[32], vals[32] = "", total[24] = "", bar[32];
            fmt_duration(eta, etas, sizeof etas);
            if (!isnan(tr->val_loss)) snprintf(vals, sizeof vals, _("  val %.3f"), tr->val_loss);
            if (target) snprintf(total, sizeof total, "/%ld", target);
            /* the bar follows whichever limit comes first */
            double frac = target ? (double)(tr->st.step - step0) / (double)(target - step0) : 0;
            if (a.seconds > 0 && wall / a.seconds > frac) frac = wall / a.seconds;
            progress_show(&prog, 0, _("%s step %ld%s  loss %.3f%s  %.0f tok/s  ETA %s"), progress_bar(frac, 20, bar),
                          tr->st.step, total, tr->loss, vals, tps, etas);
        }
    }
    progress_done(&prog);

    int failed;
    double val = final_validation(tr, &e, &failed);
    if (failed && !status) status = cli_fail(&e);
    /* The model is saved in every case: finished, interrupted, or diverged (the last good
     * weights, which trainer_step left untouched). */
    int save_rc = save(&s, a.out);
    if (!status) status = save_rc;
    if (!save_rc) {
        long done = tr->st.step - step0;
        double el = tr->st.seconds - train_s0, tps = el > 0 ? done * (double)B * T / el : 0;
        if (a.json) {
            Json j;
            json_init(&j, stdout);
            json_obj(&j);
            json_key(&j, "steps"), json_int(&j, tr->st.step);
            json_key(&j, "steps_this_run"), json_int(&j, done);
            json_key(&j, "loss"), json_num(&j, tr->st.hist.n ? tr->st.hist.loss[tr->st.hist.n - 1] : NAN);
            json_key(&j, "val_loss"), json_num(&j, val);
            json_key(&j, "tokens_per_s"), json_num(&j, tps);
            json_key(&j, "seconds"), json_num(&j, el);
            json_key(&j, "params"), json_int(&j, (long long)tr->model.n_params);
            json_key(&j, "interrupted"), json_bool(&j, interrupted != 0);
            json_key(&j, "out"), json_str(&j, a.out);
            json_obj_end(&j);
            json_end(&j);
        } else {
            char els[32];
            fmt_duration(el, els, sizeof els);
            cli_line(stdout, interrupted ? _("interrupted after %ld steps in %s (%.0f tokens/s): loss %.3f, validation %.3f; saved %s")
                                         : _("trained %ld steps in %s (%.0f tokens/s): loss %.3f, validation %.3f; saved %s"), done, els, tps,
                     tr->st.hist.n ? tr->st.hist.loss[tr->st.hist.n - 1] : NAN, val, a.out);
        }
    }
    /* Stopped by a signal, saved: the shell's convention, 128 + its number (130 for Ctrl-C). */
    if (interrupted && !status) status = 128 + interrupted;
    session_close(&s);
    par_free(pool);
    return status;
}
