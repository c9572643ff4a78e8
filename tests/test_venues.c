/*
 * Venues beyond constant product (MODEL.md s5): a StableSwap pool as a
 * liquidation route and an oracle source, wired into the round; the pool
 * maths itself is checked against reference values in test_model.c.
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

#include "liqnet/amm.h"
#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* stETH priced in WETH on a Curve-like pool (A = 50, fee 4 bp); a lender of
 * WETH against stETH sells seized stETH there. stETH falls 5% in round 1. */
static const char *steth_yaml =
    "name: steth\n"
    "rounds: 2\n"
    "assets:\n"
    "  - {name: WETH, price: 2000}\n"
    "  - {name: stETH, price: 2000}\n"
    "pools:\n"
    "  - {name: curve, kind: stableswap, amplification: 50, token0: stETH, token1: WETH,\n"
    "     reserve0: 10000, reserve1: 10000, fee: 0.0004}\n"
    "oracles:\n"
    "  - {name: ETH/USD, source: market, asset: WETH}\n"
    "  - {name: stETH/ETH, source: pool_spot, pool: curve}\n"
    "  - {name: stETH/USD, source: market, asset: stETH}\n"
    "protocols:\n"
    "  - name: L\n"
    "    debt_asset: WETH\n"
    "    debt_oracle: ETH/USD\n"
    "    markets:\n"
    "      - {asset: stETH, oracle: stETH/USD, route: curve, liquidation_threshold: 0.93,\n"
    "         liquidation_bonus: 0.01}\n"
    "shocks:\n"
    "  - {type: schedule, asset: stETH, steps: [{round: 1, return: -0.05}]}\n";

static void test_stableswap_route_and_oracle(void **state)
{
    (void)state;
    liq_scenario_t *sc = NULL;
    assert_int_equal(liq_scenario_parse(&sc, steth_yaml, strlen(steth_yaml), "t.yaml", NULL),
                     LIQ_OK);
    /* 100 stETH against 90 WETH: HF 0.93 x 100 / 90 = 1.033 at par, 0.982 after. */
    int32_t protocol[1] = {0}, market[1] = {0};
    double collateral[1] = {100.0}, debt[1] = {90.0};
    const liq_positions_t pos = {1, protocol, market, collateral, debt, NULL};
    liq_sim_t *sim = NULL;
    const liq_sim_options_t opt = {.threads = 1};
    assert_int_equal(liq_sim_create(&sim, sc, &pos, &opt), LIQ_OK);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_close(v.pool_price[0], 1.0, 1e-15);
    assert_close(v.oracle_price[1], 1.0, 1e-15);

    assert_int_equal(liq_sim_step(sim), LIQ_OK);
    liq_sim_view(sim, &v);
    /* Arbitrage takes the pool to S_stETH / S_WETH = 0.95 along its
     * invariant; the pool oracle publishes that marginal price. */
    const double target = 0.95;
    const liq_arbitrage_t arb = liq_ss_arbitrage(10000.0, 10000.0, target, 1.0, 50.0);
    assert_close(v.oracle_price[1], target, 1e-12);
    /* One liquidation; its seized stETH is sold on the pool as Curve's
     * exchange would. */
    assert_int_equal(v.liquidations[0], 1);
    const double seized = v.market_seized[0];
    assert_true(seized > 0.0);
    assert_close(v.pool_liquidation_in0[0], seized, 0);
    assert_close(v.pool_reserve0[0], arb.reserve0 + seized, 1e-15);
    assert_close(v.pool_reserve1[0],
                 arb.reserve1 - liq_ss_amount_out(seized, arb.reserve0, arb.reserve1, 0.0004, 50.0),
                 1e-15);
    assert_close(v.pool_price[0], liq_ss_spot_price(v.pool_reserve0[0], v.pool_reserve1[0], 50.0),
                 1e-15);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* WETH collateral against USDC debt, sold on two pools at the same price,
 * the second 3 times as deep. ROUTING is replaced by the test. */
static const char *routes_yaml =
    "name: routes\n"
    "rounds: 1\n"
    "assets:\n"
    "  - {name: USDC, price: 1}\n"
    "  - {name: WETH, price: 2000}\n"
    "pools:\n"
    "  - {name: small, token0: WETH, token1: USDC, reserve0: 100, reserve1: 200000, fee: 0}\n"
    "  - {name: deep, token0: USDC, token1: WETH, reserve0: 600000, reserve1: 300, fee: 0}\n"
    "oracles:\n"
    "  - {name: USDC/USD, source: market, asset: USDC}\n"
    "  - {name: ETH/USD, source: market, asset: WETH}\n"
    "protocols:\n"
    "  - name: L\n"
    "    debt_asset: USDC\n"
    "    debt_oracle: USDC/USD\n"
    "    markets:\n"
    "      - {asset: WETH, oracle: ETH/USD, liquidation_threshold: 0.8, liquidation_bonus: 0.05,\n"
    "         ROUTING}\n"
    "shocks:\n"
    "  - {type: schedule, asset: WETH, steps: [{round: 1, return: -0.1}]}\n";

/* Runs one round of routes_yaml with `routing` in place of ROUTING; one
 * account of 10 WETH owing 15000 USDC is liquidated. */
static void one_routed_round(const char *routing, liq_state_view_t *v, liq_sim_t **sim,
                             liq_scenario_t **sc)
{
    char yaml[4096];
    const char *at = strstr(routes_yaml, "ROUTING");
    snprintf(yaml, sizeof(yaml), "%.*s%s%s", (int)(at - routes_yaml), routes_yaml, routing,
             at + strlen("ROUTING"));
    assert_int_equal(liq_scenario_parse(sc, yaml, strlen(yaml), "t.yaml", NULL), LIQ_OK);
    int32_t protocol[1] = {0}, market[1] = {0};
    double collateral[1] = {10.0}, debt[1] = {15000.0};
    const liq_positions_t pos = {1, protocol, market, collateral, debt, NULL};
    const liq_sim_options_t opt = {.threads = 1};
    assert_int_equal(liq_sim_create(sim, *sc, &pos, &opt), LIQ_OK);
    assert_int_equal(liq_sim_step(*sim), LIQ_OK);
    liq_sim_view(*sim, v);
    assert_int_equal(v->liquidations[0], 1);
}

static void test_routing_by_weight(void **state)
{
    (void)state;
    liq_state_view_t v;
    liq_sim_t *sim = NULL;
    liq_scenario_t *sc = NULL;
    one_routed_round("routes: [{pool: small, weight: 0.25}, {pool: deep, weight: 0.75}]", &v, &sim,
                     &sc);
    const double seized = v.market_seized[0];
    /* WETH is token0 of `small` and token1 of `deep`. */
    assert_close(v.pool_liquidation_in0[0], 0.25 * seized, 0);
    assert_close(v.pool_liquidation_in1[1], 0.75 * seized, 0);
    assert_true(v.pool_liquidation_in1[0] == 0.0 && v.pool_liquidation_in0[1] == 0.0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_routing_by_best_price(void **state)
{
    (void)state;
    liq_state_view_t v;
    liq_sim_t *sim = NULL;
    liq_scenario_t *sc = NULL;
    one_routed_round("routing: best_price, routes: [{pool: small}, {pool: deep}]", &v, &sim, &sc);
    /* After arbitrage both pools sit at 1800 USDC per WETH; with no fee and
     * equal prices, the best split is proportional to depth: 1/4 and 3/4
     * (the closed form of test_model.c's routing test). */
    const double seized = v.market_seized[0];
    assert_close(v.pool_liquidation_in0[0], 0.25 * seized, 1e-12);
    assert_close(v.pool_liquidation_in1[1], 0.75 * seized, 1e-12);
    assert_close(v.pool_liquidation_in0[0] + v.pool_liquidation_in1[1], seized, 1e-15);
    /* Both pools end at the same price. */
    assert_close(v.pool_price[0], 1.0 / v.pool_price[1], 1e-12);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* A linear book as route and oracle source: 100 WETH move its mid by its
 * initial 2000 (reserve0 100, reserve1 2e5: slope 20); WETH falls 5% and
 * the book's quotes follow half the way in log price (arbitrage 0.5). */
static void test_linear_book_route(void **state)
{
    (void)state;
    const char *yaml =
        "name: book\n"
        "rounds: 1\n"
        "assets: [{name: USDC, price: 1}, {name: WETH, price: 2000}]\n"
        "pools:\n"
        "  - {name: cex, kind: linear_book, token0: WETH, token1: USDC, reserve0: 100,\n"
        "     reserve1: 200000, fee: 0, arbitrage: 0.5}\n"
        "oracles:\n"
        "  - {name: USDC/USD, source: market, asset: USDC}\n"
        "  - {name: mid, source: pool_spot, pool: cex}\n"
        "protocols:\n"
        "  - name: L\n"
        "    debt_asset: USDC\n"
        "    debt_oracle: USDC/USD\n"
        "    markets:\n"
        "      - {asset: WETH, oracle: mid, route: cex, liquidation_threshold: 0.8,\n"
        "         liquidation_bonus: 0.05}\n"
        "shocks:\n"
        "  - {type: schedule, asset: WETH, steps: [{round: 1, return: -0.05}]}\n";
    liq_scenario_t *sc = NULL;
    assert_int_equal(liq_scenario_parse(&sc, yaml, strlen(yaml), "t.yaml", NULL), LIQ_OK);
    int32_t protocol[1] = {0}, market[1] = {0};
    double collateral[1] = {10.0}, debt[1] = {15800.0};
    const liq_positions_t pos = {1, protocol, market, collateral, debt, NULL};
    liq_sim_t *sim = NULL;
    const liq_sim_options_t opt = {.threads = 1};
    assert_int_equal(liq_sim_create(&sim, sc, &pos, &opt), LIQ_OK);
    assert_int_equal(liq_sim_step(sim), LIQ_OK);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    /* The quotes move to sqrt(2000 x 1900); the oracle reads that mid. */
    const double mid = sqrt(2000.0 * 1900.0);
    assert_close(v.oracle_price[1], mid, 1e-15);
    /* HF 0.8 x 10 x mid / 15800 = 0.987: half the debt is repaid and the
     * seized WETH goes down the bids. */
    assert_int_equal(v.liquidations[0], 1);
    const double seized = v.market_seized[0];
    assert_close(seized, 7900.0 * 1.05 / mid, 1e-14);
    assert_close(v.pool_price[0], mid - 20.0 * seized, 1e-14);
    assert_close(v.pool_reserve0[0], 100.0, 0); /* the depth stays */
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_pool_kind_errors(void **state)
{
    (void)state;
    expect_scenario_error(
        "rounds: 1\n"
        "assets: [{name: A, price: 1}, {name: B, price: 1}]\n"
        "pools:\n"
        "  - {name: p, kind: stableswap, token0: A, token1: B, reserve0: 1, reserve1: 1}\n",
        LIQ_EKEY, "bad.yaml:4:5: pools[0]: missing key 'amplification'");
    expect_scenario_error(
        "rounds: 1\n"
        "assets: [{name: A, price: 1}, {name: B, price: 1}]\n"
        "pools:\n"
        "  - {name: p, token0: A, token1: B, reserve0: 1, reserve1: 1, amplification: 5}\n",
        LIQ_EKEY,
        "bad.yaml:4:78: pools[0].amplification: not allowed for kind constant_product; "
        "expected it only with kind stableswap");
    expect_scenario_error(
        "rounds: 1\n"
        "assets: [{name: A, price: 1}, {name: B, price: 1}]\n"
        "pools:\n"
        "  - {name: p, kind: stableswap, amplification: -5, token0: A, token1: B,\n"
        "     reserve0: 1, reserve1: 1}\n",
        LIQ_EINVAL,
        "bad.yaml:4:48: pools[0].amplification: value -5 is negative; expected a "
        "finite number > 0");
}

#define ROUTES_HEAD                                                                                \
    "rounds: 1\n"                                                                                  \
    "assets: [{name: A, price: 1}, {name: B, price: 1}]\n"                                         \
    "pools:\n"                                                                                     \
    "  - {name: p, token0: A, token1: B, reserve0: 1, reserve1: 1}\n"                              \
    "  - {name: q, token0: B, token1: A, reserve0: 1, reserve1: 1}\n"                              \
    "oracles: [{name: O, source: market, asset: A}, {name: P, source: market, asset: B}]\n"        \
    "protocols:\n"                                                                                 \
    "  - name: L\n"                                                                                \
    "    debt_asset: B\n"                                                                          \
    "    debt_oracle: P\n"                                                                         \
    "    markets:\n"

static void test_routing_errors(void **state)
{
    (void)state;
    expect_scenario_error(
        ROUTES_HEAD "      - {asset: A, oracle: O, liquidation_threshold: 0.8, "
                    "liquidation_bonus: 0.05, route: p,\n"
                    "         routes: [{pool: p, weight: 1}]}\n",
        LIQ_EINVAL,
        "bad.yaml:12:9: protocols[0].markets[0]: both route and routes; expected either "
        "route (one pool) or routes (a list)");
    expect_scenario_error(ROUTES_HEAD
                          "      - {asset: A, oracle: O, liquidation_threshold: 0.8, "
                          "liquidation_bonus: 0.05,\n"
                          "         routes: [{pool: p, weight: 0.5}, {pool: q, weight: 0.4}]}\n",
                          LIQ_EINVAL,
                          "bad.yaml:13:18: protocols[0].markets[0].routes: the weights add up to "
                          "0.90000000000000002; expected weights adding up to 1");
    expect_scenario_error(
        ROUTES_HEAD "      - {asset: A, oracle: O, liquidation_threshold: 0.8, "
                    "liquidation_bonus: 0.05,\n"
                    "         routing: best_price, routes: [{pool: p, weight: 0.5}]}\n",
        LIQ_EKEY,
        "bad.yaml:13:58: protocols[0].markets[0].routes[0].weight: not allowed for "
        "routing best_price; expected no weight (the split is found each round)");
    expect_scenario_error(
        ROUTES_HEAD "      - {asset: A, oracle: O, liquidation_threshold: 0.8, "
                    "liquidation_bonus: 0.05,\n"
                    "         routing: best_price, routes: [{pool: p}, {pool: p}]}\n",
        LIQ_EINVAL,
        "bad.yaml:13:58: protocols[0].markets[0].routes[1].pool: pool 'p' is already "
        "routes[0]; expected each pool once");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stableswap_route_and_oracle),
        cmocka_unit_test(test_pool_kind_errors),
        cmocka_unit_test(test_routing_by_weight),
        cmocka_unit_test(test_routing_by_best_price),
        cmocka_unit_test(test_linear_book_route),
        cmocka_unit_test(test_routing_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
