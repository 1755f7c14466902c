/* Scratch plugin directories for the loader tests. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nz_fx_dir.h"

#ifndef NZ_FX_BUILD_DIR
#error "NZ_FX_BUILD_DIR must name the directory holding the built fixtures"
#endif

char *nz_fx_mkdtemp(void)
{
    const char *tmp = getenv("TMPDIR");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/nazo-loader-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(buf)) {
        fprintf(stderr, "mkdtemp %s: %s\n", buf, strerror(errno));
        return NULL;
    }
    return strdup(buf);
}

const char *nz_fx_join(char *buf, size_t len, const char *dir, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
    return buf;
}

int nz_fx_copy_file(const char *src, const char *dir, const char *as)
{
    char dst[4096];
    nz_fx_join(dst, sizeof dst, dir, as);
    int in = open(src, O_RDONLY);
    if (in < 0) {
        fprintf(stderr, "open %s: %s\n", src, strerror(errno));
        return -1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (out < 0) {
        fprintf(stderr, "create %s: %s\n", dst, strerror(errno));
        close(in);
        return -1;
    }
    char chunk[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, chunk, sizeof chunk)) > 0) {
        if (write(out, chunk, (size_t)n) != n) {
            fprintf(stderr, "write %s: %s\n", dst, strerror(errno));
            rc = -1;
            break;
        }
    }
    if (n < 0) rc = -1;
    close(in);
    if (close(out) != 0) rc = -1;
    return rc;
}

int nz_fx_install(const char *dir, const char *fixture, const char *as)
{
    char src[4096];
    nz_fx_join(src, sizeof src, NZ_FX_BUILD_DIR, fixture);
    return nz_fx_copy_file(src, dir, as);
}

int nz_fx_symlink(const char *dir, const char *target, const char *as)
{
    char link[4096];
    nz_fx_join(link, sizeof link, dir, as);
    if (symlink(target, link) != 0) {
        fprintf(stderr, "symlink %s: %s\n", link, strerror(errno));
        return -1;
    }
    return 0;
}

static int nz_fx_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void nz_fx_rmtree(const char *dir)
{
    if (dir) nftw(dir, nz_fx_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
