/* The mlp experiment's data: Fashion-MNIST (all of it, a class-balanced
 * subset, or the quick 6000/1000 split) or a synthetic Gaussian mixture of
 * the same shape, so the experiment and its tests run where the data set is
 * not installed. */
#include <string.h>

#include "mlp.h"

#define QUICK_TRAIN 6000
#define QUICK_TEST 1000
#define SYNTH_TRAIN 4096
#define SYNTH_TEST 1024
#define SYNTH_DIM 784
#define SYNTH_CLASSES 10
/* Separation giving ~85-95% accuracy for an MLP: not trivially separable. */
#define SYNTH_SEPARATION 3.0

static nz_status fashion(nz_run *r, const mlp_cfg *cfg, nz_dataset **train, nz_dataset **test)
{
    nz_dataset *tr = NULL, *te = NULL, *sub;
    nz_status s;
    if ((s = nz_fashion_mnist_load(1, &tr)) != NZ_OK) return s;
    if ((s = nz_fashion_mnist_load(0, &te)) != NZ_OK) goto fail;
    int64_t ntrain = cfg->train_size ? cfg->train_size : cfg->quick ? QUICK_TRAIN : 0;
    if (ntrain) {
        if (ntrain % 10 || ntrain > tr->n) {
            s = nz_error(NZ_ERR_INVALID, "parameter 'train_size' %lld: Fashion-MNIST subsets are "
                         "class-balanced, so use a multiple of 10 up to %lld", (long long)ntrain,
                         (long long)tr->n);
            goto fail;
        }
        if ((s = nz_dataset_subset_balanced(tr, ntrain / 10, nz_run_seed(r), &sub)) != NZ_OK) goto fail;
        nz_dataset_free(tr);
        tr = sub;
    }
    if (cfg->quick) {
        if ((s = nz_dataset_head(te, QUICK_TEST, &sub)) != NZ_OK) goto fail;
        nz_dataset_free(te);
        te = sub;
    }
    *train = tr;
    *test = te;
    return NZ_OK;
fail:
    nz_dataset_free(tr);
    nz_dataset_free(te);
    return s;
}

static nz_status synthetic(nz_run *r, const mlp_cfg *cfg, nz_dataset **train, nz_dataset **test)
{
    /* One mixture split in two, so both halves share the class means. */
    int64_t ntrain = cfg->train_size ? cfg->train_size : SYNTH_TRAIN;
    nz_dataset *all = NULL, *tr = NULL, *te = NULL;
    nz_status s = nz_dataset_gaussian_mixture(ntrain + SYNTH_TEST, SYNTH_DIM, SYNTH_CLASSES,
                                              SYNTH_SEPARATION, nz_run_seed(r) ^ 0x5eedULL, &all);
    if (s != NZ_OK) return s;
    tr = nz_dataset_create(ntrain, SYNTH_DIM, SYNTH_CLASSES);
    te = nz_dataset_create(SYNTH_TEST, SYNTH_DIM, SYNTH_CLASSES);
    if (!tr || !te) {
        s = nz_error(NZ_ERR_NOMEM, "out of memory splitting synthetic data");
        goto out;
    }
    memcpy(tr->x, all->x, sizeof(float) * (size_t)(ntrain * SYNTH_DIM));
    memcpy(tr->y, all->y, sizeof(int32_t) * (size_t)ntrain);
    memcpy(te->x, all->x + ntrain * SYNTH_DIM, sizeof(float) * (size_t)(SYNTH_TEST * SYNTH_DIM));
    memcpy(te->y, all->y + ntrain, sizeof(int32_t) * (size_t)SYNTH_TEST);
    *train = tr;
    *test = te;
    tr = te = NULL;
out:
    nz_dataset_free(all);
    nz_dataset_free(tr);
    nz_dataset_free(te);
    return s;
}

nz_status mlp_data_load(nz_run *r, mlp_cfg *cfg, nz_dataset **train, nz_dataset **test)
{
    *train = *test = NULL;
    int synth = strcmp(cfg->data, "synthetic") == 0;
    nz_status s = synth ? synthetic(r, cfg, train, test) : fashion(r, cfg, train, test);
    if (s != NZ_OK) return s;
    if (cfg->batch > (*train)->n) {
        s = nz_error(NZ_ERR_INVALID, "parameter 'batch' %lld exceeds the %lld training examples",
                     (long long)cfg->batch, (long long)(*train)->n);
    } else if (strcmp(cfg->scaling, "standardize") == 0 || (synth && strcmp(cfg->scaling, "auto") == 0)) {
        s = nz_dataset_standardize(*train, *test);
    } else if (strcmp(cfg->scaling, "scale01") == 0 || strcmp(cfg->scaling, "auto") == 0) {
        s = nz_dataset_scale01(*train, *test);
    }
    if (s != NZ_OK) {
        nz_dataset_free(*train);
        nz_dataset_free(*test);
        *train = *test = NULL;
        return s;
    }
    cfg->sizes[0] = (*train)->d;
    cfg->sizes[cfg->nsizes - 1] = (*train)->classes;
    nz_run_log(r, "mlp: %s data, %lld training and %lld test examples of %lld features, %d classes",
               synth ? "synthetic" : "Fashion-MNIST", (long long)(*train)->n, (long long)(*test)->n,
               (long long)(*train)->d, (*train)->classes);
    return NZ_OK;
}
