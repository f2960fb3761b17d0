/* cmd_encode.c - `nexttoken encode` and `nexttoken decode`: text to token ids and back. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/base/clock.h"
#include "core/base/escape.h"
#include "core/text/corpus.h"
#include "core/text/shard.h"
#include "core/text/tokstream.h"
#include "core/text/wordtok.h"

static const char encode_usage[] =
    N_("usage: nexttoken encode --tokenizer (FILE | gpt2 | cl100k | o200k | byte) [--json] [TEXT]\n"
    "       nexttoken encode --tokenizer T --format llmc --out FILE CORPUS...\n"
    "\n"
    "The token ids of TEXT and the pieces of text they stand for; with no TEXT, each line of\n"
    "standard input in turn. Pieces are shown with \\n, \\t and \\xNN for what would not print;\n"
    "a token that holds part of a character shows the character and which of its bytes it\n"
    "holds, \"옛[1/3]\". A TEXT that begins with '-' follows --.\n"
    "\n"
    "  --tokenizer T   byte (one token per byte), gpt2 (GPT-2, 50,257 tokens), cl100k (GPT-4),\n"
    "                  o200k (GPT-4o), or a file: `nexttoken bpe train` output, a checkpoint, or\n"
    "                  llm.c's gpt2_tokenizer.bin. gpt2, cl100k and o200k need `make gpt2-vocab`.\n"
    "  --json          one object per text: {\"ids\": [...], \"pieces\": [...], \"bytes\": [hex...]}\n"
    "\n"
    "With --format llmc, the CORPUS files become one token shard in llm.c's format (a header of\n"
    "256 int32 - magic 20240520, version 1, the token count - then the tokens as uint16), for\n"
    "`nexttoken train --data` or llm.c's train_gpt2cu -i/-j. Each file is one document, preceded\n"
    "by <|endoftext|> when the tokenizer has one (gpt2; byte and learned byte pairs have no such\n"
    "token and get no separator). A tokenizer of more than 65,536 tokens (cl100k, o200k) cannot\n"
    "be written in 16 bits and is refused. The files are read in pieces, encoded on every core\n"
    "(--threads N), and --out is replaced only if it is a shard.\n"
    "\n"
    "For comparison, --tokenizer word or char with --corpus FILE: a vocabulary of the words (or\n"
    "characters) of FILE, where anything unseen becomes <unk>.\n");

static const char decode_usage[] =
    N_("usage: nexttoken decode --tokenizer (FILE | gpt2 | cl100k | o200k | byte) ID...\n"
    "\n"
    "The text the token ids stand for, byte for byte.\n");

static int print_encoding(const Tokenizer *t, const int32_t *ids, size_t n, int json)
{
    if (json) {
        Json j;
        json_init(&j, stdout);
        json_obj(&j);
        json_key(&j, "ids"), json_arr(&j);
        for (size_t i = 0; i < n; i++) json_int(&j, ids[i]);
        json_arr_end(&j);
        json_key(&j, "pieces"), json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            size_t k;
            const uint8_t *b = tokenizer_token(t, ids[i], &k);
            json_strn(&j, b, k);
        }
        json_arr_end(&j);
        /* the pieces' exact bytes: a piece that is part of a character is U+FFFD above */
        json_key(&j, "bytes"), json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            size_t k;
            const uint8_t *b = tokenizer_token(t, ids[i], &k);
            json_hex(&j, b, k);
        }
        json_arr_end(&j);
        json_obj_end(&j);
        json_end(&j);
        return 0;
    }
    Pieces p;
    Err e;
    if (tokenizer_pieces(t, NULL, ids, n, &p, &e)) return cli_fail(&e);
    printf(P_("%zu token:", "%zu tokens:", n), n);
    for (size_t i = 0; i < n; i++) printf(" %d", ids[i]);
    fputs(_("\npieces:"), stdout);
    for (size_t i = 0; i < n; i++) {
        char label[514];
        printf(" %s", cli_pieces_label(t, &p, i, ids[i], label, sizeof label));
    }
    putchar('\n');
    pieces_free(&p);
    return 0;
}

/* encode with a word or character vocabulary learned from a corpus */
static int encode_wordtok(const char *kind, const char *corpus_path, const char *text, int json)
{
    Err e;
    if (!corpus_path) return cli_fail_input(_("encode: --tokenizer %s learns its vocabulary from --corpus FILE"), kind);
    if (!text) return cli_fail_input(_("encode: --tokenizer %s takes a TEXT"), kind);
    WordTok *w = cli_load_wordtok(kind, corpus_path, &e);
    if (!w) return cli_fail(&e);
    size_t n = strlen(text), unknown;
    int32_t *ids = malloc(sizeof(int32_t) * (n + 1));
    long k = ids ? wordtok_encode(w, (const uint8_t *)text, n, ids, &unknown) : -1;
    if (k < 0) {
        free(ids);
        wordtok_free(w);
        return cli_fail_nomem(N_("token ids"), sizeof(int32_t) * (n + 1));
    }
    Json j;
    if (json) {
        json_init(&j, stdout);
        json_obj(&j);
        json_key(&j, "vocab_size"), json_int(&j, wordtok_vocab_size(w));
        json_key(&j, "unknown"), json_int(&j, (long long)unknown);
        json_key(&j, "ids"), json_arr(&j);
        for (long i = 0; i < k; i++) json_int(&j, ids[i]);
        json_arr_end(&j);
        json_key(&j, "pieces"), json_arr(&j);
    } else {
        char from[1024];
        printf(P_("%ld token (%s vocabulary of %d from %s, %zu unknown):", "%ld tokens (%s vocabulary of %d from %s, %zu unknown):", k), k, kind,
               wordtok_vocab_size(w), escape_str(corpus_path, from, sizeof from), unknown);
        for (long i = 0; i < k; i++) printf(" %d", ids[i]);
        fputs(_("\npieces:"), stdout);
    }
    for (long i = 0; i < k; i++) {
        size_t len;
        const char *t = wordtok_token(w, ids[i], &len);
        if (json) {
            json_strn(&j, (const uint8_t *)t, len);
        } else {
            char label[258];
            printf(" %s", cli_piece_label((const uint8_t *)t, len, label, sizeof label));
        }
    }
    if (json) {
        json_arr_end(&j);
        json_key(&j, "bytes"), json_arr(&j); /* as the byte pairs' output has them */
        for (long i = 0; i < k; i++) {
            size_t len;
            const char *t = wordtok_token(w, ids[i], &len);
            json_hex(&j, (const uint8_t *)t, len);
        }
        json_arr_end(&j);
        json_obj_end(&j);
        json_end(&j);
    } else {
        putchar('\n');
    }
    free(ids);
    wordtok_free(w);
    return 0;
}

static int encode_text(const char *spec, const char *corpus, const char *text, int json);

/* ---- encode --format llmc ---- */

static int shard_sink(void *ctx, const int32_t *ids, size_t n, Err *e) { return shard_writer_add(ctx, ids, n, e); }

typedef struct {
    Progress p;
    double t0;
} EncodeProgress;

static void show_progress(void *ctx, uint64_t bytes, uint64_t total, uint64_t tokens)
{
    EncodeProgress *ep = ctx;
    double el = clock_now() - ep->t0;
    char bar[32];
    progress_show(&ep->p, 0, _("%s %.1f of %.1f MB  %llu tokens  %.1f MB/s  %.0f tokens/s"), progress_bar((double)bytes / (double)total, 20, bar),
                  bytes / 1e6, total / 1e6, (unsigned long long)tokens, el > 0 ? bytes / 1e6 / el : 0, el > 0 ? tokens / el : 0);
}

/* The corpus files as one llm.c token shard at out. */
static int encode_shard(const char *spec, const char *out, char *const *files, int n_files, int threads)
{
    Err e;
    if (n_files == 0) return cli_fail_input(_("encode: --format llmc takes the text files to encode (CORPUS...)"));
    for (int i = 0; i < n_files; i++)
        if (output_same(out, files[i])) return cli_fail_input(_("encode: --out %s is also a text to encode"), out);
    Tokenizer t;
    if (load_tokenizer(spec, &t, &e)) return cli_fail(&e);
    ShardWriter *w = malloc(sizeof *w);
    if (!w) return tokenizer_free(&t), cli_fail_nomem(N_("shard writer"), sizeof *w);
    if (shard_writer_open(w, out, spec, t.n_vocab, &e)) {
        free(w);
        tokenizer_free(&t);
        return cli_fail(&e);
    }
    ParPool *pool = par_create(threads ? threads : par_cpu_count(), &e);
    int status = 0;
    if (!pool) {
        status = cli_fail(&e);
        shard_writer_abort(w);
    } else {
        EncodeProgress ep = {.t0 = clock_now()};
        progress_init(&ep.p);
        TokStream ts = {&t, tokenizer_special_id(&t, "<|endoftext|>"), 0, pool, shard_sink, w, show_progress, &ep};
        uint64_t bytes, tokens;
        int rc = tokstream_files(&ts, (const char *const *)files, n_files, &bytes, &tokens, &e);
        progress_done(&ep.p);
        if (rc) {
            shard_writer_abort(w);
            status = cli_fail(&e);
        } else if (shard_writer_commit(w, &e)) {
            status = cli_fail(&e);
        } else {
            double el = clock_now() - ep.t0;
            cli_line(stdout, P_("%llu tokens from %d file (%llu bytes) in %.2f s; wrote %s", "%llu tokens from %d files (%llu bytes) in %.2f s; wrote %s", n_files),
                     (unsigned long long)tokens, n_files, (unsigned long long)bytes, el, out);
        }
        par_free(pool);
    }
    free(w);
    tokenizer_free(&t);
    return status;
}

int cmd_encode(int argc, char **argv)
{
    const char *spec = NULL, *corpus = NULL, *format = NULL, *out = NULL;
    int json = 0, threads = 0;
    ArgSpec specs[] = {
        {"tokenizer", ARG_STR, &spec, NO_RANGE, 0},
        {"corpus", ARG_STR, &corpus, NO_RANGE, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        {"format", ARG_STR, &format, NO_RANGE, 0},
        {"out", ARG_STR, &out, NO_RANGE, 0},
        {"threads", ARG_INT, &threads, 1, par_max_threads(), 0},
        ARG_END,
    };
    char **pos = malloc(sizeof(char *) * (size_t)(argc + 1));
    int n_pos;
    int rc;
    if (!pos) return cli_fail_nomem(N_("arguments"), sizeof(char *) * (size_t)(argc + 1));
    if (cli_args(argc, argv, specs, pos, &n_pos, argc, encode_usage, &rc)) return free(pos), rc;
    if (!spec) return free(pos), cli_fail_input(_("encode: --tokenizer is required (byte, gpt2, cl100k, o200k or a file)"));
    if (!format && args_seen(specs, "threads")) return free(pos), cli_fail_input(_("encode: --threads goes with --format llmc"));
    if (format || out) {
        if (!format) return free(pos), cli_fail_input(_("encode: --out goes with --format llmc"));
        if (strcmp(format, "llmc") != 0) return free(pos), cli_fail_input(_("encode: unknown --format '%s' (llmc: llm.c's token shards)"), format);
        if (!out) return free(pos), cli_fail_input(_("encode: --format llmc needs --out FILE (the shard to write)"));
        if (json || corpus) return free(pos), cli_fail_input(_("encode: --format llmc writes a file; --json and --corpus do not go with it"));
        rc = encode_shard(spec, out, pos, n_pos, threads);
        free(pos);
        return rc;
    }
    if (n_pos > 1) return free(pos), cli_fail_input(_("encode: one TEXT at a time (quote it); files go with --format llmc --out FILE"));
    rc = encode_text(spec, corpus, n_pos ? pos[0] : NULL, json);
    free(pos);
    return rc;
}

/* encode TEXT, or each line of standard input */
static int encode_text(const char *spec, const char *corpus, const char *text, int json)
{
    Err e;
    if (strcmp(spec, "word") == 0 || strcmp(spec, "char") == 0) return encode_wordtok(spec, corpus, text, json);
    if (corpus) return cli_fail_input(_("encode: --corpus goes with --tokenizer word or char"));
    Tokenizer t;
    if (load_tokenizer(spec, &t, &e)) return cli_fail(&e);
    int32_t *ids = NULL;
    size_t cap = 0, n = 0;
    int status = 0;
    if (text) {
        if (tokenizer_encode(&t, (const uint8_t *)text, strlen(text), &ids, &cap, &n, &e)) status = cli_fail(&e);
        else status = print_encoding(&t, ids, n, json);
    } else {
        char *line = NULL;
        size_t lcap = 0;
        ssize_t len;
        while ((len = getline(&line, &lcap, stdin)) >= 0) {
            if (len > 0 && line[len - 1] == '\n') len--;
            if (tokenizer_encode(&t, (const uint8_t *)line, (size_t)len, &ids, &cap, &n, &e)) {
                status = cli_fail(&e);
                break;
            }
            if ((status = print_encoding(&t, ids, n, json))) break;
            fflush(stdout);
        }
        free(line);
    }
    free(ids);
    tokenizer_free(&t);
    return status;
}

int cmd_decode(int argc, char **argv)
{
    const char *spec = NULL;
    ArgSpec specs[] = {
        {"tokenizer", ARG_STR, &spec, NO_RANGE, 0},
        ARG_END,
    };
    char **pos = malloc(sizeof(char *) * (size_t)(argc + 1));
    int n_pos;
    Err e;
    int rc;
    if (!pos) return cli_fail_nomem(N_("arguments"), sizeof(char *) * (size_t)(argc + 1));
    if (cli_args(argc, argv, specs, pos, &n_pos, argc, decode_usage, &rc)) return free(pos), rc;
    if (!spec) return free(pos), cli_fail_input(_("decode: --tokenizer is required (byte, gpt2, cl100k, o200k or a file)"));
    Tokenizer t;
    if (load_tokenizer(spec, &t, &e)) return free(pos), cli_fail(&e);
    int32_t *ids = malloc(sizeof(int32_t) * (size_t)(n_pos + 1));
    int status = ids ? cli_parse_ids("decode", pos, n_pos, t.n_vocab, t.name, ids)
                     : cli_fail_nomem(N_("token ids"), sizeof(int32_t) * (size_t)(n_pos + 1));
    if (!status) {
        uint8_t *text = NULL;
        size_t tcap = 0, len = 0;
        if (tokenizer_decode(&t, ids, (size_t)n_pos, &text, &tcap, &len, &e)) status = cli_fail(&e);
        else {
            TextOut o;
            textout_init(&o, stdout);
            textout_write(&o, text, len);
            textout_end(&o);
        }
        free(text);
    }
    free(ids);
    free(pos);
    tokenizer_free(&t);
    return status;
}
