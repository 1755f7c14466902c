/* libFuzzer target for the IDX reader.  Any input must give NZ_OK with a
 * consistent result or a clean error with a message naming the input; never
 * a crash, a leak or an out-of-bounds access (run under ASan/UBSan).
 *
 *   CC=clang meson setup build-fuzz && ninja -C build-fuzz tests/nn/fuzz_idx &&
 *   mkdir -p /tmp/idx-corpus &&
 *   build-fuzz/tests/nn/fuzz_idx -max_total_time=60 /tmp/idx-corpus tests/nn/fuzz_corpus
 *
 * Built without libFuzzer (FUZZ_REPLAY), main() replays the files named on
 * the command line, so the seed corpus runs as an ordinary test. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nazo/data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nz_idx idx;
    nz_status st = nz_idx_read_mem(data, size, "fuzz-input", &idx);
    if (st == NZ_OK) {
        size_t count = 1;
        for (int i = 0; i < idx.ndim; i++)
            count *= idx.dims[i];
        /* A good file's data exactly fills it after the header. */
        if (count != idx.count || 4 + 4 * (size_t)idx.ndim + count * nz_idx_type_size(idx.type) != size)
            abort();
        /* Touch every byte so ASan checks the buffer's extent. */
        volatile uint8_t sink = 0;
        const uint8_t *p = idx.data;
        for (size_t i = 0; i < count * nz_idx_type_size(idx.type); i++)
            sink ^= p[i];
        (void)sink;
        nz_idx_free(&idx);
    } else {
        if (idx.data || !strstr(nz_last_error(), "fuzz-input"))
            abort();
    }
    return 0;
}

#ifdef FUZZ_REPLAY
int main(int argc, char **argv)
{
    int ok = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "%s: cannot open\n", argv[i]);
            return 1;
        }
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        ok++;
    }
    printf("replayed %d inputs\n", ok);
    return ok == argc - 1 && ok > 0 ? 0 : 1;
}
#endif
