/* NZ_OP_TRSM for one T (see trsm.c). */
#define FN(name) NZ_CAT(name, SFX)

/* Solve the diagonal block rows [i0, i1) in place, row operations over the
 * nrhs columns; `fwd` walks down (effective lower), else up. */
static void FN(trsm_block)(const T *t, int64_t ldt, int trans, int unit, int fwd,
                           T *b, int64_t ldb, int64_t nrhs, int64_t i0, int64_t i1)
{
    for (int64_t s = 0; s < i1 - i0; s++) {
        int64_t i = fwd ? i0 + s : i1 - 1 - s;
        T *restrict bi = b + i * ldb;
        int64_t k0 = fwd ? i0 : i + 1, k1 = fwd ? i : i1;
        for (int64_t k = k0; k < k1; k++) {
            T u = trans ? t[k * ldt + i] : t[i * ldt + k];
            const T *restrict bk = b + k * ldb;
            for (int64_t c = 0; c < nrhs; c++)
                bi[c] -= u * bk[c];
        }
        if (!unit) {
            T d = t[i * ldt + i];
            for (int64_t c = 0; c < nrhs; c++)
                bi[c] /= d;
        }
    }
}

static nz_status FN(trsm)(nz_cpu_dev *dev, const nz_trsm_args *a, const T *t, T *b)
{
    int64_t n = a->n, nrhs = a->nrhs, ldt = a->ldt, ldb = a->ldb;
    /* op(T) is lower when T is lower and not transposed, or upper and transposed */
    int fwd = (a->lower != 0) != (a->trans != 0);
    if (a->alpha != 1) {
        T al = (T)a->alpha;
        for (int64_t i = 0; i < n; i++)
            for (int64_t c = 0; c < nrhs; c++)
                b[i * ldb + c] = al * b[i * ldb + c];
    }
    int64_t nblocks = (n + NZ_TRSM_NB - 1) / NZ_TRSM_NB;
    for (int64_t s = 0; s < nblocks; s++) {
        int64_t blk = fwd ? s : nblocks - 1 - s;
        int64_t i0 = blk * NZ_TRSM_NB, i1 = i0 + NZ_TRSM_NB < n ? i0 + NZ_TRSM_NB : n;
        FN(trsm_block)(t, ldt, a->trans, a->unit_diag, fwd, b, ldb, nrhs, i0, i1);
        /* the rows still to solve:  B[r] -= op(T)[r, i0:i1] X[i0:i1] */
        int64_t r0 = fwd ? i1 : 0, r1 = fwd ? n : i0;
        if (r1 <= r0)
            continue;
        /* op(T)[r, k] is T[r, k], or T[k, r] when transposed */
        const T *u = a->trans ? t + i0 * ldt + r0 : t + r0 * ldt + i0;
        nz_status st = nz_cpu_gemm_host(dev, DT, 1, a->trans, 0, r1 - r0, nrhs, i1 - i0, -1.0,
                                        u, ldt, b + i0 * ldb, ldb, 1.0, b + r0 * ldb, ldb);
        if (st != NZ_OK)
            return st;
    }
    return NZ_OK;
}

#undef FN
