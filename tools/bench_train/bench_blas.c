/* The reference: a plain C training loop for the same MLP, GEMMs through
 * OpenBLAS cblas_sgemm and everything else in simple host loops -- what a
 * hand-written trainer on a good BLAS does. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench_train.h"

typedef struct layer {
    int in, out;
    float *w, *b, *gw, *gb;
    float *h, *dh; /* output activations and their gradient, batch x out */
} layer;

static float urand(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((*s >> 40) * (1.0 / 16777216.0));
}

double bt_blas_loop(const nz_dataset *ds, const int64_t *sizes, int nsizes, int64_t batch, int64_t steps,
                    double lr, double *first_loss, double *last_loss)
{
    int nl = nsizes - 1;
    layer *L = calloc((size_t)nl, sizeof *L);
    uint64_t seed = 12345;
    for (int i = 0; i < nl; i++) {
        L[i].in = (int)sizes[i];
        L[i].out = (int)sizes[i + 1];
        size_t nw = (size_t)L[i].in * (size_t)L[i].out;
        L[i].w = malloc(nw * sizeof(float));
        L[i].gw = malloc(nw * sizeof(float));
        L[i].b = calloc((size_t)L[i].out, sizeof(float));
        L[i].gb = malloc((size_t)L[i].out * sizeof(float));
        L[i].h = malloc((size_t)batch * (size_t)L[i].out * sizeof(float));
        L[i].dh = malloc((size_t)batch * (size_t)L[i].out * sizeof(float));
        float a = sqrtf(6.0f / (float)L[i].in); /* He uniform */
        for (size_t k = 0; k < nw; k++) L[i].w[k] = (2 * urand(&seed) - 1) * a;
    }
    float *x = malloc((size_t)batch * (size_t)ds->d * sizeof(float));
    int32_t *y = malloc((size_t)batch * sizeof(int32_t));
    int32_t *perm = malloc((size_t)ds->n * sizeof(int32_t));
    nz_permutation(ds->n, 1, 0, perm);
    int64_t pos = 0;
    double t0 = 0;
    for (int64_t s = -BT_WARMUP; s < steps; s++) {
        if (s == 0) t0 = bt_now();
        if (pos + batch > ds->n) pos = 0;
        int m = (int)batch;
        for (int r = 0; r < m; r++) {
            memcpy(x + (size_t)r * ds->d, ds->x + (size_t)perm[pos + r] * ds->d, (size_t)ds->d * sizeof(float));
            y[r] = ds->y[perm[pos + r]];
        }
        pos += m;
        /* forward */
        const float *in = x;
        for (int i = 0; i < nl; i++) {
            float *h = L[i].h;
            for (int r = 0; r < m; r++) memcpy(h + (size_t)r * L[i].out, L[i].b, (size_t)L[i].out * sizeof(float));
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, L[i].out, L[i].in, 1.0f, in, L[i].in,
                        L[i].w, L[i].out, 1.0f, h, L[i].out);
            if (i < nl - 1)
                for (size_t k = 0; k < (size_t)m * L[i].out; k++) h[k] = h[k] > 0 ? h[k] : 0;
            in = h;
        }
        /* softmax cross-entropy, mean over the batch */
        layer *o = &L[nl - 1];
        double loss = 0;
        for (int r = 0; r < m; r++) {
            float *z = o->h + (size_t)r * o->out, *dz = o->dh + (size_t)r * o->out, mx = z[0];
            for (int c = 1; c < o->out; c++) mx = z[c] > mx ? z[c] : mx;
            double sum = 0;
            for (int c = 0; c < o->out; c++) sum += exp((double)(z[c] - mx));
            loss += log(sum) - (double)(z[y[r]] - mx);
            for (int c = 0; c < o->out; c++)
                dz[c] = (float)((exp((double)(z[c] - mx)) / sum - (c == y[r])) / m);
        }
        loss /= m;
        if (s == 0) *first_loss = loss;
        *last_loss = loss;
        /* backward */
        for (int i = nl - 1; i >= 0; i--) {
            const float *a = i ? L[i - 1].h : x;
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, L[i].in, L[i].out, m, 1.0f, a, L[i].in,
                        L[i].dh, L[i].out, 0.0f, L[i].gw, L[i].out);
            memset(L[i].gb, 0, (size_t)L[i].out * sizeof(float));
            for (int r = 0; r < m; r++)
                for (int c = 0; c < L[i].out; c++) L[i].gb[c] += L[i].dh[(size_t)r * L[i].out + c];
            if (i) {
                float *dp = L[i - 1].dh;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, L[i].in, L[i].out, 1.0f, L[i].dh,
                            L[i].out, L[i].w, L[i].out, 0.0f, dp, L[i].in);
                for (size_t k = 0; k < (size_t)m * L[i].in; k++)
                    if (L[i - 1].h[k] <= 0) dp[k] = 0;
            }
        }
        /* SGD */
        for (int i = 0; i < nl; i++) {
            cblas_saxpy(L[i].in * L[i].out, (float)-lr, L[i].gw, 1, L[i].w, 1);
            cblas_saxpy(L[i].out, (float)-lr, L[i].gb, 1, L[i].b, 1);
        }
    }
    double secs = bt_now() - t0;
    for (int i = 0; i < nl; i++) {
        free(L[i].w);
        free(L[i].gw);
        free(L[i].b);
        free(L[i].gb);
        free(L[i].h);
        free(L[i].dh);
    }
    free(L);
    free(x);
    free(y);
    free(perm);
    return secs;
}
