/*
 * atomicfile.h - every file nexttoken writes, and the one rule they all follow:
 *
 *   - A path is written only when nothing is there, or an empty regular file, or a regular file
 *     of the writer's own kind (a FileKind, told by its first bytes): a mistyped output never
 *     destroys a text, a model of another format or a checkpoint given for a tokenizer.
 *   - A directory, FIFO, device or socket is refused without being opened (a FIFO would block).
 *   - The file is written beside the target as TARGET.tmp.PID.XXXXXX, fsynced, renamed over the
 *     target (atomic in POSIX) and the directory fsynced: a crash at any instant leaves the old
 *     file or the new one, never a mix. A save killed midway leaves its temporary file behind;
 *     the next save to the same target removes it once its writer is gone.
 * atomic_open checks the rule, so no writer can skip it; output_may_replace checks it alone, for
 * a command that wants to refuse a bad output before an hour of work.
 *
 * Used by every save (checkpoints, llm.c exports, tokenizer files, the interface's loss export,
 * screen dumps and state files), and by the interface to keep a damaged autosave aside.
 */
#ifndef NT_ATOMICFILE_H
#define NT_ATOMICFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/base/err.h"
#include "core/base/paths.h"

/* The first bytes a FileKind is shown of an existing file. */
#define FILE_KIND_HEAD 32

typedef struct FileKind {
    const char *name; /* "a nexttoken checkpoint": for messages */
    /* Whether a file beginning with these n bytes (1 to FILE_KIND_HEAD; fewer only for a short
     * file) is of this kind. NULL: any regular file, for a path nexttoken makes up itself (its
     * screen dumps, its state files), never one a user names. */
    int (*is)(const uint8_t *head, size_t n);
} FileKind;

/* Whether path may be written as a file of this kind (see the rule above); ERR_INPUT saying
 * why not. Never blocks. */
int output_may_replace(const char *path, const FileKind *kind, Err *e);
/* Whether a and b name one file: the same inode when both exist, else the same directory and
 * name. Two outputs of one command at one path would leave only the second. */
int output_same(const char *a, const char *b);

typedef struct AtomicFile {
    FILE *f;
    char path[NT_PATH_MAX];
    char tmp[NT_PATH_MAX];
    int failed;          /* a write failed; commit will refuse */
    uint64_t hash;       /* FNV-1a of everything written, for formats that end with a checksum */
} AtomicFile;

/* Checks output_may_replace, removes stale temporary files of earlier saves to path, and
 * creates the temporary file. ERR_INPUT when the rule refuses path or its directory does not
 * exist or is not writable. */
int atomic_open(AtomicFile *af, const char *path, const FileKind *kind, Err *e);
void atomic_write(AtomicFile *af, const void *data, size_t n);
/* Writes n bytes at offset, over bytes already written, and goes back to the end: for a header
 * whose counts are known only when everything after it is written (llm.c's token shards). The
 * hash is not updated: a format that ends with a checksum does not patch. */
void atomic_patch(AtomicFile *af, uint64_t offset, const void *data, size_t n);
/* Flushes, fsyncs, renames over the target and fsyncs the directory. On any failure the
 * temporary file is removed and the target is untouched. */
int atomic_commit(AtomicFile *af, Err *e);
/* Removes the temporary file; the target is untouched. */
void atomic_abort(AtomicFile *af);

/* Renames path to PATH.TAG-YYYYmmdd-HHMMSS (then -2, -3, ... when taken), never replacing
 * another file, and puts the new name in out (cap bytes): a file that cannot be used but may
 * be wanted back is kept instead of being saved over. */
int file_set_aside(const char *path, const char *tag, char *out, size_t cap, Err *e);

#endif
