/*
 * The protocol graph (MODEL.md s2) and the contagion metrics measured on it
 * (MODEL.md s6: distance from the shock, centrality, failed clusters).
 *
 * There are few protocols (10 to 10^6) next to the accounts, and the
 * projection is built once per scenario, so clarity wins over speed here.
 * The graph is kept twice: as an undirected igraph graph for the
 * centralities igraph computes (PageRank, betweenness), and as a sorted edge
 * list with a CSR adjacency for the breadth-first searches, which need no
 * igraph and could later run next to the engine.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph/igraph_util.h"
#include "graph/network_internal.h"
#include "liqnet/error.h"

/* The four counts of a link; LIQ_SHARED_TOKEN is directed by nature (an
 * issuer and a holder) but adds to the undirected link like the others. */
enum {
    LIQ_SHARED_ASSET = 0,
    LIQ_SHARED_POOL = 1,
    LIQ_SHARED_ORACLE = 2,
    LIQ_SHARED_TOKEN = 3,
    LIQ_N_SHARED = 4
};

struct liq_protocol_graph {
    igraph_t graph; /* undirected; vertex i = protocol i */
    int has_graph;
    size_t n_protocols;
    char **names; /* [n_protocols] */
    size_t n_edges;
    int64_t *from, *to;            /* [n_edges] from < to, sorted by (from, to) */
    double *weight;                /* [n_edges] */
    int64_t *shared[LIQ_N_SHARED]; /* [n_edges] assets, pools, oracles, tokens */
    size_t *offset;                /* [n_protocols + 1] CSR: neighbours of p are */
    int64_t *neighbour;            /* neighbour[offset[p] .. offset[p+1]-1], ascending */
};

/* One use of a resource (asset, pool or oracle vertex) by a protocol. */
typedef struct {
    size_t resource;
    int64_t protocol;
    int type;
} liq_use_t;

/* One shared resource between two protocols. */
typedef struct {
    int64_t from, to;
    int type;
} liq_share_t;

static int liq_use_cmp(const void *x, const void *y)
{
    const liq_use_t *a = x, *b = y;
    if (a->resource != b->resource) {
        return a->resource < b->resource ? -1 : 1;
    }
    return (a->protocol > b->protocol) - (a->protocol < b->protocol);
}

static int liq_share_cmp(const void *x, const void *y)
{
    const liq_share_t *a = x, *b = y;
    if (a->from != b->from) {
        return a->from < b->from ? -1 : 1;
    }
    if (a->to != b->to) {
        return a->to < b->to ? -1 : 1;
    }
    return (a->type > b->type) - (a->type < b->type);
}

void liq_protocol_graph_destroy(liq_protocol_graph_t *g)
{
    if (g == NULL) {
        return;
    }
    if (g->has_graph) {
        liq_igraph_scope_t scope;
        liq_igraph_enter(&scope);
        igraph_destroy(&g->graph);
        liq_igraph_leave(&scope);
    }
    if (g->names != NULL) {
        for (size_t i = 0; i < g->n_protocols; i++) {
            free(g->names[i]);
        }
    }
    free(g->names);
    free(g->from);
    free(g->to);
    free(g->weight);
    for (int t = 0; t < LIQ_N_SHARED; t++) {
        free(g->shared[t]);
    }
    free(g->offset);
    free(g->neighbour);
    free(g);
}

/* The resource an edge shares, as a liq_use_t type, or -1: route pools,
 * collateral assets and collateral oracles. */
static int liq_shared_type(const liq_network_t *net, size_t e)
{
    const liq_edge_kind_t kind = (liq_edge_kind_t)net->edge_kind[e];
    if (kind == LIQ_EDGE_ROUTES) {
        return LIQ_SHARED_POOL;
    }
    if ((kind == LIQ_EDGE_MARKET || kind == LIQ_EDGE_USES_ORACLE) &&
        strcmp(liq_network_edge_string(net, e, "role"), "collateral") == 0) {
        return kind == LIQ_EDGE_MARKET ? LIQ_SHARED_ASSET : LIQ_SHARED_ORACLE;
    }
    return -1;
}

/* The token use of an edge: 0 for an issuer (issues edges), 1 for a holder
 * (holds edges, and market edges of role collateral: accepting a token is
 * an exposure to its issuer too), -1 for other edges. */
static int liq_token_type(const liq_network_t *net, size_t e)
{
    const liq_edge_kind_t kind = (liq_edge_kind_t)net->edge_kind[e];
    if (kind == LIQ_EDGE_ISSUES) {
        return 0;
    }
    if (kind == LIQ_EDGE_HOLDS ||
        (kind == LIQ_EDGE_MARKET &&
         strcmp(liq_network_edge_string(net, e, "role"), "collateral") == 0)) {
        return 1;
    }
    return -1;
}

/* Token uses sorted by asset, then issuers before holders, then protocol. */
static int liq_token_cmp(const void *x, const void *y)
{
    const liq_use_t *a = x, *b = y;
    if (a->resource != b->resource) {
        return a->resource < b->resource ? -1 : 1;
    }
    if (a->type != b->type) {
        return a->type < b->type ? -1 : 1;
    }
    return (a->protocol > b->protocol) - (a->protocol < b->protocol);
}

/* Collects the (target vertex, protocol, type) use of every edge that
 * `type_of` classifies, sorted by `cmp` and without repeats. */
static int liq_collect(const liq_network_t *net, const int64_t *protocol_of,
                       int (*type_of)(const liq_network_t *, size_t),
                       int (*cmp)(const void *, const void *), liq_use_t **out, size_t *n_out)
{
    liq_use_t *uses = malloc((net->n_edges > 0 ? net->n_edges : 1) * sizeof(*uses));
    if (uses == NULL) {
        return liq_error_set(LIQ_ENOMEM, "protocol graph: out of memory");
    }
    size_t n = 0;
    for (size_t e = 0; e < net->n_edges; e++) {
        const int type = type_of(net, e);
        if (type < 0) {
            continue;
        }
        size_t from, to;
        liq_network_edge_ends(net, e, &from, &to);
        uses[n++] = (liq_use_t){to, protocol_of[from], type};
    }
    qsort(uses, n, sizeof(*uses), cmp);
    size_t kept = 0;
    for (size_t k = 0; k < n; k++) {
        if (kept == 0 || cmp(&uses[kept - 1], &uses[k]) != 0) {
            uses[kept++] = uses[k];
        }
    }
    *out = uses;
    *n_out = kept;
    return LIQ_OK;
}

/* Every pair of protocols sharing a resource, one entry per resource; then
 * one entry per (issuer p, asset it issues, protocol q != p holding or
 * accepting that asset). */
static int liq_collect_shares(const liq_use_t *uses, size_t n_uses, const liq_use_t *tokens,
                              size_t n_tokens, liq_share_t **out, size_t *n_out)
{
    size_t n = 0;
    for (size_t begin = 0, end; begin < n_uses; begin = end) {
        for (end = begin; end < n_uses && uses[end].resource == uses[begin].resource; end++) {
        }
        const size_t k = end - begin;
        n += k * (k - 1) / 2;
    }
    for (size_t begin = 0, end; begin < n_tokens; begin = end) {
        size_t issuers = 0;
        for (end = begin; end < n_tokens && tokens[end].resource == tokens[begin].resource; end++) {
            issuers += tokens[end].type == 0;
        }
        n += issuers * (end - begin - issuers);
    }
    liq_share_t *shares = malloc((n > 0 ? n : 1) * sizeof(*shares));
    if (shares == NULL) {
        return liq_error_set(LIQ_ENOMEM, "protocol graph: out of memory (%zu shared resources)", n);
    }
    size_t m = 0;
    for (size_t begin = 0, end; begin < n_uses; begin = end) {
        for (end = begin; end < n_uses && uses[end].resource == uses[begin].resource; end++) {
        }
        for (size_t i = begin; i < end; i++) {
            for (size_t j = i + 1; j < end; j++) {
                shares[m++] = (liq_share_t){uses[i].protocol, uses[j].protocol, uses[i].type};
            }
        }
    }
    for (size_t begin = 0, end; begin < n_tokens; begin = end) {
        for (end = begin; end < n_tokens && tokens[end].resource == tokens[begin].resource; end++) {
        }
        for (size_t i = begin; i < end && tokens[i].type == 0; i++) {
            for (size_t j = begin; j < end; j++) {
                const int64_t p = tokens[i].protocol, q = tokens[j].protocol;
                if (tokens[j].type == 1 && q != p) {
                    shares[m++] = (liq_share_t){p < q ? p : q, p < q ? q : p, LIQ_SHARED_TOKEN};
                }
            }
        }
    }
    qsort(shares, m, sizeof(*shares), liq_share_cmp);
    *out = shares;
    *n_out = m;
    return LIQ_OK;
}

static int liq_make_igraph(liq_protocol_graph_t *g)
{
    igraph_vector_int_t ends;
    igraph_vector_t weights;
    int have_ends = 0, have_weights = 0;
    igraph_error_t err = igraph_vector_int_init(&ends, (igraph_integer_t)(2 * g->n_edges));
    if (err == IGRAPH_SUCCESS) {
        have_ends = 1;
        for (size_t e = 0; e < g->n_edges; e++) {
            VECTOR(ends)[2 * e] = g->from[e];
            VECTOR(ends)[2 * e + 1] = g->to[e];
        }
        err = igraph_create(&g->graph, &ends, (igraph_integer_t)g->n_protocols, IGRAPH_UNDIRECTED);
        g->has_graph = err == IGRAPH_SUCCESS;
    }
    for (size_t p = 0; p < g->n_protocols && err == IGRAPH_SUCCESS; p++) {
        err = igraph_cattribute_VAS_set(&g->graph, "name", (igraph_integer_t)p, g->names[p]);
    }
    if (err == IGRAPH_SUCCESS) {
        err = igraph_vector_init(&weights, (igraph_integer_t)g->n_edges);
        have_weights = err == IGRAPH_SUCCESS;
    }
    static const char *const shared_names[LIQ_N_SHARED] = {"shared_assets", "shared_pools",
                                                           "shared_oracles", "shared_tokens"};
    for (int t = -1; t < LIQ_N_SHARED && err == IGRAPH_SUCCESS; t++) {
        for (size_t e = 0; e < g->n_edges; e++) {
            VECTOR(weights)[e] = t < 0 ? g->weight[e] : (double)g->shared[t][e];
        }
        err = igraph_cattribute_EAN_setv(&g->graph, t < 0 ? "weight" : shared_names[t], &weights);
    }
    if (have_weights) {
        igraph_vector_destroy(&weights);
    }
    if (have_ends) {
        igraph_vector_int_destroy(&ends);
    }
    return err == IGRAPH_SUCCESS ? LIQ_OK : liq_igraph_error(err, "protocol graph");
}

static int liq_make_csr(liq_protocol_graph_t *g)
{
    g->offset = calloc(g->n_protocols + 1, sizeof(*g->offset));
    g->neighbour = malloc((g->n_edges > 0 ? 2 * g->n_edges : 1) * sizeof(*g->neighbour));
    size_t *fill = calloc(g->n_protocols + 1, sizeof(*fill));
    if (g->offset == NULL || g->neighbour == NULL || fill == NULL) {
        free(fill);
        return liq_error_set(LIQ_ENOMEM, "protocol graph: out of memory");
    }
    for (size_t e = 0; e < g->n_edges; e++) {
        g->offset[g->from[e] + 1]++;
        g->offset[g->to[e] + 1]++;
    }
    for (size_t p = 0; p < g->n_protocols; p++) {
        g->offset[p + 1] += g->offset[p];
    }
    /* Each list is then sorted, so that searches visit neighbours in
     * ascending index order whatever the edge order. */
    for (size_t e = 0; e < g->n_edges; e++) {
        const int64_t a = g->from[e], b = g->to[e];
        g->neighbour[g->offset[a] + fill[a]++] = b;
        g->neighbour[g->offset[b] + fill[b]++] = a;
    }
    free(fill);
    for (size_t p = 0; p < g->n_protocols; p++) {
        int64_t *list = g->neighbour + g->offset[p];
        const size_t k = g->offset[p + 1] - g->offset[p];
        for (size_t i = 1; i < k; i++) {
            const int64_t x = list[i];
            size_t j = i;
            for (; j > 0 && list[j - 1] > x; j--) {
                list[j] = list[j - 1];
            }
            list[j] = x;
        }
    }
    return LIQ_OK;
}

int liq_protocol_graph_build(liq_protocol_graph_t **out, const liq_network_t *net)
{
    *out = NULL;
    liq_protocol_graph_t *g = calloc(1, sizeof(*g));
    int64_t *protocol_of =
        malloc((net->n_vertices > 0 ? net->n_vertices : 1) * sizeof(*protocol_of));
    liq_use_t *uses = NULL, *tokens = NULL;
    liq_share_t *shares = NULL;
    size_t n_uses = 0, n_tokens = 0, n_shares = 0;
    int rc = LIQ_OK;
    if (g == NULL || protocol_of == NULL) {
        rc = liq_error_set(LIQ_ENOMEM, "protocol graph: out of memory");
        goto cleanup;
    }
    g->n_protocols = net->count[LIQ_VERTEX_PROTOCOL];
    g->names = calloc(g->n_protocols > 0 ? g->n_protocols : 1, sizeof(*g->names));
    if (g->names == NULL) {
        rc = liq_error_set(LIQ_ENOMEM, "protocol graph: out of memory");
        goto cleanup;
    }
    for (size_t v = 0, p = 0; v < net->n_vertices; v++) {
        protocol_of[v] = -1;
        if (net->vertex_kind[v] == LIQ_VERTEX_PROTOCOL) {
            const char *name = liq_network_vertex_name(net, v);
            g->names[p] = malloc(strlen(name) + 1);
            if (g->names[p] == NULL) {
                rc = liq_error_set(LIQ_ENOMEM, "protocol graph: out of memory");
                goto cleanup;
            }
            strcpy(g->names[p], name);
            protocol_of[v] = (int64_t)p++;
        }
    }
    rc = liq_collect(net, protocol_of, liq_shared_type, liq_use_cmp, &uses, &n_uses);
    if (rc == LIQ_OK) {
        rc = liq_collect(net, protocol_of, liq_token_type, liq_token_cmp, &tokens, &n_tokens);
    }
    if (rc == LIQ_OK) {
        rc = liq_collect_shares(uses, n_uses, tokens, n_tokens, &shares, &n_shares);
    }
    if (rc != LIQ_OK) {
        goto cleanup;
    }
    /* Pairs with their per-type counts: one edge per distinct (from, to). */
    size_t n_edges = 0;
    for (size_t k = 0; k < n_shares; k++) {
        if (k == 0 || shares[k].from != shares[k - 1].from || shares[k].to != shares[k - 1].to) {
            n_edges++;
        }
    }
    const size_t alloc = n_edges > 0 ? n_edges : 1;
    g->from = malloc(alloc * sizeof(*g->from));
    g->to = malloc(alloc * sizeof(*g->to));
    g->weight = malloc(alloc * sizeof(*g->weight));
    int missing = 0;
    for (int t = 0; t < LIQ_N_SHARED; t++) {
        g->shared[t] = calloc(alloc, sizeof(*g->shared[t]));
        missing |= g->shared[t] == NULL;
    }
    if (g->from == NULL || g->to == NULL || g->weight == NULL || missing) {
        rc = liq_error_set(LIQ_ENOMEM, "protocol graph: out of memory");
        goto cleanup;
    }
    size_t e = 0;
    for (size_t k = 0; k < n_shares; k++) {
        if (k > 0 && (shares[k].from != shares[k - 1].from || shares[k].to != shares[k - 1].to)) {
            e++;
        }
        g->from[e] = shares[k].from;
        g->to[e] = shares[k].to;
        g->shared[shares[k].type][e]++;
    }
    g->n_edges = n_edges;
    for (e = 0; e < n_edges; e++) {
        g->weight[e] =
            (double)(g->shared[0][e] + g->shared[1][e] + g->shared[2][e] + g->shared[3][e]);
    }
    rc = liq_make_csr(g);
    if (rc == LIQ_OK) {
        liq_igraph_scope_t scope;
        liq_igraph_enter(&scope);
        rc = liq_make_igraph(g);
        liq_igraph_leave(&scope);
    }

cleanup:
    free(protocol_of);
    free(uses);
    free(tokens);
    free(shares);
    if (rc != LIQ_OK) {
        liq_protocol_graph_destroy(g);
        return rc;
    }
    *out = g;
    return LIQ_OK;
}

size_t liq_protocol_graph_vertex_count(const liq_protocol_graph_t *g)
{
    return g->n_protocols;
}

void liq_protocol_graph_edges(const liq_protocol_graph_t *g, liq_protocol_edges_t *edges)
{
    edges->n_protocols = g->n_protocols;
    edges->n_edges = g->n_edges;
    edges->from = g->from;
    edges->to = g->to;
    edges->weight = g->weight;
    edges->shared_assets = g->shared[LIQ_SHARED_ASSET];
    edges->shared_pools = g->shared[LIQ_SHARED_POOL];
    edges->shared_oracles = g->shared[LIQ_SHARED_ORACLE];
    edges->shared_tokens = g->shared[LIQ_SHARED_TOKEN];
}

const char *liq_protocol_graph_name(const liq_protocol_graph_t *g, size_t protocol)
{
    return g->names[protocol];
}

const struct igraph_s *liq_protocol_graph_igraph(const liq_protocol_graph_t *g)
{
    return &g->graph;
}

/* ------------------------------------------------------------- metrics */

void liq_contagion_sources(const liq_scenario_t *sc, uint8_t *source)
{
    for (size_t p = 0; p < sc->n_protocols; p++) {
        const liq_protocol_config_t *pr = &sc->protocols[p];
        source[p] = 0;
        for (size_t s = 0; s < sc->n_shocks && !source[p]; s++) {
            const int32_t asset = sc->shocks[s].asset;
            if (asset == pr->debt_asset) {
                source[p] = 1;
            }
            for (size_t m = 0; m < pr->n_markets; m++) {
                if (pr->markets[m].asset == asset) {
                    source[p] = 1;
                }
            }
            /* A held asset's fall is a loss of the holder (MODEL.md s5). */
            for (size_t k = 0; k < pr->n_holdings; k++) {
                if (pr->holdings[k].asset == asset) {
                    source[p] = 1;
                }
            }
        }
    }
}

int liq_contagion_distance(const liq_protocol_graph_t *g, const uint8_t *source, int64_t *distance)
{
    /* Multi-source BFS: every source is at distance 0 and in the queue, in
     * index order, before the search starts. */
    const size_t n = g->n_protocols;
    size_t *queue = malloc((n > 0 ? n : 1) * sizeof(*queue));
    if (queue == NULL) {
        return liq_error_set(LIQ_ENOMEM, "contagion distance: out of memory (%zu protocols)", n);
    }
    for (size_t p = 0; p < n; p++) {
        distance[p] = source[p] ? 0 : -1;
    }
    size_t head = 0, tail = 0;
    for (size_t p = 0; p < n; p++) {
        if (source[p]) {
            queue[tail++] = p;
        }
    }
    while (head < tail) {
        const size_t p = queue[head++];
        for (size_t k = g->offset[p]; k < g->offset[p + 1]; k++) {
            const int64_t q = g->neighbour[k];
            if (distance[q] < 0) {
                distance[q] = distance[p] + 1;
                queue[tail++] = (size_t)q;
            }
        }
    }
    free(queue);
    return LIQ_OK;
}

int liq_contagion_pagerank(const liq_protocol_graph_t *g, double *rank)
{
    if (g->n_protocols == 0) {
        return LIQ_OK;
    }
    liq_igraph_scope_t scope;
    liq_igraph_enter(&scope);
    igraph_vector_t result, weights;
    igraph_real_t value = 0;
    int rc = LIQ_OK;
    igraph_error_t err = igraph_vector_init(&result, 0);
    if (err == IGRAPH_SUCCESS) {
        err = igraph_vector_init(&weights, (igraph_integer_t)g->n_edges);
        if (err != IGRAPH_SUCCESS) {
            igraph_vector_destroy(&result);
        }
    }
    if (err != IGRAPH_SUCCESS) {
        rc = liq_igraph_error(err, "PageRank");
        liq_igraph_leave(&scope);
        return rc;
    }
    for (size_t e = 0; e < g->n_edges; e++) {
        VECTOR(weights)[e] = g->weight[e];
    }
    err = igraph_pagerank(&g->graph, IGRAPH_PAGERANK_ALGO_PRPACK, &result, &value, igraph_vss_all(),
                          IGRAPH_UNDIRECTED, 0.85, g->n_edges > 0 ? &weights : NULL, NULL);
    if (err != IGRAPH_SUCCESS) {
        rc = liq_igraph_error(err, "PageRank");
    } else {
        for (size_t p = 0; p < g->n_protocols; p++) {
            rank[p] = VECTOR(result)[p];
        }
    }
    igraph_vector_destroy(&weights);
    igraph_vector_destroy(&result);
    liq_igraph_leave(&scope);
    return rc;
}

int liq_contagion_betweenness(const liq_protocol_graph_t *g, liq_betweenness_mode_t mode,
                              double *betweenness)
{
    if (g->n_protocols == 0) {
        return LIQ_OK;
    }
    liq_igraph_scope_t scope;
    liq_igraph_enter(&scope);
    igraph_vector_t result, lengths;
    int rc = LIQ_OK;
    igraph_error_t err = igraph_vector_init(&result, 0);
    if (err == IGRAPH_SUCCESS) {
        err = igraph_vector_init(&lengths, (igraph_integer_t)g->n_edges);
        if (err != IGRAPH_SUCCESS) {
            igraph_vector_destroy(&result);
        }
    }
    if (err != IGRAPH_SUCCESS) {
        rc = liq_igraph_error(err, "betweenness");
        liq_igraph_leave(&scope);
        return rc;
    }
    /* Weights are counts >= 1, so 1/w is a finite length > 0. */
    for (size_t e = 0; e < g->n_edges; e++) {
        VECTOR(lengths)[e] = 1.0 / g->weight[e];
    }
    const int weighted = mode == LIQ_BETWEENNESS_INVERSE_WEIGHT && g->n_edges > 0;
    err = igraph_betweenness(&g->graph, &result, igraph_vss_all(), IGRAPH_UNDIRECTED,
                             weighted ? &lengths : NULL);
    if (err != IGRAPH_SUCCESS) {
        rc = liq_igraph_error(err, "betweenness");
    } else {
        for (size_t p = 0; p < g->n_protocols; p++) {
            betweenness[p] = VECTOR(result)[p];
        }
    }
    igraph_vector_destroy(&lengths);
    igraph_vector_destroy(&result);
    liq_igraph_leave(&scope);
    return rc;
}

void liq_failed_clusters_destroy(liq_failed_clusters_t *c)
{
    if (c == NULL) {
        return;
    }
    free(c->component);
    free(c->size);
    c->component = NULL;
    c->size = NULL;
    c->n_components = 0;
}

int liq_failed_clusters(liq_failed_clusters_t *out, const liq_protocol_graph_t *g,
                        const uint8_t *failed)
{
    const size_t n = g->n_protocols;
    memset(out, 0, sizeof(*out));
    out->n_protocols = n;
    out->component = malloc((n > 0 ? n : 1) * sizeof(*out->component));
    out->size = malloc((n > 0 ? n : 1) * sizeof(*out->size));
    size_t *stack = malloc((n > 0 ? n : 1) * sizeof(*stack));
    if (out->component == NULL || out->size == NULL || stack == NULL) {
        free(stack);
        liq_failed_clusters_destroy(out);
        return liq_error_set(LIQ_ENOMEM, "failed clusters: out of memory (%zu protocols)", n);
    }
    for (size_t p = 0; p < n; p++) {
        out->component[p] = -1;
    }
    /* Visiting roots in index order numbers the components by their lowest
     * protocol index; the search only steps from failed to failed. */
    for (size_t root = 0; root < n; root++) {
        if (!failed[root] || out->component[root] >= 0) {
            continue;
        }
        const int64_t id = (int64_t)out->n_components++;
        int64_t size = 0;
        size_t top = 0;
        stack[top++] = root;
        out->component[root] = id;
        while (top > 0) {
            const size_t p = stack[--top];
            size++;
            for (size_t k = g->offset[p]; k < g->offset[p + 1]; k++) {
                const int64_t q = g->neighbour[k];
                if (failed[q] && out->component[q] < 0) {
                    out->component[q] = id;
                    stack[top++] = (size_t)q;
                }
            }
        }
        out->size[id] = size;
    }
    free(stack);
    return LIQ_OK;
}
