/* The mlp experiment end to end through the `nazo` command line:
 *   resume      SIGTERM at step k, --resume: final weights, optimizer state and
 *               metrics bitwise equal to an uninterrupted run (cpu)
 *   kill        the same after SIGKILL (resumes from the last periodic checkpoint)
 *   cross       stop on cpu, resume on opencl: the loss curve continues within
 *               1e-3 relative of the uninterrupted cpu run
 *   same-curve  cpu and opencl: the first 100 training losses within 1e-3 relative
 *   corrupt     a damaged or missing checkpoint is refused, naming the file
 *   cli         --resume with --set/--seed/--out, another experiment, a missing
 *               or finished run: exit 2; a malformed `hidden` list: exit 1
 * Usage: test_mlp NAZO_BINARY CASE.  The opencl cases print why and pass
 * (exit 77, "skipped") when no OpenCL device is present. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nazo/nazo.h"

#define SKIP 77

static const char *nazo;
static char tmp[512];
static int failures;

#define CHECK(cond, ...)                                                             \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                            \
            fputc('\n', stderr);                                                     \
            failures++;                                                              \
        }                                                                            \
    } while (0)

/* Small and fast, but long enough (384 steps) to stop in the middle. */
static const char *const base_args[] = { "--set", "data=synthetic", "--set", "hidden=256,128",
                                         "--set", "batch=64", "--set", "epochs=6",
                                         "--set", "checkpoint_every=10", "--seed", "7", NULL };

static void dir_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmp, name);
}

/* argv = nazo run [extra...] [base args when with_base]; stderr to errfile. */
static pid_t spawn(const char *const *extra, int with_base, const char *errfile)
{
    const char *argv[64];
    int n = 0;
    argv[n++] = nazo;
    argv[n++] = "run";
    for (; extra && *extra; extra++) argv[n++] = *extra;
    for (const char *const *b = base_args; with_base && *b; b++) argv[n++] = *b;
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(errfile ? errfile : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) dup2(fd, STDERR_FILENO);
        int nul = open("/dev/null", O_WRONLY);
        if (nul >= 0) dup2(nul, STDOUT_FILENO);
        execv(nazo, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static int wait_status(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = '\0';
    fclose(f);
    return b;
}

/* Run to the end; returns the exit status, stderr kept in `err` (may be NULL). */
static int run(const char *const *extra, int with_base, char **err)
{
    char errfile[600];
    dir_path(errfile, sizeof errfile, "stderr.txt");
    int st = wait_status(spawn(extra, with_base, errfile));
    if (err) *err = slurp(errfile);
    return st;
}

static int file_exists(const char *dir, const char *name)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return stat(p, &st) == 0;
}

/* Start a run into dir and send `sig` once its first checkpoint exists;
 * returns the exit status. */
static int run_and_stop(const char *dir, const char *device, int sig)
{
    const char *extra[] = { "mlp", "--out", dir, "--device", device, NULL };
    pid_t pid = spawn(extra, 1, NULL);
    for (int i = 0; i < 60000 && !file_exists(dir, "checkpoint.nzck"); i++) {
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
        if (waitpid(pid, NULL, WNOHANG) == pid) return -1; /* ended before its first checkpoint */
    }
    kill(pid, sig);
    return wait_status(pid);
}

static nz_checkpoint *load_ck(const char *dir)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/checkpoint.nzck", dir);
    nz_checkpoint *ck = NULL;
    if (nz_checkpoint_read(p, &ck) != NZ_OK) fprintf(stderr, "%s\n", nz_last_error());
    return ck;
}

static int64_t ck_int(const nz_checkpoint *ck, const char *name)
{
    int64_t v = -1;
    nz_checkpoint_get_int(ck, name, &v);
    return v;
}

/* Every model and optimizer tensor equal byte for byte. */
static void compare_state(nz_context *ctx, const char *da, const char *db)
{
    nz_device *dev;
    nz_checkpoint *a = load_ck(da), *b = load_ck(db);
    CHECK(a && b, "both runs left a checkpoint");
    if (!a || !b || nz_device_open(ctx, "cpu", &dev) != NZ_OK) goto out;
    CHECK(ck_int(a, "step") == ck_int(b, "step"), "final steps %lld vs %lld", (long long)ck_int(a, "step"),
          (long long)ck_int(b, "step"));
    /* Every tensor: weights, biases, optimizer state. */
    int compared = 0;
    CHECK(nz_checkpoint_count(a) == nz_checkpoint_count(b), "entry counts");
    for (size_t i = 0; i < nz_checkpoint_count(a); i++) {
        const char *n = nz_checkpoint_name(a, i);
        if (!nz_checkpoint_is_tensor(a, n)) continue;
        nz_tensor *ta = nz_checkpoint_tensor(a, n, dev), *tb = nz_checkpoint_tensor(b, n, dev);
        CHECK(ta && tb, "tensor %s in both checkpoints", n);
        if (ta && tb) {
            size_t bytes = nz_tensor_bytes(ta);
            char *va = malloc(bytes), *vb = malloc(bytes);
            nz_tensor_download(ta, va, bytes);
            nz_tensor_download(tb, vb, bytes);
            CHECK(bytes == nz_tensor_bytes(tb) && memcmp(va, vb, bytes) == 0, "%s differs after resume", n);
            compared++;
            free(va);
            free(vb);
        }
        nz_tensor_free(ta);
        nz_tensor_free(tb);
    }
    /* 3 layers: 3 weights, 3 biases, 6 momentum buffers. */
    CHECK(compared == 12, "compared %d tensors", compared);
    CHECK(ck_int(a, "optim.steps") == ck_int(b, "optim.steps"), "optimizer steps");
out:
    nz_checkpoint_free(a);
    nz_checkpoint_free(b);
}

/* The loss column (3rd) of metrics.csv, by step. */
static int read_losses(const char *dir, double *loss, int max)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/metrics.csv", dir);
    FILE *f = fopen(p, "r");
    if (!f) return 0;
    char line[256];
    int n = 0;
    if (!fgets(line, sizeof line, f)) n = 0;
    double step, epoch, l;
    while (n < max && fgets(line, sizeof line, f) && sscanf(line, "%lf,%lf,%lf", &step, &epoch, &l) == 3) {
        CHECK((int)step == n + 1, "row %d has step %g: rows must continue without gaps or repeats", n + 1, step);
        loss[n++] = l;
    }
    fclose(f);
    return n;
}

static int opencl_present(nz_context *ctx)
{
    size_t e;
    if (nz_context_resolve_device(ctx, "opencl", &e) == NZ_OK) return 1;
    printf("skipped: no OpenCL device (%s)\n", nz_last_error());
    return 0;
}

static int test_resume(nz_context *ctx, int sig)
{
    char a[600], b[600];
    dir_path(a, sizeof a, "uninterrupted");
    dir_path(b, sizeof b, "stopped");
    const char *ea[] = { "mlp", "--out", a, NULL };
    CHECK(run(ea, 1, NULL) == 0, "uninterrupted run");
    int st = run_and_stop(b, "cpu", sig);
    CHECK(st == (sig == SIGKILL ? 128 + SIGKILL : 130), "stopped run exits %d", st);
    nz_checkpoint *ck = load_ck(b);
    int64_t k = ck ? ck_int(ck, "step") : -1, total = ck ? ck_int(ck, "total_steps") : -1;
    CHECK(k > 0 && k < total, "stopped at step %lld of %lld", (long long)k, (long long)total);
    nz_checkpoint_free(ck);
    printf("stopped with signal %d at checkpoint step %lld of %lld\n", sig, (long long)k, (long long)total);
    const char *er[] = { "--resume", b, NULL };
    char *err = NULL;
    CHECK(run(er, 0, &err) == 0, "resume: %s", err ? err : "");
    free(err);
    compare_state(ctx, a, b);
    char *ma = NULL, *mb = NULL;
    char pa[700], pb[700];
    snprintf(pa, sizeof pa, "%s/metrics.csv", a);
    snprintf(pb, sizeof pb, "%s/metrics.csv", b);
    ma = slurp(pa);
    mb = slurp(pb);
    CHECK(ma && mb && strcmp(ma, mb) == 0, "metrics.csv of the resumed run equals the uninterrupted one");
    free(ma);
    free(mb);
    char *sum = NULL;
    snprintf(pb, sizeof pb, "%s/summary.json", b);
    sum = slurp(pb);
    CHECK(sum && strstr(sum, "\"resumes\": 1") && strstr(sum, "\"status\": \"ok\""), "summary: %s",
          sum ? sum : "(none)");
    free(sum);
    return failures ? 1 : 0;
}

static int test_cross(nz_context *ctx)
{
    if (!opencl_present(ctx)) return SKIP;
    char a[600], b[600];
    dir_path(a, sizeof a, "cpu");
    dir_path(b, sizeof b, "cross");
    const char *ea[] = { "mlp", "--out", a, "--device", "cpu", NULL };
    CHECK(run(ea, 1, NULL) == 0, "cpu run");
    CHECK(run_and_stop(b, "cpu", SIGTERM) == 130, "stopped cpu run");
    nz_checkpoint *ck = load_ck(b);
    int64_t k = ck ? ck_int(ck, "step") : -1;
    nz_checkpoint_free(ck);
    const char *er[] = { "--resume", b, "--device", "opencl", NULL };
    char *err = NULL;
    CHECK(run(er, 0, &err) == 0, "resume on opencl: %s", err ? err : "");
    CHECK(err && strstr(err, "resuming mlp on opencl"), "resumed on opencl: %s", err ? err : "");
    free(err);
    static double la[4096], lb[4096];
    int na = read_losses(a, la, 4096), nb = read_losses(b, lb, 4096);
    CHECK(na == nb && na > k && k > 0, "rows: %d vs %d, stopped at %lld", na, nb, (long long)k);
    double worst = 0;
    for (int i = 0; i < na && i < nb; i++) {
        double rel = fabs(la[i] - lb[i]) / fmax(fabs(la[i]), 1e-30);
        if (i < k) CHECK(la[i] == lb[i], "step %d before the stop: %.10g vs %.10g", i + 1, la[i], lb[i]);
        if (rel > worst) worst = rel;
    }
    printf("stopped at step %lld on cpu, resumed on opencl: %d losses, worst relative difference %.3g\n",
           (long long)k, na, worst);
    CHECK(worst <= 1e-3, "loss curve continued within 1e-3 relative (worst %.3g)", worst);
    return failures ? 1 : 0;
}

static int test_same_curve(nz_context *ctx)
{
    if (!opencl_present(ctx)) return SKIP;
    char dir[2][600];
    char data[64];
    /* Fashion-MNIST when installed, the synthetic set otherwise. */
    char fm[1024];
    int fashion = nz_fashion_mnist_dir(fm, sizeof fm) == NZ_OK;
    snprintf(data, sizeof data, "data=%s", fashion ? "fashion" : "synthetic");
    const char *devs[2] = { "cpu", "opencl" };
    static double loss[2][100];
    /* The default model (784-1024-1024-10, SGD, batch 128) on quick data. */
    for (int d = 0; d < 2; d++) {
        dir_path(dir[d], sizeof dir[d], devs[d]);
        const char *args[] = { "mlp", "--out", dir[d], "--device", devs[d], "--seed", "3", "--set", data,
                               "--set", "mode=quick", "--set", "max_steps=100",
                               NULL };
        char *err = NULL;
        CHECK(run(args, 0, &err) == 0, "run on %s: %s", devs[d], err ? err : "");
        free(err);
        CHECK(read_losses(dir[d], loss[d], 100) == 100, "100 losses on %s", devs[d]);
    }
    double worst = 0;
    for (int i = 0; i < 100; i++) worst = fmax(worst, fabs(loss[0][i] - loss[1][i]) / fabs(loss[0][i]));
    printf("%s, first 100 losses cpu vs opencl: worst relative difference %.3g (loss %.4f -> %.4f)\n",
           fashion ? "Fashion-MNIST" : "synthetic data", worst, loss[0][0], loss[0][99]);
    CHECK(worst <= 1e-3, "same seed, same curve within 1e-3 relative (worst %.3g)", worst);
    CHECK(loss[0][99] < loss[0][0], "the loss went down");
    return failures ? 1 : 0;
}

static int test_corrupt(void)
{
    char b[600], p[700];
    dir_path(b, sizeof b, "damaged");
    CHECK(run_and_stop(b, "cpu", SIGTERM) == 130, "stopped run");
    snprintf(p, sizeof p, "%s/checkpoint.nzck", b);
    char *metrics_before, mp[700];
    snprintf(mp, sizeof mp, "%s/metrics.csv", b);
    metrics_before = slurp(mp);
    struct stat st;
    CHECK(stat(p, &st) == 0, "checkpoint present");
    /* Flip one byte in the middle. */
    FILE *f = fopen(p, "r+b");
    fseek(f, st.st_size / 2, SEEK_SET);
    int c = fgetc(f);
    fseek(f, st.st_size / 2, SEEK_SET);
    fputc(c ^ 0x10, f);
    fclose(f);
    const char *er[] = { "--resume", b, NULL };
    char *err = NULL;
    CHECK(run(er, 0, &err) == 1, "resume from a corrupt checkpoint fails");
    CHECK(err && strstr(err, "checkpoint.nzck") && strstr(err, "corrupt"), "message names the file: %s",
          err ? err : "");
    free(err);
    char *metrics_after = slurp(mp);
    CHECK(metrics_before && metrics_after && strcmp(metrics_before, metrics_after) == 0,
          "a refused resume leaves metrics.csv as it was");
    free(metrics_after);
    /* Truncated. */
    CHECK(truncate(p, st.st_size - 100) == 0, "truncate");
    CHECK(run(er, 0, &err) == 1, "resume from a truncated checkpoint fails");
    CHECK(err && strstr(err, "checkpoint.nzck") && strstr(err, "truncated"), "message: %s", err ? err : "");
    free(err);
    /* Missing. */
    unlink(p);
    CHECK(run(er, 0, &err) == 1, "resume without a checkpoint fails");
    CHECK(err && strstr(err, "is missing"), "message: %s", err ? err : "");
    free(err);
    free(metrics_before);
    return failures ? 1 : 0;
}

static int test_cli(void)
{
    char b[600], done[600], empty[600];
    dir_path(b, sizeof b, "stopped");
    dir_path(done, sizeof done, "done");
    dir_path(empty, sizeof empty, "empty");
    mkdir(empty, 0755);
    CHECK(run_and_stop(b, "cpu", SIGTERM) == 130, "stopped run");
    char *err = NULL;
    struct { const char *args[8]; const char *msg; } cases[] = {
        { { "--resume", b, "--set", "lr=1", NULL }, "drop --set" },
        { { "--resume", b, "--seed", "3", NULL }, "drop --seed" },
        { { "--resume", b, "--out", empty, NULL }, "drop --out" },
        { { "--resume", b, "gradflow", NULL }, "is a run of experiment 'mlp', not 'gradflow'" },
        { { "--resume", empty, NULL }, "holds no params.json" },
        { { "--resume", "/nonexistent/run", NULL }, "no such run directory" },
        { { "--resume", b, "--device", "nosuchdevice", NULL }, "nosuchdevice" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int st = run(cases[i].args, 0, &err);
        CHECK(st == 2 && err && strstr(err, cases[i].msg), "case %zu: exit %d, stderr: %s", i, st,
              err ? err : "");
        free(err);
    }
    /* hidden is parsed strictly before any work. */
    const char *bad_hidden[] = { "1024,,10", "1024,", "1k", "0", "-5", NULL };
    for (const char **h = bad_hidden; *h; h++) {
        char out[700], set[64];
        snprintf(out, sizeof out, "%s/hidden-%d", tmp, (int)(h - bad_hidden));
        snprintf(set, sizeof set, "hidden=%s", *h);
        const char *args[] = { "mlp", "--out", out, "--set", "data=synthetic", "--set", set, NULL };
        int st = run(args, 0, &err);
        CHECK(st == 1 && err && strstr(err, "parameter 'hidden'") && !file_exists(out, "metrics.csv"),
              "hidden=%s: exit %d, %s", *h, st, err ? err : "");
        free(err);
    }
    const char *fin[] = { "mlp", "--out", done, "--set", "max_steps=5", NULL };
    CHECK(run(fin, 1, NULL) == 0, "short run");
    const char *again[] = { "--resume", done, NULL };
    CHECK(run(again, 0, &err) == 2 && err && strstr(err, "already finished"), "finished run: %s",
          err ? err : "");
    free(err);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_mlp NAZO_BINARY resume|kill|cross|same-curve|corrupt|cli\n");
        return 2;
    }
    nazo = argv[1];
    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/test-mlp-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    nz_context *ctx = nz_context_create();
    if (!ctx) return 1;
    int rc;
    const char *c = argv[2];
    if (!strcmp(c, "resume")) rc = test_resume(ctx, SIGTERM);
    else if (!strcmp(c, "kill")) rc = test_resume(ctx, SIGKILL);
    else if (!strcmp(c, "cross")) rc = test_cross(ctx);
    else if (!strcmp(c, "same-curve")) rc = test_same_curve(ctx);
    else if (!strcmp(c, "corrupt")) rc = test_corrupt();
    else if (!strcmp(c, "cli")) rc = test_cli();
    else {
        fprintf(stderr, "unknown case %s\n", c);
        rc = 2;
    }
    nz_context_free(ctx);
    if (rc == 0 || rc == SKIP) {
        char cmd[700];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    } else {
        fprintf(stderr, "%d check(s) failed; files kept in %s\n", failures, tmp);
    }
    return rc;
}
