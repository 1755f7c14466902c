/* nazo: the command line front end.  Dispatches to one subcommand; every bad
 * input is one line on stderr and exit status 2 before anything is written. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
} commands[] = {
    { "devices", nz_cmd_devices },
    { "plugins", nz_cmd_plugins },
    { "experiments", nz_cmd_experiments },
    { "help", nz_cmd_help },
    { "run", nz_cmd_run },
    { "bench", nz_cmd_bench },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])
#define COMMAND_LIST "devices, plugins, experiments, help, run, bench"

int nz_cli_argc;
char **nz_cli_argv;

int main(int argc, char **argv)
{
    nz_cli_argc = argc;
    nz_cli_argv = argv;
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    opterr = 0; /* our own one-line messages */
    int c;
    /* '+': stop at the command; its options are parsed by the command. */
    while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            nz_cli_usage(stdout);
            return NZ_EXIT_OK;
        case 'V':
            printf("nazo %s\n", NZ_VERSION_STRING);
            return NZ_EXIT_OK;
        default:
            return nz_cli_usage_error("unknown option '%s'; options: --help, --version, "
                                      "or a command: " COMMAND_LIST, argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return nz_cli_usage_error("no command given; commands: " COMMAND_LIST " (see nazo --help)");
    const char *cmd = argv[optind];
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, cmd) == 0) {
            int sub_argc = argc - optind;
            char **sub_argv = argv + optind;
            optind = 0; /* reset getopt for the subcommand */
            return commands[i].fn(sub_argc, sub_argv);
        }
    return nz_cli_usage_error("unknown command '%s'; commands: " COMMAND_LIST " (see nazo --help)", cmd);
}
