/* The GEMM driver, instantiated by gemm.c for T = float (SFX f32) and
 * T = double (SFX f64).
 *
 * Loop order: row strips of A (all of K packed at once, in parallel), then
 * column blocks of B, then KC blocks of K; for each KC block the macro tiles
 * (row range x group of B micro-panels, each task packing its own KC block
 * of B) are spread over the threads, one pool loop per KC block.  The
 * blocking never depends on the thread count, and each C element is summed
 * by one micro-kernel call per KC block in the same order, so results are
 * bitwise identical for any NAZO_CPU_THREADS.
 *
 * A product whose N is much narrower than the register tile (a 10-class
 * output layer: N = 10 in a 32-wide tile) is computed transposed,
 * C^T = op(B)^T op(A)^T, so that its long side fills the vectors; the choice
 * depends on the shape only. */

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(name, SFX)
#define CFG CAT(nz_gemm_cfg, SFX)

/* Packing budget (elements of T) for the A strip, and the width of a
 * column block: a strip holds MB x K elements and a block K x NB, MB and NB
 * chosen from K.  16 MiB of f32: a 2048 x 2048 A is one strip, so B is
 * packed once (every further strip packs all of B again).  Fixed, so that
 * the blocking (and the result) never depends on the thread count. */
#define PACK_ELEMS ((int64_t)1 << 22)

typedef struct FN(gemm_job) {
    const CFG *cfg;
    int ta, tb;
    const T *a, *b;
    T *c;
    int64_t lda, ldb;
    int64_t c_rs, c_cs;         /* C(i, j) is c[i*c_rs + j*c_cs] */
    int64_t m, n, k;
    T alpha, beta;
    int64_t jc, nc;             /* current block of columns */
    int64_t pc;                 /* current K block */
    int64_t ic0, mb;            /* current strip of rows */
    T *ap;                      /* packed A strip (all of K) */
    T *bbuf;                    /* per worker: one K block of a B column group */
    size_t bbuf_elems;
    int64_t nap, nbp;           /* micro-panels of A and of B */
    int64_t nsb, njb;           /* tasks: nsb row ranges x njb column groups */
} FN(gemm_job);

/* Micro-panels packed per task. */
#define PACK_GROUP 4

/* Packed K block starting at pc holds `rows` padded rows x kc values; earlier
 * blocks are all KC deep, so it starts at pc * rows. */

static void FN(pack_a_panel)(FN(gemm_job) *j, int64_t q, int64_t pc, int64_t kc)
{
    const int mr = j->cfg->mr;
    T *restrict dst = j->ap + pc * (j->nap * mr) + q * mr * kc;
    int64_t i0 = j->ic0 + q * mr;
    int rows = (int)(j->m - i0 < mr ? j->m - i0 : mr);
    if (j->cfg->pack_a) {
        j->cfg->pack_a(j->ta, j->a, j->lda, i0, rows, pc, kc, dst);
        return;
    }
    if (!j->ta) {
        for (int r = 0; r < rows; r++) {
            const T *restrict src = j->a + (i0 + r) * j->lda + pc;
            for (int64_t p = 0; p < kc; p++)
                dst[p * mr + r] = src[p];
        }
    } else {
        for (int64_t p = 0; p < kc; p++) {
            const T *restrict src = j->a + (pc + p) * j->lda + i0;
            for (int r = 0; r < rows; r++)
                dst[p * mr + r] = src[r];
        }
    }
    /* zero rows past the edge so the kernel's extra lanes add nothing */
    for (int r = rows; r < mr; r++)
        for (int64_t p = 0; p < kc; p++)
            dst[p * mr + r] = 0;
}

static void FN(pack_b_panel)(FN(gemm_job) *j, int64_t q, int64_t pc, int64_t kc,
                             T *restrict dst)
{
    const int nr = j->cfg->nr;
    int64_t j0 = j->jc + q * nr;
    int cols = (int)(j->n - j0 < nr ? j->n - j0 : nr);
    if (j->cfg->pack_b) {
        j->cfg->pack_b(j->tb, j->b, j->ldb, j0, cols, pc, kc, dst);
        return;
    }
    if (!j->tb) {
        for (int64_t p = 0; p < kc; p++) {
            const T *restrict src = j->b + (pc + p) * j->ldb + j0;
            T *restrict d = dst + p * nr;
            int cc = 0;
            for (; cc < cols; cc++)
                d[cc] = src[cc];
            for (; cc < nr; cc++)
                d[cc] = 0;
        }
    } else {
        for (int cc = 0; cc < cols; cc++) {
            const T *restrict src = j->b + (j0 + cc) * j->ldb + pc;
            for (int64_t p = 0; p < kc; p++)
                dst[p * nr + cc] = src[p];
        }
        for (int cc = cols; cc < nr; cc++)
            for (int64_t p = 0; p < kc; p++)
                dst[p * nr + cc] = 0;
    }
}

/* Task t packs PACK_GROUP micro-panels of A, all K. */
static void FN(pack_a_task)(void *vctx, int64_t t, int worker)
{
    (void)worker;
    FN(gemm_job) *j = vctx;
    int64_t p0 = t * PACK_GROUP, p1 = p0 + PACK_GROUP < j->nap ? p0 + PACK_GROUP : j->nap;
    for (int64_t pc = 0; pc < j->k; pc += j->cfg->kc) {
        int64_t kc = j->k - pc < j->cfg->kc ? j->k - pc : j->cfg->kc;
        for (int64_t q = p0; q < p1; q++)
            FN(pack_a_panel)(j, q, pc, kc);
    }
}

/* One task: a range of rows x a group of B micro-panels, for the current K
 * block.  The task packs its group's K block of B into its own buffer
 * (L2-sized: it is used right away by every row of the range, MC rows of
 * packed A at a time).  K blocks run in order, one loop over the tasks
 * each, so every C element sees the same sequence of kernel calls whatever
 * the split. */
static void FN(macro_tile_task)(void *vctx, int64_t t, int worker)
{
    FN(gemm_job) *j = vctx;
    const CFG *cfg = j->cfg;
    const int mr = cfg->mr, nr = cfg->nr;
    int64_t sb = t / j->njb, jb = t % j->njb;
    int64_t nmc = (j->mb + cfg->mc - 1) / cfg->mc;
    int64_t b0 = sb * nmc / j->nsb, b1 = (sb + 1) * nmc / j->nsb;
    int64_t q0 = jb * j->nbp / j->njb, q1 = (jb + 1) * j->nbp / j->njb;
    T *bw = j->bbuf + (size_t)worker * j->bbuf_elems;
    _Alignas(64) T tile[NZ_GEMM_MAX_TILE];
    const int64_t pc = j->pc, kc = j->k - pc < cfg->kc ? j->k - pc : cfg->kc;
    const T beta = pc == 0 ? j->beta : (T)1;
    const T *apk = j->ap + pc * (j->nap * mr);
    for (int64_t q = q0; q < q1; q++)
        FN(pack_b_panel)(j, q, pc, kc, bw + (q - q0) * nr * kc);
    for (int64_t ib = b0; ib < b1; ib++) {
        int64_t r0 = ib * cfg->mc, r1 = r0 + cfg->mc < j->mb ? r0 + cfg->mc : j->mb;
        for (int64_t q = q0; q < q1; q++) {
            int64_t jr = q * nr;
            const T *bp = bw + (q - q0) * nr * kc;
            int ne = (int)(j->nc - jr < nr ? j->nc - jr : nr);
            for (int64_t ir = r0; ir < r1; ir += mr) {
                const T *ap = apk + (ir / mr) * mr * kc;
                int me = (int)(j->mb - ir < mr ? j->mb - ir : mr);
                T *c = j->c + (j->ic0 + ir) * j->c_rs + (j->jc + jr) * j->c_cs;
                if (me == mr && ne == nr && j->c_cs == 1) {
                    /* C's rows lie ldc apart, often a power of two: they miss
                     * every cache, and the kernel's last loads would wait for
                     * all of them at once.  Fetch them now, while the kernel
                     * runs through kc steps. */
                    for (int r = 0; r < mr; r++) {
                        __builtin_prefetch(c + r * j->c_rs, 1);
                        __builtin_prefetch(c + r * j->c_rs + nr - 1, 1);
                    }
                    cfg->kernel(kc, ap, bp, c, j->c_rs, j->alpha, beta);
                    continue;
                }
                if (cfg->part && j->c_cs == 1) {
                    cfg->part(me, ne, kc, ap, bp, c, j->c_rs, j->alpha, beta);
                    continue;
                }
                cfg->kernel(kc, ap, bp, tile, nr, (T)1, (T)0);
                for (int r = 0; r < me; r++)
                    for (int cc = 0; cc < ne; cc++) {
                        T v = j->alpha * tile[r * nr + cc];
                        T *cv = c + r * j->c_rs + cc * j->c_cs;
                        *cv = beta == 0 ? v : v + beta * *cv;
                    }
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

/* Fraction of a register tile's lanes that hold elements of an m x n C. */
static double FN(tile_fill)(const CFG *cfg, int64_t m, int64_t n)
{
    int64_t mp = (m + cfg->mr - 1) / cfg->mr * cfg->mr, np = (n + cfg->nr - 1) / cfg->nr * cfg->nr;
    return (double)m / (double)mp * (double)n / (double)np;
}

/* Compute C^T instead of C: when that fills the tiles clearly better (it
 * costs a strided write of C through the tile buffer). */
static int FN(gemm_swaps)(const CFG *cfg, int64_t m, int64_t n)
{
    return n < cfg->nr && FN(tile_fill)(cfg, n, m) > 1.5 * FN(tile_fill)(cfg, m, n);
}

/* Rows of a packed A strip and columns of a block of C: as many as the
 * budget allows with all of K packed, at least one MC block / micro-panel. */
static void FN(gemm_strip)(const CFG *cfg, int64_t m, int64_t n, int64_t k, int64_t *mbmax,
                           int64_t *nbmax)
{
    int64_t kk = k > 0 ? k : 1;
    int64_t mb = PACK_ELEMS / kk / cfg->mc * cfg->mc;
    int64_t nb = PACK_ELEMS / kk / cfg->nr * cfg->nr;
    mb = mb < cfg->mc ? cfg->mc : mb;
    nb = nb < cfg->nr ? cfg->nr : nb;
    int64_t mrows = (m + cfg->mr - 1) / cfg->mr * cfg->mr;
    int64_t ncols = (n + cfg->nr - 1) / cfg->nr * cfg->nr;
    *mbmax = mrows < mb ? mrows : mb;
    *nbmax = ncols < nb ? ncols : nb;
}

/* Micro-panels in a column group at most. */
#define GROUP_PANELS 8

/* Elements of one worker's B buffer: a KC block of a column group. */
static size_t FN(gemm_bbuf_elems)(const CFG *cfg, int64_t k)
{
    int64_t kc = k < cfg->kc ? k : cfg->kc;
    return ((size_t)(kc * GROUP_PANELS * cfg->nr) * sizeof(T) + 63) / 64 * 64 / sizeof(T);
}

/* Packing memory for an m x n x k product on `workers` threads: the A strip
 * and a B buffer per worker. */
static size_t FN(gemm_scratch_bytes)(const CFG *cfg, int64_t m, int64_t n, int64_t k,
                                     int workers)
{
    int64_t mb, nb;
    if (FN(gemm_swaps)(cfg, m, n))
        FN(gemm_strip)(cfg, n, m, k, &mb, &nb);
    else
        FN(gemm_strip)(cfg, m, n, k, &mb, &nb);
    size_t abytes = ((size_t)(mb * k) * sizeof(T) + 63) / 64 * 64;
    return abytes + (size_t)workers * FN(gemm_bbuf_elems)(cfg, k) * sizeof(T);
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
    job.c = c;
    job.k = k;
    if (FN(gemm_swaps)(cfg, m, n)) {
        /* C^T = op(B)^T op(A)^T: B's storage read as the transposed-flag
         * flipped left operand, A's as the right one */
        job.ta = !tb, job.a = b, job.lda = ldb;
        job.tb = !ta, job.b = a, job.ldb = lda;
        job.m = n, job.n = m;
        job.c_rs = 1, job.c_cs = ldc;
    } else {
        job.ta = ta, job.a = a, job.lda = lda;
        job.tb = tb, job.b = b, job.ldb = ldb;
        job.m = m, job.n = n;
        job.c_rs = ldc, job.c_cs = 1;
    }
    m = job.m, n = job.n;
    job.alpha = alpha;
    job.beta = beta;
    int64_t mbmax, nbmax;
    FN(gemm_strip)(cfg, m, n, k, &mbmax, &nbmax);
    size_t abytes = ((size_t)(mbmax * k) * sizeof(T) + 63) / 64 * 64;
    job.ap = scratch;
    job.bbuf = (T *)((char *)scratch + abytes);
    job.bbuf_elems = FN(gemm_bbuf_elems)(cfg, k);
    int threads = parallel ? dev->threads : 1;
    for (int64_t ic0 = 0; ic0 < m; ic0 += mbmax) {
        job.ic0 = ic0;
        job.mb = m - ic0 < mbmax ? m - ic0 : mbmax;
        job.nap = (job.mb + cfg->mr - 1) / cfg->mr;
        FN(run_tasks)(dev, parallel, (job.nap + PACK_GROUP - 1) / PACK_GROUP,
                      FN(pack_a_task), &job);
        int64_t nmc = (job.mb + cfg->mc - 1) / cfg->mc;
        for (int64_t jc = 0; jc < n; jc += nbmax) {
            job.jc = jc;
            job.nc = n - jc < nbmax ? n - jc : nbmax;
            job.nbp = (job.nc + cfg->nr - 1) / cfg->nr;
            /* column groups of up to GROUP_PANELS micro-panels; with threads,
             * enough tasks to balance them (split columns first: splitting
             * rows repacks B) */
            int64_t njb = (job.nbp + GROUP_PANELS - 1) / GROUP_PANELS, nsb = 1;
            int64_t want = 4 * (int64_t)threads;
            if (threads > 1 && njb < want)
                njb = want < job.nbp ? want : job.nbp;
            if (threads > 1 && njb * nsb < want)
                nsb = (want + njb - 1) / njb < nmc ? (want + njb - 1) / njb : nmc;
            job.njb = njb;
            job.nsb = nsb;
            /* one loop over the tasks per K block: all tasks then read the
             * same KC-deep slice of the packed A strip, which stays in the
             * shared cache, instead of each cycling through all of K */
            for (job.pc = 0; job.pc < k; job.pc += cfg->kc)
                FN(run_tasks)(dev, parallel, nsb * njb, FN(macro_tile_task), &job);
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
#define PARALLEL_FLOPS (1 << 23)

static nz_status FN(gemm_batched)(nz_cpu_dev *dev, const CFG *cfg, const nz_gemm_args *g,
                                  const T *a, const T *b, T *c)
{
    double flops = 2.0 * (double)g->m * (double)g->n * (double)g->k;
    size_t need = FN(gemm_scratch_bytes)(cfg, g->m, g->n, g->k, 1);
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
    if (big)
        need = FN(gemm_scratch_bytes)(cfg, g->m, g->n, g->k, dev->threads);
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
    size_t need = FN(gemm_scratch_bytes)(cfg, m, n, k, parallel ? dev->threads : 1);
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
#undef PACK_ELEMS
#undef GROUP_PANELS
#undef PACK_GROUP
#undef PARALLEL_FLOPS
