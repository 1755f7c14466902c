/* Test-only backend "twin": two devices over host memory whose ops run
 * through the core's reference (nz_ref_run), so that core tests need no real
 * backend.  Built with -DTWIN_GHOST it becomes "ghost", a backend whose probe
 * finds no device, to test the unavailable path. */
#include <stdlib.h>
#include <string.h>

#include "nazo/backend.h"
#include "nazo/reference.h"

#define TWIN_DEVICES 2

typedef struct twin_dev {
    int index;
} twin_dev;

static nz_status twin_probe(int *count)
{
#ifdef TWIN_GHOST
    *count = 0;
    return nz_error(NZ_ERR_UNAVAILABLE, "ghost: no haunted hardware found (test fixture)");
#else
    *count = TWIN_DEVICES;
    return NZ_OK;
#endif
}

static nz_status twin_device_info(int index, nz_device_info *info)
{
    if (index < 0 || index >= TWIN_DEVICES)
        return nz_error(NZ_ERR_INVALID, "twin: no device %d", index);
    memset(info, 0, sizeof *info);
    strcpy(info->name, index == 0 ? "Twin Device A" : "Twin Device B");
    strcpy(info->vendor, "nazo tests");
    /* The detail names platform.device so that "twin:0.1" resolves. */
    strcpy(info->detail, index == 0 ? "host memory, platform 0 device 0"
                                    : "host memory, platform 0 device 1");
    /* B is a "GPU" so that "twin" prefers it, and has no f64. */
    info->type = index == 0 ? NZ_DEVICE_CPU : NZ_DEVICE_GPU;
    info->global_mem = 1u << 30;
    info->max_alloc = 1u << 28;
    info->compute_units = 1;
    info->fp64 = index == 0;
    return NZ_OK;
}

static nz_status twin_open(int index, void **dev)
{
    twin_dev *d = malloc(sizeof *d);
    if (!d) return nz_error(NZ_ERR_NOMEM, "twin: out of memory");
    d->index = index;
    *dev = d;
    return NZ_OK;
}

static void twin_close(void *dev) { free(dev); }
static nz_status twin_finish(void *dev) { (void)dev; return NZ_OK; }

static nz_status twin_alloc(void *dev, size_t bytes, void **buf)
{
    (void)dev;
    /* Poison fresh memory so that tests relying on uninitialised data fail. */
    *buf = malloc(bytes);
    if (!*buf) return nz_error(NZ_ERR_NOMEM, "twin: cannot allocate %zu bytes", bytes);
    memset(*buf, 0xA5, bytes);
    return NZ_OK;
}

static void twin_free(void *dev, void *buf) { (void)dev; free(buf); }

static nz_status twin_write(void *dev, void *buf, size_t off, const void *src, size_t bytes)
{
    (void)dev;
    memcpy((char *)buf + off, src, bytes);
    return NZ_OK;
}

static nz_status twin_read(void *dev, void *buf, size_t off, void *dst, size_t bytes)
{
    (void)dev;
    /* Lets a test prove that a code path never reads back from the device. */
    if (getenv("NZ_TWIN_NO_READS"))
        return nz_error(NZ_ERR_DEVICE, "twin: read refused (NZ_TWIN_NO_READS is set)");
    memcpy(dst, (char *)buf + off, bytes);
    return NZ_OK;
}

static nz_status twin_copy(void *dev, void *dst, size_t doff, void *src, size_t soff, size_t bytes)
{
    (void)dev;
    memmove((char *)dst + doff, (char *)src + soff, bytes);
    return NZ_OK;
}

static nz_status twin_fill(void *dev, void *buf, size_t off, size_t bytes, const void *pat, size_t psize)
{
    (void)dev;
    for (size_t i = 0; i + psize <= bytes; i += psize) memcpy((char *)buf + off + i, pat, psize);
    return NZ_OK;
}

static int twin_supports(void *dev, nz_op op, nz_dtype dtype)
{
    const twin_dev *d = dev;
    if (dtype == NZ_F64 && d->index == 1) return 0;
    return nz_ref_supports(op, dtype);
}

/* Buffer handles are host pointers, which is what the reference expects. */
static nz_status twin_run(void *dev, const nz_op_args *args)
{
    (void)dev;
    return nz_ref_run(args);
}

static const nz_backend_iface twin_iface = {
    twin_probe, twin_device_info, twin_open, twin_close, twin_finish,
    twin_alloc, twin_free, twin_write, twin_read, twin_copy, twin_fill,
    twin_supports, twin_run, NULL,
};

#ifdef TWIN_GHOST
#define TWIN_NAME "ghost"
#else
#define TWIN_NAME "twin"
#endif

static const nz_plugin_desc twin_desc = {
    NZ_ABI_VERSION, NZ_PLUGIN_BACKEND, TWIN_NAME, "1.0",
    "test fixture: host-memory devices running the reference ops", &twin_iface,
};

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void) { return &twin_desc; }
