/* Unit tests of parameter parsing and validation (nazo/runner.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nazo/runner.h"

static const char *const colours[] = { "red", "green", NULL };
static const nz_param_decl decls[] = {
    { "n", NZ_PARAM_INT, "3", -5, 10, NULL, "an int" },
    { "big", NZ_PARAM_INT, "0", 1, 0, NULL, "unbounded int" },
    { "x", NZ_PARAM_FLOAT, "0.5", 0, 1, NULL, "a float" },
    { "y", NZ_PARAM_FLOAT, "-2", 1, -1, NULL, "unbounded float" },
    { "flag", NZ_PARAM_BOOL, "off", 0, 0, NULL, "a bool" },
    { "name", NZ_PARAM_STRING, "", 0, 0, NULL, "a string" },
    { "colour", NZ_PARAM_CHOICE, "red", 0, 0, colours, "a choice" },
    { NULL, 0, NULL, 0, 0, NULL, NULL },
};

static size_t idx(const char *name)
{
    for (size_t i = 0; decls[i].name; i++)
        if (!strcmp(decls[i].name, name)) return i;
    fail_msg("no parameter %s", name);
    return 0;
}

static void defaults(void **state)
{
    (void)state;
    nz_params *p = nz_params_create(decls, "t");
    assert_non_null(p);
    assert_int_equal(nz_params_count(p), 7);
    assert_int_equal(nz_params_int(p, idx("n")), 3);
    assert_true(nz_params_float(p, idx("x")) == 0.5);
    assert_false(nz_params_bool(p, idx("flag")));
    assert_string_equal(nz_params_text(p, idx("flag")), "false");
    assert_string_equal(nz_params_text(p, idx("name")), "");
    assert_string_equal(nz_params_text(p, idx("colour")), "red");
    nz_params_free(p);
}

static void good_values(void **state)
{
    (void)state;
    nz_params *p = nz_params_create(decls, "t");
    assert_int_equal(nz_params_assign(p, "n=-5"), NZ_OK);
    assert_int_equal(nz_params_int(p, idx("n")), -5);
    assert_int_equal(nz_params_assign(p, "n=1e1"), NZ_OK); /* integral float form */
    assert_int_equal(nz_params_int(p, idx("n")), 10);
    assert_int_equal(nz_params_assign(p, "big=-9000000000000"), NZ_OK);
    assert_int_equal(nz_params_int(p, idx("big")), -9000000000000LL);
    assert_int_equal(nz_params_assign(p, "x=1e-4"), NZ_OK);
    assert_true(nz_params_float(p, idx("x")) == 1e-4);
    assert_string_equal(nz_params_text(p, idx("x")), "0.0001");
    assert_int_equal(nz_params_assign(p, "y=-1e30"), NZ_OK);
    const char *truths[] = { "true", "YES", "on", "1" }, *lies[] = { "false", "no", "Off", "0" };
    for (int i = 0; i < 4; i++) {
        assert_int_equal(nz_params_set(p, "flag", truths[i]), NZ_OK);
        assert_true(nz_params_bool(p, idx("flag")));
        assert_int_equal(nz_params_set(p, "flag", lies[i]), NZ_OK);
        assert_false(nz_params_bool(p, idx("flag")));
    }
    assert_int_equal(nz_params_assign(p, "name=a=b c"), NZ_OK); /* first '=' splits */
    assert_string_equal(nz_params_text(p, idx("name")), "a=b c");
    assert_int_equal(nz_params_assign(p, "colour=green"), NZ_OK);
    assert_string_equal(nz_params_text(p, idx("colour")), "green");
    nz_params_free(p);
}

/* A rejected value leaves the old one and names everything in the message. */
static void expect_bad(nz_params *p, const char *assignment, nz_status want, const char *const *words)
{
    size_t i = idx("n");
    int64_t before = nz_params_int(p, i);
    assert_int_equal(nz_params_assign(p, assignment), want);
    for (; *words; words++)
        if (!strstr(nz_last_error(), *words))
            fail_msg("message for '%s' lacks '%s': %s", assignment, *words, nz_last_error());
    assert_null(strchr(nz_last_error(), '\n'));
    assert_int_equal(nz_params_int(p, i), before);
}

static void bad_values(void **state)
{
    (void)state;
    nz_params *p = nz_params_create(decls, "t");
    expect_bad(p, "n=11", NZ_ERR_INVALID, (const char *[]){ "'n'", "'11'", "int", "[-5, 10]", NULL });
    expect_bad(p, "n=-6", NZ_ERR_INVALID, (const char *[]){ "'-6'", "[-5, 10]", NULL });
    expect_bad(p, "n=3x", NZ_ERR_INVALID, (const char *[]){ "'3x'", "not an integer", NULL });
    expect_bad(p, "n=", NZ_ERR_INVALID, (const char *[]){ "''", "integer", NULL });
    expect_bad(p, "big=1e300", NZ_ERR_INVALID, (const char *[]){ "'big'", "an integer", NULL });
    expect_bad(p, "x=1.5", NZ_ERR_INVALID, (const char *[]){ "'x'", "float", "[0, 1]", NULL });
    expect_bad(p, "x=inf", NZ_ERR_INVALID, (const char *[]){ "'inf'", "finite", NULL });
    expect_bad(p, "y=0.5.5", NZ_ERR_INVALID, (const char *[]){ "'y'", "a number", NULL });
    expect_bad(p, "flag=2", NZ_ERR_INVALID, (const char *[]){ "'flag'", "'2'", "bool", "yes/no", NULL });
    expect_bad(p, "colour=blue", NZ_ERR_INVALID, (const char *[]){ "'colour'", "'blue'", "red, green", NULL });
    expect_bad(p, "colour=RED", NZ_ERR_INVALID, (const char *[]){ "'RED'", NULL });
    expect_bad(p, "nope=1", NZ_ERR_NOT_FOUND, (const char *[]){ "'nope'", "n, big, x, y, flag, name, colour", NULL });
    expect_bad(p, "n", NZ_ERR_INVALID, (const char *[]){ "malformed", "key=value", NULL });
    expect_bad(p, "=1", NZ_ERR_INVALID, (const char *[]){ "malformed", NULL });
    nz_params_free(p);
}

static void describe(void **state)
{
    (void)state;
    char buf[128];
    nz_param_describe(&decls[0], buf, sizeof buf);
    assert_string_equal(buf, "an integer in [-5, 10]");
    nz_param_describe(&decls[1], buf, sizeof buf);
    assert_string_equal(buf, "an integer");
    nz_param_describe(&decls[6], buf, sizeof buf);
    assert_string_equal(buf, "one of red, green");
    char tiny[8];
    size_t need = nz_param_describe(&decls[6], tiny, sizeof tiny);
    assert_int_equal(need, strlen("one of red, green"));
    assert_int_equal(strlen(tiny), 7);
    assert_string_equal(nz_param_type_name(NZ_PARAM_CHOICE), "choice");
    assert_ptr_equal(nz_param_find(decls, "x"), &decls[2]);
    assert_null(nz_param_find(decls, "z"));
}

static void bad_declarations(void **state)
{
    (void)state;
    const nz_param_decl bad_name[] = { { "Steps", NZ_PARAM_INT, "1", 0, 1, NULL, "" }, { NULL, 0, NULL, 0, 0, NULL, NULL } };
    const nz_param_decl dup[] = { { "a", NZ_PARAM_INT, "1", 0, 1, NULL, "" }, { "a", NZ_PARAM_BOOL, "no", 0, 0, NULL, "" },
                                  { NULL, 0, NULL, 0, 0, NULL, NULL } };
    const nz_param_decl bad_default[] = { { "a", NZ_PARAM_INT, "7", 0, 1, NULL, "" }, { NULL, 0, NULL, 0, 0, NULL, NULL } };
    const nz_param_decl no_choices[] = { { "a", NZ_PARAM_CHOICE, "x", 0, 0, NULL, "" }, { NULL, 0, NULL, 0, 0, NULL, NULL } };
    assert_null(nz_params_create(bad_name, "e"));
    assert_non_null(strstr(nz_last_error(), "'Steps'"));
    assert_null(nz_params_create(dup, "e"));
    assert_non_null(strstr(nz_last_error(), "twice"));
    assert_null(nz_params_create(bad_default, "e"));
    assert_non_null(strstr(nz_last_error(), "invalid default"));
    assert_non_null(strstr(nz_last_error(), "'7'"));
    assert_null(nz_params_create(no_choices, "e"));
    assert_non_null(strstr(nz_last_error(), "no choices"));
    nz_params *none = nz_params_create(NULL, "e");
    assert_non_null(none);
    assert_int_equal(nz_params_count(none), 0);
    assert_int_equal(nz_params_assign(none, "a=1"), NZ_ERR_NOT_FOUND);
    assert_non_null(strstr(nz_last_error(), "no parameters"));
    nz_params_free(none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults), cmocka_unit_test(good_values), cmocka_unit_test(bad_values),
        cmocka_unit_test(describe), cmocka_unit_test(bad_declarations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
