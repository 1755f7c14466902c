/* The GEMM yardstick: OpenBLAS SGEMM on the host, when the build found it. */
#include <stdlib.h>
#include <time.h>

#include "bench_internal.h"

#ifdef NZ_BENCH_HAVE_OPENBLAS
#include <cblas.h>

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
    cblas_sgemm(CblasRowMajor, c->trans_a ? CblasTrans : CblasNoTrans,
                c->trans_b ? CblasTrans : CblasNoTrans, (int)c->m, (int)c->n, (int)c->k,
                1.0f, j->a, lda, j->b, ldb, 0.0f, j->out, (int)c->n);
    return NZ_OK;
}

int nz_bench_blas_available(void)
{
    return 1;
}

const char *nz_bench_blas_config(void)
{
    return openblas_get_config();
}

/* The thread count is OpenBLAS-global and the sides of several thread
 * counts run in turn: set it before every batch, off the clock. */
static void blas_threads(void *arg)
{
    openblas_set_num_threads(((blas_job *)arg)->threads);
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

#else

int nz_bench_blas_available(void)
{
    return 0;
}

const char *nz_bench_blas_config(void)
{
    return "none (built without OpenBLAS: install libopenblas-dev and reconfigure)";
}

nz_status nz_bench_blas_gemm(const nz_bench_case *c, int threads, nz_bench_side *sd)
{
    (void)c;
    (void)threads;
    (void)sd;
    return nz_error(NZ_ERR_UNSUPPORTED, "bench: built without OpenBLAS");
}

#endif
