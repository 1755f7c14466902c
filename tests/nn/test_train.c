/* The training stack end to end on the CPU device: initialisers, batches
 * gathered on the device, and an MLP trained with SGD and with Adam on a
 * Gaussian mixture to > 95% held-out accuracy. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nn_fixture.h"

static double *download_f64(const nz_tensor *t)
{
    size_t n = (size_t)nz_tensor_numel(t);
    double *v = malloc(n * sizeof(double));
    assert_int_equal(nz_tensor_download(t, v, n * sizeof(double)), NZ_OK);
    return v;
}

static void test_init_statistics(void **state)
{
    (void)state;
    nz_tensor *w = nz_tensor_create_2d(fx_dev, NZ_F64, 256, 128);
    struct { nz_init init; double sd, bound; } cases[] = {
        {NZ_INIT_UNIFORM, 1 / sqrt(3.0 * 256), 1 / sqrt(256.0)},
        {NZ_INIT_GLOROT_UNIFORM, sqrt(2.0 / 384), sqrt(6.0 / 384)},
        {NZ_INIT_GLOROT_NORMAL, sqrt(2.0 / 384), 0},
        {NZ_INIT_HE_UNIFORM, sqrt(2.0 / 256), sqrt(6.0 / 256)},
        {NZ_INIT_HE_NORMAL, sqrt(2.0 / 256), 0},
        {NZ_INIT_NORMAL, 0.3, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        assert_int_equal(nz_init_tensor(w, cases[k].init, 256, 128, 0.3, 42, k), NZ_OK);
        double *v = download_f64(w), s = 0, s2 = 0, mx = 0;
        for (int i = 0; i < 256 * 128; i++) {
            s += v[i];
            s2 += v[i] * v[i];
            mx = fmax(mx, fabs(v[i]));
        }
        double mean = s / (256 * 128), sd = sqrt(s2 / (256 * 128) - mean * mean);
        if (fabs(sd / cases[k].sd - 1) > 0.03 || fabs(mean) > 0.05 * cases[k].sd)
            fail_msg("%s: mean %g sd %g, expected sd %g", nz_init_name(cases[k].init), mean, sd,
                     cases[k].sd);
        if (cases[k].bound)
            assert_true(mx <= cases[k].bound);
        free(v);
    }
    /* Zeros, and the same seed gives the same weights. */
    assert_int_equal(nz_init_tensor(w, NZ_INIT_ZEROS, 256, 128, 0, 1, 0), NZ_OK);
    double *z = download_f64(w);
    for (int i = 0; i < 256 * 128; i++)
        assert_true(z[i] == 0);
    free(z);
    nz_tensor_free(w);
    nz_init parsed;
    assert_int_equal(nz_init_parse("he_normal", &parsed), NZ_OK);
    assert_int_equal(parsed, NZ_INIT_HE_NORMAL);
    assert_int_equal(nz_init_parse("kaiming", &parsed), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "orthogonal"));
}

static void test_orthogonal(void **state)
{
    (void)state;
    /* Tall: orthonormal columns; wide: orthonormal rows. */
    int64_t shapes[2][2] = {{9, 4}, {4, 9}};
    for (int k = 0; k < 2; k++) {
        int64_t r = shapes[k][0], c = shapes[k][1];
        nz_tensor *w = nz_tensor_create_2d(fx_dev, NZ_F64, r, c);
        assert_int_equal(nz_init_tensor(w, NZ_INIT_ORTHOGONAL, r, c, 2.0, 3, 1), NZ_OK);
        double *v = download_f64(w);
        int64_t q = r >= c ? c : r;
        for (int64_t a = 0; a < q; a++)
            for (int64_t b = 0; b < q; b++) {
                double dot = 0;
                for (int64_t i = 0; i < (r >= c ? r : c); i++)
                    dot += r >= c ? v[i * c + a] * v[i * c + b] : v[a * c + i] * v[b * c + i];
                assert_float_equal(dot, a == b ? 4.0 : 0.0, 1e-12); /* gain 2 squared */
            }
        free(v);
        nz_tensor_free(w);
    }
}

static void test_same_seed_same_weights(void **state)
{
    (void)state;
    int64_t sizes[3] = {7, 5, 3};
    nz_mlp *a = nz_mlp_create(fx_dev, NZ_F64, 3, sizes, NZ_ACT_TANH, NZ_INIT_GLOROT_UNIFORM, 9);
    nz_mlp *b = nz_mlp_create(fx_dev, NZ_F64, 3, sizes, NZ_ACT_TANH, NZ_INIT_GLOROT_UNIFORM, 9);
    nz_mlp *c = nz_mlp_create(fx_dev, NZ_F64, 3, sizes, NZ_ACT_TANH, NZ_INIT_GLOROT_UNIFORM, 10);
    assert_non_null(a);
    double *wa = download_f64(nz_mlp_params(a)[2]->value);
    double *wb = download_f64(nz_mlp_params(b)[2]->value);
    double *wc = download_f64(nz_mlp_params(c)[2]->value);
    double *w0 = download_f64(nz_mlp_params(a)[0]->value);
    assert_memory_equal(wa, wb, 15 * sizeof(double));
    assert_memory_not_equal(wa, wc, 15 * sizeof(double));
    assert_memory_not_equal(wa, w0, 15 * sizeof(double)); /* layers use their own streams */
    free(wa);
    free(wb);
    free(wc);
    free(w0);
    nz_mlp_free(a);
    nz_mlp_free(b);
    nz_mlp_free(c);
    assert_null(nz_mlp_create(fx_dev, NZ_F32, 1, sizes, NZ_ACT_RELU, NZ_INIT_UNIFORM, 0));
    assert_non_null(strstr(nz_last_error(), "at least 2 layer sizes"));
}

static void test_batcher_covers_epoch(void **state)
{
    (void)state;
    /* Feature 0 of row i is i and its label is i % 3: a batch must pair
     * them correctly, and an epoch must visit every row once. */
    nz_dataset *ds = nz_dataset_create(50, 2, 3);
    for (int i = 0; i < 50; i++) {
        ds->x[2 * i] = (float)i;
        ds->x[2 * i + 1] = -1;
        ds->y[i] = i % 3;
    }
    nz_batcher *b = nz_batcher_create(ds, fx_dev, NZ_F32, 16, 4, 0);
    assert_non_null(b);
    assert_int_equal(nz_batcher_batches_per_epoch(b), 4);
    int seen[50] = {0};
    int32_t first[16];
    for (int k = 0; k < 5; k++) {
        nz_tensor *x, *y;
        assert_int_equal(nz_batcher_next(b, &x, &y), NZ_OK);
        int64_t m = nz_tensor_dim(x, 0);
        assert_int_equal(m, k == 3 ? 2 : 16);
        float xv[32];
        int32_t yv[16];
        assert_int_equal(nz_tensor_download(x, xv, (size_t)m * 2 * sizeof(float)), NZ_OK);
        assert_int_equal(nz_tensor_download(y, yv, (size_t)m * sizeof(int32_t)), NZ_OK);
        for (int64_t i = 0; i < m; i++) {
            int row = (int)xv[2 * i];
            assert_int_equal(yv[i], row % 3);
            assert_float_equal(xv[2 * i + 1], -1, 0);
            if (k < 4)
                seen[row]++;
            else
                first[i] = row;
        }
        assert_int_equal(nz_batcher_epoch(b), k < 4 ? 0 : 1);
    }
    for (int i = 0; i < 50; i++)
        assert_int_equal(seen[i], 1);
    /* Epoch 1's order is nz_permutation(n, seed, 1). */
    int32_t perm[50];
    assert_int_equal(nz_permutation(50, 4, 1, perm), NZ_OK);
    assert_memory_equal(first, perm, 16 * sizeof(int32_t));
    nz_batcher_free(b);
    assert_null(nz_batcher_create(ds, fx_dev, NZ_F32, 51, 4, 0));
    assert_non_null(strstr(nz_last_error(), "batch size 51"));
    nz_dataset_free(ds);
}

/* Train an MLP on a 4-class Gaussian mixture; returns held-out accuracy. */
static double train_mixture(int adam, double *first_loss, double *last_loss)
{
    nz_dataset *all = NULL, *train = NULL;
    assert_int_equal(nz_dataset_gaussian_mixture(3000, 10, 4, 4.0, 21, &all), NZ_OK);
    assert_int_equal(nz_dataset_head(all, 2400, &train), NZ_OK);
    nz_dataset *test = nz_dataset_create(600, 10, 4);
    memcpy(test->x, all->x + 2400 * 10, 600 * 10 * sizeof(float));
    memcpy(test->y, all->y + 2400, 600 * sizeof(int32_t));
    assert_int_equal(nz_dataset_standardize(train, test), NZ_OK);

    int64_t sizes[3] = {10, 32, 4};
    nz_mlp *mlp = nz_mlp_create(fx_dev, NZ_F32, 3, sizes, NZ_ACT_RELU, NZ_INIT_HE_UNIFORM, 1);
    assert_non_null(mlp);
    nz_optimizer *opt =
        adam ? nz_adam_create(nz_mlp_params(mlp), nz_mlp_param_count(mlp), 1e-2, 0.9, 0.999,
                              1e-8, 0, 0)
             : nz_sgd_create(nz_mlp_params(mlp), nz_mlp_param_count(mlp), 0.05, 0.9, 1e-4, 0);
    assert_non_null(opt);
    nz_batcher *b = nz_batcher_create(train, fx_dev, NZ_F32, 64, 2, 0);
    assert_non_null(b);
    nz_graph *g = nz_graph_create(fx_dev, NZ_F32);
    int64_t steps = 5 * nz_batcher_batches_per_epoch(b);
    for (int64_t s = 0; s < steps; s++) {
        nz_tensor *x, *y;
        assert_int_equal(nz_batcher_next(b, &x, &y), NZ_OK);
        nz_graph_reset(g);
        nz_var *loss = nz_softmax_xent(g, nz_mlp_forward(g, mlp, nz_graph_input(g, x, 0)), y);
        if (nz_graph_backward(g, loss) != NZ_OK || nz_optimizer_step(opt) != NZ_OK)
            fail_msg("step %lld: %s", (long long)s, nz_last_error());
        if (s == 0 || s == steps - 1) {
            float l;
            assert_int_equal(nz_tensor_download(nz_var_value(loss), &l, sizeof l), NZ_OK);
            *(s == 0 ? first_loss : last_loss) = l;
        }
    }
    assert_int_equal(nz_optimizer_steps(opt), steps);

    nz_tensor *tx, *ty;
    assert_int_equal(nz_dataset_upload(test, fx_dev, NZ_F32, &tx, &ty), NZ_OK);
    nz_graph_reset(g);
    nz_var *logits = nz_mlp_forward(g, mlp, nz_graph_input(g, tx, 0));
    assert_non_null(logits);
    double acc = 0;
    assert_int_equal(nz_accuracy(nz_var_value(logits), ty, &acc), NZ_OK);
    nz_graph_free(g);
    nz_tensor_free(tx);
    nz_tensor_free(ty);
    nz_batcher_free(b);
    nz_optimizer_free(opt);
    nz_mlp_free(mlp);
    nz_dataset_free(all);
    nz_dataset_free(train);
    nz_dataset_free(test);
    return acc;
}

static void test_train_sgd(void **state)
{
    (void)state;
    double l0 = 0, l1 = 0, acc = train_mixture(0, &l0, &l1);
    printf("  SGD: loss %.4f -> %.4f, held-out accuracy %.4f\n", l0, l1, acc);
    assert_true(l1 < l0);
    assert_true(acc > 0.95);
}

static void test_train_adam(void **state)
{
    (void)state;
    double l0 = 0, l1 = 0, acc = train_mixture(1, &l0, &l1);
    printf("  Adam: loss %.4f -> %.4f, held-out accuracy %.4f\n", l0, l1, acc);
    assert_true(l1 < l0);
    assert_true(acc > 0.95);
}

static void test_sgd_step_exact(void **state)
{
    (void)state;
    /* One plain SGD step is w - lr * g, and Adam's first step moves every
     * weight by lr * sign(g) (m/sqrt(v) = g/|g| after bias correction). */
    nz_param p;
    int64_t s[1] = {3};
    assert_int_equal(nz_param_init(&p, fx_dev, NZ_F64, 1, s, "p"), NZ_OK);
    double w[3] = {1, 2, 3}, g[3] = {0.5, -1, 2}, out[3];
    assert_int_equal(nz_tensor_upload(p.value, w, sizeof w), NZ_OK);
    assert_int_equal(nz_tensor_upload(p.grad, g, sizeof g), NZ_OK);
    nz_param *list[1] = {&p};
    nz_optimizer *o = nz_sgd_create(list, 1, 0.1, 0, 0, 0);
    assert_int_equal(nz_optimizer_step(o), NZ_OK);
    assert_int_equal(nz_tensor_download(p.value, out, sizeof out), NZ_OK);
    for (int i = 0; i < 3; i++)
        assert_float_equal(out[i], w[i] - 0.1 * g[i], 1e-15);
    nz_optimizer_free(o);
    assert_int_equal(nz_tensor_upload(p.value, w, sizeof w), NZ_OK);
    o = nz_adam_create(list, 1, 0.01, 0.9, 0.999, 1e-12, 0, 0);
    assert_int_equal(nz_optimizer_step(o), NZ_OK);
    assert_int_equal(nz_tensor_download(p.value, out, sizeof out), NZ_OK);
    for (int i = 0; i < 3; i++)
        assert_float_equal(out[i], w[i] - 0.01 * (g[i] > 0 ? 1 : -1), 1e-9);
    nz_optimizer_free(o);
    assert_null(nz_sgd_create(list, 1, 0.1, 1.5, 0, 0));
    assert_non_null(strstr(nz_last_error(), "momentum 1.5"));
    nz_param_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_statistics),     cmocka_unit_test(test_orthogonal),
        cmocka_unit_test(test_same_seed_same_weights), cmocka_unit_test(test_batcher_covers_epoch),
        cmocka_unit_test(test_sgd_step_exact),      cmocka_unit_test(test_train_sgd),
        cmocka_unit_test(test_train_adam),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
