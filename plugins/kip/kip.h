/* kip: Kernel Inducing Points (Nguyen, Chen and Lee, ICLR 2021).
 *
 * Shared declarations of the plugin's parts:
 *   kip_kernel.c      kernels (FC ReLU NTK / NNGP, RBF): forward with a tape
 *   kip_kernel_bwd.c  their exact backward passes (gradients wrt both inputs)
 *   kip_krr.c         kernel ridge regression: fit, KIP loss and its gradient
 *   kip_eval.c        chunked kernels and test accuracy
 *   kip_data.c        Fashion-MNIST on the device, class-balanced sampling
 *   kip_train.c       the KIP loop for one support-set size
 *   kip_output.c      grids, IDX files, plots
 *   kip_plugin.c      parameters and the run
 * Everything numeric runs through device ops (nazo/ops.h). */
#ifndef NZ_KIP_H
#define NZ_KIP_H

#include <stdint.h>

#include "nazo/nazo.h"

#define KIP_CLASSES 10
#define KIP_H 28
#define KIP_W 28
#define KIP_D (KIP_H * KIP_W)

typedef enum kip_kind { KIP_NTK = 0, KIP_NNGP, KIP_RBF, KIP_KIND_COUNT } kip_kind;

typedef struct kip_kernel {
    kip_kind kind;
    int depth;       /* hidden ReLU layers (NTK/NNGP) */
    double w_var;    /* sigma_w^2 */
    double b_var;    /* sigma_b^2 */
    double gamma;    /* RBF: exp(-gamma * |a-b|^2 / d) */
} kip_kernel;

const char *kip_kind_name(kip_kind k);
/* -1 for an unknown name. */
int kip_kind_parse(const char *name);

/* The cosine is clamped to [-1+eps, 1-eps] before acos: the derivative of
 * acos is -1/sqrt(1-c^2), infinite at c = +-1 (the diagonal, x against itself). */
#define KIP_COS_EPS 1e-6
/* q^l = gain q^{l-1} + sb on the diagonal: S^l of a point with itself at the
 * clamped angle (see kip_kernel.c). */
double kip_diag_gain(const kip_kernel *k);

/* Workspace of one kernel block K(A, B), A m x d, B n x d, and the values
 * its backward pass needs. */
typedef struct kip_tape {
    nz_device *dev;
    nz_dtype dt;
    int64_t m, n;
    int layers;                 /* depth for NTK/NNGP, 0 for RBF */
    int backward;               /* scratch for the backward pass allocated */
    nz_tensor **qa, **qb;       /* [layers+1]: q^l of A rows [m,1], of B rows [1,n] */
    nz_tensor **sprev, **tprev; /* [layers]: S^{l-1}, Theta^{l-1} (m x n) */
    nz_tensor **c, **pmt, **sn, **r; /* [layers]: cos, pi-theta, sin theta, norms product */
    nz_tensor *k;               /* RBF: the kernel values */
    nz_tensor *w1, *w2, *w3;    /* m x n scratch */
    nz_tensor *gs, *gt;         /* backward: grads wrt S^l, Theta^l */
    nz_tensor *va, *vb;         /* [m,1], [1,n] scratch */
    nz_tensor *gqa, *gqb;       /* backward: grads wrt q^l */
    nz_tensor *gqb_col;         /* gqb viewed as [n,1] */
} kip_tape;

kip_tape *kip_tape_create(nz_device *dev, nz_dtype dt, const kip_kernel *k, int64_t m, int64_t n,
                          int backward);
void kip_tape_free(kip_tape *t);

/* out (m x n) = K(A, B), recording on the tape (sized m x n). */
nz_status kip_kernel_forward(const kip_kernel *k, kip_tape *t, const nz_tensor *a,
                             const nz_tensor *b, nz_tensor *out);
/* Given g = dL/dK for the block last computed on the tape (with the same a
 * and b): ga = dL/dA + beta_a*ga, gb = dL/dB + beta_b*gb; either may be NULL. */
nz_status kip_kernel_backward(const kip_kernel *k, kip_tape *t, const nz_tensor *a,
                              const nz_tensor *b, const nz_tensor *g, nz_tensor *ga, double beta_a,
                              nz_tensor *gb, double beta_b);

/* out (m x n) = K(A, B) for large A, in row chunks that bound the workspace. */
nz_status kip_kernel_eval(const kip_kernel *k, const nz_tensor *a, const nz_tensor *b,
                          nz_tensor *out);

/* ---- kernel ridge regression ---- */

/* Factor K_ss + lam*I, lam = reg * mean(diag K_ss), into chol (s x s, lower)
 * and solve alpha = (K_ss + lam I)^-1 y (s x C).  A factorisation that fails
 * in the tensors' dtype is retried with reg x10 (at most 8 times);
 * *reg_used receives the reg that worked. */
nz_status kip_krr_fit(const nz_tensor *kss, const nz_tensor *y, double reg, nz_tensor *chol,
                      nz_tensor *alpha, double *reg_used);

/* Workspace of one KIP loss evaluation with t targets, s support points and
 * C outputs. */
typedef struct kip_krr {
    int64_t t, s, c;
    nz_tensor *chol, *alpha, *pred, *beta, *ba; /* s x s, s x C, t x C, s x C, s x C */
    nz_tensor *diag, *lam, *lamvec, *loss;      /* [s], one, [s], one */
} kip_krr;

kip_krr *kip_krr_create(nz_device *dev, nz_dtype dt, int64_t t, int64_t s, int64_t c);
void kip_krr_free(kip_krr *w);

/* The KIP loss L = 1/2 |K_ts alpha - y_t|^2 / t with alpha from kip_krr_fit
 * on (k_ss, y_s), and its exact gradient: g_ts = dL/dK_ts, g_ss = dL/dK_ss
 * (including the dependence of lam on mean(diag K_ss)), g_ys = dL/dy_s
 * (may be NULL).  *loss and *reg_used on the host. */
nz_status kip_krr_loss(kip_krr *w, const nz_tensor *k_ts, const nz_tensor *k_ss,
                       const nz_tensor *y_s, const nz_tensor *y_t, double reg, nz_tensor *g_ts,
                       nz_tensor *g_ss, nz_tensor *g_ys, double *loss, double *reg_used);

/* Test accuracy of kernel ridge regression on (xs, ys): fit, then predict the
 * test set in chunks.  *reg_used as in kip_krr_fit. */
nz_status kip_krr_accuracy(const kip_kernel *k, const nz_tensor *xs, const nz_tensor *ys,
                           const nz_tensor *xtest, const nz_tensor *ytest, double reg,
                           double *acc, double *reg_used);

/* ---- data ---- */

typedef struct kip_data {
    nz_tensor *xtrain, *ytrain; /* f32 [60000, 784] standardised, i32 [60000] */
    nz_tensor *xtest, *ytest;   /* f32 [10000, 784], i32 [10000] */
    int32_t *labels;            /* host copy of the training labels */
    int32_t *byclass[KIP_CLASSES];
    int64_t nclass[KIP_CLASSES];
    double mean, std;           /* of [0,1] pixels: x_std = (x - mean) / std */
} kip_data;

nz_status kip_data_load(nz_device *dev, kip_data *d);
void kip_data_free(kip_data *d);
/* per_class training indices of every class (class-major order), drawn
 * without replacement with Philox (seed, stream): the same on every device. */
nz_status kip_data_balanced(const kip_data *d, int64_t per_class, uint64_t seed, uint64_t stream,
                            int32_t *idx, int32_t *labels);

/* ---- one KIP run ---- */

typedef struct kip_config {
    kip_kernel kernel;
    int64_t ipc, steps, target_per_class, eval_every;
    double lr, reg;
    int learn_labels;
    uint64_t seed;
} kip_config;

typedef struct kip_result {
    double loss_first, loss_last;
    double acc_random, acc_kip;          /* under the training kernel */
    double transfer_random[KIP_KIND_COUNT], transfer_kip[KIP_KIND_COUNT];
    double step_ms;                      /* mean wall time of a step */
    double reg_max;                      /* largest reg a factorisation needed */
    int64_t steps_done;
} kip_result;

nz_status kip_train(nz_run *r, const kip_data *d, const kip_config *cfg, kip_result *res);

/* ---- outputs ---- */

/* A grid of the support images (s x 784, class-major, ipc per class) with
 * one row per class, in pixel units. */
nz_status kip_output_grid(nz_run *r, const kip_data *d, const nz_tensor *xs, int64_t ipc,
                          const char *name);
/* kip_ipc<N>-images-idx3-f32 ([s,28,28], pixels 0..255), kip_ipc<N>-labels-idx1-ubyte
 * (class of each image, the argmax of its label vector) and
 * kip_ipc<N>-targets-idx2-f32 ([s,10], the learned label vectors). */
nz_status kip_output_idx(nz_run *r, const kip_data *d, const nz_tensor *xs, const nz_tensor *ys,
                         int64_t ipc);

#endif
