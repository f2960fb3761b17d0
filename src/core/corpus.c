/* corpus.c - mapping and checking a text file. See corpus.h. */
#include "corpus.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes.h"
#include "utf8.h"

static int corpus_check(Corpus *c, Err *e)
{
    if (c->size == 0) return err_input(e, "%s: empty file", c->name);
    const uint8_t *nul = memchr(c->data, 0, c->size);
    if (nul) return err_input(e, "%s: binary file (NUL byte at offset %zu), expected UTF-8 text", c->name, (size_t)(nul - c->data));
    size_t bad;
    if (!utf8_valid(c->data, c->size, &bad))
        return err_input(e, "%s: not UTF-8 text (invalid byte 0x%02x at offset %zu)", c->name, c->data[bad], bad);
    c->hash = fnv1a(FNV_OFFSET, c->data, c->size);
    return 0;
}

int corpus_open(Corpus *c, const char *path, Err *e)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_input(e, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int rc = err_input(e, "%s: %s", path, strerror(errno));
        close(fd);
        return rc;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return err_input(e, "%s: is a directory, expected a text file", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return err_input(e, "%s: not a regular file", path);
    }
    if (st.st_size == 0) {
        close(fd);
        return err_input(e, "%s: empty file", path);
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return err_internal(e, "%s: cannot map: %s", path, strerror(errno));
    c->data = p;
    c->size = (size_t)st.st_size;
    c->mapped = 1;
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
    if (!copy) return err_nomem(e, "corpus", n);
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
    if (c->data) {
        if (c->mapped) munmap((void *)c->data, c->size);
        else free((void *)c->data);
    }
    memset(c, 0, sizeof *c);
}
