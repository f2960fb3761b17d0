/* common.c - errors, argument parsing, JSON and progress for the commands. See cli.h. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/base/clock.h"
#include "core/base/utf8.h"
#include "core/text/corpus.h"
#include "core/text/vocabfile.h"
#include "core/text/wordtok.h"

/* ------------------------------------------------------------------------------------------ */
/* Errors */

int cli_fail(const Err *e)
{
    fprintf(stderr, "nexttoken: %s\n", e->msg[0] ? e->msg : "unknown error");
    return e->code == ERR_INPUT ? 2 : 1;
}

int cli_parse_ids(const char *cmd, char *const *args, int n, int V, const char *of, int32_t *ids)
{
    for (int i = 0; i < n; i++) {
        char *end;
        long v = strtol(args[i], &end, 10);
        if (*end || end == args[i] || v < 0 || v >= V)
            return cli_fail_input("%s: '%s' is not a token id of %s (0 to %d)", cmd, args[i], of, V - 1);
        ids[i] = (int32_t)v;
    }
    return 0;
}

int cli_fail_input(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("nexttoken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

int cli_fail_nomem(const char *what, unsigned long long bytes)
{
    Err e;
    err_nomem(&e, what, bytes);
    return cli_fail(&e);
}

/* ------------------------------------------------------------------------------------------ */
/* Arguments */

const ArgSpec *args_find(const ArgSpec *specs, const char *name)
{
    for (const ArgSpec *s = specs; s->name; s++)
        if (strcmp(s->name, name) == 0) return s;
    return NULL;
}

/* A number, whole string, finite. */
static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

static int looks_numeric(const char *s)
{
    double v;
    return parse_double(s, &v) == 0;
}

static int set_value(const char *cmd, ArgSpec *s, const char *val, Err *e)
{
    double v = 0;
    if (s->type == ARG_STR) {
        *(const char **)s->dst = val;
        return 0;
    }
    if (parse_double(val, &v)) return err_input(e, "%s: --%s expects a number, not '%s'", cmd, s->name, val);
    int integral = s->type == ARG_INT || s->type == ARG_LONG || s->type == ARG_U64;
    if (integral && v != floor(v)) return err_input(e, "%s: --%s expects a whole number, not '%s'", cmd, s->name, val);
    if (s->min <= s->max && (v < s->min || v > s->max))
        return err_input(e, "%s: --%s must be between %.15g and %.15g (got %s)", cmd, s->name, s->min, s->max, val);
    switch (s->type) {
    case ARG_INT:
        if (v < -2147483647.0 || v > 2147483647.0) return err_input(e, "%s: --%s is too large", cmd, s->name);
        *(int *)s->dst = (int)v;
        break;
    case ARG_LONG:
        if (fabs(v) > 9e15) return err_input(e, "%s: --%s is too large", cmd, s->name);
        *(long *)s->dst = (long)v;
        break;
    case ARG_U64: {
        /* Seeds: parse as an integer to keep all 64 bits. */
        char *end;
        errno = 0;
        unsigned long long u = strtoull(val, &end, 10);
        if (*val == '-' || *end || errno) return err_input(e, "%s: --%s expects a whole number >= 0, not '%s'", cmd, s->name, val);
        *(uint64_t *)s->dst = u;
        break;
    }
    case ARG_FLOAT: *(float *)s->dst = (float)v; break;
    case ARG_DOUBLE: *(double *)s->dst = v; break;
    default: break;
    }
    return 0;
}

int args_parse(int argc, char **argv, ArgSpec *specs, char **pos, int *n_pos, int max_pos, Err *e)
{
    const char *cmd = argv[0];
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
            if (!s) return err_input(e, "%s: unknown option --%s (see nexttoken %s --help)", cmd, name, cmd);
            s->seen = 1;
            if (s->type == ARG_FLAG) {
                if (eq) return err_input(e, "%s: --%s takes no value", cmd, name);
                *(int *)s->dst = 1;
                continue;
            }
            const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val) return err_input(e, "%s: --%s needs a value", cmd, name);
            if (set_value(cmd, s, val, e)) return -1;
            continue;
        }
        if (!only_pos && a[0] == '-' && a[1] && !looks_numeric(a))
            return err_input(e, "%s: unknown option %s (see nexttoken %s --help)", cmd, a, cmd);
        if (*n_pos >= max_pos)
            return err_input(e, "%s: unexpected argument '%s' (see nexttoken %s --help)", cmd, a, cmd);
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
        fputs(usage, stdout);
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
            if (k) fwrite(s + i, 1, (size_t)k, j->f), i += (size_t)k;
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
    if (!force && t - p->last < (p->tty ? 0.1 : 10.0)) return;
    p->last = t;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (p->tty) {
        /* Pad with spaces over whatever the longer previous line left. */
        fprintf(stderr, "\r%s%*s", line, p->width > n ? p->width - n : 0, "");
        p->width = n;
    } else {
        fprintf(stderr, "%s\n", line);
    }
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
    if (corpus_open(&c, corpus_path, e)) return NULL;
    WordTok *w = wordtok_build(strcmp(kind, "word") == 0 ? WORDTOK_WORD : WORDTOK_CHAR, c.data, c.size, e);
    corpus_close(&c);
    return w;
}

const char *cli_piece_label(const uint8_t *b, size_t n, char *out, size_t cap)
{
    char buf[1024];
    token_escape(b, n, 0, buf, cap - 2 < sizeof buf ? cap - 2 : sizeof buf);
    snprintf(out, cap, "\"%s\"", buf);
    return out;
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
