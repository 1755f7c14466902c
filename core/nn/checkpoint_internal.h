/* The checkpoint's in-memory form, shared by the checkpoint source files.
 * Internal to the core. */
#ifndef NAZO_CORE_NN_CHECKPOINT_INTERNAL_H
#define NAZO_CORE_NN_CHECKPOINT_INTERNAL_H

#include "nazo/checkpoint.h"

typedef enum nz_ck_kind { NZ_CK_TENSOR = 1, NZ_CK_INT = 2, NZ_CK_FLOAT = 3, NZ_CK_TEXT = 4 } nz_ck_kind;

typedef struct nz_ck_entry {
    char *name;
    nz_ck_kind kind;
    nz_dtype dtype;              /* tensors */
    int ndim;
    int64_t dims[NZ_MAX_DIMS];
    void *data;                  /* tensor bytes, or text (NUL-terminated) */
    size_t bytes;
    int64_t i;
    double f;
} nz_ck_entry;

struct nz_checkpoint {
    nz_ck_entry *e;
    size_t n, cap;
    char source[512];            /* the file it came from, for messages */
};

const nz_ck_entry *nz_ck_find(const nz_checkpoint *ck, const char *name);
uint32_t nz_ck_crc(const void *data, size_t len);

#endif
