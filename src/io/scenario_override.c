/*
 * Scenario overrides: set one value of the YAML tree by its path, before the
 * scenario is read. Sweeps use this to vary any parameter of a base scenario
 * (docs/sweeps.md); the reader then validates the edited tree as usual.
 *
 * The document is small (hundreds of nodes) and an override is applied once
 * per run of a sweep, so lookups are linear scans. libyaml keeps nodes in
 * one growing array, so adding a node may move every node: the walk below
 * holds node indices, never pointers, across additions.
 */
#define _POSIX_C_SOURCE 200809L

#include "io/scenario_override.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/error.h"

/* Longest path segment (key or selector) accepted. */
#define LIQ_OV_SEGMENT_MAX 128
/* Names listed in a message at most, in bytes. */
#define LIQ_OV_LIST_MAX 200

static int liq_ov_error(const liq_ydoc_t *d, const liq_override_t *ov, int code, const char *fmt,
                        ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* "ORIGIN: PATH: what" (ORIGIN defaults to the scenario's name). */
static int liq_ov_error(const liq_ydoc_t *d, const liq_override_t *ov, int code, const char *fmt,
                        ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return liq_error_set(code, "%s: %s: %s", ov->origin != NULL ? ov->origin : d->file, ov->path,
                         what);
}

static yaml_node_t *liq_ov_node(liq_ydoc_t *d, int index)
{
    return yaml_document_get_node(&d->doc, index);
}

/* The scalar value of `key` in mapping `map`, or NULL. */
static const char *liq_ov_scalar_of(liq_ydoc_t *d, int map, const char *key)
{
    yaml_node_t *node = liq_ymap_get(d, liq_ov_node(d, map), key);
    return node != NULL && node->type == YAML_SCALAR_NODE ? liq_yscalar(node) : NULL;
}

/* The name an item answers to: its `name`, or for items without one (the
 * markets of a protocol) its `asset`. NULL if neither. */
static const char *liq_ov_item_name(liq_ydoc_t *d, int item)
{
    if (liq_ov_node(d, item)->type != YAML_MAPPING_NODE) {
        return NULL;
    }
    const char *name = liq_ov_scalar_of(d, item, "name");
    return name != NULL ? name : liq_ov_scalar_of(d, item, "asset");
}

/* "WETH, USDC" of the items of a list, cut with "..." when long. */
static void liq_ov_item_names(liq_ydoc_t *d, int seq, char *buf, size_t size)
{
    const yaml_node_t *node = liq_ov_node(d, seq);
    const size_t n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const int item = liq_ov_node(d, seq)->data.sequence.items.start[i];
        const char *name = liq_ov_item_name(d, item);
        char index[32];
        if (name == NULL) {
            snprintf(index, sizeof(index), "[%zu]", i);
            name = index;
        }
        if (used + strlen(name) + 6 >= size) {
            snprintf(buf + used, size - used, "%s...", i == 0 ? "" : ", ");
            return;
        }
        const int k = snprintf(buf + used, size - used, "%s%s", i == 0 ? "" : ", ", name);
        used += k > 0 ? (size_t)k : 0;
    }
    if (n == 0) {
        snprintf(buf, size, "(none)");
    }
}

/* "name, price, market_depth": the keys of a mapping, for messages. */
static void liq_ov_keys(liq_ydoc_t *d, int map, char *buf, size_t size)
{
    const yaml_node_t *node = liq_ov_node(d, map);
    size_t used = 0;
    buf[0] = '\0';
    for (const yaml_node_pair_t *p = node->data.mapping.pairs.start;
         p < node->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = liq_ov_node(d, p->key);
        const char *key = k->type == YAML_SCALAR_NODE ? liq_yscalar(k) : "?";
        if (used + strlen(key) + 6 >= size) {
            snprintf(buf + used, size - used, "%s...", used == 0 ? "" : ", ");
            return;
        }
        const int n = snprintf(buf + used, size - used, "%s%s", used == 0 ? "" : ", ", key);
        used += n > 0 ? (size_t)n : 0;
    }
}

/* Where a value sits: a pair of a mapping or an item of a list. */
typedef struct {
    int parent;   /* node index of the mapping or list; 0 for the root */
    size_t slot;  /* pair or item position */
    bool is_pair; /* parent is a mapping */
    int node;     /* node index of the value now there */
} liq_ov_place_t;

static void liq_ov_place_set(liq_ydoc_t *d, const liq_ov_place_t *place, int node)
{
    yaml_node_t *parent = liq_ov_node(d, place->parent);
    if (place->is_pair) {
        parent->data.mapping.pairs.start[place->slot].value = node;
    } else {
        parent->data.sequence.items.start[place->slot] = node;
    }
}

static int liq_ov_add_scalar(liq_ydoc_t *d, const liq_override_t *ov, const char *text, bool quoted,
                             yaml_mark_t mark, int *out)
{
    *out = yaml_document_add_scalar(&d->doc, NULL, (yaml_char_t *)text, (int)strlen(text),
                                    quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
                                           : YAML_PLAIN_SCALAR_STYLE);
    if (*out == 0) {
        return liq_ov_error(d, ov, LIQ_ENOMEM, "out of memory while applying the override");
    }
    /* Messages about this value point where the value it replaces stood. */
    liq_ov_node(d, *out)->start_mark = mark;
    liq_ov_node(d, *out)->end_mark = mark;
    return LIQ_OK;
}

/* Adds `key: <new node>` to mapping `map`; *place is where the value is. */
static int liq_ov_add_pair(liq_ydoc_t *d, const liq_override_t *ov, int map, const char *key,
                           int value, liq_ov_place_t *place)
{
    const yaml_mark_t mark = liq_ov_node(d, map)->start_mark;
    int key_node = 0;
    int rc = liq_ov_add_scalar(d, ov, key, false, mark, &key_node);
    if (rc != LIQ_OK) {
        return rc;
    }
    if (!yaml_document_append_mapping_pair(&d->doc, map, key_node, value)) {
        return liq_ov_error(d, ov, LIQ_ENOMEM, "out of memory while applying the override");
    }
    const yaml_node_t *m = liq_ov_node(d, map);
    place->parent = map;
    place->slot = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start) - 1;
    place->is_pair = true;
    place->node = value;
    return LIQ_OK;
}

/* Shortest "%.*g" text that reads back as v. */
static void liq_ov_format_double(char *buf, size_t size, double v)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) {
            return;
        }
    }
}

/* Puts the override's value at `place` (an existing value, or a new key). */
static int liq_ov_set(liq_ydoc_t *d, const liq_override_t *ov, const liq_ov_place_t *place,
                      bool exists)
{
    char text[64];
    const char *value = ov->value;
    yaml_mark_t mark = liq_ov_node(d, place->parent)->start_mark;
    if (exists) {
        const yaml_node_t *old = liq_ov_node(d, place->node);
        mark = old->start_mark;
        if (old->type != YAML_SCALAR_NODE) {
            return liq_ov_error(d, ov, LIQ_EINVAL,
                                "the base scenario has %s there; expected "
                                "the path of a single value",
                                liq_ynode_kind(old));
        }
    }
    if (ov->scale) {
        double factor = 0.0, base = 0.0;
        bool is_nan = false;
        if (!liq_yparse_double(ov->value, &factor, &is_nan)) {
            return liq_ov_error(d, ov, LIQ_EINVAL, "scale factor '%s' is not a number", ov->value);
        }
        if (!exists) {
            return liq_ov_error(d, ov, LIQ_EKEY,
                                "no value in the base scenario to scale; expected the key to be "
                                "set in the base scenario");
        }
        const yaml_node_t *old = liq_ov_node(d, place->node);
        if (old->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
            !liq_yparse_double(liq_yscalar(old), &base, &is_nan)) {
            return liq_ov_error(d, ov, LIQ_EINVAL,
                                "the base value '%.48s' is not a number; expected a number to "
                                "scale",
                                liq_yscalar(old));
        }
        liq_ov_format_double(text, sizeof(text), base * factor);
        value = text;
    }
    int node = 0;
    int rc = liq_ov_add_scalar(d, ov, value, ov->quoted && !ov->scale, mark, &node);
    if (rc == LIQ_OK) {
        liq_ov_place_set(d, place, node);
    }
    return rc;
}

/* Reads one key (up to '.', '[' or the end) or one selector (inside [...])
 * starting at path[*pos]; advances *pos past it. */
static int liq_ov_segment(liq_ydoc_t *d, const liq_override_t *ov, size_t *pos, bool selector,
                          char *out)
{
    const char *p = ov->path + *pos;
    size_t len = 0;
    if (selector) {
        const char *close = strchr(p, ']');
        if (close == NULL) {
            return liq_ov_error(d, ov, LIQ_EINVAL, "'[' without ']'; expected [INDEX] or [NAME]");
        }
        len = (size_t)(close - p);
        *pos += len + 1;
    } else {
        len = strcspn(p, ".[]");
        *pos += len;
    }
    if (len == 0 || len >= LIQ_OV_SEGMENT_MAX) {
        return liq_ov_error(d, ov, LIQ_EINVAL,
                            "%s at byte %zu of the path; expected dotted keys with [INDEX] or "
                            "[NAME] selectors, such as pools[WETH-USDC].reserve0",
                            len == 0 ? "empty key or selector" : "key too long",
                            (size_t)(p - ov->path) + 1);
    }
    memcpy(out, p, len);
    out[len] = '\0';
    return LIQ_OK;
}

/* Descends into key `key` of the mapping at place->node (creating it, or
 * the mapping, when absent and more path follows). */
static int liq_ov_step_key(liq_ydoc_t *d, const liq_override_t *ov, liq_ov_place_t *place,
                           const char *key, size_t walked, bool last, bool *exists)
{
    const int here = place->node;
    const yaml_node_t *node = liq_ov_node(d, here);
    if (node->type == YAML_SCALAR_NODE && liq_ynode_is_null(node) && place->parent != 0) {
        /* "keepers:" with nothing after it: an empty mapping to fill. */
        const int map = yaml_document_add_mapping(&d->doc, NULL, YAML_BLOCK_MAPPING_STYLE);
        if (map == 0) {
            return liq_ov_error(d, ov, LIQ_ENOMEM, "out of memory while applying the override");
        }
        liq_ov_node(d, map)->start_mark = liq_ov_node(d, here)->start_mark;
        liq_ov_place_set(d, place, map);
        place->node = map;
        return liq_ov_step_key(d, ov, place, key, walked, last, exists);
    }
    if (node->type != YAML_MAPPING_NODE) {
        return liq_ov_error(
            d, ov, LIQ_EKEY, "%.*s is %s; expected %s", (int)walked, ov->path, liq_ynode_kind(node),
            node->type == YAML_SEQUENCE_NODE ? "[INDEX] or [NAME] after it" : "nothing after it");
    }
    const size_t n = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    for (size_t i = 0; i < n; i++) {
        const yaml_node_pair_t *pair = &liq_ov_node(d, here)->data.mapping.pairs.start[i];
        const yaml_node_t *k = liq_ov_node(d, pair->key);
        if (k->type == YAML_SCALAR_NODE && strcmp(liq_yscalar(k), key) == 0) {
            place->parent = here;
            place->slot = i;
            place->is_pair = true;
            place->node = pair->value;
            *exists = true;
            return LIQ_OK;
        }
    }
    *exists = false;
    if (last) {
        /* The value node is filled in by liq_ov_set. */
        int new_value = 0;
        int rc = liq_ov_add_scalar(d, ov, "", false, node->start_mark, &new_value);
        return rc == LIQ_OK ? liq_ov_add_pair(d, ov, here, key, new_value, place) : rc;
    }
    *exists = true; /* the mapping on the way is there now */
    const int map = yaml_document_add_mapping(&d->doc, NULL, YAML_BLOCK_MAPPING_STYLE);
    if (map == 0) {
        return liq_ov_error(d, ov, LIQ_ENOMEM, "out of memory while applying the override");
    }
    liq_ov_node(d, map)->start_mark = liq_ov_node(d, here)->start_mark;
    return liq_ov_add_pair(d, ov, here, key, map, place);
}

/* Descends into item [selector] of the list at place->node. */
static int liq_ov_step_item(liq_ydoc_t *d, const liq_override_t *ov, liq_ov_place_t *place,
                            const char *selector, size_t walked)
{
    const int here = place->node;
    const yaml_node_t *node = liq_ov_node(d, here);
    if (node->type != YAML_SEQUENCE_NODE) {
        char keys[LIQ_OV_LIST_MAX] = "";
        if (node->type == YAML_MAPPING_NODE) {
            liq_ov_keys(d, here, keys, sizeof(keys));
        }
        return liq_ov_error(d, ov, LIQ_EKEY, "%.*s is %s%s%s; expected a list before [%s]",
                            (int)walked, ov->path, liq_ynode_kind(node),
                            keys[0] != '\0' ? " with keys " : "", keys, selector);
    }
    const size_t n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    size_t found = n;
    if (selector[strspn(selector, "0123456789")] == '\0') {
        const unsigned long long index = strtoull(selector, NULL, 10);
        if (index >= n) {
            return liq_ov_error(d, ov, LIQ_EKEY, "index %s is out of range; %.*s has %zu items",
                                selector, (int)walked, ov->path, n);
        }
        found = (size_t)index;
    } else {
        size_t matches = 0;
        for (size_t i = 0; i < n; i++) {
            const char *name =
                liq_ov_item_name(d, liq_ov_node(d, here)->data.sequence.items.start[i]);
            if (name != NULL && strcmp(name, selector) == 0) {
                if (matches == 0) {
                    found = i;
                }
                matches++;
            }
        }
        if (matches != 1) {
            char names[LIQ_OV_LIST_MAX];
            liq_ov_item_names(d, here, names, sizeof(names));
            return liq_ov_error(d, ov, LIQ_EKEY, "%s item named '%s' in %.*s; items: %s%s",
                                matches == 0 ? "no" : "more than one", selector, (int)walked,
                                ov->path, names, matches == 0 ? "" : " (use an index)");
        }
    }
    place->parent = here;
    place->slot = found;
    place->is_pair = false;
    place->node = liq_ov_node(d, here)->data.sequence.items.start[found];
    return LIQ_OK;
}

static int liq_ov_apply(liq_ydoc_t *d, const liq_override_t *ov)
{
    if (ov->path == NULL || ov->value == NULL) {
        return liq_error_set(LIQ_EINVAL, "%s: an override needs a path and a value", d->file);
    }
    yaml_node_t *root = liq_ydoc_root(d);
    if (root == NULL) {
        return liq_ov_error(d, ov, LIQ_EINVAL, "the scenario is empty");
    }
    liq_ov_place_t place = {.parent = 0, .slot = 0, .is_pair = false, .node = 1};
    size_t pos = 0;
    bool exists = true;
    char segment[LIQ_OV_SEGMENT_MAX];
    const size_t len = strlen(ov->path);
    while (pos < len) {
        /* The path walked so far, for messages: "protocols[AaveLike]". */
        const size_t walked = pos;
        const bool selector = ov->path[pos] == '[';
        if (selector) {
            pos++;
        } else if (pos > 0) {
            if (ov->path[pos] != '.') {
                return liq_ov_error(d, ov, LIQ_EINVAL,
                                    "unexpected '%c' at byte %zu; expected '.' or '['",
                                    ov->path[pos], pos + 1);
            }
            pos++;
        }
        int rc = liq_ov_segment(d, ov, &pos, selector, segment);
        if (rc != LIQ_OK) {
            return rc;
        }
        if (selector) {
            rc = liq_ov_step_item(d, ov, &place, segment, walked);
        } else {
            rc = liq_ov_step_key(d, ov, &place, segment, walked, pos >= len, &exists);
        }
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    if (place.parent == 0) {
        return liq_ov_error(d, ov, LIQ_EINVAL, "empty path; expected the path of a value");
    }
    return liq_ov_set(d, ov, &place, exists);
}

int liq_ydoc_apply_overrides(liq_ydoc_t *d, const liq_override_t *overrides, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const int rc = liq_ov_apply(d, &overrides[i]);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    return LIQ_OK;
}
