/* The compute yardstick: independent FMAs on registers only, on pthreads.
 * No memory traffic and no dependencies between threads, so what it loses
 * from 1 to 2 threads is what the machine loses (shared cores, clocks that
 * drop with more cores busy, a hypervisor), not what any GEMM loses. */
#include <math.h>
#include <stdlib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "bench_internal.h"

/* Loop trips per call per thread: about 4 ms of AVX-512 work, long next to
 * the thread start. */
#define FMA_TRIPS (1L << 20)
/* Accumulators: enough independent chains to cover FMA latency x pipes. */
#define FMA_ACC 24

typedef struct fma_part {
    float sink; /* the accumulators' sum, so that the loop is not removed */
} fma_part;

typedef struct fma_job {
    fma_part parts[1024];
    int threads;
    int lanes; /* floats per FMA of the loop picked for this CPU */
} fma_job;

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static float fma_avx512(void)
{
    __m512 acc[FMA_ACC], x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < FMA_ACC; i++)
        acc[i] = _mm512_set1_ps((float)i);
    /* fully unrolled, so that the chains live in registers */
    for (long t = 0; t < FMA_TRIPS; t++)
#pragma GCC unroll 24
        for (int i = 0; i < FMA_ACC; i++)
            acc[i] = _mm512_fmadd_ps(acc[i], x, y);
    float s = 0;
    for (int i = 0; i < FMA_ACC; i++)
        s += _mm512_reduce_add_ps(acc[i]);
    return s;
}

__attribute__((target("avx2,fma")))
static float fma_avx2(void)
{
    /* 12 ymm chains: the AVX2 machines have 16 registers */
    __m256 acc[FMA_ACC / 2], x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < FMA_ACC / 2; i++)
        acc[i] = _mm256_set1_ps((float)i);
    for (long t = 0; t < 2 * FMA_TRIPS; t++)
#pragma GCC unroll 12
        for (int i = 0; i < FMA_ACC / 2; i++)
            acc[i] = _mm256_fmadd_ps(acc[i], x, y);
    float lanes[8], s = 0;
    for (int i = 0; i < FMA_ACC / 2; i++) {
        _mm256_storeu_ps(lanes, acc[i]);
        for (int l = 0; l < 8; l++)
            s += lanes[l];
    }
    return s;
}
#endif

/* Anything else: scalar fmaf chains (what plain C gets without a vector
 * extension the benchmark knows). */
static float fma_scalar(void)
{
    float acc[FMA_ACC];
    for (int i = 0; i < FMA_ACC; i++)
        acc[i] = (float)i;
    for (long t = 0; t < FMA_TRIPS; t++)
#pragma GCC unroll 24
        for (int i = 0; i < FMA_ACC; i++)
            acc[i] = fmaf(acc[i], 0.999999f, 1e-7f);
    float s = 0;
    for (int i = 0; i < FMA_ACC; i++)
        s += acc[i];
    return s;
}

static int fma_lanes(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return 16;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return 8;
#endif
    return 1;
}

static void *fma_thread(void *arg)
{
    fma_part *p = arg;
    int lanes = fma_lanes();
#if defined(__x86_64__)
    p->sink = lanes == 16 ? fma_avx512() : lanes == 8 ? fma_avx2() : fma_scalar();
#else
    p->sink = fma_scalar();
#endif
    return NULL;
}

static nz_status fma_call(void *arg)
{
    fma_job *j = arg;
    return nz_bench_threads(j->threads, fma_thread, j->parts, sizeof j->parts[0], "FMA loop");
}

nz_status nz_bench_fma_peak(int threads, nz_bench_side *sd)
{
    if (threads < 1 || threads > 1024)
        return nz_error(NZ_ERR_INVALID, "bench: FMA loop on %d threads", threads);
    fma_job *j = calloc(1, sizeof *j);
    if (!j)
        return nz_error(NZ_ERR_NOMEM, "bench: out of memory for the FMA loop");
    j->threads = threads;
    j->lanes = fma_lanes();
    /* 2 FLOPs per lane per FMA; the AVX2 loop runs twice the trips on half
     * the chains, the same FMAs per vector lane count as the AVX-512 one */
    double per_thread = 2.0 * FMA_ACC * (double)FMA_TRIPS * j->lanes;
    *sd = (nz_bench_side){fma_call, NULL, NULL, NULL, free, j, per_thread * threads, 0, 0.0};
    return NZ_OK;
}
