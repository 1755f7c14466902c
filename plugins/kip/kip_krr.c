/* Kernel ridge regression on the device: the fit, the KIP loss and its exact
 * gradient.
 *
 *   A     = K_ss + lam I,  lam = reg * tr(K_ss) / s   (scale-free ridge)
 *   alpha = A^-1 y_s                 (Cholesky A = L L^T, two triangular solves)
 *   pred  = K_ts alpha,  R = (pred - y_t) / t,  L = 1/2 |pred - y_t|^2 / t
 *
 *   dL/dK_ts = R alpha^T
 *   dL/dalpha = K_ts^T R,  beta = A^-1 K_ts^T R
 *   dL/dA    = -beta alpha^T            (d(A^-1) = -A^-1 dA A^-1)
 *   dL/dy_s  = beta
 *   dL/dK_ss = -1/2 (beta alpha^T + alpha beta^T)      (K_ss symmetric; the
 *              kernel is evaluated on every entry, so either half works and
 *              the symmetric form keeps float rounding symmetric)
 *              + (reg / s) dL/dlam I,  dL/dlam = tr(dL/dA) = -sum(beta * alpha)
 *
 * Diagonals are read and written with strided 2-D copies (row stride s+1),
 * so nothing leaves the device but the loss. */
#include <stdlib.h>

#include "kip.h"

#define TRY(x) do { if ((st = (x)) != NZ_OK) return st; } while (0)

/* out[i] = alpha * M[i,i] + beta * out[i]  (diag_out = 0), or
 * M[i,i] = alpha * v[i] + beta * M[i,i]    (diag_out = 1). */
static nz_status diag_copy(nz_tensor *m, nz_tensor *v, int diag_out, double alpha, double beta)
{
    int64_t s = nz_tensor_rows_count(m);
    nz_op_args a = { .op = NZ_OP_COPY2D, .dtype = nz_tensor_dtype(m) };
    a.u.copy2d = (nz_copy2d_args){ .m = s, .n = 1, .trans = 0, .alpha = alpha, .beta = beta };
    if (diag_out) {
        a.u.copy2d.x = nz_tensor_bref(v);
        a.u.copy2d.ldx = 1;
        a.u.copy2d.out = nz_tensor_bref(m);
        a.u.copy2d.ldo = s + 1;
    } else {
        a.u.copy2d.x = nz_tensor_bref(m);
        a.u.copy2d.ldx = s + 1;
        a.u.copy2d.out = nz_tensor_bref(v);
        a.u.copy2d.ldo = 1;
    }
    return nz_device_run(nz_tensor_device(m), &a);
}

/* chol = K + scale*lam0 I where lam0 (device scalar) = reg0 * tr(K)/s. */
static nz_status ridge_factor(const nz_tensor *kss, nz_tensor *chol, nz_tensor *lam,
                              nz_tensor *lamvec, double scale)
{
    nz_status st;
    TRY(nz_tensor_copy(chol, kss));
    TRY(nz_unary(lamvec, NZ_UN_IDENTITY, lam, 0, 0, scale, 0)); /* scalar broadcast */
    TRY(diag_copy(chol, lamvec, 1, 1, 1));
    return nz_cholesky(chol);
}

static nz_status fit(const nz_tensor *kss, const nz_tensor *y, double reg, nz_tensor *chol,
                     nz_tensor *alpha, nz_tensor *diag, nz_tensor *lam, nz_tensor *lamvec,
                     double *reg_used)
{
    nz_status st;
    int64_t s = nz_tensor_rows_count(kss);
    TRY(diag_copy((nz_tensor *)kss, diag, 0, 1, 0));
    TRY(nz_reduce(lam, NZ_RED_SUM, NZ_AXIS_ALL, diag, reg / (double)s, 0));
    double scale = 1;
    for (int tries = 0;; tries++) {
        st = ridge_factor(kss, chol, lam, lamvec, scale);
        if (st != NZ_ERR_NUMERIC || tries == 8) break;
        /* Not positive definite in this precision: a larger ridge. */
        nz_error_clear();
        scale *= 10;
    }
    if (st != NZ_OK)
        return nz_error_prefix(st, "kip: kernel ridge regression with reg up to %g: ", reg * scale);
    *reg_used = reg * scale;
    TRY(nz_tensor_copy(alpha, y));
    TRY(nz_trsm(chol, alpha, 1, 0, 0, 1));
    return nz_trsm(chol, alpha, 1, 1, 0, 1);
}

static nz_status fit_tmp(const nz_tensor *kss, const nz_tensor *y, double reg, nz_tensor *chol,
                         nz_tensor *alpha, double *reg_used)
{
    nz_device *dev = nz_tensor_device(kss);
    nz_dtype dt = nz_tensor_dtype(kss);
    int64_t s = nz_tensor_rows_count(kss);
    nz_tensor *diag = nz_tensor_create_1d(dev, dt, s), *lamvec = nz_tensor_create_1d(dev, dt, s);
    nz_tensor *lam = nz_tensor_create_1d(dev, dt, 1);
    nz_status st = diag && lamvec && lam ? fit(kss, y, reg, chol, alpha, diag, lam, lamvec, reg_used)
                                         : nz_error(NZ_ERR_NOMEM, "kip: out of memory for a fit");
    nz_tensor_free(diag);
    nz_tensor_free(lamvec);
    nz_tensor_free(lam);
    return st;
}

nz_status kip_krr_fit(const nz_tensor *kss, const nz_tensor *y, double reg, nz_tensor *chol,
                      nz_tensor *alpha, double *reg_used)
{
    return fit_tmp(kss, y, reg, chol, alpha, reg_used);
}

kip_krr *kip_krr_create(nz_device *dev, nz_dtype dt, int64_t t, int64_t s, int64_t c)
{
    kip_krr *w = calloc(1, sizeof *w);
    if (!w) {
        nz_error(NZ_ERR_NOMEM, "kip: out of memory");
        return NULL;
    }
    w->t = t;
    w->s = s;
    w->c = c;
    w->chol = nz_tensor_create_2d(dev, dt, s, s);
    w->alpha = nz_tensor_create_2d(dev, dt, s, c);
    w->pred = nz_tensor_create_2d(dev, dt, t, c);
    w->beta = nz_tensor_create_2d(dev, dt, s, c);
    w->ba = nz_tensor_create_2d(dev, dt, s, c);
    w->diag = nz_tensor_create_1d(dev, dt, s);
    w->lamvec = nz_tensor_create_1d(dev, dt, s);
    w->lam = nz_tensor_create_1d(dev, dt, 1);
    w->loss = nz_tensor_create_1d(dev, dt, 1);
    if (!w->chol || !w->alpha || !w->pred || !w->beta || !w->ba || !w->diag || !w->lamvec ||
        !w->lam || !w->loss) {
        kip_krr_free(w);
        nz_error(NZ_ERR_NOMEM, "kip: out of device memory for the regression (%lld support, "
                 "%lld targets)", (long long)s, (long long)t);
        return NULL;
    }
    return w;
}

void kip_krr_free(kip_krr *w)
{
    if (!w) return;
    nz_tensor *all[] = { w->chol, w->alpha, w->pred, w->beta, w->ba, w->diag, w->lamvec, w->lam,
                         w->loss };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) nz_tensor_free(all[i]);
    free(w);
}

nz_status kip_krr_loss(kip_krr *w, const nz_tensor *k_ts, const nz_tensor *k_ss,
                       const nz_tensor *y_s, const nz_tensor *y_t, double reg, nz_tensor *g_ts,
                       nz_tensor *g_ss, nz_tensor *g_ys, double *loss, double *reg_used)
{
    nz_status st;
    const double t = (double)w->t;
    TRY(fit(k_ss, y_s, reg, w->chol, w->alpha, w->diag, w->lam, w->lamvec, reg_used));
    /* R = (K_ts alpha - y_t) / t, kept in pred */
    TRY(nz_matmul(w->pred, k_ts, 0, w->alpha, 0, 1, 0));
    TRY(nz_binary(w->pred, NZ_BIN_SUB, w->pred, y_t, 1, 0));
    TRY(nz_reduce(w->loss, NZ_RED_SUMSQ, NZ_AXIS_ALL, w->pred, 0.5 / t, 0));
    TRY(nz_unary(w->pred, NZ_UN_IDENTITY, w->pred, 0, 0, 1 / t, 0));
    TRY(nz_matmul(g_ts, w->pred, 0, w->alpha, 1, 1, 0));
    /* beta = A^-1 K_ts^T R */
    TRY(nz_matmul(w->beta, k_ts, 1, w->pred, 0, 1, 0));
    TRY(nz_trsm(w->chol, w->beta, 1, 0, 0, 1));
    TRY(nz_trsm(w->chol, w->beta, 1, 1, 0, 1));
    TRY(nz_matmul(g_ss, w->beta, 0, w->alpha, 1, -0.5, 0));
    TRY(nz_matmul(g_ss, w->alpha, 0, w->beta, 1, -0.5, 1));
    /* the ridge's dependence on tr(K_ss): diag += -(reg_used/s) sum(beta*alpha) */
    TRY(nz_binary(w->ba, NZ_BIN_MUL, w->beta, w->alpha, 1, 0));
    TRY(nz_reduce(w->lam, NZ_RED_SUM, NZ_AXIS_ALL, w->ba, -*reg_used / (double)w->s, 0));
    TRY(nz_unary(w->lamvec, NZ_UN_IDENTITY, w->lam, 0, 0, 1, 0));
    TRY(diag_copy(g_ss, w->lamvec, 1, 1, 1));
    if (g_ys) TRY(nz_tensor_copy(g_ys, w->beta));
    if (nz_tensor_dtype(w->loss) == NZ_F64) {
        TRY(nz_tensor_download(w->loss, loss, sizeof *loss));
    } else {
        float f = 0;
        TRY(nz_tensor_download(w->loss, &f, sizeof f));
        *loss = f;
    }
    return NZ_OK;
}
