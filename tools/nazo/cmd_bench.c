/* nazo bench: the benchmark lives in tools/bench; this only gives it a context. */
#include <stdio.h>

#include "bench.h"
#include "cli.h"

int nz_cmd_bench(int argc, char **argv)
{
    nz_context *ctx = nz_context_create();
    if (!ctx) {
        fprintf(stderr, "nazo: %s\n", nz_last_error());
        return NZ_EXIT_FAILED;
    }
    int rc = nz_bench_main(ctx, argc, argv);
    nz_context_free(ctx);
    return rc;
}
