/* metrics.csv (one row per lambda and sweep point, mean and spread over
 * seeds), curves.csv (the same, one gnuplot block per lambda) and the plots. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dd.h"

void dd_agg(const dd_results *res, const double *a, int point, int lam, double *mean, double *sd,
            int *ok)
{
    double s = 0, ss = 0;
    int k = 0;
    for (int i = 0; i < res->seeds; i++) {
        double v = a[dd_results_index(res, i, point, lam)];
        if (isnan(v)) continue;
        s += v;
        ss += v * v;
        k++;
    }
    *mean = k ? s / k : NAN;
    /* Sample standard deviation; 0 for a single seed. */
    if (sd) *sd = k > 1 ? sqrt(fmax(0.0, (ss - s * s / k) / (k - 1))) : (k ? 0.0 : NAN);
    if (ok) *ok = k;
}

double dd_ratio(const dd_config *c, const dd_point *p)
{
    return c->sweep == DD_SWEEP_MODEL ? (double)p->N / (double)p->n
                                      : (double)p->n / (double)p->N;
}

nz_status dd_text_add(dd_text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = t->cap - t->len;
        va_start(ap, fmt);
        int k = t->s ? vsnprintf(t->s + t->len, room, fmt, ap) : -1;
        va_end(ap);
        if (k >= 0 && (size_t)k < room) {
            t->len += (size_t)k;
            return NZ_OK;
        }
        size_t cap = t->cap ? t->cap * 2 : 4096;
        while (k >= 0 && cap < t->len + (size_t)k + 1) cap *= 2;
        char *ns = realloc(t->s, cap);
        if (!ns) return nz_error(NZ_ERR_NOMEM, "doubledescent: report text");
        t->s = ns;
        t->cap = cap;
    }
}

static nz_status write_metrics(const dd_config *c, nz_run *r, const dd_results *res)
{
    static const char *const cols[] = {
        "ratio", "N", "n", "lambda", "lambda_eff", "test_err", "test_err_std", "test_mse",
        "test_mse_std", "train_err", "train_mse", "weight_norm", "weight_norm_std",
        "residual", "seeds_ok"};
    nz_status s = nz_run_metrics_columns(r, 15, cols);
    for (int k = 0; s == NZ_OK && k < res->nlambda; k++)
        for (int p = 0; s == NZ_OK && p < res->npoints; p++) {
            double v[15];
            int ok = 0;
            v[0] = dd_ratio(c, &res->pts[p]);
            v[1] = (double)res->pts[p].N;
            v[2] = (double)res->pts[p].n;
            v[3] = c->lambda[k];
            dd_agg(res, res->lambda_eff, p, k, &v[4], NULL, NULL);
            dd_agg(res, res->test_err, p, k, &v[5], &v[6], &ok);
            dd_agg(res, res->test_mse, p, k, &v[7], &v[8], NULL);
            dd_agg(res, res->train_err, p, k, &v[9], NULL, NULL);
            dd_agg(res, res->train_mse, p, k, &v[10], NULL, NULL);
            dd_agg(res, res->norm, p, k, &v[11], &v[12], NULL);
            /* The worst residual over seeds: how far from exact any solve was. */
            v[13] = 0;
            for (int i = 0; i < res->seeds; i++)
                v[13] = fmax(v[13], res->residual[dd_results_index(res, i, p, k)]);
            v[14] = ok;
            s = nz_run_metrics_row(r, v);
        }
    return s;
}

/* gnuplot blocks, one per lambda: ratio, test err (+sd), train err, test
 * mse (+sd), norm (+sd). */
static nz_status write_curves(const dd_config *c, nz_run *r, const dd_results *res)
{
    dd_text t = {0};
    nz_status s = dd_text_add(&t, "# ratio,test_err,test_err_std,train_err,test_mse,"
                                  "test_mse_std,weight_norm,weight_norm_std\n");
    for (int k = 0; s == NZ_OK && k < res->nlambda; k++) {
        s = dd_text_add(&t, "%s# lambda=%g\n", k ? "\n\n" : "", c->lambda[k]);
        for (int p = 0; s == NZ_OK && p < res->npoints; p++) {
            double e, esd, tr, mse, msd, nm, nsd;
            dd_agg(res, res->test_err, p, k, &e, &esd, NULL);
            dd_agg(res, res->train_err, p, k, &tr, NULL, NULL);
            dd_agg(res, res->test_mse, p, k, &mse, &msd, NULL);
            dd_agg(res, res->norm, p, k, &nm, &nsd, NULL);
            s = dd_text_add(&t, "%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n",
                            dd_ratio(c, &res->pts[p]), e, esd, tr, mse, msd, nm, nsd);
        }
    }
    if (s == NZ_OK) s = nz_write_file_atomic(nz_run_dir(r), "curves.csv", t.s, t.len);
    free(t.s);
    return s;
}

/* One curve per lambda from curves.csv column `col` (error bars from col+1
 * when `bars`); the threshold ratio 1 is marked. */
static nz_status plot(const dd_config *c, nz_run *r, const char *name, const char *ylabel,
                      int logy, int col, int with_train)
{
    dd_text t = {0};
    int model = c->sweep == DD_SWEEP_MODEL;
    nz_status s = dd_text_add(
        &t,
        "set logscale x\n%s"
        "set xlabel '%s'\nset ylabel '%s'\nset key outside right\nset grid\n"
        "set arrow from 1, graph 0 to 1, graph 1 nohead dashtype 2 linecolor rgb 'gray40'\n"
        "set label 'N = n' at 1, graph 0.97 offset 0.5, 0\n"
        "set title 'random ReLU features, %s sweep (%s, %d seed%s)'\nplot ",
        logy ? "set logscale y\n" : "set yrange [0:*]\n",
        model ? "N / n  (features per training example)" : "n / N  (training examples per feature)",
        ylabel, model ? "model-wise" : "sample-wise", c->mixture ? "Gaussian mixture" : "Fashion-MNIST",
        c->seeds, c->seeds > 1 ? "s" : "");
    for (int k = 0; s == NZ_OK && k < c->nlambda; k++) {
        char title[64];
        if (k == 0) snprintf(title, sizeof title, "lambda = 0 (min-norm)");
        else snprintf(title, sizeof title, "lambda = %g", c->lambda[k]);
        s = dd_text_add(&t, "%s'curves.csv' index %d using 1:%d:%d with yerrorlines linecolor %d "
                            "title '%s'", k ? ", \\\n     " : "", k, col, col + 1, k + 1, title);
        if (s == NZ_OK && with_train)
            s = dd_text_add(&t, ", \\\n     'curves.csv' index %d using 1:4 with lines dashtype 3 "
                                "linecolor %d title 'train, %s'", k, k + 1, title);
    }
    if (s == NZ_OK) s = dd_text_add(&t, "\n");
    if (s == NZ_OK) s = nz_run_plot(r, name, t.s);
    free(t.s);
    return s;
}

nz_status dd_report(const dd_config *c, nz_run *r, const dd_results *res)
{
    nz_status s = write_metrics(c, r, res);
    if (s == NZ_OK) s = write_curves(c, r, res);
    if (s == NZ_OK) s = dd_summary(c, r, res);
    /* Plots last: a missing gnuplot only logs, a failed render is not a
     * failed experiment once the numbers are written. */
    if (s == NZ_OK) {
        if (plot(c, r, "error", "test 0-1 error (train: dotted)", 0, 2, 1) != NZ_OK ||
            plot(c, r, "mse", "test mean squared error", 1, 5, 0) != NZ_OK ||
            plot(c, r, "norm", "||w|| (Frobenius)", 1, 7, 0) != NZ_OK)
            nz_run_log(r, "plot failed: %s", nz_last_error());
    }
    return s;
}
