/* Reference element-wise unary maps: out = alpha*f(x) + beta*out. */
#include <math.h>

#include "ref_internal.h"

double nz_ref_phi_cdf(double x)
{
    return 0.5 * erfc(-x * 0.70710678118654752440);
}

double nz_ref_phi_pdf(double x)
{
    return 0.39894228040143267794 * exp(-0.5 * x * x);
}

static double unary_f(nz_unary_fn fn, double x, double p0, double p1)
{
    switch (fn) {
    case NZ_UN_IDENTITY: return x;
    case NZ_UN_NEG: return -x;
    case NZ_UN_ABS: return fabs(x);
    case NZ_UN_SIGN: return x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : x;
    case NZ_UN_SQUARE: return x * x;
    case NZ_UN_SQRT: return sqrt(x);
    case NZ_UN_RSQRT: return 1.0 / sqrt(x);
    case NZ_UN_RECIP: return 1.0 / x;
    case NZ_UN_EXP: return exp(x);
    case NZ_UN_LOG: return log(x);
    case NZ_UN_SIN: return sin(x);
    case NZ_UN_COS: return cos(x);
    case NZ_UN_ACOS: return acos(x < -1.0 ? -1.0 : x > 1.0 ? 1.0 : x);
    case NZ_UN_RELU: return x > 0 ? x : 0.0;
    case NZ_UN_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case NZ_UN_TANH: return tanh(x);
    case NZ_UN_GELU: return x * nz_ref_phi_cdf(x);
    case NZ_UN_STEP: return x > 0 ? 1.0 : 0.0;
    case NZ_UN_AFFINE: return p0 * x + p1;
    case NZ_UN_CLAMP: return fmin(fmax(x, p0), p1);
    case NZ_UN_POW: return pow(x, p0);
    case NZ_UN_COUNT: break;
    }
    return NAN;
}

nz_status nz_ref_unary(const nz_op_args *args)
{
    const nz_unary_args *u = &args->u.unary;
    const char *op = "unary";
    nz_dtype dt = args->dtype;
    nz_status s;
    if ((unsigned)u->fn >= NZ_UN_COUNT)
        return nz_error(NZ_ERR_INVALID, "reference unary: fn = %d is not an nz_unary_fn (0..%d)",
                        (int)u->fn, NZ_UN_COUNT - 1);
    if ((unsigned)u->x_bcast > NZ_BCAST_SCALAR)
        return nz_error(NZ_ERR_INVALID, "reference unary: x_bcast = %d is not an nz_bcast (0..3)",
                        (int)u->x_bcast);
    if ((s = nz_ref_check_float(op, dt)) || (s = nz_ref_check_dim(op, "m", u->m)) ||
        (s = nz_ref_check_dim(op, "n", u->n)) ||
        (s = nz_ref_check_buf(op, "x", u->x, nz_ref_bcount(u->x_bcast, u->m, u->n))) ||
        (s = nz_ref_check_buf(op, "out", u->out, u->m * u->n)))
        return s;
    for (int64_t i = 0; i < u->m; i++)
        for (int64_t j = 0; j < u->n; j++) {
            double x = nz_ref_ld(u->x, dt, nz_ref_bidx(u->x_bcast, i, j, u->n));
            nz_ref_st_ab(u->out, dt, i * u->n + j, unary_f(u->fn, x, u->p0, u->p1),
                         u->alpha, u->beta);
        }
    return NZ_OK;
}
