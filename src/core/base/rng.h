/*
 * rng.h - the one seeded random generator behind everything random in nexttoken: weight
 * initialisation, batch windows, sampling. xoshiro256** (Blackman & Vigna), seeded through
 * splitmix64. Its whole state is four words, saved in checkpoints so a resumed run draws exactly
 * the numbers the uninterrupted run would have drawn.
 */
#ifndef NT_RNG_H
#define NT_RNG_H

#include <stdint.h>

typedef struct Rng {
    uint64_t s[4];
} Rng;

void rng_seed(Rng *r, uint64_t seed);
uint64_t rng_u64(Rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double rng_uniform(Rng *r);
/* Uniform integer in [0, n), without modulo bias; n > 0. */
uint64_t rng_below(Rng *r, uint64_t n);
/* Standard normal (Box-Muller, both values of a pair are not cached: one draw, one number). */
double rng_normal(Rng *r);

#endif
