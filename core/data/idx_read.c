/* IDX reader: strict validation, every message names the file and the
 * problem.  The parser runs over a small byte-source interface so that gzip'd
 * files, plain files (zlib reads both) and memory images share one code path,
 * and the fuzz target exercises exactly what real files go through. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "nazo/data.h"

/* Reads up to n bytes; returns the count (short only at the end), or -1
 * after setting the error message. */
typedef struct nz_idx_src {
    long (*read)(struct nz_idx_src *s, void *buf, size_t n);
    const char *name;
    gzFile gz;
    const unsigned char *mem;
    size_t mem_len, mem_pos;
} nz_idx_src;

static long mem_read(nz_idx_src *s, void *buf, size_t n)
{
    size_t left = s->mem_len - s->mem_pos;
    if (n > left)
        n = left;
    memcpy(buf, s->mem + s->mem_pos, n);
    s->mem_pos += n;
    return (long)n;
}

static long gz_read(nz_idx_src *s, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        /* gzread takes an unsigned count: read in slices of at most 1 GiB. */
        size_t want = n - done > (1u << 30) ? (1u << 30) : n - done;
        int got = gzread(s->gz, (char *)buf + done, (unsigned)want);
        if (got < 0) {
            int errnum = 0;
            const char *msg = gzerror(s->gz, &errnum);
            nz_error(NZ_ERR_IO, "%s: read error: %s", s->name,
                     errnum == Z_ERRNO ? strerror(errno) : msg);
            return -1;
        }
        if (got == 0)
            break;
        done += (size_t)got;
    }
    return (long)done;
}

/* Why a gzip'd stream stopped early, for truncation messages ("" when the
 * stream simply ended). */
static const char *gz_end_reason(nz_idx_src *s)
{
    if (!s->gz)
        return "";
    int errnum = 0;
    const char *msg = gzerror(s->gz, &errnum);
    return (errnum != Z_OK && msg && *msg) ? msg : "";
}

size_t nz_idx_type_size(int type)
{
    switch (type) {
    case NZ_IDX_U8:
    case NZ_IDX_I8:
        return 1;
    case NZ_IDX_I16:
        return 2;
    case NZ_IDX_I32:
    case NZ_IDX_F32:
        return 4;
    case NZ_IDX_F64:
        return 8;
    default:
        return 0;
    }
}

/* Big-endian file order to host order, element by element, independent of
 * the host's own byte order. */
static void to_host_order(void *data, size_t count, size_t esize)
{
    unsigned char *p = data;
    for (size_t i = 0; i < count; i++, p += esize) {
        uint64_t v = 0;
        for (size_t b = 0; b < esize; b++)
            v = (v << 8) | p[b];
        if (esize == 2) {
            uint16_t h = (uint16_t)v;
            memcpy(p, &h, 2);
        } else if (esize == 4) {
            uint32_t h = (uint32_t)v;
            memcpy(p, &h, 4);
        } else if (esize == 8) {
            memcpy(p, &v, 8);
        }
    }
}

static nz_status parse(nz_idx_src *s, nz_idx *out)
{
    const char *name = s->name;
    unsigned char head[4];
    long got = s->read(s, head, 4);
    if (got < 0)
        return NZ_ERR_IO;
    if (got < 4)
        return nz_error(NZ_ERR_IO,
                        "%s: too short: an IDX file starts with a 4-byte header, got %ld bytes",
                        name, got);
    if (head[0] != 0 || head[1] != 0)
        return nz_error(NZ_ERR_IO,
                        "%s: bad magic %02x %02x %02x %02x: not an IDX file "
                        "(expected 00 00 <type> <ndim>)",
                        name, head[0], head[1], head[2], head[3]);
    size_t esize = nz_idx_type_size(head[2]);
    if (esize == 0)
        return nz_error(NZ_ERR_IO,
                        "%s: unknown IDX type code 0x%02x (expected 0x08 u8, 0x09 i8, "
                        "0x0B i16, 0x0C i32, 0x0D f32 or 0x0E f64)",
                        name, head[2]);
    int ndim = head[3];
    if (ndim == 0 || ndim > NZ_IDX_MAX_DIMS)
        return nz_error(NZ_ERR_IO, "%s: %d dimensions: expected 1 to %d", name, ndim,
                        NZ_IDX_MAX_DIMS);

    unsigned char dimbytes[4 * NZ_IDX_MAX_DIMS];
    size_t dimlen = 4 * (size_t)ndim;
    got = s->read(s, dimbytes, dimlen);
    if (got < 0)
        return NZ_ERR_IO;
    if ((size_t)got < dimlen)
        return nz_error(NZ_ERR_IO, "%s: truncated header: expected %zu bytes of sizes, got %ld",
                        name, dimlen, got);

    uint32_t dims[NZ_IDX_MAX_DIMS];
    size_t count = 1;
    for (int i = 0; i < ndim; i++) {
        const unsigned char *b = dimbytes + 4 * i;
        dims[i] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        if (dims[i] == 0)
            return nz_error(NZ_ERR_IO, "%s: size of dimension %d is 0", name, i);
        /* Check count*dims[i]*esize fits in size_t (and in a long for the
         * source interface) before multiplying. */
        if (count > (size_t)LONG_MAX / esize / dims[i])
            return nz_error(NZ_ERR_IO,
                            "%s: sizes overflow: the product of the %d dimension sizes times "
                            "%zu bytes does not fit in memory (corrupt header?)",
                            name, ndim, esize);
        count *= dims[i];
    }
    size_t bytes = count * esize;

    /* Grow the buffer as data arrives, so a header that claims gigabytes
     * costs nothing until the data is really there. */
    size_t cap = bytes < ((size_t)1 << 20) ? bytes : ((size_t)1 << 20), have = 0;
    unsigned char *data = malloc(cap);
    if (!data)
        return nz_error(NZ_ERR_NOMEM, "%s: out of memory for %zu bytes", name, cap);
    while (have < bytes) {
        if (have == cap) {
            size_t ncap = cap > bytes / 2 ? bytes : cap * 2;
            unsigned char *nd = realloc(data, ncap);
            if (!nd) {
                free(data);
                return nz_error(NZ_ERR_NOMEM, "%s: out of memory for %zu bytes", name, ncap);
            }
            data = nd;
            cap = ncap;
        }
        got = s->read(s, data + have, cap - have);
        if (got < 0) {
            free(data);
            return NZ_ERR_IO;
        }
        if (got == 0)
            break;
        have += (size_t)got;
    }
    if (have < bytes) {
        const char *why = gz_end_reason(s);
        free(data);
        return nz_error(NZ_ERR_IO, "%s: truncated: expected %zu bytes of data, got %zu%s%s%s",
                        name, bytes, have, *why ? " (" : "", why, *why ? ")" : "");
    }

    /* Anything after the data means the header and the data disagree. */
    unsigned char extra[4096];
    size_t trailing = 0;
    while ((got = s->read(s, extra, sizeof extra)) > 0)
        trailing += (size_t)got;
    if (got < 0) {
        free(data);
        return NZ_ERR_IO;
    }
    if (trailing) {
        free(data);
        return nz_error(NZ_ERR_IO,
                        "%s: trailing garbage: %zu bytes after the %zu bytes of data the "
                        "header describes",
                        name, trailing, bytes);
    }

    to_host_order(data, count, esize);
    out->type = (nz_idx_type)head[2];
    out->ndim = ndim;
    memcpy(out->dims, dims, sizeof(uint32_t) * (size_t)ndim);
    out->count = count;
    out->data = data;
    return NZ_OK;
}

static void clear(nz_idx *out)
{
    memset(out, 0, sizeof *out);
}

nz_status nz_idx_read(const char *path, nz_idx *out)
{
    if (!out)
        return nz_error(NZ_ERR_INVALID, "nz_idx_read: out is NULL");
    clear(out);
    if (!path || !*path)
        return nz_error(NZ_ERR_INVALID, "nz_idx_read: no file name given");
    errno = 0;
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return nz_error(NZ_ERR_IO, "%s: cannot open: %s", path,
                        errno ? strerror(errno) : "out of memory");
    gzbuffer(gz, 1 << 17);
    nz_idx_src s = {.read = gz_read, .name = path, .gz = gz};
    nz_status st = parse(&s, out);
    gzclose(gz);
    if (st != NZ_OK)
        clear(out);
    return st;
}

nz_status nz_idx_read_mem(const void *buf, size_t len, const char *name, nz_idx *out)
{
    if (!out)
        return nz_error(NZ_ERR_INVALID, "nz_idx_read_mem: out is NULL");
    clear(out);
    if (!buf && len)
        return nz_error(NZ_ERR_INVALID, "nz_idx_read_mem: buffer is NULL");
    nz_idx_src s = {.read = mem_read, .name = name ? name : "<memory>",
                    .mem = buf, .mem_len = len};
    nz_status st = parse(&s, out);
    if (st != NZ_OK)
        clear(out);
    return st;
}

void nz_idx_free(nz_idx *idx)
{
    if (!idx)
        return;
    free(idx->data);
    clear(idx);
}
