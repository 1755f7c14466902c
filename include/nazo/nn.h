/* nn: reverse-mode autodiff over device tensors, dense layers, initialisers,
 * an MLP helper and optimizers.
 *
 * A graph (nz_graph) is a tape: each op below computes its result on the
 * device at once and records its inputs, the values its backward pass needs,
 * and a backward function made of device ops.  nz_graph_backward() walks the
 * tape in reverse and leaves gradients on the device, with respect to
 * parameters and to any input created with requires_grad; nothing goes
 * through the host.  A training step is
 *
 *   nz_graph_reset(g);
 *   nz_var *x = nz_graph_input(g, xb, 0);
 *   nz_var *loss = nz_softmax_xent(g, nz_mlp_forward(g, mlp, x), yb);
 *   nz_graph_backward(g, loss);
 *   nz_optimizer_step(opt);
 *
 * nz_graph_reset() keeps the tensors of the previous step in a pool and hands
 * them out again for the same shapes, so a steady loop allocates nothing.
 *
 * Errors are sticky: an op that fails (or gets a NULL input) returns NULL and
 * records the message in the graph; later ops return NULL too, and
 * nz_graph_backward() / nz_graph_status() return the first failure. */
#ifndef NAZO_NN_H
#define NAZO_NN_H

#include <stddef.h>
#include <stdint.h>

#include "nazo/ops.h"
#include "nazo/status.h"
#include "nazo/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A trainable tensor and its gradient (same dtype and shape, on the same
 * device), owned by whoever created it (a layer, or the caller). */
typedef struct nz_param {
    nz_tensor *value;
    nz_tensor *grad;
    char name[48];
} nz_param;

/* value and grad of the given shape; value uninitialised, grad zero. */
nz_status nz_param_init(nz_param *p, nz_device *dev, nz_dtype dtype, int ndim,
                        const int64_t *shape, const char *name);
void nz_param_release(nz_param *p);

/* ---- the graph ---------------------------------------------------------- */

typedef struct nz_graph nz_graph;
typedef struct nz_var nz_var;

/* dtype: NZ_F32 or NZ_F64; every tensor in the graph has it. */
nz_graph *nz_graph_create(nz_device *dev, nz_dtype dtype);
void nz_graph_free(nz_graph *g);
/* Forget the tape and every var (their tensors go back to the pool); the
 * sticky error is cleared. */
void nz_graph_reset(nz_graph *g);
nz_status nz_graph_status(const nz_graph *g);
nz_device *nz_graph_device(const nz_graph *g);
nz_dtype nz_graph_dtype(const nz_graph *g);

/* Leaves.  The graph borrows the tensors: they must outlive the step.
 * A parameter var writes its gradient into p->grad (overwritten by each
 * backward pass; zero when the loss does not depend on it). */
nz_var *nz_graph_param(nz_graph *g, nz_param *p);
/* An input; with requires_grad its gradient is available after backward
 * through nz_var_grad(). */
nz_var *nz_graph_input(nz_graph *g, nz_tensor *t, int requires_grad);

nz_tensor *nz_var_value(const nz_var *v);
/* The gradient after nz_graph_backward(), or NULL when v needs none or the
 * loss does not depend on it.  Owned by the graph (until reset). */
nz_tensor *nz_var_grad(const nz_var *v);

/* Gradients of a one-element loss var with respect to everything that needs
 * one.  Call once per recorded tape. */
nz_status nz_graph_backward(nz_graph *g, nz_var *loss);

/* ---- recorded ops ------------------------------------------------------- */

/* op(a) * op(b), 2-D. */
nz_var *nz_v_matmul(nz_graph *g, nz_var *a, int trans_a, nz_var *b, int trans_b);
/* x [m, n] + bias [n] (or [1, n]) broadcast over rows. */
nz_var *nz_v_add_bias(nz_graph *g, nz_var *x, nz_var *bias);
/* Element-wise, same shape. */
nz_var *nz_v_add(nz_graph *g, nz_var *a, nz_var *b);
nz_var *nz_v_sub(nz_graph *g, nz_var *a, nz_var *b);
nz_var *nz_v_mul(nz_graph *g, nz_var *a, nz_var *b);
/* alpha * x */
nz_var *nz_v_scale(nz_graph *g, nz_var *x, double alpha);

typedef enum nz_activation {
    NZ_ACT_IDENTITY = 0,
    NZ_ACT_RELU,
    NZ_ACT_SIGMOID,
    NZ_ACT_TANH,
    NZ_ACT_GELU,
    NZ_ACT_COUNT
} nz_activation;

const char *nz_activation_name(nz_activation a);
/* "relu" -> NZ_ACT_RELU; NZ_ERR_INVALID listing the choices otherwise. */
nz_status nz_activation_parse(const char *name, nz_activation *out);
nz_var *nz_v_act(nz_graph *g, nz_var *x, nz_activation act);

/* One-element results. */
nz_var *nz_v_sum(nz_graph *g, nz_var *x);
nz_var *nz_v_mean(nz_graph *g, nz_var *x);
/* Mean over the batch of softmax cross-entropy: logits [m, classes],
 * labels NZ_I32 [m] (checked on the host against the class count). */
nz_var *nz_softmax_xent(nz_graph *g, nz_var *logits, const nz_tensor *labels);
/* Mean squared error over all elements: mean((pred - target)^2).  Both may
 * need gradients (the target too, e.g. learned labels). */
nz_var *nz_mse(nz_graph *g, nz_var *pred, nz_var *target);

/* ---- initialisers ------------------------------------------------------- */

typedef enum nz_init {
    NZ_INIT_UNIFORM = 0,   /* U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (the classic default) */
    NZ_INIT_GLOROT_UNIFORM,/* U(-a, a), a = sqrt(6 / (fan_in + fan_out)) */
    NZ_INIT_GLOROT_NORMAL, /* N(0, 2 / (fan_in + fan_out)) */
    NZ_INIT_HE_UNIFORM,    /* U(-a, a), a = sqrt(6 / fan_in) */
    NZ_INIT_HE_NORMAL,     /* N(0, 2 / fan_in) */
    NZ_INIT_ORTHOGONAL,    /* orthonormal rows or columns (times sigma, 1 when 0) */
    NZ_INIT_NORMAL,        /* N(0, sigma^2) */
    NZ_INIT_ZEROS,
    NZ_INIT_COUNT
} nz_init;

const char *nz_init_name(nz_init i);
nz_status nz_init_parse(const char *name, nz_init *out);

/* Fill a 2-D weight tensor [rows, cols] whose fans are given.  Random draws
 * use nz_random with (seed, stream) (orthogonal: Philox on the host and a QR
 * factorisation in double), so a seed gives the same weights on every
 * device. */
nz_status nz_init_tensor(nz_tensor *w, nz_init init, int64_t fan_in, int64_t fan_out,
                         double sigma, uint64_t seed, uint64_t stream);

/* ---- layers ------------------------------------------------------------- */

/* y = x W + b with W [in, out], or y = x W^T + b with W [out, in]
 * (weight_out_in != 0, the PyTorch layout). */
typedef struct nz_dense {
    int64_t in, out;
    int weight_out_in;
    int has_bias;
    nz_param w, b;
} nz_dense;

/* Weights from `init` (sigma for NZ_INIT_NORMAL / ORTHOGONAL) with
 * (seed, stream); bias zero. */
nz_status nz_dense_init(nz_dense *l, nz_device *dev, nz_dtype dtype, int64_t in, int64_t out,
                        int weight_out_in, int bias, nz_init init, double sigma, uint64_t seed,
                        uint64_t stream);
void nz_dense_release(nz_dense *l);
nz_var *nz_dense_forward(nz_graph *g, nz_dense *l, nz_var *x);

/* A multilayer perceptron: sizes[0] inputs, sizes[nsizes-1] outputs, the
 * activation after every layer but the last.  Layer i initialises with
 * stream i. */
typedef struct nz_mlp nz_mlp;

nz_mlp *nz_mlp_create(nz_device *dev, nz_dtype dtype, int nsizes, const int64_t *sizes,
                      nz_activation act, nz_init init, uint64_t seed);
void nz_mlp_free(nz_mlp *m);
nz_var *nz_mlp_forward(nz_graph *g, nz_mlp *m, nz_var *x);
int nz_mlp_layer_count(const nz_mlp *m);
nz_dense *nz_mlp_layer(nz_mlp *m, int i);
/* All parameters, in order (w0, b0, w1, b1, ...): for optimizers. */
size_t nz_mlp_param_count(const nz_mlp *m);
nz_param **nz_mlp_params(nz_mlp *m);

/* ---- optimizers --------------------------------------------------------- */

typedef struct nz_optimizer nz_optimizer;

/* The optimizer keeps the list of parameters (borrowed) and its state
 * tensors (momentum / moments, zero at the start). */
nz_optimizer *nz_sgd_create(nz_param *const *params, size_t n, double lr, double momentum,
                            double weight_decay, int nesterov);
nz_optimizer *nz_adam_create(nz_param *const *params, size_t n, double lr, double beta1,
                             double beta2, double eps, double weight_decay, int decoupled);
void nz_optimizer_free(nz_optimizer *o);
/* One update of every parameter from its current gradient. */
nz_status nz_optimizer_step(nz_optimizer *o);
void nz_optimizer_set_lr(nz_optimizer *o, double lr);
double nz_optimizer_lr(const nz_optimizer *o);
int64_t nz_optimizer_steps(const nz_optimizer *o);

/* ---- evaluation --------------------------------------------------------- */

/* Row-wise argmax of logits [m, c] into host `out` (m values). */
nz_status nz_argmax_rows(const nz_tensor *logits, int32_t *out);
/* Fraction of rows whose argmax equals the label (labels NZ_I32 [m]). */
nz_status nz_accuracy(const nz_tensor *logits, const nz_tensor *labels, double *acc);

#ifdef __cplusplus
}
#endif

/* ---- optimizer state (for checkpoints; see nazo/checkpoint.h) ----------- */
#ifdef __cplusplus
extern "C" {
#endif
/* "sgd" or "adam". */
const char *nz_optimizer_kind(const nz_optimizer *o);
size_t nz_optimizer_param_count(const nz_optimizer *o);
/* State tensors per parameter: SGD 1 with momentum (velocity) else 0;
 * Adam 2 (first and second moments, in that order). */
size_t nz_optimizer_state_slots(const nz_optimizer *o);
/* The optimizer's own state tensor (same shape and device as the
 * parameter); NULL with a message for an index out of range. */
nz_tensor *nz_optimizer_state(nz_optimizer *o, size_t param, size_t slot);
/* Restore the step count (Adam's bias correction depends on it). */
nz_status nz_optimizer_set_steps(nz_optimizer *o, int64_t steps);
#ifdef __cplusplus
}
#endif
#endif
