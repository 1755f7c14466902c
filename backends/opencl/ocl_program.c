/* Building the kernel program of a device (once per dtype, on first use,
 * through the disk cache) and launching its kernels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_internal.h"

/* From the generated nz_ocl_sources.c (embed_cl.py). */
extern const char *const nz_ocl_source_parts[];
extern const char *const nz_ocl_source_names[];
extern const size_t nz_ocl_source_count;

static char *nz_program_source(size_t *len)
{
    size_t total = 0;
    for (size_t i = 0; i < nz_ocl_source_count; i++)
        total += strlen(nz_ocl_source_parts[i]) + 1;
    char *s = malloc(total + 1), *p = s;
    if (!s)
        return NULL;
    for (size_t i = 0; i < nz_ocl_source_count; i++) {
        size_t n = strlen(nz_ocl_source_parts[i]);
        memcpy(p, nz_ocl_source_parts[i], n);
        p += n;
        *p++ = '\n';
    }
    *p = 0;
    *len = total;
    return s;
}

/* Report a failed build with (the end of) the compiler's log, which holds
 * the first error only when short; keep its head. */
static nz_status nz_build_failed(nz_ocl_dev *d, cl_program prog, cl_int err, const char *opts)
{
    size_t n = 0;
    char *log = NULL;
    if (clGetProgramBuildInfo(prog, d->desc->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &n) ==
            CL_SUCCESS && n > 0 && (log = malloc(n + 1)) != NULL) {
        if (clGetProgramBuildInfo(prog, d->desc->device, CL_PROGRAM_BUILD_LOG, n, log, NULL) !=
            CL_SUCCESS)
            n = 0;
        log[n] = 0;
    }
    nz_status s = nz_error(NZ_ERR_DEVICE,
                           "OpenCL: building the nazo kernels for '%s' failed: %s (options "
                           "'%s'); the driver's compiler may be too old or buggy. Build log:\n%.3000s",
                           d->desc->info.name, nz_ocl_err_name(err), opts, log ? log : "(none)");
    free(log);
    return s;
}

static nz_status nz_program_build(nz_ocl_dev *d, nz_dtype dt, nz_ocl_program *pr)
{
    const nz_ocl_devdesc *dd = d->desc;
    char opts[256];
    snprintf(opts, sizeof opts, "-DNZ_F64=%d -DNZ_HAVE_FMA=%d -DNZ_GEMM_TM=%d -DNZ_GEMM_VN=%d%s",
             dt == NZ_F64 ? 1 : 0, dd->hw_fma, NZ_OCL_GEMM_TM, NZ_OCL_GEMM_VN,
             dd->correct_div_sqrt ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");
    size_t slen = 0;
    char *src = nz_program_source(&slen);
    if (!src)
        return nz_error(NZ_ERR_NOMEM, "out of memory assembling the OpenCL program source");
    char key[1024];
    snprintf(key, sizeof key,
             "nazo-opencl-program 1\nsource %016llx %zu\noptions %s\nplatform %s\n"
             "device %s\ndevice-version %s\ndriver %s\n",
             (unsigned long long)nz_ocl_hash(src, slen, NZ_OCL_HASH_SEED), slen, opts,
             dd->platform_name, dd->info.name, dd->device_version, dd->driver);

    cl_int err;
    cl_program prog = NULL;
    size_t blen = 0;
    unsigned char *bin = nz_ocl_cache_load(key, &blen);
    if (bin) {
        const unsigned char *bins[1] = {bin};
        cl_int bstatus = CL_SUCCESS;
        prog = clCreateProgramWithBinary(d->ctx, 1, &dd->device, &blen, bins, &bstatus, &err);
        if (err == CL_SUCCESS && bstatus == CL_SUCCESS)
            err = clBuildProgram(prog, 1, &dd->device, opts, NULL, NULL);
        else if (err == CL_SUCCESS)
            err = bstatus;
        if (err != CL_SUCCESS) {
            /* Never trust an entry the driver rejects: rebuild from source. */
            nz_debug("opencl", "cached binary rejected (%s), rebuilding", nz_ocl_err_name(err));
            if (prog)
                clReleaseProgram(prog);
            prog = NULL;
        }
        free(bin);
    }
    if (!prog) {
        nz_debug("opencl", "building the %s program from source for %s",
                 nz_dtype_name(dt), dd->info.name);
        const char *srcs[1] = {src};
        prog = clCreateProgramWithSource(d->ctx, 1, srcs, &slen, &err);
        if (err != CL_SUCCESS) {
            free(src);
            return nz_ocl_fail(err, "clCreateProgramWithSource", "building the kernel program");
        }
        err = clBuildProgram(prog, 1, &dd->device, opts, NULL, NULL);
        if (err != CL_SUCCESS) {
            nz_status s = nz_build_failed(d, prog, err, opts);
            clReleaseProgram(prog);
            free(src);
            return s;
        }
        size_t bsize = 0;
        if (clGetProgramInfo(prog, CL_PROGRAM_BINARY_SIZES, sizeof bsize, &bsize, NULL) ==
                CL_SUCCESS && bsize > 0) {
            unsigned char *out = malloc(bsize);
            unsigned char *outs[1] = {out};
            if (out && clGetProgramInfo(prog, CL_PROGRAM_BINARIES, sizeof outs, outs, NULL) ==
                           CL_SUCCESS)
                nz_ocl_cache_store(key, out, bsize);
            free(out);
        }
    }
    free(src);
    pr->prog = prog;
    return NZ_OK;
}

nz_status nz_ocl_kernel_get(nz_ocl_dev *d, nz_dtype dt, const char *name, nz_ocl_kernel **out)
{
    if (dt == NZ_F64 && !d->desc->info.fp64)
        return nz_error(NZ_ERR_UNSUPPORTED,
                        "OpenCL device '%s' has no fp64 (cl_khr_fp64): use float32 or "
                        "another device", d->desc->info.name);
    nz_ocl_program *pr = &d->progs[dt == NZ_F64 ? 1 : 0];
    if (!pr->prog) {
        nz_status s = nz_program_build(d, dt, pr);
        if (s != NZ_OK)
            return s;
    }
    for (int i = 0; i < pr->nkernels; i++) {
        if (strcmp(pr->kernels[i].name, name) == 0) {
            *out = &pr->kernels[i];
            return NZ_OK;
        }
    }
    if (pr->nkernels == NZ_OCL_MAX_KERNELS)
        return nz_error(NZ_ERR_DEVICE, "OpenCL: too many kernels (raise NZ_OCL_MAX_KERNELS)");
    cl_int err;
    cl_kernel k = clCreateKernel(pr->prog, name, &err);
    if (err != CL_SUCCESS)
        return nz_ocl_fail(err, "clCreateKernel", name);
    nz_ocl_kernel *kk = &pr->kernels[pr->nkernels++];
    memset(kk, 0, sizeof *kk);
    snprintf(kk->name, sizeof kk->name, "%s", name);
    kk->k = k;
    kk->max_wg = d->desc->max_wg;
    kk->pref_multiple = 1;
    clGetKernelWorkGroupInfo(k, d->desc->device, CL_KERNEL_WORK_GROUP_SIZE, sizeof kk->max_wg,
                             &kk->max_wg, NULL);
    clGetKernelWorkGroupInfo(k, d->desc->device, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE,
                             sizeof kk->pref_multiple, &kk->pref_multiple, NULL);
    if (kk->max_wg == 0)
        kk->max_wg = 1;
    if (kk->pref_multiple == 0)
        kk->pref_multiple = 1;
    *out = kk;
    return NZ_OK;
}

void nz_ocl_programs_release(nz_ocl_dev *d)
{
    for (int p = 0; p < 2; p++) {
        nz_ocl_program *pr = &d->progs[p];
        for (int i = 0; i < pr->nkernels; i++)
            clReleaseKernel(pr->kernels[i].k);
        pr->nkernels = 0;
        if (pr->prog)
            clReleaseProgram(pr->prog);
        pr->prog = NULL;
    }
}

size_t nz_ocl_pow2_wg(const nz_ocl_dev *d, const nz_ocl_kernel *k, size_t limit,
                      size_t bytes_per_item)
{
    size_t cap = k->max_wg < limit ? k->max_wg : limit;
    if (bytes_per_item) {
        /* Leave some local memory to the implementation. */
        size_t by_mem = (size_t)(d->desc->local_mem / 2) / bytes_per_item;
        if (by_mem < cap)
            cap = by_mem;
    }
    size_t wg = 1;
    while (wg * 2 <= cap)
        wg *= 2;
    return wg;
}

/* A work-group shape from the kernel's limits: along dimension 0 up to 256
 * (a multiple of the preferred multiple when possible), further dimensions
 * get what is left, up to 16. */
static void nz_default_local(const nz_ocl_kernel *k, int dims, const size_t *work, size_t *local)
{
    size_t budget = k->max_wg < 256 ? k->max_wg : 256;
    size_t l0 = budget;
    if (dims > 1) {
        l0 = 1;
        while (l0 * 2 <= budget && l0 < 16 * k->pref_multiple && l0 < work[0])
            l0 *= 2;
        if (l0 < k->pref_multiple && k->pref_multiple <= budget)
            l0 = k->pref_multiple;
    } else if (l0 >= k->pref_multiple) {
        l0 -= l0 % k->pref_multiple;
    }
    local[0] = l0;
    size_t left = budget / l0;
    for (int i = 1; i < dims; i++) {
        size_t l = 1;
        while (l * 2 <= left && l < 16 && l < work[i])
            l *= 2;
        local[i] = l;
        left /= l;
    }
}

nz_status nz_ocl_launch(nz_ocl_dev *d, nz_ocl_kernel *k, int dims, const size_t *work,
                        const size_t *local, const nz_karg *args, int nargs)
{
    for (int i = 0; i < dims; i++)
        if (work[i] == 0)
            return NZ_OK; /* nothing to do; a zero size is an error in OpenCL */
    for (int i = 0; i < nargs; i++) {
        cl_int err = clSetKernelArg(k->k, (cl_uint)i, args[i].size,
                                    args[i].local ? NULL : (const void *)&args[i].v);
        if (err != CL_SUCCESS) {
            char where[96];
            snprintf(where, sizeof where, "%s argument %d", k->name, i);
            return nz_ocl_fail(err, "clSetKernelArg", where);
        }
    }
    size_t loc[3], glob[3];
    if (local)
        memcpy(loc, local, (size_t)dims * sizeof *loc);
    else
        nz_default_local(k, dims, work, loc);
    for (int i = 0; i < dims; i++)
        glob[i] = (work[i] + loc[i] - 1) / loc[i] * loc[i];
    if (nz_debug_enabled("opencl"))
        nz_debug("opencl", "launch %s global %zu,%zu,%zu local %zu,%zu,%zu", k->name, glob[0],
                 dims > 1 ? glob[1] : 1, dims > 2 ? glob[2] : 1, loc[0], dims > 1 ? loc[1] : 1,
                 dims > 2 ? loc[2] : 1);
    cl_int err = clEnqueueNDRangeKernel(d->queue, k->k, (cl_uint)dims, NULL, glob, loc, 0, NULL,
                                        NULL);
    if (err != CL_SUCCESS)
        return nz_ocl_fail(err, "clEnqueueNDRangeKernel", k->name);
    return NZ_OK;
}
