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

/* In-place f32 unary op over n elements of buf: buf = f(buf; p0, p1). */
static inline nz_op_args ocl_test_unary(nz_unary_fn fn, int64_t n, void *buf, double p0, double p1)
{
    nz_op_args a;
    memset(&a, 0, sizeof a);
    a.op = NZ_OP_UNARY;
    a.dtype = NZ_F32;
    a.u.unary.fn = fn;
    a.u.unary.m = 1;
    a.u.unary.n = n;
    a.u.unary.x.buf = buf;
    a.u.unary.out.buf = buf;
    a.u.unary.p0 = p0;
    a.u.unary.p1 = p1;
    a.u.unary.alpha = 1;
    return a;
}

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
