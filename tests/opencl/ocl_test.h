/* Shared helpers of the OpenCL backend tests: load the plugin by path (the
 * first argument), plain checks that print where they failed. */
#ifndef NAZO_OCL_TEST_H
#define NAZO_OCL_TEST_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nazo/backend.h"

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);  \
            fprintf(stderr, __VA_ARGS__);                                    \
            fprintf(stderr, " [last error: %s]\n", nz_last_error());         \
            return 1;                                                        \
        }                                                                    \
    } while (0)

#define CHECK_OK(expr) CHECK((expr) == NZ_OK, "%s", #expr)

static inline const nz_backend_iface *ocl_test_load(const char *path, void **dl)
{
    *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!*dl) {
        fprintf(stderr, "cannot open %s: %s\n", path, dlerror());
        return NULL;
    }
    nz_plugin_entry_fn entry = (nz_plugin_entry_fn)dlsym(*dl, NZ_PLUGIN_ENTRY_SYMBOL);
    if (!entry) {
        fprintf(stderr, "%s has no %s\n", path, NZ_PLUGIN_ENTRY_SYMBOL);
        return NULL;
    }
    const nz_plugin_desc *d = entry();
    if (!d || d->abi_version != NZ_ABI_VERSION || d->kind != NZ_PLUGIN_BACKEND ||
        strcmp(d->name, "opencl") != 0) {
        fprintf(stderr, "%s: not the opencl backend of this ABI\n", path);
        return NULL;
    }
    return d->table;
}

#endif
