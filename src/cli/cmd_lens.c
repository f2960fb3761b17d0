/* cmd_lens.c - `nexttoken lens`: the model's guess for the next token after each block. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/model/inspect.h"

static const char usage[] =
    N_("usage: nexttoken lens --model FILE [--top K] TEXT\n"
    "       nexttoken lens --model FILE [--top K] --ids ID...\n"
    "\n"
    "The logit lens: what the model would predict if it stopped after each block. The residual\n"
    "stream after block l goes through the final LayerNorm and the output head (the token\n"
    "embedding read backwards) and a softmax, as the last block's output does; after the last\n"
    "block this is the model's own prediction. For every position: each block's most likely next\n"
    "tokens with their probabilities, and p(next), the probability of the token that actually\n"
    "comes next (none at the last position). Layer l is the stream after block l, from 0. A text\n"
    "longer than the model's context is refused.\n"
    "\n"
    "  --model FILE   a nexttoken checkpoint or an llm.c model\n"
    "  --top K        the K most likely tokens per block and position (3)\n"
    "  --ids          the arguments are token ids rather than text\n"
    "  --json         print {tokens: [{id, text}], layers: [{layer, positions: [{top: [{id,\n"
    "                 text, p}], p_next}]}]}, p_next absent at the last position\n");

int cmd_lens(int argc, char **argv)
{
    const char *model = NULL;
    int use_ids = 0, json = 0, top = 3;
    ArgSpec specs[] = {
        {"model", ARG_STR, &model, NO_RANGE, 0},
        {"top", ARG_INT, &top, NO_RANGE, 0},
        {"ids", ARG_FLAG, &use_ids, NO_RANGE, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        ARG_END,
    };
    char **pos;
    int n_pos, rc;
    Err e;
    if (cli_model_args("lens", argc, argv, specs, usage, &pos, &n_pos, &rc)) return rc;
    Checkpoint ck;
    int32_t *ids;
    size_t n;
    if ((rc = cli_model_input("lens", model, pos, n_pos, use_ids, &ck, &ids, &n))) return free(pos), rc;
    const GPT2 *m = &ck.model;
    const int L = m->cfg.n_layer, V = m->cfg.n_vocab;
    Inspect in = {0};
    InspectRank *best = NULL; /* (L, n, top) */
    float *p_next = NULL;     /* (L, n) */
    int status = 0;
    if (!args_seen(specs, "top") && top > V) top = V; /* the default, in a vocabulary of two */
    if (top < 1 || top > V) status = cli_fail_input(_("lens: --top must be between 1 and %d, the vocabulary (got %d)"), V, top);
    if (!status && inspect_create(&in, m, &e)) status = cli_fail(&e);
    if (!status && !inspect_run(&in, m, ids, (int)n, &e)) status = cli_fail(&e);
    const int T = (int)n;
    if (!status) {
        best = malloc(sizeof *best * (size_t)L * T * top);
        p_next = malloc(sizeof *p_next * (size_t)L * T);
        if (!best || !p_next) status = cli_fail_nomem(N_("the lens"), (sizeof *best * (size_t)top + sizeof *p_next) * L * T);
    }
    if (!status) {
        /* Each block's distributions, a chunk of positions at a time: p (rows,V) =
         * softmax(lnf(resid_l) @ wte^T); keep the top K and the next token's p. */
        for (int l = 0; l < L; l++)
            for (int t0 = 0; t0 < T; t0 += INSPECT_LENS_ROWS) {
                int rows = T - t0 < INSPECT_LENS_ROWS ? T - t0 : INSPECT_LENS_ROWS;
                const float *p = inspect_lens(&in, m, l, t0, rows);
                for (int r = 0; r < rows; r++) {
                    const int t = t0 + r;
                    const float *pr = p + (size_t)r * V;
                    inspect_top(pr, V, top, -1, best + ((size_t)l * T + t) * top);
                    p_next[(size_t)l * T + t] = t + 1 < T ? pr[ids[t + 1]] : NAN;
                }
            }
        char label[40];
        if (json) {
            Json j;
            json_init(&j, stdout);
            json_obj(&j);
            cli_json_tokens(&j, &ck.tok, ids, n);
            json_key(&j, "layers"), json_arr(&j);
            for (int l = 0; l < L; l++) {
                json_obj(&j);
                json_key(&j, "layer"), json_int(&j, l);
                json_key(&j, "positions"), json_arr(&j);
                for (int t = 0; t < T; t++) {
                    const InspectRank *b = best + ((size_t)l * T + t) * top;
                    json_obj(&j);
                    json_key(&j, "top"), json_arr(&j);
                    for (int k = 0; k < top; k++) {
                        size_t len;
                        const uint8_t *bytes = tokenizer_token(&ck.tok, b[k].id, &len);
                        json_obj(&j);
                        json_key(&j, "id"), json_int(&j, b[k].id);
                        cli_json_piece(&j, bytes, len);
                        json_key(&j, "p"), json_num(&j, b[k].v);
                        json_obj_end(&j);
                    }
                    json_arr_end(&j);
                    if (t + 1 < T) json_key(&j, "p_next"), json_num(&j, p_next[(size_t)l * T + t]);
                    json_obj_end(&j);
                }
                json_arr_end(&j);
                json_obj_end(&j);
            }
            json_arr_end(&j);
            json_obj_end(&j);
            json_end(&j);
        } else {
            /* position by position, a line per block: its guesses, and p of what comes next; the
             * tokens read in their text ("옛[1/3]"), a guess after the text up to its position */
            Pieces pc;
            if (tokenizer_pieces(&ck.tok, NULL, ids, (size_t)T, &pc, &e)) status = cli_fail(&e);
            for (int t = 0; t < T && !status; t++) {
                printf("%4d %s", t, cli_pieces_label(&ck.tok, &pc, (size_t)t, ids[t], label, 20));
                if (t + 1 < T) printf(_(" -> next %s\n"), cli_pieces_label(&ck.tok, &pc, (size_t)t + 1, ids[t + 1], label, 20));
                else printf(_(" (the last: nothing to compare with)\n"));
                uint8_t tail[CLI_TAIL];
                const size_t n_tail = cli_text_tail(&ck.tok, ids, (size_t)t + 1, tail);
                for (int l = 0; l < L; l++) {
                    const InspectRank *b = best + ((size_t)l * T + t) * top;
                    printf(_("     layer %-3d"), l);
                    for (int k = 0; k < top; k++) {
                        char cell[64];
                        cli_token_label_after(&ck.tok, tail, n_tail, b[k].id, label, 13);
                        printf(" %s %6.2f%%", cli_pad(label, 12, 0, cell, sizeof cell), 100 * b[k].v);
                    }
                    if (t + 1 < T) printf(_("   p(next) %7.3f%%"), 100 * p_next[(size_t)l * T + t]);
                    putchar('\n');
                }
            }
            pieces_free(&pc);
        }
    }
    free(best);
    free(p_next);
    inspect_free(&in);
    free(ids);
    free(pos);
    checkpoint_free(&ck);
    return status;
}
