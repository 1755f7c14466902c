/* One probe of the gradient flow at the current weights.
 *
 * The backward chain is the same as gf_backward, except that after every
 * layer dL/dz_l is divided by its largest magnitude (on the device, by a
 * one-element tensor, no host round trip).  Every number the host reads back
 * is then O(1) in float, and the true norm is that times the product of the
 * divisors, accumulated as a sum of logs in double (gf_profile_assemble): a
 * depth-30 sigmoid net whose gradients shrink to 1e-30 and below neither
 * underflows nor silently reads as 0. */
#include <math.h>
#include <stdlib.h>

#include "gf.h"

static nz_status views_create(nz_tensor *stats, int count, nz_tensor **v)
{
    for (int i = 0; i < count; i++) {
        v[i] = nz_tensor_rows(stats, i, 1);
        if (!v[i]) return nz_error_prefix(NZ_ERR_NOMEM, "gradflow: stats view");
    }
    return NZ_OK;
}

static void views_free(nz_tensor **v, int count)
{
    for (int i = 0; i < count; i++) nz_tensor_free(v[i]);
}

static nz_status probe_device(gf_net *n, const nz_tensor *x, const nz_tensor *labels,
                              nz_tensor **s, nz_tensor *lossv)
{
    int top = n->nl - 1;
    nz_status st = gf_forward(n, x);
    if (st == NZ_OK) st = nz_softmax_xent_forward(lossv, NULL, n->z[top], labels);
    if (st == NZ_OK)
        st = nz_reduce(s[n->nl * GF_S_COUNT], NZ_RED_SUM, NZ_AXIS_ALL, lossv,
                       1.0 / (double)n->m, 0.0);
    for (int l = 0; l < n->nl && st == NZ_OK; l++) {
        nz_tensor **sl = s + l * GF_S_COUNT;
        st = nz_reduce(sl[GF_S_SUMSQ_W], NZ_RED_SUMSQ, NZ_AXIS_ALL, n->layer[l].w.value, 1.0, 0.0);
        /* d and a are free until the backward chain reaches this layer. */
        if (st == NZ_OK && l < top)
            st = gf_phi_stats(n, l, n->d[l], n->a[l], sl[GF_S_PHI2], sl[GF_S_SAT]);
    }
    if (st == NZ_OK)
        st = nz_softmax_xent_backward(n->a[top], n->z[top], labels, 1.0 / (double)n->m, 0.0);
    if (st == NZ_OK) st = gf_normalise(n->d[top], n->a[top], s[top * GF_S_COUNT + GF_S_MAXABS]);
    for (int l = top; l >= 0 && st == NZ_OK; l--) {
        nz_tensor **sl = s + l * GF_S_COUNT;
        const nz_tensor *in = l ? n->h[l - 1] : x;
        st = nz_reduce(sl[GF_S_SUMSQ_D], NZ_RED_SUMSQ, NZ_AXIS_ALL, n->d[l], 1.0, 0.0);
        /* The weight gradient of the normalised delta (same scale factor);
         * the grad tensor is scratch here, training overwrites it. */
        if (st == NZ_OK) st = nz_matmul(n->layer[l].w.grad, in, 1, n->d[l], 0, 1.0, 0.0);
        if (st == NZ_OK)
            st = nz_reduce(sl[GF_S_SUMSQ_GW], NZ_RED_SUMSQ, NZ_AXIS_ALL, n->layer[l].w.grad, 1.0,
                           0.0);
        if (l == 0 || st != NZ_OK) continue;
        st = nz_matmul(n->a[l - 1], n->d[l], 0, n->layer[l].w.value, 1, 1.0, 0.0);
        if (st == NZ_OK)
            st = nz_binary(n->d[l - 1], gf_act_bwd(n->cfg.act), n->a[l - 1], gf_saved(n, l - 1),
                           1.0, 0.0);
        if (st == NZ_OK)
            st = gf_normalise(n->a[l - 1], n->d[l - 1], s[(l - 1) * GF_S_COUNT + GF_S_MAXABS]);
        if (st == NZ_OK) { /* the normalised delta is the one carried on */
            nz_tensor *t = n->d[l - 1];
            n->d[l - 1] = n->a[l - 1];
            n->a[l - 1] = t;
        }
    }
    return st;
}

nz_status gf_probe(gf_net *n, const nz_tensor *x, const nz_tensor *labels, gf_profile *p)
{
    int count = n->nl * GF_S_COUNT + 1;
    nz_tensor *stats = nz_tensor_zeros(n->dev, NZ_F32, 1, (const int64_t[]){count});
    nz_tensor *lossv = nz_tensor_create_1d(n->dev, NZ_F32, nz_tensor_rows_count(x));
    nz_tensor **v = calloc((size_t)count, sizeof *v);
    float *host = malloc((size_t)count * sizeof *host);
    double *raw = malloc((size_t)count * sizeof *raw);
    nz_status st = stats && lossv && v && host && raw
                       ? NZ_OK
                       : nz_error(NZ_ERR_NOMEM, "gradflow: out of memory for a probe");
    if (st == NZ_OK) st = views_create(stats, count, v);
    if (st == NZ_OK) st = probe_device(n, x, labels, v, lossv);
    if (st == NZ_OK) st = nz_tensor_download(stats, host, (size_t)count * sizeof *host);
    if (st == NZ_OK) {
        int64_t fi[GF_MAX_LAYERS], fo[GF_MAX_LAYERS];
        for (int l = 0; l < n->nl; l++) {
            fi[l] = n->layer[l].in;
            fo[l] = n->layer[l].out;
        }
        for (int i = 0; i < count; i++) raw[i] = host[i];
        gf_profile_assemble(raw, n->nl, fi, fo, n->m, raw[count - 1], p);
    }
    if (v) views_free(v, count);
    free(v);
    free(host);
    free(raw);
    nz_tensor_free(lossv);
    nz_tensor_free(stats);
    return st == NZ_OK ? NZ_OK : nz_error_prefix(st, "gradflow probe");
}
