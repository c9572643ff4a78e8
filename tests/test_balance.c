/*
 * Issued tokens and holdings (MODEL.md s5, the second contagion channel),
 * against hand-worked rounds: an issuer's holdings lose value, the loss goes
 * through its insurance fund into a deficit, its token's redemption value
 * falls (pro rata or to nothing), and a protocol that holds the token or
 * accepts it as collateral takes the loss in the next round. Then the
 * scenario errors of the new keys, by message.
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
#include "liqnet/metrics.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* P issues 1000 sUSD (price 1) and holds 10 X at 100, fund 100. Q holds 500
 * sUSD, fund 50. X falls 50% in round 1. */
static const char *chain_yaml = "name: chain\n"
                                "rounds: 4\n"
                                "assets:\n"
                                "  - {name: USD, price: 1}\n"
                                "  - {name: X, price: 100}\n"
                                "  - {name: sUSD, price: 1}\n"
                                "oracles:\n"
                                "  - {name: USD/USD, source: market, asset: USD}\n"
                                "protocols:\n"
                                "  - name: P\n"
                                "    debt_asset: USD\n"
                                "    debt_oracle: USD/USD\n"
                                "    insurance_fund: 100\n"
                                "    issues: [{asset: sUSD, supply: 1000}]\n"
                                "    recovery: RECOVERY\n"
                                "    holdings: [{asset: X, amount: 10}]\n"
                                "  - name: Q\n"
                                "    debt_asset: USD\n"
                                "    debt_oracle: USD/USD\n"
                                "    insurance_fund: 50\n"
                                "    holdings: [{asset: sUSD, amount: 500}]\n"
                                "shocks:\n"
                                "  - type: schedule\n"
                                "    asset: X\n"
                                "    steps: [{round: 1, return: -0.5}]\n";

static liq_scenario_t *chain(const char *recovery)
{
    char yaml[2048];
    const char *at = strstr(chain_yaml, "RECOVERY");
    snprintf(yaml, sizeof(yaml), "%.*s%s%s", (int)(at - chain_yaml), chain_yaml, recovery,
             at + strlen("RECOVERY"));
    return parse_scenario(yaml);
}

static void test_pro_rata_chain(void **state)
{
    (void)state;
    liq_scenario_t *sc = chain("pro_rata");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_true(v.redemption[0] == 1.0);
    assert_true(isnan(v.redemption[1]));
    assert_close(v.holdings_value[0], 1000.0, 0);
    assert_close(v.holdings_value[1], 500.0, 0);

    /* Round 1: X at 50. P writes down 10 x 50 = 500: the fund covers 100,
     * the deficit is 400, so sUSD redeems at 1 - 400/1000 = 0.6. Q has not
     * seen it yet: sUSD is priced from the ratio of the round before. */
    step_sim(sim, &v);
    assert_close(v.impairment[0], 500.0, 1e-15);
    assert_close(v.insurance_fund[0], 0.0, 0);
    assert_close(v.deficit[0], 400.0, 1e-15);
    assert_close(v.redemption[0], 0.6, 1e-15);
    assert_close(v.holdings_value[0], 500.0, 1e-15);
    assert_close(v.exogenous_price[2], 1.0, 0);
    assert_close(v.impairment[1], 0.0, 0);

    /* Round 2: sUSD at 0.6. Q writes down 500 x 0.4 = 200: fund 50, deficit 150. */
    step_sim(sim, &v);
    assert_close(v.exogenous_price[2], 0.6, 1e-15);
    assert_close(v.reference_price[2], 0.6, 1e-15);
    assert_close(v.log_return[2], 0.0, 0);
    assert_close(v.impairment[1], 200.0, 1e-14);
    assert_close(v.insurance_fund[1], 0.0, 0);
    assert_close(v.deficit[1], 150.0, 1e-14);
    assert_close(v.holdings_value[1], 300.0, 1e-15);
    assert_close(v.deficit[0], 400.0, 1e-15); /* nothing new for P */

    /* Rounds 3, 4: nothing moves; write-downs never reverse. */
    step_sim(sim, NULL);
    step_sim(sim, &v);
    assert_close(v.deficit[1], 150.0, 1e-14);
    assert_close(v.redemption[0], 0.6, 1e-15);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_zero_recovery_chain(void **state)
{
    (void)state;
    liq_scenario_t *sc = chain("zero");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    liq_metrics_t *mt = NULL;
    assert_int_equal(liq_metrics_create(&mt, sim), LIQ_OK);
    liq_state_view_t v;
    for (int t = 1; t <= 4; t++) {
        step_sim(sim, &v);
        assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);
        if (t == 1) {
            assert_true(v.redemption[0] == 0.0); /* any deficit: worthless */
        }
    }
    /* sUSD sits at the floor, 1e-9 of its price: Q loses 500 (1 - 1e-9). */
    assert_close(v.exogenous_price[2], 1e-9, 1e-15);
    assert_close(v.impairment[1], 500.0 * (1.0 - 1e-9), 1e-15);
    assert_close(v.deficit[1], 450.0 - 500.0 * 1e-9, 1e-15);
    const liq_summary_t *s = liq_metrics_summary(mt);
    assert_int_equal(s->first_failure[0], 1);
    assert_int_equal(s->first_failure[1], 2);
    assert_int_equal(s->failed_protocols, 2);
    assert_close(s->impairment[1], v.impairment[1], 0);
    assert_close(s->bad_debt[1], 0.0, 0); /* failed through its deficit alone */
    liq_metrics_destroy(mt);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* A fund that covers the write-down: a loss, not a failure. */
static void test_fund_absorbs_loss(void **state)
{
    (void)state;
    const char *yaml = "name: absorb\n"
                       "rounds: 2\n"
                       "assets: [{name: USD, price: 1}, {name: X, price: 100}]\n"
                       "oracles: [{name: USD/USD, source: market, asset: USD}]\n"
                       "protocols:\n"
                       "  - {name: P, debt_asset: USD, debt_oracle: USD/USD, insurance_fund: 600,\n"
                       "     holdings: [{asset: X, amount: 10}]}\n"
                       "shocks:\n"
                       "  - {type: schedule, asset: X, steps: [{round: 1, return: -0.5},\n"
                       "                                       {round: 2, return: 1.0}]}\n";
    liq_scenario_t *sc = parse_scenario(yaml);
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_close(v.insurance_fund[0], 100.0, 1e-15);
    assert_close(v.deficit[0], 0.0, 0);
    /* X back at 100: the holding is worth 1000 again, the write-down stays. */
    step_sim(sim, &v);
    assert_close(v.holdings_value[0], 1000.0, 1e-15);
    assert_close(v.impairment[0], 500.0, 1e-15);
    assert_close(v.insurance_fund[0], 100.0, 1e-15);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* R accepts sUSD as collateral: one account with 1000 sUSD owing 700 USD at
 * LT 0.8 has HF 800/700 at par and 480/700 once sUSD redeems at 0.6, in
 * round 2 (the issuer's deficit appears in round 1). */
static void test_issued_token_as_collateral(void **state)
{
    (void)state;
    const char *yaml =
        "name: collateral\n"
        "rounds: 3\n"
        "assets:\n"
        "  - {name: USD, price: 1}\n"
        "  - {name: X, price: 100}\n"
        "  - {name: sUSD, price: 1}\n"
        "pools:\n"
        "  - {name: sUSD-USD, token0: sUSD, token1: USD, reserve0: 1e6, reserve1: 1e6}\n"
        "oracles:\n"
        "  - {name: USD/USD, source: market, asset: USD}\n"
        "  - {name: sUSD/USD, source: market, asset: sUSD}\n"
        "protocols:\n"
        "  - name: P\n"
        "    debt_asset: USD\n"
        "    debt_oracle: USD/USD\n"
        "    insurance_fund: 100\n"
        "    issues: [{asset: sUSD, supply: 1000}]\n"
        "    holdings: [{asset: X, amount: 10}]\n"
        "  - name: R\n"
        "    debt_asset: USD\n"
        "    debt_oracle: USD/USD\n"
        "    markets:\n"
        "      - {asset: sUSD, oracle: sUSD/USD, route: sUSD-USD, liquidation_threshold: 0.8,\n"
        "         liquidation_bonus: 0.05}\n"
        "shocks:\n"
        "  - {type: schedule, asset: X, steps: [{round: 1, return: -0.5}]}\n";
    liq_scenario_t *sc = parse_scenario(yaml);
    int32_t protocol[1] = {1}, market[1] = {0};
    double collateral[1] = {1000.0}, debt[1] = {700.0};
    const liq_positions_t pos = {1, protocol, market, collateral, debt, NULL};
    liq_sim_t *sim = NULL;
    const liq_sim_options_t opt = {.threads = 1};
    assert_int_equal(liq_sim_create(&sim, sc, &pos, &opt), LIQ_OK);
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_int_equal(v.liquidations[1], 0);
    step_sim(sim, &v);
    assert_close(v.oracle_price[1], 0.6, 1e-15);
    assert_int_equal(v.liquidations[1], 1);
    assert_true(v.pool_liquidation_in0[0] > 0.0); /* seized sUSD sold on its own pool */
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

#define HEAD                                                                                       \
    "rounds: 2\n"                                                                                  \
    "assets: [{name: USD, price: 1}, {name: X, price: 100}, {name: T, price: 1}]\n"                \
    "oracles: [{name: O, source: market, asset: USD}]\n"

static void test_scenario_errors(void **state)
{
    (void)state;
    expect_scenario_error(
        HEAD "protocols:\n"
             "  - {name: P, debt_asset: USD, debt_oracle: O, issues: [{asset: T, "
             "supply: 1}]}\n"
             "  - {name: Q, debt_asset: USD, debt_oracle: O, issues: [{asset: T, "
             "supply: 1}]}\n",
        LIQ_EINVAL,
        "bad.yaml:6:65: protocols[1].issues[0].asset: 'T' is already issued by protocol "
        "'P'; expected each asset to have at most one issuer, listed once");
    expect_scenario_error(
        HEAD "protocols:\n"
             "  - {name: P, debt_asset: USD, debt_oracle: O, issues: [{asset: T, "
             "supply: 1}],\n"
             "     holdings: [{asset: T, amount: 1}]}\n",
        LIQ_EINVAL,
        "bad.yaml:6:25: protocols[0].holdings[0].asset: 'T' is issued by this protocol; "
        "expected an asset it does not issue (its own tokens are not an asset of its "
        "balance sheet)");
    expect_scenario_error(
        HEAD "protocols:\n"
             "  - {name: P, debt_asset: USD, debt_oracle: O, issues: [{asset: T, "
             "supply: 0}]}\n",
        LIQ_EINVAL,
        "bad.yaml:5:76: protocols[0].issues[0].supply: value 0 is out of range; expected "
        "a finite number > 0");
    expect_scenario_error(
        HEAD "protocols:\n"
             "  - {name: P, debt_asset: USD, debt_oracle: O, recovery: zero,\n"
             "     holdings: [{asset: X, amount: 1}]}\n",
        LIQ_EINVAL,
        "bad.yaml:5:58: protocols[0].recovery: the protocol issues no asset; expected "
        "recovery only with issues");
    expect_scenario_error(HEAD "protocols:\n"
                               "  - {name: P, debt_asset: USD, debt_oracle: O}\n",
                          LIQ_EKEY, "bad.yaml:5:5: protocols[0]: missing key 'markets'");
    expect_scenario_error(
        HEAD "protocols:\n"
             "  - {name: P, debt_asset: USD, debt_oracle: O, issues: [{asset: T, "
             "supply: 1}]}\n"
             "shocks: [{type: schedule, asset: T, steps: [{round: 1, return: -0.1}]}]\n",
        LIQ_EINVAL,
        "bad.yaml:6:34: shocks[0].asset: 'T' is issued by protocol 'P' and its price "
        "follows the issuer's solvency; expected an asset that no protocol issues");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pro_rata_chain),    cmocka_unit_test(test_zero_recovery_chain),
        cmocka_unit_test(test_fund_absorbs_loss), cmocka_unit_test(test_issued_token_as_collateral),
        cmocka_unit_test(test_scenario_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
