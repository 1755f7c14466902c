/* Kernels on the device, backward pass: dL/dA and dL/dB from G = dL/dK.
 *
 * Arc-cosine kernels (notation of kip_kernel.c, kappa = sw/(2 pi)), from the
 * top layer down, with gS = dL/dS^l, gT = dL/dTheta^l, gq = dL/dq^l:
 *
 *   NTK:   gS += gT  (Theta^l = S^l + ...),  gSdot = gT * Theta^{l-1},
 *          gT <- gT * Sdot^l = kappa (pi - theta) gT
 *   dS^l/dc    = kappa r dJ/dtheta dtheta/dc = kappa r (pi - theta)
 *                (dJ/dtheta = -(pi - theta) sin theta, dtheta/dc = -1/sin theta)
 *   dSdot^l/dc = kappa / sin theta   (infinite at c = +-1: see below)
 *   gc   = kappa [gS r (pi - theta) + gSdot / sin theta]
 *   gr   = kappa gS J - gc S^{l-1} / r^2  (c = S^{l-1} / r before the clamp)
 *   gS^{l-1} = gc / r
 *   r = sqrt(qa qb):  gqa^{l-1} = gain gqa^l + sum_j gr r / (2 qa),
 *                     gqb^{l-1} = gain gqb^l + sum_i gr r / (2 qb)
 *                     (q^l = gain q^{l-1} + sb, gain = kappa J(acos(1-eps)) ~ sw/2)
 *   layer 0 (Theta^0 = S^0, so gS0 = gS + gT):
 *     dL/dA = sw/d (gS0 B + 2 gqa0 * A),  dL/dB = sw/d (gS0^T A + 2 gqb0 * B)
 *
 * The guard: c is clamped to [-1+eps, 1-eps] in the forward pass, so
 * 1/sin theta <= 1/sqrt(2 eps) ~ 707 stays finite.  Where c reaches the clamp
 * (a point against itself) c = S/r is 1 identically and its exact derivative
 * is zero: the S path (gc / r) and the r path (-gc S / r^2) cancel, because gr
 * uses the unclamped S/r; in f32 they cancel up to rounding, ~707 * 1e-7 of
 * the gradient scale.  Everywhere else the gradient is exact.
 *
 * RBF, E = -gamma/d (|a|^2 + |b|^2 - 2 a.b), K = exp(E), gE = G * K:
 *   dL/dA = 2 gamma/d (gE B - rowsum(gE) * A),  dL/dB = 2 gamma/d (gE^T A - colsum(gE) * B)
 * (the clamp of E at 0 only acts at a = b, where dE/da = 0 anyway). */
#include <math.h>

#include "kip.h"

#define TRY(x) do { if ((st = (x)) != NZ_OK) return st; } while (0)

/* ga = alpha (gS A-side) etc.: the layer-0 Gram and norms step shared by both
 * kernel families: ga = ag*G B + aq*vq*A + beta_a ga (vq a [m,1] column). */
static nz_status gram_back(const nz_tensor *g, const nz_tensor *a, const nz_tensor *b,
                           const nz_tensor *qa_col, const nz_tensor *qb_col, double ag, double aq,
                           nz_tensor *ga, double beta_a, nz_tensor *gb, double beta_b)
{
    nz_status st;
    if (ga) {
        TRY(nz_matmul(ga, g, 0, b, 0, ag, beta_a));
        TRY(nz_binary(ga, NZ_BIN_MUL, qa_col, a, aq, 1));
    }
    if (gb) {
        TRY(nz_matmul(gb, g, 1, a, 0, ag, beta_b));
        TRY(nz_binary(gb, NZ_BIN_MUL, qb_col, b, aq, 1));
    }
    return NZ_OK;
}

static nz_status arccos_backward(const kip_kernel *k, kip_tape *t, const nz_tensor *a,
                                 const nz_tensor *b, const nz_tensor *g, nz_tensor *ga,
                                 double beta_a, nz_tensor *gb, double beta_b)
{
    nz_status st;
    const double d = (double)nz_tensor_cols_count(a), sw = k->w_var;
    const double kappa = sw / (2 * M_PI), gain = kip_diag_gain(k);
    const int L = t->layers, ntk = k->kind == KIP_NTK;
    nz_tensor *gs = t->gs, *gt = t->gt, *w1 = t->w1, *w2 = t->w2, *w3 = t->w3;
    TRY(nz_tensor_fill(t->gqa, 0));
    TRY(nz_tensor_fill(t->gqb, 0));
    if (ntk) TRY(nz_tensor_copy(gt, g));
    else TRY(nz_tensor_copy(gs, g));
    for (int l = L; l >= 1; l--) {
        const int i = l - 1;
        nz_tensor *tp = i == 0 ? t->sprev[0] : t->tprev[i];
        nz_tensor *c = t->c[i], *pmt = t->pmt[i], *sn = t->sn[i], *r = t->r[i];
        if (ntk) {
            if (l == L) TRY(nz_tensor_copy(gs, gt));
            else TRY(nz_binary(gs, NZ_BIN_ADD, gs, gt, 1, 0));
            TRY(nz_binary(w1, NZ_BIN_MUL, gt, tp, 1, 0));       /* gSdot */
            TRY(nz_binary(gt, NZ_BIN_MUL, gt, pmt, kappa, 0));  /* gT for Theta^{l-1} */
        }
        /* gc = kappa [gS r (pi-theta) + gSdot / sin theta] in w2 */
        TRY(nz_binary(w2, NZ_BIN_MUL, gs, r, 1, 0));
        TRY(nz_binary(w2, NZ_BIN_MUL, w2, pmt, kappa, 0));
        if (ntk) TRY(nz_binary(w2, NZ_BIN_DIV, w1, sn, kappa, 1));
        /* gr = kappa gS J - gc c / r in w3, J = sin + (pi-theta) c */
        TRY(nz_binary(w3, NZ_BIN_MUL, pmt, c, 1, 0));
        TRY(nz_binary(w3, NZ_BIN_ADD, w3, sn, 1, 0));
        TRY(nz_binary(w3, NZ_BIN_MUL, gs, w3, kappa, 0));
        /* the unclamped S/r here, so the S and r paths cancel exactly where
         * the cosine is 1 identically (a point against itself) */
        TRY(nz_binary(w1, NZ_BIN_MUL, w2, t->sprev[i], 1, 0));
        TRY(nz_binary(w1, NZ_BIN_DIV, w1, r, 1, 0));
        TRY(nz_binary(w3, NZ_BIN_DIV, w1, r, -1, 1));
        /* gS^{l-1} = gc / r */
        TRY(nz_binary(gs, NZ_BIN_DIV, w2, r, 1, 0));
        /* gq^{l-1} = gain gq^l + sums of gr r / (2 q^{l-1}) */
        TRY(nz_binary(w3, NZ_BIN_MUL, w3, r, 1, 0));
        TRY(nz_reduce(t->va, NZ_RED_SUM, NZ_AXIS_ROWS, w3, 1, 0));
        TRY(nz_reduce(t->vb, NZ_RED_SUM, NZ_AXIS_COLS, w3, 1, 0));
        TRY(nz_binary(t->gqa, NZ_BIN_DIV, t->va, t->qa[i], 0.5, gain));
        TRY(nz_binary(t->gqb, NZ_BIN_DIV, t->vb, t->qb[i], 0.5, gain));
    }
    if (ntk) TRY(nz_binary(gs, NZ_BIN_ADD, gs, gt, 1, 0));
    /* q^0 = sw/d |x|^2 + sb: dq/dx = 2 sw/d x */
    return gram_back(gs, a, b, t->gqa, t->gqb_col, sw / d, 2 * sw / d, ga, beta_a, gb, beta_b);
}

static nz_status rbf_backward(const kip_kernel *k, kip_tape *t, const nz_tensor *a,
                              const nz_tensor *b, const nz_tensor *g, nz_tensor *ga,
                              double beta_a, nz_tensor *gb, double beta_b)
{
    nz_status st;
    const double d = (double)nz_tensor_cols_count(a), s = 2 * k->gamma / d;
    TRY(nz_binary(t->gs, NZ_BIN_MUL, g, t->k, 1, 0));
    TRY(nz_reduce(t->gqa, NZ_RED_SUM, NZ_AXIS_ROWS, t->gs, 1, 0));
    TRY(nz_reduce(t->gqb, NZ_RED_SUM, NZ_AXIS_COLS, t->gs, 1, 0));
    return gram_back(t->gs, a, b, t->gqa, t->gqb_col, s, -s, ga, beta_a, gb, beta_b);
}

nz_status kip_kernel_backward(const kip_kernel *k, kip_tape *t, const nz_tensor *a,
                              const nz_tensor *b, const nz_tensor *g, nz_tensor *ga, double beta_a,
                              nz_tensor *gb, double beta_b)
{
    if (!t->backward)
        return nz_error(NZ_ERR_INVALID, "kip kernel: this tape was made without backward buffers");
    if (k->kind == KIP_RBF) return rbf_backward(k, t, a, b, g, ga, beta_a, gb, beta_b);
    return arccos_backward(k, t, a, b, g, ga, beta_a, gb, beta_b);
}
