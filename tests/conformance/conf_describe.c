/* Full parameters of a conformance case, printed with every failure so that
 * it can be reproduced by hand. */
#include <stdarg.h>
#include <stdio.h>

#include "conf.h"

static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
    if (*len >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *len, size - *len, fmt, ap);
    va_end(ap);
    if (k > 0)
        *len += (size_t)k;
}

#define L(x) (long long)(x)

void conf_describe(const nz_op_args *a, const conf_case *tc, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    switch (a->op) {
    case NZ_OP_GEMM: {
        const nz_gemm_args *g = &a->u.gemm;
        put(buf, size, &n, "trans_a=%d trans_b=%d m=%lld n=%lld k=%lld alpha=%g beta=%g "
            "lda=%lld ldb=%lld ldc=%lld batch=%lld stride_a=%lld stride_b=%lld stride_c=%lld",
            g->trans_a, g->trans_b, L(g->m), L(g->n), L(g->k), g->alpha, g->beta, L(g->lda),
            L(g->ldb), L(g->ldc), L(g->batch), L(g->stride_a), L(g->stride_b), L(g->stride_c));
        break;
    }
    case NZ_OP_UNARY: {
        const nz_unary_args *u = &a->u.unary;
        put(buf, size, &n, "fn=%d m=%lld n=%lld x_bcast=%d p0=%g p1=%g alpha=%g beta=%g",
            (int)u->fn, L(u->m), L(u->n), (int)u->x_bcast, u->p0, u->p1, u->alpha, u->beta);
        break;
    }
    case NZ_OP_BINARY: {
        const nz_binary_args *b = &a->u.binary;
        put(buf, size, &n, "fn=%d m=%lld n=%lld x_bcast=%d y_bcast=%d alpha=%g beta=%g",
            (int)b->fn, L(b->m), L(b->n), (int)b->x_bcast, (int)b->y_bcast, b->alpha, b->beta);
        break;
    }
    case NZ_OP_REDUCE: {
        const nz_reduce_args *r = &a->u.reduce;
        put(buf, size, &n, "fn=%d axis=%d m=%lld n=%lld alpha=%g beta=%g", (int)r->fn,
            (int)r->axis, L(r->m), L(r->n), r->alpha, r->beta);
        break;
    }
    case NZ_OP_SOFTMAX_XENT: {
        const nz_softmax_xent_args *s = &a->u.softmax_xent;
        put(buf, size, &n, "backward=%d m=%lld n=%lld probs=%s alpha=%g beta=%g", s->backward,
            L(s->m), L(s->n), s->probs.buf ? "yes" : "no", s->alpha, s->beta);
        break;
    }
    case NZ_OP_GATHER_ROWS: {
        const nz_gather_args *g = &a->u.gather;
        put(buf, size, &n, "m=%lld n=%lld x_rows=%lld", L(g->m), L(g->n), L(g->x_rows));
        break;
    }
    case NZ_OP_RANDOM: {
        const nz_random_args *r = &a->u.random;
        put(buf, size, &n, "dist=%d count=%lld seed=0x%llx stream=0x%llx counter=0x%llx p0=%.17g p1=%.17g",
            (int)r->dist, L(r->count), (unsigned long long)r->seed, (unsigned long long)r->stream,
            (unsigned long long)r->counter, r->p0, r->p1);
        break;
    }
    case NZ_OP_SGD: {
        const nz_sgd_args *s = &a->u.sgd;
        put(buf, size, &n, "count=%lld lr=%g momentum=%g weight_decay=%g nesterov=%d",
            L(s->count), s->lr, s->momentum, s->weight_decay, s->nesterov);
        break;
    }
    case NZ_OP_ADAM: {
        const nz_adam_args *d = &a->u.adam;
        put(buf, size, &n, "count=%lld lr=%g beta1=%g beta2=%g eps=%g weight_decay=%g bias1=%.17g "
            "bias2=%.17g decoupled=%d", L(d->count), d->lr, d->beta1, d->beta2, d->eps,
            d->weight_decay, d->bias1, d->bias2, d->decoupled);
        break;
    }
    case NZ_OP_COPY2D: {
        const nz_copy2d_args *c = &a->u.copy2d;
        put(buf, size, &n, "m=%lld n=%lld trans=%d ldx=%lld ldo=%lld alpha=%g beta=%g", L(c->m),
            L(c->n), c->trans, L(c->ldx), L(c->ldo), c->alpha, c->beta);
        break;
    }
    case NZ_OP_CAST:
        put(buf, size, &n, "count=%lld to=%s", L(a->u.cast.count), nz_dtype_name(a->u.cast.to));
        break;
    case NZ_OP_ONEHOT:
        put(buf, size, &n, "m=%lld n=%lld on=%g off=%g", L(a->u.onehot.m), L(a->u.onehot.n),
            a->u.onehot.on, a->u.onehot.off);
        break;
    case NZ_OP_CHOLESKY:
        put(buf, size, &n, "n=%lld lda=%lld", L(a->u.cholesky.n), L(a->u.cholesky.lda));
        break;
    case NZ_OP_TRSM: {
        const nz_trsm_args *t = &a->u.trsm;
        put(buf, size, &n, "lower=%d trans=%d unit_diag=%d n=%lld nrhs=%lld ldt=%lld ldb=%lld alpha=%g",
            t->lower, t->trans, t->unit_diag, L(t->n), L(t->nrhs), L(t->ldt), L(t->ldb), t->alpha);
        break;
    }
    case NZ_OP_COUNT:
        break;
    }
    /* Offsets of every buffer, as the op saw them. */
    nz_op_args copy = *a;
    nz_bref *refs[8];
    int k = conf_brefs(&copy, refs);
    put(buf, size, &n, "; offsets");
    for (int i = 0; i < k; i++) {
        if (refs[i]->buf == NULL) {
            put(buf, size, &n, " -");
            continue;
        }
        const conf_buf *b = NULL;
        for (int j = 0; j < tc->nb; j++)
            if (tc->b[j].init == refs[i]->buf)
                b = &tc->b[j];
        put(buf, size, &n, " %zu(+%zu el)", refs[i]->off, b ? b->n : 0);
    }
}
