/* suffix.c - suffix array by prefix doubling, and lookups. See suffix.h. */
#include "core/text/suffix.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/i18n.h"

/* A token and its position in one integer: a plain comparator then sorts by token (as signed
 * ids, the order the lookups compare in) and, among equal tokens, by position, with no state
 * beside it. */
static uint64_t token_key(int32_t token, size_t i)
{
    return (uint64_t)((uint32_t)token ^ 0x80000000u) << 32 | (uint64_t)i;
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

/* The first round: suffixes sorted by their first token, each ranked by it (equal tokens, equal
 * rank; ranks dense from 0). Returns the highest rank, or -1 when out of memory. */
static long first_round(const int32_t *tokens, size_t n, uint32_t *sa, uint32_t *rank)
{
    uint64_t *key = malloc(n * sizeof *key);
    if (!key) return -1;
    for (size_t i = 0; i < n; i++) key[i] = token_key(tokens[i], i);
    qsort(key, n, sizeof *key, cmp_u64);
    uint32_t r = 0;
    for (size_t j = 0; j < n; j++) {
        if (j > 0 && key[j] >> 32 != key[j - 1] >> 32) r++;
        sa[j] = (uint32_t)key[j];
        rank[sa[j]] = r;
    }
    free(key);
    return r;
}

int suffix_build(SuffixArray *s, const int32_t *tokens, size_t n, Err *e)
{
    memset(s, 0, sizeof *s);
    s->tokens = tokens;
    s->n = n;
    if (n == 0) return 0;
    if (n >= UINT32_MAX) return err_input(e, _("corpus too long for a suffix array (%zu tokens)"), n);
    uint32_t *sa = malloc(n * sizeof *sa), *rank = malloc(n * sizeof *rank), *next = NULL, *bucket = NULL;
    long top = sa && rank ? first_round(tokens, n, sa, rank) : -1;
    if (top >= 0) next = malloc(n * sizeof *next), bucket = malloc(n * sizeof *bucket);
    if (top < 0 || !next || !bucket) {
        free(sa), free(rank), free(next), free(bucket);
        return err_nomem(e, N_("suffix array"), 16ULL * n);
    }
    uint32_t r = (uint32_t)top;
    /* Sorted and ranked by their first k tokens, suffixes sort by their first 2k as the pairs
     * (rank[i], rank[i + k]), where a suffix that ends before i + k sorts first among its rank
     * (0 stands for "past the end"). Ranks are below n, so two passes of a counting sort do it:
     * by the second rank, then stably by the first. Once every rank differs, the order is final. */
    for (size_t k = 1; r < n - 1 && k < n; k *= 2) {
        /* By the second rank: the suffixes with nothing at i + k (no two of them share a rank),
         * then the rest in the order of the suffix at i + k, which sa already holds. */
        size_t m = 0;
        for (size_t i = n - k; i < n; i++) next[m++] = (uint32_t)i;
        for (size_t j = 0; j < n; j++)
            if (sa[j] >= k) next[m++] = sa[j] - (uint32_t)k;
        /* Stably by the first: bucket[c] ends where the suffixes of rank c end in sa. */
        memset(bucket, 0, ((size_t)r + 1) * sizeof *bucket);
        for (size_t i = 0; i < n; i++) bucket[rank[i]]++;
        for (size_t c = 1; c <= r; c++) bucket[c] += bucket[c - 1];
        for (size_t j = n; j-- > 0;) sa[--bucket[rank[next[j]]]] = next[j];
        /* New ranks (into next, read out above): equal only when both halves are. */
        uint32_t prev2 = sa[0] + k < n ? rank[sa[0] + k] + 1 : 0;
        next[sa[0]] = r = 0;
        for (size_t j = 1; j < n; j++) {
            uint32_t a = sa[j - 1], b = sa[j], b2 = b + k < n ? rank[b + k] + 1 : 0;
            if (rank[a] != rank[b] || prev2 != b2) r++;
            next[b] = r;
            prev2 = b2;
        }
        uint32_t *t = rank;
        rank = next, next = t;
    }
    free(rank), free(next), free(bucket);
    s->sa = sa;
    return 0;
}

void suffix_free(SuffixArray *s)
{
    free(s->sa);
    memset(s, 0, sizeof *s);
}

/* Compares the suffix at p with q[0 .. m) over their common length; 0 means q is a prefix of it
 * (or equal up to where the suffix ends: then the suffix is shorter, and sorts first). */
static int cmp_suffix(const SuffixArray *s, uint32_t p, const int32_t *q, size_t m)
{
    size_t len = s->n - p;
    for (size_t i = 0; i < m; i++) {
        if (i >= len) return -1;
        if (s->tokens[p + i] != q[i]) return s->tokens[p + i] < q[i] ? -1 : 1;
    }
    return 0;
}

/* The first suffix not below q (as a prefix). */
static size_t lower(const SuffixArray *s, const int32_t *q, size_t m)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_suffix(s, s->sa[mid], q, m) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The first suffix above every one that starts with q. */
static size_t upper(const SuffixArray *s, const int32_t *q, size_t m)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_suffix(s, s->sa[mid], q, m) <= 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

size_t suffix_count(const SuffixArray *s, const int32_t *q, size_t m)
{
    if (!s->n || m == 0) return m == 0 ? s->n : 0;
    return upper(s, q, m) - lower(s, q, m);
}

size_t suffix_longest_match(const SuffixArray *s, const int32_t *q, size_t m, size_t *pos)
{
    /* The longest prefix that occurs: grow it while a suffix still starts with it. Each longer
     * prefix's matches are among the shorter one's, so the search narrows as it goes. */
    size_t best = 0, at = 0;
    for (size_t len = 1; len <= m; len++) {
        size_t i = lower(s, q, len);
        if (i >= s->n || cmp_suffix(s, s->sa[i], q, len) != 0) break;
        best = len, at = s->sa[i];
    }
    if (pos) *pos = at;
    return best;
}
