/* Checkpoint files: entries held in host memory, serialised with a CRC-32 and
 * written atomically; a reader that trusts nothing it has not checked. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "checkpoint_internal.h"
#include "nazo/experiment.h"

static const char magic[8] = { 'N', 'Z', 'C', 'K', 'P', 'T', '\r', '\n' };
static const char end_magic[8] = { 'N', 'Z', 'C', 'K', 'E', 'N', 'D', '\n' };
#define BOM 0x01020304u
/* Nothing we save comes near this; a larger count is a corrupt header. */
#define MAX_ENTRIES 1000000u

nz_checkpoint *nz_checkpoint_create(void)
{
    nz_checkpoint *ck = calloc(1, sizeof *ck);
    if (!ck) nz_error(NZ_ERR_NOMEM, "out of memory creating a checkpoint");
    else snprintf(ck->source, sizeof ck->source, "(checkpoint in memory)");
    return ck;
}

static void entry_release(nz_ck_entry *e)
{
    free(e->name);
    free(e->data);
    memset(e, 0, sizeof *e);
}

void nz_checkpoint_free(nz_checkpoint *ck)
{
    if (!ck) return;
    for (size_t i = 0; i < ck->n; i++) entry_release(&ck->e[i]);
    free(ck->e);
    free(ck);
}

const nz_ck_entry *nz_ck_find(const nz_checkpoint *ck, const char *name)
{
    for (size_t i = 0; ck && name && i < ck->n; i++)
        if (strcmp(ck->e[i].name, name) == 0) return &ck->e[i];
    return NULL;
}

/* A fresh slot for `name` (an old entry of that name is released). */
static nz_status slot(nz_checkpoint *ck, const char *name, nz_ck_entry **out)
{
    size_t len = name ? strlen(name) : 0;
    if (!ck || len == 0 || len > 255)
        return nz_error(NZ_ERR_INVALID, "checkpoint entry name '%s': need a checkpoint and a name "
                        "of 1 to 255 bytes", name ? name : "(null)");
    nz_ck_entry *e = (nz_ck_entry *)nz_ck_find(ck, name);
    if (e) {
        entry_release(e);
    } else {
        if (ck->n == ck->cap) {
            size_t cap = ck->cap ? 2 * ck->cap : 16;
            nz_ck_entry *ne = realloc(ck->e, cap * sizeof *ne);
            if (!ne) return nz_error(NZ_ERR_NOMEM, "out of memory adding checkpoint entry '%s'", name);
            ck->e = ne;
            ck->cap = cap;
        }
        e = &ck->e[ck->n++];
        memset(e, 0, sizeof *e);
    }
    e->name = strdup(name);
    if (!e->name) {
        ck->n--; /* e is the last slot only when new; a replaced one stays released */
        return nz_error(NZ_ERR_NOMEM, "out of memory adding checkpoint entry '%s'", name);
    }
    *out = e;
    return NZ_OK;
}

nz_status nz_checkpoint_put_tensor(nz_checkpoint *ck, const char *name, const nz_tensor *t)
{
    if (!t) return nz_error(NZ_ERR_INVALID, "checkpoint entry '%s': tensor is NULL", name ? name : "?");
    size_t bytes = nz_tensor_bytes(t);
    void *data = malloc(bytes ? bytes : 1);
    if (!data) return nz_error(NZ_ERR_NOMEM, "out of memory saving tensor '%s' (%zu bytes)", name, bytes);
    /* Read back through the host: the file must not depend on the device. */
    nz_status s = nz_tensor_download(t, data, bytes);
    if (s != NZ_OK) {
        free(data);
        return nz_error_prefix(s, "saving tensor '%s' to a checkpoint", name);
    }
    nz_ck_entry *e;
    if ((s = slot(ck, name, &e)) != NZ_OK) {
        free(data);
        return s;
    }
    e->kind = NZ_CK_TENSOR;
    e->dtype = nz_tensor_dtype(t);
    e->ndim = nz_tensor_ndim(t);
    for (int i = 0; i < e->ndim; i++) e->dims[i] = nz_tensor_dim(t, i);
    e->data = data;
    e->bytes = bytes;
    return NZ_OK;
}

nz_status nz_checkpoint_put_int(nz_checkpoint *ck, const char *name, int64_t value)
{
    nz_ck_entry *e;
    nz_status s = slot(ck, name, &e);
    if (s != NZ_OK) return s;
    e->kind = NZ_CK_INT;
    e->i = value;
    return NZ_OK;
}

nz_status nz_checkpoint_put_float(nz_checkpoint *ck, const char *name, double value)
{
    nz_ck_entry *e;
    nz_status s = slot(ck, name, &e);
    if (s != NZ_OK) return s;
    e->kind = NZ_CK_FLOAT;
    e->f = value;
    return NZ_OK;
}

nz_status nz_checkpoint_put_text(nz_checkpoint *ck, const char *name, const char *text)
{
    if (!text) return nz_error(NZ_ERR_INVALID, "checkpoint entry '%s': text is NULL", name ? name : "?");
    size_t len = strlen(text);
    char *copy = malloc(len + 1);
    if (!copy) return nz_error(NZ_ERR_NOMEM, "out of memory saving text '%s'", name);
    memcpy(copy, text, len + 1);
    nz_ck_entry *e;
    nz_status s = slot(ck, name, &e);
    if (s != NZ_OK) {
        free(copy);
        return s;
    }
    e->kind = NZ_CK_TEXT;
    e->data = copy;
    e->bytes = len;
    return NZ_OK;
}

/* ---- writing ---- */

typedef struct wbuf {
    unsigned char *p;
    size_t len, cap;
    int failed;
} wbuf;

static void put(wbuf *b, const void *src, size_t n)
{
    if (b->failed) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        unsigned char *np = realloc(b->p, cap);
        if (!np) {
            b->failed = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void put_u8(wbuf *b, unsigned v) { unsigned char c = (unsigned char)v; put(b, &c, 1); }
static void put_u32(wbuf *b, uint32_t v) { put(b, &v, 4); }
static void put_u64(wbuf *b, uint64_t v) { put(b, &v, 8); }

nz_status nz_checkpoint_write(const nz_checkpoint *ck, const char *path)
{
    if (!ck || !path || !*path)
        return nz_error(NZ_ERR_INVALID, "nz_checkpoint_write: need a checkpoint and a path");
    /* Split the path: the atomic writer renames inside one directory. */
    char dir[4096];
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base) return nz_error(NZ_ERR_INVALID, "checkpoint path '%s' names a directory; add a file name", path);
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) >= sizeof dir)
        return nz_error(NZ_ERR_INVALID, "checkpoint path too long: %s", path);
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);

    wbuf b = { 0 };
    put(&b, magic, sizeof magic);
    put_u32(&b, BOM);
    put_u32(&b, NZ_CHECKPOINT_VERSION);
    put_u64(&b, ck->n);
    for (size_t i = 0; i < ck->n; i++) {
        const nz_ck_entry *e = &ck->e[i];
        size_t nl = strlen(e->name);
        put_u8(&b, (unsigned)e->kind);
        put_u8(&b, e->kind == NZ_CK_TENSOR ? (unsigned)e->dtype : 0);
        put_u8(&b, e->kind == NZ_CK_TENSOR ? (unsigned)e->ndim : 0);
        put_u8(&b, 0);
        put_u32(&b, (uint32_t)nl);
        put(&b, e->name, nl);
        switch (e->kind) {
        case NZ_CK_TENSOR:
            for (int d = 0; d < e->ndim; d++) put_u64(&b, (uint64_t)e->dims[d]);
            put_u64(&b, e->bytes);
            put(&b, e->data, e->bytes);
            break;
        case NZ_CK_INT: put_u64(&b, (uint64_t)e->i); break;
        case NZ_CK_FLOAT: put(&b, &e->f, 8); break;
        case NZ_CK_TEXT:
            put_u64(&b, e->bytes);
            put(&b, e->data, e->bytes);
            break;
        }
    }
    if (b.failed) {
        free(b.p);
        return nz_error(NZ_ERR_NOMEM, "out of memory serialising checkpoint %s", path);
    }
    uint32_t crc = nz_ck_crc(b.p, b.len);
    put_u32(&b, crc);
    put(&b, end_magic, sizeof end_magic);
    if (b.failed) {
        free(b.p);
        return nz_error(NZ_ERR_NOMEM, "out of memory serialising checkpoint %s", path);
    }
    nz_status s = nz_write_file_atomic(dir, base, b.p, b.len);
    free(b.p);
    if (s != NZ_OK) return nz_error_prefix(s, "writing checkpoint %s", path);
    return NZ_OK;
}

/* zlib's crc32 takes uInt lengths: feed large buffers in pieces. */
uint32_t nz_ck_crc(const void *data, size_t len)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    const Bytef *p = data;
    while (len) {
        uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;
        crc = crc32(crc, p, n);
        p += n;
        len -= n;
    }
    return (uint32_t)crc;
}

/* ---- reading ---- */

nz_status nz_checkpoint_read(const char *path, nz_checkpoint **out)
{
    if (out) *out = NULL;
    if (!path || !out) return nz_error(NZ_ERR_INVALID, "nz_checkpoint_read: need a path and a result pointer");
    FILE *f = fopen(path, "rb");
    if (!f)
        return nz_error(errno == ENOENT ? NZ_ERR_NOT_FOUND : NZ_ERR_IO, "cannot open checkpoint %s: %s",
                        path, strerror(errno));
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 1 << 20;
            unsigned char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return nz_error(NZ_ERR_NOMEM, "out of memory reading checkpoint %s", path);
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return nz_error(NZ_ERR_IO, "cannot read checkpoint %s", path);
    }
    nz_status s = nz_checkpoint_read_mem(buf, len, path, out);
    free(buf);
    return s;
}
