/*
 * The event tables (issue 13 item 7; src/engine/events.c, liqnet/events.h):
 * rows worked by hand for a lending protocol and for MakerDAO flip auctions,
 * the rows summing to the per-round series, the scenario key
 * `output.events`, and rows identical on 1, 2 and 3 threads through the
 * parallel path of a large protocol (liquidate_large.c).
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
#include "liqnet/events.h"
#include "liqnet/flip.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

#define REL 1e-12

/* One lender, WETH against USDC: LT 0.8, bonus 5%, and every liquidation
 * closes the whole debt (full_close_health 1: HF < 1 always repays all).
 * WETH 2000 falls 30% at round 2 (1400) and 20% more at round 4 (1120);
 * no market depth limit, so liquidations never move the price. */
static liq_scenario_t *lender(const char *output)
{
    char yaml[2048];
    snprintf(yaml, sizeof(yaml),
             "rounds: 6\n"
             "%s"
             "assets:\n"
             "  - {name: WETH, price: 2000}\n"
             "  - {name: USDC, price: 1}\n"
             "pools:\n"
             "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 10000,"
             " reserve1: 2.0e7, fee: 0.003}\n"
             "oracles:\n"
             "  - {name: ETH, source: market, asset: WETH}\n"
             "  - {name: USD, source: market, asset: USDC}\n"
             "protocols:\n"
             "  - name: Lender\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "    keepers: {gas_cost: 10, min_profit: 0}\n"
             "    markets:\n"
             "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.8,"
             " liquidation_bonus: 0.05, full_close_health: 1}\n"
             "shocks:\n"
             "  - {type: schedule, asset: WETH, steps: [{round: 2, return: -0.3},"
             " {round: 4, return: -0.2}]}\n",
             output);
    return parse_scenario(yaml);
}

/* Two vaults of 10 WETH owing 12,000 and 10,000 USDC. */
static liq_sim_t *lender_sim(const liq_scenario_t *sc)
{
    static int32_t protocol[2] = {0, 0}, market[2] = {0, 0};
    static double collateral[2] = {10.0, 10.0}, debt[2] = {12000.0, 10000.0};
    const liq_positions_t pos = {2, protocol, market, collateral, debt, NULL};
    return create_sim(sc, &pos, 1);
}

/*
 * Account 0: HF at 2000 = 10 x 2000 x 0.8 / 12000 = 1.333; at 1400 =
 * 11200 / 12000 = 0.933 < 1 in round 2: it repays all 12000 and gives up
 * 12000 x 1.05 / 1400 = 9 WETH, worth 9 x 1400 = 12600 USD.
 * Account 1: HF at 1400 = 11200 / 10000 = 1.12, at 1120 = 8960 / 10000 =
 * 0.896 in round 4: repays 10000, seizes 10000 x 1.05 / 1120 = 9.375 WETH,
 * worth 10500 USD. Gas: keepers.gas_cost, 10 USD; builders: 0.
 */
static void test_lending_rows(void **state)
{
    (void)state;
    liq_scenario_t *sc = lender("");
    liq_sim_t *sim = lender_sim(sc);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_non_null(v.events); /* default: on for 2 accounts */
    assert_int_equal(v.events->n_liquidations, 0);
    const size_t want_rows[7] = {[2] = 1, [4] = 1};
    for (int r = 1; r <= 6; r++) {
        step_sim(sim, &v);
        assert_non_null(v.events);
        if (v.events->n_liquidations != want_rows[r]) {
            fail_msg("round %d: %zu liquidation rows, expected %zu", r, v.events->n_liquidations,
                     want_rows[r]);
        }
        assert_int_equal(v.events->n_auctions, 0);
        assert_int_equal(v.events->n_borrower_actions, 0);
        assert_int_equal((int64_t)v.events->n_liquidations, v.liquidations[0]);
        if (want_rows[r] == 0) {
            continue;
        }
        const liq_liquidation_event_t *e = &v.events->liquidations[0];
        const double price = r == 2 ? 1400.0 : 1120.0;
        assert_int_equal(e->round, r);
        assert_int_equal(e->protocol, 0);
        assert_int_equal(e->account, r == 2 ? 0 : 1);
        assert_int_equal(e->keeper, LIQ_KEEPER_POOLED);
        assert_close(e->price, price, REL);
        assert_true(e->price == v.oracle_price[0]);
        assert_close(e->repaid_value, r == 2 ? 12000.0 : 10000.0, REL);
        assert_close(e->seized_value, r == 2 ? 12600.0 : 10500.0, REL);
        assert_true(e->repaid_value == v.repaid_value[0]); /* one row: the series' sum */
        assert_true(e->seized_value == v.seized_value[0]);
        assert_true(e->gas_paid == 10.0);
        assert_true(e->builder_share == 0.0);
    }
    liq_accounts_view_t a;
    liq_sim_accounts(sim, &a);
    assert_close(a.collateral[0], 1.0, 1e-12);   /* 10 - 9 */
    assert_close(a.collateral[1], 0.625, 1e-12); /* 10 - 9.375 */
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* output.events: false leaves the view without rows; true keeps them. */
static void test_key(void **state)
{
    (void)state;
    liq_scenario_t *off = lender("output: {events: false}\n");
    assert_int_equal(off->output_events, 0);
    liq_sim_t *sim = lender_sim(off);
    liq_state_view_t v;
    step_sim(sim, &v);
    step_sim(sim, &v);
    assert_null(v.events);
    assert_int_equal(v.liquidations[0], 1);
    liq_sim_destroy(sim);
    liq_scenario_destroy(off);
    liq_scenario_t *on = lender("output: {events: true}\n");
    assert_int_equal(on->output_events, 1);
    liq_scenario_destroy(on);
    liq_scenario_t *dflt = lender("");
    assert_int_equal(dflt->output_events, -1);
    liq_scenario_destroy(dflt);
    expect_scenario_error("rounds: 2\noutput: {events: maybe}\n", LIQ_EINVAL,
                          "bad.yaml:2:18: output.events: unknown flag 'maybe'; expected one of "
                          "false, true");
}

/* The flip book of tests/test_flip_engine.c: one vault of 10 WETH owing
 * 11,000 USDC, LT 0.75, WETH 2000 falling 30% at round 2; ttl 1 min,
 * tau 1 h, beg 1.03, chop 1.13 (tab 12430). */
static liq_scenario_t *flip_book(const char *chain, const char *bidders)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml),
             "rounds: 14\n"
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
             "    keepers: {bidders: [%s]}\n"
             "    markets:\n"
             "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.75,"
             " liquidation_bonus: 0}\n"
             "shocks:\n"
             "  - {type: schedule, asset: WETH, steps: [{round: 2, return: -0.3}]}\n",
             chain, chain[0] != '\0' ? "    chain: eth\n" : "", bidders);
    return parse_scenario(yaml);
}

/* The rows of a run of the flip book: its bite and its deal. */
typedef struct {
    liq_liquidation_event_t bite;
    liq_auction_event_t deal;
    int bites, deals;
    double chain_gas_paid; /* the chain's gas series in the round of the bite */
} flip_rows_t;

static void run_flip(flip_rows_t *out, const liq_scenario_t *sc)
{
    int32_t protocol[1] = {0}, market[1] = {0};
    double collateral = 10.0, debt = 11000.0;
    const liq_positions_t pos = {1, protocol, market, &collateral, &debt, NULL};
    liq_sim_t *sim = create_sim(sc, &pos, 1);
    memset(out, 0, sizeof(*out));
    for (int r = 1; r <= 14; r++) {
        liq_state_view_t v;
        step_sim(sim, &v);
        assert_non_null(v.events);
        assert_int_equal((int64_t)v.events->n_liquidations, v.flip_kicked[0]);
        assert_int_equal((int64_t)v.events->n_auctions, v.flip_deals[0]);
        if (v.events->n_liquidations > 0) {
            out->bite = v.events->liquidations[0];
            out->bites += (int)v.events->n_liquidations;
            out->chain_gas_paid = v.chain_gas_paid != NULL ? v.chain_gas_paid[0] : (double)NAN;
            assert_true(out->bite.repaid_value == v.repaid_value[0]);
            assert_true(out->bite.seized_value == v.seized_value[0]);
        }
        if (v.events->n_auctions > 0) {
            out->deal = v.events->auctions[0];
            out->deals += (int)v.events->n_auctions;
            assert_true(out->deal.sold_lot == v.flip_sold_units[0]);
            assert_int_equal(out->deal.zero_bid, v.flip_zero_wins[0]);
        }
    }
    liq_sim_destroy(sim);
}

/*
 * No chain (test_flip_engine.c test_whole_life): the bite in round 2 takes
 * all 10 WETH (seized 10 x 1400 = 14000 USD) and the debt 11000 (repaid
 * value 11000 USD at O_b = 1); five bids (A0, A, B tend; C, D dent); D's
 * bid of 12430 for 12430 / (1400 x 0.99) = 8.968253968253968 WETH is dealt
 * at round 8. Not a zero bid.
 */
static void test_flip_rows(void **state)
{
    (void)state;
    liq_scenario_t *sc = flip_book("", "{name: A0, margin: 0.2}, {name: A, margin: 0.15}, "
                                       "{name: B, margin: 0.1}, {name: C, margin: 0.05}, "
                                       "{name: D, margin: 0.01}");
    flip_rows_t f;
    run_flip(&f, sc);
    assert_int_equal(f.bites, 1);
    assert_int_equal(f.deals, 1);
    assert_int_equal(f.bite.round, 2);
    assert_int_equal(f.bite.account, 0);
    assert_close(f.bite.repaid_value, 11000.0, REL);
    assert_close(f.bite.seized_value, 14000.0, REL);
    assert_close(f.bite.price, 1400.0, REL);
    assert_int_equal(f.deal.id, 0);
    assert_int_equal(f.deal.protocol, 0);
    assert_int_equal(f.deal.account, 0);
    assert_int_equal(f.deal.kick_round, 2);
    assert_int_equal(f.deal.end_round, 8);
    assert_int_equal(f.deal.bids, 5);
    assert_close(f.deal.tab, 12430.0, REL);
    assert_close(f.deal.lot, 10.0, REL);
    assert_close(f.deal.winning_bid, 12430.0, REL);
    assert_close(f.deal.sold_lot, 8.968253968253968, 1e-15);
    assert_int_equal(f.deal.zero_bid, 0);
    liq_scenario_destroy(sc);
}

/*
 * On a chain at 50 gwei (test_flip_engine.c test_zero_bid): the bite is
 * included in round 3's block; its row carries the gas its transaction
 * paid, which is the chain's whole gas series of that round (one included
 * liquidation). The ordinary bidder's 40 gwei never gets in; the zero
 * bidder's tend of 1 rad (1e-45 DAI) is the only bid, and it deals the
 * whole 10 WETH at round 11: zero_bid 1.
 */
static void test_zero_bid_row(void **state)
{
    (void)state;
    liq_scenario_t *sc = flip_book("chains:\n"
                                   "  - {name: eth, gas_asset: WETH, gas_price: {model: fixed,"
                                   " price: 50}}\n",
                                   "{name: ordinary, margin: 0.05, gas_price: 40}, "
                                   "{name: zero, zero: true, gas_price: 100}");
    flip_rows_t f;
    run_flip(&f, sc);
    assert_int_equal(f.bites, 1);
    assert_int_equal(f.bite.round, 3);
    assert_true(f.bite.gas_paid > 0.0);
    assert_true(f.bite.gas_paid == f.chain_gas_paid);
    assert_int_equal(f.deals, 1);
    assert_int_equal(f.deal.kick_round, 3);
    assert_int_equal(f.deal.end_round, 11);
    assert_int_equal(f.deal.bids, 1);
    assert_true(f.deal.winning_bid == LIQ_FLIP_MIN_BID);
    assert_close(f.deal.sold_lot, 10.0, REL);
    assert_close(f.deal.lot, 10.0, REL);
    assert_close(f.deal.tab, 12430.0, REL);
    assert_int_equal(f.deal.zero_bid, 1);
    liq_scenario_destroy(sc);
}

/* A hash of a run's event rows and the count of liquidation rows. */
static uint64_t hash_events(const liq_scenario_t *sc, int threads, size_t *rows, size_t *largest)
{
    liq_sim_t *sim = create_sim(sc, NULL, threads);
    uint64_t h = FNV1A_START;
    *rows = 0;
    *largest = 0;
    for (int r = 1; r <= 8; r++) {
        liq_state_view_t v;
        step_sim(sim, &v);
        const liq_events_view_t *e = v.events;
        assert_non_null(e);
        h = fnv1a(h, e->liquidations, e->n_liquidations * sizeof(*e->liquidations));
        *rows += e->n_liquidations;
        *largest = e->n_liquidations > *largest ? e->n_liquidations : *largest;
        /* The rows of each protocol sum to its series (the parallel path
         * sums in chunks, hence a tolerance). */
        for (size_t p = 0; p < v.n_protocols; p++) {
            double repaid = 0.0, seized = 0.0;
            int64_t count = 0;
            for (size_t k = 0; k < e->n_liquidations; k++) {
                if ((size_t)e->liquidations[k].protocol == p) {
                    repaid += e->liquidations[k].repaid_value;
                    seized += e->liquidations[k].seized_value;
                    count++;
                }
            }
            assert_int_equal(count, v.liquidations[p]);
            assert_close(repaid, v.repaid_value[p], 1e-9);
            assert_close(seized, v.seized_value[p], 1e-9);
        }
    }
    liq_sim_destroy(sim);
    return h;
}

/* 40,000 accounts in two instant lenders; a 25% crash in round 2 makes
 * more than 4096 candidates in a round (the parallel path). */
static void test_threads(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_scenario(
        "rounds: 8\n"
        "seed: 3\n"
        "output: {events: true}\n"
        "assets:\n"
        "  - {name: WETH, price: 2000, market_depth: 1.0e6, market_resilience: 0.2}\n"
        "  - {name: USDC, price: 1}\n"
        "pools:\n"
        "  - {name: P, token0: WETH, token1: USDC, reserve0: 20000, reserve1: 4.0e7}\n"
        "oracles:\n"
        "  - {name: ETH, source: market, asset: WETH}\n"
        "  - {name: USD, source: market, asset: USDC}\n"
        "protocols:\n"
        "  - {name: A, debt_asset: USDC, debt_oracle: USD, markets: [{asset: WETH, oracle: ETH,"
        " route: P, liquidation_threshold: 0.8, liquidation_bonus: 0.05}]}\n"
        "  - {name: B, debt_asset: USDC, debt_oracle: USD, markets: [{asset: WETH, oracle: ETH,"
        " route: P, liquidation_threshold: 0.85, liquidation_bonus: 0.08}]}\n"
        "accounts:\n"
        "  - {protocol: A, market: WETH, count: 30000, size: {distribution: pareto,"
        " alpha: 1.5, min: 100, max: 1.0e5}, health: {distribution: uniform, min: 1.01,"
        " max: 1.6}}\n"
        "  - {protocol: B, market: WETH, count: 10000, size: {distribution: pareto,"
        " alpha: 1.5, min: 100, max: 1.0e5}, health: {distribution: uniform, min: 1.01,"
        " max: 1.6}}\n"
        "shocks:\n"
        "  - {type: schedule, asset: WETH, steps: [{round: 2, return: -0.25}]}\n");
    size_t rows = 0, largest = 0;
    const uint64_t one = hash_events(sc, 1, &rows, &largest);
    print_message("%zu liquidation rows, %zu in the largest round\n", rows, largest);
    assert_true(largest > 4096);
    const int threads[] = {2, 3};
    for (size_t k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
        size_t again = 0, big = 0;
        assert_true(hash_events(sc, threads[k], &again, &big) == one);
        assert_int_equal(again, rows);
    }
    liq_scenario_destroy(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lending_rows), cmocka_unit_test(test_key),
        cmocka_unit_test(test_flip_rows),    cmocka_unit_test(test_zero_bid_row),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
