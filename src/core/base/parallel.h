/*
 * parallel.h - a small pool of threads that split one piece of work between them.
 *
 * Training splits every layer across the cores itself, rather than leaving it to OpenBLAS's own
 * threads: matrix products by rows (or, for weight gradients, by output channels), with each
 * thread calling single-threaded sgemm on its part, and the element-wise layers the same way.
 * Measured here, two threads each multiplying half the rows reach 330 GFLOP/s where OpenBLAS's
 * two threads reach 200 on the same 1024x384x128 product, and nothing else (GELU, softmax,
 * LayerNorm, AdamW) is left on one core. Each part always covers the same indices for a given
 * thread count, so results are deterministic.
 *
 * Between jobs the helpers spin briefly (jobs come every few microseconds during a step) and
 * then sleep, so an idle or paused trainer costs no CPU. One caller at a time per pool: the
 * trainer owns one; anything else that computes makes its own or passes none (serial).
 */
#ifndef NT_PARALLEL_H
#define NT_PARALLEL_H

#include <stddef.h>

#include "core/base/err.h"

typedef struct ParPool ParPool;

/* A part of a job: called with part = 0 .. nparts-1, once each, concurrently. */
typedef void (*ParFn)(void *ctx, int part, int nparts);

/* The most threads a pool may be asked for (--threads, for every command and the interface):
 * four per core, and never more than PAR_MAX_THREADS. The helpers spin between jobs, so threads
 * beyond the cores only take turns on them: on two cores, 20 steps of the tiny preset took 0.3 s
 * on one thread, 4.7 s on 8 and 49 s on 64 (and --threads 1000 took 26 s for a single step).
 * Four per core is still enough to see that for oneself. */
#define PAR_MAX_THREADS 256
int par_max_threads(void);

/* A pool of n threads in all: the caller and n-1 helpers. n = 1 makes a pool that runs
 * everything in the caller. */
ParPool *par_create(int n, Err *e);
void par_free(ParPool *p);
/* 1 for a NULL pool. */
int par_threads(const ParPool *p);
/* Runs fn on every part and returns when all are done. A NULL pool runs fn(ctx, 0, 1). */
void par_run(ParPool *p, ParFn fn, void *ctx);

/* The half-open range [*lo, *hi) of n items that part `part` of `nparts` takes: contiguous,
 * in order, sizes differing by at most one (or by multiples of `align`, when align > 1). */
void par_range(size_t n, int part, int nparts, size_t align, size_t *lo, size_t *hi);

/* The number of online CPUs (at least 1). */
int par_cpu_count(void);

#endif
