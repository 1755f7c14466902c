/* The network: dense layers from nz_dense (so initialisation is the core's,
 * identical on every device) driven by our own forward and backward chain,
 * which keeps every pre-activation z_l and every dL/dz_l on the device. */
#include <math.h>
#include <stdlib.h>

#include "gf.h"

static nz_init core_init(gf_init i)
{
    switch (i) {
    case GF_INIT_STANDARD: return NZ_INIT_UNIFORM;
    case GF_INIT_GLOROT: return NZ_INIT_GLOROT_NORMAL;
    case GF_INIT_HE: return NZ_INIT_HE_NORMAL;
    case GF_INIT_ORTHOGONAL: return NZ_INIT_ORTHOGONAL;
    default: return NZ_INIT_NORMAL;
    }
}

static void free_rows(gf_net *n)
{
    for (int l = 0; l < n->nl; l++) {
        nz_tensor_free(n->z[l]);
        nz_tensor_free(n->h[l]);
        nz_tensor_free(n->d[l]);
        nz_tensor_free(n->a[l]);
        n->z[l] = n->h[l] = n->d[l] = n->a[l] = NULL;
    }
    n->m = 0;
}

nz_status gf_net_rows(gf_net *n, int64_t m)
{
    if (n->m == m) return NZ_OK;
    free_rows(n);
    for (int l = 0; l < n->nl; l++) {
        int64_t out = n->layer[l].out;
        n->z[l] = nz_tensor_create_2d(n->dev, NZ_F32, m, out);
        n->d[l] = nz_tensor_create_2d(n->dev, NZ_F32, m, out);
        n->a[l] = nz_tensor_create_2d(n->dev, NZ_F32, m, out);
        if (l < n->nl - 1) n->h[l] = nz_tensor_create_2d(n->dev, NZ_F32, m, out);
        if (!n->z[l] || !n->d[l] || !n->a[l] || (l < n->nl - 1 && !n->h[l])) {
            free_rows(n);
            return nz_error_prefix(NZ_ERR_NOMEM, "gradflow: buffers for %lld rows",
                                   (long long)m);
        }
    }
    n->m = m;
    return NZ_OK;
}

void gf_net_free(gf_net *n)
{
    if (!n) return;
    if (n->z) free_rows(n);
    if (n->layer)
        for (int l = 0; l < n->nl; l++) nz_dense_release(&n->layer[l]);
    nz_tensor_free(n->one);
    free(n->layer);
    free(n->params);
    free(n->z);
    free(n->h);
    free(n->d);
    free(n->a);
    free(n);
}

nz_status gf_net_create(nz_device *dev, const gf_config *cfg, int64_t in, int64_t classes,
                        uint64_t seed, gf_net **out)
{
    *out = NULL;
    if (cfg->depth < 1 || cfg->depth + 1 > GF_MAX_LAYERS)
        return nz_error(NZ_ERR_INVALID, "gradflow: depth %d outside [1, %d]", cfg->depth,
                        GF_MAX_LAYERS - 1);
    gf_net *n = calloc(1, sizeof *n);
    if (!n) return nz_error(NZ_ERR_NOMEM, "gradflow: out of memory");
    n->dev = dev;
    n->cfg = *cfg;
    n->nl = cfg->depth + 1;
    n->in = in;
    n->classes = classes;
    size_t nl = (size_t)n->nl;
    n->layer = calloc(nl, sizeof *n->layer);
    n->params = calloc(2 * nl, sizeof *n->params);
    n->z = calloc(nl, sizeof *n->z);
    n->h = calloc(nl, sizeof *n->h);
    n->d = calloc(nl, sizeof *n->d);
    n->a = calloc(nl, sizeof *n->a);
    if (!n->layer || !n->params || !n->z || !n->h || !n->d || !n->a) {
        gf_net_free(n);
        return nz_error(NZ_ERR_NOMEM, "gradflow: out of memory");
    }
    nz_status st = NZ_OK;
    for (int l = 0; l < n->nl && st == NZ_OK; l++) {
        int64_t fi = l ? cfg->width : in, fo = l < n->nl - 1 ? cfg->width : classes;
        /* NZ_INIT_NORMAL takes an absolute deviation; ours is per sqrt(fan_in),
         * the mean-field convention, and orthogonal takes a gain. */
        double sigma = cfg->init == GF_INIT_NORMAL ? cfg->sigma_w / sqrt((double)fi)
                                                   : cfg->sigma_w;
        /* Stream l: layer l gets the same weights whatever the depth. */
        st = nz_dense_init(&n->layer[l], dev, NZ_F32, fi, fo, 0, 1, core_init(cfg->init), sigma,
                           seed, (uint64_t)l);
        n->params[2 * l] = &n->layer[l].w;
        n->params[2 * l + 1] = &n->layer[l].b;
    }
    if (st == NZ_OK) {
        const float one = 1.0f;
        const int64_t shape[1] = {1};
        n->one = nz_tensor_from_host(dev, NZ_F32, 1, shape, &one);
        if (!n->one) st = nz_error_prefix(NZ_ERR_NOMEM, "gradflow: constant");
    }
    if (st != NZ_OK) {
        gf_net_free(n);
        return st;
    }
    *out = n;
    return NZ_OK;
}

const nz_tensor *gf_saved(const gf_net *n, int l)
{
    return gf_act_bwd_takes_z(n->cfg.act) ? n->z[l] : n->h[l];
}

nz_status gf_forward(gf_net *n, const nz_tensor *x)
{
    nz_status st = gf_net_rows(n, nz_tensor_rows_count(x));
    for (int l = 0; l < n->nl && st == NZ_OK; l++) {
        const nz_tensor *in = l ? n->h[l - 1] : x;
        /* z = bias (broadcast over rows), then z += in W. */
        st = nz_unary(n->z[l], NZ_UN_IDENTITY, n->layer[l].b.value, 0, 0, 1.0, 0.0);
        if (st == NZ_OK) st = nz_matmul(n->z[l], in, 0, n->layer[l].w.value, 0, 1.0, 1.0);
        if (st == NZ_OK && l < n->nl - 1)
            st = nz_unary(n->h[l], gf_act_unary(n->cfg.act), n->z[l], 0, 0, 1.0, 0.0);
    }
    return st;
}

nz_status gf_backward(gf_net *n, const nz_tensor *x, const nz_tensor *labels)
{
    int top = n->nl - 1;
    nz_status st = nz_softmax_xent_backward(n->d[top], n->z[top], labels, 1.0 / (double)n->m, 0.0);
    for (int l = top; l >= 0 && st == NZ_OK; l--) {
        const nz_tensor *in = l ? n->h[l - 1] : x;
        st = nz_matmul(n->layer[l].w.grad, in, 1, n->d[l], 0, 1.0, 0.0);
        if (st == NZ_OK)
            st = nz_reduce(n->layer[l].b.grad, NZ_RED_SUM, NZ_AXIS_COLS, n->d[l], 1.0, 0.0);
        if (st == NZ_OK && l > 0)
            st = nz_matmul(n->a[l - 1], n->d[l], 0, n->layer[l].w.value, 1, 1.0, 0.0);
        if (st == NZ_OK && l > 0)
            st = nz_binary(n->d[l - 1], gf_act_bwd(n->cfg.act), n->a[l - 1], gf_saved(n, l - 1),
                           1.0, 0.0);
    }
    return st;
}

nz_status gf_normalise(nz_tensor *out, const nz_tensor *x, nz_tensor *slot)
{
    nz_status st = nz_unary(out, NZ_UN_ABS, x, 0, 0, 1.0, 0.0);
    if (st == NZ_OK) st = nz_reduce(slot, NZ_RED_MAX, NZ_AXIS_ALL, out, 1.0, 0.0);
    if (st == NZ_OK) st = nz_binary(out, NZ_BIN_DIV, x, slot, 1.0, 0.0);
    return st;
}

nz_status gf_phi_stats(const gf_net *n, int l, nz_tensor *dphi, nz_tensor *scratch,
                       nz_tensor *slot_phi2, nz_tensor *slot_sat)
{
    /* phi'(z) is the derivative op applied to an upstream gradient of 1. */
    nz_status st = nz_binary(dphi, gf_act_bwd(n->cfg.act), n->one, gf_saved(n, l), 1.0, 0.0);
    if (st == NZ_OK) st = nz_reduce(slot_phi2, NZ_RED_SUMSQ, NZ_AXIS_ALL, dphi, 1.0, 0.0);
    /* saturated: phi' < 0.1 max phi', i.e. step(0.1 max - phi') = 1 (for relu: z <= 0) */
    if (st == NZ_OK)
        st = nz_unary(scratch, NZ_UN_AFFINE, dphi, -1.0, 0.1 * gf_act_dmax(n->cfg.act), 1.0, 0.0);
    if (st == NZ_OK) st = nz_unary(dphi, NZ_UN_STEP, scratch, 0, 0, 1.0, 0.0);
    if (st == NZ_OK) st = nz_reduce(slot_sat, NZ_RED_SUM, NZ_AXIS_ALL, dphi, 1.0, 0.0);
    return st;
}
