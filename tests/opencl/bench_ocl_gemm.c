/* GEMM throughput of the OpenCL backend: own kernel and CLBlast at a few
 * square sizes, f32, in GFLOP/s (best of several runs after a warm-up).
 *
 * argv[1]: the opencl plugin; argv[2] (optional): device index; argv[3]
 * (optional): only this implementation (own or clblast). */
#include <time.h>

#include "ocl_test.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s nazo-backend-opencl.so [device]\n", argv[0]);
        return 2;
    }
    int index = argc > 2 ? atoi(argv[2]) : 0;
    void *dl;
    const nz_backend_iface *be = ocl_test_load(argv[1], &dl);
    CHECK(be != NULL, "loading %s", argv[1]);
    int count = 0;
    CHECK_OK(be->probe(&count));
    nz_device_info info;
    CHECK_OK(be->device_info(index, &info));
    printf("%s [%s]\n", info.name, info.detail);
    static const char *const impls[] = {"own", "clblast"};
    static const int sizes[] = {256, 512, 1024};
    for (int im = 0; im < 2; im++) {
        if (argc > 3 && strcmp(argv[3], impls[im]) != 0)
            continue;
        setenv("NAZO_OPENCL_GEMM", impls[im], 1);
        void *dev;
        CHECK_OK(be->open(index, &dev));
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            int n = sizes[si];
            size_t bytes = (size_t)n * n * 4;
            float *h = malloc(bytes);
            for (size_t i = 0; i < (size_t)n * n; i++)
                h[i] = (float)((i * 7919) % 1000) / 1000.0f;
            void *a, *b, *c;
            CHECK_OK(be->alloc(dev, bytes, &a));
            CHECK_OK(be->alloc(dev, bytes, &b));
            CHECK_OK(be->alloc(dev, bytes, &c));
            CHECK_OK(be->write(dev, a, 0, h, bytes));
            CHECK_OK(be->write(dev, b, 0, h, bytes));
            nz_op_args op;
            memset(&op, 0, sizeof op);
            op.op = NZ_OP_GEMM;
            op.dtype = NZ_F32;
            op.u.gemm = (nz_gemm_args){.m = n, .n = n, .k = n, .alpha = 1, .beta = 0,
                                       .a = {a, 0}, .b = {b, 0}, .c = {c, 0}, .lda = n,
                                       .ldb = n, .ldc = n, .batch = 1};
            nz_status s = be->run(dev, &op);
            if (s != NZ_OK) {
                printf("  %-8s n=%4d: %s\n", impls[im], n, nz_last_error());
                break;
            }
            CHECK_OK(be->finish(dev));
            /* Wall time, and CPU time of the whole process (for CPU devices
             * on a busy machine: GFLOP per CPU-second times the cores in use
             * estimates the unloaded rate). */
            double best = 1e30, best_cpu = 1e30;
            int reps = n >= 1024 ? 3 : 5;
            for (int r = 0; r < reps; r++) {
                double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
                CHECK_OK(be->run(dev, &op));
                CHECK_OK(be->finish(dev));
                double t = clock_s(CLOCK_MONOTONIC) - t0;
                double ct = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
                if (t < best)
                    best = t;
                if (ct < best_cpu)
                    best_cpu = ct;
            }
            double flop = 2.0 * n * n * (double)n;
            printf("  %-8s n=%4d: %8.1f GFLOP/s wall (%.2f ms), %8.1f GFLOP per CPU-second\n",
                   impls[im], n, flop / best * 1e-9, best * 1e3, flop / best_cpu * 1e-9);
            be->free(dev, a);
            be->free(dev, b);
            be->free(dev, c);
            free(h);
        }
        be->close(dev);
    }
    dlclose(dl);
    return 0;
}
