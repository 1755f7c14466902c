/* Running an experiment: parameters, run directories, the run itself.
 *
 * This is what a front end (the `nazo` command line, a sweep driver) needs to
 * turn user text into a validated run:
 *
 *   nz_params *p = nz_params_create(iface->params, desc->name);
 *   nz_params_assign(p, "steps=200");              // each --set
 *   nz_run_check_out_dir(dir);                      // before creating anything
 *   nz_run_create(ctx, desc, dev, seed, dir, p, cmdline, &run);
 *   nz_run_execute(run);                            // calls the experiment
 *   nz_run_free(run);
 *
 * Every failure leaves a one-line message (nz_last_error) that names what was
 * wrong and lists the valid choices or says what to do. */
#ifndef NAZO_RUNNER_H
#define NAZO_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "nazo/core.h"
#include "nazo/experiment.h"
#include "nazo/plugin.h"
#include "nazo/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- parameter declarations ---- */

/* "int", "float", "bool", "string", "choice". */
const char *nz_param_type_name(nz_param_type t);
/* The declaration called `name`, or NULL. */
const nz_param_decl *nz_param_find(const nz_param_decl *decls, const char *name);
/* The allowed values in words, e.g. "an integer in [1, 1000]", "one of a, b".
 * Returns the length that the full text needs (like snprintf). */
size_t nz_param_describe(const nz_param_decl *d, char *buf, size_t size);
/* Check a plugin's declarations: names [a-z0-9_]+ and unique, known types,
 * defaults that validate, choices present.  `experiment` names it in messages. */
nz_status nz_param_decls_check(const nz_param_decl *decls, const char *experiment);

/* ---- parameter values ---- */

typedef struct nz_params nz_params;

/* Every declared parameter at its default.  NULL (with a message) when the
 * declarations are invalid or memory runs out. */
nz_params *nz_params_create(const nz_param_decl *decls, const char *experiment);
void nz_params_free(nz_params *p);

/* Validate `value` for parameter `name` and store it (a later set wins).
 * NZ_ERR_NOT_FOUND for an undeclared name, NZ_ERR_INVALID for a bad value;
 * the message names the parameter, the value, the type and the allowed values. */
nz_status nz_params_set(nz_params *p, const char *name, const char *value);
/* The same for "name=value" (the argument of --set). */
nz_status nz_params_assign(nz_params *p, const char *assignment);

/* Inspection, in declaration order. */
size_t nz_params_count(const nz_params *p);
const nz_param_decl *nz_params_decl(const nz_params *p, size_t i);
/* The value as canonical text ("42", "0.001", "true", "fast"). */
const char *nz_params_text(const nz_params *p, size_t i);
int64_t nz_params_int(const nz_params *p, size_t i);
double nz_params_float(const nz_params *p, size_t i);
int nz_params_bool(const nz_params *p, size_t i);

/* ---- run directories ---- */

/* Check that a run can be created at `dir` without creating anything: `dir`
 * is absent (its nearest existing ancestor a writable directory) or an empty
 * writable directory. */
nz_status nz_run_check_out_dir(const char *dir);
/* "runs/<experiment>-YYYYmmdd-HHMMSS", with "-N" appended when taken. */
nz_status nz_run_default_dir(const char *experiment, char *buf, size_t size);

/* ---- the run ---- */

/* Create the run directory (and missing parents) and write params.json.
 * `params` must come from the experiment's declarations; it is copied.
 * `command_line` (may be NULL) is recorded in params.json. */
nz_status nz_run_create(nz_context *ctx, const nz_plugin_desc *experiment, nz_device *dev,
                        uint64_t seed, const char *out_dir, const nz_params *params,
                        const char *command_line, nz_run **out);
/* Run the experiment with SIGINT/SIGTERM caught (see nz_run_interrupted),
 * then write summary.json with status, wall time and device.  Returns the
 * experiment's status; its message is kept in nz_last_error(). */
nz_status nz_run_execute(nz_run *r);
void nz_run_free(nz_run *r);

#ifdef __cplusplus
}
#endif
#endif
