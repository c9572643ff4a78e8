/*
 * The scenario keys (scenario_keys.h): the top level, assets, pools,
 * oracles and the adversary, and the rules that tie their keys together.
 * Protocols and their mechanisms are in scenario_keys_protocol.c, accounts
 * and shocks in scenario_keys_accounts.c.
 *
 * A row's `expected` is the wording of the reader's messages and of the
 * docs' "valid" column at once; its `doc_valid` adds what the range does
 * not say. Rules return their problem; the reader says where it was.
 */
#include "model/scenario_keys.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "liqnet/error.h"
#include "model/scenario_facts.h"
#include "model/scenario_keys_rows.h"

/* Enums are stored through an int. */
_Static_assert(sizeof(liq_pool_kind_t) == sizeof(int), "enums are ints");
_Static_assert(sizeof(liq_oracle_source_t) == sizeof(int), "enums are ints");
_Static_assert(sizeof(int32_t) == sizeof(int), "a reference fits an int");

/* ------------------------------------------------------------ helpers */

const liq_key_t *liq_entity_key(const liq_entity_t *entity, const char *name)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        if (strcmp(entity->keys[k].name, name) == 0) {
            return &entity->keys[k];
        }
    }
    return NULL;
}

const liq_key_t *liq_entity_field_key(const liq_entity_t *entity, liq_key_type_t type,
                                      size_t offset)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        if (entity->keys[k].type == type && entity->keys[k].offset == offset) {
            return &entity->keys[k];
        }
    }
    return NULL;
}

const liq_key_t *liq_entity_items_key(const liq_entity_t *entity, const liq_entity_t *items)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        if (entity->keys[k].entity == items) {
            return &entity->keys[k];
        }
    }
    return NULL;
}

const liq_key_t *liq_entity_custom_key(const liq_entity_t *entity, liq_key_custom_t custom)
{
    for (size_t k = 0; k < entity->n_keys; k++) {
        if (entity->keys[k].type == LIQ_KEY_CUSTOM && entity->keys[k].custom == custom) {
            return &entity->keys[k];
        }
    }
    return NULL;
}

liq_key_need_t liq_key_applies(const liq_key_t *key, const liq_key_ctx_t *ctx, const void *obj,
                               liq_key_forbid_t *why)
{
    liq_key_forbid_t ignored;
    if (why == NULL) {
        why = &ignored;
    }
    *why = (liq_key_forbid_t){NULL, NULL, NULL, LIQ_EKEY};
    if (key->need != NULL) {
        return key->need(ctx, obj, why);
    }
    return (key->flags & LIQ_KEY_REQUIRED) != 0 ? LIQ_NEED_REQUIRED : LIQ_NEED_OPTIONAL;
}

bool liq_key_is_default(const liq_key_t *key, const void *obj)
{
    const void *field = liq_key_cfield(key, obj);
    switch (key->type) {
    case LIQ_KEY_NUMBER: {
        const double v = *(const double *)field;
        return (isnan(v) && isnan(key->dflt)) || v == key->dflt;
    }
    case LIQ_KEY_INTEGER:
    case LIQ_KEY_DURATION:
        return *(const int64_t *)field == key->idflt;
    case LIQ_KEY_ENUM:
    case LIQ_KEY_FLAG:
    case LIQ_KEY_REF:
        return *(const int *)field == (int)key->idflt;
    case LIQ_KEY_STRING:
    case LIQ_KEY_NAME:
    case LIQ_KEY_FILE:
        return *(char *const *)field == NULL;
    case LIQ_KEY_LIST:
        return *(const size_t *)((const char *)obj + key->count_offset) == 0;
    case LIQ_KEY_MAP:
    case LIQ_KEY_CUSTOM:
        break;
    }
    return false;
}

bool liq_key_written(const liq_key_t *key, const liq_key_ctx_t *ctx, const void *obj)
{
    if ((key->flags & (LIQ_KEY_NO_DUMP | LIQ_KEY_NO_FIELD)) != 0) {
        return false;
    }
    const liq_key_need_t need = liq_key_applies(key, ctx, obj, NULL);
    if (need == LIQ_NEED_HIDDEN || need == LIQ_NEED_FORBIDDEN) {
        return false;
    }
    if ((key->flags & LIQ_KEY_DUMP_SET) != 0 && liq_key_is_default(key, obj)) {
        return false;
    }
    if (key->dump_if != NULL && !key->dump_if(ctx, obj)) {
        return false;
    }
    if (key->type == LIQ_KEY_MAP && key->present_offset != 0 &&
        !*(const int *)((const char *)obj + key->present_offset)) {
        return false;
    }
    if ((key->type == LIQ_KEY_STRING || key->type == LIQ_KEY_FILE) &&
        *(char *const *)liq_key_cfield(key, obj) == NULL && key->sdflt == NULL) {
        return false;
    }
    return true;
}

const char *liq_ref_singular(liq_ref_kind_t kind)
{
    static const char *const names[] = {"asset",  "pool",  "oracle", "protocol",
                                        "market", "chain", "bridge"};
    return names[kind];
}

const char *liq_ref_plural(liq_ref_kind_t kind)
{
    static const char *const names[] = {"assets",  "pools",  "oracles", "protocols",
                                        "markets", "chains", "bridges"};
    return names[kind];
}

int liq_key_problem(liq_key_problem_t *problem, int code, const char *key, const char *fmt, ...)
{
    problem->code = code;
    problem->key = key;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem->what, sizeof(problem->what), fmt, ap);
    va_end(ap);
    return code;
}

int liq_key_find_market(const liq_scenario_t *sc, const liq_protocol_config_t *protocol,
                        const char *asset, int32_t *out, liq_key_problem_t *problem)
{
    *out = -1;
    const size_t n = liq_protocol_market_count(protocol);
    for (size_t m = 0; m < n; m++) {
        if (strcmp(sc->assets[liq_protocol_market_asset(protocol, m)].name, asset) == 0) {
            *out = (int32_t)m;
        }
    }
    if (*out >= 0) {
        return LIQ_OK;
    }
    char list[LIQ_KEY_LIST_MAX];
    size_t used = 0;
    list[0] = '\0';
    for (size_t m = 0; m < n && used < sizeof(list); m++) {
        const int k = snprintf(list + used, sizeof(list) - used, "%s%s", m == 0 ? "" : ", ",
                               sc->assets[liq_protocol_market_asset(protocol, m)].name);
        used += k > 0 ? (size_t)k : 0;
    }
    return liq_key_problem(problem, LIQ_EREF, NULL,
                           "protocol '%s' has no market for asset '%s'; its markets: %s",
                           protocol->name, asset, list);
}

int liq_key_oracle_prices(const liq_scenario_t *sc, const char *key, int32_t oracle, int32_t asset,
                          liq_key_problem_t *problem)
{
    const int32_t priced = liq_oracle_priced_asset(sc, &sc->oracles[oracle]);
    if (priced == asset) {
        return LIQ_OK;
    }
    const char *want = sc->assets[asset].name;
    return liq_key_problem(
        problem, LIQ_EINVAL, key,
        "oracle '%s' prices %s, not %s; expected an oracle of %s (source market with asset %s, "
        "or a pool source whose token0 is %s)",
        sc->oracles[oracle].name, sc->assets[priced].name, want, want, want, want);
}

/* ---------------------------------------------------------- top level */

static const liq_key_t liq_output_keys[] = {
    {.name = "flush_every",
     .type = LIQ_KEY_INTEGER,
     .offset = offsetof(liq_scenario_t, flush_every),
     .idflt = 100,
     LIQ_INTEGER_AT_LEAST_1,
     .unit = "rounds",
     .doc = "rounds between HDF5 flushes"},
    {.name = "events",
     .type = LIQ_KEY_FLAG,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_scenario_t, output_events),
     .idflt = -1,
     .doc = "write the event tables (group `/events`: a row per liquidation, per auction dealt, "
            "per borrower action); off keeps the file of a huge run small",
     .doc_default = "`true` for runs of fewer than 10^6 accounts (isolated, cross-margin and "
                    "perp accounts together), else `false`; `false` in a run split over several "
                    "processes, where `true` is an error (rows are not exchanged)"},
};

const liq_entity_t liq_output_entity = {
    .name = "output", .title = "output", LIQ_KEYS(liq_output_keys), .check_all = true};

static const liq_key_t liq_scenario_keys[] = {
    {.name = "name",
     .type = LIQ_KEY_STRING,
     .flags = LIQ_KEY_KEEP,
     .offset = offsetof(liq_scenario_t, name),
     .sdflt = "scenario",
     .doc = "the scenario's name, in messages and outputs",
     .doc_default = "the file name without directory and last extension"},
    {.name = "rounds",
     .type = LIQ_KEY_INTEGER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_scenario_t, rounds),
     LIQ_INTEGER_AT_LEAST_1,
     .unit = "rounds",
     .doc = "T, the rounds of the run"},
    {.name = "round_seconds",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_scenario_t, round_seconds),
     .dflt = 12.0,
     LIQ_POSITIVE,
     .unit = "seconds",
     .doc = "market time per round; durations in seconds are converted with it",
     .doc_default = "12 (one Ethereum block)"},
    {.name = "seed",
     .type = LIQ_KEY_INTEGER,
     .offset = offsetof(liq_scenario_t, seed),
     .idflt = 1,
     LIQ_INTEGER_AT_LEAST_0,
     .doc = "the seed of the run's random numbers"},
    {.name = "output",
     .type = LIQ_KEY_MAP,
     .entity = &liq_output_entity,
     .doc = "how the run file is written"},
    {.name = "assets",
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_SECTION,
     .offset = offsetof(liq_scenario_t, assets),
     .count_offset = offsetof(liq_scenario_t, n_assets),
     .entity = &liq_asset_entity,
     .doc = "the tokens, each with its external market ([assets](#assets))",
     .doc_default = "**required** (unless `network`)",
     .doc_valid = "not with `network`"},
    {.name = "pools",
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_SECTION,
     .offset = offsetof(liq_scenario_t, pools),
     .count_offset = offsetof(liq_scenario_t, n_pools),
     .entity = &liq_pool_entity,
     .doc = "the DEX pools that trade the assets ([pools](#pools))",
     .doc_valid = "not with `network`"},
    {.name = "chains",
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_scenario_t, chains),
     .count_offset = offsetof(liq_scenario_t, n_chains),
     .entity = &liq_chain_entity,
     .doc = "the chains whose blocks carry the transactions of the protocols on them "
            "([chains](#chains))",
     .doc_default = "none: every transaction lands at once"},
    {.name = "bridges",
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_scenario_t, bridges),
     .count_offset = offsetof(liq_scenario_t, n_bridges),
     .entity = &liq_bridge_entity,
     .doc = "one-way bridges between declared chains: the liquidators move capital through them, "
            "and an oracle reading another chain sees it late by them ([bridges](#bridges))",
     .doc_default = "none"},
    {.name = "oracles",
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_SECTION,
     .offset = offsetof(liq_scenario_t, oracles),
     .count_offset = offsetof(liq_scenario_t, n_oracles),
     .entity = &liq_oracle_entity,
     .doc = "the price feeds ([oracles](#oracles))",
     .doc_valid = "not with `network`"},
    {.name = "protocols",
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_SECTION,
     .offset = offsetof(liq_scenario_t, protocols),
     .count_offset = offsetof(liq_scenario_t, n_protocols),
     .entity = &liq_protocol_entity,
     .doc = "the margin engines ([protocols](#protocols))",
     .doc_valid = "not with `network`"},
    {.name = "network",
     .type = LIQ_KEY_CUSTOM,
     .flags = LIQ_KEY_WITH_NETWORK | LIQ_KEY_NO_DUMP,
     .custom = LIQ_CUSTOM_NETWORK,
     .unit = "file",
     .doc = "a graph file that gives the assets, pools, oracles and protocols, instead of their "
            "lists ([network](#network-the-entities-from-a-graph-file))",
     .doc_default = "none",
     .doc_valid = "a readable GraphML or GML file (docs/network.md); a relative path is resolved "
                  "against the scenario file's directory"},
    {.name = "network_format",
     .type = LIQ_KEY_CUSTOM,
     .flags = LIQ_KEY_WITH_NETWORK | LIQ_KEY_NO_DUMP,
     .custom = LIQ_CUSTOM_NETWORK,
     .unit = "choice",
     .doc = "the graph file's format",
     .doc_default = "from the extension: `.graphml` or `.xml` is GraphML, `.gml` is GML",
     .doc_valid = "`graphml` or `gml`; only with `network`"},
    {.name = "defaults",
     .type = LIQ_KEY_CUSTOM,
     .flags = LIQ_KEY_WITH_NETWORK | LIQ_KEY_NO_DUMP,
     .custom = LIQ_CUSTOM_NETWORK,
     .unit = "mapping",
     .doc = "values for what the graph file's vertices and edges leave out",
     .doc_default = "none",
     .doc_valid = "only with `network`; a mapping from `asset`, `pool`, `oracle`, `protocol`, "
                  "`market` (collateral market edges), `routes`, `reads`, `issues` and `holds` "
                  "to mappings of attribute names (those of docs/network.md) to values; for "
                  "`protocol` also the mechanism settings by their dotted key path "
                  "(`breaker.drop: 0.5`, `chain: arbitrum`)"},
    {.name = "accounts",
     .type = LIQ_KEY_CUSTOM,
     .custom = LIQ_CUSTOM_ACCOUNTS,
     .entity = &liq_generator_entity,
     .unit = "list",
     .doc = "account generators and positions files ([accounts](#accounts))",
     .doc_default = "empty"},
    {.name = "shocks",
     .type = LIQ_KEY_CUSTOM,
     .custom = LIQ_CUSTOM_SHOCKS,
     .unit = "list",
     .doc = "the exogenous price moves ([shocks](#shocks))",
     .doc_default = "empty"},
    {.name = "adversary",
     .type = LIQ_KEY_MAP,
     .offset = offsetof(liq_scenario_t, adversary),
     .present_offset = offsetof(liq_scenario_t, adversary.enabled),
     .entity = &liq_adversary_entity,
     .doc = "a flash-loan attacker ([adversary](#adversary))",
     .doc_default = "none"},
};

const liq_entity_t liq_scenario_entity = {
    .name = "scenario", .title = "top level", LIQ_KEYS(liq_scenario_keys)};

/* ------------------------------------------------------------- assets */

static const liq_key_t liq_asset_keys[] = {
    {.name = "name",
     .type = LIQ_KEY_NAME,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_asset_config_t, name),
     .ref = LIQ_REF_ASSET,
     .graph_as = LIQ_GRAPH_NONE,
     .doc = "the asset's name",
     .doc_valid = "unique among assets"},
    {.name = "price",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_asset_config_t, price),
     LIQ_POSITIVE,
     .unit = "USD per unit",
     .doc = "the exogenous price E_a(0)"},
    {.name = "market_depth",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_asset_config_t, market_depth),
     .dflt = INFINITY,
     LIQ_POSITIVE_OR_INF,
     .unit = "units per e-fold",
     .doc = "D_a: the units sold outside that move the price by a factor e",
     .doc_default = "inf (no impact)"},
    {.name = "market_resilience",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_asset_config_t, market_resilience),
     LIQ_UNIT,
     .doc = "rho_a: the share of price impact that decays each round"},
};

const liq_entity_t liq_asset_entity = {.name = "asset",
                                       .title = "assets",
                                       LIQ_KEYS(liq_asset_keys),
                                       .size = sizeof(liq_asset_config_t),
                                       .check_all = true};

/* -------------------------------------------------------------- pools */

const char *const liq_pool_kinds[] = {"constant_product", "stableswap", "linear_book", NULL};

static liq_key_need_t liq_need_amplification(const liq_key_ctx_t *ctx, const void *obj,
                                             liq_key_forbid_t *why)
{
    (void)ctx;
    const liq_pool_config_t *p = obj;
    if (p->kind == LIQ_POOL_STABLESWAP) {
        return LIQ_NEED_REQUIRED;
    }
    why->variant = p->kind == LIQ_POOL_LINEAR_BOOK ? "kind linear_book" : "kind constant_product";
    why->instead = "it only with kind stableswap";
    return LIQ_NEED_FORBIDDEN;
}

static int liq_check_token1(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_pool_config_t *p = obj;
    if (p->token1 != p->token0) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "token1",
                           "'%s' is also token0; expected an asset other than token0",
                           ctx->sc->assets[p->token1].name);
}

static const liq_key_t liq_pool_keys[] = {
    {.name = "name",
     .type = LIQ_KEY_NAME,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_pool_config_t, name),
     .ref = LIQ_REF_POOL,
     .graph_as = LIQ_GRAPH_NONE,
     .doc = "the pool's name",
     .doc_valid = "unique among pools"},
    {.name = "kind",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_SELECTS,
     .offset = offsetof(liq_pool_config_t, kind),
     .choices = liq_pool_kinds,
     .what = "pool kind",
     .graph = "pool_kind",
     .doc = "the invariant: Uniswap v2 `constant_product`, Curve `stableswap` (two tokens) or "
            "`linear_book`, an order book of even depth"},
    {.name = "token0",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_pool_config_t, token0),
     .ref = LIQ_REF_ASSET,
     .unit = "asset name",
     .doc = "the \"a\" of the price P = y/x"},
    {.name = "token1",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_pool_config_t, token1),
     .ref = LIQ_REF_ASSET,
     .check = liq_check_token1,
     .unit = "asset name",
     .doc = "the other token, in which the price is quoted",
     .doc_valid = "other than token0"},
    {.name = "reserve0",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_pool_config_t, reserve0),
     LIQ_POSITIVE,
     .unit = "units of token0",
     .doc = "x (a linear book: its depth D)"},
    {.name = "reserve1",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_pool_config_t, reserve1),
     LIQ_POSITIVE,
     .unit = "units of token1",
     .doc = "y (a linear book: D times its mid price)"},
    {.name = "fee",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_pool_config_t, fee),
     .dflt = 0.003,
     LIQ_UNIT_HALF_OPEN,
     .doc = "phi: the share of the input (constant product) or of the output (stableswap, as "
            "Curve's `exchange`) kept as fee"},
    {.name = "arbitrage",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_pool_config_t, arbitrage),
     .dflt = 1.0,
     LIQ_UNIT,
     .doc = "kappa: the share of the log-price gap to the reference closed each round"},
    {.name = "amplification",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_pool_config_t, amplification),
     .dflt = NAN,
     LIQ_POSITIVE,
     .need = liq_need_amplification,
     .graph_as = LIQ_GRAPH_COND,
     .doc = "the contract's A (stableswap-ng stores A x 100)",
     .doc_default = "**required** for `stableswap`; not allowed otherwise"},
};

const liq_entity_t liq_pool_entity = {.name = "pool",
                                      .title = "pools",
                                      LIQ_KEYS(liq_pool_keys),
                                      .size = sizeof(liq_pool_config_t),
                                      .check_all = true};

/* ------------------------------------------------------------ oracles */

const char *const liq_oracle_sources[] = {"market", "pool_spot", "pool_twap", "median", NULL};

/* The keys of a price source by its kind (MODEL.md s4, oracles): shared by
 * an oracle and the sources of a median and of an anchor. */
static liq_key_need_t liq_need_source_asset(liq_oracle_source_t source, liq_key_forbid_t *why)
{
    static const char *const variants[] = {"source market", "source pool_spot", "source pool_twap",
                                           "source median"};
    if (source == LIQ_ORACLE_MARKET) {
        return LIQ_NEED_REQUIRED;
    }
    why->variant = variants[source];
    why->instead = source == LIQ_ORACLE_MEDIAN ? "inputs" : "pool";
    return LIQ_NEED_FORBIDDEN;
}

static liq_key_need_t liq_need_source_pool(liq_oracle_source_t source, liq_key_forbid_t *why)
{
    if (source == LIQ_ORACLE_POOL_SPOT || source == LIQ_ORACLE_POOL_TWAP) {
        return LIQ_NEED_REQUIRED;
    }
    why->variant = source == LIQ_ORACLE_MARKET ? "source market" : "source median";
    why->instead = source == LIQ_ORACLE_MARKET ? "asset" : "inputs";
    return LIQ_NEED_FORBIDDEN;
}

static liq_key_need_t liq_need_source_window(liq_oracle_source_t source, liq_key_forbid_t *why)
{
    static const char *const variants[] = {"source market", "source pool_spot", "source pool_twap",
                                           "source median"};
    if (source == LIQ_ORACLE_POOL_TWAP) {
        return LIQ_NEED_REQUIRED;
    }
    why->variant = variants[source];
    why->instead = source == LIQ_ORACLE_MEDIAN ? "window on a pool_twap input"
                                               : "window only with source pool_twap";
    return LIQ_NEED_FORBIDDEN;
}

#define LIQ_SOURCE_NEEDS(T, prefix)                                                                \
    static liq_key_need_t prefix##_asset(const liq_key_ctx_t *ctx, const void *obj,                \
                                         liq_key_forbid_t *why)                                    \
    {                                                                                              \
        (void)ctx;                                                                                 \
        return liq_need_source_asset(((const T *)obj)->source, why);                               \
    }                                                                                              \
    static liq_key_need_t prefix##_pool(const liq_key_ctx_t *ctx, const void *obj,                 \
                                        liq_key_forbid_t *why)                                     \
    {                                                                                              \
        (void)ctx;                                                                                 \
        return liq_need_source_pool(((const T *)obj)->source, why);                                \
    }                                                                                              \
    static liq_key_need_t prefix##_window(const liq_key_ctx_t *ctx, const void *obj,               \
                                          liq_key_forbid_t *why)                                   \
    {                                                                                              \
        (void)ctx;                                                                                 \
        return liq_need_source_window(((const T *)obj)->source, why);                              \
    }

LIQ_SOURCE_NEEDS(liq_price_source_t, liq_need_input)
LIQ_SOURCE_NEEDS(liq_oracle_config_t, liq_need_oracle)

/* The rows of a price source's keys, for the struct T (an oracle or a
 * liq_price_source_t, which name their fields alike). */
#define LIQ_ROW_SOURCE_ASSET(T, need_fn)                                                           \
    {                                                                                              \
        .name = "asset", .type = LIQ_KEY_REF, .offset = offsetof(T, asset), .idflt = -1,           \
        .ref = LIQ_REF_ASSET, .need = need_fn, .graph_as = LIQ_GRAPH_NONE, .unit = "asset name",   \
        .doc = "the asset whose reference price S_a is read",                                      \
        .doc_default = "**required** for `market`; not allowed otherwise"                          \
    }
#define LIQ_ROW_SOURCE_POOL(T, need_fn)                                                            \
    {                                                                                              \
        .name = "pool", .type = LIQ_KEY_REF, .offset = offsetof(T, pool), .idflt = -1,             \
        .ref = LIQ_REF_POOL, .need = need_fn, .graph_as = LIQ_GRAPH_NONE, .unit = "pool name",     \
        .doc = "the pool whose spot price (token1 per token0) is read",                            \
        .doc_default = "**required** for `pool_spot` and `pool_twap`; not allowed otherwise"       \
    }
#define LIQ_ROW_SOURCE_WINDOW(T, need_fn, graph_role)                                              \
    {                                                                                              \
        .name = "window", .type = LIQ_KEY_DURATION, .offset = offsetof(T, window), .idflt = 1,     \
        .ilo = 1, .need = need_fn, .dump_rank = 1, .graph_as = graph_role, .unit = "duration",     \
        .doc = "the rounds a TWAP averages the pool's spot price over",                            \
        .doc_default = "**required** for `pool_twap`; not allowed otherwise (stored as 1)"         \
    }

static const char *const liq_input_sources[] = {"market", "pool_spot", "pool_twap", NULL};

static const liq_key_t liq_source_keys[] = {
    {.name = "source",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_SELECTS,
     .offset = offsetof(liq_price_source_t, source),
     .choices = liq_input_sources,
     .what = "source",
     .graph_as = LIQ_GRAPH_COND,
     .graph = "price_source",
     .doc = "what is read: an asset's reference price, a pool's spot price or its TWAP"},
    LIQ_ROW_SOURCE_ASSET(liq_price_source_t, liq_need_input_asset),
    LIQ_ROW_SOURCE_POOL(liq_price_source_t, liq_need_input_pool),
    LIQ_ROW_SOURCE_WINDOW(liq_price_source_t, liq_need_input_window, LIQ_GRAPH_COND),
};

const liq_entity_t liq_source_entity = {.name = "price source",
                                        .title = "price sources",
                                        LIQ_KEYS(liq_source_keys),
                                        .size = sizeof(liq_price_source_t),
                                        .flow = true,
                                        .check_all = true};

static liq_key_need_t liq_need_inputs(const liq_key_ctx_t *ctx, const void *obj,
                                      liq_key_forbid_t *why)
{
    static const char *const variants[] = {"source market", "source pool_spot", "source pool_twap"};
    (void)ctx;
    const liq_oracle_config_t *o = obj;
    if (o->source == LIQ_ORACLE_MEDIAN) {
        return LIQ_NEED_REQUIRED;
    }
    why->variant = variants[o->source];
    why->instead = "inputs only with source median";
    return LIQ_NEED_FORBIDDEN;
}

/* Every input of a median prices the asset its first input prices. */
static int liq_check_input(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_oracle_config_t *o = ctx->parent;
    const int32_t priced = liq_source_priced_asset(ctx->sc, obj);
    const int32_t first = liq_source_priced_asset(ctx->sc, &o->inputs[0]);
    if (ctx->index == 0 || priced == first) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, NULL,
                           "this source prices %s; expected a source of %s, as the first input",
                           ctx->sc->assets[priced].name, ctx->sc->assets[first].name);
}

/* An anchor prices the asset the oracle prices. */
static int liq_check_anchor(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const int32_t mine = liq_oracle_priced_asset(ctx->sc, ctx->parent);
    const int32_t theirs = liq_source_priced_asset(ctx->sc, obj);
    if (mine == theirs) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, NULL,
                           "the anchor prices %s; expected a source of %s, which the oracle prices",
                           ctx->sc->assets[theirs].name, ctx->sc->assets[mine].name);
}

static liq_key_need_t liq_need_anchor_band(const liq_key_ctx_t *ctx, const void *obj,
                                           liq_key_forbid_t *why)
{
    (void)ctx;
    if (((const liq_oracle_config_t *)obj)->has_anchor) {
        return LIQ_NEED_REQUIRED;
    }
    why->variant = "an oracle without anchor";
    why->instead = "anchor_band only with anchor";
    return LIQ_NEED_FORBIDDEN;
}

static void liq_init_oracle(const liq_key_ctx_t *ctx, void *obj)
{
    (void)ctx;
    liq_oracle_config_t *o = obj;
    o->chain = -1;
    o->source_chain = -1;
    liq_init_tx_config(&o->tx, 100000);
    o->osm_hop = 3600;
}

static liq_key_need_t liq_need_oracle_transaction(const liq_key_ctx_t *ctx, const void *obj,
                                                  liq_key_forbid_t *why)
{
    (void)ctx;
    if (((const liq_oracle_config_t *)obj)->chain >= 0) {
        return LIQ_NEED_OPTIONAL;
    }
    why->message = "transaction needs a declared chain; expected `chain` naming one of the "
                   "scenario's `chains`";
    why->code = LIQ_EINVAL;
    return LIQ_NEED_FORBIDDEN;
}

static bool liq_dump_oracle_transaction(const liq_key_ctx_t *ctx, const void *obj)
{
    (void)ctx;
    return ((const liq_oracle_config_t *)obj)->chain >= 0;
}

/* An OSM pokes when its hop has passed: a heartbeat or deviation rule
 * would say nothing it uses. */
static int liq_check_oracle(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    liq_oracle_config_t *o = obj;
    const int rc = liq_check_oracle_source_chain(ctx, o, problem);
    if (rc != LIQ_OK || !o->has_osm || (o->heartbeat == 1 && o->deviation == 0.0)) {
        return rc;
    }
    return liq_key_problem(problem, LIQ_EINVAL, o->heartbeat != 1 ? "heartbeat" : "deviation",
                           "an oracle with osm is poked once its hop has passed; expected no "
                           "heartbeat and no deviation beside osm");
}

static const liq_key_t liq_oracle_keys[] = {
    {.name = "name",
     .type = LIQ_KEY_NAME,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_oracle_config_t, name),
     .ref = LIQ_REF_ORACLE,
     .graph_as = LIQ_GRAPH_NONE,
     .doc = "the oracle's name",
     .doc_valid = "unique among oracles"},
    {.name = "source",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_SELECTS,
     .offset = offsetof(liq_oracle_config_t, source),
     .choices = liq_oracle_sources,
     .what = "source",
     .doc = "what the oracle reads: an asset's reference price, a pool's spot price or TWAP, or "
            "the median of several such sources"},
    LIQ_ROW_SOURCE_ASSET(liq_oracle_config_t, liq_need_oracle_asset),
    LIQ_ROW_SOURCE_POOL(liq_oracle_config_t, liq_need_oracle_pool),
    {.name = "heartbeat",
     .type = LIQ_KEY_DURATION,
     .offset = offsetof(liq_oracle_config_t, heartbeat),
     .idflt = 1,
     .ilo = 1,
     .dump_rank = 1,
     .unit = "duration",
     .doc = "H: the oracle publishes when H rounds have passed since it last did"},
    {.name = "deviation",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_oracle_config_t, deviation),
     LIQ_NONNEGATIVE_OR_INF,
     .dump_rank = 1,
     .doc = "delta: the relative change of the source that forces a publish (inf: never)"},
    {.name = "latency",
     .type = LIQ_KEY_DURATION,
     .offset = offsetof(liq_oracle_config_t, latency),
     .ilo = 0,
     .dump_rank = 1,
     .unit = "duration",
     .doc = "L: the source is read as it was L rounds before"},
    /* Every oracle vertex carries a window, 1 unless its source is pool_twap. */
    LIQ_ROW_SOURCE_WINDOW(liq_oracle_config_t, liq_need_oracle_window, LIQ_GRAPH_ATTR),
    {.name = "inputs",
     .type = LIQ_KEY_LIST,
     .offset = offsetof(liq_oracle_config_t, inputs),
     .count_offset = offsetof(liq_oracle_config_t, n_inputs),
     .entity = &liq_source_entity,
     .need = liq_need_inputs,
     .check = liq_check_input,
     .graph_as = LIQ_GRAPH_NONE,
     .doc = "the sources whose median is the value, each {source, asset | pool, window}",
     .doc_default = "**required** for `median`; not allowed otherwise",
     .doc_valid = "non-empty, `market`, `pool_spot` or `pool_twap` each, all pricing the same "
                  "asset"},
    {.name = "anchor",
     .type = LIQ_KEY_MAP,
     .offset = offsetof(liq_oracle_config_t, anchor),
     .present_offset = offsetof(liq_oracle_config_t, has_anchor),
     .entity = &liq_source_entity,
     .check = liq_check_anchor,
     .dump_rank = 1,
     .graph_as = LIQ_GRAPH_NONE,
     .doc = "a second source {source, asset | pool, window}: a value further than anchor_band "
            "from it is not published",
     .doc_default = "none",
     .doc_valid = "a source of the asset the oracle prices"},
    {.name = "anchor_band",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_oracle_config_t, anchor_band),
     LIQ_NONNEGATIVE,
     .need = liq_need_anchor_band,
     .graph_as = LIQ_GRAPH_COND,
     .dump_rank = 1,
     .doc = "the largest accepted |value / anchor - 1|",
     .doc_default = "**required** with `anchor`; not allowed without"},
    {.name = "chain",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_oracle_config_t, chain),
     .idflt = -1,
     .ref = LIQ_REF_CHAIN,
     .graph_as = LIQ_GRAPH_NONE,
     .dump_rank = 1,
     .unit = "chain name",
     .doc = "the chain its updates are sent to: each becomes the oracle's value only once a "
            "block includes it ([oracles on a chain](#oracles-on-a-chain-and-makerdaos-osm))",
     .doc_default = "none: updates land in the round they are decided"},
    {.name = "source_chain",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_oracle_config_t, source_chain),
     .idflt = -1,
     .ref = LIQ_REF_CHAIN,
     .graph_as = LIQ_GRAPH_NONE,
     .dump_rank = 1,
     .unit = "chain name",
     .doc = "the chain its source lives on, when not its own: the source is read `latency` plus "
            "the least latency of the bridges from that chain to `chain` rounds late "
            "([bridges](#bridges))",
     .doc_default = "none: the source is read where the oracle lives",
     .doc_valid = "with `chain`, another chain, and a bridge from it to `chain`"},
    {.name = "transaction",
     .type = LIQ_KEY_MAP,
     .offset = offsetof(liq_oracle_config_t, tx),
     .present_offset = offsetof(liq_oracle_config_t, has_transaction),
     .entity = &liq_transaction_entity,
     .need = liq_need_oracle_transaction,
     .dump_if = liq_dump_oracle_transaction,
     .graph_as = LIQ_GRAPH_NONE,
     .dump_rank = 1,
     .doc = "how the updater sends an update, keys as `keepers.transaction`'s",
     .doc_default = "`{bid: capped, tip: 2, gas: 100000, deadline: 10}` with `chain`",
     .doc_valid = "only with `chain`"},
    {.name = "osm",
     .type = LIQ_KEY_MAP,
     .present_offset = offsetof(liq_oracle_config_t, has_osm),
     .entity = &liq_osm_entity,
     .graph_as = LIQ_GRAPH_NONE,
     .dump_rank = 1,
     .doc = "a delayed feed, MakerDAO's Oracle Security Module: it publishes what the source "
            "read at the poke before last, poked once `hop` has passed",
     .doc_default = "none",
     .doc_valid = "without `heartbeat` and `deviation` (a poke is due when hop has passed)"},
};

const liq_entity_t liq_oracle_entity = {.name = "oracle",
                                        .title = "oracles",
                                        LIQ_KEYS(liq_oracle_keys),
                                        .size = sizeof(liq_oracle_config_t),
                                        .check_all = true,
                                        .init = liq_init_oracle,
                                        .check = liq_check_oracle};

/* ---------------------------------------------------------- adversary */

/* The adversary sells one of its pool's tokens: the row stores the asset
 * read, which becomes the token's position (0 or 1). */
static int liq_check_sell(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    liq_adversary_config_t *adv = obj;
    const liq_pool_config_t *pool = &ctx->sc->pools[adv->pool];
    const int32_t asset = (int32_t)adv->sell_token;
    adv->sell_token = asset == pool->token0 ? 0 : 1;
    if (asset == pool->token0 || asset == pool->token1) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "sell",
                           "pool '%s' trades %s and %s; expected one of them", pool->name,
                           ctx->sc->assets[pool->token0].name, ctx->sc->assets[pool->token1].name);
}

static const liq_key_t liq_adversary_keys[] = {
    {.name = "round",
     .type = LIQ_KEY_INTEGER,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_ROUND,
     .offset = offsetof(liq_adversary_config_t, round),
     .ilo = 1,
     .expected = "a round in 1 .. rounds",
     .unit = "round",
     .doc = "the attack round"},
    {.name = "pool",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_adversary_config_t, pool),
     .ref = LIQ_REF_POOL,
     .unit = "pool name",
     .doc = "the pool it pushes"},
    {.name = "sell",
     .type = LIQ_KEY_CUSTOM,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_adversary_config_t, sell_token),
     .ref = LIQ_REF_ASSET,
     .custom = LIQ_CUSTOM_SELL,
     .check = liq_check_sell,
     .unit = "asset name",
     .doc = "the token it sells first",
     .doc_valid = "`token0` or `token1` of `pool`"},
    {.name = "amount",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_adversary_config_t, amount),
     LIQ_POSITIVE,
     .unit = "units of `sell`",
     .doc = "what it borrows and sells"},
    {.name = "flash_fee",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_adversary_config_t, flash_fee),
     LIQ_UNIT_HALF_OPEN,
     .doc = "the share of the loan paid as fee",
     .doc_default = "0 (Balancer; Aave v3 charges 0.0005)"},
};

const liq_entity_t liq_adversary_entity = {
    .name = "adversary", .title = "adversary", LIQ_KEYS(liq_adversary_keys), .check_all = true};

/* ------------------------------------------------------------ presets */

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

const liq_preset_t liq_presets[] = {
    {"v1_fixed", "static thresholds, instant liquidation (Compound v2, Aave v1)", liq_preset_v1},
    {"v2_auction", "Dutch auctions with a breaker (MakerDAO Liquidations 2.0)", liq_preset_v2},
    {"v3_dynamic", "real-time risk parameters (Aave v3)", liq_preset_v3},
};
const size_t liq_presets_count = sizeof(liq_presets) / sizeof(liq_presets[0]);

const char *const liq_preset_names[] = {"v1_fixed", "v2_auction", "v3_dynamic", NULL};
