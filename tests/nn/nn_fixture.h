/* Shared by the nn tests that need a device: the CPU device of a context
 * (the loader finds the CPU backend in the build tree). */
#ifndef NAZO_TESTS_NN_FIXTURE_H
#define NAZO_TESTS_NN_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "nazo/nazo.h"

static nz_context *fx_ctx;
static nz_device *fx_dev;

static int fx_setup(void **state)
{
    (void)state;
    fx_ctx = nz_context_create();
    if (!fx_ctx || nz_device_open(fx_ctx, "cpu", &fx_dev) != NZ_OK) {
        fprintf(stderr, "no CPU device: %s\n", nz_last_error());
        return -1;
    }
    return 0;
}

static int fx_teardown(void **state)
{
    (void)state;
    nz_context_free(fx_ctx);
    return 0;
}

#endif
