/* The symmetric positive definite solve behind every fit.
 *
 * Why Cholesky plus refinement and not a pseudo-inverse: at the interpolation
 * threshold the Gram matrix is nonsingular but its condition number reaches
 * 1e9..1e12.  A pseudo-inverse with a relative cutoff (1e-7 in f32 libraries,
 * often larger) drops exactly the small eigenvalues that make the peak, so it
 * acts as a hidden ridge and flattens the curve.  Cholesky in f64 has a
 * backward error of about eps64 * ||G|| whatever the conditioning, so the
 * solution is accurate to about kappa * 1e-16 (1e-5 at kappa = 1e11), and a
 * step or two of refinement against G itself cleans up the residual the
 * triangular solves leave.  f32 normal equations (eps32 * kappa >> 1) cannot
 * resolve the peak: that path exists only for devices without fp64 and
 * says how much it had to regularise. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dd.h"

/* The identity, scaled, from onehot(0..m-1): no diagonal op is needed. */
static nz_tensor *eye_create(nz_device *dev, nz_dtype dt, int64_t m)
{
    int32_t *idx = malloc(sizeof(int32_t) * (size_t)m);
    if (!idx) return NULL;
    for (int64_t i = 0; i < m; i++) idx[i] = (int32_t)i;
    nz_tensor *lab = nz_tensor_from_host(dev, NZ_I32, 1, &m, idx);
    free(idx);
    nz_tensor *eye = lab ? nz_tensor_create_2d(dev, dt, m, m) : NULL;
    if (eye && nz_onehot(eye, lab, 1.0, 0.0) != NZ_OK) {
        nz_tensor_free(eye);
        eye = NULL;
    }
    nz_tensor_free(lab);
    return eye;
}

/* The failing minor named in nz_cholesky's message ("... of order K ..."). */
static int failing_pivot(void)
{
    const char *p = strstr(nz_last_error(), "order ");
    return p ? atoi(p + 6) : -1;
}

/* r = b - (g + lam I) x */
static nz_status residual(nz_tensor *r, const nz_tensor *g, double lam, const nz_tensor *b,
                          const nz_tensor *x)
{
    nz_status s = nz_tensor_copy(r, b);
    if (s == NZ_OK) s = nz_matmul(r, g, 0, x, 0, -1.0, 1.0);
    if (s == NZ_OK && lam != 0) s = nz_axpy(r, -lam, x);
    return s;
}

/* x <- (L L^T)^-1 x */
static nz_status chol_apply(const nz_tensor *l, nz_tensor *x)
{
    nz_status s = nz_trsm(l, x, 1, 0, 0, 1.0);
    return s == NZ_OK ? nz_trsm(l, x, 1, 1, 0, 1.0) : s;
}

nz_status dd_sumsq(const nz_tensor *t, double *out)
{
    nz_device *dev = nz_tensor_device(t);
    nz_dtype dt = nz_tensor_dtype(t);
    nz_tensor *s1 = nz_tensor_create_1d(dev, dt, 1);
    if (!s1) return nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: sum of squares");
    nz_status s = nz_reduce(s1, NZ_RED_SUMSQ, NZ_AXIS_ALL, t, 1.0, 0.0);
    if (s == NZ_OK) {
        if (dt == NZ_F64) {
            s = nz_tensor_download(s1, out, sizeof *out);
        } else {
            float f = 0;
            s = nz_tensor_download(s1, &f, sizeof f);
            *out = f;
        }
    }
    nz_tensor_free(s1);
    return s;
}

/* Factor g + (lam + jitter) I into l: f64 tries jitter 0 only; f32 walks
 * up from 1e-6 of the mean diagonal until the factor exists. */
static nz_status factor(nz_tensor *l, const nz_tensor *g, const nz_tensor *eye, double lam,
                        double diag_mean, dd_solve_stats *st)
{
    int f32 = nz_tensor_dtype(g) == NZ_F32;
    double jitter = 0;
    for (int attempt = 0;; attempt++) {
        nz_status s = nz_tensor_copy(l, g);
        if (s == NZ_OK && lam + jitter != 0) s = nz_axpy(l, lam + jitter, eye);
        if (s == NZ_OK) s = nz_cholesky(l);
        if (s == NZ_OK) {
            st->jitter = jitter;
            return NZ_OK;
        }
        if (s != NZ_ERR_NUMERIC) return s;
        st->failed_pivot = failing_pivot();
        if (!f32 || attempt >= 6 || !(diag_mean > 0))
            return nz_error(NZ_ERR_NUMERIC, "the %lldx%lld Gram matrix + %g I is numerically "
                            "singular in %s (Cholesky fails at minor %d%s); use a ridge > 0",
                            (long long)nz_tensor_dim(g, 0), (long long)nz_tensor_dim(g, 0),
                            lam + jitter, nz_dtype_name(nz_tensor_dtype(g)), st->failed_pivot,
                            f32 ? ", even with jitter" : "");
        jitter = attempt == 0 ? 1e-6 * diag_mean : jitter * 10;
    }
}

nz_status dd_solve_spd(const nz_tensor *g, double lam, const nz_tensor *b, nz_tensor *x,
                       int refine, double diag_mean, dd_solve_stats *st)
{
    nz_device *dev = nz_tensor_device(g);
    nz_dtype dt = nz_tensor_dtype(g);
    int64_t m = nz_tensor_dim(g, 0), c = nz_tensor_cols_count(b);
    memset(st, 0, sizeof *st);
    nz_tensor *eye = eye_create(dev, dt, m);
    nz_tensor *l = nz_tensor_create_2d(dev, dt, m, m);
    nz_tensor *r = nz_tensor_create_2d(dev, dt, m, c);
    nz_status s = (eye && l && r) ? NZ_OK : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent solve");
    if (s == NZ_OK) s = factor(l, g, eye, lam, diag_mean, st);
    if (s == NZ_OK) s = nz_tensor_copy(x, b);
    if (s == NZ_OK) s = chol_apply(l, x);
    /* Refinement: x += (LL^T)^-1 (b - (g + lam I) x).  The residual is
     * taken against the system without jitter, so the f32 path converges
     * toward the requested problem where the factor's spectrum allows. */
    for (int k = 0; s == NZ_OK && k < refine; k++) {
        s = residual(r, g, lam, b, x);
        if (s == NZ_OK) s = chol_apply(l, r);
        if (s == NZ_OK) s = nz_axpy(x, 1.0, r);
    }
    double rr = 0, bb = 0;
    if (s == NZ_OK) s = residual(r, g, lam, b, x);
    if (s == NZ_OK) s = dd_sumsq(r, &rr);
    if (s == NZ_OK) s = dd_sumsq(b, &bb);
    if (s == NZ_OK) st->rel_residual = bb > 0 ? sqrt(rr / bb) : sqrt(rr);
    nz_tensor_free(eye);
    nz_tensor_free(l);
    nz_tensor_free(r);
    return s;
}
