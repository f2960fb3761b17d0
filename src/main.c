/*
 * main.c - nexttoken's entry point: pick the BLAS kernel, then hand the command line to the
 * command it names (src/cli/cmd_*.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/base/blas.h"
#include "core/base/i18n.h"
#include "core/base/number.h"
#include "core/base/parallel.h"
#include "core/base/paths.h"
#include "core/course/lesson.h"
#include "tui/tui.h"

static const char usage[] =
    N_("usage: nexttoken [--model FILE] [--corpus FILE] [--fresh] [--present] [--threads N] [LESSON]\n"
    "       nexttoken --script FILE [--size COLSxROWS]\n"
    "       nexttoken lesson LESSON [--present]   take a lesson (lessons/README.md)\n"
    "       nexttoken lessons [--check] [FILE...]   list the lessons, or run them to check them\n"
    "       nexttoken COMMAND [options]      (nexttoken COMMAND --help for each)\n"
    "\n"
    "Watch a real GPT-2 learn. With no command, the full-screen interface opens and trains a model,\n"
    "resuming the last session (saved every minute and on quit in $XDG_DATA_HOME/nexttoken, else\n"
    "~/.local/share/nexttoken): --fresh starts over, --model and --corpus choose; --present is\n"
    "presenter mode (F5); LESSON opens a lesson: a file, or a shipped one by name or number (3,\n"
    "softmax). --script runs a file of keys and commands headless and writes screen\n"
    "dumps (for tests).\n"
    "\n"
    "  train     train a model on a text file\n"
    "  sample    continue a prompt with a trained model\n"
    "  loss      the model's surprise at each token of a text\n"
    "  softmax   logits to probabilities, as a worked table\n"
    "  attention where each position looks, per layer and head\n"
    "  lens      each block's guess for the next token (the logit lens)\n"
    "  neighbors the tokens whose embeddings are nearest by cosine\n"
    "  slice     a text cut into (input, target) training pairs\n"
    "  bpe       learn a byte-pair vocabulary (bpe train)\n"
    "  encode    text to token ids, with any vocabulary (GPT-2, GPT-4, ours)\n"
    "  decode    token ids to text\n"
    "  export    write a model for llm.c, or weights only\n"
    "  info      what a model file holds: sizes, tokenizer, training so far\n"
    "\n"
    "  --version   the version, which BLAS kernel does the arithmetic, and where the corpora,\n"
    "              the lessons and the vocabularies are looked for\n");

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"train", cmd_train},     {"sample", cmd_sample}, {"loss", cmd_loss},
    {"softmax", cmd_softmax}, {"slice", cmd_slice},   {"export", cmd_export},
    {"encode", cmd_encode},   {"decode", cmd_decode}, {"bpe", cmd_bpe},
    {"info", cmd_info},       {"attention", cmd_attention}, {"lens", cmd_lens},
    {"neighbors", cmd_neighbors},
    {"version", cmd_version},
};

/* OpenBLAS reads OPENBLAS_CORETYPE once, when it loads - before main. So when the kernel it
 * picked is below what this CPU can run (an older library on a newer CPU), ask for the better
 * one and exec ourselves again; the second start checks the new kernel against a reference
 * product and, should it disagree, goes back to OpenBLAS's own choice. The user decides instead
 * by setting OPENBLAS_CORETYPE (which we respect), NEXTTOKEN_BLAS=keep (keep OpenBLAS's pick,
 * whatever it is) or NEXTTOKEN_BLAS=auto (upgrade even over OPENBLAS_CORETYPE). */
static void blas_boot(char **argv)
{
    const char *mode = getenv("NEXTTOKEN_BLAS");
    if (mode && strcmp(mode, "keep") == 0) return;
    int force = mode && strcmp(mode, "auto") == 0;
    const char *detected = getenv(BLAS_BOOT_ENV);
    if (detected) {
        if (!*detected) return; /* already fell back once */
        double err;
        if (!blas_verify(&err)) {
            setenv("OPENBLAS_CORETYPE", detected, 1);
            setenv(BLAS_BOOT_ENV, "", 1);
            execv("/proc/self/exe", argv);
        }
        return;
    }
    if (getenv("OPENBLAS_CORETYPE") && !force) return;
    const char *kernel = blas_kernel_in_use();
    int cpu = blas_cpu_level();
    const char *want = blas_kernel_for_level(cpu);
    if (!want || blas_kernel_level(kernel) >= cpu) return;
    setenv("OPENBLAS_CORETYPE", want, 1);
    setenv(BLAS_BOOT_ENV, kernel, 1);
    execv("/proc/self/exe", argv);
    /* exec failed (no /proc?): carry on with the kernel we have. */
    unsetenv("OPENBLAS_CORETYPE");
    unsetenv(BLAS_BOOT_ENV);
}

/* No command: the terminal interface, with its own few options. */
/* nexttoken lessons: the shipped lessons, by language and order. */
static int list_lessons(int n_pos)
{
    if (n_pos) return cli_fail_input(_("lessons: files go with --check (nexttoken lessons --check FILE...)"));
    char dir[NT_PATH_MAX];
    if (path_shipped_dir("lessons", dir, sizeof dir)) return cli_fail_input(_("lessons: cannot find the lessons folder (nexttoken --version lists where it looks)"));
    static const char *const langs[] = {"en", "ko"};
    for (int k = 0; k < 2; k++) {
        LessonList ls;
        Err e;
        int broken;
        if (lesson_list(dir, langs[k], &ls, &broken, &e)) return cli_fail(&e);
        for (int i = 0; i < ls.n; i++)
            cli_line(stdout, _("%s %2d  %3d min  %s  (%s)"), langs[k], ls.lessons[i].order, ls.lessons[i].minutes, ls.lessons[i].title,
                     ls.lessons[i].path);
        if (broken)
            cli_line(stderr, P_("nexttoken: %d lesson in %s/%s cannot be read: nexttoken lessons --check says why",
                                "nexttoken: %d lessons in %s/%s cannot be read: nexttoken lessons --check says why", broken),
                     broken, dir, langs[k]);
        lesson_list_free(&ls);
    }
    return 0;
}

/* The interface; `what` is "lesson" or "lessons" for those commands, else NULL. */
static int run_tui(int argc, char **argv, const char *what)
{
    TuiOptions o = {.rows = 30, .cols = 100};
    const char *size = NULL;
    ArgSpec specs[] = {
        {"model", ARG_STR, &o.model, NO_RANGE, 0},
        {"corpus", ARG_STR, &o.corpus, NO_RANGE, 0},
        {"fresh", ARG_FLAG, &o.fresh, NO_RANGE, 0},
        {"present", ARG_FLAG, &o.present, NO_RANGE, 0},
        {"script", ARG_STR, &o.script, NO_RANGE, 0},
        {"size", ARG_STR, &size, NO_RANGE, 0},
        {"threads", ARG_INT, &o.threads, 1, par_max_threads(), 0},
        {"check", ARG_FLAG, &o.check, NO_RANGE, 0},
        ARG_END,
    };
    enum { MAX_FILES = 256 };
    char *pos[MAX_FILES];
    int n_pos, rc;
    argv[0] = what ? (char *)what : ""; /* errors say "lesson: ...", or nothing before nexttoken's own */
    if (cli_args(argc, argv, specs, pos, &n_pos, what ? MAX_FILES : 1, usage, &rc)) return rc;
    if (o.check && (!what || strcmp(what, "lessons") != 0)) return cli_fail_input(_("--check goes with nexttoken lessons"));
    if (what && !strcmp(what, "lesson")) {
        if (n_pos != 1) return cli_fail_input(_("lesson: one lesson, a file or a shipped one's name or number (nexttoken lesson FILE)"));
        o.lesson = pos[0];
    } else if (!what && n_pos == 1) {
        o.lesson = pos[0];
    } else if (what && !o.check) {
        return list_lessons(n_pos);
    } else if (what) {
        o.check_files = pos, o.n_check = n_pos, o.fresh = 1;
    }
    long cols, rows;
    if (size && (num_pair(size, 'x', &cols, &rows) || cols < 20 || rows < 8 || cols > 1000 || rows > 500))
        return cli_fail_input(_("--size takes COLSxROWS, 20x8 to 1000x500, e.g. 100x30"));
    if (size) o.cols = (int)cols, o.rows = (int)rows;
    if (size && !o.script) return cli_fail_input(_("--size goes with --script"));
    if (o.model && access(o.model, R_OK) != 0) return cli_fail_input(_("%s: cannot read the model"), o.model);
    if (o.corpus && access(o.corpus, R_OK) != 0) return cli_fail_input(_("%s: cannot read the corpus"), o.corpus);
    return tui_main(&o);
}

/* The command the arguments name, run; its exit status (cli.h). */
static int dispatch(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && strcmp(argv[1], "--version") == 0) return argv[1] = "version", cmd_version(argc - 1, argv + 1);
        return run_tui(argc, argv, NULL);
    }
    if (!strcmp(argv[1], "lesson") || !strcmp(argv[1], "lessons")) return run_tui(argc - 1, argv + 1, argv[1]);
    if (strcmp(argv[1], "help") == 0) {
        if (argc > 2) return cli_fail_input(_("help takes nothing more (nexttoken COMMAND --help for a command's)"));
        return fputs(_(usage), stdout), 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    return cli_fail_input(_("unknown command '%s' (see nexttoken --help)"), argv[1]);
}

/* The commands that multiply no matrices: they need no better BLAS kernel, and skip the check
 * and the second start it can cost (about 50 ms here: a quarter of writing a 1 MB shard). */
static int uses_no_blas(int argc, char **argv)
{
    static const char *const names[] = {"encode", "decode", "bpe"};
    for (size_t i = 0; argc >= 2 && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(argv[1], names[i]) == 0) return 1;
    return 0;
}

int main(int argc, char **argv)
{
    /* The messages in the user's language, before anything is said (core/base/i18n.h). */
    i18n_setup(0);
    if (!uses_no_blas(argc, argv)) blas_boot(argv);
    int status = dispatch(argc, argv);
    /* Output that never arrived (a full disk) is a failure, not a success. */
    int err = fflush(stdout) != 0 ? errno : 0;
    if ((err || ferror(stdout)) && status == 0) {
        Err e;
        err_internal(&e, _("cannot write the output: %s"), err ? strerror(err) : _("write error"));
        status = cli_fail(&e);
    }
    return status;
}
