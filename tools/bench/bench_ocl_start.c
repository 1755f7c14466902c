/* Cold and warm start: seconds from nz_context_create to the first
 * completed op on the device.  The OpenCL backend compiles its program on
 * first use and keeps the binary in NAZO_CACHE_DIR; a fresh empty directory
 * makes the start cold (compiled), the same directory again makes it warm
 * (loaded).  Setting the variable for the whole start is enough: the cache
 * reads it on every access (ocl_cache.c).
 *
 * What this cannot reset: the OpenCL ICD loader and the driver are set up
 * once per process (by the caller's context here), and a driver may keep a
 * cache of its own (PoCL's in ~/.cache/pocl), so "cold" means nazo's cache
 * only. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_internal.h"
#include "nazo/ops.h"
#include "nazo/tensor.h"

/* One start: context, device, a one-element relu, finish. */
static nz_status one_start(const char *device_id, double *seconds)
{
    double t0 = nz_bench_now();
    nz_context *ctx = nz_context_create();
    nz_device *dev = NULL;
    nz_tensor *x = NULL, *y = NULL;
    int64_t one = 1;
    nz_status s = ctx ? nz_device_open(ctx, device_id, &dev) : NZ_ERR_NOMEM;
    if (s == NZ_OK) {
        x = nz_tensor_zeros(dev, NZ_F32, 1, &one);
        y = x ? nz_tensor_zeros(dev, NZ_F32, 1, &one) : NULL;
        s = y ? nz_unary(y, NZ_UN_RELU, x, 0.0, 0.0, 1.0, 0.0) : NZ_ERR_NOMEM;
    }
    if (s == NZ_OK)
        s = nz_device_finish(dev);
    *seconds = nz_bench_now() - t0;
    nz_tensor_free(x);
    nz_tensor_free(y);
    nz_context_free(ctx);
    return s;
}

/* Files in dir (removing them when `remove` is set); -1 when unreadable. */
static int cache_files(const char *dir, int remove)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        /* A name too long for path is not one the cache wrote: leave it. */
        int len = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (remove && len > 0 && (size_t)len < sizeof path)
            unlink(path);
    }
    closedir(d);
    return n;
}

nz_status nz_bench_ocl_start(const char *device_id, const nz_bench_timing *t, nz_bench_xrows *x)
{
    nz_bench_xrow *cold = nz_bench_xrow_add(x, "start", "cold (empty cache)", "s", "-", 0);
    nz_bench_xrow *warm = nz_bench_xrow_add(x, "start", "warm (cached)", "s", "-", 0);
    if (!cold || !warm)
        return nz_error(NZ_ERR_INVALID, "bench: too many OpenCL rows");
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/nazo-bench-cache-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return nz_error(NZ_ERR_IO, "bench: cannot create a temporary cache directory in %s",
                        tmp && *tmp ? tmp : "/tmp");
    nz_bench_env env;
    nz_bench_env_set(&env, "NAZO_CACHE_DIR", dir);
    double sec = 0.0;
    nz_status s = one_start(device_id, &sec);
    if (s == NZ_OK) {
        cold->nazo = sec;
        /* Without files there is nothing warm to measure: say so. */
        if (cache_files(dir, 0) <= 0)
            s = nz_error(NZ_ERR_IO, "bench: the cold start wrote nothing to %s", dir);
    }
    /* Best of the runs: other load only ever slows a start down. */
    for (int r = 0; s == NZ_OK && r < (t->runs < 1 ? 1 : t->runs); r++) {
        s = one_start(device_id, &sec);
        if (s == NZ_OK)
            warm->nazo = isnan(warm->nazo) ? sec : fmin(warm->nazo, sec);
    }
    nz_bench_env_restore(&env);
    cache_files(dir, 1);
    rmdir(dir);
    return s;
}
