/* NZ_OP_SOFTMAX_XENT: fused softmax cross-entropy over rows of logits.
 * logsumexp is taken around the row maximum and summed in double; the loss
 * and the gradient are formed in double from it, so f32 keeps full accuracy. */
#include <math.h>

#include "cpu.h"
#include "vmath.h"

#define NZ_CPU_BODY "softmax_xent_body.h"
#include "tmpl_both.h"

nz_status nz_cpu_softmax_xent(nz_cpu_dev *dev, nz_dtype dt, const nz_softmax_xent_args *a)
{
    if (a->m < 0 || a->n < 0)
        return nz_error(NZ_ERR_INVALID, "cpu softmax_xent: negative shape %lld x %lld",
                        (long long)a->m, (long long)a->n);
    if (a->m == 0)
        return NZ_OK;
    if (a->n == 0)
        return nz_error(NZ_ERR_INVALID, "cpu softmax_xent: %lld rows of 0 classes: "
                        "logits need at least one column", (long long)a->m);
    if (!a->logits.buf || !a->labels.buf || (a->backward ? !a->dlogits.buf : !a->loss.buf))
        return nz_error(NZ_ERR_INVALID, "cpu softmax_xent: logits, labels or the %s buffer is "
                        "NULL", a->backward ? "dlogits" : "loss");
    if (dt == NZ_F32)
        softmax_xent_f32(dev, a);
    else
        softmax_xent_f64(dev, a);
    return NZ_OK;
}
