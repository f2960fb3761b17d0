/*
 * sgemm_peak.c - what cblas_sgemm reaches on this machine at the shapes a training step uses,
 * the ceiling that train_bench's GFLOP/s is compared with. Two ways of using the cores are
 * measured: OpenBLAS's own threads, and our pool (parallel.h) giving each thread a block of
 * rows with single-threaded OpenBLAS inside, as training does. The best of all is "the peak".
 *
 *   sgemm_peak [--threads N] [--json]
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/blas.h"
#include "core/base/clock.h"
#include "core/base/parallel.h"

typedef struct {
    int M, N, K;
    const float *A, *B;
    float *C;
} Job;

/* C (M,N) = A (M,K) @ B^T (N,K): the forward of a linear layer, rows split between parts */
static void part(void *ctx, int p, int n)
{
    Job *j = ctx;
    size_t lo, hi;
    par_range((size_t)j->M, p, n, 1, &lo, &hi);
    if (hi > lo)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(hi - lo), j->N, j->K, 1.0f,
                    j->A + lo * j->K, j->K, j->B, j->K, 0.0f, j->C + lo * j->N, j->N);
}

/* Best of `reps` runs, in GFLOP/s. */
static double measure(ParPool *pool, int blas_threads, Job *j, int reps)
{
    blas_set_threads(blas_threads);
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t = clock_now();
        par_run(pool, part, j);
        t = clock_now() - t;
        if (t < best) best = t;
    }
    return 2.0 * j->M * j->N * j->K / best / 1e9;
}

int main(int argc, char **argv)
{
    int threads = par_cpu_count(), json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
    }
    static const int shapes[][3] = {{1024, 384, 128}, {1024, 512, 128}, {1024, 128, 512}, {1024, 128, 128}, {512, 512, 512}};
    Err e;
    ParPool *pool = par_create(threads, &e);
    double peak = 0;
    if (!json) printf("%-16s %14s %14s %14s\n", "M x N x K", "1 thread", "OpenBLAS x" , "our pool");
    if (json) printf("{\"kernel\":\"%s\",\"threads\":%d,\"shapes\":[", blas_kernel_in_use(), threads);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * N * K), *C = malloc(sizeof(float) * M * N);
        for (int i = 0; i < M * K; i++) A[i] = (float)(i % 17) / 17.0f;
        for (int i = 0; i < N * K; i++) B[i] = (float)(i % 13) / 13.0f;
        Job j = {M, N, K, A, B, C};
        double one = measure(NULL, 1, &j, 30), ob = measure(NULL, threads, &j, 30), ours = measure(pool, 1, &j, 30);
        double best = one > ob ? one : ob;
        best = best > ours ? best : ours;
        if (best > peak) peak = best;
        if (json) printf("%s{\"m\":%d,\"n\":%d,\"k\":%d,\"one\":%.1f,\"openblas\":%.1f,\"pool\":%.1f}", s ? "," : "", M, N, K, one, ob, ours);
        else printf("%4dx%4dx%4d %14.1f %14.1f %14.1f\n", M, N, K, one, ob, ours);
        free(A), free(B), free(C);
    }
    if (json) printf("],\"peak\":%.1f}\n", peak);
    else printf("peak %.1f GFLOP/s (kernel %s, %d threads)\n", peak, blas_kernel_in_use(), threads);
    par_free(pool);
    return 0;
}
