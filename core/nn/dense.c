/* Dense layers and the MLP built from them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nazo/nn.h"

nz_status nz_dense_init(nz_dense *l, nz_device *dev, nz_dtype dtype, int64_t in, int64_t out,
                        int weight_out_in, int bias, nz_init init, double sigma, uint64_t seed,
                        uint64_t stream)
{
    if (!l)
        return nz_error(NZ_ERR_INVALID, "nz_dense_init: layer is NULL");
    memset(l, 0, sizeof *l);
    if (in < 1 || out < 1)
        return nz_error(NZ_ERR_INVALID, "nz_dense_init: sizes %lld -> %lld must be >= 1",
                        (long long)in, (long long)out);
    l->in = in;
    l->out = out;
    l->weight_out_in = weight_out_in != 0;
    l->has_bias = bias != 0;
    int64_t ws[2] = {weight_out_in ? out : in, weight_out_in ? in : out};
    nz_status st = nz_param_init(&l->w, dev, dtype, 2, ws, "weight");
    if (st == NZ_OK)
        st = nz_init_tensor(l->w.value, init, in, out, sigma, seed, stream);
    if (st == NZ_OK && bias) {
        st = nz_param_init(&l->b, dev, dtype, 1, &out, "bias");
        if (st == NZ_OK)
            st = nz_tensor_fill(l->b.value, 0.0);
    }
    if (st != NZ_OK) {
        nz_dense_release(l);
        return nz_error_prefix(st, "nz_dense_init (%lld -> %lld)", (long long)in,
                               (long long)out);
    }
    return NZ_OK;
}

void nz_dense_release(nz_dense *l)
{
    if (!l)
        return;
    nz_param_release(&l->w);
    nz_param_release(&l->b);
}

nz_var *nz_dense_forward(nz_graph *g, nz_dense *l, nz_var *x)
{
    if (!g)
        return NULL;
    if (!l || !l->w.value) {
        nz_error(NZ_ERR_INVALID, "nz_dense_forward: layer is NULL or not initialised");
        return NULL;
    }
    nz_var *y = nz_v_matmul(g, x, 0, nz_graph_param(g, &l->w), l->weight_out_in);
    return l->has_bias ? nz_v_add_bias(g, y, nz_graph_param(g, &l->b)) : y;
}

struct nz_mlp {
    int nlayers;
    nz_activation act;
    nz_dense *layers;
    nz_param **params;
    size_t nparams;
};

void nz_mlp_free(nz_mlp *m)
{
    if (!m)
        return;
    for (int i = 0; m->layers && i < m->nlayers; i++)
        nz_dense_release(&m->layers[i]);
    free(m->layers);
    free(m->params);
    free(m);
}

nz_mlp *nz_mlp_create(nz_device *dev, nz_dtype dtype, int nsizes, const int64_t *sizes,
                      nz_activation act, nz_init init, uint64_t seed)
{
    if (nsizes < 2 || !sizes) {
        nz_error(NZ_ERR_INVALID, "nz_mlp_create: need at least 2 layer sizes (inputs and "
                 "outputs), got %d", nsizes);
        return NULL;
    }
    if ((unsigned)act >= NZ_ACT_COUNT) {
        nz_error(NZ_ERR_INVALID, "nz_mlp_create: unknown activation %d", (int)act);
        return NULL;
    }
    nz_mlp *m = calloc(1, sizeof *m);
    if (m) {
        m->layers = calloc((size_t)nsizes - 1, sizeof(nz_dense));
        m->params = calloc(2 * ((size_t)nsizes - 1), sizeof(nz_param *));
    }
    if (!m || !m->layers || !m->params) {
        nz_mlp_free(m);
        nz_error(NZ_ERR_NOMEM, "nz_mlp_create: out of memory");
        return NULL;
    }
    m->act = act;
    for (int i = 0; i < nsizes - 1; i++) {
        nz_status st = nz_dense_init(&m->layers[i], dev, dtype, sizes[i], sizes[i + 1], 0, 1,
                                     init, 0.0, seed, (uint64_t)i);
        if (st != NZ_OK) {
            nz_error_prefix(st, "nz_mlp_create: layer %d", i);
            nz_mlp_free(m);
            return NULL;
        }
        m->nlayers = i + 1;
        snprintf(m->layers[i].w.name, sizeof m->layers[i].w.name, "layer%d.weight", i);
        snprintf(m->layers[i].b.name, sizeof m->layers[i].b.name, "layer%d.bias", i);
        m->params[m->nparams++] = &m->layers[i].w;
        m->params[m->nparams++] = &m->layers[i].b;
    }
    return m;
}

nz_var *nz_mlp_forward(nz_graph *g, nz_mlp *m, nz_var *x)
{
    if (!m) {
        nz_error(NZ_ERR_INVALID, "nz_mlp_forward: mlp is NULL");
        return NULL;
    }
    for (int i = 0; i < m->nlayers; i++) {
        x = nz_dense_forward(g, &m->layers[i], x);
        if (i + 1 < m->nlayers)
            x = nz_v_act(g, x, m->act);
    }
    return x;
}

int nz_mlp_layer_count(const nz_mlp *m)
{
    return m ? m->nlayers : 0;
}

nz_dense *nz_mlp_layer(nz_mlp *m, int i)
{
    return m && i >= 0 && i < m->nlayers ? &m->layers[i] : NULL;
}

size_t nz_mlp_param_count(const nz_mlp *m)
{
    return m ? m->nparams : 0;
}

nz_param **nz_mlp_params(nz_mlp *m)
{
    return m ? m->params : NULL;
}
