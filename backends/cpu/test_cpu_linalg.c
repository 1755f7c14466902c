/* Cholesky and triangular-solve checks: residuals of the results, untouched
 * (or unread, NaN-filled) triangles, and the failing-pivot report. */
#include <math.h>
#include <stdlib.h>

#include "test_cpu.h"

static void test_cholesky(nz_dtype dt, int64_t n)
{
    int64_t lda = n + 2;
    size_t sz = (size_t)(n * lda);
    double *b = malloc(sz * 8), *a = malloc(sz * 8), *got = malloc(sz * 8);
    fill_vals(b, sz, 61);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < lda; j++) {
            double s = 0;
            if (j < n)
                for (int64_t p = 0; p < n; p++)
                    s += b[i * lda + p] * b[j * lda + p];
            a[i * lda + j] = j > i ? 1000.0 + j : j < n ? s + (i == j ? n : 0) : -7;
        }
    for (size_t i = 0; i < sz; i++)
        a[i] = dt == NZ_F32 ? (double)(float)a[i] : a[i];
    void *ba = up(dt, a, sz), *bi = up(NZ_I32, NULL, 1);
    nz_op_args c = {.op = NZ_OP_CHOLESKY, .dtype = dt};
    c.u.cholesky = (nz_cholesky_args){n, {ba, 0}, lda, {bi, 0}};
    run_op(&c);
    double info;
    down(NZ_I32, bi, &info, 1);
    down(dt, ba, got, sz);
    CHECK(info == 0, "cholesky n %lld: info %g", (long long)n, info);
    double err = 0, norm = 0;
    int upper_ok = 1;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < lda; j++) {
            if (j > i) {
                upper_ok &= got[i * lda + j] == a[i * lda + j];
                continue;
            }
            double s = 0;
            for (int64_t p = 0; p <= j; p++)
                s += got[i * lda + p] * got[j * lda + p];
            err += (s - a[i * lda + j]) * (s - a[i * lda + j]);
            norm += a[i * lda + j] * a[i * lda + j];
        }
    CHECK(upper_ok, "cholesky n %lld wrote the strict upper triangle or padding", (long long)n);
    CHECK(sqrt(err / norm) < (dt == NZ_F32 ? 1e-6 : 1e-14), "cholesky %s n %lld: relative "
          "residual %g", nz_dtype_name(dt), (long long)n, sqrt(err / norm));
    /* not positive definite at pivot 6 (of a diagonal matrix) */
    if (n >= 8) {
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++)
                a[i * lda + j] = i == j ? (i == 5 ? -1.0 : 2.0) : 0;
        release(ba);
        ba = up(dt, a, sz);
        c.u.cholesky.a.buf = ba;
        run_op(&c);
        down(NZ_I32, bi, &info, 1);
        CHECK(info == 6, "cholesky of a matrix with a -1 pivot at 5: info %g, expected 6", info);
    }
    release(ba);
    release(bi);
    free(a);
    free(b);
    free(got);
}

static void test_trsm(nz_dtype dt, int lower, int trans, int unit, int64_t n, int64_t nrhs)
{
    int64_t ldt = n + 1, ldb = nrhs + 3;
    size_t st = (size_t)(n * ldt), sb = (size_t)(n * ldb);
    double *t = malloc(st * 8), *b = malloc(sb * 8), *x = malloc(sb * 8), *r = malloc(sb * 8);
    fill_vals(t, st, 71);
    fill_vals(b, sb, 72);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < ldt; j++) {
            int in = lower ? j < i : (j > i && j < n);
            /* the other triangle (and the unit diagonal) must not be read */
            double v = i == j ? (unit ? NAN : 2 + fabs(t[i * ldt + j])) : in ? t[i * ldt + j] / sqrt((double)n) : NAN;
            t[i * ldt + j] = dt == NZ_F32 ? (double)(float)v : v;
        }
    for (size_t i = 0; i < sb; i++)
        b[i] = dt == NZ_F32 ? (double)(float)b[i] : b[i];
    void *bt = up(dt, t, st), *bb = up(dt, b, sb);
    double alpha = 1.5;
    nz_op_args a = {.op = NZ_OP_TRSM, .dtype = dt};
    a.u.trsm = (nz_trsm_args){lower, trans, unit, n, nrhs, {bt, 0}, {bb, 0}, ldt, ldb, alpha};
    run_op(&a);
    down(dt, bb, x, sb);
    /* residual op(T) X - alpha B */
    double err = 0, norm = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t c = 0; c < nrhs; c++) {
            double s = 0;
            for (int64_t k = 0; k < n; k++) {
                int64_t ti = trans ? k : i, tk = trans ? i : k;
                int in = ti == tk || (lower ? tk < ti : tk > ti);
                if (!in)
                    continue;
                double u = ti == tk && unit ? 1.0 : t[ti * ldt + tk];
                s += u * x[k * ldb + c];
            }
            double d = s - alpha * b[i * ldb + c];
            err += d * d;
            norm += alpha * alpha * b[i * ldb + c] * b[i * ldb + c];
        }
    int pad_ok = 1;
    for (int64_t i = 0; i < n; i++)
        for (int64_t c = nrhs; c < ldb; c++)
            pad_ok &= x[i * ldb + c] == b[i * ldb + c];
    CHECK(pad_ok, "trsm wrote outside the nrhs columns");
    CHECK(sqrt(err / norm) < (dt == NZ_F32 ? 1e-5 : 1e-13), "trsm %s lower %d trans %d unit %d "
          "n %lld nrhs %lld: relative residual %g", nz_dtype_name(dt), lower, trans, unit,
          (long long)n, (long long)nrhs, sqrt(err / norm));
    release(bt);
    release(bb);
    free(t);
    free(b);
    free(x);
    free(r);
}

void test_linalg(void)
{
    static const int64_t ns[] = {1, 7, 31, 127, 200, 300};
    for (int dt = NZ_F32; dt <= NZ_F64; dt++) {
        for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
            test_cholesky((nz_dtype)dt, ns[i]);
        for (int c = 0; c < 8; c++) {
            test_trsm((nz_dtype)dt, c & 1, (c >> 1) & 1, c >> 2, 1, 1);
            test_trsm((nz_dtype)dt, c & 1, (c >> 1) & 1, c >> 2, 7, 3);
            test_trsm((nz_dtype)dt, c & 1, (c >> 1) & 1, c >> 2, 150, 33);
            test_trsm((nz_dtype)dt, c & 1, (c >> 1) & 1, c >> 2, 130, 1);
        }
    }
}
