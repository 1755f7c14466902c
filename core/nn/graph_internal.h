/* The tape's insides, shared by the nn source files.  Internal to the core. */
#ifndef NAZO_CORE_NN_GRAPH_INTERNAL_H
#define NAZO_CORE_NN_GRAPH_INTERNAL_H

#include "nazo/nn.h"

struct nz_var {
    nz_tensor *value;
    nz_tensor *grad;   /* NULL until the first contribution (params: p->grad) */
    nz_param *param;   /* non-NULL for parameter leaves */
    int requires_grad;
    int grad_ready;    /* grad holds a contribution; later ones accumulate */
    int grad_is_one;   /* the seed of backward: exactly 1 */
};

typedef struct nz_node nz_node;
typedef nz_status (*nz_backward_fn)(nz_graph *g, nz_node *n);

/* One recorded op: out = f(in[0], in[1]) and what its backward needs. */
struct nz_node {
    const char *name;          /* for messages: "matmul" */
    nz_backward_fn backward;
    nz_var *out;
    nz_var *in[2];
    nz_tensor *saved;          /* pool tensor kept for backward (or NULL) */
    const nz_tensor *labels;   /* borrowed (softmax cross-entropy) */
    int flag[2];               /* transposes, activation kind */
    double alpha;
};

/* The graph's sticky status; ops return NULL once it is set. */
int nz_g_failed(const nz_graph *g);
/* Record a failure (the message is already set) and return NULL. */
nz_var *nz_g_fail(nz_graph *g, nz_status st, const char *op);
/* Check the n (1 or 2) inputs of an op: non-NULL, graph dtype.  NZ_OK, or
 * the sticky failure recorded. */
nz_status nz_g_check_inputs(nz_graph *g, const char *op, int n, nz_var *a, nz_var *b);
/* A tensor of the graph's dtype and this shape, from the pool. */
nz_tensor *nz_g_tensor(nz_graph *g, int ndim, const int64_t *shape);
nz_tensor *nz_g_tensor_like(nz_graph *g, const nz_tensor *t);
/* A new var holding `value` (pool-owned); requires_grad from the inputs. */
nz_var *nz_g_var(nz_graph *g, nz_tensor *value, int requires_grad);
/* Append a node; returns it zeroed but for name/backward/out, or NULL. */
nz_node *nz_g_record(nz_graph *g, const char *name, nz_backward_fn bw, nz_var *out);

/* Wrap a computed value in a var and, when it needs a gradient, record a
 * node with inputs a, b (either may be NULL); *node (may be NULL) receives
 * the node or NULL when none was recorded.  NULL on failure (sticky). */
nz_var *nz_g_output(nz_graph *g, const char *op, nz_backward_fn bw, nz_tensor *value,
                    nz_var *a, nz_var *b, nz_node **node);

/* Where to write v's gradient contribution: *t and *beta (0 for the first
 * contribution, 1 to accumulate).  Call nz_g_grad_done() after the op. */
nz_status nz_g_grad_target(nz_graph *g, nz_var *v, nz_tensor **t, double *beta);
static inline void nz_g_grad_done(nz_var *v) { v->grad_ready = 1; }
static inline int nz_g_wants(const nz_var *v) { return v && v->requires_grad; }

#endif
