/* The conformance harness tested on itself: a host pseudo-backend that runs
 * the reference must pass every op, and deliberately broken variants of it
 * (writing past an output, leaking NaN through beta == 0, changing an input,
 * flipping a random bit, missing an op) must each be caught. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "nazo/reference.h"

enum mutant { MUT_NONE, MUT_GUARD, MUT_NAN_LEAK, MUT_INPUT, MUT_RANDOM_BIT, MUT_MISSING, MUT_SCALE };
static enum mutant mutant;

static nz_status h_probe(int *count) { *count = 1; return NZ_OK; }
static nz_status h_info(int index, nz_device_info *info)
{
    (void)index;
    memset(info, 0, sizeof *info);
    info->fp64 = 1;
    return NZ_OK;
}
static nz_status h_open(int index, void **dev) { (void)index; *dev = &mutant; return NZ_OK; }
static void h_close(void *dev) { (void)dev; }
static nz_status h_finish(void *dev) { (void)dev; return NZ_OK; }
static nz_status h_alloc(void *dev, size_t bytes, void **buf)
{
    (void)dev;
    *buf = malloc(bytes ? bytes : 1);
    return *buf ? NZ_OK : nz_error(NZ_ERR_NOMEM, "host pseudo-backend: out of memory");
}
static void h_free(void *dev, void *buf) { (void)dev; free(buf); }
static nz_status h_write(void *dev, void *buf, size_t off, const void *src, size_t bytes)
{
    (void)dev;
    memcpy((char *)buf + off, src, bytes);
    return NZ_OK;
}
static nz_status h_read(void *dev, void *buf, size_t off, void *dst, size_t bytes)
{
    (void)dev;
    memcpy(dst, (char *)buf + off, bytes);
    return NZ_OK;
}
static nz_status h_copy(void *dev, void *dst, size_t doff, void *src, size_t soff, size_t bytes)
{
    (void)dev;
    memmove((char *)dst + doff, (char *)src + soff, bytes);
    return NZ_OK;
}
static nz_status h_fill(void *dev, void *buf, size_t off, size_t bytes, const void *pat, size_t ps)
{
    (void)dev;
    for (size_t i = 0; i < bytes; i++)
        ((char *)buf)[off + i] = ((const char *)pat)[i % ps];
    return NZ_OK;
}
static int h_supports(void *dev, nz_op op, nz_dtype dt)
{
    (void)dev;
    if (mutant == MUT_MISSING && op == NZ_OP_TRSM && dt == NZ_F32)
        return 0;
    return nz_ref_supports(op, dt);
}
static nz_status h_run(void *dev, const nz_op_args *in)
{
    (void)dev;
    nz_op_args a = *in;
    if (mutant == MUT_NAN_LEAK && a.op == NZ_OP_BINARY && a.u.binary.beta == 0.0)
        a.u.binary.beta = 1e-300; /* reads out although beta == 0 */
    nz_status s = nz_ref_run(&a);
    if (s != NZ_OK)
        return s;
    if (mutant == MUT_GUARD && a.op == NZ_OP_UNARY) {
        size_t end = a.u.unary.out.off + (size_t)(a.u.unary.m * a.u.unary.n);
        if (a.dtype == NZ_F32)
            ((float *)a.u.unary.out.buf)[end] = 0;
        else
            ((double *)a.u.unary.out.buf)[end] = 0;
    }
    if (mutant == MUT_INPUT && a.op == NZ_OP_COPY2D)
        ((char *)a.u.copy2d.x.buf)[a.u.copy2d.x.off * nz_dtype_size(a.dtype)] ^= 1;
    if (mutant == MUT_RANDOM_BIT && a.op == NZ_OP_RANDOM)
        ((char *)a.u.random.out.buf)[a.u.random.out.off * nz_dtype_size(a.dtype)] ^= 1;
    if (mutant == MUT_SCALE && a.op == NZ_OP_GEMM && a.dtype == NZ_F32) {
        float *c = (float *)a.u.gemm.c.buf + a.u.gemm.c.off;
        c[0] = c[0] * 1.01f + 0.01f; /* an error far above the NMSE bound */
    }
    return NZ_OK;
}

static const nz_backend_iface host_iface = {
    h_probe, h_info, h_open, h_close, h_finish, h_alloc, h_free, h_write, h_read, h_copy,
    h_fill, h_supports, h_run, NULL,
};

static int failures;

static int run(enum mutant m, int op, double scale)
{
    mutant = m;
    conf_device dev = {.id = "host:0", .be = &host_iface, .handle = &mutant};
    h_info(0, &dev.info);
    conf_opts opts = {.case_scale = scale, .only_op = op};
    return conf_run_device(&dev, &opts);
}

static void expect_caught(enum mutant m, nz_op op, const char *what)
{
    printf("-- mutant: %s (expect FAIL lines)\n", what);
    int f = run(m, (int)op, 0.25);
    if (f == 0) {
        printf("FAIL: the harness did not catch: %s\n", what);
        failures++;
    }
}

int main(void)
{
    printf("-- the reference as a device: every op must pass\n");
    int f = run(MUT_NONE, -1, 0.35);
    if (f != 0) {
        printf("FAIL: %d case(s) failed against the reference itself\n", f);
        failures++;
    }
    expect_caught(MUT_GUARD, NZ_OP_UNARY, "unary writes one element past out");
    expect_caught(MUT_NAN_LEAK, NZ_OP_BINARY, "binary reads a NaN-filled out with beta == 0");
    expect_caught(MUT_INPUT, NZ_OP_COPY2D, "copy2d modifies its input");
    expect_caught(MUT_RANDOM_BIT, NZ_OP_RANDOM, "random flips one bit");
    expect_caught(MUT_MISSING, NZ_OP_TRSM, "trsm f32 not supported");
    expect_caught(MUT_SCALE, NZ_OP_GEMM, "gemm f32 result off by 1%");
    printf("%s\n", failures ? "FAIL" : "PASS: the harness passes the reference and catches every mutant");
    return failures != 0;
}
