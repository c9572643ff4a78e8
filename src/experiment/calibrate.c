/*
 * Calibration (docs/calibration.md): the evaluations and the optimiser.
 *
 * An evaluation sets the parameters in the scenario's YAML tree (the
 * overrides of sweeps and --set, so every scenario key is addressable and
 * checked by the scenario reader), runs the scenario in this process once
 * per declared seed (common random numbers: the same seeds at every
 * evaluation), reads each target's value from the run's state views or its
 * summary, averages over the seeds and scores
 *
 *     J = sum over fitted targets i of  w_i ((m_i - r_i) / s_i)^2.
 *
 * While fitting, the runs stop at the last round a fitted target uses, so
 * nothing of the prediction rounds is computed; the final evaluation at the
 * fitted values runs to the last round of any target and gives every
 * target's value and error. No run file is written per evaluation.
 *
 * The optimiser (NLopt, derivative-free) works on normalised coordinates
 * u in [0, 1] per parameter (x = lower + u (upper - lower), or the same on
 * log x for log: true), so that one tolerance and one initial step suit
 * parameters of any scale.
 */
#define _POSIX_C_SOURCE 200809L

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nlopt.h>

#include "experiment/calibrate_internal.h"
#include "io/h5_layout.h"
#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/metrics.h"
#include "liqnet/sim.h"

double liq_calib_param_value(const liq_calib_param_t *p, double u)
{
    u = u < 0.0 ? 0.0 : u > 1.0 ? 1.0 : u;
    if (p->log) {
        return exp(log(p->lower) + u * (log(p->upper) - log(p->lower)));
    }
    return p->lower + u * (p->upper - p->lower);
}

double liq_calib_param_unit(const liq_calib_param_t *p, double value)
{
    if (p->log) {
        return (log(value) - log(p->lower)) / (log(p->upper) - log(p->lower));
    }
    return (value - p->lower) / (p->upper - p->lower);
}

/* Shortest "%.*g" text that reads back as v. */
static void liq_calib_format(char *buf, size_t size, double v)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) {
            return;
        }
    }
}

int liq_calib_scenario(liq_scenario_t **out, const liq_calib_t *cal, const double *values,
                       uint64_t seed)
{
    char text[LIQ_CALIB_MAX_PARAMS][40];
    liq_override_t ov[LIQ_CALIB_MAX_PARAMS];
    for (size_t k = 0; k < cal->n_params; k++) {
        liq_calib_format(text[k], sizeof(text[k]), values[k]);
        ov[k] = (liq_override_t){
            .path = cal->params[k].path, .value = text[k], .origin = cal->params[k].origin};
    }
    const int rc =
        liq_scenario_parse_with(out, cal->scenario_text, cal->scenario_len, cal->scenario_path,
                                cal->scenario_dir, ov, cal->n_params);
    if (rc == LIQ_OK) {
        (*out)->seed = seed;
    }
    return rc;
}

/* ------------------------------------------------------ target values */

/* What one run accumulates for each target it computes. */
typedef struct {
    const liq_calib_t *cal;
    bool all; /* every target, else the fitted ones */
    double *acc;
    int64_t *count;
    const volatile sig_atomic_t *stop;
    const char *missing; /* a series this run does not record */
    size_t missing_target;
} liq_calib_acc_t;

static size_t liq_view_count(const liq_state_view_t *v, int dim)
{
    switch (dim) {
    case LIQ_DIM_ASSET:
        return v->n_assets;
    case LIQ_DIM_POOL:
        return v->n_pools;
    case LIQ_DIM_ORACLE:
        return v->n_oracles;
    case LIQ_DIM_PROTOCOL:
        return v->n_protocols;
    case LIQ_DIM_CHAIN:
        return v->n_chains;
    default:
        return v->n_bridges;
    }
}

/* An array's element i, or its sum over every element (entity -1). */
static double liq_array_value(const void *array, bool integer, size_t n, int32_t entity)
{
    const size_t lo = entity >= 0 ? (size_t)entity : 0;
    const size_t hi = entity >= 0 ? (size_t)entity + 1 : n;
    double v = 0.0;
    for (size_t i = lo; i < hi; i++) {
        v += integer ? (double)((const int64_t *)array)[i] : ((const double *)array)[i];
    }
    return v;
}

static int liq_calib_record(void *context, const liq_state_view_t *view)
{
    liq_calib_acc_t *a = context;
    for (size_t k = 0; k < a->cal->n_targets; k++) {
        const liq_calib_target_t *t = &a->cal->targets[k];
        if (t->kind != LIQ_TARGET_SERIES || (!a->all && !t->fit) || view->round < t->first_round ||
            view->round > t->last_round || (view->round - t->first_round) % t->step != 0) {
            continue;
        }
        const void *array = *(const void *const *)((const char *)view + t->offset);
        if (array == NULL) {
            a->missing = t->variable;
            a->missing_target = k;
            return liq_error_set(LIQ_EINVAL,
                                 "target '%s': this scenario's runs do not record the per-round "
                                 "variable '%s' (a feature it does not use); expected a variable "
                                 "of its run file",
                                 t->name, t->variable);
        }
        const double v =
            liq_array_value(array, t->integer, liq_view_count(view, t->dim), t->entity_index);
        switch (t->reduce) {
        case LIQ_REDUCE_MAX:
            a->acc[k] = fmax(a->acc[k], v);
            break;
        case LIQ_REDUCE_MIN:
            a->acc[k] = fmin(a->acc[k], v);
            break;
        default:
            a->acc[k] += v;
            break;
        }
        a->count[k]++;
    }
    return LIQ_OK;
}

static int liq_calib_check_stop(void *context, bool *stop)
{
    const liq_calib_acc_t *a = context;
    *stop = a->stop != NULL && *a->stop;
    return LIQ_OK;
}

/* One run: the scenario at `values` with `seed`, `rounds` rounds; each
 * target's value added to out[k] times `share`. */
static int liq_calib_run_one(const liq_calib_t *cal, const double *values, uint64_t seed,
                             int64_t rounds, bool all, int threads,
                             const volatile sig_atomic_t *stop, double share, double *out)
{
    liq_scenario_t *sc = NULL;
    liq_positions_t *positions = NULL;
    liq_sim_t *sim = NULL;
    liq_metrics_t *metrics = NULL;
    double *acc = calloc(cal->n_targets, sizeof(*acc));
    int64_t *count = calloc(cal->n_targets, sizeof(*count));
    int rc = acc != NULL && count != NULL
                 ? LIQ_OK
                 : liq_error_set(LIQ_ENOMEM, "%s: out of memory for an evaluation", cal->name);
    for (size_t k = 0; rc == LIQ_OK && k < cal->n_targets; k++) {
        const liq_target_reduce_t r = cal->targets[k].reduce;
        acc[k] = r == LIQ_REDUCE_MAX ? -HUGE_VAL : r == LIQ_REDUCE_MIN ? HUGE_VAL : 0.0;
    }
    if (rc == LIQ_OK) {
        rc = liq_calib_scenario(&sc, cal, values, seed);
    }
    if (rc == LIQ_OK) {
        rc = liq_positions_load(&positions, sc);
    }
    const liq_sim_options_t options = {.threads = threads, .run = 0};
    if (rc == LIQ_OK) {
        rc = liq_sim_create(&sim, sc, positions, &options);
    }
    if (rc == LIQ_OK) {
        rc = liq_metrics_create(&metrics, sim);
    }
    if (rc == LIQ_OK) {
        liq_calib_acc_t a = {cal, all, acc, count, stop, NULL, 0};
        const liq_recorder_t recorders[2] = {{liq_metrics_record, metrics}, {liq_calib_record, &a}};
        const liq_run_hooks_t hooks = {.recorders = recorders,
                                       .n_recorders = 2,
                                       .check_stop = liq_calib_check_stop,
                                       .context = &a};
        liq_sim_run_end_t end;
        rc = liq_sim_run(&end, sim, rounds, &hooks);
        if (end == LIQ_SIM_RUN_STOPPED) {
            rc = liq_error_set(LIQ_EINTERRUPTED, "stopped at round %lld",
                               (long long)liq_sim_round(sim));
        }
    }
    const liq_summary_t *summary = rc == LIQ_OK ? liq_metrics_summary(metrics) : NULL;
    for (size_t k = 0; rc == LIQ_OK && k < cal->n_targets; k++) {
        const liq_calib_target_t *t = &cal->targets[k];
        if (!all && !t->fit) {
            continue;
        }
        double v = acc[k];
        if (t->kind == LIQ_TARGET_SUMMARY) {
            const char *field = (const char *)summary + t->offset;
            if (t->dim < 0) {
                v = t->integer ? (double)*(const int64_t *)(const void *)field
                               : *(const double *)(const void *)field;
            } else {
                const size_t n =
                    t->dim == LIQ_DIM_ORACLE ? summary->n_oracles : summary->n_protocols;
                v = liq_array_value(*(const void *const *)(const void *)field, t->integer, n,
                                    t->entity_index);
            }
        } else if (t->reduce == LIQ_REDUCE_MEAN) {
            v = count[k] > 0 ? acc[k] / (double)count[k] : (double)NAN;
        }
        out[k] += share * v;
    }
    liq_metrics_destroy(metrics);
    liq_sim_destroy(sim);
    liq_positions_destroy(positions);
    liq_scenario_destroy(sc);
    free(acc);
    free(count);
    return rc;
}

/* J over the fitted targets (fit) or the prediction's. */
static double liq_calib_score(const liq_calib_t *cal, const double *m, bool fit)
{
    double j = 0.0;
    for (size_t k = 0; k < cal->n_targets; k++) {
        const liq_calib_target_t *t = &cal->targets[k];
        if (t->fit == fit) {
            const double e = (m[k] - t->real) / t->scale;
            j += t->weight * e * e;
        }
    }
    return j;
}

typedef struct {
    liq_calib_t *cal;
    const liq_calib_options_t *options;
    nlopt_opt opt;
    liq_calib_phase_t phase;
    int rc; /* the first error; it stops the optimiser */
} liq_calib_ctx_t;

/* "bonus=0.05, threshold=0.8" for messages. */
static void liq_calib_point(const liq_calib_t *cal, const double *x, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < cal->n_params && used + 1 < size; k++) {
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%.10g", k > 0 ? ", " : "",
                                 cal->params[k].name, x[k]);
    }
}

/* One evaluation at x (parameter values): every seed's run, the log row
 * and the progress callback. */
static int liq_calib_evaluate(liq_calib_ctx_t *c, const double *x, double *objective)
{
    liq_calib_t *cal = c->cal;
    const bool all = c->phase == LIQ_CALIB_FINAL;
    if (cal->n_rows == cal->cap_rows) {
        const size_t cap = cal->cap_rows > 0 ? 2 * cal->cap_rows : 64;
        liq_calib_row_t *grown = realloc(cal->rows, cap * sizeof(*grown));
        if (grown == NULL) {
            return liq_error_set(LIQ_ENOMEM, "%s: out of memory for the evaluation log", cal->name);
        }
        cal->rows = grown;
        cal->cap_rows = cap;
    }
    liq_calib_row_t *row = &cal->rows[cal->n_rows];
    row->phase = c->phase;
    row->params = malloc(cal->n_params * sizeof(double));
    row->targets = calloc(cal->n_targets, sizeof(double));
    if (row->params == NULL || row->targets == NULL) {
        free(row->params);
        free(row->targets);
        return liq_error_set(LIQ_ENOMEM, "%s: out of memory for the evaluation log", cal->name);
    }
    cal->n_rows++;
    memcpy(row->params, x, cal->n_params * sizeof(double));
    const int64_t rounds = all ? cal->all_rounds_run : cal->fit_rounds_run;
    int rc = LIQ_OK;
    for (size_t s = 0; rc == LIQ_OK && s < cal->n_seeds; s++) {
        rc = liq_calib_run_one(cal, x, cal->seeds[s], rounds, all, c->options->threads,
                               c->options->stop, 1.0 / (double)cal->n_seeds, row->targets);
        if (rc != LIQ_OK && rc != LIQ_EINTERRUPTED) {
            char inner[1024], point[512];
            snprintf(inner, sizeof(inner), "%s", liq_errmsg());
            liq_calib_point(cal, x, point, sizeof(point));
            rc = liq_error_set(rc, "%s: evaluation %zu (%s), seed %llu: %s", cal->name,
                               cal->n_rows - 1, point, (unsigned long long)cal->seeds[s], inner);
        }
    }
    for (size_t k = 0; rc == LIQ_OK && k < cal->n_targets; k++) {
        const liq_calib_target_t *t = &cal->targets[k];
        if (!all && !t->fit) {
            row->targets[k] = (double)NAN;
        } else if (!isfinite(row->targets[k])) {
            char point[512];
            liq_calib_point(cal, x, point, sizeof(point));
            rc = liq_error_set(LIQ_ENUMERIC,
                               "%s: evaluation %zu (%s): target '%s' (%s) is %g; expected a "
                               "finite model value",
                               cal->name, cal->n_rows - 1, point, t->name, t->quantity,
                               row->targets[k]);
        }
    }
    if (rc != LIQ_OK) {
        /* An evaluation that did not finish leaves no row. */
        free(row->params);
        free(row->targets);
        cal->n_rows--;
        return rc;
    }
    row->objective = liq_calib_score(cal, row->targets, true);
    *objective = row->objective;
    if (c->phase != LIQ_CALIB_FINAL && row->objective < cal->best_objective) {
        cal->best_objective = row->objective;
        memcpy(cal->fitted, x, cal->n_params * sizeof(double));
        for (size_t k = 0; k < cal->n_params; k++) {
            cal->best_u[k] = liq_calib_param_unit(&cal->params[k], x[k]);
        }
    }
    if (c->options->on_eval != NULL) {
        const liq_calib_eval_t e = {
            (int64_t)cal->n_rows - 1, c->phase,           row->params, row->targets,
            row->objective,           cal->best_objective};
        c->options->on_eval(c->options->context, &e);
    }
    return LIQ_OK;
}

static double liq_calib_nlopt_f(unsigned n, const double *u, double *grad, void *data)
{
    (void)grad; /* derivative-free algorithms only */
    liq_calib_ctx_t *c = data;
    double x[LIQ_CALIB_MAX_PARAMS];
    for (unsigned k = 0; k < n; k++) {
        x[k] = liq_calib_param_value(&c->cal->params[k], u[k]);
    }
    double objective = HUGE_VAL;
    if (c->rc == LIQ_OK) {
        c->rc = liq_calib_evaluate(c, x, &objective);
    }
    if (c->rc != LIQ_OK) {
        nlopt_force_stop(c->opt);
        return HUGE_VAL;
    }
    return objective;
}

/* What NLopt's result codes mean, for the summary. */
static const char *liq_calib_meaning(nlopt_result r)
{
    switch (r) {
    case NLOPT_SUCCESS:
        return "converged";
    case NLOPT_STOPVAL_REACHED:
        return "the objective reached stopval";
    case NLOPT_FTOL_REACHED:
        return "the objective changed by less than ftol";
    case NLOPT_XTOL_REACHED:
        return "the parameters moved by less than xtol (of their ranges)";
    case NLOPT_MAXEVAL_REACHED:
        return "max_evaluations reached before the tolerances: the fit may not have converged";
    case NLOPT_MAXTIME_REACHED:
        return "time limit reached";
    case NLOPT_ROUNDOFF_LIMITED:
        return "stopped by roundoff; the best point found is kept";
    case NLOPT_FORCED_STOP:
        return "stopped";
    default:
        return "the optimiser failed";
    }
}

/* One phase: the algorithm from u (in place: the best point after). */
static int liq_calib_phase(liq_calib_ctx_t *c, const char *algorithm, int64_t max_evaluations,
                           bool local, double *u, nlopt_result *result)
{
    liq_calib_t *cal = c->cal;
    const unsigned n = (unsigned)cal->n_params;
    c->opt = nlopt_create(nlopt_algorithm_from_string(algorithm), n);
    if (c->opt == NULL) {
        return liq_error_set(LIQ_EINVAL, "%s: NLopt cannot make %s for %u parameters", cal->name,
                             algorithm, n);
    }
    const double lb[LIQ_CALIB_MAX_PARAMS] = {0}, ub[LIQ_CALIB_MAX_PARAMS] = {1, 1, 1, 1, 1, 1};
    nlopt_set_lower_bounds(c->opt, lb);
    nlopt_set_upper_bounds(c->opt, ub);
    nlopt_set_min_objective(c->opt, liq_calib_nlopt_f, c);
    nlopt_set_maxeval(c->opt, (int)max_evaluations);
    if (local) {
        nlopt_set_xtol_abs1(c->opt, cal->xtol);
        if (cal->ftol > 0.0) {
            nlopt_set_ftol_abs(c->opt, cal->ftol);
        }
        nlopt_set_initial_step1(c->opt, cal->initial_step);
    }
    double f = HUGE_VAL;
    *result = nlopt_optimize(c->opt, u, &f);
    nlopt_destroy(c->opt);
    c->opt = NULL;
    if (c->rc != LIQ_OK) {
        return c->rc;
    }
    if (*result < 0 && *result != NLOPT_ROUNDOFF_LIMITED && *result != NLOPT_FORCED_STOP) {
        return liq_error_set(LIQ_EINVAL, "%s: NLopt %s failed: %s", cal->name, algorithm,
                             nlopt_result_to_string(*result));
    }
    /* Continue from the best point evaluated (what NLopt returns, kept
     * here too so that a phase stopped early still hands it on). */
    memcpy(u, cal->best_u, cal->n_params * sizeof(double));
    return LIQ_OK;
}

static int liq_calib_fit(liq_calib_t *cal, const liq_calib_options_t *options)
{
    liq_calib_ctx_t c = {cal, options, NULL, LIQ_CALIB_LOCAL, LIQ_OK};
    double u[LIQ_CALIB_MAX_PARAMS];
    for (size_t k = 0; k < cal->n_params; k++) {
        u[k] = liq_calib_param_unit(&cal->params[k], cal->params[k].start);
        cal->best_u[k] = u[k];
        cal->fitted[k] = cal->params[k].start;
    }
    /* Stochastic algorithms (GN_CRS2_LM, GN_ISRES, GN_ESCH, ...) draw
     * from NLopt's generator: seeded, the calibration is repeatable. */
    nlopt_srand((unsigned long)cal->optimizer_seed);
    nlopt_result result = NLOPT_SUCCESS;
    int rc = LIQ_OK;
    if (cal->global != NULL) {
        c.phase = LIQ_CALIB_GLOBAL;
        rc = liq_calib_phase(&c, cal->global, cal->global_evaluations, false, u, &result);
        snprintf(cal->global_stop_reason, sizeof(cal->global_stop_reason), "%s",
                 nlopt_result_to_string(result));
    }
    if (rc == LIQ_OK) {
        c.phase = LIQ_CALIB_LOCAL;
        rc = liq_calib_phase(&c, cal->algorithm, cal->max_evaluations, true, u, &result);
    }
    snprintf(cal->stop_reason, sizeof(cal->stop_reason), "%s", nlopt_result_to_string(result));
    cal->stop_meaning = liq_calib_meaning(result);
    if (rc == LIQ_OK && options->stop != NULL && *options->stop) {
        rc = liq_error_set(LIQ_EINTERRUPTED, "%s: stopped after %zu evaluations", cal->name,
                           cal->n_rows);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    /* The final evaluation: the fitted values (the best point evaluated,
     * cal->fitted), every target. */
    c.phase = LIQ_CALIB_FINAL;
    double objective = 0.0;
    rc = liq_calib_evaluate(&c, cal->fitted, &objective);
    if (rc == LIQ_OK) {
        cal->final_row = cal->n_rows - 1;
        cal->objective = objective;
        cal->prediction_objective = liq_calib_score(cal, cal->rows[cal->final_row].targets, false);
        cal->done = true;
    }
    return rc;
}

int liq_calib_run(liq_calib_t *cal, const char *path, bool force,
                  const liq_calib_options_t *options)
{
    assert(cal != NULL && path != NULL && options != NULL);
    liq_calib_file_t *file = NULL;
    int rc = liq_calib_file_create(&file, path, cal, force);
    if (rc != LIQ_OK) {
        return rc;
    }
    rc = liq_calib_fit(cal, options);
    if (rc == LIQ_OK || rc == LIQ_EINTERRUPTED) {
        char message[1024];
        snprintf(message, sizeof(message), "%s", liq_errmsg());
        const int write_rc =
            liq_calib_file_finish(file, cal, rc == LIQ_OK ? "complete" : "interrupted");
        file = NULL;
        if (write_rc != LIQ_OK) {
            return write_rc;
        }
        if (rc != LIQ_OK) {
            return liq_error_set(rc, "%s", message);
        }
        return LIQ_OK;
    }
    /* An error: the file keeps status "incomplete", as a kill leaves it. */
    liq_calib_file_destroy(file);
    return rc;
}

/* ------------------------------------------------------------ accessors */

size_t liq_calib_param_count(const liq_calib_t *cal)
{
    return cal->n_params;
}

const char *liq_calib_param_name(const liq_calib_t *cal, size_t param)
{
    assert(param < cal->n_params);
    return cal->params[param].name;
}

size_t liq_calib_target_count(const liq_calib_t *cal)
{
    return cal->n_targets;
}

const char *liq_calib_target_name(const liq_calib_t *cal, size_t target)
{
    assert(target < cal->n_targets);
    return cal->targets[target].name;
}

bool liq_calib_target_fit(const liq_calib_t *cal, size_t target)
{
    assert(target < cal->n_targets);
    return cal->targets[target].fit;
}

double liq_calib_target_real(const liq_calib_t *cal, size_t target)
{
    assert(target < cal->n_targets);
    return cal->targets[target].real;
}

double liq_calib_fitted(const liq_calib_t *cal, size_t param)
{
    assert(param < cal->n_params);
    return cal->done ? cal->fitted[param] : (double)NAN;
}

double liq_calib_target_value(const liq_calib_t *cal, size_t target)
{
    assert(target < cal->n_targets);
    return cal->done ? cal->rows[cal->final_row].targets[target] : (double)NAN;
}

double liq_calib_target_error(const liq_calib_t *cal, size_t target)
{
    const liq_calib_target_t *t = &cal->targets[target];
    return (liq_calib_target_value(cal, target) - t->real) / t->scale;
}

double liq_calib_objective(const liq_calib_t *cal)
{
    return cal->done ? cal->objective : (double)NAN;
}

double liq_calib_prediction_objective(const liq_calib_t *cal)
{
    return cal->done ? cal->prediction_objective : (double)NAN;
}

int64_t liq_calib_evaluations(const liq_calib_t *cal)
{
    return (int64_t)cal->n_rows;
}

const char *liq_calib_stop_reason(const liq_calib_t *cal)
{
    return cal->stop_reason;
}

const char *liq_calib_stop_meaning(const liq_calib_t *cal)
{
    return cal->stop_meaning != NULL ? cal->stop_meaning : "";
}

const char *liq_calib_algorithm(const liq_calib_t *cal)
{
    return cal->algorithm;
}

int liq_calib_fitted_scenario(liq_scenario_t **out, const liq_calib_t *cal)
{
    assert(out != NULL);
    *out = NULL;
    if (!cal->done) {
        return liq_error_set(LIQ_EINVAL, "%s: no fitted values yet", cal->name);
    }
    return liq_calib_scenario(out, cal, cal->fitted, cal->seeds[0]);
}
