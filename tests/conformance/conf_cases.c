/* Case generators, one per op, and the table of NMSE bounds.
 *
 * Shapes mix 1, odd sizes around vector widths and > 1000; offsets are
 * random (conf_buf_new); alpha/beta include beta == 0 over a NaN-filled
 * output, which must not leak.  Bounds: f32 results may accumulate in f32,
 * so sums over ~1000 terms are allowed an RMS relative error of a few 1e-5;
 * f64 is held near its rounding error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

/* alpha, beta for ops that take them; beta == 0 a third of the time. */
static void pick_ab(conf_rng *r, double *alpha, double *beta)
{
    static const double as[] = {1.0, -0.5, 2.25, 0.0};
    static const double bs[] = {0.0, 0.0, 1.0, -0.75, 0.0};
    *alpha = as[conf_next(r) % 4];
    if (*alpha == 0.0)
        *alpha = conf_unif(r, -2, 2);
    *beta = bs[conf_next(r) % 5];
    if (*beta == 0.0 && (conf_next(r) & 3) == 0)
        *beta = conf_unif(r, -1, 1);
}

/* An output of n elements; NaN-filled when it must not be read. */
static nz_bref out_buf(conf_case *tc, nz_dtype dt, size_t n, int nan, conf_rng *r)
{
    nz_bref b = conf_buf_new(tc, dt, n, 1, r);
    if (nan)
        conf_fill_nan(tc, b, n);
    return b;
}

/* m, n with m*n <= cap. */
static void pick_mn(conf_rng *r, int64_t *m, int64_t *n, int64_t cap)
{
    do {
        *m = conf_dim(r);
        *n = conf_dim(r);
    } while (*m * *n > cap);
}

static int64_t pad(conf_rng *r)
{
    return (conf_next(r) % 3 == 0) ? conf_int(r, 1, 5) : 0;
}

/* ---- GEMM ---- */

static void gen_gemm(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    static const int64_t fixed[][3] = {{1, 1, 1}, {7, 7, 7}, {1031, 1, 7}, {1, 1031, 31},
                                       {31, 127, 1031}, {127, 33, 65}, {1031, 31, 17}, {2, 3, 1031}};
    nz_gemm_args *g = &tc->args.u.gemm;
    g->trans_a = idx & 1;
    g->trans_b = (idx >> 1) & 1;
    if (idx / 4 < 8) {
        g->m = fixed[idx / 4][0];
        g->n = fixed[idx / 4][1];
        g->k = fixed[idx / 4][2];
    } else {
        do {
            g->m = conf_dim(r);
            g->n = conf_dim(r);
            g->k = conf_dim(r);
        } while (g->m * g->n * g->k > 2000000);
    }
    g->batch = (idx % 3 == 0) ? conf_int(r, 2, 4) : 1;
    if (g->m * g->n * g->k * g->batch > 4000000)
        g->batch = 1;
    pick_ab(r, &g->alpha, &g->beta);
    int64_t ra = g->trans_a ? g->k : g->m, ca = g->trans_a ? g->m : g->k;
    int64_t rb = g->trans_b ? g->n : g->k, cb = g->trans_b ? g->k : g->n;
    g->lda = ca + pad(r);
    g->ldb = cb + pad(r);
    g->ldc = g->n + pad(r);
    int64_t sa = (ra - 1) * g->lda + ca, sb = (rb - 1) * g->ldb + cb, sc = (g->m - 1) * g->ldc + g->n;
    /* Batched: A or B shared (stride 0) sometimes, padded strides otherwise. */
    g->stride_a = g->batch > 1 && conf_next(r) % 3 == 0 ? 0 : sa + pad(r);
    g->stride_b = g->batch > 1 && conf_next(r) % 3 == 0 ? 0 : sb + pad(r);
    g->stride_c = sc + pad(r);
    g->a = conf_buf_new(tc, dt, (size_t)((g->batch - 1) * g->stride_a + sa), 0, r);
    g->b = conf_buf_new(tc, dt, (size_t)((g->batch - 1) * g->stride_b + sb), 0, r);
    g->c = out_buf(tc, dt, (size_t)((g->batch - 1) * g->stride_c + sc), g->beta == 0.0, r);
}

/* ---- UNARY ---- */

static void gen_unary(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    nz_unary_args *u = &tc->args.u.unary;
    u->fn = (nz_unary_fn)(idx % NZ_UN_COUNT);
    u->x_bcast = (nz_bcast)((idx / NZ_UN_COUNT) % 4);
    pick_mn(r, &u->m, &u->n, 100000);
    pick_ab(r, &u->alpha, &u->beta);
    int64_t nx = u->x_bcast == NZ_BCAST_ROW ? u->n : u->x_bcast == NZ_BCAST_COL ? u->m
               : u->x_bcast == NZ_BCAST_SCALAR ? 1 : u->m * u->n;
    u->x = conf_buf_new(tc, dt, (size_t)nx, 0, r);
    double lo = -1, hi = 1;
    int zeros = 0, neg = 0;
    switch (u->fn) {
    case NZ_UN_SQRT: case NZ_UN_RSQRT: case NZ_UN_LOG: lo = 0.01; hi = 10; break;
    case NZ_UN_RECIP: lo = 0.1; hi = 10; neg = 1; break;
    case NZ_UN_EXP: case NZ_UN_SIN: case NZ_UN_COS: lo = -10; hi = 10; break;
    case NZ_UN_ACOS: lo = -1.2; hi = 1.2; break;
    case NZ_UN_TANH: case NZ_UN_SIGMOID: case NZ_UN_GELU: lo = -6; hi = 6; break;
    case NZ_UN_SIGN: case NZ_UN_STEP: case NZ_UN_RELU: zeros = 1; break;
    case NZ_UN_AFFINE: u->p0 = conf_unif(r, -2, 2); u->p1 = conf_unif(r, -2, 2); break;
    case NZ_UN_CLAMP: u->p0 = conf_unif(r, -0.5, 0); u->p1 = conf_unif(r, 0, 0.5); break;
    case NZ_UN_POW: {
        static const double ps[] = {2, 3, 0.5, -1.5, 2.5};
        u->p0 = ps[conf_next(r) % 5];
        if (u->p0 == floor(u->p0)) {
            lo = -2;
            hi = 2;
        } else {
            lo = 0.01;
            hi = 3;
        }
        break;
    }
    default: break;
    }
    for (int64_t i = 0; i < nx; i++) {
        double v = conf_unif(r, lo, hi);
        if (neg && (conf_next(r) & 1))
            v = -v;
        if (zeros && i % 7 == 3)
            v = 0;
        conf_set(tc, u->x, (size_t)i, v);
    }
    u->out = out_buf(tc, dt, (size_t)(u->m * u->n), u->beta == 0.0, r);
}

/* ---- BINARY ---- */

static int64_t bcount(nz_bcast bc, int64_t m, int64_t n)
{
    return bc == NZ_BCAST_ROW ? n : bc == NZ_BCAST_COL ? m : bc == NZ_BCAST_SCALAR ? 1 : m * n;
}

static void gen_binary(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    nz_binary_args *b = &tc->args.u.binary;
    b->fn = (nz_binary_fn)(idx % NZ_BIN_COUNT);
    b->x_bcast = (nz_bcast)((idx / NZ_BIN_COUNT) % 4);
    b->y_bcast = (nz_bcast)((idx / NZ_BIN_COUNT / 4) % 4);
    pick_mn(r, &b->m, &b->n, 40000);
    pick_ab(r, &b->alpha, &b->beta);
    int64_t nx = bcount(b->x_bcast, b->m, b->n), ny = bcount(b->y_bcast, b->m, b->n);
    b->x = conf_buf_new(tc, dt, (size_t)nx, 0, r);
    b->y = conf_buf_new(tc, dt, (size_t)ny, 0, r);
    for (int64_t i = 0; i < ny; i++) {
        double v;
        switch (b->fn) {
        case NZ_BIN_DIV: v = conf_unif(r, 0.1, 10) * ((conf_next(r) & 1) ? 1 : -1); break;
        case NZ_BIN_SIGMOID_BWD: v = conf_unif(r, 0, 1); break;
        case NZ_BIN_GELU_BWD: v = conf_unif(r, -5, 5); break;
        case NZ_BIN_RELU_BWD: v = i % 5 == 2 ? 0.0 : conf_unif(r, -1, 1); break;
        default: v = conf_unif(r, -1, 1); break;
        }
        conf_set(tc, b->y, (size_t)i, v);
    }
    b->out = out_buf(tc, dt, (size_t)(b->m * b->n), b->beta == 0.0, r);
}

/* ---- REDUCE ---- */

static void gen_reduce(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    nz_reduce_args *a = &tc->args.u.reduce;
    a->fn = (nz_reduce_fn)(idx % NZ_RED_COUNT);
    a->axis = (nz_axis)((idx / NZ_RED_COUNT) % 3);
    pick_mn(r, &a->m, &a->n, 150000);
    pick_ab(r, &a->alpha, &a->beta);
    a->x = conf_buf_new(tc, dt, (size_t)(a->m * a->n), 0, r);
    if (idx % 3 == 1) /* few distinct values: ties for max/min/argmax */
        for (int64_t i = 0; i < a->m * a->n; i++)
            conf_set(tc, a->x, (size_t)i, (double)conf_int(r, -2, 2) / 4.0);
    int64_t outs = a->axis == NZ_AXIS_ROWS ? a->m : a->axis == NZ_AXIS_COLS ? a->n : 1;
    if (a->fn == NZ_RED_ARGMAX)
        a->out = conf_buf_new(tc, NZ_I32, (size_t)outs, 1, r);
    else
        a->out = out_buf(tc, dt, (size_t)outs, a->beta == 0.0, r);
}

/* A different argmax is fine only when it points at an equal value. */
static int accept_argmax(conf_case *tc, int buf, size_t o, int32_t got, int32_t want)
{
    const nz_reduce_args *a = &tc->args.u.reduce;
    int64_t len = a->axis == NZ_AXIS_ROWS ? a->n : a->axis == NZ_AXIS_COLS ? a->m : a->m * a->n;
    if (buf != 1 || got < 0 || got >= len)
        return 0;
    int64_t io = (int64_t)o;
    int64_t ig = a->axis == NZ_AXIS_ROWS ? io * a->n + got : a->axis == NZ_AXIS_COLS ? got * a->n + io : got;
    int64_t iw = a->axis == NZ_AXIS_ROWS ? io * a->n + want : a->axis == NZ_AXIS_COLS ? want * a->n + io : want;
    return conf_get(tc, a->x, (size_t)ig) == conf_get(tc, a->x, (size_t)iw);
}

/* ---- SOFTMAX_XENT ---- */

static void gen_softmax_xent(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    nz_softmax_xent_args *a = &tc->args.u.softmax_xent;
    static const double scales[] = {1, 10, 100}; /* 100: exp overflows f32 unless shifted */
    a->backward = idx % 3 == 2;
    pick_mn(r, &a->m, &a->n, 100000);
    pick_ab(r, &a->alpha, &a->beta);
    a->logits = conf_buf_new(tc, dt, (size_t)(a->m * a->n), 0, r);
    double s = scales[(idx / 3) % 3];
    conf_fill(tc, a->logits, (size_t)(a->m * a->n), -s, s, r);
    a->labels = conf_buf_new(tc, NZ_I32, (size_t)a->m, 0, r);
    for (int64_t i = 0; i < a->m; i++)
        conf_set(tc, a->labels, (size_t)i, (double)conf_int(r, 0, a->n - 1));
    if (a->backward) {
        a->dlogits = out_buf(tc, dt, (size_t)(a->m * a->n), a->beta == 0.0, r);
    } else {
        a->loss = out_buf(tc, dt, (size_t)a->m, a->beta == 0.0, r);
        if (idx % 3 == 1)
            a->probs = out_buf(tc, dt, (size_t)(a->m * a->n), 1, r);
    }
}

/* ---- GATHER_ROWS ---- */

static void gen_gather(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    nz_gather_args *g = &tc->args.u.gather;
    (void)idx;
    pick_mn(r, &g->m, &g->n, 100000);
    g->x_rows = conf_dim(r);
    g->x = conf_buf_new(tc, dt, (size_t)(g->x_rows * g->n), 0, r);
    if (dt == NZ_I32)
        for (int64_t i = 0; i < g->x_rows * g->n; i++)
            conf_set(tc, g->x, (size_t)i, (double)conf_int(r, -2147483647, 2147483647));
    g->idx = conf_buf_new(tc, NZ_I32, (size_t)g->m, 0, r);
    for (int64_t i = 0; i < g->m; i++)
        conf_set(tc, g->idx, (size_t)i, (double)conf_int(r, 0, g->x_rows - 1));
    g->out = out_buf(tc, dt, (size_t)(g->m * g->n), dt != NZ_I32, r);
}

/* ---- RANDOM ---- */

static void gen_random(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    static const int64_t counts[] = {1, 2, 7, 31, 1031, 65537, 100003};
    nz_random_args *a = &tc->args.u.random;
    a->dist = (nz_random_dist)(idx % 3);
    a->count = conf_pick(r, counts, 7);
    a->seed = conf_next(r);
    a->stream = (idx & 4) ? conf_next(r) : (uint64_t)idx;
    /* Counters crossing 2^32 exercise the carry into the high word. */
    a->counter = (idx & 8) ? 0xFFFFFFFFu - (uint64_t)conf_int(r, 0, 50) : conf_next(r) >> 1;
    if (a->dist == NZ_RNG_UNIFORM) {
        a->p0 = conf_unif(r, -2, 0);
        a->p1 = conf_unif(r, 0, 3);
    } else if (a->dist == NZ_RNG_NORMAL) {
        a->p0 = conf_unif(r, -1, 1);
        a->p1 = conf_unif(r, 0.5, 2);
    } else {
        a->p0 = conf_unif(r, 0, 1);
    }
    a->out = out_buf(tc, dt, (size_t)a->count, 1, r);
}

/* ---- SGD, ADAM ---- */

static void gen_sgd(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    nz_sgd_args *a = &tc->args.u.sgd;
    a->count = (idx % 4 == 3) ? 100003 : conf_dim(r) * conf_dim(r);
    a->lr = conf_unif(r, 1e-3, 0.1);
    a->momentum = (idx & 1) ? 0.9 : 0.0;
    a->nesterov = (idx >> 1) & 1;
    a->weight_decay = (idx >> 2) & 1 ? 1e-2 : 0.0;
    a->w = conf_buf_new(tc, dt, (size_t)a->count, 1, r);
    a->g = conf_buf_new(tc, dt, (size_t)a->count, 0, r);
    /* Without momentum v is optional and must not be touched when given. */
    if (a->momentum != 0.0 || (idx >> 3) & 1)
        a->v = conf_buf_new(tc, dt, (size_t)a->count, 1, r);
}

static void gen_adam(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    static const int64_t steps[] = {1, 2, 10, 1000};
    nz_adam_args *a = &tc->args.u.adam;
    a->count = (idx % 4 == 3) ? 100003 : conf_dim(r) * conf_dim(r);
    a->lr = 1e-3;
    a->beta1 = 0.9;
    a->beta2 = 0.999;
    a->eps = 1e-8;
    a->decoupled = idx & 1;
    a->weight_decay = (idx >> 1) & 1 ? 1e-2 : 0.0;
    int64_t t = conf_pick(r, steps, 4);
    a->bias1 = 1.0 - pow(a->beta1, (double)t);
    a->bias2 = 1.0 - pow(a->beta2, (double)t);
    a->w = conf_buf_new(tc, dt, (size_t)a->count, 1, r);
    a->g = conf_buf_new(tc, dt, (size_t)a->count, 0, r);
    a->m = conf_buf_new(tc, dt, (size_t)a->count, 1, r);
    conf_fill(tc, a->m, (size_t)a->count, -0.1, 0.1, r);
    a->v = conf_buf_new(tc, dt, (size_t)a->count, 1, r);
    conf_fill(tc, a->v, (size_t)a->count, 0.0, 0.01, r);
}

/* ---- COPY2D, CAST, ONEHOT ---- */

static void gen_copy2d(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    nz_copy2d_args *c = &tc->args.u.copy2d;
    c->trans = idx & 1;
    pick_mn(r, &c->m, &c->n, 150000);
    pick_ab(r, &c->alpha, &c->beta);
    int64_t rows = c->trans ? c->n : c->m, len = c->trans ? c->m : c->n;
    c->ldx = len + pad(r);
    c->ldo = c->n + pad(r);
    c->x = conf_buf_new(tc, dt, (size_t)((rows - 1) * c->ldx + len), 0, r);
    c->out = out_buf(tc, dt, (size_t)((c->m - 1) * c->ldo + c->n), c->beta == 0.0, r);
}

static void gen_cast(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    nz_cast_args *c = &tc->args.u.cast;
    static const nz_dtype tos[] = {NZ_F32, NZ_F64, NZ_I32};
    c->to = tos[idx % 3];
    if (c->to == NZ_F64 && !tc->fp64)
        c->to = NZ_I32;
    c->count = (idx % 4 == 3) ? 100003 : conf_dim(r);
    c->x = conf_buf_new(tc, dt, (size_t)c->count, 0, r);
    /* Values that convert without overflow: the conversion of out-of-range
     * floats to i32 is not part of the contract. */
    double span = (idx / 3) % 2 ? 1e6 : 3.0;
    for (int64_t i = 0; i < c->count; i++) {
        double v = dt == NZ_I32 ? (double)conf_int(r, -2147483647, 2147483647)
                                : conf_unif(r, -span, span);
        if (dt == NZ_I32 && (idx / 3) % 2 == 0)
            v = (double)conf_int(r, -100000, 100000);
        conf_set(tc, c->x, (size_t)i, v);
    }
    c->out = conf_buf_new(tc, c->to, (size_t)c->count, 1, r);
}

static void gen_onehot(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    nz_onehot_args *o = &tc->args.u.onehot;
    (void)idx;
    pick_mn(r, &o->m, &o->n, 150000);
    o->on = conf_unif(r, 0.5, 1);
    o->off = conf_unif(r, -0.1, 0.1);
    o->labels = conf_buf_new(tc, NZ_I32, (size_t)o->m, 0, r);
    /* -1 and n are outside [0, n): such rows are all `off`. */
    for (int64_t i = 0; i < o->m; i++)
        conf_set(tc, o->labels, (size_t)i, (double)conf_int(r, -1, o->n));
    o->out = out_buf(tc, dt, (size_t)(o->m * o->n), 1, r);
}

/* ---- CHOLESKY, TRSM ---- */

static void gen_cholesky(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    static const int64_t ns[] = {1, 2, 3, 7, 16, 31, 64, 127, 200};
    nz_cholesky_args *c = &tc->args.u.cholesky;
    c->n = ns[idx % 9];
    c->lda = c->n + pad(r);
    int64_t n = c->n;
    c->a = conf_buf_new(tc, dt, (size_t)((n - 1) * c->lda + n), 1, r);
    c->info = conf_buf_new(tc, NZ_I32, 1, 1, r);
    conf_set(tc, c->info, 0, -12345);
    /* A = M M^T / n + I/2: symmetric, eigenvalues >= 1/2, well conditioned. */
    double *m = malloc(sizeof(double) * (size_t)(n * n));
    for (int64_t i = 0; i < n * n; i++)
        m[i] = conf_unif(r, -1, 1);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j <= i; j++) {
            double s = i == j ? 0.5 : 0.0;
            for (int64_t k = 0; k < n; k++)
                s += m[i * n + k] * m[j * n + k] / (double)n;
            conf_set(tc, c->a, (size_t)(i * c->lda + j), s);
            conf_set(tc, c->a, (size_t)(j * c->lda + i), s);
        }
    free(m);
    if (idx % 9 >= 3 && (idx / 9) % 2 == 1) { /* not positive definite: a negative pivot */
        int64_t p = conf_int(r, 0, n - 1);
        conf_set(tc, c->a, (size_t)(p * c->lda + p), -1.0);
    }
}

/* After a failed factorization only info is specified. */
static void post_cholesky(conf_case *tc)
{
    int32_t info;
    memcpy(&info, tc->b[1].ref + tc->b[1].front * 4, 4);
    if (info != 0)
        tc->b[0].skip_payload = 1;
}

static void gen_trsm(conf_case *tc, int idx, nz_dtype dt, conf_rng *r)
{
    static const int64_t ns[] = {1, 2, 7, 31, 64, 127, 257};
    static const int64_t rhs[] = {1, 3, 17, 64, 130};
    nz_trsm_args *t = &tc->args.u.trsm;
    t->lower = idx & 1;
    t->trans = (idx >> 1) & 1;
    t->unit_diag = (idx >> 2) & 1;
    t->n = conf_pick(r, ns, 7);
    t->nrhs = conf_pick(r, rhs, 5);
    static const double alphas[] = {1, -0.5, 2};
    t->alpha = alphas[conf_next(r) % 3];
    t->ldt = t->n + pad(r);
    t->ldb = t->nrhs + pad(r);
    int64_t n = t->n;
    t->t = conf_buf_new(tc, dt, (size_t)((n - 1) * t->ldt + n), 0, r);
    /* Diagonal in [1, 2], off-diagonal small: well conditioned.  The other
     * triangle is NaN: it must not be read.  With unit_diag the stored
     * diagonal is 7, which would show if it were used. */
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) {
            int in = t->lower ? j < i : j > i;
            double v = i == j ? (t->unit_diag ? 7.0 : conf_unif(r, 1, 2))
                     : in ? conf_unif(r, -1, 1) / (double)n : NAN;
            conf_set(tc, t->t, (size_t)(i * t->ldt + j), v);
        }
    t->b = conf_buf_new(tc, dt, (size_t)((n - 1) * t->ldb + t->nrhs), 1, r);
}

const conf_op conf_ops[NZ_OP_COUNT] = {
    [NZ_OP_GEMM] = {NZ_OP_GEMM, 64, gen_gemm, 1e-9, 1e-24, 0, NULL, NULL},
    [NZ_OP_UNARY] = {NZ_OP_UNARY, NZ_UN_COUNT * 4, gen_unary, 1e-9, 1e-24, 0, NULL, NULL},
    [NZ_OP_BINARY] = {NZ_OP_BINARY, NZ_BIN_COUNT * 16, gen_binary, 1e-9, 1e-24, 0, NULL, NULL},
    [NZ_OP_REDUCE] = {NZ_OP_REDUCE, NZ_RED_COUNT * 9, gen_reduce, 1e-9, 1e-24, 0, NULL, accept_argmax},
    [NZ_OP_SOFTMAX_XENT] = {NZ_OP_SOFTMAX_XENT, 27, gen_softmax_xent, 1e-9, 1e-24, 0, NULL, NULL},
    [NZ_OP_GATHER_ROWS] = {NZ_OP_GATHER_ROWS, 16, gen_gather, 0, 0, 0, NULL, NULL},
    [NZ_OP_RANDOM] = {NZ_OP_RANDOM, 24, gen_random, 0, 0, 1, NULL, NULL},
    [NZ_OP_SGD] = {NZ_OP_SGD, 16, gen_sgd, 1e-10, 1e-24, 0, NULL, NULL},
    [NZ_OP_ADAM] = {NZ_OP_ADAM, 16, gen_adam, 1e-10, 1e-24, 0, NULL, NULL},
    [NZ_OP_COPY2D] = {NZ_OP_COPY2D, 24, gen_copy2d, 1e-12, 1e-24, 0, NULL, NULL},
    [NZ_OP_CAST] = {NZ_OP_CAST, 12, gen_cast, 0, 0, 0, NULL, NULL},
    [NZ_OP_ONEHOT] = {NZ_OP_ONEHOT, 12, gen_onehot, 0, 0, 0, NULL, NULL},
    [NZ_OP_CHOLESKY] = {NZ_OP_CHOLESKY, 18, gen_cholesky, 1e-8, 1e-22, 0, post_cholesky, NULL},
    [NZ_OP_TRSM] = {NZ_OP_TRSM, 24, gen_trsm, 1e-8, 1e-22, 0, NULL, NULL},
};
