/* nazo/philox_float.h: Philox bits against Random123, the multiplication-only
 * log/sqrt/cos against libm, and the distributions' moments. */
#include <math.h>
#include <stdio.h>

#include <Random123/philox.h>

#include "nazo/philox_float.h"

#include "test_check.h"

static uint64_t xs_state = 0x9E3779B97F4A7C15u;
static uint64_t xs_next(void)
{
    xs_state ^= xs_state << 13;
    xs_state ^= xs_state >> 7;
    xs_state ^= xs_state << 17;
    return xs_state;
}

static void test_philox_bits(void)
{
    /* Random123's known-answer vectors for philox4x32 R=10. */
    static const uint32_t kat[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
         0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
         0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
    };
    for (int t = 0; t < 3; t++) {
        uint32_t out[4];
        nz_philox4x32_10(kat[t], kat[t] + 4, out);
        for (int w = 0; w < 4; w++)
            CHECK(out[w] == kat[t][6 + w], "KAT %d word %d: %08x, expected %08x", t, w,
                  (unsigned)out[w], (unsigned)kat[t][6 + w]);
    }
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        uint64_t a = xs_next(), b = xs_next(), k = xs_next();
        if (i % 4 == 1) /* small counters, as fills use */
            a = (uint64_t)i;
        uint32_t ctr[4] = {(uint32_t)a, (uint32_t)(a >> 32), (uint32_t)b, (uint32_t)(b >> 32)};
        uint32_t key[2] = {(uint32_t)k, (uint32_t)(k >> 32)};
        uint32_t out[4];
        nz_philox4x32_10(ctr, key, out);
        philox4x32_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
        philox4x32_key_t kk = {{key[0], key[1]}};
        philox4x32_ctr_t r = philox4x32(c, kk);
        for (int w = 0; w < 4; w++)
            bad += out[w] != r.v[w];
    }
    CHECK(bad == 0, "%d words differ from Random123's philox4x32 over 200000 blocks", bad);
}

static void test_approximations(void)
{
    double worst_logf = 0, worst_log = 0, worst_sqrtf = 0, worst_sqrt = 0;
    double worst_cosf = 0, worst_cos = 0;
    for (int i = 0; i < 1000000; i++) {
        /* The ranges the transforms see: u1 in [2^-53, 1], t in [0, 74]. */
        uint32_t n24 = (uint32_t)(xs_next() >> 40) + 1u;
        float xf = (float)n24 * 0x1p-24f;
        double e = fabs(nz_rng_logf(xf) - log((double)xf));
        worst_logf = fmax(worst_logf, e / fmax(1.0, fabs(log((double)xf))));
        uint64_t n53 = (xs_next() >> 11) + 1u;
        double xd = (double)n53 * 0x1p-53;
        e = fabs(nz_rng_log(xd) - log(xd));
        worst_log = fmax(worst_log, e / fmax(1.0, fabs(log(xd))));

        float tf = (float)(xs_next() >> 40) * 0x1p-24f * 34.0f;
        if (tf > 0)
            worst_sqrtf = fmax(worst_sqrtf, fabs(nz_rng_sqrtf(tf) - sqrt((double)tf)) / sqrt((double)tf));
        double td = (double)(xs_next() >> 11) * 0x1p-53 * 74.0;
        if (td > 0)
            worst_sqrt = fmax(worst_sqrt, fabs(nz_rng_sqrt(td) - sqrt(td)) / sqrt(td));

        uint32_t a24 = (uint32_t)(xs_next() >> 40);
        worst_cosf = fmax(worst_cosf, fabs(nz_rng_cos2pif(a24) -
                                           cos(6.283185307179586 * (double)a24 * 0x1p-24)));
        uint64_t a53 = xs_next() >> 11;
        /* long double keeps 2*pi*x accurate enough to judge a 1e-15 error. */
        long double ang = 6.283185307179586476925286766559L * (long double)a53 * 0x1p-53L;
        worst_cos = fmax(worst_cos, fabs(nz_rng_cos2pi(a53) - (double)cosl(ang)));
    }
    /* Edges: ln 1 = 0 exactly, sqrt 0 = 0, cos 0 = 1, cos(pi) = -1. */
    CHECK(nz_rng_logf(1.0f) == 0.0f && nz_rng_log(1.0) == 0.0, "ln 1 must be exactly 0");
    CHECK(nz_rng_sqrtf(0.0f) == 0.0f && nz_rng_sqrt(0.0) == 0.0, "sqrt 0 must be exactly 0");
    CHECK(nz_rng_cos2pif(0) == 1.0f && nz_rng_cos2pi(0) == 1.0, "cos 0 must be 1");
    CHECK(nz_rng_cos2pif(1u << 23) == -1.0f && nz_rng_cos2pi((uint64_t)1 << 52) == -1.0,
          "cos pi must be -1");
    printf("worst relative error: logf %.2e log %.2e sqrtf %.2e sqrt %.2e; abs: cos2pif %.2e cos2pi %.2e\n",
           worst_logf, worst_log, worst_sqrtf, worst_sqrt, worst_cosf, worst_cos);
    CHECK(worst_logf < 1e-6, "logf error %.3e", worst_logf);
    CHECK(worst_log < 1e-14, "log error %.3e", worst_log);
    CHECK(worst_sqrtf < 1e-6, "sqrtf error %.3e", worst_sqrtf);
    CHECK(worst_sqrt < 1e-14, "sqrt error %.3e", worst_sqrt);
    CHECK(worst_cosf < 1e-6, "cos2pif error %.3e", worst_cosf);
    CHECK(worst_cos < 1e-14, "cos2pi error %.3e", worst_cos);
}

static void test_distributions(void)
{
    const int n = 1000000;
    const uint64_t seed = 0x0123456789abcdefu, stream = 7, counter = 0xfffffff0u;
    double s[2][4] = {{0}}; /* per dtype: normal sum, sumsq; uniform sum; bernoulli count */
    int out_of_range = 0, nonfinite = 0;
    for (int i = 0; i < n; i++) {
        uint64_t c = counter + (uint64_t)i;
        double zf = nz_rng_f32(1, seed, stream, c, 0.0f, 1.0f);
        double zd = nz_rng_f64(1, seed, stream, c, 0.0, 1.0);
        double uf = nz_rng_f32(0, seed, stream, c, 0.0f, 1.0f);
        double ud = nz_rng_f64(0, seed, stream, c, 0.0, 1.0);
        nonfinite += !isfinite(zf) + !isfinite(zd);
        out_of_range += !(uf >= 0 && uf < 1) + !(ud >= 0 && ud < 1);
        s[0][0] += zf; s[0][1] += zf * zf; s[0][2] += uf;
        s[1][0] += zd; s[1][1] += zd * zd; s[1][2] += ud;
        s[0][3] += nz_rng_f32(2, seed, stream, c, 0.3f, 0.0f);
        s[1][3] += nz_rng_f64(2, seed, stream, c, 0.3, 0.0);
    }
    CHECK(nonfinite == 0, "%d normal draws are not finite", nonfinite);
    CHECK(out_of_range == 0, "%d uniform draws outside [0, 1)", out_of_range);
    for (int d = 0; d < 2; d++) {
        double mean = s[d][0] / n, var = s[d][1] / n - mean * mean;
        printf("%s: normal mean %.2e var %.5f; uniform mean %.5f; bernoulli(0.3) rate %.5f\n",
               d ? "f64" : "f32", mean, var, s[d][2] / n, s[d][3] / n);
        CHECK(fabs(mean) < 5e-3, "%s normal mean %g", d ? "f64" : "f32", mean);
        CHECK(fabs(var - 1.0) < 1e-2, "%s normal variance %g", d ? "f64" : "f32", var);
        CHECK(fabs(s[d][2] / n - 0.5) < 3e-3, "%s uniform mean %g", d ? "f64" : "f32", s[d][2] / n);
        CHECK(fabs(s[d][3] / n - 0.3) < 3e-3, "%s bernoulli rate %g", d ? "f64" : "f32", s[d][3] / n);
    }
    /* The parameters scale exactly as documented. */
    float z = nz_rng_f32(1, seed, stream, 5, 0.0f, 1.0f);
    CHECK(nz_rng_f32(1, seed, stream, 5, 2.0f, 3.0f) == 2.0f + 3.0f * z, "normal p0 + p1*z");
    float u = nz_rng_f32(0, seed, stream, 5, 0.0f, 1.0f);
    CHECK(nz_rng_f32(0, seed, stream, 5, -1.0f, 3.0f) == -1.0f + 4.0f * u, "uniform p0 + (p1-p0)*u");
    /* The f32 uniform is (r0 >> 8) * 2^-24 of the element's block. */
    uint32_t r[4];
    nz_philox_block(seed, stream, 5, r);
    CHECK(u == (float)(r[0] >> 8) * 0x1p-24f, "f32 uniform bits");
    CHECK(nz_rng_f64(0, seed, stream, 5, 0.0, 1.0) ==
          (double)(((uint64_t)r[0] << 21) | (r[1] >> 11)) * 0x1p-53, "f64 uniform bits");
    /* Streams and seeds give different sequences. */
    CHECK(nz_rng_f32(0, seed, stream + 1, 5, 0.0f, 1.0f) != u ||
          nz_rng_f32(0, seed, stream + 1, 6, 0.0f, 1.0f) != nz_rng_f32(0, seed, stream, 6, 0.0f, 1.0f),
          "streams must differ");
}

int main(void)
{
    test_philox_bits();
    test_approximations();
    test_distributions();
    if (failures)
        printf("%d check(s) failed\n", failures);
    else
        printf("all philox checks passed\n");
    return failures != 0;
}
