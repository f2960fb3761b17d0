/* shard.c - llm.c's token shards, written and checked. See shard.h. */
#include "core/text/shard.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/array.h"
#include "core/base/bytes.h"
#include "core/base/i18n.h"
#include "core/base/readfile.h"

static int is_shard(const uint8_t *head, size_t n)
{
    return n >= 8 && get_u32(head) == SHARD_MAGIC && get_u32(head + 4) == SHARD_VERSION;
}
const FileKind shard_kind = {N_("an llm.c token shard"), is_shard};

int shard_writer_open(ShardWriter *w, const char *path, const char *tok_name, int n_vocab, Err *e)
{
    memset(w, 0, sizeof *w);
    if (n_vocab > SHARD_MAX_VOCAB)
        return err_input(e, _("%s has %d tokens; llm.c's shards hold ids of 16 bits, at most %d tokens (gpt2, byte or a learned vocabulary)"),
                         tok_name, n_vocab, SHARD_MAX_VOCAB);
    if (atomic_open(&w->af, path, &shard_kind, e)) return -1;
    w->n_vocab = n_vocab;
    /* The count stays 0 until commit: a file cut short by a crash is never taken for a shard
     * with tokens (and the temporary file is not at path anyway). */
    uint8_t h[SHARD_HEADER_BYTES] = {0};
    put_u32(h, SHARD_MAGIC);
    put_u32(h + 4, SHARD_VERSION);
    atomic_write(&w->af, h, sizeof h);
    return 0;
}

int shard_writer_add(ShardWriter *w, const int32_t *ids, size_t n, Err *e)
{
    if (w->n_tokens + n > SHARD_MAX_TOKENS)
        return err_input(e, _("%s: more than %llu tokens, the most a shard's int32 count holds; split the text into several shards"),
                         w->af.path, SHARD_MAX_TOKENS);
    for (size_t i = 0; i < n; i++) {
        if (ids[i] < 0 || ids[i] >= w->n_vocab) return err_internal(e, _("token id %d outside the vocabulary"), ids[i]);
        put_u16(w->buf + w->at, (uint16_t)ids[i]);
        if ((w->at += 2) == sizeof w->buf) {
            atomic_write(&w->af, w->buf, w->at);
            w->at = 0;
        }
    }
    w->n_tokens += n;
    return 0;
}

int shard_writer_commit(ShardWriter *w, Err *e)
{
    if (w->n_tokens == 0) {
        shard_writer_abort(w);
        return err_input(e, _("%s: no tokens to write"), w->af.path);
    }
    atomic_write(&w->af, w->buf, w->at);
    w->at = 0;
    uint8_t count[4];
    put_u32(count, (uint32_t)w->n_tokens);
    atomic_patch(&w->af, 8, count, sizeof count);
    return atomic_commit(&w->af, e);
}

void shard_writer_abort(ShardWriter *w)
{
    if (w->af.f) atomic_abort(&w->af);
}

int shard_check(const uint8_t *head, uint64_t size, const char *path, uint64_t *n_tokens, Err *e)
{
    if (size < SHARD_HEADER_BYTES)
        return err_input(e, _("%s: %llu bytes, shorter than an llm.c shard's header of %d"), path, (unsigned long long)size,
                         SHARD_HEADER_BYTES);
    if (get_u32(head) != SHARD_MAGIC)
        return err_input(e, _("%s: not an llm.c token shard (magic %u, expected %u)"), path, get_u32(head), SHARD_MAGIC);
    if (get_u32(head + 4) != SHARD_VERSION)
        return err_input(e, _("%s: llm.c shard version %u; version %d (uint16 tokens, GPT-2's) is read"), path, get_u32(head + 4),
                         SHARD_VERSION);
    int32_t count = (int32_t)get_u32(head + 8);
    if (count <= 0) return err_input(e, _("%s: the header counts %d tokens; a shard holds some"), path, count);
    uint64_t want = SHARD_HEADER_BYTES + 2 * (uint64_t)count;
    if (size != want)
        return err_input(e, _("%s: %llu bytes, but a header counting %d tokens makes %llu (cut short or with bytes after it)"), path,
                         (unsigned long long)size, count, (unsigned long long)want);
    *n_tokens = (uint64_t)count;
    return 0;
}

int shard_read(const char *path, int n_vocab, const char *of_name, int32_t **tokens, size_t *cap, size_t *n, Err *e)
{
    uint64_t size, count;
    int fd = readfile_open(path, N_("an llm.c token shard"), &size, e);
    if (fd < 0) return -1;
    uint8_t head[SHARD_HEADER_BYTES];
    int rc = -1;
    uint8_t *buf = NULL;
    if (size >= SHARD_HEADER_BYTES && readfile_exact(fd, path, head, sizeof head, e)) goto done;
    if (shard_check(head, size, path, &count, e)) goto done;
    if (array_grow((void **)tokens, cap, *n + count, sizeof(int32_t), 1024)) {
        rc = err_nomem(e, N_("tokens"), count * sizeof(int32_t));
        goto done;
    }
    enum { CHUNK = 1 << 20 };
    if (!(buf = malloc(2 * CHUNK))) {
        rc = err_nomem(e, N_("shard buffer"), 2 * CHUNK);
        goto done;
    }
    int32_t *out = *tokens + *n;
    for (uint64_t at = 0; at < count;) {
        size_t k = count - at < CHUNK ? (size_t)(count - at) : CHUNK;
        if (readfile_exact(fd, path, buf, 2 * k, e)) goto done;
        for (size_t i = 0; i < k; i++) {
            int32_t id = get_u16(buf + 2 * i);
            if (id >= n_vocab) {
                rc = err_input(e, _("%s: token %d at position %llu is not in %s's vocabulary of %d tokens"), path, id,
                               (unsigned long long)(at + i), of_name, n_vocab);
                goto done;
            }
            out[at + i] = id;
        }
        at += k;
    }
    *n += count;
    rc = 0;
done:
    free(buf);
    close(fd);
    return rc;
}
