/*
 * Hyperliquid's liquidation rules (src/engine/perp_backstop.c) against
 * hand-worked values: a partial liquidation and the whole one that follows
 * within its cooldown; the liquidator vault taking an underwater account,
 * refusing the next one past its drawdown limit (closed as before: fund),
 * and unwinding its inventory; the ADL scores of both rankings; a bad key.
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

#define LIQ_TEST_FILE "perp_backstop.yaml"
#include "liq_test.h"

#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* BTC at 100, a deep pool, oracles reading the reference; one perp
 * exchange with a 5% tier, no liquidation fee, and the rules in `rules`. */
#define HEAD                                                                                       \
    "rounds: 3\n"                                                                                  \
    "assets:\n"                                                                                    \
    "  - {name: BTC, price: 100}\n"                                                                \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: BTC-USDC, token0: BTC, token1: USDC, reserve0: 1.0e5, reserve1: 1.0e7}\n"          \
    "oracles:\n"                                                                                   \
    "  - {name: BTC/USD, source: market, asset: BTC}\n"                                            \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: Perps\n"                                                                            \
    "    kind: perp\n"                                                                             \
    "    margin_asset: USDC\n"                                                                     \
    "    margin_oracle: USD\n"                                                                     \
    "    insurance_fund: %s\n"                                                                     \
    "%s"                                                                                           \
    "    markets:\n"                                                                               \
    "      - {asset: BTC, oracle: BTC/USD, route: BTC-USDC, liquidation_fee: 0,"                   \
    " tiers: [{notional_up_to: unlimited, mmr: 0.05}]}\n"

#define LONG(notional, leverage)                                                                   \
    "  - {protocol: Perps, market: BTC, count: 1, long_share: 1, size: {distribution: "            \
    "lognormal, median: " #notional                                                                \
    ", sigma: 0}, leverage: {distribution: uniform, min: " #leverage ", max: " #leverage "}}\n"

static liq_scenario_t *scenario(const char *fund, const char *rules, const char *accounts,
                                const char *steps)
{
    char yaml[8192];
    snprintf(yaml, sizeof(yaml),
             HEAD "accounts:\n%sshocks:\n  - {type: schedule, asset: BTC, steps: [%s]}\n", fund,
             rules, accounts, steps);
    return parse_scenario(yaml);
}

/* 2000 BTC long at 100, 10x: margin 20000. Round 1, O = 94: equity
 * 20000 - 2000 x 6 = 8000 < maintenance 2000 x 94 x 0.05 = 9400, notional
 * 188000 > 100000: 20% (400 BTC) is closed at 94, realising -2400: margin
 * 17600, 1600 BTC left, equity still 8000 against maintenance 7520, safe.
 * Round 2, O = 94 x 0.98 = 92.12: equity 17600 - 1600 x 7.88 = 4992 <
 * 7369.6, within the cooldown: the whole 1600 BTC is closed. */
/* The round's liquidation event rows: n of them, seized values summing to
 * seized (a partial close and a vault's take are liquidations too). */
static void expect_rows(const liq_state_view_t *v, size_t n, double seized)
{
    assert_non_null(v->events);
    assert_int_equal(v->events->n_liquidations, n);
    double sum = 0.0;
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(v->events->liquidations[k].protocol, 0);
        sum += v->events->liquidations[k].seized_value;
    }
    assert_close(sum, seized, 1e-14);
}

static void test_partial_then_whole(void **state)
{
    (void)state;
    liq_scenario_t *sc =
        scenario("0", "    partial_liquidation: {above: 100000, share: 0.2, cooldown: 5}\n",
                 LONG(200000, 10), "{round: 1, return: -0.06}, {round: 2, return: -0.02}");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = sim->perp;
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_close(v.oracle_price[0], 94.0, 1e-14);
    assert_int_equal(v.perp_liquidations[0], 1);
    assert_close(v.liquidated_notional[0], 0.2 * 188000.0, 1e-14);
    expect_rows(&v, 1, 0.2 * 188000.0);
    assert_close(pp->position[0], 1600.0, 1e-14);
    assert_close(pp->margin[0], 17600.0, 1e-14);
    assert_close(v.pool_liquidation_in0[0], 400.0, 1e-14);
    assert_int_equal(pp->cooldown_until[0], 1 + 5);
    step_sim(sim, &v);
    assert_close(v.oracle_price[0], 92.12, 1e-14);
    assert_int_equal(v.perp_liquidations[0], 1);
    assert_close(v.liquidated_notional[0], 1600.0 * 92.12, 1e-14);
    expect_rows(&v, 1, 1600.0 * 92.12);
    assert_close(v.pool_liquidation_in0[0], 1600.0, 1e-14);
    assert_true(pp->position[0] == 0.0 && pp->margin[0] == 0.0);
    assert_true(v.bad_debt[0] == 0.0 && v.adl_volume[0] == 0.0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* Two longs of 100 BTC at 100: A at 50x (margin 200), C at 40x (margin
 * 250). Round 1, O = 97: A's equity -100, C's -50, both below 2/3 of the
 * maintenance 485. A (lower ratio) first: the vault's loss after taking it
 * is 0 + 100 <= 0.1 x 1000, taken (100 BTC at 97, cash -100). C would
 * bring it to 150 > 100: refused, closed as before, its loss 50 paid by
 * the fund of 100, its 100 BTC sold. Round 2 (O = 97): the vault sells
 * half, 50 BTC, at 97. Round 3, O = 96.03: it sells 25 at 96.03, realising
 * 25 x -0.97; its loss is 100 + 50 x 0.97 = 148.5. */
static void test_vault_takes_then_refuses(void **state)
{
    (void)state;
    liq_scenario_t *sc = scenario(
        "100", "    backstop: {vault_capital: 1000, max_drawdown: 0.1, unwind: 0.5}\n",
        LONG(10000, 50) LONG(10000, 40), "{round: 1, return: -0.03}, {round: 3, return: -0.01}");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = sim->perp;
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_close(v.oracle_price[0], 97.0, 1e-14);
    assert_int_equal(v.perp_liquidations[0], 2);
    assert_close(v.liquidated_notional[0], 2.0 * 9700.0, 1e-14);
    expect_rows(&v, 2, 2.0 * 9700.0); /* the vault's take and the refused close */
    assert_int_equal(pp->vault_taken[0], 1);
    assert_close(pp->vault_q[0], 100.0, 1e-15);
    assert_close(pp->vault_entry[0], 97.0, 1e-15);
    assert_close(liq_perp_vault_loss(pp, 0), 100.0, 1e-12);
    assert_close(v.bad_debt[0], 50.0, 1e-12);
    assert_close(v.insurance_fund[0], 50.0, 1e-12);
    assert_close(v.pool_liquidation_in0[0], 100.0, 1e-15);
    step_sim(sim, &v);
    assert_close(v.pool_liquidation_in0[0], 50.0, 1e-15);
    assert_close(pp->vault_q[0], 50.0, 1e-15);
    assert_close(liq_perp_vault_loss(pp, 0), 100.0, 1e-12);
    step_sim(sim, &v);
    assert_close(v.oracle_price[0], 96.03, 1e-14);
    assert_close(v.pool_liquidation_in0[0], 25.0, 1e-15);
    assert_close(pp->vault_cash[0], -100.0 - 25.0 * 0.97, 1e-12);
    assert_close(liq_perp_vault_loss(pp, 0), 148.5, 1e-12);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* Short A: 10 BTC from 100 at O = 90, notional 900, equity 900 (1x);
 * short B: 1 BTC from 100, notional 90, equity 30 (3x). PnL x leverage:
 * A 100 x 1 = 100, B 10 x 3 = 30, A first. Hyperliquid's key: A
 * (100 / 90) x 1 = 1.111, B (100 / 90) x 3 = 3.333, B first. A long from
 * 80 at 100 with notional 500 and equity 250: 1.25 x 2 = 2.5. */
static void test_adl_scores(void **state)
{
    (void)state;
    const int pl = LIQ_ADL_RANK_PNL_LEVERAGE, hl = LIQ_ADL_RANK_HYPERLIQUID;
    assert_close(liq_perp_adl_score(pl, -10.0, 100.0, 90.0, 900.0, 900.0), 100.0, 1e-15);
    assert_close(liq_perp_adl_score(pl, -1.0, 100.0, 90.0, 90.0, 30.0), 30.0, 1e-15);
    assert_close(liq_perp_adl_score(hl, -10.0, 100.0, 90.0, 900.0, 900.0), 10.0 / 9.0, 1e-15);
    assert_close(liq_perp_adl_score(hl, -1.0, 100.0, 90.0, 90.0, 30.0), 10.0 / 3.0, 1e-15);
    assert_close(liq_perp_adl_score(hl, 5.0, 80.0, 100.0, 500.0, 250.0), 2.5, 1e-15);
    assert_true(isinf(liq_perp_adl_score(hl, 5.0, 80.0, 100.0, 500.0, 0.0)));
}

static void test_bad_keys(void **state)
{
    (void)state;
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), HEAD, "0",
             "    partial_liquidation: {above: 100000, share: 1.5, cooldown: 5}\n");
    expect_scenario_error(
        yaml, LIQ_EINVAL,
        "perp_backstop.yaml:16:49: protocols[0].partial_liquidation.share: value 1.5 "
        "is out of range; expected a number in (0, 1)");
    snprintf(yaml, sizeof(yaml), HEAD, "0", "    backstop: {ratio: 0.5}\n");
    expect_scenario_error(yaml, LIQ_EKEY,
                          "perp_backstop.yaml:16:15: protocols[0].backstop: missing key "
                          "'vault_capital'");
    snprintf(yaml, sizeof(yaml), HEAD, "0", "    adl_rank: oldest\n");
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "perp_backstop.yaml:16:15: protocols[0].adl_rank: unknown ADL ranking "
                          "'oldest'; expected one of pnl_leverage, hyperliquid");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partial_then_whole),
        cmocka_unit_test(test_vault_takes_then_refuses),
        cmocka_unit_test(test_adl_scores),
        cmocka_unit_test(test_bad_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
