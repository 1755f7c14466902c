/* Internal declarations of the CPU backend (not installed).
 *
 * A buffer handle is an nz_cpu_buf: a 64-byte header followed by the data, so
 * the memory functions can check offsets against the size and the data stays
 * 64-byte aligned for the SIMD kernels.  Ops run synchronously in call order
 * under the device lock, which is what the one in-order queue requires. */
#ifndef NAZO_CPU_H
#define NAZO_CPU_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "nazo/backend.h"

#define NZ_CPU_ALIGN 64

typedef struct nz_cpu_buf {
    size_t bytes;
    /* pad the header to one cache line so data is 64-byte aligned */
    unsigned char pad[NZ_CPU_ALIGN - sizeof(size_t)];
    unsigned char data[];
} nz_cpu_buf;

/* Host pointer to element `off` (of `esize` bytes) of a buffer reference. */
static inline void *nz_cpu_ptr(nz_bref r, size_t esize)
{
    return ((nz_cpu_buf *)r.buf)->data + r.off * esize;
}

/* ---- SIMD level, detected at run time -------------------------------- */
typedef enum nz_cpu_simd {
    NZ_CPU_SIMD_PORTABLE = 0,
    NZ_CPU_SIMD_AVX2 = 1,    /* avx2 + fma */
    NZ_CPU_SIMD_AVX512 = 2,  /* avx512f */
    NZ_CPU_SIMD_NEON = 3     /* AArch64 Advanced SIMD (always there on aarch64) */
} nz_cpu_simd;

nz_cpu_simd nz_cpu_simd_level(void);
/* The level the GEMM kernels use: the CPU's, or lower where NAZO_CPU_SIMD
 * asks (avx512, avx2, neon, portable); an unknown name or a level this CPU
 * lacks is an error with a message. */
nz_status nz_cpu_simd_choice(nz_cpu_simd *out);
const char *nz_cpu_simd_name(nz_cpu_simd level);

/* NAZO_CPU_THREADS or the online core count.  NZ_ERR_INVALID with a message
 * when the variable is set to something that is not a count in [1, 1024]. */
nz_status nz_cpu_thread_count(int *n);

/* ---- device info and memory (device_info.c, memory.c) --------------- */
nz_status nz_cpu_fill_info(nz_device_info *info);
nz_status nz_cpu_alloc(void *dev, size_t bytes, void **buf);
void nz_cpu_free(void *dev, void *buf);
nz_status nz_cpu_write(void *dev, void *buf, size_t offset, const void *src, size_t bytes);
nz_status nz_cpu_read(void *dev, void *buf, size_t offset, void *dst, size_t bytes);
nz_status nz_cpu_copy(void *dev, void *dst, size_t dst_offset, void *src, size_t src_offset,
                      size_t bytes);
nz_status nz_cpu_fill(void *dev, void *buf, size_t offset, size_t bytes, const void *pattern,
                      size_t pattern_size);

/* ---- worker pool ------------------------------------------------------ */
typedef struct nz_cpu_pool nz_cpu_pool;

/* One task of a parallel loop; `worker` in [0, threads) names the thread so
 * that a task can use that thread's scratch memory. */
typedef void (*nz_cpu_task_fn)(void *ctx, int64_t task, int worker);

nz_status nz_cpu_pool_create(int threads, nz_cpu_pool **out);
void nz_cpu_pool_free(nz_cpu_pool *pool);
/* Run fn(ctx, t, w) for every t in [0, ntasks) and wait.  The calling thread
 * takes part as worker 0.  Not reentrant: tasks must not call it. */
void nz_cpu_pool_run(nz_cpu_pool *pool, int64_t ntasks, nz_cpu_task_fn fn, void *ctx);

/* ---- the device ------------------------------------------------------- */
typedef struct nz_cpu_scratch {
    void *mem;
    size_t bytes;
} nz_cpu_scratch;

typedef struct nz_cpu_dev {
    int threads;
    nz_cpu_pool *pool;
    nz_cpu_simd simd;
    pthread_mutex_t lock;      /* one op at a time: the in-order queue */
    /* scratch[w] for worker w, scratch[threads] shared by a whole op */
    nz_cpu_scratch *scratch;
} nz_cpu_dev;

/* Scratch memory of slot `slot` with at least `bytes` bytes (64-aligned),
 * kept between ops; NULL when out of memory. */
void *nz_cpu_scratch_get(nz_cpu_dev *dev, int slot, size_t bytes);

/* A range of a 2-D iteration space [i0,i1) x [j0,j1). */
typedef void (*nz_cpu_range_fn)(void *ctx, int64_t i0, int64_t i1, int64_t j0, int64_t j1);

/* Split an m x n element-wise iteration space over the pool when it holds
 * enough work (tasks of at least `grain` elements), else run it inline.
 * Only for work whose result does not depend on the split. */
void nz_cpu_parallel_2d(nz_cpu_dev *dev, int64_t m, int64_t n, int64_t grain,
                        nz_cpu_range_fn fn, void *ctx);

/* Rows [i0, i1) of m independent rows, each costing about row_cost element
 * operations, split over the pool when worth it. */
void nz_cpu_parallel_rows(nz_cpu_dev *dev, int64_t m, int64_t row_cost,
                          void (*fn)(void *ctx, int64_t i0, int64_t i1), void *ctx);

/* Default grain: below this many elements an op stays on one thread. */
#define NZ_CPU_GRAIN 32768

/* Element-wise loops compiled three times (AVX-512, AVX2, baseline) and
 * picked at load time by the CPU: the backend's baseline is plain x86-64,
 * whose 4-wide SSE vectors leave bandwidth unused.  Each clone evaluates the
 * same IEEE operations per element (ISO C: no contraction into FMA), so
 * results do not depend on the clone. */
#if defined(__x86_64__) && defined(__GNUC__)
#define NZ_CPU_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NZ_CPU_SIMD_CLONES
#endif

/* ---- ops (args already dtype-checked) -------------------------------- */
nz_status nz_cpu_gemm(nz_cpu_dev *dev, nz_dtype dt, const nz_gemm_args *a);
nz_status nz_cpu_unary(nz_cpu_dev *dev, nz_dtype dt, const nz_unary_args *a);
nz_status nz_cpu_binary(nz_cpu_dev *dev, nz_dtype dt, const nz_binary_args *a);
nz_status nz_cpu_reduce(nz_cpu_dev *dev, nz_dtype dt, const nz_reduce_args *a);
nz_status nz_cpu_softmax_xent(nz_cpu_dev *dev, nz_dtype dt, const nz_softmax_xent_args *a);
nz_status nz_cpu_gather(nz_cpu_dev *dev, nz_dtype dt, const nz_gather_args *a);
nz_status nz_cpu_random(nz_cpu_dev *dev, nz_dtype dt, const nz_random_args *a);
nz_status nz_cpu_sgd(nz_cpu_dev *dev, nz_dtype dt, const nz_sgd_args *a);
nz_status nz_cpu_adam(nz_cpu_dev *dev, nz_dtype dt, const nz_adam_args *a);
nz_status nz_cpu_copy2d(nz_cpu_dev *dev, nz_dtype dt, const nz_copy2d_args *a);
nz_status nz_cpu_cast(nz_cpu_dev *dev, nz_dtype dt, const nz_cast_args *a);
nz_status nz_cpu_onehot(nz_cpu_dev *dev, nz_dtype dt, const nz_onehot_args *a);
nz_status nz_cpu_cholesky(nz_cpu_dev *dev, nz_dtype dt, const nz_cholesky_args *a);
nz_status nz_cpu_trsm(nz_cpu_dev *dev, nz_dtype dt, const nz_trsm_args *a);

/* GEMM on host pointers, for the linear-algebra ops.  `parallel` = 0 keeps
 * it on the calling thread.  Uses the shared scratch slot, so it must not be
 * called from inside a pool task. */
nz_status nz_cpu_gemm_host(nz_cpu_dev *dev, nz_dtype dt, int parallel,
                           int trans_a, int trans_b, int64_t m, int64_t n, int64_t k,
                           double alpha, const void *a, int64_t lda,
                           const void *b, int64_t ldb, double beta, void *c, int64_t ldc);

#endif
