/* Reference triangular solve op(T) X = alpha*B, in place over B, one
 * right-hand side at a time with a double work column. */
#include <stdlib.h>

#include "ref_internal.h"

nz_status nz_ref_trsm(const nz_op_args *args)
{
    const nz_trsm_args *t = &args->u.trsm;
    const char *op = "trsm";
    nz_dtype dt = args->dtype;
    nz_status s;
    if ((s = nz_ref_check_float(op, dt)) || (s = nz_ref_check_dim(op, "n", t->n)) ||
        (s = nz_ref_check_dim(op, "nrhs", t->nrhs)) ||
        (s = nz_ref_check_ld(op, "ldt", t->ldt, t->n)) ||
        (s = nz_ref_check_ld(op, "ldb", t->ldb, t->nrhs)) ||
        (s = nz_ref_check_buf(op, "t", t->t, t->nrhs ? t->n * t->n : 0)) ||
        (s = nz_ref_check_buf(op, "b", t->b, t->n * t->nrhs)))
        return s;
    int64_t n = t->n;
    if (n == 0 || t->nrhs == 0)
        return NZ_OK;
    double *x = malloc((size_t)n * sizeof *x);
    if (x == NULL)
        return nz_error(NZ_ERR_NOMEM, "reference trsm: cannot allocate %lld doubles of work space",
                        (long long)n);
    /* op(T) is lower triangular when exactly one of (upper, trans) holds. */
    int fwd = (t->lower != 0) != (t->trans != 0);
    for (int64_t c = 0; c < t->nrhs; c++) {
        for (int64_t s_ = 0; s_ < n; s_++) {
            int64_t i = fwd ? s_ : n - 1 - s_;
            double v = t->alpha * nz_ref_ld(t->b, dt, i * t->ldb + c);
            /* Already solved unknowns: k < i going forward, k > i going back. */
            int64_t k0 = fwd ? 0 : i + 1, k1 = fwd ? i : n;
            for (int64_t k = k0; k < k1; k++) {
                double tik = t->trans ? nz_ref_ld(t->t, dt, k * t->ldt + i)
                                      : nz_ref_ld(t->t, dt, i * t->ldt + k);
                v -= tik * x[k];
            }
            x[i] = t->unit_diag ? v : v / nz_ref_ld(t->t, dt, i * t->ldt + i);
        }
        for (int64_t i = 0; i < n; i++)
            nz_ref_st(t->b, dt, i * t->ldb + c, x[i]);
    }
    free(x);
    return NZ_OK;
}
