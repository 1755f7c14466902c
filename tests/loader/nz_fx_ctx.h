/* Lookups in a context's plugin and failure lists for the loader tests. */
#ifndef NZ_FX_CTX_H
#define NZ_FX_CTX_H

#include "nazo/core.h"

/* Whether two paths name the same file: equal strings, or the same base
 * name in the same (resolved) directory.  Works for dangling links too. */
int nz_fx_same_path(const char *a, const char *b);
/* Whether `path` lies directly in `dir`. */
int nz_fx_in_dir(const char *path, const char *dir);

const nz_plugin_info *nz_fx_plugin_named(const nz_context *ctx, const char *name);
const nz_plugin_info *nz_fx_plugin_at(const nz_context *ctx, const char *path);
const nz_load_failure *nz_fx_failure_at(const nz_context *ctx, const char *path);
/* Failures whose file lies in dir. */
size_t nz_fx_failures_in(const nz_context *ctx, const char *dir);
/* Print what loaded and what failed, to read a failing test's log. */
void nz_fx_dump(const nz_context *ctx);

#endif
