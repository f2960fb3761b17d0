/*
 * shard.h - llm.c's token shards: the files its data scripts write (dev/data/data_common.py,
 * write_datafile) and its trainer reads (llmc/dataloader.h), so that text tokenized here trains
 * there and the reverse.
 *
 * Format (little-endian):
 *   int32 header[256]: header[0] = 20240520 (magic), header[1] = 1 (version), header[2] = the
 *                      number of tokens, the rest 0
 *   uint16 tokens[header[2]]
 * so the file is exactly 1024 + 2 * count bytes. The rules llm.c's dataloader_load_shard_
 * enforces, and shard_check here with it: the magic, the version, a count above zero (it
 * asserts ntok > 0), and the file size equal to 256 * 4 + ntok * 2. The count is an int32, and
 * write_datafile asserts fewer than 2^31 tokens; token ids are uint16, so a vocabulary of more
 * than 65,536 tokens (cl100k, o200k) cannot be written. (The trainer also wants every shard to
 * hold at least B * T + 1 tokens per process: that depends on its flags, not on the file.)
 *
 * Written by `nexttoken encode --format llmc` (tokstream.h feeds the writer); read by the
 * training session for `train --data`.
 */
#ifndef NT_SHARD_H
#define NT_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/atomicfile.h"
#include "core/base/err.h"

#define SHARD_MAGIC 20240520
#define SHARD_VERSION 1
#define SHARD_HEADER_BYTES (256 * 4)
#define SHARD_MAX_VOCAB 65536
#define SHARD_MAX_TOKENS 2147483647ULL /* header[2] is an int32 */

/* What a shard writer may replace (atomicfile.h's rule): a shard, never a text or a model. */
extern const FileKind shard_kind;

typedef struct ShardWriter {
    AtomicFile af;
    uint64_t n_tokens;
    int n_vocab;
    uint8_t buf[1 << 16];   /* tokens as uint16 LE, written when full */
    size_t at;
} ShardWriter;

/* Creates the temporary file beside path with a header whose count is patched at commit. Refuses
 * a vocabulary of more than SHARD_MAX_VOCAB tokens (naming it) and a path the rule refuses. */
int shard_writer_open(ShardWriter *w, const char *path, const char *tok_name, int n_vocab, Err *e);
/* Appends n token ids (each 0 <= id < n_vocab). ERR_INPUT past SHARD_MAX_TOKENS. */
int shard_writer_add(ShardWriter *w, const int32_t *ids, size_t n, Err *e);
/* Patches the count into the header and renames the file into place; a shard of no tokens is
 * refused (llm.c's loader asserts some). On failure the target is untouched. */
int shard_writer_commit(ShardWriter *w, Err *e);
void shard_writer_abort(ShardWriter *w);

/* llm.c's header rules for a file of `size` bytes beginning with head (at least
 * SHARD_HEADER_BYTES of it); the count in *n_tokens. ERR_INPUT naming path and what is wrong. */
int shard_check(const uint8_t *head, uint64_t size, const char *path, uint64_t *n_tokens, Err *e);

/* Checks a shard and appends its tokens to *tokens (capacity *cap, grown with realloc; *n the
 * count so far), refusing any id >= n_vocab (naming the tokenizer, of_name). */
int shard_read(const char *path, int n_vocab, const char *of_name, int32_t **tokens, size_t *cap, size_t *n, Err *e);

#endif
