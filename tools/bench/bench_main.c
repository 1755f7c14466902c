/* `nazo bench`: parse, measure every (case, thread count) on the device and
 * against the host references, then print and save the table.
 *
 * Order matters on a small machine: for each thread count, all nazo rows run
 * first in a context of their own, then the triad, then OpenBLAS (whose
 * workers keep spinning after a call and would steal a core from whatever
 * runs next; we wait for them to sleep before the next thread count). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "bench_internal.h"

/* One line on stderr: messages may list choices on several lines. */
static int fail(int rc, const char *what)
{
    fprintf(stderr, "nazo bench: %s", what);
    const char *msg = nz_last_error();
    if (msg && *msg) {
        fputs(": ", stderr);
        for (; *msg; msg++)
            fputc(*msg == '\n' ? ' ' : *msg, stderr);
    }
    fputc('\n', stderr);
    return rc;
}

static void progress(const nz_bench_row *r, const char *side)
{
    if (!isatty(STDERR_FILENO))
        return;
    char shape[48];
    nz_bench_case_shape(r->c, shape, sizeof shape);
    fprintf(stderr, "\r\033[K%s %s, %d thread%s: %s...", r->c->kind, shape, r->threads,
            r->threads == 1 ? "" : "s", side);
}

static void progress_done(void)
{
    if (isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr);
}

/* The nazo rows of one thread count, on a device opened in a fresh context
 * with NAZO_CPU_THREADS set for it. */
static int measure_nazo(const char *device_id, int threads, nz_bench_row *rows, size_t nrows,
                        const nz_bench_timing *t)
{
    const char *prev = getenv("NAZO_CPU_THREADS");
    char *saved = prev ? strdup(prev) : NULL;
    char count[16];
    snprintf(count, sizeof count, "%d", threads);
    setenv("NAZO_CPU_THREADS", count, 1);
    nz_context *ctx = nz_context_create();
    nz_device *dev = NULL;
    nz_status s = ctx ? nz_device_open(ctx, device_id, &dev) : NZ_ERR_NOMEM;
    /* The backend has read the variable; the caller's environment comes back. */
    if (saved)
        setenv("NAZO_CPU_THREADS", saved, 1);
    else
        unsetenv("NAZO_CPU_THREADS");
    free(saved);
    if (s != NZ_OK) {
        nz_context_free(ctx);
        char what[96];
        snprintf(what, sizeof what, "opening %s with %d threads", device_id, threads);
        return fail(1, what);
    }
    for (size_t i = 0; i < nrows && s == NZ_OK; i++) {
        nz_bench_row *r = &rows[i];
        if (r->threads != threads)
            continue;
        progress(r, "nazo");
        s = r->c->what == NZ_BENCH_GEMM ? nz_bench_nazo_gemm(dev, r->c, t, &r->nazo)
                                        : nz_bench_nazo_eltwise(dev, r->c, t, &r->nazo);
        if (s != NZ_OK) {
            progress_done();
            char what[128], shape[48];
            nz_bench_case_shape(r->c, shape, sizeof shape);
            snprintf(what, sizeof what, "%s %s on %s", r->c->kind, shape, device_id);
            nz_context_free(ctx);
            return fail(1, what);
        }
    }
    nz_context_free(ctx);
    return 0;
}

/* The host references of one thread count. */
static int measure_refs(int threads, nz_bench_row *rows, size_t nrows, const nz_bench_timing *t)
{
    double triad = NAN;
    int64_t triad_count = 0;
    int used_blas = 0;
    for (size_t i = 0; i < nrows; i++) {
        nz_bench_row *r = &rows[i];
        if (r->threads != threads || r->c->what == NZ_BENCH_GEMM)
            continue;
        /* One triad per thread count serves every element-wise row. */
        if (triad_count == 0) {
            triad_count = r->c->m * r->c->n;
            progress(r, "triad");
            if (nz_bench_triad(triad_count, threads, t, &triad) != NZ_OK)
                return fail(1, "triad");
        }
        r->ref = triad;
    }
    for (size_t i = 0; i < nrows && nz_bench_blas_available(); i++) {
        nz_bench_row *r = &rows[i];
        if (r->threads != threads || r->c->what != NZ_BENCH_GEMM)
            continue;
        progress(r, "OpenBLAS");
        used_blas = 1;
        if (nz_bench_blas_gemm(r->c, threads, t, &r->ref) != NZ_OK)
            return fail(1, "OpenBLAS SGEMM");
    }
    if (used_blas && threads > 1)
        nz_bench_blas_quiesce();
    return 0;
}

static nz_bench_row *make_rows(const nz_bench_opts *o, size_t *nrows)
{
    size_t ncases;
    const nz_bench_case *cases = nz_bench_cases(&ncases);
    nz_bench_row *rows = calloc(ncases * (size_t)o->nthreads, sizeof *rows);
    if (!rows)
        return NULL;
    size_t n = 0;
    /* Grouped by case, thread counts side by side, so the scaling reads off. */
    for (size_t c = 0; c < ncases; c++) {
        if (o->quick && !cases[c].quick)
            continue;
        for (int t = 0; t < o->nthreads; t++)
            rows[n++] = (nz_bench_row){&cases[c], o->threads[t], NAN, NAN};
    }
    *nrows = n;
    return rows;
}

int nz_bench_main(nz_context *ctx, int argc, char **argv)
{
    nz_bench_opts o;
    int rc = nz_bench_parse(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    if (!ctx)
        return fail(1, "no nazo context");
    size_t entry;
    nz_status s = nz_context_resolve_device(ctx, o.device, &entry);
    if (s != NZ_OK)
        return fail(s == NZ_ERR_NOT_FOUND || s == NZ_ERR_INVALID ? 2 : 1, "--device");
    const nz_device_entry *e = nz_context_device_entry(ctx, entry);

    nz_bench_timing timing = {0.2, o.quick ? 3 : 5};
    size_t nrows = 0;
    nz_bench_row *rows = make_rows(&o, &nrows);
    if (!rows)
        return fail(1, "out of memory");
    nz_bench_report rep = {e->id, e->info.name, e->info.detail, nz_bench_blas_config(), "",
                           (int)sysconf(_SC_NPROCESSORS_ONLN), &timing, rows, nrows};
    nz_bench_cpu_model(rep.cpu_model, sizeof rep.cpu_model);
    printf("device: %s (%s; %s)\nhost: %s, %d online CPUs\nOpenBLAS: %s\n"
           "each value: median of %d runs, each run >= %.1f s\n",
           rep.device_id, rep.device_name, rep.device_detail, rep.cpu_model, rep.online_cpus,
           rep.blas_config, timing.runs, timing.min_seconds);
    fflush(stdout);

    for (int t = 0; t < o.nthreads && rc == 0; t++) {
        rc = measure_nazo(e->id, o.threads[t], rows, nrows, &timing);
        if (rc == 0)
            rc = measure_refs(o.threads[t], rows, nrows, &timing);
    }
    progress_done();
    if (rc == 0) {
        nz_bench_print_table(&rep);
        nz_bench_print_targets(&rep);
        if (o.out) {
            if (nz_bench_write(&rep, o.out, o.out_json) != NZ_OK)
                rc = fail(1, "--out");
            else
                printf("wrote %s\n", o.out);
        }
    }
    free(rows);
    return rc;
}
