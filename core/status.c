/* Thread-local error messages and NAZO_DEBUG tracing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nazo/status.h"

#define NZ_MSG_MAX 2048

static _Thread_local char tls_msg[NZ_MSG_MAX];

const char *nz_status_name(nz_status s)
{
    switch (s) {
    case NZ_OK: return "ok";
    case NZ_ERR_INVALID: return "invalid argument";
    case NZ_ERR_NOMEM: return "out of memory";
    case NZ_ERR_DEVICE: return "device error";
    case NZ_ERR_IO: return "i/o error";
    case NZ_ERR_UNSUPPORTED: return "not supported";
    case NZ_ERR_NOT_FOUND: return "not found";
    case NZ_ERR_UNAVAILABLE: return "unavailable";
    case NZ_ERR_INTERRUPTED: return "interrupted";
    case NZ_ERR_NUMERIC: return "numerical failure";
    }
    return "unknown status";
}

const char *nz_last_error(void) { return tls_msg; }

void nz_error_clear(void) { tls_msg[0] = '\0'; }

nz_status nz_verror(nz_status s, const char *fmt, va_list ap)
{
    vsnprintf(tls_msg, sizeof tls_msg, fmt, ap);
    nz_debug("error", "%s", tls_msg);
    return s;
}

nz_status nz_error(nz_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nz_verror(s, fmt, ap);
    va_end(ap);
    return s;
}

nz_status nz_error_prefix(nz_status s, const char *fmt, ...)
{
    char prefix[512], old[NZ_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, tls_msg, sizeof old);
    /* Truncating a long message is fine; the return value says by how much. */
    if (snprintf(tls_msg, sizeof tls_msg, "%s: %s", prefix, old) >= (int)sizeof tls_msg)
        nz_debug("error", "message truncated");
    return s;
}

/* NAZO_DEBUG is a comma-separated list of topics, or "all". */
int nz_debug_enabled(const char *topic)
{
    const char *env = getenv("NAZO_DEBUG");
    if (!env || !*env) return 0;
    size_t tl = strlen(topic);
    for (const char *p = env; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if ((len == 3 && strncasecmp(p, "all", 3) == 0) ||
            (len == tl && strncasecmp(p, topic, tl) == 0))
            return 1;
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

void nz_debug(const char *topic, const char *fmt, ...)
{
    if (!nz_debug_enabled(topic)) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "nazo[%s] ", topic);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
