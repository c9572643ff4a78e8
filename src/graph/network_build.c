/*
 * The network of a scenario (liq_network_build): its vertices and edges in
 * the order liqnet/network.h documents, each carrying its entity's scenario
 * keys as attributes, by the tables of the keys (network_schema.c): the
 * keys every vertex or edge of its kind has, then the graph's own (a
 * protocol's `accounts`), then those that apply to this one (a stableswap
 * pool's amplification), then a protocol's mechanism settings, each under
 * its key path (`breaker.drop`) and only where the protocol has them, so
 * that a scenario without them gives the network it gave before.
 *
 * Attribute order matters to the files written: igraph lists attributes in
 * the order they were first set, and the writers write them in that order.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/igraph_util.h"
#include "graph/network_internal.h"
#include "liqnet/error.h"
#include "model/scenario_keys.h"

/* The key paths of a protocol's settings are at most this long. */
#define LIQ_KEY_PATH_MAX 128

/* The ranks of a protocol's settings (scenario_keys.h: graph_rank). */
#define LIQ_GRAPH_RANKS 8

/* Attribute setters that stop at the first igraph failure: `err` carries it. */
typedef struct {
    igraph_t *graph;
    igraph_error_t err;
    const liq_scenario_t *sc;
} liq_setter_t;

static void liq_set_number(liq_setter_t *s, int is_edge, size_t i, const char *name, double value)
{
    if (s->err == IGRAPH_SUCCESS) {
        const igraph_integer_t at = (igraph_integer_t)i;
        s->err = is_edge ? igraph_cattribute_EAN_set(s->graph, name, at, value)
                         : igraph_cattribute_VAN_set(s->graph, name, at, value);
    }
}

static void liq_set_string(liq_setter_t *s, int is_edge, size_t i, const char *name,
                           const char *value)
{
    if (s->err == IGRAPH_SUCCESS) {
        const igraph_integer_t at = (igraph_integer_t)i;
        s->err = is_edge ? igraph_cattribute_EAS_set(s->graph, name, at, value)
                         : igraph_cattribute_VAS_set(s->graph, name, at, value);
    }
}

/* The name of the entity a reference points at. */
static const char *liq_ref_target(const liq_scenario_t *sc, liq_ref_kind_t ref, int32_t i)
{
    switch (ref) {
    case LIQ_REF_ASSET:
        return sc->assets[i].name;
    case LIQ_REF_POOL:
        return sc->pools[i].name;
    case LIQ_REF_ORACLE:
        return sc->oracles[i].name;
    default:
        return sc->protocols[i].name;
    }
}

/* A key's value as an attribute: numbers as numbers (rounds counts are far
 * below 2^53, so exact; unlimited as Inf), choices and names as strings. */
static void liq_set_key(liq_setter_t *s, int is_edge, size_t i, const char *name,
                        const liq_key_t *key, const void *obj)
{
    const void *field = liq_key_cfield(key, obj);
    switch (key->type) {
    case LIQ_KEY_NUMBER:
        liq_set_number(s, is_edge, i, name, *(const double *)field);
        break;
    case LIQ_KEY_INTEGER:
    case LIQ_KEY_DURATION: {
        const int64_t v = *(const int64_t *)field;
        const int unlimited = (key->flags & LIQ_KEY_UNLIMITED) != 0 && v == INT64_MAX;
        liq_set_number(s, is_edge, i, name, unlimited ? (double)INFINITY : (double)v);
        break;
    }
    case LIQ_KEY_ENUM:
        liq_set_string(s, is_edge, i, name, key->choices[*(const int *)field]);
        break;
    case LIQ_KEY_FLAG:
        liq_set_string(s, is_edge, i, name, *(const int *)field ? "true" : "false");
        break;
    case LIQ_KEY_STRING:
        if (*(char *const *)field != NULL) {
            liq_set_string(s, is_edge, i, name, *(char *const *)field);
        }
        break;
    case LIQ_KEY_REF:
        liq_set_string(s, is_edge, i, name,
                       liq_ref_target(s->sc, key->ref, *(const int32_t *)field));
        break;
    default:
        break;
    }
}

/* The settings of rank `rank` below `prefix` (a protocol's, or those of
 * one of its mappings): each as written in the resolved form. */
static void liq_set_settings(liq_setter_t *s, size_t v, const liq_entity_t *entity,
                             const liq_key_ctx_t *ctx, const void *obj, const char *prefix,
                             int rank, int all)
{
    char path[LIQ_KEY_PATH_MAX];
    for (size_t k = 0; k < entity->n_keys; k++) {
        const liq_key_t *key = &entity->keys[k];
        const int setting = all || (key->graph_as == LIQ_GRAPH_KEY && key->graph_rank == rank);
        if (key->type == LIQ_KEY_MAP && (setting || key->graph_as == LIQ_GRAPH_ATTR)) {
            if (setting && !liq_key_written(key, ctx, obj)) {
                continue;
            }
            snprintf(path, sizeof(path), "%s%s.", prefix, key->name);
            const liq_key_ctx_t sub = {ctx->sc, obj, ctx->parent, ctx->index, ctx->count};
            liq_set_settings(s, v, key->entity, &sub, liq_key_cfield(key, obj), path, rank,
                             setting);
        } else if (setting && liq_key_written(key, ctx, obj)) {
            snprintf(path, sizeof(path), "%s%s", prefix, key->name);
            liq_set_key(s, 0, v, path, key, obj);
        }
    }
}

/* The attributes of the vertex or edge `i` of kind `kind` that carries
 * `obj` (its entity's struct; `parent` holds it, a route's market). */
static void liq_set_attributes(liq_setter_t *s, int is_edge, int kind, size_t i, const void *obj,
                               const void *parent, double accounts)
{
    const int protocol = !is_edge && kind == LIQ_VERTEX_PROTOCOL;
    const liq_key_ctx_t ctx = {s->sc, parent, NULL, 0, 0};
    liq_kind_spec_t spec;
    liq_graph_spec(&spec, is_edge, kind,
                   is_edge && kind == LIQ_EDGE_MARKET ? LIQ_SPEC_COLLATERAL : LIQ_SPEC_BASE);
    for (size_t k = 0; k < spec.n_attrs; k++) {
        const liq_attr_spec_t *a = &spec.attrs[k];
        if (a->key != NULL) {
            liq_set_key(s, is_edge, i, a->name, a->key, obj);
        } else if (protocol) {
            liq_set_number(s, 0, i, a->name, accounts); /* the graph's own: accounts */
        }
    }
    liq_graph_spec(&spec, is_edge, kind, LIQ_SPEC_CONDITIONAL);
    for (size_t k = 0; k < spec.n_attrs; k++) {
        const liq_attr_spec_t *a = &spec.attrs[k];
        const liq_key_need_t need =
            a->key != NULL ? liq_key_applies(a->key, &ctx, obj, NULL) : LIQ_NEED_HIDDEN;
        if (need == LIQ_NEED_OPTIONAL || need == LIQ_NEED_REQUIRED) {
            liq_set_key(s, is_edge, i, a->name, a->key, obj);
        }
    }
    for (int rank = 0; protocol && rank < LIQ_GRAPH_RANKS; rank++) {
        liq_set_settings(s, i, &liq_protocol_entity, &ctx, obj, "", rank, 0);
    }
}

/* ----------------------------------------------------------------- edges */

/* An edge being collected before igraph_add_edges: its ends, kind, role
 * and the struct its scenario keys come from (NULL: none). */
typedef struct {
    size_t from, to;
    liq_edge_kind_t kind;
    const char *role; /* NULL: none */
    const void *obj;
    const void *parent; /* the struct that holds obj (a route's market) */
} liq_pending_edge_t;

typedef struct {
    liq_pending_edge_t *edge;
    size_t n;
} liq_edges_t;

static void liq_add(liq_edges_t *edges, size_t from, size_t to, liq_edge_kind_t kind,
                    const char *role, const void *obj, const void *parent)
{
    edges->edge[edges->n++] = (liq_pending_edge_t){from, to, kind, role, obj, parent};
}

/* The vertex a price source reads: its asset, or its pool. */
static size_t liq_source_vertex(const liq_scenario_t *sc, const liq_price_source_t *src)
{
    return src->source == LIQ_ORACLE_MARKET ? (size_t)src->asset : sc->n_assets + (size_t)src->pool;
}

static size_t liq_max_edges(const liq_scenario_t *sc)
{
    size_t max_edges = 2 * sc->n_pools + 2 * sc->n_protocols;
    for (size_t i = 0; i < sc->n_oracles; i++) {
        max_edges += 1 + sc->oracles[i].n_inputs + (size_t)(sc->oracles[i].has_anchor != 0);
    }
    for (size_t p = 0; p < sc->n_protocols; p++) {
        const liq_protocol_config_t *pr = &sc->protocols[p];
        for (size_t m = 0; m < pr->n_markets; m++) {
            max_edges += 2 + pr->markets[m].n_routes;
        }
        max_edges += pr->n_issues + pr->n_holdings;
    }
    return max_edges;
}

/* The edges of the oracles: their reads edges (a median's inputs in
 * order, each saying how it is read), then an anchor's. */
static void liq_oracle_edges(liq_edges_t *edges, const liq_scenario_t *sc)
{
    const size_t base_pool = sc->n_assets;
    const size_t base_oracle = base_pool + sc->n_pools;
    for (size_t i = 0; i < sc->n_oracles; i++) {
        const liq_oracle_config_t *o = &sc->oracles[i];
        if (o->source == LIQ_ORACLE_MEDIAN) {
            for (size_t k = 0; k < o->n_inputs; k++) {
                liq_add(edges, base_oracle + i, liq_source_vertex(sc, &o->inputs[k]),
                        LIQ_EDGE_READS, NULL, &o->inputs[k], o);
            }
        } else {
            const size_t to =
                o->source == LIQ_ORACLE_MARKET ? (size_t)o->asset : base_pool + (size_t)o->pool;
            liq_add(edges, base_oracle + i, to, LIQ_EDGE_READS, NULL, NULL, o);
        }
        if (o->has_anchor) {
            liq_add(edges, base_oracle + i, liq_source_vertex(sc, &o->anchor), LIQ_EDGE_READS,
                    "anchor", &o->anchor, o);
        }
    }
}

/* The edges of protocol p: per market its market edge (role collateral),
 * uses_oracle edge and routes, then the debt's market and uses_oracle
 * edges, then its issues and holds edges. */
static void liq_protocol_edges(liq_edges_t *edges, const liq_scenario_t *sc, size_t p)
{
    const size_t base_pool = sc->n_assets;
    const size_t base_oracle = base_pool + sc->n_pools;
    const size_t v = base_oracle + sc->n_oracles + p;
    const liq_protocol_config_t *pr = &sc->protocols[p];
    for (size_t m = 0; m < pr->n_markets; m++) {
        const liq_market_config_t *mk = &pr->markets[m];
        liq_add(edges, v, (size_t)mk->asset, LIQ_EDGE_MARKET, "collateral", mk, pr);
        liq_add(edges, v, base_oracle + (size_t)mk->oracle, LIQ_EDGE_USES_ORACLE, "collateral",
                NULL, NULL);
        for (size_t k = 0; k < mk->n_routes; k++) {
            liq_add(edges, v, base_pool + (size_t)mk->routes[k].pool, LIQ_EDGE_ROUTES, NULL,
                    &mk->routes[k], mk);
        }
    }
    liq_add(edges, v, (size_t)pr->debt_asset, LIQ_EDGE_MARKET, "debt", NULL, NULL);
    liq_add(edges, v, base_oracle + (size_t)pr->debt_oracle, LIQ_EDGE_USES_ORACLE, "debt", NULL,
            NULL);
    for (size_t k = 0; k < pr->n_issues; k++) {
        liq_add(edges, v, (size_t)pr->issues[k].asset, LIQ_EDGE_ISSUES, NULL, &pr->issues[k], pr);
    }
    for (size_t k = 0; k < pr->n_holdings; k++) {
        liq_add(edges, v, (size_t)pr->holdings[k].asset, LIQ_EDGE_HOLDS, NULL, &pr->holdings[k],
                pr);
    }
}

/* Every edge, in the order liq_network_build documents. */
static void liq_collect_edges(liq_edges_t *edges, const liq_scenario_t *sc)
{
    for (size_t i = 0; i < sc->n_pools; i++) {
        liq_add(edges, sc->n_assets + i, (size_t)sc->pools[i].token0, LIQ_EDGE_TRADES, "token0",
                NULL, NULL);
        liq_add(edges, sc->n_assets + i, (size_t)sc->pools[i].token1, LIQ_EDGE_TRADES, "token1",
                NULL, NULL);
    }
    liq_oracle_edges(edges, sc);
    for (size_t p = 0; p < sc->n_protocols; p++) {
        liq_protocol_edges(edges, sc, p);
    }
}

/* -------------------------------------------------------------- vertices */

/* The entity struct of vertex v and its kind. */
static const void *liq_vertex_entity(const liq_scenario_t *sc, size_t v, liq_vertex_kind_t *kind)
{
    if (v < sc->n_assets) {
        *kind = LIQ_VERTEX_ASSET;
        return &sc->assets[v];
    }
    v -= sc->n_assets;
    if (v < sc->n_pools) {
        *kind = LIQ_VERTEX_POOL;
        return &sc->pools[v];
    }
    v -= sc->n_pools;
    if (v < sc->n_oracles) {
        *kind = LIQ_VERTEX_ORACLE;
        return &sc->oracles[v];
    }
    *kind = LIQ_VERTEX_PROTOCOL;
    return &sc->protocols[v - sc->n_oracles];
}

/* Every vertex's attributes: kind and name first, so that they lead every
 * file, then those of each kind's entities, kind by kind. */
static void liq_set_vertices(liq_setter_t *s, liq_network_t *net, const double *accounts)
{
    const liq_scenario_t *sc = s->sc;
    const size_t n = sc->n_assets + sc->n_pools + sc->n_oracles + sc->n_protocols;
    for (size_t v = 0; v < n; v++) {
        liq_vertex_kind_t kind;
        /* Every entity struct has its name first. */
        const void *entity = liq_vertex_entity(sc, v, &kind);
        net->vertex_kind[v] = (uint8_t)kind;
        liq_set_string(s, 0, v, "kind", liq_vertex_kind_name(kind));
        liq_set_string(s, 0, v, "name", *(char *const *)entity);
    }
    const size_t base_protocol = n - sc->n_protocols;
    for (size_t v = 0; v < n; v++) {
        liq_vertex_kind_t kind;
        const void *entity = liq_vertex_entity(sc, v, &kind);
        liq_set_attributes(s, 0, (int)kind, v, entity, NULL,
                           kind == LIQ_VERTEX_PROTOCOL ? accounts[v - base_protocol] : (double)NAN);
    }
}

/* The accounts of each protocol: generated ones and rows of `positions`. */
static void liq_count_accounts(const liq_scenario_t *sc, const liq_positions_t *positions,
                               double *accounts)
{
    for (size_t g = 0; g < sc->n_generators; g++) {
        accounts[sc->generators[g].protocol] += (double)sc->generators[g].count;
    }
    if (positions != NULL) {
        for (size_t k = 0; k < positions->count; k++) {
            accounts[positions->protocol[k]] += 1.0;
        }
    }
}

/* The graph, its edges and every attribute. Inside an igraph scope. */
static int liq_build_graph(liq_network_t *net, const liq_scenario_t *sc, const liq_edges_t *edges,
                           const double *accounts)
{
    igraph_vector_int_t ends;
    if (igraph_vector_int_init(&ends, (igraph_integer_t)(2 * edges->n)) != IGRAPH_SUCCESS) {
        return liq_error_set(LIQ_ENOMEM, "network: out of memory building '%s'", sc->name);
    }
    const size_t n_vertices = sc->n_assets + sc->n_pools + sc->n_oracles + sc->n_protocols;
    liq_setter_t s = {&net->graph, IGRAPH_SUCCESS, sc};
    s.err = igraph_empty(&net->graph, (igraph_integer_t)n_vertices, IGRAPH_DIRECTED);
    net->has_graph = s.err == IGRAPH_SUCCESS;
    if (s.err == IGRAPH_SUCCESS) {
        for (size_t e = 0; e < edges->n; e++) {
            VECTOR(ends)[2 * e] = (igraph_integer_t)edges->edge[e].from;
            VECTOR(ends)[2 * e + 1] = (igraph_integer_t)edges->edge[e].to;
            net->edge_kind[e] = (uint8_t)edges->edge[e].kind;
        }
        s.err = igraph_add_edges(&net->graph, &ends, NULL);
    }
    igraph_vector_int_destroy(&ends);
    liq_set_vertices(&s, net, accounts);
    for (size_t e = 0; e < edges->n; e++) {
        const liq_pending_edge_t *pe = &edges->edge[e];
        liq_set_string(&s, 1, e, "kind", liq_edge_kind_name(pe->kind));
        if (pe->role != NULL) {
            liq_set_string(&s, 1, e, "role", pe->role);
        }
        if (pe->obj != NULL) {
            liq_set_attributes(&s, 1, (int)pe->kind, e, pe->obj, pe->parent, (double)NAN);
        }
    }
    if (s.err != IGRAPH_SUCCESS) {
        return liq_igraph_error(s.err, "network: building the graph");
    }
    return liq_network_index(net);
}

int liq_network_build(liq_network_t **out, const liq_scenario_t *sc,
                      const liq_positions_t *positions)
{
    *out = NULL;
    const size_t n_vertices = sc->n_assets + sc->n_pools + sc->n_oracles + sc->n_protocols;
    const size_t max_edges = liq_max_edges(sc);
    liq_network_t *net = liq_network_alloc();
    liq_edges_t edges = {malloc((max_edges > 0 ? max_edges : 1) * sizeof(*edges.edge)), 0};
    double *accounts = calloc(sc->n_protocols > 0 ? sc->n_protocols : 1, sizeof(*accounts));
    int rc = LIQ_OK;
    if (net == NULL || edges.edge == NULL || accounts == NULL) {
        rc = liq_error_set(LIQ_ENOMEM, "network: out of memory building '%s'", sc->name);
    }
    if (rc == LIQ_OK) {
        liq_collect_edges(&edges, sc);
        liq_count_accounts(sc, positions, accounts);
        net->vertex_kind = malloc((n_vertices > 0 ? n_vertices : 1) * sizeof(*net->vertex_kind));
        net->edge_kind = malloc((edges.n > 0 ? edges.n : 1) * sizeof(*net->edge_kind));
        if (net->vertex_kind == NULL || net->edge_kind == NULL) {
            rc = liq_error_set(LIQ_ENOMEM, "network: out of memory building '%s'", sc->name);
        }
    }
    if (rc == LIQ_OK) {
        liq_igraph_scope_t scope;
        liq_igraph_enter(&scope);
        rc = liq_build_graph(net, sc, &edges, accounts);
        liq_igraph_leave(&scope);
    }
    free(edges.edge);
    free(accounts);
    if (rc != LIQ_OK) {
        liq_network_destroy(net);
        return rc;
    }
    *out = net;
    return LIQ_OK;
}
