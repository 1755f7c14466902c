/* Shared by the run/ sources: one parsed parameter value. */
#ifndef NAZO_RUN_PARAMS_INTERNAL_H
#define NAZO_RUN_PARAMS_INTERNAL_H

#include "nazo/runner.h"

typedef struct nz_param_value {
    int64_t i;     /* INT */
    double f;      /* FLOAT (and INT as a double) */
    int b;         /* BOOL */
    char *text;    /* canonical text, owned; STRING and CHOICE values */
} nz_param_value;

/* Parse `value` for declaration d into v (v->text allocated on success). */
nz_status nz_param_value_parse(const nz_param_decl *d, const char *value, nz_param_value *v);

struct nz_params {
    const nz_param_decl *decls;
    char *experiment;
    size_t count;
    nz_param_value *values;   /* one per declaration */
};

/* A deep copy (the run keeps its own). */
nz_params *nz_params_copy(const nz_params *p);

#endif
