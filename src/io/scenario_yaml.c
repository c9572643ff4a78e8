/*
 * The scenario reader: YAML text in, a fully resolved liq_scenario_t out
 * (docs/scenario.md is the user's reference for the format).
 *
 * The reader runs once per simulation on a file of a few hundred lines, so it
 * optimises for messages, not speed: every value is checked where it is read
 * and every failure names file, line, column, key path, the value as written
 * and what was expected (yaml_doc.h). Sections are read in dependency order
 * (assets, pools, oracles, protocols, accounts, shocks), whatever their order
 * in the file, so a reference can always be resolved against a complete list
 * and "no pool named X; defined pools: ..." lists every candidate.
 *
 * A scenario may take its assets, pools, oracles and protocols from a graph
 * file instead (the key `network`): scenario_graph.c writes them into the
 * document as these four lists before anything here reads it, so the rest
 * of this file never knows where they came from.
 *
 * The scenario under construction is always destroyable: every array is
 * allocated zeroed and its count set before it is filled, so an error at any
 * point releases it with liq_scenario_destroy and leaks nothing.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "io/perp_positions.h"
#include "io/price_path.h"
#include "io/scenario_graph.h"
#include "io/scenario_override.h"
#include "io/text_file.h"
#include "io/yaml_doc.h"
#include "model/scenario_facts.h"
#include "liqnet/error.h"
#include "liqnet/scenario.h"

/* Defaults (docs/scenario.md); Aave v3 values for the close-factor rules. */
#define LIQ_DEFAULT_ROUND_SECONDS 12.0 /* one Ethereum block */
#define LIQ_DEFAULT_SEED 1
#define LIQ_DEFAULT_FLUSH_EVERY 100
#define LIQ_DEFAULT_FEE 0.003 /* Uniswap v2 */
#define LIQ_DEFAULT_CLOSE_FACTOR 0.5
#define LIQ_DEFAULT_FULL_CLOSE_HEALTH 0.95

/* Name lists in messages stop after this many bytes ("..." follows). */
#define LIQ_NAME_LIST_MAX 200

/* A hash index of the names of one kind of entity (the assets, pools,
 * oracles or protocols array being read): open addressing with linear
 * probing over entity indices, -1 for an empty slot, at most half full.
 * Generated ecosystems have 10^5 protocols and 10^6 references to them and
 * to their assets, pools and oracles; resolving each by a linear scan made
 * reading quadratic (a 10^4-protocol scenario: 1.19 s, 62% in strcmp). */
typedef struct {
    const void *base; /* the array whose names are indexed; NULL: unused */
    size_t stride;
    size_t count;    /* names inserted */
    size_t capacity; /* slots, a power of two */
    int32_t *slot;   /* [capacity] entity index or -1 */
} liq_name_index_t;

typedef struct {
    liq_ydoc_t doc;
    liq_scenario_t *sc;
    const char *base_dir; /* NULL: the working directory */
    bool from_graph;      /* the entity lists were written from a graph file */
    size_t shock_capacity;
    liq_name_index_t names[4]; /* assets, pools, oracles, protocols, in first use order */
} liq_reader_t;

/* ---------------------------------------------------------- name lookup */

static const char *liq_name_at(const void *base, size_t stride, size_t i)
{
    return *(char *const *)(const void *)((const char *)base + i * stride);
}

static int32_t liq_find_name(const void *base, size_t stride, size_t n, const char *name)
{
    if (name == NULL) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *candidate = liq_name_at(base, stride, i);
        if (candidate != NULL && strcmp(candidate, name) == 0) {
            return (int32_t)i;
        }
    }
    return -1;
}

/* -------------------------------------------------------------- helpers */

static int liq_nomem(liq_reader_t *r)
{
    return liq_error_set(LIQ_ENOMEM, "%s: out of memory while reading the scenario", r->doc.file);
}

/* Zeroed array of n items, or NULL for n == 0 (calloc(0) may return NULL,
 * which must not be mistaken for a failure). */
static int liq_alloc_array(liq_reader_t *r, void **out, size_t n, size_t size)
{
    *out = NULL;
    if (n == 0) {
        return LIQ_OK;
    }
    *out = calloc(n, size);
    return *out != NULL ? LIQ_OK : liq_nomem(r);
}

static int liq_dup(liq_reader_t *r, const char *text, char **out)
{
    *out = strdup(text);
    return *out != NULL ? LIQ_OK : liq_nomem(r);
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

/* The index of the names of `base`, claimed on first use; NULL if all four
 * are taken (a programming error: the reader indexes four arrays). */
static liq_name_index_t *liq_names_of(liq_reader_t *r, const void *base, size_t stride)
{
    const size_t n = sizeof(r->names) / sizeof(r->names[0]);
    for (size_t k = 0; k < n; k++) {
        if (r->names[k].base == base) {
            return &r->names[k];
        }
    }
    for (size_t k = 0; k < n; k++) {
        if (r->names[k].base == NULL) {
            r->names[k].base = base;
            r->names[k].stride = stride;
            return &r->names[k];
        }
    }
    return NULL;
}

/* The slot holding `name`, or the empty slot where it would go. */
static size_t liq_names_probe(const liq_name_index_t *ix, const char *name)
{
    const size_t mask = ix->capacity - 1;
    size_t s = (size_t)liq_name_hash(name) & mask;
    while (ix->slot[s] >= 0 &&
           strcmp(liq_name_at(ix->base, ix->stride, (size_t)ix->slot[s]), name) != 0) {
        s = (s + 1) & mask;
    }
    return s;
}

/* Entity index of `name` among the indexed ones, or -1. */
static int32_t liq_names_find(const liq_name_index_t *ix, const char *name)
{
    if (ix->count == 0 || name == NULL) {
        return -1;
    }
    return ix->slot[liq_names_probe(ix, name)];
}

/* Adds entity i (its name already stored in the array, not yet indexed). */
static int liq_names_add(liq_reader_t *r, liq_name_index_t *ix, size_t i)
{
    if (2 * (ix->count + 1) > ix->capacity) {
        const size_t capacity = ix->capacity > 0 ? 2 * ix->capacity : 64;
        int32_t *slot = malloc(capacity * sizeof(*slot));
        if (slot == NULL) {
            return liq_nomem(r);
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
                ix->slot[liq_names_probe(ix, liq_name_at(ix->base, ix->stride, (size_t)old[s]))] =
                    old[s];
            }
        }
        free(old);
    }
    ix->slot[liq_names_probe(ix, liq_name_at(ix->base, ix->stride, i))] = (int32_t)i;
    ix->count++;
    return LIQ_OK;
}

/* Reads `name` (required unless dflt), checks it is unused among the first n
 * entities of `base`, and stores a copy. */
static int liq_read_name(liq_reader_t *r, const yaml_node_t *map, const char *plural,
                         const void *base, size_t stride, size_t n, char **out)
{
    const char *name = NULL;
    int rc = liq_yget_string(&r->doc, map, "name", true, NULL, &name);
    if (rc != LIQ_OK) {
        return rc;
    }
    liq_name_index_t *ix = liq_names_of(r, base, stride);
    if (ix == NULL || ix->count != n) {
        return liq_error_set(LIQ_EINVAL, "scenario reader: names of %s read out of order", plural);
    }
    const int32_t earlier = liq_names_find(ix, name);
    if (earlier >= 0) {
        const size_t saved = liq_ypath_push_key(&r->doc, "name");
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "name"),
                            "duplicate name '%s', already used by %s[%d]; expected names unique "
                            "among %s",
                            name, plural, (int)earlier, plural);
        liq_ypath_pop(&r->doc, saved);
        return rc;
    }
    rc = liq_dup(r, name, out);
    return rc == LIQ_OK ? liq_names_add(r, ix, n) : rc;
}

/* Resolves the name under `key` among n entities; LIQ_EREF lists them. */
static int liq_read_ref(liq_reader_t *r, const yaml_node_t *map, const char *key,
                        const char *singular, const char *plural, const void *base, size_t stride,
                        size_t n, int32_t *out)
{
    const char *name = NULL;
    int rc = liq_yget_string(&r->doc, map, key, true, NULL, &name);
    if (rc != LIQ_OK) {
        return rc;
    }
    /* References are resolved against complete sections (read in
     * dependency order), whose names are all indexed. */
    const liq_name_index_t *ix = n > 0 ? liq_names_of(r, base, stride) : NULL;
    *out = ix != NULL && ix->count == n ? liq_names_find(ix, name)
                                        : liq_find_name(base, stride, n, name);
    if (*out >= 0) {
        return LIQ_OK;
    }
    char list[LIQ_NAME_LIST_MAX];
    liq_scenario_names(list, sizeof(list), base, stride, n);
    const size_t saved = liq_ypath_push_key(&r->doc, key);
    rc = liq_ydoc_error(&r->doc, LIQ_EREF, liq_ymap_get(&r->doc, map, key),
                        "no %s named '%s'; defined %s: %s", singular, name, plural, list);
    liq_ypath_pop(&r->doc, saved);
    return rc;
}

static int liq_ref_asset(liq_reader_t *r, const yaml_node_t *map, const char *key, int32_t *out)
{
    const liq_scenario_t *sc = r->sc;
    return liq_read_ref(r, map, key, "asset", "assets", sc->assets, sizeof(*sc->assets),
                        sc->n_assets, out);
}

static int liq_ref_pool(liq_reader_t *r, const yaml_node_t *map, const char *key, int32_t *out)
{
    const liq_scenario_t *sc = r->sc;
    return liq_read_ref(r, map, key, "pool", "pools", sc->pools, sizeof(*sc->pools), sc->n_pools,
                        out);
}

static int liq_ref_oracle(liq_reader_t *r, const yaml_node_t *map, const char *key, int32_t *out)
{
    const liq_scenario_t *sc = r->sc;
    return liq_read_ref(r, map, key, "oracle", "oracles", sc->oracles, sizeof(*sc->oracles),
                        sc->n_oracles, out);
}

static int liq_ref_protocol(liq_reader_t *r, const yaml_node_t *map, const char *key, int32_t *out)
{
    const liq_scenario_t *sc = r->sc;
    return liq_read_ref(r, map, key, "protocol", "protocols", sc->protocols, sizeof(*sc->protocols),
                        sc->n_protocols, out);
}

/* A key that the chosen variant does not take ("asset" of a pool oracle). */
static int liq_forbid_key(liq_reader_t *r, const yaml_node_t *map, const char *key,
                          const char *variant, const char *instead)
{
    const yaml_node_t *node = liq_ymap_get(&r->doc, map, key);
    if (node == NULL) {
        return LIQ_OK;
    }
    const size_t saved = liq_ypath_push_key(&r->doc, key);
    const int rc = liq_ydoc_error(&r->doc, LIQ_EKEY, node, "not allowed for %s; expected %s",
                                  variant, instead);
    liq_ypath_pop(&r->doc, saved);
    return rc;
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

/* Reads `file` of an item and stores its resolved path. */
static int liq_read_file_key(liq_reader_t *r, const yaml_node_t *map, char **out)
{
    const char *file = NULL;
    const int rc = liq_yget_string(&r->doc, map, "file", true, NULL, &file);
    if (rc != LIQ_OK) {
        return rc;
    }
    *out = liq_scenario_resolve_path(r->base_dir, file);
    return *out != NULL ? LIQ_OK : liq_nomem(r);
}

static int liq_file_error(liq_reader_t *r, const yaml_node_t *map, const char *path, int err)
{
    const size_t saved = liq_ypath_push_key(&r->doc, "file");
    const int rc = liq_ydoc_error(&r->doc, LIQ_EIO, liq_ymap_get(&r->doc, map, "file"),
                                  "cannot read '%s': %s", path, strerror(err));
    liq_ypath_pop(&r->doc, saved);
    return rc;
}

/* ------------------------------------------------------------ top level */

static const char *const liq_top_keys[] = {
    "name",    "rounds",    "round_seconds", "seed",   "output",    "assets", "pools",
    "oracles", "protocols", "accounts",      "shocks", "adversary", NULL};

/* A scenario whose network comes from a graph file has these instead: the
 * graph gives the assets, pools, oracles and protocols (scenario_graph.h). */
static const char *const liq_graph_top_keys[] = {
    "name",           "rounds",   "round_seconds", "seed",   "output",    "network",
    "network_format", "defaults", "accounts",      "shocks", "adversary", NULL};

static int liq_read_top(liq_reader_t *r, const yaml_node_t *root, const char *stem)
{
    liq_scenario_t *sc = r->sc;
    static const liq_yrange_t positive = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    const char *name = NULL;
    int rc = liq_yget_string(&r->doc, root, "name", false, stem, &name);
    if (rc == LIQ_OK) {
        rc = liq_dup(r, name, &sc->name);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_int(&r->doc, root, "rounds", 1, INT64_MAX, "an integer >= 1", true, 0,
                          &sc->rounds);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, root, "round_seconds", &positive, false,
                             LIQ_DEFAULT_ROUND_SECONDS, &sc->round_seconds);
    }
    int64_t seed = 0;
    if (rc == LIQ_OK) {
        rc = liq_yget_int(&r->doc, root, "seed", 0, INT64_MAX, "an integer >= 0", false,
                          LIQ_DEFAULT_SEED, &seed);
        sc->seed = (uint64_t)seed;
    }
    sc->flush_every = LIQ_DEFAULT_FLUSH_EVERY;
    yaml_node_t *output = liq_ymap_get(&r->doc, root, "output");
    if (rc == LIQ_OK && output != NULL) {
        static const char *const keys[] = {"flush_every", NULL};
        const size_t saved = liq_ypath_push_key(&r->doc, "output");
        rc = liq_ymap_check(&r->doc, output, keys);
        if (rc == LIQ_OK) {
            rc = liq_yget_int(&r->doc, output, "flush_every", 1, INT64_MAX, "an integer >= 1",
                              false, LIQ_DEFAULT_FLUSH_EVERY, &sc->flush_every);
        }
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

/* --------------------------------------------------------------- assets */

static int liq_read_asset(liq_reader_t *r, const yaml_node_t *map, size_t i)
{
    static const char *const keys[] = {"name", "price", "market_depth", "market_resilience", NULL};
    static const liq_yrange_t price = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    static const liq_yrange_t depth = {0.0, INFINITY, true, false, true, "a number > 0 or inf"};
    static const liq_yrange_t unit = {0.0, 1.0, false, false, false, "a number in [0, 1]"};
    liq_asset_config_t *a = &r->sc->assets[i];
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_read_name(r, map, "assets", r->sc->assets, sizeof(*a), i, &a->name);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "price", &price, true, 0.0, &a->price);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "market_depth", &depth, false, INFINITY,
                             &a->market_depth);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "market_resilience", &unit, false, 0.0,
                             &a->market_resilience);
    }
    return rc;
}

/* ---------------------------------------------------------------- pools */

static int liq_read_pool(liq_reader_t *r, const yaml_node_t *map, size_t i)
{
    static const char *const keys[] = {"name",     "kind", "token0",    "token1",        "reserve0",
                                       "reserve1", "fee",  "arbitrage", "amplification", NULL};
    static const char *const kinds[] = {"constant_product", "stableswap", "linear_book", NULL};
    static const liq_yrange_t amp = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    static const liq_yrange_t reserve = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    static const liq_yrange_t fee = {0.0, 1.0, false, true, false, "a number in [0, 1)"};
    static const liq_yrange_t unit = {0.0, 1.0, false, false, false, "a number in [0, 1]"};
    liq_pool_config_t *p = &r->sc->pools[i];
    int kind = 0;
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_read_name(r, map, "pools", r->sc->pools, sizeof(*p), i, &p->name);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_enum(&r->doc, map, "kind", kinds, "pool kind", false,
                           LIQ_POOL_CONSTANT_PRODUCT, &kind);
        p->kind = (liq_pool_kind_t)kind;
    }
    if (rc == LIQ_OK) {
        rc = liq_ref_asset(r, map, "token0", &p->token0);
    }
    if (rc == LIQ_OK) {
        rc = liq_ref_asset(r, map, "token1", &p->token1);
    }
    if (rc == LIQ_OK && p->token1 == p->token0) {
        const size_t saved = liq_ypath_push_key(&r->doc, "token1");
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "token1"),
                            "'%s' is also token0; expected an asset other than token0",
                            r->sc->assets[p->token1].name);
        liq_ypath_pop(&r->doc, saved);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "reserve0", &reserve, true, 0.0, &p->reserve0);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "reserve1", &reserve, true, 0.0, &p->reserve1);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "fee", &fee, false, LIQ_DEFAULT_FEE, &p->fee);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "arbitrage", &unit, false, 1.0, &p->arbitrage);
    }
    p->amplification = NAN;
    if (rc == LIQ_OK && p->kind == LIQ_POOL_STABLESWAP) {
        rc = liq_yget_double(&r->doc, map, "amplification", &amp, true, 0.0, &p->amplification);
    } else if (rc == LIQ_OK) {
        rc = liq_forbid_key(r, map, "amplification",
                            p->kind == LIQ_POOL_LINEAR_BOOK ? "kind linear_book"
                                                            : "kind constant_product",
                            "it only with kind stableswap");
    }
    return rc;
}

/* -------------------------------------------------------------- oracles */

/* A price source described by `source` (market, pool_spot or pool_twap) and
 * its `asset`, `pool` or `window` keys in `map`; `where` names the variant in
 * messages ("source market"). */
static int liq_read_price_source(liq_reader_t *r, const yaml_node_t *map, bool median_allowed,
                                 liq_oracle_source_t *kind, liq_price_source_t *src)
{
    static const char *const sources[] = {"market", "pool_spot", "pool_twap", "median", NULL};
    static const char *const plain[] = {"market", "pool_spot", "pool_twap", NULL};
    src->asset = -1;
    src->pool = -1;
    src->window = 1;
    int source = 0;
    int rc = liq_yget_enum(&r->doc, map, "source", median_allowed ? sources : plain, "source", true,
                           0, &source);
    if (rc != LIQ_OK) {
        return rc;
    }
    src->source = (liq_oracle_source_t)source;
    *kind = src->source;
    if (src->source == LIQ_ORACLE_MEDIAN) {
        rc = liq_forbid_key(r, map, "asset", "source median", "inputs");
        if (rc == LIQ_OK) {
            rc = liq_forbid_key(r, map, "pool", "source median", "inputs");
        }
        if (rc == LIQ_OK) {
            rc = liq_forbid_key(r, map, "window", "source median", "window on a pool_twap input");
        }
        return rc;
    }
    if (src->source == LIQ_ORACLE_MARKET) {
        rc = liq_forbid_key(r, map, "pool", "source market", "asset");
        if (rc == LIQ_OK) {
            rc = liq_forbid_key(r, map, "window", "source market",
                                "window only with source pool_twap");
        }
        if (rc == LIQ_OK) {
            rc = liq_ref_asset(r, map, "asset", &src->asset);
        }
        return rc;
    }
    const char *variant =
        src->source == LIQ_ORACLE_POOL_SPOT ? "source pool_spot" : "source pool_twap";
    rc = liq_forbid_key(r, map, "asset", variant, "pool");
    if (rc == LIQ_OK && src->source == LIQ_ORACLE_POOL_SPOT) {
        rc = liq_forbid_key(r, map, "window", variant, "window only with source pool_twap");
    }
    if (rc == LIQ_OK) {
        rc = liq_ref_pool(r, map, "pool", &src->pool);
    }
    if (rc == LIQ_OK && src->source == LIQ_ORACLE_POOL_TWAP) {
        rc = liq_yget_duration(&r->doc, map, "window", r->sc->round_seconds, 1, true, 1,
                               &src->window);
    }
    return rc;
}

/* A list of price sources under `key`; every one must price `asset` (-1: the
 * first one's). */
static int liq_read_source_list(liq_reader_t *r, const yaml_node_t *map, const char *key,
                                size_t *count, liq_price_source_t **out, int32_t *asset)
{
    static const char *const keys[] = {"source", "asset", "pool", "window", NULL};
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(&r->doc, map, key, true, true, key, &items, &n);
    if (rc == LIQ_OK) {
        rc = liq_alloc_array(r, (void **)out, n, sizeof(**out));
    }
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        *count = k + 1;
        const size_t saved = liq_ypath_push_key(&r->doc, key);
        liq_ypath_push_index(&r->doc, k);
        const yaml_node_t *item = liq_ydoc_node(&r->doc, items[k]);
        liq_oracle_source_t kind;
        rc = liq_ymap_check(&r->doc, item, keys);
        if (rc == LIQ_OK) {
            rc = liq_read_price_source(r, item, false, &kind, &(*out)[k]);
        }
        if (rc == LIQ_OK) {
            const int32_t priced = liq_source_priced_asset(r->sc, &(*out)[k]);
            if (*asset < 0) {
                *asset = priced;
            } else if (priced != *asset) {
                rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, item,
                                    "this source prices %s; expected a source of %s, as the "
                                    "first input",
                                    r->sc->assets[priced].name, r->sc->assets[*asset].name);
            }
        }
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

static int liq_read_oracle(liq_reader_t *r, const yaml_node_t *map, size_t i)
{
    static const char *const keys[] = {"name",      "source",    "asset",       "pool",
                                       "heartbeat", "deviation", "latency",     "window",
                                       "inputs",    "anchor",    "anchor_band", NULL};
    static const char *const anchor_keys[] = {"source", "asset", "pool", "window", NULL};
    static const liq_yrange_t deviation = {0.0,   INFINITY, false,
                                           false, true,     "a number >= 0 or inf"};
    static const liq_yrange_t band = {0.0, INFINITY, false, false, false, "a finite number >= 0"};
    liq_oracle_config_t *o = &r->sc->oracles[i];
    liq_price_source_t own;
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_read_name(r, map, "oracles", r->sc->oracles, sizeof(*o), i, &o->name);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_price_source(r, map, true, &o->source, &own);
        o->asset = own.asset;
        o->pool = own.pool;
        o->window = own.window;
    }
    if (rc == LIQ_OK && o->source == LIQ_ORACLE_MEDIAN) {
        int32_t asset = -1;
        rc = liq_read_source_list(r, map, "inputs", &o->n_inputs, &o->inputs, &asset);
    } else if (rc == LIQ_OK) {
        static const char *const variants[] = {"source market", "source pool_spot",
                                               "source pool_twap"};
        rc =
            liq_forbid_key(r, map, "inputs", variants[o->source], "inputs only with source median");
    }
    const double round_seconds = r->sc->round_seconds;
    if (rc == LIQ_OK) {
        rc =
            liq_yget_duration(&r->doc, map, "heartbeat", round_seconds, 1, false, 1, &o->heartbeat);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "deviation", &deviation, false, 0.0, &o->deviation);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_duration(&r->doc, map, "latency", round_seconds, 0, false, 0, &o->latency);
    }
    const yaml_node_t *anchor = liq_ymap_get(&r->doc, map, "anchor");
    if (rc == LIQ_OK && anchor != NULL) {
        o->has_anchor = 1;
        const size_t saved = liq_ypath_push_key(&r->doc, "anchor");
        liq_oracle_source_t kind;
        rc = liq_ymap_check(&r->doc, anchor, anchor_keys);
        if (rc == LIQ_OK) {
            rc = liq_read_price_source(r, anchor, false, &kind, &o->anchor);
        }
        liq_ypath_pop(&r->doc, saved);
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, map, "anchor_band", &band, true, 0.0, &o->anchor_band);
        }
        if (rc == LIQ_OK) {
            const int32_t mine = liq_oracle_priced_asset(r->sc, o);
            const int32_t theirs = liq_source_priced_asset(r->sc, &o->anchor);
            if (mine != theirs) {
                const size_t inner = liq_ypath_push_key(&r->doc, "anchor");
                rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, anchor,
                                    "the anchor prices %s; expected a source of %s, which the "
                                    "oracle prices",
                                    r->sc->assets[theirs].name, r->sc->assets[mine].name);
                liq_ypath_pop(&r->doc, inner);
            }
        }
    } else if (rc == LIQ_OK) {
        rc = liq_forbid_key(r, map, "anchor_band", "an oracle without anchor",
                            "anchor_band only with anchor");
    }
    return rc;
}

static int liq_check_oracle_prices(liq_reader_t *r, const yaml_node_t *map, const char *key,
                                   int32_t oracle, int32_t asset)
{
    const liq_scenario_t *sc = r->sc;
    const int32_t priced = liq_oracle_priced_asset(sc, &sc->oracles[oracle]);
    if (priced == asset) {
        return LIQ_OK;
    }
    const char *want = sc->assets[asset].name;
    const size_t saved = liq_ypath_push_key(&r->doc, key);
    const int rc = liq_ydoc_error(
        &r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, key),
        "oracle '%s' prices %s, not %s; expected an oracle of %s (source market with asset %s, "
        "or a pool source whose token0 is %s)",
        sc->oracles[oracle].name, sc->assets[priced].name, want, want, want, want);
    liq_ypath_pop(&r->doc, saved);
    return rc;
}

/* ------------------------------------------------------------ protocols */

/* The pool under `key` of `map`, which must trade the market's collateral and
 * the protocol's debt asset. */
static int liq_read_route_pool(liq_reader_t *r, const yaml_node_t *map, const char *key,
                               const liq_protocol_config_t *p, const liq_market_config_t *mk,
                               int32_t *out)
{
    const liq_scenario_t *sc = r->sc;
    int rc = liq_ref_pool(r, map, key, out);
    if (rc != LIQ_OK) {
        return rc;
    }
    const liq_pool_config_t *pool = &sc->pools[*out];
    const bool direct = pool->token0 == mk->asset && pool->token1 == p->debt_asset;
    const bool reverse = pool->token1 == mk->asset && pool->token0 == p->debt_asset;
    if (!direct && !reverse) {
        const size_t saved = liq_ypath_push_key(&r->doc, key);
        rc =
            liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, key),
                           "pool '%s' trades %s and %s; expected a pool trading %s and %s "
                           "(the market's collateral and the protocol's debt asset)",
                           pool->name, sc->assets[pool->token0].name, sc->assets[pool->token1].name,
                           sc->assets[mk->asset].name, sc->assets[p->debt_asset].name);
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

/* A market's `route` (one pool) or `routes` (a list of {pool, weight}) with
 * `routing` weight | best_price. */
static int liq_read_routes(liq_reader_t *r, const yaml_node_t *map, const liq_protocol_config_t *p,
                           liq_market_config_t *mk)
{
    static const char *const routings[] = {"weight", "best_price", NULL};
    static const liq_yrange_t share = {0.0, 1.0, true, false, false, "a number in (0, 1]"};
    const yaml_node_t *one = liq_ymap_get(&r->doc, map, "route");
    const yaml_node_t *many = liq_ymap_get(&r->doc, map, "routes");
    if ((one == NULL) == (many == NULL)) {
        return liq_ydoc_error(&r->doc, one == NULL ? LIQ_EKEY : LIQ_EINVAL, map,
                              "%s; expected either route (one pool) or routes (a list)",
                              one == NULL ? "missing key 'route'" : "both route and routes");
    }
    int kind = 0;
    int rc = liq_yget_enum(&r->doc, map, "routing", routings, "routing", false, LIQ_ROUTING_WEIGHT,
                           &kind);
    mk->routing = (liq_routing_t)kind;
    if (rc == LIQ_OK && one != NULL) {
        rc = liq_alloc_array(r, (void **)&mk->routes, 1, sizeof(*mk->routes));
        if (rc == LIQ_OK) {
            mk->n_routes = 1;
            mk->routes[0].weight = mk->routing == LIQ_ROUTING_WEIGHT ? 1.0 : (double)NAN;
            rc = liq_read_route_pool(r, map, "route", p, mk, &mk->routes[0].pool);
        }
    }
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    if (rc == LIQ_OK && many != NULL) {
        rc = liq_yget_seq(&r->doc, map, "routes", true, true, "routes", &items, &n);
    }
    if (rc == LIQ_OK && many != NULL) {
        rc = liq_alloc_array(r, (void **)&mk->routes, n, sizeof(*mk->routes));
    }
    double total = 0.0;
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        mk->n_routes = k + 1;
        const size_t saved = liq_ypath_push_key(&r->doc, "routes");
        liq_ypath_push_index(&r->doc, k);
        const yaml_node_t *item = liq_ydoc_node(&r->doc, items[k]);
        static const char *const keys[] = {"pool", "weight", NULL};
        rc = liq_ymap_check(&r->doc, item, keys);
        if (rc == LIQ_OK) {
            rc = liq_read_route_pool(r, item, "pool", p, mk, &mk->routes[k].pool);
        }
        for (size_t j = 0; rc == LIQ_OK && j < k; j++) {
            if (mk->routes[j].pool == mk->routes[k].pool) {
                const size_t inner = liq_ypath_push_key(&r->doc, "pool");
                rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, item, "pool"),
                                    "pool '%s' is already routes[%zu]; expected each pool once",
                                    r->sc->pools[mk->routes[k].pool].name, j);
                liq_ypath_pop(&r->doc, inner);
            }
        }
        if (rc == LIQ_OK && mk->routing == LIQ_ROUTING_WEIGHT) {
            rc = liq_yget_double(&r->doc, item, "weight", &share, true, 0.0, &mk->routes[k].weight);
            total += mk->routes[k].weight;
        } else if (rc == LIQ_OK) {
            mk->routes[k].weight = NAN;
            rc = liq_forbid_key(r, item, "weight", "routing best_price",
                                "no weight (the split is found each round)");
        }
        liq_ypath_pop(&r->doc, saved);
    }
    if (rc == LIQ_OK && many != NULL && mk->routing == LIQ_ROUTING_WEIGHT &&
        fabs(total - 1.0) > 1e-9) {
        const size_t saved = liq_ypath_push_key(&r->doc, "routes");
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, many,
                            "the weights add up to %.17g; expected weights adding up to 1", total);
        liq_ypath_pop(&r->doc, saved);
    }
    if (rc == LIQ_OK) {
        mk->route = mk->routes[0].pool;
    }
    return rc;
}

/* A market's `asset` (not the protocol's debt or margin asset, `debt_word`,
 * and not the asset of an earlier market of the same protocol, lending or
 * perp) and its `oracle`, which must price it. `asset_word` names what the
 * asset should be ("collateral asset", "underlying"). */
static int liq_read_market_head(liq_reader_t *r, const yaml_node_t *map,
                                const liq_protocol_config_t *p, size_t m, const char *debt_word,
                                const char *asset_word, int32_t *asset, int32_t *oracle)
{
    const liq_scenario_t *sc = r->sc;
    int rc = liq_ref_asset(r, map, "asset", asset);
    const yaml_node_t *asset_node = liq_ymap_get(&r->doc, map, "asset");
    if (rc == LIQ_OK && *asset == p->debt_asset) {
        const size_t saved = liq_ypath_push_key(&r->doc, "asset");
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, asset_node,
                            "'%s' is the protocol's %s; expected %s %s other than %s",
                            sc->assets[*asset].name, debt_word,
                            strchr("aeiou", asset_word[0]) != NULL ? "an" : "a", asset_word,
                            sc->assets[*asset].name);
        liq_ypath_pop(&r->doc, saved);
    }
    for (size_t k = 0; rc == LIQ_OK && k < m; k++) {
        const int32_t earlier =
            p->kind == LIQ_PROTOCOL_PERP ? p->perp_markets[k].asset : p->markets[k].asset;
        if (earlier == *asset) {
            const size_t saved = liq_ypath_push_key(&r->doc, "asset");
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, asset_node,
                                "'%s' is already the asset of markets[%zu]; expected each "
                                "%s once per protocol",
                                sc->assets[*asset].name, k, asset_word);
            liq_ypath_pop(&r->doc, saved);
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_ref_oracle(r, map, "oracle", oracle);
    }
    if (rc == LIQ_OK) {
        rc = liq_check_oracle_prices(r, map, "oracle", *oracle, *asset);
    }
    return rc;
}

static int liq_read_market(liq_reader_t *r, const yaml_node_t *map, liq_protocol_config_t *p,
                           size_t m)
{
    static const char *const keys[] = {"asset",
                                       "oracle",
                                       "route",
                                       "routes",
                                       "routing",
                                       "liquidation_threshold",
                                       "liquidation_bonus",
                                       "close_factor",
                                       "full_close_health",
                                       NULL};
    static const liq_yrange_t open_unit = {0.0, 1.0, true, false, false, "a number in (0, 1]"};
    static const liq_yrange_t unit = {0.0, 1.0, false, false, false, "a number in [0, 1]"};
    liq_market_config_t *mk = &p->markets[m];
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_read_market_head(r, map, p, m, "debt asset", "collateral asset", &mk->asset,
                                  &mk->oracle);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_routes(r, map, p, mk);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "liquidation_threshold", &open_unit, true, 0.0,
                             &mk->liquidation_threshold);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "liquidation_bonus", &unit, true, 0.0,
                             &mk->liquidation_bonus);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "close_factor", &open_unit, false,
                             LIQ_DEFAULT_CLOSE_FACTOR, &mk->close_factor);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "full_close_health", &unit, false,
                             LIQ_DEFAULT_FULL_CLOSE_HEALTH, &mk->full_close_health);
    }
    return rc;
}

static int liq_read_keepers(liq_reader_t *r, const yaml_node_t *keepers, liq_protocol_config_t *p)
{
    static const char *const keys[] = {"gas_cost",   "min_profit",          "max_liquidations",
                                       "congestion", "anticipate_slippage", "capital",
                                       NULL};
    static const liq_yrange_t cost = {0.0, INFINITY, false, false, false, "a finite number >= 0"};
    static const liq_yrange_t any = {-INFINITY, INFINITY, false, false, false, "a finite number"};
    static const liq_yrange_t capital = {0.0, INFINITY, true, false, true, "a number > 0 or inf"};
    static const char *const flags[] = {"false", "true", NULL};
    int rc = liq_ymap_check(&r->doc, keepers, keys);
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, keepers, "gas_cost", &cost, false, 0.0, &p->gas_cost);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, keepers, "min_profit", &any, false, 0.0, &p->min_profit);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, keepers, "congestion", &cost, false, 0.0, &p->gas_congestion);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_enum(&r->doc, keepers, "anticipate_slippage", flags, "flag", false, 0,
                           &p->anticipate_slippage);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, keepers, "capital", &capital, false, INFINITY,
                             &p->keeper_capital);
    }
    const yaml_node_t *max = liq_ymap_get(&r->doc, keepers, "max_liquidations");
    if (rc == LIQ_OK && max != NULL && max->type == YAML_SCALAR_NODE &&
        strcmp(liq_yscalar(max), "unlimited") == 0) {
        return LIQ_OK; /* p->max_liquidations already holds the unlimited default */
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_int(&r->doc, keepers, "max_liquidations", 1, INT64_MAX,
                          "an integer >= 1 or unlimited", false, INT64_MAX, &p->max_liquidations);
    }
    return rc;
}

/* protocols[i].issues[k]: {asset, supply}. */
static int liq_read_issue(liq_reader_t *r, const yaml_node_t *map, liq_protocol_config_t *p,
                          size_t i, size_t k)
{
    static const char *const keys[] = {"asset", "supply", NULL};
    static const liq_yrange_t supply = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    const liq_scenario_t *sc = r->sc;
    liq_issue_config_t *is = &p->issues[k];
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_ref_asset(r, map, "asset", &is->asset);
    }
    if (rc == LIQ_OK) {
        int32_t other = liq_scenario_issuer(sc, i, is->asset);
        for (size_t j = 0; other < 0 && j < k; j++) {
            other = p->issues[j].asset == is->asset ? (int32_t)i : -1;
        }
        if (other >= 0) {
            const size_t saved = liq_ypath_push_key(&r->doc, "asset");
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "asset"),
                                "'%s' is already issued by protocol '%s'; expected each asset to "
                                "have at most one issuer, listed once",
                                sc->assets[is->asset].name,
                                other == (int32_t)i ? p->name : sc->protocols[other].name);
            liq_ypath_pop(&r->doc, saved);
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "supply", &supply, true, 0.0, &is->supply);
    }
    return rc;
}

/* protocols[i].holdings[k]: {asset, amount}. */
static int liq_read_holding(liq_reader_t *r, const yaml_node_t *map, liq_protocol_config_t *p,
                            size_t k)
{
    static const char *const keys[] = {"asset", "amount", NULL};
    static const liq_yrange_t amount = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    const liq_scenario_t *sc = r->sc;
    liq_holding_config_t *h = &p->holdings[k];
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_ref_asset(r, map, "asset", &h->asset);
    }
    for (size_t j = 0; rc == LIQ_OK && j < p->n_issues; j++) {
        if (p->issues[j].asset == h->asset) {
            const size_t saved = liq_ypath_push_key(&r->doc, "asset");
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "asset"),
                                "'%s' is issued by this protocol; expected an asset it does not "
                                "issue (its own tokens are not an asset of its balance sheet)",
                                sc->assets[h->asset].name);
            liq_ypath_pop(&r->doc, saved);
        }
    }
    for (size_t j = 0; rc == LIQ_OK && j < k; j++) {
        if (p->holdings[j].asset == h->asset) {
            const size_t saved = liq_ypath_push_key(&r->doc, "asset");
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "asset"),
                                "'%s' is already held in holdings[%zu]; expected each asset "
                                "once per protocol",
                                sc->assets[h->asset].name, j);
            liq_ypath_pop(&r->doc, saved);
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "amount", &amount, true, 0.0, &h->amount);
    }
    return rc;
}

/* A protocol's `chain`, `breaker` and `dynamic_penalty` (MODEL.md s5). */
static int liq_read_risk_controls(liq_reader_t *r, const yaml_node_t *map, liq_protocol_config_t *p)
{
    static const char *const breaker_keys[] = {"drop", "window", "pause", "cap", NULL};
    static const char *const penalty_keys[] = {"reference_volatility", "window", "max_scale", NULL};
    static const liq_yrange_t drop = {0.0, 1.0, true, true, false, "a number in (0, 1)"};
    static const liq_yrange_t positive = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    static const liq_yrange_t scale = {1.0, INFINITY, false, false, false, "a finite number >= 1"};
    const double round_seconds = r->sc->round_seconds;
    const char *chain = NULL;
    int rc = liq_yget_string(&r->doc, map, "chain", false, NULL, &chain);
    if (rc == LIQ_OK && chain != NULL) {
        rc = liq_dup(r, chain, &p->chain);
    }
    const yaml_node_t *breaker = liq_ymap_get(&r->doc, map, "breaker");
    if (rc == LIQ_OK && breaker != NULL) {
        const size_t saved = liq_ypath_push_key(&r->doc, "breaker");
        p->has_breaker = 1;
        rc = liq_ymap_check(&r->doc, breaker, breaker_keys);
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, breaker, "drop", &drop, true, 0.0, &p->breaker_drop);
        }
        if (rc == LIQ_OK) {
            rc = liq_yget_duration(&r->doc, breaker, "window", round_seconds, 1, true, 1,
                                   &p->breaker_window);
        }
        if (rc == LIQ_OK) {
            rc = liq_yget_duration(&r->doc, breaker, "pause", round_seconds, 1, true, 1,
                                   &p->breaker_pause);
        }
        if (rc == LIQ_OK) {
            rc = liq_yget_int(&r->doc, breaker, "cap", 0, INT64_MAX, "an integer >= 0 (0: pause)",
                              false, 0, &p->breaker_cap);
        }
        liq_ypath_pop(&r->doc, saved);
    }
    const yaml_node_t *penalty = liq_ymap_get(&r->doc, map, "dynamic_penalty");
    if (rc == LIQ_OK && penalty != NULL) {
        const size_t saved = liq_ypath_push_key(&r->doc, "dynamic_penalty");
        p->has_dynamic_penalty = 1;
        rc = liq_ymap_check(&r->doc, penalty, penalty_keys);
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, penalty, "reference_volatility", &positive, true, 0.0,
                                 &p->reference_volatility);
        }
        if (rc == LIQ_OK) {
            rc = liq_yget_duration(&r->doc, penalty, "window", round_seconds, 1, true, 1,
                                   &p->volatility_window);
        }
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, penalty, "max_scale", &scale, true, 0.0,
                                 &p->max_penalty_scale);
        }
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

/* The optional lists `issues` and `holdings` of protocols[i], and `recovery`. */
static int liq_read_balance_sheet(liq_reader_t *r, const yaml_node_t *map, size_t i)
{
    static const char *const recoveries[] = {"pro_rata", "zero", NULL};
    liq_protocol_config_t *p = &r->sc->protocols[i];
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(&r->doc, map, "issues", false, false, "issues", &items, &n);
    if (rc == LIQ_OK) {
        rc = liq_alloc_array(r, (void **)&p->issues, n, sizeof(*p->issues));
    }
    if (rc == LIQ_OK) {
        p->n_issues = n;
    }
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        const size_t saved = liq_ypath_push_key(&r->doc, "issues");
        liq_ypath_push_index(&r->doc, k);
        rc = liq_read_issue(r, liq_ydoc_node(&r->doc, items[k]), p, i, k);
        liq_ypath_pop(&r->doc, saved);
    }
    const yaml_node_t *recovery = liq_ymap_get(&r->doc, map, "recovery");
    if (rc == LIQ_OK && recovery != NULL && p->n_issues == 0) {
        const size_t saved = liq_ypath_push_key(&r->doc, "recovery");
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, recovery,
                            "the protocol issues no asset; expected recovery only with issues");
        liq_ypath_pop(&r->doc, saved);
    }
    if (rc == LIQ_OK) {
        int kind = 0;
        rc = liq_yget_enum(&r->doc, map, "recovery", recoveries, "recovery", false,
                           LIQ_RECOVERY_PRO_RATA, &kind);
        p->recovery = (liq_recovery_t)kind;
    }
    n = 0;
    if (rc == LIQ_OK) {
        rc = liq_yget_seq(&r->doc, map, "holdings", false, false, "holdings", &items, &n);
    }
    if (rc == LIQ_OK) {
        rc = liq_alloc_array(r, (void **)&p->holdings, n, sizeof(*p->holdings));
    }
    if (rc == LIQ_OK) {
        p->n_holdings = n;
    }
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        const size_t saved = liq_ypath_push_key(&r->doc, "holdings");
        liq_ypath_push_index(&r->doc, k);
        rc = liq_read_holding(r, liq_ydoc_node(&r->doc, items[k]), p, k);
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

/* protocols[i].stability_pool (MODEL.md s5, Liquity v1): read after the
 * markets, since the pool needs exactly one market and its MCR is 1 / LT. */
static int liq_read_stability_pool(liq_reader_t *r, const yaml_node_t *map,
                                   liq_protocol_config_t *p)
{
    static const char *const keys[] = {"deposits",   "gas_compensation", "gas_compensation_share",
                                       "sell_share", "recovery_mode",    NULL};
    static const char *const recovery_keys[] = {"ccr", NULL};
    static const liq_yrange_t amount = {0.0, INFINITY, false, false, false, "a finite number >= 0"};
    static const liq_yrange_t share = {0.0, 1.0, false, true, false, "a number in [0, 1)"};
    static const liq_yrange_t unit = {0.0, 1.0, false, false, false, "a number in [0, 1]"};
    static const liq_yrange_t ratio = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    liq_stability_pool_config_t *sp = &p->stability_pool;
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK && p->n_markets != 1) {
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, map,
                            "the protocol has %zu markets; expected exactly one market with a "
                            "stability pool (Liquity has one collateral)",
                            p->n_markets);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "deposits", &amount, true, 0.0, &sp->deposits);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "gas_compensation", &amount, false, 0.0,
                             &sp->gas_compensation);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "gas_compensation_share", &share, false, 0.0,
                             &sp->gas_compensation_share);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "sell_share", &unit, false, 0.0, &sp->sell_share);
    }
    const yaml_node_t *recovery = liq_ymap_get(&r->doc, map, "recovery_mode");
    if (rc == LIQ_OK && recovery != NULL) {
        const size_t saved = liq_ypath_push_key(&r->doc, "recovery_mode");
        rc = liq_ymap_check(&r->doc, recovery, recovery_keys);
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, recovery, "ccr", &ratio, true, 0.0, &sp->ccr);
        }
        const double mcr = 1.0 / p->markets[0].liquidation_threshold;
        if (rc == LIQ_OK && !(sp->ccr > mcr)) {
            const size_t at = liq_ypath_push_key(&r->doc, "ccr");
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, recovery, "ccr"),
                                "value %.17g is not above the MCR %.17g (1 / "
                                "liquidation_threshold); expected ccr > MCR",
                                sp->ccr, mcr);
            liq_ypath_pop(&r->doc, at);
        }
        liq_ypath_pop(&r->doc, saved);
        sp->has_recovery_mode = rc == LIQ_OK;
    }
    return rc;
}

/* ------------------------------------------------------- perp protocols */

/* A perp market's maintenance tiers: a list of {notional_up_to, mmr}, the
 * bounds strictly increasing and the last one `unlimited`, the rates
 * non-decreasing (a larger position never needs a smaller rate). */
static int liq_read_perp_tiers(liq_reader_t *r, const yaml_node_t *map,
                               liq_perp_market_config_t *mk)
{
    static const char *const keys[] = {"notional_up_to", "mmr", NULL};
    static const liq_yrange_t bound = {0.0,   INFINITY, true,
                                       false, true,     "a number > 0 or unlimited"};
    static const liq_yrange_t rate = {0.0, 1.0, true, true, false, "a number in (0, 1)"};
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(&r->doc, map, "tiers", true, true, "tiers", &items, &n);
    if (rc == LIQ_OK) {
        rc = liq_alloc_array(r, (void **)&mk->tiers, n, sizeof(*mk->tiers));
    }
    if (rc == LIQ_OK) {
        mk->n_tiers = n;
    }
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        const size_t saved = liq_ypath_push_key(&r->doc, "tiers");
        liq_ypath_push_index(&r->doc, k);
        const yaml_node_t *item = liq_ydoc_node(&r->doc, items[k]);
        liq_perp_tier_t *tier = &mk->tiers[k];
        rc = liq_ymap_check(&r->doc, item, keys);
        const yaml_node_t *up = liq_ymap_get(&r->doc, item, "notional_up_to");
        if (rc == LIQ_OK && up != NULL && up->type == YAML_SCALAR_NODE &&
            strcmp(liq_yscalar(up), "unlimited") == 0) {
            tier->notional_up_to = (double)INFINITY;
        } else if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, item, "notional_up_to", &bound, true, 0.0,
                                 &tier->notional_up_to);
        }
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, item, "mmr", &rate, true, 0.0, &tier->mmr);
        }
        if (rc == LIQ_OK && k > 0 && !(tier->notional_up_to > mk->tiers[k - 1].notional_up_to)) {
            const size_t inner = liq_ypath_push_key(&r->doc, "notional_up_to");
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, up,
                                "value %.17g is not above tiers[%zu]'s %.17g; expected strictly "
                                "increasing bounds",
                                tier->notional_up_to, k - 1, mk->tiers[k - 1].notional_up_to);
            liq_ypath_pop(&r->doc, inner);
        }
        if (rc == LIQ_OK && k > 0 && tier->mmr < mk->tiers[k - 1].mmr) {
            const size_t inner = liq_ypath_push_key(&r->doc, "mmr");
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, item, "mmr"),
                                "value %.17g is below tiers[%zu]'s %.17g; expected "
                                "non-decreasing rates",
                                tier->mmr, k - 1, mk->tiers[k - 1].mmr);
            liq_ypath_pop(&r->doc, inner);
        }
        if (rc == LIQ_OK && k + 1 == n && tier->notional_up_to != (double)INFINITY) {
            const size_t inner = liq_ypath_push_key(&r->doc, "notional_up_to");
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, up,
                                "value %.17g bounds the last tier; expected unlimited (every "
                                "position size needs a rate)",
                                tier->notional_up_to);
            liq_ypath_pop(&r->doc, inner);
        }
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

/* A number > 0 of protocols[i].liquidation, or `unlimited` (INFINITY). */
static int liq_read_limit(liq_reader_t *r, const yaml_node_t *map, const char *key, double *out)
{
    static const liq_yrange_t limit = {0.0,   INFINITY, true,
                                       false, true,     "a number > 0 or unlimited"};
    const yaml_node_t *v = liq_ymap_get(&r->doc, map, key);
    if (v != NULL && v->type == YAML_SCALAR_NODE && strcmp(liq_yscalar(v), "unlimited") == 0) {
        *out = INFINITY;
        return LIQ_OK;
    }
    return liq_yget_double(&r->doc, map, key, &limit, false, INFINITY, out);
}

/* protocols[i].liquidation: the mode, and with dutch_auction the clipper's
 * parameters; defaults are MakerDAO's ETH-A values (2025-07). */
static int liq_read_liquidation(liq_reader_t *r, const yaml_node_t *map, liq_auction_config_t *a)
{
    static const char *const all_keys[] = {"mode",           "chop",  "buf", "tail", "cusp", "tip",
                                           "chip",           "curve", "tau", "step", "cut",  "hole",
                                           "keeper_capital", NULL};
    static const char *const instant_keys[] = {"mode", NULL};
    static const char *const linear_keys[] = {
        "mode", "chop",  "buf", "tail", "cusp",           "tip",
        "chip", "curve", "tau", "hole", "keeper_capital", NULL};
    static const char *const stairstep_keys[] = {"mode", "chop",           "buf",   "tail", "cusp",
                                                 "tip",  "chip",           "curve", "step", "cut",
                                                 "hole", "keeper_capital", NULL};
    static const char *const exponential_keys[] = {
        "mode", "chop",  "buf", "tail", "cusp",           "tip",
        "chip", "curve", "cut", "hole", "keeper_capital", NULL};
    static const char *const modes[] = {"instant", "dutch_auction", NULL};
    static const char *const curves[] = {"linear", "stairstep", "exponential", NULL};
    static const liq_yrange_t chop = {1.0, INFINITY, false, false, false, "a finite number >= 1"};
    static const liq_yrange_t positive = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    static const liq_yrange_t unit = {0.0, 1.0, false, true, false, "a number in [0, 1)"};
    static const liq_yrange_t tip = {0.0, INFINITY, false, false, false, "a finite number >= 0"};
    static const liq_yrange_t cut = {0.0, 1.0, true, false, false, "a number in (0, 1]"};
    int mode = 0, curve = LIQ_CURVE_STAIRSTEP;
    int rc = liq_ymap_check(&r->doc, map, all_keys);
    if (rc == LIQ_OK) {
        rc = liq_yget_enum(&r->doc, map, "mode", modes, "liquidation mode", true, 0, &mode);
        a->mode = (liq_liquidation_mode_t)mode;
    }
    if (rc != LIQ_OK || a->mode == LIQ_LIQUIDATION_INSTANT) {
        return rc == LIQ_OK ? liq_ymap_check(&r->doc, map, instant_keys) : rc;
    }
    rc = liq_yget_enum(&r->doc, map, "curve", curves, "price curve", false, LIQ_CURVE_STAIRSTEP,
                       &curve);
    a->curve.kind = (liq_curve_kind_t)curve;
    if (rc == LIQ_OK) {
        const char *const *keys = curve == LIQ_CURVE_LINEAR      ? linear_keys
                                  : curve == LIQ_CURVE_STAIRSTEP ? stairstep_keys
                                                                 : exponential_keys;
        rc = liq_ymap_check(&r->doc, map, keys);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "chop", &chop, false, 1.13, &a->chop);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "buf", &positive, false, 1.10, &a->buf);
    }
    if (rc == LIQ_OK) {
        const int64_t dflt = (int64_t)ceil(7200.0 / r->sc->round_seconds);
        rc = liq_yget_duration(&r->doc, map, "tail", r->sc->round_seconds, 1, false,
                               dflt > 1 ? dflt : 1, &a->tail);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "cusp", &unit, false, 0.45, &a->cusp);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "tip", &tip, false, 250.0, &a->tip);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "chip", &unit, false, 0.001, &a->chip);
    }
    a->curve.tau = NAN;
    a->curve.step = NAN;
    a->curve.cut = NAN;
    if (rc == LIQ_OK && curve == LIQ_CURVE_LINEAR) {
        rc = liq_yget_double(&r->doc, map, "tau", &positive, true, 0.0, &a->curve.tau);
    }
    if (rc == LIQ_OK && curve == LIQ_CURVE_STAIRSTEP) {
        rc = liq_yget_double(&r->doc, map, "step", &positive, false, 90.0, &a->curve.step);
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, map, "cut", &cut, false, 0.99, &a->curve.cut);
        }
    }
    if (rc == LIQ_OK && curve == LIQ_CURVE_EXPONENTIAL) {
        rc = liq_yget_double(&r->doc, map, "cut", &cut, true, 0.0, &a->curve.cut);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_limit(r, map, "hole", &a->hole);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_limit(r, map, "keeper_capital", &a->keeper_capital);
    }
    return rc;
}

/* protocols[i].markets[m] of a perp protocol: {asset, oracle, route,
 * liquidation_fee, tiers}. */
static int liq_read_perp_market(liq_reader_t *r, const yaml_node_t *map, liq_protocol_config_t *p,
                                size_t m)
{
    static const char *const keys[] = {"asset",           "oracle", "route",
                                       "liquidation_fee", "tiers",  NULL};
    static const liq_yrange_t fee = {0.0, 1.0, false, true, false, "a number in [0, 1)"};
    const liq_scenario_t *sc = r->sc;
    liq_perp_market_config_t *mk = &p->perp_markets[m];
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_read_market_head(r, map, p, m, "margin asset", "underlying", &mk->asset,
                                  &mk->oracle);
    }
    if (rc == LIQ_OK) {
        rc = liq_ref_pool(r, map, "route", &mk->pool);
    }
    if (rc == LIQ_OK) {
        const liq_pool_config_t *pool = &sc->pools[mk->pool];
        const bool trades = (pool->token0 == mk->asset && pool->token1 == p->debt_asset) ||
                            (pool->token1 == mk->asset && pool->token0 == p->debt_asset);
        const size_t saved = liq_ypath_push_key(&r->doc, "route");
        if (!trades) {
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "route"),
                                "pool '%s' trades %s and %s; expected a pool trading %s and %s "
                                "(the market's asset and the protocol's margin asset)",
                                pool->name, sc->assets[pool->token0].name,
                                sc->assets[pool->token1].name, sc->assets[mk->asset].name,
                                sc->assets[p->debt_asset].name);
        } else if (pool->kind != LIQ_POOL_CONSTANT_PRODUCT) {
            /* Closing a short buys an exact amount of the asset, which the
             * engine solves in closed form for x y = k only. */
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "route"),
                                "pool '%s' is not constant_product; expected a constant_product "
                                "pool (shorts are closed by buying an exact amount)",
                                pool->name);
        }
        liq_ypath_pop(&r->doc, saved);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "liquidation_fee", &fee, false, 0.0,
                             &mk->liquidation_fee);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_perp_tiers(r, map, mk);
    }
    return rc;
}

/* protocols[i].positions of a perp protocol: {file, leverage}. The file is
 * read here, so its errors come with the scenario's. */
static int liq_read_perp_positions(liq_reader_t *r, const yaml_node_t *map,
                                   liq_protocol_config_t *p)
{
    static const char *const keys[] = {"file", "leverage", NULL};
    static const liq_yrange_t positive = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_read_file_key(r, map, &p->perp_positions_path);
    }
    if (rc == LIQ_OK && liq_ymap_get(&r->doc, map, "leverage") != NULL) {
        rc = liq_yget_double(&r->doc, map, "leverage", &positive, true, 0.0,
                             &p->perp_positions_leverage);
    }
    if (rc == LIQ_OK && access(p->perp_positions_path, R_OK) != 0) {
        rc = liq_file_error(r, map, p->perp_positions_path, errno);
    }
    liq_perp_rows_t rows;
    if (rc == LIQ_OK) {
        rc = liq_perp_positions_read(&rows, p->perp_positions_path, r->sc, p,
                                     p->perp_positions_leverage);
    }
    if (rc == LIQ_OK) {
        p->n_perp_positions = rows.count;
        p->perp_position_market = rows.market;
        p->perp_position_size = rows.size;
        p->perp_position_entry = rows.entry;
        p->perp_position_leverage = rows.leverage;
    }
    return rc;
}

/* True when a protocol mapping says kind: perp (its keys are checked by
 * liq_read_perp_protocol). */
static bool liq_is_perp_map(liq_reader_t *r, const yaml_node_t *map)
{
    const yaml_node_t *kind = liq_ymap_get(&r->doc, map, "kind");
    return kind != NULL && kind->type == YAML_SCALAR_NODE && strcmp(liq_yscalar(kind), "perp") == 0;
}

/* The asset a protocol settles in (a lending protocol's debt asset, a perp
 * exchange's margin asset), the oracle that prices it, and the insurance
 * fund. */
static int liq_read_settlement(liq_reader_t *r, const yaml_node_t *map, const char *asset_key,
                               const char *oracle_key, liq_protocol_config_t *p)
{
    static const liq_yrange_t fund = {0.0, INFINITY, false, false, false, "a finite number >= 0"};
    int rc = liq_ref_asset(r, map, asset_key, &p->debt_asset);
    if (rc == LIQ_OK) {
        rc = liq_ref_oracle(r, map, oracle_key, &p->debt_oracle);
    }
    if (rc == LIQ_OK) {
        rc = liq_check_oracle_prices(r, map, oracle_key, p->debt_oracle, p->debt_asset);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "insurance_fund", &fund, false, 0.0, &p->insurance_fund);
    }
    return rc;
}

/* protocols[i] with kind perp: {name, kind, margin_asset, margin_oracle,
 * insurance_fund, keepers: {max_liquidations}, markets}. The margin asset
 * and its oracle are kept as the protocol's debt asset and oracle. */
static int liq_read_perp_protocol(liq_reader_t *r, const yaml_node_t *map, liq_protocol_config_t *p)
{
    static const char *const keys[] = {"name",          "kind",           "margin_asset",
                                       "margin_oracle", "insurance_fund", "keepers",
                                       "markets",       "positions",      NULL};
    static const char *const keeper_keys[] = {"max_liquidations", NULL};
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_read_settlement(r, map, "margin_asset", "margin_oracle", p);
    }
    /* The exchange's own liquidation engine closes positions: there is no
     * keeper reward to weigh against gas, only a throughput limit. */
    const yaml_node_t *keepers = liq_ymap_get(&r->doc, map, "keepers");
    if (rc == LIQ_OK && keepers != NULL) {
        const size_t saved = liq_ypath_push_key(&r->doc, "keepers");
        rc = liq_ymap_check(&r->doc, keepers, keeper_keys);
        if (rc == LIQ_OK) {
            rc = liq_read_keepers(r, keepers, p);
        }
        liq_ypath_pop(&r->doc, saved);
    }
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    if (rc == LIQ_OK) {
        rc = liq_yget_seq(&r->doc, map, "markets", true, true, "markets", &items, &n);
    }
    if (rc == LIQ_OK) {
        rc = liq_alloc_array(r, (void **)&p->perp_markets, n, sizeof(*p->perp_markets));
    }
    for (size_t m = 0; rc == LIQ_OK && m < n; m++) {
        p->n_perp_markets = m + 1;
        const size_t saved = liq_ypath_push_key(&r->doc, "markets");
        liq_ypath_push_index(&r->doc, m);
        rc = liq_read_perp_market(r, liq_ydoc_node(&r->doc, items[m]), p, m);
        liq_ypath_pop(&r->doc, saved);
    }
    p->perp_positions_leverage = NAN;
    const yaml_node_t *positions = liq_ymap_get(&r->doc, map, "positions");
    if (rc == LIQ_OK && positions != NULL) {
        const size_t saved = liq_ypath_push_key(&r->doc, "positions");
        rc = liq_read_perp_positions(r, positions, p);
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

static int liq_read_protocol(liq_reader_t *r, const yaml_node_t *map, size_t i)
{
    static const char *const keys[] = {
        "name",    "kind",    "debt_asset",      "debt_oracle",    "insurance_fund",
        "keepers", "markets", "issues",          "recovery",       "holdings",
        "chain",   "breaker", "dynamic_penalty", "stability_pool", "liquidation",
        "preset",  NULL};
    static const char *const kinds[] = {"lending", "perp", NULL};
    liq_protocol_config_t *p = &r->sc->protocols[i];
    p->max_liquidations = INT64_MAX;
    p->keeper_capital = INFINITY;
    int kind = 0;
    int rc = LIQ_OK;
    if (!liq_is_perp_map(r, map)) {
        rc = liq_ymap_check(&r->doc, map, keys);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_name(r, map, "protocols", r->sc->protocols, sizeof(*p), i, &p->name);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_enum(&r->doc, map, "kind", kinds, "protocol kind", false,
                           LIQ_PROTOCOL_LENDING, &kind);
        p->kind = (liq_protocol_kind_t)kind;
    }
    if (rc == LIQ_OK && p->kind == LIQ_PROTOCOL_PERP) {
        return liq_read_perp_protocol(r, map, p);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_settlement(r, map, "debt_asset", "debt_oracle", p);
    }
    const yaml_node_t *keepers = liq_ymap_get(&r->doc, map, "keepers");
    if (rc == LIQ_OK && keepers != NULL) {
        const size_t saved = liq_ypath_push_key(&r->doc, "keepers");
        rc = liq_read_keepers(r, keepers, p);
        liq_ypath_pop(&r->doc, saved);
    }
    const yaml_node_t *liquidation = liq_ymap_get(&r->doc, map, "liquidation");
    if (rc == LIQ_OK && liquidation != NULL) {
        const size_t saved = liq_ypath_push_key(&r->doc, "liquidation");
        rc = liq_read_liquidation(r, liquidation, &p->liquidation);
        liq_ypath_pop(&r->doc, saved);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_balance_sheet(r, map, i);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_risk_controls(r, map, p);
    }
    /* A protocol needs markets unless it is there for its balance sheet. */
    const bool sheet = p->n_issues > 0 || p->n_holdings > 0;
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    if (rc == LIQ_OK) {
        rc = liq_yget_seq(&r->doc, map, "markets", !sheet, !sheet, "markets", &items, &n);
    }
    if (rc == LIQ_OK) {
        rc = liq_alloc_array(r, (void **)&p->markets, n, sizeof(*p->markets));
    }
    if (rc == LIQ_OK) {
        p->n_markets = n;
    }
    for (size_t m = 0; rc == LIQ_OK && m < n; m++) {
        const size_t saved = liq_ypath_push_key(&r->doc, "markets");
        liq_ypath_push_index(&r->doc, m);
        rc = liq_read_market(r, liq_ydoc_node(&r->doc, items[m]), p, m);
        liq_ypath_pop(&r->doc, saved);
    }
    const yaml_node_t *pool = liq_ymap_get(&r->doc, map, "stability_pool");
    if (rc == LIQ_OK && pool != NULL) {
        const size_t saved = liq_ypath_push_key(&r->doc, "stability_pool");
        rc = liq_read_stability_pool(r, pool, p);
        liq_ypath_pop(&r->doc, saved);
        p->has_stability_pool = rc == LIQ_OK;
    }
    return rc;
}

/* ------------------------------------------------------------- accounts */

static int liq_read_size(liq_reader_t *r, const yaml_node_t *map, liq_account_generator_t *g)
{
    static const char *const all_keys[] = {"distribution", "alpha", "min", "max",
                                           "median",       "sigma", NULL};
    static const char *const pareto_keys[] = {"distribution", "alpha", "min", "max", NULL};
    static const char *const lognormal_keys[] = {"distribution", "median", "sigma", "max", NULL};
    static const char *const dists[] = {"pareto", "lognormal", NULL};
    static const liq_yrange_t positive = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    static const liq_yrange_t sigma = {0.0, INFINITY, false, false, false, "a finite number >= 0"};
    static const liq_yrange_t cap = {0.0, INFINITY, true, false, true, "a number > 0 or inf"};
    int dist = 0;
    int rc = liq_ymap_check(&r->doc, map, all_keys);
    if (rc == LIQ_OK) {
        rc =
            liq_yget_enum(&r->doc, map, "distribution", dists, "size distribution", true, 0, &dist);
        g->size_dist = (liq_size_dist_t)dist;
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    if (g->size_dist == LIQ_SIZE_PARETO) {
        rc = liq_ymap_check(&r->doc, map, pareto_keys);
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, map, "alpha", &positive, true, 0.0, &g->size_a);
        }
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, map, "min", &positive, true, 0.0, &g->size_b);
        }
    } else {
        rc = liq_ymap_check(&r->doc, map, lognormal_keys);
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, map, "median", &positive, true, 0.0, &g->size_a);
        }
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, map, "sigma", &sigma, true, 0.0, &g->size_b);
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "max", &cap, false, INFINITY, &g->size_max);
    }
    if (rc == LIQ_OK && g->size_dist == LIQ_SIZE_PARETO && g->size_max < g->size_b) {
        const size_t saved = liq_ypath_push_key(&r->doc, "max");
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "max"),
                            "value %.17g is below min %.17g; expected max >= min", g->size_max,
                            g->size_b);
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

static int liq_read_health(liq_reader_t *r, const yaml_node_t *map, liq_account_generator_t *g)
{
    static const char *const all_keys[] = {"distribution", "min", "max", "median", "sigma", NULL};
    static const char *const uniform_keys[] = {"distribution", "min", "max", NULL};
    static const char *const lognormal_keys[] = {"distribution", "median", "sigma", NULL};
    static const char *const dists[] = {"uniform", "lognormal", NULL};
    static const liq_yrange_t positive = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    static const liq_yrange_t sigma = {0.0, INFINITY, false, false, false, "a finite number >= 0"};
    int dist = 0;
    int rc = liq_ymap_check(&r->doc, map, all_keys);
    if (rc == LIQ_OK) {
        rc = liq_yget_enum(&r->doc, map, "distribution", dists, "health distribution", true, 0,
                           &dist);
        g->health_dist = (liq_health_dist_t)dist;
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    if (g->health_dist == LIQ_HEALTH_UNIFORM) {
        rc = liq_ymap_check(&r->doc, map, uniform_keys);
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, map, "min", &positive, true, 0.0, &g->health_a);
        }
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, map, "max", &positive, true, 0.0, &g->health_b);
        }
        if (rc == LIQ_OK && g->health_b < g->health_a) {
            const size_t saved = liq_ypath_push_key(&r->doc, "max");
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "max"),
                                "value %.17g is below min %.17g; expected max >= min", g->health_b,
                                g->health_a);
            liq_ypath_pop(&r->doc, saved);
        }
    } else {
        rc = liq_ymap_check(&r->doc, map, lognormal_keys);
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, map, "median", &positive, true, 0.0, &g->health_a);
        }
        if (rc == LIQ_OK) {
            rc = liq_yget_double(&r->doc, map, "sigma", &sigma, true, 0.0, &g->health_b);
        }
    }
    return rc;
}

/* The market of protocol p named by its collateral asset, or an LIQ_EREF
 * error at `at` (the current path) listing the protocol's markets. */
static int liq_find_market_named(liq_reader_t *r, const yaml_node_t *at, int32_t protocol,
                                 const char *asset, int32_t *out)
{
    const liq_scenario_t *sc = r->sc;
    const liq_protocol_config_t *p = &sc->protocols[protocol];
    *out = -1;
    for (size_t m = 0; m < liq_protocol_market_count(p); m++) {
        if (strcmp(sc->assets[liq_protocol_market_asset(p, m)].name, asset) == 0) {
            *out = (int32_t)m;
        }
    }
    if (*out >= 0) {
        return LIQ_OK;
    }
    char list[LIQ_NAME_LIST_MAX];
    size_t used = 0;
    list[0] = '\0';
    for (size_t m = 0; m < liq_protocol_market_count(p) && used < sizeof(list); m++) {
        const int k = snprintf(list + used, sizeof(list) - used, "%s%s", m == 0 ? "" : ", ",
                               sc->assets[liq_protocol_market_asset(p, m)].name);
        used += k > 0 ? (size_t)k : 0;
    }
    return liq_ydoc_error(&r->doc, LIQ_EREF, at,
                          "protocol '%s' has no market for asset '%s'; its markets: %s", p->name,
                          asset, list);
}

/* The `collateral` mapping of a cross-margin generator: one weight per
 * market, keyed by the market's asset; absent markets weigh 0. */
static int liq_read_collateral_weights(liq_reader_t *r, const yaml_node_t *map,
                                       liq_account_generator_t *g)
{
    static const liq_yrange_t weight = {0.0, INFINITY, false, false, false, "a finite number >= 0"};
    const liq_scenario_t *sc = r->sc;
    const liq_protocol_config_t *p = &sc->protocols[g->protocol];
    const size_t n_markets = liq_protocol_market_count(p);
    const char **keys = calloc(n_markets + 1, sizeof(*keys));
    g->collateral_weight = calloc(n_markets > 0 ? n_markets : 1, sizeof(*g->collateral_weight));
    if (keys == NULL || g->collateral_weight == NULL) {
        free(keys);
        return liq_nomem(r);
    }
    for (size_t m = 0; m < n_markets; m++) {
        keys[m] = sc->assets[liq_protocol_market_asset(p, m)].name;
    }
    int rc = liq_ymap_check(&r->doc, map, keys);
    double total = 0.0;
    for (size_t m = 0; rc == LIQ_OK && m < n_markets; m++) {
        rc = liq_yget_double(&r->doc, map, keys[m], &weight, false, 0.0, &g->collateral_weight[m]);
        total += g->collateral_weight[m];
    }
    free(keys);
    if (rc == LIQ_OK && !(total > 0.0 && isfinite(total))) {
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, map,
                            "the weights sum to %.17g; expected at least one weight > 0 (and a "
                            "finite sum) for the markets of protocol '%s'",
                            total, p->name);
    }
    return rc;
}

static int liq_read_generator(liq_reader_t *r, const yaml_node_t *map, size_t item)
{
    static const char *const keys[] = {"protocol", "market", "margin", "collateral",
                                       "count",    "size",   "health", NULL};
    static const char *const perp_keys[] = {
        "protocol", "market", "margin", "markets", "count", "size", "leverage", "long_share", NULL};
    static const liq_yrange_t share = {0.0, 1.0, false, false, false, "a number in [0, 1]"};
    static const char *const margins[] = {"isolated", "cross", NULL};
    liq_account_generator_t *g = &r->sc->generators[r->sc->n_generators];
    g->stream = (uint64_t)item;
    g->market = -1;
    g->long_share = (double)NAN;
    int rc = liq_ref_protocol(r, map, "protocol", &g->protocol);
    /* Perp positions: notional size, leverage and side instead of health. */
    const bool perp = rc == LIQ_OK && r->sc->protocols[g->protocol].kind == LIQ_PROTOCOL_PERP;
    if (rc == LIQ_OK) {
        rc = liq_ymap_check(&r->doc, map, perp ? perp_keys : keys);
    }
    int margin = LIQ_MARGIN_ISOLATED;
    if (rc == LIQ_OK) {
        rc = liq_yget_enum(&r->doc, map, "margin", margins, "margin mode", false,
                           LIQ_MARGIN_ISOLATED, &margin);
        g->margin = (liq_margin_t)margin;
    }
    /* Isolated accounts name one market; cross accounts weigh several. */
    const char *weights = perp ? "markets" : "collateral";
    const char *wanted = g->margin == LIQ_MARGIN_CROSS ? weights : "market";
    const char *unwanted = g->margin == LIQ_MARGIN_CROSS ? "market" : weights;
    if (rc == LIQ_OK && liq_ymap_get(&r->doc, map, unwanted) != NULL) {
        const size_t saved = liq_ypath_push_key(&r->doc, unwanted);
        rc = liq_ydoc_error(&r->doc, LIQ_EKEY, liq_ymap_get(&r->doc, map, unwanted),
                            "not allowed with margin: %s; expected '%s'",
                            g->margin == LIQ_MARGIN_CROSS ? "cross" : "isolated", wanted);
        liq_ypath_pop(&r->doc, saved);
    }
    yaml_node_t *node = NULL;
    if (rc == LIQ_OK) {
        rc = liq_ymap_require(&r->doc, map, wanted, &node);
    }
    const char *market = NULL;
    if (rc == LIQ_OK && g->margin == LIQ_MARGIN_ISOLATED) {
        rc = liq_yget_string(&r->doc, map, "market", true, NULL, &market);
    }
    if (rc == LIQ_OK) {
        const size_t saved = liq_ypath_push_key(&r->doc, wanted);
        if (g->margin == LIQ_MARGIN_CROSS) {
            rc = liq_read_collateral_weights(r, node, g);
        } else {
            /* A market is named by its collateral asset: unique per protocol. */
            rc = liq_find_market_named(r, node, g->protocol, market, &g->market);
        }
        liq_ypath_pop(&r->doc, saved);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_int(&r->doc, map, "count", 0, INT64_MAX, "an integer >= 0", true, 0,
                          &g->count);
    }
    if (rc == LIQ_OK) {
        rc = liq_ymap_require(&r->doc, map, "size", &node);
    }
    if (rc == LIQ_OK) {
        const size_t saved = liq_ypath_push_key(&r->doc, "size");
        rc = liq_read_size(r, node, g);
        liq_ypath_pop(&r->doc, saved);
    }
    const char *health = perp ? "leverage" : "health";
    if (rc == LIQ_OK) {
        rc = liq_ymap_require(&r->doc, map, health, &node);
    }
    if (rc == LIQ_OK) {
        const size_t saved = liq_ypath_push_key(&r->doc, health);
        rc = liq_read_health(r, node, g);
        liq_ypath_pop(&r->doc, saved);
    }
    if (rc == LIQ_OK && perp) {
        rc = liq_yget_double(&r->doc, map, "long_share", &share, false, 0.5, &g->long_share);
    }
    if (rc == LIQ_OK) {
        r->sc->n_generators++;
    } else {
        /* Only counted generators are released by liq_scenario_destroy. */
        free(g->collateral_weight);
        g->collateral_weight = NULL;
    }
    return rc;
}

static bool liq_has_suffix(const char *s, const char *suffix)
{
    const size_t n = strlen(s);
    const size_t k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static int liq_read_positions(liq_reader_t *r, const yaml_node_t *map)
{
    static const char *const keys[] = {"file", "format", NULL};
    static const char *const formats[] = {"csv", "hdf5", NULL};
    liq_positions_source_t *src = &r->sc->positions[r->sc->n_positions];
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_read_file_key(r, map, &src->path);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    r->sc->n_positions++; /* the path is owned from here on */
    int format = -1;
    rc = liq_yget_enum(&r->doc, map, "format", formats, "positions format", false, -1, &format);
    if (rc == LIQ_OK && format < 0) {
        if (liq_has_suffix(src->path, ".csv")) {
            format = LIQ_POSITIONS_CSV;
        } else if (liq_has_suffix(src->path, ".h5") || liq_has_suffix(src->path, ".hdf5")) {
            format = LIQ_POSITIONS_HDF5;
        } else {
            const size_t saved = liq_ypath_push_key(&r->doc, "file");
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "file"),
                                "cannot tell the format of '%s' from its extension; expected a "
                                "name ending in .csv, .h5 or .hdf5, or the key format: csv|hdf5",
                                src->path);
            liq_ypath_pop(&r->doc, saved);
        }
    }
    src->format = (liq_positions_format_t)format;
    /* Positions are read later (liq_positions_load); an unreadable file is
     * still reported here, against the line that names it. */
    if (rc == LIQ_OK && access(src->path, R_OK) != 0) {
        rc = liq_file_error(r, map, src->path, errno);
    }
    return rc;
}

static int liq_read_accounts(liq_reader_t *r, const yaml_node_t *root)
{
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(&r->doc, root, "accounts", false, false, "account sources", &items, &n);
    size_t n_files = 0;
    for (size_t i = 0; rc == LIQ_OK && i < n; i++) {
        const yaml_node_t *item = liq_ydoc_node(&r->doc, items[i]);
        n_files += liq_ymap_get(&r->doc, item, "file") != NULL ? 1 : 0;
    }
    if (rc == LIQ_OK) {
        rc = liq_alloc_array(r, (void **)&r->sc->generators, n - n_files,
                             sizeof(*r->sc->generators));
    }
    if (rc == LIQ_OK) {
        rc = liq_alloc_array(r, (void **)&r->sc->positions, n_files, sizeof(*r->sc->positions));
    }
    for (size_t i = 0; rc == LIQ_OK && i < n; i++) {
        const yaml_node_t *item = liq_ydoc_node(&r->doc, items[i]);
        const size_t saved = liq_ypath_push_key(&r->doc, "accounts");
        liq_ypath_push_index(&r->doc, i);
        if (liq_ymap_get(&r->doc, item, "file") != NULL) {
            rc = liq_read_positions(r, item);
        } else {
            rc = liq_read_generator(r, item, i);
        }
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

/* --------------------------------------------------------------- shocks */

/* A new zeroed shock at the end of the list (path items add several). */
/* The `asset` of a shock: any asset but one a protocol issues. */
static int liq_ref_shocked_asset(liq_reader_t *r, const yaml_node_t *map, int32_t *out)
{
    int rc = liq_ref_asset(r, map, "asset", out);
    const int32_t issuer = rc == LIQ_OK ? liq_scenario_issuer(r->sc, r->sc->n_protocols, *out) : -1;
    if (issuer >= 0) {
        const size_t saved = liq_ypath_push_key(&r->doc, "asset");
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "asset"),
                            "'%s' is issued by protocol '%s' and its price follows the issuer's "
                            "solvency; expected an asset that no protocol issues",
                            r->sc->assets[*out].name, r->sc->protocols[issuer].name);
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

static int liq_push_shock(liq_reader_t *r, liq_shock_t **out)
{
    liq_scenario_t *sc = r->sc;
    if (sc->n_shocks == r->shock_capacity) {
        const size_t capacity = r->shock_capacity > 0 ? 2 * r->shock_capacity : 8;
        liq_shock_t *grown = realloc(sc->shocks, capacity * sizeof(*grown));
        if (grown == NULL) {
            return liq_nomem(r);
        }
        sc->shocks = grown;
        r->shock_capacity = capacity;
    }
    *out = &sc->shocks[sc->n_shocks++];
    memset(*out, 0, sizeof(**out));
    (*out)->asset = -1;
    return LIQ_OK;
}

static int liq_read_step(liq_reader_t *r, const yaml_node_t *map, liq_shock_t *s, size_t k)
{
    static const char *const keys[] = {"round", "return", "log_return", NULL};
    static const liq_yrange_t simple = {-1.0, INFINITY, true, false, false, "a finite number > -1"};
    static const liq_yrange_t any = {-INFINITY, INFINITY, false, false, false, "a finite number"};
    char expected[96];
    snprintf(expected, sizeof(expected), "an integer in [1, %lld] (rounds)",
             (long long)r->sc->rounds);
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_yget_int(&r->doc, map, "round", 1, r->sc->rounds, expected, true, 0, &s->round[k]);
    }
    if (rc == LIQ_OK && k > 0 && s->round[k] <= s->round[k - 1]) {
        const size_t saved = liq_ypath_push_key(&r->doc, "round");
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "round"),
                            "round %lld is not after round %lld of steps[%zu]; expected rounds "
                            "in strictly increasing order",
                            (long long)s->round[k], (long long)s->round[k - 1], k - 1);
        liq_ypath_pop(&r->doc, saved);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    const bool has_simple = liq_ymap_get(&r->doc, map, "return") != NULL;
    const bool has_log = liq_ymap_get(&r->doc, map, "log_return") != NULL;
    if (has_simple == has_log) {
        return liq_ydoc_error(&r->doc, LIQ_EKEY, map,
                              has_simple ? "both 'return' and 'log_return' given; expected "
                                           "exactly one"
                                         : "missing key 'return' or 'log_return'");
    }
    if (has_log) {
        return liq_yget_double(&r->doc, map, "log_return", &any, true, 0.0, &s->log_return[k]);
    }
    double simple_return = 0.0;
    rc = liq_yget_double(&r->doc, map, "return", &simple, true, 0.0, &simple_return);
    /* log1p keeps full precision for the small returns typical of a round. */
    s->log_return[k] = log1p(simple_return);
    return rc;
}

static int liq_read_schedule(liq_reader_t *r, const yaml_node_t *map, size_t item)
{
    static const char *const keys[] = {"type", "asset", "steps", NULL};
    int rc = liq_ymap_check(&r->doc, map, keys);
    liq_shock_t *s = NULL;
    if (rc == LIQ_OK) {
        rc = liq_push_shock(r, &s);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    s->kind = LIQ_SHOCK_SCHEDULE;
    s->stream = (uint64_t)item;
    rc = liq_ref_shocked_asset(r, map, &s->asset);
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    if (rc == LIQ_OK) {
        rc = liq_yget_seq(&r->doc, map, "steps", true, true, "steps", &items, &n);
    }
    if (rc == LIQ_OK) {
        rc = liq_alloc_array(r, (void **)&s->round, n, sizeof(*s->round));
    }
    if (rc == LIQ_OK) {
        rc = liq_alloc_array(r, (void **)&s->log_return, n, sizeof(*s->log_return));
    }
    if (rc == LIQ_OK) {
        s->n_steps = n;
    }
    for (size_t k = 0; rc == LIQ_OK && k < n; k++) {
        const size_t saved = liq_ypath_push_key(&r->doc, "steps");
        liq_ypath_push_index(&r->doc, k);
        rc = liq_read_step(r, liq_ydoc_node(&r->doc, items[k]), s, k);
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

static int liq_read_gbm(liq_reader_t *r, const yaml_node_t *map, size_t item)
{
    static const char *const keys[] = {
        "type",      "asset",      "drift", "volatility", "jump_intensity",
        "jump_mean", "jump_stdev", "start", "end",        NULL};
    static const liq_yrange_t any = {-INFINITY, INFINITY, false, false, false, "a finite number"};
    static const liq_yrange_t nonneg = {0.0, INFINITY, false, false, false, "a finite number >= 0"};
    int rc = liq_ymap_check(&r->doc, map, keys);
    liq_shock_t *s = NULL;
    if (rc == LIQ_OK) {
        rc = liq_push_shock(r, &s);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    s->kind = LIQ_SHOCK_GBM;
    s->stream = (uint64_t)item;
    rc = liq_ref_shocked_asset(r, map, &s->asset);
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "drift", &any, false, 0.0, &s->drift);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "volatility", &nonneg, true, 0.0, &s->volatility);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "jump_intensity", &nonneg, false, 0.0,
                             &s->jump_intensity);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "jump_mean", &any, false, 0.0, &s->jump_mean);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "jump_stdev", &nonneg, false, 0.0, &s->jump_stdev);
    }
    const int64_t rounds = r->sc->rounds;
    const double round_seconds = r->sc->round_seconds;
    if (rc == LIQ_OK) {
        rc = liq_yget_duration(&r->doc, map, "start", round_seconds, 1, false, 1, &s->start);
    }
    if (rc == LIQ_OK && s->start > rounds) {
        const size_t saved = liq_ypath_push_key(&r->doc, "start");
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "start"),
                            "round %lld is after the last round; expected a round in [1, %lld]",
                            (long long)s->start, (long long)rounds);
        liq_ypath_pop(&r->doc, saved);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_duration(&r->doc, map, "end", round_seconds, 1, false, rounds, &s->end);
    }
    if (rc == LIQ_OK && s->end < s->start) {
        const size_t saved = liq_ypath_push_key(&r->doc, "end");
        rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "end"),
                            "round %lld is before start %lld; expected a round >= start",
                            (long long)s->end, (long long)s->start);
        liq_ypath_pop(&r->doc, saved);
    }
    /* A process may be written to run "until the end" with a long end. */
    if (s->end > rounds) {
        s->end = rounds;
    }
    return rc;
}

/* ------------------------------------------------------- path CSV files */

/* One PATH shock per asset column: log returns ln(P(t)/P(t-1)), t >= 1. */
static int liq_path_shocks(liq_reader_t *r, const liq_price_path_t *pp, const char *path,
                           size_t item)
{
    const size_t width = pp->n_assets;
    const size_t n_steps = pp->n_rows - 1;
    for (size_t col = 0; col < width; col++) {
        liq_shock_t *s = NULL;
        int rc = liq_push_shock(r, &s);
        if (rc != LIQ_OK) {
            return rc;
        }
        s->kind = LIQ_SHOCK_PATH;
        s->asset = pp->asset[col];
        s->stream = (uint64_t)item;
        rc = liq_dup(r, path, &s->path);
        if (rc == LIQ_OK) {
            rc = liq_alloc_array(r, (void **)&s->round, n_steps, sizeof(*s->round));
        }
        if (rc == LIQ_OK) {
            rc = liq_alloc_array(r, (void **)&s->log_return, n_steps, sizeof(*s->log_return));
        }
        if (rc != LIQ_OK) {
            return rc;
        }
        s->n_steps = n_steps;
        for (size_t t = 1; t <= n_steps; t++) {
            s->round[t - 1] = (int64_t)t;
            s->log_return[t - 1] =
                log(pp->price[t * width + col] / pp->price[(t - 1) * width + col]);
        }
    }
    return LIQ_OK;
}

static int liq_read_path(liq_reader_t *r, const yaml_node_t *map, size_t item)
{
    static const char *const keys[] = {"type", "file", NULL};
    char *path = NULL;
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_read_file_key(r, map, &path);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    char *text = NULL;
    size_t len = 0;
    int err = 0;
    rc = liq_text_file_read(path, &text, &len, &err);
    if (rc == LIQ_ENOMEM) {
        rc = liq_nomem(r);
    } else if (rc != LIQ_OK) {
        rc = liq_file_error(r, map, path, err);
    }
    liq_price_path_t pp = {0, NULL, 0, NULL};
    if (rc == LIQ_OK) {
        rc = liq_price_path_parse(&pp, text, len, path, r->sc, r->doc.file);
    }
    if (rc == LIQ_OK) {
        rc = liq_path_shocks(r, &pp, path, item);
    }
    liq_price_path_release(&pp);
    free(text);
    free(path);
    return rc;
}

/* The optional `adversary` mapping. */
static int liq_read_adversary(liq_reader_t *r, const yaml_node_t *root)
{
    static const char *const keys[] = {"round", "pool", "sell", "amount", "flash_fee", NULL};
    static const liq_yrange_t amount = {0.0, INFINITY, true, false, false, "a finite number > 0"};
    static const liq_yrange_t fee = {0.0, 1.0, false, true, false, "a number in [0, 1)"};
    const yaml_node_t *map = liq_ymap_get(&r->doc, root, "adversary");
    if (map == NULL) {
        return LIQ_OK;
    }
    liq_scenario_t *sc = r->sc;
    liq_adversary_config_t *adv = &sc->adversary;
    const size_t saved = liq_ypath_push_key(&r->doc, "adversary");
    int rc = liq_ymap_check(&r->doc, map, keys);
    if (rc == LIQ_OK) {
        rc = liq_yget_int(&r->doc, map, "round", 1, sc->rounds, "a round in 1 .. rounds", true, 0,
                          &adv->round);
    }
    if (rc == LIQ_OK) {
        rc = liq_ref_pool(r, map, "pool", &adv->pool);
    }
    int32_t asset = -1;
    if (rc == LIQ_OK) {
        rc = liq_ref_asset(r, map, "sell", &asset);
    }
    if (rc == LIQ_OK) {
        const liq_pool_config_t *pool = &sc->pools[adv->pool];
        if (asset != pool->token0 && asset != pool->token1) {
            const size_t inner = liq_ypath_push_key(&r->doc, "sell");
            rc = liq_ydoc_error(&r->doc, LIQ_EINVAL, liq_ymap_get(&r->doc, map, "sell"),
                                "pool '%s' trades %s and %s; expected one of them", pool->name,
                                sc->assets[pool->token0].name, sc->assets[pool->token1].name);
            liq_ypath_pop(&r->doc, inner);
        }
        adv->sell_token = asset == pool->token0 ? 0 : 1;
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "amount", &amount, true, 0.0, &adv->amount);
    }
    if (rc == LIQ_OK) {
        rc = liq_yget_double(&r->doc, map, "flash_fee", &fee, false, 0.0, &adv->flash_fee);
    }
    adv->enabled = rc == LIQ_OK;
    liq_ypath_pop(&r->doc, saved);
    return rc;
}

static int liq_read_shocks(liq_reader_t *r, const yaml_node_t *root)
{
    static const char *const types[] = {"schedule", "path", "gbm", NULL};
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(&r->doc, root, "shocks", false, false, "shocks", &items, &n);
    for (size_t i = 0; rc == LIQ_OK && i < n; i++) {
        const yaml_node_t *item = liq_ydoc_node(&r->doc, items[i]);
        const size_t saved = liq_ypath_push_key(&r->doc, "shocks");
        liq_ypath_push_index(&r->doc, i);
        int type = 0;
        if (item->type != YAML_MAPPING_NODE) {
            static const char *const keys[] = {"type", NULL};
            rc = liq_ymap_check(&r->doc, item, keys);
            if (rc == LIQ_OK) {
                rc = liq_ydoc_error(&r->doc, LIQ_EKEY, item, "missing key 'type'");
            }
        }
        if (rc == LIQ_OK) {
            rc = liq_yget_enum(&r->doc, item, "type", types, "shock type", true, 0, &type);
        }
        if (rc == LIQ_OK) {
            if (type == 0) {
                rc = liq_read_schedule(r, item, i);
            } else if (type == 1) {
                rc = liq_read_path(r, item, i);
            } else {
                rc = liq_read_gbm(r, item, i);
            }
        }
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
}

/* ------------------------------------------------------------- sections */

/* Reads a list section into a zeroed array of n items of `size` bytes. */
typedef int (*liq_item_reader_t)(liq_reader_t *r, const yaml_node_t *map, size_t i);

static int liq_read_section(liq_reader_t *r, const yaml_node_t *root, const char *key,
                            bool required, void **array, size_t *count, size_t size,
                            liq_item_reader_t read_item)
{
    yaml_node_item_t *items = NULL;
    size_t n = 0;
    int rc = liq_yget_seq(&r->doc, root, key, required, required, key, &items, &n);
    if (rc == LIQ_OK) {
        rc = liq_alloc_array(r, array, n, size);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    *count = n;
    for (size_t i = 0; rc == LIQ_OK && i < n; i++) {
        const size_t saved = liq_ypath_push_key(&r->doc, key);
        liq_ypath_push_index(&r->doc, i);
        rc = read_item(r, liq_ydoc_node(&r->doc, items[i]), i);
        liq_ypath_pop(&r->doc, saved);
    }
    return rc;
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

static int liq_read_scenario(liq_reader_t *r, const char *stem)
{
    liq_scenario_t *sc = r->sc;
    yaml_node_t *root = liq_ydoc_root(&r->doc);
    if (root == NULL || liq_ynode_is_null(root)) {
        return liq_ydoc_error(&r->doc, LIQ_EINVAL, root,
                              "the document is empty; expected a mapping with at least the keys "
                              "rounds and assets");
    }
    /* A graph-based scenario's keys were checked before its lists were added. */
    int rc = r->from_graph ? LIQ_OK : liq_ymap_check(&r->doc, root, liq_top_keys);
    /* round_seconds first: every duration below is converted with it. */
    if (rc == LIQ_OK) {
        rc = liq_read_top(r, root, stem);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_section(r, root, "assets", true, (void **)&sc->assets, &sc->n_assets,
                              sizeof(*sc->assets), liq_read_asset);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_section(r, root, "pools", false, (void **)&sc->pools, &sc->n_pools,
                              sizeof(*sc->pools), liq_read_pool);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_section(r, root, "oracles", false, (void **)&sc->oracles, &sc->n_oracles,
                              sizeof(*sc->oracles), liq_read_oracle);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_section(r, root, "protocols", false, (void **)&sc->protocols,
                              &sc->n_protocols, sizeof(*sc->protocols), liq_read_protocol);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_accounts(r, root);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_shocks(r, root);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_adversary(r, root);
    }
    return rc;
}

int liq_scenario_parse(liq_scenario_t **out, const char *text, size_t len, const char *name,
                       const char *base_dir)
{
    return liq_scenario_parse_with(out, text, len, name, base_dir, NULL, 0);
}

/* Overrides of the keys that say where the network comes from are applied
 * before the graph file is read; all others after, so that they reach the
 * graph's values by the paths of the lists it became. */
static bool liq_override_before_graph(const liq_override_t *ov)
{
    static const char *const keys[] = {"network", "network_format", "defaults", NULL};
    const size_t len = strcspn(ov->path, ".[");
    for (size_t k = 0; keys[k] != NULL; k++) {
        if (strlen(keys[k]) == len && strncmp(ov->path, keys[k], len) == 0) {
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

/* Protocol presets for the design generations of MODEL.md s5. A preset
 * fills the keys a protocol leaves out (docs/scenario.md lists them and
 * their sources); a key the protocol sets wins. Paths are below the
 * protocol; "markets[*]." applies to each of its markets. */
typedef struct {
    const char *path, *value;
} liq_preset_key_t;

static const liq_preset_key_t liq_preset_v1[] = {
    /* V1 fixed: Compound v2 / Aave v1: instant liquidation, a fixed close
     * factor of 50% and no full close. */
    {"liquidation.mode", "instant"},
    {"markets[*].close_factor", "0.5"},
    {"markets[*].full_close_health", "0"},
    {NULL, NULL}};
static const liq_preset_key_t liq_preset_v2[] = {
    /* V2 auction: MakerDAO Liquidations 2.0: Dutch auctions (ETH-A's
     * clipper, the reader's defaults) behind ClipperMom's breaker, which
     * trips on a fall of more than 50% within an hour and holds until
     * governance acts (here a day). */
    {"liquidation.mode", "dutch_auction"},
    {"breaker.drop", "0.5"},
    {"breaker.window", "1h"},
    {"breaker.pause", "1d"},
    {NULL, NULL}};
static const liq_preset_key_t liq_preset_v3[] = {
    /* V3 dynamic: Aave v3's close factor (50%, all below HF 0.95), a bonus
     * that grows with volatility, keepers who price their own slippage. */
    {"markets[*].close_factor", "0.5"},
    {"markets[*].full_close_health", "0.95"},
    {"dynamic_penalty.reference_volatility", "0.002"},
    {"dynamic_penalty.window", "1h"},
    {"dynamic_penalty.max_scale", "2"},
    {"keepers.anticipate_slippage", "true"},
    {NULL, NULL}};

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
            return liq_nomem(r);
        }
        *ov = o;
        char **p = realloc(*paths, grown * sizeof(**paths));
        if (p == NULL) {
            return liq_nomem(r);
        }
        *paths = p;
        *cap = grown;
    }
    (*paths)[*count] = strdup(path);
    if ((*paths)[*count] == NULL) {
        return liq_nomem(r);
    }
    (*ov)[*count] = (liq_override_t){(*paths)[*count], value, 0, 0, NULL};
    (*count)++;
    return LIQ_OK;
}

/* Expands every protocol's `preset` into the keys it leaves out, as
 * overrides of the document, before the protocols are read. */
static int liq_apply_presets(liq_reader_t *r)
{
    static const char *const names[] = {"v1_fixed", "v2_auction", "v3_dynamic", NULL};
    static const liq_preset_key_t *const tables[] = {liq_preset_v1, liq_preset_v2, liq_preset_v3};
    yaml_node_t *root = liq_ydoc_root(&r->doc);
    yaml_node_t *list = root != NULL && root->type == YAML_MAPPING_NODE
                            ? liq_ymap_get(&r->doc, root, "protocols")
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
        if (p->type != YAML_MAPPING_NODE || liq_ymap_get(&r->doc, p, "preset") == NULL) {
            continue;
        }
        int which = 0;
        const size_t saved = liq_ypath_push_key(&r->doc, "protocols");
        liq_ypath_push_index(&r->doc, i);
        rc = liq_yget_enum(&r->doc, p, "preset", names, "preset", true, 0, &which);
        liq_ypath_pop(&r->doc, saved);
        const yaml_node_t *markets = liq_ymap_get(&r->doc, p, "markets");
        const size_t n_markets =
            markets != NULL && markets->type == YAML_SEQUENCE_NODE
                ? (size_t)(markets->data.sequence.items.top - markets->data.sequence.items.start)
                : 0;
        for (const liq_preset_key_t *k = tables[which]; rc == LIQ_OK && k->path != NULL; k++) {
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
    char *stem = NULL;
    int rc = liq_ydoc_load(&r.doc, text, len, file);
    if (rc == LIQ_OK) {
        rc = liq_apply_overrides(&r, overrides, n, true);
    }
    if (rc == LIQ_OK) {
        rc = liq_scenario_graph_inject(&r.doc, liq_graph_top_keys, base_dir, &r.from_graph);
    }
    if (rc == LIQ_OK) {
        rc = liq_apply_overrides(&r, overrides, n, false);
    }
    if (rc == LIQ_OK) {
        rc = liq_apply_presets(&r);
    }
    if (rc == LIQ_OK) {
        r.sc = calloc(1, sizeof(*r.sc));
        stem = liq_stem(name != NULL ? name : "scenario");
        if (r.sc == NULL || stem == NULL) {
            rc = liq_nomem(&r);
        }
    }
    if (rc == LIQ_OK && name != NULL) {
        rc = liq_dup(&r, name, &r.sc->source_path);
    }
    if (rc == LIQ_OK) {
        rc = liq_read_scenario(&r, stem);
    }
    free(stem);
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
