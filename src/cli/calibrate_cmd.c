/*
 * liqnet calibrate CALIBRATION.yaml -o OUT.h5 [--force] [--threads N] [--run RUN.h5]
 *                  [--quiet] [--verbose]          (every option: liq_calibrate_options)
 *
 * Fits a calibration file's parameters to its targets (docs/calibration.md),
 * writes the results file, prints the fitted values and the target table,
 * and with --run writes a full run of the scenario at the fitted values.
 * Exit status: 0 when the calibration completed, 1 on bad input, an I/O
 * error or a run the model could not make, 2 on bad usage, 130 when stopped
 * (Ctrl-C: the results file keeps the evaluations made, status
 * "interrupted").
 */
#define _POSIX_C_SOURCE 200809L

#include "cli/calibrate_cmd.h"

#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "liqnet/calibrate.h"
#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/metrics.h"
#include "liqnet/network.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

enum {
    LIQ_CAL_OUTPUT,
    LIQ_CAL_FORCE,
    LIQ_CAL_THREADS,
    LIQ_CAL_RUN,
    LIQ_CAL_QUIET,
    LIQ_CAL_VERBOSE,
    LIQ_CAL_COUNT
};

static const liq_cli_option_t liq_calibrate_options[LIQ_CAL_COUNT] = {
    [LIQ_CAL_OUTPUT] = {"--output", "-o", "FILE", "results file (required)", "@file"},
    [LIQ_CAL_FORCE] = {"--force", NULL, NULL, "overwrite an existing results file (and --run file)",
                       NULL},
    [LIQ_CAL_THREADS] = {"--threads", NULL, "N",
                         "OpenMP threads of each run (default: all cores); results do not "
                         "depend on it",
                         NULL},
    [LIQ_CAL_RUN] = {"--run", NULL, "RUN.h5",
                     "also write a full run of the scenario at the fitted values, with the "
                     "first seed, as `liqnet run` writes it (docs/hdf5-schema.md)",
                     "@file"},
    [LIQ_CAL_QUIET] = {"--quiet", NULL, NULL, "no progress line and no summary", NULL},
    [LIQ_CAL_VERBOSE] = {"--verbose", NULL, NULL,
                         "print a line per evaluation on stderr (parameters, objective, best), "
                         "also when stderr is not a terminal",
                         NULL},
};

const liq_cli_command_t liq_calibrate_command = {
    .name = "calibrate",
    .usage = {"CALIBRATION.yaml -o OUT.h5 [--force] [--threads N] [--run RUN.h5] [--quiet] "
              "[--verbose]"},
    .summary = "fit a few declared scenario parameters to declared targets (real values with "
               "their sources) with NLopt, into a results file",
    .description = "Fits the parameters of CALIBRATION.yaml (docs/calibration.md) to its targets: "
                   "a derivative-free NLopt search over the parameters' bounds minimising the "
                   "weighted sum of squared relative errors over the targets in the fit rounds, "
                   "each evaluation a run of the scenario in this process with the declared "
                   "seeds. OUT.h5 gets the fitted values, the target table (real, source, "
                   "fitted value, error), every evaluation, the algorithm and why it stopped, "
                   "and the data split. Exit status 0 when the calibration completed, 1 on bad "
                   "input, an I/O error or a run the model could not make, 2 on bad usage, 130 "
                   "when stopped (OUT.h5 then says interrupted).",
    .options = liq_calibrate_options,
    .n_options = LIQ_CAL_COUNT,
    .files = true,
};

typedef struct {
    const char *calibration;
    const char *output;
    const char *run;
    bool force, quiet, verbose;
    int threads;
} liq_cal_args_t;

static volatile sig_atomic_t liq_cal_stop = 0;

static void liq_cal_on_signal(int signo)
{
    (void)signo;
    liq_cal_stop = 1;
}

#define liq_cal_usage(...) liq_cli_usage_error("calibrate", __VA_ARGS__)

static int liq_cal_parse_args(int argc, char **argv, liq_cal_args_t *a)
{
    memset(a, 0, sizeof(*a));
    liq_cli_parser_t p;
    liq_cli_parser_init(&p, &liq_calibrate_command, argc, argv, 2);
    long long v = 0;
    for (int k = liq_cli_next(&p); k != LIQ_CLI_DONE; k = liq_cli_next(&p)) {
        switch (k) {
        case LIQ_CLI_HELP:
            return LIQ_EXIT_HELP;
        case LIQ_CLI_BAD:
            return LIQ_EXIT_USAGE;
        case LIQ_CLI_OPERAND:
            if (a->calibration != NULL) {
                return liq_cal_usage("unexpected argument '%s'", p.value);
            }
            a->calibration = p.value;
            break;
        case LIQ_CAL_OUTPUT:
            a->output = p.value;
            break;
        case LIQ_CAL_RUN:
            a->run = p.value;
            break;
        case LIQ_CAL_THREADS:
            if (!liq_cli_whole(&p, 1, 4096, "a whole number from 1 to 4096", &v)) {
                return LIQ_EXIT_USAGE;
            }
            a->threads = (int)v;
            break;
        case LIQ_CAL_FORCE:
            a->force = true;
            break;
        case LIQ_CAL_QUIET:
            a->quiet = true;
            break;
        case LIQ_CAL_VERBOSE:
            a->verbose = true;
            break;
        default:
            break;
        }
    }
    if (a->calibration == NULL) {
        return liq_cal_usage("%s", "calibrate takes one calibration file");
    }
    if (a->output == NULL) {
        return liq_cal_usage("%s", "calibrate needs -o OUT.h5");
    }
    if (a->run != NULL && strcmp(a->run, a->output) == 0) {
        return liq_cal_usage("--run %s is the results file too; expected another file", a->run);
    }
    return LIQ_EXIT_OK;
}

/* ------------------------------------------------------------ progress */

typedef struct {
    const liq_calib_t *cal;
    bool line;    /* redraw one line (stderr is a terminal) */
    bool verbose; /* one line per evaluation */
    double start;
} liq_cal_progress_t;

static void liq_cal_on_eval(void *context, const liq_calib_eval_t *e)
{
    const liq_cal_progress_t *p = context;
    if (!p->line && !p->verbose) {
        return;
    }
    static const char *const phases[] = {"global", "local", "final"};
    char params[512] = "";
    size_t used = 0;
    for (size_t k = 0; k < liq_calib_param_count(p->cal) && used + 1 < sizeof(params); k++) {
        used += (size_t)snprintf(params + used, sizeof(params) - used, "%s%s=%.6g",
                                 k > 0 ? " " : "", liq_calib_param_name(p->cal, k), e->params[k]);
    }
    fprintf(stderr, "%sevaluation %lld [%s] %s  objective %.4g  best %.4g  %.1fs%s",
            p->verbose ? "" : "\r", (long long)e->index, phases[e->phase], params, e->objective,
            e->best, liq_wall_seconds() - p->start, p->verbose ? "\n" : "   ");
    fflush(stderr);
}

/* ------------------------------------------------------------- summary */

static void liq_cal_print(const liq_calib_t *cal, const liq_cal_args_t *a, double seconds)
{
    printf("calibration %s: %lld evaluations in %.1f s, %s stopped: %s (%s)\n", a->calibration,
           (long long)liq_calib_evaluations(cal), seconds, liq_calib_algorithm(cal),
           liq_calib_stop_reason(cal), liq_calib_stop_meaning(cal));
    printf("\n%-40s %16s\n", "parameter", "fitted");
    for (size_t k = 0; k < liq_calib_param_count(cal); k++) {
        printf("%-40s %16.8g\n", liq_calib_param_name(cal, k), liq_calib_fitted(cal, k));
    }
    printf("\n%-28s %-7s %14s %14s %10s\n", "target", "role", "real", "fitted", "error");
    for (size_t k = 0; k < liq_calib_target_count(cal); k++) {
        printf("%-28s %-7s %14.6g %14.6g %+9.3f%%\n", liq_calib_target_name(cal, k),
               liq_calib_target_fit(cal, k) ? "fit" : "predict", liq_calib_target_real(cal, k),
               liq_calib_target_value(cal, k), 100.0 * liq_calib_target_error(cal, k));
    }
    printf("\nobjective (fit) %.6g, prediction %.6g; results in %s\n", liq_calib_objective(cal),
           liq_calib_prediction_objective(cal), a->output);
}

/* ----------------------------------------------------------- --run FILE */

typedef struct {
    liq_metrics_t *metrics;
    liq_h5_writer_t *writer;
    const volatile sig_atomic_t *stop;
} liq_cal_run_t;

static int liq_cal_run_record(void *context, const liq_state_view_t *view)
{
    liq_cal_run_t *r = context;
    if (view->round == 0) {
        return LIQ_OK;
    }
    const int rc = liq_metrics_add(r->metrics, view);
    return rc == LIQ_OK ? liq_h5_writer_append(r->writer, view) : rc;
}

static int liq_cal_run_stop(void *context, bool *stop)
{
    const liq_cal_run_t *r = context;
    *stop = *r->stop != 0;
    return LIQ_OK;
}

/* The scenario at the fitted values, every round, into a run file (the
 * layout of `liqnet run`, with its contagion record). */
static int liq_cal_write_run(const liq_calib_t *cal, const liq_cal_args_t *a, const char **status)
{
    liq_scenario_t *sc = NULL;
    char *resolved = NULL;
    liq_positions_t *positions = NULL;
    liq_sim_t *sim = NULL;
    liq_cal_run_t r = {NULL, NULL, &liq_cal_stop};
    int rc = liq_calib_fitted_scenario(&sc, cal);
    if (rc == LIQ_OK) {
        rc = liq_scenario_dump(&resolved, sc);
    }
    if (rc == LIQ_OK) {
        rc = liq_positions_load(&positions, sc);
    }
    const liq_sim_options_t options = {.threads = a->threads, .run = 0};
    if (rc == LIQ_OK) {
        rc = liq_sim_create(&sim, sc, positions, &options);
    }
    if (rc == LIQ_OK) {
        rc = liq_metrics_create(&r.metrics, sim);
    }
    if (rc == LIQ_OK) {
        liq_state_view_t view;
        liq_sim_view(sim, &view);
        const liq_h5_options_t h5 = {.force = a->force,
                                     .flush_every = sc->flush_every,
                                     .scenario_yaml = resolved,
                                     .seed = sc->seed};
        rc = liq_h5_writer_create(&r.writer, a->run, sc, &view, &h5);
    }
    *status = "complete";
    if (rc == LIQ_OK) {
        const liq_recorder_t recorder = {liq_cal_run_record, &r};
        const liq_run_hooks_t hooks = {.recorders = &recorder,
                                       .n_recorders = 1,
                                       .check_stop = liq_cal_run_stop,
                                       .context = &r};
        liq_sim_run_end_t end;
        rc = liq_sim_run(&end, sim, sc->rounds, &hooks);
        if (end == LIQ_SIM_RUN_ROUND_FAILED) {
            *status = "failed";
            char message[1024];
            snprintf(message, sizeof(message), "%s", liq_errmsg());
            rc = liq_h5_writer_note_error(r.writer, message);
            if (rc == LIQ_OK) {
                rc = liq_error_set(LIQ_ENUMERIC, "%s", message);
            }
        } else if (end == LIQ_SIM_RUN_STOPPED) {
            *status = "interrupted";
        }
    }
    if (r.writer != NULL && (rc == LIQ_OK || strcmp(*status, "failed") == 0)) {
        const int failed = rc;
        liq_contagion_options_t contagion_options;
        liq_contagion_options_init(&contagion_options);
        liq_contagion_record_t contagion = {0};
        const liq_summary_t *summary = liq_metrics_summary(r.metrics);
        rc = liq_contagion_record_build(&contagion, sc, summary, &contagion_options);
        if (rc == LIQ_OK) {
            rc = liq_h5_writer_contagion(r.writer, &contagion);
        }
        liq_contagion_record_destroy(&contagion);
        if (rc == LIQ_OK) {
            rc = liq_h5_writer_finish(r.writer, summary, *status);
            r.writer = NULL;
        }
        rc = failed != LIQ_OK ? failed : rc;
    }
    liq_h5_writer_destroy(r.writer);
    liq_metrics_destroy(r.metrics);
    liq_sim_destroy(sim);
    liq_positions_destroy(positions);
    free(resolved);
    liq_scenario_destroy(sc);
    return rc;
}

int liq_cmd_calibrate(int argc, char **argv)
{
    liq_cal_args_t a;
    const int parsed = liq_cal_parse_args(argc, argv, &a);
    if (parsed != LIQ_EXIT_OK) {
        return parsed == LIQ_EXIT_HELP ? LIQ_EXIT_OK : parsed;
    }
    liq_calib_t *cal = NULL;
    int rc = liq_calib_load(&cal, a.calibration);
    if (rc != LIQ_OK) {
        return liq_cli_fail(rc);
    }
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = liq_cal_on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    const double t0 = liq_wall_seconds();
    liq_cal_progress_t progress = {cal, !a.quiet && !a.verbose && isatty(STDERR_FILENO), a.verbose,
                                   t0};
    const liq_calib_options_t options = {.threads = a.threads,
                                         .stop = &liq_cal_stop,
                                         .on_eval = liq_cal_on_eval,
                                         .context = &progress};
    rc = liq_calib_run(cal, a.output, a.force, &options);
    if (progress.line) {
        fprintf(stderr, "\r%*s\r", 120, "");
    }
    int exit_code = LIQ_EXIT_OK;
    if (rc == LIQ_EINTERRUPTED) {
        fprintf(stderr,
                "liqnet: interrupted after %lld evaluations; %s keeps them and is marked "
                "interrupted\n",
                (long long)liq_calib_evaluations(cal), a.output);
        exit_code = LIQ_EXIT_INTERRUPTED;
    } else if (rc != LIQ_OK) {
        exit_code = liq_cli_fail(rc);
    } else {
        if (!a.quiet) {
            liq_cal_print(cal, &a, liq_wall_seconds() - t0);
        }
        if (a.run != NULL) {
            const char *status = "complete";
            rc = liq_cal_write_run(cal, &a, &status);
            if (rc != LIQ_OK) {
                exit_code = liq_cli_fail(rc);
            } else if (strcmp(status, "interrupted") == 0) {
                fprintf(stderr, "liqnet: interrupted; %s is marked interrupted\n", a.run);
                exit_code = LIQ_EXIT_INTERRUPTED;
            } else if (!a.quiet) {
                printf("run at the fitted values with the first seed in %s\n", a.run);
            }
        }
    }
    liq_calib_destroy(cal);
    return exit_code;
}
