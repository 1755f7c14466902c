/* Shared helpers of the reference ops (core/ref/): element access by dtype
 * and the argument checks every op repeats.  Values travel as double so that
 * each op is written once for F32 and F64 and accumulates in double. */
#ifndef NAZO_REF_INTERNAL_H
#define NAZO_REF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "nazo/reference.h"

/* Element i (relative to the bref's offset) of a host buffer. */
static inline double nz_ref_ld(nz_bref r, nz_dtype dt, int64_t i)
{
    size_t k = r.off + (size_t)i;
    switch (dt) {
    case NZ_F32: return ((const float *)r.buf)[k];
    case NZ_F64: return ((const double *)r.buf)[k];
    case NZ_I32: return ((const int32_t *)r.buf)[k];
    }
    return 0.0;
}

static inline int32_t nz_ref_ldi(nz_bref r, int64_t i)
{
    return ((const int32_t *)r.buf)[r.off + (size_t)i];
}

/* Stores round to the dtype; I32 stores truncate toward zero and saturate
 * (NaN -> 0), as OpenCL's convert_int_sat does, so the result is defined. */
static inline void nz_ref_st(nz_bref r, nz_dtype dt, int64_t i, double v)
{
    size_t k = r.off + (size_t)i;
    switch (dt) {
    case NZ_F32: ((float *)r.buf)[k] = (float)v; return;
    case NZ_F64: ((double *)r.buf)[k] = v; return;
    case NZ_I32:
        if (!(v == v))
            v = 0.0;
        else if (v >= 2147483647.0)
            v = 2147483647.0;
        else if (v <= -2147483648.0)
            v = -2147483648.0;
        ((int32_t *)r.buf)[k] = (int32_t)v;
        return;
    }
}

/* out = alpha*v + beta*out, never reading out when beta == 0. */
static inline void nz_ref_st_ab(nz_bref r, nz_dtype dt, int64_t i, double v,
                                double alpha, double beta)
{
    double o = alpha * v;
    if (beta != 0.0)
        o += beta * nz_ref_ld(r, dt, i);
    nz_ref_st(r, dt, i, o);
}

/* Index of element (i, j) of an m x n operand stored with broadcast bc. */
static inline int64_t nz_ref_bidx(nz_bcast bc, int64_t i, int64_t j, int64_t n)
{
    switch (bc) {
    case NZ_BCAST_ROW: return j;
    case NZ_BCAST_COL: return i;
    case NZ_BCAST_SCALAR: return 0;
    case NZ_BCAST_NONE: break;
    }
    return i * n + j;
}

static inline int64_t nz_ref_bcount(nz_bcast bc, int64_t m, int64_t n)
{
    switch (bc) {
    case NZ_BCAST_ROW: return n;
    case NZ_BCAST_COL: return m;
    case NZ_BCAST_SCALAR: return m && n ? 1 : 0;
    case NZ_BCAST_NONE: break;
    }
    return m * n;
}

/* Checks shared by the ops; each returns NZ_OK or NZ_ERR_INVALID with a
 * message "<op>: <field> ...". */
nz_status nz_ref_check_float(const char *op, nz_dtype dt);
nz_status nz_ref_check_dim(const char *op, const char *field, int64_t v);
nz_status nz_ref_check_buf(const char *op, const char *field, nz_bref r, int64_t count);
nz_status nz_ref_check_ld(const char *op, const char *field, int64_t ld, int64_t min);

/* One function per op family, args already dispatched on op. */
nz_status nz_ref_gemm(const nz_op_args *a);
nz_status nz_ref_unary(const nz_op_args *a);
nz_status nz_ref_binary(const nz_op_args *a);
nz_status nz_ref_reduce(const nz_op_args *a);
nz_status nz_ref_softmax_xent(const nz_op_args *a);
nz_status nz_ref_gather(const nz_op_args *a);
nz_status nz_ref_random(const nz_op_args *a);
nz_status nz_ref_sgd(const nz_op_args *a);
nz_status nz_ref_adam(const nz_op_args *a);
nz_status nz_ref_copy2d(const nz_op_args *a);
nz_status nz_ref_cast(const nz_op_args *a);
nz_status nz_ref_onehot(const nz_op_args *a);
nz_status nz_ref_cholesky(const nz_op_args *a);
nz_status nz_ref_trsm(const nz_op_args *a);

/* Shared by unary GELU and binary GELU_BWD: the standard normal CDF and pdf. */
double nz_ref_phi_cdf(double x);
double nz_ref_phi_pdf(double x);

#endif
