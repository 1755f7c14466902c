/* One configuration: the probe at initialisation, the Jacobian, then a
 * short SGD run with probes at evenly spaced steps, and the test accuracy.
 * Plain SGD with momentum on purpose: an adaptive optimizer rescales each
 * weight's step and would hide the vanishing gradient this run is about. */
#include <time.h>

#include "gf.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static nz_status accuracy(gf_net *n, const gf_data *data, int64_t chunk, double *acc)
{
    int64_t total = nz_tensor_rows_count(data->xte), right = 0;
    nz_status st = NZ_OK;
    for (int64_t r0 = 0; r0 < total && st == NZ_OK; r0 += chunk) {
        int64_t m = total - r0 < chunk ? total - r0 : chunk;
        nz_tensor *x = nz_tensor_rows(data->xte, r0, m), *y = nz_tensor_rows(data->yte, r0, m);
        double a = 0;
        st = x && y ? gf_forward(n, x) : nz_error_prefix(NZ_ERR_NOMEM, "gradflow: test view");
        if (st == NZ_OK) st = nz_accuracy(n->z[n->nl - 1], y, &a);
        right += (int64_t)(a * (double)m + 0.5);
        nz_tensor_free(x);
        nz_tensor_free(y);
    }
    *acc = (double)right / (double)total;
    return st;
}

/* Step of probe i of k: 0, ..., steps, evenly spaced. */
static int64_t snap_step(int i, int k, int64_t steps)
{
    return k < 2 ? 0 : (int64_t)((double)i * (double)steps / (double)(k - 1) + 0.5);
}

static nz_status train(nz_run *r, gf_net *n, const gf_data *data, const gf_train_opts *o,
                       const nz_tensor *px, const nz_tensor *py, gf_result *res)
{
    nz_optimizer *opt = nz_sgd_create(n->params, 2 * (size_t)n->nl, o->lr, o->momentum, 0, 0);
    nz_batcher *b = nz_batcher_create(data->train, n->dev, NZ_F32, o->batch, o->seed + 7, 1);
    nz_status st = opt && b ? NZ_OK : nz_error_prefix(NZ_ERR_NOMEM, "gradflow: training setup");
    int next = 1;
    for (int64_t step = 1; step <= o->steps && st == NZ_OK; step++) {
        if (nz_run_interrupted(r)) {
            st = nz_error(NZ_ERR_INTERRUPTED, "gradflow: interrupted at step %lld",
                          (long long)step);
            break;
        }
        nz_tensor *x, *y;
        st = nz_batcher_next(b, &x, &y);
        if (st == NZ_OK) st = gf_forward(n, x);
        if (st == NZ_OK) st = gf_backward(n, x, y);
        if (st == NZ_OK) st = nz_optimizer_step(opt);
        while (st == NZ_OK && next < res->nsnap && snap_step(next, res->nsnap, o->steps) == step) {
            res->snap_step[next] = step;
            st = gf_probe(n, px, py, &res->snap[next]);
            next++;
        }
    }
    nz_batcher_free(b);
    nz_optimizer_free(opt);
    return st;
}

nz_status gf_run_config(nz_run *r, const gf_config *cfg, const gf_data *data,
                        const gf_train_opts *o, gf_result *res)
{
    double t0 = now();
    res->cfg = *cfg;
    res->nsnap = o->steps > 0 ? o->snapshots : 1;
    if (res->nsnap > 16) res->nsnap = 16;
    gf_net *n = NULL;
    /* The probe batch: the first rows of the (shuffled, balanced) training
     * subset, the same at every probe and on every device. */
    int64_t pm = o->batch < nz_tensor_rows_count(data->xtr) ? o->batch
                                                             : nz_tensor_rows_count(data->xtr);
    nz_tensor *px = nz_tensor_rows(data->xtr, 0, pm), *py = nz_tensor_rows(data->ytr, 0, pm);
    nz_tensor *x1 = nz_tensor_rows(data->xtr, 0, 1);
    nz_status st = px && py && x1 ? NZ_OK : nz_error_prefix(NZ_ERR_NOMEM, "gradflow: probe view");
    if (st == NZ_OK) st = gf_net_create(nz_tensor_device(data->xtr), cfg, data->in, data->classes,
                                        o->seed, &n);
    if (st == NZ_OK) st = gf_probe(n, px, py, &res->snap[0]);
    res->snap_step[0] = 0;
    if (st == NZ_OK) st = gf_jacobian(n, x1, &res->jac);
    if (st == NZ_OK && o->steps > 0) st = train(r, n, data, o, px, py, res);
    if (st == NZ_OK) st = accuracy(n, data, o->batch, &res->accuracy);
    gf_net_free(n);
    nz_tensor_free(px);
    nz_tensor_free(py);
    nz_tensor_free(x1);
    res->seconds = now() - t0;
    return st;
}
