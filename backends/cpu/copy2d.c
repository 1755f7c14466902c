/* NZ_OP_COPY2D: out = alpha*X + beta*out over an m x n window with row
 * strides, X = x or x^T.  The transpose walks 32 x 32 tiles so both sides
 * stay in cache. */
#include "cpu.h"

#define TILE 32

typedef struct copy_job {
    const nz_copy2d_args *a;
    nz_dtype dt;
    const void *x;
    void *out;
} copy_job;

#define COPY_BODY(T) { \
        const T *x = c->x; \
        T *o = c->out; \
        T al = (T)a->alpha, be = (T)a->beta; \
        for (int64_t ib = i0; ib < i1; ib += TILE) \
            for (int64_t jb = j0; jb < j1; jb += TILE) { \
                int64_t ie = ib + TILE < i1 ? ib + TILE : i1; \
                int64_t je = jb + TILE < j1 ? jb + TILE : j1; \
                for (int64_t i = ib; i < ie; i++) { \
                    T *orow = o + i * a->ldo; \
                    for (int64_t j = jb; j < je; j++) { \
                        T v = a->trans ? x[j * a->ldx + i] : x[i * a->ldx + j]; \
                        orow[j] = be == 0 ? al * v : al * v + be * orow[j]; \
                    } \
                } \
            } \
    }

static void copy_range(void *vctx, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    copy_job *c = vctx;
    const nz_copy2d_args *a = c->a;
    if (c->dt == NZ_F32) {
        COPY_BODY(float)
    } else {
        COPY_BODY(double)
    }
}

nz_status nz_cpu_copy2d(nz_cpu_dev *dev, nz_dtype dt, const nz_copy2d_args *a)
{
    if (a->m < 0 || a->n < 0)
        return nz_error(NZ_ERR_INVALID, "cpu copy2d: negative shape %lld x %lld",
                        (long long)a->m, (long long)a->n);
    if (a->m == 0 || a->n == 0)
        return NZ_OK;
    if (a->ldo < a->n || a->ldx < (a->trans ? a->m : a->n))
        return nz_error(NZ_ERR_INVALID, "cpu copy2d: row stride too small (ldx %lld needs >= "
                        "%lld, ldo %lld needs >= %lld)", (long long)a->ldx,
                        (long long)(a->trans ? a->m : a->n), (long long)a->ldo,
                        (long long)a->n);
    copy_job c = {a, dt, nz_cpu_ptr(a->x, nz_dtype_size(dt)), nz_cpu_ptr(a->out, nz_dtype_size(dt))};
    nz_cpu_parallel_2d(dev, a->m, a->n, NZ_CPU_GRAIN, copy_range, &c);
    return NZ_OK;
}
