/* pieces.c - how tokens fall onto characters. See pieces.h. */
#include "core/text/pieces.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/escape.h"
#include "core/base/i18n.h"
#include "core/base/utf8.h"

void pieces_free(Pieces *p)
{
    free(p->bytes);
    free(p->tok_start);
    free(p->chars);
    free(p->byte_char);
    memset(p, 0, sizeof *p);
}

int pieces_build(Pieces *p, const uint8_t *const *tok, const size_t *len, size_t n, Err *e)
{
    memset(p, 0, sizeof *p);
    size_t total = 0;
    for (size_t t = 0; t < n; t++) total += len[t];
    p->n_tokens = n, p->n_bytes = total;
    p->bytes = malloc(total ? total : 1);
    p->tok_start = malloc(sizeof *p->tok_start * (n + 1));
    p->chars = malloc(sizeof *p->chars * (total ? total : 1)); /* never more characters than bytes */
    p->byte_char = malloc(sizeof *p->byte_char * (total ? total : 1));
    if (!p->bytes || !p->tok_start || !p->chars || !p->byte_char) {
        pieces_free(p);
        return err_nomem(e, N_("the characters of tokens"), (unsigned long long)total * 24);
    }
    size_t at = 0;
    for (size_t t = 0; t < n; t++) {
        p->tok_start[t] = at;
        if (len[t]) memcpy(p->bytes + at, tok[t], len[t]);
        at += len[t];
    }
    p->tok_start[n] = at;
    /* The characters, decoded across token boundaries; t follows the token of byte i. */
    size_t t = 0;
    for (size_t i = 0; i < total;) {
        PieceChar c = {.start = i, .cp = p->bytes[i], .len = 1, .valid = 1};
        if (p->bytes[i] >= 0x80) {
            uint32_t cp;
            int k = utf8_decode(p->bytes + i, total - i, &cp);
            if (k > 0) c.cp = cp, c.len = (uint8_t)k;
            else c.valid = 0; /* a byte that begins no character here: alone, as it is */
        }
        while (p->tok_start[t + 1] <= i) t++;
        c.first_tok = (uint32_t)t;
        while (p->tok_start[t + 1] <= i + c.len - 1) t++;
        c.last_tok = (uint32_t)t;
        for (size_t k = 0; k < c.len; k++) p->byte_char[i + k] = p->n_chars;
        p->chars[p->n_chars++] = c;
        i += c.len;
    }
    return 0;
}

int pieces_build_fn(Pieces *p, PieceFn piece, const void *ctx, size_t n, Err *e)
{
    const uint8_t **b = malloc(sizeof *b * (n ? n : 1));
    size_t *len = malloc(sizeof *len * (n ? n : 1));
    int rc;
    if (b && len) {
        for (size_t i = 0; i < n; i++) b[i] = piece(ctx, i, &len[i]);
        rc = pieces_build(p, b, len, n, e);
    } else {
        memset(p, 0, sizeof *p);
        rc = err_nomem(e, N_("the pieces of tokens"), (unsigned long long)n * (sizeof *b + sizeof *len));
    }
    free(b);
    free(len);
    return rc;
}

size_t pieces_token_chars(const Pieces *p, size_t t, size_t *first)
{
    const size_t s = p->tok_start[t], e = p->tok_start[t + 1];
    *first = s < p->n_bytes ? p->byte_char[s] : p->n_chars;
    if (s == e) return 0;
    return p->byte_char[e - 1] - *first + 1;
}

PiecePart pieces_part(const Pieces *p, size_t t, size_t k)
{
    size_t first;
    pieces_token_chars(p, t, &first);
    const PieceChar *c = &p->chars[first + k];
    const size_t s = p->tok_start[t], e = p->tok_start[t + 1];
    const size_t from = c->start > s ? c->start : s, end = c->start + c->len < e ? c->start + c->len : e;
    return (PiecePart){first + k, (int)(from - c->start), (int)(end - from), c->len, c->valid};
}

int pieces_token_whole(const Pieces *p, size_t t)
{
    size_t first, n = pieces_token_chars(p, t, &first);
    if (!n) return 1;
    /* only the first and the last character can reach outside the token */
    const PieceChar *a = &p->chars[first], *b = &p->chars[first + n - 1];
    return a->first_tok == t && b->last_tok == t;
}

/* Appends text (k bytes) to out at *o if it fits whole; 0 when it did not. */
static int append(char *out, size_t cap, size_t *o, const char *text, size_t k)
{
    if (*o + k + 1 > cap) return 0;
    memcpy(out + *o, text, k);
    *o += k;
    out[*o] = 0;
    return 1;
}

size_t pieces_label(const Pieces *p, size_t t, int how, char *out, size_t cap)
{
    size_t o = 0, first;
    if (cap == 0) return 0;
    out[0] = 0;
    const size_t n = pieces_token_chars(p, t, &first);
    for (size_t k = 0; k < n; k++) {
        const PiecePart part = pieces_part(p, t, k);
        const PieceChar *c = &p->chars[part.c];
        char buf[64];
        size_t m;
        if (part.count == part.len) { /* a whole character, or a byte that is none */
            m = escape_bytes(p->bytes + c->start, c->len, how, buf, sizeof buf);
        } else if (!(how & ESCAPE_ASCII) && c->valid && c->cp >= 0xa0) {
            /* part of a character the terminal shows: the character, and which bytes */
            m = escape_bytes(p->bytes + c->start, c->len, how, buf, sizeof buf);
            if (part.count == 1) m += (size_t)snprintf(buf + m, sizeof buf - m, "[%d/%d]", part.from + 1, part.len);
            else m += (size_t)snprintf(buf + m, sizeof buf - m, "[%d-%d/%d]", part.from + 1, part.from + part.count, part.len);
        } else { /* its own bytes, escaped */
            m = escape_bytes(p->bytes + c->start + part.from, (size_t)part.count, how, buf, sizeof buf);
        }
        if (!append(out, cap, &o, buf, m)) break;
    }
    return o;
}

size_t pieces_label_after(const uint8_t *ctx, size_t n_ctx, const uint8_t *b, size_t n, int how, char *out,
                          size_t cap)
{
    /* A character is at most four bytes: the three before b are all that can reach into it. */
    const size_t keep = n_ctx < 3 ? n_ctx : 3;
    const uint8_t *tok[2] = {keep ? ctx + n_ctx - keep : b, b};
    const size_t len[2] = {keep, n};
    Pieces p;
    Err e;
    if (pieces_build(&p, tok, len, 2, &e)) return escape_bytes(b, n, how, out, cap);
    size_t m = pieces_label(&p, 1, how, out, cap);
    pieces_free(&p);
    return m;
}
