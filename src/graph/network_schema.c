/*
 * The attributes of the network's vertices and edges (docs/network.md),
 * derived from the tables of the scenario's keys (src/model/scenario_keys.h)
 * so that a graph file carries each key by the same name, within the same
 * range and with the same wording as a scenario file: an asset vertex
 * carries the asset table's keys, a market edge of role collateral the
 * market table's, a protocol vertex its protocol's and keepers' (a row's
 * `graph_as` says whether and how). Beside them each kind has the graph's
 * own attributes: `kind`, `name`, the `role` of an edge, a protocol's
 * `accounts`.
 *
 * Graph files count durations in rounds and write infinity as a number:
 * a duration is a whole number, an unlimited count Inf.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "graph/network_internal.h"
#include "model/scenario_keys.h"

/* The roles of edges. */
static const char *const liq_token_roles[] = {"token0", "token1", NULL};
static const char *const liq_use_roles[] = {"collateral", "debt", NULL};
static const char *const liq_read_roles[] = {"source", "anchor", NULL};

/* The kinds of protocol a graph file may declare: its markets are edges,
 * which a perp exchange's markets (with their tiers) are not, so perp
 * protocols come from scenario YAML only (liq_protocol_kind_t order). */
static const char *const liq_graph_protocol_kinds[] = {"lending", NULL};

const liq_entity_t *liq_graph_entity(int is_edge, int kind)
{
    if (!is_edge) {
        static const liq_entity_t *const vertices[LIQ_N_VERTEX_KINDS] = {
            &liq_asset_entity, &liq_pool_entity, &liq_oracle_entity, &liq_protocol_entity};
        return (unsigned)kind < LIQ_N_VERTEX_KINDS ? vertices[kind] : NULL;
    }
    switch (kind) {
    case LIQ_EDGE_READS:
        return &liq_source_entity;
    case LIQ_EDGE_MARKET:
        return &liq_market_entity;
    case LIQ_EDGE_ROUTES:
        return &liq_route_entity;
    case LIQ_EDGE_ISSUES:
        return &liq_issue_entity;
    case LIQ_EDGE_HOLDS:
        return &liq_holding_entity;
    default:
        return NULL;
    }
}

static void liq_spec_add(liq_kind_spec_t *out, const liq_attr_spec_t *a)
{
    if (out->n_attrs < LIQ_ATTRS_MAX) {
        out->attrs[out->n_attrs++] = *a;
    }
}

static void liq_spec_own(liq_kind_spec_t *out, const char *name, const char *const *choices,
                         int64_t min_whole)
{
    const liq_attr_spec_t a = {name, choices != NULL, NULL, choices, min_whole};
    liq_spec_add(out, &a);
}

/* The rows of `entity` written as `role` (ATTR or COND), with the keys of
 * its nested mappings that are not settings (a protocol's keepers). */
static void liq_spec_rows(liq_kind_spec_t *out, const liq_entity_t *entity, liq_key_graph_t role,
                          int protocol)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        const liq_key_t *key = &entity->keys[k];
        if (key->type == LIQ_KEY_MAP && key->graph_as == LIQ_GRAPH_ATTR) {
            liq_spec_rows(out, key->entity, role, protocol);
            continue;
        }
        if (key->graph_as != role || key->type == LIQ_KEY_MAP || key->type == LIQ_KEY_LIST) {
            continue;
        }
        const int is_string = key->type == LIQ_KEY_ENUM || key->type == LIQ_KEY_FLAG ||
                              key->type == LIQ_KEY_STRING || key->type == LIQ_KEY_REF;
        const char *const *choices = key->type == LIQ_KEY_ENUM ? key->choices : NULL;
        if (protocol && key->type == LIQ_KEY_ENUM && (key->flags & LIQ_KEY_SELECTS) != 0) {
            choices = liq_graph_protocol_kinds;
        }
        const liq_attr_spec_t a = {liq_key_attr(key), is_string, key, choices, 0};
        liq_spec_add(out, &a);
    }
}

void liq_graph_spec(liq_kind_spec_t *out, int is_edge, int kind, liq_spec_part_t part)
{
    out->n_attrs = 0;
    const liq_entity_t *entity = liq_graph_entity(is_edge, kind);
    const int protocol = !is_edge && kind == LIQ_VERTEX_PROTOCOL;
    if (part == LIQ_SPEC_CONDITIONAL) {
        if (is_edge && kind == LIQ_EDGE_READS) {
            liq_spec_own(out, "role", liq_read_roles, 0); /* optional: source when absent */
        }
        if (entity != NULL) {
            liq_spec_rows(out, entity, LIQ_GRAPH_COND, protocol);
        }
        return;
    }
    if (is_edge && kind == LIQ_EDGE_MARKET) {
        /* Every market edge has a role; a collateral one has the market's keys. */
        if (part == LIQ_SPEC_COLLATERAL) {
            liq_spec_rows(out, entity, LIQ_GRAPH_ATTR, 0);
        } else {
            liq_spec_own(out, "role", liq_use_roles, 0);
        }
        return;
    }
    if (part == LIQ_SPEC_COLLATERAL) {
        return;
    }
    if (is_edge && kind == LIQ_EDGE_TRADES) {
        liq_spec_own(out, "role", liq_token_roles, 0);
    } else if (is_edge && kind == LIQ_EDGE_USES_ORACLE) {
        liq_spec_own(out, "role", liq_use_roles, 0);
    } else if (entity != NULL) {
        liq_spec_rows(out, entity, LIQ_GRAPH_ATTR, protocol);
    }
    if (protocol) {
        /* The accounts liq_network_build counts (a scenario's network
         * ignores it: its accounts section decides). */
        liq_spec_own(out, "accounts", NULL, 0);
    }
}

void liq_attr_expected(char *buf, size_t size, const liq_attr_spec_t *a)
{
    const liq_key_t *key = a->key;
    if (a->is_string) {
        snprintf(buf, size, "%s",
                 a->choices != NULL ? "one of the names listed" : "a non-empty name");
    } else if (key == NULL || key->type == LIQ_KEY_DURATION) {
        snprintf(buf, size, "a whole number >= %lld",
                 (long long)(key != NULL ? key->ilo : a->min_whole));
    } else if (key->type == LIQ_KEY_INTEGER) {
        snprintf(buf, size, "a whole number >= %lld%s", (long long)key->ilo,
                 (key->flags & LIQ_KEY_UNLIMITED) != 0 ? " or Inf (unlimited)" : "");
    } else {
        /* Graph files write infinity Inf: "a number > 0 or Inf". */
        const size_t n = strlen(key->expected);
        const int inf = key->allow_inf && n >= 3 && strcmp(key->expected + n - 3, "inf") == 0;
        snprintf(buf, size, "%.*s%s", (int)(inf ? n - 3 : n), key->expected, inf ? "Inf" : "");
    }
}

int liq_attr_number_ok(const liq_attr_spec_t *a, double x)
{
    const liq_key_t *key = a->key;
    const int whole = isfinite(x) && x == floor(x);
    if (key == NULL || key->type == LIQ_KEY_DURATION) {
        return whole && x >= (double)(key != NULL ? key->ilo : a->min_whole);
    }
    if (key->type == LIQ_KEY_INTEGER) {
        const int unlimited = (key->flags & LIQ_KEY_UNLIMITED) != 0 && isinf(x) && x > 0;
        return unlimited || (whole && x >= (double)key->ilo);
    }
    if (isinf(x)) {
        return key->allow_inf && x > 0;
    }
    const int below = key->lo_open ? !(x > key->lo) : !(x >= key->lo);
    const int above = key->hi_open ? !(x < key->hi) : !(x <= key->hi);
    return !isnan(x) && !below && !above;
}

int liq_attr_defaultable(const liq_attr_spec_t *a)
{
    /* Names, kinds and the references that give a network its shape are
     * never defaulted: a default for them would silently wire it. */
    const liq_key_t *key = a->key;
    if (key == NULL || key->type == LIQ_KEY_REF) {
        return 0;
    }
    return !(key->type == LIQ_KEY_ENUM && (key->flags & LIQ_KEY_REQUIRED) != 0);
}
