/* `nazo bench`: GEMM and element-wise throughput of a nazo device next to
 * host references (OpenBLAS SGEMM, a plain C triad) measured in the same run.
 * A benchmark, not a test: it reports numbers and never fails on slowness. */
#ifndef NAZO_BENCH_H
#define NAZO_BENCH_H

#include "nazo/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* argv[0] is the command name ("bench"); options follow.  `ctx` resolves
 * --device; every thread count gets a fresh context of its own because the
 * CPU backend reads NAZO_CPU_THREADS when a device is opened.  Returns a
 * process exit status: 0 ok, 2 bad input (one line on stderr), 1 failure. */
int nz_bench_main(nz_context *ctx, int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
