/*
 * Scenarios that take their network from a graph file (docs/scenario.md,
 * "network"): the demo written with liq_network_write and read back as a
 * scenario's network resolves and runs exactly like the demo in YAML (dump
 * text equal, trajectory hash equal for 1 and 3 threads, GraphML and GML);
 * defaults fill what a hand-written partial network leaves out, with values
 * checked by hand and explicit values kept; overrides reach graph values
 * and defaults; every error by its full message; liq_network_read still
 * refuses a partial network.
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
#include <unistd.h>

#include <cmocka.h>

#define LIQ_TEST_FILE "test.yaml"
#include "liq_test.h"
#include "liq_test_dir.h"

#include "liqnet/error.h"
#include "liqnet/network.h"
#include "liqnet/scenario.h"
#include "liqnet/sim.h"

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fail_msg("cannot open %s", path);
    }
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

/* The absolute path a scenario read with base_dir NULL gives `name`. */
static const char *in_cwd(const char *name)
{
    static char path[4096 + 256];
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    snprintf(path, sizeof(path), "%s/%s", cwd, name);
    return path;
}

/* ------------------------------------------------- the demo, both ways */

/* The demo's text without its assets, pools, oracles and protocols
 * sections (top-level keys at column 0, their contents indented), plus
 * `network: FILE`. */
static char *demo_with_network(const char *demo, const char *file)
{
    static const char *const cut[] = {"assets:", "pools:", "oracles:", "protocols:", NULL};
    char *out = malloc(strlen(demo) + strlen(file) + 32);
    assert_non_null(out);
    size_t used = 0;
    int skipping = 0;
    for (const char *line = demo; *line != '\0';) {
        const char *end = strchr(line, '\n');
        const size_t len = end != NULL ? (size_t)(end - line) + 1 : strlen(line);
        if (line[0] != ' ' && line[0] != '\n' && line[0] != '#') {
            skipping = 0;
            for (size_t k = 0; cut[k] != NULL; k++) {
                skipping |= strncmp(line, cut[k], strlen(cut[k])) == 0;
            }
        }
        if (!skipping) {
            memcpy(out + used, line, len);
            used += len;
        }
        line += len;
    }
    used += (size_t)sprintf(out + used, "network: %s\n", file);
    out[used] = '\0';
    return out;
}

static void test_demo_from_graph(void **state)
{
    (void)state;
    liq_scenario_t *demo = NULL;
    assert_int_equal(liq_scenario_load(&demo, LIQ_SOURCE_DIR "/graphs/demo.yaml"), LIQ_OK);
    liq_network_t *net = NULL;
    assert_int_equal(liq_network_build(&net, demo, NULL), LIQ_OK);
    assert_int_equal(liq_network_write(net, "test_sg_demo.graphml", LIQ_GRAPH_AUTO), LIQ_OK);
    assert_int_equal(liq_network_write(net, "test_sg_demo.gml", LIQ_GRAPH_AUTO), LIQ_OK);
    liq_network_destroy(net);

    char *demo_dump = NULL;
    assert_int_equal(liq_scenario_dump(&demo_dump, demo), LIQ_OK);
    const uint64_t demo_hash = run_hash(demo, NULL, 1, 0);
    char *yaml = read_text(LIQ_SOURCE_DIR "/graphs/demo.yaml");
    /* The format from the extension, or from network_format. */
    char *gml = read_text("test_sg_demo.gml");
    write_text("test_sg_demo.txt", gml);
    free(gml);
    const char *const files[] = {"test_sg_demo.graphml", "test_sg_demo.gml",
                                 "test_sg_demo.txt\nnetwork_format: gml"};
    for (size_t k = 0; k < 3; k++) {
        char *text = demo_with_network(yaml, files[k]);
        assert_null(strstr(text, "liquidation_threshold")); /* the lists are gone */
        liq_scenario_t *sc = parse_scenario(text);
        char *dump = NULL;
        assert_int_equal(liq_scenario_dump(&dump, sc), LIQ_OK);
        if (strcmp(dump, demo_dump) != 0) {
            fail_msg("%s: resolved scenario differs:\n%s\n--- demo:\n%s", files[k], dump,
                     demo_dump);
        }
        for (int threads = 1; threads <= 3; threads += 2) {
            const uint64_t h = run_hash(sc, NULL, threads, 0);
            if (h != demo_hash) {
                fail_msg("%s, %d threads: hash %016llx != %016llx of the YAML demo", files[k],
                         threads, (unsigned long long)h, (unsigned long long)demo_hash);
            }
        }
        free(dump);
        free(text);
        liq_scenario_destroy(sc);
    }
    free(yaml);
    free(demo_dump);
    liq_scenario_destroy(demo);
}

/* ------------------------------------- every scenario feature, both ways */

/* A copy of `text` with every `from` replaced by `to`. */
static char *replace_all(const char *text, const char *from, const char *to)
{
    size_t count = 0;
    for (const char *at = strstr(text, from); at != NULL; at = strstr(at + strlen(from), from)) {
        count++;
    }
    if (count == 0) {
        fail_msg("'%s' is not in the text", from);
    }
    char *out = malloc(strlen(text) + count * strlen(to) + 1);
    assert_non_null(out);
    out[0] = '\0';
    const char *rest = text;
    for (const char *at = strstr(rest, from); at != NULL; at = strstr(rest, from)) {
        strncat(out, rest, (size_t)(at - rest));
        strcat(out, to);
        rest = at + strlen(from);
    }
    strcat(out, rest);
    return out;
}

#define LIQ_FEATURES LIQ_SOURCE_DIR "/tests/data/network_features.yaml"

/* tests/data/network_features.yaml (a StableSwap pool, weighted and
 * best-price routes, a median oracle with an anchor, an issuer, a holder,
 * a protocol without markets) written as GraphML and GML and read back as
 * a scenario's network: the same resolved scenario and the same run, bit
 * for bit, on 1, 2 and 3 threads. */
static void test_features_from_graph(void **state)
{
    (void)state;
    liq_scenario_t *features = NULL;
    assert_int_equal(liq_scenario_load(&features, LIQ_FEATURES), LIQ_OK);
    liq_network_t *net = NULL;
    assert_int_equal(liq_network_build(&net, features, NULL), LIQ_OK);
    assert_int_equal(liq_network_write(net, "test_sg_features.graphml", LIQ_GRAPH_AUTO), LIQ_OK);
    assert_int_equal(liq_network_write(net, "test_sg_features.gml", LIQ_GRAPH_AUTO), LIQ_OK);
    liq_network_destroy(net);
    char *expected = NULL;
    assert_int_equal(liq_scenario_dump(&expected, features), LIQ_OK);
    const uint64_t expected_hash = run_hash(features, NULL, 1, 0);
    char *yaml = read_text(LIQ_FEATURES);
    const char *const files[] = {"test_sg_features.graphml", "test_sg_features.gml"};
    for (size_t k = 0; k < 2; k++) {
        char *text = demo_with_network(yaml, files[k]);
        assert_null(strstr(text, "amplification")); /* the lists are gone */
        liq_scenario_t *sc = parse_scenario(text);
        char *dump = NULL;
        assert_int_equal(liq_scenario_dump(&dump, sc), LIQ_OK);
        if (strcmp(dump, expected) != 0) {
            fail_msg("%s: resolved scenario differs:\n%s\n--- YAML:\n%s", files[k], dump, expected);
        }
        for (int threads = 1; threads <= 3; threads++) {
            const uint64_t h = run_hash(sc, NULL, threads, 0);
            if (h != expected_hash) {
                fail_msg("%s, %d threads: hash %016llx != %016llx of the YAML scenario", files[k],
                         threads, (unsigned long long)h, (unsigned long long)expected_hash);
            }
        }
        free(dump);
        free(text);
        liq_scenario_destroy(sc);
    }

    /* The new attributes left out of the file and given as defaults: each
     * fills only where it applies (an amplification the stableswap pool,
     * a routes weight the markets routing by weight, a recovery the
     * issuer, a reads window the pool_twap inputs that lack one), so the
     * scenario resolves as before. A default that filled more would be
     * refused ("expected none"). */
    char *graphml = read_text("test_sg_features.graphml");
    static const char *const cut[] = {
        "<data key=\"v_amplification\">100</data>", "<data key=\"v_anchor_band\">0.25</data>",
        "<data key=\"v_recovery\">zero</data>",     "<data key=\"e_routing\">weight</data>",
        "<data key=\"e_window\">4</data>",          "<data key=\"e_supply\">4000000</data>",
        "<data key=\"e_amount\">200</data>",
    };
    for (size_t k = 0; k < sizeof(cut) / sizeof(cut[0]); k++) {
        char *next = replace_all(graphml, cut[k], "");
        free(graphml);
        graphml = next;
    }
    write_text("test_sg_features_partial.graphml", graphml);
    free(graphml);
    char *text = demo_with_network(yaml, "test_sg_features_partial.graphml\n"
                                         "defaults:\n"
                                         "  pool: {amplification: 100}\n"
                                         "  oracle: {anchor_band: 0.25}\n"
                                         "  protocol: {recovery: zero}\n"
                                         "  market: {routing: weight}\n"
                                         "  routes: {weight: 1}\n"
                                         "  reads: {window: 4}\n"
                                         "  issues: {supply: 4.0e6}\n"
                                         "  holds: {amount: 200}");
    liq_scenario_t *sc = parse_scenario(text);
    char *dump = NULL;
    assert_int_equal(liq_scenario_dump(&dump, sc), LIQ_OK);
    if (strcmp(dump, expected) != 0) {
        fail_msg("with defaults: resolved scenario differs:\n%s\n--- YAML:\n%s", dump, expected);
    }
    free(dump);
    liq_scenario_destroy(sc);
    free(text);
    /* Without them, the first attribute missing is named. */
    text = demo_with_network(yaml, "test_sg_features_partial.graphml");
    char message[8192];
    snprintf(message, sizeof(message),
             "%s: edge 20 (issues 'CDP' -> 'DAI'): missing attribute 'supply'; expected a finite "
             "number > 0",
             in_cwd("test_sg_features_partial.graphml"));
    expect_scenario_error(text, LIQ_EKEY, message);
    free(text);
    free(yaml);
    free(expected);
    liq_scenario_destroy(features);
}

/* The features' GraphML with `from` replaced by `to`, as a scenario's
 * network: the expected error, naming the file. */
static void expect_features_error(const char *from, const char *to, int code, const char *what)
{
    char *graphml = read_text("test_sg_features.graphml");
    char *edited = replace_all(graphml, from, to);
    write_text("test_sg_features_edit.graphml", edited);
    char *yaml = read_text(LIQ_FEATURES);
    char *text = demo_with_network(yaml, "test_sg_features_edit.graphml");
    char message[8192];
    snprintf(message, sizeof(message), "%s: %s", in_cwd("test_sg_features_edit.graphml"), what);
    expect_scenario_error(text, code, message);
    free(text);
    free(yaml);
    free(edited);
    free(graphml);
}

static void test_features_errors(void **state)
{
    (void)state;
    liq_scenario_t *features = NULL;
    assert_int_equal(liq_scenario_load(&features, LIQ_FEATURES), LIQ_OK);
    liq_network_t *net = NULL;
    assert_int_equal(liq_network_build(&net, features, NULL), LIQ_OK);
    assert_int_equal(liq_network_write(net, "test_sg_features.graphml", LIQ_GRAPH_AUTO), LIQ_OK);
    liq_network_destroy(net);
    liq_scenario_destroy(features);

    /* Shares that do not add up to 1 (0.6 + 0.3, as the machine adds). */
    char what[1024];
    snprintf(what, sizeof(what),
             "edge 21 (market 'Lender' -> 'WETH'): the weights of its 2 routes edges add up to "
             "%.17g; expected weights adding up to 1 (the shares of the seized WETH sold on each "
             "pool)",
             0.6 + 0.3);
    expect_features_error("<data key=\"e_weight\">0.4</data>", "<data key=\"e_weight\">0.3</data>",
                          LIQ_EINVAL, what);
    /* Two anchors; a median input whose target is not what it reads. */
    expect_features_error("<data key=\"e_price_source\">pool_spot</data>",
                          "<data key=\"e_price_source\">pool_spot</data>"
                          "<data key=\"e_role\">anchor</data>",
                          LIQ_EREF,
                          "vertex 8 (oracle 'ETH'): 2 reads edges of role anchor; expected at "
                          "most one");
    expect_features_error("<data key=\"e_price_source\">market</data>",
                          "<data key=\"e_price_source\">pool_spot</data>", LIQ_EREF,
                          "edge 9 (reads 'ETH' -> 'WETH'): target is asset 'WETH'; expected a pool "
                          "for source pool_spot");
    /* A plain oracle's edge that says something else than the oracle. */
    expect_features_error("<data key=\"v_source\">pool_twap</data>",
                          "<data key=\"v_source\">pool_spot</data>", LIQ_EINVAL,
                          "vertex 9 (oracle 'ETH-OSM'): attribute 'window': value 3; expected 1 "
                          "or none (a window belongs to source pool_twap only)");

    /* Defaults of the new kinds, checked like the others. */
    expect_scenario_error(
        "rounds: 1\nnetwork: x.graphml\ndefaults: {reads: {role: anchor}}\n", LIQ_EKEY,
        "test.yaml:3:20: defaults.reads.role: reads has no attribute 'role' to default; "
        "expected one of window");
    expect_scenario_error(
        "rounds: 1\nnetwork: x.graphml\ndefaults: {issues: {supply: -1}}\n", LIQ_EINVAL,
        "test.yaml:3:29: defaults.issues.supply: value -1; expected a finite number > 0");
    expect_scenario_error(
        "rounds: 1\nnetwork: x.graphml\ndefaults: {protocol: {recovery: half}}\n", LIQ_EINVAL,
        "test.yaml:3:33: defaults.protocol.recovery: value 'half'; expected one of "
        "pro_rata, zero");
}

/* ------------------------------------------------ mechanism settings */

#define LIQ_MECHANISMS LIQ_SOURCE_DIR "/tests/data/network_mechanisms.yaml"

/* The position of the `network` key's value in a scenario text: where the
 * nodes made from the graph point. */
static void network_position(const char *text, char *out, size_t size)
{
    const char *at = strstr(text, "\nnetwork: ");
    assert_non_null(at);
    size_t line = 2;
    for (const char *c = text; c < at; c++) {
        line += *c == '\n';
    }
    snprintf(out, size, "test.yaml:%zu:10", line);
}

/* The resolved scenario and run of `text` are those of `expected`. */
static void expect_same(const char *what, const char *text, const char *expected,
                        uint64_t expected_hash)
{
    liq_scenario_t *sc = parse_scenario(text);
    char *dump = NULL;
    assert_int_equal(liq_scenario_dump(&dump, sc), LIQ_OK);
    if (strcmp(dump, expected) != 0) {
        fail_msg("%s: resolved scenario differs:\n%s\n--- YAML:\n%s", what, dump, expected);
    }
    for (int threads = 1; threads <= 3; threads++) {
        const uint64_t h = run_hash(sc, NULL, threads, 0);
        if (h != expected_hash) {
            fail_msg("%s, %d threads: hash %016llx != %016llx of the YAML scenario", what, threads,
                     (unsigned long long)h, (unsigned long long)expected_hash);
        }
    }
    free(dump);
    liq_scenario_destroy(sc);
}

/* tests/data/network_mechanisms.yaml (keeper economics on a chain, a
 * breaker, a dynamic penalty, a Dutch auction, a stability pool, presets)
 * written as GraphML and GML and read back: the same resolved scenario and
 * the same run on 1, 2 and 3 threads. A `preset` attribute in the file and
 * a protocol key given by `defaults` resolve as in YAML. */
static void test_mechanisms_from_graph(void **state)
{
    (void)state;
    liq_scenario_t *mech = NULL;
    assert_int_equal(liq_scenario_load(&mech, LIQ_MECHANISMS), LIQ_OK);
    liq_network_t *net = NULL;
    assert_int_equal(liq_network_build(&net, mech, NULL), LIQ_OK);
    assert_int_equal(liq_network_write(net, "test_sg_mech.graphml", LIQ_GRAPH_AUTO), LIQ_OK);
    assert_int_equal(liq_network_write(net, "test_sg_mech.gml", LIQ_GRAPH_AUTO), LIQ_OK);
    liq_network_destroy(net);
    char *expected = NULL;
    assert_int_equal(liq_scenario_dump(&expected, mech), LIQ_OK);
    const uint64_t expected_hash = run_hash(mech, NULL, 1, 0);
    char *yaml = read_text(LIQ_MECHANISMS);
    const char *const files[] = {"test_sg_mech.graphml", "test_sg_mech.gml"};
    for (size_t k = 0; k < 2; k++) {
        char *text = demo_with_network(yaml, files[k]);
        assert_null(strstr(text, "stability_pool")); /* the lists are gone */
        expect_same(files[k], text, expected, expected_hash);
        free(text);
    }

    /* The preset as an attribute: Clipper without its preset, written, and
     * `preset: v2_auction` added to its vertex by hand. */
    char *no_preset = replace_all(yaml, "    preset: v2_auction\n", "");
    liq_scenario_t *plain = NULL;
    assert_int_equal(liq_scenario_parse(&plain, no_preset, strlen(no_preset), "plain.yaml", NULL),
                     LIQ_OK);
    assert_int_equal(liq_network_build(&net, plain, NULL), LIQ_OK);
    assert_int_equal(liq_network_write(net, "test_sg_mech_plain.graphml", LIQ_GRAPH_AUTO), LIQ_OK);
    liq_network_destroy(net);
    liq_scenario_destroy(plain);
    char *graphml = read_text("test_sg_mech_plain.graphml");
    assert_null(strstr(graphml, "<data key=\"v_breaker.drop\">0.5</data>")); /* no breaker */
    char *step = replace_all(graphml, "<data key=\"v_name\">Clipper</data>",
                             "<data key=\"v_name\">Clipper</data>"
                             "<data key=\"v_preset\">v2_auction</data>");
    char *with_key = replace_all(step, "  <graph id=",
                                 "  <key id=\"v_preset\" for=\"node\" attr.name=\"preset\" "
                                 "attr.type=\"string\"/>\n  <graph id=");
    write_text("test_sg_mech_preset.graphml", with_key);
    char *text = demo_with_network(yaml, "test_sg_mech_preset.graphml");
    expect_same("preset attribute", text, expected, expected_hash);
    free(text);
    free(with_key);
    free(step);
    free(graphml);

    /* Protocol keys as defaults: every protocol on one chain. The file
     * without its `chain` values and `defaults: {protocol: {chain: ...}}`
     * is the YAML with `chain` on every protocol. */
    char *one_chain = replace_all(yaml, "    chain: arbitrum\n", "");
    char *all_on =
        replace_all(one_chain, "    debt_asset: ", "    chain: arbitrum\n    debt_asset: ");
    liq_scenario_t *chained = NULL;
    assert_int_equal(liq_scenario_parse(&chained, all_on, strlen(all_on), "chained.yaml", NULL),
                     LIQ_OK);
    char *chained_dump = NULL;
    assert_int_equal(liq_scenario_dump(&chained_dump, chained), LIQ_OK);
    const uint64_t chained_hash = run_hash(chained, NULL, 1, 0);
    assert_string_not_equal(chained_dump, expected);
    graphml = read_text("test_sg_mech.graphml");
    char *no_chain = replace_all(graphml, "<data key=\"v_chain\">arbitrum</data>", "");
    write_text("test_sg_mech_nochain.graphml", no_chain);
    text = demo_with_network(yaml, "test_sg_mech_nochain.graphml\n"
                                   "defaults: {protocol: {chain: arbitrum}}");
    expect_same("chain default", text, chained_dump, chained_hash);
    free(text);
    /* A number default, filling only where the file has none. */
    text = demo_with_network(yaml, "test_sg_mech.graphml\n"
                                   "defaults: {protocol: {keepers.congestion: 0.01}}");
    liq_scenario_t *sc = parse_scenario(text);
    assert_true(sc->protocols[0].gas_congestion == 0.01); /* Lender's own */
    assert_true(sc->protocols[1].gas_congestion == 0.01); /* Maker: the default */
    assert_true(sc->protocols[3].gas_congestion == 0.02); /* AaveV3's own */
    liq_scenario_destroy(sc);
    free(text);
    free(no_chain);
    free(graphml);
    free(chained_dump);
    liq_scenario_destroy(chained);
    free(all_on);
    free(one_chain);
    free(no_preset);
    free(yaml);
    free(expected);
    liq_scenario_destroy(mech);
}

/* The mechanisms' GraphML with `from` replaced by `to` (and `extra`
 * appended to the scenario): the message at the `network` key, ending
 * with where the value came from. */
static void expect_mech_error(const char *from, const char *to, const char *extra, int code,
                              const char *what)
{
    char *graphml = read_text("test_sg_mech.graphml");
    char *edited = replace_all(graphml, from, to);
    write_text("test_sg_mech_edit.graphml", edited);
    char *yaml = read_text(LIQ_MECHANISMS);
    char file[512];
    snprintf(file, sizeof(file), "test_sg_mech_edit.graphml%s", extra);
    char *text = demo_with_network(yaml, file);
    char at[64];
    network_position(text, at, sizeof(at));
    /* `what` has @AT for the position and @GRAPH for the graph file. */
    char *step = strstr(what, "@AT") != NULL ? replace_all(what, "@AT", at) : strdup(what);
    char *full = strstr(step, "@GRAPH") != NULL
                     ? replace_all(step, "@GRAPH", in_cwd("test_sg_mech_edit.graphml"))
                     : strdup(step);
    expect_scenario_error(text, code, full);
    free(full);
    free(step);
    free(text);
    free(yaml);
    free(edited);
    free(graphml);
}

static void test_mechanisms_errors(void **state)
{
    (void)state;
    liq_scenario_t *mech = NULL;
    assert_int_equal(liq_scenario_load(&mech, LIQ_MECHANISMS), LIQ_OK);
    liq_network_t *net = NULL;
    assert_int_equal(liq_network_build(&net, mech, NULL), LIQ_OK);
    assert_int_equal(liq_network_write(net, "test_sg_mech.graphml", LIQ_GRAPH_AUTO), LIQ_OK);
    liq_network_destroy(net);
    liq_scenario_destroy(mech);

    /* A bad value: the reader's message, its key path, then the vertex. */
    expect_mech_error(
        "<data key=\"v_breaker.drop\">0.2</data>", "<data key=\"v_breaker.drop\">1.5</data>", "",
        LIQ_EINVAL,
        "@AT: protocols[0].breaker.drop: value 1.5 is out of range; expected a number in (0, 1) "
        "(from @GRAPH: vertex 11 (protocol 'Lender'), attribute 'breaker.drop')");
    expect_mech_error("<data key=\"v_liquidation.curve\">linear</data>",
                      "<data key=\"v_liquidation.curve\">cubic</data>", "", LIQ_EINVAL,
                      "@AT: protocols[1].liquidation.curve: unknown price curve 'cubic'; expected "
                      "one of linear, stairstep, exponential (from @GRAPH: vertex 12 (protocol "
                      "'Maker'), attribute 'liquidation.curve')");
    /* A key the reader does not know, below a known one or at the top. */
    expect_mech_error("attr.name=\"breaker.cap\"", "attr.name=\"breaker.cpa\"", "", LIQ_EKEY,
                      "@AT: protocols[0].breaker: unknown key 'cpa'; expected one of drop, window, "
                      "pause, cap (from @GRAPH: vertex 11 (protocol 'Lender'), attribute "
                      "'breaker.cpa')");
    expect_mech_error("attr.name=\"breaker.cap\"", "attr.name=\"brake.cap\"", "", LIQ_EKEY,
                      "@AT: protocols[0]: unknown key 'brake'; expected one of name, kind, "
                      "debt_asset, debt_oracle, insurance_fund, keepers, markets, issues, "
                      "recovery, holdings, chain, breaker, dynamic_penalty, stability_pool, "
                      "liquidation, preset (from @GRAPH: vertex 11 (protocol 'Lender'), "
                      "attribute 'brake.cap')");
    /* A required key left out: the mapping the attributes made. */
    expect_mech_error("<data key=\"v_breaker.window\">10</data>", "", "", LIQ_EKEY,
                      "@AT: protocols[0].breaker: missing key 'window' (from @GRAPH: vertex 11 "
                      "(protocol 'Lender'), attributes 'breaker.*')");
    /* A key the graph's own attributes give already. */
    expect_mech_error("attr.name=\"keepers.congestion\"", "attr.name=\"keepers.gas_cost\"", "",
                      LIQ_EKEY,
                      "@GRAPH: vertex 11 (protocol 'Lender'): attribute 'keepers.gas_cost': the "
                      "protocol's key keepers.gas_cost is already given by the graph (by another "
                      "attribute); expected each key once, and a mapping below a key path");
    expect_mech_error("attr.name=\"breaker.cap\"", "attr.name=\"markets.cap\"", "", LIQ_EKEY,
                      "@GRAPH: vertex 11 (protocol 'Lender'): attribute 'markets.cap': the "
                      "protocol's key markets is already given by the graph (by a value that is "
                      "not a mapping); expected each key once, and a mapping below a key path");
    expect_mech_error("attr.name=\"breaker.cap\"", "attr.name=\"breaker..cap\"", "", LIQ_EKEY,
                      "@GRAPH: vertex 11 (protocol 'Lender'): attribute 'breaker..cap': not a key "
                      "path; expected scenario keys of 1 to 63 characters joined by single dots");
    /* A GraphML boolean cannot be absent. */
    expect_mech_error("attr.name=\"keepers.anticipate_slippage\" attr.type=\"string\"",
                      "attr.name=\"keepers.anticipate_slippage\" attr.type=\"boolean\"", "",
                      LIQ_EINVAL,
                      "@GRAPH: attribute 'keepers.anticipate_slippage' is neither a number nor a "
                      "string (a GraphML boolean?); expected attr.type double or string, absent "
                      "where a protocol does not set the key");
    /* A default: checked by the reader, named as the default. */
    expect_mech_error(
        "<data key=\"v_breaker.cap\">3</data>", "", "\ndefaults: {protocol: {breaker.cap: -1}}",
        LIQ_EINVAL,
        "@AT: protocols[0].breaker.cap: value -1 is negative; expected an integer >= 0 (0: "
        "pause) (from defaults.protocol.breaker.cap, for @GRAPH: vertex 11 "
        "(protocol 'Lender'))");
    expect_scenario_error(
        "rounds: 1\nnetwork: x.graphml\ndefaults: {protocol: {breaker: {drop: 0.5}}}\n", LIQ_EINVAL,
        "test.yaml:3:32: defaults.protocol.breaker: found a mapping; expected a number or "
        "a name (a protocol's nested key is given by its dotted path: breaker.KEY: "
        "VALUE)");
}

/* ------------------------------------------- a partial, hand-written network */

/* Written by hand, not by liqnet: attributes left out (filled by the
 * defaults below), edges in an order of its own, no trades or debt edges. */
static const char liq_partial[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
    "  <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n"
    "  <key id=\"name\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>\n"
    "  <key id=\"price\" for=\"node\" attr.name=\"price\" attr.type=\"double\"/>\n"
    "  <key id=\"depth\" for=\"node\" attr.name=\"market_depth\" attr.type=\"double\"/>\n"
    "  <key id=\"res\" for=\"node\" attr.name=\"market_resilience\" attr.type=\"double\"/>\n"
    "  <key id=\"t0\" for=\"node\" attr.name=\"token0\" attr.type=\"string\"/>\n"
    "  <key id=\"t1\" for=\"node\" attr.name=\"token1\" attr.type=\"string\"/>\n"
    "  <key id=\"r0\" for=\"node\" attr.name=\"reserve0\" attr.type=\"double\"/>\n"
    "  <key id=\"r1\" for=\"node\" attr.name=\"reserve1\" attr.type=\"double\"/>\n"
    "  <key id=\"source\" for=\"node\" attr.name=\"source\" attr.type=\"string\"/>\n"
    "  <key id=\"hb\" for=\"node\" attr.name=\"heartbeat\" attr.type=\"double\"/>\n"
    "  <key id=\"dev\" for=\"node\" attr.name=\"deviation\" attr.type=\"double\"/>\n"
    "  <key id=\"lat\" for=\"node\" attr.name=\"latency\" attr.type=\"double\"/>\n"
    "  <key id=\"pk\" for=\"node\" attr.name=\"protocol_kind\" attr.type=\"string\"/>\n"
    "  <key id=\"da\" for=\"node\" attr.name=\"debt_asset\" attr.type=\"string\"/>\n"
    "  <key id=\"do\" for=\"node\" attr.name=\"debt_oracle\" attr.type=\"string\"/>\n"
    "  <key id=\"fund\" for=\"node\" attr.name=\"insurance_fund\" attr.type=\"double\"/>\n"
    "  <key id=\"src\" for=\"node\" attr.name=\"source_date\" attr.type=\"string\"/>\n"
    "  <key id=\"ek\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n"
    "  <key id=\"role\" for=\"edge\" attr.name=\"role\" attr.type=\"string\"/>\n"
    "  <key id=\"lt\" for=\"edge\" attr.name=\"liquidation_threshold\" attr.type=\"double\"/>\n"
    "  <key id=\"lb\" for=\"edge\" attr.name=\"liquidation_bonus\" attr.type=\"double\"/>\n"
    "  <graph edgedefault=\"directed\">\n"
    "    <node id=\"p\"><data key=\"kind\">protocol</data><data key=\"name\">Lender</data>"
    "<data key=\"pk\">lending</data><data key=\"da\">USDC</data><data key=\"do\">USD</data>"
    "<data key=\"fund\">1000000</data><data key=\"src\">2025-01-01</data></node>\n"
    "    <node id=\"w\"><data key=\"kind\">asset</data><data key=\"name\">WETH</data>"
    "<data key=\"price\">2000</data></node>\n"
    "    <node id=\"u\"><data key=\"kind\">asset</data><data key=\"name\">USDC</data>"
    "<data key=\"price\">1</data><data key=\"depth\">Infinity</data>"
    "<data key=\"res\">0</data></node>\n"
    "    <node id=\"pool\"><data key=\"kind\">pool</data><data key=\"name\">WETH-USDC</data>"
    "<data key=\"t0\">WETH</data><data key=\"t1\">USDC</data><data key=\"r0\">1000</data>"
    "<data key=\"r1\">2000000</data></node>\n"
    "    <node id=\"eth\"><data key=\"kind\">oracle</data><data key=\"name\">ETH</data>"
    "<data key=\"source\">market</data><data key=\"hb\">300</data></node>\n"
    "    <node id=\"usd\"><data key=\"kind\">oracle</data><data key=\"name\">USD</data>"
    "<data key=\"source\">market</data><data key=\"hb\">7200</data>"
    "<data key=\"dev\">0.001</data><data key=\"lat\">0</data></node>\n"
    "    <edge source=\"p\" target=\"pool\"><data key=\"ek\">routes</data></edge>\n"
    "    <edge source=\"eth\" target=\"w\"><data key=\"ek\">reads</data></edge>\n"
    "    <edge source=\"p\" target=\"eth\"><data key=\"ek\">uses_oracle</data>"
    "<data key=\"role\">collateral</data></edge>\n"
    "    <edge source=\"usd\" target=\"u\"><data key=\"ek\">reads</data></edge>\n"
    "    <edge source=\"p\" target=\"w\"><data key=\"ek\">market</data>"
    "<data key=\"role\">collateral</data><data key=\"lt\">0.83</data>"
    "<data key=\"lb\">0.05</data></edge>\n"
    "  </graph>\n"
    "</graphml>\n";

/* The scenario around it; %s is spliced in before `accounts`. */
static const char liq_partial_scenario[] =
    "rounds: 10\n"
    "network: test_sg_partial.graphml\n"
    "defaults:\n"
    "  asset: {market_depth: 1.0e5, market_resilience: 0.1}\n"
    "  pool: {pool_kind: constant_product, fee: 0.0005, arbitrage: 0.8}\n"
    "  oracle: {deviation: 0.005, latency: 2}\n"
    "  protocol: {gas_cost: 10, min_profit: -1, max_liquidations: unlimited}\n"
    "  market: {close_factor: 0.4, full_close_health: 0.9}\n"
    "  routes: {weight: 1}\n"
    "%s"
    "accounts:\n"
    "  - {protocol: Lender, market: WETH, count: 100, size: {distribution: pareto, alpha: 1.5,\n"
    "     min: 1000}, health: {distribution: uniform, min: 1.01, max: 1.5}}\n"
    "shocks:\n"
    "  - {type: schedule, asset: WETH, steps: [{round: 2, return: -0.2}]}\n";

static char *partial_scenario(const char *extra)
{
    char *text = malloc(sizeof(liq_partial_scenario) + strlen(extra));
    assert_non_null(text);
    sprintf(text, liq_partial_scenario, extra);
    return text;
}

static void test_defaults_fill(void **state)
{
    (void)state;
    write_text("test_sg_partial.graphml", liq_partial);
    char *text = partial_scenario("");
    liq_scenario_t *sc = parse_scenario(text);
    /* The graph's vertex order per kind; values from the file or, where it
     * has none, from defaults; an explicit value is never replaced. */
    assert_int_equal(sc->n_assets, 2);
    assert_string_equal(sc->assets[0].name, "WETH");
    assert_true(sc->assets[0].price == 2000.0);
    assert_true(sc->assets[0].market_depth == 1.0e5);    /* default */
    assert_true(sc->assets[0].market_resilience == 0.1); /* default */
    assert_true(isinf(sc->assets[1].market_depth));      /* file: Infinity */
    assert_true(sc->assets[1].market_resilience == 0.0); /* file: 0 */
    assert_int_equal(sc->n_pools, 1);
    assert_int_equal(sc->pools[0].token0, 0);
    assert_int_equal(sc->pools[0].token1, 1);
    assert_true(sc->pools[0].reserve1 == 2.0e6);
    assert_true(sc->pools[0].fee == 0.0005);
    assert_true(sc->pools[0].arbitrage == 0.8);
    assert_int_equal(sc->n_oracles, 2);
    assert_int_equal(sc->oracles[0].asset, 0);
    assert_int_equal(sc->oracles[0].heartbeat, 300);
    assert_true(sc->oracles[0].deviation == 0.005); /* default */
    assert_int_equal(sc->oracles[0].latency, 2);    /* default */
    assert_true(sc->oracles[1].deviation == 0.001); /* file */
    assert_int_equal(sc->oracles[1].latency, 0);    /* file */
    assert_int_equal(sc->oracles[1].window, 1);
    assert_int_equal(sc->n_protocols, 1);
    const liq_protocol_config_t *p = &sc->protocols[0];
    assert_int_equal(p->debt_asset, 1);
    assert_int_equal(p->debt_oracle, 1);
    assert_true(p->insurance_fund == 1.0e6);
    assert_true(p->gas_cost == 10.0);
    assert_true(p->min_profit == -1.0);
    assert_true(p->max_liquidations == INT64_MAX);
    assert_int_equal(p->n_markets, 1);
    assert_int_equal(p->markets[0].asset, 0);
    assert_int_equal(p->markets[0].oracle, 0);
    assert_int_equal(p->markets[0].route, 0);
    assert_true(p->markets[0].liquidation_threshold == 0.83);
    assert_true(p->markets[0].liquidation_bonus == 0.05);
    assert_true(p->markets[0].close_factor == 0.4);
    assert_true(p->markets[0].full_close_health == 0.9);
    assert_int_equal(sc->n_generators, 1);
    assert_int_equal(sc->generators[0].count, 100);
    liq_scenario_destroy(sc);

    /* Overrides reach graph values by the lists' paths, and defaults. */
    const liq_override_t ov[] = {
        {"protocols[Lender].markets[WETH].liquidation_bonus", "0.07", 0, 0, NULL},
        {"defaults.pool.fee", "0.001", 0, 0, NULL},
        {"pools[WETH-USDC].reserve0", "2", 0, 1, NULL},
    };
    assert_int_equal(liq_scenario_parse_with(&sc, text, strlen(text), "test.yaml", NULL, ov, 3),
                     LIQ_OK);
    assert_true(sc->protocols[0].markets[0].liquidation_bonus == 0.07);
    assert_true(sc->pools[0].fee == 0.001);
    assert_true(sc->pools[0].reserve0 == 2000.0);
    liq_scenario_destroy(sc);
    /* A bad override value is refused like a value in the file. */
    const liq_override_t bad = {"protocols[Lender].markets[WETH].liquidation_bonus", "2", 0, 0,
                                NULL};
    assert_int_equal(liq_scenario_parse_with(&sc, text, strlen(text), "test.yaml", NULL, &bad, 1),
                     LIQ_EINVAL);
    assert_string_equal(liq_errmsg(), "test.yaml:2:10: protocols[0].markets[0].liquidation_bonus: "
                                      "value 2 is out of range; expected a number in [0, 1]");
    free(text);

    /* liq_network_read keeps its contract: a full network or an error. */
    liq_network_t *net = (liq_network_t *)&net;
    assert_int_equal(liq_network_read(&net, "test_sg_partial.graphml", LIQ_GRAPH_AUTO), LIQ_EKEY);
    assert_null(net);
    assert_string_equal(liq_errmsg(),
                        "test_sg_partial.graphml: vertex 0 (protocol 'Lender'): "
                        "missing attribute 'gas_cost'; expected a finite number >= 0");
}

/* The partial network with `from` replaced by `to` (first occurrence). */
static void write_partial_with(const char *from, const char *to)
{
    const char *at = strstr(liq_partial, from);
    assert_non_null(at);
    char *text = malloc(sizeof(liq_partial) + strlen(to));
    assert_non_null(text);
    const size_t head = (size_t)(at - liq_partial);
    memcpy(text, liq_partial, head);
    strcpy(text + head, to);
    strcat(text, at + strlen(from));
    write_text("test_sg_partial.graphml", text);
    free(text);
}

static void test_errors(void **state)
{
    (void)state;
    char message[8192];
    const char *graph = in_cwd("test_sg_partial.graphml");

    /* An attribute in neither the file nor the defaults. */
    write_text("test_sg_partial.graphml", liq_partial);
    char *text = partial_scenario("");
    char *cut = strstr(text, " fee: 0.0005,");
    memmove(cut, cut + strlen(" fee: 0.0005,"), strlen(cut + strlen(" fee: 0.0005,")) + 1);
    snprintf(message, sizeof(message),
             "%s: vertex 3 (pool 'WETH-USDC'): missing attribute 'fee'; expected a number in "
             "[0, 1)",
             graph);
    expect_scenario_error(text, LIQ_EKEY, message);
    free(text);

    /* A bad value in the graph file. */
    write_partial_with("<data key=\"r0\">1000</data>", "<data key=\"r0\">-5</data>");
    text = partial_scenario("");
    snprintf(message, sizeof(message),
             "%s: vertex 3 (pool 'WETH-USDC'): attribute 'reserve0': value -5; expected a finite "
             "number > 0",
             graph);
    expect_scenario_error(text, LIQ_EINVAL, message);

    /* The shape: an oracle reads one source; edges agree with attributes; a
     * market has one oracle and one route; issues and holds edges are
     * checked as liq_network_read checks them. */
    write_partial_with("<edge source=\"p\" target=\"eth\"><data key=\"ek\">uses_oracle</data>"
                       "<data key=\"role\">collateral</data>",
                       "<edge source=\"eth\" target=\"u\"><data key=\"ek\">reads</data>");
    snprintf(message, sizeof(message),
             "%s: vertex 4 (oracle 'ETH'): 2 reads edges; expected one, to the asset it reads "
             "(source market)",
             graph);
    expect_scenario_error(text, LIQ_EREF, message);
    write_partial_with("<data key=\"ek\">uses_oracle</data><data key=\"role\">collateral</data>",
                       "<data key=\"ek\">uses_oracle</data><data key=\"role\">debt</data>");
    snprintf(message, sizeof(message),
             "%s: edge 2 (uses_oracle 'Lender' -> 'ETH'): role debt, but the protocol's "
             "debt_oracle is 'USD'; expected an edge to 'USD'",
             graph);
    expect_scenario_error(text, LIQ_EREF, message);
    write_partial_with("<edge source=\"p\" target=\"pool\"><data key=\"ek\">routes</data>",
                       "<edge source=\"p\" target=\"pool\"><data key=\"ek\">holds</data>");
    snprintf(message, sizeof(message),
             "%s: edge 0 (holds 'Lender' -> 'WETH-USDC'): target vertex 3 is pool 'WETH-USDC'; "
             "expected a target of kind asset",
             graph);
    expect_scenario_error(text, LIQ_EREF, message);
    write_partial_with("<edge source=\"p\" target=\"pool\"><data key=\"ek\">routes</data></edge>",
                       "");
    snprintf(message, sizeof(message),
             "%s: edge 3 (market 'Lender' -> 'WETH'): 0 routes edges to a pool trading WETH and "
             "USDC; expected one (where seized WETH is sold)",
             graph);
    expect_scenario_error(text, LIQ_EREF, message);
    free(text);
    write_text("test_sg_partial.graphml", liq_partial);

    /* Bad defaults, in the scenario's own style. */
    text = partial_scenario("");
    char *fee = strstr(text, "fee: 0.0005");
    memcpy(fee, "fee: 1.5   ", strlen("fee: 1.5   "));
    expect_scenario_error(
        text, LIQ_EINVAL,
        "test.yaml:5:44: defaults.pool.fee: value 1.5; expected a number in [0, 1)");
    free(text);
    text = partial_scenario("");
    char *kind = strstr(text, "pool_kind: constant_product");
    memcpy(kind, "token0: USDC, fee: 0.1    ", strlen("token0: USDC, fee: 0.1    "));
    expect_scenario_error(
        text, LIQ_EKEY,
        "test.yaml:5:10: defaults.pool.token0: pool has no attribute 'token0' to "
        "default; expected one of pool_kind, reserve0, reserve1, fee, arbitrage, amplification");
    free(text);

    /* A name from the YAML that the graph does not define. */
    text = partial_scenario("");
    char *lender = strstr(text, "protocol: Lender");
    memcpy(lender, "protocol: Lendr ", strlen("protocol: Lendr "));
    expect_scenario_error(
        text, LIQ_EREF,
        "test.yaml:11:16: accounts[0].protocol: no protocol named 'Lendr'; defined "
        "protocols: Lender");
    free(text);

    /* Entities from the graph and the YAML at once. */
    text = partial_scenario("assets: [{name: DAI, price: 1}]\n");
    expect_scenario_error(
        text, LIQ_EKEY,
        "test.yaml:10:1: assets: not allowed with network (the graph file "
        "'test_sg_partial.graphml' defines the assets, pools, oracles and protocols); "
        "expected either network or the lists assets, pools, oracles and protocols");
    free(text);

    /* Defaults without a network; a file that is not there; no format. */
    expect_scenario_error("rounds: 1\nassets: [{name: A, price: 1}]\ndefaults: {pool: {fee: 0}}\n",
                          LIQ_EKEY,
                          "test.yaml:3:1: defaults: only allowed with network; expected network: "
                          "GRAPH_FILE beside it, or no defaults");
    snprintf(message, sizeof(message),
             "test.yaml:2:10: network: cannot read '%s': No such file or directory",
             in_cwd("test_sg_missing.graphml"));
    expect_scenario_error("rounds: 1\nnetwork: test_sg_missing.graphml\n", LIQ_EIO, message);
    expect_scenario_error(
        "rounds: 1\nnetwork: net.txt\n", LIQ_EINVAL,
        "test.yaml:2:10: network: cannot tell the graph format of 'net.txt'; expected a "
        "file name ending .graphml, .xml or .gml, or the key network_format (graphml or "
        "gml)");
    expect_scenario_error(
        "rounds: 1\nnetwork: net.graphml\nnetwork_format: xml\n", LIQ_EINVAL,
        "test.yaml:3:17: network_format: unknown graph format 'xml'; expected one of "
        "graphml, gml");
    expect_scenario_error(
        "rounds: 1\nnetwork: net.graphml\nasset: []\n", LIQ_EKEY,
        "test.yaml:3:1: (top level): unknown key 'asset'; expected one of name, rounds, "
        "round_seconds, seed, output, chains, bridges, network, network_format, defaults, "
        "accounts, shocks, adversary");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_from_graph),
        cmocka_unit_test(test_features_from_graph),
        cmocka_unit_test(test_features_errors),
        cmocka_unit_test(test_defaults_fill),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_mechanisms_from_graph),
        cmocka_unit_test(test_mechanisms_errors),
    };
    char dir[] = "/tmp/liq_test_scenario_graph_XXXXXX";
    liq_test_enter_dir(dir);
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    liq_test_leave_dir(dir);
    return failed;
}
