/* The picture: clean test images, their PGD adversarial versions and the
 * perturbations, for the standard and the PGD-trained model.  A PNG holds no
 * text, so the labels and predictions go to the log and summary.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adv_run.h"

static const char *const class_names[10] = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

static const char *class_name(int32_t k)
{
    return k >= 0 && k < 10 ? class_names[k] : "?";
}

static void put_ints(FILE *f, const char *key, const int32_t *v, int n)
{
    fprintf(f, ", \"%s\": [", key);
    for (int i = 0; i < n; i++) fprintf(f, "%s%d", i ? ", " : "", (int)v[i]);
    fputc(']', f);
}

nz_status adv_report_grid(nz_run *r, const adv_cfg *c, adv_model *const *models, adv_work *w,
                          nz_tensor *x, nz_tensor *y, const int32_t *y_host)
{
    int n = c->grid_n < nz_tensor_rows_count(x) ? c->grid_n : (int)nz_tensor_rows_count(x);
    if (n > w->cap) n = (int)w->cap;
    int64_t d = w->d, side = 28;
    if (d != side * side) return nz_error(NZ_ERR_INVALID, "adversarial: the grid needs 28x28 images");
    nz_tensor *x0 = nz_tensor_rows(x, 0, n), *y0 = nz_tensor_rows(y, 0, n);
    nz_tensor *xadv = nz_tensor_rows(w->adv, 0, n);
    nz_tensor *pert = nz_tensor_create_2d(nz_tensor_device(x), NZ_F32, n, d);
    float *pix = malloc(sizeof(float) * (size_t)(5 * n * d));
    int32_t pred[2][2][32]; /* [model][clean, adversarial][image] */
    nz_status s = x0 && y0 && xadv && pert && pix ? NZ_OK : nz_error(NZ_ERR_NOMEM, "adversarial: grid");
    if (s == NZ_OK) s = nz_tensor_download(x0, pix, sizeof(float) * (size_t)(n * d));
    for (int mi = 0; s == NZ_OK && mi < 2; mi++) {
        /* The evaluation PGD at the headline eps, on its own random stream. */
        adv_attack a = adv_eval_attack(c, nz_run_seed(r), 100 + mi, c->eps_index, 1);
        s = adv_predict(w, models[mi], x0, pred[mi][0]);
        if (s == NZ_OK) s = adv_attack_run(w, models[mi], &a, x0, y0, y_host, xadv, pred[mi][1], NULL);
        /* Perturbation delta in [-eps, eps] shown as delta / (2 eps) + 0.5:
         * mid-gray is no change. */
        if (s == NZ_OK) s = nz_binary(pert, NZ_BIN_SUB, xadv, x0, 1.0, 0.0);
        if (s == NZ_OK) s = nz_unary(pert, NZ_UN_AFFINE, pert, 0.5 / c->eps, 0.5, 1.0, 0.0);
        float *row = pix + (size_t)(1 + 2 * mi) * n * d;
        if (s == NZ_OK) s = nz_tensor_download(xadv, row, sizeof(float) * (size_t)(n * d));
        if (s == NZ_OK) s = nz_tensor_download(pert, row + n * d, sizeof(float) * (size_t)(n * d));
    }
    if (s == NZ_OK) s = nz_run_image_grid(r, "adversarial_grid", pix, 5 * n, n, (int)side, (int)side, 0.0f, 1.0f);
    if (s == NZ_OK) {
        nz_run_log(r, "adversarial_grid.png: rows = clean; standard model: PGD image, perturbation "
                   "(gray 0, white +eps, black -eps); PGD-trained model: PGD image, perturbation; eps %g",
                   c->eps);
        for (int i = 0; i < n; i++)
            nz_run_log(r, "  column %d: label %s | standard: clean -> %s, adversarial -> %s | "
                       "PGD-trained: clean -> %s, adversarial -> %s", i, class_name(y_host[i]),
                       class_name(pred[0][0][i]), class_name(pred[0][1][i]), class_name(pred[1][0][i]),
                       class_name(pred[1][1][i]));
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        if (!f) {
            s = nz_error(NZ_ERR_NOMEM, "adversarial: grid summary");
        } else {
            fprintf(f, "{\"file\": \"adversarial_grid.png\", \"eps\": %g, \"rows\": [\"clean\", "
                    "\"standard: PGD\", \"standard: perturbation\", \"pgd-trained: PGD\", "
                    "\"pgd-trained: perturbation\"], \"classes\": [", c->eps);
            for (int k = 0; k < 10; k++) fprintf(f, "%s\"%s\"", k ? ", " : "", class_names[k]);
            fputc(']', f);
            put_ints(f, "labels", y_host, n);
            put_ints(f, "standard_clean_pred", pred[0][0], n);
            put_ints(f, "standard_adv_pred", pred[0][1], n);
            put_ints(f, "pgd_clean_pred", pred[1][0], n);
            put_ints(f, "pgd_adv_pred", pred[1][1], n);
            fputc('}', f);
            fclose(f);
            s = nz_run_summary_json(r, "grid", text);
            free(text);
        }
    }
    if (s == NZ_OK) s = nz_run_summary_write(r);
    free(pix);
    nz_tensor_free(pert);
    nz_tensor_free(xadv);
    nz_tensor_free(x0);
    nz_tensor_free(y0);
    return s;
}
