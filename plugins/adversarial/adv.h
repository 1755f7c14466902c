/* adversarial: FGSM / PGD attacks in an L-infinity ball of raw [0,1] pixel
 * units, standard vs adversarial training, robust accuracy over a sweep of
 * epsilon.  Shared declarations of the plugin's files. */
#ifndef NAZO_ADV_H
#define NAZO_ADV_H

#include <stdint.h>

#include "nazo/nazo.h"

/* A classifier: an MLP whose activation we remember so that attacks can run
 * it with the weights as constants (no weight gradients: ~1/3 less work). */
typedef struct adv_model {
    nz_mlp *mlp;
    nz_activation act;
} adv_model;

/* One attack: `steps` signed-gradient steps of `step_size` from x0 (or from
 * a uniform random point of the ball), each followed by the projection
 * delta = clamp(x - x0, -eps, eps), x = clamp(x0 + delta, 0, 1).  FGSM is
 * steps = 1, step_size = eps, no random start.  With restarts > 1 each
 * example keeps the first perturbation that fools the model.  Random starts
 * draw from nz_random(seed, stream, counter): `counter` advances with every
 * draw, so a sequence of attacks is the same on every device. */
typedef struct adv_attack {
    double eps, step_size;
    int steps, restarts, random_start;
    uint64_t seed, stream, counter;
} adv_attack;

/* Scratch space for attacks on batches of up to `cap` rows of d features. */
typedef struct adv_work {
    int64_t cap, d;
    nz_tensor *cur, *tmp, *adv;    /* [cap, d]: restart, scratch, result */
    nz_tensor *mask;               /* [cap, 1] */
    int32_t *pred;                 /* cap, host */
    float *mask_host;              /* cap, host */
    nz_graph *g;
} adv_work;

nz_status adv_work_init(adv_work *w, nz_device *dev, int64_t cap, int64_t d);
void adv_work_release(adv_work *w);

/* Logits of x (weights as constants; x needs no gradient unless x_grad). */
nz_var *adv_forward(nz_graph *g, const adv_model *m, nz_var *x);

/* Attack the rows of x0 ([m, d], m <= cap) with labels y (device, NZ_I32)
 * and y_host.  Writes the adversarial examples to x_adv ([m, d]), and per
 * row the prediction on x_adv (pred, may be NULL) and whether it is wrong
 * (fooled, may be NULL).  eps == 0 evaluates x0 itself.  y_host may be NULL
 * (training) for one restart with eps > 0 and neither pred nor fooled. */
nz_status adv_attack_run(adv_work *w, const adv_model *m, adv_attack *a, const nz_tensor *x0,
                         const nz_tensor *y, const int32_t *y_host, nz_tensor *x_adv, int32_t *pred,
                         int32_t *fooled);

/* Predictions of the rows of x into host pred (m values). */
nz_status adv_predict(adv_work *w, const adv_model *m, const nz_tensor *x, int32_t *pred);

/* ---- training (adv_train.c) ---- */

typedef enum adv_mode { ADV_STANDARD = 0, ADV_PGD, ADV_FGSM_RS, ADV_MODES } adv_mode;
const char *adv_mode_name(adv_mode mode);

typedef struct adv_train_cfg {
    int64_t batch, epochs;
    double lr;
    double eps;           /* training ball */
    int pgd_steps;        /* PGD-k */
    double pgd_step_size; /* per step */
    uint64_t seed;
} adv_train_cfg;

/* Train m on `train` (features in [0,1]) with Adam: on the clean batches
 * (standard), on PGD-k examples from a random start (Madry et al.'s
 * min-max), or on one FGSM step of 1.25 eps from a random start (Wong et
 * al.).  Logs the loss per epoch; stops with NZ_ERR_INTERRUPTED on a signal.
 * *mean_loss gets the last epoch's mean training loss. */
nz_status adv_train(nz_run *r, adv_model *m, adv_mode mode, const nz_dataset *train,
                    const adv_train_cfg *cfg, double *mean_loss);

/* ---- evaluation (adv_eval.c) ---- */

/* Accuracy of m on the n rows of (x, y, y_host) under attack a (eps 0:
 * clean), in batches of the workspace's capacity.  With `broken` (n flags,
 * may be NULL) the rows fooled now are OR-ed in and *acc_nested gets the
 * accuracy over rows never broken: called over ascending eps, an example
 * broken at a smaller eps stays broken, since that perturbation lies inside
 * every larger ball. */
nz_status adv_eval(adv_work *w, const adv_model *m, adv_attack *a, nz_tensor *x, nz_tensor *y,
                   const int32_t *y_host, int32_t *broken, double *acc, double *acc_nested);

#endif
