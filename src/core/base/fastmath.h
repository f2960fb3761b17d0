/*
 * fastmath.h - exp and the logistic sigmoid written as plain arithmetic, so the compiler can
 * vectorise the loops that call them (GELU, softmax, cross-entropy), which libm's calls prevent;
 * sums, dot products and maxima that vectorise with the same result at every width; the
 * attribute that compiles a hot loop once per vector width; and prefetch hints. exp is accurate
 * to a few units in the last place of a float (tests/unit/test_layers.c checks against libm),
 * which is all a float32 model can use. Included by the layers (layers.c) and the optimizer
 * (adamw.c); nothing else.
 */
#ifndef NT_FASTMATH_H
#define NT_FASTMATH_H

#include <stdint.h>
#include <string.h>

/* The hot element-wise loops are compiled three times, for AVX-512, AVX2 and the baseline, and
 * the loader picks the widest the CPU has (GCC's target_clones, resolved once at start-up).
 * Every version computes exactly the same numbers: the build does not contract a*b+c into FMA
 * (-std=c11 implies -ffp-contract=off) and no reduction is reordered, so only the vector width
 * differs. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(NT_NO_CLONES)
#define NT_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NT_SIMD_CLONES

#endif

/* e^x for x in about [-87.3, 88.7]; below, 0; above, +inf. NaN propagates.
 * e^x = 2^n * e^r with n = round(x / ln 2) and |r| <= ln2/2, e^r by its degree-6 Taylor-like
 * minimax polynomial (Cephes expf), 2^n built directly in the exponent bits. */
static inline float nt_expf(float x)
{
    const float hi = 88.3762626647949f, lo = -87.3365447504019f;
    /* NaN is clamped too (to lo), so that converting fn to an integer below is defined; the
     * NaN itself is returned at the end. */
    float xc = x > hi ? hi : (x >= lo ? x : lo);
    /* n = round(x / ln 2): adding and subtracting 1.5 * 2^23 rounds a float of magnitude below
     * 2^22 to the nearest integer, in plain arithmetic that vectorises. */
    float fn = xc * 1.44269504088896341f;
    fn = (fn + 12582912.0f) - 12582912.0f;
    int32_t n = (int32_t)fn;
    float r = xc - fn * 0.693359375f; /* ln 2 split in two for an exact product */
    r = r - fn * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    /* Scale by 2^n in two halves so that n = 128 (x near the top) does not overflow the exponent. */
    int32_t n1 = n >> 1, n2 = n - n1;
    uint32_t b1 = (uint32_t)(n1 + 127) << 23, b2 = (uint32_t)(n2 + 127) << 23;
    float s1, s2;
    memcpy(&s1, &b1, 4);
    memcpy(&s2, &b2, 4);
    float y = p * s1 * s2;
    y = x > hi ? __builtin_inff() : y;
    y = x < lo ? 0.0f : y;
    return x != x ? x : y;
}

/* 1 / (1 + e^-x), the logistic function; 0 and 1 in the limits, never NaN for finite x. */
static inline float nt_sigmoidf(float x)
{
    return 1.0f / (1.0f + nt_expf(-x));
}

/* Reductions over 16 independent partial results, combined in a fixed order at the end: the
 * compiler turns the lanes into vector registers (it may not reorder a single running sum), and
 * the result is the same whatever the vector width. */
#define NT_LANES 16

static inline float nt_sum(const float *x, int n)
{
    float acc[NT_LANES] = {0};
    int i = 0;
    for (; i + NT_LANES <= n; i += NT_LANES)
        for (int k = 0; k < NT_LANES; k++) acc[k] += x[i + k];
    float s = 0;
    for (; i < n; i++) s += x[i];
    for (int w = NT_LANES / 2; w > 0; w /= 2)
        for (int k = 0; k < w; k++) acc[k] += acc[k + w];
    return acc[0] + s;
}

static inline float nt_dot(const float *a, const float *b, int n)
{
    float acc[NT_LANES] = {0};
    int i = 0;
    for (; i + NT_LANES <= n; i += NT_LANES)
        for (int k = 0; k < NT_LANES; k++) acc[k] += a[i + k] * b[i + k];
    float s = 0;
    for (; i < n; i++) s += a[i] * b[i];
    for (int w = NT_LANES / 2; w > 0; w /= 2)
        for (int k = 0; k < w; k++) acc[k] += acc[k + w];
    return acc[0] + s;
}

/* Hints to fetch the cache line at p before it is read, or written (no effect on results). */
#if defined(__GNUC__)
#define NT_PREFETCH(p) __builtin_prefetch(p)
#define NT_PREFETCH_W(p) __builtin_prefetch((p), 1)
#else
#define NT_PREFETCH(p) ((void)(p))
#define NT_PREFETCH_W(p) ((void)(p))
#endif

/* The largest of n >= 1 values (NaN-free input). */
static inline float nt_max(const float *x, int n)
{
    float acc[NT_LANES];
    for (int k = 0; k < NT_LANES; k++) acc[k] = x[0];
    int i = 0;
    for (; i + NT_LANES <= n; i += NT_LANES)
        for (int k = 0; k < NT_LANES; k++) acc[k] = x[i + k] > acc[k] ? x[i + k] : acc[k];
    float m = x[0];
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    for (int k = 0; k < NT_LANES; k++) m = acc[k] > m ? acc[k] : m;
    return m;
}

#endif
