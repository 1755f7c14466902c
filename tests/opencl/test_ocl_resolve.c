/* Device naming "opencl:P.D": the backend's detail string numbers each
 * device by platform and by position within it, so that the core resolves
 * "opencl:0.0" to the same entry as "opencl:0" (the first device of the
 * first platform), and a platform.device pair that does not exist fails
 * with the list of choices.
 *
 * argv[1]: the opencl plugin; its directory goes first on NAZO_PLUGIN_PATH
 * so that the core loads this build's plugin. */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "nazo/core.h"
#include "ocl_test.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s nazo-backend-opencl.so\n", argv[0]);
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s", argv[1]);
    setenv("NAZO_PLUGIN_PATH", dirname(path), 1);
    unsetenv("NAZO_DEVICE");

    nz_context *ctx = nz_context_create();
    CHECK(ctx != NULL, "nz_context_create");
    size_t plain = 0;
    if (nz_context_resolve_device(ctx, "opencl:0", &plain) != NZ_OK) {
        printf("SKIP: no OpenCL device: %s\n", nz_last_error());
        nz_context_free(ctx);
        return 77;
    }
    const nz_device_entry *e = nz_context_device_entry(ctx, plain);
    printf("opencl:0 = %s: %s [%s]\n", e->id, e->info.name, e->info.detail);
    CHECK(strncmp(e->info.detail, "platform 0 device 0;", 20) == 0,
          "detail does not start with the platform.device pair: %s", e->info.detail);

    size_t dotted = 99;
    CHECK_OK(nz_context_resolve_device(ctx, "opencl:0.0", &dotted));
    CHECK(dotted == plain, "opencl:0.0 -> entry %zu, opencl:0 -> entry %zu", dotted, plain);

    /* Every device resolves by its own P.D to itself. */
    for (size_t i = 0; i < nz_context_device_count(ctx); i++) {
        const nz_device_entry *d = nz_context_device_entry(ctx, i);
        if (strcmp(d->backend, "opencl") != 0)
            continue;
        unsigned p, dv;
        CHECK(sscanf(d->info.detail, "platform %u device %u;", &p, &dv) == 2, "detail of %s: %s",
              d->id, d->info.detail);
        char name[64];
        snprintf(name, sizeof name, "opencl:%u.%u", p, dv);
        size_t got = 99;
        CHECK_OK(nz_context_resolve_device(ctx, name, &got));
        CHECK(got == i, "%s -> %s, expected %s", name, nz_context_device_entry(ctx, got)->id,
              d->id);
    }

    /* No platform 999: not found, and the message lists the choices. */
    size_t none = 99;
    nz_status s = nz_context_resolve_device(ctx, "opencl:999.0", &none);
    CHECK(s == NZ_ERR_NOT_FOUND, "opencl:999.0 gave %s", nz_status_name(s));
    CHECK(strstr(nz_last_error(), "opencl:0") != NULL, "no choices listed: %s", nz_last_error());
    nz_context_free(ctx);
    printf("ok: opencl:0.0 and opencl:0 resolve to the same device\n");
    return 0;
}
