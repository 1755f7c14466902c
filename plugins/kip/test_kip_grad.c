/* Gradients of the kip kernels and of the whole KIP loss, checked against
 * central finite differences in f64 on the CPU backend; and the ridge
 * fallback of the f32 Cholesky. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kip.h"

#define M 5
#define N 4
#define D 7

static nz_context *ctx;
static nz_device *dev;

static int setup(void **state)
{
    (void)state;
    ctx = nz_context_create();
    if (!ctx || nz_device_open(ctx, "cpu", &dev) != NZ_OK) return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nz_context_free(ctx);
    return 0;
}

#define OK(x) do { nz_status s_ = (x); if (s_ != NZ_OK) fail_msg("%s: %s", #x, nz_last_error()); } while (0)

/* Deterministic values in [-1, 1). */
static void fill(double *v, int n, unsigned seed)
{
    uint64_t x = 0x2545F4914F6CDD1Dull * (seed + 1);
    for (int i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        v[i] = (double)(x >> 11) / (double)(1ull << 53) * 2 - 1;
    }
}

static nz_tensor *mk(int64_t r, int64_t c, const double *v)
{
    const int64_t shape[2] = { r, c };
    nz_tensor *t = nz_tensor_from_host(dev, NZ_F64, 2, shape, v);
    assert_non_null(t);
    return t;
}

/* L = sum(W * K(A, B)). */
static double block_loss(const kip_kernel *k, const double *a, int ma, const double *b, int nb,
                         const double *w)
{
    nz_tensor *ta = mk(ma, D, a), *tb = mk(nb, D, b), *out = mk(ma, nb, w);
    kip_tape *tape = kip_tape_create(dev, NZ_F64, k, ma, nb, 0);
    assert_non_null(tape);
    OK(kip_kernel_forward(k, tape, ta, tb, out));
    double kv[M * M], l = 0;
    OK(nz_tensor_download(out, kv, sizeof(double) * (size_t)(ma * nb)));
    for (int i = 0; i < ma * nb; i++) l += w[i] * kv[i];
    kip_tape_free(tape);
    nz_tensor_free(ta);
    nz_tensor_free(tb);
    nz_tensor_free(out);
    return l;
}

static double max_abs(const double *v, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++) m = fmax(m, fabs(v[i]));
    return m;
}

/* Analytic dL/dA, dL/dB of the block loss against finite differences; with
 * same != 0, B is A itself (the diagonal case) and dL/dA = ga + gb. */
static void check_kernel(const kip_kernel *k, int same)
{
    const int ma = M, nb = same ? M : N;
    double a[M * D], b[M * D], w[M * M], ga[M * D], gb[M * D];
    fill(a, M * D, 1);
    fill(b, M * D, 2);
    fill(w, M * M, 3);
    if (same) memcpy(b, a, sizeof a);
    nz_tensor *ta = mk(ma, D, a), *tb = mk(nb, D, b), *tw = mk(ma, nb, w), *out = mk(ma, nb, w);
    nz_tensor *tga = mk(ma, D, a), *tgb = mk(nb, D, b);
    kip_tape *tape = kip_tape_create(dev, NZ_F64, k, ma, nb, 1);
    assert_non_null(tape);
    OK(kip_kernel_forward(k, tape, ta, tb, out));
    OK(kip_kernel_backward(k, tape, ta, tb, tw, tga, 0, tgb, 0));
    OK(nz_tensor_download(tga, ga, sizeof(double) * ma * D));
    OK(nz_tensor_download(tgb, gb, sizeof(double) * nb * D));
    const double h = 1e-5;
    double fa[M * D], fb[M * D];
    for (int i = 0; i < ma * D; i++) {
        double ap[M * D], am[M * D], bp[M * D], bm[M * D];
        memcpy(ap, a, sizeof a); memcpy(am, a, sizeof a);
        memcpy(bp, b, sizeof b); memcpy(bm, b, sizeof b);
        ap[i] += h; am[i] -= h;
        if (same) { bp[i] += h; bm[i] -= h; }
        fa[i] = (block_loss(k, ap, ma, bp, nb, w) - block_loss(k, am, ma, bm, nb, w)) / (2 * h);
        if (same) ga[i] += gb[i];
    }
    double err = 0;
    for (int i = 0; i < ma * D; i++) err = fmax(err, fabs(ga[i] - fa[i]));
    if (err > 1e-6 * fmax(1, max_abs(fa, ma * D)))
        fail_msg("%s depth %d same=%d: dL/dA off by %g (scale %g)", kip_kind_name(k->kind),
                 k->depth, same, err, max_abs(fa, ma * D));
    if (!same) {
        for (int i = 0; i < nb * D; i++) {
            double bp[M * D], bm[M * D];
            memcpy(bp, b, sizeof b); memcpy(bm, b, sizeof b);
            bp[i] += h; bm[i] -= h;
            fb[i] = (block_loss(k, a, ma, bp, nb, w) - block_loss(k, a, ma, bm, nb, w)) / (2 * h);
        }
        err = 0;
        for (int i = 0; i < nb * D; i++) err = fmax(err, fabs(gb[i] - fb[i]));
        if (err > 1e-6 * fmax(1, max_abs(fb, nb * D)))
            fail_msg("%s depth %d: dL/dB off by %g", kip_kind_name(k->kind), k->depth, err);
    }
    assert_true(max_abs(fa, ma * D) > 1e-3); /* the check is not vacuous */
    kip_tape_free(tape);
    nz_tensor *all[] = { ta, tb, tw, out, tga, tgb };
    for (int i = 0; i < 6; i++) nz_tensor_free(all[i]);
}

static const kip_kernel kernels[] = {
    { KIP_NTK, 1, 2.0, 0.01, 1 }, { KIP_NTK, 3, 1.5, 0.1, 1 }, { KIP_NNGP, 1, 2.0, 0.05, 1 },
    { KIP_NNGP, 2, 2.0, 0.0, 1 }, { KIP_RBF, 0, 0, 0, 0.7 },
};

static void test_kernel_grads(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof kernels / sizeof *kernels; i++) {
        check_kernel(&kernels[i], 0);
        check_kernel(&kernels[i], 1);
    }
}

/* The whole KIP loss of support (xs, ys) on targets (xt, yt). */
#define S 4
#define T 6
#define C 3
static double kip_loss(const kip_kernel *k, const double *xs, const double *ys, const double *xt,
                       const double *yt, double *gx, double *gy)
{
    double blk[(T + S) * D];
    memcpy(blk, xt, sizeof(double) * T * D);
    memcpy(blk + T * D, xs, sizeof(double) * S * D);
    nz_tensor *tb = mk(T + S, D, blk), *txs = mk(S, D, xs), *tys = mk(S, C, ys), *tyt = mk(T, C, yt);
    double zero[(T + S) * (T + S) * D] = { 0 };
    nz_tensor *kk = mk(T + S, S, zero), *g = mk(T + S, S, zero), *gb = mk(T + S, D, zero);
    nz_tensor *gxs = mk(S, D, zero), *gys = mk(S, C, zero);
    nz_tensor *kts = nz_tensor_rows(kk, 0, T), *kss = nz_tensor_rows(kk, T, S);
    nz_tensor *gts = nz_tensor_rows(g, 0, T), *gss = nz_tensor_rows(g, T, S);
    nz_tensor *gsr = nz_tensor_rows(gb, T, S);
    kip_tape *tape = kip_tape_create(dev, NZ_F64, k, T + S, S, 1);
    kip_krr *w = kip_krr_create(dev, NZ_F64, T, S, C);
    assert_non_null(tape);
    assert_non_null(w);
    double loss = 0, used = 0;
    OK(kip_kernel_forward(k, tape, tb, txs, kk));
    OK(kip_krr_loss(w, kts, kss, tys, tyt, 0.05, gts, gss, gys, &loss, &used));
    assert_true(used == 0.05);
    if (gx) {
        OK(kip_kernel_backward(k, tape, tb, txs, g, gb, 0, gxs, 0));
        OK(nz_binary(gxs, NZ_BIN_ADD, gxs, gsr, 1, 0));
        OK(nz_tensor_download(gxs, gx, sizeof(double) * S * D));
        OK(nz_tensor_download(gys, gy, sizeof(double) * S * C));
    }
    kip_tape_free(tape);
    kip_krr_free(w);
    nz_tensor *all[] = { kts, kss, gts, gss, gsr, tb, txs, tys, tyt, kk, g, gb, gxs, gys };
    for (int i = 0; i < 14; i++) nz_tensor_free(all[i]);
    return loss;
}

static void test_kip_loss_grad(void **state)
{
    (void)state;
    for (size_t kk = 0; kk < sizeof kernels / sizeof *kernels; kk++) {
        const kip_kernel *k = &kernels[kk];
        double xs[S * D], ys[S * C], xt[T * D], yt[T * C], gx[S * D], gy[S * C];
        fill(xs, S * D, 11);
        fill(ys, S * C, 12);
        fill(xt, T * D, 13);
        fill(yt, T * C, 14);
        kip_loss(k, xs, ys, xt, yt, gx, gy);
        const double h = 1e-5;
        double err = 0, scale = 0;
        for (int i = 0; i < S * D; i++) {
            double p[S * D], m[S * D];
            memcpy(p, xs, sizeof xs); memcpy(m, xs, sizeof xs);
            p[i] += h; m[i] -= h;
            double fd = (kip_loss(k, p, ys, xt, yt, NULL, NULL) - kip_loss(k, m, ys, xt, yt, NULL, NULL)) / (2 * h);
            err = fmax(err, fabs(fd - gx[i]));
            scale = fmax(scale, fabs(fd));
        }
        if (!(err <= 1e-6 * fmax(scale, 1e-3)))
            fail_msg("%s depth %d: dL/dX_s off by %g (scale %g)", kip_kind_name(k->kind), k->depth,
                     err, scale);
        assert_true(scale > 1e-4);
        err = scale = 0;
        for (int i = 0; i < S * C; i++) {
            double p[S * C], m[S * C];
            memcpy(p, ys, sizeof ys); memcpy(m, ys, sizeof ys);
            p[i] += h; m[i] -= h;
            double fd = (kip_loss(k, xs, p, xt, yt, NULL, NULL) - kip_loss(k, xs, m, xt, yt, NULL, NULL)) / (2 * h);
            err = fmax(err, fabs(fd - gy[i]));
            scale = fmax(scale, fabs(fd));
        }
        if (!(err <= 1e-6 * fmax(scale, 1e-3)))
            fail_msg("%s: dL/dy_s off by %g (scale %g)", kip_kind_name(k->kind), err, scale);
    }
}

/* A singular kernel matrix (all points equal) in f32: the factorisation
 * fails at reg 1e-9 and succeeds after the ridge grows. */
static void test_ridge_fallback(void **state)
{
    (void)state;
    float ones[16], y[8] = { 1, 0, 0, 1, 1, 0, 0, 1 }, alpha[8];
    for (int i = 0; i < 16; i++) ones[i] = 1;
    const int64_t sk[2] = { 4, 4 }, sy[2] = { 4, 2 };
    nz_tensor *k = nz_tensor_from_host(dev, NZ_F32, 2, sk, ones);
    nz_tensor *chol = nz_tensor_create_2d(dev, NZ_F32, 4, 4);
    nz_tensor *ty = nz_tensor_from_host(dev, NZ_F32, 2, sy, y), *ta = nz_tensor_create_2d(dev, NZ_F32, 4, 2);
    double used = 0;
    OK(kip_krr_fit(k, ty, 1e-9, chol, ta, &used));
    assert_true(used > 1e-9 && used <= 1e-5);
    OK(nz_tensor_download(ta, alpha, sizeof alpha));
    for (int i = 0; i < 8; i++) assert_true(isfinite(alpha[i]));
    nz_tensor_free(k);
    nz_tensor_free(chol);
    nz_tensor_free(ty);
    nz_tensor_free(ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_grads),
        cmocka_unit_test(test_kip_loss_grad),
        cmocka_unit_test(test_ridge_fallback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
