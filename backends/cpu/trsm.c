/* NZ_OP_TRSM: solve op(T) X = alpha B in place, blocked: a diagonal block is
 * solved by row operations, then the rows still to solve are updated with one
 * GEMM, which carries almost all of the work. */
#include "cpu.h"

#define NZ_TRSM_NB 64

#define NZ_CPU_BODY "trsm_body.h"
#include "tmpl_both.h"

nz_status nz_cpu_trsm(nz_cpu_dev *dev, nz_dtype dt, const nz_trsm_args *a)
{
    if (a->n < 0 || a->nrhs < 0)
        return nz_error(NZ_ERR_INVALID, "cpu trsm: negative size (n %lld, nrhs %lld)",
                        (long long)a->n, (long long)a->nrhs);
    if (a->n == 0 || a->nrhs == 0)
        return NZ_OK;
    if (a->ldt < a->n || a->ldb < a->nrhs)
        return nz_error(NZ_ERR_INVALID, "cpu trsm: row stride too small (ldt %lld needs >= "
                        "%lld, ldb %lld needs >= %lld)", (long long)a->ldt, (long long)a->n,
                        (long long)a->ldb, (long long)a->nrhs);
    if (dt == NZ_F32)
        return trsm_f32(dev, a, nz_cpu_ptr(a->t, 4), nz_cpu_ptr(a->b, 4));
    return trsm_f64(dev, a, nz_cpu_ptr(a->t, 8), nz_cpu_ptr(a->b, 8));
}
