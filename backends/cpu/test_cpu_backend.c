/* Loads nazo-backend-cpu.so with dlopen (path in argv[1]) and checks the
 * plugin descriptor, device info, memory functions, every op against naive
 * double loops, and that results do not depend on NAZO_CPU_THREADS. */
#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_cpu.h"

const nz_backend_iface *be;
void *dev;
int g_fail;

void *up(nz_dtype dt, const double *v, size_t n)
{
    size_t es = nz_dtype_size(dt);
    void *buf = NULL;
    if (be->alloc(dev, n * es + 64, &buf) != NZ_OK) {
        fprintf(stderr, "alloc failed: %s\n", nz_last_error());
        exit(2);
    }
    unsigned char *tmp = calloc(n + 1, es);
    for (size_t i = 0; v && i < n; i++) {
        if (dt == NZ_F32)
            ((float *)tmp)[i] = (float)v[i];
        else if (dt == NZ_F64)
            ((double *)tmp)[i] = v[i];
        else
            ((int32_t *)tmp)[i] = (int32_t)v[i];
    }
    be->write(dev, buf, 0, tmp, n * es);
    free(tmp);
    return buf;
}

void down(nz_dtype dt, void *buf, double *v, size_t n)
{
    size_t es = nz_dtype_size(dt);
    unsigned char *tmp = calloc(n + 1, es);
    if (be->read(dev, buf, 0, tmp, n * es) != NZ_OK)
        fprintf(stderr, "read failed: %s\n", nz_last_error());
    for (size_t i = 0; i < n; i++)
        v[i] = dt == NZ_F32 ? ((float *)tmp)[i] : dt == NZ_F64 ? ((double *)tmp)[i]
                                                                : ((int32_t *)tmp)[i];
    free(tmp);
}

void release(void *buf)
{
    be->free(dev, buf);
}

nz_status run_op(nz_op_args *a)
{
    nz_status s = be->run(dev, a);
    if (s != NZ_OK)
        fprintf(stderr, "op %s failed: %s\n", nz_op_name(a->op), nz_last_error());
    return s;
}

void fill_vals(double *v, size_t n, unsigned seed)
{
    uint64_t x = 0x9E3779B97F4A7C15ull * (seed + 1);
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v[i] = (double)(x >> 11) * 0x1p-52 - 1.0;
    }
}

int close_enough(const char *what, const double *got, const double *want, const double *scale,
                 size_t n, double tol)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(want[i]) && isnan(got[i]))
            continue;
        double s = scale ? scale[i] : fmax(1.0, fabs(want[i]));
        if (!(fabs(got[i] - want[i]) <= tol * s)) {
            CHECK(0, "%s: element %zu is %.17g, expected %.17g (tol %g)", what, i, got[i],
                  want[i], tol * s);
            return 0;
        }
    }
    return 1;
}

static void test_info_and_memory(void)
{
    int count = 0;
    CHECK(be->probe(&count) == NZ_OK && count == 1, "probe: count %d", count);
    nz_device_info info;
    CHECK(be->device_info(0, &info) == NZ_OK, "device_info: %s", nz_last_error());
    CHECK(info.name[0] != '\0' && info.type == NZ_DEVICE_CPU && info.fp64 == 1 &&
          info.compute_units >= 1 && info.global_mem > 0 && info.max_alloc > 0,
          "device_info fields: name '%s' type %d fp64 %d units %u mem %llu", info.name,
          (int)info.type, info.fp64, info.compute_units, (unsigned long long)info.global_mem);
    CHECK(strstr(info.detail, "thread") != NULL, "detail '%s' names no thread count", info.detail);
    printf("device: %s | %s | %s\n", info.name, info.vendor, info.detail);
    /* Runs with NAZO_CPU_SIMD (meson.build) name the level they must be on,
     * so that a kernel they are meant to test cannot be skipped silently. */
    const char *expect = getenv("NAZO_TEST_EXPECT_SIMD");
    CHECK(!expect || strstr(info.detail, expect) != NULL, "detail '%s' does not name %s",
          info.detail, expect);
    CHECK(be->device_info(1, &info) != NZ_OK, "device 1 should not exist");

    void *b = NULL;
    CHECK(be->alloc(dev, 100, &b) == NZ_OK, "alloc 100");
    unsigned char src[100], dst[100];
    for (int i = 0; i < 100; i++)
        src[i] = (unsigned char)i;
    CHECK(be->write(dev, b, 0, src, 100) == NZ_OK, "write");
    CHECK(be->read(dev, b, 10, dst, 20) == NZ_OK && memcmp(dst, src + 10, 20) == 0, "read");
    CHECK(be->write(dev, b, 90, src, 20) == NZ_ERR_INVALID, "write past the end must fail");
    CHECK(strstr(nz_last_error(), "outside") != NULL, "message: %s", nz_last_error());
    uint32_t pat = 0xA1B2C3D4u;
    CHECK(be->fill(dev, b, 4, 64, &pat, 4) == NZ_OK, "fill");
    CHECK(be->read(dev, b, 0, dst, 100) == NZ_OK, "read");
    for (int i = 0; i < 16; i++) {
        uint32_t w;
        memcpy(&w, dst + 4 + 4 * i, 4);
        CHECK(w == pat, "fill word %d = %08x", i, w);
    }
    CHECK(dst[0] == 0 && dst[68] == 68, "fill touched bytes outside its range");
    CHECK(be->fill(dev, b, 0, 10, &pat, 3) == NZ_ERR_INVALID, "pattern size 3 must fail");
    void *c = NULL;
    CHECK(be->alloc(dev, 100, &c) == NZ_OK, "alloc");
    CHECK(be->copy(dev, c, 1, b, 60, 30) == NZ_OK, "copy");
    unsigned char d2[30];
    be->read(dev, c, 1, d2, 30);
    CHECK(memcmp(d2, dst + 60, 30) == 0, "copy content");
    void *huge = NULL;
    CHECK(be->alloc(dev, (size_t)1 << 62, &huge) == NZ_ERR_NOMEM && huge == NULL,
          "a 4 EiB alloc must fail with NOMEM");
    CHECK(strstr(nz_last_error(), "bytes") != NULL, "NOMEM message: %s", nz_last_error());
    CHECK(be->finish(dev) == NZ_OK, "finish");
    be->free(dev, b);
    be->free(dev, c);

    CHECK(be->supports(dev, NZ_OP_GEMM, NZ_F32) && be->supports(dev, NZ_OP_TRSM, NZ_F64) &&
          be->supports(dev, NZ_OP_CAST, NZ_I32) && !be->supports(dev, NZ_OP_GEMM, NZ_I32) &&
          !be->supports(dev, NZ_OP_COUNT, NZ_F32), "supports()");
    for (int op = 0; op < NZ_OP_COUNT; op++)
        CHECK(be->supports(dev, (nz_op)op, NZ_F32) && be->supports(dev, (nz_op)op, NZ_F64),
              "op %s not supported", nz_op_name((nz_op)op));
    nz_op_args bad = {.op = NZ_OP_GEMM, .dtype = NZ_I32};
    CHECK(be->run(dev, &bad) == NZ_ERR_UNSUPPORTED, "gemm on i32 must be refused");
}

/* Run a GEMM, a unary map and reductions on a device opened with
 * NAZO_CPU_THREADS=threads; the results' bytes go to out. */
static void thread_run(const char *threads, double *out, size_t *nout)
{
    setenv("NAZO_CPU_THREADS", threads, 1);
    void *saved = dev;
    CHECK(be->open(0, &dev) == NZ_OK, "open with %s threads: %s", threads, nz_last_error());
    enum { M = 301, N = 517, K = 403, M2 = 3001, N2 = 9, R = 1500, C = 1001 };
    size_t o = 0;
    double *a = malloc(sizeof(double) * R * C);
    fill_vals(a, (size_t)R * C, 7);
    for (int dt = NZ_F32; dt <= NZ_F64; dt++) {
        void *ba = up((nz_dtype)dt, a, M * K), *bb = up((nz_dtype)dt, a + M * K, K * N);
        void *bc = up((nz_dtype)dt, NULL, M * N);
        void *ba2 = up((nz_dtype)dt, a + K * N, M2 * K);
        nz_op_args g = {.op = NZ_OP_GEMM, .dtype = (nz_dtype)dt};
        g.u.gemm = (nz_gemm_args){0, 0, M, N, K, 1.0, 0.0, {ba, 0}, {bb, 0}, {bc, 0}, K, N, N, 1,
                                  0, 0, 0};
        run_op(&g);
        down((nz_dtype)dt, bc, out + o, M * N);
        o += M * N;
        /* a narrow product (N2 < the register tile): computed as C^T, and
         * large enough to be split over the threads */
        void *bt = up((nz_dtype)dt, NULL, M2 * N2);
        g.u.gemm = (nz_gemm_args){0, 0, M2, N2, K, 1.0, 0.0, {ba2, 0}, {bb, 0}, {bt, 0}, K, N2,
                                  N2, 1, 0, 0, 0};
        run_op(&g);
        down((nz_dtype)dt, bt, out + o, M2 * N2);
        o += M2 * N2;
        release(bt);
        void *bx = up((nz_dtype)dt, a, (size_t)R * C);
        void *br = up((nz_dtype)dt, NULL, R + C);
        for (int fn = NZ_RED_SUM; fn <= NZ_RED_MIN; fn++)
            for (int ax = NZ_AXIS_ROWS; ax <= NZ_AXIS_ALL; ax++) {
                nz_op_args r = {.op = NZ_OP_REDUCE, .dtype = (nz_dtype)dt};
                r.u.reduce = (nz_reduce_args){(nz_reduce_fn)fn, (nz_axis)ax, R, C, {bx, 0},
                                              {br, 0}, 1.0, 0.0};
                run_op(&r);
                size_t k = ax == NZ_AXIS_ROWS ? R : ax == NZ_AXIS_COLS ? C : 1;
                down((nz_dtype)dt, br, out + o, k);
                o += k;
            }
        release(ba);
        release(ba2);
        release(bb);
        release(bc);
        release(bx);
        release(br);
    }
    free(a);
    *nout = o;
    be->close(dev);
    dev = saved;
}

static void test_thread_independence(void)
{
    const char *old = getenv("NAZO_CPU_THREADS");
    char *saved = old ? strdup(old) : NULL;
    size_t cap = 2 * (301 * 517 + 3001 * 9 + 5 * (1500 + 1001 + 1)), n1 = 0, n2 = 0, n3 = 0;
    double *r1 = malloc(cap * sizeof(double)), *r2 = malloc(cap * sizeof(double));
    double *r3 = malloc(cap * sizeof(double));
    thread_run("1", r1, &n1);
    thread_run("2", r2, &n2);
    thread_run("3", r3, &n3);
    CHECK(n1 == n2 && n1 == n3 && n1 <= cap, "result counts %zu %zu %zu", n1, n2, n3);
    CHECK(memcmp(r1, r2, n1 * sizeof(double)) == 0, "1 vs 2 threads: results differ");
    CHECK(memcmp(r1, r3, n1 * sizeof(double)) == 0, "1 vs 3 threads: results differ");
    free(r1);
    free(r2);
    free(r3);

    void *d = NULL;
    setenv("NAZO_CPU_THREADS", "two", 1);
    CHECK(be->open(0, &d) == NZ_ERR_INVALID && d == NULL, "NAZO_CPU_THREADS=two must fail");
    CHECK(strstr(nz_last_error(), "NAZO_CPU_THREADS") != NULL, "message: %s", nz_last_error());
    setenv("NAZO_CPU_THREADS", "0", 1);
    CHECK(be->open(0, &d) == NZ_ERR_INVALID, "NAZO_CPU_THREADS=0 must fail");
    if (saved) {
        setenv("NAZO_CPU_THREADS", saved, 1);
        free(saved);
    } else {
        unsetenv("NAZO_CPU_THREADS");
    }
}

/* NAZO_CPU_SIMD: an unknown level is refused with a message naming the
 * variable and the choices. */
static void test_simd_choice(void)
{
    const char *old = getenv("NAZO_CPU_SIMD");
    char *saved = old ? strdup(old) : NULL;
    void *d = NULL;
    setenv("NAZO_CPU_SIMD", "sse9", 1);
    CHECK(be->open(0, &d) == NZ_ERR_INVALID && d == NULL, "NAZO_CPU_SIMD=sse9 must fail");
    CHECK(strstr(nz_last_error(), "NAZO_CPU_SIMD") && strstr(nz_last_error(), "portable"),
          "message: %s", nz_last_error());
    setenv("NAZO_CPU_SIMD", "portable", 1);
    CHECK(be->open(0, &d) == NZ_OK && d, "NAZO_CPU_SIMD=portable must open: %s",
          nz_last_error());
    if (d)
        be->close(d);
    if (saved) {
        setenv("NAZO_CPU_SIMD", saved, 1);
        free(saved);
    } else {
        unsetenv("NAZO_CPU_SIMD");
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s path/to/nazo-backend-cpu.so\n", argv[0]);
        return 2;
    }
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "dlopen %s: %s\n", argv[1], dlerror());
        return 1;
    }
    nz_plugin_entry_fn entry = (nz_plugin_entry_fn)dlsym(h, NZ_PLUGIN_ENTRY_SYMBOL);
    if (!entry) {
        fprintf(stderr, "no %s in %s\n", NZ_PLUGIN_ENTRY_SYMBOL, argv[1]);
        return 1;
    }
    const nz_plugin_desc *d = entry();
    CHECK(d->abi_version == NZ_ABI_VERSION && d->kind == NZ_PLUGIN_BACKEND &&
          strcmp(d->name, "cpu") == 0 && d->table, "descriptor");
    CHECK(dlsym(h, "nz_cpu_gemm") == NULL, "internal symbols must not be exported");
    be = d->table;
    if (be->open(0, &dev) != NZ_OK) {
        fprintf(stderr, "open: %s\n", nz_last_error());
        return 1;
    }
    test_info_and_memory();
    test_gemm();
    test_elementwise();
    test_reduce();
    test_reduce_nan();
    test_misc_ops();
    test_linalg();
    be->close(dev);
    test_thread_independence();
    test_simd_choice();
    if (be->shutdown)
        be->shutdown();
    dlclose(h);
    printf("%s: %d failure%s\n", g_fail ? "FAILED" : "ok", g_fail, g_fail == 1 ? "" : "s");
    return g_fail ? 1 : 0;
}
