/* Op checks against naive double loops: GEMM, element-wise maps, reductions,
 * softmax cross-entropy, gather, random, optimizers, copy, cast, one-hot. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nazo/philox_float.h"
#include "test_cpu.h"

static double tol_of(nz_dtype dt)
{
    return dt == NZ_F32 ? 2e-6 : 1e-13;
}

/* value as stored in dt */
static double rnd(nz_dtype dt, double v)
{
    return dt == NZ_F32 ? (double)(float)v : v;
}

static void gemm_case(nz_dtype dt, int ta, int tb, int64_t m, int64_t n, int64_t k,
                      int64_t batch, double alpha, double beta)
{
    int64_t pad = 3, off = 5;
    int64_t lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
    int64_t arows = ta ? k : m, brows = tb ? n : k;
    int64_t sa = arows * lda + 1, sb = brows * ldb + 2, sc = m * ldc + 3;
    size_t na = off + batch * sa, nb = off + batch * sb, nc = off + batch * sc;
    double *a = malloc(na * 8), *b = malloc(nb * 8), *c = malloc(nc * 8), *want = malloc(nc * 8);
    double *got = malloc(nc * 8), *scale = malloc(nc * 8);
    fill_vals(a, na, 1);
    fill_vals(b, nb, 2);
    fill_vals(c, nc, 3);
    for (size_t i = 0; i < na; i++)
        a[i] = rnd(dt, a[i]);
    for (size_t i = 0; i < nb; i++)
        b[i] = rnd(dt, b[i]);
    for (size_t i = 0; i < nc; i++)
        c[i] = beta == 0 ? NAN : rnd(dt, c[i]); /* beta 0: C must not be read */
    memcpy(want, c, nc * 8);
    for (size_t i = 0; i < nc; i++)
        scale[i] = 1;
    for (int64_t t = 0; t < batch; t++)
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) {
                double s = 0, sabs = 0;
                for (int64_t p = 0; p < k; p++) {
                    double x = ta ? a[off + t * sa + p * lda + i] : a[off + t * sa + i * lda + p];
                    double y = tb ? b[off + t * sb + j * ldb + p] : b[off + t * sb + p * ldb + j];
                    s += x * y;
                    sabs += fabs(x * y);
                }
                size_t ci = off + t * sc + i * ldc + j;
                want[ci] = alpha * s + (beta == 0 ? 0 : beta * c[ci]);
                scale[ci] = fabs(alpha) * sabs + fabs(beta * (beta == 0 ? 0 : c[ci])) + 1e-30;
            }
    void *ba = up(dt, a, na), *bb = up(dt, b, nb), *bc = up(dt, c, nc);
    nz_op_args g = {.op = NZ_OP_GEMM, .dtype = dt};
    g.u.gemm = (nz_gemm_args){ta, tb, m, n, k, alpha, beta, {ba, off}, {bb, off}, {bc, off},
                              lda, ldb, ldc, batch, sa, sb, sc};
    if (run_op(&g) == NZ_OK) {
        down(dt, bc, got, nc);
        char what[128];
        snprintf(what, sizeof what, "gemm %s ta%d tb%d %lldx%lldx%lld b%lld a%g b%g",
                 nz_dtype_name(dt), ta, tb, (long long)m, (long long)n, (long long)k,
                 (long long)batch, alpha, beta);
        /* elements outside the C windows keep their value (NaN or c) */
        close_enough(what, got, want, scale, nc, dt == NZ_F32 ? 1e-6 * sqrt((double)k + 1) * 4
                                                               : 1e-14 * sqrt((double)k + 1) * 4);
    } else {
        CHECK(0, "gemm run failed");
    }
    release(ba);
    release(bb);
    release(bc);
    free(a);
    free(b);
    free(c);
    free(want);
    free(got);
    free(scale);
}

void test_gemm(void)
{
    static const int64_t shapes[][3] = {
        {1, 1, 1}, {7, 5, 3}, {1, 31, 7}, {31, 1, 33}, {12, 32, 256}, {13, 33, 257},
        {127, 129, 65}, {5, 1100, 7}, {1030, 9, 300}, {200, 300, 530}, {64, 64, 0},
        {128, 10, 1024}, /* the MLP output layer; computed as C^T like 1030x9 and 31x1 */
    };
    for (int dt = NZ_F32; dt <= NZ_F64; dt++)
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            for (int tr = 0; tr < 4; tr++)
                gemm_case((nz_dtype)dt, tr & 1, tr >> 1, shapes[s][0], shapes[s][1],
                          shapes[s][2], 1, tr == 3 ? 0.5 : 1.0, s % 2 ? 0.0 : -0.75);
    for (int dt = NZ_F32; dt <= NZ_F64; dt++) {
        gemm_case((nz_dtype)dt, 0, 1, 17, 19, 23, 5, 2.0, 1.0);
        gemm_case((nz_dtype)dt, 1, 0, 40, 70, 90, 3, 1.0, 0.0);
        gemm_case((nz_dtype)dt, 0, 0, 130, 260, 280, 2, 1.0, 0.5);
    }
}

/* ---- element-wise ----------------------------------------------------- */

static double un_ref(int fn, double v, double p0, double p1)
{
    switch (fn) {
    case NZ_UN_IDENTITY: return v;
    case NZ_UN_NEG: return -v;
    case NZ_UN_ABS: return fabs(v);
    case NZ_UN_SIGN: return v > 0 ? 1 : v < 0 ? -1 : 0;
    case NZ_UN_SQUARE: return v * v;
    case NZ_UN_SQRT: return sqrt(v);
    case NZ_UN_RSQRT: return 1 / sqrt(v);
    case NZ_UN_RECIP: return 1 / v;
    case NZ_UN_EXP: return exp(v);
    case NZ_UN_LOG: return log(v);
    case NZ_UN_SIN: return sin(v);
    case NZ_UN_COS: return cos(v);
    case NZ_UN_ACOS: return acos(fmin(1, fmax(-1, v)));
    case NZ_UN_RELU: return v > 0 ? v : 0;
    case NZ_UN_SIGMOID: return 1 / (1 + exp(-v));
    case NZ_UN_TANH: return tanh(v);
    case NZ_UN_GELU: return 0.5 * v * (1 + erf(v / sqrt(2)));
    case NZ_UN_STEP: return v > 0;
    case NZ_UN_AFFINE: return p0 * v + p1;
    case NZ_UN_CLAMP: return fmin(fmax(v, p0), p1);
    case NZ_UN_POW: return pow(v, p0);
    }
    return NAN;
}

static double bin_ref(int fn, double x, double y)
{
    switch (fn) {
    case NZ_BIN_ADD: return x + y;
    case NZ_BIN_SUB: return x - y;
    case NZ_BIN_MUL: return x * y;
    case NZ_BIN_DIV: return x / y;
    case NZ_BIN_MAX: return fmax(x, y);
    case NZ_BIN_MIN: return fmin(x, y);
    case NZ_BIN_RELU_BWD: return y > 0 ? x : 0;
    case NZ_BIN_SIGMOID_BWD: return x * y * (1 - y);
    case NZ_BIN_TANH_BWD: return x * (1 - y * y);
    case NZ_BIN_GELU_BWD:
        return x * (0.5 * (1 + erf(y / sqrt(2))) + y * exp(-0.5 * y * y) / sqrt(2 * M_PI));
    }
    return NAN;
}

static int64_t bidx(nz_bcast bc, int64_t i, int64_t j, int64_t n)
{
    return bc == NZ_BCAST_NONE ? i * n + j : bc == NZ_BCAST_ROW ? j : bc == NZ_BCAST_COL ? i : 0;
}

void test_elementwise(void)
{
    static const int64_t shapes[][2] = {{1, 1}, {7, 31}, {127, 3}, {3, 1100}, {400, 300}};
    for (int dt = NZ_F32; dt <= NZ_F64; dt++)
        for (size_t s = 0; s < 5; s++) {
            int64_t m = shapes[s][0], n = shapes[s][1];
            size_t mn = (size_t)(m * n);
            double *x = malloc(mn * 8), *y = malloc(mn * 8), *o0 = malloc(mn * 8);
            double *want = malloc(mn * 8), *got = malloc(mn * 8);
            fill_vals(x, mn, 11);
            fill_vals(y, mn, 12);
            fill_vals(o0, mn, 13);
            for (size_t i = 0; i < mn; i++) {
                x[i] = rnd((nz_dtype)dt, 2 * x[i]);
                y[i] = rnd((nz_dtype)dt, y[i]);
                o0[i] = rnd((nz_dtype)dt, o0[i]);
            }
            void *bx = up((nz_dtype)dt, x, mn), *by = up((nz_dtype)dt, y, mn);
            void *bo = up((nz_dtype)dt, NULL, mn);
            for (int fn = 0; fn < NZ_UN_COUNT; fn++)
                for (int bc = 0; bc < 4; bc++) {
                    int pos = fn == NZ_UN_SQRT || fn == NZ_UN_RSQRT || fn == NZ_UN_LOG ||
                              fn == NZ_UN_POW;
                    double beta = bc == 2 ? 0.5 : 0;
                    double p0 = fn == NZ_UN_CLAMP ? -0.3 : fn == NZ_UN_POW ? 1.7 : 0.5;
                    double p1 = fn == NZ_UN_CLAMP ? 0.6 : 0.25;
                    void *src = bx;
                    double *xv = x;
                    double *tmp = NULL;
                    if (pos) {
                        tmp = malloc(mn * 8);
                        for (size_t i = 0; i < mn; i++)
                            tmp[i] = fabs(x[i]) + 0.01;
                        src = up((nz_dtype)dt, tmp, mn);
                        xv = tmp;
                    }
                    void *bo2 = up((nz_dtype)dt, beta ? o0 : NULL, mn);
                    if (!beta) { /* NaN in out must not leak when beta == 0 */
                        double *nan = malloc(mn * 8);
                        for (size_t i = 0; i < mn; i++)
                            nan[i] = NAN;
                        release(bo2);
                        bo2 = up((nz_dtype)dt, nan, mn);
                        free(nan);
                    }
                    nz_op_args a = {.op = NZ_OP_UNARY, .dtype = (nz_dtype)dt};
                    a.u.unary = (nz_unary_args){(nz_unary_fn)fn, m, n, (nz_bcast)bc, {src, 0},
                                                {bo2, 0}, p0, p1, 1.5, beta};
                    run_op(&a);
                    down((nz_dtype)dt, bo2, got, mn);
                    for (int64_t i = 0; i < m; i++)
                        for (int64_t j = 0; j < n; j++) {
                            double v = xv[bidx((nz_bcast)bc, i, j, n)];
                            want[i * n + j] = 1.5 * un_ref(fn, v, p0, p1) +
                                              (beta ? beta * o0[i * n + j] : 0);
                        }
                    char what[96];
                    snprintf(what, sizeof what, "unary %d bcast %d %s %lldx%lld", fn, bc,
                             nz_dtype_name((nz_dtype)dt), (long long)m, (long long)n);
                    close_enough(what, got, want, NULL, mn, dt == NZ_F32 ? 4e-6 : 1e-14);
                    release(bo2);
                    if (tmp) {
                        release(src);
                        free(tmp);
                    }
                }
            for (int fn = 0; fn < NZ_BIN_COUNT; fn++)
                for (int bc = 0; bc < 16; bc++) {
                    nz_bcast xb = (nz_bcast)(bc & 3), yb = (nz_bcast)(bc >> 2);
                    double beta = bc % 3 == 0 ? 0 : -0.5;
                    void *bo2 = up((nz_dtype)dt, o0, mn);
                    nz_op_args a = {.op = NZ_OP_BINARY, .dtype = (nz_dtype)dt};
                    a.u.binary = (nz_binary_args){(nz_binary_fn)fn, m, n, xb, yb, {bx, 0},
                                                  {by, 0}, {bo2, 0}, 0.5, beta};
                    run_op(&a);
                    down((nz_dtype)dt, bo2, got, mn);
                    for (int64_t i = 0; i < m; i++)
                        for (int64_t j = 0; j < n; j++)
                            want[i * n + j] = 0.5 * bin_ref(fn, x[bidx(xb, i, j, n)],
                                                            y[bidx(yb, i, j, n)]) +
                                              beta * o0[i * n + j];
                    char what[96];
                    snprintf(what, sizeof what, "binary %d bcast %d/%d %s %lldx%lld", fn, xb, yb,
                             nz_dtype_name((nz_dtype)dt), (long long)m, (long long)n);
                    close_enough(what, got, want, NULL, mn, dt == NZ_F32 ? 4e-6 : 1e-14);
                    release(bo2);
                }
            /* in place: x = relu(x) */
            nz_op_args a = {.op = NZ_OP_UNARY, .dtype = (nz_dtype)dt};
            a.u.unary = (nz_unary_args){NZ_UN_RELU, m, n, NZ_BCAST_NONE, {bx, 0}, {bx, 0}, 0, 0,
                                        1, 0};
            run_op(&a);
            down((nz_dtype)dt, bx, got, mn);
            for (size_t i = 0; i < mn; i++)
                want[i] = x[i] > 0 ? x[i] : 0;
            close_enough("in-place relu", got, want, NULL, mn, 0);
            release(bx);
            release(by);
            release(bo);
            free(x);
            free(y);
            free(o0);
            free(want);
            free(got);
        }
}

/* ---- reductions ------------------------------------------------------- */

void test_reduce(void)
{
    static const int64_t shapes[][2] = {{1, 1}, {1, 20000}, {7, 31}, {127, 129}, {20000, 3},
                                        {300, 1100}};
    for (int dt = NZ_F32; dt <= NZ_F64; dt++)
        for (size_t s = 0; s < 6; s++) {
            int64_t m = shapes[s][0], n = shapes[s][1];
            size_t mn = (size_t)(m * n);
            double *x = malloc(mn * 8);
            fill_vals(x, mn, 21 + (unsigned)s);
            for (size_t i = 0; i < mn; i++)
                x[i] = rnd((nz_dtype)dt, x[i] + 0.25);
            if (mn > 5)
                x[mn / 2] = x[mn / 3] = 3.0; /* a tie: argmax takes the first */
            void *bx = up((nz_dtype)dt, x, mn);
            size_t cap = (size_t)(m > n ? m : n);
            double *o0 = malloc(cap * 8), *got = malloc(cap * 8), *want = malloc(cap * 8);
            double *scale = malloc(cap * 8);
            fill_vals(o0, cap, 5);
            for (int fn = 0; fn < NZ_RED_COUNT; fn++)
                for (int ax = 0; ax < 3; ax++) {
                    size_t no = ax == NZ_AXIS_ROWS ? (size_t)m : ax == NZ_AXIS_COLS ? (size_t)n : 1;
                    double beta = fn == NZ_RED_ARGMAX ? 0 : (ax == 1 ? 0.5 : 0);
                    nz_dtype odt = fn == NZ_RED_ARGMAX ? NZ_I32 : (nz_dtype)dt;
                    for (size_t i = 0; i < no; i++)
                        o0[i] = rnd((nz_dtype)dt, o0[i]);
                    void *bo = up(odt, o0, no);
                    nz_op_args a = {.op = NZ_OP_REDUCE, .dtype = (nz_dtype)dt};
                    a.u.reduce = (nz_reduce_args){(nz_reduce_fn)fn, (nz_axis)ax, m, n, {bx, 0},
                                                  {bo, 0}, 2.0, beta};
                    run_op(&a);
                    down(odt, bo, got, no);
                    for (size_t o = 0; o < no; o++) {
                        int64_t cnt = ax == NZ_AXIS_ROWS ? n : ax == NZ_AXIS_COLS ? m : m * n;
                        double acc = 0, sabs = 0, best = 0;
                        int64_t bi = 0;
                        for (int64_t e = 0; e < cnt; e++) {
                            double v = ax == NZ_AXIS_ROWS ? x[o * n + e]
                                     : ax == NZ_AXIS_COLS ? x[e * n + o] : x[e];
                            acc += fn == NZ_RED_SUM ? v : fn == NZ_RED_SUMSQ ? v * v : fabs(v);
                            sabs += fn == NZ_RED_SUMSQ ? v * v : fabs(v);
                            if (e == 0 || (fn == NZ_RED_MIN ? v < best : v > best)) {
                                best = v;
                                bi = e;
                            }
                        }
                        double r = fn <= NZ_RED_SUMABS ? acc : best;
                        want[o] = fn == NZ_RED_ARGMAX ? (double)bi : 2 * r + beta * o0[o];
                        scale[o] = fn <= NZ_RED_SUMABS ? 2 * sabs + 1 : fabs(want[o]) + 1;
                    }
                    char what[96];
                    snprintf(what, sizeof what, "reduce %d axis %d %s %lldx%lld", fn, ax,
                             nz_dtype_name((nz_dtype)dt), (long long)m, (long long)n);
                    close_enough(what, got, want, scale, no,
                                 fn == NZ_RED_ARGMAX ? 0 : dt == NZ_F32 ? 2e-7 : 1e-12);
                    release(bo);
                }
            release(bx);
            free(x);
            free(o0);
            free(got);
            free(want);
            free(scale);
        }
}

/* NaN in max/argmax behaves like a sequential `v > best` scan from element 0,
 * also where a NaN starts one of the backend's internal chunks. */
void test_reduce_nan(void)
{
    int64_t m = 600, n = 9000;
    size_t mn = (size_t)(m * n);
    double *x = malloc(mn * 8), got[9000], want[9000];
    fill_vals(x, mn, 77);
    x[8192] = NAN;            /* row 0, start of its second chunk */
    x[1 * n + 0] = NAN;       /* row 1 starts with NaN: result NaN */
    x[256 * n + 5] = NAN;     /* column 5, first row of the second row block */
    x[300 * n + 5] = 5.0;     /* ... whose max comes later */
    x[8200] = 4.0;            /* row 0's max sits right after the NaN */
    for (int dt = NZ_F32; dt <= NZ_F64; dt++)
        for (int ax = 0; ax < 2; ax++)
            for (int arg = 0; arg < 2; arg++) {
                int64_t no = ax == NZ_AXIS_ROWS ? m : n, len = ax == NZ_AXIS_ROWS ? n : m;
                void *bx = up((nz_dtype)dt, x, mn), *bo = up(arg ? NZ_I32 : (nz_dtype)dt, NULL,
                                                             (size_t)no);
                nz_op_args a = {.op = NZ_OP_REDUCE, .dtype = (nz_dtype)dt};
                a.u.reduce = (nz_reduce_args){arg ? NZ_RED_ARGMAX : NZ_RED_MAX, (nz_axis)ax, m, n,
                                              {bx, 0}, {bo, 0}, 1.0, 0.0};
                run_op(&a);
                down(arg ? NZ_I32 : (nz_dtype)dt, bo, got, (size_t)no);
                for (int64_t o = 0; o < no; o++) {
                    double best = 0;
                    int64_t bi = 0;
                    for (int64_t e = 0; e < len; e++) {
                        double v = rnd((nz_dtype)dt, ax == NZ_AXIS_ROWS ? x[o * n + e] : x[e * n + o]);
                        if (e == 0 || v > best) {
                            best = v;
                            bi = e;
                        }
                    }
                    want[o] = arg ? (double)bi : best;
                }
                close_enough(arg ? "argmax with NaN" : "max with NaN", got, want, NULL,
                             (size_t)no, 0);
                release(bx);
                release(bo);
            }
    free(x);
}

/* ---- the rest --------------------------------------------------------- */

static void test_softmax(nz_dtype dt)
{
    int64_t m = 37, n = 13;
    double x[37 * 13], lab[37], loss[37], probs[37 * 13], d[37 * 13], d0[37 * 13];
    fill_vals(x, (size_t)(m * n), 31);
    fill_vals(d0, (size_t)(m * n), 32);
    for (int64_t i = 0; i < m * n; i++) {
        x[i] = rnd(dt, 20 * x[i]);
        d0[i] = rnd(dt, d0[i]);
    }
    for (int64_t i = 0; i < m; i++)
        lab[i] = (double)((i * 7) % n);
    lab[5] = -1; /* out of range: NaN row */
    void *bx = up(dt, x, (size_t)(m * n)), *bl = up(NZ_I32, lab, (size_t)m);
    void *bloss = up(dt, NULL, (size_t)m), *bp = up(dt, NULL, (size_t)(m * n));
    void *bd = up(dt, d0, (size_t)(m * n));
    nz_op_args a = {.op = NZ_OP_SOFTMAX_XENT, .dtype = dt};
    a.u.softmax_xent = (nz_softmax_xent_args){0, m, n, {bx, 0}, {bl, 0}, {bloss, 0}, {bp, 0},
                                              {NULL, 0}, 1.0, 0.0};
    run_op(&a);
    a.u.softmax_xent = (nz_softmax_xent_args){1, m, n, {bx, 0}, {bl, 0}, {NULL, 0}, {NULL, 0},
                                              {bd, 0}, 0.5, 1.0};
    run_op(&a);
    double gl[37], gp[37 * 13], gd[37 * 13];
    down(dt, bloss, gl, (size_t)m);
    down(dt, bp, gp, (size_t)(m * n));
    down(dt, bd, gd, (size_t)(m * n));
    for (int64_t i = 0; i < m; i++) {
        double mx = x[i * n], s = 0;
        for (int64_t j = 1; j < n; j++)
            mx = fmax(mx, x[i * n + j]);
        for (int64_t j = 0; j < n; j++)
            s += exp(x[i * n + j] - mx);
        double lse = mx + log(s);
        int bad = lab[i] < 0;
        loss[i] = bad ? NAN : lse - x[i * n + (int64_t)lab[i]];
        for (int64_t j = 0; j < n; j++) {
            probs[i * n + j] = exp(x[i * n + j] - lse);
            d[i * n + j] = bad ? NAN : 0.5 * (probs[i * n + j] - (j == lab[i])) + d0[i * n + j];
        }
    }
    double tol = dt == NZ_F32 ? 1e-6 : 1e-13;
    close_enough("softmax loss", gl, loss, NULL, (size_t)m, tol);
    close_enough("softmax probs", gp, probs, NULL, (size_t)(m * n), tol);
    close_enough("softmax backward", gd, d, NULL, (size_t)(m * n), tol);
    CHECK(isnan(gl[5]), "label -1 must give a NaN loss, got %g", gl[5]);
    release(bx);
    release(bl);
    release(bloss);
    release(bp);
    release(bd);
}

static void test_random(nz_dtype dt)
{
    int64_t count = 70001;
    double *got = malloc((size_t)count * 8);
    void *bo = up(dt, NULL, (size_t)count);
    for (int dist = 0; dist < 3; dist++) {
        nz_op_args a = {.op = NZ_OP_RANDOM, .dtype = dt};
        a.u.random = (nz_random_args){(nz_random_dist)dist, count, 0x1234567890ull, 3,
                                      (1ull << 32) - 5, dist == 2 ? 0.3 : -1, 2,
                                      {bo, 0}};
        run_op(&a);
        down(dt, bo, got, (size_t)count);
        double mean = 0;
        int exact = 1;
        for (int64_t i = 0; i < count; i++) {
            double w = dt == NZ_F32
                ? nz_rng_f32(dist, a.u.random.seed, 3, a.u.random.counter + (uint64_t)i,
                             (float)a.u.random.p0, (float)a.u.random.p1)
                : nz_rng_f64(dist, a.u.random.seed, 3, a.u.random.counter + (uint64_t)i,
                             a.u.random.p0, a.u.random.p1);
            if (memcmp(&w, &got[i], 8) != 0 && exact) {
                CHECK(0, "random dist %d %s element %lld: %.17g, expected %.17g", dist,
                      nz_dtype_name(dt), (long long)i, got[i], w);
                exact = 0;
            }
            mean += got[i];
        }
        mean /= (double)count;
        double want = dist == 0 ? 0.5 : dist == 1 ? -1 : 0.3;
        CHECK(fabs(mean - want) < 0.03, "random dist %d mean %g, expected about %g", dist, mean,
              want);
    }
    release(bo);
    free(got);
}

static void test_optim(nz_dtype dt)
{
    enum { N = 1003 };
    double w[N], g[N], v[N], m[N], ww[N], wv[N], wm[N], got[N];
    fill_vals(w, N, 41);
    fill_vals(g, N, 42);
    fill_vals(v, N, 43);
    fill_vals(m, N, 44);
    for (int i = 0; i < N; i++) {
        w[i] = rnd(dt, w[i]);
        g[i] = rnd(dt, g[i]);
        v[i] = rnd(dt, fabs(v[i]));
        m[i] = rnd(dt, m[i]);
    }
    for (int nest = 0; nest < 2; nest++) {
        void *bw = up(dt, w, N), *bg = up(dt, g, N), *bv = up(dt, v, N);
        nz_op_args a = {.op = NZ_OP_SGD, .dtype = dt};
        a.u.sgd = (nz_sgd_args){N, {bw, 0}, {bg, 0}, {bv, 0}, 0.1, 0.9, 0.01, nest};
        run_op(&a);
        for (int i = 0; i < N; i++) {
            double gg = g[i] + 0.01 * w[i];
            wv[i] = 0.9 * v[i] + gg;
            ww[i] = w[i] - 0.1 * (nest ? gg + 0.9 * wv[i] : wv[i]);
        }
        down(dt, bw, got, N);
        close_enough("sgd w", got, ww, NULL, N, tol_of(dt));
        down(dt, bv, got, N);
        close_enough("sgd v", got, wv, NULL, N, tol_of(dt));
        release(bw);
        release(bg);
        release(bv);
    }
    for (int dec = 0; dec < 2; dec++) {
        void *bw = up(dt, w, N), *bg = up(dt, g, N), *bm = up(dt, m, N), *bv = up(dt, v, N);
        double b1 = 0.9, b2 = 0.999, bias1 = 1 - pow(b1, 3), bias2 = 1 - pow(b2, 3);
        nz_op_args a = {.op = NZ_OP_ADAM, .dtype = dt};
        a.u.adam = (nz_adam_args){N, {bw, 0}, {bg, 0}, {bm, 0}, {bv, 0}, 0.01, b1, b2, 1e-8,
                                  0.1, bias1, bias2, dec};
        run_op(&a);
        for (int i = 0; i < N; i++) {
            double gg = g[i] + (dec ? 0 : 0.1 * w[i]);
            wm[i] = b1 * m[i] + (1 - b1) * gg;
            wv[i] = b2 * v[i] + (1 - b2) * gg * gg;
            ww[i] = w[i] - 0.01 * ((wm[i] / bias1) / (sqrt(wv[i] / bias2) + 1e-8) +
                                   (dec ? 0.1 * w[i] : 0));
        }
        down(dt, bw, got, N);
        close_enough("adam w", got, ww, NULL, N, tol_of(dt));
        down(dt, bm, got, N);
        close_enough("adam m", got, wm, NULL, N, tol_of(dt));
        down(dt, bv, got, N);
        close_enough("adam v", got, wv, NULL, N, tol_of(dt));
        release(bw);
        release(bg);
        release(bm);
        release(bv);
    }
}

static void test_moves(nz_dtype dt)
{
    /* copy2d with transpose, strides and beta */
    int64_t m = 45, n = 70, ldx = 50, ldo = 75;
    size_t nx = (size_t)(n * ldx), no = (size_t)(m * ldo);
    double *x = malloc(nx * 8), *o = malloc(no * 8), *want = malloc(no * 8), *got = malloc(no * 8);
    fill_vals(x, nx, 51);
    fill_vals(o, no, 52);
    for (size_t i = 0; i < nx; i++)
        x[i] = rnd(dt, x[i]);
    for (size_t i = 0; i < no; i++)
        o[i] = rnd(dt, o[i]);
    for (int tr = 0; tr < 2; tr++) {
        void *bx = up(dt, x, nx), *bo = up(dt, o, no);
        nz_op_args a = {.op = NZ_OP_COPY2D, .dtype = dt};
        a.u.copy2d = (nz_copy2d_args){m, n, tr, {bx, 0}, {bo, 0}, tr ? ldx : ldo - 1, ldo, 2.0,
                                      0.5};
        run_op(&a);
        memcpy(want, o, no * 8);
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++)
                want[i * ldo + j] = 2 * (tr ? x[j * ldx + i] : x[i * (ldo - 1) + j]) +
                                    0.5 * o[i * ldo + j];
        down(dt, bo, got, no);
        close_enough(tr ? "copy2d transposed" : "copy2d", got, want, NULL, no, tol_of(dt));
        release(bx);
        release(bo);
    }
    /* gather rows */
    double idx[6] = {3, 0, 44, 3, 17, 1};
    void *bx = up(dt, x, nx), *bi = up(NZ_I32, idx, 6), *bo = up(dt, NULL, 6 * 20);
    nz_op_args g = {.op = NZ_OP_GATHER_ROWS, .dtype = dt};
    g.u.gather = (nz_gather_args){6, 20, 45, {bx, 0}, {bi, 0}, {bo, 0}};
    run_op(&g);
    down(dt, bo, got, 120);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 20; j++)
            want[i * 20 + j] = x[(int)idx[i] * 20 + j];
    close_enough("gather", got, want, NULL, 120, 0);
    idx[2] = 45;
    release(bi);
    bi = up(NZ_I32, idx, 6);
    g.u.gather.idx.buf = bi;
    CHECK(be->run(dev, &g) == NZ_ERR_INVALID, "gather index 45 of 45 rows must fail");
    /* one-hot and casts */
    double lab[5] = {0, 4, 2, -1, 9};
    void *bl = up(NZ_I32, lab, 5), *bh = up(dt, NULL, 50);
    nz_op_args h = {.op = NZ_OP_ONEHOT, .dtype = dt};
    h.u.onehot = (nz_onehot_args){5, 10, {bl, 0}, {bh, 0}, 0.9, 0.01};
    run_op(&h);
    down(dt, bh, got, 50);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 10; j++)
            want[i * 10 + j] = rnd(dt, j == lab[i] ? 0.9 : 0.01);
    close_enough("onehot", got, want, NULL, 50, 0);
    double cv[6] = {1.7, -2.9, 0.0, 1e10, -3.5, 123456.0};
    for (int to = 0; to < 3; to++) {
        void *bc = up(dt, cv, 6), *bt = up((nz_dtype)to, NULL, 6);
        nz_op_args c = {.op = NZ_OP_CAST, .dtype = dt};
        c.u.cast = (nz_cast_args){6, (nz_dtype)to, {bc, 0}, {bt, 0}};
        run_op(&c);
        down((nz_dtype)to, bt, got, 6);
        for (int i = 0; i < 6; i++)
            want[i] = to == NZ_I32 ? (cv[i] > 2147483647.0 ? 2147483647.0 : trunc(cv[i]))
                                   : rnd((nz_dtype)to, rnd(dt, cv[i]));
        close_enough("cast", got, want, NULL, 6, 0);
        release(bc);
        release(bt);
    }
    release(bx);
    release(bi);
    release(bo);
    release(bl);
    release(bh);
    free(x);
    free(o);
    free(want);
    free(got);
}

void test_misc_ops(void)
{
    for (int dt = NZ_F32; dt <= NZ_F64; dt++) {
        test_softmax((nz_dtype)dt);
        test_random((nz_dtype)dt);
        test_optim((nz_dtype)dt);
        test_moves((nz_dtype)dt);
    }
}
