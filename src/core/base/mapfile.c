/* mapfile.c - see mapfile.h. */
#include "core/base/mapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int mapfile_open(const char *path, const char *expected, const uint8_t **data, size_t *size, Err *e)
{
    *data = NULL, *size = 0;
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat
     * could refuse it; a regular file reads and maps the same either way */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return err_input(e, "%s: %s", path, strerror(errno));
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0) rc = err_input(e, "%s: %s", path, strerror(errno));
    else if (S_ISDIR(st.st_mode)) rc = err_input(e, "%s: is a directory, expected %s", path, expected);
    else if (!S_ISREG(st.st_mode)) rc = err_input(e, "%s: not a regular file", path);
    else if (st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) rc = err_internal(e, "%s: cannot map: %s", path, strerror(errno));
        else *data = p, *size = (size_t)st.st_size;
    }
    close(fd);
    return rc;
}

void mapfile_close(const uint8_t *data, size_t size)
{
    if (data) munmap((void *)data, size);
}

long mapfile_head(const char *path, uint8_t *head, size_t n, Err *e)
{
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return err_input(e, "%s: %s", path, strerror(errno));
    struct stat st;
    long k = -1;
    if (fstat(fd, &st) != 0) err_input(e, "%s: %s", path, strerror(errno));
    else if (S_ISDIR(st.st_mode)) err_input(e, "%s: is a directory", path);
    else if (!S_ISREG(st.st_mode)) err_input(e, "%s: not a regular file", path);
    else {
        size_t got = 0;
        while (got < n) {
            ssize_t r = read(fd, head + got, n - got);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) {
                err_input(e, "%s: %s", path, strerror(errno));
                got = (size_t)-1;
                break;
            }
            if (r == 0) break;
            got += (size_t)r;
        }
        if (got != (size_t)-1) k = (long)got;
    }
    close(fd);
    return k;
}
