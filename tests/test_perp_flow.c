/*
 * A perp generator's living population (accounts[i].flow, issue 14 item 3;
 * src/engine/perp_flow.c) against hand-worked values: a fixed inflow opens
 * its positions at the round's mark with the drawn size, leverage and side,
 * into the first free slots, floor(t r) - floor((t-1) r) a round for a
 * fractional rate; owners' closes (holding 1 round: all of them) free their
 * slots for the round's arrivals; arrivals at a full capacity are refused
 * and counted until a liquidation frees a slot; the side split of the
 * liquidated notional; open-interest conservation over a random run
 * (positions: opened - closed - liquidated = the change in open positions;
 * units by side: opened - liquidated = the change in units, no ADL);
 * bit-identical results at 1, 2 and 3 threads; bad input by message; a
 * scenario without flow has no flow store and no flow series.
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

#define LIQ_TEST_FILE "flow.yaml"
#include "liq_test.h"

#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* BTC at 100 against USDC at 1, oracles reading the reference prices, a
 * deep pool, one perp exchange with one 5% tier and no liquidation fee. */
#define FLOW_HEAD                                                                                  \
    "rounds: %d\n"                                                                                 \
    "assets:\n"                                                                                    \
    "  - {name: BTC, price: 100}\n"                                                                \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: BTC-USDC, token0: BTC, token1: USDC, reserve0: 1.0e8, reserve1: 1.0e10}\n"         \
    "oracles:\n"                                                                                   \
    "  - {name: BTC/USD, source: market, asset: BTC}\n"                                            \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: Perps\n"                                                                            \
    "    kind: perp\n"                                                                             \
    "    margin_asset: USDC\n"                                                                     \
    "    margin_oracle: USD\n"                                                                     \
    "    insurance_fund: 1.0e12\n"                                                                 \
    "    markets:\n"                                                                               \
    "      - {asset: BTC, oracle: BTC/USD, route: BTC-USDC, liquidation_fee: 0,\n"                 \
    "         tiers: [{notional_up_to: unlimited, mmr: 0.05}]}\n"                                  \
    "accounts:\n"

/* A generator of known positions: notional 10^4, leverage 10, all long. */
#define KNOWN(count, flow)                                                                         \
    "  - {protocol: Perps, market: BTC, count: " #count ", long_share: 1,"                         \
    " size: {distribution: lognormal, median: 10000, sigma: 0},"                                   \
    " leverage: {distribution: uniform, min: 10, max: 10}, flow: " flow "}\n"

static liq_scenario_t *flow_scenario(int rounds, const char *accounts, const char *shocks)
{
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), FLOW_HEAD "%sshocks:\n%s", rounds, accounts, shocks);
    return parse_scenario(yaml);
}

static size_t open_positions(const liq_perp_t *pp)
{
    size_t n = 0;
    for (size_t j = 0; j < pp->n_positions; j++) {
        n += pp->position[j] != 0.0;
    }
    return n;
}

/* Inflow 2 a round, fixed: round 1 (BTC -1%: mark 99) opens slots 0 and 1,
 * each 10^4 / 99 BTC long at entry 99 with margin 10^4 / 10 = 1000; round 2
 * (BTC +2%: 100.98) opens slots 2 and 3 at 100.98. Capacity 5: round 3
 * opens slot 4 and refuses one arrival. */
static void test_inflow_at_the_mark(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        flow_scenario(3, KNOWN(0, "{inflow: 2, process: fixed, capacity: 5}"),
                      "  - {type: schedule, asset: BTC, steps: [{round: 1, return: -0.01},"
                      " {round: 2, return: 0.02}]}\n");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = sim->perp;
    assert_non_null(pp->flow);
    assert_int_equal(pp->n_accounts, 5);
    assert_int_equal(open_positions(pp), 0);
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_int_equal(v.perp_opened[0], 2);
    assert_int_equal(v.perp_refused[0], 0);
    for (size_t j = 0; j < 2; j++) {
        assert_close(pp->position[j], 1.0e4 / 99.0, 1e-15);
        assert_true(pp->entry[j] == 99.0);
        assert_close(pp->margin[j], 1000.0, 1e-15);
    }
    assert_true(pp->position[2] == 0.0);
    /* Open interest after the round: 2 x 10^4 at the entry mark. */
    assert_close(v.open_interest_long[0], 2.0e4, 1e-15);
    step_sim(sim, &v);
    assert_int_equal(v.perp_opened[0], 2);
    assert_true(pp->entry[2] == 99.0 * 1.02 && pp->entry[3] == 99.0 * 1.02);
    assert_close(pp->position[3], 1.0e4 / (99.0 * 1.02), 1e-15);
    /* The first two at the new mark, the new two at theirs. */
    assert_close(v.open_interest_long[0], 2.0e4 * 1.02 + 2.0e4, 1e-15);
    step_sim(sim, &v);
    assert_int_equal(v.perp_opened[0], 1);
    assert_int_equal(v.perp_refused[0], 1);
    assert_int_equal(open_positions(pp), 5);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);

    /* A rate of 0.5 a round, fixed: floor(t / 2) - floor((t - 1) / 2) opens
     * 0, 1, 0, 1 in rounds 1 to 4. */
    sc = flow_scenario(4, KNOWN(0, "{inflow: 0.5, process: fixed, capacity: 5}"), "  []\n");
    sim = create_sim(sc, NULL, 1);
    const int64_t want[4] = {0, 1, 0, 1};
    for (int t = 0; t < 4; t++) {
        step_sim(sim, &v);
        assert_int_equal(v.perp_opened[0], want[t]);
    }
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* Holding 1 round: the closing probability is 1, so every open position
 * that is not liquidatable closes each round and its slot takes one of the
 * round's arrivals. Three drawn accounts close in round 1 (closed 3), the
 * arrival opens slot 0; round 2 closes it and opens slot 0 again. */
static void test_close_frees_slot(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        flow_scenario(2, KNOWN(3, "{inflow: 1, process: fixed, holding: 1, capacity: 3}"),
                      "  - {type: schedule, asset: BTC, steps: [{round: 2, return: 0.01}]}\n");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = sim->perp;
    assert_int_equal(open_positions(pp), 3);
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_int_equal(v.perp_closed[0], 3);
    assert_int_equal(v.perp_opened[0], 1);
    assert_int_equal(open_positions(pp), 1);
    assert_true(pp->position[0] != 0.0 && pp->margin[1] == 0.0 && pp->margin[2] == 0.0);
    step_sim(sim, &v);
    assert_int_equal(v.perp_closed[0], 1);
    assert_int_equal(v.perp_opened[0], 1);
    assert_true(pp->entry[0] == 101.0);
    assert_close(v.open_interest_long[0], 1.0e4, 1e-15);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* Capacity 2, both drawn (10x longs of 100 BTC, margin 1000, entry 100),
 * nobody closes, 3 arrivals a round. Round 1 (flat): all 3 refused. Round
 * 2, BTC -6% (94): equity 1000 - 100 x 6 = 400 < 5% of 9400 = 470, both
 * are liquidated (liquidated_long 2 x 9400, short 0) and their slots take
 * 2 arrivals at 94; the third is refused. */
static void test_capacity_and_liquidation(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        flow_scenario(2, KNOWN(2, "{inflow: 3, process: fixed, capacity: 2}"),
                      "  - {type: schedule, asset: BTC, steps: [{round: 2, return: -0.06}]}\n");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = sim->perp;
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_int_equal(v.perp_refused[0], 3);
    assert_int_equal(v.perp_opened[0], 0);
    assert_true(v.liquidated_long[0] == 0.0);
    step_sim(sim, &v);
    assert_int_equal(v.perp_liquidations[0], 2);
    assert_close(v.liquidated_long[0], 2.0 * 100.0 * 94.0, 1e-15);
    assert_true(v.liquidated_short[0] == 0.0);
    assert_close(v.liquidated_notional[0], v.liquidated_long[0], 1e-15);
    assert_int_equal(v.perp_opened[0], 2);
    assert_int_equal(v.perp_refused[0], 1);
    assert_true(pp->entry[0] == 94.0 && pp->entry[1] == 94.0);
    assert_close(pp->position[1], 1.0e4 / 94.0, 1e-15);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* A random living book: Poisson arrivals, lognormal sizes, leverage 2-15 (under 1 / mmr = 20),
 * both sides, a volatile path. */
#define RANDOM_FLOW(holding)                                                                       \
    "  - {protocol: Perps, market: BTC, count: 200, long_share: 0.5,"                              \
    " size: {distribution: lognormal, median: 5000, sigma: 1},"                                    \
    " leverage: {distribution: uniform, min: 2, max: 15},"                                         \
    " flow: {inflow: 4, holding: " holding ", capacity: 400}}\n"
#define RANDOM_PATH                                                                                \
    "  - {type: gbm, asset: BTC, drift: 0, volatility: 20, jump_intensity: 0, jump_mean: 0,"       \
    " jump_stdev: 0}\n"

static void side_units(const liq_perp_t *pp, double *lng, double *shrt)
{
    *lng = *shrt = 0.0;
    for (size_t j = 0; j < pp->n_positions; j++) {
        if (pp->position[j] > 0.0) {
            *lng += pp->position[j];
        } else {
            *shrt -= pp->position[j];
        }
    }
}

static void test_open_interest_conservation(void **state)
{
    (void)state;
    /* Without closes: units by side change by what opened (entry = this
     * round's mark, which no earlier round had) less what was liquidated
     * (the side's liquidated notional over the mark); an insurance fund of
     * 10^12 leaves nothing to ADL. */
    liq_scenario_t *sc = flow_scenario(300, RANDOM_FLOW("0"), RANDOM_PATH);
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = sim->perp;
    liq_state_view_t v;
    int64_t liquidated = 0, opened = 0, refused = 0;
    for (int t = 1; t <= 300; t++) {
        double l0, s0, l1, s1;
        side_units(pp, &l0, &s0);
        const size_t n0 = open_positions(pp);
        step_sim(sim, &v);
        side_units(pp, &l1, &s1);
        const double mark = pp->mark[0];
        double new_long = 0.0, new_short = 0.0;
        for (size_t j = 0; j < pp->n_positions; j++) {
            if (pp->position[j] != 0.0 && pp->entry[j] == mark) {
                *(pp->position[j] > 0.0 ? &new_long : &new_short) += fabs(pp->position[j]);
            }
        }
        /* To rounding of sums of about 10^3 units. */
        assert_true(fabs(l0 + new_long - l1 - v.liquidated_long[0] / mark) < 1e-9);
        assert_true(fabs(s0 + new_short - s1 - v.liquidated_short[0] / mark) < 1e-9);
        assert_int_equal((int64_t)open_positions(pp) - (int64_t)n0,
                         v.perp_opened[0] - v.perp_liquidations[0]);
        assert_true(v.adl_count[0] == 0);
        liquidated += v.perp_liquidations[0];
        opened += v.perp_opened[0];
        refused += v.perp_refused[0];
    }
    /* The run exercised liquidations, arrivals and a full capacity. */
    assert_true(liquidated > 50 && opened > 200 && refused > 0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);

    /* With closes: opened - closed - liquidated = the change in open
     * positions, every round. */
    sc = flow_scenario(300, RANDOM_FLOW("20"), RANDOM_PATH);
    sim = create_sim(sc, NULL, 1);
    pp = sim->perp;
    int64_t closed = 0;
    for (int t = 1; t <= 300; t++) {
        const size_t n0 = open_positions(pp);
        step_sim(sim, &v);
        assert_int_equal((int64_t)open_positions(pp) - (int64_t)n0,
                         v.perp_opened[0] - v.perp_closed[0] - v.perp_liquidations[0]);
        closed += v.perp_closed[0];
    }
    assert_true(closed > 500);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* The store and the flow series after 40 rounds of a book larger than the
 * parallel threshold (LIQ_PARALLEL_MIN_ACCOUNTS), hashed. */
static uint64_t flow_hash(int threads)
{
    liq_scenario_t *sc =
        flow_scenario(40,
                      "  - {protocol: Perps, market: BTC, count: 70000, long_share: 0.5,"
                      " size: {distribution: lognormal, median: 5000, sigma: 1},"
                      " leverage: {distribution: uniform, min: 2, max: 15},"
                      " flow: {inflow: 300, holding: 10, capacity: 80000}}\n",
                      RANDOM_PATH);
    liq_sim_t *sim = create_sim(sc, NULL, threads);
    const liq_perp_t *pp = sim->perp;
    liq_state_view_t v;
    uint64_t h = FNV1A_START;
    for (int t = 1; t <= 40; t++) {
        step_sim(sim, &v);
        h = fnv1a(h, v.perp_opened, sizeof(int64_t));
        h = fnv1a(h, v.perp_closed, sizeof(int64_t));
        h = fnv1a(h, v.liquidated_long, sizeof(double));
        h = fnv1a(h, v.liquidated_short, sizeof(double));
        h = fnv1a(h, v.open_interest_long, sizeof(double));
    }
    h = fnv1a(h, pp->position, pp->n_positions * sizeof(double));
    h = fnv1a(h, pp->entry, pp->n_positions * sizeof(double));
    h = fnv1a(h, pp->margin, pp->n_accounts * sizeof(double));
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
    return h;
}

static void test_threads(void **state)
{
    (void)state;
    const uint64_t one = flow_hash(1);
    assert_true(one == flow_hash(2));
    assert_true(one == flow_hash(3));
}

/* Without flow: no flow store, no flow series. */
static void test_off_by_default(void **state)
{
    (void)state;
    liq_scenario_t *sc = flow_scenario(1,
                                       "  - {protocol: Perps, market: BTC, count: 2, long_share: 1,"
                                       " size: {distribution: lognormal, median: 10000, sigma: 0},"
                                       " leverage: {distribution: uniform, min: 10, max: 10}}\n",
                                       "  []\n");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    assert_null(sim->perp->flow);
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_null(v.perp_opened);
    assert_null(v.liquidated_long);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void expect_flow_error(const char *generator, int code, const char *message)
{
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), FLOW_HEAD "%s", 1, generator);
    expect_scenario_error(yaml, code, message);
}

static void test_errors(void **state)
{
    (void)state;
    expect_flow_error(KNOWN(3, "{inflow: 1, capacity: 2}"), LIQ_EINVAL,
                      "flow.yaml:20:200: accounts[0].flow.capacity: value 2 is below the "
                      "generator's count 3; expected capacity >= count");
    expect_flow_error(KNOWN(0, "{inflow: 800, capacity: 2}"), LIQ_EINVAL,
                      "flow.yaml:20:187: accounts[0].flow.inflow: value 800 is above 700; "
                      "expected a Poisson mean <= 700 (or process: fixed)");
    expect_flow_error(KNOWN(0, "{inflow: -1, capacity: 2}"), LIQ_EINVAL,
                      "flow.yaml:20:187: accounts[0].flow.inflow: value -1 is negative; "
                      "expected a finite number >= 0");
    expect_flow_error(KNOWN(0, "{inflow: 1}"), LIQ_EKEY,
                      "flow.yaml:20:178: accounts[0].flow: missing key 'capacity'");
    expect_flow_error(KNOWN(0, "{inflow: 1, capacity: 2, process: steady}"), LIQ_EINVAL,
                      "flow.yaml:20:212: accounts[0].flow.process: unknown arrival process "
                      "'steady'; expected one of poisson, fixed");
    expect_flow_error(KNOWN(0, "{inflow: 1, capacity: 2, holding: -3}"), LIQ_EINVAL,
                      "flow.yaml:20:212: accounts[0].flow.holding: value -3 is negative; "
                      "expected a whole number of rounds >= 0, or <number><unit> with unit s, "
                      "min, h or d");
    expect_flow_error("  - {protocol: Perps, margin: cross, markets: {BTC: 1}, count: 1,"
                      " size: {distribution: lognormal, median: 1, sigma: 0},"
                      " leverage: {distribution: uniform, min: 1, max: 1},"
                      " flow: {inflow: 1, capacity: 2}}\n",
                      LIQ_EINVAL,
                      "flow.yaml:20:178: accounts[0].flow: flow opens isolated positions; "
                      "expected margin: isolated");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inflow_at_the_mark),
        cmocka_unit_test(test_close_frees_slot),
        cmocka_unit_test(test_capacity_and_liquidation),
        cmocka_unit_test(test_open_interest_conservation),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_off_by_default),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
