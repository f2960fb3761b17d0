/* pretok.c - the pre-tokenizer patterns, in PCRE2. See pretok.h. */
#include "core/text/pretok.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/base/i18n.h"
#include "core/base/utf8.h"

/* Unicode White_Space: tab to carriage return, U+0085 and the separators (Zs, Zl, Zp). */
#define WS "\\t-\\r\\x{85}\\p{Z}"
/* Contractions, in any mix of case but with no Unicode case folding, as js-tiktoken writes them. */
#define CONTRACTIONS "'s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D"

static const char *const sources[PRETOK_COUNT] = {
    [PRETOK_NONE] = "",
    [PRETOK_GPT2] = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^" WS "\\p{L}\\p{N}]+"
                    "|[" WS "]+(?![^" WS "])|[" WS "]+",
    [PRETOK_CL100K] = "(?:" CONTRACTIONS ")|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
                      "| ?[^" WS "\\p{L}\\p{N}]+[\\r\\n]*|[" WS "]*[\\r\\n]+|[" WS "]+(?![^" WS "])|[" WS "]+",
    [PRETOK_O200K] = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:" CONTRACTIONS ")?"
                     "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:" CONTRACTIONS ")?"
                     "|\\p{N}{1,3}| ?[^" WS "\\p{L}\\p{N}]+[\\r\\n/]*|[" WS "]*[\\r\\n]+|[" WS "]+(?![^" WS "])|[" WS "]+",
};

static const char *const names[PRETOK_COUNT] = {"none", "gpt2", "cl100k", "o200k"};

struct Pretok {
    pcre2_code *code;
    int jit;
};

static Pretok compiled[PRETOK_COUNT];
static pthread_once_t once[PRETOK_COUNT] = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT};
static char compile_error[PRETOK_COUNT][160];

const char *pretok_name(int pattern)
{
    return pattern >= 0 && pattern < PRETOK_COUNT ? names[pattern] : "?";
}

static void compile(int k)
{
    int code;
    PCRE2_SIZE off;
    compiled[k].code = pcre2_compile((PCRE2_SPTR)sources[k], PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
                                     &code, &off, NULL);
    if (!compiled[k].code) {
        PCRE2_UCHAR msg[120];
        pcre2_get_error_message(code, msg, sizeof msg);
        snprintf(compile_error[k], sizeof compile_error[k], _("pattern %s: %s at %zu"), names[k], (char *)msg, (size_t)off);
        return;
    }
    compiled[k].jit = pcre2_jit_compile(compiled[k].code, PCRE2_JIT_COMPLETE) == 0;
}

#define ONCE_FN(k) static void compile_##k(void) { compile(k); }
ONCE_FN(1)
ONCE_FN(2)
ONCE_FN(3)

const Pretok *pretok_get(int pattern, Err *e)
{
    if (pattern == PRETOK_NONE) return NULL;
    if (pattern < 0 || pattern >= PRETOK_COUNT) {
        err_input(e, _("unknown pre-tokenizer pattern %d"), pattern);
        return NULL;
    }
    static void (*const fns[PRETOK_COUNT])(void) = {NULL, compile_1, compile_2, compile_3};
    pthread_once(&once[pattern], fns[pattern]);
    if (!compiled[pattern].code) {
        err_internal(e, "%s", compile_error[pattern]);
        return NULL;
    }
    return &compiled[pattern];
}

/* Splits one run of valid UTF-8. */
static int split_valid(const Pretok *p, pcre2_match_data *md, const uint8_t *text, size_t n, PretokFn fn,
                       void *ctx, Err *e)
{
    size_t at = 0;
    while (at < n) {
        int rc = p->jit ? pcre2_jit_match(p->code, text, n, at, PCRE2_NO_UTF_CHECK, md, NULL)
                        : pcre2_match(p->code, text, n, at, PCRE2_NO_UTF_CHECK, md, NULL);
        size_t s, t;
        if (rc == PCRE2_ERROR_NOMATCH) {
            s = t = n;
        } else if (rc < 0) {
            return err_internal(e, _("pattern match failed (PCRE2 error %d)"), rc);
        } else {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            s = ov[0], t = ov[1];
        }
        /* Text no alternative matched (the patterns leave none, but a chunk must not be lost)
         * goes out as a chunk of its own. */
        if (s > at) {
            int r = fn(ctx, text + at, s - at);
            if (r) return r;
        }
        if (t > s) {
            int r = fn(ctx, text + s, t - s);
            if (r) return r;
        } else if (s < n) {
            /* An empty match cannot happen with these patterns; step over a character anyway. */
            uint32_t cp;
            int k = utf8_decode(text + s, n - s, &cp);
            t = s + (size_t)(k > 0 ? k : 1);
            int r = fn(ctx, text + s, t - s);
            if (r) return r;
        }
        at = t;
    }
    return 0;
}

int pretok_split(const Pretok *p, const uint8_t *text, size_t n, PretokFn fn, void *ctx, Err *e)
{
    if (!p) return n ? fn(ctx, text, n) : 0;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(p->code, NULL);
    if (!md) return err_nomem(e, N_("pattern match data"), 64);
    /* Valid UTF-8 runs go through the pattern; each invalid byte is a chunk alone. */
    size_t at = 0;
    int rc = 0;
    while (at < n && rc == 0) {
        size_t bad, len = n - at;
        if (utf8_valid(text + at, len, &bad)) {
            rc = split_valid(p, md, text + at, len, fn, ctx, e);
            break;
        }
        if (bad > 0) rc = split_valid(p, md, text + at, bad, fn, ctx, e);
        if (rc == 0) rc = fn(ctx, text + at + bad, 1);
        at += bad + 1;
    }
    pcre2_match_data_free(md);
    return rc;
}

/* Unicode White_Space: the patterns' WS above. */
static int is_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
           c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Whether the character that ends at text[end - 1] is one and is not white space. */
static int nonspace_before(const uint8_t *text, size_t end)
{
    if (end == 0) return 0;
    size_t s = end - 1;
    while (s > 0 && end - s < 4 && (text[s] & 0xc0) == 0x80) s--;
    uint32_t c;
    int k = utf8_decode(text + s, end - s, &c);
    return k > 0 && s + (size_t)k == end && !is_space(c);
}

int pretok_cut_ok(const uint8_t *text, size_t n, size_t p)
{
    if (p == 0 || p >= n) return 0;
    /* before a space that follows a character that is not white space */
    if (text[p] == ' ') return nonspace_before(text, p);
    /* after a newline, between characters that are neither white space nor (after) '/' */
    if (p < 2 || text[p - 1] != '\n' || text[p] == '/') return 0;
    uint32_t c;
    if (utf8_decode(text + p, n - p, &c) <= 0 || is_space(c)) return 0;
    return nonspace_before(text, p - 1);
}
