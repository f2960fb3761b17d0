/* textout.c - a model's text on standard output (sample, decode), safe for a terminal. See cli.h.
 *
 * A model writes whatever bytes its tokens hold: a tokenizer file from elsewhere can make a token
 * of ESC [2J, and sampling it would clear the screen. On a terminal, then, control bytes other
 * than newline and tab are written escaped (\x1b, as escape.h writes them), and so are bytes that
 * are not part of a valid UTF-8 character; into a pipe or a file the bytes go out as they are,
 * for whatever reads them. Tokens often end inside a character (GPT-2 splits a Korean syllable
 * across two), so the bytes of a character begun but not finished wait for the next token. */
#include "cli.h"

#include <string.h>
#include <unistd.h>

#include "core/base/escape.h"
#include "core/base/utf8.h"

void textout_init(TextOut *o, FILE *f)
{
    o->f = f;
    o->tty = isatty(fileno(f));
    o->n_pend = 0;
}

/* The length a UTF-8 lead byte announces (2-4); 0 if c cannot begin a character of several. */
static int lead_len(uint8_t c)
{
    return c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
}

static void put_escaped(TextOut *o, const uint8_t *b, size_t n)
{
    char out[8];
    for (size_t i = 0; i < n; i++) {
        escape_bytes(b + i, 1, ESCAPE_KEEP_BACKSLASH, out, sizeof out);
        fputs(out, o->f);
    }
}

/* The pending bytes plus what follows: whole characters out, a character still incomplete kept. */
void textout_write(TextOut *o, const uint8_t *b, size_t n)
{
    if (!o->tty) {
        fwrite(b, 1, n, o->f);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t c = b[i];
        if (o->n_pend) {
            o->pend[o->n_pend++] = c;
            int want = lead_len(o->pend[0]);
            uint32_t cp;
            if (o->n_pend < want && (c & 0xc0) == 0x80) continue; /* not yet whole */
            if (o->n_pend == want && utf8_decode(o->pend, (size_t)want, &cp) == want && !(cp >= 0x80 && cp <= 0x9f)) {
                fwrite(o->pend, 1, (size_t)want, o->f);
                o->n_pend = 0;
                continue;
            }
            /* not a character: its first byte escaped, the rest read again from the start */
            put_escaped(o, o->pend, 1);
            int rest = o->n_pend - 1;
            uint8_t again[4];
            memcpy(again, o->pend + 1, (size_t)rest);
            o->n_pend = 0;
            textout_write(o, again, (size_t)rest);
            continue;
        }
        if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) fputc(c, o->f);
        else if (lead_len(c)) o->pend[o->n_pend++] = c;
        else put_escaped(o, &c, 1);
    }
}

void textout_end(TextOut *o)
{
    if (o->n_pend) put_escaped(o, o->pend, (size_t)o->n_pend);
    o->n_pend = 0;
}
