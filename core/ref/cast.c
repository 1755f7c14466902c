/* Reference dtype conversion.  Float to I32 truncates toward zero and
 * saturates (NaN -> 0); I32 to F32 rounds to nearest. */
#include "ref_internal.h"

static int dtype_ok(nz_dtype dt)
{
    return dt == NZ_F32 || dt == NZ_F64 || dt == NZ_I32;
}

nz_status nz_ref_cast(const nz_op_args *args)
{
    const nz_cast_args *c = &args->u.cast;
    const char *op = "cast";
    nz_status s;
    if (!dtype_ok(args->dtype) || !dtype_ok(c->to))
        return nz_error(NZ_ERR_INVALID, "reference cast: dtype %d -> to %d: both must be f32, f64 "
                        "or i32", (int)args->dtype, (int)c->to);
    if ((s = nz_ref_check_dim(op, "count", c->count)) ||
        (s = nz_ref_check_buf(op, "x", c->x, c->count)) ||
        (s = nz_ref_check_buf(op, "out", c->out, c->count)))
        return s;
    /* Every f32 and i32 value is exact in double, so going through double
     * rounds once, at the store. */
    for (int64_t i = 0; i < c->count; i++)
        nz_ref_st(c->out, c->to, i, nz_ref_ld(c->x, args->dtype, i));
    return NZ_OK;
}
