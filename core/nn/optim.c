/* Optimizers over a list of parameters, each step one fused device op per
 * parameter (nz_sgd_update / nz_adam_update). */
#include <stdlib.h>

#include "optim_internal.h"

void nz_optimizer_free(nz_optimizer *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++) {
        if (o->m)
            nz_tensor_free(o->m[i]);
        if (o->v)
            nz_tensor_free(o->v[i]);
    }
    free(o->m);
    free(o->v);
    free(o->params);
    free(o);
}

static nz_tensor *zeros_like(const nz_tensor *t)
{
    int64_t shape[NZ_MAX_DIMS];
    int nd = nz_tensor_ndim(t);
    for (int i = 0; i < nd; i++)
        shape[i] = nz_tensor_dim(t, i);
    return nz_tensor_zeros(nz_tensor_device(t), nz_tensor_dtype(t), nd, shape);
}

static nz_optimizer *create(int kind, nz_param *const *params, size_t n, int need_m,
                            int need_v)
{
    const char *fn = kind == OPT_SGD ? "nz_sgd_create" : "nz_adam_create";
    if (!params || n == 0) {
        nz_error(NZ_ERR_INVALID, "%s: no parameters to optimise", fn);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!params[i] || !params[i]->value || !params[i]->grad) {
            nz_error(NZ_ERR_INVALID, "%s: parameter %zu is NULL or not initialised", fn, i);
            return NULL;
        }
    nz_optimizer *o = calloc(1, sizeof *o);
    if (!o || !(o->params = malloc(n * sizeof(nz_param *))) ||
        (need_m && !(o->m = calloc(n, sizeof(nz_tensor *)))) ||
        (need_v && !(o->v = calloc(n, sizeof(nz_tensor *))))) {
        nz_optimizer_free(o);
        nz_error(NZ_ERR_NOMEM, "%s: out of memory", fn);
        return NULL;
    }
    o->kind = kind;
    o->n = n;
    for (size_t i = 0; i < n; i++) {
        o->params[i] = params[i];
        if ((need_m && !(o->m[i] = zeros_like(params[i]->value))) ||
            (need_v && !(o->v[i] = zeros_like(params[i]->value)))) {
            nz_error_prefix(NZ_ERR_NOMEM, "%s: state for '%s'", fn, params[i]->name);
            nz_optimizer_free(o);
            return NULL;
        }
    }
    return o;
}

nz_optimizer *nz_sgd_create(nz_param *const *params, size_t n, double lr, double momentum,
                            double weight_decay, int nesterov)
{
    if (!(lr >= 0) || !(momentum >= 0 && momentum < 1) || !(weight_decay >= 0)) {
        nz_error(NZ_ERR_INVALID, "nz_sgd_create: lr %g, momentum %g, weight_decay %g: need "
                 "lr >= 0, 0 <= momentum < 1, weight_decay >= 0", lr, momentum, weight_decay);
        return NULL;
    }
    if (nesterov && momentum == 0) {
        nz_error(NZ_ERR_INVALID, "nz_sgd_create: Nesterov needs momentum > 0");
        return NULL;
    }
    nz_optimizer *o = create(OPT_SGD, params, n, 0, momentum > 0);
    if (o) {
        o->lr = lr;
        o->momentum = momentum;
        o->weight_decay = weight_decay;
        o->nesterov = nesterov != 0;
    }
    return o;
}

nz_optimizer *nz_adam_create(nz_param *const *params, size_t n, double lr, double beta1,
                             double beta2, double eps, double weight_decay, int decoupled)
{
    if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) ||
        !(eps > 0) || !(weight_decay >= 0)) {
        nz_error(NZ_ERR_INVALID, "nz_adam_create: lr %g, beta1 %g, beta2 %g, eps %g, "
                 "weight_decay %g: need lr >= 0, betas in [0, 1), eps > 0, weight_decay >= 0",
                 lr, beta1, beta2, eps, weight_decay);
        return NULL;
    }
    nz_optimizer *o = create(OPT_ADAM, params, n, 1, 1);
    if (o) {
        o->lr = lr;
        o->beta1 = beta1;
        o->beta2 = beta2;
        o->eps = eps;
        o->weight_decay = weight_decay;
        o->decoupled = decoupled != 0;
    }
    return o;
}

nz_status nz_optimizer_step(nz_optimizer *o)
{
    if (!o)
        return nz_error(NZ_ERR_INVALID, "nz_optimizer_step: optimizer is NULL");
    o->t++;
    for (size_t i = 0; i < o->n; i++) {
        nz_param *p = o->params[i];
        nz_status st = o->kind == OPT_SGD
                           ? nz_sgd_update(p->value, p->grad, o->v ? o->v[i] : NULL, o->lr,
                                           o->momentum, o->weight_decay, o->nesterov)
                           : nz_adam_update(p->value, p->grad, o->m[i], o->v[i], o->lr,
                                            o->beta1, o->beta2, o->eps, o->weight_decay,
                                            o->decoupled, o->t);
        if (st != NZ_OK)
            return nz_error_prefix(st, "nz_optimizer_step: '%s'", p->name);
    }
    return NZ_OK;
}

void nz_optimizer_set_lr(nz_optimizer *o, double lr)
{
    if (o && lr >= 0)
        o->lr = lr;
}

double nz_optimizer_lr(const nz_optimizer *o)
{
    return o ? o->lr : 0.0;
}

int64_t nz_optimizer_steps(const nz_optimizer *o)
{
    return o ? o->t : 0;
}
