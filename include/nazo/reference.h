/* The core's reference implementation of every op of the device interface:
 * plain C over host memory, accumulating in double.  It is the yardstick the
 * conformance test holds every backend to, and a starting point for anyone
 * writing a new backend.
 *
 * nz_ref_run() takes the same arguments as a backend's run(), except that
 * every nz_bref.buf is a host pointer to the buffer's element 0. */
#ifndef NAZO_REFERENCE_H
#define NAZO_REFERENCE_H

#include "nazo/backend.h"

#ifdef __cplusplus
extern "C" {
#endif

nz_status nz_ref_run(const nz_op_args *args);

/* Whether the reference implements (op, dtype): every op for NZ_F32 and
 * NZ_F64 (NZ_I32 where the op takes integers). */
int nz_ref_supports(nz_op op, nz_dtype dtype);

#ifdef __cplusplus
}
#endif
#endif
