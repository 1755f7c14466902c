/* metrics.csv: the whole table is rewritten atomically on every row, so a
 * killed run leaves every row so far and never a torn line. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"

/* Column names become a CSV header read by gnuplot and pandas: keep them
 * plain so no quoting is ever needed. */
static int plain_column(const char *s)
{
    if (!s || !*s) return 0;
    for (; *s; s++)
        if (*s == ',' || *s == '"' || *s == '\n' || *s == '\r') return 0;
    return 1;
}

nz_status nz_run_metrics_columns(nz_run *r, int ncols, const char *const *names)
{
    if (!r || ncols <= 0 || !names)
        return nz_error(NZ_ERR_INVALID, "nz_run_metrics_columns: need a run and at least one column name");
    for (int i = 0; i < ncols; i++)
        if (!plain_column(names[i]))
            return nz_error(NZ_ERR_INVALID, "metrics column %d ('%s') must be non-empty without commas, "
                            "quotes or newlines; rename it", i, names[i] ? names[i] : "(null)");
    pthread_mutex_lock(&r->lock);
    nz_status s = NZ_OK;
    if (r->ncols)
        s = nz_error(NZ_ERR_INVALID, "metrics columns of run %s are already declared; declare them once",
                     r->dir);
    for (int i = 0; s == NZ_OK && i < ncols; i++)
        s = nz_buf_printf(&r->metrics, "%s%s", i ? "," : "", names[i]);
    if (s == NZ_OK) s = nz_buf_printf(&r->metrics, "\n");
    if (s == NZ_OK)
        s = nz_run_rewrite_locked(r, "metrics.csv", &r->metrics, &r->metrics_synced, &r->metrics_dirty, 1);
    if (s == NZ_OK) r->ncols = ncols;
    else if (!r->ncols) r->metrics.len = 0;
    pthread_mutex_unlock(&r->lock);
    return s;
}

nz_status nz_run_metrics_row(nz_run *r, const double *values)
{
    if (!r || !values) return nz_error(NZ_ERR_INVALID, "nz_run_metrics_row: need a run and values");
    pthread_mutex_lock(&r->lock);
    nz_status s = NZ_OK;
    size_t old_len = r->metrics.len;
    if (!r->ncols)
        s = nz_error(NZ_ERR_INVALID, "metrics row before columns; call nz_run_metrics_columns first");
    /* %.10g keeps float32 results exact and the file readable; NaN/inf are
     * written as nan/inf, which gnuplot and pandas understand. */
    for (int i = 0; s == NZ_OK && i < r->ncols; i++)
        s = nz_buf_printf(&r->metrics, "%s%.10g", i ? "," : "", values[i]);
    if (s == NZ_OK) s = nz_buf_printf(&r->metrics, "\n");
    if (s == NZ_OK)
        s = nz_run_rewrite_locked(r, "metrics.csv", &r->metrics, &r->metrics_synced, &r->metrics_dirty, 0);
    if (s != NZ_OK) r->metrics.len = old_len; /* keep memory and file in step */
    pthread_mutex_unlock(&r->lock);
    return s;
}
