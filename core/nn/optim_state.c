/* Access to an optimizer's state for checkpoints: the moments and the step
 * count are what a resumed run needs to continue bit for bit. */
#include "optim_internal.h"

const char *nz_optimizer_kind(const nz_optimizer *o)
{
    if (!o) return "";
    return o->kind == OPT_SGD ? "sgd" : "adam";
}

size_t nz_optimizer_param_count(const nz_optimizer *o)
{
    return o ? o->n : 0;
}

size_t nz_optimizer_state_slots(const nz_optimizer *o)
{
    if (!o) return 0;
    return (o->m ? 1u : 0u) + (o->v ? 1u : 0u);
}

nz_tensor *nz_optimizer_state(nz_optimizer *o, size_t param, size_t slot)
{
    if (!o || param >= o->n || slot >= nz_optimizer_state_slots(o)) {
        nz_error(NZ_ERR_INVALID, "nz_optimizer_state: parameter %zu slot %zu: the optimizer has %zu "
                 "parameters and %zu state slots", param, slot, o ? o->n : 0,
                 nz_optimizer_state_slots(o));
        return NULL;
    }
    /* Slots in order m, v, skipping the one the optimizer does not keep. */
    if (o->m && slot == 0) return o->m[param];
    return o->v[param];
}

nz_status nz_optimizer_set_steps(nz_optimizer *o, int64_t steps)
{
    if (!o || steps < 0)
        return nz_error(NZ_ERR_INVALID, "nz_optimizer_set_steps: need an optimizer and steps >= 0 (got %lld)",
                        (long long)steps);
    o->t = steps;
    return NZ_OK;
}
