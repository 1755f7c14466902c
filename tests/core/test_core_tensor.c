/* Tensors over the twin fixture: transfers, views and their refcount,
 * fills, copies, moves between devices, and descriptions. */
#include "core_fixture.h"

static void test_roundtrip_and_describe(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    const float src[6] = {1, 2, 3, 4, 5, 6};
    int64_t shape[2] = {2, 3};
    nz_tensor *t = nz_tensor_from_host(d, NZ_F32, 2, shape, src);
    assert_non_null(t);
    float back[6] = {0};
    assert_int_equal(nz_tensor_download(t, back, sizeof back), NZ_OK);
    assert_memory_equal(back, src, sizeof src);
    char buf[64];
    assert_string_equal(nz_tensor_describe(t, buf, sizeof buf), "f32[2,3]@twin:0");
    assert_int_equal(nz_tensor_numel(t), 6);
    assert_int_equal(nz_tensor_bytes(t), 24);
    assert_int_equal(nz_tensor_rows_count(t), 2);
    assert_int_equal(nz_tensor_cols_count(t), 3);
    assert_int_equal(nz_tensor_dim(t, -1), 3);
    assert_ptr_equal(nz_tensor_device(t), d);
    /* A wrong byte count is refused with both sizes named. */
    assert_int_equal(nz_tensor_download(t, back, 20), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "20 bytes of room but f32[2,3]@twin:0 holds 24 bytes");
    assert_int_equal(nz_tensor_upload(t, src, 4), NZ_ERR_INVALID);
    nz_tensor_free(t);
}

static void test_views_share_storage(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    const float src[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    int64_t shape[2] = {4, 2};
    nz_tensor *t = nz_tensor_from_host(d, NZ_F32, 2, shape, src);
    nz_tensor *mid = nz_tensor_rows(t, 1, 2);
    assert_non_null(mid);
    int64_t flat = 8;
    nz_tensor *r = nz_tensor_reshape(t, 1, &flat);
    assert_non_null(r);
    /* The parent goes first: the views keep the storage alive. */
    nz_tensor_free(t);
    float got[4];
    assert_int_equal(nz_tensor_download(mid, got, sizeof got), NZ_OK);
    assert_memory_equal(got, src + 2, sizeof got);
    /* A write through one view shows through the other. */
    assert_int_equal(nz_tensor_fill(mid, 9.0), NZ_OK);
    float all[8];
    assert_int_equal(nz_tensor_download(r, all, sizeof all), NZ_OK);
    const float want[8] = {0, 1, 9, 9, 9, 9, 6, 7};
    assert_memory_equal(all, want, sizeof want);
    char buf[64];
    assert_string_equal(nz_tensor_describe(mid, buf, sizeof buf), "f32[2,2]@twin:0");
    nz_tensor_free(mid);
    assert_int_equal(nz_tensor_download(r, all, sizeof all), NZ_OK);
    nz_tensor_free(r);
}

static void test_view_errors(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    nz_tensor *t = nz_tensor_create_2d(d, NZ_F32, 4, 2);
    assert_null(nz_tensor_rows(t, 3, 2));
    assert_msg_has(nz_last_error(), "rows [3, 5) are outside [0, 4) of f32[4,2]@twin:0");
    int64_t bad[2] = {3, 3};
    assert_null(nz_tensor_reshape(t, 2, bad));
    assert_msg_has(nz_last_error(), "has 8 elements but shape [3,3] has 9");
    int64_t neg = -1;
    assert_null(nz_tensor_create(d, NZ_F32, 1, &neg));
    assert_msg_has(nz_last_error(), "sizes must be >= 0");
    assert_null(nz_tensor_create(NULL, NZ_F32, 1, &neg));
    assert_msg_has(nz_last_error(), "NULL device");
    nz_tensor_free(t);
}

static void test_fill_dtypes(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    int64_t n = 3;
    nz_tensor *f = nz_tensor_create(d, NZ_F64, 1, &n), *i = nz_tensor_create(d, NZ_I32, 1, &n);
    nz_tensor *z = nz_tensor_zeros(d, NZ_F32, 1, &n);
    assert_int_equal(nz_tensor_fill(f, -2.25), NZ_OK);
    assert_int_equal(nz_tensor_fill(i, 7), NZ_OK);
    double fv[3];
    int32_t iv[3];
    float zv[3];
    assert_int_equal(nz_tensor_download(f, fv, sizeof fv), NZ_OK);
    assert_int_equal(nz_tensor_download(i, iv, sizeof iv), NZ_OK);
    assert_int_equal(nz_tensor_download(z, zv, sizeof zv), NZ_OK);
    for (int k = 0; k < 3; k++) {
        assert_true(fv[k] == -2.25);
        assert_int_equal(iv[k], 7);
        assert_true(zv[k] == 0.0f);
    }
    assert_int_equal(nz_tensor_fill(i, 2.5), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "2.5 is not a 32-bit integer for i32[3]@twin:0");
    nz_tensor_free(f);
    nz_tensor_free(i);
    nz_tensor_free(z);
}

static void test_copy_and_to(void **state)
{
    nz_context *ctx = *state;
    nz_device *a = fx_open(ctx, "twin:0"), *b = fx_open(ctx, "twin:1");
    const float src[4] = {1.5f, -2, 3, 4};
    int64_t shape[2] = {2, 2};
    nz_tensor *x = nz_tensor_from_host(a, NZ_F32, 2, shape, src);
    nz_tensor *y = nz_tensor_to(x, b);
    assert_non_null(y);
    assert_ptr_equal(nz_tensor_device(y), b);
    nz_tensor *back = nz_tensor_to(y, a);
    float got[4];
    assert_int_equal(nz_tensor_download(back, got, sizeof got), NZ_OK);
    assert_memory_equal(got, src, sizeof src);
    nz_tensor *c = nz_tensor_create(a, NZ_F32, 2, shape);
    assert_int_equal(nz_tensor_copy(c, x), NZ_OK);
    assert_int_equal(nz_tensor_download(c, got, sizeof got), NZ_OK);
    assert_memory_equal(got, src, sizeof src);
    assert_int_equal(nz_tensor_copy(c, y), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "tensors on different devices: src is f32[2,2]@twin:1, dst is f32[2,2]@twin:0");
    nz_tensor_free(x);
    nz_tensor_free(y);
    nz_tensor_free(back);
    nz_tensor_free(c);
}

static void test_zero_elements(void **state)
{
    nz_device *d = fx_open(*state, "twin:0");
    nz_tensor *t = nz_tensor_create_2d(d, NZ_F32, 0, 5);
    assert_non_null(t);
    char buf[64];
    assert_string_equal(nz_tensor_describe(t, buf, sizeof buf), "f32[0,5]@twin:0");
    assert_int_equal(nz_tensor_numel(t), 0);
    assert_int_equal(nz_tensor_cols_count(t), 5);
    assert_int_equal(nz_tensor_fill(t, 1), NZ_OK);
    assert_int_equal(nz_tensor_download(t, NULL, 0), NZ_OK);
    nz_tensor *u = nz_tensor_to(t, fx_open(*state, "twin:1"));
    assert_non_null(u);
    nz_tensor_free(u);
    nz_tensor_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_and_describe),
        cmocka_unit_test(test_views_share_storage),
        cmocka_unit_test(test_view_errors),
        cmocka_unit_test(test_fill_dtypes),
        cmocka_unit_test(test_copy_and_to),
        cmocka_unit_test(test_zero_elements),
    };
    return cmocka_run_group_tests(tests, fx_ctx_setup, fx_ctx_teardown);
}
