/*
 * Oracle variants of MODEL.md s5: the median of several sources and the
 * anchor band (Compound's anchored view), against hand-worked rounds; and
 * their scenario errors by message.
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
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* WETH at 2000 falls 10% in round 1 and rises 10% in round 2 (1800, 1980).
 * The pool does not arbitrage, so its spot stays at 210000 / 100 = 2100. */
static const char *head = "name: oracles\n"
                          "rounds: 2\n"
                          "assets: [{name: USDC, price: 1}, {name: WETH, price: 2000}]\n"
                          "pools:\n"
                          "  - {name: P, token0: WETH, token1: USDC, reserve0: 100,\n"
                          "     reserve1: 210000, arbitrage: 0}\n"
                          "shocks:\n"
                          "  - type: schedule\n"
                          "    asset: WETH\n"
                          "    steps: [{round: 1, return: -0.1}, {round: 2, return: 0.1}]\n"
                          "oracles:\n";

static liq_sim_t *run_oracles(const char *oracles, liq_scenario_t **sc)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), "%s%s", head, oracles);
    *sc = parse_scenario(yaml);
    return create_sim(*sc, NULL, 1);
}

static void test_median(void **state)
{
    (void)state;
    liq_scenario_t *sc = NULL;
    liq_sim_t *sim =
        run_oracles("  - name: three\n"
                    "    source: median\n"
                    "    inputs:\n"
                    "      - {source: market, asset: WETH}\n"
                    "      - {source: pool_spot, pool: P}\n"
                    "      - {source: pool_twap, pool: P, window: 2}\n"
                    "  - name: two\n"
                    "    source: median\n"
                    "    inputs: [{source: market, asset: WETH}, {source: pool_spot, pool: P}]\n",
                    &sc);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_close(v.oracle_price[0], 2100.0, 1e-15); /* median of 2000, 2100, 2100 */
    assert_close(v.oracle_price[1], 2050.0, 1e-15); /* mean of the middle two */
    assert_int_equal(liq_sim_step(sim), LIQ_OK);
    liq_sim_view(sim, &v);
    assert_close(v.oracle_price[0], 2100.0, 1e-15); /* 1800, 2100, 2100 */
    assert_close(v.oracle_price[1], 1950.0, 1e-15); /* (1800 + 2100) / 2 */
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_anchor_band(void **state)
{
    (void)state;
    liq_scenario_t *sc = NULL;
    liq_sim_t *sim = run_oracles("  - name: anchored\n"
                                 "    source: market\n"
                                 "    asset: WETH\n"
                                 "    anchor: {source: pool_spot, pool: P}\n"
                                 "    anchor_band: 0.1\n",
                                 &sc);
    liq_state_view_t v;
    /* Round 1: 1800 is 14.3% below the anchor 2100: rejected, O stays 2000. */
    assert_int_equal(liq_sim_step(sim), LIQ_OK);
    liq_sim_view(sim, &v);
    assert_close(v.oracle_price[0], 2000.0, 0);
    /* Round 2: 1980 is 5.7% below it: published. */
    assert_int_equal(liq_sim_step(sim), LIQ_OK);
    liq_sim_view(sim, &v);
    assert_close(v.oracle_price[0], 1980.0, 1e-15);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void expect_error(const char *oracles, int code, const char *message)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), "%s%s", head, oracles);
    expect_scenario_error(yaml, code, message);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("  - {name: m, source: median, inputs: [{source: market, asset: WETH},\n"
                 "                                       {source: market, asset: USDC}]}\n",
                 LIQ_EINVAL,
                 "bad.yaml:13:40: oracles[0].inputs[1]: this source prices USDC; expected a "
                 "source of WETH, as the first input");
    expect_error("  - {name: m, source: median, asset: WETH}\n", LIQ_EKEY,
                 "bad.yaml:12:38: oracles[0].asset: not allowed for source median; expected "
                 "inputs");
    expect_error("  - {name: m, source: market, asset: WETH, inputs: []}\n", LIQ_EKEY,
                 "bad.yaml:12:52: oracles[0].inputs: not allowed for source market; expected "
                 "inputs only with source median");
    expect_error("  - {name: m, source: market, asset: WETH, anchor_band: 0.2}\n", LIQ_EKEY,
                 "bad.yaml:12:57: oracles[0].anchor_band: not allowed for an oracle without "
                 "anchor; expected anchor_band only with anchor");
    expect_error("  - {name: m, source: market, asset: WETH, anchor: {source: market, asset: "
                 "USDC},\n"
                 "     anchor_band: 0.2}\n",
                 LIQ_EINVAL,
                 "bad.yaml:12:52: oracles[0].anchor: the anchor prices USDC; expected a source "
                 "of WETH, which the oracle prices");
    expect_error("  - {name: m, source: market, asset: WETH, anchor: {source: pool_spot, pool: "
                 "P}}\n",
                 LIQ_EKEY, "bad.yaml:12:5: oracles[0]: missing key 'anchor_band'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_median),
        cmocka_unit_test(test_anchor_band),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
