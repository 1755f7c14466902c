/* Tensors: creation, views over shared refcounted storage, and accessors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Checks a shape and computes its element count without overflow. */
static nz_status check_shape(const char *fn, int ndim, const int64_t *shape, int64_t *numel)
{
    if (ndim < 0 || ndim > NZ_MAX_DIMS)
        return nz_error(NZ_ERR_INVALID, "%s: %d dimensions requested; tensors have 0 to %d",
                        fn, ndim, NZ_MAX_DIMS);
    if (ndim > 0 && !shape) return nz_error(NZ_ERR_INVALID, "%s: NULL shape for %d dimensions", fn, ndim);
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return nz_error(NZ_ERR_INVALID, "%s: dimension %d is %lld; sizes must be >= 0",
                            fn, i, (long long)shape[i]);
        if (shape[i] > 0 && n > INT64_MAX / 8 / shape[i])
            return nz_error(NZ_ERR_INVALID, "%s: shape too large (dimension %d = %lld overflows)",
                            fn, i, (long long)shape[i]);
        n *= shape[i];
    }
    *numel = n;
    return NZ_OK;
}

static nz_tensor *tensor_new(nz_storage *st, nz_dtype dtype, int ndim, const int64_t *shape,
                             int64_t numel, size_t off)
{
    nz_tensor *t = calloc(1, sizeof *t);
    if (!t) {
        nz_error(NZ_ERR_NOMEM, "out of memory for a tensor header");
        return NULL;
    }
    t->st = st;
    t->dtype = dtype;
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++) t->shape[i] = shape[i];
    t->numel = numel;
    t->off = off;
    atomic_fetch_add(&st->refs, 1);
    return t;
}

nz_tensor *nz_tensor_create(nz_device *dev, nz_dtype dtype, int ndim, const int64_t *shape)
{
    if (!dev) {
        nz_error(NZ_ERR_INVALID, "nz_tensor_create: NULL device; open one with nz_device_open()");
        return NULL;
    }
    if (!nz_dtype_valid(dtype)) {
        nz_error(NZ_ERR_INVALID, "nz_tensor_create: unknown dtype %d; use NZ_F32, NZ_F64 or NZ_I32",
                 (int)dtype);
        return NULL;
    }
    int64_t numel;
    if (check_shape("nz_tensor_create", ndim, shape, &numel) != NZ_OK) return NULL;
    size_t bytes = (size_t)numel * nz_dtype_size(dtype);
    const nz_device_info *info = nz_device_get_info(dev);
    if (info->max_alloc && bytes > info->max_alloc) {
        nz_error(NZ_ERR_NOMEM, "nz_tensor_create: %zu bytes exceed the largest buffer of %s (%llu bytes)",
                 bytes, nz_device_id(dev), (unsigned long long)info->max_alloc);
        return NULL;
    }
    nz_storage *st = calloc(1, sizeof *st);
    if (!st) {
        nz_error(NZ_ERR_NOMEM, "out of memory for tensor storage");
        return NULL;
    }
    st->dev = dev;
    /* Backends need not support empty buffers: give zero-element tensors a byte. */
    st->bytes = bytes ? bytes : 1;
    atomic_init(&st->refs, 0);
    nz_error_clear();
    nz_status s = dev->be->alloc(dev->handle, st->bytes, &st->buf);
    if (s != NZ_OK) {
        nz_backend_failed(s, "nz_tensor_create: allocating %zu bytes on %s", st->bytes, nz_device_id(dev));
        free(st);
        return NULL;
    }
    nz_tensor *t = tensor_new(st, dtype, ndim, shape, numel, 0);
    if (!t) {
        dev->be->free(dev->handle, st->buf);
        free(st);
    }
    return t;
}

nz_tensor *nz_tensor_create_1d(nz_device *dev, nz_dtype dtype, int64_t n)
{
    return nz_tensor_create(dev, dtype, 1, &n);
}

nz_tensor *nz_tensor_create_2d(nz_device *dev, nz_dtype dtype, int64_t rows, int64_t cols)
{
    int64_t shape[2] = {rows, cols};
    return nz_tensor_create(dev, dtype, 2, shape);
}

nz_tensor *nz_tensor_zeros(nz_device *dev, nz_dtype dtype, int ndim, const int64_t *shape)
{
    nz_tensor *t = nz_tensor_create(dev, dtype, ndim, shape);
    if (t && nz_tensor_fill(t, 0.0) != NZ_OK) {
        nz_tensor_free(t);
        return NULL;
    }
    return t;
}

nz_tensor *nz_tensor_from_host(nz_device *dev, nz_dtype dtype, int ndim, const int64_t *shape,
                               const void *data)
{
    nz_tensor *t = nz_tensor_create(dev, dtype, ndim, shape);
    if (t && nz_tensor_upload(t, data, nz_tensor_bytes(t)) != NZ_OK) {
        nz_tensor_free(t);
        return NULL;
    }
    return t;
}

void nz_tensor_free(nz_tensor *t)
{
    if (!t) return;
    nz_storage *st = t->st;
    free(t);
    if (atomic_fetch_sub(&st->refs, 1) == 1) {
        st->dev->be->free(st->dev->handle, st->buf);
        free(st);
    }
}

nz_tensor *nz_tensor_rows(nz_tensor *t, int64_t row0, int64_t rows)
{
    if (!t) {
        nz_error(NZ_ERR_INVALID, "nz_tensor_rows: NULL tensor");
        return NULL;
    }
    if (t->ndim < 1) {
        nz_error(NZ_ERR_INVALID, "nz_tensor_rows: %s is a scalar; it has no rows", nz_tdesc(t));
        return NULL;
    }
    if (row0 < 0 || rows < 0 || row0 > t->shape[0] - rows) {
        nz_error(NZ_ERR_INVALID, "nz_tensor_rows: rows [%lld, %lld) are outside [0, %lld) of %s",
                 (long long)row0, (long long)(row0 + rows), (long long)t->shape[0], nz_tdesc(t));
        return NULL;
    }
    int64_t shape[NZ_MAX_DIMS];
    int64_t row_elems = 1;
    for (int i = 1; i < t->ndim; i++) row_elems *= t->shape[i];
    memcpy(shape, t->shape, sizeof shape);
    shape[0] = rows;
    return tensor_new(t->st, t->dtype, t->ndim, shape, rows * row_elems,
                      t->off + (size_t)(row0 * row_elems));
}

nz_tensor *nz_tensor_reshape(nz_tensor *t, int ndim, const int64_t *shape)
{
    if (!t) {
        nz_error(NZ_ERR_INVALID, "nz_tensor_reshape: NULL tensor");
        return NULL;
    }
    int64_t numel;
    if (check_shape("nz_tensor_reshape", ndim, shape, &numel) != NZ_OK) return NULL;
    if (numel != t->numel) {
        char want[96] = "[";
        size_t n = 1;
        for (int i = 0; i < ndim; i++)
            n += (size_t)snprintf(want + n, sizeof want - n, "%s%lld", i ? "," : "", (long long)shape[i]);
        snprintf(want + n, sizeof want - n, "]");
        nz_error(NZ_ERR_INVALID, "nz_tensor_reshape: %s has %lld elements but shape %s has %lld",
                 nz_tdesc(t), (long long)t->numel, want, (long long)numel);
        return NULL;
    }
    return tensor_new(t->st, t->dtype, ndim, shape, numel, t->off);
}

nz_device *nz_tensor_device(const nz_tensor *t) { return t ? t->st->dev : NULL; }
nz_dtype nz_tensor_dtype(const nz_tensor *t) { return t ? t->dtype : NZ_F32; }
int nz_tensor_ndim(const nz_tensor *t) { return t ? t->ndim : 0; }

int64_t nz_tensor_dim(const nz_tensor *t, int i)
{
    if (!t) return 0;
    if (i < 0) i += t->ndim;
    if (i < 0 || i >= t->ndim) return 1; /* missing leading/trailing dims act as size 1 */
    return t->shape[i];
}

int64_t nz_tensor_numel(const nz_tensor *t) { return t ? t->numel : 0; }

size_t nz_tensor_bytes(const nz_tensor *t)
{
    return t ? (size_t)t->numel * nz_dtype_size(t->dtype) : 0;
}

int64_t nz_tensor_rows_count(const nz_tensor *t)
{
    if (!t) return 0;
    return t->ndim == 0 ? 1 : t->shape[0];
}

int64_t nz_tensor_cols_count(const nz_tensor *t)
{
    if (!t) return 0;
    int64_t rows = nz_tensor_rows_count(t);
    if (rows != 0) return t->numel / rows;
    /* An empty leading dim: the columns are still the trailing dims. */
    int64_t c = 1;
    for (int i = 1; i < t->ndim; i++) c *= t->shape[i];
    return c;
}

const char *nz_tensor_describe(const nz_tensor *t, char *buf, size_t len)
{
    if (!buf || len == 0) return "";
    if (!t) {
        snprintf(buf, len, "(null tensor)");
        return buf;
    }
    size_t n = (size_t)snprintf(buf, len, "%s[", nz_dtype_name(t->dtype));
    for (int i = 0; i < t->ndim && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%lld", i ? "," : "", (long long)t->shape[i]);
    if (n < len) snprintf(buf + n, len - n, "]@%s", nz_device_id(t->st->dev));
    return buf;
}

nz_bref nz_tensor_bref(const nz_tensor *t)
{
    nz_bref r = {NULL, 0};
    if (t) {
        r.buf = t->st->buf;
        r.off = t->off;
    }
    return r;
}
