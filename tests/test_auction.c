/*
 * Dutch auctions (MODEL.md s5; MakerDAO Liquidations 2.0): the price curves
 * against the MODEL.md reference and hand-computed values, the reset rule,
 * the keeper reward and purchase; then hand-worked auction lifecycles on a
 * one-vault scenario (a purchase when the auction price crosses the pool
 * price after gas, the tab raised and the rest of the lot returned; resets
 * on tail and on cusp; a lot that runs out and books bad debt; keeper
 * capital binding; the hole), conservation of collateral and determinism
 * in a generated cascade, the effect against instant liquidation, and the
 * scenario errors by message.
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

#define LIQ_TEST_FILE "auction.yaml"
#include "liq_test.h"
#include <hdf5.h>

#include "liqnet/auction.h"
#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/metrics.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* ------------------------------------------------------------- the maths */

static void test_linear_reference(void **state)
{
    (void)state;
    /* MODEL.md: top 1000, tau 3600 s: 900, 800, ... every 360 s, 0 at 3600 s. */
    const liq_auction_curve_t linear = {LIQ_CURVE_LINEAR, 3600.0, NAN, NAN};
    assert_close(liq_auction_price(&linear, 1000.0, 0.0), 1000.0, 0);
    for (int k = 1; k < 10; k++) {
        assert_close(liq_auction_price(&linear, 1000.0, 360.0 * k), 1000.0 - 100.0 * k, 1e-14);
    }
    assert_close(liq_auction_price(&linear, 1000.0, 180.0), 950.0, 1e-15);
    assert_true(liq_auction_price(&linear, 1000.0, 3600.0) == 0.0);
    assert_true(liq_auction_price(&linear, 1000.0, 7200.0) == 0.0);
}

static void test_stairstep_and_exponential(void **state)
{
    (void)state;
    /* ETH-A: step 90 s, cut 0.99. The price holds within a step. */
    const liq_auction_curve_t stairs = {LIQ_CURVE_STAIRSTEP, NAN, 90.0, 0.99};
    assert_close(liq_auction_price(&stairs, 1000.0, 89.0), 1000.0, 0);
    assert_close(liq_auction_price(&stairs, 1000.0, 90.0), 990.0, 1e-15);
    assert_close(liq_auction_price(&stairs, 1000.0, 179.9), 990.0, 1e-15);
    assert_close(liq_auction_price(&stairs, 1000.0, 180.0), 980.1, 1e-15);
    /* 10 steps: 1000 x 0.99^10 = 904.38207500880... */
    assert_close(liq_auction_price(&stairs, 1000.0, 900.0), 904.382075008804, 1e-13);
    /* Per second: 1000 x 0.999^1000 = 1000 exp(1000 ln 0.999) = 367.69542477096... */
    const liq_auction_curve_t expo = {LIQ_CURVE_EXPONENTIAL, NAN, NAN, 0.999};
    assert_close(liq_auction_price(&expo, 1000.0, 1000.0), 367.695424770964, 1e-13);
    assert_close(liq_auction_price(&expo, 1000.0, 0.5), 1000.0 * sqrt(0.999), 1e-15);
}

static void test_reset_and_reward(void **state)
{
    (void)state;
    /* clip.sol: redo when more than tail has passed or price / top < cusp. */
    assert_false(liq_auction_needs_reset(10, 10, 50.0, 100.0, 0.45));
    assert_true(liq_auction_needs_reset(11, 10, 50.0, 100.0, 0.45));
    assert_false(liq_auction_needs_reset(3, 10, 45.0, 100.0, 0.45));
    assert_true(liq_auction_needs_reset(3, 10, 44.99, 100.0, 0.45));
    assert_false(liq_auction_needs_reset(3, 10, 0.0, 100.0, 0.0));
    /* ETH-A: tip 250 DAI, chip 0.1%: a 1e6 DAI tab pays 1250. */
    assert_close(liq_auction_keeper_reward(250.0, 0.001, 1e6, 1.0), 1250.0, 1e-15);
    assert_close(liq_auction_keeper_reward(5.0, 0.01, 660.0, 2.0), 18.2, 1e-15);
}

static void test_take_amount(void **state)
{
    (void)state;
    /* x = 1000, y = 1e5, no fee: the marginal output x y / (x + q)^2 falls
     * to 80 at x + q = sqrt(1e8 / 80) = 1118.0339887... */
    const liq_venue_t v = {.reserve_in = 1000.0, .reserve_out = 1e5};
    const double qstar = sqrt(1e8 / 80.0) - 1000.0;
    assert_close(liq_auction_take_amount(&v, 0.0, 80.0, 1e9), qstar, 1e-13);
    assert_close(liq_auction_take_amount(&v, 18.0, 80.0, 1e9), qstar - 18.0, 1e-12);
    assert_close(liq_auction_take_amount(&v, 0.0, 80.0, 50.0), 50.0, 0);
    assert_true(liq_auction_take_amount(&v, 0.0, 100.0, 1e9) == 0.0); /* the spot: no gain */
    assert_true(liq_auction_take_amount(&v, qstar + 1.0, 80.0, 1e9) == 0.0);
    /* Profit of 50 at 80: out = 1e5 x 50 / 1050 - 4000. */
    assert_close(liq_auction_take_profit(&v, 0.0, 80.0, 50.0), 1e5 * 50.0 / 1050.0 - 4000.0, 1e-13);
    /* A fee lowers the marginal output by (1 - phi) at q = 0. */
    const liq_venue_t fee = {.reserve_in = 1000.0, .reserve_out = 1e5, .fee = 0.003};
    assert_true(liq_auction_take_amount(&fee, 0.0, 99.8, 1e9) == 0.0);
    assert_true(liq_auction_take_amount(&fee, 0.0, 99.6, 1e9) > 0.0);
    /* A StableSwap venue (A = 100, balanced 1e6 / 1e6, fee 4 bp): the
     * purchase ends where the marginal output has fallen to the price, and
     * it is the most profitable amount (a little more or less earns less). */
    const liq_venue_t ss = {.kind = LIQ_VENUE_STABLESWAP,
                            .reserve_in = 1e6,
                            .reserve_out = 1e6,
                            .fee = 0.0004,
                            .amp = 100.0};
    const double q = liq_auction_take_amount(&ss, 0.0, 0.99, 1e9);
    assert_true(q > 1e4 && q < 1e6);
    assert_close(liq_venue_marginal_out(&ss, q), 0.99, 1e-9);
    const double best = liq_auction_take_profit(&ss, 0.0, 0.99, q);
    assert_true(best > liq_auction_take_profit(&ss, 0.0, 0.99, 0.99 * q));
    assert_true(best > liq_auction_take_profit(&ss, 0.0, 0.99, 1.01 * q));
}

/* ------------------------------------------------- one vault, by hand */

/* One vault of 10 X owing 600 USD, LT 0.7 (HF 7/6 at X = 100). A round is
 * 360 s, so a LinearDecrease of tau 3600 s loses a tenth of top a round.
 * The X-USD pool (1000 X, 1e5 USD, no fee) is fully arbitraged to the
 * reference price every round and X has no market impact, so keepers see
 * a pool at X's price, on k = 1e8, every round. X falls by RETURN in round 1. */
#define VAULT_YAML                                                                                 \
    "rounds: 8\n"                                                                                  \
    "round_seconds: 360\n"                                                                         \
    "assets:\n"                                                                                    \
    "  - {name: USD, price: 1}\n"                                                                  \
    "  - {name: X, price: 100}\n"                                                                  \
    "pools:\n"                                                                                     \
    "  - {name: X-USD, token0: X, token1: USD, reserve0: 1000, reserve1: 100000, fee: 0}\n"        \
    "oracles:\n"                                                                                   \
    "  - {name: X/USD, source: market, asset: X}\n"                                                \
    "  - {name: USD/USD, source: market, asset: USD}\n"                                            \
    "protocols:\n"                                                                                 \
    "  - name: Maker\n"                                                                            \
    "    debt_asset: USD\n"                                                                        \
    "    debt_oracle: USD/USD\n"                                                                   \
    "    insurance_fund: 1000\n"                                                                   \
    "    keepers: {gas_cost: %s, min_profit: 0}\n"                                                 \
    "    markets:\n"                                                                               \
    "      - {asset: X, oracle: X/USD, route: X-USD, liquidation_threshold: 0.7,"                  \
    " liquidation_bonus: 0.05}\n"                                                                  \
    "    liquidation: {mode: dutch_auction, chop: 1.1, buf: 1.2, chip: 0.01, %s}\n"                \
    "shocks:\n"                                                                                    \
    "  - {type: schedule, asset: X, steps: [{round: 1, return: %s}]}\n"

typedef struct {
    liq_scenario_t *sc;
    liq_sim_t *sim;
    int32_t protocol[4], market[4];
    double collateral[4], debt[4];
    liq_positions_t pos;
} vault_t;

static void vault_open(vault_t *v, const char *gas, const char *liquidation, const char *ret,
                       size_t n_vaults)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), VAULT_YAML, gas, liquidation, ret);
    memset(v, 0, sizeof(*v));
    v->sc = parse_scenario(yaml);
    for (size_t k = 0; k < n_vaults; k++) {
        v->collateral[k] = 10.0;
        v->debt[k] = 600.0;
    }
    v->pos = (liq_positions_t){n_vaults, v->protocol, v->market, v->collateral, v->debt, NULL};
    v->sim = create_sim(v->sc, &v->pos, 1);
}

static void vault_close(vault_t *v)
{
    liq_sim_destroy(v->sim);
    liq_scenario_destroy(v->sc);
}

#define LIFECYCLE "tip: 5, tail: 10, cusp: 0.3, curve: linear, tau: 3600"

/* Kick in round 1, prices 96, 86.4, 76.8: the keeper buys in round 3, when
 * the auction price falls below the pool's 80, exactly what raises the tab;
 * the rest of the lot goes back to the owner and the penalty to the fund. */
static void test_lifecycle(void **state)
{
    (void)state;
    vault_t v;
    vault_open(&v, "10", LIFECYCLE, "-0.2", 1);
    liq_state_view_t s;
    liq_accounts_view_t acc;
    step_sim(v.sim, &s);
    liq_sim_accounts(v.sim, &acc);
    /* HF 10 x 80 x 0.7 / 600 = 0.933: seized whole, tab 660, reward 5 +
     * 0.01 x 660 = 11.6 >= gas 10, paid from the fund. */
    assert_int_equal(s.liquidations[0], 1);
    assert_int_equal(s.auction_started[0], 1);
    assert_int_equal(s.auction_active[0], 1);
    assert_close(s.keeper_rewards[0], 11.6, 1e-15);
    assert_close(s.insurance_fund[0], 1000.0 - 11.6, 1e-15);
    assert_close(s.auction_tab[0], 660.0, 1e-15);
    assert_close(s.repaid_value[0], 600.0, 1e-15);
    assert_close(s.seized_value[0], 800.0, 1e-12);
    assert_true(acc.collateral[0] == 0.0 && acc.debt[0] == 0.0);
    assert_close(s.collateral_value[0], 0.0, 0);
    assert_close(s.debt_value[0], 0.0, 0);
    assert_true(s.auction_raised[0] == 0.0); /* 96 > 80 */
    assert_true(s.market_seized[0] == 0.0);
    assert_close(s.auction_units[3], 10.0, 0); /* in auctions */

    step_sim(v.sim, NULL); /* 86.4 > 80 */
    liq_sim_view(v.sim, &s);
    assert_true(s.auction_raised[0] == 0.0);
    assert_int_equal(s.auction_active[0], 1);
    assert_int_equal(s.liquidations[0], 0);
    assert_true(s.keeper_rewards[0] == 0.0);

    /* 76.8 < 80: the pool pays more at the margin than the auction asks up
     * to sqrt(1e8 / 76.8) - sqrt(1e8 / 80) = 23.05 X; the tab caps it at
     * 660 / 76.8 = 8.59375 X. Profit out - 660 - gas > 0. */
    step_sim(v.sim, &s);
    liq_sim_accounts(v.sim, &acc);
    const double bought = 660.0 / 76.8;
    assert_close(s.auction_raised[0], 660.0, 1e-15);
    assert_close(s.market_seized[0], bought, 1e-12);
    assert_close(s.pool_liquidation_in0[0], bought, 1e-12);
    assert_close(s.auction_sold_value[0], bought * 80.0, 1e-12);
    assert_int_equal(s.auction_active[0], 0);
    assert_true(s.auction_tab[0] == 0.0);
    assert_close(acc.collateral[0], 10.0 - bought, 1e-12);
    assert_true(acc.debt[0] == 0.0);
    assert_close(s.insurance_fund[0], 1000.0 - 11.6 + 60.0, 1e-14); /* penalty 660 - 600 */
    assert_true(s.bad_debt[0] == 0.0 && s.auction_bad_debt[0] == 0.0);
    /* Seized = sold + returned + in auctions. */
    assert_close(s.auction_units[0], 10.0, 0);
    assert_close(s.auction_units[1], bought, 1e-12);
    assert_close(s.auction_units[2], 10.0 - bought, 1e-12);
    assert_close(s.auction_units[3], 0.0, 0);
    /* The returned vault owes nothing: never liquidated again. */
    step_sim(v.sim, &s);
    assert_int_equal(s.liquidations[0], 0);
    assert_int_equal(s.stalled[0], 0);
    vault_close(&v);
}

/* Gas 30 (and tip 25, so that the kick still pays): in round 3 the
 * purchase would earn out(8.59375) - 660 = 22.26 < 30, so keepers wait;
 * in round 4 at 67.2 they buy 660 / 67.2. */
static void test_gas_delays_purchase(void **state)
{
    (void)state;
    vault_t v;
    vault_open(&v, "30", "tip: 25, tail: 10, cusp: 0.3, curve: linear, tau: 3600", "-0.2", 1);
    liq_state_view_t s;
    const double x = sqrt(1e8 / 80.0), y = sqrt(1e8 * 80.0);
    const double q3 = 660.0 / 76.8;
    assert_true(y * q3 / (x + q3) - 660.0 < 30.0);
    for (int t = 1; t <= 3; t++) {
        step_sim(v.sim, NULL);
    }
    liq_sim_view(v.sim, &s);
    assert_true(s.auction_raised[0] == 0.0);
    assert_int_equal(s.auction_active[0], 1);
    step_sim(v.sim, &s);
    assert_close(s.auction_raised[0], 660.0, 1e-15);
    assert_close(s.market_seized[0], 660.0 / 67.2, 1e-12);
    assert_int_equal(s.auction_active[0], 0);
    vault_close(&v);
}

/* Tail 2 rounds on a slow curve (1% of top a round): the auction never
 * crosses 80 and resets in round 4 (3 rounds > tail), paying the keeper
 * reward again, at a new top from the current price. */
static void test_reset_on_tail(void **state)
{
    (void)state;
    vault_t v;
    vault_open(&v, "10", "tip: 5, tail: 2, cusp: 0.3, curve: linear, tau: 36000", "-0.2", 1);
    liq_state_view_t s;
    double rewards[7] = {0};
    for (int t = 1; t <= 6; t++) {
        step_sim(v.sim, &s);
        rewards[t] = s.keeper_rewards[0];
        assert_int_equal(s.auction_active[0], 1);
        assert_true(s.auction_raised[0] == 0.0);
    }
    assert_close(rewards[1], 11.6, 1e-15);
    assert_true(rewards[2] == 0.0 && rewards[3] == 0.0);
    assert_close(rewards[4], 11.6, 1e-15); /* reset: elapsed 3 > 2 */
    assert_true(rewards[5] == 0.0 && rewards[6] == 0.0);
    assert_close(s.insurance_fund[0], 1000.0 - 2 * 11.6, 1e-14);
    /* Never cleared: the tab is outstanding, not bad debt. */
    assert_close(s.auction_tab[0], 660.0, 1e-15);
    assert_true(s.bad_debt[0] == 0.0);
    vault_close(&v);
}

/* Cusp 0.85: in round 3 the price is 0.8 top < 0.85 top, so the auction
 * resets to 96 instead of selling; and again two rounds later. */
static void test_reset_on_cusp(void **state)
{
    (void)state;
    vault_t v;
    vault_open(&v, "10", "tip: 5, tail: 10, cusp: 0.85, curve: linear, tau: 3600", "-0.2", 1);
    liq_state_view_t s;
    for (int t = 1; t <= 5; t++) {
        step_sim(v.sim, &s);
        assert_true(s.auction_raised[0] == 0.0);
        const bool reward = t == 1 || t == 3 || t == 5;
        assert_close(s.keeper_rewards[0], reward ? 11.6 : 0.0, 1e-15);
    }
    vault_close(&v);
}

/* X halves: top 60, prices 54, 48. At 48 < 50 the whole lot goes (tab / 48
 * = 13.75 > 10 X), raising 480 of the 600 owed: 120 of bad debt. */
static void test_lot_runs_out(void **state)
{
    (void)state;
    vault_t v;
    vault_open(&v, "10", LIFECYCLE, "-0.5", 1);
    liq_state_view_t s;
    liq_accounts_view_t acc;
    for (int t = 1; t <= 3; t++) {
        step_sim(v.sim, NULL);
    }
    liq_sim_view(v.sim, &s);
    liq_sim_accounts(v.sim, &acc);
    assert_close(s.auction_raised[0], 480.0, 1e-14);
    assert_close(s.market_seized[0], 10.0, 0);
    assert_int_equal(s.auction_active[0], 0);
    assert_close(s.auction_bad_debt[0], 120.0, 1e-12);
    assert_close(s.bad_debt[0], 120.0, 1e-12);
    assert_close(s.insurance_fund[0], 1000.0 - 11.6 - 120.0, 1e-13);
    assert_true(s.deficit[0] == 0.0);
    assert_true(acc.collateral[0] == 0.0 && acc.debt[0] == 0.0);
    assert_close(s.auction_units[2], 0.0, 0); /* nothing returned */
    vault_close(&v);
}

/* Keepers spend at most 300 USD a round: 300 / 76.8 X in round 3, 300 /
 * 67.2 in round 4, the last 60 / 57.6 in round 5; the rest comes back. */
static void test_keeper_capital(void **state)
{
    (void)state;
    vault_t v;
    vault_open(&v, "10", LIFECYCLE ", keeper_capital: 300", "-0.2", 1);
    liq_state_view_t s;
    liq_accounts_view_t acc;
    const double q[3] = {300.0 / 76.8, 300.0 / 67.2, 60.0 / 57.6};
    const double raised[3] = {300.0, 300.0, 60.0};
    for (int t = 1; t <= 5; t++) {
        step_sim(v.sim, &s);
        if (t >= 3) {
            assert_close(s.auction_raised[0], raised[t - 3], 1e-14);
            assert_close(s.market_seized[0], q[t - 3], 1e-12);
            assert_int_equal(s.auction_active[0], t < 5);
        }
    }
    liq_sim_accounts(v.sim, &acc);
    assert_close(acc.collateral[0], 10.0 - q[0] - q[1] - q[2], 1e-12);
    assert_close(s.insurance_fund[0], 1000.0 - 11.6 + 60.0, 1e-14);
    vault_close(&v);
}

/* Hole 700: the second vault's tab (660) does not fit beside the first's,
 * so it waits, counted as stalled, until the first auction has ended. */
static void test_hole(void **state)
{
    (void)state;
    vault_t v;
    vault_open(&v, "10", LIFECYCLE ", hole: 700", "-0.2", 2);
    liq_state_view_t s;
    const int64_t started[5] = {0, 1, 0, 0, 1};
    for (int t = 1; t <= 4; t++) {
        step_sim(v.sim, &s);
        assert_int_equal(s.auction_started[0], started[t]);
        assert_int_equal(s.stalled[0], t <= 3 ? 1 : 0);
        assert_true(s.auction_tab[0] <= 700.0);
    }
    assert_int_equal(s.auction_active[0], 1);
    vault_close(&v);
}

/* ------------------------------------------------------ a small cascade */

/* 2000 vaults of WETH against USD, HF 1.02 .. 1.5; WETH falls 25% in round
 * 1 and its market is thin enough that liquidation sales move it. */
#define CASCADE_YAML                                                                               \
    "rounds: 60\n"                                                                                 \
    "seed: 7\n"                                                                                    \
    "assets:\n"                                                                                    \
    "  - {name: USD, price: 1}\n"                                                                  \
    "  - {name: WETH, price: 2000, market_depth: 40000, market_resilience: 0.05}\n"                \
    "pools:\n"                                                                                     \
    "  - {name: WETH-USD, token0: WETH, token1: USD, reserve0: 20000, reserve1: 4.0e7,"            \
    " arbitrage: 0.5}\n"                                                                           \
    "oracles:\n"                                                                                   \
    "  - {name: ETH, source: market, asset: WETH}\n"                                               \
    "  - {name: USD/USD, source: market, asset: USD}\n"                                            \
    "protocols:\n"                                                                                 \
    "  - name: Maker\n"                                                                            \
    "    debt_asset: USD\n"                                                                        \
    "    debt_oracle: USD/USD\n"                                                                   \
    "    insurance_fund: 1.0e6\n"                                                                  \
    "    keepers: {gas_cost: 20}\n"                                                                \
    "    markets:\n"                                                                               \
    "      - {asset: WETH, oracle: ETH, route: WETH-USD, liquidation_threshold: 0.8,"              \
    " liquidation_bonus: 0.13, close_factor: 1}\n"                                                 \
    "%s"                                                                                           \
    "accounts:\n"                                                                                  \
    "  - protocol: Maker\n"                                                                        \
    "    market: WETH\n"                                                                           \
    "    count: 2000\n"                                                                            \
    "    size: {distribution: lognormal, median: 20000, sigma: 1}\n"                               \
    "    health: {distribution: uniform, min: 1.02, max: 1.5}\n"                                   \
    "shocks:\n"                                                                                    \
    "  - {type: schedule, asset: WETH, steps: [{round: 1, return: -0.25}]}\n"

#define DUTCH                                                                                      \
    "    liquidation: {mode: dutch_auction, chop: 1.13, buf: 1.1, tail: 1h, cusp: 0.45,"           \
    " tip: 50, chip: 0.001, curve: stairstep, step: 90, cut: 0.99}\n"

static liq_scenario_t *cascade(const char *liquidation)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), CASCADE_YAML, liquidation);
    return parse_scenario(yaml);
}

/* Collateral is conserved: every unit seized is sold, returned, or still
 * in an auction; and the units left with vaults plus those in auctions
 * plus those sold add up to the initial collateral. */
static void test_conservation(void **state)
{
    (void)state;
    liq_scenario_t *sc = cascade(DUTCH);
    liq_sim_t *sim = create_sim(sc, NULL, 2);
    liq_state_view_t s;
    liq_sim_view(sim, &s);
    const double initial = s.market_collateral[0];
    double sold = 0.0, pool_in = 0.0;
    int64_t started = 0, resets_or_kicks = 0;
    for (int t = 1; t <= 60; t++) {
        step_sim(sim, &s);
        sold += s.market_seized[0];
        pool_in += s.pool_liquidation_in0[0];
        started += s.auction_started[0];
        resets_or_kicks += s.keeper_rewards[0] > 0.0;
        const double *u = s.auction_units;
        assert_close(u[0], u[1] + u[2] + u[3], 1e-12);
        assert_close(s.market_collateral[0] + u[3] + u[1], initial, 1e-12);
    }
    assert_true(started > 100); /* a real cascade */
    assert_close(s.auction_units[1], sold, 1e-12);
    assert_close(pool_in, sold, 1e-12);
    assert_true(s.auction_units[2] > 0.0); /* some lots came back */
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* The same trajectory, bit for bit, on 1, 2 and 3 threads, and with the
 * full scan instead of the liquidation-price index (kicks and returned
 * lots update the index). */
static void test_threads(void **state)
{
    (void)state;
    liq_scenario_t *sc = cascade(DUTCH);
    liq_sim_t *sims[4];
    for (int k = 0; k < 3; k++) {
        sims[k] = create_sim(sc, NULL, k + 1);
    }
    const liq_sim_options_t full = {.threads = 2, .full_scan = 1};
    sims[3] = create_sim_with(sc, NULL, &full);
    for (int t = 1; t <= 60; t++) {
        liq_state_view_t s[4];
        for (int k = 0; k < 4; k++) {
            step_sim(sims[k], &s[k]);
        }
        for (int k = 1; k < 4; k++) {
            assert_memory_equal(s[k].pool_reserve0, s[0].pool_reserve0, sizeof(double));
            assert_memory_equal(s[k].pool_reserve1, s[0].pool_reserve1, sizeof(double));
            assert_memory_equal(s[k].insurance_fund, s[0].insurance_fund, sizeof(double));
            assert_memory_equal(s[k].bad_debt, s[0].bad_debt, sizeof(double));
            assert_memory_equal(s[k].auction_tab, s[0].auction_tab, sizeof(double));
            assert_memory_equal(s[k].auction_raised, s[0].auction_raised, sizeof(double));
            assert_memory_equal(s[k].auction_units, s[0].auction_units, 4 * sizeof(double));
            assert_memory_equal(s[k].market_collateral, s[0].market_collateral, sizeof(double));
            assert_int_equal(s[k].auction_active[0], s[0].auction_active[0]);
        }
    }
    for (int k = 0; k < 4; k++) {
        liq_sim_destroy(sims[k]);
    }
    liq_scenario_destroy(sc);
}

/* Lowest pool price of a run and the round it is reached. */
static double lowest_pool_price(liq_scenario_t *sc, double *sold_round1)
{
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    liq_state_view_t s;
    double low = INFINITY;
    for (int t = 1; t <= 60; t++) {
        step_sim(sim, &s);
        low = s.pool_price[0] < low ? s.pool_price[0] : low;
        if (t == 1) {
            *sold_round1 = s.market_seized[0];
        }
    }
    liq_sim_destroy(sim);
    return low;
}

/* Against instant liquidation of the same vaults (R0 with the same 13%
 * penalty as the bonus and close factor 1): an auction sells only as much
 * as the pool takes at the auction's price, which starts at 1.1 O and
 * falls over rounds, so sales spread over rounds and the pool price falls
 * far less. (The pool, half-arbitraged, lags the oracle, so some lots
 * already sell in round 1.) */
static void test_effect_against_instant(void **state)
{
    (void)state;
    liq_scenario_t *instant = cascade("");
    liq_scenario_t *dutch = cascade(DUTCH);
    double sold_instant = 0.0, sold_dutch = 0.0;
    const double low_instant = lowest_pool_price(instant, &sold_instant);
    const double low_dutch = lowest_pool_price(dutch, &sold_dutch);
    /* Measured: round 1 sells 496 WETH against 18491, and the pool's low
     * is 1508 against 501. */
    assert_true(sold_dutch > 0.0 && sold_dutch < 0.1 * sold_instant);
    if (!(low_dutch > low_instant)) {
        fail_msg("lowest pool price: dutch %.17g, instant %.17g", low_dutch, low_instant);
    }
    liq_scenario_destroy(instant);
    liq_scenario_destroy(dutch);
}

/* ------------------------------------------------------------ scenarios */

static void vault_error(const char *liquidation, int code, const char *message)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), VAULT_YAML, "10", liquidation, "-0.2");
    expect_scenario_error(yaml, code, message);
}

static void test_scenario_errors(void **state)
{
    (void)state;
    vault_error("tip: 5, curve: linear", LIQ_EKEY,
                "auction.yaml:19:18: protocols[0].liquidation: missing key 'tau'");
    vault_error("tip: -1", LIQ_EINVAL,
                "auction.yaml:19:78: protocols[0].liquidation.tip: value -1 is negative; "
                "expected a finite number >= 0");
    vault_error("cusp: 1", LIQ_EINVAL,
                "auction.yaml:19:79: protocols[0].liquidation.cusp: value 1 is out of range; "
                "expected a number in [0, 1)");
    vault_error("curve: linear, tau: 3600, cut: 0.5", LIQ_EKEY,
                "auction.yaml:19:99: protocols[0].liquidation: unknown key 'cut'; expected one "
                "of mode, chop, buf, tail, cusp, tip, chip, curve, tau, hole, keeper_capital");
    vault_error("curve: exponential", LIQ_EKEY,
                "auction.yaml:19:18: protocols[0].liquidation: missing key 'cut'");
    vault_error("curve: stairstep, cut: 0", LIQ_EINVAL,
                "auction.yaml:19:96: protocols[0].liquidation.cut: value 0 is out of range; "
                "expected a number in (0, 1]");
    vault_error("curve: cubic", LIQ_EINVAL,
                "auction.yaml:19:80: protocols[0].liquidation.curve: unknown price curve "
                "'cubic'; expected one of linear, stairstep, exponential");
    vault_error("hole: 0", LIQ_EINVAL,
                "auction.yaml:19:79: protocols[0].liquidation.hole: value 0 is out of range; "
                "expected a number > 0 or unlimited");
    vault_error("keeper_capital: lots", LIQ_EINVAL,
                "auction.yaml:19:89: protocols[0].liquidation.keeper_capital: 'lots' is not a "
                "number; expected a number > 0 or unlimited");
    vault_error("tail: 0", LIQ_EINVAL,
                "auction.yaml:19:79: protocols[0].liquidation.tail: value 0 is out of range; "
                "expected a whole number of rounds >= 1, or <number><unit> with unit s, min, h "
                "or d");
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), VAULT_YAML, "10", "tip: 5", "-0.2");
    char *at = strstr(yaml, "mode: dutch_auction");
    memcpy(at, "mode: dutch_auctio ", strlen("mode: dutch_auction"));
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "auction.yaml:19:25: protocols[0].liquidation.mode: unknown liquidation mode "
        "'dutch_auctio'; expected one of instant, dutch_auction, english");
    snprintf(yaml, sizeof(yaml), VAULT_YAML, "10", "tip: 5", "-0.2");
    at = strstr(yaml, "{mode: dutch_auction, chop: 1.1,");
    memcpy(at, "{mode: instant,       chop: 1.1,", strlen("{mode: dutch_auction, chop: 1.1,"));
    expect_scenario_error(
        yaml, LIQ_EKEY,
        "auction.yaml:19:40: protocols[0].liquidation: unknown key 'chop'; expected one "
        "of mode");
}

/* Defaults are ETH-A's; the resolved scenario dumps and reads back the
 * same; R0 protocols dump no liquidation block. */
static void test_defaults_and_dump(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), VAULT_YAML, "10", "hole: 5.0e7", "-0.2");
    liq_scenario_t *sc = parse_scenario(yaml);
    const liq_auction_config_t *a = &sc->protocols[0].liquidation;
    assert_int_equal(a->mode, LIQ_LIQUIDATION_DUTCH_AUCTION);
    assert_close(a->chop, 1.1, 0);
    assert_close(a->cusp, 0.45, 0);
    assert_close(a->tip, 250.0, 0);
    assert_int_equal(a->tail, 20); /* 7200 s in rounds of 360 s */
    assert_int_equal(a->curve.kind, LIQ_CURVE_STAIRSTEP);
    assert_close(a->curve.step, 90.0, 0);
    assert_close(a->curve.cut, 0.99, 0);
    assert_close(a->hole, 5e7, 0);
    assert_true(isinf(a->keeper_capital));
    char *text = NULL;
    assert_int_equal(liq_scenario_dump(&text, sc), LIQ_OK);
    liq_scenario_t *back = parse_scenario(text);
    assert_memory_equal(&back->protocols[0].liquidation, a, sizeof(*a));
    free(text);
    liq_scenario_destroy(back);
    liq_scenario_destroy(sc);

    sc = cascade("");
    assert_int_equal(sc->protocols[0].liquidation.mode, LIQ_LIQUIDATION_INSTANT);
    assert_int_equal(liq_scenario_dump(&text, sc), LIQ_OK);
    assert_null(strstr(text, "liquidation:"));
    free(text);
    liq_scenario_destroy(sc);
}

/* Auctions seize isolated vaults: cross-margin accounts are refused. */
static void test_cross_refused(void **state)
{
    (void)state;
    liq_scenario_t *sc = cascade(DUTCH);
    int32_t protocol[2] = {0, 0}, market[2] = {0, 0};
    double collateral[2] = {1.0, 2.0}, debt[2] = {100.0, 0.0};
    int64_t account[2] = {-1, 5};
    const liq_positions_t pos = {2, protocol, market, collateral, debt, account};
    liq_sim_t *sim = NULL;
    const liq_sim_options_t opt = {.threads = 1};
    assert_int_equal(liq_sim_create(&sim, sc, &pos, &opt), LIQ_EINVAL);
    assert_null(sim);
    assert_string_equal(liq_errmsg(),
                        "protocol 'Maker': liquidation mode dutch_auction seizes isolated vaults "
                        "only, but the protocol has 1 cross-margin accounts; expected margin: "
                        "isolated");
    liq_scenario_destroy(sc);
}

/* ---------------------------------------------------------------- output */

/* The run's totals: the lot that ran out (X halves), then an auction that
 * keeps resetting and is still running at the end (tab outstanding). */
static void test_summary(void **state)
{
    (void)state;
    const char *setups[2][2] = {{LIFECYCLE, "-0.5"},
                                {"tip: 5, tail: 2, cusp: 0.3, curve: linear, tau: 36000", "-0.2"}};
    for (int k = 0; k < 2; k++) {
        vault_t v;
        vault_open(&v, "10", setups[k][0], setups[k][1], 1);
        liq_metrics_t *mt = NULL;
        assert_int_equal(liq_metrics_create(&mt, v.sim), LIQ_OK);
        liq_state_view_t s;
        for (int t = 1; t <= 8; t++) {
            step_sim(v.sim, &s);
            assert_int_equal(liq_metrics_add(mt, &s), LIQ_OK);
        }
        const liq_summary_t *sum = liq_metrics_summary(mt);
        assert_int_equal(sum->auctions[0], 1);
        assert_int_equal(sum->liquidations[0], 1);
        if (k == 0) {
            assert_close(sum->auction_raised[0], 480.0, 1e-14);
            assert_close(sum->auction_sold_value[0], 500.0, 1e-12); /* 10 X at 50 */
            assert_close(sum->keeper_rewards[0], 11.6, 1e-15);
            assert_close(sum->auction_bad_debt[0], 120.0, 1e-12);
            assert_close(sum->bad_debt[0], 120.0, 1e-12);
            assert_true(sum->auction_tab[0] == 0.0);
        } else {
            /* Kick in round 1, resets in rounds 4 and 7: three rewards. */
            assert_close(sum->keeper_rewards[0], 3 * 11.6, 1e-15);
            assert_true(sum->auction_raised[0] == 0.0 && sum->auction_bad_debt[0] == 0.0);
            assert_close(sum->auction_tab[0], 660.0, 1e-15);
            assert_true(sum->bad_debt[0] == 0.0);
        }
        liq_metrics_destroy(mt);
        vault_close(&v);
    }
}

/* Runs `sc` for `rounds` rounds into `path`, the positions `pos` (may be NULL). */
static void write_run(const liq_scenario_t *sc, const liq_positions_t *pos, const char *path,
                      int rounds)
{
    liq_sim_t *sim = create_sim(sc, pos, 1);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    liq_h5_writer_t *w = NULL;
    const liq_h5_options_t opt = {.force = true, .flush_every = 4, .seed = sc->seed};
    assert_int_equal(liq_h5_writer_create(&w, path, sc, &v, &opt), LIQ_OK);
    for (int t = 1; t <= rounds; t++) {
        step_sim(sim, &v);
        assert_int_equal(liq_h5_writer_append(w, &v), LIQ_OK);
    }
    assert_int_equal(liq_h5_writer_finish(w, NULL, "complete"), LIQ_OK);
    liq_sim_destroy(sim);
}

/* Column 0 of a (round, protocol) dataset, rounds 0 .. n-1. */
static void read_series(const char *path, const char *name, hid_t type, void *out, size_t n)
{
    const hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    const hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(ds >= 0);
    const hid_t space = H5Dget_space(ds);
    hsize_t dims[2];
    assert_int_equal(H5Sget_simple_extent_dims(space, dims, NULL), 2);
    assert_true(dims[0] == n && dims[1] == 1);
    assert_true(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0);
    H5Sclose(space);
    H5Dclose(ds);
    H5Fclose(file);
}

static bool has_dataset(const char *path, const char *name)
{
    const hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    const bool found = H5Lexists(file, name, H5P_DEFAULT) > 0;
    H5Fclose(file);
    return found;
}

/* The lifecycle run's auction series in the file; none in an R0 file. */
static void test_output(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof(path), "/tmp/liq_test_auction_%d.h5", (int)getpid());
    vault_t v;
    vault_open(&v, "10", LIFECYCLE, "-0.2", 1);
    write_run(v.sc, &v.pos, path, 4);
    double rewards[5], raised[5], tab[5];
    int64_t started[5], active[5];
    read_series(path, "keeper_rewards", H5T_NATIVE_DOUBLE, rewards, 5);
    read_series(path, "auction_raised", H5T_NATIVE_DOUBLE, raised, 5);
    read_series(path, "auction_tab", H5T_NATIVE_DOUBLE, tab, 5);
    read_series(path, "auctions_started", H5T_NATIVE_INT64, started, 5);
    read_series(path, "auctions_active", H5T_NATIVE_INT64, active, 5);
    assert_close(rewards[1], 11.6, 1e-15);
    assert_true(rewards[0] == 0.0 && rewards[2] == 0.0 && rewards[3] == 0.0);
    assert_true(raised[2] == 0.0);
    assert_close(raised[3], 660.0, 1e-15);
    assert_close(tab[2], 660.0, 1e-15);
    assert_true(tab[3] == 0.0);
    assert_true(started[1] == 1 && started[2] == 0);
    assert_true(active[0] == 0 && active[2] == 1 && active[3] == 0);
    assert_true(has_dataset(path, "auction_bad_debt") && has_dataset(path, "auction_sold_value"));
    vault_close(&v);

    liq_scenario_t *sc = cascade("");
    write_run(sc, NULL, path, 2);
    assert_false(has_dataset(path, "auction_tab"));
    assert_false(has_dataset(path, "keeper_rewards"));
    assert_true(has_dataset(path, "bad_debt"));
    liq_scenario_destroy(sc);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_reference),
        cmocka_unit_test(test_stairstep_and_exponential),
        cmocka_unit_test(test_reset_and_reward),
        cmocka_unit_test(test_take_amount),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_gas_delays_purchase),
        cmocka_unit_test(test_reset_on_tail),
        cmocka_unit_test(test_reset_on_cusp),
        cmocka_unit_test(test_lot_runs_out),
        cmocka_unit_test(test_keeper_capital),
        cmocka_unit_test(test_hole),
        cmocka_unit_test(test_conservation),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_effect_against_instant),
        cmocka_unit_test(test_scenario_errors),
        cmocka_unit_test(test_defaults_and_dump),
        cmocka_unit_test(test_cross_refused),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
