/*
 * The scenario reader's front: YAML text in, a fully resolved liq_scenario_t
 * out (docs/scenario.md is the user's reference for the format).
 *
 * The text is loaded as one YAML document, edited by the overrides that say
 * where the network comes from, given the lists of a graph file (the key
 * `network`, scenario_graph.c), edited by the other overrides and by the
 * protocols' presets, and only then read, by the tables of the scenario's
 * keys (scenario_read.c, src/model/scenario_keys.h). So every value,
 * whether written in the file, taken from a graph or set by an override,
 * is checked by the same rows and named by the same messages: file, line,
 * column, key path, the value as written and what was expected.
 *
 * Sections are read in the order of the top-level table (assets, pools,
 * oracles, protocols, accounts, shocks), whatever their order in the file,
 * so a reference can always be resolved against a complete list and "no
 * pool named X; defined pools: ..." lists every candidate.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/scenario_graph.h"
#include "io/scenario_override.h"
#include "io/scenario_read.h"
#include "io/gas_path.h"
#include "io/text_file.h"
#include "io/yaml_read.h"
#include "liqnet/error.h"
#include "liqnet/scenario.h"
#include "model/scenario_keys.h"

/* The most keys the top level has. */
#define LIQ_TOP_KEYS_MAX 24

/* The top level's keys: those of a scenario that lists its entities
 * (`with_network` false) or of one that takes them from a graph file. */
static void liq_top_keys(bool with_network, const char **names)
{
    size_t n = 0;
    const unsigned skip = with_network ? LIQ_KEY_SECTION : LIQ_KEY_WITH_NETWORK;
    for (size_t k = 0; k < liq_scenario_entity.n_keys && n + 1 < LIQ_TOP_KEYS_MAX; k++) {
        if ((liq_scenario_entity.keys[k].flags & skip) == 0) {
            names[n++] = liq_scenario_entity.keys[k].name;
        }
    }
    names[n] = NULL;
}

/* File name without directory and last extension: the default scenario name. */
static char *liq_stem(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base != NULL ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    const size_t len = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
    return len > 0 ? strndup(base, len) : strdup("scenario");
}

/* The gas price series of the chains whose model is `given`, read once the
 * chains are: messages about the settings begin at the chain's gas_price
 * mapping. */
static int liq_read_gas_paths(liq_reader_t *r, yaml_node_t *root)
{
    const yaml_node_t *list = liq_ymap_get(&r->doc, root, "chains");
    for (size_t i = 0; i < r->sc->n_chains; i++) {
        liq_chain_config_t *chain = &r->sc->chains[i];
        if (chain->gas_model != LIQ_GAS_GIVEN) {
            continue;
        }
        const yaml_node_t *item = liq_ydoc_node(&r->doc, list->data.sequence.items.start[i]);
        const yaml_node_t *at = liq_ymap_get(&r->doc, item, "gas_price");
        char where[512];
        snprintf(where, sizeof(where), "%s:%zu:%zu: chains[%zu].gas_price", r->doc.file,
                 (size_t)at->start_mark.line + 1, (size_t)at->start_mark.column + 1, i);
        if (chain->time_column == NULL) { /* the row's default */
            chain->time_column =
                strdup(liq_entity_key(&liq_gas_price_entity, "time_column")->sdflt);
            if (chain->time_column == NULL) {
                return liq_error_set(LIQ_ENOMEM, "%s: out of memory", where);
            }
        }
        const int rc = liq_gas_path_read(chain, where);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    return LIQ_OK;
}

/* Reads the top level, its sections in table order. */
static int liq_read_scenario(liq_reader_t *r)
{
    yaml_node_t *root = liq_ydoc_root(&r->doc);
    if (root == NULL || liq_ynode_is_null(root)) {
        return liq_ydoc_error(&r->doc, LIQ_EINVAL, root,
                              "the document is empty; expected a mapping with at least the keys "
                              "rounds and assets");
    }
    /* A graph-based scenario's keys were checked before its lists were added. */
    int rc = LIQ_OK;
    if (!r->from_graph) {
        const char *names[LIQ_TOP_KEYS_MAX];
        liq_top_keys(false, names);
        rc = liq_ymap_check(&r->doc, root, names);
    }
    const liq_key_ctx_t ctx = {r->sc, NULL, NULL, 0, 0};
    for (size_t k = 0; k < liq_scenario_entity.n_keys && rc == LIQ_OK; k++) {
        const liq_key_t *key = &liq_scenario_entity.keys[k];
        if ((key->flags & LIQ_KEY_WITH_NETWORK) == 0) {
            rc = liq_read_row(r, root, &liq_scenario_entity, key, &ctx, r->sc);
        }
        if (rc == LIQ_OK && key->offset == offsetof(liq_scenario_t, chains) &&
            key->type == LIQ_KEY_LIST) {
            rc = liq_read_gas_paths(r, root);
        }
    }
    return rc;
}

int liq_scenario_parse(liq_scenario_t **out, const char *text, size_t len, const char *name,
                       const char *base_dir)
{
    return liq_scenario_parse_with(out, text, len, name, base_dir, NULL, 0);
}

/* Overrides of the keys that say where the network comes from (the top
 * level's LIQ_KEY_WITH_NETWORK rows) are applied before the graph file is
 * read; all others after, so that they reach the graph's values by the
 * paths of the lists it became. */
static bool liq_override_before_graph(const liq_override_t *ov)
{
    const size_t len = strcspn(ov->path, ".[");
    for (size_t k = 0; k < liq_scenario_entity.n_keys; k++) {
        const liq_key_t *key = &liq_scenario_entity.keys[k];
        if ((key->flags & LIQ_KEY_WITH_NETWORK) != 0 && strlen(key->name) == len &&
            strncmp(ov->path, key->name, len) == 0) {
            return true;
        }
    }
    return false;
}

/* Applies the overrides of one side of liq_override_before_graph, in order. */
static int liq_apply_overrides(liq_reader_t *r, const liq_override_t *overrides, size_t n,
                               bool before)
{
    int rc = LIQ_OK;
    for (size_t i = 0; i < n && rc == LIQ_OK; i++) {
        if (liq_override_before_graph(&overrides[i]) == before) {
            rc = liq_ydoc_apply_overrides(&r->doc, &overrides[i], 1);
        }
    }
    return rc;
}

/* ---------------------------------------------------------------- presets */

/* Protocol presets for the design generations of MODEL.md s5 (the table
 * liq_presets): a preset fills the keys a protocol leaves out (docs/
 * scenario.md lists them and their sources); a key the protocol sets wins.
 * Paths are below the protocol; "markets[*]." applies to each of its
 * markets. */

/* Whether the dotted path `path` (keys only) exists below mapping `map`. */
static bool liq_has_path(liq_ydoc_t *d, const yaml_node_t *map, const char *path)
{
    char key[64];
    while (map != NULL && map->type == YAML_MAPPING_NODE) {
        const size_t len = strcspn(path, ".");
        if (len >= sizeof(key)) {
            return false;
        }
        memcpy(key, path, len);
        key[len] = '\0';
        const yaml_node_t *next = liq_ymap_get(d, map, key);
        if (next == NULL || path[len] == '\0') {
            return next != NULL;
        }
        map = next;
        path += len + 1;
    }
    return false;
}

/* Appends one override (path copied) to the growing list. */
static int liq_push_override(liq_reader_t *r, liq_override_t **ov, char ***paths, size_t *count,
                             size_t *cap, const char *path, const char *value)
{
    if (*count == *cap) {
        const size_t grown = *cap > 0 ? 2 * *cap : 16;
        liq_override_t *o = realloc(*ov, grown * sizeof(**ov));
        if (o == NULL) {
            return liq_read_nomem(r);
        }
        *ov = o;
        char **p = realloc(*paths, grown * sizeof(**paths));
        if (p == NULL) {
            return liq_read_nomem(r);
        }
        *paths = p;
        *cap = grown;
    }
    (*paths)[*count] = strdup(path);
    if ((*paths)[*count] == NULL) {
        return liq_read_nomem(r);
    }
    (*ov)[*count] = (liq_override_t){(*paths)[*count], value, 0, 0, NULL};
    (*count)++;
    return LIQ_OK;
}

/* Expands every protocol's `preset` into the keys it leaves out, as
 * overrides of the document, before the protocols are read. */
static int liq_apply_presets(liq_reader_t *r)
{
    const liq_key_t *preset = liq_entity_key(&liq_protocol_entity, "preset");
    const liq_key_t *protocols = liq_entity_key(&liq_scenario_entity, "protocols");
    yaml_node_t *root = liq_ydoc_root(&r->doc);
    yaml_node_t *list = root != NULL && root->type == YAML_MAPPING_NODE
                            ? liq_ymap_get(&r->doc, root, protocols->name)
                            : NULL;
    if (list == NULL || list->type != YAML_SEQUENCE_NODE) {
        return LIQ_OK; /* the reader reports what is wrong there */
    }
    const size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    /* The overrides are collected first and applied after: applying one
     * adds nodes, which may move every node of the document. */
    size_t cap = 0, count = 0;
    liq_override_t *ov = NULL;
    char **paths = NULL;
    int rc = LIQ_OK;
    for (size_t i = 0; rc == LIQ_OK && i < n; i++) {
        const yaml_node_t *p = liq_ydoc_node(&r->doc, list->data.sequence.items.start[i]);
        if (p->type != YAML_MAPPING_NODE || liq_ymap_get(&r->doc, p, preset->name) == NULL) {
            continue;
        }
        int which = 0;
        const size_t saved = liq_ypath_push_key(&r->doc, protocols->name);
        liq_ypath_push_index(&r->doc, i);
        rc =
            liq_yget_enum(&r->doc, p, preset->name, preset->choices, preset->what, true, 0, &which);
        liq_ypath_pop(&r->doc, saved);
        const yaml_node_t *markets = liq_ymap_get(&r->doc, p, "markets");
        const size_t n_markets =
            markets != NULL && markets->type == YAML_SEQUENCE_NODE
                ? (size_t)(markets->data.sequence.items.top - markets->data.sequence.items.start)
                : 0;
        for (const liq_preset_key_t *k = liq_presets[which].keys; rc == LIQ_OK && k->path != NULL;
             k++) {
            const int per_market = strncmp(k->path, "markets[*].", 11) == 0;
            const size_t reps = per_market ? n_markets : 1;
            for (size_t m = 0; rc == LIQ_OK && m < reps; m++) {
                const yaml_node_t *at =
                    per_market ? liq_ydoc_node(&r->doc, markets->data.sequence.items.start[m]) : p;
                if (liq_has_path(&r->doc, at, per_market ? k->path + 11 : k->path)) {
                    continue;
                }
                char path[160];
                if (per_market) {
                    snprintf(path, sizeof(path), "protocols[%zu].markets[%zu].%s", i, m,
                             k->path + 11);
                } else {
                    snprintf(path, sizeof(path), "protocols[%zu].%s", i, k->path);
                }
                rc = liq_push_override(r, &ov, &paths, &count, &cap, path, k->value);
            }
        }
    }
    if (rc == LIQ_OK && count > 0) {
        rc = liq_ydoc_apply_overrides(&r->doc, ov, count);
    }
    for (size_t k = 0; k < count; k++) {
        free(paths[k]);
    }
    free(paths);
    free(ov);
    return rc;
}

int liq_scenario_parse_with(liq_scenario_t **out, const char *text, size_t len, const char *name,
                            const char *base_dir, const liq_override_t *overrides, size_t n)
{
    *out = NULL;
    const char *file = name != NULL ? name : "<string>";
    liq_reader_t r = {.base_dir = base_dir};
    int rc = liq_ydoc_load(&r.doc, text, len, file);
    if (rc == LIQ_OK) {
        rc = liq_apply_overrides(&r, overrides, n, true);
    }
    if (rc == LIQ_OK) {
        const char *top_keys[LIQ_TOP_KEYS_MAX];
        liq_top_keys(true, top_keys);
        rc = liq_scenario_graph_inject(&r.doc, top_keys, base_dir, &r.from_graph);
    }
    if (rc == LIQ_OK) {
        rc = liq_apply_overrides(&r, overrides, n, false);
    }
    if (rc == LIQ_OK) {
        rc = liq_apply_presets(&r);
    }
    if (rc == LIQ_OK) {
        r.sc = calloc(1, sizeof(*r.sc));
        if (r.sc == NULL) {
            rc = liq_read_nomem(&r);
        }
    }
    if (rc == LIQ_OK) {
        /* The name defaults to the file's stem (a LIQ_KEY_KEEP row). */
        r.sc->name = liq_stem(name != NULL ? name : "scenario");
        r.sc->source_path = name != NULL ? strdup(name) : NULL;
        if (r.sc->name == NULL || (name != NULL && r.sc->source_path == NULL)) {
            rc = liq_read_nomem(&r);
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_read_scenario(&r);
    }
    for (size_t k = 0; k < sizeof(r.names) / sizeof(r.names[0]); k++) {
        free(r.names[k].slot);
    }
    liq_ydoc_destroy(&r.doc);
    if (rc != LIQ_OK) {
        liq_scenario_destroy(r.sc);
        return rc;
    }
    *out = r.sc;
    return LIQ_OK;
}

int liq_scenario_load(liq_scenario_t **out, const char *path)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    int err = 0;
    int rc = liq_text_file_read(path, &text, &len, &err);
    if (rc == LIQ_ENOMEM) {
        return liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the file", path);
    }
    if (rc != LIQ_OK) {
        return liq_error_set(LIQ_EIO, "%s: cannot read: %s", path, strerror(err));
    }
    /* Relative paths inside the file are relative to the file's directory. */
    char *base_dir = NULL;
    const char *slash = strrchr(path, '/');
    if (slash != NULL) {
        base_dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
        if (base_dir == NULL) {
            free(text);
            return liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the file", path);
        }
    }
    rc = liq_scenario_parse(out, text, len, path, base_dir);
    free(base_dir);
    free(text);
    return rc;
}
