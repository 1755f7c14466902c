/* Host side of the element-wise ops: unary, binary, copy2d, cast, onehot,
 * gather, random, SGD and Adam.  Each picks its kernel and passes the op's
 * arguments through unchanged; offsets stay element offsets. */
#include <stdio.h>

#include "ocl_internal.h"

#define NARGS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static nz_status nz_go1(nz_ocl_dev *d, nz_dtype dt, const char *name, size_t work,
                        const nz_karg *args, int nargs)
{
    nz_ocl_kernel *k;
    nz_status s = nz_ocl_kernel_get(d, dt, name, &k);
    if (s != NZ_OK)
        return s;
    return nz_ocl_launch(d, k, 1, &work, NULL, args, nargs);
}

static nz_status nz_run_unary(nz_ocl_dev *d, nz_dtype dt, const nz_unary_args *u)
{
    nz_karg a[] = {
        nz_ka_long(u->m), nz_ka_long(u->n), nz_ka_int(u->fn), nz_ka_int(u->x_bcast),
        nz_ka_mem(u->x.buf), nz_ka_long((int64_t)u->x.off),
        nz_ka_mem(u->out.buf), nz_ka_long((int64_t)u->out.off),
        nz_ka_real(dt, u->p0), nz_ka_real(dt, u->p1), nz_ka_real(dt, u->alpha),
        nz_ka_real(dt, u->beta), nz_ka_int(u->beta == 0.0)};
    return nz_go1(d, dt, "nz_unary", (size_t)(u->m * u->n), a, NARGS(a));
}

static nz_status nz_run_binary(nz_ocl_dev *d, nz_dtype dt, const nz_binary_args *b)
{
    nz_karg a[] = {
        nz_ka_long(b->m), nz_ka_long(b->n), nz_ka_int(b->fn),
        nz_ka_int(b->x_bcast), nz_ka_mem(b->x.buf), nz_ka_long((int64_t)b->x.off),
        nz_ka_int(b->y_bcast), nz_ka_mem(b->y.buf), nz_ka_long((int64_t)b->y.off),
        nz_ka_mem(b->out.buf), nz_ka_long((int64_t)b->out.off),
        nz_ka_real(dt, b->alpha), nz_ka_real(dt, b->beta), nz_ka_int(b->beta == 0.0)};
    return nz_go1(d, dt, "nz_binary", (size_t)(b->m * b->n), a, NARGS(a));
}

static nz_status nz_run_copy2d(nz_ocl_dev *d, nz_dtype dt, const nz_copy2d_args *c)
{
    nz_ocl_kernel *k;
    nz_status s = nz_ocl_kernel_get(d, dt, "nz_copy2d", &k);
    if (s != NZ_OK)
        return s;
    nz_karg a[] = {
        nz_ka_long(c->m), nz_ka_long(c->n), nz_ka_int(c->trans),
        nz_ka_mem(c->x.buf), nz_ka_long((int64_t)c->x.off), nz_ka_long(c->ldx),
        nz_ka_mem(c->out.buf), nz_ka_long((int64_t)c->out.off), nz_ka_long(c->ldo),
        nz_ka_real(dt, c->alpha), nz_ka_real(dt, c->beta), nz_ka_int(c->beta == 0.0)};
    size_t work[2] = {(size_t)c->n, (size_t)c->m};
    return nz_ocl_launch(d, k, 2, work, NULL, a, NARGS(a));
}

static const char *nz_short(nz_dtype dt)
{
    return dt == NZ_F64 ? "f64" : dt == NZ_I32 ? "i32" : "f32";
}

static nz_status nz_run_cast(nz_ocl_dev *d, nz_dtype from, const nz_cast_args *c)
{
    char name[32];
    snprintf(name, sizeof name, "nz_cast_%s_%s", nz_short(from), nz_short(c->to));
    /* Kernels that touch double live in the f64 program. */
    nz_dtype prog = (from == NZ_F64 || c->to == NZ_F64) ? NZ_F64 : NZ_F32;
    nz_karg a[] = {nz_ka_long(c->count), nz_ka_mem(c->x.buf), nz_ka_long((int64_t)c->x.off),
                   nz_ka_mem(c->out.buf), nz_ka_long((int64_t)c->out.off)};
    return nz_go1(d, prog, name, (size_t)c->count, a, NARGS(a));
}

static nz_status nz_run_onehot(nz_ocl_dev *d, nz_dtype dt, const nz_onehot_args *o)
{
    nz_karg a[] = {nz_ka_long(o->m), nz_ka_long(o->n), nz_ka_mem(o->labels.buf),
                   nz_ka_long((int64_t)o->labels.off), nz_ka_mem(o->out.buf),
                   nz_ka_long((int64_t)o->out.off), nz_ka_real(dt, o->on),
                   nz_ka_real(dt, o->off)};
    return nz_go1(d, dt, "nz_onehot", (size_t)(o->m * o->n), a, NARGS(a));
}

static nz_status nz_run_gather(nz_ocl_dev *d, nz_dtype dt, const nz_gather_args *g)
{
    nz_karg a[] = {nz_ka_long(g->m), nz_ka_long(g->n), nz_ka_mem(g->x.buf),
                   nz_ka_long((int64_t)g->x.off), nz_ka_mem(g->idx.buf),
                   nz_ka_long((int64_t)g->idx.off), nz_ka_mem(g->out.buf),
                   nz_ka_long((int64_t)g->out.off)};
    if (dt == NZ_I32)
        return nz_go1(d, NZ_F32, "nz_gather_rows_i32", (size_t)(g->m * g->n), a, NARGS(a));
    return nz_go1(d, dt, "nz_gather_rows", (size_t)(g->m * g->n), a, NARGS(a));
}

static nz_status nz_run_random(nz_ocl_dev *d, nz_dtype dt, const nz_random_args *r)
{
    nz_karg a[] = {nz_ka_int(r->dist), nz_ka_long(r->count), nz_ka_ulong(r->seed),
                   nz_ka_ulong(r->stream), nz_ka_ulong(r->counter), nz_ka_real(dt, r->p0),
                   nz_ka_real(dt, r->p1), nz_ka_mem(r->out.buf),
                   nz_ka_long((int64_t)r->out.off)};
    return nz_go1(d, dt, "nz_random", (size_t)r->count, a, NARGS(a));
}

static nz_status nz_run_sgd(nz_ocl_dev *d, nz_dtype dt, const nz_sgd_args *s)
{
    /* With momentum 0, v may be absent: pass w in its place (never touched). */
    void *v = s->v.buf ? s->v.buf : s->w.buf;
    nz_karg a[] = {nz_ka_long(s->count), nz_ka_mem(s->w.buf), nz_ka_long((int64_t)s->w.off),
                   nz_ka_mem(s->g.buf), nz_ka_long((int64_t)s->g.off), nz_ka_mem(v),
                   nz_ka_long((int64_t)s->v.off), nz_ka_real(dt, s->lr),
                   nz_ka_real(dt, s->momentum), nz_ka_real(dt, s->weight_decay),
                   nz_ka_int(s->nesterov)};
    return nz_go1(d, dt, "nz_sgd", (size_t)s->count, a, NARGS(a));
}

static nz_status nz_run_adam(nz_ocl_dev *d, nz_dtype dt, const nz_adam_args *p)
{
    nz_karg a[] = {nz_ka_long(p->count), nz_ka_mem(p->w.buf), nz_ka_long((int64_t)p->w.off),
                   nz_ka_mem(p->g.buf), nz_ka_long((int64_t)p->g.off), nz_ka_mem(p->m.buf),
                   nz_ka_long((int64_t)p->m.off), nz_ka_mem(p->v.buf),
                   nz_ka_long((int64_t)p->v.off), nz_ka_real(dt, p->lr),
                   nz_ka_real(dt, p->beta1), nz_ka_real(dt, p->beta2), nz_ka_real(dt, p->eps),
                   nz_ka_real(dt, p->weight_decay), nz_ka_real(dt, p->bias1),
                   nz_ka_real(dt, p->bias2), nz_ka_int(p->decoupled)};
    return nz_go1(d, dt, "nz_adam", (size_t)p->count, a, NARGS(a));
}

nz_status nz_ocl_run_elementwise(nz_ocl_dev *d, const nz_op_args *a)
{
    nz_dtype dt = a->dtype;
    switch (a->op) {
    case NZ_OP_UNARY: return nz_run_unary(d, dt, &a->u.unary);
    case NZ_OP_BINARY: return nz_run_binary(d, dt, &a->u.binary);
    case NZ_OP_COPY2D: return nz_run_copy2d(d, dt, &a->u.copy2d);
    case NZ_OP_CAST: return nz_run_cast(d, dt, &a->u.cast);
    case NZ_OP_ONEHOT: return nz_run_onehot(d, dt, &a->u.onehot);
    case NZ_OP_GATHER_ROWS: return nz_run_gather(d, dt, &a->u.gather);
    case NZ_OP_RANDOM: return nz_run_random(d, dt, &a->u.random);
    case NZ_OP_SGD: return nz_run_sgd(d, dt, &a->u.sgd);
    case NZ_OP_ADAM: return nz_run_adam(d, dt, &a->u.adam);
    default:
        return nz_error(NZ_ERR_UNSUPPORTED, "OpenCL: op %s is not element-wise",
                        nz_op_name(a->op));
    }
}
