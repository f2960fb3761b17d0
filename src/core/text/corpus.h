/*
 * corpus.h - a text file to learn from, read into memory and checked.
 *
 * A corpus must be a readable regular file, not empty, UTF-8 text without NUL bytes (a NUL or an
 * invalid sequence says "this is not text", the usual mistake being a binary file). A pipe or a
 * terminal is refused (readfile.h: not a regular file). The bytes are read, not mapped, so that
 * the text can be truncated or rewritten on disk while a session trains on it: corpora are a few
 * megabytes, and the copy is the program's own.
 *
 * Opened by the training session (session.h), the interface, and the commands that learn from
 * a text (`bpe train`, and `encode` and `slice` with a word or character vocabulary).
 */
#ifndef NT_CORPUS_H
#define NT_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"

typedef struct Corpus {
    const uint8_t *data;
    size_t size;
    uint64_t hash;       /* FNV-1a of the bytes, so a checkpoint can tell which text it saw */
    char name[256];      /* the path as given, for messages */
} Corpus;

/* Opens and checks a file. Errors (ERR_INPUT) name the problem: missing, a directory, not a
 * regular file, empty, binary (a NUL at byte N), not UTF-8 (at byte N). */
int corpus_open(Corpus *c, const char *path, Err *e);
/* A corpus over a copy of bytes already in memory, checked the same way (the tests make theirs
 * so). */
int corpus_from_memory(Corpus *c, const char *name, const uint8_t *text, size_t n, Err *e);
void corpus_close(Corpus *c);

/* The text check alone, for a part of a file read piece by piece (tokstream.h): no NUL, valid
 * UTF-8; offsets in the messages count from `base`, the part's place in the file. The part must
 * begin and end on character boundaries. */
int corpus_check_text(const char *name, const uint8_t *data, size_t n, uint64_t base, Err *e);

#endif
