/* Timing: warm-up, calibration to a minimum run length, then runs of all
 * the sides of one shape (nazo and its reference, for every thread count)
 * taken in turn, best of each.
 *
 * In turn, so that every number of a shape sees the same machine: this box
 * is shared, and load that comes and goes would otherwise land on one side
 * of a ratio or one thread count of a scaling.  The best run rather than the median because other processes can
 * only slow a run down, so the fastest run is the best estimate of what the
 * code itself costs. */
#include <math.h>
#include <time.h>

#include "bench_internal.h"

double nz_bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static nz_status run_reps(nz_bench_side *sd, long reps, double *elapsed)
{
    if (sd->before)
        sd->before(sd->arg);
    double t0 = nz_bench_now();
    for (long r = 0; r < reps; r++) {
        nz_status s = sd->call(sd->arg);
        if (s != NZ_OK)
            return s;
    }
    if (sd->sync) {
        nz_status s = sd->sync(sd->arg);
        if (s != NZ_OK)
            return s;
    }
    *elapsed = nz_bench_now() - t0;
    if (sd->after)
        sd->after(sd->arg);
    return NZ_OK;
}

nz_status nz_bench_calibrate(nz_bench_side *sd, const nz_bench_timing *t)
{
    double el = 0.0;
    sd->best = INFINITY;
    /* The first call pays for page faults and lazy setup: never timed. */
    nz_status s = run_reps(sd, 1, &el);
    if (s != NZ_OK)
        return s;
    /* Grow the repetition count until a batch is long enough (a quarter of a
     * run) for the clock and the sync to be negligible in the estimate. */
    long reps = 1;
    for (;;) {
        s = run_reps(sd, reps, &el);
        if (s != NZ_OK)
            return s;
        if (el >= 0.25 * t->min_seconds || reps > (1L << 40))
            break;
        reps *= el < 0.01 * t->min_seconds ? 10 : 2;
    }
    /* 10% margin so that no run falls short of min_seconds by jitter. */
    long need = (long)ceil(1.1 * t->min_seconds * (double)reps / (el > 0.0 ? el : 1e-9));
    sd->reps = need > reps ? need : reps;
    return NZ_OK;
}

nz_status nz_bench_run(nz_bench_side *sd)
{
    double el = 0.0;
    nz_status s = run_reps(sd, sd->reps, &el);
    if (s == NZ_OK)
        sd->best = fmin(sd->best, el / (double)sd->reps);
    return s;
}

nz_status nz_bench_compare(nz_bench_side *const *sides, size_t n, const nz_bench_timing *t)
{
    nz_status s = NZ_OK;
    for (size_t i = 0; s == NZ_OK && i < n; i++)
        s = nz_bench_calibrate(sides[i], t);
    for (int r = 0; s == NZ_OK && r < (t->runs < 1 ? 1 : t->runs); r++)
        for (size_t i = 0; s == NZ_OK && i < n; i++)
            s = nz_bench_run(sides[i]);
    return s;
}

double nz_bench_rate(const nz_bench_side *sd)
{
    return isfinite(sd->best) && sd->best > 0.0 ? sd->work / sd->best * 1e-9 : NAN;
}

void nz_bench_side_free(nz_bench_side *sd)
{
    if (sd->cleanup)
        sd->cleanup(sd->arg);
    sd->arg = NULL;
    sd->cleanup = NULL;
}
