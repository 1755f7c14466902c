/* Shared by the `nazo` command's source files. */
#ifndef NAZO_CLI_H
#define NAZO_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "nazo/core.h"

/* Exit statuses: bad input is 2 and writes nothing; a failed run is 1. */
enum { NZ_EXIT_OK = 0, NZ_EXIT_FAILED = 1, NZ_EXIT_USAGE = 2, NZ_EXIT_INTERRUPTED = 130 };

/* "nazo: <message>" as one line on stderr (newlines flattened); returns 2. */
int nz_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for a failure once work started; returns 1. */
int nz_cli_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The context, or NULL after printing why (out of memory only). */
nz_context *nz_cli_context(void);

/* "a, b, c": the experiment names, for messages. */
void nz_cli_experiment_list(const nz_context *ctx, char *buf, size_t size);
/* Human size: "15.6 GiB". */
void nz_cli_bytes(unsigned long long bytes, char *buf, size_t size);
/* argv joined with shell quoting where needed (malloc'ed; NULL when out of memory). */
char *nz_cli_command_line(int argc, char **argv);

void nz_cli_usage(FILE *out);

/* The whole command line, for params.json (set by main). */
extern int nz_cli_argc;
extern char **nz_cli_argv;

int nz_cmd_devices(int argc, char **argv);
int nz_cmd_plugins(int argc, char **argv);
int nz_cmd_experiments(int argc, char **argv);
int nz_cmd_help(int argc, char **argv);
int nz_cmd_run(int argc, char **argv);
int nz_cmd_bench(int argc, char **argv);

/* Subcommands that take no arguments reject extra ones. */
int nz_cli_no_args(const char *cmd, int argc, char **argv);

#endif
