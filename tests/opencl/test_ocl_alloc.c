/* Allocations above CL_DEVICE_MAX_MEM_ALLOC_SIZE fail with a clear error and
 * the process, the device and its other buffers keep working.
 *
 * argv[1]: the opencl plugin. */
#include <stdint.h>

#include "ocl_test.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s nazo-backend-opencl.so\n", argv[0]);
        return 2;
    }
    void *dl;
    const nz_backend_iface *be = ocl_test_load(argv[1], &dl);
    CHECK(be != NULL, "loading %s", argv[1]);
    int count = 0;
    nz_status s = be->probe(&count);
    if (s == NZ_ERR_UNAVAILABLE) {
        printf("SKIP: no OpenCL device: %s\n", nz_last_error());
        return 77;
    }
    CHECK(s == NZ_OK && count > 0, "probe");
    for (int i = 0; i < count; i++) {
        nz_device_info info;
        CHECK_OK(be->device_info(i, &info));
        void *dev, *keep, *big = NULL;
        CHECK_OK(be->open(i, &dev));
        CHECK_OK(be->alloc(dev, 1024, &keep));
        double v[128], w[128];
        for (int j = 0; j < 128; j++)
            v[j] = j * 0.5;
        CHECK_OK(be->write(dev, keep, 0, v, sizeof v));

        size_t sizes[2] = {(size_t)info.max_alloc + 1, SIZE_MAX / 2};
        for (int t = 0; t < 2; t++) {
            s = be->alloc(dev, sizes[t], &big);
            CHECK(s == NZ_ERR_NOMEM, "alloc of %zu bytes returned %s", sizes[t],
                  nz_status_name(s));
            CHECK(strstr(nz_last_error(), "CL_DEVICE_MAX_MEM_ALLOC_SIZE") != NULL,
                  "message does not name the limit: %s", nz_last_error());
            printf("%s: %s\n", info.name, nz_last_error());
        }
        /* Still alive: the earlier buffer reads back, a new one works. */
        CHECK_OK(be->read(dev, keep, 0, w, sizeof w));
        CHECK(memcmp(v, w, sizeof v) == 0, "buffer changed after a failed allocation");
        void *again;
        CHECK_OK(be->alloc(dev, 4096, &again));
        be->free(dev, again);
        be->free(dev, keep);
        be->close(dev);
    }
    dlclose(dl);
    printf("ok\n");
    return 0;
}
