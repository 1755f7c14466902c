/* Helpers shared by the nazo subcommands: errors, lists, formatting. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Scripts and tests read errors as one line: flatten any newline. */
static void print_line(const char *fmt, va_list ap)
{
    char msg[4096];
    vsnprintf(msg, sizeof msg, fmt, ap);
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    fprintf(stderr, "nazo: %s\n", msg);
}

int nz_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_line(fmt, ap);
    va_end(ap);
    return NZ_EXIT_USAGE;
}

int nz_cli_failure(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_line(fmt, ap);
    va_end(ap);
    return NZ_EXIT_FAILED;
}

nz_context *nz_cli_context(void)
{
    nz_context *ctx = nz_context_create();
    if (!ctx) nz_cli_failure("%s", nz_last_error());
    return ctx;
}

void nz_cli_experiment_list(const nz_context *ctx, char *buf, size_t size)
{
    size_t n = nz_context_experiment_count(ctx), len = 0;
    if (size) buf[0] = '\0';
    if (n == 0) {
        snprintf(buf, size, "(none installed; see nazo plugins)");
        return;
    }
    for (size_t i = 0; i < n && len < size; i++) {
        int w = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", nz_context_experiment(ctx, i)->name);
        if (w < 0) break;
        len += (size_t)w;
    }
}

void nz_cli_bytes(unsigned long long bytes, char *buf, size_t size)
{
    static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    if (bytes == 0) snprintf(buf, size, "-");
    else if (u == 0) snprintf(buf, size, "%llu B", bytes);
    else snprintf(buf, size, "%.1f %s", v, unit[u]);
}

static int needs_quotes(const char *s)
{
    if (!*s) return 1;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,:/+@%", *s))
            return 1;
    return 0;
}

char *nz_cli_command_line(int argc, char **argv)
{
    size_t cap = 1;
    for (int i = 0; i < argc; i++) cap += 4 * strlen(argv[i]) + 3;
    char *out = malloc(cap), *p = out;
    if (!out) return NULL;
    for (int i = 0; i < argc; i++) {
        if (i) *p++ = ' ';
        if (!needs_quotes(argv[i])) {
            p = stpcpy(p, argv[i]);
            continue;
        }
        *p++ = '\'';
        for (const char *s = argv[i]; *s; s++) {
            if (*s == '\'') p = stpcpy(p, "'\\''");
            else *p++ = *s;
        }
        *p++ = '\'';
    }
    *p = '\0';
    return out;
}

int nz_cli_no_args(const char *cmd, int argc, char **argv)
{
    if (argc <= 1) return 0;
    return nz_cli_usage_error("'%s' takes no arguments, got '%s'; see nazo --help", cmd, argv[1]);
}

void nz_cli_usage(FILE *out)
{
    fputs("usage: nazo <command> [arguments]\n"
          "\n"
          "commands:\n"
          "  devices                 list devices, and backends without a usable device\n"
          "  plugins                 list loaded plugins, load failures and search directories\n"
          "  experiments             list experiments\n"
          "  help <experiment>       describe an experiment's parameters\n"
          "  run <experiment> [options]\n"
          "      -d, --device D      device id (cpu:0), backend (opencl) or part of a name;\n"
          "                          default: $NAZO_DEVICE, else cpu\n"
          "      -s, --set KEY=VALUE set a parameter (repeatable; see nazo help <experiment>)\n"
          "      --seed N            random seed (default 0)\n"
          "      -o, --out DIR       run directory (default runs/<experiment>-<date>-<time>)\n"
          "  run --resume DIR [-d D] continue a stopped or killed run from its checkpoint,\n"
          "                          on its device or another one\n"
          "  bench [options]         GEMM and element-wise speed next to OpenBLAS and a triad\n"
          "                          loop (--quick, --threads 1,2, --device D, --out F.csv|F.json)\n"
          "\n"
          "options:\n"
          "  -h, --help              show this help\n"
          "  -V, --version           show the version\n"
          "\n"
          "environment: NAZO_PLUGIN_PATH (plugin directories), NAZO_DEVICE, NAZO_DEBUG=load\n"
          "exit status: 0 ok, 1 run failed, 2 bad input (nothing written), 130 interrupted\n",
          out);
}
