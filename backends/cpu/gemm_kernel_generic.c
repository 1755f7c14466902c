/* Portable micro-kernels in plain C (4 x 8): what runs where neither AVX2 nor
 * AVX-512 is available.  The fixed-size inner loops let the compiler use
 * whatever vector unit the baseline target has (SSE2 on x86-64). */
#include "gemm.h"

#define MR 4
#define NR 8

static void kernel_f32(int64_t kc, const float *restrict a, const float *restrict b,
                       float *restrict c, int64_t ldc, float alpha, float beta)
{
    float acc[MR][NR] = {{0}};
    for (int64_t p = 0; p < kc; p++) {
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++)
                acc[r][j] += a[r] * b[j];
        a += MR;
        b += NR;
    }
    for (int r = 0; r < MR; r++)
        for (int j = 0; j < NR; j++)
            c[r * ldc + j] = beta == 0.0f ? alpha * acc[r][j]
                                          : alpha * acc[r][j] + beta * c[r * ldc + j];
}

static void kernel_f64(int64_t kc, const double *restrict a, const double *restrict b,
                       double *restrict c, int64_t ldc, double alpha, double beta)
{
    double acc[MR][NR] = {{0}};
    for (int64_t p = 0; p < kc; p++) {
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++)
                acc[r][j] += a[r] * b[j];
        a += MR;
        b += NR;
    }
    for (int r = 0; r < MR; r++)
        for (int j = 0; j < NR; j++)
            c[r * ldc + j] = beta == 0.0 ? alpha * acc[r][j]
                                         : alpha * acc[r][j] + beta * c[r * ldc + j];
}

const nz_gemm_cfg_f32 nz_gemm_generic_f32 = {MR, NR, 32 * MR, 256, 2048, kernel_f32,
                                           NULL, NULL, NULL};
const nz_gemm_cfg_f64 nz_gemm_generic_f64 = {MR, NR, 16 * MR, 256, 1024, kernel_f64,
                                           NULL, NULL, NULL};
