/* doubledescent internals: random ReLU features phi(x) = relu(W x)/sqrt(N),
 * W ~ N(0, 1/d), fitted by minimum-norm least squares (lambda = 0) and ridge
 * to the targets of n training images; swept over N (model-wise) or n
 * (sample-wise).
 *
 * Feature matrices are kept transposed, Zt = relu(W X^T) of shape [N, n]
 * without the 1/sqrt(N): the first N rows of the features for N_max are
 * then the features for N (a contiguous view), so one draw of W serves the
 * whole sweep and the curves are nested, as in the literature.  The scale
 * 1/sqrt(N) is applied as the alpha of the products that use Zt. */
#ifndef DD_H
#define DD_H

#include <stddef.h>
#include <stdint.h>

#include "nazo/data.h"
#include "nazo/nazo.h"

#define DD_CLASSES 10
#define DD_MAX_LAMBDA 8
#define DD_MAX_POINTS 128

typedef enum dd_sweep { DD_SWEEP_MODEL = 0, DD_SWEEP_SAMPLE } dd_sweep;

typedef struct dd_config {
    dd_sweep sweep;
    int64_t n;                  /* model-wise: training examples */
    int64_t features;           /* sample-wise: N */
    double min_ratio, max_ratio;
    int points;                 /* log-spaced sweep values, plus the threshold */
    int seeds;
    int nlambda;                /* lambda[0] is always 0 (min-norm) */
    double lambda[DD_MAX_LAMBDA];
    double label_noise;
    int centred;                /* targets onehot - 1/C instead of onehot */
    int standardize;            /* inputs standardised instead of [0, 1] */
    int mixture;                /* synthetic Gaussian mixture instead of Fashion-MNIST */
    int64_t test_size;
    nz_dtype dtype;             /* NZ_F64, or NZ_F32 where the device has no fp64 */
    int refine;                 /* iterative-refinement steps per solve */
    uint64_t seed;
} dd_config;

/* One point of a sweep: N features fitted to n examples. */
typedef struct dd_point {
    int64_t N, n;
} dd_point;

/* Read the validated parameters (and the device's fp64) into a config;
 * fails with a message on combinations the declarations cannot express. */
nz_status dd_config_read(nz_run *r, dd_config *c);
/* The sweep: log-spaced values of N (or n) with the threshold N = n
 * included exactly; sorted, distinct.  Returns the count. */
int dd_sweep_points(const dd_config *c, dd_point *pts, int max);

/* ---- the solver (dd_solve.c) ---- */

typedef struct dd_solve_stats {
    double rel_residual;        /* ||B - (G + lam I) X|| / ||B|| after refinement */
    double jitter;              /* added to the diagonal to factor (f32 only) */
    int failed_pivot;           /* Cholesky's failing minor, 0 when it factored */
} dd_solve_stats;

/* Solve (G + lam I) X = B for a symmetric positive (semi)definite G [m, m]
 * and B [m, c], all of one dtype on one device; G and B are not changed.
 * Cholesky of G + lam I, two triangular solves, then `refine` steps of
 * iterative refinement against G + lam I.  In f64 a matrix that does not
 * factor is reported (NZ_ERR_NUMERIC, stats->failed_pivot set), never
 * silently regularised.  In f32 (a device without fp64) the factor gets the
 * smallest jitter from diag_mean * {1e-6, 1e-5, ...} that works, and the
 * refinement pulls the answer back toward the unjittered system as far as
 * f32 allows; stats->jitter says how much was added. */
nz_status dd_solve_spd(const nz_tensor *g, double lam, const nz_tensor *b, nz_tensor *x,
                       int refine, double diag_mean, dd_solve_stats *stats);

/* ---- data and features (dd_data.c, dd_features.c) ---- */

typedef struct dd_data {
    nz_tensor *x;               /* f32 [n, d] */
    nz_tensor *labels;          /* i32 [n] */
    nz_tensor *y;               /* dtype [n, C]: the regression targets */
    int64_t n, d;
} dd_data;

/* Host data sets for the run: the training pool and the test set, scaled. */
typedef struct dd_source {
    nz_dataset *train, *test;
} dd_source;

nz_status dd_source_load(const dd_config *c, dd_source *s);
void dd_source_free(dd_source *s);
/* A class-balanced subset of n training examples (seeded), label noise
 * applied, on the device with its targets. */
nz_status dd_data_train(const dd_config *c, const dd_source *s, int64_t n, uint64_t seed,
                        nz_device *dev, dd_data *out, int64_t *noisy);
/* The first test_size test examples on the device. */
nz_status dd_data_test(const dd_config *c, const dd_source *s, nz_device *dev, dd_data *out);
void dd_data_release(dd_data *d);
/* Targets of labels: onehot, or centred (onehot - 1/C). */
nz_status dd_targets(const dd_config *c, nz_tensor *y, const nz_tensor *labels);

/* Rows [0, rows) of a flat scratch tensor viewed as [rows, cols]. */
nz_tensor *dd_view2d(nz_tensor *flat, int64_t rows, int64_t cols);
/* W [N, d] f32 ~ N(0, 1/d) from (seed, stream 0): the same on every device. */
nz_tensor *dd_weights_create(nz_device *dev, int64_t N, int64_t d, uint64_t seed);
/* zt [N, m] (f32 or f64) = relu(W x^T) for x [m, d] f32, computed in f32
 * in blocks of rows and cast, so an f64 zt never needs an f32 twin. */
nz_status dd_features(nz_tensor *zt, const nz_tensor *w, const nz_tensor *x);

/* ---- fitting and evaluating (dd_fit.c, dd_eval.c) ---- */

/* One fitted model: N features, one lambda.  Weights are kept transposed,
 * wt [C, N], as rows of a per-point stack [lambdas * C, N], so that the test
 * predictions of all lambdas of a point are one GEMM without transposes
 * (narrow and transposed products are slow on some OpenCL devices). */
typedef struct dd_model {
    int64_t N;
    double lambda, lambda_eff;
    nz_tensor *wt;              /* [C, N], a view into the point's stack */
    int failed;                 /* the solve failed: metrics are NaN */
    double train_err, train_mse, weight_norm, rel_residual;
    double test_err, test_mse;  /* filled by dd_evaluate */
} dd_model;

/* Fit every lambda of the config to the features zt [N, n] (the first N
 * rows of a larger matrix are fine) and the data's targets; *stack gets
 * the weights of all lambdas.  `gram`, when not NULL, holds Zt^T Zt [n, n]
 * (unscaled) for N >= n, which the model-wise sweep accumulates as N grows
 * instead of recomputing. */
nz_status dd_fit(const dd_config *c, nz_run *r, const nz_tensor *zt, const nz_tensor *gram,
                 const dd_data *train, nz_tensor **stack, dd_model *models);
void dd_model_release(dd_model *m);

/* Test error and MSE of the models of `npoints` points (c->nlambda each,
 * weights in stacks[p]), whose features are prefixes of relu(w x^T); the
 * test set is walked once in chunks. */
nz_status dd_evaluate(const dd_config *c, const nz_tensor *w, const dd_data *test,
                      nz_tensor *const *stacks, dd_model *models, int npoints);

/* Sum of squares of a tensor, read back. */
nz_status dd_sumsq(const nz_tensor *t, double *out);

/* ---- the sweeps and the report (dd_sweep.c, dd_report.c) ---- */

/* All seeds x points x lambdas, in that order. */
typedef struct dd_results {
    int npoints, nlambda, seeds;
    dd_point pts[DD_MAX_POINTS];
    double *test_err, *test_mse, *train_err, *train_mse, *norm, *residual, *lambda_eff;
    int failed;                 /* solves that did not factor */
    int64_t noisy_labels;       /* of the first seed */
} dd_results;

nz_status dd_results_init(dd_results *res, const dd_config *c);
void dd_results_free(dd_results *res);
size_t dd_results_index(const dd_results *res, int seed, int point, int lam);
void dd_results_store(dd_results *res, int seed, int point, int lam, const dd_model *m);

/* Mean (and sample deviation, count of seeds) of one metric at a point. */
void dd_agg(const dd_results *res, const double *a, int point, int lam, double *mean, double *sd,
            int *ok);
/* The x axis: N/n model-wise, n/N sample-wise (1 at the threshold). */
double dd_ratio(const dd_config *c, const dd_point *p);

/* A growing text buffer for CSV, JSON and gnuplot scripts. */
typedef struct dd_text {
    char *s;
    size_t len, cap;
} dd_text;
nz_status dd_text_add(dd_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

nz_status dd_sweep_seed(const dd_config *c, nz_run *r, const dd_source *src, int seed_index,
                        dd_results *res);
nz_status dd_report(const dd_config *c, nz_run *r, const dd_results *res);
/* summary.json: the headline numbers, the acceptance checks and the curves. */
nz_status dd_summary(const dd_config *c, nz_run *r, const dd_results *res);

#endif
