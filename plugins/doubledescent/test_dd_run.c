/* End to end, small: the experiment through the runner API on the CPU.
 *   - bad parameter values are rejected by the declarations;
 *   - model-wise on a synthetic mixture (n = 100): the min-norm fit
 *     interpolates (training error 0) for every N >= n, the weight norm and
 *     the test error peak at N = n, a ridge removes the peak;
 *   - sample-wise (N = 100): training error 0 for every n <= N, the norm
 *     peaks at n = N;
 *   - the run directory holds metrics.csv with a row per point and lambda.
 * Usage: test_dd_run [model|sample|params] */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nazo/nazo.h"
#include "nazo/runner.h"

static int g_fail;

#define CHECK(cond, ...) do { if (!(cond)) { g_fail++; \
    fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); \
    fputc('\n', stderr); } } while (0)

static nz_context *ctx;
static const nz_plugin_desc *desc;

static nz_params *params_of(const char *const *sets)
{
    const nz_experiment_iface *iface = desc->table;
    nz_params *p = nz_params_create(iface->params, desc->name);
    for (int i = 0; p && sets[i]; i++)
        if (nz_params_assign(p, sets[i]) != NZ_OK) {
            fprintf(stderr, "FAIL --set %s: %s\n", sets[i], nz_last_error());
            g_fail++;
        }
    return p;
}

/* Run with the settings into a fresh directory; returns summary.json. */
static json_t *run(const char *const *sets, char *dir, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, len, "%s/dd-run-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) return NULL;
    nz_device *dev;
    nz_run *r = NULL;
    nz_params *p = params_of(sets);
    nz_status s = p ? nz_device_open(ctx, "cpu", &dev) : NZ_ERR_NOMEM;
    if (s == NZ_OK) s = nz_run_create(ctx, desc, dev, 7, dir, p, "test_dd_run", &r);
    if (s == NZ_OK) s = nz_run_execute(r);
    CHECK(s == NZ_OK, "run failed: %s", nz_last_error());
    nz_run_free(r);
    nz_params_free(p);
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    CHECK(j != NULL, "cannot read %s: %s", path, err.text);
    return j;
}

static double num(json_t *j, const char *key)
{
    json_t *v = json_object_get(j, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* curves.<key>[lambda][point] */
static double curve(json_t *j, const char *key, size_t lam, size_t point)
{
    json_t *v = json_array_get(json_array_get(json_object_get(json_object_get(j, "curves"), key),
                                              lam), point);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static size_t points(json_t *j)
{
    return json_array_size(json_object_get(json_object_get(j, "curves"), "N"));
}

static int64_t at(json_t *j, const char *key, size_t i)
{
    return (int64_t)json_integer_value(
        json_array_get(json_object_get(json_object_get(j, "curves"), key), i));
}

static int count_lines(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int n = 0, ch;
    while ((ch = fgetc(f)) != EOF) n += ch == '\n';
    fclose(f);
    return n;
}

static void test_params(void)
{
    const char *bad[] = {"label_noise=1.5", "sweep=diagonal", "per_class=0", "max_ratio=1",
                         "ridge=-1", "precision=f16", "test_size=50", NULL};
    const nz_experiment_iface *iface = desc->table;
    for (int i = 0; bad[i]; i++) {
        nz_params *p = nz_params_create(iface->params, desc->name);
        nz_status s = nz_params_assign(p, bad[i]);
        CHECK(s == NZ_ERR_INVALID, "--set %s: status %d, expected invalid", bad[i], (int)s);
        nz_params_free(p);
    }
}

static void test_model(void)
{
    const char *sets[] = {"data=mixture", "per_class=10", "points=7", "min_ratio=0.2",
                          "max_ratio=20", "test_size=1000", "seeds=2", "ridges=1",
                          "ridge=1e-2", NULL};
    char dir[4096];
    json_t *j = run(sets, dir, sizeof dir);
    if (!j) return;
    size_t np = points(j);
    CHECK(np == 8, "%zu points, expected 7 + the threshold", np);
    int thr = -1;
    for (size_t p = 0; p < np; p++) {
        int64_t N = at(j, "N", p), n = at(j, "n", p);
        CHECK(n == 100, "point %zu: n %lld", p, (long long)n);
        if (N == n) thr = (int)p;
        double tr = curve(j, "train_err", 0, p);
        if (N >= n) CHECK(tr == 0, "N=%lld >= n: min-norm training error %g, expected 0",
                          (long long)N, tr);
        /* Far below the threshold least squares cannot fit every label. */
        else if (p == 0) CHECK(tr > 0, "N=%lld << n: training error %g, expected > 0",
                               (long long)N, tr);
    }
    CHECK(thr >= 0, "the threshold N = n is not on the grid");
    CHECK(num(j, "norm_peak_ratio") == 1, "norm peaks at N/n = %g, expected 1",
          num(j, "norm_peak_ratio"));
    CHECK(num(j, "train_err_max_overparam") == 0, "train_err_max_overparam %g",
          num(j, "train_err_max_overparam"));
    double te = num(j, "threshold_test_err"), far = num(j, "far_test_err");
    CHECK(te > 1.5 * far, "test error at the threshold %g is not a peak over %g at N = 20n", te, far);
    /* The ridge curve: at the threshold far below the min-norm peak. */
    if (thr >= 0) {
        double ridge_thr = curve(j, "test_err", 1, (size_t)thr);
        CHECK(ridge_thr < te - 0.1, "ridge at the threshold %g vs min-norm %g", ridge_thr, te);
    }
    json_t *ok = json_object_get(json_object_get(j, "checks"), "train_err_zero_overparam");
    CHECK(json_is_true(ok), "checks.train_err_zero_overparam is not true");
    CHECK(count_lines(dir, "metrics.csv") == 1 + 8 * 2, "metrics.csv has %d lines, expected 17",
          count_lines(dir, "metrics.csv"));
    printf("model-wise: threshold err %.3f, far err %.3f, norm peak at %g\n", te, far,
           num(j, "norm_peak_ratio"));
    json_decref(j);
}

static void test_sample(void)
{
    const char *sets[] = {"data=mixture", "sweep=sample", "features=100", "points=6",
                          "min_ratio=0.2", "max_ratio=5", "test_size=500", "seeds=1",
                          "ridges=0", NULL};
    char dir[4096];
    json_t *j = run(sets, dir, sizeof dir);
    if (!j) return;
    size_t np = points(j);
    int found = 0;
    for (size_t p = 0; p < np; p++) {
        int64_t N = at(j, "N", p), n = at(j, "n", p);
        CHECK(N == 100 && n % 10 == 0, "point %zu: N %lld n %lld", p, (long long)N, (long long)n);
        found += n == N;
        if (n <= N) CHECK(curve(j, "train_err", 0, p) == 0, "n=%lld <= N: training error %g",
                          (long long)n, curve(j, "train_err", 0, p));
    }
    CHECK(found == 1, "n = N appears %d times", found);
    CHECK(num(j, "norm_peak_ratio") == 1, "sample-wise norm peaks at n/N = %g",
          num(j, "norm_peak_ratio"));
    json_decref(j);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "all";
    ctx = nz_context_create();
    desc = ctx ? nz_context_find_experiment(ctx, "doubledescent") : NULL;
    if (!desc) {
        fprintf(stderr, "FAIL the doubledescent plugin did not load: %s\n", nz_last_error());
        return 1;
    }
    if (!strcmp(what, "params") || !strcmp(what, "all")) test_params();
    if (!strcmp(what, "model") || !strcmp(what, "all")) test_model();
    if (!strcmp(what, "sample") || !strcmp(what, "all")) test_sample();
    nz_context_free(ctx);
    if (g_fail) fprintf(stderr, "%d check(s) failed\n", g_fail);
    return g_fail ? 1 : 0;
}
