/* FGSM and PGD with random start and restarts, entirely on the device but
 * for one m-row host compare per restart (which rows are fooled). */
#include <stdlib.h>
#include <string.h>

#include "adv.h"

nz_status adv_work_init(adv_work *w, nz_device *dev, int64_t cap, int64_t d)
{
    memset(w, 0, sizeof *w);
    w->cap = cap;
    w->d = d;
    w->cur = nz_tensor_create_2d(dev, NZ_F32, cap, d);
    w->tmp = nz_tensor_create_2d(dev, NZ_F32, cap, d);
    w->adv = nz_tensor_create_2d(dev, NZ_F32, cap, d);
    w->mask = nz_tensor_create_2d(dev, NZ_F32, cap, 1);
    w->pred = malloc(sizeof(int32_t) * (size_t)cap);
    w->mask_host = malloc(sizeof(float) * (size_t)cap);
    w->g = nz_graph_create(dev, NZ_F32);
    if (!w->cur || !w->tmp || !w->adv || !w->mask || !w->pred || !w->mask_host || !w->g) {
        adv_work_release(w);
        return nz_error_prefix(NZ_ERR_NOMEM, "adversarial: attack workspace");
    }
    return NZ_OK;
}

void adv_work_release(adv_work *w)
{
    nz_tensor_free(w->cur);
    nz_tensor_free(w->tmp);
    nz_tensor_free(w->adv);
    nz_tensor_free(w->mask);
    free(w->pred);
    free(w->mask_host);
    nz_graph_free(w->g);
    memset(w, 0, sizeof *w);
}

nz_var *adv_forward(nz_graph *g, const adv_model *m, nz_var *x)
{
    int n = nz_mlp_layer_count(m->mlp);
    for (int i = 0; i < n; i++) {
        nz_dense *l = nz_mlp_layer(m->mlp, i);
        x = nz_v_matmul(g, x, 0, nz_graph_input(g, l->w.value, 0), l->weight_out_in);
        if (l->has_bias) x = nz_v_add_bias(g, x, nz_graph_input(g, l->b.value, 0));
        if (i + 1 < n) x = nz_v_act(g, x, m->act);
    }
    return x;
}

nz_status adv_predict(adv_work *w, const adv_model *m, const nz_tensor *x, int32_t *pred)
{
    nz_graph_reset(w->g);
    nz_var *logits = adv_forward(w->g, m, nz_graph_input(w->g, (nz_tensor *)x, 0));
    if (!logits) return nz_graph_status(w->g);
    return nz_argmax_rows(nz_var_value(logits), pred);
}

/* x = clamp(x0 + clamp(x - x0, -eps, eps), 0, 1): the projection onto the
 * ball intersected with the valid pixel box. */
static nz_status project(nz_tensor *x, const nz_tensor *x0, nz_tensor *tmp, double eps)
{
    nz_status s = nz_binary(tmp, NZ_BIN_SUB, x, x0, 1.0, 0.0);
    if (s == NZ_OK) s = nz_unary(tmp, NZ_UN_CLAMP, tmp, -eps, eps, 1.0, 0.0);
    if (s == NZ_OK) s = nz_binary(x, NZ_BIN_ADD, x0, tmp, 1.0, 0.0);
    if (s == NZ_OK) s = nz_unary(x, NZ_UN_CLAMP, x, 0.0, 1.0, 1.0, 0.0);
    return s;
}

/* One restart: start point, then `steps` ascent steps on the mean loss
 * (its sign is that of every example's own loss gradient). */
static nz_status one_restart(adv_work *w, const adv_model *m, adv_attack *a, const nz_tensor *x0,
                             const nz_tensor *y, nz_tensor *x, nz_tensor *tmp)
{
    nz_status s = NZ_OK;
    if (a->random_start) {
        s = nz_random(tmp, NZ_RNG_UNIFORM, -a->eps, a->eps, a->seed, a->stream, a->counter);
        a->counter += (uint64_t)nz_tensor_numel(tmp);
        if (s == NZ_OK) s = nz_binary(x, NZ_BIN_ADD, x0, tmp, 1.0, 0.0);
        if (s == NZ_OK) s = nz_unary(x, NZ_UN_CLAMP, x, 0.0, 1.0, 1.0, 0.0);
    } else {
        s = nz_tensor_copy(x, x0);
    }
    for (int k = 0; k < a->steps && s == NZ_OK; k++) {
        nz_graph_reset(w->g);
        nz_var *xv = nz_graph_input(w->g, x, 1);
        nz_var *loss = nz_softmax_xent(w->g, adv_forward(w->g, m, xv), y);
        if ((s = nz_graph_backward(w->g, loss)) != NZ_OK) break;
        nz_tensor *grad = nz_var_grad(xv);
        if (!grad) return nz_error(NZ_ERR_INVALID, "adversarial: the loss does not depend on the input");
        /* x += step * sign(grad), then back into the ball and the box. */
        s = nz_unary(x, NZ_UN_SIGN, grad, 0.0, 0.0, a->step_size, 1.0);
        if (s == NZ_OK) s = project(x, x0, tmp, a->eps);
    }
    return s;
}

nz_status adv_attack_run(adv_work *w, const adv_model *m, adv_attack *a, const nz_tensor *x0,
                         const nz_tensor *y, const int32_t *y_host, nz_tensor *x_adv, int32_t *pred,
                         int32_t *fooled)
{
    int64_t rows = nz_tensor_rows_count(x0);
    if (rows > w->cap || nz_tensor_cols_count(x0) != w->d)
        return nz_error(NZ_ERR_INVALID, "adversarial: batch of %lld x %lld exceeds the workspace "
                        "(%lld x %lld)", (long long)rows, (long long)nz_tensor_cols_count(x0),
                        (long long)w->cap, (long long)w->d);
    nz_tensor *cur = nz_tensor_rows(w->cur, 0, rows), *tmp = nz_tensor_rows(w->tmp, 0, rows);
    nz_tensor *mask = nz_tensor_rows(w->mask, 0, rows);
    int32_t *pbest = pred ? pred : w->pred;
    int32_t *fbest = fooled;
    int32_t *pnow = malloc(sizeof(int32_t) * (size_t)rows);
    nz_status s = cur && tmp && mask && pnow ? NZ_OK : nz_error(NZ_ERR_NOMEM, "adversarial: attack");
    if (s == NZ_OK && !y_host && (pred || fooled || a->restarts > 1 || a->eps <= 0.0))
        s = nz_error(NZ_ERR_INVALID, "adversarial: predictions, restarts and eps = 0 need host labels");
    if (s == NZ_OK && !fooled) {
        /* Track the fooled flags ourselves when the caller does not. */
        fbest = calloc((size_t)rows, sizeof(int32_t));
        if (!fbest) s = nz_error(NZ_ERR_NOMEM, "adversarial: attack");
    }
    if (s == NZ_OK && a->eps <= 0.0) {
        s = nz_tensor_copy(x_adv, x0);
        if (s == NZ_OK) s = adv_predict(w, m, x_adv, pbest);
        for (int64_t i = 0; s == NZ_OK && i < rows; i++) fbest[i] = pbest[i] != y_host[i];
    }
    int restarts = a->eps > 0.0 ? a->restarts : 0;
    for (int r = 0; s == NZ_OK && r < restarts; r++) {
        /* Restart 0 works in x_adv directly; later ones in cur, merged. */
        nz_tensor *x = r == 0 ? x_adv : cur;
        if ((s = one_restart(w, m, a, x0, y, x, tmp)) != NZ_OK) break;
        if (!y_host) break; /* training: one restart, no bookkeeping wanted */
        if ((s = adv_predict(w, m, x, pnow)) != NZ_OK) break;
        int64_t changed = 0, left = 0;
        for (int64_t i = 0; i < rows; i++) {
            int f = pnow[i] != y_host[i];
            if (r == 0) {
                fbest[i] = f;
                pbest[i] = pnow[i];
            } else {
                int take = f && !fbest[i];
                w->mask_host[i] = take ? 1.0f : 0.0f;
                if (take) {
                    fbest[i] = 1;
                    pbest[i] = pnow[i];
                    changed++;
                }
            }
            left += !fbest[i];
        }
        if (r > 0 && changed) {
            /* x_adv += mask * (cur - x_adv): take the fooling rows. */
            s = nz_tensor_upload(mask, w->mask_host, sizeof(float) * (size_t)rows);
            if (s == NZ_OK) s = nz_binary(tmp, NZ_BIN_SUB, cur, x_adv, 1.0, 0.0);
            if (s == NZ_OK) s = nz_binary(x_adv, NZ_BIN_MUL, tmp, mask, 1.0, 1.0);
        }
        if (!left) {
            /* Every row is fooled: more restarts change nothing.  Skip their
             * draws too, so the next attack's noise does not depend on it. */
            if (a->random_start) a->counter += (uint64_t)(restarts - 1 - r) * (uint64_t)nz_tensor_numel(tmp);
            break;
        }
    }
    if (!fooled) free(fbest);
    free(pnow);
    nz_tensor_free(cur);
    nz_tensor_free(tmp);
    nz_tensor_free(mask);
    return s;
}
