/* nz_run_image_grid: write a small grid through a real run, then decode the
 * file by hand (chunk CRCs, IHDR, zlib-inflated IDAT) and compare every pixel
 * with the layout the header promises. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "nazo/nazo.h"
#include "nazo/runner.h"

#include "test_check.h"

static const nz_param_decl no_params[] = { { NULL, 0, NULL, 0, 0, NULL, NULL } };
static nz_status no_run(nz_run *r) { (void)r; return NZ_OK; }
static const nz_experiment_iface iface = { no_params, no_run };
static const nz_plugin_desc desc = { NZ_ABI_VERSION, NZ_PLUGIN_EXPERIMENT, "pngtest", "1",
                                     "png test", &iface };

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Decode a grayscale 8-bit PNG written with filter 0; returns pixels (w*h). */
static unsigned char *decode(const char *path, uint32_t *w, uint32_t *h)
{
    size_t len;
    unsigned char *f = slurp(path, &len);
    CHECK(f != NULL, "cannot read %s", path);
    if (!f) return NULL;
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    CHECK(len > 8 && memcmp(f, sig, 8) == 0, "bad PNG signature");
    unsigned char *idat = NULL;
    size_t idat_len = 0, pos = 8;
    int seen_end = 0;
    *w = *h = 0;
    while (pos + 12 <= len && !seen_end) {
        uint32_t n = be32(f + pos);
        CHECK(pos + 12 + n <= len, "chunk runs past the file end");
        if (pos + 12 + n > len) break;
        const unsigned char *type = f + pos + 4, *data = f + pos + 8;
        uLong crc = crc32(crc32(0L, Z_NULL, 0), type, n + 4);
        CHECK(crc == be32(data + n), "CRC mismatch in chunk %.4s", (const char *)type);
        if (!memcmp(type, "IHDR", 4)) {
            CHECK(n == 13, "IHDR length %u", n);
            *w = be32(data);
            *h = be32(data + 4);
            CHECK(data[8] == 8 && data[9] == 0, "want 8-bit gray, got depth %d type %d", data[8], data[9]);
            CHECK(data[10] == 0 && data[11] == 0 && data[12] == 0, "compression/filter/interlace");
        } else if (!memcmp(type, "IDAT", 4)) {
            idat = realloc(idat, idat_len + n);
            memcpy(idat + idat_len, data, n);
            idat_len += n;
        } else if (!memcmp(type, "IEND", 4)) {
            seen_end = 1;
            CHECK(pos + 12 == len, "bytes after IEND");
        }
        pos += 12 + n;
    }
    CHECK(seen_end, "no IEND");
    free(f);
    uLongf raw_len = (uLongf)(*w + 1) * *h;
    unsigned char *raw = malloc(raw_len + 1);
    CHECK(idat && uncompress(raw, &raw_len, idat, idat_len) == Z_OK, "IDAT does not inflate");
    CHECK(raw_len == (uLongf)(*w + 1) * *h, "inflated %lu bytes, want %lu", (unsigned long)raw_len,
          (unsigned long)(*w + 1) * *h);
    free(idat);
    unsigned char *px = malloc((size_t)*w * *h);
    for (uint32_t y = 0; y < *h; y++) {
        CHECK(raw[y * (*w + 1)] == 0, "row %u filter byte %d", y, raw[y * (*w + 1)]);
        memcpy(px + (size_t)y * *w, raw + y * (*w + 1) + 1, *w);
    }
    free(raw);
    return px;
}

int main(void)
{
    char dir[] = "/tmp/nazo-png-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char out[512];
    snprintf(out, sizeof out, "%s/run", dir);
    nz_context *ctx = nz_context_create();
    nz_device *dev = NULL;
    if (!ctx || nz_device_open(ctx, "cpu", &dev) != NZ_OK) {
        fprintf(stderr, "no cpu device: %s\n", nz_last_error());
        return 1;
    }
    nz_params *p = nz_params_create(no_params, "pngtest");
    nz_run *r = NULL;
    if (nz_run_create(ctx, &desc, dev, 1, out, p, NULL, &r) != NZ_OK) {
        fprintf(stderr, "run: %s\n", nz_last_error());
        return 1;
    }

    /* 5 images of 2x3 in 3 columns: a 2-row grid, the last row with one
     * empty cell.  Values span [-1, 3] over the range [0, 2] to test clipping. */
    enum { COUNT = 5, COLS = 3, H = 2, W = 3 };
    float pix[COUNT * H * W];
    for (int i = 0; i < COUNT * H * W; i++) pix[i] = -1.0f + 4.0f * (float)i / (COUNT * H * W - 1);
    pix[7] = NAN;
    CHECK(nz_run_image_grid(r, "grid", pix, COUNT, COLS, H, W, 0.0f, 2.0f) == NZ_OK, "%s", nz_last_error());

    char path[600];
    snprintf(path, sizeof path, "%s/grid.png", out);
    uint32_t gw = 0, gh = 0;
    unsigned char *px = decode(path, &gw, &gh);
    CHECK(gw == COLS * W + COLS - 1 && gh == 2 * H + 1, "size %ux%u, want 11x5", gw, gh);
    if (px && gw == 11 && gh == 5) {
        int bad = 0;
        for (uint32_t y = 0; y < gh; y++)
            for (uint32_t x = 0; x < gw; x++) {
                int cell_r = (int)y / (H + 1), cell_c = (int)x / (W + 1);
                int iy = (int)y % (H + 1), ix = (int)x % (W + 1);
                int k = cell_r * COLS + cell_c;
                int want = 255; /* gaps and the empty cell */
                if (iy < H && ix < W && k < COUNT) {
                    float v = pix[k * H * W + iy * W + ix];
                    double t = isnan(v) ? 0.0 : (v - 0.0) / 2.0 * 255.0;
                    want = t <= 0 ? 0 : t >= 255 ? 255 : (int)lround(t);
                }
                if (abs(px[y * gw + x] - want) > (want == 0 || want == 255 ? 0 : 1)) {
                    if (bad++ < 5) fprintf(stderr, "pixel (%u,%u) = %d, want %d\n", x, y, px[y * gw + x], want);
                }
            }
        CHECK(bad == 0, "%d pixels differ", bad);
        CHECK(px[0] == 0 && px[4 * gw + 6] == 255, "clipping at both ends: %d %d", px[0], px[4 * gw + 6]);
    }
    free(px);

    /* Bad arguments are refused with a message and leave no file. */
    CHECK(nz_run_image_grid(r, "bad/name", pix, 1, 1, H, W, 0, 1) == NZ_ERR_INVALID, "slash in name");
    CHECK(nz_run_image_grid(r, "g2", pix, 0, 1, H, W, 0, 1) == NZ_ERR_INVALID, "count 0");
    CHECK(nz_run_image_grid(r, "g3", pix, 1, 1, H, W, 1, 1) == NZ_ERR_INVALID, "lo == hi");
    CHECK(strstr(nz_last_error(), "lo < hi") != NULL, "message: %s", nz_last_error());
    snprintf(path, sizeof path, "%s/g3.png", out);
    CHECK(access(path, F_OK) != 0, "g3.png written despite the error");

    nz_run_free(r);
    nz_params_free(p);
    nz_context_free(ctx);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    if (failures) fprintf(stderr, "%d failure(s)\n", failures);
    else printf("png grid ok\n");
    return failures ? 1 : 0;
}
