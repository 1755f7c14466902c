/* nazo-bench: runs `nazo bench` without the command line front end, for
 * working on the benchmark alone.  Not installed. */
#include <stdio.h>

#include "bench.h"

int main(int argc, char **argv)
{
    nz_context *ctx = nz_context_create();
    if (!ctx) {
        fprintf(stderr, "nazo-bench: %s\n", nz_last_error());
        return 1;
    }
    int rc = nz_bench_main(ctx, argc, argv);
    nz_context_free(ctx);
    return rc;
}
