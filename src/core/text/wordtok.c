/* wordtok.c - word and character tokenizers, for comparison. See wordtok.h. */
#include "core/text/wordtok.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/array.h"
#include "core/base/bytes.h"
#include "core/base/hashidx.h"
#include "core/base/i18n.h"
#include "core/base/utf8.h"

struct WordTok {
    int kind;
    char **tok;      /* id -> text (NUL-terminated), tok[0] = "<unk>" */
    uint32_t *len;
    int n;
    size_t cap;
    HashIdx ids;     /* text -> id */
};

/* Letters, digits and the apostrophe join a word. Anything at or above U+0080 that is not
 * whitespace counts as a letter: good enough for Korean, accents and the like, and this
 * tokenizer is only ever shown beside the real one. */
static int is_word_char(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '\''
           || (cp >= 0x80 && cp != 0x85 && cp != 0xa0 && cp != 0x3000 && !(cp >= 0x2000 && cp <= 0x200a));
}

static int is_space(uint32_t cp)
{
    return cp == ' ' || (cp >= 9 && cp <= 13) || cp == 0x85 || cp == 0xa0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200a);
}

/* The next token's bytes at text[*at]; 0 at the end. Invalid UTF-8 bytes are tokens alone. */
static size_t next_piece(int kind, const uint8_t *t, size_t n, size_t *at)
{
    for (;;) {
        if (*at >= n) return 0;
        uint32_t cp;
        int k = utf8_decode(t + *at, n - *at, &cp);
        if (k <= 0) return 1;
        if (kind == WORDTOK_CHAR) return (size_t)k;
        if (is_space(cp)) {
            *at += (size_t)k;
            continue;
        }
        if (!is_word_char(cp)) return (size_t)k;
        size_t len = (size_t)k;
        while (*at + len < n && (k = utf8_decode(t + *at + len, n - *at - len, &cp)) > 0 && is_word_char(cp)) len += (size_t)k;
        return len;
    }
}

static inline int token_is(const void *ctx, int32_t id, const void *key)
{
    const WordTok *w = ctx;
    return hashidx_bytes_are(key, w->tok[id], w->len[id]);
}

static uint64_t token_hash(const void *ctx, int32_t id)
{
    const WordTok *w = ctx;
    return fnv1a(FNV_OFFSET, w->tok[id], w->len[id]);
}

static int32_t find(const WordTok *w, const uint8_t *b, size_t n)
{
    return hashidx_find(&w->ids, fnv1a(FNV_OFFSET, b, n), token_is, w, &(HashIdxBytes){b, n});
}

/* Appends a token the vocabulary does not have yet. */
static int add(WordTok *w, const uint8_t *b, size_t n)
{
    void **const cols[] = {(void **)&w->tok, (void **)&w->len};
    const size_t elems[] = {sizeof *w->tok, sizeof *w->len};
    if (array_grow_columns(&w->cap, (size_t)w->n + 1, 1024, 2, cols, elems)) return -1;
    char *s = malloc(n + 1);
    if (!s) return -1;
    memcpy(s, b, n);
    s[n] = 0;
    w->tok[w->n] = s;
    w->len[w->n] = (uint32_t)n;
    if (hashidx_put(&w->ids, fnv1a(FNV_OFFSET, b, n), w->n, token_is, token_hash, w, &(HashIdxBytes){b, n}) != w->n) {
        free(s);
        return -1;
    }
    w->n++;
    return 0;
}

WordTok *wordtok_build(int kind, const uint8_t *corpus, size_t n, Err *e)
{
    WordTok *w = calloc(1, sizeof *w);
    if (!w) return err_nomem(e, N_("word tokenizer"), sizeof *w), NULL;
    w->kind = kind;
    if (hashidx_init(&w->ids, 1024, 50) || add(w, (const uint8_t *)"<unk>", 5)) goto oom;
    for (size_t at = 0, len; (len = next_piece(kind, corpus, n, &at)) > 0; at += len)
        if (find(w, corpus + at, len) < 0 && add(w, corpus + at, len)) goto oom;
    return w;
oom:
    wordtok_free(w);
    err_nomem(e, N_("word tokenizer"), n);
    return NULL;
}

void wordtok_free(WordTok *w)
{
    if (!w) return;
    for (int i = 0; i < w->n; i++) free(w->tok[i]);
    free(w->tok), free(w->len);
    hashidx_free(&w->ids);
    free(w);
}

int wordtok_vocab_size(const WordTok *w) { return w->n; }

const char *wordtok_token(const WordTok *w, int32_t id, size_t *len)
{
    if (id < 0 || id >= w->n) id = 0;
    *len = w->len[id];
    return w->tok[id];
}

long wordtok_encode(const WordTok *w, const uint8_t *text, size_t n, int32_t *ids, size_t *unknown)
{
    long k = 0;
    *unknown = 0;
    for (size_t at = 0, len; (len = next_piece(w->kind, text, n, &at)) > 0; at += len) {
        int32_t id = find(w, text + at, len);
        if (id < 0) id = 0, (*unknown)++;
        ids[k++] = id;
    }
    return k;
}

size_t wordtok_count(int kind, const uint8_t *text, size_t n)
{
    size_t k = 0;
    for (size_t at = 0, len; (len = next_piece(kind, text, n, &at)) > 0; at += len) k++;
    return k;
}
