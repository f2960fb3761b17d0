/*
 * clock.h - seconds on the monotonic clock: for step times, tokens per second, key latency and
 * the benchmarks. Never the wall clock, which jumps.
 */
#ifndef NT_CLOCK_H
#define NT_CLOCK_H

#include <time.h>

static inline double clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
