/* OpenCL GEMM: nazo's own kernel against CLBlast, each next to OpenBLAS on
 * the host.  The backend reads NAZO_OPENCL_GEMM when it opens a device
 * (ocl_gemm.c, nz_ocl_gemm_init), so each setting gets a context of its own.
 *
 * One setting's context at a time, never both open: every context probes
 * the backend again, and the OpenCL plugin rebuilds its device list on each
 * probe, which an open device of an earlier context still points into. */
#include <math.h>
#include <stdio.h>

#include "bench_internal.h"

static const nz_bench_case ocl_cases[] = {
    NZ_BENCH_GEMM_CASE("gemm", 256, 256, 256, 0, 0, 1),
    NZ_BENCH_GEMM_CASE("gemm", 512, 512, 512, 0, 0, 1),
    NZ_BENCH_GEMM_CASE("gemm", 1024, 1024, 1024, 0, 0, 1),
};
#define NCASES (sizeof ocl_cases / sizeof ocl_cases[0])

/* All shapes with one implementation, each timed in turn with OpenBLAS. */
static nz_status measure_impl(const char *device_id, const char *impl, int threads,
                              const nz_bench_timing *t, nz_bench_xrow **rows)
{
    nz_bench_env env;
    nz_bench_env_set(&env, "NAZO_OPENCL_GEMM", impl);
    nz_context *ctx = nz_context_create();
    nz_device *dev = NULL;
    nz_status s = ctx ? nz_device_open(ctx, device_id, &dev) : NZ_ERR_NOMEM;
    /* The device has read the variable: the caller's value comes back. */
    nz_bench_env_restore(&env);
    for (size_t i = 0; i < NCASES && s == NZ_OK; i++) {
        nz_bench_side nazo = {0}, ref = {0};
        nz_bench_side *order[2] = {&nazo, &ref};
        s = nz_bench_nazo_gemm(dev, &ocl_cases[i], &nazo);
        if (s == NZ_OK && nz_bench_blas_available())
            s = nz_bench_blas_gemm(&ocl_cases[i], threads, &ref);
        if (s == NZ_OK)
            s = nz_bench_compare(order, ref.call ? 2 : 1, t);
        if (s == NZ_OK) {
            rows[i]->nazo = nz_bench_rate(&nazo);
            rows[i]->ref = ref.call ? nz_bench_rate(&ref) : NAN;
        }
        nz_bench_side_free(&nazo);
        nz_bench_side_free(&ref);
    }
    nz_context_free(ctx);
    if (s != NZ_OK)
        nz_error_prefix(s, "NAZO_OPENCL_GEMM=%s", impl);
    return s;
}

nz_status nz_bench_ocl_gemm(const char *device_id, int threads, const nz_bench_timing *t,
                            nz_bench_xrows *x)
{
    static const char *const impls[] = {"own", "clblast"};
    static const char *const kinds[] = {"gemm-own", "gemm-clblast"};
    for (size_t k = 0; k < 2; k++) {
        nz_bench_xrow *rows[NCASES];
        for (size_t i = 0; i < NCASES; i++) {
            char shape[48];
            nz_bench_case_shape(&ocl_cases[i], shape, sizeof shape);
            rows[i] = nz_bench_xrow_add(x, kinds[k], shape, "GFLOP/s", "openblas", threads);
            if (!rows[i])
                return nz_error(NZ_ERR_INVALID, "bench: too many OpenCL rows");
        }
        nz_status s = measure_impl(device_id, impls[k], threads, t, rows);
        if (s != NZ_OK)
            return s;
    }
    return NZ_OK;
}
