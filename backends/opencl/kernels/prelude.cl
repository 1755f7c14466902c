/* Common definitions for every nazo OpenCL kernel.  The plugin builds the
 * program once per dtype with -DNZ_F64=0 (real = float) or -DNZ_F64=1
 * (real = double, only on devices with cl_khr_fp64).
 *
 * FP_CONTRACT OFF: a*b+c must round twice, as on the CPU backend, so that the
 * random fill and element-wise ops give the same bits everywhere.  Kernels
 * that want fused multiply-add (GEMM) ask for it explicitly with mad(). */
#pragma OPENCL FP_CONTRACT OFF
#if NZ_F64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real;
typedef double8 real8;
#define NZ_SQRT1_2 0.70710678118654752440
#define NZ_INV_SQRT_2PI 0.39894228040143267794
#else
typedef float real;
typedef float8 real8;
#define NZ_SQRT1_2 0.70710678118654752440f
#define NZ_INV_SQRT_2PI 0.39894228040143267794f
#endif

/* Must match nz_bcast in nazo/backend.h. */
#define NZ_BCAST_NONE 0
#define NZ_BCAST_ROW 1
#define NZ_BCAST_COL 2
#define NZ_BCAST_SCALAR 3

/* Index of element (i, j) of an m x n operand stored as `bc`. */
inline long nz_bidx(int bc, long i, long j, long n)
{
    switch (bc) {
    case NZ_BCAST_ROW: return j;
    case NZ_BCAST_COL: return i;
    case NZ_BCAST_SCALAR: return 0;
    default: return i * n + j;
    }
}

/* out = alpha*v + beta*out, where beta == 0 (bz) never reads out. */
inline real nz_axpby(real v, real alpha, real beta, int bz, real old)
{
    return bz ? alpha * v : alpha * v + beta * old;
}
