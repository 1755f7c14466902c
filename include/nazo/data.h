/* Data: IDX files, host datasets, Fashion-MNIST, synthetic data, batches.
 *
 * Datasets live on the host as float features and int32 labels.  Everything
 * random here (subsets, label noise, mini-batch order, synthetic data) is
 * drawn from counter-based Philox-4x32-10 on the host, keyed by a seed, so the
 * same seed gives the same data and the same batch order on every device.
 * A dataset is uploaded to a device once; a mini-batch is gathered there
 * (nz_gather_rows) from a permutation of row indices. */
#ifndef NAZO_DATA_H
#define NAZO_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "nazo/status.h"
#include "nazo/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- IDX files ---------------------------------------------------------
 * The IDX format (LeCun's MNIST files): magic 0x00 0x00 <type> <ndim>, then
 * ndim big-endian uint32 sizes, then the elements, big-endian, row-major.
 * Readers go through zlib, so gzip'd and plain files both work. */

typedef enum nz_idx_type {
    NZ_IDX_U8 = 0x08,
    NZ_IDX_I8 = 0x09,
    NZ_IDX_I16 = 0x0B,
    NZ_IDX_I32 = 0x0C,
    NZ_IDX_F32 = 0x0D,
    NZ_IDX_F64 = 0x0E
} nz_idx_type;

/* Most dimensions a file may have (the format allows 255; no data set needs
 * more than a handful, and a huge count is a sign of a corrupt header). */
#define NZ_IDX_MAX_DIMS 8

typedef struct nz_idx {
    nz_idx_type type;
    int ndim;
    uint32_t dims[NZ_IDX_MAX_DIMS];
    size_t count;   /* elements: product of dims */
    void *data;     /* count elements of `type`, in host byte order; malloc'd */
} nz_idx;

/* Size in bytes of one element of an IDX type, 0 for an unknown code. */
size_t nz_idx_type_size(int type);

/* Read a whole IDX file (gzip'd or plain).  Validates the magic, the type
 * code, the number of dimensions, the sizes (no zero size, no overflow of
 * their product), truncation and trailing bytes; every message names the file
 * and the problem.  On failure *out is left empty (data NULL). */
nz_status nz_idx_read(const char *path, nz_idx *out);
/* The same from an in-memory image of an uncompressed file; `name` is used in
 * messages (the fuzz target and tests use this). */
nz_status nz_idx_read_mem(const void *buf, size_t len, const char *name, nz_idx *out);
void nz_idx_free(nz_idx *idx);

/* Write an IDX file of type NZ_IDX_U8, NZ_IDX_I32, NZ_IDX_F32 or NZ_IDX_F64,
 * atomically (temp file in the same directory, fsync, rename): a killed
 * writer never leaves a torn file.  `gzip` != 0 writes it gzip'd. */
nz_status nz_idx_write(const char *path, nz_idx_type type, int ndim, const uint32_t *dims,
                       const void *data, int gzip);

/* ---- host datasets ----------------------------------------------------- */

typedef struct nz_dataset {
    int64_t n;        /* examples */
    int64_t d;        /* features per example */
    int classes;      /* labels are in [0, classes) */
    float *x;         /* n * d, row-major */
    int32_t *y;       /* n */
} nz_dataset;

/* A dataset of n examples of d features, zero-filled. */
nz_dataset *nz_dataset_create(int64_t n, int64_t d, int classes);
void nz_dataset_free(nz_dataset *ds);
nz_dataset *nz_dataset_clone(const nz_dataset *ds);

/* Images (U8 or F32, any ndim >= 1: features = product of dims 1..) and
 * labels (U8 or I32, 1-D, same count) into a dataset with features as read
 * (0..255 for U8 images).  `classes` 0: 1 + the largest label. */
nz_status nz_dataset_from_idx(const nz_idx *images, const nz_idx *labels, int classes,
                              nz_dataset **out);

/* Fashion-MNIST: the directory holding train-images-idx3-ubyte.gz,
 * train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and
 * t10k-labels-idx1-ubyte.gz.  NAZO_DATA when set, else
 * /usr/share/datasets/fashion-mnist.  Fails with NZ_ERR_NOT_FOUND and a
 * message saying how to get the files when they are missing. */
nz_status nz_fashion_mnist_dir(char *buf, size_t len);
/* Load the training set (60000 x 784) or the test set (10000 x 784), pixel
 * values 0..255, labels 0..9. */
nz_status nz_fashion_mnist_load(int train, nz_dataset **out);

/* A class-balanced subset: `per_class` examples of every class, chosen at
 * random (seeded) and kept in the source's order. */
nz_status nz_dataset_subset_balanced(const nz_dataset *src, int64_t per_class, uint64_t seed,
                                     nz_dataset **out);
/* The first `n` rows (a copy). */
nz_status nz_dataset_head(const nz_dataset *src, int64_t n, nz_dataset **out);

/* Label noise: each label is replaced with probability p by a different
 * class chosen uniformly.  *changed (may be NULL) receives the count. */
nz_status nz_dataset_label_noise(nz_dataset *ds, double p, uint64_t seed, int64_t *changed);

/* Per-feature standardisation with the training set's mean and standard
 * deviation, applied to `train` and to `test` (may be NULL).  A feature whose
 * deviation is below 1e-8 (a constant border pixel) is only centred. */
nz_status nz_dataset_standardize(nz_dataset *train, nz_dataset *test);
/* Scale to [0, 1] with the training set's global minimum and maximum,
 * applied to both (test may be NULL). */
nz_status nz_dataset_scale01(nz_dataset *train, nz_dataset *test);

/* The order of examples in epoch `epoch`: a permutation of 0..n-1
 * (Fisher-Yates driven by Philox keyed by seed, stream = epoch). */
nz_status nz_permutation(int64_t n, uint64_t seed, uint64_t epoch, int32_t *perm);

/* Synthetic data.
 * Gaussian mixture: class means drawn from N(0, separation^2 / d * I) (so
 * their distance is about separation*sqrt(2)), examples = mean + N(0, I),
 * classes balanced (example i has class i % classes). */
nz_status nz_dataset_gaussian_mixture(int64_t n, int64_t d, int classes, double separation,
                                      uint64_t seed, nz_dataset **out);
/* Teacher network: x ~ N(0, I), labels = argmax of a random two-layer tanh
 * network (d -> hidden -> classes, Gaussian weights scaled by 1/sqrt(fan_in))
 * evaluated on the host in double. */
nz_status nz_dataset_teacher(int64_t n, int64_t d, int classes, int64_t hidden, uint64_t seed,
                             nz_dataset **out);

/* ---- on a device ------------------------------------------------------- */

/* Upload the features (as dtype NZ_F32 or NZ_F64, shape [n, d]) and the
 * labels (NZ_I32 [n]).  Either output pointer may be NULL. */
nz_status nz_dataset_upload(const nz_dataset *ds, nz_device *dev, nz_dtype dtype,
                            nz_tensor **x, nz_tensor **y);

/* Mini-batches of a dataset uploaded once: each epoch walks a fresh
 * permutation (nz_permutation(n, seed, epoch)); a batch is gathered on the
 * device from the uploaded features.  When drop_last is 0 the last batch of
 * an epoch may be smaller. */
typedef struct nz_batcher nz_batcher;

nz_batcher *nz_batcher_create(const nz_dataset *ds, nz_device *dev, nz_dtype dtype,
                              int64_t batch, uint64_t seed, int drop_last);
void nz_batcher_free(nz_batcher *b);
/* The next batch: features [m, d] and labels NZ_I32 [m], owned by the
 * batcher and valid until the next call.  Starts a new epoch when the
 * current one is done. */
nz_status nz_batcher_next(nz_batcher *b, nz_tensor **x, nz_tensor **y);
/* Epoch of the batch last returned (0-based) and batches per epoch. */
uint64_t nz_batcher_epoch(const nz_batcher *b);
int64_t nz_batcher_batches_per_epoch(const nz_batcher *b);
/* Continue from a given epoch and batch (for resuming). */
nz_status nz_batcher_seek(nz_batcher *b, uint64_t epoch, int64_t batch_index);

#ifdef __cplusplus
}
#endif
#endif
