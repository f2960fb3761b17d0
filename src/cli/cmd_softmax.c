/* cmd_softmax.c - `nexttoken softmax`: the worked table from logits to probabilities. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/sampler.h"

static const char usage[] =
    "usage: nexttoken softmax [--temperature T] [--top-k K] [--top-p P] [--min-p P] LOGIT...\n"
    "\n"
    "Turns scores into probabilities the way a language model does, as a table to check by hand:\n"
    "each logit is divided by the temperature, raised to e^(logit/T), and divided by the sum of\n"
    "them all. Then the sampler's filters (top-k, top-p, min-p) keep some and the kept ones are\n"
    "renormalised. Negative logits are fine: nexttoken softmax 3.2 1.3 -2.1\n"
    "\n"
    "  --json         print {logits, scaled, exp, sum, probs_temperature, probs, kept}\n";

int cmd_softmax(int argc, char **argv)
{
    SamplerConfig sc;
    sampler_config_default(&sc);
    int json = 0;
    ArgSpec specs[] = {
        {"temperature", ARG_FLOAT, &sc.temperature, NO_RANGE, 0},
        {"top-k", ARG_INT, &sc.top_k, NO_RANGE, 0},
        {"top-p", ARG_FLOAT, &sc.top_p, NO_RANGE, 0},
        {"min-p", ARG_FLOAT, &sc.min_p, NO_RANGE, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        ARG_END,
    };
    char **pos = malloc(sizeof(char *) * (size_t)(argc + 1));
    int n_pos;
    Err e;
    int rc = args_parse(argc, argv, specs, pos, &n_pos, argc, &e);
    if (rc == 1) return free(pos), fputs(usage, stdout), 0;
    if (rc) return free(pos), cli_fail(&e);
    if (n_pos < 1) return free(pos), cli_fail_input("softmax: give at least one logit, e.g. nexttoken softmax 3.2 1.3 -2.1");
    if (sampler_config_check(&sc, &e)) return free(pos), cli_fail(&e);
    float *logits = malloc(sizeof(float) * (size_t)n_pos);
    for (int i = 0; i < n_pos; i++) {
        char *end;
        double v = strtod(pos[i], &end);
        if (*end || end == pos[i] || !isfinite(v) || fabs(v) > 1e30) {
            int st = cli_fail_input("softmax: '%s' is not a number", pos[i]);
            free(logits), free(pos);
            return st;
        }
        logits[i] = (float)v;
    }
    Sampler s;
    if (sampler_create(&s, &sc, n_pos, &e)) {
        free(logits), free(pos);
        return cli_fail(&e);
    }
    sampler_distribution(&s, logits);
    /* The sampler sorts its candidates; the table keeps the order the logits were given in. */
    const SampleCandidate **row = malloc(sizeof *row * (size_t)n_pos);
    for (int i = 0; i < n_pos; i++) row[s.cand[i].id] = &s.cand[i];
    const double T = sc.temperature;
    const char *cut_names[] = {"yes", "no (top-k)", "no (top-p)", "no (min-p)"};
    if (json) {
        Json j;
        json_init(&j, stdout);
        json_obj(&j);
        json_key(&j, "temperature"), json_num(&j, T);
        json_key(&j, "logits"), json_arr(&j);
        for (int i = 0; i < n_pos; i++) json_num(&j, logits[i]);
        json_arr_end(&j);
        json_key(&j, "scaled"), json_arr(&j);
        for (int i = 0; i < n_pos; i++) json_num(&j, T > 0 ? logits[i] / T : NAN);
        json_arr_end(&j);
        json_key(&j, "exp"), json_arr(&j);
        for (int i = 0; i < n_pos; i++) json_num(&j, T > 0 ? exp(logits[i] / T - s.exp_shift) : NAN);
        json_arr_end(&j);
        json_key(&j, "exp_shift"), json_num(&j, s.exp_shift);
        json_key(&j, "sum"), json_num(&j, s.exp_sum);
        json_key(&j, "probs_temperature"), json_arr(&j);
        for (int i = 0; i < n_pos; i++) json_num(&j, row[i]->p_temp);
        json_arr_end(&j);
        json_key(&j, "probs"), json_arr(&j);
        for (int i = 0; i < n_pos; i++) json_num(&j, row[i]->p_final);
        json_arr_end(&j);
        json_key(&j, "kept"), json_arr(&j);
        for (int i = 0; i < n_pos; i++) json_bool(&j, row[i]->cut_by == CUT_NONE);
        json_arr_end(&j);
        json_obj_end(&j);
        json_end(&j);
    } else if (T == 0) {
        printf("temperature 0: no division, no exponent; the most likely token takes all the probability.\n");
        printf("%3s %10s %8s\n", "#", "logit", "p");
        for (int i = 0; i < n_pos; i++) printf("%3d %10.4f %7.1f%%\n", i + 1, logits[i], 100 * row[i]->p_final);
    } else {
        int filtered = s.n_kept < n_pos;
        char shift[48] = "";
        if (s.exp_shift != 0) snprintf(shift, sizeof shift, " - %.4g", s.exp_shift);
        char scaled_h[32], exp_h[96];
        snprintf(scaled_h, sizeof scaled_h, "logit/%g", T);
        snprintf(exp_h, sizeof exp_h, "e^(logit/%g%s)", T, shift);
        printf("%3s %10s %10s %14s %14s %9s", "#", "logit", scaled_h, exp_h, "÷ sum", "p");
        if (filtered) printf(" %11s %9s", "kept", "p kept");
        putchar('\n');
        for (int i = 0; i < n_pos; i++) {
            double z = logits[i] / T, ez = exp(z - s.exp_shift);
            printf("%3d %10.4f %10.4f %14.6g %14.6g %8.2f%%", i + 1, logits[i], z, ez, ez / s.exp_sum, 100 * row[i]->p_temp);
            if (filtered) printf(" %11s %8.2f%%", cut_names[row[i]->cut_by], 100 * row[i]->p_final);
            putchar('\n');
        }
        printf("sum of e^(logit/%g%s) = %.6g; the probabilities add up to 1.\n", T, shift, s.exp_sum);
        if (filtered)
            printf("the filters kept %d of %d, holding %.2f%% of the probability; renormalised, they add up to 1.\n",
                   s.n_kept, n_pos, 100 * s.kept_mass);
    }
    free(row);
    sampler_free(&s);
    free(logits);
    free(pos);
    return 0;
}
