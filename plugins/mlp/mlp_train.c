/* The training loop with checkpoints.
 *
 * Everything a step depends on is either derived from the seed (initial
 * weights, the batch order of every epoch) or saved in the checkpoint (the
 * weights, the optimizer's moments and step count, the position in the
 * data, the metrics so far), so a resumed run computes the very same steps:
 * bit for bit on the same device, within float tolerance on another. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mlp.h"

typedef struct trainer {
    nz_run *r;
    const mlp_cfg *cfg;
    nz_mlp *m;
    nz_optimizer *opt;
    nz_batcher *b;
    nz_graph *g, *ge;
    nz_tensor *xt, *yt;       /* the test set on the device */
    int64_t step, total, per_epoch, resumes;
    int64_t ntrain;
    double train_time;         /* seconds in training steps, over every resume */
    double loss, acc, best_acc;
    int64_t epoch88;           /* first epoch reaching 88% test accuracy, or -1 */
    double time88;
} trainer;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static nz_status save(trainer *t)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", nz_run_dir(t->r), NZ_RUN_CHECKPOINT);
    nz_checkpoint *ck = nz_checkpoint_create();
    char *metrics = nz_run_metrics_text(t->r);
    nz_status s = ck && metrics ? NZ_OK : NZ_ERR_NOMEM;
    if (s == NZ_OK) s = nz_checkpoint_put_mlp(ck, "model.", t->m);
    if (s == NZ_OK) s = nz_checkpoint_put_optimizer(ck, "optim.", t->opt);
    /* The data position is the step: epoch = step / per_epoch, batch =
     * step % per_epoch; the batch order is Philox(seed, epoch). */
    if (s == NZ_OK) s = nz_checkpoint_put_int(ck, "step", t->step);
    if (s == NZ_OK) s = nz_checkpoint_put_int(ck, "total_steps", t->total);
    if (s == NZ_OK) s = nz_checkpoint_put_int(ck, "batches_per_epoch", t->per_epoch);
    if (s == NZ_OK) s = nz_checkpoint_put_int(ck, "seed", (int64_t)nz_run_seed(t->r));
    if (s == NZ_OK) s = nz_checkpoint_put_int(ck, "resumes", t->resumes);
    if (s == NZ_OK) s = nz_checkpoint_put_float(ck, "train_time_s", t->train_time);
    if (s == NZ_OK) s = nz_checkpoint_put_float(ck, "loss", t->loss);
    if (s == NZ_OK) s = nz_checkpoint_put_float(ck, "test_accuracy", t->acc);
    if (s == NZ_OK) s = nz_checkpoint_put_float(ck, "best_test_accuracy", t->best_acc);
    if (s == NZ_OK) s = nz_checkpoint_put_int(ck, "epoch88", t->epoch88);
    if (s == NZ_OK) s = nz_checkpoint_put_float(ck, "time88", t->time88);
    if (s == NZ_OK) s = nz_checkpoint_put_text(ck, "metrics", metrics);
    if (s == NZ_OK) s = nz_checkpoint_write(ck, path);
    free(metrics);
    nz_checkpoint_free(ck);
    return s;
}

static nz_status restore(trainer *t)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", nz_run_dir(t->r), NZ_RUN_CHECKPOINT);
    nz_checkpoint *ck;
    nz_status s = nz_checkpoint_read(path, &ck);
    if (s == NZ_ERR_NOT_FOUND)
        return nz_error(NZ_ERR_NOT_FOUND, "cannot resume: %s is missing (the run stopped before its "
                        "first checkpoint; start it again)", path);
    if (s != NZ_OK) return s;
    int64_t total, per_epoch, seed;
    const char *metrics;
    if ((s = nz_checkpoint_get_int(ck, "step", &t->step)) == NZ_OK &&
        (s = nz_checkpoint_get_int(ck, "total_steps", &total)) == NZ_OK &&
        (s = nz_checkpoint_get_int(ck, "batches_per_epoch", &per_epoch)) == NZ_OK &&
        (s = nz_checkpoint_get_int(ck, "seed", &seed)) == NZ_OK &&
        (s = nz_checkpoint_get_int(ck, "resumes", &t->resumes)) == NZ_OK &&
        (s = nz_checkpoint_get_float(ck, "train_time_s", &t->train_time)) == NZ_OK &&
        (s = nz_checkpoint_get_float(ck, "loss", &t->loss)) == NZ_OK &&
        (s = nz_checkpoint_get_float(ck, "test_accuracy", &t->acc)) == NZ_OK &&
        (s = nz_checkpoint_get_float(ck, "best_test_accuracy", &t->best_acc)) == NZ_OK &&
        (s = nz_checkpoint_get_int(ck, "epoch88", &t->epoch88)) == NZ_OK &&
        (s = nz_checkpoint_get_float(ck, "time88", &t->time88)) == NZ_OK &&
        (s = nz_checkpoint_get_text(ck, "metrics", &metrics)) == NZ_OK) {
        if (total != t->total || per_epoch != t->per_epoch || (uint64_t)seed != nz_run_seed(t->r) ||
            t->step < 0 || t->step > t->total)
            s = nz_error(NZ_ERR_INVALID, "checkpoint %s is for another run (step %lld of %lld, %lld "
                         "batches per epoch, seed %lld); this run has %lld steps of %lld per epoch, seed "
                         "%llu", path, (long long)t->step, (long long)total, (long long)per_epoch,
                         (long long)seed, (long long)t->total, (long long)t->per_epoch,
                         (unsigned long long)nz_run_seed(t->r));
    }
    if (s == NZ_OK) s = nz_checkpoint_load_mlp(ck, "model.", t->m);
    if (s == NZ_OK) s = nz_checkpoint_load_optimizer(ck, "optim.", t->opt);
    if (s == NZ_OK) s = nz_run_metrics_restore(t->r, metrics);
    if (s == NZ_OK && t->step < t->total)
        s = nz_batcher_seek(t->b, (uint64_t)(t->step / t->per_epoch), t->step % t->per_epoch);
    nz_checkpoint_free(ck);
    if (s == NZ_OK) {
        t->resumes++;
        nz_run_log(t->r, "mlp: resumed from %s at step %lld of %lld", path, (long long)t->step,
                   (long long)t->total);
    }
    return s;
}

static nz_status read_loss(nz_var *loss, nz_dtype dt, double *out)
{
    if (dt == NZ_F64) return nz_tensor_download(nz_var_value(loss), out, sizeof(double));
    float f;
    nz_status s = nz_tensor_download(nz_var_value(loss), &f, sizeof f);
    *out = f;
    return s;
}

static nz_status train_step(trainer *t)
{
    nz_tensor *x, *y;
    nz_status s = nz_batcher_next(t->b, &x, &y);
    if (s != NZ_OK) return s;
    nz_graph_reset(t->g);
    nz_var *logits = nz_mlp_forward(t->g, t->m, nz_graph_input(t->g, x, 0));
    nz_var *loss = nz_softmax_xent(t->g, logits, y);
    if ((s = nz_graph_backward(t->g, loss)) != NZ_OK) return s;
    if ((s = nz_optimizer_step(t->opt)) != NZ_OK) return s;
    /* Reading the loss waits for the step: the timing covers the work. */
    return read_loss(loss, t->cfg->dtype, &t->loss);
}

/* Samples seen: full epochs, then whole batches (only an epoch's last batch
 * is short). */
static double samples_seen(const trainer *t)
{
    int64_t epochs = t->step / t->per_epoch, rest = t->step % t->per_epoch;
    return (double)epochs * (double)t->ntrain + (double)rest * (double)t->cfg->batch;
}

static nz_status epoch_end(trainer *t)
{
    nz_status s = mlp_evaluate(t->m, t->ge, t->xt, t->yt, &t->acc);
    if (s != NZ_OK) return s;
    int64_t epoch = (t->step + t->per_epoch - 1) / t->per_epoch;
    if (t->acc > t->best_acc) t->best_acc = t->acc;
    if (t->acc >= 0.88 && t->epoch88 < 0) {
        t->epoch88 = epoch;
        t->time88 = t->train_time;
    }
    nz_run_log(t->r, "mlp: epoch %lld step %lld loss %.4f test accuracy %.4f (%.1f s training, %.0f samples/s)",
               (long long)epoch, (long long)t->step, t->loss, t->acc, t->train_time,
               t->train_time > 0 ? samples_seen(t) / t->train_time : 0.0);
    return NZ_OK;
}

static nz_status loop(trainer *t)
{
    const mlp_cfg *c = t->cfg;
    nz_status s;
    while (t->step < t->total) {
        if (nz_run_interrupted(t->r)) {
            if ((s = save(t)) != NZ_OK) return nz_error_prefix(s, "saving the checkpoint on interrupt");
            return nz_error(NZ_ERR_INTERRUPTED, "mlp stopped at step %lld of %lld; checkpoint saved",
                            (long long)t->step, (long long)t->total);
        }
        double t0 = now_s();
        if ((s = train_step(t)) != NZ_OK) return nz_error_prefix(s, "training step %lld", (long long)t->step);
        t->train_time += now_s() - t0;
        t->step++;
        if (!isfinite(t->loss))
            return nz_error(NZ_ERR_NUMERIC, "the loss diverged (%g) at step %lld; lower lr (now %g)", t->loss,
                            (long long)t->step, c->lr);
        int at_end = t->step % t->per_epoch == 0 || t->step == t->total;
        t->acc = NAN;
        if (at_end && (s = epoch_end(t)) != NZ_OK) return s;
        if (at_end || t->step % c->log_every == 0) {
            double row[4] = { (double)t->step, (double)(t->step - 1) / (double)t->per_epoch, t->loss,
                              t->acc };
            if ((s = nz_run_metrics_row(t->r, row)) != NZ_OK) return s;
        }
        nz_run_progress(t->r, "training", t->step, t->total);
        if ((at_end || (c->checkpoint_every && t->step % c->checkpoint_every == 0)) && (s = save(t)) != NZ_OK)
            return s;
    }
    return NZ_OK;
}

static nz_status summarise(trainer *t)
{
    double samples = samples_seen(t);
    nz_run_summary_number(t->r, "test_accuracy", t->acc);
    nz_run_summary_number(t->r, "best_test_accuracy", t->best_acc);
    nz_run_summary_number(t->r, "final_loss", t->loss);
    nz_run_summary_number(t->r, "steps", (double)t->step);
    nz_run_summary_number(t->r, "epochs", (double)t->step / (double)t->per_epoch);
    nz_run_summary_number(t->r, "train_time_s", t->train_time);
    nz_run_summary_number(t->r, "samples_per_s", t->train_time > 0 ? samples / t->train_time : 0);
    nz_run_summary_number(t->r, "epoch_reaching_88pct", (double)t->epoch88);
    nz_run_summary_number(t->r, "train_time_to_88pct_s", t->epoch88 >= 0 ? t->time88 : -1);
    nz_run_summary_number(t->r, "resumes", (double)t->resumes);
    nz_status s = nz_run_summary_write(t->r);
    if (s != NZ_OK) return s;
    return nz_run_plot(t->r, "loss",
                       "set datafile separator ','\nset key autotitle columnhead\n"
                       "set xlabel 'step'\nset ylabel 'training loss'\nset y2label 'test accuracy'\n"
                       "set y2tics\nset logscale y\n"
                       "plot 'metrics.csv' using 1:3 with lines title 'loss', "
                       "'' using 1:4 axes x1y2 with linespoints title 'test accuracy'");
}

nz_status mlp_train(nz_run *r, const mlp_cfg *c, const nz_dataset *train, const nz_dataset *test)
{
    nz_device *dev = nz_run_device(r);
    trainer t = { .r = r, .cfg = c, .epoch88 = -1, .acc = NAN, .ntrain = train->n };
    nz_status s = NZ_OK;
    t.m = nz_mlp_create(dev, c->dtype, c->nsizes, c->sizes, c->act, c->init, nz_run_seed(r));
    if (!t.m) return nz_error_prefix(NZ_ERR_INVALID, "creating the MLP");
    size_t np = nz_mlp_param_count(t.m);
    t.opt = c->adam ? nz_adam_create(nz_mlp_params(t.m), np, c->lr, 0.9, 0.999, 1e-8, c->weight_decay, 0)
                    : nz_sgd_create(nz_mlp_params(t.m), np, c->lr, c->momentum, c->weight_decay, 0);
    t.b = nz_batcher_create(train, dev, c->dtype, c->batch, nz_run_seed(r), 0);
    t.g = nz_graph_create(dev, c->dtype);
    t.ge = nz_graph_create(dev, c->dtype);
    if (!t.opt || !t.b || !t.g || !t.ge) {
        s = nz_error_prefix(NZ_ERR_INVALID, "setting up training");
        goto out;
    }
    if ((s = nz_dataset_upload(test, dev, c->dtype, &t.xt, &t.yt)) != NZ_OK) goto out;
    t.per_epoch = nz_batcher_batches_per_epoch(t.b);
    t.total = c->epochs * t.per_epoch;
    if (c->max_steps && c->max_steps < t.total) t.total = c->max_steps;

    char arch[256];
    int len = 0;
    for (int i = 0; i < c->nsizes; i++)
        len += snprintf(arch + len, sizeof arch - (size_t)len, "%s%lld", i ? "-" : "", (long long)c->sizes[i]);
    nz_run_log(r, "mlp: %s %s, %s lr %g, batch %lld, %lld steps (%lld per epoch) on %s", arch,
               nz_activation_name(c->act), c->adam ? "adam" : "sgd", c->lr, (long long)c->batch,
               (long long)t.total, (long long)t.per_epoch, nz_device_id(dev));
    if (nz_run_resuming(r)) {
        if ((s = restore(&t)) != NZ_OK) goto out;
    } else {
        const char *const cols[] = { "step", "epoch", "loss", "test_acc" };
        if ((s = nz_run_metrics_columns(r, 4, cols)) != NZ_OK) goto out;
    }
    if ((s = loop(&t)) == NZ_OK) s = summarise(&t);
    else if (s == NZ_ERR_INTERRUPTED) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", nz_last_error());
        nz_run_summary_number(r, "steps", (double)t.step);
        nz_error(s, "%s", msg);
    }
out:
    nz_tensor_free(t.xt);
    nz_tensor_free(t.yt);
    nz_graph_free(t.ge);
    nz_graph_free(t.g);
    nz_batcher_free(t.b);
    nz_optimizer_free(t.opt);
    nz_mlp_free(t.m);
    return s;
}
