/* atomicfile.c - temporary file, fsync, rename. See atomicfile.h. */
#include "core/base/atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/bytes.h"

int atomic_open(AtomicFile *af, const char *path, Err *e)
{
    memset(af, 0, sizeof *af);
    if (strlen(path) + 16 > sizeof af->tmp) return err_input(e, "%s: path too long", path);
    snprintf(af->path, sizeof af->path, "%s", path);
    snprintf(af->tmp, sizeof af->tmp, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(af->tmp);
    if (fd < 0) return err_input(e, "%s: cannot write: %s", path, strerror(errno));
    af->f = fdopen(fd, "wb");
    if (!af->f) {
        close(fd);
        unlink(af->tmp);
        return err_internal(e, "%s: %s", path, strerror(errno));
    }
    /* mkstemp makes the file 0600; a saved model is an ordinary document. (Asking for the umask
     * would mean changing it, which is not safe while another thread creates files.) */
    fchmod(fd, 0644);
    af->hash = FNV_OFFSET;
    return 0;
}

void atomic_write(AtomicFile *af, const void *data, size_t n)
{
    if (af->failed || n == 0) return;
    af->hash = fnv1a(af->hash, data, n);
    if (fwrite(data, 1, n, af->f) != n) af->failed = errno ? errno : EIO;
}

int atomic_commit(AtomicFile *af, Err *e)
{
    int rc = 0;
    if (af->failed) rc = err_input(e, "%s: write failed: %s", af->path, strerror(af->failed));
    else if (fflush(af->f) != 0 || fsync(fileno(af->f)) != 0)
        rc = err_input(e, "%s: write failed: %s", af->path, strerror(errno));
    if (fclose(af->f) != 0 && rc == 0) rc = err_input(e, "%s: write failed: %s", af->path, strerror(errno));
    af->f = NULL;
    if (rc == 0 && rename(af->tmp, af->path) != 0)
        rc = err_input(e, "%s: cannot replace: %s", af->path, strerror(errno));
    if (rc != 0) {
        unlink(af->tmp);
        return rc;
    }
    /* The rename is durable only once the directory entry is on disk. */
    char dir[sizeof af->path];
    snprintf(dir, sizeof dir, "%s", af->path);
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

void atomic_abort(AtomicFile *af)
{
    if (af->f) fclose(af->f);
    af->f = NULL;
    if (af->tmp[0]) unlink(af->tmp);
}
