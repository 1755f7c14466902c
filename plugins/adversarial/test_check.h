/* The adversarial tests' check: report a failed condition and keep going;
 * main returns nonzero when `failures` is. */
#ifndef ADV_TEST_CHECK_H
#define ADV_TEST_CHECK_H

#include <stdio.h>

static int failures;
#define CHECK(c, ...)                                                                         \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                             \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fputc('\n', stderr);                                                              \
            failures++;                                                                       \
        }                                                                                     \
    } while (0)

#endif
