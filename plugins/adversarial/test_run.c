/* The experiment end to end on a tiny configuration: its declarations
 * reject bad values, and a run writes consistent metrics, summary and grid.
 * Needs Fashion-MNIST; skips (77) without it. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nazo/nazo.h"
#include "nazo/runner.h"

#include "test_check.h"

static const char *const tiny[] = { "train_n=300", "test_n=60", "epochs=4", "batch=32", "width=32", "depth=1",
                                    "eps_points=3", "eval_steps=5", "eval_restarts=2", "train_steps=3",
                                    "grid_n=4", NULL };

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    CHECK(json_is_number(v), "summary lacks number %s", key);
    return json_number_value(v);
}

int main(void)
{
    char dir[64];
    if (nz_fashion_mnist_dir(dir, sizeof dir) != NZ_OK) {
        printf("SKIP: %s\n", nz_last_error());
        return 77;
    }
    nz_context *ctx = nz_context_create();
    const nz_plugin_desc *exp = ctx ? nz_context_find_experiment(ctx, "adversarial") : NULL;
    nz_device *dev = NULL;
    if (!exp || nz_device_open(ctx, "cpu", &dev) != NZ_OK) {
        fprintf(stderr, "setup: %s\n", nz_last_error());
        return 1;
    }
    const nz_experiment_iface *iface = exp->table;
    nz_params *p = nz_params_create(iface->params, "adversarial");

    /* Out-of-range and unknown values stop before any work. */
    CHECK(nz_params_assign(p, "eps=1.5") == NZ_ERR_INVALID, "eps=1.5 accepted");
    CHECK(nz_params_assign(p, "act=softplus") == NZ_ERR_INVALID, "act=softplus accepted");
    CHECK(nz_params_assign(p, "mode=medium") == NZ_ERR_INVALID, "mode=medium accepted");
    CHECK(nz_params_assign(p, "eval_steps=0") == NZ_ERR_INVALID, "eval_steps=0 accepted");
    CHECK(nz_params_assign(p, "train_n=70000") == NZ_ERR_INVALID, "train_n=70000 accepted");
    for (int i = 0; tiny[i]; i++) CHECK(nz_params_assign(p, tiny[i]) == NZ_OK, "%s: %s", tiny[i], nz_last_error());

    char root[] = "/tmp/nazo-adv-XXXXXX", out[128], path[256];
    if (!mkdtemp(root)) return 1;
    snprintf(out, sizeof out, "%s/run", root);
    nz_run *r = NULL;
    CHECK(nz_run_create(ctx, exp, dev, 3, out, p, NULL, &r) == NZ_OK, "%s", nz_last_error());
    if (r) {
        CHECK(nz_run_execute(r) == NZ_OK, "run failed: %s", nz_last_error());
        nz_run_free(r);
    }

    /* metrics.csv: a header and one row per eps: 0, 0.1 (the headline eps,
     * merged in), 0.15, 0.3; at eps 0 both attacks give the clean accuracy. */
    snprintf(path, sizeof path, "%s/metrics.csv", out);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "no metrics.csv");
    char line[512];
    int rows = 0;
    const double want_eps[4] = { 0, 0.1, 0.15, 0.3 };
    while (f && fgets(line, sizeof line, f)) {
        if (rows == 0) {
            CHECK(strncmp(line, "eps,standard_fgsm_acc,standard_pgd_acc,pgd_fgsm_acc,pgd_pgd_acc", 62) == 0,
                  "header %s", line);
        } else if (rows <= 4) {
            double v[7];
            int n = sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf", v, v + 1, v + 2, v + 3, v + 4, v + 5, v + 6);
            CHECK(n == 7, "row %d has %d values: %s", rows, n, line);
            CHECK(v[0] > want_eps[rows - 1] - 1e-9 && v[0] < want_eps[rows - 1] + 1e-9, "row %d eps %g", rows, v[0]);
            for (int k = 1; k < n; k++) CHECK(v[k] >= 0 && v[k] <= 1, "accuracy %g out of [0,1]", v[k]);
            if (rows == 1)
                for (int k = 1; k + 1 < n; k += 2) CHECK(v[k] == v[k + 1], "eps 0: FGSM %g != PGD %g", v[k], v[k + 1]);
        }
        rows++;
    }
    if (f) fclose(f);
    CHECK(rows == 5, "metrics.csv has %d lines, want 5", rows);

    /* summary.json: the trade-off, the checks and the grid's predictions. */
    snprintf(path, sizeof path, "%s/summary.json", out);
    json_error_t err;
    json_t *s = json_load_file(path, 0, &err);
    CHECK(s != NULL, "summary.json: %s", err.text);
    if (s) {
        CHECK(strcmp(json_string_value(json_object_get(s, "status")), "ok") == 0, "status not ok");
        double sc = num(s, "standard_clean_acc"), pc = num(s, "pgd_clean_acc");
        CHECK(sc > 0.3, "standard clean accuracy %g: the tiny model learned nothing", sc);
        double cost = num(s, "clean_cost_points");
        CHECK(cost > 100 * (sc - pc) - 1e-9 && cost < 100 * (sc - pc) + 1e-9, "clean cost %g", cost);
        json_t *t = json_object_get(s, "tradeoff");
        CHECK(json_array_size(json_object_get(t, "eps")) == 4, "tradeoff eps");
        CHECK(json_array_size(json_object_get(json_object_get(t, "fgsm_rs"), "pgd")) == 4, "fgsm_rs pgd");
        CHECK(json_is_object(json_object_get(s, "checks")), "no checks");
        /* Reported curves: never above the single-eps attack, never rising. */
        for (int m = 0; m < 3; m++) {
            const char *names[3] = { "standard", "pgd", "fgsm_rs" };
            json_t *mo = json_object_get(t, names[m]);
            json_t *pg = json_object_get(mo, "pgd"), *raw = json_object_get(mo, "pgd_this_eps_only");
            CHECK(json_array_size(raw) == 4, "%s: no single-eps PGD curve", names[m]);
            for (size_t k = 0; k < json_array_size(pg) && k < json_array_size(raw); k++) {
                double v = json_number_value(json_array_get(pg, k));
                CHECK(v <= json_number_value(json_array_get(raw, k)) + 1e-12, "%s pgd above raw", names[m]);
                if (k) CHECK(v <= json_number_value(json_array_get(pg, k - 1)) + 1e-12, "%s pgd rises", names[m]);
            }
        }
        json_t *g = json_object_get(s, "grid");
        CHECK(json_array_size(json_object_get(g, "labels")) == 4 &&
                  json_array_size(json_object_get(g, "pgd_adv_pred")) == 4,
              "grid predictions");
        json_decref(s);
    }

    /* The grid: 5 rows (clean, 2 x adversarial + perturbation) of 4 images. */
    snprintf(path, sizeof path, "%s/adversarial_grid.png", out);
    f = fopen(path, "rb");
    unsigned char head[24] = { 0 };
    CHECK(f && fread(head, 1, 24, f) == 24, "no adversarial_grid.png");
    if (f) fclose(f);
    CHECK(be32(head + 16) == 4 * 29 - 1 && be32(head + 20) == 5 * 29 - 1, "grid is %ux%u, want 115x144",
          be32(head + 16), be32(head + 20));
    snprintf(path, sizeof path, "%s/accuracy_vs_eps.gp", out);
    CHECK(access(path, F_OK) == 0, "no plot script");

    nz_params_free(p);
    nz_context_free(ctx);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    if (failures) fprintf(stderr, "%d failure(s)\n", failures);
    else printf("adversarial tiny run ok\n");
    return failures ? 1 : 0;
}
