/*
 * The liqnet command line.
 *
 *   liqnet run SCENARIO -o OUT.h5 [--threads N] [--seed N] [--rounds N] [--force] [--quiet]
 *              [--centrality auto|exact|skip]
 *   liqnet check SCENARIO        validate a scenario and print it fully resolved
 *   liqnet sweep SWEEP -o OUT.h5 many runs into one results file (cli/sweep_cmd.c)
 *   liqnet graph SCENARIO -o NET.graphml  the scenario's network (cli/graph_cmd.c)
 *   liqnet generate [-o SCENARIO.yaml]    a synthetic ecosystem (cli/generate_cmd.c)
 *   liqnet version
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
#include "cli/generate_cmd.h"
#include "cli/graph_cmd.h"
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

static const char liq_usage[] =
    "usage: liqnet run SCENARIO -o OUT.h5 [--threads N] [--seed N] [--rounds N] [--force] "
    "[--quiet]\n"
    "                  [--centrality auto|exact|skip]\n"
    "       liqnet check SCENARIO\n"
    "       liqnet sweep SWEEP.yaml -o OUT.h5 [--force] [--resume] [--threads N] [--quiet]\n"
    "       liqnet sweep SWEEP.yaml --print-run R\n"
    "       liqnet graph SCENARIO -o NET.graphml [--format graphml|gml] [--centrality "
    "auto|exact|skip]\n"
    "                    [--quiet]\n"
    "       liqnet generate [-o SCENARIO.yaml] [--model MODEL] [--protocols N] [--assets N] ...\n"
    "       liqnet version\n"
    "\n"
    "  run     simulate SCENARIO (YAML, see docs/scenario.md) and write every round to\n"
    "          OUT.h5 (see docs/hdf5-schema.md); prints the run's summary\n"
    "  check   validate SCENARIO and print it fully resolved\n"
    "  sweep   run a base scenario over a grid, Latin hypercube or list of parameter\n"
    "          settings, several seeds each, into one results file (docs/sweeps.md);\n"
    "          `liqnet sweep --help` for its options\n"
    "  graph   write the scenario's network of assets, pools, oracles and protocols as\n"
    "          GraphML or GML (docs/network.md) and print the protocol graph's links,\n"
    "          distances from the shock and centralities\n"
    "  generate  write the scenario of a synthetic ecosystem (igraph's random graph\n"
    "          models, docs/network.md); `liqnet generate --help` for its options\n"
    "\n"
    "options of run:\n"
    "  -o, --output FILE   output file (required)\n"
    "  --threads N         OpenMP threads (default: all cores); results do not depend on it\n"
    "  --seed N            override the scenario's seed\n"
    "  --rounds N          override the scenario's number of rounds\n"
    "  --force             overwrite an existing output file\n"
    "  --quiet             no progress line and no summary\n"
    "  --centrality MODE   betweenness of the contagion record (/contagion): auto (exact\n"
    "                      when V (V + E) <= 5e8 on the protocol graph, else skipped),\n"
    "                      exact (always) or skip (never); default auto\n";

typedef struct {
    const char *scenario;
    const char *output;
    int threads;
    bool has_seed;
    uint64_t seed;
    int64_t rounds;
    bool force;
    bool quiet;
    liq_centrality_mode_t centrality;
} liq_run_args_t;

#define liq_usage_error(...) liq_cli_usage_error(liq_usage, __VA_ARGS__)

static int liq_parse_run_args(int argc, char **argv, liq_run_args_t *a)
{
    memset(a, 0, sizeof(*a));
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        long long v;
        if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
            if (value == NULL) {
                return liq_usage_error("%s needs a file name", arg);
            }
            a->output = value;
            i++;
        } else if (strcmp(arg, "--threads") == 0) {
            if (!liq_cli_parse_int(value, 1, 4096, &v)) {
                return liq_usage_error("--threads takes a whole number from 1 to 4096, not '%s'",
                                       value != NULL ? value : "");
            }
            a->threads = (int)v;
            i++;
        } else if (strcmp(arg, "--seed") == 0) {
            if (!liq_cli_parse_int(value, 0, INT64_MAX, &v)) {
                return liq_usage_error("--seed takes a whole number >= 0, not '%s'",
                                       value != NULL ? value : "");
            }
            a->has_seed = true;
            a->seed = (uint64_t)v;
            i++;
        } else if (strcmp(arg, "--rounds") == 0) {
            if (!liq_cli_parse_int(value, 1, INT32_MAX, &v)) {
                return liq_usage_error("--rounds takes a whole number >= 1, not '%s'",
                                       value != NULL ? value : "");
            }
            a->rounds = (int64_t)v;
            i++;
        } else if (strcmp(arg, "--centrality") == 0) {
            if (value != NULL && strcmp(value, "auto") == 0) {
                a->centrality = LIQ_CENTRALITY_AUTO;
            } else if (value != NULL && strcmp(value, "exact") == 0) {
                a->centrality = LIQ_CENTRALITY_EXACT;
            } else if (value != NULL && strcmp(value, "skip") == 0) {
                a->centrality = LIQ_CENTRALITY_SKIP;
            } else {
                return liq_usage_error("--centrality takes auto, exact or skip, not '%s'",
                                       value != NULL ? value : "");
            }
            i++;
        } else if (strcmp(arg, "--force") == 0) {
            a->force = true;
        } else if (strcmp(arg, "--quiet") == 0) {
            a->quiet = true;
        } else if (arg[0] == '-') {
            return liq_usage_error("unknown option '%s'", arg);
        } else if (a->scenario == NULL) {
            a->scenario = arg;
        } else {
            return liq_usage_error("unexpected argument '%s'", arg);
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

/* Money in a short human form: 1234567 -> "1.23M". */
static void liq_format_usd(char *buf, size_t size, double value)
{
    const double a = fabs(value);
    if (a >= 1e9) {
        snprintf(buf, size, "%.3gB", value / 1e9);
    } else if (a >= 1e6) {
        snprintf(buf, size, "%.3gM", value / 1e6);
    } else if (a >= 1e3) {
        snprintf(buf, size, "%.3gk", value / 1e3);
    } else {
        snprintf(buf, size, "%.3g", value);
    }
}

/* The cross-margin line of the summary: accounts and, per protocol, the
 * liquidations among the table's that were of cross accounts. */
static void liq_print_cross(const liq_scenario_t *sc, size_t n_cross, const int64_t *cross)
{
    printf("cross margin: %zu accounts; liquidations of cross accounts (included above):", n_cross);
    for (size_t p = 0; p < sc->n_protocols; p++) {
        printf("%s %s %lld", p > 0 ? "," : "", sc->protocols[p].name, (long long)cross[p]);
    }
    printf("\n");
}

/* The Dutch-auction totals of the protocols that auction (none: nothing). */
static void liq_print_auctions(const liq_scenario_t *sc, const liq_summary_t *s)
{
    bool header = false;
    for (size_t p = 0; p < s->n_protocols; p++) {
        if (sc->protocols[p].liquidation.mode != LIQ_LIQUIDATION_DUTCH_AUCTION) {
            continue;
        }
        if (!header) {
            printf("\n%-20s %10s %14s %14s %12s %12s %14s\n", "auctions", "started", "sold USD",
                   "raised", "rewards USD", "bad debt", "tab left");
            header = true;
        }
        char sold[32], raised[32], rewards[32], bad[32], tab[32];
        liq_format_usd(sold, sizeof(sold), s->auction_sold_value[p]);
        liq_format_usd(raised, sizeof(raised), s->auction_raised[p]);
        liq_format_usd(rewards, sizeof(rewards), s->keeper_rewards[p]);
        liq_format_usd(bad, sizeof(bad), s->auction_bad_debt[p]);
        liq_format_usd(tab, sizeof(tab), s->auction_tab[p]);
        printf("%-20s %10lld %14s %14s %12s %12s %14s\n", sc->protocols[p].name,
               (long long)s->auctions[p], sold, raised, rewards, bad, tab);
    }
    if (header) {
        printf("(raised and tab left in units of the debt asset; tab left: auctions still "
               "running at the end, not bad debt)\n");
    }
}

static void liq_print_summary(const liq_scenario_t *sc, const liq_summary_t *s, size_t accounts,
                              int threads, double seconds, const char *output, const char *status)
{
    printf("liqnet %s: scenario '%s', seed %" PRIu64 ", %lld rounds, %zu accounts, %d threads, "
           "%.2f s\n",
           LIQNET_VERSION, sc->name, sc->seed, (long long)s->rounds, accounts, threads, seconds);
    if (s->first_liquidation >= 0) {
        char peak[32];
        liq_format_usd(peak, sizeof(peak), s->peak_value);
        printf("cascade: %lld rounds, liquidations from round %lld to round %lld (last "
               "exogenous move: round %lld); peak at round %lld with USD %s seized\n",
               (long long)s->cascade_length, (long long)s->first_liquidation,
               (long long)s->last_liquidation, (long long)s->last_exogenous_move,
               (long long)s->peak_round, peak);
    } else {
        printf("cascade: none (no liquidation after the last exogenous move at round %lld)\n",
               (long long)s->last_exogenous_move);
    }
    printf("\n%-20s %-10s %12s %12s %14s\n", "oracle", "asset", "oracle fall", "market fall",
           "amplification");
    for (size_t o = 0; o < s->n_oracles; o++) {
        const liq_oracle_config_t *oc = &sc->oracles[o];
        const int32_t asset = liq_oracle_priced_asset(sc, oc);
        char amp[32];
        if (isnan(s->amplification[o])) {
            snprintf(amp, sizeof(amp), "n/a");
        } else {
            snprintf(amp, sizeof(amp), "%.3f", s->amplification[o]);
        }
        printf("%-20s %-10s %11.2f%% %11.2f%% %14s\n", oc->name, sc->assets[asset].name,
               100.0 * s->oracle_drawdown[o], 100.0 * s->exogenous_drawdown[o], amp);
    }
    printf("\n%-20s %12s %14s %12s %12s %12s %10s %8s\n", "protocol", "liquidations",
           "liquidated USD", "bad debt", "deficit", "fund drawn", "stalled", "failed");
    for (size_t p = 0; p < s->n_protocols; p++) {
        char liq[32], bad[32], def[32], drawn[32], failed[32];
        liq_format_usd(liq, sizeof(liq), s->liquidated_value[p]);
        liq_format_usd(bad, sizeof(bad), s->bad_debt[p]);
        liq_format_usd(def, sizeof(def), s->deficit[p]);
        liq_format_usd(drawn, sizeof(drawn), s->insurance_drawdown[p]);
        if (s->first_failure[p] >= 0) {
            snprintf(failed, sizeof(failed), "r%lld", (long long)s->first_failure[p]);
        } else {
            snprintf(failed, sizeof(failed), "-");
        }
        printf("%-20s %12lld %14s %12s %12s %12s %10lld %8s\n", sc->protocols[p].name,
               (long long)s->liquidations[p], liq, bad, def, drawn, (long long)s->stalled[p],
               failed);
    }
    char liq[32], bad[32], def[32];
    liq_format_usd(liq, sizeof(liq), s->total_liquidated_value);
    liq_format_usd(bad, sizeof(bad), s->total_bad_debt);
    liq_format_usd(def, sizeof(def), s->total_deficit);
    printf("%-20s %12lld %14s %12s %12s\n", "total", (long long)s->total_liquidations, liq, bad,
           def);
    printf("(stalled: liquidatable accounts left untouched, summed over rounds; failed: round of "
           "the first bad debt or deficit)\n");
    liq_print_auctions(sc, s);
    printf("\n%zu of %zu protocols failed (bad debt or a deficit). Output: %s (%s)\n",
           (size_t)s->failed_protocols, s->n_protocols, output, status);
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
    int rc = liq_scenario_load(sc, args->scenario);
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
        liq_run_group_close(st.group);
        return exit_code;
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
    if (!args.quiet) {
        liq_print_summary(sc, liq_metrics_summary(st.metrics), (size_t)(n_accounts + n_cross),
                          liq_sim_threads(sim), liq_wall_seconds() - t0, args.output, status);
        if (n_cross > 0) {
            liq_print_cross(sc, (size_t)n_cross, st.cross_liquidations);
        }
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
    liq_run_group_close(st.group);
    return exit_code;
}

static int liq_cmd_check(int argc, char **argv)
{
    if (argc != 3) {
        return liq_usage_error("%s", "check takes exactly one scenario file");
    }
    liq_scenario_t *sc = NULL;
    char *resolved = NULL;
    int rc = liq_scenario_load(&sc, argv[2]);
    if (rc == LIQ_OK) {
        rc = liq_scenario_dump(&resolved, sc);
    }
    if (rc == LIQ_OK) {
        fputs(resolved, stdout);
    }
    free(resolved);
    liq_scenario_destroy(sc);
    return rc == LIQ_OK ? LIQ_EXIT_OK : liq_cli_fail(rc);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(liq_usage, stderr);
        return LIQ_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0) {
        return liq_cmd_run(argc, argv);
    }
    if (strcmp(cmd, "check") == 0) {
        return liq_cmd_check(argc, argv);
    }
    if (strcmp(cmd, "sweep") == 0) {
        if (argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
            fputs(liq_sweep_usage, stdout);
            return LIQ_EXIT_OK;
        }
        return liq_cmd_sweep(argc, argv);
    }
    if (strcmp(cmd, "graph") == 0) {
        if (argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
            fputs(liq_graph_usage, stdout);
            return LIQ_EXIT_OK;
        }
        return liq_cmd_graph(argc, argv);
    }
    if (strcmp(cmd, "generate") == 0) {
        if (argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
            fputs(liq_generate_usage, stdout);
            return LIQ_EXIT_OK;
        }
        return liq_cmd_generate(argc, argv);
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("liqnet %s\n", LIQNET_VERSION);
        return LIQ_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(liq_usage, stdout);
        return LIQ_EXIT_OK;
    }
    return liq_usage_error("unknown command '%s'", cmd);
}
