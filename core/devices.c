/* Devices: the list over available backends, opening, and accessors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* "cpu" first, then by name, so that "cpu:0" is always the first device. */
static int backend_before(const char *a, const char *b)
{
    int ca = strcmp(a, "cpu") == 0, cb = strcmp(b, "cpu") == 0;
    if (ca != cb) return ca;
    return strcmp(a, b) < 0;
}

nz_status nz_devices_build(nz_context *ctx)
{
    size_t np = ctx->nplugins, total = 0;
    size_t *order = malloc((np ? np : 1) * sizeof *order);
    if (!order) return nz_error(NZ_ERR_NOMEM, "out of memory listing devices");
    size_t nb = 0;
    for (size_t i = 0; i < np; i++) {
        const nz_plugin_rec *p = &ctx->plugins[i];
        if (!p->be || !p->info.available) continue;
        size_t j = nb++;
        while (j > 0 && backend_before(p->info.name, ctx->plugins[order[j - 1]].info.name)) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
        total += (size_t)p->info.device_count;
    }
    ctx->devices = calloc(total ? total : 1, sizeof *ctx->devices);
    if (!ctx->devices) {
        free(order);
        return nz_error(NZ_ERR_NOMEM, "out of memory listing devices");
    }
    for (size_t b = 0; b < nb; b++) {
        nz_plugin_rec *p = &ctx->plugins[order[b]];
        for (int i = 0; i < p->info.device_count; i++) {
            nz_dev_slot *s = &ctx->devices[ctx->ndevices];
            nz_error_clear();
            if (p->be->device_info(i, &s->entry.info) != NZ_OK) {
                /* Keep the others: one broken device should not hide the rest. */
                nz_debug("load", "  %s:%d: device_info failed (skipped): %s", p->info.name, i,
                         nz_last_error());
                memset(s, 0, sizeof *s);
                continue;
            }
            /* Backends fill fixed arrays; never trust them to terminate. */
            s->entry.info.name[sizeof s->entry.info.name - 1] = '\0';
            s->entry.info.vendor[sizeof s->entry.info.vendor - 1] = '\0';
            s->entry.info.detail[sizeof s->entry.info.detail - 1] = '\0';
            snprintf(s->id, sizeof s->id, "%s:%d", p->info.name, i);
            s->entry.id = s->id;
            s->entry.backend = p->info.name;
            s->entry.index = i;
            s->plugin = order[b];
            ctx->ndevices++;
            nz_debug("load", "  device %s: %s", s->id, s->entry.info.name);
        }
    }
    free(order);
    return NZ_OK;
}

void nz_devices_close(nz_context *ctx)
{
    for (size_t i = 0; i < ctx->ndevices; i++) {
        nz_device *d = ctx->devices[i].open;
        if (!d) continue;
        d->be->finish(d->handle);
        d->be->close(d->handle);
        free(d);
        ctx->devices[i].open = NULL;
    }
}

size_t nz_context_device_count(const nz_context *ctx) { return ctx ? ctx->ndevices : 0; }

const nz_device_entry *nz_context_device_entry(const nz_context *ctx, size_t i)
{
    if (!ctx || i >= ctx->ndevices) return NULL;
    return &ctx->devices[i].entry;
}

nz_status nz_device_open_entry(nz_context *ctx, size_t entry, nz_device **dev)
{
    if (!ctx || !dev)
        return nz_error(NZ_ERR_INVALID, "nz_device_open_entry: NULL %s", ctx ? "dev" : "context");
    *dev = NULL;
    if (entry >= ctx->ndevices)
        return nz_error(NZ_ERR_NOT_FOUND, "nz_device_open_entry: no device entry %zu (there are %zu)",
                        entry, ctx->ndevices);
    nz_dev_slot *s = &ctx->devices[entry];
    nz_status st = NZ_OK;
    pthread_mutex_lock(&ctx->lock);
    if (!s->open) {
        const nz_backend_iface *be = ctx->plugins[s->plugin].be;
        nz_device *d = calloc(1, sizeof *d);
        if (!d) {
            st = nz_error(NZ_ERR_NOMEM, "out of memory opening %s", s->id);
        } else {
            nz_error_clear();
            st = be->open(s->entry.index, &d->handle);
            if (st != NZ_OK) {
                nz_backend_failed(st, "opening device %s (%s)", s->id, s->entry.info.name);
                free(d);
            } else {
                d->ctx = ctx;
                d->slot = s;
                d->be = be;
                s->open = d;
                nz_debug("load", "opened %s (%s)", s->id, s->entry.info.name);
            }
        }
    }
    *dev = s->open;
    pthread_mutex_unlock(&ctx->lock);
    return st;
}

nz_status nz_device_open(nz_context *ctx, const char *name, nz_device **dev)
{
    if (dev) *dev = NULL;
    if (!ctx || !dev)
        return nz_error(NZ_ERR_INVALID, "nz_device_open: NULL %s", ctx ? "dev" : "context");
    size_t entry;
    nz_status st = nz_context_resolve_device(ctx, name, &entry);
    if (st != NZ_OK) return st;
    return nz_device_open_entry(ctx, entry, dev);
}

const char *nz_device_id(const nz_device *dev) { return dev ? dev->slot->id : "(null device)"; }

const nz_device_info *nz_device_get_info(const nz_device *dev)
{
    return dev ? &dev->slot->entry.info : NULL;
}

const char *nz_device_backend_name(const nz_device *dev)
{
    return dev ? dev->slot->entry.backend : NULL;
}

nz_context *nz_device_context(const nz_device *dev) { return dev ? dev->ctx : NULL; }

int nz_device_supports(const nz_device *dev, nz_op op, nz_dtype dtype)
{
    if (!dev || (unsigned)op >= NZ_OP_COUNT || !nz_dtype_valid(dtype)) return 0;
    return dev->be->supports(dev->handle, op, dtype) != 0;
}

nz_status nz_device_finish(nz_device *dev)
{
    if (!dev) return nz_error(NZ_ERR_INVALID, "nz_device_finish: NULL device");
    nz_error_clear();
    nz_status st = dev->be->finish(dev->handle);
    if (st != NZ_OK) return nz_backend_failed(st, "waiting for %s", dev->slot->id);
    return NZ_OK;
}

const nz_backend_iface *nz_device_backend(const nz_device *dev) { return dev ? dev->be : NULL; }

void *nz_device_handle(const nz_device *dev) { return dev ? dev->handle : NULL; }
