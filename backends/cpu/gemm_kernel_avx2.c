/* AVX2+FMA micro-kernels: 6 x 16 (f32) and 6 x 8 (f64), 12 ymm accumulators. */
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm.h"

#if defined(__x86_64__)

#define MR 6

/* The kernel for element type T in vectors V of L lanes; P is the
 * intrinsics' suffix (ps, pd), S the broadcast's (ss, sd).  One body for
 * both types, fully unrolled so that the accumulators stay in registers. */
#define DEFINE_KERNEL(SFX, T, V, L, P, S)                                             \
    __attribute__((target("avx2,fma")))                                             \
    static void kernel_##SFX(int64_t kc, const T *restrict a, const T *restrict b,  \
                             T *restrict c, int64_t ldc, T alpha, T beta)           \
    {                                                                               \
        V acc[MR][2];                                                               \
        _Pragma("GCC unroll 6") for (int r = 0; r < MR; r++) {                      \
            acc[r][0] = _mm256_setzero_##P();                                       \
            acc[r][1] = _mm256_setzero_##P();                                       \
        }                                                                           \
        for (int64_t p = 0; p < kc; p++) {                                          \
            V b0 = _mm256_load_##P(b);                                              \
            V b1 = _mm256_load_##P(b + (L));                                        \
            _Pragma("GCC unroll 6") for (int r = 0; r < MR; r++) {                  \
                V av = _mm256_broadcast_##S(a + r);                                 \
                acc[r][0] = _mm256_fmadd_##P(av, b0, acc[r][0]);                    \
                acc[r][1] = _mm256_fmadd_##P(av, b1, acc[r][1]);                    \
            }                                                                       \
            a += MR;                                                                \
            b += 2 * (L);                                                           \
        }                                                                           \
        V va = _mm256_set1_##P(alpha);                                              \
        V vb = _mm256_set1_##P(beta);                                               \
        _Pragma("GCC unroll 6") for (int r = 0; r < MR; r++) {                      \
            T *cr = c + r * ldc;                                                    \
            V x0 = _mm256_mul_##P(va, acc[r][0]), x1 = _mm256_mul_##P(va, acc[r][1]); \
            if (beta != 0) {                                                        \
                x0 = _mm256_fmadd_##P(vb, _mm256_loadu_##P(cr), x0);                \
                x1 = _mm256_fmadd_##P(vb, _mm256_loadu_##P(cr + (L)), x1);          \
            }                                                                       \
            _mm256_storeu_##P(cr, x0);                                              \
            _mm256_storeu_##P(cr + (L), x1);                                        \
        }                                                                           \
    }

DEFINE_KERNEL(f32, float, __m256, 8, ps, ss)
DEFINE_KERNEL(f64, double, __m256d, 4, pd, sd)
#undef DEFINE_KERNEL

const nz_gemm_cfg_f32 nz_gemm_avx2_f32 = {MR, 16, 24 * MR, 256, 4096, kernel_f32,
                                           NULL, NULL, NULL};
const nz_gemm_cfg_f64 nz_gemm_avx2_f64 = {MR, 8, 12 * MR, 256, 2048, kernel_f64,
                                           NULL, NULL, NULL};

#else
const nz_gemm_cfg_f32 nz_gemm_avx2_f32 = {0, 0, 0, 0, 0, 0, NULL, NULL, NULL};
const nz_gemm_cfg_f64 nz_gemm_avx2_f64 = {0, 0, 0, 0, 0, 0, NULL, NULL, NULL};
#endif
