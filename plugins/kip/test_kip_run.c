/* A short kip run on the CPU through the runner: the files it writes, the
 * numbers in them, and parameters rejected before any work. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "nazo/nazo.h"
#include "nazo/runner.h"

static nz_context *ctx;
static const nz_plugin_desc *kip;

static int setup(void **state)
{
    (void)state;
    ctx = nz_context_create();
    if (!ctx) return -1;
    kip = nz_context_find_experiment(ctx, "kip");
    return kip ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nz_context_free(ctx);
    return 0;
}

#define OK(x) do { nz_status s_ = (x); if (s_ != NZ_OK) fail_msg("%s: %s", #x, nz_last_error()); } while (0)

static const nz_param_decl *decls(void)
{
    return ((const nz_experiment_iface *)kip->table)->params;
}

static char *slurp(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("missing %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static double number(const char *json, const char *key)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    if (!p) fail_msg("summary lacks %s", key);
    return strtod(p + strlen(pat), NULL);
}

static void test_bad_params(void **state)
{
    (void)state;
    nz_params *p = nz_params_create(decls(), "kip");
    assert_non_null(p);
    assert_int_equal(nz_params_set(p, "depth", "0"), NZ_ERR_INVALID);
    assert_int_equal(nz_params_set(p, "ipc", "501"), NZ_ERR_INVALID);
    assert_int_equal(nz_params_set(p, "kernel", "poly"), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "ntk"));
    assert_int_equal(nz_params_set(p, "lr", "0"), NZ_ERR_INVALID);
    assert_int_equal(nz_params_set(p, "mode", "fast"), NZ_ERR_INVALID);
    OK(nz_params_set(p, "kernel", "rbf"));
    nz_params_free(p);
}

static void test_short_run(void **state)
{
    (void)state;
    char dir[] = "/tmp/nazo-kip-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[1100];
    snprintf(out, sizeof out, "%s/run", dir);
    nz_params *p = nz_params_create(decls(), "kip");
    assert_non_null(p);
    const char *sets[] = { "ipc=2", "steps=30", "target_per_class=30", "eval_every=10",
                           "full_per_class=30" };
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) OK(nz_params_assign(p, sets[i]));
    nz_device *dev = NULL;
    OK(nz_device_open(ctx, "cpu", &dev));
    nz_run *run = NULL;
    OK(nz_run_create(ctx, kip, dev, 7, out, p, "test", &run));
    OK(nz_run_execute(run));
    nz_run_free(run);
    nz_params_free(p);

    char *sum = slurp(out, "summary.json");
    double first = number(sum, "ipc2_loss_first"), last = number(sum, "ipc2_loss_last");
    double kip_acc = number(sum, "ipc2_kip_acc"), rnd = number(sum, "ipc2_random_acc");
    double full = number(sum, "full_acc");
    assert_true(last < first);
    /* 20 random images give ~40-55%; a few KIP steps already help */
    assert_true(rnd > 0.25 && rnd < 0.7);
    assert_true(kip_acc > rnd);
    assert_true(full > rnd && full < 0.95);
    assert_true(number(sum, "full_n") == 300);
    for (const char *k = "ntk"; k; k = strcmp(k, "ntk") == 0 ? "nngp" : strcmp(k, "nngp") == 0 ? "rbf" : NULL) {
        char key[64];
        snprintf(key, sizeof key, "ipc2_transfer_%s_kip", k);
        double v = number(sum, key);
        assert_true(v > 0.2 && v <= 1);
    }
    free(sum);

    /* one header, the step-0 row and 30 steps */
    char *csv = slurp(out, "metrics.csv");
    int lines = 0;
    for (char *c = csv; *c; c++) lines += *c == '\n';
    assert_int_equal(lines, 32);
    assert_non_null(strstr(csv, "ipc,step,loss,test_acc,reg,step_ms\n"));
    free(csv);

    char path[1200];
    const char *pngs[] = { "support_ipc2_start.png", "support_ipc2_end.png" };
    for (int i = 0; i < 2; i++) {
        char *png = slurp(out, pngs[i]);
        assert_memory_equal(png, "\x89PNG", 4);
        free(png);
    }
    /* the distilled set reads back as a dataset nazo can train on */
    nz_idx im, lb, tg;
    snprintf(path, sizeof path, "%s/kip-ipc2-images.idx", out);
    OK(nz_idx_read(path, &im));
    snprintf(path, sizeof path, "%s/kip-ipc2-labels.idx", out);
    OK(nz_idx_read(path, &lb));
    snprintf(path, sizeof path, "%s/kip-ipc2-targets.idx", out);
    OK(nz_idx_read(path, &tg));
    assert_int_equal(im.type, NZ_IDX_F32);
    assert_int_equal(im.ndim, 3);
    assert_int_equal(im.dims[0], 20);
    assert_int_equal(im.dims[1], 28);
    assert_int_equal(tg.dims[1], 10);
    nz_dataset *ds = NULL;
    OK(nz_dataset_from_idx(&im, &lb, 10, &ds));
    assert_int_equal(ds->n, 20);
    assert_int_equal(ds->d, 784);
    /* pixels stay near the 0..255 range they started in */
    double mean = 0;
    for (int64_t i = 0; i < ds->n * ds->d; i++) mean += ds->x[i];
    mean /= (double)(ds->n * ds->d);
    assert_true(mean > 20 && mean < 150);
    for (int64_t i = 0; i < ds->n; i++) assert_true(ds->y[i] >= 0 && ds->y[i] < 10);
    nz_dataset_free(ds);
    nz_idx_free(&im);
    nz_idx_free(&lb);
    nz_idx_free(&tg);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_short_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
