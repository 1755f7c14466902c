/* The op front-end: ops on tensors.
 *
 * Each function checks dtypes, shapes and devices, returns NZ_ERR_INVALID
 * with a message naming the op, the tensors ("f32[128,784]@cpu:0") and what
 * was expected, and otherwise queues the op on the tensors' device.  Results
 * follow the backend conventions (nazo/backend.h): out = alpha*f(...) + beta*out.
 *
 * Broadcasting of element-wise inputs is read off their shapes against the
 * output viewed as a matrix (rows = dim 0, cols = the rest): the same element
 * count -> full; [n] or [1,n] -> row; [m,1] -> column; one element -> scalar. */
#ifndef NAZO_OPS_H
#define NAZO_OPS_H

#include "nazo/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* C = alpha*op(A)*op(B) + beta*C.  2-D, or 3-D batched (dim 0 = batch; an
 * operand with 2 dims is shared by every batch entry). */
nz_status nz_matmul(nz_tensor *c, const nz_tensor *a, int trans_a,
                    const nz_tensor *b, int trans_b, double alpha, double beta);

nz_status nz_unary(nz_tensor *out, nz_unary_fn fn, const nz_tensor *x,
                   double p0, double p1, double alpha, double beta);
nz_status nz_binary(nz_tensor *out, nz_binary_fn fn, const nz_tensor *x,
                    const nz_tensor *y, double alpha, double beta);

/* Shorthands (beta = 0 unless named). */
nz_status nz_add(nz_tensor *out, const nz_tensor *x, const nz_tensor *y);
nz_status nz_sub(nz_tensor *out, const nz_tensor *x, const nz_tensor *y);
nz_status nz_mul(nz_tensor *out, const nz_tensor *x, const nz_tensor *y);
nz_status nz_scale(nz_tensor *out, const nz_tensor *x, double alpha);
/* y += alpha * x */
nz_status nz_axpy(nz_tensor *y, double alpha, const nz_tensor *x);

/* out: [m] for NZ_AXIS_ROWS, [n] for NZ_AXIS_COLS, one element for NZ_AXIS_ALL;
 * NZ_I32 for ARGMAX. */
nz_status nz_reduce(nz_tensor *out, nz_reduce_fn fn, nz_axis axis, const nz_tensor *x,
                    double alpha, double beta);

/* loss: [m]; probs: NULL or like logits; labels: NZ_I32 [m]. */
nz_status nz_softmax_xent_forward(nz_tensor *loss, nz_tensor *probs,
                                  const nz_tensor *logits, const nz_tensor *labels);
nz_status nz_softmax_xent_backward(nz_tensor *dlogits, const nz_tensor *logits,
                                   const nz_tensor *labels, double alpha, double beta);

/* out[i,:] = x[idx[i],:]; idx NZ_I32 [m] (indices are checked on the host). */
nz_status nz_gather_rows(nz_tensor *out, const nz_tensor *x, const nz_tensor *idx);

nz_status nz_random(nz_tensor *out, nz_random_dist dist, double p0, double p1,
                    uint64_t seed, uint64_t stream, uint64_t counter);

nz_status nz_sgd_update(nz_tensor *w, const nz_tensor *g, nz_tensor *v, double lr,
                        double momentum, double weight_decay, int nesterov);
/* step t >= 1; the bias corrections are computed here in double. */
nz_status nz_adam_update(nz_tensor *w, const nz_tensor *g, nz_tensor *m, nz_tensor *v,
                         double lr, double beta1, double beta2, double eps,
                         double weight_decay, int decoupled, int64_t t);

/* out = x^T (2-D). */
nz_status nz_transpose(nz_tensor *out, const nz_tensor *x);
/* Element-wise dtype conversion; same element count. */
nz_status nz_cast(nz_tensor *out, const nz_tensor *x);
nz_status nz_onehot(nz_tensor *out, const nz_tensor *labels, double on, double off);

/* In-place lower Cholesky.  Waits for the result; a matrix that is not
 * positive definite gives NZ_ERR_NUMERIC naming the failing pivot. */
nz_status nz_cholesky(nz_tensor *a);
/* B <- alpha * op(T)^-1 B. */
nz_status nz_trsm(const nz_tensor *t, nz_tensor *b, int lower, int trans, int unit_diag,
                  double alpha);

/* Validate and queue raw op arguments on a device (buffers must be device
 * buffers of `dev`); what the functions above end in. */
nz_status nz_device_run(nz_device *dev, const nz_op_args *args);

#ifdef __cplusplus
}
#endif
#endif
