/* cmd_slice.c - `nexttoken slice`: a text cut into (input, target) training pairs. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/text/corpus.h"
#include "core/text/wordtok.h"

static const char usage[] =
    N_("usage: nexttoken slice [--model FILE | --tokenizer T] [--context T] [--limit N] [--json] TEXT\n"
    "\n"
    "Shows how a text labels itself: n tokens give n-1 training examples, each an input (the\n"
    "tokens so far) and a target (the token that comes next). With --context T, the windows a\n"
    "trainer really uses: x = tokens[i : i+T], y = tokens[i+1 : i+T+1], one position's target\n"
    "under each input token.\n"
    "\n"
    "  --model FILE     use this model's tokenizer (default: bytes, one token per byte)\n"
    "  --tokenizer T    or this one: byte, gpt2, cl100k, o200k, or a tokenizer file; or word or\n"
    "                   char with --corpus FILE (a vocabulary of its words or characters)\n"
    "  --context T      show windows of T tokens instead of every prefix\n"
    "  --limit N        print the first N examples or windows (100; 0: all of them). A text of\n"
    "                   n tokens makes n-1 examples of up to n tokens each: all of a long text's\n"
    "                   are a quadratic amount of output (16,000 tokens: 384 MB)\n"
    "  --json           print {tokens: [{id, text}], examples: [{input, target}], not_shown: K}\n");

/* Examples printed by default: enough to see the pattern, and a long text stays readable. */
#define SLICE_DEFAULT_LIMIT 100

/* The text's tokenizer: a vocabulary of bytes and merges, or of a corpus's words or characters. */
typedef struct {
    Tokenizer tok;
    WordTok *words;
    const char *name;
} Slicer;

static const uint8_t *piece(const Slicer *s, int32_t id, size_t *len)
{
    if (s->words) return (const uint8_t *)wordtok_token(s->words, id, len);
    return tokenizer_token(&s->tok, id, len);
}

typedef struct {
    const Slicer *s;
    const int32_t *ids;
} SliceIds;

static const uint8_t *slice_piece(const void *ctx, size_t i, size_t *len)
{
    const SliceIds *c = ctx;
    return piece(c->s, c->ids[i], len);
}

/* The characters of the text's tokens (core/text/pieces.h): 0, or -1 with e filled. */
static int slice_pieces(const Slicer *s, const int32_t *ids, size_t n, Pieces *p, Err *e)
{
    SliceIds c = {s, ids};
    return pieces_build_fn(p, slice_piece, &c, n, e);
}

/* Token i of the text in brackets, read in it: part of a character as [옛[1/3]]. */
static void print_piece(const Pieces *p, size_t i)
{
    char buf[512];
    pieces_label(p, i, 0, buf, sizeof buf);
    printf("[%s]", buf);
}

int cmd_slice(int argc, char **argv)
{
    const char *model = NULL, *spec = NULL, *corpus = NULL;
    int json = 0, context = 0;
    long limit = SLICE_DEFAULT_LIMIT;
    ArgSpec specs[] = {
        {"model", ARG_STR, &model, NO_RANGE, 0},
        {"corpus", ARG_STR, &corpus, NO_RANGE, 0},
        {"tokenizer", ARG_STR, &spec, NO_RANGE, 0},
        {"context", ARG_INT, &context, 1, 1e6, 0},
        {"limit", ARG_LONG, &limit, 0, 1e15, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        ARG_END,
    };
    char *pos[1];
    int n_pos;
    Err e;
    int rc;
    if (cli_args(argc, argv, specs, pos, &n_pos, 1, usage, &rc)) return rc;
    if (n_pos != 1) return cli_fail_input(_("slice: give one TEXT to slice (quote it)"));

    if (model && spec) return cli_fail_input(_("slice: give --model or --tokenizer, not both"));
    int words = spec && (!strcmp(spec, "word") || !strcmp(spec, "char"));
    if (words != (corpus != NULL)) return cli_fail_input(_("slice: --corpus goes with --tokenizer word or char, and they with it"));
    Slicer sl = {.name = spec ? spec : "byte"};
    Checkpoint ck = {0};
    if (model) {
        if (load_model(model, &ck, CKPT_WEIGHTS, 1, &e)) return cli_fail(&e);
        sl.tok = ck.tok;
        memset(&ck.tok, 0, sizeof ck.tok);
    } else if (words) {
        if (!(sl.words = cli_load_wordtok(spec, corpus, &e))) return cli_fail(&e);
    } else if (load_tokenizer(sl.name, &sl.tok, &e)) {
        return cli_fail(&e);
    }
    if (!words) sl.name = sl.tok.name;
    int32_t *ids = NULL;
    size_t cap = 0, n = 0, unknown = 0;
    int status = 0;
    if (words) {
        size_t len = strlen(pos[0]);
        ids = malloc(sizeof(int32_t) * (len + 1));
        long k = ids ? wordtok_encode(sl.words, (const uint8_t *)pos[0], len, ids, &unknown) : -1;
        if (k < 0) status = cli_fail_nomem(N_("token ids"), sizeof(int32_t) * (len + 1));
        n = k < 0 ? 0 : (size_t)k;
    } else if (tokenizer_encode(&sl.tok, (const uint8_t *)pos[0], strlen(pos[0]), &ids, &cap, &n, &e)) {
        status = cli_fail(&e);
    }
    if (status) {
    } else if (n < 2) status = cli_fail_input(P_("slice: the text is %zu token; it takes two to make one example",
                                                  "slice: the text is %zu tokens; it takes two to make one example", n), n);
    /* The examples (or windows) there are, and how many of them are printed. */
    size_t total = context ? (n > (size_t)context ? n - (size_t)context : 0) : n > 0 ? n - 1 : 0;
    size_t shown = limit == 0 || total < (size_t)limit ? total : (size_t)limit;
    if (!status && json) {
        Json j;
        json_init(&j, stdout);
        json_obj(&j);
        json_key(&j, "tokenizer"), json_str(&j, sl.name);
        if (words) json_key(&j, "unknown"), json_int(&j, (long long)unknown);
        json_key(&j, "tokens"), json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            size_t k;
            const uint8_t *b = piece(&sl, ids[i], &k);
            json_obj(&j);
            json_key(&j, "id"), json_int(&j, ids[i]);
            cli_json_piece(&j, b, k);
            json_obj_end(&j);
        }
        json_arr_end(&j);
        json_key(&j, "examples"), json_arr(&j);
        if (context) {
            for (size_t i = 0; i < shown; i++) {
                json_obj(&j);
                json_key(&j, "x"), json_arr(&j);
                for (int t = 0; t < context; t++) json_int(&j, ids[i + t]);
                json_arr_end(&j);
                json_key(&j, "y"), json_arr(&j);
                for (int t = 0; t < context; t++) json_int(&j, ids[i + t + 1]);
                json_arr_end(&j);
                json_obj_end(&j);
            }
        } else {
            for (size_t k = 1; k <= shown; k++) {
                json_obj(&j);
                json_key(&j, "input"), json_arr(&j);
                for (size_t i = 0; i < k; i++) json_int(&j, ids[i]);
                json_arr_end(&j);
                json_key(&j, "target"), json_int(&j, ids[k]);
                json_obj_end(&j);
            }
        }
        json_arr_end(&j);
        json_key(&j, "not_shown"), json_int(&j, (long long)(total - shown));
        json_obj_end(&j);
        json_end(&j);
    }
    Pieces pc = {0};
    if (!status && !json && slice_pieces(&sl, ids, n, &pc, &e)) status = cli_fail(&e);
    if (status || json) {
    } else if (context) {
        cli_line(stdout, _("%zu tokens (%s tokenizer); windows of %d give %zu (x, y) pairs of %d positions each"), n,
                 sl.name, context, total, context);
        for (size_t i = 0; i < shown; i++) {
            printf(_("window %zu\n  x:"), i);
            for (int t = 0; t < context; t++) putchar(' '), print_piece(&pc, i + (size_t)t);
            printf("%s", _("\n  y:"));
            for (int t = 0; t < context; t++) putchar(' '), print_piece(&pc, i + (size_t)t + 1);
            putchar('\n');
        }
        if (!total) printf(_("(the text needs more than %d tokens for one window)\n"), context);
    } else {
        cli_line(stdout, _("%zu tokens (%s tokenizer) -> %zu training examples"), n, sl.name, n - 1);
        if (words && unknown) printf(_("(%zu of them unknown to the vocabulary: <unk>)\n"), unknown);
        for (size_t k = 1; k <= shown; k++) {
            printf("%4zu  ", k);
            for (size_t i = 0; i < k; i++) print_piece(&pc, i);
            printf("  ->  ");
            print_piece(&pc, k);
            putchar('\n');
        }
    }
    if (!status && !json && shown < total)
        printf(context ? _("... and %zu more windows, not printed (--limit N prints the first N, --limit 0 all of them)\n")
                       : _("... and %zu more examples, not printed (--limit N prints the first N, --limit 0 all of them)\n"), total - shown);
    pieces_free(&pc);
    free(ids);
    checkpoint_free(&ck);
    tokenizer_free(&sl.tok);
    wordtok_free(sl.words);
    return status;
}
