/* Every bad input: exit status 2, one line on stderr naming the offending
 * word and the valid choices, and nothing written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_harness.h"
#include "cli_tests.h"

typedef struct bad_case {
    const char *what;
    const char *args[12];
    const char *expect[6];   /* substrings of the message, NULL-terminated */
    const char *env[3];
} bad_case;

/* "@" in an argument stands for the case's scratch directory. */
static const bad_case cases[] = {
    { "no command", { NULL }, { "no command", "devices", "run" }, { NULL } },
    { "unknown command", { "bogus", NULL }, { "'bogus'", "devices, plugins, experiments, help, run" }, { NULL } },
    { "unknown global option", { "--bogus", NULL }, { "'--bogus'", "--help", "--version" }, { NULL } },
    { "devices with an argument", { "devices", "extra", NULL }, { "'extra'" }, { NULL } },
    { "help unknown experiment", { "help", "nosuch", NULL }, { "'nosuch'", "fixture" }, { NULL } },
    { "run without experiment", { "run", NULL }, { "experiment", "fixture" }, { NULL } },
    { "unknown experiment", { "run", "nosuch", NULL }, { "'nosuch'", "fixture" }, { NULL } },
    { "unknown run option", { "run", "fixture", "--bogus", NULL }, { "'--bogus'", "--device", "--set" }, { NULL } },
    { "missing option value", { "run", "fixture", "--device", NULL }, { "--device", "value" }, { NULL } },
    { "extra argument", { "run", "fixture", "stray", NULL }, { "'stray'", "--set" }, { NULL } },
    { "unknown device", { "run", "fixture", "--device", "nodev", NULL }, { "nodev", "fx:0", "fx:1" }, { NULL } },
    { "unknown NAZO_DEVICE", { "run", "fixture", NULL }, { "nodev", "fx:0" }, { "NAZO_DEVICE=nodev", NULL } },
    { "ambiguous device", { "run", "fixture", "--device", "fixture device", NULL },
      { "ambiguous", "fx:0", "fx:1" }, { NULL } },
    { "unknown parameter", { "run", "fixture", "--set", "bogus=1", NULL },
      { "'bogus'", "steps", "lr", "mode", "sleep_ms" }, { NULL } },
    { "malformed --set", { "run", "fixture", "--set", "steps", NULL }, { "'steps'", "key=value" }, { NULL } },
    { "--set without a name", { "run", "fixture", "--set", "=3", NULL }, { "'=3'", "key=value" }, { NULL } },
    { "int not a number", { "run", "fixture", "--set", "steps=abc", NULL },
      { "'steps'", "'abc'", "int", "[1, 1000]" }, { NULL } },
    { "int fractional", { "run", "fixture", "--set", "steps=2.5", NULL }, { "'steps'", "'2.5'", "[1, 1000]" }, { NULL } },
    { "int below range", { "run", "fixture", "--set", "steps=0", NULL }, { "'steps'", "'0'", "out of range", "[1, 1000]" }, { NULL } },
    { "int above range", { "run", "fixture", "--set", "steps=1001", NULL }, { "'steps'", "'1001'", "[1, 1000]" }, { NULL } },
    { "float not a number", { "run", "fixture", "--set", "lr=fast", NULL }, { "'lr'", "'fast'", "float", "[1e-06, 10]" }, { NULL } },
    { "float above range", { "run", "fixture", "--set", "lr=20", NULL }, { "'lr'", "'20'", "out of range", "[1e-06, 10]" }, { NULL } },
    { "float nan", { "run", "fixture", "--set", "offset=nan", NULL }, { "'offset'", "'nan'", "a number" }, { NULL } },
    { "empty float", { "run", "fixture", "--set", "lr=", NULL }, { "'lr'", "''", "float" }, { NULL } },
    { "bad bool", { "run", "fixture", "--set", "verbose=maybe", NULL },
      { "'verbose'", "'maybe'", "bool", "true/false, yes/no, on/off or 1/0" }, { NULL } },
    { "bad choice", { "run", "fixture", "--set", "mode=turbo", NULL },
      { "'mode'", "'turbo'", "choice", "fast, slow, exact" }, { NULL } },
    { "bad seed", { "run", "fixture", "--seed", "abc", NULL }, { "'abc'", "--seed", "integer" }, { NULL } },
    { "negative seed", { "run", "fixture", "--seed", "-1", NULL }, { "'-1'", "--seed" }, { NULL } },
    { "out under a file", { "run", "fixture", "--out", "/etc/passwd/run", NULL },
      { "/etc/passwd", "not a directory" }, { NULL } },
    { "out not empty", { "run", "fixture", "--out", "@/full", NULL }, { "@/full", "not empty", "empty directory" }, { NULL } },
    { "out is a file", { "run", "fixture", "--out", "@/full/old.txt", NULL }, { "old.txt", "not a directory" }, { NULL } },
};

static void subst(const char *arg, const char *scratch, char *buf, size_t size)
{
    if (arg[0] == '@') snprintf(buf, size, "%s%s", scratch, arg + 1);
    else snprintf(buf, size, "%s", arg);
}

static void run_case(const bad_case *c, const char *scratch)
{
    char *cwd = cli_tempdir("cwd");
    char argbuf[12][512];
    const char *args[13];
    int n = 0;
    for (; c->args[n]; n++) {
        subst(c->args[n], scratch, argbuf[n], sizeof argbuf[n]);
        args[n] = argbuf[n];
    }
    args[n] = NULL;
    static cli_result res;
    cli_run(cwd, c->env, args, &res);

    CHECK(res.status == 2, "%s: exit status %d, want 2 (stderr: %s)", c->what, res.status, res.err);
    CHECK(cli_count_lines(res.err) == 1, "%s: stderr has %d lines, want 1: %s", c->what,
          cli_count_lines(res.err), res.err);
    CHECK(strncmp(res.err, "nazo: ", 6) == 0, "%s: stderr does not start with 'nazo: ': %s", c->what, res.err);
    CHECK(strchr(res.err, ';') != NULL, "%s: message has no '; <what to do>': %s", c->what, res.err);
    CHECK(res.out[0] == '\0', "%s: wrote to stdout: %s", c->what, res.out);
    for (int i = 0; c->expect[i]; i++) {
        char want[512];
        subst(c->expect[i], scratch, want, sizeof want);
        CHECK(strstr(res.err, want) != NULL, "%s: message lacks \"%s\": %s", c->what, want, res.err);
    }
    CHECK(cli_dir_entries(cwd) == 0, "%s: wrote into the working directory", c->what);
    CHECK(cli_dir_entries(scratch) == 1, "%s: changed the scratch directory", c->what);
    char full[4096];
    snprintf(full, sizeof full, "%s/full", scratch);
    CHECK(cli_dir_entries(full) == 1, "%s: changed the non-empty --out directory", c->what);
    cli_remove_tree(cwd);
    free(cwd);
}

int test_bad_input(void)
{
    /* A scratch dir holding full/old.txt: a directory that already holds a run. */
    char *scratch = cli_tempdir("scratch");
    char path[4096];
    snprintf(path, sizeof path, "%s/full", scratch);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/full/old.txt", scratch);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("previous run\n", f);
        fclose(f);
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_case(&cases[i], scratch);

    /* Unwritable parent: only meaningful when permissions apply to us. */
    if (geteuid() != 0) {
        snprintf(path, sizeof path, "%s/locked", scratch);
        mkdir(path, 0500);
        char out[4200];
        snprintf(out, sizeof out, "%s/run", path);
        char *cwd = cli_tempdir("cwd");
        static cli_result res;
        const char *args[] = { "run", "fixture", "--out", out, NULL };
        cli_run(cwd, NULL, args, &res);
        CHECK(res.status == 2 && strstr(res.err, "not writable") && cli_count_lines(res.err) == 1,
              "unwritable --out: status %d, stderr %s", res.status, res.err);
        CHECK(cli_dir_entries(path) == 0, "unwritable --out: something was created");
        chmod(path, 0755);
        cli_remove_tree(cwd);
        free(cwd);
    }
    /* A place where even root may not create a directory. */
    {
        char *cwd = cli_tempdir("cwd");
        static cli_result res;
        const char *args[] = { "run", "fixture", "--out", "/proc/nazo-cli-test/run", NULL };
        cli_run(cwd, NULL, args, &res);
        CHECK(res.status == 2 && strstr(res.err, "cannot create directory /proc/nazo-cli-test") &&
              strstr(res.err, "choose another --out") && cli_count_lines(res.err) == 1,
              "--out under /proc: status %d, stderr %s", res.status, res.err);
        CHECK(cli_dir_entries(cwd) == 0, "--out under /proc: wrote into the working directory");
        cli_remove_tree(cwd);
        free(cwd);
    }
    cli_remove_tree(scratch);
    free(scratch);
    return cli_failures;
}
