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
#include "model/scenario_keys.h"

/* The `defaults` keys: the vertex kinds, then the edge kinds with values. */
static const char *const liq_default_kinds[] = {"asset",  "pool",  "oracle", "protocol", "market",
                                                "routes", "reads", "issues", "holds",    NULL};
/* The edge kinds of liq_default_kinds[4..], in that order. */
static const liq_edge_kind_t liq_default_edges[] = {
    LIQ_EDGE_MARKET, LIQ_EDGE_ROUTES, LIQ_EDGE_READS, LIQ_EDGE_ISSUES, LIQ_EDGE_HOLDS};

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

/* The first top-level key with all of `flags` whose name is the text of
 * `key` (a key node of the root), or NULL. */
static const liq_key_t *liq_top_row(const yaml_node_t *key, unsigned flags)
{
    for (size_t k = 0; k < liq_scenario_entity.n_keys && key->type == YAML_SCALAR_NODE; k++) {
        const liq_key_t *row = &liq_scenario_entity.keys[k];
        if ((row->flags & flags) == flags && strcmp(liq_yscalar(key), row->name) == 0) {
            return row;
        }
    }
    return NULL;
}

/* Without `network`, its companions (the other keys only a scenario with
 * `network` has) have nothing to apply to. */
static int liq_forbid_without_network(liq_ydoc_t *d, const yaml_node_t *root)
{
    for (size_t k = 0; k < liq_scenario_entity.n_keys; k++) {
        const liq_key_t *row = &liq_scenario_entity.keys[k];
        if ((row->flags & LIQ_KEY_WITH_NETWORK) == 0 || strcmp(row->name, "network") == 0) {
            continue;
        }
        for (const yaml_node_pair_t *p = root->data.mapping.pairs.start;
             p < root->data.mapping.pairs.top; p++) {
            const yaml_node_t *key = liq_ydoc_node(d, p->key);
            if (key->type == YAML_SCALAR_NODE && strcmp(liq_yscalar(key), row->name) == 0) {
                const size_t saved = liq_ypath_push_key(d, row->name);
                const int rc = liq_ydoc_error(d, LIQ_EKEY, key,
                                              "only allowed with network; expected network: "
                                              "GRAPH_FILE beside it, or no %s",
                                              row->name);
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
    /* The lists a graph file replaces: a scenario gives them one way only. */
    for (const yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        const yaml_node_t *key = liq_ydoc_node(d, p->key);
        const liq_key_t *section = liq_top_row(key, LIQ_KEY_SECTION);
        if (section != NULL) {
            const size_t saved = liq_ypath_push_key(d, section->name);
            rc = liq_ydoc_error(d, LIQ_EKEY, key,
                                "not allowed with network (the graph file '%s' defines the "
                                "assets, pools, oracles and protocols); expected either "
                                "network or the lists assets, pools, oracles and protocols",
                                file);
            liq_ypath_pop(d, saved);
            return rc;
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
    if (rc == LIQ_OK) {
        /* igraph (IGRAPH_THREAD_SAFE 0) keeps its error state in globals,
         * and sweeps read their runs' scenarios on several threads at once:
         * the graph is read, and its attributes become the document's
         * nodes, on one thread at a time. The root's index, not its
         * pointer: adding nodes may move them. */
        const int root_index = (int)(root - d->doc.nodes.start) + 1;
#pragma omp critical(liq_igraph)
        {
            liq_network_t *net = NULL;
            rc = liq_network_read_scenario(&net, path, format, defaults, n_defaults);
            if (rc == LIQ_OK) {
                rc = liq_scenario_graph_emit(d, root_index, mark, net, path, defaults, n_defaults);
            }
            liq_network_destroy(net);
        }
    }
    *from_graph = rc == LIQ_OK;
    free(path);
    free(defaults);
    return rc;
}
