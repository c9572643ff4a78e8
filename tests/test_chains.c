/*
 * Chains in the round (issue 13; src/engine/chains.c): liquidations as
 * transactions, against trajectories worked by hand from the rules in
 * docs/scenario.md "chains".
 *
 * The book: five accounts of one WETH market, 1 WETH against 1500 USDC
 * each (health 2000 x 0.83 / 1500 = 1.107), WETH falls 30% at round 2 and
 * stays there (no market impact), so from round 2 on every account has
 * health 1400 x 0.83 / 1500 = 0.775 and a full close seizes all its
 * collateral: each account is liquidated exactly once, and then holds
 * nothing. A chain builds one block a round (12 s blocks, 12 s rounds).
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

#define N_ACCOUNTS 5
#define ROUNDS 12

/* The scenario; `chain` is the chains section and the protocol's chain
 * keys (empty: no chain, R0). */
static liq_scenario_t *parse_book(const char *chains, const char *protocol_keys)
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
             "  - name: Lender\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "%s"
             "    markets:\n"
             "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.83,"
             " liquidation_bonus: 0.05, close_factor: 1, full_close_health: 1}\n"
             "shocks:\n"
             "  - {type: schedule, asset: WETH, steps: [{round: 2, return: -0.3}]}\n",
             ROUNDS, chains, protocol_keys);
    return parse_scenario(yaml);
}

/* Liquidations and stalled accounts per round (round 0 .. ROUNDS). */
typedef struct {
    int64_t liquidations[ROUNDS + 1];
    int64_t stalled[ROUNDS + 1];
} trace_t;

static trace_t run_book(const liq_scenario_t *sc, int threads)
{
    int32_t protocol[N_ACCOUNTS] = {0}, market[N_ACCOUNTS] = {0};
    double collateral[N_ACCOUNTS], debt[N_ACCOUNTS];
    for (int i = 0; i < N_ACCOUNTS; i++) {
        collateral[i] = 1.0;
        debt[i] = 1500.0;
    }
    const liq_positions_t pos = {N_ACCOUNTS, protocol, market, collateral, debt, NULL};
    liq_sim_t *sim = create_sim(sc, &pos, threads);
    trace_t t;
    memset(&t, 0, sizeof(t));
    for (int r = 1; r <= ROUNDS; r++) {
        liq_state_view_t v;
        step_sim(sim, &v);
        t.liquidations[r] = v.liquidations[0];
        t.stalled[r] = v.stalled[0];
    }
    liq_sim_destroy(sim);
    return t;
}

static void expect_trace(const trace_t *t, const int64_t *liquidations, const int64_t *stalled)
{
    for (int r = 0; r <= ROUNDS; r++) {
        if (t->liquidations[r] != liquidations[r] || t->stalled[r] != stalled[r]) {
            fail_msg("round %d: %lld liquidations, %lld stalled; expected %lld and %lld", r,
                     (long long)t->liquidations[r], (long long)t->stalled[r],
                     (long long)liquidations[r], (long long)stalled[r]);
        }
    }
}

#define FIXED_CHAIN(limit, price)                                                                  \
    "chains:\n"                                                                                    \
    "  - {name: eth, gas_asset: WETH, gas_limit: " #limit                                          \
    ", gas_price: {model: fixed, price: " #price "}}\n"

/* Without a chain every liquidation lands in the round that decides it. */
static void test_r0_lands_at_once(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book("", "");
    const trace_t t = run_book(sc, 1);
    const int64_t liq[ROUNDS + 1] = {0, 0, 5};
    const int64_t stalled[ROUNDS + 1] = {0};
    expect_trace(&t, liq, stalled);
    liq_scenario_destroy(sc);
}

/* Room for two 300,000-gas liquidations a block, keepers bidding 60 gwei on
 * a 50 gwei chain: the five sent in round 2 are included two, two and one
 * in the blocks of rounds 3, 4 and 5, in sending (account) order; stalled
 * counts the accounts found liquidatable less those liquidated. */
static void test_block_room(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book(
        FIXED_CHAIN(600000, 50),
        "    chain: eth\n"
        "    keepers: {transaction: {bid: fixed, gas_price: 60, gas: 300000, deadline: 10}}\n");
    const trace_t t = run_book(sc, 1);
    const int64_t liq[ROUNDS + 1] = {0, 0, 0, 2, 2, 1};
    const int64_t stalled[ROUNDS + 1] = {0, 0, 5, 3, 1, 0};
    expect_trace(&t, liq, stalled);
    liq_scenario_destroy(sc);
}

/* A fixed bid under the chain's price never gets in: every account stays
 * liquidatable and untouched (2020's keepers at a fixed gas price). */
static void test_priced_out(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        parse_book(FIXED_CHAIN(30000000, 50),
                   "    chain: eth\n"
                   "    keepers: {transaction: {bid: fixed, gas_price: 40, deadline: 3}}\n");
    const trace_t t = run_book(sc, 1);
    int64_t liq[ROUNDS + 1] = {0}, stalled[ROUNDS + 1] = {0};
    for (int r = 2; r <= ROUNDS; r++) {
        stalled[r] = N_ACCOUNTS;
    }
    expect_trace(&t, liq, stalled);
    liq_scenario_destroy(sc);
}

/* Deadlines: one liquidation fits a block and each waits one round. Sent
 * in round 2 (deadline 3), account 0 is included in round 3; the block of
 * round 4 drops the other four, whose keepers send them again in round 4;
 * account 1 gets in at round 5, and so on: one every other round. */
static void test_deadline(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book(
        FIXED_CHAIN(300000, 50),
        "    chain: eth\n"
        "    keepers: {transaction: {bid: fixed, gas_price: 60, gas: 300000, deadline: 1}}\n");
    const trace_t t = run_book(sc, 1);
    const int64_t liq[ROUNDS + 1] = {0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
    const int64_t stalled[ROUNDS + 1] = {0, 0, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0};
    expect_trace(&t, liq, stalled);
    liq_scenario_destroy(sc);
}

/* The capped bid: the last block's clearing tip (0: nothing was left out
 * for room) plus a 2 gwei tip, max fee 2 x base fee + tip: included at
 * once, as the fixed 60 gwei bid was. */
static void test_capped_bid(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        parse_book(FIXED_CHAIN(600000, 50), "    chain: eth\n"
                                            "    keepers: {transaction: {bid: capped, tip: 2}}\n");
    const trace_t t = run_book(sc, 1);
    const int64_t liq[ROUNDS + 1] = {0, 0, 0, 2, 2, 1};
    const int64_t stalled[ROUNDS + 1] = {0, 0, 5, 3, 1, 0};
    expect_trace(&t, liq, stalled);
    liq_scenario_destroy(sc);
}

/* An EIP-1559 chain whose other users send 90% of every block's 2,000,000
 * gas (16 transactions of 112,500 gas) at a 1 gwei tip: the keepers' five
 * liquidations (1,500,000 gas) tip 2 gwei, so the block of round 3 takes
 * them first and only four of the others' transactions after them. */
static void test_eip1559_priority(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book(
        "chains:\n"
        "  - {name: eth, gas_asset: WETH, gas_limit: 2000000, gas_price: {model: eip1559,"
        " initial_base_fee: 20, background_gas: 0.9, background_tip: 1}}\n",
        "    chain: eth\n"
        "    keepers: {transaction: {bid: capped, tip: 2, gas: 300000}}\n");
    const trace_t t = run_book(sc, 1);
    const int64_t liq[ROUNDS + 1] = {0, 0, 0, 5};
    const int64_t stalled[ROUNDS + 1] = {0, 0, 5, 0};
    expect_trace(&t, liq, stalled);
    liq_scenario_destroy(sc);
}

/* A given series: 100 gwei until 60 s, then 30. Keepers bidding 50 gwei
 * send in round 2 (24 s) and wait through the blocks at 36 and 48 s; the
 * blocks at 60, 72 and 84 s (rounds 5 to 7) take two, two and one. A
 * series that ends before the run is refused when the simulation is made. */
static void test_given_series(void **state)
{
    (void)state;
    char path[] = "/tmp/liqnet-gas-XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("seconds,gwei\n0,100\n60,30\n120,30\n180,30\n", f);
    fclose(f);
    char chains[512];
    snprintf(chains, sizeof(chains),
             "chains:\n"
             "  - {name: eth, gas_asset: WETH, gas_limit: 600000, gas_price: {model: given,"
             " file: %s, time_column: seconds, price_column: gwei, unit: gwei}}\n",
             path);
    liq_scenario_t *sc = parse_book(
        chains, "    chain: eth\n"
                "    keepers: {transaction: {bid: fixed, gas_price: 50, gas: 300000}}\n");
    const trace_t t = run_book(sc, 1);
    const int64_t liq[ROUNDS + 1] = {0, 0, 0, 0, 0, 2, 2, 1};
    const int64_t stalled[ROUNDS + 1] = {0, 0, 5, 5, 5, 3, 1, 0};
    expect_trace(&t, liq, stalled);
    liq_scenario_destroy(sc);

    /* 0 .. 60 s: covered up to 120 s (the last point plus the spacing
     * before it), short of the run's 144 s. */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("seconds,gwei\n0,100\n60,30\n", f);
    fclose(f);
    sc = parse_book(chains, "    chain: eth\n"
                            "    keepers: {transaction: {bid: fixed, gas_price: 50}}\n");
    liq_sim_t *sim = NULL;
    const liq_sim_options_t opt = {.threads = 1};
    assert_int_equal(liq_sim_create(&sim, sc, NULL, &opt), LIQ_EINVAL);
    assert_null(sim);
    char expected[1024];
    snprintf(expected, sizeof(expected),
             "test: chains[0] (eth): the gas price series from %s ends 120 s after round 0, "
             "before the run's last round at 144 s; expected a series that covers the run, or "
             "gas_price.after_end: hold",
             path);
    assert_string_equal(liq_errmsg(), expected);
    liq_scenario_destroy(sc);

    /* after_end: hold keeps the last price, 30 gwei, from 60 s to the run's
     * end: the same trajectory as the file that wrote 30 out to 180 s. */
    snprintf(chains, sizeof(chains),
             "chains:\n"
             "  - {name: eth, gas_asset: WETH, gas_limit: 600000, gas_price: {model: given,"
             " file: %s, time_column: seconds, price_column: gwei, unit: gwei,"
             " after_end: hold}}\n",
             path);
    sc = parse_book(chains,
                    "    chain: eth\n"
                    "    keepers: {transaction: {bid: fixed, gas_price: 50, gas: 300000}}\n");
    const trace_t held = run_book(sc, 1);
    expect_trace(&held, liq, stalled);
    liq_scenario_destroy(sc);
    remove(path);
}

/* The same trajectories for 1, 2, 3 and 8 threads. */
static void test_threads(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book(
        FIXED_CHAIN(300000, 50),
        "    chain: eth\n"
        "    keepers: {transaction: {bid: adaptive, tip: 1, gas: 300000, deadline: 2}}\n");
    const trace_t one = run_book(sc, 1);
    const int threads[] = {2, 3, 8};
    for (size_t k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
        const trace_t t = run_book(sc, threads[k]);
        assert_memory_equal(&one, &t, sizeof(t));
    }
    liq_scenario_destroy(sc);
}

/* Bad input: every message names the key and says what was expected. */
static void test_errors(void **state)
{
    (void)state;
    static const char *const head = "rounds: 2\n"
                                    "assets: [{name: WETH, price: 2000}, {name: USDC, price: 1}]\n"
                                    "oracles: [{name: ETH, source: market, asset: WETH},"
                                    " {name: USD, source: market, asset: USDC}]\n"
                                    "pools: [{name: P, token0: WETH, token1: USDC, reserve0: 1,"
                                    " reserve1: 2000}]\n";
    static const char *const market = "    markets: [{asset: WETH, oracle: ETH, route: P,"
                                      " liquidation_threshold: 0.8, liquidation_bonus: 0.05}]\n";
    char yaml[2048];
    snprintf(yaml, sizeof(yaml),
             "%s"
             "chains: [{name: eth, gas_asset: WETH, gas_price: {model: fixed, price: 5}}]\n"
             "protocols:\n"
             "  - name: L\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "    chain: arb\n"
             "%s",
             head, market);
    expect_scenario_error(
        yaml, LIQ_EREF,
        "bad.yaml:10:12: protocols[0].chain: no chain named 'arb'; defined chains: eth");

    snprintf(yaml, sizeof(yaml),
             "%s"
             "protocols:\n"
             "  - name: L\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "    keepers: {transaction: {bid: fixed, gas_price: 5}}\n"
             "%s",
             head, market);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:9:14: protocols[0].keepers: keepers.transaction needs a "
                          "declared chain; expected `chain` naming one of the scenario's `chains`");

    snprintf(yaml, sizeof(yaml),
             "%s"
             "chains: [{name: eth, gas_asset: WETH, gas_price: {model: fixed, price: 5}}]\n"
             "protocols:\n"
             "  - name: L\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "    chain: eth\n"
             "    keepers: {gas_cost: 3}\n"
             "%s",
             head, market);
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "bad.yaml:11:14: protocols[0].keepers: keepers.gas_cost 3 on chain 'eth': the chain prices "
        "gas; expected no gas_cost (keepers.transaction.gas and the chain's gas_price give it)");

    snprintf(yaml, sizeof(yaml),
             "%s"
             "chains: [{name: eth, gas_asset: WETH, gas_price: {model: fixed}}]\n",
             head);
    expect_scenario_error(yaml, LIQ_EKEY,
                          "bad.yaml:5:50: chains[0].gas_price: missing key 'price'");

    snprintf(yaml, sizeof(yaml),
             "%s"
             "chains: [{name: eth, gas_asset: WETH, gas_price: {model: fixed, price: -1}}]\n",
             head);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:5:72: chains[0].gas_price.price: value -1 is negative; "
                          "expected a finite number >= 0");

    snprintf(yaml, sizeof(yaml),
             "%s"
             "chains: [{name: eth, gas_asset: BTC, gas_price: {model: fixed, price: 1}}]\n",
             head);
    expect_scenario_error(
        yaml, LIQ_EREF,
        "bad.yaml:5:33: chains[0].gas_asset: no asset named 'BTC'; defined assets: WETH, USDC");

    snprintf(yaml, sizeof(yaml),
             "%s"
             "chains: [{name: eth, gas_asset: WETH, gas_price: {model: fixed, price: 1}},"
             " {name: eth, gas_asset: WETH, gas_price: {model: fixed, price: 1}}]\n",
             head);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:5:84: chains[1].name: duplicate name 'eth', already used by "
                          "chains[0]; expected names unique among chains");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_r0_lands_at_once), cmocka_unit_test(test_block_room),
        cmocka_unit_test(test_priced_out),       cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_capped_bid),       cmocka_unit_test(test_eip1559_priority),
        cmocka_unit_test(test_given_series),     cmocka_unit_test(test_threads),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
