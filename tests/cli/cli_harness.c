/* The CLI test harness: process spawning and file inspection. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_harness.h"

const char *cli_nazo;
int cli_failures;

void cli_check(int ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    cli_failures++;
}

char *cli_tempdir(const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    char *path = malloc(4096);
    if (!path) abort();
    snprintf(path, 4096, "%s/nazo-cli-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    if (!mkdtemp(path)) {
        perror("mkdtemp");
        exit(99);
    }
    return path;
}

void cli_remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            struct stat st;
            if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) cli_remove_tree(sub);
            else unlink(sub);
        }
        closedir(d);
        rmdir(path);
    }
}

static void child_setup(const char *cwd, const char *const *env, int out_fd, int err_fd)
{
    if (chdir(cwd) != 0) _exit(120);
    for (const char *const *e = env; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq) {
            unsetenv(*e);
            continue;
        }
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(eq - *e), *e);
        setenv(name, eq + 1, 1);
    }
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
}

static void exec_nazo(const char *const *args)
{
    const char *argv[64];
    int n = 0;
    argv[n++] = "nazo";
    for (const char *const *a = args; *a && n < 63; a++) argv[n++] = *a;
    argv[n] = NULL;
    execv(cli_nazo, (char *const *)argv);
    _exit(121);
}

int cli_wait(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return 128 + WTERMSIG(st);
}

static void slurp(FILE *f, char *buf, size_t size)
{
    rewind(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
}

void cli_run(const char *cwd, const char *const *env, const char *const *args, cli_result *res)
{
    /* Output goes to unlinked temp files, never into cwd. */
    FILE *out = tmpfile(), *err = tmpfile();
    if (!out || !err) {
        perror("tmpfile");
        exit(99);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        child_setup(cwd, env, fileno(out), fileno(err));
        exec_nazo(args);
    }
    res->status = cli_wait(pid);
    slurp(out, res->out, sizeof res->out);
    slurp(err, res->err, sizeof res->err);
    fclose(out);
    fclose(err);
}

pid_t cli_spawn(const char *cwd, const char *const *env, const char *const *args)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        child_setup(cwd, env, devnull, devnull);
        exec_nazo(args);
    }
    return pid;
}

int cli_dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

char *cli_read_file(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    if (!buf) abort();
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

int cli_file_exists(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

int cli_stray_temp_files(const char *dir, char *first, size_t size)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *s = e->d_name;
        size_t len = strlen(s);
        if (strstr(s, ".tmp") || strstr(s, ".partial") || (len && s[len - 1] == '~')) {
            if (!n && first) snprintf(first, size, "%s", s);
            n++;
        }
    }
    closedir(d);
    return n;
}

int cli_count_lines(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++)
        if (*p == '\n') n++;
    size_t len = strlen(text);
    if (len && text[len - 1] != '\n') n++;
    return n;
}
