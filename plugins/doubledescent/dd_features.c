/* Random ReLU features on the device. */
#include <math.h>

#include "dd.h"

/* Rows of W per block when the features end in f64: about 4M f32 values
 * of scratch whatever the sizes. */
#define DD_BLOCK_ELEMS 4000000

nz_tensor *dd_view2d(nz_tensor *flat, int64_t rows, int64_t cols)
{
    int64_t shape[2] = {rows, cols};
    nz_tensor *head = nz_tensor_rows(flat, 0, rows * cols);
    nz_tensor *v = head ? nz_tensor_reshape(head, 2, shape) : NULL;
    nz_tensor_free(head); /* the view keeps the storage alive */
    return v;
}

nz_tensor *dd_weights_create(nz_device *dev, int64_t N, int64_t d, uint64_t seed)
{
    nz_tensor *w = nz_tensor_create_2d(dev, NZ_F32, N, d);
    /* Counter-based: element i of the row-major [N, d] matrix is draw i, so
     * the first N rows of a larger W are exactly this W. */
    if (w && nz_random(w, NZ_RNG_NORMAL, 0.0, 1.0 / sqrt((double)d), seed, 0, 0) != NZ_OK) {
        nz_tensor_free(w);
        return NULL;
    }
    return w;
}

/* out [rows, m] = relu(W[row0 : row0+rows] x^T), all f32. */
static nz_status block(nz_tensor *out, const nz_tensor *w, int64_t row0, int64_t rows,
                       const nz_tensor *x)
{
    nz_tensor *wb = nz_tensor_rows((nz_tensor *)w, row0, rows);
    nz_status s = wb ? nz_matmul(out, wb, 0, x, 1, 1.0, 0.0)
                     : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: features");
    if (s == NZ_OK) s = nz_unary(out, NZ_UN_RELU, out, 0, 0, 1.0, 0.0);
    nz_tensor_free(wb);
    return s;
}

nz_status dd_features(nz_tensor *zt, const nz_tensor *w, const nz_tensor *x)
{
    int64_t N = nz_tensor_dim(zt, 0), m = nz_tensor_dim(zt, 1);
    if (nz_tensor_dtype(zt) == NZ_F32) {
        nz_tensor *wN = nz_tensor_rows((nz_tensor *)w, 0, N);
        nz_status s = wN ? block(zt, wN, 0, N, x)
                         : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: features");
        nz_tensor_free(wN);
        return s;
    }
    /* f64 features: the products stay in f32 (the feature map is defined
     * by f32 ops, identically for training and test inputs); only the
     * solve needs f64, so each block is cast as it is made. */
    int64_t br = DD_BLOCK_ELEMS / (m > 0 ? m : 1);
    if (br < 1) br = 1;
    if (br > N) br = N;
    nz_tensor *tmp = nz_tensor_create_1d(nz_tensor_device(zt), NZ_F32, br * m);
    nz_status s = tmp ? NZ_OK : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: feature block");
    for (int64_t r0 = 0; s == NZ_OK && r0 < N; r0 += br) {
        int64_t rows = N - r0 < br ? N - r0 : br;
        nz_tensor *t2 = dd_view2d(tmp, rows, m);
        nz_tensor *dst = nz_tensor_rows(zt, r0, rows);
        s = (t2 && dst) ? block(t2, w, r0, rows, x)
                          : nz_error_prefix(NZ_ERR_NOMEM, "doubledescent: feature views");
        if (s == NZ_OK) s = nz_cast(dst, t2);
        nz_tensor_free(t2);
        nz_tensor_free(dst);
    }
    nz_tensor_free(tmp);
    return s;
}
