/* The targets of the speed issue, checked against this run's rows:
 *   GEMM >= 0.9x OpenBLAS for n >= 256 and every MLP shape;
 *   element-wise >= 0.8x the triad;
 *   GEMM at n = 1024 on 2 threads >= 1.8x 1 thread;
 * and on an OpenCL device (docs/PERFORMANCE.md, OpenCL section):
 *   own GEMM kernel >= 4x CLBlast at n = 1024;
 *   warm start (program cache filled) < 0.5 s. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_internal.h"

static int gemm_target_row(const nz_bench_case *c)
{
    return c->what == NZ_BENCH_GEMM && c->ref == NZ_BENCH_REF_DEFAULT &&
           (strcmp(c->kind, "gemm-mlp") == 0 || c->m >= 256);
}

static void ratio_target(const nz_bench_report *rep, int gemm, double goal, const char *what)
{
    int met = 0, total = 0;
    char missed[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < rep->nrows; i++) {
        const nz_bench_row *r = &rep->rows[i];
        if (gemm ? !gemm_target_row(r->c) : r->c->what == NZ_BENCH_GEMM)
            continue;
        double q = nz_bench_ratio(r);
        if (isnan(q))
            continue;
        total++;
        if (q >= goal) {
            met++;
        } else if (used < sizeof missed - 64) {
            char shape[48];
            nz_bench_case_shape(r->c, shape, sizeof shape);
            used += (size_t)snprintf(missed + used, sizeof missed - used, "%s%s %s/%dt %.2f",
                                     used ? ", " : "", r->c->kind, shape, r->threads, q);
        }
    }
    if (total == 0) {
        printf("  %s: no comparable rows\n", what);
        return;
    }
    printf("  %s: %d of %d rows meet it%s%s\n", what, met, total, used ? "; below: " : "",
           missed);
}

static const nz_bench_row *find_gemm(const nz_bench_report *rep, const char *kind, int64_t n,
                                     int threads)
{
    for (size_t i = 0; i < rep->nrows; i++) {
        const nz_bench_row *r = &rep->rows[i];
        if (r->c->what == NZ_BENCH_GEMM && strcmp(r->c->kind, kind) == 0 && r->c->m == n &&
            r->threads == threads)
            return r;
    }
    return NULL;
}

static const nz_bench_xrow *find_x(const nz_bench_report *rep, const char *kind,
                                   const char *shape_prefix)
{
    for (size_t i = 0; rep->xrows && i < rep->xrows->n; i++) {
        const nz_bench_xrow *r = &rep->xrows->r[i];
        if (strcmp(r->kind, kind) == 0 &&
            strncmp(r->shape, shape_prefix, strlen(shape_prefix)) == 0 && isfinite(r->nazo))
            return r;
    }
    return NULL;
}

static void ocl_targets(const nz_bench_report *rep)
{
    const nz_bench_xrow *own = find_x(rep, "gemm-own", "1024x"),
                        *blast = find_x(rep, "gemm-clblast", "1024x");
    if (own && blast && blast->nazo > 0.0) {
        double q = own->nazo / blast->nazo;
        printf("  OpenCL own GEMM >= 4x CLBlast at n=1024: %.2fx, %s\n", q,
               q >= 4.0 ? "met" : "not met");
    } else {
        printf("  OpenCL own GEMM >= 4x CLBlast at n=1024: not measured\n");
    }
    const nz_bench_xrow *warm = find_x(rep, "start", "warm"), *cold = find_x(rep, "start", "cold");
    if (warm)
        printf("  OpenCL warm start < 0.5 s: %.3f s, %s (cold %.3f s)\n", warm->nazo,
               warm->nazo < 0.5 ? "met" : "not met", cold ? cold->nazo : NAN);
    else
        printf("  OpenCL warm start < 0.5 s: not measured\n");
    /* PoCL keeps compiled kernels in a cache of its own, read once per
     * process: unless it is off, "cold" skips the driver's compile. */
    const char *pc = getenv("POCL_KERNEL_CACHE");
    if (cold && rep->device_detail && strstr(rep->device_detail, "Portable Computing Language") &&
        !(pc && strcmp(pc, "0") == 0))
        printf("  (cold start: nazo's cache only, PoCL's kernel cache was on; "
               "POCL_KERNEL_CACHE=0 makes the driver compile too)\n");
}

void nz_bench_print_targets(const nz_bench_report *rep)
{
    printf("targets:\n");
    ratio_target(rep, 1, 0.9, "GEMM >= 0.9x OpenBLAS (n >= 256, MLP shapes)");
    ratio_target(rep, 0, 0.8, "element-wise >= 0.8x triad");
    if (rep->xrows)
        ocl_targets(rep);
    const nz_bench_row *one = find_gemm(rep, "gemm", 1024, 1),
                       *two = find_gemm(rep, "gemm", 1024, 2);
    if (!one || !two || !isfinite(one->nazo) || !isfinite(two->nazo)) {
        printf("  GEMM n=1024 2 threads >= 1.8x 1 thread: not measured (needs --threads 1,2)\n");
        return;
    }
    double s = two->nazo / one->nazo;
    printf("  GEMM n=1024 2 threads >= 1.8x 1 thread: %.2fx, %s", s, s >= 1.8 ? "met" : "not met");
    if (isfinite(one->ref) && isfinite(two->ref) && one->ref > 0.0)
        printf(" (OpenBLAS %.2fx", two->ref / one->ref);
    else
        printf(" (");
    /* The FMA loop shares nothing between threads: its scaling is the
     * machine's, the ceiling for any GEMM on it. */
    const nz_bench_row *p1 = find_gemm(rep, "gemm-peak", 1024, 1),
                       *p2 = find_gemm(rep, "gemm-peak", 1024, 2);
    if (p1 && p2 && isfinite(p1->ref) && isfinite(p2->ref) && p1->ref > 0.0)
        printf("%sFMA loop %.2fx, the machine's own scaling", isfinite(one->ref) ? "; " : "",
               p2->ref / p1->ref);
    printf(")\n");
}
