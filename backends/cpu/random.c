/* NZ_OP_RANDOM: counter-based Philox fill through nazo/philox_float.h, the
 * same transforms the reference and the OpenCL kernels use, so every device
 * produces the same bits.  This relies on no FMA contraction: nazo builds in
 * ISO C mode (-std=c11), where GCC does not contract, and never with
 * -ffast-math. */
#include "cpu.h"
#include "nazo/philox_float.h"

#if defined(__FAST_MATH__)
#error "random.c must not be built with -ffast-math: the Philox transforms must round exactly"
#endif

typedef struct rng_job {
    const nz_random_args *a;
    nz_dtype dt;
    void *out;
} rng_job;

static void rng_range(void *vctx, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    (void)i0;
    (void)i1;
    rng_job *r = vctx;
    const nz_random_args *a = r->a;
    if (r->dt == NZ_F32) {
        float *o = r->out, p0 = (float)a->p0, p1 = (float)a->p1;
        for (int64_t i = j0; i < j1; i++)
            o[i] = nz_rng_f32((int)a->dist, a->seed, a->stream, a->counter + (uint64_t)i, p0, p1);
    } else {
        double *o = r->out;
        for (int64_t i = j0; i < j1; i++)
            o[i] = nz_rng_f64((int)a->dist, a->seed, a->stream, a->counter + (uint64_t)i,
                              a->p0, a->p1);
    }
}

nz_status nz_cpu_random(nz_cpu_dev *dev, nz_dtype dt, const nz_random_args *a)
{
    if ((unsigned)a->dist > NZ_RNG_BERNOULLI)
        return nz_error(NZ_ERR_INVALID, "cpu random: unknown distribution %d", (int)a->dist);
    if (a->count < 0)
        return nz_error(NZ_ERR_INVALID, "cpu random: negative count %lld", (long long)a->count);
    if (a->count == 0)
        return NZ_OK;
    rng_job r = {a, dt, nz_cpu_ptr(a->out, nz_dtype_size(dt))};
    /* ten Philox rounds per element: worth threads early */
    nz_cpu_parallel_2d(dev, 1, a->count, NZ_CPU_GRAIN / 8, rng_range, &r);
    return NZ_OK;
}
