/*
 * The sweep's internals, shared by sweep_read.c (reading the sweep file),
 * sweep.c (the settings' scenarios and one run), sweep_file.c (results
 * file) and sweep_exec.c (the OpenMP executor).
 */
#ifndef LIQNET_EXPERIMENT_SWEEP_INTERNAL_H
#define LIQNET_EXPERIMENT_SWEEP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/h5_layout.h"
#include "liqnet/metrics.h"
#include "liqnet/scenario.h"
#include "liqnet/sweep.h"

typedef enum { LIQ_DESIGN_GRID = 0, LIQ_DESIGN_LHS = 1, LIQ_DESIGN_LIST = 2 } liq_design_t;

/* One varied parameter: a column of the summary. */
typedef struct {
    char *name;     /* `name`, or the path when there is one */
    char *column;   /* HDF5 variable name: name with '/' made '_' */
    size_t n_paths; /* scenario paths it sets (all to the same value) */
    char **paths;
    char **origins; /* "SWEEP:LINE:COL" of each path, for path errors */
    bool scale;     /* values are factors of the base values */
    bool numeric;   /* every value is a number */
} liq_sweep_param_t;

/* The value of one parameter in one setting. */
typedef struct {
    char *text;   /* NULL: the setting leaves the parameter alone */
    bool quoted;  /* a quoted YAML string */
    double value; /* the number, or NaN */
    char *origin; /* list design: "SWEEP:LINE:COL" of the value; else NULL */
} liq_sweep_cell_t;

/* Python-style slice start:stop:step over round or run numbers. */
typedef struct {
    int64_t start, stop, step; /* stop < 0: no end */
} liq_slice_t;

/* Parses "start:stop:step" (each part optional, stop excluded) or "N"
 * (N:N+1) into *out (stop -1 when not given); false when malformed.
 * Sweeps' kept runs and rounds, calibration targets' rounds. */
bool liq_slice_parse(const char *text, liq_slice_t *out);

/* The directory part of a path ("a/b.yaml" -> "a", "/b" -> "/"), newly
 * allocated, or NULL when it has none: what relative paths in a sweep or
 * calibration file are resolved against. */
char *liq_path_dir(const char *path);

typedef enum { LIQ_TRAJ_ALL = 0, LIQ_TRAJ_NONE = 1, LIQ_TRAJ_SUBSET = 2 } liq_traj_mode_t;

struct liq_sweep {
    char *name; /* the sweep file, as given */
    char *text;
    size_t len;
    char *base_path; /* the base scenario file, resolved */
    char *base_dir;  /* its directory, for the scenario's own files */
    char *base_text;
    size_t base_len;
    uint64_t seed;
    int64_t seeds_per_setting;
    int64_t rounds; /* 0: the base scenario's */
    char rounds_text[32];
    liq_design_t design;
    size_t n_params;
    liq_sweep_param_t *params;
    int64_t n_settings;
    liq_sweep_cell_t *cells; /* [setting * n_params + param] */
    int64_t n_runs;
    liq_traj_mode_t traj_mode;
    bool *keep_run; /* [n_runs], LIQ_TRAJ_SUBSET */
    liq_slice_t rounds_kept;
    liq_scenario_t *base; /* with the sweep's rounds */
    char *base_yaml;
};

/* The cell of a parameter in a setting. */
static inline liq_sweep_cell_t *liq_sweep_cell(const liq_sweep_t *sw, int64_t setting, size_t param)
{
    return &sw->cells[(size_t)setting * sw->n_params + param];
}

/* Whether slice `s` holds `i`. */
static inline bool liq_slice_has(const liq_slice_t *s, int64_t i)
{
    return i >= s->start && (s->stop < 0 || i < s->stop) && (i - s->start) % s->step == 0;
}

/* The scenario of a setting (-1: the base), without the run's seed: the
 * base scenario's text with the setting's values written over it. */
int liq_sweep_setting_scenario(liq_scenario_t **out, const liq_sweep_t *sw, int64_t setting);

/* Reads every setting's scenario once; an error names the setting and its
 * runs (a path error, the sweep file's line). */
int liq_sweep_check_settings(liq_sweep_t *sw);

struct liq_sweep_result {
    int64_t run;
    liq_run_status_t status;
    char *error;
    liq_scenario_t *scenario; /* entity names of the trajectory */
    liq_summary_t summary;    /* deep copy */
    liq_h5_traj_t *traj;      /* NULL: not kept */
};

/* liq_sweep_run, stopped when either flag (each may be NULL) is set: the
 * executor's own and the caller's (a signal handler's). */
int liq_sweep_run_until(liq_sweep_result_t **out, const liq_sweep_t *sw, int64_t run, int threads,
                        const volatile sig_atomic_t *stop, const volatile sig_atomic_t *stop2);

#endif /* LIQNET_EXPERIMENT_SWEEP_INTERNAL_H */
