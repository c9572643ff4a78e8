/*
 * Perpetual futures (MODEL.md s5) against hand-worked values: tiered
 * maintenance and equity, bankruptcy prices and the exact-output buy; a long
 * and a short liquidation with their route flows (a sale and a buy) and the
 * exact pool effects; a bankrupt position paid by the insurance fund; one
 * the fund cannot cover, auto-deleveraged against the opposite positions
 * ranked by unrealised PnL x leverage (amounts, prices and ADL volume by
 * hand); ADL that runs out of counterparties (deficit); a cross-margin perp
 * account against the same positions isolated; conservation over a random
 * cascade (fund + ADL + deficit = losses, position units closed = routed +
 * 2 x ADL); determinism at 1, 2 and 3 threads; scenario errors by message.
 *
 * Accounts come from generators whose distributions are degenerate (sigma
 * 0, min = max leverage, long_share 0 or 1), so each generator of count 1
 * places one known position; the tests read the store (src/engine/perp.h).
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

#define LIQ_TEST_FILE "perp.yaml"
#include "liq_test.h"
#include <hdf5.h>
#include <unistd.h>

#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "liqnet/amm.h"
#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/metrics.h"
#include "liqnet/perp.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* BTC at 100 against USDC at 1, no market impact, a constant-product pool
 * of 10^4 BTC and 10^6 USDC (fee 0.3%, full arbitrage), oracles reading the
 * reference prices every round. One perp exchange: insurance fund, BTC
 * market with one maintenance tier of 5% and a liquidation fee. */
#define PERP_HEAD                                                                                  \
    "rounds: 2\n"                                                                                  \
    "assets:\n"                                                                                    \
    "  - {name: BTC, price: 100}\n"                                                                \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: BTC-USDC, token0: BTC, token1: USDC, reserve0: 1.0e4, reserve1: 1.0e6}\n"          \
    "oracles:\n"                                                                                   \
    "  - {name: BTC/USD, source: market, asset: BTC}\n"                                            \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: Perps\n"                                                                            \
    "    kind: perp\n"                                                                             \
    "    margin_asset: USDC\n"                                                                     \
    "    margin_oracle: USD\n"                                                                     \
    "    insurance_fund: %s\n"                                                                     \
    "    markets:\n"                                                                               \
    "      - asset: BTC\n"                                                                         \
    "        oracle: BTC/USD\n"                                                                    \
    "        route: BTC-USDC\n"                                                                    \
    "        liquidation_fee: %s\n"                                                                \
    "        tiers: [{notional_up_to: unlimited, mmr: 0.05}]\n"

/* One account: notional (USD), leverage, long (1) or short (0). */
#define ACCOUNT(notional, leverage, is_long)                                                       \
    "  - {protocol: Perps, market: BTC, count: 1, long_share: " #is_long                           \
    ", size: {distribution: lognormal, median: " #notional ", sigma: 0}, leverage: "               \
    "{distribution: uniform, min: " #leverage ", max: " #leverage "}}\n"

static liq_scenario_t *perp_scenario(const char *fund, const char *fee, const char *accounts,
                                     const char *shocks)
{
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), PERP_HEAD "accounts:\n%sshocks:\n%s", fund, fee, accounts, shocks);
    return parse_scenario(yaml);
}

static const liq_perp_t *store(const liq_sim_t *sim)
{
    return sim->perp;
}

/* ------------------------------------------------------------- the maths */

static void test_tiers_equity_maintenance(void **state)
{
    (void)state;
    /* Binance-style tiers: 1% to 10k, 2.5% to 100k, 5% above. */
    const liq_perp_tier_t tiers[] = {{1.0e4, 0.01}, {1.0e5, 0.025}, {INFINITY, 0.05}};
    assert_true(liq_perp_mmr(3, tiers, 5000.0) == 0.01);
    assert_true(liq_perp_mmr(3, tiers, 1.0e4) == 0.01); /* a bound belongs to its tier */
    assert_true(liq_perp_mmr(3, tiers, 10000.5) == 0.025);
    assert_true(liq_perp_mmr(3, tiers, 1.0e6) == 0.05);
    /* 200 short at 100: notional 20000 is tier 2, maintenance 500; 5 long
     * at 100: notional 500, tier 1, maintenance 5; 2000 long: 10%... 5%. */
    assert_close(liq_perp_maintenance(3, tiers, -200.0, 100.0), 500.0, 1e-15);
    assert_close(liq_perp_maintenance(3, tiers, 5.0, 100.0), 5.0, 1e-15);
    assert_close(liq_perp_maintenance(3, tiers, 2000.0, 100.0), 1.0e4, 1e-15);
    /* Equity m + q (O - e): 1000 + 2 (90 - 100) = 980; a short gains. */
    assert_close(1000.0 + liq_perp_pnl(2.0, 100.0, 90.0), 980.0, 1e-15);
    assert_close(liq_perp_pnl(-3.0, 100.0, 90.0), 30.0, 1e-15);
    /* Bankruptcy prices: a 10 long from 100 with margin 50 marked at 94 has
     * equity -10 and is bankrupt at e - m / q = 95; the mirror short at 106
     * at e + m / |q| = 105. */
    assert_close(liq_perp_bankruptcy_price(10.0, 94.0, 50.0 + 10.0 * (94.0 - 100.0), 940.0), 95.0,
                 1e-14);
    assert_close(liq_perp_bankruptcy_price(-10.0, 106.0, 50.0 - 10.0 * (106.0 - 100.0), 1060.0),
                 105.0, 1e-14);
    /* The exact-output buy inverts the MODEL.md Uniswap v2 vector: selling
     * 1 into (5, 10) at 0.3% pays 1.662497915624478906, so buying that much
     * costs 1; a pool cannot pay its whole reserve. */
    assert_close(liq_cp_amount_in(1.662497915624478906, 5.0, 10.0, 0.003), 1.0, 1e-15);
    assert_true(isinf(liq_cp_amount_in(10.0, 5.0, 10.0, 0.003)));
}

/* ----------------------------------------------- liquidations and flows */

/* A 10x long and a 10x short of 10^4 notional (100 BTC each, margin 1000).
 * The long's equity 1000 + 100 (O - 100) falls below 5 O once O < 94.74:
 * round 1 takes BTC to 94 (a simple return of -6%). The short's
 * 1000 - 100 (O - 100) falls below 5 O once O > 104.76: round 2 takes BTC
 * to 94 x 1.12 = 105.28. */
static void test_long_and_short_liquidation_flows(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        perp_scenario("1000", "0.01", ACCOUNT(10000, 10, 1) ACCOUNT(10000, 10, 0),
                      "  - {type: schedule, asset: BTC, steps: [{round: 1, return: -0.06},"
                      " {round: 2, return: 0.12}]}\n");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = store(sim);
    assert_int_equal(pp->n_accounts, 2);
    assert_true(pp->position[0] == 100.0 && pp->position[1] == -100.0);
    assert_true(pp->margin[0] == 1000.0 && pp->entry[0] == 100.0);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_true(v.open_interest_long[0] == 1.0e4 && v.open_interest_short[0] == 1.0e4);

    /* Round 1: the long is liquidated, its 100 BTC sold into the pool. */
    double x = 1.0e4, y = 1.0e6;
    step_sim(sim, &v);
    double mark = v.oracle_price[0];
    assert_close(mark, 94.0, 1e-14);
    liq_arbitrage_t arb = liq_cp_arbitrage(x, y, mark, 1.0);
    const double paid = liq_cp_amount_out(100.0, arb.reserve0, arb.reserve1, 0.003);
    assert_close(v.pool_reserve0[0], arb.reserve0 + 100.0, 1e-15);
    assert_close(v.pool_reserve1[0], arb.reserve1 - paid, 1e-15);
    assert_true(v.pool_liquidation_in0[0] == 100.0 && v.pool_liquidation_in1[0] == 0.0);
    assert_int_equal(v.liquidations[0], 1);
    assert_int_equal(v.perp_liquidations[0], 1);
    assert_close(v.liquidated_notional[0], 100.0 * mark, 1e-15);
    assert_close(v.seized_value[0], 100.0 * mark, 1e-15);
    /* Equity 1000 - 100 (100 - O) = 400 > fee 1% of 9400 = 94: the fee
     * goes to the fund, the rest back to the owner. */
    assert_close(v.insurance_fund[0], 1000.0 + 0.01 * 100.0 * mark, 1e-15);
    assert_true(v.bad_debt[0] == 0.0 && v.deficit[0] == 0.0 && v.adl_volume[0] == 0.0);
    assert_true(pp->position[0] == 0.0 && pp->margin[0] == 0.0);
    assert_true(v.open_interest_long[0] == 0.0);
    assert_close(v.open_interest_short[0], 100.0 * mark, 1e-15);
    const double fund1 = v.insurance_fund[0];

    /* Round 2: the short is liquidated by buying 100 BTC from the pool:
     * USDC in = y 100 / ((x - 100)(1 - fee)). */
    x = v.pool_reserve0[0];
    y = v.pool_reserve1[0];
    step_sim(sim, &v);
    mark = v.oracle_price[0];
    assert_close(mark, 105.28, 1e-14);
    arb = liq_cp_arbitrage(x, y, mark, 1.0);
    const double cost = arb.reserve1 * 100.0 / ((arb.reserve0 - 100.0) * (1.0 - 0.003));
    assert_close(v.pool_reserve0[0], arb.reserve0 - 100.0, 1e-15);
    assert_close(v.pool_reserve1[0], arb.reserve1 + cost, 1e-15);
    assert_true(v.pool_liquidation_in0[0] == 0.0);
    assert_close(v.pool_liquidation_in1[0], cost, 1e-15);
    /* The buy pushed the pool above the mark: buying moves price up. */
    assert_true(v.pool_price[0] > mark);
    assert_int_equal(v.perp_liquidations[0], 1);
    assert_close(v.insurance_fund[0], fund1 + 0.01 * 100.0 * mark, 1e-15);
    assert_true(v.open_interest_long[0] == 0.0 && v.open_interest_short[0] == 0.0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* A 50x long (100 BTC, margin 200) at BTC 90: equity
 * 200 - 100 (100 - 90) = -800, all of it paid by a fund of 1000. */
static void test_bankrupt_paid_by_fund(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        perp_scenario("1000", "0.01", ACCOUNT(10000, 50, 1),
                      "  - {type: schedule, asset: BTC, steps: [{round: 1, return: -0.1}]}\n");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    step_sim(sim, NULL);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    const double mark = v.oracle_price[0];
    const double loss = -(200.0 + 100.0 * (mark - 100.0));
    assert_close(loss, 800.0, 1e-13);
    assert_close(v.bad_debt[0], loss, 1e-13);
    assert_close(v.insurance_fund[0], 200.0, 1e-13);
    assert_true(v.deficit[0] == 0.0 && v.adl_volume[0] == 0.0 && v.adl_count[0] == 0);
    /* No fee from an account without equity; the whole position sold. */
    assert_true(v.pool_liquidation_in0[0] == 100.0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* The same 50x long (100 BTC, margin 200) with a fund of 100, against three
 * shorts: S1 20 BTC at 2x (margin 1000), S2 40 BTC at 5x (margin 800), S3
 * 30 BTC at 10x (margin 300); and a 1x long that ADL never touches. At
 * O = 90 the loss is L = 800; the fund pays 100, so the share
 * f = 700 / 800 of the position, 87.5 BTC, is taken over by the shorts at
 * the bankruptcy price e - m / q = 98. Each short's PnL is 10 |q|; its
 * leverage is notional / equity: S1 200 x 1800 / 1200 = 300, S2
 * 400 x 3600 / 1200 = 1200, S3 300 x 2700 / 600 = 1350. S3 and S2 are
 * closed (70 BTC), S1 gives the last 17.5 and keeps 2.5. */
static void test_adl_ranked_by_pnl_times_leverage(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        perp_scenario("100", "0",
                      ACCOUNT(10000, 50, 1) ACCOUNT(2000, 2, 0) ACCOUNT(4000, 5, 0)
                          ACCOUNT(3000, 10, 0) ACCOUNT(1000, 1, 1),
                      "  - {type: schedule, asset: BTC, steps: [{round: 1, return: -0.1}]}\n");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = store(sim);
    step_sim(sim, NULL);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    const double mark = v.oracle_price[0];
    const double gain = 100.0 - mark; /* each short's PnL per BTC */
    const double loss = -(200.0 + 100.0 * (mark - 100.0));
    const double adl_units = 100.0 * (loss - 100.0) / loss;
    /* The scores by hand, in the order the test claims. */
    const double s1 = 20.0 * gain * (20.0 * mark / (1000.0 + 20.0 * gain));
    const double s2 = 40.0 * gain * (40.0 * mark / (800.0 + 40.0 * gain));
    const double s3 = 30.0 * gain * (30.0 * mark / (300.0 + 30.0 * gain));
    assert_true(s3 > s2 && s2 > s1);
    assert_close(s1, 300.0, 1e-12);
    assert_close(s2, 1200.0, 1e-12);
    assert_close(s3, 1350.0, 1e-12);
    assert_close(adl_units, 87.5, 1e-13);
    assert_int_equal(v.perp_liquidations[0], 1);
    assert_close(v.bad_debt[0], loss, 1e-13);
    assert_true(v.insurance_fund[0] == 0.0);
    assert_true(v.deficit[0] == 0.0);
    assert_close(v.adl_covered[0], loss - 100.0, 1e-13);
    assert_int_equal(v.adl_count[0], 3);
    assert_close(v.adl_volume[0], adl_units * mark, 1e-13);
    /* Positions and margins after: S3 and S2 closed at 98 (each short
     * realises 2 per BTC), S1 reduced by the rest. */
    assert_true(pp->position[3] == 0.0 && pp->position[2] == 0.0);
    assert_close(pp->position[1], -(20.0 - (adl_units - 70.0)), 1e-13);
    assert_close(pp->margin[3], 300.0 + 30.0 * 2.0, 1e-13);
    assert_close(pp->margin[2], 800.0 + 40.0 * 2.0, 1e-13);
    assert_close(pp->margin[1], 1000.0 + (adl_units - 70.0) * 2.0, 1e-12);
    assert_true(pp->position[4] == 10.0 && pp->margin[4] == 1000.0);
    /* The shorts gave up (98 - O) per BTC against the mark: the loss. */
    assert_close(adl_units * (98.0 - mark), loss - 100.0, 1e-12);
    /* Only the part not taken over is sold into the pool. */
    assert_close(v.pool_liquidation_in0[0], 100.0 - adl_units, 1e-13);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* No fund and one 10 BTC short: the whole loss goes to ADL (f = 1), the
 * short takes 10 of the 100 BTC at 98 and the loss on the other 90,
 * 90 (98 - O), is the protocol's deficit. */
static void test_adl_runs_out(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        perp_scenario("0", "0", ACCOUNT(10000, 50, 1) ACCOUNT(1000, 2, 0),
                      "  - {type: schedule, asset: BTC, steps: [{round: 1, return: -0.1}]}\n");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = store(sim);
    step_sim(sim, NULL);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    const double mark = v.oracle_price[0];
    const double loss = -(200.0 + 100.0 * (mark - 100.0));
    assert_close(v.deficit[0], 90.0 * (98.0 - mark), 1e-12);
    assert_close(v.adl_covered[0], 10.0 * (98.0 - mark), 1e-12);
    assert_close(v.deficit[0] + v.adl_covered[0], loss, 1e-13);
    assert_int_equal(v.adl_count[0], 1);
    assert_close(v.adl_volume[0], 10.0 * mark, 1e-15);
    assert_true(pp->position[1] == 0.0);
    assert_close(pp->margin[1], 500.0 + 10.0 * 2.0, 1e-13);
    assert_close(v.pool_liquidation_in0[0], 90.0, 1e-13);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* ------------------------------------------------------------ cross margin */

/* BTC (mmr 5%) and ETH (mmr 10%) perps. One cross account of 2x10^4
 * notional split evenly, both long, at 10x: margin 2000, 100 BTC and 1000
 * ETH. BTC falls 15%: equity 2000 - 100 (100 - 85) = 500 against
 * maintenance 5 x 85 + 1000 = 1425: liquidated, both positions closed
 * (100 BTC and 1000 ETH sold), the equity left returned. The same positions
 * isolated (margin 1000 each): the BTC one is bankrupt (-500, paid by the
 * fund), the ETH one is untouched. */
#define CROSS_YAML                                                                                 \
    "rounds: 1\n"                                                                                  \
    "assets:\n"                                                                                    \
    "  - {name: BTC, price: 100}\n"                                                                \
    "  - {name: ETH, price: 10}\n"                                                                 \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: BTC-USDC, token0: BTC, token1: USDC, reserve0: 1.0e4, reserve1: 1.0e6}\n"          \
    "  - {name: USDC-ETH, token0: USDC, token1: ETH, reserve0: 1.0e6, reserve1: 1.0e5}\n"          \
    "oracles:\n"                                                                                   \
    "  - {name: BTC/USD, source: market, asset: BTC}\n"                                            \
    "  - {name: ETH/USD, source: market, asset: ETH}\n"                                            \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: Perps\n"                                                                            \
    "    kind: perp\n"                                                                             \
    "    margin_asset: USDC\n"                                                                     \
    "    margin_oracle: USD\n"                                                                     \
    "    insurance_fund: 1000\n"                                                                   \
    "    markets:\n"                                                                               \
    "      - {asset: BTC, oracle: BTC/USD, route: BTC-USDC,"                                       \
    " tiers: [{notional_up_to: unlimited, mmr: 0.05}]}\n"                                          \
    "      - {asset: ETH, oracle: ETH/USD, route: USDC-ETH,"                                       \
    " tiers: [{notional_up_to: unlimited, mmr: 0.1}]}\n"                                           \
    "accounts:\n"                                                                                  \
    "%s"                                                                                           \
    "shocks:\n"                                                                                    \
    "  - {type: schedule, asset: BTC, steps: [{round: 1, return: -0.15}]}\n"

static void test_cross_margin_account(void **state)
{
    (void)state;
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), CROSS_YAML,
             "  - {protocol: Perps, margin: cross, markets: {BTC: 1, ETH: 1}, count: 1,"
             " long_share: 1, size: {distribution: lognormal, median: 20000, sigma: 0},"
             " leverage: {distribution: uniform, min: 10, max: 10}}\n");
    liq_scenario_t *sc = parse_scenario(yaml);
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = store(sim);
    assert_int_equal(pp->n_accounts, 1);
    assert_int_equal(pp->n_positions, 2);
    assert_true(pp->position[0] == 100.0 && pp->position[1] == 1000.0 && pp->margin[0] == 2000.0);
    step_sim(sim, NULL);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    const double mark = v.oracle_price[0];
    assert_close(mark, 85.0, 1e-14);
    const double equity = 2000.0 - 100.0 * (100.0 - mark);
    assert_true(equity > 0.0 && equity < 5.0 * mark + 1000.0);
    assert_int_equal(v.perp_liquidations[0], 1);
    assert_close(v.liquidated_notional[0], 100.0 * mark + 1.0e4, 1e-15);
    assert_true(v.pool_liquidation_in0[0] == 100.0);  /* BTC is token0 of BTC-USDC */
    assert_true(v.pool_liquidation_in1[1] == 1000.0); /* ETH is token1 of USDC-ETH */
    assert_true(v.bad_debt[0] == 0.0 && v.insurance_fund[0] == 1000.0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);

    /* Isolated: two accounts of 10^4 notional at 10x. */
    snprintf(yaml, sizeof(yaml), CROSS_YAML,
             "  - {protocol: Perps, market: BTC, count: 1, long_share: 1,"
             " size: {distribution: lognormal, median: 10000, sigma: 0},"
             " leverage: {distribution: uniform, min: 10, max: 10}}\n"
             "  - {protocol: Perps, market: ETH, count: 1, long_share: 1,"
             " size: {distribution: lognormal, median: 10000, sigma: 0},"
             " leverage: {distribution: uniform, min: 10, max: 10}}\n");
    sc = parse_scenario(yaml);
    sim = create_sim(sc, NULL, 1);
    pp = store(sim);
    step_sim(sim, &v);
    assert_int_equal(v.perp_liquidations[0], 1);
    assert_close(v.bad_debt[0], 100.0 * (100.0 - mark) - 1000.0, 1e-13);
    assert_true(v.pool_liquidation_in1[1] == 0.0);
    assert_true(pp->position[1] == 1000.0 && pp->margin[1] == 1000.0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* ------------------------------------------- conservation and determinism */

/* A random book of 7x10^4 accounts (enough for the parallel scan), two
 * thirds long, 2x to 30x, in a falling then rebounding market with finite
 * depth, a small fund and a throughput limit. */
#define RANDOM_YAML                                                                                \
    "rounds: 12\n"                                                                                 \
    "seed: 7\n"                                                                                    \
    "assets:\n"                                                                                    \
    "  - {name: BTC, price: 100, market_depth: 2.0e5, market_resilience: 0.2}\n"                   \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: BTC-USDC, token0: BTC, token1: USDC, reserve0: 2.0e5, reserve1: 2.0e7,"            \
    " arbitrage: 0.5}\n"                                                                           \
    "oracles:\n"                                                                                   \
    "  - {name: BTC/USD, source: pool_spot, pool: BTC-USDC}\n"                                     \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: Perps\n"                                                                            \
    "    kind: perp\n"                                                                             \
    "    margin_asset: USDC\n"                                                                     \
    "    margin_oracle: USD\n"                                                                     \
    "    insurance_fund: %s\n"                                                                     \
    "    keepers: {max_liquidations: 3000}\n"                                                      \
    "    markets:\n"                                                                               \
    "      - asset: BTC\n"                                                                         \
    "        oracle: BTC/USD\n"                                                                    \
    "        route: BTC-USDC\n"                                                                    \
    "        liquidation_fee: 0.005\n"                                                             \
    "        tiers: [{notional_up_to: 5000, mmr: 0.01}, {notional_up_to: 50000, mmr: 0.02},"       \
    " {notional_up_to: unlimited, mmr: 0.05}]\n"                                                   \
    "accounts:\n"                                                                                  \
    "  - {protocol: Perps, market: BTC, count: 70000, long_share: 0.67,"                           \
    " size: {distribution: pareto, alpha: 1.5, min: 200, max: 2.0e5},"                             \
    " leverage: {distribution: uniform, min: 2, max: %s}}\n"                                       \
    "shocks:\n"                                                                                    \
    "  - {type: schedule, asset: BTC, steps: [{round: 1, return: -0.08},"                          \
    " {round: 3, return: -0.05}, {round: 6, return: 0.12}]}\n"

typedef struct {
    double bad_debt, deficit, fund, adl_covered, adl_volume, open_long, open_short;
    int64_t liquidations, stalled, adl_count;
    double reserve0, reserve1;
    double position_sum, margin_sum;
} trace_t;

/* Runs the random book with `threads`, checking conservation each round,
 * and returns a trace of the last round. */
static trace_t run_random(const char *fund, int threads)
{
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), RANDOM_YAML, fund, "30");
    liq_scenario_t *sc = parse_scenario(yaml);
    liq_sim_t *sim = create_sim(sc, NULL, threads);
    const liq_perp_t *pp = store(sim);
    liq_state_view_t v;
    double units = 0.0; /* sum of |q| */
    for (size_t j = 0; j < pp->n_positions; j++) {
        units += fabs(pp->position[j]);
    }
    const double fund0 = sc->protocols[0].insurance_fund;
    double fees = 0.0, fund_paid = 0.0, adl_volume = 0.0;
    int64_t total_adl = 0;
    liq_metrics_t *mt = NULL;
    assert_int_equal(liq_metrics_create(&mt, sim), LIQ_OK);
    for (int64_t t = 1; t <= sc->rounds; t++) {
        step_sim(sim, &v);
        assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);
        adl_volume += v.adl_volume[0];
        fees += pp->fee[0];
        total_adl += v.adl_count[0];
        double now = 0.0;
        for (size_t j = 0; j < pp->n_positions; j++) {
            now += fabs(pp->position[j]);
        }
        /* Units closed = routed + 2 x ADL (the bankrupt's share and the
         * counterparties' reductions): one market, so ADL units are the
         * ADL volume over the mark. */
        const double routed = pp->sell[0] + pp->buy[0];
        const double adl_units = v.adl_volume[0] / pp->mark[0];
        assert_close(units - now, routed + 2.0 * adl_units, 1e-9);
        units = now;
        fund_paid = fund0 + fees - v.insurance_fund[0];
        /* Losses = fund + ADL + deficit. */
        assert_close(fund_paid + v.adl_covered[0] + v.deficit[0], v.bad_debt[0], 1e-9);
        assert_true(v.perp_liquidations[0] <= 3000);
    }
    assert_close(pp->fund_covered[0], fund_paid, 1e-9);
    /* The summary's ADL volume is the sum of the per-round series. */
    const liq_summary_t *summary = liq_metrics_summary(mt);
    assert_true(summary->adl_volume[0] == adl_volume);
    assert_true(summary->total_adl_volume == adl_volume);
    liq_metrics_destroy(mt);
    trace_t tr = {.bad_debt = v.bad_debt[0],
                  .deficit = v.deficit[0],
                  .fund = v.insurance_fund[0],
                  .adl_covered = v.adl_covered[0],
                  .adl_volume = v.adl_volume[0],
                  .open_long = v.open_interest_long[0],
                  .open_short = v.open_interest_short[0],
                  .liquidations = v.liquidations[0],
                  .stalled = v.stalled[0],
                  .adl_count = total_adl,
                  .reserve0 = v.pool_reserve0[0],
                  .reserve1 = v.pool_reserve1[0]};
    for (size_t j = 0; j < pp->n_positions; j++) {
        tr.position_sum += pp->position[j];
    }
    for (size_t a = 0; a < pp->n_accounts; a++) {
        tr.margin_sum += pp->margin[a];
    }
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
    return tr;
}

static void test_conservation_and_determinism(void **state)
{
    (void)state;
    const trace_t one = run_random("20000", 1);
    /* The cascade happened and reached ADL. */
    assert_true(one.bad_debt > 20000.0);
    assert_true(one.adl_count > 0 && one.fund == 0.0);
    for (int threads = 2; threads <= 3; threads++) {
        const trace_t other = run_random("20000", threads);
        assert_memory_equal(&one, &other, sizeof(one));
    }
    /* A fund large enough for every loss leaves nothing to ADL. */
    const trace_t rich = run_random("1.0e9", 2);
    assert_true(rich.adl_count == 0 && rich.deficit == 0.0 && rich.adl_covered == 0.0);
}

/* Leverage is what turns a move into a cascade: the same book at 2x-30x
 * sells more into the pool and takes the price lower than at 2x-5x
 * (MODEL.md s1: liquidations move the price they are triggered by). */
static double lowest_price(const char *max_leverage, int64_t *liquidations_out)
{
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), RANDOM_YAML, "1.0e9", max_leverage);
    liq_scenario_t *sc = parse_scenario(yaml);
    liq_sim_t *sim = create_sim(sc, NULL, 2);
    double low = INFINITY;
    int64_t liquidations = 0;
    liq_state_view_t v;
    for (int64_t t = 1; t <= sc->rounds; t++) {
        step_sim(sim, &v);
        low = v.reference_price[0] < low ? v.reference_price[0] : low;
        liquidations += v.perp_liquidations[0];
    }
    *liquidations_out = liquidations;
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
    return low;
}

static void test_leverage_deepens_the_drop(void **state)
{
    (void)state;
    int64_t calm_count, levered_count;
    const double calm = lowest_price("5", &calm_count);
    const double levered = lowest_price("30", &levered_count);
    /* At 5x nothing is liquidated (the book's low is 89.4); at 30x tens of
     * thousands of closes take BTC below 75. */
    assert_int_equal(calm_count, 0);
    assert_true(levered_count > 10000);
    assert_true(levered < calm - 10.0);
}

/* The run file has the perp series (and the summary its ADL totals) with
 * the values of the view. */
static void test_output_series(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof(path), "/tmp/liq_test_perp_out_%d.h5", (int)getpid());
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), RANDOM_YAML, "20000", "30");
    liq_scenario_t *sc = parse_scenario(yaml);
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    const liq_h5_options_t opt = {
        .force = true, .flush_every = 5, .scenario_yaml = "", .seed = sc->seed};
    liq_h5_writer_t *w = NULL;
    assert_int_equal(liq_h5_writer_create(&w, path, sc, &v, &opt), LIQ_OK);
    liq_metrics_t *mt = NULL;
    assert_int_equal(liq_metrics_create(&mt, sim), LIQ_OK);
    double adl[13], open_short[13];
    int64_t count[13];
    adl[0] = v.adl_volume[0];
    count[0] = v.adl_count[0];
    open_short[0] = v.open_interest_short[0];
    for (int64_t t = 1; t <= 12; t++) {
        step_sim(sim, &v);
        assert_int_equal(liq_h5_writer_append(w, &v), LIQ_OK);
        assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);
        adl[t] = v.adl_volume[0];
        count[t] = v.adl_count[0];
        open_short[t] = v.open_interest_short[0];
    }
    const liq_summary_t *summary = liq_metrics_summary(mt);
    assert_int_equal(liq_h5_writer_finish(w, summary, "complete"), LIQ_OK);
    const hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    double reals[13];
    int64_t ints[13];
    hid_t ds = H5Dopen2(file, "adl_volume", H5P_DEFAULT);
    assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, reals) >= 0);
    H5Dclose(ds);
    assert_memory_equal(reals, adl, sizeof(adl));
    ds = H5Dopen2(file, "adl_count", H5P_DEFAULT);
    assert_true(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ints) >= 0);
    H5Dclose(ds);
    assert_memory_equal(ints, count, sizeof(count));
    ds = H5Dopen2(file, "open_interest_short", H5P_DEFAULT);
    assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, reals) >= 0);
    H5Dclose(ds);
    assert_memory_equal(reals, open_short, sizeof(open_short));
    double total = 0.0;
    ds = H5Dopen2(file, "ecosystem_adl_volume", H5P_DEFAULT);
    assert_true(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &total) >= 0);
    H5Dclose(ds);
    double sum = 0.0;
    for (int t = 1; t <= 12; t++) {
        sum += adl[t];
    }
    assert_true(sum > 0.0 && total == sum);
    for (const char *const *name =
             (const char *const[]){"perp_liquidations", "liquidated_notional", "adl_covered",
                                   "open_interest_long", "total_adl_volume", NULL};
         *name != NULL; name++) {
        assert_true(H5Lexists(file, *name, H5P_DEFAULT) > 0);
    }
    H5Fclose(file);
    liq_metrics_destroy(mt);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
    unlink(path);
}

/* ------------------------------------------------------------ positions */

/* BTC and SOL perps for positions files; %s is the positions mapping. */
#define FILE_YAML                                                                                  \
    "rounds: 1\n"                                                                                  \
    "assets:\n"                                                                                    \
    "  - {name: BTC, price: 100}\n"                                                                \
    "  - {name: SOL, price: 10}\n"                                                                 \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: BTC-USDC, token0: BTC, token1: USDC, reserve0: 1.0e6, reserve1: 1.0e8}\n"          \
    "  - {name: SOL-USDC, token0: SOL, token1: USDC, reserve0: 1.0e7, reserve1: 1.0e8}\n"          \
    "oracles:\n"                                                                                   \
    "  - {name: BTC/USD, source: market, asset: BTC}\n"                                            \
    "  - {name: SOL/USD, source: market, asset: SOL}\n"                                            \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: Perps\n"                                                                            \
    "    kind: perp\n"                                                                             \
    "    margin_asset: USDC\n"                                                                     \
    "    margin_oracle: USD\n"                                                                     \
    "    markets:\n"                                                                               \
    "      - {asset: BTC, oracle: BTC/USD, route: BTC-USDC,"                                       \
    " tiers: [{notional_up_to: unlimited, mmr: 0.05}]}\n"                                          \
    "      - {asset: SOL, oracle: SOL/USD, route: SOL-USDC,"                                       \
    " tiers: [{notional_up_to: unlimited, mmr: 0.05}]}\n"                                          \
    "    positions: %s\n"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A hand-made file: a closed row (skipped), a SOL short with its own entry
 * and leverage (margin 30 x 12 / 4 = 90), a BTC long without entry (the
 * initial mark 100) or leverage (the scenario's 5: margin 2 x 100 / 5 =
 * 40). Then the Hyperliquid export of 2025-10-10 read in place: its open
 * positions, with sizes summed independently (awk) per market and side. */
static void test_positions_file(void **state)
{
    (void)state;
    char path[256], yaml[8192], mapping[512];
    snprintf(path, sizeof(path), "/tmp/liq_test_perp_pos_%d.csv", (int)getpid());
    write_file(path, "user,asset,side,position_size,entry_price,leverage_ratio\n"
                     "a,BTC,LONG,0.0,,\n"
                     "b,SOL,SHORT,30,12,4\n"
                     "c,BTC,long,2,,\n");
    snprintf(mapping, sizeof(mapping), "{file: %s, leverage: 5}", path);
    snprintf(yaml, sizeof(yaml), FILE_YAML, mapping);
    liq_scenario_t *sc = parse_scenario(yaml);
    assert_int_equal(sc->protocols[0].n_perp_positions, 2);
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = store(sim);
    assert_int_equal(pp->n_accounts, 2);
    assert_true(pp->position[0] == -30.0 && pp->entry[0] == 12.0 && pp->margin[0] == 90.0);
    assert_int_equal(pp->position_market[0], 1);
    assert_true(pp->position[1] == 2.0 && pp->entry[1] == 100.0 && pp->margin[1] == 40.0);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_close(v.open_interest_long[0], 200.0, 1e-15);
    assert_close(v.open_interest_short[0], 300.0, 1e-15);
    liq_sim_destroy(sim);
    /* The dump names the file and reads back to the same positions. */
    char *text = NULL;
    assert_int_equal(liq_scenario_dump(&text, sc), LIQ_OK);
    liq_scenario_t *back = parse_scenario(text);
    assert_int_equal(back->protocols[0].n_perp_positions, 2);
    assert_true(back->protocols[0].perp_positions_leverage == 5.0);
    free(text);
    liq_scenario_destroy(back);
    liq_scenario_destroy(sc);

    /* Errors name the file, line and column. */
    write_file(path, "asset,side,position_size\nBTC,FLAT,1\n");
    snprintf(mapping, sizeof(mapping), "{file: %s, leverage: 5}", path);
    snprintf(yaml, sizeof(yaml), FILE_YAML, mapping);
    char expected[512];
    snprintf(expected, sizeof(expected), "%s:2: side: value 'FLAT'; expected LONG or SHORT", path);
    expect_scenario_error(yaml, LIQ_EINVAL, expected);
    write_file(path, "asset,side,position_size\nETH,LONG,1\n");
    snprintf(expected, sizeof(expected),
             "%s:2: asset: 'ETH' is not a market of protocol 'Perps'; expected one of its perp "
             "markets' assets",
             path);
    expect_scenario_error(yaml, LIQ_EREF, expected);
    write_file(path, "asset,side,position_size\nBTC,LONG,-1\n");
    snprintf(expected, sizeof(expected),
             "%s:2: position_size: value '-1'; expected a finite number >= 0", path);
    expect_scenario_error(yaml, LIQ_EINVAL, expected);
    write_file(path, "asset,side,position_size,leverage_ratio\nBTC,LONG,1,\n");
    snprintf(mapping, sizeof(mapping), "{file: %s}", path);
    snprintf(yaml, sizeof(yaml), FILE_YAML, mapping);
    snprintf(expected, sizeof(expected),
             "%s:2: leverage_ratio: empty or absent; expected a number > 0, or the scenario key "
             "positions.leverage for such rows",
             path);
    expect_scenario_error(yaml, LIQ_EINVAL, expected);
    write_file(path, "asset,size\nBTC,1\n");
    snprintf(expected, sizeof(expected),
             "%s:1: header: no column 'side'; expected columns asset, side, position_size "
             "(entry_price and leverage_ratio optional)",
             path);
    expect_scenario_error(yaml, LIQ_EINVAL, expected);
    unlink(path);

    /* The real export, in place (never copied). */
    snprintf(mapping, sizeof(mapping),
             "{file: %s/data/events/crash-2025-10-10/hyperliquid_btc_sol_positions.csv, "
             "leverage: 10}",
             LIQ_SHARED_DIR);
    snprintf(yaml, sizeof(yaml), FILE_YAML, mapping);
    sc = parse_scenario(yaml);
    const liq_protocol_config_t *p = &sc->protocols[0];
    assert_int_equal(p->n_perp_positions, 3953);
    double sums[2][2] = {{0.0, 0.0}, {0.0, 0.0}}; /* [market][long] */
    for (size_t i = 0; i < p->n_perp_positions; i++) {
        const double q = p->perp_position_size[i];
        sums[p->perp_position_market[i]][q > 0.0] += fabs(q);
    }
    assert_close(sums[0][1], 6219.05403, 1e-9);
    assert_close(sums[0][0], 5205.98786, 1e-9);
    assert_close(sums[1][1], 469529.76, 1e-9);
    assert_close(sums[1][0], 304442.82, 1e-9);
    sim = create_sim(sc, NULL, 2);
    step_sim(sim, NULL);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* ------------------------------------------------------------------- dump */

/* The resolved dump of a perp scenario reads back to the same dump and the
 * same run, bit for bit. */
static void dump_roundtrip(const char *yaml)
{
    liq_scenario_t *sc = parse_scenario(yaml);
    char *text = NULL;
    assert_int_equal(liq_scenario_dump(&text, sc), LIQ_OK);
    liq_scenario_t *back = parse_scenario(text);
    char *again = NULL;
    assert_int_equal(liq_scenario_dump(&again, back), LIQ_OK);
    assert_string_equal(text, again);
    liq_sim_t *a = create_sim(sc, NULL, 1);
    liq_sim_t *b = create_sim(back, NULL, 2);
    for (int64_t t = 1; t <= sc->rounds; t++) {
        step_sim(a, NULL);
        step_sim(b, NULL);
    }
    liq_state_view_t va, vb;
    liq_sim_view(a, &va);
    liq_sim_view(b, &vb);
    const size_t np = sc->n_protocols;
    assert_memory_equal(va.bad_debt, vb.bad_debt, np * sizeof(double));
    assert_memory_equal(va.insurance_fund, vb.insurance_fund, np * sizeof(double));
    assert_memory_equal(va.open_interest_long, vb.open_interest_long, np * sizeof(double));
    assert_memory_equal(va.open_interest_short, vb.open_interest_short, np * sizeof(double));
    assert_memory_equal(va.pool_reserve0, vb.pool_reserve0, sc->n_pools * sizeof(double));
    liq_sim_destroy(a);
    liq_sim_destroy(b);
    free(text);
    free(again);
    liq_scenario_destroy(back);
    liq_scenario_destroy(sc);
}

static void test_dump_roundtrip(void **state)
{
    (void)state;
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), RANDOM_YAML, "20000", "30");
    dump_roundtrip(yaml);
    snprintf(yaml, sizeof(yaml), CROSS_YAML,
             "  - {protocol: Perps, margin: cross, markets: {BTC: 1, ETH: 3}, count: 500,"
             " long_share: 0.4, size: {distribution: lognormal, median: 20000, sigma: 1},"
             " leverage: {distribution: lognormal, median: 8, sigma: 0.5}}\n");
    dump_roundtrip(yaml);
}

/* ------------------------------------------------------------------ errors */

#define ERR_HEAD                                                                                   \
    "rounds: 1\n"                                                                                  \
    "assets: [{name: BTC, price: 100}, {name: USDC, price: 1}, {name: DAI, price: 1}]\n"           \
    "pools:\n"                                                                                     \
    "  - {name: BTC-USDC, token0: BTC, token1: USDC, reserve0: 1.0e4, reserve1: 1.0e6}\n"          \
    "  - {name: BTC-DAI, token0: BTC, token1: DAI, reserve0: 1.0e4, reserve1: 1.0e6}\n"            \
    "  - {name: SS, kind: stableswap, token0: BTC, token1: USDC, reserve0: 1.0e4,"                 \
    " reserve1: 1.0e6, amplification: 100}\n"                                                      \
    "oracles:\n"                                                                                   \
    "  - {name: BTC/USD, source: market, asset: BTC}\n"                                            \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: Perps\n"                                                                            \
    "    kind: perp\n"                                                                             \
    "    margin_asset: USDC\n"                                                                     \
    "    margin_oracle: USD\n"

static void expect_market_error(const char *market, const char *message)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), ERR_HEAD "    markets:\n      - %s\n", market);
    expect_scenario_error(yaml, LIQ_EINVAL, message);
}

static void test_errors(void **state)
{
    (void)state;
    expect_market_error("{asset: BTC, oracle: BTC/USD, route: BTC-USDC, tiers: "
                        "[{notional_up_to: 1000, mmr: 0.01}, {notional_up_to: 1000, mmr: 0.02}]}",
                        "perp.yaml:16:116: protocols[0].markets[0].tiers[1].notional_up_to: value "
                        "1000 is not above tiers[0]'s 1000; expected strictly increasing bounds");
    expect_market_error("{asset: BTC, oracle: BTC/USD, route: BTC-USDC, tiers: "
                        "[{notional_up_to: 1000, mmr: 0.02}, {notional_up_to: 2000, mmr: 0.01}]}",
                        "perp.yaml:16:127: protocols[0].markets[0].tiers[1].mmr: value 0.01 is "
                        "below tiers[0]'s 0.02; expected non-decreasing rates");
    expect_market_error("{asset: BTC, oracle: BTC/USD, route: BTC-USDC, tiers: "
                        "[{notional_up_to: 1000, mmr: 0.01}]}",
                        "perp.yaml:16:81: protocols[0].markets[0].tiers[0].notional_up_to: value "
                        "1000 bounds the last tier; expected unlimited (every position size needs "
                        "a rate)");
    expect_market_error("{asset: BTC, oracle: BTC/USD, route: BTC-USDC, tiers: "
                        "[{notional_up_to: unlimited, mmr: 1.5}]}",
                        "perp.yaml:16:97: protocols[0].markets[0].tiers[0].mmr: value 1.5 is out "
                        "of range; expected a number in (0, 1)");
    expect_market_error("{asset: BTC, oracle: BTC/USD, route: BTC-DAI, tiers: "
                        "[{notional_up_to: unlimited, mmr: 0.05}]}",
                        "perp.yaml:16:46: protocols[0].markets[0].route: pool 'BTC-DAI' trades "
                        "BTC and DAI; expected a pool trading BTC and USDC (the market's asset "
                        "and the protocol's margin asset)");
    expect_market_error("{asset: BTC, oracle: BTC/USD, route: SS, tiers: "
                        "[{notional_up_to: unlimited, mmr: 0.05}]}",
                        "perp.yaml:16:46: protocols[0].markets[0].route: pool 'SS' is not "
                        "constant_product; expected a constant_product pool (shorts are closed "
                        "by buying an exact amount)");
    expect_market_error("{asset: BTC, oracle: BTC/USD, route: BTC-USDC, liquidation_fee: 1, "
                        "tiers: [{notional_up_to: unlimited, mmr: 0.05}]}",
                        "perp.yaml:16:73: protocols[0].markets[0].liquidation_fee: value 1 is out "
                        "of range; expected a number in [0, 1)");
    /* Keeper economics do not apply: only the throughput limit. */
    char yaml[4096];
    snprintf(yaml, sizeof(yaml),
             ERR_HEAD "    keepers: {gas_cost: 5}\n"
                      "    markets: [{asset: BTC, oracle: BTC/USD, route: BTC-USDC,"
                      " tiers: [{notional_up_to: unlimited, mmr: 0.05}]}]\n");
    expect_scenario_error(
        yaml, LIQ_EKEY,
        "perp.yaml:15:15: protocols[0].keepers: unknown key 'gas_cost'; expected one of "
        "max_liquidations");
    /* A perp generator draws leverage and sides, not health. */
    snprintf(yaml, sizeof(yaml),
             ERR_HEAD "    markets: [{asset: BTC, oracle: BTC/USD, route: BTC-USDC,"
                      " tiers: [{notional_up_to: unlimited, mmr: 0.05}]}]\n"
                      "accounts:\n"
                      "  - {protocol: Perps, market: BTC, count: 1, long_share: 2,"
                      " size: {distribution: lognormal, median: 1, sigma: 0},"
                      " leverage: {distribution: uniform, min: 1, max: 1}}\n");
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "perp.yaml:17:58: accounts[0].long_share: value 2 is out of range; expected a "
        "number in [0, 1]");
    snprintf(yaml, sizeof(yaml),
             ERR_HEAD "    markets: [{asset: BTC, oracle: BTC/USD, route: BTC-USDC,"
                      " tiers: [{notional_up_to: unlimited, mmr: 0.05}]}]\n"
                      "accounts:\n"
                      "  - {protocol: Perps, market: ETH, count: 1,"
                      " size: {distribution: lognormal, median: 1, sigma: 0},"
                      " health: {distribution: uniform, min: 1, max: 1}}\n");
    expect_scenario_error(
        yaml, LIQ_EKEY,
        "perp.yaml:17:100: accounts[0]: unknown key 'health'; expected one of protocol, "
        "market, margin, markets, count, size, leverage, long_share, flow");
    snprintf(yaml, sizeof(yaml),
             ERR_HEAD "    markets: [{asset: BTC, oracle: BTC/USD, route: BTC-USDC,"
                      " tiers: [{notional_up_to: unlimited, mmr: 0.05}]}]\n"
                      "accounts:\n"
                      "  - {protocol: Perps, market: USDC, count: 1,"
                      " size: {distribution: lognormal, median: 1, sigma: 0},"
                      " leverage: {distribution: uniform, min: 1, max: 1}}\n");
    expect_scenario_error(
        yaml, LIQ_EREF,
        "perp.yaml:17:31: accounts[0].market: protocol 'Perps' has no market for asset "
        "'USDC'; its markets: BTC");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiers_equity_maintenance),
        cmocka_unit_test(test_long_and_short_liquidation_flows),
        cmocka_unit_test(test_bankrupt_paid_by_fund),
        cmocka_unit_test(test_adl_ranked_by_pnl_times_leverage),
        cmocka_unit_test(test_adl_runs_out),
        cmocka_unit_test(test_cross_margin_account),
        cmocka_unit_test(test_conservation_and_determinism),
        cmocka_unit_test(test_leverage_deepens_the_drop),
        cmocka_unit_test(test_output_series),
        cmocka_unit_test(test_positions_file),
        cmocka_unit_test(test_dump_roundtrip),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
