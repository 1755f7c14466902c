/* nz_device_run: the last check before an op reaches a backend.  The tensor
 * front-end has validated shapes already; this guards raw callers (the
 * conformance test, benchmarks) against NULL buffers and unsupported ops, so
 * that a backend never sees them. */
#include <stdio.h>

#include "internal.h"

#define NEED(field, label)                                                         \
    do {                                                                           \
        if (!(field).buf)                                                          \
            return nz_error(NZ_ERR_INVALID, "nz_device_run: %s: buffer '%s' is NULL", \
                            nz_op_name(a->op), label);                             \
    } while (0)

#define NONNEG(v)                                                                    \
    do {                                                                             \
        if ((v) < 0)                                                                 \
            return nz_error(NZ_ERR_INVALID, "nz_device_run: %s: %s = %lld is negative", \
                            nz_op_name(a->op), #v, (long long)(v));                  \
    } while (0)

static nz_status check_buffers(const nz_op_args *a)
{
    switch (a->op) {
    case NZ_OP_GEMM: {
        const nz_gemm_args *g = &a->u.gemm;
        NONNEG(g->m); NONNEG(g->n); NONNEG(g->k); NONNEG(g->batch);
        NEED(g->a, "a"); NEED(g->b, "b"); NEED(g->c, "c");
        break;
    }
    case NZ_OP_UNARY:
        NONNEG(a->u.unary.m); NONNEG(a->u.unary.n);
        if ((unsigned)a->u.unary.fn >= NZ_UN_COUNT)
            return nz_error(NZ_ERR_INVALID, "nz_device_run: unary: unknown function %d",
                            (int)a->u.unary.fn);
        NEED(a->u.unary.x, "x"); NEED(a->u.unary.out, "out");
        break;
    case NZ_OP_BINARY:
        NONNEG(a->u.binary.m); NONNEG(a->u.binary.n);
        if ((unsigned)a->u.binary.fn >= NZ_BIN_COUNT)
            return nz_error(NZ_ERR_INVALID, "nz_device_run: binary: unknown function %d",
                            (int)a->u.binary.fn);
        NEED(a->u.binary.x, "x"); NEED(a->u.binary.y, "y"); NEED(a->u.binary.out, "out");
        break;
    case NZ_OP_REDUCE:
        NONNEG(a->u.reduce.m); NONNEG(a->u.reduce.n);
        if ((unsigned)a->u.reduce.fn >= NZ_RED_COUNT || (unsigned)a->u.reduce.axis > NZ_AXIS_ALL)
            return nz_error(NZ_ERR_INVALID, "nz_device_run: reduce: unknown function %d or axis %d",
                            (int)a->u.reduce.fn, (int)a->u.reduce.axis);
        NEED(a->u.reduce.x, "x"); NEED(a->u.reduce.out, "out");
        break;
    case NZ_OP_SOFTMAX_XENT: {
        const nz_softmax_xent_args *s = &a->u.softmax_xent;
        NONNEG(s->m); NONNEG(s->n);
        NEED(s->logits, "logits"); NEED(s->labels, "labels");
        if (s->backward) NEED(s->dlogits, "dlogits");
        else NEED(s->loss, "loss"); /* probs is optional */
        break;
    }
    case NZ_OP_GATHER_ROWS:
        NONNEG(a->u.gather.m); NONNEG(a->u.gather.n); NONNEG(a->u.gather.x_rows);
        NEED(a->u.gather.x, "x"); NEED(a->u.gather.idx, "idx"); NEED(a->u.gather.out, "out");
        break;
    case NZ_OP_RANDOM:
        NONNEG(a->u.random.count);
        if ((unsigned)a->u.random.dist > NZ_RNG_BERNOULLI)
            return nz_error(NZ_ERR_INVALID, "nz_device_run: random: unknown distribution %d",
                            (int)a->u.random.dist);
        NEED(a->u.random.out, "out");
        break;
    case NZ_OP_SGD:
        NONNEG(a->u.sgd.count);
        NEED(a->u.sgd.w, "w"); NEED(a->u.sgd.g, "g");
        if (a->u.sgd.momentum != 0) NEED(a->u.sgd.v, "v"); /* v unused without momentum */
        break;
    case NZ_OP_ADAM:
        NONNEG(a->u.adam.count);
        NEED(a->u.adam.w, "w"); NEED(a->u.adam.g, "g"); NEED(a->u.adam.m, "m"); NEED(a->u.adam.v, "v");
        break;
    case NZ_OP_COPY2D:
        NONNEG(a->u.copy2d.m); NONNEG(a->u.copy2d.n);
        NEED(a->u.copy2d.x, "x"); NEED(a->u.copy2d.out, "out");
        break;
    case NZ_OP_CAST:
        NONNEG(a->u.cast.count);
        if (!nz_dtype_valid(a->u.cast.to))
            return nz_error(NZ_ERR_INVALID, "nz_device_run: cast: unknown target dtype %d",
                            (int)a->u.cast.to);
        NEED(a->u.cast.x, "x"); NEED(a->u.cast.out, "out");
        break;
    case NZ_OP_ONEHOT:
        NONNEG(a->u.onehot.m); NONNEG(a->u.onehot.n);
        NEED(a->u.onehot.labels, "labels"); NEED(a->u.onehot.out, "out");
        break;
    case NZ_OP_CHOLESKY:
        NONNEG(a->u.cholesky.n);
        NEED(a->u.cholesky.a, "a"); NEED(a->u.cholesky.info, "info");
        break;
    case NZ_OP_TRSM:
        NONNEG(a->u.trsm.n); NONNEG(a->u.trsm.nrhs);
        NEED(a->u.trsm.t, "t"); NEED(a->u.trsm.b, "b");
        break;
    case NZ_OP_COUNT:
        break;
    }
    return NZ_OK;
}

/* Ops whose output may be integer data: they void every known index range
 * on the device (tensor_io.c), since the core does not see what they wrote. */
static int may_write_ints(const nz_op_args *a)
{
    return a->dtype == NZ_I32 || (a->op == NZ_OP_CAST && a->u.cast.to == NZ_I32) ||
           (a->op == NZ_OP_REDUCE && a->u.reduce.fn == NZ_RED_ARGMAX) ||
           a->op == NZ_OP_CHOLESKY; /* writes its info word */
}

nz_status nz_device_run(nz_device *dev, const nz_op_args *args)
{
    if (!dev || !args)
        return nz_error(NZ_ERR_INVALID, "nz_device_run: NULL %s", dev ? "args" : "device");
    if ((unsigned)args->op >= NZ_OP_COUNT)
        return nz_error(NZ_ERR_INVALID, "nz_device_run: unknown op %d", (int)args->op);
    if (!nz_dtype_valid(args->dtype))
        return nz_error(NZ_ERR_INVALID, "nz_device_run: %s: unknown dtype %d",
                        nz_op_name(args->op), (int)args->dtype);
    if (!nz_device_supports(dev, args->op, args->dtype))
        return nz_error(NZ_ERR_UNSUPPORTED, "nz_device_run: op %s on %s is not supported by %s (%s)",
                        nz_op_name(args->op), nz_dtype_name(args->dtype), nz_device_id(dev),
                        nz_device_get_info(dev)->name);
    nz_status st = check_buffers(args);
    if (st != NZ_OK) return st;
    nz_debug("ops", "%s %s on %s", nz_op_name(args->op), nz_dtype_name(args->dtype), nz_device_id(dev));
    if (may_write_ints(args)) dev->int_writes++;
    nz_error_clear();
    st = dev->be->run(dev->handle, args);
    if (st != NZ_OK)
        return nz_backend_failed(st, "%s (%s) on %s", nz_op_name(args->op),
                                 nz_dtype_name(args->dtype), nz_device_id(dev));
    return NZ_OK;
}
