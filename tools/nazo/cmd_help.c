/* nazo help [<experiment>]: the general usage, or an experiment's parameters. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nazo/runner.h"

int nz_cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        nz_cli_usage(stdout);
        return NZ_EXIT_OK;
    }
    if (argc > 2)
        return nz_cli_usage_error("help takes one experiment, got '%s' too; use nazo help <experiment>",
                                  argv[2]);
    nz_context *ctx = nz_cli_context();
    if (!ctx) return NZ_EXIT_FAILED;
    const nz_plugin_desc *d = nz_context_find_experiment(ctx, argv[1]);
    static const char *const commands[] = { "devices", "plugins", "experiments", "help", "run", NULL };
    for (const char *const *c = commands; !d && *c; c++)
        if (strcmp(*c, argv[1]) == 0) { /* `nazo help run`: the commands are all in the usage */
            nz_context_free(ctx);
            nz_cli_usage(stdout);
            return NZ_EXIT_OK;
        }
    if (!d) {
        char list[2048];
        nz_cli_experiment_list(ctx, list, sizeof list);
        nz_context_free(ctx);
        return nz_cli_usage_error("unknown experiment '%s'; experiments: %s", argv[1], list);
    }
    const nz_experiment_iface *iface = d->table;
    printf("%s %s: %s\n\n", d->name, d->version ? d->version : "", d->description ? d->description : "");
    printf("usage: nazo run %s [--device D] [--set KEY=VALUE]... [--seed N] [--out DIR]\n\n", d->name);
    if (!iface->params || !iface->params[0].name) {
        printf("no parameters\n");
    } else {
        printf("parameters:\n");
        for (const nz_param_decl *p = iface->params; p->name; p++) {
            char allowed[1024];
            nz_param_describe(p, allowed, sizeof allowed);
            printf("  %-18s %-7s default %-12s %s\n", p->name, nz_param_type_name(p->type),
                   p->default_value ? p->default_value : "", allowed);
            if (p->help && *p->help) printf("  %-18s %s\n", "", p->help);
        }
    }
    nz_context_free(ctx);
    return NZ_EXIT_OK;
}
