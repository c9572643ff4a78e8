/*
 * Liquity-style stability pools (MODEL.md s5) against hand-worked values:
 * the README example of liquity/dev (deposits 100/200/300, two
 * liquidations), redistribution by stake with an empty and a short pool,
 * the recovery-mode bands one by one and in an engine round, conservation,
 * determinism across thread counts, index vs full scan, the pool's effect
 * on a cascade, the HDF5 series, and scenario errors by message.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define LIQ_TEST_FILE "sp.yaml"
#include "liq_test.h"
#include <hdf5.h>

#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/metrics.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"
#include "liqnet/stability.h"

/* Positions rows of protocol 0, market 0. */
typedef struct {
    int32_t protocol[16], market[16];
    double collateral[16], debt[16];
    liq_positions_t table;
} rows_t;

static void rows_init(rows_t *r)
{
    memset(r, 0, sizeof(*r));
    r->table.protocol = r->protocol;
    r->table.market = r->market;
    r->table.collateral = r->collateral;
    r->table.debt = r->debt;
}

static void row(rows_t *r, double collateral, double debt)
{
    const size_t k = r->table.count++;
    r->collateral[k] = collateral;
    r->debt[k] = debt;
}

/* Liquity: ETH at $100, LUSD at $1, MCR 110% (LT = 1 / 1.1), a deep pool
 * and no market impact, so that prices stay put. %s: keepers, then the
 * stability_pool mapping. */
#define LIQUITY_YAML                                                                               \
    "rounds: %d\n"                                                                                 \
    "assets:\n"                                                                                    \
    "  - {name: ETH, price: 100}\n"                                                                \
    "  - {name: LUSD, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: ETH-LUSD, token0: ETH, token1: LUSD, reserve0: 1.0e6, reserve1: 1.0e8}\n"          \
    "oracles:\n"                                                                                   \
    "  - {name: ETHUSD, source: market, asset: ETH}\n"                                             \
    "  - {name: LUSDUSD, source: market, asset: LUSD}\n"                                           \
    "protocols:\n"                                                                                 \
    "  - name: Liquity\n"                                                                          \
    "    debt_asset: LUSD\n"                                                                       \
    "    debt_oracle: LUSDUSD\n"                                                                   \
    "    keepers: %s\n"                                                                            \
    "    markets:\n"                                                                               \
    "      - {asset: ETH, oracle: ETHUSD, route: ETH-LUSD,"                                        \
    " liquidation_threshold: 0.90909090909090906, liquidation_bonus: 0}\n"                         \
    "    stability_pool: %s\n"

static liq_scenario_t *liquity(int rounds, const char *keepers, const char *pool)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), LIQUITY_YAML, rounds, keepers, pool);
    return parse_scenario(yaml);
}

/* ------------------------------------------------------------- the README */

static void test_readme_example(void **state)
{
    (void)state;
    /* liquity/dev README: depositors A, B, C hold 100, 200 and 300 LUSD;
     * a trove of 1.6 ETH / 150 LUSD is liquidated, then one of 2.45 ETH /
     * 225 LUSD (gas compensation ignored). One liquidation a round, lowest
     * ICR first (1.0667 then 1.0889); a third trove of ICR 10 keeps the
     * system in normal mode. */
    liq_scenario_t *sc =
        liquity(2, "{gas_cost: 0, min_profit: 0, max_liquidations: 1}", "{deposits: 600}");
    rows_t r;
    rows_init(&r);
    row(&r, 2.45, 225.0);
    row(&r, 100.0, 1000.0);
    row(&r, 1.6, 150.0);
    liq_sim_t *sim = create_sim(sc, &r.table, 1);
    liq_metrics_t *mt = NULL;
    assert_int_equal(liq_metrics_create(&mt, sim), LIQ_OK);
    const double share[3] = {100.0 / 600.0, 200.0 / 600.0, 300.0 / 600.0};
    const double deposits[2][3] = {{75.0, 150.0, 225.0}, {37.5, 75.0, 112.5}};
    const double eth[2][3] = {{1.6 / 6.0, 3.2 / 6.0, 0.8}, {0.675, 1.35, 2.025}};
    liq_state_view_t v;
    liq_accounts_view_t acc;
    for (int t = 0; t < 2; t++) {
        step_sim(sim, &v);
        assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);
        assert_int_equal(v.liquidations[0], 1);
        assert_int_equal(v.stalled[0], t == 0 ? 1 : 0); /* the second trove waits a round */
        assert_int_equal(v.recovery_mode[0], 0);
        for (int k = 0; k < 3; k++) {
            /* Deposits fall pro rata and ETH is gained pro rata, so each
             * depositor's position is their share of the pool's totals. */
            assert_close(share[k] * v.stability_deposits[0], deposits[t][k], 1e-15);
            assert_close(share[k] * v.stability_collateral[0], eth[t][k], 1e-15);
        }
        assert_close(v.stability_offset[0], t == 0 ? 150.0 : 225.0, 0.0);
        assert_true(v.stability_redistributed_debt[0] == 0.0);
        assert_true(v.stability_redistributed_collateral[0] == 0.0);
        /* The pool takes the collateral: nothing is sold on the route. */
        assert_true(v.market_seized[0] == 0.0 && v.pool_liquidation_in0[0] == 0.0);
        assert_close(v.repaid_value[0], t == 0 ? 150.0 : 225.0, 1e-15);
        assert_close(v.seized_value[0], t == 0 ? 160.0 : 245.0, 1e-15);
    }
    liq_sim_accounts(sim, &acc);
    assert_true(acc.collateral[0] == 0.0 && acc.debt[0] == 0.0);
    assert_true(acc.collateral[2] == 0.0 && acc.debt[2] == 0.0);
    assert_true(acc.collateral[1] == 100.0 && acc.debt[1] == 1000.0);
    assert_close(v.tcr[0], 10.0, 1e-15);
    /* The summary: 150 + 225 LUSD offset, 1.6 + 2.45 ETH gained. */
    const liq_summary_t *sum = liq_metrics_summary(mt);
    assert_close(sum->stability_offset[0], 375.0, 0.0);
    assert_close(sum->stability_gain[0], 4.05, 1e-15);
    assert_true(sum->redistributed_debt[0] == 0.0);
    assert_int_equal(sum->recovery_rounds[0], 0);
    liq_metrics_destroy(mt);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* --------------------------------------------------------- redistribution */

static void test_redistribution_by_hand(void **state)
{
    (void)state;
    /* Trove 0 (1 ETH / 100 LUSD, ICR 100%) is liquidated; the keeper takes
     * 0.5% of its collateral (0.005 ETH, sold on the route). Empty pool:
     * its 100 LUSD and 0.995 ETH go to troves 1 (2 ETH) and 2 (6 ETH) in
     * proportion 2 : 6. */
    const char *keepers = "{gas_cost: 0.25, min_profit: 0}";
    const double pool_deposits[2] = {0.0, 40.0};
    for (int variant = 0; variant < 2; variant++) {
        char pool[256];
        snprintf(pool, sizeof(pool), "{deposits: %g, gas_compensation_share: 0.005}",
                 pool_deposits[variant]);
        liq_scenario_t *sc = liquity(1, keepers, pool);
        rows_t r;
        rows_init(&r);
        row(&r, 1.0, 100.0);
        row(&r, 2.0, 50.0);
        row(&r, 6.0, 100.0);
        liq_sim_t *sim = create_sim(sc, &r.table, 1);
        step_sim(sim, NULL);
        liq_state_view_t v;
        liq_accounts_view_t acc;
        liq_sim_view(sim, &v);
        liq_sim_accounts(sim, &acc);
        assert_int_equal(v.liquidations[0], 1);
        assert_int_equal(v.stalled[0], 0);
        /* Short pool (40 LUSD): offset 40, the pool takes 0.995 x 40/100 =
         * 0.398 ETH, and 60 LUSD with 0.597 ETH are redistributed. */
        const double offset = pool_deposits[variant];
        const double red_debt = 100.0 - offset;
        const double red_coll = 0.995 * (1.0 - offset / 100.0);
        assert_close(v.stability_offset[0], offset, 1e-15);
        assert_close(v.stability_deposits[0], 0.0, 0.0);
        assert_close(v.stability_collateral[0], 0.995 - red_coll, 1e-14);
        assert_close(v.stability_redistributed_debt[0], red_debt, 1e-15);
        assert_close(v.stability_redistributed_collateral[0], red_coll, 1e-14);
        assert_true(acc.collateral[0] == 0.0 && acc.debt[0] == 0.0);
        assert_close(acc.debt[1], 50.0 + red_debt * 0.25, 1e-15);
        assert_close(acc.collateral[1], 2.0 + red_coll * 0.25, 1e-15);
        assert_close(acc.debt[2], 100.0 + red_debt * 0.75, 1e-15);
        assert_close(acc.collateral[2], 6.0 + red_coll * 0.75, 1e-15);
        /* Only the keeper's 0.005 ETH reaches the pool. */
        assert_close(v.pool_liquidation_in0[0], 0.005, 1e-15);
        /* Conservation: collateral in troves + pool + sold = 9 ETH; debt in
         * troves + offset = 250 LUSD; nothing is bad debt. */
        assert_close(v.market_collateral[0] + v.stability_collateral[0] + v.market_seized[0], 9.0,
                     1e-15);
        assert_close(v.market_debt[0] + v.stability_offset[0], 250.0, 1e-15);
        assert_true(v.bad_debt[0] == 0.0);
        assert_close(v.repaid_value[0], offset, 1e-15);
        assert_close(v.seized_value[0], 100.0, 1e-15);
        liq_sim_destroy(sim);
        liq_scenario_destroy(sc);
    }
}

static void test_keeper_compensation_decides(void **state)
{
    (void)state;
    /* The keeper's pay is 0.5% of 1 ETH ($0.50) plus the fixed
     * compensation; with gas at $1 they need the fixed part. */
    const char *pools[2] = {"{deposits: 1000, gas_compensation_share: 0.005}",
                            "{deposits: 1000, gas_compensation: 0.6, gas_compensation_share: "
                            "0.005}"};
    for (int k = 0; k < 2; k++) {
        liq_scenario_t *sc = liquity(1, "{gas_cost: 1, min_profit: 0}", pools[k]);
        rows_t r;
        rows_init(&r);
        row(&r, 1.0, 100.0);
        row(&r, 6.0, 100.0);
        liq_sim_t *sim = create_sim(sc, &r.table, 1);
        step_sim(sim, NULL);
        liq_state_view_t v;
        liq_sim_view(sim, &v);
        assert_int_equal(v.liquidations[0], k);
        assert_int_equal(v.stalled[0], 1 - k);
        liq_sim_destroy(sim);
        liq_scenario_destroy(sc);
    }
}

/* ---------------------------------------------------------- recovery mode */

static void test_bands_by_hand(void **state)
{
    (void)state;
    const double lt = 1.0 / 1.1, tcr = 1.3;
    /* Normal mode: ICR < MCR only. */
    assert_int_equal(liq_trove_band(0.9, 100.0, 100.0, 1.0, lt, 0, tcr, 0.0), LIQ_TROVE_OFFSET);
    assert_int_equal(liq_trove_band(1.05, 100.0, 100.0, 1.0, lt, 0, tcr, 0.0), LIQ_TROVE_OFFSET);
    assert_int_equal(liq_trove_band(1.2, 100.0, 100.0, 1.0, lt, 0, tcr, 1e9), LIQ_TROVE_SAFE);
    assert_int_equal(liq_trove_band(5.0, 0.0, 100.0, 1.0, lt, 1, tcr, 1e9), LIQ_TROVE_SAFE);
    /* Recovery mode: ICR <= 100% (exactly 100% included), 100% < ICR <
     * MCR, MCR <= ICR < TCR with and without enough in the pool, ICR >=
     * TCR. */
    assert_int_equal(liq_trove_band(0.9, 100.0, 100.0, 1.0, lt, 1, tcr, 1e9),
                     LIQ_TROVE_REDISTRIBUTE);
    assert_int_equal(liq_trove_band(1.0, 100.0, 100.0, 1.0, lt, 1, tcr, 1e9),
                     LIQ_TROVE_REDISTRIBUTE);
    assert_int_equal(liq_trove_band(1.05, 100.0, 100.0, 1.0, lt, 1, tcr, 0.0), LIQ_TROVE_OFFSET);
    assert_int_equal(liq_trove_band(1.2, 100.0, 100.0, 1.0, lt, 1, tcr, 100.0), LIQ_TROVE_CAPPED);
    assert_int_equal(liq_trove_band(1.2, 100.0, 100.0, 1.0, lt, 1, tcr, 99.0), LIQ_TROVE_SAFE);
    assert_int_equal(liq_trove_band(1.3, 100.0, 100.0, 1.0, lt, 1, tcr, 1e9), LIQ_TROVE_SAFE);

    /* REDISTRIBUTE ignores the pool: 0.9 ETH less 0.5% all redistributed. */
    liq_trove_liquidation_t q =
        liq_trove_liquidate(LIQ_TROVE_REDISTRIBUTE, 0.9, 100.0, 100.0, 1.0, lt, 1e9, 0.005);
    assert_true(q.offset == 0.0 && q.pool_collateral == 0.0 && q.surplus == 0.0);
    assert_close(q.gas_collateral, 0.0045, 1e-15);
    assert_close(q.redistributed_collateral, 0.8955, 1e-15);
    assert_close(q.redistributed_debt, 100.0, 0.0);
    /* CAPPED: collateral worth 110 LUSD (1.1 ETH) taken, 0.5% of it to the
     * keeper, 0.1 ETH back to the owner. */
    q = liq_trove_liquidate(LIQ_TROVE_CAPPED, 1.2, 100.0, 100.0, 1.0, lt, 100.0, 0.005);
    assert_close(q.offset, 100.0, 0.0);
    assert_close(q.gas_collateral, 0.0055, 1e-14);
    assert_close(q.pool_collateral, 1.0945, 1e-14);
    assert_close(q.surplus, 0.1, 1e-13);
    assert_true(q.redistributed_debt == 0.0 && q.redistributed_collateral == 0.0);
    /* OFFSET with a pool of 30: 30 offset, 0.3 of the rest to the pool. */
    q = liq_trove_liquidate(LIQ_TROVE_OFFSET, 1.05, 100.0, 100.0, 1.0, lt, 30.0, 0.0);
    assert_close(q.offset, 30.0, 0.0);
    assert_close(q.pool_collateral, 0.315, 1e-15);
    assert_close(q.redistributed_debt, 70.0, 0.0);
    assert_close(q.redistributed_collateral, 0.735, 1e-15);
}

static void test_recovery_mode_round(void **state)
{
    (void)state;
    /* Troves of ICR 0.9, 1.05, 1.2 and 1.3 (100, 100, 100 and 1000 LUSD):
     * TCR = 1615 / 1300 = 1.2423 < CCR 1.5, so the round is in recovery
     * mode. In ICR order: 0.9 is redistributed; 1.05 is offset (pool 250
     * -> 150); 1.2 < TCR is capped (pool 150 -> 50: 1.1 ETH to the pool,
     * 0.1 ETH back to its owner); 1.3 > TCR is safe. Trove 3 then takes
     * all of the first one's 100 LUSD and 0.9 ETH. In normal mode (no
     * recovery_mode) only the two below MCR go, both offset. */
    for (int recovery = 0; recovery < 2; recovery++) {
        liq_scenario_t *sc =
            liquity(1, "{gas_cost: 1, min_profit: 0}",
                    recovery ? "{deposits: 250, gas_compensation: 200, recovery_mode: {ccr: 1.5}}"
                             : "{deposits: 250, gas_compensation: 200}");
        rows_t r;
        rows_init(&r);
        row(&r, 0.9, 100.0);
        row(&r, 1.05, 100.0);
        row(&r, 1.2, 100.0);
        row(&r, 13.0, 1000.0);
        liq_sim_t *sim = create_sim(sc, &r.table, 1);
        liq_state_view_t v;
        liq_accounts_view_t acc;
        liq_sim_view(sim, &v);
        assert_int_equal(v.recovery_mode[0], recovery);
        assert_close(v.tcr[0], 1615.0 / 1300.0, 1e-15);
        step_sim(sim, &v);
        liq_sim_accounts(sim, &acc);
        assert_int_equal(v.recovery_mode[0], recovery);
        if (recovery) {
            assert_int_equal(v.liquidations[0], 3);
            assert_close(v.stability_deposits[0], 50.0, 0.0);
            assert_close(v.stability_collateral[0], 1.05 + 1.1, 1e-15);
            assert_close(v.stability_offset[0], 200.0, 0.0);
            assert_close(v.stability_surplus[0], 0.1, 1e-13);
            assert_close(v.stability_redistributed_debt[0], 100.0, 0.0);
            assert_close(v.stability_redistributed_collateral[0], 0.9, 0.0);
            assert_true(acc.debt[2] == 0.0 && acc.collateral[2] == 0.0);
            assert_close(acc.collateral[3], 13.9, 1e-15);
            assert_close(acc.debt[3], 1100.0, 1e-15);
            assert_close(v.tcr[0], 1390.0 / 1100.0, 1e-15);
        } else {
            assert_int_equal(v.liquidations[0], 2);
            assert_close(v.stability_deposits[0], 50.0, 0.0);
            assert_close(v.stability_collateral[0], 1.95, 1e-15);
            assert_true(v.stability_redistributed_debt[0] == 0.0);
            assert_true(acc.collateral[2] == 1.2 && acc.debt[2] == 100.0);
            assert_true(acc.collateral[3] == 13.0 && acc.debt[3] == 1000.0);
        }
        assert_int_equal(v.stalled[0], 0);
        assert_true(v.market_seized[0] == 0.0);
        liq_sim_destroy(sim);
        liq_scenario_destroy(sc);
    }
}

/* ------------------------------------------------------------ cascades */

/* A Liquity-like protocol (stability pool %s) and an R0 lender share ETH
 * and its pool; ETH has finite market depth, so sales move its price. */
#define CASCADE_YAML                                                                               \
    "rounds: 12\n"                                                                                 \
    "seed: 5\n"                                                                                    \
    "assets:\n"                                                                                    \
    "  - {name: ETH, price: 2000, market_depth: 4.0e4, market_resilience: 0.1}\n"                  \
    "  - {name: LUSD, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: ETH-LUSD, token0: ETH, token1: LUSD, reserve0: 2.0e4, reserve1: 4.0e7,"            \
    " arbitrage: 0.8}\n"                                                                           \
    "oracles:\n"                                                                                   \
    "  - {name: ETHUSD, source: market, asset: ETH}\n"                                             \
    "  - {name: LUSDUSD, source: market, asset: LUSD}\n"                                           \
    "protocols:\n"                                                                                 \
    "  - name: Liquity\n"                                                                          \
    "    debt_asset: LUSD\n"                                                                       \
    "    debt_oracle: LUSDUSD\n"                                                                   \
    "    keepers: {gas_cost: 5, min_profit: 0, max_liquidations: 400}\n"                           \
    "    markets:\n"                                                                               \
    "      - {asset: ETH, oracle: ETHUSD, route: ETH-LUSD,"                                        \
    " liquidation_threshold: 0.90909090909090906, liquidation_bonus: 0.1, close_factor: 1}\n"      \
    "%s"                                                                                           \
    "  - name: Lender\n"                                                                           \
    "    debt_asset: LUSD\n"                                                                       \
    "    debt_oracle: LUSDUSD\n"                                                                   \
    "    markets:\n"                                                                               \
    "      - {asset: ETH, oracle: ETHUSD, route: ETH-LUSD, liquidation_threshold: 0.8,"            \
    " liquidation_bonus: 0.05}\n"                                                                  \
    "accounts:\n"                                                                                  \
    "  - {protocol: Liquity, market: ETH, count: %d, size: {distribution: pareto, alpha: 1.4,"     \
    " min: 2000, max: 2.0e6}, health: {distribution: uniform, min: 1.0, max: 2.2}}\n"              \
    "  - {protocol: Lender, market: ETH, count: 3000, size: {distribution: pareto, alpha: 1.4,"    \
    " min: 2000, max: 2.0e6}, health: {distribution: uniform, min: 1.02, max: 2.0}}\n"             \
    "shocks:\n"                                                                                    \
    "  - {type: schedule, asset: ETH, steps: [{round: 2, return: -0.12}, {round: 5, return: "      \
    "-0.05}]}\n"

static liq_scenario_t *cascade(const char *pool, int count)
{
    static char yaml[8192];
    snprintf(yaml, sizeof(yaml), CASCADE_YAML, pool, count);
    return parse_scenario(yaml);
}

#define WITH_POOL                                                                                  \
    "    stability_pool: {deposits: 2.0e7, gas_compensation: 200, gas_compensation_share: 0.005,"  \
    " sell_share: %s, recovery_mode: {ccr: 1.5}}\n"

/* Hash of every round's view (stability series included) and the final
 * accounts; also the lowest ETH reference price and the run's totals. */
typedef struct {
    uint64_t hash;
    double low_price;
    int64_t liquidations, recovery_rounds;
    double offset, redistributed;
} run_t;

/* The series of a run with stability pools: reference prices, the first
 * reserve of each pool, and each protocol's liquidations, stalled
 * accounts, repaid and seized value, bad debt, collateral and debt value,
 * with the stability series when there are any; adds the round to the
 * totals of the run_t `context`. */
static uint64_t hash_stability_round(uint64_t h, const liq_state_view_t *v, void *context)
{
    run_t *out = context;
    const int64_t t = v->round;
    const size_t np = v->n_protocols;
    h = fnv1a(h, v->reference_price, v->n_assets * sizeof(double));
    h = fnv1a(h, v->pool_reserve0, v->n_pools * sizeof(double));
    h = fnv1a(h, v->liquidations, np * sizeof(int64_t));
    h = fnv1a(h, v->stalled, np * sizeof(int64_t));
    h = fnv1a(h, v->repaid_value, np * sizeof(double));
    h = fnv1a(h, v->seized_value, np * sizeof(double));
    h = fnv1a(h, v->bad_debt, np * sizeof(double));
    h = fnv1a(h, v->collateral_value, np * sizeof(double));
    h = fnv1a(h, v->debt_value, np * sizeof(double));
    out->low_price = fmin(out->low_price, v->reference_price[0]);
    out->liquidations += t > 0 ? v->liquidations[0] : 0;
    if (v->stability_deposits != NULL) {
        h = fnv1a(h, v->stability_deposits, np * sizeof(double));
        h = fnv1a(h, v->stability_collateral, np * sizeof(double));
        h = fnv1a(h, v->stability_redistributed_debt, np * sizeof(double));
        h = fnv1a(h, v->stability_surplus, np * sizeof(double));
        h = fnv1a(h, v->tcr, np * sizeof(double));
        h = fnv1a(h, v->recovery_mode, np * sizeof(int64_t));
        out->recovery_rounds += t > 0 ? v->recovery_mode[0] : 0;
        out->offset += t > 0 ? v->stability_offset[0] : 0.0;
        out->redistributed += t > 0 ? v->stability_redistributed_debt[0] : 0.0;
        /* The Lender has no pool: zeros, and a NaN TCR. */
        assert_true(v->stability_deposits[1] == 0.0 && isnan(v->tcr[1]));
    }
    return h;
}

/* A run of sc: its hash (of hash_stability_round) and its totals. */
static run_t run(const liq_scenario_t *sc, int threads, int full_scan)
{
    run_t out = {0, INFINITY, 0, 0, 0.0, 0.0};
    out.hash = run_hash_with(sc, NULL, threads, full_scan, hash_stability_round, &out);
    return out;
}

static void test_determinism_and_index(void **state)
{
    (void)state;
    char pool[512];
    snprintf(pool, sizeof(pool), WITH_POOL, "0.2");
    liq_scenario_t *sc = cascade(pool, 9000);
    const run_t one = run(sc, 1, 0);
    /* A real cascade through every path: offsets, redistribution (the pool
     * runs dry), recovery mode. */
    assert_true(one.liquidations > 100);
    assert_true(one.offset > 0.0 && one.redistributed > 0.0);
    assert_true(one.recovery_rounds > 0);
    const int counts[] = {2, 3};
    for (size_t k = 0; k < 2; k++) {
        const run_t r = run(sc, counts[k], 0);
        if (r.hash != one.hash) {
            fail_msg("hash with %d threads %016llx != %016llx with 1", counts[k],
                     (unsigned long long)r.hash, (unsigned long long)one.hash);
        }
    }
    /* The R0 lender beside it uses its index; the full scan agrees. */
    assert_true(run(sc, 2, 1).hash == one.hash);
    liq_scenario_destroy(sc);
}

static void test_pool_softens_the_cascade(void **state)
{
    (void)state;
    /* Without a pool the Liquity troves' collateral is sold on the route;
     * with one the pool takes it and only the keepers' 0.5% is sold, so
     * ETH falls less. Depositors who sell all they gain each round give
     * back part of that. */
    liq_scenario_t *none = cascade("", 3000);
    char pool[512];
    snprintf(pool, sizeof(pool), WITH_POOL, "0");
    liq_scenario_t *hold = cascade(pool, 3000);
    snprintf(pool, sizeof(pool), WITH_POOL, "1");
    liq_scenario_t *sell = cascade(pool, 3000);
    const run_t a = run(none, 1, 0), b = run(hold, 1, 0), c = run(sell, 1, 0);
    assert_true(a.liquidations > 50 && b.liquidations > 50);
    if (!(b.low_price > c.low_price && b.low_price > a.low_price)) {
        fail_msg("lowest ETH price: pool held %.17g, pool sold %.17g, no pool %.17g", b.low_price,
                 c.low_price, a.low_price);
    }
    liq_scenario_destroy(none);
    liq_scenario_destroy(hold);
    liq_scenario_destroy(sell);
}

/* Conservation over the cascade: every round, Liquity's collateral in
 * troves + in the pool + sold on the route (by keepers and depositors) +
 * returned to owners is what it held the round before; debt in troves +
 * offset is the debt before (no bad debt while troves stay open). */
static void test_conservation_cascade(void **state)
{
    (void)state;
    char pool[512];
    snprintf(pool, sizeof(pool), WITH_POOL, "0.3");
    liq_scenario_t *sc = cascade(pool, 3000);
    liq_sim_t *sim = create_sim(sc, NULL, 2);
    liq_metrics_t *mt = NULL;
    assert_int_equal(liq_metrics_create(&mt, sim), LIQ_OK);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    double coll = v.market_collateral[0] + v.stability_collateral[0];
    double offset = 0.0, redistributed = 0.0, sold = 0.0;
    int64_t recovery = 0;
    double debt = v.market_debt[0];
    double deposits = v.stability_deposits[0];
    double surplus = 0.0;
    for (int64_t t = 1; t <= sc->rounds; t++) {
        step_sim(sim, &v);
        assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);
        offset += v.stability_offset[0];
        redistributed += v.stability_redistributed_debt[0];
        sold += v.stability_sold[0];
        recovery += v.recovery_mode[0];
        const double returned = v.stability_surplus[0] - surplus;
        surplus = v.stability_surplus[0];
        const double now =
            v.market_collateral[0] + v.stability_collateral[0] + v.market_seized[0] + returned;
        assert_close(now, coll, 1e-12);
        assert_close(v.market_debt[0] + v.stability_offset[0], debt, 1e-12);
        assert_close(deposits - v.stability_offset[0], v.stability_deposits[0], 1e-12);
        assert_true(v.bad_debt[0] == 0.0);
        /* Sales are the keepers' share plus the depositors' sell_share. */
        assert_true(v.market_seized[0] >= v.stability_sold[0]);
        coll = v.market_collateral[0] + v.stability_collateral[0];
        debt = v.market_debt[0];
        deposits = v.stability_deposits[0];
    }
    /* The summary totals are the sums of the series; the Lender's are 0. */
    const liq_summary_t *sum = liq_metrics_summary(mt);
    assert_true(sum->stability_offset[0] == offset && offset > 0.0);
    assert_true(sum->redistributed_debt[0] == redistributed && redistributed > 0.0);
    assert_true(sum->stability_gain[0] == sold + v.stability_collateral[0] && sold > 0.0);
    assert_true(sum->recovery_rounds[0] == recovery && recovery > 0);
    assert_true(sum->stability_offset[1] == 0.0 && sum->recovery_rounds[1] == 0);
    liq_metrics_destroy(mt);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* The run file has the stability series exactly when a protocol has a
 * pool, and they hold the view's values. */
static void test_output_series(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof(path), "/tmp/liq_test_stability_%d.h5", (int)getpid());
    char pool[512];
    snprintf(pool, sizeof(pool), WITH_POOL, "0");
    for (int with_pool = 0; with_pool < 2; with_pool++) {
        liq_scenario_t *sc = cascade(with_pool ? pool : "", 1000);
        liq_sim_t *sim = create_sim(sc, NULL, 1);
        liq_state_view_t v;
        liq_sim_view(sim, &v);
        const liq_h5_options_t opt = {
            .force = true, .flush_every = 10, .scenario_yaml = "", .seed = sc->seed};
        liq_h5_writer_t *w = NULL;
        assert_int_equal(liq_h5_writer_create(&w, path, sc, &v, &opt), LIQ_OK);
        double offset = 0.0;
        for (int64_t t = 1; t <= sc->rounds; t++) {
            step_sim(sim, &v);
            assert_int_equal(liq_h5_writer_append(w, &v), LIQ_OK);
            offset += with_pool ? v.stability_offset[0] : 0.0;
        }
        assert_int_equal(liq_h5_writer_finish(w, NULL, "complete"), LIQ_OK);
        const hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        assert_true(file >= 0);
        const char *names[] = {"stability_deposits",
                               "stability_collateral",
                               "stability_offset",
                               "redistributed_debt",
                               "redistributed_collateral",
                               "stability_sold",
                               "stability_surplus",
                               "recovery_mode",
                               "tcr"};
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            assert_int_equal(H5Lexists(file, names[k], H5P_DEFAULT) > 0, with_pool);
        }
        if (with_pool) {
            double data[13][2];
            const hid_t ds = H5Dopen2(file, "stability_offset", H5P_DEFAULT);
            assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
            H5Dclose(ds);
            double sum = 0.0;
            for (int r = 0; r <= 12; r++) {
                sum += data[r][0];
                assert_true(data[r][1] == 0.0);
            }
            assert_true(offset > 0.0);
            assert_true(sum == offset);
        }
        H5Fclose(file);
        liq_sim_destroy(sim);
        liq_scenario_destroy(sc);
    }
    unlink(path);
}

/* ------------------------------------------------------------- errors */

static void test_scenario_errors(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), LIQUITY_YAML, 1, "{}", "{gas_compensation: 200}");
    expect_scenario_error(yaml, LIQ_EKEY,
                          "sp.yaml:17:21: protocols[0].stability_pool: missing key 'deposits'");
    snprintf(yaml, sizeof(yaml), LIQUITY_YAML, 1, "{}", "{deposits: -1}");
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "sp.yaml:17:32: protocols[0].stability_pool.deposits: value -1 is negative; "
        "expected a finite number >= 0");
    snprintf(yaml, sizeof(yaml), LIQUITY_YAML, 1, "{}", "{deposits: 1, gas_compensation_share: 1}");
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "sp.yaml:17:59: protocols[0].stability_pool.gas_compensation_share: value 1 is "
        "out of range; expected a number in [0, 1)");
    snprintf(yaml, sizeof(yaml), LIQUITY_YAML, 1, "{}",
             "{deposits: 1, recovery_mode: {ccr: 1.05}}");
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "sp.yaml:17:56: protocols[0].stability_pool.recovery_mode.ccr: value 1.05 is not "
        "above the MCR 1.1000000000000001 (1 / liquidation_threshold); expected ccr > "
        "MCR");
    snprintf(yaml, sizeof(yaml), LIQUITY_YAML, 1, "{}", "{deposits: 1, ccr: 1.5}");
    expect_scenario_error(
        yaml, LIQ_EKEY,
        "sp.yaml:17:35: protocols[0].stability_pool: unknown key 'ccr'; expected one of "
        "deposits, gas_compensation, gas_compensation_share, sell_share, recovery_mode");
    /* Liquity has one collateral: a pool needs exactly one market. */
    expect_scenario_error(
        "rounds: 1\n"
        "assets: [{name: ETH, price: 100}, {name: BTC, price: 1000},"
        " {name: LUSD, price: 1}]\n"
        "pools:\n"
        "  - {name: P1, token0: ETH, token1: LUSD, reserve0: 10, reserve1: 1000}\n"
        "  - {name: P2, token0: BTC, token1: LUSD, reserve0: 1, reserve1: 1000}\n"
        "oracles: [{name: O1, source: market, asset: ETH},"
        " {name: O2, source: market, asset: BTC}, {name: O3, source: market, asset: LUSD}]\n"
        "protocols:\n"
        "  - name: L\n"
        "    debt_asset: LUSD\n"
        "    debt_oracle: O3\n"
        "    markets:\n"
        "      - {asset: ETH, oracle: O1, route: P1, liquidation_threshold: 0.9,"
        " liquidation_bonus: 0}\n"
        "      - {asset: BTC, oracle: O2, route: P2, liquidation_threshold: 0.9,"
        " liquidation_bonus: 0}\n"
        "    stability_pool: {deposits: 1}\n",
        LIQ_EINVAL,
        "sp.yaml:14:21: protocols[0].stability_pool: the protocol has 2 markets; "
        "expected exactly one market with a stability pool (Liquity has one "
        "collateral)");
}

/* A pooled protocol takes isolated troves only. */
static void test_cross_accounts_rejected(void **state)
{
    (void)state;
    liq_scenario_t *sc = liquity(1, "{}", "{deposits: 10}");
    int32_t protocol[2] = {0, 0}, market[2] = {0, 0};
    double collateral[2] = {1.0, 2.0}, debt[2] = {10.0, 0.0};
    int64_t account[2] = {7, 7};
    const liq_positions_t pos = {2, protocol, market, collateral, debt, account};
    liq_sim_t *sim = NULL;
    const liq_sim_options_t opt = {.threads = 1};
    assert_int_equal(liq_sim_create(&sim, sc, &pos, &opt), LIQ_EINVAL);
    assert_null(sim);
    assert_string_equal(liq_errmsg(), "protocol 'Liquity' has a stability_pool and 1 "
                                      "cross-margin accounts; expected isolated accounts only "
                                      "(one collateral)");
    liq_scenario_destroy(sc);
}

/* The pool survives a dump and re-parse. */
static void test_dump_round_trip(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        liquity(1, "{}",
                "{deposits: 600, gas_compensation: 200, gas_compensation_share: 0.005, "
                "sell_share: 0.25, recovery_mode: {ccr: 1.5}}");
    char *text = NULL;
    assert_int_equal(liq_scenario_dump(&text, sc), LIQ_OK);
    liq_scenario_t *back = parse_scenario(text);
    const liq_stability_pool_config_t *a = &sc->protocols[0].stability_pool;
    const liq_stability_pool_config_t *b = &back->protocols[0].stability_pool;
    assert_true(back->protocols[0].has_stability_pool);
    assert_true(a->deposits == b->deposits && a->gas_compensation == b->gas_compensation &&
                a->gas_compensation_share == b->gas_compensation_share &&
                a->sell_share == b->sell_share && a->has_recovery_mode == b->has_recovery_mode &&
                a->ccr == b->ccr);
    /* A sweep path reaches the pool's keys, absent ones included. */
    liq_scenario_t *swept = NULL;
    const liq_override_t o[2] = {
        {"protocols[Liquity].stability_pool.deposits", "2", 0, 1, NULL},
        {"protocols[Liquity].stability_pool.sell_share", "0.5", 0, 0, NULL}};
    assert_int_equal(liq_scenario_parse_with(&swept, text, strlen(text), "sp.yaml", NULL, o, 2),
                     LIQ_OK);
    assert_true(swept->protocols[0].stability_pool.deposits == 1200.0);
    assert_true(swept->protocols[0].stability_pool.sell_share == 0.5);
    liq_scenario_destroy(swept);
    free(text);
    liq_scenario_destroy(back);
    liq_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readme_example),
        cmocka_unit_test(test_redistribution_by_hand),
        cmocka_unit_test(test_keeper_compensation_decides),
        cmocka_unit_test(test_bands_by_hand),
        cmocka_unit_test(test_recovery_mode_round),
        cmocka_unit_test(test_determinism_and_index),
        cmocka_unit_test(test_pool_softens_the_cascade),
        cmocka_unit_test(test_conservation_cascade),
        cmocka_unit_test(test_output_series),
        cmocka_unit_test(test_scenario_errors),
        cmocka_unit_test(test_cross_accounts_rejected),
        cmocka_unit_test(test_dump_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
