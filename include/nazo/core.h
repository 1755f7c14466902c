/* The core context: loaded plugins, their failures, and devices.
 *
 * nz_context_create() searches for plugins (NAZO_PLUGIN_PATH, then the build
 * tree when run uninstalled, then $libdir/nazo/plugins), loads every
 * nazo-backend-*.so and nazo-exp-*.so it finds with dlopen(RTLD_NOW |
 * RTLD_LOCAL), and records every failure with the file and the cause instead
 * of stopping.  NAZO_DEBUG=load traces every path tried. */
#ifndef NAZO_CORE_H
#define NAZO_CORE_H

#include <stddef.h>

#include "nazo/backend.h"
#include "nazo/plugin.h"
#include "nazo/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NZ_VERSION_STRING "0.1.0"

typedef struct nz_context nz_context;
typedef struct nz_device nz_device;
struct nz_experiment_iface;

/* Load plugins as described above.  Never fails because a plugin failed:
 * such failures are listed by nz_context_failure().  Returns NULL (with a
 * message) only when out of memory. */
nz_context *nz_context_create(void);
/* Close open devices and unload plugins.  Tensors must be freed first. */
void nz_context_free(nz_context *ctx);

/* ---- what loaded ---- */
typedef struct nz_plugin_info {
    const char *path;         /* file it came from */
    nz_plugin_kind kind;
    const char *name, *version, *description;
    int available;            /* backends: probe found >= 1 device */
    const char *unavailable_reason; /* backends with available == 0 */
    int device_count;         /* backends */
} nz_plugin_info;

size_t nz_context_plugin_count(const nz_context *ctx);
const nz_plugin_info *nz_context_plugin(const nz_context *ctx, size_t i);

/* ---- what failed to load, and why ---- */
typedef struct nz_load_failure {
    const char *path;   /* the file */
    const char *reason; /* "cannot open: libfoo.so: cannot open shared object file ...",
                           "no nz_plugin_entry symbol", "ABI mismatch (plugin 2, core 1)",
                           "duplicate name 'cpu' (already loaded from /x/y.so)" */
} nz_load_failure;

size_t nz_context_failure_count(const nz_context *ctx);
const nz_load_failure *nz_context_failure(const nz_context *ctx, size_t i);

/* The directories searched, in order (for `nazo plugins`). */
size_t nz_context_search_dir_count(const nz_context *ctx);
const char *nz_context_search_dir(const nz_context *ctx, size_t i);

/* ---- experiments ---- */
size_t nz_context_experiment_count(const nz_context *ctx);
/* i-th experiment plugin's descriptor. */
const nz_plugin_desc *nz_context_experiment(const nz_context *ctx, size_t i);
const nz_plugin_desc *nz_context_find_experiment(const nz_context *ctx, const char *name);

/* ---- devices ----
 * Every device of every available backend, in a stable order: backends by
 * name with "cpu" first, then device index.  Each has a canonical name
 * "<backend>:<index>" ("cpu:0", "opencl:1"). */
typedef struct nz_device_entry {
    const char *id;           /* "cpu:0", "opencl:1" */
    const char *backend;      /* "cpu", "opencl" */
    int index;                /* device index within the backend */
    nz_device_info info;
} nz_device_entry;

size_t nz_context_device_count(const nz_context *ctx);
const nz_device_entry *nz_context_device_entry(const nz_context *ctx, size_t i);

/* Resolve a user's device name to an entry index:
 *   NULL or ""        -> NAZO_DEVICE if set, else "cpu"
 *   "cpu", "opencl"   -> that backend's preferred device (first GPU, else first)
 *   "opencl:1"        -> index 1 of that backend
 *   "opencl:0.1"      -> backends that name devices platform.device accept it
 *   any other string  -> the one device whose name contains it (case-insensitive)
 * Unknown or ambiguous names fail with NZ_ERR_NOT_FOUND / NZ_ERR_INVALID and a
 * message listing the valid choices. */
nz_status nz_context_resolve_device(const nz_context *ctx, const char *name, size_t *entry);

/* Open (or return the already-open) device for a user's device name. */
nz_status nz_device_open(nz_context *ctx, const char *name, nz_device **dev);
nz_status nz_device_open_entry(nz_context *ctx, size_t entry, nz_device **dev);

const char *nz_device_id(const nz_device *dev);           /* "cpu:0" */
const nz_device_info *nz_device_get_info(const nz_device *dev);
const char *nz_device_backend_name(const nz_device *dev); /* "cpu" */
nz_context *nz_device_context(const nz_device *dev);
int nz_device_supports(const nz_device *dev, nz_op op, nz_dtype dtype);
nz_status nz_device_finish(nz_device *dev);

/* Low level: the backend table and raw handle, for the conformance test and
 * benchmarks.  Experiments use tensors and ops instead. */
const nz_backend_iface *nz_device_backend(const nz_device *dev);
void *nz_device_handle(const nz_device *dev);

#ifdef __cplusplus
}
#endif
#endif
