/* cmd_attention.c - `nexttoken attention`: where each position looks, per layer and head. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/base/utf8.h"
#include "core/model/inspect.h"

static const char usage[] =
    N_("usage: nexttoken attention --model FILE [--layer L] [--head H] TEXT\n"
    "       nexttoken attention --model FILE [--layer L] [--head H] --ids ID...\n"
    "\n"
    "The attention weights of the model over a text: in layer l, head h, the weight with which the\n"
    "token at position i (the query, a row) reads the token at position j (the key, a column),\n"
    "softmax over j <= i of q_i . k_j / sqrt(head size). Each row adds up to 100%; a position never\n"
    "looks ahead, so the triangle above the diagonal is empty (shown as .). Layers and heads count\n"
    "from 0. The table shows the last 12 positions of a longer text, with what the rows give to the\n"
    "ones cut in an \"earlier\" column; --json has every weight. A text longer than the model's\n"
    "context is refused.\n"
    "\n"
    "  --model FILE   a nexttoken checkpoint or an llm.c model\n"
    "  --layer L      only layer L (0-based; every layer by default)\n"
    "  --head H       only head H (0-based; every head by default)\n"
    "  --ids          the arguments are token ids rather than text\n"
    "  --json         print {tokens: [{id, text}], layers, heads, attention: A}, A[l][h][i][j] the\n"
    "                 weight query i gives key j; with --layer or --head that dimension holds\n"
    "                 only the one asked for (layers and heads say which)\n");

/* The table shows at most this many positions (keys and queries); its width at 12 is 95
 * columns: a row label of ATT_LABEL_W, then ATT_CELL_W per key, then the "earlier" column. */
#define ATT_MAX_COLS 12
#define ATT_CELL_W 6
#define ATT_LABEL_W 14

/* Token i as a cell of `width` columns: its label (read in its text, "옛[1/3]") cut to whole
 * characters that fit in quotes, a mark of bytes that does not fit left out whole ("옛"). */
static const char *cell_label(const Tokenizer *tok, const Pieces *pc, int i, int32_t id, int width, int how, char *out,
                              size_t cap)
{
    char inner[64], cut[64], quoted[80];
    if (!tok->n_vocab) return cli_pad(cli_token_label(tok, id, quoted, sizeof quoted), width, how, out, cap);
    pieces_label(pc, (size_t)i, 0, inner, sizeof inner);
    if (utf8_width((const uint8_t *)inner, strlen(inner)) > (size_t)(width - 3)) cli_pad(inner, width - 3, PAD_CUT, cut, sizeof cut);
    else snprintf(cut, sizeof cut, "%s", inner);
    size_t n = strlen(cut);
    const char *open = strrchr(cut, '[');
    if (strlen(inner) > n && open && open > cut && (unsigned char)open[-1] >= 0x80 && !strchr(open, ']'))
        cut[open - cut] = 0; /* "옛[1/" would say less than "옛" */
    snprintf(quoted, sizeof quoted, "\"%s\"", cut);
    return cli_pad(quoted, width, how, out, cap);
}

/* One layer and head as a grid of percentages, queries down, keys across. */
static void print_grid(const Tokenizer *tok, const int32_t *ids, int n, const float *a, int l, int h)
{
    const int first = n > ATT_MAX_COLS ? n - ATT_MAX_COLS : 0;
    char cell[96];
    printf(_("layer %d, head %d: row = query position, column = key; %% of the row's attention\n"), l, h);
    printf("%*s", ATT_LABEL_W, "");
    for (int j = first; j < n; j++) printf("%*d", ATT_CELL_W, j);
    if (first) printf(_("  earlier"));
    putchar('\n');
    printf("%*s", ATT_LABEL_W, "");
    /* the tokens read in their text ("옛[1/3]"), cut to the columns by display width */
    Pieces pc;
    Err e;
    if (tokenizer_pieces(tok, NULL, ids, (size_t)n, &pc, &e)) return; /* out of memory: nothing more to print */
    for (int j = first; j < n; j++) fputs(cell_label(tok, &pc, j, ids[j], ATT_CELL_W, PAD_RIGHT, cell, sizeof cell), stdout);
    putchar('\n');
    for (int i = first; i < n; i++) {
        const float *row = a + (size_t)i * n;
        printf("%4d %s", i, cell_label(tok, &pc, i, ids[i], ATT_LABEL_W - 5, 0, cell, sizeof cell));
        for (int j = first; j < n; j++) {
            if (j > i) printf("%*s", ATT_CELL_W, ".");
            else printf("%*.0f", ATT_CELL_W, 100 * row[j]);
        }
        if (first) {
            /* what this row gives the keys the table leaves out */
            double cut = 0;
            for (int j = 0; j < first; j++) cut += row[j];
            printf("  %6.0f", 100 * cut);
        }
        putchar('\n');
    }
    if (first)
        printf(_("(the last %d of %d positions; \"earlier\" is what each row gives positions 0 to %d; --json has all)\n"),
               ATT_MAX_COLS, n, first - 1);
    putchar('\n');
    pieces_free(&pc);
}

int cmd_attention(int argc, char **argv)
{
    const char *model = NULL;
    int use_ids = 0, json = 0, layer = -1, head = -1;
    ArgSpec specs[] = {
        {"model", ARG_STR, &model, NO_RANGE, 0},
        {"layer", ARG_INT, &layer, NO_RANGE, 0},
        {"head", ARG_INT, &head, NO_RANGE, 0},
        {"ids", ARG_FLAG, &use_ids, NO_RANGE, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        ARG_END,
    };
    char **pos;
    int n_pos, rc;
    Err e;
    if (cli_model_args("attention", argc, argv, specs, usage, &pos, &n_pos, &rc)) return rc;
    Checkpoint ck;
    int32_t *ids;
    size_t n;
    if ((rc = cli_model_input("attention", model, pos, n_pos, use_ids, &ck, &ids, &n))) return free(pos), rc;
    const GPT2 *m = &ck.model;
    const int L = m->cfg.n_layer, NH = m->cfg.n_head;
    Inspect in = {0};
    int status = 0;
    if (args_seen(specs, "layer") && (layer < 0 || layer >= L))
        status = cli_fail_input(_("attention: --layer %d is out of range: this model's layers are 0 to %d"), layer, L - 1);
    else if (args_seen(specs, "head") && (head < 0 || head >= NH))
        status = cli_fail_input(_("attention: --head %d is out of range: this model's heads are 0 to %d"), head, NH - 1);
    if (!status && inspect_create(&in, m, &e)) status = cli_fail(&e);
    if (!status && !inspect_run(&in, m, ids, (int)n, &e)) status = cli_fail(&e);
    if (!status) {
        /* the layers and heads asked for: [l0, l1) and [h0, h1) */
        const int l0 = layer < 0 ? 0 : layer, l1 = layer < 0 ? L : layer + 1;
        const int h0 = head < 0 ? 0 : head, h1 = head < 0 ? NH : head + 1;
        const int T = (int)n;
        if (json) {
            Json j;
            json_init(&j, stdout);
            json_obj(&j);
            cli_json_tokens(&j, &ck.tok, ids, n);
            json_key(&j, "layers"), json_arr(&j);
            for (int l = l0; l < l1; l++) json_int(&j, l);
            json_arr_end(&j);
            json_key(&j, "heads"), json_arr(&j);
            for (int h = h0; h < h1; h++) json_int(&j, h);
            json_arr_end(&j);
            /* A (layers, heads, T, T), every weight, however long the text */
            json_key(&j, "attention"), json_arr(&j);
            for (int l = l0; l < l1; l++) {
                json_arr(&j);
                for (int h = h0; h < h1; h++) {
                    const float *a = inspect_attention(&in, l, h);
                    json_arr(&j);
                    for (int i = 0; i < T; i++) {
                        json_arr(&j);
                        for (int k = 0; k < T; k++) json_num(&j, a[(size_t)i * T + k]);
                        json_arr_end(&j);
                    }
                    json_arr_end(&j);
                }
                json_arr_end(&j);
            }
            json_arr_end(&j);
            json_obj_end(&j);
            json_end(&j);
        } else {
            for (int l = l0; l < l1; l++)
                for (int h = h0; h < h1; h++) print_grid(&ck.tok, ids, T, inspect_attention(&in, l, h), l, h);
        }
    }
    inspect_free(&in);
    free(ids);
    free(pos);
    checkpoint_free(&ck);
    return status;
}
