/*
 * Tests of the scenario reader and writer (src/io/scenario_yaml.c,
 * src/io/scenario_dump.c).
 *
 * Expected values are worked out by hand from docs/scenario.md: durations
 * from ceil(seconds / round_seconds), path returns from ln(P(t)/P(t-1))
 * computed to 40 digits outside C, and every error test asserts the code and
 * the whole message, so a wrong line, column, key or wording fails.
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

#ifndef LIQ_TEST_DATA_DIR
#error "LIQ_TEST_DATA_DIR must name tests/data"
#endif
#define DATA LIQ_TEST_DATA_DIR

/* Scenario texts stand for demo.yaml in tests/data. */
#define LIQ_TEST_FILE "demo.yaml"
#define LIQ_TEST_BASE_DIR DATA
#include "liq_test.h"

#include "liqnet/error.h"
#include "liqnet/scenario.h"

/* Relative tolerance for values computed through log/log1p: a few ulps. */
#define LOG_TOL 1e-15

/* Fails the test unless `actual` is within LOG_TOL of `expected`, relative
 * to |expected| when that is over 1. */
static void assert_log_close(double expected, double actual)
{
    const double scale = fabs(expected) > 1.0 ? fabs(expected) : 1.0;
    if (!(fabs(expected - actual) <= LOG_TOL * scale)) {
        fail_msg("expected %.17g, got %.17g", expected, actual);
    }
}

/* --------------------------------------------------------- valid input */

static const char full_yaml[] =
    "name: demo\n"
    "rounds: 200\n"
    "round_seconds: 12\n"
    "seed: 42\n"
    "output:\n"
    "  flush_every: 50\n"
    "assets:\n"
    "  - name: WETH\n"
    "    price: 2000\n"
    "    market_depth: 50000\n"
    "    market_resilience: 0.1\n"
    "  - name: USDC\n"
    "    price: 1\n"
    "  - name: WBTC\n"
    "    price: 6.0e4\n"
    "    market_depth: .inf\n"
    "pools:\n"
    "  - name: WETH-USDC\n"
    "    kind: constant_product\n"
    "    token0: WETH\n"
    "    token1: USDC\n"
    "    reserve0: 5000\n"
    "    reserve1: 1.0e7\n"
    "    fee: 0.003\n"
    "    arbitrage: 1.0\n"
    "  - name: USDC-WBTC\n"
    "    token0: USDC\n"
    "    token1: WBTC\n"
    "    reserve0: 6e6\n"
    "    reserve1: 100\n"
    "oracles:\n"
    "  - name: ETH/USD\n"
    "    source: market\n"
    "    asset: WETH\n"
    "    heartbeat: 1h\n"
    "    deviation: 0.005\n"
    "    latency: 0\n"
    "  - name: USD\n"
    "    source: market\n"
    "    asset: USDC\n"
    "  - name: BTC/USD\n"
    "    source: market\n"
    "    asset: WBTC\n"
    "    heartbeat: 13s\n"
    "    deviation: inf\n"
    "    latency: 1min\n"
    "  - name: ETH-TWAP\n"
    "    source: pool_twap\n"
    "    pool: WETH-USDC\n"
    "    window: \"2min\"\n"
    "    heartbeat: 7\n"
    "  - name: ETH-SPOT\n"
    "    source: pool_spot\n"
    "    pool: WETH-USDC\n"
    "protocols:\n"
    "  - name: AaveLike\n"
    "    kind: lending\n"
    "    debt_asset: USDC\n"
    "    debt_oracle: USD\n"
    "    insurance_fund: 1.0e6\n"
    "    keepers:\n"
    "      gas_cost: 10\n"
    "      min_profit: -5\n"
    "      max_liquidations: 100\n"
    "    markets:\n"
    "      - asset: WETH\n"
    "        oracle: ETH-TWAP\n"
    "        route: WETH-USDC\n"
    "        liquidation_threshold: 0.83\n"
    "        liquidation_bonus: 0.05\n"
    "        close_factor: 0.4\n"
    "        full_close_health: 0.9\n"
    "      - asset: WBTC\n"
    "        oracle: BTC/USD\n"
    "        route: USDC-WBTC\n"
    "        liquidation_threshold: 1\n"
    "        liquidation_bonus: 0\n"
    "  - name: CompLike\n"
    "    debt_asset: USDC\n"
    "    debt_oracle: USD\n"
    "    markets:\n"
    "      - {asset: WETH, oracle: ETH-SPOT, route: WETH-USDC,\n"
    "         liquidation_threshold: 0.8, liquidation_bonus: 0.08}\n"
    "accounts:\n"
    "  - protocol: AaveLike\n"
    "    market: WBTC\n"
    "    count: 1e4\n"
    "    size: {distribution: pareto, alpha: 1.5, min: 1000, max: 1.0e8}\n"
    "    health: {distribution: uniform, min: 1.05, max: 2.0}\n"
    "  - file: scenario_positions.csv\n"
    "  - protocol: CompLike\n"
    "    market: WETH\n"
    "    count: 7\n"
    "    size: {distribution: lognormal, median: 20000, sigma: 1.5}\n"
    "    health: {distribution: lognormal, median: 1.5, sigma: 0.3}\n"
    "shocks:\n"
    "  - type: schedule\n"
    "    asset: WETH\n"
    "    steps:\n"
    "      - {round: 5, return: -0.2}\n"
    "      - {round: 6, log_return: -0.05}\n"
    "  - type: path\n"
    "    file: path_eth.csv\n"
    "  - type: gbm\n"
    "    asset: WBTC\n"
    "    volatility: 0.8\n"
    "    jump_intensity: 2\n"
    "    jump_mean: -0.1\n"
    "    jump_stdev: 0.05\n"
    "    start: 10min\n"
    "    end: 1e9\n";

static void test_full_scenario(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_scenario(full_yaml);

    assert_string_equal(sc->name, "demo");
    assert_string_equal(sc->source_path, "demo.yaml");
    assert_int_equal(sc->rounds, 200);
    assert_true(sc->round_seconds == 12.0);
    assert_int_equal(sc->seed, 42);
    assert_int_equal(sc->flush_every, 50);

    assert_int_equal(sc->n_assets, 3);
    assert_string_equal(sc->assets[0].name, "WETH");
    assert_true(sc->assets[0].price == 2000.0);
    assert_true(sc->assets[0].market_depth == 50000.0);
    assert_true(sc->assets[0].market_resilience == 0.1);
    assert_true(sc->assets[1].price == 1.0);
    assert_true(isinf(sc->assets[1].market_depth)); /* default: no impact */
    assert_true(sc->assets[1].market_resilience == 0.0);
    assert_true(sc->assets[2].price == 60000.0);
    assert_true(isinf(sc->assets[2].market_depth) && sc->assets[2].market_depth > 0.0);

    assert_int_equal(sc->n_pools, 2);
    assert_string_equal(sc->pools[0].name, "WETH-USDC");
    assert_int_equal(sc->pools[0].kind, LIQ_POOL_CONSTANT_PRODUCT);
    assert_int_equal(sc->pools[0].token0, 0);
    assert_int_equal(sc->pools[0].token1, 1);
    assert_true(sc->pools[0].reserve0 == 5000.0);
    assert_true(sc->pools[0].reserve1 == 1.0e7);
    assert_true(sc->pools[0].fee == 0.003);
    assert_true(sc->pools[0].arbitrage == 1.0);
    assert_int_equal(sc->pools[1].token0, 1);
    assert_int_equal(sc->pools[1].token1, 2);
    assert_true(sc->pools[1].reserve0 == 6.0e6);
    assert_true(sc->pools[1].fee == 0.003);     /* default */
    assert_true(sc->pools[1].arbitrage == 1.0); /* default */

    assert_int_equal(sc->n_oracles, 5);
    const liq_oracle_config_t *o = sc->oracles;
    assert_string_equal(o[0].name, "ETH/USD");
    assert_int_equal(o[0].source, LIQ_ORACLE_MARKET);
    assert_int_equal(o[0].asset, 0);
    assert_int_equal(o[0].pool, -1);
    assert_int_equal(o[0].heartbeat, 300); /* 3600 s / 12 s */
    assert_true(o[0].deviation == 0.005);
    assert_int_equal(o[0].latency, 0);
    assert_int_equal(o[0].window, 1);
    assert_int_equal(o[1].heartbeat, 1); /* defaults */
    assert_true(o[1].deviation == 0.0);
    assert_int_equal(o[1].latency, 0);
    assert_int_equal(o[2].heartbeat, 2); /* 13 s / 12 s = 1.08, rounded up */
    assert_true(isinf(o[2].deviation));
    assert_int_equal(o[2].latency, 5); /* 60 s / 12 s */
    assert_int_equal(o[3].source, LIQ_ORACLE_POOL_TWAP);
    assert_int_equal(o[3].asset, -1);
    assert_int_equal(o[3].pool, 0);
    assert_int_equal(o[3].window, 10); /* "2min" quoted is still a duration */
    assert_int_equal(o[3].heartbeat, 7);
    assert_int_equal(o[4].source, LIQ_ORACLE_POOL_SPOT);
    assert_int_equal(o[4].pool, 0);
    assert_int_equal(o[4].window, 1);

    assert_int_equal(sc->n_protocols, 2);
    const liq_protocol_config_t *p = &sc->protocols[0];
    assert_string_equal(p->name, "AaveLike");
    assert_int_equal(p->kind, LIQ_PROTOCOL_LENDING);
    assert_int_equal(p->debt_asset, 1);
    assert_int_equal(p->debt_oracle, 1);
    assert_true(p->insurance_fund == 1.0e6);
    assert_true(p->gas_cost == 10.0);
    assert_true(p->min_profit == -5.0);
    assert_int_equal(p->max_liquidations, 100);
    assert_int_equal(p->n_markets, 2);
    assert_int_equal(p->markets[0].asset, 0);
    assert_int_equal(p->markets[0].oracle, 3);
    assert_int_equal(p->markets[0].route, 0);
    assert_true(p->markets[0].liquidation_threshold == 0.83);
    assert_true(p->markets[0].liquidation_bonus == 0.05);
    assert_true(p->markets[0].close_factor == 0.4);
    assert_true(p->markets[0].full_close_health == 0.9);
    assert_int_equal(p->markets[1].asset, 2);
    assert_int_equal(p->markets[1].oracle, 2);
    assert_int_equal(p->markets[1].route, 1); /* pool in reverse order */
    assert_true(p->markets[1].liquidation_threshold == 1.0);
    assert_true(p->markets[1].liquidation_bonus == 0.0);
    assert_true(p->markets[1].close_factor == 0.5);       /* Aave v3 default */
    assert_true(p->markets[1].full_close_health == 0.95); /* Aave v3 default */
    p = &sc->protocols[1];
    assert_true(p->insurance_fund == 0.0);
    assert_true(p->gas_cost == 0.0);
    assert_true(p->min_profit == 0.0);
    assert_int_equal(p->max_liquidations, INT64_MAX);
    assert_int_equal(p->n_markets, 1);
    assert_int_equal(p->markets[0].oracle, 4);
    assert_true(p->markets[0].liquidation_threshold == 0.8);

    assert_int_equal(sc->n_generators, 2);
    const liq_account_generator_t *g = &sc->generators[0];
    assert_int_equal(g->protocol, 0);
    assert_int_equal(g->market, 1);
    assert_int_equal(g->count, 10000);
    assert_int_equal(g->size_dist, LIQ_SIZE_PARETO);
    assert_true(g->size_a == 1.5 && g->size_b == 1000.0 && g->size_max == 1.0e8);
    assert_int_equal(g->health_dist, LIQ_HEALTH_UNIFORM);
    assert_true(g->health_a == 1.05 && g->health_b == 2.0);
    assert_int_equal(g->stream, 0);
    g = &sc->generators[1];
    assert_int_equal(g->protocol, 1);
    assert_int_equal(g->market, 0);
    assert_int_equal(g->count, 7);
    assert_int_equal(g->size_dist, LIQ_SIZE_LOGNORMAL);
    assert_true(g->size_a == 20000.0 && g->size_b == 1.5 && isinf(g->size_max));
    assert_int_equal(g->health_dist, LIQ_HEALTH_LOGNORMAL);
    assert_true(g->health_a == 1.5 && g->health_b == 0.3);
    assert_int_equal(g->stream, 2); /* the file is item 1 */
    assert_int_equal(sc->n_positions, 1);
    assert_string_equal(sc->positions[0].path, DATA "/scenario_positions.csv");
    assert_int_equal(sc->positions[0].format, LIQ_POSITIONS_CSV);

    /* schedule (stream 0), path with two columns (both stream 1), gbm (2) */
    assert_int_equal(sc->n_shocks, 4);
    const liq_shock_t *s = &sc->shocks[0];
    assert_int_equal(s->kind, LIQ_SHOCK_SCHEDULE);
    assert_int_equal(s->asset, 0);
    assert_int_equal(s->stream, 0);
    assert_int_equal(s->n_steps, 2);
    assert_int_equal(s->round[0], 5);
    assert_int_equal(s->round[1], 6);
    assert_log_close(-0.2231435513142097557662950903098345, s->log_return[0]); /* ln 0.8 */
    assert_true(s->log_return[1] == -0.05);
    assert_null(s->path);
    s = &sc->shocks[3];
    assert_int_equal(s->kind, LIQ_SHOCK_GBM);
    assert_int_equal(s->asset, 2);
    assert_int_equal(s->stream, 2);
    assert_true(s->drift == 0.0 && s->volatility == 0.8 && s->jump_intensity == 2.0);
    assert_true(s->jump_mean == -0.1 && s->jump_stdev == 0.05);
    assert_int_equal(s->start, 50); /* 600 s / 12 s */
    assert_int_equal(s->end, 200);  /* clipped to rounds */

    assert_int_equal(liq_scenario_asset_index(sc, "WBTC"), 2);
    assert_int_equal(liq_scenario_asset_index(sc, "DAI"), -1);
    assert_int_equal(liq_scenario_pool_index(sc, "USDC-WBTC"), 1);
    assert_int_equal(liq_scenario_oracle_index(sc, "ETH-SPOT"), 4);
    assert_int_equal(liq_scenario_protocol_index(sc, "CompLike"), 1);
    assert_int_equal(liq_scenario_protocol_index(sc, NULL), -1);
    liq_scenario_destroy(sc);
}

/* Path CSV: one PATH shock per column, returns against hand-computed logs. */
static void test_path_shocks(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_scenario(full_yaml);
    const liq_shock_t *weth = &sc->shocks[1];
    const liq_shock_t *usdc = &sc->shocks[2];
    assert_int_equal(weth->kind, LIQ_SHOCK_PATH);
    assert_int_equal(usdc->kind, LIQ_SHOCK_PATH);
    assert_int_equal(weth->asset, 0);
    assert_int_equal(usdc->asset, 1);
    assert_int_equal(weth->stream, 1);
    assert_int_equal(usdc->stream, 1);
    assert_string_equal(weth->path, DATA "/path_eth.csv");
    assert_int_equal(weth->n_steps, 3);
    assert_int_equal(usdc->n_steps, 3);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(weth->round[k], k + 1);
        assert_int_equal(usdc->round[k], k + 1);
    }
    /* ln(1900/2000), ln(1805/1900), ln(2100/1805), to 40 digits by Decimal */
    assert_log_close(-0.05129329438755053342619614425468723843922, weth->log_return[0]);
    assert_log_close(-0.05129329438755053342619614425468723843922, weth->log_return[1]);
    assert_log_close(0.1513767529445330699177666927325391354861, weth->log_return[2]);
    assert_true(usdc->log_return[0] == 0.0);
    assert_log_close(0.009950330853168082848215357544260741688680, usdc->log_return[1]);
    assert_log_close(-0.009950330853168082848215357544260741688679, usdc->log_return[2]);
    liq_scenario_destroy(sc);
}

/* From disk: name from the stem, paths against the file's directory, rows
 * beyond `rounds` ignored. */
static void test_load_file(void **state)
{
    (void)state;
    liq_scenario_t *sc = NULL;
    const int rc = liq_scenario_load(&sc, DATA "/scenario_demo.yaml");
    if (rc != LIQ_OK) {
        fail_msg("%s", liq_errmsg());
    }
    assert_string_equal(sc->name, "scenario_demo");
    assert_string_equal(sc->source_path, DATA "/scenario_demo.yaml");
    assert_true(sc->round_seconds == 12.0);
    assert_int_equal(sc->seed, 1);
    assert_int_equal(sc->flush_every, 100);
    assert_int_equal(sc->n_pools, 0);
    assert_int_equal(sc->n_oracles, 0);
    assert_int_equal(sc->n_protocols, 0);
    assert_int_equal(sc->n_positions, 1);
    assert_string_equal(sc->positions[0].path, DATA "/scenario_positions.csv");
    assert_int_equal(sc->n_shocks, 2);
    assert_string_equal(sc->shocks[0].path, DATA "/path_eth.csv");
    assert_int_equal(sc->shocks[0].n_steps, 2); /* rounds 1 and 2 of 3 */
    assert_int_equal(sc->shocks[0].round[1], 2);
    liq_scenario_destroy(sc);

    assert_int_equal(liq_scenario_load(&sc, DATA "/scenario_missing.yaml"), LIQ_EIO);
    assert_null(sc);
    assert_string_equal(liq_errmsg(),
                        DATA "/scenario_missing.yaml: cannot read: No such file or directory");
}

/* --------------------------------------------------------- dump round trip */

static void assert_same_bits(double a, double b)
{
    if (memcmp(&a, &b, sizeof(a)) != 0) {
        fail_msg("%.17g and %.17g differ", a, b);
    }
}

static void assert_same_scenario(const liq_scenario_t *a, const liq_scenario_t *b)
{
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->rounds, b->rounds);
    assert_same_bits(a->round_seconds, b->round_seconds);
    assert_int_equal(a->seed, b->seed);
    assert_int_equal(a->flush_every, b->flush_every);
    assert_int_equal(a->n_assets, b->n_assets);
    for (size_t i = 0; i < a->n_assets; i++) {
        assert_string_equal(a->assets[i].name, b->assets[i].name);
        assert_same_bits(a->assets[i].price, b->assets[i].price);
        assert_same_bits(a->assets[i].market_depth, b->assets[i].market_depth);
        assert_same_bits(a->assets[i].market_resilience, b->assets[i].market_resilience);
    }
    assert_int_equal(a->n_pools, b->n_pools);
    for (size_t i = 0; i < a->n_pools; i++) {
        const liq_pool_config_t *x = &a->pools[i];
        const liq_pool_config_t *y = &b->pools[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->token0, y->token0);
        assert_int_equal(x->token1, y->token1);
        assert_same_bits(x->reserve0, y->reserve0);
        assert_same_bits(x->reserve1, y->reserve1);
        assert_same_bits(x->fee, y->fee);
        assert_same_bits(x->arbitrage, y->arbitrage);
    }
    assert_int_equal(a->n_oracles, b->n_oracles);
    for (size_t i = 0; i < a->n_oracles; i++) {
        const liq_oracle_config_t *x = &a->oracles[i];
        const liq_oracle_config_t *y = &b->oracles[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->source, y->source);
        assert_int_equal(x->asset, y->asset);
        assert_int_equal(x->pool, y->pool);
        assert_int_equal(x->heartbeat, y->heartbeat);
        assert_same_bits(x->deviation, y->deviation);
        assert_int_equal(x->latency, y->latency);
        assert_int_equal(x->window, y->window);
    }
    assert_int_equal(a->n_protocols, b->n_protocols);
    for (size_t i = 0; i < a->n_protocols; i++) {
        const liq_protocol_config_t *x = &a->protocols[i];
        const liq_protocol_config_t *y = &b->protocols[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->debt_asset, y->debt_asset);
        assert_int_equal(x->debt_oracle, y->debt_oracle);
        assert_same_bits(x->insurance_fund, y->insurance_fund);
        assert_same_bits(x->gas_cost, y->gas_cost);
        assert_same_bits(x->min_profit, y->min_profit);
        assert_int_equal(x->max_liquidations, y->max_liquidations);
        assert_int_equal(x->n_markets, y->n_markets);
        for (size_t m = 0; m < x->n_markets; m++) {
            const liq_market_config_t *u = &x->markets[m];
            const liq_market_config_t *v = &y->markets[m];
            assert_int_equal(u->asset, v->asset);
            assert_int_equal(u->oracle, v->oracle);
            assert_int_equal(u->route, v->route);
            assert_same_bits(u->liquidation_threshold, v->liquidation_threshold);
            assert_same_bits(u->liquidation_bonus, v->liquidation_bonus);
            assert_same_bits(u->close_factor, v->close_factor);
            assert_same_bits(u->full_close_health, v->full_close_health);
        }
    }
    assert_int_equal(a->n_generators, b->n_generators);
    for (size_t i = 0; i < a->n_generators; i++) {
        const liq_account_generator_t *x = &a->generators[i];
        const liq_account_generator_t *y = &b->generators[i];
        assert_int_equal(x->protocol, y->protocol);
        assert_int_equal(x->market, y->market);
        assert_int_equal(x->count, y->count);
        assert_int_equal(x->size_dist, y->size_dist);
        assert_same_bits(x->size_a, y->size_a);
        assert_same_bits(x->size_b, y->size_b);
        assert_same_bits(x->size_max, y->size_max);
        assert_int_equal(x->health_dist, y->health_dist);
        assert_same_bits(x->health_a, y->health_a);
        assert_same_bits(x->health_b, y->health_b);
        assert_int_equal(x->stream, y->stream);
    }
    assert_int_equal(a->n_positions, b->n_positions);
    for (size_t i = 0; i < a->n_positions; i++) {
        assert_string_equal(a->positions[i].path, b->positions[i].path);
        assert_int_equal(a->positions[i].format, b->positions[i].format);
    }
    assert_int_equal(a->n_shocks, b->n_shocks);
    for (size_t i = 0; i < a->n_shocks; i++) {
        const liq_shock_t *x = &a->shocks[i];
        const liq_shock_t *y = &b->shocks[i];
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->asset, y->asset);
        assert_int_equal(x->stream, y->stream);
        assert_int_equal(x->n_steps, y->n_steps);
        for (size_t k = 0; k < x->n_steps; k++) {
            assert_int_equal(x->round[k], y->round[k]);
            assert_same_bits(x->log_return[k], y->log_return[k]);
        }
        assert_same_bits(x->drift, y->drift);
        assert_same_bits(x->volatility, y->volatility);
        assert_same_bits(x->jump_intensity, y->jump_intensity);
        assert_same_bits(x->jump_mean, y->jump_mean);
        assert_same_bits(x->jump_stdev, y->jump_stdev);
        assert_int_equal(x->start, y->start);
        assert_int_equal(x->end, y->end);
        if (x->path != NULL || y->path != NULL) {
            assert_non_null(x->path);
            assert_non_null(y->path);
            assert_string_equal(x->path, y->path);
        }
    }
}

static void test_dump_round_trip(void **state)
{
    (void)state;
    liq_scenario_t *first = parse_scenario(full_yaml);
    char *text1 = NULL;
    assert_int_equal(liq_scenario_dump(&text1, first), LIQ_OK);

    /* The dump is self-sufficient: paths are absolute, durations rounds. */
    liq_scenario_t *second = NULL;
    int rc = liq_scenario_parse(&second, text1, strlen(text1), "dump.yaml", "/nonexistent");
    if (rc != LIQ_OK) {
        fail_msg("re-parse failed: %s\n%s", liq_errmsg(), text1);
    }
    char *text2 = NULL;
    assert_int_equal(liq_scenario_dump(&text2, second), LIQ_OK);
    assert_string_equal(text1, text2);
    assert_same_scenario(first, second);

    /* Spot checks of the written form. */
    assert_non_null(strstr(text1, "    heartbeat: 300\n"));
    assert_non_null(strstr(text1, "      max_liquidations: unlimited\n"));
    assert_non_null(strstr(text1, "    market_depth: inf\n"));
    assert_non_null(strstr(text1, "    fee: 0.003\n"));
    assert_non_null(strstr(text1, "      - {round: 5, log_return: -0.22314355131420976}\n"));
    assert_non_null(strstr(text1, "  - file: \"" DATA "/scenario_positions.csv\"\n"
                                  "    format: csv\n"));

    free(text1);
    free(text2);
    liq_scenario_destroy(first);
    liq_scenario_destroy(second);
}

/* Awkward names survive quoting; 0.1 + 0.2 keeps all 17 digits. */
static void test_dump_quoting(void **state)
{
    (void)state;
    static const char yaml[] = "name: 'yes'\n"
                               "rounds: 1\n"
                               "assets:\n"
                               "  - name: \"a \\\"quoted\\\" \\\\ name\"\n"
                               "    price: 0.30000000000000004\n"
                               "  - name: '1.5'\n"
                               "    price: 1e-300\n";
    liq_scenario_t *first = parse_scenario(yaml);
    char *text1 = NULL;
    assert_int_equal(liq_scenario_dump(&text1, first), LIQ_OK);
    assert_non_null(strstr(text1, "name: \"yes\"\n"));
    assert_non_null(strstr(text1, "  - name: \"a \\\"quoted\\\" \\\\ name\"\n"));
    assert_non_null(strstr(text1, "    price: 0.30000000000000004\n"));
    liq_scenario_t *second = NULL;
    assert_int_equal(liq_scenario_parse(&second, text1, strlen(text1), "d.yaml", NULL), LIQ_OK);
    assert_string_equal(second->assets[0].name, "a \"quoted\" \\ name");
    assert_string_equal(second->assets[1].name, "1.5");
    assert_same_scenario(first, second);
    free(text1);
    liq_scenario_destroy(first);
    liq_scenario_destroy(second);
}

/* ----------------------------------------------------------- bad input */

/* A small valid scenario; the error tests change one line of it. */
static const char base_yaml[] = "rounds: 10\n"                          /*  1 */
                                "assets:\n"                             /*  2 */
                                "  - name: WETH\n"                      /*  3 */
                                "    price: 2000\n"                     /*  4 */
                                "  - name: USDC\n"                      /*  5 */
                                "    price: 1\n"                        /*  6 */
                                "  - name: DAI\n"                       /*  7 */
                                "    price: 1\n"                        /*  8 */
                                "pools:\n"                              /*  9 */
                                "  - name: WETH-USDC\n"                 /* 10 */
                                "    token0: WETH\n"                    /* 11 */
                                "    token1: USDC\n"                    /* 12 */
                                "    reserve0: 5000\n"                  /* 13 */
                                "    reserve1: 1.0e7\n"                 /* 14 */
                                "oracles:\n"                            /* 15 */
                                "  - name: ETH/USD\n"                   /* 16 */
                                "    source: market\n"                  /* 17 */
                                "    asset: WETH\n"                     /* 18 */
                                "    heartbeat: 1h\n"                   /* 19 */
                                "  - name: USD\n"                       /* 20 */
                                "    source: market\n"                  /* 21 */
                                "    asset: USDC\n"                     /* 22 */
                                "protocols:\n"                          /* 23 */
                                "  - name: AaveLike\n"                  /* 24 */
                                "    debt_asset: USDC\n"                /* 25 */
                                "    debt_oracle: USD\n"                /* 26 */
                                "    markets:\n"                        /* 27 */
                                "      - asset: WETH\n"                 /* 28 */
                                "        oracle: ETH/USD\n"             /* 29 */
                                "        route: WETH-USDC\n"            /* 30 */
                                "        liquidation_threshold: 0.83\n" /* 31 */
                                "        liquidation_bonus: 0.05\n";    /* 32 */

/* base_yaml with line `line` (1-based) replaced by `text` (which carries its
 * own newline; "" deletes the line), then `append` added at the end. */
static char *edited(int line, const char *text, const char *append)
{
    const size_t size = sizeof(base_yaml) + strlen(text) + strlen(append) + 1;
    char *out = malloc(size);
    assert_non_null(out);
    const char *p = base_yaml;
    size_t used = 0;
    for (int n = 1; *p != '\0'; n++) {
        const char *nl = strchr(p, '\n');
        const size_t len = (size_t)(nl - p) + 1;
        if (n == line) {
            memcpy(out + used, text, strlen(text));
            used += strlen(text);
        } else {
            memcpy(out + used, p, len);
            used += len;
        }
        p += len;
    }
    memcpy(out + used, append, strlen(append) + 1);
    return out;
}

static void expect_edit_error(int line, const char *text, const char *append, int code,
                              const char *message)
{
    char *yaml = edited(line, text, append);
    expect_scenario_error(yaml, code, message);
    free(yaml);
}

static void test_base_is_valid(void **state)
{
    (void)state;
    liq_scenario_t *sc = parse_scenario(base_yaml);
    assert_string_equal(sc->name, "demo");
    liq_scenario_destroy(sc);
}

static void test_yaml_syntax(void **state)
{
    (void)state;
    expect_edit_error(4, "    price: [2000\n", "", LIQ_EPARSE,
                      "demo.yaml:5:9: YAML syntax error: did not find expected ',' or ']' "
                      "(while parsing a flow sequence)");
    expect_edit_error(4, "\tprice: 2000\n", "", LIQ_EPARSE,
                      "demo.yaml:4:1: YAML syntax error: found a tab character that violates "
                      "indentation (while scanning a plain scalar)");
    expect_scenario_error(
        "", LIQ_EINVAL,
        "demo.yaml:1:1: (top level): the document is empty; expected a mapping with at "
        "least the keys rounds and assets");
    expect_scenario_error(
        "rounds: 1\n---\nrounds: 2\n", LIQ_EPARSE,
        "demo.yaml:3:1: YAML syntax error: a second document starts here; expected "
        "exactly one document");
}

static void test_unknown_key(void **state)
{
    (void)state;
    expect_edit_error(4, "    prise: 2000\n", "", LIQ_EKEY,
                      "demo.yaml:4:5: assets[0]: unknown key 'prise'; expected one of name, "
                      "price, market_depth, market_resilience");
    expect_edit_error(
        1, "round: 10\n", "", LIQ_EKEY,
        "demo.yaml:1:1: (top level): unknown key 'round'; expected one of name, "
        "rounds, round_seconds, seed, output, assets, pools, chains, bridges, oracles, protocols, "
        "accounts, shocks, adversary");
}

static void test_missing_key(void **state)
{
    (void)state;
    expect_edit_error(31, "", "", LIQ_EKEY,
                      "demo.yaml:28:9: protocols[0].markets[0]: missing key "
                      "'liquidation_threshold'");
    expect_edit_error(1, "", "", LIQ_EKEY, "demo.yaml:1:1: (top level): missing key 'rounds'");
    /* A market's route: one of two keys. */
    expect_edit_error(30, "", "", LIQ_EKEY,
                      "demo.yaml:28:9: protocols[0].markets[0]: missing key 'route'; expected "
                      "either route (one pool) or routes (a list)");
}

/* A protocol's keys are checked as liqnet always has: a lending protocol's
 * (or one whose kind is not valid) before any is read, a perp exchange's
 * once its name and kind are read. */
static void test_protocol_check_order(void **state)
{
    (void)state;
    static const char perp[] = "    kind: perp\n"
                               "    margin_asset: USDC\n"
                               "    margin_oracle: USD\n"
                               "    markets:\n"
                               "      - {asset: WETH, oracle: ETH/USD, route: WETH-USDC,\n"
                               "         tiers: [{notional_up_to: unlimited, mmr: 0.05}]}\n";
    char *text = malloc(strlen(base_yaml) + 64 + sizeof(perp));
    assert_non_null(text);
    snprintf(text, strlen(base_yaml) + 64 + sizeof(perp), "%s  - nam: Perps\n%s", base_yaml, perp);
    expect_scenario_error(text, LIQ_EKEY, "demo.yaml:33:5: protocols[1]: missing key 'name'");
    snprintf(text, strlen(base_yaml) + 64 + sizeof(perp), "%s  - name: Perps\n%s", base_yaml, perp);
    char *kind = strstr(text, "kind: perp");
    memcpy(kind, "kind: prep", 10);
    expect_scenario_error(
        text, LIQ_EKEY,
        "demo.yaml:35:5: protocols[1]: unknown key 'margin_asset'; expected one of "
        "name, kind, debt_asset, debt_oracle, insurance_fund, keepers, markets, issues, "
        "recovery, holdings, chain, breaker, dynamic_penalty, stability_pool, "
        "liquidation, preset");
    free(text);
}

static void test_duplicate_key(void **state)
{
    (void)state;
    expect_edit_error(4, "    price: 2000\n    price: 3000\n", "", LIQ_EKEY,
                      "demo.yaml:5:5: assets[0]: duplicate key 'price' (first given at line 4); "
                      "expected each key at most once");
}

static void test_wrong_type(void **state)
{
    (void)state;
    expect_edit_error(4, "    price: abc\n", "", LIQ_EINVAL,
                      "demo.yaml:4:12: assets[0].price: 'abc' is not a number; expected a finite "
                      "number > 0");
    expect_edit_error(4, "    price: [1, 2]\n", "", LIQ_EINVAL,
                      "demo.yaml:4:12: assets[0].price: found a list; expected a finite number "
                      "> 0");
    expect_edit_error(4, "    price: true\n", "", LIQ_EINVAL,
                      "demo.yaml:4:12: assets[0].price: 'true' is a boolean, not a number; "
                      "expected a finite number > 0");
    expect_edit_error(4, "    price: \"2000\"\n", "", LIQ_EINVAL,
                      "demo.yaml:4:12: assets[0].price: '2000' is a quoted string, not a number; "
                      "expected a finite number > 0");
    expect_edit_error(1, "rounds: 2.5\n", "", LIQ_EINVAL,
                      "demo.yaml:1:9: rounds: value 2.5 is not an integer; expected an integer "
                      ">= 1");
    expect_edit_error(0, "", "shocks: WETH\n", LIQ_EINVAL,
                      "demo.yaml:33:9: shocks: found a scalar 'WETH'; expected a list of shocks");
    expect_edit_error(1, "rounds: {n: 10}\n", "", LIQ_EINVAL,
                      "demo.yaml:1:9: rounds: found a mapping; expected an integer >= 1");
    expect_edit_error(3, "  - WETH\n  - name: WETH2\n", "", LIQ_EINVAL,
                      "demo.yaml:3:5: assets[0]: found a scalar 'WETH'; expected a mapping with "
                      "keys name, price, market_depth, market_resilience");
    expect_edit_error(17, "    source: chainlink\n", "", LIQ_EINVAL,
                      "demo.yaml:17:13: oracles[0].source: unknown source 'chainlink'; expected "
                      "one of market, pool_spot, pool_twap, median");
}

static void test_not_finite(void **state)
{
    (void)state;
    expect_edit_error(4, "    price: .nan\n", "", LIQ_EINVAL,
                      "demo.yaml:4:12: assets[0].price: value .nan is not finite; expected a "
                      "finite number > 0");
    expect_edit_error(4, "    price: .inf\n", "", LIQ_EINVAL,
                      "demo.yaml:4:12: assets[0].price: value .inf is not finite; expected a "
                      "finite number > 0");
}

static void test_out_of_range(void **state)
{
    (void)state;
    expect_edit_error(13, "    reserve0: -5\n", "", LIQ_EINVAL,
                      "demo.yaml:13:15: pools[0].reserve0: value -5 is negative; expected a "
                      "finite number > 0");
    expect_edit_error(31, "        liquidation_threshold: 0\n", "", LIQ_EINVAL,
                      "demo.yaml:31:32: protocols[0].markets[0].liquidation_threshold: value 0 "
                      "is out of range; expected a number in (0, 1]");
    expect_edit_error(31, "        liquidation_threshold: 1.5\n", "", LIQ_EINVAL,
                      "demo.yaml:31:32: protocols[0].markets[0].liquidation_threshold: value "
                      "1.5 is out of range; expected a number in (0, 1]");
    expect_edit_error(1, "rounds: 0\n", "", LIQ_EINVAL,
                      "demo.yaml:1:9: rounds: value 0 is out of range; expected an integer >= 1");
}

static void test_undefined_names(void **state)
{
    (void)state;
    expect_edit_error(30, "        route: WETH-DAI\n", "", LIQ_EREF,
                      "demo.yaml:30:16: protocols[0].markets[0].route: no pool named 'WETH-DAI'; "
                      "defined pools: WETH-USDC");
    expect_edit_error(29, "        oracle: ETH\n", "", LIQ_EREF,
                      "demo.yaml:29:17: protocols[0].markets[0].oracle: no oracle named 'ETH'; "
                      "defined oracles: ETH/USD, USD");
    expect_edit_error(12, "    token1: USDT\n", "", LIQ_EREF,
                      "demo.yaml:12:13: pools[0].token1: no asset named 'USDT'; defined assets: "
                      "WETH, USDC, DAI");
}

static void test_oracle_prices_wrong_asset(void **state)
{
    (void)state;
    expect_edit_error(29, "        oracle: USD\n", "", LIQ_EINVAL,
                      "demo.yaml:29:17: protocols[0].markets[0].oracle: oracle 'USD' prices "
                      "USDC, not WETH; expected an oracle of WETH (source market with asset WETH, "
                      "or a pool source whose token0 is WETH)");
    expect_edit_error(26, "    debt_oracle: ETH/USD\n", "", LIQ_EINVAL,
                      "demo.yaml:26:18: protocols[0].debt_oracle: oracle 'ETH/USD' prices WETH, "
                      "not USDC; expected an oracle of USDC (source market with asset USDC, or a "
                      "pool source whose token0 is USDC)");
}

static void test_route_pair(void **state)
{
    (void)state;
    expect_edit_error(12, "    token1: DAI\n", "", LIQ_EINVAL,
                      "demo.yaml:30:16: protocols[0].markets[0].route: pool 'WETH-USDC' trades "
                      "WETH and DAI; expected a pool trading WETH and USDC (the market's "
                      "collateral and the protocol's debt asset)");
}

static void test_unreadable_positions(void **state)
{
    (void)state;
    expect_edit_error(0, "", "accounts:\n  - file: missing.csv\n", LIQ_EIO,
                      "demo.yaml:34:11: accounts[0].file: cannot read '" DATA "/missing.csv': "
                      "No such file or directory");
    expect_edit_error(0, "", "accounts:\n  - file: scenario_positions.txt\n", LIQ_EINVAL,
                      "demo.yaml:34:11: accounts[0].file: cannot tell the format of '" DATA
                      "/scenario_positions.txt' from its extension; expected a name ending in "
                      ".csv, .h5 or .hdf5, or the key format: csv|hdf5");
}

static void test_duplicate_names(void **state)
{
    (void)state;
    expect_edit_error(7, "  - name: WETH\n", "", LIQ_EINVAL,
                      "demo.yaml:7:11: assets[2].name: duplicate name 'WETH', already used by "
                      "assets[0]; expected names unique among assets");
}

static void test_schedule_errors(void **state)
{
    (void)state;
    expect_edit_error(0, "",
                      "shocks:\n"                         /* 33 */
                      "  - type: schedule\n"              /* 34 */
                      "    asset: WETH\n"                 /* 35 */
                      "    steps:\n"                      /* 36 */
                      "      - {round: 2, return: -1}\n", /* 37 */
                      LIQ_EINVAL,
                      "demo.yaml:37:28: shocks[0].steps[0].return: value -1 is out of range; "
                      "expected a finite number > -1");
    expect_edit_error(0, "",
                      "shocks:\n"
                      "  - type: schedule\n"
                      "    asset: WETH\n"
                      "    steps:\n"
                      "      - {round: 5, return: -0.1}\n"     /* 37 */
                      "      - {round: 5, log_return: 0.1}\n", /* 38 */
                      LIQ_EINVAL,
                      "demo.yaml:38:17: shocks[0].steps[1].round: round 5 is not after round 5 "
                      "of steps[0]; expected rounds in strictly increasing order");
    expect_edit_error(0, "",
                      "shocks:\n"
                      "  - type: schedule\n"
                      "    asset: WETH\n"
                      "    steps:\n"
                      "      - {round: 11, return: -0.1}\n",
                      LIQ_EINVAL,
                      "demo.yaml:37:17: shocks[0].steps[0].round: value 11 is out of range; "
                      "expected an integer in [1, 10] (rounds)");
    expect_edit_error(0, "",
                      "shocks:\n"
                      "  - type: schedule\n"
                      "    asset: WETH\n"
                      "    steps:\n"
                      "      - {round: 1, return: -0.1, log_return: 0.1}\n",
                      LIQ_EKEY,
                      "demo.yaml:37:9: shocks[0].steps[0]: both 'return' and 'log_return' "
                      "given; expected exactly one");
}

static void test_duration_errors(void **state)
{
    (void)state;
    expect_edit_error(19, "    heartbeat: 2.5\n", "", LIQ_EINVAL,
                      "demo.yaml:19:16: oracles[0].heartbeat: value 2.5 is not a whole number of "
                      "rounds; expected a whole number of rounds >= 1, or <number><unit> with "
                      "unit s, min, h or d");
    expect_edit_error(19, "    heartbeat: 5 min\n", "", LIQ_EINVAL,
                      "demo.yaml:19:16: oracles[0].heartbeat: '5 min' has an unknown unit ' min'; "
                      "expected a whole number of rounds >= 1, or <number><unit> with unit s, "
                      "min, h or d");
    expect_edit_error(19, "    heartbeat: 0s\n", "", LIQ_EINVAL,
                      "demo.yaml:19:16: oracles[0].heartbeat: value 0s is 0 rounds; expected a "
                      "whole number of rounds >= 1, or <number><unit> with unit s, min, h or d");
    /* 0.3 h is 1080 s, exactly 90 rounds of 12 s despite binary rounding. */
    char *yaml = edited(19, "    heartbeat: 0.3h\n", "");
    liq_scenario_t *sc = parse_scenario(yaml);
    assert_int_equal(sc->oracles[0].heartbeat, 90);
    liq_scenario_destroy(sc);
    free(yaml);
}

static void test_path_csv_errors(void **state)
{
    (void)state;
    expect_edit_error(0, "", "shocks:\n  - type: path\n    file: path_bad_price.csv\n", LIQ_EINVAL,
                      DATA "/path_bad_price.csv:4:2: WETH: value -5 is negative; expected a "
                           "finite price > 0");
    expect_edit_error(0, "", "shocks:\n  - type: path\n    file: path_unknown_column.csv\n",
                      LIQ_EREF,
                      DATA "/path_unknown_column.csv:1:3: header: no asset named 'WBTC'; "
                           "defined assets: WETH, USDC, DAI");
    expect_edit_error(0, "", "shocks:\n  - type: path\n    file: path_gap.csv\n", LIQ_EINVAL,
                      DATA "/path_gap.csv:5:1: round: '3' is not the next round; expected 2 "
                           "(rounds run 0, 1, 2, ... one per row)");
    expect_edit_error(0, "", "shocks:\n  - type: path\n    file: path_none.csv\n", LIQ_EIO,
                      "demo.yaml:35:11: shocks[0].file: cannot read '" DATA "/path_none.csv': "
                      "No such file or directory");
}

/* Spreadsheet exports: a UTF-8 byte order mark and CRLF line ends. */
static void test_path_csv_bom_crlf(void **state)
{
    (void)state;
    char *yaml = edited(0, "", "shocks:\n  - type: path\n    file: path_bom_crlf.csv\n");
    liq_scenario_t *sc = parse_scenario(yaml);
    assert_int_equal(sc->n_shocks, 1);
    assert_int_equal(sc->shocks[0].asset, 0);
    assert_int_equal(sc->shocks[0].n_steps, 1);
    assert_log_close(-0.6931471805599453094172321214581765680755, sc->shocks[0].log_return[0]);
    liq_scenario_destroy(sc);
    free(yaml);
}

static void test_control_characters(void **state)
{
    (void)state;
    expect_edit_error(3, "  - name: \"WE\\nTH\"\n", "", LIQ_EINVAL,
                      "demo.yaml:3:11: assets[0].name: the string contains a control character; "
                      "expected printable text");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_scenario),     cmocka_unit_test(test_path_shocks),
        cmocka_unit_test(test_load_file),         cmocka_unit_test(test_dump_round_trip),
        cmocka_unit_test(test_dump_quoting),      cmocka_unit_test(test_base_is_valid),
        cmocka_unit_test(test_yaml_syntax),       cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_missing_key),       cmocka_unit_test(test_protocol_check_order),
        cmocka_unit_test(test_duplicate_key),     cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_not_finite),        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_undefined_names),   cmocka_unit_test(test_oracle_prices_wrong_asset),
        cmocka_unit_test(test_route_pair),        cmocka_unit_test(test_unreadable_positions),
        cmocka_unit_test(test_duplicate_names),   cmocka_unit_test(test_schedule_errors),
        cmocka_unit_test(test_duration_errors),   cmocka_unit_test(test_path_csv_errors),
        cmocka_unit_test(test_path_csv_bom_crlf), cmocka_unit_test(test_control_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
