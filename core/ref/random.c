/* Reference counter-based random fill: defines the canonical bits, which
 * every backend reproduces through nazo/philox_float.h. */
#include "nazo/philox_float.h"
#include "ref_internal.h"

nz_status nz_ref_random(const nz_op_args *args)
{
    const nz_random_args *r = &args->u.random;
    const char *op = "random";
    nz_status s;
    if ((unsigned)r->dist > NZ_RNG_BERNOULLI)
        return nz_error(NZ_ERR_INVALID, "reference random: dist = %d is not an nz_random_dist (0..2)",
                        (int)r->dist);
    if ((s = nz_ref_check_float(op, args->dtype)) || (s = nz_ref_check_dim(op, "count", r->count)) ||
        (s = nz_ref_check_buf(op, "out", r->out, r->count)))
        return s;
    if (args->dtype == NZ_F32) {
        float *out = (float *)r->out.buf + r->out.off;
        float p0 = (float)r->p0, p1 = (float)r->p1;
        for (int64_t i = 0; i < r->count; i++)
            out[i] = nz_rng_f32((int)r->dist, r->seed, r->stream, r->counter + (uint64_t)i, p0, p1);
    } else {
        double *out = (double *)r->out.buf + r->out.off;
        for (int64_t i = 0; i < r->count; i++)
            out[i] = nz_rng_f64((int)r->dist, r->seed, r->stream, r->counter + (uint64_t)i,
                                r->p0, r->p1);
    }
    return NZ_OK;
}
