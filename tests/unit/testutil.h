/*
 * testutil.h - small helpers shared by the unit tests (cmocka): fixture paths, reading whole
 * files, and comparing arrays the way the tests state their tolerances.
 */
#ifndef NT_TESTUTIL_H
#define NT_TESTUTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

/* tests/fixtures, or $NT_FIXTURES */
static inline const char *fixture_path(const char *name)
{
    static char buf[4096];
    const char *dir = getenv("NT_FIXTURES");
    snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "tests/fixtures", name);
    return buf;
}

/* The whole file, malloc'd and NUL-terminated (not counted in *n), or NULL. */
static inline uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(len > 0 ? (size_t)len + 1 : 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    if (buf) buf[len > 0 ? len : 0] = 0;
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* A fixture file of tests/fixtures whole (*size bytes), if it is at least min_size bytes and
 * begins with the 8-byte magic; else NULL. */
static inline uint8_t *fixture_load(const char *name, const char *magic, size_t min_size, size_t *size)
{
    uint8_t *buf = read_file(fixture_path(name), size);
    if (buf && (*size < min_size || memcmp(buf, magic, 8) != 0)) {
        free(buf);
        buf = NULL;
    }
    return buf;
}

/* A fixture's field: `bytes` bytes copied from *p into a new block (the fields are unaligned and
 * little-endian, as is every machine we build on), *p moved past them. */
static inline void *take(const uint8_t **p, size_t bytes)
{
    void *dst = malloc(bytes ? bytes : 1);
    memcpy(dst, *p, bytes);
    *p += bytes;
    return dst;
}

/* A temporary directory for the test's files, removed by the caller with rm_tree. */
static inline const char *temp_dir(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/nt-test-XXXXXX");
    return mkdtemp(dir);
}

/* Writes text to path (created or emptied); 0 on success. */
static inline int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    int bad = fputs(text, f) < 0;
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* Removes a directory and everything in it (or a file); 0 when it is gone. */
static inline int rm_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) return unlink(path);
    int rc = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        char sub[4096];
        struct stat st;
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, de->d_name) >= sizeof sub) rc = -1;
        else if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) rc |= rm_tree(sub);
        else if (unlink(sub) != 0) rc = -1;
    }
    closedir(d);
    return rmdir(path) == 0 ? rc : -1;
}

/* Relative agreement of two arrays as the tests define it: the error's 2-norm relative to the
 * reference's, and the largest error relative to the reference's largest magnitude, both within
 * tol. Prints the worst element when they do not agree. */
/* The two relative errors close_rel compares with its tolerance, into *rel2 and *relmax; returns
 * the index of the largest error. */
static inline size_t rel_errors(const float *got, const double *want, size_t n, double *rel2, double *relmax)
{
    double en = 0, wn = 0, emax = 0, wmax = 0;
    size_t worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)got[i] - want[i]);
        en += d * d;
        wn += want[i] * want[i];
        if (d > emax || isnan(d)) emax = isnan(d) ? INFINITY : d, worst = i;
        if (fabs(want[i]) > wmax) wmax = fabs(want[i]);
    }
    *rel2 = wn > 0 ? sqrt(en / wn) : sqrt(en);
    *relmax = wmax > 0 ? emax / wmax : emax;
    return worst;
}

static inline int close_rel(const char *what, const float *got, const double *want, size_t n, double tol)
{
    double rel2, relmax;
    size_t worst = rel_errors(got, want, n, &rel2, &relmax);
    if (rel2 <= tol && relmax <= tol) return 1;
    print_error("%s: relative error %.3g (2-norm), %.3g (max, at %zu: got %.9g want %.9g), tolerance %.1g\n",
                what, rel2, relmax, worst, got[worst], want[worst], tol);
    return 0;
}

#endif
