/* bigmem.c - aligned memory for streamed arrays. See bigmem.h. */
#include "core/base/bigmem.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define LINE 64
#define HUGE_PAGE ((size_t)2 << 20)

static void *aligned(size_t n, size_t align)
{
    void *p = NULL;
    return posix_memalign(&p, align, n ? n : 1) ? NULL : p;
}

void *bigmem_alloc(size_t n)
{
    int huge = n >= HUGE_PAGE;
    void *p = aligned(n, huge ? HUGE_PAGE : LINE);
    if (!p) return NULL;
#ifdef MADV_HUGEPAGE
    /* Only advice: where the kernel has no huge pages to give, the memory is 4 KB pages.
     * Advised before the first touch, so that the zeroing faults in huge pages. */
    if (huge) (void)madvise(p, n & ~(HUGE_PAGE - 1), MADV_HUGEPAGE); /* whole huge pages of ours */
#endif
    memset(p, 0, n);
    return p;
}

void *bigmem_alloc_lazy(size_t n) { return aligned(n, LINE); }

void bigmem_free(void *p) { free(p); }
