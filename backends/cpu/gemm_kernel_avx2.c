/* AVX2+FMA micro-kernels: 6 x 16 (f32) and 6 x 8 (f64), 12 ymm accumulators. */
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm.h"

#if defined(__x86_64__)

#define MR 6

__attribute__((target("avx2,fma")))
static void kernel_f32(int64_t kc, const float *restrict a, const float *restrict b,
                       float *restrict c, int64_t ldc, float alpha, float beta)
{
    __m256 acc[MR][2];
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
        acc[r][0] = _mm256_setzero_ps();
        acc[r][1] = _mm256_setzero_ps();
    }
    for (int64_t p = 0; p < kc; p++) {
        __m256 b0 = _mm256_load_ps(b);
        __m256 b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
        for (int r = 0; r < MR; r++) {
            __m256 av = _mm256_broadcast_ss(a + r);
            acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
        }
        a += MR;
        b += 16;
    }
    __m256 va = _mm256_set1_ps(alpha);
    __m256 vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
        float *cr = c + r * ldc;
        __m256 x0 = _mm256_mul_ps(va, acc[r][0]), x1 = _mm256_mul_ps(va, acc[r][1]);
        if (beta != 0.0f) {
            x0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr), x0);
            x1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr + 8), x1);
        }
        _mm256_storeu_ps(cr, x0);
        _mm256_storeu_ps(cr + 8, x1);
    }
}

__attribute__((target("avx2,fma")))
static void kernel_f64(int64_t kc, const double *restrict a, const double *restrict b,
                       double *restrict c, int64_t ldc, double alpha, double beta)
{
    __m256d acc[MR][2];
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
        acc[r][0] = _mm256_setzero_pd();
        acc[r][1] = _mm256_setzero_pd();
    }
    for (int64_t p = 0; p < kc; p++) {
        __m256d b0 = _mm256_load_pd(b);
        __m256d b1 = _mm256_load_pd(b + 4);
#pragma GCC unroll 6
        for (int r = 0; r < MR; r++) {
            __m256d av = _mm256_broadcast_sd(a + r);
            acc[r][0] = _mm256_fmadd_pd(av, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_pd(av, b1, acc[r][1]);
        }
        a += MR;
        b += 8;
    }
    __m256d va = _mm256_set1_pd(alpha);
    __m256d vb = _mm256_set1_pd(beta);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
        double *cr = c + r * ldc;
        __m256d x0 = _mm256_mul_pd(va, acc[r][0]), x1 = _mm256_mul_pd(va, acc[r][1]);
        if (beta != 0.0) {
            x0 = _mm256_fmadd_pd(vb, _mm256_loadu_pd(cr), x0);
            x1 = _mm256_fmadd_pd(vb, _mm256_loadu_pd(cr + 4), x1);
        }
        _mm256_storeu_pd(cr, x0);
        _mm256_storeu_pd(cr + 4, x1);
    }
}

const nz_gemm_cfg_f32 nz_gemm_avx2_f32 = {MR, 16, 24 * MR, 256, 4096, kernel_f32,
                                           NULL, NULL, NULL};
const nz_gemm_cfg_f64 nz_gemm_avx2_f64 = {MR, 8, 12 * MR, 256, 2048, kernel_f64,
                                           NULL, NULL, NULL};

#else
const nz_gemm_cfg_f32 nz_gemm_avx2_f32 = {0, 0, 0, 0, 0, 0, NULL, NULL, NULL};
const nz_gemm_cfg_f64 nz_gemm_avx2_f64 = {0, 0, 0, 0, 0, 0, NULL, NULL, NULL};
#endif
