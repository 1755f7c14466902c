/* NZ_OP_SGD and NZ_OP_ADAM: fused optimizer updates, element-wise.  The
 * arithmetic is done in double for f32 too (the ops are memory bound, so
 * this costs nothing measurable and matches the reference closely). */
#include <math.h>

#include "cpu.h"

typedef struct opt_job {
    nz_dtype dt;
    const nz_sgd_args *sgd;
    const nz_adam_args *adam;
    void *w, *g, *m, *v;
} opt_job;

#define LD(p, i) (dt == NZ_F32 ? (double)((float *)(p))[i] : ((double *)(p))[i])
#define ST(p, i, val) do { if (dt == NZ_F32) ((float *)(p))[i] = (float)(val); \
                           else ((double *)(p))[i] = (val); } while (0)

static void sgd_range(void *vctx, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    (void)i0;
    (void)i1;
    opt_job *o = vctx;
    const nz_sgd_args *a = o->sgd;
    nz_dtype dt = o->dt;
    double lr = a->lr, mom = a->momentum, wd = a->weight_decay;
    for (int64_t i = j0; i < j1; i++) {
        double w = LD(o->w, i);
        double g = LD(o->g, i) + wd * w;
        if (mom != 0) {
            double v = mom * LD(o->v, i) + g;
            ST(o->v, i, v);
            w -= lr * (a->nesterov ? g + mom * v : v);
        } else {
            w -= lr * g;
        }
        ST(o->w, i, w);
    }
}

static void adam_range(void *vctx, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    (void)i0;
    (void)i1;
    opt_job *o = vctx;
    const nz_adam_args *a = o->adam;
    nz_dtype dt = o->dt;
    for (int64_t i = j0; i < j1; i++) {
        double w = LD(o->w, i);
        double g = LD(o->g, i) + (a->decoupled ? 0.0 : a->weight_decay * w);
        double m = a->beta1 * LD(o->m, i) + (1 - a->beta1) * g;
        double v = a->beta2 * LD(o->v, i) + (1 - a->beta2) * g * g;
        ST(o->m, i, m);
        ST(o->v, i, v);
        w -= a->lr * ((m / a->bias1) / (sqrt(v / a->bias2) + a->eps) +
                      (a->decoupled ? a->weight_decay * w : 0.0));
        ST(o->w, i, w);
    }
}

nz_status nz_cpu_sgd(nz_cpu_dev *dev, nz_dtype dt, const nz_sgd_args *a)
{
    if (a->count < 0)
        return nz_error(NZ_ERR_INVALID, "cpu sgd: negative count %lld", (long long)a->count);
    if (a->count == 0)
        return NZ_OK;
    if (a->momentum != 0 && !a->v.buf)
        return nz_error(NZ_ERR_INVALID, "cpu sgd: momentum %g needs a velocity buffer v",
                        a->momentum);
    size_t es = nz_dtype_size(dt);
    opt_job o = {dt, a, NULL, nz_cpu_ptr(a->w, es), nz_cpu_ptr(a->g, es), NULL,
                 a->momentum != 0 ? nz_cpu_ptr(a->v, es) : NULL};
    nz_cpu_parallel_2d(dev, 1, a->count, NZ_CPU_GRAIN, sgd_range, &o);
    return NZ_OK;
}

nz_status nz_cpu_adam(nz_cpu_dev *dev, nz_dtype dt, const nz_adam_args *a)
{
    if (a->count < 0)
        return nz_error(NZ_ERR_INVALID, "cpu adam: negative count %lld", (long long)a->count);
    if (a->count == 0)
        return NZ_OK;
    if (!(a->bias1 > 0) || !(a->bias2 > 0))
        return nz_error(NZ_ERR_INVALID, "cpu adam: bias corrections must be > 0 (bias1 %g, "
                        "bias2 %g); they are 1 - beta^t for step t >= 1", a->bias1, a->bias2);
    size_t es = nz_dtype_size(dt);
    opt_job o = {dt, NULL, a, nz_cpu_ptr(a->w, es), nz_cpu_ptr(a->g, es), nz_cpu_ptr(a->m, es),
                 nz_cpu_ptr(a->v, es)};
    nz_cpu_parallel_2d(dev, 1, a->count, NZ_CPU_GRAIN / 4, adam_range, &o);
    return NZ_OK;
}
