#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "gf_text.h"

void gf_text_printf(gf_text *t, const char *fmt, ...)
{
    if (t->failed) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = t->cap - t->len;
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if (t->s && (size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + (size_t)n + 1) cap *= 2;
        char *s = realloc(t->s, cap);
        if (!s) {
            t->failed = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
}

void gf_text_json_num(gf_text *t, double v)
{
    if (isnan(v)) gf_text_printf(t, "\"nan\"");
    else if (isinf(v)) gf_text_printf(t, v > 0 ? "\"inf\"" : "\"-inf\"");
    else gf_text_printf(t, "%.9g", v);
}

nz_status gf_text_status(const gf_text *t)
{
    return t->failed ? nz_error(NZ_ERR_NOMEM, "gradflow: out of memory formatting output")
                     : NZ_OK;
}

void gf_text_free(gf_text *t)
{
    free(t->s);
    t->s = NULL;
    t->len = t->cap = 0;
}
