/* Element-wise maps: unary, binary (with broadcasts), strided 2-D copy,
 * one-hot, row gather.  One work-item per output element; the global size is
 * padded to the work-group size, hence the guards. */

/* Must match nz_unary_fn in nazo/backend.h. */
inline real nz_unary_f(int fn, real x, real p0, real p1)
{
    switch (fn) {
    case 0: return x;
    case 1: return -x;
    case 2: return fabs(x);
    case 3: return x > (real)0 ? (real)1 : (x < (real)0 ? (real)-1 : (real)0);
    case 4: return x * x;
    case 5: return sqrt(x);
    case 6: return rsqrt(x);
    case 7: return (real)1 / x;
    case 8: return exp(x);
    case 9: return log(x);
    case 10: return sin(x);
    case 11: return cos(x);
    case 12: return acos(clamp(x, (real)-1, (real)1));
    case 13: return x > (real)0 ? x : (real)0;
    case 14: return (real)1 / ((real)1 + exp(-x));
    case 15: return tanh(x);
    case 16: return x * (real)0.5 * ((real)1 + erf(x * NZ_SQRT1_2));
    case 17: return x > (real)0 ? (real)1 : (real)0;
    case 18: return p0 * x + p1;
    case 19: return fmin(fmax(x, p0), p1);
    case 20: return pow(x, p0);
    default: return NAN;
    }
}

/* Must match nz_binary_fn in nazo/backend.h. */
inline real nz_binary_f(int fn, real x, real y)
{
    switch (fn) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return fmax(x, y);
    case 5: return fmin(x, y);
    case 6: return y > (real)0 ? x : (real)0;
    case 7: return x * y * ((real)1 - y);
    case 8: return x * ((real)1 - y * y);
    case 9: {
        real phi = (real)0.5 * ((real)1 + erf(y * NZ_SQRT1_2));
        real pdf = NZ_INV_SQRT_2PI * exp((real)-0.5 * y * y);
        return x * (phi + y * pdf);
    }
    default: return NAN;
    }
}

__kernel void nz_unary(long m, long n, int fn, int xb,
                       __global const real *x, long xoff,
                       __global real *out, long ooff,
                       real p0, real p1, real alpha, real beta, int bz)
{
    long t = get_global_id(0);
    if (t >= m * n)
        return;
    long i = t / n, j = t - i * n;
    real v = nz_unary_f(fn, x[xoff + nz_bidx(xb, i, j, n)], p0, p1);
    out[ooff + t] = nz_axpby(v, alpha, beta, bz, bz ? (real)0 : out[ooff + t]);
}

__kernel void nz_binary(long m, long n, int fn,
                        int xb, __global const real *x, long xoff,
                        int yb, __global const real *y, long yoff,
                        __global real *out, long ooff, real alpha, real beta, int bz)
{
    long t = get_global_id(0);
    if (t >= m * n)
        return;
    long i = t / n, j = t - i * n;
    real v = nz_binary_f(fn, x[xoff + nz_bidx(xb, i, j, n)], y[yoff + nz_bidx(yb, i, j, n)]);
    out[ooff + t] = nz_axpby(v, alpha, beta, bz, bz ? (real)0 : out[ooff + t]);
}

/* 2-D range: dim 0 over columns j, dim 1 over rows i. */
__kernel void nz_copy2d(long m, long n, int trans,
                        __global const real *x, long xoff, long ldx,
                        __global real *out, long ooff, long ldo,
                        real alpha, real beta, int bz)
{
    long j = get_global_id(0), i = get_global_id(1);
    if (i >= m || j >= n)
        return;
    real v = trans ? x[xoff + j * ldx + i] : x[xoff + i * ldx + j];
    long o = ooff + i * ldo + j;
    out[o] = nz_axpby(v, alpha, beta, bz, bz ? (real)0 : out[o]);
}

__kernel void nz_onehot(long m, long n, __global const int *labels, long loff,
                        __global real *out, long ooff, real on, real off)
{
    long t = get_global_id(0);
    if (t >= m * n)
        return;
    long i = t / n, j = t - i * n;
    out[ooff + t] = (long)labels[loff + i] == j ? on : off;
}

__kernel void nz_gather_rows(long m, long n, __global const real *x, long xoff,
                             __global const int *idx, long ioff,
                             __global real *out, long ooff)
{
    long t = get_global_id(0);
    if (t >= m * n)
        return;
    long i = t / n, j = t - i * n;
    out[ooff + t] = x[xoff + (long)idx[ioff + i] * n + j];
}

#if !NZ_F64
/* Integer rows (labels of a mini-batch): a plain 32-bit copy. */
__kernel void nz_gather_rows_i32(long m, long n, __global const int *x, long xoff,
                                 __global const int *idx, long ioff,
                                 __global int *out, long ooff)
{
    long t = get_global_id(0);
    if (t >= m * n)
        return;
    long i = t / n, j = t - i * n;
    out[ooff + t] = x[xoff + (long)idx[ioff + i] * n + j];
}
#endif

/* Casts.  The f32 program holds those between float and int, the f64
 * program those that involve double. */
#define NZ_CAST_KERNEL(NAME, TI, TO, CONV)                                     \
    __kernel void NAME(long count, __global const TI *x, long xoff,            \
                       __global TO *out, long ooff)                            \
    {                                                                          \
        long t = get_global_id(0);                                             \
        if (t < count)                                                         \
            out[ooff + t] = CONV(x[xoff + t]);                                 \
    }
#define NZ_SAME(v) (v)
#if NZ_F64
NZ_CAST_KERNEL(nz_cast_f64_f64, double, double, NZ_SAME)
NZ_CAST_KERNEL(nz_cast_f64_f32, double, float, convert_float)
NZ_CAST_KERNEL(nz_cast_f32_f64, float, double, convert_double)
NZ_CAST_KERNEL(nz_cast_f64_i32, double, int, convert_int_sat_rtz)
NZ_CAST_KERNEL(nz_cast_i32_f64, int, double, convert_double)
#else
NZ_CAST_KERNEL(nz_cast_f32_f32, float, float, NZ_SAME)
NZ_CAST_KERNEL(nz_cast_i32_i32, int, int, NZ_SAME)
NZ_CAST_KERNEL(nz_cast_f32_i32, float, int, convert_int_sat_rtz)
NZ_CAST_KERNEL(nz_cast_i32_f32, int, float, convert_float)
#endif
