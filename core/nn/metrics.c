/* Evaluation helpers.  These read results back to the host: use them between
 * training steps, not inside one. */
#include <stdlib.h>

#include "nazo/nn.h"

nz_status nz_argmax_rows(const nz_tensor *logits, int32_t *out)
{
    if (!logits || !out)
        return nz_error(NZ_ERR_INVALID, "nz_argmax_rows: NULL argument");
    int64_t m = nz_tensor_rows_count(logits);
    nz_tensor *idx = nz_tensor_create_1d(nz_tensor_device(logits), NZ_I32, m);
    if (!idx)
        return nz_error_prefix(NZ_ERR_NOMEM, "nz_argmax_rows");
    nz_status st = nz_reduce(idx, NZ_RED_ARGMAX, NZ_AXIS_ROWS, logits, 1.0, 0.0);
    if (st == NZ_OK)
        st = nz_tensor_download(idx, out, sizeof(int32_t) * (size_t)m);
    nz_tensor_free(idx);
    return st;
}

nz_status nz_accuracy(const nz_tensor *logits, const nz_tensor *labels, double *acc)
{
    if (!logits || !labels || !acc)
        return nz_error(NZ_ERR_INVALID, "nz_accuracy: NULL argument");
    int64_t m = nz_tensor_rows_count(logits);
    if (nz_tensor_dtype(labels) != NZ_I32 || nz_tensor_numel(labels) != m) {
        char a[96], b[96];
        return nz_error(NZ_ERR_INVALID, "nz_accuracy: labels %s must be i32 with one entry per "
                        "row of logits %s", nz_tensor_describe(labels, a, sizeof a),
                        nz_tensor_describe(logits, b, sizeof b));
    }
    int32_t *pred = malloc(sizeof(int32_t) * (size_t)m * 2);
    if (!pred)
        return nz_error(NZ_ERR_NOMEM, "nz_accuracy: out of memory");
    nz_status st = nz_argmax_rows(logits, pred);
    if (st == NZ_OK)
        st = nz_tensor_download(labels, pred + m, sizeof(int32_t) * (size_t)m);
    if (st == NZ_OK) {
        int64_t hit = 0;
        for (int64_t i = 0; i < m; i++)
            hit += pred[i] == pred[m + i];
        *acc = m ? (double)hit / (double)m : 0.0;
    }
    free(pred);
    return st;
}
