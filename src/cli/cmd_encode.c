/* cmd_encode.c - `nexttoken encode` and `nexttoken decode`: text to token ids and back. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/base/escape.h"
#include "core/text/corpus.h"
#include "core/text/wordtok.h"

static const char encode_usage[] =
    "usage: nexttoken encode --tokenizer (FILE | gpt2 | cl100k | o200k | byte) [--json] [TEXT]\n"
    "\n"
    "The token ids of TEXT and the pieces of text they stand for; with no TEXT, each line of\n"
    "standard input in turn. Pieces are shown with \\n, \\t and \\xNN for what would not print,\n"
    "so a token that ends inside a character shows its bytes. A TEXT that begins with '-'\n"
    "follows --.\n"
    "\n"
    "  --tokenizer T   byte (one token per byte), gpt2 (GPT-2, 50,257 tokens), cl100k (GPT-4),\n"
    "                  o200k (GPT-4o), or a file: `nexttoken bpe train` output, a checkpoint, or\n"
    "                  llm.c's gpt2_tokenizer.bin. gpt2, cl100k and o200k need `make gpt2-vocab`.\n"
    "  --json          one object per text: {\"ids\": [...], \"pieces\": [...]}\n"
    "\n"
    "For comparison, --tokenizer word or char with --corpus FILE: a vocabulary of the words (or\n"
    "characters) of FILE, where anything unseen becomes <unk>.\n";

static const char decode_usage[] =
    "usage: nexttoken decode --tokenizer (FILE | gpt2 | cl100k | o200k | byte) ID...\n"
    "\n"
    "The text the token ids stand for, byte for byte.\n";

static void print_encoding(const Tokenizer *t, const int32_t *ids, size_t n, int json)
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
        json_obj_end(&j);
        json_end(&j);
        return;
    }
    printf("%zu token%s:", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) printf(" %d", ids[i]);
    printf("\npieces:");
    for (size_t i = 0; i < n; i++) {
        char label[514];
        printf(" %s", cli_token_label(t, ids[i], label, sizeof label));
    }
    putchar('\n');
}

/* encode with a word or character vocabulary learned from a corpus */
static int encode_wordtok(const char *kind, const char *corpus_path, const char *text, int json)
{
    Err e;
    if (!corpus_path) return cli_fail_input("encode: --tokenizer %s learns its vocabulary from --corpus FILE", kind);
    if (!text) return cli_fail_input("encode: --tokenizer %s takes a TEXT", kind);
    WordTok *w = cli_load_wordtok(kind, corpus_path, &e);
    if (!w) return cli_fail(&e);
    size_t n = strlen(text), unknown;
    int32_t *ids = malloc(sizeof(int32_t) * (n + 1));
    long k = ids ? wordtok_encode(w, (const uint8_t *)text, n, ids, &unknown) : -1;
    if (k < 0) {
        free(ids);
        wordtok_free(w);
        return cli_fail_nomem("token ids", sizeof(int32_t) * (n + 1));
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
        printf("%ld token%s (%s vocabulary of %d from %s, %zu unknown):", k, k == 1 ? "" : "s", kind,
               wordtok_vocab_size(w), escape_str(corpus_path, from, sizeof from), unknown);
        for (long i = 0; i < k; i++) printf(" %d", ids[i]);
        printf("\npieces:");
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
        json_obj_end(&j);
        json_end(&j);
    } else {
        putchar('\n');
    }
    free(ids);
    wordtok_free(w);
    return 0;
}

int cmd_encode(int argc, char **argv)
{
    const char *spec = NULL, *corpus = NULL;
    int json = 0;
    ArgSpec specs[] = {
        {"tokenizer", ARG_STR, &spec, NO_RANGE, 0},
        {"corpus", ARG_STR, &corpus, NO_RANGE, 0},
        {"json", ARG_FLAG, &json, NO_RANGE, 0},
        ARG_END,
    };
    char *pos[1];
    int n_pos;
    Err e;
    int rc;
    if (cli_args(argc, argv, specs, pos, &n_pos, 1, encode_usage, &rc)) return rc;
    if (!spec) return cli_fail_input("encode: --tokenizer is required (byte, gpt2, cl100k, o200k or a file)");
    if (strcmp(spec, "word") == 0 || strcmp(spec, "char") == 0)
        return encode_wordtok(spec, corpus, n_pos ? pos[0] : NULL, json);
    if (corpus) return cli_fail_input("encode: --corpus goes with --tokenizer word or char");
    Tokenizer t;
    if (load_tokenizer(spec, &t, &e)) return cli_fail(&e);
    int32_t *ids = NULL;
    size_t cap = 0, n = 0;
    int status = 0;
    if (n_pos == 1) {
        if (tokenizer_encode(&t, (const uint8_t *)pos[0], strlen(pos[0]), &ids, &cap, &n, &e)) status = cli_fail(&e);
        else print_encoding(&t, ids, n, json);
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
            print_encoding(&t, ids, n, json);
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
    if (!pos) return cli_fail_nomem("arguments", sizeof(char *) * (size_t)(argc + 1));
    if (cli_args(argc, argv, specs, pos, &n_pos, argc, decode_usage, &rc)) return free(pos), rc;
    if (!spec) return free(pos), cli_fail_input("decode: --tokenizer is required (byte, gpt2, cl100k, o200k or a file)");
    Tokenizer t;
    if (load_tokenizer(spec, &t, &e)) return free(pos), cli_fail(&e);
    int32_t *ids = malloc(sizeof(int32_t) * (size_t)(n_pos + 1));
    int status = ids ? cli_parse_ids("decode", pos, n_pos, t.n_vocab, t.name, ids)
                     : cli_fail_nomem("token ids", sizeof(int32_t) * (size_t)(n_pos + 1));
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
