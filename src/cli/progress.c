#define _POSIX_C_SOURCE 200809L
#include "cli/progress.h"

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

double liq_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

uint64_t liq_peak_rss_bytes(void)
{
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) {
        return 0;
    }
    return (uint64_t)usage.ru_maxrss * 1024; /* kilobytes on Linux */
}

void liq_progress_start(liq_progress_t *progress, int64_t total, bool enabled)
{
    progress->enabled = enabled && isatty(STDERR_FILENO);
    progress->total = total;
    progress->start = liq_wall_seconds();
    progress->last_draw = 0.0;
}

void liq_progress_update(liq_progress_t *progress, int64_t round, int64_t liquidations)
{
    if (!progress->enabled) {
        return;
    }
    const double now = liq_wall_seconds();
    if (now - progress->last_draw < 0.25 && round < progress->total) {
        return;
    }
    progress->last_draw = now;
    const double done = progress->total > 0 ? (double)round / (double)progress->total : 1.0;
    const double elapsed = now - progress->start;
    const double left = done > 0.0 ? elapsed * (1.0 - done) / done : 0.0;
    enum { WIDTH = 30 };
    char bar[WIDTH + 1];
    const int filled = (int)(done * WIDTH);
    for (int i = 0; i < WIDTH; i++) {
        bar[i] = i < filled ? '#' : '.';
    }
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r[%s] round %lld/%lld %5.1f%%  liquidations %lld  elapsed %.1fs  left %.1fs ",
            bar, (long long)round, (long long)progress->total, 100.0 * done,
            (long long)liquidations, elapsed, left);
    fflush(stderr);
}

void liq_progress_update_runs(liq_progress_t *progress, int64_t done)
{
    if (!progress->enabled) {
        return;
    }
    const double now = liq_wall_seconds();
    if (now - progress->last_draw < 0.25 && done < progress->total) {
        return;
    }
    progress->last_draw = now;
    const double share = progress->total > 0 ? (double)done / (double)progress->total : 1.0;
    const double elapsed = now - progress->start;
    const double left = share > 0.0 ? elapsed * (1.0 - share) / share : 0.0;
    enum { WIDTH = 30 };
    char bar[WIDTH + 1];
    const int filled = (int)(share * WIDTH);
    for (int i = 0; i < WIDTH; i++) {
        bar[i] = i < filled ? '#' : '.';
    }
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r[%s] run %lld/%lld %5.1f%%  elapsed %.1fs  left %.1fs ", bar,
            (long long)done, (long long)progress->total, 100.0 * share, elapsed, left);
    fflush(stderr);
}

void liq_progress_finish(liq_progress_t *progress)
{
    if (progress->enabled) {
        fprintf(stderr, "\r%*s\r", 100, "");
        fflush(stderr);
    }
}
