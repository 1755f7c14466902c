/* The data: balanced subsets of Fashion-MNIST, standardised per pixel with
 * the training subset's statistics (inputs of unit scale, so the first
 * pre-activations have the variance the initialisers assume), or a
 * Gaussian mixture of the same size for runs without the data package. */
#include <string.h>

#include "gf.h"

/* Class means about 8 * sqrt(2) apart in units of the noise: learnable in
 * a few hundred steps, yet not trivially separable by a random net. */
#define GF_SYNTH_SEPARATION 8.0
#define GF_SYNTH_DIM 784

static nz_status load_fashion(int64_t per_class, int64_t test_per_class, uint64_t seed,
                              gf_data *d)
{
    nz_dataset *full = NULL;
    nz_status st = nz_fashion_mnist_load(1, &full);
    if (st == NZ_OK) st = nz_dataset_subset_balanced(full, per_class, seed, &d->train);
    nz_dataset_free(full);
    full = NULL;
    if (st == NZ_OK) st = nz_fashion_mnist_load(0, &full);
    if (st == NZ_OK) st = nz_dataset_subset_balanced(full, test_per_class, seed + 1, &d->test);
    nz_dataset_free(full);
    return st;
}

static nz_status load_synthetic(int64_t per_class, int64_t test_per_class, uint64_t seed,
                                gf_data *d)
{
    /* One draw split in two, so train and test share the class means. */
    nz_dataset *all = NULL;
    int64_t ntr = 10 * per_class, nte = 10 * test_per_class;
    nz_status st = nz_dataset_gaussian_mixture(ntr + nte, GF_SYNTH_DIM, 10, GF_SYNTH_SEPARATION,
                                               seed, &all);
    if (st == NZ_OK) st = nz_dataset_head(all, ntr, &d->train);
    if (st == NZ_OK) {
        d->test = nz_dataset_create(nte, all->d, all->classes);
        if (!d->test) st = nz_error(NZ_ERR_NOMEM, "gradflow: out of memory for the test set");
    }
    if (st == NZ_OK) {
        memcpy(d->test->x, all->x + ntr * all->d, (size_t)(nte * all->d) * sizeof(float));
        memcpy(d->test->y, all->y + ntr, (size_t)nte * sizeof(int32_t));
    }
    nz_dataset_free(all);
    return st;
}

nz_status gf_data_load(const char *which, int64_t per_class, int64_t test_per_class,
                       uint64_t seed, nz_device *dev, gf_data *d)
{
    memset(d, 0, sizeof *d);
    int fashion = strcmp(which, "fashion") == 0;
    nz_status st = fashion ? load_fashion(per_class, test_per_class, seed, d)
                           : load_synthetic(per_class, test_per_class, seed, d);
    if (st == NZ_OK && fashion) st = nz_dataset_standardize(d->train, d->test);
    if (st == NZ_OK) st = nz_dataset_upload(d->train, dev, NZ_F32, &d->xtr, &d->ytr);
    if (st == NZ_OK) st = nz_dataset_upload(d->test, dev, NZ_F32, &d->xte, &d->yte);
    if (st != NZ_OK) {
        gf_data_free(d);
        return nz_error_prefix(st, "gradflow: loading %s data", which);
    }
    d->in = d->train->d;
    d->classes = d->train->classes;
    return NZ_OK;
}

void gf_data_free(gf_data *d)
{
    nz_tensor_free(d->xtr);
    nz_tensor_free(d->ytr);
    nz_tensor_free(d->xte);
    nz_tensor_free(d->yte);
    nz_dataset_free(d->train);
    nz_dataset_free(d->test);
    memset(d, 0, sizeof *d);
}
