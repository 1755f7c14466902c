/* nazo run <experiment>: validate everything the user typed, then create the
 * run directory and run.  Nothing is written until every check passed. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nazo/runner.h"

typedef struct run_args {
    const char *experiment;
    const char *device;      /* NULL: NAZO_DEVICE, else cpu */
    const char *out;         /* NULL: runs/<experiment>-<stamp> */
    const char *seed_text;   /* NULL: 0 */
    const char *resume;      /* --resume DIR: continue that run */
    const char **sets;
    int nsets;
} run_args;

#define RUN_OPTIONS "--device, --set, --seed, --out, --resume"

/* Returns -1 when parsed, else the exit status. */
static int parse_args(int argc, char **argv, run_args *a)
{
    static const struct option opts[] = {
        { "device", required_argument, NULL, 'd' },
        { "set", required_argument, NULL, 's' },
        { "seed", required_argument, NULL, 'S' },
        { "out", required_argument, NULL, 'o' },
        { "resume", required_argument, NULL, 'R' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    a->sets = calloc((size_t)argc, sizeof *a->sets);
    if (!a->sets) return nz_cli_failure("out of memory parsing arguments");
    opterr = 0;
    int c;
    /* Leading ':' tells a missing argument (':') from an unknown option ('?'). */
    while ((c = getopt_long(argc, argv, ":d:s:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a->device = optarg; break;
        case 's': a->sets[a->nsets++] = optarg; break;
        case 'S': a->seed_text = optarg; break;
        case 'o': a->out = optarg; break;
        case 'R': a->resume = optarg; break;
        case 'h': nz_cli_usage(stdout); return NZ_EXIT_OK;
        case ':':
            return nz_cli_usage_error("option '%s' needs a value; see nazo --help", argv[optind - 1]);
        default:
            return nz_cli_usage_error("unknown option '%s' for run; options: " RUN_OPTIONS,
                                      argv[optind - 1]);
        }
    }
    if (a->resume) {
        /* The run continues with what params.json recorded: anything that
         * would change it is refused rather than silently ignored. */
        if (a->nsets || a->seed_text || a->out)
            return nz_cli_usage_error("--resume continues a run with its recorded parameters and seed "
                                      "in its own directory; drop %s", a->nsets ? "--set" :
                                      a->seed_text ? "--seed" : "--out");
        if (optind < argc) a->experiment = argv[optind];
        if (optind + 1 < argc)
            return nz_cli_usage_error("unexpected argument '%s' after --resume", argv[optind + 1]);
        return -1;
    }
    if (optind >= argc) return -2; /* no experiment: listed by the caller */
    a->experiment = argv[optind];
    if (optind + 1 < argc)
        return nz_cli_usage_error("unexpected argument '%s' after experiment '%s'; parameters go in "
                                  "--set KEY=VALUE", argv[optind + 1], a->experiment);
    return -1;
}

static int parse_seed(const char *text, uint64_t *seed)
{
    *seed = 0;
    if (!text) return 1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (!*text || *end || errno || text[0] == '-' || text[0] == '+' || text[0] == ' ') return 0;
    *seed = v;
    return 1;
}

/* Run an opened run to its end and turn its status into the exit status. */
static int execute(nz_run *run, nz_device *dev, const char *name, uint64_t seed, const char *dir,
                   int resumed)
{
    fprintf(stderr, "nazo: %s %s on %s (%s), seed %llu, into %s\n", resumed ? "resuming" : "running",
            name, nz_device_id(dev), nz_device_get_info(dev)->name, (unsigned long long)seed, dir);
    nz_status s = nz_run_execute(run);
    if (s == NZ_OK) {
        fprintf(stderr, "nazo: done: %s\n", dir);
        return NZ_EXIT_OK;
    }
    if (s == NZ_ERR_INTERRUPTED) {
        nz_cli_failure("interrupted: %s; partial results in %s (continue with nazo run --resume %s)",
                       nz_last_error(), dir, dir);
        return NZ_EXIT_INTERRUPTED;
    }
    return nz_cli_failure("run failed: %s; partial results in %s", nz_last_error(), dir);
}

/* The device recorded in DIR/params.json ("cpu:0"), for a resume without
 * --device; empty when it cannot be read (then the usual default applies). */
static void recorded_device(const char *dir, char *buf, size_t size)
{
    buf[0] = '\0';
    char path[4096];
    snprintf(path, sizeof path, "%s/params.json", dir);
    FILE *f = fopen(path, "r");
    if (!f) return;
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    /* params.json is ours: "device": {"id": "cpu:0", ... */
    const char *d = strstr(text, "\"device\"");
    const char *id = d ? strstr(d, "\"id\"") : NULL;
    const char *q = id ? strchr(id + 4, '"') : NULL;
    const char *e = q ? strchr(q + 1, '"') : NULL;
    if (e && (size_t)(e - q - 1) < size) snprintf(buf, size, "%.*s", (int)(e - q - 1), q + 1);
}

static int resume_run(nz_context *ctx, const run_args *a)
{
    const nz_plugin_desc *exp;
    nz_params *params = NULL;
    nz_run *run = NULL;
    uint64_t seed;
    int rc;
    if (nz_run_resume_read(ctx, a->resume, &exp, &params, &seed) != NZ_OK)
        return nz_cli_usage_error("%s", nz_last_error());
    if (a->experiment && strcmp(a->experiment, exp->name) != 0) {
        rc = nz_cli_usage_error("--resume %s is a run of experiment '%s', not '%s'", a->resume, exp->name,
                                a->experiment);
        goto out;
    }
    char recorded[256];
    recorded_device(a->resume, recorded, sizeof recorded);
    const char *want = a->device ? a->device : recorded[0] ? recorded : NULL;
    size_t entry;
    if (nz_context_resolve_device(ctx, want, &entry) != NZ_OK) {
        rc = nz_cli_usage_error("%s%s", nz_last_error(),
                                a->device ? "" : " (the device the run used; pick one with --device)");
        goto out;
    }
    nz_device *dev;
    if (nz_device_open_entry(ctx, entry, &dev) != NZ_OK) {
        rc = nz_cli_failure("cannot open device %s: %s", nz_context_device_entry(ctx, entry)->id,
                            nz_last_error());
        goto out;
    }
    char *cmdline = nz_cli_command_line(nz_cli_argc, nz_cli_argv);
    nz_status s = nz_run_reopen(ctx, exp, dev, seed, a->resume, params, cmdline, &run);
    free(cmdline);
    if (s != NZ_OK) {
        rc = nz_cli_failure("%s", nz_last_error());
        goto out;
    }
    rc = execute(run, dev, exp->name, seed, a->resume, 1);
out:
    nz_run_free(run);
    nz_params_free(params);
    return rc;
}

int nz_cmd_run(int argc, char **argv)
{
    run_args a = { 0 };
    nz_context *ctx = NULL;
    nz_params *params = NULL;
    nz_run *run = NULL;
    char *cmdline = NULL;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0) goto out;

    ctx = nz_cli_context();
    if (!ctx) {
        rc = NZ_EXIT_FAILED;
        goto out;
    }
    if (a.resume) {
        rc = resume_run(ctx, &a);
        goto out;
    }
    char list[2048];
    nz_cli_experiment_list(ctx, list, sizeof list);
    if (rc == -2) {
        rc = nz_cli_usage_error("run needs an experiment; experiments: %s", list);
        goto out;
    }
    const nz_plugin_desc *exp = nz_context_find_experiment(ctx, a.experiment);
    if (!exp) {
        rc = nz_cli_usage_error("unknown experiment '%s'; experiments: %s", a.experiment, list);
        goto out;
    }
    const nz_experiment_iface *iface = exp->table;
    params = nz_params_create(iface->params, exp->name);
    if (!params) {
        rc = nz_cli_failure("%s", nz_last_error());
        goto out;
    }
    for (int i = 0; i < a.nsets; i++)
        if (nz_params_assign(params, a.sets[i]) != NZ_OK) {
            rc = nz_cli_usage_error("%s", nz_last_error());
            goto out;
        }
    size_t entry;
    if (nz_context_resolve_device(ctx, a.device, &entry) != NZ_OK) {
        rc = nz_cli_usage_error("%s", nz_last_error());
        goto out;
    }
    uint64_t seed;
    if (!parse_seed(a.seed_text, &seed)) {
        rc = nz_cli_usage_error("bad --seed '%s'; use an integer from 0 to %llu", a.seed_text,
                                (unsigned long long)UINT64_MAX);
        goto out;
    }
    char dir[4096];
    const char *out_dir = a.out;
    if (!out_dir) {
        if (nz_run_default_dir(exp->name, dir, sizeof dir) != NZ_OK) {
            rc = nz_cli_usage_error("%s", nz_last_error());
            goto out;
        }
        out_dir = dir;
    }
    if (nz_run_check_out_dir(out_dir) != NZ_OK) {
        rc = nz_cli_usage_error("%s", nz_last_error());
        goto out;
    }

    /* The input is valid; from here on a failure is the run's (exit 1). */
    nz_device *dev;
    if (nz_device_open_entry(ctx, entry, &dev) != NZ_OK) {
        rc = nz_cli_failure("cannot open device %s: %s", nz_context_device_entry(ctx, entry)->id,
                            nz_last_error());
        goto out;
    }
    cmdline = nz_cli_command_line(nz_cli_argc, nz_cli_argv);
    nz_status cs = nz_run_create(ctx, exp, dev, seed, out_dir, params, cmdline, &run);
    if (cs != NZ_OK) {
        /* An --out that cannot be created is bad input; anything else failed. */
        rc = cs == NZ_ERR_INVALID ? nz_cli_usage_error("%s", nz_last_error())
                                  : nz_cli_failure("%s", nz_last_error());
        goto out;
    }
    rc = execute(run, dev, exp->name, seed, out_dir, 0);
out:
    nz_run_free(run);
    nz_params_free(params);
    if (ctx) nz_context_free(ctx);
    free(cmdline);
    free(a.sets);
    return rc;
}
