/* Reading and checking the mlp experiment's parameters. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mlp.h"

nz_status mlp_parse_hidden(const char *text, int64_t *sizes, int max, int *count)
{
    *count = 0;
    if (!text) return nz_error(NZ_ERR_INVALID, "parameter 'hidden': no value");
    /* "" means no hidden layer: a linear (softmax regression) model. */
    const char *p = text;
    while (*p) {
        if (*p < '0' || *p > '9')
            return nz_error(NZ_ERR_INVALID, "parameter 'hidden' (string): '%s' is not a comma-separated "
                            "list of layer widths such as 1024,1024", text);
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (errno || v < 1 || v > 1000000)
            return nz_error(NZ_ERR_INVALID, "parameter 'hidden': width '%.*s' in '%s' must be 1 to 1000000",
                            (int)(end - p), p, text);
        if (*count >= max)
            return nz_error(NZ_ERR_INVALID, "parameter 'hidden': '%s' has more than %d layers", text, max);
        sizes[(*count)++] = v;
        p = end;
        if (*p == ',') {
            p++;
            if (!*p) return nz_error(NZ_ERR_INVALID, "parameter 'hidden': '%s' ends with a comma", text);
        } else if (*p) {
            return nz_error(NZ_ERR_INVALID, "parameter 'hidden' (string): '%s' is not a comma-separated "
                            "list of layer widths such as 1024,1024", text);
        }
    }
    return NZ_OK;
}

nz_status mlp_cfg_read(nz_run *r, mlp_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    int nh;
    nz_status s = mlp_parse_hidden(nz_run_string(r, "hidden"), cfg->sizes + 1, MLP_MAX_LAYERS - 1, &nh);
    if (s != NZ_OK) return s;
    cfg->nsizes = nh + 2;
    if ((s = nz_activation_parse(nz_run_string(r, "activation"), &cfg->act)) != NZ_OK ||
        (s = nz_init_parse(nz_run_string(r, "init"), &cfg->init)) != NZ_OK)
        return s;
    cfg->adam = strcmp(nz_run_string(r, "optimizer"), "adam") == 0;
    cfg->lr = nz_run_float(r, "lr");
    cfg->momentum = nz_run_float(r, "momentum");
    cfg->weight_decay = nz_run_float(r, "weight_decay");
    cfg->batch = nz_run_int(r, "batch");
    cfg->epochs = nz_run_int(r, "epochs");
    cfg->max_steps = nz_run_int(r, "max_steps");
    cfg->checkpoint_every = nz_run_int(r, "checkpoint_every");
    cfg->log_every = nz_run_int(r, "log_every");
    cfg->dtype = strcmp(nz_run_string(r, "dtype"), "f64") == 0 ? NZ_F64 : NZ_F32;
    cfg->scaling = nz_run_string(r, "scaling");
    cfg->data = nz_run_string(r, "data");
    cfg->train_size = nz_run_int(r, "train_size");
    cfg->quick = strcmp(nz_run_string(r, "mode"), "quick") == 0;
    return NZ_OK;
}
