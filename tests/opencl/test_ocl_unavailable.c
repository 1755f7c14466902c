/* No ICD: with OCL_ICD_VENDORS pointing at an empty directory the ICD loader
 * finds no platform.  The plugin's probe must say so (NZ_ERR_UNAVAILABLE, a
 * reason naming an ICD to install), and through the core the opencl backend
 * is listed unavailable while the CPU backend keeps working.
 *
 * argv[1]: the opencl plugin. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nazo/core.h"
#include "ocl_test.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s nazo-backend-opencl.so\n", argv[0]);
        return 2;
    }
    char dir[] = "/tmp/nazo-no-icd-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    /* Before anything touches libOpenCL: the loader reads it once. */
    setenv("OCL_ICD_VENDORS", dir, 1);

    void *dl;
    const nz_backend_iface *be = ocl_test_load(argv[1], &dl);
    CHECK(be != NULL, "loading %s", argv[1]);
    int count = 42;
    nz_status s = be->probe(&count);
    CHECK(s == NZ_ERR_UNAVAILABLE, "probe returned %s", nz_status_name(s));
    CHECK(count == 0, "count %d", count);
    CHECK(strstr(nz_last_error(), "pocl-opencl-icd") != NULL, "reason lacks the hint: %s",
          nz_last_error());
    printf("probe: %s\n", nz_last_error());
    dlclose(dl);

    /* Through the core: opencl unavailable with the reason, cpu works. */
    nz_context *ctx = nz_context_create();
    CHECK(ctx != NULL, "nz_context_create");
    int saw_ocl = 0, saw_cpu = 0;
    for (size_t i = 0; i < nz_context_plugin_count(ctx); i++) {
        const nz_plugin_info *p = nz_context_plugin(ctx, i);
        if (p->kind != NZ_PLUGIN_BACKEND)
            continue;
        if (strcmp(p->name, "opencl") == 0) {
            saw_ocl = 1;
            CHECK(!p->available, "opencl listed available without an ICD");
            CHECK(p->unavailable_reason && strstr(p->unavailable_reason, "ICD"),
                  "reason: %s", p->unavailable_reason ? p->unavailable_reason : "(null)");
            printf("core lists opencl unavailable: %s\n", p->unavailable_reason);
        } else if (strcmp(p->name, "cpu") == 0) {
            saw_cpu = 1;
            CHECK(p->available, "cpu backend unavailable: %s",
                  p->unavailable_reason ? p->unavailable_reason : "");
        }
    }
    CHECK(saw_ocl, "the core did not load the opencl plugin");
    CHECK(saw_cpu, "the core did not load the cpu plugin");

    /* A real op on the CPU device: out = 2*x + 1. */
    nz_device *cpu;
    CHECK_OK(nz_device_open(ctx, "cpu", &cpu));
    const nz_backend_iface *cb = nz_device_backend(cpu);
    void *h = nz_device_handle(cpu), *buf;
    float x[4] = {1, 2, 3, 4}, y[4];
    CHECK_OK(cb->alloc(h, sizeof x, &buf));
    CHECK_OK(cb->write(h, buf, 0, x, sizeof x));
    nz_op_args a = ocl_test_unary(NZ_UN_AFFINE, 4, buf, 2, 1);
    CHECK_OK(cb->run(h, &a));
    CHECK_OK(cb->read(h, buf, 0, y, sizeof y));
    for (int i = 0; i < 4; i++)
        CHECK(y[i] == 2 * x[i] + 1, "cpu result %d: %g", i, y[i]);
    cb->free(h, buf);
    nz_context_free(ctx);
    rmdir(dir);
    printf("ok\n");
    return 0;
}
