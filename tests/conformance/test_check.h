/* The reference tests' check: print a failed condition and keep going;
 * main returns nonzero when `failures` is. */
#ifndef NZ_CONF_TEST_CHECK_H
#define NZ_CONF_TEST_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                            \
    do {                                                            \
        if (!(cond)) {                                              \
            failures++;                                             \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);  \
            printf(__VA_ARGS__);                                    \
            printf("\n");                                           \
        }                                                           \
    } while (0)

#endif
