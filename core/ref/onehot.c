/* Reference one-hot encoding: out[i, j] = labels[i] == j ? on : off. */
#include "ref_internal.h"

nz_status nz_ref_onehot(const nz_op_args *args)
{
    const nz_onehot_args *o = &args->u.onehot;
    const char *op = "onehot";
    nz_status s;
    if ((s = nz_ref_check_float(op, args->dtype)) || (s = nz_ref_check_dim(op, "m", o->m)) ||
        (s = nz_ref_check_dim(op, "n", o->n)) ||
        (s = nz_ref_check_buf(op, "labels", o->labels, o->m)) ||
        (s = nz_ref_check_buf(op, "out", o->out, o->m * o->n)))
        return s;
    /* A label outside [0, n) matches no column: its row is all `off`. */
    for (int64_t i = 0; i < o->m; i++) {
        int64_t label = nz_ref_ldi(o->labels, i);
        for (int64_t j = 0; j < o->n; j++)
            nz_ref_st(o->out, args->dtype, i * o->n + j, j == label ? o->on : o->off);
    }
    return NZ_OK;
}
