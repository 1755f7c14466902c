/* Weight initialisers.  The random ones fill on the device with nz_random
 * (Philox keyed by seed and stream: identical bits on every backend); the
 * orthogonal one needs a QR factorisation, done on the host in double from
 * host Philox normals and then uploaded, which is equally device-independent. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/host_rng.h"
#include "nazo/nn.h"

static const char *const init_names[NZ_INIT_COUNT] = {
    "uniform", "glorot_uniform", "glorot_normal", "he_uniform",
    "he_normal", "orthogonal", "normal", "zeros"};

const char *nz_init_name(nz_init i)
{
    return (unsigned)i < NZ_INIT_COUNT ? init_names[i] : "?";
}

nz_status nz_init_parse(const char *name, nz_init *out)
{
    for (int i = 0; name && i < NZ_INIT_COUNT; i++)
        if (strcmp(name, init_names[i]) == 0) {
            *out = (nz_init)i;
            return NZ_OK;
        }
    return nz_error(NZ_ERR_INVALID,
                    "unknown initialiser '%s': choose uniform, glorot_uniform, glorot_normal, "
                    "he_uniform, he_normal, orthogonal, normal or zeros",
                    name ? name : "(null)");
}

/* Orthonormal columns of a rows x cols matrix (rows >= cols), row-major, by
 * Gram-Schmidt run twice ("twice is enough" for orthogonality to rounding).
 * The diagonal of R comes out positive, the same sign convention as a
 * Householder QR followed by the usual sign fix, so Q is uniformly
 * distributed (Haar) for Gaussian input. */
static nz_status orthonormal_columns(double *a, int64_t rows, int64_t cols)
{
    for (int64_t j = 0; j < cols; j++) {
        for (int pass = 0; pass < 2; pass++)
            for (int64_t k = 0; k < j; k++) {
                double dot = 0;
                for (int64_t i = 0; i < rows; i++)
                    dot += a[i * cols + k] * a[i * cols + j];
                for (int64_t i = 0; i < rows; i++)
                    a[i * cols + j] -= dot * a[i * cols + k];
            }
        double nrm = 0;
        for (int64_t i = 0; i < rows; i++)
            nrm += a[i * cols + j] * a[i * cols + j];
        nrm = sqrt(nrm);
        if (!(nrm > 1e-12))
            return nz_error(NZ_ERR_NUMERIC, "orthogonal init: column %lld is degenerate",
                            (long long)j);
        for (int64_t i = 0; i < rows; i++)
            a[i * cols + j] /= nrm;
    }
    return NZ_OK;
}

static nz_status init_orthogonal(nz_tensor *w, double gain, uint64_t seed, uint64_t stream)
{
    int64_t r = nz_tensor_rows_count(w), c = nz_tensor_cols_count(w);
    /* Factor the tall orientation; a wide W is the transpose of a tall Q. */
    int64_t tall = r >= c ? r : c, thin = r >= c ? c : r;
    size_t cnt = (size_t)(tall * thin);
    double *q = malloc(cnt * sizeof(double));
    double *out = malloc(cnt * sizeof(double));
    if (!q || !out) {
        free(q);
        free(out);
        return nz_error(NZ_ERR_NOMEM, "orthogonal init: out of memory for %lld x %lld",
                        (long long)r, (long long)c);
    }
    for (size_t i = 0; i < cnt; i++)
        q[i] = nz_host_normal(seed, stream, i);
    nz_status st = orthonormal_columns(q, tall, thin);
    if (st == NZ_OK) {
        for (int64_t i = 0; i < r; i++)
            for (int64_t j = 0; j < c; j++)
                out[i * c + j] = gain * (r >= c ? q[i * thin + j] : q[j * thin + i]);
        if (nz_tensor_dtype(w) == NZ_F32) {
            float *f = (float *)q; /* reuse: floats fit in the doubles' space */
            for (size_t i = 0; i < cnt; i++)
                f[i] = (float)out[i];
            st = nz_tensor_upload(w, f, cnt * sizeof(float));
        } else {
            st = nz_tensor_upload(w, out, cnt * sizeof(double));
        }
    }
    free(q);
    free(out);
    return st;
}

nz_status nz_init_tensor(nz_tensor *w, nz_init init, int64_t fan_in, int64_t fan_out,
                         double sigma, uint64_t seed, uint64_t stream)
{
    if (!w)
        return nz_error(NZ_ERR_INVALID, "nz_init_tensor: tensor is NULL");
    if (fan_in < 1 || fan_out < 1)
        return nz_error(NZ_ERR_INVALID, "nz_init_tensor: fan_in %lld and fan_out %lld must be "
                        ">= 1", (long long)fan_in, (long long)fan_out);
    if (!(sigma >= 0) || isinf(sigma))
        return nz_error(NZ_ERR_INVALID, "nz_init_tensor: sigma %g must be finite and >= 0",
                        sigma);
    double fi = (double)fan_in, fo = (double)fan_out, a;
    switch (init) {
    case NZ_INIT_UNIFORM:
        a = 1.0 / sqrt(fi);
        return nz_random(w, NZ_RNG_UNIFORM, -a, a, seed, stream, 0);
    case NZ_INIT_GLOROT_UNIFORM:
        a = sqrt(6.0 / (fi + fo));
        return nz_random(w, NZ_RNG_UNIFORM, -a, a, seed, stream, 0);
    case NZ_INIT_GLOROT_NORMAL:
        return nz_random(w, NZ_RNG_NORMAL, 0.0, sqrt(2.0 / (fi + fo)), seed, stream, 0);
    case NZ_INIT_HE_UNIFORM:
        a = sqrt(6.0 / fi);
        return nz_random(w, NZ_RNG_UNIFORM, -a, a, seed, stream, 0);
    case NZ_INIT_HE_NORMAL:
        return nz_random(w, NZ_RNG_NORMAL, 0.0, sqrt(2.0 / fi), seed, stream, 0);
    case NZ_INIT_ORTHOGONAL:
        return init_orthogonal(w, sigma > 0 ? sigma : 1.0, seed, stream);
    case NZ_INIT_NORMAL:
        return nz_random(w, NZ_RNG_NORMAL, 0.0, sigma, seed, stream, 0);
    case NZ_INIT_ZEROS:
        return nz_tensor_fill(w, 0.0);
    default:
        return nz_error(NZ_ERR_INVALID, "nz_init_tensor: unknown initialiser %d", (int)init);
    }
}
