/* The bandwidth yardstick: a[i] = b[i] + s*c[i] in plain C on pthreads,
 * each thread a contiguous share, like the CPU backend's element-wise loops. */
#include <stdlib.h>
#include <string.h>

#include "bench_internal.h"

typedef struct triad_part {
    float *restrict a;
    const float *restrict b, *restrict c;
    float s;
    int64_t lo, hi;
} triad_part;

typedef struct triad_job {
    triad_part parts[1024];
    int threads;
} triad_job;

static void *triad_range(void *arg)
{
    triad_part *p = arg;
    float *restrict a = p->a;
    const float *restrict b = p->b, *restrict c = p->c;
    const float s = p->s;
    for (int64_t i = p->lo; i < p->hi; i++)
        a[i] = b[i] + s * c[i];
    return NULL;
}

static nz_status triad_call(void *arg)
{
    triad_job *j = arg;
    return nz_bench_threads(j->threads, triad_range, j->parts, sizeof j->parts[0], "triad");
}

static void triad_free(void *arg)
{
    triad_job *j = arg;
    if (!j)
        return;
    free(j->parts[0].a);
    free((void *)j->parts[0].b);
    free((void *)j->parts[0].c);
    free(j);
}

nz_status nz_bench_triad(int64_t count, int threads, nz_bench_side *sd)
{
    if (threads < 1 || threads > 1024 || count < 1)
        return nz_error(NZ_ERR_INVALID, "bench: triad of %lld floats on %d threads",
                        (long long)count, threads);
    triad_job *j = calloc(1, sizeof *j);
    float *a = nz_bench_floats((size_t)count), *b = nz_bench_floats((size_t)count),
          *c = nz_bench_floats((size_t)count);
    if (!j || !a || !b || !c) {
        free(j);
        free(a);
        free(b);
        free(c);
        return nz_error(NZ_ERR_NOMEM, "bench: out of memory for the triad");
    }
    memset(a, 0, (size_t)count * sizeof *a);
    nz_bench_fill(b, (size_t)count, 5);
    nz_bench_fill(c, (size_t)count, 6);
    j->threads = threads;
    /* Shares start on 64-byte boundaries so that no cache line is written
     * by two threads. */
    int64_t per = ((count + threads - 1) / threads + 15) & ~(int64_t)15;
    for (int i = 0; i < threads; i++) {
        int64_t lo = per * i, hi = lo + per;
        lo = lo < count ? lo : count;
        hi = hi < count ? hi : count;
        j->parts[i] = (triad_part){a, b, c, 0.5f, lo, hi};
    }
    /* 12 bytes an element: read b and c, write a. */
    *sd = (nz_bench_side){triad_call, NULL, NULL, NULL, triad_free, j, 12.0 * (double)count, 0,
                          0.0};
    return NZ_OK;
}
