/* Portable micro-kernels in plain C (4 x 8): what runs where neither AVX2 nor
 * AVX-512 is available.  The fixed-size inner loops let the compiler use
 * whatever vector unit the baseline target has (SSE2 on x86-64). */
#include "gemm.h"

#define MR 4
#define NR 8

/* One body for float and double. */
#define DEFINE_KERNEL(SFX, T)                                                       \
    static void kernel_##SFX(int64_t kc, const T *restrict a, const T *restrict b,  \
                             T *restrict c, int64_t ldc, T alpha, T beta)           \
    {                                                                               \
        T acc[MR][NR] = {{0}};                                                      \
        for (int64_t p = 0; p < kc; p++) {                                          \
            for (int r = 0; r < MR; r++)                                            \
                for (int j = 0; j < NR; j++)                                        \
                    acc[r][j] += a[r] * b[j];                                       \
            a += MR;                                                                \
            b += NR;                                                                \
        }                                                                           \
        for (int r = 0; r < MR; r++)                                                \
            for (int j = 0; j < NR; j++)                                            \
                c[r * ldc + j] = beta == 0 ? alpha * acc[r][j]                      \
                                           : alpha * acc[r][j] + beta * c[r * ldc + j]; \
    }

DEFINE_KERNEL(f32, float)
DEFINE_KERNEL(f64, double)
#undef DEFINE_KERNEL

const nz_gemm_cfg_f32 nz_gemm_generic_f32 = {MR, NR, 32 * MR, 256, 2048, kernel_f32,
                                           NULL, NULL, NULL};
const nz_gemm_cfg_f64 nz_gemm_generic_f64 = {MR, NR, 16 * MR, 256, 1024, kernel_f64,
                                           NULL, NULL, NULL};
