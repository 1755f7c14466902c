/* A test backend with two devices, "Fixture Device A" and "Fixture Device B",
 * so that the CLI tests can pick devices by id, by name and ambiguously
 * without depending on the real backends.  Memory is host memory; no op is
 * supported (the fixture experiment needs none). */
#include <stdlib.h>
#include <string.h>

#include "nazo/backend.h"

#define NDEV 2

typedef struct fx_buf {
    size_t bytes;
    unsigned char data[];
} fx_buf;

static nz_status fx_probe(int *count)
{
    *count = NDEV;
    return NZ_OK;
}

static nz_status fx_info(int index, nz_device_info *info)
{
    if (index < 0 || index >= NDEV)
        return nz_error(NZ_ERR_NOT_FOUND, "fixture backend: no device %d; it has 0 and 1", index);
    memset(info, 0, sizeof *info);
    strcpy(info->name, index == 0 ? "Fixture Device A" : "Fixture Device B");
    strcpy(info->vendor, "nazo tests");
    strcpy(info->detail, "host memory, no ops");
    info->type = index == 0 ? NZ_DEVICE_CPU : NZ_DEVICE_ACCELERATOR;
    info->global_mem = 1ull << 30;
    info->max_alloc = 1ull << 28;
    info->compute_units = 1;
    info->fp64 = index == 0;
    return NZ_OK;
}

static int dev_tags[NDEV];

static nz_status fx_open(int index, void **dev)
{
    if (index < 0 || index >= NDEV)
        return nz_error(NZ_ERR_NOT_FOUND, "fixture backend: no device %d; it has 0 and 1", index);
    *dev = &dev_tags[index];
    return NZ_OK;
}

static void fx_close(void *dev) { (void)dev; }
static nz_status fx_finish(void *dev) { (void)dev; return NZ_OK; }

static nz_status fx_alloc(void *dev, size_t bytes, void **buf)
{
    (void)dev;
    fx_buf *b = calloc(1, sizeof *b + bytes);
    if (!b) return nz_error(NZ_ERR_NOMEM, "fixture backend: cannot allocate %zu bytes", bytes);
    b->bytes = bytes;
    *buf = b;
    return NZ_OK;
}

static void fx_free(void *dev, void *buf)
{
    (void)dev;
    free(buf);
}

static nz_status check(const fx_buf *b, size_t off, size_t bytes)
{
    if (off > b->bytes || bytes > b->bytes - off)
        return nz_error(NZ_ERR_INVALID, "fixture backend: range [%zu, %zu) outside a %zu-byte buffer",
                        off, off + bytes, b->bytes);
    return NZ_OK;
}

static nz_status fx_write(void *dev, void *buf, size_t off, const void *src, size_t bytes)
{
    (void)dev;
    fx_buf *b = buf;
    nz_status s = check(b, off, bytes);
    if (s == NZ_OK) memcpy(b->data + off, src, bytes);
    return s;
}

static nz_status fx_read(void *dev, void *buf, size_t off, void *dst, size_t bytes)
{
    (void)dev;
    fx_buf *b = buf;
    nz_status s = check(b, off, bytes);
    if (s == NZ_OK) memcpy(dst, b->data + off, bytes);
    return s;
}

static nz_status fx_copy(void *dev, void *dst, size_t doff, void *src, size_t soff, size_t bytes)
{
    (void)dev;
    fx_buf *d = dst, *s = src;
    nz_status st = check(d, doff, bytes);
    if (st == NZ_OK) st = check(s, soff, bytes);
    if (st == NZ_OK) memmove(d->data + doff, s->data + soff, bytes);
    return st;
}

static nz_status fx_fill(void *dev, void *buf, size_t off, size_t bytes, const void *pat, size_t psize)
{
    (void)dev;
    fx_buf *b = buf;
    nz_status s = check(b, off, bytes);
    if (s != NZ_OK) return s;
    if (psize == 0 || bytes % psize)
        return nz_error(NZ_ERR_INVALID, "fixture backend: fill of %zu bytes with a %zu-byte pattern",
                        bytes, psize);
    for (size_t i = 0; i < bytes; i += psize) memcpy(b->data + off + i, pat, psize);
    return NZ_OK;
}

static int fx_supports(void *dev, nz_op op, nz_dtype dtype)
{
    (void)dev;
    (void)op;
    (void)dtype;
    return 0;
}

static nz_status fx_run(void *dev, const nz_op_args *args)
{
    (void)dev;
    return nz_error(NZ_ERR_UNSUPPORTED, "fixture backend: op %s is not supported; it only holds memory",
                    nz_op_name(args->op));
}

static const nz_backend_iface iface = {
    .probe = fx_probe, .device_info = fx_info, .open = fx_open, .close = fx_close,
    .finish = fx_finish, .alloc = fx_alloc, .free = fx_free, .write = fx_write, .read = fx_read,
    .copy = fx_copy, .fill = fx_fill, .supports = fx_supports, .run = fx_run, .shutdown = NULL,
};

static const nz_plugin_desc desc = { NZ_ABI_VERSION, NZ_PLUGIN_BACKEND, "fx", "0.1",
                                     "two host-memory devices for the CLI tests", &iface };

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void);
NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void) { return &desc; }
