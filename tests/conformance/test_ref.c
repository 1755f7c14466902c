/* The reference ops (nazo/reference.h) against values computed by hand. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nazo/philox_float.h"
#include "nazo/reference.h"

#include "test_check.h"

#define B(p) ((nz_bref){(p), 0})

static int near(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fmax(1.0, fabs(b));
}

static void run_ok(nz_op_args *a, const char *what)
{
    nz_status s = nz_ref_run(a);
    CHECK(s == NZ_OK, "%s: %s", what, nz_last_error());
}

static void test_gemm(void)
{
    /* A = [1 2 3; 4 5 6], B = [7 8; 9 10; 11 12]; A*B = [58 64; 139 154]. */
    double a[6] = {1, 2, 3, 4, 5, 6}, at[6] = {1, 4, 2, 5, 3, 6};
    double b[6] = {7, 8, 9, 10, 11, 12}, bt[6] = {7, 9, 11, 8, 10, 12};
    const double want[4] = {58, 64, 139, 154};
    for (int t = 0; t < 4; t++) {
        int ta = t & 1, tb = t >> 1;
        double c[4] = {1, 1, 1, 1};
        nz_op_args args = {.op = NZ_OP_GEMM, .dtype = NZ_F64};
        args.u.gemm = (nz_gemm_args){.trans_a = ta, .trans_b = tb, .m = 2, .n = 2, .k = 3,
                                     .alpha = 2, .beta = 0.5, .a = B(ta ? at : a),
                                     .b = B(tb ? bt : b), .c = B(c), .lda = ta ? 2 : 3,
                                     .ldb = tb ? 3 : 2, .ldc = 2, .batch = 1};
        run_ok(&args, "gemm");
        for (int i = 0; i < 4; i++)
            CHECK(c[i] == 2 * want[i] + 0.5, "gemm trans %d%d c[%d] = %g", ta, tb, i, c[i]);
    }
    /* f32, beta = 0 over NaN, batch 2 with A shared (stride 0), offsets. */
    float af[6] = {1, 2, 3, 4, 5, 6}, bf[1 + 12] = {99, 7, 8, 9, 10, 11, 12, 1, 0, 0, 1, 0, 0};
    float cf[10];
    for (int i = 0; i < 10; i++)
        cf[i] = NAN;
    nz_op_args args = {.op = NZ_OP_GEMM, .dtype = NZ_F32};
    args.u.gemm = (nz_gemm_args){.m = 2, .n = 2, .k = 3, .alpha = 1, .beta = 0, .a = B(af),
                                 .b = {bf, 1}, .c = {cf, 2}, .lda = 3, .ldb = 2, .ldc = 2,
                                 .batch = 2, .stride_a = 0, .stride_b = 6, .stride_c = 4};
    run_ok(&args, "gemm batched");
    const float wantf[8] = {58, 64, 139, 154, 1, 2, 4, 5};
    for (int i = 0; i < 8; i++)
        CHECK(cf[2 + i] == wantf[i], "batched c[%d] = %g, want %g", i, cf[2 + i], wantf[i]);
    CHECK(isnan(cf[0]) && isnan(cf[1]), "gemm wrote before its offset");
    /* lda smaller than the row is an error naming the op and field. */
    args.u.gemm.lda = 2;
    CHECK(nz_ref_run(&args) == NZ_ERR_INVALID && strstr(nz_last_error(), "gemm") &&
          strstr(nz_last_error(), "lda"), "bad lda: '%s'", nz_last_error());
}

static void test_cholesky_trsm(void)
{
    /* A = L L^T with L = [2 0 0; 6 1 0; -8 5 3]. */
    double a[9] = {4, 12, -16, 12, 37, -43, -16, -43, 98};
    const double l[9] = {2, 0, 0, 6, 1, 0, -8, 5, 3};
    int32_t info = -7;
    nz_op_args args = {.op = NZ_OP_CHOLESKY, .dtype = NZ_F64};
    args.u.cholesky = (nz_cholesky_args){.n = 3, .a = B(a), .lda = 3, .info = B(&info)};
    run_ok(&args, "cholesky");
    CHECK(info == 0, "info %d", (int)info);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j <= i; j++)
            CHECK(near(a[i * 3 + j], l[i * 3 + j], 1e-15), "L[%d][%d] = %g", i, j, a[i * 3 + j]);
    CHECK(a[1] == 12 && a[2] == -16 && a[5] == -43, "strict upper triangle changed");
    /* [1 2; 2 1] fails at the second pivot (1 - 4 < 0): info 2. */
    float np[4] = {1, 2, 2, 1};
    args.dtype = NZ_F32;
    args.u.cholesky = (nz_cholesky_args){.n = 2, .a = B(np), .lda = 2, .info = B(&info)};
    run_ok(&args, "cholesky non-PD");
    CHECK(info == 2, "non-PD info %d, want 2", (int)info);
    float neg[1] = {-1};
    args.u.cholesky = (nz_cholesky_args){.n = 1, .a = B(neg), .lda = 1, .info = B(&info)};
    run_ok(&args, "cholesky negative");
    CHECK(info == 1, "negative info %d, want 1", (int)info);

    /* X = [1 2; 3 4; 5 6]; L X = [2 4; 9 16; 22 22]; L^T X = [-20 -20; 28 34; 15 18]. */
    const double x[6] = {1, 2, 3, 4, 5, 6};
    const double lx[6] = {2, 4, 9, 16, 22, 22}, ltx[6] = {-20, -20, 28, 34, 15, 18};
    const double u[9] = {2, 6, -8, 0, 1, 5, 0, 0, 3}; /* L^T stored as upper */
    for (int c = 0; c < 4; c++) {
        int lower = c & 1, trans = c >> 1;
        /* op(T) is L for (lower, no trans) and (upper, trans), else L^T. */
        int is_l = lower != trans;
        double bm[6];
        for (int i = 0; i < 6; i++)
            bm[i] = 0.5 * (is_l ? lx[i] : ltx[i]);
        args = (nz_op_args){.op = NZ_OP_TRSM, .dtype = NZ_F64};
        args.u.trsm = (nz_trsm_args){.lower = lower, .trans = trans, .n = 3, .nrhs = 2,
                                     .t = B((void *)(lower ? l : u)), .b = B(bm), .ldt = 3,
                                     .ldb = 2, .alpha = 2};
        run_ok(&args, "trsm");
        for (int i = 0; i < 6; i++)
            CHECK(near(bm[i], x[i], 1e-14), "trsm lower %d trans %d x[%d] = %g", lower, trans, i, bm[i]);
    }
    /* Unit diagonal: T = [1 0; 3 1] (stored diagonal 5 is ignored), b = [1; 5] -> x = [1; 2]. */
    double tu[4] = {5, 0, 3, 5}, bu[2] = {1, 5};
    args.u.trsm = (nz_trsm_args){.lower = 1, .unit_diag = 1, .n = 2, .nrhs = 1, .t = B(tu),
                                 .b = B(bu), .ldt = 2, .ldb = 1, .alpha = 1};
    run_ok(&args, "trsm unit");
    CHECK(bu[0] == 1 && bu[1] == 2, "unit trsm x = %g %g", bu[0], bu[1]);
}

static void test_softmax_xent(void)
{
    double logits[6] = {1, 2, 3, 1000, 1000, 1000};
    int32_t labels[2] = {2, 0};
    double loss[2] = {NAN, NAN}, probs[6], d[6];
    double e1 = exp(-1.0), e2 = exp(-2.0), z = 1 + e1 + e2;
    nz_op_args args = {.op = NZ_OP_SOFTMAX_XENT, .dtype = NZ_F64};
    args.u.softmax_xent = (nz_softmax_xent_args){.m = 2, .n = 3, .logits = B(logits),
        .labels = B(labels), .loss = B(loss), .probs = B(probs), .alpha = 1, .beta = 0};
    run_ok(&args, "softmax_xent forward");
    CHECK(near(loss[0], log(z), 1e-15), "loss %g, want %g", loss[0], log(z));
    CHECK(near(loss[1], log(3.0), 1e-12), "large logits: loss %g, want ln 3", loss[1]);
    CHECK(near(probs[0], e2 / z, 1e-14) && near(probs[1], e1 / z, 1e-14) &&
          near(probs[2], 1 / z, 1e-14) && near(probs[4], 1 / 3.0, 1e-12), "probs");
    args.u.softmax_xent.backward = 1;
    args.u.softmax_xent.dlogits = B(d);
    args.u.softmax_xent.alpha = 0.5;
    run_ok(&args, "softmax_xent backward");
    CHECK(near(d[0], 0.5 * e2 / z, 1e-14) && near(d[2], 0.5 * (1 / z - 1), 1e-14) &&
          near(d[3], 0.5 * (1 / 3.0 - 1), 1e-12), "dlogits %g %g %g", d[0], d[2], d[3]);
    labels[0] = 3; /* out of range: NaN row */
    run_ok(&args, "softmax_xent bad label");
    CHECK(isnan(d[0]) && isnan(d[2]) && !isnan(d[3]), "bad label must give a NaN row");
}

static double un(nz_unary_fn fn, double x, double p0, double p1)
{
    double out = 0;
    nz_op_args args = {.op = NZ_OP_UNARY, .dtype = NZ_F64};
    args.u.unary = (nz_unary_args){.fn = fn, .m = 1, .n = 1, .x = B(&x), .out = B(&out),
                                   .p0 = p0, .p1 = p1, .alpha = 1};
    run_ok(&args, "unary");
    return out;
}

static double bin(nz_binary_fn fn, double x, double y)
{
    double out = 0;
    nz_op_args args = {.op = NZ_OP_BINARY, .dtype = NZ_F64};
    args.u.binary = (nz_binary_args){.fn = fn, .m = 1, .n = 1, .x = B(&x), .y = B(&y),
                                     .out = B(&out), .alpha = 1};
    run_ok(&args, "binary");
    return out;
}

static void test_elementwise(void)
{
    /* gelu(x) = x Phi(x): Phi(1) = 0.8413447460685429, Phi(2) = 0.9772498680518208. */
    CHECK(near(un(NZ_UN_GELU, 1, 0, 0), 0.8413447460685429, 1e-15), "gelu(1)");
    CHECK(near(un(NZ_UN_GELU, -1, 0, 0), -0.15865525393145707, 1e-14), "gelu(-1)");
    CHECK(near(un(NZ_UN_GELU, 2, 0, 0), 1.9544997361036416, 1e-15), "gelu(2)");
    CHECK(un(NZ_UN_GELU, 0, 0, 0) == 0, "gelu(0)");
    /* gelu'(1) = Phi(1) + phi(1) = 0.8413447460685429 + 0.24197072451914337. */
    CHECK(near(bin(NZ_BIN_GELU_BWD, 2, 1), 2 * 1.0833154705876863, 1e-15), "gelu_bwd");
    CHECK(un(NZ_UN_SIGN, -3, 0, 0) == -1 && un(NZ_UN_SIGN, 0, 0, 0) == 0, "sign");
    CHECK(un(NZ_UN_STEP, 0, 0, 0) == 0 && un(NZ_UN_STEP, 1e-30, 0, 0) == 1, "step");
    CHECK(un(NZ_UN_CLAMP, 5, -1, 2) == 2 && un(NZ_UN_CLAMP, -5, -1, 2) == -1, "clamp");
    CHECK(un(NZ_UN_AFFINE, 3, 2, 1) == 7, "affine");
    CHECK(un(NZ_UN_POW, 4, 1.5, 0) == 8, "pow");
    CHECK(near(un(NZ_UN_ACOS, 1.5, 0, 0), 0, 0) && near(un(NZ_UN_ACOS, -2, 0, 0), M_PI, 1e-15),
          "acos clamps");
    CHECK(un(NZ_UN_RSQRT, 4, 0, 0) == 0.5 && un(NZ_UN_RECIP, 4, 0, 0) == 0.25, "rsqrt, recip");
    CHECK(near(un(NZ_UN_SIGMOID, 0, 0, 0), 0.5, 0), "sigmoid(0)");
    CHECK(bin(NZ_BIN_RELU_BWD, 3, 0) == 0 && bin(NZ_BIN_RELU_BWD, 3, 0.1) == 3, "relu_bwd");
    CHECK(bin(NZ_BIN_SIGMOID_BWD, 2, 0.25) == 2 * 0.25 * 0.75, "sigmoid_bwd");
    CHECK(bin(NZ_BIN_TANH_BWD, 2, 0.5) == 1.5, "tanh_bwd");

    /* Broadcasts: x full 2x3, y row [10 20 30]; out = 2*(x+y) + 1*out. */
    float x[6] = {1, 2, 3, 4, 5, 6}, y[3] = {10, 20, 30}, out[6] = {1, 1, 1, 1, 1, 1};
    nz_op_args args = {.op = NZ_OP_BINARY, .dtype = NZ_F32};
    args.u.binary = (nz_binary_args){.fn = NZ_BIN_ADD, .m = 2, .n = 3, .y_bcast = NZ_BCAST_ROW,
                                     .x = B(x), .y = B(y), .out = B(out), .alpha = 2, .beta = 1};
    run_ok(&args, "binary row");
    CHECK(out[0] == 23 && out[5] == 73, "row broadcast %g %g", out[0], out[5]);
    /* Column broadcast of x (2 values), scalar y, beta 0 over NaN. */
    for (int i = 0; i < 6; i++)
        out[i] = NAN;
    args.u.binary = (nz_binary_args){.fn = NZ_BIN_MUL, .m = 2, .n = 3, .x_bcast = NZ_BCAST_COL,
                                     .y_bcast = NZ_BCAST_SCALAR, .x = B(x), .y = B(y),
                                     .out = B(out), .alpha = 1, .beta = 0};
    run_ok(&args, "binary col/scalar");
    CHECK(out[0] == 10 && out[2] == 10 && out[3] == 20 && out[5] == 20, "col/scalar broadcast");
}

static void test_reduce(void)
{
    /* Ties: the first index of the maximum wins. */
    float x[8] = {1, 3, 3, 2, 5, -1, 5, 5};
    int32_t arg[4] = {-1, -1, -1, -1};
    nz_op_args args = {.op = NZ_OP_REDUCE, .dtype = NZ_F32};
    args.u.reduce = (nz_reduce_args){.fn = NZ_RED_ARGMAX, .axis = NZ_AXIS_ROWS, .m = 2, .n = 4,
                                     .x = B(x), .out = B(arg), .alpha = 1};
    run_ok(&args, "argmax rows");
    CHECK(arg[0] == 1 && arg[1] == 0, "argmax rows %d %d, want 1 0", arg[0], arg[1]);
    args.u.reduce.axis = NZ_AXIS_COLS;
    run_ok(&args, "argmax cols");
    CHECK(arg[0] == 1 && arg[1] == 0 && arg[2] == 1 && arg[3] == 1, "argmax cols %d %d %d %d",
          arg[0], arg[1], arg[2], arg[3]);
    args.u.reduce.axis = NZ_AXIS_ALL;
    run_ok(&args, "argmax all");
    CHECK(arg[0] == 4, "argmax all %d, want 4", arg[0]);
    float r[4] = {100, 100, 100, 100};
    args.u.reduce = (nz_reduce_args){.fn = NZ_RED_SUMSQ, .axis = NZ_AXIS_ROWS, .m = 2, .n = 4,
                                     .x = B(x), .out = B(r), .alpha = 1, .beta = 0.5};
    run_ok(&args, "sumsq");
    CHECK(r[0] == 23 + 50 && r[1] == 76 + 50, "sumsq %g %g", r[0], r[1]);
    args.u.reduce.fn = NZ_RED_MIN;
    args.u.reduce.axis = NZ_AXIS_COLS;
    args.u.reduce.beta = 0;
    run_ok(&args, "min cols");
    CHECK(r[0] == 1 && r[1] == -1 && r[2] == 3 && r[3] == 2, "min cols");
    args.u.reduce.fn = NZ_RED_SUMABS;
    args.u.reduce.axis = NZ_AXIS_ALL;
    run_ok(&args, "sumabs all");
    CHECK(r[0] == 25, "sumabs %g", r[0]);
}

static void test_optim(void)
{
    /* Adam step 1 by hand: m = 0.05, v = 0.00025, mhat = 0.5, vhat = 0.25. */
    double w = 1, g = 0.5, m = 0, v = 0;
    nz_op_args args = {.op = NZ_OP_ADAM, .dtype = NZ_F64};
    args.u.adam = (nz_adam_args){.count = 1, .w = B(&w), .g = B(&g), .m = B(&m), .v = B(&v),
                                 .lr = 0.1, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,
                                 .bias1 = 1 - 0.9, .bias2 = 1 - 0.999};
    run_ok(&args, "adam");
    CHECK(near(m, 0.05, 1e-15) && near(v, 0.00025, 1e-12), "adam m %g v %g", m, v);
    CHECK(near(w, 1 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-15), "adam w %.17g", w);
    /* AdamW: decoupled decay 0.01 adds lr*wd*w = 0.001. */
    w = 1, m = 0, v = 0;
    args.u.adam.decoupled = 1;
    args.u.adam.weight_decay = 0.01;
    run_ok(&args, "adamw");
    CHECK(near(w, 1 - 0.1 * (0.5 / (0.5 + 1e-8) + 0.01), 1e-15), "adamw w %.17g", w);
    /* SGD momentum 0.9, wd 0.1, nesterov: g' = 0.5 + 0.1 = 0.6, v = 0.9*1 + 0.6 = 1.5,
     * w = 1 - 0.1*(0.6 + 0.9*1.5) = 0.805. */
    float wf = 1, gf = 0.5f, vf = 1;
    args = (nz_op_args){.op = NZ_OP_SGD, .dtype = NZ_F32};
    args.u.sgd = (nz_sgd_args){.count = 1, .w = B(&wf), .g = B(&gf), .v = B(&vf), .lr = 0.1,
                               .momentum = 0.9, .weight_decay = 0.1, .nesterov = 1};
    run_ok(&args, "sgd");
    CHECK(vf == 1.5f && near(wf, 0.805, 1e-7), "sgd v %g w %g", vf, wf);
}

static void test_moves(void)
{
    float x[6] = {1, 2, 3, 4, 5, 6}, out[6];
    int32_t idx[3] = {1, 0, 1};
    nz_op_args args = {.op = NZ_OP_GATHER_ROWS, .dtype = NZ_F32};
    args.u.gather = (nz_gather_args){.m = 3, .n = 2, .x_rows = 3, .x = B(x), .idx = B(idx),
                                     .out = B(out)};
    run_ok(&args, "gather");
    CHECK(out[0] == 3 && out[1] == 4 && out[2] == 1 && out[5] == 4, "gather");
    idx[2] = 3;
    CHECK(nz_ref_run(&args) == NZ_ERR_INVALID && strstr(nz_last_error(), "idx[2]"),
          "bad index: '%s'", nz_last_error());
    /* Transposed copy of a 3x2 view (ldx 2) into 2x3 with ldo 4. */
    float o[8] = {0, 0, 0, -1, 0, 0, 0, -1};
    args = (nz_op_args){.op = NZ_OP_COPY2D, .dtype = NZ_F32};
    args.u.copy2d = (nz_copy2d_args){.m = 2, .n = 3, .trans = 1, .x = B(x), .out = B(o),
                                     .ldx = 2, .ldo = 4, .alpha = 1};
    run_ok(&args, "copy2d");
    CHECK(o[0] == 1 && o[1] == 3 && o[2] == 5 && o[3] == -1 && o[4] == 2 && o[6] == 6,
          "copy2d transposed");
    double dv[4] = {-2.7, 3.9, NAN, 1e10};
    int32_t iv[4];
    args = (nz_op_args){.op = NZ_OP_CAST, .dtype = NZ_F64};
    args.u.cast = (nz_cast_args){.count = 4, .to = NZ_I32, .x = B(dv), .out = B(iv)};
    run_ok(&args, "cast");
    CHECK(iv[0] == -2 && iv[1] == 3 && iv[2] == 0 && iv[3] == 2147483647, "cast to i32");
    int32_t lab[2] = {2, -1};
    float oh[6];
    args = (nz_op_args){.op = NZ_OP_ONEHOT, .dtype = NZ_F32};
    args.u.onehot = (nz_onehot_args){.m = 2, .n = 3, .labels = B(lab), .out = B(oh), .on = 0.9,
                                     .off = 0.05};
    run_ok(&args, "onehot");
    CHECK(oh[2] == 0.9f && oh[0] == 0.05f && oh[3] == 0.05f && oh[5] == 0.05f, "onehot");
}

static void test_random(void)
{
    float f[5];
    double d[3];
    nz_op_args args = {.op = NZ_OP_RANDOM, .dtype = NZ_F32};
    args.u.random = (nz_random_args){.dist = NZ_RNG_NORMAL, .count = 4, .seed = 42, .stream = 3,
                                     .counter = 100, .p0 = 1, .p1 = 0.1, .out = {f, 1}};
    run_ok(&args, "random f32");
    for (int i = 0; i < 4; i++)
        CHECK(f[1 + i] == nz_rng_f32(1, 42, 3, 100 + (uint64_t)i, 1.0f, 0.1f), "random f32 [%d]", i);
    args.dtype = NZ_F64;
    args.u.random = (nz_random_args){.dist = NZ_RNG_UNIFORM, .count = 3, .seed = 1, .p0 = -1,
                                     .p1 = 1, .out = B(d)};
    run_ok(&args, "random f64");
    for (int i = 0; i < 3; i++)
        CHECK(d[i] == nz_rng_f64(0, 1, 0, (uint64_t)i, -1.0, 1.0), "random f64 [%d]", i);
    args.dtype = NZ_I32;
    CHECK(nz_ref_run(&args) == NZ_ERR_INVALID && strstr(nz_last_error(), "random"),
          "random i32 must be refused: '%s'", nz_last_error());
    CHECK(nz_ref_supports(NZ_OP_CAST, NZ_I32) && !nz_ref_supports(NZ_OP_GEMM, NZ_I32) &&
          nz_ref_supports(NZ_OP_TRSM, NZ_F64), "nz_ref_supports");
}

/* Every op refuses a negative size with a message naming the op and field,
 * and a missing buffer with one naming the buffer. */
static void test_invalid(void)
{
    for (int op = 0; op < NZ_OP_COUNT; op++) {
        nz_op_args a;
        memset(&a, 0, sizeof a);
        a.op = (nz_op)op;
        a.dtype = NZ_F32;
        const char *field = "m";
        switch (a.op) {
        case NZ_OP_GEMM: a.u.gemm.m = -1; break;
        case NZ_OP_UNARY: a.u.unary.m = -1; break;
        case NZ_OP_BINARY: a.u.binary.m = -1; break;
        case NZ_OP_REDUCE: a.u.reduce.m = -1; break;
        case NZ_OP_SOFTMAX_XENT: a.u.softmax_xent.m = -1; break;
        case NZ_OP_GATHER_ROWS: a.u.gather.m = -1; break;
        case NZ_OP_RANDOM: a.u.random.count = -1; field = "count"; break;
        case NZ_OP_SGD: a.u.sgd.count = -1; field = "count"; break;
        case NZ_OP_ADAM: a.u.adam.count = -1; field = "count"; break;
        case NZ_OP_COPY2D: a.u.copy2d.m = -1; break;
        case NZ_OP_CAST: a.u.cast.count = -1; field = "count"; break;
        case NZ_OP_ONEHOT: a.u.onehot.m = -1; break;
        case NZ_OP_CHOLESKY: a.u.cholesky.n = -1; field = "n"; break;
        case NZ_OP_TRSM: a.u.trsm.n = -1; field = "n"; break;
        case NZ_OP_COUNT: break;
        }
        char want[64];
        snprintf(want, sizeof want, "%s = -1", field);
        nz_status s = nz_ref_run(&a);
        CHECK(s == NZ_ERR_INVALID && strstr(nz_last_error(), nz_op_name(a.op)) &&
              strstr(nz_last_error(), want), "%s: status %d, message '%s'",
              nz_op_name(a.op), (int)s, nz_last_error());
    }
    float out[1];
    nz_op_args a = {.op = NZ_OP_UNARY, .dtype = NZ_F32};
    a.u.unary = (nz_unary_args){.fn = NZ_UN_EXP, .m = 1, .n = 1, .out = B(out), .alpha = 1};
    CHECK(nz_ref_run(&a) == NZ_ERR_INVALID && strstr(nz_last_error(), "x.buf"),
          "NULL x: '%s'", nz_last_error());
    a.u.unary.fn = NZ_UN_COUNT;
    CHECK(nz_ref_run(&a) == NZ_ERR_INVALID && strstr(nz_last_error(), "fn"), "bad fn: '%s'",
          nz_last_error());
    a.op = NZ_OP_COUNT;
    CHECK(nz_ref_run(&a) == NZ_ERR_INVALID, "bad op");
    CHECK(nz_ref_run(NULL) == NZ_ERR_INVALID, "NULL args");
}

int main(void)
{
    test_invalid();
    test_gemm();
    test_cholesky_trsm();
    test_softmax_xent();
    test_elementwise();
    test_reduce();
    test_optim();
    test_moves();
    test_random();
    if (failures)
        printf("%d check(s) failed\n", failures);
    else
        printf("all reference checks passed\n");
    return failures != 0;
}
