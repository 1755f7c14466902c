/* Element-wise ops on a nazo device: a binary map (add), unary maps (relu,
 * sigmoid, tanh) and the fused SGD update, the memory-bound ops of a training
 * step. */
#include <stdlib.h>

#include "bench_internal.h"
#include "nazo/ops.h"

typedef struct elt_job {
    nz_device *dev;
    const nz_bench_case *c;
    nz_tensor *x, *y, *z; /* add: out=z, x, y; relu: out=z, x; sgd: w=x, g=y, v=z */
} elt_job;

static nz_status elt_call(void *arg)
{
    elt_job *j = arg;
    switch (j->c->what) {
    case NZ_BENCH_ADD: return nz_binary(j->z, NZ_BIN_ADD, j->x, j->y, 1.0, 0.0);
    case NZ_BENCH_UNARY: return nz_unary(j->z, j->c->un, j->x, 0.0, 0.0, 1.0, 0.0);
    /* A tiny rate keeps w finite over thousands of repeated updates. */
    case NZ_BENCH_SGD: return nz_sgd_update(j->x, j->y, j->z, 1e-6, 0.9, 0.0, 0);
    case NZ_BENCH_GEMM: break;
    }
    return nz_error(NZ_ERR_INVALID, "bench: not an element-wise case");
}

static nz_status elt_sync(void *arg)
{
    return nz_device_finish(((elt_job *)arg)->dev);
}

static void elt_free(void *arg)
{
    elt_job *j = arg;
    if (!j)
        return;
    nz_tensor_free(j->x);
    nz_tensor_free(j->y);
    nz_tensor_free(j->z);
    free(j);
}

nz_status nz_bench_nazo_eltwise(nz_device *dev, const nz_bench_case *c, nz_bench_side *sd)
{
    size_t count = (size_t)(c->m * c->n);
    int64_t shape[2] = {c->m, c->n};
    elt_job *j = calloc(1, sizeof *j);
    float *host = nz_bench_floats(count);
    if (!j || !host) {
        free(j);
        free(host);
        return nz_error(NZ_ERR_NOMEM, "bench: out of memory for %zu floats", count);
    }
    *j = (elt_job){dev, c, NULL, NULL, NULL};
    nz_bench_fill(host, count, 3);
    j->x = nz_tensor_from_host(dev, NZ_F32, 2, shape, host);
    nz_bench_fill(host, count, 4);
    j->y = j->x ? nz_tensor_from_host(dev, NZ_F32, 2, shape, host) : NULL;
    free(host);
    j->z = j->y ? nz_tensor_zeros(dev, NZ_F32, 2, shape) : NULL;
    if (!j->z) {
        elt_free(j);
        return nz_error_prefix(NZ_ERR_NOMEM, "allocating element-wise operands");
    }
    *sd = (nz_bench_side){elt_call, elt_sync, NULL, NULL, elt_free, j, nz_bench_case_work(c), 0,
                          0.0};
    return NZ_OK;
}
