/*
 * Risk controls and keeper economics of MODEL.md s5 against hand-worked
 * rounds: circuit breakers (pause and cap), the dynamic penalty's scale,
 * gas congestion, keepers anticipating their slippage, keeper capital; then
 * their effect on a small cascade in the direction MODEL.md describes, and
 * the scenario errors by message.
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

/* One lender of USDC against WETH (LT 0.8, bonus 5%), its oracle the
 * market price; WETH at 2000 falls 10% in round 1 and 50% in round 3.
 * PROTOCOL and POOL are replaced by the tests. */
static const char *base_yaml =
    "name: risk\n"
    "rounds: 6\n"
    "assets: [{name: USDC, price: 1}, {name: WETH, price: 2000}]\n"
    "pools:\n"
    "  - {name: P, token0: WETH, token1: USDC, POOL}\n"
    "oracles:\n"
    "  - {name: USDC/USD, source: market, asset: USDC}\n"
    "  - {name: ETH/USD, source: market, asset: WETH}\n"
    "protocols:\n"
    "  - name: L\n"
    "    debt_asset: USDC\n"
    "    debt_oracle: USDC/USD\n"
    "    markets:\n"
    "      - {asset: WETH, oracle: ETH/USD, route: P, liquidation_threshold: 0.8,\n"
    "         liquidation_bonus: 0.05}\n"
    "PROTOCOL"
    "shocks:\n"
    "  - type: schedule\n"
    "    asset: WETH\n"
    "    steps: [{round: 1, return: -0.1}, {round: 3, return: -0.5}]\n";

static const char *deep_pool = "reserve0: 1e6, reserve1: 2e9";

static liq_scenario_t *scenario(const char *pool, const char *protocol)
{
    char yaml[4096];
    const char *a = strstr(base_yaml, "POOL");
    const char *b = strstr(base_yaml, "PROTOCOL");
    snprintf(yaml, sizeof(yaml), "%.*s%s%.*s%s%s", (int)(a - base_yaml), base_yaml, pool,
             (int)(b - (a + 4)), a + 4, protocol, b + strlen("PROTOCOL"));
    return parse_scenario(yaml);
}

/* n accounts of 10 WETH owing debt[k] USDC each. */
static liq_sim_t *create_accounts(const liq_scenario_t *sc, size_t n, const double *debts,
                                  int threads)
{
    int32_t protocol[8] = {0}, market[8] = {0};
    double collateral[8], debt[8];
    for (size_t k = 0; k < n; k++) {
        collateral[k] = 10.0;
        debt[k] = debts[k];
    }
    const liq_positions_t pos = {n, protocol, market, collateral, debt, NULL};
    return create_sim(sc, &pos, threads);
}

/* At 1800, 10 WETH owing 14800 has HF 0.8 x 18000 / 14800 = 0.973: close
 * factor 0.5 repays 7400. */
static const double one_account[1] = {14800.0};

static void test_dynamic_penalty(void **state)
{
    (void)state;
    liq_scenario_t *sc = scenario(
        deep_pool, "    dynamic_penalty: {reference_volatility: 0.02, window: 2, max_scale: 3}\n");
    liq_sim_t *sim = create_accounts(sc, 1, one_account, 1);
    liq_state_view_t v;
    step_sim(sim, &v);
    /* Log changes over the window of 2: 0 (before the run) and ln 0.9:
     * sigma = sqrt(ln(0.9)^2 / 2) = 0.0745, / 0.02 = 3.72, capped at 3. */
    assert_non_null(v.penalty_scale);
    assert_close(v.penalty_scale[0], 3.0, 0);
    /* The seizure at bonus 3 x 5%: 7400 x 1.15 / 1800 WETH. */
    assert_int_equal(v.liquidations[0], 1);
    assert_close(v.market_seized[0], 7400.0 * 1.15 / 1800.0, 1e-14);
    /* Round 2: changes ln 0.9 and 0: sigma is the same 0.0745: still 3.
     * Round 3 on: WETH halves; nothing left to check but the bound. */
    step_sim(sim, &v);
    assert_close(v.penalty_scale[0], 3.0, 0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);

    /* A reference volatility of 0.05: scale 0.0745 / 0.05 = 1.49. */
    sc = scenario(deep_pool,
                  "    dynamic_penalty: {reference_volatility: 0.05, window: 2, max_scale: 3}\n");
    sim = create_accounts(sc, 1, one_account, 1);
    step_sim(sim, &v);
    const double sigma = sqrt(log(0.9) * log(0.9) / 2.0);
    assert_close(v.penalty_scale[0], sigma / 0.05, 1e-14);
    assert_close(v.market_seized[0], 7400.0 * (1.0 + 0.05 * sigma / 0.05) / 1800.0, 1e-14);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_breaker_pause_and_cap(void **state)
{
    (void)state;
    /* Three accounts that become liquidatable when WETH halves in round 3:
     * HF 0.8 x 18000 / debt = 1.92..1.87 at 1800, 0.96..0.935 at 900. */
    const double debts[3] = {7500.0, 7600.0, 7700.0};
    liq_scenario_t *sc = scenario(deep_pool, "    breaker: {drop: 0.4, window: 2, pause: 2}\n");
    liq_sim_t *sim = create_accounts(sc, 3, debts, 1);
    liq_state_view_t v;
    step_sim(sim, &v); /* 1800: 10% is below the 40% drop */
    assert_int_equal(v.breaker_active[0], 0);
    step_sim(sim, &v);
    step_sim(sim, &v); /* 900: 50% below the peak 2000 of rounds 1..3 */
    assert_int_equal(v.breaker_active[0], 1);
    assert_int_equal(v.liquidations[0], 0);
    assert_int_equal(v.stalled[0], 3);
    step_sim(sim, &v); /* round 4: 900 is still 50% below the peak 1800 of rounds 2..4: it
                      trips again, which pauses rounds 4 and 5 */
    assert_int_equal(v.breaker_active[0], 1);
    assert_int_equal(v.liquidations[0], 0);
    step_sim(sim, &v); /* round 5: flat at 900 since round 3, no trip, still paused */
    assert_int_equal(v.breaker_active[0], 1);
    assert_int_equal(v.liquidations[0], 0);
    step_sim(sim, &v); /* round 6: the pause is over */
    assert_int_equal(v.breaker_active[0], 0);
    assert_int_equal(v.liquidations[0], 3);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);

    /* Cap mode: one liquidation a round while tripped, the lowest health
     * (the largest debt) first. */
    sc = scenario(deep_pool, "    breaker: {drop: 0.4, window: 2, pause: 2, cap: 1}\n");
    sim = create_accounts(sc, 3, debts, 1);
    liq_metrics_t *mt = NULL;
    assert_int_equal(liq_metrics_create(&mt, sim), LIQ_OK);
    int64_t per_round[6];
    for (int t = 0; t < 6; t++) {
        step_sim(sim, &v);
        assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);
        per_round[t] = v.liquidations[0];
    }
    assert_int_equal(per_round[2], 1);
    assert_int_equal(per_round[3], 1);
    assert_int_equal(per_round[4], 1);
    const liq_summary_t *s = liq_metrics_summary(mt);
    assert_int_equal(s->breaker_rounds[0], 3);
    liq_metrics_destroy(mt);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_gas_congestion(void **state)
{
    (void)state;
    const double debts[3] = {7500.0, 7600.0, 7700.0};
    liq_scenario_t *sc =
        scenario(deep_pool, "    keepers: {gas_cost: 10, congestion: 0.5, max_liquidations: 1}\n");
    liq_sim_t *sim = create_accounts(sc, 3, debts, 1);
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_close(v.gas_cost[0], 10.0, 0); /* nothing found in round 0 */
    step_sim(sim, &v);
    step_sim(sim, &v); /* round 3: three found, one liquidated */
    assert_close(v.gas_cost[0], 10.0, 0);
    assert_int_equal(v.liquidations[0] + v.stalled[0], 3);
    step_sim(sim, &v); /* round 4: gas 10 x (1 + 0.5 x 3) */
    assert_close(v.gas_cost[0], 25.0, 0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_anticipated_slippage(void **state)
{
    (void)state;
    /* A thin pool: 20 WETH / 40000 USDC. After the 10% fall arbitrage moves
     * it to 1800 (x' = sqrt(8e5 / 1800)). The keeper's 7400 x 1.05 / 1800 =
     * 4.3167 WETH fetch less than the 7400 USDC it repays. */
    const char *thin = "reserve0: 20, reserve1: 40000";
    liq_scenario_t *plain = scenario(thin, "");
    liq_sim_t *sim = create_accounts(plain, 1, one_account, 1);
    liq_state_view_t v;
    step_sim(sim, &v);
    assert_int_equal(v.liquidations[0], 1); /* the bonus rule: 7400 x 5% > 0 */
    liq_sim_destroy(sim);
    liq_scenario_destroy(plain);

    liq_scenario_t *sc = scenario(thin, "    keepers: {anticipate_slippage: true}\n");
    sim = create_accounts(sc, 1, one_account, 1);
    step_sim(sim, &v);
    const double x = sqrt(8e5 / 1800.0), y = sqrt(8e5 * 1800.0);
    const double seize = 7400.0 * 1.05 / 1800.0;
    assert_true(liq_cp_amount_out(seize, x, y, 0.003) < 7400.0);
    assert_int_equal(v.liquidations[0], 0);
    assert_int_equal(v.stalled[0], 1);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_keeper_capital(void **state)
{
    (void)state;
    /* Round 3 (WETH 900): HF 0.8 x 9000 / debt = 0.960, 0.947, 0.935. The
     * last two are below 0.95 and repay all their debt (7600, 7700), the
     * first half of it (3750). Capital 15300 pays for the two of lowest
     * health, 7700 + 7600; the 3750 of the third is more than the 0 left. */
    const double debts[3] = {7500.0, 7600.0, 7700.0};
    liq_scenario_t *sc = scenario(deep_pool, "    keepers: {capital: 15300}\n");
    liq_sim_t *sim = create_accounts(sc, 3, debts, 1);
    liq_state_view_t v;
    step_sim(sim, &v);
    step_sim(sim, &v);
    step_sim(sim, &v);
    assert_int_equal(v.liquidations[0], 2);
    assert_int_equal(v.stalled[0], 1);
    assert_close(v.repaid_value[0], 7700.0 + 7600.0, 1e-15);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* graphs/demo.yaml (a 42-round cascade over three lenders) with `n`
 * overrides applied to each protocol: its longest run of consecutive rounds
 * with liquidations and the ETH/USD oracle's drawdown. */
typedef struct {
    int64_t liquidations, stalled;
} demo_counts_t;

static void demo_with(const char *const *keys, const char *const *values, size_t n, int threads,
                      int64_t *longest_run, double *drawdown, demo_counts_t *counts)
{
    static const char *const names[] = {"AaveLike", "CompoundLike", "HighLTV"};
    char paths[3 * 10][96];
    liq_override_t ov[3 * 10];
    size_t k = 0;
    for (size_t p = 0; p < 3; p++) {
        for (size_t j = 0; j < n; j++, k++) {
            snprintf(paths[k], sizeof(paths[k]), "protocols[%s].%s", names[p], keys[j]);
            ov[k] = (liq_override_t){paths[k], values[j], 0, 0, NULL};
        }
    }
    FILE *f = fopen(LIQ_SOURCE_DIR "/graphs/demo.yaml", "rb");
    assert_non_null(f);
    char text[16384];
    const size_t len = fread(text, 1, sizeof(text), f);
    fclose(f);
    liq_scenario_t *sc = NULL;
    if (liq_scenario_parse_with(&sc, text, len, "demo.yaml", LIQ_SOURCE_DIR "/graphs", ov, k) !=
        LIQ_OK) {
        fail_msg("demo rejected: %s", liq_errmsg());
    }
    liq_sim_t *sim = NULL;
    const liq_sim_options_t opt = {.threads = threads};
    assert_int_equal(liq_sim_create(&sim, sc, NULL, &opt), LIQ_OK);
    liq_metrics_t *mt = NULL;
    assert_int_equal(liq_metrics_create(&mt, sim), LIQ_OK);
    int64_t run = 0;
    *longest_run = 0;
    for (int64_t t = 1; t <= sc->rounds; t++) {
        liq_state_view_t v;
        assert_int_equal(liq_sim_step(sim), LIQ_OK);
        liq_sim_view(sim, &v);
        assert_int_equal(liq_metrics_add(mt, &v), LIQ_OK);
        int64_t liquidations = 0;
        for (size_t p = 0; p < v.n_protocols; p++) {
            liquidations += v.liquidations[p];
        }
        run = liquidations > 0 ? run + 1 : 0;
        *longest_run = run > *longest_run ? run : *longest_run;
    }
    const liq_summary_t *s = liq_metrics_summary(mt);
    *drawdown = s->oracle_drawdown[0];
    if (counts != NULL) {
        counts->liquidations = s->total_liquidations;
        counts->stalled = 0;
        for (size_t p = 0; p < s->n_protocols; p++) {
            counts->stalled += s->stalled[p];
        }
    }
    liq_metrics_destroy(mt);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* The direction MODEL.md gives each control, on the demo's cascade. */
static void test_effects_on_a_cascade(void **state)
{
    (void)state;
    int64_t run0, run;
    double drop0, drop;
    demo_counts_t base, counts;
    demo_with(NULL, NULL, 0, 0, &run0, &drop0, &base);
    assert_true(run0 > 30); /* the demo's 42-round cascade */

    /* A breaker (10% within 10 minutes pauses for 30 minutes) cuts the run
     * of liquidations short, and with it the price drop. */
    static const char *const brk_keys[] = {"breaker.drop", "breaker.window", "breaker.pause"};
    static const char *const brk_values[] = {"0.1", "10min", "30min"};
    demo_with(brk_keys, brk_values, 3, 0, &run, &drop, NULL);
    assert_true(run < run0 / 4);
    assert_true(drop < drop0);

    /* A dynamic penalty (up to 3x the bonus when the oracle moves more than
     * 0.2% a round) seizes more per liquidation and deepens the price drop. */
    static const char *const dyn_keys[] = {"dynamic_penalty.reference_volatility",
                                           "dynamic_penalty.window", "dynamic_penalty.max_scale"};
    static const char *const dyn_values[] = {"0.002", "5min", "3"};
    demo_with(dyn_keys, dyn_values, 3, 0, &run, &drop, NULL);
    assert_true(drop > drop0);

    /* Keeper economics (MODEL.md s5). Gas that rises with congestion (5% a
     * liquidatable account) makes liquidations stall; keepers that price
     * their own slippage skip the sales that lose, and a capital of $300k a
     * round limits throughput: fewer liquidations each time, and with them
     * a smaller price drop. (Bad debt is booked when an account is
     * liquidated, so a stalled account's shortfall is not in bad_debt.) */
    static const char *const cong_keys[] = {"keepers.congestion"};
    static const char *const cong_values[] = {"0.05"};
    demo_with(cong_keys, cong_values, 1, 0, &run, &drop, &counts);
    assert_true(counts.stalled > base.stalled);
    assert_true(counts.liquidations < base.liquidations / 4);
    static const char *const slip_keys[] = {"keepers.anticipate_slippage"};
    static const char *const slip_values[] = {"true"};
    demo_with(slip_keys, slip_values, 1, 0, &run, &drop, &counts);
    assert_true(counts.liquidations < base.liquidations);
    assert_true(drop < drop0);
    static const char *const cap_keys[] = {"keepers.capital"};
    static const char *const cap_values[] = {"3e5"};
    demo_with(cap_keys, cap_values, 1, 0, &run, &drop, &counts);
    assert_true(counts.liquidations < base.liquidations);
    assert_true(drop < drop0);

    /* Everything at once gives the same bits on 1 and 3 threads. */
    static const char *const all_keys[] = {"breaker.drop",
                                           "breaker.window",
                                           "breaker.pause",
                                           "breaker.cap",
                                           "dynamic_penalty.reference_volatility",
                                           "dynamic_penalty.window",
                                           "dynamic_penalty.max_scale",
                                           "keepers.congestion",
                                           "keepers.anticipate_slippage",
                                           "keepers.capital"};
    static const char *const all_values[] = {"0.2",  "10min", "5min", "50",   "0.002",
                                             "5min", "3",     "1e-4", "true", "2e6"};
    int64_t run1, run3;
    double drop1, drop3;
    demo_with(all_keys, all_values, 10, 1, &run1, &drop1, NULL);
    demo_with(all_keys, all_values, 10, 3, &run3, &drop3, NULL);
    assert_int_equal(run1, run3);
    assert_memory_equal(&drop1, &drop3, sizeof(double));
}

/* Presets fill what a protocol leaves out, and what it sets wins; the
 * shipped comparison, graphs/presets.yaml, resolves to the three designs. */
static void test_presets(void **state)
{
    (void)state;
    liq_scenario_t *sc = scenario(deep_pool, "    preset: v3_dynamic\n"
                                             "    keepers: {anticipate_slippage: false}\n");
    const liq_protocol_config_t *p = &sc->protocols[0];
    assert_true(p->has_dynamic_penalty);
    assert_close(p->reference_volatility, 0.002, 0);
    assert_int_equal(p->volatility_window, 300); /* 1h of 12 s rounds */
    assert_close(p->max_penalty_scale, 2.0, 0);
    assert_int_equal(p->anticipate_slippage, 0); /* set by the protocol */
    assert_close(p->markets[0].close_factor, 0.5, 0);
    assert_close(p->markets[0].full_close_health, 0.95, 0);
    liq_scenario_destroy(sc);

    FILE *f = fopen(LIQ_SOURCE_DIR "/graphs/presets.yaml", "rb");
    assert_non_null(f);
    char text[16384];
    const size_t len = fread(text, 1, sizeof(text), f);
    fclose(f);
    if (liq_scenario_parse(&sc, text, len, "presets.yaml", NULL) != LIQ_OK) {
        fail_msg("presets.yaml rejected: %s", liq_errmsg());
    }
    const liq_protocol_config_t *v1 = &sc->protocols[0], *v2 = &sc->protocols[1],
                                *v3 = &sc->protocols[2];
    assert_int_equal(v1->liquidation.mode, LIQ_LIQUIDATION_INSTANT);
    assert_close(v1->markets[0].full_close_health, 0.0, 0);
    assert_false(v1->has_breaker || v1->has_dynamic_penalty);
    assert_int_equal(v2->liquidation.mode, LIQ_LIQUIDATION_DUTCH_AUCTION);
    assert_close(v2->liquidation.chop, 1.13, 0); /* ETH-A */
    assert_true(v2->has_breaker);
    assert_close(v2->breaker_drop, 0.5, 0);
    assert_int_equal(v2->breaker_window, 300);
    assert_int_equal(v2->breaker_pause, 7200);
    assert_true(v3->has_dynamic_penalty && v3->anticipate_slippage);
    liq_scenario_destroy(sc);
}

static void expect_error(const char *protocol, int code, const char *message)
{
    char yaml[4096];
    const char *a = strstr(base_yaml, "POOL");
    const char *b = strstr(base_yaml, "PROTOCOL");
    snprintf(yaml, sizeof(yaml), "%.*s%s%.*s%s%s", (int)(a - base_yaml), base_yaml, deep_pool,
             (int)(b - (a + 4)), a + 4, protocol, b + strlen("PROTOCOL"));
    expect_scenario_error(yaml, code, message);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("    breaker: {drop: 1.5, window: 2, pause: 2}\n", LIQ_EINVAL,
                 "bad.yaml:16:21: protocols[0].breaker.drop: value 1.5 is out of range; "
                 "expected a number in (0, 1)");
    expect_error("    breaker: {drop: 0.5, pause: 2}\n", LIQ_EKEY,
                 "bad.yaml:16:14: protocols[0].breaker: missing key 'window'");
    expect_error("    dynamic_penalty: {reference_volatility: 0.01, window: 2, max_scale: 0.5}\n",
                 LIQ_EINVAL,
                 "bad.yaml:16:73: protocols[0].dynamic_penalty.max_scale: value 0.5 is out of "
                 "range; expected a finite number >= 1");
    expect_error("    keepers: {capital: 0}\n", LIQ_EINVAL,
                 "bad.yaml:16:24: protocols[0].keepers.capital: value 0 is out of range; "
                 "expected a number > 0 or inf");
    expect_error("    preset: v4\n", LIQ_EINVAL,
                 "bad.yaml:16:13: protocols[0].preset: unknown preset 'v4'; expected one of "
                 "v1_fixed, v2_auction, v3_dynamic");
    expect_error("    keepers: {anticipate_slippage: maybe}\n", LIQ_EINVAL,
                 "bad.yaml:16:36: protocols[0].keepers.anticipate_slippage: unknown flag "
                 "'maybe'; expected one of false, true");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynamic_penalty), cmocka_unit_test(test_breaker_pause_and_cap),
        cmocka_unit_test(test_gas_congestion),  cmocka_unit_test(test_anticipated_slippage),
        cmocka_unit_test(test_keeper_capital),  cmocka_unit_test(test_effects_on_a_cascade),
        cmocka_unit_test(test_presets),         cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
