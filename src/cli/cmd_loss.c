/* cmd_loss.c - `nexttoken loss`: how surprised the model is by each token of a text. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/model/gpt2.h"
#include "core/model/probe.h"
#include "core/model/sampler.h"

static const char usage[] =
    N_("usage: nexttoken loss --model FILE TEXT\n"
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
    "  --position N   for token N: the model's most likely tokens there, and the gradient of its\n"
    "                 loss at the output, p - onehot(target)\n"
    "  --step-lr X    with --position: one step of gradient descent (learning rate X) on that\n"
    "                 example alone, on a copy of the model; its loss before and after\n"
    "  --json         print {tokens: [{id, text, p, loss}], mean_loss, perplexity, uniform_loss}\n");

int cmd_loss(int argc, char **argv)
{
    const char *model = NULL;
    int use_ids = 0, json = 0, position = 0;
    float step_lr = 0;
    ArgSpec specs[] = {
        {"model", ARG_STR, &model, NO_RANGE, 0},
        {"position", ARG_INT, &position, 1, 1e9, 0},
        {"step-lr", ARG_FLOAT, &step_lr, 1e-6, 1e3, 0},
        {"ids", ARG_FLAG, &use_ids, NO_RANGE, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        ARG_END,
    };
    char **pos;
    int n_pos, rc;
    Err e;
    if (cli_model_args("loss", argc, argv, specs, usage, &pos, &n_pos, &rc)) return rc;
    Checkpoint ck;
    int32_t *ids;
    size_t n;
    if ((rc = cli_model_input("loss", model, pos, n_pos, use_ids, &ck, &ids, &n))) return free(pos), rc;
    const Tokenizer *tok = &ck.tok;
    const int V = ck.model.cfg.n_vocab;
    int status = 0;
    if (!status && n < 2)
        status = cli_fail_input(P_("loss: the text is %zu token; it takes two, one to read and one to predict",
                                   "loss: the text is %zu tokens; it takes two, one to read and one to predict", n), n);
    if (!status && position >= (int)n)
        status = cli_fail_input(_("loss: --position %d is past the text's last token (%zu)"), position, n - 1);
    if (!status && step_lr > 0 && !position) status = cli_fail_input(_("loss: --step-lr goes with --position"));
    double *p = NULL, *loss = NULL;
    if (!status) {
        p = calloc(n, sizeof *p);
        loss = calloc(n, sizeof *loss);
        if (!p || !loss) status = cli_fail_nomem(N_("losses"), 2 * sizeof(double) * n);
        else if (probe_losses(&ck.model, ids, (int)n, p, loss, &e)) status = cli_fail(&e);
    }
    /* One position in detail: the distribution there, the output gradient, one step. */
    Sampler sm = {0};
    double before = NAN, after = NAN;
    int top = 10;
    if (!status && position) {
        SamplerConfig sc;
        sampler_config_default(&sc);
        if (probe_next_distribution(&ck.model, ids, position, &sc, &sm, &e)) status = cli_fail(&e);
        if (!status && step_lr > 0 && probe_sgd_step(&ck.model, ids, position, step_lr, &before, &after, &e)) status = cli_fail(&e);
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
                size_t k;
                const uint8_t *b = tokenizer_token(tok, ids[i], &k); /* "" without a tokenizer */
                json_obj(&j);
                json_key(&j, "id"), json_int(&j, ids[i]);
                cli_json_piece(&j, b, k);
                json_key(&j, "p"), json_num(&j, i ? p[i] : NAN);
                json_key(&j, "loss"), json_num(&j, i ? loss[i] : NAN);
                json_obj_end(&j);
            }
            json_arr_end(&j);
            if (position) {
                json_key(&j, "position"), json_obj(&j);
                json_key(&j, "index"), json_int(&j, position);
                json_key(&j, "target"), json_int(&j, ids[position]);
                json_key(&j, "p"), json_num(&j, p[position]);
                json_key(&j, "loss"), json_num(&j, loss[position]);
                json_key(&j, "top"), json_arr(&j);
                for (int r = 0; r < top && r < V; r++) {
                    const SampleCandidate *c = &sm.cand[r];
                    size_t k;
                    const uint8_t *b = tokenizer_token(tok, c->id, &k);
                    json_obj(&j);
                    json_key(&j, "id"), json_int(&j, c->id);
                    cli_json_piece(&j, b, k);
                    json_key(&j, "p"), json_num(&j, c->p);
                    json_key(&j, "grad"), json_num(&j, c->p - (c->id == ids[position]));
                    json_obj_end(&j);
                }
                json_arr_end(&j);
                if (step_lr > 0) {
                    json_key(&j, "step"), json_obj(&j);
                    json_key(&j, "lr"), json_num(&j, step_lr);
                    json_key(&j, "loss_before"), json_num(&j, before);
                    json_key(&j, "loss_after"), json_num(&j, after);
                    json_obj_end(&j);
                }
                json_obj_end(&j);
            }
            json_key(&j, "mean_loss"), json_num(&j, mean);
            json_key(&j, "perplexity"), json_num(&j, ppl);
            json_key(&j, "uniform_loss"), json_num(&j, uniform);
            json_obj_end(&j);
            json_end(&j);
        } else {
            Pieces pc; /* the tokens read in their text: "옛[1/3]" for part of a character */
            if (tokenizer_pieces(tok, NULL, ids, n, &pc, &e)) {
                status = cli_fail(&e);
                goto done;
            }
            printf("%5s  %-16s %10s %9s\n", "pos", "token", "p(token)", "-ln p");
            for (size_t i = 0; i < n; i++) {
                char quoted[66], cell[96];
                cli_pad(cli_pieces_label(tok, &pc, i, ids[i], quoted, sizeof quoted), 16, 0, cell, sizeof cell);
                if (i == 0) printf("%5zu  %s %10s %9s\n", i, cell, "(context)", "");
                else printf("%5zu  %s %10.6f %9.4f\n", i, cell, p[i], loss[i]);
            }
            printf(_("mean loss %.4f over %zu predictions; perplexity %.3f; a uniform guess over %d tokens scores ln %d = %.4f\n"),
                   mean, n - 1, ppl, V, V, uniform);
            if (position) {
                printf(_("\nposition %d: p(target) = %.6f, loss %.4f. The gradient of its loss with respect to the\n"
                       "logits is p - onehot(target): every token pushed down by its probability, the target up.\n"),
                       position, p[position], loss[position]);
                printf("%5s  %-16s %10s %10s\n", "rank", "token", "p", "p - y");
                uint8_t tail[CLI_TAIL]; /* a candidate is read after the text before the position */
                const size_t n_tail = cli_text_tail(tok, ids, (size_t)position, tail);
                int target_shown = 0;
                for (int r = 0; r < V && (r < top || !target_shown); r++) {
                    const SampleCandidate *c = &sm.cand[r];
                    int is_t = c->id == ids[position];
                    if (r >= top && !is_t) continue;
                    target_shown |= is_t;
                    char quoted[66], cell[96];
                    if (is_t) cli_pieces_label(tok, &pc, (size_t)position, c->id, quoted, sizeof quoted);
                    else cli_token_label_after(tok, tail, n_tail, c->id, quoted, sizeof quoted);
                    printf("%5d  %s %10.6f %+10.6f%s\n", r + 1, cli_pad(quoted, 16, 0, cell, sizeof cell), c->p, c->p - is_t,
                           is_t ? _("  <- target") : "");
                }
                if (step_lr > 0)
                    printf(_("one gradient step (learning rate %g) on this example alone: loss %.4f -> %.4f\n"), step_lr, before, after);
            }
            pieces_free(&pc);
        }
    }
done:
    sampler_free(&sm);
    free(p);
    free(loss);
    free(ids);
    free(pos);
    checkpoint_free(&ck);
    return status;
}
