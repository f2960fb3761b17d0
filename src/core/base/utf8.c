/* utf8.c - strict UTF-8 decoding. See utf8.h. */
#include "core/base/utf8.h"

int utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    if (n == 0) return 0;
    uint8_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    uint32_t v, min;
    if ((c & 0xe0) == 0xc0) len = 2, v = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0) len = 3, v = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0) len = 4, v = c & 0x07, min = 0x10000;
    else return 0;
    if ((size_t)len > n) return 0;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
    *cp = v;
    return len;
}

int utf8_valid(const uint8_t *s, size_t n, size_t *bad_offset)
{
    size_t i = 0;
    uint32_t cp;
    while (i < n) {
        if (s[i] < 0x80) { /* the common case, without the call */
            i++;
            continue;
        }
        int k = utf8_decode(s + i, n - i, &cp);
        if (!k) {
            if (bad_offset) *bad_offset = i;
            return 0;
        }
        i += (size_t)k;
    }
    return 1;
}

int utf8_encode(uint32_t cp, uint8_t *out)
{
    if (cp < 0x80) return out[0] = (uint8_t)cp, 1;
    if (cp < 0x800) return out[0] = (uint8_t)(0xc0 | cp >> 6), out[1] = (uint8_t)(0x80 | (cp & 63)), 2;
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xe0 | cp >> 12), out[1] = (uint8_t)(0x80 | (cp >> 6 & 63)), out[2] = (uint8_t)(0x80 | (cp & 63));
        return 3;
    }
    out[0] = (uint8_t)(0xf0 | cp >> 18), out[1] = (uint8_t)(0x80 | (cp >> 12 & 63));
    out[2] = (uint8_t)(0x80 | (cp >> 6 & 63)), out[3] = (uint8_t)(0x80 | (cp & 63));
    return 4;
}

int utf8_cp_width(uint32_t cp)
{
    /* combining marks (the common blocks) */
    if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x20d0 && cp <= 0x20ff)
        || (cp >= 0xfe20 && cp <= 0xfe2f) || cp == 0x200b || (cp >= 0x1160 && cp <= 0x11ff))
        return 0;
    static const uint32_t wide[][2] = {
        {0x1100, 0x115f},  {0x2e80, 0x303e},  {0x3041, 0x33ff},  {0x3400, 0x4dbf},  {0x4e00, 0x9fff},
        {0xa000, 0xa4cf},  {0xa960, 0xa97f},  {0xac00, 0xd7a3},  {0xf900, 0xfaff},  {0xfe30, 0xfe4f},
        {0xff00, 0xff60},  {0xffe0, 0xffe6},  {0x1f300, 0x1f64f}, {0x1f900, 0x1f9ff}, {0x20000, 0x3fffd},
    };
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (cp >= wide[i][0] && cp <= wide[i][1]) return 2;
    return 1;
}

size_t utf8_width(const uint8_t *s, size_t n)
{
    size_t w = 0;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        int k = s[i] < 0x80 ? 0 : utf8_decode(s + i, n - i, &cp);
        if (k > 0) w += (size_t)utf8_cp_width(cp), i += (size_t)k;
        else w++, i++;
    }
    return w;
}
