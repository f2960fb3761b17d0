/*
 * blas.h - which OpenBLAS kernel does our matrix arithmetic, and is it right.
 *
 * Every matrix product in nexttoken goes through cblas_sgemm, so the kernel OpenBLAS picked when
 * it loaded decides our speed more than anything we write. A DYNAMIC_ARCH build picks by CPU
 * model, and an older library does not know a newer CPU: Debian's 0.3.21 runs recent Xeons on its
 * SSE3 "Prescott" kernel at a fifth of the speed their AVX-512 kernel gives. So we compare the
 * SIMD level of the kernel in use with the level the CPU and OS support (CPUID, XGETBV); when the
 * kernel is behind, main() sets OPENBLAS_CORETYPE (read only when the library loads) and re-execs
 * itself. Whatever kernel runs is checked against a plain reference product before it is trusted.
 *
 * Called by src/main.c at start-up and by `nexttoken --version`; `nexttoken train` and the
 * interface set its threads to one (their pool splits the work); the bench and tests use it too.
 */
#ifndef NT_BLAS_H
#define NT_BLAS_H

/* SIMD levels, in order: a kernel or CPU of level n can run every kernel of a lower level. */
enum { BLAS_LEVEL_SSE = 0, BLAS_LEVEL_AVX = 1, BLAS_LEVEL_AVX2 = 2, BLAS_LEVEL_AVX512 = 3 };

/* The highest level this CPU and its OS support (x86-64 only; BLAS_LEVEL_SSE elsewhere). */
int blas_cpu_level(void);
/* The SIMD level of an OpenBLAS core name ("SkylakeX" -> BLAS_LEVEL_AVX512, "Prescott" -> SSE). */
int blas_kernel_level(const char *corename);
/* The OpenBLAS core name we ask for at a level ("SkylakeX", "Haswell", "Sandybridge"), or NULL. */
const char *blas_kernel_for_level(int level);
/* The kernel OpenBLAS is using now, as it names it. */
const char *blas_kernel_in_use(void);
/* How the OpenBLAS library was built, as it describes itself (openblas_get_config()). */
const char *blas_config(void);

/* Multiplies a few odd-shaped random matrices, in every transpose combination we use, with
 * cblas_sgemm and with a double-precision triple loop. Returns 1 when they agree (largest error
 * relative to sum |a||b| under 1e-5), 0 otherwise; `*max_err` gets the largest error seen. */
int blas_verify(double *max_err);

void blas_set_threads(int n);
int blas_threads(void);

/* The environment variable main() leaves for its re-exec'd self: the kernel OpenBLAS picked. */
#define BLAS_BOOT_ENV "NEXTTOKEN_BLAS_DETECTED"

const char *blas_level_name(int level);

#endif
