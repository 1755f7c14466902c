/* Timing: warm-up, calibration to a minimum run length, median of runs.
 * The median rather than the best run: on a shared two-core machine the best
 * run rewards lucky scheduling, the median is what a training loop sees. */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "bench_internal.h"

double nz_bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static nz_status run_reps(nz_bench_fn call, nz_bench_fn sync, void *arg, long reps,
                          double *elapsed)
{
    double t0 = nz_bench_now();
    for (long r = 0; r < reps; r++) {
        nz_status s = call(arg);
        if (s != NZ_OK)
            return s;
    }
    if (sync) {
        nz_status s = sync(arg);
        if (s != NZ_OK)
            return s;
    }
    *elapsed = nz_bench_now() - t0;
    return NZ_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

nz_status nz_bench_time(nz_bench_fn call, nz_bench_fn sync, void *arg,
                        const nz_bench_timing *t, double *seconds)
{
    double el = 0.0;
    /* The first call pays for page faults and lazy setup: never timed. */
    nz_status s = run_reps(call, sync, arg, 1, &el);
    if (s != NZ_OK)
        return s;
    /* Grow the repetition count until a batch is long enough (a quarter of a
     * run) for the clock and the sync to be negligible in the estimate. */
    long reps = 1;
    for (;;) {
        s = run_reps(call, sync, arg, reps, &el);
        if (s != NZ_OK)
            return s;
        if (el >= 0.25 * t->min_seconds || reps > (1L << 40))
            break;
        reps *= el < 0.01 * t->min_seconds ? 10 : 2;
    }
    /* 10% margin so that no run falls short of min_seconds by jitter. */
    long need = (long)ceil(1.1 * t->min_seconds * (double)reps / (el > 0.0 ? el : 1e-9));
    reps = need > reps ? need : reps;

    double per_call[64];
    int runs = t->runs < 1 ? 1 : t->runs > 64 ? 64 : t->runs;
    for (int i = 0; i < runs; i++) {
        s = run_reps(call, sync, arg, reps, &el);
        if (s != NZ_OK)
            return s;
        per_call[i] = el / (double)reps;
    }
    qsort(per_call, (size_t)runs, sizeof per_call[0], cmp_double);
    *seconds = runs % 2 ? per_call[runs / 2]
                        : 0.5 * (per_call[runs / 2 - 1] + per_call[runs / 2]);
    return NZ_OK;
}
