/* Unit tests of nz_write_file_atomic and nz_run_check_out_dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cli_harness.h"
#include "nazo/runner.h"

static void write_and_replace(void **state)
{
    (void)state;
    char *dir = cli_tempdir("atomic");
    assert_int_equal(nz_write_file_atomic(dir, "a.txt", "first\n", 6), NZ_OK);
    char *t = cli_read_file(dir, "a.txt");
    assert_string_equal(t, "first\n");
    free(t);
    assert_int_equal(nz_write_file_atomic(dir, "a.txt", "second, longer\n", 15), NZ_OK);
    t = cli_read_file(dir, "a.txt");
    assert_string_equal(t, "second, longer\n");
    free(t);
    assert_int_equal(nz_write_file_atomic(dir, "empty", "", 0), NZ_OK);
    assert_int_equal(cli_dir_entries(dir), 2); /* no temp files left */
    struct stat st;
    char path[4096];
    snprintf(path, sizeof path, "%s/a.txt", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0044, 0044); /* readable by others, like any output */
    cli_remove_tree(dir);
    free(dir);
}

static void bad_arguments(void **state)
{
    (void)state;
    char *dir = cli_tempdir("atomic");
    assert_int_equal(nz_write_file_atomic(dir, "sub/x", "x", 1), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "sub/x"));
    assert_int_equal(nz_write_file_atomic(dir, "..", "x", 1), NZ_ERR_INVALID);
    assert_int_equal(nz_write_file_atomic("/nonexistent/nazo", "x", "x", 1), NZ_ERR_IO);
    assert_non_null(strstr(nz_last_error(), "/nonexistent/nazo"));
    assert_int_equal(cli_dir_entries(dir), 0);
    cli_remove_tree(dir);
    free(dir);
}

static void out_dir_checks(void **state)
{
    (void)state;
    char *dir = cli_tempdir("outdir");
    char p[4096];
    assert_int_equal(nz_run_check_out_dir(dir), NZ_OK); /* empty: fine */
    snprintf(p, sizeof p, "%s/a/b/c", dir);
    assert_int_equal(nz_run_check_out_dir(p), NZ_OK);   /* missing parents: created later */
    assert_int_equal(cli_dir_entries(dir), 0);          /* but not now */
    assert_int_equal(nz_write_file_atomic(dir, "f", "x", 1), NZ_OK);
    assert_int_equal(nz_run_check_out_dir(dir), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "not empty"));
    snprintf(p, sizeof p, "%s/f/run", dir);
    assert_int_equal(nz_run_check_out_dir(p), NZ_ERR_INVALID);
    assert_non_null(strstr(nz_last_error(), "not a directory"));
    assert_int_equal(nz_run_check_out_dir(""), NZ_ERR_INVALID);
    char buf[256];
    assert_int_equal(nz_run_default_dir("exp", buf, sizeof buf), NZ_OK);
    assert_int_equal(strncmp(buf, "runs/exp-", 9), 0);
    assert_int_equal(strlen(buf), strlen("runs/exp-YYYYmmdd-HHMMSS"));
    assert_int_equal(nz_run_default_dir("a/b", buf, sizeof buf), NZ_ERR_INVALID);
    cli_remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_and_replace),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(out_dir_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
