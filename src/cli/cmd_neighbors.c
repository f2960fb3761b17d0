/* cmd_neighbors.c - `nexttoken neighbors`: the tokens whose embeddings point the same way. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/base/number.h"
#include "core/model/inspect.h"

static const char usage[] =
    N_("usage: nexttoken neighbors --model FILE [--k K] TOKEN...\n"
    "\n"
    "Each token's nearest neighbours among the model's token embeddings (the rows of wte, which\n"
    "the output head also uses), by cosine similarity: cos = a . b / (|a| |b|), 1 for the same\n"
    "direction, 0 for unrelated, -1 for opposite. Tokens that the model uses alike drift\n"
    "together during training. A TOKEN is the text of one token of the model's vocabulary (\" the\"\n"
    "with its space) or #ID; a text that is not one token is refused, saying how many it makes.\n"
    "\n"
    "  --model FILE   a nexttoken checkpoint or an llm.c model\n"
    "  --k K          how many neighbours (10)\n"
    "  --json         print {tokens: [{id, text, neighbors: [{id, text, cos}]}]}\n");

/* A token given as #ID or as its text (the bytes of exactly one vocabulary entry). */
static int token_arg(const char *arg, const Tokenizer *tok, int V, int32_t *id)
{
    long v;
    if (arg[0] == '#' && num_long(arg + 1, NULL, &v) == NUM_OK) {
        if (v < 0 || v >= V) return cli_fail_input(_("neighbors: %s is not a token id of this model (0 to %d)"), arg, V - 1);
        *id = (int32_t)v;
        return 0;
    }
    if (!tok->n_vocab)
        return cli_fail_input(_("neighbors: this model has no vocabulary to find '%s' in; give tokens as #ID"), arg);
    const size_t n = strlen(arg);
    if (n == 0) return cli_fail_input(_("neighbors: an empty TOKEN; give a token's text or #ID"));
    /* A scan of the whole table: once per argument, and V rows of embeddings are read anyway. */
    for (int32_t i = 0; i < tok->n_vocab; i++) {
        size_t k;
        const uint8_t *b = tokenizer_token(tok, i, &k);
        if (k == n && memcmp(b, arg, n) == 0) {
            *id = i;
            return 0;
        }
    }
    int32_t *ids = NULL;
    size_t cap = 0, count = 0;
    Err e;
    if (tokenizer_encode(tok, (const uint8_t *)arg, n, &ids, &cap, &count, &e)) return free(ids), cli_fail(&e);
    free(ids);
    return cli_fail_input(_("neighbors: unknown token '%s': not one token of this vocabulary (it encodes to %zu tokens)"), arg,
                          count);
}

int cmd_neighbors(int argc, char **argv)
{
    const char *model = NULL;
    int json = 0, k = 10;
    ArgSpec specs[] = {
        {"model", ARG_STR, &model, NO_RANGE, 0},
        {"k", ARG_INT, &k, NO_RANGE, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        ARG_END,
    };
    char **pos;
    int n_pos, rc;
    Err e;
    if (cli_model_args("neighbors", argc, argv, specs, usage, &pos, &n_pos, &rc)) return rc;
    if (n_pos == 0) return free(pos), cli_fail_input(_("neighbors: give at least one TOKEN (its text, or #ID)"));
    /* A tokenizer is needed only to read tokens given as text (and shows pieces when there is one). */
    int need_tok = 0;
    for (int i = 0; i < n_pos; i++) need_tok |= pos[i][0] != '#';
    Checkpoint ck;
    if (load_model(model, &ck, CKPT_WEIGHTS, need_tok, &e)) return free(pos), cli_fail(&e);
    const GPT2 *m = &ck.model;
    const int V = m->cfg.n_vocab;
    int32_t *ids = malloc(sizeof *ids * (size_t)n_pos);
    InspectRank *near = malloc(sizeof *near * (size_t)V);
    float *cos = malloc(sizeof(float) * 2 * (size_t)V), *norms = cos ? cos + V : NULL; /* (V) each */
    int status = 0;
    if (!ids || !near || !cos)
        status = cli_fail_nomem(N_("the neighbours"), (sizeof *ids + sizeof *near + 2 * sizeof(float)) * (size_t)V);
    if (!args_seen(specs, "k") && k >= V) k = V - 1; /* the default, in a vocabulary of ten or fewer */
    if (!status && (k < 1 || k >= V))
        status = cli_fail_input(_("neighbors: --k must be between 1 and %d, the other tokens (got %d)"), V - 1, k);
    for (int i = 0; i < n_pos && !status; i++) status = token_arg(pos[i], &ck.tok, V, &ids[i]);
    if (!status) {
        Json j;
        char label[40];
        if (json) {
            json_init(&j, stdout);
            json_obj(&j);
            json_key(&j, "tokens"), json_arr(&j);
        }
        for (int i = 0; i < n_pos; i++) {
            /* cos (V) of this token's row against every row; the k largest but itself */
            inspect_row_cosines(m->w.t[GPT2_WTE], V, m->cfg.n_embd, ids[i], norms, cos);
            int got = inspect_top(cos, V, k, ids[i], near);
            if (json) {
                size_t len;
                const uint8_t *b = tokenizer_token(&ck.tok, ids[i], &len);
                json_obj(&j);
                json_key(&j, "id"), json_int(&j, ids[i]);
                cli_json_piece(&j, b, len);
                json_key(&j, "neighbors"), json_arr(&j);
                for (int r = 0; r < got; r++) {
                    b = tokenizer_token(&ck.tok, near[r].id, &len);
                    json_obj(&j);
                    json_key(&j, "id"), json_int(&j, near[r].id);
                    cli_json_piece(&j, b, len);
                    json_key(&j, "cos"), json_num(&j, near[r].v);
                    json_obj_end(&j);
                }
                json_arr_end(&j);
                json_obj_end(&j);
            } else {
                if (i) putchar('\n');
                printf(_("%s (#%d): nearest token embeddings by cosine\n"), cli_token_label(&ck.tok, ids[i], label, 34), ids[i]);
                printf("%5s %8s %7s  %s\n", "rank", "cosine", "id", "token");
                for (int r = 0; r < got; r++)
                    printf("%5d %8.4f %7d  %s\n", r + 1, near[r].v, near[r].id, cli_token_label(&ck.tok, near[r].id, label, 34));
            }
        }
        if (json) {
            json_arr_end(&j);
            json_obj_end(&j);
            json_end(&j);
        }
    }
    free(cos);
    free(near);
    free(ids);
    free(pos);
    checkpoint_free(&ck);
    return status;
}
