/* summary.json: what the curve shows, as numbers and checks.
 *
 * On the min-norm curve (lambda = 0): the test error at the threshold N = n,
 * at the most over-parameterised point and the best under-parameterised
 * one; the largest training error once N >= n (0 when the fit interpolates);
 * where the weight norm peaks.  On every ridge curve: the largest rise of
 * the test error from one point to the next (no peak: at most 0.01). */
#include <math.h>
#include <stdlib.h>

#include "dd.h"

typedef struct dd_headline {
    int thr, far, under;        /* point indices, -1 when absent */
    double thr_err, far_err, under_err, train_over, norm_peak_ratio;
    double rise[DD_MAX_LAMBDA];  /* per lambda; rise[0] is the min-norm curve's */
} dd_headline;

/* A rise of at most one point of error counts as no peak. */
#define DD_NO_PEAK_RISE 0.01

static double mean_at(const dd_results *res, const double *a, int p, int k)
{
    double m;
    dd_agg(res, a, p, k, &m, NULL, NULL);
    return m;
}

static void headline(const dd_config *c, const dd_results *res, dd_headline *h)
{
    double best_norm = -1, far_ratio = 0;
    h->thr = h->far = h->under = -1;
    h->under_err = h->train_over = h->norm_peak_ratio = NAN;
    for (int p = 0; p < res->npoints; p++) {
        const dd_point *pt = &res->pts[p];
        double e = mean_at(res, res->test_err, p, 0), ratio = dd_ratio(c, pt);
        double over = (double)pt->N / (double)pt->n;
        if (pt->N == pt->n) h->thr = p;
        if (pt->N >= pt->n && over > far_ratio) {
            far_ratio = over;
            h->far = p;
        }
        if (pt->N < pt->n && !isnan(e) && (h->under < 0 || e < h->under_err)) {
            h->under = p;
            h->under_err = e;
        }
        double tr = mean_at(res, res->train_err, p, 0);
        if (pt->N >= pt->n && !isnan(tr)) h->train_over = isnan(h->train_over) ? tr : fmax(h->train_over, tr);
        double nm = mean_at(res, res->norm, p, 0);
        if (!isnan(nm) && nm > best_norm) {
            best_norm = nm;
            h->norm_peak_ratio = ratio;
        }
    }
    h->thr_err = h->thr >= 0 ? mean_at(res, res->test_err, h->thr, 0) : NAN;
    h->far_err = h->far >= 0 ? mean_at(res, res->test_err, h->far, 0) : NAN;
    /* Points are in increasing order of the swept size (N or n). */
    for (int k = 0; k < res->nlambda; k++) {
        h->rise[k] = -INFINITY;
        for (int p = 0; p + 1 < res->npoints; p++)
            h->rise[k] = fmax(h->rise[k], mean_at(res, res->test_err, p + 1, k) -
                                              mean_at(res, res->test_err, p, k));
    }
}

static nz_status json_series(dd_text *t, const char *key, const dd_results *res, const double *a)
{
    nz_status s = dd_text_add(t, ", \"%s\": [", key);
    for (int k = 0; s == NZ_OK && k < res->nlambda; k++) {
        s = dd_text_add(t, "%s[", k ? ", " : "");
        for (int p = 0; s == NZ_OK && p < res->npoints; p++) {
            double m = mean_at(res, a, p, k);
            /* JSON has no NaN: a failed solve is null. */
            s = isnan(m) ? dd_text_add(t, "%snull", p ? ", " : "")
                         : dd_text_add(t, "%s%.9g", p ? ", " : "", m);
        }
        if (s == NZ_OK) s = dd_text_add(t, "]");
    }
    return s == NZ_OK ? dd_text_add(t, "]") : s;
}

static nz_status curves_json(const dd_config *c, nz_run *r, const dd_results *res)
{
    dd_text t = {0};
    nz_status s = dd_text_add(&t, "{\"ratio\": [");
    for (int p = 0; s == NZ_OK && p < res->npoints; p++)
        s = dd_text_add(&t, "%s%.9g", p ? ", " : "", dd_ratio(c, &res->pts[p]));
    if (s == NZ_OK) s = dd_text_add(&t, "], \"N\": [");
    for (int p = 0; s == NZ_OK && p < res->npoints; p++)
        s = dd_text_add(&t, "%s%lld", p ? ", " : "", (long long)res->pts[p].N);
    if (s == NZ_OK) s = dd_text_add(&t, "], \"n\": [");
    for (int p = 0; s == NZ_OK && p < res->npoints; p++)
        s = dd_text_add(&t, "%s%lld", p ? ", " : "", (long long)res->pts[p].n);
    if (s == NZ_OK) s = dd_text_add(&t, "], \"lambda\": [");
    for (int k = 0; s == NZ_OK && k < res->nlambda; k++)
        s = dd_text_add(&t, "%s%.9g", k ? ", " : "", c->lambda[k]);
    if (s == NZ_OK) s = dd_text_add(&t, "]");
    if (s == NZ_OK) s = json_series(&t, "test_err", res, res->test_err);
    if (s == NZ_OK) s = json_series(&t, "test_mse", res, res->test_mse);
    if (s == NZ_OK) s = json_series(&t, "train_err", res, res->train_err);
    if (s == NZ_OK) s = json_series(&t, "weight_norm", res, res->norm);
    if (s == NZ_OK) s = dd_text_add(&t, "}");
    if (s == NZ_OK) s = nz_run_summary_json(r, "curves", t.s);
    free(t.s);
    return s;
}

static const char *yes(int b) { return b ? "true" : "false"; }

nz_status dd_summary(const dd_config *c, nz_run *r, const dd_results *res)
{
    dd_headline h;
    headline(c, res, &h);
    double factor = h.thr_err / h.far_err;
    int peak3 = factor >= 3, peak06 = h.thr_err >= 0.6, far_best = h.far_err < h.under_err;
    int interp = h.train_over == 0, norm_thr = h.norm_peak_ratio == 1.0;
    double smallest_flat = NAN;
    for (int k = res->nlambda - 1; k >= 1; k--)
        if (h.rise[k] <= DD_NO_PEAK_RISE) smallest_flat = c->lambda[k];
    struct { const char *k; double v; } nums[] = {
        {"threshold_test_err", h.thr_err},
        {"far_test_err", h.far_err},
        {"far_ratio", h.far >= 0 ? dd_ratio(c, &res->pts[h.far]) : NAN},
        {"peak_factor", factor},
        {"best_underparam_test_err", h.under_err},
        {"best_underparam_ratio", h.under >= 0 ? dd_ratio(c, &res->pts[h.under]) : NAN},
        {"train_err_max_overparam", h.train_over},
        {"norm_peak_ratio", h.norm_peak_ratio},
        {"min_norm_max_rise", h.rise[0]},
        {"smallest_ridge_without_peak", smallest_flat},
        {"failed_solves", res->failed},
        {"noisy_labels", (double)res->noisy_labels},
    };
    nz_status s = NZ_OK;
    for (size_t i = 0; s == NZ_OK && i < sizeof nums / sizeof nums[0]; i++)
        if (!isnan(nums[i].v)) s = nz_run_summary_number(r, nums[i].k, nums[i].v);
    if (s == NZ_OK)
        s = nz_run_summary_string(r, "precision", c->dtype == NZ_F64
                                      ? "f64 Cholesky + iterative refinement"
                                      : "f32 Cholesky with jitter + iterative refinement (no fp64)");
    if (s == NZ_OK)
        s = nz_run_summary_string(r, "lambda_scaling", "lambda_eff = n * lambda: minimises "
                                  "(1/n) sum ||f(x_i) - y_i||^2 + lambda ||w||^2");
    dd_text t = {0};
    if (s == NZ_OK)
        s = dd_text_add(&t, "{\"peak_at_least_3x_far\": %s, \"peak_at_least_0.6\": %s, "
                        "\"far_below_best_underparam\": %s, \"train_err_zero_overparam\": %s, "
                        "\"norm_peaks_at_threshold\": %s, \"ridge_no_peak\": {",
                        yes(peak3), yes(peak06), yes(far_best), yes(interp), yes(norm_thr));
    for (int k = 1; s == NZ_OK && k < res->nlambda; k++)
        s = dd_text_add(&t, "%s\"%g\": %s", k > 1 ? ", " : "", c->lambda[k],
                        yes(h.rise[k] <= DD_NO_PEAK_RISE));
    if (s == NZ_OK) s = dd_text_add(&t, "}, \"ridge_max_rise\": {");
    for (int k = 1; s == NZ_OK && k < res->nlambda; k++)
        s = dd_text_add(&t, "%s\"%g\": %.6g", k > 1 ? ", " : "", c->lambda[k], h.rise[k]);
    if (s == NZ_OK) s = dd_text_add(&t, "}}");
    if (s == NZ_OK) s = nz_run_summary_json(r, "checks", t.s);
    free(t.s);
    if (s == NZ_OK) s = curves_json(c, r, res);
    nz_run_log(r, "threshold err %.4f, far err %.4f (x%.2f), best under-param %.4f, train err "
               "N>=n max %.4g, norm peak at ratio %g", h.thr_err, h.far_err, factor, h.under_err,
               h.train_over, h.norm_peak_ratio);
    for (int k = 1; k < res->nlambda; k++)
        nz_run_log(r, "lambda %g: largest rise of the test error %+.4f (%s)", c->lambda[k],
                   h.rise[k], h.rise[k] <= DD_NO_PEAK_RISE ? "no peak" : "peak");
    return s;
}
