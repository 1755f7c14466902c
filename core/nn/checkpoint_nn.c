/* Saving and restoring training state: an MLP's parameters and an
 * optimizer's state, by name, with the structure checked before any value
 * is uploaded so a mismatched checkpoint never half-loads a model. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "checkpoint_internal.h"

static nz_status key(char *buf, size_t size, const char *prefix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static nz_status key(char *buf, size_t size, const char *prefix, const char *fmt, ...)
{
    char tail[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tail, sizeof tail, fmt, ap);
    va_end(ap);
    if ((size_t)snprintf(buf, size, "%s%s", prefix ? prefix : "", tail) >= size)
        return nz_error(NZ_ERR_INVALID, "checkpoint prefix '%s' too long", prefix);
    return NZ_OK;
}

nz_status nz_checkpoint_put_mlp(nz_checkpoint *ck, const char *prefix, nz_mlp *m)
{
    if (!ck || !m) return nz_error(NZ_ERR_INVALID, "nz_checkpoint_put_mlp: NULL argument");
    char k[256];
    nz_status s;
    int nl = nz_mlp_layer_count(m);
    if ((s = key(k, sizeof k, prefix, "layers")) != NZ_OK || (s = nz_checkpoint_put_int(ck, k, nl)) != NZ_OK)
        return s;
    for (int i = 0; i < nl; i++) {
        const nz_dense *l = nz_mlp_layer(m, i);
        if ((s = key(k, sizeof k, prefix, "sizes.%d", i)) != NZ_OK ||
            (s = nz_checkpoint_put_int(ck, k, l->in)) != NZ_OK)
            return s;
        if (i == nl - 1 && ((s = key(k, sizeof k, prefix, "sizes.%d", nl)) != NZ_OK ||
                            (s = nz_checkpoint_put_int(ck, k, l->out)) != NZ_OK))
            return s;
    }
    nz_param **p = nz_mlp_params(m);
    for (size_t i = 0; i < nz_mlp_param_count(m); i++)
        if ((s = key(k, sizeof k, prefix, "%s", p[i]->name)) != NZ_OK ||
            (s = nz_checkpoint_put_tensor(ck, k, p[i]->value)) != NZ_OK)
            return s;
    return NZ_OK;
}

nz_status nz_checkpoint_load_mlp(const nz_checkpoint *ck, const char *prefix, nz_mlp *m)
{
    if (!ck || !m) return nz_error(NZ_ERR_INVALID, "nz_checkpoint_load_mlp: NULL argument");
    char k[256];
    nz_status s;
    int64_t nl;
    int want = nz_mlp_layer_count(m);
    if ((s = key(k, sizeof k, prefix, "layers")) != NZ_OK || (s = nz_checkpoint_get_int(ck, k, &nl)) != NZ_OK)
        return s;
    if (nl != want)
        return nz_error(NZ_ERR_INVALID, "checkpoint %s holds an MLP of %lld layers, the model has %d; "
                        "resume with the parameters the run was started with", ck->source,
                        (long long)nl, want);
    for (int i = 0; i <= want; i++) {
        int64_t size, have = i < want ? nz_mlp_layer(m, i)->in : nz_mlp_layer(m, want - 1)->out;
        if ((s = key(k, sizeof k, prefix, "sizes.%d", i)) != NZ_OK ||
            (s = nz_checkpoint_get_int(ck, k, &size)) != NZ_OK)
            return s;
        if (size != have)
            return nz_error(NZ_ERR_INVALID, "checkpoint %s: layer size %d is %lld, the model has %lld; "
                            "resume with the parameters the run was started with", ck->source, i,
                            (long long)size, (long long)have);
    }
    /* Check every tensor's presence before touching the model. */
    nz_param **p = nz_mlp_params(m);
    size_t np = nz_mlp_param_count(m);
    for (size_t i = 0; i < np; i++) {
        if ((s = key(k, sizeof k, prefix, "%s", p[i]->name)) != NZ_OK) return s;
        const nz_ck_entry *e = nz_ck_find(ck, k);
        if (!e || e->kind != NZ_CK_TENSOR)
            return nz_error(NZ_ERR_NOT_FOUND, "checkpoint %s has no tensor '%s'", ck->source, k);
    }
    for (size_t i = 0; i < np; i++)
        if ((s = key(k, sizeof k, prefix, "%s", p[i]->name)) != NZ_OK ||
            (s = nz_checkpoint_load_tensor(ck, k, p[i]->value)) != NZ_OK)
            return s;
    return NZ_OK;
}

nz_status nz_checkpoint_put_optimizer(nz_checkpoint *ck, const char *prefix, nz_optimizer *o)
{
    if (!ck || !o) return nz_error(NZ_ERR_INVALID, "nz_checkpoint_put_optimizer: NULL argument");
    char k[256];
    nz_status s;
    size_t slots = nz_optimizer_state_slots(o), n = nz_optimizer_param_count(o);
    if ((s = key(k, sizeof k, prefix, "kind")) != NZ_OK ||
        (s = nz_checkpoint_put_text(ck, k, nz_optimizer_kind(o))) != NZ_OK ||
        (s = key(k, sizeof k, prefix, "steps")) != NZ_OK ||
        (s = nz_checkpoint_put_int(ck, k, nz_optimizer_steps(o))) != NZ_OK ||
        (s = key(k, sizeof k, prefix, "lr")) != NZ_OK ||
        (s = nz_checkpoint_put_float(ck, k, nz_optimizer_lr(o))) != NZ_OK ||
        (s = key(k, sizeof k, prefix, "params")) != NZ_OK ||
        (s = nz_checkpoint_put_int(ck, k, (int64_t)n)) != NZ_OK ||
        (s = key(k, sizeof k, prefix, "slots")) != NZ_OK ||
        (s = nz_checkpoint_put_int(ck, k, (int64_t)slots)) != NZ_OK)
        return s;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < slots; j++) {
            nz_tensor *t = nz_optimizer_state(o, i, j);
            if (!t) return NZ_ERR_INVALID;
            if ((s = key(k, sizeof k, prefix, "state.%zu.%zu", i, j)) != NZ_OK ||
                (s = nz_checkpoint_put_tensor(ck, k, t)) != NZ_OK)
                return s;
        }
    return NZ_OK;
}

nz_status nz_checkpoint_load_optimizer(const nz_checkpoint *ck, const char *prefix, nz_optimizer *o)
{
    if (!ck || !o) return nz_error(NZ_ERR_INVALID, "nz_checkpoint_load_optimizer: NULL argument");
    char k[256];
    nz_status s;
    const char *kind;
    int64_t steps, n, slots;
    double lr;
    if ((s = key(k, sizeof k, prefix, "kind")) != NZ_OK || (s = nz_checkpoint_get_text(ck, k, &kind)) != NZ_OK ||
        (s = key(k, sizeof k, prefix, "steps")) != NZ_OK || (s = nz_checkpoint_get_int(ck, k, &steps)) != NZ_OK ||
        (s = key(k, sizeof k, prefix, "lr")) != NZ_OK || (s = nz_checkpoint_get_float(ck, k, &lr)) != NZ_OK ||
        (s = key(k, sizeof k, prefix, "params")) != NZ_OK || (s = nz_checkpoint_get_int(ck, k, &n)) != NZ_OK ||
        (s = key(k, sizeof k, prefix, "slots")) != NZ_OK || (s = nz_checkpoint_get_int(ck, k, &slots)) != NZ_OK)
        return s;
    if (strcmp(kind, nz_optimizer_kind(o)) != 0 || n != (int64_t)nz_optimizer_param_count(o) ||
        slots != (int64_t)nz_optimizer_state_slots(o))
        return nz_error(NZ_ERR_INVALID, "checkpoint %s holds %s state for %lld parameters (%lld slots); "
                        "the optimizer is %s for %zu parameters (%zu slots); resume with the parameters "
                        "the run was started with", ck->source, kind, (long long)n, (long long)slots,
                        nz_optimizer_kind(o), nz_optimizer_param_count(o), nz_optimizer_state_slots(o));
    if (steps < 0) return nz_error(NZ_ERR_INVALID, "checkpoint %s: optimizer step count %lld", ck->source,
                                   (long long)steps);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < slots; j++)
            if ((s = key(k, sizeof k, prefix, "state.%lld.%lld", (long long)i, (long long)j)) != NZ_OK ||
                (s = nz_checkpoint_load_tensor(ck, k, nz_optimizer_state(o, (size_t)i, (size_t)j))) != NZ_OK)
                return s;
    nz_optimizer_set_lr(o, lr);
    return nz_optimizer_set_steps(o, steps);
}
