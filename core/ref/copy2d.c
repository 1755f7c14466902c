/* Reference strided 2-D copy with optional transpose and alpha/beta. */
#include "ref_internal.h"

nz_status nz_ref_copy2d(const nz_op_args *args)
{
    const nz_copy2d_args *c = &args->u.copy2d;
    const char *op = "copy2d";
    nz_dtype dt = args->dtype;
    nz_status s;
    if ((s = nz_ref_check_float(op, dt)) || (s = nz_ref_check_dim(op, "m", c->m)) ||
        (s = nz_ref_check_dim(op, "n", c->n)) ||
        (s = nz_ref_check_ld(op, "ldx", c->ldx, c->trans ? c->m : c->n)) ||
        (s = nz_ref_check_ld(op, "ldo", c->ldo, c->n)) ||
        (s = nz_ref_check_buf(op, "x", c->x, c->m * c->n)) ||
        (s = nz_ref_check_buf(op, "out", c->out, c->m * c->n)))
        return s;
    for (int64_t i = 0; i < c->m; i++)
        for (int64_t j = 0; j < c->n; j++) {
            double x = nz_ref_ld(c->x, dt, c->trans ? j * c->ldx + i : i * c->ldx + j);
            nz_ref_st_ab(c->out, dt, i * c->ldo + j, x, c->alpha, c->beta);
        }
    return NZ_OK;
}
