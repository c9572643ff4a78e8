/*
 * Book fills (`liquidation_fill: book`, src/engine/perp_book.c) against
 * hand-worked values. One constant-product book of 500 BTC and 50,000 USDC
 * (price 100, no fee, arbitrage 0: it stays where the closes leave it); a
 * long of 100 BTC from 100 at 10x (margin 1000; maintenance 5%). Selling
 * its 100 BTC into the book pays 50000 x 100 / (500 + 100) = 8333.33 USDC:
 * the fill is 83.33 whatever the mark, and the account's value at the fill
 * is 1000 + 100 (83.33 - 100) = -666.67. Then: the fund pays the shortfall;
 * a fund of 0 makes ADL take the share the book cannot, at the bankruptcy
 * price 100 - 1000 / 100 = 90; the vault pays between the fund and ADL; a
 * mark past the bankruptcy price moves a loss to the ADL'd counterparty.
 * The runs agree over 1, 2 and 3 threads; a bad value is an error by
 * message; the default (mark) gives the same bits as without the key.
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

#define LIQ_TEST_FILE "perp_book.yaml"
#include "liq_test.h"

#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

#define HEAD                                                                                       \
    "rounds: 2\n"                                                                                  \
    "assets:\n"                                                                                    \
    "  - {name: BTC, price: 100}\n"                                                                \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: BTC-USDC, token0: BTC, token1: USDC, reserve0: 500, reserve1: 50000, fee: 0,"      \
    " arbitrage: 0}\n"                                                                             \
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

/* Account 0: the long, 10000 notional at 10x; account 1: a short of 100
 * BTC at 1x (margin 10000), the ADL counterparty. */
#define ACCOUNTS                                                                                   \
    "accounts:\n"                                                                                  \
    "  - {protocol: Perps, market: BTC, count: 1, long_share: 1, size: {distribution: "            \
    "lognormal, median: 10000, sigma: 0}, leverage: {distribution: uniform, min: 10, max: 10}}\n"  \
    "  - {protocol: Perps, market: BTC, count: 1, long_share: 0, size: {distribution: "            \
    "lognormal, median: 10000, sigma: 0}, leverage: {distribution: uniform, min: 1, max: 1}}\n"

static liq_scenario_t *scenario(const char *fund, const char *rules, double shock)
{
    char yaml[8192];
    snprintf(yaml, sizeof(yaml),
             HEAD ACCOUNTS "shocks:\n  - {type: schedule, asset: BTC, steps: [{round: 1, return: "
                           "%.17g}]}\n",
             fund, rules, shock);
    return parse_scenario(yaml);
}

#define BOOK "    liquidation_fill: book\n"

/* Fund 1000, mark 94: equity 1000 - 600 = 400 < maintenance 470. The sweep
 * fills at 250 / 3 = 83.33; shortfall 2000 / 3, paid by the fund (1000 ->
 * 1000 / 3); no ADL; the pool gets the 100 BTC and the row's price is the
 * fill. With `mark` the same close realises 400 > 0: no loss at all. */
static void test_fill_and_fund(void **state)
{
    (void)state;
    liq_scenario_t *sc = scenario("1000", BOOK, -0.06);
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_close(v.oracle_price[0], 94.0, 1e-14);
    assert_int_equal(v.perp_liquidations[0], 1);
    assert_close(v.liquidated_notional[0], 9400.0, 1e-14);
    assert_close(v.pool_liquidation_in0[0], 100.0, 1e-15);
    assert_close(v.pool_reserve0[0], 600.0, 1e-15);
    assert_close(v.pool_reserve1[0], 50000.0 - 50000.0 / 6.0, 1e-12);
    assert_close(v.bad_debt[0], 2000.0 / 3.0, 1e-12);
    assert_close(v.insurance_fund[0], 1000.0 / 3.0, 1e-12);
    assert_true(v.adl_volume[0] == 0.0 && v.adl_count[0] == 0 && v.deficit[0] == 0.0);
    assert_non_null(v.events);
    assert_int_equal(v.events->n_liquidations, 1);
    assert_close(v.events->liquidations[0].price, 250.0 / 3.0, 1e-13);
    assert_close(v.events->liquidations[0].seized_value, 9400.0, 1e-14);
    assert_true(sim->perp->margin[0] == 0.0 && sim->perp->position[0] == 0.0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);

    sc = scenario("1000", "", -0.06);
    sim = create_sim(sc, NULL, 1);
    step_sim(sim, &v);
    assert_int_equal(v.perp_liquidations[0], 1);
    assert_true(v.bad_debt[0] == 0.0 && v.insurance_fund[0] == 1000.0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* Fund 0, mark 94. Routing r of the 100 BTC fills at 50000 / (500 + 100 r)
 * and leaves r (1000 + 100 (F - 100)); nobody can pay a shortfall, so r is
 * where F = 90: 500 + 100 r = 5000 / 9, r = 5 / 9. The other 4 / 9 (44.44
 * BTC) go to the short at the bankruptcy price 94 (1 - 400 / 9400) = 90 =
 * 100 - 1000 / 100: its margin gains 44.44 x (100 - 90) = 4000 / 9, its
 * position is -500 / 9. The long ends with exactly 0; the short closed
 * below the mark 94, so the counterparty bore no loss against the mark:
 * bad_debt 0, adl_covered 0. */
static void test_adl_at_bankruptcy(void **state)
{
    (void)state;
    liq_scenario_t *sc = scenario("0", BOOK, -0.06);
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = sim->perp;
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_int_equal(v.perp_liquidations[0], 1);
    assert_close(v.pool_liquidation_in0[0], 500.0 / 9.0, 1e-12);
    assert_close(v.events->liquidations[0].price, 90.0, 1e-12);
    assert_int_equal(v.adl_count[0], 1);
    assert_close(v.adl_volume[0], 400.0 / 9.0 * 94.0, 1e-12);
    assert_close(pp->position[1], -500.0 / 9.0, 1e-12);
    assert_close(pp->margin[1], 10000.0 + 4000.0 / 9.0, 1e-12);
    assert_true(fabs(v.bad_debt[0]) < 1e-9 && v.adl_covered[0] == 0.0);
    assert_true(fabs(v.deficit[0]) < 1e-9 && v.insurance_fund[0] == 0.0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* Fund 0, mark 88 (past the bankruptcy price 90: equity -200). The book
 * part is the same (the fill does not depend on the mark): r = 5 / 9, ADL
 * of 400 / 9 BTC at 88 (1 + 200 / 8800) = 90, which moves 400 / 9 x (90 -
 * 88) = 800 / 9 of loss against the mark to the short: bad_debt =
 * adl_covered = 800 / 9. */
static void test_adl_moves_mark_loss(void **state)
{
    (void)state;
    liq_scenario_t *sc = scenario("0", BOOK, -0.12);
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_close(v.oracle_price[0], 88.0, 1e-14);
    assert_close(v.pool_liquidation_in0[0], 500.0 / 9.0, 1e-12);
    assert_close(v.adl_volume[0], 400.0 / 9.0 * 88.0, 1e-12);
    assert_close(v.adl_covered[0], 800.0 / 9.0, 1e-11);
    assert_close(v.bad_debt[0], 800.0 / 9.0, 1e-11);
    assert_close(sim->perp->margin[1], 10000.0 + 4000.0 / 9.0, 1e-12);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* Fund 100, a vault of 10000 with a 5% drawdown (room 500; ratio 0.5: the
 * long's 400 >= 0.5 x 470 is not taken over). The whole sweep's 666.67 is
 * more than 600: r solves r (9000 - 5000000 / (500 + 100 r)) = 600, i.e.
 * 90 r^2 - 56 r - 30 = 0, r = (56 + sqrt(13936)) / 180 = 0.96695; the fund
 * pays 100, the vault 500 (its cash -500, its loss 500), ADL the other
 * 100 (1 - r) BTC at 90. bad_debt = 100 + 500 + 0 + 0. */
static void test_fund_then_vault_then_adl(void **state)
{
    (void)state;
    liq_scenario_t *sc = scenario(
        "100", BOOK "    backstop: {ratio: 0.5, vault_capital: 10000, max_drawdown: 0.05}\n",
        -0.06);
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    const liq_perp_t *pp = sim->perp;
    liq_state_view_t v;
    step_sim(sim, &v);
    const double r = (56.0 + sqrt(13936.0)) / 180.0;
    assert_int_equal(pp->vault_taken[0], 0);
    assert_close(v.pool_liquidation_in0[0], 100.0 * r, 1e-12);
    assert_close(v.insurance_fund[0], 0.0, 1e-12);
    assert_close(v.vault_covered[0], 500.0, 1e-12);
    assert_close(v.vault_loss[0], 500.0, 1e-12);
    assert_int_equal(v.adl_count[0], 1);
    assert_close(pp->position[1], -100.0 + 100.0 * (1.0 - r), 1e-12);
    assert_close(pp->margin[1], 10000.0 + 100.0 * (1.0 - r) * 10.0, 1e-10);
    assert_close(v.bad_debt[0], 600.0, 1e-10);
    assert_close(v.bad_debt[0], 100.0 + v.vault_covered[0] + v.adl_covered[0] + v.deficit[0],
                 1e-12);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* A cascade of 2 x 10^5 accounts (above the parallel threshold) with
 * partial liquidation and a vault: the same bits on 1, 2 and 3 threads,
 * and the conservation bad_debt = fund + vault + ADL + deficit. */
static uint64_t hash_perp(uint64_t h, const liq_state_view_t *v, void *context)
{
    (void)context;
    h = hash_r0_round(h, v, NULL);
    h = fnv1a(h, v->adl_volume, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->adl_covered, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->liquidated_notional, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->vault_loss, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->insurance_fund, v->n_protocols * sizeof(double));
    return h;
}

static void test_threads(void **state)
{
    (void)state;
    const char *yaml =
        "rounds: 30\n"
        "assets:\n"
        "  - {name: BTC, price: 100}\n"
        "  - {name: USDC, price: 1}\n"
        "pools:\n"
        "  - {name: BTC-USDC, token0: BTC, token1: USDC, reserve0: 1.0e6, reserve1: 1.0e8,"
        " arbitrage: 0.5}\n"
        "oracles:\n"
        "  - {name: BTC/USD, source: median, inputs: [{source: market, asset: BTC},"
        " {source: pool_spot, pool: BTC-USDC}, {source: pool_twap, pool: BTC-USDC, window: 5}]}\n"
        "  - {name: USD, source: market, asset: USDC}\n"
        "protocols:\n"
        "  - name: Perps\n"
        "    kind: perp\n"
        "    margin_asset: USDC\n"
        "    margin_oracle: USD\n"
        "    insurance_fund: 1.0e5\n"
        "    partial_liquidation: {above: 100000, share: 0.2, cooldown: 3}\n"
        "    backstop: {ratio: 0.2, vault_capital: 1.0e8, max_drawdown: 0.05, unwind: 0.05}\n"
        "    adl_rank: hyperliquid\n"
        "    liquidation_fill: book\n"
        "    markets:\n"
        "      - {asset: BTC, oracle: BTC/USD, route: BTC-USDC, liquidation_fee: 0.001,"
        " tiers: [{notional_up_to: 1.0e5, mmr: 0.02}, {notional_up_to: unlimited, mmr: 0.05}]}\n"
        "accounts:\n"
        "  - {protocol: Perps, market: BTC, count: 200000, long_share: 0.7, size: {distribution: "
        "lognormal, median: 5000, sigma: 1.5}, leverage: {distribution: uniform, min: 2, max: "
        "15}}\n"
        "shocks:\n"
        "  - {type: schedule, asset: BTC, steps: [{round: 2, return: -0.05}, {round: 5, return: "
        "-0.08}, {round: 9, return: -0.06}]}\n";
    liq_scenario_t *sc = parse_scenario(yaml);
    const uint64_t one = run_hash_with(sc, NULL, 1, 0, hash_perp, NULL);
    assert_true(run_hash_with(sc, NULL, 2, 0, hash_perp, NULL) == one);
    assert_true(run_hash_with(sc, NULL, 3, 0, hash_perp, NULL) == one);
    liq_sim_t *sim = create_sim(sc, NULL, 2);
    liq_state_view_t v;
    double adl = 0.0;
    for (int64_t t = 0; t < sc->rounds; t++) {
        step_sim(sim, &v);
        adl += v.adl_volume[0];
    }
    const liq_perp_t *pp = sim->perp;
    assert_true(adl > 0.0 && v.vault_covered[0] > 0.0); /* every branch ran */
    assert_close(v.bad_debt[0],
                 pp->fund_covered[0] + v.vault_covered[0] + v.adl_covered[0] + v.deficit[0], 1e-12);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_bad_key(void **state)
{
    (void)state;
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), HEAD, "0", "    liquidation_fill: last\n");
    expect_scenario_error(yaml, LIQ_EINVAL,
                          "perp_book.yaml:16:23: protocols[0].liquidation_fill: unknown "
                          "liquidation fill 'last'; expected one of mark, book");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_and_fund),
        cmocka_unit_test(test_adl_at_bankruptcy),
        cmocka_unit_test(test_adl_moves_mark_loss),
        cmocka_unit_test(test_fund_then_vault_then_adl),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_bad_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
