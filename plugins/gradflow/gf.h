/* gradflow internals: a chain of dense layers whose backward pass we run
 * ourselves, so every pre-activation gradient dL/dz_l is at hand, plus the
 * mean-field theory that predicts how its norm changes from layer to layer.
 *
 * Layers are numbered 0..nl-1 here (1..nl in everything the user sees):
 * layers 0..nl-2 are the `depth` hidden layers with an activation, layer
 * nl-1 is the linear readout producing the logits. */
#ifndef GF_H
#define GF_H

#include <stddef.h>
#include <stdint.h>

#include "nazo/data.h"
#include "nazo/experiment.h"
#include "nazo/nazo.h"
#include "nazo/nn.h"

/* ---- configurations ---- */

typedef enum gf_init {
    GF_INIT_STANDARD = 0, /* U(-1/sqrt(fan_in), 1/sqrt(fan_in)) */
    GF_INIT_GLOROT,       /* N(0, 2/(fan_in+fan_out)) */
    GF_INIT_HE,           /* N(0, 2/fan_in) */
    GF_INIT_ORTHOGONAL,   /* orthonormal, gain sigma_w */
    GF_INIT_NORMAL,       /* N(0, sigma_w^2/fan_in) */
    GF_INIT_COUNT
} gf_init;

typedef struct gf_config {
    nz_activation act;    /* RELU, SIGMOID, TANH or GELU */
    gf_init init;
    int depth;            /* hidden layers; the net has depth+1 dense layers */
    int64_t width;
    double sigma_w;
} gf_config;

const char *gf_init_label(gf_init i);
nz_status gf_init_from_name(const char *name, gf_init *out);
/* "relu-he-d10" */
void gf_config_label(const gf_config *c, char *buf, size_t len);

/* ---- activations: forward, derivative, saturation threshold ---- */

nz_unary_fn gf_act_unary(nz_activation a);
nz_binary_fn gf_act_bwd(nz_activation a);
/* Whether the derivative op wants the pre-activation (else the output). */
int gf_act_bwd_takes_z(nz_activation a);
/* max over z of phi'(z): a unit counts as saturated below 0.1 of it. */
double gf_act_dmax(nz_activation a);

/* ---- the network ---- */

typedef struct gf_net {
    nz_device *dev;
    gf_config cfg;
    int nl;                 /* dense layers = depth + 1 */
    int64_t in, classes;
    nz_dense *layer;        /* W [in, out], bias [out] */
    nz_param **params;      /* w0, b0, w1, b1, ... for the optimizer */
    int64_t m;              /* rows the per-layer buffers hold (0: none) */
    nz_tensor **z, **h;     /* pre-activations and activations (h: hidden only) */
    nz_tensor **d, **a;     /* dL/dz and a scratch of the same shape */
    nz_tensor *one;         /* the scalar 1, to read phi' off the backward ops */
} gf_net;

nz_status gf_net_create(nz_device *dev, const gf_config *cfg, int64_t in, int64_t classes,
                        uint64_t seed, gf_net **out);
void gf_net_free(gf_net *n);
/* Size the per-layer buffers for m rows (reallocates only when m changes). */
nz_status gf_net_rows(gf_net *n, int64_t m);
/* z and h of every layer for inputs x [m, in]. */
nz_status gf_forward(gf_net *n, const nz_tensor *x);
/* Plain backward pass after gf_forward: d, and the gradients in the params. */
nz_status gf_backward(gf_net *n, const nz_tensor *x, const nz_tensor *labels);
/* The tensor the derivative op of hidden layer l reads (z or h). */
const nz_tensor *gf_saved(const gf_net *n, int l);
/* out = x / max|x| with max|x| written to the one-element `slot`;
 * `out` and `x` are distinct tensors of the same shape. */
nz_status gf_normalise(nz_tensor *out, const nz_tensor *x, nz_tensor *slot);
/* phi'(z) of hidden layer l into `dphi`, then sum of phi'^2 into slot_phi2
 * and the count of saturated units into slot_sat (scratch: same shape). */
nz_status gf_phi_stats(const gf_net *n, int l, nz_tensor *dphi, nz_tensor *scratch,
                       nz_tensor *slot_phi2, nz_tensor *slot_sat);

/* ---- measurement ---- */

/* Raw per-layer numbers read back from the device after a probe.  The
 * backward chain is renormalised at every layer (delta / max|delta|), so the
 * sums below are of O(1) numbers and the true scale is the product of the
 * maxabs values, which the host accumulates in logs. */
enum { GF_S_MAXABS = 0, GF_S_SUMSQ_D, GF_S_SUMSQ_GW, GF_S_SUMSQ_W, GF_S_PHI2, GF_S_SAT,
       GF_S_COUNT };

typedef struct gf_profile {
    int nl;
    int64_t m;          /* probe batch rows */
    double loss;        /* mean cross-entropy on the probe batch */
    /* natural logs of the norms; -inf for an exact zero, NaN when unknown */
    double ln_dz[128], ln_dw[128];
    /* hidden layer l: chi for the step from layer l+1 down to l */
    double chi[128];
    double sat_frac[128];
    double ln_factor_meas, ln_factor_pred;  /* mean log step, over every step */
} gf_profile;

#define GF_MAX_LAYERS 128

/* Turn the raw numbers (nl * GF_S_COUNT, layer-major) into a profile.
 * fan_in[l], fan_out[l]: the shape of W_l; m: batch rows. */
void gf_profile_assemble(const double *raw, int nl, const int64_t *fan_in,
                         const int64_t *fan_out, int64_t m, double loss, gf_profile *p);
/* chi = sigma_w^2 * fan_in * E[phi'^2] with sigma_w^2 read off the weights. */
double gf_chi(double sumsq_w, int64_t w_in, int64_t w_out, double sum_phi2, int64_t count);

/* Probe at the current weights: forward and the renormalised backward
 * chain on (x, labels), all on the device, one read-back at the end. */
nz_status gf_probe(gf_net *n, const nz_tensor *x, const nz_tensor *labels, gf_profile *p);

typedef struct gf_jac {
    int k;                    /* outputs (rows of J) */
    int rank;                 /* singular values above 1e-5 of the largest */
    double ln_s[64];          /* ln of the singular values, largest first */
    double ln_smax, ln_smin_nz, ln_mean_s2;
} gf_jac;

/* Singular values of J = d logits / d x at one input x1 [1, in]. */
nz_status gf_jacobian(gf_net *n, const nz_tensor *x1, gf_jac *out);

/* Eigenvalues of the symmetric n x n matrix a (destroyed), cyclic Jacobi in
 * double, sorted descending into w.  Returns the sweeps used, -1 if it did
 * not converge. */
int gf_sym_eigenvalues(double *a, int n, double *w);

/* ---- data ---- */

typedef struct gf_data {
    nz_dataset *train, *test;   /* host copies (the batcher reads train) */
    nz_tensor *xtr, *ytr, *xte, *yte;
    int64_t in, classes;
} gf_data;

/* "fashion" (Fashion-MNIST, standardised) or "synthetic" (a Gaussian
 * mixture); balanced subsets of per_class / test_per_class examples. */
nz_status gf_data_load(const char *which, int64_t per_class, int64_t test_per_class,
                       uint64_t seed, nz_device *dev, gf_data *d);
void gf_data_free(gf_data *d);

/* ---- one configuration: probe, Jacobian, training ---- */

typedef struct gf_train_opts {
    int64_t batch, steps;
    int snapshots;            /* probes: at init, ..., at the end */
    double lr, momentum;
    uint64_t seed;
} gf_train_opts;

typedef struct gf_result {
    gf_config cfg;
    int nsnap;
    int64_t snap_step[16];
    gf_profile snap[16];     /* snap[0]: at initialisation */
    gf_jac jac;               /* at initialisation */
    double accuracy;          /* test accuracy after training */
    double seconds;
} gf_result;

nz_status gf_run_config(nz_run *r, const gf_config *cfg, const gf_data *data,
                        const gf_train_opts *o, gf_result *res);

/* ---- output ---- */

/* log10 of e^ln, keeping -inf / inf / NaN. */
double gf_log10(double ln);

/* metrics.csv: the columns, then one row per probe of a configuration
 * (written as each configuration finishes, so a stopped run keeps them). */
nz_status gf_report_columns(nz_run *r);
nz_status gf_report_rows(nz_run *r, int index, const gf_result *res);
/* table.txt (and the log), summary.json, profile.dat and its plot. */
nz_status gf_report(nz_run *r, const char *mode, const gf_result *res, int nres);

#endif
