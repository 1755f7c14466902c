/* Lookups in a context's plugin and failure lists for the loader tests. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nz_fx_ctx.h"

/* Split path into a resolved directory and a base name. */
static int nz_fx_split(const char *path, char *dir, char *base)
{
    const char *slash = strrchr(path, '/');
    char raw[PATH_MAX];
    if (!slash) {
        strcpy(raw, ".");
        snprintf(base, NAME_MAX + 1, "%s", path);
    } else {
        snprintf(raw, sizeof raw, "%.*s", (int)(slash - path), path);
        snprintf(base, NAME_MAX + 1, "%s", slash + 1);
    }
    return realpath(raw[0] ? raw : "/", dir) ? 0 : -1;
}

int nz_fx_same_path(const char *a, const char *b)
{
    if (!a || !b) return 0;
    if (strcmp(a, b) == 0) return 1;
    char da[PATH_MAX], db[PATH_MAX], ba[NAME_MAX + 1], bb[NAME_MAX + 1];
    if (nz_fx_split(a, da, ba) != 0 || nz_fx_split(b, db, bb) != 0) return 0;
    return strcmp(da, db) == 0 && strcmp(ba, bb) == 0;
}

int nz_fx_in_dir(const char *path, const char *dir)
{
    char dp[PATH_MAX], dd[PATH_MAX], base[NAME_MAX + 1];
    if (!path || nz_fx_split(path, dp, base) != 0 || !realpath(dir, dd)) return 0;
    return strcmp(dp, dd) == 0;
}

const nz_plugin_info *nz_fx_plugin_named(const nz_context *ctx, const char *name)
{
    for (size_t i = 0; i < nz_context_plugin_count(ctx); i++) {
        const nz_plugin_info *p = nz_context_plugin(ctx, i);
        if (p && p->name && strcmp(p->name, name) == 0) return p;
    }
    return NULL;
}

const nz_plugin_info *nz_fx_plugin_at(const nz_context *ctx, const char *path)
{
    for (size_t i = 0; i < nz_context_plugin_count(ctx); i++) {
        const nz_plugin_info *p = nz_context_plugin(ctx, i);
        if (p && nz_fx_same_path(p->path, path)) return p;
    }
    return NULL;
}

const nz_load_failure *nz_fx_failure_at(const nz_context *ctx, const char *path)
{
    for (size_t i = 0; i < nz_context_failure_count(ctx); i++) {
        const nz_load_failure *f = nz_context_failure(ctx, i);
        if (f && nz_fx_same_path(f->path, path)) return f;
    }
    return NULL;
}

size_t nz_fx_failures_in(const nz_context *ctx, const char *dir)
{
    size_t n = 0;
    for (size_t i = 0; i < nz_context_failure_count(ctx); i++) {
        const nz_load_failure *f = nz_context_failure(ctx, i);
        if (f && nz_fx_in_dir(f->path, dir)) n++;
    }
    return n;
}

void nz_fx_dump(const nz_context *ctx)
{
    for (size_t i = 0; i < nz_context_plugin_count(ctx); i++) {
        const nz_plugin_info *p = nz_context_plugin(ctx, i);
        fprintf(stderr, "  loaded  %-10s %s%s%s\n", p->name, p->path,
                p->available ? "" : "  unavailable: ",
                p->available ? "" : (p->unavailable_reason ? p->unavailable_reason : "(none)"));
    }
    for (size_t i = 0; i < nz_context_failure_count(ctx); i++) {
        const nz_load_failure *f = nz_context_failure(ctx, i);
        fprintf(stderr, "  failed  %s: %s\n", f->path, f->reason);
    }
}
