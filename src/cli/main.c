/*
 * The liqnet command line: run and check here, the other commands in
 * cli/<command>_cmd.c; every command's options are a table (cli/options.h) that
 * drives its parsing, its --help, `liqnet help`, the man page and bash
 * completion (`liqnet __docs man|bash`, hidden).
 *
 *   liqnet run SCENARIO -o OUT.h5 [OPTIONS]   simulate, write every round, print the summary
 *   liqnet check SCENARIO [--set PATH=VALUE]  validate a scenario and print it fully resolved
 *   liqnet sweep SWEEP -o OUT.h5            many runs into one results file (cli/sweep_cmd.c)
 *   liqnet calibrate CAL -o OUT.h5          fit parameters to targets (cli/calibrate_cmd.c)
 *   liqnet graph SCENARIO -o NET.graphml    the scenario's network (cli/graph_cmd.c)
 *   liqnet generate [-o SCENARIO.yaml]      a synthetic ecosystem (cli/generate_cmd.c)
 *   liqnet show FILE.h5                     a finished run's summary again (cli/show_cmd.c)
 *   liqnet help [COMMAND], liqnet version
 *
 * Exit status: 0 on success, 1 on bad input or a failed run (the output is
 * then marked "failed" and keeps the rounds before the failure), 2 on bad
 * usage, 130 when interrupted (the output then holds every completed round
 * and is marked "interrupted").
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/progress.h"
#include "cli/run_group.h"
#include "cli/args.h"
#include "cli/calibrate_cmd.h"
#include "cli/generate_cmd.h"
#include "cli/graph_cmd.h"
#include "cli/options.h"
#include "cli/show_cmd.h"
#include "cli/summary.h"
#include "cli/sweep_cmd.h"
#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/metrics.h"
#include "liqnet/network.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"
#include "liqnet/version.h"

static volatile sig_atomic_t liq_stop_requested = 0;

static void liq_on_signal(int signo)
{
    (void)signo;
    liq_stop_requested = 1;
}

/* The options of `liqnet run`, in the order of --help. */
enum {
    LIQ_RUN_OUTPUT,
    LIQ_RUN_THREADS,
    LIQ_RUN_SEED,
    LIQ_RUN_ROUNDS,
    LIQ_RUN_SET,
    LIQ_RUN_FORCE,
    LIQ_RUN_QUIET,
    LIQ_RUN_JSON,
    LIQ_RUN_TOP,
    LIQ_RUN_CENTRALITY,
    LIQ_RUN_COUNT
};

#define LIQ_SET_HELP                                                                               \
    "set the scenario's key at PATH to VALUE before it is read, as a sweep's parameter does "      \
    "(docs/sweeps.md): dotted keys with list items by name or index, "                             \
    "protocols[AaveLike].markets[WETH].liquidation_bonus=0.08, accounts[0].count=500, "            \
    "rounds=50; VALUE is a YAML scalar (0.05, 1h, unlimited). Repeatable, applied in order"

/* --top's words, shared by run and show. */
#define LIQ_TOP_HELP                                                                               \
    "rows of the oracle, protocol and auction tables: when there are more, the N largest (by "     \
    "oracle fall, liquidated value, value sold) and a line saying how many were left out; the "    \
    "total row always covers all. 0 shows all; default 20"

static const liq_cli_option_t liq_run_options[LIQ_RUN_COUNT] = {
    [LIQ_RUN_OUTPUT] = {"--output", "-o", "FILE", "output file (required)", "@file"},
    [LIQ_RUN_THREADS] = {"--threads", NULL, "N",
                         "OpenMP threads (default: all cores); results do not depend on it", NULL},
    [LIQ_RUN_SEED] = {"--seed", NULL, "N", "override the scenario's seed", NULL},
    [LIQ_RUN_ROUNDS] = {"--rounds", NULL, "N", "override the scenario's number of rounds", NULL},
    [LIQ_RUN_SET] = {"--set", NULL, "PATH=VALUE", LIQ_SET_HELP, NULL},
    [LIQ_RUN_FORCE] = {"--force", NULL, NULL, "overwrite an existing output file", NULL},
    [LIQ_RUN_QUIET] = {"--quiet", NULL, NULL, "no progress line and no summary table", NULL},
    [LIQ_RUN_JSON] = {"--json", NULL, NULL,
                      "print the summary as one JSON object (every summary variable of the "
                      "file under its name, per oracle and per protocol, all rows) instead of "
                      "the table; also with --quiet",
                      NULL},
    [LIQ_RUN_TOP] = {"--top", NULL, "N", LIQ_TOP_HELP, NULL},
    [LIQ_RUN_CENTRALITY] = {"--centrality", NULL, "auto|exact|skip",
                            "betweenness of the contagion record (/contagion): auto (exact when "
                            "V (V + E) <= 5e8 on the protocol graph, else skipped), exact "
                            "(always) or skip (never); default auto",
                            "auto exact skip"},
};

static const liq_cli_command_t liq_run_command = {
    .name = "run",
    .usage = {"SCENARIO -o OUT.h5 [--threads N] [--seed N] [--rounds N] [--set PATH=VALUE]... "
              "[--force] [--quiet] [--json] [--top N] [--centrality auto|exact|skip]"},
    .summary = "simulate a scenario, write every round to an HDF5 file and print the summary",
    .description = "Simulates SCENARIO (YAML, docs/scenario.md) and writes every round to OUT.h5 "
                   "(docs/hdf5-schema.md), then prints the run's summary. The same scenario and "
                   "seed give the same bits for any --threads. Ctrl-C stops after the round in "
                   "progress and marks the file interrupted (exit status 130); a run whose "
                   "feedback diverges stops with the error and marks it failed (exit status 1).",
    .options = liq_run_options,
    .n_options = LIQ_RUN_COUNT,
    .files = true,
};

enum { LIQ_CHECK_SET, LIQ_CHECK_COUNT };

static const liq_cli_option_t liq_check_options[LIQ_CHECK_COUNT] = {
    [LIQ_CHECK_SET] = {"--set", NULL, "PATH=VALUE", LIQ_SET_HELP, NULL},
};

static const liq_cli_command_t liq_check_command = {
    .name = "check",
    .usage = {"SCENARIO [--set PATH=VALUE]..."},
    .summary = "validate a scenario and print it fully resolved",
    .description = "Reads SCENARIO as `liqnet run` would and prints it fully resolved: every "
                   "default explicit, every duration in rounds, a network file's entities as "
                   "lists. Bad input is one message naming the file, line, column, key and value "
                   "(exit status 1).",
    .options = liq_check_options,
    .n_options = LIQ_CHECK_COUNT,
    .files = true,
};

static const liq_cli_command_t liq_help_command = {
    .name = "help",
    .usage = {"[COMMAND]"},
    .summary = "print the commands, or a command's options",
    .description = "Without COMMAND, prints every command's usage; with one, its options, as "
                   "`liqnet COMMAND --help` does.",
};

static const liq_cli_command_t liq_version_command = {
    .name = "version",
    .usage = {""},
    .summary = "print liqnet's version",
    .description = "Prints \"liqnet\" and the version.",
};

/* Every command, in the order of `liqnet help` and the man page. */
static const liq_cli_command_t *const liq_commands[] = {
    &liq_run_command,       &liq_check_command, &liq_sweep_command,
    &liq_calibrate_command, &liq_graph_command, &liq_generate_command,
    &liq_show_command,      &liq_help_command,  &liq_version_command,
};
#define LIQ_N_COMMANDS (sizeof(liq_commands) / sizeof(liq_commands[0]))

/* The --set options of a command line: overrides whose paths are copies of
 * the text before '=' (the values point into argv). */
typedef struct {
    liq_override_t *overrides;
    size_t n;
} liq_sets_t;

static void liq_sets_destroy(liq_sets_t *sets)
{
    for (size_t i = 0; i < sets->n; i++) {
        free((char *)sets->overrides[i].path);
    }
    free(sets->overrides);
    sets->overrides = NULL;
    sets->n = 0;
}

/* Adds `--set PATH=VALUE` (`text` is PATH=VALUE); an exit status. */
static int liq_sets_add(liq_sets_t *sets, const char *command, const char *text, int argc)
{
    const char *eq = strchr(text, '=');
    if (eq == NULL || eq == text) {
        return liq_cli_usage_error(command, "--set takes PATH=VALUE, not '%s'", text);
    }
    if (sets->overrides == NULL) {
        /* At most one --set an argument. */
        sets->overrides = calloc((size_t)argc, sizeof(*sets->overrides));
    }
    char *path = strndup(text, (size_t)(eq - text));
    if (sets->overrides == NULL || path == NULL) {
        free(path);
        fprintf(stderr, "liqnet: error: out of memory\n");
        return LIQ_EXIT_FAIL;
    }
    /* Errors name the option: "--set: PATH: no item named ...". */
    sets->overrides[sets->n++] =
        (liq_override_t){.path = path, .value = eq + 1, .quoted = 0, .scale = 0, .origin = "--set"};
    return LIQ_EXIT_OK;
}

/* Loads a scenario file as liq_scenario_load does, with the overrides of
 * --set applied (liq_scenario_parse_with), relative paths in it resolved
 * against its directory. */
static int liq_load_scenario(liq_scenario_t **sc, const char *path, const liq_sets_t *sets)
{
    if (sets->n == 0) {
        return liq_scenario_load(sc, path);
    }
    *sc = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return liq_error_set(LIQ_EIO, "%s: cannot read: %s", path, strerror(errno));
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    int rc = LIQ_OK;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = 2 * cap + 4096 + 1;
            char *grown = realloc(text, cap);
            if (grown == NULL) {
                rc = liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the file", path);
                break;
            }
            text = grown;
        }
        const size_t got = fread(text + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                rc = liq_error_set(LIQ_EIO, "%s: cannot read: %s", path, strerror(errno));
            }
            break;
        }
    }
    fclose(f);
    char *base_dir = NULL;
    const char *slash = strrchr(path, '/');
    if (rc == LIQ_OK && slash != NULL) {
        base_dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
        if (base_dir == NULL) {
            rc = liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the file", path);
        }
    }
    if (rc == LIQ_OK) {
        text[len] = '\0';
        rc = liq_scenario_parse_with(sc, text, len, path, base_dir, sets->overrides, sets->n);
    }
    free(base_dir);
    free(text);
    return rc;
}

typedef struct {
    const char *scenario;
    const char *output;
    int threads;
    bool has_seed;
    uint64_t seed;
    int64_t rounds;
    bool force;
    bool quiet;
    bool json;
    size_t top;
    liq_sets_t sets;
    liq_centrality_mode_t centrality;
} liq_run_args_t;

#define liq_usage_error(...) liq_cli_usage_error("run", __VA_ARGS__)

/* Reads the command line of `liqnet run`; an exit status, or LIQ_EXIT_HELP.
 * a->sets is to be destroyed whatever it returns. */
static int liq_parse_run_args(int argc, char **argv, liq_run_args_t *a)
{
    memset(a, 0, sizeof(*a));
    a->top = LIQ_SUMMARY_TOP_DEFAULT;
    liq_cli_parser_t p;
    liq_cli_parser_init(&p, &liq_run_command, argc, argv, 2);
    long long v = 0;
    for (int k = liq_cli_next(&p); k != LIQ_CLI_DONE; k = liq_cli_next(&p)) {
        switch (k) {
        case LIQ_CLI_HELP:
            return LIQ_EXIT_HELP;
        case LIQ_CLI_BAD:
            return LIQ_EXIT_USAGE;
        case LIQ_CLI_OPERAND:
            if (a->scenario != NULL) {
                return liq_usage_error("unexpected argument '%s'", p.value);
            }
            a->scenario = p.value;
            break;
        case LIQ_RUN_OUTPUT:
            a->output = p.value;
            break;
        case LIQ_RUN_THREADS:
            if (!liq_cli_whole(&p, 1, 4096, "a whole number from 1 to 4096", &v)) {
                return LIQ_EXIT_USAGE;
            }
            a->threads = (int)v;
            break;
        case LIQ_RUN_SEED:
            if (!liq_cli_whole(&p, 0, INT64_MAX, "a whole number >= 0", &v)) {
                return LIQ_EXIT_USAGE;
            }
            a->has_seed = true;
            a->seed = (uint64_t)v;
            break;
        case LIQ_RUN_ROUNDS:
            if (!liq_cli_whole(&p, 1, INT32_MAX, "a whole number >= 1", &v)) {
                return LIQ_EXIT_USAGE;
            }
            a->rounds = (int64_t)v;
            break;
        case LIQ_RUN_TOP:
            if (!liq_cli_whole(&p, 0, INT32_MAX, "a whole number >= 0", &v)) {
                return LIQ_EXIT_USAGE;
            }
            a->top = (size_t)v;
            break;
        case LIQ_RUN_SET: {
            const int rc = liq_sets_add(&a->sets, "run", p.value, argc);
            if (rc != LIQ_EXIT_OK) {
                return rc;
            }
        } break;
        case LIQ_RUN_CENTRALITY:
            if (strcmp(p.value, "auto") == 0) {
                a->centrality = LIQ_CENTRALITY_AUTO;
            } else if (strcmp(p.value, "exact") == 0) {
                a->centrality = LIQ_CENTRALITY_EXACT;
            } else if (strcmp(p.value, "skip") == 0) {
                a->centrality = LIQ_CENTRALITY_SKIP;
            } else {
                return liq_usage_error("--centrality takes auto, exact or skip, not '%s'", p.value);
            }
            break;
        case LIQ_RUN_FORCE:
            a->force = true;
            break;
        case LIQ_RUN_QUIET:
            a->quiet = true;
            break;
        case LIQ_RUN_JSON:
            a->json = true;
            break;
        default:
            break;
        }
    }
    if (a->scenario == NULL) {
        return liq_usage_error("%s", "run needs a scenario file");
    }
    if (a->output == NULL) {
        return liq_usage_error("%s", "run needs an output file: -o OUT.h5");
    }
    return LIQ_EXIT_OK;
}

/* What every rank of a run reads alike: refuses an existing output (rank
 * 0, which writes it), then loads the scenario with the command line's
 * seed and rounds, its resolved text, its positions files, and this rank's
 * protocols. */
static int liq_run_prepare(liq_run_group_t *group, const liq_run_args_t *args, liq_scenario_t **sc,
                           char **resolved, liq_positions_t **positions, unsigned char **owned,
                           uint64_t *max_load, uint64_t *min_load)
{
    /* Refuse to overwrite before any expensive work. The writer checks again. */
    if (liq_run_group_rank(group) == 0 && !args->force && access(args->output, F_OK) == 0) {
        return liq_error_set(LIQ_EINVAL, "%s: file exists; pass --force to overwrite",
                             args->output);
    }
    int rc = liq_load_scenario(sc, args->scenario, &args->sets);
    if (rc != LIQ_OK) {
        return rc;
    }
    if (args->has_seed) {
        (*sc)->seed = args->seed;
    }
    if (args->rounds > 0) {
        (*sc)->rounds = args->rounds;
    }
    rc = liq_scenario_dump(resolved, *sc);
    if (rc == LIQ_OK) {
        rc = liq_positions_load(positions, *sc);
    }
    if (rc == LIQ_OK) {
        rc = liq_run_group_partition(group, *sc, *positions, owned, max_load, min_load);
    }
    return rc;
}

/* What a run's hooks share (liq_run_hooks_t's context and its recorder):
 * the group of ranks, rank 0's metrics and output file, and the tallies of
 * the progress line and the summary. */
typedef struct {
    liq_run_group_t *group;
    bool writer_rank;
    liq_metrics_t *metrics;      /* rank 0 */
    liq_h5_writer_t *writer;     /* rank 0 */
    liq_progress_t progress;     /* rank 0, unless --quiet */
    int64_t liquidations;        /* over the rounds so far */
    int64_t *cross_liquidations; /* [protocol] over the rounds so far */
} liq_run_state_t;

/* Before every round: the ranks agree whether to stop (a signal reaches
 * them at different times). */
static int liq_run_check_stop(void *context, bool *stop)
{
    liq_run_state_t *st = context;
    int any = liq_stop_requested != 0;
    const int rc = liq_run_group_agree(st->group, LIQ_OK, &any);
    *stop = any != 0;
    return rc;
}

/* The record phase of `liqnet run`: rank 0 adds the round to the metrics
 * and the output file (round 0 is in them since their creation), then
 * every rank agrees on the outcome; the tallies follow. The ranks agree on
 * a round's status at the exchange (liq_run_group_round_exchange) and here;
 * the phases between (venues, derived) read only replicated state, so
 * they fail on every rank alike or on none. */
static int liq_run_record(void *context, const liq_state_view_t *view)
{
    liq_run_state_t *st = context;
    if (view->round == 0) {
        return LIQ_OK;
    }
    int rc = LIQ_OK;
    if (st->writer_rank) {
        rc = liq_metrics_add(st->metrics, view);
        if (rc == LIQ_OK) {
            rc = liq_h5_writer_append(st->writer, view);
        }
    }
    rc = liq_run_group_agree(st->group, rc, NULL);
    for (size_t p = 0; p < view->n_protocols; p++) {
        st->liquidations += view->liquidations[p];
        if (view->cross_liquidations != NULL) {
            st->cross_liquidations[p] += view->cross_liquidations[p];
        }
    }
    return rc;
}

static void liq_run_progress(void *context, int64_t round)
{
    liq_run_state_t *st = context;
    liq_progress_update(&st->progress, round, st->liquidations);
}

/* Creates the simulation on every rank (with the group's exchange when
 * there are several), shares the round-0 records, and on rank 0 the
 * metrics and the output file, which take round 0. */
static int liq_run_start(liq_run_state_t *st, liq_sim_t **sim, const liq_run_args_t *args,
                         const liq_scenario_t *sc, const char *resolved,
                         const liq_positions_t *positions, const unsigned char *owned)
{
    const bool several = liq_run_group_size(st->group) > 1;
    const liq_sim_options_t options = {.threads = args->threads,
                                       .run = 0,
                                       .owned = owned,
                                       .time_phases = liq_run_group_mpi(st->group),
                                       .exchange = several ? liq_run_group_round_exchange : NULL,
                                       .exchange_context = st->group};
    int rc = liq_run_group_agree(st->group, liq_sim_create(sim, sc, positions, &options), NULL);
    if (rc == LIQ_OK) {
        rc = liq_run_group_exchange(st->group, *sim, NULL);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    st->cross_liquidations =
        calloc(sc->n_protocols > 0 ? sc->n_protocols : 1, sizeof(*st->cross_liquidations));
    if (st->cross_liquidations == NULL) {
        rc = liq_error_set(LIQ_ENOMEM, "out of memory");
    }
    if (rc == LIQ_OK && st->writer_rank) {
        rc = liq_metrics_create(&st->metrics, *sim);
        if (rc == LIQ_OK) {
            liq_state_view_t view;
            liq_sim_view(*sim, &view);
            const liq_h5_options_t h5 = {.force = args->force,
                                         .flush_every = sc->flush_every,
                                         .scenario_yaml = resolved,
                                         .seed = sc->seed};
            rc = liq_h5_writer_create(&st->writer, args->output, sc, &view, &h5);
        }
    }
    return liq_run_group_agree(st->group, rc, NULL);
}

/* The MPI line of the summary: rank 0's rounds split as the engine timed
 * them, before the exchange (market to margin engines), the exchange and
 * its wait, after it (venues, derived) and output (the record phase). */
static void liq_print_mpi(liq_run_group_t *group, const liq_sim_t *sim, uint64_t min_load,
                          uint64_t max_load, double round_seconds, uint64_t rss)
{
    liq_sim_timing_t tm;
    liq_sim_timing(sim, &tm);
    const double before = tm.phase[LIQ_PHASE_MARKET] + tm.phase[LIQ_PHASE_ARBITRAGE] +
                          tm.phase[LIQ_PHASE_ORACLES] + tm.phase[LIQ_PHASE_MARGIN];
    const double after = tm.phase[LIQ_PHASE_VENUES] + tm.phase[LIQ_PHASE_DERIVED];
    printf("%d ranks x %d threads; accounts per rank %" PRIu64 " to %" PRIu64 "; %" PRIu64
           " bytes exchanged per rank a round; rounds %.3f s on rank 0: %.3f before the "
           "exchange, %.3f exchange and wait, %.3f after, %.3f output; peak resident "
           "%.1f MB (largest rank)\n",
           liq_run_group_size(group), liq_sim_threads(sim), min_load, max_load,
           liq_run_group_bytes(group), round_seconds, before, tm.exchange, after,
           tm.phase[LIQ_PHASE_RECORD], (double)rss / 1e6);
}

/* After the rounds, on rank 0: the contagion record and the summary go to
 * the file, which is marked complete, interrupted or failed; the summary is
 * printed. Returns the exit code, or -1 with *rc set on an error. */
static int liq_run_report(liq_run_state_t *st, const liq_run_args_t *args, const liq_scenario_t *sc,
                          const char *status, const char *step_error, int *rc)
{
    if (step_error != NULL) {
        *rc = liq_h5_writer_note_error(st->writer, step_error);
        if (*rc != LIQ_OK) {
            return -1;
        }
    }
    const liq_summary_t *summary = liq_metrics_summary(st->metrics);
    /* The contagion record reflects the rounds done, for complete,
     * interrupted and failed runs alike. */
    liq_contagion_options_t contagion_options;
    liq_contagion_options_init(&contagion_options);
    contagion_options.betweenness = args->centrality;
    liq_contagion_record_t contagion = {0};
    *rc = liq_contagion_record_build(&contagion, sc, summary, &contagion_options);
    if (*rc == LIQ_OK) {
        *rc = liq_h5_writer_contagion(st->writer, &contagion);
    }
    liq_contagion_record_destroy(&contagion);
    if (*rc == LIQ_OK) {
        *rc = liq_h5_writer_finish(st->writer, summary, status);
        st->writer = NULL;
    }
    return *rc == LIQ_OK ? LIQ_EXIT_OK : -1;
}

/* SIGINT and SIGTERM ask the run to stop after the round in progress. */
static void liq_run_catch_signals(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = liq_on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

/* Rank 0's last words on a run that did not complete, and the exit code:
 * the file holds rounds 0 to `done`. */
static int liq_run_exit(const char *step_error, bool stopped, int64_t done, int64_t rounds,
                        const char *output)
{
    if (step_error != NULL) {
        fprintf(stderr,
                "liqnet: error: %s\nliqnet: %s holds rounds 0 to %lld and is marked failed\n",
                step_error, output, (long long)done);
        return LIQ_EXIT_FAIL;
    }
    if (stopped) {
        fprintf(stderr,
                "liqnet: interrupted after round %lld of %lld; %s holds every completed "
                "round and is marked interrupted\n",
                (long long)done, (long long)rounds, output);
        return LIQ_EXIT_INTERRUPTED;
    }
    return LIQ_EXIT_OK;
}

static int liq_cmd_run(int argc, char **argv)
{
    liq_run_state_t st = {0};
    int rc = liq_run_group_open(&st.group);
    if (rc != LIQ_OK) {
        return liq_cli_fail(rc);
    }
    st.writer_rank = liq_run_group_rank(st.group) == 0;
    /* What every rank does alike reports once, from rank 0. */
    liq_run_group_mute(st.group, true);
    liq_run_args_t args;
    int exit_code = liq_parse_run_args(argc, argv, &args);
    if (exit_code != LIQ_EXIT_OK) {
        liq_sets_destroy(&args.sets);
        liq_run_group_close(st.group);
        return exit_code == LIQ_EXIT_HELP ? LIQ_EXIT_OK : exit_code;
    }
    liq_scenario_t *sc = NULL;
    liq_positions_t *positions = NULL;
    liq_sim_t *sim = NULL;
    char *resolved = NULL;
    unsigned char *owned = NULL;
    uint64_t max_load = 0, min_load = 0;
    rc = liq_run_prepare(st.group, &args, &sc, &resolved, &positions, &owned, &max_load, &min_load);
    liq_run_group_mute(st.group, false);
    /* A rank that could not read what rank 0 read (a file system the node
     * does not see) fails the job with its own message. */
    rc = liq_run_group_agree(st.group, rc, NULL);
    const double t0 = liq_wall_seconds();
    if (rc == LIQ_OK) {
        rc = liq_run_start(&st, &sim, &args, sc, resolved, positions, owned);
    }
    if (rc != LIQ_OK) {
        goto cleanup;
    }
    liq_positions_destroy(positions);
    positions = NULL;

    liq_run_catch_signals();
    /* A round that fails (the model's feedback diverged) ends the run: the
     * rounds before it are kept and the file is marked "failed" with the
     * message, so it is never taken for a complete run. */
    liq_progress_start(&st.progress, sc->rounds, !args.quiet && st.writer_rank);
    const liq_recorder_t recorder = {liq_run_record, &st};
    const liq_run_hooks_t hooks = {.recorders = &recorder,
                                   .n_recorders = 1,
                                   .check_stop = liq_run_check_stop,
                                   .progress = liq_run_progress,
                                   .context = &st};
    const double t_rounds = liq_wall_seconds();
    liq_sim_run_end_t end;
    rc = liq_sim_run(&end, sim, sc->rounds, &hooks);
    liq_progress_finish(&st.progress);
    if (end == LIQ_SIM_RUN_RECORD_FAILED) {
        goto cleanup;
    }
    const bool failed = end == LIQ_SIM_RUN_ROUND_FAILED;
    char step_error[1024] = "";
    if (failed) {
        snprintf(step_error, sizeof(step_error), "%s", liq_errmsg());
        rc = LIQ_OK;
    }
    const double round_seconds = liq_wall_seconds() - t_rounds;
    liq_accounts_view_t accounts;
    liq_sim_accounts(sim, &accounts);
    const uint64_t n_accounts =
        liq_run_group_reduce(st.group, accounts.n_accounts + accounts.n_perp, LIQ_REDUCE_SUM);
    const uint64_t n_cross = liq_run_group_reduce(st.group, accounts.n_cross, LIQ_REDUCE_SUM);
    const uint64_t rss = liq_run_group_reduce(st.group, liq_peak_rss_bytes(), LIQ_REDUCE_MAX);
    const bool stopped = liq_sim_round(sim) < sc->rounds || end == LIQ_SIM_RUN_STOPPED;
    if (!st.writer_rank) {
        exit_code = failed ? LIQ_EXIT_FAIL : stopped ? LIQ_EXIT_INTERRUPTED : LIQ_EXIT_OK;
        goto cleanup; /* rank 0 reports */
    }
    const char *status = failed ? "failed" : stopped ? "interrupted" : "complete";
    if (liq_run_report(&st, &args, sc, status, failed ? step_error : NULL, &rc) != LIQ_EXIT_OK) {
        goto cleanup;
    }
    /* The last round the file holds (a failed round is not in it). */
    const int64_t done = liq_sim_round(sim) - (failed ? 1 : 0);
    const liq_summary_print_t how = {.output = args.output,
                                     .status = status,
                                     .accounts = (size_t)(n_accounts + n_cross),
                                     .threads = liq_sim_threads(sim),
                                     .seconds = liq_wall_seconds() - t0,
                                     .n_cross = (size_t)n_cross,
                                     .cross_liquidations = st.cross_liquidations,
                                     .top = args.top};
    if (args.json) {
        liq_summary_print_json(sc, liq_metrics_summary(st.metrics), &how);
    } else if (!args.quiet) {
        liq_summary_print_header(sc, liq_metrics_summary(st.metrics), &how);
        liq_summary_print(sc, liq_metrics_summary(st.metrics), &how);
        if (liq_run_group_mpi(st.group)) {
            liq_print_mpi(st.group, sim, min_load, max_load, round_seconds, rss);
        }
    }
    exit_code = liq_run_exit(failed ? step_error : NULL, stopped, done, sc->rounds, args.output);

cleanup:
    if (rc != LIQ_OK) {
        /* Rank 0 reports; the others only what rank 0 could not know. */
        exit_code = st.writer_rank ? liq_cli_fail(rc) : LIQ_EXIT_FAIL;
    }
    liq_h5_writer_destroy(st.writer);
    liq_metrics_destroy(st.metrics);
    liq_sim_destroy(sim);
    liq_positions_destroy(positions);
    free(st.cross_liquidations);
    free(owned);
    free(resolved);
    liq_scenario_destroy(sc);
    liq_sets_destroy(&args.sets);
    liq_run_group_close(st.group);
    return exit_code;
}

/* Reads the command line of `liqnet check`; an exit status, or
 * LIQ_EXIT_HELP. sets is to be destroyed whatever it returns. */
static int liq_parse_check_args(int argc, char **argv, const char **path, liq_sets_t *sets)
{
    liq_cli_parser_t p;
    liq_cli_parser_init(&p, &liq_check_command, argc, argv, 2);
    for (int k = liq_cli_next(&p); k != LIQ_CLI_DONE; k = liq_cli_next(&p)) {
        if (k == LIQ_CLI_HELP) {
            return LIQ_EXIT_HELP;
        }
        if (k == LIQ_CLI_BAD) {
            return LIQ_EXIT_USAGE;
        }
        if (k == LIQ_CLI_OPERAND && *path != NULL) {
            return liq_cli_usage_error("check", "%s", "check takes exactly one scenario file");
        }
        if (k == LIQ_CLI_OPERAND) {
            *path = p.value;
        } else if (k == LIQ_CHECK_SET) {
            const int rc = liq_sets_add(sets, "check", p.value, argc);
            if (rc != LIQ_EXIT_OK) {
                return rc;
            }
        }
    }
    if (*path == NULL) {
        return liq_cli_usage_error("check", "%s", "check takes exactly one scenario file");
    }
    return LIQ_EXIT_OK;
}

static int liq_cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    liq_sets_t sets = {0};
    const int exit_code = liq_parse_check_args(argc, argv, &path, &sets);
    if (exit_code != LIQ_EXIT_OK) {
        liq_sets_destroy(&sets);
        return exit_code == LIQ_EXIT_HELP ? LIQ_EXIT_OK : exit_code;
    }
    liq_scenario_t *sc = NULL;
    char *resolved = NULL;
    int rc = liq_load_scenario(&sc, path, &sets);
    if (rc == LIQ_OK) {
        rc = liq_scenario_dump(&resolved, sc);
    }
    if (rc == LIQ_OK) {
        fputs(resolved, stdout);
    }
    free(resolved);
    liq_scenario_destroy(sc);
    liq_sets_destroy(&sets);
    return rc == LIQ_OK ? LIQ_EXIT_OK : liq_cli_fail(rc);
}

/* `liqnet help [COMMAND]`. */
static int liq_cmd_help(int argc, char **argv)
{
    if (argc == 2) {
        liq_cli_print_overview(stdout, liq_commands, LIQ_N_COMMANDS);
        return LIQ_EXIT_OK;
    }
    if (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) {
        liq_cli_print_help(stdout, &liq_help_command);
        return LIQ_EXIT_OK;
    }
    for (size_t i = 0; i < LIQ_N_COMMANDS && argc == 3; i++) {
        if (strcmp(argv[2], liq_commands[i]->name) == 0) {
            liq_cli_print_help(stdout, liq_commands[i]);
            return LIQ_EXIT_OK;
        }
    }
    if (argc > 3) {
        return liq_cli_usage_error("help", "unexpected argument '%s'", argv[3]);
    }
    return liq_cli_usage_error("help", "unknown command '%s'", argv[2]);
}

/* `liqnet version`. */
static int liq_cmd_version(int argc, char **argv)
{
    liq_cli_parser_t p;
    liq_cli_parser_init(&p, &liq_version_command, argc, argv, 2);
    const int k = liq_cli_next(&p);
    if (k == LIQ_CLI_HELP) {
        return LIQ_EXIT_OK;
    }
    if (k == LIQ_CLI_BAD) {
        return LIQ_EXIT_USAGE;
    }
    if (k == LIQ_CLI_OPERAND) {
        return liq_cli_usage_error("version", "unexpected argument '%s'", p.value);
    }
    printf("liqnet %s\n", LIQNET_VERSION);
    return LIQ_EXIT_OK;
}

/* `liqnet __docs man|bash` (hidden): the man page or the bash completion
 * script from the option tables; docs/liqnet.1 and completions/liqnet.bash
 * are its output, checked by the test test_cli_docs. */
static int liq_cmd_docs(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[2], "man") == 0) {
        liq_cli_print_man(stdout, liq_commands, LIQ_N_COMMANDS);
    } else if (argc == 3 && strcmp(argv[2], "bash") == 0) {
        liq_cli_print_bash(stdout, liq_commands, LIQ_N_COMMANDS);
    } else {
        fprintf(stderr, "usage: liqnet __docs man|bash\n");
        return LIQ_EXIT_USAGE;
    }
    return fflush(stdout) == 0 ? LIQ_EXIT_OK : LIQ_EXIT_FAIL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        liq_cli_print_overview(stderr, liq_commands, LIQ_N_COMMANDS);
        return LIQ_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } table[] = {
        {"run", liq_cmd_run},         {"check", liq_cmd_check},
        {"sweep", liq_cmd_sweep},     {"calibrate", liq_cmd_calibrate},
        {"graph", liq_cmd_graph},     {"generate", liq_cmd_generate},
        {"show", liq_cmd_show},       {"help", liq_cmd_help},
        {"version", liq_cmd_version}, {"__docs", liq_cmd_docs},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(cmd, table[i].name) == 0) {
            return table[i].run(argc, argv);
        }
    }
    if (strcmp(cmd, "--version") == 0) {
        return liq_cmd_version(2, argv);
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        return liq_cmd_help(2, argv);
    }
    return liq_cli_usage_error(NULL, "unknown command '%s'", cmd);
}
