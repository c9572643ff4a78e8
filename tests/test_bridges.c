/*
 * Bridges and the liquidators' capital per chain in the round (issue 13
 * item 6; src/engine/bridges.c), against trajectories worked by hand from
 * the rules in docs/scenario.md "bridges":
 *   - a bridge's latency and capacity, and its conservation, every round;
 *   - a cascade on chain A reaching a lending protocol on chain B only
 *     through the liquidators' capital (drained from B toward A's cascade,
 *     refilled from A through a bridge with a delay);
 *   - a cascade on chain A reaching B only through an oracle on B that
 *     reads A's pool with the bridge's latency;
 *   - the same bits for 1, 2, 3 and 8 threads; bad input by message.
 * Every chain builds one block a round (12 s blocks, 12 s rounds) and asks
 * no gas (price 0), so gas never enters a decision.
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
#define REL 1e-12

#define FREE_CHAIN(name, extra)                                                                    \
    "  - {name: " name ", gas_asset: USDC, gas_price: {model: fixed, price: 0}" extra "}\n"

/* What a run leaves per round (0 .. ROUNDS). */
typedef struct {
    int64_t liquidations[ROUNDS + 1][2]; /* [round][protocol] */
    double bad_debt[ROUNDS + 1][2];
    double oracle[ROUNDS + 1][4];
    double pool[ROUNDS + 1][2];
    double capital[ROUNDS + 1][3]; /* [round][chain]; 0 without a stock */
    double sent[ROUNDS + 1][2], delivered[ROUNDS + 1][2], in_flight[ROUNDS + 1][2],
        fees[ROUNDS + 1][2];
} trace_t;

/* Runs sc on `threads` threads, with n accounts: protocol[i], collateral 1
 * and debt[i]. */
static trace_t run(const liq_scenario_t *sc, int threads, size_t n, const int32_t *protocol,
                   const double *debt)
{
    int32_t market[8] = {0};
    double collateral[8], d[8];
    for (size_t i = 0; i < n; i++) {
        collateral[i] = 1.0;
        d[i] = debt[i];
    }
    const liq_positions_t pos = {n, (int32_t *)(uintptr_t)protocol, market, collateral, d, NULL};
    liq_sim_t *sim = create_sim(sc, n > 0 ? &pos : NULL, threads);
    trace_t t;
    memset(&t, 0, sizeof(t));
    for (int r = 0; r <= ROUNDS; r++) {
        liq_state_view_t v;
        if (r == 0) {
            liq_sim_view(sim, &v);
        } else {
            step_sim(sim, &v);
        }
        for (size_t p = 0; p < v.n_protocols && p < 2; p++) {
            t.liquidations[r][p] = v.liquidations[p];
            t.bad_debt[r][p] = v.bad_debt[p];
        }
        for (size_t o = 0; o < v.n_oracles && o < 4; o++) {
            t.oracle[r][o] = v.oracle_price[o];
        }
        for (size_t q = 0; q < v.n_pools && q < 2; q++) {
            t.pool[r][q] = v.pool_price[q];
        }
        for (size_t c = 0; v.chain_keeper_capital != NULL && c < v.n_chains && c < 3; c++) {
            t.capital[r][c] = v.chain_keeper_capital[c];
        }
        for (size_t k = 0; k < v.n_bridges && k < 2; k++) {
            t.sent[r][k] = v.bridge_sent[k];
            t.delivered[r][k] = v.bridge_delivered[k];
            t.in_flight[r][k] = v.bridge_in_flight[k];
            t.fees[r][k] = v.bridge_fees[k];
        }
    }
    liq_sim_destroy(sim);
    return t;
}

/* Sums sent up to every round = sums delivered and fees + in flight. */
static void expect_conservation(const trace_t *t, size_t n_bridges)
{
    for (size_t k = 0; k < n_bridges; k++) {
        double sent = 0.0, delivered = 0.0, fees = 0.0;
        for (int r = 0; r <= ROUNDS; r++) {
            sent += t->sent[r][k];
            delivered += t->delivered[r][k];
            fees += t->fees[r][k];
            if (!(fabs(sent - (delivered + t->in_flight[r][k] + fees)) <= 1e-9 * (1.0 + sent))) {
                fail_msg("bridge %zu, round %d: sent %.17g != delivered %.17g + in flight %.17g "
                         "+ fees %.17g",
                         k, r, sent, delivered, t->in_flight[r][k], fees);
            }
        }
    }
}

/* ------------------------------------------- latency and capacity */

/*
 * Three chains, no accounts: the liquidators hold 1000 USD on A (target 0),
 * none on B (target 600) and C (target 100). Bridges, in this order:
 * ab (latency 2, capacity 250 USDC a round, fee 1/16) and ac (latency 0,
 * unlimited, no fee); USDC is 1 USD.
 *
 * Round 1: ab: A's excess 1000, B's shortfall 600 grossed up for the fee
 * 600 / (1 - 1/16) = 640: sent 640, fee 40, in flight 600; A 360. ac: A's
 * excess 360, C's shortfall 100: sent 100, arrives at once (latency 0): C
 * 100, A 260. Round 2: B's shortfall 600 - 0 - 600 in flight = 0: nothing;
 * ab's transfer is not due (sent in round 1, due from round 1 + 2 = 3).
 * Round 3: 250 arrive (the capacity), B 250, 350 in flight; round 4: 250
 * more, B 500, 100 in flight; round 5: the last 100, B 600.
 */
static const char *const three_chains =
    "rounds: 12\n"
    "assets: [{name: XA, price: 1000}, {name: USDC, price: 1}]\n"
    "pools: [{name: PA, token0: XA, token1: USDC, reserve0: 1000, reserve1: 1.0e6}]\n"
    "oracles: [{name: OA, source: market, asset: XA}, {name: USD, source: market, asset: USDC}]\n"
    "chains:\n" FREE_CHAIN("A", ", keeper_capital: 1000, keeper_target: 0")
        FREE_CHAIN("B", ", keeper_capital: 0, keeper_target: 600") FREE_CHAIN(
            "C",
            ", keeper_capital: 0, keeper_target: 100") "bridges:\n"
                                                       "  - {name: ab, asset: USDC, from: A, to: "
                                                       "B, latency: 2, capacity: 250, fee: "
                                                       "0.0625}\n"
                                                       "  - {name: ac, asset: USDC, from: A, to: "
                                                       "C, latency: 0}\n"
                                                       "protocols:\n"
                                                       "  - name: LA\n"
                                                       "    debt_asset: USDC\n"
                                                       "    debt_oracle: USD\n"
                                                       "    chain: A\n"
                                                       "    markets: [{asset: XA, oracle: OA, "
                                                       "route: PA, liquidation_threshold: 0.83,"
                                                       " liquidation_bonus: 0.05}]\n";

static void test_latency_capacity(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_scenario(three_chains);
    const trace_t t = run(sc, 1, 0, NULL, NULL);
    const double sent_ab[6] = {0, 640, 0, 0, 0, 0}, fees_ab[6] = {0, 40, 0, 0, 0, 0};
    const double delivered_ab[6] = {0, 0, 0, 250, 250, 100};
    const double in_flight_ab[6] = {0, 600, 600, 350, 100, 0};
    const double capital_b[6] = {0, 0, 0, 250, 500, 600};
    for (int r = 0; r <= ROUNDS; r++) {
        const int k = r < 6 ? r : 5;
        const double none = r < 6 ? 1.0 : 0.0; /* after round 5 nothing moves */
        assert_true(t.sent[r][0] == none * sent_ab[k]);
        assert_true(t.fees[r][0] == none * fees_ab[k]);
        assert_true(t.delivered[r][0] == none * delivered_ab[k]);
        assert_true(t.in_flight[r][0] == in_flight_ab[k]);
        assert_true(t.delivered[r][0] <= 250.0); /* the capacity */
        assert_true(t.capital[r][1] == capital_b[k]);
        /* ac: sent and delivered in round 1, nothing in flight ever. */
        assert_true(t.sent[r][1] == (r == 1 ? 100.0 : 0.0));
        assert_true(t.delivered[r][1] == (r == 1 ? 100.0 : 0.0));
        assert_true(t.in_flight[r][1] == 0.0);
        assert_true(t.capital[r][0] == (r == 0 ? 1000.0 : 260.0));
        assert_true(t.capital[r][2] == (r == 0 ? 0.0 : 100.0));
    }
    expect_conservation(&t, 2);
    liq_scenario_destroy(sc);
}

/* ------------------------------------ a cascade through the capital */

/*
 * Chain A holds LA (collateral XA), chain B holds LB (collateral XB), both
 * owing USDC; four accounts each of 1 unit against 800 USDC (health 1000 x
 * 0.83 / 800 = 1.0375). XA falls 10% at round 2, XB at round 4: health
 * 900 x 0.83 / 800 = 0.934 < 1, a full close: repay 800, seize 800 x 1.05
 * / 900 units, worth 840 at the oracle. A liquidation sent in round t is
 * included and runs in round t + 1; it returns its reserve (800) less the
 * 800 repaid plus the 840 seized.
 *
 * The liquidators hold 1000 USD on A (target 1000) and 4000 on B (target
 * 1000: they lend 3000 to other chains). Without bridges LB sends all four
 * in round 4 (3200 <= 4000): four liquidations in round 5.
 *
 * With bridges ab (A to B) and ba (B to A), latency 3 each, no fee:
 *   round 2: LA keeps 1 (A 1000 -> 200), 2400 unmet. ba: B's excess 3000,
 *            A's shortfall 1000 + 2400 - 200 = 3200: 3000 sent, B 1000.
 *   round 3: LA's first runs: A 200 + 840 = 1040; keeps 1: 240.
 *   round 4: A 1080, keeps 1: 280. XB falls: B 1000 keeps 1: 200, 2400
 *            unmet; A has no excess, nothing moves.
 *   round 5: A 1120 -> 320 (its last); B 200 + 840 = 1040 -> 240; the 3000
 *            sent in round 2 arrive (2 + 3): A 3320.
 *   round 6: A 3320 + 840 = 4160; B 280 after keeping 1, 800 unmet. ab:
 *            A's excess 3160, B's shortfall 1000 + 800 - 280 = 1520: sent,
 *            A 2640, arriving in round 9.
 *   round 7: B 320 (its last); round 8: B 1160; round 9: B 2680.
 * So LB liquidates one a round in rounds 5 to 8 instead of four in round 5:
 * A's cascade reached B only through the liquidators' capital.
 */
static liq_scenario_t *parse_two_chains(const char *bridges)
{
    char yaml[4096];
    snprintf(
        yaml, sizeof(yaml),
        "rounds: %d\n"
        "assets:\n"
        "  - {name: XA, price: 1000}\n"
        "  - {name: XB, price: 1000}\n"
        "  - {name: USDC, price: 1}\n"
        "pools:\n"
        "  - {name: PA, token0: XA, token1: USDC, reserve0: 1.0e6, reserve1: 1.0e9}\n"
        "  - {name: PB, token0: XB, token1: USDC, reserve0: 1.0e6, reserve1: 1.0e9}\n"
        "oracles:\n"
        "  - {name: OA, source: market, asset: XA}\n"
        "  - {name: OB, source: market, asset: XB}\n"
        "  - {name: USD, source: market, asset: USDC}\n"
        "chains:\n" FREE_CHAIN("A", ", keeper_capital: 1000") FREE_CHAIN(
            "B",
            ", keeper_capital: 4000, keeper_target: 1000") "%s"
                                                           "protocols:\n"
                                                           "  - name: LA\n"
                                                           "    debt_asset: USDC\n"
                                                           "    debt_oracle: USD\n"
                                                           "    chain: A\n"
                                                           "    keepers: {transaction: {bid: "
                                                           "fixed, gas_price: 0}}\n"
                                                           "    markets: [{asset: XA, oracle: OA, "
                                                           "route: PA, liquidation_threshold: 0.83,"
                                                           " liquidation_bonus: 0.05, "
                                                           "close_factor: 1, full_close_health: "
                                                           "1}]\n"
                                                           "  - name: LB\n"
                                                           "    debt_asset: USDC\n"
                                                           "    debt_oracle: USD\n"
                                                           "    chain: B\n"
                                                           "    keepers: {transaction: {bid: "
                                                           "fixed, gas_price: 0}}\n"
                                                           "    markets: [{asset: XB, oracle: OB, "
                                                           "route: PB, liquidation_threshold: 0.83,"
                                                           " liquidation_bonus: 0.05, "
                                                           "close_factor: 1, full_close_health: "
                                                           "1}]\n"
                                                           "shocks:\n"
                                                           "  - {type: schedule, asset: XA, steps: "
                                                           "[{round: 2, return: -0.1}]}\n"
                                                           "  - {type: schedule, asset: XB, steps: "
                                                           "[{round: 4, return: -0.1}]}\n",
        ROUNDS, bridges);
    return parse_scenario(yaml);
}

static const char *const two_bridges = "bridges:\n"
                                       "  - {name: ab, asset: USDC, from: A, to: B, latency: 3}\n"
                                       "  - {name: ba, asset: USDC, from: B, to: A, latency: 3}\n";

static const int32_t two_books[8] = {0, 0, 0, 0, 1, 1, 1, 1};
static const double two_debts[8] = {800, 800, 800, 800, 800, 800, 800, 800};

static void test_capital_cascade(void **state)
{
    (void)state;
    liq_scenario_t *alone = parse_two_chains("");
    const trace_t a = run(alone, 1, 8, two_books, two_debts);
    liq_scenario_t *linked = parse_two_chains(two_bridges);
    const trace_t b = run(linked, 1, 8, two_books, two_debts);
    for (int r = 0; r <= ROUNDS; r++) {
        /* LA: one a round in rounds 3 to 6 either way (A's capital). */
        const int64_t la = r >= 3 && r <= 6;
        assert_int_equal(a.liquidations[r][0], la);
        assert_int_equal(b.liquidations[r][0], la);
        /* LB: four in round 5 alone; one a round in rounds 5 to 8 linked. */
        assert_int_equal(a.liquidations[r][1], r == 5 ? 4 : 0);
        assert_int_equal(b.liquidations[r][1], r >= 5 && r <= 8);
    }
    /* Each liquidation adds 40 (840 seized - 800 repaid). */
    const double cap_a[ROUNDS + 1] = {1000, 1000, 200,  240,  280,  3320, 2640,
                                      2640, 2640, 2640, 2640, 2640, 2640};
    const double cap_b[ROUNDS + 1] = {4000, 4000, 1000, 1000, 200,  240, 280,
                                      320,  1160, 2680, 2680, 2680, 2680};
    for (int r = 0; r <= ROUNDS; r++) {
        assert_close(b.capital[r][0], cap_a[r], REL);
        assert_close(b.capital[r][1], cap_b[r], REL);
        assert_close(b.sent[r][1], r == 2 ? 3000.0 : 0.0, REL);      /* ba */
        assert_close(b.delivered[r][1], r == 5 ? 3000.0 : 0.0, REL); /* 2 + 3 */
        assert_close(b.sent[r][0], r == 6 ? 1520.0 : 0.0, REL);      /* ab */
        assert_close(b.delivered[r][0], r == 9 ? 1520.0 : 0.0, REL); /* 6 + 3 */
    }
    expect_conservation(&b, 2);
    /* Alone, B keeps its capital until XB falls; all four run in round 5. */
    assert_close(a.capital[4][1], 800.0, REL);
    assert_close(a.capital[5][1], 800.0 + 4 * 840.0, REL);
    liq_scenario_destroy(alone);
    liq_scenario_destroy(linked);
}

/* ------------------------------------ a cascade through an oracle */

/*
 * One collateral XA on both chains. LA (chain A, oracle OA on XA's market
 * price) sells what it seizes into PA, a pool no arbitrageur moves
 * (arbitrage 0) that starts at 1000 USDC per XA with 20 XA. LB (chain B)
 * prices XA with OB, an oracle on chain B: either XA's market price, or
 * PA's spot read from chain A through a bridge of latency m.
 *
 * XA falls 10% at round 2: LA's four accounts (1 XA against 800 USDC)
 * are sent in round 2 and run in round 3, whose venues phase sells their
 * 4 x 0.9333 XA into PA: PA's spot after round 3, p*, is first seen by an
 * oracle in round 4 (the pool's history is written in the arbitrage phase
 * of each round). OB reads it in round 4 + m, sends the update, a block
 * includes it in round 5 + m: LB's keepers see p* then, send, and the
 * four run in round 6 + m. LB's accounts (1 XA against 700) stay safe at
 * the market price (900 x 0.83 / 700 = 1.067), not at p* < 700 / 0.83.
 * At p* < 735 the seizure is capped at the 1 XA held: it repays p* / 1.05
 * and leaves 700 - p* / 1.05 of bad debt per account.
 */
static liq_scenario_t *parse_shared_oracle(const char *ob, int64_t m)
{
    char yaml[4096];
    snprintf(
        yaml, sizeof(yaml),
        "rounds: %d\n"
        "assets: [{name: XA, price: 1000}, {name: USDC, price: 1}]\n"
        "pools:\n"
        "  - {name: PA, token0: XA, token1: USDC, reserve0: 20, reserve1: 20000,"
        " arbitrage: 0}\n"
        "  - {name: PB, token0: XA, token1: USDC, reserve0: 1.0e6, reserve1: 1.0e9}\n"
        "oracles:\n"
        "  - {name: OA, source: market, asset: XA}\n"
        "  - {name: USD, source: market, asset: USDC}\n"
        "  - %s\n"
        "chains:\n" FREE_CHAIN("A", "") FREE_CHAIN(
            "B", "") "bridges:\n"
                     "  - {name: ab, asset: USDC, from: A, to: B, latency: %lld}\n"
                     "protocols:\n"
                     "  - name: LA\n"
                     "    debt_asset: USDC\n"
                     "    debt_oracle: USD\n"
                     "    chain: A\n"
                     "    keepers: {transaction: {bid: fixed, gas_price: 0}}\n"
                     "    markets: [{asset: XA, oracle: OA, route: PA, liquidation_threshold: 0.83,"
                     " liquidation_bonus: 0.05, close_factor: 1, full_close_health: 1}]\n"
                     "  - name: LB\n"
                     "    debt_asset: USDC\n"
                     "    debt_oracle: USD\n"
                     "    chain: B\n"
                     "    keepers: {transaction: {bid: fixed, gas_price: 0}}\n"
                     "    markets: [{asset: XA, oracle: OB, route: PB, liquidation_threshold: 0.83,"
                     " liquidation_bonus: 0.05, close_factor: 1, full_close_health: 1}]\n"
                     "shocks:\n"
                     "  - {type: schedule, asset: XA, steps: [{round: 2, return: -0.1}]}\n",
        ROUNDS, ob, (long long)m);
    return parse_scenario(yaml);
}

static const double oracle_debts[8] = {800, 800, 800, 800, 700, 700, 700, 700};

static void test_oracle_cascade(void **state)
{
    (void)state;
    liq_scenario_t *market = parse_shared_oracle(
        "{name: OB, source: market, asset: XA, chain: B, transaction: {bid: fixed, gas_price: 0}}",
        2);
    const trace_t off = run(market, 1, 8, two_books, oracle_debts);
    for (int r = 0; r <= ROUNDS; r++) {
        assert_int_equal(off.liquidations[r][0], r == 3 ? 4 : 0);
        assert_int_equal(off.liquidations[r][1], 0);
        assert_true(off.bad_debt[r][1] == 0.0);
    }
    const int64_t lags[2] = {2, 5};
    for (size_t k = 0; k < 2; k++) {
        const int64_t m = lags[k];
        liq_scenario_t *sc =
            parse_shared_oracle("{name: OB, source: pool_spot, pool: PA, chain: B, source_chain: "
                                "A, transaction: {bid: fixed, gas_price: 0}}",
                                m);
        const trace_t on = run(sc, 1, 8, two_books, oracle_debts);
        const double p = on.pool[3][0]; /* PA after LA's sales */
        assert_true(p < 700.0 / 0.83 && p < 735.0);
        for (int r = 0; r <= ROUNDS; r++) {
            assert_int_equal(on.liquidations[r][0], r == 3 ? 4 : 0);
            assert_int_equal(on.liquidations[r][1], r == 6 + m ? 4 : 0);
            /* OB holds 1000 until the update of round 5 + m lands. */
            assert_close(on.oracle[r][2], r < 5 + m ? 1000.0 : p, REL);
            assert_close(on.bad_debt[r][1], r < 6 + m ? 0.0 : 4.0 * (700.0 - p / 1.05), 1e-9);
        }
        liq_scenario_destroy(sc);
    }
    liq_scenario_destroy(market);
}

/* ------------------------------------------------------ threads */

static void test_threads(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_two_chains(two_bridges);
    const trace_t one = run(sc, 1, 8, two_books, two_debts);
    const int threads[] = {2, 3, 8};
    for (size_t k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
        const trace_t t = run(sc, threads[k], 8, two_books, two_debts);
        assert_memory_equal(&one, &t, sizeof(t));
    }
    liq_scenario_destroy(sc);
    sc = parse_shared_oracle("{name: OB, source: pool_spot, pool: PA, chain: B, source_chain: A}",
                             3);
    const trace_t o1 = run(sc, 1, 8, two_books, oracle_debts);
    for (size_t k = 0; k < sizeof(threads) / sizeof(threads[0]); k++) {
        const trace_t t = run(sc, threads[k], 8, two_books, oracle_debts);
        assert_memory_equal(&o1, &t, sizeof(t));
    }
    liq_scenario_destroy(sc);
}

/* ------------------------------------------------ the resolved form */

/* The resolved form (liq_scenario_dump) keeps bridges, the chains' capital
 * and an oracle's source_chain: it runs to the same bits. */
static void expect_round_trip(const liq_scenario_t *sc, const int32_t *books, const double *debts)
{
    char *text = NULL;
    assert_int_equal(liq_scenario_dump(&text, sc), LIQ_OK);
    assert_non_null(strstr(text, "bridges:"));
    liq_scenario_t *again = parse_scenario(text);
    const trace_t a = run(sc, 1, 8, books, debts);
    const trace_t b = run(again, 1, 8, books, debts);
    assert_memory_equal(&a, &b, sizeof(a));
    liq_scenario_destroy(again);
    free(text);
}

static void test_round_trip(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_two_chains(two_bridges);
    assert_int_equal(sc->n_bridges, 2);
    assert_int_equal(sc->bridges[1].from, 1);
    assert_int_equal(sc->bridges[1].to, 0);
    assert_true(sc->chains[1].keeper_target == 1000.0);
    expect_round_trip(sc, two_books, two_debts);
    liq_scenario_destroy(sc);
    sc = parse_shared_oracle("{name: OB, source: pool_spot, pool: PA, chain: B, source_chain: A}",
                             4);
    assert_int_equal(sc->oracles[2].source_chain, 0);
    assert_int_equal(sc->oracles[2].message_latency, 4);
    expect_round_trip(sc, two_books, oracle_debts);
    liq_scenario_destroy(sc);
}

/* A run partitioned over processes refuses declared chains, bridges with
 * them: their state is not in the exchanged records. */
static void test_partitioned_refused(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_two_chains(two_bridges);
    const unsigned char owned[2] = {1, 0};
    const liq_sim_options_t options = {.threads = 1, .owned = owned};
    liq_sim_t *sim = NULL;
    assert_int_equal(liq_sim_create(&sim, sc, NULL, &options), LIQ_EINVAL);
    assert_null(sim);
    assert_string_equal(liq_errmsg(),
                        "test: declared chains in a run partitioned over processes: their "
                        "pending transactions are not exchanged yet; run it on one process");
    liq_scenario_destroy(sc);
}

/* ------------------------------------------------------ bad input */

static void expect_bad(const char *chains, const char *bridges, const char *oracle, int code,
                       const char *message)
{
    char yaml[2048];
    snprintf(yaml, sizeof(yaml),
             "rounds: 2\n"
             "assets: [{name: XA, price: 1000}, {name: USDC, price: 1}]\n"
             "pools: [{name: PA, token0: XA, token1: USDC, reserve0: 10, reserve1: 10000}]\n"
             "chains:\n%s"
             "%s"
             "oracles:\n"
             "  - {name: USD, source: market, asset: USDC}\n"
             "  - %s\n",
             chains, bridges, oracle);
    expect_scenario_error(yaml, code, message);
}

#define TWO FREE_CHAIN("A", "") FREE_CHAIN("B", "")
#define OK_ORACLE "{name: OA, source: market, asset: XA}"

static void test_errors(void **state)
{
    (void)state;
    static const char *const ab =
        "bridges: [{name: ab, asset: USDC, from: A, to: B, latency: 1}]\n";
    expect_bad(TWO, "bridges: [{name: ab, asset: USDC, from: A, to: C, latency: 1}]\n", OK_ORACLE,
               LIQ_EREF, "bad.yaml:7:48: bridges[0].to: no chain named 'C'; defined chains: A, B");
    expect_bad(TWO, "bridges: [{name: ab, asset: USDC, from: A, to: A, latency: 1}]\n", OK_ORACLE,
               LIQ_EINVAL,
               "bad.yaml:7:48: bridges[0].to: from and to are both chain 'A'; expected two "
               "different chains");
    expect_bad(TWO, "bridges: [{name: ab, asset: USDC, from: A, to: B, latency: -1}]\n", OK_ORACLE,
               LIQ_EINVAL,
               "bad.yaml:7:60: bridges[0].latency: value -1 is negative; expected a whole number "
               "of rounds >= 0, or <number><unit> with unit s, min, h or d");
    expect_bad(TWO,
               "bridges: [{name: ab, asset: USDC, from: A, to: B, latency: 1, capacity: .nan}]\n",
               OK_ORACLE, LIQ_EINVAL,
               "bad.yaml:7:73: bridges[0].capacity: value .nan is not finite; expected a number "
               "> 0 or unlimited");
    expect_bad(TWO, "bridges: [{name: ab, asset: USDC, from: A, to: B, latency: 1, capacity: 0}]\n",
               OK_ORACLE, LIQ_EINVAL,
               "bad.yaml:7:73: bridges[0].capacity: value 0 is out of range; expected a number > "
               "0 or unlimited");
    expect_bad(TWO, "bridges: [{name: ab, asset: USDC, from: A, to: B, latency: 1, fee: 1}]\n",
               OK_ORACLE, LIQ_EINVAL,
               "bad.yaml:7:68: bridges[0].fee: value 1 is out of range; expected a number in "
               "[0, 1)");
    expect_bad(TWO, "bridges: [{name: ab, asset: USDC, from: A, to: B}]\n", OK_ORACLE, LIQ_EKEY,
               "bad.yaml:7:11: bridges[0]: missing key 'latency'");
    expect_bad(TWO,
               "bridges: [{name: ab, asset: USDC, from: A, to: B, latency: 1},"
               " {name: ab, asset: USDC, from: B, to: A, latency: 1}]\n",
               OK_ORACLE, LIQ_EINVAL,
               "bad.yaml:7:71: bridges[1].name: duplicate name 'ab', already used by bridges[0]; "
               "expected names unique among bridges");
    expect_bad(FREE_CHAIN("A", ", keeper_capital: -5") FREE_CHAIN("B", ""), "", OK_ORACLE,
               LIQ_EINVAL,
               "bad.yaml:5:85: chains[0].keeper_capital: value -5 is negative; expected a number "
               ">= 0 or unlimited");
    expect_bad(FREE_CHAIN("A", ", keeper_target: 5") FREE_CHAIN("B", ""), "", OK_ORACLE, LIQ_EINVAL,
               "bad.yaml:5:84: chains[0].keeper_target: keeper_target 5 on a chain whose "
               "keeper_capital is unlimited; expected a finite keeper_capital beside it");
    expect_bad(TWO, "", "{name: OA, source: pool_spot, pool: PA, chain: B, source_chain: A}",
               LIQ_EINVAL,
               "bad.yaml:9:69: oracles[1].source_chain: no bridge from chain 'A' to chain 'B' "
               "carries what the oracle reads; expected a bridge with from: A and to: B");
    expect_bad(TWO, ab, "{name: OA, source: pool_spot, pool: PA, source_chain: A}", LIQ_EINVAL,
               "bad.yaml:10:59: oracles[1].source_chain: source_chain 'A' needs the oracle's own "
               "chain; expected `chain` naming the chain the oracle lives on");
    expect_bad(TWO, ab, "{name: OA, source: pool_spot, pool: PA, chain: A, source_chain: A}",
               LIQ_EINVAL,
               "bad.yaml:10:69: oracles[1].source_chain: source_chain 'A' is the oracle's own "
               "chain; expected another chain, or no source_chain");
    /* A bridge the other way does not carry it. */
    expect_bad(TWO, ab, "{name: OA, source: pool_spot, pool: PA, chain: A, source_chain: B}",
               LIQ_EINVAL,
               "bad.yaml:10:69: oracles[1].source_chain: no bridge from chain 'B' to chain 'A' "
               "carries what the oracle reads; expected a bridge with from: B and to: A");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latency_capacity), cmocka_unit_test(test_capital_cascade),
        cmocka_unit_test(test_oracle_cascade),   cmocka_unit_test(test_threads),
        cmocka_unit_test(test_round_trip),       cmocka_unit_test(test_partitioned_refused),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
