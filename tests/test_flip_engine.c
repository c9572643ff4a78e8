/*
 * English auctions in the round (issue 13; src/engine/flip.c): trajectories
 * worked by hand from flip.sol's rules (liqnet/flip.h) and the bidders'
 * rules of docs/scenario.md "keepers.bidders".
 *
 * The book: one vault of 10 WETH owing 11,000 USDC in a WETH market with
 * liquidation threshold 0.75 (Maker's liquidation ratio 1/0.75 = 133%).
 * WETH is 2000 (health 10 x 2000 x 0.75 / 11000 = 1.364) and falls 30% at
 * round 2 to 1400 (health 0.955), where it stays: the market has no depth
 * limit, so the sales on the pool never move the reference price, which is
 * what bidders value lots at. 12 s rounds; ttl 1 min, tau 1 h, beg 1.03,
 * chop 1.13, so tab = 11000 x 1.13 = 12430 USDC.
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
#include "liqnet/flip.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

#define ROUNDS 14
#define TAB 12430.0
#define DEBT 11000.0
#define PRICE 1400.0
#define REL 1e-12

/* `chain` is the chains section and the protocol's chain key; `liquidation`
 * the extra liquidation keys; `bidders` the keepers' bidders list. */
static liq_scenario_t *parse_book(const char *chain, const char *liquidation, const char *bidders)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml),
             "rounds: %d\n"
             "assets:\n"
             "  - {name: WETH, price: 2000}\n"
             "  - {name: USDC, price: 1}\n"
             "pools:\n"
             "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 10000,"
             " reserve1: 2.0e7, fee: 0.003}\n"
             "oracles:\n"
             "  - {name: ETH, source: market, asset: WETH}\n"
             "  - {name: USD, source: market, asset: USDC}\n"
             "%s"
             "protocols:\n"
             "  - name: Maker\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "%s"
             "    liquidation: {mode: english, beg: 1.03, ttl: 1min, tau: 1h, chop: 1.13%s}\n"
             "    keepers: {bidders: [%s]}\n"
             "    markets:\n"
             "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.75,"
             " liquidation_bonus: 0}\n"
             "shocks:\n"
             "  - {type: schedule, asset: WETH, steps: [{round: 2, return: -0.3}]}\n",
             ROUNDS, chain[0] != '\0' ? chain : "", chain[0] != '\0' ? "    chain: eth\n" : "",
             liquidation, bidders);
    return parse_scenario(yaml);
}

/* What the test reads back, per round 0 .. ROUNDS. */
typedef struct {
    int64_t kicked[ROUNDS + 1], active[ROUNDS + 1], bids[ROUNDS + 1], deals[ROUNDS + 1];
    int64_t zero_wins[ROUNDS + 1], liquidations[ROUNDS + 1];
    double raised[ROUNDS + 1], sold_units[ROUNDS + 1], sold_value[ROUNDS + 1];
    double flip_bad_debt[ROUNDS + 1], bad_debt[ROUNDS + 1], insurance_fund[ROUNDS + 1];
    double deficit[ROUNDS + 1], repaid[ROUNDS + 1], seized[ROUNDS + 1], pool_in0[ROUNDS + 1];
    double reserve0[ROUNDS + 1], reserve1[ROUNDS + 1];
    double collateral[ROUNDS + 1], debt[ROUNDS + 1]; /* the vault's */
} trace_t;

static void run_book(trace_t *t, const liq_scenario_t *sc, int threads, double collateral,
                     double debt)
{
    int32_t protocol[1] = {0}, market[1] = {0};
    const liq_positions_t pos = {1, protocol, market, &collateral, &debt, NULL};
    liq_sim_t *sim = create_sim(sc, &pos, threads);
    memset(t, 0, sizeof(*t));
    for (int r = 1; r <= ROUNDS; r++) {
        liq_state_view_t v;
        step_sim(sim, &v);
        assert_non_null(v.flip_kicked);
        t->kicked[r] = v.flip_kicked[0];
        t->active[r] = v.flip_active[0];
        t->bids[r] = v.flip_bids[0];
        t->deals[r] = v.flip_deals[0];
        t->zero_wins[r] = v.flip_zero_wins[0];
        t->liquidations[r] = v.liquidations[0];
        t->raised[r] = v.flip_raised[0];
        t->sold_units[r] = v.flip_sold_units[0];
        t->sold_value[r] = v.flip_sold_value[0];
        t->flip_bad_debt[r] = v.flip_bad_debt[0];
        t->bad_debt[r] = v.bad_debt[0];
        t->insurance_fund[r] = v.insurance_fund[0];
        t->deficit[r] = v.deficit[0];
        t->repaid[r] = v.repaid_value[0];
        t->seized[r] = v.seized_value[0];
        t->pool_in0[r] = v.pool_liquidation_in0[0];
        t->reserve0[r] = v.pool_reserve0[0];
        t->reserve1[r] = v.pool_reserve1[0];
        liq_accounts_view_t a;
        liq_sim_accounts(sim, &a);
        t->collateral[r] = a.collateral[0];
        t->debt[r] = a.debt[0];
    }
    liq_sim_destroy(sim);
}

/* Counts per round must be these (rounds not listed: 0). */
static void expect_counts(const int64_t *got, const int64_t *want, const char *what)
{
    for (int r = 0; r <= ROUNDS; r++) {
        if (got[r] != want[r]) {
            fail_msg("%s at round %d: %lld, expected %lld", what, r, (long long)got[r],
                     (long long)want[r]);
        }
    }
}

/*
 * One auction's whole life, no chain (every call runs when decided).
 * Bidders in list order, value 10 x 1400 = 14000: A0 (margin 0.20), A
 * (0.15), B (0.10), C (0.05), D (0.01).
 * Round 2, the bite: lot 10, debt 11000, tab 12430, vault emptied. Then
 *   A0 tends min(tab, 14000 x 0.80) = 11200 (>= 1.03 x 0 = 0);
 *   A  tends 14000 x 0.85 = 11900 >= 1.03 x 11200 = 11536;
 *   B  tends min(12430, 12600) = 12430, the tab (flip.sol: bid == tab
 *      passes the beg test), so the dent phase begins;
 *   C  dents lot' = 12430 / (1400 x 0.95) = 9.345864661654135, since
 *      1.03 x 9.3459 = 9.626 <= 10; 10 - 9.3459 WETH goes back to the vault;
 *   D  dents lot' = 12430 / (1400 x 0.99) = 8.968253968253968, since
 *      1.03 x 8.9683 = 9.237 <= 9.3459.
 * Five bids; DAI raised 11200 + 700 + 530 = 12430; lot returned in all
 * 10 - 8.968253968253968 = 1.031746031746032 WETH. Later rounds: A0, A, B
 * and C would need more than the lot (12430 / (1400 (1 - m)) x 1.03 >
 * 8.968), D leads. D's bid expires at tic = 24 s + 60 s = 84 s; flip.sol
 * deals strictly after, at round 8 (96 s; round 7 is 84 s): D receives
 * 8.968253968253968 WETH for 12430 USDC (profit at 1400: 12555.56 - 12430
 * = 125.56, 1% of the lot's value), the penalty 12430 - 11000 = 1430 goes
 * to the insurance fund, no bad debt, and the lot is sold on the pool in
 * round 8's venues phase.
 */
static void test_whole_life(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book("", "",
                                    "{name: A0, margin: 0.2}, {name: A, margin: 0.15}, "
                                    "{name: B, margin: 0.1}, {name: C, margin: 0.05}, "
                                    "{name: D, margin: 0.01}");
    trace_t t;
    run_book(&t, sc, 1, 10.0, DEBT);
    const int64_t kicked[ROUNDS + 1] = {[2] = 1};
    const int64_t bids[ROUNDS + 1] = {[2] = 5};
    const int64_t deals[ROUNDS + 1] = {[8] = 1};
    const int64_t none[ROUNDS + 1] = {0};
    int64_t active[ROUNDS + 1] = {0};
    for (int r = 2; r < 8; r++) {
        active[r] = 1;
    }
    expect_counts(t.kicked, kicked, "kicked");
    expect_counts(t.liquidations, kicked, "liquidations");
    expect_counts(t.bids, bids, "bids");
    expect_counts(t.deals, deals, "deals");
    expect_counts(t.active, active, "active");
    expect_counts(t.zero_wins, none, "zero wins");
    assert_close(t.repaid[2], DEBT, REL);
    assert_close(t.seized[2], 10.0 * PRICE, REL);
    assert_close(t.raised[2], TAB, REL);
    for (int r = 3; r <= ROUNDS; r++) {
        assert_true(t.raised[r] == 0.0);
    }
    const double won = TAB / (PRICE * 0.99);
    assert_close(won, 8.968253968253968, 1e-15);
    assert_close(t.collateral[2], 10.0 - won, 1e-11);
    assert_close(t.collateral[ROUNDS], 1.031746031746032, 1e-11);
    assert_true(t.debt[2] == 0.0);
    assert_close(t.sold_units[8], won, REL);
    assert_close(t.sold_value[8], won * PRICE, REL);
    assert_close(t.pool_in0[8], won, REL);
    assert_true(t.pool_in0[7] == 0.0);
    assert_close(t.insurance_fund[7], 0.0, 0.0);
    assert_close(t.insurance_fund[8], TAB - DEBT, 1e-10);
    assert_true(t.flip_bad_debt[ROUNDS] == 0.0 && t.bad_debt[ROUNDS] == 0.0);
    /* The winner's profit at the reference price: tab (1 / 0.99 - 1). */
    assert_close(t.sold_units[8] * PRICE - TAB, 125.55555555555556, 1e-9);
    liq_scenario_destroy(sc);
}

/*
 * lump 4: the bite takes 4 WETH and 4/10 of the debt (cat.sol's art x lot
 * / ink): debt 4400, tab 4972; the vault keeps 6 WETH and 6600. One
 * bidder, margin 0.01: it tends min(4972, 4 x 1400 x 0.99 = 5544) = 4972,
 * the tab, and nobody dents it. Round 3: the vault (6 x 1400 x 0.75 / 6600
 * = 0.955) is bitten again, 4 WETH and 4400; round 4 the last 2 WETH and
 * 2200. Three auctions, each dealt 6 rounds after its tend.
 */
static void test_lump(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book("", ", lump: 4", "{name: D, margin: 0.01}");
    trace_t t;
    run_book(&t, sc, 1, 10.0, DEBT);
    const int64_t kicked[ROUNDS + 1] = {[2] = 1, [3] = 1, [4] = 1};
    const int64_t deals[ROUNDS + 1] = {[8] = 1, [9] = 1, [10] = 1};
    expect_counts(t.kicked, kicked, "kicked");
    expect_counts(t.bids, kicked, "bids");
    expect_counts(t.deals, deals, "deals");
    assert_close(t.collateral[2], 6.0, REL);
    assert_close(t.debt[2], 6600.0, REL);
    assert_close(t.raised[2], 4400.0 * 1.13, REL);
    assert_close(t.collateral[3], 2.0, REL);
    assert_close(t.debt[3], 2200.0, REL);
    assert_true(t.collateral[4] == 0.0 && t.debt[4] == 0.0);
    assert_close(t.sold_units[8], 4.0, REL);
    assert_close(t.sold_units[10], 2.0, REL);
    assert_close(t.insurance_fund[ROUNDS], DEBT * 0.13, 1e-10);
    liq_scenario_destroy(sc);
}

#define CHAIN                                                                                      \
    "chains:\n"                                                                                    \
    "  - {name: eth, gas_asset: WETH, gas_price: {model: fixed, price: 50}}\n"

/*
 * A zero-bid win. The chain asks 50 gwei a block; the keepers' bite (capped
 * at 2 x 50 + 2 gwei) is sent in round 2 and included in round 3's block:
 * the auction starts at 36 s. In round 3 both bidders send a tend: the
 * ordinary bidder 12430 (min(tab, 14000 x 0.95)) at a fixed 40 gwei, below
 * the chain's price, so it never gets in; the zero bidder 1e-45 at 100 gwei,
 * included in round 4's block: tic = 48 + 60 = 108 s. The zero bidder
 * deals once 108 s has passed: sent in round 10 (120 s), included and run
 * in round 11. The whole lot, 10 WETH, goes to it for 1e-45 DAI; the debt
 * the bite took, 11000, is bad debt (the penalty was a gain not made), and
 * with an empty insurance fund all of it is deficit.
 */
static void test_zero_bid(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book(CHAIN, "",
                                    "{name: ordinary, margin: 0.05, gas_price: 40}, "
                                    "{name: zero, zero: true, gas_price: 100}");
    trace_t t;
    run_book(&t, sc, 1, 10.0, DEBT);
    const int64_t kicked[ROUNDS + 1] = {[3] = 1};
    const int64_t bids[ROUNDS + 1] = {[4] = 1};
    const int64_t deals[ROUNDS + 1] = {[11] = 1};
    expect_counts(t.kicked, kicked, "kicked");
    expect_counts(t.bids, bids, "bids");
    expect_counts(t.deals, deals, "deals");
    expect_counts(t.zero_wins, deals, "zero wins");
    assert_true(t.raised[4] == LIQ_FLIP_MIN_BID);
    assert_close(t.sold_units[11], 10.0, REL);
    assert_close(t.pool_in0[11], 10.0, REL);
    assert_true(t.flip_bad_debt[10] == 0.0);
    assert_close(t.flip_bad_debt[11], DEBT, REL);
    assert_close(t.bad_debt[ROUNDS], DEBT, REL);
    assert_close(t.deficit[ROUNDS], DEBT, REL);
    assert_true(t.insurance_fund[ROUNDS] == 0.0);
    liq_scenario_destroy(sc);
}

/*
 * The same with the ordinary bidder at 60 gwei: round 4's block includes
 * the zero bidder's tend first (tip 100 - 50 = 50 gwei) and the ordinary
 * one's next (tip 10): 1e-45, then 12430 = the tab (> 1e-45, and the tab
 * passes the beg test). The ordinary bidder deals in round 11 for the
 * whole lot; the auction raised the tab: 1430 of penalty to the fund, no
 * bad debt, no zero-bid win.
 */
static void test_zero_bid_outbid(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book(CHAIN, "",
                                    "{name: ordinary, margin: 0.05, gas_price: 60}, "
                                    "{name: zero, zero: true, gas_price: 100}");
    trace_t t;
    run_book(&t, sc, 1, 10.0, DEBT);
    const int64_t bids[ROUNDS + 1] = {[4] = 2};
    const int64_t deals[ROUNDS + 1] = {[11] = 1};
    const int64_t none[ROUNDS + 1] = {0};
    expect_counts(t.bids, bids, "bids");
    expect_counts(t.deals, deals, "deals");
    expect_counts(t.zero_wins, none, "zero wins");
    assert_close(t.raised[4], TAB, REL);
    assert_close(t.sold_units[11], 10.0, REL);
    assert_true(t.flip_bad_debt[ROUNDS] == 0.0 && t.deficit[ROUNDS] == 0.0);
    assert_close(t.insurance_fund[ROUNDS], TAB - DEBT, 1e-10);
    liq_scenario_destroy(sc);
}

/* A cascade of 3000 generated vaults in two English protocols (one on a
 * chain, one not) and an instant one; every recorded number is the same
 * bit for bit on 1, 2, 3 and 8 threads. */
static uint64_t run_cascade(const liq_scenario_t *sc, int threads, int64_t *deals)
{
    liq_sim_t *sim = create_sim(sc, NULL, threads);
    uint64_t hash = 1469598103934665603ULL;
    for (int r = 1; r <= 40; r++) {
        liq_state_view_t v;
        step_sim(sim, &v);
        deals[0] += v.flip_deals[0];
        deals[1] += v.flip_deals[1];
        deals[2] += v.flip_zero_wins[0] + v.flip_zero_wins[1];
        const void *arrays[] = {v.flip_kicked,     v.flip_active,     v.flip_bids,
                                v.flip_deals,      v.flip_zero_wins,  v.flip_raised,
                                v.flip_sold_units, v.flip_sold_value, v.flip_bad_debt,
                                v.pool_reserve0,   v.pool_reserve1,   v.bad_debt,
                                v.insurance_fund,  v.collateral_value};
        const size_t n[] = {3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 3, 3, 3}; /* protocols, pools */
        for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
            const unsigned char *bytes = arrays[k];
            for (size_t b = 0; b < 8 * n[k]; b++) {
                hash = (hash ^ bytes[b]) * 1099511628211ULL;
            }
        }
    }
    liq_sim_destroy(sim);
    return hash;
}

static void test_threads(void **state)
{
    (void)state;
#define PROTOCOL_FMT                                                                               \
    "  - name: %s\n"                                                                               \
    "    debt_asset: USDC\n"                                                                       \
    "    debt_oracle: USD\n"                                                                       \
    "%s"                                                                                           \
    "    liquidation: {mode: %s, ttl: 1min, lump: 20}\n"                                           \
    "    keepers: {bidders: [{name: a, margin: 0.1, capital: 2.0e5%s},"                            \
    " {name: b, margin: 0.03, capital: 1.0e5%s}, {name: z, zero: true%s}]}\n"                      \
    "    markets: [{asset: WETH, oracle: ETH, route: WETH-%s,"                                     \
    " liquidation_threshold: 0.8, liquidation_bonus: 0.05}]\n"
    char p1[1024], p2[1024], yaml[4096];
    snprintf(p1, sizeof(p1), PROTOCOL_FMT, "M1", "", "english", "", "", "", "USDC");
    snprintf(p2, sizeof(p2), PROTOCOL_FMT, "M2", "    chain: eth\n", "english", ", gas_price: 40",
             ", gas_price: 60", ", gas_price: 100", "USDC2");
    snprintf(yaml, sizeof(yaml),
             "rounds: 40\n"
             "seed: 7\n"
             "assets:\n"
             "  - {name: WETH, price: 2000, market_depth: 20000, market_resilience: 0.1}\n"
             "  - {name: USDC, price: 1}\n"
             "pools:\n"
             "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 3000, reserve1: 6.0e6}\n"
             "  - {name: WETH-USDC2, token0: WETH, token1: USDC, reserve0: 2000,"
             " reserve1: 4.0e6}\n"
             "oracles:\n"
             "  - {name: ETH, source: market, asset: WETH}\n"
             "  - {name: USD, source: market, asset: USDC}\n"
             "chains:\n"
             "  - {name: eth, gas_asset: WETH, block_seconds: 24, gas_limit: 15000000,"
             " gas_price: {model: fixed, price: 50}}\n"
             "protocols:\n%s%s"
             "  - name: R0\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "    markets: [{asset: WETH, oracle: ETH, route: WETH-USDC,"
             " liquidation_threshold: 0.8, liquidation_bonus: 0.05}]\n"
             "accounts:\n"
             "  - {protocol: M1, market: WETH, count: 1500, size: {distribution: pareto,"
             " alpha: 1.5, min: 1000, max: 1.0e6}, health: {distribution: uniform, min: 1.01,"
             " max: 1.6}}\n"
             "  - {protocol: M2, market: WETH, count: 1000, size: {distribution: pareto,"
             " alpha: 1.5, min: 1000, max: 1.0e6}, health: {distribution: uniform, min: 1.01,"
             " max: 1.6}}\n"
             "  - {protocol: R0, market: WETH, count: 500, size: {distribution: pareto,"
             " alpha: 1.5, min: 1000, max: 1.0e6}, health: {distribution: uniform, min: 1.01,"
             " max: 1.6}}\n"
             "shocks:\n"
             "  - {type: schedule, asset: WETH, steps: [{round: 2, return: -0.15},"
             " {round: 6, return: -0.1}, {round: 20, return: 0.05}]}\n",
             p1, p2);
    liq_scenario_t *sc = parse_scenario(yaml);
    int64_t deals[3] = {0};
    const uint64_t one = run_cascade(sc, 1, deals);
    /* Both protocols deal auctions, and some fall to the zero bidder (on
     * the chain, where bidder a's 40 gwei never gets in). */
    print_message("deals %lld and %lld, zero-bid wins %lld\n", (long long)deals[0],
                  (long long)deals[1], (long long)deals[2]);
    assert_true(deals[0] > 0 && deals[1] > 0 && deals[2] > 0);
    const int threads[] = {2, 3, 8};
    for (size_t k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
        int64_t again[3] = {0};
        assert_true(run_cascade(sc, threads[k], again) == one);
    }
    liq_scenario_destroy(sc);
}

/* The scenario of the book with `liquidation` and `keepers` as given. */
static void bad_book(char *yaml, size_t size, const char *liquidation, const char *keepers)
{
    snprintf(yaml, size,
             "rounds: 5\n"
             "assets: [{name: WETH, price: 2000}, {name: USDC, price: 1}]\n"
             "pools: [{name: P, token0: WETH, token1: USDC, reserve0: 10, reserve1: 20000}]\n"
             "oracles: [{name: ETH, source: market, asset: WETH},"
             " {name: USD, source: market, asset: USDC}]\n"
             "protocols:\n"
             "  - name: Maker\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "    liquidation: %s\n"
             "    keepers: %s\n"
             "    markets: [{asset: WETH, oracle: ETH, route: P, liquidation_threshold: 0.75,"
             " liquidation_bonus: 0}]\n",
             liquidation, keepers);
}

static void test_errors(void **state)
{
    (void)state;
    char yaml[2048];
    bad_book(yaml, sizeof(yaml), "{mode: english, beg: 0.9}", "{}");
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:9:39: protocols[0].liquidation.beg: value 0.9 is out of range; "
                          "expected a finite number >= 1");
    bad_book(yaml, sizeof(yaml), "{mode: english, ttl: 0}", "{}");
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "bad.yaml:9:39: protocols[0].liquidation.ttl: value 0 is out of range; expected a whole "
        "number of seconds >= 1, or <number><unit> with unit s, min, h or d");
    bad_book(yaml, sizeof(yaml), "{mode: english, tau: 3days}", "{}");
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "bad.yaml:9:39: protocols[0].liquidation.tau: '3days' has an unknown unit 'days'; expected "
        "a whole number of seconds >= 1, or <number><unit> with unit s, min, h or d");
    bad_book(yaml, sizeof(yaml), "{mode: english, lump: -1}", "{}");
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:9:40: protocols[0].liquidation.lump: value -1 is negative; "
                          "expected a number > 0 or unlimited");
    bad_book(yaml, sizeof(yaml), "{mode: english, tail: 2h}", "{}");
    expect_scenario_error(yaml, LIQ_EKEY,
                          "bad.yaml:9:34: protocols[0].liquidation: unknown key 'tail'; expected "
                          "one of mode, chop, beg, ttl, tau, lump");
    bad_book(yaml, sizeof(yaml), "{mode: dutch_auction}", "{bidders: [{name: a}]}");
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:10:14: protocols[0].keepers: keepers.bidders bid in English "
                          "auctions; expected liquidation.mode english or no bidders");
    bad_book(yaml, sizeof(yaml), "{mode: english}", "{bidders: [{name: a, margin: 1}]}");
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:10:43: protocols[0].keepers.bidders[0].margin: value 1 is out "
                          "of range; expected a number in [0, 1)");
    bad_book(yaml, sizeof(yaml), "{mode: english}", "{bidders: [{margin: 0.1}]}");
    expect_scenario_error(yaml, LIQ_EKEY,
                          "bad.yaml:10:25: protocols[0].keepers.bidders[0]: missing key 'name'");
    bad_book(yaml, sizeof(yaml), "{mode: english}", "{bidders: [{name: a, gas_price: 40}]}");
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "bad.yaml:10:14: protocols[0].keepers: keepers.bidders[0] (a): gas_price needs a declared "
        "chain; expected `chain` naming one of the scenario's `chains`, or no gas_price");
}

/* The resolved form writes every default (the default bidder, ttl and tau
 * in seconds) and reads back to itself. */
static void test_dump(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book(CHAIN, ", lump: 50", "");
    assert_int_equal(sc->protocols[0].n_flip_bidders, 1);
    assert_string_equal(sc->protocols[0].flip_bidders[0].name, "keeper");
    assert_true(sc->protocols[0].liquidation.ttl == 60 &&
                sc->protocols[0].liquidation.flip_tau == 3600);
    char *first = NULL, *second = NULL;
    assert_int_equal(liq_scenario_dump(&first, sc), LIQ_OK);
    assert_non_null(strstr(first, "mode: english"));
    assert_non_null(strstr(first, "ttl: 60"));
    assert_non_null(strstr(first, "keeper"));
    liq_scenario_t *again = NULL;
    if (liq_scenario_parse(&again, first, strlen(first), "dump.yaml", NULL) != LIQ_OK) {
        fail_msg("resolved form rejected: %s\n%s", liq_errmsg(), first);
    }
    assert_int_equal(liq_scenario_dump(&second, again), LIQ_OK);
    assert_string_equal(first, second);
    free(first);
    free(second);
    liq_scenario_destroy(again);
    liq_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_life), cmocka_unit_test(test_lump),
        cmocka_unit_test(test_zero_bid),   cmocka_unit_test(test_zero_bid_outbid),
        cmocka_unit_test(test_threads),    cmocka_unit_test(test_errors),
        cmocka_unit_test(test_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
