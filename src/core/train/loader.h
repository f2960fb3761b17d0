/*
 * loader.h - the model or tokenizer a user names, whatever its format.
 *
 * A tokenizer may be named ("byte", "gpt2", "cl100k", "o200k") or be a file: nexttoken's
 * tokenizer file, llm.c's gpt2_tokenizer.bin, or a checkpoint (its tokenizer alone is read). A
 * model file is a nexttoken checkpoint or an llm.c model; an llm.c model of GPT-2's vocabulary,
 * which carries no tokenizer, gets GPT-2's: llm.c's gpt2_tokenizer.bin beside it, or the
 * vocabulary `make gpt2-vocab` installs. This sits above checkpoint.h because a checkpoint is
 * one of the files a tokenizer can come from.
 *
 * Used by the commands and by the training session (session.h), so that both front ends accept
 * the same files and say the same things about them.
 */
#ifndef NT_LOADER_H
#define NT_LOADER_H

#include "core/base/err.h"
#include "core/text/tokenizer.h"
#include "core/train/checkpoint.h"

/* A tokenizer by name or file (above). */
int load_tokenizer(const char *spec, Tokenizer *t, Err *e);

/* A model file: the parts asked for (checkpoint.h's CKPT_*), with its tokenizer, or GPT-2's for
 * an llm.c model of GPT-2's vocabulary when it can be found. With need_tokenizer, a model left
 * without one is refused (ERR_INPUT) with advice on how to give it one. */
int load_model(const char *path, Checkpoint *ck, int parts, int need_tokenizer, Err *e);

#endif
