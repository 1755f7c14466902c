/* The GEMM yardstick: OpenBLAS SGEMM on the host, when the build found it. */
#include <stdlib.h>
#include <time.h>

#include "bench_internal.h"

#ifdef NZ_BENCH_HAVE_OPENBLAS
#include <cblas.h>

typedef struct blas_job {
    const nz_bench_case *c;
    float *a, *b, *out;
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

nz_status nz_bench_blas_gemm(const nz_bench_case *c, int threads, const nz_bench_timing *t,
                             double *rate)
{
    openblas_set_num_threads(threads);
    blas_job j = {c, nz_bench_floats((size_t)(c->m * c->k)),
                  nz_bench_floats((size_t)(c->k * c->n)), nz_bench_floats((size_t)(c->m * c->n))};
    nz_status s = NZ_ERR_NOMEM;
    if (j.a && j.b && j.out) {
        /* The same values nazo multiplies (bench_nazo_gemm.c). */
        nz_bench_fill(j.a, (size_t)(c->m * c->k), 1);
        nz_bench_fill(j.b, (size_t)(c->k * c->n), 2);
        double sec = 0.0;
        s = nz_bench_time(blas_call, NULL, &j, t, &sec);
        if (s == NZ_OK)
            *rate = nz_bench_case_work(c) / sec * 1e-9;
    }
    free(j.a);
    free(j.b);
    free(j.out);
    return s;
}

void nz_bench_blas_quiesce(void)
{
    /* OpenBLAS workers spin about 2^28 cycles (~0.1 s) before sleeping. */
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
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

nz_status nz_bench_blas_gemm(const nz_bench_case *c, int threads, const nz_bench_timing *t,
                             double *rate)
{
    (void)c;
    (void)threads;
    (void)t;
    (void)rate;
    return nz_error(NZ_ERR_UNSUPPORTED, "bench: built without OpenBLAS");
}

void nz_bench_blas_quiesce(void)
{
}

#endif
