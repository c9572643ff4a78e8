/*
 * The network read from files: GraphML and GML read with igraph's readers,
 * then checked vertex by vertex and edge by edge (network_write.c writes
 * them).
 *
 * Reading is two steps: a scenario's network first gets the defaults of the
 * scenario for what it leaves out, then every vertex and edge is validated;
 * a full network (liq_network_read) has no defaults and must carry everything.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/igraph_util.h"
#include "graph/network_internal.h"
#include "liqnet/error.h"

/* --------------------------------------------------------------- reading */

/* A vertex's position among those of its kind sorted by name. */
typedef struct {
    uint8_t kind;
    const char *name;
    size_t vertex;
} liq_named_t;

static int liq_named_cmp(const void *x, const void *y)
{
    const liq_named_t *a = x, *b = y;
    if (a->kind != b->kind) {
        return a->kind < b->kind ? -1 : 1;
    }
    return strcmp(a->name, b->name);
}

static const liq_named_t *liq_find_named(const liq_named_t *sorted, size_t n, uint8_t kind,
                                         const char *name)
{
    const liq_named_t key = {kind, name, 0};
    return bsearch(&key, sorted, n, sizeof(*sorted), liq_named_cmp);
}

/* "vertex 4 (pool 'WETH-USDC')" or "edge 7 (market 'AaveLike' -> 'WETH')". */
void liq_describe(char *buf, size_t size, const liq_network_t *net, int is_edge, size_t i)
{
    if (!is_edge) {
        const char *kind = liq_network_vertex_string(net, i, "kind");
        const char *name = liq_network_vertex_string(net, i, "name");
        snprintf(buf, size, "vertex %zu (%s '%s')", i, kind[0] ? kind : "no kind", name);
        return;
    }
    size_t from, to;
    liq_network_edge_ends(net, i, &from, &to);
    const char *kind = liq_network_edge_string(net, i, "kind");
    snprintf(buf, size, "edge %zu (%s '%s' -> '%s')", i, kind[0] ? kind : "no kind",
             liq_network_vertex_string(net, from, "name"),
             liq_network_vertex_string(net, to, "name"));
}

static void liq_join_choices(char *buf, size_t size, const char *const *choices)
{
    buf[0] = '\0';
    size_t used = 0;
    for (size_t k = 0; choices[k] != NULL && used < size; k++) {
        used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? ", " : "", choices[k]);
    }
}

/* How much a reader requires: a full network (liq_network_read) has every
 * attribute of its kind; a scenario's network (liq_network_read_scenario)
 * need not carry what the scenario derives or does not use. */
typedef enum { LIQ_READ_FULL = 0, LIQ_READ_SCENARIO = 1 } liq_read_mode_t;

/* In a scenario's network, a protocol's `accounts` is ignored (the scenario's
 * accounts section decides it) and `window` is needed by pool_twap oracles
 * only; every other attribute is required as in a full network. */
static int liq_scenario_skips(const liq_network_t *net, int is_edge, size_t i, const char *attr)
{
    if (is_edge) {
        return 0;
    }
    const char *kind = liq_network_vertex_string(net, i, "kind");
    if (strcmp(kind, "protocol") == 0 && strcmp(attr, "accounts") == 0) {
        return 1;
    }
    return strcmp(kind, "oracle") == 0 && strcmp(attr, "window") == 0 &&
           strcmp(liq_network_vertex_string(net, i, "source"), "pool_twap") != 0 &&
           isnan(liq_network_vertex_number(net, i, "window"));
}

/* Checks the attributes a spec lists on vertex or edge i. */
static int liq_check_spec(const liq_network_t *net, const char *file, int is_edge, size_t i,
                          const liq_kind_spec_t *spec, liq_read_mode_t mode)
{
    char where[256];
    for (size_t k = 0; k < spec->n_attrs; k++) {
        const liq_attr_spec_t *a = &spec->attrs[k];
        if (mode == LIQ_READ_SCENARIO && liq_scenario_skips(net, is_edge, i, a->name)) {
            continue;
        }
        const int type = is_edge ? liq_network_edge_attr_type(net, a->name)
                                 : liq_network_vertex_attr_type(net, a->name);
        char expected_text[160];
        liq_attr_expected(expected_text, sizeof(expected_text), a);
        if (a->is_string) {
            const char *s = is_edge ? liq_network_edge_string(net, i, a->name)
                                    : liq_network_vertex_string(net, i, a->name);
            if (type == IGRAPH_ATTRIBUTE_NUMERIC) {
                liq_describe(where, sizeof(where), net, is_edge, i);
                return liq_error_set(LIQ_EINVAL,
                                     "%s: %s: attribute '%s' is numeric; expected a string", file,
                                     where, a->name);
            }
            if (s[0] == '\0') {
                char expected[160] = "";
                if (a->choices != NULL) {
                    char list[140];
                    liq_join_choices(list, sizeof(list), a->choices);
                    snprintf(expected, sizeof(expected), "one of %s", list);
                }
                liq_describe(where, sizeof(where), net, is_edge, i);
                return liq_error_set(LIQ_EKEY, "%s: %s: missing attribute '%s'; expected %s", file,
                                     where, a->name,
                                     expected[0] != '\0' ? expected : expected_text);
            }
            if (a->choices != NULL) {
                size_t c = 0;
                while (a->choices[c] != NULL && strcmp(a->choices[c], s) != 0) {
                    c++;
                }
                if (a->choices[c] == NULL) {
                    char list[160];
                    liq_join_choices(list, sizeof(list), a->choices);
                    liq_describe(where, sizeof(where), net, is_edge, i);
                    return liq_error_set(LIQ_EINVAL,
                                         "%s: %s: attribute '%s': value '%s'; expected one of %s",
                                         file, where, a->name, s, list);
                }
            }
            continue;
        }
        const double x = is_edge ? liq_network_edge_number(net, i, a->name)
                                 : liq_network_vertex_number(net, i, a->name);
        if (type == IGRAPH_ATTRIBUTE_STRING) {
            liq_describe(where, sizeof(where), net, is_edge, i);
            const char *s = is_edge ? liq_network_edge_string(net, i, a->name)
                                    : liq_network_vertex_string(net, i, a->name);
            return liq_error_set(LIQ_EINVAL,
                                 "%s: %s: attribute '%s': value '%s' is not a number; expected %s",
                                 file, where, a->name, s, expected_text);
        }
        if (isnan(x)) {
            liq_describe(where, sizeof(where), net, is_edge, i);
            return liq_error_set(LIQ_EKEY, "%s: %s: missing attribute '%s'; expected %s", file,
                                 where, a->name, expected_text);
        }
        if (!liq_attr_number_ok(a, x)) {
            char number[40];
            liq_format_number(number, sizeof(number), x);
            liq_describe(where, sizeof(where), net, is_edge, i);
            return liq_error_set(LIQ_EINVAL, "%s: %s: attribute '%s': value %s; expected %s", file,
                                 where, a->name, number, expected_text);
        }
    }
    return LIQ_OK;
}

static int liq_kind_index(const char *const *names, int n, const char *s)
{
    for (int k = 0; k < n; k++) {
        if (strcmp(names[k], s) == 0) {
            return k;
        }
    }
    return -1;
}

static const char *const liq_vertex_kinds[LIQ_N_VERTEX_KINDS] = {"asset", "pool", "oracle",
                                                                 "protocol"};
static const char *const liq_edge_kinds[LIQ_N_EDGE_KINDS] = {
    "trades", "reads", "uses_oracle", "market", "routes", "issues", "holds"};

static void liq_kind_list(char *buf, size_t size, unsigned mask)
{
    buf[0] = '\0';
    size_t used = 0;
    for (int k = 0; k < LIQ_N_VERTEX_KINDS && used < size; k++) {
        if (mask & (1u << k)) {
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? " or " : "",
                                     liq_vertex_kinds[k]);
        }
    }
}

/* Checks a name reference attribute of vertex v: it names a vertex of `kind`. */
static int liq_check_ref(const liq_network_t *net, const char *file, const liq_named_t *sorted,
                         size_t v, const char *attr, liq_vertex_kind_t kind)
{
    const char *s = liq_network_vertex_string(net, v, attr);
    if (liq_find_named(sorted, net->n_vertices, (uint8_t)kind, s) != NULL) {
        return LIQ_OK;
    }
    char where[256];
    liq_describe(where, sizeof(where), net, 0, v);
    return liq_error_set(LIQ_EREF, "%s: %s: attribute '%s': value '%s'; expected the name of an %s",
                         file, where, attr, s, liq_vertex_kinds[kind]);
}

/* ------------------------------------------------ conditional attributes */

/* The out-edges of every vertex (CSR over the edge list), so that the rules
 * below see a vertex's edges in O(its degree). They read the `kind`, `role`
 * and name strings, not the validated kinds, so that they also serve the
 * defaults, which are filled before anything is validated. */
typedef struct {
    size_t *first; /* [n_vertices + 1] */
    size_t *edge;  /* [n_edges]: out-edges of v are edge[first[v] .. first[v + 1]) */
} liq_out_t;

static void liq_out_destroy(liq_out_t *o)
{
    free(o->first);
    free(o->edge);
    o->first = NULL;
    o->edge = NULL;
}

static int liq_out_build(liq_out_t *o, const liq_network_t *net, const char *file)
{
    o->first = calloc(net->n_vertices + 1, sizeof(*o->first));
    o->edge = malloc((net->n_edges > 0 ? net->n_edges : 1) * sizeof(*o->edge));
    size_t *fill = calloc(net->n_vertices + 1, sizeof(*fill));
    if (o->first == NULL || o->edge == NULL || fill == NULL) {
        free(fill);
        liq_out_destroy(o);
        return liq_error_set(LIQ_ENOMEM, "%s: out of memory", file);
    }
    for (size_t e = 0; e < net->n_edges; e++) {
        size_t from, to;
        liq_network_edge_ends(net, e, &from, &to);
        o->first[from + 1]++;
    }
    for (size_t v = 0; v < net->n_vertices; v++) {
        o->first[v + 1] += o->first[v];
    }
    for (size_t e = 0; e < net->n_edges; e++) {
        size_t from, to;
        liq_network_edge_ends(net, e, &from, &to);
        o->edge[o->first[from] + fill[from]++] = e;
    }
    free(fill);
    return LIQ_OK;
}

static int liq_edge_is(const liq_network_t *net, size_t e, const char *kind, const char *role)
{
    return strcmp(liq_network_edge_string(net, e, "kind"), kind) == 0 &&
           (role == NULL || strcmp(liq_network_edge_string(net, e, "role"), role) == 0);
}

/* Whether vertex v has an out-edge of `kind` (and `role`, unless NULL). */
static int liq_has_out(const liq_network_t *net, const liq_out_t *o, size_t v, const char *kind,
                       const char *role)
{
    for (size_t k = o->first[v]; k < o->first[v + 1]; k++) {
        if (liq_edge_is(net, o->edge[k], kind, role)) {
            return 1;
        }
    }
    return 0;
}

/* The routing of the market a routes edge serves: that of the protocol's
 * collateral market edge to the pool's token other than the debt asset;
 * "" when there is none (liq_network_entities reports the edge). */
static const char *liq_route_routing(const liq_network_t *net, const liq_out_t *o, size_t e)
{
    size_t from, to;
    liq_network_edge_ends(net, e, &from, &to);
    const char *debt = liq_network_vertex_string(net, from, "debt_asset");
    const char *token0 = liq_network_vertex_string(net, to, "token0");
    const char *token1 = liq_network_vertex_string(net, to, "token1");
    const char *asset = strcmp(token0, debt) == 0   ? token1
                        : strcmp(token1, debt) == 0 ? token0
                                                    : NULL;
    for (size_t k = o->first[from]; asset != NULL && k < o->first[from + 1]; k++) {
        const size_t f = o->edge[k];
        size_t f_from, f_to;
        liq_network_edge_ends(net, f, &f_from, &f_to);
        if (liq_edge_is(net, f, "market", "collateral") &&
            strcmp(liq_network_vertex_string(net, f_to, "kind"), "asset") == 0 &&
            strcmp(liq_network_vertex_name(net, f_to), asset) == 0) {
            return liq_network_edge_string(net, f, "routing");
        }
    }
    return "";
}

/* Whether vertex or edge i needs conditional attribute `attr` (the tables
 * liq_vertex_conditional and liq_edge_conditional); *why says why an
 * attribute is not allowed. */
static liq_key_need_t liq_conditional_need(const liq_network_t *net, const liq_out_t *o,
                                           int is_edge, size_t i, const char *attr,
                                           const char **why)
{
    *why = "";
    if (!is_edge) {
        if (strcmp(attr, "amplification") == 0) {
            *why = "only a pool of pool_kind stableswap has one";
            return strcmp(liq_network_vertex_string(net, i, "pool_kind"), "stableswap") == 0
                       ? LIQ_NEED_REQUIRED
                       : LIQ_NEED_FORBIDDEN;
        }
        if (strcmp(attr, "anchor_band") == 0) {
            *why = "only an oracle with a reads edge of role anchor has one";
            return liq_has_out(net, o, i, "reads", "anchor") ? LIQ_NEED_REQUIRED
                                                             : LIQ_NEED_FORBIDDEN;
        }
        *why = "only a protocol with an issues edge has one";
        return liq_has_out(net, o, i, "issues", NULL) ? LIQ_NEED_REQUIRED : LIQ_NEED_FORBIDDEN;
    }
    size_t from, to;
    liq_network_edge_ends(net, i, &from, &to);
    const char *kind = liq_network_edge_string(net, i, "kind");
    if (strcmp(kind, "market") == 0) {
        *why = "only a market edge of role collateral has one";
        return strcmp(liq_network_edge_string(net, i, "role"), "collateral") == 0
                   ? LIQ_NEED_OPTIONAL
                   : LIQ_NEED_FORBIDDEN;
    }
    if (strcmp(kind, "routes") == 0) {
        *why = "the market's routing is best_price";
        return strcmp(liq_route_routing(net, o, i), "best_price") == 0 ? LIQ_NEED_FORBIDDEN
                                                                       : LIQ_NEED_REQUIRED;
    }
    /* reads */
    if (strcmp(attr, "role") == 0) {
        return LIQ_NEED_OPTIONAL;
    }
    if (strcmp(attr, "price_source") == 0) {
        return strcmp(liq_network_edge_string(net, i, "role"), "anchor") == 0 ||
                       strcmp(liq_network_vertex_string(net, from, "source"), "median") == 0
                   ? LIQ_NEED_REQUIRED
                   : LIQ_NEED_OPTIONAL;
    }
    *why = "a window on a reads edge belongs to price_source pool_twap; a pool_twap oracle's own "
           "window is on the oracle";
    return strcmp(liq_network_edge_string(net, i, "price_source"), "pool_twap") == 0
               ? LIQ_NEED_REQUIRED
               : LIQ_NEED_FORBIDDEN;
}

/* Checks the conditional attributes of vertex or edge i (kinds validated):
 * a required one as a spec attribute, an optional one when present, one
 * that is not allowed by its absence. */
static int liq_check_conditional(const liq_network_t *net, const char *file, const liq_out_t *o,
                                 int is_edge, size_t i, liq_read_mode_t mode)
{
    liq_kind_spec_t conditional;
    liq_graph_spec(&conditional, is_edge, is_edge ? net->edge_kind[i] : net->vertex_kind[i],
                   LIQ_SPEC_CONDITIONAL);
    const liq_kind_spec_t *spec = &conditional;
    for (size_t k = 0; k < spec->n_attrs; k++) {
        const liq_attr_spec_t *a = &spec->attrs[k];
        const char *why = "";
        const liq_key_need_t need = liq_conditional_need(net, o, is_edge, i, a->name, &why);
        const int type = is_edge ? liq_network_edge_attr_type(net, a->name)
                                 : liq_network_vertex_attr_type(net, a->name);
        const char *s = is_edge ? liq_network_edge_string(net, i, a->name)
                                : liq_network_vertex_string(net, i, a->name);
        const double x = is_edge ? liq_network_edge_number(net, i, a->name)
                                 : liq_network_vertex_number(net, i, a->name);
        const int present = type == IGRAPH_ATTRIBUTE_STRING ? s[0] != '\0' : !isnan(x);
        if (need == LIQ_NEED_FORBIDDEN && present) {
            char where[256], value[64];
            liq_describe(where, sizeof(where), net, is_edge, i);
            if (type == IGRAPH_ATTRIBUTE_STRING) {
                snprintf(value, sizeof(value), "'%s'", s);
            } else {
                liq_format_number(value, sizeof(value), x);
            }
            return liq_error_set(LIQ_EINVAL,
                                 "%s: %s: attribute '%s': value %.48s; expected none (%s)", file,
                                 where, a->name, value, why);
        }
        if (need == LIQ_NEED_REQUIRED || (need == LIQ_NEED_OPTIONAL && present)) {
            liq_kind_spec_t one;
            one.attrs[0] = *a;
            one.n_attrs = 1;
            const int rc = liq_check_spec(net, file, is_edge, i, &one, mode);
            if (rc != LIQ_OK) {
                return rc;
            }
        }
    }
    return LIQ_OK;
}

/* The attributes every vertex and edge has: `kind`, and a vertex's `name`. */
static void liq_common_specs(liq_kind_spec_t *common, liq_kind_spec_t *named)
{
    common->attrs[0] = (liq_attr_spec_t){"kind", 1, NULL, NULL, 0};
    common->n_attrs = 1;
    named->attrs[0] = (liq_attr_spec_t){"name", 1, NULL, NULL, 0};
    named->n_attrs = 1;
}

/* Checks every vertex's kind and the attributes of its kind, filling the
 * vertex kinds. */
static int liq_validate_vertices(liq_network_t *net, const char *file, liq_read_mode_t mode)
{
    char where[256];
    liq_kind_spec_t common, named, spec;
    liq_common_specs(&common, &named);
    for (size_t v = 0; v < net->n_vertices; v++) {
        int rc = liq_check_spec(net, file, 0, v, &common, mode);
        if (rc == LIQ_OK) {
            rc = liq_check_spec(net, file, 0, v, &named, mode);
        }
        if (rc != LIQ_OK) {
            return rc;
        }
        const char *kind = liq_network_vertex_string(net, v, "kind");
        const int k = liq_kind_index(liq_vertex_kinds, LIQ_N_VERTEX_KINDS, kind);
        if (k < 0) {
            liq_describe(where, sizeof(where), net, 0, v);
            return liq_error_set(LIQ_EINVAL,
                                 "%s: %s: attribute 'kind': value '%s'; expected one of asset, "
                                 "pool, oracle, protocol",
                                 file, where, kind);
        }
        net->vertex_kind[v] = (uint8_t)k;
        liq_graph_spec(&spec, 0, k, LIQ_SPEC_BASE);
        rc = liq_check_spec(net, file, 0, v, &spec, mode);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    return LIQ_OK;
}

/* Names are unique within a kind; references must resolve. */
static int liq_validate_names(const liq_network_t *net, const char *file)
{
    char where[256];
    liq_named_t *sorted = malloc((net->n_vertices > 0 ? net->n_vertices : 1) * sizeof(*sorted));
    if (sorted == NULL) {
        return liq_error_set(LIQ_ENOMEM, "%s: out of memory", file);
    }
    for (size_t v = 0; v < net->n_vertices; v++) {
        sorted[v] = (liq_named_t){net->vertex_kind[v], liq_network_vertex_name(net, v), v};
    }
    qsort(sorted, net->n_vertices, sizeof(*sorted), liq_named_cmp);
    int rc = LIQ_OK;
    for (size_t k = 1; k < net->n_vertices && rc == LIQ_OK; k++) {
        if (liq_named_cmp(&sorted[k - 1], &sorted[k]) == 0) {
            const size_t first =
                sorted[k - 1].vertex < sorted[k].vertex ? sorted[k - 1].vertex : sorted[k].vertex;
            const size_t second = sorted[k - 1].vertex ^ sorted[k].vertex ^ first;
            liq_describe(where, sizeof(where), net, 0, second);
            rc = liq_error_set(LIQ_EINVAL,
                               "%s: %s: attribute 'name': value '%s' is also the name of vertex "
                               "%zu; expected names unique within a kind",
                               file, where, sorted[k].name, first);
        }
    }
    /* The attributes that carry a reference (a pool's tokens, a protocol's
     * debt asset and oracle) name a vertex of the kind they refer to. */
    liq_kind_spec_t spec;
    for (size_t v = 0; v < net->n_vertices && rc == LIQ_OK; v++) {
        liq_graph_spec(&spec, 0, net->vertex_kind[v], LIQ_SPEC_BASE);
        for (size_t k = 0; k < spec.n_attrs && rc == LIQ_OK; k++) {
            const liq_key_t *key = spec.attrs[k].key;
            if (key != NULL && key->type == LIQ_KEY_REF) {
                rc = liq_check_ref(net, file, sorted, v, spec.attrs[k].name,
                                   (liq_vertex_kind_t)key->ref);
            }
        }
    }
    free(sorted);
    return rc;
}

/* Checks edge e's kind, the kinds of its ends and the attributes of its
 * kind, filling its kind. */
static int liq_validate_edge(liq_network_t *net, const char *file, liq_read_mode_t mode,
                             const liq_kind_spec_t *common, size_t e)
{
    char where[256];
    liq_kind_spec_t spec;
    int rc = liq_check_spec(net, file, 1, e, common, mode);
    if (rc != LIQ_OK) {
        return rc;
    }
    const char *kind = liq_network_edge_string(net, e, "kind");
    const int k = liq_kind_index(liq_edge_kinds, LIQ_N_EDGE_KINDS, kind);
    if (k < 0) {
        liq_describe(where, sizeof(where), net, 1, e);
        return liq_error_set(LIQ_EINVAL,
                             "%s: %s: attribute 'kind': value '%s'; expected one of trades, "
                             "reads, uses_oracle, market, routes, issues, holds",
                             file, where, kind);
    }
    net->edge_kind[e] = (uint8_t)k;
    size_t from, to;
    liq_network_edge_ends(net, e, &from, &to);
    const unsigned from_ok = liq_edge_from_kinds[k] & (1u << net->vertex_kind[from]);
    const unsigned to_ok = liq_edge_to_kinds[k] & (1u << net->vertex_kind[to]);
    if (!from_ok || !to_ok) {
        char expected[64];
        liq_kind_list(expected, sizeof(expected),
                      !from_ok ? liq_edge_from_kinds[k] : liq_edge_to_kinds[k]);
        liq_describe(where, sizeof(where), net, 1, e);
        const size_t end = !from_ok ? from : to;
        return liq_error_set(LIQ_EREF, "%s: %s: %s vertex %zu is %s '%s'; expected %s %s", file,
                             where, !from_ok ? "source" : "target", end,
                             liq_vertex_kinds[net->vertex_kind[end]],
                             liq_network_vertex_name(net, end),
                             !from_ok ? "a source of kind" : "a target of kind", expected);
    }
    liq_graph_spec(&spec, 1, k, LIQ_SPEC_BASE);
    rc = liq_check_spec(net, file, 1, e, &spec, mode);
    if (rc == LIQ_OK && k == LIQ_EDGE_MARKET &&
        strcmp(liq_network_edge_string(net, e, "role"), "collateral") == 0) {
        liq_graph_spec(&spec, 1, k, LIQ_SPEC_COLLATERAL);
        rc = liq_check_spec(net, file, 1, e, &spec, mode);
    }
    return rc;
}

/* Checks every vertex and edge of a graph just read, filling the kinds. */
static int liq_validate(liq_network_t *net, const char *file, liq_read_mode_t mode)
{
    int rc = liq_validate_vertices(net, file, mode);
    if (rc == LIQ_OK) {
        rc = liq_validate_names(net, file);
    }
    liq_kind_spec_t common, named;
    liq_common_specs(&common, &named);
    for (size_t e = 0; e < net->n_edges && rc == LIQ_OK; e++) {
        rc = liq_validate_edge(net, file, mode, &common, e);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    /* The attributes that depend on a vertex's edges or an edge's
     * neighbours, now that every kind is known. */
    liq_out_t out = {NULL, NULL};
    rc = liq_out_build(&out, net, file);
    for (size_t v = 0; v < net->n_vertices && rc == LIQ_OK; v++) {
        rc = liq_check_conditional(net, file, &out, 0, v, mode);
    }
    for (size_t e = 0; e < net->n_edges && rc == LIQ_OK; e++) {
        rc = liq_check_conditional(net, file, &out, 1, e, mode);
    }
    liq_out_destroy(&out);
    return rc;
}

/* Drops the attributes igraph's readers add for the file's own ids. */
static void liq_drop_reader_ids(igraph_t *graph)
{
    if (igraph_cattribute_has_attr(graph, IGRAPH_ATTRIBUTE_VERTEX, "id")) {
        igraph_cattribute_remove_v(graph, "id");
    }
    if (igraph_cattribute_has_attr(graph, IGRAPH_ATTRIBUTE_EDGE, "id")) {
        igraph_cattribute_remove_e(graph, "id");
    }
}

/* ------------------------------------------------------------- defaults */

/* The attributes a scenario's `defaults` may fill, per vertex kind and per
 * edge kind (market: those of a collateral market edge): the kind's
 * attributes (specs[0]) and its conditional ones (specs[1]), but for names,
 * kinds and the references that give a network its shape (token0, token1,
 * source, debt_asset, debt_oracle, role: liq_attr_defaultable), which a
 * default would silently wire. Returns the number of specs (0: the kind
 * has nothing to default). */
static size_t liq_default_specs(int is_edge, int kind, liq_kind_spec_t specs[2])
{
    if (!is_edge) {
        if ((unsigned)kind >= LIQ_N_VERTEX_KINDS) {
            return 0;
        }
        liq_graph_spec(&specs[0], 0, kind, LIQ_SPEC_BASE);
        liq_graph_spec(&specs[1], 0, kind, LIQ_SPEC_CONDITIONAL);
        return 2;
    }
    switch (kind) {
    case LIQ_EDGE_MARKET:
        liq_graph_spec(&specs[0], 1, kind, LIQ_SPEC_COLLATERAL);
        liq_graph_spec(&specs[1], 1, kind, LIQ_SPEC_CONDITIONAL);
        return 2;
    case LIQ_EDGE_ROUTES:
    case LIQ_EDGE_READS:
        liq_graph_spec(&specs[0], 1, kind, LIQ_SPEC_CONDITIONAL);
        return 1;
    case LIQ_EDGE_ISSUES:
    case LIQ_EDGE_HOLDS:
        liq_graph_spec(&specs[0], 1, kind, LIQ_SPEC_BASE);
        return 1;
    default:
        return 0;
    }
}

/* Whether `attr` is one of the conditional attributes of vertex or edge
 * kind (is_edge, kind). */
static int liq_is_conditional(int is_edge, int kind, const char *attr)
{
    liq_kind_spec_t spec;
    liq_graph_spec(&spec, is_edge, kind, LIQ_SPEC_CONDITIONAL);
    for (size_t k = 0; k < spec.n_attrs; k++) {
        if (strcmp(spec.attrs[k].name, attr) == 0) {
            return 1;
        }
    }
    return 0;
}

int liq_network_default_check(const liq_network_default_t *d)
{
    if (!d->is_edge && d->kind == LIQ_VERTEX_PROTOCOL &&
        liq_network_is_protocol_key(d->attribute)) {
        /* A mechanism setting: the scenario reader checks its value, as it
         * checks the vertices' own (docs/network.md). */
        return LIQ_OK;
    }
    liq_kind_spec_t specs[2];
    const size_t n_specs = liq_default_specs(d->is_edge, d->kind, specs);
    const char *kind_name = d->is_edge ? liq_edge_kind_name((liq_edge_kind_t)d->kind)
                                       : liq_vertex_kind_name((liq_vertex_kind_t)d->kind);
    if (n_specs == 0) {
        return liq_error_set(LIQ_EKEY,
                             "%s %s has no attributes to default; expected asset, pool, oracle, "
                             "protocol, market, routes, reads, issues or holds",
                             d->is_edge ? "edge kind" : "vertex kind", kind_name);
    }
    char list[256] = "";
    size_t used = 0;
    const liq_attr_spec_t *a = NULL;
    for (size_t s = 0; s < n_specs; s++) {
        const liq_kind_spec_t *spec = &specs[s];
        for (size_t k = 0; k < spec->n_attrs; k++) {
            if (!liq_attr_defaultable(&spec->attrs[k])) {
                continue;
            }
            if (strcmp(spec->attrs[k].name, d->attribute) == 0) {
                a = &spec->attrs[k];
            }
            if (used < sizeof(list)) {
                used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "",
                                         spec->attrs[k].name);
            }
        }
    }
    if (a == NULL) {
        return liq_error_set(LIQ_EKEY, "%s has no attribute '%s' to default; expected one of %s",
                             kind_name, d->attribute, list);
    }
    char expected[160];
    liq_attr_expected(expected, sizeof(expected), a);
    if (a->is_string) {
        if (d->string == NULL) {
            char number[40];
            liq_format_number(number, sizeof(number), d->number);
            return liq_error_set(LIQ_EINVAL, "value %s is not a name; expected %s", number,
                                 expected);
        }
        size_t c = 0;
        while (a->choices[c] != NULL && strcmp(a->choices[c], d->string) != 0) {
            c++;
        }
        if (a->choices[c] == NULL) {
            char choices[160];
            liq_join_choices(choices, sizeof(choices), a->choices);
            return liq_error_set(LIQ_EINVAL, "value '%s'; expected one of %s", d->string, choices);
        }
        return LIQ_OK;
    }
    if (d->string != NULL) {
        return liq_error_set(LIQ_EINVAL, "value '%s' is not a number; expected %s", d->string,
                             expected);
    }
    if (!liq_attr_number_ok(a, d->number)) {
        char number[40];
        liq_format_number(number, sizeof(number), d->number);
        return liq_error_set(LIQ_EINVAL, "value %s; expected %s", number, expected);
    }
    return LIQ_OK;
}

/* The attribute lists are copies of igraph's; filling a default may add an
 * attribute, so they are rebuilt. */
static void liq_forget_attr_lists(liq_network_t *net)
{
    for (size_t k = 0; k < net->n_vertex_attrs; k++) {
        free(net->vertex_attr_name[k]);
    }
    for (size_t k = 0; k < net->n_edge_attrs; k++) {
        free(net->edge_attr_name[k]);
    }
    free(net->vertex_attr_name);
    free(net->vertex_attr_type);
    free(net->edge_attr_name);
    free(net->edge_attr_type);
    net->vertex_attr_name = net->edge_attr_name = NULL;
    net->vertex_attr_type = net->edge_attr_type = NULL;
    net->n_vertex_attrs = net->n_edge_attrs = 0;
}

/* Sets default d on vertex or edge i where the attribute is absent (a NaN
 * number, an empty string, or no such attribute yet). An attribute present
 * with the other type is left alone: validation then reports it. */
static igraph_error_t liq_fill_one(liq_network_t *net, int is_edge, size_t i,
                                   const liq_network_default_t *d)
{
    const int type = is_edge ? liq_network_edge_attr_type(net, d->attribute)
                             : liq_network_vertex_attr_type(net, d->attribute);
    const igraph_integer_t at = (igraph_integer_t)i;
    if (d->string != NULL) {
        if (type == IGRAPH_ATTRIBUTE_NUMERIC) {
            return IGRAPH_SUCCESS;
        }
        const char *now = is_edge ? liq_network_edge_string(net, i, d->attribute)
                                  : liq_network_vertex_string(net, i, d->attribute);
        if (now[0] != '\0') {
            return IGRAPH_SUCCESS;
        }
        return is_edge ? igraph_cattribute_EAS_set(&net->graph, d->attribute, at, d->string)
                       : igraph_cattribute_VAS_set(&net->graph, d->attribute, at, d->string);
    }
    if (type == IGRAPH_ATTRIBUTE_STRING) {
        return IGRAPH_SUCCESS;
    }
    const double now = is_edge ? liq_network_edge_number(net, i, d->attribute)
                               : liq_network_vertex_number(net, i, d->attribute);
    if (!isnan(now)) {
        return IGRAPH_SUCCESS;
    }
    return is_edge ? igraph_cattribute_EAN_set(&net->graph, d->attribute, at, d->number)
                   : igraph_cattribute_VAN_set(&net->graph, d->attribute, at, d->number);
}

/* Whether default d applies to vertex or edge i of its kind: a market
 * default to market edges of role collateral only, a window default to
 * pool_twap oracles only (other sources have none), a conditional
 * attribute where that vertex or edge may have it (an amplification to
 * stableswap pools, a routes weight to markets that route by weight...). */
static int liq_default_applies(const liq_network_t *net, const liq_out_t *o, size_t i,
                               const liq_network_default_t *d)
{
    if (d->is_edge && d->kind == LIQ_EDGE_MARKET &&
        strcmp(liq_network_edge_string(net, i, "role"), "collateral") != 0) {
        return 0;
    }
    if (!d->is_edge && d->kind == LIQ_VERTEX_ORACLE && strcmp(d->attribute, "window") == 0 &&
        strcmp(liq_network_vertex_string(net, i, "source"), "pool_twap") != 0) {
        return 0;
    }
    if (liq_is_conditional(d->is_edge, d->kind, d->attribute)) {
        const char *why = "";
        return liq_conditional_need(net, o, d->is_edge, i, d->attribute, &why) !=
               LIQ_NEED_FORBIDDEN;
    }
    return 1;
}

/* Fills the defaults before anything is validated. A vertex's kind is read
 * from its `kind` string (an unknown kind gets nothing; validation reports
 * it). Names go first (pool_kind, routing, recovery), numbers second,
 * since whether a number applies may depend on a name (a stableswap pool's
 * amplification, the weights of a market that routes by weight); within
 * each, the defaults' order. The attribute lists are rebuilt after each
 * default, since it may have added an attribute. O(defaults x (vertices +
 * edges) x degree). */
static int liq_fill_defaults(liq_network_t *net, const char *file,
                             const liq_network_default_t *defaults, size_t n_defaults)
{
    if (n_defaults == 0) {
        return LIQ_OK;
    }
    liq_out_t out = {NULL, NULL};
    int rc = liq_out_build(&out, net, file);
    for (int pass = 0; pass < 2 && rc == LIQ_OK; pass++) {
        for (size_t k = 0; k < n_defaults && rc == LIQ_OK; k++) {
            const liq_network_default_t *d = &defaults[k];
            if ((d->string != NULL) != (pass == 0)) {
                continue;
            }
            const char *kind_name = d->is_edge ? liq_edge_kind_name((liq_edge_kind_t)d->kind)
                                               : liq_vertex_kind_name((liq_vertex_kind_t)d->kind);
            const size_t n = d->is_edge ? net->n_edges : net->n_vertices;
            igraph_error_t err = IGRAPH_SUCCESS;
            for (size_t i = 0; i < n && err == IGRAPH_SUCCESS; i++) {
                const char *kind = d->is_edge ? liq_network_edge_string(net, i, "kind")
                                              : liq_network_vertex_string(net, i, "kind");
                if (strcmp(kind, kind_name) == 0 && liq_default_applies(net, &out, i, d)) {
                    err = liq_fill_one(net, d->is_edge, i, d);
                }
            }
            if (err != IGRAPH_SUCCESS) {
                rc = liq_igraph_error(err, file);
                break;
            }
            liq_forget_attr_lists(net);
            rc = liq_network_index(net);
        }
    }
    liq_out_destroy(&out);
    return rc;
}

/* GML keys cannot hold dots: a vertex attribute written `breaker__drop`
 * (liq_write_gml_key) is renamed `breaker.drop`. Inside an igraph scope;
 * rebuilds the attribute lists when it renames one. */
static int liq_gml_dotted_names(liq_network_t *net, const char *file)
{
    int renamed = 0;
    igraph_error_t err = IGRAPH_SUCCESS;
    for (size_t k = 0; k < net->n_vertex_attrs && err == IGRAPH_SUCCESS; k++) {
        const char *old = net->vertex_attr_name[k];
        const int type = net->vertex_attr_type[k];
        if (strstr(old, "__") == NULL ||
            (type != IGRAPH_ATTRIBUTE_NUMERIC && type != IGRAPH_ATTRIBUTE_STRING)) {
            continue;
        }
        char name[256];
        size_t used = 0;
        for (const char *c = old; *c != '\0' && used + 1 < sizeof(name); c++) {
            if (c[0] == '_' && c[1] == '_') {
                name[used++] = '.';
                c++;
            } else {
                name[used++] = *c;
            }
        }
        name[used] = '\0';
        if (igraph_cattribute_has_attr(&net->graph, IGRAPH_ATTRIBUTE_VERTEX, name)) {
            return liq_error_set(LIQ_EINVAL,
                                 "%s: vertex attributes '%s' and '%s' are the same key (GML writes "
                                 "a dot as two underscores); expected one of them",
                                 file, old, name);
        }
        for (size_t v = 0; v < net->n_vertices && err == IGRAPH_SUCCESS; v++) {
            const igraph_integer_t at = (igraph_integer_t)v;
            err = type == IGRAPH_ATTRIBUTE_NUMERIC
                      ? igraph_cattribute_VAN_set(&net->graph, name, at,
                                                  igraph_cattribute_VAN(&net->graph, old, at))
                      : igraph_cattribute_VAS_set(&net->graph, name, at,
                                                  igraph_cattribute_VAS(&net->graph, old, at));
        }
        if (err == IGRAPH_SUCCESS) {
            igraph_cattribute_remove_v(&net->graph, old);
            renamed = 1;
        }
    }
    if (err != IGRAPH_SUCCESS) {
        return liq_igraph_error(err, file);
    }
    if (!renamed) {
        return LIQ_OK;
    }
    liq_forget_attr_lists(net);
    return liq_network_index(net);
}

/* ----------------------------------------------------------- entry points */

static int liq_network_read_mode(liq_network_t **out, const char *path, liq_graph_format_t format,
                                 liq_read_mode_t mode, const liq_network_default_t *defaults,
                                 size_t n_defaults)
{
    *out = NULL;
    int rc = liq_resolve_format(&format, path);
    if (rc != LIQ_OK) {
        return rc;
    }
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return liq_error_set(LIQ_EIO, "%s: cannot read: %s", path, strerror(errno));
    }
    liq_network_t *net = liq_network_alloc();
    if (net == NULL) {
        fclose(f);
        return liq_error_set(LIQ_ENOMEM, "%s: out of memory", path);
    }
    liq_igraph_scope_t scope;
    liq_igraph_enter(&scope);
    const igraph_error_t err = format == LIQ_GRAPH_GRAPHML
                                   ? igraph_read_graph_graphml(&net->graph, f, 0)
                                   : igraph_read_graph_gml(&net->graph, f);
    fclose(f);
    if (err != IGRAPH_SUCCESS) {
        rc = liq_igraph_error(err == IGRAPH_EINVAL ? IGRAPH_PARSEERROR : err, path);
    } else {
        net->has_graph = 1;
        liq_drop_reader_ids(&net->graph);
        if (!igraph_is_directed(&net->graph)) {
            rc = liq_error_set(LIQ_EINVAL, "%s: the graph is undirected; expected a directed graph",
                               path);
        }
    }
    if (rc == LIQ_OK) {
        const size_t nv = (size_t)igraph_vcount(&net->graph);
        const size_t ne = (size_t)igraph_ecount(&net->graph);
        net->vertex_kind = calloc(nv > 0 ? nv : 1, sizeof(*net->vertex_kind));
        net->edge_kind = calloc(ne > 0 ? ne : 1, sizeof(*net->edge_kind));
        if (net->vertex_kind == NULL || net->edge_kind == NULL) {
            rc = liq_error_set(LIQ_ENOMEM, "%s: out of memory", path);
        }
    }
    if (rc == LIQ_OK) {
        /* Index first (with every kind 0) so that the checks can use the
         * attribute accessors; the counts are redone once the kinds are known. */
        rc = liq_network_index(net);
    }
    if (rc == LIQ_OK && format == LIQ_GRAPH_GML) {
        rc = liq_gml_dotted_names(net, path);
    }
    if (rc == LIQ_OK) {
        rc = liq_fill_defaults(net, path, defaults, n_defaults);
    }
    if (rc == LIQ_OK) {
        rc = liq_validate(net, path, mode);
    }
    if (rc == LIQ_OK) {
        memset(net->count, 0, sizeof(net->count));
        for (size_t v = 0; v < net->n_vertices; v++) {
            net->count[net->vertex_kind[v]]++;
        }
    }
    liq_igraph_leave(&scope);
    if (rc != LIQ_OK) {
        liq_network_destroy(net);
        return rc;
    }
    *out = net;
    return LIQ_OK;
}

int liq_network_read(liq_network_t **out, const char *path, liq_graph_format_t format)
{
    return liq_network_read_mode(out, path, format, LIQ_READ_FULL, NULL, 0);
}

int liq_network_read_scenario(liq_network_t **out, const char *path, liq_graph_format_t format,
                              const liq_network_default_t *defaults, size_t n_defaults)
{
    return liq_network_read_mode(out, path, format, LIQ_READ_SCENARIO, defaults, n_defaults);
}
