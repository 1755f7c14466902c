/* vmath.h: the ulp error of every f32 function over a strided sweep of all
 * floats, the relative error of the f64 ones, special values (inf, NaN, -0,
 * overflow, underflow), and the backend's transcendental ops (argv[1]: the
 * module) against the core's double reference within an NMSE bound, bitwise
 * equal to the scalar header code and to themselves on 1 and 3 threads. */
#include <dlfcn.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nazo/reference.h"
#include "test_cpu.h"
#include "vmath.h"

const nz_backend_iface *be;
void *dev;
int g_fail;

/* xorshift64: deterministic inputs */
static uint64_t next_bits(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* uniform in [-1, 1) */
static double next_unit(uint64_t *s)
{
    return (double)(next_bits(s) >> 11) * 0x1p-52 - 1.0;
}

/* ---- the header functions, as the sweep calls them ------------------- */
static float f_exp(float x) { return nz_vm_exp_f32(x); }
static float f_log(float x) { return nz_vm_log_f32(x); }
static float f_sigmoid(float x) { return nz_vm_sigmoid_f32(x); }
static float f_tanh(float x) { return nz_vm_tanh_f32(x); }
static float f_erf(float x) { return nz_vm_erf_f32(x); }
static double d_exp(double x) { return nz_vm_exp_f64(x); }
static double d_log(double x) { return nz_vm_log_f64(x); }
static double d_sigmoid(double x) { return nz_vm_sigmoid_f64(x); }
static double d_tanh(double x) { return nz_vm_tanh_f64(x); }
/* exp(x)/(1+exp(x)) for x < 0: no overflow of exp(-x) to inf */
static double ref_sigmoid(double x) { return x < 0 ? exp(x) / (1 + exp(x)) : 1 / (1 + exp(-x)); }

typedef struct vm_fn {
    const char *name;
    float (*f32)(float);
    double (*f64)(double);
    double (*ref)(double);
} vm_fn;

static const vm_fn fns[] = {
    {"exp", f_exp, d_exp, exp},
    {"log", f_log, d_log, log},
    {"sigmoid", f_sigmoid, d_sigmoid, ref_sigmoid},
    {"tanh", f_tanh, d_tanh, tanh},
    {"erf", f_erf, NULL, erf},
};
enum { NFNS = sizeof fns / sizeof fns[0] };

/* |got - ref| in units of the last place of ref's float binade (2^-149 at
 * the bottom, 2^104 above FLT_MAX, where inf counts as 2^128). */
static double ulp_err_f32(float got, double ref)
{
    if (isnan(ref) || isnan(got))
        return isnan(ref) && isnan(got) ? 0 : INFINITY;
    if (isinf(ref) && (double)got == ref)
        return 0;
    double g = isinf(got) ? copysign(0x1p128, got) : got;
    double r = fabs(ref) >= 0x1p128 ? copysign(0x1p128, ref) : ref; /* rounds to inf */
    int e = r == 0 ? -1000 : ilogb(r);
    e = e > 127 ? 127 : e;
    return fabs(g - r) / ldexp(1.0, e - 23 < -149 ? -149 : e - 23);
}

/* Every 61st bit pattern: ~70 million floats of both signs, every binade.
 * NAZO_TEST_SWEEP_DIV=d samples d times fewer (d odd keeps the stride odd,
 * so every last mantissa bit still occurs): for slow runs under emulation. */
static uint64_t sweep_div(void)
{
    const char *d = getenv("NAZO_TEST_SWEEP_DIV");
    long v = d ? strtol(d, NULL, 10) : 1;
    return v >= 1 && v <= 1000 ? (uint64_t)v : 1;
}

static void test_ulp_f32(void)
{
    const double bound = 4.0;
    const uint64_t stride = 61 * sweep_div();
    for (int k = 0; k < NFNS; k++) {
        double worst = 0;
        float worst_x = 0;
        for (uint64_t u = 0; u <= 0xffffffffu; u += stride) {
            float x = nz_vm_float_f32((uint32_t)u);
            double e = ulp_err_f32(fns[k].f32(x), fns[k].ref(x));
            if (!(e <= worst)) {
                worst = e;
                worst_x = x;
            }
        }
        printf("%-8s f32: max error %.3f ulp at %a\n", fns[k].name, worst, worst_x);
        CHECK(worst <= bound, "%s f32: %.3f ulp at %a (%.9g, want %.9g) > %g", fns[k].name,
              worst, worst_x, fns[k].f32(worst_x), fns[k].ref(worst_x), bound);
    }
}

/* Relative error (against DBL_MIN below it) over random bit patterns and
 * two bands around the interesting ranges, 6 million inputs each. */
static void test_rel_f64(void)
{
    uint64_t s = 0x2545F4914F6CDD1Dull;
    const uint64_t count = 6000000 / sweep_div();
    for (int k = 0; k < NFNS; k++) {
        if (!fns[k].f64)
            continue;
        double worst = 0, worst_x = 0;
        for (uint64_t i = 0; i < count; i++) {
            /* any double, [-750, 750], [-20, 20] in turn */
            double x = i % 3 == 0 ? nz_vm_float_f64(next_bits(&s))
                       : next_unit(&s) * (i % 3 == 1 ? 750 : 20);
            double got = fns[k].f64(x), ref = fns[k].ref(x);
            double e = isnan(ref) ? (isnan(got) ? 0 : INFINITY)
                       : isinf(ref) ? (got == ref ? 0 : INFINITY)
                       : fabs(got - ref) / fmax(fabs(ref), DBL_MIN);
            if (!(e <= worst)) {
                worst = e;
                worst_x = x;
            }
        }
        printf("%-8s f64: max relative error %.3g at %a\n", fns[k].name, worst, worst_x);
        CHECK(worst <= 1e-15, "%s f64: relative error %.3g at %a", fns[k].name, worst, worst_x);
    }
}

/* ---- special values -------------------------------------------------- */
typedef struct vm_case {
    int fn; /* index into fns */
    double x, want;
} vm_case;

/* same value, NaN matching NaN, zeros matching in sign */
static int same(double got, double want)
{
    if (isnan(want))
        return isnan(got);
    return got == want && signbit(got) == signbit(want);
}

/* f64 too unless f32_only (overflow and underflow happen later in double) */
static void check_cases(const vm_case *cases, size_t n, int f32_only)
{
    for (size_t i = 0; i < n; i++) {
        const vm_case *c = &cases[i];
        const vm_fn *f = &fns[c->fn];
        float g = f->f32((float)c->x);
        CHECK(same(g, c->want), "%s f32(%g) = %g, want %g", f->name, c->x, g, c->want);
        if (f->f64 && !f32_only) {
            double d = f->f64(c->x);
            CHECK(same(d, c->want), "%s f64(%g) = %g, want %g", f->name, c->x, d, c->want);
        }
    }
}

static void test_special(void)
{
    enum { EXP, LOG, SIG, TANH, ERF };
    static const vm_case both[] = {
        {EXP, INFINITY, INFINITY}, {EXP, -INFINITY, 0}, {EXP, NAN, NAN}, {EXP, 0.0, 1},
        {EXP, -0.0, 1}, {EXP, -1e30, 0}, {EXP, 1e30, INFINITY},
        {LOG, 0.0, -INFINITY}, {LOG, -0.0, -INFINITY}, {LOG, -1, NAN}, {LOG, -INFINITY, NAN},
        {LOG, INFINITY, INFINITY}, {LOG, NAN, NAN}, {LOG, 1, 0},
        {SIG, INFINITY, 1}, {SIG, -INFINITY, 0}, {SIG, NAN, NAN}, {SIG, 0.0, 0.5},
        {SIG, -0.0, 0.5}, {SIG, 200, 1}, {SIG, -1e30, 0}, {SIG, 1e30, 1},
        {TANH, INFINITY, 1}, {TANH, -INFINITY, -1}, {TANH, NAN, NAN}, {TANH, 0.0, 0.0},
        {TANH, -0.0, -0.0}, {TANH, 20, 1}, {TANH, -20, -1}, {TANH, 1e30, 1},
        {ERF, INFINITY, 1}, {ERF, -INFINITY, -1}, {ERF, NAN, NAN}, {ERF, 0.0, 0.0},
        {ERF, -0.0, -0.0}, {ERF, 10, 1}, {ERF, -10, -1},
    };
    static const vm_case f32_only[] = {
        {EXP, 100, INFINITY}, {EXP, 89, INFINITY}, {EXP, -200, 0}, {SIG, -200, 0},
    };
    check_cases(both, sizeof both / sizeof both[0], 0);
    check_cases(f32_only, sizeof f32_only / sizeof f32_only[0], 1);
    /* results in the subnormals keep their precision */
    CHECK(nz_vm_exp_f32(-100.0f) == (float)exp(-100.0), "exp f32(-100) = %a", nz_vm_exp_f32(-100));
    CHECK(nz_vm_sigmoid_f32(-100.0f) == (float)exp(-100.0), "sigmoid f32(-100) = %a",
          nz_vm_sigmoid_f32(-100));
    CHECK(fabs(nz_vm_exp_f64(-740.0) - exp(-740.0)) <= 0x1p-1074, "exp f64(-740) = %a",
          nz_vm_exp_f64(-740.0));
    CHECK(nz_vm_log_f32(0x1p-149f) == (float)log(0x1p-149), "log f32(2^-149) = %a",
          nz_vm_log_f32(0x1p-149f));
    CHECK(fabs(nz_vm_log_f64(0x1p-1074) - log(0x1p-1074)) <= 1e-15 * 745, "log f64(2^-1074)");
}

/* ---- the backend's ops ----------------------------------------------- */
enum { OM = 257, ON = 1031, ONE = OM * ON };

/* A device buffer holding `bytes` bytes of host (NULL: uninitialized). */
static void *dev_buf(const void *host, size_t bytes)
{
    void *b = NULL;
    if (be->alloc(dev, bytes, &b) != NZ_OK) {
        fprintf(stderr, "alloc: %s\n", nz_last_error());
        exit(2);
    }
    if (host)
        be->write(dev, b, 0, host, bytes);
    return b;
}

/* Inputs in [-lim, lim], or (0, lim] for log: both branches of every
 * function, and the saturated tails. */
static void op_inputs(nz_dtype dt, double lim, int positive, void *out)
{
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < ONE; i++) {
        double v = next_unit(&s);
        double x = positive ? (fabs(v) + 1e-6) * lim : v * lim;
        if (dt == NZ_F32)
            ((float *)out)[i] = (float)x;
        else
            ((double *)out)[i] = x;
    }
}

static double nmse(nz_dtype dt, const void *got, const void *want)
{
    double err = 0, sum = 0;
    for (int i = 0; i < ONE; i++) {
        double g = dt == NZ_F32 ? ((const float *)got)[i] : ((const double *)got)[i];
        double w = dt == NZ_F32 ? ((const float *)want)[i] : ((const double *)want)[i];
        err += (g - w) * (g - w);
        sum += w * w;
    }
    return err / sum;
}

/* Runs `a` (an op on device buffers x [, y], out) on the backend and on the
 * reference (host copies), and returns the NMSE; the backend's result goes to
 * got. */
static double op_vs_ref(nz_op_args *a, nz_bref *x, nz_bref *y, nz_bref *out, const void *hx,
                        const void *hy, void *got)
{
    size_t bytes = ONE * nz_dtype_size(a->dtype);
    void *want = malloc(bytes);
    x->buf = dev_buf(hx, bytes);
    if (y)
        y->buf = dev_buf(hy, bytes);
    out->buf = dev_buf(NULL, bytes);
    CHECK(be->run(dev, a) == NZ_OK, "%s: %s", nz_op_name(a->op), nz_last_error());
    be->read(dev, out->buf, 0, got, bytes);
    be->free(dev, x->buf);
    if (y)
        be->free(dev, y->buf);
    be->free(dev, out->buf);
    x->buf = (void *)hx;
    if (y)
        y->buf = (void *)hy;
    out->buf = want;
    nz_status s = nz_ref_run(a);
    CHECK(s == NZ_OK, "reference %s: %s", nz_op_name(a->op), nz_last_error());
    double e = nmse(a->dtype, got, want);
    free(want);
    return e;
}

static void *run_unary(nz_dtype dt, nz_unary_fn fn, const void *hx, double *err)
{
    size_t bytes = ONE * nz_dtype_size(dt);
    void *got = malloc(bytes);
    nz_op_args a = {.op = NZ_OP_UNARY, .dtype = dt};
    a.u.unary = (nz_unary_args){fn, OM, ON, NZ_BCAST_NONE, {NULL, 0}, {NULL, 0}, 0, 0, 1, 0};
    *err = op_vs_ref(&a, &a.u.unary.x, NULL, &a.u.unary.out, hx, NULL, got);
    return got;
}

static const struct {
    nz_unary_fn fn;
    const char *name;
    double lim;
    float (*f32)(float); /* the scalar header code the op must equal, or NULL */
} un_ops[] = {
    {NZ_UN_EXP, "exp", 80, f_exp}, {NZ_UN_LOG, "log", 1e6, f_log},
    {NZ_UN_SIGMOID, "sigmoid", 30, f_sigmoid}, {NZ_UN_TANH, "tanh", 6, f_tanh},
    {NZ_UN_GELU, "gelu", 6, NULL},
};

static void test_unary_ops(void)
{
    for (int dt = NZ_F32; dt <= NZ_F64; dt++)
        for (size_t k = 0; k < sizeof un_ops / sizeof un_ops[0]; k++) {
            void *hx = malloc(ONE * sizeof(double));
            op_inputs((nz_dtype)dt, un_ops[k].lim, un_ops[k].fn == NZ_UN_LOG, hx);
            double e;
            void *got = run_unary((nz_dtype)dt, un_ops[k].fn, hx, &e);
            double bound = dt == NZ_F32 ? 1e-13 : 1e-28;
            printf("unary %-8s %s: NMSE %.3g\n", un_ops[k].name, nz_dtype_name((nz_dtype)dt), e);
            CHECK(e <= bound, "unary %s %s: NMSE %.3g > %g", un_ops[k].name,
                  nz_dtype_name((nz_dtype)dt), e, bound);
            /* the SIMD clone the backend picked gives the scalar code's bits */
            for (int i = 0; dt == NZ_F32 && un_ops[k].f32 && i < ONE; i++) {
                float w = un_ops[k].f32(((float *)hx)[i]), g = ((float *)got)[i];
                if (memcmp(&w, &g, sizeof w) != 0) {
                    CHECK(0, "unary %s f32(%a) = %a, scalar code %a", un_ops[k].name,
                          ((float *)hx)[i], g, w);
                    break;
                }
            }
            free(got);
            free(hx);
        }
}

static void test_binary_ops(void)
{
    static const nz_binary_fn bwd[] = {NZ_BIN_SIGMOID_BWD, NZ_BIN_TANH_BWD, NZ_BIN_GELU_BWD};
    for (int dt = NZ_F32; dt <= NZ_F64; dt++)
        for (size_t k = 0; k < 3; k++) {
            size_t bytes = ONE * nz_dtype_size((nz_dtype)dt);
            void *hx = malloc(bytes), *hy = malloc(bytes), *got = malloc(bytes);
            op_inputs((nz_dtype)dt, 1, 0, hx);  /* upstream gradient */
            op_inputs((nz_dtype)dt, 6, 0, hy);  /* GELU: its input; others: their output */
            nz_op_args a = {.op = NZ_OP_BINARY, .dtype = (nz_dtype)dt};
            a.u.binary = (nz_binary_args){bwd[k], OM, ON, NZ_BCAST_NONE, NZ_BCAST_NONE,
                                          {NULL, 0}, {NULL, 0}, {NULL, 0}, 1, 0};
            double e = op_vs_ref(&a, &a.u.binary.x, &a.u.binary.y, &a.u.binary.out, hx, hy, got);
            double bound = dt == NZ_F32 ? 1e-13 : 1e-28;
            printf("binary %d %s: NMSE %.3g\n", (int)bwd[k], nz_dtype_name((nz_dtype)dt), e);
            CHECK(e <= bound, "binary %d %s: NMSE %.3g > %g", (int)bwd[k],
                  nz_dtype_name((nz_dtype)dt), e, bound);
            free(hx);
            free(hy);
            free(got);
        }
}

/* The f32 maps on a device with `threads` workers; their bytes go to out. */
static void threaded_maps(const char *threads, const float *hx, float *out)
{
    setenv("NAZO_CPU_THREADS", threads, 1);
    void *saved = dev;
    CHECK(be->open(0, &dev) == NZ_OK, "open with %s threads: %s", threads, nz_last_error());
    for (size_t k = 0; k < sizeof un_ops / sizeof un_ops[0]; k++) {
        void *x = dev_buf(hx, ONE * sizeof(float)), *o = dev_buf(NULL, ONE * sizeof(float));
        nz_op_args a = {.op = NZ_OP_UNARY, .dtype = NZ_F32};
        a.u.unary = (nz_unary_args){un_ops[k].fn, OM, ON, NZ_BCAST_NONE, {x, 0}, {o, 0}, 0, 0, 1,
                                    0};
        CHECK(be->run(dev, &a) == NZ_OK, "unary: %s", nz_last_error());
        be->read(dev, o, 0, out + k * ONE, ONE * sizeof(float));
        be->free(dev, x);
        be->free(dev, o);
    }
    be->close(dev);
    dev = saved;
}

static void test_thread_bits(void)
{
    size_t n = sizeof un_ops / sizeof un_ops[0] * ONE;
    float *hx = malloc(ONE * sizeof(float)), *r1 = malloc(n * 4), *r3 = malloc(n * 4);
    op_inputs(NZ_F32, 10, 0, hx);
    for (int i = 0; i < ONE; i += 7)
        hx[i] = fabsf(hx[i]); /* log needs some positive inputs */
    const char *old = getenv("NAZO_CPU_THREADS");
    char *saved = old ? strdup(old) : NULL;
    threaded_maps("1", hx, r1);
    threaded_maps("3", hx, r3);
    if (saved)
        setenv("NAZO_CPU_THREADS", saved, 1);
    else
        unsetenv("NAZO_CPU_THREADS");
    free(saved);
    CHECK(memcmp(r1, r3, n * 4) == 0, "transcendental maps: 1 vs 3 threads differ");
    free(hx);
    free(r1);
    free(r3);
}

int main(int argc, char **argv)
{
    test_special();
    test_ulp_f32();
    test_rel_f64();
    void *h = argc > 1 ? dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) : NULL;
    nz_plugin_entry_fn entry = h ? (nz_plugin_entry_fn)dlsym(h, NZ_PLUGIN_ENTRY_SYMBOL) : NULL;
    if (!entry) {
        fprintf(stderr, "cannot load the backend module '%s': %s\n", argc > 1 ? argv[1] : "",
                h ? "no entry symbol" : dlerror());
        return 1;
    }
    be = entry()->table;
    if (be->open(0, &dev) != NZ_OK) {
        fprintf(stderr, "open: %s\n", nz_last_error());
        return 1;
    }
    test_unary_ops();
    test_binary_ops();
    be->close(dev);
    test_thread_bits();
    dlclose(h);
    printf("%s: %d failure%s\n", g_fail ? "FAILED" : "ok", g_fail, g_fail == 1 ? "" : "s");
    return g_fail ? 1 : 0;
}
