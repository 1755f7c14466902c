/* Host datasets: creation, conversion from IDX, copies and subsets. */
#include <stdlib.h>
#include <string.h>

#include "data/host_rng.h"
#include "nazo/data.h"

nz_dataset *nz_dataset_create(int64_t n, int64_t d, int classes)
{
    if (n < 1 || d < 1 || classes < 1) {
        nz_error(NZ_ERR_INVALID,
                 "nz_dataset_create: n=%lld, d=%lld, classes=%d: all must be at least 1",
                 (long long)n, (long long)d, classes);
        return NULL;
    }
    if ((uint64_t)n > SIZE_MAX / sizeof(float) / (uint64_t)d) {
        nz_error(NZ_ERR_INVALID, "nz_dataset_create: %lld x %lld features overflow",
                 (long long)n, (long long)d);
        return NULL;
    }
    nz_dataset *ds = calloc(1, sizeof *ds);
    if (ds) {
        ds->x = calloc((size_t)n * (size_t)d, sizeof(float));
        ds->y = calloc((size_t)n, sizeof(int32_t));
    }
    if (!ds || !ds->x || !ds->y) {
        nz_dataset_free(ds);
        nz_error(NZ_ERR_NOMEM, "nz_dataset_create: out of memory for %lld x %lld features",
                 (long long)n, (long long)d);
        return NULL;
    }
    ds->n = n;
    ds->d = d;
    ds->classes = classes;
    return ds;
}

void nz_dataset_free(nz_dataset *ds)
{
    if (!ds)
        return;
    free(ds->x);
    free(ds->y);
    free(ds);
}

nz_dataset *nz_dataset_clone(const nz_dataset *ds)
{
    if (!ds) {
        nz_error(NZ_ERR_INVALID, "nz_dataset_clone: dataset is NULL");
        return NULL;
    }
    nz_dataset *c = nz_dataset_create(ds->n, ds->d, ds->classes);
    if (c) {
        memcpy(c->x, ds->x, sizeof(float) * (size_t)(ds->n * ds->d));
        memcpy(c->y, ds->y, sizeof(int32_t) * (size_t)ds->n);
    }
    return c;
}

nz_status nz_dataset_from_idx(const nz_idx *images, const nz_idx *labels, int classes,
                              nz_dataset **out)
{
    if (!out)
        return nz_error(NZ_ERR_INVALID, "nz_dataset_from_idx: out is NULL");
    *out = NULL;
    if (!images || !labels || !images->data || !labels->data)
        return nz_error(NZ_ERR_INVALID, "nz_dataset_from_idx: images or labels missing");
    if (images->type != NZ_IDX_U8 && images->type != NZ_IDX_F32)
        return nz_error(NZ_ERR_INVALID,
                        "nz_dataset_from_idx: images have IDX type 0x%02x: expected u8 or f32",
                        (unsigned)images->type);
    if (labels->type != NZ_IDX_U8 && labels->type != NZ_IDX_I32)
        return nz_error(NZ_ERR_INVALID,
                        "nz_dataset_from_idx: labels have IDX type 0x%02x: expected u8 or i32",
                        (unsigned)labels->type);
    if (labels->ndim != 1)
        return nz_error(NZ_ERR_INVALID,
                        "nz_dataset_from_idx: labels have %d dimensions: expected 1",
                        labels->ndim);
    int64_t n = images->dims[0];
    if (labels->dims[0] != (uint32_t)n)
        return nz_error(NZ_ERR_INVALID,
                        "nz_dataset_from_idx: %lld images but %u labels: the files do not match",
                        (long long)n, labels->dims[0]);
    int64_t d = (int64_t)(images->count / (size_t)n);
    int maxlab = -1;
    for (int64_t i = 0; i < n; i++) {
        int v = labels->type == NZ_IDX_U8 ? ((const uint8_t *)labels->data)[i]
                                          : ((const int32_t *)labels->data)[i];
        if (v < 0 || (classes > 0 && v >= classes))
            return nz_error(NZ_ERR_INVALID,
                            "nz_dataset_from_idx: label %d of example %lld is outside [0, %d)",
                            v, (long long)i, classes);
        if (v > maxlab)
            maxlab = v;
    }
    nz_dataset *ds = nz_dataset_create(n, d, classes > 0 ? classes : maxlab + 1);
    if (!ds)
        return NZ_ERR_NOMEM;
    size_t cnt = images->count;
    if (images->type == NZ_IDX_U8) {
        const uint8_t *p = images->data;
        for (size_t i = 0; i < cnt; i++)
            ds->x[i] = (float)p[i];
    } else {
        memcpy(ds->x, images->data, cnt * sizeof(float));
    }
    for (int64_t i = 0; i < n; i++)
        ds->y[i] = labels->type == NZ_IDX_U8 ? ((const uint8_t *)labels->data)[i]
                                             : ((const int32_t *)labels->data)[i];
    *out = ds;
    return NZ_OK;
}

static nz_status take_rows(const nz_dataset *src, const int64_t *rows, int64_t m,
                           nz_dataset **out)
{
    nz_dataset *ds = nz_dataset_create(m, src->d, src->classes);
    if (!ds)
        return NZ_ERR_NOMEM;
    for (int64_t i = 0; i < m; i++) {
        memcpy(ds->x + i * src->d, src->x + rows[i] * src->d, sizeof(float) * (size_t)src->d);
        ds->y[i] = src->y[rows[i]];
    }
    *out = ds;
    return NZ_OK;
}

nz_status nz_dataset_head(const nz_dataset *src, int64_t n, nz_dataset **out)
{
    if (!out || !src)
        return nz_error(NZ_ERR_INVALID, "nz_dataset_head: NULL argument");
    *out = NULL;
    if (n < 1 || n > src->n)
        return nz_error(NZ_ERR_INVALID, "nz_dataset_head: n=%lld: expected 1 to %lld",
                        (long long)n, (long long)src->n);
    int64_t *rows = malloc(sizeof(int64_t) * (size_t)n);
    if (!rows)
        return nz_error(NZ_ERR_NOMEM, "nz_dataset_head: out of memory");
    for (int64_t i = 0; i < n; i++)
        rows[i] = i;
    nz_status st = take_rows(src, rows, n, out);
    free(rows);
    return st;
}

nz_status nz_dataset_subset_balanced(const nz_dataset *src, int64_t per_class, uint64_t seed,
                                     nz_dataset **out)
{
    if (!out || !src)
        return nz_error(NZ_ERR_INVALID, "nz_dataset_subset_balanced: NULL argument");
    *out = NULL;
    if (per_class < 1)
        return nz_error(NZ_ERR_INVALID,
                        "nz_dataset_subset_balanced: per_class=%lld: expected at least 1",
                        (long long)per_class);
    int k = src->classes;
    int64_t *count = calloc((size_t)k, sizeof(int64_t));
    if (!count)
        return nz_error(NZ_ERR_NOMEM, "nz_dataset_subset_balanced: out of memory");
    for (int64_t i = 0; i < src->n; i++)
        count[src->y[i]]++;
    for (int c = 0; c < k; c++) {
        if (count[c] < per_class) {
            nz_status st = nz_error(NZ_ERR_INVALID,
                                    "nz_dataset_subset_balanced: class %d has %lld examples, "
                                    "fewer than the %lld per class asked for",
                                    c, (long long)count[c], (long long)per_class);
            free(count);
            return st;
        }
    }
    /* Selection sampling (Knuth's algorithm S) per class in one pass: keeps
     * the source order, and example i's draw depends only on (seed, i). */
    int64_t *seen = calloc((size_t)k, sizeof(int64_t));
    int64_t *taken = calloc((size_t)k, sizeof(int64_t));
    int64_t m = per_class * k;
    int64_t *rows = malloc(sizeof(int64_t) * (size_t)m);
    nz_status st = NZ_OK;
    if (!seen || !taken || !rows) {
        st = nz_error(NZ_ERR_NOMEM, "nz_dataset_subset_balanced: out of memory");
    } else {
        int64_t r = 0;
        for (int64_t i = 0; i < src->n; i++) {
            int c = src->y[i];
            philox4x32_ctr_t w = nz_host_philox(seed, NZ_STREAM_SUBSET, (uint64_t)i);
            double u = nz_host_u01(w.v[0], w.v[1]);
            if ((double)(count[c] - seen[c]) * u < (double)(per_class - taken[c])) {
                rows[r++] = i;
                taken[c]++;
            }
            seen[c]++;
        }
        st = take_rows(src, rows, r, out);
    }
    free(count);
    free(seen);
    free(taken);
    free(rows);
    return st;
}

nz_status nz_dataset_label_noise(nz_dataset *ds, double p, uint64_t seed, int64_t *changed)
{
    if (!ds)
        return nz_error(NZ_ERR_INVALID, "nz_dataset_label_noise: dataset is NULL");
    if (!(p >= 0.0 && p <= 1.0))
        return nz_error(NZ_ERR_INVALID, "nz_dataset_label_noise: p=%g: expected 0 <= p <= 1", p);
    if (ds->classes < 2 && p > 0.0)
        return nz_error(NZ_ERR_INVALID,
                        "nz_dataset_label_noise: one class only: no other label to switch to");
    int64_t n_changed = 0;
    for (int64_t i = 0; i < ds->n; i++) {
        philox4x32_ctr_t w = nz_host_philox(seed, NZ_STREAM_NOISE, (uint64_t)i);
        if (nz_host_u01(w.v[0], w.v[1]) < p) {
            /* One of the classes-1 other labels, uniformly. */
            int32_t other = (int32_t)nz_host_below(w.v[2], (uint32_t)ds->classes - 1);
            ds->y[i] = other >= ds->y[i] ? other + 1 : other;
            n_changed++;
        }
    }
    if (changed)
        *changed = n_changed;
    return NZ_OK;
}

nz_status nz_permutation(int64_t n, uint64_t seed, uint64_t epoch, int32_t *perm)
{
    if (n < 1 || n > INT32_MAX || !perm)
        return nz_error(NZ_ERR_INVALID, "nz_permutation: n=%lld: expected 1 to %d and a buffer",
                        (long long)n, INT32_MAX);
    for (int64_t i = 0; i < n; i++)
        perm[i] = (int32_t)i;
    for (int64_t i = n - 1; i > 0; i--) {
        philox4x32_ctr_t w = nz_host_philox(seed, epoch, (uint64_t)i);
        int64_t j = nz_host_below(w.v[0], (uint32_t)(i + 1));
        int32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    return NZ_OK;
}
