/* Shared set-up for the core tests: a context loaded from NAZO_PLUGIN_PATH
 * (the twin and ghost fixture backends) and helpers to assert messages. */
#ifndef NZ_TEST_CORE_FIXTURE_H
#define NZ_TEST_CORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nazo/nazo.h"

/* Fails the test, showing the message, unless `msg` contains `part`. */
#define assert_msg_has(msg, part)                                               \
    do {                                                                        \
        const char *m_ = (msg);                                                 \
        if (!strstr(m_, (part))) fail_msg("message \"%s\" lacks \"%s\"", m_, (part)); \
    } while (0)

static inline int fx_ctx_setup(void **state)
{
    nz_context *ctx = nz_context_create();
    if (!ctx) return -1;
    *state = ctx;
    return 0;
}

static inline int fx_ctx_teardown(void **state)
{
    nz_context_free(*state);
    return 0;
}

static inline nz_device *fx_open(nz_context *ctx, const char *name)
{
    nz_device *d = NULL;
    nz_status st = nz_device_open(ctx, name, &d);
    if (st != NZ_OK) fail_msg("opening %s: %s", name, nz_last_error());
    return d;
}

#endif
