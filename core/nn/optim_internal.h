/* The optimizer's insides, shared by optim.c (the updates) and optim_state.c
 * (state access for checkpoints).  Internal to the core. */
#ifndef NAZO_CORE_NN_OPTIM_INTERNAL_H
#define NAZO_CORE_NN_OPTIM_INTERNAL_H

#include "nazo/nn.h"

enum { OPT_SGD, OPT_ADAM };

struct nz_optimizer {
    int kind;
    double lr, momentum, weight_decay, beta1, beta2, eps;
    int nesterov, decoupled;
    int64_t t;
    size_t n;
    nz_param **params;
    nz_tensor **m, **v; /* SGD: v = velocity (when momentum > 0); Adam: moments */
};

#endif
