/*
 * number.h - numbers a person wrote, read one strict way everywhere: the commands' arguments
 * (src/cli), the interface's command line and its scripts (src/tui), and lessons (core/course).
 *
 * Only plain decimal: an optional '-', digits, and for real numbers a fraction and an exponent
 * ("3e-4", ".5", "2."). No spaces before or after, no '+' in front, no hex ("0x10"), no "inf"
 * or "nan": strtol's and strtod's extras let a typo through as some other number. The decimal
 * point is '.' whatever the locale (the interface runs under the user's).
 */
#ifndef NT_NUMBER_H
#define NT_NUMBER_H

#include <stdint.h>

enum { NUM_OK = 0, NUM_BAD = -1, NUM_RANGE = -2 };

/* Each reads the number at the start of s. With end NULL the number must be the whole of s;
 * otherwise *end is set just past it. Returns NUM_OK with the value in *out; NUM_BAD when s does
 * not start with such a number (or, end NULL, holds more); NUM_RANGE when it is one but its
 * value does not fit (a long, a uint64_t, a finite double). *out is set only on NUM_OK. */
int num_long(const char *s, const char **end, long *out);
int num_u64(const char *s, const char **end, uint64_t *out);   /* digits only: no '-' */
int num_double(const char *s, const char **end, double *out);

/* "100x30": two whole numbers with `sep` between them, nothing else. */
int num_pair(const char *s, char sep, long *a, long *b);

#endif
