/*
 * liqnet calibration (docs/calibration.md): a few declared scenario
 * parameters fitted to declared targets (real values with their sources) by
 * a derivative-free optimiser (NLopt), each evaluation a run of the scenario
 * in this process; the fitted values, the fit's error, the data split and
 * every evaluation go to one HDF5 results file, so that anyone can make the
 * calibration again from the calibration file alone.
 *
 * Objective, over the targets of the fit (those whose rounds lie in the
 * split's fit rounds):  J(theta) = sum_i w_i ((m_i(theta) - r_i) / s_i)^2,
 * m_i the model's value (the mean over the declared seeds: common random
 * numbers, the same seeds at every evaluation), r_i the real value, s_i its
 * scale (|r_i| unless declared), w_i the weight.
 */
#ifndef LIQNET_CALIBRATE_H
#define LIQNET_CALIBRATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liqnet/export.h"
#include "liqnet/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct liq_calib liq_calib_t;

/*
 * Reads a calibration file and its scenario, and checks every parameter at
 * its start and both bounds (so an unknown key path or a bound the scenario
 * refuses is reported now). Errors are "FILE:LINE:COL: KEY: message" in the
 * calibration file, or name the parameter and the scenario's message.
 */
LIQ_API int liq_calib_load(liq_calib_t **out, const char *path);
/* As liq_calib_load from a string; `name` stands for the file in messages
 * and `base_dir` resolves `scenario` (NULL: the working directory). */
LIQ_API int liq_calib_parse(liq_calib_t **out, const char *text, size_t len, const char *name,
                            const char *base_dir);
/* Accepts NULL. */
LIQ_API void liq_calib_destroy(liq_calib_t *cal);

LIQ_API size_t liq_calib_param_count(const liq_calib_t *cal);
/* The parameter's `name`, or its path. */
LIQ_API const char *liq_calib_param_name(const liq_calib_t *cal, size_t param);
LIQ_API size_t liq_calib_target_count(const liq_calib_t *cal);
LIQ_API const char *liq_calib_target_name(const liq_calib_t *cal, size_t target);
/* True for a target of the fit, false for one of prediction. */
LIQ_API bool liq_calib_target_fit(const liq_calib_t *cal, size_t target);
LIQ_API double liq_calib_target_real(const liq_calib_t *cal, size_t target);

/* The phases of the evaluation log. */
typedef enum {
    LIQ_CALIB_GLOBAL = 0, /* the optional global search */
    LIQ_CALIB_LOCAL = 1,  /* the local optimiser */
    LIQ_CALIB_FINAL = 2   /* the fitted values, every round, every target */
} liq_calib_phase_t;

/* One evaluation, as the progress callback sees it. */
typedef struct {
    int64_t index; /* 0, 1, ... in the order made */
    liq_calib_phase_t phase;
    const double *params;  /* [param_count] */
    const double *targets; /* [target_count]: model values; NaN for those not computed */
    double objective;
    double best; /* smallest objective so far */
} liq_calib_eval_t;

typedef struct {
    int threads; /* OpenMP threads of each run; 0 = all */
    /* Set (a signal handler) to stop: the run in flight stops, the file
     * gets the evaluations made and status "interrupted". May be NULL. */
    volatile sig_atomic_t *stop;
    void (*on_eval)(void *context, const liq_calib_eval_t *eval);
    void *context;
} liq_calib_options_t;

/*
 * Creates the results file `path` (an existing one is LIQ_EEXIST unless
 * `force`) with status "incomplete", fits, makes the final evaluation at the
 * fitted values and writes everything (docs/calibration.md) with status
 * "complete". LIQ_EINTERRUPTED when stopped (the file then says
 * "interrupted"); a run the model could not make (its feedback diverged) is
 * an error naming the evaluation and its parameters.
 */
LIQ_API int liq_calib_run(liq_calib_t *cal, const char *path, bool force,
                          const liq_calib_options_t *options);

/* After liq_calib_run: the fitted value of a parameter, the final
 * evaluation's value and relative error (m - r) / s of a target, the
 * objective over the fit's targets and over the prediction's, the number of
 * evaluations, and NLopt's stopping reason ("XTOL_REACHED", ...) with its
 * meaning. */
LIQ_API double liq_calib_fitted(const liq_calib_t *cal, size_t param);
LIQ_API double liq_calib_target_value(const liq_calib_t *cal, size_t target);
LIQ_API double liq_calib_target_error(const liq_calib_t *cal, size_t target);
LIQ_API double liq_calib_objective(const liq_calib_t *cal);
LIQ_API double liq_calib_prediction_objective(const liq_calib_t *cal);
LIQ_API int64_t liq_calib_evaluations(const liq_calib_t *cal);
LIQ_API const char *liq_calib_stop_reason(const liq_calib_t *cal);
LIQ_API const char *liq_calib_stop_meaning(const liq_calib_t *cal);
LIQ_API const char *liq_calib_algorithm(const liq_calib_t *cal);

/* The scenario at the fitted values (after liq_calib_run) with the first
 * declared seed: liq_scenario_dump of it, run with `liqnet run`, is the
 * final evaluation's first run. */
LIQ_API int liq_calib_fitted_scenario(liq_scenario_t **out, const liq_calib_t *cal);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_CALIBRATE_H */
