/* nz_ref_run: dispatch to the reference op families, and their shared checks. */
#include "ref_internal.h"

nz_status nz_ref_check_float(const char *op, nz_dtype dt)
{
    if (dt == NZ_F32 || dt == NZ_F64)
        return NZ_OK;
    return nz_error(NZ_ERR_INVALID, "reference %s: dtype %d (%s) is not supported; use f32 or f64",
                    op, (int)dt, nz_dtype_name(dt));
}

nz_status nz_ref_check_dim(const char *op, const char *field, int64_t v)
{
    if (v >= 0)
        return NZ_OK;
    return nz_error(NZ_ERR_INVALID, "reference %s: %s = %lld is negative; sizes must be >= 0",
                    op, field, (long long)v);
}

nz_status nz_ref_check_buf(const char *op, const char *field, nz_bref r, int64_t count)
{
    if (count == 0 || r.buf != NULL)
        return NZ_OK;
    return nz_error(NZ_ERR_INVALID, "reference %s: %s.buf is NULL but %lld elements are needed",
                    op, field, (long long)count);
}

nz_status nz_ref_check_ld(const char *op, const char *field, int64_t ld, int64_t min)
{
    if (ld >= min && ld >= 0)
        return NZ_OK;
    return nz_error(NZ_ERR_INVALID, "reference %s: %s = %lld is smaller than the row length %lld",
                    op, field, (long long)ld, (long long)min);
}

int nz_ref_supports(nz_op op, nz_dtype dtype)
{
    if ((unsigned)op >= NZ_OP_COUNT)
        return 0;
    if (dtype == NZ_F32 || dtype == NZ_F64)
        return 1;
    /* Integer payloads only make sense where the op just moves or converts values. */
    return dtype == NZ_I32 && (op == NZ_OP_CAST || op == NZ_OP_GATHER_ROWS);
}

nz_status nz_ref_run(const nz_op_args *args)
{
    if (args == NULL)
        return nz_error(NZ_ERR_INVALID, "reference: args is NULL");
    if ((unsigned)args->op >= NZ_OP_COUNT)
        return nz_error(NZ_ERR_INVALID, "reference: op %d is not an nz_op value (0..%d)",
                        (int)args->op, NZ_OP_COUNT - 1);
    if (!nz_ref_supports(args->op, args->dtype))
        return nz_error(NZ_ERR_INVALID, "reference %s: dtype %d (%s) is not supported; use f32 or f64",
                        nz_op_name(args->op), (int)args->dtype, nz_dtype_name(args->dtype));
    switch (args->op) {
    case NZ_OP_GEMM: return nz_ref_gemm(args);
    case NZ_OP_UNARY: return nz_ref_unary(args);
    case NZ_OP_BINARY: return nz_ref_binary(args);
    case NZ_OP_REDUCE: return nz_ref_reduce(args);
    case NZ_OP_SOFTMAX_XENT: return nz_ref_softmax_xent(args);
    case NZ_OP_GATHER_ROWS: return nz_ref_gather(args);
    case NZ_OP_RANDOM: return nz_ref_random(args);
    case NZ_OP_SGD: return nz_ref_sgd(args);
    case NZ_OP_ADAM: return nz_ref_adam(args);
    case NZ_OP_COPY2D: return nz_ref_copy2d(args);
    case NZ_OP_CAST: return nz_ref_cast(args);
    case NZ_OP_ONEHOT: return nz_ref_onehot(args);
    case NZ_OP_CHOLESKY: return nz_ref_cholesky(args);
    case NZ_OP_TRSM: return nz_ref_trsm(args);
    case NZ_OP_COUNT: break;
    }
    return nz_error(NZ_ERR_INVALID, "reference: op %d is not an nz_op value", (int)args->op);
}
