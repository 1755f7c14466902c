/* Reading a checkpoint image: every length is checked against what is left
 * before it is used, so a truncated or corrupt file gives a message naming
 * the file and the problem, never a crash or a half-loaded model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint_internal.h"

static const char magic[8] = { 'N', 'Z', 'C', 'K', 'P', 'T', '\r', '\n' };
static const char end_magic[8] = { 'N', 'Z', 'C', 'K', 'E', 'N', 'D', '\n' };
#define BOM 0x01020304u
#define BOM_SWAPPED 0x04030201u
/* header: magic, byte-order mark, version, entry count */
#define HEADER_BYTES (8 + 4 + 4 + 8)
#define TRAILER_BYTES (4 + 8)

typedef struct rd {
    const unsigned char *p;
    size_t left;
} rd;

static int take(rd *r, void *dst, size_t n)
{
    if (r->left < n) return 0;
    if (dst) memcpy(dst, r->p, n);
    r->p += n;
    r->left -= n;
    return 1;
}

static nz_status corrupt(const char *name, const char *what)
{
    return nz_error(NZ_ERR_IO, "checkpoint %s is corrupt or truncated: %s; it cannot be loaded "
                    "(resume from another checkpoint or start a new run)", name, what);
}

static nz_status parse_entry(rd *r, const char *name, nz_ck_entry *e)
{
    unsigned char h[4];
    uint32_t nl;
    char what[400];
    if (!take(r, h, 4) || !take(r, &nl, 4)) return corrupt(name, "entry header cut short");
    if (nl == 0 || nl > 255 || r->left < nl) return corrupt(name, "bad entry name length");
    if (!(e->name = malloc(nl + 1))) return nz_error(NZ_ERR_NOMEM, "out of memory reading %s", name);
    take(r, e->name, nl);
    e->name[nl] = '\0';
    if (memchr(e->name, '\0', nl)) return corrupt(name, "entry name holds a NUL byte");
    e->kind = (nz_ck_kind)h[0];
    switch (e->kind) {
    case NZ_CK_TENSOR: {
        e->dtype = (nz_dtype)h[1];
        e->ndim = h[2];
        size_t es = nz_dtype_size(e->dtype);
        if (es == 0 || h[1] > NZ_I32) {
            snprintf(what, sizeof what, "tensor '%s' has unknown dtype code %u", e->name, h[1]);
            return corrupt(name, what);
        }
        if (e->ndim > NZ_MAX_DIMS) {
            snprintf(what, sizeof what, "tensor '%s' has %d dimensions (at most %d)", e->name, e->ndim,
                     NZ_MAX_DIMS);
            return corrupt(name, what);
        }
        uint64_t count = 1, bytes;
        for (int d = 0; d < e->ndim; d++) {
            uint64_t v;
            if (!take(r, &v, 8)) return corrupt(name, "tensor shape cut short");
            if (v == 0 || v > (uint64_t)INT64_MAX / 16 || count > UINT64_MAX / 16 / v) {
                snprintf(what, sizeof what, "tensor '%s' has an impossible dimension", e->name);
                return corrupt(name, what);
            }
            e->dims[d] = (int64_t)v;
            count *= v;
        }
        if (!take(r, &bytes, 8)) return corrupt(name, "tensor size cut short");
        if (bytes != count * es) {
            snprintf(what, sizeof what, "tensor '%s' holds %llu bytes, its shape needs %llu", e->name,
                     (unsigned long long)bytes, (unsigned long long)(count * es));
            return corrupt(name, what);
        }
        if (r->left < bytes) {
            snprintf(what, sizeof what, "tensor '%s' cut short", e->name);
            return corrupt(name, what);
        }
        if (!(e->data = malloc(bytes ? bytes : 1))) return nz_error(NZ_ERR_NOMEM, "out of memory reading %s", name);
        take(r, e->data, bytes);
        e->bytes = bytes;
        return NZ_OK;
    }
    case NZ_CK_INT:
        if (!take(r, &e->i, 8)) return corrupt(name, "integer cut short");
        return NZ_OK;
    case NZ_CK_FLOAT:
        if (!take(r, &e->f, 8)) return corrupt(name, "number cut short");
        return NZ_OK;
    case NZ_CK_TEXT: {
        uint64_t len;
        if (!take(r, &len, 8) || r->left < len) return corrupt(name, "text cut short");
        if (!(e->data = malloc(len + 1))) return nz_error(NZ_ERR_NOMEM, "out of memory reading %s", name);
        take(r, e->data, len);
        ((char *)e->data)[len] = '\0';
        e->bytes = len;
        return NZ_OK;
    }
    }
    snprintf(what, sizeof what, "entry '%s' has unknown kind %u", e->name, h[0]);
    return corrupt(name, what);
}

nz_status nz_checkpoint_read_mem(const void *buf, size_t len, const char *name, nz_checkpoint **out)
{
    if (out) *out = NULL;
    if (!out || (!buf && len)) return nz_error(NZ_ERR_INVALID, "nz_checkpoint_read_mem: NULL argument");
    if (!name) name = "(memory)";
    const unsigned char *p = buf;
    if (len < 8 || memcmp(p, magic, 8) != 0)
        return nz_error(NZ_ERR_IO, "%s is not a nazo checkpoint (no NZCKPT magic)", name);
    if (len < HEADER_BYTES + TRAILER_BYTES) return corrupt(name, "shorter than a header");
    uint32_t bom, version;
    uint64_t count;
    memcpy(&bom, p + 8, 4);
    memcpy(&version, p + 12, 4);
    memcpy(&count, p + 16, 8);
    if (bom == BOM_SWAPPED)
        return nz_error(NZ_ERR_IO, "checkpoint %s was written on a machine of the other byte order; "
                        "it cannot be loaded here", name);
    if (bom != BOM) return corrupt(name, "bad byte-order mark");
    if (version != NZ_CHECKPOINT_VERSION)
        return nz_error(NZ_ERR_IO, "checkpoint %s has format version %u; this nazo reads version %d",
                        name, version, NZ_CHECKPOINT_VERSION);
    /* The trailer first: a file cut anywhere loses its end marker, and any
     * flipped byte fails the CRC, before a single entry is trusted. */
    if (memcmp(p + len - 8, end_magic, 8) != 0) return corrupt(name, "end marker missing (file cut short?)");
    uint32_t crc;
    memcpy(&crc, p + len - TRAILER_BYTES, 4);
    if (nz_ck_crc(p, len - TRAILER_BYTES) != crc) return corrupt(name, "CRC-32 mismatch");

    nz_checkpoint *ck = nz_checkpoint_create();
    if (!ck) return NZ_ERR_NOMEM;
    snprintf(ck->source, sizeof ck->source, "%s", name);
    rd r = { p + HEADER_BYTES, len - HEADER_BYTES - TRAILER_BYTES };
    /* Each entry takes at least 9 bytes: a count beyond that is a lie. */
    if (count > r.left / 9) {
        nz_checkpoint_free(ck);
        return corrupt(name, "entry count exceeds the file");
    }
    if (count && !(ck->e = calloc((size_t)count, sizeof *ck->e))) {
        nz_checkpoint_free(ck);
        return nz_error(NZ_ERR_NOMEM, "out of memory reading %s", name);
    }
    ck->cap = (size_t)count;
    for (uint64_t i = 0; i < count; i++) {
        ck->n++;
        nz_status s = parse_entry(&r, name, &ck->e[i]);
        if (s == NZ_OK && nz_ck_find(ck, ck->e[i].name) != &ck->e[i])
            s = corrupt(name, "an entry name appears twice");
        if (s != NZ_OK) {
            nz_checkpoint_free(ck);
            return s;
        }
    }
    if (r.left) {
        nz_checkpoint_free(ck);
        return corrupt(name, "bytes after the last entry");
    }
    *out = ck;
    return NZ_OK;
}

/* ---- lookups ---- */

int nz_checkpoint_has(const nz_checkpoint *ck, const char *name)
{
    return nz_ck_find(ck, name) != NULL;
}

size_t nz_checkpoint_count(const nz_checkpoint *ck)
{
    return ck ? ck->n : 0;
}

const char *nz_checkpoint_name(const nz_checkpoint *ck, size_t i)
{
    return ck && i < ck->n ? ck->e[i].name : NULL;
}

int nz_checkpoint_is_tensor(const nz_checkpoint *ck, const char *name)
{
    const nz_ck_entry *e = nz_ck_find(ck, name);
    return e && e->kind == NZ_CK_TENSOR;
}

static const char *kind_name(nz_ck_kind k)
{
    switch (k) {
    case NZ_CK_TENSOR: return "a tensor";
    case NZ_CK_INT: return "an integer";
    case NZ_CK_FLOAT: return "a number";
    case NZ_CK_TEXT: return "text";
    }
    return "unknown";
}

static nz_status lookup(const nz_checkpoint *ck, const char *name, nz_ck_kind kind, const nz_ck_entry **e)
{
    if (!ck || !name) return nz_error(NZ_ERR_INVALID, "checkpoint lookup: NULL argument");
    *e = nz_ck_find(ck, name);
    if (!*e)
        return nz_error(NZ_ERR_NOT_FOUND, "checkpoint %s has no entry '%s' (written by another "
                        "experiment or version?)", ck->source, name);
    if ((*e)->kind != kind)
        return nz_error(NZ_ERR_INVALID, "checkpoint %s: entry '%s' is %s, expected %s", ck->source, name,
                        kind_name((*e)->kind), kind_name(kind));
    return NZ_OK;
}

nz_status nz_checkpoint_get_int(const nz_checkpoint *ck, const char *name, int64_t *value)
{
    const nz_ck_entry *e;
    nz_status s = lookup(ck, name, NZ_CK_INT, &e);
    if (s == NZ_OK && value) *value = e->i;
    return s;
}

nz_status nz_checkpoint_get_float(const nz_checkpoint *ck, const char *name, double *value)
{
    const nz_ck_entry *e;
    nz_status s = lookup(ck, name, NZ_CK_FLOAT, &e);
    if (s == NZ_OK && value) *value = e->f;
    return s;
}

nz_status nz_checkpoint_get_text(const nz_checkpoint *ck, const char *name, const char **text)
{
    const nz_ck_entry *e;
    nz_status s = lookup(ck, name, NZ_CK_TEXT, &e);
    if (s == NZ_OK && text) *text = e->data;
    return s;
}

static void shape_text(int ndim, const int64_t *dims, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < ndim && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%lld", i ? "," : "", (long long)dims[i]);
    if (n < size) snprintf(buf + n, size - n, "]");
}

nz_status nz_checkpoint_load_tensor(const nz_checkpoint *ck, const char *name, nz_tensor *dst)
{
    const nz_ck_entry *e;
    nz_status s = lookup(ck, name, NZ_CK_TENSOR, &e);
    if (s != NZ_OK) return s;
    if (!dst) return nz_error(NZ_ERR_INVALID, "loading '%s' from checkpoint %s: tensor is NULL", name, ck->source);
    int same = nz_tensor_dtype(dst) == e->dtype && nz_tensor_ndim(dst) == e->ndim;
    for (int i = 0; same && i < e->ndim; i++) same = nz_tensor_dim(dst, i) == e->dims[i];
    if (!same) {
        char want[128], have[96];
        shape_text(e->ndim, e->dims, have, sizeof have);
        nz_tensor_describe(dst, want, sizeof want);
        return nz_error(NZ_ERR_INVALID, "checkpoint %s: '%s' is %s%s but the model has %s; resume with "
                        "the parameters the run was started with", ck->source, name,
                        nz_dtype_name(e->dtype), have, want);
    }
    s = nz_tensor_upload(dst, e->data, e->bytes);
    if (s != NZ_OK) return nz_error_prefix(s, "loading '%s' from checkpoint %s", name, ck->source);
    return NZ_OK;
}

nz_tensor *nz_checkpoint_tensor(const nz_checkpoint *ck, const char *name, nz_device *dev)
{
    const nz_ck_entry *e;
    if (lookup(ck, name, NZ_CK_TENSOR, &e) != NZ_OK) return NULL;
    nz_tensor *t = nz_tensor_from_host(dev, e->dtype, e->ndim, e->dims, e->data);
    if (!t) nz_error_prefix(NZ_ERR_DEVICE, "loading '%s' from checkpoint %s", name, ck->source);
    return t;
}
