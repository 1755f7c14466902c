/* SIGINT/SIGTERM during a run: the first one sets a flag the experiment
 * polls (nz_run_interrupted) so it can save state and stop cleanly; a second
 * one kills the process, so a stuck experiment can still be stopped. */
#include <signal.h>
#include <string.h>

#include "run_internal.h"

static volatile sig_atomic_t got_signal;
static struct sigaction old_int, old_term;
static int installed;

static void on_signal(int sig)
{
    if (got_signal) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    got_signal = sig;
}

void nz_run_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    got_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    installed = 1;
}

void nz_run_signals_restore(void)
{
    if (!installed) return;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    installed = 0;
}

int nz_run_interrupted(nz_run *r)
{
    (void)r; /* signals are per process; one run executes at a time */
    return got_signal != 0;
}
