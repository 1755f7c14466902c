/* The GEMM yardstick: OpenBLAS SGEMM on the host, loaded with dlopen when it
 * is installed, so that OpenBLAS stays a benchmark-only dependency: neither
 * libnazo nor the `nazo` command links it. */
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

#include "bench_internal.h"

/* The CBLAS enum values (cblas.h) of the calls made here. */
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                         const float *, int, float, float *, int);
typedef void (*set_threads_fn)(int);
typedef char *(*get_config_fn)(void);

static struct {
    int tried;
    sgemm_fn sgemm;
    set_threads_fn set_threads;
    get_config_fn get_config;
} blas;

static void blas_load(void)
{
    if (blas.tried) return;
    blas.tried = 1;
    void *h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!h) return;
    blas.sgemm = (sgemm_fn)dlsym(h, "cblas_sgemm");
    blas.set_threads = (set_threads_fn)dlsym(h, "openblas_set_num_threads");
    blas.get_config = (get_config_fn)dlsym(h, "openblas_get_config");
    if (!blas.sgemm || !blas.set_threads) blas.sgemm = NULL;
}

typedef struct blas_job {
    const nz_bench_case *c;
    float *a, *b, *out;
    int threads;
} blas_job;

static nz_status blas_call(void *arg)
{
    blas_job *j = arg;
    const nz_bench_case *c = j->c;
    /* Leading dimensions of the stored (row-major) matrices. */
    int lda = (int)(c->trans_a ? c->m : c->k);
    int ldb = (int)(c->trans_b ? c->k : c->n);
    blas.sgemm(ROW_MAJOR, c->trans_a ? TRANS : NO_TRANS, c->trans_b ? TRANS : NO_TRANS,
               (int)c->m, (int)c->n, (int)c->k, 1.0f, j->a, lda, j->b, ldb, 0.0f, j->out,
               (int)c->n);
    return NZ_OK;
}

int nz_bench_blas_available(void)
{
    blas_load();
    return blas.sgemm != NULL;
}

const char *nz_bench_blas_config(void)
{
    if (!nz_bench_blas_available())
        return "none (libopenblas.so.0 not found: install libopenblas0 for the reference column)";
    return blas.get_config ? blas.get_config() : "OpenBLAS";
}

/* The thread count is OpenBLAS-global and the sides of several thread
 * counts run in turn: set it before every batch, off the clock. */
static void blas_threads(void *arg)
{
    blas.set_threads(((blas_job *)arg)->threads);
}

static void blas_free(void *arg)
{
    blas_job *j = arg;
    if (!j)
        return;
    free(j->a);
    free(j->b);
    free(j->out);
    free(j);
}

/* OpenBLAS workers spin about 2^28 cycles (~0.1 s) after a call before they
 * sleep; a spinning worker would take a core from the nazo run that comes
 * next, so wait them out, off the clock. */
static void blas_quiesce(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

nz_status nz_bench_blas_gemm(const nz_bench_case *c, int threads, nz_bench_side *sd)
{
    if (!nz_bench_blas_available())
        return nz_error(NZ_ERR_UNSUPPORTED, "bench: %s", nz_bench_blas_config());
    blas_job *j = calloc(1, sizeof *j);
    if (j) {
        *j = (blas_job){c, nz_bench_floats((size_t)(c->m * c->k)),
                        nz_bench_floats((size_t)(c->k * c->n)),
                        nz_bench_floats((size_t)(c->m * c->n)), threads};
    }
    if (!j || !j->a || !j->b || !j->out) {
        blas_free(j);
        return nz_error(NZ_ERR_NOMEM, "bench: out of memory for the OpenBLAS operands");
    }
    /* The same values nazo multiplies (bench_nazo_gemm.c). */
    nz_bench_fill(j->a, (size_t)(c->m * c->k), 1);
    nz_bench_fill(j->b, (size_t)(c->k * c->n), 2);
    *sd = (nz_bench_side){blas_call, NULL, blas_threads, threads > 1 ? blas_quiesce : NULL,
                          blas_free, j, nz_bench_case_work(c), 0, 0.0};
    return NZ_OK;
}
