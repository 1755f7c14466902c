/* Element-wise maps and reductions on tensors. */
#include <stdio.h>

#include "ops_check.h"

static nz_status unary_impl(const char *fn, nz_tensor *out, nz_unary_fn f, const nz_tensor *x,
                            double p0, double p1, double alpha, double beta)
{
    nz_opnd o[2] = {{"x", x}, {"out", out}};
    nz_device *dev;
    nz_bcast bx;
    nz_status st;
    if ((st = nz_chk_devices(fn, o, 2, &dev)) != NZ_OK) return st;
    if ((unsigned)f >= NZ_UN_COUNT)
        return nz_error(NZ_ERR_INVALID, "%s: unknown unary function %d", fn, (int)f);
    if ((st = nz_chk_same_dtype(fn, o, 2)) != NZ_OK) return st;
    if ((st = nz_chk_float(fn, o[1])) != NZ_OK) return st;
    if ((st = nz_chk_bcast(fn, o[0], o[1], &bx)) != NZ_OK) return st;
    if ((st = nz_chk_supported(fn, dev, NZ_OP_UNARY, out->dtype)) != NZ_OK) return st;
    if (out->numel == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_UNARY, .dtype = out->dtype};
    a.u.unary = (nz_unary_args){
        .fn = f, .m = nz_tensor_rows_count(out), .n = nz_tensor_cols_count(out),
        .x_bcast = bx, .x = nz_tensor_bref(x), .out = nz_tensor_bref(out),
        .p0 = p0, .p1 = p1, .alpha = alpha, .beta = beta};
    return nz_device_run(dev, &a);
}

nz_status nz_unary(nz_tensor *out, nz_unary_fn fn, const nz_tensor *x, double p0, double p1,
                   double alpha, double beta)
{
    return unary_impl("nz_unary", out, fn, x, p0, p1, alpha, beta);
}

nz_status nz_scale(nz_tensor *out, const nz_tensor *x, double alpha)
{
    return unary_impl("nz_scale", out, NZ_UN_IDENTITY, x, 0, 0, alpha, 0);
}

nz_status nz_axpy(nz_tensor *y, double alpha, const nz_tensor *x)
{
    return unary_impl("nz_axpy", y, NZ_UN_IDENTITY, x, 0, 0, alpha, 1);
}

static nz_status binary_impl(const char *fn, nz_tensor *out, nz_binary_fn f, const nz_tensor *x,
                             const nz_tensor *y, double alpha, double beta)
{
    nz_opnd o[3] = {{"x", x}, {"y", y}, {"out", out}};
    nz_device *dev;
    nz_bcast bx, by;
    nz_status st;
    if ((st = nz_chk_devices(fn, o, 3, &dev)) != NZ_OK) return st;
    if ((unsigned)f >= NZ_BIN_COUNT)
        return nz_error(NZ_ERR_INVALID, "%s: unknown binary function %d", fn, (int)f);
    if ((st = nz_chk_same_dtype(fn, o, 3)) != NZ_OK) return st;
    if ((st = nz_chk_float(fn, o[2])) != NZ_OK) return st;
    if ((st = nz_chk_bcast(fn, o[0], o[2], &bx)) != NZ_OK) return st;
    if ((st = nz_chk_bcast(fn, o[1], o[2], &by)) != NZ_OK) return st;
    if ((st = nz_chk_supported(fn, dev, NZ_OP_BINARY, out->dtype)) != NZ_OK) return st;
    if (out->numel == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_BINARY, .dtype = out->dtype};
    a.u.binary = (nz_binary_args){
        .fn = f, .m = nz_tensor_rows_count(out), .n = nz_tensor_cols_count(out),
        .x_bcast = bx, .y_bcast = by, .x = nz_tensor_bref(x), .y = nz_tensor_bref(y),
        .out = nz_tensor_bref(out), .alpha = alpha, .beta = beta};
    return nz_device_run(dev, &a);
}

nz_status nz_binary(nz_tensor *out, nz_binary_fn fn, const nz_tensor *x, const nz_tensor *y,
                    double alpha, double beta)
{
    return binary_impl("nz_binary", out, fn, x, y, alpha, beta);
}

nz_status nz_add(nz_tensor *out, const nz_tensor *x, const nz_tensor *y)
{
    return binary_impl("nz_add", out, NZ_BIN_ADD, x, y, 1, 0);
}

nz_status nz_sub(nz_tensor *out, const nz_tensor *x, const nz_tensor *y)
{
    return binary_impl("nz_sub", out, NZ_BIN_SUB, x, y, 1, 0);
}

nz_status nz_mul(nz_tensor *out, const nz_tensor *x, const nz_tensor *y)
{
    return binary_impl("nz_mul", out, NZ_BIN_MUL, x, y, 1, 0);
}

nz_status nz_reduce(nz_tensor *out, nz_reduce_fn fn, nz_axis axis, const nz_tensor *x,
                    double alpha, double beta)
{
    const char *name = "nz_reduce";
    nz_opnd o[2] = {{"x", x}, {"out", out}};
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(name, o, 2, &dev)) != NZ_OK) return st;
    if ((unsigned)fn >= NZ_RED_COUNT)
        return nz_error(NZ_ERR_INVALID, "%s: unknown reduction %d", name, (int)fn);
    if ((unsigned)axis > NZ_AXIS_ALL)
        return nz_error(NZ_ERR_INVALID, "%s: unknown axis %d; use NZ_AXIS_ROWS, NZ_AXIS_COLS or NZ_AXIS_ALL",
                        name, (int)axis);
    if ((st = nz_chk_float(name, o[0])) != NZ_OK) return st;
    if (fn == NZ_RED_ARGMAX)
        st = nz_chk_dtype_is(name, o[1], NZ_I32, "for the indices of an argmax");
    else
        st = nz_chk_same_dtype(name, o, 2);
    if (st != NZ_OK) return st;
    int64_t m = nz_tensor_rows_count(x), n = nz_tensor_cols_count(x);
    int64_t want = axis == NZ_AXIS_ROWS ? m : axis == NZ_AXIS_COLS ? n : 1;
    char what[96];
    if (axis == NZ_AXIS_ALL) snprintf(what, sizeof what, "one element");
    else snprintf(what, sizeof what, "[%lld], one per %s of x", (long long)want,
                  axis == NZ_AXIS_ROWS ? "row" : "column");
    if ((st = nz_chk_numel(name, o[1], want, what)) != NZ_OK) return st;
    if (axis != NZ_AXIS_ALL && m * n == 0 && want == 0) return NZ_OK;
    if ((fn == NZ_RED_MAX || fn == NZ_RED_MIN || fn == NZ_RED_ARGMAX) && m * n == 0)
        return nz_error(NZ_ERR_INVALID, "%s: max/min/argmax of the empty tensor %s is undefined",
                        name, nz_tdesc(x));
    if ((st = nz_chk_supported(name, dev, NZ_OP_REDUCE, x->dtype)) != NZ_OK) return st;
    nz_op_args a = {.op = NZ_OP_REDUCE, .dtype = x->dtype};
    a.u.reduce = (nz_reduce_args){.fn = fn, .axis = axis, .m = m, .n = n,
                                  .x = nz_tensor_bref(x), .out = nz_tensor_bref(out),
                                  .alpha = alpha, .beta = beta};
    return nz_device_run(dev, &a);
}
