/* The KIP loop for one support-set size.
 *
 * The support images X_s (C*ipc x 784) start as random class-balanced
 * training images (the "random subset" baseline: same size, same seed) with
 * centred one-hot labels.  Each step draws a fresh class-balanced target
 * batch X_t, evaluates one kernel block K([X_t; X_s], X_s) = [K_ts; K_ss] so a
 * single backward pass serves both, takes the KRR loss and its gradient
 * (kip_krr.c), and moves X_s (and the labels when learned) with Adam:
 *   dL/dX_s = dL/dB + (rows t.. of dL/dA)   for K(A, B), A = [X_t; X_s], B = X_s. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kip.h"

typedef struct kip_state {
    nz_device *dev;
    int64_t s, t;
    nz_tensor *block, *xt, *xs;  /* (t+s) x D and its two row views */
    nz_tensor *gblock, *k, *g;   /* (t+s) x D, (t+s) x s kernel and its gradient */
    nz_tensor *kts, *kss, *gts, *gss;
    nz_tensor *yt, *idx_t, *lab_t, *idx_s, *lab_s, *xs0, *ys0;
    nz_param px, py;
    kip_tape *tape;
    kip_krr *krr;
    nz_optimizer *opt;
    int32_t *hidx, *hlab;
} kip_state;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void state_free(kip_state *st)
{
    nz_optimizer_free(st->opt);
    kip_tape_free(st->tape);
    kip_krr_free(st->krr);
    nz_tensor *all[] = { st->xt, st->xs, st->gblock, st->kts, st->kss, st->gts, st->gss, st->k,
                         st->g, st->block, st->yt, st->idx_t, st->lab_t, st->idx_s, st->lab_s,
                         st->xs0, st->ys0, st->px.grad, st->py.value, st->py.grad };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) nz_tensor_free(all[i]);
    free(st->hidx);
    free(st->hlab);
}

static nz_status state_init(kip_state *st, nz_device *dev, const kip_config *cfg)
{
    memset(st, 0, sizeof *st);
    st->dev = dev;
    const int64_t s = KIP_CLASSES * cfg->ipc, t = KIP_CLASSES * cfg->target_per_class;
    const int64_t C = KIP_CLASSES, D = KIP_D;
    st->s = s;
    st->t = t;
    st->block = nz_tensor_create_2d(dev, NZ_F32, t + s, D);
    st->gblock = nz_tensor_create_2d(dev, NZ_F32, t + s, D);
    st->k = nz_tensor_create_2d(dev, NZ_F32, t + s, s);
    st->g = nz_tensor_create_2d(dev, NZ_F32, t + s, s);
    st->yt = nz_tensor_create_2d(dev, NZ_F32, t, C);
    st->idx_t = nz_tensor_create_1d(dev, NZ_I32, t);
    st->lab_t = nz_tensor_create_1d(dev, NZ_I32, t);
    st->idx_s = nz_tensor_create_1d(dev, NZ_I32, s);
    st->lab_s = nz_tensor_create_1d(dev, NZ_I32, s);
    st->xs0 = nz_tensor_create_2d(dev, NZ_F32, s, D);
    st->ys0 = nz_tensor_create_2d(dev, NZ_F32, s, C);
    st->px.grad = nz_tensor_create_2d(dev, NZ_F32, s, D);
    st->py.value = nz_tensor_create_2d(dev, NZ_F32, s, C);
    st->py.grad = nz_tensor_create_2d(dev, NZ_F32, s, C);
    st->hidx = malloc((size_t)(t > s ? t : s) * sizeof(int32_t));
    st->hlab = malloc((size_t)(t > s ? t : s) * sizeof(int32_t));
    if (!st->block || !st->gblock || !st->k || !st->g || !st->yt || !st->idx_t || !st->lab_t ||
        !st->idx_s || !st->lab_s || !st->xs0 || !st->ys0 || !st->px.grad || !st->py.value ||
        !st->py.grad || !st->hidx || !st->hlab)
        return nz_error(NZ_ERR_NOMEM, "kip: out of memory for %lld support and %lld target images",
                        (long long)s, (long long)t);
    st->xt = nz_tensor_rows(st->block, 0, t);
    st->xs = nz_tensor_rows(st->block, t, s);
    st->kts = nz_tensor_rows(st->k, 0, t);
    st->kss = nz_tensor_rows(st->k, t, s);
    st->gts = nz_tensor_rows(st->g, 0, t);
    st->gss = nz_tensor_rows(st->g, t, s);
    if (!st->xt || !st->xs || !st->kts || !st->kss || !st->gts || !st->gss)
        return nz_error(NZ_ERR_NOMEM, "kip: out of memory for views");
    /* The support images are the parameter, living inside the block. */
    st->px.value = st->xs;
    strcpy(st->px.name, "support_images");
    strcpy(st->py.name, "support_labels");
    if (!(st->tape = kip_tape_create(dev, NZ_F32, &cfg->kernel, t + s, s, 1))) return NZ_ERR_NOMEM;
    if (!(st->krr = kip_krr_create(dev, NZ_F32, t, s, C))) return NZ_ERR_NOMEM;
    nz_param *ps[2] = { &st->px, &st->py };
    if (!(st->opt = nz_adam_create(ps, cfg->learn_labels ? 2 : 1, cfg->lr, 0.9, 0.999, 1e-8, 0, 0)))
        return NZ_ERR_NOMEM;
    return NZ_OK;
}

/* Gather `n` class-balanced training images into x and their centred
 * one-hot labels into y. */
static nz_status draw(kip_state *st, const kip_data *d, int64_t per_class, uint64_t seed,
                      uint64_t stream, nz_tensor *idx, nz_tensor *lab, nz_tensor *x, nz_tensor *y)
{
    nz_status s;
    const int64_t n = KIP_CLASSES * per_class;
    const double off = -1.0 / KIP_CLASSES;
    if ((s = kip_data_balanced(d, per_class, seed, stream, st->hidx, st->hlab)) != NZ_OK) return s;
    if ((s = nz_tensor_upload(idx, st->hidx, (size_t)n * sizeof(int32_t))) != NZ_OK) return s;
    if ((s = nz_tensor_upload(lab, st->hlab, (size_t)n * sizeof(int32_t))) != NZ_OK) return s;
    if ((s = nz_gather_rows(x, d->xtrain, idx)) != NZ_OK) return s;
    return nz_onehot(y, lab, 1 + off, off);
}

static nz_status step(kip_state *st, const kip_data *d, const kip_config *cfg, int64_t i,
                      double *loss, double *reg_used)
{
    nz_status s;
    const kip_kernel *k = &cfg->kernel;
    /* stream 0 drew the support set; step i draws targets from stream i. */
    if ((s = draw(st, d, cfg->target_per_class, cfg->seed, (uint64_t)i, st->idx_t, st->lab_t,
                  st->xt, st->yt)) != NZ_OK)
        return s;
    if ((s = kip_kernel_forward(k, st->tape, st->block, st->xs, st->k)) != NZ_OK) return s;
    if ((s = kip_krr_loss(st->krr, st->kts, st->kss, st->py.value, st->yt, cfg->reg, st->gts,
                          st->gss, cfg->learn_labels ? st->py.grad : NULL, loss, reg_used)) != NZ_OK)
        return s;
    if (!isfinite(*loss))
        return nz_error(NZ_ERR_NUMERIC, "kip: loss became %g at step %lld; lower lr (now %g)", *loss,
                        (long long)i, cfg->lr);
    if ((s = kip_kernel_backward(k, st->tape, st->block, st->xs, st->g, st->gblock, 0, st->px.grad,
                                 0)) != NZ_OK)
        return s;
    nz_tensor *gs_rows = nz_tensor_rows(st->gblock, st->t, st->s);
    if (!gs_rows) return nz_error(NZ_ERR_NOMEM, "kip: out of memory for a view");
    s = nz_binary(st->px.grad, NZ_BIN_ADD, st->px.grad, gs_rows, 1, 0);
    nz_tensor_free(gs_rows);
    if (s != NZ_OK) return s;
    return nz_optimizer_step(st->opt);
}

static nz_status evaluate(const kip_data *d, const kip_kernel *k, const nz_tensor *xs,
                          const nz_tensor *ys, double reg, double *acc)
{
    double used = reg;
    return kip_krr_accuracy(k, xs, ys, d->xtest, d->ytest, reg, acc, &used);
}

static nz_status finish_eval(nz_run *r, const kip_data *d, const kip_config *cfg, kip_state *st,
                             kip_result *res)
{
    nz_status s;
    for (int kind = 0; kind < KIP_KIND_COUNT; kind++) {
        kip_kernel k = cfg->kernel;
        k.kind = (kip_kind)kind;
        if ((s = evaluate(d, &k, st->xs0, st->ys0, cfg->reg, &res->transfer_random[kind])) != NZ_OK)
            return s;
        if ((s = evaluate(d, &k, st->xs, st->py.value, cfg->reg, &res->transfer_kip[kind])) != NZ_OK)
            return s;
        nz_run_log(r, "kip ipc=%lld: %s kernel: random %.2f%%, KIP %.2f%%", (long long)cfg->ipc,
                   kip_kind_name(k.kind), 100 * res->transfer_random[kind],
                   100 * res->transfer_kip[kind]);
    }
    res->acc_random = res->transfer_random[cfg->kernel.kind];
    res->acc_kip = res->transfer_kip[cfg->kernel.kind];
    char name[64];
    snprintf(name, sizeof name, "support_ipc%lld_end", (long long)cfg->ipc);
    if ((s = kip_output_grid(r, d, st->xs, cfg->ipc, name)) != NZ_OK) return s;
    return kip_output_idx(r, d, st->xs, st->py.value, cfg->ipc);
}

static nz_status run_loop(nz_run *r, const kip_data *d, const kip_config *cfg, kip_state *st,
                          kip_result *res)
{
    nz_status s;
    if ((s = draw(st, d, cfg->ipc, cfg->seed, 0, st->idx_s, st->lab_s, st->xs, st->py.value)) != NZ_OK)
        return s;
    if ((s = nz_tensor_copy(st->xs0, st->xs)) != NZ_OK) return s;
    if ((s = nz_tensor_copy(st->ys0, st->py.value)) != NZ_OK) return s;
    char name[64];
    snprintf(name, sizeof name, "support_ipc%lld_start", (long long)cfg->ipc);
    if ((s = kip_output_grid(r, d, st->xs, cfg->ipc, name)) != NZ_OK) return s;
    double acc = NAN, t_steps = 0;
    if ((s = evaluate(d, &cfg->kernel, st->xs, st->py.value, cfg->reg, &acc)) != NZ_OK) return s;
    /* step 0: the random subset before any update */
    const double row0[6] = { (double)cfg->ipc, 0, NAN, acc, cfg->reg, 0 };
    if ((s = nz_run_metrics_row(r, row0)) != NZ_OK) return s;
    res->reg_max = cfg->reg;
    for (int64_t i = 1; i <= cfg->steps; i++) {
        if (nz_run_interrupted(r))
            return nz_error(NZ_ERR_INTERRUPTED, "kip: stopped at step %lld of %lld (ipc %lld)",
                            (long long)i, (long long)cfg->steps, (long long)cfg->ipc);
        double loss = 0, reg_used = cfg->reg, t0 = now_s();
        if ((s = step(st, d, cfg, i, &loss, &reg_used)) != NZ_OK) return s;
        double dt = now_s() - t0;
        t_steps += dt;
        if (reg_used > res->reg_max) res->reg_max = reg_used;
        if (i == 1) res->loss_first = loss;
        res->loss_last = loss;
        res->steps_done = i;
        double row_acc = NAN;
        if (i == cfg->steps || (cfg->eval_every > 0 && i % cfg->eval_every == 0)) {
            if ((s = evaluate(d, &cfg->kernel, st->xs, st->py.value, cfg->reg, &acc)) != NZ_OK)
                return s;
            row_acc = acc;
            nz_run_log(r, "kip ipc=%lld step %lld: loss %.5f, test accuracy %.2f%%",
                       (long long)cfg->ipc, (long long)i, loss, 100 * acc);
        }
        const double row[6] = { (double)cfg->ipc, (double)i, loss, row_acc, reg_used, 1e3 * dt };
        if ((s = nz_run_metrics_row(r, row)) != NZ_OK) return s;
        nz_run_progress(r, "kip", i, cfg->steps);
    }
    res->step_ms = cfg->steps > 0 ? 1e3 * t_steps / (double)cfg->steps : 0;
    return finish_eval(r, d, cfg, st, res);
}

nz_status kip_train(nz_run *r, const kip_data *d, const kip_config *cfg, kip_result *res)
{
    memset(res, 0, sizeof *res);
    kip_state st;
    nz_status s = state_init(&st, nz_run_device(r), cfg);
    if (s == NZ_OK) s = run_loop(r, d, cfg, &st, res);
    state_free(&st);
    return s;
}
