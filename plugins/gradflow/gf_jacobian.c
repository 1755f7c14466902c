/* Singular values of the input-output Jacobian J = d logits / d x at one
 * input.  Backpropagating the k one-hot output vectors as a batch of k rows
 * gives J's rows; the saved activations of the single input broadcast over
 * those rows.  The chain is renormalised per layer as in the probe, and J J^T
 * (k x k) is formed on the device, in double where the device has it, then
 * diagonalised on the host. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gf.h"

typedef struct jac_work {
    nz_tensor *t1, *t2, *jm, *jd, *g, *eye, *scales;
    nz_tensor *slot[GF_MAX_LAYERS];
} jac_work;

static void work_free(jac_work *w, int nl)
{
    for (int l = 0; l < nl; l++) nz_tensor_free(w->slot[l]);
    nz_tensor *all[] = {w->t1, w->t2, w->jm, w->jd, w->g, w->eye, w->scales};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) nz_tensor_free(all[i]);
}

static nz_status chain(gf_net *n, jac_work *w)
{
    /* delta at the logits: the identity (already normalised, max 1). */
    const nz_tensor *cur = w->eye;
    nz_tensor *p = w->t1, *q = w->t2;
    nz_status st = NZ_OK;
    for (int l = n->nl - 1; l >= 1 && st == NZ_OK; l--) {
        st = nz_matmul(p, cur, 0, n->layer[l].w.value, 1, 1.0, 0.0);
        /* q may be the previous cur: it has been consumed by now. */
        if (st == NZ_OK)
            st = nz_binary(q, gf_act_bwd(n->cfg.act), p, gf_saved(n, l - 1), 1.0, 0.0);
        if (st == NZ_OK) st = gf_normalise(p, q, w->slot[l - 1]);
        nz_tensor *done = p;
        p = q;
        q = done;
        cur = done;
    }
    if (st == NZ_OK) st = nz_matmul(w->jm, cur, 0, n->layer[0].w.value, 1, 1.0, 0.0);
    return st;
}

nz_status gf_jacobian(gf_net *n, const nz_tensor *x1, gf_jac *out)
{
    int k = (int)n->classes, nl = n->nl;
    int64_t width = n->cfg.width;
    memset(out, 0, sizeof *out);
    if (k > 64) return nz_error(NZ_ERR_INVALID, "gradflow: Jacobian for at most 64 classes");
    jac_work w;
    memset(&w, 0, sizeof w);
    int f64 = nz_device_supports(n->dev, NZ_OP_GEMM, NZ_F64) &&
              nz_device_supports(n->dev, NZ_OP_CAST, NZ_F32);
    float *eyef = calloc((size_t)(k * k), sizeof *eyef);
    double g[64 * 64], ev[64];
    float gf[64 * 64], scale_h[GF_MAX_LAYERS];
    nz_status st = eyef ? NZ_OK : nz_error(NZ_ERR_NOMEM, "gradflow: out of memory");
    if (st == NZ_OK) {
        for (int i = 0; i < k; i++) eyef[i * k + i] = 1.0f;
        w.eye = nz_tensor_from_host(n->dev, NZ_F32, 2, (const int64_t[]){k, k}, eyef);
        w.t1 = nz_tensor_create_2d(n->dev, NZ_F32, k, width);
        w.t2 = nz_tensor_create_2d(n->dev, NZ_F32, k, width);
        w.jm = nz_tensor_create_2d(n->dev, NZ_F32, k, n->in);
        w.scales = nz_tensor_zeros(n->dev, NZ_F32, 1, (const int64_t[]){nl});
        if (f64) {
            w.jd = nz_tensor_create_2d(n->dev, NZ_F64, k, n->in);
            w.g = nz_tensor_create_2d(n->dev, NZ_F64, k, k);
        } else {
            w.g = nz_tensor_create_2d(n->dev, NZ_F32, k, k);
        }
        if (!w.eye || !w.t1 || !w.t2 || !w.jm || !w.scales || !w.g || (f64 && !w.jd))
            st = nz_error_prefix(NZ_ERR_NOMEM, "gradflow: Jacobian buffers");
        for (int l = 0; l < nl && st == NZ_OK; l++)
            if (!(w.slot[l] = nz_tensor_rows(w.scales, l, 1)))
                st = nz_error_prefix(NZ_ERR_NOMEM, "gradflow: Jacobian view");
    }
    if (st == NZ_OK) st = gf_forward(n, x1);
    if (st == NZ_OK) st = chain(n, &w);
    if (st == NZ_OK && f64) {
        st = nz_cast(w.jd, w.jm);
        if (st == NZ_OK) st = nz_matmul(w.g, w.jd, 0, w.jd, 1, 1.0, 0.0);
        if (st == NZ_OK) st = nz_tensor_download(w.g, g, (size_t)(k * k) * sizeof(double));
    } else if (st == NZ_OK) {
        st = nz_matmul(w.g, w.jm, 0, w.jm, 1, 1.0, 0.0);
        if (st == NZ_OK) st = nz_tensor_download(w.g, gf, (size_t)(k * k) * sizeof(float));
        for (int i = 0; i < k * k; i++) g[i] = gf[i];
    }
    if (st == NZ_OK) st = nz_tensor_download(w.scales, scale_h, (size_t)nl * sizeof(float));
    if (st == NZ_OK) {
        /* J = J~ * prod(scales) over the hidden layers (slot l < nl-1). */
        double ln_scale = 0;
        for (int l = 0; l < nl - 1; l++) ln_scale += log((double)scale_h[l]);
        if (gf_sym_eigenvalues(g, k, ev) < 0)
            st = nz_error(NZ_ERR_NUMERIC, "gradflow: Jacobi did not converge on J J^T");
        out->k = k;
        double sum = 0;
        for (int i = 0; i < k && st == NZ_OK; i++) {
            double e = ev[i] > 0 ? ev[i] : 0;
            sum += e;
            out->ln_s[i] = 0.5 * log(e) + ln_scale;
        }
        out->ln_smax = out->ln_s[0];
        out->ln_mean_s2 = log(sum / k) + 2 * ln_scale;
        /* Non-zero: above the float rounding of J~'s entries (about 1e-6 of
         * the largest singular value after the sums in the chain). */
        out->rank = 0;
        out->ln_smin_nz = NAN;
        for (int i = 0; i < k; i++)
            if (ev[i] > 1e-10 * ev[0] && ev[0] > 0) {
                out->rank++;
                out->ln_smin_nz = out->ln_s[i];
            }
        if (ev[0] <= 0 || isnan(ev[0])) out->ln_smax = isnan(ev[0]) ? NAN : -INFINITY;
        if (!(ln_scale > -INFINITY)) out->ln_smax = out->ln_mean_s2 = ln_scale;
    }
    free(eyef);
    work_free(&w, nl);
    return st == NZ_OK ? NZ_OK : nz_error_prefix(st, "gradflow Jacobian");
}
