/*
 * The heterogeneous network of MODEL.md s2 as an igraph graph: built from a
 * scenario, compared, and read attribute by attribute.
 *
 * The network is cold data: it is built once per scenario (O(entities +
 * markets)) and analysed or written; the round never touches it. Attributes
 * are igraph C attributes, so every vertex has every vertex attribute: a
 * number that does not apply to a vertex's kind is NaN, a string is "". The
 * attribute names and the ranges a reader enforces come from the tables of
 * the scenario's keys (network_schema.c) and are listed in docs/network.md;
 * liq_network_build is in network_build.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph/igraph_util.h"
#include "graph/network_internal.h"
#include "liqnet/error.h"

/* --------------------------------------------------------------- schema */

/* The attributes of each kind are derived from the scenario keys' tables
 * (network_schema.c); the kinds of vertex each edge kind joins: */
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
