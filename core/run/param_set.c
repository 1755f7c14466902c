/* nz_params: the current value of every declared parameter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params_internal.h"

nz_params *nz_params_create(const nz_param_decl *decls, const char *experiment)
{
    if (nz_param_decls_check(decls, experiment) != NZ_OK) return NULL;
    nz_params *p = calloc(1, sizeof *p);
    if (!p) goto nomem;
    p->decls = decls;
    p->experiment = strdup(experiment ? experiment : "?");
    if (!p->experiment) goto nomem;
    while (decls && decls[p->count].name) p->count++;
    p->values = calloc(p->count ? p->count : 1, sizeof *p->values);
    if (!p->values) goto nomem;
    for (size_t i = 0; i < p->count; i++)
        if (nz_param_value_parse(&decls[i], decls[i].default_value, &p->values[i]) != NZ_OK) {
            nz_params_free(p);
            return NULL;
        }
    return p;
nomem:
    nz_params_free(p);
    nz_error(NZ_ERR_NOMEM, "out of memory creating the parameters of '%s'", experiment ? experiment : "?");
    return NULL;
}

void nz_params_free(nz_params *p)
{
    if (!p) return;
    for (size_t i = 0; p->values && i < p->count; i++) free(p->values[i].text);
    free(p->values);
    free(p->experiment);
    free(p);
}

nz_params *nz_params_copy(const nz_params *p)
{
    nz_params *c = nz_params_create(p->decls, p->experiment);
    if (!c) return NULL;
    for (size_t i = 0; i < p->count; i++)
        if (nz_params_set(c, p->decls[i].name, p->values[i].text) != NZ_OK) {
            nz_params_free(c);
            return NULL;
        }
    return c;
}

static nz_status unknown(const nz_params *p, const char *name)
{
    char list[1024] = "";
    size_t len = 0;
    for (size_t i = 0; i < p->count && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", p->decls[i].name);
    if (p->count == 0)
        return nz_error(NZ_ERR_NOT_FOUND, "unknown parameter '%s': experiment '%s' has no parameters",
                        name, p->experiment);
    return nz_error(NZ_ERR_NOT_FOUND, "unknown parameter '%s' for experiment '%s'; valid parameters: %s",
                    name, p->experiment, list);
}

nz_status nz_params_set(nz_params *p, const char *name, const char *value)
{
    if (!p || !name || !value)
        return nz_error(NZ_ERR_INVALID, "nz_params_set: NULL argument; pass the parameters, a name and a value");
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(p->decls[i].name, name) != 0) continue;
        nz_param_value v;
        nz_status s = nz_param_value_parse(&p->decls[i], value, &v);
        if (s != NZ_OK) return s;
        free(p->values[i].text);
        p->values[i] = v;
        return NZ_OK;
    }
    return unknown(p, name);
}

nz_status nz_params_assign(nz_params *p, const char *assignment)
{
    if (!p || !assignment)
        return nz_error(NZ_ERR_INVALID, "nz_params_assign: NULL argument; pass key=value");
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return nz_error(NZ_ERR_INVALID, "malformed --set '%s'; write --set key=value (see nazo help %s)",
                        assignment, p->experiment);
    size_t n = (size_t)(eq - assignment);
    char *name = malloc(n + 1);
    if (!name) return nz_error(NZ_ERR_NOMEM, "out of memory parsing --set '%s'", assignment);
    memcpy(name, assignment, n);
    name[n] = '\0';
    nz_status s = nz_params_set(p, name, eq + 1);
    free(name);
    return s;
}

size_t nz_params_count(const nz_params *p) { return p ? p->count : 0; }

const nz_param_decl *nz_params_decl(const nz_params *p, size_t i)
{
    return p && i < p->count ? &p->decls[i] : NULL;
}

const char *nz_params_text(const nz_params *p, size_t i)
{
    return p && i < p->count ? p->values[i].text : NULL;
}

int64_t nz_params_int(const nz_params *p, size_t i) { return p && i < p->count ? p->values[i].i : 0; }
double nz_params_float(const nz_params *p, size_t i) { return p && i < p->count ? p->values[i].f : 0; }
int nz_params_bool(const nz_params *p, size_t i) { return p && i < p->count ? p->values[i].b : 0; }
