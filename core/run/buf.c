/* nz_buf: a growable text buffer for files that are rewritten whole. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "run_internal.h"

nz_status nz_buf_printf(nz_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return nz_error(NZ_ERR_INVALID, "cannot format text for a run file");
    size_t need = b->len + (size_t)n + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < need) cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) return nz_error(NZ_ERR_NOMEM, "out of memory growing a run file to %zu bytes", need);
        b->data = d;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return NZ_OK;
}

void nz_buf_free(nz_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
