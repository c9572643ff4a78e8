/*
 * The summary of a run as `liqnet run` prints it at the end and `liqnet
 * show` prints it again from the file: a human table, or with --json one
 * JSON object holding every summary variable of the file
 * (docs/hdf5-schema.md) under its file name.
 */
#ifndef LIQ_CLI_SUMMARY_H
#define LIQ_CLI_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liqnet/metrics.h"
#include "liqnet/scenario.h"

/* Rows of a long summary table printed by default (--top): enough for every
 * shipped scenario whole, a screen for a generated ecosystem of 10^5
 * protocols. */
#define LIQ_SUMMARY_TOP_DEFAULT 20

/* What the summary says besides the metrics. */
typedef struct {
    const char *output; /* the run file */
    const char *status; /* complete, interrupted, failed */
    /* The run itself, known to `liqnet run` only: threads 0 leaves the
     * header line, and these keys of the JSON object, out. */
    size_t accounts;
    int threads;
    double seconds;
    /* Cross-margin accounts and, per protocol, their liquidations (NULL:
     * the line is left out). */
    size_t n_cross;
    const int64_t *cross_liquidations;
    size_t top; /* rows of the oracle, protocol and auction tables; 0: all */
} liq_summary_print_t;

/* The header line: version, scenario, seed, rounds, accounts, threads, time. */
void liq_summary_print_header(const liq_scenario_t *sc, const liq_summary_t *s,
                              const liq_summary_print_t *how);

/* The tables (after the header) and the closing line. */
void liq_summary_print(const liq_scenario_t *sc, const liq_summary_t *s,
                       const liq_summary_print_t *how);

/* The summary as one JSON object on stdout (every row; `top` is ignored). */
void liq_summary_print_json(const liq_scenario_t *sc, const liq_summary_t *s,
                            const liq_summary_print_t *how);

#endif /* LIQ_CLI_SUMMARY_H */
