/* Host side of Cholesky (three small kernels per column, all queued without
 * waiting) and the triangular solve (one kernel). */
#include "ocl_internal.h"

#define NARGS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static nz_status nz_run_cholesky(nz_ocl_dev *d, nz_dtype dt, const nz_cholesky_args *c)
{
    nz_ocl_kernel *kd, *ks, *ku;
    nz_status s;
    if ((s = nz_ocl_kernel_get(d, dt, "nz_chol_diag", &kd)) != NZ_OK ||
        (s = nz_ocl_kernel_get(d, dt, "nz_chol_scale", &ks)) != NZ_OK ||
        (s = nz_ocl_kernel_get(d, dt, "nz_chol_update", &ku)) != NZ_OK)
        return s;
    cl_int zero = 0;
    NZ_CL_TRY(clEnqueueFillBuffer(d->queue, (cl_mem)c->info.buf, &zero, sizeof zero,
                                  c->info.off * sizeof zero, sizeof zero, 0, NULL, NULL),
              "cholesky (clearing info)");
    int64_t n = c->n, aoff = (int64_t)c->a.off, ioff = (int64_t)c->info.off;
    for (int64_t j = 0; j < n; j++) {
        nz_karg ad[] = {nz_ka_long(j), nz_ka_mem(c->a.buf), nz_ka_long(aoff),
                        nz_ka_long(c->lda), nz_ka_mem(c->info.buf), nz_ka_long(ioff)};
        size_t one = 1;
        if ((s = nz_ocl_launch(d, kd, 1, &one, &one, ad, NARGS(ad))) != NZ_OK)
            return s;
        if (j + 1 == n)
            break;
        nz_karg as[] = {nz_ka_long(n), nz_ka_long(j), nz_ka_mem(c->a.buf), nz_ka_long(aoff),
                        nz_ka_long(c->lda), nz_ka_mem(c->info.buf), nz_ka_long(ioff)};
        size_t rest = (size_t)(n - j - 1);
        if ((s = nz_ocl_launch(d, ks, 1, &rest, NULL, as, NARGS(as))) != NZ_OK)
            return s;
        size_t work2[2] = {rest, rest};
        if ((s = nz_ocl_launch(d, ku, 2, work2, NULL, as, NARGS(as))) != NZ_OK)
            return s;
    }
    return NZ_OK;
}

static nz_status nz_run_trsm(nz_ocl_dev *d, nz_dtype dt, const nz_trsm_args *t)
{
    nz_ocl_kernel *k;
    nz_status s = nz_ocl_kernel_get(d, dt, "nz_trsm", &k);
    if (s != NZ_OK)
        return s;
    nz_karg a[] = {nz_ka_int(t->lower), nz_ka_int(t->trans), nz_ka_int(t->unit_diag),
                   nz_ka_long(t->n), nz_ka_long(t->nrhs), nz_ka_mem(t->t.buf),
                   nz_ka_long((int64_t)t->t.off), nz_ka_long(t->ldt), nz_ka_mem(t->b.buf),
                   nz_ka_long((int64_t)t->b.off), nz_ka_long(t->ldb),
                   nz_ka_real(dt, t->alpha)};
    size_t work = (size_t)t->nrhs;
    return nz_ocl_launch(d, k, 1, &work, NULL, a, NARGS(a));
}

nz_status nz_ocl_run_linalg(nz_ocl_dev *d, const nz_op_args *a)
{
    if (a->op == NZ_OP_CHOLESKY)
        return nz_run_cholesky(d, a->dtype, &a->u.cholesky);
    return nz_run_trsm(d, a->dtype, &a->u.trsm);
}
