/*
 * fuzz.h - what the libFuzzer harnesses share (tests/fuzz/README.md).
 *
 * Each tests/fuzz/fuzz_<name>.c defines LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize when it
 * needs set-up) and includes this first. The same file is built twice: with clang's libFuzzer
 * for `make fuzz`, and with the ordinary compiler beside replay.c for `make test`, which replays
 * the seeds and every input a fuzzer once found (tests/fuzz/regressions/<name>/). So a finding
 * must show as an abort or a crash without a sanitizer too: the checks below abort.
 */
#ifndef NT_FUZZ_H
#define NT_FUZZ_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/base/err.h"
#include "core/text/tokenizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property that must hold whatever the input: abort (a finding) when it does not. */
#define FUZZ_CHECK(cond)                                                                    \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                                        \
        }                                                                                   \
    } while (0)

/* A failure must say what failed: an error code and a message. */
#define FUZZ_CHECK_ERR(e) FUZZ_CHECK((e).code != ERR_NONE && (e).msg[0] != 0 && memchr((e).msg, 0, sizeof (e).msg))

/* The input as a file, for the parsers that only take a path: a memfd, named by its
 * /proc/self/fd path (into path, cap bytes). Returns the descriptor, which fuzz_file_close
 * closes; -1 if it could not be made (the caller skips the input). */
static inline int fuzz_file(const uint8_t *data, size_t n, char *path, size_t cap)
{
    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    if (fd < 0) return -1;
    for (size_t at = 0; at < n;) {
        ssize_t k = write(fd, data + at, n - at);
        if (k <= 0) {
            close(fd);
            return -1;
        }
        at += (size_t)k;
    }
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}
static inline void fuzz_file_close(int fd) { close(fd); }

/* decode(encode(text)) == text for any bytes, and every id a token the encoder may produce. */
static inline void fuzz_roundtrip(const Tokenizer *t, const uint8_t *text, size_t n)
{
    int32_t *ids = NULL;
    size_t cap = 0, n_ids = 0, out_cap = 0, len = 0;
    uint8_t *out = NULL;
    Err e = {0};
    if (tokenizer_encode(t, text, n, &ids, &cap, &n_ids, &e)) {
        FUZZ_CHECK(e.code == ERR_INTERNAL); /* only running out of memory may stop it */
        free(ids);
        return;
    }
    FUZZ_CHECK(n_ids <= n);
    for (size_t i = 0; i < n_ids; i++) FUZZ_CHECK(ids[i] >= 0 && ids[i] < t->n_vocab && !t->special[ids[i]]);
    if (tokenizer_decode(t, ids, n_ids, &out, &out_cap, &len, &e) == 0) {
        FUZZ_CHECK(len == n);
        FUZZ_CHECK(n == 0 || memcmp(out, text, n) == 0);
    }
    free(ids);
    free(out);
}

#endif
