/*
 * A scenario's network as the four lists of its document (scenario_graph.h):
 * the attributes of the graph's vertices and edges become the values of the
 * keys they carry, as YAML nodes the scenario reader then reads like any
 * other, by the same tables (scenario_read.c). Which key an attribute
 * carries comes from the tables of the keys (src/model/scenario_keys.h: a
 * row's `graph_as` and `graph`); which vertices and edges make an entity
 * comes from the network's shape (src/graph/network_entities.h). No value
 * goes through a scenario struct on the way.
 *
 * Every node carries `mark` (where the `network` key's value stands), so a
 * message about a value that came from the graph, such as one set by an
 * override, points at that line. A number is written in the shortest form
 * that strtod reads back to the same double (inf), a count of rounds as an
 * integer (an unlimited count `unlimited`), a choice or a name quoted.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/network_entities.h"
#include "io/scenario_graph.h"
#include "liqnet/error.h"
#include "model/scenario_keys.h"

/* A protocol vertex's scenario-key attribute (liq_network_is_protocol_key):
 * a mechanism setting, given to the reader as the key of its path. */
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
    const liq_network_t *net;
    const liq_network_entities_t *shape;
    const liq_graph_key_t *keys;
    size_t n_keys;
} liq_emit_t;

static void liq_emit_graph_key(liq_emit_t *e, int map, const liq_graph_key_t *k);

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

/* ------------------------------------------------------------- values */

/* The attribute that carries `key` on vertex or edge i as a scalar node,
 * or 0 when the vertex or edge has none. */
static int liq_emit_attr(liq_emit_t *e, int is_edge, size_t i, const liq_key_t *key)
{
    const liq_network_t *net = e->net;
    const char *attr = liq_key_attr(key);
    char text[40];
    if (key->type == LIQ_KEY_NUMBER || key->type == LIQ_KEY_INTEGER ||
        key->type == LIQ_KEY_DURATION) {
        const double x = is_edge ? liq_network_edge_number(net, i, attr)
                                 : liq_network_vertex_number(net, i, attr);
        if (isnan(x)) {
            return 0;
        }
        if (key->type != LIQ_KEY_NUMBER) {
            /* Validated whole and below 2^53 (liq_network_entities). */
            if ((key->flags & LIQ_KEY_UNLIMITED) != 0 && isinf(x)) {
                snprintf(text, sizeof(text), "unlimited");
            } else {
                snprintf(text, sizeof(text), "%lld", (long long)x);
            }
        } else if (isinf(x)) {
            snprintf(text, sizeof(text), "%s", x > 0 ? "inf" : "-inf");
        } else {
            for (int digits = 1; digits <= 17; digits++) {
                snprintf(text, sizeof(text), "%.*g", digits, x);
                if (strtod(text, NULL) == x) {
                    break;
                }
            }
        }
        return liq_emit_scalar(e, text, 0);
    }
    const char *s =
        is_edge ? liq_network_edge_string(net, i, attr) : liq_network_vertex_string(net, i, attr);
    return s[0] != '\0' ? liq_emit_scalar(e, s, 1) : 0;
}

/* The choices the selecting keys of `entity` take on vertex or edge i,
 * into `scratch` (a zeroed struct of the entity): they decide which of the
 * other keys apply (a stableswap pool's amplification). */
static void liq_emit_selectors(liq_emit_t *e, int is_edge, size_t i, const liq_entity_t *entity,
                               void *scratch)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        const liq_key_t *key = &entity->keys[k];
        if (key->type != LIQ_KEY_ENUM || (key->flags & LIQ_KEY_SELECTS) == 0 ||
            key->graph_as == LIQ_GRAPH_NONE || key->graph_as == LIQ_GRAPH_KEY) {
            continue;
        }
        const char *attr = liq_key_attr(key);
        const char *s = is_edge ? liq_network_edge_string(e->net, i, attr)
                                : liq_network_vertex_string(e->net, i, attr);
        int choice = (int)key->idflt;
        for (int c = 0; key->choices[c] != NULL; c++) {
            choice = strcmp(key->choices[c], s) == 0 ? c : choice;
        }
        *(int *)liq_key_field(key, scratch) = choice;
    }
}

/* The keys of `entity` that vertex or edge i carries as attributes, those
 * that apply to it (`scratch` as the selectors and the shape made it), in
 * table order; a mapping of such keys (a protocol's keepers) as a mapping. */
static void liq_emit_values(liq_emit_t *e, int map, int is_edge, size_t i,
                            const liq_entity_t *entity, const liq_key_ctx_t *ctx,
                            const void *scratch)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        const liq_key_t *key = &entity->keys[k];
        if (key->graph_as == LIQ_GRAPH_NONE || key->graph_as == LIQ_GRAPH_KEY) {
            continue;
        }
        const liq_key_need_t need = liq_key_applies(key, ctx, scratch, NULL);
        if (need == LIQ_NEED_HIDDEN || need == LIQ_NEED_FORBIDDEN) {
            continue;
        }
        if (key->type == LIQ_KEY_MAP) {
            const int inner = liq_emit_collection(e, 1);
            liq_emit_values(e, inner, is_edge, i, key->entity, ctx,
                            scratch != NULL ? liq_key_cfield(key, scratch) : NULL);
            liq_emit_pair(e, map, key->name, inner);
        } else if (key->type != LIQ_KEY_LIST && key->type != LIQ_KEY_CUSTOM) {
            const int value = liq_emit_attr(e, is_edge, i, key);
            if (value != 0) {
                liq_emit_pair(e, map, key->name, value);
            }
        }
    }
}

/* The first row of `entity` of `type` (and reference kind `ref`, or the
 * entity of its items `items`): how the structural keys are found. */
static const liq_key_t *liq_row(const liq_entity_t *entity, liq_key_type_t type, int ref,
                                const liq_entity_t *items)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        const liq_key_t *key = &entity->keys[k];
        if (key->type == type && (ref < 0 || (int)key->ref == ref) &&
            (items == NULL || key->entity == items)) {
            return key;
        }
    }
    return NULL;
}

/* The name of vertex v as the value of `entity`'s reference row of `ref`. */
static void liq_emit_ref(liq_emit_t *e, int map, const liq_entity_t *entity, int ref, size_t v)
{
    liq_emit_name(e, map, liq_row(entity, LIQ_KEY_REF, ref, NULL)->name,
                  liq_network_vertex_name(e->net, v));
}

/* ----------------------------------------------------------- entities */

static int liq_emit_asset(liq_emit_t *e, size_t i)
{
    const size_t v = e->shape->vertex[LIQ_VERTEX_ASSET][i];
    const int map = liq_emit_collection(e, 1);
    const liq_asset_config_t scratch = {0};
    const liq_key_ctx_t ctx = {NULL, NULL, NULL, i, 0};
    liq_emit_name(e, map, liq_row(&liq_asset_entity, LIQ_KEY_NAME, -1, NULL)->name,
                  liq_network_vertex_name(e->net, v));
    liq_emit_values(e, map, 0, v, &liq_asset_entity, &ctx, &scratch);
    return map;
}

static int liq_emit_pool(liq_emit_t *e, size_t i)
{
    const size_t v = e->shape->vertex[LIQ_VERTEX_POOL][i];
    const int map = liq_emit_collection(e, 1);
    liq_pool_config_t scratch;
    memset(&scratch, 0, sizeof(scratch));
    liq_emit_selectors(e, 0, v, &liq_pool_entity, &scratch);
    const liq_key_ctx_t ctx = {NULL, NULL, NULL, i, 0};
    liq_emit_name(e, map, liq_row(&liq_pool_entity, LIQ_KEY_NAME, -1, NULL)->name,
                  liq_network_vertex_name(e->net, v));
    liq_emit_values(e, map, 0, v, &liq_pool_entity, &ctx, &scratch);
    return map;
}

/* A price source from its reads edge: its `source` and window from the
 * edge's attributes (`source`: the oracle's, for a plain oracle's one
 * edge), the asset or pool it reads from the edge's target. */
static int liq_emit_source(liq_emit_t *e, size_t edge)
{
    const int map = liq_emit_collection(e, 1);
    liq_price_source_t scratch;
    memset(&scratch, 0, sizeof(scratch));
    liq_emit_selectors(e, 1, edge, &liq_source_entity, &scratch);
    const liq_key_ctx_t ctx = {NULL, NULL, NULL, 0, 0};
    liq_emit_values(e, map, 1, edge, &liq_source_entity, &ctx, &scratch);
    size_t from, to;
    liq_network_edge_ends(e->net, edge, &from, &to);
    const int pool = liq_network_vertex_kind(e->net, to) == LIQ_VERTEX_POOL;
    liq_emit_ref(e, map, &liq_source_entity, pool ? LIQ_REF_POOL : LIQ_REF_ASSET, to);
    return map;
}

static int liq_emit_oracle(liq_emit_t *e, size_t o)
{
    const liq_network_entities_t *s = e->shape;
    const size_t v = s->vertex[LIQ_VERTEX_ORACLE][o];
    const int map = liq_emit_collection(e, 1);
    liq_oracle_config_t scratch;
    memset(&scratch, 0, sizeof(scratch));
    liq_emit_selectors(e, 0, v, &liq_oracle_entity, &scratch);
    scratch.has_anchor = s->anchor_edge[o] != LIQ_NO_EDGE;
    const liq_key_ctx_t ctx = {NULL, NULL, NULL, o, 0};
    liq_emit_name(e, map, liq_row(&liq_oracle_entity, LIQ_KEY_NAME, -1, NULL)->name,
                  liq_network_vertex_name(e->net, v));
    liq_emit_values(e, map, 0, v, &liq_oracle_entity, &ctx, &scratch);
    if (scratch.source == LIQ_ORACLE_MEDIAN) {
        const int inputs = liq_emit_collection(e, 0);
        for (size_t k = s->input_first[o]; k < s->input_first[o + 1]; k++) {
            liq_emit_item(e, inputs, liq_emit_source(e, s->input_edge[k]));
        }
        liq_emit_pair(e, map, liq_row(&liq_oracle_entity, LIQ_KEY_LIST, -1, NULL)->name, inputs);
    } else {
        size_t from, to;
        liq_network_edge_ends(e->net, s->input_edge[s->input_first[o]], &from, &to);
        const int pool = liq_network_vertex_kind(e->net, to) == LIQ_VERTEX_POOL;
        liq_emit_ref(e, map, &liq_oracle_entity, pool ? LIQ_REF_POOL : LIQ_REF_ASSET, to);
    }
    if (scratch.has_anchor) {
        liq_emit_pair(e, map, liq_row(&liq_oracle_entity, LIQ_KEY_MAP, -1, NULL)->name,
                      liq_emit_source(e, s->anchor_edge[o]));
    }
    return map;
}

/* A list of items from edges: an item of `entity` per edge, its reference
 * the edge's target, its other keys the edge's attributes. */
static void liq_emit_edge_list(liq_emit_t *e, int map, const liq_entity_t *parent,
                               const liq_entity_t *entity, const size_t *edges, size_t n)
{
    if (n == 0) {
        return;
    }
    const int list = liq_emit_collection(e, 0);
    for (size_t k = 0; k < n; k++) {
        const int item = liq_emit_collection(e, 1);
        size_t from, to;
        liq_network_edge_ends(e->net, edges[k], &from, &to);
        liq_emit_ref(e, item, entity, LIQ_REF_ASSET, to);
        const liq_key_ctx_t ctx = {NULL, NULL, NULL, k, n};
        liq_emit_values(e, item, 1, edges[k], entity, &ctx, NULL);
        liq_emit_item(e, list, item);
    }
    liq_emit_pair(e, map, liq_row(parent, LIQ_KEY_LIST, -1, entity)->name, list);
}

/* Market m: its asset (the market edge's target), oracle and route or
 * routes; its other keys the market edge's attributes. One route sold by
 * weight is written as `route`, as a scenario file writes it. */
static int liq_emit_market(liq_emit_t *e, size_t m)
{
    const liq_network_entities_t *s = e->shape;
    const size_t me = s->market_edge[m];
    const int map = liq_emit_collection(e, 1);
    liq_market_config_t scratch;
    memset(&scratch, 0, sizeof(scratch));
    liq_emit_selectors(e, 1, me, &liq_market_entity, &scratch);
    size_t from, to;
    liq_network_edge_ends(e->net, me, &from, &to);
    liq_emit_ref(e, map, &liq_market_entity, LIQ_REF_ASSET, to);
    liq_emit_ref(e, map, &liq_market_entity, LIQ_REF_ORACLE, s->market_oracle[m]);
    const liq_key_ctx_t ctx = {NULL, NULL, NULL, 0, 0};
    liq_emit_values(e, map, 1, me, &liq_market_entity, &ctx, &scratch);
    const size_t n_routes = s->route_first[m + 1] - s->route_first[m];
    const liq_key_t *route = liq_row(&liq_market_entity, LIQ_KEY_CUSTOM, -1, NULL);
    if (n_routes == 1 && scratch.routing == LIQ_ROUTING_WEIGHT) {
        liq_network_edge_ends(e->net, s->route_edge[s->route_first[m]], &from, &to);
        liq_emit_name(e, map, route->name, liq_network_vertex_name(e->net, to));
        return map;
    }
    const liq_key_t *routes = liq_row(&liq_market_entity, LIQ_KEY_CUSTOM, -1, &liq_route_entity);
    const int list = liq_emit_collection(e, 0);
    const liq_key_ctx_t sub = {NULL, &scratch, NULL, 0, n_routes};
    for (size_t k = s->route_first[m]; k < s->route_first[m + 1]; k++) {
        const int item = liq_emit_collection(e, 1);
        liq_network_edge_ends(e->net, s->route_edge[k], &from, &to);
        liq_emit_ref(e, item, &liq_route_entity, LIQ_REF_POOL, to);
        liq_emit_values(e, item, 1, s->route_edge[k], &liq_route_entity, &sub, NULL);
        liq_emit_item(e, list, item);
    }
    liq_emit_pair(e, map, routes->name, list);
    return map;
}

static int liq_emit_protocol(liq_emit_t *e, size_t p)
{
    const liq_network_entities_t *s = e->shape;
    const size_t v = s->vertex[LIQ_VERTEX_PROTOCOL][p];
    const int map = liq_emit_collection(e, 1);
    liq_protocol_config_t scratch;
    memset(&scratch, 0, sizeof(scratch));
    liq_emit_selectors(e, 0, v, &liq_protocol_entity, &scratch);
    scratch.n_issues = s->issue_first[p + 1] - s->issue_first[p];
    scratch.n_holdings = s->holding_first[p + 1] - s->holding_first[p];
    const liq_key_ctx_t ctx = {NULL, NULL, NULL, p, 0};
    liq_emit_name(e, map, liq_row(&liq_protocol_entity, LIQ_KEY_NAME, -1, NULL)->name,
                  liq_network_vertex_name(e->net, v));
    liq_emit_values(e, map, 0, v, &liq_protocol_entity, &ctx, &scratch);
    liq_emit_edge_list(e, map, &liq_protocol_entity, &liq_issue_entity,
                       s->issue_edge + s->issue_first[p], scratch.n_issues);
    liq_emit_edge_list(e, map, &liq_protocol_entity, &liq_holding_entity,
                       s->holding_edge + s->holding_first[p], scratch.n_holdings);
    /* A balance-sheet protocol has no `markets`: when given, it must not
     * be empty. */
    if (s->market_first[p + 1] > s->market_first[p]) {
        const int markets = liq_emit_collection(e, 0);
        for (size_t m = s->market_first[p]; m < s->market_first[p + 1]; m++) {
            liq_emit_item(e, markets, liq_emit_market(e, m));
        }
        liq_emit_pair(e, map,
                      liq_row(&liq_protocol_entity, LIQ_KEY_LIST, -1, &liq_market_entity)->name,
                      markets);
    }
    /* Last, so that a key path meets every key the graph gives. */
    for (size_t k = 0; k < e->n_keys; k++) {
        if (e->keys[k].protocol == p) {
            liq_emit_graph_key(e, map, &e->keys[k]);
        }
    }
    return map;
}

/* The four lists, appended to the root mapping (document index root). */
static void liq_emit_entities(liq_emit_t *e, int root)
{
    typedef int (*liq_emit_fn)(liq_emit_t *, size_t);
    static const liq_emit_fn emit[4] = {liq_emit_asset, liq_emit_pool, liq_emit_oracle,
                                        liq_emit_protocol};
    static const liq_entity_t *const entities[4] = {&liq_asset_entity, &liq_pool_entity,
                                                    &liq_oracle_entity, &liq_protocol_entity};
    for (int kind = 0; kind < 4; kind++) {
        const int list = liq_emit_collection(e, 0);
        for (size_t i = 0; i < e->shape->count[kind]; i++) {
            liq_emit_item(e, list, emit[kind](e, i));
        }
        const liq_key_t *section = liq_row(&liq_scenario_entity, LIQ_KEY_LIST, -1, entities[kind]);
        liq_emit_pair(e, root, section->name, list);
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

/* ------------------------------------------------ mechanism settings */

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

/* ---------------------------------------------------------- the entry */

int liq_scenario_graph_emit(liq_ydoc_t *d, int root, yaml_mark_t mark, const liq_network_t *net,
                            const char *path, const liq_network_default_t *defaults,
                            size_t n_defaults)
{
    liq_network_entities_t shape;
    int rc = liq_network_entities(&shape, net, path);
    if (rc != LIQ_OK) {
        return rc;
    }
    liq_graph_key_t *keys = NULL;
    size_t n_keys = 0;
    rc = liq_graph_keys_read(net, path, defaults, n_defaults, &keys, &n_keys);
    if (rc == LIQ_OK) {
        liq_emit_t e = {d, mark, 0, LIQ_OK, net, &shape, keys, n_keys};
        liq_emit_entities(&e, root);
        rc = e.failed ? liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the scenario",
                                      d->file)
                      : e.rc;
    }
    liq_graph_keys_free(keys, n_keys);
    liq_network_entities_destroy(&shape);
    return rc;
}
