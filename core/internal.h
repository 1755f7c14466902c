/* Internal declarations shared by the core's source files.  Not installed:
 * plugins see only include/nazo/. */
#ifndef NAZO_CORE_INTERNAL_H
#define NAZO_CORE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "nazo/core.h"
#include "nazo/ops.h"
#include "nazo/tensor.h"

/* One successfully opened plugin file (loaded, maybe unavailable). */
typedef struct nz_plugin_rec {
    nz_plugin_info info;        /* strings point into the plugin or are owned below */
    char *path;                 /* owned */
    char *reason;               /* owned, NULL when available */
    void *dl;                   /* dlopen handle */
    const nz_plugin_desc *desc;
    const nz_backend_iface *be; /* NULL for experiments */
} nz_plugin_rec;

/* One device of an available backend.  The array never moves after
 * nz_context_create(), so entry/id pointers stay valid. */
typedef struct nz_dev_slot {
    nz_device_entry entry;
    char id[48];
    size_t plugin;              /* index into ctx->plugins */
    nz_device *open;            /* cached by nz_device_open_entry */
} nz_dev_slot;

struct nz_context {
    nz_plugin_rec *plugins;
    size_t nplugins, cap_plugins;
    nz_load_failure *failures;  /* path and reason owned */
    size_t nfailures, cap_failures;
    char **dirs;
    size_t ndirs, cap_dirs;
    size_t *experiments;        /* plugin indices, sorted by name */
    size_t nexperiments;
    nz_dev_slot *devices;
    size_t ndevices;
    pthread_mutex_t lock;       /* guards opening devices */
};

struct nz_device {
    nz_context *ctx;
    const nz_dev_slot *slot;
    const nz_backend_iface *be;
    void *handle;
    /* Bumped by every op that may write integer data (see device_run.c): it
     * invalidates the known index ranges of all tensors on the device. */
    uint64_t int_writes;
};

/* Storage shared by a tensor and its views. */
typedef struct nz_storage {
    nz_device *dev;
    void *buf;
    size_t bytes;
    atomic_int refs;
    uint64_t writes;            /* bumped by every upload, copy or fill into it */
} nz_storage;

struct nz_tensor {
    nz_storage *st;
    nz_dtype dtype;
    int ndim;
    int64_t shape[NZ_MAX_DIMS];
    int64_t numel;
    size_t off;                 /* element offset into st->buf, in dtype elements */
    /* I32 tensors: the values are known to lie in [known_lo, known_hi] as long
     * as the storage and device write counters still read as recorded.  Set by
     * uploads (from the host data), fills, copies and index checks, so checking
     * labels uploaded from the host never reads them back from the device. */
    int known;
    int32_t known_lo, known_hi;
    uint64_t known_writes, known_int_writes;
};

/* tensor_io.c: record or test a tensor's known index range. */
void nz_tensor_note_range(const nz_tensor *t, int32_t lo, int32_t hi);
int nz_tensor_known_range(const nz_tensor *t, int32_t *lo, int32_t *hi);

/* loader.c: fill ctx->dirs, ctx->plugins, ctx->failures. */
nz_status nz_loader_run(nz_context *ctx);
/* context.c: helpers for the loader. */
nz_status nz_ctx_add_failure(nz_context *ctx, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* devices.c: build ctx->devices from the available backends. */
nz_status nz_devices_build(nz_context *ctx);
void nz_devices_close(nz_context *ctx);

/* A describe string in a small thread-local ring of buffers, so that one
 * message can name several tensors: nz_tdesc(x), nz_tdesc(y). */
const char *nz_tdesc(const nz_tensor *t);

/* Case-insensitive substring test. */
int nz_icontains(const char *hay, const char *needle);

/* After a backend call failed with `st`: prefix its message with context
 * (using the status name when the backend left no message). */
nz_status nz_backend_failed(nz_status st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Whether dtype is one of the enum's values. */
static inline int nz_dtype_valid(nz_dtype dt)
{
    return dt == NZ_F32 || dt == NZ_F64 || dt == NZ_I32;
}

#endif
