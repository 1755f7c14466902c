/* bench_train: samples per second of one MLP training epoch on every
 * device, next to a plain C loop over OpenBLAS. */
#ifndef NAZO_BENCH_TRAIN_H
#define NAZO_BENCH_TRAIN_H

#include "nazo/nazo.h"

/* Untimed steps before the clock starts (thread pools, kernel builds). */
#define BT_WARMUP 5

double bt_now(void);

/* `steps` timed SGD steps of the MLP `sizes` on ds (batches of `batch`);
 * returns the seconds and the first and last timed losses. */
double bt_nazo_loop(nz_device *dev, const nz_dataset *ds, const int64_t *sizes, int nsizes, int64_t batch,
                    int64_t steps, double lr, double *first_loss, double *last_loss);
double bt_blas_loop(const nz_dataset *ds, const int64_t *sizes, int nsizes, int64_t batch, int64_t steps,
                    double lr, double *first_loss, double *last_loss);

#endif
