/* IDX reader and writer: round trips (plain and gzip'd) and every way a
 * file can be wrong, each asserting the message names the file and the
 * problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "nazo/data.h"

static char dir[256];

static const char *path_of(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static void write_raw(const char *name, const void *bytes, size_t n, int gz)
{
    if (gz) {
        gzFile f = gzopen(path_of(name), "wb");
        assert_non_null(f);
        assert_int_equal(gzwrite(f, bytes, (unsigned)n), (int)n);
        assert_int_equal(gzclose(f), Z_OK);
    } else {
        FILE *f = fopen(path_of(name), "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(bytes, 1, n, f), n);
        fclose(f);
    }
}

/* A u8 file header: 00 00 08 ndim, then big-endian sizes. */
static size_t header(unsigned char *b, int type, int ndim, const uint32_t *dims)
{
    b[0] = b[1] = 0;
    b[2] = (unsigned char)type;
    b[3] = (unsigned char)ndim;
    for (int i = 0; i < ndim; i++)
        for (int k = 0; k < 4; k++)
            b[4 + 4 * i + k] = (unsigned char)(dims[i] >> (8 * (3 - k)));
    return 4 + 4 * (size_t)ndim;
}

static void expect_error(const char *name, nz_status want, const char *needle)
{
    nz_idx idx;
    nz_status st = nz_idx_read(path_of(name), &idx);
    if (st != want || !strstr(nz_last_error(), needle) || !strstr(nz_last_error(), name))
        fail_msg("%s: status %d, message '%s'; wanted %d and '%s'", name, st, nz_last_error(),
                 want, needle);
    assert_null(idx.data);
}

static void test_roundtrip_u8(void **state)
{
    (void)state;
    uint32_t dims[3] = {3, 2, 5};
    unsigned char data[30];
    for (int i = 0; i < 30; i++)
        data[i] = (unsigned char)(i * 7 + 1);
    for (int gz = 0; gz < 2; gz++) {
        const char *name = gz ? "u8.idx.gz" : "u8.idx";
        assert_int_equal(nz_idx_write(path_of(name), NZ_IDX_U8, 3, dims, data, gz), NZ_OK);
        nz_idx idx;
        assert_int_equal(nz_idx_read(path_of(name), &idx), NZ_OK);
        assert_int_equal(idx.type, NZ_IDX_U8);
        assert_int_equal(idx.ndim, 3);
        assert_int_equal(idx.dims[0], 3);
        assert_int_equal(idx.dims[2], 5);
        assert_int_equal(idx.count, 30);
        assert_memory_equal(idx.data, data, 30);
        nz_idx_free(&idx);
    }
    /* The gzip'd file really is compressed (magic 1f 8b), the plain one not. */
    FILE *f = fopen(path_of("u8.idx.gz"), "rb");
    assert_non_null(f);
    assert_int_equal(fgetc(f), 0x1f);
    fclose(f);
}

static void test_roundtrip_f32_i32_f64(void **state)
{
    (void)state;
    uint32_t dims[2] = {2, 3};
    float f[6] = {1.5f, -2.25f, 0.0f, 3.0e7f, -1e-20f, 42.0f};
    int32_t n[6] = {1, -2, 70000, INT32_MIN, INT32_MAX, 0};
    double d[6] = {1.0 / 3, -2e300, 5, 6, 7, 8};
    nz_idx idx;
    assert_int_equal(nz_idx_write(path_of("f.idx"), NZ_IDX_F32, 2, dims, f, 0), NZ_OK);
    assert_int_equal(nz_idx_read(path_of("f.idx"), &idx), NZ_OK);
    assert_int_equal(idx.type, NZ_IDX_F32);
    assert_memory_equal(idx.data, f, sizeof f);
    nz_idx_free(&idx);
    assert_int_equal(nz_idx_write(path_of("i.idx.gz"), NZ_IDX_I32, 2, dims, n, 1), NZ_OK);
    assert_int_equal(nz_idx_read(path_of("i.idx.gz"), &idx), NZ_OK);
    assert_memory_equal(idx.data, n, sizeof n);
    nz_idx_free(&idx);
    assert_int_equal(nz_idx_write(path_of("d.idx"), NZ_IDX_F64, 2, dims, d, 0), NZ_OK);
    assert_int_equal(nz_idx_read(path_of("d.idx"), &idx), NZ_OK);
    assert_memory_equal(idx.data, d, sizeof d);
    nz_idx_free(&idx);
    /* Big-endian on disk: the first float 1.5 is 3f c0 00 00. */
    FILE *fp = fopen(path_of("f.idx"), "rb");
    unsigned char b[16];
    assert_int_equal(fread(b, 1, 16, fp), 16);
    fclose(fp);
    assert_int_equal(b[2], 0x0D);
    assert_int_equal(b[12], 0x3f);
    assert_int_equal(b[13], 0xc0);
}

static void test_bad_magic(void **state)
{
    (void)state;
    unsigned char b[16] = {0x12, 0x34, 0x08, 0x01, 0, 0, 0, 1, 9};
    write_raw("magic.idx", b, 9, 0);
    expect_error("magic.idx", NZ_ERR_IO, "bad magic 12 34 08 01");
}

static void test_bad_type(void **state)
{
    (void)state;
    unsigned char b[16];
    uint32_t dims[1] = {1};
    size_t n = header(b, 0x07, 1, dims);
    b[n++] = 5;
    write_raw("type.idx", b, n, 0);
    expect_error("type.idx", NZ_ERR_IO, "unknown IDX type code 0x07");
}

static void test_bad_ndim(void **state)
{
    (void)state;
    unsigned char b[8] = {0, 0, 0x08, 0};
    write_raw("ndim0.idx", b, 4, 0);
    expect_error("ndim0.idx", NZ_ERR_IO, "0 dimensions");
    b[3] = 200;
    write_raw("ndim200.idx", b, 4, 0);
    expect_error("ndim200.idx", NZ_ERR_IO, "200 dimensions");
}

static void test_short_header(void **state)
{
    (void)state;
    unsigned char b[8] = {0, 0};
    write_raw("short.idx", b, 2, 0);
    expect_error("short.idx", NZ_ERR_IO, "too short");
    unsigned char h[8] = {0, 0, 0x08, 3, 0, 0, 0, 2};
    write_raw("shortdims.idx", h, 8, 0);
    expect_error("shortdims.idx", NZ_ERR_IO, "truncated header: expected 12 bytes of sizes, got 4");
}

static void test_truncated(void **state)
{
    (void)state;
    /* The shape of Fashion-MNIST's training images with 1000 bytes of data. */
    uint32_t dims[3] = {60000, 28, 28};
    size_t n = 16 + 1000;
    unsigned char *b = calloc(1, n);
    header(b, 0x08, 3, dims);
    write_raw("train-images-idx3-ubyte.gz", b, n, 1);
    expect_error("train-images-idx3-ubyte.gz", NZ_ERR_IO,
                 "truncated: expected 47040000 bytes of data, got 1000");
    write_raw("plain-trunc.idx", b, n, 0);
    expect_error("plain-trunc.idx", NZ_ERR_IO, "truncated: expected 47040000 bytes of data");
    free(b);
}

static void test_trailing(void **state)
{
    (void)state;
    unsigned char b[32];
    uint32_t dims[1] = {4};
    size_t n = header(b, 0x08, 1, dims);
    memset(b + n, 1, 7);
    write_raw("trail.idx", b, n + 7, 0);
    expect_error("trail.idx", NZ_ERR_IO, "trailing garbage: 3 bytes");
}

static void test_overflow_and_zero(void **state)
{
    (void)state;
    unsigned char b[64];
    uint32_t dims[4] = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
    size_t n = header(b, 0x0E, 4, dims);
    write_raw("overflow.idx", b, n, 0);
    expect_error("overflow.idx", NZ_ERR_IO, "sizes overflow");
    uint32_t z[2] = {5, 0};
    n = header(b, 0x08, 2, z);
    write_raw("zero.idx", b, n, 0);
    expect_error("zero.idx", NZ_ERR_IO, "dimension 1 is 0");
}

static void test_corrupt_gzip(void **state)
{
    (void)state;
    /* A gzip header followed by garbage deflate data. */
    unsigned char b[32] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff,
                           0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    write_raw("corrupt.gz", b, 20, 0);
    nz_idx idx;
    assert_int_equal(nz_idx_read(path_of("corrupt.gz"), &idx), NZ_ERR_IO);
    assert_non_null(strstr(nz_last_error(), "corrupt.gz"));
    assert_null(idx.data);
}

static void test_missing_file(void **state)
{
    (void)state;
    nz_idx idx;
    assert_int_equal(nz_idx_read(path_of("nope.idx"), &idx), NZ_ERR_IO);
    assert_non_null(strstr(nz_last_error(), "nope.idx: cannot open"));
}

static void test_mem_reader(void **state)
{
    (void)state;
    unsigned char b[32];
    uint32_t dims[2] = {2, 2};
    size_t n = header(b, 0x0B, 2, dims);
    unsigned char v[8] = {0x01, 0x02, 0xff, 0xfe, 0, 0, 0x80, 0};
    memcpy(b + n, v, 8);
    nz_idx idx;
    assert_int_equal(nz_idx_read_mem(b, n + 8, "mem", &idx), NZ_OK);
    const int16_t *s = idx.data;
    assert_int_equal(s[0], 0x0102);
    assert_int_equal(s[1], -2);
    assert_int_equal(s[3], -32768);
    nz_idx_free(&idx);
    assert_int_equal(nz_idx_read_mem(b, n + 7, "mem", &idx), NZ_ERR_IO);
    assert_non_null(strstr(nz_last_error(), "mem: truncated: expected 8 bytes of data, got 7"));
}

static void test_writer_rejects(void **state)
{
    (void)state;
    uint32_t dims[1] = {3};
    unsigned char d[3] = {1, 2, 3};
    assert_int_equal(nz_idx_write(path_of("w.idx"), NZ_IDX_I16, 1, dims, d, 0), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "cannot write IDX type code 0x0b"));
    assert_int_equal(nz_idx_write("/nonexistent-dir/x.idx", NZ_IDX_U8, 1, dims, d, 0),
                     NZ_ERR_IO);
    assert_non_null(strstr(nz_last_error(), "/nonexistent-dir/x.idx"));
    /* A failed write leaves no temporary file behind. */
    assert_int_equal(nz_idx_write(path_of("w.idx"), NZ_IDX_U8, 1, dims, d, 0), NZ_OK);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", dir);
    assert_int_not_equal(system(cmd), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/nazo-test-idx-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_u8),  cmocka_unit_test(test_roundtrip_f32_i32_f64),
        cmocka_unit_test(test_bad_magic),     cmocka_unit_test(test_bad_type),
        cmocka_unit_test(test_bad_ndim),      cmocka_unit_test(test_short_header),
        cmocka_unit_test(test_truncated),     cmocka_unit_test(test_trailing),
        cmocka_unit_test(test_overflow_and_zero), cmocka_unit_test(test_corrupt_gzip),
        cmocka_unit_test(test_missing_file),  cmocka_unit_test(test_mem_reader),
        cmocka_unit_test(test_writer_rejects),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
