/* The conformance test: every op and dtype on every device of every loaded
 * backend, against the reference (see conf.h for what is checked).
 *
 *   conformance [--op NAME] [--scale X] [--device ID]
 *
 * F32 is required for every op; F64 where the device reports fp64.  Needs no
 * change when a backend appears: it walks whatever devices the core finds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "nazo/core.h"

static int usage(const char *why)
{
    fprintf(stderr, "conformance: %s\nusage: conformance [--op NAME] [--scale X] [--device ID]\n", why);
    return 2;
}

int main(int argc, char **argv)
{
    conf_opts opts = {.case_scale = 1.0, .only_op = -1};
    const char *only_dev = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--op") == 0 && i + 1 < argc) {
            const char *name = argv[++i];
            for (int o = 0; o < NZ_OP_COUNT; o++)
                if (strcmp(nz_op_name((nz_op)o), name) == 0)
                    opts.only_op = o;
            if (opts.only_op < 0)
                return usage("unknown op name (see nz_op_name: gemm, unary, ...)");
        } else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
            opts.case_scale = atof(argv[++i]);
            if (!(opts.case_scale > 0))
                return usage("--scale needs a positive number");
        } else if (strcmp(argv[i], "--device") == 0 && i + 1 < argc) {
            only_dev = argv[++i];
        } else {
            return usage("unknown argument");
        }
    }
    nz_context *ctx = nz_context_create();
    if (ctx == NULL) {
        printf("FAIL: nz_context_create: %s\n", nz_last_error());
        return 1;
    }
    for (size_t i = 0; i < nz_context_failure_count(ctx); i++) {
        const nz_load_failure *f = nz_context_failure(ctx, i);
        printf("note: plugin %s did not load: %s\n", f->path, f->reason);
    }
    for (size_t i = 0; i < nz_context_plugin_count(ctx); i++) {
        const nz_plugin_info *p = nz_context_plugin(ctx, i);
        if (p->kind == NZ_PLUGIN_BACKEND && !p->available)
            printf("note: backend %s has no device: %s\n", p->name, p->unavailable_reason);
    }
    size_t ndev = nz_context_device_count(ctx);
    int failures = 0, tested = 0;
    for (size_t i = 0; i < ndev; i++) {
        const nz_device_entry *e = nz_context_device_entry(ctx, i);
        if (only_dev && strcmp(only_dev, e->id) != 0)
            continue;
        nz_device *dev = NULL;
        if (nz_device_open_entry(ctx, i, &dev) != NZ_OK) {
            printf("FAIL %s: cannot open: %s\n", e->id, nz_last_error());
            failures++;
            continue;
        }
        conf_device cd = {.id = e->id, .be = nz_device_backend(dev),
                          .handle = nz_device_handle(dev), .info = e->info};
        printf("== %s: %s (%s), fp64 %s\n", e->id, e->info.name, e->info.detail,
               e->info.fp64 ? "yes" : "no");
        failures += conf_run_device(&cd, &opts);
        tested++;
    }
    nz_context_free(ctx);
    if (tested == 0) {
        /* The CPU backend is always built, so no device means the loader
         * did not find it: that is a failure, not a pass. */
        printf("FAIL: no device to test (%zu found%s%s)\n", ndev, only_dev ? ", wanted " : "",
               only_dev ? only_dev : "");
        return 1;
    }
    printf("%s: %d failure(s) over %d device(s)\n", failures ? "FAIL" : "PASS", failures, tested);
    return failures != 0;
}
