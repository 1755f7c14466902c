/* Feature scaling fitted on the training set and applied to both sets, so
 * the test set never leaks into the statistics. */
#include <math.h>
#include <stdlib.h>

#include "nazo/data.h"

static nz_status check_pair(const char *fn, const nz_dataset *train, const nz_dataset *test)
{
    if (!train)
        return nz_error(NZ_ERR_INVALID, "%s: training set is NULL", fn);
    if (test && test->d != train->d)
        return nz_error(NZ_ERR_INVALID,
                        "%s: training set has %lld features, test set %lld: they must match",
                        fn, (long long)train->d, (long long)test->d);
    return NZ_OK;
}

static void apply(nz_dataset *ds, const double *shift, const double *mul)
{
    if (!ds)
        return;
    for (int64_t i = 0; i < ds->n; i++) {
        float *row = ds->x + i * ds->d;
        for (int64_t j = 0; j < ds->d; j++)
            row[j] = (float)(((double)row[j] - shift[j]) * mul[j]);
    }
}

nz_status nz_dataset_standardize(nz_dataset *train, nz_dataset *test)
{
    nz_status st = check_pair("nz_dataset_standardize", train, test);
    if (st != NZ_OK)
        return st;
    int64_t d = train->d;
    double *mean = calloc((size_t)d, sizeof(double));
    double *mul = calloc((size_t)d, sizeof(double));
    if (!mean || !mul) {
        free(mean);
        free(mul);
        return nz_error(NZ_ERR_NOMEM, "nz_dataset_standardize: out of memory");
    }
    for (int64_t i = 0; i < train->n; i++)
        for (int64_t j = 0; j < d; j++)
            mean[j] += train->x[i * d + j];
    for (int64_t j = 0; j < d; j++)
        mean[j] /= (double)train->n;
    /* Two passes: the centred sum of squares does not cancel catastrophically. */
    for (int64_t i = 0; i < train->n; i++)
        for (int64_t j = 0; j < d; j++) {
            double c = train->x[i * d + j] - mean[j];
            mul[j] += c * c;
        }
    for (int64_t j = 0; j < d; j++) {
        double sd = sqrt(mul[j] / (double)train->n);
        mul[j] = sd < 1e-8 ? 1.0 : 1.0 / sd;
    }
    apply(train, mean, mul);
    apply(test, mean, mul);
    free(mean);
    free(mul);
    return NZ_OK;
}

nz_status nz_dataset_scale01(nz_dataset *train, nz_dataset *test)
{
    nz_status st = check_pair("nz_dataset_scale01", train, test);
    if (st != NZ_OK)
        return st;
    int64_t d = train->d;
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t i = 0; i < train->n * d; i++) {
        if (train->x[i] < lo)
            lo = train->x[i];
        if (train->x[i] > hi)
            hi = train->x[i];
    }
    if (!(hi > lo))
        return nz_error(NZ_ERR_INVALID,
                        "nz_dataset_scale01: every feature value is %g: nothing to scale", lo);
    double *shift = malloc(sizeof(double) * (size_t)d);
    double *mul = malloc(sizeof(double) * (size_t)d);
    if (!shift || !mul) {
        free(shift);
        free(mul);
        return nz_error(NZ_ERR_NOMEM, "nz_dataset_scale01: out of memory");
    }
    for (int64_t j = 0; j < d; j++) {
        shift[j] = lo;
        mul[j] = 1.0 / (hi - lo);
    }
    apply(train, shift, mul);
    apply(test, shift, mul);
    free(shift);
    free(mul);
    return NZ_OK;
}
