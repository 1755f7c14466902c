/* Recorded linear ops: matmul, bias, element-wise add/sub/mul and scale. */
#include "nn/graph_internal.h"

static nz_var *op_fail(nz_graph *g, nz_status st, const char *op)
{
    return nz_g_fail(g, st, op);
}

/* ---- matmul ---- */

static nz_status matmul_bw(nz_graph *g, nz_node *n)
{
    nz_var *a = n->in[0], *b = n->in[1];
    int ta = n->flag[0], tb = n->flag[1];
    const nz_tensor *dc = n->out->grad;
    nz_tensor *t;
    double beta;
    nz_status st;
    if (nz_g_wants(a)) {
        if ((st = nz_g_grad_target(g, a, &t, &beta)) != NZ_OK)
            return st;
        /* op(A) gets dC op(B)^T; A itself gets that or its transpose. */
        st = ta ? nz_matmul(t, b->value, tb, dc, 1, 1.0, beta)
                : nz_matmul(t, dc, 0, b->value, !tb, 1.0, beta);
        if (st != NZ_OK)
            return st;
        nz_g_grad_done(a);
    }
    if (nz_g_wants(b)) {
        if ((st = nz_g_grad_target(g, b, &t, &beta)) != NZ_OK)
            return st;
        st = tb ? nz_matmul(t, dc, 1, a->value, ta, 1.0, beta)
                : nz_matmul(t, a->value, !ta, dc, 0, 1.0, beta);
        if (st != NZ_OK)
            return st;
        nz_g_grad_done(b);
    }
    return NZ_OK;
}

nz_var *nz_v_matmul(nz_graph *g, nz_var *a, int trans_a, nz_var *b, int trans_b)
{
    if (!g || nz_g_check_inputs(g, "matmul", 2, a, b) != NZ_OK)
        return NULL;
    if (nz_tensor_ndim(a->value) != 2 || nz_tensor_ndim(b->value) != 2) {
        char da[96], db[96];
        nz_error(NZ_ERR_INVALID, "operands must be 2-D, got %s and %s",
                 nz_tensor_describe(a->value, da, sizeof da),
                 nz_tensor_describe(b->value, db, sizeof db));
        return op_fail(g, NZ_ERR_INVALID, "matmul");
    }
    int64_t m = nz_tensor_dim(a->value, trans_a ? 1 : 0);
    int64_t n = nz_tensor_dim(b->value, trans_b ? 0 : 1);
    int64_t shape[2] = {m, n};
    nz_tensor *c = nz_g_tensor(g, 2, shape);
    if (!c)
        return op_fail(g, NZ_ERR_NOMEM, "matmul");
    nz_status st = nz_matmul(c, a->value, trans_a, b->value, trans_b, 1.0, 0.0);
    if (st != NZ_OK)
        return op_fail(g, st, "matmul");
    nz_node *node;
    nz_var *out = nz_g_output(g, "matmul", matmul_bw, c, a, b, &node);
    if (node) {
        node->flag[0] = trans_a != 0;
        node->flag[1] = trans_b != 0;
    }
    return out;
}

/* ---- bias ---- */

static nz_status add_bias_bw(nz_graph *g, nz_node *n)
{
    nz_var *x = n->in[0], *b = n->in[1];
    const nz_tensor *dy = n->out->grad;
    nz_tensor *t;
    double beta;
    nz_status st;
    if (nz_g_wants(x)) {
        if ((st = nz_g_grad_target(g, x, &t, &beta)) != NZ_OK ||
            (st = nz_unary(t, NZ_UN_IDENTITY, dy, 0, 0, 1.0, beta)) != NZ_OK)
            return st;
        nz_g_grad_done(x);
    }
    if (nz_g_wants(b)) {
        /* The bias was repeated down the rows: its gradient sums them. */
        if ((st = nz_g_grad_target(g, b, &t, &beta)) != NZ_OK ||
            (st = nz_reduce(t, NZ_RED_SUM, NZ_AXIS_COLS, dy, 1.0, beta)) != NZ_OK)
            return st;
        nz_g_grad_done(b);
    }
    return NZ_OK;
}

nz_var *nz_v_add_bias(nz_graph *g, nz_var *x, nz_var *bias)
{
    if (!g || nz_g_check_inputs(g, "add_bias", 2, x, bias) != NZ_OK)
        return NULL;
    int64_t cols = nz_tensor_cols_count(x->value);
    const nz_tensor *bv = bias->value;
    int nd = nz_tensor_ndim(bv);
    if (!((nd == 1 && nz_tensor_dim(bv, 0) == cols) ||
          (nd == 2 && nz_tensor_dim(bv, 0) == 1 && nz_tensor_dim(bv, 1) == cols))) {
        char dx[96], db[96];
        nz_error(NZ_ERR_INVALID, "bias %s does not match x %s: expected [%lld] or [1,%lld]",
                 nz_tensor_describe(bv, db, sizeof db), nz_tensor_describe(x->value, dx, sizeof dx),
                 (long long)cols, (long long)cols);
        return op_fail(g, NZ_ERR_INVALID, "add_bias");
    }
    nz_tensor *y = nz_g_tensor_like(g, x->value);
    if (!y)
        return op_fail(g, NZ_ERR_NOMEM, "add_bias");
    nz_status st = nz_binary(y, NZ_BIN_ADD, x->value, bv, 1.0, 0.0);
    if (st != NZ_OK)
        return op_fail(g, st, "add_bias");
    return nz_g_output(g, "add_bias", add_bias_bw, y, x, bias, NULL);
}

/* ---- element-wise ---- */

enum { EW_ADD, EW_SUB, EW_MUL };

static nz_status ew_bw(nz_graph *g, nz_node *n)
{
    const nz_tensor *dy = n->out->grad;
    for (int i = 0; i < 2; i++) {
        nz_var *v = n->in[i];
        if (!nz_g_wants(v))
            continue;
        nz_tensor *t;
        double beta;
        nz_status st = nz_g_grad_target(g, v, &t, &beta);
        if (st != NZ_OK)
            return st;
        if (n->flag[0] == EW_MUL)  /* d(a*b)/da = b and the other way round */
            st = nz_binary(t, NZ_BIN_MUL, dy, n->in[1 - i]->value, 1.0, beta);
        else
            st = nz_unary(t, NZ_UN_IDENTITY, dy, 0, 0,
                          (n->flag[0] == EW_SUB && i == 1) ? -1.0 : 1.0, beta);
        if (st != NZ_OK)
            return st;
        nz_g_grad_done(v);
    }
    return NZ_OK;
}

static nz_var *elementwise(nz_graph *g, const char *name, int kind, nz_var *a, nz_var *b)
{
    if (!g || nz_g_check_inputs(g, name, 2, a, b) != NZ_OK)
        return NULL;
    if (nz_tensor_numel(a->value) != nz_tensor_numel(b->value)) {
        char da[96], db[96];
        nz_error(NZ_ERR_INVALID, "shapes differ: %s and %s (use nz_v_add_bias to broadcast a "
                 "bias)", nz_tensor_describe(a->value, da, sizeof da),
                 nz_tensor_describe(b->value, db, sizeof db));
        return op_fail(g, NZ_ERR_INVALID, name);
    }
    nz_tensor *y = nz_g_tensor_like(g, a->value);
    if (!y)
        return op_fail(g, NZ_ERR_NOMEM, name);
    static const nz_binary_fn fns[3] = {NZ_BIN_ADD, NZ_BIN_SUB, NZ_BIN_MUL};
    nz_status st = nz_binary(y, fns[kind], a->value, b->value, 1.0, 0.0);
    if (st != NZ_OK)
        return op_fail(g, st, name);
    nz_node *node;
    nz_var *out = nz_g_output(g, name, ew_bw, y, a, b, &node);
    if (node)
        node->flag[0] = kind;
    return out;
}

nz_var *nz_v_add(nz_graph *g, nz_var *a, nz_var *b)
{
    return elementwise(g, "add", EW_ADD, a, b);
}

nz_var *nz_v_sub(nz_graph *g, nz_var *a, nz_var *b)
{
    return elementwise(g, "sub", EW_SUB, a, b);
}

nz_var *nz_v_mul(nz_graph *g, nz_var *a, nz_var *b)
{
    return elementwise(g, "mul", EW_MUL, a, b);
}

/* ---- scale ---- */

static nz_status scale_bw(nz_graph *g, nz_node *n)
{
    nz_var *x = n->in[0];
    nz_tensor *t;
    double beta;
    nz_status st = nz_g_grad_target(g, x, &t, &beta);
    if (st == NZ_OK)
        st = nz_unary(t, NZ_UN_IDENTITY, n->out->grad, 0, 0, n->alpha, beta);
    if (st == NZ_OK)
        nz_g_grad_done(x);
    return st;
}

nz_var *nz_v_scale(nz_graph *g, nz_var *x, double alpha)
{
    if (!g || nz_g_check_inputs(g, "scale", 1, x, NULL) != NZ_OK)
        return NULL;
    nz_tensor *y = nz_g_tensor_like(g, x->value);
    if (!y)
        return op_fail(g, NZ_ERR_NOMEM, "scale");
    nz_status st = nz_unary(y, NZ_UN_IDENTITY, x->value, 0, 0, alpha, 0.0);
    if (st != NZ_OK)
        return op_fail(g, st, "scale");
    nz_node *node;
    nz_var *out = nz_g_output(g, "scale", scale_bw, y, x, NULL, &node);
    if (node)
        node->alpha = alpha;
    return out;
}
