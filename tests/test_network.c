/*
 * The network layer: the graph built from a scenario (kinds, names,
 * attributes), GraphML and GML round trips, read errors by code and message,
 * the protocol projection and contagion metrics on protocol graphs worked by
 * hand (hop distances, components, PageRank against closed forms and an
 * independent power iteration, betweenness of paths and weighted triangles),
 * generated ecosystems (counts, degree sequences, determinism, runs), and
 * the contagion record of a run worked by hand (tests/data/contagion_small.yaml).
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

#include "liq_test.h"
#include "liq_test_dir.h"

#include "liqnet/error.h"
#include "liqnet/io.h"
#include "liqnet/metrics.h"
#include "liqnet/network.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

static void assert_within(double a, double b, double tol)
{
    if (!(fabs(a - b) <= tol)) {
        fail_msg("%.17g != %.17g (tolerance %g)", a, b, tol);
    }
}

static void assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL) {
        fail_msg("'%s' does not contain '%s'", text, part);
    }
}

static liq_network_t *build(const liq_scenario_t *sc)
{
    liq_network_t *net = NULL;
    if (liq_network_build(&net, sc, NULL) != LIQ_OK) {
        fail_msg("liq_network_build: %s", liq_errmsg());
    }
    return net;
}

static liq_protocol_graph_t *project(const liq_network_t *net)
{
    liq_protocol_graph_t *pg = NULL;
    if (liq_protocol_graph_build(&pg, net) != LIQ_OK) {
        fail_msg("liq_protocol_graph_build: %s", liq_errmsg());
    }
    return pg;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Replaces the first occurrence of `from` in `text` by `to` (new string). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (at == NULL) {
        fail_msg("'%s' not found in the file", from);
    }
    const size_t n = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    assert_non_null(out);
    const size_t head = (size_t)(at - text);
    memcpy(out, text, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

/*
 * A small ecosystem for projections: assets X0..X5 and USDC; for every
 * asset three pools Xi-p0..2 against USDC and three market oracles
 * Xi/o0..2, so that two protocols can share an asset without its pool or
 * oracle. `markets` lists, per protocol, entries "i,p,o" separated by
 * spaces: collateral Xi sold on pool Xi-pP, priced by Xi/oO. Every protocol
 * owes USDC priced by USD. A schedule shock moves `shocked` (an asset name).
 */
static char *ecosystem(const char *const *markets, size_t n_protocols, const char *shocked)
{
    size_t cap = 16384, len = 0;
    char *y = malloc(cap);
    assert_non_null(y);
#define EMIT(...) len += (size_t)snprintf(y + len, cap - len, __VA_ARGS__)
    EMIT("rounds: 5\nassets:\n");
    for (int i = 0; i < 6; i++) {
        EMIT("  - {name: X%d, price: %d, market_depth: 1.0e6}\n", i, 10 * (i + 1));
    }
    EMIT("  - {name: USDC, price: 1}\npools:\n");
    for (int i = 0; i < 6; i++) {
        for (int p = 0; p < 3; p++) {
            EMIT("  - {name: X%d-p%d, token0: X%d, token1: USDC, reserve0: 1000, reserve1: %d}\n",
                 i, p, i, 10000 * (i + 1));
        }
    }
    EMIT("oracles:\n  - {name: USD, source: market, asset: USDC}\n");
    for (int i = 0; i < 6; i++) {
        for (int o = 0; o < 3; o++) {
            EMIT("  - {name: X%d/o%d, source: market, asset: X%d}\n", i, o, i);
        }
    }
    EMIT("protocols:\n");
    for (size_t k = 0; k < n_protocols; k++) {
        EMIT("  - name: %c\n    debt_asset: USDC\n    debt_oracle: USD\n    markets:\n",
             (char)('A' + k));
        const char *s = markets[k];
        int i, p, o, used;
        while (sscanf(s, "%d,%d,%d%n", &i, &p, &o, &used) == 3) {
            EMIT("      - {asset: X%d, oracle: X%d/o%d, route: X%d-p%d, "
                 "liquidation_threshold: 0.8, liquidation_bonus: 0.05}\n",
                 i, i, o, i, p);
            s += used;
        }
    }
    EMIT("shocks:\n  - {type: schedule, asset: %s, steps: [{round: 2, return: -0.1}]}\n", shocked);
#undef EMIT
    assert_true(len < cap);
    return y;
}

static liq_protocol_graph_t *ecosystem_graph(const char *const *markets, size_t n,
                                             liq_scenario_t **sc_out)
{
    char *y = ecosystem(markets, n, "X0");
    liq_scenario_t *sc = parse_scenario(y);
    free(y);
    liq_network_t *net = build(sc);
    liq_protocol_graph_t *pg = project(net);
    liq_network_destroy(net);
    if (sc_out != NULL) {
        *sc_out = sc;
    } else {
        liq_scenario_destroy(sc);
    }
    return pg;
}

/* ------------------------------------------------------------ the graph */

static liq_scenario_t *load_demo(void)
{
    liq_scenario_t *sc = NULL;
    if (liq_scenario_load(&sc, LIQ_SOURCE_DIR "/graphs/demo.yaml") != LIQ_OK) {
        fail_msg("demo: %s", liq_errmsg());
    }
    return sc;
}

static size_t find_vertex(const liq_network_t *net, liq_vertex_kind_t kind, const char *name)
{
    for (size_t v = 0; v < liq_network_vertex_count(net); v++) {
        if (liq_network_vertex_kind(net, v) == kind &&
            strcmp(liq_network_vertex_name(net, v), name) == 0) {
            return v;
        }
    }
    fail_msg("no %s named %s", liq_vertex_kind_name(kind), name);
    return 0;
}

static void test_build_demo(void **state)
{
    (void)state;
    liq_scenario_t *sc = load_demo();
    liq_network_t *net = build(sc);
    assert_int_equal(liq_network_count(net, LIQ_VERTEX_ASSET), sc->n_assets);
    assert_int_equal(liq_network_count(net, LIQ_VERTEX_POOL), sc->n_pools);
    assert_int_equal(liq_network_count(net, LIQ_VERTEX_ORACLE), sc->n_oracles);
    assert_int_equal(liq_network_count(net, LIQ_VERTEX_PROTOCOL), sc->n_protocols);
    /* Edges: 2 per pool, 1 per oracle, 3 per market, 2 per protocol. */
    size_t markets = 0;
    for (size_t p = 0; p < sc->n_protocols; p++) {
        markets += sc->protocols[p].n_markets;
    }
    assert_int_equal(liq_network_edge_count(net),
                     2 * sc->n_pools + sc->n_oracles + 3 * markets + 2 * sc->n_protocols);

    const size_t weth = find_vertex(net, LIQ_VERTEX_ASSET, "WETH");
    assert_int_equal(weth, 0);
    assert_string_equal(liq_network_vertex_string(net, weth, "kind"), "asset");
    assert_true(liq_network_vertex_number(net, weth, "price") == 2000);
    assert_true(liq_network_vertex_number(net, weth, "market_depth") == 50000);
    assert_true(liq_network_vertex_number(net, weth, "market_resilience") == 0.02);
    assert_true(isnan(liq_network_vertex_number(net, weth, "reserve0")));
    assert_true(isinf(liq_network_vertex_number(net, find_vertex(net, LIQ_VERTEX_ASSET, "USDC"),
                                                "market_depth")));

    const size_t pool = find_vertex(net, LIQ_VERTEX_POOL, "WETH-USDC");
    assert_string_equal(liq_network_vertex_string(net, pool, "pool_kind"), "constant_product");
    assert_string_equal(liq_network_vertex_string(net, pool, "token0"), "WETH");
    assert_true(liq_network_vertex_number(net, pool, "reserve1") == 2.0e7);
    assert_true(liq_network_vertex_number(net, pool, "arbitrage") == 0.5);

    const size_t oracle = find_vertex(net, LIQ_VERTEX_ORACLE, "ETH/USD");
    assert_string_equal(liq_network_vertex_string(net, oracle, "source"), "market");
    assert_true(liq_network_vertex_number(net, oracle, "heartbeat") ==
                (double)sc->oracles[0].heartbeat);

    const size_t aave = find_vertex(net, LIQ_VERTEX_PROTOCOL, "AaveLike");
    assert_string_equal(liq_network_vertex_string(net, aave, "debt_asset"), "USDC");
    assert_true(liq_network_vertex_number(net, aave, "insurance_fund") ==
                sc->protocols[0].insurance_fund);
    double accounts = 0;
    for (size_t g = 0; g < sc->n_generators; g++) {
        if (sc->generators[g].protocol == 0) {
            accounts += (double)sc->generators[g].count;
        }
    }
    assert_true(liq_network_vertex_number(net, aave, "accounts") == accounts);

    /* Edge kinds, endpoints and market parameters. */
    size_t seen[7] = {0};
    for (size_t e = 0; e < liq_network_edge_count(net); e++) {
        const liq_edge_kind_t kind = liq_network_edge_kind(net, e);
        seen[kind]++;
        assert_string_equal(liq_network_edge_string(net, e, "kind"), liq_edge_kind_name(kind));
        size_t from, to;
        liq_network_edge_ends(net, e, &from, &to);
        if (kind == LIQ_EDGE_MARKET && from == aave && to == weth) {
            assert_string_equal(liq_network_edge_string(net, e, "role"), "collateral");
            assert_true(liq_network_edge_number(net, e, "liquidation_threshold") == 0.83);
            assert_true(liq_network_edge_number(net, e, "liquidation_bonus") == 0.05);
            assert_true(liq_network_edge_number(net, e, "close_factor") == 0.5);
            assert_true(liq_network_edge_number(net, e, "full_close_health") == 0.95);
        }
        if (kind == LIQ_EDGE_ROUTES) {
            assert_int_equal(to, pool);
            assert_true(liq_network_edge_number(net, e, "weight") == 1.0);
        }
        if (kind == LIQ_EDGE_TRADES) {
            assert_int_equal(liq_network_vertex_kind(net, from), LIQ_VERTEX_POOL);
        }
    }
    assert_int_equal(seen[LIQ_EDGE_TRADES], 2 * sc->n_pools);
    assert_int_equal(seen[LIQ_EDGE_READS], sc->n_oracles);
    assert_int_equal(seen[LIQ_EDGE_ROUTES], markets);
    assert_int_equal(seen[LIQ_EDGE_MARKET], markets + sc->n_protocols);
    assert_int_equal(seen[LIQ_EDGE_USES_ORACLE], markets + sc->n_protocols);
    assert_int_equal(seen[LIQ_EDGE_ISSUES] + seen[LIQ_EDGE_HOLDS], 0);
    liq_network_destroy(net);
    liq_scenario_destroy(sc);
}

/* ------------------------------------------- mechanism settings */

static void round_trip(const liq_scenario_t *sc, const char *path, liq_graph_format_t format);
static liq_scenario_t *load_features(void);

/* tests/data/network_mechanisms.yaml as a graph: each protocol carries the
 * scenario keys it sets, as dotted attributes (docs/network.md, "Mechanism
 * settings"), and only those; presets as the values they filled, durations
 * in rounds (v2_auction's 1h and 1d at 12 s a round: 300 and 7200). A
 * scenario without them adds no attribute. Written and read back in both
 * formats (GML spells the dots `__`), the network is the same. */
static void test_build_mechanisms(void **state)
{
    (void)state;
    liq_scenario_t *sc = NULL;
    if (liq_scenario_load(&sc, LIQ_SOURCE_DIR "/tests/data/network_mechanisms.yaml") != LIQ_OK) {
        fail_msg("network_mechanisms.yaml: %s", liq_errmsg());
    }
    liq_network_t *net = build(sc);
    const size_t lender = find_vertex(net, LIQ_VERTEX_PROTOCOL, "Lender");
    const size_t maker = find_vertex(net, LIQ_VERTEX_PROTOCOL, "Maker");
    const size_t clipper = find_vertex(net, LIQ_VERTEX_PROTOCOL, "Clipper");
    const size_t aave = find_vertex(net, LIQ_VERTEX_PROTOCOL, "AaveV3");
    const size_t liquity = find_vertex(net, LIQ_VERTEX_PROTOCOL, "Liquity");

    /* Keeper economics, breaker and dynamic penalty. */
    assert_string_equal(liq_network_vertex_string(net, lender, "chain"), "arbitrum");
    assert_true(liq_network_vertex_number(net, lender, "keepers.congestion") == 0.01);
    assert_string_equal(liq_network_vertex_string(net, lender, "keepers.anticipate_slippage"),
                        "true");
    assert_true(liq_network_vertex_number(net, lender, "keepers.capital") == 5.0e6);
    assert_true(liq_network_vertex_number(net, lender, "breaker.drop") == 0.2);
    assert_true(liq_network_vertex_number(net, lender, "breaker.window") == 10);
    assert_true(liq_network_vertex_number(net, lender, "breaker.pause") == 20);
    assert_true(liq_network_vertex_number(net, lender, "breaker.cap") == 3);
    assert_true(liq_network_vertex_number(net, lender, "dynamic_penalty.reference_volatility") ==
                0.001);
    assert_true(liq_network_vertex_number(net, lender, "dynamic_penalty.window") == 5);
    assert_true(liq_network_vertex_number(net, lender, "dynamic_penalty.max_scale") == 1.5);
    assert_string_equal(liq_network_vertex_string(net, lender, "liquidation.mode"), "");

    /* A Dutch auction with a linear curve: tau, no step or cut. */
    assert_string_equal(liq_network_vertex_string(net, maker, "liquidation.mode"), "dutch_auction");
    assert_string_equal(liq_network_vertex_string(net, maker, "liquidation.curve"), "linear");
    assert_true(liq_network_vertex_number(net, maker, "liquidation.chop") == 1.13);
    assert_true(liq_network_vertex_number(net, maker, "liquidation.buf") == 1.2);
    assert_true(liq_network_vertex_number(net, maker, "liquidation.tail") == 30);
    assert_true(liq_network_vertex_number(net, maker, "liquidation.cusp") == 0.4);
    assert_true(liq_network_vertex_number(net, maker, "liquidation.tip") == 300);
    assert_true(liq_network_vertex_number(net, maker, "liquidation.chip") == 0.002);
    assert_true(liq_network_vertex_number(net, maker, "liquidation.tau") == 600);
    assert_true(isnan(liq_network_vertex_number(net, maker, "liquidation.step")));
    assert_true(isnan(liq_network_vertex_number(net, maker, "liquidation.cut")));
    assert_true(liq_network_vertex_number(net, maker, "liquidation.hole") == 4.0e6);
    assert_true(liq_network_vertex_number(net, maker, "liquidation.keeper_capital") == 1.0e6);
    assert_string_equal(liq_network_vertex_string(net, maker, "chain"), "");
    assert_true(isnan(liq_network_vertex_number(net, maker, "breaker.drop")));
    assert_true(isnan(liq_network_vertex_number(net, maker, "keepers.capital")));

    /* v2_auction: the clipper's defaults (stairstep, unlimited hole) and
     * ClipperMom's breaker. No `preset` attribute: the scenario keeps none. */
    assert_string_equal(liq_network_vertex_string(net, clipper, "liquidation.mode"),
                        "dutch_auction");
    assert_string_equal(liq_network_vertex_string(net, clipper, "liquidation.curve"), "stairstep");
    assert_true(liq_network_vertex_number(net, clipper, "liquidation.step") == 90);
    assert_true(liq_network_vertex_number(net, clipper, "liquidation.cut") == 0.99);
    assert_true(liq_network_vertex_number(net, clipper, "liquidation.tail") == 600);
    assert_true(isinf(liq_network_vertex_number(net, clipper, "liquidation.hole")));
    assert_true(liq_network_vertex_number(net, clipper, "breaker.drop") == 0.5);
    assert_true(liq_network_vertex_number(net, clipper, "breaker.window") == 300);
    assert_true(liq_network_vertex_number(net, clipper, "breaker.pause") == 7200);
    assert_true(liq_network_vertex_number(net, clipper, "breaker.cap") == 0);
    assert_string_equal(liq_network_vertex_string(net, clipper, "preset"), "");

    /* v3_dynamic on top of the protocol's own keepers. */
    assert_string_equal(liq_network_vertex_string(net, aave, "keepers.anticipate_slippage"),
                        "true");
    assert_true(liq_network_vertex_number(net, aave, "keepers.congestion") == 0.02);
    assert_true(liq_network_vertex_number(net, aave, "dynamic_penalty.window") == 300);
    assert_true(liq_network_vertex_number(net, aave, "dynamic_penalty.max_scale") == 2);

    /* The stability pool. */
    assert_true(liq_network_vertex_number(net, liquity, "stability_pool.deposits") == 5.0e5);
    assert_true(liq_network_vertex_number(net, liquity, "stability_pool.gas_compensation") == 200);
    assert_true(liq_network_vertex_number(net, liquity, "stability_pool.gas_compensation_share") ==
                0.005);
    assert_true(liq_network_vertex_number(net, liquity, "stability_pool.sell_share") == 0.1);
    assert_true(liq_network_vertex_number(net, liquity, "stability_pool.recovery_mode.ccr") == 1.5);
    assert_true(isnan(liq_network_vertex_number(net, lender, "stability_pool.deposits")));

    /* Which attributes are scenario keys. */
    assert_true(liq_network_is_protocol_key("breaker.drop"));
    assert_true(liq_network_is_protocol_key("stability_pool.recovery_mode.ccr"));
    assert_true(liq_network_is_protocol_key("chain"));
    assert_true(liq_network_is_protocol_key("preset"));
    assert_false(liq_network_is_protocol_key("cite_breaker.drop"));
    assert_false(liq_network_is_protocol_key("gas_cost"));
    assert_false(liq_network_is_protocol_key("x"));

    /* Both formats read back as the same network; GML has no dots in keys. */
    round_trip(sc, "test_network_mechanisms.graphml", LIQ_GRAPH_AUTO);
    round_trip(sc, "test_network_mechanisms.gml", LIQ_GRAPH_AUTO);
    char *text = read_text("test_network_mechanisms.gml");
    assert_contains(text, "    stability_pool__recovery_mode__ccr 1.5\n");
    assert_contains(text, "    keepers__anticipate_slippage \"true\"\n");
    assert_contains(text, "    liquidation__hole INF\n");
    free(text);
    text = read_text("test_network_mechanisms.graphml");
    assert_contains(text, "<key id=\"v_breaker.drop\" for=\"node\" attr.name=\"breaker.drop\" "
                          "attr.type=\"double\"/>");
    free(text);
    liq_network_destroy(net);
    liq_scenario_destroy(sc);

    /* Without mechanism settings, no such attribute. */
    sc = load_features();
    net = build(sc);
    for (size_t k = 0; k < liq_network_vertex_attr_count(net); k++) {
        int type = 0;
        const char *name = liq_network_vertex_attr_name(net, k, &type);
        if (liq_network_is_protocol_key(name)) {
            fail_msg("network_features.yaml has the attribute '%s'", name);
        }
    }
    liq_network_destroy(net);
    liq_scenario_destroy(sc);
}

/* ------------------------------------------- every scenario feature */

static liq_scenario_t *load_features(void)
{
    liq_scenario_t *sc = NULL;
    if (liq_scenario_load(&sc, LIQ_SOURCE_DIR "/tests/data/network_features.yaml") != LIQ_OK) {
        fail_msg("network_features.yaml: %s", liq_errmsg());
    }
    return sc;
}

/* The edge from vertex `from` to `to` of a kind (the k-th of them). */
static size_t find_edge(const liq_network_t *net, liq_edge_kind_t kind, size_t from, size_t to,
                        int k)
{
    for (size_t e = 0; e < liq_network_edge_count(net); e++) {
        size_t f, t;
        liq_network_edge_ends(net, e, &f, &t);
        if (liq_network_edge_kind(net, e) == kind && f == from && t == to && k-- == 0) {
            return e;
        }
    }
    fail_msg("no %s edge %zu -> %zu", liq_edge_kind_name(kind), from, to);
    return 0;
}

/* tests/data/network_features.yaml as a graph: the attributes and edges of
 * each feature, counted and read back by hand. */
static void test_build_features(void **state)
{
    (void)state;
    liq_scenario_t *sc = load_features();
    liq_network_t *net = build(sc);
    /* 8 trades; reads: USD 1, ETH 3 inputs + 1 anchor, ETH-OSM 1, DAI-O 1;
     * CDP 3 + 2 debt + 1 issues; Lender (2 + 2 routes) + (2 + 1) + 2;
     * Lender2 (2 + 2) + 2; Treasury 2 debt + 2 holds. */
    assert_int_equal(liq_network_edge_count(net), 8 + 7 + 6 + 9 + 6 + 4);
    const size_t weth = 0, usdc = 1, dai = 2, pool1 = 3, pool2 = 4, dai_usdc = 6;
    const size_t eth = find_vertex(net, LIQ_VERTEX_ORACLE, "ETH");
    const size_t cdp = find_vertex(net, LIQ_VERTEX_PROTOCOL, "CDP");
    const size_t lender = find_vertex(net, LIQ_VERTEX_PROTOCOL, "Lender");
    const size_t lender2 = find_vertex(net, LIQ_VERTEX_PROTOCOL, "Lender2");
    const size_t treasury = find_vertex(net, LIQ_VERTEX_PROTOCOL, "Treasury");
    (void)usdc;

    /* StableSwap: the kind and A; a constant-product pool has no A. */
    assert_string_equal(liq_network_vertex_string(net, dai_usdc, "pool_kind"), "stableswap");
    assert_true(liq_network_vertex_number(net, dai_usdc, "amplification") == 100);
    assert_true(isnan(liq_network_vertex_number(net, pool1, "amplification")));

    /* The median: its inputs in order with how each is read, the anchor. */
    assert_string_equal(liq_network_vertex_string(net, eth, "source"), "median");
    assert_true(liq_network_vertex_number(net, eth, "anchor_band") == 0.25);
    size_t e = find_edge(net, LIQ_EDGE_READS, eth, weth, 0);
    assert_string_equal(liq_network_edge_string(net, e, "price_source"), "market");
    assert_string_equal(liq_network_edge_string(net, e, "role"), "");
    assert_true(isnan(liq_network_edge_number(net, e, "window")));
    e = find_edge(net, LIQ_EDGE_READS, eth, pool1, 0);
    assert_string_equal(liq_network_edge_string(net, e, "price_source"), "pool_spot");
    assert_string_equal(liq_network_edge_string(net, e + 1, "price_source"), "pool_twap");
    assert_true(liq_network_edge_number(net, e + 1, "window") == 4);
    e = find_edge(net, LIQ_EDGE_READS, eth, pool1, 1); /* the anchor reads the pool too */
    assert_string_equal(liq_network_edge_string(net, e, "role"), "anchor");
    assert_string_equal(liq_network_edge_string(net, e, "price_source"), "pool_twap");
    assert_true(liq_network_edge_number(net, e, "window") == 10);
    /* A plain oracle's edge carries nothing: its source is the vertex's. */
    e = find_edge(net, LIQ_EDGE_READS, find_vertex(net, LIQ_VERTEX_ORACLE, "ETH-OSM"), 5, 0);
    assert_string_equal(liq_network_edge_string(net, e, "price_source"), "");

    /* Routes: one edge per route with its share, none for best_price. */
    e = find_edge(net, LIQ_EDGE_MARKET, lender, weth, 0);
    assert_string_equal(liq_network_edge_string(net, e, "routing"), "weight");
    assert_true(liq_network_edge_number(net, find_edge(net, LIQ_EDGE_ROUTES, lender, pool1, 0),
                                        "weight") == 0.6);
    assert_true(liq_network_edge_number(net, find_edge(net, LIQ_EDGE_ROUTES, lender, pool2, 0),
                                        "weight") == 0.4);
    e = find_edge(net, LIQ_EDGE_MARKET, lender2, weth, 0);
    assert_string_equal(liq_network_edge_string(net, e, "routing"), "best_price");
    const size_t first = find_edge(net, LIQ_EDGE_ROUTES, lender2, pool2, 0);
    assert_true(find_edge(net, LIQ_EDGE_ROUTES, lender2, pool1, 0) == first + 1);
    assert_true(isnan(liq_network_edge_number(net, first, "weight")));
    assert_string_equal(
        liq_network_edge_string(net, find_edge(net, LIQ_EDGE_MARKET, lender2, usdc, 0), "routing"),
        ""); /* the debt edge has none */

    /* Issues and holdings, and the issuer's recovery. */
    assert_true(liq_network_edge_number(net, find_edge(net, LIQ_EDGE_ISSUES, cdp, dai, 0),
                                        "supply") == 4.0e6);
    assert_string_equal(liq_network_vertex_string(net, cdp, "recovery"), "zero");
    assert_string_equal(liq_network_vertex_string(net, lender, "recovery"), "");
    assert_true(liq_network_edge_number(net, find_edge(net, LIQ_EDGE_HOLDS, treasury, dai, 0),
                                        "amount") == 1.0e6);
    assert_true(liq_network_edge_number(net, find_edge(net, LIQ_EDGE_HOLDS, treasury, weth, 0),
                                        "amount") == 200);
    liq_network_destroy(net);
    liq_scenario_destroy(sc);
}

/* Values that only an exact number format keeps: 0.1 + 0.2, 1/3, Inf. */
static const char liq_awkward_yaml[] =
    "rounds: 3\n"
    "assets:\n"
    "  - {name: 'W&\"ETH\" <1>', price: 0.30000000000000004, market_depth: inf}\n"
    "  - {name: USDC, price: 1, market_resilience: 0.3333333333333333}\n"
    "pools:\n"
    "  - {name: P, token0: 'W&\"ETH\" <1>', token1: USDC, reserve0: 1.0e-300, "
    "reserve1: 123456789.123456789}\n"
    "oracles:\n"
    "  - {name: O, source: pool_twap, pool: P, window: 7, latency: 2, deviation: inf}\n"
    "  - {name: U, source: market, asset: USDC}\n"
    "protocols:\n"
    "  - name: L\n"
    "    debt_asset: USDC\n"
    "    debt_oracle: U\n"
    "    keepers: {min_profit: -2.5}\n"
    "    markets:\n"
    "      - {asset: 'W&\"ETH\" <1>', oracle: O, route: P, liquidation_threshold: 0.7,"
    " liquidation_bonus: 0.1}\n";

static void round_trip(const liq_scenario_t *sc, const char *path, liq_graph_format_t format)
{
    liq_network_t *net = build(sc);
    if (liq_network_write(net, path, format) != LIQ_OK) {
        fail_msg("write %s: %s", path, liq_errmsg());
    }
    liq_network_t *back = NULL;
    if (liq_network_read(&back, path, format) != LIQ_OK) {
        fail_msg("read %s: %s", path, liq_errmsg());
    }
    if (liq_network_compare(net, back) != LIQ_OK) {
        fail_msg("%s differs: %s", path, liq_errmsg());
    }
    for (size_t v = 0; v < liq_network_vertex_count(net); v++) {
        assert_int_equal(liq_network_vertex_kind(net, v), liq_network_vertex_kind(back, v));
    }
    for (size_t e = 0; e < liq_network_edge_count(net); e++) {
        assert_int_equal(liq_network_edge_kind(net, e), liq_network_edge_kind(back, e));
    }
    for (int k = 0; k < 4; k++) {
        assert_int_equal(liq_network_count(net, (liq_vertex_kind_t)k),
                         liq_network_count(back, (liq_vertex_kind_t)k));
    }
    /* The projection of the file is the projection of the scenario. */
    liq_protocol_graph_t *a = project(net), *b = project(back);
    liq_protocol_edges_t ea, eb;
    liq_protocol_graph_edges(a, &ea);
    liq_protocol_graph_edges(b, &eb);
    assert_int_equal(ea.n_edges, eb.n_edges);
    for (size_t e = 0; e < ea.n_edges; e++) {
        assert_int_equal(ea.from[e], eb.from[e]);
        assert_int_equal(ea.to[e], eb.to[e]);
        assert_true(ea.weight[e] == eb.weight[e]);
    }
    liq_protocol_graph_destroy(a);
    liq_protocol_graph_destroy(b);
    liq_network_destroy(back);
    liq_network_destroy(net);
}

static void test_round_trip(void **state)
{
    (void)state;
    liq_scenario_t *demo = load_demo();
    liq_scenario_t *awkward = parse_scenario(liq_awkward_yaml);
    round_trip(demo, "test_network_demo.graphml", LIQ_GRAPH_AUTO);
    round_trip(demo, "test_network_demo.gml", LIQ_GRAPH_AUTO);
    round_trip(awkward, "test_network_awkward.graphml", LIQ_GRAPH_GRAPHML);
    round_trip(awkward, "test_network_awkward.gml", LIQ_GRAPH_GML);
    liq_scenario_t *features = load_features();
    round_trip(features, "test_network_features.graphml", LIQ_GRAPH_AUTO);
    round_trip(features, "test_network_features.gml", LIQ_GRAPH_AUTO);
    liq_scenario_destroy(features);
    /* Exact numbers in the file, not 15 digits. */
    char *text = read_text("test_network_awkward.graphml");
    assert_contains(text, ">0.30000000000000004<");
    assert_contains(text, "<data key=\"v_market_depth\">Infinity</data>");
    assert_contains(text, "<node id=\"asset:W&amp;&quot;ETH&quot; &lt;1&gt;\">");
    assert_contains(text, "<key id=\"v_kind\" for=\"node\" attr.name=\"kind\"");
    assert_contains(text, "<key id=\"e_kind\" for=\"edge\" attr.name=\"kind\"");
    free(text);
    text = read_text("test_network_awkward.gml");
    assert_contains(text, "    price 0.30000000000000004\n    market_depth INF\n");
    free(text);

    /* A network differs from another, and the message says where. */
    liq_network_t *a = build(demo), *b = build(awkward);
    assert_int_equal(liq_network_compare(a, b), LIQ_EINVAL);
    liq_network_destroy(b);
    liq_scenario_t *demo2 = load_demo();
    demo2->pools[0].fee = 0.004;
    b = build(demo2);
    assert_int_equal(liq_network_compare(a, b), LIQ_EINVAL);
    assert_contains(liq_errmsg(), "vertex 2 ('WETH-USDC'): attribute 'fee': 0.003 != 0.004");
    liq_network_destroy(a);
    liq_network_destroy(b);
    liq_scenario_destroy(demo2);
    liq_scenario_destroy(demo);
    liq_scenario_destroy(awkward);
}

/* Writes a scenario's network, edits the file, reads it back: the
 * expected error. */
static void expect_read_error_in(liq_scenario_t *sc, const char *from, const char *to, int code,
                                 const char *message)
{
    liq_network_t *net = build(sc);
    assert_int_equal(liq_network_write(net, "test_network_edit.graphml", LIQ_GRAPH_AUTO), LIQ_OK);
    char *text = read_text("test_network_edit.graphml");
    char *edited = replace(text, from, to);
    write_text("test_network_edit.graphml", edited);
    liq_network_t *back = (liq_network_t *)&back;
    const int rc = liq_network_read(&back, "test_network_edit.graphml", LIQ_GRAPH_AUTO);
    if (rc != code) {
        fail_msg("code %d, expected %d: %s", rc, code, liq_errmsg());
    }
    assert_null(back);
    assert_contains(liq_errmsg(), message);
    free(text);
    free(edited);
    liq_network_destroy(net);
    liq_scenario_destroy(sc);
}

/* The same for the demo. */
static void expect_read_error(const char *from, const char *to, int code, const char *message)
{
    expect_read_error_in(load_demo(), from, to, code, message);
}

static void expect_features_error(const char *from, const char *to, int code, const char *message)
{
    expect_read_error_in(load_features(), from, to, code, message);
}

static void test_read_errors(void **state)
{
    (void)state;
    expect_read_error("<data key=\"v_fee\">0.003</data>", "<data key=\"v_fee\">-0.1</data>",
                      LIQ_EINVAL,
                      "test_network_edit.graphml: vertex 2 (pool 'WETH-USDC'): attribute 'fee': "
                      "value -0.1; expected a number in [0, 1)");
    expect_read_error("<data key=\"v_price\">2000</data>", "", LIQ_EKEY,
                      "vertex 0 (asset 'WETH'): missing attribute 'price'; expected a finite "
                      "number > 0");
    expect_read_error("<data key=\"v_kind\">oracle</data>", "<data key=\"v_kind\">feed</data>",
                      LIQ_EINVAL,
                      "vertex 3 (feed 'ETH/USD'): attribute 'kind': value 'feed'; expected one of "
                      "asset, pool, oracle, protocol");
    expect_read_error("<data key=\"v_source\">market</data>",
                      "<data key=\"v_source\">chainlink</data>", LIQ_EINVAL,
                      "attribute 'source': value 'chainlink'; expected one of market, pool_spot, "
                      "pool_twap");
    expect_read_error("<data key=\"v_heartbeat\">", "<data key=\"v_heartbeat\">0.5", LIQ_EINVAL,
                      "attribute 'heartbeat': value 0.5");
    expect_read_error("<data key=\"v_token1\">USDC</data>", "<data key=\"v_token1\">DAI</data>",
                      LIQ_EREF,
                      "vertex 2 (pool 'WETH-USDC'): attribute 'token1': value 'DAI'; expected "
                      "the name of an asset");
    expect_read_error("<edge source=\"pool:WETH-USDC\" target=\"asset:WETH\">",
                      "<edge source=\"asset:USDC\" target=\"asset:WETH\">", LIQ_EREF,
                      "edge 0 (trades 'USDC' -> 'WETH'): source vertex 1 is asset 'USDC'; "
                      "expected a source of kind pool");
    expect_read_error("<data key=\"e_liquidation_threshold\">0.83</data>",
                      "<data key=\"e_liquidation_threshold\">1.5</data>", LIQ_EINVAL,
                      "(market 'AaveLike' -> 'WETH'): attribute 'liquidation_threshold': value "
                      "1.5; expected a number in (0, 1]");
    expect_read_error("<data key=\"v_name\">USDC</data>", "<data key=\"v_name\">WETH</data>",
                      LIQ_EINVAL, "attribute 'name': value 'WETH' is also the name of vertex 0");
    expect_read_error("</graphml>", "</graphm", LIQ_EPARSE, "test_network_edit.graphml: igraph:");

    /* The attributes only some vertices or edges have: required where
     * they apply, refused elsewhere. */
    expect_features_error("<data key=\"v_pool_kind\">stableswap</data>",
                          "<data key=\"v_pool_kind\">constant_product</data>", LIQ_EINVAL,
                          "test_network_edit.graphml: vertex 6 (pool 'DAI-USDC'): attribute "
                          "'amplification': value 100; expected none (only a pool of pool_kind "
                          "stableswap has one)");
    expect_features_error("<data key=\"v_amplification\">100</data>", "", LIQ_EKEY,
                          "vertex 6 (pool 'DAI-USDC'): missing attribute 'amplification'; "
                          "expected a finite number > 0");
    expect_features_error("<data key=\"v_anchor_band\">0.25</data>", "", LIQ_EKEY,
                          "vertex 8 (oracle 'ETH'): missing attribute 'anchor_band'; expected a "
                          "finite number >= 0");
    expect_features_error("<data key=\"e_role\">anchor</data>", "", LIQ_EINVAL,
                          "vertex 8 (oracle 'ETH'): attribute 'anchor_band': value 0.25; expected "
                          "none (only an oracle with a reads edge of role anchor has one)");
    expect_features_error("<data key=\"v_recovery\">zero</data>", "", LIQ_EKEY,
                          "vertex 11 (protocol 'CDP'): missing attribute 'recovery'; expected one "
                          "of pro_rata, zero");
    expect_features_error("<data key=\"v_recovery\">zero</data>",
                          "<data key=\"v_recovery\">half</data>", LIQ_EINVAL,
                          "vertex 11 (protocol 'CDP'): attribute 'recovery': value 'half'; "
                          "expected one of pro_rata, zero");
    expect_features_error("<data key=\"e_price_source\">market</data>", "", LIQ_EKEY,
                          "edge 9 (reads 'ETH' -> 'WETH'): missing attribute 'price_source'; "
                          "expected one of market, pool_spot, pool_twap");
    expect_features_error("<data key=\"e_window\">4</data>", "", LIQ_EKEY,
                          "edge 11 (reads 'ETH' -> 'WETH-USDC-2'): missing attribute 'window'; "
                          "expected a whole number >= 1");
    expect_features_error("<data key=\"e_routing\">best_price</data>",
                          "<data key=\"e_routing\">cheapest</data>", LIQ_EINVAL,
                          "edge 30 (market 'Lender2' -> 'WETH'): attribute 'routing': value "
                          "'cheapest'; expected one of weight, best_price");
    expect_features_error("<edge source=\"protocol:Lender2\" target=\"pool:WETH-USDC-2\">",
                          "<edge source=\"protocol:Lender2\" target=\"pool:WETH-USDC-2\">"
                          "<data key=\"e_weight\">1</data>",
                          LIQ_EINVAL,
                          "edge 32 (routes 'Lender2' -> 'WETH-USDC-2'): attribute 'weight': value "
                          "1; expected none (the market's routing is best_price)");
    expect_features_error("<data key=\"e_weight\">0.6</data>", "", LIQ_EKEY,
                          "edge 23 (routes 'Lender' -> 'WETH-USDC'): missing attribute 'weight'; "
                          "expected a number in (0, 1]");
    expect_features_error("<data key=\"e_supply\">4000000</data>", "", LIQ_EKEY,
                          "edge 20 (issues 'CDP' -> 'DAI'): missing attribute 'supply'; expected "
                          "a finite number > 0");
    expect_features_error("<data key=\"e_amount\">200</data>", "<data key=\"e_amount\">-200</data>",
                          LIQ_EINVAL,
                          "edge 39 (holds 'Treasury' -> 'WETH'): attribute 'amount': value -200; "
                          "expected a finite number > 0");

    liq_network_t *net = NULL;
    assert_int_equal(liq_network_read(&net, "test_network_missing.graphml", LIQ_GRAPH_AUTO),
                     LIQ_EIO);
    assert_contains(liq_errmsg(), "test_network_missing.graphml: cannot read");
    assert_int_equal(liq_network_read(&net, "test_network.txt", LIQ_GRAPH_AUTO), LIQ_EINVAL);
    assert_contains(liq_errmsg(), "expected an extension .graphml, .xml or .gml");
    write_text("test_network_garbage.gml", "graph [ node [ id 0 ] edge [ source 0 target ");
    assert_int_equal(liq_network_read(&net, "test_network_garbage.gml", LIQ_GRAPH_AUTO),
                     LIQ_EPARSE);
    assert_null(net);
}

/* ---------------------------------------------------- protocol graphs */

/* The brief's example: A and B share WETH (X0) only; B and C share the
 * WBTC (X1) asset and pool, not the oracle; D alone on X2. All owe USDC
 * priced by USD, which does not link them. */
static const char *const liq_hand[] = {"0,0,0", "0,1,1 1,0,0", "1,0,1", "2,0,0"};

static void test_projection_by_hand(void **state)
{
    (void)state;
    liq_scenario_t *sc = NULL;
    liq_protocol_graph_t *pg = ecosystem_graph(liq_hand, 4, &sc);
    liq_protocol_edges_t e;
    liq_protocol_graph_edges(pg, &e);
    assert_int_equal(e.n_protocols, 4);
    assert_int_equal(e.n_edges, 2);
    assert_string_equal(liq_protocol_graph_name(pg, 1), "B");
    /* A-B: one asset. */
    assert_int_equal(e.from[0], 0);
    assert_int_equal(e.to[0], 1);
    assert_true(e.weight[0] == 1);
    assert_int_equal(e.shared_assets[0], 1);
    assert_int_equal(e.shared_pools[0], 0);
    assert_int_equal(e.shared_oracles[0], 0);
    /* B-C: asset and pool. */
    assert_int_equal(e.from[1], 1);
    assert_int_equal(e.to[1], 2);
    assert_true(e.weight[1] == 2);
    assert_int_equal(e.shared_assets[1], 1);
    assert_int_equal(e.shared_pools[1], 1);
    assert_int_equal(e.shared_oracles[1], 0);

    /* The shock on X0 (WETH) enters at A and B. */
    uint8_t source[4];
    liq_contagion_sources(sc, source);
    assert_memory_equal(source, ((uint8_t[]){1, 1, 0, 0}), 4);
    int64_t distance[4];
    assert_int_equal(liq_contagion_distance(pg, source, distance), LIQ_OK);
    assert_true(distance[0] == 0 && distance[1] == 0 && distance[2] == 1 && distance[3] == -1);
    /* From D alone, nothing else is reachable; from C, A is two hops. */
    const uint8_t only_c[4] = {0, 0, 1, 0};
    assert_int_equal(liq_contagion_distance(pg, only_c, distance), LIQ_OK);
    assert_true(distance[0] == 2 && distance[1] == 1 && distance[2] == 0 && distance[3] == -1);
    const uint8_t none[4] = {0, 0, 0, 0};
    assert_int_equal(liq_contagion_distance(pg, none, distance), LIQ_OK);
    assert_true(distance[0] == -1 && distance[1] == -1 && distance[2] == -1 && distance[3] == -1);

    /* Failed {A, B, D}: components {A, B} and {D}; C did not fail. */
    const uint8_t failed[4] = {1, 1, 0, 1};
    liq_failed_clusters_t cl;
    assert_int_equal(liq_failed_clusters(&cl, pg, failed), LIQ_OK);
    assert_int_equal(cl.n_components, 2);
    assert_true(cl.component[0] == 0 && cl.component[1] == 0 && cl.component[2] == -1 &&
                cl.component[3] == 1);
    assert_true(cl.size[0] == 2 && cl.size[1] == 1);
    liq_failed_clusters_destroy(&cl);
    /* Failed {A, C}: B is not failed, so A and C are apart. */
    const uint8_t apart[4] = {1, 0, 1, 0};
    assert_int_equal(liq_failed_clusters(&cl, pg, apart), LIQ_OK);
    assert_int_equal(cl.n_components, 2);
    assert_true(cl.component[0] == 0 && cl.component[2] == 1 && cl.size[0] == 1);
    liq_failed_clusters_destroy(&cl);
    liq_failed_clusters_destroy(NULL);

    liq_protocol_graph_destroy(pg);
    liq_scenario_destroy(sc);
}

/* tests/data/network_features.yaml worked by hand. CDP (0) takes WETH,
 * sold on WETH-DAI, priced by ETH-OSM, and issues DAI; Lender (1) takes
 * WETH (ETH; routes WETH-USDC and WETH-USDC-2) and DAI (DAI-O; DAI-USDC);
 * Lender2 (2) takes WETH (ETH; routes WETH-USDC-2 and WETH-USDC); Treasury
 * (3) has no market and holds DAI and WETH. Links:
 *   CDP-Lender:      WETH; tokens: DAI, which Lender accepts    -> 1 + 1
 *   CDP-Lender2:     WETH                                       -> 1
 *   CDP-Treasury:    tokens: DAI, which Treasury holds          -> 1
 *   Lender-Lender2:  WETH, both route pools, ETH                -> 1 + 2 + 1
 * Holding WETH is no shared collateral asset, and DAI-O prices Lender's
 * collateral but only CDP's and Treasury's debt: neither links. */
static void test_projection_tokens(void **state)
{
    (void)state;
    liq_scenario_t *sc = load_features();
    liq_network_t *net = build(sc);
    liq_protocol_graph_t *pg = project(net);
    liq_protocol_edges_t e;
    liq_protocol_graph_edges(pg, &e);
    assert_int_equal(e.n_edges, 4);
    const int64_t from[4] = {0, 0, 0, 1}, to[4] = {1, 2, 3, 2};
    const int64_t assets[4] = {1, 1, 0, 1}, pools[4] = {0, 0, 0, 2}, oracles[4] = {0, 0, 0, 1},
                  tokens[4] = {1, 0, 1, 0};
    const double weight[4] = {2, 1, 1, 4};
    for (size_t k = 0; k < 4; k++) {
        assert_int_equal(e.from[k], from[k]);
        assert_int_equal(e.to[k], to[k]);
        assert_int_equal(e.shared_assets[k], assets[k]);
        assert_int_equal(e.shared_pools[k], pools[k]);
        assert_int_equal(e.shared_oracles[k], oracles[k]);
        assert_int_equal(e.shared_tokens[k], tokens[k]);
        assert_true(e.weight[k] == weight[k]);
    }

    /* The WETH shock enters everywhere: Treasury through its holding. */
    uint8_t source[4];
    liq_contagion_sources(sc, source);
    assert_memory_equal(source, ((uint8_t[]){1, 1, 1, 1}), 4);
    /* Without the WETH holding, Treasury is one hop away, over DAI. */
    sc->protocols[3].n_holdings = 1;
    liq_contagion_sources(sc, source);
    assert_memory_equal(source, ((uint8_t[]){1, 1, 1, 0}), 4);
    liq_network_t *without = NULL;
    assert_int_equal(liq_network_build(&without, sc, NULL), LIQ_OK);
    sc->protocols[3].n_holdings = 2;
    liq_protocol_graph_t *pg1 = project(without);
    int64_t distance[4];
    assert_int_equal(liq_contagion_distance(pg1, source, distance), LIQ_OK);
    assert_true(distance[0] == 0 && distance[1] == 0 && distance[2] == 0 && distance[3] == 1);

    liq_protocol_graph_destroy(pg1);
    liq_network_destroy(without);
    liq_protocol_graph_destroy(pg);
    liq_network_destroy(net);
    liq_scenario_destroy(sc);
}

/* PageRank by power iteration on the weighted undirected graph, written from
 * the definition: PR = (1-d)/n + d (sum_j w_ij/s_j PR_j + dangling/n). */
static void reference_pagerank(const liq_protocol_edges_t *e, double *pr)
{
    const size_t n = e->n_protocols;
    double strength[16] = {0}, next[16];
    assert_true(n <= 16);
    for (size_t k = 0; k < e->n_edges; k++) {
        strength[e->from[k]] += e->weight[k];
        strength[e->to[k]] += e->weight[k];
    }
    for (size_t i = 0; i < n; i++) {
        pr[i] = 1.0 / (double)n;
    }
    for (int it = 0; it < 2000; it++) {
        double dangling = 0;
        for (size_t i = 0; i < n; i++) {
            dangling += strength[i] == 0 ? pr[i] : 0;
        }
        for (size_t i = 0; i < n; i++) {
            next[i] = (1 - 0.85) / (double)n + 0.85 * dangling / (double)n;
        }
        for (size_t k = 0; k < e->n_edges; k++) {
            const int64_t a = e->from[k], b = e->to[k];
            next[b] += 0.85 * pr[a] * e->weight[k] / strength[a];
            next[a] += 0.85 * pr[b] * e->weight[k] / strength[b];
        }
        memcpy(pr, next, n * sizeof(*pr));
    }
}

static void test_pagerank(void **state)
{
    (void)state;
    double rank[8], ref[16];
    /* A symmetric graph (a triangle, all weights 3): equal ranks. */
    static const char *const triangle[] = {"0,0,0", "0,0,0", "0,0,0"};
    liq_protocol_graph_t *pg = ecosystem_graph(triangle, 3, NULL);
    assert_int_equal(liq_contagion_pagerank(pg, rank), LIQ_OK);
    for (int i = 0; i < 3; i++) {
        assert_within(rank[i], 1.0 / 3, 1e-12);
    }
    liq_protocol_graph_destroy(pg);

    /* A star with 3 leaves: centre c = (1 + d k) / (N (1 + d)), k = 3,
     * N = 4, from c = (1-d)/N + d k l and l = (1-d)/N + d c / k. */
    static const char *const star[] = {"0,0,0 1,0,0 2,0,0", "0,0,0", "1,0,0", "2,0,0"};
    pg = ecosystem_graph(star, 4, NULL);
    assert_int_equal(liq_contagion_pagerank(pg, rank), LIQ_OK);
    const double d = 0.85, centre = (1 + d * 3) / (4 * (1 + d));
    assert_within(rank[0], centre, 1e-12);
    for (int i = 1; i < 4; i++) {
        assert_within(rank[i], (1 - centre) / 3, 1e-12);
    }
    liq_protocol_graph_destroy(pg);

    /* Weighted and with an isolated protocol: the hand example. */
    pg = ecosystem_graph(liq_hand, 4, NULL);
    liq_protocol_edges_t e;
    liq_protocol_graph_edges(pg, &e);
    reference_pagerank(&e, ref);
    assert_int_equal(liq_contagion_pagerank(pg, rank), LIQ_OK);
    double sum = 0;
    for (int i = 0; i < 4; i++) {
        assert_within(rank[i], ref[i], 1e-10);
        sum += rank[i];
    }
    assert_within(sum, 1.0, 1e-12);
    assert_true(rank[1] > rank[2] && rank[2] > rank[0]); /* B central; C's link is heavier */
    liq_protocol_graph_destroy(pg);
}

static void test_betweenness(void **state)
{
    (void)state;
    double b[8];
    /* A path of 5 protocols: 0, 3, 4, 3, 0 (pairs whose path crosses). */
    static const char *const path[] = {"0,0,0", "0,1,1 1,0,0", "1,1,1 2,0,0", "2,1,1 3,0,0",
                                       "3,1,1"};
    liq_protocol_graph_t *pg = ecosystem_graph(path, 5, NULL);
    assert_int_equal(liq_contagion_betweenness(pg, LIQ_BETWEENNESS_HOPS, b), LIQ_OK);
    const double expected[5] = {0, 3, 4, 3, 0};
    for (int i = 0; i < 5; i++) {
        assert_within(b[i], expected[i], 1e-12);
    }
    liq_protocol_graph_destroy(pg);

    /* A path of 3: the middle has 1. */
    static const char *const three[] = {"0,0,0", "0,1,1 1,0,0", "1,1,1"};
    pg = ecosystem_graph(three, 3, NULL);
    assert_int_equal(liq_contagion_betweenness(pg, LIQ_BETWEENNESS_HOPS, b), LIQ_OK);
    assert_within(b[0], 0, 0);
    assert_within(b[1], 1, 0);
    assert_within(b[2], 0, 0);
    liq_protocol_graph_destroy(pg);

    /* A triangle with A-B and B-C of weight 3 and A-C of weight 1: in hops
     * no one is between; with lengths 1/w, A-B-C (2/3) beats A-C (1). */
    static const char *const tri[] = {"0,0,0 2,0,0", "0,0,0 1,0,0", "1,0,0 2,1,1"};
    pg = ecosystem_graph(tri, 3, NULL);
    liq_protocol_edges_t e;
    liq_protocol_graph_edges(pg, &e);
    assert_int_equal(e.n_edges, 3);
    assert_true(e.weight[0] == 3 && e.weight[1] == 1 && e.weight[2] == 3); /* AB, AC, BC */
    assert_int_equal(liq_contagion_betweenness(pg, LIQ_BETWEENNESS_HOPS, b), LIQ_OK);
    assert_true(b[0] == 0 && b[1] == 0 && b[2] == 0);
    assert_int_equal(liq_contagion_betweenness(pg, LIQ_BETWEENNESS_INVERSE_WEIGHT, b), LIQ_OK);
    assert_within(b[0], 0, 0);
    assert_within(b[1], 1, 0);
    assert_within(b[2], 0, 0);
    liq_protocol_graph_destroy(pg);
}

/* ------------------------------------------------- generated ecosystems */

static char *generate(const liq_ecosystem_options_t *o)
{
    char *yaml = NULL;
    if (liq_network_generate(&yaml, o) != LIQ_OK) {
        fail_msg("liq_network_generate: %s", liq_errmsg());
    }
    return yaml;
}

/* Parses, checks the counts, and runs a few rounds. */
static liq_scenario_t *check_generated(const char *yaml, const liq_ecosystem_options_t *o)
{
    liq_scenario_t *sc = parse_scenario(yaml);
    assert_int_equal(sc->n_assets, o->n_assets + 1);
    assert_int_equal(sc->n_pools, o->n_assets);
    assert_int_equal(sc->n_oracles, o->n_assets + 1);
    assert_int_equal(sc->n_protocols, o->n_protocols);
    assert_true(sc->seed == o->seed);
    int64_t accounts = 0;
    for (size_t g = 0; g < sc->n_generators; g++) {
        accounts += sc->generators[g].count;
    }
    assert_int_equal(accounts, o->n_accounts);
    for (size_t p = 0; p < sc->n_protocols; p++) {
        assert_true(sc->protocols[p].n_markets >= 1);
        assert_int_equal(sc->protocols[p].debt_asset, (int32_t)o->n_assets);
    }
    liq_sim_t *sim = create_sim(sc, NULL, 1);
    for (int r = 0; r < 8; r++) {
        step_sim(sim, NULL);
    }
    assert_int_equal(liq_sim_round(sim), 8);
    liq_sim_destroy(sim);
    return sc;
}

static void test_generate_models(void **state)
{
    (void)state;
    liq_ecosystem_options_t o;
    liq_ecosystem_options_init(&o);
    o.n_protocols = 12;
    o.n_assets = 6;
    o.n_accounts = 3000;
    o.rounds = 20;
    o.seed = 7;
    const liq_ecosystem_model_t models[3] = {LIQ_ECOSYSTEM_ERDOS_RENYI,
                                             LIQ_ECOSYSTEM_BARABASI_ALBERT, LIQ_ECOSYSTEM_BLOCKS};
    for (int m = 0; m < 3; m++) {
        o.model = models[m];
        char *a = generate(&o);
        char *b = generate(&o);
        assert_string_equal(a, b); /* same seed, same text */
        o.seed = 8;
        char *c = generate(&o);
        o.seed = 7;
        assert_true(strcmp(a, c) != 0);
        liq_scenario_t *sc = check_generated(a, &o);
        /* The network of a generated scenario projects without trouble. */
        liq_network_t *net = build(sc);
        liq_protocol_graph_t *pg = project(net);
        assert_int_equal(liq_protocol_graph_vertex_count(pg), o.n_protocols);
        liq_protocol_graph_destroy(pg);
        liq_network_destroy(net);
        liq_scenario_destroy(sc);
        free(a);
        free(b);
        free(c);
    }

    /* Heavy-tailed accounts per protocol: over 200 protocols, Pareto weights
     * of tail index 1.2 put far more than 5 times the mean count on the
     * largest protocol (its expected ratio is about 200^(1/1.2) / 6 = 14);
     * a tail index of 50 keeps every protocol within 1.5 times the mean. */
    o.model = LIQ_ECOSYSTEM_ERDOS_RENYI;
    o.n_protocols = 200;
    o.n_accounts = 100000;
    const double alphas[2] = {1.2, 50};
    for (int k = 0; k < 2; k++) {
        o.accounts_alpha = alphas[k];
        char *y = generate(&o);
        liq_scenario_t *sc = parse_scenario(y);
        int64_t per[200] = {0}, largest = 0, total = 0;
        for (size_t g = 0; g < sc->n_generators; g++) {
            per[sc->generators[g].protocol] += sc->generators[g].count;
        }
        for (int p = 0; p < 200; p++) {
            largest = per[p] > largest ? per[p] : largest;
            total += per[p];
        }
        assert_int_equal(total, 100000);
        if (k == 0) {
            assert_true(largest > 5 * 500);
        } else {
            assert_true(largest < 750);
        }
        liq_scenario_destroy(sc);
        free(y);
    }
    o.n_protocols = 12;
    o.n_accounts = 3000;
    o.accounts_alpha = 1.2;

    /* Blocks with no link across clusters: the protocol graph splits into
     * the clusters (protocols 0-5 with assets 0-2, 6-11 with 3-5). */
    char *y;
    liq_scenario_t *sc;
    /* Blocks with no link across clusters: the protocol graph splits into
     * the clusters (protocols 0-5 with assets 0-2, 6-11 with 3-5). */
    o.model = LIQ_ECOSYSTEM_BLOCKS;
    o.n_blocks = 2;
    o.p_within = 1.0;
    o.p_between = 0.0;
    y = generate(&o);
    sc = parse_scenario(y);
    for (size_t p = 0; p < 12; p++) {
        for (size_t m = 0; m < sc->protocols[p].n_markets; m++) {
            assert_int_equal(sc->protocols[p].markets[m].asset / 3, (int32_t)(p / 6));
        }
        assert_int_equal(sc->protocols[p].n_markets, 3);
    }
    liq_scenario_destroy(sc);
    free(y);
}

static void test_generate_degrees(void **state)
{
    (void)state;
    const int64_t protocol_degrees[6] = {3, 2, 2, 1, 1, 1};
    const int64_t asset_degrees[4] = {4, 3, 2, 1};
    liq_ecosystem_options_t o;
    liq_ecosystem_options_init(&o);
    o.model = LIQ_ECOSYSTEM_DEGREES;
    o.n_protocols = 6;
    o.n_assets = 4;
    o.n_accounts = 600;
    o.rounds = 10;
    o.protocol_degrees = protocol_degrees;
    o.asset_degrees = asset_degrees;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        o.seed = seed;
        char *y = generate(&o);
        liq_scenario_t *sc = check_generated(y, &o);
        int64_t per_asset[4] = {0};
        for (size_t p = 0; p < 6; p++) {
            assert_int_equal(sc->protocols[p].n_markets, protocol_degrees[p]);
            for (size_t m = 0; m < sc->protocols[p].n_markets; m++) {
                per_asset[sc->protocols[p].markets[m].asset]++;
            }
        }
        assert_memory_equal(per_asset, asset_degrees, sizeof(asset_degrees));
        liq_scenario_destroy(sc);
        free(y);
    }

    /* No simple bipartite graph: protocol 1 needs 3 assets, 2 are in use. */
    const int64_t bad_p[2] = {1, 3};
    const int64_t bad_a[3] = {2, 2, 0};
    o.n_protocols = 2;
    o.n_assets = 3;
    o.protocol_degrees = bad_p;
    o.asset_degrees = bad_a;
    char *y = (char *)&y;
    assert_int_equal(liq_network_generate(&y, &o), LIQ_EINVAL);
    assert_null(y);
    assert_contains(liq_errmsg(), "protocol_degrees and asset_degrees: igraph:");

    const int64_t uneven[2] = {1, 1};
    o.protocol_degrees = uneven;
    assert_int_equal(liq_network_generate(&y, &o), LIQ_EINVAL);
    assert_contains(liq_errmsg(), "protocol_degrees add up to 2 and asset_degrees to 4");

    liq_ecosystem_options_init(&o);
    o.probability = 1.5;
    assert_int_equal(liq_network_generate(&y, &o), LIQ_EINVAL);
    assert_contains(liq_errmsg(), "generator: probability: expected a number in [0, 1]");
}

/* ----------------------------------------------------- contagion record */

/* Runs tests/data/contagion_small.yaml for `rounds` rounds on `threads`
 * threads and builds its contagion record with `options`. */
static void contagion_run(liq_contagion_record_t *record, int64_t rounds, int threads,
                          const liq_contagion_options_t *options)
{
    liq_scenario_t *sc = NULL;
    liq_positions_t *pos = NULL;
    liq_metrics_t *metrics = NULL;
    if (liq_scenario_load(&sc, LIQ_TEST_DATA_DIR "/contagion_small.yaml") != LIQ_OK ||
        liq_positions_load(&pos, sc) != LIQ_OK) {
        fail_msg("contagion_small.yaml: %s", liq_errmsg());
    }
    liq_sim_t *sim = create_sim(sc, pos, threads);
    if (liq_metrics_create(&metrics, sim) != LIQ_OK) {
        fail_msg("liq_metrics_create: %s", liq_errmsg());
    }
    liq_state_view_t view;
    for (int64_t t = 0; t < rounds; t++) {
        step_sim(sim, &view);
        assert_int_equal(liq_metrics_add(metrics, &view), LIQ_OK);
    }
    if (liq_contagion_record_build(record, sc, liq_metrics_summary(metrics), options) != LIQ_OK) {
        fail_msg("liq_contagion_record_build: %s", liq_errmsg());
    }
    liq_metrics_destroy(metrics);
    liq_sim_destroy(sim);
    liq_positions_destroy(pos);
    liq_scenario_destroy(sc);
}

static void assert_int64_array(const int64_t *got, const int64_t *expected, size_t n,
                               const char *what)
{
    for (size_t i = 0; i < n; i++) {
        if (got[i] != expected[i]) {
            fail_msg("%s[%zu]: %lld; expected %lld", what, i, (long long)got[i],
                     (long long)expected[i]);
        }
    }
}

/* The values worked out in the comment of tests/data/contagion_small.yaml. */
static void test_contagion_record_by_hand(void **state)
{
    (void)state;
    liq_contagion_record_t r;
    contagion_run(&r, 8, 1, NULL);
    static const char *const names[6] = {"Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"};
    assert_int_equal(r.n_protocols, 6);
    for (size_t p = 0; p < 6; p++) {
        assert_string_equal(r.name[p], names[p]);
    }
    const uint8_t source[6] = {1, 1, 0, 0, 0, 1}, failed[6] = {1, 1, 0, 1, 1, 0};
    const int64_t distance[6] = {0, 0, 1, 2, -1, 0}, first_failure[6] = {3, 5, -1, 1, 1, -1},
                  cluster[6] = {0, 0, -1, 1, 2, -1}, degree[6] = {2, 3, 2, 1, 0, 2};
    const double strength[6] = {4, 6, 6, 3, 0, 3}, betweenness[6] = {0, 4, 3, 0, 0, 0};
    assert_memory_equal(r.source, source, 6);
    assert_memory_equal(r.failed, failed, 6);
    assert_int64_array(r.distance, distance, 6, "distance");
    assert_int64_array(r.first_failure, first_failure, 6, "first_failure");
    assert_int64_array(r.cluster, cluster, 6, "cluster");
    assert_int64_array(r.degree, degree, 6, "degree");
    for (size_t p = 0; p < 6; p++) {
        assert_within(r.strength[p], strength[p], 0);
        assert_within(r.betweenness[p], betweenness[p], 1e-12);
    }
    /* Links in (from, to) order with their shared assets, pools, oracles. */
    assert_int_equal(r.n_links, 5);
    const int64_t from[5] = {0, 0, 1, 1, 2}, to[5] = {1, 5, 2, 5, 3};
    const int64_t assets[5] = {1, 1, 1, 1, 1}, pools[5] = {1, 0, 1, 0, 1},
                  oracles[5] = {0, 1, 1, 0, 1};
    assert_int64_array(r.link_from, from, 5, "link_from");
    assert_int64_array(r.link_to, to, 5, "link_to");
    assert_int64_array(r.link_shared_assets, assets, 5, "shared_assets");
    assert_int64_array(r.link_shared_pools, pools, 5, "shared_pools");
    assert_int64_array(r.link_shared_oracles, oracles, 5, "shared_oracles");
    const int64_t tokens[5] = {0, 0, 0, 0, 0}; /* nobody issues anything */
    assert_int64_array(r.link_shared_tokens, tokens, 5, "shared_tokens");
    const double weight[5] = {2, 2, 3, 1, 3};
    for (size_t e = 0; e < 5; e++) {
        assert_within(r.link_weight[e], weight[e], 0);
    }
    assert_int_equal(r.n_clusters, 3);
    const int64_t sizes[3] = {2, 1, 1};
    assert_int64_array(r.cluster_size, sizes, 3, "cluster_size");
    assert_int_equal(r.rounds, 8);
    assert_int_equal(r.sources, 3);
    assert_int_equal(r.failed_count, 4);
    assert_int_equal(r.largest_cluster, 2);
    assert_int_equal(r.reach, 2); /* Delta; Epsilon, unreachable, does not count */
    assert_true(r.betweenness_computed);
    assert_string_equal(r.betweenness_note, "exact");
    assert_within(r.betweenness_cost, 6.0 * (6 + 5), 0);
    /* PageRank against the power iteration written from the definition. */
    const liq_protocol_edges_t edges = {6,
                                        5,
                                        r.link_from,
                                        r.link_to,
                                        r.link_weight,
                                        r.link_shared_assets,
                                        r.link_shared_pools,
                                        r.link_shared_oracles,
                                        r.link_shared_tokens};
    double ref[16], sum = 0;
    reference_pagerank(&edges, ref);
    for (size_t p = 0; p < 6; p++) {
        assert_within(r.pagerank[p], ref[p], 1e-10);
        sum += r.pagerank[p];
    }
    assert_within(sum, 1.0, 1e-12);

    /* The same record, bit for bit, on 3 threads. */
    liq_contagion_record_t r3;
    contagion_run(&r3, 8, 3, NULL);
    assert_memory_equal(r3.first_failure, r.first_failure, 6 * sizeof(int64_t));
    assert_memory_equal(r3.pagerank, r.pagerank, 6 * sizeof(double));
    assert_memory_equal(r3.betweenness, r.betweenness, 6 * sizeof(double));
    assert_memory_equal(r3.cluster, r.cluster, 6 * sizeof(int64_t));
    liq_contagion_record_destroy(&r3);
    liq_contagion_record_destroy(&r);
    assert_null(r.name);
    liq_contagion_record_destroy(&r); /* a zeroed record */
    liq_contagion_record_destroy(NULL);
}

/* Four rounds only: Beta's oracle has not published the fall yet, so the
 * failed set is {Alpha, Delta, Epsilon}, three clusters of one. */
static void test_contagion_record_partial_run(void **state)
{
    (void)state;
    liq_contagion_record_t r;
    contagion_run(&r, 4, 2, NULL);
    const int64_t first_failure[6] = {3, -1, -1, 1, 1, -1}, cluster[6] = {0, -1, -1, 1, 2, -1};
    assert_int64_array(r.first_failure, first_failure, 6, "first_failure");
    assert_int64_array(r.cluster, cluster, 6, "cluster");
    assert_int_equal(r.rounds, 4);
    assert_int_equal(r.failed_count, 3);
    assert_int_equal(r.n_clusters, 3);
    assert_int_equal(r.largest_cluster, 1);
    assert_int_equal(r.reach, 2);
    liq_contagion_record_destroy(&r);
}

static void test_contagion_record_betweenness_limit(void **state)
{
    (void)state;
    liq_contagion_options_t o;
    liq_contagion_options_init(&o);
    assert_int_equal(o.betweenness, LIQ_CENTRALITY_AUTO);
    assert_within(o.betweenness_limit, LIQ_CONTAGION_BETWEENNESS_LIMIT, 0);
    liq_contagion_record_t r;
    /* AUTO under a limit the graph exceeds (6 x 11 = 66 > 65): skipped, NaN, and why. */
    o.betweenness_limit = 65;
    contagion_run(&r, 8, 1, &o);
    assert_false(r.betweenness_computed);
    for (size_t p = 0; p < 6; p++) {
        assert_true(isnan(r.betweenness[p]));
    }
    assert_contains(r.betweenness_note, "skipped: V (V + E) = 66 for 6 protocols and 5 links");
    assert_contains(r.betweenness_note, "exceeds the limit 65");
    assert_int_equal(r.reach, 2); /* the rest is all there */
    liq_contagion_record_destroy(&r);
    /* At the limit: exact. */
    o.betweenness_limit = 66;
    contagion_run(&r, 8, 1, &o);
    assert_true(r.betweenness_computed);
    assert_within(r.betweenness[1], 4, 1e-12);
    liq_contagion_record_destroy(&r);
    /* EXACT ignores the limit; SKIP never computes. */
    o.betweenness_limit = 1;
    o.betweenness = LIQ_CENTRALITY_EXACT;
    contagion_run(&r, 8, 1, &o);
    assert_true(r.betweenness_computed);
    assert_within(r.betweenness[2], 3, 1e-12);
    assert_string_equal(r.betweenness_note, "exact (forced)");
    liq_contagion_record_destroy(&r);
    o.betweenness = LIQ_CENTRALITY_SKIP;
    o.betweenness_limit = 1e30;
    contagion_run(&r, 8, 1, &o);
    assert_false(r.betweenness_computed);
    assert_true(isnan(r.betweenness[0]));
    assert_contains(r.betweenness_note, "skipped on request");
    liq_contagion_record_destroy(&r);
}

static void test_contagion_record_errors(void **state)
{
    (void)state;
    liq_scenario_t *sc = NULL;
    assert_int_equal(liq_scenario_load(&sc, LIQ_TEST_DATA_DIR "/contagion_small.yaml"), LIQ_OK);
    int64_t first_failure[5] = {-1, -1, -1, -1, -1};
    liq_summary_t summary;
    memset(&summary, 0, sizeof(summary));
    summary.n_protocols = 5;
    summary.first_failure = first_failure;
    liq_contagion_record_t r;
    assert_int_equal(liq_contagion_record_build(&r, sc, &summary, NULL), LIQ_EINVAL);
    assert_contains(liq_errmsg(), "the summary has 5 protocols; the scenario has 6");
    assert_null(r.name);
    liq_contagion_options_t o;
    liq_contagion_options_init(&o);
    o.betweenness_limit = 0;
    summary.n_protocols = 6;
    assert_int_equal(liq_contagion_record_build(&r, sc, &summary, &o), LIQ_EINVAL);
    assert_contains(liq_errmsg(), "betweenness_limit 0; expected a number > 0");
    o.betweenness_limit = NAN;
    assert_int_equal(liq_contagion_record_build(&r, sc, &summary, &o), LIQ_EINVAL);
    liq_contagion_record_destroy(&r);
    liq_scenario_destroy(sc);
}

/* min_depth_ratio raises only the depths below ratio x the pool's reserve,
 * and changes no other value: prices and reserves are the same draws. */
static void test_generate_depth_ratio(void **state)
{
    (void)state;
    liq_ecosystem_options_t o;
    liq_ecosystem_options_init(&o);
    o.n_protocols = 30;
    o.n_assets = 40;
    o.n_accounts = 3000;
    o.seed = 3;
    char *plain = generate(&o);
    o.min_depth_ratio = 2;
    char *raised = generate(&o);
    liq_scenario_t *a = parse_scenario(plain), *b = parse_scenario(raised);
    assert_int_equal(a->n_assets, b->n_assets);
    int n_raised = 0;
    for (size_t i = 0; i < o.n_assets; i++) {
        const double x = b->pools[i].reserve0;
        assert_int_equal(b->pools[i].token0, (int32_t)i);
        assert_true(a->assets[i].price == b->assets[i].price);
        assert_true(a->pools[i].reserve0 == x && a->pools[i].reserve1 == b->pools[i].reserve1);
        /* Depths are written to 3 significant digits: within 0.5% of 2x. */
        assert_true(b->assets[i].market_depth >= 2 * x * (1 - 5e-3));
        if (a->assets[i].market_depth >= 2 * x * (1 + 5e-3)) {
            assert_true(b->assets[i].market_depth == a->assets[i].market_depth);
        } else {
            assert_true(b->assets[i].market_depth <= 2 * x * (1 + 5e-3));
            n_raised += a->assets[i].market_depth < b->assets[i].market_depth;
        }
    }
    /* Depth and pool size are independent draws spanning two decades: this
     * seed has assets whose pool holds more than twice the depth. */
    assert_true(n_raised >= 1);
    assert_true(strcmp(plain, raised) != 0);
    liq_scenario_destroy(a);
    liq_scenario_destroy(b);
    free(plain);
    free(raised);

    char *y = NULL;
    o.min_depth_ratio = -1;
    assert_int_equal(liq_network_generate(&y, &o), LIQ_EINVAL);
    assert_contains(liq_errmsg(), "generator: min_depth_ratio: expected a finite number >= 0");
}

/* Receipt-token holdings: every protocol issues RPj with its fund as
 * supply and zero recovery; a holder's tokens add up to exposure x its fund
 * (amounts written to 6 significant digits); the holdings follow the same
 * seed; without holdings_probability the text has no receipt tokens, and
 * the scenario with them runs its tokens' channel (a protocol's tokens
 * appear in the protocol graph as shared_tokens). */
static void test_generate_holdings(void **state)
{
    (void)state;
    liq_ecosystem_options_t o;
    liq_ecosystem_options_init(&o);
    o.n_protocols = 12;
    o.holdings_probability = 0.3;
    o.holdings_exposure = 2.5;
    char *a = NULL, *b = NULL, *none = NULL;
    assert_int_equal(liq_network_generate(&a, &o), LIQ_OK);
    assert_int_equal(liq_network_generate(&b, &o), LIQ_OK);
    assert_string_equal(a, b);
    o.holdings_probability = 0;
    assert_int_equal(liq_network_generate(&none, &o), LIQ_OK);
    assert_null(strstr(none, "RP"));
    liq_scenario_t *sc = NULL;
    if (liq_scenario_parse(&sc, a, strlen(a), "generated.yaml", NULL) != LIQ_OK) {
        fail_msg("generated scenario rejected: %s", liq_errmsg());
    }
    size_t held = 0;
    for (size_t p = 0; p < sc->n_protocols; p++) {
        const liq_protocol_config_t *pr = &sc->protocols[p];
        char name[32];
        snprintf(name, sizeof(name), "RP%02zu", p + 1);
        assert_int_equal(pr->n_issues, 1);
        assert_string_equal(sc->assets[pr->issues[0].asset].name, name);
        assert_true(pr->issues[0].supply == pr->insurance_fund);
        assert_int_equal(pr->recovery, LIQ_RECOVERY_ZERO);
        double total = 0;
        for (size_t k = 0; k < pr->n_holdings; k++) {
            assert_true(strncmp(sc->assets[pr->holdings[k].asset].name, "RP", 2) == 0);
            assert_true(strcmp(sc->assets[pr->holdings[k].asset].name, name) != 0);
            total += pr->holdings[k].amount;
        }
        if (pr->n_holdings > 0) {
            assert_true(fabs(total / (2.5 * pr->insurance_fund) - 1) < 1e-5);
        }
        held += pr->n_holdings;
    }
    /* 12 x 11 ordered pairs at probability 0.3: 39.6 expected. */
    assert_true(held > 15 && held < 70);
    liq_network_t *net = NULL;
    liq_protocol_graph_t *pg = NULL;
    assert_int_equal(liq_network_build(&net, sc, NULL), LIQ_OK);
    assert_int_equal(liq_protocol_graph_build(&pg, net), LIQ_OK);
    liq_protocol_edges_t edges;
    liq_protocol_graph_edges(pg, &edges);
    int64_t tokens = 0;
    for (size_t e = 0; e < edges.n_edges; e++) {
        tokens += edges.shared_tokens[e];
    }
    /* Each holding links holder and issuer once; a pair holding each
     * other's tokens counts both. */
    assert_int_equal(tokens, (int64_t)held);
    liq_protocol_graph_destroy(pg);
    liq_network_destroy(net);
    liq_scenario_destroy(sc);
    free(a);
    free(b);
    free(none);
    char *y = NULL;
    o.holdings_exposure = 0;
    assert_int_equal(liq_network_generate(&y, &o), LIQ_EINVAL);
    assert_contains(liq_errmsg(), "generator: holdings_exposure: expected a finite number > 0");
}

/* Several pools and oracles per asset: the stated counts, every market on
 * a pool and an oracle of its own asset, protocols sharing an asset linked
 * with weight 1 to 3, and one of each giving the default text. */
static void test_generate_pools_oracles(void **state)
{
    (void)state;
    liq_ecosystem_options_t o;
    liq_ecosystem_options_init(&o);
    o.n_protocols = 40;
    o.n_assets = 5;
    o.n_accounts = 4000;
    o.seed = 11;
    char *plain = generate(&o);
    o.pools_per_asset = 1;
    o.oracles_per_asset = 1;
    char *ones = generate(&o);
    assert_string_equal(plain, ones);
    o.pools_per_asset = 3;
    o.oracles_per_asset = 2;
    char *y = generate(&o);
    liq_scenario_t *sc = parse_scenario(y);
    assert_int_equal(sc->n_pools, 15);
    assert_int_equal(sc->n_oracles, 11);
    assert_string_equal(sc->pools[0].name, "TKN1-USDS");
    assert_string_equal(sc->pools[2].name, "TKN1-USDS-3");
    assert_string_equal(sc->oracles[1].name, "TKN1/USD-2");
    int used_pool[15] = {0}, used_oracle[11] = {0};
    for (size_t p = 0; p < sc->n_protocols; p++) {
        for (size_t m = 0; m < sc->protocols[p].n_markets; m++) {
            const liq_market_config_t *mk = &sc->protocols[p].markets[m];
            assert_int_equal(sc->pools[mk->route].token0, mk->asset);
            assert_int_equal(sc->oracles[mk->oracle].asset, mk->asset);
            used_pool[mk->route] = 1;
            used_oracle[mk->oracle] = 1;
        }
    }
    /* 40 protocols with about 1.5 markets each: every pool and oracle of a
     * shared asset is drawn by some market (this seed: all of them). */
    int pools_used = 0, oracles_used = 0;
    for (int k = 0; k < 15; k++) {
        pools_used += used_pool[k];
    }
    for (int k = 0; k < 10; k++) {
        oracles_used += used_oracle[k];
    }
    assert_true(pools_used >= 12 && oracles_used >= 8);
    /* Sharing an asset without its pool or oracle: links of weight < 3. */
    liq_network_t *net = build(sc);
    liq_protocol_graph_t *pg = project(net);
    liq_protocol_edges_t e;
    liq_protocol_graph_edges(pg, &e);
    size_t light = 0;
    for (size_t k = 0; k < e.n_edges; k++) {
        assert_true(e.shared_pools[k] <= e.shared_assets[k]);
        assert_true(e.shared_oracles[k] <= e.shared_assets[k]);
        light += e.weight[k] < 3.0 * (double)e.shared_assets[k];
    }
    assert_true(light > 0);
    liq_protocol_graph_destroy(pg);
    liq_network_destroy(net);
    liq_scenario_destroy(sc);
    free(plain);
    free(ones);
    free(y);

    o.pools_per_asset = 0;
    assert_int_equal(liq_network_generate(&y, &o), LIQ_EINVAL);
    assert_contains(liq_errmsg(),
                    "generator: pools_per_asset: expected a whole number in [1, 1000]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_demo),
        cmocka_unit_test(test_build_features),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_build_mechanisms),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_projection_by_hand),
        cmocka_unit_test(test_projection_tokens),
        cmocka_unit_test(test_pagerank),
        cmocka_unit_test(test_betweenness),
        cmocka_unit_test(test_generate_models),
        cmocka_unit_test(test_generate_degrees),
        cmocka_unit_test(test_contagion_record_by_hand),
        cmocka_unit_test(test_contagion_record_partial_run),
        cmocka_unit_test(test_contagion_record_betweenness_limit),
        cmocka_unit_test(test_contagion_record_errors),
        cmocka_unit_test(test_generate_depth_ratio),
        cmocka_unit_test(test_generate_pools_oracles),
        cmocka_unit_test(test_generate_holdings),
    };
    char dir[] = "/tmp/liq_test_network_XXXXXX";
    liq_test_enter_dir(dir);
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    liq_test_leave_dir(dir);
    return failed;
}
