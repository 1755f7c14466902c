/* The tape: vars, recorded nodes, the tensor pool and the backward walk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/graph_internal.h"

struct nz_graph {
    nz_device *dev;
    nz_dtype dtype;
    nz_status err;           /* first failure since the last reset */
    char errmsg[512];        /* its message, kept: the thread's may move on */
    int backward_done;
    nz_var **vars;
    size_t nvars, capvars;
    nz_node *nodes;
    size_t nnodes, capnodes;
    nz_tensor **pool;        /* free tensors from earlier steps */
    size_t npool, cappool;
    nz_tensor **used;        /* handed out since the last reset */
    size_t nused, capused;
};

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    size_t ncap = *cap ? *cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return 0;
    *arr = p;
    *cap = ncap;
    return 1;
}

nz_graph *nz_graph_create(nz_device *dev, nz_dtype dtype)
{
    if (!dev) {
        nz_error(NZ_ERR_INVALID, "nz_graph_create: device is NULL");
        return NULL;
    }
    if (dtype != NZ_F32 && dtype != NZ_F64) {
        nz_error(NZ_ERR_INVALID, "nz_graph_create: dtype %s: use NZ_F32 or NZ_F64",
                 nz_dtype_name(dtype));
        return NULL;
    }
    nz_graph *g = calloc(1, sizeof *g);
    if (!g) {
        nz_error(NZ_ERR_NOMEM, "nz_graph_create: out of memory");
        return NULL;
    }
    g->dev = dev;
    g->dtype = dtype;
    return g;
}

void nz_graph_reset(nz_graph *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nvars; i++)
        free(g->vars[i]);
    g->nvars = 0;
    g->nnodes = 0;
    /* Everything handed out goes back to the pool for the next step. */
    if (grow((void **)&g->pool, &g->cappool, g->npool + g->nused, sizeof(nz_tensor *))) {
        if (g->nused) memcpy(g->pool + g->npool, g->used, g->nused * sizeof(nz_tensor *));
        g->npool += g->nused;
    } else {
        for (size_t i = 0; i < g->nused; i++)
            nz_tensor_free(g->used[i]);
    }
    g->nused = 0;
    g->err = NZ_OK;
    g->errmsg[0] = 0;
    g->backward_done = 0;
}

void nz_graph_free(nz_graph *g)
{
    if (!g)
        return;
    nz_graph_reset(g);
    for (size_t i = 0; i < g->npool; i++)
        nz_tensor_free(g->pool[i]);
    free(g->pool);
    free(g->used);
    free(g->vars);
    free(g->nodes);
    free(g);
}

nz_status nz_graph_status(const nz_graph *g)
{
    return g ? g->err : NZ_ERR_INVALID;
}

nz_device *nz_graph_device(const nz_graph *g)
{
    return g ? g->dev : NULL;
}

nz_dtype nz_graph_dtype(const nz_graph *g)
{
    return g ? g->dtype : NZ_F32;
}

int nz_g_failed(const nz_graph *g)
{
    return g->err != NZ_OK;
}

nz_var *nz_g_fail(nz_graph *g, nz_status st, const char *op)
{
    if (g->err == NZ_OK) {
        g->err = st;
        snprintf(g->errmsg, sizeof g->errmsg, "nn %s: %s", op, nz_last_error());
    }
    return NULL;
}

nz_status nz_g_check_inputs(nz_graph *g, const char *op, int n, nz_var *a, nz_var *b)
{
    if (g->err != NZ_OK)
        return g->err;
    nz_var *v[2] = {a, b};
    for (int i = 0; i < n; i++) {
        if (!v[i]) {
            nz_error(NZ_ERR_INVALID, "input %d is NULL (did an earlier step fail?)", i);
            nz_g_fail(g, NZ_ERR_INVALID, op);
            return NZ_ERR_INVALID;
        }
        if (nz_tensor_dtype(v[i]->value) != g->dtype) {
            nz_error(NZ_ERR_INVALID, "input %d is %s but the graph is %s: convert it first "
                     "(nz_cast)", i, nz_dtype_name(nz_tensor_dtype(v[i]->value)),
                     nz_dtype_name(g->dtype));
            nz_g_fail(g, NZ_ERR_INVALID, op);
            return NZ_ERR_INVALID;
        }
    }
    return NZ_OK;
}

static int same_shape(const nz_tensor *t, int ndim, const int64_t *shape)
{
    if (nz_tensor_ndim(t) != ndim)
        return 0;
    for (int i = 0; i < ndim; i++)
        if (nz_tensor_dim(t, i) != shape[i])
            return 0;
    return 1;
}

nz_tensor *nz_g_tensor(nz_graph *g, int ndim, const int64_t *shape)
{
    if (!grow((void **)&g->used, &g->capused, g->nused + 1, sizeof(nz_tensor *))) {
        nz_error(NZ_ERR_NOMEM, "out of memory");
        return NULL;
    }
    nz_tensor *t = NULL;
    for (size_t i = g->npool; i-- > 0;) {
        if (same_shape(g->pool[i], ndim, shape)) {
            t = g->pool[i];
            g->pool[i] = g->pool[--g->npool];
            break;
        }
    }
    if (!t)
        t = nz_tensor_create(g->dev, g->dtype, ndim, shape);
    if (t)
        g->used[g->nused++] = t;
    return t;
}

nz_tensor *nz_g_tensor_like(nz_graph *g, const nz_tensor *t)
{
    int64_t shape[NZ_MAX_DIMS];
    int nd = nz_tensor_ndim(t);
    for (int i = 0; i < nd; i++)
        shape[i] = nz_tensor_dim(t, i);
    return nz_g_tensor(g, nd, shape);
}

static nz_var *new_var(nz_graph *g)
{
    if (!grow((void **)&g->vars, &g->capvars, g->nvars + 1, sizeof(nz_var *)))
        return NULL;
    nz_var *v = calloc(1, sizeof *v);
    if (v)
        g->vars[g->nvars++] = v;
    return v;
}

nz_var *nz_g_var(nz_graph *g, nz_tensor *value, int requires_grad)
{
    nz_var *v = new_var(g);
    if (!v) {
        nz_error(NZ_ERR_NOMEM, "out of memory");
        return NULL;
    }
    v->value = value;
    v->requires_grad = requires_grad;
    return v;
}

nz_node *nz_g_record(nz_graph *g, const char *name, nz_backward_fn bw, nz_var *out)
{
    if (!grow((void **)&g->nodes, &g->capnodes, g->nnodes + 1, sizeof(nz_node))) {
        nz_error(NZ_ERR_NOMEM, "out of memory");
        return NULL;
    }
    nz_node *n = &g->nodes[g->nnodes++];
    memset(n, 0, sizeof *n);
    n->name = name;
    n->backward = bw;
    n->out = out;
    return n;
}

nz_var *nz_graph_param(nz_graph *g, nz_param *p)
{
    if (!g)
        return NULL;
    if (g->err != NZ_OK)
        return NULL;
    if (!p || !p->value || !p->grad) {
        nz_error(NZ_ERR_INVALID, "parameter is NULL or has no value/grad tensor "
                 "(initialise it with nz_param_init)");
        return nz_g_fail(g, NZ_ERR_INVALID, "param");
    }
    /* One var per parameter: a parameter used twice must accumulate into one
     * gradient, not have the second use overwrite the first. */
    for (size_t i = 0; i < g->nvars; i++)
        if (g->vars[i]->param == p)
            return g->vars[i];
    if (nz_tensor_dtype(p->value) != g->dtype || nz_tensor_device(p->value) != g->dev) {
        char a[96];
        nz_error(NZ_ERR_INVALID, "parameter '%s' is %s; the graph works in %s on %s", p->name,
                 nz_tensor_describe(p->value, a, sizeof a), nz_dtype_name(g->dtype),
                 nz_device_id(g->dev));
        return nz_g_fail(g, NZ_ERR_INVALID, "param");
    }
    nz_var *v = new_var(g);
    if (!v) {
        nz_error(NZ_ERR_NOMEM, "out of memory");
        return nz_g_fail(g, NZ_ERR_NOMEM, "param");
    }
    v->value = p->value;
    v->grad = p->grad;
    v->param = p;
    v->requires_grad = 1;
    return v;
}

nz_var *nz_graph_input(nz_graph *g, nz_tensor *t, int requires_grad)
{
    if (!g || g->err != NZ_OK)
        return NULL;
    if (!t) {
        nz_error(NZ_ERR_INVALID, "input tensor is NULL");
        return nz_g_fail(g, NZ_ERR_INVALID, "input");
    }
    if (nz_tensor_dtype(t) != g->dtype || nz_tensor_device(t) != g->dev) {
        char a[96];
        nz_error(NZ_ERR_INVALID, "input is %s; the graph works in %s on %s: convert it first "
                 "(nz_cast, nz_tensor_to)", nz_tensor_describe(t, a, sizeof a),
                 nz_dtype_name(g->dtype), nz_device_id(g->dev));
        return nz_g_fail(g, NZ_ERR_INVALID, "input");
    }
    nz_var *v = nz_g_var(g, t, requires_grad != 0);
    return v ? v : nz_g_fail(g, NZ_ERR_NOMEM, "input");
}

nz_tensor *nz_var_value(const nz_var *v)
{
    return v ? v->value : NULL;
}

nz_tensor *nz_var_grad(const nz_var *v)
{
    return v && v->grad_ready ? v->grad : NULL;
}

nz_status nz_g_grad_target(nz_graph *g, nz_var *v, nz_tensor **t, double *beta)
{
    if (!v->grad) {
        v->grad = nz_g_tensor_like(g, v->value);
        if (!v->grad)
            return NZ_ERR_NOMEM;
    }
    *t = v->grad;
    *beta = v->grad_ready ? 1.0 : 0.0;
    return NZ_OK;
}

nz_status nz_graph_backward(nz_graph *g, nz_var *loss)
{
    if (!g)
        return nz_error(NZ_ERR_INVALID, "nz_graph_backward: graph is NULL");
    if (g->err != NZ_OK)
        return nz_error(g->err, "%s", g->errmsg);
    if (!loss)
        return nz_error(NZ_ERR_INVALID, "nz_graph_backward: loss is NULL");
    if (g->backward_done)
        return nz_error(NZ_ERR_INVALID, "nz_graph_backward: already run on this tape; call "
                        "nz_graph_reset() and record the next step");
    if (nz_tensor_numel(loss->value) != 1) {
        char a[96];
        return nz_error(NZ_ERR_INVALID, "nz_graph_backward: the loss must have one element, "
                        "it is %s (reduce it with nz_v_sum or nz_v_mean)",
                        nz_tensor_describe(loss->value, a, sizeof a));
    }
    g->backward_done = 1;
    if (!loss->requires_grad)
        return nz_error(NZ_ERR_INVALID, "nz_graph_backward: the loss depends on no parameter "
                        "and no input that requires a gradient");
    nz_tensor *seed;
    double beta;
    nz_status st = nz_g_grad_target(g, loss, &seed, &beta);
    if (st == NZ_OK)
        st = nz_tensor_fill(seed, 1.0);
    if (st != NZ_OK)
        return nz_error_prefix(st, "nz_graph_backward: seeding the loss gradient");
    loss->grad_ready = 1;
    loss->grad_is_one = 1;
    for (size_t i = g->nnodes; i-- > 0;) {
        nz_node *n = &g->nodes[i];
        if (!n->out->grad_ready)
            continue;  /* the loss does not depend on this node */
        st = n->backward(g, n);
        if (st != NZ_OK)
            return nz_error_prefix(st, "nz_graph_backward: %s", n->name);
    }
    /* A parameter the loss does not depend on has gradient zero, not
     * whatever the previous step left there. */
    for (size_t i = 0; i < g->nvars; i++) {
        nz_var *v = g->vars[i];
        if (v->param && !v->grad_ready) {
            if ((st = nz_tensor_fill(v->grad, 0.0)) != NZ_OK)
                return nz_error_prefix(st, "nz_graph_backward: zeroing '%s'", v->param->name);
            v->grad_ready = 1;
        }
    }
    return NZ_OK;
}

nz_var *nz_g_output(nz_graph *g, const char *op, nz_backward_fn bw, nz_tensor *value,
                    nz_var *a, nz_var *b, nz_node **node)
{
    if (node)
        *node = NULL;
    int rg = (a && a->requires_grad) || (b && b->requires_grad);
    nz_var *out = nz_g_var(g, value, rg);
    if (!out)
        return nz_g_fail(g, NZ_ERR_NOMEM, op);
    /* Nothing below needs a gradient: no tape entry, no saved values. */
    if (!rg)
        return out;
    nz_node *n = nz_g_record(g, op, bw, out);
    if (!n)
        return nz_g_fail(g, NZ_ERR_NOMEM, op);
    n->in[0] = a;
    n->in[1] = b;
    if (node)
        *node = n;
    return out;
}
