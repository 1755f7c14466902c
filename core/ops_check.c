/* Operand checks for the op front-end. */
#include <stdio.h>
#include <stdlib.h>

#include "ops_check.h"

nz_status nz_chk_devices(const char *fn, const nz_opnd *o, int n, nz_device **dev)
{
    for (int i = 0; i < n; i++)
        if (!o[i].t) return nz_error(NZ_ERR_INVALID, "%s: %s is NULL", fn, o[i].name);
    for (int i = 1; i < n; i++)
        if (nz_tensor_device(o[i].t) != nz_tensor_device(o[0].t))
            return nz_error(NZ_ERR_INVALID,
                            "%s: tensors on different devices: %s is %s, %s is %s; "
                            "move one with nz_tensor_to()",
                            fn, o[0].name, nz_tdesc(o[0].t), o[i].name, nz_tdesc(o[i].t));
    if (dev) *dev = nz_tensor_device(o[0].t);
    return NZ_OK;
}

nz_status nz_chk_same_dtype(const char *fn, const nz_opnd *o, int n)
{
    for (int i = 1; i < n; i++)
        if (nz_tensor_dtype(o[i].t) != nz_tensor_dtype(o[0].t))
            return nz_error(NZ_ERR_INVALID,
                            "%s: dtype mismatch: %s is %s, %s is %s; expected both %s "
                            "(convert with nz_cast())",
                            fn, o[0].name, nz_tdesc(o[0].t), o[i].name, nz_tdesc(o[i].t),
                            nz_dtype_name(nz_tensor_dtype(o[0].t)));
    return NZ_OK;
}

nz_status nz_chk_float(const char *fn, nz_opnd o)
{
    nz_dtype dt = nz_tensor_dtype(o.t);
    if (dt == NZ_F32 || dt == NZ_F64) return NZ_OK;
    return nz_error(NZ_ERR_INVALID, "%s: %s is %s; expected a floating-point tensor (f32 or f64)",
                    fn, o.name, nz_tdesc(o.t));
}

nz_status nz_chk_dtype_is(const char *fn, nz_opnd o, nz_dtype dt, const char *why)
{
    if (nz_tensor_dtype(o.t) == dt) return NZ_OK;
    return nz_error(NZ_ERR_INVALID, "%s: %s is %s; expected %s %s", fn, o.name, nz_tdesc(o.t),
                    nz_dtype_name(dt), why);
}

nz_status nz_chk_numel(const char *fn, nz_opnd o, int64_t count, const char *what)
{
    if (nz_tensor_numel(o.t) == count) return NZ_OK;
    return nz_error(NZ_ERR_INVALID, "%s: shape mismatch: %s is %s; expected %s (%lld elements)",
                    fn, o.name, nz_tdesc(o.t), what, (long long)count);
}

nz_status nz_chk_bcast(const char *fn, nz_opnd x, nz_opnd out, nz_bcast *b)
{
    int64_t m = nz_tensor_rows_count(out.t), n = nz_tensor_cols_count(out.t);
    int64_t numel = nz_tensor_numel(x.t);
    int nd = nz_tensor_ndim(x.t);
    if (numel == m * n) *b = NZ_BCAST_NONE;
    else if (numel == 1) *b = NZ_BCAST_SCALAR;
    else if ((nd == 1 && nz_tensor_dim(x.t, 0) == n) ||
             (nd == 2 && nz_tensor_dim(x.t, 0) == 1 && nz_tensor_dim(x.t, 1) == n))
        *b = NZ_BCAST_ROW;
    else if (nd == 2 && nz_tensor_dim(x.t, 0) == m && nz_tensor_dim(x.t, 1) == 1)
        *b = NZ_BCAST_COL;
    else
        return nz_error(NZ_ERR_INVALID,
                        "%s: shape mismatch: %s is %s, which does not broadcast to %s %s; "
                        "expected %lld elements (full), [%lld] or [1,%lld] (row), [%lld,1] (column) "
                        "or one element (scalar)",
                        fn, x.name, nz_tdesc(x.t), out.name, nz_tdesc(out.t), (long long)(m * n),
                        (long long)n, (long long)n, (long long)m);
    return NZ_OK;
}

nz_status nz_chk_supported(const char *fn, const nz_device *dev, nz_op op, nz_dtype dt)
{
    if (nz_device_supports(dev, op, dt)) return NZ_OK;
    const nz_device_info *info = nz_device_get_info(dev);
    if (dt == NZ_F64 && !info->fp64)
        return nz_error(NZ_ERR_UNSUPPORTED,
                        "%s: device %s (%s) has no f64 support; use f32 tensors or another device",
                        fn, nz_device_id(dev), info->name);
    return nz_error(NZ_ERR_UNSUPPORTED,
                    "%s: op %s on %s is not supported by device %s (%s); try another dtype or device",
                    fn, nz_op_name(op), nz_dtype_name(dt), nz_device_id(dev), info->name);
}

nz_status nz_chk_indices(const char *fn, nz_opnd idx, int64_t limit, const char *what)
{
    nz_status st = nz_chk_dtype_is(fn, idx, NZ_I32, "class/row indices");
    if (st != NZ_OK) return st;
    size_t bytes = nz_tensor_bytes(idx.t);
    if (bytes == 0) return NZ_OK;
    /* Labels uploaded from the host (or checked before) need no trip back:
     * a training step stays asynchronous. */
    int32_t lo, hi;
    if (nz_tensor_known_range(idx.t, &lo, &hi) && lo >= 0 && hi < limit) return NZ_OK;
    int32_t *v = malloc(bytes);
    if (!v) return nz_error(NZ_ERR_NOMEM, "%s: out of host memory checking %s", fn, idx.name);
    st = nz_tensor_download(idx.t, v, bytes);
    if (st != NZ_OK) {
        free(v);
        return nz_error_prefix(st, "%s: reading %s to check it", fn, idx.name);
    }
    int64_t n = nz_tensor_numel(idx.t);
    lo = hi = v[0];
    for (int64_t i = 0; i < n; i++) {
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
        if (v[i] < 0 || v[i] >= limit) {
            int32_t bad = v[i];
            free(v);
            return nz_error(NZ_ERR_INVALID, "%s: %s[%lld] = %d is outside [0, %lld) (%s); %s is %s",
                            fn, idx.name, (long long)i, (int)bad, (long long)limit, what, idx.name,
                            nz_tdesc(idx.t));
        }
    }
    nz_tensor_note_range(idx.t, lo, hi);
    free(v);
    return NZ_OK;
}
