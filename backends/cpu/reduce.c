/* NZ_OP_REDUCE: sum, sum of squares, sum of |x|, max, min, argmax over rows,
 * columns or everything.
 *
 * Work is cut into fixed pieces (NZ_RED_CHUNK values of a row, or
 * NZ_RED_ROWS x NZ_RED_COLS blocks for columns) whose partial results, in
 * double for f32 too, are combined in a fixed order, so the result does not
 * depend on the thread count. */
#include <math.h>

#include "cpu.h"

#define NZ_RED_CHUNK 8192
#define NZ_RED_ROWS 256
#define NZ_RED_COLS 512

typedef struct nz_red_part {
    double v;       /* partial sum, or best value */
    int64_t idx;    /* index of the best value (MAX, MIN, ARGMAX) */
} nz_red_part;

static int nz_red_is_sum(int fn)
{
    return fn == NZ_RED_SUM || fn == NZ_RED_SUMSQ || fn == NZ_RED_SUMABS;
}

/* `later` comes after `acc` in index order: ties keep the first index. */
static nz_red_part nz_red_combine(int fn, nz_red_part acc, nz_red_part later)
{
    if (nz_red_is_sum(fn)) {
        acc.v += later.v;
        return acc;
    }
    if (fn == NZ_RED_MIN ? later.v < acc.v : later.v > acc.v)
        return later;
    return acc;
}

#define NZ_CPU_BODY "reduce_body.h"
#include "tmpl_both.h"

nz_status nz_cpu_reduce(nz_cpu_dev *dev, nz_dtype dt, const nz_reduce_args *a)
{
    if ((unsigned)a->fn >= NZ_RED_COUNT)
        return nz_error(NZ_ERR_INVALID, "cpu reduce: unknown function %d", (int)a->fn);
    if ((unsigned)a->axis > NZ_AXIS_ALL)
        return nz_error(NZ_ERR_INVALID, "cpu reduce: unknown axis %d", (int)a->axis);
    if (a->m < 0 || a->n < 0)
        return nz_error(NZ_ERR_INVALID, "cpu reduce: negative shape %lld x %lld",
                        (long long)a->m, (long long)a->n);
    if (dt == NZ_F32)
        return reduce_f32(dev, a);
    return reduce_f64(dev, a);
}
