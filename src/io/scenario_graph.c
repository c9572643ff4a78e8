/*
 * A scenario's network from a graph file (scenario_graph.h). Runs once per
 * scenario read, before the overrides that reach the network's values and
 * before the scenario reader: the graph's entities become YAML nodes of the
 * document, written so that the reader parses back the same doubles (the
 * shortest decimal form that reads back exactly; inf; `unlimited`) and the
 * same round counts (plain integers).
 */
#define _POSIX_C_SOURCE 200809L

#include "io/scenario_graph.h"
#include "io/scenario_read.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/error.h"
#include "liqnet/network.h"
#include "liqnet/scenario.h"

/* The lists a graph file replaces; a scenario gives them one way only. */
static const char *const liq_entity_keys[] = {"assets", "pools", "oracles", "protocols", NULL};

/* The `defaults` keys: the vertex kinds, then the edge kinds with values. */
static const char *const liq_default_kinds[] = {"asset",  "pool",  "oracle", "protocol", "market",
                                                "routes", "reads", "issues", "holds",    NULL};
/* The edge kinds of liq_default_kinds[4..], in that order. */
static const liq_edge_kind_t liq_default_edges[] = {
    LIQ_EDGE_MARKET, LIQ_EDGE_ROUTES, LIQ_EDGE_READS, LIQ_EDGE_ISSUES, LIQ_EDGE_HOLDS};

/* ------------------------------------------------------------- writing */

/* Appends nodes to the document; every node carries `mark` (where the
 * `network` key's value stands), so a message about a value that came from
 * the graph, such as one set by an override, points at that line. */
/* A protocol vertex's scenario-key attribute (liq_network_is_protocol_key),
 * read from the network before it is destroyed. */
typedef struct {
    size_t protocol;  /* the protocol's index: its rank among protocol vertices */
    char *attribute;  /* the key path below the protocol: "breaker.drop" */
    char *text;       /* the value as a plain YAML scalar */
    char *where;      /* "FILE: vertex 9 (protocol 'Lender')" */
    int from_default; /* 1: the value is that of defaults.protocol.ATTRIBUTE */
} liq_graph_key_t;

typedef struct {
    liq_ydoc_t *d;
    yaml_mark_t mark;
    int failed; /* out of memory */
    int rc;     /* another error, its message set */
    const liq_graph_key_t *keys;
    size_t n_keys;
} liq_emit_t;

static int liq_emit_scalar(liq_emit_t *e, const char *text, int quoted)
{
    if (e->failed) {
        return 0;
    }
    const int node = yaml_document_add_scalar(
        &e->d->doc, NULL, (yaml_char_t *)text, (int)strlen(text),
        quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE);
    if (node == 0) {
        e->failed = 1;
        return 0;
    }
    yaml_node_t *n = yaml_document_get_node(&e->d->doc, node);
    n->start_mark = n->end_mark = e->mark;
    return node;
}

static int liq_emit_collection(liq_emit_t *e, int is_mapping)
{
    if (e->failed) {
        return 0;
    }
    const int node = is_mapping
                         ? yaml_document_add_mapping(&e->d->doc, NULL, YAML_BLOCK_MAPPING_STYLE)
                         : yaml_document_add_sequence(&e->d->doc, NULL, YAML_BLOCK_SEQUENCE_STYLE);
    if (node == 0) {
        e->failed = 1;
        return 0;
    }
    yaml_node_t *n = yaml_document_get_node(&e->d->doc, node);
    n->start_mark = n->end_mark = e->mark;
    return node;
}

static void liq_emit_pair(liq_emit_t *e, int map, const char *key, int value)
{
    const int key_node = liq_emit_scalar(e, key, 0);
    if (!e->failed && !yaml_document_append_mapping_pair(&e->d->doc, map, key_node, value)) {
        e->failed = 1;
    }
}

static void liq_emit_item(liq_emit_t *e, int seq, int item)
{
    if (!e->failed && !yaml_document_append_sequence_item(&e->d->doc, seq, item)) {
        e->failed = 1;
    }
}

static void liq_emit_name(liq_emit_t *e, int map, const char *key, const char *name)
{
    liq_emit_pair(e, map, key, liq_emit_scalar(e, name, 1));
}

/* A double as the reader reads it back bit for bit: the shortest %.*g that
 * strtod returns unchanged, or inf. */
static void liq_emit_number(liq_emit_t *e, int map, const char *key, double x)
{
    char text[40];
    if (isinf(x)) {
        snprintf(text, sizeof(text), "%s", x > 0 ? "inf" : "-inf");
    } else {
        for (int digits = 1; digits <= 17; digits++) {
            snprintf(text, sizeof(text), "%.*g", digits, x);
            if (strtod(text, NULL) == x) {
                break;
            }
        }
    }
    liq_emit_pair(e, map, key, liq_emit_scalar(e, text, 0));
}

static void liq_emit_int(liq_emit_t *e, int map, const char *key, int64_t x)
{
    char text[32];
    snprintf(text, sizeof(text), "%lld", (long long)x);
    liq_emit_pair(e, map, key, liq_emit_scalar(e, text, 0));
}

/* The four lists, in the keys and units of docs/scenario.md (durations as
 * plain integers: rounds). */
/* A price source as a mapping {source, asset | pool, window (pool_twap)}. */
static int liq_emit_source(liq_emit_t *e, const liq_scenario_t *sc, const liq_price_source_t *src)
{
    static const char *const sources[] = {"market", "pool_spot", "pool_twap"};
    const int map = liq_emit_collection(e, 1);
    liq_emit_name(e, map, "source", sources[src->source]);
    if (src->source == LIQ_ORACLE_MARKET) {
        liq_emit_name(e, map, "asset", sc->assets[src->asset].name);
    } else {
        liq_emit_name(e, map, "pool", sc->pools[src->pool].name);
    }
    if (src->source == LIQ_ORACLE_POOL_TWAP) {
        liq_emit_int(e, map, "window", src->window);
    }
    return map;
}

/* A market's `route` (one pool sold by weight, R0) or `routing` and
 * `routes`. */
static void liq_emit_routes(liq_emit_t *e, int market, const liq_scenario_t *sc,
                            const liq_market_config_t *mk)
{
    if (mk->n_routes == 1 && mk->routing == LIQ_ROUTING_WEIGHT) {
        liq_emit_name(e, market, "route", sc->pools[mk->route].name);
        return;
    }
    liq_emit_name(e, market, "routing",
                  mk->routing == LIQ_ROUTING_BEST_PRICE ? "best_price" : "weight");
    const int routes = liq_emit_collection(e, 0);
    for (size_t k = 0; k < mk->n_routes; k++) {
        const int route = liq_emit_collection(e, 1);
        liq_emit_name(e, route, "pool", sc->pools[mk->routes[k].pool].name);
        if (mk->routing == LIQ_ROUTING_WEIGHT) {
            liq_emit_number(e, route, "weight", mk->routes[k].weight);
        }
        liq_emit_item(e, routes, route);
    }
    liq_emit_pair(e, market, "routes", routes);
}

/* A protocol's `issues` with `recovery`, and `holdings`, when it has them. */
static void liq_emit_balance_sheet(liq_emit_t *e, int map, const liq_scenario_t *sc,
                                   const liq_protocol_config_t *p)
{
    if (p->n_issues > 0) {
        const int issues = liq_emit_collection(e, 0);
        for (size_t k = 0; k < p->n_issues; k++) {
            const int item = liq_emit_collection(e, 1);
            liq_emit_name(e, item, "asset", sc->assets[p->issues[k].asset].name);
            liq_emit_number(e, item, "supply", p->issues[k].supply);
            liq_emit_item(e, issues, item);
        }
        liq_emit_pair(e, map, "issues", issues);
        liq_emit_name(e, map, "recovery", p->recovery == LIQ_RECOVERY_ZERO ? "zero" : "pro_rata");
    }
    if (p->n_holdings > 0) {
        const int holdings = liq_emit_collection(e, 0);
        for (size_t k = 0; k < p->n_holdings; k++) {
            const int item = liq_emit_collection(e, 1);
            liq_emit_name(e, item, "asset", sc->assets[p->holdings[k].asset].name);
            liq_emit_number(e, item, "amount", p->holdings[k].amount);
            liq_emit_item(e, holdings, item);
        }
        liq_emit_pair(e, map, "holdings", holdings);
    }
}

/* The value of key `key` in mapping `map` (document indices), or 0. */
static int liq_emit_find(liq_emit_t *e, int map, const char *key, size_t len)
{
    const yaml_node_t *m = yaml_document_get_node(&e->d->doc, map);
    for (const yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(&e->d->doc, p->key);
        if (k->type == YAML_SCALAR_NODE && k->data.scalar.length == len &&
            memcmp(k->data.scalar.value, key, len) == 0) {
            return p->value;
        }
    }
    return 0;
}

static void liq_emit_origin(liq_emit_t *e, int node, const char *text)
{
    if (!e->failed && e->rc == LIQ_OK && liq_ydoc_set_origin(e->d, node, text) != LIQ_OK) {
        e->failed = 1;
    }
}

/* Puts one scenario-key attribute at its key path below the protocol's
 * mapping `map`, creating the mappings on the way (`breaker`,
 * `stability_pool.recovery_mode`) or entering those already there
 * (`keepers`). A key already given, or a path through a value that is not a
 * mapping (`markets.x`), is an error naming the vertex and attribute. */
static void liq_emit_graph_key(liq_emit_t *e, int map, const liq_graph_key_t *k)
{
    char origin[1024];
    if (k->from_default) {
        snprintf(origin, sizeof(origin), "defaults.protocol.%s, for %s", k->attribute, k->where);
    } else {
        snprintf(origin, sizeof(origin), "%s, attribute '%s'", k->where, k->attribute);
    }
    const char *path = k->attribute;
    int at = map;
    while (!e->failed && e->rc == LIQ_OK) {
        const size_t len = strcspn(path, ".");
        const size_t done = (size_t)(path - k->attribute);
        if (len == 0 || len >= 64) {
            e->rc = liq_error_set(LIQ_EKEY,
                                  "%s: attribute '%s': not a key path; expected scenario keys "
                                  "of 1 to 63 characters joined by single dots",
                                  k->where, k->attribute);
            return;
        }
        char key[64];
        memcpy(key, path, len);
        key[len] = '\0';
        const int last = path[len] == '\0';
        const int existing = liq_emit_find(e, at, key, len);
        if (existing != 0 &&
            (last || yaml_document_get_node(&e->d->doc, existing)->type != YAML_MAPPING_NODE)) {
            e->rc = liq_error_set(LIQ_EKEY,
                                  "%s: attribute '%s': the protocol's key %.*s is already given by "
                                  "the graph (by %s); expected each key once, and a mapping "
                                  "below a key path",
                                  k->where, k->attribute, (int)(done + len), k->attribute,
                                  last ? "another attribute" : "a value that is not a mapping");
            return;
        }
        if (existing != 0) {
            at = existing;
            path += len + 1;
            continue;
        }
        const int key_node = liq_emit_scalar(e, key, 0);
        const int value = last ? liq_emit_scalar(e, k->text, 0) : liq_emit_collection(e, 1);
        if (!e->failed && !yaml_document_append_mapping_pair(&e->d->doc, at, key_node, value)) {
            e->failed = 1;
        }
        liq_emit_origin(e, key_node, origin);
        if (last) {
            liq_emit_origin(e, value, origin);
            return;
        }
        char group[1024];
        snprintf(group, sizeof(group), "%s, attributes '%.*s.*'", k->where, (int)(done + len),
                 k->attribute);
        liq_emit_origin(e, value, group);
        at = value;
        path += len + 1;
    }
}

static void liq_emit_entities(liq_emit_t *e, int root, const liq_scenario_t *sc)
{
    static const char *const sources[] = {"market", "pool_spot", "pool_twap", "median"};
    int list = liq_emit_collection(e, 0);
    for (size_t i = 0; i < sc->n_assets; i++) {
        const liq_asset_config_t *a = &sc->assets[i];
        const int map = liq_emit_collection(e, 1);
        liq_emit_name(e, map, "name", a->name);
        liq_emit_number(e, map, "price", a->price);
        liq_emit_number(e, map, "market_depth", a->market_depth);
        liq_emit_number(e, map, "market_resilience", a->market_resilience);
        liq_emit_item(e, list, map);
    }
    liq_emit_pair(e, root, "assets", list);

    list = liq_emit_collection(e, 0);
    for (size_t i = 0; i < sc->n_pools; i++) {
        const liq_pool_config_t *p = &sc->pools[i];
        const int map = liq_emit_collection(e, 1);
        liq_emit_name(e, map, "name", p->name);
        static const char *const kinds[] = {"constant_product", "stableswap", "linear_book"};
        liq_emit_name(e, map, "kind", kinds[p->kind]);
        liq_emit_name(e, map, "token0", sc->assets[p->token0].name);
        liq_emit_name(e, map, "token1", sc->assets[p->token1].name);
        liq_emit_number(e, map, "reserve0", p->reserve0);
        liq_emit_number(e, map, "reserve1", p->reserve1);
        liq_emit_number(e, map, "fee", p->fee);
        liq_emit_number(e, map, "arbitrage", p->arbitrage);
        if (p->kind == LIQ_POOL_STABLESWAP) {
            liq_emit_number(e, map, "amplification", p->amplification);
        }
        liq_emit_item(e, list, map);
    }
    liq_emit_pair(e, root, "pools", list);

    list = liq_emit_collection(e, 0);
    for (size_t i = 0; i < sc->n_oracles; i++) {
        const liq_oracle_config_t *o = &sc->oracles[i];
        const int map = liq_emit_collection(e, 1);
        liq_emit_name(e, map, "name", o->name);
        liq_emit_name(e, map, "source", sources[o->source]);
        if (o->source == LIQ_ORACLE_MARKET) {
            liq_emit_name(e, map, "asset", sc->assets[o->asset].name);
        } else if (o->source == LIQ_ORACLE_MEDIAN) {
            const int inputs = liq_emit_collection(e, 0);
            for (size_t k = 0; k < o->n_inputs; k++) {
                liq_emit_item(e, inputs, liq_emit_source(e, sc, &o->inputs[k]));
            }
            liq_emit_pair(e, map, "inputs", inputs);
        } else {
            liq_emit_name(e, map, "pool", sc->pools[o->pool].name);
        }
        liq_emit_int(e, map, "heartbeat", o->heartbeat);
        liq_emit_number(e, map, "deviation", o->deviation);
        liq_emit_int(e, map, "latency", o->latency);
        if (o->source == LIQ_ORACLE_POOL_TWAP) {
            liq_emit_int(e, map, "window", o->window);
        }
        if (o->has_anchor) {
            liq_emit_pair(e, map, "anchor", liq_emit_source(e, sc, &o->anchor));
            liq_emit_number(e, map, "anchor_band", o->anchor_band);
        }
        liq_emit_item(e, list, map);
    }
    liq_emit_pair(e, root, "oracles", list);

    list = liq_emit_collection(e, 0);
    for (size_t i = 0; i < sc->n_protocols; i++) {
        const liq_protocol_config_t *p = &sc->protocols[i];
        const int map = liq_emit_collection(e, 1);
        liq_emit_name(e, map, "name", p->name);
        liq_emit_name(e, map, "kind", "lending");
        liq_emit_name(e, map, "debt_asset", sc->assets[p->debt_asset].name);
        liq_emit_name(e, map, "debt_oracle", sc->oracles[p->debt_oracle].name);
        liq_emit_number(e, map, "insurance_fund", p->insurance_fund);
        const int keepers = liq_emit_collection(e, 1);
        liq_emit_number(e, keepers, "gas_cost", p->gas_cost);
        liq_emit_number(e, keepers, "min_profit", p->min_profit);
        if (p->max_liquidations == INT64_MAX) {
            liq_emit_pair(e, keepers, "max_liquidations", liq_emit_scalar(e, "unlimited", 0));
        } else {
            liq_emit_int(e, keepers, "max_liquidations", p->max_liquidations);
        }
        liq_emit_pair(e, map, "keepers", keepers);
        liq_emit_balance_sheet(e, map, sc, p);
        const int markets = p->n_markets > 0 ? liq_emit_collection(e, 0) : 0;
        for (size_t m = 0; m < p->n_markets; m++) {
            const liq_market_config_t *mk = &p->markets[m];
            const int market = liq_emit_collection(e, 1);
            liq_emit_name(e, market, "asset", sc->assets[mk->asset].name);
            liq_emit_name(e, market, "oracle", sc->oracles[mk->oracle].name);
            liq_emit_routes(e, market, sc, mk);
            liq_emit_number(e, market, "liquidation_threshold", mk->liquidation_threshold);
            liq_emit_number(e, market, "liquidation_bonus", mk->liquidation_bonus);
            liq_emit_number(e, market, "close_factor", mk->close_factor);
            liq_emit_number(e, market, "full_close_health", mk->full_close_health);
            liq_emit_item(e, markets, market);
        }
        /* A balance-sheet protocol has no `markets`: when given, it must
         * not be empty. */
        if (p->n_markets > 0) {
            liq_emit_pair(e, map, "markets", markets);
        }
        /* Last, so that a key path meets every key the graph gives. */
        for (size_t k = 0; k < e->n_keys; k++) {
            if (e->keys[k].protocol == i) {
                liq_emit_graph_key(e, map, &e->keys[k]);
            }
        }
        liq_emit_item(e, list, map);
    }
    liq_emit_pair(e, root, "protocols", list);
}

/* ------------------------------------------------------------- reading */

static void liq_graph_keys_free(liq_graph_key_t *keys, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(keys[k].attribute);
        free(keys[k].text);
        free(keys[k].where);
    }
    free(keys);
}

/* A number as the reader reads it back: whole numbers in plain digits (so a
 * duration is a count of rounds), others in the shortest %g that strtod
 * returns unchanged, infinity as inf. */
static void liq_key_number(char *text, size_t size, double x)
{
    if (isinf(x)) {
        snprintf(text, size, "%s", x > 0 ? "inf" : "-inf");
    } else if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(text, size, "%.0f", x);
    } else {
        for (int digits = 1; digits <= 17; digits++) {
            snprintf(text, size, "%.*g", digits, x);
            if (strtod(text, NULL) == x) {
                break;
            }
        }
    }
}

/* Whether the defaults give protocol attribute `attr` the value `text`
 * (numbers compared as the text they are written in). */
static int liq_graph_key_is_default(const liq_network_default_t *defaults, size_t n_defaults,
                              const char *attr, const char *text)
{
    for (size_t k = 0; k < n_defaults; k++) {
        const liq_network_default_t *d = &defaults[k];
        if (d->is_edge || d->kind != LIQ_VERTEX_PROTOCOL || strcmp(d->attribute, attr) != 0) {
            continue;
        }
        char number[48];
        if (d->string == NULL) {
            liq_key_number(number, sizeof(number), d->number);
        }
        return strcmp(d->string != NULL ? d->string : number, text) == 0;
    }
    return 0;
}

/* The scenario-key attributes of the network's protocol vertices
 * (liq_network_is_protocol_key), in vertex order, then attribute order;
 * absent values (NaN, "") are skipped. An attribute of another type (a
 * GraphML boolean, which cannot be absent) is an error. */
static int liq_graph_keys_read(const liq_network_t *net, const char *path,
                               const liq_network_default_t *defaults, size_t n_defaults,
                               liq_graph_key_t **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    const size_t n_attrs = liq_network_vertex_attr_count(net);
    const size_t n_vertices = liq_network_vertex_count(net);
    size_t cap = 0;
    size_t protocol = 0;
    for (size_t v = 0; v < n_vertices; v++) {
        if (liq_network_vertex_kind(net, v) != LIQ_VERTEX_PROTOCOL) {
            continue;
        }
        for (size_t a = 0; a < n_attrs; a++) {
            int type = 0;
            const char *attr = liq_network_vertex_attr_name(net, a, &type);
            if (!liq_network_is_protocol_key(attr)) {
                continue;
            }
            if (type == LIQ_ATTR_OTHER) {
                return liq_error_set(LIQ_EINVAL,
                                     "%s: attribute '%s' is neither a number nor a string (a "
                                     "GraphML boolean?); expected attr.type double or string, "
                                     "absent where a protocol does not set the key",
                                     path, attr);
            }
            char text[48];
            const char *value = text;
            if (type == LIQ_ATTR_NUMBER) {
                const double x = liq_network_vertex_number(net, v, attr);
                if (isnan(x)) {
                    continue;
                }
                liq_key_number(text, sizeof(text), x);
            } else {
                value = liq_network_vertex_string(net, v, attr);
                if (value[0] == '\0') {
                    continue;
                }
            }
            if (*n_out == cap) {
                cap = cap > 0 ? 2 * cap : 16;
                liq_graph_key_t *grown = realloc(*out, cap * sizeof(**out));
                if (grown == NULL) {
                    return liq_error_set(LIQ_ENOMEM, "%s: out of memory", path);
                }
                *out = grown;
            }
            liq_graph_key_t *k = &(*out)[*n_out];
            *k = (liq_graph_key_t){protocol, strdup(attr), strdup(value), NULL,
                                   liq_graph_key_is_default(defaults, n_defaults, attr, value)};
            (*n_out)++;
            const char *name = liq_network_vertex_name(net, v);
            const size_t size = strlen(path) + strlen(name) + 64;
            k->where = malloc(size);
            if (k->attribute == NULL || k->text == NULL || k->where == NULL) {
                return liq_error_set(LIQ_ENOMEM, "%s: out of memory", path);
            }
            snprintf(k->where, size, "%s: vertex %zu (protocol '%s')", path, v, name);
        }
        protocol++;
    }
    return LIQ_OK;
}

/* Reports the message of a liq_network_default_check failure at `at`, with
 * the current key path. */
static int liq_default_error(liq_ydoc_t *d, int code, const yaml_node_t *at)
{
    char what[512];
    snprintf(what, sizeof(what), "%s", liq_errmsg());
    return liq_ydoc_error(d, code, at, "%s", what);
}

/* One `defaults.KIND.ATTR: VALUE`: a plain number (inf allowed; for
 * max_liquidations also `unlimited`) or a name. */
static int liq_read_default(liq_ydoc_t *d, const yaml_node_t *key, const yaml_node_t *value,
                            liq_network_default_t *out)
{
    out->attribute = liq_yscalar(key);
    out->string = NULL;
    out->number = NAN;
    if (value->type == YAML_MAPPING_NODE && !out->is_edge && out->kind == LIQ_VERTEX_PROTOCOL) {
        return liq_ydoc_error(d, LIQ_EINVAL, value,
                              "found a mapping; expected a number or a name (a protocol's "
                              "nested key is given by its dotted path: %s.KEY: VALUE)",
                              out->attribute);
    }
    if (value->type != YAML_SCALAR_NODE || liq_ynode_is_null(value)) {
        return liq_ydoc_error(d, LIQ_EINVAL, value, "found %s; expected a number or a name",
                              liq_ynode_is_null(value) ? "no value" : liq_ynode_kind(value));
    }
    const char *text = liq_yscalar(value);
    bool is_nan = false;
    if (value->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        if (liq_yparse_double(text, &out->number, &is_nan)) {
            return LIQ_OK;
        }
        if (is_nan) {
            return liq_ydoc_error(d, LIQ_EINVAL, value, "value %s is not finite; expected a number",
                                  text);
        }
        if (strcmp(out->attribute, "max_liquidations") == 0 && strcmp(text, "unlimited") == 0) {
            out->number = INFINITY;
            return LIQ_OK;
        }
    }
    out->string = text;
    return LIQ_OK;
}

static int liq_read_defaults(liq_ydoc_t *d, const yaml_node_t *root, liq_network_default_t **out,
                             size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    const yaml_node_t *defaults = liq_ymap_get(d, root, "defaults");
    if (defaults == NULL) {
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(d, "defaults");
    int rc = liq_ymap_check(d, defaults, liq_default_kinds);
    size_t capacity = 0;
    for (int pass = 0; pass < 2 && rc == LIQ_OK && defaults->type == YAML_MAPPING_NODE; pass++) {
        /* Pass 0 counts the values, pass 1 reads them. */
        if (pass == 1) {
            *out = calloc(capacity + 1, sizeof(**out));
            if (*out == NULL) {
                rc = liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the scenario",
                                   d->file);
                break;
            }
        }
        for (const yaml_node_pair_t *p = defaults->data.mapping.pairs.start;
             rc == LIQ_OK && p < defaults->data.mapping.pairs.top; p++) {
            const char *kind_name = liq_yscalar(liq_ydoc_node(d, p->key));
            const yaml_node_t *attrs = liq_ydoc_node(d, p->value);
            int kind = 0;
            while (strcmp(liq_default_kinds[kind], kind_name) != 0) {
                kind++;
            }
            const size_t kind_saved = liq_ypath_push_key(d, kind_name);
            if (liq_ynode_is_null(attrs)) {
                liq_ypath_pop(d, kind_saved);
                continue;
            }
            if (attrs->type != YAML_MAPPING_NODE) {
                rc = liq_ydoc_error(d, LIQ_EINVAL, attrs,
                                    "found %s; expected a mapping of attribute names to values",
                                    liq_ynode_kind(attrs));
            }
            for (const yaml_node_pair_t *q = rc == LIQ_OK ? attrs->data.mapping.pairs.start : NULL;
                 rc == LIQ_OK && q < attrs->data.mapping.pairs.top; q++) {
                const yaml_node_t *key = liq_ydoc_node(d, q->key);
                if (pass == 0) {
                    capacity++;
                    continue;
                }
                if (key->type != YAML_SCALAR_NODE) {
                    rc = liq_ydoc_error(d, LIQ_EKEY, key,
                                        "found %s as a key; expected an "
                                        "attribute name",
                                        liq_ynode_kind(key));
                    break;
                }
                for (const yaml_node_pair_t *r = attrs->data.mapping.pairs.start; r < q; r++) {
                    const yaml_node_t *earlier = liq_ydoc_node(d, r->key);
                    if (earlier->type == YAML_SCALAR_NODE &&
                        strcmp(liq_yscalar(earlier), liq_yscalar(key)) == 0) {
                        rc = liq_ydoc_error(d, LIQ_EKEY, key,
                                            "duplicate key '%s' (first given at line %zu); "
                                            "expected each key at most once",
                                            liq_yscalar(key), earlier->start_mark.line + 1);
                    }
                }
                const size_t attr_saved = liq_ypath_push_key(d, liq_yscalar(key));
                liq_network_default_t *def = &(*out)[*n_out];
                def->is_edge = kind >= 4;
                def->kind = kind < 4 ? kind : (int)liq_default_edges[kind - 4];
                const yaml_node_t *value = liq_ydoc_node(d, q->value);
                if (rc == LIQ_OK) {
                    rc = liq_read_default(d, key, value, def);
                }
                if (rc == LIQ_OK) {
                    rc = liq_network_default_check(def);
                    if (rc != LIQ_OK) {
                        rc = liq_default_error(d, rc, rc == LIQ_EKEY ? key : value);
                    }
                }
                if (rc == LIQ_OK) {
                    (*n_out)++;
                }
                liq_ypath_pop(d, attr_saved);
            }
            liq_ypath_pop(d, kind_saved);
        }
    }
    liq_ypath_pop(d, saved);
    return rc;
}

static bool liq_has_suffix(const char *s, const char *suffix)
{
    const size_t n = strlen(s), m = strlen(suffix);
    if (n < m) {
        return false;
    }
    for (size_t i = 0; i < m; i++) {
        if (tolower((unsigned char)s[n - m + i]) != suffix[i]) {
            return false;
        }
    }
    return true;
}

/* `network_format`, or the format the file name tells. */
static int liq_read_format(liq_ydoc_t *d, const yaml_node_t *root, const char *file,
                           liq_graph_format_t *format)
{
    static const char *const formats[] = {"graphml", "gml", NULL};
    int index = -1;
    int rc = liq_yget_enum(d, root, "network_format", formats, "graph format", false, -1, &index);
    if (rc != LIQ_OK) {
        return rc;
    }
    if (index >= 0) {
        *format = index == 0 ? LIQ_GRAPH_GRAPHML : LIQ_GRAPH_GML;
    } else if (liq_has_suffix(file, ".graphml") || liq_has_suffix(file, ".xml")) {
        *format = LIQ_GRAPH_GRAPHML;
    } else if (liq_has_suffix(file, ".gml")) {
        *format = LIQ_GRAPH_GML;
    } else {
        const size_t saved = liq_ypath_push_key(d, "network");
        rc = liq_ydoc_error(d, LIQ_EINVAL, liq_ymap_get(d, root, "network"),
                            "cannot tell the graph format of '%s'; expected a file name ending "
                            ".graphml, .xml or .gml, or the key network_format (graphml or gml)",
                            file);
        liq_ypath_pop(d, saved);
    }
    return rc;
}

/* Without `network`, its companions have nothing to apply to. */
static int liq_forbid_without_network(liq_ydoc_t *d, const yaml_node_t *root)
{
    static const char *const keys[] = {"network_format", "defaults", NULL};
    for (size_t k = 0; keys[k] != NULL; k++) {
        for (const yaml_node_pair_t *p = root->data.mapping.pairs.start;
             p < root->data.mapping.pairs.top; p++) {
            const yaml_node_t *key = liq_ydoc_node(d, p->key);
            if (key->type == YAML_SCALAR_NODE && strcmp(liq_yscalar(key), keys[k]) == 0) {
                const size_t saved = liq_ypath_push_key(d, keys[k]);
                const int rc = liq_ydoc_error(d, LIQ_EKEY, key,
                                              "only allowed with network; expected network: "
                                              "GRAPH_FILE beside it, or no %s",
                                              keys[k]);
                liq_ypath_pop(d, saved);
                return rc;
            }
        }
    }
    return LIQ_OK;
}

int liq_scenario_graph_inject(liq_ydoc_t *d, const char *const *top_keys, const char *base_dir,
                              bool *from_graph)
{
    *from_graph = false;
    yaml_node_t *root = liq_ydoc_root(d);
    if (root == NULL || root->type != YAML_MAPPING_NODE) {
        return LIQ_OK; /* the reader says what is wrong with it */
    }
    const yaml_node_t *network = liq_ymap_get(d, root, "network");
    if (network == NULL) {
        return liq_forbid_without_network(d, root);
    }
    const char *file = NULL;
    int rc = liq_yget_string(d, root, "network", true, NULL, &file);
    if (rc != LIQ_OK) {
        return rc;
    }
    for (const yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        const yaml_node_t *key = liq_ydoc_node(d, p->key);
        for (size_t k = 0; liq_entity_keys[k] != NULL && key->type == YAML_SCALAR_NODE; k++) {
            if (strcmp(liq_yscalar(key), liq_entity_keys[k]) == 0) {
                const size_t saved = liq_ypath_push_key(d, liq_entity_keys[k]);
                rc = liq_ydoc_error(d, LIQ_EKEY, key,
                                    "not allowed with network (the graph file '%s' defines the "
                                    "assets, pools, oracles and protocols); expected either "
                                    "network or the lists assets, pools, oracles and protocols",
                                    file);
                liq_ypath_pop(d, saved);
                return rc;
            }
        }
    }
    rc = liq_ymap_check(d, root, top_keys);
    if (rc != LIQ_OK) {
        return rc;
    }
    const yaml_mark_t mark = network->start_mark;
    liq_graph_format_t format = LIQ_GRAPH_AUTO;
    rc = liq_read_format(d, root, file, &format);
    liq_network_default_t *defaults = NULL;
    size_t n_defaults = 0;
    if (rc == LIQ_OK) {
        rc = liq_read_defaults(d, root, &defaults, &n_defaults);
    }
    char *path = NULL;
    if (rc == LIQ_OK) {
        path = liq_scenario_resolve_path(base_dir, file);
        if (path == NULL) {
            rc = liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the scenario", d->file);
        }
    }
    if (rc == LIQ_OK) {
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            const int err = errno;
            const size_t saved = liq_ypath_push_key(d, "network");
            rc = liq_ydoc_error(d, LIQ_EIO, network, "cannot read '%s': %s", path, strerror(err));
            liq_ypath_pop(d, saved);
        } else {
            fclose(f);
        }
    }
    liq_scenario_t *entities = NULL;
    liq_graph_key_t *keys = NULL;
    size_t n_keys = 0;
    if (rc == LIQ_OK) {
        entities = calloc(1, sizeof(*entities));
        if (entities == NULL) {
            rc = liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the scenario", d->file);
        }
    }
    if (rc == LIQ_OK) {
        /* igraph (IGRAPH_THREAD_SAFE 0) keeps its error state in globals,
         * and sweeps read their runs' scenarios on several threads at once:
         * the graph is read by one thread at a time. */
#pragma omp critical(liq_igraph)
        {
            liq_network_t *net = NULL;
            rc = liq_network_read_scenario(&net, path, format, defaults, n_defaults);
            if (rc == LIQ_OK) {
                rc = liq_network_to_scenario(entities, net, path);
            }
            if (rc == LIQ_OK) {
                rc = liq_graph_keys_read(net, path, defaults, n_defaults, &keys, &n_keys);
            }
            liq_network_destroy(net);
        }
    }
    if (rc == LIQ_OK) {
        /* The root's index, not its pointer: adding nodes may move them. */
        const int root_index = (int)(root - d->doc.nodes.start) + 1;
        liq_emit_t e = {d, mark, 0, LIQ_OK, keys, n_keys};
        liq_emit_entities(&e, root_index, entities);
        if (e.failed) {
            rc = liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the scenario", d->file);
        } else {
            rc = e.rc;
        }
    }
    liq_graph_keys_free(keys, n_keys);
    *from_graph = rc == LIQ_OK;
    liq_scenario_destroy(entities);
    free(path);
    free(defaults);
    return rc;
}
