/* The conformance harness: buffers with guard zones, running one case on a
 * device and on the reference, and comparing the two. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "nazo/reference.h"

/* ---- deterministic test data (xorshift64*, not Philox: the data must not
 * depend on the code under test) ---- */

uint64_t conf_next(conf_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Du;
}

double conf_unif(conf_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(conf_next(r) >> 11) * 0x1p-53);
}

int64_t conf_int(conf_rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(conf_next(r) % (uint64_t)(hi - lo + 1));
}

int64_t conf_pick(conf_rng *r, const int64_t *v, size_t n)
{
    return v[conf_next(r) % n];
}

int64_t conf_dim(conf_rng *r)
{
    static const int64_t dims[] = {1, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 127, 129, 1031};
    return conf_pick(r, dims, sizeof dims / sizeof dims[0]);
}

/* ---- buffers ---- */

nz_bref conf_buf_new(conf_case *tc, nz_dtype dt, size_t n, int is_out, conf_rng *r)
{
    conf_buf *b = &tc->b[tc->nb++];
    memset(b, 0, sizeof *b);
    b->dt = dt;
    b->is_out = is_out;
    b->esz = nz_dtype_size(dt);
    /* A nonzero offset half of the time, odd so it breaks alignment. */
    b->front = CONF_GUARD + ((conf_next(r) & 1) ? (size_t)conf_int(r, 1, 13) : 0);
    b->n = n;
    b->total = b->front + n + CONF_GUARD;
    b->init = malloc(b->total * b->esz);
    b->ref = malloc(b->total * b->esz);
    b->got = malloc(b->total * b->esz);
    if (!b->init || !b->ref || !b->got) {
        fprintf(stderr, "conformance: out of host memory for %zu elements\n", b->total);
        exit(2);
    }
    memset(b->init, CONF_SENTINEL, b->total * b->esz);
    nz_bref ref = {b->init, b->front};
    if (dt == NZ_I32)
        memset(b->init + b->front * b->esz, 0, n * b->esz);
    else
        conf_fill(tc, ref, n, -1.0, 1.0, r);
    return ref;
}

conf_buf *conf_buf_of(conf_case *tc, nz_bref ref)
{
    for (int i = 0; i < tc->nb; i++)
        if (tc->b[i].init == ref.buf)
            return &tc->b[i];
    fprintf(stderr, "conformance: bref does not belong to the case (generator bug)\n");
    exit(2);
}

void conf_set(conf_case *tc, nz_bref ref, size_t i, double v)
{
    conf_buf *b = conf_buf_of(tc, ref);
    if (ref.off + i >= b->front + b->n) {
        fprintf(stderr, "conformance: generator writes element %zu past its buffer\n", i);
        exit(2);
    }
    unsigned char *p = b->init + (ref.off + i) * b->esz;
    if (b->dt == NZ_F32) {
        float f = (float)v;
        memcpy(p, &f, 4);
    } else if (b->dt == NZ_F64) {
        memcpy(p, &v, 8);
    } else {
        int32_t k = (int32_t)v;
        memcpy(p, &k, 4);
    }
}

double conf_get(conf_case *tc, nz_bref ref, size_t i)
{
    conf_buf *b = conf_buf_of(tc, ref);
    const unsigned char *p = b->init + (ref.off + i) * b->esz;
    if (b->dt == NZ_F32) {
        float f;
        memcpy(&f, p, 4);
        return f;
    }
    if (b->dt == NZ_F64) {
        double d;
        memcpy(&d, p, 8);
        return d;
    }
    int32_t k;
    memcpy(&k, p, 4);
    return k;
}

void conf_fill(conf_case *tc, nz_bref ref, size_t n, double lo, double hi, conf_rng *r)
{
    for (size_t i = 0; i < n; i++)
        conf_set(tc, ref, i, conf_unif(r, lo, hi));
}

void conf_fill_nan(conf_case *tc, nz_bref ref, size_t n)
{
    for (size_t i = 0; i < n; i++)
        conf_set(tc, ref, i, NAN);
}

void conf_case_free(conf_case *tc)
{
    for (int i = 0; i < tc->nb; i++) {
        free(tc->b[i].init);
        free(tc->b[i].ref);
        free(tc->b[i].got);
    }
    tc->nb = 0;
}

int conf_brefs(nz_op_args *a, nz_bref **out)
{
    int k = 0;
#define R(x) out[k++] = &(x)
    switch (a->op) {
    case NZ_OP_GEMM: R(a->u.gemm.a); R(a->u.gemm.b); R(a->u.gemm.c); break;
    case NZ_OP_UNARY: R(a->u.unary.x); R(a->u.unary.out); break;
    case NZ_OP_BINARY: R(a->u.binary.x); R(a->u.binary.y); R(a->u.binary.out); break;
    case NZ_OP_REDUCE: R(a->u.reduce.x); R(a->u.reduce.out); break;
    case NZ_OP_SOFTMAX_XENT:
        R(a->u.softmax_xent.logits); R(a->u.softmax_xent.labels); R(a->u.softmax_xent.loss);
        R(a->u.softmax_xent.probs); R(a->u.softmax_xent.dlogits);
        break;
    case NZ_OP_GATHER_ROWS: R(a->u.gather.x); R(a->u.gather.idx); R(a->u.gather.out); break;
    case NZ_OP_RANDOM: R(a->u.random.out); break;
    case NZ_OP_SGD: R(a->u.sgd.w); R(a->u.sgd.g); R(a->u.sgd.v); break;
    case NZ_OP_ADAM: R(a->u.adam.w); R(a->u.adam.g); R(a->u.adam.m); R(a->u.adam.v); break;
    case NZ_OP_COPY2D: R(a->u.copy2d.x); R(a->u.copy2d.out); break;
    case NZ_OP_CAST: R(a->u.cast.x); R(a->u.cast.out); break;
    case NZ_OP_ONEHOT: R(a->u.onehot.labels); R(a->u.onehot.out); break;
    case NZ_OP_CHOLESKY: R(a->u.cholesky.a); R(a->u.cholesky.info); break;
    case NZ_OP_TRSM: R(a->u.trsm.t); R(a->u.trsm.b); break;
    case NZ_OP_COUNT: break;
    }
#undef R
    return k;
}

/* args with every bref's buf mapped from init images to ref images (dev = 0)
 * or to device buffers (dev = 1). */
static nz_op_args map_args(conf_case *tc, int dev)
{
    nz_op_args a = tc->args;
    nz_bref *refs[8];
    int k = conf_brefs(&a, refs);
    for (int i = 0; i < k; i++) {
        if (refs[i]->buf == NULL)
            continue;
        conf_buf *b = conf_buf_of(tc, *refs[i]);
        refs[i]->buf = dev ? b->dbuf : (void *)b->ref;
    }
    return a;
}

/* ---- running and comparing ---- */

static nz_status run_on_device(const conf_device *dev, conf_case *tc, char *why, size_t wsize)
{
    const nz_backend_iface *be = dev->be;
    nz_status s = NZ_OK;
    int allocated = 0;
    for (; allocated < tc->nb; allocated++) {
        conf_buf *b = &tc->b[allocated];
        size_t bytes = b->total * b->esz;
        if ((s = be->alloc(dev->handle, bytes, &b->dbuf)) != NZ_OK) {
            snprintf(why, wsize, "alloc of %zu bytes failed: %s", bytes, nz_last_error());
            goto out;
        }
        if ((s = be->write(dev->handle, b->dbuf, 0, b->init, bytes)) != NZ_OK) {
            allocated++;
            snprintf(why, wsize, "write failed: %s", nz_last_error());
            goto out;
        }
    }
    nz_op_args a = map_args(tc, 1);
    if ((s = be->run(dev->handle, &a)) != NZ_OK) {
        snprintf(why, wsize, "run failed (%s): %s", nz_status_name(s), nz_last_error());
        goto out;
    }
    for (int i = 0; i < tc->nb; i++) {
        conf_buf *b = &tc->b[i];
        if ((s = be->read(dev->handle, b->dbuf, 0, b->got, b->total * b->esz)) != NZ_OK) {
            snprintf(why, wsize, "read failed: %s", nz_last_error());
            goto out;
        }
    }
out:
    for (int i = 0; i < allocated; i++)
        be->free(dev->handle, tc->b[i].dbuf);
    return s;
}

static double load(const conf_buf *b, const unsigned char *img, size_t i)
{
    if (b->dt == NZ_F32) {
        float f;
        memcpy(&f, img + i * 4, 4);
        return f;
    }
    double d;
    memcpy(&d, img + i * 8, 8);
    return d;
}

/* Compare buffer bi; returns 0 and updates *nmse, or 1 with a reason. */
static int compare_buf(const conf_op *spec, conf_case *tc, int bi, double *nmse,
                       char *why, size_t wsize)
{
    conf_buf *b = &tc->b[bi];
    size_t es = b->esz, lo = b->front * es, hi = (b->front + b->n) * es, end = b->total * es;
    /* Guards: the device and the reference must leave them as they were. */
    for (size_t k = 0; k < end; k++) {
        if (k >= lo && k < hi)
            continue;
        if (b->got[k] != b->init[k] || b->ref[k] != b->init[k]) {
            long e = (long)(k / es) - (long)b->front;
            snprintf(why, wsize, "buffer %d: %s wrote outside its payload at element %ld "
                     "(payload is [0, %zu), offset %zu)", bi,
                     b->got[k] != b->init[k] ? "device" : "reference", e, b->n, b->front);
            return 1;
        }
    }
    if (!b->is_out) {
        if (memcmp(b->got + lo, b->init + lo, hi - lo) != 0) {
            size_t k = lo;
            while (b->got[k] == b->init[k])
                k++;
            snprintf(why, wsize, "buffer %d is an input but the device changed element %zu", bi,
                     (k - lo) / es);
            return 1;
        }
        return 0;
    }
    if (b->skip_payload)
        return 0;
    if (spec->bitwise) {
        for (size_t k = lo; k < hi; k += es)
            if (memcmp(b->got + k, b->ref + k, es) != 0) {
                size_t i = (k - lo) / es;
                snprintf(why, wsize, "buffer %d element %zu: device %.9g, reference %.9g "
                         "(bits must match)", bi, i, load(b, b->got + lo, i), load(b, b->ref + lo, i));
                return 1;
            }
        return 0;
    }
    if (b->dt == NZ_I32) {
        for (size_t i = 0; i < b->n; i++) {
            int32_t g, w;
            memcpy(&g, b->got + lo + i * 4, 4);
            memcpy(&w, b->ref + lo + i * 4, 4);
            if (g != w && !(spec->accept && spec->accept(tc, bi, i, g, w))) {
                snprintf(why, wsize, "buffer %d element %zu: device %d, reference %d", bi, i,
                         (int)g, (int)w);
                return 1;
            }
        }
        return 0;
    }
    double bound = b->dt == NZ_F32 ? spec->nmse_f32 : spec->nmse_f64;
    double num = 0, den = 0;
    for (size_t i = 0; i < b->n; i++) {
        double g = load(b, b->got + lo, i), w = load(b, b->ref + lo, i);
        if (!isfinite(w) || !isfinite(g)) {
            /* Non-finite values must agree in kind: NaN with NaN, inf with same-signed inf. */
            int same = (isnan(w) && isnan(g)) || (isinf(w) && g == w);
            if (!same) {
                snprintf(why, wsize, "buffer %d element %zu: device %.9g, reference %.9g", bi, i, g, w);
                return 1;
            }
            continue;
        }
        num += (g - w) * (g - w);
        den += w * w;
    }
    double e = den > 0 ? num / den : num;
    if (e > *nmse)
        *nmse = e;
    if (!(e <= bound)) {
        size_t worst = 0;
        double wd = -1;
        for (size_t i = 0; i < b->n; i++) {
            double d = fabs(load(b, b->got + lo, i) - load(b, b->ref + lo, i));
            if (d > wd) {
                wd = d;
                worst = i;
            }
        }
        snprintf(why, wsize, "buffer %d: NMSE %.3e > bound %.1e; worst element %zu: device %.9g, "
                 "reference %.9g", bi, e, bound, worst, load(b, b->got + lo, worst),
                 load(b, b->ref + lo, worst));
        return 1;
    }
    return 0;
}

/* Run one case; returns 0 on pass, 1 on failure (printed). */
static int run_case(const conf_device *dev, const conf_op *spec, conf_case *tc, int idx,
                    double *nmse, int quiet)
{
    char why[512] = "", desc[1024];
    int fail = 0;
    for (int i = 0; i < tc->nb; i++)
        memcpy(tc->b[i].ref, tc->b[i].init, tc->b[i].total * tc->b[i].esz);
    nz_op_args ra = map_args(tc, 0);
    nz_status s = nz_ref_run(&ra);
    if (s != NZ_OK) {
        snprintf(why, sizeof why, "the reference refused the case (harness bug): %s", nz_last_error());
        fail = 1;
    }
    if (!fail && spec->post)
        spec->post(tc);
    if (!fail && run_on_device(dev, tc, why, sizeof why) != NZ_OK)
        fail = 1;
    for (int i = 0; i < tc->nb && !fail; i++)
        fail = compare_buf(spec, tc, i, nmse, why, sizeof why);
    if (fail && !quiet) {
        conf_describe(&tc->args, tc, desc, sizeof desc);
        printf("  FAIL %s %s %s case %d: %s\n      %s\n", dev->id, nz_op_name(spec->op),
               nz_dtype_name(tc->args.dtype), idx, why, desc);
    }
    return fail;
}

int conf_run_device(const conf_device *dev, const conf_opts *opts)
{
    int failures = 0;
    static const nz_dtype dtypes[] = {NZ_F32, NZ_F64, NZ_I32};
    for (int o = 0; o < NZ_OP_COUNT; o++) {
        const conf_op *spec = &conf_ops[o];
        if (opts->only_op >= 0 && opts->only_op != o)
            continue;
        for (int d = 0; d < 3; d++) {
            nz_dtype dt = dtypes[d];
            if (!nz_ref_supports(spec->op, dt))
                continue;
            int required = dt == NZ_F32 || (dt == NZ_F64 && dev->info.fp64);
            if (!dev->be->supports(dev->handle, spec->op, dt)) {
                if (required) {
                    printf("%-10s %-13s %s: FAIL: not supported, but %s\n", dev->id,
                           nz_op_name(spec->op), nz_dtype_name(dt),
                           dt == NZ_F32 ? "every op must support f32"
                                        : "the device reports fp64, so every op must support f64");
                    failures++;
                } else {
                    printf("%-10s %-13s %s: not supported (optional)\n", dev->id,
                           nz_op_name(spec->op), nz_dtype_name(dt));
                }
                continue;
            }
            int n = (int)(spec->ncases * opts->case_scale);
            if (n < 1)
                n = 1;
            int passed = 0;
            double worst = 0;
            for (int i = 0; i < n; i++) {
                conf_case tc;
                memset(&tc, 0, sizeof tc);
                tc.fp64 = dev->info.fp64;
                /* Seeded by (op, dtype, case) so a failure reproduces alone. */
                conf_rng r = {0x9E3779B97F4A7C15u ^ ((uint64_t)o << 40) ^ ((uint64_t)d << 32) ^
                              (uint64_t)(i + 1) * 0xD1B54A32D192ED03u};
                tc.args.op = spec->op;
                tc.args.dtype = dt;
                spec->gen(&tc, i, dt, &r);
                /* Print the first few failures in full; the count says the rest. */
                passed += !run_case(dev, spec, &tc, i, &worst, i - passed >= 6);
                conf_case_free(&tc);
            }
            failures += n - passed;
            printf("%-10s %-13s %s: %s %d/%d cases passed, worst NMSE %.2e\n", dev->id,
                   nz_op_name(spec->op), nz_dtype_name(dt), passed == n ? "ok  " : "FAIL", passed,
                   n, worst);
            fflush(stdout);
        }
    }
    return failures;
}
