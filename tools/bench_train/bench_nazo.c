/* The nazo side: the same loop as the mlp experiment (device batcher,
 * autodiff graph, fused SGD), reading the loss back every step. */
#include <time.h>

#include "bench_train.h"

double bt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double bt_nazo_loop(nz_device *dev, const nz_dataset *ds, const int64_t *sizes, int nsizes, int64_t batch,
                    int64_t steps, double lr, double *first_loss, double *last_loss)
{
    double secs = -1;
    nz_mlp *m = nz_mlp_create(dev, NZ_F32, nsizes, sizes, NZ_ACT_RELU, NZ_INIT_HE_UNIFORM, 1);
    nz_optimizer *o = m ? nz_sgd_create(nz_mlp_params(m), nz_mlp_param_count(m), lr, 0, 0, 0) : NULL;
    nz_batcher *b = nz_batcher_create(ds, dev, NZ_F32, batch, 1, 1);
    nz_graph *g = nz_graph_create(dev, NZ_F32);
    if (!m || !o || !b || !g) goto out;
    double t0 = 0;
    for (int64_t s = -BT_WARMUP; s < steps; s++) {
        if (s == 0) t0 = bt_now();
        nz_tensor *x, *y;
        if (nz_batcher_next(b, &x, &y) != NZ_OK) goto out;
        nz_graph_reset(g);
        nz_var *loss = nz_softmax_xent(g, nz_mlp_forward(g, m, nz_graph_input(g, x, 0)), y);
        float l;
        if (nz_graph_backward(g, loss) != NZ_OK || nz_optimizer_step(o) != NZ_OK ||
            nz_tensor_download(nz_var_value(loss), &l, sizeof l) != NZ_OK)
            goto out;
        if (s == 0) *first_loss = l;
        *last_loss = l;
    }
    secs = bt_now() - t0;
out:
    nz_graph_free(g);
    nz_batcher_free(b);
    nz_optimizer_free(o);
    nz_mlp_free(m);
    return secs;
}
