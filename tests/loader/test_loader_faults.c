/* Loader faults: each case puts the good fixtures and one kind of broken
 * plugin into a fresh NAZO_PLUGIN_PATH directory, creates a context and
 * checks that the failure names the file and the cause while everything
 * else (the good fixtures, the CPU backend from the build tree) still loads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "nazo/nazo.h"
#include "nz_fx_ctx.h"
#include "nz_fx_dir.h"

#define FX_GOOD_EXP "nazo-exp-fxgood.so"
#define FX_GOOD_BACKEND "nazo-backend-fxhost.so"

typedef struct fx_case {
    char *dir;   /* first NAZO_PLUGIN_PATH directory, with the good fixtures */
    char *dir2;  /* a second one, for cases that need it */
} fx_case;

static int fx_setup(void **state)
{
    fx_case *c = calloc(1, sizeof *c);
    if (!c || !(c->dir = nz_fx_mkdtemp()) || !(c->dir2 = nz_fx_mkdtemp())) return -1;
    if (nz_fx_install(c->dir, "fx-exp-good.so", FX_GOOD_EXP) != 0) return -1;
    if (nz_fx_install(c->dir, "fx-backend-good.so", FX_GOOD_BACKEND) != 0) return -1;
    *state = c;
    return 0;
}

static int fx_teardown(void **state)
{
    fx_case *c = *state;
    nz_fx_rmtree(c->dir);
    nz_fx_rmtree(c->dir2);
    free(c->dir);
    free(c->dir2);
    free(c);
    return 0;
}

static nz_context *fx_load(const char *plugin_path)
{
    setenv("NAZO_PLUGIN_PATH", plugin_path, 1);
    nz_context *ctx = nz_context_create();
    if (!ctx) fail_msg("nz_context_create: %s", nz_last_error());
    nz_fx_dump(ctx);
    return ctx;
}

/* The fixtures that must survive every fault, plus the CPU backend. */
static void assert_others_loaded(const nz_context *ctx, const char *dir)
{
    char path[4096];
    const nz_plugin_info *exp = nz_fx_plugin_at(ctx, nz_fx_join(path, sizeof path, dir, FX_GOOD_EXP));
    assert_non_null(exp);
    assert_int_equal(exp->kind, NZ_PLUGIN_EXPERIMENT);
    assert_string_equal(exp->name, "fxgood");
    assert_non_null(nz_context_find_experiment(ctx, "fxgood"));

    const nz_plugin_info *be = nz_fx_plugin_at(ctx, nz_fx_join(path, sizeof path, dir, FX_GOOD_BACKEND));
    assert_non_null(be);
    assert_int_equal(be->kind, NZ_PLUGIN_BACKEND);
    assert_string_equal(be->name, "fxhost");
    assert_true(be->available);
    assert_int_equal(be->device_count, 1);

    const nz_plugin_info *cpu = nz_fx_plugin_named(ctx, "cpu");
    if (!cpu) fail_msg("the CPU backend did not load next to the fixtures");
    assert_int_equal(cpu->kind, NZ_PLUGIN_BACKEND);
    assert_true(cpu->available);
    assert_true(cpu->device_count >= 1);
}

/* The failure recorded for dir/file, which must not also be loaded. */
static const nz_load_failure *assert_failed(const nz_context *ctx, const char *dir, const char *file)
{
    char path[4096];
    nz_fx_join(path, sizeof path, dir, file);
    const nz_load_failure *f = nz_fx_failure_at(ctx, path);
    if (!f) fail_msg("no load failure recorded for %s", path);
    assert_non_null(f->reason);
    assert_null(nz_fx_plugin_at(ctx, path));
    return f;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle)) fail_msg("expected \"%s\" in \"%s\"", needle, hay ? hay : "(null)");
}

static void test_good_fixtures_load(void **state)
{
    fx_case *c = *state;
    nz_context *ctx = fx_load(c->dir);
    assert_others_loaded(ctx, c->dir);
    assert_int_equal(nz_fx_failures_in(ctx, c->dir), 0);

    /* The fixture backend's device is listed and does real work. */
    size_t entry;
    assert_int_equal(nz_context_resolve_device(ctx, "fxhost:0", &entry), NZ_OK);
    assert_string_equal(nz_context_device_entry(ctx, entry)->backend, "fxhost");
    nz_device *dev = NULL;
    assert_int_equal(nz_device_open(ctx, "fxhost", &dev), NZ_OK);
    assert_string_equal(nz_device_id(dev), "fxhost:0");
    const float host[4] = { 1, 2, 3, 4.5f };
    int64_t shape[1] = { 4 };
    nz_tensor *x = nz_tensor_from_host(dev, NZ_F32, 1, shape, host);
    nz_tensor *sum = nz_tensor_create_1d(dev, NZ_F32, 1);
    assert_non_null(x);
    assert_non_null(sum);
    assert_int_equal(nz_reduce(sum, NZ_RED_SUM, NZ_AXIS_ALL, x, 1.0, 0.0), NZ_OK);
    float got = 0;
    assert_int_equal(nz_tensor_download(sum, &got, sizeof got), NZ_OK);
    assert_float_equal(got, 10.5f, 1e-6f);
    nz_tensor_free(x);
    nz_tensor_free(sum);
    nz_context_free(ctx);
}

static void test_missing_dependency(void **state)
{
    fx_case *c = *state;
    /* Copied alone, the plugin's $ORIGIN rpath no longer finds libnzfxdep.so. */
    assert_int_equal(nz_fx_install(c->dir, "fx-exp-needdep.so", "nazo-exp-fxneeddep.so"), 0);
    nz_context *ctx = fx_load(c->dir);
    const nz_load_failure *f = assert_failed(ctx, c->dir, "nazo-exp-fxneeddep.so");
    assert_true(strncmp(f->reason, "cannot open", 11) == 0);
    assert_contains(f->reason, "libnzfxdep.so");
    assert_null(nz_fx_plugin_named(ctx, "fxneeddep"));
    assert_others_loaded(ctx, c->dir);
    assert_int_equal(nz_fx_failures_in(ctx, c->dir), 1);
    nz_context_free(ctx);

    /* Control: with the library beside it the same file loads, so the
     * failure above was the dependency and nothing else.  The library
     * itself is not a plugin name and must be ignored. */
    assert_int_equal(nz_fx_install(c->dir, "libnzfxdep.so", "libnzfxdep.so"), 0);
    ctx = fx_load(c->dir);
    assert_non_null(nz_fx_plugin_named(ctx, "fxneeddep"));
    assert_int_equal(nz_fx_failures_in(ctx, c->dir), 0);
    nz_context_free(ctx);
}

static void test_no_entry_symbol(void **state)
{
    fx_case *c = *state;
    assert_int_equal(nz_fx_install(c->dir, "fx-exp-noentry.so", "nazo-exp-fxnoentry.so"), 0);
    nz_context *ctx = fx_load(c->dir);
    const nz_load_failure *f = assert_failed(ctx, c->dir, "nazo-exp-fxnoentry.so");
    assert_contains(f->reason, "no nz_plugin_entry symbol");
    assert_others_loaded(ctx, c->dir);
    assert_int_equal(nz_fx_failures_in(ctx, c->dir), 1);
    nz_context_free(ctx);
}

static void test_abi_mismatch(void **state)
{
    fx_case *c = *state;
    assert_int_equal(nz_fx_install(c->dir, "fx-exp-abi.so", "nazo-exp-fxabi.so"), 0);
    nz_context *ctx = fx_load(c->dir);
    const nz_load_failure *f = assert_failed(ctx, c->dir, "nazo-exp-fxabi.so");
    char want[64];
    snprintf(want, sizeof want, "ABI mismatch (plugin %u, core %u)", NZ_ABI_VERSION + 1,
             NZ_ABI_VERSION);
    assert_contains(f->reason, want);
    assert_null(nz_fx_plugin_named(ctx, "fxabi"));
    assert_others_loaded(ctx, c->dir);
    assert_int_equal(nz_fx_failures_in(ctx, c->dir), 1);
    nz_context_free(ctx);
}

/* Earlier NAZO_PLUGIN_PATH entries win; the loser names the winner. */
static void test_duplicate_across_dirs(void **state)
{
    fx_case *c = *state;
    assert_int_equal(nz_fx_install(c->dir, "fx-exp-twin-a.so", "nazo-exp-fxtwin.so"), 0);
    assert_int_equal(nz_fx_install(c->dir2, "fx-exp-twin-b.so", "nazo-exp-fxtwin.so"), 0);
    char plugin_path[8192], winner[4096];
    snprintf(plugin_path, sizeof plugin_path, "%s:%s", c->dir, c->dir2);
    nz_context *ctx = fx_load(plugin_path);

    const nz_plugin_info *twin = nz_fx_plugin_named(ctx, "fxtwin");
    assert_non_null(twin);
    assert_string_equal(twin->version, "a");
    assert_true(nz_fx_same_path(twin->path, nz_fx_join(winner, sizeof winner, c->dir,
                                                       "nazo-exp-fxtwin.so")));
    const nz_load_failure *f = assert_failed(ctx, c->dir2, "nazo-exp-fxtwin.so");
    assert_contains(f->reason, "duplicate name 'fxtwin'");
    assert_contains(f->reason, twin->path);
    assert_others_loaded(ctx, c->dir);
    assert_int_equal(nz_fx_failures_in(ctx, c->dir), 0);
    assert_int_equal(nz_fx_failures_in(ctx, c->dir2), 1);
    nz_context_free(ctx);
}

static void test_duplicate_same_dir(void **state)
{
    fx_case *c = *state;
    assert_int_equal(nz_fx_install(c->dir, "fx-exp-twin-a.so", "nazo-exp-fxtwin1.so"), 0);
    assert_int_equal(nz_fx_install(c->dir, "fx-exp-twin-b.so", "nazo-exp-fxtwin2.so"), 0);
    nz_context *ctx = fx_load(c->dir);

    const nz_plugin_info *twin = nz_fx_plugin_named(ctx, "fxtwin");
    assert_non_null(twin);
    assert_int_equal(nz_fx_failures_in(ctx, c->dir), 1);
    /* Whichever file won, the other one is the failure and names the winner. */
    const char *loser = strstr(twin->path, "fxtwin1") ? "nazo-exp-fxtwin2.so" : "nazo-exp-fxtwin1.so";
    const nz_load_failure *f = assert_failed(ctx, c->dir, loser);
    assert_contains(f->reason, "duplicate name 'fxtwin'");
    assert_contains(f->reason, twin->path);
    assert_others_loaded(ctx, c->dir);
    nz_context_free(ctx);
}

/* A backend without devices is loaded but unavailable, with its reason. */
static void test_backend_without_devices(void **state)
{
    fx_case *c = *state;
    assert_int_equal(nz_fx_install(c->dir, "fx-backend-nodev.so", "nazo-backend-fxnodev.so"), 0);
    nz_context *ctx = fx_load(c->dir);
    char path[4096];
    const nz_plugin_info *p = nz_fx_plugin_at(ctx, nz_fx_join(path, sizeof path, c->dir,
                                                              "nazo-backend-fxnodev.so"));
    assert_non_null(p);
    assert_string_equal(p->name, "fxnodev");
    assert_int_equal(p->kind, NZ_PLUGIN_BACKEND);
    assert_false(p->available);
    assert_int_equal(p->device_count, 0);
    assert_contains(p->unavailable_reason, "no fxnodev device: this test fixture never finds one");
    assert_int_equal(nz_fx_failures_in(ctx, c->dir), 0);
    for (size_t i = 0; i < nz_context_device_count(ctx); i++)
        assert_string_not_equal(nz_context_device_entry(ctx, i)->backend, "fxnodev");
    nz_device *dev = NULL;
    assert_int_not_equal(nz_device_open(ctx, "fxnodev", &dev), NZ_OK);
    assert_null(dev);
    assert_others_loaded(ctx, c->dir);
    nz_context_free(ctx);
}

/* A search directory that does not exist and a dangling plugin link. */
static void test_missing_files(void **state)
{
    fx_case *c = *state;
    char nowhere[4096], plugin_path[8192];
    nz_fx_join(nowhere, sizeof nowhere, c->dir2, "no-such-dir");
    snprintf(plugin_path, sizeof plugin_path, "%s:%s", nowhere, c->dir);
    assert_int_equal(nz_fx_symlink(c->dir, "no-such-plugin.so", "nazo-exp-fxghost.so"), 0);
    nz_context *ctx = fx_load(plugin_path);

    const nz_load_failure *f = assert_failed(ctx, c->dir, "nazo-exp-fxghost.so");
    assert_true(strncmp(f->reason, "cannot open", 11) == 0);
    /* The missing directory did not stop the search: the next entry was read. */
    int listed = 0;
    for (size_t i = 0; i < nz_context_search_dir_count(ctx); i++)
        listed |= nz_fx_same_path(nz_context_search_dir(ctx, i), c->dir);
    assert_true(listed);
    assert_others_loaded(ctx, c->dir);
    assert_int_equal(nz_fx_failures_in(ctx, c->dir), 1);
    nz_context_free(ctx);
}

/* Every fault at once: each is reported on its own and nothing else fails. */
static void test_all_faults_together(void **state)
{
    fx_case *c = *state;
    static const char *const faulty[][2] = {
        { "fx-exp-needdep.so", "nazo-exp-fxneeddep.so" },
        { "fx-exp-noentry.so", "nazo-exp-fxnoentry.so" },
        { "fx-exp-abi.so", "nazo-exp-fxabi.so" },
        { "fx-exp-twin-a.so", "nazo-exp-fxtwin1.so" },
        { "fx-exp-twin-b.so", "nazo-exp-fxtwin2.so" },
    };
    for (size_t i = 0; i < sizeof faulty / sizeof faulty[0]; i++)
        assert_int_equal(nz_fx_install(c->dir, faulty[i][0], faulty[i][1]), 0);
    assert_int_equal(nz_fx_install(c->dir, "fx-backend-nodev.so", "nazo-backend-fxnodev.so"), 0);
    assert_int_equal(nz_fx_symlink(c->dir, "no-such-plugin.so", "nazo-exp-fxghost.so"), 0);
    nz_context *ctx = fx_load(c->dir);

    assert_failed(ctx, c->dir, "nazo-exp-fxneeddep.so");
    assert_failed(ctx, c->dir, "nazo-exp-fxnoentry.so");
    assert_failed(ctx, c->dir, "nazo-exp-fxabi.so");
    assert_failed(ctx, c->dir, "nazo-exp-fxghost.so");
    /* needdep, noentry, abi, ghost and one of the twins. */
    assert_int_equal(nz_fx_failures_in(ctx, c->dir), 5);
    assert_non_null(nz_fx_plugin_named(ctx, "fxtwin"));
    assert_non_null(nz_fx_plugin_named(ctx, "fxnodev"));
    assert_others_loaded(ctx, c->dir);
    nz_context_free(ctx);
}

/* meson test puts the fixture build dir on LD_LIBRARY_PATH (it holds
 * libnzfxdep.so), which would satisfy the dependency the missing-dependency
 * case must lack.  The dynamic linker reads the variable only at start-up,
 * so drop that entry and start again. */
static void drop_fixture_dir_from_library_path(char **argv)
{
    const char *old = getenv("LD_LIBRARY_PATH");
    if (!old || !strstr(old, NZ_FX_BUILD_DIR)) return;
    char *copy = strdup(old), *kept = calloc(1, strlen(old) + 1), *save = NULL;
    int dropped = 0;
    if (!copy || !kept) exit(1);
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        if (strcmp(dir, NZ_FX_BUILD_DIR) == 0) {
            dropped = 1;
            continue;
        }
        if (*kept) strcat(kept, ":");
        strcat(kept, dir);
    }
    if (dropped) setenv("LD_LIBRARY_PATH", kept, 1);
    free(copy);
    free(kept);
    if (!dropped) return;
    execv("/proc/self/exe", argv);
    perror("re-executing without the fixture dir on LD_LIBRARY_PATH");
    exit(1);
}

int main(int argc, char **argv)
{
    (void)argc;
    drop_fixture_dir_from_library_path(argv);
    /* The tests choose devices by name; a user's default must not interfere. */
    unsetenv("NAZO_DEVICE");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_fixtures_load, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_missing_dependency, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_no_entry_symbol, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_abi_mismatch, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_across_dirs, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_same_dir, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_backend_without_devices, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_missing_files, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_all_faults_together, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests_name("loader faults", tests, NULL, NULL);
}
