/* Scratch plugin directories for the loader tests: a fresh temporary
 * directory per case, fixtures copied in under plugin file names, links,
 * and cleanup. */
#ifndef NZ_FX_DIR_H
#define NZ_FX_DIR_H

#include <stddef.h>

/* A new empty directory under $TMPDIR (or /tmp); malloc'd path, NULL on failure. */
char *nz_fx_mkdtemp(void);
/* Copy the built fixture `fixture` (a file name in the fixture build dir) to
 * dir/as.  Copies, not links: a copy's $ORIGIN is `dir`.  0 on success. */
int nz_fx_install(const char *dir, const char *fixture, const char *as);
/* Copy any file to dir/as.  0 on success. */
int nz_fx_copy_file(const char *src, const char *dir, const char *as);
/* dir/as -> target.  0 on success. */
int nz_fx_symlink(const char *dir, const char *target, const char *as);
/* Remove dir and everything under it. */
void nz_fx_rmtree(const char *dir);
/* dir/name into buf; returns buf. */
const char *nz_fx_join(char *buf, size_t len, const char *dir, const char *name);

#endif
