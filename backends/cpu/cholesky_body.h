/* NZ_OP_CHOLESKY for one T (see cholesky.c). */
#define FN(name) NZ_CAT(name, SFX)

/* Unblocked factor of the kb x kb diagonal block at d (its earlier columns
 * already subtracted), dot products in double.  Returns 0 or the 1-based
 * failing column within the block. */
static int64_t FN(chol_diag)(T *d, int64_t lda, int64_t kb)
{
    for (int64_t j = 0; j < kb; j++) {
        T *rj = d + j * lda;
        double s = (double)rj[j];
        for (int64_t p = 0; p < j; p++)
            s -= (double)rj[p] * (double)rj[p];
        if (!(s > 0)) /* also catches NaN */
            return j + 1;
        double l = sqrt(s);
        rj[j] = (T)l;
        for (int64_t i = j + 1; i < kb; i++) {
            T *ri = d + i * lda;
            double t = (double)ri[j];
            for (int64_t p = 0; p < j; p++)
                t -= (double)ri[p] * (double)rj[p];
            ri[j] = (T)(t / l);
        }
    }
    return 0;
}

typedef struct FN(chol_panel) {
    T *a;
    int64_t lda, k0, kb;
    const double *lt;           /* L11 transposed (kb x kb), upper triangle */
} FN(chol_panel);

/* Rows below the diagonal block: L21 = A21 L11^-T, each row solved in a
 * double copy, column by column; the updates run along the row (axpy over the
 * transposed L11), which vectorizes where dot products would not. */
static void FN(chol_panel_rows)(void *vctx, int64_t r0, int64_t r1)
{
    FN(chol_panel) *p = vctx;
    int64_t kb = p->kb;
    double xd[NZ_CHOL_NB];
    for (int64_t r = r0; r < r1; r++) {
        T *x = p->a + r * p->lda + p->k0;
        for (int64_t j = 0; j < kb; j++)
            xd[j] = (double)x[j];
        for (int64_t j = 0; j < kb; j++) {
            const double *restrict lj = p->lt + j * kb;
            double v = xd[j] / lj[j];
            xd[j] = v;
            for (int64_t q = j + 1; q < kb; q++)
                xd[q] -= v * lj[q];
        }
        for (int64_t j = 0; j < kb; j++)
            x[j] = (T)xd[j];
    }
}

static nz_status FN(cholesky)(nz_cpu_dev *dev, T *a, int64_t n, int64_t lda, int32_t *info)
{
    *info = 0;
    static _Thread_local double lt[NZ_CHOL_NB * NZ_CHOL_NB];
    for (int64_t k0 = 0; k0 < n; k0 += NZ_CHOL_NB) {
        int64_t kb = n - k0 < NZ_CHOL_NB ? n - k0 : NZ_CHOL_NB;
        int64_t bad = FN(chol_diag)(a + k0 * lda + k0, lda, kb);
        if (bad) {
            *info = (int32_t)(k0 + bad);
            return NZ_OK;
        }
        int64_t rest = n - (k0 + kb);
        if (rest == 0)
            break;
        /* the panel, in parallel over rows (row 0 of the job is row k0+kb) */
        const T *l11 = a + k0 * lda + k0;
        for (int64_t j = 0; j < kb; j++)
            for (int64_t q = j; q < kb; q++)
                lt[j * kb + q] = (double)l11[q * lda + j];
        FN(chol_panel) p = {a, lda, k0, kb, lt};
        nz_cpu_parallel_rows_offset(dev, k0 + kb, n, kb * kb / 2, FN(chol_panel_rows), &p);
        /* trailing update A22 -= L21 L21^T, lower triangle only, per block
         * column by GEMM: the square diagonal part goes through a buffer (its
         * upper half is the matrix's strict upper triangle, which must stay
         * untouched), everything below it straight into A */
        for (int64_t j0 = k0 + kb; j0 < n; j0 += NZ_CHOL_NB) {
            int64_t jb = n - j0 < NZ_CHOL_NB ? n - j0 : NZ_CHOL_NB;
            T *tmp = nz_cpu_scratch_get(dev, 0, (size_t)(jb * jb) * sizeof(T));
            if (!tmp)
                return nz_error(NZ_ERR_NOMEM, "cpu cholesky: out of memory for a %lld x %lld "
                                "block", (long long)jb, (long long)jb);
            const T *lj = a + j0 * lda + k0;
            nz_status s = nz_cpu_gemm_host(dev, DT, 1, 0, 1, jb, jb, kb, 1.0, lj, lda, lj, lda,
                                           0.0, tmp, jb);
            if (s != NZ_OK)
                return s;
            for (int64_t i = 0; i < jb; i++)
                for (int64_t j = 0; j <= i; j++)
                    a[(j0 + i) * lda + j0 + j] -= tmp[i * jb + j];
            int64_t below = n - (j0 + jb);
            if (below > 0) {
                s = nz_cpu_gemm_host(dev, DT, 1, 0, 1, below, jb, kb, -1.0,
                                               a + (j0 + jb) * lda + k0, lda,
                                               a + j0 * lda + k0, lda, 1.0,
                                               a + (j0 + jb) * lda + j0, lda);
                if (s != NZ_OK)
                    return s;
            }
        }
    }
    return NZ_OK;
}

#undef FN
