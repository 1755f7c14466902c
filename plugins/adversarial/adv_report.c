/* metrics.csv, summary.json and the accuracy-vs-eps plot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adv_run.h"

nz_status adv_report_columns(nz_run *r, const adv_results *res)
{
    static char names[1 + 2 * ADV_MODES][32];
    const char *cols[1 + 2 * ADV_MODES];
    int n = 0;
    cols[n++] = "eps";
    for (int i = 0; i < res->nmodels; i++) {
        for (int pgd = 0; pgd < 2; pgd++) {
            snprintf(names[n], sizeof names[n], "%s_%s_acc", adv_mode_name(res->model_mode[i]),
                     pgd ? "pgd" : "fgsm");
            cols[n] = names[n];
            n++;
        }
    }
    return nz_run_metrics_columns(r, n, cols);
}

nz_status adv_report_row(nz_run *r, const adv_cfg *c, const adv_results *res, int k)
{
    double row[1 + 2 * ADV_MODES];
    int n = 0;
    row[n++] = c->eps_list[k];
    for (int i = 0; i < res->nmodels; i++) {
        row[n++] = res->fgsm[i][k];
        row[n++] = res->pgd[i][k];
    }
    return nz_run_metrics_row(r, row);
}

/* A JSON array of the per-eps values. */
static void put_array(FILE *f, const double *v, int n)
{
    fputc('[', f);
    for (int k = 0; k < n; k++) fprintf(f, "%s%.6g", k ? ", " : "", v[k]);
    fputc(']', f);
}

static int slot_of(const adv_results *res, adv_mode mode)
{
    for (int i = 0; i < res->nmodels; i++)
        if (res->model_mode[i] == mode) return i;
    return -1;
}

/* PGD is never weaker than FGSM; and whether the attacks at each eps alone
 * already give accuracies that never rise with eps (the reported curves do
 * by construction; a rise in the raw ones shows where an attack missed). */
static void shape_checks(const adv_cfg *c, const adv_results *res, int *monotone_raw, int *pgd_le_fgsm)
{
    *monotone_raw = *pgd_le_fgsm = 1;
    for (int i = 0; i < res->nmodels; i++)
        for (int k = 0; k < c->n_eps; k++) {
            if (res->pgd[i][k] > res->fgsm[i][k]) *pgd_le_fgsm = 0;
            if (k && (res->pgd_raw[i][k] > res->pgd_raw[i][k - 1] ||
                      res->fgsm_raw[i][k] > res->fgsm_raw[i][k - 1]))
                *monotone_raw = 0;
        }
}

static nz_status write_plot(nz_run *r, const adv_cfg *c, const adv_results *res)
{
    char script[2048];
    int len = snprintf(script, sizeof script,
                       "set title 'Fashion-MNIST MLP: accuracy under L-inf attacks (PGD-%d x %d restarts)'\n"
                       "set xlabel 'epsilon (L-inf, [0,1] pixel units)'\n"
                       "set ylabel 'test accuracy'\n"
                       "set yrange [0:1]\nset grid\nset key top right\nset termoption noenhanced\n"
                       "set arrow from %g, graph 0 to %g, graph 1 nohead dashtype 3\n"
                       "plot ",
                       c->eval_steps, c->eval_restarts, c->eps, c->eps);
    for (int i = 0; i < res->nmodels; i++) {
        const char *name = adv_mode_name(res->model_mode[i]);
        len += snprintf(script + len, sizeof script - (size_t)len,
                        "%s'metrics.csv' every ::1 using 1:%d with linespoints lc %d dt 1 pt 7 "
                        "title '%s-trained, PGD', "
                        "'metrics.csv' every ::1 using 1:%d with linespoints lc %d dt 2 pt 6 "
                        "title '%s-trained, FGSM'",
                        i ? ", " : "", 3 + 2 * i, i + 1, name, 2 + 2 * i, i + 1, name);
    }
    return nz_run_plot(r, "accuracy_vs_eps", script);
}

nz_status adv_report_summary(nz_run *r, const adv_cfg *c, const adv_results *res)
{
    int e = c->eps_index, std = slot_of(res, ADV_STANDARD), adv = slot_of(res, ADV_PGD);
    /* The "near 0 at eps = 0.3" point: 0.3 itself when swept, else eps_max. */
    int e3 = c->n_eps - 1;
    for (int k = 0; k < c->n_eps; k++)
        if (fabs(c->eps_list[k] - 0.3) < 1e-9) e3 = k;
    int monotone, pgd_le_fgsm;
    shape_checks(c, res, &monotone, &pgd_le_fgsm);

    nz_status s = NZ_OK;
    for (int i = 0; s == NZ_OK && i < res->nmodels; i++) {
        char key[64];
        const char *name = adv_mode_name(res->model_mode[i]);
        snprintf(key, sizeof key, "%s_clean_acc", name);
        s = nz_run_summary_number(r, key, res->clean[i]);
        snprintf(key, sizeof key, "%s_fgsm_acc_at_eps", name);
        if (s == NZ_OK) s = nz_run_summary_number(r, key, res->fgsm[i][e]);
        snprintf(key, sizeof key, "%s_pgd_acc_at_eps", name);
        if (s == NZ_OK) s = nz_run_summary_number(r, key, res->pgd[i][e]);
    }
    double cost = res->clean[std] - res->clean[adv], gain = res->pgd[adv][e] - res->pgd[std][e];
    if (s == NZ_OK) s = nz_run_summary_number(r, "eps", c->eps);
    if (s == NZ_OK) s = nz_run_summary_number(r, "clean_cost_points", 100.0 * cost);
    if (s == NZ_OK) s = nz_run_summary_number(r, "robust_gain_points", 100.0 * gain);
    if (s == NZ_OK) s = nz_run_summary_number(r, "standard_pgd_acc_at_eps_max", res->pgd[std][e3]);
    if (s != NZ_OK) return s;

    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) return nz_error(NZ_ERR_NOMEM, "adversarial: summary");
    fprintf(f, "{\"eps\": ");
    put_array(f, c->eps_list, c->n_eps);
    for (int i = 0; i < res->nmodels; i++) {
        fprintf(f, ", \"%s\": {\"clean\": %.6g, \"train_loss\": %.6g, \"train_seconds\": %.3f, \"fgsm\": ",
                adv_mode_name(res->model_mode[i]), res->clean[i], res->train_loss[i],
                res->train_seconds[i]);
        put_array(f, res->fgsm[i], c->n_eps);
        fprintf(f, ", \"pgd\": ");
        put_array(f, res->pgd[i], c->n_eps);
        fprintf(f, ", \"fgsm_this_eps_only\": ");
        put_array(f, res->fgsm_raw[i], c->n_eps);
        fprintf(f, ", \"pgd_this_eps_only\": ");
        put_array(f, res->pgd_raw[i], c->n_eps);
        fputc('}', f);
    }
    fputc('}', f);
    fclose(f);
    s = nz_run_summary_json(r, "tradeoff", text);
    free(text);
    if (s != NZ_OK) return s;

    /* The acceptance criteria, each with the value it judges. */
    char checks[1024];
    snprintf(checks, sizeof checks,
             "{\"standard_pgd_at_eps_le_0.15\": %s, \"pgd_trained_pgd_at_eps_ge_0.55\": %s, "
             "\"robust_gain_ge_45_points\": %s, \"clean_cost_4_to_12_points\": %s, "
             "\"pgd_le_fgsm_everywhere\": %s, \"raw_non_increasing_in_eps\": %s, "
             "\"standard_near_0_at_eps_%.3g\": %s}",
             res->pgd[std][e] <= 0.15 ? "true" : "false", res->pgd[adv][e] >= 0.55 ? "true" : "false",
             gain >= 0.45 ? "true" : "false", cost >= 0.04 && cost <= 0.12 ? "true" : "false",
             pgd_le_fgsm ? "true" : "false", monotone ? "true" : "false", c->eps_list[e3],
             res->pgd[std][e3] <= 0.02 ? "true" : "false");
    s = nz_run_summary_json(r, "checks", checks);
    nz_run_log(r, "at eps %g: standard clean %.4f PGD %.4f | PGD-trained clean %.4f PGD %.4f | "
               "clean cost %.1f points, robust gain %.1f points; PGD <= FGSM everywhere: %s; "
               "single-eps attacks non-increasing in eps: %s", c->eps, res->clean[std], res->pgd[std][e],
               res->clean[adv], res->pgd[adv][e], 100 * cost, 100 * gain, pgd_le_fgsm ? "yes" : "no",
               monotone ? "yes" : "no");
    if (s == NZ_OK) s = nz_run_summary_write(r);
    if (s == NZ_OK) s = write_plot(r, c, res);
    return s;
}
