/*
 * utf8.h - decoding UTF-8 strictly (no overlongs, no surrogates, nothing above U+10FFFF), for the
 * corpus check and for showing token bytes. Pure functions, no locale.
 */
#ifndef NT_UTF8_H
#define NT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (1-4) of the valid UTF-8 character at s[0 .. n), with its code point in *cp; 0 if the
 * bytes there are not a complete, valid character. */
int utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);

/* Writes the UTF-8 of code point cp (< 0x110000) into out (room for 4); returns its length. */
int utf8_encode(uint32_t cp, uint8_t *out);

/* The columns code point cp takes on a terminal: 2 for East Asian wide and full-width characters
 * (Hangul, CJK, kana, full-width forms, most emoji), 0 for combining marks, else 1. A fixed
 * table, not the locale's wcwidth: the commands print without setting a locale. */
int utf8_cp_width(uint32_t cp);
/* The columns the n bytes at s take: each valid character its utf8_cp_width, any other byte one. */
size_t utf8_width(const uint8_t *s, size_t n);

/* 1 if all n bytes are valid UTF-8; otherwise 0 with the offset of the first bad byte. */
int utf8_valid(const uint8_t *s, size_t n, size_t *bad_offset);

#endif
