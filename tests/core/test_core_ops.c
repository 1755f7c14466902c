/* The op front-end: its checks and messages, and ops run through the twin
 * fixture (which uses the core's reference) against hand-computed values. */
#include <math.h>
#include <stdlib.h>

#include "core_fixture.h"

static nz_tensor *mk(nz_device *d, nz_dtype dt, int64_t r, int64_t c, const void *data)
{
    int64_t shape[2] = {r, c};
    nz_tensor *t = data ? nz_tensor_from_host(d, dt, 2, shape, data) : nz_tensor_create(d, dt, 2, shape);
    if (!t) fail_msg("creating a tensor: %s", nz_last_error());
    return t;
}

static void expect_f32(const nz_tensor *t, const float *want, size_t n)
{
    float got[64];
    assert_true(n <= 64);
    assert_int_equal(nz_tensor_download(t, got, n * sizeof *got), NZ_OK);
    for (size_t i = 0; i < n; i++)
        if (fabsf(got[i] - want[i]) > 1e-5f * (1 + fabsf(want[i])))
            fail_msg("element %zu: got %g, want %g", i, (double)got[i], (double)want[i]);
}

static void test_shape_mismatch(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    /* Same element count counts as full (ops.h), so y must differ in count. */
    nz_tensor *x = mk(d, NZ_F32, 2, 3, NULL), *y = mk(d, NZ_F32, 2, 2, NULL), *out = mk(d, NZ_F32, 2, 3, NULL);
    assert_int_equal(nz_add(out, x, y), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "nz_add: shape mismatch: y is f32[2,2]@twin:0, which does not "
                                    "broadcast to out f32[2,3]@twin:0");
    assert_msg_has(nz_last_error(), "expected 6 elements (full), [3] or [1,3] (row), [2,1] (column)");
    nz_tensor *c = mk(d, NZ_F32, 2, 2, NULL);
    assert_int_equal(nz_matmul(c, x, 0, x, 0, 1, 0), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "nz_matmul: inner dimensions differ: op(a) is 2x3");
    assert_msg_has(nz_last_error(), "expected op(b) with 3 rows");
    nz_tensor_free(x);
    nz_tensor_free(y);
    nz_tensor_free(out);
    nz_tensor_free(c);
}

static void test_dtype_mismatch(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    nz_tensor *x = mk(d, NZ_F32, 2, 3, NULL), *y = mk(d, NZ_F64, 2, 3, NULL), *out = mk(d, NZ_F32, 2, 3, NULL);
    assert_int_equal(nz_add(out, x, y), NZ_ERR_INVALID);
    assert_string_equal(nz_last_error(), "nz_add: dtype mismatch: x is f32[2,3]@twin:0, y is "
                                         "f64[2,3]@twin:0; expected both f32 (convert with nz_cast())");
    nz_tensor_free(x);
    nz_tensor_free(y);
    nz_tensor_free(out);
}

static void test_device_mismatch(void **state)
{
    nz_device *a = fx_open(*state, "twin:0"), *b = fx_open(*state, "twin:1");
    nz_tensor *x = mk(a, NZ_F32, 2, 3, NULL), *y = mk(a, NZ_F32, 2, 3, NULL), *out = mk(b, NZ_F32, 2, 3, NULL);
    assert_int_equal(nz_add(out, x, y), NZ_ERR_INVALID);
    assert_string_equal(nz_last_error(), "nz_add: tensors on different devices: x is f32[2,3]@twin:0, "
                                         "out is f32[2,3]@twin:1; move one with nz_tensor_to()");
    nz_tensor_free(x);
    nz_tensor_free(y);
    nz_tensor_free(out);
}

static void test_unsupported_f64(void **state)
{
    nz_device *b = fx_open(*state, "twin:1");
    nz_tensor *x = mk(b, NZ_F64, 2, 2, NULL);
    assert_int_equal(nz_scale(x, x, 2), NZ_ERR_UNSUPPORTED);
    assert_msg_has(nz_last_error(), "nz_scale: device twin:1 (Twin Device B) has no f64 support");
    nz_tensor_free(x);
}

static void test_bad_indices_named(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    const int32_t idx[3] = {0, 2, 9};
    const int32_t labels[2] = {1, -1};
    nz_tensor *x = mk(d, NZ_F32, 3, 2, NULL), *out = mk(d, NZ_F32, 3, 2, NULL);
    nz_tensor *i = nz_tensor_from_host(d, NZ_I32, 1, (int64_t[]){3}, idx);
    assert_int_equal(nz_gather_rows(out, x, i), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "nz_gather_rows: idx[2] = 9 is outside [0, 3)");
    nz_tensor *logits = mk(d, NZ_F32, 2, 3, NULL), *loss = nz_tensor_create_1d(d, NZ_F32, 2);
    nz_tensor *l = nz_tensor_from_host(d, NZ_I32, 1, (int64_t[]){2}, labels);
    assert_int_equal(nz_softmax_xent_forward(loss, NULL, logits, l), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "labels[1] = -1 is outside [0, 3)");
    nz_tensor *free_list[] = {x, out, i, logits, loss, l};
    for (size_t k = 0; k < 6; k++) nz_tensor_free(free_list[k]);
}

/* Labels uploaded from the host are checked without reading them back (a
 * training step stays asynchronous); a write the core cannot see (an op
 * producing integers) forces a real check again. */
static void test_label_check_stays_on_device(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    const int32_t labels[2] = {1, 2};
    const float seven[2] = {7.0f, 0.0f};
    nz_tensor *logits = mk(d, NZ_F32, 2, 3, NULL), *loss = nz_tensor_create_1d(d, NZ_F32, 2);
    nz_tensor *l = nz_tensor_from_host(d, NZ_I32, 1, (int64_t[]){2}, labels);
    nz_tensor *f = nz_tensor_from_host(d, NZ_F32, 1, (int64_t[]){2}, seven);
    assert_int_equal(nz_tensor_fill(logits, 0.5), NZ_OK);
    setenv("NZ_TWIN_NO_READS", "1", 1);
    assert_int_equal(nz_softmax_xent_forward(loss, NULL, logits, l), NZ_OK);
    assert_int_equal(nz_softmax_xent_backward(logits, logits, l, 1.0, 0.0), NZ_OK);
    assert_int_equal(nz_cast(l, f), NZ_OK); /* labels become {7, 0}, unseen by the core */
    nz_status st = nz_softmax_xent_forward(loss, NULL, logits, l); /* must read them now */
    unsetenv("NZ_TWIN_NO_READS");
    assert_int_equal(st, NZ_ERR_DEVICE);
    assert_msg_has(nz_last_error(), "read refused");
    assert_int_equal(nz_softmax_xent_forward(loss, NULL, logits, l), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "labels[0] = 7 is outside [0, 3)");
    assert_int_equal(nz_tensor_fill(l, 4), NZ_OK);
    assert_int_equal(nz_softmax_xent_forward(loss, NULL, logits, l), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "labels[0] = 4 is outside [0, 3)");
    nz_tensor *free_list[] = {logits, loss, l, f};
    for (size_t k = 0; k < 4; k++) nz_tensor_free(free_list[k]);
}

static void test_device_run_checks(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    nz_op_args a = {.op = NZ_OP_UNARY, .dtype = NZ_F32};
    a.u.unary.m = 1;
    a.u.unary.n = 1;
    assert_int_equal(nz_device_run(d, &a), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "buffer 'x' is NULL");
    a.op = NZ_OP_COUNT;
    assert_int_equal(nz_device_run(d, &a), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "unknown op");
}

static void test_add_broadcast_values(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    const float xv[6] = {1, 2, 3, 4, 5, 6}, row[3] = {10, 20, 30}, col[2] = {100, 200};
    nz_tensor *x = mk(d, NZ_F32, 2, 3, xv), *out = mk(d, NZ_F32, 2, 3, NULL);
    nz_tensor *r = nz_tensor_from_host(d, NZ_F32, 1, (int64_t[]){3}, row);
    nz_tensor *c = mk(d, NZ_F32, 2, 1, col);
    assert_int_equal(nz_add(out, x, r), NZ_OK);
    expect_f32(out, (const float[]){11, 22, 33, 14, 25, 36}, 6);
    assert_int_equal(nz_mul(out, c, x), NZ_OK);
    expect_f32(out, (const float[]){100, 200, 300, 800, 1000, 1200}, 6);
    assert_int_equal(nz_axpy(out, -100, x), NZ_OK);
    expect_f32(out, (const float[]){0, 0, 0, 400, 500, 600}, 6);
    nz_tensor_free(x);
    nz_tensor_free(out);
    nz_tensor_free(r);
    nz_tensor_free(c);
}

static void test_matmul_values(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    /* [1 2 3; 4 5 6] * [1 0; 0 1; 1 1] = [4 5; 10 11] */
    const float av[6] = {1, 2, 3, 4, 5, 6}, bv[6] = {1, 0, 0, 1, 1, 1};
    nz_tensor *a = mk(d, NZ_F32, 2, 3, av), *b = mk(d, NZ_F32, 3, 2, bv), *c = mk(d, NZ_F32, 2, 2, NULL);
    assert_int_equal(nz_matmul(c, a, 0, b, 0, 1, 0), NZ_OK);
    expect_f32(c, (const float[]){4, 5, 10, 11}, 4);
    /* a^T a (3x3) through trans_a. */
    nz_tensor *g = mk(d, NZ_F32, 3, 3, NULL);
    assert_int_equal(nz_matmul(g, a, 1, a, 0, 1, 0), NZ_OK);
    expect_f32(g, (const float[]){17, 22, 27, 22, 29, 36, 27, 36, 45}, 9);
    /* Batched: two copies of a (3-D) times the shared b (2-D), second scaled. */
    const float a3v[12] = {1, 2, 3, 4, 5, 6, 2, 4, 6, 8, 10, 12};
    nz_tensor *a3 = nz_tensor_from_host(d, NZ_F32, 3, (int64_t[]){2, 2, 3}, a3v);
    nz_tensor *c3 = nz_tensor_create(d, NZ_F32, 3, (int64_t[]){2, 2, 2});
    assert_int_equal(nz_matmul(c3, a3, 0, b, 0, 1, 0), NZ_OK);
    expect_f32(c3, (const float[]){4, 5, 10, 11, 8, 10, 20, 22}, 8);
    nz_tensor *list[] = {a, b, c, g, a3, c3};
    for (size_t k = 0; k < 6; k++) nz_tensor_free(list[k]);
}

static void test_reduce_values(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    const float xv[6] = {1, -7, 3, 4, 5, -6};
    nz_tensor *x = mk(d, NZ_F32, 2, 3, xv);
    nz_tensor *rows = nz_tensor_create_1d(d, NZ_F32, 2), *cols = nz_tensor_create_1d(d, NZ_F32, 3);
    nz_tensor *all = nz_tensor_create_1d(d, NZ_F32, 1), *am = nz_tensor_create_1d(d, NZ_I32, 2);
    assert_int_equal(nz_reduce(rows, NZ_RED_SUM, NZ_AXIS_ROWS, x, 1, 0), NZ_OK);
    expect_f32(rows, (const float[]){-3, 3}, 2);
    assert_int_equal(nz_reduce(cols, NZ_RED_MAX, NZ_AXIS_COLS, x, 1, 0), NZ_OK);
    expect_f32(cols, (const float[]){4, 5, 3}, 3);
    assert_int_equal(nz_reduce(all, NZ_RED_SUMSQ, NZ_AXIS_ALL, x, 1, 0), NZ_OK);
    expect_f32(all, (const float[]){136}, 1);
    assert_int_equal(nz_reduce(am, NZ_RED_ARGMAX, NZ_AXIS_ROWS, x, 1, 0), NZ_OK);
    int32_t idx[2];
    assert_int_equal(nz_tensor_download(am, idx, sizeof idx), NZ_OK);
    assert_int_equal(idx[0], 2);
    assert_int_equal(idx[1], 1);
    /* A wrongly sized output names the expected shape. */
    assert_int_equal(nz_reduce(cols, NZ_RED_SUM, NZ_AXIS_ROWS, x, 1, 0), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "out is f32[3]@twin:0; expected [2], one per row of x");
    nz_tensor *list[] = {x, rows, cols, all, am};
    for (size_t k = 0; k < 5; k++) nz_tensor_free(list[k]);
}

static void test_transpose_and_adam(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    const float xv[6] = {1, 2, 3, 4, 5, 6};
    nz_tensor *x = mk(d, NZ_F32, 2, 3, xv), *xt = mk(d, NZ_F32, 3, 2, NULL);
    assert_int_equal(nz_transpose(xt, x), NZ_OK);
    expect_f32(xt, (const float[]){1, 4, 2, 5, 3, 6}, 6);
    /* First Adam step moves each weight by lr * sign(g) (bias-corrected). */
    nz_tensor *w = mk(d, NZ_F32, 1, 2, (const float[]){1, 1});
    nz_tensor *g = mk(d, NZ_F32, 1, 2, (const float[]){0.5f, -2});
    nz_tensor *m = nz_tensor_zeros(d, NZ_F32, 2, (int64_t[]){1, 2});
    nz_tensor *v = nz_tensor_zeros(d, NZ_F32, 2, (int64_t[]){1, 2});
    assert_int_equal(nz_adam_update(w, g, m, v, 0.1, 0.9, 0.999, 1e-12, 0, 0, 1), NZ_OK);
    expect_f32(w, (const float[]){0.9f, 1.1f}, 2);
    assert_int_equal(nz_adam_update(w, g, m, v, 0.1, 0.9, 0.999, 1e-8, 0, 0, 0), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "steps count from 1");
    nz_tensor *list[] = {x, xt, w, g, m, v};
    for (size_t k = 0; k < 6; k++) nz_tensor_free(list[k]);
}

static void test_cholesky_not_pd(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    /* Leading 1x1 minor is fine; the 2x2 one has determinant 1*1 - 2*2 < 0. */
    const double av[4] = {1, 2, 2, 1};
    nz_tensor *a = mk(d, NZ_F64, 2, 2, av);
    assert_int_equal(nz_cholesky(a), NZ_ERR_NUMERIC);
    assert_msg_has(nz_last_error(), "matrix not positive definite (leading minor of order 2)");
    const double pd[4] = {4, 2, 2, 5};
    nz_tensor *p = mk(d, NZ_F64, 2, 2, pd);
    assert_int_equal(nz_cholesky(p), NZ_OK);
    double l[4];
    assert_int_equal(nz_tensor_download(p, l, sizeof l), NZ_OK);
    assert_true(fabs(l[0] - 2) < 1e-12 && fabs(l[2] - 1) < 1e-12 && fabs(l[3] - 2) < 1e-12);
    nz_tensor_free(a);
    nz_tensor_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape_mismatch),
        cmocka_unit_test(test_dtype_mismatch),
        cmocka_unit_test(test_device_mismatch),
        cmocka_unit_test(test_unsupported_f64),
        cmocka_unit_test(test_bad_indices_named),
        cmocka_unit_test(test_label_check_stays_on_device),
        cmocka_unit_test(test_device_run_checks),
        cmocka_unit_test(test_add_broadcast_values),
        cmocka_unit_test(test_matmul_values),
        cmocka_unit_test(test_reduce_values),
        cmocka_unit_test(test_transpose_and_adam),
        cmocka_unit_test(test_cholesky_not_pd),
    };
    return cmocka_run_group_tests(tests, fx_ctx_setup, fx_ctx_teardown);
}
