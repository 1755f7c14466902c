/* A small persistent worker pool with a parallel-for over task indices.
 *
 * A loop hands out task indices through an atomic counter, so which thread
 * runs which task varies, and every user makes its result independent of that
 * (each task owns its outputs; reductions combine fixed chunks in order).
 *
 * Between loops a worker first spins for SPIN_NS, then sleeps on a condition
 * variable.  A GEMM is several loops back to back (pack, then macro tiles),
 * and waking a sleeping thread costs tens of microseconds on a VM, where the
 * idle vCPU has halted: spinning through the short gaps keeps both threads
 * busy.  The caller spins the same way for the workers to finish.
 *
 * Only while every runnable thread of the machine has a core of its own:
 * on a shared core a spinning thread burns the time the thread it waits for
 * needs, and loses the scheduler's credit for sleeping, so that it is woken
 * late next time (measured with one core busy: 256^3 on 2 threads went from
 * 152 to 39 GFLOP/s with spinning). */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "cpu.h"

struct nz_cpu_pool {
    int threads;               /* including the caller */
    pthread_t *tids;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    atomic_uint_fast64_t generation; /* bumped for every loop (under mu) */
    int stop;
    atomic_uint_fast64_t busy; /* workers still inside the current loop */
    nz_cpu_task_fn fn;
    void *ctx;
    int64_t ntasks;
    atomic_int_fast64_t next;
};

typedef struct nz_cpu_worker_arg {
    nz_cpu_pool *pool;
    int index;
} nz_cpu_worker_arg;

static void run_tasks(nz_cpu_pool *p, nz_cpu_task_fn fn, void *ctx, int64_t ntasks, int w)
{
    for (;;) {
        int64_t t = atomic_fetch_add(&p->next, 1);
        if (t >= ntasks)
            break;
        fn(ctx, t, w);
    }
}

/* How long a thread spins for the next loop (or for the workers) before
 * sleeping: about the gap between the loops of one op, far below a time
 * slice. */
#define SPIN_NS 200000

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Runnable threads on the machine (the 4th field of /proc/loadavg, "R/T"),
 * or -1 where that cannot be read. */
static int runnable_threads(void)
{
    int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char buf[128];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    int running;
    if (n <= 0)
        return -1;
    buf[n] = 0;
    return sscanf(buf, "%*f %*f %*f %d/", &running) == 1 ? running : -1;
}

/* Whether spinning pays now: no more runnable threads than online CPUs.
 * Read at most every CHECK_NS (a few syscalls), shared by all pools. */
#define CHECK_NS 20000000
static int spin_allowed(void)
{
    static atomic_int_fast64_t checked_at = -CHECK_NS;
    static atomic_int allowed = 1;
    int64_t now = mono_ns();
    if (now - atomic_load_explicit(&checked_at, memory_order_relaxed) >= CHECK_NS) {
        atomic_store_explicit(&checked_at, now, memory_order_relaxed);
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        int run = runnable_threads();
        atomic_store_explicit(&allowed, run < 0 || cpus < 1 || run <= cpus, memory_order_relaxed);
    }
    return atomic_load_explicit(&allowed, memory_order_relaxed);
}

/* Spin until (*v == value) == equal (returns 1), or until SPIN_NS passed or
 * when spinning does not pay (returns 0). */
static int spin_until(atomic_uint_fast64_t *v, uint64_t value, int equal)
{
    if (!spin_allowed())
        return 0;
    int64_t t0 = mono_ns();
    for (unsigned i = 1;; i++) {
        if ((atomic_load_explicit(v, memory_order_acquire) == value) == equal)
            return 1;
        cpu_relax();
        if ((i & 255) == 0 && mono_ns() - t0 > SPIN_NS)
            return 0;
    }
}

static void *worker_main(void *arg)
{
    nz_cpu_worker_arg *wa = arg;
    nz_cpu_pool *p = wa->pool;
    int w = wa->index;
    free(wa);
    uint64_t seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (p->generation == seen && !p->stop) {
            pthread_mutex_unlock(&p->mu);
            spin_until(&p->generation, seen, 0);
            pthread_mutex_lock(&p->mu);
        }
        while (p->generation == seen && !p->stop)
            pthread_cond_wait(&p->go, &p->mu);
        if (p->stop)
            break;
        seen = p->generation;
        nz_cpu_task_fn fn = p->fn;
        void *ctx = p->ctx;
        int64_t ntasks = p->ntasks;
        pthread_mutex_unlock(&p->mu);
        run_tasks(p, fn, ctx, ntasks, w);
        pthread_mutex_lock(&p->mu);
        if (--p->busy == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

nz_status nz_cpu_pool_create(int threads, nz_cpu_pool **out)
{
    *out = NULL;
    nz_cpu_pool *p = calloc(1, sizeof *p);
    if (!p)
        return nz_error(NZ_ERR_NOMEM, "cpu: out of memory creating the thread pool");
    p->threads = threads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    atomic_init(&p->next, 0);
    if (threads > 1) {
        p->tids = calloc((size_t)threads, sizeof *p->tids);
        if (!p->tids) {
            nz_cpu_pool_free(p);
            return nz_error(NZ_ERR_NOMEM, "cpu: out of memory creating the thread pool");
        }
    }
    for (int i = 1; i < threads; i++) {
        nz_cpu_worker_arg *wa = malloc(sizeof *wa);
        int rc = wa ? 0 : 1;
        if (wa) {
            wa->pool = p;
            wa->index = i;
            rc = pthread_create(&p->tids[i], NULL, worker_main, wa);
            if (rc)
                free(wa);
        }
        if (rc) {
            p->threads = i; /* only join what started */
            nz_cpu_pool_free(p);
            return nz_error(NZ_ERR_DEVICE,
                            "cpu: cannot start worker thread %d of %d (%s); "
                            "set NAZO_CPU_THREADS to a smaller count", i, threads,
                            wa ? strerror(rc) : "out of memory");
        }
    }
    *out = p;
    return NZ_OK;
}

void nz_cpu_pool_free(nz_cpu_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (int i = 1; i < p->threads; i++)
        pthread_join(p->tids[i], NULL);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->tids);
    free(p);
}

void nz_cpu_pool_run(nz_cpu_pool *p, int64_t ntasks, nz_cpu_task_fn fn, void *ctx)
{
    if (ntasks <= 0)
        return;
    if (p->threads <= 1 || ntasks == 1) {
        for (int64_t t = 0; t < ntasks; t++)
            fn(ctx, t, 0);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->ctx = ctx;
    p->ntasks = ntasks;
    atomic_store(&p->next, 0);
    p->busy = p->threads - 1;
    p->generation++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    run_tasks(p, fn, ctx, ntasks, 0);
    if (spin_until(&p->busy, 0, 1))
        return;
    pthread_mutex_lock(&p->mu);
    while (p->busy > 0)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
