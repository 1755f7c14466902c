/* The plugin loader: find nazo-backend-*.so and nazo-exp-*.so in the search
 * directories, dlopen them, and check their descriptors.  A broken plugin is
 * recorded with its file and cause; loading carries on with the others. */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "nazo/experiment.h"
#include "nz_config.h"

#define BACKEND_PREFIX "nazo-backend-"
#define EXP_PREFIX "nazo-exp-"

static int has_suffix(const char *s, const char *suf)
{
    size_t ls = strlen(s), lf = strlen(suf);
    return ls >= lf && strcmp(s + ls - lf, suf) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static nz_status add_dir(nz_context *ctx, const char *dir, size_t len)
{
    if (len == 0) return NZ_OK; /* "a::b" or a trailing colon */
    if (ctx->ndirs == ctx->cap_dirs) {
        size_t cap = ctx->cap_dirs ? 2 * ctx->cap_dirs : 8;
        char **d = realloc(ctx->dirs, cap * sizeof *d);
        if (!d) return nz_error(NZ_ERR_NOMEM, "out of memory listing plugin directories");
        ctx->dirs = d;
        ctx->cap_dirs = cap;
    }
    char *copy = strndup(dir, len);
    if (!copy) return nz_error(NZ_ERR_NOMEM, "out of memory listing plugin directories");
    ctx->dirs[ctx->ndirs++] = copy;
    return NZ_OK;
}

/* Every immediate subdirectory of `root`, sorted, as search directories. */
static nz_status add_subdirs(nz_context *ctx, const char *root)
{
    DIR *d = opendir(root);
    if (!d) {
        nz_debug("load", "build tree: no directory %s", root);
        return NZ_OK;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    nz_status st = NZ_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", root, e->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) { st = nz_error(NZ_ERR_NOMEM, "out of memory listing %s", root); break; }
            names = nn;
        }
        if (!(names[n] = strdup(path))) {
            st = nz_error(NZ_ERR_NOMEM, "out of memory listing %s", root);
            break;
        }
        n++;
    }
    closedir(d);
    if (st == NZ_OK && n > 1) qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (st == NZ_OK) st = add_dir(ctx, names[i], strlen(names[i]));
        free(names[i]);
    }
    free(names);
    return st;
}

/* Uninstalled when libnazo itself was loaded from under the build root. */
static int running_uninstalled(void)
{
    Dl_info info;
    if (!dladdr((void *)&nz_context_create, &info) || !info.dli_fname) return 0;
    char lib[PATH_MAX], root[PATH_MAX];
    if (!realpath(info.dli_fname, lib) || !realpath(NZ_BUILD_ROOT, root)) return 0;
    size_t lr = strlen(root);
    int under = strncmp(lib, root, lr) == 0 && lib[lr] == '/';
    nz_debug("load", "libnazo is %s: %s the build tree %s", lib,
             under ? "inside" : "outside", root);
    return under;
}

static nz_status build_search_dirs(nz_context *ctx)
{
    nz_status st = NZ_OK;
    const char *env = getenv("NAZO_PLUGIN_PATH");
    if (env) {
        for (const char *p = env;;) {
            const char *colon = strchr(p, ':');
            size_t len = colon ? (size_t)(colon - p) : strlen(p);
            if ((st = add_dir(ctx, p, len)) != NZ_OK) return st;
            if (!colon) break;
            p = colon + 1;
        }
    }
    if (running_uninstalled()) {
        if ((st = add_subdirs(ctx, NZ_BUILD_ROOT "/backends")) != NZ_OK) return st;
        if ((st = add_subdirs(ctx, NZ_BUILD_ROOT "/plugins")) != NZ_OK) return st;
    }
    return add_dir(ctx, NZ_PLUGIN_INSTALL_DIR, strlen(NZ_PLUGIN_INSTALL_DIR));
}

static nz_plugin_rec *find_plugin(nz_context *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->nplugins; i++)
        if (strcmp(ctx->plugins[i].desc->name, name) == 0) return &ctx->plugins[i];
    return NULL;
}

/* Names become device ids ("name:0") and file names, so keep them plain. */
static int valid_name(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static const char *missing_backend_slot(const nz_backend_iface *be)
{
#define REQ(f) if (!be->f) return #f
    REQ(probe); REQ(device_info); REQ(open); REQ(close); REQ(finish);
    REQ(alloc); REQ(free); REQ(write); REQ(read); REQ(copy); REQ(fill);
    REQ(supports); REQ(run);
#undef REQ
    return NULL;
}

/* Checks the descriptor; returns a failure reason or NULL when acceptable. */
static const char *check_desc(nz_context *ctx, const nz_plugin_desc *d, int want_backend,
                              char *why, size_t len)
{
    if (!d) return "nz_plugin_entry() returned NULL";
    if (d->abi_version != NZ_ABI_VERSION) {
        snprintf(why, len, "ABI mismatch (plugin %u, core %u): rebuild the plugin against this nazo",
                 (unsigned)d->abi_version, (unsigned)NZ_ABI_VERSION);
        return why;
    }
    if (d->kind != NZ_PLUGIN_BACKEND && d->kind != NZ_PLUGIN_EXPERIMENT) {
        snprintf(why, len, "unknown plugin kind %d", (int)d->kind);
        return why;
    }
    if ((d->kind == NZ_PLUGIN_BACKEND) != want_backend) {
        snprintf(why, len, "declares itself %s but the file name says %s",
                 d->kind == NZ_PLUGIN_BACKEND ? "a backend" : "an experiment",
                 want_backend ? "backend (" BACKEND_PREFIX "*.so)" : "experiment (" EXP_PREFIX "*.so)");
        return why;
    }
    if (!d->name) return "descriptor has a NULL name";
    if (!valid_name(d->name)) {
        snprintf(why, len, "invalid name '%s': use lower-case letters, digits, '_' and '-'", d->name);
        return why;
    }
    if (!d->table) return "descriptor has a NULL function table";
    const nz_plugin_rec *dup = find_plugin(ctx, d->name);
    if (dup) {
        snprintf(why, len, "duplicate name '%s' (already loaded from %s)", d->name, dup->path);
        return why;
    }
    if (d->kind == NZ_PLUGIN_BACKEND) {
        const char *slot = missing_backend_slot(d->table);
        if (slot) {
            snprintf(why, len, "backend table lacks the required function '%s'", slot);
            return why;
        }
    } else if (!((const nz_experiment_iface *)d->table)->run) {
        return "experiment table has a NULL run function";
    }
    return NULL;
}

static void probe_backend(nz_plugin_rec *rec)
{
    int count = 0;
    nz_error_clear();
    nz_status st = rec->be->probe(&count);
    if (st == NZ_OK && count >= 1) {
        rec->info.available = 1;
        rec->info.device_count = count;
        nz_debug("load", "  backend '%s': %d device(s)", rec->info.name, count);
        return;
    }
    const char *msg = nz_last_error();
    char buf[1024];
    if (st == NZ_OK)
        snprintf(buf, sizeof buf, "probe found no device");
    else
        snprintf(buf, sizeof buf, "%s", *msg ? msg : nz_status_name(st));
    rec->reason = strdup(buf);
    rec->info.available = 0;
    rec->info.device_count = 0;
    rec->info.unavailable_reason = rec->reason ? rec->reason : "probe failed";
    nz_debug("load", "  backend '%s' unavailable: %s", rec->info.name, buf);
}

/* Returns NZ_OK unless out of memory; plugin faults become failures. */
static nz_status load_file(nz_context *ctx, const char *path, int want_backend)
{
    nz_debug("load", "  trying %s", path);
    dlerror();
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *e = dlerror();
        return nz_ctx_add_failure(ctx, path, "cannot open: %s", e ? e : "unknown dlopen error");
    }
    nz_plugin_entry_fn entry;
    /* POSIX sanctions this conversion of dlsym's result. */
    *(void **)&entry = dlsym(dl, NZ_PLUGIN_ENTRY_SYMBOL);
    if (!entry) {
        dlclose(dl);
        return nz_ctx_add_failure(ctx, path, "no " NZ_PLUGIN_ENTRY_SYMBOL " symbol");
    }
    const nz_plugin_desc *d = entry();
    char why[1024];
    const char *bad = check_desc(ctx, d, want_backend, why, sizeof why);
    if (bad) {
        nz_status st = nz_ctx_add_failure(ctx, path, "%s", bad);
        dlclose(dl);
        return st;
    }
    if (ctx->nplugins == ctx->cap_plugins) {
        size_t cap = ctx->cap_plugins ? 2 * ctx->cap_plugins : 8;
        nz_plugin_rec *p = realloc(ctx->plugins, cap * sizeof *p);
        if (!p) {
            dlclose(dl);
            return nz_error(NZ_ERR_NOMEM, "out of memory loading %s", path);
        }
        ctx->plugins = p;
        ctx->cap_plugins = cap;
    }
    nz_plugin_rec *rec = &ctx->plugins[ctx->nplugins];
    memset(rec, 0, sizeof *rec);
    if (!(rec->path = strdup(path))) {
        dlclose(dl);
        return nz_error(NZ_ERR_NOMEM, "out of memory loading %s", path);
    }
    ctx->nplugins++;
    rec->dl = dl;
    rec->desc = d;
    rec->info.path = rec->path;
    rec->info.kind = d->kind;
    rec->info.name = d->name;
    rec->info.version = d->version ? d->version : "";
    rec->info.description = d->description ? d->description : "";
    if (d->kind == NZ_PLUGIN_BACKEND) {
        rec->be = d->table;
        probe_backend(rec);
    } else {
        rec->info.available = 1;
    }
    nz_debug("load", "  loaded %s '%s' %s from %s",
             d->kind == NZ_PLUGIN_BACKEND ? "backend" : "experiment", d->name,
             rec->info.version, path);
    return NZ_OK;
}

typedef struct seen_set {
    char **paths;
    size_t n, cap;
} seen_set;

/* Returns 1 when `real` was already loaded (or tried); else remembers it. */
static int seen_before(seen_set *s, const char *real, nz_status *st)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->paths[i], real) == 0) return 1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        char **p = realloc(s->paths, cap * sizeof *p);
        if (!p) { *st = nz_error(NZ_ERR_NOMEM, "out of memory loading plugins"); return 0; }
        s->paths = p;
        s->cap = cap;
    }
    if (!(s->paths[s->n] = strdup(real))) {
        *st = nz_error(NZ_ERR_NOMEM, "out of memory loading plugins");
        return 0;
    }
    s->n++;
    return 0;
}

static nz_status scan_dir(nz_context *ctx, const char *dir, seen_set *seen)
{
    DIR *d = opendir(dir);
    if (!d) {
        nz_debug("load", "directory %s: cannot open (skipped)", dir);
        return NZ_OK;
    }
    nz_debug("load", "directory %s", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    nz_status st = NZ_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        if (strncmp(nm, BACKEND_PREFIX, strlen(BACKEND_PREFIX)) != 0 &&
            strncmp(nm, EXP_PREFIX, strlen(EXP_PREFIX)) != 0)
            continue;
        if (!has_suffix(nm, ".so")) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) { st = nz_error(NZ_ERR_NOMEM, "out of memory scanning %s", dir); break; }
            names = nn;
        }
        if (!(names[n] = strdup(nm))) {
            st = nz_error(NZ_ERR_NOMEM, "out of memory scanning %s", dir);
            break;
        }
        n++;
    }
    closedir(d);
    if (st == NZ_OK && n > 1) qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (st == NZ_OK) {
            char path[PATH_MAX], real[PATH_MAX];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            if (!realpath(path, real)) snprintf(real, sizeof real, "%s", path);
            if (seen_before(seen, real, &st))
                nz_debug("load", "  skipping %s: same file as one already tried (%s)", path, real);
            else if (st == NZ_OK)
                st = load_file(ctx, path,
                               strncmp(names[i], BACKEND_PREFIX, strlen(BACKEND_PREFIX)) == 0);
        }
        free(names[i]);
    }
    free(names);
    return st;
}

static nz_status index_experiments(nz_context *ctx)
{
    size_t n = 0;
    for (size_t i = 0; i < ctx->nplugins; i++)
        n += ctx->plugins[i].info.kind == NZ_PLUGIN_EXPERIMENT;
    if (n == 0) return NZ_OK;
    ctx->experiments = malloc(n * sizeof *ctx->experiments);
    if (!ctx->experiments) return nz_error(NZ_ERR_NOMEM, "out of memory listing experiments");
    for (size_t i = 0; i < ctx->nplugins; i++)
        if (ctx->plugins[i].info.kind == NZ_PLUGIN_EXPERIMENT)
            ctx->experiments[ctx->nexperiments++] = i;
    /* Insertion sort by name: qsort has no user pointer to reach the names. */
    for (size_t i = 1; i < n; i++) {
        size_t v = ctx->experiments[i], j = i;
        while (j > 0 && strcmp(ctx->plugins[ctx->experiments[j - 1]].desc->name,
                               ctx->plugins[v].desc->name) > 0) {
            ctx->experiments[j] = ctx->experiments[j - 1];
            j--;
        }
        ctx->experiments[j] = v;
    }
    return NZ_OK;
}

nz_status nz_loader_run(nz_context *ctx)
{
    nz_status st = build_search_dirs(ctx);
    seen_set seen = {0};
    for (size_t i = 0; st == NZ_OK && i < ctx->ndirs; i++) st = scan_dir(ctx, ctx->dirs[i], &seen);
    for (size_t i = 0; i < seen.n; i++) free(seen.paths[i]);
    free(seen.paths);
    if (st == NZ_OK) st = index_experiments(ctx);
    nz_debug("load", "done: %zu plugin(s) loaded, %zu failure(s)", ctx->nplugins, ctx->nfailures);
    return st;
}
