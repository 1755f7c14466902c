/* The program cache on disk: the first start builds and stores one binary,
 * the second start loads it and writes nothing, and a corrupted, truncated or
 * garbage entry is rebuilt (and rewritten) rather than trusted.
 *
 * "Builds nothing" is observed from outside: the cache is only written after
 * a build from source, and every write is a rename of a new file, so an
 * unchanged inode means no build happened.
 *
 * argv[1]: the opencl plugin. */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocl_test.h"

static char g_dir[64];

/* Path of the single .bin entry in the cache directory, or "" if there is
 * not exactly one. */
static int find_bin(char *path, size_t size)
{
    DIR *d = opendir(g_dir);
    int n = 0;
    struct dirent *e;
    path[0] = 0;
    while (d && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".bin") == 0) {
            snprintf(path, size, "%s/%s", g_dir, e->d_name);
            n++;
        }
    }
    if (d)
        closedir(d);
    return n;
}

/* One "start": open the device, run an op, check the result, close. */
static int run_once(const nz_backend_iface *be)
{
    void *dev, *buf;
    CHECK_OK(be->open(0, &dev));
    float x[37], y[37];
    for (int i = 0; i < 37; i++)
        x[i] = (float)i - 18.0f;
    CHECK_OK(be->alloc(dev, sizeof x, &buf));
    CHECK_OK(be->write(dev, buf, 0, x, sizeof x));
    nz_op_args a = ocl_test_unary(NZ_UN_SQUARE, 37, buf, 0, 0);
    CHECK_OK(be->run(dev, &a));
    CHECK_OK(be->read(dev, buf, 0, y, sizeof y));
    for (int i = 0; i < 37; i++)
        CHECK(y[i] == x[i] * x[i], "element %d: %g", i, y[i]);
    be->free(dev, buf);
    be->close(dev);
    return 0;
}

static ino_t inode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* Damage the entry in one of three ways. */
static int damage(const char *path, int how)
{
    struct stat st;
    CHECK(stat(path, &st) == 0, "stat %s", path);
    if (how == 0) { /* flip bytes in the middle of the binary */
        FILE *f = fopen(path, "r+b");
        CHECK(f != NULL, "open %s", path);
        unsigned char b[64];
        long at = (long)st.st_size / 2;
        fseek(f, at, SEEK_SET);
        size_t n = fread(b, 1, sizeof b, f);
        for (size_t i = 0; i < n; i++)
            b[i] ^= 0x5a;
        fseek(f, at, SEEK_SET);
        fwrite(b, 1, n, f);
        fclose(f);
    } else if (how == 1) { /* torn write */
        CHECK(truncate(path, st.st_size / 2) == 0, "truncate");
    } else { /* not a cache file at all */
        FILE *f = fopen(path, "wb");
        CHECK(f != NULL, "open %s", path);
        fputs("garbage", f);
        fclose(f);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s nazo-backend-opencl.so\n", argv[0]);
        return 2;
    }
    snprintf(g_dir, sizeof g_dir, "/tmp/nazo-ocl-cache-XXXXXX");
    CHECK(mkdtemp(g_dir) != NULL, "mkdtemp");
    setenv("NAZO_CACHE_DIR", g_dir, 1);
    void *dl;
    const nz_backend_iface *be = ocl_test_load(argv[1], &dl);
    CHECK(be != NULL, "loading %s", argv[1]);
    int count = 0;
    nz_status s = be->probe(&count);
    if (s == NZ_ERR_UNAVAILABLE) {
        printf("SKIP: no OpenCL device: %s\n", nz_last_error());
        return 77;
    }
    CHECK(s == NZ_OK && count > 0, "probe");

    char path[512], again[512];
    CHECK(run_once(be) == 0, "first start");
    CHECK(find_bin(path, sizeof path) == 1, "expected one cached binary in %s", g_dir);
    ino_t ino = inode_of(path);

    CHECK(run_once(be) == 0, "second start");
    CHECK(find_bin(again, sizeof again) == 1 && strcmp(path, again) == 0, "entry changed name");
    CHECK(inode_of(path) == ino, "the second start rebuilt the program");

    static const char *const how[] = {"corrupted", "truncated", "garbage"};
    for (int h = 0; h < 3; h++) {
        CHECK(damage(path, h) == 0, "damaging the entry");
        ino = inode_of(path);
        CHECK(run_once(be) == 0, "start with a %s entry", how[h]);
        CHECK(find_bin(again, sizeof again) == 1 && strcmp(path, again) == 0, "entry name");
        CHECK(inode_of(path) != ino, "a %s entry was not rewritten", how[h]);
        ino = inode_of(path);
        CHECK(run_once(be) == 0, "start after the rebuild");
        CHECK(inode_of(path) == ino, "the rebuilt %s entry was not trusted", how[h]);
        printf("%s entry: rebuilt, rewritten, then reused\n", how[h]);
    }
    unlink(path);
    rmdir(g_dir);
    dlclose(dl);
    printf("ok\n");
    return 0;
}
