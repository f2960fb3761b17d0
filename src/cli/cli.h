/*
 * cli.h - what the command-line front end's commands share: argument parsing, the one-line
 * error convention, JSON output, the progress line, the word and character vocabularies, and
 * how a token is printed. Models and tokenizers are loaded by core/train/loader.h.
 *
 * Each command lives in cmd_<name>.c as `int cmd_<name>(int argc, char **argv)`, returning the
 * process exit status: 0 done, 1 failed (out of memory, a disk error, training diverged), 2 bad
 * input (a flag, a file), 128 + the signal's number when a signal stopped it (train saves
 * first: 130 for Ctrl-C, 143 for SIGTERM). Errors are printed as one line, "nexttoken: <what is
 * wrong>". Whatever reaches the terminal from a file or an argument is escaped first
 * (core/base/escape.h): errors by cli_fail, other lines by cli_line or the piece labels.
 */
#ifndef NT_CLI_H
#define NT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/base/err.h"
#include "core/base/i18n.h"
#include "core/text/pieces.h"
#include "core/train/loader.h"

#define NT_VERSION "0.1.0"

/* ---- errors ---- */

/* Prints "nexttoken: msg" to stderr and returns the exit status for e (2 input, 1 internal). */
int cli_fail(const Err *e);
/* The same for a message made here (status 2). */
int cli_fail_input(const char *fmt, ...) NT_PRINTF(1, 2);
/* "nexttoken: out of memory allocating N bytes for what" (err_nomem's line), and exit status 1. */
int cli_fail_nomem(const char *what, unsigned long long bytes);
/* Token ids from n arguments into ids, each a whole number 0 <= id < V; else a one-line error
 * "CMD: 'x' is not a token id of OF (0 to V-1)" and its exit status. */
int cli_parse_ids(const char *cmd, char *const *args, int n, int V, const char *of, int32_t *ids);

/* The start of a command over a model and its input, TEXT or --ids ID...: refuses no argument,
 * or several without --ids (the text must be quoted); loads the model (a tokenizer needed only
 * for a TEXT); gives the input as token ids, malloc'd into *ids (*n of them), each checked
 * against the vocabulary. 0 with ck and *ids to free, or the one-line error's status with
 * nothing to free. */
int cli_model_input(const char *cmd, const char *model, char *const *pos, int n_pos, int use_ids, Checkpoint *ck,
                    int32_t **ids, size_t *n);

/* One line of output to f: formatted, escaped (so a path or a name from a file cannot act on
 * the terminal), then a newline. The format should not end in one. */
void cli_line(FILE *f, const char *fmt, ...) NT_PRINTF(2, 3);

/* ---- arguments ---- */

typedef enum { ARG_FLAG, ARG_STR, ARG_INT, ARG_LONG, ARG_U64, ARG_FLOAT, ARG_DOUBLE } ArgType;

typedef struct ArgSpec {
    const char *name;   /* "temperature" for --temperature */
    ArgType type;
    void *dst;          /* int* for flags and ints, long*, uint64_t*, float*, double*, const char** */
    double min, max;    /* inclusive range for numbers (ignored when min > max) */
    int seen;           /* set by the parser */
} ArgSpec;

#define ARG_END {NULL, ARG_FLAG, NULL, 0, 0, 0}
#define NO_RANGE 1, 0

/* Parses argv[1..] (argv[0] is the command's name, "" for nexttoken's own options, and starts
 * every error: "train: --steps ..."): --name value, --name=value, --flag, and
 * positional arguments, which may be negative numbers (-2.1 is a logit, not an option); "--"
 * ends the options. Positionals go to pos (at most max_pos). Returns 0, 1 when --help or -h
 * was given, or -1 with e filled. */
int args_parse(int argc, char **argv, ArgSpec *specs, char **pos, int *n_pos, int max_pos, Err *e);
const ArgSpec *args_find(const ArgSpec *specs, const char *name);
/* args_parse for a command: 1 when the command is done (its usage printed for --help, *status
 * 0; or the error printed, *status 2), 0 to go on. */
int cli_args(int argc, char **argv, ArgSpec *specs, char **pos, int *n_pos, int max_pos, const char *usage,
             int *status);
static inline int args_seen(const ArgSpec *specs, const char *name)
{
    const ArgSpec *s = args_find(specs, name);
    return s && s->seen;
}
/* cli_args for a command that reads a model (specs has "model", which it insists on): the
 * positionals go to *pos, malloc'd for the caller to free when this returns 0. 1 when the
 * command is done (help printed or an error, *status set; nothing to free). */
int cli_model_args(const char *cmd, int argc, char **argv, ArgSpec *specs, const char *usage, char ***pos, int *n_pos,
                   int *status);

/* ---- JSON ---- */

typedef struct Json {
    FILE *f;
    int depth;
    int first[64];   /* no comma needed yet at this depth */
    int after_key;
} Json;

void json_init(Json *j, FILE *f);
void json_obj(Json *j);
void json_obj_end(Json *j);
void json_arr(Json *j);
void json_arr_end(Json *j);
void json_key(Json *j, const char *key);
/* A string from bytes; invalid UTF-8 becomes U+FFFD so the output is always valid JSON, and
 * every control character (C0, DEL, C1) is a \u escape, so that it is safe on a terminal too. */
void json_strn(Json *j, const uint8_t *s, size_t n);
void json_str(Json *j, const char *s);
/* Bytes as a string of lowercase hex, two digits a byte ("ec98"). */
void json_hex(Json *j, const uint8_t *s, size_t n);
/* A token's piece as every command's JSON gives it: "text", the piece as a string (a byte that
 * is no whole character there becomes U+FFFD, as json_strn does), and "bytes", its exact bytes
 * in hex, so that a piece that is part of a character loses nothing. */
void cli_json_piece(Json *j, const uint8_t *b, size_t n);
void json_num(Json *j, double v);   /* NaN and infinities become null */
void json_int(Json *j, long long v);
void json_bool(Json *j, int v);
void json_end(Json *j);             /* the final newline */
/* "tokens": [{"id": ..., "text": ..., "bytes": ...}] for ids, the text "" without a tokenizer. */
void cli_json_tokens(Json *j, const Tokenizer *tok, const int32_t *ids, size_t n);

/* ---- progress line on stderr ---- */

typedef struct Progress {
    int tty;            /* stderr is a terminal: the line is redrawn in place; else nothing */
    double start, last;
    int width;
} Progress;

void progress_init(Progress *p);
/* Shows `text` on stderr, redrawn in place, at most 10 times a second (`force`: now). Only on a
 * terminal: a log or a pipe gets no progress lines (the command's last line says how it went). */
void progress_show(Progress *p, int force, const char *fmt, ...) NT_PRINTF(3, 4);
void progress_done(Progress *p);
/* "[#######.............]" for a fraction done, in buf (width + 3 bytes). */
const char *progress_bar(double frac, int width, char *buf);
/* "1m05s", "2h03m", "12.3s" */
void fmt_duration(double s, char *out, size_t cap);

/* ---- a model's text (textout.c) ---- */

/* Text a model wrote, for stdout: on a terminal its control bytes (but newline and tab) and the
 * bytes that are no UTF-8 character are shown escaped, so that no token can act on the terminal;
 * into a pipe or a file it goes byte for byte. Written in pieces (tokens), a character split
 * between two is kept whole. */
typedef struct TextOut {
    FILE *f;
    int tty;
    uint8_t pend[4]; /* a character begun and not yet finished */
    int n_pend;
} TextOut;

void textout_init(TextOut *o, FILE *f);
void textout_write(TextOut *o, const uint8_t *b, size_t n);
/* A character left unfinished at the end: its bytes, escaped. */
void textout_end(TextOut *o);

/* ---- models ---- */

/* The word or character vocabulary ("word" or "char") of a corpus file; NULL with e filled. */
struct WordTok *cli_load_wordtok(const char *kind, const char *corpus_path, Err *e);

/* A piece of text as the tables print a token, into out (cap bytes, at least 3): its bytes
 * escaped for a terminal (escape_bytes) in double quotes, cut to cap - 3 characters.
 * Returns out. */
const char *cli_piece_label(const uint8_t *b, size_t n, char *out, size_t cap);
/* The same for token id of t; #ID when there is no tokenizer (an llm.c model). */
const char *cli_token_label(const Tokenizer *t, int32_t id, char *out, size_t cap);

/* s padded with spaces to `width` terminal columns (utf8_width: Korean is two a character), on
 * the right, or on the left with PAD_RIGHT; when it is wider, as it is, or with PAD_CUT cut
 * to the whole characters that fit. Into out (cap bytes); returns out. */
enum { PAD_RIGHT = 1, PAD_CUT = 2 };
const char *cli_pad(const char *s, int width, int how, char *out, size_t cap);

/* Tokens in a text read together (core/text/pieces.h, their pieces from tokenizer_pieces): a
 * token that holds part of a character is labelled with the character and which of its bytes,
 * "옛[1/3]", never a bare \x98. */
/* Token i of p (whose id is id) as cli_token_label prints a token, read in its text. */
const char *cli_pieces_label(const Tokenizer *t, const Pieces *p, size_t i, int32_t id, char *out, size_t cap);
/* The last CLI_TAIL bytes (or fewer) of tokens ids, into tail; returns how many: the text a
 * candidate next token is read after (cli_token_label_after). */
#define CLI_TAIL 3
size_t cli_text_tail(const Tokenizer *t, const int32_t *ids, size_t n, uint8_t tail[CLI_TAIL]);
/* Token id as cli_token_label prints it, read after the bytes ctx[0 .. n_ctx): a candidate that
 * finishes a character the text began reads as that character, "옛[2-3/3]". */
const char *cli_token_label_after(const Tokenizer *t, const uint8_t *ctx, size_t n_ctx, int32_t id, char *out, size_t cap);

#endif
