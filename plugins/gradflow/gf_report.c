/* What a run leaves behind: the table (run.log and table.txt), the
 * per-layer profiles and their plot, metrics.csv and summary.json. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gf.h"
#include "gf_text.h"

/* log10 of the ratio of layer l's norm to the readout's. */
static double ratio10(const double *ln, int l, int nl)
{
    double top = ln[nl - 1], v = ln[l];
    if (isinf(v) && v < 0 && isfinite(top)) return -INFINITY;
    return gf_log10(v - top);
}

/* Predicted log10 ratio at layer l: the sum of log10 sqrt(chi) from the top. */
static double predicted10(const gf_profile *p, int l)
{
    double s = 0;
    for (int k = l; k < p->nl - 1; k++) s += 0.5 * log10(p->chi[k]);
    return s;
}

static double mean_sat(const gf_profile *p)
{
    double s = 0;
    for (int l = 0; l < p->nl - 1; l++) s += p->sat_frac[l];
    return p->nl > 1 ? s / (p->nl - 1) : NAN;
}

static double rel_err(const gf_profile *p)
{
    return exp(p->ln_factor_meas - p->ln_factor_pred) - 1.0;
}

static void table_row(gf_text *t, const gf_result *r)
{
    const gf_profile *p = &r->snap[0];
    char label[64];
    gf_config_label(&r->cfg, label, sizeof label);
    gf_text_printf(t, "%-22s %8.4f %8.4f %+7.1f%% %9.2f %9.2f %6.3f %8.2f %8.2f %8.2f %6.3f\n",
                   label, exp(p->ln_factor_meas), exp(p->ln_factor_pred), 100 * rel_err(p),
                   ratio10(p->ln_dz, 0, p->nl), ratio10(p->ln_dw, 0, p->nl), mean_sat(p),
                   gf_log10(r->jac.ln_smax), gf_log10(r->jac.ln_smin_nz),
                   gf_log10(r->jac.ln_mean_s2), r->accuracy);
}

static const char *table_head =
    "config                   factor   sqrtchi   error  lg dz1/L  lg dW1/L    sat  lg smax  lg smin lg <s2>    acc\n";

static nz_status write_table(nz_run *r, const gf_result *res, int nres)
{
    gf_text t = {0};
    gf_text_printf(&t, "%s", table_head);
    for (int i = 0; i < nres; i++) table_row(&t, &res[i]);
    nz_status st = gf_text_status(&t);
    if (st == NZ_OK) st = nz_write_file_atomic(nz_run_dir(r), "table.txt", t.s, t.len);
    /* The log takes one line per call. */
    for (char *line = t.s; st == NZ_OK && line && *line;) {
        char *end = strchr(line, '\n');
        nz_run_log(r, "%.*s", (int)(end ? end - line : (long)strlen(line)), line);
        line = end ? end + 1 : NULL;
    }
    gf_text_free(&t);
    return st;
}

/* gnuplot skips NaN; it would choke on -inf.  (The run's plot preamble
 * sets a comma separator, so profile.dat is comma-separated too.) */
static double plottable(double v)
{
    return isfinite(v) ? v : NAN;
}

static nz_status write_profiles(nz_run *r, const gf_result *res, int nres)
{
    gf_text t = {0}, names = {0}, gp = {0};
    for (int i = 0; i < nres; i++) {
        const gf_profile *p = &res[i].snap[0];
        char label[64];
        gf_config_label(&res[i].cfg, label, sizeof label);
        gf_text_printf(&names, "%s%s", i ? " " : "", label);
        gf_text_printf(&t, "# %s: layer log10(|dL/dz_l|/|dL/dz_last|) log10(|dL/dW_l|/|dL/dW_last|) "
                           "predicted\n", label);
        for (int l = 0; l < p->nl; l++)
            gf_text_printf(&t, "%d,%.6g,%.6g,%.6g\n", l + 1, plottable(ratio10(p->ln_dz, l, p->nl)),
                           plottable(ratio10(p->ln_dw, l, p->nl)), plottable(predicted10(p, l)));
        gf_text_printf(&t, "\n\n");
    }
    gf_text_printf(&gp,
                   "set title 'gradient norm by layer at initialisation (lines: measured, dashes: mean field)'\n"
                   "set xlabel 'layer (1 = input side)'\n"
                   "set ylabel 'log10 |dL/dz_l| / |dL/dz_{last}|'\n"
                   "set grid\nset key outside right font ',8'\n"
                   "names = '%s'\n"
                   "plot for [i=0:%d] 'profile.dat' index i using 1:2 with linespoints lc i+1 pt 7 ps 0.5 "
                   "title word(names, i+1), \\\n"
                   "     for [i=0:%d] 'profile.dat' index i using 1:4 with lines lc i+1 dt 2 notitle\n",
                   names.s ? names.s : "", nres - 1, nres - 1);
    nz_status st = gf_text_status(&t);
    if (st == NZ_OK) st = gf_text_status(&names);
    if (st == NZ_OK) st = gf_text_status(&gp);
    if (st == NZ_OK) st = nz_write_file_atomic(nz_run_dir(r), "profile.dat", t.s, t.len);
    if (st == NZ_OK) st = nz_run_plot(r, "gradflow", gp.s);
    gf_text_free(&t);
    gf_text_free(&names);
    gf_text_free(&gp);
    return st;
}

static void json_array(gf_text *t, const char *key, const double *v, int n, int log10_of)
{
    gf_text_printf(t, "\"%s\": [", key);
    for (int i = 0; i < n; i++) {
        gf_text_printf(t, i ? ", " : "");
        gf_text_json_num(t, log10_of ? gf_log10(v[i]) : v[i]);
    }
    gf_text_printf(t, "]");
}

static void json_num(gf_text *t, const char *key, double v)
{
    gf_text_printf(t, "\"%s\": ", key);
    gf_text_json_num(t, v);
}

static void json_config(gf_text *t, const gf_result *r)
{
    const gf_profile *p = &r->snap[0];
    double dz[GF_MAX_LAYERS], dw[GF_MAX_LAYERS], sq[GF_MAX_LAYERS];
    for (int l = 0; l < p->nl; l++) {
        dz[l] = ratio10(p->ln_dz, l, p->nl);
        dw[l] = ratio10(p->ln_dw, l, p->nl);
    }
    for (int l = 0; l < p->nl - 1; l++) sq[l] = sqrt(p->chi[l]);
    char label[64];
    gf_config_label(&r->cfg, label, sizeof label);
    gf_text_printf(t, "{\"label\": \"%s\", \"activation\": \"%s\", \"init\": \"%s\", "
                      "\"depth\": %d, \"width\": %lld, \"sigma_w\": %.6g, ",
                   label, nz_activation_name(r->cfg.act), gf_init_label(r->cfg.init),
                   r->cfg.depth, (long long)r->cfg.width, r->cfg.sigma_w);
    json_num(t, "factor_measured", exp(p->ln_factor_meas));
    gf_text_printf(t, ", ");
    json_num(t, "factor_predicted", exp(p->ln_factor_pred));
    gf_text_printf(t, ", ");
    json_num(t, "factor_rel_error", rel_err(p));
    gf_text_printf(t, ", ");
    json_num(t, "log10_ratio_dz_layer1", dz[0]);
    gf_text_printf(t, ", ");
    json_num(t, "log10_ratio_dw_layer1", dw[0]);
    gf_text_printf(t, ", ");
    json_num(t, "saturated_fraction", mean_sat(p));
    gf_text_printf(t, ", ");
    json_array(t, "log10_ratio_dz", dz, p->nl, 0);
    gf_text_printf(t, ", ");
    json_array(t, "log10_ratio_dw", dw, p->nl, 0);
    gf_text_printf(t, ", ");
    json_array(t, "sqrt_chi", sq, p->nl - 1, 0);
    gf_text_printf(t, ", ");
    json_array(t, "saturated", p->sat_frac, p->nl - 1, 0);
    gf_text_printf(t, ", \"jacobian\": {\"rank\": %d, ", r->jac.rank);
    json_array(t, "log10_singular_values", r->jac.ln_s, r->jac.k, 1);
    gf_text_printf(t, ", ");
    json_num(t, "log10_s_max", gf_log10(r->jac.ln_smax));
    gf_text_printf(t, ", ");
    json_num(t, "log10_s_min_nonzero", gf_log10(r->jac.ln_smin_nz));
    gf_text_printf(t, ", ");
    json_num(t, "log10_mean_s2", gf_log10(r->jac.ln_mean_s2));
    gf_text_printf(t, "}, ");
    json_num(t, "accuracy", r->accuracy);
    gf_text_printf(t, ", ");
    json_num(t, "seconds", r->seconds);
    gf_text_printf(t, ", \"training\": [");
    for (int s = 0; s < r->nsnap; s++) {
        const gf_profile *q = &r->snap[s];
        gf_text_printf(t, "%s{\"step\": %lld, ", s ? ", " : "", (long long)r->snap_step[s]);
        json_num(t, "loss", q->loss);
        gf_text_printf(t, ", ");
        json_num(t, "factor_measured", exp(q->ln_factor_meas));
        gf_text_printf(t, ", ");
        json_num(t, "factor_predicted", exp(q->ln_factor_pred));
        gf_text_printf(t, ", ");
        json_num(t, "log10_ratio_dz_layer1", ratio10(q->ln_dz, 0, q->nl));
        gf_text_printf(t, ", ");
        json_num(t, "saturated_fraction", mean_sat(q));
        gf_text_printf(t, "}");
    }
    gf_text_printf(t, "]}");
}

static nz_status write_summary(nz_run *r, const char *mode, const gf_result *res, int nres)
{
    gf_text t = {0};
    gf_text_printf(&t, "[");
    for (int i = 0; i < nres; i++) {
        gf_text_printf(&t, i ? ",\n" : "");
        json_config(&t, &res[i]);
    }
    gf_text_printf(&t, "]");
    nz_status st = gf_text_status(&t);
    if (st == NZ_OK) st = nz_run_summary_json(r, "configs", t.s);
    if (st == NZ_OK) st = nz_run_summary_string(r, "mode", mode);
    if (st == NZ_OK) st = nz_run_summary_number(r, "config_count", nres);
    /* The headline: how far measurement strays from theory at initialisation. */
    double worst = 0;
    for (int i = 0; i < nres && st == NZ_OK; i++) {
        double e = fabs(rel_err(&res[i].snap[0]));
        if (!(e <= worst)) worst = e; /* NaN wins: it must be seen */
    }
    if (st == NZ_OK) st = nz_run_summary_number(r, "max_abs_factor_rel_error", worst);
    if (st == NZ_OK) st = nz_run_summary_write(r);
    gf_text_free(&t);
    return st;
}

nz_status gf_report_rows(nz_run *r, int index, const gf_result *res)
{
    for (int s = 0; s < res->nsnap; s++) {
        const gf_profile *p = &res->snap[s];
        const double row[10] = {
            (double)index, (double)res->snap_step[s], (double)res->cfg.depth,
            exp(p->ln_factor_meas), exp(p->ln_factor_pred), ratio10(p->ln_dz, 0, p->nl),
            ratio10(p->ln_dw, 0, p->nl), mean_sat(p), p->loss,
            s == res->nsnap - 1 ? res->accuracy : NAN};
        nz_status st = nz_run_metrics_row(r, row);
        if (st != NZ_OK) return st;
    }
    return NZ_OK;
}

nz_status gf_report_columns(nz_run *r)
{
    static const char *const cols[] = {
        "config", "step", "depth", "factor_measured", "factor_predicted",
        "log10_ratio_dz_layer1", "log10_ratio_dw_layer1", "saturated_fraction", "loss",
        "accuracy"};
    return nz_run_metrics_columns(r, 10, cols);
}

nz_status gf_report(nz_run *r, const char *mode, const gf_result *res, int nres)
{
    nz_status st = write_table(r, res, nres);
    if (st == NZ_OK) st = write_summary(r, mode, res, nres);
    if (st == NZ_OK) st = write_profiles(r, res, nres);
    return st;
}
