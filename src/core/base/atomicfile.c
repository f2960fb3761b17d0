/* atomicfile.c - the output rule, temporary file, fsync, rename. See atomicfile.h. */
#include "core/base/atomicfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/base/bytes.h"
#include "core/base/i18n.h"
#include "core/base/readfile.h"

/* A temporary file whose writer's pid is alive is still taken once untouched this long: the
 * pid has then surely been reused by another program. */
#define STALE_TEMP_SECONDS (24 * 3600)

/* ------------------------------------------------------------------------------------------ */
/* The rule */

int output_may_replace(const char *path, const FileKind *kind, Err *e)
{
    struct stat st;
    /* stat, not open: opening a FIFO would wait for a reader or writer */
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) return 0; /* a new file (or no directory: atomic_open will say) */
        return err_input(e, "%s: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) return err_input(e, _("%s: is a directory; refusing to write there"), path);
    if (!S_ISREG(st.st_mode))
        return err_input(e, _("%s: not a regular file (a FIFO, a device or a socket); refusing to write to it"), path);
    uint8_t head[FILE_KIND_HEAD];
    long n = readfile_head(path, head, sizeof head, e); /* refuses what became a FIFO since stat */
    if (n < 0) return -1;
    if (n == 0 || !kind->is || kind->is(head, (size_t)n)) return 0;
    return err_input(e, _("%s: exists and is not %s; refusing to overwrite it"), path, _(kind->name));
}

/* The directory (made absolute) and name of path, into out; -1 when the directory is not there. */
static int dir_and_name(const char *path, char *out, size_t cap)
{
    char d[NT_PATH_MAX], b[NT_PATH_MAX], real[PATH_MAX];
    snprintf(d, sizeof d, "%s", path);
    snprintf(b, sizeof b, "%s", path);
    if (!realpath(dirname(d), real)) return -1;
    return snprintf(out, cap, "%s/%s", real, basename(b)) < (int)cap ? 0 : -1;
}

int output_same(const char *a, const char *b)
{
    struct stat sa, sb;
    int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea && eb) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (ea || eb) return 0;
    char ca[NT_PATH_MAX], cb[NT_PATH_MAX];
    if (dir_and_name(a, ca, sizeof ca) || dir_and_name(b, cb, sizeof cb)) return strcmp(a, b) == 0;
    return strcmp(ca, cb) == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Temporary files left by saves that were killed */

/* The writer's pid when name is one of our temporary files for the target called base
 * (base.tmp.PID.XXXXXX), -1 for one that names no pid (base.tmp.XXXXXX, as earlier versions
 * named them), 0 when it is not one. */
static long temp_owner(const char *name, const char *base)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0 || strncmp(name + n, ".tmp.", 5) != 0) return 0;
    const char *p = name + n + 5, *q = p;
    while (*q >= '0' && *q <= '9') q++;
    if (q == p || *q != '.') return strlen(p) == 6 ? -1 : 0;
    if (strlen(q + 1) != 6 || q - p > 9) return 0;
    return strtol(p, NULL, 10);
}

/* Removes the temporary files of earlier saves to path whose writer is gone. A live writer
 * holds a lock on its file until it closes it (seen from any process, even one in a container
 * whose pids are not ours), and between closing and renaming its pid is still alive: a file is
 * taken only when it can be locked and its pid is dead or it is a day old. */
static void remove_stale_temps(const char *path)
{
    char dir[NT_PATH_MAX], base[NT_PATH_MAX], full[NT_PATH_MAX * 2];
    snprintf(dir, sizeof dir, "%s", path);
    snprintf(base, sizeof base, "%s", path);
    const char *d = dirname(dir), *b = basename(base);
    DIR *dp = opendir(d);
    if (!dp) return;
    time_t now = time(NULL);
    for (struct dirent *de; (de = readdir(dp));) {
        long pid = temp_owner(de->d_name, b);
        if (pid == 0 || snprintf(full, sizeof full, "%s/%s", d, de->d_name) >= (int)sizeof full) continue;
        uint64_t size;
        Err ignored;
        int fd = readfile_open(full, NULL, &size, &ignored); /* a regular file, or nothing */
        if (fd < 0) continue;
        struct stat st;
        int unheld = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0;
        int dead = pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
        if (unheld && (dead || now - st.st_mtime > STALE_TEMP_SECONDS)) unlink(full);
        close(fd);
    }
    closedir(dp);
}

/* ------------------------------------------------------------------------------------------ */
/* Writing */

int atomic_open(AtomicFile *af, const char *path, const FileKind *kind, Err *e)
{
    memset(af, 0, sizeof *af);
    if (strlen(path) + 32 > sizeof af->tmp) return err_input(e, _("%s: path too long"), path);
    if (output_may_replace(path, kind, e)) return -1;
    remove_stale_temps(path);
    snprintf(af->path, sizeof af->path, "%s", path);
    snprintf(af->tmp, sizeof af->tmp, "%s.tmp.%ld.XXXXXX", path, (long)getpid());
    int fd = mkstemp(af->tmp);
    if (fd < 0) return err_input(e, _("%s: cannot write: %s"), path, strerror(errno));
    /* Held until the file is closed: says to remove_stale_temps that its writer is alive. */
    flock(fd, LOCK_EX | LOCK_NB);
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

void atomic_patch(AtomicFile *af, uint64_t offset, const void *data, size_t n)
{
    if (af->failed || n == 0) return;
    if (fseeko(af->f, (off_t)offset, SEEK_SET) != 0 || fwrite(data, 1, n, af->f) != n || fseeko(af->f, 0, SEEK_END) != 0)
        af->failed = errno ? errno : EIO;
}

int atomic_commit(AtomicFile *af, Err *e)
{
    int rc = 0;
    if (af->failed) rc = err_input(e, _("%s: write failed: %s"), af->path, strerror(af->failed));
    else if (fflush(af->f) != 0 || fsync(fileno(af->f)) != 0)
        rc = err_input(e, _("%s: write failed: %s"), af->path, strerror(errno));
    if (fclose(af->f) != 0 && rc == 0) rc = err_input(e, _("%s: write failed: %s"), af->path, strerror(errno));
    af->f = NULL;
    if (rc == 0 && rename(af->tmp, af->path) != 0)
        rc = err_input(e, _("%s: cannot replace: %s"), af->path, strerror(errno));
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

/* ------------------------------------------------------------------------------------------ */
/* Keeping a file aside */

int file_set_aside(const char *path, const char *tag, char *out, size_t cap, Err *e)
{
    char stamp[32], name[NT_PATH_MAX];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
    for (int k = 1; k < 1000; k++) {
        int n = k == 1 ? snprintf(name, sizeof name, "%s.%s-%s", path, tag, stamp)
                       : snprintf(name, sizeof name, "%s.%s-%s-%d", path, tag, stamp, k);
        if (n >= (int)sizeof name || (size_t)n >= cap) return err_input(e, _("%s: path too long"), path);
        /* link, unlike rename, never replaces a name that is taken: another kept file stays */
        int rc = link(path, name);
        if (rc != 0 && errno == EEXIST) continue;
        struct stat st;
        /* a directory, or a file system without hard links: rename to a name that is free */
        if (rc != 0 && (errno == EPERM || errno == EMLINK || errno == ENOTSUP || errno == ENOSYS)) {
            if (lstat(name, &st) == 0) continue;
            rc = rename(path, name);
        } else if (rc == 0 && unlink(path) != 0) {
            int err = errno;
            unlink(name);
            errno = err;
            rc = -1;
        }
        if (rc != 0) return err_input(e, _("%s: cannot keep it as %s: %s"), path, name, strerror(errno));
        snprintf(out, cap, "%s", name);
        return 0;
    }
    return err_input(e, _("%s: cannot keep it: too many kept copies beside it"), path);
}
