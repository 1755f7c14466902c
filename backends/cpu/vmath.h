/* exp, log, sigmoid, tanh and erf that GCC vectorizes inside the element-wise
 * loops.  A call to libm (expf, tanhf, ...) keeps a loop scalar; these are
 * inline, branch-free code: range reduction, a polynomial, 2^n built from
 * integer bits, and bit-mask selects (nz_vm_sel_*) instead of branches.
 *
 * Why not ?: for the selects: when one arm is a constant (inf, 0, NaN) GCC
 * sinks the computation of the other arm into a branch of its own, and
 * under -ftrapping-math (the default) only AVX-512's masked arithmetic can
 * if-convert FP operations that do not run on every path, so the AVX2 and
 * baseline clones stayed scalar.  A mask select uses both values always.
 *
 * Accuracy (measured by test_cpu_vmath.c against double libm): the f32
 * functions stay within 4 ulp over the whole float range; the f64 ones
 * within 1e-15 relative.  erf f64 still calls libm: not vectorized.
 *
 * Every value depends on its input only, and uses plain IEEE + - * / (ISO C:
 * no contraction into FMA), so the SIMD clones, the scalar loop tails and any
 * thread count give the same bits. */
#ifndef NAZO_CPU_VMATH_H
#define NAZO_CPU_VMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define NZ_VM_INLINE static inline __attribute__((always_inline))

/* ---- bit casts (memcpy: ISO C, folded to a register move) -------------- */
#define NZ_VM_BITCAST(name, from, to) \
    NZ_VM_INLINE to name(from x) { to y; memcpy(&y, &x, sizeof y); return y; }
NZ_VM_BITCAST(nz_vm_bits_f32, float, uint32_t)
NZ_VM_BITCAST(nz_vm_float_f32, uint32_t, float)
NZ_VM_BITCAST(nz_vm_bits_f64, double, uint64_t)
NZ_VM_BITCAST(nz_vm_float_f64, uint64_t, double)
#undef NZ_VM_BITCAST

/* c ? a : b, computed from both a and b (c is 0 or 1) */
NZ_VM_INLINE float nz_vm_sel_f32(int c, float a, float b)
{
    uint32_t m = 0u - (uint32_t)c;
    return nz_vm_float_f32((nz_vm_bits_f32(a) & m) | (nz_vm_bits_f32(b) & ~m));
}

NZ_VM_INLINE double nz_vm_sel_f64(int c, double a, double b)
{
    uint64_t m = 0u - (uint64_t)c;
    return nz_vm_float_f64((nz_vm_bits_f64(a) & m) | (nz_vm_bits_f64(b) & ~m));
}

/* ---- exp ----------------------------------------------------------------
 * x = n ln2 + r, |r| <= ln2/2; exp(x) = 2^n exp(r).  n is rounded by adding
 * 1.5*2^23 (2^52): the integer lands in the low mantissa bits, with no
 * float-to-int conversion (AVX2 has none for 64-bit lanes).  ln2 is split
 * (Cody-Waite): n*LN2_HI is exact, so r keeps full precision. */
#define NZ_VM_SHIFT_F32 0x1.8p23f
#define NZ_VM_LN2_HI_F32 0x1.62e4p-1f       /* 15 bits: n*hi exact for |n| < 512 */
#define NZ_VM_LN2_LO_F32 0x1.7f7d1cp-20f
#define NZ_VM_SHIFT_F64 0x1.8p52
#define NZ_VM_LN2_HI_F64 0x1.62e42fefa38p-1 /* 42 bits: exact for |n| < 2048 */
#define NZ_VM_LN2_LO_F64 0x1.ef35793c7673p-45

/* The reduction for f32: r and, as k, n + 1.5*2^23 (n in the low bits). */
NZ_VM_INLINE float nz_vm_reduce_f32(float x, float *k)
{
    *k = x * 0x1.715476p+0f + NZ_VM_SHIFT_F32;
    float n = *k - NZ_VM_SHIFT_F32;
    return (x - n * NZ_VM_LN2_HI_F32) - n * NZ_VM_LN2_LO_F32;
}

/* exp(r) - 1 for |r| <= 0.347: r + r^2 q(r), q a Chebyshev fit (mpmath
 * chebyfit, degree 4) of (exp(r) - 1 - r)/r^2, error < 8e-9 after the r^2. */
NZ_VM_INLINE float nz_vm_expm1_small_f32(float r)
{
    float q = 0.5f + r * (0.166665763f + r * (0.0416665524f + r * (0.00836334564f +
              r * 0.00139263924f)));
    return r + r * r * q;
}

/* exp(x) for x in [-110, 100]; garbage (not NaN) outside and for NaN.
 * 2^n = 2^(n-b) 2^b with b = 64 for x >= 0 and -64 below (neg = 1; either
 * serves for |x| < 40): 2^(n-b) is added to the exponent field of exp(r)
 * (an integer add, and the result stays normal), then the multiply by 2^b
 * rounds once, correctly, into inf or into the subnormals where exp(x)
 * goes there. */
NZ_VM_INLINE float nz_vm_exp_core_f32(float x, uint32_t neg)
{
    float k;
    float p = 1.0f + nz_vm_expm1_small_f32(nz_vm_reduce_f32(x, &k));
    uint32_t n = nz_vm_bits_f32(k) - nz_vm_bits_f32(NZ_VM_SHIFT_F32); /* n mod 2^32 */
    uint32_t pn = nz_vm_bits_f32(p) + ((n - 64u + 128u * neg) << 23);
    return nz_vm_float_f32(pn) * nz_vm_float_f32((127u + 64u - 128u * neg) << 23);
}

NZ_VM_INLINE float nz_vm_exp_f32(float x)
{
    float y = nz_vm_exp_core_f32(x, nz_vm_bits_f32(x) >> 31);
    y = nz_vm_sel_f32(x < -110.0f, 0.0f, y);
    /* above 100: inf; NaN: NaN (x + inf is both) */
    return nz_vm_sel_f32(!(x <= 100.0f), x + INFINITY, y);
}

/* f64: the same reduction; 2^n is applied as two factors 2^n1 2^n2, each
 * normal, so that overflow and subnormal results are rounded once. */
NZ_VM_INLINE double nz_vm_scale_f64(double p, double k, double n)
{
    uint64_t sh = nz_vm_bits_f64(NZ_VM_SHIFT_F64);
    uint64_t un = nz_vm_bits_f64(k) - sh;
    uint64_t un1 = nz_vm_bits_f64(n * 0.5 + NZ_VM_SHIFT_F64) - sh;
    uint64_t un2 = un - un1;
    double s1 = nz_vm_float_f64((un1 + 1023u) << 52), s2 = nz_vm_float_f64((un2 + 1023u) << 52);
    return p * s1 * s2;
}

/* The f64 reduction, as nz_vm_reduce_f32. */
NZ_VM_INLINE double nz_vm_reduce_f64(double x, double *k)
{
    *k = x * 0x1.71547652b82fep+0 + NZ_VM_SHIFT_F64;
    double n = *k - NZ_VM_SHIFT_F64;
    return (x - n * NZ_VM_LN2_HI_F64) - n * NZ_VM_LN2_LO_F64;
}

/* exp(r) - 1 for |r| <= 0.347, Taylor to r^13: the r^14/14! left out is
 * < 5e-18. */
NZ_VM_INLINE double nz_vm_expm1_small_f64(double r)
{
    double q = 1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 +
               r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 +
               r * (1.0 / 39916800 + r * (1.0 / 479001600 + r * (1.0 / 6227020800.0)))))))))));
    return r + r * r * q;
}

NZ_VM_INLINE double nz_vm_exp_f64(double x)
{
    double k;
    double p = 1.0 + nz_vm_expm1_small_f64(nz_vm_reduce_f64(x, &k));
    double y = nz_vm_scale_f64(p, k, k - NZ_VM_SHIFT_F64);
    /* past these n no longer fits the two factors: inf and 0 (NaN fails
     * both tests and stays NaN) */
    y = nz_vm_sel_f64(x > 710.0, INFINITY, y);
    return nz_vm_sel_f64(x < -746.0, 0.0, y);
}

/* ---- log ----------------------------------------------------------------
 * x = 2^e m with m in [sqrt(2)/2, sqrt(2)), taken from the bits (subnormals
 * scaled up first).  log(m) = log1p(f), f = m - 1 (exact), written as
 * 2 atanh(s), s = f/(2+f), |s| < 0.172: s + s^3/3 + ... converges fast, and
 * f - (f^2/2 - s (f^2/2 + R)) keeps the large part f exact.
 * Zero, negatives, +inf and NaN are selected at the end. */
NZ_VM_INLINE float nz_vm_log_f32(float x)
{
    int sub = x < 0x1p-126f;
    float xs = nz_vm_sel_f32(sub, x * 0x1p23f, x);
    /* adding 1 - sqrt(2)/2 in the bits moves m >= sqrt(2)/2 into the next binade */
    uint32_t u = nz_vm_bits_f32(xs) + (0x3f800000u - 0x3f3504f3u);
    float e = (float)((int32_t)(u >> 23) - 127 - 23 * sub);
    float f = nz_vm_float_f32((u & 0x7fffffu) + 0x3f3504f3u) - 1.0f;
    float s = f / (2.0f + f), z = s * s;
    float R = z * (2.0f / 3 + z * (2.0f / 5 + z * (2.0f / 7 + z * (2.0f / 9 + z * (2.0f / 11)))));
    float hf = 0.5f * f * f;
    float y = e * NZ_VM_LN2_HI_F32 - ((hf - (s * (hf + R) + e * NZ_VM_LN2_LO_F32)) - f);
    float special = nz_vm_sel_f32(x < 0.0f, NAN, x);       /* NaN, +inf: x */
    special = nz_vm_sel_f32(x == 0.0f, -INFINITY, special);
    return nz_vm_sel_f32((x > 0.0f) & (x < INFINITY), y, special);
}

NZ_VM_INLINE double nz_vm_log_f64(double x)
{
    int sub = x < 0x1p-1022;
    double xs = nz_vm_sel_f64(sub, x * 0x1p52, x);
    uint64_t u = nz_vm_bits_f64(xs) + (0x3ff0000000000000u - 0x3fe6a09e667f3bcdu);
    /* the biased exponent as a double without an int64 conversion (none in
     * AVX2): put it in the mantissa of 2^52 */
    double eb = nz_vm_float_f64(0x4330000000000000u | (u >> 52)) - 0x1p52;
    double e = eb - nz_vm_sel_f64(sub, 1023.0 + 52.0, 1023.0);
    double f = nz_vm_float_f64((u & 0xfffffffffffffu) + 0x3fe6a09e667f3bcdu) - 1.0;
    double s = f / (2.0 + f), z = s * s;
    /* to s^21: the s^23 term left out is < 1e-18 of the result */
    double R = z * (2.0 / 3 + z * (2.0 / 5 + z * (2.0 / 7 + z * (2.0 / 9 + z * (2.0 / 11 +
               z * (2.0 / 13 + z * (2.0 / 15 + z * (2.0 / 17 + z * (2.0 / 19 + z * (2.0 / 21))))))))));
    double hf = 0.5 * f * f;
    double y = e * NZ_VM_LN2_HI_F64 - ((hf - (s * (hf + R) + e * NZ_VM_LN2_LO_F64)) - f);
    double special = nz_vm_sel_f64(x < 0.0, NAN, x);
    special = nz_vm_sel_f64(x == 0.0, -INFINITY, special);
    return nz_vm_sel_f64((x > 0.0) & (x < INFINITY), y, special);
}

/* ---- sigmoid ------------------------------------------------------------
 * With e = exp(-|x|) in (0, 1]: 1/(1+e) for x >= 0, e/(1+e) for x < 0.  No
 * overflow, and tiny results for very negative x keep their precision (down
 * into the subnormals) instead of 1/(1+inf) = 0. */
NZ_VM_INLINE float nz_vm_sigmoid_f32(float x)
{
    float a = fabsf(x);
    /* exp(-110) is 0 in float; a NaN a gives a NaN e */
    float e = nz_vm_sel_f32(a > 110.0f, 0.0f, nz_vm_exp_core_f32(-a, 1));
    e = nz_vm_sel_f32(a != a, a, e);
    return nz_vm_sel_f32(x < 0.0f, e, 1.0f) / (1.0f + e);
}

NZ_VM_INLINE double nz_vm_sigmoid_f64(double x)
{
    double e = nz_vm_exp_f64(-fabs(x));
    return nz_vm_sel_f64(x < 0.0, e, 1.0) / (1.0 + e);
}

/* ---- tanh ---------------------------------------------------------------
 * tanh(a) = E/(E + 2) with E = exp(2a) - 1, a = |x|, and the sign of x put
 * back in the bits (keeps -0).  E = 2^n (expm1(r) + 1) - 1 = 2^n expm1(r) +
 * (2^n - 1) has no cancellation at small a, unlike 1 - 2/(exp(2a) + 1).
 * From a = SAT on tanh rounds to 1 (9.5 in float, 19.5 in double), and n
 * would no longer fit 2^n.  One definition for both types: U is the
 * unsigned integer of T's width, BIAS and MANT its exponent bias and
 * mantissa width.  A NaN a stays NaN through em1 and E. */
#define NZ_VM_TANH(SFX, T, U, FABS, SHIFT, BIAS, MANT, SAT) \
    NZ_VM_INLINE T nz_vm_tanh_##SFX(T x) \
    { \
        T a = FABS(x), k; \
        T em1 = nz_vm_expm1_small_##SFX(nz_vm_reduce_##SFX(2 * a, &k)); \
        U n = nz_vm_bits_##SFX(k) - nz_vm_bits_##SFX(SHIFT); \
        T s = nz_vm_float_##SFX((n + BIAS) << MANT); /* 2^n */ \
        T E = s * em1 + (s - 1); \
        T t = nz_vm_sel_##SFX(a > SAT, 1, E / (E + 2)); \
        U sign = (U)1 << (sizeof(U) * 8 - 1); \
        return nz_vm_float_##SFX(nz_vm_bits_##SFX(t) | (nz_vm_bits_##SFX(x) & sign)); \
    }
NZ_VM_TANH(f32, float, uint32_t, fabsf, NZ_VM_SHIFT_F32, 127u, 23, 9.5f)
NZ_VM_TANH(f64, double, uint64_t, fabs, NZ_VM_SHIFT_F64, 1023u, 52, 19.5)
#undef NZ_VM_TANH

/* ---- erf (f32) ----------------------------------------------------------
 * |x| < 1: x h(x^2), h a Chebyshev fit (degree 6, error 1.2e-9) of erf(x)/x.
 * 1 <= |x| < 3.92: 1 - erfc(|x|), erfc(a) = t exp(P(s) - a^2) with
 * t = 2/(2+a) and P a fit (degree 6, error 1.5e-8) of log(erfc(a)/t) + a^2
 * in s = (t - 0.50225)/0.16441, which spans [-1, 1].  Above 3.92 erf
 * rounds to 1 in float. */
NZ_VM_INLINE float nz_vm_erf_f32(float x)
{
    float a = fabsf(x), u = x * x;
    float h = 1.1283792f + u * (-0.37612627f + u * (0.11283595f + u * (-0.026854212f +
              u * (0.0051890874f + u * (-0.00080168643f + u * 0.000078758751f)))));
    /* computing with a <= 3.92 keeps exp's result out of the (slow)
     * subnormals; erf is 1 above anyway */
    float ac = nz_vm_sel_f32(a > 3.92f, 3.92f, a);
    float t = 2.0f / (2.0f + ac);
    float s = (t - 0x1.012735p-1f) * 0x1.8542a2p+2f;
    float P = -0.66876320f + s * (0.22132369f + s * (0.0050505012f + s * (-0.0016728553f +
              s * (-0.00011308281f + s * (3.2460965e-5f + s * 2.0985427e-6f)))));
    float big = 1.0f - t * nz_vm_exp_core_f32(P - ac * ac, 1); /* in [-16, 0.1] */
    big = nz_vm_sel_f32(a > 3.92f, 1.0f, big);
    big = nz_vm_sel_f32(x < 0.0f, -big, big);
    big = nz_vm_sel_f32(a != a, a, big); /* NaN */
    return nz_vm_sel_f32(a < 1.0f, x * h, big);
}

/* f64 erf: libm (not vectorized), so that the bodies can name every
 * function the same way for both types. */
NZ_VM_INLINE double nz_vm_erf_f64(double x)
{
    return erf(x);
}

#endif
