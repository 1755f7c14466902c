/* Reference fused softmax cross-entropy, forward and backward, per row. */
#include <math.h>

#include "ref_internal.h"

/* logsumexp of row i, shifted by the row max so exp cannot overflow. */
static double row_lse(nz_bref x, nz_dtype dt, int64_t i, int64_t n)
{
    double mx = -INFINITY;
    for (int64_t j = 0; j < n; j++) {
        double v = nz_ref_ld(x, dt, i * n + j);
        mx = v > mx ? v : mx;
    }
    double sum = 0.0;
    for (int64_t j = 0; j < n; j++)
        sum += exp(nz_ref_ld(x, dt, i * n + j) - mx);
    return mx + log(sum);
}

nz_status nz_ref_softmax_xent(const nz_op_args *args)
{
    const nz_softmax_xent_args *a = &args->u.softmax_xent;
    const char *op = "softmax_xent";
    nz_dtype dt = args->dtype;
    nz_status s;
    if ((s = nz_ref_check_float(op, dt)) || (s = nz_ref_check_dim(op, "m", a->m)) ||
        (s = nz_ref_check_dim(op, "n", a->n)) ||
        (s = nz_ref_check_buf(op, "logits", a->logits, a->m * a->n)) ||
        (s = nz_ref_check_buf(op, "labels", a->labels, a->m)))
        return s;
    if (a->n == 0 && a->m > 0)
        return nz_error(NZ_ERR_INVALID, "reference softmax_xent: n = 0 classes; need n >= 1");
    if (a->backward) {
        if ((s = nz_ref_check_buf(op, "dlogits", a->dlogits, a->m * a->n)))
            return s;
    } else if ((s = nz_ref_check_buf(op, "loss", a->loss, a->m))) {
        return s;
    }
    for (int64_t i = 0; i < a->m; i++) {
        int32_t label = nz_ref_ldi(a->labels, i);
        int ok = label >= 0 && label < a->n;
        double lse = row_lse(a->logits, dt, i, a->n);
        if (a->backward) {
            for (int64_t j = 0; j < a->n; j++) {
                double p = exp(nz_ref_ld(a->logits, dt, i * a->n + j) - lse);
                double g = ok ? p - (j == label ? 1.0 : 0.0) : NAN;
                nz_ref_st_ab(a->dlogits, dt, i * a->n + j, g, a->alpha, a->beta);
            }
            continue;
        }
        double loss = ok ? lse - nz_ref_ld(a->logits, dt, i * a->n + label) : NAN;
        nz_ref_st_ab(a->loss, dt, i, loss, a->alpha, a->beta);
        if (a->probs.buf != NULL)
            for (int64_t j = 0; j < a->n; j++)
                nz_ref_st(a->probs, dt, i * a->n + j,
                          exp(nz_ref_ld(a->logits, dt, i * a->n + j) - lse));
    }
    return NZ_OK;
}
