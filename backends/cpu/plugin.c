/* The CPU backend's plugin descriptor, device lifecycle and op dispatch. */
#include <stdlib.h>
#include <string.h>

#include "cpu.h"

static nz_status cpu_probe(int *count)
{
    *count = 1;
    return NZ_OK;
}

static nz_status cpu_device_info(int index, nz_device_info *info)
{
    if (index != 0)
        return nz_error(NZ_ERR_NOT_FOUND, "cpu: no device %d: the CPU backend has one device, cpu:0",
                        index);
    return nz_cpu_fill_info(info);
}

static void cpu_close(void *vdev)
{
    nz_cpu_dev *dev = vdev;
    if (!dev)
        return;
    nz_cpu_pool_free(dev->pool);
    if (dev->scratch) {
        for (int i = 0; i <= dev->threads; i++)
            free(dev->scratch[i].mem);
        free(dev->scratch);
    }
    pthread_mutex_destroy(&dev->lock);
    free(dev);
}

static nz_status cpu_open(int index, void **out)
{
    *out = NULL;
    if (index != 0)
        return nz_error(NZ_ERR_NOT_FOUND, "cpu: no device %d: the CPU backend has one device, cpu:0",
                        index);
    int threads;
    nz_cpu_simd simd;
    nz_status s = nz_cpu_thread_count(&threads);
    if (s == NZ_OK)
        s = nz_cpu_simd_choice(&simd);
    if (s != NZ_OK)
        return s;
    nz_cpu_dev *dev = calloc(1, sizeof *dev);
    if (!dev)
        return nz_error(NZ_ERR_NOMEM, "cpu: out of memory opening cpu:0");
    pthread_mutex_init(&dev->lock, NULL);
    dev->threads = threads;
    dev->simd = simd;
    dev->scratch = calloc((size_t)threads + 1, sizeof *dev->scratch);
    if (!dev->scratch) {
        cpu_close(dev);
        return nz_error(NZ_ERR_NOMEM, "cpu: out of memory opening cpu:0");
    }
    s = nz_cpu_pool_create(threads, &dev->pool);
    if (s != NZ_OK) {
        cpu_close(dev);
        return s;
    }
    *out = dev;
    return NZ_OK;
}

static nz_status cpu_finish(void *dev)
{
    (void)dev; /* ops complete before run() returns */
    return NZ_OK;
}

/* I32 is the operand dtype only of ops that just move 32-bit values. */
static int op_supported(nz_op op, nz_dtype dt)
{
    if ((unsigned)op >= NZ_OP_COUNT)
        return 0;
    if (dt == NZ_F32 || dt == NZ_F64)
        return 1;
    if (dt == NZ_I32)
        return op == NZ_OP_CAST || op == NZ_OP_GATHER_ROWS;
    return 0;
}

static int cpu_supports(void *dev, nz_op op, nz_dtype dt)
{
    (void)dev;
    return op_supported(op, dt);
}

static nz_status dispatch(nz_cpu_dev *dev, const nz_op_args *a)
{
    nz_dtype dt = a->dtype;
    switch (a->op) {
    case NZ_OP_GEMM: return nz_cpu_gemm(dev, dt, &a->u.gemm);
    case NZ_OP_UNARY: return nz_cpu_unary(dev, dt, &a->u.unary);
    case NZ_OP_BINARY: return nz_cpu_binary(dev, dt, &a->u.binary);
    case NZ_OP_REDUCE: return nz_cpu_reduce(dev, dt, &a->u.reduce);
    case NZ_OP_SOFTMAX_XENT: return nz_cpu_softmax_xent(dev, dt, &a->u.softmax_xent);
    case NZ_OP_GATHER_ROWS: return nz_cpu_gather(dev, dt, &a->u.gather);
    case NZ_OP_RANDOM: return nz_cpu_random(dev, dt, &a->u.random);
    case NZ_OP_SGD: return nz_cpu_sgd(dev, dt, &a->u.sgd);
    case NZ_OP_ADAM: return nz_cpu_adam(dev, dt, &a->u.adam);
    case NZ_OP_COPY2D: return nz_cpu_copy2d(dev, dt, &a->u.copy2d);
    case NZ_OP_CAST: return nz_cpu_cast(dev, dt, &a->u.cast);
    case NZ_OP_ONEHOT: return nz_cpu_onehot(dev, dt, &a->u.onehot);
    case NZ_OP_CHOLESKY: return nz_cpu_cholesky(dev, dt, &a->u.cholesky);
    case NZ_OP_TRSM: return nz_cpu_trsm(dev, dt, &a->u.trsm);
    default: break;
    }
    return nz_error(NZ_ERR_UNSUPPORTED, "cpu: unknown op %d", (int)a->op);
}

static nz_status cpu_run(void *vdev, const nz_op_args *a)
{
    nz_cpu_dev *dev = vdev;
    if (!dev || !a)
        return nz_error(NZ_ERR_INVALID, "cpu run: device or op arguments are NULL");
    if (!op_supported(a->op, a->dtype)) {
        if ((unsigned)a->op >= NZ_OP_COUNT)
            return nz_error(NZ_ERR_UNSUPPORTED, "cpu: unknown op %d", (int)a->op);
        return nz_error(NZ_ERR_UNSUPPORTED,
                        "cpu: op %s does not take dtype %s (f32 and f64 are supported%s)",
                        nz_op_name(a->op), nz_dtype_name(a->dtype),
                        op_supported(a->op, NZ_I32) ? ", and i32" : "");
    }
    pthread_mutex_lock(&dev->lock);
    nz_status s = dispatch(dev, a);
    pthread_mutex_unlock(&dev->lock);
    return s;
}

static const nz_backend_iface cpu_iface = {
    .probe = cpu_probe,
    .device_info = cpu_device_info,
    .open = cpu_open,
    .close = cpu_close,
    .finish = cpu_finish,
    .alloc = nz_cpu_alloc,
    .free = nz_cpu_free,
    .write = nz_cpu_write,
    .read = nz_cpu_read,
    .copy = nz_cpu_copy,
    .fill = nz_cpu_fill,
    .supports = cpu_supports,
    .run = cpu_run,
    .shutdown = NULL,
};

static const nz_plugin_desc cpu_desc = {
    .abi_version = NZ_ABI_VERSION,
    .kind = NZ_PLUGIN_BACKEND,
    .name = "cpu",
    .version = "0.1.0",
    .description = "CPU: SIMD C kernels (AVX-512/AVX2/portable, chosen at run time), thread pool",
    .table = &cpu_iface,
};

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void);

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void)
{
    return &cpu_desc;
}
