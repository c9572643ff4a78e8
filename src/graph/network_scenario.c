/*
 * A scenario's entities from its network: the assets, pools, oracles and
 * protocols of a graph file (the scenario key `network`, docs/scenario.md),
 * as the plain structs of liqnet/scenario.h.
 *
 * The network was validated attribute by attribute when it was read
 * (liq_network_read_scenario); what is checked here is its shape: which
 * oracle and which pool belong to which market, that an oracle reads one
 * source, that edges agree with the attributes that name the same thing.
 * It runs once per scenario on a few hundred vertices, so lookups by name
 * are linear; the edges are bucketed by protocol once, so the cost is
 * O(V + E + sum over protocols of (its edges)^2).
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/network_internal.h"
#include "liqnet/error.h"

/* Largest whole number a double holds exactly: the bound on round counts. */
#define LIQ_MAX_EXACT 9007199254740992.0

typedef struct {
    const liq_network_t *net;
    const char *file;
    liq_scenario_t *sc;
    size_t *index; /* [n_vertices] position of a vertex among those of its kind */
} liq_conv_t;

static int liq_conv_error(const liq_conv_t *c, int code, int is_edge, size_t i, const char *fmt,
                          ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* "FILE: vertex 4 (pool 'X'): <fmt>", the style of liq_network_read. */
static int liq_conv_error(const liq_conv_t *c, int code, int is_edge, size_t i, const char *fmt,
                          ...)
{
    char where[256], what[512];
    liq_describe(where, sizeof(where), c->net, is_edge, i);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return liq_error_set(code, "%s: %s: %s", c->file, where, what);
}

static int liq_conv_nomem(const liq_conv_t *c)
{
    return liq_error_set(LIQ_ENOMEM, "%s: out of memory", c->file);
}

/* The vertex of a kind with a name (validated to exist), as its index
 * among the vertices of that kind; -1 if there is none. */
static int32_t liq_conv_find(const liq_conv_t *c, liq_vertex_kind_t kind, const char *name)
{
    for (size_t v = 0; v < c->net->n_vertices; v++) {
        if (c->net->vertex_kind[v] == kind &&
            strcmp(liq_network_vertex_name(c->net, v), name) == 0) {
            return (int32_t)c->index[v];
        }
    }
    return -1;
}

/* A whole number of rounds from a validated attribute (whole, >= 0). */
static int liq_conv_rounds(const liq_conv_t *c, size_t v, const char *attr, int64_t *out)
{
    const double x = liq_network_vertex_number(c->net, v, attr);
    if (x > LIQ_MAX_EXACT) {
        char number[40];
        liq_format_number(number, sizeof(number), x);
        return liq_conv_error(c, LIQ_EINVAL, 0, v,
                              "attribute '%s': value %s; expected at most 2^53 rounds", attr,
                              number);
    }
    *out = (int64_t)x;
    return LIQ_OK;
}

static int liq_conv_asset(liq_conv_t *c, size_t v, liq_asset_config_t *a)
{
    a->name = strdup(liq_network_vertex_name(c->net, v));
    if (a->name == NULL) {
        return liq_conv_nomem(c);
    }
    a->price = liq_network_vertex_number(c->net, v, "price");
    a->market_depth = liq_network_vertex_number(c->net, v, "market_depth");
    a->market_resilience = liq_network_vertex_number(c->net, v, "market_resilience");
    return LIQ_OK;
}

static int liq_conv_pool(liq_conv_t *c, size_t v, liq_pool_config_t *p)
{
    p->name = strdup(liq_network_vertex_name(c->net, v));
    if (p->name == NULL) {
        return liq_conv_nomem(c);
    }
    const char *kind = liq_network_vertex_string(c->net, v, "pool_kind");
    const int stableswap = strcmp(kind, "stableswap") == 0;
    p->kind = stableswap                         ? LIQ_POOL_STABLESWAP
              : strcmp(kind, "linear_book") == 0 ? LIQ_POOL_LINEAR_BOOK
                                                 : LIQ_POOL_CONSTANT_PRODUCT;
    /* Validated: present for stableswap, absent (NaN) otherwise. */
    p->amplification =
        stableswap ? liq_network_vertex_number(c->net, v, "amplification") : (double)NAN;
    p->token0 = liq_conv_find(c, LIQ_VERTEX_ASSET, liq_network_vertex_string(c->net, v, "token0"));
    p->token1 = liq_conv_find(c, LIQ_VERTEX_ASSET, liq_network_vertex_string(c->net, v, "token1"));
    if (p->token0 == p->token1) {
        return liq_conv_error(c, LIQ_EINVAL, 0, v,
                              "attribute 'token1': value '%s' is also token0; expected an asset "
                              "other than token0",
                              liq_network_vertex_string(c->net, v, "token1"));
    }
    p->reserve0 = liq_network_vertex_number(c->net, v, "reserve0");
    p->reserve1 = liq_network_vertex_number(c->net, v, "reserve1");
    p->fee = liq_network_vertex_number(c->net, v, "fee");
    p->arbitrage = liq_network_vertex_number(c->net, v, "arbitrage");
    return LIQ_OK;
}

static liq_oracle_source_t liq_conv_source_kind(const char *source)
{
    return strcmp(source, "market") == 0      ? LIQ_ORACLE_MARKET
           : strcmp(source, "pool_spot") == 0 ? LIQ_ORACLE_POOL_SPOT
           : strcmp(source, "pool_twap") == 0 ? LIQ_ORACLE_POOL_TWAP
                                              : LIQ_ORACLE_MEDIAN;
}

/* The price source a reads edge stands for: its own `source` (a median
 * input or an anchor; validated present there) or, on the one source edge
 * of a plain oracle, the oracle's. Its target must be an asset for a market
 * source and a pool for the pool sources; `window` comes from the edge for
 * pool_twap (validated present there) and is 1 for the others. */
static int liq_conv_input(const liq_conv_t *c, size_t e, liq_price_source_t *src)
{
    const liq_network_t *net = c->net;
    const char *source = liq_network_edge_string(net, e, "price_source");
    src->source = liq_conv_source_kind(source);
    src->asset = -1;
    src->pool = -1;
    src->window = 1;
    size_t from, to;
    liq_network_edge_ends(net, e, &from, &to);
    const liq_vertex_kind_t want =
        src->source == LIQ_ORACLE_MARKET ? LIQ_VERTEX_ASSET : LIQ_VERTEX_POOL;
    if (net->vertex_kind[to] != want) {
        return liq_conv_error(c, LIQ_EREF, 1, e, "target is %s '%s'; expected %s for source %s",
                              liq_vertex_kind_name((liq_vertex_kind_t)net->vertex_kind[to]),
                              liq_network_vertex_name(net, to),
                              want == LIQ_VERTEX_ASSET ? "an asset" : "a pool", source);
    }
    if (want == LIQ_VERTEX_ASSET) {
        src->asset = (int32_t)c->index[to];
    } else {
        src->pool = (int32_t)c->index[to];
    }
    if (src->source == LIQ_ORACLE_POOL_TWAP) {
        const double window = liq_network_edge_number(net, e, "window");
        if (window > LIQ_MAX_EXACT) {
            char number[40];
            liq_format_number(number, sizeof(number), window);
            return liq_conv_error(c, LIQ_EINVAL, 1, e,
                                  "attribute 'window': value %s; expected at most 2^53 rounds",
                                  number);
        }
        src->window = (int64_t)window;
    }
    return LIQ_OK;
}

static int liq_conv_oracle(liq_conv_t *c, size_t v, liq_oracle_config_t *o)
{
    const liq_network_t *net = c->net;
    o->name = strdup(liq_network_vertex_name(net, v));
    if (o->name == NULL) {
        return liq_conv_nomem(c);
    }
    const char *source = liq_network_vertex_string(net, v, "source");
    o->source = liq_conv_source_kind(source);
    o->asset = -1;
    o->pool = -1;
    /* Its reads edges: the sources (one, or a median's inputs in edge
     * order) and at most one anchor. */
    size_t n_reads = 0, reads = 0, n_anchors = 0, anchor = 0;
    for (size_t e = 0; e < net->n_edges; e++) {
        size_t from, to;
        liq_network_edge_ends(net, e, &from, &to);
        if (from != v || net->edge_kind[e] != LIQ_EDGE_READS) {
            continue;
        }
        if (strcmp(liq_network_edge_string(net, e, "role"), "anchor") == 0) {
            n_anchors++;
            anchor = e;
        } else {
            n_reads++;
            reads = e;
        }
    }
    if (n_anchors > 1) {
        return liq_conv_error(c, LIQ_EREF, 0, v,
                              "%zu reads edges of role anchor; expected at most one", n_anchors);
    }
    int rc = LIQ_OK;
    if (o->source == LIQ_ORACLE_MEDIAN) {
        if (n_reads == 0) {
            return liq_conv_error(c, LIQ_EREF, 0, v,
                                  "no reads edge of role source; expected one per input of the "
                                  "median");
        }
        o->inputs = calloc(n_reads, sizeof(*o->inputs));
        if (o->inputs == NULL) {
            return liq_conv_nomem(c);
        }
        for (size_t e = 0; e < net->n_edges && rc == LIQ_OK; e++) {
            size_t from, to;
            liq_network_edge_ends(net, e, &from, &to);
            if (from == v && net->edge_kind[e] == LIQ_EDGE_READS &&
                strcmp(liq_network_edge_string(net, e, "role"), "anchor") != 0) {
                rc = liq_conv_input(c, e, &o->inputs[o->n_inputs]);
                o->n_inputs++;
            }
        }
    } else {
        const liq_vertex_kind_t want =
            o->source == LIQ_ORACLE_MARKET ? LIQ_VERTEX_ASSET : LIQ_VERTEX_POOL;
        if (n_reads != 1) {
            return liq_conv_error(c, LIQ_EREF, 0, v,
                                  "%zu reads edges; expected one, to the %s it reads (source %s)",
                                  n_reads, liq_vertex_kind_name(want), source);
        }
        const char *edge_source = liq_network_edge_string(net, reads, "price_source");
        if (edge_source[0] != '\0' && strcmp(edge_source, source) != 0) {
            return liq_conv_error(
                c, LIQ_EINVAL, 1, reads,
                "attribute 'price_source': value '%s', but the oracle's source is "
                "'%s'; expected '%s' or none",
                edge_source, source, source);
        }
        size_t from, to;
        liq_network_edge_ends(net, reads, &from, &to);
        if (net->vertex_kind[to] != want) {
            return liq_conv_error(c, LIQ_EREF, 1, reads,
                                  "target is %s '%s'; expected %s for source %s",
                                  liq_vertex_kind_name((liq_vertex_kind_t)net->vertex_kind[to]),
                                  liq_network_vertex_name(net, to),
                                  want == LIQ_VERTEX_ASSET ? "an asset" : "a pool", source);
        }
        if (want == LIQ_VERTEX_ASSET) {
            o->asset = (int32_t)c->index[to];
        } else {
            o->pool = (int32_t)c->index[to];
        }
    }
    if (rc == LIQ_OK && n_anchors == 1) {
        o->has_anchor = 1;
        rc = liq_conv_input(c, anchor, &o->anchor);
        /* Validated: present with an anchor edge. */
        o->anchor_band = liq_network_vertex_number(net, v, "anchor_band");
    }
    if (rc == LIQ_OK) {
        rc = liq_conv_rounds(c, v, "heartbeat", &o->heartbeat);
    }
    if (rc == LIQ_OK) {
        rc = liq_conv_rounds(c, v, "latency", &o->latency);
    }
    o->deviation = liq_network_vertex_number(net, v, "deviation");
    o->window = 1;
    if (rc == LIQ_OK && o->source == LIQ_ORACLE_POOL_TWAP) {
        rc = liq_conv_rounds(c, v, "window", &o->window);
    } else if (rc == LIQ_OK) {
        const double window = liq_network_vertex_number(net, v, "window");
        if (!isnan(window) && window != 1.0) {
            char number[40];
            liq_format_number(number, sizeof(number), window);
            rc = liq_conv_error(c, LIQ_EINVAL, 0, v,
                                "attribute 'window': value %s; expected 1 or none (a window "
                                "belongs to source pool_twap only)",
                                number);
        }
    }
    return rc;
}

/* The asset an oracle prices: its market asset, its pool's token0, or
 * its median's first input's (liq_oracle_priced_asset). */
static int32_t liq_conv_priced(const liq_scenario_t *sc, int32_t oracle)
{
    return liq_oracle_priced_asset(sc, &sc->oracles[oracle]);
}

static int liq_conv_trades(const liq_conv_t *c)
{
    const liq_network_t *net = c->net;
    for (size_t e = 0; e < net->n_edges; e++) {
        if (net->edge_kind[e] != LIQ_EDGE_TRADES) {
            continue;
        }
        size_t from, to;
        liq_network_edge_ends(net, e, &from, &to);
        const char *role = liq_network_edge_string(net, e, "role");
        const liq_pool_config_t *p = &c->sc->pools[c->index[from]];
        const int32_t token = strcmp(role, "token0") == 0 ? p->token0 : p->token1;
        if ((int32_t)c->index[to] != token) {
            return liq_conv_error(c, LIQ_EREF, 1, e,
                                  "role %s, but the pool's %s is '%s'; expected an edge to '%s'",
                                  role, role, c->sc->assets[token].name, c->sc->assets[token].name);
        }
    }
    return LIQ_OK;
}

/* Whether pool `pool` trades exactly `asset` and `debt`, in either order. */
static int liq_conv_trades_pair(const liq_scenario_t *sc, int32_t pool, int32_t asset, int32_t debt)
{
    const liq_pool_config_t *pl = &sc->pools[pool];
    return (pl->token0 == asset && pl->token1 == debt) ||
           (pl->token1 == asset && pl->token0 == debt);
}

/* The routes of the market of collateral edge `e`: the n_routes routes
 * edges among the protocol's `edges` to pools trading its asset and the
 * debt, in edge order, and its `routing` (absent: weight). With weight
 * routing each edge's weight (validated in (0, 1]) is its share and the
 * shares must add up to 1 (+-1e-9, as in a YAML scenario); with best_price
 * the edges have none (validated). */
static int liq_conv_routes(const liq_conv_t *c, size_t e, const size_t *edges, size_t n,
                           uint8_t *used, liq_market_config_t *mk, int32_t debt, size_t n_routes)
{
    const liq_network_t *net = c->net;
    mk->routing = strcmp(liq_network_edge_string(net, e, "routing"), "best_price") == 0
                      ? LIQ_ROUTING_BEST_PRICE
                      : LIQ_ROUTING_WEIGHT;
    mk->routes = calloc(n_routes, sizeof(*mk->routes));
    if (mk->routes == NULL) {
        return liq_conv_nomem(c);
    }
    double total = 0.0;
    for (size_t j = 0; j < n; j++) {
        const size_t f = edges[j];
        size_t f_from, f_to;
        liq_network_edge_ends(net, f, &f_from, &f_to);
        if (net->edge_kind[f] != LIQ_EDGE_ROUTES ||
            !liq_conv_trades_pair(c->sc, (int32_t)c->index[f_to], mk->asset, debt)) {
            continue;
        }
        liq_route_config_t *route = &mk->routes[mk->n_routes++];
        route->pool = (int32_t)c->index[f_to];
        route->weight = mk->routing == LIQ_ROUTING_WEIGHT
                            ? liq_network_edge_number(net, f, "weight")
                            : (double)NAN;
        total += mk->routing == LIQ_ROUTING_WEIGHT ? route->weight : 0.0;
        used[j] = 1;
    }
    mk->route = mk->routes[0].pool;
    if (mk->routing == LIQ_ROUTING_WEIGHT && fabs(total - 1.0) > 1e-9) {
        /* The market is not counted yet, so its routes are not the
         * scenario's to release. */
        free(mk->routes);
        mk->routes = NULL;
        return liq_conv_error(c, LIQ_EINVAL, 1, e,
                              "the weights of its %zu routes edges add up to %.17g; expected "
                              "weights adding up to 1 (the shares of the seized %s sold on each "
                              "pool)",
                              n_routes, total, c->sc->assets[mk->asset].name);
    }
    return LIQ_OK;
}

/* A protocol's issues and holds edges, in edge order: what it issues (with
 * its `recovery`, validated present on an issuer) and what it holds. */
static int liq_conv_balance_sheet(liq_conv_t *c, size_t v, liq_protocol_config_t *p,
                                  const size_t *edges, size_t n)
{
    const liq_network_t *net = c->net;
    size_t n_issues = 0, n_holdings = 0;
    for (size_t k = 0; k < n; k++) {
        n_issues += net->edge_kind[edges[k]] == LIQ_EDGE_ISSUES;
        n_holdings += net->edge_kind[edges[k]] == LIQ_EDGE_HOLDS;
    }
    p->issues = n_issues > 0 ? calloc(n_issues, sizeof(*p->issues)) : NULL;
    p->holdings = n_holdings > 0 ? calloc(n_holdings, sizeof(*p->holdings)) : NULL;
    if ((n_issues > 0 && p->issues == NULL) || (n_holdings > 0 && p->holdings == NULL)) {
        return liq_conv_nomem(c);
    }
    for (size_t k = 0; k < n; k++) {
        const size_t e = edges[k];
        size_t from, to;
        liq_network_edge_ends(net, e, &from, &to);
        if (net->edge_kind[e] == LIQ_EDGE_ISSUES) {
            p->issues[p->n_issues++] = (liq_issue_config_t){
                (int32_t)c->index[to], liq_network_edge_number(net, e, "supply")};
        } else if (net->edge_kind[e] == LIQ_EDGE_HOLDS) {
            p->holdings[p->n_holdings++] = (liq_holding_config_t){
                (int32_t)c->index[to], liq_network_edge_number(net, e, "amount")};
        }
    }
    p->recovery = n_issues > 0 && strcmp(liq_network_vertex_string(net, v, "recovery"), "zero") == 0
                      ? LIQ_RECOVERY_ZERO
                      : LIQ_RECOVERY_PRO_RATA;
    return LIQ_OK;
}

/* A protocol's out-edges (in file order) are edges[first .. first + n). */
static int liq_conv_markets(liq_conv_t *c, size_t v, liq_protocol_config_t *p, const size_t *edges,
                            size_t n, uint8_t *used)
{
    const liq_network_t *net = c->net;
    const liq_scenario_t *sc = c->sc;
    size_t n_markets = 0;
    for (size_t k = 0; k < n; k++) {
        const size_t e = edges[k];
        /* Edges read elsewhere (issues, holds) count as used. */
        used[k] = net->edge_kind[e] != LIQ_EDGE_MARKET &&
                  net->edge_kind[e] != LIQ_EDGE_USES_ORACLE && net->edge_kind[e] != LIQ_EDGE_ROUTES;
        if (net->edge_kind[e] == LIQ_EDGE_MARKET &&
            strcmp(liq_network_edge_string(net, e, "role"), "collateral") == 0) {
            n_markets++;
        }
    }
    /* A protocol there for its balance sheet (issues, holdings) may have
     * no market, as in a YAML scenario. */
    if (n_markets == 0 && p->n_issues == 0 && p->n_holdings == 0) {
        return liq_conv_error(c, LIQ_EREF, 0, v,
                              "no market edge of role collateral; expected at least one "
                              "collateral market (or an issues or holds edge)");
    }
    p->markets = calloc(n_markets + 1, sizeof(*p->markets));
    if (p->markets == NULL) {
        return liq_conv_nomem(c);
    }
    for (size_t k = 0; k < n; k++) {
        const size_t e = edges[k];
        size_t from, to;
        liq_network_edge_ends(net, e, &from, &to);
        const int kind = net->edge_kind[e];
        const int debt_role = strcmp(liq_network_edge_string(net, e, "role"), "debt") == 0;
        if (kind == LIQ_EDGE_MARKET && debt_role) {
            if ((int32_t)c->index[to] != p->debt_asset) {
                return liq_conv_error(c, LIQ_EREF, 1, e,
                                      "role debt, but the protocol's debt_asset is '%s'; expected "
                                      "an edge to '%s'",
                                      sc->assets[p->debt_asset].name,
                                      sc->assets[p->debt_asset].name);
            }
            used[k] = 1;
            continue;
        }
        if (kind == LIQ_EDGE_USES_ORACLE && debt_role) {
            if ((int32_t)c->index[to] != p->debt_oracle) {
                return liq_conv_error(c, LIQ_EREF, 1, e,
                                      "role debt, but the protocol's debt_oracle is '%s'; "
                                      "expected an edge to '%s'",
                                      sc->oracles[p->debt_oracle].name,
                                      sc->oracles[p->debt_oracle].name);
            }
            used[k] = 1;
            continue;
        }
        if (kind != LIQ_EDGE_MARKET) {
            continue; /* a market below claims it */
        }
        used[k] = 1;
        liq_market_config_t *mk = &p->markets[p->n_markets];
        mk->asset = (int32_t)c->index[to];
        const char *asset = sc->assets[mk->asset].name;
        const char *debt = sc->assets[p->debt_asset].name;
        if (mk->asset == p->debt_asset) {
            return liq_conv_error(c, LIQ_EINVAL, 1, e,
                                  "'%s' is the protocol's debt asset; expected a collateral asset "
                                  "other than %s",
                                  asset, debt);
        }
        for (size_t m = 0; m < p->n_markets; m++) {
            if (p->markets[m].asset == mk->asset) {
                return liq_conv_error(c, LIQ_EINVAL, 1, e,
                                      "a second collateral market in '%s'; expected each "
                                      "collateral asset once per protocol",
                                      asset);
            }
        }
        /* The market's oracle and routes: the protocol's one edge to an
         * oracle of this asset, and its edges (in edge order) to the pools
         * trading it against the debt. */
        size_t n_oracles = 0, n_routes = 0, oracle_at = 0;
        for (size_t j = 0; j < n; j++) {
            const size_t f = edges[j];
            size_t f_from, f_to;
            liq_network_edge_ends(net, f, &f_from, &f_to);
            if (net->edge_kind[f] == LIQ_EDGE_USES_ORACLE &&
                strcmp(liq_network_edge_string(net, f, "role"), "collateral") == 0 &&
                liq_conv_priced(sc, (int32_t)c->index[f_to]) == mk->asset) {
                n_oracles++;
                oracle_at = j;
            }
            if (net->edge_kind[f] == LIQ_EDGE_ROUTES &&
                liq_conv_trades_pair(sc, (int32_t)c->index[f_to], mk->asset, p->debt_asset)) {
                n_routes++;
            }
        }
        if (n_oracles != 1) {
            return liq_conv_error(c, LIQ_EREF, 1, e,
                                  "%zu uses_oracle edges of role collateral to an oracle of %s; "
                                  "expected one (an oracle with source market reading %s, or a "
                                  "pool source whose token0 is %s)",
                                  n_oracles, asset, asset, asset);
        }
        if (n_routes == 0) {
            /* "one" as in one or more: a market may sell on several. */
            return liq_conv_error(c, LIQ_EREF, 1, e,
                                  "0 routes edges to a pool trading %s and %s; expected one "
                                  "(where seized %s is sold)",
                                  asset, debt, asset);
        }
        const int rc = liq_conv_routes(c, e, edges, n, used, mk, p->debt_asset, n_routes);
        if (rc != LIQ_OK) {
            return rc;
        }
        size_t o_from, o_to;
        liq_network_edge_ends(net, edges[oracle_at], &o_from, &o_to);
        used[oracle_at] = 1;
        mk->oracle = (int32_t)c->index[o_to];
        mk->liquidation_threshold = liq_network_edge_number(net, e, "liquidation_threshold");
        mk->liquidation_bonus = liq_network_edge_number(net, e, "liquidation_bonus");
        mk->close_factor = liq_network_edge_number(net, e, "close_factor");
        mk->full_close_health = liq_network_edge_number(net, e, "full_close_health");
        p->n_markets++;
    }
    for (size_t k = 0; k < n; k++) {
        if (!used[k]) {
            return liq_conv_error(c, LIQ_EREF, 1, edges[k],
                                  "no collateral market of '%s' uses it; expected a market edge "
                                  "to the asset this %s",
                                  p->name,
                                  net->edge_kind[edges[k]] == LIQ_EDGE_ROUTES
                                      ? "pool trades against the debt asset"
                                      : "oracle prices");
        }
    }
    return LIQ_OK;
}

static int liq_conv_protocol(liq_conv_t *c, size_t v, liq_protocol_config_t *p, const size_t *edges,
                             size_t n, uint8_t *used)
{
    const liq_network_t *net = c->net;
    p->name = strdup(liq_network_vertex_name(net, v));
    if (p->name == NULL) {
        return liq_conv_nomem(c);
    }
    p->kind = LIQ_PROTOCOL_LENDING; /* the only protocol_kind the reader accepts */
    p->debt_asset =
        liq_conv_find(c, LIQ_VERTEX_ASSET, liq_network_vertex_string(net, v, "debt_asset"));
    p->debt_oracle =
        liq_conv_find(c, LIQ_VERTEX_ORACLE, liq_network_vertex_string(net, v, "debt_oracle"));
    const int32_t priced = liq_conv_priced(c->sc, p->debt_oracle);
    if (priced != p->debt_asset) {
        const char *want = c->sc->assets[p->debt_asset].name;
        return liq_conv_error(c, LIQ_EINVAL, 0, v,
                              "attribute 'debt_oracle': oracle '%s' prices %s, not %s; expected "
                              "an oracle of %s",
                              c->sc->oracles[p->debt_oracle].name, c->sc->assets[priced].name, want,
                              want);
    }
    p->insurance_fund = liq_network_vertex_number(net, v, "insurance_fund");
    p->gas_cost = liq_network_vertex_number(net, v, "gas_cost");
    p->min_profit = liq_network_vertex_number(net, v, "min_profit");
    const double max = liq_network_vertex_number(net, v, "max_liquidations");
    p->max_liquidations = INT64_MAX;
    if (!isinf(max)) {
        const int rc = liq_conv_rounds(c, v, "max_liquidations", &p->max_liquidations);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    const int rc = liq_conv_balance_sheet(c, v, p, edges, n);
    return rc != LIQ_OK ? rc : liq_conv_markets(c, v, p, edges, n, used);
}

/* Allocates the four entity arrays, zeroed, with their counts set. */
static int liq_conv_alloc(liq_conv_t *c)
{
    liq_scenario_t *sc = c->sc;
    const size_t *count = c->net->count;
    sc->assets = calloc(count[LIQ_VERTEX_ASSET] + 1, sizeof(*sc->assets));
    sc->pools = calloc(count[LIQ_VERTEX_POOL] + 1, sizeof(*sc->pools));
    sc->oracles = calloc(count[LIQ_VERTEX_ORACLE] + 1, sizeof(*sc->oracles));
    sc->protocols = calloc(count[LIQ_VERTEX_PROTOCOL] + 1, sizeof(*sc->protocols));
    if (sc->assets == NULL || sc->pools == NULL || sc->oracles == NULL || sc->protocols == NULL) {
        return liq_conv_nomem(c);
    }
    sc->n_assets = count[LIQ_VERTEX_ASSET];
    sc->n_pools = count[LIQ_VERTEX_POOL];
    sc->n_oracles = count[LIQ_VERTEX_ORACLE];
    sc->n_protocols = count[LIQ_VERTEX_PROTOCOL];
    return LIQ_OK;
}

int liq_network_to_scenario(liq_scenario_t *entities, const liq_network_t *net, const char *path)
{
    liq_conv_t c = {net, path, entities, NULL};
    const size_t nv = net->n_vertices, ne = net->n_edges;
    size_t *first = calloc(nv + 1, sizeof(*first)); /* CSR of out-edges by vertex */
    size_t *out_edges = malloc((ne + 1) * sizeof(*out_edges));
    uint8_t *used = malloc(ne + 1);
    c.index = malloc((nv + 1) * sizeof(*c.index));
    int rc = LIQ_OK;
    if (first == NULL || out_edges == NULL || used == NULL || c.index == NULL) {
        rc = liq_conv_nomem(&c);
    }
    if (rc == LIQ_OK) {
        rc = liq_conv_alloc(&c);
    }
    if (rc == LIQ_OK) {
        size_t next[LIQ_N_VERTEX_KINDS] = {0};
        for (size_t v = 0; v < nv; v++) {
            c.index[v] = next[net->vertex_kind[v]]++;
        }
        for (size_t e = 0; e < ne; e++) {
            size_t from, to;
            liq_network_edge_ends(net, e, &from, &to);
            first[from + 1]++;
        }
        for (size_t v = 0; v < nv; v++) {
            first[v + 1] += first[v];
        }
        size_t *fill = used == NULL ? NULL : calloc(nv + 1, sizeof(*fill));
        if (fill == NULL) {
            rc = liq_conv_nomem(&c);
        } else {
            for (size_t e = 0; e < ne; e++) {
                size_t from, to;
                liq_network_edge_ends(net, e, &from, &to);
                out_edges[first[from] + fill[from]++] = e;
            }
            free(fill);
        }
    }
    /* Kinds in dependency order: assets, pools, oracles (which read pools),
     * then protocols (which use all three). */
    for (int kind = 0; kind < LIQ_N_VERTEX_KINDS && rc == LIQ_OK; kind++) {
        for (size_t v = 0; v < nv && rc == LIQ_OK; v++) {
            if (net->vertex_kind[v] != kind) {
                continue;
            }
            const size_t i = c.index[v];
            switch (kind) {
            case LIQ_VERTEX_ASSET:
                rc = liq_conv_asset(&c, v, &entities->assets[i]);
                break;
            case LIQ_VERTEX_POOL:
                rc = liq_conv_pool(&c, v, &entities->pools[i]);
                break;
            case LIQ_VERTEX_ORACLE:
                rc = liq_conv_oracle(&c, v, &entities->oracles[i]);
                break;
            default:
                rc = liq_conv_protocol(&c, v, &entities->protocols[i], out_edges + first[v],
                                       first[v + 1] - first[v], used);
                break;
            }
        }
        if (rc == LIQ_OK && kind == LIQ_VERTEX_POOL) {
            rc = liq_conv_trades(&c);
        }
    }
    free(first);
    free(out_edges);
    free(used);
    free(c.index);
    return rc;
}
