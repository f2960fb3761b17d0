/* cmd_softmax.c - `nexttoken softmax`: the worked table from logits to probabilities. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/base/number.h"
#include "core/model/probe.h"
#include "core/model/sampler.h"

static const char usage[] =
    N_("usage: nexttoken softmax [--temperature T] [--top-k K] [--top-p P] [--min-p P] LOGIT...\n"
    "       nexttoken softmax --model FILE --prompt TEXT [--rows N] [filters]\n"
    "\n"
    "Turns scores into probabilities the way a language model does, as a table to check by hand:\n"
    "each logit is divided by the temperature, raised to e^(logit/T), and divided by the sum of\n"
    "them all. Then the sampler's filters (top-k, top-p, min-p) keep some and the kept ones are\n"
    "renormalised. Negative logits are fine: nexttoken softmax 3.2 1.3 -2.1\n"
    "\n"
    "With --model and --prompt, the logits are the model's, for the token after the prompt: the\n"
    "table shows the --rows most likely (10) and sums up the rest of the vocabulary; the\n"
    "probabilities are over all of it.\n"
    "\n"
    "  --json         print {logits, scaled, exp, sum, probs_temperature, probs, kept}\n");

/* The model's next-token distribution after a prompt, as the worked table: the most likely
 * rows, then the rest of the vocabulary summed. */
static int softmax_model(const char *model, const char *prompt, const SamplerConfig *sc, int rows, int json)
{
    Err e;
    Checkpoint ck;
    if (load_model(model, &ck, CKPT_WEIGHTS, 1, &e)) return cli_fail(&e);
    const Tokenizer *tok = &ck.tok;
    const int V = ck.model.cfg.n_vocab;
    int32_t *ids = NULL;
    size_t cap = 0, n = 0;
    Sampler s = {0};
    int status = 0;
    if (tokenizer_encode(tok, (const uint8_t *)prompt, strlen(prompt), &ids, &cap, &n, &e)
        || probe_next_distribution(&ck.model, ids, (int)n, sc, &s, &e)) {
        status = cli_fail(&e);
    } else {
        if (rows > V) rows = V;
        double rest_p = 0, rest_exp = 0;
        const double T = sc->temperature;
        for (int i = rows; i < V; i++) {
            rest_p += s.cand[i].p_temp;
            if (T > 0) rest_exp += exp(s.cand[i].logit / T - s.exp_shift);
        }
        if (json) {
            Json j;
            json_init(&j, stdout);
            json_obj(&j);
            json_key(&j, "temperature"), json_num(&j, T);
            json_key(&j, "vocab"), json_int(&j, V);
            json_key(&j, "exp_shift"), json_num(&j, s.exp_shift);
            json_key(&j, "sum"), json_num(&j, s.exp_sum);
            json_key(&j, "rows"), json_arr(&j);
            for (int i = 0; i < rows; i++) {
                const SampleCandidate *c = &s.cand[i];
                size_t k;
                const uint8_t *b = tokenizer_token(tok, c->id, &k);
                json_obj(&j);
                json_key(&j, "id"), json_int(&j, c->id);
                cli_json_piece(&j, b, k);
                json_key(&j, "logit"), json_num(&j, c->logit);
                json_key(&j, "exp"), json_num(&j, T > 0 ? exp(c->logit / T - s.exp_shift) : NAN);
                json_key(&j, "p"), json_num(&j, c->p_temp);
                json_key(&j, "p_kept"), json_num(&j, c->p_final);
                json_obj_end(&j);
            }
            json_arr_end(&j);
            json_key(&j, "rest"), json_obj(&j);
            json_key(&j, "count"), json_int(&j, V - rows);
            json_key(&j, "exp"), json_num(&j, rest_exp);
            json_key(&j, "p"), json_num(&j, rest_p);
            json_obj_end(&j);
            json_obj_end(&j);
            json_end(&j);
        } else {
            char exp_h[64];
            snprintf(exp_h, sizeof exp_h, T > 0 && s.exp_shift ? "e^(z-%.3g)" : "e^z", s.exp_shift);
            cli_line(stdout, _("after \"%s\" (%zu tokens), temperature %g: z = logit/T"), prompt, n, T);
            printf("%4s  %-16s %9s %9s %12s %9s\n", "rank", "token", "logit", "z", exp_h, "p");
            for (int i = 0; i < rows; i++) {
                const SampleCandidate *c = &s.cand[i];
                char quoted[66], cell[96];
                /* read after the prompt: a token that finishes a character it began reads as it */
                cli_token_label_after(tok, (const uint8_t *)prompt, strlen(prompt), c->id, quoted, sizeof quoted);
                printf("%4d  %s %9.4f %9.4f %12.6g %8.3f%%\n", i + 1, cli_pad(quoted, 16, 0, cell, sizeof cell), c->logit, T > 0 ? c->logit / T : NAN,
                       T > 0 ? exp(c->logit / T - s.exp_shift) : NAN, 100 * c->p_temp);
            }
            if (rows < V) printf("      (%d others)                               %12.6g %8.3f%%\n", V - rows, rest_exp, 100 * rest_p);
            if (T > 0) printf(_("sum of e^z over all %d tokens = %.6g; each p = e^z / sum\n"), V, s.exp_sum);
        }
    }
    free(ids);
    sampler_free(&s);
    checkpoint_free(&ck);
    return status;
}

int cmd_softmax(int argc, char **argv)
{
    SamplerConfig sc;
    sampler_config_default(&sc);
    int json = 0, rows = 10;
    const char *model = NULL, *prompt = NULL;
    ArgSpec specs[] = {
        {"model", ARG_STR, &model, NO_RANGE, 0},
        {"prompt", ARG_STR, &prompt, NO_RANGE, 0},
        {"rows", ARG_INT, &rows, 1, 1e6, 0},
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
    int rc;
    if (!pos) return cli_fail_nomem(N_("arguments"), sizeof(char *) * (size_t)(argc + 1));
    if (cli_args(argc, argv, specs, pos, &n_pos, argc, usage, &rc)) return free(pos), rc;
    if (model || prompt) {
        free(pos);
        if (!model || !prompt) return cli_fail_input(_("softmax: --model and --prompt go together"));
        if (sampler_config_check(&sc, &e)) return cli_fail(&e);
        return softmax_model(model, prompt, &sc, rows, json);
    }
    if (n_pos < 1) return free(pos), cli_fail_input(_("softmax: give at least one logit, e.g. nexttoken softmax 3.2 1.3 -2.1"));
    if (sampler_config_check(&sc, &e)) return free(pos), cli_fail(&e);
    float *logits = malloc(sizeof(float) * (size_t)n_pos);
    if (!logits) return free(pos), cli_fail_nomem(N_("logits"), sizeof(float) * (size_t)n_pos);
    for (int i = 0; i < n_pos; i++) {
        double v;
        if (num_double(pos[i], NULL, &v) != NUM_OK || fabs(v) > 1e30) {
            int st = cli_fail_input(_("softmax: '%s' is not a number"), pos[i]);
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
    if (!row) {
        sampler_free(&s);
        free(logits), free(pos);
        return cli_fail_nomem(N_("the table"), sizeof *row * (size_t)n_pos);
    }
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
        printf("%s", _("temperature 0: no division, no exponent; the most likely token takes all the probability.\n"));
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
        printf(_("sum of e^(logit/%g%s) = %.6g; the probabilities add up to 1.\n"), T, shift, s.exp_sum);
        if (filtered)
            printf(_("the filters kept %d of %d, holding %.2f%% of the probability; renormalised, they add up to 1.\n"),
                   s.n_kept, n_pos, 100 * s.kept_mass);
    }
    free(row);
    sampler_free(&s);
    free(logits);
    free(pos);
    return 0;
}
