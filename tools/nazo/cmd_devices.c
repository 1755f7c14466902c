/* nazo devices: every usable device, then each backend that has none and why. */
#include <stdio.h>

#include "cli.h"

static const char *type_name(nz_device_type t)
{
    switch (t) {
    case NZ_DEVICE_CPU: return "cpu";
    case NZ_DEVICE_GPU: return "gpu";
    case NZ_DEVICE_ACCELERATOR: return "accel";
    case NZ_DEVICE_OTHER: return "other";
    }
    return "?";
}

int nz_cmd_devices(int argc, char **argv)
{
    if (nz_cli_no_args("devices", argc, argv)) return NZ_EXIT_USAGE;
    nz_context *ctx = nz_cli_context();
    if (!ctx) return NZ_EXIT_FAILED;
    size_t n = nz_context_device_count(ctx);
    /* The detail (SIMD level, platform, OpenCL C version, driver) goes last:
     * it is long and free-form, and the columns before it stay aligned. */
    if (n == 0) printf("no usable device\n");
    else printf("%-12s %-6s %-36s %10s %10s %4s %4s  %s\n", "ID", "TYPE", "NAME", "MEMORY",
                "MAX ALLOC", "CU", "FP64", "DETAIL");
    for (size_t i = 0; i < n; i++) {
        const nz_device_entry *e = nz_context_device_entry(ctx, i);
        char mem[32], alloc[32];
        nz_cli_bytes(e->info.global_mem, mem, sizeof mem);
        nz_cli_bytes(e->info.max_alloc, alloc, sizeof alloc);
        printf("%-12s %-6s %-36s %10s %10s %4u %4s  %s\n", e->id, type_name(e->info.type),
               e->info.name, mem, alloc, (unsigned)e->info.compute_units,
               e->info.fp64 ? "yes" : "no", e->info.detail);
    }
    for (size_t i = 0; i < nz_context_plugin_count(ctx); i++) {
        const nz_plugin_info *p = nz_context_plugin(ctx, i);
        if (p->kind == NZ_PLUGIN_BACKEND && !p->available)
            printf("unavailable: %s: %s\n", p->name,
                   p->unavailable_reason ? p->unavailable_reason : "no device found");
    }
    nz_context_free(ctx);
    return NZ_EXIT_OK;
}
