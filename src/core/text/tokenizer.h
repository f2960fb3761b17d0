/*
 * tokenizer.h - text to token ids and back, behind one interface for every vocabulary.
 *
 * A vocabulary is a table of byte strings: token id -> its bytes. Every tokenizer nexttoken uses
 * has one token for each single byte, so any byte string, valid UTF-8 or not, encodes and
 * decodes back exactly. The plain byte tokenizer is that table and nothing more (ids 0..255 are
 * the bytes 0..255). Byte-pair encodings (bpe.h encodes with them, bpe_train.h learns them) add
 * merged tokens and a pre-tokenizer pattern; they are stored in the same table, so the model,
 * the checkpoint and the screen need to know only this interface.
 *
 * Used by the data path (dataset.h), checkpoints, the sampler's output, and both front ends.
 */
#ifndef NT_TOKENIZER_H
#define NT_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"
#include "core/base/escape.h"
#include "core/text/pieces.h"

/* The largest vocabulary nexttoken accepts, from any file or to learn: o200k's 200,000 and more
 * fit, and a model's embedding stays addressable with 32-bit arithmetic (gpt2.h). */
#define TOKENIZER_MAX_VOCAB (1 << 21)
/* The most bytes one token may have: the serialised form below stores a length in 16 bits.
 * tokenizer_init_table refuses longer ones and bpe_train.h never learns one, so whatever
 * tokenizer exists can be saved and loaded back. (The longest in GPT-2 and GPT-4's
 * vocabularies has 128 bytes; only a degenerate text, one letter 65,536 times, merges further.) */
#define TOKENIZER_MAX_TOKEN 65535

typedef struct Tokenizer {
    char name[32];      /* "byte", "bpe", "gpt2", "cl100k", "o200k" */
    int pattern;        /* pre-tokenizer pattern id (0: none, the text is one chunk) */
    int n_vocab;
    uint32_t *offsets;  /* n_vocab + 1: token i is bytes[offsets[i] .. offsets[i+1]) */
    uint8_t *bytes;
    uint8_t *special;   /* n_vocab flags: 1 for tokens such as <|endoftext|> */
    int32_t byte_id[256]; /* the id of each single-byte token */
    struct BpeIndex *bpe; /* lookup structures for merging, built on load (NULL for bytes) */
} Tokenizer;

/* The byte tokenizer: 256 tokens, id = byte value. */
int tokenizer_init_bytes(Tokenizer *t, Err *e);
void tokenizer_free(Tokenizer *t);

/* Builds a tokenizer from a vocabulary table (copied). Checks that every single byte is a token
 * exactly once, that no two tokens have the same bytes and that none is longer than
 * TOKENIZER_MAX_TOKEN. */
int tokenizer_init_table(Tokenizer *t, const char *name, int pattern, int n_vocab,
                         const uint32_t *offsets, const uint8_t *bytes, const uint8_t *special,
                         Err *e);

/* Encodes n bytes of text. *ids is grown with realloc as needed (*cap is its capacity in ids;
 * both may start as NULL/0); *n_ids gets the count. */
int tokenizer_encode(const Tokenizer *t, const uint8_t *text, size_t n, int32_t **ids,
                     size_t *cap, size_t *n_ids, Err *e);

/* The bytes of one token. Ids out of range give an empty string. */
static inline const uint8_t *tokenizer_token(const Tokenizer *t, int32_t id, size_t *len)
{
    if (id < 0 || id >= t->n_vocab) {
        *len = 0;
        return (const uint8_t *)"";
    }
    *len = t->offsets[id + 1] - t->offsets[id];
    return t->bytes + t->offsets[id];
}

/* The pieces (text/pieces.h) of n tokens ids of t, after the text `before` as a token 0 when it
 * is not NULL (a candidate read after the text it follows): how they fall onto characters, for
 * labels such as "옛[1/3]". 0, or -1 with e filled (p is then empty). */
int tokenizer_pieces(const Tokenizer *t, const char *before, const int32_t *ids, size_t n, Pieces *p, Err *e);

/* The id of the special token whose bytes are name ("<|endoftext|>"), or -1: GPT-2's 50256,
 * cl100k's 100257; the byte tokenizer and learned byte pairs have none. */
int32_t tokenizer_special_id(const Tokenizer *t, const char *name);

/* Appends the bytes of ids to out (capacity *cap, grown with realloc), returning the length. */
int tokenizer_decode(const Tokenizer *t, const int32_t *ids, size_t n, uint8_t **out, size_t *cap,
                     size_t *len, Err *e);

/* Serialised form, stored inside checkpoints:
 *   char name[32], u32 pattern, u32 n_vocab, u32 total bytes,
 *   u16 length[n_vocab], u8 special[n_vocab], bytes[total]   (little-endian) */
size_t tokenizer_serialized_size(const Tokenizer *t);
void tokenizer_serialize(const Tokenizer *t, uint8_t *out);
int tokenizer_deserialize(Tokenizer *t, const uint8_t *in, size_t n, Err *e);

/* Token bytes for a person, as the commands and the interface show them: escape_bytes
 * (core/base/escape.h), which this header brings in for its callers. */

#endif
