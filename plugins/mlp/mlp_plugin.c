/* The mlp experiment: declarations and the entry point.  The work is in
 * mlp_config.c (parameters), mlp_data.c, mlp_train.c and mlp_eval.c. */
#include "mlp.h"

static const char *const activations[] = { "relu", "tanh", "sigmoid", "gelu", "identity", NULL };
static const char *const inits[] = { "he_uniform", "he_normal", "glorot_uniform", "glorot_normal",
                                     "uniform", "orthogonal", NULL };
static const char *const optimizers[] = { "sgd", "adam", NULL };
static const char *const dtypes[] = { "f32", "f64", NULL };
static const char *const scalings[] = { "auto", "scale01", "standardize", "none", NULL };
static const char *const modes[] = { "quick", "full", NULL };
static const char *const datas[] = { "fashion", "synthetic", NULL };

static const nz_param_decl params[] = {
    { "hidden", NZ_PARAM_STRING, "1024,1024", 0, 0, NULL, "hidden layer widths, comma-separated (\"\" for none)" },
    { "activation", NZ_PARAM_CHOICE, "relu", 0, 0, activations, "activation after each hidden layer" },
    { "init", NZ_PARAM_CHOICE, "he_uniform", 0, 0, inits, "weight initialiser (biases start at zero)" },
    { "optimizer", NZ_PARAM_CHOICE, "sgd", 0, 0, optimizers, "sgd (with momentum) or adam" },
    { "lr", NZ_PARAM_FLOAT, "0.01", 0, 10, NULL, "learning rate" },
    { "momentum", NZ_PARAM_FLOAT, "0.9", 0, 0.999, NULL, "SGD momentum (0: plain SGD); Adam uses 0.9/0.999" },
    { "weight_decay", NZ_PARAM_FLOAT, "0", 0, 1, NULL, "L2 weight decay" },
    { "batch", NZ_PARAM_INT, "128", 1, 65536, NULL, "mini-batch size" },
    { "epochs", NZ_PARAM_INT, "10", 1, 10000, NULL, "passes over the training set" },
    { "max_steps", NZ_PARAM_INT, "0", 0, 1e12, NULL, "stop after this many steps (0: no limit)" },
    { "checkpoint_every", NZ_PARAM_INT, "0", 0, 1e12, NULL, "checkpoint every k steps (0: at epoch ends; always on interrupt)" },
    { "log_every", NZ_PARAM_INT, "1", 1, 1e9, NULL, "a metrics.csv row every k steps (and at every epoch end)" },
    { "dtype", NZ_PARAM_CHOICE, "f32", 0, 0, dtypes, "float type of weights and activations" },
    /* auto: scale01 for Fashion-MNIST (standardising blows its nearly
     * constant border pixels up into huge inputs and training turns chaotic),
     * standardize for the synthetic mixture (min-max squeezes it flat). */
    { "scaling", NZ_PARAM_CHOICE, "auto", 0, 0, scalings, "input scaling fitted on the training set (auto: scale01 for fashion, standardize for synthetic)" },
    { "data", NZ_PARAM_CHOICE, "fashion", 0, 0, datas, "Fashion-MNIST, or a synthetic 784-feature 10-class mixture" },
    { "train_size", NZ_PARAM_INT, "0", 0, 60000, NULL, "training examples (0: all; Fashion subsets are class-balanced)" },
    { "mode", NZ_PARAM_CHOICE, "quick", 0, 0, modes, "quick: 6000 training and 1000 test examples (Fashion-MNIST); full: all 60000 and 10000" },
    { NULL, 0, NULL, 0, 0, NULL, NULL },
};

static nz_status mlp_run(nz_run *r)
{
    mlp_cfg cfg;
    nz_status s = mlp_cfg_read(r, &cfg);
    if (s != NZ_OK) return s;
    nz_dataset *train, *test;
    if ((s = mlp_data_load(r, &cfg, &train, &test)) != NZ_OK) return s;
    s = mlp_train(r, &cfg, train, test);
    nz_dataset_free(train);
    nz_dataset_free(test);
    return s;
}

static const nz_experiment_iface iface = { params, mlp_run };
static const nz_plugin_desc desc = { NZ_ABI_VERSION, NZ_PLUGIN_EXPERIMENT, "mlp", "1.0",
                                     "MLP on Fashion-MNIST with SGD/Adam; checkpoints resume on any device",
                                     &iface };

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void);
NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void) { return &desc; }
