/* AVX-512 micro-kernels: 12 x 32 (f32) and 12 x 16 (f64), i.e. 12 rows of two
 * zmm accumulators each, 24 of the 32 registers; the A value is broadcast from
 * memory straight into the FMA. */
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm.h"

#if defined(__x86_64__)

#define MR 12

__attribute__((target("avx512f")))
static void kernel_f32(int64_t kc, const float *restrict a, const float *restrict b,
                       float *restrict c, int64_t ldc, float alpha, float beta)
{
    __m512 acc[MR][2];
#pragma GCC unroll 12
    for (int r = 0; r < MR; r++) {
        acc[r][0] = _mm512_setzero_ps();
        acc[r][1] = _mm512_setzero_ps();
    }
    for (int64_t p = 0; p < kc; p++) {
        __m512 b0 = _mm512_load_ps(b);
        __m512 b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 12
        for (int r = 0; r < MR; r++) {
            __m512 av = _mm512_set1_ps(a[r]);
            acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
        }
        a += MR;
        b += 32;
    }
    __m512 va = _mm512_set1_ps(alpha);
    if (beta == 0.0f) {
#pragma GCC unroll 12
        for (int r = 0; r < MR; r++) {
            _mm512_storeu_ps(c + r * ldc, _mm512_mul_ps(va, acc[r][0]));
            _mm512_storeu_ps(c + r * ldc + 16, _mm512_mul_ps(va, acc[r][1]));
        }
    } else {
        __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 12
        for (int r = 0; r < MR; r++) {
            float *cr = c + r * ldc;
            _mm512_storeu_ps(cr, _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr),
                                                 _mm512_mul_ps(va, acc[r][0])));
            _mm512_storeu_ps(cr + 16, _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr + 16),
                                                      _mm512_mul_ps(va, acc[r][1])));
        }
    }
}

__attribute__((target("avx512f")))
static void kernel_f64(int64_t kc, const double *restrict a, const double *restrict b,
                       double *restrict c, int64_t ldc, double alpha, double beta)
{
    __m512d acc[MR][2];
#pragma GCC unroll 12
    for (int r = 0; r < MR; r++) {
        acc[r][0] = _mm512_setzero_pd();
        acc[r][1] = _mm512_setzero_pd();
    }
    for (int64_t p = 0; p < kc; p++) {
        __m512d b0 = _mm512_load_pd(b);
        __m512d b1 = _mm512_load_pd(b + 8);
#pragma GCC unroll 12
        for (int r = 0; r < MR; r++) {
            __m512d av = _mm512_set1_pd(a[r]);
            acc[r][0] = _mm512_fmadd_pd(av, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_pd(av, b1, acc[r][1]);
        }
        a += MR;
        b += 16;
    }
    __m512d va = _mm512_set1_pd(alpha);
    if (beta == 0.0) {
#pragma GCC unroll 12
        for (int r = 0; r < MR; r++) {
            _mm512_storeu_pd(c + r * ldc, _mm512_mul_pd(va, acc[r][0]));
            _mm512_storeu_pd(c + r * ldc + 8, _mm512_mul_pd(va, acc[r][1]));
        }
    } else {
        __m512d vb = _mm512_set1_pd(beta);
#pragma GCC unroll 12
        for (int r = 0; r < MR; r++) {
            double *cr = c + r * ldc;
            _mm512_storeu_pd(cr, _mm512_fmadd_pd(vb, _mm512_loadu_pd(cr),
                                                 _mm512_mul_pd(va, acc[r][0])));
            _mm512_storeu_pd(cr + 8, _mm512_fmadd_pd(vb, _mm512_loadu_pd(cr + 8),
                                                     _mm512_mul_pd(va, acc[r][1])));
        }
    }
}

/* KC x NR of B (32 KiB f32) stays in L1/L2; MC x KC of A in L2. */
const nz_gemm_cfg_f32 nz_gemm_avx512_f32 = {MR, 32, 16 * MR, 256, 4096, kernel_f32};
const nz_gemm_cfg_f64 nz_gemm_avx512_f64 = {MR, 16, 8 * MR, 256, 2048, kernel_f64};

#else
/* Not x86-64: the driver never selects these. */
const nz_gemm_cfg_f32 nz_gemm_avx512_f32 = {0, 0, 0, 0, 0, 0};
const nz_gemm_cfg_f64 nz_gemm_avx512_f64 = {0, 0, 0, 0, 0, 0};
#endif
