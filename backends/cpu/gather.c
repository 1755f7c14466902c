/* NZ_OP_GATHER_ROWS: out[i, :] = x[idx[i], :] (mini-batch assembly).  Rows
 * are plain copies, so any element size works (f32, f64, i32). */
#include <string.h>

#include "cpu.h"

typedef struct gather_job {
    const nz_gather_args *a;
    const unsigned char *x;
    const int32_t *idx;
    unsigned char *out;
    size_t row_bytes;
} gather_job;

static void gather_rows(void *vctx, int64_t i0, int64_t i1)
{
    gather_job *g = vctx;
    for (int64_t i = i0; i < i1; i++)
        memcpy(g->out + (size_t)i * g->row_bytes, g->x + (size_t)g->idx[i] * g->row_bytes,
               g->row_bytes);
}

nz_status nz_cpu_gather(nz_cpu_dev *dev, nz_dtype dt, const nz_gather_args *a)
{
    if (a->m < 0 || a->n < 0 || a->x_rows < 0)
        return nz_error(NZ_ERR_INVALID, "cpu gather_rows: negative size (m %lld, n %lld, "
                        "x_rows %lld)", (long long)a->m, (long long)a->n, (long long)a->x_rows);
    if (a->m == 0 || a->n == 0)
        return NZ_OK;
    size_t es = nz_dtype_size(dt);
    gather_job g = {a, nz_cpu_ptr(a->x, es), nz_cpu_ptr(a->idx, sizeof(int32_t)),
                    nz_cpu_ptr(a->out, es), (size_t)a->n * es};
    /* An index past x would read foreign memory: refuse before writing. */
    for (int64_t i = 0; i < a->m; i++)
        if (g.idx[i] < 0 || g.idx[i] >= a->x_rows)
            return nz_error(NZ_ERR_INVALID, "cpu gather_rows: idx[%lld] = %d is outside the "
                            "%lld rows of x", (long long)i, (int)g.idx[i],
                            (long long)a->x_rows);
    nz_cpu_parallel_rows(dev, a->m, a->n, gather_rows, &g);
    return NZ_OK;
}
