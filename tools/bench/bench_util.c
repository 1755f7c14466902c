/* Host helpers: buffers for the references and the uploaded data, the CPU name. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_internal.h"

float *nz_bench_floats(size_t count)
{
    /* Round up: aligned_alloc wants a multiple of the alignment. */
    size_t bytes = (count * sizeof(float) + 63) & ~(size_t)63;
    float *p = aligned_alloc(64, bytes ? bytes : 64);
    if (!p)
        nz_error(NZ_ERR_NOMEM, "bench: out of memory for %zu floats", count);
    return p;
}

void nz_bench_fill(float *x, size_t count, uint64_t seed)
{
    /* An LCG is plenty: the values only need to be ordinary, finite and the
     * same for nazo and the reference. */
    uint64_t s = seed * 6364136223846793005u + 1442695040888963407u;
    for (size_t i = 0; i < count; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        x[i] = (float)((double)(s >> 40) * 0x1p-23 - 1.0);
    }
}

/* The "model name" line of /proc/cpuinfo, for the report header. */
void nz_bench_cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0)
            continue;
        const char *v = strchr(line, ':');
        if (!v)
            continue;
        v++;
        while (*v == ' ' || *v == '\t')
            v++;
        snprintf(buf, len, "%.*s", (int)strcspn(v, "\n"), v);
        break;
    }
    fclose(f);
}

/* The 1-minute load average: the benchmark shares the machine, and a load
 * above the core count means the numbers below it are pessimistic. */
double nz_bench_loadavg(void)
{
    double l = -1.0;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1.0;
        fclose(f);
    }
    return l;
}

void nz_bench_env_set(nz_bench_env *e, const char *name, const char *value)
{
    const char *prev = getenv(name);
    e->name = name;
    e->saved = prev ? strdup(prev) : NULL;
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}

void nz_bench_env_restore(nz_bench_env *e)
{
    if (e->saved)
        setenv(e->name, e->saved, 1);
    else
        unsetenv(e->name);
    free(e->saved);
    e->saved = NULL;
}

nz_bench_xrow *nz_bench_xrow_add(nz_bench_xrows *x, const char *kind, const char *shape,
                                 const char *unit, const char *ref_name, int threads)
{
    if (x->n == NZ_BENCH_MAX_XROWS)
        return NULL;
    nz_bench_xrow *r = &x->r[x->n++];
    r->kind = kind;
    snprintf(r->shape, sizeof r->shape, "%s", shape);
    r->threads = threads;
    r->unit = unit;
    r->nazo = NAN;
    r->ref = NAN;
    r->ref_name = ref_name;
    return r;
}

/* Threads are created for every call: the yardsticks' calls take
 * milliseconds, thread creation tens of microseconds. */
nz_status nz_bench_threads(int threads, void *(*fn)(void *), void *parts, size_t part_size,
                           const char *what)
{
    pthread_t tids[1024];
    int started = 0;
    for (int i = 1; i < threads && i < 1024; i++, started++)
        if (pthread_create(&tids[i], NULL, fn, (char *)parts + (size_t)i * part_size) != 0)
            break;
    fn(parts);
    for (int i = 1; i <= started; i++)
        pthread_join(tids[i], NULL);
    if (started != threads - 1)
        return nz_error(NZ_ERR_DEVICE, "bench: cannot start %d %s threads", threads, what);
    return NZ_OK;
}
