/*
 * mapfile.h - a whole regular file mapped read-only into memory: how the corpus and model files
 * are read (nothing copied; the page cache serves it). One place for the checks every reader of
 * a named file needs, and the messages they give.
 */
#ifndef NT_MAPFILE_H
#define NT_MAPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/err.h"

/* Maps path. ERR_INPUT naming the problem when it cannot be opened, is a directory ("expected"
 * says what was: "a text file") or is not a regular file. An empty file maps to data NULL and
 * size 0, for the caller to judge. */
int mapfile_open(const char *path, const char *expected, const uint8_t **data, size_t *size, Err *e);
void mapfile_close(const uint8_t *data, size_t size);

/* The first n bytes of a regular file (fewer when it is shorter): enough to tell formats apart
 * by their magic numbers. -1 with ERR_INPUT when it cannot be opened or is not a regular file
 * (a FIFO would block the reader forever). */
long mapfile_head(const char *path, uint8_t *head, size_t n, Err *e);

#endif
