/*
 * Cross-margin accounts (MODEL.md s5) against hand-worked values: the health
 * factor over two collaterals, a liquidation that seizes the largest
 * collateral first and spills into the second (exact units seized and
 * sold), bad debt when every collateral is gone, containment (the same
 * owner's isolated account of the other asset is untouched), the shared
 * throughput cut with isolated accounts; then conservation over a cascade
 * with both kinds, determinism across thread counts, index vs full scan,
 * positions files with an account column, and scenario errors by message.
 */
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

#define LIQ_TEST_FILE "cross.yaml"
#include "liq_test.h"
#include <hdf5.h>

#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/lending.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

/* One lender with two markets, WETH (LT 0.8, bonus 5%) and WBTC (LT 0.75,
 * bonus 25%, so that a WBTC slice repays value / 1.25 exactly), against
 * USDC. No market impact and deep pools. WETH falls 20% in round 1. */
#define TWO_MARKETS_YAML                                                                           \
    "rounds: 3\n"                                                                                  \
    "assets:\n"                                                                                    \
    "  - {name: WETH, price: 2000}\n"                                                              \
    "  - {name: WBTC, price: 40000}\n"                                                             \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 1.0e5, reserve1: 2.0e8}\n"        \
    "  - {name: WBTC-USDC, token0: WBTC, token1: USDC, reserve0: 5000, reserve1: 2.0e8}\n"         \
    "oracles:\n"                                                                                   \
    "  - {name: ETH, source: market, asset: WETH}\n"                                               \
    "  - {name: BTC, source: market, asset: WBTC}\n"                                               \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: Lender\n"                                                                           \
    "    debt_asset: USDC\n"                                                                       \
    "    debt_oracle: USD\n"                                                                       \
    "    insurance_fund: 1000\n"                                                                   \
    "    keepers: {gas_cost: 0, min_profit: 0, max_liquidations: %s}\n"                            \
    "    markets:\n"                                                                               \
    "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.8,"             \
    " liquidation_bonus: 0.05}\n"                                                                  \
    "      - {asset: WBTC, oracle: BTC, route: WBTC-USDC, liquidation_threshold: 0.75,"            \
    " liquidation_bonus: 0.25}\n"                                                                  \
    "shocks:\n"                                                                                    \
    "  - {type: schedule, asset: WETH, steps: [{round: 1, return: -0.2}]}\n"

static liq_scenario_t *two_markets(const char *max_liquidations)
{
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), TWO_MARKETS_YAML, max_liquidations);
    return parse_scenario(yaml);
}

/* Positions rows, with account ids (-1: isolated). */
typedef struct {
    int32_t protocol[16], market[16];
    double collateral[16], debt[16];
    int64_t account[16];
    liq_positions_t table;
} rows_t;

static void rows_init(rows_t *r)
{
    memset(r, 0, sizeof(*r));
    r->table.protocol = r->protocol;
    r->table.market = r->market;
    r->table.collateral = r->collateral;
    r->table.debt = r->debt;
    r->table.account = r->account;
}

static void row(rows_t *r, int32_t market, double collateral, double debt, int64_t account)
{
    const size_t k = r->table.count++;
    r->protocol[k] = 0;
    r->market[k] = market;
    r->collateral[k] = collateral;
    r->debt[k] = debt;
    r->account[k] = account;
}

/* Cross collateral of account j in market k of protocol 0. */
static double cross_c(const liq_accounts_view_t *a, size_t j, size_t k)
{
    return a->cross_collateral[a->cross_block[0] + (j - a->cross_begin[0]) * 2 + k];
}

/* ------------------------------------------------------------- the maths */

static void test_health_two_collaterals(void **state)
{
    (void)state;
    const liq_market_terms_t terms[2] = {{0.8, 0.05, 0.5, 0.95}, {0.75, 0.25, 0.5, 0.95}};
    const double c[2] = {10.0, 0.5};
    /* (10 * 2000 * 0.8 + 0.5 * 40000 * 0.75) / 30000 = 31000 / 30000. */
    assert_close(liq_cross_health(2, c, (double[]){2000.0, 40000.0}, terms, 30000.0, 1.0),
                 31000.0 / 30000.0, 1e-15);
    /* WETH at 1600: (12800 + 15000) / 30000 = 0.92666... */
    assert_close(liq_cross_health(2, c, (double[]){1600.0, 40000.0}, terms, 30000.0, 1.0),
                 27800.0 / 30000.0, 1e-15);
    assert_true(isinf(liq_cross_health(2, c, (double[]){1600.0, 40000.0}, terms, 0.0, 1.0)));
    /* One market: the isolated health factor. */
    assert_true(liq_cross_health(1, c, (double[]){2000.0}, terms, 17000.0, 1.0) ==
                liq_health(10.0, 17000.0, 2000.0, 1.0, 0.8));
}

static void test_quote_largest_value_first(void **state)
{
    (void)state;
    const liq_market_terms_t terms[2] = {{0.8, 0.05, 0.5, 0.95}, {0.75, 0.25, 0.5, 0.95}};
    const double price[2] = {1600.0, 40000.0};
    double seize[2];
    /* WBTC (20000 USD) before WETH (16000 USD). HF 0.9267 < 0.95: the whole
     * 30000 is repaid. WBTC would need 30000 * 1.25 / 40000 = 0.9375 > 0.5:
     * all 0.5 seized, repaying 20000 / 1.25 = 16000; the 14000 left take
     * 14000 * 1.05 / 1600 = 9.1875 WETH. Keepers earn 16000 * 0.25 +
     * 14000 * 0.05 = 4700. */
    liq_cross_liquidation_t q = liq_cross_liquidation_quote(2, (double[]){10.0, 0.5}, price, terms,
                                                            30000.0, 1.0, 27800.0 / 30000.0, seize);
    assert_int_equal(q.first, 1);
    assert_false(q.exhausted);
    assert_close(q.repay, 30000.0, 1e-15);
    assert_close(seize[1], 0.5, 0.0);
    assert_close(seize[0], 9.1875, 1e-15);
    assert_close(q.keeper_bonus, 4700.0, 1e-15);

    /* Above h_full the close factor of the first market applies: 0.5 of a
     * debt of 20000 is 10000, covered by WBTC alone (0.3125 of 0.5). */
    q = liq_cross_liquidation_quote(2, (double[]){10.0, 0.5}, price, terms, 20000.0, 1.0, 0.97,
                                    seize);
    assert_close(q.repay, 10000.0, 1e-15);
    assert_close(seize[1], 0.3125, 1e-15);
    assert_true(seize[0] == 0.0);

    /* Not enough collateral: both seized, the repayment falls short. */
    q = liq_cross_liquidation_quote(2, (double[]){1.0, 0.1}, price, terms, 8000.0, 1.0, 0.535,
                                    seize);
    assert_true(q.exhausted);
    assert_close(seize[1], 0.1, 0.0);
    assert_close(seize[0], 1.0, 0.0);
    assert_close(q.repay, 3200.0 + 1600.0 / 1.05, 1e-15);

    /* One market reproduces the isolated quote (the Aave v3 vector). */
    const liq_market_terms_t aave = {0.83, 0.05, 0.5, 0.95};
    const liq_liquidation_t iso = liq_liquidation_quote(10.0, 17000.0, 2000.0, 1.0, 0.9765, &aave);
    q = liq_cross_liquidation_quote(1, (double[]){10.0}, (double[]){2000.0}, &aave, 17000.0, 1.0,
                                    0.9765, seize);
    assert_true(q.repay == iso.repay && seize[0] == iso.seize);
    assert_true(q.keeper_bonus == liq_keeper_profit(iso.repay, 1.0, 0.05, 0.0));
}

/* ---------------------------------------------------- hand-worked rounds */

static void test_round_seizure_order_and_containment(void **state)
{
    (void)state;
    liq_scenario_t *sc = two_markets("unlimited");
    rows_t r;
    rows_init(&r);
    /* The owner's isolated WBTC account: HF 1 * 40000 * 0.75 / 20000 = 1.5. */
    row(&r, 1, 1.0, 20000.0, -1);
    /* Cross account 4: 10 WETH and 0.5 WBTC against 30000 (debt split over
     * its rows on purpose). HF 31000 / 30000 at round 0. */
    row(&r, 0, 10.0, 10000.0, 4);
    row(&r, 1, 0.5, 20000.0, 4);
    /* Cross account 9: 1 WETH, 0.1 WBTC against 8000: bad debt after. */
    row(&r, 1, 0.1, 8000.0, 9);
    row(&r, 0, 1.0, 0.0, 9);
    liq_sim_t *sim = create_sim(sc, &r.table, 1);
    liq_accounts_view_t a;
    liq_sim_accounts(sim, &a);
    assert_int_equal(a.n_accounts, 1);
    assert_int_equal(a.n_cross, 2);
    assert_true(a.cross_debt[0] == 30000.0 && a.cross_debt[1] == 8000.0);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_close(v.market_collateral[0], 11.0, 0.0);
    assert_close(v.market_collateral[1], 1.6, 1e-15);
    assert_close(v.debt_value[0], 58000.0, 1e-15);
    assert_close(v.cross_debt_value[0], 38000.0, 1e-15);

    step_sim(sim, NULL); /* WETH to 1600 */
    liq_sim_view(sim, &v);
    liq_sim_accounts(sim, &a);
    const double weth = v.oracle_price[0];
    assert_close(weth, 1600.0, 1e-14);
    assert_int_equal(v.liquidations[0], 2);
    assert_int_equal(v.cross_liquidations[0], 2);
    assert_int_equal(v.stalled[0], 0);
    /* Account 4: 0.5 WBTC and 14000 * 1.05 / O_WETH WETH seized, all debt
     * repaid. Account 9: everything seized, 3200 + 1600 / 1.05 repaid. */
    const double weth_4 = 14000.0 * 1.05 / weth;
    const double repaid_9 = 3200.0 + weth / 1.05;
    assert_close(cross_c(&a, 0, 0), 10.0 - weth_4, 1e-13);
    assert_true(cross_c(&a, 0, 1) == 0.0);
    assert_true(a.cross_debt[0] == 0.0);
    assert_true(cross_c(&a, 1, 0) == 0.0 && cross_c(&a, 1, 1) == 0.0);
    assert_true(a.cross_debt[1] == 0.0);
    assert_close(v.market_seized[0], weth_4 + 1.0, 1e-14);
    assert_close(v.market_seized[1], 0.6, 1e-15);
    /* Sold on each market's route pool. */
    assert_close(v.pool_liquidation_in0[0], weth_4 + 1.0, 1e-14);
    assert_close(v.pool_liquidation_in0[1], 0.6, 1e-15);
    assert_close(v.repaid_value[0], 30000.0 + repaid_9, 1e-14);
    assert_close(v.seized_value[0], 20000.0 + 14700.0 + 4000.0 + weth, 1e-14);
    const double bad = 8000.0 - repaid_9;
    assert_close(v.bad_debt[0], bad, 1e-12);
    assert_close(v.insurance_fund[0], 0.0, 0.0);
    assert_close(v.deficit[0], bad - 1000.0, 1e-12);
    /* Containment: the isolated WBTC account is untouched. */
    assert_true(a.collateral[0] == 1.0 && a.debt[0] == 20000.0);
    assert_close(v.debt_value[0], 20000.0, 1e-15);
    assert_true(v.cross_debt_value[0] == 0.0);

    step_sim(sim, NULL); /* calm: nothing left to liquidate */
    liq_sim_view(sim, &v);
    assert_int_equal(v.liquidations[0], 0);
    assert_int_equal(v.cross_liquidations[0], 0);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_throughput_cut_shared(void **state)
{
    (void)state;
    /* One liquidation a round: an isolated WETH account at HF
     * 10 * 1600 * 0.8 / 13000 = 0.985 and the cross account at 0.927. The
     * cross account, of lower health, goes first; the isolated one stalls. */
    liq_scenario_t *sc = two_markets("1");
    rows_t r;
    rows_init(&r);
    row(&r, 0, 10.0, 13000.0, -1);
    row(&r, 0, 10.0, 0.0, 2);
    row(&r, 1, 0.5, 30000.0, 2);
    liq_sim_t *sim = create_sim(sc, &r.table, 1);
    step_sim(sim, NULL);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_int_equal(v.liquidations[0], 1);
    assert_int_equal(v.cross_liquidations[0], 1);
    assert_int_equal(v.stalled[0], 1);
    step_sim(sim, NULL); /* then the isolated one */
    liq_sim_view(sim, &v);
    assert_int_equal(v.liquidations[0], 1);
    assert_int_equal(v.cross_liquidations[0], 0);
    liq_sim_destroy(sim);

    /* Reversed: the isolated account is the less healthy (0.853 against
     * 0.927) and goes first. */
    rows_init(&r);
    row(&r, 0, 10.0, 15000.0, -1);
    row(&r, 0, 10.0, 0.0, 2);
    row(&r, 1, 0.5, 30000.0, 2);
    sim = create_sim(sc, &r.table, 1);
    step_sim(sim, &v);
    assert_int_equal(v.liquidations[0], 1);
    assert_int_equal(v.cross_liquidations[0], 0);
    assert_int_equal(v.stalled[0], 1);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_keeper_gas(void **state)
{
    (void)state;
    /* Keepers earn 4700 on the cross account of the hand-worked round (to
     * rounding of O_WETH): gas 4699 leaves it eligible, 4701 stalls it. */
    for (int k = 0; k < 2; k++) {
        char yaml[4096];
        snprintf(yaml, sizeof(yaml), TWO_MARKETS_YAML, "unlimited");
        char *gas = strstr(yaml, "gas_cost: 0");
        assert_non_null(gas);
        char edited[4200];
        snprintf(edited, sizeof(edited), "%.*sgas_cost: %s%s", (int)(gas - yaml), yaml,
                 k == 0 ? "4699" : "4701", gas + strlen("gas_cost: 0"));
        liq_scenario_t *sc = parse_scenario(edited);
        rows_t r;
        rows_init(&r);
        row(&r, 0, 10.0, 0.0, 0);
        row(&r, 1, 0.5, 30000.0, 0);
        liq_sim_t *sim = create_sim(sc, &r.table, 1);
        step_sim(sim, NULL);
        liq_state_view_t v;
        liq_sim_view(sim, &v);
        assert_int_equal(v.cross_liquidations[0], k == 0 ? 1 : 0);
        assert_int_equal(v.stalled[0], k == 0 ? 0 : 1);
        liq_sim_destroy(sim);
        liq_scenario_destroy(sc);
    }
}

/* ------------------------------------------- cascades: generated accounts */

/* Two lenders sharing WETH and WBTC pools with market impact: isolated and
 * cross accounts in both. */
static liq_scenario_t *cascade(long long isolated, long long cross, const char *max_liq)
{
    char yaml[8192];
    snprintf(yaml, sizeof(yaml),
             "rounds: 40\n"
             "seed: 11\n"
             "assets:\n"
             "  - {name: WETH, price: 2000, market_depth: 20000, market_resilience: 0.05}\n"
             "  - {name: WBTC, price: 40000, market_depth: 1000, market_resilience: 0.05}\n"
             "  - {name: USDC, price: 1}\n"
             "pools:\n"
             "  - {name: WETH-USDC, token0: WETH, token1: USDC, reserve0: 20000, reserve1: 4.0e7,"
             " arbitrage: 0.5}\n"
             "  - {name: USDC-WBTC, token0: USDC, token1: WBTC, reserve0: 4.0e7, reserve1: 1000,"
             " arbitrage: 0.5}\n"
             "oracles:\n"
             "  - {name: ETH, source: market, asset: WETH, deviation: 0.005, heartbeat: 50}\n"
             "  - {name: BTC, source: market, asset: WBTC, deviation: 0.005, heartbeat: 50}\n"
             "  - {name: USD, source: market, asset: USDC}\n"
             "protocols:\n"
             "  - name: A\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "    insurance_fund: 1.0e5\n"
             "    keepers: {gas_cost: 2, max_liquidations: %s}\n"
             "    markets:\n"
             "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.83,"
             " liquidation_bonus: 0.05}\n"
             "      - {asset: WBTC, oracle: BTC, route: USDC-WBTC, liquidation_threshold: 0.78,"
             " liquidation_bonus: 0.065, close_factor: 1, full_close_health: 1}\n"
             "  - name: B\n"
             "    debt_asset: USDC\n"
             "    debt_oracle: USD\n"
             "    keepers: {gas_cost: 2}\n"
             "    markets:\n"
             "      - {asset: WBTC, oracle: BTC, route: USDC-WBTC, liquidation_threshold: 0.8,"
             " liquidation_bonus: 0.05}\n"
             "      - {asset: WETH, oracle: ETH, route: WETH-USDC, liquidation_threshold: 0.85,"
             " liquidation_bonus: 0.04}\n"
             "accounts:\n"
             "  - {protocol: A, market: WETH, count: %lld,"
             " size: {distribution: pareto, alpha: 1.5, min: 1000, max: 1.0e6},"
             " health: {distribution: uniform, min: 1.0, max: 1.6}}\n"
             "  - {protocol: A, margin: cross, collateral: {WETH: 3, WBTC: 1}, count: %lld,"
             " size: {distribution: pareto, alpha: 1.5, min: 1000, max: 1.0e6},"
             " health: {distribution: uniform, min: 1.0, max: 1.6}}\n"
             "  - {protocol: B, margin: cross, collateral: {WETH: 1, WBTC: 1}, count: %lld,"
             " size: {distribution: lognormal, median: 5000, sigma: 1, max: 1.0e6},"
             " health: {distribution: lognormal, median: 1.3, sigma: 0.2}}\n"
             "  - {protocol: B, market: WBTC, count: %lld,"
             " size: {distribution: lognormal, median: 5000, sigma: 1},"
             " health: {distribution: uniform, min: 1.02, max: 1.5}}\n"
             "shocks:\n"
             "  - {type: schedule, asset: WETH, steps: [{round: 3, return: -0.1},"
             " {round: 4, return: -0.05}]}\n"
             "  - {type: schedule, asset: WBTC, steps: [{round: 10, return: -0.06}]}\n",
             max_liq, isolated, cross, cross, isolated);
    return parse_scenario(yaml);
}

static void test_generated_health(void **state)
{
    (void)state;
    /* Every generated cross account starts at its drawn health: within
     * [1.0, 1.6] for A; its WETH value is 3 times its WBTC value. */
    liq_scenario_t *sc = cascade(10, 500, "unlimited");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    liq_accounts_view_t a;
    liq_sim_accounts(sim, &a);
    assert_int_equal(a.n_cross, 1000);
    const liq_market_terms_t terms[2] = {{0.83, 0.05, 0.5, 0.95}, {0.78, 0.065, 1, 1}};
    for (size_t j = a.cross_begin[0]; j < a.cross_begin[1]; j++) {
        const double *c = a.cross_collateral + a.cross_block[0] + (j - a.cross_begin[0]) * 2;
        const double h =
            liq_cross_health(2, c, (double[]){2000.0, 40000.0}, terms, a.cross_debt[j], 1.0);
        assert_true(h >= 1.0 - 1e-12 && h <= 1.6 + 1e-12);
        assert_close(c[0] * 2000.0, 3.0 * c[1] * 40000.0, 1e-12);
    }
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

static void test_conservation_cascade(void **state)
{
    (void)state;
    liq_scenario_t *sc = cascade(3000, 3000, "200");
    liq_sim_t *sim = create_sim(sc, NULL, 2);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    const size_t nm = v.n_markets;
    double held0[4], seized_total[4] = {0, 0, 0, 0};
    memcpy(held0, v.market_collateral, nm * sizeof(double));
    const double fund0[2] = {v.insurance_fund[0], v.insurance_fund[1]};
    int64_t cross_liquidated = 0;
    for (int64_t t = 1; t <= sc->rounds; t++) {
        step_sim(sim, &v);
        /* Sold = seized, per pool and token. */
        for (size_t p = 0; p < v.n_pools; p++) {
            double in[2] = {0.0, 0.0};
            for (size_t m = 0; m < nm; m++) {
                const liq_market_config_t *mk =
                    &sc->protocols[m < 2 ? 0 : 1].markets[m < 2 ? m : m - 2];
                if ((size_t)mk->route == p) {
                    in[sc->pools[p].token0 == mk->asset ? 0 : 1] += v.market_seized[m];
                }
            }
            assert_close(v.pool_liquidation_in0[p], in[0], 1e-12);
            assert_close(v.pool_liquidation_in1[p], in[1], 1e-12);
        }
        for (size_t m = 0; m < nm; m++) {
            seized_total[m] += v.market_seized[m];
        }
        for (size_t p = 0; p < 2; p++) {
            assert_close(v.bad_debt[p], (fund0[p] - v.insurance_fund[p]) + v.deficit[p], 1e-12);
            cross_liquidated += v.cross_liquidations[p];
            assert_true(v.cross_liquidations[p] <= v.liquidations[p]);
        }
    }
    assert_true(cross_liquidated > 100);
    /* Taken from accounts = seized, per market, against a fresh sum over
     * the isolated and cross stores. */
    liq_accounts_view_t a;
    liq_sim_accounts(sim, &a);
    double held[4] = {0, 0, 0, 0}, debt[2] = {0, 0};
    for (size_t m = 0; m < nm; m++) {
        for (size_t i = a.market_begin[m]; i < a.market_begin[m + 1]; i++) {
            held[m] += a.collateral[i];
            debt[m < 2 ? 0 : 1] += a.debt[i];
        }
    }
    for (size_t p = 0; p < 2; p++) {
        for (size_t j = a.cross_begin[p]; j < a.cross_begin[p + 1]; j++) {
            const double *c = a.cross_collateral + a.cross_block[p] + (j - a.cross_begin[p]) * 2;
            held[2 * p] += c[0];
            held[2 * p + 1] += c[1];
            debt[p] += a.cross_debt[j];
        }
    }
    for (size_t m = 0; m < nm; m++) {
        assert_true(seized_total[m] > 0.0);
        assert_close(v.market_collateral[m], held[m], 1e-9);
        assert_close(held0[m] - held[m], seized_total[m], 1e-9);
    }
    for (size_t p = 0; p < 2; p++) {
        assert_close(v.debt_value[p], debt[p] * v.oracle_price[2], 1e-9);
    }
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* The series of a cross-margin run: hash_r0_round's without the exogenous
 * prices and the deficits, with the cross accounts' liquidations and debt
 * value and the markets' seized collateral. */
static uint64_t hash_cross_round(uint64_t h, const liq_state_view_t *v, void *context)
{
    (void)context;
    h = fnv1a(h, v->reference_price, v->n_assets * sizeof(double));
    h = fnv1a(h, v->pool_reserve0, v->n_pools * sizeof(double));
    h = fnv1a(h, v->pool_reserve1, v->n_pools * sizeof(double));
    h = fnv1a(h, v->oracle_price, v->n_oracles * sizeof(double));
    h = fnv1a(h, v->liquidations, v->n_protocols * sizeof(int64_t));
    h = fnv1a(h, v->cross_liquidations, v->n_protocols * sizeof(int64_t));
    h = fnv1a(h, v->stalled, v->n_protocols * sizeof(int64_t));
    h = fnv1a(h, v->repaid_value, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->seized_value, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->bad_debt, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->collateral_value, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->debt_value, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->cross_debt_value, v->n_protocols * sizeof(double));
    h = fnv1a(h, v->market_seized, v->n_markets * sizeof(double));
    return h;
}

static void test_determinism_and_scan(void **state)
{
    (void)state;
    /* 2 x 20000 cross accounts: ten scan chunks, a parallel scan. */
    liq_scenario_t *sc = cascade(20000, 20000, "2000");
    const uint64_t one = run_hash_with(sc, NULL, 1, 0, hash_cross_round, NULL);
    assert_true(run_hash_with(sc, NULL, 2, 0, hash_cross_round, NULL) == one);
    assert_true(run_hash_with(sc, NULL, 3, 0, hash_cross_round, NULL) == one);
    /* The full scan of the isolated accounts: */
    assert_true(run_hash_with(sc, NULL, 1, 1, hash_cross_round, NULL) == one);
    assert_true(run_hash_with(sc, NULL, 2, 1, hash_cross_round, NULL) == one);
    sc->seed = 12;
    assert_true(run_hash_with(sc, NULL, 2, 0, hash_cross_round, NULL) != one);
    liq_scenario_destroy(sc);
}

static void test_r0_without_cross(void **state)
{
    (void)state;
    /* No cross account: no cross series in the view, as before. */
    liq_scenario_t *sc = cascade(100, 0, "unlimited");
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    liq_state_view_t v;
    liq_sim_view(sim, &v);
    assert_null(v.cross_liquidations);
    assert_null(v.cross_debt_value);
    liq_sim_destroy(sim);
    liq_scenario_destroy(sc);
}

/* ------------------------------------------------------------- scenarios */

#define HEAD                                                                                       \
    "rounds: 3\n"                                                                                  \
    "assets:\n"                                                                                    \
    "  - {name: WETH, price: 2000}\n"                                                              \
    "  - {name: WBTC, price: 40000}\n"                                                             \
    "  - {name: USDC, price: 1}\n"                                                                 \
    "pools:\n"                                                                                     \
    "  - {name: P1, token0: WETH, token1: USDC, reserve0: 10, reserve1: 20000}\n"                  \
    "  - {name: P2, token0: WBTC, token1: USDC, reserve0: 10, reserve1: 400000}\n"                 \
    "oracles:\n"                                                                                   \
    "  - {name: ETH, source: market, asset: WETH}\n"                                               \
    "  - {name: BTC, source: market, asset: WBTC}\n"                                               \
    "  - {name: USD, source: market, asset: USDC}\n"                                               \
    "protocols:\n"                                                                                 \
    "  - name: L\n"                                                                                \
    "    debt_asset: USDC\n"                                                                       \
    "    debt_oracle: USD\n"                                                                       \
    "    markets:\n"                                                                               \
    "      - {asset: WETH, oracle: ETH, route: P1, liquidation_threshold: 0.8,"                    \
    " liquidation_bonus: 0.05}\n"                                                                  \
    "      - {asset: WBTC, oracle: BTC, route: P2, liquidation_threshold: 0.7,"                    \
    " liquidation_bonus: 0.1}\n"                                                                   \
    "accounts:\n"                                                                                  \
    "  - protocol: L\n"                                                                            \
    "    count: 5\n"                                                                               \
    "    size: {distribution: lognormal, median: 1000, sigma: 0}\n"                                \
    "    health: {distribution: uniform, min: 1.2, max: 1.2}\n"

static void test_scenario_cross_generator(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_scenario(HEAD "    margin: cross\n"
                                             "    collateral: {WBTC: 1}\n");
    const liq_account_generator_t *g = &sc->generators[0];
    assert_int_equal(g->margin, LIQ_MARGIN_CROSS);
    assert_int_equal(g->market, -1);
    assert_true(g->collateral_weight[0] == 0.0 && g->collateral_weight[1] == 1.0);
    /* The dump round-trips: same weights, same run. */
    char *text = NULL;
    assert_int_equal(liq_scenario_dump(&text, sc), LIQ_OK);
    assert_non_null(strstr(text, "    margin: cross\n    collateral:\n      \"WETH\": 0\n"
                                 "      \"WBTC\": 1\n"));
    liq_scenario_t *again = parse_scenario(text);
    free(text);
    assert_int_equal(again->generators[0].margin, LIQ_MARGIN_CROSS);
    assert_true(again->generators[0].collateral_weight[1] == 1.0);
    /* All value in WBTC: c = 1000 / 40000, d = 1000 * 0.7 / 1.2. */
    liq_sim_t *sim = create_sim(again, NULL, 1);
    liq_accounts_view_t a;
    liq_sim_accounts(sim, &a);
    assert_int_equal(a.n_cross, 5);
    assert_true(a.cross_collateral[0] == 0.0);
    assert_close(a.cross_collateral[1], 0.025, 1e-15);
    assert_close(a.cross_debt[0], 700.0 / 1.2, 1e-15);
    liq_sim_destroy(sim);
    liq_scenario_destroy(again);
    liq_scenario_destroy(sc);

    /* The isolated form still dumps without `margin`. */
    sc = parse_scenario(HEAD "    market: WETH\n");
    assert_int_equal(liq_scenario_dump(&text, sc), LIQ_OK);
    assert_null(strstr(text, "margin"));
    free(text);
    liq_scenario_destroy(sc);
}

static void test_scenario_override_weight(void **state)
{
    (void)state;
    /* A sweep reaches a weight by its path, set or scaled, and an absent
     * market's weight can be added. */
    const char *text = HEAD "    margin: cross\n"
                            "    collateral: {WBTC: 1}\n";
    const liq_override_t ov[2] = {
        {"accounts[0].collateral.WETH", "3", 0, 0, NULL},
        {"accounts[0].collateral.WBTC", "2.5", 0, 1, NULL},
    };
    liq_scenario_t *sc = NULL;
    if (liq_scenario_parse_with(&sc, text, strlen(text), "cross.yaml", NULL, ov, 2) != LIQ_OK) {
        fail_msg("%s", liq_errmsg());
    }
    assert_true(sc->generators[0].collateral_weight[0] == 3.0);
    assert_true(sc->generators[0].collateral_weight[1] == 2.5);
    liq_scenario_destroy(sc);
}

static void test_scenario_errors(void **state)
{
    (void)state;
    expect_scenario_error(
        HEAD "    margin: cross\n"
             "    market: WETH\n",
        LIQ_EKEY,
        "cross.yaml:26:13: accounts[0].market: not allowed with margin: cross; expected "
        "'collateral'");
    expect_scenario_error(HEAD "    margin: cross\n", LIQ_EKEY,
                          "cross.yaml:21:5: accounts[0]: missing key 'collateral'");
    expect_scenario_error(
        HEAD "    market: WETH\n"
             "    collateral: {WETH: 1}\n",
        LIQ_EKEY,
        "cross.yaml:26:17: accounts[0].collateral: not allowed with margin: isolated; "
        "expected 'market'");
    expect_scenario_error(
        HEAD "    margin: both\n", LIQ_EINVAL,
        "cross.yaml:25:13: accounts[0].margin: unknown margin mode 'both'; expected one "
        "of isolated, cross");
    expect_scenario_error(
        HEAD "    margin: cross\n"
             "    collateral: {WETH: 1, DAI: 2}\n",
        LIQ_EKEY,
        "cross.yaml:26:27: accounts[0].collateral: unknown key 'DAI'; expected one of "
        "WETH, WBTC");
    expect_scenario_error(
        HEAD "    margin: cross\n"
             "    collateral: {WETH: -1}\n",
        LIQ_EINVAL,
        "cross.yaml:26:24: accounts[0].collateral.WETH: value -1 is negative; expected a "
        "finite number >= 0");
    expect_scenario_error(
        HEAD "    margin: cross\n"
             "    collateral: {WETH: 0, WBTC: 0}\n",
        LIQ_EINVAL,
        "cross.yaml:26:17: accounts[0].collateral: the weights sum to 0; expected at "
        "least one weight > 0 (and a finite sum) for the markets of protocol 'L'");
}

/* ------------------------------------------------------- positions files */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_positions_account_column(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof(path), "/tmp/liq_test_cross_%d.csv", (int)getpid());
    /* Two cross accounts (ids 7 and 3, rows interleaved) and an isolated
     * row with an empty id. */
    write_file(path, "protocol,account,collateral_asset,collateral,debt\n"
                     "L,7,WETH,10,1000\n"
                     "L,,WBTC,1,20000\n"
                     "L,3,WBTC,0.5,0\n"
                     "L,7,WBTC,0.5,29000\n"
                     "L,3,WETH,2,100\n");
    liq_scenario_t *sc = parse_scenario(HEAD "    market: WETH\n");
    liq_positions_source_t src = {path, LIQ_POSITIONS_CSV};
    sc->positions = &src;
    sc->n_positions = 1;
    liq_positions_t *t = NULL;
    if (liq_positions_load(&t, sc) != LIQ_OK) {
        fail_msg("%s", liq_errmsg());
    }
    assert_int_equal(t->count, 5);
    assert_non_null(t->account);
    assert_true(t->account[0] == 7 && t->account[1] == -1 && t->account[2] == 3);
    liq_sim_t *sim = create_sim(sc, t, 1);
    liq_accounts_view_t a;
    liq_sim_accounts(sim, &a);
    /* 5 generated isolated WETH accounts and the isolated WBTC row; cross
     * accounts by id: 3 then 7. */
    assert_int_equal(a.n_accounts, 6);
    assert_int_equal(a.n_cross, 2);
    assert_true(a.cross_collateral[0] == 2.0 && a.cross_collateral[1] == 0.5);
    assert_true(a.cross_debt[0] == 100.0);
    assert_true(a.cross_collateral[2] == 10.0 && a.cross_collateral[3] == 0.5);
    assert_true(a.cross_debt[1] == 30000.0);
    liq_sim_destroy(sim);
    liq_positions_destroy(t);

    /* A collateral asset twice in one account, and a bad id. */
    write_file(path, "protocol,collateral_asset,collateral,debt,account\n"
                     "L,WETH,10,1000,7\n"
                     "L,WBTC,1,0,7\n"
                     "L,WETH,1,0,7\n");
    t = (liq_positions_t *)(uintptr_t)1;
    assert_int_equal(liq_positions_load(&t, sc), LIQ_EINVAL);
    assert_null(t);
    char expected[1024];
    snprintf(expected, sizeof(expected),
             "%s:4: column 'collateral_asset': cross-margin account 7 of protocol 'L' already "
             "holds 'WETH' (%s:2); expected one row per collateral asset of an account",
             path, path);
    assert_string_equal(liq_errmsg(), expected);
    write_file(path, "protocol,collateral_asset,collateral,debt,account\n"
                     "L,WETH,10,1000,-2\n");
    assert_int_equal(liq_positions_load(&t, sc), LIQ_EINVAL);
    snprintf(expected, sizeof(expected),
             "%s:2: column 'account': value '-2' is not an account id; expected an integer >= "
             "0, or empty for an isolated account",
             path);
    assert_string_equal(liq_errmsg(), expected);
    sc->positions = NULL;
    sc->n_positions = 0;
    unlink(path);
    liq_scenario_destroy(sc);
}

/* An HDF5 positions file: fixed-length strings, float64 amounts and an
 * int32 account dataset (any integer type is read). */
static void write_h5_positions(const char *path, size_t n, const char *const *asset,
                               const double *collateral, const double *debt, const int32_t *account)
{
    const hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    const hsize_t dims = n;
    const hid_t space = H5Screate_simple(1, &dims, NULL);
    const hid_t str = H5Tcopy(H5T_C_S1);
    H5Tset_size(str, 8);
    char names[2][16][8];
    memset(names, 0, sizeof(names));
    for (size_t k = 0; k < n; k++) {
        snprintf(names[0][k], 8, "L");
        snprintf(names[1][k], 8, "%s", asset[k]);
    }
    const char *str_sets[2] = {"protocol", "collateral_asset"};
    for (int c = 0; c < 2; c++) {
        const hid_t ds =
            H5Dcreate2(file, str_sets[c], str, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(ds >= 0 && H5Dwrite(ds, str, H5S_ALL, H5S_ALL, H5P_DEFAULT, names[c]) >= 0);
        H5Dclose(ds);
    }
    const char *num_sets[2] = {"collateral", "debt"};
    const double *num[2] = {collateral, debt};
    for (int c = 0; c < 2; c++) {
        const hid_t ds = H5Dcreate2(file, num_sets[c], H5T_IEEE_F64LE, space, H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT);
        assert_true(ds >= 0 &&
                    H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, num[c]) >= 0);
        H5Dclose(ds);
    }
    const hid_t ds =
        H5Dcreate2(file, "account", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(ds >= 0 &&
                H5Dwrite(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, account) >= 0);
    H5Dclose(ds);
    H5Tclose(str);
    H5Sclose(space);
    H5Fclose(file);
}

static void test_positions_h5_account(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof(path), "/tmp/liq_test_cross_%d.h5", (int)getpid());
    const char *asset[4] = {"WBTC", "WETH", "WETH", "WBTC"};
    write_h5_positions(path, 4, asset, (double[]){0.5, 10.0, 3.0, 1.0},
                       (double[]){30000.0, 0.0, 1000.0, 500.0}, (int32_t[]){5, 5, -1, 6});
    liq_scenario_t *sc = parse_scenario(HEAD "    market: WETH\n");
    liq_positions_source_t src = {path, LIQ_POSITIONS_HDF5};
    sc->positions = &src;
    sc->n_positions = 1;
    liq_positions_t *t = NULL;
    if (liq_positions_load(&t, sc) != LIQ_OK) {
        fail_msg("%s", liq_errmsg());
    }
    assert_true(t->account[0] == 5 && t->account[2] == -1 && t->account[3] == 6);
    liq_sim_t *sim = create_sim(sc, t, 1);
    liq_accounts_view_t a;
    liq_sim_accounts(sim, &a);
    assert_int_equal(a.n_accounts, 6);
    assert_int_equal(a.n_cross, 2);
    assert_true(a.cross_collateral[0] == 10.0 && a.cross_collateral[1] == 0.5);
    assert_true(a.cross_debt[0] == 30000.0);
    assert_true(a.cross_collateral[2] == 0.0 && a.cross_collateral[3] == 1.0);
    liq_sim_destroy(sim);
    liq_positions_destroy(t);

    char expected[1024];
    write_h5_positions(path, 4, asset, (double[]){0.5, 10.0, 3.0, 1.0},
                       (double[]){30000.0, 0.0, 1000.0, 500.0}, (int32_t[]){5, 5, -3, 6});
    assert_int_equal(liq_positions_load(&t, sc), LIQ_EINVAL);
    snprintf(expected, sizeof(expected),
             "%s: account[2]: value -3 is not an account id; expected an integer >= 0, or -1 "
             "for an isolated account",
             path);
    assert_string_equal(liq_errmsg(), expected);
    write_h5_positions(path, 4, asset, (double[]){0.5, 10.0, 3.0, 1.0},
                       (double[]){30000.0, 0.0, 1000.0, 500.0}, (int32_t[]){5, 5, -1, 5});
    assert_int_equal(liq_positions_load(&t, sc), LIQ_EINVAL);
    snprintf(expected, sizeof(expected),
             "%s: collateral_asset[3]: cross-margin account 5 of protocol 'L' already holds "
             "'WBTC' (%s: collateral_asset[0]); expected one row per collateral asset of an "
             "account",
             path, path);
    assert_string_equal(liq_errmsg(), expected);
    sc->positions = NULL;
    sc->n_positions = 0;
    unlink(path);
    liq_scenario_destroy(sc);
}

/* The run file has the cross series exactly when the run has cross
 * accounts, and they hold the view's values. */
static void test_output_series(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof(path), "/tmp/liq_test_cross_out_%d.h5", (int)getpid());
    for (int with_cross = 0; with_cross < 2; with_cross++) {
        liq_scenario_t *sc = cascade(200, with_cross ? 300 : 0, "unlimited");
        liq_sim_t *sim = create_sim(sc, NULL, 1);
        liq_state_view_t v;
        liq_sim_view(sim, &v);
        const liq_h5_options_t opt = {
            .force = true, .flush_every = 10, .scenario_yaml = "", .seed = sc->seed};
        liq_h5_writer_t *w = NULL;
        assert_int_equal(liq_h5_writer_create(&w, path, sc, &v, &opt), LIQ_OK);
        int64_t cross_sum = 0;
        for (int64_t t = 1; t <= sc->rounds; t++) {
            step_sim(sim, &v);
            assert_int_equal(liq_h5_writer_append(w, &v), LIQ_OK);
            cross_sum += with_cross ? v.cross_liquidations[0] + v.cross_liquidations[1] : 0;
        }
        assert_int_equal(liq_h5_writer_finish(w, NULL, "complete"), LIQ_OK);
        const hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        assert_true(file >= 0);
        assert_int_equal(H5Lexists(file, "cross_liquidations", H5P_DEFAULT) > 0, with_cross);
        assert_int_equal(H5Lexists(file, "cross_debt_value", H5P_DEFAULT) > 0, with_cross);
        if (with_cross) {
            int64_t data[41][2];
            const hid_t ds = H5Dopen2(file, "cross_liquidations", H5P_DEFAULT);
            assert_true(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
            H5Dclose(ds);
            int64_t sum = 0;
            for (int r = 0; r <= 40; r++) {
                sum += data[r][0] + data[r][1];
            }
            assert_true(cross_sum > 0);
            assert_int_equal(sum, cross_sum);
        }
        H5Fclose(file);
        liq_sim_destroy(sim);
        liq_scenario_destroy(sc);
    }
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health_two_collaterals),
        cmocka_unit_test(test_quote_largest_value_first),
        cmocka_unit_test(test_round_seizure_order_and_containment),
        cmocka_unit_test(test_throughput_cut_shared),
        cmocka_unit_test(test_keeper_gas),
        cmocka_unit_test(test_generated_health),
        cmocka_unit_test(test_conservation_cascade),
        cmocka_unit_test(test_determinism_and_scan),
        cmocka_unit_test(test_r0_without_cross),
        cmocka_unit_test(test_scenario_cross_generator),
        cmocka_unit_test(test_scenario_override_weight),
        cmocka_unit_test(test_scenario_errors),
        cmocka_unit_test(test_positions_account_column),
        cmocka_unit_test(test_positions_h5_account),
        cmocka_unit_test(test_output_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
