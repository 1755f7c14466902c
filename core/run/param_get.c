/* Parameter values inside a run (nz_run_int, ...). */
#include <string.h>

#include "run_internal.h"

/* A wrong name or type is a bug in the plugin: say so loudly in the log. */
static const nz_param_value *lookup(nz_run *r, const char *name, int (*type_ok)(nz_param_type),
                                    const char *wanted)
{
    if (!r || !name) return NULL;
    for (size_t i = 0; i < r->params->count; i++) {
        const nz_param_decl *d = &r->params->decls[i];
        if (strcmp(d->name, name) != 0) continue;
        if (type_ok(d->type)) return &r->params->values[i];
        nz_error(NZ_ERR_INVALID, "experiment '%s' asked for parameter '%s' as %s but declared it %s; "
                 "fix the plugin", r->desc->name, name, wanted, nz_param_type_name(d->type));
        nz_run_log(r, "plugin bug: %s", nz_last_error());
        return NULL;
    }
    nz_error(NZ_ERR_NOT_FOUND, "experiment '%s' asked for parameter '%s', which it does not declare; "
             "fix the plugin", r->desc->name, name);
    nz_run_log(r, "plugin bug: %s", nz_last_error());
    return NULL;
}

static int is_int(nz_param_type t) { return t == NZ_PARAM_INT; }
static int is_number(nz_param_type t) { return t == NZ_PARAM_INT || t == NZ_PARAM_FLOAT; }
static int is_bool(nz_param_type t) { return t == NZ_PARAM_BOOL; }
static int is_text(nz_param_type t) { return t == NZ_PARAM_STRING || t == NZ_PARAM_CHOICE; }

int64_t nz_run_int(nz_run *r, const char *name)
{
    const nz_param_value *v = lookup(r, name, is_int, "an int");
    return v ? v->i : 0;
}

/* An INT parameter read as a float is harmless (learning rate 1). */
double nz_run_float(nz_run *r, const char *name)
{
    const nz_param_value *v = lookup(r, name, is_number, "a float");
    return v ? v->f : 0.0;
}

int nz_run_bool(nz_run *r, const char *name)
{
    const nz_param_value *v = lookup(r, name, is_bool, "a bool");
    return v ? v->b : 0;
}

const char *nz_run_string(nz_run *r, const char *name)
{
    const nz_param_value *v = lookup(r, name, is_text, "a string");
    return v ? v->text : NULL;
}
