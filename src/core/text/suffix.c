/* suffix.c - suffix array by prefix doubling, and lookups. See suffix.h. */
#include "core/text/suffix.h"

#include <stdlib.h>
#include <string.h>

/* Sorting state for one doubling round: suffixes compare by (rank[i], rank[i + k]). */
static const uint32_t *g_rank;
static size_t g_k, g_n;

static int cmp_pairs(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    if (g_rank[a] != g_rank[b]) return g_rank[a] < g_rank[b] ? -1 : 1;
    /* a suffix that ends sooner sorts first: rank 0 stands for "past the end" */
    uint32_t ra = a + g_k < g_n ? g_rank[a + g_k] + 1 : 0, rb = b + g_k < g_n ? g_rank[b + g_k] + 1 : 0;
    return ra < rb ? -1 : ra > rb;
}

int suffix_build(SuffixArray *s, const int32_t *tokens, size_t n, Err *e)
{
    memset(s, 0, sizeof *s);
    s->tokens = tokens;
    s->n = n;
    if (n == 0) return 0;
    if (n >= UINT32_MAX) return err_input(e, "corpus too long for a suffix array (%zu tokens)", n);
    uint32_t *sa = malloc(n * sizeof *sa), *rank = malloc(n * sizeof *rank), *tmp = malloc(n * sizeof *tmp);
    if (!sa || !rank || !tmp) {
        free(sa), free(rank), free(tmp);
        return err_nomem(e, "suffix array", 12ULL * n);
    }
    /* First ranks: the token ids themselves (shifted to be unsigned and dense enough). */
    for (size_t i = 0; i < n; i++) sa[i] = (uint32_t)i, rank[i] = (uint32_t)tokens[i];
    g_n = n;
    for (g_k = 0;; g_k = g_k ? g_k * 2 : 1) {
        g_rank = rank;
        /* With k = 0 the second key is the same token; sorting by the first alone. */
        qsort(sa, n, sizeof *sa, cmp_pairs);
        tmp[sa[0]] = 0;
        for (size_t i = 1; i < n; i++) tmp[sa[i]] = tmp[sa[i - 1]] + (cmp_pairs(&sa[i - 1], &sa[i]) != 0);
        memcpy(rank, tmp, n * sizeof *rank);
        if (rank[sa[n - 1]] == n - 1) break; /* all distinct: sorted */
        if (g_k >= n) break;
    }
    free(rank), free(tmp);
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
