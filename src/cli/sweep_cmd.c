/*
 * liqnet sweep SWEEP.yaml -o OUT.h5 [--force | --resume] [--threads N] [--quiet]
 * liqnet sweep SWEEP.yaml --print-run R       (every option: liq_sweep_options)
 *
 * Runs every run of a sweep (docs/sweeps.md) into one results file, or
 * prints the resolved scenario of one run so that `liqnet run` can make it
 * again alone. Exit status: 0 when every run is recorded (failed runs are
 * results, counted on stderr), 1 on bad input or an I/O error, 2 on bad
 * usage, 130 when stopped (Ctrl-C): the file then keeps every recorded run,
 * says "incomplete", and `--resume` finishes it.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli/sweep_cmd.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "cli/args.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "liqnet/sweep.h"
#include "liqnet/version.h"

/* The options of `liqnet sweep`, in the order of --help. */
enum {
    LIQ_SW_OUTPUT,
    LIQ_SW_FORCE,
    LIQ_SW_RESUME,
    LIQ_SW_THREADS,
    LIQ_SW_PRINT_RUN,
    LIQ_SW_QUIET,
    LIQ_SW_STOP_AFTER,
    LIQ_SW_COUNT
};

static const liq_cli_option_t liq_sweep_options[LIQ_SW_COUNT] = {
    [LIQ_SW_OUTPUT] = {"--output", "-o", "FILE", "results file (required unless --print-run)",
                       "@file"},
    [LIQ_SW_FORCE] = {"--force", NULL, NULL, "overwrite an existing results file", NULL},
    [LIQ_SW_RESUME] = {"--resume", NULL, NULL,
                       "finish a stopped sweep in FILE (starts it if FILE is absent)", NULL},
    [LIQ_SW_THREADS] = {"--threads", NULL, "N", "OpenMP threads in all (default: all cores)", NULL},
    [LIQ_SW_PRINT_RUN] = {"--print-run", NULL, "R", "print the resolved scenario of run R and exit",
                          NULL},
    [LIQ_SW_QUIET] = {"--quiet", NULL, NULL, "no progress line and no summary", NULL},
    [LIQ_SW_STOP_AFTER] = {"--stop-after", NULL, "N",
                           "stop once N runs are recorded, as Ctrl-C would (exit status 130; "
                           "--resume finishes the file); for tests and for splitting a sweep "
                           "over time limits",
                           NULL},
};

const liq_cli_command_t liq_sweep_command = {
    .name = "sweep",
    .usage = {"SWEEP.yaml -o OUT.h5 [--force | --resume] [--threads N] [--quiet]",
              "SWEEP.yaml --print-run R"},
    .summary = "run a base scenario over a grid, Latin hypercube or list of parameter "
               "settings, several seeds each, into one results file",
    .description = "Runs every run of SWEEP.yaml (docs/sweeps.md) into one results file. Exit "
                   "status 0 when every run is recorded (failed runs are results, counted on "
                   "stderr), 1 on bad input or an I/O error, 2 on bad usage, 130 when stopped: "
                   "the file then keeps every recorded run, says incomplete, and --resume "
                   "finishes it.",
    .options = liq_sweep_options,
    .n_options = LIQ_SW_COUNT,
    .files = true,
};

static volatile sig_atomic_t liq_sweep_stop = 0;

static void liq_sweep_on_signal(int signo)
{
    (void)signo;
    liq_sweep_stop = 1;
}

static void liq_sweep_catch_signals(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = liq_sweep_on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

#define liq_sweep_usage_error(...) liq_cli_usage_error("sweep", __VA_ARGS__)

static int liq_sweep_parse_args(int argc, char **argv, liq_sweep_args_t *a)
{
    memset(a, 0, sizeof(*a));
    a->print_run = -1;
    liq_cli_parser_t p;
    liq_cli_parser_init(&p, &liq_sweep_command, argc, argv, 2);
    long long v = 0;
    for (int k = liq_cli_next(&p); k != LIQ_CLI_DONE; k = liq_cli_next(&p)) {
        switch (k) {
        case LIQ_CLI_HELP:
            return LIQ_EXIT_HELP;
        case LIQ_CLI_BAD:
            return LIQ_EXIT_USAGE;
        case LIQ_CLI_OPERAND:
            if (a->sweep != NULL) {
                return liq_sweep_usage_error("unexpected argument '%s'", p.value);
            }
            a->sweep = p.value;
            break;
        case LIQ_SW_OUTPUT:
            a->output = p.value;
            break;
        case LIQ_SW_THREADS:
            if (!liq_cli_whole(&p, 1, 4096, "a whole number from 1 to 4096", &v)) {
                return LIQ_EXIT_USAGE;
            }
            a->threads = (int)v;
            break;
        case LIQ_SW_PRINT_RUN:
            if (!liq_cli_whole(&p, 0, INT64_MAX, "a run number >= 0", &v)) {
                return LIQ_EXIT_USAGE;
            }
            a->print_run = v;
            break;
        case LIQ_SW_STOP_AFTER:
            if (!liq_cli_whole(&p, 1, INT64_MAX, "a whole number >= 1", &v)) {
                return LIQ_EXIT_USAGE;
            }
            a->stop_after = v;
            break;
        case LIQ_SW_FORCE:
            a->force = true;
            break;
        case LIQ_SW_RESUME:
            a->resume = true;
            break;
        case LIQ_SW_QUIET:
            a->quiet = true;
            break;
        default:
            break;
        }
    }
    if (a->sweep == NULL) {
        return liq_sweep_usage_error("%s", "sweep needs a sweep file");
    }
    if (a->print_run < 0 && a->output == NULL) {
        return liq_sweep_usage_error("%s", "sweep needs an output file: -o OUT.h5");
    }
    if (a->force && a->resume) {
        return liq_sweep_usage_error("%s", "--force and --resume exclude each other");
    }
    return LIQ_EXIT_OK;
}

static int liq_sweep_print_run(const liq_sweep_t *sw, long long run)
{
    if (run >= liq_sweep_run_count(sw)) {
        fprintf(stderr, "liqnet: error: run %lld does not exist; the sweep has runs 0 to %lld\n",
                run, (long long)liq_sweep_run_count(sw) - 1);
        return LIQ_EXIT_FAIL;
    }
    liq_scenario_t *sc = NULL;
    char *text = NULL;
    int rc = liq_sweep_scenario(&sc, sw, (int64_t)run);
    if (rc == LIQ_OK) {
        rc = liq_scenario_dump(&text, sc);
    }
    if (rc == LIQ_OK) {
        fputs(text, stdout);
    }
    free(text);
    liq_scenario_destroy(sc);
    return rc == LIQ_OK ? LIQ_EXIT_OK : liq_cli_fail(rc);
}

typedef struct {
    liq_progress_t bar;
} liq_sweep_progress_t;

static void liq_sweep_on_progress(void *context, int64_t recorded, int64_t to_do)
{
    liq_sweep_progress_t *p = context;
    (void)to_do;
    liq_progress_update_runs(&p->bar, recorded);
}

int liq_cmd_sweep(int argc, char **argv)
{
    liq_sweep_args_t args;
    int exit_code = liq_sweep_parse_args(argc, argv, &args);
    if (exit_code != LIQ_EXIT_OK) {
        return exit_code == LIQ_EXIT_HELP ? LIQ_EXIT_OK : exit_code;
    }
#ifdef LIQNET_HAVE_MPI
    if (args.print_run < 0 && liq_sweep_mpi_launched()) {
        liq_sweep_catch_signals();
        return liq_sweep_mpi(&args, &liq_sweep_stop);
    }
#endif
    return liq_sweep_local(&args, &liq_sweep_stop);
}

int liq_sweep_open_output(liq_sweep_file_t **file, const liq_sweep_args_t *args,
                          const liq_sweep_t *sw)
{
    if (args->resume && access(args->output, F_OK) == 0) {
        return liq_sweep_file_open(file, args->output, sw);
    }
    return liq_sweep_file_create(file, args->output, sw, args->force);
}

int liq_sweep_finish(const liq_sweep_args_t *args, const liq_sweep_t *sw, liq_sweep_file_t *file,
                     int exec_rc, const char *exec_error, int64_t recorded, double seconds,
                     const char *workers)
{
    int exit_code = LIQ_EXIT_OK;
    const int64_t n_runs = liq_sweep_run_count(sw);
    const size_t left = liq_sweep_file_pending(file, NULL);
    const int rc = liq_sweep_file_close(file);
    if (rc != LIQ_OK) {
        exit_code = liq_cli_fail(rc);
    } else if (exec_rc != LIQ_OK && exec_rc != LIQ_EINTERRUPTED) {
        fprintf(stderr, "liqnet: error: %s\n", exec_error);
        if (left > 0) {
            fprintf(stderr,
                    "liqnet: %s keeps every recorded run (%zu of %lld left) and is marked "
                    "incomplete; finish it with --resume\n",
                    args->output, left, (long long)n_runs);
        }
        exit_code = LIQ_EXIT_FAIL;
    } else {
        if (!args->quiet) {
            printf("liqnet %s: sweep %s, %lld runs (%lld settings x %lld seeds), %s: "
                   "%lld runs made in %.2f s, %zu left. Output: %s (%s)\n",
                   LIQNET_VERSION, args->sweep, (long long)n_runs,
                   (long long)liq_sweep_setting_count(sw),
                   (long long)liq_sweep_seeds_per_setting(sw), workers, (long long)recorded,
                   seconds, left, args->output, left == 0 ? "complete" : "incomplete");
        }
        if (left > 0) {
            fprintf(stderr,
                    "liqnet: stopped with %zu of %lld runs left; %s keeps every recorded run and "
                    "is marked incomplete; finish it with --resume\n",
                    left, (long long)n_runs, args->output);
            exit_code = LIQ_EXIT_INTERRUPTED;
        }
    }
    return exit_code;
}

int liq_sweep_local(const liq_sweep_args_t *args, volatile sig_atomic_t *stop)
{
    liq_sweep_t *sw = NULL;
    int rc = liq_sweep_load(&sw, args->sweep);
    if (rc != LIQ_OK) {
        return liq_cli_fail(rc);
    }
    if (args->print_run >= 0) {
        const int exit_code = liq_sweep_print_run(sw, args->print_run);
        liq_sweep_destroy(sw);
        return exit_code;
    }
    liq_sweep_file_t *file = NULL;
    rc = liq_sweep_open_output(&file, args, sw);
    if (rc != LIQ_OK) {
        liq_sweep_destroy(sw);
        return liq_cli_fail(rc);
    }
    const size_t pending = liq_sweep_file_pending(file, NULL);
    const int threads = args->threads > 0 ? args->threads : omp_get_max_threads();

    liq_sweep_catch_signals();

    liq_sweep_progress_t progress;
    liq_progress_start(&progress.bar, (int64_t)pending, !args->quiet);
    const liq_sweep_exec_options_t options = {.threads = threads,
                                              .stop_after = args->stop_after,
                                              .stop = stop,
                                              .progress = liq_sweep_on_progress,
                                              .progress_context = &progress};
    const double t0 = liq_wall_seconds();
    int64_t recorded = 0;
    const int exec_rc = liq_sweep_execute(sw, file, &options, &recorded);
    liq_progress_finish(&progress.bar);
    char exec_error[1024] = "";
    if (exec_rc != LIQ_OK && exec_rc != LIQ_EINTERRUPTED) {
        snprintf(exec_error, sizeof(exec_error), "%s", liq_errmsg());
    }
    char workers[64];
    snprintf(workers, sizeof(workers), "%d threads", threads);
    const int exit_code = liq_sweep_finish(args, sw, file, exec_rc, exec_error, recorded,
                                           liq_wall_seconds() - t0, workers);
    liq_sweep_destroy(sw);
    return exit_code;
}
