/* Small helpers for messages. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *nz_tdesc(const nz_tensor *t)
{
    /* A ring, so that one printf can name several tensors. */
    static _Thread_local char ring[8][96];
    static _Thread_local unsigned next;
    char *buf = ring[next++ % 8];
    return nz_tensor_describe(t, buf, sizeof ring[0]);
}

int nz_icontains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0) return 1;
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n) return 1;
    }
    return 0;
}

nz_status nz_backend_failed(nz_status st, const char *fmt, ...)
{
    char ctx[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx, sizeof ctx, fmt, ap);
    va_end(ap);
    if (!*nz_last_error()) nz_error(st, "%s", nz_status_name(st));
    return nz_error_prefix(st, "%s", ctx);
}
