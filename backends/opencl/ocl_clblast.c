/* GEMM through CLBlast's C API, on the backend's own queue, when the plugin
 * was built with CLBlast (clblast_dep).  Without it these report that CLBlast
 * is absent and the own kernel is used. */
#include "ocl_internal.h"

#ifdef NZ_HAVE_CLBLAST
#include <clblast_c.h>

int nz_ocl_have_clblast(void)
{
    return 1;
}

nz_status nz_ocl_gemm_clblast(nz_ocl_dev *d, nz_dtype dt, const nz_gemm_args *g)
{
    if (g->m == 0 || g->n == 0 || g->batch == 0)
        return NZ_OK;
    /* CLBlast rejects k == 0 (C = beta*C): the own kernel does it. */
    if (g->k == 0)
        return nz_ocl_gemm_own(d, dt, g);
    if (g->beta == 0.0) {
        nz_ocl_kernel *k;
        nz_status s = nz_ocl_kernel_get(d, dt, "nz_zero2d_batched", &k);
        if (s != NZ_OK)
            return s;
        nz_karg a[] = {nz_ka_long(g->m), nz_ka_long(g->n), nz_ka_mem(g->c.buf),
                       nz_ka_long((int64_t)g->c.off), nz_ka_long(g->ldc),
                       nz_ka_long(g->stride_c)};
        size_t work[3] = {(size_t)g->n, (size_t)g->m, (size_t)g->batch};
        if ((s = nz_ocl_launch(d, k, 3, work, NULL, a, 6)) != NZ_OK)
            return s;
    }
    CLBlastTranspose ta = g->trans_a ? CLBlastTransposeYes : CLBlastTransposeNo;
    CLBlastTranspose tb = g->trans_b ? CLBlastTransposeYes : CLBlastTransposeNo;
    CLBlastLayout rm = CLBlastLayoutRowMajor;
    size_t m = (size_t)g->m, n = (size_t)g->n, k = (size_t)g->k;
    size_t lda = (size_t)g->lda, ldb = (size_t)g->ldb, ldc = (size_t)g->ldc;
    cl_mem a = (cl_mem)g->a.buf, b = (cl_mem)g->b.buf, c = (cl_mem)g->c.buf;
    CLBlastStatusCode st;
    /* The strided call checks strides even for one batch: use plain gemm. */
    if (g->batch == 1 && dt == NZ_F64)
        st = CLBlastDgemm(rm, ta, tb, m, n, k, g->alpha, a, g->a.off, lda, b, g->b.off, ldb,
                          g->beta, c, g->c.off, ldc, &d->queue, NULL);
    else if (g->batch == 1)
        st = CLBlastSgemm(rm, ta, tb, m, n, k, (float)g->alpha, a, g->a.off, lda, b, g->b.off,
                          ldb, (float)g->beta, c, g->c.off, ldc, &d->queue, NULL);
    else if (dt == NZ_F64)
        st = CLBlastDgemmStridedBatched(rm, ta, tb, m, n, k, g->alpha, a, g->a.off, lda,
                                        (size_t)g->stride_a, b, g->b.off, ldb,
                                        (size_t)g->stride_b, g->beta, c, g->c.off, ldc,
                                        (size_t)g->stride_c, (size_t)g->batch, &d->queue, NULL);
    else
        st = CLBlastSgemmStridedBatched(rm, ta, tb, m, n, k, (float)g->alpha, a, g->a.off, lda,
                                        (size_t)g->stride_a, b, g->b.off, ldb,
                                        (size_t)g->stride_b, (float)g->beta, c, g->c.off, ldc,
                                        (size_t)g->stride_c, (size_t)g->batch, &d->queue, NULL);
    if (st != CLBlastSuccess)
        return nz_error(NZ_ERR_DEVICE,
                        "CLBlast %sgemm (m=%lld n=%lld k=%lld batch=%lld) failed with status "
                        "%d (%s); NAZO_OPENCL_GEMM=own uses nazo's own kernel instead",
                        dt == NZ_F64 ? "D" : "S", (long long)g->m, (long long)g->n,
                        (long long)g->k, (long long)g->batch, (int)st,
                        st < 0 && st > -100 ? nz_ocl_err_name((cl_int)st)
                                            : "a CLBlast status, see clblast_c.h");
    return NZ_OK;
}
#else
int nz_ocl_have_clblast(void)
{
    return 0;
}

nz_status nz_ocl_gemm_clblast(nz_ocl_dev *d, nz_dtype dt, const nz_gemm_args *g)
{
    (void)d;
    (void)dt;
    (void)g;
    return nz_error(NZ_ERR_UNSUPPORTED,
                    "the OpenCL backend was built without CLBlast (install libclblast-dev and "
                    "rebuild); unset NAZO_OPENCL_GEMM or set it to 'own'");
}
#endif
