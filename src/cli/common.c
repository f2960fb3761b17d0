/* common.c - errors, argument parsing, JSON and progress for the commands. See cli.h. */
#include "cli.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/base/clock.h"
#include "core/base/escape.h"
#include "core/base/number.h"
#include "core/base/paths.h"
#include "core/base/utf8.h"
#include "core/text/corpus.h"
#include "core/text/vocabfile.h"
#include "core/text/wordtok.h"

/* ------------------------------------------------------------------------------------------ */
/* Errors */

/* Every line a command prints about a problem passes here, escaped (core/base/escape.h): an
 * Err's message is escaped already, but one made by hand may not be, and escaping twice is
 * harmless. */
static void say_problem(const char *msg)
{
    char safe[4 * ERR_MSG_MAX];
    fprintf(stderr, "nexttoken: %s\n", escape_str(msg[0] ? msg : _("unknown error"), safe, sizeof safe));
}

int cli_fail(const Err *e)
{
    say_problem(e->msg);
    return e->code == ERR_INPUT ? 2 : 1;
}

int cli_parse_ids(const char *cmd, char *const *args, int n, int V, const char *of, int32_t *ids)
{
    for (int i = 0; i < n; i++) {
        long v;
        if (num_long(args[i], NULL, &v) != NUM_OK || v < 0 || v >= V)
            return cli_fail_input(_("%s: '%s' is not a token id of %s (0 to %d)"), cmd, args[i], of, V - 1);
        ids[i] = (int32_t)v;
    }
    return 0;
}

int cli_model_args(const char *cmd, int argc, char **argv, ArgSpec *specs, const char *usage, char ***pos, int *n_pos,
                   int *status)
{
    *pos = malloc(sizeof(char *) * (size_t)(argc + 1));
    if (!*pos) return *status = cli_fail_nomem(N_("arguments"), sizeof(char *) * (size_t)(argc + 1)), 1;
    if (cli_args(argc, argv, specs, *pos, n_pos, argc, usage, status)) return free(*pos), *pos = NULL, 1;
    if (!args_seen(specs, "model")) {
        free(*pos), *pos = NULL;
        *status = cli_fail_input(_("%s: --model FILE is required"), cmd);
        return 1;
    }
    return 0;
}

int cli_model_input(const char *cmd, const char *model, char *const *pos, int n_pos, int use_ids, Checkpoint *ck,
                    int32_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    memset(ck, 0, sizeof *ck);
    if (n_pos == 0) return cli_fail_input(_("%s: give a TEXT (or --ids ID...)"), cmd);
    if (!use_ids && n_pos > 1) return cli_fail_input(_("%s: give the text as one argument (quote it)"), cmd);
    Err e;
    /* ids need no tokenizer (an llm.c model may come without one); a text does */
    if (load_model(model, ck, CKPT_WEIGHTS, !use_ids, &e)) return cli_fail(&e);
    const int V = ck->model.cfg.n_vocab;
    int status = 0;
    if (use_ids) {
        *ids = malloc(sizeof(int32_t) * (size_t)n_pos);
        if (!*ids) status = cli_fail_nomem(N_("token ids"), sizeof(int32_t) * (size_t)n_pos);
        else if (!(status = cli_parse_ids(cmd, pos, n_pos, V, _("this model"), *ids))) *n = (size_t)n_pos;
    } else {
        size_t cap = 0;
        if (tokenizer_encode(&ck->tok, (const uint8_t *)pos[0], strlen(pos[0]), ids, &cap, n, &e)) status = cli_fail(&e);
    }
    if (status) {
        free(*ids), *ids = NULL;
        checkpoint_free(ck);
    }
    return status;
}

int cli_fail_input(const char *fmt, ...)
{
    Err e;
    va_list ap;
    va_start(ap, fmt);
    char raw[ERR_MSG_MAX];
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    err_input(&e, "%s", raw);
    return cli_fail(&e);
}

int cli_fail_nomem(const char *what, unsigned long long bytes)
{
    Err e;
    err_nomem(&e, what, bytes);
    return cli_fail(&e);
}

void cli_line(FILE *f, const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    escape_vformat(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(f, "%s\n", line);
}

/* ------------------------------------------------------------------------------------------ */
/* Arguments */

const ArgSpec *args_find(const ArgSpec *specs, const char *name)
{
    for (const ArgSpec *s = specs; s->name; s++)
        if (strcmp(s->name, name) == 0) return s;
    return NULL;
}

/* A positional that reads as a number (a negative logit) rather than an option. */
static int looks_numeric(const char *s)
{
    double v;
    return num_double(s, NULL, &v) != NUM_BAD;
}

/* `pre` is "train: ", or "" for nexttoken's own options. */
static int set_value(const char *pre, ArgSpec *s, const char *val, Err *e)
{
    if (s->type == ARG_STR) {
        *(const char **)s->dst = val;
        return 0;
    }
    const int integral = s->type == ARG_INT || s->type == ARG_LONG || s->type == ARG_U64;
    long l = 0;
    uint64_t u = 0;
    double v = 0;
    int rc = s->type == ARG_U64 ? num_u64(val, NULL, &u) : integral ? num_long(val, NULL, &l) : num_double(val, NULL, &v);
    if (rc == NUM_BAD)
        return err_input(e, _("%s--%s expects %s, not '%s'"), pre, s->name,
                         s->type == ARG_U64 ? _("a whole number >= 0") : integral ? _("a whole number") : _("a number"), val);
    if (rc == NUM_RANGE) return err_input(e, _("%s--%s is too large (%s)"), pre, s->name, val);
    if (integral) v = s->type == ARG_U64 ? (double)u : (double)l;
    if (s->min <= s->max && (v < s->min || v > s->max))
        return err_input(e, _("%s--%s must be between %.15g and %.15g (got %s)"), pre, s->name, s->min, s->max, val);
    switch (s->type) {
    case ARG_INT:
        if (l < INT_MIN || l > INT_MAX) return err_input(e, _("%s--%s is too large (%s)"), pre, s->name, val);
        *(int *)s->dst = (int)l;
        break;
    case ARG_LONG: *(long *)s->dst = l; break;
    case ARG_U64: *(uint64_t *)s->dst = u; break;
    case ARG_FLOAT:
        if (fabs(v) > FLT_MAX) return err_input(e, _("%s--%s is too large (%s)"), pre, s->name, val);
        *(float *)s->dst = (float)v;
        break;
    case ARG_DOUBLE: *(double *)s->dst = v; break;
    default: break;
    }
    return 0;
}

int args_parse(int argc, char **argv, ArgSpec *specs, char **pos, int *n_pos, int max_pos, Err *e)
{
    /* "train: ... (see nexttoken train --help)"; nexttoken's own options name no command */
    const char *cmd = argv[0];
    char pre[80], see[96];
    snprintf(pre, sizeof pre, "%s%s", cmd, *cmd ? ": " : "");
    snprintf(see, sizeof see, "nexttoken %s%s--help", cmd, *cmd ? " " : "");
    int only_pos = 0;
    *n_pos = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (!only_pos && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) return 1;
        if (!only_pos && a[0] == '-' && a[1] == '-') {
            char name[64];
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            if (len >= sizeof name) len = sizeof name - 1;
            memcpy(name, a + 2, len);
            name[len] = 0;
            ArgSpec *s = (ArgSpec *)args_find(specs, name);
            if (!s) return err_input(e, _("%sunknown option --%s (see %s)"), pre, name, see);
            s->seen = 1;
            if (s->type == ARG_FLAG) {
                if (eq) return err_input(e, _("%s--%s takes no value"), pre, name);
                *(int *)s->dst = 1;
                continue;
            }
            const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val) return err_input(e, _("%s--%s needs a value"), pre, name);
            if (set_value(pre, s, val, e)) return -1;
            continue;
        }
        if (!only_pos && a[0] == '-' && a[1] && !looks_numeric(a))
            return err_input(e, _("%sunknown option %s (see %s)"), pre, a, see);
        if (*n_pos >= max_pos) return err_input(e, _("%sunexpected argument '%s' (see %s)"), pre, a, see);
        pos[(*n_pos)++] = a;
    }
    return 0;
}

int cli_args(int argc, char **argv, ArgSpec *specs, char **pos, int *n_pos, int max_pos, const char *usage,
             int *status)
{
    Err e;
    int rc = args_parse(argc, argv, specs, pos, n_pos, max_pos, &e);
    if (rc == 1) {
        fputs(_(usage), stdout);
        *status = 0;
        return 1;
    }
    if (rc) {
        *status = cli_fail(&e);
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* JSON */

void json_init(Json *j, FILE *f)
{
    memset(j, 0, sizeof *j);
    j->f = f;
    j->first[0] = 1;
}

static void json_sep(Json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (!j->first[j->depth]) fputc(',', j->f);
    j->first[j->depth] = 0;
}

static void json_open(Json *j, char c)
{
    json_sep(j);
    fputc(c, j->f);
    if (j->depth < 63) j->depth++;
    j->first[j->depth] = 1;
}

void json_obj(Json *j) { json_open(j, '{'); }
void json_arr(Json *j) { json_open(j, '['); }
void json_obj_end(Json *j) { fputc('}', j->f), j->depth--; }
void json_arr_end(Json *j) { fputc(']', j->f), j->depth--; }

static void json_raw_string(Json *j, const uint8_t *s, size_t n)
{
    fputc('"', j->f);
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i];
        if (c == '"' || c == '\\') fprintf(j->f, "\\%c", c), i++;
        else if (c == '\n') fputs("\\n", j->f), i++;
        else if (c == '\t') fputs("\\t", j->f), i++;
        else if (c == '\r') fputs("\\r", j->f), i++;
        else if (c < 0x20 || c == 0x7f) fprintf(j->f, "\\u%04x", c), i++;
        else if (c < 0x80) fputc(c, j->f), i++;
        else {
            uint32_t cp;
            int k = utf8_decode(s + i, n - i, &cp);
            if (k && cp < 0xa0) fprintf(j->f, "\\u%04x", (unsigned)cp), i += (size_t)k; /* a C1 control */
            else if (k) fwrite(s + i, 1, (size_t)k, j->f), i += (size_t)k;
            else fputs("\xef\xbf\xbd", j->f), i++; /* U+FFFD */
        }
    }
    fputc('"', j->f);
}

void json_key(Json *j, const char *key)
{
    json_sep(j);
    json_raw_string(j, (const uint8_t *)key, strlen(key));
    fputc(':', j->f);
    j->after_key = 1;
}

void json_strn(Json *j, const uint8_t *s, size_t n)
{
    json_sep(j);
    json_raw_string(j, s, n);
}

void json_str(Json *j, const char *s) { json_strn(j, (const uint8_t *)s, strlen(s)); }

void json_hex(Json *j, const uint8_t *s, size_t n)
{
    json_sep(j);
    fputc('"', j->f);
    for (size_t i = 0; i < n; i++) fprintf(j->f, "%02x", s[i]);
    fputc('"', j->f);
}

void cli_json_piece(Json *j, const uint8_t *b, size_t n)
{
    json_key(j, "text"), json_strn(j, b, n);
    json_key(j, "bytes"), json_hex(j, b, n);
}

void json_num(Json *j, double v)
{
    json_sep(j);
    if (isfinite(v)) fprintf(j->f, "%.9g", v);
    else fputs("null", j->f);
}

void json_int(Json *j, long long v)
{
    json_sep(j);
    fprintf(j->f, "%lld", v);
}

void json_bool(Json *j, int v)
{
    json_sep(j);
    fputs(v ? "true" : "false", j->f);
}

void cli_json_tokens(Json *j, const Tokenizer *tok, const int32_t *ids, size_t n)
{
    json_key(j, "tokens"), json_arr(j);
    for (size_t i = 0; i < n; i++) {
        size_t k;
        const uint8_t *b = tokenizer_token(tok, ids[i], &k); /* "" without a tokenizer */
        json_obj(j);
        json_key(j, "id"), json_int(j, ids[i]);
        cli_json_piece(j, b, k);
        json_obj_end(j);
    }
    json_arr_end(j);
}

void json_end(Json *j) { fputc('\n', j->f); }

/* ------------------------------------------------------------------------------------------ */
/* Progress */

void fmt_duration(double s, char *out, size_t cap)
{
    if (!(s >= 0) || s > 1e8) snprintf(out, cap, "?");
    else if (s < 60) snprintf(out, cap, "%.1fs", s);
    else if (s < 3600) snprintf(out, cap, "%dm%02ds", (int)s / 60, (int)s % 60);
    else snprintf(out, cap, "%dh%02dm", (int)s / 3600, (int)s / 60 % 60);
}

void progress_init(Progress *p)
{
    memset(p, 0, sizeof *p);
    p->tty = isatty(2);
    p->start = clock_now();
    p->last = -1e9;
}

void progress_show(Progress *p, int force, const char *fmt, ...)
{
    double t = clock_now();
    /* A line a second written to a log or a pipe would only bury the result. */
    if (!p->tty || (!force && t - p->last < 0.1)) return;
    p->last = t;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* Pad with spaces over whatever the longer previous line left. */
    fprintf(stderr, "\r%s%*s", line, p->width > n ? p->width - n : 0, "");
    p->width = n;
    fflush(stderr);
}

const char *progress_bar(double frac, int width, char *buf)
{
    int k = frac <= 0 ? 0 : frac >= 1 ? width : (int)(frac * width + 0.5);
    buf[0] = '[';
    for (int i = 0; i < width; i++) buf[1 + i] = i < k ? '#' : '.';
    buf[width + 1] = ']';
    buf[width + 2] = 0;
    return buf;
}

void progress_done(Progress *p)
{
    if (p->tty && p->width) fputc('\n', stderr);
    p->width = 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Models */

struct WordTok *cli_load_wordtok(const char *kind, const char *corpus_path, Err *e)
{
    Corpus c;
    char found[NT_PATH_MAX];
    path_corpus(corpus_path, found, sizeof found); /* a shipped corpus by name, from anywhere */
    if (corpus_open(&c, found, e)) return NULL;
    WordTok *w = wordtok_build(strcmp(kind, "word") == 0 ? WORDTOK_WORD : WORDTOK_CHAR, c.data, c.size, e);
    corpus_close(&c);
    return w;
}

const char *cli_piece_label(const uint8_t *b, size_t n, char *out, size_t cap)
{
    char buf[1024];
    escape_bytes(b, n, 0, buf, cap - 2 < sizeof buf ? cap - 2 : sizeof buf);
    snprintf(out, cap, "\"%s\"", buf);
    return out;
}

const char *cli_pad(const char *s, int width, int how, char *out, size_t cap)
{
    size_t n = strlen(s), w = utf8_width((const uint8_t *)s, n);
    if ((how & PAD_CUT) && w > (size_t)width) { /* whole characters only, as many as fit */
        size_t i = 0, used = 0;
        while (i < n) {
            uint32_t cp = 0;
            int k = (unsigned char)s[i] < 0x80 ? 1 : utf8_decode((const uint8_t *)s + i, n - i, &cp);
            size_t cw = k > 1 ? (size_t)utf8_cp_width(cp) : 1;
            if (k < 1) k = 1;
            if (used + cw > (size_t)width) break;
            used += cw, i += (size_t)k;
        }
        n = i, w = used;
    }
    const size_t pad = (size_t)width > w ? (size_t)width - w : 0;
    if (n + pad + 1 > cap) return snprintf(out, cap, "%s", s), out;
    if (how & PAD_RIGHT) memset(out, ' ', pad), memcpy(out + pad, s, n);
    else memcpy(out, s, n), memset(out + n, ' ', pad);
    out[n + pad] = 0;
    return out;
}

/* The quotes around a label of at most cap - 3 bytes at buf. */
static const char *quoted(const char *buf, char *out, size_t cap)
{
    snprintf(out, cap, "\"%s\"", buf);
    return out;
}

const char *cli_pieces_label(const Tokenizer *t, const Pieces *p, size_t i, int32_t id, char *out, size_t cap)
{
    if (!t->n_vocab) return cli_token_label(t, id, out, cap);
    char buf[1024];
    pieces_label(p, i, 0, buf, cap - 2 < sizeof buf ? cap - 2 : sizeof buf);
    return quoted(buf, out, cap);
}

size_t cli_text_tail(const Tokenizer *t, const int32_t *ids, size_t n, uint8_t tail[CLI_TAIL])
{
    size_t got = 0;
    for (size_t i = n; i-- > 0 && got < CLI_TAIL;) {
        size_t k;
        const uint8_t *b = tokenizer_token(t, ids[i], &k);
        while (k > 0 && got < CLI_TAIL) tail[CLI_TAIL - 1 - got++] = b[--k];
    }
    memmove(tail, tail + CLI_TAIL - got, got);
    return got;
}

const char *cli_token_label_after(const Tokenizer *t, const uint8_t *ctx, size_t n_ctx, int32_t id, char *out, size_t cap)
{
    if (!t->n_vocab) return cli_token_label(t, id, out, cap);
    size_t n;
    const uint8_t *b = tokenizer_token(t, id, &n);
    char buf[1024];
    pieces_label_after(ctx, n_ctx, b, n, 0, buf, cap - 2 < sizeof buf ? cap - 2 : sizeof buf);
    return quoted(buf, out, cap);
}

const char *cli_token_label(const Tokenizer *t, int32_t id, char *out, size_t cap)
{
    if (!t->n_vocab) {
        snprintf(out, cap, "#%d", id);
        return out;
    }
    size_t n;
    const uint8_t *b = tokenizer_token(t, id, &n);
    return cli_piece_label(b, n, out, cap);
}
