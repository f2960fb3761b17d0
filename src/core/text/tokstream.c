/* tokstream.c - text files to token ids, a round of pieces at a time. See tokstream.h. */
#include "core/text/tokstream.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/array.h"
#include "core/base/i18n.h"
#include "core/base/readfile.h"
#include "core/text/corpus.h"
#include "core/text/pretok.h"

/* One thread's piece of a round: text[0, n) at offset base of the file, and its ids. */
typedef struct Part {
    const uint8_t *text;
    size_t n;
    uint64_t base;
    int32_t *ids;
    size_t cap, n_ids;
    int failed;
    Err err;
} Part;

typedef struct Round {
    const Tokenizer *t;
    const char *name;
    Part *parts;
} Round;

/* Checks and encodes one piece; runs on each thread of the pool at once. */
static void encode_part(void *ctx, int part, int nparts)
{
    (void)nparts;
    Round *r = ctx;
    Part *p = &r->parts[part];
    p->failed = 0;
    p->n_ids = 0;
    if (p->n == 0) return;
    if (corpus_check_text(r->name, p->text, p->n, p->base, &p->err)
        || tokenizer_encode(r->t, p->text, p->n, &p->ids, &p->cap, &p->n_ids, &p->err))
        p->failed = 1;
}

/* The last place in (lo, at] where text[0, n) may be cut (at < n), or lo when there is none. */
static size_t last_cut(const Tokenizer *t, const uint8_t *text, size_t n, size_t lo, size_t at)
{
    if (t->bpe && t->pattern == PRETOK_NONE) return lo;
    if (at >= n) at = n - 1;
    for (size_t p = at; p > lo; p--)
        if (t->bpe ? pretok_cut_ok(text, n, p) : (text[p] & 0xc0) != 0x80) return p;
    return lo;
}

int tokstream_files(const TokStream *s, const char *const *paths, int n_paths, uint64_t *bytes_out, uint64_t *tokens_out,
                    Err *e)
{
    /* Every file opened and sized before any work: a missing one fails at once. */
    uint64_t total = 0, done = 0, tokens = 0;
    for (int i = 0; i < n_paths; i++) {
        uint64_t size;
        int fd = readfile_open(paths[i], N_("a text file"), &size, e);
        if (fd < 0) return -1;
        close(fd);
        if (size == 0) return err_input(e, _("%s: empty file"), paths[i]);
        total += size;
    }
    const int nparts = par_threads(s->pool);
    const size_t piece = s->piece ? s->piece : TOKSTREAM_PIECE;
    Part *parts = calloc((size_t)nparts, sizeof *parts);
    uint8_t *buf = NULL;
    size_t cap = 0;
    int rc = -1, fd = -1;
    if (!parts) return err_nomem(e, N_("encoder parts"), sizeof *parts * (size_t)nparts);
    for (int f = 0; f < n_paths; f++) {
        uint64_t left;
        if ((fd = readfile_open(paths[f], N_("a text file"), &left, e)) < 0) goto done;
        if (s->separator >= 0) {
            if (s->sink(s->sink_ctx, &s->separator, 1, e)) goto done;
            tokens++;
        }
        Round r = {s->t, paths[f], parts};
        uint64_t base = 0; /* where buf[0] is in the file */
        size_t len = 0;    /* bytes in buf: the text after the last round's last cut, then this round's */
        while (left > 0 || len > 0) {
            size_t want = (size_t)nparts * piece;
            if (want > left) want = (size_t)left;
            if (array_grow((void **)&buf, &cap, len + want + 1, 1, want + 1)) {
                err_nomem(e, N_("text buffer"), len + want + 1);
                goto done;
            }
            if (readfile_exact(fd, paths[f], buf + len, want, e)) goto done;
            len += want, left -= want;
            const int eof = left == 0;
            /* The pieces: the rest shared evenly among the threads still to take one, each
             * ending at the last place it may be cut; at the end of the file the last piece
             * takes all that is left. */
            size_t start = 0;
            for (int k = 0; k < nparts; k++) {
                size_t end;
                if (k == nparts - 1) end = eof ? len : last_cut(s->t, buf, len, start, len);
                else end = last_cut(s->t, buf, len, start, start + (len - start) / (size_t)(nparts - k));
                parts[k].text = buf + start, parts[k].n = end - start, parts[k].base = base + start;
                start = end;
            }
            par_run(s->pool, encode_part, &r);
            for (int k = 0; k < nparts; k++) {
                if (parts[k].failed) {
                    *e = parts[k].err;
                    goto done;
                }
                if (parts[k].n_ids && s->sink(s->sink_ctx, parts[k].ids, parts[k].n_ids, e)) goto done;
                tokens += parts[k].n_ids;
            }
            /* What follows the last cut waits for more text (all of it, when there was no
             * place to cut: the next round reads on and the buffer grows). */
            memmove(buf, buf + start, len - start);
            base += start, len -= start, done += start;
            if (s->progress) s->progress(s->progress_ctx, done, total, tokens);
        }
        close(fd);
        fd = -1;
    }
    rc = 0;
done:
    if (fd >= 0) close(fd);
    for (int k = 0; k < nparts; k++) free(parts[k].ids);
    free(parts);
    free(buf);
    if (bytes_out) *bytes_out = done;
    if (tokens_out) *tokens_out = tokens;
    return rc;
}
