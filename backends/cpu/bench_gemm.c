/* GEMM throughput of the CPU backend next to OpenBLAS, on 1 and 2 threads.
 *
 *   bench_cpu_gemm nazo-backend-cpu.so [-r ROUNDS] [-t SECONDS] [SHAPE...]
 *
 * SHAPE is M,K,N[,tA][,tB] (default: the shapes).  OpenBLAS is
 * dlopen'ed (libopenblas.so.0) when present.  The machine is shared, so the
 * sides of a shape are measured in turn, ROUNDS times, and the best run of
 * each is kept: other processes can only slow a run down. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nazo/backend.h"

static double clk(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void)
{
    return clk(CLOCK_MONOTONIC);
}

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                         const float *, int, float, float *, int);
typedef void (*setthreads_fn)(int);

static const nz_backend_iface *be;
static void *devs[2];
static sgemm_fn sgemm;
static setthreads_fn setthreads;

typedef struct shape {
    int64_t m, k, n;
    int ta, tb;
} shape;

typedef struct ctx {
    shape s;
    void *a, *b, *c;            /* device buffers, per device */
    float *ha, *hb, *hc;        /* host copies for OpenBLAS */
} ctx;

static void run_side(ctx *x, int side, int dev)
{
    const shape *s = &x->s;
    int64_t lda = s->ta ? s->m : s->k, ldb = s->tb ? s->k : s->n;
    if (side == 0) {
        nz_op_args g = {.op = NZ_OP_GEMM, .dtype = NZ_F32};
        g.u.gemm = (nz_gemm_args){s->ta, s->tb, s->m, s->n, s->k, 1.0, 0.0, {x->a, 0},
                                  {x->b, 0}, {x->c, 0}, lda, ldb, s->n, 1, 0, 0, 0};
        (void)dev;
        be->run(devs[dev], &g);
    } else {
        /* CblasRowMajor 101, NoTrans 111, Trans 112 */
        sgemm(101, s->ta ? 112 : 111, s->tb ? 112 : 111, (int)s->m, (int)s->n, (int)s->k, 1.0f,
              x->ha, (int)lda, x->hb, (int)ldb, 0.0f, x->hc, (int)s->n);
    }
}

/* Seconds per call over a run of at least `secs`: wall time, and the CPU
 * time of the whole process (on a busy machine the better estimate of what the
 * code costs on an idle one; it counts the spinning of idle workers too). */
static double time_side(ctx *x, int side, int dev, double secs, double *cpu)
{
    if (side == 1)
        setthreads(dev + 1);
    int reps = 0;
    double c0 = clk(CLOCK_PROCESS_CPUTIME_ID), t0 = now(), t;
    do {
        run_side(x, side, dev);
        reps++;
        t = now() - t0;
    } while (t < secs);
    *cpu = (clk(CLOCK_PROCESS_CPUTIME_ID) - c0) / reps;
    if (side == 1)
        /* OpenBLAS's workers spin ~0.13 s after a call (their CPU time would
         * count in the next side's): let them sleep, off the clock */
        usleep(300000);
    return t / reps;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s nazo-backend-cpu.so [-r rounds] [-t secs] [M,K,N[,tA][,tB]...]\n",
                argv[0]);
        return 2;
    }
    int rounds = 5;
    double secs = 0.1;
    shape shapes[64];
    int nshapes = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-r") && i + 1 < argc) {
            rounds = atoi(argv[++i]);
            continue;
        }
        if (!strcmp(argv[i], "-t") && i + 1 < argc) {
            secs = atof(argv[++i]);
            continue;
        }
        if (nshapes == 64)
            break;
        shape s = {0};
        long long m, k, n;
        if (sscanf(argv[i], "%lld,%lld,%lld", &m, &k, &n) != 3) {
            fprintf(stderr, "bad shape %s (want M,K,N[,tA][,tB])\n", argv[i]);
            return 2;
        }
        s.m = m, s.k = k, s.n = n;
        s.ta = strstr(argv[i], "tA") != NULL;
        s.tb = strstr(argv[i], "tB") != NULL;
        shapes[nshapes++] = s;
    }
    if (nshapes == 0) {
        const shape def[] = {{256, 256, 256, 0, 0},   {512, 512, 512, 0, 0},
                             {1024, 1024, 1024, 0, 0}, {128, 784, 1024, 0, 0},
                             {128, 1024, 1024, 0, 0}, {784, 128, 1024, 1, 0},
                             {128, 1024, 784, 0, 1},  {1024, 128, 1024, 1, 0},
                             {128, 1024, 1024, 0, 1}};
        nshapes = (int)(sizeof def / sizeof def[0]);
        memcpy(shapes, def, sizeof def);
    }
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    nz_plugin_entry_fn entry = h ? (nz_plugin_entry_fn)dlsym(h, NZ_PLUGIN_ENTRY_SYMBOL) : NULL;
    if (!entry) {
        fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
        return 1;
    }
    be = entry()->table;
    for (int d = 0; d < 2; d++) {
        setenv("NAZO_CPU_THREADS", d ? "2" : "1", 1);
        if (be->open(0, &devs[d]) != NZ_OK) {
            fprintf(stderr, "open: %s\n", nz_last_error());
            return 1;
        }
    }
    void *hb = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    if (hb) {
        sgemm = (sgemm_fn)dlsym(hb, "cblas_sgemm");
        setthreads = (setthreads_fn)dlsym(hb, "openblas_set_num_threads");
    }
    int nsides = sgemm && setthreads ? 2 : 1;
    nz_device_info info;
    be->device_info(0, &info);
    printf("%s, %s; OpenBLAS %s; best of %d runs of >= %.2f s\n", info.name, info.detail,
           nsides == 2 ? "found" : "not found", rounds, secs);
    printf("GFLOP/s by wall time | by process CPU time (per CPU-second: x threads for an idle machine)\n");
    printf("%-22s %3s %9s %9s %6s | %9s %9s %6s\n", "M,K,N", "thr", "nazo", "openblas", "ratio",
           "nazo", "openblas", "ratio");
    for (int si = 0; si < nshapes; si++) {
        ctx x = {.s = shapes[si]};
        shape *s = &x.s;
        size_t na = (size_t)(s->m * s->k), nb = (size_t)(s->k * s->n), nc = (size_t)(s->m * s->n);
        be->alloc(devs[0], na * 4, &x.a);
        be->alloc(devs[0], nb * 4, &x.b);
        be->alloc(devs[0], nc * 4, &x.c);
        x.ha = malloc(na * 4), x.hb = malloc(nb * 4), x.hc = malloc(nc * 4);
        for (size_t i = 0; i < na; i++)
            x.ha[i] = (float)((i * 7 % 13) - 6) * 0.1f;
        for (size_t i = 0; i < nb; i++)
            x.hb[i] = (float)((i * 5 % 11) - 5) * 0.1f;
        be->write(devs[0], x.a, 0, x.ha, na * 4);
        be->write(devs[0], x.b, 0, x.hb, nb * 4);
        double best[2][2] = {{1e30, 1e30}, {1e30, 1e30}}, bcpu[2][2] = {{1e30, 1e30}, {1e30, 1e30}};
        double cpu;
        for (int d = 0; d < 2; d++)
            for (int sd = 0; sd < nsides; sd++)
                time_side(&x, sd, d, 0.02, &cpu); /* warm up */
        for (int r = 0; r < rounds; r++)
            for (int d = 0; d < 2; d++)
                for (int sd = 0; sd < nsides; sd++) {
                    double t = time_side(&x, sd, d, secs, &cpu);
                    if (t < best[d][sd])
                        best[d][sd] = t;
                    if (cpu < bcpu[d][sd])
                        bcpu[d][sd] = cpu;
                }
        double fl = 2.0 * (double)s->m * (double)s->k * (double)s->n / 1e9;
        for (int d = 0; d < 2; d++) {
            char name[64];
            snprintf(name, sizeof name, "%lld,%lld,%lld%s%s", (long long)s->m, (long long)s->k,
                     (long long)s->n, s->ta ? ",tA" : "", s->tb ? ",tB" : "");
            double gn = fl / best[d][0], gb = nsides == 2 ? fl / best[d][1] : 0;
            double cn = fl / bcpu[d][0], cb = nsides == 2 ? fl / bcpu[d][1] : 0;
            printf("%-22s %3d %9.1f %9.1f %6.2f | %9.1f %9.1f %6.2f\n", name, d + 1, gn, gb,
                   gb > 0 ? gn / gb : 0.0, cn, cb, cb > 0 ? cn / cb : 0.0);
        }
        fflush(stdout);
        be->free(devs[0], x.a);
        be->free(devs[0], x.b);
        be->free(devs[0], x.c);
        free(x.ha), free(x.hb), free(x.hc);
    }
    for (int d = 0; d < 2; d++)
        be->close(devs[d]);
    return 0;
}
