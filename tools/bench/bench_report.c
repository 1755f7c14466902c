/* The results: a table on the terminal, CSV or JSON in a file. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_internal.h"

double nz_bench_ratio(const nz_bench_row *r)
{
    if (!isfinite(r->nazo) || !isfinite(r->ref) || r->ref <= 0.0)
        return NAN;
    return r->nazo / r->ref;
}

static double xratio(const nz_bench_xrow *r)
{
    return isfinite(r->nazo) && isfinite(r->ref) && r->ref > 0.0 ? r->nazo / r->ref : NAN;
}

static void fmt_num(char *buf, size_t len, double v, int prec)
{
    if (isfinite(v))
        snprintf(buf, len, "%.*f", prec, v);
    else
        snprintf(buf, len, "-");
}

void nz_bench_print_table(const nz_bench_report *rep)
{
    printf("%-9s %-18s %7s %10s %10s %6s  %s\n", "kind", "shape", "threads", "nazo",
           "reference", "ratio", "unit (reference)");
    for (size_t i = 0; i < rep->nrows; i++) {
        const nz_bench_row *r = &rep->rows[i];
        char shape[48], nazo[32], ref[32], ratio[32];
        nz_bench_case_shape(r->c, shape, sizeof shape);
        fmt_num(nazo, sizeof nazo, r->nazo, 1);
        fmt_num(ref, sizeof ref, r->ref, 1);
        fmt_num(ratio, sizeof ratio, nz_bench_ratio(r), 2);
        printf("%-9s %-18s %7d %10s %10s %6s  %s (%s)\n", r->c->kind, shape, r->threads, nazo,
               ref, ratio, nz_bench_case_unit(r->c), nz_bench_ref_name(r->c));
    }
    if (!rep->xrows || rep->xrows->n == 0)
        return;
    printf("OpenCL (ratio = nazo / reference; for times, above 1 is slower):\n");
    for (size_t i = 0; i < rep->xrows->n; i++) {
        const nz_bench_xrow *r = &rep->xrows->r[i];
        char nazo[32], ref[32], ratio[32], threads[16] = "-";
        if (r->threads > 0)
            snprintf(threads, sizeof threads, "%d", r->threads);
        /* Times of a few microseconds or seconds need decimals that rates do not. */
        int prec = strcmp(r->unit, "GFLOP/s") == 0 ? 1 : 3;
        fmt_num(nazo, sizeof nazo, r->nazo, prec);
        fmt_num(ref, sizeof ref, r->ref, prec);
        fmt_num(ratio, sizeof ratio, xratio(r), 2);
        printf("%-12s %-18s %4s %10s %10s %6s  %s (%s)\n", r->kind, r->shape, threads, nazo,
               ref, ratio, r->unit, r->ref_name);
    }
}

static void csv_num(FILE *f, double v, int prec, const char *sep)
{
    if (isfinite(v))
        fprintf(f, "%.*f%s", prec, v, sep);
    else
        fprintf(f, "%s", sep);
}

static void write_csv(FILE *f, const nz_bench_report *rep)
{
    fprintf(f, "kind,shape,threads,unit,nazo,reference,reference_name,ratio\n");
    for (size_t i = 0; i < rep->nrows; i++) {
        const nz_bench_row *r = &rep->rows[i];
        char shape[48];
        nz_bench_case_shape(r->c, shape, sizeof shape);
        fprintf(f, "%s,%s,%d,%s,", r->c->kind, shape, r->threads, nz_bench_case_unit(r->c));
        csv_num(f, r->nazo, 3, ",");
        csv_num(f, r->ref, 3, ",");
        fprintf(f, "%s,", nz_bench_ref_name(r->c));
        csv_num(f, nz_bench_ratio(r), 4, "\n");
    }
    /* Same columns; the unit column says what each number is. */
    for (size_t i = 0; rep->xrows && i < rep->xrows->n; i++) {
        const nz_bench_xrow *r = &rep->xrows->r[i];
        fprintf(f, "%s,%s,%d,%s,", r->kind, r->shape, r->threads, r->unit);
        csv_num(f, r->nazo, 6, ",");
        csv_num(f, r->ref, 6, ",");
        fprintf(f, "%s,", r->ref_name);
        csv_num(f, xratio(r), 4, "\n");
    }
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void json_num(FILE *f, double v, int prec)
{
    if (isfinite(v))
        fprintf(f, "%.*f", prec, v);
    else
        fputs("null", f);
}

static void write_json(FILE *f, const nz_bench_report *rep)
{
    fputs("{\n  \"device\": ", f);
    json_str(f, rep->device_id);
    fputs(",\n  \"device_name\": ", f);
    json_str(f, rep->device_name);
    fputs(",\n  \"device_detail\": ", f);
    json_str(f, rep->device_detail);
    fputs(",\n  \"cpu_model\": ", f);
    json_str(f, rep->cpu_model);
    fprintf(f, ",\n  \"online_cpus\": %d,\n  \"load_average\": %.2f,\n  \"openblas\": ",
            rep->online_cpus, rep->loadavg);
    json_str(f, rep->blas_config);
    fprintf(f, ",\n  \"statistic\": \"best of %d runs, each >= %.2f s\",\n  \"rows\": [\n",
            rep->timing->runs, rep->timing->min_seconds);
    for (size_t i = 0; i < rep->nrows; i++) {
        const nz_bench_row *r = &rep->rows[i];
        char shape[48];
        nz_bench_case_shape(r->c, shape, sizeof shape);
        fputs("    {\"kind\": ", f);
        json_str(f, r->c->kind);
        fputs(", \"shape\": ", f);
        json_str(f, shape);
        fprintf(f, ", \"threads\": %d, \"unit\": \"%s\", \"nazo\": ", r->threads,
                nz_bench_case_unit(r->c));
        json_num(f, r->nazo, 3);
        fputs(", \"reference\": ", f);
        json_num(f, r->ref, 3);
        fprintf(f, ", \"reference_name\": \"%s\", \"ratio\": ", nz_bench_ref_name(r->c));
        json_num(f, nz_bench_ratio(r), 4);
        fprintf(f, "}%s\n", i + 1 < rep->nrows ? "," : "");
    }
    fputs("  ]", f);
    if (rep->xrows) {
        fputs(",\n  \"opencl\": [\n", f);
        for (size_t i = 0; i < rep->xrows->n; i++) {
            const nz_bench_xrow *r = &rep->xrows->r[i];
            fputs("    {\"kind\": ", f);
            json_str(f, r->kind);
            fputs(", \"shape\": ", f);
            json_str(f, r->shape);
            fprintf(f, ", \"threads\": %d, \"unit\": ", r->threads);
            json_str(f, r->unit);
            fputs(", \"nazo\": ", f);
            json_num(f, r->nazo, 6);
            fputs(", \"reference\": ", f);
            json_num(f, r->ref, 6);
            fputs(", \"reference_name\": ", f);
            json_str(f, r->ref_name);
            fputs(", \"ratio\": ", f);
            json_num(f, xratio(r), 4);
            fprintf(f, "}%s\n", i + 1 < rep->xrows->n ? "," : "");
        }
        fputs("  ]", f);
    }
    fputs("\n}\n", f);
}

nz_status nz_bench_check_out(const char *path)
{
    /* The directory that will hold the temporary file and the result. */
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (access(dir, W_OK | X_OK) != 0)
        return nz_error(NZ_ERR_IO, "cannot write %s: directory %s: %s", path, dir,
                        strerror(errno));
    return NZ_OK;
}

nz_status nz_bench_write(const nz_bench_report *rep, const char *path, int json)
{
    /* A temporary file beside the target, so that rename() is atomic and a
     * killed run never leaves a torn file under the real name. */
    size_t len = strlen(path) + 16;
    char *tmp = malloc(len);
    if (!tmp)
        return nz_error(NZ_ERR_NOMEM, "bench: out of memory");
    snprintf(tmp, len, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        nz_status s = nz_error(NZ_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return s;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return nz_error(NZ_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    }
    if (json)
        write_json(f, rep);
    else
        write_csv(f, rep);
    int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    int err = errno;
    bad |= fclose(f) != 0;
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        err = errno;
    }
    if (bad) {
        unlink(tmp);
        free(tmp);
        return nz_error(NZ_ERR_IO, "cannot write %s: %s", path, strerror(err));
    }
    free(tmp);
    return NZ_OK;
}
