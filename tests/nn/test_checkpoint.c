/* Checkpoints: round trips of every kind of entry, rejection of truncated
 * and corrupted files with a message naming the file, and training state
 * (an MLP and its optimizer) restored so that training continues bit for
 * bit. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "nn_fixture.h"

static char tmpdir[256];

static int setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/nzck-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) return -1;
    return fx_setup(state);
}

static int teardown(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return fx_teardown(state);
}

static void path_of(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*len);
    assert_int_equal(fread(b, 1, *len, f), *len);
    fclose(f);
    return b;
}

static nz_checkpoint *sample(void)
{
    nz_checkpoint *ck = nz_checkpoint_create();
    assert_non_null(ck);
    float f[6] = { 1, -2, 3.5f, 1e-30f, -0.0f, 7 };
    double d[3] = { M_PI, -1e300, 0.1 };
    int32_t i[4] = { -1, 0, 1, INT32_MAX };
    int64_t s23[2] = { 2, 3 }, s3[1] = { 3 }, s4[1] = { 4 };
    nz_tensor *tf = nz_tensor_from_host(fx_dev, NZ_F32, 2, s23, f);
    nz_tensor *td = nz_tensor_from_host(fx_dev, NZ_F64, 1, s3, d);
    nz_tensor *ti = nz_tensor_from_host(fx_dev, NZ_I32, 1, s4, i);
    assert_int_equal(nz_checkpoint_put_tensor(ck, "w", tf), NZ_OK);
    assert_int_equal(nz_checkpoint_put_tensor(ck, "d", td), NZ_OK);
    assert_int_equal(nz_checkpoint_put_tensor(ck, "labels", ti), NZ_OK);
    assert_int_equal(nz_checkpoint_put_int(ck, "step", -1234567890123LL), NZ_OK);
    assert_int_equal(nz_checkpoint_put_float(ck, "lr", 0.0125), NZ_OK);
    assert_int_equal(nz_checkpoint_put_text(ck, "metrics", "step,loss\n1,2.5\n"), NZ_OK);
    assert_int_equal(nz_checkpoint_put_int(ck, "step", 42), NZ_OK); /* replaces */
    nz_tensor_free(tf);
    nz_tensor_free(td);
    nz_tensor_free(ti);
    return ck;
}

static void test_round_trip(void **state)
{
    (void)state;
    char path[512];
    path_of(path, sizeof path, "a.nzck");
    nz_checkpoint *ck = sample();
    assert_int_equal(nz_checkpoint_write(ck, path), NZ_OK);
    nz_checkpoint_free(ck);

    assert_int_equal(nz_checkpoint_read(path, &ck), NZ_OK);
    int64_t step;
    double lr;
    const char *text;
    assert_int_equal(nz_checkpoint_get_int(ck, "step", &step), NZ_OK);
    assert_int_equal(step, 42);
    assert_int_equal(nz_checkpoint_get_float(ck, "lr", &lr), NZ_OK);
    assert_true(lr == 0.0125);
    assert_int_equal(nz_checkpoint_get_text(ck, "metrics", &text), NZ_OK);
    assert_string_equal(text, "step,loss\n1,2.5\n");
    nz_tensor *w = nz_checkpoint_tensor(ck, "w", fx_dev);
    assert_non_null(w);
    assert_int_equal(nz_tensor_dim(w, 0), 2);
    assert_int_equal(nz_tensor_dim(w, 1), 3);
    float fw[6], want[6] = { 1, -2, 3.5f, 1e-30f, -0.0f, 7 };
    assert_int_equal(nz_tensor_download(w, fw, sizeof fw), NZ_OK);
    assert_memory_equal(fw, want, sizeof fw);
    double dd[3];
    nz_tensor *d = nz_tensor_create_1d(fx_dev, NZ_F64, 3);
    assert_int_equal(nz_checkpoint_load_tensor(ck, "d", d), NZ_OK);
    assert_int_equal(nz_tensor_download(d, dd, sizeof dd), NZ_OK);
    assert_true(dd[0] == M_PI && dd[1] == -1e300 && dd[2] == 0.1);
    int32_t li[4];
    nz_tensor *l = nz_checkpoint_tensor(ck, "labels", fx_dev);
    assert_int_equal(nz_tensor_dtype(l), NZ_I32);
    assert_int_equal(nz_tensor_download(l, li, sizeof li), NZ_OK);
    assert_int_equal(li[3], INT32_MAX);

    /* Mismatches are named. */
    nz_tensor *wrong = nz_tensor_create_2d(fx_dev, NZ_F32, 3, 2);
    assert_int_equal(nz_checkpoint_load_tensor(ck, "w", wrong), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "'w' is f32[2,3]"));
    assert_non_null(strstr(nz_last_error(), path));
    assert_int_equal(nz_checkpoint_get_int(ck, "epoch", &step), NZ_ERR_NOT_FOUND);
    assert_non_null(strstr(nz_last_error(), "no entry 'epoch'"));
    assert_int_equal(nz_checkpoint_get_float(ck, "step", &lr), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "is an integer"));
    assert_false(nz_checkpoint_has(ck, "nope"));
    assert_true(nz_checkpoint_has(ck, "w"));
    nz_tensor_free(wrong);
    nz_tensor_free(w);
    nz_tensor_free(d);
    nz_tensor_free(l);
    nz_checkpoint_free(ck);

    /* A missing file is NOT_FOUND and named; a bad name is refused. */
    path_of(path, sizeof path, "missing.nzck");
    assert_int_equal(nz_checkpoint_read(path, &ck), NZ_ERR_NOT_FOUND);
    assert_non_null(strstr(nz_last_error(), "missing.nzck"));
    ck = nz_checkpoint_create();
    assert_int_equal(nz_checkpoint_put_int(ck, "", 1), NZ_ERR_INVALID);
    nz_checkpoint_free(ck);
}

static void test_corruption_rejected(void **state)
{
    (void)state;
    char path[512], bad[512];
    path_of(path, sizeof path, "good.nzck");
    path_of(bad, sizeof bad, "bad.nzck");
    nz_checkpoint *ck = sample();
    assert_int_equal(nz_checkpoint_write(ck, path), NZ_OK);
    nz_checkpoint_free(ck);
    size_t len;
    unsigned char *img = slurp(path, &len);

    /* Every truncation. */
    for (size_t cut = 0; cut < len; cut++) {
        assert_int_equal(nz_checkpoint_read_mem(img, cut, bad, &ck), NZ_ERR_IO);
        assert_null(ck);
        assert_non_null(strstr(nz_last_error(), bad));
    }
    /* Every single-byte corruption. */
    for (size_t i = 0; i < len; i++) {
        img[i] ^= 0x5a;
        nz_status s = nz_checkpoint_read_mem(img, len, bad, &ck);
        img[i] ^= 0x5a;
        if (s != NZ_ERR_IO) fail_msg("flipping byte %zu of %zu was not detected", i, len);
        assert_non_null(strstr(nz_last_error(), bad));
    }
    /* Trailing garbage. */
    unsigned char *longer = malloc(len + 3);
    memcpy(longer, img, len);
    memcpy(longer + len, "xyz", 3);
    assert_int_equal(nz_checkpoint_read_mem(longer, len + 3, bad, &ck), NZ_ERR_IO);
    free(longer);

    /* Through the file system, with the messages a user sees. */
    FILE *f = fopen(bad, "wb");
    fwrite(img, 1, len / 2, f);
    fclose(f);
    assert_int_equal(nz_checkpoint_read(bad, &ck), NZ_ERR_IO);
    assert_non_null(strstr(nz_last_error(), "corrupt or truncated"));
    assert_non_null(strstr(nz_last_error(), "bad.nzck"));
    f = fopen(bad, "wb");
    fputs("hello, world, this is not a checkpoint", f);
    fclose(f);
    assert_int_equal(nz_checkpoint_read(bad, &ck), NZ_ERR_IO);
    assert_non_null(strstr(nz_last_error(), "not a nazo checkpoint"));
    /* Another version is named as such, not as corruption. */
    img[12] = 99;
    assert_int_equal(nz_checkpoint_read_mem(img, len, bad, &ck), NZ_ERR_IO);
    assert_non_null(strstr(nz_last_error(), "version 99"));
    free(img);
}

/* A few SGD steps of an MLP on fixed data. */
static void train_steps(nz_mlp *m, nz_optimizer *o, nz_tensor *x, nz_tensor *y, int steps)
{
    nz_graph *g = nz_graph_create(fx_dev, NZ_F32);
    for (int k = 0; k < steps; k++) {
        nz_graph_reset(g);
        nz_var *loss = nz_softmax_xent(g, nz_mlp_forward(g, m, nz_graph_input(g, x, 0)), y);
        assert_int_equal(nz_graph_backward(g, loss), NZ_OK);
        assert_int_equal(nz_optimizer_step(o), NZ_OK);
    }
    nz_graph_free(g);
}

static void assert_same_tensor(const nz_tensor *a, const nz_tensor *b)
{
    size_t n = nz_tensor_bytes(a);
    assert_int_equal(n, nz_tensor_bytes(b));
    char *va = malloc(n), *vb = malloc(n);
    assert_int_equal(nz_tensor_download(a, va, n), NZ_OK);
    assert_int_equal(nz_tensor_download(b, vb, n), NZ_OK);
    assert_memory_equal(va, vb, n);
    free(va);
    free(vb);
}

static void check_training_state(int adam)
{
    int64_t sizes[3] = { 12, 16, 4 };
    nz_dataset *ds;
    assert_int_equal(nz_dataset_gaussian_mixture(32, 12, 4, 3.0, 5, &ds), NZ_OK);
    nz_tensor *x, *y;
    assert_int_equal(nz_dataset_upload(ds, fx_dev, NZ_F32, &x, &y), NZ_OK);
    nz_mlp *a = nz_mlp_create(fx_dev, NZ_F32, 3, sizes, NZ_ACT_TANH, NZ_INIT_GLOROT_UNIFORM, 1);
    nz_mlp *b = nz_mlp_create(fx_dev, NZ_F32, 3, sizes, NZ_ACT_TANH, NZ_INIT_GLOROT_UNIFORM, 2);
    nz_optimizer *oa = adam ? nz_adam_create(nz_mlp_params(a), 4, 0.01, 0.9, 0.999, 1e-8, 0, 0)
                            : nz_sgd_create(nz_mlp_params(a), 4, 0.1, 0.9, 1e-4, 0);
    nz_optimizer *ob = adam ? nz_adam_create(nz_mlp_params(b), 4, 0.5, 0.9, 0.999, 1e-8, 0, 0)
                            : nz_sgd_create(nz_mlp_params(b), 4, 0.5, 0.9, 1e-4, 0);
    assert_int_equal(nz_optimizer_state_slots(oa), adam ? 2 : 1);
    train_steps(a, oa, x, y, 5);

    char path[512];
    path_of(path, sizeof path, adam ? "adam.nzck" : "sgd.nzck");
    nz_checkpoint *ck = nz_checkpoint_create();
    assert_int_equal(nz_checkpoint_put_mlp(ck, "model.", a), NZ_OK);
    assert_int_equal(nz_checkpoint_put_optimizer(ck, "optim.", oa), NZ_OK);
    assert_int_equal(nz_checkpoint_write(ck, path), NZ_OK);
    nz_checkpoint_free(ck);
    assert_int_equal(nz_checkpoint_read(path, &ck), NZ_OK);
    assert_int_equal(nz_checkpoint_load_mlp(ck, "model.", b), NZ_OK);
    assert_int_equal(nz_checkpoint_load_optimizer(ck, "optim.", ob), NZ_OK);
    assert_int_equal(nz_optimizer_steps(ob), 5);
    assert_true(nz_optimizer_lr(ob) == nz_optimizer_lr(oa));

    /* Continuing both gives the same weights, bit for bit. */
    train_steps(a, oa, x, y, 3);
    train_steps(b, ob, x, y, 3);
    for (size_t i = 0; i < 4; i++) {
        assert_same_tensor(nz_mlp_params(a)[i]->value, nz_mlp_params(b)[i]->value);
        for (size_t j = 0; j < nz_optimizer_state_slots(oa); j++)
            assert_same_tensor(nz_optimizer_state(oa, i, j), nz_optimizer_state(ob, i, j));
    }
    assert_null(nz_optimizer_state(oa, 4, 0));

    /* A model of another shape is refused before anything is loaded. */
    int64_t other[3] = { 12, 8, 4 };
    nz_mlp *c = nz_mlp_create(fx_dev, NZ_F32, 3, other, NZ_ACT_TANH, NZ_INIT_GLOROT_UNIFORM, 1);
    assert_int_equal(nz_checkpoint_load_mlp(ck, "model.", c), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "layer size 1 is 16, the model has 8"));
    nz_optimizer *wrong = adam ? nz_sgd_create(nz_mlp_params(b), 4, 0.1, 0.9, 0, 0)
                               : nz_sgd_create(nz_mlp_params(b), 4, 0.1, 0, 0, 0);
    assert_int_equal(nz_checkpoint_load_optimizer(ck, "optim.", wrong), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "resume with the parameters"));
    nz_optimizer_free(wrong);
    nz_mlp_free(c);
    nz_checkpoint_free(ck);
    nz_optimizer_free(oa);
    nz_optimizer_free(ob);
    nz_mlp_free(a);
    nz_mlp_free(b);
    nz_tensor_free(x);
    nz_tensor_free(y);
    nz_dataset_free(ds);
}

static void test_sgd_state(void **state)
{
    (void)state;
    check_training_state(0);
}

static void test_adam_state(void **state)
{
    (void)state;
    check_training_state(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_corruption_rejected),
        cmocka_unit_test(test_sgd_state),
        cmocka_unit_test(test_adam_state),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
