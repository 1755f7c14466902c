/* NZ_OP_GEMM: argument checks, kernel selection by SIMD level, and the two
 * instantiations of the driver. */
#include "gemm.h"

#define NZ_CPU_BODY "gemm_driver.h"
#include "tmpl_both.h"

static const nz_gemm_cfg_f32 *cfg_f32(nz_cpu_simd s)
{
    return s == NZ_CPU_SIMD_AVX512 ? &nz_gemm_avx512_f32
         : s == NZ_CPU_SIMD_AVX2 ? &nz_gemm_avx2_f32
         : s == NZ_CPU_SIMD_NEON ? &nz_gemm_neon_f32 : &nz_gemm_generic_f32;
}

static const nz_gemm_cfg_f64 *cfg_f64(nz_cpu_simd s)
{
    return s == NZ_CPU_SIMD_AVX512 ? &nz_gemm_avx512_f64
         : s == NZ_CPU_SIMD_AVX2 ? &nz_gemm_avx2_f64
         : s == NZ_CPU_SIMD_NEON ? &nz_gemm_neon_f64 : &nz_gemm_generic_f64;
}

static nz_status check(const nz_gemm_args *g)
{
    if (g->m < 0 || g->n < 0 || g->k < 0 || g->batch < 0)
        return nz_error(NZ_ERR_INVALID, "cpu gemm: negative size (m %lld, n %lld, k %lld, "
                        "batch %lld)", (long long)g->m, (long long)g->n, (long long)g->k,
                        (long long)g->batch);
    int64_t acols = g->trans_a ? g->m : g->k, bcols = g->trans_b ? g->k : g->n;
    if ((g->k > 0 && g->m > 0 && g->lda < acols) || (g->k > 0 && g->n > 0 && g->ldb < bcols) ||
        (g->m > 0 && g->n > 0 && g->ldc < g->n))
        return nz_error(NZ_ERR_INVALID, "cpu gemm: leading dimension too small (lda %lld needs "
                        ">= %lld, ldb %lld needs >= %lld, ldc %lld needs >= %lld)",
                        (long long)g->lda, (long long)acols, (long long)g->ldb,
                        (long long)bcols, (long long)g->ldc, (long long)g->n);
    if (!g->c.buf || (g->k > 0 && (!g->a.buf || !g->b.buf)))
        return nz_error(NZ_ERR_INVALID, "cpu gemm: a, b or c buffer is NULL");
    return NZ_OK;
}

nz_status nz_cpu_gemm(nz_cpu_dev *dev, nz_dtype dt, const nz_gemm_args *g)
{
    nz_status s = check(g);
    if (s != NZ_OK || g->m == 0 || g->n == 0 || g->batch == 0)
        return s;
    nz_bref none = {0, 0};
    nz_bref ra = g->k > 0 ? g->a : none, rb = g->k > 0 ? g->b : none;
    if (dt == NZ_F32)
        return gemm_batched_f32(dev, cfg_f32(dev->simd), g,
                                ra.buf ? nz_cpu_ptr(ra, 4) : NULL,
                                rb.buf ? nz_cpu_ptr(rb, 4) : NULL, nz_cpu_ptr(g->c, 4));
    return gemm_batched_f64(dev, cfg_f64(dev->simd), g, ra.buf ? nz_cpu_ptr(ra, 8) : NULL,
                            rb.buf ? nz_cpu_ptr(rb, 8) : NULL, nz_cpu_ptr(g->c, 8));
}

nz_status nz_cpu_gemm_host(nz_cpu_dev *dev, nz_dtype dt, int parallel,
                           int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
                           double alpha, const void *a, int64_t lda,
                           const void *b, int64_t ldb, double beta, void *c, int64_t ldc)
{
    if (dt == NZ_F32)
        return gemm_host_f32(dev, cfg_f32(dev->simd), parallel, trans_a, trans_b, m, n, k,
                             (float)alpha, a, lda, b, ldb, (float)beta, c, ldc);
    return gemm_host_f64(dev, cfg_f64(dev->simd), parallel, trans_a, trans_b, m, n, k, alpha,
                         a, lda, b, ldb, beta, c, ldc);
}
