/* cmd_bpe.c - `nexttoken bpe train`: learn a byte-pair vocabulary from a text. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/base/array.h"
#include "core/base/clock.h"
#include "core/base/paths.h"
#include "core/text/bpe_train.h"
#include "core/text/corpus.h"
#include "core/text/pretok.h"
#include "core/text/vocabfile.h"

static const char usage[] =
    N_("usage: nexttoken bpe train --corpus FILE --vocab-size N --out FILE [--trace] [--json]\n"
    "\n"
    "Learns byte-pair merges: starting from the 256 bytes, the most frequent adjacent pair of\n"
    "tokens in the corpus is merged into a new token, again and again, until the vocabulary has\n"
    "N tokens (or no pair is left to merge). Text is first cut into words by GPT-2's pattern, so\n"
    "no token spans two words. Ties go to the lower pair of ids.\n"
    "\n"
    "  --corpus FILE     UTF-8 text to learn from\n"
    "  --vocab-size N    tokens wanted, 256 (bytes only) or more\n"
    "  --out FILE        the tokenizer, for --tokenizer FILE elsewhere\n"
    "  --pattern P       gpt2 (default), cl100k, o200k, or none (no pre-tokenizer)\n"
    "  --trace           one line per merge: rank, the pair as text, its count, the new id\n"
    "  --json            {vocab_size, seconds, merges: [{rank, pair, pieces, count, id}]}\n");

/* A merged pair, its two pieces read together: "옛[1-2/3]" "옛[3/3]" when they finish a character. */
static void show_pair(const BpeTrainer *t, int32_t a, int32_t b)
{
    const uint8_t *tok[2];
    size_t len[2];
    tok[0] = bpe_trainer_token(t, a, &len[0]), tok[1] = bpe_trainer_token(t, b, &len[1]);
    Pieces p;
    Err e;
    char inner[256];
    if (pieces_build(&p, tok, len, 2, &e)) return; /* out of memory: the line goes without its pair */
    for (size_t i = 0; i < 2; i++) {
        pieces_label(&p, i, 0, inner, sizeof inner);
        printf("%s\"%s\"", i ? " " : "", inner);
    }
    pieces_free(&p);
}

int cmd_bpe(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) return fputs(usage, stdout), 0;
    if (argc < 2 || strcmp(argv[1], "train") != 0)
        return cli_fail_input(_("bpe: the subcommand is train (nexttoken bpe train --help)"));
    argc--, argv++;
    argv[0] = "bpe train";
    const char *corpus_path = NULL, *out = NULL, *pattern_name = "gpt2";
    int vocab = 0, trace = 0, json = 0;
    ArgSpec specs[] = {
        {"corpus", ARG_STR, &corpus_path, NO_RANGE, 0},
        {"vocab-size", ARG_INT, &vocab, 256, TOKENIZER_MAX_VOCAB, 0},
        {"out", ARG_STR, &out, NO_RANGE, 0},
        {"pattern", ARG_STR, &pattern_name, NO_RANGE, 0},
        {"trace", ARG_FLAG, &trace, NO_RANGE, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        ARG_END,
    };
    char *pos[1];
    int n_pos;
    Err e;
    int rc;
    if (cli_args(argc, argv, specs, pos, &n_pos, 0, usage, &rc)) return rc;
    if (!corpus_path || !vocab || !out) return cli_fail_input(_("bpe train: --corpus, --vocab-size and --out are all required"));
    int pattern = -1;
    for (int p = 0; p < PRETOK_COUNT; p++)
        if (strcmp(pattern_name, pretok_name(p)) == 0) pattern = p;
    if (pattern < 0) return cli_fail_input(_("bpe train: unknown pattern '%s' (gpt2, cl100k, o200k or none)"), pattern_name);
    /* Refuse a bad --out before the work, not after. */
    if (output_may_replace(out, &tokenizer_file_kind, &e)) return cli_fail(&e);

    Corpus c;
    char found[NT_PATH_MAX];
    path_corpus(corpus_path, found, sizeof found); /* a shipped corpus by name, from anywhere */
    if (corpus_open(&c, found, &e)) return cli_fail(&e);
    double t0 = clock_now();
    BpeTrainer *bt = bpe_trainer_create(c.data, c.size, pattern, &e);
    if (!bt) {
        corpus_close(&c);
        return cli_fail(&e);
    }
    Progress prog;
    progress_init(&prog);
    BpeMerge *merges = NULL; /* for --json */
    size_t merges_cap = 0;
    int n_merges = 0, status = 0, stopped_early = 0;
    while (bpe_trainer_vocab_size(bt) < vocab) {
        BpeMerge m;
        int r = bpe_trainer_step(bt, &m, &e);
        if (r < 0) {
            status = cli_fail(&e);
            break;
        }
        if (r == 0) {
            stopped_early = 1;
            break;
        }
        if (json && array_grow((void **)&merges, &merges_cap, (size_t)n_merges + 1, sizeof *merges, 1024)) {
            status = cli_fail_nomem(N_("the merges"), sizeof *merges * ((size_t)n_merges + 1));
            break;
        }
        if (json) merges[n_merges] = m;
        n_merges++;
        if (trace && !json) {
            printf("%6d ", m.rank);
            show_pair(bt, m.a, m.b);
            printf(" %lld -> %d", (long long)m.count, m.id);
            if (!m.is_new) printf(_(" (already a token)"));
            putchar('\n');
        }
        char bar[32];
        progress_show(&prog, 0, _("%s %d/%d tokens, %d merges"),
                      progress_bar((double)(bpe_trainer_vocab_size(bt) - 256) / (vocab - 256 > 0 ? vocab - 256 : 1), 20, bar),
                      bpe_trainer_vocab_size(bt), vocab, n_merges);
    }
    progress_done(&prog);
    double secs = clock_now() - t0;
    Tokenizer tok;
    if (!status && bpe_trainer_tokenizer(bt, &tok, &e)) status = cli_fail(&e);
    else if (!status) {
        if (tokenizer_save(out, &tok, &e)) status = cli_fail(&e);
        tokenizer_free(&tok);
    }
    if (!status) {
        size_t total, distinct;
        bpe_trainer_chunk_counts(bt, &total, &distinct);
        int got = bpe_trainer_vocab_size(bt);
        if (stopped_early)
            cli_line(stderr, _("nexttoken: note: stopped at %d tokens: no pair of tokens is left to merge in %s"), got, corpus_path);
        if (json) {
            Json j;
            json_init(&j, stdout);
            json_obj(&j);
            json_key(&j, "vocab_size"), json_int(&j, got);
            json_key(&j, "seconds"), json_num(&j, secs);
            json_key(&j, "chunks"), json_int(&j, (long long)total);
            json_key(&j, "distinct_chunks"), json_int(&j, (long long)distinct);
            json_key(&j, "stopped_early"), json_bool(&j, stopped_early);
            json_key(&j, "merges"), json_arr(&j);
            for (int i = 0; i < n_merges; i++) {
                size_t na, nb;
                const uint8_t *a = bpe_trainer_token(bt, merges[i].a, &na), *b = bpe_trainer_token(bt, merges[i].b, &nb);
                json_obj(&j);
                json_key(&j, "rank"), json_int(&j, merges[i].rank);
                json_key(&j, "pair"), json_arr(&j), json_int(&j, merges[i].a), json_int(&j, merges[i].b), json_arr_end(&j);
                json_key(&j, "pieces"), json_arr(&j), json_strn(&j, a, na), json_strn(&j, b, nb), json_arr_end(&j);
                json_key(&j, "bytes"), json_arr(&j), json_hex(&j, a, na), json_hex(&j, b, nb), json_arr_end(&j);
                json_key(&j, "count"), json_int(&j, merges[i].count);
                json_key(&j, "id"), json_int(&j, merges[i].id);
                json_obj_end(&j);
            }
            json_arr_end(&j);
            json_obj_end(&j);
            json_end(&j);
        } else {
            cli_line(stdout, _("learned %d merges in %.3f s: %d tokens from %zu chunks (%zu distinct) of %s; saved %s"), n_merges,
                     secs, got, total, distinct, corpus_path, out);
        }
    }
    free(merges);
    bpe_trainer_free(bt);
    corpus_close(&c);
    return status;
}
