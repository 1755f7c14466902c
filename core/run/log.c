/* run.log: timestamped lines, also echoed to stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "run_internal.h"

void nz_run_log(nz_run *r, const char *fmt, ...)
{
    char msg[4096], ts[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!r) {
        fprintf(stderr, "%s\n", msg);
        return;
    }
    nz_run_timestamp(ts, sizeof ts, 1);
    /* Keep the thread's error message: logging is not a failure. */
    char saved[2048];
    snprintf(saved, sizeof saved, "%s", nz_last_error());

    pthread_mutex_lock(&r->lock);
    if (r->bar_open) fputc('\n', stderr);
    r->bar_open = 0;
    fprintf(stderr, "%s\n", msg);
    if (nz_buf_printf(&r->log, "%s %s\n", ts, msg) != NZ_OK ||
        nz_run_rewrite_locked(r, "run.log", &r->log, &r->log_synced, &r->log_dirty, 0) != NZ_OK) {
        if (!r->log_write_failed)
            fprintf(stderr, "nazo: cannot write %s/run.log: %s\n", r->dir, nz_last_error());
        r->log_write_failed = 1;
    }
    pthread_mutex_unlock(&r->lock);

    nz_error(NZ_OK, "%s", saved);
}
