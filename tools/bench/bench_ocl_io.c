/* Costs around the kernels of a device: launching one tiny op, and moving
 * data between host and device.  Both with a fresh context on the device
 * and, for comparison, the CPU backend or a host memcpy. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench_internal.h"
#include "nazo/ops.h"
#include "nazo/tensor.h"

/* ---- launch overhead: relu of one element, queued back to back ---- */

typedef struct tiny_job {
    nz_device *dev;
    nz_tensor *x, *y;
} tiny_job;

static nz_status tiny_call(void *arg)
{
    tiny_job *j = arg;
    return nz_unary(j->y, NZ_UN_RELU, j->x, 0.0, 0.0, 1.0, 0.0);
}

static nz_status tiny_sync(void *arg)
{
    return nz_device_finish(((tiny_job *)arg)->dev);
}

static void tiny_free(void *arg)
{
    tiny_job *j = arg;
    if (!j)
        return;
    nz_tensor_free(j->x);
    nz_tensor_free(j->y);
    free(j);
}

/* work = 1 "op" per call, so nz_bench_rate() is Gop/s: 1e-3 / rate = us/op. */
static nz_status tiny_side(nz_device *dev, nz_bench_side *sd)
{
    tiny_job *j = calloc(1, sizeof *j);
    if (!j)
        return nz_error(NZ_ERR_NOMEM, "bench: out of memory");
    int64_t one = 1;
    j->dev = dev;
    j->x = nz_tensor_zeros(dev, NZ_F32, 1, &one);
    j->y = j->x ? nz_tensor_zeros(dev, NZ_F32, 1, &one) : NULL;
    if (!j->y) {
        tiny_free(j);
        return nz_error_prefix(NZ_ERR_NOMEM, "allocating one-element tensors");
    }
    *sd = (nz_bench_side){tiny_call, tiny_sync, NULL, NULL, tiny_free, j, 1.0, 0, 0.0};
    return NZ_OK;
}

static double us_per_op(const nz_bench_side *sd)
{
    double r = nz_bench_rate(sd);
    return isfinite(r) && r > 0.0 ? 1e-3 / r : NAN;
}

nz_status nz_bench_ocl_launch(nz_context *ctx, const char *device_id, const nz_bench_timing *t,
                              nz_bench_xrows *x)
{
    nz_bench_xrow *row = nz_bench_xrow_add(x, "launch", "relu 1 element", "us/op", "cpu:0", 0);
    if (!row)
        return nz_error(NZ_ERR_INVALID, "bench: too many OpenCL rows");
    nz_context *own = nz_context_create();
    nz_device *dev = NULL, *cpu = NULL;
    nz_status s = own ? nz_device_open(own, device_id, &dev) : NZ_ERR_NOMEM;
    /* The CPU backend in the caller's context: no second probe of OpenCL. */
    if (s == NZ_OK)
        s = nz_device_open(ctx, "cpu", &cpu);
    nz_bench_side d = {0}, c = {0};
    nz_bench_side *order[2] = {&d, &c};
    if (s == NZ_OK)
        s = tiny_side(dev, &d);
    if (s == NZ_OK)
        s = tiny_side(cpu, &c);
    if (s == NZ_OK)
        s = nz_bench_compare(order, 2, t);
    if (s == NZ_OK) {
        row->nazo = us_per_op(&d);
        row->ref = us_per_op(&c);
    }
    nz_bench_side_free(&d);
    nz_bench_side_free(&c);
    nz_context_free(own);
    return s;
}

/* ---- transfers: 64 MiB up and down, next to memcpy ---- */

#define XFER_BYTES ((size_t)64 << 20)

typedef struct xfer_job {
    nz_device *dev;
    nz_tensor *t;
    float *host;
    float *host2; /* memcpy's destination */
} xfer_job;

static nz_status up_call(void *arg)
{
    xfer_job *j = arg;
    return nz_tensor_upload(j->t, j->host, XFER_BYTES);
}

static nz_status down_call(void *arg)
{
    xfer_job *j = arg;
    return nz_tensor_download(j->t, j->host, XFER_BYTES);
}

static nz_status copy_call(void *arg)
{
    xfer_job *j = arg;
    memcpy(j->host2, j->host, XFER_BYTES);
    return NZ_OK;
}

static nz_status xfer_sync(void *arg)
{
    xfer_job *j = arg;
    return j->dev ? nz_device_finish(j->dev) : NZ_OK;
}

nz_status nz_bench_ocl_transfer(const char *device_id, const nz_bench_timing *t,
                                nz_bench_xrows *x)
{
    nz_bench_xrow *up = nz_bench_xrow_add(x, "upload", "64 MiB", "GB/s", "memcpy", 1);
    nz_bench_xrow *down = nz_bench_xrow_add(x, "download", "64 MiB", "GB/s", "memcpy", 1);
    if (!up || !down)
        return nz_error(NZ_ERR_INVALID, "bench: too many OpenCL rows");
    size_t count = XFER_BYTES / sizeof(float);
    xfer_job j = {NULL, NULL, nz_bench_floats(count), nz_bench_floats(count)};
    nz_context *ctx = j.host && j.host2 ? nz_context_create() : NULL;
    nz_status s = ctx ? nz_device_open(ctx, device_id, &j.dev) : NZ_ERR_NOMEM;
    if (s == NZ_OK) {
        int64_t n = (int64_t)count;
        nz_bench_fill(j.host, count, 5);
        /* Touch the destination once so page faults stay off the clock. */
        memset(j.host2, 0, XFER_BYTES);
        j.t = nz_tensor_zeros(j.dev, NZ_F32, 1, &n);
        if (!j.t)
            s = nz_error_prefix(NZ_ERR_NOMEM, "allocating a 64 MiB tensor");
    }
    xfer_job host_only = {NULL, NULL, j.host, j.host2};
    double bytes = (double)XFER_BYTES;
    nz_bench_side u = {up_call, xfer_sync, NULL, NULL, NULL, &j, bytes, 0, 0.0};
    nz_bench_side d = {down_call, xfer_sync, NULL, NULL, NULL, &j, bytes, 0, 0.0};
    nz_bench_side m = {copy_call, xfer_sync, NULL, NULL, NULL, &host_only, bytes, 0, 0.0};
    nz_bench_side *order[3] = {&u, &d, &m};
    if (s == NZ_OK)
        s = nz_bench_compare(order, 3, t);
    if (s == NZ_OK) {
        up->nazo = nz_bench_rate(&u);
        down->nazo = nz_bench_rate(&d);
        up->ref = down->ref = nz_bench_rate(&m);
    }
    nz_tensor_free(j.t);
    nz_context_free(ctx);
    free(j.host);
    free(j.host2);
    return s;
}
