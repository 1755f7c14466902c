/* What the one CPU device is: model name, SIMD level, threads, memory. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu.h"

nz_cpu_simd nz_cpu_simd_level(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return NZ_CPU_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return NZ_CPU_SIMD_AVX2;
#elif defined(__aarch64__)
    return NZ_CPU_SIMD_NEON;
#endif
    return NZ_CPU_SIMD_PORTABLE;
}

/* NAZO_CPU_SIMD: run a lower GEMM kernel than the CPU allows, to test it or
 * to compare.  The element-wise loops keep the clone the CPU picked at load
 * time (target_clones). */
nz_status nz_cpu_simd_choice(nz_cpu_simd *out)
{
    static const struct {
        const char *name;
        nz_cpu_simd level;
    } names[] = {{"avx512", NZ_CPU_SIMD_AVX512}, {"avx2", NZ_CPU_SIMD_AVX2},
                 {"neon", NZ_CPU_SIMD_NEON}, {"portable", NZ_CPU_SIMD_PORTABLE}};
    nz_cpu_simd have = nz_cpu_simd_level();
    *out = have;
    const char *env = getenv("NAZO_CPU_SIMD");
    if (!env || !*env)
        return NZ_OK;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(env, names[i].name) != 0)
            continue;
        nz_cpu_simd want = names[i].level;
        /* portable runs anywhere; the others only where the CPU has them
         * (NEON and the x86 levels exclude each other) */
        int ok = want == NZ_CPU_SIMD_PORTABLE || want == have ||
                 (have == NZ_CPU_SIMD_AVX512 && want == NZ_CPU_SIMD_AVX2);
        if (!ok)
            return nz_error(NZ_ERR_UNSUPPORTED,
                            "cpu: NAZO_CPU_SIMD='%s' but this CPU has %s: use a level it "
                            "has, 'portable', or unset NAZO_CPU_SIMD", env,
                            nz_cpu_simd_name(have));
        *out = want;
        return NZ_OK;
    }
    return nz_error(NZ_ERR_INVALID,
                    "cpu: NAZO_CPU_SIMD='%s' is not a SIMD level: use avx512, avx2, neon or "
                    "portable (at most what the CPU has), or unset it", env);
}

const char *nz_cpu_simd_name(nz_cpu_simd level)
{
    switch (level) {
    case NZ_CPU_SIMD_AVX512: return "AVX-512 (avx512f)";
    case NZ_CPU_SIMD_AVX2: return "AVX2 (avx2+fma)";
    case NZ_CPU_SIMD_NEON: return "NEON (AArch64 Advanced SIMD)";
    default:
#if defined(__x86_64__)
        return "SSE2 (portable C)";
#else
        return "portable C";
#endif
    }
}

nz_status nz_cpu_thread_count(int *n)
{
    const char *env = getenv("NAZO_CPU_THREADS");
    if (env && *env) {
        char *end = NULL;
        errno = 0;
        long v = strtol(env, &end, 10);
        while (end && isspace((unsigned char)*end))
            end++;
        if (errno || end == env || *end != '\0' || v < 1 || v > 1024)
            return nz_error(NZ_ERR_INVALID,
                            "cpu: NAZO_CPU_THREADS='%s' is not a thread count: "
                            "use a whole number from 1 to 1024, or unset it to use "
                            "every online core", env);
        *n = (int)v;
        return NZ_OK;
    }
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    *n = c >= 1 ? (int)(c > 1024 ? 1024 : c) : 1;
    return NZ_OK;
}

/* The value of the first "key : value" line of /proc/cpuinfo. */
static int cpuinfo_field(const char *key, char *out, size_t cap)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return 0;
    char line[512];
    size_t klen = strlen(key);
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0)
            continue;
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t len = strcspn(v, "\n");
        while (len > 0 && isspace((unsigned char)v[len - 1]))
            len--;
        if (len >= cap)
            len = cap - 1;
        memcpy(out, v, len);
        out[len] = '\0';
        found = len > 0;
        break;
    }
    fclose(f);
    return found;
}

nz_status nz_cpu_fill_info(nz_device_info *info)
{
    memset(info, 0, sizeof *info);
    if (!cpuinfo_field("model name", info->name, sizeof info->name))
        snprintf(info->name, sizeof info->name, "CPU");
    if (!cpuinfo_field("vendor_id", info->vendor, sizeof info->vendor))
        snprintf(info->vendor, sizeof info->vendor, "unknown");
    int threads = 1;
    if (nz_cpu_thread_count(&threads) != NZ_OK) {
        /* The bad variable is reported when the device is opened. */
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        threads = c >= 1 ? (int)c : 1;
    }
    nz_cpu_simd simd;
    if (nz_cpu_simd_choice(&simd) != NZ_OK)
        simd = nz_cpu_simd_level(); /* likewise */
    snprintf(info->detail, sizeof info->detail, "%s, %d thread%s", nz_cpu_simd_name(simd),
             threads, threads == 1 ? "" : "s");
    info->type = NZ_DEVICE_CPU;
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && psize > 0)
        info->global_mem = (uint64_t)pages * (uint64_t)psize;
    info->max_alloc = info->global_mem;
    info->compute_units = (uint32_t)threads;
    info->fp64 = 1;
    return NZ_OK;
}
