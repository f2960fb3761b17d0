/* fuzz_args.c - command-line numbers: the commands' argument parser (src/cli args_parse, with
 * options of every type, ranged and not, as the commands declare them), token ids
 * (cli_parse_ids), and the numbers core reads from lesson figures (figure_check and, for the
 * figures that need no model, figure_eval: logits, temperatures, probabilities, T=, #K).
 *
 * The input is the arguments, separated by NUL bytes (argv[0] is the command's name). Whatever
 * they are, the parser either refuses them with a message or stores values in their ranges. */
#include "fuzz.h"

#include <math.h>

#include "cli/cli.h"
#include "core/course/figures.h"

#define MAX_ARGV 24

typedef struct {
    int flag, i, steps, k;
    long l;
    uint64_t seed;
    float temp, lr;
    double secs;
    const char *str;
} Values;

static void check_figures(char **pos, int n_pos)
{
    /* "NAME ARGS...", the positionals being the arguments; each of the number-taking figures */
    static const char *const names[] = {"softmax", "temper", "exp", "ln", "surprise", "top"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char expr[1024];
        size_t at = (size_t)snprintf(expr, sizeof expr, "%s", names[k]);
        for (int i = 0; i < n_pos && at < sizeof expr; i++) at += (size_t)snprintf(expr + at, sizeof expr - at, " %s", pos[i]);
        if (at >= sizeof expr) at = sizeof expr - 1;
        Err e = {0};
        if (figure_check(expr, at, &e)) {
            FUZZ_CHECK_ERR(e);
            continue;
        }
        if (k == 5) continue; /* top needs a model */
        Figures f;
        figures_init(&f);
        char out[1024];
        int matches = 0;
        Err e2 = {0};
        if (figure_eval(&f, expr, at, out, sizeof out, &matches, &e2)) FUZZ_CHECK_ERR(e2);
        else FUZZ_CHECK(memchr(out, 0, sizeof out) && (matches == 0 || matches == 1)); /* 0: "= TEXT" reads otherwise */
        figures_free(&f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the arguments: NUL-separated, the last one ended by the input's end */
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    char *argv[MAX_ARGV + 1] = {"cmd"};
    int argc = 1;
    for (size_t at = 0; at <= size && argc < MAX_ARGV;) {
        argv[argc++] = buf + at;
        at += strlen(buf + at) + 1;
    }
    argv[argc] = NULL;

    Values v = {.steps = -7, .temp = 1};
    ArgSpec specs[] = {
        {"flag", ARG_FLAG, &v.flag, NO_RANGE, 0},
        {"name", ARG_STR, &v.str, NO_RANGE, 0},
        {"int", ARG_INT, &v.i, NO_RANGE, 0},
        {"steps", ARG_INT, &v.steps, 1, 1e9, 0},
        {"top-k", ARG_INT, &v.k, NO_RANGE, 0},
        {"long", ARG_LONG, &v.l, 1, 1e12, 0},
        {"seed", ARG_U64, &v.seed, NO_RANGE, 0},
        {"temperature", ARG_FLOAT, &v.temp, NO_RANGE, 0},
        {"lr", ARG_FLOAT, &v.lr, 1e-6, 1e3, 0},
        {"seconds", ARG_DOUBLE, &v.secs, 0.001, 1e9, 0},
        ARG_END,
    };
    char *pos[4];
    int n_pos = -1;
    Err e = {0};
    int rc = args_parse(argc, argv, specs, pos, &n_pos, 4, &e);
    FUZZ_CHECK(rc == 0 || rc == 1 || rc == -1);
    if (rc == -1) FUZZ_CHECK_ERR(e);
    FUZZ_CHECK(n_pos >= 0 && n_pos <= 4);
    if (rc == 0) {
        if (args_seen(specs, "steps")) FUZZ_CHECK(v.steps >= 1 && v.steps <= 1000000000);
        if (args_seen(specs, "long")) FUZZ_CHECK(v.l >= 1 && v.l <= 1000000000000L);
        if (args_seen(specs, "lr")) FUZZ_CHECK(v.lr >= 1e-6f && v.lr <= 1e3f);
        if (args_seen(specs, "seconds")) FUZZ_CHECK(v.secs >= 0.001 && v.secs <= 1e9);
        FUZZ_CHECK(!isnan(v.temp));
        for (int i = 0; i < n_pos; i++) FUZZ_CHECK(pos[i] >= buf && pos[i] <= buf + size);
        /* the positionals as token ids of a 1000-token vocabulary (errors go to stderr) */
        int32_t ids[4];
        static FILE *devnull;
        if (!devnull) devnull = fopen("/dev/null", "w");
        FILE *saved = stderr;
        if (devnull) stderr = devnull;
        int bad = cli_parse_ids("cmd", pos, n_pos, 1000, "fuzz", ids);
        stderr = saved;
        if (!bad)
            for (int i = 0; i < n_pos; i++) FUZZ_CHECK(ids[i] >= 0 && ids[i] < 1000);
        check_figures(pos, n_pos);
    }
    free(buf);
    return 0;
}
