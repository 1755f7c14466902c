/* Datasets on a device, and mini-batches gathered there.  The features are
 * uploaded once; each batch costs one small upload of row indices (and of
 * the labels, which live on the host anyway) and a device-side gather. */
#include <stdlib.h>
#include <string.h>

#include "nazo/data.h"
#include "nazo/ops.h"

nz_status nz_dataset_upload(const nz_dataset *ds, nz_device *dev, nz_dtype dtype,
                            nz_tensor **x, nz_tensor **y)
{
    if (x)
        *x = NULL;
    if (y)
        *y = NULL;
    if (!ds || !dev)
        return nz_error(NZ_ERR_INVALID, "nz_dataset_upload: dataset or device is NULL");
    if (dtype != NZ_F32 && dtype != NZ_F64)
        return nz_error(NZ_ERR_INVALID,
                        "nz_dataset_upload: features must be f32 or f64, not %s",
                        nz_dtype_name(dtype));
    nz_tensor *tx = NULL, *ty = NULL;
    if (x) {
        int64_t shape[2] = {ds->n, ds->d};
        if (dtype == NZ_F32) {
            tx = nz_tensor_from_host(dev, NZ_F32, 2, shape, ds->x);
        } else {
            size_t cnt = (size_t)(ds->n * ds->d);
            double *tmp = malloc(cnt * sizeof(double));
            if (!tmp)
                return nz_error(NZ_ERR_NOMEM, "nz_dataset_upload: out of memory");
            for (size_t i = 0; i < cnt; i++)
                tmp[i] = ds->x[i];
            tx = nz_tensor_from_host(dev, NZ_F64, 2, shape, tmp);
            free(tmp);
        }
        if (!tx)
            return nz_error_prefix(NZ_ERR_DEVICE, "uploading a dataset's features");
    }
    if (y) {
        int64_t shape[1] = {ds->n};
        ty = nz_tensor_from_host(dev, NZ_I32, 1, shape, ds->y);
        if (!ty) {
            nz_tensor_free(tx);
            return nz_error_prefix(NZ_ERR_DEVICE, "uploading a dataset's labels");
        }
    }
    if (x)
        *x = tx;
    if (y)
        *y = ty;
    return NZ_OK;
}

struct nz_batcher {
    int64_t n, d, batch;
    int drop_last;
    uint64_t seed, epoch;
    int64_t pos;          /* next row of the permutation */
    int started;
    int32_t *perm, *labels, *ybuf;
    nz_tensor *x_all;     /* [n, d] on the device */
    nz_tensor *idx, *xb, *yb;        /* full-size batch buffers */
    nz_tensor *vidx, *vxb, *vyb;     /* views for a short last batch */
};

static void free_views(nz_batcher *b)
{
    nz_tensor_free(b->vidx);
    nz_tensor_free(b->vxb);
    nz_tensor_free(b->vyb);
    b->vidx = b->vxb = b->vyb = NULL;
}

void nz_batcher_free(nz_batcher *b)
{
    if (!b)
        return;
    free_views(b);
    nz_tensor_free(b->idx);
    nz_tensor_free(b->xb);
    nz_tensor_free(b->yb);
    nz_tensor_free(b->x_all);
    free(b->perm);
    free(b->labels);
    free(b->ybuf);
    free(b);
}

nz_batcher *nz_batcher_create(const nz_dataset *ds, nz_device *dev, nz_dtype dtype,
                              int64_t batch, uint64_t seed, int drop_last)
{
    if (!ds || !dev) {
        nz_error(NZ_ERR_INVALID, "nz_batcher_create: dataset or device is NULL");
        return NULL;
    }
    if (batch < 1 || batch > ds->n) {
        nz_error(NZ_ERR_INVALID, "nz_batcher_create: batch size %lld: expected 1 to %lld (the "
                 "dataset's size)", (long long)batch, (long long)ds->n);
        return NULL;
    }
    if (ds->n > INT32_MAX) {
        nz_error(NZ_ERR_INVALID, "nz_batcher_create: %lld examples: at most %d supported",
                 (long long)ds->n, INT32_MAX);
        return NULL;
    }
    nz_batcher *b = calloc(1, sizeof *b);
    if (!b) {
        nz_error(NZ_ERR_NOMEM, "nz_batcher_create: out of memory");
        return NULL;
    }
    b->n = ds->n;
    b->d = ds->d;
    b->batch = batch;
    b->drop_last = drop_last;
    b->seed = seed;
    b->perm = malloc(sizeof(int32_t) * (size_t)ds->n);
    b->labels = malloc(sizeof(int32_t) * (size_t)ds->n);
    b->ybuf = malloc(sizeof(int32_t) * (size_t)batch);
    if (!b->perm || !b->labels || !b->ybuf) {
        nz_batcher_free(b);
        nz_error(NZ_ERR_NOMEM, "nz_batcher_create: out of memory");
        return NULL;
    }
    memcpy(b->labels, ds->y, sizeof(int32_t) * (size_t)ds->n);
    if (nz_dataset_upload(ds, dev, dtype, &b->x_all, NULL) != NZ_OK) {
        nz_batcher_free(b);
        return NULL;
    }
    b->idx = nz_tensor_create_1d(dev, NZ_I32, batch);
    b->xb = nz_tensor_create_2d(dev, dtype, batch, ds->d);
    b->yb = nz_tensor_create_1d(dev, NZ_I32, batch);
    if (!b->idx || !b->xb || !b->yb) {
        nz_batcher_free(b);
        return NULL;
    }
    return b;
}

static int64_t per_epoch(const nz_batcher *b)
{
    return b->drop_last ? b->n / b->batch : (b->n + b->batch - 1) / b->batch;
}

int64_t nz_batcher_batches_per_epoch(const nz_batcher *b)
{
    return b ? per_epoch(b) : 0;
}

uint64_t nz_batcher_epoch(const nz_batcher *b)
{
    return b ? b->epoch : 0;
}

nz_status nz_batcher_seek(nz_batcher *b, uint64_t epoch, int64_t batch_index)
{
    if (!b)
        return nz_error(NZ_ERR_INVALID, "nz_batcher_seek: batcher is NULL");
    if (batch_index < 0 || batch_index >= per_epoch(b))
        return nz_error(NZ_ERR_INVALID, "nz_batcher_seek: batch %lld: expected 0 to %lld",
                        (long long)batch_index, (long long)per_epoch(b) - 1);
    nz_status st = nz_permutation(b->n, b->seed, epoch, b->perm);
    if (st != NZ_OK)
        return st;
    b->epoch = epoch;
    b->pos = batch_index * b->batch;
    b->started = 1;
    return NZ_OK;
}

nz_status nz_batcher_next(nz_batcher *b, nz_tensor **x, nz_tensor **y)
{
    if (!b || !x || !y)
        return nz_error(NZ_ERR_INVALID, "nz_batcher_next: NULL argument");
    *x = *y = NULL;
    nz_status st;
    if (!b->started) {
        if ((st = nz_batcher_seek(b, 0, 0)) != NZ_OK)
            return st;
    } else if (b->pos >= b->n || (b->drop_last && b->n - b->pos < b->batch)) {
        if ((st = nz_batcher_seek(b, b->epoch + 1, 0)) != NZ_OK)
            return st;
    }
    int64_t m = b->n - b->pos < b->batch ? b->n - b->pos : b->batch;
    free_views(b);
    nz_tensor *idx = b->idx, *xb = b->xb, *yb = b->yb;
    if (m < b->batch) {
        b->vidx = nz_tensor_rows(b->idx, 0, m);
        b->vxb = nz_tensor_rows(b->xb, 0, m);
        b->vyb = nz_tensor_rows(b->yb, 0, m);
        if (!b->vidx || !b->vxb || !b->vyb) {
            free_views(b);
            return nz_error_prefix(NZ_ERR_NOMEM, "nz_batcher_next");
        }
        idx = b->vidx;
        xb = b->vxb;
        yb = b->vyb;
    }
    const int32_t *rows = b->perm + b->pos;
    for (int64_t i = 0; i < m; i++)
        b->ybuf[i] = b->labels[rows[i]];
    if ((st = nz_tensor_upload(idx, rows, sizeof(int32_t) * (size_t)m)) != NZ_OK ||
        (st = nz_tensor_upload(yb, b->ybuf, sizeof(int32_t) * (size_t)m)) != NZ_OK ||
        (st = nz_gather_rows(xb, b->x_all, idx)) != NZ_OK)
        return nz_error_prefix(st, "nz_batcher_next");
    b->pos += m;
    *x = xb;
    *y = yb;
    return NZ_OK;
}
