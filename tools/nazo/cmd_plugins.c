/* nazo plugins: what loaded, what failed and why, where we looked. */
#include <stdio.h>

#include "cli.h"

int nz_cmd_plugins(int argc, char **argv)
{
    if (nz_cli_no_args("plugins", argc, argv)) return NZ_EXIT_USAGE;
    nz_context *ctx = nz_cli_context();
    if (!ctx) return NZ_EXIT_FAILED;
    size_t n = nz_context_plugin_count(ctx);
    printf("loaded (%zu):\n", n);
    if (n) printf("  %-10s %-14s %-10s %-12s %s\n", "KIND", "NAME", "VERSION", "STATUS", "PATH");
    for (size_t i = 0; i < n; i++) {
        const nz_plugin_info *p = nz_context_plugin(ctx, i);
        int backend = p->kind == NZ_PLUGIN_BACKEND;
        printf("  %-10s %-14s %-10s %-12s %s\n", backend ? "backend" : "experiment", p->name,
               p->version ? p->version : "", !backend || p->available ? "available" : "unavailable",
               p->path);
        if (backend && !p->available)
            printf("  %-10s %-14s reason: %s\n", "", "",
                   p->unavailable_reason ? p->unavailable_reason : "no device found");
    }
    size_t nf = nz_context_failure_count(ctx);
    printf("failed (%zu):\n", nf);
    for (size_t i = 0; i < nf; i++) {
        const nz_load_failure *f = nz_context_failure(ctx, i);
        printf("  %s — %s\n", f->path, f->reason);
    }
    printf("search directories, in order:\n");
    for (size_t i = 0; i < nz_context_search_dir_count(ctx); i++)
        printf("  %zu. %s\n", i + 1, nz_context_search_dir(ctx, i));
    nz_context_free(ctx);
    return NZ_EXIT_OK;
}
