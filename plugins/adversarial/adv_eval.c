/* Accuracy under an attack, over a device-resident test set in batches. */
#include <stdlib.h>

#include "adv.h"

nz_status adv_eval(adv_work *w, const adv_model *m, adv_attack *a, nz_tensor *x, nz_tensor *y,
                   const int32_t *y_host, int32_t *broken, double *acc, double *acc_nested)
{
    int64_t n = nz_tensor_rows_count(x);
    int32_t *fooled = malloc(sizeof(int32_t) * (size_t)w->cap);
    if (!fooled) return nz_error(NZ_ERR_NOMEM, "adversarial: evaluation");
    nz_status s = NZ_OK;
    int64_t right = 0, right_nested = 0;
    for (int64_t i = 0; s == NZ_OK && i < n; i += w->cap) {
        int64_t rows = n - i < w->cap ? n - i : w->cap;
        nz_tensor *xb = nz_tensor_rows(x, i, rows), *yb = nz_tensor_rows(y, i, rows);
        nz_tensor *xadv = nz_tensor_rows(w->adv, 0, rows);
        if (!xb || !yb || !xadv) s = nz_error_prefix(NZ_ERR_NOMEM, "adversarial: evaluation");
        if (s == NZ_OK) s = adv_attack_run(w, m, a, xb, yb, y_host + i, xadv, NULL, fooled);
        for (int64_t k = 0; s == NZ_OK && k < rows; k++) {
            right += !fooled[k];
            if (broken) {
                broken[i + k] |= fooled[k];
                right_nested += !broken[i + k];
            }
        }
        nz_tensor_free(xadv);
        nz_tensor_free(xb);
        nz_tensor_free(yb);
    }
    free(fooled);
    if (s == NZ_OK) *acc = n ? (double)right / (double)n : 0.0;
    if (s == NZ_OK && broken && acc_nested) *acc_nested = n ? (double)right_nested / (double)n : 0.0;
    return s;
}
