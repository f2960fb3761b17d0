/* fuzz_pieces.c - how tokens fall onto characters (core/text/pieces.h), and the labels that reach
 * the terminal: any bytes, cut into tokens anywhere.
 *
 * The first byte is a seed: each later byte ends a token when (byte ^ seed) & 3 is 0, and the
 * seed's high bits choose how small a label's buffer is. What must hold: every byte belongs to
 * exactly one character and the tokens' parts cover them in order; a character is valid UTF-8
 * or a single byte; and every label, whatever the escaping asked for and however small its
 * buffer, is NUL-terminated valid UTF-8 with no control byte and no C1 control in it (ASCII
 * only with ESCAPE_ASCII), so that nothing a file holds can act on a terminal. */
#include "fuzz.h"

#include "core/base/escape.h"
#include "core/base/utf8.h"
#include "core/text/pieces.h"

#define MAX_TOKENS 4096

/* A label fit for a terminal: NUL-terminated within cap, valid UTF-8, no control, no C1. */
static void check_label(const char *s, size_t n, size_t cap, int ascii)
{
    FUZZ_CHECK(n < cap && s[n] == 0 && strlen(s) == n);
    const uint8_t *b = (const uint8_t *)s;
    FUZZ_CHECK(utf8_valid(b, n, NULL));
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int k = utf8_decode(b + i, n - i, &cp);
        FUZZ_CHECK(k > 0);
        FUZZ_CHECK(cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f));
        FUZZ_CHECK(!ascii || cp < 0x80);
        i += (size_t)k;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const uint8_t seed = data[0];
    const uint8_t *text = data + 1;
    const size_t n = size - 1;
    static const uint8_t *tok[MAX_TOKENS];
    static size_t len[MAX_TOKENS];
    size_t n_tok = 0, start = 0;
    for (size_t i = 0; i < n && n_tok < MAX_TOKENS - 1; i++)
        if (((text[i] ^ seed) & 3) == 0) tok[n_tok] = text + start, len[n_tok++] = i + 1 - start, start = i + 1;
    tok[n_tok] = text + start, len[n_tok++] = n - start; /* the rest, perhaps empty */
    Pieces p;
    Err e = {0};
    if (pieces_build(&p, tok, len, n_tok, &e)) {
        FUZZ_CHECK_ERR(e);
        return 0;
    }
    FUZZ_CHECK(p.n_tokens == n_tok && p.n_bytes == n);
    /* the characters tile the bytes; each is a valid character or one byte */
    size_t at = 0;
    for (size_t c = 0; c < p.n_chars; c++) {
        const PieceChar *ch = &p.chars[c];
        FUZZ_CHECK(ch->start == at && ch->len >= 1 && ch->len <= 4);
        uint32_t cp;
        if (ch->valid) FUZZ_CHECK(utf8_decode(p.bytes + at, n - at, &cp) == ch->len && cp == ch->cp);
        else FUZZ_CHECK(ch->len == 1);
        FUZZ_CHECK(ch->first_tok <= ch->last_tok && ch->last_tok < n_tok);
        at += ch->len;
    }
    FUZZ_CHECK(at == n);
    /* each token's parts cover its bytes in order */
    const size_t small = 1 + (seed >> 3); /* 1 to 32 bytes */
    for (size_t t = 0; t < n_tok; t++) {
        size_t first, k = pieces_token_chars(&p, t, &first), covered = 0;
        FUZZ_CHECK(k == 0 || first < p.n_chars);
        for (size_t j = 0; j < k; j++) {
            PiecePart part = pieces_part(&p, t, j);
            FUZZ_CHECK(part.c == first + j && part.count >= 1 && part.from + part.count <= part.len);
            FUZZ_CHECK(p.chars[part.c].start + (size_t)part.from == p.tok_start[t] + covered);
            covered += (size_t)part.count;
        }
        FUZZ_CHECK(covered == len[t]);
        static const int hows[] = {0, ESCAPE_SPACES | ESCAPE_SYMBOLS, ESCAPE_ASCII, ESCAPE_KEEP_BACKSLASH};
        for (size_t h = 0; h < sizeof hows / sizeof hows[0]; h++) {
            char out[512];
            size_t m = pieces_label(&p, t, hows[h], out, sizeof out);
            check_label(out, m, sizeof out, hows[h] == ESCAPE_ASCII);
            char *tiny = malloc(small); /* its own allocation: ASan sees a write past it */
            if (tiny) {
                m = pieces_label(&p, t, hows[h], tiny, small);
                check_label(tiny, m, small, hows[h] == ESCAPE_ASCII);
                free(tiny);
            }
            /* the same token as a candidate after the bytes before it */
            m = pieces_label_after(p.bytes, p.tok_start[t], tok[t], len[t], hows[h], out, sizeof out);
            check_label(out, m, sizeof out, hows[h] == ESCAPE_ASCII);
        }
    }
    pieces_free(&p);
    return 0;
}
