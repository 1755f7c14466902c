/* nazo's own GEMM, written to run well on CPUs through PoCL and still be a
 * reasonable kernel on GPUs.
 *
 * Each work-item owns a register tile of NZ_GEMM_TM rows by 8*NZ_GEMM_VN
 * columns of C (VN real8 per row) and walks the whole k dimension: per k it
 * loads VN contiguous real8 of B and TM scalars of A and issues TM*VN vector
 * mads, the shape of a BLAS micro-kernel.  The vector type gives the
 * compiler explicit SIMD along n; the tile loops are unrolled so the
 * accumulators live in registers; nothing goes through local memory (on CPUs
 * it is ordinary memory plus barriers).
 *
 * B is packed first (nz_gemm_pack_b) into panels of TN columns, each panel k
 * contiguous rows of TN values, zero-padded at the right edge: a work-item
 * then streams one contiguous block instead of touching a new row (on CPUs a
 * new page) of B at every k; trans_b costs nothing extra.  A may be transposed (two kernels).  Batches
 * are the third dimension of the range.  Tiles that stick out of C take a
 * guarded scalar path so any m, n work. */
/* NZ_GEMM_TM (rows of C per work-item) and NZ_GEMM_VN (real8 vectors per
 * row: 8*VN columns) come from the host's build options. */
#define NZ_GEMM_TN (8 * NZ_GEMM_VN)

/* mad() may be a separate multiply and add (it is on PoCL, where the
 * program turns contraction off); fma() is one instruction where the device
 * has it in hardware (the host passes NZ_HAVE_FMA when CL_DEVICE_SINGLE_FP_CONFIG
 * lists CL_FP_FMA without CL_FP_SOFT_FLOAT, or the compiler defines
 * FP_FAST_FMA*), and slow software elsewhere. */
#if NZ_HAVE_FMA || (NZ_F64 ? defined(FP_FAST_FMA) : defined(FP_FAST_FMAF))
#define NZ_MAD(a, b, c) fma(a, b, c)
#else
#define NZ_MAD(a, b, c) mad(a, b, c)
#endif

/* Dimension 0 walks down the rows of C, so consecutive work-groups reuse the
 * same strip of B (k x TN) from cache while A streams by. */
#define NZ_GEMM_KERNEL(NAME, AIDX)                                              \
__kernel void NAME(long m, long n, long k,                                      \
                   __global const real *a, long aoff, long lda, long sa,        \
                   __global const real *b, long sb,                             \
                   __global real *c, long coff, long ldc, long sc,              \
                   real alpha, real beta, int bz)                               \
{                                                                               \
    long i0 = (long)get_global_id(0) * NZ_GEMM_TM;                              \
    long j0 = (long)get_global_id(1) * NZ_GEMM_TN;                              \
    long bt = get_global_id(2);                                                 \
    if (i0 >= m || j0 >= n)                                                     \
        return;                                                                 \
    a += aoff + bt * sa;                                                        \
    c += coff + bt * sc;                                                        \
    /* This work-item's panel of packed B: k rows of TN values. */              \
    __global const real *bp = b + bt * sb + (j0 / NZ_GEMM_TN) * k * NZ_GEMM_TN; \
    if (i0 + NZ_GEMM_TM <= m && j0 + NZ_GEMM_TN <= n) {                         \
        real8 acc[NZ_GEMM_TM][NZ_GEMM_VN];                                      \
        _Pragma("unroll") for (int r = 0; r < NZ_GEMM_TM; r++)                  \
            _Pragma("unroll") for (int v = 0; v < NZ_GEMM_VN; v++)              \
                acc[r][v] = (real8)0;                                           \
        for (long p = 0; p < k; p++) {                                          \
            real8 bv[NZ_GEMM_VN];                                               \
            _Pragma("unroll") for (int v = 0; v < NZ_GEMM_VN; v++)              \
                bv[v] = vload8(v, bp + p * NZ_GEMM_TN);                         \
            _Pragma("unroll") for (int r = 0; r < NZ_GEMM_TM; r++) {            \
                real8 av = (real8)(a[AIDX(i0 + r, p)]);                         \
                _Pragma("unroll") for (int v = 0; v < NZ_GEMM_VN; v++)          \
                    acc[r][v] = NZ_MAD(av, bv[v], acc[r][v]);                   \
            }                                                                   \
        }                                                                       \
        _Pragma("unroll") for (int r = 0; r < NZ_GEMM_TM; r++)                  \
            _Pragma("unroll") for (int v = 0; v < NZ_GEMM_VN; v++) {            \
                __global real *cr = c + (i0 + r) * ldc + j0 + 8 * v;            \
                real8 o = alpha * acc[r][v];                                    \
                if (!bz)                                                        \
                    o = o + beta * vload8(0, cr);                               \
                vstore8(o, 0, cr);                                              \
            }                                                                   \
        return;                                                                 \
    }                                                                           \
    for (int r = 0; r < NZ_GEMM_TM; r++) {                                      \
        long i = i0 + r;                                                        \
        if (i >= m)                                                             \
            break;                                                              \
        for (int q = 0; q < NZ_GEMM_TN; q++) {                                  \
            long j = j0 + q;                                                    \
            if (j >= n)                                                         \
                break;                                                          \
            real s = 0;                                                         \
            for (long p = 0; p < k; p++)                                        \
                s = NZ_MAD(a[AIDX(i, p)], bp[p * NZ_GEMM_TN + q], s);           \
            __global real *cp = c + i * ldc + j;                                \
            *cp = bz ? alpha * s : alpha * s + beta * *cp;                      \
        }                                                                       \
    }                                                                           \
}

#define NZ_A_N(i, p) ((i) * lda + (p))
#define NZ_A_T(i, p) ((p) * lda + (i))
NZ_GEMM_KERNEL(nz_gemm_n, NZ_A_N)
NZ_GEMM_KERNEL(nz_gemm_t, NZ_A_T)

/* Pack op(B_b) (k x n) into panels: out[b][jb][p][q] = op(B_b)(p, jb*TN + q),
 * 0 beyond n.  Dimension 0 runs over the padded columns, 1 over k, 2 over
 * batches. */
__kernel void nz_gemm_pack_b(long k, long n, int trans, __global const real *b, long boff,
                             long ldb, long sb, __global real *out)
{
    long j = get_global_id(0), p = get_global_id(1), bt = get_global_id(2);
    long npan = (n + NZ_GEMM_TN - 1) / NZ_GEMM_TN;
    if (p >= k || j >= npan * NZ_GEMM_TN)
        return;
    long jb = j / NZ_GEMM_TN, q = j - jb * NZ_GEMM_TN;
    __global const real *bb = b + boff + bt * sb;
    real v = j < n ? (trans ? bb[j * ldb + p] : bb[p * ldb + j]) : (real)0;
    out[bt * npan * k * NZ_GEMM_TN + (jb * k + p) * NZ_GEMM_TN + q] = v;
}

/* C_b = 0 over the m x n window of every batch: CLBlast computes
 * alpha*AB + beta*C literally, so for beta == 0 the host clears C first and
 * NaN already in C cannot leak through 0*NaN. */
__kernel void nz_zero2d_batched(long m, long n, __global real *c, long coff, long ldc, long sc)
{
    long j = get_global_id(0), i = get_global_id(1), b = get_global_id(2);
    if (i < m && j < n)
        c[coff + b * sc + i * ldc + j] = (real)0;
}
