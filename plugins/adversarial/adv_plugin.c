/* The adversarial experiment: train a standard, a PGD-k and (optionally) an
 * FGSM-RS model on Fashion-MNIST, then measure clean, FGSM and PGD accuracy
 * over a sweep of epsilon.  Reporting lives in adv_report.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adv_run.h"

static const char *const modes[] = { "quick", "full", NULL };
static const char *const acts[] = { "relu", "tanh", "gelu", "sigmoid", NULL };

static const nz_param_decl params[] = {
    { "mode", NZ_PARAM_CHOICE, "quick", 0, 0, modes,
      "quick (< 2 min: 10k train, 6 epochs, 1000 test) or full (60k train, 12 epochs, 10k test)" },
    { "train_n", NZ_PARAM_INT, "0", 0, 60000, NULL, "training examples, class-balanced (0: from mode)" },
    { "test_n", NZ_PARAM_INT, "0", 0, 10000, NULL, "test examples attacked, class-balanced (0: from mode)" },
    { "epochs", NZ_PARAM_INT, "0", 0, 500, NULL, "training epochs of every model (0: from mode)" },
    { "batch", NZ_PARAM_INT, "128", 8, 4096, NULL, "mini-batch size" },
    { "lr", NZ_PARAM_FLOAT, "0.001", 1e-6, 1, NULL, "Adam learning rate" },
    { "width", NZ_PARAM_INT, "256", 4, 4096, NULL, "units per hidden layer" },
    { "depth", NZ_PARAM_INT, "2", 1, 8, NULL, "hidden layers (784-width x depth-10)" },
    { "act", NZ_PARAM_CHOICE, "relu", 0, 0, acts, "hidden activation" },
    { "eps", NZ_PARAM_FLOAT, "0.1", 0.001, 1, NULL,
      "L-inf radius in [0,1] pixel units for training and the headline numbers" },
    { "train_steps", NZ_PARAM_INT, "7", 1, 100, NULL, "k of PGD-k adversarial training" },
    { "train_step_size", NZ_PARAM_FLOAT, "0", 0, 1, NULL, "PGD training step (0: 2.5 eps / train_steps)" },
    { "eval_steps", NZ_PARAM_INT, "20", 1, 1000, NULL, "steps of the evaluation PGD" },
    { "eval_step_size", NZ_PARAM_FLOAT, "0", 0, 1, NULL,
      "evaluation PGD step (0: 2.5 eps / eval_steps at each eps)" },
    { "eval_restarts", NZ_PARAM_INT, "0", 0, 100, NULL, "random restarts of the evaluation PGD (0: from mode: 1 quick, 2 full)" },
    { "eps_max", NZ_PARAM_FLOAT, "0.3", 0.01, 1, NULL, "largest eps of the sweep" },
    { "eps_points", NZ_PARAM_INT, "7", 2, 41, NULL, "evenly spaced eps values from 0 to eps_max (eps is added)" },
    { "fgsm_rs", NZ_PARAM_BOOL, "true", 0, 0, NULL, "also train a model with FGSM from a random start" },
    { "grid_n", NZ_PARAM_INT, "8", 1, 32, NULL, "test images in the PNG grid" },
    { NULL, 0, NULL, 0, 0, NULL, NULL },
};

/* Mode defaults for parameters left at 0. */
static int64_t pick(int64_t set, int64_t quick, int64_t full, int is_full)
{
    return set ? set : is_full ? full : quick;
}

static nz_status resolve(nz_run *r, adv_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->full = strcmp(nz_run_string(r, "mode"), "full") == 0;
    c->train_n = pick(nz_run_int(r, "train_n"), 10000, 60000, c->full);
    c->test_n = pick(nz_run_int(r, "test_n"), 1000, 10000, c->full);
    c->epochs = pick(nz_run_int(r, "epochs"), 6, 12, c->full);
    c->eval_restarts = (int)pick(nz_run_int(r, "eval_restarts"), 1, 2, c->full);
    c->batch = nz_run_int(r, "batch");
    c->width = nz_run_int(r, "width");
    c->depth = nz_run_int(r, "depth");
    c->lr = nz_run_float(r, "lr");
    c->eps = nz_run_float(r, "eps");
    c->train_steps = (int)nz_run_int(r, "train_steps");
    c->train_step_size = nz_run_float(r, "train_step_size");
    if (c->train_step_size == 0.0) c->train_step_size = 2.5 * c->eps / c->train_steps;
    c->eval_steps = (int)nz_run_int(r, "eval_steps");
    c->eval_step_size = nz_run_float(r, "eval_step_size");
    c->fgsm_rs = nz_run_bool(r, "fgsm_rs");
    c->grid_n = (int)nz_run_int(r, "grid_n");
    nz_status s = nz_activation_parse(nz_run_string(r, "act"), &c->act);
    if (s != NZ_OK) return s;

    /* eps sweep: 0 .. eps_max evenly, with the headline eps merged in. */
    int points = (int)nz_run_int(r, "eps_points");
    double eps_max = nz_run_float(r, "eps_max");
    c->eps_index = -1;
    for (int i = 0; i < points; i++) {
        double e = eps_max * i / (points - 1);
        if (c->eps_index < 0 && fabs(e - c->eps) < 1e-9) {
            e = c->eps;
            c->eps_index = c->n_eps;
        } else if (c->eps_index < 0 && e > c->eps) {
            c->eps_index = c->n_eps;
            c->eps_list[c->n_eps++] = c->eps;
        }
        c->eps_list[c->n_eps++] = e;
    }
    if (c->eps_index < 0) {
        c->eps_index = c->n_eps;
        c->eps_list[c->n_eps++] = c->eps;
    }
    if (c->eval_steps <= c->train_steps || c->eval_restarts < 1)
        nz_run_log(r, "note: the evaluation PGD (%d steps, %d restarts) is not stronger than the "
                   "training PGD (%d steps); robust accuracy may be overestimated",
                   c->eval_steps, c->eval_restarts, c->train_steps);
    return NZ_OK;
}

adv_attack adv_eval_attack(const adv_cfg *c, uint64_t seed, int model, int k, int pgd)
{
    adv_attack a = { 0 };
    a.eps = c->eps_list[k];
    a.seed = seed;
    a.stream = 0xe0000000u + (uint64_t)(model * 1024 + k * 2 + pgd);
    if (pgd) {
        a.steps = c->eval_steps;
        a.step_size = c->eval_step_size > 0 ? c->eval_step_size : 2.5 * a.eps / c->eval_steps;
        a.restarts = c->eval_restarts;
        a.random_start = 1;
    } else {
        a.steps = 1;
        a.step_size = a.eps;
        a.restarts = 1;
    }
    return a;
}

/* Fashion-MNIST, class-balanced subsets, pixels scaled to [0, 1] so that
 * eps is in raw pixel units. */
static nz_status load_data(nz_run *r, const adv_cfg *c, nz_dataset **train, nz_dataset **test)
{
    nz_dataset *tr_all = NULL, *te_all = NULL;
    *train = *test = NULL;
    nz_status s = nz_fashion_mnist_load(1, &tr_all);
    if (s == NZ_OK) s = nz_fashion_mnist_load(0, &te_all);
    uint64_t seed = nz_run_seed(r);
    int64_t tr_pc = c->train_n / 10 > 0 ? c->train_n / 10 : 1, te_pc = c->test_n / 10 > 0 ? c->test_n / 10 : 1;
    if (s == NZ_OK) s = nz_dataset_subset_balanced(tr_all, tr_pc, seed ^ 0x5eed1u, train);
    if (s == NZ_OK) s = nz_dataset_subset_balanced(te_all, te_pc, seed ^ 0x5eed2u, test);
    /* The training set's range is 0..255 (any subset of more than a few
     * images has black and white pixels), so this is x / 255 for both. */
    if (s == NZ_OK) s = nz_dataset_scale01(*train, *test);
    nz_dataset_free(tr_all);
    nz_dataset_free(te_all);
    if (s != NZ_OK) {
        nz_dataset_free(*train);
        nz_dataset_free(*test);
        *train = *test = NULL;
    }
    return s;
}

static nz_status adv_run(nz_run *r)
{
    adv_cfg c;
    adv_results res;
    memset(&res, 0, sizeof res);
    nz_status s = resolve(r, &c);
    if (s != NZ_OK) return s;
    nz_device *dev = nz_run_device(r);
    uint64_t seed = nz_run_seed(r);

    nz_dataset *train = NULL, *test = NULL;
    if ((s = load_data(r, &c, &train, &test)) != NZ_OK) return s;
    nz_run_log(r, "adversarial: %lld train / %lld test examples, MLP 784-%lldx%lld-10 (%s), %lld epochs, "
               "eps %g, PGD-%d training (step %g), evaluation PGD-%d x %d restarts, device %s",
               (long long)train->n, (long long)test->n, (long long)c.width, (long long)c.depth,
               nz_activation_name(c.act), (long long)c.epochs, c.eps, c.train_steps,
               c.train_step_size, c.eval_steps, c.eval_restarts, nz_device_id(dev));

    nz_tensor *xt = NULL, *yt = NULL;
    adv_model models[ADV_MODES];
    adv_model *mp[ADV_MODES] = { 0 };
    memset(models, 0, sizeof models);
    adv_work w;
    int have_work = 0;
    s = nz_dataset_upload(test, dev, NZ_F32, &xt, &yt);
    if (s == NZ_OK && (s = adv_work_init(&w, dev, test->n < 500 ? test->n : 500, test->d)) == NZ_OK)
        have_work = 1;

    /* Every model starts from the same weights: the comparison is about the
     * training objective alone. */
    int64_t sizes[10];
    int nsizes = 0;
    sizes[nsizes++] = train->d;
    for (int64_t i = 0; i < c.depth; i++) sizes[nsizes++] = c.width;
    sizes[nsizes++] = train->classes;
    nz_init init = c.act == NZ_ACT_RELU || c.act == NZ_ACT_GELU ? NZ_INIT_HE_UNIFORM : NZ_INIT_GLOROT_UNIFORM;
    res.model_mode[res.nmodels++] = ADV_STANDARD;
    res.model_mode[res.nmodels++] = ADV_PGD;
    if (c.fgsm_rs) res.model_mode[res.nmodels++] = ADV_FGSM_RS;

    adv_train_cfg tc = { c.batch, c.epochs, c.lr, c.eps, c.train_steps, c.train_step_size, seed };
    for (int i = 0; s == NZ_OK && i < res.nmodels; i++) {
        models[i].act = c.act;
        models[i].mlp = nz_mlp_create(dev, NZ_F32, nsizes, sizes, c.act, init, seed);
        if (!models[i].mlp) {
            s = nz_error_prefix(NZ_ERR_NOMEM, "adversarial: model");
            break;
        }
        mp[i] = &models[i];
        double t0 = adv_now();
        s = adv_train(r, &models[i], res.model_mode[i], train, &tc, &res.train_loss[i]);
        res.train_seconds[i] = adv_now() - t0;
        if (s != NZ_OK) break;
        adv_attack clean = adv_eval_attack(&c, seed, i, 0, 0);
        clean.eps = 0.0;
        s = adv_eval(&w, &models[i], &clean, xt, yt, test->y, NULL, &res.clean[i], NULL);
        if (s == NZ_OK)
            nz_run_log(r, "%s model: clean test accuracy %.4f (trained in %.1f s)",
                       adv_mode_name(res.model_mode[i]), res.clean[i], res.train_seconds[i]);
    }

    /* Per model and attack, the test rows broken at some eps so far. */
    int32_t *broken[ADV_MODES][2] = { { 0 } };
    for (int i = 0; s == NZ_OK && i < res.nmodels; i++)
        for (int a = 0; a < 2; a++)
            if (!(broken[i][a] = calloc((size_t)test->n, sizeof(int32_t))))
                s = nz_error(NZ_ERR_NOMEM, "adversarial: sweep");
    if (s == NZ_OK) s = adv_report_columns(r, &res);
    for (int k = 0; s == NZ_OK && k < c.n_eps; k++) {
        for (int i = 0; s == NZ_OK && i < res.nmodels; i++) {
            if (nz_run_interrupted(r)) {
                s = nz_error(NZ_ERR_INTERRUPTED, "adversarial: interrupted during the eps sweep");
                break;
            }
            adv_attack f = adv_eval_attack(&c, seed, i, k, 0), p = adv_eval_attack(&c, seed, i, k, 1);
            s = adv_eval(&w, &models[i], &f, xt, yt, test->y, broken[i][0], &res.fgsm_raw[i][k],
                         &res.fgsm[i][k]);
            if (s == NZ_OK)
                s = adv_eval(&w, &models[i], &p, xt, yt, test->y, broken[i][1], &res.pgd_raw[i][k],
                             &res.pgd[i][k]);
            if (s == NZ_OK)
                nz_run_log(r, "eps %.4f %-8s: FGSM %.4f  PGD-%d %.4f  (this eps alone: %.4f, %.4f)",
                           c.eps_list[k], adv_mode_name(res.model_mode[i]), res.fgsm[i][k],
                           c.eval_steps, res.pgd[i][k], res.fgsm_raw[i][k], res.pgd_raw[i][k]);
        }
        if (s == NZ_OK) s = adv_report_row(r, &c, &res, k);
        nz_run_progress(r, "eps sweep", k + 1, c.n_eps);
    }
    if (s == NZ_OK) s = adv_report_summary(r, &c, &res);
    if (s == NZ_OK) s = adv_report_grid(r, &c, mp, &w, xt, yt, test->y);

    if (have_work) adv_work_release(&w);
    for (int i = 0; i < ADV_MODES; i++) {
        free(broken[i][0]);
        free(broken[i][1]);
        nz_mlp_free(models[i].mlp);
    }
    nz_tensor_free(xt);
    nz_tensor_free(yt);
    nz_dataset_free(train);
    nz_dataset_free(test);
    return s;
}

static const nz_experiment_iface iface = { params, adv_run };
static const nz_plugin_desc desc = {
    NZ_ABI_VERSION, NZ_PLUGIN_EXPERIMENT, "adversarial", "1.0",
    "FGSM/PGD attacks and adversarial training: robust vs clean accuracy over eps", &iface
};

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void);
NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void) { return &desc; }
