/* figures.c - the numbers a lesson states. See figures.h. */
#include "core/course/figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/i18n.h"
#include "core/base/number.h"
#include "core/model/probe.h"
#include "core/model/sampler.h"
#include "core/text/pieces.h"
#include "core/text/vocabfile.h"
#include "core/text/wordtok.h"

#define MAX_ARGS 64
#define ARG_BYTES 512

void figures_init(Figures *f)
{
    memset(f, 0, sizeof *f);
    f->live.val_loss = f->live.train_loss = NAN;
}

void figures_free(Figures *f)
{
    for (int i = 0; i < FIGURE_NAMED; i++) tokenizer_free(&f->named[i]);
    memset(f, 0, sizeof *f);
}

/* ---- reading a figure ---- */

typedef struct Parsed {
    char name[32];
    char arg[MAX_ARGS][ARG_BYTES];
    int quoted[MAX_ARGS];      /* the argument was a "quoted text" */
    int n;
    char expect[ARG_BYTES];    /* after " = ", or "" */
    int has_expect;
} Parsed;

/* Splits "NAME ARG ... [= TEXT]": arguments are words or "quoted texts" (\" and \\ inside). */
static int parse(const char *s, size_t n, Parsed *p, Err *e)
{
    memset(p, 0, sizeof *p);
    size_t i = 0;
    int first = 1;
    while (i < n) {
        while (i < n && s[i] == ' ') i++;
        if (i >= n) break;
        if (s[i] == '=' && (i + 1 == n || s[i + 1] == ' ')) { /* what the figure reads */
            size_t a = i + 1;
            while (a < n && s[a] == ' ') a++;
            size_t b = n;
            while (b > a && s[b - 1] == ' ') b--;
            if (b == a) return err_input(e, _("'=' needs what the figure reads after it"));
            if (b - a >= sizeof p->expect) return err_input(e, _("what the figure reads is too long"));
            memcpy(p->expect, s + a, b - a);
            p->has_expect = 1;
            break;
        }
        char word[ARG_BYTES];
        size_t k = 0;
        int quoted = s[i] == '"';
        if (quoted) {
            for (i++; i < n && s[i] != '"'; i++) {
                if (s[i] == '\\' && i + 1 < n) i++;
                if (k + 1 >= sizeof word) return err_input(e, _("a quoted text of at most %d bytes"), ARG_BYTES - 1);
                word[k++] = s[i];
            }
            if (i >= n) return err_input(e, _("a quoted text is not closed with \""));
            i++;
        } else {
            while (i < n && s[i] != ' ') {
                if (k + 1 >= sizeof word) return err_input(e, _("an argument of at most %d bytes"), ARG_BYTES - 1);
                word[k++] = s[i++];
            }
        }
        word[k] = 0;
        if (first) {
            if (quoted || k >= sizeof p->name) return err_input(e, _("a figure starts with its name (softmax, surprise, count, ...)"));
            memcpy(p->name, word, k + 1);
            first = 0;
        } else {
            if (p->n == MAX_ARGS) return err_input(e, _("at most %d arguments"), MAX_ARGS);
            memcpy(p->arg[p->n], word, k + 1);
            p->quoted[p->n++] = quoted;
        }
    }
    if (first) return err_input(e, _("an empty figure {{}}"));
    return 0;
}

static int number(const char *s, double *v)
{
    return num_double(s, NULL, v) == NUM_OK ? 0 : -1;
}

/* The tokenizations a figure can count with. */
enum { BY_WORDS, BY_CHARACTERS, BY_GPT2, BY_CL100K, BY_O200K, BY_MODEL, BY_COUNT };
static const char *const by_names[BY_COUNT] = {"words", "characters", "gpt2", "cl100k", "o200k", "model"};

static int by_name(const char *s)
{
    for (int i = 0; i < BY_COUNT; i++)
        if (!strcmp(s, by_names[i])) return i;
    return -1;
}

/* "softmax 3.2 1.3 -2.1 T=2 #1": the numbers, T (1 unless given), K (0: all). */
static int numbers_options(const Parsed *p, double *x, int *nx, double *T, int *K, int need_t, Err *e)
{
    *nx = 0, *T = 1, *K = 0;
    int have_t = 0;
    for (int i = 0; i < p->n; i++) {
        const char *a = p->arg[i];
        double v;
        if (!strncmp(a, "T=", 2)) {
            if (number(a + 2, T) || !(*T > 0 && *T <= 100)) return err_input(e, _("%s: T= takes a temperature above 0"), p->name);
            have_t = 1;
        } else if (a[0] == '#') {
            /* past MAX_ARGS there is no such number, and an int would not hold every long */
            long k;
            if (num_long(a + 1, NULL, &k) || k < 1 || k > MAX_ARGS) return err_input(e, _("%s: #K takes which one, from 1"), p->name);
            *K = (int)k;
        } else if (!p->quoted[i] && number(a, &v) == 0) {
            x[(*nx)++] = v;
        } else {
            return err_input(e, _("%s: '%s' is not a number"), p->name, a);
        }
    }
    if (*nx < 1) return err_input(e, _("%s needs numbers"), p->name);
    if (*K > *nx) return err_input(e, _("%s: #%d of %d"), p->name, *K, *nx);
    if (need_t && !have_t) return err_input(e, _("%s needs a temperature: T=X"), p->name);
    return 0;
}

/* The text argument and the tokenization of "count TEXT by T" (and examples, ids, pieces). */
static int text_by(const Parsed *p, int *by, Err *e)
{
    if (p->n != 3 || !p->quoted[0] || strcmp(p->arg[1], "by") != 0)
        return err_input(e, _("%s takes \"TEXT\" by words, characters, gpt2, cl100k, o200k or model"), p->name);
    if ((*by = by_name(p->arg[2])) < 0) return err_input(e, _("%s: by words, characters, gpt2, cl100k, o200k or model, not '%s'"), p->name, p->arg[2]);
    if ((!strcmp(p->name, "ids") || !strcmp(p->name, "pieces")) && *by <= BY_CHARACTERS)
        return err_input(e, _("%s: by a tokenizer (gpt2, cl100k, o200k or model)"), p->name);
    return 0;
}

static const char *const names[] = {"softmax", "temper", "exp", "ln", "surprise", "count", "examples", "ids", "pieces",
                                    "vocab", "loss", "trainloss", "val", "step", "lnvocab", "unigram", "top", "p", NULL};

/* Arguments checked as far as they can be without computing anything. */
static int check_parsed(const Parsed *p, Err *e)
{
    int known = 0;
    for (int i = 0; names[i]; i++) known |= !strcmp(p->name, names[i]);
    if (!known) return err_input(e, _("unknown figure '%s' (softmax, temper, exp, ln, surprise, count, examples, ids, pieces, vocab, loss, trainloss, val, step, lnvocab, unigram, top, p)"), p->name);
    double x[MAX_ARGS], T, v;
    int nx, K, by;
    if (!strcmp(p->name, "softmax")) return numbers_options(p, x, &nx, &T, &K, 0, e);
    if (!strcmp(p->name, "temper")) return numbers_options(p, x, &nx, &T, &K, 1, e);
    if (!strcmp(p->name, "exp") || !strcmp(p->name, "ln")) {
        if (p->n != 1 || number(p->arg[0], &v)) return err_input(e, _("%s takes one number"), p->name);
        if (!strcmp(p->name, "ln") && !(v > 0)) return err_input(e, _("ln takes a number above 0"));
        return 0;
    }
    if (!strcmp(p->name, "surprise")) {
        char a[ARG_BYTES];
        snprintf(a, sizeof a, "%s", p->n == 1 ? p->arg[0] : "");
        size_t k = strlen(a);
        int pct = k > 0 && a[k - 1] == '%';
        if (pct) a[k - 1] = 0;
        if (p->n != 1 || number(a, &v) || (pct && (v /= 100, 0)) || !(v > 0 && v <= 1))
            return err_input(e, _("surprise takes a probability: 0.866 or 86.6%%"));
        return 0;
    }
    if (!strcmp(p->name, "count") || !strcmp(p->name, "examples") || !strcmp(p->name, "ids") || !strcmp(p->name, "pieces"))
        return text_by(p, &by, e);
    if (!strcmp(p->name, "vocab")) {
        if (p->n != 1 || (by = by_name(p->arg[0])) < BY_GPT2) return err_input(e, _("vocab takes gpt2, cl100k, o200k or model"));
        return 0;
    }
    if (!strcmp(p->name, "top")) {
        long k;
        if (p->n != 1 || num_long(p->arg[0], NULL, &k) || k < 1 || k > 100) return err_input(e, _("top takes which one, 1 to 100"));
        return 0;
    }
    if (!strcmp(p->name, "p")) {
        if (p->n != 1 || !p->quoted[0] || !p->arg[0][0]) return err_input(e, _("p takes the next token as a \"quoted text\""));
        return 0;
    }
    if (p->n) return err_input(e, _("%s takes no arguments"), p->name);
    return 0;
}

int figure_check(const char *expr, size_t n, Err *e)
{
    Parsed *p = malloc(sizeof *p);
    if (!p) return err_nomem(e, N_("a figure"), sizeof *p);
    int rc = parse(expr, n, p, e) || check_parsed(p, e) ? -1 : 0;
    free(p);
    return rc;
}

/* ---- computing it ---- */

/* 50257 -> "50,257" */
static void thousands(char *out, size_t cap, long long v)
{
    char digits[32];
    int k = snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v), o = 0;
    if (v < 0 && (size_t)o + 1 < cap) out[o++] = '-';
    for (int i = 0; i < k && (size_t)o + 2 < cap; i++) {
        out[o++] = digits[i];
        if ((k - 1 - i) % 3 == 0 && i < k - 1) out[o++] = ',';
    }
    out[o] = 0;
}

/* Percentages: all, "86.6 / 13.0 / 0.4 %", or the K-th, "86.6 %". */
static void percentages(const double *p, int n, int K, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = 0;
    for (int i = 0; i < n && at < cap; i++) {
        if (K && i != K - 1) continue;
        at += (size_t)snprintf(out + at, cap - at, "%s%.1f", at ? " / " : "", 100 * p[i]);
    }
    if (at < cap) snprintf(out + at, cap - at, " %%");
}

static const Tokenizer *named_tokenizer(Figures *f, int by, Err *e)
{
    if (by == BY_MODEL) {
        if (!f->live.tok || !f->live.tok->n_vocab) return err_input(e, _("no model yet")), NULL;
        return f->live.tok;
    }
    int k = by - BY_GPT2;
    static const char *const vocab[FIGURE_NAMED] = {"gpt2", "cl100k", "o200k"};
    if (!f->tried[k]) {
        f->tried[k] = 1;
        Err le;
        if (vocab_load_named(&f->named[k], vocab[k], &le)) tokenizer_free(&f->named[k]);
    }
    if (!f->named[k].n_vocab) {
        f->unavailable = 1;
        return err_input(e, _("%s's vocabulary is not installed (make gpt2-vocab)"), vocab[k]), NULL;
    }
    return &f->named[k];
}

/* The live model's tokens of its text, into *ids. */
static int live_ids(Figures *f, int32_t **ids, size_t *n, Err *e)
{
    const FigureModel *m = &f->live;
    if (!m->model || !m->tok) return err_input(e, _("no model yet"));
    const char *t = m->text && *m->text ? m->text : "\n";
    size_t cap = 0;
    *ids = NULL;
    return tokenizer_encode(m->tok, (const uint8_t *)t, strlen(t), ids, &cap, n, e);
}

static int compute(Figures *f, const Parsed *p, char *out, size_t cap, Err *e)
{
    double x[MAX_ARGS], T, v;
    int nx, K, by;
    const char *name = p->name;
    if (!strcmp(name, "softmax") || !strcmp(name, "temper")) {
        numbers_options(p, x, &nx, &T, &K, !strcmp(name, "temper"), e);
        /* softmax: p_i = e^(x_i/T) / sum; temper: the same of ln p_i, p_i given as weights */
        double prob[MAX_ARGS], mx = -INFINITY, sum = 0, total = 0;
        for (int i = 0; i < nx; i++) total += x[i];
        for (int i = 0; i < nx; i++) {
            if (!strcmp(name, "temper")) {
                if (!(x[i] > 0)) return err_input(e, _("temper takes probabilities above 0"));
                x[i] = log(x[i] / total);
            }
            mx = fmax(mx, x[i] / T);
        }
        for (int i = 0; i < nx; i++) sum += prob[i] = exp(x[i] / T - mx);
        for (int i = 0; i < nx; i++) prob[i] /= sum;
        percentages(prob, nx, K, out, cap);
        return 0;
    }
    if (!strcmp(name, "exp")) return number(p->arg[0], &v), snprintf(out, cap, "%.2f", exp(v)), 0;
    if (!strcmp(name, "ln")) return number(p->arg[0], &v), snprintf(out, cap, "%.3f", log(v)), 0;
    if (!strcmp(name, "surprise")) {
        char a[ARG_BYTES];
        snprintf(a, sizeof a, "%s", p->arg[0]);
        size_t k = strlen(a);
        int pct = a[k - 1] == '%';
        if (pct) a[k - 1] = 0;
        number(a, &v);
        snprintf(out, cap, "%.3f", -log(pct ? v / 100 : v));
        return 0;
    }
    if (!strcmp(name, "count") || !strcmp(name, "examples") || !strcmp(name, "ids") || !strcmp(name, "pieces")) {
        text_by(p, &by, e);
        const char *t = p->arg[0];
        size_t len = strlen(t), n;
        if (by <= BY_CHARACTERS) {
            n = wordtok_count(by == BY_WORDS ? WORDTOK_WORD : WORDTOK_CHAR, (const uint8_t *)t, len);
        } else {
            const Tokenizer *tk = named_tokenizer(f, by, e);
            if (!tk) return -1;
            int32_t *ids = NULL;
            size_t icap = 0;
            if (tokenizer_encode(tk, (const uint8_t *)t, len, &ids, &icap, &n, e)) return free(ids), -1;
            if (!strcmp(name, "ids") || !strcmp(name, "pieces")) {
                size_t at = 0;
                out[0] = 0;
                /* pieces read in their text: part of a character as the character and which of
                 * its bytes, "옛[1/3]" (text/pieces.h) */
                Pieces pc = {0};
                if (name[0] == 'p' && tokenizer_pieces(tk, NULL, ids, n, &pc, e)) return free(ids), -1;
                for (size_t i = 0; i < n && at + 1 < cap; i++) {
                    if (name[0] == 'i') {
                        at += (size_t)snprintf(out + at, cap - at, "%s%d", i ? " " : "", ids[i]);
                        continue;
                    }
                    char piece[128];
                    pieces_label(&pc, i, ESCAPE_SPACES, piece, sizeof piece);
                    /* a piece with a bar in it is quoted, so that it is not read as a separator */
                    const char *q = strchr(piece, '|') ? "\"" : "";
                    at += (size_t)snprintf(out + at, cap - at, "%s%s%s%s", i ? " | " : "", q, piece, q);
                }
                pieces_free(&pc);
                free(ids);
                return 0;
            }
            free(ids);
        }
        long long count = !strcmp(name, "examples") ? (n > 0 ? (long long)n - 1 : 0) : (long long)n;
        thousands(out, cap, count);
        return 0;
    }
    if (!strcmp(name, "vocab")) {
        const Tokenizer *tk = named_tokenizer(f, by_name(p->arg[0]), e);
        if (!tk) return -1;
        thousands(out, cap, tk->n_vocab);
        return 0;
    }
    /* the live model */
    const FigureModel *m = &f->live;
    if (!m->model) return err_input(e, _("no model yet"));
    if (!strcmp(name, "step")) return thousands(out, cap, m->step), 0;
    if (!strcmp(name, "lnvocab")) return snprintf(out, cap, "%.3f", log((double)m->model->cfg.n_vocab)), 0;
    if (!strcmp(name, "unigram")) return snprintf(out, cap, "%.3f", m->unigram), 0;
    if (!strcmp(name, "val")) {
        if (isnan(m->val_loss)) return err_input(e, _("no validation loss yet"));
        return snprintf(out, cap, "%.3f", m->val_loss), 0;
    }
    if (!strcmp(name, "trainloss")) {
        if (isnan(m->train_loss)) return err_input(e, _("no training step yet"));
        return snprintf(out, cap, "%.3f", m->train_loss), 0;
    }
    int32_t *ids;
    size_t n;
    if (live_ids(f, &ids, &n, e)) return -1;
    int rc = 0;
    if (!strcmp(name, "loss")) {
        double *pr = calloc(n + 1, sizeof *pr), *loss = calloc(n + 1, sizeof *loss), mean = 0;
        if (n < 2) rc = err_input(e, _("the text needs two tokens for a loss"));
        else if (!pr || !loss) rc = err_nomem(e, N_("the loss"), n * 16);
        else if ((rc = probe_losses(m->model, ids, (int)n, pr, loss, e)) == 0) {
            for (size_t i = 1; i < n; i++) mean += loss[i];
            snprintf(out, cap, "%.3f", mean / (double)(n - 1));
        }
        free(pr), free(loss);
    } else if (!strcmp(name, "p")) { /* p "TOKEN": the chance that TOKEN comes next */
        int32_t *want = NULL;
        size_t wcap = 0, wn = 0;
        SamplerConfig sc;
        sampler_config_default(&sc);
        Sampler s = {0};
        if ((rc = tokenizer_encode(m->tok, (const uint8_t *)p->arg[0], strlen(p->arg[0]), &want, &wcap, &wn, e)) == 0) {
            if (wn != 1) rc = err_input(e, _("p: \"%s\" is %zu tokens of the model's, not one"), p->arg[0], wn);
            else if ((rc = probe_next_distribution(m->model, ids, (int)n, &sc, &s, e)) == 0) {
                for (int r = 0; r < s.n_vocab; r++)
                    if (s.cand[r].id == want[0]) {
                        double pct = 100 * s.cand[r].p; /* small ones to three figures, not "0.0 %" */
                        snprintf(out, cap, pct >= 1 || pct == 0 ? "%.1f %%" : "%.2g %%", pct);
                    }
            }
        }
        sampler_free(&s);
        free(want);
    } else { /* top K */
        SamplerConfig sc;
        sampler_config_default(&sc);
        Sampler s = {0};
        long k = 0;
        if (num_long(p->arg[0], NULL, &k) || k < 1 || k > 100) rc = err_input(e, _("top takes which one, 1 to 100"));
        else if ((rc = probe_next_distribution(m->model, ids, (int)n, &sc, &s, e)) == 0) {
            if (k > s.n_vocab) rc = err_input(e, _("top %ld of %d tokens"), k, s.n_vocab);
            else {
                size_t len;
                const uint8_t *b = tokenizer_token(m->tok, s.cand[k - 1].id, &len);
                escape_bytes(b, len, ESCAPE_SPACES, out, cap);
            }
        }
        sampler_free(&s);
    }
    free(ids);
    return rc;
}

int figure_eval(Figures *f, const char *expr, size_t n, char *out, size_t cap, int *matches, Err *e)
{
    Parsed *p = malloc(sizeof *p);
    if (!p) return err_nomem(e, N_("a figure"), sizeof *p);
    int rc = parse(expr, n, p, e) || check_parsed(p, e) || compute(f, p, out, cap, e) ? -1 : 0;
    if (rc == 0 && matches) *matches = !p->has_expect || strcmp(out, p->expect) == 0;
    if (rc == 0 && p->has_expect && strcmp(out, p->expect) != 0)
        err_input(e, _("{{%.*s}} reads '%s', not '%s'"), (int)n, expr, out, p->expect);
    free(p);
    return rc;
}

int figures_render(Figures *f, const char *text, char *out, size_t cap, int *line, Err *e)
{
    int bad = 0;
    size_t at = 0;
    if (cap == 0) return 0;
    out[0] = 0;
    for (const char *s = text; *s;) {
        const char *open = strstr(s, "{{"), *close = open ? strstr(open + 2, "}}") : NULL;
        size_t plain = close ? (size_t)(open - s) : strlen(s);
        if (at + plain + 1 > cap) plain = cap - at - 1;
        memcpy(out + at, s, plain), at += plain, out[at] = 0;
        if (!close) break;
        char value[1024];
        int matches = 1;
        Err fe;
        if (figure_eval(f, open + 2, (size_t)(close - open - 2), value, sizeof value, &matches, &fe) || !matches) {
            if (!bad++) {
                if (e) *e = fe;
                if (line) {
                    *line = 0;
                    for (const char *c = text; c < open; c++) *line += *c == '\n';
                }
            }
            if (!matches) matches = 1; /* shown as computed: the statement in the file is what is wrong */
            else snprintf(value, sizeof value, f->unavailable ? _("(make gpt2-vocab)") : "?");
        }
        /* a figure is one word on screen: its spaces become no-break spaces (U+00A0), so that
         * "0.4 %" never wraps into "0.4" and "%" */
        for (const char *v = value; *v && at + 3 < cap; v++) {
            if (*v == ' ') out[at++] = (char)0xc2, out[at++] = (char)0xa0;
            else out[at++] = *v;
        }
        out[at] = 0;
        s = close + 2;
    }
    return bad;
}
