/* Layout and dense linear algebra: transpose, cast, Cholesky, triangular solve. */
#include <stdio.h>

#include "ops_check.h"

nz_status nz_transpose(nz_tensor *out, const nz_tensor *x)
{
    const char *fn = "nz_transpose";
    nz_opnd o[2] = {{"x", x}, {"out", out}};
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(fn, o, 2, &dev)) != NZ_OK) return st;
    if ((st = nz_chk_same_dtype(fn, o, 2)) != NZ_OK) return st;
    if (x->ndim != 2 || out->ndim != 2 || out->shape[0] != x->shape[1] || out->shape[1] != x->shape[0])
        return nz_error(NZ_ERR_INVALID, "%s: shape mismatch: x is %s, out is %s; expected 2-D x "
                        "[m,n] and out [n,m]", fn, nz_tdesc(x), nz_tdesc(out));
    if (x->st == out->st)
        return nz_error(NZ_ERR_INVALID, "%s: x %s and out %s share storage; transpose into "
                        "another tensor", fn, nz_tdesc(x), nz_tdesc(out));
    if ((st = nz_chk_supported(fn, dev, NZ_OP_COPY2D, x->dtype)) != NZ_OK) return st;
    if (x->numel == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_COPY2D, .dtype = x->dtype};
    /* out (n x m): out(i,j) = x(j,i) = x[j*ldx + i]. */
    a.u.copy2d = (nz_copy2d_args){.m = x->shape[1], .n = x->shape[0], .trans = 1,
                                  .x = nz_tensor_bref(x), .out = nz_tensor_bref(out),
                                  .ldx = x->shape[1], .ldo = x->shape[0], .alpha = 1, .beta = 0};
    return nz_device_run(dev, &a);
}

nz_status nz_cast(nz_tensor *out, const nz_tensor *x)
{
    const char *fn = "nz_cast";
    nz_opnd o[2] = {{"x", x}, {"out", out}};
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(fn, o, 2, &dev)) != NZ_OK) return st;
    if ((st = nz_chk_numel(fn, o[1], x->numel, "the element count of x")) != NZ_OK) return st;
    if (x->dtype == out->dtype) return nz_tensor_copy(out, x);
    if ((st = nz_chk_supported(fn, dev, NZ_OP_CAST, x->dtype)) != NZ_OK) return st;
    if (out->dtype == NZ_F64 && !nz_device_get_info(dev)->fp64)
        return nz_error(NZ_ERR_UNSUPPORTED, "%s: device %s (%s) has no f64 support, so out %s "
                        "cannot be written; use f32 or another device", fn, nz_device_id(dev),
                        nz_device_get_info(dev)->name, nz_tdesc(out));
    if (x->numel == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_CAST, .dtype = x->dtype};
    a.u.cast = (nz_cast_args){.count = x->numel, .to = out->dtype, .x = nz_tensor_bref(x),
                              .out = nz_tensor_bref(out)};
    return nz_device_run(dev, &a);
}

static nz_status check_square(const char *fn, nz_opnd o)
{
    if (o.t->ndim == 2 && o.t->shape[0] == o.t->shape[1]) return NZ_OK;
    return nz_error(NZ_ERR_INVALID, "%s: %s is %s; expected a square 2-D matrix", fn, o.name,
                    nz_tdesc(o.t));
}

nz_status nz_cholesky(nz_tensor *a)
{
    const char *fn = "nz_cholesky";
    nz_opnd o = {"a", a};
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(fn, &o, 1, &dev)) != NZ_OK) return st;
    if ((st = nz_chk_float(fn, o)) != NZ_OK) return st;
    if ((st = check_square(fn, o)) != NZ_OK) return st;
    if ((st = nz_chk_supported(fn, dev, NZ_OP_CHOLESKY, a->dtype)) != NZ_OK) return st;
    if (a->numel == 0) return NZ_OK;
    nz_tensor *info = nz_tensor_create_1d(dev, NZ_I32, 1);
    if (!info) return nz_error_prefix(NZ_ERR_NOMEM, "%s: allocating the pivot status", fn);
    nz_op_args args = {.op = NZ_OP_CHOLESKY, .dtype = a->dtype};
    args.u.cholesky = (nz_cholesky_args){.n = a->shape[0], .a = nz_tensor_bref(a),
                                         .lda = a->shape[1], .info = nz_tensor_bref(info)};
    int32_t k = 0;
    st = nz_device_run(dev, &args);
    if (st == NZ_OK) st = nz_tensor_download(info, &k, sizeof k);
    nz_tensor_free(info);
    if (st != NZ_OK) return st;
    if (k != 0)
        return nz_error(NZ_ERR_NUMERIC, "%s: matrix not positive definite (leading minor of order %d) "
                        "in a %s; add a small multiple of the identity (jitter) or use f64",
                        fn, (int)k, nz_tdesc(a));
    return NZ_OK;
}

nz_status nz_trsm(const nz_tensor *t, nz_tensor *b, int lower, int trans, int unit_diag, double alpha)
{
    const char *fn = "nz_trsm";
    nz_opnd o[2] = {{"t", t}, {"b", b}};
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(fn, o, 2, &dev)) != NZ_OK) return st;
    if ((st = nz_chk_float(fn, o[0])) != NZ_OK) return st;
    if ((st = nz_chk_same_dtype(fn, o, 2)) != NZ_OK) return st;
    if ((st = check_square(fn, o[0])) != NZ_OK) return st;
    int64_t n = t->shape[0];
    if (b->ndim < 1 || b->ndim > 2 || b->shape[0] != n)
        return nz_error(NZ_ERR_INVALID, "%s: shape mismatch: t is %s, b is %s; expected b [%lld] or "
                        "[%lld,nrhs]", fn, nz_tdesc(t), nz_tdesc(b), (long long)n, (long long)n);
    int64_t nrhs = b->ndim == 2 ? b->shape[1] : 1;
    if ((st = nz_chk_supported(fn, dev, NZ_OP_TRSM, t->dtype)) != NZ_OK) return st;
    if (n * nrhs == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_TRSM, .dtype = t->dtype};
    a.u.trsm = (nz_trsm_args){.lower = lower != 0, .trans = trans != 0, .unit_diag = unit_diag != 0,
                              .n = n, .nrhs = nrhs, .t = nz_tensor_bref(t), .b = nz_tensor_bref(b),
                              .ldt = n, .ldb = nrhs, .alpha = alpha};
    return nz_device_run(dev, &a);
}
