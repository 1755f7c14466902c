/* Shared by the benchmark's source files; not a public header. */
#ifndef NAZO_BENCH_INTERNAL_H
#define NAZO_BENCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "nazo/backend.h"
#include "nazo/core.h"
#include "nazo/status.h"

#define NZ_BENCH_MAX_THREAD_COUNTS 8

/* ---- options ---- */
typedef struct nz_bench_opts {
    const char *device; /* user's device name; NULL = the default device */
    const char *out;    /* --out FILE or NULL */
    int out_json;       /* 1: JSON, 0: CSV (by the extension of `out`) */
    int quick;
    int threads[NZ_BENCH_MAX_THREAD_COUNTS];
    int nthreads;
} nz_bench_opts;

/* 0: parsed; 2: bad input (one line printed); -1: --help printed. */
int nz_bench_parse(int argc, char **argv, nz_bench_opts *o);
void nz_bench_usage(void);

/* ---- what is measured ---- */
typedef enum nz_bench_what {
    NZ_BENCH_GEMM = 0,
    NZ_BENCH_ADD,
    NZ_BENCH_UNARY,
    NZ_BENCH_SGD
} nz_bench_what;

/* What a row is compared with. */
typedef enum nz_bench_ref {
    NZ_BENCH_REF_DEFAULT = 0, /* OpenBLAS SGEMM for GEMM, the triad for element-wise */
    NZ_BENCH_REF_FMA          /* a register-only FMA loop: the machine's compute peak */
} nz_bench_ref;

typedef struct nz_bench_case {
    nz_bench_what what;
    const char *kind;     /* "gemm", "gemm-mlp", "add", "relu", "sigmoid", "tanh", "sgd" */
    int64_t m, k, n;      /* GEMM: op(A) m x k, op(B) k x n; element-wise: m x n */
    int trans_a, trans_b;
    int quick;            /* part of the --quick subset */
    nz_unary_fn un;       /* NZ_BENCH_UNARY: the map */
    nz_bench_ref ref;
} nz_bench_case;

/* Table entries: a GEMM next to OpenBLAS; an element-wise op on m x n. */
#define NZ_BENCH_GEMM_CASE(kind, m, k, n, ta, tb, quick) \
    {NZ_BENCH_GEMM, kind, m, k, n, ta, tb, quick, NZ_UN_IDENTITY, NZ_BENCH_REF_DEFAULT}
#define NZ_BENCH_ELT_CASE(what, kind, m, n, quick, un) \
    {what, kind, m, 0, n, 0, 0, quick, un, NZ_BENCH_REF_DEFAULT}

const nz_bench_case *nz_bench_cases(size_t *count);
/* "1024x1024x1024", "784x128x1024 tA", "4096x4096". */
void nz_bench_case_shape(const nz_bench_case *c, char *buf, size_t len);
/* Work of one call: FLOPs for GEMM, bytes moved for element-wise ops. */
double nz_bench_case_work(const nz_bench_case *c);
const char *nz_bench_case_unit(const nz_bench_case *c); /* "GFLOP/s" or "GB/s" */

/* ---- timing ---- */
typedef nz_status (*nz_bench_fn)(void *arg);

typedef struct nz_bench_timing {
    double min_seconds; /* each timed run lasts at least this long */
    int runs;           /* the best of this many runs is reported */
} nz_bench_timing;

/* One side of a row (nazo, or its reference), set up by a provider below. */
typedef struct nz_bench_side {
    nz_bench_fn call;            /* one repetition */
    nz_bench_fn sync;            /* waits for queued work; may be NULL */
    void (*before)(void *arg);   /* before each timed batch, off the clock; may be NULL */
    void (*after)(void *arg);    /* after each timed batch, off the clock; may be NULL */
    void (*cleanup)(void *arg);  /* frees arg */
    void *arg;
    double work;                 /* FLOPs or bytes per call */
    long reps;                   /* calls per run, from calibration */
    double best;                 /* seconds per call in the fastest run */
} nz_bench_side;

/* Warm up, then choose reps so that one run lasts min_seconds. */
nz_status nz_bench_calibrate(nz_bench_side *sd, const nz_bench_timing *t);
/* One timed run of reps calls, then sync, before the clock stops. */
nz_status nz_bench_run(nz_bench_side *sd);
/* Calibrate each side, then t->runs rounds of one run of every side in turn. */
nz_status nz_bench_compare(nz_bench_side *const *sides, size_t n, const nz_bench_timing *t);
/* work / best, in G units per second; NAN when not measured. */
double nz_bench_rate(const nz_bench_side *sd);
void nz_bench_side_free(nz_bench_side *sd);

/* ---- small helpers ---- */
double nz_bench_now(void);
/* 64-byte aligned floats (NULL with a message when out of memory); free(). */
float *nz_bench_floats(size_t count);
/* Deterministic values in [-1, 1): both sides of a comparison see the same data. */
void nz_bench_fill(float *x, size_t count, uint64_t seed);
/* "AMD EPYC ..." from /proc/cpuinfo, or "unknown CPU". */
void nz_bench_cpu_model(char *buf, size_t len);
/* The 1-minute load average from /proc/loadavg, or -1. */
double nz_bench_loadavg(void);
/* fn(part i) on `threads` threads, part 0 on the caller; parts is an array
 * of part_size-byte elements.  `what` names the loop in the error. */
nz_status nz_bench_threads(int threads, void *(*fn)(void *), void *parts, size_t part_size,
                           const char *what);

/* ---- the providers: each fills a side, or fails with a message ---- */
nz_status nz_bench_nazo_gemm(nz_device *dev, const nz_bench_case *c, nz_bench_side *sd);
nz_status nz_bench_nazo_eltwise(nz_device *dev, const nz_bench_case *c, nz_bench_side *sd);
/* a[i] = b[i] + s*c[i] over `count` floats on `threads` pthreads; work in bytes. */
nz_status nz_bench_triad(int64_t count, int threads, nz_bench_side *sd);
/* Independent FMAs on registers on `threads` pthreads (AVX-512, AVX2+FMA or
 * scalar, as the CPU has); work in FLOPs. */
nz_status nz_bench_fma_peak(int threads, nz_bench_side *sd);

/* OpenBLAS SGEMM on the host; NZ_ERR_UNSUPPORTED when built without it. */
int nz_bench_blas_available(void);
const char *nz_bench_blas_config(void); /* "OpenBLAS 0.3.21 ... Haswell ..." or "none ..." */
nz_status nz_bench_blas_gemm(const nz_bench_case *c, int threads, nz_bench_side *sd);

/* ---- environment, for settings a backend reads when a device opens ---- */
typedef struct nz_bench_env {
    const char *name;
    char *saved; /* the previous value, or NULL when it was unset */
} nz_bench_env;

/* Set name=value (value NULL: unset), remembering the previous value. */
void nz_bench_env_set(nz_bench_env *e, const char *name, const char *value);
/* Put the previous value back (or unset it). */
void nz_bench_env_restore(nz_bench_env *e);

/* ---- results ---- */
typedef struct nz_bench_row {
    const nz_bench_case *c;
    int threads;
    double nazo;  /* NAN until measured */
    double ref;   /* NAN when there is no reference */
} nz_bench_row;

/* A row of the OpenCL additions (bench_ocl_*.c): one measured quantity in
 * its own unit, next to a reference where there is one.  ratio = nazo / ref
 * as for the other rows, so for times ("us/op", "s") above 1 means slower. */
typedef struct nz_bench_xrow {
    const char *kind;     /* "gemm-own", "gemm-clblast", "launch", "upload", "download", "start" */
    char shape[32];       /* "1024x1024x1024", "1 element", "64 MiB", "cold", "warm" */
    int threads;          /* of the reference; 0 when it has none */
    const char *unit;     /* "GFLOP/s", "us/op", "GB/s", "s" */
    double nazo, ref;     /* NAN when not measured / no reference */
    const char *ref_name; /* "openblas", "cpu:0", "memcpy", "-" */
} nz_bench_xrow;

#define NZ_BENCH_MAX_XROWS 16

typedef struct nz_bench_xrows {
    nz_bench_xrow r[NZ_BENCH_MAX_XROWS];
    size_t n;
} nz_bench_xrows;

/* Appends a row (NAN values) and returns it, or NULL when full. */
nz_bench_xrow *nz_bench_xrow_add(nz_bench_xrows *x, const char *kind, const char *shape,
                                 const char *unit, const char *ref_name, int threads);

typedef struct nz_bench_report {
    const char *device_id, *device_name, *device_detail;
    const char *blas_config;
    char cpu_model[128];
    int online_cpus;
    double loadavg;     /* when the run started */
    const nz_bench_timing *timing;
    const nz_bench_row *rows;
    size_t nrows;
    const nz_bench_xrows *xrows; /* OpenCL additions; NULL on other devices */
} nz_bench_report;

/* ---- OpenCL additions (`--device opencl`), each a fresh context per
 * setting because the backend reads its environment when a device opens ---- */
/* Own GEMM kernel and CLBlast (NAZO_OPENCL_GEMM) at n = 256, 512, 1024,
 * next to OpenBLAS on `threads` threads. */
nz_status nz_bench_ocl_gemm(const char *device_id, int threads, const nz_bench_timing *t,
                            nz_bench_xrows *x);
/* Microseconds per tiny op queued back to back, on the device and on cpu:0. */
nz_status nz_bench_ocl_launch(nz_context *ctx, const char *device_id, const nz_bench_timing *t,
                              nz_bench_xrows *x);
/* Upload and download of 64 MiB, GB/s, next to a host memcpy. */
nz_status nz_bench_ocl_transfer(const char *device_id, const nz_bench_timing *t,
                                nz_bench_xrows *x);
/* Seconds from nz_context_create to the first completed op, with
 * NAZO_CACHE_DIR a fresh empty directory (cold) and then the same (warm). */
nz_status nz_bench_ocl_start(const char *device_id, const nz_bench_timing *t, nz_bench_xrows *x);

const char *nz_bench_ref_name(const nz_bench_case *c); /* "openblas" or "triad" */
double nz_bench_ratio(const nz_bench_row *r);          /* NAN when not comparable */
void nz_bench_print_table(const nz_bench_report *rep);
/* Which rows meet the performance targets (docs/PERFORMANCE.md). */
void nz_bench_print_targets(const nz_bench_report *rep);
/* Before any work: the directory of `path` exists and is writable. */
nz_status nz_bench_check_out(const char *path);
/* CSV or JSON, written to a temporary file and renamed into place. */
nz_status nz_bench_write(const nz_bench_report *rep, const char *path, int json);

#endif
