/* Helpers for the CLI tests: run the nazo binary in a directory, capture
 * its output, inspect the files it left. */
#ifndef NAZO_TEST_CLI_HARNESS_H
#define NAZO_TEST_CLI_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

typedef struct cli_result {
    int status;        /* exit status, or 128 + signal */
    char out[16384];   /* stdout */
    char err[16384];   /* stderr */
} cli_result;

/* The nazo binary under test (argv[1] of the driver). */
extern const char *cli_nazo;

/* Count of failed checks; CHECK records a failure with its location. */
extern int cli_failures;
#define CHECK(cond, ...) cli_check((cond), __FILE__, __LINE__, __VA_ARGS__)
void cli_check(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A new empty directory under $TMPDIR (malloc'ed path). */
char *cli_tempdir(const char *tag);
/* rm -r */
void cli_remove_tree(const char *path);

/* Run nazo with args (NULL-terminated) in cwd.  env: NULL-terminated list
 * of "NAME=value" to set or "NAME" to unset. */
void cli_run(const char *cwd, const char *const *env, const char *const *args, cli_result *res);
/* Start nazo in the background with stdout/stderr to /dev/null. */
pid_t cli_spawn(const char *cwd, const char *const *env, const char *const *args);
/* Wait for a spawned nazo; returns its status as in cli_result. */
int cli_wait(pid_t pid);

/* Number of entries in a directory (not . and ..), -1 when it cannot be read. */
int cli_dir_entries(const char *dir);
/* Whole file, malloc'ed and NUL-terminated; NULL when missing. */
char *cli_read_file(const char *dir, const char *name);
int cli_file_exists(const char *dir, const char *name);
/* Names in dir that look like leftovers of an unfinished write. */
int cli_stray_temp_files(const char *dir, char *first, size_t size);
/* Lines of text (a final line without '\n' counts). */
int cli_count_lines(const char *text);

#endif
