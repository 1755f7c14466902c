/* NZ_OP_REDUCE for one T (see reduce.c). */
#define FN(name) NZ_CAT(name, SFX)

/* Sum-type reduction of a contiguous span into 8 double lanes (the compiler
 * vectorizes the fixed-width lane loop), lanes combined pairwise. */
static inline __attribute__((always_inline)) double FN(span_sum_fn)(int fn, const T *restrict x,
                                                                    int64_t len)
{
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= len; i += 8)
        for (int l = 0; l < 8; l++) {
            double v = (double)x[i + l];
            acc[l] += fn == NZ_RED_SUMSQ ? v * v : fn == NZ_RED_SUMABS ? fabs(v) : v;
        }
    for (int l = 0; i < len; i++, l++) {
        double v = (double)x[i];
        acc[l] += fn == NZ_RED_SUMSQ ? v * v : fn == NZ_RED_SUMABS ? fabs(v) : v;
    }
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

static double FN(span_sum)(int fn, const T *x, int64_t len)
{
    switch (fn) {
    case NZ_RED_SUMSQ: return FN(span_sum_fn)(NZ_RED_SUMSQ, x, len);
    case NZ_RED_SUMABS: return FN(span_sum_fn)(NZ_RED_SUMABS, x, len);
    default: return FN(span_sum_fn)(NZ_RED_SUM, x, len);
    }
}

/* Max (or min) of a non-empty span and the first index where it occurs,
 * with the reference's NaN behaviour (a sequential `v > best` scan from
 * element 0: a leading NaN wins, later NaNs are passed over).  A span that
 * continues a row (skip_nan) therefore starts at its first non-NaN value. */
static void FN(span_best)(int want_min, int skip_nan, const T *x, int64_t len, double *best,
                          int64_t *idx)
{
    int64_t bi = 0;
    if (skip_nan)
        while (bi < len - 1 && x[bi] != x[bi])
            bi++;
    T b = x[bi];
    if (want_min) {
        for (int64_t i = bi + 1; i < len; i++)
            if (x[i] < b) {
                b = x[i];
                bi = i;
            }
    } else {
        for (int64_t i = bi + 1; i < len; i++)
            if (x[i] > b) {
                b = x[i];
                bi = i;
            }
    }
    *best = (double)b;
    *idx = bi;
}

typedef struct FN(red_job) {
    const nz_reduce_args *a;
    const T *x;
    nz_red_part *parts;
    int64_t rows, len;          /* ROWS/ALL: `rows` spans of `len` values */
    int64_t nchunks;            /* chunks per span (ROWS/ALL) or row chunks (COLS) */
    int64_t ncb;                /* COLS: column blocks */
} FN(red_job);

/* ROWS / ALL: task = (span, chunk). */
static void FN(red_span_task)(void *vctx, int64_t t, int worker)
{
    (void)worker;
    FN(red_job) *r = vctx;
    int64_t row = t / r->nchunks, ch = t % r->nchunks;
    int64_t p0 = ch * NZ_RED_CHUNK;
    int64_t len = r->len - p0 < NZ_RED_CHUNK ? r->len - p0 : NZ_RED_CHUNK;
    const T *x = r->x + row * r->len + p0;
    nz_red_part *pt = &r->parts[t];
    int fn = r->a->fn;
    if (nz_red_is_sum(fn)) {
        pt->v = FN(span_sum)(fn, x, len);
        pt->idx = 0;
    } else {
        FN(span_best)(fn == NZ_RED_MIN, ch > 0, x, len, &pt->v, &pt->idx);
        pt->idx += p0;
    }
}

/* COLS: task = (row chunk, column block); parts[rc * n + j]. */
static void FN(red_cols_task)(void *vctx, int64_t t, int worker)
{
    (void)worker;
    FN(red_job) *r = vctx;
    const nz_reduce_args *a = r->a;
    int64_t n = a->n;
    int64_t rc = t / r->ncb, cb = t % r->ncb;
    int64_t i0 = rc * NZ_RED_ROWS, i1 = i0 + NZ_RED_ROWS < a->m ? i0 + NZ_RED_ROWS : a->m;
    int64_t j0 = cb * NZ_RED_COLS, j1 = j0 + NZ_RED_COLS < n ? j0 + NZ_RED_COLS : n;
    nz_red_part *pt = r->parts + rc * n;
    int fn = a->fn;
    if (nz_red_is_sum(fn)) {
        double acc[NZ_RED_COLS];
        for (int64_t j = j0; j < j1; j++)
            acc[j - j0] = 0;
        for (int64_t i = i0; i < i1; i++) {
            const T *restrict xr = r->x + i * n;
            if (fn == NZ_RED_SUMSQ)
                for (int64_t j = j0; j < j1; j++)
                    acc[j - j0] += (double)xr[j] * (double)xr[j];
            else if (fn == NZ_RED_SUMABS)
                for (int64_t j = j0; j < j1; j++)
                    acc[j - j0] += fabs((double)xr[j]);
            else
                for (int64_t j = j0; j < j1; j++)
                    acc[j - j0] += (double)xr[j];
        }
        for (int64_t j = j0; j < j1; j++) {
            pt[j].v = acc[j - j0];
            pt[j].idx = 0;
        }
        return;
    }
    int want_min = fn == NZ_RED_MIN;
    for (int64_t j = j0; j < j1; j++) {
        pt[j].v = (double)r->x[i0 * n + j];
        pt[j].idx = i0;
    }
    for (int64_t i = i0 + 1; i < i1; i++) {
        const T *xr = r->x + i * n;
        for (int64_t j = j0; j < j1; j++) {
            double v = (double)xr[j];
            /* a later row chunk passes over a leading NaN (see span_best) */
            int nan_start = rc > 0 && pt[j].v != pt[j].v;
            if ((want_min ? v < pt[j].v : v > pt[j].v) || nan_start) {
                pt[j].v = v;
                pt[j].idx = i;
            }
        }
    }
}

/* out[o] = alpha*res + beta*out[o], or the index for ARGMAX. */
static void FN(red_store)(const nz_reduce_args *a, void *out, int64_t o, nz_red_part res)
{
    if (a->fn == NZ_RED_ARGMAX) {
        ((int32_t *)out)[o] = (int32_t)res.idx;
        return;
    }
    T *y = out;
    T v = (T)(a->alpha * res.v);
    y[o] = a->beta == 0 ? v : (T)(a->alpha * res.v + a->beta * (double)y[o]);
}

static nz_status FN(reduce)(nz_cpu_dev *dev, const nz_reduce_args *a)
{
    FN(red_job) r = {0};
    r.a = a;
    r.x = nz_cpu_ptr(a->x, sizeof(T));
    void *out = nz_cpu_ptr(a->out, a->fn == NZ_RED_ARGMAX ? sizeof(int32_t) : sizeof(T));
    int64_t ntasks, nparts;
    int cols = a->axis == NZ_AXIS_COLS;
    if (a->m == 0 || a->n == 0) {
        /* empty sums are 0; an empty max has no value */
        int64_t nout = a->axis == NZ_AXIS_ROWS ? a->m : cols ? a->n : 1;
        if (nout == 0)
            return NZ_OK;
        if (!nz_red_is_sum(a->fn))
            return nz_error(NZ_ERR_INVALID, "cpu reduce: %s of an empty %lld x %lld input "
                            "has no value", a->fn == NZ_RED_MIN ? "min" : "max",
                            (long long)a->m, (long long)a->n);
        nz_red_part zero = {0, 0};
        for (int64_t o = 0; o < nout; o++)
            FN(red_store)(a, out, o, zero);
        return NZ_OK;
    }
    if (cols) {
        r.nchunks = (a->m + NZ_RED_ROWS - 1) / NZ_RED_ROWS;
        r.ncb = (a->n + NZ_RED_COLS - 1) / NZ_RED_COLS;
        ntasks = r.nchunks * r.ncb;
        nparts = r.nchunks * a->n;
    } else {
        r.rows = a->axis == NZ_AXIS_ROWS ? a->m : 1;
        r.len = a->axis == NZ_AXIS_ROWS ? a->n : a->m * a->n;
        r.nchunks = (r.len + NZ_RED_CHUNK - 1) / NZ_RED_CHUNK;
        ntasks = r.rows * r.nchunks;
        nparts = ntasks;
    }
    r.parts = nz_cpu_scratch_get(dev, dev->threads, (size_t)nparts * sizeof(nz_red_part));
    if (!r.parts)
        return nz_error(NZ_ERR_NOMEM, "cpu reduce: out of memory for %lld partial results",
                        (long long)nparts);
    nz_cpu_task_fn task = cols ? FN(red_cols_task) : FN(red_span_task);
    if (dev->threads > 1 && a->m * a->n >= 2 * NZ_CPU_GRAIN && ntasks > 1)
        nz_cpu_pool_run(dev->pool, ntasks, task, &r);
    else
        for (int64_t t = 0; t < ntasks; t++)
            task(&r, t, 0);
    /* Combine the chunk partials of every output in chunk order: the same
     * arithmetic for any thread count. */
    int64_t nout = cols ? a->n : r.rows;
    for (int64_t o = 0; o < nout; o++) {
        int64_t step = cols ? a->n : 1;
        const nz_red_part *p = cols ? r.parts + o : r.parts + o * r.nchunks;
        nz_red_part res = p[0];
        for (int64_t c = 1; c < r.nchunks; c++)
            res = nz_red_combine(a->fn, res, p[c * step]);
        FN(red_store)(a, out, o, res);
    }
    return NZ_OK;
}

#undef FN
