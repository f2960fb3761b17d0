/* readfile.c - see readfile.h. */
#include "core/base/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/i18n.h"

int readfile_open(const char *path, const char *expected, uint64_t *size, Err *e)
{
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat
     * could refuse it; a regular file reads the same either way. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return err_input(e, "%s: %s", path, strerror(errno));
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0) rc = err_input(e, "%s: %s", path, strerror(errno));
    else if (S_ISDIR(st.st_mode) && expected) rc = err_input(e, _("%s: is a directory, expected %s"), path, _(expected));
    else if (S_ISDIR(st.st_mode)) rc = err_input(e, _("%s: is a directory"), path);
    else if (!S_ISREG(st.st_mode)) rc = err_input(e, _("%s: not a regular file"), path);
    if (rc) {
        close(fd);
        return -1;
    }
    *size = (uint64_t)st.st_size;
    return fd;
}

/* Up to n bytes, fewer only at the end of the file; -1 on a read error. */
static ssize_t read_full(int fd, void *dst, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (uint8_t *)dst + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

int readfile_exact(int fd, const char *path, void *dst, size_t n, Err *e)
{
    ssize_t got = read_full(fd, dst, n);
    const char *sep = path ? ": " : "";
    if (!path) path = "";
    if (got < 0) return err_input(e, "%s%s%s", path, sep, strerror(errno));
    if ((size_t)got < n) return err_input(e, _("%s%sthe file was cut short while it was being read"), path, sep);
    return 0;
}

int readfile_all(const char *path, const char *expected, uint8_t **data, size_t *size, Err *e)
{
    *data = NULL, *size = 0;
    uint64_t n;
    int fd = readfile_open(path, expected, &n, e);
    if (fd < 0) return -1;
    uint8_t *buf = n < SIZE_MAX ? malloc((size_t)n + 1) : NULL;
    if (!buf) {
        close(fd);
        return err_nomem(e, path, n + 1);
    }
    /* The size fstat gave, then one byte more, which must not be there: a file that shrinks or
     * grows while it is read is being written by someone, and what we have is not a file. */
    int rc = readfile_exact(fd, path, buf, (size_t)n, e);
    uint8_t extra;
    if (rc == 0 && read_full(fd, &extra, 1) != 0)
        rc = err_input(e, _("%s: the file grew while it was being read"), path);
    close(fd);
    if (rc) {
        free(buf);
        return -1;
    }
    buf[n] = 0;
    *data = buf, *size = (size_t)n;
    return 0;
}

long readfile_head(const char *path, uint8_t *head, size_t n, Err *e)
{
    uint64_t size;
    int fd = readfile_open(path, NULL, &size, e);
    if (fd < 0) return -1;
    ssize_t got = read_full(fd, head, n);
    if (got < 0) err_input(e, "%s: %s", path, strerror(errno));
    close(fd);
    return got;
}

FILE *readfile_stream(const char *path, const char *expected, Err *e)
{
    uint64_t size;
    int fd = readfile_open(path, expected, &size, e);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "r");
    if (!f) {
        err_internal(e, "%s: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}
