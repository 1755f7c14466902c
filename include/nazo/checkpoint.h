/* Checkpoints: named tensors and scalars in one file that loads on any device.
 *
 * A checkpoint is built in host memory: nz_checkpoint_put_tensor() reads a
 * tensor back through the host at once (so the file does not depend on the
 * device that wrote it), scalars and text are copied.  nz_checkpoint_write()
 * writes it atomically (temporary file, fsync, rename): a run killed while
 * saving keeps its previous checkpoint whole.  nz_checkpoint_read() checks
 * the magic, version, byte order, every length and a CRC-32 of the whole
 * file; a truncated or corrupt file is rejected with a message naming it.
 *
 * File layout (all integers in the writer's byte order, which the header
 * records; readers reject the other order):
 *   "NZCKPT\r\n"  u32 byte-order mark 0x01020304  u32 version  u64 entries
 *   entries: u8 kind  u8 dtype  u8 ndim  u8 0  u32 name length  name
 *            tensor: ndim x i64 dims, u64 bytes, raw data
 *            int: i64   float: f64   text: u64 length, bytes
 *   u32 CRC-32 of everything before it, "NZCKEND\n"
 *
 * A training checkpoint (see nz_checkpoint_put_mlp / _optimizer) is what a
 * resumed run needs to continue bit for bit on the same device: the model,
 * the optimizer's state, and whatever the experiment adds (data position,
 * RNG counters, metrics so far). */
#ifndef NAZO_CHECKPOINT_H
#define NAZO_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "nazo/nn.h"
#include "nazo/status.h"
#include "nazo/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NZ_CHECKPOINT_VERSION 1

typedef struct nz_checkpoint nz_checkpoint;

nz_checkpoint *nz_checkpoint_create(void);
void nz_checkpoint_free(nz_checkpoint *ck);

/* Add an entry; a name is 1..255 bytes and may be used once per kind of
 * value (a second put of the same name replaces the first). */
nz_status nz_checkpoint_put_tensor(nz_checkpoint *ck, const char *name, const nz_tensor *t);
nz_status nz_checkpoint_put_int(nz_checkpoint *ck, const char *name, int64_t value);
nz_status nz_checkpoint_put_float(nz_checkpoint *ck, const char *name, double value);
nz_status nz_checkpoint_put_text(nz_checkpoint *ck, const char *name, const char *text);

/* Write to `path` atomically. */
nz_status nz_checkpoint_write(const nz_checkpoint *ck, const char *path);
/* Read and validate a whole file.  NZ_ERR_NOT_FOUND when it is missing,
 * NZ_ERR_IO when it is truncated, corrupt or of another version; the message
 * names the file. */
nz_status nz_checkpoint_read(const char *path, nz_checkpoint **out);
/* The same from memory; `name` is used in messages. */
nz_status nz_checkpoint_read_mem(const void *buf, size_t len, const char *name,
                                 nz_checkpoint **out);

/* Lookups.  A missing name or a value of another kind is NZ_ERR_NOT_FOUND /
 * NZ_ERR_INVALID with a message naming the entry and the file. */
int nz_checkpoint_has(const nz_checkpoint *ck, const char *name);
/* The entries in order of insertion (for listing and comparing). */
size_t nz_checkpoint_count(const nz_checkpoint *ck);
const char *nz_checkpoint_name(const nz_checkpoint *ck, size_t i);
int nz_checkpoint_is_tensor(const nz_checkpoint *ck, const char *name);
nz_status nz_checkpoint_get_int(const nz_checkpoint *ck, const char *name, int64_t *value);
nz_status nz_checkpoint_get_float(const nz_checkpoint *ck, const char *name, double *value);
/* Borrowed from the checkpoint. */
nz_status nz_checkpoint_get_text(const nz_checkpoint *ck, const char *name, const char **text);
/* Upload a stored tensor into `dst` (any device): dtype and shape must
 * match exactly. */
nz_status nz_checkpoint_load_tensor(const nz_checkpoint *ck, const char *name, nz_tensor *dst);
/* A new tensor on `dev` with the stored dtype, shape and values. */
nz_tensor *nz_checkpoint_tensor(const nz_checkpoint *ck, const char *name, nz_device *dev);

/* ---- training state ----------------------------------------------------- */

/* Every parameter of an MLP, as "<prefix><param name>" ("model.w0", ...),
 * and the layer sizes as "<prefix>sizes.<i>" so a mismatch is caught by
 * name before any upload. */
nz_status nz_checkpoint_put_mlp(nz_checkpoint *ck, const char *prefix, nz_mlp *m);
nz_status nz_checkpoint_load_mlp(const nz_checkpoint *ck, const char *prefix, nz_mlp *m);

/* The optimizer's kind, step count, learning rate and state tensors.  Loading
 * checks that the kind and the number and shapes of state tensors match the
 * optimizer it loads into (created with the same hyper-parameters). */
nz_status nz_checkpoint_put_optimizer(nz_checkpoint *ck, const char *prefix, nz_optimizer *o);
nz_status nz_checkpoint_load_optimizer(const nz_checkpoint *ck, const char *prefix,
                                       nz_optimizer *o);

#ifdef __cplusplus
}
#endif
#endif
