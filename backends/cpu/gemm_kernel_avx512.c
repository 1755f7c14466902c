/* AVX-512 micro-kernels: 12 x 32 (f32) and 12 x 16 (f64), i.e. 12 rows of two
 * zmm accumulators each, 24 of the 32 registers; the A value is broadcast from
 * memory straight into the FMA. */
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm.h"

#if defined(__x86_64__)

#define MR 12

/* The kernel for element type T in vectors V of L lanes; P is the
 * intrinsics' suffix (ps, pd).  One body for both types, fully unrolled so
 * that the accumulators stay in registers; beta == 0: C is not read. */
#define DEFINE_KERNEL(SFX, T, V, L, P)                                              \
    __attribute__((target("avx512f")))                                              \
    static void kernel_##SFX(int64_t kc, const T *restrict a, const T *restrict b,  \
                             T *restrict c, int64_t ldc, T alpha, T beta)           \
    {                                                                               \
        V acc[MR][2];                                                               \
        _Pragma("GCC unroll 12") for (int r = 0; r < MR; r++) {                     \
            acc[r][0] = _mm512_setzero_##P();                                       \
            acc[r][1] = _mm512_setzero_##P();                                       \
        }                                                                           \
        for (int64_t p = 0; p < kc; p++) {                                          \
            V b0 = _mm512_load_##P(b);                                              \
            V b1 = _mm512_load_##P(b + (L));                                        \
            _Pragma("GCC unroll 12") for (int r = 0; r < MR; r++) {                 \
                V av = _mm512_set1_##P(a[r]);                                       \
                acc[r][0] = _mm512_fmadd_##P(av, b0, acc[r][0]);                    \
                acc[r][1] = _mm512_fmadd_##P(av, b1, acc[r][1]);                    \
            }                                                                       \
            a += MR;                                                                \
            b += 2 * (L);                                                           \
        }                                                                           \
        V va = _mm512_set1_##P(alpha);                                              \
        if (beta == 0) {                                                            \
            _Pragma("GCC unroll 12") for (int r = 0; r < MR; r++) {                 \
                _mm512_storeu_##P(c + r * ldc, _mm512_mul_##P(va, acc[r][0]));      \
                _mm512_storeu_##P(c + r * ldc + (L), _mm512_mul_##P(va, acc[r][1])); \
            }                                                                       \
        } else {                                                                    \
            V vb = _mm512_set1_##P(beta);                                           \
            _Pragma("GCC unroll 12") for (int r = 0; r < MR; r++) {                 \
                T *cr = c + r * ldc;                                                \
                _mm512_storeu_##P(cr, _mm512_fmadd_##P(vb, _mm512_loadu_##P(cr),   \
                                                       _mm512_mul_##P(va, acc[r][0]))); \
                _mm512_storeu_##P(cr + (L),                                         \
                                  _mm512_fmadd_##P(vb, _mm512_loadu_##P(cr + (L)),  \
                                                   _mm512_mul_##P(va, acc[r][1]))); \
            }                                                                       \
        }                                                                           \
    }

DEFINE_KERNEL(f32, float, __m512, 16, ps)
DEFINE_KERNEL(f64, double, __m512d, 8, pd)
#undef DEFINE_KERNEL

/* ---- packing (f32): masked loads and stores, in-register transposes ---- */

/* out[c][r] = in[r][c] for a 16 x 16 block. */
__attribute__((target("avx512f"), always_inline))
static inline void transpose16(const __m512 in[16], __m512 out[16])
{
    __m512 t[16], u[16], v[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(in[2 * i], in[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(in[2 * i], in[2 * i + 1]);
    }
    /* u[4g + q]: within each 128-bit lane L, column 4L + q of rows 4g..4g+3 */
    for (int g = 0; g < 4; g++) {
        __m512d a0 = _mm512_castps_pd(t[4 * g]), a1 = _mm512_castps_pd(t[4 * g + 1]);
        __m512d a2 = _mm512_castps_pd(t[4 * g + 2]), a3 = _mm512_castps_pd(t[4 * g + 3]);
        u[4 * g + 0] = _mm512_castpd_ps(_mm512_unpacklo_pd(a0, a2));
        u[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a0, a2));
        u[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(a1, a3));
        u[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(a1, a3));
    }
    /* v[8h + q]: lanes (col q|q+8 of rows 8h..8h+3, same of rows 8h+4..8h+7);
     * v[8h + 4 + q]: the same for columns q+4 | q+12 */
    for (int h = 0; h < 2; h++)
        for (int q = 0; q < 4; q++) {
            v[8 * h + q] = _mm512_shuffle_f32x4(u[8 * h + q], u[8 * h + 4 + q], 0x88);
            v[8 * h + 4 + q] = _mm512_shuffle_f32x4(u[8 * h + q], u[8 * h + 4 + q], 0xDD);
        }
    for (int q = 0; q < 4; q++) {
        out[q] = _mm512_shuffle_f32x4(v[q], v[8 + q], 0x88);
        out[q + 8] = _mm512_shuffle_f32x4(v[q], v[8 + q], 0xDD);
        out[q + 4] = _mm512_shuffle_f32x4(v[4 + q], v[12 + q], 0x88);
        out[q + 12] = _mm512_shuffle_f32x4(v[4 + q], v[12 + q], 0xDD);
    }
}

/* dst[p*w + off + r] = src[r*ld + p] for r < rows (zero for rows..15 of the
 * block; only `keep` lanes stored), p < kc: a 16-row block transposed. */
__attribute__((target("avx512f")))
static void pack_transpose16(const float *src, int64_t ld, int rows, int64_t kc,
                             float *restrict dst, int64_t w, __mmask16 keep)
{
    __m512 in[16], out[16];
    for (int r = rows; r < 16; r++)
        in[r] = _mm512_setzero_ps();
    for (int64_t p = 0; p < kc; p += 16) {
        int64_t left = kc - p;
        __mmask16 km = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        for (int r = 0; r < rows; r++)
            in[r] = _mm512_maskz_loadu_ps(km, src + r * ld + p);
        transpose16(in, out);
        int nq = left >= 16 ? 16 : (int)left;
        for (int q = 0; q < nq; q++)
            _mm512_mask_storeu_ps(dst + (p + q) * w, keep, out[q]);
    }
}

__attribute__((target("avx512f")))
static void pack_a_f32(int trans, const float *a, int64_t lda, int64_t i0, int rows,
                       int64_t pc, int64_t kc, float *restrict dst)
{
    __mmask16 m = (__mmask16)((1u << rows) - 1);
    if (trans) {
        /* op(A) rows are A's columns: MR contiguous values per k step */
        const float *src = a + pc * lda + i0;
        for (int64_t p = 0; p < kc; p++)
            _mm512_mask_storeu_ps(dst + p * MR, 0xFFF, _mm512_maskz_loadu_ps(m, src + p * lda));
        return;
    }
    pack_transpose16(a + i0 * lda + pc, lda, rows, kc, dst, MR, 0xFFF);
}

__attribute__((target("avx512f")))
static void pack_b_f32(int trans, const float *b, int64_t ldb, int64_t j0, int cols,
                       int64_t pc, int64_t kc, float *restrict dst)
{
    if (!trans) {
        const float *src = b + pc * ldb + j0;
        __mmask16 m0 = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
        __mmask16 m1 = cols >= 32 ? (__mmask16)0xFFFF
                     : cols > 16 ? (__mmask16)((1u << (cols - 16)) - 1) : 0;
        for (int64_t p = 0; p < kc; p++) {
            _mm512_store_ps(dst + p * 32, _mm512_maskz_loadu_ps(m0, src + p * ldb));
            _mm512_store_ps(dst + p * 32 + 16, _mm512_maskz_loadu_ps(m1, src + p * ldb + 16));
        }
        return;
    }
    /* op(B) columns are B's rows: transpose 16 of them at a time */
    const float *src = b + j0 * ldb + pc;
    for (int h = 0; h < 2; h++) {
        int n = cols - 16 * h;
        n = n < 0 ? 0 : n > 16 ? 16 : n;
        pack_transpose16(src + 16 * h * ldb, ldb, n, kc, dst + 16 * h, 32, 0xFFFF);
    }
}

/* ---- edge tiles (f32) ---------------------------------------------------
 * R rows (a constant once inlined, so the accumulators stay in registers)
 * and the columns whose lanes are set in m0 | m1: no FMA for the rows past
 * the edge, and C's columns past it neither read nor written. */
__attribute__((target("avx512f"), always_inline))
static inline void part_rows_f32(const int R, int64_t kc, const float *restrict a,
                                 const float *restrict b, float *restrict c, int64_t ldc,
                                 float alpha, float beta, __mmask16 m0, __mmask16 m1)
{
    __m512 acc[MR][2];
#pragma GCC unroll 12
    for (int r = 0; r < R; r++)
        acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (int64_t p = 0; p < kc; p++, a += MR, b += 32) {
        __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 12
        for (int r = 0; r < R; r++) {
            __m512 av = _mm512_set1_ps(a[r]);
            acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
        }
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
#pragma GCC unroll 12
    for (int r = 0; r < R; r++) {
        float *cr = c + r * ldc;
        __m512 x0 = _mm512_mul_ps(va, acc[r][0]), x1 = _mm512_mul_ps(va, acc[r][1]);
        if (beta != 0.0f) {
            x0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, cr), x0);
            x1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, cr + 16), x1);
        }
        _mm512_mask_storeu_ps(cr, m0, x0);
        _mm512_mask_storeu_ps(cr + 16, m1, x1);
    }
}

__attribute__((target("avx512f")))
static void part_f32(int rows, int cols, int64_t kc, const float *restrict a,
                     const float *restrict b, float *restrict c, int64_t ldc, float alpha,
                     float beta)
{
    __mmask16 m0 = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
    __mmask16 m1 = cols >= 32 ? (__mmask16)0xFFFF
                 : cols > 16 ? (__mmask16)((1u << (cols - 16)) - 1) : 0;
#define PART_CASE(R) case R: part_rows_f32(R, kc, a, b, c, ldc, alpha, beta, m0, m1); break;
    switch (rows) {
    PART_CASE(1) PART_CASE(2) PART_CASE(3) PART_CASE(4) PART_CASE(5) PART_CASE(6)
    PART_CASE(7) PART_CASE(8) PART_CASE(9) PART_CASE(10) PART_CASE(11) PART_CASE(12)
    default: break;
    }
#undef PART_CASE
}

/* KC x NR of B (32 KiB f32) stays in L1/L2; MC x KC of A in L2. */
const nz_gemm_cfg_f32 nz_gemm_avx512_f32 = {MR, 32, 16 * MR, 256, 4096, kernel_f32,
                                           pack_a_f32, pack_b_f32, part_f32};
const nz_gemm_cfg_f64 nz_gemm_avx512_f64 = {MR, 16, 8 * MR, 256, 2048, kernel_f64,
                                           NULL, NULL, NULL};

#else
/* Not x86-64: the driver never selects these. */
const nz_gemm_cfg_f32 nz_gemm_avx512_f32 = {0, 0, 0, 0, 0, 0, NULL, NULL, NULL};
const nz_gemm_cfg_f64 nz_gemm_avx512_f64 = {0, 0, 0, 0, 0, 0, NULL, NULL, NULL};
#endif
