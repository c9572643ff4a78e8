/*
 * A scenario's entities in its network (network_entities.h): the shape of
 * a graph file checked, vertex by vertex and edge by edge, in the order of
 * the scenario's sections (assets, pools, oracles, protocols), so that the
 * first error is the one a reader meets first. The values of the entities'
 * keys are not read here but by the scenario reader, from the attributes.
 */
#define _POSIX_C_SOURCE 200809L

#include "graph/network_entities.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/network_internal.h"
#include "liqnet/error.h"
#include "model/scenario_keys.h"

/* Largest whole number a double holds exactly: the bound on round counts. */
#define LIQ_MAX_EXACT 9007199254740992.0

typedef struct {
    const liq_network_t *net;
    const char *file;
    liq_network_entities_t *e;
    size_t *first;            /* [n_vertices + 1] CSR of the out-edges by vertex */
    size_t *out;              /* [n_edges] */
    uint8_t *used;            /* [n_edges] a protocol's edges claimed by its markets */
    const char **name_sorted; /* (kind, name) sorted, for lookups by name */
    size_t *vertex_sorted;
} liq_shape_t;

static int liq_shape_error(const liq_shape_t *c, int code, int is_edge, size_t i, const char *fmt,
                           ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* "FILE: vertex 4 (pool 'X'): <fmt>", the style of liq_network_read. */
static int liq_shape_error(const liq_shape_t *c, int code, int is_edge, size_t i, const char *fmt,
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

static int liq_shape_nomem(const liq_shape_t *c)
{
    return liq_error_set(LIQ_ENOMEM, "%s: out of memory", c->file);
}

/* The attribute that carries key `key` of `entity`. */
static const char *liq_attr(const liq_entity_t *entity, const char *key)
{
    return liq_key_attr(liq_entity_key(entity, key));
}

static int liq_edge_role_is(const liq_network_t *net, size_t e, const char *role)
{
    return strcmp(liq_network_edge_string(net, e, "role"), role) == 0;
}

/* -------------------------------------------------------------- lookups */

/* The entity index of the vertex of `kind` named `name`, or -1 (names are
 * validated to exist). A binary search of the vertices sorted by (kind,
 * name). */
static int32_t liq_shape_find(const liq_shape_t *c, liq_vertex_kind_t kind, const char *name)
{
    const size_t n = c->net->n_vertices;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const size_t v = c->vertex_sorted[mid];
        const int k = c->net->vertex_kind[v];
        const int cmp =
            k != (int)kind ? (k < (int)kind ? -1 : 1) : strcmp(c->name_sorted[mid], name);
        if (cmp == 0) {
            return (int32_t)c->e->index[v];
        }
        if (cmp < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}

static const liq_network_t *liq_sort_net;

static int liq_sort_cmp(const void *x, const void *y)
{
    const size_t a = *(const size_t *)x, b = *(const size_t *)y;
    const int ka = liq_sort_net->vertex_kind[a], kb = liq_sort_net->vertex_kind[b];
    if (ka != kb) {
        return ka < kb ? -1 : 1;
    }
    const int cmp =
        strcmp(liq_network_vertex_name(liq_sort_net, a), liq_network_vertex_name(liq_sort_net, b));
    return cmp != 0 ? cmp : (a > b) - (a < b);
}

/* A whole number of rounds in a validated attribute fits a double. */
static int liq_shape_rounds(const liq_shape_t *c, int is_edge, size_t i, const char *attr)
{
    const double x = is_edge ? liq_network_edge_number(c->net, i, attr)
                             : liq_network_vertex_number(c->net, i, attr);
    if (!(x > LIQ_MAX_EXACT) || isinf(x)) {
        return LIQ_OK;
    }
    char number[40];
    liq_format_number(number, sizeof(number), x);
    return liq_shape_error(c, LIQ_EINVAL, is_edge, i,
                           "attribute '%s': value %s; expected at most 2^53 rounds", attr, number);
}

/* Every count of rounds an entity's keys give (durations, limits), but
 * the attribute `except`. */
static int liq_shape_all_rounds(const liq_shape_t *c, int is_edge, size_t i,
                                const liq_entity_t *entity, const char *except)
{
    int rc = LIQ_OK;
    for (size_t k = 0; k < entity->n_keys && rc == LIQ_OK; k++) {
        const liq_key_t *key = &entity->keys[k];
        if (key->type == LIQ_KEY_MAP && key->graph_as == LIQ_GRAPH_ATTR) {
            rc = liq_shape_all_rounds(c, is_edge, i, key->entity, except);
        } else if ((key->type == LIQ_KEY_DURATION || key->type == LIQ_KEY_INTEGER) &&
                   (key->graph_as == LIQ_GRAPH_ATTR || key->graph_as == LIQ_GRAPH_COND) &&
                   (except == NULL || strcmp(liq_key_attr(key), except) != 0)) {
            rc = liq_shape_rounds(c, is_edge, i, liq_key_attr(key));
        }
    }
    return rc;
}

/* ---------------------------------------------------------- the shape */

static int liq_shape_pools(liq_shape_t *c)
{
    const liq_network_t *net = c->net;
    liq_network_entities_t *e = c->e;
    const char *token0 = liq_attr(&liq_pool_entity, "token0");
    const char *token1 = liq_attr(&liq_pool_entity, "token1");
    for (size_t i = 0; i < e->count[LIQ_VERTEX_POOL]; i++) {
        const size_t v = e->vertex[LIQ_VERTEX_POOL][i];
        e->token0[i] =
            liq_shape_find(c, LIQ_VERTEX_ASSET, liq_network_vertex_string(net, v, token0));
        e->token1[i] =
            liq_shape_find(c, LIQ_VERTEX_ASSET, liq_network_vertex_string(net, v, token1));
        if (e->token0[i] == e->token1[i]) {
            return liq_shape_error(c, LIQ_EINVAL, 0, v,
                                   "attribute '%s': value '%s' is also %s; expected an asset other "
                                   "than %s",
                                   token1, liq_network_vertex_string(net, v, token1), token0,
                                   token0);
        }
    }
    /* A trades edge goes to the token of its role. */
    for (size_t t = 0; t < net->n_edges; t++) {
        if (net->edge_kind[t] != LIQ_EDGE_TRADES) {
            continue;
        }
        size_t from, to;
        liq_network_edge_ends(net, t, &from, &to);
        const int first = liq_edge_role_is(net, t, token0);
        const int32_t token = first ? e->token0[e->index[from]] : e->token1[e->index[from]];
        if ((int32_t)e->index[to] != token) {
            const char *role = first ? token0 : token1;
            const char *want = liq_network_vertex_name(net, e->vertex[LIQ_VERTEX_ASSET][token]);
            return liq_shape_error(c, LIQ_EREF, 1, t,
                                   "role %s, but the pool's %s is '%s'; expected an edge to '%s'",
                                   role, role, want, want);
        }
    }
    return LIQ_OK;
}

/* The source a reads edge stands for: `price_source` on a median's input
 * or an anchor (validated present there), else the oracle's; its target is
 * an asset for a market source, a pool for the others. Sets *priced. */
static int liq_shape_input(const liq_shape_t *c, size_t edge, const char *source, int32_t *priced)
{
    const liq_network_t *net = c->net;
    size_t from, to;
    liq_network_edge_ends(net, edge, &from, &to);
    const char *const *sources = liq_entity_key(&liq_oracle_entity, "source")->choices;
    const int market = strcmp(source, sources[LIQ_ORACLE_MARKET]) == 0;
    const liq_vertex_kind_t want = market ? LIQ_VERTEX_ASSET : LIQ_VERTEX_POOL;
    if (net->vertex_kind[to] != want) {
        return liq_shape_error(c, LIQ_EREF, 1, edge, "target is %s '%s'; expected %s for source %s",
                               liq_vertex_kind_name((liq_vertex_kind_t)net->vertex_kind[to]),
                               liq_network_vertex_name(net, to), market ? "an asset" : "a pool",
                               source);
    }
    *priced = market ? (int32_t)c->e->index[to] : c->e->token0[c->e->index[to]];
    return LIQ_OK;
}

static int liq_shape_oracle(liq_shape_t *c, size_t o)
{
    const liq_network_t *net = c->net;
    liq_network_entities_t *e = c->e;
    const size_t v = e->vertex[LIQ_VERTEX_ORACLE][o];
    const char *price_source = liq_attr(&liq_source_entity, "source");
    const char *window = liq_attr(&liq_oracle_entity, "window");
    const char *source = liq_network_vertex_string(net, v, liq_attr(&liq_oracle_entity, "source"));
    const char *const *sources = liq_entity_key(&liq_oracle_entity, "source")->choices;
    const int median = strcmp(source, sources[LIQ_ORACLE_MEDIAN]) == 0;
    /* Its reads edges: the sources (one, or a median's inputs in edge
     * order) and at most one anchor. */
    size_t n_anchors = 0;
    e->anchor_edge[o] = LIQ_NO_EDGE;
    e->input_first[o + 1] = e->input_first[o];
    for (size_t k = c->first[v]; k < c->first[v + 1]; k++) {
        const size_t r = c->out[k];
        if (net->edge_kind[r] != LIQ_EDGE_READS) {
            continue;
        }
        if (liq_edge_role_is(net, r, "anchor")) {
            n_anchors++;
            e->anchor_edge[o] = r;
        } else {
            e->input_edge[e->input_first[o + 1]++] = r;
        }
    }
    const size_t n_reads = e->input_first[o + 1] - e->input_first[o];
    if (n_anchors > 1) {
        return liq_shape_error(c, LIQ_EREF, 0, v,
                               "%zu reads edges of role anchor; expected at most one", n_anchors);
    }
    int rc = LIQ_OK;
    if (median && n_reads == 0) {
        return liq_shape_error(c, LIQ_EREF, 0, v,
                               "no reads edge of role source; expected one per input of the "
                               "median");
    }
    for (size_t k = e->input_first[o]; median && k < e->input_first[o + 1] && rc == LIQ_OK; k++) {
        const size_t r = e->input_edge[k];
        int32_t priced = -1;
        rc = liq_shape_input(c, r, liq_network_edge_string(net, r, price_source), &priced);
        if (rc == LIQ_OK && k == e->input_first[o]) {
            e->priced[o] = priced;
        }
        if (rc == LIQ_OK) {
            rc = liq_shape_rounds(c, 1, r, window);
        }
    }
    if (!median) {
        const int market = strcmp(source, sources[LIQ_ORACLE_MARKET]) == 0;
        if (n_reads != 1) {
            return liq_shape_error(c, LIQ_EREF, 0, v,
                                   "%zu reads edges; expected one, to the %s it reads (source %s)",
                                   n_reads, market ? "asset" : "pool", source);
        }
        const size_t r = e->input_edge[e->input_first[o]];
        const char *edge_source = liq_network_edge_string(net, r, price_source);
        if (edge_source[0] != '\0' && strcmp(edge_source, source) != 0) {
            return liq_shape_error(c, LIQ_EINVAL, 1, r,
                                   "attribute '%s': value '%s', but the oracle's source is '%s'; "
                                   "expected '%s' or none",
                                   price_source, edge_source, source, source);
        }
        rc = liq_shape_input(c, r, source, &e->priced[o]);
    }
    if (rc == LIQ_OK && n_anchors == 1) {
        int32_t priced = -1;
        rc =
            liq_shape_input(c, e->anchor_edge[o],
                            liq_network_edge_string(net, e->anchor_edge[o], price_source), &priced);
        if (rc == LIQ_OK) {
            rc = liq_shape_rounds(c, 1, e->anchor_edge[o], window);
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_shape_all_rounds(c, 0, v, &liq_oracle_entity, window);
    }
    const int twap = strcmp(source, sources[LIQ_ORACLE_POOL_TWAP]) == 0;
    const double w = liq_network_vertex_number(net, v, window);
    if (rc == LIQ_OK && twap) {
        rc = liq_shape_rounds(c, 0, v, window);
    } else if (rc == LIQ_OK && !isnan(w) && w != 1.0) {
        char number[40];
        liq_format_number(number, sizeof(number), w);
        rc = liq_shape_error(c, LIQ_EINVAL, 0, v,
                             "attribute '%s': value %s; expected 1 or none (a window belongs to "
                             "source pool_twap only)",
                             window, number);
    }
    return rc;
}

/* Whether pool `pool` trades exactly `asset` and `debt`, in either order. */
static int liq_shape_trades_pair(const liq_network_entities_t *e, size_t pool, int32_t asset,
                                 int32_t debt)
{
    return (e->token0[pool] == asset && e->token1[pool] == debt) ||
           (e->token1[pool] == asset && e->token0[pool] == debt);
}

/* The routes of market m, whose collateral edge is `me`, of a protocol
 * whose out-edges are edges[0 .. n): its routes edges to pools trading its
 * asset and the debt, in edge order (n_routes >= 1 of them). With weight
 * routing (absent `routing` included) the weights (validated in (0, 1])
 * are its shares and must add up to 1 (+-1e-9, as in a YAML scenario);
 * best_price edges have none (validated). */
static int liq_shape_routes(liq_shape_t *c, size_t m, size_t me, const size_t *edges, size_t n,
                            int32_t asset, int32_t debt, size_t n_routes)
{
    const liq_network_t *net = c->net;
    liq_network_entities_t *e = c->e;
    const liq_key_t *routing = liq_entity_key(&liq_market_entity, "routing");
    const int by_weight = strcmp(liq_network_edge_string(net, me, liq_key_attr(routing)),
                                 routing->choices[LIQ_ROUTING_BEST_PRICE]) != 0;
    const char *weight = liq_attr(&liq_route_entity, "weight");
    double total = 0.0;
    e->route_first[m + 1] = e->route_first[m];
    for (size_t j = 0; j < n; j++) {
        const size_t f = edges[j];
        size_t f_from, f_to;
        liq_network_edge_ends(net, f, &f_from, &f_to);
        if (net->edge_kind[f] != LIQ_EDGE_ROUTES ||
            !liq_shape_trades_pair(e, e->index[f_to], asset, debt)) {
            continue;
        }
        e->route_edge[e->route_first[m + 1]++] = f;
        total += by_weight ? liq_network_edge_number(net, f, weight) : 0.0;
        c->used[j] = 1;
    }
    if (by_weight && fabs(total - 1.0) > 1e-9) {
        return liq_shape_error(c, LIQ_EINVAL, 1, me,
                               "the weights of its %zu routes edges add up to %.17g; expected "
                               "weights adding up to 1 (the shares of the seized %s sold on each "
                               "pool)",
                               n_routes, total,
                               liq_network_vertex_name(net, e->vertex[LIQ_VERTEX_ASSET][asset]));
    }
    return LIQ_OK;
}

/* A protocol's issues and holds edges, in edge order. */
static void liq_shape_balance_sheet(liq_shape_t *c, size_t p, const size_t *edges, size_t n)
{
    const liq_network_t *net = c->net;
    liq_network_entities_t *e = c->e;
    e->issue_first[p + 1] = e->issue_first[p];
    e->holding_first[p + 1] = e->holding_first[p];
    for (size_t k = 0; k < n; k++) {
        if (net->edge_kind[edges[k]] == LIQ_EDGE_ISSUES) {
            e->issue_edge[e->issue_first[p + 1]++] = edges[k];
        } else if (net->edge_kind[edges[k]] == LIQ_EDGE_HOLDS) {
            e->holding_edge[e->holding_first[p + 1]++] = edges[k];
        }
    }
}

/* A debt edge (market or uses_oracle, role debt) goes to the protocol's
 * debt asset or oracle. */
static int liq_shape_debt_edge(const liq_shape_t *c, size_t edge, int is_market, int32_t want)
{
    const liq_network_t *net = c->net;
    size_t from, to;
    liq_network_edge_ends(net, edge, &from, &to);
    if ((int32_t)c->e->index[to] == want) {
        return LIQ_OK;
    }
    const liq_vertex_kind_t kind = is_market ? LIQ_VERTEX_ASSET : LIQ_VERTEX_ORACLE;
    const char *name = liq_network_vertex_name(net, c->e->vertex[kind][want]);
    const char *attr = liq_attr(&liq_protocol_entity, is_market ? "debt_asset" : "debt_oracle");
    return liq_shape_error(c, LIQ_EREF, 1, edge,
                           "role debt, but the protocol's %s is '%s'; expected an edge to '%s'",
                           attr, name, name);
}

/* Market m of a protocol: collateral edge edges[k] (its asset not the
 * debt, not an earlier market's), its one oracle of the asset and its
 * routes. */
static int liq_shape_market(liq_shape_t *c, size_t m, size_t first_market, const size_t *edges,
                            size_t n, size_t k, int32_t debt)
{
    const liq_network_t *net = c->net;
    liq_network_entities_t *e = c->e;
    const size_t me = edges[k];
    size_t from, to;
    liq_network_edge_ends(net, me, &from, &to);
    const int32_t asset = (int32_t)e->index[to];
    const char *name = liq_network_vertex_name(net, to);
    const char *debt_name = liq_network_vertex_name(net, e->vertex[LIQ_VERTEX_ASSET][debt]);
    if (asset == debt) {
        return liq_shape_error(c, LIQ_EINVAL, 1, me,
                               "'%s' is the protocol's debt asset; expected a collateral asset "
                               "other than %s",
                               name, debt_name);
    }
    for (size_t j = first_market; j < m; j++) {
        size_t f_from, f_to;
        liq_network_edge_ends(net, e->market_edge[j], &f_from, &f_to);
        if ((int32_t)e->index[f_to] == asset) {
            return liq_shape_error(c, LIQ_EINVAL, 1, me,
                                   "a second collateral market in '%s'; expected each collateral "
                                   "asset once per protocol",
                                   name);
        }
    }
    /* Its oracle and routes: the protocol's one edge to an oracle of this
     * asset, and its edges (in edge order) to the pools trading it against
     * the debt. */
    size_t n_oracles = 0, n_routes = 0, oracle_at = 0;
    for (size_t j = 0; j < n; j++) {
        const size_t f = edges[j];
        size_t f_from, f_to;
        liq_network_edge_ends(net, f, &f_from, &f_to);
        if (net->edge_kind[f] == LIQ_EDGE_USES_ORACLE && liq_edge_role_is(net, f, "collateral") &&
            e->priced[e->index[f_to]] == asset) {
            n_oracles++;
            oracle_at = j;
        }
        if (net->edge_kind[f] == LIQ_EDGE_ROUTES &&
            liq_shape_trades_pair(e, e->index[f_to], asset, debt)) {
            n_routes++;
        }
    }
    if (n_oracles != 1) {
        return liq_shape_error(c, LIQ_EREF, 1, me,
                               "%zu uses_oracle edges of role collateral to an oracle of %s; "
                               "expected one (an oracle with source market reading %s, or a pool "
                               "source whose token0 is %s)",
                               n_oracles, name, name, name);
    }
    if (n_routes == 0) {
        /* "one" as in one or more: a market may sell on several. */
        return liq_shape_error(c, LIQ_EREF, 1, me,
                               "0 routes edges to a pool trading %s and %s; expected one (where "
                               "seized %s is sold)",
                               name, debt_name, name);
    }
    const int rc = liq_shape_routes(c, m, me, edges, n, asset, debt, n_routes);
    if (rc != LIQ_OK) {
        return rc;
    }
    size_t o_from, o_to;
    liq_network_edge_ends(net, edges[oracle_at], &o_from, &o_to);
    c->used[oracle_at] = 1;
    e->market_edge[m] = me;
    e->market_oracle[m] = o_to;
    return LIQ_OK;
}

/* A protocol's markets: its market edges of role collateral in edge order;
 * a protocol there for its balance sheet (issues, holdings) may have none,
 * as in a YAML scenario. Every edge of the protocol must belong to one. */
static int liq_shape_markets(liq_shape_t *c, size_t p, size_t v, const size_t *edges, size_t n,
                             int32_t debt, int32_t debt_oracle)
{
    const liq_network_t *net = c->net;
    liq_network_entities_t *e = c->e;
    size_t n_markets = 0;
    for (size_t k = 0; k < n; k++) {
        const int kind = net->edge_kind[edges[k]];
        /* Edges read elsewhere (issues, holds) count as used. */
        c->used[k] =
            kind != LIQ_EDGE_MARKET && kind != LIQ_EDGE_USES_ORACLE && kind != LIQ_EDGE_ROUTES;
        n_markets += kind == LIQ_EDGE_MARKET && liq_edge_role_is(net, edges[k], "collateral");
    }
    if (n_markets == 0 && e->issue_first[p + 1] == e->issue_first[p] &&
        e->holding_first[p + 1] == e->holding_first[p]) {
        return liq_shape_error(c, LIQ_EREF, 0, v,
                               "no market edge of role collateral; expected at least one "
                               "collateral market (or an issues or holds edge)");
    }
    const size_t first_market = e->market_first[p];
    size_t m = first_market;
    for (size_t k = 0; k < n; k++) {
        const size_t edge = edges[k];
        const int kind = net->edge_kind[edge];
        const int debt_role = liq_edge_role_is(net, edge, "debt");
        int rc = LIQ_OK;
        if ((kind == LIQ_EDGE_MARKET || kind == LIQ_EDGE_USES_ORACLE) && debt_role) {
            rc = liq_shape_debt_edge(c, edge, kind == LIQ_EDGE_MARKET,
                                     kind == LIQ_EDGE_MARKET ? debt : debt_oracle);
            c->used[k] = 1;
        } else if (kind == LIQ_EDGE_MARKET) {
            c->used[k] = 1;
            rc = liq_shape_market(c, m, first_market, edges, n, k, debt);
            m++;
        }
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    e->market_first[p + 1] = m;
    for (size_t k = 0; k < n; k++) {
        if (!c->used[k]) {
            return liq_shape_error(c, LIQ_EREF, 1, edges[k],
                                   "no collateral market of '%s' uses it; expected a market edge "
                                   "to the asset this %s",
                                   liq_network_vertex_name(net, v),
                                   net->edge_kind[edges[k]] == LIQ_EDGE_ROUTES
                                       ? "pool trades against the debt asset"
                                       : "oracle prices");
        }
    }
    return LIQ_OK;
}

static int liq_shape_protocol(liq_shape_t *c, size_t p)
{
    const liq_network_t *net = c->net;
    liq_network_entities_t *e = c->e;
    const size_t v = e->vertex[LIQ_VERTEX_PROTOCOL][p];
    const char *debt_attr = liq_attr(&liq_protocol_entity, "debt_asset");
    const char *oracle_attr = liq_attr(&liq_protocol_entity, "debt_oracle");
    const int32_t debt =
        liq_shape_find(c, LIQ_VERTEX_ASSET, liq_network_vertex_string(net, v, debt_attr));
    const int32_t oracle =
        liq_shape_find(c, LIQ_VERTEX_ORACLE, liq_network_vertex_string(net, v, oracle_attr));
    if (e->priced[oracle] != debt) {
        const char *want = liq_network_vertex_string(net, v, debt_attr);
        return liq_shape_error(
            c, LIQ_EINVAL, 0, v,
            "attribute '%s': oracle '%s' prices %s, not %s; expected an oracle of %s", oracle_attr,
            liq_network_vertex_string(net, v, oracle_attr),
            liq_network_vertex_name(net, e->vertex[LIQ_VERTEX_ASSET][e->priced[oracle]]), want,
            want);
    }
    int rc = liq_shape_all_rounds(c, 0, v, &liq_protocol_entity, NULL);
    const size_t *edges = c->out + c->first[v];
    const size_t n = c->first[v + 1] - c->first[v];
    if (rc == LIQ_OK) {
        liq_shape_balance_sheet(c, p, edges, n);
        rc = liq_shape_markets(c, p, v, edges, n, debt, oracle);
    }
    return rc;
}

/* ------------------------------------------------------------ the whole */

void liq_network_entities_destroy(liq_network_entities_t *e)
{
    for (int k = 0; k < LIQ_N_VERTEX_KINDS; k++) {
        free(e->vertex[k]);
    }
    void *arrays[] = {e->index,        e->input_first, e->input_edge,    e->anchor_edge,
                      e->market_first, e->market_edge, e->market_oracle, e->route_first,
                      e->route_edge,   e->issue_first, e->issue_edge,    e->holding_first,
                      e->holding_edge, e->token0,      e->token1,        e->priced};
    for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
        free(arrays[k]);
    }
    memset(e, 0, sizeof(*e));
}

/* Allocates every array (zeroed), sized by the network. */
static int liq_shape_alloc(liq_shape_t *c)
{
    const liq_network_t *net = c->net;
    liq_network_entities_t *e = c->e;
    const size_t nv = net->n_vertices + 1, ne = net->n_edges + 1;
    for (int k = 0; k < LIQ_N_VERTEX_KINDS; k++) {
        e->count[k] = net->count[k];
        e->vertex[k] = calloc(net->count[k] + 1, sizeof(size_t));
    }
    const size_t n_oracles = net->count[LIQ_VERTEX_ORACLE] + 1;
    const size_t n_protocols = net->count[LIQ_VERTEX_PROTOCOL] + 1;
    e->index = calloc(nv, sizeof(size_t));
    e->input_first = calloc(n_oracles, sizeof(size_t));
    e->input_edge = calloc(ne, sizeof(size_t));
    e->anchor_edge = calloc(n_oracles, sizeof(size_t));
    e->market_first = calloc(n_protocols, sizeof(size_t));
    e->market_edge = calloc(ne, sizeof(size_t));
    e->market_oracle = calloc(ne, sizeof(size_t));
    e->route_first = calloc(ne + 1, sizeof(size_t));
    e->route_edge = calloc(ne, sizeof(size_t));
    e->issue_first = calloc(n_protocols, sizeof(size_t));
    e->issue_edge = calloc(ne, sizeof(size_t));
    e->holding_first = calloc(n_protocols, sizeof(size_t));
    e->holding_edge = calloc(ne, sizeof(size_t));
    e->token0 = calloc(net->count[LIQ_VERTEX_POOL] + 1, sizeof(int32_t));
    e->token1 = calloc(net->count[LIQ_VERTEX_POOL] + 1, sizeof(int32_t));
    e->priced = calloc(n_oracles, sizeof(int32_t));
    c->first = calloc(nv, sizeof(size_t));
    c->out = calloc(ne, sizeof(size_t));
    c->used = calloc(ne, 1);
    c->name_sorted = calloc(nv, sizeof(*c->name_sorted));
    c->vertex_sorted = calloc(nv, sizeof(size_t));
    void *arrays[] = {e->index,        e->input_first, e->input_edge,    e->anchor_edge,
                      e->market_first, e->market_edge, e->market_oracle, e->route_first,
                      e->route_edge,   e->issue_first, e->issue_edge,    e->holding_first,
                      e->holding_edge, e->token0,      e->token1,        e->priced,
                      c->first,        c->out,         c->used,          c->name_sorted,
                      c->vertex_sorted};
    for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
        if (arrays[k] == NULL) {
            return liq_shape_nomem(c);
        }
    }
    for (int k = 0; k < LIQ_N_VERTEX_KINDS; k++) {
        if (e->vertex[k] == NULL) {
            return liq_shape_nomem(c);
        }
    }
    return LIQ_OK;
}

/* The vertices of each kind, a vertex's index among them, the out-edges
 * of each vertex (CSR) and the vertices sorted by (kind, name). Not
 * thread-safe (qsort's comparison reads a file-level network): graph code
 * runs on one thread (liqnet/network.h). */
static void liq_shape_index(liq_shape_t *c)
{
    const liq_network_t *net = c->net;
    liq_network_entities_t *e = c->e;
    size_t next[LIQ_N_VERTEX_KINDS] = {0};
    for (size_t v = 0; v < net->n_vertices; v++) {
        const int k = net->vertex_kind[v];
        e->index[v] = next[k];
        e->vertex[k][next[k]++] = v;
    }
    for (size_t i = 0; i < net->n_edges; i++) {
        size_t from, to;
        liq_network_edge_ends(net, i, &from, &to);
        c->first[from + 1]++;
    }
    for (size_t v = 0; v < net->n_vertices; v++) {
        c->first[v + 1] += c->first[v];
    }
    /* vertex_sorted holds each vertex's fill count until it is sorted. */
    for (size_t v = 0; v < net->n_vertices; v++) {
        c->vertex_sorted[v] = 0;
    }
    for (size_t i = 0; i < net->n_edges; i++) {
        size_t from, to;
        liq_network_edge_ends(net, i, &from, &to);
        c->out[c->first[from] + c->vertex_sorted[from]++] = i;
    }
    for (size_t v = 0; v < net->n_vertices; v++) {
        c->vertex_sorted[v] = v;
    }
    liq_sort_net = net;
    qsort(c->vertex_sorted, net->n_vertices, sizeof(*c->vertex_sorted), liq_sort_cmp);
    for (size_t k = 0; k < net->n_vertices; k++) {
        c->name_sorted[k] = liq_network_vertex_name(net, c->vertex_sorted[k]);
    }
}

int liq_network_entities(liq_network_entities_t *out, const liq_network_t *net, const char *path)
{
    memset(out, 0, sizeof(*out));
    liq_shape_t c = {net, path, out, NULL, NULL, NULL, NULL, NULL};
    int rc = liq_shape_alloc(&c);
    if (rc == LIQ_OK) {
        liq_shape_index(&c);
        rc = liq_shape_pools(&c);
    }
    /* Oracles read pools; protocols use all three. */
    for (size_t o = 0; o < out->count[LIQ_VERTEX_ORACLE] && rc == LIQ_OK; o++) {
        out->input_first[o + 1] = out->input_first[o];
        rc = liq_shape_oracle(&c, o);
    }
    for (size_t p = 0; p < out->count[LIQ_VERTEX_PROTOCOL] && rc == LIQ_OK; p++) {
        rc = liq_shape_protocol(&c, p);
    }
    free(c.first);
    free(c.out);
    free(c.used);
    free(c.name_sorted);
    free(c.vertex_sorted);
    if (rc != LIQ_OK) {
        liq_network_entities_destroy(out);
    }
    return rc;
}
