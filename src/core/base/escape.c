/* escape.c - bytes made safe for a terminal. See escape.h. */
#include "core/base/escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/utf8.h"

size_t escape_bytes(const uint8_t *b, size_t n, int how, char *out, size_t cap)
{
    const int ascii = (how & ESCAPE_ASCII) != 0;
    size_t o = 0;
    if (cap == 0) return 0;
    for (size_t i = 0; i < n;) {
        char tmp[16];
        const char *piece = tmp;
        size_t k;
        uint32_t cp;
        int len = b[i] >= 0x80 && !ascii ? utf8_decode(b + i, n - i, &cp) : 0;
        if (len > 0 && cp >= 0xa0) { /* a whole character */
            piece = (const char *)b + i, k = (size_t)len, i += (size_t)len;
        } else if (len > 0) { /* a C1 control, U+0080..U+009F: its two bytes */
            k = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x\\x%02x", b[i], b[i + 1]);
            i += 2;
        } else {
            uint8_t c = b[i++];
            const char *s = NULL;
            if (c == ' ' && (how & ESCAPE_SPACES)) s = ascii ? "." : "\u00b7";
            else if (c == '\n') s = (how & ESCAPE_SYMBOLS) && !ascii ? "\u21b5" : "\\n";
            else if (c == '\t') s = (how & ESCAPE_SYMBOLS) && !ascii ? "\u2192" : "\\t";
            else if (c == '\r') s = "\\r";
            else if (c == '\\') s = how & ESCAPE_KEEP_BACKSLASH ? "\\" : "\\\\";
            if (s) piece = s, k = strlen(s);
            else if (c >= 0x20 && c < 0x7f) tmp[0] = (char)c, k = 1;
            else k = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", c); /* a control byte, or part of a character */
        }
        if (o + k + 1 > cap) break; /* never half a character or half an escape */
        memcpy(out + o, piece, k);
        o += k;
    }
    out[o] = 0;
    return o;
}

const char *escape_str(const char *s, char *out, size_t cap)
{
    escape_bytes((const uint8_t *)s, strlen(s), ESCAPE_KEEP_BACKSLASH, out, cap);
    return out;
}

size_t escape_vformat(char *out, size_t cap, const char *fmt, va_list ap)
{
    if (cap == 0) return 0;
    vsnprintf(out, cap, fmt, ap);
    size_t n = strlen(out), i = 0;
    while (i < n && out[i] >= 0x20 && out[i] < 0x7f) i++;
    if (i == n) return n; /* printable ASCII: nothing to do */
    char *copy = malloc(n + 1);
    if (copy) {
        memcpy(copy, out, n + 1);
        n = escape_bytes((const uint8_t *)copy, n, ESCAPE_KEEP_BACKSLASH, out, cap);
        free(copy);
        return n;
    }
    /* No memory for the escaped form: the same length with '?' for anything unsafe. */
    for (; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f) out[i] = '?';
    return n;
}

size_t escape_format(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = escape_vformat(out, cap, fmt, ap);
    va_end(ap);
    return n;
}
