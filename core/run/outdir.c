/* Choosing and checking a run directory before anything is written. */
#include <dirent.h>
#include <stdlib.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run_internal.h"

static int dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            empty = 0;
            break;
        }
    closedir(d);
    return empty;
}

nz_status nz_run_check_out_dir(const char *dir)
{
    if (!dir || !*dir)
        return nz_error(NZ_ERR_INVALID, "empty run directory; give a path with --out DIR");
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s", dir) >= sizeof path)
        return nz_error(NZ_ERR_INVALID, "run directory path too long (%zu bytes); use a shorter --out",
                        strlen(dir));
    struct stat st;
    if (stat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return nz_error(NZ_ERR_INVALID, "--out '%s' exists and is not a directory; "
                            "choose a new or empty directory", dir);
        if (!dir_is_empty(path))
            return nz_error(NZ_ERR_INVALID, "--out '%s' is not empty (it may hold another run); "
                            "choose a new or empty directory", dir);
        if (access(path, W_OK | X_OK) != 0)
            return nz_error(NZ_ERR_IO, "--out '%s' is not writable; choose a directory you can write",
                            dir);
        return NZ_OK;
    }
    /* ENOTDIR: some ancestor is a file; the walk below names it. */
    if (errno != ENOENT && errno != ENOTDIR)
        return nz_error(NZ_ERR_IO, "cannot use --out '%s': %s; choose another directory", dir,
                        strerror(errno));
    /* Walk up to the nearest existing ancestor: that is where mkdir starts. */
    for (;;) {
        char *parent = dirname(path); /* may return a static "." or "/" */
        if (parent != path) snprintf(path, sizeof path, "%s", parent);
        if (stat(path, &st) == 0) break;
        if (errno != ENOENT && errno != ENOTDIR)
            return nz_error(NZ_ERR_IO, "cannot use --out '%s': '%s': %s; choose another directory", dir,
                            path, strerror(errno));
        if (strcmp(path, ".") == 0 || strcmp(path, "/") == 0)
            return nz_error(NZ_ERR_IO, "cannot use --out '%s': the current directory is gone", dir);
    }
    if (!S_ISDIR(st.st_mode))
        return nz_error(NZ_ERR_INVALID, "cannot use --out '%s': '%s' is not a directory; "
                        "choose another path", dir, path);
    if (access(path, W_OK | X_OK) != 0)
        return nz_error(NZ_ERR_IO, "cannot use --out '%s': '%s' is not writable; "
                        "choose a directory you can write", dir, path);
    return NZ_OK;
}

nz_status nz_run_default_dir(const char *experiment, char *buf, size_t size)
{
    if (!experiment || !*experiment || strchr(experiment, '/'))
        return nz_error(NZ_ERR_INVALID, "cannot name a run directory after experiment '%s'",
                        experiment ? experiment : "(null)");
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int n = 1; n < 1000; n++) {
        int len = n == 1 ? snprintf(buf, size, "runs/%s-%s", experiment, stamp)
                         : snprintf(buf, size, "runs/%s-%s-%d", experiment, stamp, n);
        if (len < 0 || (size_t)len >= size)
            return nz_error(NZ_ERR_INVALID, "run directory name too long for experiment '%s'", experiment);
        struct stat st;
        if (lstat(buf, &st) != 0 && errno == ENOENT) return NZ_OK;
    }
    return nz_error(NZ_ERR_IO, "runs/%s-%s-N: 999 directories already taken; pass --out DIR",
                    experiment, stamp);
}

/* ---- resuming an earlier run (nazo run --resume DIR) ---- */

nz_status nz_run_check_resume_dir(const char *dir)
{
    if (!dir || !*dir) return nz_error(NZ_ERR_INVALID, "empty --resume directory; give the run's directory");
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return nz_error(NZ_ERR_NOT_FOUND, "--resume '%s': no such run directory", dir);
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/params.json", dir) >= sizeof path)
        return nz_error(NZ_ERR_INVALID, "--resume path too long: %s", dir);
    if (stat(path, &st) != 0)
        return nz_error(NZ_ERR_NOT_FOUND, "--resume '%s' holds no params.json: it is not a nazo run "
                        "directory", dir);
    if (access(dir, W_OK | X_OK) != 0)
        return nz_error(NZ_ERR_IO, "--resume '%s' is not writable", dir);
    return NZ_OK;
}

nz_status nz_run_load_text(const char *dir, const char *name, nz_buf *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? NZ_OK : nz_error(NZ_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    char chunk[8192];
    size_t n;
    nz_status s = NZ_OK;
    while (s == NZ_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        s = nz_buf_printf(b, "%.*s", (int)n, chunk);
    if (s == NZ_OK && ferror(f)) s = nz_error(NZ_ERR_IO, "cannot read %s", path);
    fclose(f);
    return s;
}

/* A params.json value as the text --set would take. */
static int value_text(json_t *v, char *buf, size_t size)
{
    if (json_is_string(v)) return (size_t)snprintf(buf, size, "%s", json_string_value(v)) < size;
    if (json_is_integer(v)) return snprintf(buf, size, "%lld", (long long)json_integer_value(v)) > 0;
    if (json_is_real(v)) return snprintf(buf, size, "%.17g", json_real_value(v)) > 0;
    if (json_is_boolean(v)) return snprintf(buf, size, "%s", json_is_true(v) ? "true" : "false") > 0;
    return 0;
}

static nz_status finished_check(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    json_t *sum = json_load_file(path, 0, NULL);
    if (!sum) return NZ_OK; /* killed before any summary: resumable */
    const char *status = json_string_value(json_object_get(sum, "status"));
    nz_status s = NZ_OK;
    if (status && strcmp(status, "ok") == 0)
        s = nz_error(NZ_ERR_INVALID, "--resume '%s': that run already finished (summary.json says ok); "
                     "nothing to resume", dir);
    json_decref(sum);
    return s;
}

nz_status nz_run_resume_read(nz_context *ctx, const char *dir, const nz_plugin_desc **experiment,
                             nz_params **params, uint64_t *seed)
{
    if (!ctx || !experiment || !params || !seed)
        return nz_error(NZ_ERR_INVALID, "nz_run_resume_read: NULL argument");
    *experiment = NULL;
    *params = NULL;
    nz_status s = nz_run_check_resume_dir(dir);
    if (s != NZ_OK) return s;
    char path[4096];
    snprintf(path, sizeof path, "%s/params.json", dir);
    json_error_t jerr;
    json_t *o = json_load_file(path, 0, &jerr);
    if (!o) return nz_error(NZ_ERR_IO, "cannot parse %s (line %d): %s", path, jerr.line, jerr.text);
    const char *name = json_string_value(json_object_get(o, "experiment"));
    json_t *pv = json_object_get(o, "params"), *sv = json_object_get(o, "seed");
    if (!name || !json_is_object(pv) || !(json_is_integer(sv) || json_is_string(sv))) {
        json_decref(o);
        return nz_error(NZ_ERR_IO, "%s lacks experiment, params or seed: not written by nazo run", path);
    }
    const nz_plugin_desc *desc = nz_context_find_experiment(ctx, name);
    if (!desc) {
        s = nz_error(NZ_ERR_NOT_FOUND, "--resume '%s': experiment '%s' is not loaded; see nazo "
                     "experiments", dir, name);
        goto out;
    }
    if (json_is_integer(sv)) {
        *seed = (uint64_t)json_integer_value(sv);
    } else {
        char *end;
        errno = 0;
        *seed = strtoull(json_string_value(sv), &end, 10);
        if (errno || *end) {
            s = nz_error(NZ_ERR_IO, "%s: bad seed '%s'", path, json_string_value(sv));
            goto out;
        }
    }
    const nz_experiment_iface *iface = desc->table;
    nz_params *p = nz_params_create(iface->params, desc->name);
    if (!p) {
        s = NZ_ERR_NOMEM;
        goto out;
    }
    const char *key;
    json_t *v;
    json_object_foreach(pv, key, v) {
        char text[4096];
        if (!value_text(v, text, sizeof text)) {
            s = nz_error(NZ_ERR_IO, "%s: parameter '%s' has a value of unexpected JSON type", path, key);
            break;
        }
        if ((s = nz_params_set(p, key, text)) != NZ_OK) {
            s = nz_error_prefix(s, "--resume '%s': the recorded parameters no longer fit experiment '%s' "
                                "(was the plugin changed?)", dir, desc->name);
            break;
        }
    }
    if (s == NZ_OK) s = finished_check(dir);
    if (s != NZ_OK) {
        nz_params_free(p);
        goto out;
    }
    *experiment = desc;
    *params = p;
out:
    json_decref(o);
    return s;
}
