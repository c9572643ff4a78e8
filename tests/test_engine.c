/*
 * The round of model R0 end to end, against hand-worked trajectories:
 * liquidation with close factor and full close, seizure cap and bad debt
 * with the insurance fund, keeper gas and minimum profit, the per-round
 * throughput cut, oracle heartbeat, deviation, latency and TWAP, market
 * impact with resilience; then conservation identities and determinism
 * across thread counts on a larger generated ecosystem.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "liq_test.h"

#include "liqnet/error.h"
#include "liqnet/lending.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* One lending protocol on WETH against USDC, Aave v3 WETH terms. */
#define LENDER_YAML                                                                                \
    "rounds: 10\n"                                                                                 \
    "assets:\n"                                                                                    \
    "  - {name: WETH, price: 2000, market_depth: %s, market_resilience: 0.5}\n"                    \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 1000, reserve1: 2000000,"         \
    " fee: 0.003}\n"                                                                               \
    "oracles:\n"                                                                                   \
    "  - {name: ETH, source: market, asset: WETH}\n"                                               \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: Lender\n"                                                                           \
    "    debt_asset: USDC\n"                                                                       \
    "    debt_oracle: USD\n"                                                                       \
    "    insurance_fund: 500\n"                                                                    \
    "    keepers: {gas_cost: %s, min_profit: %s, max_liquidations: %s}\n"                          \
    "    markets:\n"                                                                               \
    "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.83,"            \
    " liquidation_bonus: 0.05}\n"

static liq_scenario_t *lender(const char *depth, const char *gas, const char *min_profit,
                              const char *max_liq)
{
    char yaml[2048];
    snprintf(yaml, sizeof(yaml), LENDER_YAML, depth, gas, min_profit, max_liq);
    return parse_scenario(yaml);
}

/* A positions table of accounts in market 0 of protocol 0. */
typedef struct {
    int32_t protocol[8], market[8];
    double collateral[8], debt[8];
    liq_positions_t table;
} positions_t;

static void positions(positions_t *p, size_t n, const double *collateral, const double *debt)
{
    memset(p, 0, sizeof(*p));
    for (size_t i = 0; i < n; i++) {
        p->collateral[i] = collateral[i];
        p->debt[i] = debt[i];
    }
    p->table.count = n;
    p->table.protocol = p->protocol;
    p->table.market = p->market;
    p->table.collateral = p->collateral;
    p->table.debt = p->debt;
}

/* ----------------------------------------------------- hand-worked rounds */

static void test_aave_vector_round(void **state)
{
    (void)state;
    liq_scenario_t *sc = lender("inf", "0", "0", "unlimited");
    positions_t pos;
    positions(&pos, 1, (double[]){10.0}, (double[]){17000.0});
    liq_sim_t *sim = create_sim(sc, &pos.table, 1);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_close(v.collateral_value[0], 20000.0, 1e-15);
    assert_close(v.debt_value[0], 17000.0, 1e-15);

    /* Round 1: HF 0.9765 >= 0.95, so half the debt is repaid and
     * 8500 * 1.05 / 2000 = 4.4625 WETH seized and sold into the pool. */
    step_sim(sim, &v);
    assert_int_equal(v.liquidations[0], 1);
    assert_int_equal(v.stalled[0], 0);
    assert_close(v.repaid_value[0], 8500.0, 1e-15);
    assert_close(v.seized_value[0], 8925.0, 1e-15);
    assert_close(v.collateral_value[0], (10.0 - 4.4625) * 2000.0, 1e-13);
    assert_close(v.debt_value[0], 8500.0, 1e-13);
    const double x1 = 1000.0 + 4.4625;
    const double y1 = 2.0e6 - 2.0e6 * 4.4625 * 0.997 / (1000.0 + 4.4625 * 0.997);
    assert_close(v.pool_reserve0[0], x1, 1e-15);
    assert_close(v.pool_reserve1[0], y1, 1e-15);
    assert_close(v.pool_liquidation_in0[0], 4.4625, 1e-15);
    liq_accounts_view_t acc;
    liq_sim_accounts(sim, &acc);
    assert_close(acc.collateral[0], 5.5375, 1e-15);
    assert_close(acc.debt[0], 8500.0, 1e-15);

    /* Round 2: arbitrage (kappa 1) takes the pool back to 2000 on the same
     * k; HF is now 5.5375 * 2000 * 0.83 / 8500 = 1.0815: no liquidation. */
    step_sim(sim, &v);
    assert_int_equal(v.liquidations[0], 0);
    assert_close(v.pool_price[0], 2000.0, 1e-15);
    assert_close(v.pool_reserve0[0], sqrt(x1 * y1 / 2000.0), 1e-15);
    assert_close(v.reference_price[0], 2000.0, 0.0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_bad_debt_and_insurance(void **state)
{
    (void)state;
    liq_scenario_t *sc = lender("inf", "0", "0", "unlimited");
    positions_t pos;
    positions(&pos, 1, (double[]){10.0}, (double[]){19800.0});
    liq_sim_t *sim = create_sim(sc, &pos.table, 1);
    step_sim(sim, NULL);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    /* Full close wanted 10.395 WETH; the cap seizes all 10 and repays
     * 10 * 2000 / 1.05 = 19047.62; the 752.38 left is bad debt. The fund of
     * 500 pays what it can and 252.38 is the deficit. */
    const double repay = 10.0 * 2000.0 / 1.05;
    const double bad = 19800.0 - repay;
    assert_int_equal(v.liquidations[0], 1);
    assert_close(v.repaid_value[0], repay, 1e-15);
    assert_close(v.seized_value[0], 20000.0, 1e-15);
    assert_close(v.bad_debt[0], bad, 1e-12);
    assert_close(v.insurance_fund[0], 0.0, 0.0);
    assert_close(v.deficit[0], bad - 500.0, 1e-12);
    assert_close(v.debt_value[0], 0.0, 0.0);
    assert_close(v.collateral_value[0], 0.0, 0.0);
    liq_accounts_view_t acc;
    liq_sim_accounts(sim, &acc);
    assert_true(acc.collateral[0] == 0.0 && acc.debt[0] == 0.0);
    /* Nothing more happens: the account is closed. */
    step_sim(sim, &v);
    assert_int_equal(v.liquidations[0], 0);
    assert_int_equal(v.stalled[0], 0);
    assert_close(v.bad_debt[0], bad, 1e-12);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_keeper_gas_and_min_profit(void **state)
{
    (void)state;
    /* The Aave vector pays a bonus of 8500 * 0.05 = 425 USD. */
    struct {
        const char *gas, *min_profit;
        int64_t liquidated;
    } cases[] = {
        {"500", "0", 0},  /* gas above the reward: stalls */
        {"424", "0", 1},  /* profit 1 >= 0 */
        {"0", "424", 1},  /* profit 425 >= 424 */
        {"0", "426", 0},  /* profit 425 < 426 */
        {"25", "400", 1}, /* 425 - 25 = 400 >= 400 */
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        liq_scenario_t *sc = lender("inf", cases[k].gas, cases[k].min_profit, "unlimited");
        positions_t pos;
        positions(&pos, 1, (double[]){10.0}, (double[]){17000.0});
        liq_sim_t *sim = create_sim(sc, &pos.table, 1);
        for (int round = 1; round <= 3; round++) {
            step_sim(sim, NULL);
            liq_state_view_t v;
            liq_sim_view(sim, &v);
            if (cases[k].liquidated) {
                assert_int_equal(v.liquidations[0], round == 1 ? 1 : 0);
                assert_int_equal(v.stalled[0], 0);
            } else {
                /* Left liquidatable and untouched, every round. */
                assert_int_equal(v.liquidations[0], 0);
                assert_int_equal(v.stalled[0], 1);
            }
        }
        liq_sim_destroy(sim);
        liq_scenario_destroy(sc);
    }
}

static void test_throughput_lowest_health_first(void **state)
{
    (void)state;
    liq_scenario_t *sc = lender("inf", "0", "0", "2");
    /* HF: 0.9765, 0.9486, 0.9651, 1.0375 (healthy). M = 2 takes the two
     * lowest: account 1 (below 0.95: full close) and account 2 (half). */
    positions_t pos;
    positions(&pos, 4, (double[]){10.0, 10.0, 10.0, 10.0},
              (double[]){17000.0, 17500.0, 17200.0, 16000.0});
    liq_sim_t *sim = create_sim(sc, &pos.table, 2);
    step_sim(sim, NULL);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_int_equal(v.liquidations[0], 2);
    assert_int_equal(v.stalled[0], 1);
    assert_close(v.repaid_value[0], 17500.0 + 8600.0, 1e-15);
    liq_accounts_view_t acc;
    liq_sim_accounts(sim, &acc);
    assert_true(acc.debt[0] == 17000.0 && acc.collateral[0] == 10.0);
    assert_close(acc.debt[1], 0.0, 0.0);
    assert_close(acc.collateral[1], 10.0 - 17500.0 * 1.05 / 2000.0, 1e-14);
    assert_close(acc.debt[2], 8600.0, 1e-15);
    assert_true(acc.debt[3] == 16000.0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);

    /* Equal health: ties go to the lower account index. */
    sc = lender("inf", "0", "0", "1");
    positions(&pos, 3, (double[]){10.0, 10.0, 10.0}, (double[]){17000.0, 17000.0, 17000.0});
    sim = create_sim(sc, &pos.table, 3);
    step_sim(sim, NULL);
    liq_sim_accounts(sim, &acc);
    assert_close(acc.debt[0], 8500.0, 1e-15);
    assert_true(acc.debt[1] == 17000.0 && acc.debt[2] == 17000.0);
    liq_sim_view(sim, &v);
    assert_int_equal(v.stalled[0], 2);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* ---------------------------------------------------------------- oracles */

static const char *oracle_yaml =
    "rounds: 12\n"
    "assets:\n"
    "  - {name: WETH, price: 2000}\n"
    "  - {name: USDC, price: 1}\n"
    "pools:\n"
    "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 1000, reserve1: 2000000,"
    " arbitrage: 0.5}\n"
    "oracles:\n"
    "  - {name: push, source: market, asset: WETH, heartbeat: 5, deviation: 0.01}\n"
    "  - {name: late, source: market, asset: WETH, latency: 2}\n"
    "  - {name: twap, source: pool_twap, pool: WETH-USDC, window: 3}\n"
    "  - {name: spot, source: pool_spot, pool: WETH-USDC, latency: 1}\n"
    "shocks:\n"
    "  - type: schedule\n"
    "    asset: WETH\n"
    "    steps:\n"
    "      - {round: 2, return: -0.006}\n"
    "      - {round: 3, return: -0.006}\n"
    "      - {round: 5, return: -0.005}\n";

static void test_oracle_rules_in_the_round(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_scenario(oracle_yaml);
    liq_sim_t *sim = create_sim(sc, NULL, 2);
    double exo[13], pool[13], push[13], late[13], twap[13], spot[13];
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    for (int t = 0; t <= 12; t++) {
        if (t > 0) {
            step_sim(sim, &v);
        }
        exo[t] = v.reference_price[0];
        pool[t] = v.pool_price[0];
        push[t] = v.oracle_price[0];
        late[t] = v.oracle_price[1];
        twap[t] = v.oracle_price[2];
        spot[t] = v.oracle_price[3];
    }
    /* E: 2000, 2000, 1988, 1976.072, 1976.072, 1966.19..., flat after. */
    assert_close(exo[2], 2000.0 * 0.994, 1e-15);
    assert_close(exo[3], 2000.0 * 0.994 * 0.994, 1e-14);
    /* Push oracle: round 2 moved 0.6% < 1% (no publish); round 3 is 1.2%
     * from the published 2000 (publish); round 5 moves 0.5% (no publish);
     * the heartbeat publishes at round 3 + 5 = 8, and again at 13. */
    const double expect_push[13] = {2000,   2000,   2000,   exo[3], exo[3], exo[3], exo[3],
                                    exo[3], exo[8], exo[8], exo[8], exo[8], exo[8]};
    for (int t = 0; t <= 12; t++) {
        assert_close(push[t], expect_push[t], 0.0);
    }
    assert_true(exo[5] < exo[3]);
    /* Latency 2, publishing every change: O(t) = S(max(0, t - 2)). */
    for (int t = 0; t <= 12; t++) {
        assert_close(late[t], exo[t >= 2 ? t - 2 : 0], 0.0);
    }
    /* TWAP over 3 rounds of the pool's post-arbitrage spot (no liquidations
     * here, so the recorded pool price is that spot). */
    for (int t = 0; t <= 12; t++) {
        const int first = t >= 2 ? t - 2 : 0;
        double sum = 0.0;
        for (int s = first; s <= t; s++) {
            sum += pool[s];
        }
        assert_close(twap[t], sum / (double)(t - first + 1), 1e-15);
    }
    /* Pool spot with latency 1; the pool closes half the log gap a round. */
    for (int t = 0; t <= 12; t++) {
        assert_close(spot[t], pool[t >= 1 ? t - 1 : 0], 0.0);
    }
    assert_close(pool[2], sqrt(2000.0 * exo[2]), 1e-14);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* ----------------------------------------------------------- market impact */

static void test_market_impact_and_resilience(void **state)
{
    (void)state;
    /* Depth 500 WETH per e-fold, resilience 0.5. The round-1 liquidation
     * sells 4.4625 WETH into the pool; round 2's arbitrage buys it back out
     * of the pool and sells it outside (Q(2) = x1 - x2 > 0), which moves the
     * reference price in round 3; round 3's arbitrage then pushes the pool
     * down to it, buying WETH outside (Q(3) < 0). */
    liq_scenario_t *sc = lender("500", "0", "0", "unlimited");
    positions_t pos;
    positions(&pos, 1, (double[]){10.0}, (double[]){17000.0});
    liq_sim_t *sim = create_sim(sc, &pos.table, 1);
    double x[5], s[5];
    liq_state_view_t v;
    for (int t = 1; t <= 4; t++) {
        step_sim(sim, &v);
        x[t] = v.pool_reserve0[0];
        s[t] = v.reference_price[0];
        if (t >= 2) {
            assert_int_equal(v.liquidations[0], 0);
        }
    }
    assert_close(s[1], 2000.0, 0.0);
    assert_close(s[2], 2000.0, 0.0);
    const double i3 = (x[1] - x[2]) / 500.0;
    assert_true(i3 > 0.0);
    assert_close(s[3], 2000.0 * exp(-i3), 1e-15);
    const double i4 = 0.5 * i3 + (x[2] - x[3]) / 500.0;
    assert_close(s[4], 2000.0 * exp(-i4), 1e-14);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* ------------------------------------------------ a generated ecosystem */

/* Three lenders on WETH and WBTC; the WBTC pool has USDC as token0, so its
 * seized collateral is sold as token1. GBM noise plus a crash. */
#define ECOSYSTEM_YAML                                                                             \
    "rounds: %d\n"                                                                                 \
    "seed: 7\n"                                                                                    \
    "assets:\n"                                                                                    \
    "  - {name: WETH, price: 2000, market_depth: 20000, market_resilience: 0.05}\n"                \
    "  - {name: WBTC, price: 60000, market_depth: 20000, market_resilience: 0.1}\n"                \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 20000, reserve1: 4.0e7,"          \
    " arbitrage: 0.7}\n"                                                                           \
    "  - {name: USDC-WBTC, token0: USDC, token1: WBTC, reserve0: 3.0e7, reserve1: 500}\n"          \
    "oracles:\n"                                                                                   \
    "  - {name: ETH, source: market, asset: WETH, heartbeat: 1h, deviation: 0.005}\n"              \
    "  - {name: ETH-twap, source: pool_twap, pool: WETH-USDC, window: 5}\n"                        \
    "  - {name: BTC, source: market, asset: WBTC, heartbeat: 300, deviation: 0.01, latency: 1}\n"  \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: A\n"                                                                                \
    "    debt_asset: USDC\n"                                                                       \
    "    debt_oracle: USD\n"                                                                       \
    "    insurance_fund: 1.0e5\n"                                                                  \
    "    keepers: {gas_cost: 5, max_liquidations: 400}\n"                                          \
    "    markets:\n"                                                                               \
    "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.83,"            \
    " liquidation_bonus: 0.05}\n"                                                                  \
    "      - {asset: WBTC, oracle: BTC, route: USDC-WBTC, liquidation_threshold: 0.78,"            \
    " liquidation_bonus: 0.05}\n"                                                                  \
    "  - name: B\n"                                                                                \
    "    debt_asset: USDC\n"                                                                       \
    "    debt_oracle: USD\n"                                                                       \
    "    markets:\n"                                                                               \
    "      - {asset: WETH, oracle: ETH-twap, route: WETH-USDC, liquidation_threshold: 0.895,"      \
    " liquidation_bonus: 0.05, close_factor: 1}\n"                                                 \
    "  - name: C\n"                                                                                \
    "    debt_asset: USDC\n"                                                                       \
    "    debt_oracle: USD\n"                                                                       \
    "    insurance_fund: 1.0e6\n"                                                                  \
    "    keepers: {gas_cost: 20, min_profit: 5}\n"                                                 \
    "    markets:\n"                                                                               \
    "      - {asset: WBTC, oracle: BTC, route: USDC-WBTC, liquidation_threshold: 0.8,"             \
    " liquidation_bonus: 0.08, close_factor: 0.5, full_close_health: 0.9}\n"                       \
    "accounts:\n"                                                                                  \
    "  - {protocol: A, market: WETH, count: %d, size: {distribution: pareto, alpha: 1.3,"          \
    " min: 500, max: 5.0e7}, health: {distribution: uniform, min: 1.0, max: 1.8}}\n"               \
    "  - {protocol: A, market: WBTC, count: %d, size: {distribution: lognormal, median: 20000,"    \
    " sigma: 1.2}, health: {distribution: lognormal, median: 1.4, sigma: 0.2}}\n"                  \
    "  - {protocol: B, market: WETH, count: %d, size: {distribution: pareto, alpha: 1.5,"          \
    " min: 1000}, health: {distribution: uniform, min: 1.02, max: 2.5}}\n"                         \
    "  - {protocol: C, market: WBTC, count: %d, size: {distribution: pareto, alpha: 1.2,"          \
    " min: 2000, max: 1.0e8}, health: {distribution: uniform, min: 1.05, max: 3}}\n"               \
    "shocks:\n"                                                                                    \
    "  - {type: gbm, asset: WETH, volatility: 0.9, jump_intensity: 2000, jump_mean: -0.01,"        \
    " jump_stdev: 0.01}\n"                                                                         \
    "  - {type: gbm, asset: WBTC, volatility: 0.6}\n"                                              \
    "  - type: schedule\n"                                                                         \
    "    asset: WETH\n"                                                                            \
    "    steps: [{round: 10, return: -0.12}, {round: 11, return: -0.05}]\n"                        \
    "  - type: schedule\n"                                                                         \
    "    asset: WBTC\n"                                                                            \
    "    steps: [{round: 20, return: -0.15}]\n"

static liq_scenario_t *ecosystem(int rounds, int accounts)
{
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), ECOSYSTEM_YAML, rounds, accounts, accounts / 2, accounts,
             accounts / 3);
    return parse_scenario(yaml);
}

static void test_conservation(void **state)
{
    (void)state;
    liq_scenario_t *sc = ecosystem(60, 30000);
    liq_sim_t *sim = create_sim(sc, NULL, 2);
    liq_accounts_view_t acc;
    liq_sim_accounts(sim, &acc);
    const size_t n = acc.n_accounts;
    assert_int_equal(n, 30000 + 15000 + 30000 + 10000);
    double *before = malloc(n * sizeof(*before));
    assert_non_null(before);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    const double fund0[3] = {v.insurance_fund[0], v.insurance_fund[1], v.insurance_fund[2]};
    double k_prev[2] = {v.pool_reserve0[0] * v.pool_reserve1[0],
                        v.pool_reserve0[1] * v.pool_reserve1[1]};
    int64_t total_liquidations = 0;
    double total_bad = 0.0;
    for (int t = 1; t <= 60; t++) {
        memcpy(before, acc.collateral, n * sizeof(*before));
        step_sim(sim, &v);
        liq_sim_accounts(sim, &acc);
        /* Collateral taken from accounts = seized = sold into the pools. */
        double seized_weth = 0.0, seized_wbtc = 0.0;
        for (size_t m = 0; m < acc.n_markets; m++) {
            double taken = 0.0, held = 0.0;
            for (size_t i = acc.market_begin[m]; i < acc.market_begin[m + 1]; i++) {
                taken += before[i] - acc.collateral[i];
                held += acc.collateral[i];
                assert_true(acc.collateral[i] >= 0.0 && acc.debt[i] >= 0.0);
            }
            assert_true(fabs(taken - v.market_seized[m]) <= 1e-9 * (1.0 + v.market_seized[m]));
            assert_true(fabs(held - v.market_collateral[m]) <= 1e-9 * held);
        }
        /* Markets 0 (A/WETH) and 2 (B/WETH) sell WETH; 1 and 3 sell WBTC. */
        seized_weth = v.market_seized[0] + v.market_seized[2];
        seized_wbtc = v.market_seized[1] + v.market_seized[3];
        assert_close(v.pool_liquidation_in0[0], seized_weth, 1e-12);
        assert_close(v.pool_liquidation_in1[1], seized_wbtc, 1e-12);
        assert_true(v.pool_liquidation_in1[0] == 0.0 && v.pool_liquidation_in0[1] == 0.0);
        /* A pool's k never falls: arbitrage keeps it (to rounding), swaps
         * with a fee raise it. */
        for (int p = 0; p < 2; p++) {
            const double k = v.pool_reserve0[p] * v.pool_reserve1[p];
            if (!(k >= k_prev[p] * (1.0 - 1e-13))) {
                fail_msg("round %d pool %d: k %.17g < %.17g", t, p, k, k_prev[p]);
            }
            k_prev[p] = k;
        }
        /* Bad debt is paid by the fund or booked as deficit. */
        for (int p = 0; p < 3; p++) {
            const double drawn = fund0[p] - v.insurance_fund[p];
            assert_true(v.insurance_fund[p] >= 0.0);
            assert_true(fabs(drawn + v.deficit[p] - v.bad_debt[p]) <= 1e-9 * (1.0 + v.bad_debt[p]));
            total_liquidations += v.liquidations[p];
        }
        total_bad = v.bad_debt[0] + v.bad_debt[1] + v.bad_debt[2];
    }
    /* The scenario is a real cascade, or the identities above prove little. */
    assert_true(total_liquidations > 1000);
    assert_true(total_bad > 0.0);
    free(before);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_determinism_across_threads(void **state)
{
    (void)state;
    /* Enough accounts for many scan chunks per market, so that threads
     * really split the work. */
    liq_scenario_t *sc = ecosystem(40, 60000);
    const uint64_t one = run_hash(sc, NULL, 1, 0);
    const int counts[] = {2, 3, 8};
    for (size_t k = 0; k < 3; k++) {
        const uint64_t h = run_hash(sc, NULL, counts[k], 0);
        if (h != one) {
            fail_msg("trajectory hash with %d threads %016llx != %016llx with 1", counts[k],
                     (unsigned long long)h, (unsigned long long)one);
        }
    }
    /* And the hash sees the seed: another seed, another trajectory. */
    sc->seed = 8;
    assert_true(run_hash(sc, NULL, 2, 0) != one);
    liq_scenario_destroy(sc);
}

static void test_index_equals_full_scan(void **state)
{
    (void)state;
    /* The liquidation-price index must find exactly the accounts the full
     * scan finds, round after round: through a cascade that overflows the
     * recent-update lists (markets of 30000 accounts re-sort after 1875
     * updates), with stalled accounts that stay liquidatable, at 1 and 2
     * threads. */
    liq_scenario_t *sc = ecosystem(60, 30000);
    const uint64_t scan = run_hash(sc, NULL, 1, 1);
    assert_true(run_hash(sc, NULL, 1, 0) == scan);
    assert_true(run_hash(sc, NULL, 2, 0) == scan);
    liq_scenario_destroy(sc);

    /* Edge keys: no debt (never liquidatable), debt without collateral
     * (always), an account exactly at HF 1 (not liquidatable), and a
     * throughput cut that leaves accounts stalled for several rounds. */
    sc = lender("inf", "0", "0", "2");
    positions_t pos;
    positions(&pos, 6, (double[]){10.0, 0.0, 10.0, 10.0, 10.0, 10.0},
              (double[]){0.0, 100.0, 16600.0, 17000.0, 17500.0, 17200.0});
    assert_true(run_hash(sc, &pos.table, 1, 0) == run_hash(sc, &pos.table, 1, 1));
    liq_sim_t *sim = create_sim(sc, &pos.table, 1);
    step_sim(sim, NULL);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    /* Liquidatable: accounts 1 (HF 0), 3, 4, 5; the two of lowest health (1
     * and 4) go first, 3 and 5 stall. Account 2 sits at HF = 1 exactly. */
    assert_int_equal(v.liquidations[0], 2);
    assert_int_equal(v.stalled[0], 2);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);

    /* A market large enough (1.2e6 accounts) for the re-sort to split its
     * radix passes over threads, through a crash that switches it to the scan
     * and back: 2 threads with the index against 1 with the scan. */
    const char *big = "rounds: 8\n"
                      "assets: [{name: WETH, price: 2000}, {name: USDC, price: 1}]\n"
                      "pools: [{name: P, token0: WETH, token1: USDC, reserve0: 2.0e5,"
                      " reserve1: 4.0e8}]\n"
                      "oracles: [{name: E, source: market, asset: WETH},"
                      " {name: U, source: market, asset: USDC}]\n"
                      "protocols: [{name: L, debt_asset: USDC, debt_oracle: U,"
                      " markets: [{asset: WETH, oracle: E, route: P,"
                      " liquidation_threshold: 0.83, liquidation_bonus: 0.05}]}]\n"
                      "accounts: [{protocol: L, market: WETH, count: 1200000,"
                      " size: {distribution: pareto, alpha: 1.5, min: 100},"
                      " health: {distribution: uniform, min: 1.01, max: 3}}]\n"
                      "shocks: [{type: schedule, asset: WETH, steps: [{round: 2, return: -0.1},"
                      " {round: 6, return: -0.002}]}]\n";
    sc = parse_scenario(big);
    assert_true(run_hash(sc, NULL, 2, 0) == run_hash(sc, NULL, 1, 1));
    liq_scenario_destroy(sc);
}

/* Two lenders with many candidates each, so that both take the parallel
 * throughput cut and liquidation (src/engine/cut.c and liquidate_large.c, 4096 candidates or
 * more): Cut has two markets and a cut of 3000 among about 19000 candidates,
 * all of lowest health below 0.87 and so written off (bad debt); Bulk has no
 * cut, about 10000 liquidations (several chunks of 2048) and keepers' gas
 * that leaves the smallest accounts stalled. No price move before round 3,
 * so round 1 prices at the initial prices. */
#define PARALLEL_CUT_YAML                                                                          \
    "rounds: 6\n"                                                                                  \
    "seed: 5\n"                                                                                    \
    "assets:\n"                                                                                    \
    "  - {name: WETH, price: 2000, market_depth: 1.0e5, market_resilience: 0.1}\n"                 \
    "  - {name: WBTC, price: 40000, market_depth: 1.0e4, market_resilience: 0.1}\n"                \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 1.0e5, reserve1: 2.0e8}\n"        \
    "  - {name: USDC-WBTC, token0: USDC, token1: WBTC, reserve0: 2.0e8, reserve1: 5000}\n"         \
    "oracles:\n"                                                                                   \
    "  - {name: ETH, source: market, asset: WETH}\n"                                               \
    "  - {name: BTC, source: market, asset: WBTC}\n"                                               \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: Cut\n"                                                                              \
    "    debt_asset: USDC\n"                                                                       \
    "    debt_oracle: USD\n"                                                                       \
    "    insurance_fund: 1.0e5\n"                                                                  \
    "    keepers: {gas_cost: 0, max_liquidations: 3000}\n"                                         \
    "    markets:\n"                                                                               \
    "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.83,"            \
    " liquidation_bonus: 0.05, close_factor: 0.5, full_close_health: 0.95}\n"                      \
    "      - {asset: WBTC, oracle: BTC, route: USDC-WBTC, liquidation_threshold: 0.78,"            \
    " liquidation_bonus: 0.065, close_factor: 0.5, full_close_health: 0.95}\n"                     \
    "  - name: Bulk\n"                                                                             \
    "    debt_asset: USDC\n"                                                                       \
    "    debt_oracle: USD\n"                                                                       \
    "    insurance_fund: 1.0e4\n"                                                                  \
    "    keepers: {gas_cost: 1, min_profit: 1}\n"                                                  \
    "    markets:\n"                                                                               \
    "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.895,"           \
    " liquidation_bonus: 0.0526, close_factor: 1, full_close_health: 1}\n"                         \
    "accounts:\n"                                                                                  \
    "  - {protocol: Cut, market: WETH, count: 20000, size: {distribution: lognormal,"              \
    " median: 5000, sigma: 1.5}, health: {distribution: uniform, min: 0.5, max: 1.3}}\n"           \
    "  - {protocol: Cut, market: WBTC, count: 12000, size: {distribution: lognormal,"              \
    " median: 5000, sigma: 1.5}, health: {distribution: uniform, min: 0.6, max: 1.3}}\n"           \
    "  - {protocol: Bulk, market: WETH, count: 16000, size: {distribution: lognormal,"             \
    " median: 300, sigma: 1.5}, health: {distribution: uniform, min: 0.6, max: 1.2}}\n"            \
    "shocks:\n"                                                                                    \
    "  - {type: schedule, asset: WETH, steps: [{round: 3, return: -0.08},"                         \
    " {round: 5, return: -0.04}]}\n"

/* Candidate indices in the throughput cut's order (health, then account). */
static const double *cut_health;

static int cut_compare(const void *pa, const void *pb)
{
    const size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (cut_health[a] != cut_health[b]) {
        return cut_health[a] < cut_health[b] ? -1 : 1;
    }
    return (a > b) - (a < b);
}

static void test_parallel_cut_and_liquidation(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_scenario(PARALLEL_CUT_YAML);

    /* Round 1 against a selection and sums computed here independently: the
     * 3000 liquidated accounts of Cut are its 3000 liquidatable ones of
     * lowest health (found by sorting), and the protocol and market sums of
     * the chunked liquidation equal fresh sums over the account store. */
    const double lt[3] = {0.83, 0.78, 0.895};
    const int threads[] = {1, 2, 3};
    for (size_t run = 0; run < 3; run++) {
        liq_sim_t *sim = create_sim(sc, NULL, threads[run]);
        liq_accounts_view_t a;
        liq_sim_accounts(sim, &a);
        const size_t n = a.n_accounts;
        assert_int_equal(n, 48000);
        assert_int_equal(a.n_markets, 3);
        double *c0 = malloc(n * sizeof(*c0));
        double *d0 = malloc(n * sizeof(*d0));
        double *health = malloc(n * sizeof(*health));
        size_t *order = malloc(n * sizeof(*order));
        assert_true(c0 && d0 && health && order);
        memcpy(c0, a.collateral, n * sizeof(*c0));
        memcpy(d0, a.debt, n * sizeof(*d0));
        step_sim(sim, NULL);
        liq_state_view_t v;
        liq_sim_view(sim, &v);
        liq_sim_accounts(sim, &a);
        assert_true(v.oracle_price[0] == 2000.0 && v.oracle_price[1] == 40000.0 &&
                    v.oracle_price[2] == 1.0);
        const double price[2] = {2000.0, 40000.0};

        /* Cut: markets 0 and 1. */
        size_t found = 0;
        for (size_t m = 0; m < 2; m++) {
            for (size_t i = a.market_begin[m]; i < a.market_begin[m + 1]; i++) {
                health[i] = liq_health(c0[i], d0[i], price[m], 1.0, lt[m]);
                if (d0[i] > 0.0 && health[i] < 1.0) {
                    order[found++] = i;
                }
            }
        }
        cut_health = health;
        qsort(order, found, sizeof(*order), cut_compare);
        assert_true(found > 15000);
        assert_int_equal(v.liquidations[0], 3000);
        assert_int_equal(v.stalled[0], (int64_t)(found - 3000));
        size_t in_wbtc = 0;
        for (size_t k = 0; k < found; k++) {
            const size_t i = order[k];
            const bool touched = a.debt[i] != d0[i] || a.collateral[i] != c0[i];
            if (touched != (k < 3000)) {
                fail_msg("%d threads: account %zu, %zu-th lowest health %.17g, liquidated %d",
                         threads[run], i, k, health[i], (int)touched);
            }
            in_wbtc += k < 3000 && i >= a.market_begin[1];
            /* All selected accounts are below 0.87 = LT (1 + bonus): written off. */
            assert_true(k >= 3000 || (a.debt[i] == 0.0 && a.collateral[i] == 0.0));
        }
        /* The selection spans both markets and two chunks of 2048. */
        assert_true(in_wbtc > 0 && in_wbtc < 1000);

        /* Sums: repaid + written off = debt gone, seized = collateral gone,
         * per protocol (USD) and per market (units). */
        double gone_value[2] = {0.0, 0.0}, seized_value[2] = {0.0, 0.0};
        int64_t bulk_touched = 0;
        for (size_t m = 0; m < 3; m++) {
            const size_t p = m < 2 ? 0 : 1;
            const double pc = m == 1 ? 40000.0 : 2000.0;
            double seized = 0.0, held = 0.0;
            for (size_t i = a.market_begin[m]; i < a.market_begin[m + 1]; i++) {
                gone_value[p] += d0[i] - a.debt[i];
                seized_value[p] += (c0[i] - a.collateral[i]) * pc;
                seized += c0[i] - a.collateral[i];
                held += a.collateral[i];
                bulk_touched += p == 1 && a.debt[i] != d0[i];
            }
            assert_close(v.market_seized[m], seized, 1e-12);
            assert_close(v.market_collateral[m], held, 1e-12);
        }
        for (size_t p = 0; p < 2; p++) {
            assert_true(v.bad_debt[p] > 0.0);
            assert_close(v.repaid_value[p] + v.bad_debt[p], gone_value[p], 1e-12);
            assert_close(v.seized_value[p], seized_value[p], 1e-12);
        }
        /* Bulk: no cut, several chunks, some accounts too small for gas. */
        assert_int_equal(v.liquidations[1], bulk_touched);
        assert_true(v.liquidations[1] > 3 * 2048);
        assert_true(v.stalled[1] > 0);
        free(c0);
        free(d0);
        free(health);
        free(order);
        liq_sim_destroy(sim);
    }

    /* Every round bit-identical whatever the thread count, and with the
     * full scan. */
    const uint64_t one = run_hash(sc, NULL, 1, 0);
    assert_true(run_hash(sc, NULL, 2, 0) == one);
    assert_true(run_hash(sc, NULL, 3, 0) == one);
    assert_true(run_hash(sc, NULL, 2, 1) == one);
    liq_scenario_destroy(sc);
}

static void test_parallel_cut_ties(void **state)
{
    (void)state;
    /* Health ties in the parallel cut, broken by account: 9000 accounts,
     * every third with no collateral (HF 0) and the others identical (HF
     * 10 * 2000 * 0.83 / 18000 = 0.922); a cut of 4000 takes the 3000 of HF 0
     * and the 1000 identical ones of lowest index, i.e. those below 1500. */
    liq_scenario_t *sc = lender("inf", "0", "0", "4000");
    enum { N = 9000 };
    int32_t *zero = calloc(N, sizeof(*zero));
    double *collateral = malloc(N * sizeof(*collateral));
    double *debt = malloc(N * sizeof(*debt));
    assert_true(zero && collateral && debt);
    for (size_t i = 0; i < N; i++) {
        collateral[i] = i % 3 == 0 ? 0.0 : 10.0;
        debt[i] = i % 3 == 0 ? 1000.0 : 18000.0;
    }
    const liq_positions_t table = {
        .count = N, .protocol = zero, .market = zero, .collateral = collateral, .debt = debt};
    const int threads[] = {1, 2, 3};
    for (size_t run = 0; run < 3; run++) {
        liq_sim_t *sim = create_sim(sc, &table, threads[run]);
        step_sim(sim, NULL);
        liq_state_view_t v;
        liq_sim_view(sim, &v);
        assert_int_equal(v.liquidations[0], 4000);
        assert_int_equal(v.stalled[0], N - 4000);
        liq_accounts_view_t a;
        liq_sim_accounts(sim, &a);
        for (size_t i = 0; i < N; i++) {
            const bool touched = a.debt[i] != debt[i];
            if (touched != (i % 3 == 0 || i < 1500)) {
                fail_msg("%d threads: account %zu liquidated %d", threads[run], i, (int)touched);
            }
        }
        liq_sim_destroy(sim);
    }
    assert_true(run_hash(sc, &table, 2, 0) == run_hash(sc, &table, 1, 1));
    free(zero);
    free(collateral);
    free(debt);
    liq_scenario_destroy(sc);
}

static void test_parallel_liquidation_notes_the_index(void **state)
{
    (void)state;
    /* The parallel liquidation writes the index's recent-update list in
     * place of the serial notes; here the index needs it. 6000 accounts of
     * HF 0.84 to 0.865 among 400000 healthy ones: round 1 liquidates all
     * 6000 (a large protocol, and fewer than the list's 6343 slots, so the
     * market stays indexed). Half a position closed at a 5% bonus leaves HF'
     * = 2 HF - 1.05 * 0.83 < HF; then WETH rises 20%: an account with HF'
     * below 1 / 1.2 is still liquidatable although its old key fell below
     * the threshold, so only its recent entry finds it. Index and full scan
     * must agree, whatever the thread count. */
    const char *yaml =
        "rounds: 3\n"
        "assets: [{name: WETH, price: 2000}, {name: USDC, price: 1}]\n"
        "pools: [{name: P, token0: WETH, token1: USDC, reserve0: 1.0e6,"
        " reserve1: 2.0e9}]\n"
        "oracles: [{name: E, source: market, asset: WETH},"
        " {name: U, source: market, asset: USDC}]\n"
        "protocols: [{name: L, debt_asset: USDC, debt_oracle: U,"
        " markets: [{asset: WETH, oracle: E, route: P, liquidation_threshold: 0.83,"
        " liquidation_bonus: 0.05, close_factor: 0.5, full_close_health: 0}]}]\n"
        "accounts:\n"
        "  - {protocol: L, market: WETH, count: 6000, size: {distribution: lognormal,"
        " median: 5000, sigma: 1}, health: {distribution: uniform, min: 0.84,"
        " max: 0.865}}\n"
        "  - {protocol: L, market: WETH, count: 400000, size: {distribution:"
        " lognormal, median: 5000, sigma: 1}, health: {distribution: uniform,"
        " min: 1.3, max: 2}}\n"
        "shocks: [{type: schedule, asset: WETH, steps: [{round: 2, return: 0.2}]}]\n";
    liq_scenario_t *sc = parse_scenario(yaml);
    liq_sim_t *sim = create_sim(sc, NULL, 2);
    step_sim(sim, NULL);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_int_equal(v.liquidations[0], 6000);
    step_sim(sim, &v);
    /* About half of them: HF' < 1/1.2 for HF < 0.852. */
    assert_true(v.liquidations[0] > 1500 && v.liquidations[0] < 4500);
    liq_sim_destroy(sim);
    const uint64_t scan = run_hash(sc, NULL, 1, 1);
    assert_true(run_hash(sc, NULL, 1, 0) == scan);
    assert_true(run_hash(sc, NULL, 2, 0) == scan);
    assert_true(run_hash(sc, NULL, 3, 0) == scan);
    liq_scenario_destroy(sc);
}

static void test_parallel_index_gather(void **state)
{
    (void)state;
    /* A market of 1.1e6 accounts (one whose index gather uses every thread)
     * with about 1.8e5 liquidatable in round 1 (health uniform in [0.9,
     * 1.5]), so the gather copies, sorts and tests them in parallel: index
     * at 2 and 3 threads against the full scan on 1. */
    const char *yaml =
        "rounds: 3\n"
        "assets: [{name: WETH, price: 2000}, {name: USDC, price: 1}]\n"
        "pools: [{name: P, token0: WETH, token1: USDC, reserve0: 2.0e5,"
        " reserve1: 4.0e8}]\n"
        "oracles: [{name: E, source: market, asset: WETH},"
        " {name: U, source: market, asset: USDC}]\n"
        "protocols: [{name: L, debt_asset: USDC, debt_oracle: U,"
        " keepers: {max_liquidations: 50000}, markets: [{asset: WETH, oracle: E,"
        " route: P, liquidation_threshold: 0.83, liquidation_bonus: 0.05}]}]\n"
        "accounts: [{protocol: L, market: WETH, count: 1100000,"
        " size: {distribution: pareto, alpha: 1.5, min: 100},"
        " health: {distribution: uniform, min: 0.9, max: 1.5}}]\n"
        "shocks: [{type: schedule, asset: WETH, steps: [{round: 2, return: -0.02}]}]\n";
    liq_scenario_t *sc = parse_scenario(yaml);
    liq_sim_t *sim = create_sim(sc, NULL, 2);
    step_sim(sim, NULL);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_int_equal(v.liquidations[0], 50000);
    assert_true(v.stalled[0] > 100000);
    liq_sim_destroy(sim);
    const uint64_t scan = run_hash(sc, NULL, 1, 1);
    assert_true(run_hash(sc, NULL, 2, 0) == scan);
    assert_true(run_hash(sc, NULL, 3, 0) == scan);
    liq_scenario_destroy(sc);
}

static void test_generated_accounts_follow_their_distributions(void **state)
{
    (void)state;
    liq_scenario_t *sc = ecosystem(20, 20000);
    liq_sim_t *sim = create_sim(sc, NULL, 2);
    liq_accounts_view_t acc;
    liq_sim_accounts(sim, &acc);
    /* Market 0: A/WETH, pareto(1.3, 500) capped at 5e7 USD, health uniform
     * on [1.0, 1.8] at round-0 prices (WETH 2000, USDC 1, LT 0.83). */
    double mean_h = 0.0, below_1000 = 0.0;
    const size_t n = acc.market_begin[1] - acc.market_begin[0];
    assert_int_equal(n, 20000);
    for (size_t i = acc.market_begin[0]; i < acc.market_begin[1]; i++) {
        const double value = acc.collateral[i] * 2000.0;
        const double h = value * 0.83 / acc.debt[i];
        assert_true(value >= 500.0 * (1.0 - 1e-12) && value <= 5.0e7 * (1.0 + 1e-12));
        assert_true(h >= 1.0 - 1e-12 && h <= 1.8 + 1e-12);
        mean_h += h;
        below_1000 += value < 1000.0;
    }
    mean_h /= (double)n;
    /* Uniform mean 1.4 (se 0.0016); P(V < 1000) = 1 - 2^-1.3 = 0.5939 (se 0.0035). */
    assert_true(fabs(mean_h - 1.4) < 0.01);
    assert_true(fabs(below_1000 / (double)n - (1.0 - pow(2.0, -1.3))) < 0.02);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_divergence_is_an_error(void **state)
{
    (void)state;
    /* A pool holding far more WETH than the external market absorbs per
     * e-fold: the arbitrage/impact loop oscillates with growing amplitude
     * (gain ~ reserve / (2 depth) = 10) until prices leave the float range. */
    const char *yaml =
        "rounds: 200\n"
        "assets: [{name: WETH, price: 2000, market_depth: 500}, {name: USDC, price: 1}]\n"
        "pools: [{name: P, token0: WETH, token1: USDC, reserve0: 10000, reserve1: 2.0e7}]\n"
        "shocks: [{type: schedule, asset: WETH, steps: [{round: 2, return: -0.01}]}]\n";
    liq_scenario_t *sc = parse_scenario(yaml);
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    int rc = LIQ_OK;
    while (rc == LIQ_OK && liq_sim_round(sim) < 200) {
        rc = liq_sim_step(sim);
    }
    assert_int_equal(rc, LIQ_ENUMERIC);
    assert_non_null(strstr(liq_errmsg(), "diverged"));
    assert_true(strstr(liq_errmsg(), "'WETH'") != NULL || strstr(liq_errmsg(), "'P'") != NULL);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_gbm_log_returns(void **state)
{
    (void)state;
    /* No accounts; 20000 rounds of GBM at sigma 0.9 per sqrt(year), 12 s
     * rounds: the log returns have mean (mu - sigma^2/2) dt and variance
     * sigma^2 dt, plus jumps of mean n m and variance n s^2 at rate lambda dt. */
    const char *yaml = "rounds: 20000\n"
                       "assets: [{name: X, price: 100}]\n"
                       "shocks:\n"
                       "  - {type: gbm, asset: X, drift: 0.1, volatility: 0.9,"
                       " jump_intensity: 100000, jump_mean: -0.002, jump_stdev: 0.001}\n";
    liq_scenario_t *sc = parse_scenario(yaml);
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const double dt = 12.0 / (365.25 * 86400.0);
    const double lam = 100000.0 * dt;
    /* Central moments from the sample; the variance's standard error is
     * sqrt((m4 - var^2) / n), which accounts for the jumps' fat tails. */
    const int n = 20000;
    double *r = malloc((size_t)n * sizeof(*r));
    assert_non_null(r);
    liq_state_view_t v;
    double sum = 0.0;
    for (int t = 0; t < n; t++) {
        step_sim(sim, &v);
        r[t] = v.log_return[0];
        sum += r[t];
    }
    const double mean = sum / n;
    double m2 = 0.0, m4 = 0.0;
    for (int t = 0; t < n; t++) {
        const double e = r[t] - mean;
        m2 += e * e;
        m4 += e * e * e * e;
    }
    free(r);
    const double var = m2 / n;
    const double se_var = sqrt((m4 / n - var * var) / n);
    const double expect_mean = (0.1 - 0.5 * 0.81) * dt + lam * -0.002;
    const double expect_var = 0.81 * dt + lam * (0.001 * 0.001 + 0.002 * 0.002);
    if (!(fabs(mean - expect_mean) < 5.0 * sqrt(expect_var / n))) {
        fail_msg("mean %.6g, expected %.6g", mean, expect_mean);
    }
    if (!(fabs(var - expect_var) < 5.0 * se_var)) {
        fail_msg("variance %.6g, expected %.6g (standard error %.3g)", var, expect_var, se_var);
    }
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aave_vector_round),
        cmocka_unit_test(test_bad_debt_and_insurance),
        cmocka_unit_test(test_keeper_gas_and_min_profit),
        cmocka_unit_test(test_throughput_lowest_health_first),
        cmocka_unit_test(test_oracle_rules_in_the_round),
        cmocka_unit_test(test_market_impact_and_resilience),
        cmocka_unit_test(test_conservation),
        cmocka_unit_test(test_determinism_across_threads),
        cmocka_unit_test(test_index_equals_full_scan),
        cmocka_unit_test(test_parallel_cut_and_liquidation),
        cmocka_unit_test(test_parallel_cut_ties),
        cmocka_unit_test(test_parallel_liquidation_notes_the_index),
        cmocka_unit_test(test_parallel_index_gather),
        cmocka_unit_test(test_generated_accounts_follow_their_distributions),
        cmocka_unit_test(test_divergence_is_an_error),
        cmocka_unit_test(test_gbm_log_returns),
    };
    return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
