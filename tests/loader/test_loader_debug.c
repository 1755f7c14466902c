/* NAZO_DEBUG=load traces every path the loader tries.  The trace goes to
 * stderr, so the test re-runs itself as a child with stderr on a pipe and
 * checks what the child printed; the child only creates a context. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nazo/core.h"
#include "nz_fx_dir.h"

static int failures;

static void check(int ok, const char *what, const char *out)
{
    if (!ok) {
        fprintf(stderr, "FAIL: %s\n--- child stderr ---\n%s\n--------------------\n", what, out);
        failures++;
    } else {
        printf("ok: %s\n", what);
    }
}

/* The child: load plugins and report whether the context was created. */
static int child_main(void)
{
    nz_context *ctx = nz_context_create();
    if (!ctx) return 2;
    nz_context_free(ctx);
    return 0;
}

/* Run this program as a child with NAZO_DEBUG set to `debug` (NULL: unset);
 * returns its stderr (malloc'd) or NULL. */
static char *run_child(const char *debug)
{
    int fds[2];
    if (pipe(fds) != 0) return NULL;
    pid_t pid = fork();
    if (pid < 0) return NULL;
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (debug) setenv("NAZO_DEBUG", debug, 1);
        else unsetenv("NAZO_DEBUG");
        execl("/proc/self/exe", "test_loader_debug", "--child", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0, cap = 65536;
    char *out = malloc(cap);
    ssize_t n;
    while (out && (n = read(fds[0], out + len, cap - len - 1)) != 0) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        len += (size_t)n;
        if (cap - len < 4096) {
            char *bigger = realloc(out, cap *= 2);
            if (!bigger) {
                free(out);
                out = NULL;
            }
            out = bigger;
        }
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (out) out[len] = '\0';
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "child failed (status %d):\n%s\n", status, out ? out : "");
        free(out);
        return NULL;
    }
    return out;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--child") == 0) return child_main();

    char *dir = nz_fx_mkdtemp();
    if (!dir) return 1;
    char missing[4096], good[4096], broken[4096], plugin_path[8192];
    nz_fx_join(missing, sizeof missing, dir, "no-such-dir");
    nz_fx_join(good, sizeof good, dir, "nazo-exp-fxgood.so");
    nz_fx_join(broken, sizeof broken, dir, "nazo-exp-fxnoentry.so");
    snprintf(plugin_path, sizeof plugin_path, "%s:%s", missing, dir);
    if (nz_fx_install(dir, "fx-exp-good.so", "nazo-exp-fxgood.so") != 0 ||
        nz_fx_install(dir, "fx-exp-noentry.so", "nazo-exp-fxnoentry.so") != 0) {
        nz_fx_rmtree(dir);
        return 1;
    }
    setenv("NAZO_PLUGIN_PATH", plugin_path, 1);

    char *traced = run_child("load");
    check(traced != NULL, "child with NAZO_DEBUG=load creates a context", "");
    if (traced) {
        check(strstr(traced, "nazo[load]") != NULL, "trace lines carry the nazo[load] prefix", traced);
        check(strstr(traced, missing) != NULL, "trace names the missing search directory", traced);
        check(strstr(traced, good) != NULL, "trace names the good plugin file", traced);
        check(strstr(traced, broken) != NULL, "trace names the broken plugin file", traced);
        check(strstr(traced, "no nz_plugin_entry symbol") != NULL, "trace gives the failure's cause",
              traced);
    }

    /* Without the variable the loader is silent about paths. */
    char *quiet = run_child(NULL);
    check(quiet != NULL, "child without NAZO_DEBUG creates a context", "");
    if (quiet) check(strstr(quiet, "nazo[load]") == NULL && strstr(quiet, good) == NULL,
                     "no trace without NAZO_DEBUG", quiet);

    free(traced);
    free(quiet);
    nz_fx_rmtree(dir);
    free(dir);
    return failures ? 1 : 0;
}
