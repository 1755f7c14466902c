/* GEMM throughput of the CPU backend: nazo-backend-cpu.so path in argv[1],
 * optional size in argv[2] (default 1024); prints GFLOP/s for f32 and f64. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nazo/backend.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s nazo-backend-cpu.so [n]\n", argv[0]);
        return 2;
    }
    int64_t n = argc > 2 ? atoll(argv[2]) : 1024;
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    nz_plugin_entry_fn entry = h ? (nz_plugin_entry_fn)dlsym(h, NZ_PLUGIN_ENTRY_SYMBOL) : NULL;
    if (!entry) {
        fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
        return 1;
    }
    const nz_backend_iface *be = entry()->table;
    void *dev;
    if (be->open(0, &dev) != NZ_OK) {
        fprintf(stderr, "open: %s\n", nz_last_error());
        return 1;
    }
    nz_device_info info;
    be->device_info(0, &info);
    printf("%s, %s\n", info.name, info.detail);
    for (int dt = NZ_F32; dt <= NZ_F64; dt++) {
        size_t bytes = (size_t)(n * n) * nz_dtype_size((nz_dtype)dt);
        void *a, *b, *c;
        be->alloc(dev, bytes, &a);
        be->alloc(dev, bytes, &b);
        be->alloc(dev, bytes, &c);
        double one = 1.0;
        float onef = 1.0f;
        be->fill(dev, a, 0, bytes, dt == NZ_F32 ? (void *)&onef : (void *)&one, nz_dtype_size((nz_dtype)dt));
        be->fill(dev, b, 0, bytes, dt == NZ_F32 ? (void *)&onef : (void *)&one, nz_dtype_size((nz_dtype)dt));
        nz_op_args g = {.op = NZ_OP_GEMM, .dtype = (nz_dtype)dt};
        g.u.gemm = (nz_gemm_args){0, 0, n, n, n, 1.0, 0.0, {a, 0}, {b, 0}, {c, 0}, n, n, n, 1,
                                  0, 0, 0};
        be->run(dev, &g); /* warm up */
        int reps = 0;
        double t0 = now(), t;
        do {
            be->run(dev, &g);
            reps++;
            t = now() - t0;
        } while (t < 1.0);
        printf("gemm %s %lld^3: %.1f GFLOP/s (%d threads)\n", nz_dtype_name((nz_dtype)dt),
               (long long)n, 2.0 * (double)n * n * n * reps / t / 1e9, (int)info.compute_units);
        be->free(dev, a);
        be->free(dev, b);
        be->free(dev, c);
    }
    be->close(dev);
    return 0;
}
