/* GEMM: nazo's own kernel (kernels/gemm.cl) or CLBlast, chosen per dtype and
 * shape class.
 *
 * NAZO_OPENCL_GEMM=own|clblast forces one.  Otherwise, the first GEMM of a
 * shape class on a device times both on a representative square problem and
 * keeps the faster; the choice is stored in the disk cache (keyed like the
 * programs, by device and driver), so later starts measure nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ocl_internal.h"

#define NARGS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NZ_GEMM_TM NZ_OCL_GEMM_TM
#define NZ_GEMM_TN (8 * NZ_OCL_GEMM_VN)

static const int nz_class_size[NZ_OCL_GEMM_CLASSES] = {64, 256, 1024};

static int nz_shape_class(const nz_gemm_args *g)
{
    double work = (double)g->m * (double)g->n * (double)g->k * (double)g->batch;
    if (work < 128.0 * 128 * 128)
        return 0;
    if (work < 512.0 * 512 * 512)
        return 1;
    return 2;
}

void nz_ocl_gemm_init(nz_ocl_dev *d)
{
    const char *e = getenv("NAZO_OPENCL_GEMM");
    d->gemm_forced = NZ_OCL_GEMM_AUTO;
    if (e && strcmp(e, "own") == 0)
        d->gemm_forced = NZ_OCL_GEMM_OWN;
    else if (e && strcmp(e, "clblast") == 0)
        d->gemm_forced = NZ_OCL_GEMM_CLBLAST;
    else if (e && *e && strcmp(e, "auto") != 0)
        nz_debug("opencl", "NAZO_OPENCL_GEMM='%s' is not own, clblast or auto: ignored", e);
}

/* Work-group shape.  On CPU devices one work-item per group: the kernel is
 * already explicitly vectorised and its register tile is sized for one
 * core, so letting the implementation vectorise across work-items (PoCL
 * does) only spills it.  On GPUs a small 2-D block of tiles within the
 * kernel's limit, rows first. */
static void nz_gemm_local(const nz_ocl_dev *d, const nz_ocl_kernel *k, const size_t *work,
                          size_t *local)
{
    if (d->desc->info.type == NZ_DEVICE_CPU)
        return;
    size_t budget = k->max_wg < 64 ? k->max_wg : 64;
    while (local[0] * 2 <= budget && local[0] < 16 && local[0] < work[0])
        local[0] *= 2;
    while (local[0] * local[1] * 2 <= budget && local[1] < work[1])
        local[1] *= 2;
}

nz_status nz_ocl_gemm_own(nz_ocl_dev *d, nz_dtype dt, const nz_gemm_args *g)
{
    nz_status s;
    nz_ocl_kernel *k;
    if (g->m == 0 || g->n == 0 || g->batch == 0)
        return NZ_OK;
    int64_t npan = (g->n + NZ_GEMM_TN - 1) / NZ_GEMM_TN;
    int64_t sb = npan * NZ_GEMM_TN * g->k; /* packed batch stride */
    cl_mem packed;
    if ((s = nz_ocl_scratch(d, 0, (size_t)(sb * g->batch) * (dt == NZ_F64 ? 8 : 4), &packed)) !=
            NZ_OK ||
        (s = nz_ocl_kernel_get(d, dt, "nz_gemm_pack_b", &k)) != NZ_OK)
        return s;
    if (g->k > 0) {
        nz_karg pa[] = {nz_ka_long(g->k), nz_ka_long(g->n), nz_ka_int(g->trans_b),
                        nz_ka_mem(g->b.buf), nz_ka_long((int64_t)g->b.off), nz_ka_long(g->ldb),
                        nz_ka_long(g->stride_b), nz_ka_mem(packed)};
        size_t work[3] = {(size_t)(npan * NZ_GEMM_TN), (size_t)g->k, (size_t)g->batch};
        size_t local[3] = {1, 1, 1};
        /* Along a row of B, one batch per group. */
        while (local[0] * 2 <= k->max_wg && local[0] < 64)
            local[0] *= 2;
        if ((s = nz_ocl_launch(d, k, 3, work, local, pa, NARGS(pa))) != NZ_OK)
            return s;
    }
    if ((s = nz_ocl_kernel_get(d, dt, g->trans_a ? "nz_gemm_t" : "nz_gemm_n", &k)) != NZ_OK)
        return s;
    nz_karg a[] = {nz_ka_long(g->m), nz_ka_long(g->n), nz_ka_long(g->k),
                   nz_ka_mem(g->a.buf), nz_ka_long((int64_t)g->a.off), nz_ka_long(g->lda),
                   nz_ka_long(g->stride_a), nz_ka_mem(packed), nz_ka_long(sb), nz_ka_mem(g->c.buf), nz_ka_long((int64_t)g->c.off),
                   nz_ka_long(g->ldc), nz_ka_long(g->stride_c), nz_ka_real(dt, g->alpha),
                   nz_ka_real(dt, g->beta), nz_ka_int(g->beta == 0.0)};
    size_t work[3] = {(size_t)((g->m + NZ_GEMM_TM - 1) / NZ_GEMM_TM),
                      (size_t)((g->n + NZ_GEMM_TN - 1) / NZ_GEMM_TN), (size_t)g->batch};
    size_t local[3] = {1, 1, 1};
    nz_gemm_local(d, k, work, local);
    return nz_ocl_launch(d, k, 3, work, local, a, NARGS(a));
}

static double nz_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds per call of one implementation on an n x n x n problem (best of
 * two after a warm-up that also compiles), or a negative value on failure. */
static double nz_time_impl(nz_ocl_dev *d, nz_dtype dt, nz_ocl_gemm_impl impl, nz_gemm_args *g)
{
    double best = -1;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = nz_now();
        nz_status s = impl == NZ_OCL_GEMM_OWN ? nz_ocl_gemm_own(d, dt, g)
                                              : nz_ocl_gemm_clblast(d, dt, g);
        if (s != NZ_OK || clFinish(d->queue) != CL_SUCCESS)
            return -1;
        double t = nz_now() - t0;
        if (rep > 0 && (best < 0 || t < best))
            best = t;
    }
    return best;
}

static void nz_choice_key(nz_ocl_dev *d, nz_dtype dt, int cls, char *key, size_t size)
{
    const nz_ocl_devdesc *dd = d->desc;
    snprintf(key, size,
             "nazo-opencl-gemm-choice 1 tile %dx%d\ndtype %s\nclass %d\nplatform %s\ndevice %s\n"
             "device-version %s\ndriver %s\n",
             NZ_GEMM_TM, NZ_GEMM_TN, nz_dtype_name(dt), cls, dd->platform_name, dd->info.name,
             dd->device_version, dd->driver);
}

static nz_ocl_gemm_impl nz_measure(nz_ocl_dev *d, nz_dtype dt, int cls)
{
    char key[1024], text[32];
    nz_choice_key(d, dt, cls, key, sizeof key);
    if (nz_ocl_cache_load_text(key, text, sizeof text) == 0) {
        if (strcmp(text, "own") == 0)
            return NZ_OCL_GEMM_OWN;
        if (strcmp(text, "clblast") == 0)
            return NZ_OCL_GEMM_CLBLAST;
    }
    int n = nz_class_size[cls];
    size_t bytes = (size_t)n * (size_t)n * (dt == NZ_F64 ? 8 : 4);
    void *a = NULL, *b = NULL, *c = NULL;
    nz_ocl_gemm_impl pick = NZ_OCL_GEMM_OWN;
    if (nz_ocl_alloc(d, bytes, &a) == NZ_OK && nz_ocl_alloc(d, bytes, &b) == NZ_OK &&
        nz_ocl_alloc(d, bytes, &c) == NZ_OK) {
        unsigned char zero = 0;
        clEnqueueFillBuffer(d->queue, a, &zero, 1, 0, bytes, 0, NULL, NULL);
        clEnqueueFillBuffer(d->queue, b, &zero, 1, 0, bytes, 0, NULL, NULL);
        nz_gemm_args g;
        memset(&g, 0, sizeof g);
        g.m = g.n = g.k = g.lda = g.ldb = g.ldc = n;
        g.alpha = 1.0;
        g.beta = 0.0;
        g.a.buf = a;
        g.b.buf = b;
        g.c.buf = c;
        g.batch = 1;
        double t_own = nz_time_impl(d, dt, NZ_OCL_GEMM_OWN, &g);
        double t_blast = nz_time_impl(d, dt, NZ_OCL_GEMM_CLBLAST, &g);
        if (t_blast > 0 && (t_own < 0 || t_blast < t_own))
            pick = NZ_OCL_GEMM_CLBLAST;
        nz_debug("opencl", "gemm %s class %d (n=%d): own %.3g s, clblast %.3g s: %s",
                 nz_dtype_name(dt), cls, n, t_own, t_blast,
                 pick == NZ_OCL_GEMM_OWN ? "own" : "clblast");
        if (t_own > 0 || t_blast > 0)
            nz_ocl_cache_store_text(key, pick == NZ_OCL_GEMM_OWN ? "own" : "clblast");
    }
    nz_ocl_free(d, a);
    nz_ocl_free(d, b);
    nz_ocl_free(d, c);
    nz_error_clear();
    return pick;
}

nz_status nz_ocl_run_gemm(nz_ocl_dev *d, const nz_op_args *args)
{
    const nz_gemm_args *g = &args->u.gemm;
    nz_dtype dt = args->dtype;
    nz_ocl_gemm_impl impl = d->gemm_forced;
    if (impl == NZ_OCL_GEMM_AUTO) {
        if (!nz_ocl_have_clblast()) {
            impl = NZ_OCL_GEMM_OWN;
        } else {
            int cls = nz_shape_class(g);
            nz_ocl_gemm_impl *ch = &d->gemm_choice[dt == NZ_F64][cls];
            if (*ch == NZ_OCL_GEMM_AUTO)
                *ch = nz_measure(d, dt, cls);
            impl = *ch;
        }
    }
    if (impl == NZ_OCL_GEMM_CLBLAST)
        return nz_ocl_gemm_clblast(d, dt, g);
    return nz_ocl_gemm_own(d, dt, g);
}
