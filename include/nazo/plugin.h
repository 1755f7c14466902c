/* The plugin descriptor: the one symbol every nazo plugin exports.
 *
 *   NZ_PLUGIN_EXPORT const nz_plugin_desc *nz_plugin_entry(void);
 *
 * The loader dlopen()s each nazo-backend-*.so / nazo-exp-*.so it finds, looks
 * up `nz_plugin_entry`, calls it, and checks `abi_version` against the core's
 * NZ_ABI_VERSION before touching anything else in the descriptor. */
#ifndef NAZO_PLUGIN_H
#define NAZO_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a descriptor, the backend table, the op argument structs
 * or the experiment table change incompatibly. */
#define NZ_ABI_VERSION 1u

#define NZ_PLUGIN_ENTRY_SYMBOL "nz_plugin_entry"

#if defined(__GNUC__)
#define NZ_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define NZ_PLUGIN_EXPORT
#endif

typedef enum nz_plugin_kind {
    NZ_PLUGIN_BACKEND = 1,
    NZ_PLUGIN_EXPERIMENT = 2
} nz_plugin_kind;

typedef struct nz_plugin_desc {
    uint32_t abi_version;    /* must be NZ_ABI_VERSION; always the first field */
    nz_plugin_kind kind;
    const char *name;        /* unique: "cpu", "opencl", "gradflow" */
    const char *version;     /* the plugin's own version, free form */
    const char *description; /* one line */
    const void *table;       /* const nz_backend_iface * or const nz_experiment_iface * */
} nz_plugin_desc;

typedef const nz_plugin_desc *(*nz_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif
