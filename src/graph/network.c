/*
 * The heterogeneous network of MODEL.md s2 as an igraph graph: built from a
 * scenario, compared, and read attribute by attribute.
 *
 * The network is cold data: it is built once per scenario (O(entities +
 * markets)) and analysed or written; the round never touches it. Attributes
 * are igraph C attributes, so every vertex has every vertex attribute: a
 * number that does not apply to a vertex's kind is NaN, a string is "". The
 * attribute names and the ranges a reader enforces are in the tables below
 * and in docs/network.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph/igraph_util.h"
#include "graph/network_internal.h"
#include "liqnet/error.h"

/* --------------------------------------------------------------- schema */

static const char *const liq_pool_kinds[] = {"constant_product", "stableswap", "linear_book", NULL};
static const char *const liq_oracle_sources[] = {"market", "pool_spot", "pool_twap", "median",
                                                 NULL};
/* What one reads edge of a median oracle or an anchor reads (no median). */
static const char *const liq_input_sources[] = {"market", "pool_spot", "pool_twap", NULL};
/* Kinds a graph file may declare: perp protocols have markets a graph does
 * not describe, so they come from scenario YAML only; the writer names
 * every kind (liq_protocol_kind_t order). */
static const char *const liq_protocol_kinds[] = {"lending", NULL};
static const char *const liq_protocol_kind_names[] = {"lending", "perp"};
static const char *const liq_recoveries[] = {"pro_rata", "zero", NULL};
static const char *const liq_routings[] = {"weight", "best_price", NULL};
static const char *const liq_token_roles[] = {"token0", "token1", NULL};
static const char *const liq_use_roles[] = {"collateral", "debt", NULL};
static const char *const liq_read_roles[] = {"source", "anchor", NULL};

static const liq_attr_spec_t liq_asset_attrs[] = {
    {"price", 0, LIQ_CHECK_POSITIVE, NULL},
    {"market_depth", 0, LIQ_CHECK_POSITIVE_OR_INF, NULL},
    {"market_resilience", 0, LIQ_CHECK_UNIT, NULL},
};
static const liq_attr_spec_t liq_pool_attrs[] = {
    {"pool_kind", 1, LIQ_CHECK_CHOICE, liq_pool_kinds},
    {"token0", 1, LIQ_CHECK_NAME, NULL},
    {"token1", 1, LIQ_CHECK_NAME, NULL},
    {"reserve0", 0, LIQ_CHECK_POSITIVE, NULL},
    {"reserve1", 0, LIQ_CHECK_POSITIVE, NULL},
    {"fee", 0, LIQ_CHECK_UNIT_HALF_OPEN, NULL},
    {"arbitrage", 0, LIQ_CHECK_UNIT, NULL},
};
static const liq_attr_spec_t liq_oracle_attrs[] = {
    {"source", 1, LIQ_CHECK_CHOICE, liq_oracle_sources},
    {"heartbeat", 0, LIQ_CHECK_ROUNDS_POSITIVE, NULL},
    {"deviation", 0, LIQ_CHECK_NONNEGATIVE_OR_INF, NULL},
    {"latency", 0, LIQ_CHECK_ROUNDS_NONNEGATIVE, NULL},
    {"window", 0, LIQ_CHECK_ROUNDS_POSITIVE, NULL},
};
static const liq_attr_spec_t liq_protocol_attrs[] = {
    {"protocol_kind", 1, LIQ_CHECK_CHOICE, liq_protocol_kinds},
    {"debt_asset", 1, LIQ_CHECK_NAME, NULL},
    {"debt_oracle", 1, LIQ_CHECK_NAME, NULL},
    {"insurance_fund", 0, LIQ_CHECK_NONNEGATIVE, NULL},
    {"gas_cost", 0, LIQ_CHECK_NONNEGATIVE, NULL},
    {"min_profit", 0, LIQ_CHECK_FINITE, NULL},
    {"max_liquidations", 0, LIQ_CHECK_LIMIT, NULL},
    {"accounts", 0, LIQ_CHECK_ROUNDS_NONNEGATIVE, NULL},
};

#define LIQ_SPEC(a)                                                                                \
    {                                                                                              \
        a, sizeof(a) / sizeof(a[0])                                                                \
    }

const liq_kind_spec_t liq_vertex_specs[LIQ_N_VERTEX_KINDS] = {
    LIQ_SPEC(liq_asset_attrs),
    LIQ_SPEC(liq_pool_attrs),
    LIQ_SPEC(liq_oracle_attrs),
    LIQ_SPEC(liq_protocol_attrs),
};

static const liq_attr_spec_t liq_trades_attrs[] = {
    {"role", 1, LIQ_CHECK_CHOICE, liq_token_roles},
};
static const liq_attr_spec_t liq_use_attrs[] = {
    {"role", 1, LIQ_CHECK_CHOICE, liq_use_roles},
};
static const liq_attr_spec_t liq_issues_attrs[] = {
    {"supply", 0, LIQ_CHECK_POSITIVE, NULL},
};
static const liq_attr_spec_t liq_holds_attrs[] = {
    {"amount", 0, LIQ_CHECK_POSITIVE, NULL},
};
static const liq_attr_spec_t liq_market_attrs[] = {
    {"liquidation_threshold", 0, LIQ_CHECK_UNIT_POSITIVE, NULL},
    {"liquidation_bonus", 0, LIQ_CHECK_UNIT, NULL},
    {"close_factor", 0, LIQ_CHECK_UNIT_POSITIVE, NULL},
    {"full_close_health", 0, LIQ_CHECK_UNIT, NULL},
};

const liq_kind_spec_t liq_edge_specs[LIQ_N_EDGE_KINDS] = {
    LIQ_SPEC(liq_trades_attrs), /* trades */
    {NULL, 0},                  /* reads */
    LIQ_SPEC(liq_use_attrs),    /* uses_oracle */
    LIQ_SPEC(liq_use_attrs),    /* market */
    {NULL, 0},                  /* routes: weight is conditional */
    LIQ_SPEC(liq_issues_attrs), /* issues */
    LIQ_SPEC(liq_holds_attrs),  /* holds */
};
const liq_kind_spec_t liq_market_collateral_spec = LIQ_SPEC(liq_market_attrs);

/* The attributes that only some vertices or edges of a kind have; the
 * reader decides per vertex or edge (network_io.c, liq_conditional_need)
 * whether each is required, optional or not allowed. */
static const liq_attr_spec_t liq_pool_conditional[] = {
    {"amplification", 0, LIQ_CHECK_POSITIVE, NULL}, /* stableswap only */
};
static const liq_attr_spec_t liq_oracle_conditional[] = {
    {"anchor_band", 0, LIQ_CHECK_NONNEGATIVE, NULL}, /* with an anchor reads edge only */
};
static const liq_attr_spec_t liq_protocol_conditional[] = {
    {"recovery", 1, LIQ_CHECK_CHOICE, liq_recoveries}, /* issuers only */
};
static const liq_attr_spec_t liq_reads_conditional[] = {
    {"role", 1, LIQ_CHECK_CHOICE, liq_read_roles},            /* optional: source when absent */
    {"price_source", 1, LIQ_CHECK_CHOICE, liq_input_sources}, /* median inputs and anchors */
    {"window", 0, LIQ_CHECK_ROUNDS_POSITIVE, NULL},           /* an edge of source pool_twap */
};
static const liq_attr_spec_t liq_routes_conditional[] = {
    {"weight", 0, LIQ_CHECK_UNIT_POSITIVE, NULL}, /* unless the market routes best_price */
};
static const liq_attr_spec_t liq_market_conditional[] = {
    {"routing", 1, LIQ_CHECK_CHOICE, liq_routings}, /* optional on collateral edges: weight */
};

const liq_kind_spec_t liq_vertex_conditional[LIQ_N_VERTEX_KINDS] = {
    {NULL, 0},
    LIQ_SPEC(liq_pool_conditional),
    LIQ_SPEC(liq_oracle_conditional),
    LIQ_SPEC(liq_protocol_conditional),
};
const liq_kind_spec_t liq_edge_conditional[LIQ_N_EDGE_KINDS] = {
    {NULL, 0},                        /* trades */
    LIQ_SPEC(liq_reads_conditional),  /* reads */
    {NULL, 0},                        /* uses_oracle */
    LIQ_SPEC(liq_market_conditional), /* market (collateral) */
    LIQ_SPEC(liq_routes_conditional), /* routes */
    {NULL, 0},                        /* issues */
    {NULL, 0},                        /* holds */
};

#define LIQ_BIT(kind) (1u << (kind))
const unsigned liq_edge_from_kinds[LIQ_N_EDGE_KINDS] = {
    LIQ_BIT(LIQ_VERTEX_POOL),     LIQ_BIT(LIQ_VERTEX_ORACLE),   LIQ_BIT(LIQ_VERTEX_PROTOCOL),
    LIQ_BIT(LIQ_VERTEX_PROTOCOL), LIQ_BIT(LIQ_VERTEX_PROTOCOL), LIQ_BIT(LIQ_VERTEX_PROTOCOL),
    LIQ_BIT(LIQ_VERTEX_PROTOCOL),
};
const unsigned liq_edge_to_kinds[LIQ_N_EDGE_KINDS] = {
    LIQ_BIT(LIQ_VERTEX_ASSET),  LIQ_BIT(LIQ_VERTEX_ASSET) | LIQ_BIT(LIQ_VERTEX_POOL),
    LIQ_BIT(LIQ_VERTEX_ORACLE), LIQ_BIT(LIQ_VERTEX_ASSET),
    LIQ_BIT(LIQ_VERTEX_POOL),   LIQ_BIT(LIQ_VERTEX_ASSET),
    LIQ_BIT(LIQ_VERTEX_ASSET),
};

static const char *const liq_vertex_kind_names[LIQ_N_VERTEX_KINDS] = {"asset", "pool", "oracle",
                                                                      "protocol"};
static const char *const liq_edge_kind_names[LIQ_N_EDGE_KINDS] = {
    "trades", "reads", "uses_oracle", "market", "routes", "issues", "holds"};

const char *liq_vertex_kind_name(liq_vertex_kind_t kind)
{
    return (unsigned)kind < LIQ_N_VERTEX_KINDS ? liq_vertex_kind_names[kind] : "unknown";
}

const char *liq_edge_kind_name(liq_edge_kind_t kind)
{
    return (unsigned)kind < LIQ_N_EDGE_KINDS ? liq_edge_kind_names[kind] : "unknown";
}

/* ------------------------------------------------------------ lifecycle */

liq_network_t *liq_network_alloc(void)
{
    return calloc(1, sizeof(liq_network_t));
}

static void liq_free_names(char **names, size_t n)
{
    if (names != NULL) {
        for (size_t i = 0; i < n; i++) {
            free(names[i]);
        }
    }
    free(names);
}

void liq_network_destroy(liq_network_t *net)
{
    if (net == NULL) {
        return;
    }
    if (net->has_graph) {
        liq_igraph_scope_t scope;
        liq_igraph_enter(&scope);
        igraph_destroy(&net->graph);
        liq_igraph_leave(&scope);
    }
    free(net->vertex_kind);
    free(net->edge_kind);
    liq_free_names(net->vertex_attr_name, net->n_vertex_attrs);
    liq_free_names(net->edge_attr_name, net->n_edge_attrs);
    free(net->vertex_attr_type);
    free(net->edge_attr_type);
    free(net);
}

/* Copies igraph's attribute names and types into our arrays. */
static int liq_copy_attr_list(const igraph_strvector_t *names, const igraph_vector_int_t *types,
                              char ***out_names, int **out_types, size_t *out_n)
{
    const size_t n = (size_t)igraph_strvector_size(names);
    *out_n = 0;
    *out_names = calloc(n > 0 ? n : 1, sizeof(**out_names));
    *out_types = calloc(n > 0 ? n : 1, sizeof(**out_types));
    if (*out_names == NULL || *out_types == NULL) {
        return liq_error_set(LIQ_ENOMEM, "network: out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = igraph_strvector_get(names, (igraph_integer_t)i);
        (*out_names)[i] = malloc(strlen(name) + 1);
        if ((*out_names)[i] == NULL) {
            return liq_error_set(LIQ_ENOMEM, "network: out of memory");
        }
        strcpy((*out_names)[i], name);
        (*out_types)[i] = (int)VECTOR(*types)[i];
        *out_n = i + 1;
    }
    return LIQ_OK;
}

int liq_network_index(liq_network_t *net)
{
    net->n_vertices = (size_t)igraph_vcount(&net->graph);
    net->n_edges = (size_t)igraph_ecount(&net->graph);
    memset(net->count, 0, sizeof(net->count));
    for (size_t v = 0; v < net->n_vertices; v++) {
        net->count[net->vertex_kind[v]]++;
    }
    igraph_strvector_t gnames, vnames, enames;
    igraph_vector_int_t gtypes, vtypes, etypes;
    int rc = LIQ_OK;
    int have = 0;
    igraph_error_t err = igraph_strvector_init(&gnames, 0);
    if (err == IGRAPH_SUCCESS) {
        igraph_strvector_init(&vnames, 0);
        igraph_strvector_init(&enames, 0);
        igraph_vector_int_init(&gtypes, 0);
        igraph_vector_int_init(&vtypes, 0);
        igraph_vector_int_init(&etypes, 0);
        have = 1;
        err = igraph_cattribute_list(&net->graph, &gnames, &gtypes, &vnames, &vtypes, &enames,
                                     &etypes);
    }
    if (err != IGRAPH_SUCCESS) {
        rc = liq_igraph_error(err, "network: listing attributes");
    }
    if (rc == LIQ_OK) {
        rc = liq_copy_attr_list(&vnames, &vtypes, &net->vertex_attr_name, &net->vertex_attr_type,
                                &net->n_vertex_attrs);
    }
    if (rc == LIQ_OK) {
        rc = liq_copy_attr_list(&enames, &etypes, &net->edge_attr_name, &net->edge_attr_type,
                                &net->n_edge_attrs);
    }
    if (have) {
        igraph_strvector_destroy(&gnames);
        igraph_strvector_destroy(&vnames);
        igraph_strvector_destroy(&enames);
        igraph_vector_int_destroy(&gtypes);
        igraph_vector_int_destroy(&vtypes);
        igraph_vector_int_destroy(&etypes);
    }
    return rc;
}

static int liq_attr_type(char *const *names, const int *types, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return types[i];
        }
    }
    return -1;
}

int liq_network_vertex_attr_type(const liq_network_t *net, const char *name)
{
    return liq_attr_type(net->vertex_attr_name, net->vertex_attr_type, net->n_vertex_attrs, name);
}

int liq_network_edge_attr_type(const liq_network_t *net, const char *name)
{
    return liq_attr_type(net->edge_attr_name, net->edge_attr_type, net->n_edge_attrs, name);
}

/* ---------------------------------------------------------------- build */

/* Attribute setters that stop at the first igraph failure: `rc` carries it. */
typedef struct {
    igraph_t *graph;
    igraph_error_t err;
} liq_setter_t;

static void liq_set_vn(liq_setter_t *s, size_t v, const char *name, double value)
{
    if (s->err == IGRAPH_SUCCESS) {
        s->err = igraph_cattribute_VAN_set(s->graph, name, (igraph_integer_t)v, value);
    }
}

static void liq_set_vs(liq_setter_t *s, size_t v, const char *name, const char *value)
{
    if (s->err == IGRAPH_SUCCESS) {
        s->err = igraph_cattribute_VAS_set(s->graph, name, (igraph_integer_t)v, value);
    }
}

static void liq_set_en(liq_setter_t *s, size_t e, const char *name, double value)
{
    if (s->err == IGRAPH_SUCCESS) {
        s->err = igraph_cattribute_EAN_set(s->graph, name, (igraph_integer_t)e, value);
    }
}

static void liq_set_es(liq_setter_t *s, size_t e, const char *name, const char *value)
{
    if (s->err == IGRAPH_SUCCESS) {
        s->err = igraph_cattribute_EAS_set(s->graph, name, (igraph_integer_t)e, value);
    }
}

/* Rounds counts are int64 in the scenario and numbers (doubles) in the graph
 * files; every count liqnet meets is far below 2^53, so the value is exact. */
static double liq_rounds(int64_t rounds)
{
    return (double)rounds;
}

/* The mechanism settings of protocol pr (docs/network.md, "Mechanism
 * settings"), as dotted scenario-key attributes, for the settings it has
 * that differ from the defaults: a scenario without them gives the network
 * it gave before. A preset is not kept by the scenario; the keys it filled
 * are written as the values they gave. */
static void liq_set_protocol_keys(liq_setter_t *s, size_t v, const liq_protocol_config_t *pr)
{
    static const char *const curves[] = {"linear", "stairstep", "exponential"};
    if (pr->chain != NULL) {
        liq_set_vs(s, v, "chain", pr->chain);
    }
    if (pr->gas_congestion != 0.0) {
        liq_set_vn(s, v, "keepers.congestion", pr->gas_congestion);
    }
    if (pr->anticipate_slippage) {
        liq_set_vs(s, v, "keepers.anticipate_slippage", "true");
    }
    if (!isinf(pr->keeper_capital)) {
        liq_set_vn(s, v, "keepers.capital", pr->keeper_capital);
    }
    if (pr->has_breaker) {
        liq_set_vn(s, v, "breaker.drop", pr->breaker_drop);
        liq_set_vn(s, v, "breaker.window", liq_rounds(pr->breaker_window));
        liq_set_vn(s, v, "breaker.pause", liq_rounds(pr->breaker_pause));
        liq_set_vn(s, v, "breaker.cap", liq_rounds(pr->breaker_cap));
    }
    if (pr->has_dynamic_penalty) {
        liq_set_vn(s, v, "dynamic_penalty.reference_volatility", pr->reference_volatility);
        liq_set_vn(s, v, "dynamic_penalty.window", liq_rounds(pr->volatility_window));
        liq_set_vn(s, v, "dynamic_penalty.max_scale", pr->max_penalty_scale);
    }
    const liq_auction_config_t *a = &pr->liquidation;
    if (a->mode == LIQ_LIQUIDATION_DUTCH_AUCTION) {
        liq_set_vs(s, v, "liquidation.mode", "dutch_auction");
        liq_set_vn(s, v, "liquidation.chop", a->chop);
        liq_set_vn(s, v, "liquidation.buf", a->buf);
        liq_set_vn(s, v, "liquidation.tail", liq_rounds(a->tail));
        liq_set_vn(s, v, "liquidation.cusp", a->cusp);
        liq_set_vn(s, v, "liquidation.tip", a->tip);
        liq_set_vn(s, v, "liquidation.chip", a->chip);
        liq_set_vs(s, v, "liquidation.curve", curves[a->curve.kind]);
        if (a->curve.kind == LIQ_CURVE_LINEAR) {
            liq_set_vn(s, v, "liquidation.tau", a->curve.tau);
        }
        if (a->curve.kind == LIQ_CURVE_STAIRSTEP) {
            liq_set_vn(s, v, "liquidation.step", a->curve.step);
        }
        if (a->curve.kind != LIQ_CURVE_LINEAR) {
            liq_set_vn(s, v, "liquidation.cut", a->curve.cut);
        }
        liq_set_vn(s, v, "liquidation.hole", a->hole);
        liq_set_vn(s, v, "liquidation.keeper_capital", a->keeper_capital);
    }
    if (pr->has_stability_pool) {
        const liq_stability_pool_config_t *sp = &pr->stability_pool;
        liq_set_vn(s, v, "stability_pool.deposits", sp->deposits);
        liq_set_vn(s, v, "stability_pool.gas_compensation", sp->gas_compensation);
        liq_set_vn(s, v, "stability_pool.gas_compensation_share", sp->gas_compensation_share);
        liq_set_vn(s, v, "stability_pool.sell_share", sp->sell_share);
        if (sp->has_recovery_mode) {
            liq_set_vn(s, v, "stability_pool.recovery_mode.ccr", sp->ccr);
        }
    }
}

/* An edge being collected before igraph_add_edges. */
typedef struct {
    size_t from, to;
    liq_edge_kind_t kind;
    const char *role;                  /* NULL: none */
    const liq_market_config_t *market; /* collateral market edge: its parameters */
    const liq_price_source_t *input;   /* reads edge of a median input or an anchor */
    double number;                     /* routes: weight; issues: supply; holds: amount */
} liq_pending_edge_t;

static void liq_add(liq_pending_edge_t *edges, size_t *n, size_t from, size_t to,
                    liq_edge_kind_t kind, const char *role)
{
    edges[*n] = (liq_pending_edge_t){from, to, kind, role, NULL, NULL, NAN};
    (*n)++;
}

/* The vertex a price source reads: its asset, or its pool. */
static size_t liq_source_vertex(const liq_scenario_t *sc, const liq_price_source_t *src)
{
    return src->source == LIQ_ORACLE_MARKET ? (size_t)src->asset : sc->n_assets + (size_t)src->pool;
}

/* The name of the value an edge carries as `number`, by its kind. */
static const char *liq_number_name(liq_edge_kind_t kind)
{
    return kind == LIQ_EDGE_ROUTES ? "weight" : kind == LIQ_EDGE_ISSUES ? "supply" : "amount";
}

int liq_network_build(liq_network_t **out, const liq_scenario_t *sc,
                      const liq_positions_t *positions)
{
    *out = NULL;
    const size_t base_pool = sc->n_assets;
    const size_t base_oracle = base_pool + sc->n_pools;
    const size_t base_protocol = base_oracle + sc->n_oracles;
    const size_t n_vertices = base_protocol + sc->n_protocols;
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

    liq_network_t *net = liq_network_alloc();
    liq_pending_edge_t *edges = malloc((max_edges > 0 ? max_edges : 1) * sizeof(*edges));
    double *accounts = calloc(sc->n_protocols > 0 ? sc->n_protocols : 1, sizeof(*accounts));
    if (net == NULL || edges == NULL || accounts == NULL) {
        free(edges);
        free(accounts);
        liq_network_destroy(net);
        return liq_error_set(LIQ_ENOMEM, "network: out of memory building '%s'", sc->name);
    }

    size_t n_edges = 0;
    for (size_t i = 0; i < sc->n_pools; i++) {
        liq_add(edges, &n_edges, base_pool + i, (size_t)sc->pools[i].token0, LIQ_EDGE_TRADES,
                "token0");
        liq_add(edges, &n_edges, base_pool + i, (size_t)sc->pools[i].token1, LIQ_EDGE_TRADES,
                "token1");
    }
    for (size_t i = 0; i < sc->n_oracles; i++) {
        const liq_oracle_config_t *o = &sc->oracles[i];
        if (o->source == LIQ_ORACLE_MEDIAN) {
            /* One edge per input, in input order, saying how it is read. */
            for (size_t k = 0; k < o->n_inputs; k++) {
                liq_add(edges, &n_edges, base_oracle + i, liq_source_vertex(sc, &o->inputs[k]),
                        LIQ_EDGE_READS, NULL);
                edges[n_edges - 1].input = &o->inputs[k];
            }
        } else {
            const size_t to =
                o->source == LIQ_ORACLE_MARKET ? (size_t)o->asset : base_pool + (size_t)o->pool;
            liq_add(edges, &n_edges, base_oracle + i, to, LIQ_EDGE_READS, NULL);
        }
        if (o->has_anchor) {
            liq_add(edges, &n_edges, base_oracle + i, liq_source_vertex(sc, &o->anchor),
                    LIQ_EDGE_READS, "anchor");
            edges[n_edges - 1].input = &o->anchor;
        }
    }
    for (size_t p = 0; p < sc->n_protocols; p++) {
        const liq_protocol_config_t *pr = &sc->protocols[p];
        const size_t v = base_protocol + p;
        for (size_t m = 0; m < pr->n_markets; m++) {
            const liq_market_config_t *mk = &pr->markets[m];
            liq_add(edges, &n_edges, v, (size_t)mk->asset, LIQ_EDGE_MARKET, "collateral");
            edges[n_edges - 1].market = mk;
            liq_add(edges, &n_edges, v, base_oracle + (size_t)mk->oracle, LIQ_EDGE_USES_ORACLE,
                    "collateral");
            for (size_t k = 0; k < mk->n_routes; k++) {
                liq_add(edges, &n_edges, v, base_pool + (size_t)mk->routes[k].pool, LIQ_EDGE_ROUTES,
                        NULL);
                /* best_price routes have no weight (NaN: not written). */
                edges[n_edges - 1].number = mk->routes[k].weight;
            }
        }
        liq_add(edges, &n_edges, v, (size_t)pr->debt_asset, LIQ_EDGE_MARKET, "debt");
        liq_add(edges, &n_edges, v, base_oracle + (size_t)pr->debt_oracle, LIQ_EDGE_USES_ORACLE,
                "debt");
        for (size_t k = 0; k < pr->n_issues; k++) {
            liq_add(edges, &n_edges, v, (size_t)pr->issues[k].asset, LIQ_EDGE_ISSUES, NULL);
            edges[n_edges - 1].number = pr->issues[k].supply;
        }
        for (size_t k = 0; k < pr->n_holdings; k++) {
            liq_add(edges, &n_edges, v, (size_t)pr->holdings[k].asset, LIQ_EDGE_HOLDS, NULL);
            edges[n_edges - 1].number = pr->holdings[k].amount;
        }
    }
    for (size_t g = 0; g < sc->n_generators; g++) {
        accounts[sc->generators[g].protocol] += (double)sc->generators[g].count;
    }
    if (positions != NULL) {
        for (size_t k = 0; k < positions->count; k++) {
            accounts[positions->protocol[k]] += 1.0;
        }
    }

    int rc = LIQ_OK;
    net->vertex_kind = malloc((n_vertices > 0 ? n_vertices : 1) * sizeof(*net->vertex_kind));
    net->edge_kind = malloc((n_edges > 0 ? n_edges : 1) * sizeof(*net->edge_kind));
    igraph_vector_int_t ends;
    int have_ends = 0;
    if (net->vertex_kind == NULL || net->edge_kind == NULL ||
        igraph_vector_int_init(&ends, (igraph_integer_t)(2 * n_edges)) != IGRAPH_SUCCESS) {
        rc = liq_error_set(LIQ_ENOMEM, "network: out of memory building '%s'", sc->name);
    } else {
        have_ends = 1;
    }

    liq_igraph_scope_t scope;
    liq_igraph_enter(&scope);
    liq_setter_t s = {&net->graph, IGRAPH_SUCCESS};
    if (rc == LIQ_OK) {
        s.err = igraph_empty(&net->graph, (igraph_integer_t)n_vertices, IGRAPH_DIRECTED);
        net->has_graph = s.err == IGRAPH_SUCCESS;
    }
    if (rc == LIQ_OK && s.err == IGRAPH_SUCCESS) {
        for (size_t e = 0; e < n_edges; e++) {
            VECTOR(ends)[2 * e] = (igraph_integer_t)edges[e].from;
            VECTOR(ends)[2 * e + 1] = (igraph_integer_t)edges[e].to;
            net->edge_kind[e] = (uint8_t)edges[e].kind;
        }
        s.err = igraph_add_edges(&net->graph, &ends, NULL);
    }
    if (rc == LIQ_OK) {
        /* Vertices: kind and name first, so that they lead every file. */
        for (size_t v = 0; v < n_vertices; v++) {
            liq_vertex_kind_t kind = LIQ_VERTEX_PROTOCOL;
            const char *name = NULL;
            if (v < base_pool) {
                kind = LIQ_VERTEX_ASSET;
                name = sc->assets[v].name;
            } else if (v < base_oracle) {
                kind = LIQ_VERTEX_POOL;
                name = sc->pools[v - base_pool].name;
            } else if (v < base_protocol) {
                kind = LIQ_VERTEX_ORACLE;
                name = sc->oracles[v - base_oracle].name;
            } else {
                name = sc->protocols[v - base_protocol].name;
            }
            net->vertex_kind[v] = (uint8_t)kind;
            liq_set_vs(&s, v, "kind", liq_vertex_kind_names[kind]);
            liq_set_vs(&s, v, "name", name);
        }
        for (size_t i = 0; i < sc->n_assets; i++) {
            const liq_asset_config_t *a = &sc->assets[i];
            liq_set_vn(&s, i, "price", a->price);
            liq_set_vn(&s, i, "market_depth", a->market_depth);
            liq_set_vn(&s, i, "market_resilience", a->market_resilience);
        }
        for (size_t i = 0; i < sc->n_pools; i++) {
            const liq_pool_config_t *pl = &sc->pools[i];
            const size_t v = base_pool + i;
            liq_set_vs(&s, v, "pool_kind", liq_pool_kinds[pl->kind]);
            liq_set_vs(&s, v, "token0", sc->assets[pl->token0].name);
            liq_set_vs(&s, v, "token1", sc->assets[pl->token1].name);
            liq_set_vn(&s, v, "reserve0", pl->reserve0);
            liq_set_vn(&s, v, "reserve1", pl->reserve1);
            liq_set_vn(&s, v, "fee", pl->fee);
            liq_set_vn(&s, v, "arbitrage", pl->arbitrage);
            if (pl->kind == LIQ_POOL_STABLESWAP) {
                liq_set_vn(&s, v, "amplification", pl->amplification);
            }
        }
        for (size_t i = 0; i < sc->n_oracles; i++) {
            const liq_oracle_config_t *o = &sc->oracles[i];
            const size_t v = base_oracle + i;
            liq_set_vs(&s, v, "source", liq_oracle_sources[o->source]);
            liq_set_vn(&s, v, "heartbeat", liq_rounds(o->heartbeat));
            liq_set_vn(&s, v, "deviation", o->deviation);
            liq_set_vn(&s, v, "latency", liq_rounds(o->latency));
            liq_set_vn(&s, v, "window", liq_rounds(o->window));
            if (o->has_anchor) {
                liq_set_vn(&s, v, "anchor_band", o->anchor_band);
            }
        }
        for (size_t i = 0; i < sc->n_protocols; i++) {
            const liq_protocol_config_t *pr = &sc->protocols[i];
            const size_t v = base_protocol + i;
            liq_set_vs(&s, v, "protocol_kind", liq_protocol_kind_names[pr->kind]);
            liq_set_vs(&s, v, "debt_asset", sc->assets[pr->debt_asset].name);
            liq_set_vs(&s, v, "debt_oracle", sc->oracles[pr->debt_oracle].name);
            liq_set_vn(&s, v, "insurance_fund", pr->insurance_fund);
            liq_set_vn(&s, v, "gas_cost", pr->gas_cost);
            liq_set_vn(&s, v, "min_profit", pr->min_profit);
            liq_set_vn(&s, v, "max_liquidations",
                       pr->max_liquidations == INT64_MAX ? (double)INFINITY
                                                         : liq_rounds(pr->max_liquidations));
            liq_set_vn(&s, v, "accounts", accounts[i]);
            if (pr->n_issues > 0) {
                liq_set_vs(&s, v, "recovery", liq_recoveries[pr->recovery]);
            }
            liq_set_protocol_keys(&s, v, pr);
        }
        for (size_t e = 0; e < n_edges; e++) {
            liq_set_es(&s, e, "kind", liq_edge_kind_names[edges[e].kind]);
            if (edges[e].role != NULL) {
                liq_set_es(&s, e, "role", edges[e].role);
            }
            if (edges[e].market != NULL) {
                const liq_market_config_t *mk = edges[e].market;
                liq_set_en(&s, e, "liquidation_threshold", mk->liquidation_threshold);
                liq_set_en(&s, e, "liquidation_bonus", mk->liquidation_bonus);
                liq_set_en(&s, e, "close_factor", mk->close_factor);
                liq_set_en(&s, e, "full_close_health", mk->full_close_health);
                liq_set_es(&s, e, "routing", liq_routings[mk->routing]);
            }
            if (edges[e].input != NULL) {
                const liq_price_source_t *src = edges[e].input;
                liq_set_es(&s, e, "price_source", liq_input_sources[src->source]);
                if (src->source == LIQ_ORACLE_POOL_TWAP) {
                    liq_set_en(&s, e, "window", liq_rounds(src->window));
                }
            }
            if (!isnan(edges[e].number)) {
                liq_set_en(&s, e, liq_number_name(edges[e].kind), edges[e].number);
            }
        }
        if (s.err != IGRAPH_SUCCESS) {
            rc = liq_igraph_error(s.err, "network: building the graph");
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_network_index(net);
    }
    liq_igraph_leave(&scope);
    if (have_ends) {
        igraph_vector_int_destroy(&ends);
    }
    free(edges);
    free(accounts);
    if (rc != LIQ_OK) {
        liq_network_destroy(net);
        return rc;
    }
    *out = net;
    return LIQ_OK;
}

/* ------------------------------------------------------------ accessors */

size_t liq_network_vertex_count(const liq_network_t *net)
{
    return net->n_vertices;
}

size_t liq_network_edge_count(const liq_network_t *net)
{
    return net->n_edges;
}

size_t liq_network_count(const liq_network_t *net, liq_vertex_kind_t kind)
{
    return (unsigned)kind < LIQ_N_VERTEX_KINDS ? net->count[kind] : 0;
}

liq_vertex_kind_t liq_network_vertex_kind(const liq_network_t *net, size_t vertex)
{
    return (liq_vertex_kind_t)net->vertex_kind[vertex];
}

liq_edge_kind_t liq_network_edge_kind(const liq_network_t *net, size_t edge)
{
    return (liq_edge_kind_t)net->edge_kind[edge];
}

const char *liq_network_vertex_name(const liq_network_t *net, size_t vertex)
{
    return liq_network_vertex_string(net, vertex, "name");
}

void liq_network_edge_ends(const liq_network_t *net, size_t edge, size_t *from, size_t *to)
{
    *from = (size_t)IGRAPH_FROM(&net->graph, (igraph_integer_t)edge);
    *to = (size_t)IGRAPH_TO(&net->graph, (igraph_integer_t)edge);
}

int liq_network_is_protocol_key(const char *attribute)
{
    static const char *const plain[] = {"chain", "preset", NULL};
    for (size_t k = 0; plain[k] != NULL; k++) {
        if (strcmp(attribute, plain[k]) == 0) {
            return 1;
        }
    }
    return strchr(attribute, '.') != NULL && strncmp(attribute, "cite_", 5) != 0;
}

size_t liq_network_vertex_attr_count(const liq_network_t *net)
{
    return net->n_vertex_attrs;
}

const char *liq_network_vertex_attr_name(const liq_network_t *net, size_t k, int *type)
{
    const int t = net->vertex_attr_type[k];
    *type = t == IGRAPH_ATTRIBUTE_NUMERIC  ? LIQ_ATTR_NUMBER
            : t == IGRAPH_ATTRIBUTE_STRING ? LIQ_ATTR_STRING
                                           : LIQ_ATTR_OTHER;
    return net->vertex_attr_name[k];
}

/* The typed reads below check the attribute's type first: igraph's own
 * accessors report a missing attribute through the error handler. */
double liq_network_vertex_number(const liq_network_t *net, size_t vertex, const char *attribute)
{
    if (liq_network_vertex_attr_type(net, attribute) != IGRAPH_ATTRIBUTE_NUMERIC) {
        return NAN;
    }
    return igraph_cattribute_VAN(&net->graph, attribute, (igraph_integer_t)vertex);
}

const char *liq_network_vertex_string(const liq_network_t *net, size_t vertex,
                                      const char *attribute)
{
    if (liq_network_vertex_attr_type(net, attribute) != IGRAPH_ATTRIBUTE_STRING) {
        return "";
    }
    return igraph_cattribute_VAS(&net->graph, attribute, (igraph_integer_t)vertex);
}

double liq_network_edge_number(const liq_network_t *net, size_t edge, const char *attribute)
{
    if (liq_network_edge_attr_type(net, attribute) != IGRAPH_ATTRIBUTE_NUMERIC) {
        return NAN;
    }
    return igraph_cattribute_EAN(&net->graph, attribute, (igraph_integer_t)edge);
}

const char *liq_network_edge_string(const liq_network_t *net, size_t edge, const char *attribute)
{
    if (liq_network_edge_attr_type(net, attribute) != IGRAPH_ATTRIBUTE_STRING) {
        return "";
    }
    return igraph_cattribute_EAS(&net->graph, attribute, (igraph_integer_t)edge);
}

const struct igraph_s *liq_network_igraph(const liq_network_t *net)
{
    return &net->graph;
}

/* -------------------------------------------------------------- compare */

static int liq_same_number(double x, double y)
{
    return (isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof(x)) == 0 || (x == y && x != 0.0);
}

/* Compares one attribute over every vertex (is_edge 0) or edge (1). */
static int liq_compare_attr(const liq_network_t *a, const liq_network_t *b, int is_edge,
                            const char *attr)
{
    const int ta =
        is_edge ? liq_network_edge_attr_type(a, attr) : liq_network_vertex_attr_type(a, attr);
    const int tb =
        is_edge ? liq_network_edge_attr_type(b, attr) : liq_network_vertex_attr_type(b, attr);
    const size_t n = is_edge ? a->n_edges : a->n_vertices;
    const char *what = is_edge ? "edge" : "vertex";
    for (size_t i = 0; i < n; i++) {
        const char *name = is_edge ? "" : liq_network_vertex_name(a, i);
        if (ta == IGRAPH_ATTRIBUTE_STRING || tb == IGRAPH_ATTRIBUTE_STRING) {
            const char *x = is_edge ? liq_network_edge_string(a, i, attr)
                                    : liq_network_vertex_string(a, i, attr);
            const char *y = is_edge ? liq_network_edge_string(b, i, attr)
                                    : liq_network_vertex_string(b, i, attr);
            if (strcmp(x, y) != 0) {
                return liq_error_set(LIQ_EINVAL, "%s %zu%s%s%s: attribute '%s': '%s' != '%s'", what,
                                     i, name[0] ? " ('" : "", name, name[0] ? "')" : "", attr, x,
                                     y);
            }
        } else {
            const double x = is_edge ? liq_network_edge_number(a, i, attr)
                                     : liq_network_vertex_number(a, i, attr);
            const double y = is_edge ? liq_network_edge_number(b, i, attr)
                                     : liq_network_vertex_number(b, i, attr);
            if (!liq_same_number(x, y)) {
                char xs[40], ys[40];
                liq_format_number(xs, sizeof(xs), x);
                liq_format_number(ys, sizeof(ys), y);
                return liq_error_set(LIQ_EINVAL, "%s %zu%s%s%s: attribute '%s': %s != %s", what, i,
                                     name[0] ? " ('" : "", name, name[0] ? "')" : "", attr, xs, ys);
            }
        }
    }
    return LIQ_OK;
}

int liq_network_compare(const liq_network_t *a, const liq_network_t *b)
{
    if (a->n_vertices != b->n_vertices || a->n_edges != b->n_edges) {
        return liq_error_set(LIQ_EINVAL,
                             "network: %zu vertices and %zu edges != %zu vertices and %zu edges",
                             a->n_vertices, a->n_edges, b->n_vertices, b->n_edges);
    }
    for (size_t e = 0; e < a->n_edges; e++) {
        size_t fa, ta, fb, tb;
        liq_network_edge_ends(a, e, &fa, &ta);
        liq_network_edge_ends(b, e, &fb, &tb);
        if (fa != fb || ta != tb) {
            return liq_error_set(LIQ_EINVAL, "edge %zu: %zu -> %zu != %zu -> %zu", e, fa, ta, fb,
                                 tb);
        }
    }
    /* Every attribute of either side; a missing one compares as absent. */
    const liq_network_t *sides[2] = {a, b};
    for (int side = 0; side < 2; side++) {
        const liq_network_t *s = sides[side];
        for (size_t k = 0; k < s->n_vertex_attrs; k++) {
            const int rc = liq_compare_attr(a, b, 0, s->vertex_attr_name[k]);
            if (rc != LIQ_OK) {
                return rc;
            }
        }
        for (size_t k = 0; k < s->n_edge_attrs; k++) {
            const int rc = liq_compare_attr(a, b, 1, s->edge_attr_name[k]);
            if (rc != LIQ_OK) {
                return rc;
            }
        }
    }
    return LIQ_OK;
}
