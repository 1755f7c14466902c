/* Dense linear algebra for kernel methods: Cholesky and triangular solve.
 *
 * Cholesky is right-looking, one column per step, three small kernels per
 * step enqueued by the host; a failed pivot records k+1 in info and the
 * remaining steps do nothing.  Simple, and correct on every device. */

__kernel void nz_chol_diag(long j, __global real *a, long aoff, long lda,
                           __global int *info, long ioff)
{
    if (get_global_id(0) != 0 || info[ioff] != 0)
        return;
    real d = a[aoff + j * lda + j];
    if (!(d > (real)0)) { /* also catches NaN */
        info[ioff] = (int)(j + 1);
        return;
    }
    a[aoff + j * lda + j] = sqrt(d);
}

__kernel void nz_chol_scale(long n, long j, __global real *a, long aoff, long lda,
                            __global const int *info, long ioff)
{
    long i = j + 1 + get_global_id(0);
    if (i >= n || info[ioff] != 0)
        return;
    a[aoff + i * lda + j] /= a[aoff + j * lda + j];
}

/* Trailing update of the lower triangle: a[i,k] -= a[i,j]*a[k,j], j < k <= i. */
__kernel void nz_chol_update(long n, long j, __global real *a, long aoff, long lda,
                             __global const int *info, long ioff)
{
    long k = j + 1 + get_global_id(0), i = j + 1 + get_global_id(1);
    if (i >= n || k > i || info[ioff] != 0)
        return;
    a[aoff + i * lda + k] -= a[aoff + i * lda + j] * a[aoff + k * lda + j];
}

/* op(T) X = alpha B, one work-item per right-hand side (column of B) doing
 * the whole substitution: neighbouring work-items touch neighbouring
 * addresses of B, and no synchronisation is needed. */
__kernel void nz_trsm(int lower, int trans, int unit_diag, long n, long nrhs,
                      __global const real *t, long toff, long ldt,
                      __global real *b, long boff, long ldb, real alpha)
{
    long c = get_global_id(0);
    if (c >= nrhs)
        return;
    /* op(T) is lower triangular when lower and not trans, or upper and
     * trans: then substitute forwards, else backwards.  Rows already solved
     * hold x in place of b. */
    int eff_lower = lower != trans;
    for (long s = 0; s < n; s++) {
        long i = eff_lower ? s : n - 1 - s;
        real acc = alpha * b[boff + i * ldb + c];
        long k0 = eff_lower ? 0 : i + 1, k1 = eff_lower ? i : n;
        for (long k = k0; k < k1; k++) {
            real tik = trans ? t[toff + k * ldt + i] : t[toff + i * ldt + k];
            acc -= tik * b[boff + k * ldb + c];
        }
        if (!unit_diag)
            acc /= t[toff + i * ldt + i];
        b[boff + i * ldb + c] = acc;
    }
}
