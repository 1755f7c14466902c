/* NZ_OP_BINARY: out = alpha*f(x, y) + beta*out, x and y broadcast to m x n. */
#include <math.h>

#include "cpu.h"
#include "vmath.h"

#define NZ_CPU_BODY "binary_body.h"
#include "tmpl_both.h"

nz_status nz_cpu_binary(nz_cpu_dev *dev, nz_dtype dt, const nz_binary_args *a)
{
    if ((unsigned)a->fn >= NZ_BIN_COUNT)
        return nz_error(NZ_ERR_INVALID, "cpu binary: unknown function %d", (int)a->fn);
    if ((unsigned)a->x_bcast > NZ_BCAST_SCALAR || (unsigned)a->y_bcast > NZ_BCAST_SCALAR)
        return nz_error(NZ_ERR_INVALID, "cpu binary: unknown broadcast (x %d, y %d)",
                        (int)a->x_bcast, (int)a->y_bcast);
    if (a->m < 0 || a->n < 0)
        return nz_error(NZ_ERR_INVALID, "cpu binary: negative shape %lld x %lld",
                        (long long)a->m, (long long)a->n);
    if (a->m == 0 || a->n == 0)
        return NZ_OK;
    if (dt == NZ_F32)
        binary_f32(dev, a);
    else
        binary_f64(dev, a);
    return NZ_OK;
}
