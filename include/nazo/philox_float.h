/* Counter-based random numbers that are bit-identical on every device.
 *
 * Philox-4x32-10 (the same bits as Random123's philox4x32 with R = 10) and
 * the transforms from its 32-bit words to floats.  This header compiles both
 * as C11 and as OpenCL C (paste it into a kernel source or #include it), so
 * the CPU backend, the OpenCL kernels and the core's reference share one
 * definition.  The reference random op (nz_ref_run, NZ_OP_RANDOM) calls these
 * functions, so their bits are the canonical ones.
 *
 * Why no libm: OpenCL does not require division, sqrt or transcendentals to be
 * exactly rounded, and libm implementations differ in the last bit.  The
 * transforms therefore use only integer and bit operations and IEEE +, -, *,
 * which every conforming device rounds identically: log, cos and sqrt are
 * range reduction by bit manipulation, polynomials, and Newton steps made of
 * multiplications.  No intermediate value is subnormal (OpenCL may flush
 * them).  Two things the includer must guarantee:
 *  - no floating-point contraction into FMA: C compilers in ISO mode (-std=c11,
 *    as nazo builds) do not contract; clang honours the pragma below; OpenCL
 *    gets `#pragma OPENCL FP_CONTRACT OFF` here, and kernels must not be built
 *    with -cl-mad-enable, -cl-fast-relaxed-math or -cl-unsafe-math-optimizations;
 *  - float arithmetic evaluated in float (FLT_EVAL_METHOD 0: any x86-64/SSE,
 *    ARM, GPU).
 *
 * Element i of a fill uses one Philox block with
 *   key = { lo32(seed), hi32(seed) },  ctr = { lo32(c), hi32(c), lo32(stream), hi32(stream) },
 * c = counter + i, and the result words r0..r3:
 *   f32 uniform   u = (r0 >> 8) * 2^-24                 in [0, 1)
 *   f64 uniform   u = ((r0 << 21) | (r1 >> 11)) * 2^-53  in [0, 1)
 *   uniform       p0 + (p1 - p0) * u
 *   bernoulli     u < p0 ? 1 : 0
 *   normal        p0 + p1 * sqrt(-2 ln u1) * cos(2 pi u2), one value per element,
 *                 u1 in (0, 1] (uniform's integer + 1), u2 uniform;
 *                 f32: u1 from r0, u2 from r1; f64: u1 from r0,r1, u2 from r2,r3.
 * The f32 functions compute in float and take float parameters (callers convert
 * the op's double p0/p1 with a plain (float) cast); the f64 ones in double.
 * In OpenCL, nz_rng_f64 exists when cl_khr_fp64 is available. */
#ifndef NAZO_PHILOX_FLOAT_H
#define NAZO_PHILOX_FLOAT_H

#if defined(__OPENCL_C_VERSION__) || defined(__OPENCL_VERSION__)
#define NZ_PHILOX_OPENCL 1
#pragma OPENCL FP_CONTRACT OFF
#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define NZ_PHILOX_HAVE_F64 1
#endif
/* OpenCL C has no <stdint.h>.  A kernel that already defines these names
 * defines NZ_HAVE_STDINT_TYPES first. */
#ifndef NZ_HAVE_STDINT_TYPES
#define NZ_HAVE_STDINT_TYPES 1
typedef uint uint32_t;
typedef ulong uint64_t;
typedef int int32_t;
typedef long int64_t;
#endif
#define NZ_PHILOX_AS_U32(x) as_uint(x)
#define NZ_PHILOX_AS_F32(x) as_float(x)
#define NZ_PHILOX_AS_U64(x) as_ulong(x)
#define NZ_PHILOX_AS_F64(x) as_double(x)
#else
#include <stdint.h>
#define NZ_PHILOX_HAVE_F64 1
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
/* Type punning through a union is defined behaviour in C11. */
static inline uint32_t nz_philox_as_u32(float x)
{
    union { float f; uint32_t u; } v;
    v.f = x;
    return v.u;
}
static inline float nz_philox_as_f32(uint32_t x)
{
    union { float f; uint32_t u; } v;
    v.u = x;
    return v.f;
}
static inline uint64_t nz_philox_as_u64(double x)
{
    union { double f; uint64_t u; } v;
    v.f = x;
    return v.u;
}
static inline double nz_philox_as_f64(uint64_t x)
{
    union { double f; uint64_t u; } v;
    v.u = x;
    return v.f;
}
#define NZ_PHILOX_AS_U32(x) nz_philox_as_u32(x)
#define NZ_PHILOX_AS_F32(x) nz_philox_as_f32(x)
#define NZ_PHILOX_AS_U64(x) nz_philox_as_u64(x)
#define NZ_PHILOX_AS_F64(x) nz_philox_as_f64(x)
#endif

/* ---- Philox-4x32-10 ---------------------------------------------------- */

static inline void nz_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c0;
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        /* Random123 bumps the key between rounds, not after the last. */
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* The block of element c of (seed, stream). */
static inline void nz_philox_block(uint64_t seed, uint64_t stream, uint64_t c, uint32_t r[4])
{
    uint32_t ctr[4], key[2];
    ctr[0] = (uint32_t)c;
    ctr[1] = (uint32_t)(c >> 32);
    ctr[2] = (uint32_t)stream;
    ctr[3] = (uint32_t)(stream >> 32);
    key[0] = (uint32_t)seed;
    key[1] = (uint32_t)(seed >> 32);
    nz_philox4x32_10(ctr, key, r);
}

/* ---- float (f32) transforms -------------------------------------------- */

/* ln x for normal x > 0 (not subnormal, not inf/NaN).  x = 2^e * m with m in
 * [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716;
 * 1/(m+1) by Newton steps from a linear minimax start (error 1.5e-2). */
static inline float nz_rng_logf(float x)
{
    uint32_t b = NZ_PHILOX_AS_U32(x);
    int32_t e = (int32_t)((b >> 23) & 0xffu) - 127;
    uint32_t mb = b & 0x7fffffu;
    if (mb > 0x3504f3u) { /* m > sqrt(2): halve it */
        mb |= 0x3f000000u;
        e += 1;
    } else {
        mb |= 0x3f800000u;
    }
    float m = NZ_PHILOX_AS_F32(mb);
    float f = m - 1.0f; /* exact (Sterbenz) */
    float d = m + 1.0f;
    float r = 0.98504f - 0.23901f * d;
    r = r * (2.0f - d * r);
    r = r * (2.0f - d * r);
    r = r * (2.0f - d * r);
    float s = f * r;
    float z = s * s;
    float p = 1.0f + z * (0.333333333f + z * (0.2f + z * (0.142857143f +
              z * (0.111111111f + z * 0.0909090909f))));
    float lnm = 2.0f * s * p;
    float ef = (float)e;
    /* ln 2 split so that e * hi is exact for |e| < 256. */
    return ef * 0.693145751953125f + (ef * 1.428606765330187e-06f + lnm);
}

/* sqrt t for t >= 0 (normal or zero): reciprocal square root from the
 * exponent-halving bit trick, three Newton steps, then one correction of the
 * square root itself. */
static inline float nz_rng_sqrtf(float t)
{
    if (!(t > 0.0f))
        return 0.0f;
    float y = NZ_PHILOX_AS_F32(0x5f3759dfu - (NZ_PHILOX_AS_U32(t) >> 1));
    float ht = 0.5f * t;
    y = y * (1.5f - (ht * y) * y);
    y = y * (1.5f - (ht * y) * y);
    y = y * (1.5f - (ht * y) * y);
    float s = t * y;
    return s + (0.5f * y) * (t - s * s);
}

/* cos(2 pi n / 2^24) for an integer n in [0, 2^24].  Quadrant q = n/2^22
 * rounded, x = n/2^22 - q in [-1/2, 1/2] exactly, angle = q pi/2 + x pi/2. */
static inline float nz_rng_cos2pif(uint32_t n)
{
    uint32_t q = (n + 0x200000u) >> 22;
    float x = (float)((int32_t)n - (int32_t)(q << 22)) * 0x1p-22f;
    float z = x * x;
    float s = x * (1.57079633f + z * (-0.645964098f + z * (0.0796926262f +
              z * (-0.00468175413f + z * 0.000160441185f))));
    float c = 1.0f + z * (-1.23370055f + z * (0.253669508f + z * (-0.0208634808f +
              z * (0.000919260275f + z * -2.52020424e-05f))));
    switch (q & 3u) {
    case 0: return c;
    case 1: return -s;
    case 2: return -c;
    default: return s;
    }
}

static inline float nz_rng_f32(int dist, uint64_t seed, uint64_t stream, uint64_t c,
                               float p0, float p1)
{
    uint32_t r[4];
    nz_philox_block(seed, stream, c, r);
    float u = (float)(r[0] >> 8) * 0x1p-24f;
    switch (dist) {
    case 0: /* NZ_RNG_UNIFORM */
        return p0 + (p1 - p0) * u;
    case 1: { /* NZ_RNG_NORMAL */
        float u1 = (float)((r[0] >> 8) + 1u) * 0x1p-24f; /* (0, 1]: ln is finite */
        float t = -2.0f * nz_rng_logf(u1);
        return p0 + p1 * (nz_rng_sqrtf(t) * nz_rng_cos2pif(r[1] >> 8));
    }
    case 2: /* NZ_RNG_BERNOULLI */
        return u < p0 ? 1.0f : 0.0f;
    default:
        return 0.0f;
    }
}

/* ---- double (f64) transforms ------------------------------------------- */
#ifdef NZ_PHILOX_HAVE_F64

/* As nz_rng_logf, in double: Newton to full precision and 11 atanh terms. */
static inline double nz_rng_log(double x)
{
    uint64_t b = NZ_PHILOX_AS_U64(x);
    int32_t e = (int32_t)((b >> 52) & 0x7ffu) - 1023;
    uint64_t mb = b & ((uint64_t)0xfffffffffffffu);
    if (mb > ((uint64_t)0x6a09e667f3bcdu)) { /* m > sqrt(2): halve it */
        mb |= ((uint64_t)0x3fe0000000000000u);
        e += 1;
    } else {
        mb |= ((uint64_t)0x3ff0000000000000u);
    }
    double m = NZ_PHILOX_AS_F64(mb);
    double f = m - 1.0;
    double d = m + 1.0;
    double r = 0.98504 - 0.23901 * d;
    r = r * (2.0 - d * r);
    r = r * (2.0 - d * r);
    r = r * (2.0 - d * r);
    r = r * (2.0 - d * r);
    double s = f * r;
    double z = s * s;
    /* Coefficients 1/3, 1/5, ..., 1/21 as literals: no division anywhere. */
    double p = 1.0 + z * (0.3333333333333333 + z * (0.2 + z * (0.14285714285714285 +
               z * (0.1111111111111111 + z * (0.09090909090909091 +
               z * (0.07692307692307693 + z * (0.06666666666666667 +
               z * (0.058823529411764705 + z * (0.05263157894736842 +
               z * 0.047619047619047616)))))))));
    double lnm = 2.0 * s * p;
    double ef = (double)e;
    /* fdlibm's split of ln 2: e * hi is exact for |e| < 2^11. */
    return ef * 6.93147180369123816490e-01 + (ef * 1.90821492927058770002e-10 + lnm);
}

static inline double nz_rng_sqrt(double t)
{
    if (!(t > 0.0))
        return 0.0;
    double y = NZ_PHILOX_AS_F64(((uint64_t)0x5fe6eb50c7b537a9u) - (NZ_PHILOX_AS_U64(t) >> 1));
    double ht = 0.5 * t;
    y = y * (1.5 - (ht * y) * y);
    y = y * (1.5 - (ht * y) * y);
    y = y * (1.5 - (ht * y) * y);
    y = y * (1.5 - (ht * y) * y);
    double s = t * y;
    return s + (0.5 * y) * (t - s * s);
}

/* cos(2 pi n / 2^53) for an integer n in [0, 2^53]. */
static inline double nz_rng_cos2pi(uint64_t n)
{
    uint64_t q = (n + ((uint64_t)1u << 50)) >> 51;
    double x = (double)((int64_t)n - (int64_t)(q << 51)) * 0x1p-51;
    double z = x * x;
    double s = x * (1.5707963267948966 + z * (-0.6459640975062463 +
               z * (0.07969262624616705 + z * (-0.004681754135318688 +
               z * (0.00016044118478735983 + z * (-3.598843235212085e-06 +
               z * (5.692172921967927e-08 + z * (-6.688035109811468e-10 +
               z * 6.0669357311061955e-12))))))));
    double c = 1.0 + z * (-1.2337005501361697 + z * (0.25366950790104803 +
               z * (-0.02086348076335296 + z * (0.0009192602748394266 +
               z * (-2.5202042373060607e-05 + z * (4.710874778818172e-07 +
               z * (-6.386603083791852e-09 + z * (6.565963114979473e-11 +
               z * -5.294400200734623e-13))))))));
    switch ((uint32_t)(q & 3u)) {
    case 0: return c;
    case 1: return -s;
    case 2: return -c;
    default: return s;
    }
}

static inline double nz_rng_f64(int dist, uint64_t seed, uint64_t stream, uint64_t c,
                                double p0, double p1)
{
    uint32_t r[4];
    nz_philox_block(seed, stream, c, r);
    uint64_t n1 = ((uint64_t)r[0] << 21) | (uint64_t)(r[1] >> 11);
    double u = (double)n1 * 0x1p-53;
    switch (dist) {
    case 0: /* NZ_RNG_UNIFORM */
        return p0 + (p1 - p0) * u;
    case 1: { /* NZ_RNG_NORMAL */
        double u1 = (double)(n1 + 1u) * 0x1p-53; /* (0, 1] */
        uint64_t n2 = ((uint64_t)r[2] << 21) | (uint64_t)(r[3] >> 11);
        double t = -2.0 * nz_rng_log(u1);
        return p0 + p1 * (nz_rng_sqrt(t) * nz_rng_cos2pi(n2));
    }
    case 2: /* NZ_RNG_BERNOULLI */
        return u < p0 ? 1.0 : 0.0;
    default:
        return 0.0;
    }
}
#endif /* NZ_PHILOX_HAVE_F64 */

#endif
