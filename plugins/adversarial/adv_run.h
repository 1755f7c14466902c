/* The experiment's resolved configuration and results, shared by the run
 * (adv_plugin.c) and its reports (adv_report.c). */
#ifndef NAZO_ADV_RUN_H
#define NAZO_ADV_RUN_H

#include <time.h>

#include "adv.h"

#define ADV_MAX_EPS 42 /* eps_points (<= 41) plus the headline eps */

typedef struct adv_cfg {
    int full;
    int64_t train_n, test_n, epochs, batch, width, depth;
    nz_activation act;
    double lr, eps;
    int train_steps;
    double train_step_size;
    int eval_steps, eval_restarts;
    double eval_step_size;     /* 0: 2.5 eps / eval_steps at each eps */
    int n_eps;
    double eps_list[ADV_MAX_EPS]; /* ascending, starts at 0, holds eps */
    int eps_index;             /* where eps is in eps_list */
    int fgsm_rs, grid_n;
} adv_cfg;

typedef struct adv_results {
    int nmodels;
    adv_mode model_mode[ADV_MODES];
    double clean[ADV_MODES];
    /* Accuracy under the attack at each eps or any smaller one (reported),
     * and under the attack at that eps alone (raw). */
    double fgsm[ADV_MODES][ADV_MAX_EPS], pgd[ADV_MODES][ADV_MAX_EPS];
    double fgsm_raw[ADV_MODES][ADV_MAX_EPS], pgd_raw[ADV_MODES][ADV_MAX_EPS];
    double train_loss[ADV_MODES];
    double train_seconds[ADV_MODES];
} adv_results;

/* The evaluation attacks at eps_list[k] for model slot i: FGSM (one step of
 * eps, no random start) and PGD (eval steps, random start, restarts).  Each
 * (model, eps, attack) gets its own random stream. */
adv_attack adv_eval_attack(const adv_cfg *c, uint64_t seed, int model, int k, int pgd);

/* metrics.csv columns and one row per eps (adv_report.c). */
nz_status adv_report_columns(nz_run *r, const adv_results *res);
nz_status adv_report_row(nz_run *r, const adv_cfg *c, const adv_results *res, int k);
/* summary.json (trade-off, checks) and the accuracy-vs-eps plot. */
nz_status adv_report_summary(nz_run *r, const adv_cfg *c, const adv_results *res);
/* The PNG grid of clean images, adversarial images and perturbations for
 * the standard and PGD-trained models, with the predictions logged and in
 * summary.json. */
nz_status adv_report_grid(nz_run *r, const adv_cfg *c, adv_model *const *models, adv_work *w,
                          nz_tensor *x, nz_tensor *y, const int32_t *y_host);

/* Monotonic seconds, for the timings in the log and summary. */
static inline double adv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
