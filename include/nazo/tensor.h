/* Tensors: a dtype, a shape of up to 4 dimensions (row-major, contiguous)
 * and device storage.  Every tensor records its device; ops on tensors of
 * two different devices are an error with a clear message, never silent.
 * Cross-device work is explicit: nz_tensor_to(). */
#ifndef NAZO_TENSOR_H
#define NAZO_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "nazo/backend.h"
#include "nazo/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NZ_MAX_DIMS 4

typedef struct nz_tensor nz_tensor;

/* Uninitialised storage for a tensor of `ndim` dimensions. */
nz_tensor *nz_tensor_create(nz_device *dev, nz_dtype dtype, int ndim, const int64_t *shape);
/* Convenience: 1-D and 2-D. */
nz_tensor *nz_tensor_create_1d(nz_device *dev, nz_dtype dtype, int64_t n);
nz_tensor *nz_tensor_create_2d(nz_device *dev, nz_dtype dtype, int64_t rows, int64_t cols);
/* Filled with zeros. */
nz_tensor *nz_tensor_zeros(nz_device *dev, nz_dtype dtype, int ndim, const int64_t *shape);
/* From host data (count = product of shape; host data in the tensor's dtype). */
nz_tensor *nz_tensor_from_host(nz_device *dev, nz_dtype dtype, int ndim, const int64_t *shape,
                               const void *data);
void nz_tensor_free(nz_tensor *t);

/* A view of rows [row0, row0+rows) of dimension 0, sharing storage.  The
 * storage lives until the last tensor using it is freed. */
nz_tensor *nz_tensor_rows(nz_tensor *t, int64_t row0, int64_t rows);
/* A view with another shape of the same element count, sharing storage. */
nz_tensor *nz_tensor_reshape(nz_tensor *t, int ndim, const int64_t *shape);

/* Host transfers of the whole tensor; download waits for queued work. */
nz_status nz_tensor_upload(nz_tensor *t, const void *src, size_t bytes);
nz_status nz_tensor_download(const nz_tensor *t, void *dst, size_t bytes);
/* Copy src into dst: same dtype and element count, same device. */
nz_status nz_tensor_copy(nz_tensor *dst, const nz_tensor *src);
nz_status nz_tensor_fill(nz_tensor *t, double value);

/* A new tensor on `dev` holding the same values (through the host when the
 * devices differ). */
nz_tensor *nz_tensor_to(const nz_tensor *t, nz_device *dev);

nz_device *nz_tensor_device(const nz_tensor *t);
nz_dtype nz_tensor_dtype(const nz_tensor *t);
int nz_tensor_ndim(const nz_tensor *t);
int64_t nz_tensor_dim(const nz_tensor *t, int i);  /* negative i counts from the end */
int64_t nz_tensor_numel(const nz_tensor *t);
size_t nz_tensor_bytes(const nz_tensor *t);
/* As a matrix: rows = dim 0 (1 for a scalar), cols = numel / rows. */
int64_t nz_tensor_rows_count(const nz_tensor *t);
int64_t nz_tensor_cols_count(const nz_tensor *t);
/* "f32[128,784]@cpu:0", for messages. */
const char *nz_tensor_describe(const nz_tensor *t, char *buf, size_t len);

/* The backend buffer reference of element 0 (for the op front-end). */
nz_bref nz_tensor_bref(const nz_tensor *t);

#ifdef __cplusplus
}
#endif
#endif
