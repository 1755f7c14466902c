/* Reference fused optimizer updates (SGD with momentum, Adam/AdamW), in double. */
#include <math.h>

#include "ref_internal.h"

nz_status nz_ref_sgd(const nz_op_args *args)
{
    const nz_sgd_args *a = &args->u.sgd;
    const char *op = "sgd";
    nz_dtype dt = args->dtype;
    nz_status s;
    int mom = a->momentum != 0.0;
    if ((s = nz_ref_check_float(op, dt)) || (s = nz_ref_check_dim(op, "count", a->count)) ||
        (s = nz_ref_check_buf(op, "w", a->w, a->count)) ||
        (s = nz_ref_check_buf(op, "g", a->g, a->count)) ||
        (s = nz_ref_check_buf(op, "v", a->v, mom ? a->count : 0)))
        return s;
    for (int64_t i = 0; i < a->count; i++) {
        double w = nz_ref_ld(a->w, dt, i);
        double g = nz_ref_ld(a->g, dt, i) + a->weight_decay * w;
        if (mom) {
            double v = a->momentum * nz_ref_ld(a->v, dt, i) + g;
            nz_ref_st(a->v, dt, i, v);
            w -= a->lr * (a->nesterov ? g + a->momentum * v : v);
        } else {
            w -= a->lr * g;
        }
        nz_ref_st(a->w, dt, i, w);
    }
    return NZ_OK;
}

nz_status nz_ref_adam(const nz_op_args *args)
{
    const nz_adam_args *a = &args->u.adam;
    const char *op = "adam";
    nz_dtype dt = args->dtype;
    nz_status s;
    if ((s = nz_ref_check_float(op, dt)) || (s = nz_ref_check_dim(op, "count", a->count)) ||
        (s = nz_ref_check_buf(op, "w", a->w, a->count)) ||
        (s = nz_ref_check_buf(op, "g", a->g, a->count)) ||
        (s = nz_ref_check_buf(op, "m", a->m, a->count)) ||
        (s = nz_ref_check_buf(op, "v", a->v, a->count)))
        return s;
    if (!(a->bias1 > 0.0) || !(a->bias2 > 0.0))
        return nz_error(NZ_ERR_INVALID, "reference adam: bias1 = %g, bias2 = %g must be > 0 "
                        "(1 - beta^t with step t >= 1)", a->bias1, a->bias2);
    for (int64_t i = 0; i < a->count; i++) {
        double w = nz_ref_ld(a->w, dt, i);
        double g = nz_ref_ld(a->g, dt, i) + (a->decoupled ? 0.0 : a->weight_decay * w);
        double m = a->beta1 * nz_ref_ld(a->m, dt, i) + (1.0 - a->beta1) * g;
        double v = a->beta2 * nz_ref_ld(a->v, dt, i) + (1.0 - a->beta2) * g * g;
        nz_ref_st(a->m, dt, i, m);
        nz_ref_st(a->v, dt, i, v);
        double step = (m / a->bias1) / (sqrt(v / a->bias2) + a->eps);
        w -= a->lr * (step + (a->decoupled ? a->weight_decay * w : 0.0));
        nz_ref_st(a->w, dt, i, w);
    }
    return NZ_OK;
}
