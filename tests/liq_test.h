/*
 * Fixtures shared by the cmocka tests: a tolerance, scenarios parsed from
 * text, scenario errors asserted by code and message, simulations created
 * and stepped, and the hash of a whole run that determinism tests compare.
 * Include after <cmocka.h>. A fixture fails the test with liqnet's own
 * message when the library refuses, so that a test reads as the model's
 * steps.
 *
 * Scenario texts are parsed under the name LIQ_TEST_FILE, which stands for
 * the file in messages and names a scenario that has no `name:`, and their
 * relative paths resolve against LIQ_TEST_BASE_DIR (NULL: the working
 * directory). A test file may define either before including this header;
 * one that does not define LIQ_TEST_FILE has its valid texts parsed as
 * test.yaml and its invalid ones as bad.yaml, the file its expected
 * messages name.
 */
#ifndef LIQ_TEST_H
#define LIQ_TEST_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

#ifdef LIQ_TEST_FILE
#define LIQ_TEST_BAD_FILE LIQ_TEST_FILE
#else
#define LIQ_TEST_FILE "test.yaml"
#define LIQ_TEST_BAD_FILE "bad.yaml"
#endif
#ifndef LIQ_TEST_BASE_DIR
#define LIQ_TEST_BASE_DIR NULL
#endif

/* Fails the test unless a and b agree to the relative tolerance `rel` (of
 * b); equal values, infinities included, always agree. */
static inline void assert_close(double a, double b, double rel)
{
    if (!(fabs(a - b) <= rel * fabs(b) || (a == b))) {
        fail_msg("%.17g != %.17g (relative tolerance %g)", a, b, rel);
    }
}

/* The scenario `yaml` describes (the caller destroys it); fails the test,
 * printing the message and the text, if liqnet rejects it. */
static inline liq_scenario_t *parse_scenario(const char *yaml)
{
    liq_scenario_t *sc = NULL;
    const int rc = liq_scenario_parse(&sc, yaml, strlen(yaml), LIQ_TEST_FILE, LIQ_TEST_BASE_DIR);
    if (rc != LIQ_OK) {
        fail_msg("scenario rejected (%d): %s\n%s", rc, liq_errmsg(), yaml);
    }
    assert_non_null(sc);
    return sc;
}

/* Fails the test unless parsing `yaml` fails with `code` and exactly
 * `message`, and sets the scenario to NULL. */
static inline void expect_scenario_error(const char *yaml, int code, const char *message)
{
    liq_scenario_t *sc = (liq_scenario_t *)(uintptr_t)1;
    const int rc =
        liq_scenario_parse(&sc, yaml, strlen(yaml), LIQ_TEST_BAD_FILE, LIQ_TEST_BASE_DIR);
    assert_null(sc);
    if (rc != code || strcmp(liq_errmsg(), message) != 0) {
        fail_msg("got %d '%s'\nexpected %d '%s'", rc, liq_errmsg(), code, message);
    }
}

/* A simulation of sc (the caller destroys it) with the positions pos (NULL:
 * the scenario's own accounts) and `options`; fails the test if liqnet
 * refuses. */
static inline liq_sim_t *create_sim_with(const liq_scenario_t *sc, const liq_positions_t *pos,
                                         const liq_sim_options_t *options)
{
    liq_sim_t *sim = NULL;
    if (liq_sim_create(&sim, sc, pos, options) != LIQ_OK) {
        fail_msg("liq_sim_create: %s", liq_errmsg());
    }
    return sim;
}

/* create_sim_with on `threads` threads, every other option its default
 * (the liquidation-price index, run 0). */
static inline liq_sim_t *create_sim(const liq_scenario_t *sc, const liq_positions_t *pos,
                                    int threads)
{
    const liq_sim_options_t options = {.threads = threads};
    return create_sim_with(sc, pos, &options);
}

/* Advances sim one round, failing the test if the round fails, and fills
 * `view` (unless NULL) with the state after it. */
static inline void step_sim(liq_sim_t *sim, liq_state_view_t *view)
{
    if (liq_sim_step(sim) != LIQ_OK) {
        fail_msg("liq_sim_step: %s", liq_errmsg());
    }
    if (view != NULL) {
        liq_sim_view(sim, view);
    }
}

/* FNV-1a's 64-bit offset basis: the hash of no bytes, where a hash starts. */
#define FNV1A_START 1469598103934665603ULL

/* The 64-bit FNV-1a hash h continued over `size` bytes at `data`; 0 bytes
 * leave h as it is (and data may then be NULL). */
static inline uint64_t fnv1a(uint64_t h, const void *data, size_t size)
{
    const unsigned char *bytes = data;
    for (size_t i = 0; i < size; i++) {
        h = (h ^ bytes[i]) * 1099511628211ULL;
    }
    return h;
}

/* What a run hash takes of one recorded round: h continued over the series
 * of `view` that the test compares (`context` is the caller's). */
typedef uint64_t (*hash_round_fn)(uint64_t h, const liq_state_view_t *view, void *context);

/* A hash_round_fn of every series model R0 records: exogenous and
 * reference prices, pool reserves, oracle prices, and each protocol's
 * liquidations, stalled accounts, repaid and seized value, bad debt,
 * deficit, collateral and debt value. */
static inline uint64_t hash_r0_round(uint64_t h, const liq_state_view_t *v, void *context)
{
    (void)context;
    h = fnv1a(h, v->exogenous_price, v->n_assets * sizeof(double));
    h = fnv1a(h, v->reference_price, v->n_assets * sizeof(double));
    h = fnv1a(h, v->pool_reserve0, v->n_pools * sizeof(double));
    h = fnv1a(h, v->pool_reserve1, v->n_pools * sizeof(double));
    h = fnv1a(h, v->oracle_price, v->n_oracles * sizeof(double));
    h = fnv1a(h, v->liquidations, v->n_protocols * sizeof(int64_t));
    h = fnv1a(h, v->stalled, v->n_protocols * sizeof(int64_t));
    h = fnv1a(h, v->repaid_value, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->seized_value, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->bad_debt, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->deficit, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->collateral_value, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->debt_value, v->n_protocols * sizeof(double));
    return h;
}

/* run_hash_with's recorder: the hash so far and what it takes of a round. */
typedef struct {
    uint64_t hash;
    hash_round_fn hash_round;
    void *context;
} run_hash_state_t;

static inline int run_hash_record(void *context, const liq_state_view_t *view)
{
    run_hash_state_t *state = context;
    state->hash = state->hash_round(state->hash, view, state->context);
    return LIQ_OK;
}

/* Runs all of sc's rounds with the positions pos (NULL: the scenario's own
 * accounts) on `threads` threads, with the full scan or the index, through
 * liq_sim_run; returns the FNV-1a hash of what hash_round takes of the
 * state at round 0 and after every round, then of the account store at the
 * end: every account's collateral and debt, every cross-margin account's
 * debt and collateral (none without cross accounts, which leaves the hash
 * as it is). Runs that differ in one byte of these hash apart, but for an
 * FNV collision. */
static inline uint64_t run_hash_with(const liq_scenario_t *sc, const liq_positions_t *pos,
                                     int threads, int full_scan, hash_round_fn hash_round,
                                     void *context)
{
    const liq_sim_options_t options = {.threads = threads, .full_scan = full_scan};
    liq_sim_t *sim = create_sim_with(sc, pos, &options);
    run_hash_state_t state = {FNV1A_START, hash_round, context};
    const liq_recorder_t recorder = {run_hash_record, &state};
    const liq_run_hooks_t hooks = {.recorders = &recorder, .n_recorders = 1};
    liq_sim_run_end_t end;
    if (liq_sim_run(&end, sim, sc->rounds, &hooks) != LIQ_OK) {
        fail_msg("liq_sim_run: %s", liq_errmsg());
    }
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    liq_accounts_view_t acc;
    liq_sim_accounts(sim, &acc);
    /* Protocol p's cross-margin accounts hold one collateral per market. */
    size_t cross_units = 0;
    for (size_t p = 0; acc.n_cross > 0 && p < v.n_protocols; p++) {
        cross_units += (acc.cross_begin[p + 1] - acc.cross_begin[p]) *
                       (v.market_offset[p + 1] - v.market_offset[p]);
    }
    uint64_t h = state.hash;
    h = fnv1a(h, acc.collateral, acc.n_accounts * sizeof(double));
    h = fnv1a(h, acc.debt, acc.n_accounts * sizeof(double));
    h = fnv1a(h, acc.cross_debt, acc.n_cross * sizeof(double));
    h = fnv1a(h, acc.cross_collateral, cross_units * sizeof(double));
    liq_sim_destroy(sim);
    return h;
}

/* run_hash_with of the series model R0 records (hash_r0_round). */
static inline uint64_t run_hash(const liq_scenario_t *sc, const liq_positions_t *pos, int threads,
                                int full_scan)
{
    return run_hash_with(sc, pos, threads, full_scan, hash_r0_round, NULL);
}

#endif /* LIQ_TEST_H */
