/* blas.c - kernel levels, CPU levels and the reference check. See blas.h. */
#include "core/base/blas.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The openblas_* functions below are declared only by OpenBLAS's cblas.h. Another BLAS's header
 * of the same name (the reference BLAS's, which the alternatives system can put first in
 * /usr/include) would leave them implicitly declared, and a pointer returned through an implicit
 * declaration is cut to 32 bits: --version crashed that way. Refuse such a header here. */
#ifndef OPENBLAS_VERSION
#error "this cblas.h is not OpenBLAS's: compile with the flags of `pkg-config --cflags openblas`"
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t xgetbv0(void)
{
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

int blas_cpu_level(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return BLAS_LEVEL_SSE;
    int has_avx = (c >> 28) & 1, has_fma = (c >> 12) & 1, has_osxsave = (c >> 27) & 1;
    if (!has_avx || !has_osxsave) return BLAS_LEVEL_SSE;
    /* The OS must save the wide registers on a context switch, or using them corrupts state:
     * XCR0 bits 1-2 for YMM, bits 5-7 for the AVX-512 opmask and ZMM registers. */
    uint64_t xcr0 = xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return BLAS_LEVEL_SSE;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return BLAS_LEVEL_AVX;
    int has_avx2 = (b >> 5) & 1;
    int has_avx512 = ((b >> 16) & 1) /* F */ && ((b >> 17) & 1) /* DQ */ && ((b >> 28) & 1) /* CD */
                     && ((b >> 30) & 1) /* BW */ && ((b >> 31) & 1) /* VL */;
    if (has_avx512 && (xcr0 & 0xe6) == 0xe6) return BLAS_LEVEL_AVX512;
    if (has_avx2 && has_fma) return BLAS_LEVEL_AVX2;
    return BLAS_LEVEL_AVX;
}
#else
int blas_cpu_level(void) { return BLAS_LEVEL_SSE; }
#endif

/* OpenBLAS's x86-64 core names (driver/others/dynamic.c) grouped by the widest SIMD their sgemm
 * kernel uses. Anything not listed (Prescott, Core2, Nehalem, Atom, Opteron, ...) is SSE. */
static const struct { const char *name; int level; } kernel_levels[] = {
    {"SapphireRapids", BLAS_LEVEL_AVX512}, {"Cooperlake", BLAS_LEVEL_AVX512},
    {"SkylakeX", BLAS_LEVEL_AVX512},       {"Haswell", BLAS_LEVEL_AVX2},
    {"Zen", BLAS_LEVEL_AVX2},              {"Excavator", BLAS_LEVEL_AVX2},
    {"Sandybridge", BLAS_LEVEL_AVX},       {"Bulldozer", BLAS_LEVEL_AVX},
    {"Piledriver", BLAS_LEVEL_AVX},        {"Steamroller", BLAS_LEVEL_AVX},
};

int blas_kernel_level(const char *corename)
{
    for (size_t i = 0; corename && i < sizeof kernel_levels / sizeof kernel_levels[0]; i++)
        if (strcasecmp(corename, kernel_levels[i].name) == 0) return kernel_levels[i].level;
    return BLAS_LEVEL_SSE;
}

const char *blas_kernel_for_level(int level)
{
    switch (level) {
    case BLAS_LEVEL_AVX512: return "SkylakeX";
    case BLAS_LEVEL_AVX2: return "Haswell";
    case BLAS_LEVEL_AVX: return "Sandybridge";
    default: return NULL;
    }
}

const char *blas_level_name(int level)
{
    static const char *names[] = {"SSE", "AVX", "AVX2", "AVX-512"};
    return level >= 0 && level <= BLAS_LEVEL_AVX512 ? names[level] : "?";
}

const char *blas_kernel_in_use(void) { return openblas_get_corename(); }
const char *blas_config(void) { return openblas_get_config(); }

void blas_set_threads(int n) { openblas_set_num_threads(n); }
int blas_threads(void) { return openblas_get_num_threads(); }

/* C (M,N) = op(A) @ op(B), row-major, summed in double. */
static void ref_gemm(int ta, int tb, int M, int N, int K, const float *A, const float *B,
                     double *C, double *Cabs)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = 0, sa = 0;
            for (int k = 0; k < K; k++) {
                double a = ta ? A[k * M + i] : A[i * K + k];
                double b = tb ? B[j * K + k] : B[k * N + j];
                s += a * b;
                sa += fabs(a * b);
            }
            C[i * N + j] = s;
            Cabs[i * N + j] = sa;
        }
}

int blas_verify(double *max_err)
{
    /* Odd sizes reach the kernels' edge cases; 96x80x64 and up fill whole register blocks. */
    static const int shapes[][3] = {{1, 1, 1}, {7, 5, 3}, {37, 53, 29}, {96, 80, 64}, {130, 67, 129}};
    double worst = 0;
    uint64_t x = 88172645463325252ULL;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * K * N);
        float *C = malloc(sizeof(float) * M * N);
        double *R = malloc(sizeof(double) * M * N), *Rabs = malloc(sizeof(double) * M * N);
        if (!A || !B || !C || !R || !Rabs) {
            free(A), free(B), free(C), free(R), free(Rabs);
            if (max_err) *max_err = NAN;
            return 0;
        }
        for (int i = 0; i < M * K; i++) x ^= x << 13, x ^= x >> 7, x ^= x << 17, A[i] = (float)((x >> 40) / 8388608.0 - 1.0);
        for (int i = 0; i < K * N; i++) x ^= x << 13, x ^= x >> 7, x ^= x << 17, B[i] = (float)((x >> 40) / 8388608.0 - 1.0);
        for (int t = 0; t < 3; t++) { /* NN, NT, TN: the three forms forward and backward use */
            int ta = t == 2, tb = t == 1;
            cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                        M, N, K, 1.0f, A, ta ? M : K, B, tb ? K : N, 0.0f, C, N);
            ref_gemm(ta, tb, M, N, K, A, B, R, Rabs);
            for (int i = 0; i < M * N; i++) {
                double e = fabs(C[i] - R[i]) / (Rabs[i] + 1e-30);
                if (!(e <= worst)) worst = isnan(e) ? INFINITY : e;
            }
        }
        free(A), free(B), free(C), free(R), free(Rabs);
    }
    if (max_err) *max_err = worst;
    return worst < 1e-5;
}
