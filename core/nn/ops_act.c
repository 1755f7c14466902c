/* Recorded activations.  Backward goes through the fused derivative ops
 * NZ_BIN_*_BWD, which take the pre-activation (relu, gelu) or the output
 * (sigmoid, tanh): whichever makes the derivative cheapest. */
#include <string.h>

#include "nn/graph_internal.h"

static const char *const act_names[NZ_ACT_COUNT] = {"identity", "relu", "sigmoid", "tanh",
                                                    "gelu"};

const char *nz_activation_name(nz_activation a)
{
    return (unsigned)a < NZ_ACT_COUNT ? act_names[a] : "?";
}

nz_status nz_activation_parse(const char *name, nz_activation *out)
{
    for (int i = 0; name && i < NZ_ACT_COUNT; i++)
        if (strcmp(name, act_names[i]) == 0) {
            *out = (nz_activation)i;
            return NZ_OK;
        }
    return nz_error(NZ_ERR_INVALID,
                    "unknown activation '%s': choose identity, relu, sigmoid, tanh or gelu",
                    name ? name : "(null)");
}

static const nz_unary_fn fwd_fn[NZ_ACT_COUNT] = {NZ_UN_IDENTITY, NZ_UN_RELU, NZ_UN_SIGMOID,
                                                  NZ_UN_TANH, NZ_UN_GELU};
static const nz_binary_fn bwd_fn[NZ_ACT_COUNT] = {NZ_BIN_ADD /* unused */, NZ_BIN_RELU_BWD,
                                                   NZ_BIN_SIGMOID_BWD, NZ_BIN_TANH_BWD,
                                                   NZ_BIN_GELU_BWD};

static nz_status act_bw(nz_graph *g, nz_node *n)
{
    nz_var *x = n->in[0];
    nz_activation a = (nz_activation)n->flag[0];
    /* relu and gelu need z, sigmoid and tanh their output. */
    const nz_tensor *saved = (a == NZ_ACT_RELU || a == NZ_ACT_GELU) ? x->value : n->out->value;
    nz_tensor *t;
    double beta;
    nz_status st = nz_g_grad_target(g, x, &t, &beta);
    if (st == NZ_OK)
        st = nz_binary(t, bwd_fn[a], n->out->grad, saved, 1.0, beta);
    if (st == NZ_OK)
        nz_g_grad_done(x);
    return st;
}

nz_var *nz_v_act(nz_graph *g, nz_var *x, nz_activation act)
{
    if (!g || nz_g_check_inputs(g, "activation", 1, x, NULL) != NZ_OK)
        return NULL;
    if ((unsigned)act >= NZ_ACT_COUNT) {
        nz_error(NZ_ERR_INVALID, "unknown activation %d: use an nz_activation value", (int)act);
        return nz_g_fail(g, NZ_ERR_INVALID, "activation");
    }
    /* The identity changes nothing, value or gradient: no copy, no node. */
    if (act == NZ_ACT_IDENTITY)
        return x;
    nz_tensor *y = nz_g_tensor_like(g, x->value);
    if (!y)
        return nz_g_fail(g, NZ_ERR_NOMEM, act_names[act]);
    nz_status st = nz_unary(y, fwd_fn[act], x->value, 0, 0, 1.0, 0.0);
    if (st != NZ_OK)
        return nz_g_fail(g, st, act_names[act]);
    nz_node *node;
    nz_var *out = nz_g_output(g, act_names[act], act_bw, y, x, NULL, &node);
    if (node)
        node->flag[0] = act;
    return out;
}
