/*
 * atomicfile.h - writing a file so that a crash at any instant leaves either the old file or the
 * new one, never a mix: write a temporary file beside the target, fsync it, rename it over the
 * target (atomic in POSIX), fsync the directory. Used by every save: checkpoints, llm.c exports,
 * tokenizer files; `nexttoken train` also opens one first to learn that --out can be written.
 */
#ifndef NT_ATOMICFILE_H
#define NT_ATOMICFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/base/err.h"
#include "core/base/paths.h"

typedef struct AtomicFile {
    FILE *f;
    char path[NT_PATH_MAX];
    char tmp[NT_PATH_MAX];
    int failed;          /* a write failed; commit will refuse */
    uint64_t hash;       /* FNV-1a of everything written, for formats that end with a checksum */
} AtomicFile;

/* Creates the temporary file. Fails (ERR_INPUT) when the directory does not exist or is not
 * writable. */
int atomic_open(AtomicFile *af, const char *path, Err *e);
void atomic_write(AtomicFile *af, const void *data, size_t n);
/* Flushes, fsyncs, renames over the target and fsyncs the directory. On any failure the
 * temporary file is removed and the target is untouched. */
int atomic_commit(AtomicFile *af, Err *e);
/* Removes the temporary file; the target is untouched. */
void atomic_abort(AtomicFile *af);

#endif
