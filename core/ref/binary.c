/* Reference element-wise binary maps with broadcasts: out = alpha*f(x, y) + beta*out. */
#include <math.h>

#include "ref_internal.h"

static double binary_f(nz_binary_fn fn, double x, double y)
{
    switch (fn) {
    case NZ_BIN_ADD: return x + y;
    case NZ_BIN_SUB: return x - y;
    case NZ_BIN_MUL: return x * y;
    case NZ_BIN_DIV: return x / y;
    case NZ_BIN_MAX: return fmax(x, y);
    case NZ_BIN_MIN: return fmin(x, y);
    case NZ_BIN_RELU_BWD: return y > 0 ? x : 0.0;
    case NZ_BIN_SIGMOID_BWD: return x * y * (1.0 - y);
    case NZ_BIN_TANH_BWD: return x * (1.0 - y * y);
    case NZ_BIN_GELU_BWD: return x * (nz_ref_phi_cdf(y) + y * nz_ref_phi_pdf(y));
    case NZ_BIN_COUNT: break;
    }
    return NAN;
}

nz_status nz_ref_binary(const nz_op_args *args)
{
    const nz_binary_args *b = &args->u.binary;
    const char *op = "binary";
    nz_dtype dt = args->dtype;
    nz_status s;
    if ((unsigned)b->fn >= NZ_BIN_COUNT)
        return nz_error(NZ_ERR_INVALID, "reference binary: fn = %d is not an nz_binary_fn (0..%d)",
                        (int)b->fn, NZ_BIN_COUNT - 1);
    if ((unsigned)b->x_bcast > NZ_BCAST_SCALAR || (unsigned)b->y_bcast > NZ_BCAST_SCALAR)
        return nz_error(NZ_ERR_INVALID, "reference binary: x_bcast = %d / y_bcast = %d: each must be "
                        "an nz_bcast (0..3)", (int)b->x_bcast, (int)b->y_bcast);
    if ((s = nz_ref_check_float(op, dt)) || (s = nz_ref_check_dim(op, "m", b->m)) ||
        (s = nz_ref_check_dim(op, "n", b->n)) ||
        (s = nz_ref_check_buf(op, "x", b->x, nz_ref_bcount(b->x_bcast, b->m, b->n))) ||
        (s = nz_ref_check_buf(op, "y", b->y, nz_ref_bcount(b->y_bcast, b->m, b->n))) ||
        (s = nz_ref_check_buf(op, "out", b->out, b->m * b->n)))
        return s;
    for (int64_t i = 0; i < b->m; i++)
        for (int64_t j = 0; j < b->n; j++) {
            double x = nz_ref_ld(b->x, dt, nz_ref_bidx(b->x_bcast, i, j, b->n));
            double y = nz_ref_ld(b->y, dt, nz_ref_bidx(b->y_bcast, i, j, b->n));
            nz_ref_st_ab(b->out, dt, i * b->n + j, binary_f(b->fn, x, y), b->alpha, b->beta);
        }
    return NZ_OK;
}
