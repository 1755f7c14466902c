/* Progress: a bar redrawn in place on a terminal; in a log file or pipe, a
 * plain line at most every 5 seconds so the log stays readable. */
#include <stdio.h>

#include "run_internal.h"

#define NZ_BAR_WIDTH 30
#define NZ_LINE_INTERVAL_S 5.0
#define NZ_BAR_INTERVAL_S 0.1

void nz_run_progress(nz_run *r, const char *what, int64_t done, int64_t total)
{
    if (!r) return;
    if (!what) what = "progress";
    double now = nz_run_now();
    int finished = total > 0 && done >= total;
    double frac = total > 0 ? (double)done / (double)total : 0.0;
    if (frac > 1) frac = 1;
    if (frac < 0) frac = 0;

    pthread_mutex_lock(&r->lock);
    if (r->tty) {
        if (finished || now - r->last_progress >= NZ_BAR_INTERVAL_S) {
            char bar[NZ_BAR_WIDTH + 1];
            int fill = (int)(frac * NZ_BAR_WIDTH);
            for (int i = 0; i < NZ_BAR_WIDTH; i++) bar[i] = i < fill ? '#' : '.';
            bar[NZ_BAR_WIDTH] = '\0';
            fprintf(stderr, "\r%s [%s] %3.0f%% %lld/%lld %.0fs", what, bar, 100 * frac,
                    (long long)done, (long long)total, now - r->t0);
            if (finished) fputc('\n', stderr);
            fflush(stderr);
            r->bar_open = !finished;
            r->last_progress = now;
        }
    } else if (now - r->last_progress >= NZ_LINE_INTERVAL_S) {
        fprintf(stderr, "%s: %lld/%lld (%.0f%%) after %.0fs\n", what, (long long)done,
                (long long)total, 100 * frac, now - r->t0);
        r->last_progress = now;
    }
    pthread_mutex_unlock(&r->lock);
}
