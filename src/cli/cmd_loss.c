/* cmd_loss.c - `nexttoken loss`: how surprised the model is by each token of a text. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/gpt2.h"

static const char usage[] =
    "usage: nexttoken loss --model FILE TEXT\n"
    "       nexttoken loss --model FILE --ids ID...\n"
    "\n"
    "For every token after the first: the probability the model gave it, p(target), and the\n"
    "loss -ln p(target), its surprise. Their mean is the cross-entropy loss the model is trained\n"
    "to lower; e^(mean) is the perplexity; ln(V) is the loss of a uniform guess over V tokens.\n"
    "A text longer than the context is scored in windows that overlap by half a context, so\n"
    "every token is predicted from at least half a context of what precedes it.\n"
    "\n"
    "  --model FILE   a nexttoken checkpoint or an llm.c model\n"
    "  --ids          the arguments are token ids rather than text\n"
    "  --json         print {tokens: [{id, text, p, loss}], mean_loss, perplexity, uniform_loss}\n";

/* Loss of every position 1..n-1 of ids, into p[] and loss[] (p[0], loss[0] unused). Windows of
 * at most n_ctx+1 tokens; each after the first starts half a context later and scores only the
 * positions not scored yet. */
static int score(const GPT2 *m, const int32_t *ids, int n, double *p, double *loss, Err *e)
{
    const int ctx = m->cfg.n_ctx;
    GPT2Work w;
    int T = n - 1 < ctx ? n - 1 : ctx;
    if (gpt2_work_create(&w, m, 1, T, 0, NULL, e)) return -1;
    int done = 0; /* positions scored: 1..done */
    int start = 0;
    while (done < n - 1) {
        int len = n - 1 - start < ctx ? n - 1 - start : ctx; /* inputs ids[start .. start+len) */
        gpt2_forward(m, &w, ids + start, ids + start + 1, 1, len);
        for (int t = 0; t < len; t++) {
            int target_pos = start + t + 1;
            if (target_pos <= done) continue;
            loss[target_pos] = w.losses[t];
            p[target_pos] = w.probs[(size_t)t * m->cfg.n_vocab + ids[target_pos]];
        }
        done = start + len;
        start += ctx / 2 > 0 ? ctx / 2 : 1;
    }
    gpt2_work_free(&w);
    return 0;
}

int cmd_loss(int argc, char **argv)
{
    const char *model = NULL;
    int use_ids = 0, json = 0;
    ArgSpec specs[] = {
        {"model", ARG_STR, &model, NO_RANGE, 0},
        {"ids", ARG_FLAG, &use_ids, NO_RANGE, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        ARG_END,
    };
    int max_pos = argc;
    char **pos = malloc(sizeof(char *) * (size_t)(argc + 1));
    int n_pos;
    Err e;
    int rc = args_parse(argc, argv, specs, pos, &n_pos, max_pos, &e);
    if (rc == 1) return free(pos), fputs(usage, stdout), 0;
    if (rc) return free(pos), cli_fail(&e);
    if (!model) return free(pos), cli_fail_input("loss: --model FILE is required");
    if (n_pos == 0) return free(pos), cli_fail_input("loss: give a TEXT to score (or --ids ID...)");
    if (!use_ids && n_pos > 1) return free(pos), cli_fail_input("loss: give the text as one argument (quote it)");

    Checkpoint ck;
    if (cli_load_model(model, &ck, !use_ids, &e)) return free(pos), cli_fail(&e);
    const Tokenizer *tok = &ck.tok;
    const int V = ck.model.cfg.n_vocab;
    int32_t *ids = NULL;
    size_t cap = 0, n = 0;
    int status = 0;
    if (use_ids) {
        ids = malloc(sizeof(int32_t) * (size_t)n_pos);
        for (int i = 0; i < n_pos && !status; i++) {
            char *end;
            long v = strtol(pos[i], &end, 10);
            if (*end || end == pos[i] || v < 0 || v >= V)
                status = cli_fail_input("loss: '%s' is not a token id of this model (0 to %d)", pos[i], V - 1);
            else ids[n++] = (int32_t)v;
        }
    } else if (tokenizer_encode(tok, (const uint8_t *)pos[0], strlen(pos[0]), &ids, &cap, &n, &e)) {
        status = cli_fail(&e);
    }
    if (!status && n < 2)
        status = cli_fail_input("loss: the text is %zu token%s; it takes two, one to read and one to predict", n, n == 1 ? "" : "s");
    double *p = NULL, *loss = NULL;
    if (!status) {
        p = calloc(n, sizeof *p);
        loss = calloc(n, sizeof *loss);
        if (!p || !loss) status = cli_fail_input("loss: out of memory");
        else if (score(&ck.model, ids, (int)n, p, loss, &e)) status = cli_fail(&e);
    }
    if (!status) {
        double sum = 0;
        for (size_t i = 1; i < n; i++) sum += loss[i];
        double mean = sum / (double)(n - 1), ppl = exp(mean), uniform = log((double)V);
        if (json) {
            Json j;
            json_init(&j, stdout);
            json_obj(&j);
            json_key(&j, "tokens"), json_arr(&j);
            for (size_t i = 0; i < n; i++) {
                size_t k = 0;
                const uint8_t *b = tok->n_vocab ? tokenizer_token(tok, ids[i], &k) : (const uint8_t *)"";
                json_obj(&j);
                json_key(&j, "id"), json_int(&j, ids[i]);
                json_key(&j, "text"), json_strn(&j, b, k);
                json_key(&j, "p"), json_num(&j, i ? p[i] : NAN);
                json_key(&j, "loss"), json_num(&j, i ? loss[i] : NAN);
                json_obj_end(&j);
            }
            json_arr_end(&j);
            json_key(&j, "mean_loss"), json_num(&j, mean);
            json_key(&j, "perplexity"), json_num(&j, ppl);
            json_key(&j, "uniform_loss"), json_num(&j, uniform);
            json_obj_end(&j);
            json_end(&j);
        } else {
            printf("%5s  %-16s %10s %9s\n", "pos", "token", "p(token)", "-ln p");
            for (size_t i = 0; i < n; i++) {
                char buf[64], quoted[80];
                if (tok->n_vocab) {
                    size_t k;
                    const uint8_t *b = tokenizer_token(tok, ids[i], &k);
                    token_bytes_printable(b, k, buf, sizeof buf);
                    snprintf(quoted, sizeof quoted, "\"%s\"", buf);
                } else {
                    snprintf(quoted, sizeof quoted, "#%d", ids[i]); /* no tokenizer: the id */
                }
                if (i == 0) printf("%5zu  %-16s %10s %9s\n", i, quoted, "(context)", "");
                else printf("%5zu  %-16s %10.6f %9.4f\n", i, quoted, p[i], loss[i]);
            }
            printf("mean loss %.4f over %zu predictions; perplexity %.3f; a uniform guess over %d tokens scores ln %d = %.4f\n",
                   mean, n - 1, ppl, V, V, uniform);
        }
    }
    free(p);
    free(loss);
    free(ids);
    free(pos);
    checkpoint_free(&ck);
    return status;
}
