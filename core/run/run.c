/* The run: creating its directory, params.json, calling the experiment and
 * recording how it ended. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run_internal.h"

double nz_run_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void nz_run_timestamp(char *buf, size_t size, int millis)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    char date[32], zone[8];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(zone, sizeof zone, "%z", &tm);
    if (millis) snprintf(buf, size, "%s.%03ld%s", date, ts.tv_nsec / 1000000, zone);
    else snprintf(buf, size, "%s%s", date, zone);
}

/* mkdir -p: the checks before made sure the nearest existing ancestor is a
 * writable directory. */
static nz_status make_dirs(const char *dir)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s", dir) >= sizeof path)
        return nz_error(NZ_ERR_INVALID, "run directory path too long: %s", dir);
    for (char *p = path + 1; ; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        /* A directory we may not create is a bad --out (NZ_ERR_INVALID: the
         * CLI answers exit 2), e.g. under /sys or /proc, even for root. */
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return nz_error(NZ_ERR_INVALID, "cannot create directory %s: %s; choose another --out", path,
                            strerror(errno));
        *p = c;
        if (!c) break;
    }
    return NZ_OK;
}

static json_t *param_json(const nz_params *p, size_t i)
{
    const nz_param_value *v = &p->values[i];
    switch (p->decls[i].type) {
    case NZ_PARAM_INT: return json_integer((json_int_t)v->i);
    case NZ_PARAM_FLOAT: return json_real(v->f);
    case NZ_PARAM_BOOL: return json_boolean(v->b);
    default: return json_string(v->text);
    }
}

json_t *nz_run_seed_json(uint64_t seed)
{
    if (seed <= (uint64_t)INT64_MAX) return json_integer((json_int_t)seed);
    char text[32];
    snprintf(text, sizeof text, "%llu", (unsigned long long)seed);
    return json_string(text); /* JSON integers stop at 2^63 - 1 in jansson */
}

static nz_status write_json(nz_run *r, const char *name, json_t *obj)
{
    char *text = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(16));
    if (!text) return nz_error(NZ_ERR_NOMEM, "out of memory writing %s", name);
    size_t n = strlen(text);
    char *withnl = realloc(text, n + 2);
    if (!withnl) {
        free(text);
        return nz_error(NZ_ERR_NOMEM, "out of memory writing %s", name);
    }
    withnl[n] = '\n';
    withnl[n + 1] = '\0';
    nz_status s = nz_write_file_atomic(r->dir, name, withnl, n + 1);
    free(withnl);
    return s;
}

static json_t *device_json(const nz_run *r)
{
    const nz_device_info *info = nz_device_get_info(r->dev);
    return json_pack("{s:s, s:s, s:s}", "id", nz_device_id(r->dev), "name", info ? info->name : "",
                     "backend", nz_device_backend_name(r->dev));
}

static nz_status write_params_json(nz_run *r)
{
    json_t *params = json_object();
    for (size_t i = 0; params && i < r->params->count; i++)
        json_object_set_new(params, r->params->decls[i].name, param_json(r->params, i));
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s}",
                          "experiment", r->desc->name,
                          "plugin_version", r->desc->version ? r->desc->version : "",
                          "nazo_version", NZ_VERSION_STRING,
                          "device", device_json(r),
                          "seed", nz_run_seed_json(r->seed),
                          "params", params,
                          "command_line", r->command_line ? r->command_line : "",
                          "start_time", r->start_time);
    if (!o) return nz_error(NZ_ERR_NOMEM, "out of memory building params.json");
    nz_status s = write_json(r, "params.json", o);
    json_decref(o);
    return s;
}

static const char *const reserved_keys[] = { "experiment", "plugin_version", "status", "error",
                                             "device", "seed", "start_time", "end_time",
                                             "wall_time_s", NULL };

int nz_run_summary_key_reserved(const char *key)
{
    for (const char *const *k = reserved_keys; *k; k++)
        if (strcmp(*k, key) == 0) return 1;
    return 0;
}

nz_status nz_run_summary_write_locked(nz_run *r)
{
    char end[64];
    nz_run_timestamp(end, sizeof end, 0);
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:f}",
                          "experiment", r->desc->name,
                          "plugin_version", r->desc->version ? r->desc->version : "",
                          "status", r->status,
                          "device", device_json(r),
                          "seed", nz_run_seed_json(r->seed),
                          "start_time", r->start_time,
                          "end_time", end,
                          "wall_time_s", nz_run_now() - r->t0);
    if (!o) return nz_error(NZ_ERR_NOMEM, "out of memory building summary.json");
    if (r->error) json_object_set_new(o, "error", json_string(r->error));
    json_object_update(o, r->summary);
    nz_status s = write_json(r, "summary.json", o);
    json_decref(o);
    return s;
}

nz_status nz_run_rewrite_locked(nz_run *r, const char *name, const nz_buf *b, double *last_sync,
                                int *dirty, int force)
{
    double now = nz_run_now();
    int durable = force || now - *last_sync >= NZ_RUN_SYNC_INTERVAL_S;
    nz_status s = nz_write_file_replace(r->dir, name, b->data ? b->data : "", b->len, durable);
    if (s != NZ_OK) return s;
    if (durable) *last_sync = now;
    *dirty = !durable;
    return NZ_OK;
}

/* The checks nz_run_create and nz_run_reopen share. */
static nz_status check_run_args(nz_context *ctx, const nz_plugin_desc *experiment, nz_device *dev,
                                const char *out_dir, const nz_params *params, nz_run **out,
                                const char *fn)
{
    if (out) *out = NULL;
    if (!ctx || !experiment || !dev || !out_dir || !params || !out)
        return nz_error(NZ_ERR_INVALID, "%s: NULL argument; pass a context, an experiment, "
                        "a device, a directory, parameters and a result pointer", fn);
    if (experiment->kind != NZ_PLUGIN_EXPERIMENT || !experiment->table)
        return nz_error(NZ_ERR_INVALID, "plugin '%s' is not an experiment; see nazo experiments",
                        experiment->name);
    const nz_experiment_iface *iface = experiment->table;
    if (!iface->run)
        return nz_error(NZ_ERR_INVALID, "experiment '%s' has no run function; fix the plugin",
                        experiment->name);
    if (params->decls != iface->params)
        return nz_error(NZ_ERR_INVALID, "the parameters given to %s belong to '%s', not '%s'; "
                        "create them from this experiment's declarations", fn, params->experiment,
                        experiment->name);
    return NZ_OK;
}

static nz_status run_alloc(nz_context *ctx, const nz_plugin_desc *experiment, nz_device *dev,
                           uint64_t seed, const char *out_dir, const nz_params *params,
                           const char *command_line, nz_run **out)
{
    nz_run *r = calloc(1, sizeof *r);
    if (!r) return nz_error(NZ_ERR_NOMEM, "out of memory creating a run");
    pthread_mutex_init(&r->lock, NULL);
    r->ctx = ctx;
    r->desc = experiment;
    r->iface = experiment->table;
    r->dev = dev;
    r->seed = seed;
    r->status = "created";
    r->t0 = nz_run_now();
    r->last_progress = r->t0;
    r->tty = isatty(STDERR_FILENO);
    nz_run_timestamp(r->start_time, sizeof r->start_time, 0);
    r->dir = strdup(out_dir);
    r->command_line = command_line ? strdup(command_line) : NULL;
    r->params = nz_params_copy(params);
    r->summary = json_object();
    if (!r->dir || (command_line && !r->command_line) || !r->params || !r->summary) {
        nz_status s = r->params ? nz_error(NZ_ERR_NOMEM, "out of memory creating a run") : NZ_ERR_NOMEM;
        nz_run_free(r);
        return s;
    }
    /* Strip trailing slashes so that file paths read cleanly. */
    for (size_t n = strlen(r->dir); n > 1 && r->dir[n - 1] == '/'; n--) r->dir[n - 1] = '\0';
    *out = r;
    return NZ_OK;
}

nz_status nz_run_create(nz_context *ctx, const nz_plugin_desc *experiment, nz_device *dev,
                        uint64_t seed, const char *out_dir, const nz_params *params,
                        const char *command_line, nz_run **out)
{
    nz_status s = check_run_args(ctx, experiment, dev, out_dir, params, out, "nz_run_create");
    if (s != NZ_OK) return s;
    if ((s = nz_run_check_out_dir(out_dir)) != NZ_OK) return s;
    nz_run *r;
    if ((s = run_alloc(ctx, experiment, dev, seed, out_dir, params, command_line, &r)) != NZ_OK) return s;
    if ((s = make_dirs(r->dir)) != NZ_OK || (s = write_params_json(r)) != NZ_OK) {
        nz_run_free(r);
        return s;
    }
    *out = r;
    return NZ_OK;
}

nz_status nz_run_reopen(nz_context *ctx, const nz_plugin_desc *experiment, nz_device *dev,
                        uint64_t seed, const char *dir, const nz_params *params,
                        const char *command_line, nz_run **out)
{
    nz_status s = check_run_args(ctx, experiment, dev, dir, params, out, "nz_run_reopen");
    if (s != NZ_OK) return s;
    if ((s = nz_run_check_resume_dir(dir)) != NZ_OK) return s;
    if ((s = nz_remove_stale_temps(dir)) != NZ_OK) return s;
    nz_run *r;
    if ((s = run_alloc(ctx, experiment, dev, seed, dir, params, command_line, &r)) != NZ_OK) return s;
    r->resuming = 1;
    /* run.log continues where the stopped process left it. */
    if ((s = nz_run_load_text(r->dir, "run.log", &r->log)) != NZ_OK) {
        nz_run_free(r);
        return s;
    }
    nz_run_log(r, "resuming on %s (%s): %s", nz_device_id(dev), nz_device_get_info(dev)->name,
               command_line ? command_line : "(no command line)");
    *out = r;
    return NZ_OK;
}

nz_status nz_run_execute(nz_run *r)
{
    if (!r) return nz_error(NZ_ERR_INVALID, "nz_run_execute: NULL run");
    pthread_mutex_lock(&r->lock);
    r->status = "running";
    pthread_mutex_unlock(&r->lock);

    nz_error_clear();
    nz_run_signals_install();
    nz_status s = r->iface->run(r);
    nz_run_signals_restore();

    char msg[2048];
    snprintf(msg, sizeof msg, "%s", nz_last_error());
    if (s != NZ_OK && !msg[0])
        snprintf(msg, sizeof msg, "experiment '%s' failed: %s", r->desc->name, nz_status_name(s));

    pthread_mutex_lock(&r->lock);
    if (r->bar_open) fputc('\n', stderr);
    r->bar_open = 0;
    /* Make the last rows and log lines durable before the summary says done. */
    nz_status fs = NZ_OK;
    if (r->metrics_dirty)
        fs = nz_run_rewrite_locked(r, "metrics.csv", &r->metrics, &r->metrics_synced, &r->metrics_dirty, 1);
    if (r->log_dirty && fs == NZ_OK)
        fs = nz_run_rewrite_locked(r, "run.log", &r->log, &r->log_synced, &r->log_dirty, 1);
    if (fs != NZ_OK && s == NZ_OK) {
        s = fs;
        snprintf(msg, sizeof msg, "%s", nz_last_error());
    }
    r->status = s == NZ_OK ? "ok" : s == NZ_ERR_INTERRUPTED ? "interrupted" : "failed";
    free(r->error);
    r->error = s != NZ_OK ? strdup(msg) : NULL;
    nz_status ws = nz_run_summary_write_locked(r);
    pthread_mutex_unlock(&r->lock);

    if (s != NZ_OK) return nz_error(s, "%s", msg);
    return ws;
}

void nz_run_free(nz_run *r)
{
    if (!r) return;
    nz_buf_free(&r->log);
    nz_buf_free(&r->metrics);
    json_decref(r->summary);
    nz_params_free(r->params);
    free(r->error);
    free(r->command_line);
    free(r->dir);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* ---- accessors ---- */

nz_device *nz_run_device(nz_run *r) { return r ? r->dev : NULL; }
nz_context *nz_run_context(nz_run *r) { return r ? r->ctx : NULL; }
uint64_t nz_run_seed(nz_run *r) { return r ? r->seed : 0; }
const char *nz_run_dir(nz_run *r) { return r ? r->dir : NULL; }
int nz_run_resuming(nz_run *r) { return r ? r->resuming : 0; }

/* ---- metrics saved with a checkpoint ---- */

char *nz_run_metrics_text(nz_run *r)
{
    if (!r) {
        nz_error(NZ_ERR_INVALID, "nz_run_metrics_text: NULL run");
        return NULL;
    }
    pthread_mutex_lock(&r->lock);
    char *text = malloc(r->metrics.len + 1);
    if (text) {
        if (r->metrics.len) memcpy(text, r->metrics.data, r->metrics.len);
        text[r->metrics.len] = '\0';
    }
    pthread_mutex_unlock(&r->lock);
    if (!text) nz_error(NZ_ERR_NOMEM, "out of memory copying metrics.csv");
    return text;
}

/* Fields of one line (commas + 1); -1 for a line with a quote. */
static int count_fields(const char *line, size_t len)
{
    int n = 1;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '"' || line[i] == '\r') return -1;
        if (line[i] == ',') n++;
    }
    return n;
}

nz_status nz_run_metrics_restore(nz_run *r, const char *text)
{
    if (!r || !text) return nz_error(NZ_ERR_INVALID, "nz_run_metrics_restore: need a run and text");
    size_t len = strlen(text);
    const char *nl = strchr(text, '\n');
    if (!nl || nl == text || text[len - 1] != '\n')
        return nz_error(NZ_ERR_INVALID, "saved metrics for run %s are not a CSV header and rows; the "
                        "checkpoint is damaged", r->dir);
    int ncols = count_fields(text, (size_t)(nl - text));
    for (const char *line = nl + 1; ncols > 0 && *line;) {
        const char *end = strchr(line, '\n');
        if (count_fields(line, (size_t)(end - line)) != ncols) ncols = -1;
        line = end + 1;
    }
    if (ncols <= 0)
        return nz_error(NZ_ERR_INVALID, "saved metrics for run %s have rows that do not match the header; "
                        "the checkpoint is damaged", r->dir);
    pthread_mutex_lock(&r->lock);
    nz_status s = NZ_OK;
    if (r->ncols)
        s = nz_error(NZ_ERR_INVALID, "metrics columns of run %s are already declared; restore them "
                     "instead of declaring them", r->dir);
    nz_buf old = r->metrics;
    if (s == NZ_OK) {
        memset(&r->metrics, 0, sizeof r->metrics);
        s = nz_buf_printf(&r->metrics, "%s", text);
        if (s == NZ_OK)
            s = nz_run_rewrite_locked(r, "metrics.csv", &r->metrics, &r->metrics_synced,
                                      &r->metrics_dirty, 1);
        if (s == NZ_OK) {
            r->ncols = ncols;
            nz_buf_free(&old);
        } else {
            nz_buf_free(&r->metrics);
            r->metrics = old;
        }
    }
    pthread_mutex_unlock(&r->lock);
    return s;
}
