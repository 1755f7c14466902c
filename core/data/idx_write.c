/* IDX writer.  Atomic: the file is written to a temporary name in the same
 * directory, flushed to disk, and renamed over the target, so a reader sees
 * either the old file or the complete new one, never a torn one. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "nazo/data.h"

typedef struct sink {
    int fd;
    gzFile gz; /* NULL: plain */
} sink;

static nz_status sink_write(sink *k, const char *path, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n) {
        size_t chunk = n > (1u << 30) ? (1u << 30) : n;
        if (k->gz) {
            int w = gzwrite(k->gz, p, (unsigned)chunk);
            if (w <= 0) {
                int errnum = 0;
                const char *msg = gzerror(k->gz, &errnum);
                return nz_error(NZ_ERR_IO, "%s: write failed: %s", path,
                                errnum == Z_ERRNO ? strerror(errno) : msg);
            }
            chunk = (size_t)w;
        } else {
            ssize_t w = write(k->fd, p, chunk);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                return nz_error(NZ_ERR_IO, "%s: write failed: %s", path, strerror(errno));
            }
            chunk = (size_t)w;
        }
        p += chunk;
        n -= chunk;
    }
    return NZ_OK;
}

/* Host values to big-endian bytes through a bounded staging buffer. */
static nz_status write_body(sink *k, const char *path, const void *data, size_t count,
                            size_t esize)
{
    unsigned char stage[1 << 16];
    const unsigned char *src = data;
    size_t per = sizeof stage / esize;
    for (size_t i = 0; i < count; i += per) {
        size_t m = count - i < per ? count - i : per;
        for (size_t j = 0; j < m; j++) {
            const unsigned char *e = src + (i + j) * esize;
            uint64_t v = 0;
            if (esize == 1) {
                v = e[0];
            } else if (esize == 4) {
                uint32_t h;
                memcpy(&h, e, 4);
                v = h;
            } else {
                memcpy(&v, e, 8);
            }
            for (size_t b = 0; b < esize; b++)
                stage[j * esize + b] = (unsigned char)(v >> (8 * (esize - 1 - b)));
        }
        nz_status st = sink_write(k, path, stage, m * esize);
        if (st != NZ_OK)
            return st;
    }
    return NZ_OK;
}

/* Make the rename itself durable. */
static void sync_dir(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return;
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(copy);
}

nz_status nz_idx_write(const char *path, nz_idx_type type, int ndim, const uint32_t *dims,
                       const void *data, int gzip)
{
    if (!path || !*path)
        return nz_error(NZ_ERR_INVALID, "nz_idx_write: no file name given");
    if (type != NZ_IDX_U8 && type != NZ_IDX_I32 && type != NZ_IDX_F32 && type != NZ_IDX_F64)
        return nz_error(NZ_ERR_INVALID,
                        "%s: cannot write IDX type code 0x%02x: use NZ_IDX_U8, NZ_IDX_I32, "
                        "NZ_IDX_F32 or NZ_IDX_F64",
                        path, (unsigned)type);
    if (ndim < 1 || ndim > NZ_IDX_MAX_DIMS || !dims)
        return nz_error(NZ_ERR_INVALID, "%s: %d dimensions: expected 1 to %d", path, ndim,
                        NZ_IDX_MAX_DIMS);
    size_t esize = nz_idx_type_size(type), count = 1;
    for (int i = 0; i < ndim; i++) {
        if (dims[i] == 0)
            return nz_error(NZ_ERR_INVALID, "%s: size of dimension %d is 0", path, i);
        if (count > SIZE_MAX / esize / dims[i])
            return nz_error(NZ_ERR_INVALID, "%s: sizes overflow", path);
        count *= dims[i];
    }
    if (!data)
        return nz_error(NZ_ERR_INVALID, "%s: data is NULL", path);

    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp)
        return nz_error(NZ_ERR_NOMEM, "%s: out of memory", path);
    snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        nz_status st = nz_error(NZ_ERR_IO, "%s: cannot create a temporary file beside it: %s",
                                path, strerror(errno));
        free(tmp);
        return st;
    }
    /* mkstemp makes the file 0600; data files are meant to be shared like
     * any other output, so follow the umask. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);

    sink k = {.fd = fd, .gz = NULL};
    nz_status st = NZ_OK;
    if (gzip) {
        /* gzclose closes the descriptor it was given; keep ours for fsync. */
        int gfd = dup(fd);
        k.gz = gfd >= 0 ? gzdopen(gfd, "wb6") : NULL;
        if (!k.gz) {
            if (gfd >= 0)
                close(gfd);
            st = nz_error(NZ_ERR_IO, "%s: cannot start gzip stream", path);
        }
    }
    unsigned char head[4 + 4 * NZ_IDX_MAX_DIMS] = {0, 0, (unsigned char)type,
                                                  (unsigned char)ndim};
    for (int i = 0; i < ndim; i++)
        for (int b = 0; b < 4; b++)
            head[4 + 4 * i + b] = (unsigned char)(dims[i] >> (8 * (3 - b)));
    if (st == NZ_OK)
        st = sink_write(&k, path, head, 4 + 4 * (size_t)ndim);
    if (st == NZ_OK)
        st = write_body(&k, path, data, count, esize);
    if (k.gz) {
        int rc = gzclose(k.gz);
        if (st == NZ_OK && rc != Z_OK)
            st = nz_error(NZ_ERR_IO, "%s: finishing the gzip stream failed (code %d)", path, rc);
    }
    if (st == NZ_OK && fsync(fd) != 0)
        st = nz_error(NZ_ERR_IO, "%s: fsync failed: %s", path, strerror(errno));
    if (close(fd) != 0 && st == NZ_OK)
        st = nz_error(NZ_ERR_IO, "%s: close failed: %s", path, strerror(errno));
    if (st == NZ_OK && rename(tmp, path) != 0)
        st = nz_error(NZ_ERR_IO, "%s: cannot rename the temporary file into place: %s", path,
                      strerror(errno));
    if (st != NZ_OK)
        unlink(tmp);
    else
        sync_dir(path);
    free(tmp);
    return st;
}
