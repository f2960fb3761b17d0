/* parallel.c - the thread pool. See parallel.h. */
#include "core/base/parallel.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include "core/base/i18n.h"
#define cpu_relax() _mm_pause()
#else
#define cpu_relax() ((void)0)
#endif

/* About 30-100 microseconds of polling before a helper sleeps: longer than the gaps between
 * jobs inside a training step, far shorter than a human notices. */
#define SPIN_ROUNDS 20000

struct ParPool {
    int n;
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t start, done;
    atomic_uint gen;      /* job number; a change tells helpers to start */
    atomic_int pending;   /* helpers still on the current job */
    atomic_int stop;
    ParFn fn;
    void *ctx;
};

typedef struct {
    ParPool *p;
    int part;
} Helper;

static void *helper_main(void *arg)
{
    Helper h = *(Helper *)arg;
    free(arg);
    ParPool *p = h.p;
    unsigned seen = 0;
    for (;;) {
        unsigned g;
        int spins = 0;
        while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen && spins < SPIN_ROUNDS) {
            cpu_relax();
            spins++;
        }
        if (g == seen) {
            pthread_mutex_lock(&p->mu);
            while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen)
                pthread_cond_wait(&p->start, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        seen = g;
        if (atomic_load(&p->stop)) return NULL;
        p->fn(p->ctx, h.part, p->n);
        if (atomic_fetch_sub_explicit(&p->pending, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
}

ParPool *par_create(int n, Err *e)
{
    if (n < 1) n = 1;
    ParPool *p = calloc(1, sizeof *p);
    if (!p) return err_nomem(e, N_("thread pool"), sizeof *p), NULL;
    p->n = n;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->start, NULL);
    pthread_cond_init(&p->done, NULL);
    if (n == 1) return p;
    p->threads = calloc((size_t)n, sizeof *p->threads);
    if (!p->threads) {
        par_free(p);
        return err_nomem(e, N_("thread pool"), sizeof *p->threads * (size_t)n), NULL;
    }
    /* Helpers take no signals: they belong to whichever thread the program handles them in. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (int i = 1; i < n; i++) {
        Helper *h = malloc(sizeof *h);
        if (h) *h = (Helper){p, i};
        if (!h || pthread_create(&p->threads[i], NULL, helper_main, h) != 0) {
            free(h);
            p->n = i; /* the helpers started so far are stopped by par_free */
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            par_free(p);
            err_internal(e, _("cannot start a worker thread"));
            return NULL;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return p;
}

void par_free(ParPool *p)
{
    if (!p) return;
    if (p->threads) {
        pthread_mutex_lock(&p->mu);
        atomic_store(&p->stop, 1);
        atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
        pthread_cond_broadcast(&p->start);
        pthread_mutex_unlock(&p->mu);
        for (int i = 1; i < p->n; i++) pthread_join(p->threads[i], NULL);
        free(p->threads);
    }
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->start);
    pthread_cond_destroy(&p->done);
    free(p);
}

int par_threads(const ParPool *p) { return p ? p->n : 1; }

void par_run(ParPool *p, ParFn fn, void *ctx)
{
    if (!p || p->n == 1) {
        fn(ctx, 0, 1);
        return;
    }
    p->fn = fn;
    p->ctx = ctx;
    atomic_store_explicit(&p->pending, p->n - 1, memory_order_relaxed);
    /* The job is published by the release increment of gen; the lock orders it against a
     * helper that is about to sleep, so none misses its wake-up. */
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->mu);
    fn(ctx, 0, p->n);
    int spins = 0;
    while (atomic_load_explicit(&p->pending, memory_order_acquire) > 0 && spins < SPIN_ROUNDS) {
        cpu_relax();
        spins++;
    }
    if (atomic_load_explicit(&p->pending, memory_order_acquire) > 0) {
        pthread_mutex_lock(&p->mu);
        while (atomic_load_explicit(&p->pending, memory_order_acquire) > 0) pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
}

void par_range(size_t n, int part, int nparts, size_t align, size_t *lo, size_t *hi)
{
    if (align < 1) align = 1;
    size_t units = (n + align - 1) / align;
    size_t a = units * (size_t)part / (size_t)nparts, b = units * (size_t)(part + 1) / (size_t)nparts;
    *lo = a * align < n ? a * align : n;
    *hi = b * align < n ? b * align : n;
}

int par_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int par_max_threads(void)
{
    int n = par_cpu_count();
    return n < PAR_MAX_THREADS / 4 ? 4 * n : PAR_MAX_THREADS;
}
