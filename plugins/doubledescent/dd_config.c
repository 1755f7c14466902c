/* From validated parameters to a config, and the sweep grid. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dd.h"

/* Largest feature matrix the run may hold, in elements (f64: 1.2 GB). */
#define DD_MAX_ZT_ELEMS 150000000.0
/* Training pool of Fashion-MNIST (and of the synthetic mixture). */
#define DD_POOL 60000

static int streq(const char *a, const char *b) { return a && strcmp(a, b) == 0; }

nz_status dd_config_read(nz_run *r, dd_config *c)
{
    memset(c, 0, sizeof *c);
    int full = streq(nz_run_string(r, "mode"), "full");
    c->sweep = streq(nz_run_string(r, "sweep"), "sample") ? DD_SWEEP_SAMPLE : DD_SWEEP_MODEL;
    c->n = DD_CLASSES * nz_run_int(r, "per_class");
    c->features = nz_run_int(r, "features");
    c->min_ratio = nz_run_float(r, "min_ratio");
    c->max_ratio = nz_run_float(r, "max_ratio");
    /* 0 means "what the mode says", so --set can still override either. */
    c->points = (int)nz_run_int(r, "points");
    if (c->points == 0) c->points = full ? 30 : 10;
    c->seeds = (int)nz_run_int(r, "seeds");
    if (c->seeds == 0) c->seeds = full ? 5 : 1;
    c->nlambda = 1 + (int)nz_run_int(r, "ridges");
    c->lambda[0] = 0;
    for (int k = 1; k < c->nlambda; k++) {
        /* Rounded to 12 digits so 1e-6 * 100 is reported as 1e-4. */
        char buf[32];
        snprintf(buf, sizeof buf, "%.12g",
                 nz_run_float(r, "ridge") * pow(nz_run_float(r, "ridge_factor"), k - 1));
        c->lambda[k] = strtod(buf, NULL);
    }
    c->label_noise = nz_run_float(r, "label_noise");
    c->centred = streq(nz_run_string(r, "targets"), "centred");
    c->standardize = streq(nz_run_string(r, "inputs"), "standard");
    c->mixture = streq(nz_run_string(r, "data"), "mixture");
    c->test_size = nz_run_int(r, "test_size");
    c->refine = (int)nz_run_int(r, "refine");
    c->seed = nz_run_seed(r);

    nz_device *dev = nz_run_device(r);
    int fp64 = nz_device_get_info(dev)->fp64 && nz_device_supports(dev, NZ_OP_CHOLESKY, NZ_F64);
    const char *prec = nz_run_string(r, "precision");
    if (streq(prec, "f64") && !fp64)
        return nz_error(NZ_ERR_UNSUPPORTED, "doubledescent: precision=f64 but device %s (%s) has "
                        "no f64 support; use precision=auto (f32 with jitter and refinement)",
                        nz_device_id(dev), nz_device_get_info(dev)->name);
    c->dtype = (streq(prec, "f32") || !fp64) ? NZ_F32 : NZ_F64;

    /* The largest feature matrix: model-wise [N_max, n], sample-wise [N, n_max]. */
    double elems = c->sweep == DD_SWEEP_MODEL
                       ? ceil(c->max_ratio * (double)c->n) * (double)c->n
                       : (double)c->features * fmin(c->max_ratio * (double)c->features, DD_POOL);
    if (elems > DD_MAX_ZT_ELEMS)
        return nz_error(NZ_ERR_INVALID, "doubledescent: the largest feature matrix would hold "
                        "%.3g values (limit %.3g); lower max_ratio, per_class or features",
                        elems, DD_MAX_ZT_ELEMS);
    return NZ_OK;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int dd_sweep_points(const dd_config *c, dd_point *pts, int max)
{
    int64_t v[DD_MAX_POINTS + 1];
    int k = 0, p = c->points < DD_MAX_POINTS ? c->points : DD_MAX_POINTS;
    int model = c->sweep == DD_SWEEP_MODEL;
    int64_t base = model ? c->n : c->features;
    double span = log(c->max_ratio / c->min_ratio);
    for (int i = 0; i < p; i++) {
        double ratio = p == 1 ? c->max_ratio : c->min_ratio * exp(span * i / (p - 1));
        int64_t x = llround(ratio * (double)base);
        if (!model) {
            /* Sample-wise n must be a multiple of the classes (balanced subsets). */
            x = llround(ratio * (double)base / DD_CLASSES) * DD_CLASSES;
            if (x > DD_POOL) x = DD_POOL;
            if (x < DD_CLASSES) x = DD_CLASSES;
        }
        v[k++] = x < 1 ? 1 : x;
    }
    /* The threshold itself: the peak is narrow, so it must be on the grid. */
    if (model || base % DD_CLASSES == 0) v[k++] = base;
    qsort(v, (size_t)k, sizeof v[0], cmp_i64);
    int out = 0;
    for (int i = 0; i < k && out < max; i++) {
        if (i > 0 && v[i] == v[i - 1]) continue;
        pts[out].N = model ? v[i] : c->features;
        pts[out].n = model ? c->n : v[i];
        out++;
    }
    return out;
}
