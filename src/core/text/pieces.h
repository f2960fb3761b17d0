/*
 * pieces.h - how tokens fall onto characters, so that a token that holds part of a character
 * can be shown as part of that character rather than as bare bytes.
 *
 * A byte-level vocabulary (GPT-2's) cuts a character of several bytes between tokens: a Korean
 * syllable is three bytes, and "옛" may come as one token of its first byte and another of the
 * other two. Shown one token at a time, either piece is "\xec" or "\x98\x9b", which nobody can
 * read. Given the tokens of a text in order, this works out the characters they make together
 * (decoded across the token boundaries) and, for each token, what it holds of them: whole
 * characters, and at either end part of one ("옛" bytes 1 to 1 of 3). Bytes that form no
 * character with their neighbours (invalid UTF-8, or a character cut off where the sequence
 * ends) stay single bytes, shown escaped, so nothing is hidden.
 *
 * Called by the interface's panels (the strips of tokens and the tables of one token a row) and
 * by the commands' text output. Pure: no locale, no terminal; the labels it writes go through
 * escape.h like every token piece.
 */
#ifndef NT_PIECES_H
#define NT_PIECES_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"

/* One character of the text, or one byte that is no character. */
typedef struct PieceChar {
    size_t start;              /* its first byte, counted in the whole sequence's bytes */
    uint32_t cp;               /* its code point; for a byte that is no character, the byte */
    uint8_t len;               /* its bytes, 1 to 4 (1 when it is no character) */
    uint8_t valid;             /* 1: a UTF-8 character; 0: a byte that forms none */
    uint32_t first_tok, last_tok; /* the tokens its bytes come from (equal when not split) */
} PieceChar;

typedef struct Pieces {
    size_t n_tokens;
    size_t n_bytes;
    uint8_t *bytes;            /* the tokens' bytes, one after another (n_bytes) */
    size_t *tok_start;         /* token t is bytes [tok_start[t], tok_start[t + 1]) (n_tokens + 1) */
    size_t n_chars;
    PieceChar *chars;          /* the characters, in order (n_chars) */
    size_t *byte_char;         /* the character each byte belongs to (n_bytes) */
} Pieces;

/* What token t holds of character c: its bytes [from, from + count) of the character's len. */
typedef struct PiecePart {
    size_t c;
    int from, count, len;
    int valid;
} PiecePart;

/* The characters of n tokens, token i being the len[i] bytes at tok[i] (an empty token holds
 * nothing). -1 with e filled when out of memory; p is then empty and free to pieces_free. */
int pieces_build(Pieces *p, const uint8_t *const *tok, const size_t *len, size_t n, Err *e);
/* The same with token i's bytes from piece(ctx, i, &len), for callers that hold ids (of a
 * tokenizer, a word vocabulary, ...) rather than the bytes themselves. */
typedef const uint8_t *(*PieceFn)(const void *ctx, size_t i, size_t *len);
int pieces_build_fn(Pieces *p, PieceFn piece, const void *ctx, size_t n, Err *e);
void pieces_free(Pieces *p);

/* The characters token t overlaps: [*first, *first + count), returned (0 for an empty token). */
size_t pieces_token_chars(const Pieces *p, size_t t, size_t *first);
/* What token t holds of the k-th character it overlaps (k < pieces_token_chars). */
PiecePart pieces_part(const Pieces *p, size_t t, size_t k);
/* 1 if token t holds whole characters only (or bytes that are none): it reads as it is. */
int pieces_token_whole(const Pieces *p, size_t t);

/* Token t as a person reads it, into out (NUL-terminated; returns the length): its whole
 * characters escaped as escape_bytes does with `how` (escape.h's ESCAPE_* flags), and a
 * character it holds only part of written whole followed by which of its bytes the token holds:
 * "옛[1/3]" (the first of three), "옛[2-3/3]". With ESCAPE_ASCII, or for a character the
 * terminal cannot show (a C1 control), the part is its own bytes escaped, as before. Never
 * half a character or half an escape: what does not fit in cap is left out. */
size_t pieces_label(const Pieces *p, size_t t, int how, char *out, size_t cap);

/* The same for one piece b[0 .. n) that follows the bytes ctx[0 .. n_ctx) (what came before it;
 * only its last few bytes matter): a candidate next token completing a character the text
 * began shows as that character ("옛[2-3/3]"). */
size_t pieces_label_after(const uint8_t *ctx, size_t n_ctx, const uint8_t *b, size_t n, int how, char *out,
                          size_t cap);

#endif
