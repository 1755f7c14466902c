/* A test experiment with a parameter of every type.  Its run writes metrics
 * rows, summary values, a log line and a plot; it fails when fail=true and
 * can be slowed down (sleep_ms) so a test can kill it mid-run. */
#include <string.h>
#include <time.h>

#include "nazo/experiment.h"

static const char *const modes[] = { "fast", "slow", "exact", NULL };

static const nz_param_decl params[] = {
    { "steps", NZ_PARAM_INT, "5", 1, 1000, NULL, "number of metrics rows" },
    { "lr", NZ_PARAM_FLOAT, "0.1", 1e-6, 10, NULL, "recorded in every row" },
    { "offset", NZ_PARAM_FLOAT, "0", 1, -1, NULL, "unbounded: added to the loss" },
    { "verbose", NZ_PARAM_BOOL, "false", 0, 0, NULL, "log every step" },
    { "label", NZ_PARAM_STRING, "hello", 0, 0, NULL, "free text, logged and summarised" },
    { "mode", NZ_PARAM_CHOICE, "fast", 0, 0, modes, "slow doubles the loss" },
    { "fail", NZ_PARAM_BOOL, "false", 0, 0, NULL, "fail after writing the rows" },
    { "sleep_ms", NZ_PARAM_INT, "0", 0, 10000, NULL, "pause after each row" },
    { NULL, 0, NULL, 0, 0, NULL, NULL },
};

/* The loss the tests expect: (1 / (1 + step)) * (2 if slow) + offset. */
static double loss_at(int64_t step, int slow, double offset)
{
    return (slow ? 2.0 : 1.0) / (double)(1 + step) + offset;
}

static nz_status fx_run(nz_run *r)
{
    int64_t steps = nz_run_int(r, "steps");
    double lr = nz_run_float(r, "lr"), offset = nz_run_float(r, "offset");
    int slow = strcmp(nz_run_string(r, "mode"), "slow") == 0;
    int64_t sleep_ms = nz_run_int(r, "sleep_ms");
    const char *const cols[] = { "step", "loss", "lr" };

    nz_run_log(r, "fixture: label=%s device=%s", nz_run_string(r, "label"), nz_device_id(nz_run_device(r)));
    nz_status s = nz_run_metrics_columns(r, 3, cols);
    if (s != NZ_OK) return s;
    double loss = 0;
    for (int64_t i = 0; i < steps; i++) {
        if (nz_run_interrupted(r)) {
            nz_run_summary_number(r, "steps_done", (double)i);
            return nz_error(NZ_ERR_INTERRUPTED, "fixture stopped at step %lld of %lld", (long long)i,
                            (long long)steps);
        }
        loss = loss_at(i, slow, offset);
        const double row[3] = { (double)i, loss, lr };
        if ((s = nz_run_metrics_row(r, row)) != NZ_OK) return s;
        if (nz_run_bool(r, "verbose")) nz_run_log(r, "step %lld loss %g", (long long)i, loss);
        nz_run_progress(r, "fixture", i + 1, steps);
        if (sleep_ms) {
            struct timespec ts = { sleep_ms / 1000, (long)(sleep_ms % 1000) * 1000000L };
            nanosleep(&ts, NULL);
        }
    }
    nz_run_summary_number(r, "final_loss", loss);
    nz_run_summary_number(r, "steps_done", (double)steps);
    nz_run_summary_string(r, "label", nz_run_string(r, "label"));
    if ((s = nz_run_summary_json(r, "extra", "{\"rows\": [1, 2, 3]}")) != NZ_OK) return s;
    if ((s = nz_run_summary_write(r)) != NZ_OK) return s;
    s = nz_run_plot(r, "loss", "set xlabel 'step'\nplot 'metrics.csv' using 1:2 with lines title 'loss'");
    if (s != NZ_OK) return s;
    if (nz_run_bool(r, "fail"))
        return nz_error(NZ_ERR_NUMERIC, "fixture failed on request (fail=true)");
    return NZ_OK;
}

static const nz_experiment_iface iface = { params, fx_run };
static const nz_plugin_desc desc = { NZ_ABI_VERSION, NZ_PLUGIN_EXPERIMENT, "fixture", "1.2",
                                     "test experiment with every parameter type", &iface };

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void);
NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void) { return &desc; }
