/* Reference reductions over rows, columns or everything. */
#include <math.h>

#include "ref_internal.h"

/* Reduce `len` values x[base + t*step]; ARGMAX returns the first index of the max. */
static double reduce_line(nz_reduce_fn fn, nz_bref x, nz_dtype dt, int64_t base,
                          int64_t step, int64_t len)
{
    double acc = 0.0;
    int64_t arg = 0;
    if (fn == NZ_RED_MAX || fn == NZ_RED_MIN || fn == NZ_RED_ARGMAX)
        acc = nz_ref_ld(x, dt, base);
    for (int64_t t = 0; t < len; t++) {
        double v = nz_ref_ld(x, dt, base + t * step);
        switch (fn) {
        case NZ_RED_SUM: acc += v; break;
        case NZ_RED_SUMSQ: acc += v * v; break;
        case NZ_RED_SUMABS: acc += fabs(v); break;
        case NZ_RED_MAX: acc = v > acc ? v : acc; break;
        case NZ_RED_MIN: acc = v < acc ? v : acc; break;
        case NZ_RED_ARGMAX:
            if (v > acc) {
                acc = v;
                arg = t;
            }
            break;
        case NZ_RED_COUNT: break;
        }
    }
    return fn == NZ_RED_ARGMAX ? (double)arg : acc;
}

nz_status nz_ref_reduce(const nz_op_args *args)
{
    const nz_reduce_args *r = &args->u.reduce;
    const char *op = "reduce";
    nz_dtype dt = args->dtype;
    nz_status s;
    if ((unsigned)r->fn >= NZ_RED_COUNT)
        return nz_error(NZ_ERR_INVALID, "reference reduce: fn = %d is not an nz_reduce_fn (0..%d)",
                        (int)r->fn, NZ_RED_COUNT - 1);
    if ((unsigned)r->axis > NZ_AXIS_ALL)
        return nz_error(NZ_ERR_INVALID, "reference reduce: axis = %d is not an nz_axis (0..2)",
                        (int)r->axis);
    if ((s = nz_ref_check_float(op, dt)) || (s = nz_ref_check_dim(op, "m", r->m)) ||
        (s = nz_ref_check_dim(op, "n", r->n)))
        return s;
    int extremum = r->fn == NZ_RED_MAX || r->fn == NZ_RED_MIN || r->fn == NZ_RED_ARGMAX;
    if (extremum && (r->m == 0 || r->n == 0))
        return nz_error(NZ_ERR_INVALID, "reference reduce: max/min/argmax of an empty %lld x %lld "
                        "matrix is undefined; m and n must be >= 1", (long long)r->m, (long long)r->n);
    int64_t outs = r->axis == NZ_AXIS_ROWS ? r->m : r->axis == NZ_AXIS_COLS ? r->n : 1;
    if ((s = nz_ref_check_buf(op, "x", r->x, r->m * r->n)) ||
        (s = nz_ref_check_buf(op, "out", r->out, outs)))
        return s;
    nz_dtype odt = r->fn == NZ_RED_ARGMAX ? NZ_I32 : dt;
    for (int64_t o = 0; o < outs; o++) {
        double v;
        if (r->axis == NZ_AXIS_ROWS)
            v = reduce_line(r->fn, r->x, dt, o * r->n, 1, r->n);
        else if (r->axis == NZ_AXIS_COLS)
            v = reduce_line(r->fn, r->x, dt, o, r->n, r->m);
        else
            v = reduce_line(r->fn, r->x, dt, 0, 1, r->m * r->n);
        if (odt == NZ_I32)
            nz_ref_st(r->out, NZ_I32, o, v); /* argmax: alpha/beta ignored */
        else
            nz_ref_st_ab(r->out, dt, o, v, r->alpha, r->beta);
    }
    return NZ_OK;
}
