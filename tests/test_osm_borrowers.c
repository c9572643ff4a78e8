/*
 * Oracles as transactions, MakerDAO's OSM and borrowers who act (issue 13
 * items 2-3, issue 14 item 1; src/engine/oracle_tx.c, borrowers.c), against
 * trajectories worked by hand from docs/scenario.md's rules and osm.sol.
 *
 * The book: five accounts of one WETH market drawn with V = 2000 USD
 * (lognormal, sigma 0) and health 1.2 (uniform [1.2, 1.2]): c = 1 WETH,
 * d = 2000 x 0.83 / 1.2 = 1383.33 USDC each. LT 0.83, full close. Rounds
 * are 60 s and a chain builds one block a round (60 s blocks).
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

#include <cmocka.h>

#include "liq_test.h"

#include "liqnet/error.h"
#include "liqnet/events.h"
#include "liqnet/oracle.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

#define ROUNDS 12

/* The scenario: `chains` (a chains section or ""), the ETH oracle's extra
 * keys, the protocol's extra keys, the generator's extra keys and the
 * shock steps. */
static liq_scenario_t *parse_book(const char *chains, const char *oracle, const char *protocol,
                                  const char *generator, const char *steps)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml),
             "rounds: %d\n"
             "round_seconds: 60\n"
             "assets:\n"
             "  - {name: WETH, price: 2000}\n"
             "  - {name: USDC, price: 1}\n"
             "pools:\n"
             "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 10000,"
             " reserve1: 2.0e7, fee: 0.003}\n"
             "%s"
             "oracles:\n"
             "  - {name: ETH, source: market, asset: WETH%s}\n"
             "  - {name: USD, source: market, asset: USDC}\n"
             "protocols:\n"
             "  - name: Lender\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "%s"
             "    markets:\n"
             "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.83,"
             " liquidation_bonus: 0.05, close_factor: 1, full_close_health: 1}\n"
             "accounts:\n"
             "  - protocol: Lender\n"
             "    market: WETH\n"
             "    count: 5\n"
             "    size: {distribution: lognormal, median: 2000, sigma: 0}\n"
             "    health: {distribution: uniform, min: 1.2, max: 1.2}\n"
             "%s"
             "shocks:\n"
             "  - {type: schedule, asset: WETH, steps: [%s]}\n",
             ROUNDS, chains, oracle, protocol, generator, steps);
    return parse_scenario(yaml);
}

/* Per round 0 .. ROUNDS: the ETH oracle's price, liquidations, borrowers'
 * actions included and failed, and their values. */
typedef struct {
    double oracle[ROUNDS + 1];
    int64_t liquidations[ROUNDS + 1];
    int64_t included[ROUNDS + 1];
    int64_t failed[ROUNDS + 1];
    double included_value[ROUNDS + 1];
    double failed_value[ROUNDS + 1];
} trace_t;

/* The round's borrower_action event rows (issue 13 item 7) tell what the
 * series count: rows included (failed) count borrower_included (failed),
 * their values sum to the series' values, each row is protocol 0's round r,
 * a top-up, with a positive amount. */
static void expect_rows(const liq_state_view_t *v, int r)
{
    assert_non_null(v->events);
    int64_t n[2] = {0, 0};
    double value[2] = {0.0, 0.0};
    for (size_t k = 0; k < v->events->n_borrower_actions; k++) {
        const liq_borrower_action_event_t *e = &v->events->borrower_actions[k];
        assert_int_equal(e->round, r);
        assert_int_equal(e->protocol, 0);
        assert_int_equal(e->kind, LIQ_BORROWER_TOP_UP);
        assert_true(e->amount > 0.0);
        n[e->included]++;
        value[e->included] += e->value;
    }
    const int64_t included = v->borrower_included != NULL ? v->borrower_included[0] : 0;
    const int64_t failed = v->borrower_failed != NULL ? v->borrower_failed[0] : 0;
    assert_int_equal(n[1], included);
    assert_int_equal(n[0], failed);
    if (v->borrower_included != NULL) {
        assert_close(value[1], v->borrower_included_value[0], 1e-12);
        assert_close(value[0], v->borrower_failed_value[0], 1e-12);
    }
}

static trace_t run_book(const liq_scenario_t *sc, int threads)
{
    const liq_sim_options_t options = {.threads = threads};
    liq_sim_t *sim = create_sim_with(sc, NULL, &options);
    trace_t t;
    memset(&t, 0, sizeof(t));
    t.oracle[0] = 2000.0;
    for (int r = 1; r <= ROUNDS; r++) {
        liq_state_view_t v;
        step_sim(sim, &v);
        expect_rows(&v, r);
        t.oracle[r] = v.oracle_price[0];
        t.liquidations[r] = v.liquidations[0];
        if (v.borrower_included != NULL) {
            t.included[r] = v.borrower_included[0];
            t.failed[r] = v.borrower_failed[0];
            t.included_value[r] = v.borrower_included_value[0];
            t.failed_value[r] = v.borrower_failed_value[0];
        }
    }
    liq_sim_destroy(sim);
    return t;
}

static void expect_oracle(const trace_t *t, int switch_round, double before, double after)
{
    for (int r = 1; r <= ROUNDS; r++) {
        const double want = r < switch_round ? before : after;
        if (t->oracle[r] != want) {
            fail_msg("round %d: oracle %.17g; expected %.17g", r, t->oracle[r], want);
        }
    }
}

static void expect_counts(const char *what, const int64_t *got, const int64_t *want)
{
    for (int r = 0; r <= ROUNDS; r++) {
        if (got[r] != want[r]) {
            fail_msg("round %d: %lld %s; expected %lld", r, (long long)got[r], what,
                     (long long)want[r]);
        }
    }
}

#define CHAIN(price)                                                                               \
    "chains:\n"                                                                                    \
    "  - {name: eth, gas_asset: WETH, block_seconds: 60, gas_price: {model: fixed, price: " #price \
    "}}\n"

/* ------------------------------------------------------------------ OSM */

/* osm.sol's rules on their own: hop 3600, a poke at 7300 s publishes the
 * value read at the poke before and rounds zzz down to 7200. */
static void test_osm_rules(void **state)
{
    (void)state;
    liq_osm_t osm = {100.0, 90.0, 3600};
    assert_false(liq_osm_pass(&osm, 3600, 7199));
    assert_false(liq_osm_poke(&osm, 3600, 7199, 80.0));
    assert_true(osm.cur == 100.0 && osm.nxt == 90.0 && osm.zzz == 3600);
    assert_true(liq_osm_poke(&osm, 3600, 7300, 80.0));
    assert_true(osm.cur == 90.0 && osm.nxt == 80.0 && osm.zzz == 7200);
    /* The next poke is allowed at zzz + hop = 10800, not 7300 + 3600. */
    assert_false(liq_osm_pass(&osm, 3600, 10799));
    assert_true(liq_osm_pass(&osm, 3600, 10800));
}

/* hop 180 s = 3 rounds; WETH halves at round 2 (2000 -> 1000). Round t is
 * at 60 t s; cur = nxt = 2000, zzz = 0 at round 0.
 *   t = 1, 2 (60, 120 s < 0 + 180): no poke, the OSM shows 2000;
 *   t = 3 (180 s): poke: cur = nxt = 2000, nxt = 1000, zzz = 180;
 *   t = 4, 5 (240, 300 < 360): 2000;
 *   t = 6 (360 s): poke: cur = 1000, nxt = 1000, zzz = 360.
 * So the liquidations (health 1000 x 0.83 / 1383.33 = 0.6) wait for round
 * 6, four rounds after the source moved: between one and two hops. */
static void test_osm_lag(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book("", ", osm: {hop: 180}", "", "", "{round: 2, return: -0.5}");
    const trace_t t = run_book(sc, 1);
    expect_oracle(&t, 6, 2000.0, 1000.0);
    const int64_t liq[ROUNDS + 1] = {0, 0, 0, 0, 0, 0, 5};
    expect_counts("liquidations", t.liquidations, liq);
    liq_scenario_destroy(sc);

    /* The same move at round 4, just after the poke of round 3: nxt takes
     * it at the poke of round 6 and cur at round 9, a lag of five rounds. */
    sc = parse_book("", ", osm: {hop: 180}", "", "", "{round: 4, return: -0.5}");
    const trace_t late = run_book(sc, 1);
    expect_oracle(&late, 9, 2000.0, 1000.0);
    liq_scenario_destroy(sc);
}

/* The poke as a transaction on a chain of one 60 s block a round at a
 * fixed 50 gwei. Bidding 60 gwei: sent at round 3 (180 s), it runs in the
 * block of round 4 at 240 s: cur = 2000, nxt = the source's 1000 of round
 * 4, zzz = prev(240) = 180; the next poke is due at 360 s (round 6), runs
 * at round 7 (420 s): cur = 1000. The inclusion delay adds a round to the
 * lag: liquidations at round 7. Bidding 40 gwei, under the block's price,
 * no poke ever gets in (each is dropped after its deadline and sent again)
 * and the OSM keeps the old value: no liquidation at all. */
static void test_osm_poke_on_chain(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_book(
        CHAIN(50), ", osm: {hop: 180}, chain: eth, transaction: {bid: fixed, gas_price: 60}", "",
        "", "{round: 2, return: -0.5}");
    trace_t t = run_book(sc, 1);
    expect_oracle(&t, 7, 2000.0, 1000.0);
    const int64_t liq[ROUNDS + 1] = {0, 0, 0, 0, 0, 0, 0, 5};
    expect_counts("liquidations", t.liquidations, liq);
    liq_scenario_destroy(sc);

    sc = parse_book(CHAIN(50),
                    ", osm: {hop: 180}, chain: eth, transaction: {bid: fixed, gas_price: 40,"
                    " deadline: 2}",
                    "", "", "{round: 2, return: -0.5}");
    t = run_book(sc, 1);
    expect_oracle(&t, ROUNDS + 1, 2000.0, 2000.0);
    const int64_t none[ROUNDS + 1] = {0};
    expect_counts("liquidations", t.liquidations, none);
    liq_scenario_destroy(sc);
}

/* A push oracle (heartbeat 1) on the chain: the update decided at round 2
 * carries the source's 1000 and becomes the price in round 3, when its
 * block includes it; the liquidations follow in round 3, not 2. */
static void test_push_on_chain(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        parse_book(CHAIN(50), ", chain: eth, transaction: {bid: fixed, gas_price: 60}", "", "",
                   "{round: 2, return: -0.5}");
    const trace_t t = run_book(sc, 1);
    expect_oracle(&t, 3, 2000.0, 1000.0);
    const int64_t liq[ROUNDS + 1] = {0, 0, 0, 5};
    expect_counts("liquidations", t.liquidations, liq);
    liq_scenario_destroy(sc);
}

/* ------------------------------------------------------------ borrowers */

/* Without a chain. WETH falls 30% at round 2: health 1400 x 0.83 /
 * 1383.33 = 0.84. With latency 0 every account (share 1) tops up in round
 * 2, before the keepers look: target 1.5 needs c = 1.5 x 1383.33 / (1400 x
 * 0.83) = 1.5 x 2000 / (1.2 x 1400) = 1.7857 WETH, 0.7857 more, 1100 USD
 * of its 2000 of capital; nobody is liquidated. With share 0, all five
 * are. With latency 1 the top-ups would land in round 3, after the keepers
 * liquidated the accounts in round 2: they fail, and 0.7857 WETH is worth
 * 1100 USD in round 3 too. */
static void test_borrowers_no_chain(void **state)
{
    (void)state;
    const char *steps = "{round: 2, return: -0.3}";
    liq_scenario_t *sc = parse_book(
        "", "", "", "    borrowers: {share: 1, trigger: 1.1, target: 1.5, capital: 1}\n", steps);
    trace_t t = run_book(sc, 1);
    const int64_t none[ROUNDS + 1] = {0};
    const int64_t five_at_2[ROUNDS + 1] = {0, 0, 5};
    expect_counts("liquidations", t.liquidations, none);
    expect_counts("included", t.included, five_at_2);
    expect_counts("failed", t.failed, none);
    assert_close(t.included_value[2], 5 * 1100.0, 1e-12);
    liq_scenario_destroy(sc);

    sc = parse_book("", "", "", "    borrowers: {share: 0, trigger: 1.1, target: 1.5}\n", steps);
    t = run_book(sc, 1);
    expect_counts("liquidations", t.liquidations, five_at_2);
    expect_counts("included", t.included, none);
    liq_scenario_destroy(sc);

    sc = parse_book("", "", "",
                    "    borrowers: {share: 1, trigger: 1.1, target: 1.5, latency: 1}\n", steps);
    t = run_book(sc, 1);
    const int64_t five_at_3[ROUNDS + 1] = {0, 0, 0, 5};
    expect_counts("liquidations", t.liquidations, five_at_2);
    expect_counts("included", t.included, none);
    expect_counts("failed", t.failed, five_at_3);
    assert_close(t.failed_value[3], 5 * 1100.0, 1e-12);
    liq_scenario_destroy(sc);
}

/* On a chain; the same scenario but for the chain's price. WETH falls 10%
 * at round 2 (1800: health 1800 x 0.83 / 1383.33 = 1.08, under the 1.15
 * trigger, not liquidatable) and 25% more at round 4 (1350). Borrowers bid
 * a fixed 100 gwei (deadline 2 rounds), keepers 130 (300,000 gas x 130 gwei
 * x 1350 USD = 52.65 USD, under the 5% bonus on 1383.33 USDC).
 * At 50 gwei: the top-ups sent in round 2 run in round 3: c = 1.5 x 2000 /
 * (1.2 x 1800) = 1.3889 WETH (0.3889 more, 700 USD each); at 1350 health
 * is 1.3889 x 1350 / 1666.67 = 1.125: no liquidation, but under the
 * trigger again: 1.5 x 2000 / (1.2 x 1350) = 1.8519 WETH, 0.4630 more
 * (625 USD of the 1300 left), sent in round 4, run in round 5.
 * At 120 gwei the borrowers' calls never get in: the ones of round 2 are
 * dropped by the block of round 5, the first after their deadline (round
 * 4); the keepers' liquidations sent in round 4 (health 0.81) run in round
 * 5; the accounts, untouched by their owners' calls, decide again in round
 * 5 (before the keepers' calls run) and those calls are dropped in round 8
 * and fail too. */
static void test_borrowers_congestion(void **state)
{
    (void)state;
    const char *keepers = "    chain: eth\n"
                          "    keepers: {transaction: {bid: fixed, gas_price: 130}}\n";
    const char *borrowers = "    borrowers: {share: 1, trigger: 1.15, target: 1.5,"
                            " transaction: {bid: fixed, gas_price: 100, deadline: 2}}\n";
    const char *steps = "{round: 2, return: -0.1}, {round: 4, return: -0.25}";
    liq_scenario_t *sc = parse_book(CHAIN(50), "", keepers, borrowers, steps);
    trace_t t = run_book(sc, 1);
    const int64_t none[ROUNDS + 1] = {0};
    const int64_t saved[ROUNDS + 1] = {0, 0, 0, 5, 0, 5};
    expect_counts("liquidations", t.liquidations, none);
    expect_counts("included", t.included, saved);
    expect_counts("failed", t.failed, none);
    assert_close(t.included_value[3], 5 * 700.0, 1e-12);
    assert_close(t.included_value[5], 5 * 625.0, 1e-12);
    liq_scenario_destroy(sc);

    sc = parse_book(CHAIN(120), "", keepers, borrowers, steps);
    t = run_book(sc, 1);
    const int64_t liq[ROUNDS + 1] = {0, 0, 0, 0, 0, 5};
    const int64_t failed[ROUNDS + 1] = {0, 0, 0, 0, 0, 5, 0, 0, 5};
    expect_counts("liquidations", t.liquidations, liq);
    expect_counts("included", t.included, none);
    expect_counts("failed", t.failed, failed);
    liq_scenario_destroy(sc);
}

/* ---------------------------------------- index, threads, determinism */

/* A larger book: 3000 accounts, half of them acting (latency 1, a spread
 * of gas prices), a falling GBM market; on a congested EIP-1559 chain with
 * an OSM on it, or without a chain. The index gives the run the full scan
 * gives (accounts included), for 1, 2 and 3 threads, and borrowers and
 * keepers both acted. */
static liq_scenario_t *parse_big(int on_chain)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml),
             "rounds: 40\n"
             "round_seconds: 600\n"
             "seed: 7\n"
             "assets: [{name: WETH, price: 2000}, {name: USDC, price: 1}]\n"
             "pools: [{name: P, token0: WETH, token1: USDC, reserve0: 50000, reserve1: 1.0e8}]\n"
             "%s"
             "oracles:\n"
             "  - {name: ETH, source: market, asset: WETH, osm: {hop: 1800}%s}\n"
             "  - {name: USD, source: market, asset: USDC}\n"
             "protocols:\n"
             "  - name: L\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "%s"
             "    markets: [{asset: WETH, oracle: ETH, route: P, liquidation_threshold: 0.8,"
             " liquidation_bonus: 0.1, close_factor: 0.5}]\n"
             "accounts:\n"
             "  - protocol: L\n"
             "    market: WETH\n"
             "    count: 3000\n"
             "    size: {distribution: pareto, alpha: 1.5, min: 1000}\n"
             "    health: {distribution: uniform, min: 1.0, max: 2.5}\n"
             "    borrowers: {share: 0.5, trigger: 1.1, target: 1.4, capital: 0.4, latency: 2,"
             " gas_spread: 0.5%s}\n"
             "shocks:\n"
             "  - {type: gbm, asset: WETH, drift: -20, volatility: 6}\n",
             on_chain ? "chains: [{name: eth, gas_asset: WETH, gas_limit: 3000000, gas_price:"
                        " {model: eip1559, initial_base_fee: 20, background_gas: 0.5}}]\n"
                      : "",
             on_chain ? ", chain: eth" : "", on_chain ? "    chain: eth\n" : "",
             on_chain ? ", transaction: {bid: fixed, gas_price: 25}" : "");
    return parse_scenario(yaml);
}

static void test_index_threads(void **state)
{
    (void)state;
    for (int on_chain = 0; on_chain <= 1; on_chain++) {
        liq_scenario_t *sc = parse_big(on_chain);
        const uint64_t scan = run_hash(sc, NULL, 1, 1);
        for (int threads = 1; threads <= 3; threads++) {
            const uint64_t h = run_hash(sc, NULL, threads, 0);
            if (h != scan) {
                fail_msg("chain %d, %d threads: index hash %016llx, scan %016llx", on_chain,
                         threads, (unsigned long long)h, (unsigned long long)scan);
            }
        }
        /* Not vacuous: borrowers landed and failed actions, keepers
         * liquidated. */
        const liq_sim_options_t options = {.threads = 2};
        liq_sim_t *sim = create_sim_with(sc, NULL, &options);
        int64_t included = 0, failed = 0, liquidations = 0;
        for (int64_t r = 1; r <= sc->rounds; r++) {
            liq_state_view_t v;
            step_sim(sim, &v);
            included += v.borrower_included[0];
            failed += v.borrower_failed[0];
            liquidations += v.liquidations[0];
        }
        liq_sim_destroy(sim);
        if (included == 0 || failed == 0 || liquidations == 0) {
            fail_msg("chain %d: %lld included, %lld failed, %lld liquidations; expected some of "
                     "each",
                     on_chain, (long long)included, (long long)failed, (long long)liquidations);
        }
        liq_scenario_destroy(sc);
    }
}

/* ------------------------------------------------------------ bad input */

static void test_errors(void **state)
{
    (void)state;
    static const char *const head = "rounds: 2\n"
                                    "assets: [{name: WETH, price: 2000}, {name: USDC, price: 1}]\n"
                                    "pools: [{name: P, token0: WETH, token1: USDC, reserve0: 1,"
                                    " reserve1: 2000}]\n";
    static const char *const usd = "  - {name: USD, source: market, asset: USDC}\n";
    static const char *const proto = "protocols:\n"
                                     "  - name: L\n"
                                     "    debt_asset: USDC\n"
                                     "    debt_oracle: USD\n"
                                     "    markets: [{asset: WETH, oracle: ETH, route: P,"
                                     " liquidation_threshold: 0.8, liquidation_bonus: 0.05}]\n";
    char yaml[2048];
    snprintf(yaml, sizeof(yaml),
             "%soracles:\n  - {name: ETH, source: market, asset: WETH,"
             " transaction: {bid: fixed, gas_price: 5}}\n%s",
             head, usd);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:5:59: oracles[0].transaction: transaction needs a declared "
                          "chain; expected `chain` naming one of the scenario's `chains`");

    snprintf(yaml, sizeof(yaml),
             "%soracles:\n  - {name: ETH, source: market, asset: WETH, heartbeat: 5,"
             " osm: {hop: 3600}}\n%s",
             head, usd);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:5:57: oracles[0].heartbeat: an oracle with osm is poked once "
                          "its hop has passed; expected no heartbeat and no deviation beside osm");

    snprintf(yaml, sizeof(yaml),
             "%soracles:\n  - {name: ETH, source: market, asset: WETH, osm: {hop: 70000}}\n%s",
             head, usd);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:5:57: oracles[0].osm.hop: 70000 s is more than osm.sol's "
                          "uint16 hop holds; expected at most 65535 s");

    snprintf(yaml, sizeof(yaml),
             "%soracles:\n  - {name: ETH, source: market, asset: WETH, chain: arb}\n%s", head, usd);
    expect_scenario_error(
        yaml, LIQ_EREF,
        "bad.yaml:5:53: oracles[0].chain: no chain named 'arb'; defined chains: (none)");

    static const char *const gen = "accounts:\n"
                                   "  - protocol: L\n"
                                   "    market: WETH\n"
                                   "    count: 5\n"
                                   "    size: {distribution: pareto, alpha: 1.5, min: 1000}\n"
                                   "    health: {distribution: uniform, min: 1.0, max: 2.0}\n";
    snprintf(yaml, sizeof(yaml),
             "%soracles:\n  - {name: ETH, source: market, asset: WETH}\n%s%s%s"
             "    borrowers: {share: 0.5, trigger: 1.2, target: 1.2}\n",
             head, usd, proto, gen);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:18:51: accounts[0].borrowers.target: value 1.2 is not above "
                          "trigger 1.2; expected target > trigger");

    snprintf(yaml, sizeof(yaml),
             "%soracles:\n  - {name: ETH, source: market, asset: WETH}\n%s%s%s"
             "    borrowers: {share: 1.5, trigger: 1.2, target: 1.5}\n",
             head, usd, proto, gen);
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "bad.yaml:18:24: accounts[0].borrowers.share: value 1.5 is out of range; "
                          "expected a number in [0, 1]");

    snprintf(yaml, sizeof(yaml),
             "%soracles:\n  - {name: ETH, source: market, asset: WETH}\n%s%s%s"
             "    borrowers: {share: 0.5, trigger: 1.2, target: 1.5,"
             " transaction: {bid: fixed, gas_price: 5}}\n",
             head, usd, proto, gen);
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "bad.yaml:18:69: accounts[0].borrowers.transaction: transaction needs the protocol on a "
        "declared chain; expected the protocol's `chain` naming one of the scenario's `chains`");

    snprintf(yaml, sizeof(yaml),
             "%soracles:\n  - {name: ETH, source: market, asset: WETH}\n%s%s%s"
             "    borrowers: {share: 0.5, trigger: 1.2}\n",
             head, usd, proto, gen);
    expect_scenario_error(yaml, LIQ_EKEY,
                          "bad.yaml:18:16: accounts[0].borrowers: missing key 'target'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_osm_rules),          cmocka_unit_test(test_osm_lag),
        cmocka_unit_test(test_osm_poke_on_chain),  cmocka_unit_test(test_push_on_chain),
        cmocka_unit_test(test_borrowers_no_chain), cmocka_unit_test(test_borrowers_congestion),
        cmocka_unit_test(test_index_threads),      cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
