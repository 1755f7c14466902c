/* The kip experiment: parameters, the run over support-set sizes, the
 * full-data baseline, summary and plots. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kip.h"

static const char *const modes[] = { "quick", "full", NULL };
static const char *const kernels[] = { "ntk", "nngp", "rbf", NULL };

static const nz_param_decl kip_params[] = {
    { "mode", NZ_PARAM_CHOICE, "quick", 0, 0, modes,
      "quick: ipc 1,10, 100 steps, 2000-image baseline; full: ipc 1,10,50, 300 steps, 10000" },
    { "ipc", NZ_PARAM_INT, "0", 0, 500, NULL, "images per class of one run (0: the mode's list)" },
    { "steps", NZ_PARAM_INT, "0", 0, 100000, NULL, "KIP steps per support size (0: the mode's)" },
    { "kernel", NZ_PARAM_CHOICE, "ntk", 0, 0, kernels, "kernel KIP learns with" },
    { "depth", NZ_PARAM_INT, "1", 1, 8, NULL, "hidden ReLU layers of the NTK / NNGP" },
    { "w_var", NZ_PARAM_FLOAT, "2", 0.01, 100, NULL, "weight variance sigma_w^2" },
    { "b_var", NZ_PARAM_FLOAT, "0.01", 0, 100, NULL, "bias variance sigma_b^2" },
    { "rbf_gamma", NZ_PARAM_FLOAT, "1", 1e-4, 100, NULL, "RBF: exp(-gamma |a-b|^2 / 784)" },
    { "reg", NZ_PARAM_FLOAT, "1e-6", 1e-9, 1, NULL,
      "ridge as a fraction of the mean kernel diagonal (x10 while Cholesky fails)" },
    { "lr", NZ_PARAM_FLOAT, "0.01", 1e-5, 1, NULL, "Adam learning rate (images and labels)" },
    { "target_per_class", NZ_PARAM_INT, "100", 1, 1000, NULL,
      "target batch per step, per class (fresh each step)" },
    { "learn_labels", NZ_PARAM_BOOL, "true", 0, 0, NULL, "learn the support labels too" },
    { "eval_every", NZ_PARAM_INT, "0", 0, 100000, NULL,
      "test accuracy every N steps (0: the mode's, 25 quick, 50 full)" },
    { "full_per_class", NZ_PARAM_INT, "0", 0, 2000, NULL,
      "training images per class of the full-data baseline (0: 200 quick, 1000 full)" },
    { NULL, 0, NULL, 0, 0, NULL, NULL },
};

static const char *const metric_cols[] = { "ipc", "step", "loss", "test_acc", "reg", "step_ms" };

static void summarise(nz_run *r, const kip_config *cfg, const kip_result *res)
{
    char key[96];
    const char *p = "ipc";
    long long ipc = (long long)cfg->ipc;
#define PUT(name, v) do { snprintf(key, sizeof key, "%s%lld_%s", p, ipc, name); \
                          nz_run_summary_number(r, key, v); } while (0)
    PUT("kip_acc", res->acc_kip);
    PUT("random_acc", res->acc_random);
    PUT("gain_points", 100 * (res->acc_kip - res->acc_random));
    PUT("loss_first", res->loss_first);
    PUT("loss_last", res->loss_last);
    PUT("step_ms", res->step_ms);
    PUT("reg_max", res->reg_max);
    for (int k = 0; k < KIP_KIND_COUNT; k++) {
        char n[48];
        snprintf(n, sizeof n, "transfer_%s_kip", kip_kind_name((kip_kind)k));
        PUT(n, res->transfer_kip[k]);
        snprintf(n, sizeof n, "transfer_%s_random", kip_kind_name((kip_kind)k));
        PUT(n, res->transfer_random[k]);
    }
#undef PUT
}

/* KRR on as many class-balanced training images as fit: two n x n matrices
 * (the kernel and its factor) within half the device memory. */
static nz_status full_baseline(nz_run *r, const kip_data *d, const kip_config *cfg,
                               int64_t per_class)
{
    const nz_device_info *info = nz_device_get_info(nz_run_device(r));
    while (per_class > 10) {
        double n = (double)(KIP_CLASSES * per_class), bytes = n * n * sizeof(float);
        if (2 * bytes <= 0.5 * (double)info->global_mem && bytes <= (double)info->max_alloc) break;
        per_class /= 2;
    }
    const int64_t n = KIP_CLASSES * per_class;
    nz_device *dev = nz_run_device(r);
    nz_tensor *x = nz_tensor_create_2d(dev, NZ_F32, n, KIP_D);
    nz_tensor *y = nz_tensor_create_2d(dev, NZ_F32, n, KIP_CLASSES);
    nz_tensor *idx = nz_tensor_create_1d(dev, NZ_I32, n), *lab = nz_tensor_create_1d(dev, NZ_I32, n);
    int32_t *hidx = malloc((size_t)n * sizeof *hidx), *hlab = malloc((size_t)n * sizeof *hlab);
    nz_status st = x && y && idx && lab && hidx && hlab
                       ? NZ_OK : nz_error(NZ_ERR_NOMEM, "kip: out of memory for the baseline");
    double acc = 0, used = cfg->reg;
    /* its own stream: not the support draws (0) nor the target batches (1..steps) */
    if (st == NZ_OK) st = kip_data_balanced(d, per_class, cfg->seed, 1ull << 40, hidx, hlab);
    if (st == NZ_OK) st = nz_tensor_upload(idx, hidx, (size_t)n * sizeof *hidx);
    if (st == NZ_OK) st = nz_tensor_upload(lab, hlab, (size_t)n * sizeof *hlab);
    if (st == NZ_OK) st = nz_gather_rows(x, d->xtrain, idx);
    if (st == NZ_OK) st = nz_onehot(y, lab, 1 - 1.0 / KIP_CLASSES, -1.0 / KIP_CLASSES);
    if (st == NZ_OK)
        st = kip_krr_accuracy(&cfg->kernel, x, y, d->xtest, d->ytest, cfg->reg, &acc, &used);
    if (st == NZ_OK) {
        nz_run_log(r, "kip: full-data baseline: KRR on %lld training images (%s kernel): %.2f%% "
                   "(reg %g)", (long long)n, kip_kind_name(cfg->kernel.kind), 100 * acc, used);
        nz_run_summary_number(r, "full_n", (double)n);
        nz_run_summary_number(r, "full_acc", acc);
        nz_run_summary_number(r, "full_reg", used);
    }
    nz_tensor_free(x);
    nz_tensor_free(y);
    nz_tensor_free(idx);
    nz_tensor_free(lab);
    free(hidx);
    free(hlab);
    return st;
}

static nz_status plots(nz_run *r, const int64_t *ipcs, int n)
{
    char loss[2048], acc[2048];
    int lo = snprintf(loss, sizeof loss, "set datafile separator ','\nset xlabel 'step'\n"
                      "set ylabel 'KIP loss (target batch)'\nset logscale y\nplot");
    int la = snprintf(acc, sizeof acc, "set datafile separator ','\nset xlabel 'step'\n"
                      "set ylabel 'test accuracy (%%)'\nset key bottom right\nplot");
    for (int i = 0; i < n; i++) {
        long long v = (long long)ipcs[i];
        lo += snprintf(loss + lo, sizeof loss - (size_t)lo, "%s 'metrics.csv' every ::1 using 2:($1==%lld ? "
                       "$3 : 1/0) with lines title 'ipc %lld'", i ? "," : "", v, v);
        la += snprintf(acc + la, sizeof acc - (size_t)la, "%s 'metrics.csv' every ::1 using 2:($1==%lld && "
                       "$4==$4 ? 100*$4 : 1/0) smooth unique with linespoints title 'ipc %lld'", i ? "," : "", v, v);
    }
    nz_status st = nz_run_plot(r, "loss", loss);
    if (st == NZ_OK) st = nz_run_plot(r, "accuracy", acc);
    return st;
}

static nz_status kip_run(nz_run *r)
{
    const int full = strcmp(nz_run_string(r, "mode"), "full") == 0;
    kip_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.kernel.kind = (kip_kind)kip_kind_parse(nz_run_string(r, "kernel"));
    cfg.kernel.depth = (int)nz_run_int(r, "depth");
    cfg.kernel.w_var = nz_run_float(r, "w_var");
    cfg.kernel.b_var = nz_run_float(r, "b_var");
    cfg.kernel.gamma = nz_run_float(r, "rbf_gamma");
    cfg.steps = nz_run_int(r, "steps");
    if (cfg.steps == 0) cfg.steps = full ? 300 : 100;
    cfg.eval_every = nz_run_int(r, "eval_every");
    if (cfg.eval_every == 0) cfg.eval_every = full ? 50 : 25;
    cfg.target_per_class = nz_run_int(r, "target_per_class");
    cfg.lr = nz_run_float(r, "lr");
    cfg.reg = nz_run_float(r, "reg");
    cfg.learn_labels = nz_run_bool(r, "learn_labels");
    cfg.seed = nz_run_seed(r);
    int64_t full_pc = nz_run_int(r, "full_per_class");
    if (full_pc == 0) full_pc = full ? 1000 : 200;
    int64_t ipcs[3] = { 1, 10, 50 };
    int nipc = full ? 3 : 2;
    if (nz_run_int(r, "ipc") > 0) {
        ipcs[0] = nz_run_int(r, "ipc");
        nipc = 1;
    }
    if (cfg.kernel.b_var == 0 && cfg.kernel.kind != KIP_RBF)
        nz_run_log(r, "kip: b_var=0: an all-zero image would have zero norm; fine for Fashion-MNIST");

    kip_data d;
    nz_status st = kip_data_load(nz_run_device(r), &d);
    if (st != NZ_OK) return st;
    nz_run_log(r, "kip: Fashion-MNIST standardised (mean %.4f, std %.4f of [0,1] pixels); %s kernel, "
               "depth %d, %lld steps, %lld targets per step, on %s", d.mean, d.std,
               kip_kind_name(cfg.kernel.kind), cfg.kernel.depth, (long long)cfg.steps,
               (long long)(KIP_CLASSES * cfg.target_per_class), nz_device_id(nz_run_device(r)));
    st = nz_run_metrics_columns(r, 6, metric_cols);
    for (int i = 0; i < nipc && st == NZ_OK; i++) {
        kip_result res;
        cfg.ipc = ipcs[i];
        st = kip_train(r, &d, &cfg, &res);
        if (st == NZ_OK) {
            nz_run_log(r, "kip ipc=%lld: KIP %.2f%% vs random %.2f%% (+%.2f points), loss %.5f -> "
                       "%.5f, %.2f ms/step", (long long)cfg.ipc, 100 * res.acc_kip,
                       100 * res.acc_random, 100 * (res.acc_kip - res.acc_random), res.loss_first,
                       res.loss_last, res.step_ms);
            summarise(r, &cfg, &res);
            st = nz_run_summary_write(r);
        }
    }
    if (st == NZ_OK && full_pc > 0) st = full_baseline(r, &d, &cfg, full_pc);
    kip_data_free(&d);
    if (st == NZ_OK) st = nz_run_summary_write(r);
    if (st == NZ_OK) st = plots(r, ipcs, nipc);
    return st;
}

static const nz_experiment_iface kip_iface = { kip_params, kip_run };
static const nz_plugin_desc kip_desc = {
    NZ_ABI_VERSION, NZ_PLUGIN_EXPERIMENT, "kip", "1.0",
    "Kernel Inducing Points: distil Fashion-MNIST into a few images through the NTK", &kip_iface
};

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void);
NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void) { return &kip_desc; }
