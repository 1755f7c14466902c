/* One seed of a sweep: draw W and the data, fit every point and lambda,
 * then evaluate them all in one pass over the test set. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dd.h"

/* Seeds of the parts of one repetition: the subset and W share the seed;
 * label noise gets its own stream inside dd_data_train. */
static uint64_t seed_of(const dd_config *c, int seed_index)
{
    return c->seed + (uint64_t)seed_index * 0x9E3779B97F4A7C15ULL;
}

static nz_status interrupted(void)
{
    return nz_error(NZ_ERR_INTERRUPTED, "doubledescent: interrupted; the finished seeds are "
                    "not saved, run again");
}

/* Model-wise: n fixed, N grows.  The dual Gram matrix Zt^T Zt is a sum over
 * features, so it is accumulated block by block as N grows. */
static nz_status sweep_model(const dd_config *c, nz_run *r, const dd_data *train,
                             const nz_tensor *w, const dd_results *res, nz_tensor **stacks,
                             dd_model *models, int seed_index)
{
    nz_device *dev = nz_run_device(r);
    int64_t n = train->n, nmax = res->pts[res->npoints - 1].N;
    nz_tensor *zt = nz_tensor_create_2d(dev, c->dtype, nmax, n);
    nz_tensor *gram = nz_tensor_zeros(dev, c->dtype, 2, (int64_t[]){n, n});
    nz_status s = (zt && gram) ? dd_features(zt, w, train->x)
                               : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: features [%lld, %lld]",
                                                 (long long)nmax, (long long)n);
    int64_t done = 0;
    for (int p = 0; s == NZ_OK && p < res->npoints; p++) {
        int64_t N = res->pts[p].N;
        if (nz_run_interrupted(r)) s = interrupted();
        nz_tensor *ztn = s == NZ_OK ? nz_tensor_rows(zt, 0, N) : NULL;
        if (s == NZ_OK && N >= n && N > done) {
            nz_tensor *blk = nz_tensor_rows(zt, done, N - done);
            s = blk ? nz_matmul(gram, blk, 1, blk, 0, 1.0, 1.0)
                    : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: feature block");
            nz_tensor_free(blk);
            done = N;
        }
        if (s == NZ_OK)
            s = ztn ? dd_fit(c, r, ztn, N >= n ? gram : NULL, train, &stacks[p],
                           &models[p * c->nlambda])
                    : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: feature view");
        nz_tensor_free(ztn);
        nz_run_progress(r, "fits", (int64_t)seed_index * res->npoints + p + 1,
                        (int64_t)res->seeds * res->npoints);
    }
    nz_tensor_free(zt);
    nz_tensor_free(gram);
    return s;
}

/* Sample-wise: N fixed, n grows; each n is its own balanced subset. */
static nz_status sweep_sample(const dd_config *c, nz_run *r, const dd_source *src,
                              const nz_tensor *w, const dd_results *res, nz_tensor **stacks,
                              dd_model *models, int seed_index, uint64_t seed)
{
    nz_device *dev = nz_run_device(r);
    nz_status s = NZ_OK;
    for (int p = 0; s == NZ_OK && p < res->npoints; p++) {
        if (nz_run_interrupted(r)) return interrupted();
        dd_data train;
        int64_t noisy = 0, n = res->pts[p].n;
        s = dd_data_train(c, src, n, seed, dev, &train, &noisy);
        if (s != NZ_OK) break;
        nz_tensor *zt = nz_tensor_create_2d(dev, c->dtype, c->features, n);
        s = zt ? dd_features(zt, w, train.x) : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: features");
        if (s == NZ_OK) s = dd_fit(c, r, zt, NULL, &train, &stacks[p], &models[p * c->nlambda]);
        nz_tensor_free(zt);
        dd_data_release(&train);
        nz_run_progress(r, "fits", (int64_t)seed_index * res->npoints + p + 1,
                        (int64_t)res->seeds * res->npoints);
    }
    return s;
}

nz_status dd_sweep_seed(const dd_config *c, nz_run *r, const dd_source *src, int seed_index,
                        dd_results *res)
{
    nz_device *dev = nz_run_device(r);
    uint64_t seed = seed_of(c, seed_index);
    int count = res->npoints * c->nlambda;
    int64_t nmax = c->sweep == DD_SWEEP_MODEL ? res->pts[res->npoints - 1].N : c->features;
    dd_model *models = calloc((size_t)count, sizeof *models);
    nz_tensor **stacks = calloc((size_t)res->npoints, sizeof *stacks);
    dd_data train = {0}, test = {0};
    nz_tensor *w = dd_weights_create(dev, nmax, src->train->d, seed);
    nz_status s = (models && stacks && w) ? NZ_OK : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: W");
    if (s == NZ_OK) s = dd_data_test(c, src, dev, &test);
    if (s == NZ_OK && c->sweep == DD_SWEEP_MODEL) {
        int64_t noisy = 0;
        s = dd_data_train(c, src, c->n, seed, dev, &train, &noisy);
        if (seed_index == 0) res->noisy_labels = noisy;
        if (s == NZ_OK) s = sweep_model(c, r, &train, w, res, stacks, models, seed_index);
    } else if (s == NZ_OK) {
        s = sweep_sample(c, r, src, w, res, stacks, models, seed_index, seed);
    }
    if (s == NZ_OK) s = dd_evaluate(c, w, &test, stacks, models, res->npoints);
    for (int i = 0; s == NZ_OK && i < count; i++)
        dd_results_store(res, seed_index, i / c->nlambda, i % c->nlambda, &models[i]);
    for (int i = 0; models && i < count; i++) dd_model_release(&models[i]);
    for (int p = 0; stacks && p < res->npoints; p++) nz_tensor_free(stacks[p]);
    free(stacks);
    free(models);
    nz_tensor_free(w);
    dd_data_release(&train);
    dd_data_release(&test);
    return s;
}

nz_status dd_results_init(dd_results *res, const dd_config *c)
{
    memset(res, 0, sizeof *res);
    res->npoints = dd_sweep_points(c, res->pts, DD_MAX_POINTS);
    res->nlambda = c->nlambda;
    res->seeds = c->seeds;
    size_t k = (size_t)res->npoints * (size_t)res->nlambda * (size_t)res->seeds;
    double **cols[] = {&res->test_err, &res->test_mse, &res->train_err, &res->train_mse,
                       &res->norm, &res->residual, &res->lambda_eff};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        *cols[i] = malloc(k * sizeof(double));
        if (!*cols[i]) {
            dd_results_free(res);
            return nz_error(NZ_ERR_NOMEM, "doubledescent: results");
        }
        for (size_t j = 0; j < k; j++) (*cols[i])[j] = NAN;
    }
    return NZ_OK;
}

void dd_results_free(dd_results *res)
{
    free(res->test_err);
    free(res->test_mse);
    free(res->train_err);
    free(res->train_mse);
    free(res->norm);
    free(res->residual);
    free(res->lambda_eff);
    res->test_err = res->test_mse = res->train_err = res->train_mse = NULL;
    res->norm = res->residual = res->lambda_eff = NULL;
}

size_t dd_results_index(const dd_results *res, int seed, int point, int lam)
{
    return ((size_t)seed * (size_t)res->npoints + (size_t)point) * (size_t)res->nlambda +
           (size_t)lam;
}

void dd_results_store(dd_results *res, int seed, int point, int lam, const dd_model *m)
{
    size_t i = dd_results_index(res, seed, point, lam);
    res->lambda_eff[i] = m->lambda_eff;
    if (m->failed) {
        res->failed++;
        return;
    }
    res->test_err[i] = m->test_err;
    res->test_mse[i] = m->test_mse;
    res->train_err[i] = m->train_err;
    res->train_mse[i] = m->train_mse;
    res->norm[i] = m->weight_norm;
    res->residual[i] = m->rel_residual;
}
