/* Names of configurations and what each activation needs from the op set. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gf.h"

static const char *const init_labels[GF_INIT_COUNT] = {
    "standard", "glorot", "he", "orthogonal", "normal"};

const char *gf_init_label(gf_init i)
{
    return (unsigned)i < GF_INIT_COUNT ? init_labels[i] : "?";
}

nz_status gf_init_from_name(const char *name, gf_init *out)
{
    for (int i = 0; name && i < GF_INIT_COUNT; i++)
        if (strcmp(name, init_labels[i]) == 0) {
            *out = (gf_init)i;
            return NZ_OK;
        }
    return nz_error(NZ_ERR_INVALID, "gradflow: unknown initialiser '%s' (standard, glorot, he, "
                    "orthogonal, normal)", name ? name : "(null)");
}

void gf_config_label(const gf_config *c, char *buf, size_t len)
{
    snprintf(buf, len, "%s-%s-d%d", nz_activation_name(c->act), gf_init_label(c->init),
             c->depth);
}

nz_unary_fn gf_act_unary(nz_activation a)
{
    switch (a) {
    case NZ_ACT_RELU: return NZ_UN_RELU;
    case NZ_ACT_SIGMOID: return NZ_UN_SIGMOID;
    case NZ_ACT_TANH: return NZ_UN_TANH;
    case NZ_ACT_GELU: return NZ_UN_GELU;
    default: return NZ_UN_IDENTITY;
    }
}

nz_binary_fn gf_act_bwd(nz_activation a)
{
    switch (a) {
    case NZ_ACT_RELU: return NZ_BIN_RELU_BWD;
    case NZ_ACT_SIGMOID: return NZ_BIN_SIGMOID_BWD;
    case NZ_ACT_TANH: return NZ_BIN_TANH_BWD;
    case NZ_ACT_GELU: return NZ_BIN_GELU_BWD;
    default: return NZ_BIN_MUL;
    }
}

/* The backend's derivative ops read z for relu/gelu and the output for
 * sigmoid/tanh (backend.h), so the net keeps whichever the op wants. */
int gf_act_bwd_takes_z(nz_activation a)
{
    return a == NZ_ACT_RELU || a == NZ_ACT_GELU;
}

double gf_act_dmax(nz_activation a)
{
    switch (a) {
    case NZ_ACT_SIGMOID: return 0.25;
    /* GELU' = Phi(z) + z phi(z) peaks where phi(z)(2 - z^2) = 0: z = sqrt(2). */
    case NZ_ACT_GELU: return 0.5 * (1.0 + erf(1.0)) + sqrt(2.0) * exp(-1.0) / sqrt(2.0 * M_PI);
    default: return 1.0;
    }
}
