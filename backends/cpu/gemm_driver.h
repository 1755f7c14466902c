/* The GEMM driver, instantiated by gemm.c for T = float (SFX f32) and
 * T = double (SFX f64).
 *
 * Loop order (BLIS): jc over NC columns, pc over KC, ic over row strips; B's
 * KC x NC panel and A's strip are packed once (in parallel), then the macro
 * tiles (MC rows x JB columns) are spread over the threads.  The blocking
 * never depends on the thread count, and each C element is summed by one
 * micro-kernel call per KC block in the same order, so results are bitwise
 * identical for any NAZO_CPU_THREADS. */

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(name, SFX)
#define CFG CAT(nz_gemm_cfg, SFX)

/* Rows of A packed at once; bounds the packed-A memory for tall matrices. */
#define MB_BLOCKS 8

typedef struct FN(gemm_job) {
    const CFG *cfg;
    int ta, tb;
    const T *a, *b;
    T *c;
    int64_t lda, ldb, ldc;
    int64_t m, n;
    T alpha, beta;              /* beta of the current KC block */
    int64_t pc, kc;             /* current K block */
    int64_t jc, nc;             /* current N block */
    int64_t ic0, mb;            /* current strip of rows */
    T *ap, *bp;                 /* packed A strip, packed B panel */
    int64_t njb, jb;            /* macro tiles: JB columns each */
} FN(gemm_job);

/* Panels packed per task. */
#define PACK_GROUP 8

static void FN(pack_a_task)(void *vctx, int64_t t, int worker)
{
    (void)worker;
    FN(gemm_job) *j = vctx;
    const int mr = j->cfg->mr;
    int64_t npanels = (j->mb + mr - 1) / mr;
    int64_t p0 = t * PACK_GROUP, p1 = p0 + PACK_GROUP < npanels ? p0 + PACK_GROUP : npanels;
    for (int64_t q = p0; q < p1; q++) {
        T *restrict dst = j->ap + q * mr * j->kc;
        int64_t i0 = j->ic0 + q * mr;
        int rows = (int)(j->m - i0 < mr ? j->m - i0 : mr);
        if (!j->ta) {
            for (int r = 0; r < rows; r++) {
                const T *restrict src = j->a + (i0 + r) * j->lda + j->pc;
                for (int64_t p = 0; p < j->kc; p++)
                    dst[p * mr + r] = src[p];
            }
        } else {
            for (int64_t p = 0; p < j->kc; p++) {
                const T *restrict src = j->a + (j->pc + p) * j->lda + i0;
                for (int r = 0; r < rows; r++)
                    dst[p * mr + r] = src[r];
            }
        }
        /* zero rows past the edge so the kernel's extra lanes add nothing */
        for (int r = rows; r < mr; r++)
            for (int64_t p = 0; p < j->kc; p++)
                dst[p * mr + r] = 0;
    }
}

static void FN(pack_b_task)(void *vctx, int64_t t, int worker)
{
    (void)worker;
    FN(gemm_job) *j = vctx;
    const int nr = j->cfg->nr;
    int64_t npanels = (j->nc + nr - 1) / nr;
    int64_t p0 = t * PACK_GROUP, p1 = p0 + PACK_GROUP < npanels ? p0 + PACK_GROUP : npanels;
    for (int64_t q = p0; q < p1; q++) {
        T *restrict dst = j->bp + q * nr * j->kc;
        int64_t j0 = j->jc + q * nr;
        int cols = (int)(j->n - j0 < nr ? j->n - j0 : nr);
        if (!j->tb) {
            for (int64_t p = 0; p < j->kc; p++) {
                const T *restrict src = j->b + (j->pc + p) * j->ldb + j0;
                T *restrict d = dst + p * nr;
                int cc = 0;
                for (; cc < cols; cc++)
                    d[cc] = src[cc];
                for (; cc < nr; cc++)
                    d[cc] = 0;
            }
        } else {
            for (int cc = 0; cc < cols; cc++) {
                const T *restrict src = j->b + (j0 + cc) * j->ldb + j->pc;
                for (int64_t p = 0; p < j->kc; p++)
                    dst[p * nr + cc] = src[p];
            }
            for (int cc = cols; cc < nr; cc++)
                for (int64_t p = 0; p < j->kc; p++)
                    dst[p * nr + cc] = 0;
        }
    }
}

static void FN(macro_tile_task)(void *vctx, int64_t t, int worker)
{
    (void)worker;
    FN(gemm_job) *j = vctx;
    const CFG *cfg = j->cfg;
    const int mr = cfg->mr, nr = cfg->nr;
    int64_t ib = t / j->njb, jb = t % j->njb;
    int64_t r0 = ib * cfg->mc, r1 = r0 + cfg->mc < j->mb ? r0 + cfg->mc : j->mb;
    int64_t c0 = jb * j->jb, c1 = c0 + j->jb < j->nc ? c0 + j->jb : j->nc;
    _Alignas(64) T tile[NZ_GEMM_MAX_TILE];
    for (int64_t jr = c0; jr < c1; jr += nr) {
        const T *bp = j->bp + (jr / nr) * nr * j->kc;
        int ne = (int)(j->nc - jr < nr ? j->nc - jr : nr);
        for (int64_t ir = r0; ir < r1; ir += mr) {
            const T *ap = j->ap + (ir / mr) * mr * j->kc;
            int me = (int)(j->mb - ir < mr ? j->mb - ir : mr);
            T *c = j->c + (j->ic0 + ir) * j->ldc + j->jc + jr;
            if (me == mr && ne == nr) {
                cfg->kernel(j->kc, ap, bp, c, j->ldc, j->alpha, j->beta);
                continue;
            }
            cfg->kernel(j->kc, ap, bp, tile, nr, (T)1, (T)0);
            for (int r = 0; r < me; r++)
                for (int cc = 0; cc < ne; cc++) {
                    T v = j->alpha * tile[r * nr + cc];
                    c[r * j->ldc + cc] = j->beta == 0 ? v : v + j->beta * c[r * j->ldc + cc];
                }
        }
    }
}

static void FN(run_tasks)(nz_cpu_dev *dev, int parallel, int64_t n, nz_cpu_task_fn fn, void *ctx)
{
    if (parallel)
        nz_cpu_pool_run(dev->pool, n, fn, ctx);
    else
        for (int64_t t = 0; t < n; t++)
            fn(ctx, t, 0);
}

/* Packing memory for an m x n x k product: the A strip and the B panel. */
static size_t FN(gemm_scratch_bytes)(const CFG *cfg, int64_t m, int64_t n, int64_t k)
{
    int64_t kc = k < cfg->kc ? k : cfg->kc;
    int64_t mrows = (m + cfg->mr - 1) / cfg->mr * cfg->mr;
    int64_t mbmax = cfg->mc * MB_BLOCKS;
    if (mrows > mbmax)
        mrows = mbmax;
    int64_t ncols = (n + cfg->nr - 1) / cfg->nr * cfg->nr;
    if (ncols > cfg->nc)
        ncols = cfg->nc;
    size_t abytes = ((size_t)(mrows * kc) * sizeof(T) + 63) / 64 * 64;
    return abytes + (size_t)(kc * ncols) * sizeof(T);
}

/* C = alpha*op(A)*op(B) + beta*C for one matrix; `scratch` holds
 * gemm_scratch_bytes(). */
static void FN(gemm_one)(nz_cpu_dev *dev, int parallel, const CFG *cfg, void *scratch,
                         int ta, int tb, int64_t m, int64_t n, int64_t k, T alpha,
                         const T *a, int64_t lda, const T *b, int64_t ldb, T beta,
                         T *c, int64_t ldc)
{
    if (m <= 0 || n <= 0)
        return;
    if (k <= 0) {
        /* op(A)*op(B) contributes nothing: C = beta*C (not read when beta == 0) */
        for (int64_t i = 0; i < m; i++)
            for (int64_t jj = 0; jj < n; jj++)
                c[i * ldc + jj] = beta == 0 ? (T)0 : beta * c[i * ldc + jj];
        return;
    }
    FN(gemm_job) job = {0};
    job.cfg = cfg;
    job.ta = ta;
    job.tb = tb;
    job.a = a;
    job.b = b;
    job.c = c;
    job.lda = lda;
    job.ldb = ldb;
    job.ldc = ldc;
    job.m = m;
    job.n = n;
    job.alpha = alpha;
    int64_t kcmax = k < cfg->kc ? k : cfg->kc;
    int64_t mrows = (m + cfg->mr - 1) / cfg->mr * cfg->mr;
    int64_t mbmax = cfg->mc * MB_BLOCKS;
    if (mrows > mbmax)
        mrows = mbmax;
    size_t abytes = ((size_t)(mrows * kcmax) * sizeof(T) + 63) / 64 * 64;
    job.ap = scratch;
    job.bp = (T *)((char *)scratch + abytes);
    /* Macro tiles of 8 micro-panels keep the B sliver hot across the row loop. */
    job.jb = 8 * (int64_t)cfg->nr;
    for (int64_t jc = 0; jc < n; jc += cfg->nc) {
        job.jc = jc;
        job.nc = n - jc < cfg->nc ? n - jc : cfg->nc;
        job.njb = (job.nc + job.jb - 1) / job.jb;
        for (int64_t pc = 0; pc < k; pc += cfg->kc) {
            job.pc = pc;
            job.kc = k - pc < cfg->kc ? k - pc : cfg->kc;
            job.beta = pc == 0 ? beta : (T)1;
            int64_t nbp = (job.nc + cfg->nr - 1) / cfg->nr;
            FN(run_tasks)(dev, parallel, (nbp + PACK_GROUP - 1) / PACK_GROUP,
                          FN(pack_b_task), &job);
            for (int64_t ic0 = 0; ic0 < m; ic0 += mbmax) {
                job.ic0 = ic0;
                job.mb = m - ic0 < mbmax ? m - ic0 : mbmax;
                int64_t nap = (job.mb + cfg->mr - 1) / cfg->mr;
                FN(run_tasks)(dev, parallel, (nap + PACK_GROUP - 1) / PACK_GROUP,
                              FN(pack_a_task), &job);
                int64_t nib = (job.mb + cfg->mc - 1) / cfg->mc;
                FN(run_tasks)(dev, parallel, nib * job.njb, FN(macro_tile_task), &job);
            }
        }
    }
}

/* ---- batched entry ---------------------------------------------------- */

typedef struct FN(batch_job) {
    nz_cpu_dev *dev;
    const CFG *cfg;
    const nz_gemm_args *g;
    const T *a, *b;
    T *c;
} FN(batch_job);

static void FN(batch_task)(void *vctx, int64_t t, int worker)
{
    FN(batch_job) *bj = vctx;
    const nz_gemm_args *g = bj->g;
    /* scratch was sized before the loop, so this cannot fail */
    void *scratch = bj->dev->scratch[worker].mem;
    FN(gemm_one)(bj->dev, 0, bj->cfg, scratch, g->trans_a, g->trans_b, g->m, g->n, g->k,
                 (T)g->alpha, bj->a + t * g->stride_a, g->lda, bj->b + t * g->stride_b, g->ldb,
                 (T)g->beta, bj->c + t * g->stride_c, g->ldc);
}

/* Below this many flops one thread does a whole GEMM. */
#define PARALLEL_FLOPS (1 << 22)

static nz_status FN(gemm_batched)(nz_cpu_dev *dev, const CFG *cfg, const nz_gemm_args *g,
                                  const T *a, const T *b, T *c)
{
    double flops = 2.0 * (double)g->m * (double)g->n * (double)g->k;
    size_t need = FN(gemm_scratch_bytes)(cfg, g->m, g->n, g->k);
    int big = dev->threads > 1 && flops >= PARALLEL_FLOPS;
    if (!big && g->batch > 1 && dev->threads > 1) {
        /* many small products: one whole product per task */
        for (int w = 0; w < dev->threads; w++)
            if (!nz_cpu_scratch_get(dev, w, need))
                return nz_error(NZ_ERR_NOMEM, "cpu gemm: out of memory for %zu bytes of packing "
                                "buffers", need);
        FN(batch_job) bj = {dev, cfg, g, a, b, c};
        nz_cpu_pool_run(dev->pool, g->batch, FN(batch_task), &bj);
        return NZ_OK;
    }
    void *scratch = nz_cpu_scratch_get(dev, dev->threads, need);
    if (!scratch)
        return nz_error(NZ_ERR_NOMEM, "cpu gemm: out of memory for %zu bytes of packing buffers",
                        need);
    for (int64_t t = 0; t < g->batch; t++)
        FN(gemm_one)(dev, big, cfg, scratch, g->trans_a, g->trans_b, g->m, g->n, g->k,
                     (T)g->alpha, a + t * g->stride_a, g->lda, b + t * g->stride_b, g->ldb,
                     (T)g->beta, c + t * g->stride_c, g->ldc);
    return NZ_OK;
}

static nz_status FN(gemm_host)(nz_cpu_dev *dev, const CFG *cfg, int parallel, int ta, int tb,
                               int64_t m, int64_t n, int64_t k, T alpha, const T *a,
                               int64_t lda, const T *b, int64_t ldb, T beta, T *c, int64_t ldc)
{
    size_t need = FN(gemm_scratch_bytes)(cfg, m, n, k);
    /* the shared slot: never called from inside a pool task */
    void *scratch = nz_cpu_scratch_get(dev, dev->threads, need);
    if (!scratch)
        return nz_error(NZ_ERR_NOMEM, "cpu gemm: out of memory for %zu bytes of packing buffers",
                        need);
    double flops = 2.0 * (double)m * (double)n * (double)k;
    FN(gemm_one)(dev, parallel && dev->threads > 1 && flops >= PARALLEL_FLOPS, cfg, scratch,
                 ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return NZ_OK;
}

#undef CFG
#undef FN
#undef CAT
#undef CAT_
#undef MB_BLOCKS
#undef PACK_GROUP
#undef PARALLEL_FLOPS
