/*
 * bigmem.h - memory for large float arrays that are streamed: a model's weights, a key/value
 * cache. Aligned to a cache line (malloc's large blocks start 16 bytes past a page, so every
 * 64-byte vector load of a row would straddle two lines).
 *
 * Decoding a token reads every weight once, so its speed is the speed of that read: on this
 * project's machine a 124M model's products streamed about 20 % slower from malloc's memory and
 * about 15 % slower again on 4 KB pages (a TLB miss every 4 KB) than from aligned huge pages.
 */
#ifndef NT_BIGMEM_H
#define NT_BIGMEM_H

#include <stddef.h>

/* n bytes, zeroed, from 2 MB up aligned to 2 MB and advised onto transparent huge pages (read
 * whole, every time: weights). NULL when memory runs out. */
void *bigmem_alloc(size_t n);
/* n bytes, not zeroed, on ordinary pages that are faulted in only as they are written (a cache
 * filled a position at a time: on this machine the first touch of a page is slow, and a huge
 * page is 512 of them). NULL when memory runs out. */
void *bigmem_alloc_lazy(size_t n);
/* Frees either. */
void bigmem_free(void *p);

#endif
