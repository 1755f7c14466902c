/* Gradient checks: every recorded op, loss and activation, and the layers,
 * against central finite differences in double (F64 on the CPU device).
 * Each case builds loss = f(leaves); the analytic gradient of every leaf
 * (parameters and inputs) must match (f(x+h) - f(x-h)) / 2h within a
 * relative error of 1e-6 (relative to max(|analytic|, |numeric|, 1e-3), so
 * that a gradient that is zero is held to an absolute 1e-9). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nn_fixture.h"

#define MAX_LEAVES 4
#define H 1e-5
#define TOL 1e-6

/* How the harness hands a leaf to the graph. */
enum leaf_kind { LEAF_INPUT = 0, LEAF_PARAM = 1, LEAF_EXTERNAL = 2 };

typedef struct gc_case gc_case;
typedef nz_var *(*gc_build)(nz_graph *g, nz_var **leaf, gc_case *c);

struct gc_case {
    int nleaves;
    nz_param leaf[MAX_LEAVES];
    int as_param[MAX_LEAVES];  /* a leaf_kind */
    nz_tensor *aux[2];         /* constants: labels, weights of the final sum */
    int flag[2];
    nz_dense dense;            /* layer cases */
    nz_mlp *mlp;
};

static uint64_t gc_seed = 1;

/* A leaf filled with uniform values in [lo, hi) (away from kinks when asked). */
static void add_leaf(gc_case *c, int ndim, const int64_t *shape, int as_param, double lo,
                     double hi)
{
    int i = c->nleaves++;
    assert_true(i < MAX_LEAVES);
    assert_int_equal(nz_param_init(&c->leaf[i], fx_dev, NZ_F64, ndim, shape, "leaf"), NZ_OK);
    assert_int_equal(nz_random(c->leaf[i].value, NZ_RNG_UNIFORM, lo, hi, 77, gc_seed++, 0),
                     NZ_OK);
    c->as_param[i] = as_param;
}

/* sum(y * R) for a fixed random R: every element of y gets its own weight,
 * so a wrong gradient element cannot hide in a plain sum. */
static nz_var *weighted_sum(nz_graph *g, nz_var *y, gc_case *c)
{
    if (!c->aux[1]) {
        nz_tensor *v = nz_var_value(y);
        int64_t shape[NZ_MAX_DIMS];
        for (int i = 0; i < nz_tensor_ndim(v); i++)
            shape[i] = nz_tensor_dim(v, i);
        c->aux[1] = nz_tensor_create(fx_dev, NZ_F64, nz_tensor_ndim(v), shape);
        assert_non_null(c->aux[1]);
        assert_int_equal(nz_random(c->aux[1], NZ_RNG_UNIFORM, -1, 1, 99, gc_seed++, 0), NZ_OK);
    }
    return nz_v_sum(g, nz_v_mul(g, y, nz_graph_input(g, c->aux[1], 0)));
}

static nz_var *build_all(nz_graph *g, gc_case *c, gc_build build, nz_var **leaf)
{
    nz_graph_reset(g);
    for (int i = 0; i < c->nleaves; i++)
        leaf[i] = c->as_param[i] == LEAF_PARAM   ? nz_graph_param(g, &c->leaf[i])
                  : c->as_param[i] == LEAF_INPUT ? nz_graph_input(g, c->leaf[i].value, 1)
                                                 : NULL;
    return build(g, leaf, c);
}

static double loss_at(nz_graph *g, gc_case *c, gc_build build)
{
    nz_var *leaf[MAX_LEAVES];
    nz_var *loss = build_all(g, c, build, leaf);
    if (!loss)
        fail_msg("forward failed: %s", nz_last_error());
    double v;
    assert_int_equal(nz_tensor_download(nz_var_value(loss), &v, sizeof v), NZ_OK);
    return v;
}

static void run_case(const char *name, gc_case *c, gc_build build)
{
    nz_graph *g = nz_graph_create(fx_dev, NZ_F64);
    assert_non_null(g);
    nz_var *leaf[MAX_LEAVES];
    nz_var *loss = build_all(g, c, build, leaf);
    if (!loss || nz_graph_backward(g, loss) != NZ_OK)
        fail_msg("%s: %s", name, nz_last_error());
    /* All analytic gradients first: finite differences re-record the tape,
     * which recycles the graph's vars and tensors. */
    double *ga[MAX_LEAVES];
    for (int i = 0; i < c->nleaves; i++) {
        size_t n = (size_t)nz_tensor_numel(c->leaf[i].value);
        nz_tensor *gt = c->as_param[i] != LEAF_INPUT ? c->leaf[i].grad : nz_var_grad(leaf[i]);
        if (!gt)
            fail_msg("%s: leaf %d got no gradient", name, i);
        ga[i] = malloc(n * sizeof(double));
        assert_int_equal(nz_tensor_download(gt, ga[i], n * sizeof(double)), NZ_OK);
    }
    double worst = 0;
    for (int i = 0; i < c->nleaves; i++) {
        nz_tensor *t = c->leaf[i].value;
        size_t n = (size_t)nz_tensor_numel(t);
        double *x = malloc(n * sizeof(double));
        assert_int_equal(nz_tensor_download(t, x, n * sizeof(double)), NZ_OK);
        for (size_t j = 0; j < n; j++) {
            double x0 = x[j];
            x[j] = x0 + H;
            assert_int_equal(nz_tensor_upload(t, x, n * sizeof(double)), NZ_OK);
            double fp = loss_at(g, c, build);
            x[j] = x0 - H;
            assert_int_equal(nz_tensor_upload(t, x, n * sizeof(double)), NZ_OK);
            double fm = loss_at(g, c, build);
            x[j] = x0;
            assert_int_equal(nz_tensor_upload(t, x, n * sizeof(double)), NZ_OK);
            double num = (fp - fm) / (2 * H);
            double den = fmax(fmax(fabs(num), fabs(ga[i][j])), 1e-3);
            double rel = fabs(num - ga[i][j]) / den;
            if (rel > worst)
                worst = rel;
            if (rel > TOL)
                fail_msg("%s: leaf %d element %zu: analytic %.12g, numeric %.12g (rel %.3g)",
                         name, i, j, ga[i][j], num, rel);
        }
        free(x);
        free(ga[i]);
    }
    printf("  %-28s worst relative error %.2e\n", name, worst);
    nz_graph_free(g);
    for (int i = 0; i < c->nleaves; i++)
        if (c->as_param[i] != LEAF_EXTERNAL)
            nz_param_release(&c->leaf[i]);
    nz_tensor_free(c->aux[0]);
    nz_tensor_free(c->aux[1]);
    nz_dense_release(&c->dense);
    nz_mlp_free(c->mlp);
}

/* ---- cases ---- */

static nz_var *b_matmul(nz_graph *g, nz_var **l, gc_case *c)
{
    return weighted_sum(g, nz_v_matmul(g, l[0], c->flag[0], l[1], c->flag[1]), c);
}

static void test_matmul(void **state)
{
    (void)state;
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            gc_case c = {0};
            int64_t sa[2] = {ta ? 4 : 3, ta ? 3 : 4}, sb[2] = {tb ? 2 : 4, tb ? 4 : 2};
            add_leaf(&c, 2, sa, 1, -1, 1);
            add_leaf(&c, 2, sb, 0, -1, 1);
            c.flag[0] = ta;
            c.flag[1] = tb;
            char name[32];
            snprintf(name, sizeof name, "matmul ta=%d tb=%d", ta, tb);
            run_case(name, &c, b_matmul);
        }
}

static nz_var *b_bias(nz_graph *g, nz_var **l, gc_case *c)
{
    return weighted_sum(g, nz_v_add_bias(g, l[0], l[1]), c);
}

static nz_var *b_ew(nz_graph *g, nz_var **l, gc_case *c)
{
    nz_var *y = c->flag[0] == 0   ? nz_v_add(g, l[0], l[1])
                : c->flag[0] == 1 ? nz_v_sub(g, l[0], l[1])
                : c->flag[0] == 2 ? nz_v_mul(g, l[0], l[1])
                : c->flag[0] == 3 ? nz_v_scale(g, l[0], -2.5)
                                  : nz_v_mul(g, l[0], l[0]); /* a var used twice */
    return weighted_sum(g, y, c);
}

static void test_linear(void **state)
{
    (void)state;
    int64_t sx[2] = {5, 3}, sb[1] = {3};
    gc_case c = {0};
    add_leaf(&c, 2, sx, 0, -1, 1);
    add_leaf(&c, 1, sb, 1, -1, 1);
    run_case("add_bias", &c, b_bias);
    const char *names[5] = {"add", "sub", "mul", "scale", "mul (x*x, accumulation)"};
    for (int k = 0; k < 5; k++) {
        gc_case e = {0};
        add_leaf(&e, 2, sx, k % 2, -1, 1);
        if (k < 3) /* scale and x*x take one operand */
            add_leaf(&e, 2, sx, 1, -1, 1);
        e.flag[0] = k;
        run_case(names[k], &e, b_ew);
    }
}

static nz_var *b_act(nz_graph *g, nz_var **l, gc_case *c)
{
    return weighted_sum(g, nz_v_act(g, l[0], (nz_activation)c->flag[0]), c);
}

static void test_activations(void **state)
{
    (void)state;
    int64_t s[2] = {4, 5};
    for (int a = 0; a < NZ_ACT_COUNT; a++) {
        gc_case c = {0};
        add_leaf(&c, 2, s, 0, -2, 2);
        if (a == NZ_ACT_RELU) {
            /* Keep clear of the kink at 0, where no derivative exists. */
            double v[20];
            for (int i = 0; i < 20; i++)
                v[i] = (i % 2 ? 1 : -1) * (0.1 + 0.09 * i);
            assert_int_equal(nz_tensor_upload(c.leaf[0].value, v, sizeof v), NZ_OK);
        }
        c.flag[0] = a;
        run_case(nz_activation_name((nz_activation)a), &c, b_act);
    }
}

static nz_var *b_reduce(nz_graph *g, nz_var **l, gc_case *c)
{
    nz_var *y = nz_v_act(g, l[0], NZ_ACT_TANH); /* something to reduce that is not linear */
    nz_var *r = c->flag[0] ? nz_v_mean(g, y) : nz_v_sum(g, y);
    /* Scale after the reduction: its upstream gradient is then not the seed 1. */
    return c->flag[1] ? nz_v_scale(g, r, 3.0) : r;
}

static void test_sum_mean(void **state)
{
    (void)state;
    int64_t s[2] = {3, 4};
    const char *names[4] = {"sum", "mean", "sum, scaled", "mean, scaled"};
    for (int k = 0; k < 4; k++) {
        gc_case c = {0};
        add_leaf(&c, 2, s, k % 2, -1, 1);
        c.flag[0] = k % 2;
        c.flag[1] = k / 2;
        run_case(names[k], &c, b_reduce);
    }
}

static nz_var *b_xent(nz_graph *g, nz_var **l, gc_case *c)
{
    nz_var *loss = nz_softmax_xent(g, l[0], c->aux[0]);
    return c->flag[0] ? nz_v_scale(g, loss, 0.7) : loss;
}

static nz_var *b_mse(nz_graph *g, nz_var **l, gc_case *c)
{
    nz_var *loss = nz_mse(g, l[0], l[1]);
    return c->flag[0] ? nz_v_scale(g, loss, -1.3) : loss;
}

static void test_losses(void **state)
{
    (void)state;
    int64_t s[2] = {6, 4};
    int32_t labels[6] = {0, 3, 1, 2, 3, 0};
    for (int scaled = 0; scaled < 2; scaled++) {
        gc_case c = {0};
        add_leaf(&c, 2, s, 0, -3, 3);
        int64_t ls[1] = {6};
        c.aux[0] = nz_tensor_from_host(fx_dev, NZ_I32, 1, ls, labels);
        c.flag[0] = scaled;
        run_case(scaled ? "softmax_xent, scaled" : "softmax_xent", &c, b_xent);
        gc_case m = {0};
        add_leaf(&m, 2, s, 1, -1, 1);
        add_leaf(&m, 2, s, 0, -1, 1); /* the target gets a gradient too */
        m.flag[0] = scaled;
        run_case(scaled ? "mse, scaled" : "mse", &m, b_mse);
    }
}

static nz_var *b_dense(nz_graph *g, nz_var **l, gc_case *c)
{
    return weighted_sum(g, nz_dense_forward(g, &c->dense, l[0]), c);
}

/* A leaf that is someone else's parameter (a layer's): checked through its
 * grad tensor, neither registered by the harness nor released by it. */
static void add_external(gc_case *c, const nz_param *p)
{
    int i = c->nleaves++;
    assert_true(i < MAX_LEAVES);
    c->leaf[i] = *p;
    c->as_param[i] = LEAF_EXTERNAL;
}

static void test_dense(void **state)
{
    (void)state;
    for (int layout = 0; layout < 2; layout++) {
        gc_case c = {0};
        int64_t sx[2] = {4, 3};
        add_leaf(&c, 2, sx, 0, -1, 1);
        assert_int_equal(nz_dense_init(&c.dense, fx_dev, NZ_F64, 3, 5, layout, 1,
                                       NZ_INIT_NORMAL, 0.7, 3, 0), NZ_OK);
        assert_int_equal(nz_random(c.dense.b.value, NZ_RNG_UNIFORM, -1, 1, 3, 1, 0), NZ_OK);
        add_external(&c, &c.dense.w);
        add_external(&c, &c.dense.b);
        run_case(layout ? "dense [out,in]" : "dense [in,out]", &c, b_dense);
    }
}

static nz_var *b_mlp(nz_graph *g, nz_var **l, gc_case *c)
{
    return nz_softmax_xent(g, nz_mlp_forward(g, c->mlp, l[0]), c->aux[0]);
}

static void test_mlp(void **state)
{
    (void)state;
    /* A whole MLP with cross-entropy: the gradient of its input, of its
     * first weight and of its last bias. */
    int64_t sizes[4] = {3, 6, 5, 4};
    for (int act = NZ_ACT_RELU; act < NZ_ACT_COUNT; act++) {
        gc_case c = {0};
        int64_t sx[2] = {5, 3}, ls[1] = {5};
        int32_t labels[5] = {1, 0, 3, 2, 1};
        add_leaf(&c, 2, sx, 0, -1, 1);
        c.mlp = nz_mlp_create(fx_dev, NZ_F64, 4, sizes, (nz_activation)act,
                              NZ_INIT_GLOROT_NORMAL, 5);
        assert_non_null(c.mlp);
        assert_int_equal(nz_mlp_param_count(c.mlp), 6);
        nz_param **p = nz_mlp_params(c.mlp);
        /* Non-zero biases, so relu's kinks are not hit by zero rows. */
        assert_int_equal(nz_random(p[5]->value, NZ_RNG_UNIFORM, -1, 1, 8, 1, 0), NZ_OK);
        add_external(&c, p[0]);
        add_external(&c, p[5]);
        c.aux[0] = nz_tensor_from_host(fx_dev, NZ_I32, 1, ls, labels);
        char name[40];
        snprintf(name, sizeof name, "mlp %s + xent", nz_activation_name((nz_activation)act));
        run_case(name, &c, b_mlp);
    }
}

static void test_errors(void **state)
{
    (void)state;
    nz_graph *g = nz_graph_create(fx_dev, NZ_F64);
    int64_t s[2] = {2, 3}, t[2] = {4, 5};
    nz_tensor *a = nz_tensor_zeros(fx_dev, NZ_F64, 2, s), *b = nz_tensor_zeros(fx_dev, NZ_F64, 2, t);
    nz_var *va = nz_graph_input(g, a, 1), *vb = nz_graph_input(g, b, 1);
    /* A shape error is sticky: later ops return NULL, backward reports it. */
    assert_null(nz_v_matmul(g, va, 0, vb, 0));
    assert_null(nz_v_sum(g, NULL));
    assert_int_equal(nz_graph_status(g), NZ_ERR_INVALID);
    assert_int_not_equal(nz_graph_backward(g, NULL), NZ_OK);
    assert_non_null(strstr(nz_last_error(), "nn matmul"));
    nz_graph_reset(g);
    assert_int_equal(nz_graph_status(g), NZ_OK);
    va = nz_graph_input(g, a, 1);
    assert_null(nz_v_add(g, va, nz_graph_input(g, b, 0)));
    assert_non_null(strstr(nz_last_error(), "shapes differ"));
    nz_graph_reset(g);
    /* A non-scalar loss, and a second backward on one tape. */
    va = nz_graph_input(g, a, 1);
    assert_int_equal(nz_graph_backward(g, va), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "one element"));
    nz_graph_reset(g);
    nz_var *l = nz_v_sum(g, nz_graph_input(g, a, 1));
    assert_int_equal(nz_graph_backward(g, l), NZ_OK);
    assert_int_equal(nz_graph_backward(g, l), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "already run"));
    /* A graph of another dtype refuses the tensor. */
    nz_graph *g32 = nz_graph_create(fx_dev, NZ_F32);
    assert_null(nz_graph_input(g32, a, 0));
    assert_non_null(strstr(nz_last_error(), "f64"));
    nz_graph_free(g32);
    nz_graph_free(g);
    nz_tensor_free(a);
    nz_tensor_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matmul),     cmocka_unit_test(test_linear),
        cmocka_unit_test(test_activations), cmocka_unit_test(test_sum_mean),
        cmocka_unit_test(test_losses),     cmocka_unit_test(test_dense),
        cmocka_unit_test(test_mlp), cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
