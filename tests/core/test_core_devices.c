/* Plugin listing, device resolution and opening, over the twin fixture. */
#include <stdlib.h>
#include <unistd.h>

#include "core_fixture.h"

static size_t resolve_ok(nz_context *ctx, const char *name)
{
    size_t e = 99;
    nz_status st = nz_context_resolve_device(ctx, name, &e);
    if (st != NZ_OK) fail_msg("resolving '%s': %s", name, nz_last_error());
    return e;
}

static const char *resolved_id(nz_context *ctx, const char *name)
{
    return nz_context_device_entry(ctx, resolve_ok(ctx, name))->id;
}

static void test_plugins_listed(void **state)
{
    nz_context *ctx = *state;
    int twin = 0, ghost = 0;
    for (size_t i = 0; i < nz_context_plugin_count(ctx); i++) {
        const nz_plugin_info *p = nz_context_plugin(ctx, i);
        if (strcmp(p->name, "twin") == 0) {
            twin = 1;
            assert_int_equal(p->kind, NZ_PLUGIN_BACKEND);
            assert_true(p->available);
            assert_int_equal(p->device_count, 2);
        } else if (strcmp(p->name, "ghost") == 0) {
            ghost = 1;
            assert_false(p->available);
            assert_msg_has(p->unavailable_reason, "no haunted hardware");
        }
    }
    assert_true(twin);
    assert_true(ghost);
    /* NAZO_PLUGIN_PATH comes first among the searched directories. */
    assert_true(nz_context_search_dir_count(ctx) >= 2);
    assert_string_equal(nz_context_search_dir(ctx, 0), getenv("NAZO_PLUGIN_PATH"));
}

static void test_device_order(void **state)
{
    nz_context *ctx = *state;
    size_t n = nz_context_device_count(ctx);
    assert_true(n >= 2);
    /* cpu first when present, then backends by name; ghost has none. */
    const nz_device_entry *first = nz_context_device_entry(ctx, 0);
    int have_cpu = strcmp(first->backend, "cpu") == 0;
    for (size_t i = 1; i < n; i++) {
        const nz_device_entry *a = nz_context_device_entry(ctx, i - 1), *b = nz_context_device_entry(ctx, i);
        if (strcmp(a->backend, b->backend) == 0) assert_true(a->index < b->index);
        else if (strcmp(a->backend, "cpu") != 0) assert_true(strcmp(a->backend, b->backend) < 0);
        assert_string_not_equal(b->backend, "ghost");
        if (!have_cpu) assert_string_not_equal(b->backend, "cpu");
    }
    assert_null(nz_context_device_entry(ctx, n));
}

static void test_resolve_exact_and_index(void **state)
{
    nz_context *ctx = *state;
    assert_string_equal(resolved_id(ctx, "twin:0"), "twin:0");
    assert_string_equal(resolved_id(ctx, "TWIN:1"), "twin:1");
    const nz_device_entry *e = nz_context_device_entry(ctx, resolve_ok(ctx, "twin:1"));
    assert_string_equal(e->info.name, "Twin Device B");
    assert_string_equal(e->backend, "twin");
    assert_int_equal(e->index, 1);
}

static void test_resolve_backend_prefers_gpu(void **state)
{
    /* Twin Device B claims to be a GPU. */
    assert_string_equal(resolved_id(*state, "twin"), "twin:1");
}

static void test_resolve_platform_device(void **state)
{
    nz_context *ctx = *state;
    assert_string_equal(resolved_id(ctx, "twin:0.1"), "twin:1");
    assert_string_equal(resolved_id(ctx, "twin:0.0"), "twin:0");
    size_t e;
    assert_int_equal(nz_context_resolve_device(ctx, "twin:3.0", &e), NZ_ERR_NOT_FOUND);
    assert_msg_has(nz_last_error(), "twin:0 (Twin Device A)");
}

static void test_resolve_substring(void **state)
{
    nz_context *ctx = *state;
    assert_string_equal(resolved_id(ctx, "device a"), "twin:0");
    assert_string_equal(resolved_id(ctx, "DEVICE B"), "twin:1");
}

static void test_resolve_ambiguous(void **state)
{
    size_t e;
    assert_int_equal(nz_context_resolve_device(*state, "twin device", &e), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "ambiguous");
    assert_msg_has(nz_last_error(), "twin:0 (Twin Device A)");
    assert_msg_has(nz_last_error(), "twin:1 (Twin Device B)");
}

static void test_resolve_unknown(void **state)
{
    nz_context *ctx = *state;
    size_t e;
    assert_int_equal(nz_context_resolve_device(ctx, "quantum-toaster", &e), NZ_ERR_NOT_FOUND);
    assert_msg_has(nz_last_error(), "no device matches 'quantum-toaster'");
    assert_msg_has(nz_last_error(), "twin:0 (Twin Device A), twin:1 (Twin Device B)");
    /* The unavailable backend is listed with its reason. */
    assert_msg_has(nz_last_error(), "ghost (ghost: no haunted hardware");
    assert_int_equal(nz_context_resolve_device(ctx, "twin:7", &e), NZ_ERR_NOT_FOUND);
    assert_msg_has(nz_last_error(), "backend 'twin' has 2 device(s)");
    assert_int_equal(nz_context_resolve_device(ctx, "twin:x", &e), NZ_ERR_INVALID);
    assert_msg_has(nz_last_error(), "expected twin:N or twin:P.D");
}

static void test_resolve_unavailable(void **state)
{
    size_t e;
    assert_int_equal(nz_context_resolve_device(*state, "ghost", &e), NZ_ERR_UNAVAILABLE);
    assert_msg_has(nz_last_error(), "backend 'ghost' is unavailable: ghost: no haunted hardware");
    assert_int_equal(nz_context_resolve_device(*state, "ghost:0", &e), NZ_ERR_UNAVAILABLE);
}

static void test_resolve_default(void **state)
{
    nz_context *ctx = *state;
    size_t e;
    setenv("NAZO_DEVICE", "twin:1", 1);
    assert_string_equal(resolved_id(ctx, NULL), "twin:1");
    assert_string_equal(resolved_id(ctx, ""), "twin:1");
    setenv("NAZO_DEVICE", "nope", 1);
    assert_int_equal(nz_context_resolve_device(ctx, NULL, &e), NZ_ERR_NOT_FOUND);
    assert_msg_has(nz_last_error(), "(from NAZO_DEVICE)");
    unsetenv("NAZO_DEVICE");
    /* Without NAZO_DEVICE the default is "cpu". */
    nz_status st = nz_context_resolve_device(ctx, NULL, &e);
    if (st == NZ_OK) assert_string_equal(nz_context_device_entry(ctx, e)->backend, "cpu");
    else assert_msg_has(nz_last_error(), "'cpu'");
}

static void test_open_caches(void **state)
{
    nz_context *ctx = *state;
    nz_device *a = fx_open(ctx, "twin:0"), *b = fx_open(ctx, "device a"), *c = fx_open(ctx, "twin:1");
    assert_ptr_equal(a, b);
    assert_ptr_not_equal(a, c);
    assert_string_equal(nz_device_id(a), "twin:0");
    assert_string_equal(nz_device_backend_name(c), "twin");
    assert_string_equal(nz_device_get_info(c)->name, "Twin Device B");
    assert_ptr_equal(nz_device_context(a), ctx);
    assert_true(nz_device_supports(a, NZ_OP_GEMM, NZ_F64));
    assert_false(nz_device_supports(c, NZ_OP_GEMM, NZ_F64));
    assert_int_equal(nz_device_finish(a), NZ_OK);
    nz_device *none = (nz_device *)1;
    assert_int_equal(nz_device_open(ctx, "nothing-like-this", &none), NZ_ERR_NOT_FOUND);
    assert_null(none);
}

/* NAZO_DEBUG=load traces each directory and file; capture stderr and look. */
static void test_debug_load_trace(void **state)
{
    (void)state;
    char path[] = "/tmp/nz_core_traceXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    setenv("NAZO_DEBUG", "load", 1);
    nz_context *ctx = nz_context_create();
    unsetenv("NAZO_DEBUG");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_non_null(ctx);
    nz_context_free(ctx);
    char buf[16384] = "";
    FILE *f = fdopen(fd, "r");
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(path);
    assert_msg_has(buf, "nazo[load] directory ");
    assert_msg_has(buf, "nazo-backend-twin.so");
    assert_msg_has(buf, "loaded backend 'twin'");
    assert_msg_has(buf, "backend 'ghost' unavailable");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plugins_listed),
        cmocka_unit_test(test_device_order),
        cmocka_unit_test(test_resolve_exact_and_index),
        cmocka_unit_test(test_resolve_backend_prefers_gpu),
        cmocka_unit_test(test_resolve_platform_device),
        cmocka_unit_test(test_resolve_substring),
        cmocka_unit_test(test_resolve_ambiguous),
        cmocka_unit_test(test_resolve_unknown),
        cmocka_unit_test(test_resolve_unavailable),
        cmocka_unit_test(test_resolve_default),
        cmocka_unit_test(test_open_caches),
        cmocka_unit_test(test_debug_load_trace),
    };
    return cmocka_run_group_tests(tests, fx_ctx_setup, fx_ctx_teardown);
}
