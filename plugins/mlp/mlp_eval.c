/* Test accuracy on the device: the test set is uploaded once and evaluated
 * in chunks through row views, so memory stays bounded for any test size. */
#include "mlp.h"

#define EVAL_CHUNK 1000

nz_status mlp_evaluate(nz_mlp *m, nz_graph *g, const nz_tensor *x, const nz_tensor *y, double *acc)
{
    int64_t n = nz_tensor_dim(x, 0), correct = 0;
    nz_status s = NZ_OK;
    for (int64_t r0 = 0; s == NZ_OK && r0 < n; r0 += EVAL_CHUNK) {
        int64_t rows = n - r0 < EVAL_CHUNK ? n - r0 : EVAL_CHUNK;
        /* Views share storage; the casts drop const only to build a view. */
        nz_tensor *xv = nz_tensor_rows((nz_tensor *)x, r0, rows);
        nz_tensor *yv = nz_tensor_rows((nz_tensor *)y, r0, rows);
        if (!xv || !yv) {
            s = nz_error_prefix(NZ_ERR_NOMEM, "evaluating the test set");
        } else {
            nz_graph_reset(g);
            nz_var *out = nz_mlp_forward(g, m, nz_graph_input(g, xv, 0));
            double a = 0;
            if (!out) s = nz_graph_status(g);
            else if ((s = nz_accuracy(nz_var_value(out), yv, &a)) == NZ_OK)
                correct += (int64_t)(a * (double)rows + 0.5);
        }
        nz_tensor_free(xv);
        nz_tensor_free(yv);
    }
    nz_graph_reset(g);
    if (s == NZ_OK) *acc = (double)correct / (double)n;
    return s;
}
