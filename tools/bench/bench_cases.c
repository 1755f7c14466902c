/* The shapes measured: square GEMMs, the GEMMs of one MLP training step
 * (batch 128, 784-1024-1024-10) and large element-wise maps. */
#include <stdio.h>

#include "bench_internal.h"

/* 16M floats (64 MiB per operand): far beyond any cache, so the element-wise
 * rows measure memory bandwidth as the triad does. */
#define ELT 4096

static const nz_bench_case cases[] = {
    NZ_BENCH_GEMM_CASE("gemm", 64, 64, 64, 0, 0, 0),
    NZ_BENCH_GEMM_CASE("gemm", 128, 128, 128, 0, 0, 0),
    NZ_BENCH_GEMM_CASE("gemm", 256, 256, 256, 0, 0, 0),
    NZ_BENCH_GEMM_CASE("gemm", 512, 512, 512, 0, 0, 0),
    NZ_BENCH_GEMM_CASE("gemm", 1024, 1024, 1024, 0, 0, 1),
    NZ_BENCH_GEMM_CASE("gemm", 2048, 2048, 2048, 0, 0, 0),
    /* forward: X W for each layer */
    NZ_BENCH_GEMM_CASE("gemm-mlp", 128, 784, 1024, 0, 0, 1),
    NZ_BENCH_GEMM_CASE("gemm-mlp", 128, 1024, 1024, 0, 0, 0),
    NZ_BENCH_GEMM_CASE("gemm-mlp", 128, 1024, 10, 0, 0, 0),
    /* backward of the first layer: dW = X^T dY and dX = dY W^T */
    NZ_BENCH_GEMM_CASE("gemm-mlp", 784, 128, 1024, 1, 0, 1),
    NZ_BENCH_GEMM_CASE("gemm-mlp", 128, 1024, 784, 0, 1, 0),
    /* n = 1024 again, next to the machine's FMA peak: how much of the
     * compute a core has the GEMM uses, and how far the machine itself
     * scales from 1 to 2 threads */
    {NZ_BENCH_GEMM, "gemm-peak", 1024, 1024, 1024, 0, 0, 1, NZ_UN_IDENTITY, NZ_BENCH_REF_FMA},
    NZ_BENCH_ELT_CASE(NZ_BENCH_ADD, "add", ELT, ELT, 1, NZ_UN_IDENTITY),
    NZ_BENCH_ELT_CASE(NZ_BENCH_UNARY, "relu", ELT, ELT, 0, NZ_UN_RELU),
    /* transcendental unary maps: vectorized, they too should reach memory speed */
    NZ_BENCH_ELT_CASE(NZ_BENCH_UNARY, "sigmoid", ELT, ELT, 1, NZ_UN_SIGMOID),
    NZ_BENCH_ELT_CASE(NZ_BENCH_UNARY, "tanh", ELT, ELT, 1, NZ_UN_TANH),
    NZ_BENCH_ELT_CASE(NZ_BENCH_SGD, "sgd", ELT, ELT, 1, NZ_UN_IDENTITY),
};

const nz_bench_case *nz_bench_cases(size_t *count)
{
    *count = sizeof cases / sizeof cases[0];
    return cases;
}

void nz_bench_case_shape(const nz_bench_case *c, char *buf, size_t len)
{
    if (c->what != NZ_BENCH_GEMM) {
        snprintf(buf, len, "%lldx%lld", (long long)c->m, (long long)c->n);
        return;
    }
    snprintf(buf, len, "%lldx%lldx%lld%s", (long long)c->m, (long long)c->k, (long long)c->n,
             c->trans_a ? " tA" : c->trans_b ? " tB" : "");
}

double nz_bench_case_work(const nz_bench_case *c)
{
    double elems = (double)c->m * (double)c->n;
    switch (c->what) {
    case NZ_BENCH_GEMM: return 2.0 * (double)c->m * (double)c->k * (double)c->n;
    /* Bytes the op must move, counted like the triad's 12 bytes per element
     * (reads plus writes, no write-allocate traffic). */
    case NZ_BENCH_ADD: return 12.0 * elems;  /* read x, y; write out */
    case NZ_BENCH_UNARY: return 8.0 * elems; /* read x; write out */
    case NZ_BENCH_SGD: return 20.0 * elems;  /* read w, g, v; write w, v */
    }
    return 0.0;
}

const char *nz_bench_case_unit(const nz_bench_case *c)
{
    return c->what == NZ_BENCH_GEMM ? "GFLOP/s" : "GB/s";
}

const char *nz_bench_ref_name(const nz_bench_case *c)
{
    if (c->ref == NZ_BENCH_REF_FMA)
        return "fma loop";
    return c->what == NZ_BENCH_GEMM ? "openblas" : "triad";
}
