/* The targets of the speed issue, checked against this run's rows:
 *   GEMM >= 0.9x OpenBLAS for n >= 256 and every MLP shape;
 *   element-wise >= 0.8x the triad;
 *   GEMM at n = 1024 on 2 threads >= 1.8x 1 thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench_internal.h"

static int gemm_target_row(const nz_bench_case *c)
{
    return c->what == NZ_BENCH_GEMM && (strcmp(c->kind, "gemm-mlp") == 0 || c->m >= 256);
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

static const nz_bench_row *find_gemm(const nz_bench_report *rep, int64_t n, int threads)
{
    for (size_t i = 0; i < rep->nrows; i++) {
        const nz_bench_row *r = &rep->rows[i];
        if (r->c->what == NZ_BENCH_GEMM && strcmp(r->c->kind, "gemm") == 0 && r->c->m == n &&
            r->threads == threads)
            return r;
    }
    return NULL;
}

void nz_bench_print_targets(const nz_bench_report *rep)
{
    printf("targets:\n");
    ratio_target(rep, 1, 0.9, "GEMM >= 0.9x OpenBLAS (n >= 256, MLP shapes)");
    ratio_target(rep, 0, 0.8, "element-wise >= 0.8x triad");
    const nz_bench_row *one = find_gemm(rep, 1024, 1), *two = find_gemm(rep, 1024, 2);
    if (!one || !two || !isfinite(one->nazo) || !isfinite(two->nazo)) {
        printf("  GEMM n=1024 2 threads >= 1.8x 1 thread: not measured (needs --threads 1,2)\n");
        return;
    }
    double s = two->nazo / one->nazo;
    printf("  GEMM n=1024 2 threads >= 1.8x 1 thread: %.2fx, %s", s, s >= 1.8 ? "met" : "not met");
    if (isfinite(one->ref) && isfinite(two->ref) && one->ref > 0.0)
        printf(" (OpenBLAS %.2fx)", two->ref / one->ref);
    printf("\n");
}
