/* Fashion-MNIST on the device for KIP: pixels scaled to [0, 1], then
 * standardised with the training set's global mean and deviation (computed on
 * the device), as the KIP paper does per channel.  Class-balanced draws of
 * training indices come from Philox permutations, so a seed picks the same
 * images on every device. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kip.h"

static nz_status standardise(kip_data *d)
{
    nz_device *dev = nz_tensor_device(d->xtrain);
    nz_tensor *acc = nz_tensor_create_1d(dev, NZ_F32, 2);
    nz_tensor *s0 = acc ? nz_tensor_rows(acc, 0, 1) : NULL, *s1 = acc ? nz_tensor_rows(acc, 1, 1) : NULL;
    nz_status st = s0 && s1 ? NZ_OK : nz_error(NZ_ERR_NOMEM, "kip: out of memory");
    double n = (double)nz_tensor_numel(d->xtrain);
    float host[2] = { 0, 0 };
    /* Mean first, then the variance around it: better conditioned in f32 than E[x^2]-E[x]^2. */
    if (st == NZ_OK) st = nz_reduce(s0, NZ_RED_SUM, NZ_AXIS_ALL, d->xtrain, 1 / n, 0);
    if (st == NZ_OK) st = nz_tensor_download(s0, host, sizeof(float));
    if (st == NZ_OK) st = nz_unary(d->xtrain, NZ_UN_AFFINE, d->xtrain, 1, -(double)host[0], 1, 0);
    if (st == NZ_OK) st = nz_reduce(s1, NZ_RED_SUMSQ, NZ_AXIS_ALL, d->xtrain, 1 / n, 0);
    if (st == NZ_OK) st = nz_tensor_download(s1, host + 1, sizeof(float));
    if (st == NZ_OK && !(host[1] > 0))
        st = nz_error(NZ_ERR_NUMERIC, "kip: training images have no variance");
    if (st == NZ_OK) {
        d->mean = host[0];
        d->std = sqrt((double)host[1]);
        st = nz_unary(d->xtrain, NZ_UN_AFFINE, d->xtrain, 1 / d->std, 0, 1, 0);
    }
    if (st == NZ_OK)
        st = nz_unary(d->xtest, NZ_UN_AFFINE, d->xtest, 1 / d->std, -d->mean / d->std, 1, 0);
    nz_tensor_free(s0);
    nz_tensor_free(s1);
    nz_tensor_free(acc);
    return st;
}

static nz_status index_classes(kip_data *d, const nz_dataset *train)
{
    d->labels = malloc((size_t)train->n * sizeof *d->labels);
    if (!d->labels) return nz_error(NZ_ERR_NOMEM, "kip: out of memory");
    memcpy(d->labels, train->y, (size_t)train->n * sizeof *d->labels);
    for (int64_t i = 0; i < train->n; i++) {
        int32_t c = train->y[i];
        if (c < 0 || c >= KIP_CLASSES)
            return nz_error(NZ_ERR_IO, "kip: training label %d outside [0, %d)", c, KIP_CLASSES);
        d->nclass[c]++;
    }
    for (int c = 0; c < KIP_CLASSES; c++) {
        if (!(d->byclass[c] = malloc((size_t)(d->nclass[c] + 1) * sizeof(int32_t))))
            return nz_error(NZ_ERR_NOMEM, "kip: out of memory");
        d->nclass[c] = 0;
    }
    for (int64_t i = 0; i < train->n; i++) d->byclass[train->y[i]][d->nclass[train->y[i]]++] = (int32_t)i;
    return NZ_OK;
}

nz_status kip_data_load(nz_device *dev, kip_data *d)
{
    memset(d, 0, sizeof *d);
    nz_dataset *train = NULL, *test = NULL;
    nz_status st = nz_fashion_mnist_load(1, &train);
    if (st == NZ_OK) st = nz_fashion_mnist_load(0, &test);
    if (st == NZ_OK && (train->d != KIP_D || test->d != KIP_D))
        st = nz_error(NZ_ERR_IO, "kip: expected 28x28 images, got %lld features",
                      (long long)train->d);
    if (st == NZ_OK) st = nz_dataset_scale01(train, test);
    if (st == NZ_OK) st = nz_dataset_upload(train, dev, NZ_F32, &d->xtrain, &d->ytrain);
    if (st == NZ_OK) st = nz_dataset_upload(test, dev, NZ_F32, &d->xtest, &d->ytest);
    if (st == NZ_OK) st = index_classes(d, train);
    if (st == NZ_OK) st = standardise(d);
    nz_dataset_free(train);
    nz_dataset_free(test);
    if (st != NZ_OK) kip_data_free(d);
    return st;
}

void kip_data_free(kip_data *d)
{
    nz_tensor_free(d->xtrain);
    nz_tensor_free(d->ytrain);
    nz_tensor_free(d->xtest);
    nz_tensor_free(d->ytest);
    free(d->labels);
    for (int c = 0; c < KIP_CLASSES; c++) free(d->byclass[c]);
    memset(d, 0, sizeof *d);
}

nz_status kip_data_balanced(const kip_data *d, int64_t per_class, uint64_t seed, uint64_t stream,
                            int32_t *idx, int32_t *labels)
{
    int64_t most = 0;
    for (int c = 0; c < KIP_CLASSES; c++) {
        if (d->nclass[c] < per_class)
            return nz_error(NZ_ERR_INVALID, "kip: class %d has %lld training images, %lld wanted",
                            c, (long long)d->nclass[c], (long long)per_class);
        if (d->nclass[c] > most) most = d->nclass[c];
    }
    int32_t *perm = malloc((size_t)most * sizeof *perm);
    if (!perm) return nz_error(NZ_ERR_NOMEM, "kip: out of memory");
    nz_status st = NZ_OK;
    for (int c = 0; c < KIP_CLASSES && st == NZ_OK; c++) {
        /* One key per class: the classes' draws are independent. */
        uint64_t key = seed ^ (0x9E3779B97F4A7C15ull * (uint64_t)(c + 1));
        st = nz_permutation(d->nclass[c], key, stream, perm);
        for (int64_t j = 0; j < per_class && st == NZ_OK; j++) {
            idx[c * per_class + j] = d->byclass[c][perm[j]];
            if (labels) labels[c * per_class + j] = c;
        }
    }
    free(perm);
    return st;
}
