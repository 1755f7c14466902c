/* The measuring chain against nazo's own autodiff on small nets: the plain
 * backward pass gives the same weight gradients as nz_graph; the
 * renormalised probe gives the same norms; a depth-60 sigmoid net whose
 * float gradients underflow to 0 still gets a finite, theory-sized ratio;
 * and the Jacobian's singular values match J built row by row by autodiff. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gf.h"
#include "test_gf_check.h"

enum { IN = 20, M = 8, CLASSES = 10 };

static double host_norm(const nz_tensor *t)
{
    int64_t n = nz_tensor_numel(t);
    float *v = malloc((size_t)n * sizeof *v);
    double s = 0;
    if (v && nz_tensor_download(t, v, (size_t)n * sizeof *v) == NZ_OK)
        for (int64_t i = 0; i < n; i++) s += (double)v[i] * v[i];
    free(v);
    return sqrt(s);
}

static float *host_copy(const nz_tensor *t)
{
    int64_t n = nz_tensor_numel(t);
    float *v = malloc((size_t)n * sizeof *v);
    if (v) nz_tensor_download(t, v, (size_t)n * sizeof *v);
    return v;
}

/* inputs x [rows, IN] ~ N(0, 1) and labels i % CLASSES */
static void make_batch(nz_device *dev, int64_t rows, nz_tensor **x, nz_tensor **y)
{
    int32_t lab[64];
    for (int i = 0; i < rows; i++) lab[i] = i % CLASSES;
    *x = nz_tensor_create_2d(dev, NZ_F32, rows, IN);
    nz_random(*x, NZ_RNG_NORMAL, 0.0, 1.0, 5, 0, 0);
    *y = nz_tensor_from_host(dev, NZ_I32, 1, (const int64_t[]){rows}, lab);
}

/* The loss of the same net through nz_graph; leaves gradients in the params. */
static nz_status graph_backward(nz_device *dev, gf_net *n, nz_tensor *x, nz_tensor *y)
{
    nz_graph *g = nz_graph_create(dev, NZ_F32);
    nz_var *v = nz_graph_input(g, x, 0);
    for (int l = 0; l < n->nl; l++) {
        v = nz_dense_forward(g, &n->layer[l], v);
        if (l < n->nl - 1) v = nz_v_act(g, v, n->cfg.act);
    }
    nz_status st = nz_graph_backward(g, nz_softmax_xent(g, v, y));
    nz_graph_free(g);
    return st;
}

static void test_against_autodiff(nz_device *dev)
{
    const nz_activation acts[] = {NZ_ACT_RELU, NZ_ACT_SIGMOID, NZ_ACT_TANH, NZ_ACT_GELU};
    for (int ai = 0; ai < 4; ai++) {
        gf_config cfg = {acts[ai], GF_INIT_GLOROT, 3, 16, 1.0};
        gf_net *n = NULL;
        nz_tensor *x, *y;
        make_batch(dev, M, &x, &y);
        CHECK_OK(gf_net_create(dev, &cfg, IN, CLASSES, 3, &n));
        CHECK_OK(gf_forward(n, x));
        CHECK_OK(gf_backward(n, x, y));
        float *ours[8];
        double dz[8];
        for (int l = 0; l < n->nl; l++) {
            ours[l] = host_copy(n->layer[l].w.grad);
            dz[l] = host_norm(n->d[l]);
        }
        /* The probe: the same norms through the renormalised chain. */
        gf_profile p;
        CHECK_OK(gf_probe(n, x, y, &p));
        for (int l = 0; l < n->nl; l++) {
            double gw = 0;
            int64_t cnt = nz_tensor_numel(n->layer[l].w.grad);
            for (int64_t i = 0; i < cnt; i++) gw += (double)ours[l][i] * ours[l][i];
            CHECK(fabs(exp(p.ln_dw[l]) / sqrt(gw) - 1) < 1e-4, "%s layer %d: probe |dW| %.7g, plain %.7g",
                  nz_activation_name(cfg.act), l + 1, exp(p.ln_dw[l]), sqrt(gw));
            CHECK(fabs(exp(p.ln_dz[l]) / dz[l] - 1) < 1e-4, "%s layer %d: probe |dz| %.7g, plain %.7g",
                  nz_activation_name(cfg.act), l + 1, exp(p.ln_dz[l]), dz[l]);
        }
        CHECK_OK(graph_backward(dev, n, x, y));
        for (int l = 0; l < n->nl; l++) {
            float *ref = host_copy(n->layer[l].w.grad);
            int64_t cnt = nz_tensor_numel(n->layer[l].w.grad);
            double maxd = 0, maxr = 0;
            for (int64_t i = 0; i < cnt; i++) {
                maxd = fmax(maxd, fabs((double)ours[l][i] - ref[i]));
                maxr = fmax(maxr, fabs((double)ref[i]));
            }
            CHECK(maxd <= 1e-4 * maxr, "%s layer %d: |ours - autodiff| %.3g of max %.3g",
                  nz_activation_name(cfg.act), l + 1, maxd, maxr);
            free(ref);
            free(ours[l]);
        }
        gf_net_free(n);
        nz_tensor_free(x);
        nz_tensor_free(y);
    }
}

static void test_deep_sigmoid(nz_device *dev)
{
    /* sqrt(chi) ~ 0.14 per layer: 0.14^60 ~ 1e-51, below the smallest float. */
    gf_config cfg = {NZ_ACT_SIGMOID, GF_INIT_STANDARD, 60, 64, 1.0};
    gf_net *n = NULL;
    nz_tensor *x, *y;
    make_batch(dev, 16, &x, &y);
    CHECK_OK(gf_net_create(dev, &cfg, IN, CLASSES, 9, &n));
    CHECK_OK(gf_forward(n, x));
    CHECK_OK(gf_backward(n, x, y));
    double plain = host_norm(n->d[0]);
    CHECK(plain == 0.0, "plain float chain at layer 1: %g (expected an underflow to 0)", plain);
    gf_profile p;
    CHECK_OK(gf_probe(n, x, y, &p));
    double r10 = gf_log10(p.ln_dz[0] - p.ln_dz[n->nl - 1]);
    CHECK(isfinite(r10) && r10 < -40, "log10 |dz_1|/|dz_last| = %g: finite and below -40", r10);
    double err = exp(p.ln_factor_meas - p.ln_factor_pred) - 1;
    CHECK(fabs(err) < 0.1, "factor %.4f vs sqrt(chi) %.4f (%.1f%%)", exp(p.ln_factor_meas),
          exp(p.ln_factor_pred), 100 * err);
    gf_net_free(n);
    nz_tensor_free(x);
    nz_tensor_free(y);
}

static void test_jacobian(nz_device *dev, nz_activation act)
{
    gf_config cfg = {act, GF_INIT_HE, 3, 16, 1.0};
    gf_net *n = NULL;
    nz_tensor *x, *y;
    make_batch(dev, 1, &x, &y);
    CHECK_OK(gf_net_create(dev, &cfg, IN, CLASSES, 4, &n));
    gf_jac jac;
    CHECK_OK(gf_jacobian(n, x, &jac));
    /* Row k of J: the gradient of logits[k] with respect to x, by autodiff. */
    double j[CLASSES][IN], g[CLASSES * CLASSES], ev[CLASSES];
    for (int k = 0; k < CLASSES; k++) {
        float sel[CLASSES] = {0}, row[IN];
        sel[k] = 1;
        nz_tensor *s = nz_tensor_from_host(dev, NZ_F32, 2, (const int64_t[]){1, CLASSES}, sel);
        nz_graph *gr = nz_graph_create(dev, NZ_F32);
        nz_var *xv = nz_graph_input(gr, x, 1), *v = xv;
        for (int l = 0; l < n->nl; l++) {
            v = nz_dense_forward(gr, &n->layer[l], v);
            if (l < n->nl - 1) v = nz_v_act(gr, v, cfg.act);
        }
        CHECK_OK(nz_graph_backward(gr, nz_v_sum(gr, nz_v_mul(gr, v, nz_graph_input(gr, s, 0)))));
        CHECK_OK(nz_tensor_download(nz_var_grad(xv), row, sizeof row));
        for (int i = 0; i < IN; i++) j[k][i] = row[i];
        nz_graph_free(gr);
        nz_tensor_free(s);
    }
    for (int a = 0; a < CLASSES; a++)
        for (int b = 0; b < CLASSES; b++) {
            g[a * CLASSES + b] = 0;
            for (int i = 0; i < IN; i++) g[a * CLASSES + b] += j[a][i] * j[b][i];
        }
    gf_sym_eigenvalues(g, CLASSES, ev);
    /* Dead ReLU units make J rank-deficient: its "zero" singular values are
     * float rounding, so only those above 1e-5 of the largest are compared. */
    int rank = 0;
    for (int k = 0; k < CLASSES; k++) rank += ev[k] > 1e-10 * ev[0];
    const char *name = nz_activation_name(act);
    CHECK(jac.k == CLASSES && jac.rank == rank, "%s: k %d rank %d, autodiff rank %d", name, jac.k,
          jac.rank, rank);
    double ms2 = 0;
    for (int k = 0; k < CLASSES; k++) {
        ms2 += ev[k] / CLASSES;
        if (k < rank)
            CHECK(fabs(exp(jac.ln_s[k]) / sqrt(ev[k]) - 1) < 1e-3,
                  "%s: singular value %d: %.7g, autodiff %.7g", name, k, exp(jac.ln_s[k]),
                  sqrt(ev[k]));
    }
    CHECK(fabs(exp(jac.ln_smax) / sqrt(ev[0]) - 1) < 1e-3, "%s: s_max %.7g", name,
          exp(jac.ln_smax));
    CHECK(fabs(exp(jac.ln_smin_nz) / sqrt(ev[rank - 1]) - 1) < 1e-3, "%s: s_min %.7g", name,
          exp(jac.ln_smin_nz));
    CHECK(fabs(exp(jac.ln_mean_s2) / ms2 - 1) < 1e-3, "%s: mean s^2 %.7g vs %.7g", name,
          exp(jac.ln_mean_s2), ms2);
    gf_net_free(n);
    nz_tensor_free(x);
    nz_tensor_free(y);
}

int main(void)
{
    nz_context *ctx = nz_context_create();
    nz_device *dev = NULL;
    if (!ctx || nz_device_open(ctx, "cpu", &dev) != NZ_OK) {
        fprintf(stderr, "no CPU device: %s\n", nz_last_error());
        return 1;
    }
    test_against_autodiff(dev);
    test_deep_sigmoid(dev);
    test_jacobian(dev, NZ_ACT_TANH);
    test_jacobian(dev, NZ_ACT_RELU);
    test_jacobian(dev, NZ_ACT_SIGMOID);
    test_jacobian(dev, NZ_ACT_GELU);
    nz_context_free(ctx);
    if (gf_test_failures) fprintf(stderr, "%d check(s) failed\n", gf_test_failures);
    else printf("gradflow chain: all checks passed\n");
    return gf_test_failures != 0;
}
