/*
 * wordtok.h - word-level and character-level tokenizers: the two extremes that byte-pair
 * encoding sits between, kept only to compare with it (the Tokens panel; `nexttoken encode
 * --tokenizer word|char --corpus FILE`).
 *
 * Both learn their vocabulary from a corpus and cannot spell what they have not seen: a word
 * (or character) outside the vocabulary becomes <unk>, id 0, and its text is lost. Words are
 * runs of letters, digits and apostrophes (so "don't" is one word), and every other character
 * that is not whitespace is a word of its own; whitespace is dropped. Characters are Unicode
 * code points, whitespace included.
 */
#ifndef NT_WORDTOK_H
#define NT_WORDTOK_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"

enum { WORDTOK_WORD, WORDTOK_CHAR };

typedef struct WordTok WordTok;

WordTok *wordtok_build(int kind, const uint8_t *corpus, size_t n, Err *e);
void wordtok_free(WordTok *w);
/* Including <unk>. */
int wordtok_vocab_size(const WordTok *w);
/* The text of an id ("<unk>" for 0). */
const char *wordtok_token(const WordTok *w, int32_t id, size_t *len);
/* Encodes text into ids (room for n ids: never more tokens than bytes); returns the count and
 * sets *unknown to how many were <unk>. -1 when out of memory. */
long wordtok_encode(const WordTok *w, const uint8_t *text, size_t n, int32_t *ids, size_t *unknown);

/* How many tokens of the kind text is, with no vocabulary: what counting words or characters
 * means wherever this tokenizer's rules are shown (the lessons' figures). */
size_t wordtok_count(int kind, const uint8_t *text, size_t n);

#endif
