/* Training ops: softmax cross-entropy, gathering rows, one-hot labels,
 * random fills and the fused optimizer updates. */
#include <math.h>
#include <stdio.h>

#include "ops_check.h"

nz_status nz_softmax_xent_forward(nz_tensor *loss, nz_tensor *probs, const nz_tensor *logits,
                                  const nz_tensor *labels)
{
    const char *fn = "nz_softmax_xent_forward";
    nz_opnd o[4] = {{"logits", logits}, {"labels", labels}, {"loss", loss}, {"probs", probs}};
    nz_opnd f[3] = {o[0], o[2], o[3]};
    nz_device *dev;
    nz_status st;
    int np = probs ? 4 : 3;
    if ((st = nz_chk_devices(fn, o, np, &dev)) != NZ_OK) return st;
    if ((st = nz_chk_float(fn, o[0])) != NZ_OK) return st;
    if ((st = nz_chk_same_dtype(fn, f, probs ? 3 : 2)) != NZ_OK) return st;
    int64_t m = nz_tensor_rows_count(logits), n = nz_tensor_cols_count(logits);
    char what[64];
    snprintf(what, sizeof what, "[%lld], one per row of logits", (long long)m);
    if ((st = nz_chk_numel(fn, o[1], m, what)) != NZ_OK) return st;
    if ((st = nz_chk_numel(fn, o[2], m, what)) != NZ_OK) return st;
    if (probs && (st = nz_chk_numel(fn, o[3], m * n, "the shape of logits")) != NZ_OK) return st;
    if ((st = nz_chk_supported(fn, dev, NZ_OP_SOFTMAX_XENT, logits->dtype)) != NZ_OK) return st;
    if ((st = nz_chk_indices(fn, o[1], n, "one class per column of logits")) != NZ_OK) return st;
    if (m == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_SOFTMAX_XENT, .dtype = logits->dtype};
    a.u.softmax_xent = (nz_softmax_xent_args){
        .backward = 0, .m = m, .n = n, .logits = nz_tensor_bref(logits),
        .labels = nz_tensor_bref(labels), .loss = nz_tensor_bref(loss),
        .probs = nz_tensor_bref(probs), .alpha = 1, .beta = 0};
    return nz_device_run(dev, &a);
}

nz_status nz_softmax_xent_backward(nz_tensor *dlogits, const nz_tensor *logits,
                                   const nz_tensor *labels, double alpha, double beta)
{
    const char *fn = "nz_softmax_xent_backward";
    nz_opnd o[3] = {{"logits", logits}, {"labels", labels}, {"dlogits", dlogits}};
    nz_opnd f[2] = {o[0], o[2]};
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(fn, o, 3, &dev)) != NZ_OK) return st;
    if ((st = nz_chk_float(fn, o[0])) != NZ_OK) return st;
    if ((st = nz_chk_same_dtype(fn, f, 2)) != NZ_OK) return st;
    int64_t m = nz_tensor_rows_count(logits), n = nz_tensor_cols_count(logits);
    char what[64];
    snprintf(what, sizeof what, "[%lld], one per row of logits", (long long)m);
    if ((st = nz_chk_numel(fn, o[1], m, what)) != NZ_OK) return st;
    if ((st = nz_chk_numel(fn, o[2], m * n, "the shape of logits")) != NZ_OK) return st;
    if ((st = nz_chk_supported(fn, dev, NZ_OP_SOFTMAX_XENT, logits->dtype)) != NZ_OK) return st;
    if ((st = nz_chk_indices(fn, o[1], n, "one class per column of logits")) != NZ_OK) return st;
    if (m * n == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_SOFTMAX_XENT, .dtype = logits->dtype};
    a.u.softmax_xent = (nz_softmax_xent_args){
        .backward = 1, .m = m, .n = n, .logits = nz_tensor_bref(logits),
        .labels = nz_tensor_bref(labels), .dlogits = nz_tensor_bref(dlogits),
        .alpha = alpha, .beta = beta};
    return nz_device_run(dev, &a);
}

nz_status nz_gather_rows(nz_tensor *out, const nz_tensor *x, const nz_tensor *idx)
{
    const char *fn = "nz_gather_rows";
    nz_opnd o[3] = {{"x", x}, {"idx", idx}, {"out", out}};
    nz_opnd f[2] = {o[0], o[2]};
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(fn, o, 3, &dev)) != NZ_OK) return st;
    if ((st = nz_chk_same_dtype(fn, f, 2)) != NZ_OK) return st;
    if ((st = nz_chk_dtype_is(fn, o[1], NZ_I32, "row indices")) != NZ_OK) return st;
    int64_t rows = nz_tensor_rows_count(x), n = nz_tensor_cols_count(x);
    int64_t m = nz_tensor_numel(idx);
    if (nz_tensor_rows_count(out) != m || nz_tensor_cols_count(out) != n)
        return nz_error(NZ_ERR_INVALID, "%s: shape mismatch: out is %s; expected %lld rows (one per "
                        "index in idx %s) of %lld values (a row of x %s)", fn, nz_tdesc(out),
                        (long long)m, nz_tdesc(idx), (long long)n, nz_tdesc(x));
    if ((st = nz_chk_supported(fn, dev, NZ_OP_GATHER_ROWS, x->dtype)) != NZ_OK) return st;
    if ((st = nz_chk_indices(fn, o[1], rows, "rows of x")) != NZ_OK) return st;
    if (m * n == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_GATHER_ROWS, .dtype = x->dtype};
    a.u.gather = (nz_gather_args){.m = m, .n = n, .x_rows = rows, .x = nz_tensor_bref(x),
                                  .idx = nz_tensor_bref(idx), .out = nz_tensor_bref(out)};
    return nz_device_run(dev, &a);
}

nz_status nz_onehot(nz_tensor *out, const nz_tensor *labels, double on, double off)
{
    const char *fn = "nz_onehot";
    nz_opnd o[2] = {{"labels", labels}, {"out", out}};
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(fn, o, 2, &dev)) != NZ_OK) return st;
    if ((st = nz_chk_dtype_is(fn, o[0], NZ_I32, "class indices")) != NZ_OK) return st;
    if ((st = nz_chk_float(fn, o[1])) != NZ_OK) return st;
    int64_t m = nz_tensor_rows_count(out), n = nz_tensor_cols_count(out);
    char what[64];
    snprintf(what, sizeof what, "[%lld], one per row of out", (long long)m);
    if ((st = nz_chk_numel(fn, o[0], m, what)) != NZ_OK) return st;
    if ((st = nz_chk_supported(fn, dev, NZ_OP_ONEHOT, out->dtype)) != NZ_OK) return st;
    if (m * n == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_ONEHOT, .dtype = out->dtype};
    a.u.onehot = (nz_onehot_args){.m = m, .n = n, .labels = nz_tensor_bref(labels),
                                  .out = nz_tensor_bref(out), .on = on, .off = off};
    return nz_device_run(dev, &a);
}

nz_status nz_random(nz_tensor *out, nz_random_dist dist, double p0, double p1, uint64_t seed,
                    uint64_t stream, uint64_t counter)
{
    const char *fn = "nz_random";
    nz_opnd o[1] = {{"out", out}};
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(fn, o, 1, &dev)) != NZ_OK) return st;
    if ((unsigned)dist > NZ_RNG_BERNOULLI)
        return nz_error(NZ_ERR_INVALID, "%s: unknown distribution %d; use NZ_RNG_UNIFORM, "
                        "NZ_RNG_NORMAL or NZ_RNG_BERNOULLI", fn, (int)dist);
    if ((st = nz_chk_float(fn, o[0])) != NZ_OK) return st;
    if (dist == NZ_RNG_NORMAL && !(p1 >= 0))
        return nz_error(NZ_ERR_INVALID, "%s: normal standard deviation %g must be >= 0", fn, p1);
    if ((st = nz_chk_supported(fn, dev, NZ_OP_RANDOM, out->dtype)) != NZ_OK) return st;
    if (out->numel == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_RANDOM, .dtype = out->dtype};
    a.u.random = (nz_random_args){.dist = dist, .count = out->numel, .seed = seed,
                                  .stream = stream, .counter = counter, .p0 = p0, .p1 = p1,
                                  .out = nz_tensor_bref(out)};
    return nz_device_run(dev, &a);
}

nz_status nz_sgd_update(nz_tensor *w, const nz_tensor *g, nz_tensor *v, double lr,
                        double momentum, double weight_decay, int nesterov)
{
    const char *fn = "nz_sgd_update";
    nz_opnd o[3] = {{"w", w}, {"g", g}, {"v", v}};
    int n = momentum != 0 ? 3 : 2; /* v is only used with momentum */
    if (momentum != 0 && !v)
        return nz_error(NZ_ERR_INVALID, "%s: momentum %g needs a velocity tensor v like w, got NULL",
                        fn, momentum);
    if (v && n == 2) n = 3;
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(fn, o, n, &dev)) != NZ_OK) return st;
    if ((st = nz_chk_float(fn, o[0])) != NZ_OK) return st;
    if ((st = nz_chk_same_dtype(fn, o, n)) != NZ_OK) return st;
    for (int i = 1; i < n; i++)
        if ((st = nz_chk_numel(fn, o[i], w->numel, "the shape of w")) != NZ_OK) return st;
    if (!(lr >= 0) || !(momentum >= 0) || !(weight_decay >= 0))
        return nz_error(NZ_ERR_INVALID, "%s: lr %g, momentum %g and weight_decay %g must be >= 0",
                        fn, lr, momentum, weight_decay);
    if ((st = nz_chk_supported(fn, dev, NZ_OP_SGD, w->dtype)) != NZ_OK) return st;
    if (w->numel == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_SGD, .dtype = w->dtype};
    a.u.sgd = (nz_sgd_args){.count = w->numel, .w = nz_tensor_bref(w), .g = nz_tensor_bref(g),
                            .v = nz_tensor_bref(v), .lr = lr, .momentum = momentum,
                            .weight_decay = weight_decay, .nesterov = nesterov != 0};
    return nz_device_run(dev, &a);
}

nz_status nz_adam_update(nz_tensor *w, const nz_tensor *g, nz_tensor *m, nz_tensor *v, double lr,
                         double beta1, double beta2, double eps, double weight_decay,
                         int decoupled, int64_t t)
{
    const char *fn = "nz_adam_update";
    nz_opnd o[4] = {{"w", w}, {"g", g}, {"m", m}, {"v", v}};
    nz_device *dev;
    nz_status st;
    if ((st = nz_chk_devices(fn, o, 4, &dev)) != NZ_OK) return st;
    if ((st = nz_chk_float(fn, o[0])) != NZ_OK) return st;
    if ((st = nz_chk_same_dtype(fn, o, 4)) != NZ_OK) return st;
    for (int i = 1; i < 4; i++)
        if ((st = nz_chk_numel(fn, o[i], w->numel, "the shape of w")) != NZ_OK) return st;
    if (t < 1)
        return nz_error(NZ_ERR_INVALID, "%s: step t = %lld; steps count from 1", fn, (long long)t);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
        return nz_error(NZ_ERR_INVALID, "%s: beta1 %g and beta2 %g must lie in [0, 1)", fn, beta1, beta2);
    if (!(eps > 0) || !(lr >= 0) || !(weight_decay >= 0))
        return nz_error(NZ_ERR_INVALID, "%s: need eps > 0, lr >= 0, weight_decay >= 0 (got %g, %g, %g)",
                        fn, eps, lr, weight_decay);
    if ((st = nz_chk_supported(fn, dev, NZ_OP_ADAM, w->dtype)) != NZ_OK) return st;
    if (w->numel == 0) return NZ_OK;
    nz_op_args a = {.op = NZ_OP_ADAM, .dtype = w->dtype};
    /* In double, so that late steps (beta^t tiny) keep their precision. */
    a.u.adam = (nz_adam_args){.count = w->numel, .w = nz_tensor_bref(w), .g = nz_tensor_bref(g),
                              .m = nz_tensor_bref(m), .v = nz_tensor_bref(v), .lr = lr,
                              .beta1 = beta1, .beta2 = beta2, .eps = eps,
                              .weight_decay = weight_decay,
                              .bias1 = 1.0 - pow(beta1, (double)t),
                              .bias2 = 1.0 - pow(beta2, (double)t),
                              .decoupled = decoupled != 0};
    return nz_device_run(dev, &a);
}
