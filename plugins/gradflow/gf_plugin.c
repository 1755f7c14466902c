/* gradflow: how the backpropagated signal grows or shrinks with depth, for
 * each activation and initialiser, measured per layer and set beside the
 * mean-field prediction sqrt(chi); then what that does to a short training
 * run.  Modes: single (the configuration in the parameters), quick (the
 * textbook cases at one depth), grid (activation x initialiser x depth). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gf.h"

static const char *const modes[] = {"quick", "single", "grid", NULL};
static const char *const acts[] = {"relu", "sigmoid", "tanh", "gelu", NULL};
static const char *const inits[] = {"he", "standard", "glorot", "orthogonal", "normal", NULL};
static const char *const datasets[] = {"fashion", "synthetic", NULL};
static const char *const depth_sets[] = {"5/10/20/30", "10/30", "5/10/20", "10", NULL};

static const nz_param_decl params[] = {
    {"mode", NZ_PARAM_CHOICE, "quick", 0, 0, modes,
     "quick: relu-he, relu-glorot, sigmoid-glorot, tanh-standard, sigmoid-standard at `depth`; "
     "single: the configuration below; grid: every activation x initialiser x grid_depths"},
    {"activation", NZ_PARAM_CHOICE, "relu", 0, 0, acts, "single mode: the activation"},
    {"init", NZ_PARAM_CHOICE, "he", 0, 0, inits,
     "single mode: standard U(+-1/sqrt(fan_in)), glorot N(0,2/(in+out)), he N(0,2/in), "
     "orthogonal (gain sigma_w), normal N(0,sigma_w^2/in)"},
    {"sigma_w", NZ_PARAM_FLOAT, "1", 0.01, 10, NULL,
     "weight scale of the normal (std sigma_w/sqrt(fan_in)) and orthogonal (gain) initialisers"},
    {"depth", NZ_PARAM_INT, "10", 2, 100, NULL, "hidden layers (a linear readout follows)"},
    {"width", NZ_PARAM_INT, "256", 16, 4096, NULL, "units per hidden layer"},
    {"grid_depths", NZ_PARAM_CHOICE, "5/10/20/30", 0, 0, depth_sets, "grid mode: the depths"},
    {"dataset", NZ_PARAM_CHOICE, "fashion", 0, 0, datasets,
     "fashion (Fashion-MNIST, standardised) or synthetic (a 10-class Gaussian mixture, d=784)"},
    {"train_per_class", NZ_PARAM_INT, "500", 10, 6000, NULL, "training examples per class"},
    {"test_per_class", NZ_PARAM_INT, "100", 10, 1000, NULL, "test examples per class"},
    {"batch", NZ_PARAM_INT, "128", 10, 4096, NULL,
     "mini-batch size; the probe batch is the first `batch` training examples"},
    {"steps", NZ_PARAM_INT, "150", 0, 100000, NULL, "SGD steps per configuration (0: no training)"},
    {"snapshots", NZ_PARAM_INT, "3", 1, 16, NULL,
     "probes of the gradient flow from initialisation to the end of training"},
    {"lr", NZ_PARAM_FLOAT, "0.02", 1e-6, 10, NULL, "SGD learning rate"},
    {"momentum", NZ_PARAM_FLOAT, "0.9", 0, 0.999, NULL, "SGD momentum"},
    {NULL, 0, NULL, 0, 0, NULL, NULL},
};

typedef struct plan {
    gf_config *cfg;
    int n;
} plan;

static nz_status plan_add(plan *p, nz_activation act, gf_init init, int depth, const gf_config *base)
{
    gf_config *c = realloc(p->cfg, (size_t)(p->n + 1) * sizeof *c);
    if (!c) return nz_error(NZ_ERR_NOMEM, "gradflow: out of memory");
    p->cfg = c;
    c[p->n] = *base;
    c[p->n].act = act;
    c[p->n].init = init;
    c[p->n].depth = depth;
    p->n++;
    return NZ_OK;
}

static nz_status make_plan(nz_run *r, plan *p)
{
    gf_config base = {NZ_ACT_RELU, GF_INIT_HE, (int)nz_run_int(r, "depth"), nz_run_int(r, "width"),
                      nz_run_float(r, "sigma_w")};
    const char *mode = nz_run_string(r, "mode");
    nz_status st = NZ_OK;
    if (strcmp(mode, "single") == 0) {
        nz_activation act;
        gf_init init;
        st = nz_activation_parse(nz_run_string(r, "activation"), &act);
        if (st == NZ_OK) st = gf_init_from_name(nz_run_string(r, "init"), &init);
        if (st == NZ_OK) st = plan_add(p, act, init, base.depth, &base);
    } else if (strcmp(mode, "quick") == 0) {
        /* The cases the theory is checked on, and the one that cannot learn. */
        static const struct { nz_activation act; gf_init init; } quick[] = {
            {NZ_ACT_RELU, GF_INIT_HE}, {NZ_ACT_RELU, GF_INIT_GLOROT},
            {NZ_ACT_SIGMOID, GF_INIT_GLOROT}, {NZ_ACT_TANH, GF_INIT_STANDARD},
            {NZ_ACT_SIGMOID, GF_INIT_STANDARD}};
        for (size_t i = 0; i < sizeof quick / sizeof *quick && st == NZ_OK; i++)
            st = plan_add(p, quick[i].act, quick[i].init, base.depth, &base);
    } else {
        static const nz_activation grid_acts[] = {NZ_ACT_SIGMOID, NZ_ACT_TANH, NZ_ACT_RELU,
                                                  NZ_ACT_GELU};
        /* "5/10/20/30": the choice list guarantees plain integers. */
        const char *depths = nz_run_string(r, "grid_depths");
        for (const char *d = depths; *d && st == NZ_OK; d = strchr(d, '/') ? strchr(d, '/') + 1 : "") {
            int depth = atoi(d);
            for (size_t a = 0; a < 4 && st == NZ_OK; a++)
                for (int i = 0; i < GF_INIT_COUNT && st == NZ_OK; i++)
                    st = plan_add(p, grid_acts[a], (gf_init)i, depth, &base);
        }
    }
    return st;
}

static nz_status gf_run(nz_run *r)
{
    nz_device *dev = nz_run_device(r);
    gf_train_opts o = {nz_run_int(r, "batch"), nz_run_int(r, "steps"),
                       (int)nz_run_int(r, "snapshots"), nz_run_float(r, "lr"),
                       nz_run_float(r, "momentum"), nz_run_seed(r)};
    int64_t per_class = nz_run_int(r, "train_per_class");
    if (o.batch > 10 * per_class)
        return nz_error(NZ_ERR_INVALID, "gradflow: batch %lld exceeds the %lld training examples "
                        "(10 x train_per_class)", (long long)o.batch, (long long)(10 * per_class));
    plan p = {NULL, 0};
    gf_data data;
    memset(&data, 0, sizeof data);
    gf_result *res = NULL;
    const char *mode = nz_run_string(r, "mode");
    nz_status st = make_plan(r, &p);
    if (st == NZ_OK)
        st = gf_data_load(nz_run_string(r, "dataset"), per_class, nz_run_int(r, "test_per_class"),
                          nz_run_seed(r), dev, &data);
    if (st == NZ_OK && !(res = calloc((size_t)p.n, sizeof *res)))
        st = nz_error(NZ_ERR_NOMEM, "gradflow: out of memory for %d results", p.n);
    if (st == NZ_OK) st = gf_report_columns(r);
    if (st == NZ_OK)
        nz_run_log(r, "gradflow: %s mode, %d configuration(s), %s data (%lld train, %lld test) "
                   "on %s", mode, p.n, nz_run_string(r, "dataset"),
                   (long long)nz_tensor_rows_count(data.xtr),
                   (long long)nz_tensor_rows_count(data.xte), nz_device_id(dev));
    int done = 0; /* configurations finished */
    while (done < p.n && st == NZ_OK) {
        if (nz_run_interrupted(r)) {
            st = nz_error(NZ_ERR_INTERRUPTED, "gradflow: interrupted after %d of %d configurations",
                          done, p.n);
            break;
        }
        char label[64];
        gf_config_label(&p.cfg[done], label, sizeof label);
        st = gf_run_config(r, &p.cfg[done], &data, &o, &res[done]);
        if (st == NZ_OK) st = gf_report_rows(r, done, &res[done]);
        if (st != NZ_OK) break;
        nz_run_log(r, "%s: factor %.4f, sqrt(chi) %.4f, accuracy %.3f (%.1f s)", label,
                       exp(res[done].snap[0].ln_factor_meas), exp(res[done].snap[0].ln_factor_pred),
                       res[done].accuracy, res[done].seconds);
        done++;
        nz_run_progress(r, "configurations", done, p.n);
    }
    /* Whatever finished is reported, also after an interruption. */
    if (done > 0) {
        nz_status rs = gf_report(r, mode, res, done);
        if (st == NZ_OK) st = rs;
    }
    free(res);
    free(p.cfg);
    gf_data_free(&data);
    return st;
}

static const nz_experiment_iface iface = {params, gf_run};
static const nz_plugin_desc desc = {
    NZ_ABI_VERSION, NZ_PLUGIN_EXPERIMENT, "gradflow", "1.0",
    "gradient flow through depth: per-layer gradient norms against mean-field sqrt(chi)", &iface};

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void);
NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void) { return &desc; }
