/* Resolving a user's device name ("cpu", "opencl:1", "opencl:0.1", "h200")
 * to a device entry, with messages that list the valid choices. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* "cpu:0 (Name), opencl:0 (Name); unavailable: opencl (reason)" */
static void list_choices(const nz_context *ctx, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
#define PUT(...) do { if (n < len) n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
    for (size_t i = 0; i < ctx->ndevices; i++)
        PUT("%s%s (%s)", i ? ", " : "", ctx->devices[i].id, ctx->devices[i].entry.info.name);
    if (ctx->ndevices == 0) PUT("no devices");
    int first = 1;
    for (size_t i = 0; i < ctx->nplugins; i++) {
        const nz_plugin_rec *p = &ctx->plugins[i];
        if (!p->be || p->info.available) continue;
        PUT("%s%s (%s)", first ? "; unavailable backends: " : ", ", p->info.name,
            p->info.unavailable_reason);
        first = 0;
    }
#undef PUT
}

static const nz_plugin_rec *find_backend(const nz_context *ctx, const char *name, size_t len)
{
    for (size_t i = 0; i < ctx->nplugins; i++) {
        const nz_plugin_rec *p = &ctx->plugins[i];
        if (p->be && strlen(p->info.name) == len && strncasecmp(p->info.name, name, len) == 0)
            return p;
    }
    return NULL;
}

/* Parses a whole non-negative decimal integer. */
static int parse_index(const char *s, long *out)
{
    if (!isdigit((unsigned char)*s)) return 0;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end) return 0;
    *out = v;
    return 1;
}

/* Backends that number devices by platform say so in the detail string:
 * "... platform P device D ..." (case-insensitive). */
static int detail_platform_device(const char *detail, long *p, long *d)
{
    for (const char *s = detail; *s; s++) {
        if (strncasecmp(s, "platform ", 9) != 0) continue;
        char *end;
        long pv = strtol(s + 9, &end, 10);
        if (end == s + 9) continue;
        while (*end == ',' || *end == ' ') end++;
        if (strncasecmp(end, "device ", 7) != 0) continue;
        char *end2;
        long dv = strtol(end + 7, &end2, 10);
        if (end2 == end + 7) continue;
        *p = pv;
        *d = dv;
        return 1;
    }
    return 0;
}

static nz_status unavailable(const nz_plugin_rec *p, const char *name)
{
    return nz_error(NZ_ERR_UNAVAILABLE, "device '%s': backend '%s' is unavailable: %s", name,
                    p->info.name, p->info.unavailable_reason);
}

/* "<backend>" or "<backend>:<rest>" with a known backend. */
static nz_status resolve_backend(const nz_context *ctx, const nz_plugin_rec *p, const char *name,
                                 const char *rest, size_t *entry)
{
    char choices[2048];
    if (!p->info.available) return unavailable(p, name);
    size_t first = ctx->ndevices, gpu = ctx->ndevices;
    long idx = -1, plat = -1, dev = -1;
    int dotted = 0;
    if (rest && !parse_index(rest, &idx)) {
        const char *dot = strchr(rest, '.');
        char pbuf[32];
        size_t pl = dot ? (size_t)(dot - rest) : 0;
        if (!dot || pl == 0 || pl >= sizeof pbuf) goto bad_suffix;
        memcpy(pbuf, rest, pl);
        pbuf[pl] = '\0';
        if (!parse_index(pbuf, &plat) || !parse_index(dot + 1, &dev)) goto bad_suffix;
        dotted = 1;
    }
    int any_dotted = 0;
    for (size_t i = 0; i < ctx->ndevices; i++) {
        const nz_dev_slot *s = &ctx->devices[i];
        if (&ctx->plugins[s->plugin] != p) continue;
        if (first == ctx->ndevices) first = i;
        if (gpu == ctx->ndevices && s->entry.info.type == NZ_DEVICE_GPU) gpu = i;
        if (rest && !dotted && s->entry.index == idx) {
            *entry = i;
            return NZ_OK;
        }
        long sp, sd;
        if (dotted && detail_platform_device(s->entry.info.detail, &sp, &sd)) {
            any_dotted = 1;
            if (sp == plat && sd == dev) {
                *entry = i;
                return NZ_OK;
            }
        }
    }
    list_choices(ctx, choices, sizeof choices);
    if (!rest) {
        if (gpu < ctx->ndevices) { *entry = gpu; return NZ_OK; }
        if (first < ctx->ndevices) { *entry = first; return NZ_OK; }
        return nz_error(NZ_ERR_NOT_FOUND, "device '%s': backend '%s' listed no usable device; choices: %s",
                        name, p->info.name, choices);
    }
    if (dotted && !any_dotted)
        return nz_error(NZ_ERR_NOT_FOUND,
                        "device '%s': backend '%s' does not number devices as platform.device; "
                        "use %s:N; choices: %s", name, p->info.name, p->info.name, choices);
    return nz_error(NZ_ERR_NOT_FOUND, "device '%s' not found (backend '%s' has %d device(s)); choices: %s",
                    name, p->info.name, p->info.device_count, choices);
bad_suffix:
    list_choices(ctx, choices, sizeof choices);
    return nz_error(NZ_ERR_INVALID,
                    "device '%s': expected %s:N or %s:P.D after the backend name; choices: %s",
                    name, p->info.name, p->info.name, choices);
}

nz_status nz_context_resolve_device(const nz_context *ctx, const char *name, size_t *entry)
{
    if (!ctx || !entry)
        return nz_error(NZ_ERR_INVALID, "nz_context_resolve_device: NULL %s", ctx ? "entry" : "context");
    const char *source = "";
    if (!name || !*name) {
        const char *env = getenv("NAZO_DEVICE");
        if (env && *env) {
            name = env;
            source = " (from NAZO_DEVICE)";
        } else {
            name = "cpu";
        }
    }
    char choices[2048];
    /* Exact ids first: "cpu:0". */
    for (size_t i = 0; i < ctx->ndevices; i++)
        if (strcasecmp(ctx->devices[i].id, name) == 0) {
            *entry = i;
            return NZ_OK;
        }
    const char *colon = strchr(name, ':');
    const nz_plugin_rec *p = find_backend(ctx, name, colon ? (size_t)(colon - name) : strlen(name));
    if (p) {
        nz_status st = resolve_backend(ctx, p, name, colon ? colon + 1 : NULL, entry);
        if (st != NZ_OK && *source) nz_error_prefix(st, "NAZO_DEVICE");
        return st;
    }
    /* A unique case-insensitive substring of a device's name or id. */
    size_t hits = 0, hit = 0;
    for (size_t i = 0; i < ctx->ndevices; i++)
        if (nz_icontains(ctx->devices[i].entry.info.name, name) ||
            nz_icontains(ctx->devices[i].id, name)) {
            if (hits++ == 0) hit = i;
        }
    if (hits == 1) {
        *entry = hit;
        return NZ_OK;
    }
    list_choices(ctx, choices, sizeof choices);
    if (hits > 1) {
        char matches[1024];
        size_t n = 0;
        matches[0] = '\0';
        for (size_t i = 0; i < ctx->ndevices && n < sizeof matches; i++)
            if (nz_icontains(ctx->devices[i].entry.info.name, name) ||
                nz_icontains(ctx->devices[i].id, name))
                n += (size_t)snprintf(matches + n, sizeof matches - n, "%s%s (%s)", n ? ", " : "",
                                      ctx->devices[i].id, ctx->devices[i].entry.info.name);
        return nz_error(NZ_ERR_INVALID, "device '%s'%s is ambiguous: it matches %s; name one by id",
                        name, source, matches);
    }
    return nz_error(NZ_ERR_NOT_FOUND, "no device matches '%s'%s; choices: %s", name, source, choices);
}
