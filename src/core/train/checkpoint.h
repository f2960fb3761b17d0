/*
 * checkpoint.h - saving and loading a model, and everything needed to resume training it.
 *
 * The native file ("NXTKCKPT") is a magic number, a format version, then tagged sections:
 *   CONF  the model's sizes            TOKN  the tokenizer (tokenizer.h's serialised form)
 *   WGHT  the weights, float32         ADAM  optimizer moments and step count (optional)
 *   TRST  training state: hyperparameters, step, random generator, loss history (optional)
 *   CRPS  the path of the corpus trained on (optional)
 *   END   a 64-bit FNV-1a checksum of every byte before it
 * each as a 4-byte tag, a 64-bit length and the payload, little-endian. Readers skip sections
 * they do not know, so later versions can add some without breaking older files.
 *
 * Saving goes through atomicfile.h: a kill at any instant leaves the old file or the new one.
 * Loading checks the magic, the version, every length against the file, the checksum, the sizes
 * (gpt2_config_check) and that every weight is finite, and says which of those failed.
 * checkpoint_load also reads llm.c's model files (llmc.h), recognised by their magic number.
 *
 * Most readers go through loader.h, which also finds a tokenizer for an llm.c model (`info`,
 * `export` and the interface call checkpoint_load themselves); the training session, the
 * trainer's thread, the interface and `export` save with checkpoint_save.
 */
#ifndef NT_CHECKPOINT_H
#define NT_CHECKPOINT_H

#include "core/base/err.h"
#include "core/model/gpt2.h"
#include "core/text/tokenizer.h"
#include "core/train/adamw.h"
#include "core/train/train_state.h"

#define CHECKPOINT_MAGIC "NXTKCKPT"
#define CHECKPOINT_VERSION 1

typedef struct Checkpoint {
    GPT2 model;
    Tokenizer tok;     /* n_vocab 0 when the file has none (an llm.c model) */
    AdamW opt;         /* n 0 when not saved or not asked for */
    TrainState st;     /* st.cfg.batch 0 when not saved or not asked for */
    char format[16];   /* "nexttoken" or "llm.c" */
} Checkpoint;

/* opt and st may be NULL: a weights-only file (sampling, sharing). */
int checkpoint_save(const char *path, const GPT2 *m, const Tokenizer *tok, const AdamW *opt,
                    const TrainState *st, Err *e);
/* What checkpoint_load reads of a native file besides its sizes and tokenizer (flags; every
 * length and the checksum are checked whatever is asked for). An llm.c file has only weights. */
enum {
    CKPT_WEIGHTS = 1,   /* the weights; without them ck->model has its cfg and n_params only */
    CKPT_STATE = 2,     /* the training state and the corpus path, when saved */
    CKPT_OPTIMIZER = 4, /* the optimizer's moments, when saved: twice the weights' size */
    CKPT_RESUME = CKPT_WEIGHTS | CKPT_STATE | CKPT_OPTIMIZER,
};

/* Loads a native checkpoint (the parts asked for) or an llm.c model. */
int checkpoint_load(const char *path, Checkpoint *ck, int parts, Err *e);
/* The same from size bytes in memory (what checkpoint_load reads from the mapped file; the
 * fuzzer's entry point). Its messages do not name a file. */
int checkpoint_parse(const uint8_t *buf, size_t size, Checkpoint *ck, int parts, Err *e);
void checkpoint_free(Checkpoint *ck);

/* Whether saving to path may replace what is there: yes when nothing is, or a model file
 * (native or llm.c) is; no (ERR_INPUT) for any other file, so that a mistyped --out never
 * destroys a text or a corpus. */
int checkpoint_may_replace(const char *path, Err *e);

#endif
