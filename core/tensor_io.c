/* Moving tensor data: host transfers, device copies, fills, and nz_tensor_to. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static size_t byte_off(const nz_tensor *t) { return t->off * nz_dtype_size(t->dtype); }

/* The range cache is logically mutable state of a const tensor. */
void nz_tensor_note_range(const nz_tensor *t, int32_t lo, int32_t hi)
{
    nz_tensor *m = (nz_tensor *)t;
    m->known = 1;
    m->known_lo = lo;
    m->known_hi = hi;
    m->known_writes = t->st->writes;
    m->known_int_writes = t->st->dev->int_writes;
}

int nz_tensor_known_range(const nz_tensor *t, int32_t *lo, int32_t *hi)
{
    if (!t->known || t->known_writes != t->st->writes ||
        t->known_int_writes != t->st->dev->int_writes)
        return 0;
    *lo = t->known_lo;
    *hi = t->known_hi;
    return 1;
}

/* An I32 upload shows its values on the way: remember their range. */
static void note_host_range(const nz_tensor *t, const void *src)
{
    const int32_t *v = src;
    int32_t lo = v[0], hi = v[0];
    for (int64_t i = 1; i < t->numel; i++) {
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
    }
    nz_tensor_note_range(t, lo, hi);
}

nz_status nz_tensor_upload(nz_tensor *t, const void *src, size_t bytes)
{
    if (!t) return nz_error(NZ_ERR_INVALID, "nz_tensor_upload: NULL tensor");
    if (bytes != nz_tensor_bytes(t))
        return nz_error(NZ_ERR_INVALID, "nz_tensor_upload: %zu bytes given but %s holds %zu bytes",
                        bytes, nz_tdesc(t), nz_tensor_bytes(t));
    if (bytes == 0) return NZ_OK;
    if (!src) return nz_error(NZ_ERR_INVALID, "nz_tensor_upload: NULL source for %s", nz_tdesc(t));
    nz_device *d = t->st->dev;
    nz_error_clear();
    t->st->writes++;
    nz_status st = d->be->write(d->handle, t->st->buf, byte_off(t), src, bytes);
    if (st != NZ_OK) return nz_backend_failed(st, "nz_tensor_upload to %s", nz_tdesc(t));
    if (t->dtype == NZ_I32) note_host_range(t, src);
    return NZ_OK;
}

nz_status nz_tensor_download(const nz_tensor *t, void *dst, size_t bytes)
{
    if (!t) return nz_error(NZ_ERR_INVALID, "nz_tensor_download: NULL tensor");
    if (bytes != nz_tensor_bytes(t))
        return nz_error(NZ_ERR_INVALID, "nz_tensor_download: %zu bytes of room but %s holds %zu bytes",
                        bytes, nz_tdesc(t), nz_tensor_bytes(t));
    if (bytes == 0) return NZ_OK;
    if (!dst) return nz_error(NZ_ERR_INVALID, "nz_tensor_download: NULL destination for %s", nz_tdesc(t));
    nz_device *d = t->st->dev;
    nz_error_clear();
    nz_status st = d->be->read(d->handle, t->st->buf, byte_off(t), dst, bytes);
    if (st != NZ_OK) return nz_backend_failed(st, "nz_tensor_download from %s", nz_tdesc(t));
    return NZ_OK;
}

nz_status nz_tensor_copy(nz_tensor *dst, const nz_tensor *src)
{
    if (!dst || !src) return nz_error(NZ_ERR_INVALID, "nz_tensor_copy: NULL %s", dst ? "src" : "dst");
    if (dst->st->dev != src->st->dev)
        return nz_error(NZ_ERR_INVALID,
                        "nz_tensor_copy: tensors on different devices: src is %s, dst is %s; "
                        "use nz_tensor_to() to move data between devices",
                        nz_tdesc(src), nz_tdesc(dst));
    if (dst->dtype != src->dtype)
        return nz_error(NZ_ERR_INVALID, "nz_tensor_copy: dtype mismatch: src is %s, dst is %s; "
                        "convert with nz_cast()", nz_tdesc(src), nz_tdesc(dst));
    if (dst->numel != src->numel)
        return nz_error(NZ_ERR_INVALID, "nz_tensor_copy: element counts differ: src is %s, dst is %s",
                        nz_tdesc(src), nz_tdesc(dst));
    size_t bytes = nz_tensor_bytes(src);
    if (bytes == 0 || (dst->st == src->st && dst->off == src->off)) return NZ_OK;
    if (dst->st == src->st && dst->off < src->off + (size_t)src->numel &&
        src->off < dst->off + (size_t)dst->numel)
        return nz_error(NZ_ERR_INVALID, "nz_tensor_copy: src %s and dst %s are overlapping views "
                        "of the same storage; copy through a temporary tensor",
                        nz_tdesc(src), nz_tdesc(dst));
    nz_device *d = dst->st->dev;
    int32_t lo, hi;
    int src_known = nz_tensor_known_range(src, &lo, &hi);
    nz_error_clear();
    dst->st->writes++;
    nz_status st = d->be->copy(d->handle, dst->st->buf, byte_off(dst), src->st->buf, byte_off(src), bytes);
    if (st != NZ_OK) return nz_backend_failed(st, "nz_tensor_copy %s -> %s", nz_tdesc(src), nz_tdesc(dst));
    if (src_known) nz_tensor_note_range(dst, lo, hi);
    return NZ_OK;
}

nz_status nz_tensor_fill(nz_tensor *t, double value)
{
    if (!t) return nz_error(NZ_ERR_INVALID, "nz_tensor_fill: NULL tensor");
    /* The backend repeats the dtype's bit pattern. */
    unsigned char pattern[8];
    size_t psize = nz_dtype_size(t->dtype);
    switch (t->dtype) {
    case NZ_F32: {
        float f = (float)value;
        memcpy(pattern, &f, 4);
        break;
    }
    case NZ_F64:
        memcpy(pattern, &value, 8);
        break;
    case NZ_I32: {
        if (!(value >= -2147483648.0 && value <= 2147483647.0) || value != floor(value))
            return nz_error(NZ_ERR_INVALID, "nz_tensor_fill: %g is not a 32-bit integer for %s",
                            value, nz_tdesc(t));
        int32_t i = (int32_t)value;
        memcpy(pattern, &i, 4);
        break;
    }
    }
    size_t bytes = nz_tensor_bytes(t);
    if (bytes == 0) return NZ_OK;
    nz_device *d = t->st->dev;
    nz_error_clear();
    t->st->writes++;
    nz_status st = d->be->fill(d->handle, t->st->buf, byte_off(t), bytes, pattern, psize);
    if (st != NZ_OK) return nz_backend_failed(st, "nz_tensor_fill of %s", nz_tdesc(t));
    if (t->dtype == NZ_I32) nz_tensor_note_range(t, (int32_t)value, (int32_t)value);
    return NZ_OK;
}

nz_tensor *nz_tensor_to(const nz_tensor *t, nz_device *dev)
{
    if (!t || !dev) {
        nz_error(NZ_ERR_INVALID, "nz_tensor_to: NULL %s", t ? "device" : "tensor");
        return NULL;
    }
    nz_tensor *out = nz_tensor_create(dev, t->dtype, t->ndim, t->shape);
    if (!out) return NULL;
    if (dev == t->st->dev) {
        if (nz_tensor_copy(out, t) != NZ_OK) goto fail;
        return out;
    }
    /* Different devices: through the host. */
    size_t bytes = nz_tensor_bytes(t);
    void *host = malloc(bytes ? bytes : 1);
    if (!host) {
        nz_error(NZ_ERR_NOMEM, "nz_tensor_to: out of host memory staging %zu bytes of %s",
                 bytes, nz_tdesc(t));
        goto fail;
    }
    nz_status st = nz_tensor_download(t, host, bytes);
    if (st == NZ_OK) st = nz_tensor_upload(out, host, bytes);
    free(host);
    if (st != NZ_OK) goto fail;
    return out;
fail:
    nz_tensor_free(out);
    return NULL;
}
