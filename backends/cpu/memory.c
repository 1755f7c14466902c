/* Device memory on the CPU: host memory, 64-byte aligned, with the size kept
 * in a header so out-of-range transfers are caught with a clear message. */
#include <stdlib.h>
#include <string.h>

#include "cpu.h"

nz_status nz_cpu_alloc(void *dev, size_t bytes, void **buf)
{
    (void)dev;
    *buf = NULL;
    size_t total = sizeof(nz_cpu_buf) + bytes;
    if (total < bytes) /* overflow */
        return nz_error(NZ_ERR_NOMEM, "cpu: cannot allocate %zu bytes: size too large", bytes);
    total = (total + NZ_CPU_ALIGN - 1) / NZ_CPU_ALIGN * NZ_CPU_ALIGN;
    nz_cpu_buf *b = aligned_alloc(NZ_CPU_ALIGN, total);
    if (!b)
        return nz_error(NZ_ERR_NOMEM,
                        "cpu: out of memory allocating a buffer of %zu bytes; "
                        "free tensors or use smaller sizes", bytes);
    b->bytes = bytes;
    *buf = b;
    return NZ_OK;
}

void nz_cpu_free(void *dev, void *buf)
{
    (void)dev;
    free(buf);
}

static nz_status check_range(const char *what, const void *buf, size_t offset, size_t bytes)
{
    if (!buf)
        return nz_error(NZ_ERR_INVALID, "cpu %s: buffer is NULL", what);
    size_t size = ((const nz_cpu_buf *)buf)->bytes;
    if (offset > size || bytes > size - offset)
        return nz_error(NZ_ERR_INVALID,
                        "cpu %s: bytes [%zu, %zu) lie outside the buffer of %zu bytes",
                        what, offset, offset + bytes, size);
    return NZ_OK;
}

nz_status nz_cpu_write(void *dev, void *buf, size_t offset, const void *src, size_t bytes)
{
    (void)dev;
    nz_status s = check_range("write", buf, offset, bytes);
    if (s != NZ_OK)
        return s;
    if (bytes)
        memcpy(((nz_cpu_buf *)buf)->data + offset, src, bytes);
    return NZ_OK;
}

nz_status nz_cpu_read(void *dev, void *buf, size_t offset, void *dst, size_t bytes)
{
    (void)dev;
    nz_status s = check_range("read", buf, offset, bytes);
    if (s != NZ_OK)
        return s;
    if (bytes)
        memcpy(dst, ((nz_cpu_buf *)buf)->data + offset, bytes);
    return NZ_OK;
}

nz_status nz_cpu_copy(void *dev, void *dst, size_t dst_offset, void *src, size_t src_offset,
                      size_t bytes)
{
    (void)dev;
    nz_status s = check_range("copy (destination)", dst, dst_offset, bytes);
    if (s == NZ_OK)
        s = check_range("copy (source)", src, src_offset, bytes);
    if (s != NZ_OK)
        return s;
    /* memmove: a copy inside one buffer may overlap */
    if (bytes)
        memmove(((nz_cpu_buf *)dst)->data + dst_offset,
                ((nz_cpu_buf *)src)->data + src_offset, bytes);
    return NZ_OK;
}

nz_status nz_cpu_fill(void *dev, void *buf, size_t offset, size_t bytes, const void *pattern,
                      size_t pattern_size)
{
    (void)dev;
    if (pattern_size != 1 && pattern_size != 2 && pattern_size != 4 && pattern_size != 8)
        return nz_error(NZ_ERR_INVALID,
                        "cpu fill: pattern size %zu is not 1, 2, 4 or 8 bytes", pattern_size);
    if (bytes % pattern_size)
        return nz_error(NZ_ERR_INVALID,
                        "cpu fill: %zu bytes is not a multiple of the %zu-byte pattern",
                        bytes, pattern_size);
    nz_status s = check_range("fill", buf, offset, bytes);
    if (s != NZ_OK)
        return s;
    unsigned char *d = ((nz_cpu_buf *)buf)->data + offset;
    const unsigned char *p = pattern;
    if (bytes == 0)
        return NZ_OK;
    memcpy(d, p, pattern_size);
    /* Doubling copies: log(bytes) memcpy calls. */
    size_t done = pattern_size;
    while (done < bytes) {
        size_t step = done < bytes - done ? done : bytes - done;
        memcpy(d + done, d, step);
        done += step;
    }
    return NZ_OK;
}
