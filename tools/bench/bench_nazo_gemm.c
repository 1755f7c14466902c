/* GEMM on a nazo device through the public op front end, nz_matmul, as an
 * experiment would call it. */
#include <stdlib.h>

#include "bench_internal.h"
#include "nazo/ops.h"

typedef struct gemm_job {
    nz_device *dev;
    nz_tensor *a, *b, *c;
    int trans_a, trans_b;
} gemm_job;

static nz_status gemm_call(void *arg)
{
    gemm_job *j = arg;
    return nz_matmul(j->c, j->a, j->trans_a, j->b, j->trans_b, 1.0, 0.0);
}

static nz_status gemm_sync(void *arg)
{
    return nz_device_finish(((gemm_job *)arg)->dev);
}

static void gemm_free(void *arg)
{
    gemm_job *j = arg;
    if (!j)
        return;
    nz_tensor_free(j->a);
    nz_tensor_free(j->b);
    nz_tensor_free(j->c);
    free(j);
}

/* A tensor of rows x cols holding nz_bench_fill(seed) values: the same data
 * the OpenBLAS side multiplies. */
static nz_tensor *filled(nz_device *dev, int64_t rows, int64_t cols, uint64_t seed)
{
    size_t count = (size_t)(rows * cols);
    float *host = nz_bench_floats(count);
    if (!host)
        return NULL;
    nz_bench_fill(host, count, seed);
    int64_t shape[2] = {rows, cols};
    nz_tensor *t = nz_tensor_from_host(dev, NZ_F32, 2, shape, host);
    free(host);
    return t;
}

nz_status nz_bench_nazo_gemm(nz_device *dev, const nz_bench_case *c, nz_bench_side *sd)
{
    gemm_job *j = calloc(1, sizeof *j);
    if (!j)
        return nz_error(NZ_ERR_NOMEM, "bench: out of memory");
    *j = (gemm_job){dev, NULL, NULL, NULL, c->trans_a, c->trans_b};
    /* Stored shapes: op(A) is m x k, so A^T is stored k x m; likewise B. */
    j->a = c->trans_a ? filled(dev, c->k, c->m, 1) : filled(dev, c->m, c->k, 1);
    j->b = j->a ? (c->trans_b ? filled(dev, c->n, c->k, 2) : filled(dev, c->k, c->n, 2)) : NULL;
    j->c = j->b ? nz_tensor_zeros(dev, NZ_F32, 2, (int64_t[2]){c->m, c->n}) : NULL;
    if (!j->c) {
        gemm_free(j);
        return nz_error_prefix(NZ_ERR_NOMEM, "allocating GEMM operands");
    }
    *sd = (nz_bench_side){gemm_call, gemm_sync, NULL, NULL, gemm_free, j, nz_bench_case_work(c), 0,
                          0.0};
    return NZ_OK;
}
