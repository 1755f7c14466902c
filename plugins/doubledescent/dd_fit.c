/* Minimum-norm and ridge least squares on random features.
 *
 * The objective is (1/n) sum_i ||phi(x_i)^T w - y_i||^2 + lambda ||w||^2,
 * so the ridge on the Gram matrix is lambda_eff = n * lambda (the usual
 * convention of ridge regression with a mean loss).  At lambda = 0 the fit
 * is the least-squares solution for N < n and the minimum-norm
 * interpolating solution for N >= n.  Each uses the smaller Gram matrix:
 *   N <  n  primal  (Phi^T Phi + lambda_eff I) w = Phi^T Y          [N, N]
 *   N >= n  dual    w = Phi^T (Phi Phi^T + lambda_eff I)^-1 Y      [n, n]
 * (the same w whenever lambda_eff > 0; at N = n exactly both are square).
 * Phi^T = Zt / sqrt(N). */
#include <math.h>
#include <string.h>

#include "dd.h"

void dd_model_release(dd_model *m)
{
    nz_tensor_free(m->wt);
    m->wt = NULL;
}

/* Training error, training MSE and the weight norm of a fitted wt. */
static nz_status train_metrics(const nz_tensor *zt, const dd_data *train, dd_model *m)
{
    nz_device *dev = nz_tensor_device(zt);
    nz_dtype dt = nz_tensor_dtype(zt);
    int64_t N = nz_tensor_dim(zt, 0), n = nz_tensor_dim(zt, 1);
    nz_tensor *pt = nz_tensor_create_2d(dev, dt, DD_CLASSES, n);
    nz_tensor *p = nz_tensor_create_2d(dev, dt, n, DD_CLASSES);
    double acc = 0, sse = 0, ww = 0;
    nz_status s = (p && pt) ? NZ_OK : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: predictions");
    if (s == NZ_OK) s = nz_matmul(pt, m->wt, 0, zt, 0, 1.0 / sqrt((double)N), 0.0);
    if (s == NZ_OK) s = nz_transpose(p, pt);
    if (s == NZ_OK) s = nz_accuracy(p, train->labels, &acc);
    if (s == NZ_OK) s = nz_sub(p, p, train->y);
    if (s == NZ_OK) s = dd_sumsq(p, &sse);
    if (s == NZ_OK) s = dd_sumsq(m->wt, &ww);
    m->train_err = 1.0 - acc;
    m->train_mse = sse / (double)n;
    m->weight_norm = sqrt(ww);
    nz_tensor_free(pt);
    nz_tensor_free(p);
    return s;
}

/* wt [C, N] from the solution x: primal x = w [N, C]; dual x = alpha [n, C]
 * and w^T = alpha^T Zt^T / sqrt(N). */
static nz_status weights(const nz_tensor *zt, const nz_tensor *x, nz_tensor *wt)
{
    int64_t N = nz_tensor_dim(zt, 0), n = nz_tensor_dim(zt, 1);
    if (N < n) return nz_transpose(wt, x);
    nz_tensor *at = nz_tensor_create_2d(nz_tensor_device(x), nz_tensor_dtype(x), DD_CLASSES, n);
    nz_status s = at ? nz_transpose(at, x) : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: alpha");
    if (s == NZ_OK) s = nz_matmul(wt, at, 0, zt, 1, 1.0 / sqrt((double)N), 0.0);
    nz_tensor_free(at);
    return s;
}

/* One lambda: solve, then form wt and its training metrics. */
static nz_status fit_one(const dd_config *c, nz_run *r, const nz_tensor *zt, const nz_tensor *g,
                         const nz_tensor *b, double diag_mean, const dd_data *train, dd_model *m)
{
    int64_t N = nz_tensor_dim(zt, 0), n = nz_tensor_dim(zt, 1), k = nz_tensor_dim(g, 0);
    nz_tensor *x = nz_tensor_create_2d(nz_tensor_device(zt), nz_tensor_dtype(zt), k, DD_CLASSES);
    if (!x) return nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: solution");
    dd_solve_stats st;
    nz_status s = dd_solve_spd(g, m->lambda_eff, b, x, c->refine, diag_mean, &st);
    if (s == NZ_ERR_NUMERIC) {
        /* Reported, never papered over: the point is left out of the curve. */
        nz_run_log(r, "N=%lld n=%lld lambda=%g: %s", (long long)N, (long long)n, m->lambda,
                   nz_last_error());
        m->failed = 1;
        nz_tensor_free(x);
        return NZ_OK;
    }
    if (s == NZ_OK && st.jitter > 0)
        nz_run_log(r, "N=%lld n=%lld lambda=%g: f32 factor needed jitter %.3g (a hidden ridge)",
                   (long long)N, (long long)n, m->lambda, st.jitter);
    m->rel_residual = st.rel_residual;
    if (s == NZ_OK) s = weights(zt, x, m->wt);
    if (s == NZ_OK) s = train_metrics(zt, train, m);
    nz_tensor_free(x);
    return s;
}

nz_status dd_fit(const dd_config *c, nz_run *r, const nz_tensor *zt, const nz_tensor *gram,
                 const dd_data *train, nz_tensor **stack, dd_model *models)
{
    nz_device *dev = nz_tensor_device(zt);
    nz_dtype dt = nz_tensor_dtype(zt);
    int64_t N = nz_tensor_dim(zt, 0), n = nz_tensor_dim(zt, 1);
    int primal = N < n;
    int64_t k = primal ? N : n;
    double inv_n = 1.0 / (double)N, zz = 0;
    nz_tensor *g = nz_tensor_create_2d(dev, dt, k, k);
    nz_tensor *b = primal ? nz_tensor_create_2d(dev, dt, N, DD_CLASSES) : NULL;
    /* Zeros, so the rows of a failed solve predict 0 rather than garbage. */
    *stack = nz_tensor_zeros(dev, dt, 2, (int64_t[]){(int64_t)c->nlambda * DD_CLASSES, N});
    nz_status s = (g && *stack && (b || !primal))
                      ? NZ_OK : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: Gram");
    if (s == NZ_OK) s = dd_sumsq(zt, &zz);
    if (s == NZ_OK && primal) {
        s = nz_matmul(g, zt, 0, zt, 1, inv_n, 0.0);
        if (s == NZ_OK) s = nz_matmul(b, zt, 0, train->y, 0, sqrt(inv_n), 0.0);
    } else if (s == NZ_OK) {
        s = gram ? nz_scale(g, gram, inv_n) : nz_matmul(g, zt, 1, zt, 0, inv_n, 0.0);
    }
    /* trace(G) = ||Zt||^2 / N for both forms; its mean diagonal sizes the
     * f32 jitter. */
    double diag_mean = zz * inv_n / (double)k;
    for (int j = 0; s == NZ_OK && j < c->nlambda; j++) {
        dd_model *m = &models[j];
        memset(m, 0, sizeof *m);
        m->N = N;
        m->lambda = c->lambda[j];
        m->lambda_eff = c->lambda[j] * (double)n;
        m->wt = nz_tensor_rows(*stack, (int64_t)j * DD_CLASSES, DD_CLASSES);
        s = m->wt ? fit_one(c, r, zt, g, primal ? b : train->y, diag_mean, train, m)
                  : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: weights view");
    }
    nz_tensor_free(g);
    nz_tensor_free(b);
    return s;
}
