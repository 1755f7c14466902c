/* Plots: a gnuplot script beside the data, rendered to PNG when gnuplot is
 * installed.  The script stands on its own so a user can re-plot later. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_internal.h"

static int plain_name(const char *s)
{
    if (!s || !*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* gnuplot in PATH, or 0. */
static int find_gnuplot(char *out, size_t size)
{
    const char *path = getenv("PATH");
    if (!path) return 0;
    for (const char *p = path; ; ) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len && (size_t)snprintf(out, size, "%.*s/gnuplot", (int)len, p) < size &&
            access(out, X_OK) == 0)
            return 1;
        if (!end) return 0;
        p = end + 1;
    }
}

/* Append s as a gnuplot single-quoted string ('' stands for a quote). */
static nz_status put_quoted(nz_buf *b, const char *s)
{
    nz_status st = nz_buf_printf(b, "'");
    for (; st == NZ_OK && *s; s++) st = *s == '\'' ? nz_buf_printf(b, "''") : nz_buf_printf(b, "%c", *s);
    return st == NZ_OK ? nz_buf_printf(b, "'") : st;
}

/* Run gnuplot in the run directory, drawing into a hidden file that is
 * renamed to name.png only once complete. */
static nz_status render(nz_run *r, const char *gnuplot, const char *name)
{
    char gp[256], partial[256], png[256], setvar[300];
    snprintf(gp, sizeof gp, "%s.gp", name);
    snprintf(partial, sizeof partial, ".%s.png.partial", name);
    snprintf(png, sizeof png, "%s.png", name);
    snprintf(setvar, sizeof setvar, "nz_output='%s'", partial);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return nz_error(NZ_ERR_IO, "cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(r->dir) != 0) _exit(126);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
        execl(gnuplot, "gnuplot", "-e", setvar, gp, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return nz_error(NZ_ERR_IO, "waiting for gnuplot: %s", strerror(errno));
    char from[4096], to[4096];
    snprintf(from, sizeof from, "%s/%s", r->dir, partial);
    snprintf(to, sizeof to, "%s/%s", r->dir, png);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        unlink(from);
        return nz_error(NZ_ERR_IO, "gnuplot failed on %s/%s (status %d); run it by hand to see why",
                        r->dir, gp, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    int fd = open(from, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    if (rename(from, to) != 0) {
        unlink(from);
        return nz_error(NZ_ERR_IO, "cannot rename %s to %s: %s", from, to, strerror(errno));
    }
    int dfd = open(r->dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return NZ_OK;
}

nz_status nz_run_plot(nz_run *r, const char *name, const char *script_body)
{
    if (!r || !plain_name(name) || strlen(name) > 200 || !script_body)
        return nz_error(NZ_ERR_INVALID, "nz_run_plot: need a run, a name of letters, digits, '_' or '-' "
                        "(got '%s') and a script", name ? name : "(null)");
    char abs[PATH_MAX];
    if (!realpath(r->dir, abs))
        return nz_error(NZ_ERR_IO, "cannot resolve run directory %s: %s", r->dir, strerror(errno));

    /* cd into the run directory so `gnuplot <dir>/name.gp` works from
     * anywhere; nz_output lets nazo redirect the image to a temporary name. */
    nz_buf b = { 0 };
    nz_status s = nz_buf_printf(&b, "# %s: plot '%s' of a nazo run; render with: gnuplot %s/%s.gp\ncd ",
                                r->desc->name, name, abs, name);
    if (s == NZ_OK) s = put_quoted(&b, abs);
    if (s == NZ_OK)
        s = nz_buf_printf(&b,
                          "\nif (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
                          "    set terminal pngcairo size 900,600\n"
                          "} else {\n"
                          "    set terminal png size 900,600\n"
                          "}\n"
                          "if (!exists('nz_output')) { nz_output = '%s.png' }\n"
                          "set output nz_output\n"
                          "set datafile separator ','\n"
                          "%s\n", name, script_body);
    char gpname[256];
    snprintf(gpname, sizeof gpname, "%s.gp", name);
    if (s == NZ_OK) s = nz_write_file_atomic(r->dir, gpname, b.data, b.len);
    nz_buf_free(&b);
    if (s != NZ_OK) return s;

    char gnuplot[4096];
    if (!find_gnuplot(gnuplot, sizeof gnuplot)) {
        nz_run_log(r, "gnuplot not found: install gnuplot-nox, then run: gnuplot %s/%s.gp", r->dir, name);
        return NZ_OK;
    }
    s = render(r, gnuplot, name);
    if (s != NZ_OK) nz_run_log(r, "plot '%s' failed: %s", name, nz_last_error());
    return s;
}
