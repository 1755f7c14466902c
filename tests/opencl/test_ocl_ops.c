/* OpenCL-specific op checks beyond the conformance suite: GEMM through both
 * implementations (own kernel and CLBlast, forced with NAZO_OPENCL_GEMM) over
 * transposes, odd sizes, offsets, batches and beta = 0 over NaN; the random
 * fill bit for bit against the host Philox; full reductions over more than
 * one work-group; Cholesky and triangular solve round trips.
 *
 * argv[1]: the opencl plugin. */
#include <math.h>
#include <stdint.h>

#include "nazo/philox_float.h"
#include "ocl_test.h"

static const nz_backend_iface *be;
static void *dev;

static void *upload(const void *src, size_t bytes)
{
    void *b = NULL;
    if (be->alloc(dev, bytes, &b) != NZ_OK || be->write(dev, b, 0, src, bytes) != NZ_OK)
        return NULL;
    return b;
}

static double urand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return ((*s >> 8) & 0xffff) / 65536.0 - 0.5;
}

/* C_b = alpha op(A_b) op(B_b) + beta C_b on the host, in double. */
static void host_gemm(const nz_gemm_args *g, const float *a, const float *b, double *c)
{
    for (int64_t t = 0; t < g->batch; t++)
        for (int64_t i = 0; i < g->m; i++)
            for (int64_t j = 0; j < g->n; j++) {
                double s = 0;
                for (int64_t p = 0; p < g->k; p++) {
                    const float *ab = a + g->a.off + t * g->stride_a;
                    const float *bb = b + g->b.off + t * g->stride_b;
                    double av = g->trans_a ? ab[p * g->lda + i] : ab[i * g->lda + p];
                    double bv = g->trans_b ? bb[j * g->ldb + p] : bb[p * g->ldb + j];
                    s += av * bv;
                }
                double *cp = c + g->c.off + t * g->stride_c + i * g->ldc + j;
                *cp = g->beta == 0 ? g->alpha * s : g->alpha * s + g->beta * *cp;
            }
}

static int check_gemm(int ta, int tb, int64_t m, int64_t n, int64_t k, int64_t batch,
                      double beta)
{
    nz_op_args a;
    memset(&a, 0, sizeof a);
    a.op = NZ_OP_GEMM;
    a.dtype = NZ_F32;
    nz_gemm_args *g = &a.u.gemm;
    g->trans_a = ta;
    g->trans_b = tb;
    g->m = m;
    g->n = n;
    g->k = k;
    g->alpha = 0.75;
    g->beta = beta;
    g->lda = (ta ? m : k) + 3; /* padded rows */
    g->ldb = (tb ? k : n) + 1;
    g->ldc = n + 2;
    g->batch = batch;
    g->a.off = 5;
    g->b.off = 2;
    g->c.off = 7;
    g->stride_a = (ta ? k : m) * g->lda + 1;
    g->stride_b = (tb ? n : k) * g->ldb;
    g->stride_c = m * g->ldc + 3;
    size_t na = g->a.off + batch * g->stride_a, nb = g->b.off + batch * g->stride_b;
    size_t nc = g->c.off + batch * g->stride_c;
    float *ha = malloc(na * 4), *hb = malloc(nb * 4), *hc = malloc(nc * 4);
    double *ref = malloc(nc * 8);
    unsigned seed = 7;
    for (size_t i = 0; i < na; i++)
        ha[i] = (float)urand(&seed);
    for (size_t i = 0; i < nb; i++)
        hb[i] = (float)urand(&seed);
    for (size_t i = 0; i < nc; i++) {
        hc[i] = beta == 0 ? NAN : (float)urand(&seed);
        ref[i] = hc[i];
    }
    void *da = upload(ha, na * 4), *db = upload(hb, nb * 4), *dc = upload(hc, nc * 4);
    CHECK(da && db && dc, "upload");
    g->a.buf = da;
    g->b.buf = db;
    g->c.buf = dc;
    CHECK_OK(be->run(dev, &a));
    CHECK_OK(be->read(dev, dc, 0, hc, nc * 4));
    host_gemm(g, ha, hb, ref);
    double err = 0, norm = 0;
    for (size_t i = 0; i < nc; i++) {
        if (isnan(ref[i])) { /* outside C's window: untouched */
            CHECK(isnan(hc[i]), "gemm wrote outside C at %zu", i);
            continue;
        }
        CHECK(!isnan(hc[i]), "NaN at %zu (ta=%d tb=%d m=%lld n=%lld beta=%g)", i, ta, tb,
              (long long)m, (long long)n, beta);
        err += (hc[i] - ref[i]) * (hc[i] - ref[i]);
        norm += ref[i] * ref[i];
    }
    CHECK(err <= 1e-10 * norm + 1e-20, "gemm ta=%d tb=%d %lldx%lldx%lld batch %lld beta %g: "
          "nmse %g", ta, tb, (long long)m, (long long)n, (long long)k, (long long)batch, beta,
          err / norm);
    be->free(dev, da);
    be->free(dev, db);
    be->free(dev, dc);
    free(ha);
    free(hb);
    free(hc);
    free(ref);
    return 0;
}

static int gemm_suite(const char *impl)
{
    setenv("NAZO_OPENCL_GEMM", impl, 1);
    CHECK_OK(be->open(0, &dev));
    static const int64_t shapes[][4] = {
        {1, 1, 1, 1}, {37, 29, 45, 1}, {16, 64, 8, 3}, {70, 9, 130, 2}, {5, 200, 0, 1}};
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                for (int bz = 0; bz < 2; bz++)
                    if (check_gemm(ta, tb, shapes[s][0], shapes[s][1], shapes[s][2],
                                   shapes[s][3], bz ? 0.0 : -1.25) != 0) {
                        fprintf(stderr, "  (implementation %s)\n", impl);
                        return 1;
                    }
    /* One larger problem through the fast path. */
    CHECK(check_gemm(0, 0, 160, 136, 200, 1, 0.0) == 0, "large gemm (%s)", impl);
    be->close(dev);
    printf("gemm (%s): ok\n", impl);
    return 0;
}

static int check_random(nz_dtype dt, int dist, double p0, double p1)
{
    const int64_t count = 5003;
    size_t es = dt == NZ_F64 ? 8 : 4;
    unsigned char *got = malloc(count * es), *want = malloc(count * es);
    void *buf;
    CHECK_OK(be->alloc(dev, (count + 3) * es, &buf));
    nz_op_args a;
    memset(&a, 0, sizeof a);
    a.op = NZ_OP_RANDOM;
    a.dtype = dt;
    a.u.random = (nz_random_args){.dist = dist, .count = count, .seed = 0x123456789abcdefull,
                                  .stream = 3, .counter = 1000, .p0 = p0, .p1 = p1,
                                  .out = {buf, 3}};
    CHECK_OK(be->run(dev, &a));
    CHECK_OK(be->read(dev, buf, 3 * es, got, count * es));
    for (int64_t i = 0; i < count; i++) {
        if (dt == NZ_F64) {
            double v = nz_rng_f64(dist, a.u.random.seed, 3, 1000 + (uint64_t)i, p0, p1);
            memcpy(want + i * 8, &v, 8);
        } else {
            float v = nz_rng_f32(dist, a.u.random.seed, 3, 1000 + (uint64_t)i, (float)p0,
                                 (float)p1);
            memcpy(want + i * 4, &v, 4);
        }
    }
    for (int64_t i = 0; i < count; i++)
        CHECK(memcmp(got + i * es, want + i * es, es) == 0,
              "random %s dist %d element %lld differs from the host bits",
              nz_dtype_name(dt), dist, (long long)i);
    be->free(dev, buf);
    free(got);
    free(want);
    return 0;
}

static int check_reduce_all(void)
{
    const int64_t m = 301, n = 997;
    float *x = malloc(m * n * 4);
    unsigned seed = 3;
    for (int64_t i = 0; i < m * n; i++)
        x[i] = (float)urand(&seed);
    x[123457] = 5.0f; /* the unique maximum */
    double sum = 0;
    for (int64_t i = 0; i < m * n; i++)
        sum += x[i];
    void *dx = upload(x, m * n * 4), *out;
    CHECK(dx != NULL, "upload");
    CHECK_OK(be->alloc(dev, 16, &out));
    nz_op_args a;
    memset(&a, 0, sizeof a);
    a.op = NZ_OP_REDUCE;
    a.dtype = NZ_F32;
    a.u.reduce = (nz_reduce_args){.fn = NZ_RED_SUM, .axis = NZ_AXIS_ALL, .m = m, .n = n,
                                  .x = {dx, 0}, .out = {out, 1}, .alpha = 2, .beta = 0};
    CHECK_OK(be->run(dev, &a));
    float s;
    CHECK_OK(be->read(dev, out, 4, &s, 4));
    CHECK(fabs(s - 2 * sum) < 1e-3 * (1 + fabs(sum)), "sum %g, want %g", s, 2 * sum);
    a.u.reduce.fn = NZ_RED_ARGMAX;
    CHECK_OK(be->run(dev, &a));
    int32_t idx;
    CHECK_OK(be->read(dev, out, 4, &idx, 4));
    CHECK(idx == 123457, "argmax %d", idx);
    be->free(dev, dx);
    be->free(dev, out);
    free(x);
    return 0;
}

/* A = M M^T + n I; Cholesky, then solve L L^T X = A: X must be I. */
static int check_cholesky_trsm(nz_dtype dt)
{
    const int n = 67;
    double *m = malloc(n * n * 8), *a = malloc(n * n * 8);
    unsigned seed = 11;
    for (int i = 0; i < n * n; i++)
        m[i] = urand(&seed);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = i == j ? n : 0;
            for (int p = 0; p < n; p++)
                s += m[i * n + p] * m[j * n + p];
            a[i * n + j] = s;
        }
    size_t es = dt == NZ_F64 ? 8 : 4;
    void *buf = malloc(n * n * es);
    for (int i = 0; i < n * n; i++) {
        if (dt == NZ_F64)
            ((double *)buf)[i] = a[i];
        else
            ((float *)buf)[i] = (float)a[i];
    }
    void *dl = upload(buf, n * n * es), *db = upload(buf, n * n * es), *info;
    CHECK(dl && db, "upload");
    CHECK_OK(be->alloc(dev, 4, &info));
    nz_op_args op;
    memset(&op, 0, sizeof op);
    op.op = NZ_OP_CHOLESKY;
    op.dtype = dt;
    op.u.cholesky = (nz_cholesky_args){.n = n, .a = {dl, 0}, .lda = n, .info = {info, 0}};
    CHECK_OK(be->run(dev, &op));
    int32_t inf = -1;
    CHECK_OK(be->read(dev, info, 0, &inf, 4));
    CHECK(inf == 0, "cholesky info %d", inf);
    /* L X1 = A, then L^T X = X1. */
    memset(&op, 0, sizeof op);
    op.op = NZ_OP_TRSM;
    op.dtype = dt;
    op.u.trsm = (nz_trsm_args){.lower = 1, .trans = 0, .n = n, .nrhs = n, .t = {dl, 0},
                               .b = {db, 0}, .ldt = n, .ldb = n, .alpha = 1};
    CHECK_OK(be->run(dev, &op));
    op.u.trsm.trans = 1;
    CHECK_OK(be->run(dev, &op));
    CHECK_OK(be->read(dev, db, 0, buf, n * n * es));
    double worst = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double v = dt == NZ_F64 ? ((double *)buf)[i * n + j] : ((float *)buf)[i * n + j];
            worst = fmax(worst, fabs(v - (i == j)));
        }
    CHECK(worst < (dt == NZ_F64 ? 1e-10 : 1e-4), "solve error %g (%s)", worst, nz_dtype_name(dt));
    /* Not positive definite: info names the first bad minor. */
    a[5 * n + 5] = -1e6;
    for (int i = 0; i < n * n; i++) {
        if (dt == NZ_F64)
            ((double *)buf)[i] = a[i];
        else
            ((float *)buf)[i] = (float)a[i];
    }
    CHECK_OK(be->write(dev, dl, 0, buf, n * n * es));
    op.op = NZ_OP_CHOLESKY;
    op.u.cholesky = (nz_cholesky_args){.n = n, .a = {dl, 0}, .lda = n, .info = {info, 0}};
    CHECK_OK(be->run(dev, &op));
    CHECK_OK(be->read(dev, info, 0, &inf, 4));
    CHECK(inf == 6, "cholesky info %d, want 6", inf);
    be->free(dev, dl);
    be->free(dev, db);
    be->free(dev, info);
    free(m);
    free(a);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s nazo-backend-opencl.so\n", argv[0]);
        return 2;
    }
    void *dl;
    be = ocl_test_load(argv[1], &dl);
    CHECK(be != NULL, "loading %s", argv[1]);
    int count = 0;
    nz_status s = be->probe(&count);
    if (s == NZ_ERR_UNAVAILABLE) {
        printf("SKIP: no OpenCL device: %s\n", nz_last_error());
        return 77;
    }
    CHECK(s == NZ_OK && count > 0, "probe");
    nz_device_info info;
    CHECK_OK(be->device_info(0, &info));
    printf("device 0: %s [%s]\n", info.name, info.detail);

    if (gemm_suite("own") != 0)
        return 1;
    if (gemm_suite("clblast") != 0) {
        /* Only acceptable when the plugin was built without CLBlast. */
        CHECK(strstr(nz_last_error(), "without CLBlast") != NULL, "clblast gemm failed");
        printf("gemm (clblast): not built in\n");
    }
    unsetenv("NAZO_OPENCL_GEMM");

    CHECK_OK(be->open(0, &dev));
    for (int dist = 0; dist < 3; dist++) {
        double p0 = dist == 2 ? 0.3 : -1.5, p1 = 2.25;
        CHECK(check_random(NZ_F32, dist, p0, p1) == 0, "random f32");
        if (info.fp64)
            CHECK(check_random(NZ_F64, dist, p0, p1) == 0, "random f64");
    }
    printf("random: bitwise equal to the host\n");
    CHECK(check_reduce_all() == 0, "reduce all");
    printf("reduce all: ok\n");
    CHECK(check_cholesky_trsm(NZ_F32) == 0, "cholesky f32");
    if (info.fp64)
        CHECK(check_cholesky_trsm(NZ_F64) == 0, "cholesky f64");
    CHECK(be->supports(dev, NZ_OP_GEMM, NZ_F64) == info.fp64, "supports(f64) != fp64");
    printf("cholesky/trsm: ok\n");
    be->close(dev);
    dlclose(dl);
    printf("ok\n");
    return 0;
}
