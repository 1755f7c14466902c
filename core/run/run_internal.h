/* The nz_run object shared by the run/ sources. */
#ifndef NAZO_RUN_INTERNAL_H
#define NAZO_RUN_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#include "params_internal.h"

/* A growable text buffer: the log and metrics.csv are kept whole in memory
 * and rewritten atomically, so a killed run leaves complete files. */
typedef struct nz_buf {
    char *data;
    size_t len, cap;
} nz_buf;

nz_status nz_buf_printf(nz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nz_buf_free(nz_buf *b);

struct nz_run {
    nz_context *ctx;
    const nz_plugin_desc *desc;
    const nz_experiment_iface *iface;
    nz_device *dev;
    uint64_t seed;
    char *dir;
    char *command_line;
    nz_params *params;
    char start_time[64];
    double t0;                  /* monotonic seconds at creation */
    pthread_mutex_t lock;       /* experiments may log from worker threads */

    nz_buf log;
    int log_write_failed;       /* warn once, not on every line */

    double log_synced;          /* when run.log was last written durably */
    int log_dirty;              /* written since, without fsync */

    int ncols;                  /* 0 until nz_run_metrics_columns */
    nz_buf metrics;
    double metrics_synced;
    int metrics_dirty;

    json_t *summary;            /* the experiment's values */
    const char *status;         /* "running", "ok", "failed", "interrupted" */
    char *error;                /* the failure message, when failed */

    int tty;                    /* stderr is a terminal: draw a bar */
    int bar_open;               /* a bar is on the current line */
    double last_progress;       /* when the last bar/line was drawn */

    int resuming;               /* opened by nz_run_reopen (--resume) */
};

/* nz_write_file_atomic, with the fsyncs only when `durable`: still atomic
 * for a killed process, durable across power loss only when asked. */
/* Remove hidden temporary files left by a killed writer (see atomic.c). */
nz_status nz_remove_stale_temps(const char *dir);
nz_status nz_write_file_replace(const char *dir, const char *name, const void *data, size_t bytes,
                                int durable);

/* Seconds between durable rewrites of metrics.csv and run.log. */
#define NZ_RUN_SYNC_INTERVAL_S 1.0

/* Rewrite a file kept in memory, durably when `force` or when the last
 * durable write is older than NZ_RUN_SYNC_INTERVAL_S.  Lock held. */
nz_status nz_run_rewrite_locked(nz_run *r, const char *name, const nz_buf *b, double *last_sync,
                                int *dirty, int force);

double nz_run_now(void);        /* monotonic seconds */
/* "2026-11-30T09:21:06+0000" (local time with offset). */
void nz_run_timestamp(char *buf, size_t size, int millis);

/* The seed as JSON: an integer, or a string above 2^63 - 1. */
json_t *nz_run_seed_json(uint64_t seed);
/* Keys that summary.json sets itself. */
int nz_run_summary_key_reserved(const char *key);
/* summary.json with the current status; the lock must be held. */
nz_status nz_run_summary_write_locked(nz_run *r);

/* Resuming (outdir.c): DIR must be an
 * existing run directory holding params.json. */
nz_status nz_run_check_resume_dir(const char *dir);
/* Append dir/name to b when the file exists (a missing file is no error). */
nz_status nz_run_load_text(const char *dir, const char *name, nz_buf *b);

/* Signal handling around the experiment's run function. */
void nz_run_signals_install(void);
void nz_run_signals_restore(void);

#endif
