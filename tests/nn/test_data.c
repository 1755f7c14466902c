/* Host datasets: subsets, label noise, scaling, permutations, synthetic
 * data, and Fashion-MNIST's loading and its error message. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nazo/data.h"

static nz_dataset *mixture(int64_t n, int64_t d, int k, uint64_t seed)
{
    nz_dataset *ds = NULL;
    assert_int_equal(nz_dataset_gaussian_mixture(n, d, k, 3.0, seed, &ds), NZ_OK);
    assert_non_null(ds);
    return ds;
}

static void test_mixture_deterministic(void **state)
{
    (void)state;
    nz_dataset *a = mixture(100, 5, 3, 7), *b = mixture(100, 5, 3, 7), *c = mixture(100, 5, 3, 8);
    assert_memory_equal(a->x, b->x, sizeof(float) * 500);
    assert_memory_equal(a->y, b->y, sizeof(int32_t) * 100);
    assert_memory_not_equal(a->x, c->x, sizeof(float) * 500);
    for (int i = 0; i < 100; i++)
        assert_int_equal(a->y[i], i % 3);
    /* Unit-variance noise around the means: within-class spread ~ 1. */
    double s = 0;
    for (int i = 3; i < 100; i++)
        for (int j = 0; j < 5; j++) {
            double dlt = a->x[i * 5 + j] - a->x[(i % 3) * 5 + j];
            s += dlt * dlt;
        }
    s /= 97.0 * 5.0;
    assert_true(s > 1.0 && s < 3.0); /* difference of two N(0,1): variance 2 */
    nz_dataset_free(a);
    nz_dataset_free(b);
    nz_dataset_free(c);
    nz_dataset *bad = NULL;
    assert_int_equal(nz_dataset_gaussian_mixture(10, 2, 1, 1.0, 0, &bad), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "classes=1"));
    assert_null(bad);
}

static void test_teacher(void **state)
{
    (void)state;
    nz_dataset *a = NULL, *b = NULL;
    assert_int_equal(nz_dataset_teacher(600, 8, 4, 16, 3, &a), NZ_OK);
    assert_int_equal(nz_dataset_teacher(600, 8, 4, 16, 3, &b), NZ_OK);
    assert_memory_equal(a->y, b->y, sizeof(int32_t) * 600);
    int count[4] = {0};
    for (int i = 0; i < 600; i++) {
        assert_true(a->y[i] >= 0 && a->y[i] < 4);
        count[a->y[i]]++;
    }
    /* A random teacher uses more than one class. */
    int used = 0;
    for (int c = 0; c < 4; c++)
        used += count[c] > 0;
    assert_true(used >= 2);
    nz_dataset_free(a);
    nz_dataset_free(b);
}

static void test_subset_balanced(void **state)
{
    (void)state;
    nz_dataset *ds = mixture(300, 2, 3, 1), *s1 = NULL, *s2 = NULL, *s3 = NULL;
    assert_int_equal(nz_dataset_subset_balanced(ds, 20, 5, &s1), NZ_OK);
    assert_int_equal(nz_dataset_subset_balanced(ds, 20, 5, &s2), NZ_OK);
    assert_int_equal(nz_dataset_subset_balanced(ds, 20, 6, &s3), NZ_OK);
    assert_int_equal(s1->n, 60);
    int count[3] = {0};
    for (int i = 0; i < 60; i++)
        count[s1->y[i]]++;
    assert_int_equal(count[0], 20);
    assert_int_equal(count[1], 20);
    assert_int_equal(count[2], 20);
    assert_memory_equal(s1->x, s2->x, sizeof(float) * 120);
    assert_memory_not_equal(s1->x, s3->x, sizeof(float) * 120);
    /* Rows are copies of source rows with their labels. */
    for (int i = 0; i < 60; i++) {
        int found = 0;
        for (int j = 0; j < 300 && !found; j++)
            found = memcmp(ds->x + 2 * j, s1->x + 2 * i, 8) == 0 && ds->y[j] == s1->y[i];
        assert_true(found);
    }
    nz_dataset *bad = NULL;
    assert_int_equal(nz_dataset_subset_balanced(ds, 101, 5, &bad), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "fewer than the 101 per class"));
    nz_dataset_free(ds);
    nz_dataset_free(s1);
    nz_dataset_free(s2);
    nz_dataset_free(s3);
}

static void test_label_noise(void **state)
{
    (void)state;
    nz_dataset *ds = mixture(20000, 1, 5, 2);
    nz_dataset *orig = nz_dataset_clone(ds);
    int64_t changed = -1;
    assert_int_equal(nz_dataset_label_noise(ds, 0.3, 9, &changed), NZ_OK);
    int64_t diff = 0, per_class[5] = {0};
    for (int i = 0; i < 20000; i++) {
        assert_true(ds->y[i] >= 0 && ds->y[i] < 5);
        if (ds->y[i] != orig->y[i]) {
            diff++;
            per_class[ds->y[i]]++;
        }
    }
    /* Every replaced label differs from the old one, and about p of them. */
    assert_int_equal(diff, changed);
    assert_true(fabs((double)diff / 20000 - 0.3) < 0.02);
    for (int c = 0; c < 5; c++)
        assert_true(per_class[c] > diff / 5 - 200 && per_class[c] < diff / 5 + 200);
    assert_int_equal(nz_dataset_label_noise(ds, 1.5, 9, NULL), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "p=1.5"));
    nz_dataset *z = nz_dataset_clone(orig);
    assert_int_equal(nz_dataset_label_noise(z, 0.0, 9, &changed), NZ_OK);
    assert_int_equal(changed, 0);
    nz_dataset_free(ds);
    nz_dataset_free(orig);
    nz_dataset_free(z);
}

static void test_standardize_and_scale(void **state)
{
    (void)state;
    nz_dataset *tr = mixture(1000, 4, 2, 3), *te = mixture(200, 4, 2, 4);
    /* A constant feature must not blow up. */
    for (int i = 0; i < 1000; i++)
        tr->x[i * 4 + 3] = 5.0f;
    float te0 = te->x[0];
    assert_int_equal(nz_dataset_standardize(tr, te), NZ_OK);
    for (int j = 0; j < 4; j++) {
        double m = 0, v = 0;
        for (int i = 0; i < 1000; i++)
            m += tr->x[i * 4 + j];
        m /= 1000;
        for (int i = 0; i < 1000; i++)
            v += (tr->x[i * 4 + j] - m) * (tr->x[i * 4 + j] - m);
        v /= 1000;
        assert_true(fabs(m) < 1e-5);
        if (j < 3)
            assert_true(fabs(v - 1) < 1e-4);
        else
            assert_true(v == 0);
    }
    assert_true(te->x[0] != te0); /* the test set got the same transform */
    nz_dataset *a = mixture(100, 3, 2, 1), *b = mixture(100, 3, 2, 2);
    assert_int_equal(nz_dataset_scale01(a, b), NZ_OK);
    float lo = 1, hi = 0;
    for (int i = 0; i < 300; i++) {
        lo = a->x[i] < lo ? a->x[i] : lo;
        hi = a->x[i] > hi ? a->x[i] : hi;
    }
    assert_float_equal(lo, 0.0, 1e-6);
    assert_float_equal(hi, 1.0, 1e-6);
    nz_dataset *wrong = mixture(10, 2, 2, 1);
    assert_int_equal(nz_dataset_standardize(a, wrong), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "3 features, test set 2"));
    nz_dataset_free(tr);
    nz_dataset_free(te);
    nz_dataset_free(a);
    nz_dataset_free(b);
    nz_dataset_free(wrong);
}

static void test_permutation(void **state)
{
    (void)state;
    enum { N = 1000 };
    int32_t p[N], q[N], r[N];
    assert_int_equal(nz_permutation(N, 11, 0, p), NZ_OK);
    assert_int_equal(nz_permutation(N, 11, 0, q), NZ_OK);
    assert_int_equal(nz_permutation(N, 11, 1, r), NZ_OK);
    assert_memory_equal(p, q, sizeof p);
    assert_memory_not_equal(p, r, sizeof p);
    char seen[N] = {0};
    int fixed = 0;
    for (int i = 0; i < N; i++) {
        assert_true(p[i] >= 0 && p[i] < N);
        assert_false(seen[p[i]]);
        seen[p[i]] = 1;
        fixed += p[i] == i;
    }
    assert_true(fixed < 10); /* a shuffled order, not the identity */
    assert_int_equal(nz_permutation(0, 1, 0, p), NZ_ERR_INVALID);
}

static void test_from_idx(void **state)
{
    (void)state;
    uint8_t px[6] = {0, 255, 10, 20, 30, 40};
    uint8_t lb[2] = {1, 7};
    nz_idx im = {.type = NZ_IDX_U8, .ndim = 3, .dims = {2, 1, 3}, .count = 6, .data = px};
    nz_idx la = {.type = NZ_IDX_U8, .ndim = 1, .dims = {2}, .count = 2, .data = lb};
    nz_dataset *ds = NULL;
    assert_int_equal(nz_dataset_from_idx(&im, &la, 0, &ds), NZ_OK);
    assert_int_equal(ds->n, 2);
    assert_int_equal(ds->d, 3);
    assert_int_equal(ds->classes, 8);
    assert_float_equal(ds->x[1], 255.0, 0);
    assert_int_equal(ds->y[1], 7);
    nz_dataset_free(ds);
    assert_int_equal(nz_dataset_from_idx(&im, &la, 5, &ds), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "label 7 of example 1 is outside [0, 5)"));
    la.dims[0] = 3;
    assert_int_equal(nz_dataset_from_idx(&im, &la, 0, &ds), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "2 images but 3 labels"));
}

static void test_fashion_missing(void **state)
{
    (void)state;
    char *old = getenv("NAZO_DATA") ? strdup(getenv("NAZO_DATA")) : NULL;
    setenv("NAZO_DATA", "/nonexistent/nazo-data", 1);
    nz_dataset *ds = NULL;
    assert_int_equal(nz_fashion_mnist_load(1, &ds), NZ_ERR_NOT_FOUND);
    assert_null(ds);
    assert_non_null(strstr(nz_last_error(), "install the Debian package dataset-fashion-mnist"));
    assert_non_null(strstr(nz_last_error(), "NAZO_DATA"));
    assert_non_null(strstr(nz_last_error(), "/nonexistent/nazo-data"));
    if (old) {
        setenv("NAZO_DATA", old, 1);
        free(old);
    } else {
        unsetenv("NAZO_DATA");
    }
}

static void test_fashion_load(void **state)
{
    (void)state;
    char dir[4096];
    const char *env = getenv("NAZO_DATA");
    if (nz_fashion_mnist_dir(dir, sizeof dir) != NZ_OK) {
        /* Only a NAZO_DATA pointing elsewhere may excuse a missing data set:
         * the Debian package is a build dependency. */
        if (env && *env) {
            printf("skipped: %s\n", nz_last_error());
            skip();
        }
        fail_msg("%s", nz_last_error());
    }
    nz_dataset *tr = NULL, *te = NULL;
    assert_int_equal(nz_fashion_mnist_load(1, &tr), NZ_OK);
    assert_int_equal(nz_fashion_mnist_load(0, &te), NZ_OK);
    assert_int_equal(tr->n, 60000);
    assert_int_equal(tr->d, 784);
    assert_int_equal(te->n, 10000);
    assert_int_equal(tr->classes, 10);
    int64_t count[10] = {0};
    float hi = 0;
    for (int64_t i = 0; i < tr->n; i++) {
        assert_true(tr->y[i] >= 0 && tr->y[i] < 10);
        count[tr->y[i]]++;
    }
    for (int64_t i = 0; i < tr->n * tr->d; i++)
        hi = tr->x[i] > hi ? tr->x[i] : hi;
    assert_float_equal(hi, 255.0, 0);
    for (int c = 0; c < 10; c++)
        assert_int_equal(count[c], 6000); /* Fashion-MNIST is balanced */
    assert_int_equal(nz_dataset_scale01(tr, te), NZ_OK);
    nz_dataset *sub = NULL;
    assert_int_equal(nz_dataset_subset_balanced(tr, 100, 1, &sub), NZ_OK);
    assert_int_equal(sub->n, 1000);
    nz_dataset_free(sub);
    nz_dataset_free(tr);
    nz_dataset_free(te);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixture_deterministic), cmocka_unit_test(test_teacher),
        cmocka_unit_test(test_subset_balanced),       cmocka_unit_test(test_label_noise),
        cmocka_unit_test(test_standardize_and_scale), cmocka_unit_test(test_permutation),
        cmocka_unit_test(test_from_idx),              cmocka_unit_test(test_fashion_missing),
        cmocka_unit_test(test_fashion_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
