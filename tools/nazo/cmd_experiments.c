/* nazo experiments: name, version and description of each experiment. */
#include <stdio.h>

#include "cli.h"

int nz_cmd_experiments(int argc, char **argv)
{
    if (nz_cli_no_args("experiments", argc, argv)) return NZ_EXIT_USAGE;
    nz_context *ctx = nz_cli_context();
    if (!ctx) return NZ_EXIT_FAILED;
    size_t n = nz_context_experiment_count(ctx);
    if (n == 0) printf("no experiments found; see nazo plugins for the search directories\n");
    else printf("%-20s %-10s %s\n", "NAME", "VERSION", "DESCRIPTION");
    for (size_t i = 0; i < n; i++) {
        const nz_plugin_desc *d = nz_context_experiment(ctx, i);
        printf("%-20s %-10s %s\n", d->name, d->version ? d->version : "",
               d->description ? d->description : "");
    }
    nz_context_free(ctx);
    return NZ_EXIT_OK;
}
