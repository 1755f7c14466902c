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

/* The loops below are written once and instantiated per dtype with `dt` a
 * constant, so the dtype branch folds away and -O3 vectorises them. */
static inline __attribute__((always_inline)) void sgd_loop(const opt_job *o, nz_dtype dt,
                                                           int64_t j0, int64_t j1)
{
    /* Locals, not a->field: a store through a double * could alias the
     * argument struct, which would force reloads and stop vectorisation. */
    const nz_sgd_args *a = o->sgd;
    const double lr = a->lr, mom = a->momentum, wd = a->weight_decay;
    const int nesterov = a->nesterov;
    void *wp = o->w, *vp = o->v;
    const void *gp = o->g;
    if (mom == 0) {
        for (int64_t i = j0; i < j1; i++) {
            double w = LD(wp, i);
            ST(wp, i, w - lr * (LD(gp, i) + wd * w));
        }
        return;
    }
    for (int64_t i = j0; i < j1; i++) {
        double w = LD(wp, i);
        double g = LD(gp, i) + wd * w;
        double v = mom * LD(vp, i) + g;
        ST(vp, i, v);
        ST(wp, i, w - lr * (nesterov ? g + mom * v : v));
    }
}

static inline __attribute__((always_inline)) void adam_loop(const opt_job *o, nz_dtype dt,
                                                            int64_t j0, int64_t j1)
{
    const nz_adam_args *a = o->adam;
    const double lr = a->lr, b1 = a->beta1, b2 = a->beta2, eps = a->eps;
    const double bias1 = a->bias1, bias2 = a->bias2;
    const double l2 = a->decoupled ? 0.0 : a->weight_decay;   /* added to g */
    const double dec = a->decoupled ? a->weight_decay : 0.0;  /* applied to w */
    void *wp = o->w, *mp = o->m, *vp = o->v;
    const void *gp = o->g;
    for (int64_t i = j0; i < j1; i++) {
        double w = LD(wp, i);
        double g = LD(gp, i) + l2 * w;
        double m = b1 * LD(mp, i) + (1 - b1) * g;
        double v = b2 * LD(vp, i) + (1 - b2) * g * g;
        ST(mp, i, m);
        ST(vp, i, v);
        ST(wp, i, w - lr * ((m / bias1) / (sqrt(v / bias2) + eps) + dec * w));
    }
}

NZ_CPU_SIMD_CLONES static void sgd_range(void *vctx, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    (void)i0;
    (void)i1;
    const opt_job *o = vctx;
    if (o->dt == NZ_F32) sgd_loop(o, NZ_F32, j0, j1);
    else sgd_loop(o, NZ_F64, j0, j1);
}

NZ_CPU_SIMD_CLONES static void adam_range(void *vctx, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    (void)i0;
    (void)i1;
    const opt_job *o = vctx;
    if (o->dt == NZ_F32) adam_loop(o, NZ_F32, j0, j1);
    else adam_loop(o, NZ_F64, j0, j1);
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
