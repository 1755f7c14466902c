/* `nazo bench`: parse, measure every shape on the device next to its host
 * reference for every thread count, then print and save the table.
 *
 * Each thread count gets a context of its own, open for the whole run,
 * because the CPU backend reads NAZO_CPU_THREADS when it opens a device.
 * For one shape, all its sides (nazo and reference, every thread count) are
 * timed in turn (bench_timer.c), so that ratios and scalings compare numbers
 * taken on the same machine state. */
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

static void progress(const nz_bench_row *r)
{
    if (!isatty(STDERR_FILENO))
        return;
    char shape[48];
    nz_bench_case_shape(r->c, shape, sizeof shape);
    fprintf(stderr, "\r\033[K%s %s...", r->c->kind, shape);
}

static void progress_done(void)
{
    if (isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr);
}

/* The reference side of a row: OpenBLAS for GEMM (none when the build has
 * no OpenBLAS), the triad over as many floats for element-wise ops, or the
 * FMA loop where the case asks for the machine's peak. */
static nz_status reference_side(const nz_bench_row *r, nz_bench_side *sd)
{
    if (r->c->ref == NZ_BENCH_REF_FMA)
        return nz_bench_fma_peak(r->threads, sd);
    if (r->c->what != NZ_BENCH_GEMM)
        return nz_bench_triad(r->c->m * r->c->n, r->threads, sd);
    if (!nz_bench_blas_available())
        return NZ_OK;
    return nz_bench_blas_gemm(r->c, r->threads, sd);
}

typedef struct thread_dev {
    int threads;
    nz_context *ctx;
    nz_device *dev;
} thread_dev;

/* Open the device in a fresh context with NAZO_CPU_THREADS=threads. */
static int open_thread_dev(const char *device_id, int threads, thread_dev *td)
{
    char count[16];
    snprintf(count, sizeof count, "%d", threads);
    nz_bench_env env;
    nz_bench_env_set(&env, "NAZO_CPU_THREADS", count);
    td->threads = threads;
    td->ctx = nz_context_create();
    td->dev = NULL;
    nz_status s = td->ctx ? nz_device_open(td->ctx, device_id, &td->dev) : NZ_ERR_NOMEM;
    /* The backend has read the variable; the caller's environment comes back. */
    nz_bench_env_restore(&env);
    if (s == NZ_OK)
        return 0;
    nz_context_free(td->ctx);
    td->ctx = NULL;
    char what[96];
    snprintf(what, sizeof what, "opening %s with %d threads", device_id, threads);
    return fail(1, what);
}

/* The nt rows of one shape (one per thread count, in td's order). */
static int measure_case(const thread_dev *td, int nt, const char *device_id, nz_bench_row *rows,
                        const nz_bench_timing *t)
{
    nz_bench_side nazo[NZ_BENCH_MAX_THREAD_COUNTS] = {{0}};
    nz_bench_side ref[NZ_BENCH_MAX_THREAD_COUNTS] = {{0}};
    nz_bench_side *order[2 * NZ_BENCH_MAX_THREAD_COUNTS];
    size_t n = 0;
    nz_status s = NZ_OK;
    const char *side = "nazo";
    for (int i = 0; i < nt && s == NZ_OK; i++) {
        side = "nazo";
        s = rows[i].c->what == NZ_BENCH_GEMM ? nz_bench_nazo_gemm(td[i].dev, rows[i].c, &nazo[i])
                                             : nz_bench_nazo_eltwise(td[i].dev, rows[i].c, &nazo[i]);
        if (s != NZ_OK)
            break;
        order[n++] = &nazo[i];
        side = nz_bench_ref_name(rows[i].c);
        s = reference_side(&rows[i], &ref[i]);
        if (s == NZ_OK && ref[i].call)
            order[n++] = &ref[i];
    }
    if (s == NZ_OK) {
        progress(&rows[0]);
        side = "timing";
        s = nz_bench_compare(order, n, t);
    }
    for (int i = 0; i < nt; i++) {
        rows[i].nazo = nz_bench_rate(&nazo[i]);
        rows[i].ref = ref[i].call ? nz_bench_rate(&ref[i]) : NAN;
        nz_bench_side_free(&nazo[i]);
        nz_bench_side_free(&ref[i]);
    }
    if (s == NZ_OK)
        return 0;
    progress_done();
    char what[160], shape[48];
    nz_bench_case_shape(rows[0].c, shape, sizeof shape);
    snprintf(what, sizeof what, "%s %s on %s (%s)", rows[0].c->kind, shape, device_id, side);
    return fail(1, what);
}

/* The OpenCL additions, after the main rows (whose contexts are closed by
 * then: see bench_ocl_gemm.c for why only one OpenCL context at a time). */
static int measure_ocl(nz_context *ctx, const nz_bench_opts *o, const char *device_id,
                       const nz_bench_timing *t, nz_bench_xrows *x)
{
    int threads = 1;
    for (int i = 0; i < o->nthreads; i++)
        threads = o->threads[i] > threads ? o->threads[i] : threads;
    static const char *const steps[] = {"GEMM own vs CLBlast", "launch overhead", "transfers",
                                        "cold and warm start"};
    for (int step = 0; step < 4; step++) {
        if (isatty(STDERR_FILENO))
            fprintf(stderr, "\r\033[Kopencl: %s...", steps[step]);
        nz_status s = step == 0 ? nz_bench_ocl_gemm(device_id, threads, t, x)
                    : step == 1 ? nz_bench_ocl_launch(ctx, device_id, t, x)
                    : step == 2 ? nz_bench_ocl_transfer(device_id, t, x)
                                : nz_bench_ocl_start(device_id, t, x);
        if (s != NZ_OK) {
            progress_done();
            char what[96];
            snprintf(what, sizeof what, "%s on %s", steps[step], device_id);
            return fail(1, what);
        }
    }
    progress_done();
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
    if (o.out && nz_bench_check_out(o.out) != NZ_OK)
        return fail(2, "--out");

    nz_bench_timing timing = {0.2, o.quick ? 3 : 5};
    size_t nrows = 0;
    nz_bench_row *rows = make_rows(&o, &nrows);
    if (!rows)
        return fail(1, "out of memory");
    nz_bench_report rep = {e->id, e->info.name, e->info.detail, nz_bench_blas_config(), "",
                           (int)sysconf(_SC_NPROCESSORS_ONLN), nz_bench_loadavg(), &timing,
                           rows, nrows, NULL};
    nz_bench_xrows xrows = {.n = 0};
    int is_ocl = strcmp(e->backend, "opencl") == 0;
    nz_bench_cpu_model(rep.cpu_model, sizeof rep.cpu_model);
    printf("device: %s (%s; %s)\nhost: %s, %d online CPUs, load average %.2f\n"
           "OpenBLAS: %s\neach value: best of %d runs, each run >= %.1f s\n",
           rep.device_id, rep.device_name, rep.device_detail, rep.cpu_model, rep.online_cpus,
           rep.loadavg, rep.blas_config, timing.runs, timing.min_seconds);
    if (rep.loadavg > 0.5 * rep.online_cpus)
        printf("warning: the machine is busy (load %.2f on %d CPUs): rates will read low\n",
               rep.loadavg, rep.online_cpus);
    fflush(stdout);

    thread_dev td[NZ_BENCH_MAX_THREAD_COUNTS] = {{0}};
    for (int t = 0; t < o.nthreads && rc == 0; t++)
        rc = open_thread_dev(e->id, o.threads[t], &td[t]);
    /* make_rows put the thread counts of one shape side by side. */
    for (size_t i = 0; i < nrows && rc == 0; i += (size_t)o.nthreads)
        rc = measure_case(td, o.nthreads, e->id, &rows[i], &timing);
    for (int t = 0; t < o.nthreads; t++)
        nz_context_free(td[t].ctx);
    progress_done();
    if (rc == 0 && is_ocl) {
        rc = measure_ocl(ctx, &o, e->id, &timing, &xrows);
        rep.xrows = &xrows;
    }
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
