/* The experiment interface: typed parameters and a run function.
 *
 * An experiment plugin exports nz_plugin_entry() returning a descriptor of kind
 * NZ_PLUGIN_EXPERIMENT whose table is an nz_experiment_iface.  From its
 * parameter declarations the command line builds `nazo help <exp>`, validates
 * `--set key=value` before any work starts, and records the values in
 * params.json.  The run function gets an nz_run: the device, the parameter
 * values, the seed, and the run directory's writers.
 *
 * A minimal plugin:
 *
 *   static const nz_param_decl params[] = {
 *       { "steps", NZ_PARAM_INT, "100", 1, 1e6, NULL, "training steps" },
 *       { 0 }
 *   };
 *   static nz_status run(nz_run *r) { ... }
 *   static const nz_experiment_iface iface = { params, run };
 *   static const nz_plugin_desc desc = { NZ_ABI_VERSION, NZ_PLUGIN_EXPERIMENT,
 *       "hello", "1.0", "says hello", &iface };
 *   NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void) { return &desc; }
 */
#ifndef NAZO_EXPERIMENT_H
#define NAZO_EXPERIMENT_H

#include <stdint.h>

#include "nazo/core.h"
#include "nazo/plugin.h"
#include "nazo/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nz_param_type {
    NZ_PARAM_INT = 0,    /* 64-bit integer within [min, max]                */
    NZ_PARAM_FLOAT,      /* double within [min, max]                         */
    NZ_PARAM_BOOL,       /* true/false, yes/no, on/off, 1/0                   */
    NZ_PARAM_STRING,     /* free text                                        */
    NZ_PARAM_CHOICE      /* one of `choices`                                  */
} nz_param_type;

typedef struct nz_param_decl {
    const char *name;            /* [a-z0-9_]+; NULL ends the array */
    nz_param_type type;
    const char *default_value;   /* as it would be written after --set name= */
    double min, max;             /* INT and FLOAT; min > max means unbounded */
    const char *const *choices;  /* CHOICE: NULL-terminated */
    const char *help;            /* one line */
} nz_param_decl;

typedef struct nz_run nz_run;

typedef struct nz_experiment_iface {
    const nz_param_decl *params; /* terminated by an entry with name == NULL */
    nz_status (*run)(nz_run *run);
} nz_experiment_iface;

/* ---- inside a run ---- */

nz_device *nz_run_device(nz_run *r);
nz_context *nz_run_context(nz_run *r);
uint64_t nz_run_seed(nz_run *r);
const char *nz_run_dir(nz_run *r);         /* the run directory */

/* Validated parameter values (the declared default when not --set).  Asking
 * for an undeclared name or the wrong type is a programming error: it returns
 * 0 / NULL and logs a message. */
int64_t nz_run_int(nz_run *r, const char *name);
double nz_run_float(nz_run *r, const char *name);
int nz_run_bool(nz_run *r, const char *name);
const char *nz_run_string(nz_run *r, const char *name); /* STRING and CHOICE */

/* The log: a line to run.log, echoed to stderr. */
void nz_run_log(nz_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* metrics.csv: declare the columns once, then add rows.  Each call rewrites
 * the file atomically, so a killed run leaves the rows so far, never a torn
 * line. */
nz_status nz_run_metrics_columns(nz_run *r, int ncols, const char *const *names);
nz_status nz_run_metrics_row(nz_run *r, const double *values);

/* summary.json: headline numbers and strings; written atomically by
 * nz_run_summary_write() (and at the end of the run). */
nz_status nz_run_summary_number(nz_run *r, const char *key, double value);
nz_status nz_run_summary_string(nz_run *r, const char *key, const char *value);
/* A JSON text (object or array) parsed and stored under key. */
nz_status nz_run_summary_json(nz_run *r, const char *key, const char *json_text);
nz_status nz_run_summary_write(nz_run *r);

/* Progress: a bar on a terminal, a line every few seconds otherwise. */
void nz_run_progress(nz_run *r, const char *what, int64_t done, int64_t total);
/* Nonzero once SIGINT/SIGTERM arrived: save state and return NZ_ERR_INTERRUPTED. */
int nz_run_interrupted(nz_run *r);

/* ---- files in the run directory, written atomically ---- */

/* Write `bytes` to dir/name through a temporary file, fsync and rename. */
nz_status nz_write_file_atomic(const char *dir, const char *name, const void *data, size_t bytes);

/* A plot: writes name.gp (a gnuplot script reading the data file `data_name`
 * in the run directory) and, when gnuplot is installed, runs it to produce
 * name.png; otherwise logs how to plot it.  `script_body` holds the plot
 * commands; the terminal/output lines are added here. */
nz_status nz_run_plot(nz_run *r, const char *name, const char *script_body);

/* A grayscale PNG grid of images in the run directory (name.png, written
 * atomically): `count` images of h x w floats (row-major, one after another),
 * laid out `cols` per row with a 1-pixel gap; values are mapped linearly from
 * [lo, hi] to [0, 255] and clipped. */
nz_status nz_run_image_grid(nz_run *r, const char *name, const float *pixels, int count,
                            int cols, int h, int w, float lo, float hi);

/* ---- resuming (nazo run --resume DIR) ----
 *
 * A resumed run writes into its old directory with the parameters and seed
 * of params.json, possibly on another device.  The experiment sees
 * nz_run_resuming() != 0, loads its checkpoint (by convention
 * DIR/NZ_RUN_CHECKPOINT, see nazo/checkpoint.h) and restores the metrics
 * rows saved with it instead of declaring the columns again, so rows written
 * after the checkpoint by the stopped process are not repeated. */
#define NZ_RUN_CHECKPOINT "checkpoint.nzck"

struct nz_params; /* nazo/runner.h */

int nz_run_resuming(nz_run *r);
/* metrics.csv as it stands (header and rows), malloc'ed, for a checkpoint;
 * NULL (with a message) when out of memory. */
char *nz_run_metrics_text(nz_run *r);
/* Declare the columns and rows from text saved by nz_run_metrics_text() and
 * rewrite metrics.csv with it (in place of nz_run_metrics_columns).  The
 * text must be a header line and rows of the same number of fields. */
nz_status nz_run_metrics_restore(nz_run *r, const char *text);

/* For front ends: read DIR/params.json of an earlier run and find its
 * experiment in ctx, its parameters (validated again) and seed.  Fails with
 * a message when DIR holds no run, the experiment is not loaded, a parameter
 * no longer validates, or the run already finished. */
nz_status nz_run_resume_read(nz_context *ctx, const char *dir, const nz_plugin_desc **experiment,
                             struct nz_params **params, uint64_t *seed);
/* Open an existing run directory for resuming (see nz_run_create): run.log
 * continues, params.json is kept, nz_run_resuming() is 1. */
nz_status nz_run_reopen(nz_context *ctx, const nz_plugin_desc *experiment, nz_device *dev,
                        uint64_t seed, const char *dir, const struct nz_params *params,
                        const char *command_line, nz_run **out);

#ifdef __cplusplus
}
#endif
#endif
