/* Command-line options of `nazo bench`.  A hand-written parser rather than
 * getopt, because the `nazo` front end has already run getopt over the same
 * process and its global state (optind) is not ours to reset. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_internal.h"

void nz_bench_usage(void)
{
    printf("usage: nazo bench [--device D] [--threads 1,2] [--quick] [--out FILE.csv|FILE.json]\n"
           "  GEMM GFLOP/s through nz_matmul next to OpenBLAS SGEMM, and element-wise GB/s\n"
           "  (add, relu, sigmoid, tanh, sgd) next to a C triad, on the device and thread counts given.\n"
           "  On an OpenCL device also: own GEMM kernel vs CLBlast (n = 256..1024) next to\n"
           "  OpenBLAS, launch overhead (us/op, vs cpu:0), 64 MiB upload/download (GB/s,\n"
           "  vs memcpy), and cold/warm start with an empty/filled NAZO_CACHE_DIR (s).\n"
           "  --device D     device name as in `nazo devices` (default: NAZO_DEVICE, else cpu)\n"
           "  --threads L    comma-separated thread counts (default 1,2); the CPU backend\n"
           "                 gets NAZO_CPU_THREADS, the references the same count\n"
           "  --quick        a subset of the shapes, fewer runs (about 20 s)\n"
           "  --out FILE     also write the table as CSV or JSON, by the file's extension\n");
}

static int bad(const char *fmt, const char *arg)
{
    fputs("nazo bench: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see nazo bench --help)\n", stderr);
    return 2;
}

static int parse_threads(const char *s, nz_bench_opts *o)
{
    o->nthreads = 0;
    const char *p = s;
    for (;;) {
        char *end = NULL;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < 1 || v > 1024 || (*end != ',' && *end != '\0'))
            return bad("--threads '%s' is not a list of thread counts from 1 to 1024, e.g. 1,2", s);
        for (int i = 0; i < o->nthreads; i++)
            if (o->threads[i] == (int)v)
                return bad("--threads '%s' names a thread count twice", s);
        if (o->nthreads == NZ_BENCH_MAX_THREAD_COUNTS)
            return bad("--threads '%s' has too many entries (8 at most)", s);
        o->threads[o->nthreads++] = (int)v;
        if (*end == '\0')
            return 0;
        p = end + 1;
    }
}

static int ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls > lx && strcmp(s + ls - lx, suffix) == 0;
}

/* The value of an option given as "--opt value" or "--opt=value". */
static const char *option_value(const char *name, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    size_t ln = strlen(name);
    if (arg[ln] == '=')
        return arg + ln + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static int is_option(const char *arg, const char *name)
{
    size_t ln = strlen(name);
    return strncmp(arg, name, ln) == 0 && (arg[ln] == '\0' || arg[ln] == '=');
}

int nz_bench_parse(int argc, char **argv, nz_bench_opts *o)
{
    memset(o, 0, sizeof *o);
    o->threads[0] = 1;
    o->threads[1] = 2;
    o->nthreads = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            nz_bench_usage();
            return -1;
        } else if (strcmp(a, "--quick") == 0) {
            o->quick = 1;
        } else if (is_option(a, "--device")) {
            o->device = option_value("--device", argc, argv, &i);
            if (!o->device || !*o->device)
                return bad("%s needs a device name, e.g. --device cpu", "--device");
        } else if (is_option(a, "--threads")) {
            const char *v = option_value("--threads", argc, argv, &i);
            if (!v)
                return bad("%s needs a list of thread counts, e.g. --threads 1,2", "--threads");
            if (parse_threads(v, o))
                return 2;
        } else if (is_option(a, "--out")) {
            o->out = option_value("--out", argc, argv, &i);
            if (!o->out || !*o->out)
                return bad("%s needs a file name ending in .csv or .json", "--out");
            if (ends_with(o->out, ".json"))
                o->out_json = 1;
            else if (!ends_with(o->out, ".csv"))
                return bad("--out '%s': the name must end in .csv or .json", o->out);
        } else {
            return bad("unknown argument '%s'", a);
        }
    }
    return 0;
}
