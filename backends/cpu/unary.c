/* NZ_OP_UNARY: out = alpha*f(x) + beta*out with x broadcast to m x n. */
#include <math.h>

#include "cpu.h"
#include "vmath.h"

#define NZ_CPU_BODY "unary_body.h"
#include "tmpl_both.h"

nz_status nz_cpu_unary(nz_cpu_dev *dev, nz_dtype dt, const nz_unary_args *a)
{
    if ((unsigned)a->fn >= NZ_UN_COUNT)
        return nz_error(NZ_ERR_INVALID, "cpu unary: unknown function %d", (int)a->fn);
    if ((unsigned)a->x_bcast > NZ_BCAST_SCALAR)
        return nz_error(NZ_ERR_INVALID, "cpu unary: unknown broadcast %d", (int)a->x_bcast);
    if (a->m < 0 || a->n < 0)
        return nz_error(NZ_ERR_INVALID, "cpu unary: negative shape %lld x %lld",
                        (long long)a->m, (long long)a->n);
    if (a->m == 0 || a->n == 0)
        return NZ_OK;
    if (dt == NZ_F32)
        unary_f32(dev, a);
    else
        unary_f64(dev, a);
    return NZ_OK;
}
