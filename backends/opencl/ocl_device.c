/* Opening a device (context and one in-order queue), memory and transfers.
 *
 * Buffers are plain cl_mem handles; ops address them with element offsets
 * passed to the kernels, so no sub-buffers (and their alignment rules) are
 * needed.  Everything is enqueued without waiting, except read, which must
 * return the data, and write, which copies the caller's memory before it
 * returns (a blocking write: the host pointer may be reused at once). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_internal.h"

nz_status nz_ocl_open(int index, void **out)
{
    const nz_ocl_devdesc *dd = nz_ocl_device_desc(index);
    if (!dd)
        return nz_error(NZ_ERR_NOT_FOUND, "no OpenCL device %d (there are %d)", index,
                        nz_ocl_device_count());
    nz_ocl_dev *d = calloc(1, sizeof *d);
    if (!d)
        return nz_error(NZ_ERR_NOMEM, "out of memory opening OpenCL device %d", index);
    d->desc = dd;
    cl_int err;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)dd->platform, 0};
    d->ctx = clCreateContext(props, 1, &dd->device, NULL, NULL, &err);
    if (err != CL_SUCCESS) {
        free(d);
        return nz_ocl_fail(err, "clCreateContext", dd->info.name);
    }
    d->queue = clCreateCommandQueue(d->ctx, dd->device, 0, &err); /* in order */
    if (err != CL_SUCCESS) {
        clReleaseContext(d->ctx);
        free(d);
        return nz_ocl_fail(err, "clCreateCommandQueue", dd->info.name);
    }
    pthread_mutex_init(&d->lock, NULL);
    nz_ocl_gemm_init(d);
    *out = d;
    return NZ_OK;
}

void nz_ocl_close(void *dev)
{
    nz_ocl_dev *d = dev;
    if (!d)
        return;
    clFinish(d->queue);
    if (d->scratch)
        clReleaseMemObject(d->scratch);
    if (d->scratch2)
        clReleaseMemObject(d->scratch2);
    nz_ocl_programs_release(d);
    clReleaseCommandQueue(d->queue);
    clReleaseContext(d->ctx);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

nz_status nz_ocl_finish(void *dev)
{
    nz_ocl_dev *d = dev;
    NZ_CL_TRY(clFinish(d->queue), "finish (an earlier queued op failed)");
    return NZ_OK;
}

nz_status nz_ocl_alloc(void *dev, size_t bytes, void **buf)
{
    nz_ocl_dev *d = dev;
    const nz_device_info *in = &d->desc->info;
    if (bytes == 0)
        bytes = 1; /* OpenCL rejects empty buffers; a 0-byte tensor is legal */
    if (bytes > in->max_alloc)
        return nz_error(NZ_ERR_NOMEM,
                        "OpenCL: cannot allocate %zu bytes on '%s': the largest single buffer "
                        "is %llu bytes (CL_DEVICE_MAX_MEM_ALLOC_SIZE); split the tensor or "
                        "use smaller batches", bytes, in->name,
                        (unsigned long long)in->max_alloc);
    cl_int err;
    cl_mem m = clCreateBuffer(d->ctx, CL_MEM_READ_WRITE, bytes, NULL, &err);
    if (err != CL_SUCCESS) {
        char where[256];
        snprintf(where, sizeof where, "allocating %zu bytes on '%s'", bytes, in->name);
        return nz_ocl_fail(err, "clCreateBuffer", where);
    }
    *buf = m;
    return NZ_OK;
}

void nz_ocl_free(void *dev, void *buf)
{
    (void)dev;
    /* Safe while queued commands still use it: OpenCL defers the release. */
    if (buf)
        clReleaseMemObject((cl_mem)buf);
}

nz_status nz_ocl_write(void *dev, void *buf, size_t offset, const void *src, size_t bytes)
{
    nz_ocl_dev *d = dev;
    if (bytes == 0)
        return NZ_OK;
    NZ_CL_TRY(clEnqueueWriteBuffer(d->queue, (cl_mem)buf, CL_TRUE, offset, bytes, src, 0, NULL,
                                   NULL), "write");
    return NZ_OK;
}

nz_status nz_ocl_read(void *dev, void *buf, size_t offset, void *dst, size_t bytes)
{
    nz_ocl_dev *d = dev;
    if (bytes == 0)
        return NZ_OK;
    NZ_CL_TRY(clEnqueueReadBuffer(d->queue, (cl_mem)buf, CL_TRUE, offset, bytes, dst, 0, NULL,
                                  NULL), "read (or an earlier queued op)");
    return NZ_OK;
}

nz_status nz_ocl_copy(void *dev, void *dst, size_t dst_offset, void *src, size_t src_offset,
                      size_t bytes)
{
    nz_ocl_dev *d = dev;
    if (bytes == 0)
        return NZ_OK;
    NZ_CL_TRY(clEnqueueCopyBuffer(d->queue, (cl_mem)src, (cl_mem)dst, src_offset, dst_offset,
                                  bytes, 0, NULL, NULL), "copy");
    return NZ_OK;
}

nz_status nz_ocl_fill(void *dev, void *buf, size_t offset, size_t bytes, const void *pattern,
                      size_t pattern_size)
{
    nz_ocl_dev *d = dev;
    if (pattern_size != 1 && pattern_size != 2 && pattern_size != 4 && pattern_size != 8)
        return nz_error(NZ_ERR_INVALID, "fill: pattern size %zu is not 1, 2, 4 or 8",
                        pattern_size);
    if (offset % pattern_size || bytes % pattern_size)
        return nz_error(NZ_ERR_INVALID,
                        "fill: offset %zu and size %zu must be multiples of the pattern size %zu",
                        offset, bytes, pattern_size);
    if (bytes == 0)
        return NZ_OK;
    NZ_CL_TRY(clEnqueueFillBuffer(d->queue, (cl_mem)buf, pattern, pattern_size, offset, bytes, 0,
                                  NULL, NULL), "fill");
    return NZ_OK;
}

nz_status nz_ocl_scratch(nz_ocl_dev *d, int which, size_t bytes, cl_mem *out)
{
    cl_mem *m = which ? &d->scratch2 : &d->scratch;
    size_t *have = which ? &d->scratch2_bytes : &d->scratch_bytes;
    if (bytes == 0)
        bytes = 1;
    if (*m && *have >= bytes) {
        *out = *m;
        return NZ_OK;
    }
    if (*m)
        clReleaseMemObject(*m); /* deferred until queued users finish */
    *m = NULL;
    *have = 0;
    void *b = NULL;
    nz_status s = nz_ocl_alloc(d, bytes, &b);
    if (s != NZ_OK)
        return nz_error_prefix(s, "scratch space for an op");
    *m = b;
    *have = bytes;
    *out = *m;
    return NZ_OK;
}
