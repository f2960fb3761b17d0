/* corpus.c - reading and checking a text file. See corpus.h. */
#include "core/text/corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/bytes.h"
#include "core/base/i18n.h"
#include "core/base/readfile.h"
#include "core/base/utf8.h"

int corpus_check_text(const char *name, const uint8_t *data, size_t n, uint64_t base, Err *e)
{
    const uint8_t *nul = memchr(data, 0, n);
    if (nul)
        return err_input(e, _("%s: binary file (NUL byte at offset %llu), expected UTF-8 text"), name,
                         (unsigned long long)(base + (size_t)(nul - data)));
    size_t bad;
    if (!utf8_valid(data, n, &bad))
        return err_input(e, _("%s: not UTF-8 text (invalid byte 0x%02x at offset %llu)"), name, data[bad],
                         (unsigned long long)(base + bad));
    return 0;
}

static int corpus_check(Corpus *c, Err *e)
{
    if (c->size == 0) return err_input(e, _("%s: empty file"), c->name);
    if (corpus_check_text(c->name, c->data, c->size, 0, e)) return -1;
    c->hash = fnv1a(FNV_OFFSET, c->data, c->size);
    return 0;
}

int corpus_open(Corpus *c, const char *path, Err *e)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", path);
    uint8_t *data;
    if (readfile_all(path, N_("a text file"), &data, &c->size, e)) return -1;
    c->data = data;
    if (corpus_check(c, e)) {
        corpus_close(c);
        return -1;
    }
    return 0;
}

int corpus_from_memory(Corpus *c, const char *name, const uint8_t *text, size_t n, Err *e)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy) return err_nomem(e, N_("corpus"), n);
    memcpy(copy, text, n);
    c->data = copy;
    c->size = n;
    if (corpus_check(c, e)) {
        corpus_close(c);
        return -1;
    }
    return 0;
}

void corpus_close(Corpus *c)
{
    free((void *)c->data);
    memset(c, 0, sizeof *c);
}
