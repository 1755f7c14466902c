/* Kernels on the device, forward pass.
 *
 * Fully-connected ReLU network of L hidden layers, weight variance sw = sigma_w^2,
 * bias variance sb = sigma_b^2, inputs of d features.  The arc-cosine recursion
 * (Cho & Saul 2009; Lee et al. 2018; Jacot et al. 2018):
 *
 *   S^0(a,b)  = sw/d * a.b + sb              q^0(a) = sw/d * |a|^2 + sb
 *   for l = 1..L:
 *     r       = sqrt(q^{l-1}(a) q^{l-1}(b))
 *     c       = clamp(S^{l-1} / r, -1+eps, 1-eps),   theta = acos(c)
 *     J       = sin(theta) + (pi - theta) c
 *     S^l     = sw/(2 pi) * r * J + sb                        (NNGP)
 *     Sdot^l  = sw/(2 pi) * (pi - theta)                      (ReLU' covariance)
 *     Theta^l = S^l + Theta^{l-1} * Sdot^l,  Theta^0 = S^0     (NTK)
 *     q^l     = kappa J(acos(1-eps)) q^{l-1} + sb             (S^l of a point with itself)
 *
 * NNGP = S^L, NTK = Theta^L (the readout layer's bias-free form, as in the
 * paper's FC kernels).  RBF: K = exp(-gamma |a-b|^2 / d) with
 * |a-b|^2 = |a|^2 + |b|^2 - 2 a.b, clamped at 0 against rounding.
 *
 * The diagonal q^l uses the same clamped angle as S^l (exactly sw/2 without
 * the clamp, 1e-6 relative off with it), so that S^l(x,x) = q^l(x) and the
 * next layer's cosine of a point with itself is 1 identically, not 1 - O(eps):
 * the function stays flat there and its gradient exact (kip_kernel_bwd.c).
 *
 * The tape keeps the values the backward pass needs (kip_kernel_bwd.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kip.h"

static const char *const kind_names[KIP_KIND_COUNT] = { "ntk", "nngp", "rbf" };

const char *kip_kind_name(kip_kind k)
{
    return (unsigned)k < KIP_KIND_COUNT ? kind_names[k] : "?";
}

int kip_kind_parse(const char *name)
{
    for (int i = 0; i < KIP_KIND_COUNT; i++)
        if (strcmp(name, kind_names[i]) == 0) return i;
    return -1;
}

static nz_tensor *mat(kip_tape *t, int64_t m, int64_t n, int *ok)
{
    nz_tensor *x = nz_tensor_create_2d(t->dev, t->dt, m, n);
    if (!x) *ok = 0;
    return x;
}

static nz_tensor **vec_of(int n, int *ok)
{
    nz_tensor **v = calloc((size_t)(n > 0 ? n : 1), sizeof *v);
    if (!v) *ok = 0;
    return v;
}

kip_tape *kip_tape_create(nz_device *dev, nz_dtype dt, const kip_kernel *k, int64_t m, int64_t n,
                          int backward)
{
    kip_tape *t = calloc(1, sizeof *t);
    if (!t) {
        nz_error(NZ_ERR_NOMEM, "kip: out of memory for a kernel tape");
        return NULL;
    }
    int ok = 1, L = k->kind == KIP_RBF ? 0 : k->depth;
    t->dev = dev;
    t->dt = dt;
    t->m = m;
    t->n = n;
    t->layers = L;
    t->backward = backward;
    t->qa = vec_of(L + 1, &ok);
    t->qb = vec_of(L + 1, &ok);
    t->sprev = vec_of(L, &ok);
    t->tprev = vec_of(L, &ok);
    t->c = vec_of(L, &ok);
    t->pmt = vec_of(L, &ok);
    t->sn = vec_of(L, &ok);
    t->r = vec_of(L, &ok);
    if (ok) {
        for (int l = 0; l <= L; l++) {
            t->qa[l] = mat(t, m, 1, &ok);
            t->qb[l] = mat(t, 1, n, &ok);
        }
        for (int l = 0; l < L; l++) {
            t->sprev[l] = mat(t, m, n, &ok);
            /* Theta^0 = S^0: layer 0 reads sprev[0] instead of a copy. */
            if (l > 0 && k->kind == KIP_NTK) t->tprev[l] = mat(t, m, n, &ok);
            t->c[l] = mat(t, m, n, &ok);
            t->pmt[l] = mat(t, m, n, &ok);
            t->sn[l] = mat(t, m, n, &ok);
            t->r[l] = mat(t, m, n, &ok);
        }
        if (k->kind == KIP_RBF) t->k = mat(t, m, n, &ok);
        t->w1 = mat(t, m, n, &ok);
        t->w2 = mat(t, m, n, &ok);
        t->va = mat(t, m, 1, &ok);
        t->vb = mat(t, 1, n, &ok);
        if (backward) {
            t->w3 = mat(t, m, n, &ok);
            t->gs = mat(t, m, n, &ok);
            t->gt = mat(t, m, n, &ok);
            t->gqa = mat(t, m, 1, &ok);
            t->gqb = mat(t, 1, n, &ok);
            if (t->gqb) {
                const int64_t shape[2] = { n, 1 };
                if (!(t->gqb_col = nz_tensor_reshape(t->gqb, 2, shape))) ok = 0;
            }
        }
    }
    if (!ok) {
        kip_tape_free(t);
        nz_error(NZ_ERR_NOMEM, "kip: out of device memory for a %lld x %lld kernel tape",
                 (long long)m, (long long)n);
        return NULL;
    }
    return t;
}

static void free_all(nz_tensor **v, int n)
{
    if (!v) return;
    for (int i = 0; i < n; i++) nz_tensor_free(v[i]);
    free(v);
}

void kip_tape_free(kip_tape *t)
{
    if (!t) return;
    int L = t->layers;
    free_all(t->qa, L + 1);
    free_all(t->qb, L + 1);
    free_all(t->sprev, L);
    free_all(t->tprev, L);
    free_all(t->c, L);
    free_all(t->pmt, L);
    free_all(t->sn, L);
    free_all(t->r, L);
    nz_tensor *one[] = { t->k, t->w1, t->w2, t->w3, t->gs, t->gt, t->va, t->vb, t->gqa,
                         t->gqb_col, t->gqb };
    for (size_t i = 0; i < sizeof one / sizeof *one; i++) nz_tensor_free(one[i]);
    free(t);
}

double kip_diag_gain(const kip_kernel *k)
{
    const double c = 1 - KIP_COS_EPS, th = acos(c);
    return k->w_var / (2 * M_PI) * (sin(th) + (M_PI - th) * c);
}

#define TRY(x) do { if ((st = (x)) != NZ_OK) return st; } while (0)

/* q = alpha * |row|^2 + sb for every row of x, into q ([rows,1] or [1,rows]). */
static nz_status row_norms(nz_tensor *q, const nz_tensor *x, double alpha, double sb)
{
    nz_status st;
    TRY(nz_reduce(q, NZ_RED_SUMSQ, NZ_AXIS_ROWS, x, alpha, 0));
    if (sb != 0) TRY(nz_unary(q, NZ_UN_AFFINE, q, 1, sb, 1, 0));
    return NZ_OK;
}

static nz_status arccos_forward(const kip_kernel *k, kip_tape *t, const nz_tensor *a,
                                const nz_tensor *b, nz_tensor *out)
{
    nz_status st;
    const double d = (double)nz_tensor_cols_count(a), sw = k->w_var, sb = k->b_var;
    const double kappa = sw / (2 * M_PI), gain = kip_diag_gain(k);
    const int L = t->layers, ntk = k->kind == KIP_NTK;
    TRY(nz_matmul(t->sprev[0], a, 0, b, 1, sw / d, 0));
    if (sb != 0) TRY(nz_unary(t->sprev[0], NZ_UN_AFFINE, t->sprev[0], 1, sb, 1, 0));
    TRY(row_norms(t->qa[0], a, sw / d, sb));
    TRY(row_norms(t->qb[0], b, sw / d, sb));
    for (int l = 1; l <= L; l++) {
        const int i = l - 1;
        nz_tensor *sp = t->sprev[i], *tp = i == 0 ? t->sprev[0] : t->tprev[i];
        nz_tensor *c = t->c[i], *pmt = t->pmt[i], *sn = t->sn[i], *r = t->r[i];
        TRY(nz_unary(t->va, NZ_UN_SQRT, t->qa[i], 0, 0, 1, 0));
        TRY(nz_unary(t->vb, NZ_UN_SQRT, t->qb[i], 0, 0, 1, 0));
        TRY(nz_binary(r, NZ_BIN_MUL, t->va, t->vb, 1, 0)); /* column x row */
        TRY(nz_binary(c, NZ_BIN_DIV, sp, r, 1, 0));
        TRY(nz_unary(c, NZ_UN_CLAMP, c, -1 + KIP_COS_EPS, 1 - KIP_COS_EPS, 1, 0));
        TRY(nz_unary(pmt, NZ_UN_ACOS, c, 0, 0, 1, 0));
        TRY(nz_unary(pmt, NZ_UN_AFFINE, pmt, -1, M_PI, 1, 0)); /* pi - theta */
        TRY(nz_unary(sn, NZ_UN_SIN, pmt, 0, 0, 1, 0));          /* sin(pi-theta) = sin theta */
        /* J = sin + (pi-theta) c, then S^l = kappa r J + sb. */
        TRY(nz_binary(t->w1, NZ_BIN_MUL, pmt, c, 1, 0));
        TRY(nz_binary(t->w1, NZ_BIN_ADD, t->w1, sn, 1, 0));
        nz_tensor *s_next = l < L ? t->sprev[l] : (ntk ? t->w2 : out);
        TRY(nz_binary(s_next, NZ_BIN_MUL, r, t->w1, kappa, 0));
        if (sb != 0) TRY(nz_unary(s_next, NZ_UN_AFFINE, s_next, 1, sb, 1, 0));
        if (ntk) {
            /* Theta^l = S^l + kappa (pi - theta) Theta^{l-1} */
            nz_tensor *t_next = l < L ? t->tprev[l] : out;
            TRY(nz_binary(t->w1, NZ_BIN_MUL, tp, pmt, kappa, 0));
            TRY(nz_binary(t_next, NZ_BIN_ADD, s_next, t->w1, 1, 0));
        }
        TRY(nz_unary(t->qa[l], NZ_UN_AFFINE, t->qa[i], gain, sb, 1, 0));
        TRY(nz_unary(t->qb[l], NZ_UN_AFFINE, t->qb[i], gain, sb, 1, 0));
    }
    return NZ_OK;
}

static nz_status rbf_forward(const kip_kernel *k, kip_tape *t, const nz_tensor *a,
                             const nz_tensor *b, nz_tensor *out)
{
    nz_status st;
    const double d = (double)nz_tensor_cols_count(a), g = k->gamma;
    /* E = -gamma/d (|a|^2 + |b|^2 - 2 a.b) <= 0, then K = exp(E). */
    TRY(nz_matmul(out, a, 0, b, 1, 2 * g / d, 0));
    TRY(row_norms(t->va, a, -g / d, 0));
    TRY(row_norms(t->vb, b, -g / d, 0));
    TRY(nz_binary(out, NZ_BIN_ADD, out, t->va, 1, 0));
    TRY(nz_binary(out, NZ_BIN_ADD, out, t->vb, 1, 0));
    TRY(nz_unary(out, NZ_UN_CLAMP, out, -1e30, 0, 1, 0));
    TRY(nz_unary(out, NZ_UN_EXP, out, 0, 0, 1, 0));
    return nz_tensor_copy(t->k, out);
}

nz_status kip_kernel_forward(const kip_kernel *k, kip_tape *t, const nz_tensor *a,
                             const nz_tensor *b, nz_tensor *out)
{
    if (nz_tensor_rows_count(a) != t->m || nz_tensor_rows_count(b) != t->n ||
        nz_tensor_cols_count(a) != nz_tensor_cols_count(b))
        return nz_error(NZ_ERR_INVALID, "kip kernel: inputs of %lld and %lld rows (%lld, %lld "
                        "features) for a tape of %lld x %lld",
                        (long long)nz_tensor_rows_count(a), (long long)nz_tensor_rows_count(b),
                        (long long)nz_tensor_cols_count(a), (long long)nz_tensor_cols_count(b),
                        (long long)t->m, (long long)t->n);
    return k->kind == KIP_RBF ? rbf_forward(k, t, a, b, out) : arccos_forward(k, t, a, b, out);
}

nz_status kip_kernel_eval(const kip_kernel *k, const nz_tensor *a, const nz_tensor *b,
                          nz_tensor *out)
{
    nz_device *dev = nz_tensor_device(a);
    nz_dtype dt = nz_tensor_dtype(a);
    const int64_t m = nz_tensor_rows_count(a), n = nz_tensor_rows_count(b);
    /* The tape holds about 6 m x n buffers a layer: keep a chunk near 32 MB each. */
    int64_t chunk = (int64_t)(8u << 20) / (n > 0 ? n : 1);
    if (chunk < 1) chunk = 1;
    if (chunk > m) chunk = m;
    kip_tape *full = NULL, *part = NULL;
    nz_status st = NZ_OK;
    for (int64_t r0 = 0; r0 < m && st == NZ_OK; r0 += chunk) {
        int64_t rows = m - r0 < chunk ? m - r0 : chunk;
        kip_tape **tp = rows == chunk ? &full : &part;
        if (!*tp && !(*tp = kip_tape_create(dev, dt, k, rows, n, 0))) {
            st = NZ_ERR_NOMEM;
            break;
        }
        nz_tensor *av = nz_tensor_rows((nz_tensor *)a, r0, rows);
        nz_tensor *ov = nz_tensor_rows(out, r0, rows);
        st = av && ov ? kip_kernel_forward(k, *tp, av, b, ov)
                      : nz_error(NZ_ERR_NOMEM, "kip: out of memory for a view");
        nz_tensor_free(av);
        nz_tensor_free(ov);
    }
    kip_tape_free(full);
    kip_tape_free(part);
    return st;
}
