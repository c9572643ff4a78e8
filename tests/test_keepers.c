/*
 * The keepers of English auctions as businesses (src/engine/keepers.c):
 * lots resold into capital, bids that must pay for their gas, bites as the
 * bidders' own transactions. Trajectories worked by hand from flip.sol's
 * rules and docs/scenario.md "keepers.bidders".
 *
 * The book (as tests/test_flip_engine.c): WETH 2000 falls 30% at round 2 to
 * 1400 and 10% more at round 10 to 1260; 12 s rounds, ttl 1 min (a bid
 * is dealt strictly after 60 s: 6 rounds after it), tau 1 h, beg 1.03,
 * chop 1.13; liquidation threshold 0.75. Vault 1: 10 WETH owing 11,000
 * USDC: health 10 x 1400 x 0.75 / 11000 = 0.955 at round 2, tab 12,430.
 * Vault 2: 10 WETH owing 10,000: health 1.05 at 1400, 0.945 at 1260 (round
 * 10), tab 11,300. The pool (10,000 WETH, 2e7 USDC, fee 0.3%) is re-priced
 * to the reference each round (arbitrage 1); bidders value lots at the
 * reference price, which sales do not move.
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

#define LIQ_TEST_FILE "keepers.yaml"
#include "liq_test.h"

#include "engine/keepers.h"
#include "engine/sim_internal.h"
#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

#define ROUNDS 18
#define REL 1e-12

static liq_scenario_t *parse_book(const char *chain, const char *transaction, const char *bidders)
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
             "    liquidation: {mode: english, beg: 1.03, ttl: 1min, tau: 1h, chop: 1.13}\n"
             "    keepers: {%sbidders: [%s]}\n"
             "    markets:\n"
             "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.75,"
             " liquidation_bonus: 0}\n"
             "shocks:\n"
             "  - {type: schedule, asset: WETH, steps: [{round: 2, return: -0.3},"
             " {round: 10, return: -0.1}]}\n",
             ROUNDS, chain, chain[0] != '\0' ? "    chain: eth\n" : "", transaction, bidders);
    return parse_scenario(yaml);
}

/* Per round: bidder 0's free capital and leading bids, its lots held, and
 * the protocol's counts. */
typedef struct {
    double free[ROUNDS + 1], locked[ROUNDS + 1], held[ROUNDS + 1];
    int64_t kicked[ROUNDS + 1], bids[ROUNDS + 1], deals[ROUNDS + 1];
    double pool_in0[ROUNDS + 1], reserve0[ROUNDS + 1], reserve1[ROUNDS + 1];
    double gas_paid[ROUNDS + 1];
    int64_t reverted[ROUNDS + 1];
} trace_t;

static void run_book(trace_t *t, const liq_scenario_t *sc, int n_vaults, int threads)
{
    int32_t protocol[2] = {0, 0}, market[2] = {0, 0};
    double collateral[2] = {10.0, 10.0}, debt[2] = {11000.0, 10000.0};
    const liq_positions_t pos = {(size_t)n_vaults, protocol, market, collateral, debt, NULL};
    liq_sim_t *sim = create_sim(sc, &pos, threads);
    memset(t, 0, sizeof(*t));
    const liq_flip_book_t *book = &sim->flip.book[0];
    t->free[0] = book->free_capital[0];
    for (int r = 1; r <= ROUNDS; r++) {
        liq_state_view_t v;
        step_sim(sim, &v);
        t->free[r] = book->free_capital[0];
        for (size_t k = 0; k < book->n; k++) {
            if (book->slot[k].auction.guy == 0) {
                t->locked[r] += book->slot[k].auction.bid;
            }
        }
        for (size_t k = 0; k < book->n_lots; k++) {
            t->held[r] += book->lots[k].bidder == 0 ? book->lots[k].units : 0.0;
        }
        t->kicked[r] = v.flip_kicked[0];
        t->bids[r] = v.flip_bids[0];
        t->deals[r] = v.flip_deals[0];
        t->pool_in0[r] = v.pool_liquidation_in0[0];
        t->reserve0[r] = v.pool_reserve0[0];
        t->reserve1[r] = v.pool_reserve1[0];
        if (v.chain_gas_paid != NULL) {
            t->gas_paid[r] = v.chain_gas_paid[0];
            t->reverted[r] = v.chain_reverted[0];
        }
    }
    liq_sim_destroy(sim);
}

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
 * Resale at the market. K (margin 0.01, capital 13,000) tends vault 1's
 * auction in round 2: min(12430, 10 x 1400 x 0.99 = 13860) = 12430, the
 * tab; free 13000 - 12430 = 570, locked 12430 (13,000 in all). Nobody
 * dents; the deal is in round 8 (tic 24 + 60 = 84 s < 96 s). With resell
 * {delay: 1, via: market, cost: 0.02} the 10 WETH are held through round 8
 * and sold in round 9 at 1400 x 0.98: free 570 + 13720 = 14290. Round 10:
 * vault 2 is bitten (tab 11300) and K tends min(11300, 10 x 1260 x 0.99 =
 * 12474) = 11300: free 2990. Deal in round 16 (tic 120 + 60 = 180 s < 192
 * s), sale in round 17 at 1260 x 0.98: free 2990 + 12348 = 15338. Without
 * resell K keeps 570 and cannot bid on vault 2's auction: no second bid.
 */
static void test_resell_market(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book(
        "", "",
        "{name: K, margin: 0.01, capital: 13000, resell: {delay: 1, via: market, cost: 0.02}}");
    trace_t t;
    run_book(&t, sc, 2, 1);
    const int64_t kicked[ROUNDS + 1] = {[2] = 1, [10] = 1};
    const int64_t deals[ROUNDS + 1] = {[8] = 1, [16] = 1};
    expect_counts(t.kicked, kicked, "kicked");
    expect_counts(t.bids, kicked, "bids");
    expect_counts(t.deals, deals, "deals");
    for (int r = 0; r <= ROUNDS; r++) {
        double free = 13000.0, locked = 0.0, held = 0.0;
        if (r >= 2 && r <= 7) {
            free = 570.0, locked = 12430.0; /* 570 + 12430 = 13000: bid money is kept */
        } else if (r == 8) {
            free = 570.0, held = 10.0;
        } else if (r == 9) {
            free = 14290.0;
        } else if (r >= 10 && r <= 15) {
            free = 2990.0, locked = 11300.0;
        } else if (r == 16) {
            free = 2990.0, held = 10.0;
        } else if (r >= 17) {
            free = 15338.0;
        }
        assert_close(t.free[r], free, REL);
        assert_close(t.locked[r], locked, REL);
        assert_close(t.held[r], held, REL);
        /* Sold at the market: no pool ever takes a lot. */
        assert_true(t.pool_in0[r] == 0.0);
    }
    liq_scenario_destroy(sc);

    /* Without resell: the bid of the first lot is gone, 570 is left. */
    sc = parse_book("", "", "{name: K, margin: 0.01, capital: 13000}");
    run_book(&t, sc, 2, 1);
    const int64_t one[ROUNDS + 1] = {[2] = 1};
    const int64_t one_deal[ROUNDS + 1] = {[8] = 1};
    expect_counts(t.kicked, kicked, "kicked without resell");
    expect_counts(t.bids, one, "bids without resell");
    expect_counts(t.deals, one_deal, "deals without resell");
    assert_close(t.free[ROUNDS], 570.0, REL);
    assert_close(t.pool_in0[8], 10.0, REL); /* the lot is sold at the deal */
    liq_scenario_destroy(sc);
}

/*
 * Resale on the pool, delay 2: the lot dealt in round 8 joins round 10's
 * seizures of the market and the venues phase sells it, 10 WETH into the
 * pool (pool_in0). A constant-product swap of D with fee f = 0.997 from
 * reserves (x, y) pays out = y f D / (x + f D); after it the reserves are
 * x' = x + D, y' = y - out, so out x = y' f D: out = y' f D / (x' - D),
 * from the reserves the round leaves. The proceeds are K's from round 11:
 * free 570 + out, and with them K tends vault 2's auction (bitten in round
 * 10, when K had only 570) in round 11.
 */
static void test_resell_pool(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        parse_book("", "", "{name: K, margin: 0.01, capital: 13000, resell: {delay: 2}}");
    trace_t t;
    run_book(&t, sc, 2, 1);
    const int64_t kicked[ROUNDS + 1] = {[2] = 1, [10] = 1};
    const int64_t bids[ROUNDS + 1] = {[2] = 1, [11] = 1};
    const int64_t deals[ROUNDS + 1] = {[8] = 1, [17] = 1};
    expect_counts(t.kicked, kicked, "kicked");
    expect_counts(t.bids, bids, "bids");
    expect_counts(t.deals, deals, "deals");
    for (int r = 1; r <= 12; r++) {
        assert_true(t.pool_in0[r] == (r == 10 ? 10.0 : 0.0));
    }
    assert_close(t.held[9], 10.0, REL);
    assert_close(t.held[10], 10.0, REL); /* sold, paid next round */
    assert_true(t.held[11] == 0.0);
    assert_close(t.free[10], 570.0, REL);
    const double out = t.reserve1[10] * 0.997 * 10.0 / (t.reserve0[10] - 10.0);
    /* About 10 x 1260 less the fee and the impact of 10 in 10,000. */
    assert_true(out > 12400.0 && out < 12600.0);
    /* Round 11: paid, then the tend of 11300 (the tab) on vault 2. */
    assert_close(t.free[11], 570.0 + out - 11300.0, 1e-10);
    assert_close(t.locked[11], 11300.0, REL);
    liq_scenario_destroy(sc);
}

#define CHAIN                                                                                      \
    "chains:\n"                                                                                    \
    "  - {name: eth, gas_asset: WETH, gas_price: {model: fixed, price: 50}}\n"

/*
 * Gas in the bid (a chain at 50 gwei; 300,000 gas a call). The bite is
 * sent in round 2, included in round 3 (the auction starts at 36 s); a
 * tend sent in round 3 is included in round 4. K's tend of the tab 12430
 * for 10 WETH at 1400 profits 14000 - 12430 = 1570 USD. At 4000 gwei the
 * call costs 300000 x 4000e-9 x 1400 = 1680 USD > 1570: K never bids. At
 * 3000 gwei it costs 1260 <= 1570: K bids. Without count_gas K bids at
 * 4000 gwei too.
 */
static void test_count_gas(void **state)
{
    (void)state;
    const char *cases[] = {"{name: K, margin: 0.01, gas_price: 4000, count_gas: true}",
                           "{name: K, margin: 0.01, gas_price: 3000, count_gas: true}",
                           "{name: K, margin: 0.01, gas_price: 4000}"};
    const int64_t none[ROUNDS + 1] = {0};
    const int64_t one[ROUNDS + 1] = {[4] = 1};
    for (int k = 0; k < 3; k++) {
        liq_scenario_t *sc = parse_book(CHAIN, "", cases[k]);
        trace_t t;
        run_book(&t, sc, 1, 1);
        const int64_t kicked[ROUNDS + 1] = {[3] = 1};
        expect_counts(t.kicked, kicked, "kicked");
        expect_counts(t.bids, k == 0 ? none : one, cases[k]);
        liq_scenario_destroy(sc);
    }
}

/*
 * Bites as the bidders' own transactions. The keepers' strategy is a fixed
 * 45 gwei, below the chain's 50: alone, it never bites. B bites at 60
 * gwei: its bite is sent in round 2 and lands in round 3, paying 300000 x
 * 60e-9 x 1400 = 25.2 USD of gas. K bids at 40 gwei and does not bite: its
 * tends never land. Two biters (B at 60, C at 70) each send a bite in
 * round 2; round 3's block includes C's first (the higher tip), which
 * bites; B's finds the vault empty and reverts, paying its gas too: 1400 x
 * 300000 x (60 + 70) e-9 = 54.6 USD, one reverted.
 */
static void test_bites(void **state)
{
    (void)state;
    const char *fixed45 = "transaction: {bid: fixed, gas_price: 45}, ";
    liq_scenario_t *sc = parse_book(CHAIN, fixed45, "{name: K, margin: 0.01, gas_price: 40}");
    trace_t t;
    run_book(&t, sc, 1, 1);
    const int64_t none[ROUNDS + 1] = {0};
    expect_counts(t.kicked, none, "kicked by the keepers at 45 gwei");
    liq_scenario_destroy(sc);

    sc = parse_book(CHAIN, fixed45,
                    "{name: K, margin: 0.01, gas_price: 40}, "
                    "{name: B, margin: 0.5, capital: 1, gas_price: 60, bites: true}");
    run_book(&t, sc, 1, 1);
    const int64_t kicked[ROUNDS + 1] = {[3] = 1};
    expect_counts(t.kicked, kicked, "kicked by B");
    expect_counts(t.bids, none, "bids at 40 gwei");
    expect_counts(t.reverted, none, "reverted");
    assert_close(t.gas_paid[3], 25.2, 1e-12);
    liq_scenario_destroy(sc);

    sc = parse_book(CHAIN, fixed45,
                    "{name: B, margin: 0.5, capital: 1, gas_price: 60, bites: true}, "
                    "{name: C, margin: 0.5, capital: 1, gas_price: 70, bites: true}");
    run_book(&t, sc, 1, 1);
    const int64_t reverted[ROUNDS + 1] = {[3] = 1};
    expect_counts(t.kicked, kicked, "kicked by C");
    expect_counts(t.reverted, reverted, "B's bite reverted");
    assert_close(t.gas_paid[3], 54.6, 1e-12);
    liq_scenario_destroy(sc);
}

/* Every mechanism at once, on a chain: the same bits on 1, 2 and 3
 * threads. */
static void test_threads(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        parse_book(CHAIN, "",
                   "{name: K, margin: 0.01, capital: 13000, gas_price: 60, count_gas: true,"
                   " bites: true, resell: {delay: 1}}, "
                   "{name: L, margin: 0.02, capital: 12000, gas_price: 55,"
                   " resell: {delay: 3, via: market, cost: 0.01}}, "
                   "{name: Z, zero: true, gas_price: 52, bites: true}");
    trace_t one, t;
    run_book(&one, sc, 2, 1);
    for (int threads = 2; threads <= 3; threads++) {
        run_book(&t, sc, 2, threads);
        assert_memory_equal(&one, &t, sizeof(t));
    }
    liq_scenario_destroy(sc);
}

/* Bad input names the key and what was expected. */
static void test_errors(void **state)
{
    (void)state;
    static const char *const head = "rounds: 2\n"
                                    "assets: [{name: WETH, price: 2000}, {name: USDC, price: 1}]\n"
                                    "oracles: [{name: ETH, source: market, asset: WETH},"
                                    " {name: USD, source: market, asset: USDC}]\n"
                                    "pools: [{name: P, token0: WETH, token1: USDC, reserve0: 1,"
                                    " reserve1: 2000}]\n"
                                    "protocols:\n"
                                    "  - name: L\n"
                                    "    debt_asset: USDC\n"
                                    "    debt_oracle: USD\n"
                                    "    liquidation: {mode: english}\n"
                                    "    markets: [{asset: WETH, oracle: ETH, route: P,"
                                    " liquidation_threshold: 0.8, liquidation_bonus: 0.05}]\n";
    char yaml[2048];
    snprintf(yaml, sizeof(yaml), "%s    keepers: {bidders: [{name: K, bites: true}]}\n", head);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "keepers.yaml:11:14: protocols[0].keepers: keepers.bidders[0] (K): bites "
                          "needs a declared chain (without one a "
                          "bite lands when it is decided); expected `chain` naming one of the "
                          "scenario's `chains`, or no bites");
    snprintf(yaml, sizeof(yaml), "%s    keepers: {bidders: [{name: K, resell: {via: pool}}]}\n",
             head);
    expect_scenario_error(yaml, LIQ_EKEY,
                          "keepers.yaml:11:43: protocols[0].keepers.bidders[0].resell: missing key "
                          "'delay'");
    snprintf(yaml, sizeof(yaml),
             "%s    keepers: {bidders: [{name: K, resell: {delay: 1, via: pool, cost: 0.1}}]}\n",
             head);
    expect_scenario_error(yaml, LIQ_EKEY,
                          "keepers.yaml:11:65: protocols[0].keepers.bidders[0].resell: unknown key "
                          "'cost'; expected one of delay, via");
    snprintf(yaml, sizeof(yaml),
             "%s    keepers: {bidders: [{name: K, resell: {delay: 1, via: market, cost: 1}}]}\n",
             head);
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "keepers.yaml:11:73: protocols[0].keepers.bidders[0].resell.cost: value 1 "
        "is out of range; expected a number in [0, 1)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resell_market), cmocka_unit_test(test_resell_pool),
        cmocka_unit_test(test_count_gas),     cmocka_unit_test(test_bites),
        cmocka_unit_test(test_threads),       cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
