/* nazo-backend-opencl: the plugin descriptor, the backend table, and the op
 * dispatch.  Everything else lives in the ocl_*.c files by topic. */
#include "ocl_internal.h"

static nz_status nz_ocl_probe(int *count)
{
    *count = 0;
    nz_status s = nz_ocl_enumerate();
    if (s != NZ_OK)
        return s;
    *count = nz_ocl_device_count();
    return NZ_OK;
}

static nz_status nz_ocl_device_info(int index, nz_device_info *info)
{
    const nz_ocl_devdesc *dd = nz_ocl_device_desc(index);
    if (!dd)
        return nz_error(NZ_ERR_NOT_FOUND, "no OpenCL device %d (there are %d)", index,
                        nz_ocl_device_count());
    *info = dd->info;
    return NZ_OK;
}

static int nz_ocl_supports(void *dev, nz_op op, nz_dtype dt)
{
    nz_ocl_dev *d = dev;
    if (dt == NZ_F64 && !d->desc->info.fp64)
        return 0;
    if (dt == NZ_I32)
        /* Integer data: casts from int and gathering label rows. */
        return op == NZ_OP_CAST || op == NZ_OP_GATHER_ROWS;
    return (dt == NZ_F32 || dt == NZ_F64) && op >= 0 && op < NZ_OP_COUNT;
}

static nz_status nz_ocl_run_locked(nz_ocl_dev *d, const nz_op_args *a)
{
    switch (a->op) {
    case NZ_OP_GEMM: return nz_ocl_run_gemm(d, a);
    case NZ_OP_REDUCE: return nz_ocl_run_reduce(d, a);
    case NZ_OP_SOFTMAX_XENT: return nz_ocl_run_softmax_xent(d, a);
    case NZ_OP_CHOLESKY:
    case NZ_OP_TRSM: return nz_ocl_run_linalg(d, a);
    default: return nz_ocl_run_elementwise(d, a);
    }
}

static nz_status nz_ocl_run(void *dev, const nz_op_args *a)
{
    nz_ocl_dev *d = dev;
    if (!nz_ocl_supports(dev, a->op, a->dtype) ||
        (a->op == NZ_OP_CAST && a->u.cast.to == NZ_F64 && !d->desc->info.fp64))
        return nz_error(NZ_ERR_UNSUPPORTED, "OpenCL device '%s' does not support %s on %s%s",
                        d->desc->info.name, nz_op_name(a->op), nz_dtype_name(a->dtype),
                        d->desc->info.fp64 ? "" : " (the device has no fp64)");
    pthread_mutex_lock(&d->lock);
    nz_status s = nz_ocl_run_locked(d, a);
    pthread_mutex_unlock(&d->lock);
    if (s != NZ_OK)
        return nz_error_prefix(s, "OpenCL %s (%s) on '%s'", nz_op_name(a->op),
                               nz_dtype_name(a->dtype), d->desc->info.name);
    return NZ_OK;
}

static const nz_backend_iface nz_ocl_iface = {
    .probe = nz_ocl_probe,
    .device_info = nz_ocl_device_info,
    .open = nz_ocl_open,
    .close = nz_ocl_close,
    .finish = nz_ocl_finish,
    .alloc = nz_ocl_alloc,
    .free = nz_ocl_free,
    .write = nz_ocl_write,
    .read = nz_ocl_read,
    .copy = nz_ocl_copy,
    .fill = nz_ocl_fill,
    .supports = nz_ocl_supports,
    .run = nz_ocl_run,
    .shutdown = NULL,
};

static const nz_plugin_desc nz_ocl_desc = {
    .abi_version = NZ_ABI_VERSION,
    .kind = NZ_PLUGIN_BACKEND,
    .name = "opencl",
    .version = "0.1.0",
    .description = "OpenCL 1.2 via the ICD loader: every platform and device, CLBlast GEMM",
    .table = &nz_ocl_iface,
};

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void)
{
    return &nz_ocl_desc;
}
