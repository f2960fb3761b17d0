/*
 * llmc.h - Andrej Karpathy's llm.c file formats, so models move between the two programs.
 *
 * Model (train_gpt2.c, gpt2_124M.bin): a header of 256 int32 - magic 20240326, version (3:
 * float32, 5: bfloat16), max context, vocabulary, layers, heads, width, padded vocabulary -
 * then the weights in the order and layout gpt2.h uses, except that wte has padded-vocabulary
 * rows (50304 for GPT-2's 50257: the extra rows are never used). We read versions 3 and 5 and
 * write version 3, padding the vocabulary to a multiple of 128 as llm.c does.
 *
 * checkpoint_load reads these files beside its own; `nexttoken export --format llmc` writes them.
 */
#ifndef NT_LLMC_H
#define NT_LLMC_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/atomicfile.h"
#include "core/base/err.h"
#include "core/model/gpt2.h"

#define LLMC_MODEL_MAGIC 20240326

/* Whether the first bytes are an llm.c model header. */
int llmc_is_model(const uint8_t *buf, size_t n);
/* Reads an llm.c model file of n bytes from fd, at its start, into m (created here). The
 * weights are read in pieces straight into m: a GPT-2 file is half a gigabyte, and no second
 * copy of it is made. */
int llmc_load_model(int fd, uint64_t n, GPT2 *m, Err *e);
/* What llmc_save_model may replace (atomicfile.h's rule): an llm.c model, not a checkpoint with
 * its tokenizer and training state. */
extern const FileKind llmc_model_kind;
/* Writes m as an llm.c version-3 model file (atomically). */
int llmc_save_model(const char *path, const GPT2 *m, Err *e);

#endif
