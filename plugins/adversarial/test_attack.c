/* The attacks against a linear two-class model, logits = x W + b, whose
 * worst case in an L-inf ball is known in closed form: every pixel moves by
 * eps * sign(w_other - w_label) (then clamped to [0, 1]), and the margin
 * z_label - z_other drops by exactly eps * ||w1 - w0||_1 when no pixel hits
 * the box.  Usage: test_adv_attack [device] (default cpu). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adv.h"

#include "test_check.h"

enum { D = 16, M = 40 };

static double wv[2][D], bv[2]; /* w_o[j], b_o */

/* Set the linear model's weights from wv/bv, whatever the layer layout. */
static void set_weights(adv_model *m)
{
    nz_dense *l = nz_mlp_layer(m->mlp, 0);
    float w[2 * D], b[2];
    for (int o = 0; o < 2; o++)
        for (int j = 0; j < D; j++) w[l->weight_out_in ? o * D + j : j * 2 + o] = (float)wv[o][j];
    b[0] = (float)bv[0];
    b[1] = (float)bv[1];
    if (nz_tensor_upload(l->w.value, w, sizeof w) != NZ_OK || nz_tensor_upload(l->b.value, b, sizeof b) != NZ_OK)
        fprintf(stderr, "upload: %s\n", nz_last_error()), exit(1);
}

/* z_label - z_other in double on the host. */
static double margin(const float *x, int label)
{
    double z[2] = { bv[0], bv[1] };
    for (int o = 0; o < 2; o++)
        for (int j = 0; j < D; j++) z[o] += wv[o][j] * x[j];
    return z[label] - z[1 - label];
}

static double sgn(double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0; }

typedef struct fixture {
    nz_device *dev;
    adv_model model;
    adv_work work;
    float x0[M * D];
    int32_t y[M];
    nz_tensor *tx, *ty, *tadv;
} fixture;

static void upload_inputs(fixture *f)
{
    nz_tensor_upload(f->tx, f->x0, sizeof f->x0);
    nz_tensor_upload(f->ty, f->y, sizeof f->y);
}

/* Closed form: the attack lands on the ball's corner (clamped to the box). */
static void check_corner(fixture *f, adv_attack a, const char *what)
{
    float xa[M * D];
    int32_t pred[M], fooled[M];
    CHECK(adv_attack_run(&f->work, &f->model, &a, f->tx, f->ty, f->y, f->tadv, pred, fooled) == NZ_OK,
          "%s: %s", what, nz_last_error());
    nz_tensor_download(f->tadv, xa, sizeof xa);
    int bad = 0, bad_margin = 0, bad_flag = 0;
    double l1 = 0;
    for (int j = 0; j < D; j++) l1 += fabs(wv[1][j] - wv[0][j]);
    for (int i = 0; i < M; i++) {
        int lab = f->y[i], interior = 1;
        for (int j = 0; j < D; j++) {
            double x0 = f->x0[i * D + j];
            double want = x0 + a.eps * sgn(wv[1 - lab][j] - wv[lab][j]);
            if (want < 0 || want > 1) interior = 0;
            want = want < 0 ? 0 : want > 1 ? 1 : want;
            if (fabs(xa[i * D + j] - want) > 1e-6 && bad++ < 3)
                fprintf(stderr, "  %s: row %d pixel %d = %.7f, want %.7f\n", what, i, j, xa[i * D + j], want);
        }
        double drop = margin(f->x0 + i * D, lab) - margin(xa + i * D, lab);
        if (interior && fabs(drop - a.eps * l1) > 1e-4 * (1 + l1) && bad_margin++ < 3)
            fprintf(stderr, "  %s: row %d margin drop %.6f, want eps*||w1-w0||_1 = %.6f\n", what, i, drop,
                    a.eps * l1);
        int wrong = margin(xa + i * D, lab) < 0;
        if ((fooled[i] != wrong || (pred[i] != lab) != wrong) && bad_flag++ < 3)
            fprintf(stderr, "  %s: row %d fooled %d pred %d, margin %.6f\n", what, i, fooled[i], pred[i],
                    margin(xa + i * D, lab));
    }
    CHECK(bad == 0, "%s: %d pixels off the closed-form corner", what, bad);
    CHECK(bad_margin == 0, "%s: %d margins off eps*||w1-w0||_1", what, bad_margin);
    CHECK(bad_flag == 0, "%s: %d fooled flags / predictions inconsistent", what, bad_flag);
}

int main(int argc, char **argv)
{
    const char *devname = argc > 1 ? argv[1] : "cpu";
    nz_context *ctx = nz_context_create();
    fixture f;
    memset(&f, 0, sizeof f);
    nz_status st = ctx ? nz_device_open(ctx, devname, &f.dev) : NZ_ERR_NOMEM;
    if (st != NZ_OK) {
        /* A backend without a usable device here (no OpenCL platform) skips. */
        fprintf(stderr, "cannot open %s: %s\n", devname, nz_last_error());
        return st == NZ_ERR_UNAVAILABLE && strcmp(devname, "cpu") != 0 ? 77 : 1;
    }
    int64_t sizes[2] = { D, 2 };
    f.model.act = NZ_ACT_RELU; /* unused: one layer */
    f.model.mlp = nz_mlp_create(f.dev, NZ_F32, 2, sizes, NZ_ACT_RELU, NZ_INIT_ZEROS, 1);
    if (!f.model.mlp || adv_work_init(&f.work, f.dev, M, D) != NZ_OK) {
        fprintf(stderr, "setup: %s\n", nz_last_error());
        return 1;
    }
    /* w1 - w0 alternates in sign and never vanishes; |w1 - w0| in [0.5, 1.25]. */
    for (int j = 0; j < D; j++) {
        wv[0][j] = 0.1 * (j % 3) - 0.1;
        wv[1][j] = wv[0][j] + (j % 2 ? 1 : -1) * (0.5 + 0.05 * j);
    }
    bv[0] = 0.05;
    bv[1] = -0.05;
    set_weights(&f.model);
    f.tx = nz_tensor_create_2d(f.dev, NZ_F32, M, D);
    f.ty = nz_tensor_create_1d(f.dev, NZ_I32, M);
    f.tadv = nz_tensor_create_2d(f.dev, NZ_F32, M, D);

    /* Interior points: no pixel reaches the box at eps = 0.1. */
    for (int i = 0; i < M; i++) {
        f.y[i] = i % 2;
        for (int j = 0; j < D; j++) f.x0[i * D + j] = 0.3f + 0.4f * (float)((i * 7 + j * 3) % 11) / 10.0f;
    }
    upload_inputs(&f);
    adv_attack fgsm = { 0.1, 0.1, 1, 1, 0, 7, 1, 0 };
    check_corner(&f, fgsm, "FGSM interior");
    adv_attack pgd = { 0.1, 0.05, 8, 1, 1, 7, 2, 0 };
    check_corner(&f, pgd, "PGD random start interior");
    CHECK(pgd.counter == 0, "the caller's copy is not advanced"); /* passed by value */
    adv_attack small = { 0.1, 0.01, 15, 1, 0, 7, 3, 0 };
    check_corner(&f, small, "PGD small steps interior");
    adv_attack restarts = { 0.1, 0.05, 6, 3, 1, 7, 4, 0 };
    check_corner(&f, restarts, "PGD 3 restarts interior");

    /* Points near the box: the corner is clamped to [0, 1]. */
    for (int i = 0; i < M; i++)
        for (int j = 0; j < D; j++) f.x0[i * D + j] = (i + j) % 2 ? 0.03f : 0.97f;
    upload_inputs(&f);
    check_corner(&f, fgsm, "FGSM near the box");
    check_corner(&f, pgd, "PGD near the box");

    /* Restarts keep a perturbation that fools: with step 0 the attack is its
     * random start; the fooled set of 4 restarts contains that of 1 (restart
     * 0 draws the same noise) and every row flagged is really misclassified. */
    for (int i = 0; i < M; i++) {
        f.y[i] = 0;
        for (int j = 0; j < D; j++) f.x0[i * D + j] = 0.5f;
    }
    /* Margin at 0.5: shift b so it is about one standard deviation of the
     * random start's effect, then vary it by row. */
    double l2 = 0;
    for (int j = 0; j < D; j++) l2 += (wv[1][j] - wv[0][j]) * (wv[1][j] - wv[0][j]);
    double sd = 0.1 * sqrt(l2 / 3.0);
    for (int i = 0; i < M; i++) f.x0[i * D] = 0.5f;
    bv[0] = 0.0;
    bv[1] = 0.0;
    double base = margin(f.x0, 0);
    bv[0] = sd * 0.8 - base;
    set_weights(&f.model);
    upload_inputs(&f);
    adv_attack one = { 0.1, 0.0, 1, 1, 1, 9, 5, 0 }, four = one;
    four.restarts = 4;
    int32_t fool1[M], fool4[M], pred4[M];
    float xa[M * D];
    CHECK(adv_attack_run(&f.work, &f.model, &one, f.tx, f.ty, f.y, f.tadv, NULL, fool1) == NZ_OK, "%s",
          nz_last_error());
    CHECK(one.counter == (uint64_t)M * D, "one random start advances the counter by %d, got %llu", M * D,
          (unsigned long long)one.counter);
    CHECK(adv_attack_run(&f.work, &f.model, &four, f.tx, f.ty, f.y, f.tadv, pred4, fool4) == NZ_OK, "%s",
          nz_last_error());
    CHECK(four.counter == 4ull * M * D, "four random starts advance the counter by 4*m*d, got %llu",
          (unsigned long long)four.counter);
    nz_tensor_download(f.tadv, xa, sizeof xa);
    int n1 = 0, n4 = 0, lost = 0, fake = 0, outside = 0;
    for (int i = 0; i < M; i++) {
        n1 += fool1[i];
        n4 += fool4[i];
        lost += fool1[i] && !fool4[i];
        fake += fool4[i] != (margin(xa + i * D, 0) < 0) || (pred4[i] != 0) != fool4[i];
        for (int j = 0; j < D; j++)
            outside += fabsf(xa[i * D + j] - f.x0[i * D + j]) > 0.1f + 1e-6f;
    }
    CHECK(n1 > 0 && n1 < M, "one random start fools %d of %d rows; the test wants some, not all", n1, M);
    CHECK(lost == 0, "%d rows fooled by restart 0 were lost by later restarts", lost);
    CHECK(n4 > n1, "4 restarts fooled %d rows, 1 restart %d: restarts added nothing", n4, n1);
    CHECK(fake == 0, "%d rows flagged inconsistently with their adversarial example", fake);
    CHECK(outside == 0, "%d pixels outside the eps ball", outside);

    /* eps = 0 is the clean evaluation: x unchanged, fooled = misclassified. */
    adv_attack none = { 0.0, 0.0, 1, 1, 1, 9, 6, 0 };
    int32_t fool0[M];
    CHECK(adv_attack_run(&f.work, &f.model, &none, f.tx, f.ty, f.y, f.tadv, NULL, fool0) == NZ_OK, "%s",
          nz_last_error());
    int any = 0;
    for (int i = 0; i < M; i++) any += fool0[i];
    CHECK(any == 0, "clean points with positive margin counted as fooled (%d)", any);

    /* A batch larger than the workspace is refused with a message. */
    nz_tensor *big = nz_tensor_create_2d(f.dev, NZ_F32, M + 1, D);
    nz_tensor *bigy = nz_tensor_create_1d(f.dev, NZ_I32, M + 1);
    CHECK(adv_attack_run(&f.work, &f.model, &one, big, bigy, f.y, big, NULL, NULL) == NZ_ERR_INVALID &&
              strstr(nz_last_error(), "workspace"),
          "oversized batch: %s", nz_last_error());
    nz_tensor_free(big);
    nz_tensor_free(bigy);

    nz_tensor_free(f.tx);
    nz_tensor_free(f.ty);
    nz_tensor_free(f.tadv);
    adv_work_release(&f.work);
    nz_mlp_free(f.model.mlp);
    nz_context_free(ctx);
    if (failures) fprintf(stderr, "%d failure(s) on %s\n", failures, devname);
    else printf("attacks match the closed form on %s\n", devname);
    return failures ? 1 : 0;
}
