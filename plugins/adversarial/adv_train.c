/* Training: standard, PGD-k adversarial (min-max) and FGSM with random start. */
#include <math.h>
#include <stdio.h>

#include "adv.h"

const char *adv_mode_name(adv_mode mode)
{
    static const char *const names[ADV_MODES] = { "standard", "pgd", "fgsm_rs" };
    return mode < ADV_MODES ? names[mode] : "?";
}

/* The inner maximisation of each training mode. */
static adv_attack train_attack(adv_mode mode, const adv_train_cfg *cfg)
{
    adv_attack a = { 0 };
    a.eps = cfg->eps;
    a.restarts = 1;
    a.random_start = 1;
    a.seed = cfg->seed;
    a.stream = 0x7a11u + (uint64_t)mode; /* training noise: one stream per mode */
    if (mode == ADV_PGD) {
        a.steps = cfg->pgd_steps;
        a.step_size = cfg->pgd_step_size;
    } else {
        /* Wong, Rice & Kolter (2020): one step of 1.25 eps from a random start. */
        a.steps = 1;
        a.step_size = 1.25 * cfg->eps;
    }
    return a;
}

nz_status adv_train(nz_run *r, adv_model *m, adv_mode mode, const nz_dataset *train,
                    const adv_train_cfg *cfg, double *mean_loss)
{
    nz_device *dev = nz_run_device(r);
    nz_batcher *b = nz_batcher_create(train, dev, NZ_F32, cfg->batch, cfg->seed, 1);
    nz_optimizer *opt = nz_adam_create(nz_mlp_params(m->mlp), nz_mlp_param_count(m->mlp), cfg->lr,
                                       0.9, 0.999, 1e-8, 0.0, 0);
    nz_graph *g = nz_graph_create(dev, NZ_F32);
    adv_work w;
    nz_status s = adv_work_init(&w, dev, cfg->batch, train->d);
    int have_work = s == NZ_OK;
    if (s == NZ_OK && (!b || !opt || !g))
        s = nz_error_prefix(NZ_ERR_NOMEM, "adversarial: training setup");
    adv_attack a = train_attack(mode, cfg);
    int64_t per_epoch = b ? nz_batcher_batches_per_epoch(b) : 0, total = per_epoch * cfg->epochs;
    double loss_sum = 0.0;
    int64_t loss_n = 0;
    char what[64];
    snprintf(what, sizeof what, "training %s", adv_mode_name(mode));
    for (int64_t step = 0; s == NZ_OK && step < total; step++) {
        if (nz_run_interrupted(r)) {
            s = nz_error(NZ_ERR_INTERRUPTED, "adversarial: interrupted while %s (step %lld of %lld)",
                         what, (long long)step, (long long)total);
            break;
        }
        nz_tensor *xb, *yb;
        if ((s = nz_batcher_next(b, &xb, &yb)) != NZ_OK) break;
        nz_tensor *xin = xb;
        if (mode != ADV_STANDARD) {
            if ((s = adv_attack_run(&w, m, &a, xb, yb, NULL, w.adv, NULL, NULL)) != NZ_OK) break;
            xin = w.adv;
        }
        nz_graph_reset(g);
        nz_var *loss = nz_softmax_xent(g, nz_mlp_forward(g, m->mlp, nz_graph_input(g, xin, 0)), yb);
        if ((s = nz_graph_backward(g, loss)) != NZ_OK) break;
        /* Sample the loss now and then: each read waits for the device. */
        if (step % 16 == 0 || (step + 1) % per_epoch == 0) {
            float l;
            if ((s = nz_tensor_download(nz_var_value(loss), &l, sizeof l)) != NZ_OK) break;
            if (!isfinite(l)) {
                s = nz_error(NZ_ERR_NUMERIC, "adversarial: %s loss is %g at step %lld; lower lr",
                             what, (double)l, (long long)step);
                break;
            }
            loss_sum += l;
            loss_n++;
        }
        if ((s = nz_optimizer_step(opt)) != NZ_OK) break;
        if ((step + 1) % per_epoch == 0) {
            double mean = loss_n ? loss_sum / (double)loss_n : NAN;
            nz_run_log(r, "%s: epoch %lld/%lld loss %.4f", what, (long long)((step + 1) / per_epoch),
                       (long long)cfg->epochs, mean);
            if (mean_loss) *mean_loss = mean;
            loss_sum = 0.0;
            loss_n = 0;
        }
        nz_run_progress(r, what, step + 1, total);
    }
    if (have_work) adv_work_release(&w);
    nz_graph_free(g);
    nz_optimizer_free(opt);
    nz_batcher_free(b);
    return s;
}
