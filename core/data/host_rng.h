/* Host-side Philox-4x32-10 draws for data and initialisers.  Same key and
 * counter layout as the device op NZ_OP_RANDOM (nazo/backend.h): key =
 * {lo32(seed), hi32(seed)}, counter = {lo32(c), hi32(c), lo32(stream),
 * hi32(stream)}, so a (seed, stream, counter) triple names one block of four
 * 32-bit words wherever it is computed.  Internal to the core. */
#ifndef NAZO_CORE_HOST_RNG_H
#define NAZO_CORE_HOST_RNG_H

#include <math.h>
#include <stdint.h>

#include <Random123/philox.h>

/* Streams of the host draws.  Mini-batch order uses stream = epoch; the
 * others sit far above any epoch count so no two uses share numbers. */
#define NZ_STREAM_SUBSET UINT64_C(0xD000000000000001)
#define NZ_STREAM_NOISE UINT64_C(0xD000000000000002)
#define NZ_STREAM_SYNTH UINT64_C(0xD000000000000003)

static inline philox4x32_ctr_t nz_host_philox(uint64_t seed, uint64_t stream, uint64_t c)
{
    philox4x32_ctr_t ctr = {{(uint32_t)c, (uint32_t)(c >> 32), (uint32_t)stream,
                             (uint32_t)(stream >> 32)}};
    philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    return philox4x32(ctr, key);
}

/* A double in [0, 1) with 53 random bits from words w0, w1. */
static inline double nz_host_u01(uint32_t w0, uint32_t w1)
{
    uint64_t bits = ((uint64_t)w0 << 21) ^ ((uint64_t)w1 >> 11);
    return (double)(bits & ((UINT64_C(1) << 53) - 1)) * 0x1p-53;
}

/* An integer in [0, n) from one 32-bit word (multiply-shift: no modulo
 * division, bias below n / 2^32, and the same on every machine). */
static inline uint32_t nz_host_below(uint32_t w, uint32_t n)
{
    return (uint32_t)(((uint64_t)w * n) >> 32);
}

/* Standard normal number `c` of the (seed, stream) sequence: Box-Muller in
 * double from one Philox block.  Used where the host owns the numbers
 * (orthogonal init, synthetic data); device fills use nz_random. */
static inline double nz_host_normal(uint64_t seed, uint64_t stream, uint64_t c)
{
    philox4x32_ctr_t r = nz_host_philox(seed, stream, c);
    double u1 = nz_host_u01(r.v[0], r.v[1]);
    double u2 = nz_host_u01(r.v[2], r.v[3]);
    /* 1 - u1 is in (0, 1]: the log never sees zero. */
    return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586476925 * u2);
}

#endif
