/* NZ_OP_CHOLESKY: blocked right-looking lower Cholesky, A = L L^T in place.
 * Diagonal blocks and panels use double dot products; the trailing update is
 * GEMM.  The strict upper triangle is never written. */
#include <math.h>

#include "cpu.h"

#define NZ_CHOL_NB 96

typedef struct row_off {
    void (*fn)(void *ctx, int64_t r0, int64_t r1);
    void *ctx;
    int64_t base;
} row_off;

static void row_off_fn(void *vctx, int64_t i0, int64_t i1)
{
    row_off *r = vctx;
    r->fn(r->ctx, r->base + i0, r->base + i1);
}

/* Rows [r0, r1) in parallel. */
static void nz_cpu_parallel_rows_offset(nz_cpu_dev *dev, int64_t r0, int64_t r1, int64_t cost,
                                        void (*fn)(void *ctx, int64_t, int64_t), void *ctx)
{
    row_off r = {fn, ctx, r0};
    nz_cpu_parallel_rows(dev, r1 - r0, cost, row_off_fn, &r);
}

#define NZ_CPU_BODY "cholesky_body.h"
#include "tmpl_both.h"

nz_status nz_cpu_cholesky(nz_cpu_dev *dev, nz_dtype dt, const nz_cholesky_args *a)
{
    if (a->n < 0)
        return nz_error(NZ_ERR_INVALID, "cpu cholesky: negative size %lld", (long long)a->n);
    if (a->n > 0 && a->lda < a->n)
        return nz_error(NZ_ERR_INVALID, "cpu cholesky: lda %lld is smaller than n %lld",
                        (long long)a->lda, (long long)a->n);
    if (!a->info.buf)
        return nz_error(NZ_ERR_INVALID, "cpu cholesky: the info buffer is NULL; pass a "
                        "one-element i32 buffer");
    int32_t *info = nz_cpu_ptr(a->info, sizeof(int32_t));
    if (a->n == 0) {
        *info = 0;
        return NZ_OK;
    }
    if (dt == NZ_F32)
        return cholesky_f32(dev, nz_cpu_ptr(a->a, 4), a->n, a->lda, info);
    return cholesky_f64(dev, nz_cpu_ptr(a->a, 8), a->n, a->lda, info);
}
