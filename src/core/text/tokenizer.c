/* tokenizer.c - the vocabulary table, byte encoding, decoding and serialisation. See tokenizer.h. */
#include "core/text/tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/array.h"
#include "core/base/bytes.h"
#include "core/base/i18n.h"
#include "core/text/bpe.h"
#include "core/text/pretok.h"

void tokenizer_free(Tokenizer *t)
{
    bpe_index_free(t->bpe);
    free(t->offsets);
    free(t->bytes);
    free(t->special);
    memset(t, 0, sizeof *t);
}

int tokenizer_init_bytes(Tokenizer *t, Err *e)
{
    uint32_t offsets[257];
    uint8_t bytes[256], special[256] = {0};
    for (int i = 0; i < 256; i++) offsets[i] = (uint32_t)i, bytes[i] = (uint8_t)i;
    offsets[256] = 256;
    return tokenizer_init_table(t, "byte", 0, 256, offsets, bytes, special, e);
}

int tokenizer_init_table(Tokenizer *t, const char *name, int pattern, int n_vocab,
                         const uint32_t *offsets, const uint8_t *bytes, const uint8_t *special,
                         Err *e)
{
    memset(t, 0, sizeof *t);
    if (n_vocab < 256) return err_input(e, _("vocabulary has %d tokens; it needs at least the 256 bytes"), n_vocab);
    if (offsets[0] != 0) return err_input(e, _("vocabulary table is malformed"));
    for (int i = 0; i < n_vocab; i++) {
        if (offsets[i + 1] < offsets[i] || (offsets[i + 1] == offsets[i] && !special[i]))
            return err_input(e, _("vocabulary token %d is empty or malformed"), i);
        if (offsets[i + 1] - offsets[i] > TOKENIZER_MAX_TOKEN)
            return err_input(e, _("vocabulary token %d has %u bytes; a token has at most %d"), i, offsets[i + 1] - offsets[i],
                             TOKENIZER_MAX_TOKEN);
    }
    for (int b = 0; b < 256; b++) t->byte_id[b] = -1;
    for (int i = 0; i < n_vocab; i++)
        if (offsets[i + 1] - offsets[i] == 1 && !special[i]) {
            int b = bytes[offsets[i]];
            if (t->byte_id[b] >= 0)
                return err_input(e, _("vocabulary has byte 0x%02x twice (tokens %d and %d)"), b, t->byte_id[b], i);
            t->byte_id[b] = i;
        }
    for (int b = 0; b < 256; b++)
        if (t->byte_id[b] < 0) return err_input(e, _("vocabulary has no token for byte 0x%02x"), b);

    size_t total = offsets[n_vocab];
    t->offsets = malloc(sizeof(uint32_t) * (n_vocab + 1));
    t->bytes = malloc(total ? total : 1);
    t->special = malloc((size_t)n_vocab);
    if (!t->offsets || !t->bytes || !t->special) {
        tokenizer_free(t);
        return err_nomem(e, N_("vocabulary"), total + 5ULL * n_vocab);
    }
    memcpy(t->offsets, offsets, sizeof(uint32_t) * (n_vocab + 1));
    memcpy(t->bytes, bytes, total);
    memcpy(t->special, special, (size_t)n_vocab);
    snprintf(t->name, sizeof t->name, "%s", name);
    if (pattern < 0 || pattern >= PRETOK_COUNT) {
        tokenizer_free(t);
        return err_input(e, _("unknown pre-tokenizer pattern %d"), pattern);
    }
    t->pattern = pattern;
    t->n_vocab = n_vocab;
    /* Merging needs the lookup from bytes to id, which also refuses two tokens of the same
     * bytes; a vocabulary of single bytes needs neither (byte_id above refused duplicates). */
    int merges = 0;
    for (int i = 0; i < n_vocab && !merges; i++) merges = offsets[i + 1] - offsets[i] > 1 && !special[i];
    if (merges && !(t->bpe = bpe_index_build(t, e))) {
        tokenizer_free(t);
        return -1;
    }
    return 0;
}

typedef struct {
    const Tokenizer *t;
    BpeWork *w;
    int32_t *ids;
    size_t n;
    int oom;
} EncodeCtx;

static int encode_chunk(void *ctx, const uint8_t *chunk, size_t len)
{
    EncodeCtx *c = ctx;
    long k = bpe_encode_chunk(c->t, c->w, chunk, len, c->ids + c->n);
    if (k < 0) return c->oom = 1;
    c->n += (size_t)k;
    return 0;
}

int tokenizer_encode(const Tokenizer *t, const uint8_t *text, size_t n, int32_t **ids,
                     size_t *cap, size_t *n_ids, Err *e)
{
    /* A text never has more tokens than bytes. */
    if (array_grow((void **)ids, cap, n ? n : 1, sizeof(int32_t), 256))
        return err_nomem(e, N_("token buffer"), (unsigned long long)n * sizeof(int32_t));
    if (!t->bpe) {
        for (size_t i = 0; i < n; i++) (*ids)[i] = t->byte_id[text[i]];
        *n_ids = n;
        return 0;
    }
    const Pretok *p = pretok_get(t->pattern, e);
    if (t->pattern != PRETOK_NONE && !p) return -1;
    EncodeCtx c = {t, bpe_work_create(), *ids, 0, 0};
    if (!c.w) return err_nomem(e, N_("encoder"), sizeof(void *));
    int rc = pretok_split(p, text, n, encode_chunk, &c, e);
    bpe_work_free(c.w);
    if (c.oom) return err_nomem(e, N_("encoder"), n * 8);
    if (rc) return -1;
    *n_ids = c.n;
    return 0;
}

int32_t tokenizer_special_id(const Tokenizer *t, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < t->n_vocab; i++)
        if (t->special[i] && t->offsets[i + 1] - t->offsets[i] == len && memcmp(t->bytes + t->offsets[i], name, len) == 0)
            return i;
    return -1;
}

int tokenizer_decode(const Tokenizer *t, const int32_t *ids, size_t n, uint8_t **out, size_t *cap,
                     size_t *len, Err *e)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k;
        tokenizer_token(t, ids[i], &k);
        total += k;
    }
    if (array_grow((void **)out, cap, total + 1, 1, 256)) return err_nomem(e, N_("text buffer"), total + 1);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k;
        const uint8_t *b = tokenizer_token(t, ids[i], &k);
        memcpy(*out + at, b, k);
        at += k;
    }
    (*out)[at] = 0;
    *len = at;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Serialisation */

#define TOK_HEADER (32 + 4 + 4 + 4)

size_t tokenizer_serialized_size(const Tokenizer *t)
{
    return TOK_HEADER + 3 * (size_t)t->n_vocab + t->offsets[t->n_vocab];
}

void tokenizer_serialize(const Tokenizer *t, uint8_t *out)
{
    memset(out, 0, 32);
    memcpy(out, t->name, strnlen(t->name, 31));
    put_u32(out + 32, (uint32_t)t->pattern);
    put_u32(out + 36, (uint32_t)t->n_vocab);
    put_u32(out + 40, t->offsets[t->n_vocab]);
    uint8_t *p = out + TOK_HEADER;
    for (int i = 0; i < t->n_vocab; i++, p += 2) put_u16(p, (uint16_t)(t->offsets[i + 1] - t->offsets[i]));
    memcpy(p, t->special, (size_t)t->n_vocab);
    p += t->n_vocab;
    memcpy(p, t->bytes, t->offsets[t->n_vocab]);
}

int tokenizer_deserialize(Tokenizer *t, const uint8_t *in, size_t n, Err *e)
{
    memset(t, 0, sizeof *t);
    if (n < TOK_HEADER) return err_input(e, _("tokenizer section is truncated"));
    char name[32];
    memcpy(name, in, 32);
    name[31] = 0;
    uint32_t pattern = get_u32(in + 32), n_vocab = get_u32(in + 36), total = get_u32(in + 40);
    if (n_vocab < 256 || n_vocab > TOKENIZER_MAX_VOCAB)
        return err_input(e, _("tokenizer has an impossible vocabulary size %u"), n_vocab);
    if ((uint64_t)TOK_HEADER + 3ULL * n_vocab + total != n)
        return err_input(e, _("tokenizer section has the wrong size"));
    uint32_t *offsets = malloc(sizeof(uint32_t) * (n_vocab + 1));
    if (!offsets) return err_nomem(e, N_("vocabulary"), 4ULL * n_vocab);
    const uint8_t *lens = in + TOK_HEADER, *special = lens + 2 * (size_t)n_vocab,
                  *bytes = special + n_vocab;
    uint64_t at = 0;
    offsets[0] = 0;
    for (uint32_t i = 0; i < n_vocab; i++) {
        at += get_u16(lens + 2 * i);
        offsets[i + 1] = (uint32_t)(at <= total ? at : total + 1);
    }
    int rc;
    if (at != total) rc = err_input(e, _("tokenizer token lengths do not add up"));
    else rc = tokenizer_init_table(t, name, (int)pattern, (int)n_vocab, offsets, bytes, special, e);
    free(offsets);
    return rc;
}

typedef struct {
    const Tokenizer *t;
    const char *before;        /* token 0 when not NULL */
    const int32_t *ids;
} IdsAfter;

static const uint8_t *ids_piece(const void *ctx, size_t i, size_t *len)
{
    const IdsAfter *c = ctx;
    if (c->before && i == 0) return *len = strlen(c->before), (const uint8_t *)c->before;
    return tokenizer_token(c->t, c->ids[i - (c->before != NULL)], len); /* "" without a tokenizer */
}

int tokenizer_pieces(const Tokenizer *t, const char *before, const int32_t *ids, size_t n, Pieces *p, Err *e)
{
    IdsAfter c = {t, before, ids};
    return pieces_build_fn(p, ids_piece, &c, n + (before != NULL), e);
}
