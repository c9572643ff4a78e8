/*
 * The calibration's internals, shared by calibrate_read.c (the calibration
 * file), calibrate.c (evaluations and the optimiser) and calibrate_file.c
 * (the results file).
 */
#ifndef LIQNET_EXPERIMENT_CALIBRATE_INTERNAL_H
#define LIQNET_EXPERIMENT_CALIBRATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liqnet/calibrate.h"
#include "liqnet/scenario.h"

/* At most this many parameters: the calibration rule of the replays is "a
 * few declared parameters, fitted only to declared targets". */
#define LIQ_CALIB_MAX_PARAMS 6

typedef struct {
    char *name;   /* `name`, or the path */
    char *path;   /* scenario key path (docs/sweeps.md, "Paths") */
    char *origin; /* "FILE:LINE:COL" of the path, for path errors */
    double lower, upper;
    double start;
    bool log; /* searched on log(value) */
} liq_calib_param_t;

typedef enum { LIQ_TARGET_SUMMARY = 0, LIQ_TARGET_SERIES = 1 } liq_target_kind_t;
typedef enum {
    LIQ_REDUCE_VALUE = 0, /* `round: N` */
    LIQ_REDUCE_SUM = 1,
    LIQ_REDUCE_MEAN = 2,
    LIQ_REDUCE_MAX = 3,
    LIQ_REDUCE_MIN = 4
} liq_target_reduce_t;

typedef struct {
    char *name;
    char *source;
    char *quantity; /* readable: "series bad_debt[AaveLike], sum over rounds 0 to 30" */
    liq_target_kind_t kind;
    char *variable; /* summary or per-round variable of the run file */
    char *entity;   /* NULL: the sum over the variable's entities */
    /* Where the variable is: liq_summary_defs index, or for a series its
     * dimension, type and offset in liq_state_view_t. */
    size_t def;
    int dim; /* < 0: a scalar (summary only) */
    bool integer;
    size_t offset;
    int32_t entity_index; /* -1: every entity */
    liq_target_reduce_t reduce;
    int64_t first_round, last_round, step; /* rounds used */
    double real, scale, weight;
    bool fit; /* in the split's fit rounds */
} liq_calib_target_t;

/* One evaluation of the log. */
typedef struct {
    liq_calib_phase_t phase;
    double *params;  /* [n_params] */
    double *targets; /* [n_targets] */
    double objective;
} liq_calib_row_t;

struct liq_calib {
    char *name; /* the calibration file, as given */
    char *text;
    char *scenario_path; /* resolved */
    char *scenario_dir;
    char *scenario_text;
    size_t scenario_len;
    char *scenario_yaml; /* the scenario resolved, as liq_scenario_dump writes it */
    int64_t rounds;      /* the scenario's */
    size_t n_seeds;
    uint64_t *seeds;
    size_t n_params;
    liq_calib_param_t params[LIQ_CALIB_MAX_PARAMS];
    size_t n_targets;
    liq_calib_target_t *targets;
    int64_t fit_start, fit_stop; /* split.fit_rounds: start .. stop - 1 */
    int64_t fit_rounds_run;      /* rounds each fit evaluation runs */
    int64_t all_rounds_run;      /* rounds the final evaluation runs */
    /* optimizer */
    char *algorithm;
    char *global; /* NULL: none */
    int64_t max_evaluations, global_evaluations;
    double xtol, ftol, initial_step;
    uint64_t optimizer_seed;
    /* results */
    size_t n_rows, cap_rows;
    liq_calib_row_t *rows;
    double fitted[LIQ_CALIB_MAX_PARAMS]; /* while fitting: the best point so far */
    double best_u[LIQ_CALIB_MAX_PARAMS];
    double best_objective;
    size_t final_row; /* SIZE_MAX until made */
    double objective, prediction_objective;
    char stop_reason[64];
    char global_stop_reason[64];
    const char *stop_meaning;
    bool done;
};

/* The parameter's value at normalised coordinate u in [0, 1]. */
double liq_calib_param_value(const liq_calib_param_t *p, double u);
/* Its normalised coordinate. */
double liq_calib_param_unit(const liq_calib_param_t *p, double value);

/* The scenario with the parameters at `values` and seed `seed`; origin of
 * path errors: the parameter's line in the calibration file. */
int liq_calib_scenario(liq_scenario_t **out, const liq_calib_t *cal, const double *values,
                       uint64_t seed);

/* The results file: created at the start with status "incomplete" and the
 * definition (liq_calib_file_create), then closed with the evaluation log,
 * the fitted values, the target table and the status (liq_calib_file_finish). */
typedef struct liq_calib_file liq_calib_file_t;
int liq_calib_file_create(liq_calib_file_t **out, const char *path, const liq_calib_t *cal,
                          bool force);
int liq_calib_file_finish(liq_calib_file_t *file, const liq_calib_t *cal, const char *status);
/* Leaves the file as its last commit made it; accepts NULL. */
void liq_calib_file_destroy(liq_calib_file_t *file);

#endif /* LIQNET_EXPERIMENT_CALIBRATE_INTERNAL_H */
