/* Recorded reductions and losses: sum, mean, softmax cross-entropy, MSE.
 * Each yields one element.  When its upstream gradient is the seed of
 * backward (exactly 1) the backward pass folds the scale into the fused op;
 * otherwise it multiplies by the one-element upstream gradient on the device,
 * so no value ever travels to the host. */
#include "nn/graph_internal.h"

static const int64_t one_shape[1] = {1};

/* ---- sum / mean ---- */

static nz_status sum_bw(nz_graph *g, nz_node *n)
{
    nz_var *x = n->in[0];
    nz_tensor *t;
    double beta;
    nz_status st = nz_g_grad_target(g, x, &t, &beta);
    /* The one-element upstream gradient broadcasts as a scalar. */
    if (st == NZ_OK)
        st = nz_unary(t, NZ_UN_IDENTITY, n->out->grad, 0, 0, n->alpha, beta);
    if (st == NZ_OK)
        nz_g_grad_done(x);
    return st;
}

static nz_var *reduce_all(nz_graph *g, const char *name, nz_var *x, int mean)
{
    if (!g || nz_g_check_inputs(g, name, 1, x, NULL) != NZ_OK)
        return NULL;
    int64_t count = nz_tensor_numel(x->value);
    if (count < 1) {
        nz_error(NZ_ERR_INVALID, "the input is empty");
        return nz_g_fail(g, NZ_ERR_INVALID, name);
    }
    double alpha = mean ? 1.0 / (double)count : 1.0;
    nz_tensor *y = nz_g_tensor(g, 1, one_shape);
    if (!y)
        return nz_g_fail(g, NZ_ERR_NOMEM, name);
    nz_status st = nz_reduce(y, NZ_RED_SUM, NZ_AXIS_ALL, x->value, alpha, 0.0);
    if (st != NZ_OK)
        return nz_g_fail(g, st, name);
    nz_node *node;
    nz_var *out = nz_g_output(g, name, sum_bw, y, x, NULL, &node);
    if (node)
        node->alpha = alpha;
    return out;
}

nz_var *nz_v_sum(nz_graph *g, nz_var *x)
{
    return reduce_all(g, "sum", x, 0);
}

nz_var *nz_v_mean(nz_graph *g, nz_var *x)
{
    return reduce_all(g, "mean", x, 1);
}

/* ---- softmax cross-entropy ---- */

static nz_status xent_bw(nz_graph *g, nz_node *n)
{
    nz_var *x = n->in[0];
    nz_tensor *t;
    double beta;
    nz_status st = nz_g_grad_target(g, x, &t, &beta);
    if (st != NZ_OK)
        return st;
    if (n->out->grad_is_one) {
        st = nz_softmax_xent_backward(t, x->value, n->labels, n->alpha, beta);
    } else {
        nz_tensor *tmp = nz_g_tensor_like(g, x->value);
        if (!tmp)
            return NZ_ERR_NOMEM;
        st = nz_softmax_xent_backward(tmp, x->value, n->labels, n->alpha, 0.0);
        if (st == NZ_OK)
            st = nz_binary(t, NZ_BIN_MUL, tmp, n->out->grad, 1.0, beta);
    }
    if (st == NZ_OK)
        nz_g_grad_done(x);
    return st;
}

nz_var *nz_softmax_xent(nz_graph *g, nz_var *logits, const nz_tensor *labels)
{
    const char *name = "softmax_xent";
    if (!g || nz_g_check_inputs(g, name, 1, logits, NULL) != NZ_OK)
        return NULL;
    if (!labels) {
        nz_error(NZ_ERR_INVALID, "labels are NULL");
        return nz_g_fail(g, NZ_ERR_INVALID, name);
    }
    int64_t m = nz_tensor_rows_count(logits->value);
    if (m < 1) {
        nz_error(NZ_ERR_INVALID, "no rows in the logits");
        return nz_g_fail(g, NZ_ERR_INVALID, name);
    }
    int64_t mshape[1] = {m};
    nz_tensor *rows = nz_g_tensor(g, 1, mshape);
    nz_tensor *y = nz_g_tensor(g, 1, one_shape);
    if (!rows || !y)
        return nz_g_fail(g, NZ_ERR_NOMEM, name);
    nz_status st = nz_softmax_xent_forward(rows, NULL, logits->value, labels);
    if (st == NZ_OK)
        st = nz_reduce(y, NZ_RED_SUM, NZ_AXIS_ALL, rows, 1.0 / (double)m, 0.0);
    if (st != NZ_OK)
        return nz_g_fail(g, st, name);
    nz_node *node;
    nz_var *out = nz_g_output(g, name, xent_bw, y, logits, NULL, &node);
    if (node) {
        node->labels = labels;
        node->alpha = 1.0 / (double)m;
    }
    return out;
}

/* ---- mean squared error ---- */

static nz_status mse_bw(nz_graph *g, nz_node *n)
{
    /* d/dpred mean((pred-target)^2) = 2 (pred - target) / N; target: minus that. */
    for (int i = 0; i < 2; i++) {
        nz_var *v = n->in[i];
        if (!nz_g_wants(v))
            continue;
        double c = (i == 0 ? 2.0 : -2.0) * n->alpha;
        nz_tensor *t;
        double beta;
        nz_status st = nz_g_grad_target(g, v, &t, &beta);
        if (st != NZ_OK)
            return st;
        st = n->out->grad_is_one
                 ? nz_unary(t, NZ_UN_IDENTITY, n->saved, 0, 0, c, beta)
                 : nz_binary(t, NZ_BIN_MUL, n->saved, n->out->grad, c, beta);
        if (st != NZ_OK)
            return st;
        nz_g_grad_done(v);
    }
    return NZ_OK;
}

nz_var *nz_mse(nz_graph *g, nz_var *pred, nz_var *target)
{
    const char *name = "mse";
    if (!g || nz_g_check_inputs(g, name, 2, pred, target) != NZ_OK)
        return NULL;
    int64_t count = nz_tensor_numel(pred->value);
    if (count < 1 || count != nz_tensor_numel(target->value)) {
        char a[96], b[96];
        nz_error(NZ_ERR_INVALID, "prediction %s and target %s must have the same, non-zero "
                 "number of elements", nz_tensor_describe(pred->value, a, sizeof a),
                 nz_tensor_describe(target->value, b, sizeof b));
        return nz_g_fail(g, NZ_ERR_INVALID, name);
    }
    nz_tensor *diff = nz_g_tensor_like(g, pred->value);
    nz_tensor *y = nz_g_tensor(g, 1, one_shape);
    if (!diff || !y)
        return nz_g_fail(g, NZ_ERR_NOMEM, name);
    double alpha = 1.0 / (double)count;
    nz_status st = nz_binary(diff, NZ_BIN_SUB, pred->value, target->value, 1.0, 0.0);
    if (st == NZ_OK)
        st = nz_reduce(y, NZ_RED_SUMSQ, NZ_AXIS_ALL, diff, alpha, 0.0);
    if (st != NZ_OK)
        return nz_g_fail(g, st, name);
    nz_node *node;
    nz_var *out = nz_g_output(g, name, mse_bw, y, pred, target, &node);
    if (node) {
        node->saved = diff;
        node->alpha = alpha;
    }
    return out;
}
