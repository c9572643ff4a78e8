/*
 * liqnet sweeps: many runs of one base scenario, with parameters varied over
 * a grid, a Latin hypercube or an explicit list of settings, and several
 * seeds per setting, recorded in one HDF5 results file (docs/sweeps.md).
 *
 * The pieces are separate so that another executor (MPI) can reuse all but
 * the loop: a liq_sweep_t says what every run is (its scenario and seed, a
 * pure function of the sweep and the run index); liq_sweep_run makes one run
 * into an in-memory result (no HDF5, any thread); a liq_sweep_file_t knows
 * which runs are still to do and records finished ones (HDF5, one thread);
 * liq_sweep_execute is the OpenMP loop that ties them together.
 *
 * Runs are numbered r = setting * seeds_per_setting + replicate; run r's
 * seed is liq_sweep_run_seed(sweep seed, r), so any run can be made again
 * alone (liq_sweep_scenario gives its whole scenario) with the same bits.
 */
#ifndef LIQNET_SWEEP_H
#define LIQNET_SWEEP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liqnet/export.h"
#include "liqnet/metrics.h"
#include "liqnet/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct liq_sweep liq_sweep_t;

/*
 * Reads a sweep file and its base scenario, expands the design into
 * settings and checks every setting's scenario (so a bad path or value is
 * reported now, not hours into the sweep). Errors are "FILE:LINE:COL: KEY:
 * message" in the sweep file, or name the setting and the scenario message.
 */
LIQ_API int liq_sweep_load(liq_sweep_t **out, const char *path);
/* As liq_sweep_load from a string; `name` stands for the file in messages
 * and `base_dir` resolves `base` (NULL: the working directory). */
LIQ_API int liq_sweep_parse(liq_sweep_t **out, const char *text, size_t len, const char *name,
                            const char *base_dir);
/* Accepts NULL. */
LIQ_API void liq_sweep_destroy(liq_sweep_t *sweep);

LIQ_API int64_t liq_sweep_run_count(const liq_sweep_t *sweep);
LIQ_API int64_t liq_sweep_setting_count(const liq_sweep_t *sweep);
LIQ_API int64_t liq_sweep_seeds_per_setting(const liq_sweep_t *sweep);
LIQ_API uint64_t liq_sweep_seed(const liq_sweep_t *sweep);
/* The sweep file's text, and the base scenario resolved (with the sweep's
 * `rounds`) as liq_scenario_dump writes it: both are stored in the results
 * file, and a resume must find them unchanged. */
LIQ_API const char *liq_sweep_text(const liq_sweep_t *sweep);
LIQ_API const char *liq_sweep_base_yaml(const liq_sweep_t *sweep);
LIQ_API const liq_scenario_t *liq_sweep_base(const liq_sweep_t *sweep);

/* Varied parameters: the summary has one column each, named by the
 * parameter's `name`, or its `path` when it has one path. */
LIQ_API size_t liq_sweep_param_count(const liq_sweep_t *sweep);
LIQ_API const char *liq_sweep_param_name(const liq_sweep_t *sweep, size_t param);
/* True when every value of the parameter is a number (a float64 column),
 * false when some are strings such as "1h" (a string column). */
LIQ_API bool liq_sweep_param_numeric(const liq_sweep_t *sweep, size_t param);
/* The value of a parameter in a setting as text ("0.05", "1h"; the factor
 * for `scale`), or NULL when a setting of a `list` design leaves it out. */
LIQ_API const char *liq_sweep_param_text(const liq_sweep_t *sweep, int64_t setting, size_t param);
/* The same as a number; NaN when left out or not a number. */
LIQ_API double liq_sweep_param_value(const liq_sweep_t *sweep, int64_t setting, size_t param);

/*
 * The seed of run `run`: the (run + 1)-th output of splitmix64 started at
 * sweep_seed, shifted right by one bit so that it is a valid scenario seed
 * (0 .. 2^63 - 1):
 *   z = sweep_seed + 0x9E3779B97F4A7C15 * (run + 1)            (mod 2^64)
 *   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
 *   z = (z ^ (z >> 27)) * 0x94D049BB133111EB
 *   seed = (z ^ (z >> 31)) >> 1
 */
LIQ_API uint64_t liq_sweep_run_seed(uint64_t sweep_seed, int64_t run);

/* The validated scenario of run `run` (0 <= run < run_count): the base with
 * its setting's overrides and the run's seed. liq_scenario_dump of it,
 * run with `liqnet run`, reproduces the run bit for bit. */
LIQ_API int liq_sweep_scenario(liq_scenario_t **out, const liq_sweep_t *sweep, int64_t run);

/* Whether the results file keeps run `run`'s trajectory, and which rounds
 * of it (output.trajectories). */
LIQ_API bool liq_sweep_keeps_trajectory(const liq_sweep_t *sweep, int64_t run);
LIQ_API bool liq_sweep_keeps_round(const liq_sweep_t *sweep, int64_t round);

/* ------------------------------------------------------------ one run */

typedef enum {
    LIQ_RUN_PENDING = 0,  /* not run yet */
    LIQ_RUN_COMPLETE = 1, /* every round ran */
    LIQ_RUN_FAILED = 2    /* stopped by a model error (see the message) */
} liq_run_status_t;

/* A finished run in memory: summary, status and the kept rounds. */
typedef struct liq_sweep_result liq_sweep_result_t;

/*
 * Makes run `run` with `threads` OpenMP threads (0: all), keeping the
 * rounds the sweep keeps. No HDF5 call: may run on any thread, several at
 * once. A model error (the feedback diverged) is not an error here: the
 * result has status LIQ_RUN_FAILED, the message, and the summary of the
 * rounds before. Returns LIQ_EINTERRUPTED (and no result) when *stop
 * becomes nonzero (checked every round; stop may be NULL); other codes for
 * failures to set the run up (a positions file that cannot be read, memory).
 */
LIQ_API int liq_sweep_run(liq_sweep_result_t **out, const liq_sweep_t *sweep, int64_t run,
                          int threads, const volatile sig_atomic_t *stop);
LIQ_API int64_t liq_sweep_result_run(const liq_sweep_result_t *result);
LIQ_API liq_run_status_t liq_sweep_result_status(const liq_sweep_result_t *result);
/* "" unless the run failed. */
LIQ_API const char *liq_sweep_result_error(const liq_sweep_result_t *result);
LIQ_API const liq_summary_t *liq_sweep_result_summary(const liq_sweep_result_t *result);
/* Accepts NULL. */
LIQ_API void liq_sweep_result_destroy(liq_sweep_result_t *result);

/*
 * A finished run as bytes, for an executor that makes runs in other
 * processes (the MPI sweep): run, status, message, summary and kept rounds,
 * in native byte order (every process of a job shares it). `*out` is
 * malloc'd (free it), `*len` its size. No HDF5.
 */
LIQ_API int liq_sweep_result_pack(const liq_sweep_result_t *result, void **out, size_t *len);
/* The inverse: a result equal to the packed one, for the same sweep (its
 * trajectory's entity names and the run's seed come from `sweep`).
 * LIQ_EINVAL when the bytes are not a result of a run of this sweep. */
LIQ_API int liq_sweep_result_unpack(liq_sweep_result_t **out, const liq_sweep_t *sweep,
                                    const void *data, size_t len);

/* ------------------------------------------------------- results file */

typedef struct liq_sweep_file liq_sweep_file_t;

/* Creates the results file (docs/sweeps.md) with every run pending and
 * status "incomplete"; an existing file is LIQ_EEXIST unless `force`. */
LIQ_API int liq_sweep_file_create(liq_sweep_file_t **out, const char *path,
                                  const liq_sweep_t *sweep, bool force);
/* Reopens a results file to finish it: LIQ_EINVAL when its stored sweep
 * text or base scenario differ from `sweep`'s. */
LIQ_API int liq_sweep_file_open(liq_sweep_file_t **out, const char *path, const liq_sweep_t *sweep);
/* The runs still pending, in increasing order (valid until the next record
 * or close); their number is returned. */
LIQ_API size_t liq_sweep_file_pending(const liq_sweep_file_t *file, const int64_t **runs);
/* Writes a finished run: its trajectory group (if kept), its summary rows,
 * and last its status. Flushes at most once a second; see flush. */
LIQ_API int liq_sweep_file_record(liq_sweep_file_t *file, const liq_sweep_result_t *result);
LIQ_API int liq_sweep_file_flush(liq_sweep_file_t *file);
/* Flushes, sets status "complete" when no run is pending (else leaves
 * "incomplete"), closes and frees, even on failure. */
LIQ_API int liq_sweep_file_close(liq_sweep_file_t *file);
/* Closes without writing more; accepts NULL. */
LIQ_API void liq_sweep_file_destroy(liq_sweep_file_t *file);

/* ------------------------------------------------------------ executor */

typedef struct {
    int threads; /* OpenMP threads in all; 0 = omp_get_max_threads() */
    /* Stop once this many runs have been recorded by this call (0: no
     * limit); runs in flight are dropped. Deterministic, for tests. */
    int64_t stop_after;
    /* Set (e.g. by a signal handler) to stop: runs in flight are dropped,
     * finished ones recorded. May be NULL. */
    volatile sig_atomic_t *stop;
    /* Called on the recording thread after each recorded run. */
    void (*progress)(void *context, int64_t recorded, int64_t to_do);
    void *progress_context;
} liq_sweep_exec_options_t;

/*
 * Makes every pending run of `file` and records it. With at least as many
 * runs as threads, runs go in parallel with one thread each (dynamic
 * schedule); otherwise one at a time with every thread. Results do not
 * depend on this. HDF5 is called from the calling thread only. Returns
 * LIQ_OK when no run is left, LIQ_EINTERRUPTED when stopped, or the first
 * error. *recorded (may be NULL) counts the runs recorded.
 */
LIQ_API int liq_sweep_execute(const liq_sweep_t *sweep, liq_sweep_file_t *file,
                              const liq_sweep_exec_options_t *options, int64_t *recorded);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_SWEEP_H */
