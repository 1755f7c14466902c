/* Instantiates the body named by NZ_CPU_BODY (a quoted file name) for float
 * and for double: the body sees T, SFX (f32 / f64), DT (NZ_F32 / NZ_F64) and
 * M(fn) (expf / exp).
 * Include it once per body; it undefines NZ_CPU_BODY afterwards. */
#include "tmpl.h"

#define T float
#define SFX f32
#define DT NZ_F32
#define M(fn) fn##f
#include NZ_CPU_BODY
#undef T
#undef SFX
#undef DT
#undef M

#define T double
#define SFX f64
#define DT NZ_F64
#define M(fn) fn
#include NZ_CPU_BODY
#undef T
#undef SFX
#undef DT
#undef M

#undef NZ_CPU_BODY
