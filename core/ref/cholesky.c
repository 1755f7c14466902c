/* Reference in-place lower Cholesky (left-looking, double sums).  A matrix
 * that is not positive definite is reported through info, not as an error:
 * the core turns info into NZ_ERR_NUMERIC naming the pivot. */
#include <math.h>

#include "ref_internal.h"

nz_status nz_ref_cholesky(const nz_op_args *args)
{
    const nz_cholesky_args *c = &args->u.cholesky;
    const char *op = "cholesky";
    nz_dtype dt = args->dtype;
    nz_status s;
    if ((s = nz_ref_check_float(op, dt)) || (s = nz_ref_check_dim(op, "n", c->n)) ||
        (s = nz_ref_check_ld(op, "lda", c->lda, c->n)) ||
        (s = nz_ref_check_buf(op, "a", c->a, c->n * c->n)) ||
        (s = nz_ref_check_buf(op, "info", c->info, 1)))
        return s;
    int64_t n = c->n, lda = c->lda;
    for (int64_t j = 0; j < n; j++) {
        double d = nz_ref_ld(c->a, dt, j * lda + j);
        for (int64_t k = 0; k < j; k++) {
            double l = nz_ref_ld(c->a, dt, j * lda + k);
            d -= l * l;
        }
        if (!(d > 0.0)) { /* also catches NaN */
            ((int32_t *)c->info.buf)[c->info.off] = (int32_t)(j + 1);
            return NZ_OK;
        }
        double ljj = sqrt(d);
        nz_ref_st(c->a, dt, j * lda + j, ljj);
        /* Divide by the pivot as stored, as a backend working in dtype would. */
        ljj = nz_ref_ld(c->a, dt, j * lda + j);
        for (int64_t i = j + 1; i < n; i++) {
            double v = nz_ref_ld(c->a, dt, i * lda + j);
            for (int64_t k = 0; k < j; k++)
                v -= nz_ref_ld(c->a, dt, i * lda + k) * nz_ref_ld(c->a, dt, j * lda + k);
            nz_ref_st(c->a, dt, i * lda + j, v / ljj);
        }
    }
    ((int32_t *)c->info.buf)[c->info.off] = 0;
    return NZ_OK;
}
