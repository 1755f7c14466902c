/* bench_train: one epoch of MLP training (Fashion-MNIST, 784-1024-1024-10,
 * batch 128, plain SGD) on every device and in a plain C loop over OpenBLAS,
 * measured in the same run so the numbers share the machine's state.
 *
 *   bench_train [--steps N] [--hidden 1024,1024] [--batch 128] [--device D]...
 *
 * --steps 0 (the default) means one epoch: 60000 / batch steps.  Thread
 * counts: the CPU backend's pool and OPENBLAS_NUM_THREADS (set both alike). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_train.h"

static int parse_sizes(const char *text, int64_t *sizes, int *n)
{
    *n = 1;
    sizes[0] = 784;
    for (const char *p = text; *p && *n < 15;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1) return 0;
        sizes[(*n)++] = v;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') return 0;
    }
    sizes[(*n)++] = 10;
    return 1;
}

static void row(const char *what, const char *name, int64_t samples, double secs, double ref, double l0,
                double l1)
{
    double sps = (double)samples / secs;
    printf("| %-14s | %-28.28s | %10.0f | %6.2fx | %.3f -> %.3f |\n", what, name, sps,
           ref > 0 ? sps / ref : 1.0, l0, l1);
}

int main(int argc, char **argv)
{
    int64_t steps = 0, batch = 128, sizes[16];
    int nsizes;
    const char *hidden = "1024,1024", *devices[16];
    int ndev = 0;
    double lr = 0.01;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--steps") && i + 1 < argc) steps = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--batch") && i + 1 < argc) batch = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--hidden") && i + 1 < argc) hidden = argv[++i];
        else if (!strcmp(argv[i], "--device") && i + 1 < argc && ndev < 16) devices[ndev++] = argv[++i];
        else {
            fprintf(stderr, "usage: bench_train [--steps N] [--batch B] [--hidden 1024,1024] [--device D]...\n");
            return 2;
        }
    }
    if (!parse_sizes(hidden, sizes, &nsizes) || batch < 1 || steps < 0) {
        fprintf(stderr, "bench_train: bad --hidden '%s', --batch or --steps\n", hidden);
        return 2;
    }
    nz_dataset *ds = NULL;
    const char *data = "Fashion-MNIST";
    if (nz_fashion_mnist_load(1, &ds) != NZ_OK) {
        fprintf(stderr, "bench_train: %s; using synthetic data of the same shape\n", nz_last_error());
        data = "synthetic";
        if (nz_dataset_gaussian_mixture(60000, 784, 10, 3.0, 1, &ds) != NZ_OK) return 1;
    }
    if (nz_dataset_scale01(ds, NULL) != NZ_OK) return 1;
    if (!steps) steps = ds->n / batch;
    nz_context *ctx = nz_context_create();
    if (!ctx) return 1;
    if (!ndev)
        for (size_t i = 0; i < nz_context_device_count(ctx) && ndev < 16; i++)
            devices[ndev++] = nz_context_device_entry(ctx, i)->id;
    const char *bt = getenv("OPENBLAS_NUM_THREADS");
    printf("MLP %s, %s, batch %lld, plain SGD, %lld timed steps (%lld samples) after %d warm-up steps; "
           "OPENBLAS_NUM_THREADS=%s\n\n", hidden, data, (long long)batch, (long long)steps,
           (long long)(steps * batch), BT_WARMUP, bt ? bt : "(unset)");
    printf("| loop           | device                       |  samples/s | vs BLAS | loss first -> last |\n");
    printf("|----------------|------------------------------|------------|---------|--------------------|\n");
    double l0, l1, secs = bt_blas_loop(ds, sizes, nsizes, batch, steps, lr, &l0, &l1);
    double ref = (double)(steps * batch) / secs;
    row("C + OpenBLAS", "host", steps * batch, secs, 0, l0, l1);
    int rc = 0;
    for (int i = 0; i < ndev; i++) {
        nz_device *dev;
        if (nz_device_open(ctx, devices[i], &dev) != NZ_OK) {
            fprintf(stderr, "bench_train: %s\n", nz_last_error());
            rc = 1;
            continue;
        }
        secs = bt_nazo_loop(dev, ds, sizes, nsizes, batch, steps, lr, &l0, &l1);
        if (secs < 0) {
            fprintf(stderr, "bench_train: %s: %s\n", devices[i], nz_last_error());
            rc = 1;
            continue;
        }
        char name[160];
        snprintf(name, sizeof name, "%s %s", nz_device_id(dev), nz_device_get_info(dev)->name);
        char what[32];
        snprintf(what, sizeof what, "nazo %s", nz_device_backend_name(dev));
        row(what, name, steps * batch, secs, ref, l0, l1);
    }
    nz_context_free(ctx);
    nz_dataset_free(ds);
    return rc;
}
