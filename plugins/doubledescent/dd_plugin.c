/* doubledescent: model-wise and sample-wise double descent of random ReLU
 * features on Fashion-MNIST, with minimum-norm and ridge fits. */
#include <time.h>

#include "dd.h"

static const char *const sweeps[] = {"model", "sample", NULL};
static const char *const modes[] = {"quick", "full", NULL};
static const char *const target_kinds[] = {"onehot", "centred", NULL};
static const char *const input_kinds[] = {"standard", "unit", NULL};
static const char *const data_kinds[] = {"fashion", "mixture", NULL};
static const char *const precisions[] = {"auto", "f64", "f32", NULL};

static const nz_param_decl dd_params[] = {
    {"sweep", NZ_PARAM_CHOICE, "model", 0, 0, sweeps,
     "model: vary N at fixed n; sample: vary n at fixed N (= features)"},
    {"mode", NZ_PARAM_CHOICE, "quick", 0, 0, modes,
     "quick: 1 seed, 10 points; full: 5 seeds, 30 points (points/seeds override)"},
    {"per_class", NZ_PARAM_INT, "100", 1, 400, NULL,
     "model-wise: training images per class (n = 10 * per_class)"},
    {"features", NZ_PARAM_INT, "1000", 10, 20000, NULL, "sample-wise: number of features N"},
    {"points", NZ_PARAM_INT, "0", 0, 100, NULL,
     "log-spaced sweep values (plus N = n exactly); 0: the mode's"},
    {"seeds", NZ_PARAM_INT, "0", 0, 20, NULL, "repetitions (W, subset, noise); 0: the mode's"},
    {"min_ratio", NZ_PARAM_FLOAT, "0.05", 0.001, 1, NULL,
     "smallest N/n (sample-wise n/N) of the sweep"},
    {"max_ratio", NZ_PARAM_FLOAT, "20", 1.5, 60, NULL,
     "largest N/n (sample-wise n/N) of the sweep"},
    {"ridges", NZ_PARAM_INT, "3", 0, DD_MAX_LAMBDA - 1, NULL,
     "ridge curves besides lambda = 0: ridge * ridge_factor^k, k = 0.."},
    {"ridge", NZ_PARAM_FLOAT, "1e-6", 1e-12, 100, NULL,
     "smallest ridge lambda (objective (1/n) sum ||f(x)-y||^2 + lambda ||w||^2)"},
    {"ridge_factor", NZ_PARAM_FLOAT, "100", 1.5, 1e6, NULL, "ratio between ridge curves"},
    {"label_noise", NZ_PARAM_FLOAT, "0", 0, 0.9, NULL,
     "probability that a training label is replaced by a different class"},
    {"targets", NZ_PARAM_CHOICE, "onehot", 0, 0, target_kinds,
     "regression targets: onehot, or centred (onehot - 1/10)"},
    {"inputs", NZ_PARAM_CHOICE, "standard", 0, 0, input_kinds,
     "pixels standardised per pixel (standard) or scaled to [0, 1] (unit)"},
    {"data", NZ_PARAM_CHOICE, "fashion", 0, 0, data_kinds,
     "Fashion-MNIST, or a synthetic 64-d Gaussian mixture (tests)"},
    {"test_size", NZ_PARAM_INT, "10000", 100, 10000, NULL, "test images evaluated"},
    {"precision", NZ_PARAM_CHOICE, "auto", 0, 0, precisions,
     "solver dtype: auto (f64 where the device has it), f64, or f32 (to see it fail)"},
    {"refine", NZ_PARAM_INT, "2", 0, 20, NULL, "iterative-refinement steps per solve"},
    {NULL, 0, NULL, 0, 0, NULL, NULL},
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static nz_status dd_run(nz_run *r)
{
    dd_config c;
    nz_status s = dd_config_read(r, &c);
    if (s != NZ_OK) return s;
    dd_results res;
    if ((s = dd_results_init(&res, &c)) != NZ_OK) return s;
    nz_run_log(r, "doubledescent: %s-wise, %d points from %lld:%lld to %lld:%lld (N:n), %d seed%s, "
               "%d lambda%s, label noise %g, %s solve on %s",
               c.sweep == DD_SWEEP_MODEL ? "model" : "sample", res.npoints,
               (long long)res.pts[0].N, (long long)res.pts[0].n,
               (long long)res.pts[res.npoints - 1].N, (long long)res.pts[res.npoints - 1].n,
               c.seeds, c.seeds > 1 ? "s" : "", c.nlambda, c.nlambda > 1 ? "s" : "", c.label_noise,
               nz_dtype_name(c.dtype), nz_device_id(nz_run_device(r)));
    if (c.dtype == NZ_F32)
        nz_run_log(r, "doubledescent: solving in f32: near N = n the Gram matrix needs jitter, "
                   "which acts as a ridge and flattens the peak (see the log per point)");
    dd_source src;
    double t0 = now_s();
    s = dd_source_load(&c, &src);
    for (int i = 0; s == NZ_OK && i < c.seeds; i++) {
        s = dd_sweep_seed(&c, r, &src, i, &res);
        nz_run_log(r, "seed %d done at %.1f s", i, now_s() - t0);
    }
    if (s == NZ_OK) s = dd_report(&c, r, &res);
    dd_source_free(&src);
    dd_results_free(&res);
    return s;
}

static const nz_experiment_iface dd_iface = {dd_params, dd_run};
static const nz_plugin_desc dd_desc = {
    NZ_ABI_VERSION, NZ_PLUGIN_EXPERIMENT, "doubledescent", "1.0",
    "double descent of random ReLU features (min-norm and ridge), model- and sample-wise",
    &dd_iface};

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void);
NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void) { return &dd_desc; }
