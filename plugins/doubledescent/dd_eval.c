/* Test error and MSE of every fitted model, one pass over the test set.
 *
 * Test features are made for a chunk of test images at a time, for the
 * largest N only; a point with N features reads the first N rows.  The
 * predictions of all lambdas of a point are one product, stack [L*C, N]
 * times Zt [N, chunk], and each model's [C, chunk] block is transposed
 * (small) for the accuracy. */
#include <math.h>
#include <stdlib.h>

#include "dd.h"

/* Scratch values per chunk of features (f64: 128 MB). */
#define DD_EVAL_ELEMS 16000000

/* One model's predictions pt [C, rows]: error count and squared error. */
static nz_status score(const nz_tensor *pt, nz_tensor *pflat, const nz_tensor *labels,
                       const nz_tensor *y, double *errs, double *sse)
{
    int64_t rows = nz_tensor_dim(pt, 1);
    nz_tensor *p = dd_view2d(pflat, rows, DD_CLASSES);
    double acc = 0, e = 0;
    nz_status s = p ? nz_transpose(p, pt) : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: test");
    if (s == NZ_OK) s = nz_accuracy(p, labels, &acc);
    if (s == NZ_OK) s = nz_sub(p, p, y);
    if (s == NZ_OK) s = dd_sumsq(p, &e);
    *errs += (1.0 - acc) * (double)rows;
    *sse += e;
    nz_tensor_free(p);
    return s;
}

/* All models of one chunk: zt [Nmax, rows] holds its features. */
static nz_status chunk_scores(const dd_config *c, const nz_tensor *zt, nz_tensor *const *stacks,
                              const dd_model *models, int npoints, nz_tensor *ptflat,
                              nz_tensor *pflat, const nz_tensor *labels, const nz_tensor *y,
                              double *acc)
{
    int64_t rows = nz_tensor_dim(zt, 1), L = c->nlambda;
    nz_status s = NZ_OK;
    for (int p = 0; s == NZ_OK && p < npoints; p++) {
        int64_t N = models[p * L].N;
        nz_tensor *zn = nz_tensor_rows((nz_tensor *)zt, 0, N);
        nz_tensor *pt = dd_view2d(ptflat, L * DD_CLASSES, rows);
        s = (zn && pt) ? nz_matmul(pt, stacks[p], 0, zn, 0, 1.0 / sqrt((double)N), 0.0)
                       : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: test views");
        for (int j = 0; s == NZ_OK && j < L; j++) {
            int i = p * (int)L + j;
            if (models[i].failed) continue;
            nz_tensor *ptj = nz_tensor_rows(pt, (int64_t)j * DD_CLASSES, DD_CLASSES);
            s = ptj ? score(ptj, pflat, labels, y, &acc[2 * i], &acc[2 * i + 1])
                    : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: test view");
            nz_tensor_free(ptj);
        }
        nz_tensor_free(zn);
        nz_tensor_free(pt);
    }
    return s;
}

nz_status dd_evaluate(const dd_config *c, const nz_tensor *w, const dd_data *test,
                      nz_tensor *const *stacks, dd_model *models, int npoints)
{
    int count = npoints * c->nlambda;
    int64_t nmax = 1, m = test->n;
    for (int i = 0; i < count; i++)
        if (models[i].N > nmax) nmax = models[i].N;
    int64_t chunk = DD_EVAL_ELEMS / nmax;
    if (chunk < 1) chunk = 1;
    if (chunk > m) chunk = m;
    nz_device *dev = nz_tensor_device(test->y);
    nz_dtype dt = nz_tensor_dtype(test->y);
    nz_tensor *zflat = nz_tensor_create_1d(dev, dt, nmax * chunk);
    nz_tensor *ptflat = nz_tensor_create_1d(dev, dt, (int64_t)c->nlambda * DD_CLASSES * chunk);
    nz_tensor *pflat = nz_tensor_create_1d(dev, dt, chunk * DD_CLASSES);
    double *acc = calloc((size_t)count * 2, sizeof(double));
    nz_status s = (zflat && ptflat && pflat && acc)
                      ? NZ_OK : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: test scratch");
    for (int64_t r0 = 0; s == NZ_OK && r0 < m; r0 += chunk) {
        int64_t rows = m - r0 < chunk ? m - r0 : chunk;
        nz_tensor *xc = nz_tensor_rows(test->x, r0, rows);
        nz_tensor *lc = nz_tensor_rows(test->labels, r0, rows);
        nz_tensor *yc = nz_tensor_rows(test->y, r0, rows);
        nz_tensor *zt = dd_view2d(zflat, nmax, rows);
        s = (xc && lc && yc && zt) ? dd_features(zt, w, xc)
                                   : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: test views");
        if (s == NZ_OK)
            s = chunk_scores(c, zt, stacks, models, npoints, ptflat, pflat, lc, yc, acc);
        nz_tensor_free(xc);
        nz_tensor_free(lc);
        nz_tensor_free(yc);
        nz_tensor_free(zt);
    }
    for (int i = 0; s == NZ_OK && i < count; i++) {
        models[i].test_err = models[i].failed ? NAN : acc[2 * i] / (double)m;
        models[i].test_mse = models[i].failed ? NAN : acc[2 * i + 1] / (double)m;
    }
    free(acc);
    nz_tensor_free(zflat);
    nz_tensor_free(ptflat);
    nz_tensor_free(pflat);
    return s;
}
