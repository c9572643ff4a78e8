/*
 * The flash-loan adversary of MODEL.md s5 against a hand-worked round: it
 * pushes a pool that the lender's oracle reads spot, the push makes an
 * account liquidatable, it takes the liquidation and sells back; its profit
 * is the sum of the parts. Then its scenario errors by message.
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

#include "liqnet/amm.h"
#include "liqnet/error.h"
#include "liqnet/metrics.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* WETH at 2000 on a pool of 1000 WETH / 2e6 USDC that the lender's oracle
 * reads spot. No exogenous move at all. ATTACK is replaced by the test. */
static const char *base_yaml =
    "name: attack\n"
    "rounds: 3\n"
    "assets: [{name: USDC, price: 1}, {name: WETH, price: 2000}]\n"
    "pools:\n"
    "  - {name: P, token0: WETH, token1: USDC, reserve0: 1000, reserve1: 2000000}\n"
    "oracles:\n"
    "  - {name: USDC/USD, source: market, asset: USDC}\n"
    "  - {name: spot, source: pool_spot, pool: P}\n"
    "protocols:\n"
    "  - name: L\n"
    "    debt_asset: USDC\n"
    "    debt_oracle: USDC/USD\n"
    "    keepers: {gas_cost: 50}\n"
    "    markets:\n"
    "      - {asset: WETH, oracle: spot, route: P, liquidation_threshold: 0.8,\n"
    "         liquidation_bonus: 0.05}\n"
    "ATTACK";

static liq_scenario_t *scenario(const char *attack)
{
    char yaml[4096];
    const char *at = strstr(base_yaml, "ATTACK");
    snprintf(yaml, sizeof(yaml), "%.*s%s", (int)(at - base_yaml), base_yaml, attack);
    return parse_scenario(yaml);
}

/* 10 WETH owing 14000 USDC: HF 0.8 x 20000 / 14000 = 1.14 at 2000. */
static liq_sim_t *create_one_account(const liq_scenario_t *sc)
{
    int32_t protocol[1] = {0}, market[1] = {0};
    double collateral[1] = {10.0}, debt[1] = {14000.0};
    const liq_positions_t pos = {1, protocol, market, collateral, debt, NULL};
    return create_sim(sc, &pos, 1);
}

static void test_attack_round(void **state)
{
    (void)state;
    /* Without the attacker nothing happens. */
    liq_scenario_t *calm = scenario("");
    liq_sim_t *sim = create_one_account(calm);
    liq_state_view_t v;
    for (int t = 0; t < 3; t++) {
        assert_int_equal(liq_sim_step(sim), LIQ_OK);
        liq_sim_view(sim, &v);
        assert_int_equal(v.liquidations[0], 0);
    }
    assert_int_equal(v.adversary_round, -1);
    liq_sim_destroy(sim);
    liq_scenario_destroy(calm);

    liq_scenario_t *sc = scenario("adversary: {round: 2, pool: P, sell: WETH, amount: 100, "
                                  "flash_fee: 0.0005}\n");
    sim = create_one_account(sc);
    liq_metrics_t *mt = NULL;
    assert_int_equal(liq_metrics_create(&mt, sim), LIQ_OK);
    assert_int_equal(liq_sim_step(sim), LIQ_OK);
    liq_sim_view(sim, &v);
    assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);
    assert_int_equal(v.liquidations[0], 0);
    assert_int_equal(liq_sim_step(sim), LIQ_OK);
    liq_sim_view(sim, &v);
    assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);

    /* Round 2: the sale of 100 WETH pays `out` USDC and the oracle reads the
     * pushed spot (2e6 - out) / 1100 = 1654.1: HF 0.945, liquidatable. */
    const double out = liq_cp_amount_out(100.0, 1000.0, 2e6, 0.003);
    const double x = 1100.0, y = 2e6 - out;
    assert_close(v.oracle_price[1], y / x, 1e-15);
    assert_int_equal(v.liquidations[0], 1);
    assert_int_equal(v.adversary_liquidations, 1);
    /* Its keeper profit: the seized WETH at the reference price 2000, less
     * the USDC repaid (at 1) and the gas. */
    const double seized = v.market_seized[0];
    assert_close(v.adversary_liquidation_profit, seized * 2000.0 - v.repaid_value[0] - 50.0, 1e-12);
    /* The pool executes the seized WETH, then the attacker sells `out` USDC
     * back: it gets `back` WETH and owes 100 (+ fee). */
    const double seized_out = liq_cp_amount_out(seized, x, y, 0.003);
    const double back = liq_cp_amount_out(out, y - seized_out, x + seized, 0.003);
    assert_close(v.pool_reserve0[0], x + seized - back, 1e-14);
    assert_close(v.pool_reserve1[0], y - seized_out + out, 1e-14);
    assert_close(v.adversary_round_trip, (back - 100.0) * 2000.0, 1e-12);
    assert_close(v.adversary_flash_fee, 0.0005 * 100.0 * 2000.0, 1e-15);

    assert_int_equal(liq_sim_step(sim), LIQ_OK);
    liq_sim_view(sim, &v);
    assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);
    const liq_summary_t *s = liq_metrics_summary(mt);
    assert_int_equal(s->adversary_liquidations, 1);
    assert_close(s->adversary_profit,
                 s->adversary_liquidation_profit + s->adversary_round_trip - s->adversary_flash_fee,
                 0);
    assert_close(s->adversary_round_trip, (back - 100.0) * 2000.0, 1e-12);
    liq_metrics_destroy(mt);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* The same attack against a lender whose oracle is the median of the
 * market price, the pool's spot and its 10-round TWAP (MODEL.md s5's
 * oracle variants): the push moves one of three sources, the median does
 * not follow, nothing is liquidated and the attacker only pays for its round
 * trip. Against the spot oracle the same attack pays. */
static void test_median_oracle_resists(void **state)
{
    (void)state;
    const char *attack = "adversary: {round: 2, pool: P, sell: WETH, amount: 100}\n";
    liq_scenario_t *sc = scenario(attack);
    liq_sim_t *sim = create_one_account(sc);
    liq_metrics_t *mt = NULL;
    assert_int_equal(liq_metrics_create(&mt, sim), LIQ_OK);
    for (int t = 0; t < 3; t++) {
        liq_state_view_t v;
        assert_int_equal(liq_sim_step(sim), LIQ_OK);
        liq_sim_view(sim, &v);
        assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);
    }
    const double spot_profit = liq_metrics_summary(mt)->adversary_profit;
    liq_metrics_destroy(mt);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
    assert_true(spot_profit > 0.0);

    char yaml[4096];
    const char *at = strstr(base_yaml, "ATTACK");
    snprintf(yaml, sizeof(yaml), "%.*s%s", (int)(at - base_yaml), base_yaml, attack);
    const char *spot = "  - {name: spot, source: pool_spot, pool: P}\n";
    char *line = strstr(yaml, spot);
    assert_non_null(line);
    char tail[4096];
    snprintf(tail, sizeof(tail), "%s", line + strlen(spot));
    snprintf(line, sizeof(yaml) - (size_t)(line - yaml),
             "  - name: spot\n"
             "    source: median\n"
             "    inputs: [{source: market, asset: WETH}, {source: pool_spot, pool: P},\n"
             "             {source: pool_twap, pool: P, window: 10}]\n%s",
             tail);
    assert_int_equal(liq_scenario_parse(&sc, yaml, strlen(yaml), "t.yaml", NULL), LIQ_OK);
    sim = create_one_account(sc);
    assert_int_equal(liq_metrics_create(&mt, sim), LIQ_OK);
    for (int t = 0; t < 3; t++) {
        liq_state_view_t v;
        assert_int_equal(liq_sim_step(sim), LIQ_OK);
        liq_sim_view(sim, &v);
        assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);
    }
    const liq_summary_t *s = liq_metrics_summary(mt);
    assert_int_equal(s->adversary_liquidations, 0);
    assert_true(s->adversary_profit < 0.0);
    assert_true(s->adversary_profit < spot_profit);
    liq_metrics_destroy(mt);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void expect_error(const char *attack, int code, const char *message)
{
    char yaml[4096];
    const char *at = strstr(base_yaml, "ATTACK");
    snprintf(yaml, sizeof(yaml), "%.*s%s", (int)(at - base_yaml), base_yaml, attack);
    expect_scenario_error(yaml, code, message);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("adversary: {round: 4, pool: P, sell: WETH, amount: 1}\n", LIQ_EINVAL,
                 "bad.yaml:17:20: adversary.round: value 4 is out of range; expected a round in "
                 "1 .. rounds");
    expect_error("adversary: {round: 1, pool: P, sell: DAI, amount: 1}\n", LIQ_EREF,
                 "bad.yaml:17:38: adversary.sell: no asset named 'DAI'; defined assets: USDC, "
                 "WETH");
    expect_error("adversary: {round: 1, pool: P, sell: WETH, amount: 0}\n", LIQ_EINVAL,
                 "bad.yaml:17:52: adversary.amount: value 0 is out of range; expected a finite "
                 "number > 0");
    expect_error("adversary: {round: 1, pool: P, sell: WETH}\n", LIQ_EKEY,
                 "bad.yaml:17:12: adversary: missing key 'amount'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attack_round),
        cmocka_unit_test(test_median_oracle_resists),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
