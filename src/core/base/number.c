/* number.c - strict decimal numbers. See number.h. */
#include "core/base/number.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int digit(char c) { return c >= '0' && c <= '9'; }

/* The digits of a whole number into *out, as long as it stays within limit. */
static int whole(const char *s, const char **end, uint64_t limit, uint64_t *out)
{
    const char *p = s;
    uint64_t v = 0;
    int over = 0;
    if (!digit(*p)) return NUM_BAD;
    for (; digit(*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (limit - d) / 10) over = 1;
        else v = v * 10 + d;
    }
    if (end) *end = p;
    else if (*p) return NUM_BAD;
    if (over) return NUM_RANGE;
    *out = v;
    return NUM_OK;
}

int num_u64(const char *s, const char **end, uint64_t *out)
{
    return whole(s, end, UINT64_MAX, out);
}

int num_long(const char *s, const char **end, long *out)
{
    int neg = *s == '-';
    uint64_t v;
    /* LONG_MIN's magnitude is one more than LONG_MAX's */
    int rc = whole(s + neg, end, (uint64_t)LONG_MAX + (uint64_t)neg, &v);
    if (rc == NUM_OK) *out = neg ? (long)(0 - v) : (long)v;
    return rc;
}

int num_double(const char *s, const char **end, double *out)
{
    /* The syntax first: -? digits? (. digits?)? with a digit somewhere, then ([eE] [-+]? digits)?. */
    const char *p = s;
    int digits = 0;
    if (*p == '-') p++;
    for (; digit(*p); p++) digits++;
    if (*p == '.')
        for (p++; digit(*p); p++) digits++;
    if (!digits) return NUM_BAD;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '-' || *q == '+') q++;
        if (digit(*q)) {
            while (digit(*q)) q++;
            p = q;
        }
    }
    if (end) *end = p;
    else if (*p) return NUM_BAD;
    /* Then strtod on a copy, its '.' swapped for the locale's decimal point. */
    const char *point = localeconv()->decimal_point;
    if (!point || !*point) point = ".";
    char buf[128];
    size_t n = (size_t)(p - s), pl = strlen(point), k = 0;
    if (n + pl >= sizeof buf) return NUM_RANGE; /* a hundred digits is no number anyone types */
    for (const char *c = s; c < p; c++) {
        if (*c == '.') memcpy(buf + k, point, pl), k += pl;
        else buf[k++] = *c;
    }
    buf[k] = 0;
    double v = strtod(buf, NULL);
    if (!isfinite(v)) return NUM_RANGE;
    *out = v; /* an underflow (1e-400) reads as 0 or a denormal: a number, just a small one */
    return NUM_OK;
}

int num_pair(const char *s, char sep, long *a, long *b)
{
    const char *mid;
    long x, y;
    if (num_long(s, &mid, &x) != NUM_OK || *mid != sep || num_long(mid + 1, NULL, &y) != NUM_OK) return NUM_BAD;
    *a = x, *b = y;
    return NUM_OK;
}
