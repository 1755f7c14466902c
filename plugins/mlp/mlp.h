/* The mlp experiment: an MLP trained on Fashion-MNIST (or synthetic data)
 * with checkpoints that resume on any device.  Shared by its sources. */
#ifndef NAZO_PLUGIN_MLP_H
#define NAZO_PLUGIN_MLP_H

#include "nazo/nazo.h"

#define MLP_MAX_LAYERS 16

typedef struct mlp_cfg {
    int nsizes;                      /* inputs, hidden..., classes */
    int64_t sizes[MLP_MAX_LAYERS + 1];
    nz_activation act;
    nz_init init;
    int adam;
    double lr, momentum, weight_decay;
    int64_t batch, epochs, max_steps, checkpoint_every, log_every;
    nz_dtype dtype;
    const char *scaling;             /* standardize, scale01, none */
    const char *data;                /* fashion, synthetic */
    int64_t train_size;              /* 0: the data set's default */
    int quick;
} mlp_cfg;

/* "1024,1024" -> sizes[1..]; strict: positive integers, commas, nothing else. */
nz_status mlp_parse_hidden(const char *text, int64_t *sizes, int max, int *count);
/* Every parameter of the run into cfg (hidden sizes parsed; inputs and
 * classes filled in by mlp_data_load). */
nz_status mlp_cfg_read(nz_run *r, mlp_cfg *cfg);

/* Training and test sets on the host, scaled as asked. */
nz_status mlp_data_load(nz_run *r, mlp_cfg *cfg, nz_dataset **train, nz_dataset **test);

/* Fraction of test rows classified right, evaluated on the device in chunks. */
nz_status mlp_evaluate(nz_mlp *m, nz_graph *g, const nz_tensor *x, const nz_tensor *y, double *acc);

nz_status mlp_train(nz_run *r, const mlp_cfg *cfg, const nz_dataset *train, const nz_dataset *test);

#endif
