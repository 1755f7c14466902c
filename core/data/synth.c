/* Synthetic classification data for tests and small experiments, drawn from
 * host Philox so the data are identical wherever they are generated. */
#include <math.h>
#include <stdlib.h>

#include "data/host_rng.h"
#include "nazo/data.h"

/* Sub-streams of NZ_STREAM_SYNTH: one counter range per kind of draw. */
#define SYN_MEANS UINT64_C(0)
#define SYN_POINTS (UINT64_C(1) << 40)
#define SYN_WEIGHTS (UINT64_C(2) << 40)

static nz_status check_args(const char *fn, int64_t n, int64_t d, int classes)
{
    if (n < 1 || d < 1 || classes < 2)
        return nz_error(NZ_ERR_INVALID,
                        "%s: n=%lld, d=%lld, classes=%d: expected n >= 1, d >= 1, classes >= 2",
                        fn, (long long)n, (long long)d, classes);
    return NZ_OK;
}

nz_status nz_dataset_gaussian_mixture(int64_t n, int64_t d, int classes, double separation,
                                      uint64_t seed, nz_dataset **out)
{
    if (!out)
        return nz_error(NZ_ERR_INVALID, "nz_dataset_gaussian_mixture: out is NULL");
    *out = NULL;
    nz_status st = check_args("nz_dataset_gaussian_mixture", n, d, classes);
    if (st != NZ_OK)
        return st;
    if (!(separation >= 0.0) || isinf(separation))
        return nz_error(NZ_ERR_INVALID,
                        "nz_dataset_gaussian_mixture: separation=%g: expected a finite value >= 0",
                        separation);
    nz_dataset *ds = nz_dataset_create(n, d, classes);
    double *means = malloc(sizeof(double) * (size_t)(classes * d));
    if (!ds || !means) {
        nz_dataset_free(ds);
        free(means);
        return nz_error(NZ_ERR_NOMEM, "nz_dataset_gaussian_mixture: out of memory");
    }
    double s = separation / sqrt((double)d);
    for (int64_t i = 0; i < classes * d; i++)
        means[i] = s * nz_host_normal(seed, NZ_STREAM_SYNTH, SYN_MEANS + (uint64_t)i);
    for (int64_t i = 0; i < n; i++) {
        int c = (int)(i % classes);
        ds->y[i] = c;
        for (int64_t j = 0; j < d; j++)
            ds->x[i * d + j] = (float)(means[c * d + j] +
                                       nz_host_normal(seed, NZ_STREAM_SYNTH,
                                                      SYN_POINTS + (uint64_t)(i * d + j)));
    }
    free(means);
    *out = ds;
    return NZ_OK;
}

nz_status nz_dataset_teacher(int64_t n, int64_t d, int classes, int64_t hidden, uint64_t seed,
                             nz_dataset **out)
{
    if (!out)
        return nz_error(NZ_ERR_INVALID, "nz_dataset_teacher: out is NULL");
    *out = NULL;
    nz_status st = check_args("nz_dataset_teacher", n, d, classes);
    if (st != NZ_OK)
        return st;
    if (hidden < 1)
        return nz_error(NZ_ERR_INVALID, "nz_dataset_teacher: hidden=%lld: expected >= 1",
                        (long long)hidden);
    nz_dataset *ds = nz_dataset_create(n, d, classes);
    double *w1 = malloc(sizeof(double) * (size_t)(d * hidden));
    double *w2 = malloc(sizeof(double) * (size_t)(hidden * classes));
    double *h = malloc(sizeof(double) * (size_t)hidden);
    if (!ds || !w1 || !w2 || !h) {
        nz_dataset_free(ds);
        free(w1);
        free(w2);
        free(h);
        return nz_error(NZ_ERR_NOMEM, "nz_dataset_teacher: out of memory");
    }
    uint64_t c = SYN_WEIGHTS;
    for (int64_t i = 0; i < d * hidden; i++)
        w1[i] = nz_host_normal(seed, NZ_STREAM_SYNTH, c++) / sqrt((double)d);
    for (int64_t i = 0; i < hidden * classes; i++)
        w2[i] = nz_host_normal(seed, NZ_STREAM_SYNTH, c++) / sqrt((double)hidden);
    for (int64_t i = 0; i < n; i++) {
        float *x = ds->x + i * d;
        for (int64_t j = 0; j < d; j++)
            x[j] = (float)nz_host_normal(seed, NZ_STREAM_SYNTH, SYN_POINTS + (uint64_t)(i * d + j));
        for (int64_t k = 0; k < hidden; k++) {
            double a = 0;
            for (int64_t j = 0; j < d; j++)
                a += (double)x[j] * w1[j * hidden + k];
            h[k] = tanh(a);
        }
        int best = 0;
        double bestv = -INFINITY;
        for (int cl = 0; cl < classes; cl++) {
            double a = 0;
            for (int64_t k = 0; k < hidden; k++)
                a += h[k] * w2[k * classes + cl];
            if (a > bestv) {
                bestv = a;
                best = cl;
            }
        }
        ds->y[i] = best;
    }
    free(w1);
    free(w2);
    free(h);
    *out = ds;
    return NZ_OK;
}
