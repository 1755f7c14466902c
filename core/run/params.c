/* Experiment parameters: parsing user text against the declarations.
 *
 * Every bad value is rejected with one message naming the parameter, the
 * value, the type and the allowed values, so a typo never starts a long run. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "params_internal.h"

const char *nz_param_type_name(nz_param_type t)
{
    switch (t) {
    case NZ_PARAM_INT: return "int";
    case NZ_PARAM_FLOAT: return "float";
    case NZ_PARAM_BOOL: return "bool";
    case NZ_PARAM_STRING: return "string";
    case NZ_PARAM_CHOICE: return "choice";
    }
    return "unknown";
}

const nz_param_decl *nz_param_find(const nz_param_decl *decls, const char *name)
{
    if (!decls || !name) return NULL;
    for (const nz_param_decl *d = decls; d->name; d++)
        if (strcmp(d->name, name) == 0) return d;
    return NULL;
}

static int bounded(const nz_param_decl *d) { return d->min <= d->max; }

/* Append with snprintf semantics: *len counts what the full text needs. */
static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*len < size ? buf + *len : NULL, *len < size ? size - *len : 0, fmt, ap);
    va_end(ap);
    if (n > 0) *len += (size_t)n;
}

size_t nz_param_describe(const nz_param_decl *d, char *buf, size_t size)
{
    size_t len = 0;
    if (size) buf[0] = '\0';
    switch (d->type) {
    case NZ_PARAM_INT:
        if (bounded(d)) put(buf, size, &len, "an integer in [%.0f, %.0f]", d->min, d->max);
        else put(buf, size, &len, "an integer");
        break;
    case NZ_PARAM_FLOAT:
        if (bounded(d)) put(buf, size, &len, "a number in [%g, %g]", d->min, d->max);
        else put(buf, size, &len, "a number");
        break;
    case NZ_PARAM_BOOL:
        put(buf, size, &len, "true/false, yes/no, on/off or 1/0");
        break;
    case NZ_PARAM_STRING:
        put(buf, size, &len, "any text");
        break;
    case NZ_PARAM_CHOICE:
        put(buf, size, &len, "one of ");
        for (const char *const *c = d->choices; c && *c; c++)
            put(buf, size, &len, "%s%s", c == d->choices ? "" : ", ", *c);
        break;
    }
    return len;
}

static nz_status bad_value(const nz_param_decl *d, const char *value, const char *why)
{
    char allowed[1024];
    nz_param_describe(d, allowed, sizeof allowed);
    return nz_error(NZ_ERR_INVALID, "parameter '%s' (%s): '%s' %s; use %s", d->name,
                    nz_param_type_name(d->type), value, why, allowed);
}

static int parse_int(const char *s, int64_t *out)
{
    if (!*s) return 0;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno == 0 && *end == '\0') {
        *out = v;
        return 1;
    }
    /* Accept integral values written in float form ("1e6" steps). */
    errno = 0;
    double f = strtod(s, &end);
    if (errno || *end || !isfinite(f) || f != floor(f) || fabs(f) >= 9.2e18) return 0;
    *out = (int64_t)f;
    return 1;
}

static int parse_float(const char *s, double *out)
{
    if (!*s) return 0;
    char *end;
    errno = 0;
    double f = strtod(s, &end);
    if (*end || !isfinite(f) || (errno == ERANGE && f != 0)) return 0;
    *out = f;
    return 1;
}

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) { *out = 1; return 1; }
        if (strcasecmp(s, no[i]) == 0) { *out = 0; return 1; }
    }
    return 0;
}

nz_status nz_param_value_parse(const nz_param_decl *d, const char *value, nz_param_value *v)
{
    char canon[64];
    const char *text = value;
    memset(v, 0, sizeof *v);
    switch (d->type) {
    case NZ_PARAM_INT:
        if (!parse_int(value, &v->i)) return bad_value(d, value, "is not an integer");
        if (bounded(d) && ((double)v->i < d->min || (double)v->i > d->max))
            return bad_value(d, value, "is out of range");
        v->f = (double)v->i;
        snprintf(canon, sizeof canon, "%lld", (long long)v->i);
        text = canon;
        break;
    case NZ_PARAM_FLOAT:
        if (!parse_float(value, &v->f)) return bad_value(d, value, "is not a finite number");
        if (bounded(d) && (v->f < d->min || v->f > d->max))
            return bad_value(d, value, "is out of range");
        /* The shortest text that reads back as the same double. */
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(canon, sizeof canon, "%.*g", prec, v->f);
            if (strtod(canon, NULL) == v->f) break;
        }
        text = canon;
        break;
    case NZ_PARAM_BOOL:
        if (!parse_bool(value, &v->b)) return bad_value(d, value, "is not a boolean");
        text = v->b ? "true" : "false";
        break;
    case NZ_PARAM_STRING:
        break;
    case NZ_PARAM_CHOICE: {
        int found = 0;
        for (const char *const *c = d->choices; c && *c; c++)
            if (strcmp(*c, value) == 0) found = 1;
        if (!found) return bad_value(d, value, "is not a valid choice");
        break;
    }
    default:
        return nz_error(NZ_ERR_INVALID, "parameter '%s' has unknown type %d; fix the plugin's declaration",
                        d->name, (int)d->type);
    }
    v->text = strdup(text);
    if (!v->text) return nz_error(NZ_ERR_NOMEM, "out of memory storing parameter '%s'", d->name);
    return NZ_OK;
}

static int valid_name(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
    return 1;
}

nz_status nz_param_decls_check(const nz_param_decl *decls, const char *experiment)
{
    const char *exp = experiment ? experiment : "?";
    if (!decls) return NZ_OK; /* an experiment without parameters */
    for (const nz_param_decl *d = decls; d->name; d++) {
        if (!valid_name(d->name))
            return nz_error(NZ_ERR_INVALID, "experiment '%s' declares parameter '%s'; names must match [a-z0-9_]+",
                            exp, d->name);
        for (const nz_param_decl *e = decls; e != d; e++)
            if (strcmp(e->name, d->name) == 0)
                return nz_error(NZ_ERR_INVALID, "experiment '%s' declares parameter '%s' twice; rename one",
                                exp, d->name);
        if (d->type == NZ_PARAM_CHOICE && (!d->choices || !d->choices[0]))
            return nz_error(NZ_ERR_INVALID, "experiment '%s': choice parameter '%s' has no choices; add them",
                            exp, d->name);
        if (!d->default_value)
            return nz_error(NZ_ERR_INVALID, "experiment '%s': parameter '%s' has no default; add one",
                            exp, d->name);
        nz_param_value v;
        if (nz_param_value_parse(d, d->default_value, &v) != NZ_OK)
            return nz_error_prefix(NZ_ERR_INVALID, "experiment '%s' has an invalid default", exp);
        free(v.text);
    }
    return NZ_OK;
}
