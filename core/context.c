/* The context: creation, teardown, and what loaded or failed. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

nz_status nz_ctx_add_failure(nz_context *ctx, const char *path, const char *fmt, ...)
{
    char reason[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    nz_debug("load", "  failed: %s: %s", path, reason);
    if (ctx->nfailures == ctx->cap_failures) {
        size_t cap = ctx->cap_failures ? 2 * ctx->cap_failures : 8;
        nz_load_failure *f = realloc(ctx->failures, cap * sizeof *f);
        if (!f) return nz_error(NZ_ERR_NOMEM, "out of memory recording a plugin failure");
        ctx->failures = f;
        ctx->cap_failures = cap;
    }
    char *p = strdup(path), *r = strdup(reason);
    if (!p || !r) {
        free(p);
        free(r);
        return nz_error(NZ_ERR_NOMEM, "out of memory recording a plugin failure");
    }
    ctx->failures[ctx->nfailures].path = p;
    ctx->failures[ctx->nfailures].reason = r;
    ctx->nfailures++;
    return NZ_OK;
}

nz_context *nz_context_create(void)
{
    nz_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        nz_error(NZ_ERR_NOMEM, "out of memory creating the nazo context");
        return NULL;
    }
    pthread_mutex_init(&ctx->lock, NULL);
    /* Only out-of-memory stops creation; plugin failures are recorded. */
    if (nz_loader_run(ctx) != NZ_OK || nz_devices_build(ctx) != NZ_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", nz_last_error());
        nz_context_free(ctx);
        nz_error(NZ_ERR_NOMEM, "%s", msg);
        return NULL;
    }
    return ctx;
}

void nz_context_free(nz_context *ctx)
{
    if (!ctx) return;
    nz_devices_close(ctx);
    /* Shut backends down before unloading any of them, in reverse load order. */
    for (size_t i = ctx->nplugins; i-- > 0;) {
        nz_plugin_rec *p = &ctx->plugins[i];
        if (p->be && p->be->shutdown) p->be->shutdown();
    }
    for (size_t i = ctx->nplugins; i-- > 0;) {
        nz_plugin_rec *p = &ctx->plugins[i];
        if (p->dl) dlclose(p->dl);
        free(p->path);
        free(p->reason);
    }
    for (size_t i = 0; i < ctx->nfailures; i++) {
        free((char *)ctx->failures[i].path);
        free((char *)ctx->failures[i].reason);
    }
    for (size_t i = 0; i < ctx->ndirs; i++) free(ctx->dirs[i]);
    free(ctx->plugins);
    free(ctx->failures);
    free(ctx->dirs);
    free(ctx->experiments);
    free(ctx->devices);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
}

size_t nz_context_plugin_count(const nz_context *ctx) { return ctx ? ctx->nplugins : 0; }

const nz_plugin_info *nz_context_plugin(const nz_context *ctx, size_t i)
{
    if (!ctx || i >= ctx->nplugins) return NULL;
    return &ctx->plugins[i].info;
}

size_t nz_context_failure_count(const nz_context *ctx) { return ctx ? ctx->nfailures : 0; }

const nz_load_failure *nz_context_failure(const nz_context *ctx, size_t i)
{
    if (!ctx || i >= ctx->nfailures) return NULL;
    return &ctx->failures[i];
}

size_t nz_context_search_dir_count(const nz_context *ctx) { return ctx ? ctx->ndirs : 0; }

const char *nz_context_search_dir(const nz_context *ctx, size_t i)
{
    if (!ctx || i >= ctx->ndirs) return NULL;
    return ctx->dirs[i];
}

size_t nz_context_experiment_count(const nz_context *ctx) { return ctx ? ctx->nexperiments : 0; }

const nz_plugin_desc *nz_context_experiment(const nz_context *ctx, size_t i)
{
    if (!ctx || i >= ctx->nexperiments) return NULL;
    return ctx->plugins[ctx->experiments[i]].desc;
}

const nz_plugin_desc *nz_context_find_experiment(const nz_context *ctx, const char *name)
{
    if (!ctx || !name) {
        nz_error(NZ_ERR_INVALID, "nz_context_find_experiment: NULL %s", ctx ? "name" : "context");
        return NULL;
    }
    for (size_t i = 0; i < ctx->nexperiments; i++) {
        const nz_plugin_desc *d = ctx->plugins[ctx->experiments[i]].desc;
        if (strcmp(d->name, name) == 0) return d;
    }
    char list[1024] = "";
    size_t len = 0;
    for (size_t i = 0; i < ctx->nexperiments && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                ctx->plugins[ctx->experiments[i]].desc->name);
    nz_error(NZ_ERR_NOT_FOUND, "no experiment named '%s'; available: %s (see `nazo plugins`)",
             name, ctx->nexperiments ? list : "none");
    return NULL;
}
