/*
 * Benchmark scenarios, generated as YAML strings and read with
 * liq_scenario_parse, so that they go through the same validation as any
 * scenario file and can be dumped and rerun with the liqnet program.
 */
#ifndef LIQ_BENCH_SCENARIOS_H
#define LIQ_BENCH_SCENARIOS_H

#include <stdint.h>

#include "liqnet/scenario.h"

typedef enum {
    LIQ_BENCH_CALM = 0,   /* no shock but a small GBM; no account near HF 1 */
    LIQ_BENCH_CASCADE = 1 /* a crash into a shallow pool, then a falling market */
} liq_bench_kind_t;

/* "calm" or "cascade" to a kind; -1 for anything else. */
int liq_bench_kind_parse(const char *name);
const char *liq_bench_kind_name(liq_bench_kind_t kind);

/*
 * Writes the YAML of a benchmark scenario with `accounts` accounts (split
 * 60/40 between two protocols) and `rounds` rounds into a newly allocated
 * string *out (free with free()). Account sizes are scaled by 1e8/accounts
 * so that the total collateral (about USD 165M) and therefore the pool
 * dynamics and the share of accounts liquidated per round do not depend on
 * the number of accounts.
 */
int liq_bench_scenario_yaml(char **out, liq_bench_kind_t kind, int64_t accounts, int64_t rounds);

/* The same, parsed and validated; the caller destroys the scenario. */
int liq_bench_scenario(liq_scenario_t **out, liq_bench_kind_t kind, int64_t accounts,
                       int64_t rounds);

#endif /* LIQ_BENCH_SCENARIOS_H */
