/* cmd_version.c - `nexttoken --version`: the program, and the BLAS doing its arithmetic. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/base/blas.h"
#include "core/base/escape.h"

static const char usage[] =
    "usage: nexttoken --version\n"
    "\n"
    "The version, which BLAS kernel does the arithmetic and why, and a check of its products\n"
    "against a reference (exit status 1 if they disagree).\n";

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
    if (detected && *detected) printf(", chosen by nexttoken over %s", escape_str(detected, safe, sizeof safe));
    else if (detected) printf(", OpenBLAS's choice (nexttoken's choice failed the check)");
    else if (user) printf(", chosen by OPENBLAS_CORETYPE=%s", escape_str(user, safe, sizeof safe));
    else printf(", chosen by OpenBLAS");
    printf("; this CPU supports %s", blas_level_name(cpu));
    if (klevel < cpu && blas_kernel_for_level(cpu)) printf(" (NEXTTOKEN_BLAS=auto would use %s)", blas_kernel_for_level(cpu));
    putchar('\n');
    printf("threads: %d\n", blas_threads());
    printf("check: sgemm %s a reference product (largest relative error %.2g)\n", ok ? "agrees with" : "DISAGREES with", err);
    return ok ? 0 : 1;
}
