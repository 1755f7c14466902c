/* Splitting element-wise work over the pool, and per-worker scratch memory. */
#include <stdlib.h>

#include "cpu.h"

typedef struct par2d {
    nz_cpu_range_fn fn;
    void *ctx;
    int64_t m, n;
    int64_t rows_per_task;     /* > 0: split rows; else split columns */
    int64_t cols_per_task;
} par2d;

static void par2d_task(void *vctx, int64_t t, int worker)
{
    (void)worker;
    par2d *p = vctx;
    if (p->rows_per_task > 0) {
        int64_t i0 = t * p->rows_per_task;
        int64_t i1 = i0 + p->rows_per_task < p->m ? i0 + p->rows_per_task : p->m;
        p->fn(p->ctx, i0, i1, 0, p->n);
    } else {
        int64_t j0 = t * p->cols_per_task;
        int64_t j1 = j0 + p->cols_per_task < p->n ? j0 + p->cols_per_task : p->n;
        p->fn(p->ctx, 0, p->m, j0, j1);
    }
}

void nz_cpu_parallel_2d(nz_cpu_dev *dev, int64_t m, int64_t n, int64_t grain,
                        nz_cpu_range_fn fn, void *ctx)
{
    if (m <= 0 || n <= 0)
        return;
    int64_t total = m * n;
    if (dev->threads <= 1 || total < 2 * grain) {
        fn(ctx, 0, m, 0, n);
        return;
    }
    /* A few tasks per thread balance uneven progress without much overhead. */
    int64_t want = (int64_t)dev->threads * 4;
    if (want > total / grain)
        want = total / grain;
    if (want < 2)
        want = 2;
    par2d p = {fn, ctx, m, n, 0, 0};
    int64_t ntasks;
    if (m >= want) {
        p.rows_per_task = (m + want - 1) / want;
        ntasks = (m + p.rows_per_task - 1) / p.rows_per_task;
    } else {
        /* Few long rows: split columns in multiples of 64 to keep vectors whole. */
        int64_t c = (n + want - 1) / want;
        c = (c + 63) / 64 * 64;
        p.cols_per_task = c;
        ntasks = (n + c - 1) / c;
    }
    nz_cpu_pool_run(dev->pool, ntasks, par2d_task, &p);
}

void *nz_cpu_scratch_get(nz_cpu_dev *dev, int slot, size_t bytes)
{
    nz_cpu_scratch *s = &dev->scratch[slot];
    if (s->bytes >= bytes && s->mem)
        return s->mem;
    free(s->mem);
    s->mem = NULL;
    s->bytes = 0;
    size_t rounded = (bytes + NZ_CPU_ALIGN - 1) / NZ_CPU_ALIGN * NZ_CPU_ALIGN;
    if (rounded == 0)
        rounded = NZ_CPU_ALIGN;
    s->mem = aligned_alloc(NZ_CPU_ALIGN, rounded);
    if (s->mem)
        s->bytes = rounded;
    return s->mem;
}

typedef struct par_rows {
    void (*fn)(void *ctx, int64_t i0, int64_t i1);
    void *ctx;
} par_rows;

static void par_rows_range(void *vctx, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    (void)j0;
    (void)j1;
    par_rows *p = vctx;
    p->fn(p->ctx, i0, i1);
}

void nz_cpu_parallel_rows(nz_cpu_dev *dev, int64_t m, int64_t row_cost,
                          void (*fn)(void *ctx, int64_t i0, int64_t i1), void *ctx)
{
    par_rows p = {fn, ctx};
    int64_t grain = NZ_CPU_GRAIN / (row_cost > 0 ? row_cost : 1);
    /* one column: only rows are ever split */
    nz_cpu_parallel_2d(dev, m, 1, grain > 0 ? grain : 1, par_rows_range, &p);
}
