/* Choosing and checking a run directory before anything is written. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run_internal.h"

static int dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            empty = 0;
            break;
        }
    closedir(d);
    return empty;
}

nz_status nz_run_check_out_dir(const char *dir)
{
    if (!dir || !*dir)
        return nz_error(NZ_ERR_INVALID, "empty run directory; give a path with --out DIR");
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s", dir) >= sizeof path)
        return nz_error(NZ_ERR_INVALID, "run directory path too long (%zu bytes); use a shorter --out",
                        strlen(dir));
    struct stat st;
    if (stat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return nz_error(NZ_ERR_INVALID, "--out '%s' exists and is not a directory; "
                            "choose a new or empty directory", dir);
        if (!dir_is_empty(path))
            return nz_error(NZ_ERR_INVALID, "--out '%s' is not empty (it may hold another run); "
                            "choose a new or empty directory", dir);
        if (access(path, W_OK | X_OK) != 0)
            return nz_error(NZ_ERR_IO, "--out '%s' is not writable; choose a directory you can write",
                            dir);
        return NZ_OK;
    }
    /* ENOTDIR: some ancestor is a file; the walk below names it. */
    if (errno != ENOENT && errno != ENOTDIR)
        return nz_error(NZ_ERR_IO, "cannot use --out '%s': %s; choose another directory", dir,
                        strerror(errno));
    /* Walk up to the nearest existing ancestor: that is where mkdir starts. */
    for (;;) {
        char *parent = dirname(path); /* may return a static "." or "/" */
        if (parent != path) snprintf(path, sizeof path, "%s", parent);
        if (stat(path, &st) == 0) break;
        if (errno != ENOENT && errno != ENOTDIR)
            return nz_error(NZ_ERR_IO, "cannot use --out '%s': '%s': %s; choose another directory", dir,
                            path, strerror(errno));
        if (strcmp(path, ".") == 0 || strcmp(path, "/") == 0)
            return nz_error(NZ_ERR_IO, "cannot use --out '%s': the current directory is gone", dir);
    }
    if (!S_ISDIR(st.st_mode))
        return nz_error(NZ_ERR_INVALID, "cannot use --out '%s': '%s' is not a directory; "
                        "choose another path", dir, path);
    if (access(path, W_OK | X_OK) != 0)
        return nz_error(NZ_ERR_IO, "cannot use --out '%s': '%s' is not writable; "
                        "choose a directory you can write", dir, path);
    return NZ_OK;
}

nz_status nz_run_default_dir(const char *experiment, char *buf, size_t size)
{
    if (!experiment || !*experiment || strchr(experiment, '/'))
        return nz_error(NZ_ERR_INVALID, "cannot name a run directory after experiment '%s'",
                        experiment ? experiment : "(null)");
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int n = 1; n < 1000; n++) {
        int len = n == 1 ? snprintf(buf, size, "runs/%s-%s", experiment, stamp)
                         : snprintf(buf, size, "runs/%s-%s-%d", experiment, stamp, n);
        if (len < 0 || (size_t)len >= size)
            return nz_error(NZ_ERR_INVALID, "run directory name too long for experiment '%s'", experiment);
        struct stat st;
        if (lstat(buf, &st) != 0 && errno == ENOENT) return NZ_OK;
    }
    return nz_error(NZ_ERR_IO, "runs/%s-%s-N: 999 directories already taken; pass --out DIR",
                    experiment, stamp);
}
