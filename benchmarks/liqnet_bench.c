/*
 * liqnet_bench: the performance benchmarks of liqnet (benchmarks/README.md).
 *
 *   liqnet_bench bandwidth [--accounts N] [--threads T] [--reps R] [--triad-elements E]
 *   liqnet_bench round     --scenario calm|cascade --accounts N [--rounds R] [--threads T]
 *                          [--full-scan 0|1] [--h5 FILE]
 *   liqnet_bench h5        --scenario calm|cascade --accounts N [--rounds R] [--threads T]
 *                          --h5 FILE
 *   liqnet_bench scaling   --scenario calm|cascade --accounts N [--rounds R] [--reps R]
 *   liqnet_bench smoke     (a few seconds: every benchmark, tiny, with sanity checks)
 *   liqnet_bench scenario  --scenario calm|cascade --accounts N [--rounds R]  (print the YAML)
 *   liqnet_bench ecosystem --file SCENARIO.yaml [--rounds R] [--threads T] [--h5 FILE]
 *                          (a scenario file, such as one from `liqnet generate`: load,
 *                          protocol graph, then the run as `liqnet run` does it)
 *
 * Every figure is printed as a machine-readable line
 *   result,<benchmark>,<scenario>,<accounts>,<threads>,<full_scan>,<metric>,<value>,<unit>
 * and commented lines starting with '#'. benchmarks/run.sh collects them.
 *
 * Ratios are measured in one process, one right after the other: the health
 * kernel against the triad, one thread against all, a run with the HDF5
 * writer against the same run without. Memory is measured per process
 * (`round` in a fresh process per size): the peak resident size (VmHWM)
 * minus the resident size just before the simulation is created, over the
 * number of accounts.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "bench_scenarios.h"
#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/metrics.h"
#include "liqnet/network.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* Bytes the health kernel reads per account: collateral and debt, float64. */
#define LIQ_BENCH_KERNEL_BYTES 16.0
/* Triad bytes per element, STREAM's convention: read b and c, write a. A
 * cache that allocates on write also reads a, 32 bytes in all; both are
 * printed, the ratios use 24 (the convention, and the harder target). */
#define LIQ_BENCH_TRIAD_BYTES 24.0
#define LIQ_BENCH_TRIAD_BYTES_WA 32.0
/* Accounts per chunk of the stand-alone kernel, as LIQ_CHUNK_ACCOUNTS in
 * src/engine/sim_internal.h. */
#define LIQ_BENCH_CHUNK 4096

static double liq_bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A field of /proc/self/status in kB (VmRSS, VmHWM); -1 if unreadable. */
static long liq_bench_status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) {
        return -1;
    }
    char line[256];
    long value = -1;
    const size_t len = strlen(field);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, field, len) == 0 && line[len] == ':') {
            value = strtol(line + len + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return value;
}

static int liq_bench_compare_double(const void *pa, const void *pb)
{
    const double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Median of n values (sorts them in place). */
static double liq_bench_median(double *values, size_t n)
{
    if (n == 0) {
        return NAN;
    }
    qsort(values, n, sizeof(*values), liq_bench_compare_double);
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

typedef struct {
    const char *bench;
    const char *scenario;
    int64_t accounts;
    int threads;
    int full_scan;
} liq_bench_tag_t;

static void liq_bench_result(const liq_bench_tag_t *tag, const char *metric, double value,
                             const char *unit)
{
    printf("result,%s,%s,%lld,%d,%d,%s,%.6g,%s\n", tag->bench, tag->scenario,
           (long long)tag->accounts, tag->threads, tag->full_scan, metric, value, unit);
    fflush(stdout);
}

/* ------------------------------------------------------------ arguments */

typedef struct {
    const char *command;
    int kind;         /* liq_bench_kind_t, -1 unset */
    int64_t accounts; /* 0 unset */
    int64_t rounds;   /* 0 unset */
    int threads;      /* 0: all */
    int full_scan;    /* 0 index (engine default), 1 full scan */
    int reps;         /* repetitions of stand-alone loops, best is kept */
    int64_t triad;    /* triad elements per array */
    const char *h5;   /* HDF5 output path */
    const char *file; /* scenario file (ecosystem) */
    int trace;        /* print every round's time */
} liq_bench_args_t;

static int liq_bench_usage(void)
{
    fprintf(stderr,
            "usage: liqnet_bench bandwidth [--accounts N] [--threads T] [--reps R] "
            "[--triad-elements E]\n"
            "       liqnet_bench round --scenario calm|cascade --accounts N [--rounds R] "
            "[--threads T] [--full-scan 0|1] [--h5 FILE] [--trace 1]\n"
            "       liqnet_bench h5 --scenario calm|cascade --accounts N [--rounds R] "
            "[--threads T] --h5 FILE\n"
            "       liqnet_bench scaling --scenario calm|cascade --accounts N [--rounds R] "
            "[--reps R]\n"
            "       liqnet_bench scenario --scenario calm|cascade --accounts N [--rounds R]\n"
            "       liqnet_bench ecosystem --file SCENARIO.yaml [--rounds R] [--threads T] "
            "[--h5 FILE]\n"
            "       liqnet_bench smoke\n"
            "N, R and E accept 1e7-style values.\n");
    return 2;
}

static int liq_bench_count(const char *text, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    const double v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(v >= 0.0 && v <= 9.0e18) || v != floor(v)) {
        fprintf(stderr, "liqnet_bench: '%s' is not a whole number >= 0\n", text);
        return -1;
    }
    *out = (int64_t)v;
    return 0;
}

static int liq_bench_parse(liq_bench_args_t *a, int argc, char **argv)
{
    memset(a, 0, sizeof(*a));
    a->kind = -1;
    a->reps = 5;
    a->triad = 1 << 25; /* 3 x 256 MiB: far beyond the 32 MiB L3 */
    if (argc < 2) {
        return liq_bench_usage();
    }
    a->command = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *key = argv[i];
        if (i + 1 >= argc) {
            fprintf(stderr, "liqnet_bench: %s needs a value\n", key);
            return liq_bench_usage();
        }
        const char *value = argv[++i];
        int64_t n = 0;
        if (strcmp(key, "--scenario") == 0) {
            a->kind = liq_bench_kind_parse(value);
            if (a->kind < 0) {
                fprintf(stderr, "liqnet_bench: scenario '%s': expected calm or cascade\n", value);
                return 2;
            }
        } else if (strcmp(key, "--h5") == 0) {
            a->h5 = value;
        } else if (strcmp(key, "--file") == 0) {
            a->file = value;
        } else if (liq_bench_count(value, &n) != 0) {
            return 2;
        } else if (strcmp(key, "--accounts") == 0) {
            a->accounts = n;
        } else if (strcmp(key, "--rounds") == 0) {
            a->rounds = n;
        } else if (strcmp(key, "--threads") == 0) {
            a->threads = (int)n;
        } else if (strcmp(key, "--full-scan") == 0) {
            a->full_scan = n != 0;
        } else if (strcmp(key, "--reps") == 0) {
            a->reps = n > 0 ? (int)n : 1;
        } else if (strcmp(key, "--trace") == 0) {
            a->trace = n != 0;
        } else if (strcmp(key, "--triad-elements") == 0) {
            a->triad = n;
        } else {
            fprintf(stderr, "liqnet_bench: unknown option %s\n", key);
            return liq_bench_usage();
        }
    }
    if (a->threads <= 0) {
        a->threads = omp_get_num_procs();
    }
    return 0;
}

/* ------------------------------------------------ stand-alone loops */

typedef struct {
    double best_seconds;
    double checksum; /* keeps the loops from being optimised away */
} liq_bench_loop_t;

/* STREAM triad a = b + s c on three arrays of n float64, first touched by
 * the threads that use them. */
typedef struct {
    int64_t n;
    double *a, *b, *c;
} liq_bench_triad_t;

static void liq_bench_triad_destroy(liq_bench_triad_t *t)
{
    free(t->a);
    free(t->b);
    free(t->c);
    t->a = t->b = t->c = NULL;
}

static int liq_bench_triad_init(liq_bench_triad_t *t, int64_t n, int threads)
{
    t->n = n;
    t->a = malloc((size_t)n * sizeof(*t->a));
    t->b = malloc((size_t)n * sizeof(*t->b));
    t->c = malloc((size_t)n * sizeof(*t->c));
    if (t->a == NULL || t->b == NULL || t->c == NULL) {
        liq_bench_triad_destroy(t);
        fprintf(stderr, "liqnet_bench: out of memory for the triad (%lld elements)\n",
                (long long)n);
        return -1;
    }
    double *a = t->a, *b = t->b, *c = t->c;
#pragma omp parallel for default(none) shared(a, b, c) firstprivate(n) schedule(static)            \
    num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
    }
    return 0;
}

/* One triad pass; returns its seconds. */
static double liq_bench_triad_pass(liq_bench_triad_t *t, int threads)
{
    double *restrict a = t->a;
    const double *restrict b = t->b;
    const double *restrict c = t->c;
    const int64_t n = t->n;
    const double s = 3.0;
    const double t0 = liq_bench_now();
#pragma omp parallel for default(none) shared(a, b, c) firstprivate(n, s) schedule(static)         \
    num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
        a[i] = b[i] + s * c[i];
    }
    return liq_bench_now() - t0;
}

/* Best of reps triad passes after a warm-up pass. */
static int liq_bench_triad(liq_bench_loop_t *out, int64_t n, int threads, int reps)
{
    liq_bench_triad_t t;
    if (liq_bench_triad_init(&t, n, threads) != 0) {
        return -1;
    }
    double best = INFINITY;
    for (int r = 0; r < reps + 1; r++) {
        const double seconds = liq_bench_triad_pass(&t, threads);
        if (r > 0 && seconds < best) {
            best = seconds;
        }
    }
    out->best_seconds = best;
    out->checksum = t.a[n / 2];
    liq_bench_triad_destroy(&t);
    return 0;
}

/*
 * A copy of the engine's full-scan health kernel (liq_scan_count and
 * liq_is_liquidatable in src/engine/margin.h, as of commit 01d8d4d): over the
 * engine's own account arrays, in chunks of 4096 accounts within a market,
 * dynamic schedule, two float64 loads per account, counting HF < 1 as
 * d > 0 and c pc LT < d pd. `divide` selects the earlier form of the test,
 * c pc LT / (d pd) < 1 (one division per account, as liq_health computes
 * HF), to show what the division costs. Same compiler flags as the library.
 */
static size_t liq_bench_kernel_pass(const liq_accounts_view_t *acc, const double *pc,
                                    const double *pd, const double *lt, int threads, int divide)
{
    const double *restrict coll = acc->collateral;
    const double *restrict debt = acc->debt;
    size_t total = 0;
    for (size_t m = 0; m < acc->n_markets; m++) {
        const size_t begin = acc->market_begin[m], end = acc->market_begin[m + 1];
        const size_t n_chunks = (end - begin + LIQ_BENCH_CHUNK - 1) / LIQ_BENCH_CHUNK;
        const double price_c = pc[m], price_d = pd[m], thr = lt[m];
        size_t found_market = 0;
#pragma omp parallel for default(none) shared(coll, debt)                                          \
    firstprivate(begin, end, n_chunks, price_c, price_d, thr, divide) schedule(dynamic, 4)        \
    num_threads(threads) reduction(+ : found_market)
        for (size_t k = 0; k < n_chunks; k++) {
            const size_t first = begin + k * LIQ_BENCH_CHUNK;
            const size_t last = first + LIQ_BENCH_CHUNK < end ? first + LIQ_BENCH_CHUNK : end;
            size_t found = 0;
            if (divide) {
                for (size_t i = first; i < last; i++) {
                    found += (size_t)((debt[i] > 0.0) &
                                      (coll[i] * price_c * thr / (debt[i] * price_d) < 1.0));
                }
            } else {
                for (size_t i = first; i < last; i++) {
                    found +=
                        (size_t)((debt[i] > 0.0) & (coll[i] * price_c * thr < debt[i] * price_d));
                }
            }
            found_market += found;
        }
        total += found_market;
    }
    return total;
}

/* Oracle prices and thresholds per market, from the simulation's view. */
typedef struct {
    size_t n;
    double pc[64], pd[64], lt[64];
} liq_bench_market_terms_t;

static void liq_bench_terms(liq_bench_market_terms_t *terms, const liq_sim_t *sim)
{
    const liq_scenario_t *sc = liq_sim_scenario(sim);
    liq_state_view_t view;
    liq_sim_view(sim, &view);
    size_t m = 0;
    for (size_t p = 0; p < sc->n_protocols && m < 64; p++) {
        for (size_t j = 0; j < sc->protocols[p].n_markets && m < 64; j++, m++) {
            const liq_market_config_t *cfg = &sc->protocols[p].markets[j];
            terms->pc[m] = view.oracle_price[cfg->oracle];
            terms->pd[m] = view.oracle_price[sc->protocols[p].debt_oracle];
            terms->lt[m] = cfg->liquidation_threshold;
        }
    }
    terms->n = m;
}

static void liq_bench_kernel(liq_bench_loop_t *out, const liq_sim_t *sim, int threads, int reps)
{
    liq_accounts_view_t acc;
    liq_sim_accounts(sim, &acc);
    liq_bench_market_terms_t terms;
    liq_bench_terms(&terms, sim);
    double best = INFINITY;
    size_t found = 0;
    for (int r = 0; r < reps + 1; r++) {
        const double t0 = liq_bench_now();
        found = liq_bench_kernel_pass(&acc, terms.pc, terms.pd, terms.lt, threads, 0);
        const double t = liq_bench_now() - t0;
        if (r > 0 && t < best) {
            best = t;
        }
    }
    out->best_seconds = best;
    out->checksum = (double)found;
}

/* ------------------------------------------------------ simulated rounds */

typedef struct {
    double create_seconds;
    double run_seconds;      /* all rounds, stepping plus recording */
    double writer_seconds;   /* inside the HDF5 writer calls (create to finish) */
    double *round_seconds;   /* [rounds] the phases that step a round, recording apart */
    liq_sim_timing_t timing; /* the engine's wall seconds per phase */
    int64_t rounds;          /* completed */
    int64_t liquidations;    /* over the run */
    int64_t liquidatable;    /* liquidations + stalled, over the run */
    int64_t active_rounds;   /* rounds with a liquidatable account */
    long rss_before_kb, hwm_kb;
} liq_bench_run_t;

static void liq_bench_run_destroy(liq_bench_run_t *run)
{
    free(run->round_seconds);
    run->round_seconds = NULL;
}

static liq_sim_t *liq_bench_create(const liq_scenario_t *sc, int threads, int full_scan,
                                   int time_phases)
{
    liq_sim_t *sim = NULL;
    const liq_sim_options_t opt = {
        .threads = threads, .run = 0, .full_scan = full_scan, .time_phases = time_phases};
    if (liq_sim_create(&sim, sc, NULL, &opt) != LIQ_OK) {
        fprintf(stderr, "liqnet_bench: liq_sim_create: %s\n", liq_errmsg());
        return NULL;
    }
    return sim;
}

/* Tallies one completed round of `view` into `run`. */
static void liq_bench_tally(liq_bench_run_t *run, const liq_state_view_t *view)
{
    int64_t liq = 0, stalled = 0;
    for (size_t p = 0; p < view->n_protocols; p++) {
        liq += view->liquidations[p];
        stalled += view->stalled[p];
    }
    run->liquidations += liq;
    run->liquidatable += liq + stalled;
    run->active_rounds += (liq + stalled) > 0;
}

/* The benchmark's recorder (liq_recorder_t): the time of each round, from
 * the end of the previous record phase to the start of this one (the six
 * phases that step the round, as liq_sim_step alone), the tallies, and
 * with a writer the metrics and the trajectory, the writer timed apart. */
typedef struct {
    liq_bench_run_t *run;
    liq_metrics_t *metrics;
    liq_h5_writer_t *writer;
    double mark; /* end of the last record phase */
} liq_bench_recorder_t;

static int liq_bench_record(void *context, const liq_state_view_t *view)
{
    liq_bench_recorder_t *b = context;
    liq_bench_run_t *run = b->run;
    if (view->round > 0) {
        run->round_seconds[view->round - 1] = liq_bench_now() - b->mark;
        run->rounds = view->round;
        liq_bench_tally(run, view);
        if (b->writer != NULL) {
            int rc = liq_metrics_add(b->metrics, view);
            if (rc != LIQ_OK) {
                return rc;
            }
            const double t0 = liq_bench_now();
            rc = liq_h5_writer_append(b->writer, view);
            run->writer_seconds += liq_bench_now() - t0;
            if (rc != LIQ_OK) {
                return rc;
            }
        }
    }
    b->mark = liq_bench_now();
    return LIQ_OK;
}

/*
 * Creates the simulation of `sc` and runs it sc->rounds rounds through
 * liq_sim_run, timing every round; with h5_path it also writes the
 * trajectory as the liqnet program does (metrics, writer create, append,
 * finish), timing the writer calls apart; with time_phases the engine also
 * sums its time per phase (run->timing).
 */
static int liq_bench_run(liq_bench_run_t *run, const liq_scenario_t *sc, int threads, int full_scan,
                         const char *h5_path, int time_phases)
{
    memset(run, 0, sizeof(*run));
    run->round_seconds = calloc((size_t)sc->rounds, sizeof(*run->round_seconds));
    if (run->round_seconds == NULL) {
        return -1;
    }
    run->rss_before_kb = liq_bench_status_kb("VmRSS");
    int rc = -1;
    liq_bench_recorder_t rec = {.run = run};
    char *resolved = NULL;
    double t0 = liq_bench_now();
    liq_sim_t *sim = liq_bench_create(sc, threads, full_scan, time_phases);
    if (sim == NULL) {
        goto cleanup;
    }
    run->create_seconds = liq_bench_now() - t0;
    const double start = liq_bench_now();
    if (h5_path != NULL) {
        if (liq_metrics_create(&rec.metrics, sim) != LIQ_OK ||
            liq_scenario_dump(&resolved, sc) != LIQ_OK) {
            fprintf(stderr, "liqnet_bench: %s\n", liq_errmsg());
            goto cleanup;
        }
        liq_state_view_t view;
        liq_sim_view(sim, &view);
        const liq_h5_options_t h5 = {.force = true,
                                     .flush_every = sc->flush_every,
                                     .scenario_yaml = resolved,
                                     .seed = sc->seed};
        t0 = liq_bench_now();
        if (liq_h5_writer_create(&rec.writer, h5_path, sc, &view, &h5) != LIQ_OK) {
            fprintf(stderr, "liqnet_bench: %s\n", liq_errmsg());
            goto cleanup;
        }
        run->writer_seconds += liq_bench_now() - t0;
    }
    const liq_recorder_t recorder = {liq_bench_record, &rec};
    const liq_run_hooks_t hooks = {.recorders = &recorder, .n_recorders = 1};
    liq_sim_run_end_t end;
    if (liq_sim_run(&end, sim, sc->rounds, &hooks) != LIQ_OK) {
        fprintf(stderr, "liqnet_bench: round %lld: %s\n", (long long)liq_sim_round(sim),
                liq_errmsg());
        goto cleanup;
    }
    if (rec.writer != NULL) {
        t0 = liq_bench_now();
        const int frc =
            liq_h5_writer_finish(rec.writer, liq_metrics_summary(rec.metrics), "complete");
        rec.writer = NULL;
        run->writer_seconds += liq_bench_now() - t0;
        if (frc != LIQ_OK) {
            fprintf(stderr, "liqnet_bench: %s\n", liq_errmsg());
            goto cleanup;
        }
    }
    run->run_seconds = liq_bench_now() - start;
    run->hwm_kb = liq_bench_status_kb("VmHWM");
    liq_sim_timing(sim, &run->timing);
    rc = 0;

cleanup:
    liq_h5_writer_destroy(rec.writer);
    liq_metrics_destroy(rec.metrics);
    free(resolved);
    liq_sim_destroy(sim);
    return rc;
}

static liq_scenario_t *liq_bench_make(const liq_bench_args_t *a, int64_t default_rounds)
{
    liq_scenario_t *sc = NULL;
    const int64_t rounds = a->rounds > 0 ? a->rounds : default_rounds;
    if (liq_bench_scenario(&sc, (liq_bench_kind_t)a->kind, a->accounts, rounds) != LIQ_OK) {
        fprintf(stderr, "liqnet_bench: benchmark scenario: %s\n", liq_errmsg());
        return NULL;
    }
    return sc;
}

/* Reports a run: seconds per round (median, mean, min, max over the timed
 * rounds), liquidatable accounts per round and memory per account. */
static void liq_bench_report_run(const liq_bench_tag_t *tag, liq_bench_run_t *run)
{
    const size_t n = (size_t)run->rounds;
    double sum = 0.0, lo = INFINITY, hi = 0.0;
    for (size_t r = 0; r < n; r++) {
        sum += run->round_seconds[r];
        lo = run->round_seconds[r] < lo ? run->round_seconds[r] : lo;
        hi = run->round_seconds[r] > hi ? run->round_seconds[r] : hi;
    }
    const double mean = n > 0 ? sum / (double)n : (double)NAN;
    const double median = liq_bench_median(run->round_seconds, n);
    const double accounts = (double)(tag->accounts > 0 ? tag->accounts : 1);
    printf("# %s %lld accounts, %d threads, full_scan %d: %lld rounds, create %.3f s, round "
           "median %.6f s (mean %.6f, min %.6f, max %.6f), %.4g%% of accounts liquidatable per "
           "round, %lld liquidations, peak RSS %.1f MiB (%.1f MiB before create)\n",
           tag->scenario, (long long)tag->accounts, tag->threads, tag->full_scan,
           (long long)run->rounds, run->create_seconds, median, mean, lo, hi,
           100.0 * (double)run->liquidatable / ((double)(n > 0 ? n : 1) * accounts),
           (long long)run->liquidations, (double)run->hwm_kb / 1024.0,
           (double)run->rss_before_kb / 1024.0);
    liq_bench_result(tag, "rounds", (double)run->rounds, "rounds");
    liq_bench_result(tag, "create", run->create_seconds, "s");
    liq_bench_result(tag, "round_median", median, "s");
    liq_bench_result(tag, "round_mean", mean, "s");
    liq_bench_result(tag, "round_min", lo, "s");
    liq_bench_result(tag, "round_max", hi, "s");
    liq_bench_result(tag, "run_total", run->run_seconds, "s");
    liq_bench_result(tag, "accounts_per_s", accounts / median, "accounts/s");
    liq_bench_result(tag, "liquidatable_per_round",
                     (double)run->liquidatable / (double)(n > 0 ? n : 1), "accounts");
    liq_bench_result(tag, "active_rounds", (double)run->active_rounds, "rounds");
    liq_bench_result(tag, "liquidations", (double)run->liquidations, "accounts");
    liq_bench_result(tag, "peak_rss", (double)run->hwm_kb * 1024.0, "B");
    liq_bench_result(tag, "bytes_per_account",
                     (double)(run->hwm_kb - run->rss_before_kb) * 1024.0 / accounts, "B");
    /* Where the rounds' time went, phase by phase, as the engine sums it
     * (with --trace 1: the engine's clock reads cost a calm round 5%). */
    double timed = 0.0;
    for (int k = 0; k < LIQ_PHASE_COUNT; k++) {
        timed += run->timing.phase[k];
    }
    if (!(timed > 0.0)) {
        return;
    }
    printf("# phases over %lld rounds:", (long long)run->timing.rounds);
    for (int k = 0; k < LIQ_PHASE_COUNT; k++) {
        printf(" %s %.4f s%s", liq_phase_name((liq_phase_t)k), run->timing.phase[k],
               k + 1 < LIQ_PHASE_COUNT ? "," : "\n");
    }
    for (int k = 0; k < LIQ_PHASE_COUNT; k++) {
        char metric[64];
        snprintf(metric, sizeof(metric), "phase_%s", liq_phase_name((liq_phase_t)k));
        liq_bench_result(tag, metric, run->timing.phase[k], "s");
    }
}

/* ------------------------------------------------------------ commands */

/*
 * The health kernel against the triad. The triad, the stand-alone kernel and
 * a calm full-scan round run in turn, reps times, and the best of each is
 * kept: on a shared virtual machine the bandwidth varies by a factor of two
 * from minute to minute, and interleaving keeps the ratio fair.
 */
static int liq_bench_cmd_bandwidth(liq_bench_args_t *a)
{
    if (a->accounts <= 0) {
        a->accounts = 10000000;
    }
    a->kind = LIQ_BENCH_CALM; /* no liquidations: a round is the scan */
    liq_bench_tag_t tag = {"bandwidth", "calm", a->accounts, a->threads, 1};
    liq_scenario_t *sc = liq_bench_make(a, 1000);
    if (sc == NULL) {
        return 1;
    }
    liq_sim_t *sim = liq_bench_create(sc, a->threads, 1, 0);
    liq_bench_triad_t triad = {0, NULL, NULL, NULL};
    if (sim == NULL || liq_bench_triad_init(&triad, a->triad, a->threads) != 0) {
        liq_sim_destroy(sim);
        liq_scenario_destroy(sc);
        return 1;
    }
    liq_accounts_view_t acc;
    liq_sim_accounts(sim, &acc);
    liq_bench_market_terms_t terms;
    liq_bench_terms(&terms, sim);
    double best_triad = INFINITY, best_kernel = INFINITY, best_round = INFINITY;
    double best_divide = INFINITY;
    size_t found = 0;
    int rc = 0;
    for (int r = 0; r < a->reps + 1 && rc == 0; r++) {
        const double t_triad = liq_bench_triad_pass(&triad, a->threads);
        double t0 = liq_bench_now();
        found = liq_bench_kernel_pass(&acc, terms.pc, terms.pd, terms.lt, a->threads, 0);
        const double t_kernel = liq_bench_now() - t0;
        t0 = liq_bench_now();
        found += liq_bench_kernel_pass(&acc, terms.pc, terms.pd, terms.lt, a->threads, 1);
        const double t_divide = liq_bench_now() - t0;
        t0 = liq_bench_now();
        if (liq_sim_step(sim) != LIQ_OK) {
            fprintf(stderr, "liqnet_bench: %s\n", liq_errmsg());
            rc = 1;
        }
        const double t_round = liq_bench_now() - t0;
        if (r > 0) { /* the first pass of each is a warm-up */
            best_triad = t_triad < best_triad ? t_triad : best_triad;
            best_kernel = t_kernel < best_kernel ? t_kernel : best_kernel;
            best_round = t_round < best_round ? t_round : best_round;
            best_divide = t_divide < best_divide ? t_divide : best_divide;
        }
    }
    if (rc == 0) {
        const double n = (double)a->accounts;
        const double triad_bw = LIQ_BENCH_TRIAD_BYTES * (double)a->triad / best_triad;
        const double kernel_bw = LIQ_BENCH_KERNEL_BYTES * n / best_kernel;
        const double round_bw = LIQ_BENCH_KERNEL_BYTES * n / best_round;
        printf("# triad: %lld elements per array (%.0f MiB in all), best of %d: %.3f GB/s "
               "counting 24 B/element (%.3f GB/s counting 32 with write-allocate)\n",
               (long long)a->triad, 3.0 * 8.0 * (double)a->triad / 1048576.0, a->reps,
               triad_bw * 1e-9, triad_bw * 1e-9 * LIQ_BENCH_TRIAD_BYTES_WA / LIQ_BENCH_TRIAD_BYTES);
        printf("# stand-alone copy of the full-scan kernel on the engine's arrays, %lld "
               "accounts: %.3f G accounts/s = %.3f GB/s at 16 B/account = %.3f of the triad "
               "(%zu liquidatable)\n",
               (long long)a->accounts, n / best_kernel * 1e-9, kernel_bw * 1e-9,
               kernel_bw / triad_bw, found);
        const double divide_bw = LIQ_BENCH_KERNEL_BYTES * n / best_divide;
        printf("# the same with a division per account (HF = c pc LT / (d pd) < 1): %.3f G "
               "accounts/s = %.3f GB/s = %.3f of the triad\n",
               n / best_divide * 1e-9, divide_bw * 1e-9, divide_bw / triad_bw);
        liq_bench_result(&tag, "kernel_divide_over_triad", divide_bw / triad_bw, "ratio");
        printf("# liq_sim_step, calm, full_scan 1: %.6f s = %.3f G accounts/s = %.3f GB/s = "
               "%.3f of the triad\n",
               best_round, n / best_round * 1e-9, round_bw * 1e-9, round_bw / triad_bw);
        liq_bench_result(&tag, "triad_bandwidth", triad_bw, "B/s");
        liq_bench_result(&tag, "triad_bandwidth_wa",
                         triad_bw * LIQ_BENCH_TRIAD_BYTES_WA / LIQ_BENCH_TRIAD_BYTES, "B/s");
        liq_bench_result(&tag, "kernel_accounts_per_s", n / best_kernel, "accounts/s");
        liq_bench_result(&tag, "kernel_bandwidth", kernel_bw, "B/s");
        liq_bench_result(&tag, "kernel_over_triad", kernel_bw / triad_bw, "ratio");
        liq_bench_result(&tag, "round_best", best_round, "s");
        liq_bench_result(&tag, "round_accounts_per_s", n / best_round, "accounts/s");
        liq_bench_result(&tag, "round_over_triad", round_bw / triad_bw, "ratio");
    }
    liq_bench_triad_destroy(&triad);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
    return rc;
}

static int liq_bench_cmd_round(liq_bench_args_t *a)
{
    if (a->kind < 0 || a->accounts <= 0) {
        return liq_bench_usage();
    }
    liq_scenario_t *sc = liq_bench_make(a, 20);
    if (sc == NULL) {
        return 1;
    }
    liq_bench_tag_t tag = {a->h5 != NULL ? "round_h5" : "round",
                           liq_bench_kind_name((liq_bench_kind_t)a->kind), a->accounts, a->threads,
                           a->full_scan};
    liq_bench_run_t run;
    const int rc = liq_bench_run(&run, sc, a->threads, a->full_scan, a->h5, a->trace);
    for (int64_t r = 0; rc == 0 && a->trace && r < run.rounds; r++) {
        printf("# round %lld: %.6f s\n", (long long)(r + 1), run.round_seconds[r]);
    }
    if (rc == 0) {
        liq_bench_report_run(&tag, &run);
        if (a->h5 != NULL) {
            liq_bench_result(&tag, "writer", run.writer_seconds, "s");
            liq_bench_result(&tag, "writer_share", run.writer_seconds / run.run_seconds, "ratio");
        }
    }
    liq_bench_run_destroy(&run);
    liq_scenario_destroy(sc);
    return rc == 0 ? 0 : 1;
}

static int liq_bench_cmd_h5(liq_bench_args_t *a)
{
    if (a->kind < 0 || a->accounts <= 0 || a->h5 == NULL) {
        return liq_bench_usage();
    }
    liq_scenario_t *sc = liq_bench_make(a, 200);
    if (sc == NULL) {
        return 1;
    }
    liq_bench_tag_t tag = {"h5", liq_bench_kind_name((liq_bench_kind_t)a->kind), a->accounts,
                           a->threads, a->full_scan};
    liq_bench_run_t without, with;
    int rc = liq_bench_run(&without, sc, a->threads, a->full_scan, NULL, 0);
    if (rc == 0) {
        rc = liq_bench_run(&with, sc, a->threads, a->full_scan, a->h5, 0);
    } else {
        memset(&with, 0, sizeof(with));
    }
    if (rc == 0) {
        const double share = with.writer_seconds / with.run_seconds;
        const double diff = (with.run_seconds - without.run_seconds) / with.run_seconds;
        printf("# %s, %lld accounts, %lld rounds: run %.4f s without writing, %.4f s with; "
               "%.4f s inside the writer = %.2f%% of the run (difference of the runs: %.2f%%)\n",
               tag.scenario, (long long)a->accounts, (long long)sc->rounds, without.run_seconds,
               with.run_seconds, with.writer_seconds, 100.0 * share, 100.0 * diff);
        liq_bench_result(&tag, "run_without", without.run_seconds, "s");
        liq_bench_result(&tag, "run_with", with.run_seconds, "s");
        liq_bench_result(&tag, "writer", with.writer_seconds, "s");
        liq_bench_result(&tag, "writer_share", share, "ratio");
        liq_bench_result(&tag, "difference_share", diff, "ratio");
    }
    liq_bench_run_destroy(&without);
    liq_bench_run_destroy(&with);
    liq_scenario_destroy(sc);
    return rc == 0 ? 0 : 1;
}

/* One thread against all cores, in one process: the triad, the stand-alone
 * kernel, and simulated rounds of two simulations (1 thread and all) stepped
 * alternately, so that both see the same machine conditions. */
static int liq_bench_cmd_scaling(liq_bench_args_t *a)
{
    if (a->kind < 0 || a->accounts <= 0) {
        return liq_bench_usage();
    }
    const int all = omp_get_num_procs();
    const char *name = liq_bench_kind_name((liq_bench_kind_t)a->kind);
    liq_bench_tag_t tag = {"scaling", name, a->accounts, all, a->full_scan};
    liq_bench_loop_t triad1, triadp;
    if (liq_bench_triad(&triad1, a->triad, 1, a->reps) != 0 ||
        liq_bench_triad(&triadp, a->triad, all, a->reps) != 0) {
        return 1;
    }
    liq_bench_result(&tag, "triad_speedup", triad1.best_seconds / triadp.best_seconds, "ratio");
    liq_scenario_t *sc = liq_bench_make(a, 20);
    if (sc == NULL) {
        return 1;
    }
    liq_sim_t *one = liq_bench_create(sc, 1, a->full_scan, 0);
    liq_sim_t *many = one != NULL ? liq_bench_create(sc, all, a->full_scan, 0) : NULL;
    double *t1 = calloc((size_t)sc->rounds, sizeof(*t1));
    double *tp = calloc((size_t)sc->rounds, sizeof(*tp));
    int rc = one != NULL && many != NULL && t1 != NULL && tp != NULL ? 0 : 1;
    if (rc == 0) {
        liq_bench_loop_t k1, kp;
        liq_bench_kernel(&k1, one, 1, a->reps);
        liq_bench_kernel(&kp, one, all, a->reps);
        liq_bench_result(&tag, "kernel_speedup", k1.best_seconds / kp.best_seconds, "ratio");
        printf("# triad: %.3f GB/s on 1 thread, %.3f GB/s on %d (x%.2f); stand-alone kernel: "
               "%.3f GB/s on 1, %.3f GB/s on %d (x%.2f)\n",
               LIQ_BENCH_TRIAD_BYTES * (double)a->triad / triad1.best_seconds * 1e-9,
               LIQ_BENCH_TRIAD_BYTES * (double)a->triad / triadp.best_seconds * 1e-9, all,
               triad1.best_seconds / triadp.best_seconds,
               LIQ_BENCH_KERNEL_BYTES * (double)a->accounts / k1.best_seconds * 1e-9,
               LIQ_BENCH_KERNEL_BYTES * (double)a->accounts / kp.best_seconds * 1e-9, all,
               k1.best_seconds / kp.best_seconds);
    }
    double sum1 = 0.0, sump = 0.0;
    for (int64_t r = 0; rc == 0 && r < sc->rounds; r++) {
        double t0 = liq_bench_now();
        rc |= liq_sim_step(one) != LIQ_OK;
        t1[r] = liq_bench_now() - t0;
        t0 = liq_bench_now();
        rc |= liq_sim_step(many) != LIQ_OK;
        tp[r] = liq_bench_now() - t0;
        sum1 += t1[r];
        sump += tp[r];
        if (rc != 0) {
            fprintf(stderr, "liqnet_bench: %s\n", liq_errmsg());
        }
    }
    if (rc == 0) {
        const size_t n = (size_t)sc->rounds;
        /* Interference from other processes only adds time, so the fastest
         * round of each is the least disturbed estimate; both simulations do
         * the same work round by round. */
        double b1 = INFINITY, bp = INFINITY;
        for (size_t r = 0; r < n; r++) {
            b1 = t1[r] < b1 ? t1[r] : b1;
            bp = tp[r] < bp ? tp[r] : bp;
        }
        liq_bench_result(&tag, "round_best_speedup", b1 / bp, "ratio");
        const double m1 = liq_bench_median(t1, n), mp = liq_bench_median(tp, n);
        printf("# %s rounds, %lld accounts: median %.6f s on 1 thread, %.6f s on %d (x%.2f); "
               "total x%.2f; fastest round x%.2f\n",
               name, (long long)a->accounts, m1, mp, all, m1 / mp, sum1 / sump, b1 / bp);
        liq_bench_result(&tag, "round_median_1", m1, "s");
        liq_bench_result(&tag, "round_median_all", mp, "s");
        liq_bench_result(&tag, "round_speedup", m1 / mp, "ratio");
        liq_bench_result(&tag, "total_speedup", sum1 / sump, "ratio");
    }
    free(t1);
    free(tp);
    liq_sim_destroy(one);
    liq_sim_destroy(many);
    liq_scenario_destroy(sc);
    return rc;
}

static int liq_bench_cmd_scenario(liq_bench_args_t *a)
{
    if (a->kind < 0 || a->accounts <= 0) {
        return liq_bench_usage();
    }
    char *text = NULL;
    if (liq_bench_scenario_yaml(&text, (liq_bench_kind_t)a->kind, a->accounts,
                                a->rounds > 0 ? a->rounds : 1000) != LIQ_OK) {
        fprintf(stderr, "liqnet_bench: %s\n", liq_errmsg());
        return 1;
    }
    fputs(text, stdout);
    free(text);
    return 0;
}

/* Every benchmark, tiny, with checks that would fail if a benchmark measured
 * the wrong thing: the calm scenario liquidates nothing, the cascade
 * liquidates from round 1, the kernel copy finds what the engine finds, the
 * memory figure is positive, the HDF5 file is written. */
static int liq_bench_cmd_smoke(void)
{
    int failures = 0;
    const int64_t n = 20000;
    liq_scenario_t *calm = NULL, *cascade = NULL;
    if (liq_bench_scenario(&calm, LIQ_BENCH_CALM, n, 5) != LIQ_OK ||
        liq_bench_scenario(&cascade, LIQ_BENCH_CASCADE, n, 5) != LIQ_OK) {
        fprintf(stderr, "smoke: scenario: %s\n", liq_errmsg());
        liq_scenario_destroy(calm);
        return 1;
    }
    liq_bench_loop_t triad;
    if (liq_bench_triad(&triad, 1 << 16, 2, 2) != 0 || !(triad.best_seconds > 0.0) ||
        triad.checksum != 7.0) {
        fprintf(stderr, "smoke: triad failed (a = %g, expected 1 + 3 * 2)\n", triad.checksum);
        failures++;
    }
    liq_bench_run_t run;
    if (liq_bench_run(&run, calm, 2, 1, NULL, 1) != 0 || run.liquidatable != 0 || run.rounds != 5 ||
        !(run.hwm_kb > run.rss_before_kb)) {
        fprintf(stderr, "smoke: calm run: %lld rounds, %lld liquidatable, RSS %ld -> %ld kB\n",
                (long long)run.rounds, (long long)run.liquidatable, run.rss_before_kb, run.hwm_kb);
        failures++;
    }
    /* The engine timed its five rounds (time_phases): the full scan's margin
     * phase took some time, and the sum of the phases is the rounds' time
     * up to the benchmark's own reads. */
    if (run.timing.rounds != 5 || !(run.timing.phase[LIQ_PHASE_MARGIN] > 0.0)) {
        fprintf(stderr, "smoke: calm run: the engine timed %lld rounds, margin %g s\n",
                (long long)run.timing.rounds, run.timing.phase[LIQ_PHASE_MARGIN]);
        failures++;
    }
    liq_bench_run_destroy(&run);
    /* The kernel copy against the engine: in the cascade's round 0 about 6%
     * of accounts are below HF 1, and round 1 finds them all liquidatable. */
    liq_sim_t *sim = liq_bench_create(cascade, 2, 1, 0);
    if (sim == NULL) {
        failures++;
    } else {
        liq_bench_loop_t kernel;
        liq_bench_kernel(&kernel, sim, 2, 1);
        liq_accounts_view_t acc;
        liq_sim_accounts(sim, &acc);
        liq_bench_market_terms_t terms;
        liq_bench_terms(&terms, sim);
        size_t serial = 0;
        for (size_t m = 0; m < acc.n_markets; m++) {
            for (size_t i = acc.market_begin[m]; i < acc.market_begin[m + 1]; i++) {
                serial += acc.debt[i] > 0.0 && acc.collateral[i] * terms.pc[m] * terms.lt[m] /
                                                       (acc.debt[i] * terms.pd[m]) <
                                                   1.0;
            }
        }
        if (kernel.checksum != (double)serial || serial < (size_t)n / 50) {
            fprintf(stderr, "smoke: kernel found %g, a serial loop %zu (expected > %lld)\n",
                    kernel.checksum, serial, (long long)(n / 50));
            failures++;
        }
        liq_sim_destroy(sim);
    }
    char path[] = "/tmp/liqnet_bench_smoke_XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) {
        failures++;
    } else {
        close(fd);
        if (liq_bench_run(&run, cascade, 2, 0, path, 0) != 0 || run.liquidations == 0 ||
            run.active_rounds != 5 || !(run.writer_seconds > 0.0)) {
            fprintf(stderr, "smoke: cascade run with HDF5: %lld liquidations in %lld rounds\n",
                    (long long)run.liquidations, (long long)run.active_rounds);
            failures++;
        }
        liq_bench_run_destroy(&run);
        FILE *f = fopen(path, "rb");
        long size = -1;
        if (f != NULL && fseek(f, 0, SEEK_END) == 0) {
            size = ftell(f);
        }
        if (f != NULL) {
            fclose(f);
        }
        if (size < 1024) {
            fprintf(stderr, "smoke: HDF5 file %s has %ld bytes\n", path, size);
            failures++;
        }
        remove(path);
    }
    liq_scenario_destroy(calm);
    liq_scenario_destroy(cascade);
    printf("smoke: %s\n", failures == 0 ? "ok" : "FAILED");
    return failures == 0 ? 0 : 1;
}

/*
 * A scenario file end to end, as `liqnet graph` and `liqnet run` take it:
 * load (parse and validate), the network and its protocol graph with
 * PageRank, then creation, every round and the HDF5 writer. Made for the
 * generated ecosystems (10^5 protocols, 10^7 accounts), whose costs per
 * protocol and per generator line the calm and cascade scenarios (two
 * protocols) never show. Memory: the peak resident size of the process,
 * which for such files is set by parsing (the YAML document tree), and the
 * resident size just before the simulation is created.
 */
static int liq_bench_cmd_ecosystem(liq_bench_args_t *a)
{
    if (a->file == NULL) {
        return liq_bench_usage();
    }
    const char *base = strrchr(a->file, '/');
    base = base != NULL ? base + 1 : a->file;
    liq_scenario_t *sc = NULL;
    double t0 = liq_bench_now();
    if (liq_scenario_load(&sc, a->file) != LIQ_OK) {
        fprintf(stderr, "liqnet_bench: %s\n", liq_errmsg());
        return 1;
    }
    const double load_seconds = liq_bench_now() - t0;
    const long load_hwm_kb = liq_bench_status_kb("VmHWM");
    if (a->rounds > 0) {
        sc->rounds = a->rounds;
    }
    int64_t accounts = 0;
    for (size_t g = 0; g < sc->n_generators; g++) {
        accounts += sc->generators[g].count;
    }
    liq_bench_tag_t tag = {"ecosystem", base, accounts, a->threads, a->full_scan};

    /* The protocol graph, as `liqnet graph` computes it (without writing
     * the GraphML file and without betweenness). */
    liq_network_t *net = NULL;
    liq_protocol_graph_t *pg = NULL;
    double *rank = malloc((sc->n_protocols > 0 ? sc->n_protocols : 1) * sizeof(*rank));
    t0 = liq_bench_now();
    int rc = rank != NULL ? liq_network_build(&net, sc, NULL) : LIQ_ENOMEM;
    const double network_seconds = liq_bench_now() - t0;
    t0 = liq_bench_now();
    if (rc == LIQ_OK) {
        rc = liq_protocol_graph_build(&pg, net);
    }
    const double projection_seconds = liq_bench_now() - t0;
    t0 = liq_bench_now();
    if (rc == LIQ_OK) {
        rc = liq_contagion_pagerank(pg, rank);
    }
    const double pagerank_seconds = liq_bench_now() - t0;
    liq_protocol_edges_t edges = {0};
    if (rc == LIQ_OK) {
        liq_protocol_graph_edges(pg, &edges);
    }
    liq_protocol_graph_destroy(pg);
    liq_network_destroy(net);
    free(rank);
    if (rc != LIQ_OK) {
        fprintf(stderr, "liqnet_bench: protocol graph: %s\n", liq_errmsg());
        liq_scenario_destroy(sc);
        return 1;
    }

    liq_bench_run_t run;
    rc = liq_bench_run(&run, sc, a->threads, a->full_scan, a->h5, a->trace);
    if (rc == 0) {
        printf("# %s: %zu protocols, %zu collateral markets' generator lines, %zu assets, "
               "%zu pools, %zu oracles, %lld accounts\n",
               base, sc->n_protocols, sc->n_generators, sc->n_assets, sc->n_pools, sc->n_oracles,
               (long long)accounts);
        printf("# load %.3f s (peak RSS after load %.1f MiB); network %.3f s, protocol graph "
               "%.3f s (%zu links), PageRank %.3f s\n",
               load_seconds, (double)load_hwm_kb / 1024.0, network_seconds, projection_seconds,
               edges.n_edges, pagerank_seconds);
        printf("# run: create %.3f s, %lld rounds in %.3f s (%.4f s a round with the writer), "
               "writer %.3f s\n",
               run.create_seconds, (long long)run.rounds, run.run_seconds,
               run.run_seconds / (double)(run.rounds > 0 ? run.rounds : 1), run.writer_seconds);
        liq_bench_result(&tag, "protocols", (double)sc->n_protocols, "protocols");
        liq_bench_result(&tag, "links", (double)edges.n_edges, "links");
        liq_bench_result(&tag, "load", load_seconds, "s");
        liq_bench_result(&tag, "load_peak_rss", (double)load_hwm_kb * 1024.0, "B");
        liq_bench_result(&tag, "network", network_seconds, "s");
        liq_bench_result(&tag, "projection", projection_seconds, "s");
        liq_bench_result(&tag, "pagerank", pagerank_seconds, "s");
        liq_bench_report_run(&tag, &run);
        liq_bench_result(&tag, "seconds_per_round_with_writer",
                         run.run_seconds / (double)(run.rounds > 0 ? run.rounds : 1), "s");
        liq_bench_result(&tag, "writer", run.writer_seconds, "s");
        liq_bench_result(&tag, "peak_rss_per_account",
                         (double)run.hwm_kb * 1024.0 / (double)(accounts > 0 ? accounts : 1), "B");
    }
    liq_bench_run_destroy(&run);
    liq_scenario_destroy(sc);
    return rc == 0 ? 0 : 1;
}

/* The 1-minute load average: the machine may be shared, and a benchmark
 * that ran beside another busy process says so in its output. */
static double liq_bench_loadavg(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double load = -1.0;
    if (f != NULL) {
        if (fscanf(f, "%lf", &load) != 1) {
            load = -1.0;
        }
        fclose(f);
    }
    return load;
}

int main(int argc, char **argv)
{
    liq_bench_args_t args;
    const int prc = liq_bench_parse(&args, argc, argv);
    if (prc != 0) {
        return prc;
    }
    if (strcmp(args.command, "smoke") != 0 && strcmp(args.command, "scenario") != 0) {
        printf("# load average %.2f at start, %d processors\n", liq_bench_loadavg(),
               omp_get_num_procs());
    }
    if (strcmp(args.command, "bandwidth") == 0) {
        return liq_bench_cmd_bandwidth(&args);
    }
    if (strcmp(args.command, "round") == 0) {
        return liq_bench_cmd_round(&args);
    }
    if (strcmp(args.command, "h5") == 0) {
        return liq_bench_cmd_h5(&args);
    }
    if (strcmp(args.command, "scaling") == 0) {
        return liq_bench_cmd_scaling(&args);
    }
    if (strcmp(args.command, "scenario") == 0) {
        return liq_bench_cmd_scenario(&args);
    }
    if (strcmp(args.command, "smoke") == 0) {
        return liq_bench_cmd_smoke();
    }
    if (strcmp(args.command, "ecosystem") == 0) {
        return liq_bench_cmd_ecosystem(&args);
    }
    return liq_bench_usage();
}
