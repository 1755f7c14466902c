/* Image grids as 8-bit grayscale PNG: signature, IHDR, one zlib IDAT, IEND.
 * Filter type 0 on every row keeps the encoder trivial; zlib does the rest
 * (the images are small, so the compression ratio hardly matters). */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "run_internal.h"

/* Gaps between cells and unused cells: white, so dark images stand apart. */
#define NZ_PNG_GAP 255u
/* Keeps the image and zlib's sizes well inside uLong/int on every platform. */
#define NZ_PNG_MAX_SIDE 16384

static int grid_name_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 200) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Append one chunk (length, type, data, CRC over type + data) at out. */
static unsigned char *put_chunk(unsigned char *out, const char type[4], const unsigned char *data,
                                uint32_t len)
{
    put_be32(out, len);
    memcpy(out + 4, type, 4);
    if (len) memcpy(out + 8, data, len);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, out + 4, (uInt)(len + 4));
    put_be32(out + 8 + len, (uint32_t)crc);
    return out + 12 + len;
}

static unsigned char to_byte(float v, float lo, float hi)
{
    float t = (v - lo) / (hi - lo) * 255.0f;
    if (!(t >= 0.0f)) return 0; /* below range, or NaN */
    if (t >= 255.0f) return 255;
    return (unsigned char)lrintf(t);
}

nz_status nz_run_image_grid(nz_run *r, const char *name, const float *pixels, int count,
                            int cols, int h, int w, float lo, float hi)
{
    if (!r || !grid_name_ok(name) || !pixels)
        return nz_error(NZ_ERR_INVALID, "nz_run_image_grid: need a run, pixels and a name of letters, "
                        "digits, '_' or '-' (got '%s')", name ? name : "(null)");
    if (count < 1 || cols < 1 || h < 1 || w < 1)
        return nz_error(NZ_ERR_INVALID, "nz_run_image_grid '%s': count, cols, h and w must be positive "
                        "(got %d, %d, %d, %d)", name, count, cols, h, w);
    if (!(hi > lo) || !isfinite(lo) || !isfinite(hi))
        return nz_error(NZ_ERR_INVALID, "nz_run_image_grid '%s': need finite lo < hi (got %g, %g)",
                        name, (double)lo, (double)hi);
    if (cols > count) cols = count;
    int rows = (count + cols - 1) / cols;
    if ((int64_t)cols * (w + 1) > NZ_PNG_MAX_SIDE || (int64_t)rows * (h + 1) > NZ_PNG_MAX_SIDE)
        return nz_error(NZ_ERR_INVALID, "nz_run_image_grid '%s': a %dx%d grid of %dx%d images exceeds "
                        "%d pixels a side", name, rows, cols, h, w, NZ_PNG_MAX_SIDE);
    uint32_t width = (uint32_t)(cols * w + cols - 1);
    uint32_t height = (uint32_t)(rows * h + rows - 1);

    /* Raw scanlines: a filter byte (0, none) then `width` gray bytes. */
    size_t stride = (size_t)width + 1;
    size_t raw_len = stride * height;
    unsigned char *raw = malloc(raw_len);
    if (!raw) return nz_error(NZ_ERR_NOMEM, "nz_run_image_grid '%s': out of memory", name);
    for (uint32_t y = 0; y < height; y++) {
        raw[y * stride] = 0;
        memset(raw + y * stride + 1, NZ_PNG_GAP, width);
    }
    for (int k = 0; k < count; k++) {
        const float *img = pixels + (size_t)k * h * w;
        size_t y0 = (size_t)(k / cols) * (h + 1), x0 = (size_t)(k % cols) * (w + 1);
        for (int y = 0; y < h; y++) {
            unsigned char *row = raw + (y0 + y) * stride + 1 + x0;
            for (int x = 0; x < w; x++) row[x] = to_byte(img[(size_t)y * w + x], lo, hi);
        }
    }

    uLong zcap = compressBound((uLong)raw_len);
    /* signature 8 + IHDR 25 + IDAT 12 + data + IEND 12 */
    size_t png_cap = 8 + 25 + 12 + (size_t)zcap + 12;
    unsigned char *png = malloc(png_cap);
    unsigned char *z = malloc(zcap);
    if (!png || !z) {
        free(raw);
        free(png);
        free(z);
        return nz_error(NZ_ERR_NOMEM, "nz_run_image_grid '%s': out of memory", name);
    }
    uLongf zlen = zcap;
    int zr = compress2(z, &zlen, raw, (uLong)raw_len, Z_BEST_COMPRESSION);
    free(raw);
    if (zr != Z_OK) {
        free(png);
        free(z);
        return nz_error(NZ_ERR_IO, "nz_run_image_grid '%s': zlib compress2 failed (%d)", name, zr);
    }

    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    unsigned char ihdr[13];
    put_be32(ihdr, width);
    put_be32(ihdr + 4, height);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 0;  /* colour type: grayscale */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering (we use type 0 on every row) */
    ihdr[12] = 0; /* no interlace */
    memcpy(png, sig, 8);
    unsigned char *p = put_chunk(png + 8, "IHDR", ihdr, 13);
    p = put_chunk(p, "IDAT", z, (uint32_t)zlen);
    p = put_chunk(p, "IEND", NULL, 0);
    free(z);

    char file[256];
    snprintf(file, sizeof file, "%s.png", name);
    nz_status s = nz_write_file_atomic(nz_run_dir(r), file, png, (size_t)(p - png));
    free(png);
    return s;
}
