/* cmd_version.c - `nexttoken --version`: the program, the BLAS doing its arithmetic, and where
 * the shipped data (corpora, lessons, vocabularies) is looked for. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "core/base/blas.h"
#include "core/base/escape.h"
#include "core/base/paths.h"
#include "core/text/vocabfile.h"

static const char usage[] =
    N_("usage: nexttoken --version\n"
    "\n"
    "The version, which BLAS kernel does the arithmetic and why, a check of its products\n"
    "against a reference (exit status 1 if they disagree), and the places the corpora, the\n"
    "lessons and the GPT-2 / cl100k / o200k vocabularies are looked for, in order, each with\n"
    "what it holds (the first place holding a folder is the one used).\n");

/* The data's places, in the order paths.h searches them, each with the folders it holds. */
static void print_places(void)
{
    static const char *const names[] = {"corpora", "lessons", "gpt2"};
    ShippedPlace places[PATH_PLACES_MAX];
    int n = path_shipped_places(places, PATH_PLACES_MAX);
    char safe[NT_PATH_MAX * 4], sub[NT_PATH_MAX + 16], used[NT_PATH_MAX];
    printf(_("data: looked for in this order (+ holds it, - does not):\n"));
    for (int i = 0; i < n; i++) {
        printf("  %s (%s):", escape_str(places[i].dir, safe, sizeof safe), _(places[i].why));
        for (int k = 0; k < 3; k++) {
            char probe[NT_PATH_MAX + 32];
            int have = path_place_sub(&places[i], names[k], sub, sizeof sub) == 0
                       && snprintf(probe, sizeof probe, "%s/.", sub) < (int)sizeof probe && access(probe, X_OK) == 0;
            printf(" %c%s", have ? '+' : '-', names[k]);
        }
        putchar('\n');
    }
    for (int k = 0; k < 2; k++)
        printf("%s: %s\n", names[k], path_shipped_dir(names[k], used, sizeof used) == 0 ? escape_str(used, safe, sizeof safe) : _("not found"));
    const char *env = getenv("NEXTTOKEN_GPT2_DIR");
    int found = vocab_find_dir("encoder.json", used, sizeof used) == 0;
    if (!found) found = vocab_find_dir("cl100k_base.tiktoken", used, sizeof used) == 0;
    if (!found) found = vocab_find_dir("o200k_base.tiktoken", used, sizeof used) == 0;
    printf("vocabularies: %s%s\n", found ? escape_str(used, safe, sizeof safe) : _("not found (make gpt2-vocab)"),
           env && *env ? _(" (NEXTTOKEN_GPT2_DIR, the only place looked in)") : "");
    /* where the interface's translations were looked for first and found (core/base/i18n.h) */
    printf("translations: %s (%s)\n", escape_str(i18n_dir(), safe, sizeof safe), i18n_lang());
}

int cmd_version(int argc, char **argv)
{
    ArgSpec specs[] = {ARG_END};
    char *pos[1];
    int n_pos, rc;
    if (cli_args(argc, argv, specs, pos, &n_pos, 0, usage, &rc)) return rc;
    double err;
    int ok = blas_verify(&err);
    const char *kernel = blas_kernel_in_use(), *detected = getenv(BLAS_BOOT_ENV);
    int cpu = blas_cpu_level(), klevel = blas_kernel_level(kernel);
    printf("nexttoken %s\n", NT_VERSION);
    printf("BLAS: %s\n", blas_config());
    printf("kernel: %s (%s)", kernel, blas_level_name(klevel));
    const char *user = getenv("OPENBLAS_CORETYPE");
    char safe[256]; /* the environment's words, escaped like any other string from outside */
    if (detected && *detected) printf(_(", chosen by nexttoken over %s"), escape_str(detected, safe, sizeof safe));
    else if (detected) printf(_(", OpenBLAS's choice (nexttoken's choice failed the check)"));
    else if (user) printf(_(", chosen by OPENBLAS_CORETYPE=%s"), escape_str(user, safe, sizeof safe));
    else printf(_(", chosen by OpenBLAS"));
    printf(_("; this CPU supports %s"), blas_level_name(cpu));
    if (klevel < cpu && blas_kernel_for_level(cpu)) printf(_(" (NEXTTOKEN_BLAS=auto would use %s)"), blas_kernel_for_level(cpu));
    putchar('\n');
    printf("threads: %d\n", blas_threads());
    printf(_("check: sgemm %s a reference product (largest relative error %.2g)\n"), ok ? _("agrees with") : _("DISAGREES with"), err);
    print_places();
    return ok ? 0 : 1;
}
