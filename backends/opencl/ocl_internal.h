/* Internal declarations of the OpenCL backend plugin. */
#ifndef NAZO_OCL_INTERNAL_H
#define NAZO_OCL_INTERNAL_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <pthread.h>

#include "nazo/backend.h"

/* ---- errors (ocl_errors.c) ---- */
const char *nz_ocl_err_name(cl_int err);
/* Record a failed CL call: "OpenCL <call> failed in <where>: CL_... (<hint>)". */
nz_status nz_ocl_fail(cl_int err, const char *call, const char *where);
#define NZ_CL_TRY(call_expr, where)                                          \
    do {                                                                     \
        cl_int nz_cl_e_ = (call_expr);                                       \
        if (nz_cl_e_ != CL_SUCCESS)                                          \
            return nz_ocl_fail(nz_cl_e_, #call_expr, where);                 \
    } while (0)

/* ---- platforms and devices (ocl_platform.c) ---- */
typedef struct nz_ocl_devdesc {
    cl_platform_id platform;
    cl_device_id device;
    nz_device_info info;
    char platform_name[128];
    char driver[128];        /* CL_DRIVER_VERSION */
    char device_version[128];
    char c_version[64];      /* CL_DEVICE_OPENCL_C_VERSION */
    cl_ulong local_mem;
    size_t max_wg;
    int correct_div_sqrt;    /* CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT */
    int hw_fma;              /* CL_FP_FMA and not CL_FP_SOFT_FLOAT (single) */
} nz_ocl_devdesc;

nz_status nz_ocl_enumerate(void);
int nz_ocl_device_count(void);
const nz_ocl_devdesc *nz_ocl_device_desc(int index);

/* ---- programs and kernels (ocl_program.c) ---- */
/* The own GEMM's register tile per work-item: TM rows by 8*VN columns.
 * Passed to the program as -DNZ_GEMM_TM/-DNZ_GEMM_VN (kernels/gemm.cl).
 * 4 x 32 keeps 16 real8 accumulators: what AVX2/AVX-512 cores hold in
 * registers, and a modest tile on GPUs. */
#define NZ_OCL_GEMM_TM 4
#define NZ_OCL_GEMM_VN 4
#define NZ_OCL_MAX_KERNELS 48
typedef struct nz_ocl_kernel {
    char name[48];
    cl_kernel k;
    size_t max_wg;           /* CL_KERNEL_WORK_GROUP_SIZE */
    size_t pref_multiple;    /* CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE */
} nz_ocl_kernel;

typedef struct nz_ocl_program {
    cl_program prog;         /* NULL until first use */
    nz_ocl_kernel kernels[NZ_OCL_MAX_KERNELS];
    int nkernels;
} nz_ocl_program;

typedef enum { NZ_OCL_GEMM_AUTO = 0, NZ_OCL_GEMM_OWN, NZ_OCL_GEMM_CLBLAST } nz_ocl_gemm_impl;
#define NZ_OCL_GEMM_CLASSES 3

typedef struct nz_ocl_dev {
    const nz_ocl_devdesc *desc;
    cl_context ctx;
    cl_command_queue queue;
    nz_ocl_program progs[2]; /* [0] f32, [1] f64 */
    pthread_mutex_t lock;    /* kernels carry their arguments: one op at a time */
    cl_mem scratch;          /* GEMM's packed B, reductions' partials */
    size_t scratch_bytes;
    cl_mem scratch2;
    size_t scratch2_bytes;
    nz_ocl_gemm_impl gemm_forced;                 /* NAZO_OPENCL_GEMM */
    nz_ocl_gemm_impl gemm_choice[2][NZ_OCL_GEMM_CLASSES]; /* per dtype, shape class */
} nz_ocl_dev;

/* The kernel `name` of the dtype's program, building the program on first use. */
nz_status nz_ocl_kernel_get(nz_ocl_dev *d, nz_dtype dt, const char *name, nz_ocl_kernel **out);
void nz_ocl_programs_release(nz_ocl_dev *d);

/* Kernel arguments by value, so call sites read as one list. */
typedef struct nz_karg {
    int local;               /* 1: __local array of `size` bytes */
    size_t size;
    union { cl_float f; cl_double d; cl_long l; cl_ulong ul; cl_int i; cl_mem m; } v;
} nz_karg;

static inline nz_karg nz_ka_mem(void *b) { nz_karg a = {0, sizeof(cl_mem), {.m = (cl_mem)b}}; return a; }
static inline nz_karg nz_ka_long(int64_t x) { nz_karg a = {0, sizeof(cl_long), {.l = (cl_long)x}}; return a; }
static inline nz_karg nz_ka_ulong(uint64_t x) { nz_karg a = {0, sizeof(cl_ulong), {.ul = (cl_ulong)x}}; return a; }
static inline nz_karg nz_ka_int(int x) { nz_karg a = {0, sizeof(cl_int), {.i = (cl_int)x}}; return a; }
static inline nz_karg nz_ka_local(size_t bytes) { nz_karg a = {1, bytes, {.l = 0}}; return a; }
static inline nz_karg nz_ka_real(nz_dtype dt, double x)
{
    nz_karg a = {0, 0, {.l = 0}};
    if (dt == NZ_F64) {
        a.size = sizeof(cl_double);
        a.v.d = x;
    } else {
        a.size = sizeof(cl_float);
        a.v.f = (cl_float)x;
    }
    return a;
}

/* Set the arguments and enqueue over `dims` dimensions of `work` items.
 * `local` NULL: the work-group shape comes from the kernel's limits; the
 * global size is padded up to a multiple of it (kernels guard). */
nz_status nz_ocl_launch(nz_ocl_dev *d, nz_ocl_kernel *k, int dims, const size_t *work,
                        const size_t *local, const nz_karg *args, int nargs);
/* Largest power of two <= limit that the kernel, the device and local
 * memory (bytes_per_item each) allow. */
size_t nz_ocl_pow2_wg(const nz_ocl_dev *d, const nz_ocl_kernel *k, size_t limit,
                      size_t bytes_per_item);

/* A device buffer of at least `bytes` reused across ops (which == 0 or 1). */
nz_status nz_ocl_scratch(nz_ocl_dev *d, int which, size_t bytes, cl_mem *out);

/* ---- the program cache on disk (ocl_cache.c) ---- */
/* Directory for cache files: NAZO_CACHE_DIR, $XDG_CACHE_HOME/nazo, ~/.cache/nazo. */
int nz_ocl_cache_dir(char *buf, size_t size);
uint64_t nz_ocl_hash(const void *data, size_t len, uint64_t h);
#define NZ_OCL_HASH_SEED 0xcbf29ce484222325ull
/* Look up a binary for `key`; returns a malloc'd buffer or NULL (absent,
 * corrupt or stale entries count as absent). */
unsigned char *nz_ocl_cache_load(const char *key, size_t *len);
/* Store atomically; failures only produce a debug line. */
void nz_ocl_cache_store(const char *key, const unsigned char *bin, size_t len);
/* Small text records (the GEMM choice): name plus key hash. */
int nz_ocl_cache_load_text(const char *key, char *buf, size_t size);
void nz_ocl_cache_store_text(const char *key, const char *text);

/* ---- the backend table's device and memory functions (ocl_device.c) ---- */
nz_status nz_ocl_open(int index, void **dev);
void nz_ocl_close(void *dev);
nz_status nz_ocl_finish(void *dev);
nz_status nz_ocl_alloc(void *dev, size_t bytes, void **buf);
void nz_ocl_free(void *dev, void *buf);
nz_status nz_ocl_write(void *dev, void *buf, size_t offset, const void *src, size_t bytes);
nz_status nz_ocl_read(void *dev, void *buf, size_t offset, void *dst, size_t bytes);
nz_status nz_ocl_copy(void *dev, void *dst, size_t dst_offset, void *src, size_t src_offset,
                      size_t bytes);
nz_status nz_ocl_fill(void *dev, void *buf, size_t offset, size_t bytes, const void *pattern,
                      size_t pattern_size);

/* ---- ops ---- */
nz_status nz_ocl_run_elementwise(nz_ocl_dev *d, const nz_op_args *a);
nz_status nz_ocl_run_reduce(nz_ocl_dev *d, const nz_op_args *a);
nz_status nz_ocl_run_softmax_xent(nz_ocl_dev *d, const nz_op_args *a);
nz_status nz_ocl_run_linalg(nz_ocl_dev *d, const nz_op_args *a);
nz_status nz_ocl_run_gemm(nz_ocl_dev *d, const nz_op_args *a);
/* Own kernel / CLBlast, without the choice between them. */
nz_status nz_ocl_gemm_own(nz_ocl_dev *d, nz_dtype dt, const nz_gemm_args *g);
int nz_ocl_have_clblast(void);
nz_status nz_ocl_gemm_clblast(nz_ocl_dev *d, nz_dtype dt, const nz_gemm_args *g);
void nz_ocl_gemm_init(nz_ocl_dev *d);

#endif
