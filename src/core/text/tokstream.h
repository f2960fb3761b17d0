/*
 * tokstream.h - text files to token ids, in file order, in bounded memory and on every thread of
 * a pool: how `nexttoken encode --format llmc` tokenizes a corpus of any size.
 *
 * Each file is one document, checked as corpus.h checks a text (not empty, no NUL, UTF-8) and
 * preceded by a separator token when one is given (GPT-2's <|endoftext|>, as llm.c's data
 * scripts put one before each document). A file is read a round at a time: up to `piece` bytes
 * per thread, cut only where pretok_cut_ok allows (any character boundary for the byte
 * tokenizer), so that the threads' tokens, put end to end, are exactly the tokens of the whole
 * file encoded at once; the text after the round's last cut waits for the next round. Memory is
 * about threads x piece bytes of text and as many ids, unless a file has no place to cut for a
 * long stretch (megabytes without a space after a word or a line break): the round then grows to
 * the next place. A byte-pair
 * vocabulary with no pre-tokenizer pattern has no place to cut at all, so each file is read
 * whole.
 */
#ifndef NT_TOKSTREAM_H
#define NT_TOKSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"
#include "core/base/parallel.h"
#include "core/text/tokenizer.h"

#define TOKSTREAM_PIECE ((size_t)1 << 20)

/* Where the ids go, in order; nonzero (with e filled) stops the stream. */
typedef int (*TokSink)(void *ctx, const int32_t *ids, size_t n, Err *e);
/* After each round: bytes read of all the files so far, their total, tokens so far. */
typedef void (*TokProgress)(void *ctx, uint64_t bytes, uint64_t total, uint64_t tokens);

typedef struct TokStream {
    const Tokenizer *t;
    int32_t separator;       /* the id before each file, or -1 for none */
    size_t piece;            /* bytes per thread per round; 0: TOKSTREAM_PIECE */
    ParPool *pool;           /* borrowed; NULL: the caller's thread */
    TokSink sink;
    void *sink_ctx;
    TokProgress progress;    /* may be NULL */
    void *progress_ctx;
} TokStream;

/* Encodes the files in order into the sink. Every file is opened and sized first, so that a
 * missing one fails before any token is made. *bytes and *tokens (either may be NULL) get the
 * totals. */
int tokstream_files(const TokStream *s, const char *const *paths, int n_paths, uint64_t *bytes, uint64_t *tokens, Err *e);

#endif
