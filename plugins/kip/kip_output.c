/* Outputs of a KIP run that are not metrics: PNG grids of the support set and
 * the distilled set as IDX files.  Only the support set (at most a few
 * hundred images) comes to the host; the unit conversion runs on the device. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "kip.h"

/* xs back in pixel units 0..255 (undoing the standardisation), on the host. */
static nz_status pixels(const kip_data *d, const nz_tensor *xs, double scale, float **out)
{
    nz_device *dev = nz_tensor_device(xs);
    int64_t n = nz_tensor_numel(xs);
    nz_tensor *tmp = nz_tensor_create_2d(dev, NZ_F32, nz_tensor_rows_count(xs), KIP_D);
    float *host = malloc((size_t)n * sizeof *host);
    nz_status st = tmp && host ? NZ_OK : nz_error(NZ_ERR_NOMEM, "kip: out of memory for images");
    if (st == NZ_OK) st = nz_unary(tmp, NZ_UN_AFFINE, xs, d->std * scale, d->mean * scale, 1, 0);
    if (st == NZ_OK) st = nz_tensor_download(tmp, host, (size_t)n * sizeof *host);
    nz_tensor_free(tmp);
    if (st != NZ_OK) {
        free(host);
        return st;
    }
    *out = host;
    return NZ_OK;
}

nz_status kip_output_grid(nz_run *r, const kip_data *d, const nz_tensor *xs, int64_t ipc,
                          const char *name)
{
    float *px = NULL;
    nz_status st = pixels(d, xs, 1, &px);
    if (st != NZ_OK) return st;
    /* class-major order, ipc per class: one row of the grid per class */
    st = nz_run_image_grid(r, name, px, (int)nz_tensor_rows_count(xs), (int)ipc, KIP_H, KIP_W, 0, 1);
    free(px);
    return st;
}

static nz_status write_idx(nz_run *r, const char *name, nz_idx_type type, int ndim,
                           const uint32_t *dims, const void *data)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", nz_run_dir(r), name) >= (int)sizeof path)
        return nz_error(NZ_ERR_IO, "kip: run directory path too long for %s", name);
    return nz_idx_write(path, type, ndim, dims, data, 0);
}

nz_status kip_output_idx(nz_run *r, const kip_data *d, const nz_tensor *xs, const nz_tensor *ys,
                         int64_t ipc)
{
    const int64_t s = nz_tensor_rows_count(xs);
    float *px = NULL, *targets = malloc((size_t)s * KIP_CLASSES * sizeof(float));
    int32_t *cls = malloc((size_t)s * sizeof *cls);
    uint8_t *cls8 = malloc((size_t)s);
    nz_tensor *arg = nz_tensor_create_1d(nz_tensor_device(ys), NZ_I32, s);
    nz_status st = targets && cls && cls8 && arg ? NZ_OK : nz_error(NZ_ERR_NOMEM, "kip: out of memory");
    /* the class of an image: the largest entry of its (learned) label vector */
    if (st == NZ_OK) st = nz_reduce(arg, NZ_RED_ARGMAX, NZ_AXIS_ROWS, ys, 1, 0);
    if (st == NZ_OK) st = nz_tensor_download(arg, cls, (size_t)s * sizeof *cls);
    if (st == NZ_OK) st = nz_tensor_download(ys, targets, (size_t)s * KIP_CLASSES * sizeof(float));
    if (st == NZ_OK) st = pixels(d, xs, 255, &px);
    char name[96];
    if (st == NZ_OK) {
        const uint32_t dims[3] = { (uint32_t)s, KIP_H, KIP_W };
        snprintf(name, sizeof name, "kip-ipc%lld-images.idx", (long long)ipc);
        st = write_idx(r, name, NZ_IDX_F32, 3, dims, px);
    }
    if (st == NZ_OK) {
        for (int64_t i = 0; i < s; i++) cls8[i] = (uint8_t)cls[i];
        const uint32_t dims[1] = { (uint32_t)s };
        snprintf(name, sizeof name, "kip-ipc%lld-labels.idx", (long long)ipc);
        st = write_idx(r, name, NZ_IDX_U8, 1, dims, cls8);
    }
    if (st == NZ_OK) {
        const uint32_t dims[2] = { (uint32_t)s, KIP_CLASSES };
        snprintf(name, sizeof name, "kip-ipc%lld-targets.idx", (long long)ipc);
        st = write_idx(r, name, NZ_IDX_F32, 2, dims, targets);
    }
    free(px);
    free(targets);
    free(cls);
    free(cls8);
    nz_tensor_free(arg);
    return st;
}
