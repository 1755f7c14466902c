/* Runs that start: the files they write, device choice, failures. */
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_harness.h"
#include "run_internal.h"
#include "cli_tests.h"

static json_t *load_json(const char *dir, const char *name)
{
    char *text = cli_read_file(dir, name);
    if (!text) return NULL;
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    CHECK(j != NULL, "%s/%s does not parse: %s", dir, name, err.text);
    free(text);
    return j;
}

static const char *jstr(json_t *o, const char *path1, const char *path2)
{
    json_t *v = json_object_get(o, path1);
    if (path2) v = json_object_get(v, path2);
    return json_is_string(v) ? json_string_value(v) : "(missing)";
}

static double jnum(json_t *o, const char *path1, const char *path2)
{
    json_t *v = json_object_get(o, path1);
    if (path2) v = json_object_get(v, path2);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Parse metrics.csv: header "step,loss,lr", then rows of three numbers whose
 * step counts up from 0.  Returns the number of rows, -1 when malformed. */
static int check_metrics(const char *dir, double *last_loss)
{
    char *text = cli_read_file(dir, "metrics.csv");
    if (!text) return -1;
    int rows = -1;
    if (strncmp(text, "step,loss,lr\n", 13) == 0) {
        rows = 0;
        for (char *line = text + 13; *line; rows++) {
            char *nl = strchr(line, '\n');
            if (!nl) { rows = -1; break; } /* a torn last line */
            *nl = '\0';
            double step, loss, lr;
            char extra;
            if (sscanf(line, "%lf,%lf,%lf%c", &step, &loss, &lr, &extra) != 3 || step != rows) {
                rows = -1;
                break;
            }
            if (last_loss) *last_loss = loss;
            line = nl + 1;
        }
    }
    free(text);
    return rows;
}

int test_good_run(void)
{
    char *cwd = cli_tempdir("good");
    char out[4096];
    snprintf(out, sizeof out, "%s/r1", cwd);
    static cli_result res;
    const char *args[] = { "run", "fixture", "--device", "fx:0", "--set", "steps=4", "--set", "lr=1e-3",
                           "--set", "label=a b", "--set", "mode=slow", "--set", "verbose=yes",
                           "--set", "offset=-0.5", "--seed", "42", "--out", out, NULL };
    cli_run(cwd, NULL, args, &res);
    CHECK(res.status == 0, "good run: exit %d, stderr %s", res.status, res.err);
    const char *files[] = { "params.json", "metrics.csv", "summary.json", "run.log", "loss.gp", NULL };
    for (int i = 0; files[i]; i++) CHECK(cli_file_exists(out, files[i]), "good run: no %s", files[i]);
    if (access("/usr/bin/gnuplot", X_OK) == 0) CHECK(cli_file_exists(out, "loss.png"), "good run: no loss.png");
    char stray[256];
    CHECK(cli_stray_temp_files(out, stray, sizeof stray) == 0, "good run: left %s", stray);

    json_t *p = load_json(out, "params.json");
    CHECK(p != NULL, "good run: no params.json");
    if (p) {
        CHECK(!strcmp(jstr(p, "experiment", NULL), "fixture"), "params.json experiment");
        CHECK(!strcmp(jstr(p, "plugin_version", NULL), "1.2"), "params.json plugin_version");
        CHECK(strlen(jstr(p, "nazo_version", NULL)) > 0, "params.json nazo_version");
        CHECK(!strcmp(jstr(p, "device", "id"), "fx:0"), "params.json device id");
        CHECK(!strcmp(jstr(p, "device", "name"), "Fixture Device A"), "params.json device name");
        CHECK(json_integer_value(json_object_get(p, "seed")) == 42, "params.json seed");
        json_t *pp = json_object_get(p, "params");
        CHECK(json_integer_value(json_object_get(pp, "steps")) == 4, "params.json steps");
        CHECK(jnum(pp, "lr", NULL) == 1e-3, "params.json lr = %g", jnum(pp, "lr", NULL));
        CHECK(jnum(pp, "offset", NULL) == -0.5, "params.json offset");
        CHECK(json_is_true(json_object_get(pp, "verbose")), "params.json verbose");
        CHECK(json_is_false(json_object_get(pp, "fail")), "params.json fail (default)");
        CHECK(!strcmp(jstr(pp, "label", NULL), "a b"), "params.json label");
        CHECK(!strcmp(jstr(pp, "mode", NULL), "slow"), "params.json mode");
        CHECK(json_integer_value(json_object_get(pp, "sleep_ms")) == 0, "params.json sleep_ms default");
        CHECK(strstr(jstr(p, "command_line", NULL), "'label=a b'") != NULL, "params.json command_line: %s",
              jstr(p, "command_line", NULL));
        CHECK(strlen(jstr(p, "start_time", NULL)) >= 19, "params.json start_time");
        json_decref(p);
    }
    double last = NAN;
    CHECK(check_metrics(out, &last) == 4, "good run: metrics.csv should have 4 rows");
    CHECK(fabs(last - (2.0 / 4 - 0.5)) < 1e-9, "good run: last loss %g", last);

    json_t *s = load_json(out, "summary.json");
    CHECK(s != NULL, "good run: no summary.json");
    if (s) {
        CHECK(!strcmp(jstr(s, "status", NULL), "ok"), "summary status %s", jstr(s, "status", NULL));
        CHECK(fabs(jnum(s, "final_loss", NULL) - 0.0) < 1e-12, "summary final_loss %g", jnum(s, "final_loss", NULL));
        CHECK(jnum(s, "steps_done", NULL) == 4, "summary steps_done");
        CHECK(!strcmp(jstr(s, "label", NULL), "a b"), "summary label");
        CHECK(json_array_size(json_object_get(json_object_get(s, "extra"), "rows")) == 3, "summary extra");
        CHECK(jnum(s, "wall_time_s", NULL) >= 0, "summary wall_time_s");
        CHECK(!strcmp(jstr(s, "device", "id"), "fx:0"), "summary device");
        json_decref(s);
    }
    char *log = cli_read_file(out, "run.log");
    CHECK(log && strstr(log, "fixture: label=a b device=fx:0"), "run.log lacks the label line");
    CHECK(log && strstr(log, "step 3 loss 0"), "run.log lacks the verbose step lines");
    CHECK(log && log[0] >= '2' && log[4] == '-' && log[10] == 'T', "run.log lines are not timestamped");
    CHECK(strstr(res.err, "fixture: label=a b") != NULL, "the log is not echoed to stderr");
    free(log);
    char *gp = cli_read_file(out, "loss.gp");
    CHECK(gp && strstr(gp, "pngcairo") && strstr(gp, "loss.png") && strstr(gp, "plot 'metrics.csv'"),
          "loss.gp lacks the terminal, output or body");
    free(gp);
    cli_remove_tree(cwd);
    free(cwd);
    return cli_failures;
}

int test_default_out(void)
{
    char *cwd = cli_tempdir("default");
    static cli_result res;
    const char *args[] = { "run", "fixture", "--device", "fx:1", NULL };
    cli_run(cwd, NULL, args, &res);
    CHECK(res.status == 0, "default out: exit %d: %s", res.status, res.err);
    cli_run(cwd, NULL, args, &res);
    CHECK(res.status == 0, "default out, second run: exit %d: %s", res.status, res.err);
    char runs[4096];
    snprintf(runs, sizeof runs, "%s/runs", cwd);
    CHECK(cli_dir_entries(runs) == 2, "default out: want 2 run directories, got %d", cli_dir_entries(runs));
    FILE *ls = NULL;
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ls %s", runs);
    ls = popen(cmd, "r");
    char name[512];
    int good = 0;
    while (ls && fgets(name, sizeof name, ls)) {
        name[strcspn(name, "\n")] = '\0';
        int y, mo, d, h, mi, s;
        char sub[4700];
        snprintf(sub, sizeof sub, "%s/%s", runs, name);
        if (sscanf(name, "fixture-%4d%2d%2d-%2d%2d%2d", &y, &mo, &d, &h, &mi, &s) == 6 && y >= 2020 &&
            cli_file_exists(sub, "summary.json"))
            good++;
    }
    if (ls) pclose(ls);
    CHECK(good == 2, "default out: %d of 2 directories are named fixture-YYYYmmdd-HHMMSS[-N] with a run", good);
    cli_remove_tree(cwd);
    free(cwd);
    return cli_failures;
}

static const char *run_device(const char *const *env, const char *device)
{
    static char id[64];
    char *cwd = cli_tempdir("dev");
    char out[4096];
    snprintf(out, sizeof out, "%s/r", cwd);
    static cli_result res;
    const char *args[] = { "run", "fixture", "--out", out, device ? "--device" : NULL, device, NULL };
    cli_run(cwd, env, args, &res);
    CHECK(res.status == 0, "device %s: exit %d: %s", device ? device : "(env)", res.status, res.err);
    json_t *p = load_json(out, "params.json");
    snprintf(id, sizeof id, "%s", p ? jstr(p, "device", "id") : "(none)");
    json_decref(p);
    cli_remove_tree(cwd);
    free(cwd);
    return id;
}

int test_device_choice(void)
{
    const char *env_b[] = { "NAZO_DEVICE=fx:1", NULL };
    const char *env_bad[] = { "NAZO_DEVICE=nodev", NULL };
    const char *id;
    id = run_device(NULL, "Device B");
    CHECK(!strcmp(id, "fx:1"), "--device 'Device B' chose %s", id);
    id = run_device(NULL, "fx:0");
    CHECK(!strcmp(id, "fx:0"), "--device fx:0 chose %s", id);
    id = run_device(env_b, NULL);
    CHECK(!strcmp(id, "fx:1"), "NAZO_DEVICE=fx:1 chose %s", id);
    id = run_device(env_bad, "fx:0");
    CHECK(!strcmp(id, "fx:0"), "--device must win over NAZO_DEVICE, chose %s", id);
    return cli_failures;
}

int test_failed_run(void)
{
    char *cwd = cli_tempdir("fail");
    char out[4096];
    snprintf(out, sizeof out, "%s/r", cwd);
    static cli_result res;
    const char *args[] = { "run", "fixture", "--device", "fx:0", "--set", "fail=true", "--out", out, NULL };
    cli_run(cwd, NULL, args, &res);
    CHECK(res.status == 1, "failed run: exit %d, want 1", res.status);
    CHECK(strstr(res.err, "nazo: run failed: fixture failed on request (fail=true)") != NULL,
          "failed run: stderr lacks the reason: %s", res.err);
    json_t *s = load_json(out, "summary.json");
    CHECK(s && !strcmp(jstr(s, "status", NULL), "failed"), "failed run: summary status");
    CHECK(s && strstr(jstr(s, "error", NULL), "fail=true"), "failed run: summary error");
    json_decref(s);
    CHECK(check_metrics(out, NULL) == 5, "failed run: metrics rows kept");
    cli_remove_tree(cwd);
    free(cwd);
    return cli_failures;
}

int test_no_gnuplot(void)
{
    char *cwd = cli_tempdir("nognuplot");
    char out[4096];
    snprintf(out, sizeof out, "%s/r", cwd);
    static cli_result res;
    const char *env[] = { "PATH=/nonexistent", NULL };
    const char *args[] = { "run", "fixture", "--device", "fx:0", "--out", out, NULL };
    cli_run(cwd, env, args, &res);
    CHECK(res.status == 0, "no gnuplot: exit %d: %s", res.status, res.err);
    char want[4200];
    snprintf(want, sizeof want, "gnuplot not found: install gnuplot-nox, then run: gnuplot %s/loss.gp", out);
    char *log = cli_read_file(out, "run.log");
    CHECK(log && strstr(log, want), "no gnuplot: run.log lacks \"%s\"", want);
    free(log);
    CHECK(cli_file_exists(out, "loss.gp") && !cli_file_exists(out, "loss.png"), "no gnuplot: want loss.gp only");
    cli_remove_tree(cwd);
    free(cwd);
    return cli_failures;
}

/* Start a slow run and wait until metrics.csv holds at least `rows` rows. */
static pid_t start_slow(const char *cwd, const char *out, int rows)
{
    const char *args[] = { "run", "fixture", "--device", "fx:0", "--set", "steps=1000",
                           "--set", "sleep_ms=3", "--out", out, NULL };
    pid_t pid = cli_spawn(cwd, NULL, args);
    for (int i = 0; i < 2000; i++) {
        if (check_metrics(out, NULL) >= rows) break;
        usleep(5000);
    }
    return pid;
}

int test_killed_run(void)
{
    /* Kill at several points; every time the files must be whole. */
    for (int k = 0; k < 5; k++) {
        char *cwd = cli_tempdir("kill");
        char out[4096];
        snprintf(out, sizeof out, "%s/r", cwd);
        pid_t pid = start_slow(cwd, out, 3 + 7 * k);
        usleep((useconds_t)(1000 * k));
        kill(pid, SIGKILL);
        int st = cli_wait(pid);
        CHECK(st == 128 + SIGKILL, "killed run: status %d", st);
        /* A kill between link and rename may leave a hidden temporary file
         * of the killed process; resuming removes it.  Nothing else may stay. */
        char stray[256] = "", hidden[64];
        snprintf(hidden, sizeof hidden, ".tmp-%ld-", (long)pid);
        if (cli_stray_temp_files(out, stray, sizeof stray) == 1 && stray[0] == '.' &&
            strstr(stray, hidden))
            nz_remove_stale_temps(out);
        CHECK(cli_stray_temp_files(out, stray, sizeof stray) == 0, "killed run: left %s", stray);
        int rows = check_metrics(out, NULL);
        CHECK(rows >= 3 + 7 * k, "killed run %d: metrics.csv has %d rows (or is torn)", k, rows);
        json_t *p = load_json(out, "params.json");
        CHECK(p != NULL, "killed run: params.json missing");
        json_decref(p);
        char *log = cli_read_file(out, "run.log");
        CHECK(log && log[strlen(log) - 1] == '\n', "killed run: run.log torn");
        free(log);
        cli_remove_tree(cwd);
        free(cwd);
    }
    return cli_failures;
}

int test_interrupted_run(void)
{
    char *cwd = cli_tempdir("int");
    char out[4096];
    snprintf(out, sizeof out, "%s/r", cwd);
    pid_t pid = start_slow(cwd, out, 5);
    kill(pid, SIGINT);
    int st = cli_wait(pid);
    CHECK(st == 130, "interrupted run: status %d, want 130", st);
    json_t *s = load_json(out, "summary.json");
    CHECK(s && !strcmp(jstr(s, "status", NULL), "interrupted"), "interrupted run: summary status %s",
          s ? jstr(s, "status", NULL) : "(none)");
    CHECK(s && jnum(s, "steps_done", NULL) >= 5 && jnum(s, "steps_done", NULL) < 1000,
          "interrupted run: steps_done %g", s ? jnum(s, "steps_done", NULL) : NAN);
    json_decref(s);
    CHECK(check_metrics(out, NULL) >= 5, "interrupted run: metrics.csv");
    cli_remove_tree(cwd);
    free(cwd);
    return cli_failures;
}

int test_listings(void)
{
    char *cwd = cli_tempdir("list");
    static cli_result res;
    const char *devices[] = { "devices", NULL };
    cli_run(cwd, NULL, devices, &res);
    CHECK(res.status == 0, "devices: exit %d", res.status);
    CHECK(strstr(res.out, "fx:0") && strstr(res.out, "Fixture Device A") && strstr(res.out, "fx:1") &&
          strstr(res.out, "Fixture Device B") && strstr(res.out, "1.0 GiB"), "devices: %s", res.out);
    const char *plugins[] = { "plugins", NULL };
    cli_run(cwd, NULL, plugins, &res);
    CHECK(res.status == 0, "plugins: exit %d", res.status);
    CHECK(strstr(res.out, "nazo-exp-fixture.so") && strstr(res.out, "nazo-backend-fixture.so") &&
          strstr(res.out, "search directories") && strstr(res.out, "available"), "plugins: %s", res.out);
    const char *exps[] = { "experiments", NULL };
    cli_run(cwd, NULL, exps, &res);
    CHECK(res.status == 0 && strstr(res.out, "fixture") && strstr(res.out, "1.2") &&
          strstr(res.out, "every parameter type"), "experiments: %s", res.out);
    const char *help[] = { "help", "fixture", NULL };
    cli_run(cwd, NULL, help, &res);
    CHECK(res.status == 0 && strstr(res.out, "steps") && strstr(res.out, "[1, 1000]") &&
          strstr(res.out, "fast, slow, exact") && strstr(res.out, "number of metrics rows") &&
          strstr(res.out, "choice"), "help fixture: %s", res.out);
    const char *version[] = { "--version", NULL };
    cli_run(cwd, NULL, version, &res);
    CHECK(res.status == 0 && strncmp(res.out, "nazo ", 5) == 0, "--version: %s", res.out);
    const char *usage[] = { "--help", NULL };
    cli_run(cwd, NULL, usage, &res);
    CHECK(res.status == 0 && strstr(res.out, "usage: nazo"), "--help: %s", res.out);
    const char *help_cmd[] = { "help", "run", NULL };
    cli_run(cwd, NULL, help_cmd, &res);
    CHECK(res.status == 0 && strstr(res.out, "--device"), "help run: %s", res.out);
    CHECK(cli_dir_entries(cwd) == 0, "listings wrote files");
    cli_remove_tree(cwd);
    free(cwd);
    return cli_failures;
}
