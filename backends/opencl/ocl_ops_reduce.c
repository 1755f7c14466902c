/* Host side of the reductions and the fused softmax cross-entropy.
 *
 * Rows: one work-group per row (nz_reduce_seg with chunk = n).  Columns: one
 * work-item per column.  All: two passes of nz_reduce_seg, the first writing
 * one partial (and, for argmax, its index) per work-group into scratch, the
 * second reducing the partials with a single work-group. */
#include "ocl_internal.h"

#define NARGS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NZ_RED_SUM 0

static size_t nz_real_size(nz_dtype dt)
{
    return dt == NZ_F64 ? sizeof(cl_double) : sizeof(cl_float);
}

static nz_status nz_seg(nz_ocl_dev *d, nz_dtype dt, nz_ocl_kernel *k, int fn, int64_t total,
                        int64_t chunk, size_t groups, void *x, int64_t xoff, void *xi, int has_idx,
                        void *out, void *outi, int64_t ooff, double alpha, double beta, int raw)
{
    size_t wg = nz_ocl_pow2_wg(d, k, 256, nz_real_size(dt) + sizeof(cl_int));
    /* Short rows do not need a wide group. */
    while (wg > 1 && (int64_t)(wg / 2) >= chunk)
        wg /= 2;
    nz_karg a[] = {nz_ka_int(fn), nz_ka_long(total), nz_ka_long(chunk), nz_ka_mem(x),
                   nz_ka_long(xoff), nz_ka_mem(xi), nz_ka_int(has_idx), nz_ka_int(!raw), nz_ka_mem(out),
                   nz_ka_mem(outi), nz_ka_long(ooff), nz_ka_real(dt, alpha),
                   nz_ka_real(dt, beta), nz_ka_int(beta == 0.0), nz_ka_int(raw),
                   nz_ka_local(wg * nz_real_size(dt)), nz_ka_local(wg * sizeof(cl_int))};
    size_t work = groups * wg;
    return nz_ocl_launch(d, k, 1, &work, &wg, a, NARGS(a));
}

nz_status nz_ocl_run_reduce(nz_ocl_dev *d, const nz_op_args *args)
{
    const nz_reduce_args *r = &args->u.reduce;
    nz_dtype dt = args->dtype;
    int argmax = r->fn == NZ_RED_ARGMAX;
    /* The kernels take both a real and an int output; the unused one gets
     * the other buffer, never written. */
    void *out = r->out.buf, *outi = r->out.buf;
    /* No outputs, nothing to do; empty inputs otherwise reduce to the
     * identity of fn (0 for sums), as in the reference. */
    if ((r->axis == NZ_AXIS_ROWS && r->m == 0) || (r->axis == NZ_AXIS_COLS && r->n == 0))
        return NZ_OK;
    nz_ocl_kernel *k;
    nz_status s;
    if (r->axis == NZ_AXIS_COLS) {
        if ((s = nz_ocl_kernel_get(d, dt, "nz_reduce_cols", &k)) != NZ_OK)
            return s;
        nz_karg a[] = {nz_ka_int(r->fn), nz_ka_long(r->m), nz_ka_long(r->n),
                       nz_ka_mem(r->x.buf), nz_ka_long((int64_t)r->x.off), nz_ka_mem(out),
                       nz_ka_mem(outi), nz_ka_long((int64_t)r->out.off),
                       nz_ka_real(dt, r->alpha), nz_ka_real(dt, r->beta),
                       nz_ka_int(r->beta == 0.0)};
        size_t work = (size_t)r->n;
        return nz_ocl_launch(d, k, 1, &work, NULL, a, NARGS(a));
    }
    if ((s = nz_ocl_kernel_get(d, dt, "nz_reduce_seg", &k)) != NZ_OK)
        return s;
    if (r->axis == NZ_AXIS_ROWS)
        return nz_seg(d, dt, k, r->fn, r->m * r->n, r->n, (size_t)r->m, r->x.buf,
                      (int64_t)r->x.off, r->x.buf, 0, out, outi, (int64_t)r->out.off, r->alpha,
                      r->beta, 0);
    /* NZ_AXIS_ALL: enough groups to fill the device, each a chunk. */
    int64_t total = r->m * r->n;
    if (total == 0)
        return nz_seg(d, dt, k, r->fn, 0, 1, 1, r->x.buf, (int64_t)r->x.off, r->x.buf, 0, out,
                      outi, (int64_t)r->out.off, r->alpha, r->beta, 0);
    int64_t groups = (int64_t)d->desc->info.compute_units * 8;
    if (groups > 1024)
        groups = 1024;
    if (groups > total)
        groups = total;
    if (groups < 1)
        groups = 1;
    int64_t chunk = (total + groups - 1) / groups;
    groups = (total + chunk - 1) / chunk;
    cl_mem pv, pi;
    if ((s = nz_ocl_scratch(d, 0, (size_t)groups * nz_real_size(dt), &pv)) != NZ_OK ||
        (s = nz_ocl_scratch(d, 1, (size_t)groups * sizeof(cl_int), &pi)) != NZ_OK)
        return s;
    s = nz_seg(d, dt, k, r->fn, total, chunk, (size_t)groups, r->x.buf, (int64_t)r->x.off,
               r->x.buf, 0, pv, pi, 0, 1.0, 0.0, 1);
    if (s != NZ_OK)
        return s;
    /* Partials of sums of squares / absolute values are summed as they are. */
    int fn2 = (r->fn == NZ_RED_SUMSQ || r->fn == NZ_RED_SUMABS) ? NZ_RED_SUM : r->fn;
    return nz_seg(d, dt, k, fn2, groups, groups, 1, pv, 0, pi, argmax, out, outi,
                  (int64_t)r->out.off, r->alpha, r->beta, 0);
}

nz_status nz_ocl_run_softmax_xent(nz_ocl_dev *d, const nz_op_args *args)
{
    const nz_softmax_xent_args *x = &args->u.softmax_xent;
    nz_dtype dt = args->dtype;
    if (x->m == 0 || x->n == 0)
        return NZ_OK;
    nz_ocl_kernel *k;
    nz_status s = nz_ocl_kernel_get(d, dt, "nz_softmax_xent", &k);
    if (s != NZ_OK)
        return s;
    size_t wg = nz_ocl_pow2_wg(d, k, 256, nz_real_size(dt));
    while (wg > 1 && (int64_t)(wg / 2) >= x->n)
        wg /= 2;
    /* Unused buffers get the logits in their place; the kernel does not touch them. */
    void *loss = x->backward ? x->logits.buf : x->loss.buf;
    void *probs = (!x->backward && x->probs.buf) ? x->probs.buf : x->logits.buf;
    void *dl = x->backward ? x->dlogits.buf : x->logits.buf;
    nz_karg a[] = {nz_ka_int(x->backward), nz_ka_long(x->n), nz_ka_mem(x->logits.buf),
                   nz_ka_long((int64_t)x->logits.off), nz_ka_mem(x->labels.buf),
                   nz_ka_long((int64_t)x->labels.off), nz_ka_mem(loss),
                   nz_ka_long((int64_t)x->loss.off), nz_ka_mem(probs),
                   nz_ka_long((int64_t)x->probs.off),
                   nz_ka_int(!x->backward && x->probs.buf != NULL), nz_ka_mem(dl),
                   nz_ka_long((int64_t)x->dlogits.off), nz_ka_real(dt, x->alpha),
                   nz_ka_real(dt, x->beta), nz_ka_int(x->beta == 0.0),
                   nz_ka_local(wg * nz_real_size(dt))};
    size_t work = (size_t)x->m * wg;
    return nz_ocl_launch(d, k, 1, &work, &wg, a, NARGS(a));
}
