/* GEMM internals: register-tiled micro-kernels and their blocking.
 *
 * A micro-kernel multiplies a packed MR x kc sliver of A (column by column:
 * MR values per k step) by a packed kc x NR sliver of B (NR values per k
 * step) and writes the MR x NR tile  c = alpha*acc + beta*c  (beta == 0: c is
 * not read).  The driver (gemm.c) packs, blocks for the caches, splits macro
 * tiles over the threads and handles partial tiles. */
#ifndef NAZO_CPU_GEMM_H
#define NAZO_CPU_GEMM_H

#include <stdint.h>

#include "cpu.h"

typedef void (*nz_gemm_kernel_f32)(int64_t kc, const float *restrict a, const float *restrict b,
                                   float *restrict c, int64_t ldc, float alpha, float beta);
typedef void (*nz_gemm_kernel_f64)(int64_t kc, const double *restrict a, const double *restrict b,
                                   double *restrict c, int64_t ldc, double alpha, double beta);

/* Packing of one micro-panel (optional; NULL: the driver's portable loops).
 * A: rows [idx0, idx0+count) of op(A), columns [pc, pc+kc), stored as
 *    dst[p*MR + r] with rows count..MR-1 zero.
 * B: columns [idx0, idx0+count) of op(B), rows [pc, pc+kc), stored as
 *    dst[p*NR + c] with columns count..NR-1 zero.
 * `trans`: the operand is stored transposed (op(X) = X^T); ld its leading
 * dimension. */
typedef void (*nz_gemm_pack_f32)(int trans, const float *src, int64_t ld, int64_t idx0,
                                 int count, int64_t pc, int64_t kc, float *restrict dst);
typedef void (*nz_gemm_pack_f64)(int trans, const double *src, int64_t ld, int64_t idx0,
                                 int count, int64_t pc, int64_t kc, double *restrict dst);

/* A partial tile (optional; NULL: the driver computes a full tile into a
 * buffer and copies the rows x cols part): like the kernel, but only rows
 * (<= MR) rows are computed and rows x cols (<= NR) elements of c are read
 * and written, so that edge tiles cost what they hold. */
typedef void (*nz_gemm_part_f32)(int rows, int cols, int64_t kc, const float *restrict a,
                                 const float *restrict b, float *restrict c, int64_t ldc,
                                 float alpha, float beta);
typedef void (*nz_gemm_part_f64)(int rows, int cols, int64_t kc, const double *restrict a,
                                 const double *restrict b, double *restrict c, int64_t ldc,
                                 double alpha, double beta);

/* Blocking: MR x NR register tile, MC x KC block of A (L2), KC x NC panel of B
 * (L3).  MC is a multiple of MR and NC of NR. */
typedef struct nz_gemm_cfg_f32 {
    int mr, nr;
    int64_t mc, kc, nc;
    nz_gemm_kernel_f32 kernel;
    nz_gemm_pack_f32 pack_a, pack_b;
    nz_gemm_part_f32 part;
} nz_gemm_cfg_f32;

typedef struct nz_gemm_cfg_f64 {
    int mr, nr;
    int64_t mc, kc, nc;
    nz_gemm_kernel_f64 kernel;
    nz_gemm_pack_f64 pack_a, pack_b;
    nz_gemm_part_f64 part;
} nz_gemm_cfg_f64;

/* The largest MR*NR of any kernel, for the partial-tile buffer. */
#define NZ_GEMM_MAX_TILE (16 * 32)

extern const nz_gemm_cfg_f32 nz_gemm_avx512_f32, nz_gemm_avx2_f32, nz_gemm_generic_f32;
extern const nz_gemm_cfg_f64 nz_gemm_avx512_f64, nz_gemm_avx2_f64, nz_gemm_generic_f64;
extern const nz_gemm_cfg_f32 nz_gemm_neon_f32;
extern const nz_gemm_cfg_f64 nz_gemm_neon_f64;

#endif
