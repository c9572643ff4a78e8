/*
 * The table-driven scenario reader (scenario_read.h): one mapping at a
 * time, by the rows of its entity's table (src/model/scenario_keys.h).
 *
 * The reader runs once per simulation, on files of a few hundred lines to
 * generated ecosystems of 10^5 protocols and 10^7 accounts (about 10^6
 * mappings); per mapping it scans its table two or three times (keys,
 * selecting keys, values), each row looked up by a linear scan of the
 * mapping's few pairs, as the hand-written reader did before it.
 */
#define _POSIX_C_SOURCE 200809L

#include "io/scenario_read.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "liqnet/error.h"
#include "model/scenario_facts.h"

/* Name lists in messages stop after this many bytes ("..." follows). */
#define LIQ_NAME_LIST_MAX 200

/* The most keys a table has (a protocol's, both kinds). */
#define LIQ_KEYS_MAX 32

/* -------------------------------------------------------------- helpers */

int liq_read_nomem(liq_reader_t *r)
{
    return liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the scenario", r->doc.file);
}

/* Zeroed array of n items, or NULL for n == 0 (calloc(0) may return NULL,
 * which must not be mistaken for a failure). */
int liq_read_alloc(liq_reader_t *r, void **out, size_t n, size_t size)
{
    *out = NULL;
    if (n == 0) {
        return LIQ_OK;
    }
    *out = calloc(n, size);
    return *out != NULL ? LIQ_OK : liq_read_nomem(r);
}

static int liq_read_dup(liq_reader_t *r, const char *text, char **out)
{
    *out = strdup(text);
    return *out != NULL ? LIQ_OK : liq_read_nomem(r);
}

int liq_read_problem(liq_reader_t *r, const yaml_node_t *map, const liq_key_problem_t *problem)
{
    const yaml_node_t *at = problem->key != NULL ? liq_ymap_get(&r->doc, map, problem->key) : NULL;
    if (at == NULL) {
        return liq_ydoc_error(&r->doc, problem->code, map, "%s", problem->what);
    }
    const size_t saved = liq_ypath_push_key(&r->doc, problem->key);
    const int rc = liq_ydoc_error(&r->doc, problem->code, at, "%s", problem->what);
    liq_ypath_pop(&r->doc, saved);
    return rc;
}

int liq_read_file_error(liq_reader_t *r, const yaml_node_t *map, const char *path, int err)
{
    const size_t saved = liq_ypath_push_key(&r->doc, "file");
    const int rc = liq_ydoc_error(&r->doc, LIQ_EIO, liq_ymap_get(&r->doc, map, "file"),
                                  "cannot read '%s': %s", path, strerror(err));
    liq_ypath_pop(&r->doc, saved);
    return rc;
}

int liq_read_push_shock(liq_reader_t *r, liq_shock_t **out)
{
    liq_scenario_t *sc = r->sc;
    if (sc->n_shocks == r->shock_capacity) {
        const size_t capacity = r->shock_capacity > 0 ? 2 * r->shock_capacity : 8;
        liq_shock_t *grown = realloc(sc->shocks, capacity * sizeof(*grown));
        if (grown == NULL) {
            return liq_read_nomem(r);
        }
        sc->shocks = grown;
        r->shock_capacity = capacity;
    }
    *out = &sc->shocks[sc->n_shocks++];
    memset(*out, 0, sizeof(**out));
    (*out)->asset = -1;
    return LIQ_OK;
}

/* Joins a scenario-relative path onto the scenario's directory and makes it
 * absolute, so that the resolved (dumped) scenario reads the same files from
 * any working directory. */
char *liq_scenario_resolve_path(const char *base_dir, const char *path)
{
    if (path[0] == '/') {
        return strdup(path);
    }
    while (path[0] == '.' && path[1] == '/') {
        path += 2;
    }
    char cwd[4096];
    const bool base_absolute = base_dir != NULL && base_dir[0] == '/';
    const bool have_cwd = !base_absolute && getcwd(cwd, sizeof(cwd)) != NULL;
    const char *parts[3] = {have_cwd ? cwd : NULL, base_dir, path};
    size_t len = 1;
    for (size_t i = 0; i < 3; i++) {
        len += parts[i] != NULL ? strlen(parts[i]) + 1 : 0;
    }
    char *out = malloc(len);
    if (out == NULL) {
        return NULL;
    }
    size_t used = 0;
    for (size_t i = 0; i < 3; i++) {
        if (parts[i] == NULL || parts[i][0] == '\0' || strcmp(parts[i], ".") == 0) {
            continue;
        }
        if (used > 0 && out[used - 1] != '/') {
            out[used++] = '/';
        }
        const size_t n = strlen(parts[i]);
        memcpy(out + used, parts[i], n);
        used += n;
    }
    out[used] = '\0';
    return out;
}

/* ---------------------------------------------------------- name index */

/* The array of the entities of a kind and its stride. */
static const void *liq_names_base(const liq_scenario_t *sc, liq_ref_kind_t kind, size_t *stride,
                                  size_t *n)
{
    switch (kind) {
    case LIQ_REF_ASSET:
        *stride = sizeof(*sc->assets);
        *n = sc->n_assets;
        return sc->assets;
    case LIQ_REF_POOL:
        *stride = sizeof(*sc->pools);
        *n = sc->n_pools;
        return sc->pools;
    case LIQ_REF_ORACLE:
        *stride = sizeof(*sc->oracles);
        *n = sc->n_oracles;
        return sc->oracles;
    case LIQ_REF_CHAIN:
        *stride = sizeof(*sc->chains);
        *n = sc->n_chains;
        return sc->chains;
    case LIQ_REF_BRIDGE:
        *stride = sizeof(*sc->bridges);
        *n = sc->n_bridges;
        return sc->bridges;
    default:
        *stride = sizeof(*sc->protocols);
        *n = sc->n_protocols;
        return sc->protocols;
    }
}

static const char *liq_name_at(const liq_scenario_t *sc, liq_ref_kind_t kind, size_t i)
{
    size_t stride = 0, n = 0;
    const char *base = liq_names_base(sc, kind, &stride, &n);
    return *(char *const *)(const void *)(base + i * stride);
}

/* FNV-1a, 64 bits. */
static uint64_t liq_name_hash(const char *name)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *c = (const unsigned char *)name; *c != '\0'; c++) {
        h = (h ^ *c) * 1099511628211ULL;
    }
    return h;
}

/* The slot holding `name`, or the empty slot where it would go. */
static size_t liq_names_probe(const liq_reader_t *r, liq_ref_kind_t kind, const char *name)
{
    const liq_name_index_t *ix = &r->names[kind];
    const size_t mask = ix->capacity - 1;
    size_t s = (size_t)liq_name_hash(name) & mask;
    while (ix->slot[s] >= 0 && strcmp(liq_name_at(r->sc, kind, (size_t)ix->slot[s]), name) != 0) {
        s = (s + 1) & mask;
    }
    return s;
}

/* Entity index of `name` among the indexed ones, or -1. */
static int32_t liq_names_find(const liq_reader_t *r, liq_ref_kind_t kind, const char *name)
{
    if (r->names[kind].count == 0 || name == NULL) {
        return -1;
    }
    return r->names[kind].slot[liq_names_probe(r, kind, name)];
}

/* Adds entity i (its name already stored in the array, not yet indexed). */
static int liq_names_add(liq_reader_t *r, liq_ref_kind_t kind, size_t i)
{
    liq_name_index_t *ix = &r->names[kind];
    if (2 * (ix->count + 1) > ix->capacity) {
        const size_t capacity = ix->capacity > 0 ? 2 * ix->capacity : 64;
        int32_t *slot = malloc(capacity * sizeof(*slot));
        if (slot == NULL) {
            return liq_read_nomem(r);
        }
        for (size_t s = 0; s < capacity; s++) {
            slot[s] = -1;
        }
        int32_t *old = ix->slot;
        const size_t old_capacity = ix->capacity;
        ix->slot = slot;
        ix->capacity = capacity;
        for (size_t s = 0; s < old_capacity; s++) {
            if (old[s] >= 0) {
                ix->slot[liq_names_probe(r, kind, liq_name_at(r->sc, kind, (size_t)old[s]))] =
                    old[s];
            }
        }
        free(old);
    }
    ix->slot[liq_names_probe(r, kind, liq_name_at(r->sc, kind, i))] = (int32_t)i;
    ix->count++;
    return LIQ_OK;
}

/* ------------------------------------------------------------- values */

/* Refuses a key given where it does not apply. */
static int liq_read_forbidden(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                              const liq_key_forbid_t *why)
{
    const yaml_node_t *node = liq_ymap_get(&r->doc, map, key->name);
    if (node == NULL) {
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(&r->doc, key->name);
    const int rc = why->message != NULL
                       ? liq_ydoc_error(&r->doc, why->code, node, "%s", why->message)
                       : liq_ydoc_error(&r->doc, LIQ_EKEY, node, "not allowed for %s; expected %s",
                                        why->variant, why->instead);
    liq_ypath_pop(&r->doc, saved);
    return rc;
}

/* Stores a row's default: the value of a key absent or not allowed. */
static void liq_read_default(const liq_key_t *key, void *obj)
{
    if ((key->flags & LIQ_KEY_NO_FIELD) != 0) {
        return;
    }
    void *field = liq_key_field(key, obj);
    switch (key->type) {
    case LIQ_KEY_NUMBER:
        *(double *)field = key->dflt;
        break;
    case LIQ_KEY_INTEGER:
    case LIQ_KEY_DURATION:
        *(int64_t *)field = key->idflt;
        break;
    case LIQ_KEY_ENUM:
    case LIQ_KEY_FLAG:
    case LIQ_KEY_REF:
        *(int *)field = (int)key->idflt;
        break;
    default:
        break;
    }
}

/* Whether the key's value is the plain word `unlimited`. */
static bool liq_read_unlimited(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key)
{
    const yaml_node_t *v = liq_ymap_get(&r->doc, map, key->name);
    return (key->flags & LIQ_KEY_UNLIMITED) != 0 && v != NULL && v->type == YAML_SCALAR_NODE &&
           strcmp(liq_yscalar(v), "unlimited") == 0;
}

/* Reads a NAME: unused among the first ctx->index entities of its kind. */
static int liq_read_name(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                         const liq_key_ctx_t *ctx, char **out)
{
    const char *name = NULL;
    int rc = liq_yget_string(&r->doc, map, key->name, true, NULL, &name);
    if (rc != LIQ_OK) {
        return rc;
    }
    const char *plural = liq_ref_plural(key->ref);
    if (r->names[key->ref].count != ctx->index) {
        return liq_error_set(LIQ_EINVAL, "scenario reader: names of %s read out of order", plural);
    }
    const int32_t earlier = liq_names_find(r, key->ref, name);
    if (earlier >= 0) {
        const size_t saved = liq_ypath_push_key(&r->doc, key->name);
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, key->name),
                            "duplicate name '%s', already used by %s[%d]; expected names unique "
                            "among %s",
                            name, plural, (int)earlier, plural);
        liq_ypath_pop(&r->doc, saved);
        return rc;
    }
    rc = liq_read_dup(r, name, out);
    return rc == LIQ_OK ? liq_names_add(r, key->ref, ctx->index) : rc;
}

/* The protocol whose markets a MARKET reference names: the value of the
 * entity's reference to a protocol, read before it (a selecting key). */
static const liq_protocol_config_t *
liq_read_ref_protocol(const liq_reader_t *r, const liq_entity_t *entity, const void *obj)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        const liq_key_t *key = &entity->keys[k];
        if (key->type == LIQ_KEY_REF && key->ref == LIQ_REF_PROTOCOL) {
            return &r->sc->protocols[*(const int32_t *)liq_key_cfield(key, obj)];
        }
    }
    return NULL;
}

/* Resolves a REF: LIQ_EREF lists the entities that exist. */
static int liq_read_ref(liq_reader_t *r, const yaml_node_t *map, const liq_entity_t *entity,
                        const liq_key_t *key, bool required, void *obj)
{
    const char *name = NULL;
    int32_t *out = liq_key_field(key, obj);
    int rc = liq_yget_string(&r->doc, map, key->name, required, NULL, &name);
    if (rc != LIQ_OK) {
        return rc;
    }
    if (name == NULL) {
        *out = (int32_t)key->idflt;
        return LIQ_OK;
    }
    liq_key_problem_t problem = {LIQ_OK, key->name, ""};
    if (key->ref == LIQ_REF_MARKET) {
        rc = liq_key_find_market(r->sc, liq_read_ref_protocol(r, entity, obj), name, out, &problem);
    } else {
        size_t stride = 0, n = 0;
        const void *base = liq_names_base(r->sc, key->ref, &stride, &n);
        /* References are resolved against complete sections, read in
         * dependency order, whose names are all indexed. */
        *out = r->names[key->ref].count == n ? liq_names_find(r, key->ref, name) : -1;
        if (*out >= 0) {
            return LIQ_OK;
        }
        char list[LIQ_NAME_LIST_MAX];
        liq_scenario_names(list, sizeof(list), base, stride, n);
        snprintf(problem.what, sizeof(problem.what), "no %s named '%s'; defined %s: %s",
                 liq_ref_singular(key->ref), name, liq_ref_plural(key->ref), list);
        rc = LIQ_EREF;
    }
    problem.code = rc;
    problem.key = key->name;
    return rc == LIQ_OK ? LIQ_OK : liq_read_problem(r, map, &problem);
}

static int liq_read_number(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                           bool required, void *obj)
{
    double *out = liq_key_field(key, obj);
    if (liq_read_unlimited(r, map, key)) {
        *out = (double)INFINITY;
        return LIQ_OK;
    }
    const liq_yrange_t range = {key->lo,      key->hi,        key->lo_open,
                                key->hi_open, key->allow_inf, key->expected};
    return liq_yget_double(&r->doc, map, key->name, &range, required, key->dflt, out);
}

static int liq_read_integer(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                            bool required, void *obj)
{
    int64_t *out = liq_key_field(key, obj);
    if (liq_read_unlimited(r, map, key)) {
        *out = INT64_MAX;
        return LIQ_OK;
    }
    int64_t hi = key->ihi;
    const char *expected = key->expected;
    char text[96];
    if ((key->flags & LIQ_KEY_ROUND) != 0) {
        hi = r->sc->rounds;
        const char *at = strstr(expected, "%lld");
        if (at != NULL) {
            /* The wording names the rounds: "an integer in [1, %lld] (rounds)". */
            snprintf(text, sizeof(text), "%.*s%lld%s", (int)(at - expected), expected,
                     (long long)r->sc->rounds, at + 4);
            expected = text;
        }
    }
    return liq_yget_int(&r->doc, map, key->name, key->ilo, hi, expected, required, key->idflt, out);
}

static int liq_read_enum(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                         bool required, void *obj)
{
    static const char *const flags[] = {"false", "true", NULL};
    const bool flag = key->type == LIQ_KEY_FLAG;
    int value = 0;
    const int rc = liq_yget_enum(&r->doc, map, key->name, flag ? flags : key->choices,
                                 flag ? "flag" : key->what, required, (int)key->idflt, &value);
    if (rc == LIQ_OK && (key->flags & LIQ_KEY_NO_FIELD) == 0) {
        *(int *)liq_key_field(key, obj) = value;
    }
    return rc;
}

/* STRING and FILE: an owned copy (a file's path resolved). */
static int liq_read_text(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                         bool required, void *obj)
{
    const char *text = NULL;
    char **out = liq_key_field(key, obj);
    int rc = liq_yget_string(&r->doc, map, key->name, required, NULL, &text);
    if (rc != LIQ_OK || text == NULL) {
        return rc;
    }
    char *copy =
        key->type == LIQ_KEY_FILE ? liq_scenario_resolve_path(r->base_dir, text) : strdup(text);
    if (copy == NULL) {
        return liq_read_nomem(r);
    }
    free(*out);
    *out = copy;
    return LIQ_OK;
}

/* The defaults of a mapping that is not given: its optional rows. */
static void liq_read_map_defaults(const liq_entity_t *entity, const liq_key_ctx_t *ctx, void *obj)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        const liq_key_t *key = &entity->keys[k];
        if (liq_key_applies(key, ctx, obj, NULL) == LIQ_NEED_OPTIONAL) {
            liq_read_default(key, obj);
        }
    }
}

static int liq_read_map(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                        bool required, const liq_key_ctx_t *ctx, void *obj)
{
    yaml_node_t *node = liq_ymap_get(&r->doc, map, key->name);
    void *inner = liq_key_field(key, obj);
    const liq_key_ctx_t sub = {ctx->sc, obj, ctx->parent, ctx->index, ctx->count};
    if (node == NULL) {
        if (required) {
            return liq_ydoc_error(&r->doc, LIQ_EKEY, map, "missing key '%s'", key->name);
        }
        if (key->present_offset == 0) {
            liq_read_map_defaults(key->entity, &sub, inner);
        }
        return LIQ_OK;
    }
    if (key->present_offset != 0) {
        *(int *)((char *)obj + key->present_offset) = 1;
    }
    const size_t saved = liq_ypath_push_key(&r->doc, key->name);
    int rc = liq_read_entity(r, node, key->entity, &sub, inner);
    liq_key_problem_t problem;
    if (rc == LIQ_OK && key->check != NULL && key->check(&sub, inner, &problem) != LIQ_OK) {
        rc = liq_read_problem(r, node, &problem);
    }
    liq_ypath_pop(&r->doc, saved);
    return rc;
}

static int liq_read_list(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                         bool required, const liq_key_ctx_t *ctx, void *obj)
{
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    const char *what = key->what != NULL ? key->what : key->name;
    int rc = liq_yget_seq(&r->doc, map, key->name, required, required, what, &items, &n);
    void **array = liq_key_field(key, obj);
    if (rc == LIQ_OK) {
        rc = liq_read_alloc(r, array, n, key->entity->size);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    *(size_t *)((char *)obj + key->count_offset) = n;
    for (size_t i = 0; rc == LIQ_OK && i < n; i++) {
        const size_t saved = liq_ypath_push_key(&r->doc, key->name);
        liq_ypath_push_index(&r->doc, i);
        const yaml_node_t *item = liq_ydoc_node(&r->doc, items[i]);
        void *slot = (char *)*array + i * key->entity->size;
        const liq_key_ctx_t sub = {ctx->sc, obj, ctx->parent, i, n};
        rc = liq_read_entity(r, item, key->entity, &sub, slot);
        liq_key_problem_t problem;
        if (rc == LIQ_OK && key->check != NULL && key->check(&sub, slot, &problem) != LIQ_OK) {
            rc = liq_read_problem(r, item, &problem);
        }
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

static int liq_read_custom(liq_reader_t *r, const yaml_node_t *map, const liq_key_t *key,
                           const liq_key_ctx_t *ctx, void *obj)
{
    switch (key->custom) {
    case LIQ_CUSTOM_ROUTE:
        return liq_read_route(r, map, key, ctx, obj);
    case LIQ_CUSTOM_WEIGHTS:
        return liq_read_weights(r, map, key, ctx, obj);
    case LIQ_CUSTOM_STEPS:
        return liq_read_steps(r, map, key, ctx, obj);
    case LIQ_CUSTOM_POSITIONS:
        return liq_read_perp_positions(r, map, key, ctx, obj);
    case LIQ_CUSTOM_ACCOUNTS:
        return liq_read_accounts(r, map, key, ctx, obj);
    case LIQ_CUSTOM_SHOCKS:
        return liq_read_shocks(r, map, key, ctx, obj);
    case LIQ_CUSTOM_SELL:
        return liq_read_sell(r, map, key, ctx, obj);
    default:
        /* Read with another row (routes with route) or before the
         * scenario (the graph keys). */
        return LIQ_OK;
    }
}

int liq_read_row(liq_reader_t *r, const yaml_node_t *map, const liq_entity_t *entity,
                 const liq_key_t *key, const liq_key_ctx_t *ctx, void *obj)
{
    liq_key_forbid_t why;
    const liq_key_need_t need = liq_key_applies(key, ctx, obj, &why);
    if (need == LIQ_NEED_HIDDEN) {
        return LIQ_OK;
    }
    if (need == LIQ_NEED_FORBIDDEN) {
        liq_read_default(key, obj);
        return liq_read_forbidden(r, map, key, &why);
    }
    const bool required = need == LIQ_NEED_REQUIRED;
    if (!required && (key->flags & LIQ_KEY_KEEP) != 0 &&
        liq_ymap_get(&r->doc, map, key->name) == NULL) {
        return LIQ_OK;
    }
    int rc = LIQ_OK;
    switch (key->type) {
    case LIQ_KEY_NUMBER:
        rc = liq_read_number(r, map, key, required, obj);
        break;
    case LIQ_KEY_INTEGER:
        rc = liq_read_integer(r, map, key, required, obj);
        break;
    case LIQ_KEY_DURATION:
        if ((key->flags & LIQ_KEY_SECONDS) != 0) {
            rc = liq_yget_seconds(&r->doc, map, key->name, key->ilo, required, key->idflt,
                                  liq_key_field(key, obj));
        } else {
            rc = liq_yget_duration(&r->doc, map, key->name, r->sc->round_seconds, key->ilo,
                                   required, key->idflt, liq_key_field(key, obj));
        }
        break;
    case LIQ_KEY_ENUM:
    case LIQ_KEY_FLAG:
        rc = liq_read_enum(r, map, key, required, obj);
        break;
    case LIQ_KEY_STRING:
    case LIQ_KEY_FILE:
        rc = liq_read_text(r, map, key, required, obj);
        break;
    case LIQ_KEY_NAME:
        rc = liq_read_name(r, map, key, ctx, liq_key_field(key, obj));
        break;
    case LIQ_KEY_REF:
        rc = liq_read_ref(r, map, entity, key, required, obj);
        break;
    case LIQ_KEY_MAP:
        return liq_read_map(r, map, key, required, ctx, obj);
    case LIQ_KEY_LIST:
        return liq_read_list(r, map, key, required, ctx, obj);
    case LIQ_KEY_CUSTOM:
        rc = liq_read_custom(r, map, key, ctx, obj);
        break;
    }
    liq_key_problem_t problem;
    if (rc == LIQ_OK && key->check != NULL && key->check(ctx, obj, &problem) != LIQ_OK) {
        rc = liq_read_problem(r, map, &problem);
    }
    return rc;
}

/* ----------------------------------------------------------- entities */

/* The names of the rows a mapping may have: every row (each name once:
 * rows of different variants may share a name, such as a protocol's
 * `markets`), or only those that apply as read so far. Returns how many. */
static size_t liq_read_allowed(const liq_entity_t *entity, const liq_key_ctx_t *ctx,
                               const void *obj, bool visible, const char **names)
{
    size_t n = 0;
    for (size_t k = 0; k < entity->n_keys && n < LIQ_KEYS_MAX; k++) {
        const liq_key_t *key = &entity->keys[k];
        if (visible && key->need != NULL &&
            liq_key_applies(key, ctx, obj, NULL) == LIQ_NEED_HIDDEN) {
            continue;
        }
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++) {
            seen = names[j][0] == key->name[0] && strcmp(names[j], key->name) == 0;
        }
        if (!seen) {
            names[n++] = key->name;
        }
    }
    names[n] = NULL;
    return n;
}

/* Whether which rows apply depends on the keys read (a row has a rule). */
static bool liq_read_has_variants(const liq_entity_t *entity)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        if (entity->keys[k].need != NULL) {
            return true;
        }
    }
    return false;
}

/* Reads the rows that `pass` selects: 0 the selecting ones, 1 the others,
 * 2 the late ones. */
static int liq_read_pass(liq_reader_t *r, const yaml_node_t *map, const liq_entity_t *entity,
                         const liq_key_ctx_t *ctx, void *obj, int pass)
{
    int rc = LIQ_OK;
    for (size_t k = 0; k < entity->n_keys && rc == LIQ_OK; k++) {
        const liq_key_t *key = &entity->keys[k];
        const int row_pass = (key->flags & LIQ_KEY_SELECTS) != 0 ? 0
                             : (key->flags & LIQ_KEY_LATE) != 0  ? 2
                                                                 : 1;
        if (row_pass == pass) {
            rc = liq_read_row(r, map, entity, key, ctx, obj);
        }
    }
    return rc;
}

/* Whether the selecting choices of `map` as written (a value that is not
 * one of a row's choices counts as absent) leave every selecting row at its
 * default; those written are stored in `obj`, to be read again. */
static bool liq_read_default_variant(liq_reader_t *r, const yaml_node_t *map,
                                     const liq_entity_t *entity, void *obj)
{
    bool is_default = true;
    for (size_t k = 0; k < entity->n_keys; k++) {
        const liq_key_t *key = &entity->keys[k];
        if (key->type != LIQ_KEY_ENUM || (key->flags & LIQ_KEY_SELECTS) == 0) {
            continue;
        }
        const yaml_node_t *node = liq_ymap_get(&r->doc, map, key->name);
        int value = (int)key->idflt;
        for (int c = 0; node != NULL && node->type == YAML_SCALAR_NODE && key->choices[c] != NULL;
             c++) {
            if (strcmp(liq_yscalar(node), key->choices[c]) == 0) {
                value = c;
            }
        }
        *(int *)liq_key_field(key, obj) = value;
        is_default = is_default && value == (int)key->idflt;
    }
    return is_default;
}

int liq_read_entity(liq_reader_t *r, const yaml_node_t *map, const liq_entity_t *entity,
                    const liq_key_ctx_t *ctx, void *obj)
{
    const char *names[LIQ_KEYS_MAX + 1];
    if (entity->init != NULL) {
        entity->init(ctx, obj);
    }
    size_t all = 0;
    int rc = LIQ_OK;
    bool checked = false;
    if (entity->check_all) {
        all = liq_read_allowed(entity, ctx, obj, false, names);
        rc = liq_ymap_check(&r->doc, map, names);
    } else if (entity->check_default_first && liq_read_default_variant(r, map, entity, obj)) {
        liq_read_allowed(entity, ctx, obj, true, names);
        rc = liq_ymap_check(&r->doc, map, names);
        checked = true;
    }
    if (rc == LIQ_OK) {
        rc = liq_read_pass(r, map, entity, ctx, obj, 0);
    }
    /* The keys of the variant the selecting keys chose, unless they are
     * all the keys already checked (a default variant read as it was
     * checked, or an entity without variants). */
    if (rc == LIQ_OK && !checked && (!entity->check_all || liq_read_has_variants(entity)) &&
        liq_read_allowed(entity, ctx, obj, true, names) != all) {
        rc = liq_ymap_check(&r->doc, map, names);
    }
    for (int pass = 1; pass <= 2 && rc == LIQ_OK; pass++) {
        rc = liq_read_pass(r, map, entity, ctx, obj, pass);
    }
    liq_key_problem_t problem;
    if (rc == LIQ_OK && entity->check != NULL && entity->check(ctx, obj, &problem) != LIQ_OK) {
        rc = liq_read_problem(r, map, &problem);
    }
    if (rc == LIQ_OK && entity->finish != NULL) {
        entity->finish(ctx, obj);
    }
    return rc;
}
