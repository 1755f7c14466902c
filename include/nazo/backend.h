/* The device interface: what a compute backend implements.
 *
 * A backend sees opaque device and buffer handles, sizes and op arguments.  It
 * never sees tensors, autodiff, experiments or files.  This header (with the
 * plugin descriptor and status reporting it includes) is the only nazo header
 * a backend includes.
 *
 * Execution model: every op and memory transfer is queued in order on the
 * device's single queue and may run asynchronously.  `read` and `finish`
 * wait.  Ops go through one entry point, `run(dev, args)`, and `supports`
 * says which (op, dtype) pairs a device implements, so that the conformance
 * test can walk every op on every backend uniformly.
 *
 * Conventions for all ops:
 *  - Matrices are row-major.  The offset inside an nz_bref counts elements of
 *    that buffer's own dtype (i32 for labels and indices, the target dtype for
 *    a cast's output); bytes only in the memory functions.
 *  - Ops that write `out` take `alpha` and `beta`:  out = alpha*f(...) + beta*out.
 *    When beta == 0, `out` is not read (NaN/inf already there do not leak).
 *  - Element-wise ops require out to cover m*n elements; inputs may be broadcast.
 *  - Precision: f32 ops may accumulate in f32; the core's reference accumulates
 *    in double, and the conformance test bounds the difference by an NMSE.
 */
#ifndef NAZO_BACKEND_H
#define NAZO_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "nazo/plugin.h"
#include "nazo/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nz_dtype {
    NZ_F32 = 0,
    NZ_F64 = 1,
    NZ_I32 = 2
} nz_dtype;

size_t nz_dtype_size(nz_dtype dt);
const char *nz_dtype_name(nz_dtype dt);

typedef enum nz_device_type {
    NZ_DEVICE_CPU = 0,
    NZ_DEVICE_GPU = 1,
    NZ_DEVICE_ACCELERATOR = 2,
    NZ_DEVICE_OTHER = 3
} nz_device_type;

typedef struct nz_device_info {
    char name[128];        /* "Intel(R) Xeon(R) ...", "NVIDIA H200" */
    char vendor[64];
    char detail[256];      /* backend-specific: "AVX-512, 2 threads", "OpenCL C 1.2, PoCL 3.1" */
    nz_device_type type;
    uint64_t global_mem;   /* bytes */
    uint64_t max_alloc;    /* bytes, largest single buffer */
    uint32_t compute_units;
    int fp64;              /* 1 when NZ_F64 ops are supported */
} nz_device_info;

/* A buffer reference inside an op: a backend buffer handle and an element offset. */
typedef struct nz_bref {
    void *buf;
    size_t off;
} nz_bref;

/* ---- the op set ------------------------------------------------------- */

typedef enum nz_op {
    NZ_OP_GEMM = 0,      /* batched C = alpha*op(A)*op(B) + beta*C          */
    NZ_OP_UNARY,         /* out = alpha*f(x) + beta*out                       */
    NZ_OP_BINARY,        /* out = alpha*f(x, y) + beta*out, with broadcasts   */
    NZ_OP_REDUCE,        /* sum / sumsq / max / min / argmax over rows, cols or all */
    NZ_OP_SOFTMAX_XENT,  /* fused softmax cross-entropy, forward or backward  */
    NZ_OP_GATHER_ROWS,   /* out[i,:] = x[idx[i],:]                             */
    NZ_OP_RANDOM,        /* counter-based Philox fill                         */
    NZ_OP_SGD,           /* fused SGD with momentum and weight decay          */
    NZ_OP_ADAM,          /* fused Adam / AdamW                                */
    NZ_OP_COPY2D,        /* strided 2-D copy, optional transpose               */
    NZ_OP_CAST,          /* dtype conversion                                  */
    NZ_OP_ONEHOT,        /* out[i,j] = (labels[i]==j) ? on : off              */
    NZ_OP_CHOLESKY,      /* in-place lower Cholesky factor, A = L L^T          */
    NZ_OP_TRSM,          /* triangular solve with many right-hand sides        */
    NZ_OP_COUNT
} nz_op;

const char *nz_op_name(nz_op op);

typedef enum nz_unary_fn {
    NZ_UN_IDENTITY = 0, /* x                       (with alpha/beta: scale, axpy) */
    NZ_UN_NEG,          /* -x                                                     */
    NZ_UN_ABS,
    NZ_UN_SIGN,         /* -1, 0, +1 (0 for NaN-free zero)                        */
    NZ_UN_SQUARE,
    NZ_UN_SQRT,
    NZ_UN_RSQRT,        /* 1/sqrt(x)                                              */
    NZ_UN_RECIP,        /* 1/x                                                    */
    NZ_UN_EXP,
    NZ_UN_LOG,
    NZ_UN_SIN,
    NZ_UN_COS,
    NZ_UN_ACOS,         /* argument clamped to [-1, 1] first                      */
    NZ_UN_RELU,
    NZ_UN_SIGMOID,
    NZ_UN_TANH,
    NZ_UN_GELU,         /* exact: x * Phi(x), Phi the normal CDF (erf form)       */
    NZ_UN_STEP,         /* x > 0 ? 1 : 0  (relu derivative)                       */
    NZ_UN_AFFINE,       /* p0*x + p1                                              */
    NZ_UN_CLAMP,        /* min(max(x, p0), p1)                                    */
    NZ_UN_POW,          /* x^p0 (x >= 0 where p0 is not an integer)               */
    NZ_UN_COUNT
} nz_unary_fn;

typedef enum nz_binary_fn {
    NZ_BIN_ADD = 0,     /* x + y                                                  */
    NZ_BIN_SUB,         /* x - y                                                  */
    NZ_BIN_MUL,         /* x * y                                                  */
    NZ_BIN_DIV,         /* x / y                                                  */
    NZ_BIN_MAX,
    NZ_BIN_MIN,
    /* Activation derivatives: x is the upstream gradient dy, y the saved value
     * named below; the result is dy * f'(...). */
    NZ_BIN_RELU_BWD,    /* y = pre-activation z: dy * (z > 0)                     */
    NZ_BIN_SIGMOID_BWD, /* y = output s:         dy * s * (1 - s)                 */
    NZ_BIN_TANH_BWD,    /* y = output t:         dy * (1 - t*t)                   */
    NZ_BIN_GELU_BWD,    /* y = pre-activation z: dy * (Phi(z) + z*phi(z))         */
    NZ_BIN_COUNT
} nz_binary_fn;

/* How an m x n operand is stored. */
typedef enum nz_bcast {
    NZ_BCAST_NONE = 0,  /* full m x n                                             */
    NZ_BCAST_ROW,       /* one row of n values, repeated for every row (bias)     */
    NZ_BCAST_COL,       /* one column of m values, repeated for every column      */
    NZ_BCAST_SCALAR     /* a single value                                         */
} nz_bcast;

typedef enum nz_reduce_fn {
    NZ_RED_SUM = 0,
    NZ_RED_SUMSQ,       /* sum of squares                                         */
    NZ_RED_SUMABS,      /* sum of absolute values                                 */
    NZ_RED_MAX,
    NZ_RED_MIN,
    NZ_RED_ARGMAX,      /* output dtype NZ_I32; first index of the maximum; alpha/beta ignored */
    NZ_RED_COUNT
} nz_reduce_fn;

typedef enum nz_axis {
    NZ_AXIS_ROWS = 0,   /* reduce each row: m outputs                             */
    NZ_AXIS_COLS,       /* reduce each column: n outputs                          */
    NZ_AXIS_ALL         /* reduce everything: 1 output                            */
} nz_axis;

typedef enum nz_random_dist {
    NZ_RNG_UNIFORM = 0, /* p0 + (p1 - p0) * u,  u in [0, 1)                       */
    NZ_RNG_NORMAL,      /* p0 + p1 * z,  z standard normal                        */
    NZ_RNG_BERNOULLI    /* u < p0 ? 1 : 0                                         */
} nz_random_dist;

/* Batched GEMM: for b in [0, batch):
 *   C_b = alpha * op(A_b) * op(B_b) + beta * C_b
 * op(A_b) is m x k, op(B_b) k x n, C_b m x n; A_b = a.buf + a.off + b*stride_a.
 * lda is the row stride of A as stored (k when not transposed, m when transposed). */
typedef struct nz_gemm_args {
    int trans_a, trans_b;
    int64_t m, n, k;
    double alpha, beta;
    nz_bref a, b, c;
    int64_t lda, ldb, ldc;
    int64_t batch;
    int64_t stride_a, stride_b, stride_c;
} nz_gemm_args;

typedef struct nz_unary_args {
    nz_unary_fn fn;
    int64_t m, n;
    nz_bcast x_bcast;   /* x may be broadcast to m x n */
    nz_bref x, out;
    double p0, p1;      /* parameters of fn (AFFINE, CLAMP, POW) */
    double alpha, beta;
} nz_unary_args;

typedef struct nz_binary_args {
    nz_binary_fn fn;
    int64_t m, n;
    nz_bcast x_bcast, y_bcast;
    nz_bref x, y, out;
    double alpha, beta;
} nz_binary_args;

typedef struct nz_reduce_args {
    nz_reduce_fn fn;
    nz_axis axis;
    int64_t m, n;
    nz_bref x, out;     /* out: m, n or 1 elements; NZ_I32 for ARGMAX */
    double alpha, beta;
} nz_reduce_args;

/* Softmax cross-entropy over rows of logits (m x n), labels NZ_I32 class
 * indices in [0, n).
 *   forward:  loss[i] = alpha*(logsumexp(logits[i,:]) - logits[i,label[i]]) + beta*loss[i]
 *             and, if probs.buf != NULL, probs = softmax(logits) (alpha/beta not applied)
 *   backward: dlogits = alpha*(softmax(logits) - onehot(labels)) + beta*dlogits
 * A label outside [0, n) yields NaN in that row (the core validates labels). */
typedef struct nz_softmax_xent_args {
    int backward;
    int64_t m, n;
    nz_bref logits, labels;
    nz_bref loss;       /* forward: m values */
    nz_bref probs;      /* forward, optional (buf may be NULL) */
    nz_bref dlogits;    /* backward: m x n */
    double alpha, beta;
} nz_softmax_xent_args;

/* out[i, :] = x[idx[i], :] for i in [0, m); x has rows of n values; idx NZ_I32. */
typedef struct nz_gather_args {
    int64_t m, n;
    int64_t x_rows;     /* rows in x; the core checks indices against it */
    nz_bref x, idx, out;
} nz_gather_args;

/* Counter-based Philox-4x32-10 fill of `count` elements (NZ_F32 or NZ_F64).
 * Element i uses one Philox block with
 *   key     = { lo32(seed), hi32(seed) }
 *   counter = { lo32(c), hi32(c), lo32(stream), hi32(stream) },  c = counter + i
 * and the words r0..r3 of the result.  The transforms (nazo/philox_float.h)
 * use only exactly-rounded float operations so that every backend produces
 * the same bits.  For NZ_F32 fills, p0 and p1 are first converted with a plain
 * (float) cast and the transform runs in float. */
typedef struct nz_random_args {
    nz_random_dist dist;
    int64_t count;
    uint64_t seed, stream, counter;
    double p0, p1;
    nz_bref out;
} nz_random_args;

/* SGD with momentum and weight decay, element-wise over `count` values:
 *   g' = g + weight_decay * w
 *   v  = momentum * v + g'              (v not touched when momentum == 0)
 *   w  = w - lr * (nesterov ? g' + momentum * v : v)  (momentum == 0: w -= lr*g') */
typedef struct nz_sgd_args {
    int64_t count;
    nz_bref w, g, v;
    double lr, momentum, weight_decay;
    int nesterov;
} nz_sgd_args;

/* Adam, element-wise over `count` values.  bias1 = 1 - beta1^t and
 * bias2 = 1 - beta2^t are computed by the caller in double.
 *   g' = g + (decoupled ? 0 : weight_decay * w)
 *   m  = beta1*m + (1-beta1)*g'
 *   v  = beta2*v + (1-beta2)*g'^2
 *   w  = w - lr * ( (m/bias1) / (sqrt(v/bias2) + eps) + (decoupled ? weight_decay*w : 0) ) */
typedef struct nz_adam_args {
    int64_t count;
    nz_bref w, g, m, v;
    double lr, beta1, beta2, eps, weight_decay, bias1, bias2;
    int decoupled;
} nz_adam_args;

/* out[i*ldo + j] = alpha * X(i,j) + beta * out[i*ldo + j] for an m x n result,
 * X(i,j) = x[i*ldx + j], or x[j*ldx + i] when trans. */
typedef struct nz_copy2d_args {
    int64_t m, n;
    int trans;
    nz_bref x, out;
    int64_t ldx, ldo;
    double alpha, beta;
} nz_copy2d_args;

/* out[i] = (to_dtype) x[i] for `count` elements; args->dtype is the source dtype.
 * Float to NZ_I32 truncates toward zero, clamps to the i32 range and maps NaN to 0. */
typedef struct nz_cast_args {
    int64_t count;
    nz_dtype to;
    nz_bref x, out;
} nz_cast_args;

/* out (m x n) = on where labels[i] == j, else off; labels NZ_I32. */
typedef struct nz_onehot_args {
    int64_t m, n;
    nz_bref labels, out;
    double on, off;
} nz_onehot_args;

/* In-place Cholesky of the n x n symmetric positive definite matrix stored in
 * a (row stride lda): the lower triangle becomes L with A = L L^T; the strict
 * upper triangle is left unchanged.  info (NZ_I32, one element) receives 0,
 * or k+1 when the leading minor of order k+1 is not positive definite. */
typedef struct nz_cholesky_args {
    int64_t n;
    nz_bref a;
    int64_t lda;
    nz_bref info;
} nz_cholesky_args;

/* Solve op(T) X = alpha * B in place (B becomes X), T n x n triangular
 * (lower when `lower`, else upper; only that triangle is read), B n x nrhs. */
typedef struct nz_trsm_args {
    int lower, trans, unit_diag;
    int64_t n, nrhs;
    nz_bref t, b;
    int64_t ldt, ldb;
    double alpha;
} nz_trsm_args;

typedef struct nz_op_args {
    nz_op op;
    nz_dtype dtype;     /* dtype of the floating-point operands */
    union {
        nz_gemm_args gemm;
        nz_unary_args unary;
        nz_binary_args binary;
        nz_reduce_args reduce;
        nz_softmax_xent_args softmax_xent;
        nz_gather_args gather;
        nz_random_args random;
        nz_sgd_args sgd;
        nz_adam_args adam;
        nz_copy2d_args copy2d;
        nz_cast_args cast;
        nz_onehot_args onehot;
        nz_cholesky_args cholesky;
        nz_trsm_args trsm;
    } u;
} nz_op_args;

/* ---- the backend table ------------------------------------------------ */

/* Optional slots may be NULL.  All others are required.  Functions that fail
 * return a status and set the message with nz_error() (status.h), naming what
 * failed and what to do; they never exit. */
typedef struct nz_backend_iface {
    /* Find devices.  Returns NZ_OK with *count >= 1, or NZ_ERR_UNAVAILABLE
     * (count 0) with a message saying why and how to fix it, e.g.
     * "no OpenCL platform: is an ICD such as pocl-opencl-icd installed?". */
    nz_status (*probe)(int *count);
    nz_status (*device_info)(int index, nz_device_info *info);

    nz_status (*open)(int index, void **dev);
    void (*close)(void *dev);
    nz_status (*finish)(void *dev);  /* wait until all queued work is done */

    nz_status (*alloc)(void *dev, size_t bytes, void **buf);
    void (*free)(void *dev, void *buf);
    /* Byte offsets.  write may return before the copy completes only if it
     * has taken a copy of src; read waits for all earlier work. */
    nz_status (*write)(void *dev, void *buf, size_t offset, const void *src, size_t bytes);
    nz_status (*read)(void *dev, void *buf, size_t offset, void *dst, size_t bytes);
    nz_status (*copy)(void *dev, void *dst, size_t dst_offset,
                      void *src, size_t src_offset, size_t bytes);
    /* Repeat a pattern of pattern_size bytes (1, 2, 4 or 8) over `bytes`. */
    nz_status (*fill)(void *dev, void *buf, size_t offset, size_t bytes,
                      const void *pattern, size_t pattern_size);

    int (*supports)(void *dev, nz_op op, nz_dtype dtype);
    nz_status (*run)(void *dev, const nz_op_args *args);

    /* Optional: called once when the plugin is unloaded. */
    void (*shutdown)(void);
} nz_backend_iface;

#ifdef __cplusplus
}
#endif
#endif
