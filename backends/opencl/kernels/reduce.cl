/* Reductions.  Must match nz_reduce_fn in nazo/backend.h. */
#define NZ_RED_SUM 0
#define NZ_RED_SUMSQ 1
#define NZ_RED_SUMABS 2
#define NZ_RED_MAX 3
#define NZ_RED_MIN 4
#define NZ_RED_ARGMAX 5

inline real nz_red_init(int fn)
{
    switch (fn) {
    case NZ_RED_MAX: case NZ_RED_ARGMAX: return -INFINITY;
    case NZ_RED_MIN: return INFINITY;
    default: return (real)0;
    }
}

inline real nz_red_map(int fn, real v)
{
    switch (fn) {
    case NZ_RED_SUMSQ: return v * v;
    case NZ_RED_SUMABS: return fabs(v);
    default: return v;
    }
}

/* Combine (a, ia) with (b, ib); for argmax the earlier index wins ties.
 * MAX and MIN propagate NaN rather than hide it. */
inline void nz_red_comb(int fn, real *a, int *ia, real b, int ib)
{
    switch (fn) {
    case NZ_RED_MAX: *a = (isnan(*a) || isnan(b)) ? *a + b : fmax(*a, b); break;
    case NZ_RED_MIN: *a = (isnan(*a) || isnan(b)) ? *a + b : fmin(*a, b); break;
    case NZ_RED_ARGMAX:
        if (b > *a || (b == *a && ib < *ia) || *ia < 0) {
            *a = b;
            *ia = ib;
        }
        break;
    default: *a = *a + b; break;
    }
}

/* Segmented reduction: work-group g reduces elements [g*chunk, min((g+1)*chunk,
 * total)) of x.  Used for row reductions (chunk = n) and as the first and
 * second pass of a full reduction.  xi, when has_idx, carries the original
 * indices of the inputs (second pass of a full argmax), else indices count
 * from the segment's start (rel) or from 0; `raw` writes the
 * unscaled partial result and its index for a further pass.  Local arrays are
 * sized by the host from the work-group size, a power of two. */
__kernel void nz_reduce_seg(int fn, long total, long chunk,
                            __global const real *x, long xoff,
                            __global const int *xi, int has_idx, int rel,
                            __global real *out, __global int *outi, long ooff,
                            real alpha, real beta, int bz, int raw,
                            __local real *lv, __local int *li)
{
    long g = get_group_id(0);
    int l = (int)get_local_id(0), ls = (int)get_local_size(0);
    long start = g * chunk, end = min(start + chunk, total);
    real acc = nz_red_init(fn);
    int ai = -1;
    for (long t = start + l; t < end; t += ls) {
        real v = nz_red_map(fn, x[xoff + t]);
        int vi = has_idx ? xi[t] : (int)(rel ? t - start : t);
        nz_red_comb(fn, &acc, &ai, v, vi);
    }
    lv[l] = acc;
    li[l] = ai;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = ls / 2; s > 0; s >>= 1) {
        if (l < s) {
            real a = lv[l];
            int ia = li[l];
            if (li[l + s] >= 0 || fn != NZ_RED_ARGMAX)
                nz_red_comb(fn, &a, &ia, lv[l + s], li[l + s]);
            lv[l] = a;
            li[l] = ia;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (l != 0)
        return;
    if (raw) {
        out[g] = lv[0];
        outi[g] = li[0];
    } else if (fn == NZ_RED_ARGMAX) {
        outi[ooff + g] = li[0] < 0 ? 0 : li[0];
    } else {
        out[ooff + g] = nz_axpby(lv[0], alpha, beta, bz, bz ? (real)0 : out[ooff + g]);
    }
}

/* Column reductions: one work-item per column walks down the rows, so
 * neighbouring work-items read neighbouring addresses. */
__kernel void nz_reduce_cols(int fn, long m, long n, __global const real *x, long xoff,
                             __global real *out, __global int *outi, long ooff,
                             real alpha, real beta, int bz)
{
    long j = get_global_id(0);
    if (j >= n)
        return;
    real acc = nz_red_init(fn);
    int ai = -1;
    for (long i = 0; i < m; i++)
        nz_red_comb(fn, &acc, &ai, nz_red_map(fn, x[xoff + i * n + j]), (int)i);
    if (fn == NZ_RED_ARGMAX)
        outi[ooff + j] = ai < 0 ? 0 : ai;
    else
        out[ooff + j] = nz_axpby(acc, alpha, beta, bz, bz ? (real)0 : out[ooff + j]);
}
