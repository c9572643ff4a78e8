/*
 * Terminal progress for long runs: one line on stderr, redrawn at most four
 * times a second, only when stderr is a terminal.
 */
#ifndef LIQ_CLI_PROGRESS_H
#define LIQ_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    bool enabled;
    int64_t total;    /* rounds to run */
    double start;     /* wall-clock seconds at the start */
    double last_draw; /* wall-clock seconds of the last redraw */
} liq_progress_t;

void liq_progress_start(liq_progress_t *progress, int64_t total, bool enabled);
/* Redraws if due: round done, liquidations so far. */
void liq_progress_update(liq_progress_t *progress, int64_t round, int64_t liquidations);
/* Redraws if due, counting runs of a sweep: `done` of `total` runs. */
void liq_progress_update_runs(liq_progress_t *progress, int64_t done);
/* Clears the line. */
void liq_progress_finish(liq_progress_t *progress);
/* Wall-clock seconds since an arbitrary origin. */
double liq_wall_seconds(void);
/* The process's peak resident size so far, bytes (0 if unknown). */
uint64_t liq_peak_rss_bytes(void);

#endif /* LIQ_CLI_PROGRESS_H */
