/* An experiment built outside the nazo tree, against the installed headers
 * and pkg-config file only: fill n values with `value` on the run's device,
 * sum them there, and record the sum in summary.json and metrics.csv.
 *
 *   cc -shared -fPIC oot_sum.c -o nazo-exp-ootsum.so $(pkg-config --cflags --libs nazo)
 */
#include <nazo/nazo.h>

static const nz_param_decl oot_params[] = {
    { "n", NZ_PARAM_INT, "1000", 1, 1e8, NULL, "number of values" },
    { "value", NZ_PARAM_FLOAT, "0.5", -1e6, 1e6, NULL, "value of every element" },
    { NULL, 0, NULL, 0, 0, NULL, NULL }
};

static nz_status oot_run(nz_run *r)
{
    int64_t n = nz_run_int(r, "n");
    nz_device *dev = nz_run_device(r);
    nz_tensor *x = nz_tensor_create_1d(dev, NZ_F32, n);
    nz_tensor *sum = nz_tensor_create_1d(dev, NZ_F32, 1);
    nz_status s = (x && sum) ? NZ_OK : NZ_ERR_NOMEM;
    float host = 0;
    /* The work stays on the device; only the one-element result comes back. */
    if (s == NZ_OK) s = nz_tensor_fill(x, nz_run_float(r, "value"));
    if (s == NZ_OK) s = nz_reduce(sum, NZ_RED_SUM, NZ_AXIS_ALL, x, 1.0, 0.0);
    if (s == NZ_OK) s = nz_tensor_download(sum, &host, sizeof host);
    if (s == NZ_OK) {
        static const char *const cols[] = { "n", "sum" };
        const double row[] = { (double)n, host };
        s = nz_run_metrics_columns(r, 2, cols);
        if (s == NZ_OK) s = nz_run_metrics_row(r, row);
    }
    if (s == NZ_OK) s = nz_run_summary_number(r, "sum", host);
    if (s == NZ_OK) nz_run_log(r, "sum of %lld values on %s: %g", (long long)n,
                               nz_device_id(dev), host);
    nz_tensor_free(x);
    nz_tensor_free(sum);
    return s;
}

static const nz_experiment_iface oot_iface = { oot_params, oot_run };

static const nz_plugin_desc oot_desc = {
    NZ_ABI_VERSION, NZ_PLUGIN_EXPERIMENT, "ootsum", "1.0",
    "out-of-tree example: sums a filled tensor on the device", &oot_iface
};

NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void);
NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void) { return &oot_desc; }
