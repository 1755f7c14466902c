/* The theory side: phi' statistics on the device against numerical
 * integration, the chi formula, the log-domain assembly of norms (zeros,
 * NaN, tiny scales) and the Jacobi eigenvalues. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gf.h"
#include "test_gf_check.h"

/* phi'(z) in double, the formulas of backend.h. */
static double dphi(nz_activation a, double z)
{
    switch (a) {
    case NZ_ACT_RELU: return z > 0 ? 1.0 : 0.0;
    case NZ_ACT_SIGMOID: { double s = 1 / (1 + exp(-z)); return s * (1 - s); }
    case NZ_ACT_TANH: { double t = tanh(z); return 1 - t * t; }
    default: return 0.5 * (1 + erf(z / sqrt(2.0))) + z * exp(-0.5 * z * z) / sqrt(2 * M_PI);
    }
}

/* E[phi'(z)^2] and P(phi'(z) < 0.1 max) for z ~ N(0, sd^2), midpoint rule. */
static void expected(nz_activation a, double sd, double *e2, double *sat)
{
    const int n = 200000;
    double lo = -12 * sd, hz = 24 * sd / n, thr = 0.1 * gf_act_dmax(a);
    *e2 = *sat = 0;
    for (int i = 0; i < n; i++) {
        double z = lo + (i + 0.5) * hz, w = exp(-0.5 * z * z / (sd * sd)) / (sd * sqrt(2 * M_PI)) * hz;
        double d = dphi(a, z);
        *e2 += w * d * d;
        *sat += d < thr ? w : 0;
    }
}

static void test_phi_stats(nz_device *dev)
{
    const nz_activation acts[] = {NZ_ACT_RELU, NZ_ACT_SIGMOID, NZ_ACT_TANH, NZ_ACT_GELU};
    const double sds[] = {0.5, 1.0, 3.0};
    const int64_t m = 256, width = 512;
    for (int ai = 0; ai < 4; ai++)
        for (int si = 0; si < 3; si++) {
            gf_config cfg = {acts[ai], GF_INIT_HE, 1, width, 1.0};
            gf_net *n = NULL;
            CHECK_OK(gf_net_create(dev, &cfg, 4, 10, 1, &n));
            CHECK_OK(gf_net_rows(n, m));
            CHECK_OK(nz_random(n->z[0], NZ_RNG_NORMAL, 0.0, sds[si], 11, (uint64_t)si, 0));
            CHECK_OK(nz_unary(n->h[0], gf_act_unary(cfg.act), n->z[0], 0, 0, 1, 0));
            nz_tensor *slots = nz_tensor_zeros(dev, NZ_F32, 1, (const int64_t[]){2});
            nz_tensor *s0 = nz_tensor_rows(slots, 0, 1), *s1 = nz_tensor_rows(slots, 1, 1);
            CHECK_OK(gf_phi_stats(n, 0, n->d[0], n->a[0], s0, s1));
            float got[2];
            CHECK_OK(nz_tensor_download(slots, got, sizeof got));
            double e2, sat, count = (double)(m * width);
            expected(cfg.act, sds[si], &e2, &sat);
            double me2 = got[0] / count, msat = got[1] / count;
            CHECK(fabs(me2 / e2 - 1) < 0.02, "%s sd %.1f: E[phi'^2] device %.5f, integral %.5f",
                  nz_activation_name(cfg.act), sds[si], me2, e2);
            CHECK(fabs(msat - sat) < 0.01, "%s sd %.1f: saturated device %.4f, integral %.4f",
                  nz_activation_name(cfg.act), sds[si], msat, sat);
            nz_tensor_free(s0);
            nz_tensor_free(s1);
            nz_tensor_free(slots);
            gf_net_free(n);
        }
}

static void test_chi_formula(void)
{
    /* He weights (sigma_w^2 = 2/fan_in) and ReLU (E[phi'^2] = 1/2): chi = 1. */
    double chi = gf_chi(2.0 / 256 * 256 * 256, 256, 256, 0.5 * 1000, 1000);
    CHECK(fabs(chi - 1) < 1e-12, "relu-he chi %.15g", chi);
    /* Standard uniform weights (variance 1/(3 fan_in)), tanh near 0 (phi' = 1). */
    chi = gf_chi(1.0 / (3 * 100) * 100 * 10, 100, 10, 50, 50);
    CHECK(fabs(chi - 1.0 / 3) < 1e-12, "tanh-standard small-z chi %.15g", chi);
}

static double raw_at(double *raw, int l, int k, double v)
{
    return raw[l * GF_S_COUNT + k] = v;
}

static void test_assemble(void)
{
    enum { NL = 4 };
    double raw[NL * GF_S_COUNT];
    int64_t fi[NL] = {8, 16, 16, 16}, fo[NL] = {16, 16, 16, 10};
    gf_profile p;
    /* Every layer shrinks by 1e-20: a ratio of 1e-60 stays visible in logs. */
    for (int l = 0; l < NL; l++) {
        raw_at(raw, l, GF_S_MAXABS, l == NL - 1 ? 1.0 : 1e-20);
        raw_at(raw, l, GF_S_SUMSQ_D, 4.0);
        raw_at(raw, l, GF_S_SUMSQ_GW, 9.0);
        raw_at(raw, l, GF_S_SUMSQ_W, (double)(fi[l] * fo[l]) / fi[l]); /* sigma_w^2 = 1/fan_in */
        raw_at(raw, l, GF_S_PHI2, 0.25 * 2 * 16);                     /* E[phi'^2] = 1/4 */
        raw_at(raw, l, GF_S_SAT, 8.0);
    }
    gf_profile_assemble(raw, NL, fi, fo, 2, 2.3, &p);
    double r0 = gf_log10(p.ln_dz[0] - p.ln_dz[NL - 1]);
    CHECK(fabs(r0 + 60) < 1e-9, "log10 ratio %.12g, expected -60", r0);
    CHECK(fabs(gf_log10(p.ln_factor_meas) + 20) < 1e-9, "log10 factor %.12g", gf_log10(p.ln_factor_meas));
    CHECK(fabs(exp(p.ln_factor_pred) - 0.5) < 1e-12, "sqrt(chi) %.15g, expected 1/2",
          exp(p.ln_factor_pred));
    CHECK(fabs(p.sat_frac[1] - 0.25) < 1e-12, "saturated %.15g", p.sat_frac[1]);
    CHECK(p.loss == 2.3, "loss %g", p.loss);

    /* A zero maxabs: exactly zero below, whatever NaN the device made of 0/0. */
    raw_at(raw, 1, GF_S_MAXABS, 0.0);
    raw_at(raw, 0, GF_S_MAXABS, NAN);
    raw_at(raw, 0, GF_S_SUMSQ_D, NAN);
    raw_at(raw, 1, GF_S_SUMSQ_D, NAN);
    gf_profile_assemble(raw, NL, fi, fo, 2, 2.3, &p);
    CHECK(isinf(p.ln_dz[1]) && p.ln_dz[1] < 0, "zero gradient at layer 2 reads %g", p.ln_dz[1]);
    CHECK(isinf(p.ln_dz[0]) && p.ln_dz[0] < 0, "zero gradient at layer 1 reads %g", p.ln_dz[0]);
    CHECK(isfinite(p.ln_dz[2]), "layer 3 is still finite: %g", p.ln_dz[2]);
    CHECK(exp(p.ln_factor_meas) == 0.0, "factor of a zero gradient %g", exp(p.ln_factor_meas));

    /* NaN upstream (say an overflow to inf/inf) is reported as NaN, not 0. */
    raw_at(raw, 2, GF_S_MAXABS, NAN);
    gf_profile_assemble(raw, NL, fi, fo, 2, 2.3, &p);
    CHECK(isnan(p.ln_dz[2]), "NaN upstream reads %g", p.ln_dz[2]);
    CHECK(isnan(p.ln_factor_meas), "factor with NaN upstream %g", p.ln_factor_meas);
}

static void test_jacobi(void)
{
    enum { N = 6 };
    const double lam[N] = {5, 3, 1, 1e-3, 1e-9, 0};
    double v[N] = {1, -2, 0.5, 3, -1, 2}, vv = 0, q[N * N], a[N * N], w[N];
    for (int i = 0; i < N; i++) vv += v[i] * v[i];
    /* Q = I - 2 v v^T / v^T v (a Householder reflection, orthogonal), A = Q L Q^T. */
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) q[i * N + j] = (i == j) - 2 * v[i] * v[j] / vv;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i * N + j] = 0;
            for (int k = 0; k < N; k++) a[i * N + j] += q[i * N + k] * lam[k] * q[j * N + k];
        }
    int sweeps = gf_sym_eigenvalues(a, N, w);
    CHECK(sweeps >= 0, "Jacobi did not converge");
    for (int i = 0; i < N; i++)
        CHECK(fabs(w[i] - lam[i]) < 1e-13 * 5, "eigenvalue %d: %.17g, expected %.17g", i, w[i], lam[i]);
}

int main(void)
{
    nz_context *ctx = nz_context_create();
    nz_device *dev = NULL;
    if (!ctx || nz_device_open(ctx, "cpu", &dev) != NZ_OK) {
        fprintf(stderr, "no CPU device: %s\n", nz_last_error());
        return 1;
    }
    test_chi_formula();
    test_assemble();
    test_jacobi();
    test_phi_stats(dev);
    nz_context_free(ctx);
    if (gf_test_failures) fprintf(stderr, "%d check(s) failed\n", gf_test_failures);
    else printf("gradflow theory: all checks passed\n");
    return gf_test_failures != 0;
}
