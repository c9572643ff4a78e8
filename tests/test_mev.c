/*
 * MEV-aware liquidation (issue 13 item 4; src/engine/mev.c): competing
 * liquidators, priority-gas and builder auctions, back-runs of oracle
 * updates, against values worked by hand from docs/model-notes.md
 * "MEV-aware liquidation".
 *
 * The book (as test_chains.c's): accounts of one WETH market, 1 WETH
 * against 1500 USDC each; WETH falls 30% at round 2 and stays at 1400 (no
 * market impact). Then health is 1400 x 0.83 / 1500 = 0.775 and a full
 * close wants 1500 x 1.05 / 1400 = 1.125 WETH, more than there is: the
 * whole 1 WETH is seized for 1400 / 1.05 = 1333.33 USDC repaid, a bonus
 * worth B = 1400 - 1333.33 = 66.667 USD (the rest of the debt is written
 * off), and the account holds nothing after. The chain asks a fixed
 * 10 gwei; a liquidator's transaction uses 500,000 gas, so with gas paid in
 * WETH at 1400 USD one wei per gas is 5e5 x 1e-18 x 1400 = 7e-10 USD and
 * the base fee costs g0 = 1e10 x 7e-10 = 7 USD.
 */
#define _POSIX_C_SOURCE 200809L

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

#include "liq_test.h"

#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

#define ROUNDS 12
#define MAX_ACCOUNTS 16
#define USD_PER_WEI 7e-10 /* 5e5 gas x 1e-18 x 1400 USD */
#define G0 7.0            /* 1e10 wei x 7e-10 */

/* The bonus's value at bonus b: 1400 - 1400 / (1 + b). */
static double bonus_value(double b)
{
    return 1400.0 - 1400.0 / (1.0 + b);
}

/* The scenario: `auction` is the chain's auction map ("" for none),
 * `oracle_keys` the ETH oracle's extra keys, `liquidators` the list. */
static liq_scenario_t *parse_book(double bonus, const char *auction, const char *oracle_keys,
                                  const char *liquidators)
{
    char yaml[8192];
    snprintf(yaml, sizeof(yaml),
             "rounds: %d\n"
             "assets:\n"
             "  - {name: WETH, price: 2000}\n"
             "  - {name: USDC, price: 1}\n"
             "pools:\n"
             "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 10000,"
             " reserve1: 2.0e7, fee: 0.003}\n"
             "chains:\n"
             "  - {name: eth, gas_asset: WETH, gas_price: {model: fixed, price: 10}%s}\n"
             "oracles:\n"
             "  - {name: ETH, source: market, asset: WETH%s}\n"
             "  - {name: USD, source: market, asset: USDC}\n"
             "protocols:\n"
             "  - name: Lender\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "    chain: eth\n"
             "    keepers:\n"
             "      liquidators:\n%s"
             "    markets:\n"
             "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.83,"
             " liquidation_bonus: %g, close_factor: 1, full_close_health: 1}\n"
             "shocks:\n"
             "  - {type: schedule, asset: WETH, steps: [{round: 2, return: -0.3}]}\n",
             ROUNDS, auction, oracle_keys, liquidators, bonus);
    return parse_scenario(yaml);
}

/* `n` identical liquidators "      - {name: Lk, capital: .., cost: .., gas: 500000}". */
static void identical(char *out, size_t size, int n, double capital, double cost)
{
    size_t len = 0;
    out[0] = '\0';
    for (int k = 0; k < n; k++) {
        len += (size_t)snprintf(out + len, size - len,
                                "        - {name: L%d, capital: %g, cost: %g, gas: 500000}\n", k,
                                capital, cost);
    }
}

/* What a run gave: per round the liquidations and the two MEV series, and
 * every liquidation row. */
typedef struct {
    int64_t liquidations[ROUNDS + 1];
    double profit[ROUNDS + 1];
    double builder[ROUNDS + 1];
    size_t n_rows;
    liq_liquidation_event_t rows[4 * MAX_ACCOUNTS];
    uint64_t hash;
} trace_t;

static trace_t run_book(const liq_scenario_t *sc, int n_accounts, int threads)
{
    int32_t protocol[MAX_ACCOUNTS] = {0}, market[MAX_ACCOUNTS] = {0};
    double collateral[MAX_ACCOUNTS], debt[MAX_ACCOUNTS];
    for (int i = 0; i < n_accounts; i++) {
        collateral[i] = 1.0;
        debt[i] = 1500.0;
    }
    const liq_positions_t pos = {(size_t)n_accounts, protocol, market, collateral, debt, NULL};
    liq_sim_t *sim = create_sim(sc, &pos, threads);
    trace_t t;
    memset(&t, 0, sizeof(t));
    t.hash = FNV1A_START;
    for (int r = 1; r <= ROUNDS; r++) {
        liq_state_view_t v;
        step_sim(sim, &v);
        assert_non_null(v.liquidator_profit);
        assert_non_null(v.builder_revenue);
        assert_non_null(v.events);
        t.liquidations[r] = v.liquidations[0];
        t.profit[r] = v.liquidator_profit[0];
        t.builder[r] = v.builder_revenue[0];
        for (size_t k = 0; k < v.events->n_liquidations; k++) {
            assert_true(t.n_rows < sizeof(t.rows) / sizeof(t.rows[0]));
            t.rows[t.n_rows++] = v.events->liquidations[k];
        }
        t.hash = fnv1a(t.hash, v.liquidator_profit, sizeof(double));
        t.hash = fnv1a(t.hash, v.builder_revenue, sizeof(double));
        t.hash = fnv1a(t.hash, v.repaid_value, sizeof(double));
        t.hash = fnv1a(t.hash, v.events->liquidations,
                       v.events->n_liquidations * sizeof(liq_liquidation_event_t));
    }
    liq_sim_destroy(sim);
    return t;
}

/* A row's margin: the gross value (bonus: seized less repaid) less gas. */
static double margin(const liq_liquidation_event_t *row)
{
    return row->seized_value - row->repaid_value - row->gas_paid;
}

#define TWO_LIQUIDATORS                                                                            \
    "        - {name: A, capital: 1.0e6, cost: 10, gas: 500000}\n"                                 \
    "        - {name: B, capital: 1.0e6, cost: 20, gas: 500000}\n"

/* One liquidation, A (cost 10) against B (cost 20), priority gas. Values:
 * v_A = 66.667 - 7 - 10 = 49.667, v_B = 39.667 USD; best tips
 * m_B = floor(39.667 / 7e-10) = 56,666,666,666 and m_A = 70,952,380,952 wei
 * per gas. A wins and bids one wei over B's best: 56,666,666,667 wei. The
 * account is found in round 2, the transaction lands in round 3's block.
 * Gas paid 5e5 x (1e10 + 56,666,666,667) x 1e-18 x 1400 = 46.6667 USD, of
 * which the builder's 56,666,666,667 x 7e-10 = 39.6667 (= v_B); A's margin
 * 66.667 - 46.667 = 20 = B's cost, its profit 20 - 10 = 10. */
static void test_two_liquidators_priority_gas(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book(0.05, "", "", TWO_LIQUIDATORS);
    const trace_t t = run_book(sc, 1, 1);
    const int64_t liq[ROUNDS + 1] = {0, 0, 0, 1};
    for (int r = 0; r <= ROUNDS; r++) {
        assert_int_equal(t.liquidations[r], liq[r]);
    }
    assert_int_equal(t.n_rows, 1);
    const liq_liquidation_event_t *row = &t.rows[0];
    assert_int_equal(row->round, 3);
    assert_int_equal(row->keeper, 0); /* A */
    const double b = bonus_value(0.05);
    assert_close(row->seized_value - row->repaid_value, b, 1e-12);
    const double tip = 56666666667.0;
    assert_close(row->builder_share, tip * USD_PER_WEI, 1e-12);
    assert_close(row->builder_share, b - G0 - 20.0, 1e-9);
    assert_close(row->gas_paid, (1e10 + tip) * USD_PER_WEI, 1e-12);
    assert_close(margin(row), 20.0, 1e-9);
    assert_close(t.profit[3], 10.0, 1e-9);
    assert_close(t.builder[3], row->builder_share, 1e-15);
    assert_true(t.profit[2] == 0.0 && t.builder[2] == 0.0);
    liq_scenario_destroy(sc);
}

/* The same lot in a builder auction with builder_share 0.1: the reserve is
 * 0.1 x 66.667 = 6.667 USD; both bid above it, A wins and pays the second
 * value v_B = 39.667, ceil(39.667 / 7e-10) = 56,666,666,667 wei per gas:
 * the same as the priority-gas outcome. Alone, A pays the reserve:
 * ceil(6.6667 / 7e-10) = 9,523,809,524 wei per gas, 6.667 USD, and keeps a
 * margin of 66.667 - 7 - 6.667 = 53.0 USD. */
static void test_builder_auction(void **state)
{
    (void)state;
    const char *auction = ", auction: {kind: builder, builder_share: 0.1}";
    liq_scenario_t *sc = parse_book(0.05, auction, "", TWO_LIQUIDATORS);
    trace_t t = run_book(sc, 1, 1);
    assert_int_equal(t.n_rows, 1);
    const double b = bonus_value(0.05);
    assert_int_equal(t.rows[0].keeper, 0);
    assert_close(t.rows[0].builder_share, 56666666667.0 * USD_PER_WEI, 1e-12);
    assert_close(margin(&t.rows[0]), 20.0, 1e-9);
    liq_scenario_destroy(sc);

    sc = parse_book(0.05, auction, "",
                    "        - {name: A, capital: 1.0e6, cost: 10, gas: 500000}\n");
    t = run_book(sc, 1, 1);
    assert_int_equal(t.n_rows, 1);
    assert_close(t.rows[0].builder_share, 9523809524.0 * USD_PER_WEI, 1e-12);
    assert_close(t.rows[0].builder_share, 0.1 * b, 1e-9);
    assert_close(margin(&t.rows[0]), b - G0 - 0.1 * b, 1e-9);
    assert_close(t.profit[3], b - G0 - 0.1 * b - 10.0, 1e-9);
    liq_scenario_destroy(sc);
}

/* n = 1, 2, 4, 8 identical liquidators (cost 10), each with capital for two
 * of the sixteen accounts a round (2 x 1333.33 <= 2700 < 3 x 1333.33). The
 * auctions run in account order; tied bids go to the first listed, so
 * liquidator 0 wins the first two at its full value (margin = cost), and so
 * on, until only the last one has capital: it wins its two alone, at the
 * price of getting in (clearing tip 0), margin V = 66.667 - 7 = 59.667.
 * Each round n liquidators take 2n accounts, two of them uncontested, so
 * the winners' average margin is cost + (V - cost) / n exactly:
 * 59.667, 34.833, 22.417, 16.208 USD; it falls toward the cost, within
 * (V - cost) / 8 = 6.208 of it at n = 8. Without capital limits every
 * contested lot would leave the winner its cost (Bertrand). */
static void test_competition_margin(void **state)
{
    (void)state;
    const double cost = 10.0, v = bonus_value(0.05) - G0;
    double last = INFINITY;
    for (int n = 1; n <= 8; n *= 2) {
        char list[2048];
        identical(list, sizeof(list), n, 2700.0, cost);
        liq_scenario_t *sc = parse_book(0.05, "", "", list);
        const trace_t t = run_book(sc, MAX_ACCOUNTS, 1);
        assert_int_equal(t.n_rows, MAX_ACCOUNTS);
        double sum = 0.0, profit = 0.0;
        for (size_t k = 0; k < t.n_rows; k++) {
            sum += margin(&t.rows[k]);
        }
        for (int r = 0; r <= ROUNDS; r++) {
            profit += t.profit[r];
        }
        const double mean = sum / MAX_ACCOUNTS;
        assert_close(mean, cost + (v - cost) / n, 1e-9);
        assert_close(profit, sum - MAX_ACCOUNTS * cost, 1e-9);
        assert_true(mean < last);
        last = mean;
        liq_scenario_destroy(sc);
    }
    assert_true(last - cost <= (v - cost) / 8 + 1e-9);
}

/* The builders' take rises with the bonus: A and B in a builder auction
 * (share 0.05): A pays v_B = B - 7 - 20 with B = 1400 - 1400 / (1 + b):
 * 39.667, 76.704 and 100.273 USD at b = 5%, 8% and 10%. */
static void test_builder_take_rises_with_bonus(void **state)
{
    (void)state;
    const double bonuses[3] = {0.05, 0.08, 0.10};
    double last = -INFINITY;
    for (int k = 0; k < 3; k++) {
        liq_scenario_t *sc = parse_book(
            bonuses[k], ", auction: {kind: builder, builder_share: 0.05}", "", TWO_LIQUIDATORS);
        const trace_t t = run_book(sc, 1, 1);
        assert_int_equal(t.n_rows, 1);
        const double take = t.builder[3];
        assert_close(take, bonus_value(bonuses[k]) - G0 - 20.0, 1e-9);
        assert_close(take, t.rows[0].builder_share, 1e-15);
        assert_true(take > last);
        last = take;
        liq_scenario_destroy(sc);
    }
}

/* The ETH oracle on the chain publishes by transaction (fixed 20 gwei, one
 * update pending at a time): the update it sends in round 2 reads 1400 and
 * lands in round 3's block, so the accounts become liquidatable in round 3.
 * A liquidator of latency 0 back-runs it: the five liquidations land in
 * round 3, in the update's block, paying its base fee (10 gwei) and one wei
 * over the runner-up's best. A liquidator of latency 1 sees them in round
 * 4 and its transactions land in round 5. */
static void test_backrun(void **state)
{
    (void)state;
    const char *oracle = ", chain: eth, transaction: {bid: fixed, gas_price: 20}";
    liq_scenario_t *sc = parse_book(0.05, "", oracle, TWO_LIQUIDATORS);
    trace_t t = run_book(sc, 5, 1);
    const int64_t liq[ROUNDS + 1] = {0, 0, 0, 5};
    for (int r = 0; r <= ROUNDS; r++) {
        assert_int_equal(t.liquidations[r], liq[r]);
    }
    assert_int_equal(t.n_rows, 5);
    for (size_t k = 0; k < t.n_rows; k++) {
        assert_int_equal(t.rows[k].round, 3);
        assert_int_equal(t.rows[k].keeper, 0);
        assert_close(t.rows[k].builder_share, 56666666667.0 * USD_PER_WEI, 1e-12);
        assert_close(margin(&t.rows[k]), 20.0, 1e-9);
    }
    liq_scenario_destroy(sc);

    sc = parse_book(0.05, "", oracle,
                    "        - {name: A, capital: 1.0e6, cost: 10, gas: 500000, latency: 1}\n");
    t = run_book(sc, 5, 1);
    const int64_t late[ROUNDS + 1] = {0, 0, 0, 0, 0, 5};
    for (int r = 0; r <= ROUNDS; r++) {
        assert_int_equal(t.liquidations[r], late[r]);
    }
    /* Alone, it pays the base fee only: margin V = 59.667. */
    assert_close(margin(&t.rows[0]), bonus_value(0.05) - G0, 1e-9);
    assert_true(t.rows[0].builder_share == 0.0);
    liq_scenario_destroy(sc);
}

/* 1, 2 and 3 threads give the same bits. */
static void test_threads(void **state)
{
    (void)state;
    char list[2048];
    identical(list, sizeof(list), 4, 2700.0, 10.0);
    liq_scenario_t *sc = parse_book(0.05, ", auction: {kind: builder, builder_share: 0.2}",
                                    ", chain: eth, transaction: {bid: fixed, gas_price: 20}", list);
    const uint64_t h1 = run_book(sc, MAX_ACCOUNTS, 1).hash;
    assert_true(h1 == run_book(sc, MAX_ACCOUNTS, 2).hash);
    assert_true(h1 == run_book(sc, MAX_ACCOUNTS, 3).hash);
    liq_scenario_destroy(sc);
}

static void test_bad_keys(void **state)
{
    (void)state;
    const char *head = "rounds: 2\n"
                       "assets: [{name: WETH, price: 2000}, {name: USDC, price: 1}]\n"
                       "pools: [{name: P, token0: WETH, token1: USDC, reserve0: 100,"
                       " reserve1: 200000}]\n"
                       "oracles:\n"
                       "  - {name: ETH, source: market, asset: WETH}\n"
                       "  - {name: USD, source: market, asset: USDC}\n";
    const char *market = "    markets: [{asset: WETH, oracle: ETH, route: P,"
                         " liquidation_threshold: 0.8, liquidation_bonus: 0.05}]\n";
    char yaml[4096];
    snprintf(yaml, sizeof(yaml),
             "%sprotocols:\n  - name: L\n    debt_asset: USDC\n    debt_oracle: USD\n"
             "    keepers: {liquidators: [{name: A, capital: 100}]}\n%s",
             head, market);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:11:14: protocols[0].keepers: keepers.liquidators compete for "
                          "block space: they need a declared chain; expected `chain` naming one "
                          "of the scenario's `chains`");

    const char *chains = "chains:\n  - {name: eth, gas_asset: WETH, gas_limit: 200000,"
                         " gas_price: {model: fixed, price: 10}}\n";
    snprintf(yaml, sizeof(yaml),
             "%s%sprotocols:\n  - name: L\n    debt_asset: USDC\n    debt_oracle: USD\n"
             "    chain: eth\n    keepers: {liquidators: [{name: A, capital: 100}]}\n%s",
             head, chains, market);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:14:14: protocols[0].keepers: keepers.liquidators[0] (A): gas "
                          "300000 exceeds chain 'eth''s gas_limit 200000; expected at most the gas "
                          "limit");

    /* builder_share belongs to builder auctions. */
    snprintf(yaml, sizeof(yaml),
             "%schains:\n  - {name: eth, gas_asset: WETH, gas_price: {model: fixed, price: 10},"
             " auction: {kind: priority_gas, builder_share: 0.5}}\n"
             "protocols:\n  - name: L\n    debt_asset: USDC\n    debt_oracle: USD\n"
             "    chain: eth\n    keepers: {liquidators: [{name: A, capital: 100}]}\n%s",
             head, market);
    expect_scenario_error(yaml, LIQ_EKEY,
                          "bad.yaml:8:117: chains[0].auction.builder_share: not allowed for kind "
                          "priority_gas; expected kind builder, or no builder_share (the winning "
                          "priority fee is the block producer's whole take)");

    /* An unknown kind, a missing capital, a negative cost, a taken name. */
    const struct {
        const char *auction, *list;
        int code;
        const char *message;
    } cases[] = {
        {"auction: {kind: sealed}", "{name: A, capital: 100}", LIQ_EINVAL,
         "bad.yaml:8:88: chains[0].auction.kind: unknown auction kind 'sealed'; expected one of "
         "priority_gas, builder"},
        {"auction: {kind: builder}", "{name: A, cost: 1}", LIQ_EKEY,
         "bad.yaml:14:29: protocols[0].keepers.liquidators[0]: missing key 'capital'"},
        {"auction: {kind: builder}", "{name: A, capital: 100, cost: -1}", LIQ_EINVAL,
         "bad.yaml:14:59: protocols[0].keepers.liquidators[0].cost: value -1 is negative; expected "
         "a finite number >= 0"},
        {"auction: {kind: builder}", "{name: A, capital: 100}, {name: A, capital: 5}", LIQ_EINVAL,
         "bad.yaml:14:14: protocols[0].keepers: keepers.liquidators[1]: the name 'A' is taken by "
         "keepers.liquidators[0]; expected unique names"},
        {"auction: {kind: builder, builder_share: 1.5}", "{name: A, capital: 100}", LIQ_EINVAL,
         "bad.yaml:8:112: chains[0].auction.builder_share: value 1.5 is out of range; expected a "
         "number in [0, 1]"},
        {"auction: {kind: builder}", "{name: A, capital: 100, latency: -1}", LIQ_EINVAL,
         "bad.yaml:14:62: protocols[0].keepers.liquidators[0].latency: value -1 is negative; "
         "expected a whole number of rounds >= 0, or <number><unit> with unit s, min, h or d"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        snprintf(yaml, sizeof(yaml),
                 "%schains:\n  - {name: eth, gas_asset: WETH, gas_price: {model: fixed, price: 10},"
                 " %s}\n"
                 "protocols:\n  - name: L\n    debt_asset: USDC\n    debt_oracle: USD\n"
                 "    chain: eth\n    keepers: {liquidators: [%s]}\n%s",
                 head, cases[k].auction, cases[k].list, market);
        expect_scenario_error(yaml, cases[k].code, cases[k].message);
    }

    /* English auctions have bidders, not liquidators. */
    snprintf(yaml, sizeof(yaml),
             "%s%sprotocols:\n  - name: L\n    debt_asset: USDC\n    debt_oracle: USD\n"
             "    chain: eth\n    liquidation: {mode: english}\n"
             "    keepers: {liquidators: [{name: A, capital: 100}]}\n%s",
             head, chains, market);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:15:14: protocols[0].keepers: keepers.liquidators compete for "
                          "instant liquidations only so far; expected liquidation.mode instant or "
                          "no liquidators");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_liquidators_priority_gas),
        cmocka_unit_test(test_builder_auction),
        cmocka_unit_test(test_competition_margin),
        cmocka_unit_test(test_builder_take_rises_with_bonus),
        cmocka_unit_test(test_backrun),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_bad_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
