/* Checks shared by the op front-end: each returns NZ_OK or fails with a
 * message naming the op, the operands ("x is f32[2,3]@cpu:0") and what was
 * expected. */
#ifndef NAZO_CORE_OPS_CHECK_H
#define NAZO_CORE_OPS_CHECK_H

#include "internal.h"

/* A named operand, as the user knows it ("x", "out"). */
typedef struct nz_opnd {
    const char *name;
    const nz_tensor *t;
} nz_opnd;

/* Every operand is non-NULL and all live on one device, returned in *dev. */
nz_status nz_chk_devices(const char *fn, const nz_opnd *o, int n, nz_device **dev);
/* Every operand has the dtype of the first. */
nz_status nz_chk_same_dtype(const char *fn, const nz_opnd *o, int n);
/* A floating-point operand (NZ_F32 or NZ_F64). */
nz_status nz_chk_float(const char *fn, nz_opnd o);
/* An operand of exactly `dt`, with `why` saying what it is for. */
nz_status nz_chk_dtype_is(const char *fn, nz_opnd o, nz_dtype dt, const char *why);
/* An operand of exactly `count` elements; `what` describes the expected shape. */
nz_status nz_chk_numel(const char *fn, nz_opnd o, int64_t count, const char *what);
/* How `x` broadcasts against `out` viewed as a matrix (see ops.h). */
nz_status nz_chk_bcast(const char *fn, nz_opnd x, nz_opnd out, nz_bcast *b);
/* The device implements (op, dtype). */
nz_status nz_chk_supported(const char *fn, const nz_device *dev, nz_op op, nz_dtype dt);
/* Every index in the NZ_I32 tensor lies in [0, limit); checked on the host. */
nz_status nz_chk_indices(const char *fn, nz_opnd idx, int64_t limit, const char *what);

#endif
