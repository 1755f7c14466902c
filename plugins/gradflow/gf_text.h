/* A growing text buffer for the table, the plot data and the JSON. */
#ifndef GF_TEXT_H
#define GF_TEXT_H

#include <stddef.h>

#include "nazo/status.h"

typedef struct gf_text {
    char *s;
    size_t len, cap;
    int failed;     /* out of memory: later appends are ignored */
} gf_text;

void gf_text_printf(gf_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON number, or the string "nan" / "inf" / "-inf" (JSON has no such
 * numbers, and a reader must see them, not a silent 0 or null). */
void gf_text_json_num(gf_text *t, double v);
nz_status gf_text_status(const gf_text *t);
void gf_text_free(gf_text *t);

#endif
