/* Matrix products: 2-D, or 3-D batched with dim 0 the batch.  A 2-D operand
 * in a batched product is shared by every batch entry (stride 0). */
#include "ops_check.h"

static const char *FN = "nz_matmul";

/* Rows and columns of one matrix of t (the last two dims), as stored. */
static void mat_dims(const nz_tensor *t, int64_t *rows, int64_t *cols)
{
    *rows = nz_tensor_dim(t, -2);
    *cols = nz_tensor_dim(t, -1);
}

nz_status nz_matmul(nz_tensor *c, const nz_tensor *a, int trans_a, const nz_tensor *b,
                    int trans_b, double alpha, double beta)
{
    nz_opnd o[3] = {{"a", a}, {"b", b}, {"c", c}};
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(FN, o, 3, &dev)) != NZ_OK) return st;
    if ((st = nz_chk_same_dtype(FN, o, 3)) != NZ_OK) return st;
    if ((st = nz_chk_float(FN, o[2])) != NZ_OK) return st;
    for (int i = 0; i < 3; i++) {
        int nd = nz_tensor_ndim(o[i].t);
        if (nd != 2 && nd != 3)
            return nz_error(NZ_ERR_INVALID, "%s: %s is %s; expected a 2-D matrix or a 3-D batch of matrices",
                            FN, o[i].name, nz_tdesc(o[i].t));
    }
    int batched = c->ndim == 3;
    int64_t batch = batched ? c->shape[0] : 1;
    if (!batched && (a->ndim == 3 || b->ndim == 3))
        return nz_error(NZ_ERR_INVALID, "%s: c is %s but %s is %s; a batched product needs a 3-D c",
                        FN, nz_tdesc(c), a->ndim == 3 ? "a" : "b", nz_tdesc(a->ndim == 3 ? a : b));
    for (int i = 0; i < 2; i++)
        if (nz_tensor_ndim(o[i].t) == 3 && nz_tensor_dim(o[i].t, 0) != batch)
            return nz_error(NZ_ERR_INVALID, "%s: batch sizes differ: %s is %s, c is %s",
                            FN, o[i].name, nz_tdesc(o[i].t), nz_tdesc(c));
    int64_t ar, ac, br, bc, m, n;
    mat_dims(a, &ar, &ac);
    mat_dims(b, &br, &bc);
    mat_dims(c, &m, &n);
    int64_t am = trans_a ? ac : ar, ak = trans_a ? ar : ac;
    int64_t bk = trans_b ? bc : br, bn = trans_b ? br : bc;
    if (ak != bk)
        return nz_error(NZ_ERR_INVALID,
                        "%s: inner dimensions differ: op(a) is %lldx%lld (a is %s%s), op(b) is "
                        "%lldx%lld (b is %s%s); expected op(b) with %lld rows",
                        FN, (long long)am, (long long)ak, nz_tdesc(a), trans_a ? ", transposed" : "",
                        (long long)bk, (long long)bn, nz_tdesc(b), trans_b ? ", transposed" : "",
                        (long long)ak);
    if (am != m || bn != n)
        return nz_error(NZ_ERR_INVALID,
                        "%s: shape mismatch: op(a)*op(b) is %lldx%lld but c is %s; expected c of "
                        "%lldx%lld%s", FN, (long long)am, (long long)bn, nz_tdesc(c),
                        (long long)am, (long long)bn, batched ? " per batch entry" : "");
    if ((st = nz_chk_supported(FN, dev, NZ_OP_GEMM, c->dtype)) != NZ_OK) return st;
    if (m * n * batch == 0) return NZ_OK;
    nz_op_args args = {.op = NZ_OP_GEMM, .dtype = c->dtype};
    args.u.gemm = (nz_gemm_args){
        .trans_a = trans_a != 0, .trans_b = trans_b != 0, .m = m, .n = n, .k = ak,
        .alpha = alpha, .beta = beta,
        .a = nz_tensor_bref(a), .b = nz_tensor_bref(b), .c = nz_tensor_bref(c),
        .lda = ac, .ldb = bc, .ldc = n, .batch = batch,
        .stride_a = a->ndim == 3 ? ar * ac : 0,
        .stride_b = b->ndim == 3 ? br * bc : 0,
        .stride_c = m * n};
    return nz_device_run(dev, &args);
}
