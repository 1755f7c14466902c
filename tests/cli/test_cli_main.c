/* The CLI test driver: test_cli <path to nazo> <case>. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_harness.h"
#include "cli_tests.h"

static const struct {
    const char *name;
    int (*fn)(void);
} tests[] = {
    { "bad-input", test_bad_input },     { "good-run", test_good_run },
    { "default-out", test_default_out }, { "device-choice", test_device_choice },
    { "failed-run", test_failed_run },   { "no-gnuplot", test_no_gnuplot },
    { "killed-run", test_killed_run },   { "interrupted-run", test_interrupted_run },
    { "listings", test_listings },
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <nazo binary> <case>\n", argv[0]);
        return 99;
    }
    /* The tests chdir into scratch directories: make the path absolute. */
    static char nazo[PATH_MAX];
    if (!realpath(argv[1], nazo)) {
        perror(argv[1]);
        return 99;
    }
    cli_nazo = nazo;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (strcmp(tests[i].name, argv[2]) == 0) {
            int failed = tests[i].fn();
            fprintf(stderr, "%s: %s (%d failed checks)\n", argv[2], failed ? "FAIL" : "ok", failed);
            return failed ? 1 : 0;
        }
    fprintf(stderr, "unknown case '%s'\n", argv[2]);
    return 99;
}
