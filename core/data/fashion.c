/* Fashion-MNIST from NAZO_DATA or the Debian package's directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nazo/data.h"

#define NZ_FASHION_DEFAULT_DIR "/usr/share/datasets/fashion-mnist"

static const char *const fashion_files[4] = {
    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

nz_status nz_fashion_mnist_dir(char *buf, size_t len)
{
    if (!buf || len == 0)
        return nz_error(NZ_ERR_INVALID, "nz_fashion_mnist_dir: no buffer");
    const char *env = getenv("NAZO_DATA");
    const char *dir = env && *env ? env : NZ_FASHION_DEFAULT_DIR;
    const char *from = env && *env ? "NAZO_DATA" : "the default directory";
    for (int i = 0; i < 4; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, fashion_files[i]);
        if (access(path, R_OK) != 0)
            return nz_error(NZ_ERR_NOT_FOUND,
                            "Fashion-MNIST not found: %s is missing or unreadable (looked in %s, "
                            "%s): install the Debian package dataset-fashion-mnist or set "
                            "NAZO_DATA to a directory holding train-images-idx3-ubyte.gz, "
                            "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
                            "t10k-labels-idx1-ubyte.gz",
                            path, dir, from);
    }
    if (strlen(dir) + 1 > len)
        return nz_error(NZ_ERR_INVALID, "nz_fashion_mnist_dir: buffer of %zu bytes too small",
                        len);
    memcpy(buf, dir, strlen(dir) + 1);
    return NZ_OK;
}

nz_status nz_fashion_mnist_load(int train, nz_dataset **out)
{
    if (!out)
        return nz_error(NZ_ERR_INVALID, "nz_fashion_mnist_load: out is NULL");
    *out = NULL;
    char dir[4096], ipath[4200], lpath[4200];
    nz_status st = nz_fashion_mnist_dir(dir, sizeof dir);
    if (st != NZ_OK)
        return st;
    snprintf(ipath, sizeof ipath, "%s/%s", dir, fashion_files[train ? 0 : 2]);
    snprintf(lpath, sizeof lpath, "%s/%s", dir, fashion_files[train ? 1 : 3]);
    nz_idx im, lb;
    if ((st = nz_idx_read(ipath, &im)) != NZ_OK)
        return st;
    if ((st = nz_idx_read(lpath, &lb)) != NZ_OK) {
        nz_idx_free(&im);
        return st;
    }
    if (im.type != NZ_IDX_U8 || im.ndim != 3 || im.dims[1] != 28 || im.dims[2] != 28)
        st = nz_error(NZ_ERR_IO, "%s: expected u8 images of 28 x 28 pixels", ipath);
    else
        st = nz_dataset_from_idx(&im, &lb, 10, out);
    if (st != NZ_OK && nz_last_error()[0] && !strstr(nz_last_error(), ipath))
        nz_error_prefix(st, "%s", lpath);
    nz_idx_free(&im);
    nz_idx_free(&lb);
    return st;
}
