/* End to end through the runner, as `nazo run gradflow` does it: bad values
 * are rejected by the declarations before any work; two small synthetic
 * runs write their files and summary.json with the expected outcomes
 * (relu-he: factor near sqrt(chi) and learning; sigmoid-standard: layer-1
 * gradient below 1e-6 of the readout's and no learning). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nazo/runner.h"
#include "test_gf_check.h"

static const nz_plugin_desc *exp_desc;
static nz_context *ctx;
static nz_device *dev;

static void test_rejects(void)
{
    const nz_experiment_iface *it = exp_desc->table;
    nz_params *p = nz_params_create(it->params, "gradflow");
    const char *bad[] = {"activation=softplus", "init=lecun", "depth=1", "depth=101", "width=8",
                         "mode=all", "steps=-1", "lr=0", "snapshots=17", "grid_depths=7"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        nz_status st = nz_params_assign(p, bad[i]);
        CHECK(st == NZ_ERR_INVALID, "--set %s gave %s", bad[i], nz_status_name(st));
    }
    CHECK(nz_params_assign(p, "activation=gelu") == NZ_OK, "gelu: %s", nz_last_error());
    nz_params_free(p);
}

static int file_exists(const char *dir, const char *name)
{
    char path[1024];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0 && sb.st_size > 0;
}

static int count_lines(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    int n = 0, c;
    if (!f) return -1;
    while ((c = fgetc(f)) != EOF) n += c == '\n';
    fclose(f);
    return n;
}

/* Run gradflow with the given settings into dir; returns summary.json's
 * first configuration (owned by *root) or NULL. */
static json_t *run(const char *dir, const char *const *sets, json_t **root)
{
    const nz_experiment_iface *it = exp_desc->table;
    nz_params *p = nz_params_create(it->params, "gradflow");
    nz_run *r = NULL;
    *root = NULL;
    for (int i = 0; sets[i]; i++)
        CHECK(nz_params_assign(p, sets[i]) == NZ_OK, "%s: %s", sets[i], nz_last_error());
    nz_status st = nz_run_create(ctx, exp_desc, dev, 42, dir, p, "test_gf_run", &r);
    if (st == NZ_OK) st = nz_run_execute(r);
    CHECK(st == NZ_OK, "run: %s", nz_last_error());
    nz_run_free(r);
    nz_params_free(p);
    char path[1024];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    json_error_t err;
    *root = json_load_file(path, 0, &err);
    CHECK(*root != NULL, "summary.json: %s", err.text);
    json_t *cfgs = *root ? json_object_get(*root, "configs") : NULL;
    CHECK(json_is_array(cfgs) && json_array_size(cfgs) == 1, "configs is not a 1-element array");
    return json_is_array(cfgs) ? json_array_get(cfgs, 0) : NULL;
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    CHECK(json_is_number(v), "%s is not a number", key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static void test_relu_he(const char *base)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/relu", base);
    const char *sets[] = {"mode=single", "dataset=synthetic", "activation=relu", "init=he",
                          "depth=6", "width=64", "steps=60", "snapshots=2", "batch=32",
                          "train_per_class=30", "test_per_class=20", "lr=0.02", NULL};
    json_t *root, *c = run(dir, sets, &root);
    if (!c) return;
    double err = num(c, "factor_rel_error"), acc = num(c, "accuracy");
    CHECK(fabs(err) < 0.15, "relu-he: factor %g vs sqrt(chi) %g", num(c, "factor_measured"),
          num(c, "factor_predicted"));
    CHECK(fabs(num(c, "factor_predicted") - 1) < 0.2, "relu-he sqrt(chi) %g, theory says 1",
          num(c, "factor_predicted"));
    CHECK(acc > 0.5, "relu-he accuracy %g after 60 steps (chance 0.1)", acc);
    json_t *jac = json_object_get(c, "jacobian");
    CHECK(json_integer_value(json_object_get(jac, "rank")) == 10, "Jacobian rank");
    CHECK(json_array_size(json_object_get(c, "log10_ratio_dz")) == 7, "7 layers in the profile");
    CHECK(json_array_size(json_object_get(c, "training")) == 2, "2 probes");
    CHECK(file_exists(dir, "table.txt") && file_exists(dir, "profile.dat") &&
          file_exists(dir, "gradflow.gp"), "table.txt, profile.dat, gradflow.gp in %s", dir);
    CHECK(count_lines(dir, "metrics.csv") == 3, "metrics.csv: header + 2 probe rows, got %d",
          count_lines(dir, "metrics.csv"));
    json_decref(root);
}

static void test_sigmoid_standard(const char *base)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/sigmoid", base);
    const char *sets[] = {"mode=single", "dataset=synthetic", "activation=sigmoid",
                          "init=standard", "depth=10", "width=64", "steps=60", "snapshots=1",
                          "batch=32", "train_per_class=30", "test_per_class=20", NULL};
    json_t *root, *c = run(dir, sets, &root);
    if (!c) return;
    double r1 = num(c, "log10_ratio_dz_layer1"), acc = num(c, "accuracy");
    CHECK(r1 < -6, "sigmoid-standard depth 10: log10 |dz_1|/|dz_last| = %g", r1);
    CHECK(fabs(num(c, "factor_rel_error")) < 0.15, "sigmoid-standard factor %g vs %g",
          num(c, "factor_measured"), num(c, "factor_predicted"));
    CHECK(acc < 0.3, "sigmoid-standard depth 10 learned: accuracy %g", acc);
    json_decref(root);
}

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : "gradflow-test-runs";
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base); /* runs need absent or empty dirs */
    if (system(cmd) != 0) return 1;
    ctx = nz_context_create();
    if (!ctx || nz_device_open(ctx, "cpu", &dev) != NZ_OK) {
        fprintf(stderr, "no CPU device: %s\n", nz_last_error());
        return 1;
    }
    exp_desc = nz_context_find_experiment(ctx, "gradflow");
    if (!exp_desc) {
        fprintf(stderr, "the gradflow plugin did not load\n");
        return 1;
    }
    test_rejects();
    test_relu_he(base);
    test_sigmoid_standard(base);
    nz_context_free(ctx);
    if (gf_test_failures) fprintf(stderr, "%d check(s) failed\n", gf_test_failures);
    else printf("gradflow runs: all checks passed\n");
    return gf_test_failures != 0;
}
