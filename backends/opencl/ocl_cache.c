/* The on-disk cache of program binaries (and small records such as the GEMM
 * choice).
 *
 * One file per key: <dir>/opencl-<hash of key>.<ext>.  The key is the full
 * text that decides the binary: source hash, build options, platform, device
 * and driver version.  The file holds a header (magic, lengths, checksum),
 * the key itself and the payload.  An entry is used only when the magic,
 * lengths, key text and checksum all match; anything else (a torn file, a
 * flipped bit, a hash collision, a driver update) is ignored and rewritten.
 * Writes go to a temporary file that is fsync'd and renamed over the old one,
 * so readers never see half a file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocl_internal.h"

#define NZ_CACHE_MAGIC "NZCLBIN1"

typedef struct nz_cache_header {
    char magic[8];
    uint64_t key_len;
    uint64_t payload_len;
    uint64_t checksum;     /* FNV-1a over key and payload */
} nz_cache_header;

uint64_t nz_ocl_hash(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

int nz_ocl_cache_dir(char *buf, size_t size)
{
    const char *e = getenv("NAZO_CACHE_DIR");
    int n;
    if (e && *e) {
        n = snprintf(buf, size, "%s", e);
    } else if ((e = getenv("XDG_CACHE_HOME")) && *e) {
        n = snprintf(buf, size, "%s/nazo", e);
    } else if ((e = getenv("HOME")) && *e) {
        n = snprintf(buf, size, "%s/.cache/nazo", e);
    } else {
        return -1;
    }
    return n > 0 && (size_t)n < size ? 0 : -1;
}

static int nz_cache_path(const char *key, const char *ext, char *buf, size_t size)
{
    char dir[1024];
    if (nz_ocl_cache_dir(dir, sizeof dir) != 0)
        return -1;
    uint64_t h = nz_ocl_hash(key, strlen(key), NZ_OCL_HASH_SEED);
    int n = snprintf(buf, size, "%s/opencl-%016llx.%s", dir, (unsigned long long)h, ext);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* mkdir -p, tolerating directories that already exist. */
static int nz_mkdirs(const char *path)
{
    char tmp[1024];
    int n = snprintf(tmp, sizeof tmp, "%s", path);
    if (n <= 0 || (size_t)n >= sizeof tmp)
        return -1;
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static unsigned char *nz_cache_read(const char *key, const char *ext, size_t *len)
{
    char path[1100];
    if (nz_cache_path(key, ext, path, sizeof path) != 0)
        return NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    nz_cache_header h;
    size_t klen = strlen(key);
    unsigned char *payload = NULL;
    char *kbuf = NULL;
    const char *why = NULL;
    if (fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, NZ_CACHE_MAGIC, 8) != 0) {
        why = "bad header";
    } else if (h.key_len != klen) {
        why = "different key (stale)";
    } else if (h.payload_len == 0 || h.payload_len > ((uint64_t)1 << 31)) {
        why = "bad payload length";
    } else if (!(kbuf = malloc(klen + 1)) || !(payload = malloc(h.payload_len + 1))) {
        why = "out of memory";
    } else if (fread(kbuf, 1, klen, f) != klen || memcmp(kbuf, key, klen) != 0) {
        why = "different key (stale)";
    } else if (fread(payload, 1, h.payload_len, f) != h.payload_len || fgetc(f) != EOF) {
        why = "truncated or overlong";
    } else if (nz_ocl_hash(payload, h.payload_len, nz_ocl_hash(key, klen, NZ_OCL_HASH_SEED)) !=
               h.checksum) {
        why = "checksum mismatch";
    }
    fclose(f);
    free(kbuf);
    if (why) {
        nz_debug("opencl", "cache: ignoring %s: %s", path, why);
        free(payload);
        return NULL;
    }
    nz_debug("opencl", "cache: hit %s", path);
    payload[h.payload_len] = 0;
    *len = (size_t)h.payload_len;
    return payload;
}

static void nz_cache_write(const char *key, const char *ext, const void *data, size_t len)
{
    char dir[1024], path[1100], tmp[1200];
    if (nz_ocl_cache_dir(dir, sizeof dir) != 0 || nz_cache_path(key, ext, path, sizeof path) != 0)
        return;
    if (nz_mkdirs(dir) != 0) {
        nz_debug("opencl", "cache: cannot create %s: %s", dir, strerror(errno));
        return;
    }
    snprintf(tmp, sizeof tmp, "%s/.opencl-tmp-XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        nz_debug("opencl", "cache: cannot create a file in %s: %s", dir, strerror(errno));
        return;
    }
    size_t klen = strlen(key);
    nz_cache_header h;
    memcpy(h.magic, NZ_CACHE_MAGIC, 8);
    h.key_len = klen;
    h.payload_len = len;
    h.checksum = nz_ocl_hash(data, len, nz_ocl_hash(key, klen, NZ_OCL_HASH_SEED));
    FILE *f = fdopen(fd, "wb");
    int ok = f != NULL;
    if (ok) {
        ok = fwrite(&h, sizeof h, 1, f) == 1 && fwrite(key, 1, klen, f) == klen &&
             fwrite(data, 1, len, f) == len && fflush(f) == 0 && fsync(fd) == 0;
        ok = (fclose(f) == 0) && ok;
    } else {
        close(fd);
    }
    if (!ok || rename(tmp, path) != 0) {
        nz_debug("opencl", "cache: cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return;
    }
    /* Make the rename itself durable. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    nz_debug("opencl", "cache: stored %s (%zu bytes)", path, len);
}

unsigned char *nz_ocl_cache_load(const char *key, size_t *len)
{
    return nz_cache_read(key, "bin", len);
}

void nz_ocl_cache_store(const char *key, const unsigned char *bin, size_t len)
{
    nz_cache_write(key, "bin", bin, len);
}

int nz_ocl_cache_load_text(const char *key, char *buf, size_t size)
{
    size_t len = 0;
    unsigned char *p = nz_cache_read(key, "txt", &len);
    if (!p)
        return -1;
    snprintf(buf, size, "%s", (const char *)p);
    free(p);
    return 0;
}

void nz_ocl_cache_store_text(const char *key, const char *text)
{
    nz_cache_write(key, "txt", text, strlen(text));
}
