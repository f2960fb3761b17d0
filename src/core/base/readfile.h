/*
 * readfile.h - every file a user names is opened for reading here (corpora, models, tokenizers,
 * vocabularies, lessons, the interface's scripts), so that every reader refuses the same things
 * with the same one-line messages: a file that cannot be opened, a directory, and anything else
 * that is not a regular file - a FIFO or a terminal would block the reader forever, a device
 * could be endless.
 *
 * Files are read with read(), never mapped: a mapped file that someone truncates while it is in
 * use kills the process with SIGBUS at the next touch, and the interface would lose its unsaved
 * training with it. A file whose size changes while it is being read is refused instead.
 * tests/layers.sh checks that nothing else in src/ opens a file for reading.
 */
#ifndef NT_READFILE_H
#define NT_READFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/base/err.h"

/* Opens path for reading and returns its descriptor, its size in *size. -1 with ERR_INPUT naming
 * the problem: it cannot be opened, it is a directory ("is a directory, expected <expected>";
 * expected may be NULL), or it is not a regular file. */
int readfile_open(const char *path, const char *expected, uint64_t *size, Err *e);

/* Exactly n bytes from fd. ERR_INPUT when the file ends first: it was truncated while being
 * read. path names the file in the messages; NULL leaves that to the caller. */
int readfile_exact(int fd, const char *path, void *dst, size_t n, Err *e);

/* The whole file, malloc'd with a NUL after its last byte (not counted in *size), for the caller
 * to free; an empty file gives size 0. Errors as readfile_open's, and ERR_INPUT when the file
 * grows or shrinks while it is read. */
int readfile_all(const char *path, const char *expected, uint8_t **data, size_t *size, Err *e);

/* The first n bytes (fewer when the file is shorter): enough to tell formats apart by their
 * magic numbers. -1 with readfile_open's errors. */
long readfile_head(const char *path, uint8_t *head, size_t n, Err *e);

/* A stdio stream over the file, for the readers that go line by line; NULL with readfile_open's
 * errors. */
FILE *readfile_stream(const char *path, const char *expected, Err *e);

#endif
