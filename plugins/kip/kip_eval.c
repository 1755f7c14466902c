/* Test accuracy of kernel ridge regression with a given training (or
 * support) set: fit on K(xs, xs), then predict the test set in chunks of rows
 * so that a 10k x n test kernel never has to exist at once. */
#include "kip.h"

#define KIP_EVAL_CHUNK 2000

static nz_status predict(const kip_kernel *k, const nz_tensor *xs, const nz_tensor *alpha,
                         const nz_tensor *xtest, const nz_tensor *ytest, double *acc)
{
    nz_device *dev = nz_tensor_device(xs);
    nz_dtype dt = nz_tensor_dtype(xs);
    const int64_t n = nz_tensor_rows_count(xs), m = nz_tensor_rows_count(xtest);
    const int64_t c = nz_tensor_cols_count(alpha);
    int64_t chunk = m < KIP_EVAL_CHUNK ? m : KIP_EVAL_CHUNK;
    nz_tensor *kt = nz_tensor_create_2d(dev, dt, chunk, n);
    nz_tensor *pred = nz_tensor_create_2d(dev, dt, chunk, c);
    nz_status st = kt && pred ? NZ_OK : nz_error(NZ_ERR_NOMEM, "kip: out of memory predicting");
    double right = 0;
    for (int64_t r0 = 0; r0 < m && st == NZ_OK; r0 += chunk) {
        int64_t rows = m - r0 < chunk ? m - r0 : chunk;
        nz_tensor *xv = nz_tensor_rows((nz_tensor *)xtest, r0, rows);
        nz_tensor *yv = nz_tensor_rows((nz_tensor *)ytest, r0, rows);
        nz_tensor *kv = nz_tensor_rows(kt, 0, rows), *pv = nz_tensor_rows(pred, 0, rows);
        double a = 0;
        st = xv && yv && kv && pv ? NZ_OK : nz_error(NZ_ERR_NOMEM, "kip: out of memory for views");
        if (st == NZ_OK) st = kip_kernel_eval(k, xv, xs, kv);
        if (st == NZ_OK) st = nz_matmul(pv, kv, 0, alpha, 0, 1, 0);
        if (st == NZ_OK) st = nz_accuracy(pv, yv, &a);
        right += a * (double)rows;
        nz_tensor_free(xv);
        nz_tensor_free(yv);
        nz_tensor_free(kv);
        nz_tensor_free(pv);
    }
    nz_tensor_free(kt);
    nz_tensor_free(pred);
    if (st == NZ_OK) *acc = right / (double)m;
    return st;
}

nz_status kip_krr_accuracy(const kip_kernel *k, const nz_tensor *xs, const nz_tensor *ys,
                           const nz_tensor *xtest, const nz_tensor *ytest, double reg,
                           double *acc, double *reg_used)
{
    nz_device *dev = nz_tensor_device(xs);
    nz_dtype dt = nz_tensor_dtype(xs);
    const int64_t n = nz_tensor_rows_count(xs), c = nz_tensor_cols_count(ys);
    nz_tensor *kss = nz_tensor_create_2d(dev, dt, n, n), *chol = nz_tensor_create_2d(dev, dt, n, n);
    nz_tensor *alpha = nz_tensor_create_2d(dev, dt, n, c);
    nz_status st = kss && chol && alpha
                       ? NZ_OK
                       : nz_error(NZ_ERR_NOMEM, "kip: out of device memory for a %lld x %lld "
                                  "kernel matrix", (long long)n, (long long)n);
    if (st == NZ_OK) st = kip_kernel_eval(k, xs, xs, kss);
    if (st == NZ_OK) st = kip_krr_fit(kss, ys, reg, chol, alpha, reg_used);
    nz_tensor_free(kss);
    nz_tensor_free(chol);
    if (st == NZ_OK) st = predict(k, xs, alpha, xtest, ytest, acc);
    nz_tensor_free(alpha);
    return st;
}
