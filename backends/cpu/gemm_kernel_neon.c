/* NEON (AArch64 Advanced SIMD) micro-kernels: 8 x 12 (f32) and 8 x 6 (f64).
 *
 * Each tile is 8 rows of three 128-bit accumulators: 24 of the 32 vector
 * registers, leaving three for the B row and two (f32) or four (f64) for the
 * A column.  A is loaded as whole vectors and each value is taken by lane
 * inside the FMA (vfmaq_laneq), so there is no broadcast instruction per row.
 * Advanced SIMD is part of the AArch64 base ISA, so no run-time check is
 * needed: every aarch64 CPU runs these. */
#if defined(__aarch64__)
#include <arm_neon.h>
#endif

#include "gemm.h"

#if defined(__aarch64__)

#define MR 8

/* Row r of the tile: its A value is lane r % L of A vector r / L (L lanes a
 * vector).  A macro because the lane must be a constant expression. */
#define ROW(P, L, r)                                                               \
    _Pragma("GCC unroll 3") for (int v = 0; v < 3; v++)                            \
        acc[r][v] = vfmaq_laneq_##P(acc[r][v], bv[v], av[(r) / (L)], (r) % (L))

/* The kernel for element type T in vectors V of L lanes, P the intrinsics'
 * suffix.  The loops over rows and vectors are unrolled in full so that the
 * accumulators live in registers, never in memory. */
#define DEFINE_KERNEL(P, T, V, L)                                                  \
    static void kernel_##P(int64_t kc, const T *restrict a, const T *restrict b,   \
                           T *restrict c, int64_t ldc, T alpha, T beta)            \
    {                                                                              \
        V acc[MR][3];                                                              \
        _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++)                       \
            acc[r][0] = acc[r][1] = acc[r][2] = vdupq_n_##P(0);                    \
        for (int64_t p = 0; p < kc; p++, a += MR, b += 3 * (L)) {                  \
            V bv[3], av[MR / (L)];                                                 \
            _Pragma("GCC unroll 3") for (int v = 0; v < 3; v++)                    \
                bv[v] = vld1q_##P(b + v * (L));                                    \
            _Pragma("GCC unroll 4") for (int i = 0; i < MR / (L); i++)             \
                av[i] = vld1q_##P(a + i * (L));                                    \
            ROW(P, L, 0); ROW(P, L, 1); ROW(P, L, 2); ROW(P, L, 3);                \
            ROW(P, L, 4); ROW(P, L, 5); ROW(P, L, 6); ROW(P, L, 7);                \
        }                                                                          \
        _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++)                       \
            _Pragma("GCC unroll 3") for (int v = 0; v < 3; v++) {                  \
                T *cv = c + r * ldc + v * (L);                                     \
                V x = vmulq_n_##P(acc[r][v], alpha);                               \
                /* beta == 0: C may hold garbage (even NaN) and is not read */     \
                if (beta != 0)                                                     \
                    x = vfmaq_n_##P(x, vld1q_##P(cv), beta);                       \
                vst1q_##P(cv, x);                                                  \
            }                                                                      \
    }

DEFINE_KERNEL(f32, float, float32x4_t, 4)
DEFINE_KERNEL(f64, double, float64x2_t, 2)

/* Sized for a typical ARM core (Cortex-A7x / Neoverse: 64 KiB L1D, 512 KiB
 * to 1 MiB L2, a few MiB of L3 or system cache): the KC x NR sliver of B
 * (12 KiB either dtype) stays in L1, the MC x KC block of A (128 KiB f32,
 * 256 KiB f64) in L2, and the KC x NC panel of B (3 MiB) in the last level. */
const nz_gemm_cfg_f32 nz_gemm_neon_f32 = {MR, 12, 16 * MR, 256, 3072, kernel_f32,
                                           NULL, NULL, NULL};
const nz_gemm_cfg_f64 nz_gemm_neon_f64 = {MR, 6, 16 * MR, 256, 1536, kernel_f64,
                                           NULL, NULL, NULL};

#else
/* Not AArch64: the driver never selects these. */
const nz_gemm_cfg_f32 nz_gemm_neon_f32 = {0, 0, 0, 0, 0, 0, NULL, NULL, NULL};
const nz_gemm_cfg_f64 nz_gemm_neon_f64 = {0, 0, 0, 0, 0, 0, NULL, NULL, NULL};
#endif
