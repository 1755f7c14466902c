/* Reference batched GEMM: C_b = alpha*op(A_b)*op(B_b) + beta*C_b, double sums. */
#include "ref_internal.h"

nz_status nz_ref_gemm(const nz_op_args *args)
{
    const nz_gemm_args *g = &args->u.gemm;
    const char *op = "gemm";
    nz_dtype dt = args->dtype;
    nz_status s;
    if ((s = nz_ref_check_float(op, dt)) || (s = nz_ref_check_dim(op, "m", g->m)) ||
        (s = nz_ref_check_dim(op, "n", g->n)) || (s = nz_ref_check_dim(op, "k", g->k)) ||
        (s = nz_ref_check_dim(op, "batch", g->batch)) ||
        (s = nz_ref_check_dim(op, "stride_a", g->stride_a)) ||
        (s = nz_ref_check_dim(op, "stride_b", g->stride_b)) ||
        (s = nz_ref_check_dim(op, "stride_c", g->stride_c)))
        return s;
    /* lda is the stored row length: k, or m when A is transposed. */
    if ((s = nz_ref_check_ld(op, "lda", g->lda, g->trans_a ? g->m : g->k)) ||
        (s = nz_ref_check_ld(op, "ldb", g->ldb, g->trans_b ? g->k : g->n)) ||
        (s = nz_ref_check_ld(op, "ldc", g->ldc, g->n)))
        return s;
    int64_t mn = g->m * g->n * g->batch;
    if ((s = nz_ref_check_buf(op, "c", g->c, mn)) ||
        (s = nz_ref_check_buf(op, "a", g->a, g->k ? mn : 0)) ||
        (s = nz_ref_check_buf(op, "b", g->b, g->k ? mn : 0)))
        return s;
    for (int64_t bi = 0; bi < g->batch; bi++) {
        nz_bref a = g->a, b = g->b, c = g->c;
        a.off += (size_t)(bi * g->stride_a);
        b.off += (size_t)(bi * g->stride_b);
        c.off += (size_t)(bi * g->stride_c);
        for (int64_t i = 0; i < g->m; i++) {
            for (int64_t j = 0; j < g->n; j++) {
                double acc = 0.0;
                for (int64_t p = 0; p < g->k; p++) {
                    double av = nz_ref_ld(a, dt, g->trans_a ? p * g->lda + i : i * g->lda + p);
                    double bv = nz_ref_ld(b, dt, g->trans_b ? j * g->ldb + p : p * g->ldb + j);
                    acc += av * bv;
                }
                nz_ref_st_ab(c, dt, i * g->ldc + j, acc, g->alpha, g->beta);
            }
        }
    }
    return NZ_OK;
}
