/* NZ_OP_ONEHOT: out (m x n) = on where labels[i] == j, else off.  A label
 * outside [0, n) gives a row of `off`. */
#include "cpu.h"

typedef struct onehot_job {
    const nz_onehot_args *a;
    nz_dtype dt;
    const int32_t *labels;
    void *out;
} onehot_job;

static void onehot_rows(void *vctx, int64_t i0, int64_t i1)
{
    onehot_job *o = vctx;
    const nz_onehot_args *a = o->a;
    int64_t n = a->n;
    for (int64_t i = i0; i < i1; i++) {
        int64_t lab = o->labels[i];
        if (o->dt == NZ_F32) {
            float *r = (float *)o->out + i * n, on = (float)a->on, off = (float)a->off;
            for (int64_t j = 0; j < n; j++)
                r[j] = j == lab ? on : off;
        } else {
            double *r = (double *)o->out + i * n;
            for (int64_t j = 0; j < n; j++)
                r[j] = j == lab ? a->on : a->off;
        }
    }
}

nz_status nz_cpu_onehot(nz_cpu_dev *dev, nz_dtype dt, const nz_onehot_args *a)
{
    if (a->m < 0 || a->n < 0)
        return nz_error(NZ_ERR_INVALID, "cpu onehot: negative shape %lld x %lld",
                        (long long)a->m, (long long)a->n);
    if (a->m == 0 || a->n == 0)
        return NZ_OK;
    onehot_job o = {a, dt, nz_cpu_ptr(a->labels, sizeof(int32_t)),
                    nz_cpu_ptr(a->out, nz_dtype_size(dt))};
    nz_cpu_parallel_rows(dev, a->m, a->n, onehot_rows, &o);
    return NZ_OK;
}
