/* A minimal check macro for the gradflow tests: report and count failures,
 * keep going so one run shows every broken assertion. */
#ifndef TEST_GF_CHECK_H
#define TEST_GF_CHECK_H

#include <stdio.h>

static int gf_test_failures;

#define CHECK(cond, ...)                                                         \
    do {                                                                         \
        if (!(cond)) {                                                           \
            gf_test_failures++;                                                  \
            fprintf(stderr, "%s:%d: FAIL %s: ", __FILE__, __LINE__, #cond);      \
            fprintf(stderr, __VA_ARGS__);                                        \
            fprintf(stderr, "\n");                                               \
        }                                                                        \
    } while (0)

#define CHECK_OK(expr)                                                           \
    do {                                                                         \
        nz_status st_ = (expr);                                                  \
        CHECK(st_ == NZ_OK, "%s -> %s: %s", #expr, nz_status_name(st_), nz_last_error()); \
        if (st_ != NZ_OK) return;                                                \
    } while (0)

#endif
