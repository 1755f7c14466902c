/* Data for the fits: Fashion-MNIST (or a synthetic Gaussian mixture),
 * scaled, class-balanced training subsets with label noise, and targets. */
#include <string.h>

#include "dd.h"

/* The synthetic mixture: low-dimensional so the tests stay fast, classes
 * overlapping enough that fitting them is not trivial. */
#define DD_MIX_DIM 64
#define DD_MIX_SEPARATION 3.0
#define DD_MIX_POOL 60000

/* Rows [row0, row0 + n) of a host data set (a copy). */
static nz_status slice(const nz_dataset *src, int64_t row0, int64_t n, nz_dataset **out)
{
    nz_dataset *ds = nz_dataset_create(n, src->d, src->classes);
    if (!ds) return nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: slicing a data set");
    memcpy(ds->x, src->x + row0 * src->d, sizeof(float) * (size_t)(n * src->d));
    memcpy(ds->y, src->y + row0, sizeof(int32_t) * (size_t)n);
    *out = ds;
    return NZ_OK;
}

static nz_status load_mixture(const dd_config *c, dd_source *s)
{
    nz_dataset *all = NULL;
    /* One draw of class means for train and test alike: the test set is
     * the tail of the same mixture. */
    nz_status st = nz_dataset_gaussian_mixture(DD_MIX_POOL + c->test_size, DD_MIX_DIM, DD_CLASSES,
                                               DD_MIX_SEPARATION, c->seed ^ 0x6d6978ULL, &all);
    if (st == NZ_OK) st = slice(all, 0, DD_MIX_POOL, &s->train);
    if (st == NZ_OK) st = slice(all, DD_MIX_POOL, c->test_size, &s->test);
    nz_dataset_free(all);
    return st;
}

static nz_status load_fashion(const dd_config *c, dd_source *s)
{
    nz_dataset *test = NULL;
    nz_status st = nz_fashion_mnist_load(1, &s->train);
    if (st == NZ_OK) st = nz_fashion_mnist_load(0, &test);
    if (st == NZ_OK) st = nz_dataset_head(test, c->test_size, &s->test);
    nz_dataset_free(test);
    return st;
}

nz_status dd_source_load(const dd_config *c, dd_source *s)
{
    memset(s, 0, sizeof *s);
    nz_status st = c->mixture ? load_mixture(c, s) : load_fashion(c, s);
    /* Scaling uses the statistics of the whole training pool, so every
     * subset (and the test set) sees the same map. */
    if (st == NZ_OK)
        st = c->standardize ? nz_dataset_standardize(s->train, s->test)
                            : nz_dataset_scale01(s->train, s->test);
    if (st != NZ_OK) dd_source_free(s);
    return st;
}

void dd_source_free(dd_source *s)
{
    nz_dataset_free(s->train);
    nz_dataset_free(s->test);
    s->train = s->test = NULL;
}

nz_status dd_targets(const dd_config *c, nz_tensor *y, const nz_tensor *labels)
{
    double off = c->centred ? -1.0 / DD_CLASSES : 0.0;
    return nz_onehot(y, labels, 1.0 + off, off);
}

static nz_status upload(const dd_config *c, const nz_dataset *ds, nz_device *dev, dd_data *out)
{
    memset(out, 0, sizeof *out);
    out->n = ds->n;
    out->d = ds->d;
    nz_status st = nz_dataset_upload(ds, dev, NZ_F32, &out->x, &out->labels);
    if (st == NZ_OK) {
        out->y = nz_tensor_create_2d(dev, c->dtype, ds->n, DD_CLASSES);
        st = out->y ? dd_targets(c, out->y, out->labels)
                    : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: targets");
    }
    if (st != NZ_OK) dd_data_release(out);
    return st;
}

nz_status dd_data_train(const dd_config *c, const dd_source *s, int64_t n, uint64_t seed,
                        nz_device *dev, dd_data *out, int64_t *noisy)
{
    nz_dataset *sub = NULL;
    nz_status st = nz_dataset_subset_balanced(s->train, n / DD_CLASSES, seed, &sub);
    *noisy = 0;
    if (st == NZ_OK && c->label_noise > 0)
        st = nz_dataset_label_noise(sub, c->label_noise, seed ^ 0x6e6f697365ULL, noisy);
    if (st == NZ_OK) st = upload(c, sub, dev, out);
    nz_dataset_free(sub);
    return st;
}

nz_status dd_data_test(const dd_config *c, const dd_source *s, nz_device *dev, dd_data *out)
{
    return upload(c, s->test, dev, out);
}

void dd_data_release(dd_data *d)
{
    nz_tensor_free(d->x);
    nz_tensor_free(d->labels);
    nz_tensor_free(d->y);
    memset(d, 0, sizeof *d);
}
