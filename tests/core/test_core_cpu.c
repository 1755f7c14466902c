/* Ops on the real CPU backend (found in the build tree) against hand
 * values, and moving tensors between it and the twin fixture. */
#include <math.h>

#include "core_fixture.h"

static nz_tensor *mk(nz_device *d, int64_t r, int64_t c, const float *data)
{
    int64_t shape[2] = {r, c};
    nz_tensor *t = data ? nz_tensor_from_host(d, NZ_F32, 2, shape, data)
                        : nz_tensor_create(d, NZ_F32, 2, shape);
    if (!t) fail_msg("creating a tensor on %s: %s", nz_device_id(d), nz_last_error());
    return t;
}

static void expect(const nz_tensor *t, const float *want, size_t n)
{
    float got[64];
    assert_int_equal(nz_tensor_download(t, got, n * sizeof *got), NZ_OK);
    for (size_t i = 0; i < n; i++)
        if (fabsf(got[i] - want[i]) > 1e-5f * (1 + fabsf(want[i])))
            fail_msg("element %zu: got %g, want %g", i, (double)got[i], (double)want[i]);
}

static void test_cpu_is_first_device(void **state)
{
    const nz_device_entry *e = nz_context_device_entry(*state, 0);
    assert_non_null(e);
    assert_string_equal(e->id, "cpu:0");
    size_t entry;
    assert_int_equal(nz_context_resolve_device(*state, NULL, &entry), NZ_OK);
    assert_int_equal(entry, 0);
}

static void test_cpu_matmul(void **state)
{
    nz_device *d = fx_open(*state, "cpu");
    const float av[6] = {1, 2, 3, 4, 5, 6}, bv[6] = {1, 0, 0, 1, 1, 1};
    nz_tensor *a = mk(d, 2, 3, av), *b = mk(d, 3, 2, bv), *c = mk(d, 2, 2, NULL);
    assert_int_equal(nz_matmul(c, a, 0, b, 0, 1, 0), NZ_OK);
    expect(c, (const float[]){4, 5, 10, 11}, 4);
    /* beta = 1 accumulates; bt^T is b again, through trans_b. */
    nz_tensor *bt = mk(d, 2, 3, NULL);
    assert_int_equal(nz_transpose(bt, b), NZ_OK);
    assert_int_equal(nz_matmul(c, a, 0, bt, 1, 2, 1), NZ_OK);
    expect(c, (const float[]){12, 15, 30, 33}, 4);
    nz_tensor_free(a);
    nz_tensor_free(b);
    nz_tensor_free(bt);
    nz_tensor_free(c);
}

static void test_cpu_add_reduce(void **state)
{
    nz_device *d = fx_open(*state, "cpu");
    const float xv[6] = {1, -7, 3, 4, 5, -6}, row[3] = {1, 2, 3};
    nz_tensor *x = mk(d, 2, 3, xv), *r = mk(d, 1, 3, row), *out = mk(d, 2, 3, NULL);
    assert_int_equal(nz_add(out, x, r), NZ_OK);
    expect(out, (const float[]){2, -5, 6, 5, 7, -3}, 6);
    nz_tensor *rows = nz_tensor_create_1d(d, NZ_F32, 2), *cols = nz_tensor_create_1d(d, NZ_F32, 3);
    assert_int_equal(nz_reduce(rows, NZ_RED_SUM, NZ_AXIS_ROWS, out, 1, 0), NZ_OK);
    expect(rows, (const float[]){3, 9}, 2);
    assert_int_equal(nz_reduce(cols, NZ_RED_MAX, NZ_AXIS_COLS, out, 1, 0), NZ_OK);
    expect(cols, (const float[]){5, 7, 6}, 3);
    nz_tensor *all = nz_tensor_create_1d(d, NZ_F32, 1);
    assert_int_equal(nz_reduce(all, NZ_RED_SUM, NZ_AXIS_ALL, x, 0.5, 0), NZ_OK);
    expect(all, (const float[]){0}, 1);
    nz_tensor *list[] = {x, r, out, rows, cols, all};
    for (size_t k = 0; k < 6; k++) nz_tensor_free(list[k]);
}

static void test_cpu_twin_crossing(void **state)
{
    nz_device *cpu = fx_open(*state, "cpu:0"), *twin = fx_open(*state, "twin:0");
    const float xv[4] = {1, 2, 3, 4};
    nz_tensor *x = mk(cpu, 2, 2, xv), *out = mk(twin, 2, 2, NULL);
    assert_int_equal(nz_scale(out, x, 2), NZ_ERR_INVALID);
    assert_string_equal(nz_last_error(), "nz_scale: tensors on different devices: x is "
                                         "f32[2,2]@cpu:0, out is f32[2,2]@twin:0; move one with nz_tensor_to()");
    nz_tensor *xt = nz_tensor_to(x, twin);
    assert_non_null(xt);
    assert_int_equal(nz_scale(out, xt, 2), NZ_OK);
    nz_tensor *back = nz_tensor_to(out, cpu);
    expect(back, (const float[]){2, 4, 6, 8}, 4);
    nz_tensor *list[] = {x, out, xt, back};
    for (size_t k = 0; k < 4; k++) nz_tensor_free(list[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_is_first_device),
        cmocka_unit_test(test_cpu_matmul),
        cmocka_unit_test(test_cpu_add_reduce),
        cmocka_unit_test(test_cpu_twin_crossing),
    };
    return cmocka_run_group_tests(tests, fx_ctx_setup, fx_ctx_teardown);
}
