/* NZ_OP_CAST: element-wise conversion between f32, f64 and i32.  Float to
 * i32 truncates toward zero like C; NaN becomes 0 and values beyond the i32
 * range saturate, since the plain C conversion is undefined there. */
#include "cpu.h"

typedef struct cast_job {
    nz_dtype from, to;
    const void *x;
    void *out;
} cast_job;

static int32_t to_i32(double v)
{
    if (v != v)
        return 0;
    if (v >= 2147483647.0)
        return INT32_MAX;
    if (v <= -2147483648.0)
        return INT32_MIN;
    return (int32_t)v;
}

#define CAST_LOOP(TI, TO, CONV) { \
        const TI *x = c->x; \
        TO *o = c->out; \
        for (int64_t i = j0; i < j1; i++) \
            o[i] = CONV(x[i]); \
    }
#define PLAIN(v) (v)

static void cast_range(void *vctx, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    (void)i0;
    (void)i1;
    cast_job *c = vctx;
    switch (c->from * 3 + c->to) {
    case NZ_F32 * 3 + NZ_F32: CAST_LOOP(float, float, PLAIN) break;
    case NZ_F32 * 3 + NZ_F64: CAST_LOOP(float, double, (double)) break;
    case NZ_F32 * 3 + NZ_I32: CAST_LOOP(float, int32_t, to_i32) break;
    case NZ_F64 * 3 + NZ_F32: CAST_LOOP(double, float, (float)) break;
    case NZ_F64 * 3 + NZ_F64: CAST_LOOP(double, double, PLAIN) break;
    case NZ_F64 * 3 + NZ_I32: CAST_LOOP(double, int32_t, to_i32) break;
    case NZ_I32 * 3 + NZ_F32: CAST_LOOP(int32_t, float, (float)) break;
    case NZ_I32 * 3 + NZ_F64: CAST_LOOP(int32_t, double, (double)) break;
    default: CAST_LOOP(int32_t, int32_t, PLAIN) break;
    }
}

nz_status nz_cpu_cast(nz_cpu_dev *dev, nz_dtype dt, const nz_cast_args *a)
{
    if (a->to != NZ_F32 && a->to != NZ_F64 && a->to != NZ_I32)
        return nz_error(NZ_ERR_INVALID, "cpu cast: unknown target dtype %d", (int)a->to);
    if (a->count < 0)
        return nz_error(NZ_ERR_INVALID, "cpu cast: negative count %lld", (long long)a->count);
    if (a->count == 0)
        return NZ_OK;
    cast_job c = {dt, a->to, nz_cpu_ptr(a->x, nz_dtype_size(dt)),
                  nz_cpu_ptr(a->out, nz_dtype_size(a->to))};
    nz_cpu_parallel_2d(dev, 1, a->count, NZ_CPU_GRAIN, cast_range, &c);
    return NZ_OK;
}
