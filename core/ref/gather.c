/* Reference row gather: out[i, :] = x[idx[i], :]. */
#include "ref_internal.h"

nz_status nz_ref_gather(const nz_op_args *args)
{
    const nz_gather_args *g = &args->u.gather;
    const char *op = "gather_rows";
    nz_dtype dt = args->dtype;
    nz_status s;
    if ((s = nz_ref_check_dim(op, "m", g->m)) || (s = nz_ref_check_dim(op, "n", g->n)) ||
        (s = nz_ref_check_dim(op, "x_rows", g->x_rows)) ||
        (s = nz_ref_check_buf(op, "idx", g->idx, g->m)) ||
        (s = nz_ref_check_buf(op, "x", g->x, g->m ? g->x_rows * g->n : 0)) ||
        (s = nz_ref_check_buf(op, "out", g->out, g->m * g->n)))
        return s;
    /* Check every index before writing, so a bad one leaves out untouched. */
    for (int64_t i = 0; i < g->m; i++) {
        int32_t r = nz_ref_ldi(g->idx, i);
        if (r < 0 || r >= g->x_rows)
            return nz_error(NZ_ERR_INVALID, "reference gather_rows: idx[%lld] = %d is outside "
                            "[0, x_rows = %lld)", (long long)i, (int)r, (long long)g->x_rows);
    }
    for (int64_t i = 0; i < g->m; i++) {
        int64_t r = nz_ref_ldi(g->idx, i);
        for (int64_t j = 0; j < g->n; j++)
            if (dt == NZ_I32)
                ((int32_t *)g->out.buf)[g->out.off + (size_t)(i * g->n + j)] =
                    nz_ref_ldi(g->x, r * g->n + j);
            else
                nz_ref_st(g->out, dt, i * g->n + j, nz_ref_ld(g->x, dt, r * g->n + j));
    }
    return NZ_OK;
}
