/*
 * The scenario keys, one table per entity (docs/scenario.md, "Keys").
 *
 * Every key a scenario may give is declared once, as a row of its entity's
 * table: its name, type, unit, default (or "required"), valid range with
 * the wording of its "expected ..." message, a one-line description, where
 * its value lives in the entity's struct (liqnet/scenario.h) and, when it
 * has one, the attribute that carries it in a graph file. The YAML reader
 * and the resolved-scenario writer of src/io, the graph readers and writers
 * and the generator of src/graph, and the generated tables of
 * docs/scenario.md all walk these rows; adding a key to a mechanism is one
 * row here plus the maths that uses it.
 *
 * What a row cannot say stays as code beside the table (scenario_keys.c):
 * the rules that tie keys together (a key only some kinds of pool take,
 * "token1 must differ from token0", an oracle that must price a market's
 * asset, weights that add up to 1). Those rules are pure functions of the
 * structs being filled: they return a problem (a code, the key it is about
 * and what is wrong), and the reader says where it was written.
 *
 * Interface of src/model for io, graph and the docs generator; it knows no
 * file format. Tables are static data, read concurrently without locks.
 */
#ifndef LIQNET_MODEL_SCENARIO_KEYS_H
#define LIQNET_MODEL_SCENARIO_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liqnet/scenario.h"

/* How a value is written and where it is stored. */
typedef enum {
    LIQ_KEY_NUMBER,   /* double: a plain YAML number, in [lo, hi] */
    LIQ_KEY_INTEGER,  /* int64_t: digits or an integral number, in [ilo, ihi] */
    LIQ_KEY_DURATION, /* int64_t rounds: an integer, or <number><unit> rounded up; >= ilo */
    LIQ_KEY_ENUM,     /* an enum (int): the position of the value in `choices` */
    LIQ_KEY_FLAG,     /* int: 0 for false, 1 for true */
    LIQ_KEY_STRING,   /* char *, owned; NULL when absent */
    LIQ_KEY_NAME,     /* char *, owned: the entity's name, unique among its kind (`ref`) */
    LIQ_KEY_REF,      /* int32_t: the index of the entity of kind `ref` with that name */
    LIQ_KEY_FILE,     /* char *, owned: a path resolved against the scenario's directory */
    LIQ_KEY_MAP,      /* a nested mapping: the keys of `entity` */
    LIQ_KEY_LIST,     /* a list of `entity` items */
    LIQ_KEY_CUSTOM    /* read and written by code of the reader and writer (`custom`) */
} liq_key_type_t;

/* The named entities a key refers to. A market is named by its asset among
 * the markets of the protocol the key's entity names (an account generator's
 * `protocol`). */
typedef enum {
    LIQ_REF_ASSET = 0,
    LIQ_REF_POOL = 1,
    LIQ_REF_ORACLE = 2,
    LIQ_REF_PROTOCOL = 3,
    LIQ_REF_MARKET = 4,
    LIQ_REF_CHAIN = 5,
    LIQ_REF_BRIDGE = 6
} liq_ref_kind_t;

/* The keys read by code (LIQ_KEY_CUSTOM), each with its reader and writer
 * in src/io. */
typedef enum {
    LIQ_CUSTOM_NONE = 0,
    LIQ_CUSTOM_ROUTE,     /* a market's `route` or `routes` (read together) */
    LIQ_CUSTOM_ROUTES,    /* read with LIQ_CUSTOM_ROUTE */
    LIQ_CUSTOM_WEIGHTS,   /* a cross-margin generator's weights, keyed by market asset */
    LIQ_CUSTOM_STEPS,     /* a schedule's steps: parallel arrays of rounds and returns */
    LIQ_CUSTOM_POSITIONS, /* a perp protocol's positions file, read with the scenario */
    LIQ_CUSTOM_ACCOUNTS,  /* the accounts: generators and positions files */
    LIQ_CUSTOM_SHOCKS,    /* the shocks: schedules, paths and processes */
    LIQ_CUSTOM_NETWORK,   /* `network`, `network_format`, `defaults`: read with the graph */
    LIQ_CUSTOM_SELL       /* the adversary's `sell`: a token of its pool */
} liq_key_custom_t;

/* Row flags. */
enum {
    LIQ_KEY_REQUIRED = 1u << 0,      /* absent: "missing key"; a list: also not empty */
    LIQ_KEY_UNLIMITED = 1u << 1,     /* also the word `unlimited`: INFINITY or INT64_MAX */
    LIQ_KEY_SELECTS = 1u << 2,       /* read first: which other keys apply depends on it */
    LIQ_KEY_LATE = 1u << 3,          /* read last: it needs what the other keys gave */
    LIQ_KEY_KEEP = 1u << 4,          /* absent: the value the struct holds stays */
    LIQ_KEY_DUMP_SET = 1u << 5,      /* written only when not the default (a list: not empty) */
    LIQ_KEY_NO_DUMP = 1u << 6,       /* never written by the resolved form */
    LIQ_KEY_NO_FIELD = 1u << 7,      /* checked, but stored by nothing here (`preset`) */
    LIQ_KEY_ROUND = 1u << 8,         /* INTEGER: at most the scenario's rounds ("%lld" in
                                        `expected` says how many) */
    LIQ_KEY_SECTION = 1u << 9,       /* top level: a list that `network` gives instead */
    LIQ_KEY_WITH_NETWORK = 1u << 10, /* top level: only beside `network` */
    LIQ_KEY_SECONDS = 1u << 11       /* DURATION: stored in whole seconds, not rounds (a bare
                                        integer is seconds) */
};

/* How a key of an entity a network carries (an asset, pool, oracle or
 * protocol vertex; a market, routes, reads, issues or holds edge,
 * docs/network.md) is written in graph files. */
typedef enum {
    LIQ_GRAPH_ATTR = 0, /* an attribute every vertex or edge of the kind has */
    LIQ_GRAPH_NONE = 1, /* no attribute: the graph's edges say it (a market's oracle) */
    LIQ_GRAPH_COND = 2, /* an attribute only some have (a stableswap pool's amplification) */
    LIQ_GRAPH_KEY = 3   /* a protocol's mechanism setting: an attribute named by its key path
                           (`breaker.drop`), checked by the scenario reader, not the graph's */
} liq_key_graph_t;

/* Whether a key applies to the entity as read so far (its selecting keys). */
typedef enum {
    LIQ_NEED_OPTIONAL = 0,  /* may be given */
    LIQ_NEED_REQUIRED = 1,  /* must be given */
    LIQ_NEED_FORBIDDEN = 2, /* an error when given (liq_key_forbid_t) */
    LIQ_NEED_HIDDEN = 3     /* not a key of this variant: an unknown key when given */
} liq_key_need_t;

/* How a forbidden key is refused: "not allowed for VARIANT; expected
 * INSTEAD" (LIQ_EKEY), or `message` whole with `code`. */
typedef struct {
    const char *variant;
    const char *instead;
    const char *message;
    int code;
} liq_key_forbid_t;

/* What a rule found wrong: the code, the key it is about (NULL: the mapping
 * itself) and what is wrong ("value 5 is below min 7; expected max >= min"). */
typedef struct {
    int code;
    const char *key;
    char what[640];
} liq_key_problem_t;

/* What a rule sees: the scenario read so far (every earlier section and
 * entity complete), the struct that holds the mapping or list being read
 * (a market's protocol, a tier's perp market; NULL at the top) and the one
 * that holds that, and an item's position in its list of `count`. */
typedef struct {
    const liq_scenario_t *sc;
    const void *parent;
    const void *grandparent;
    size_t index;
    size_t count;
} liq_key_ctx_t;

typedef struct liq_key liq_key_t;
typedef struct liq_entity liq_entity_t;

/* A row's rule of application, from the keys read so far. */
typedef liq_key_need_t (*liq_key_need_fn)(const liq_key_ctx_t *ctx, const void *obj,
                                          liq_key_forbid_t *why);
/* A rule run once a row or an entity is read: LIQ_OK, or an error code
 * with *problem filled. It may complete `obj` (a default that depends on
 * another key, an end clipped to the run). */
typedef int (*liq_key_check_fn)(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem);
/* Whether the resolved form writes a row (beside need and DUMP_SET). */
typedef bool (*liq_key_dump_fn)(const liq_key_ctx_t *ctx, const void *obj);
/* Fills fields before or after the keys are read (never fails). */
typedef void (*liq_key_fill_fn)(const liq_key_ctx_t *ctx, void *obj);

/* One key. Offsets are into the struct of the entity that has the row; a
 * MAP or a LIST item struct whose keys are fields of that same struct has
 * offset 0. */
struct liq_key {
    const char *name;
    liq_key_type_t type;
    unsigned flags;
    size_t offset;
    double dflt;                /* NUMBER: the default */
    double lo, hi;              /* NUMBER: the range, with */
    bool lo_open, hi_open;      /* excluded bounds and */
    bool allow_inf;             /* +inf accepted */
    int64_t idflt;              /* INTEGER, DURATION, ENUM, FLAG, REF (-1): the default */
    int64_t ilo, ihi;           /* INTEGER: the range; DURATION: ilo, the fewest rounds */
    const char *expected;       /* NUMBER, INTEGER: "a finite number > 0" */
    const char *const *choices; /* ENUM: NULL-terminated */
    const char *what;           /* ENUM: "unknown WHAT 'x'"; LIST: the items' noun */
    liq_ref_kind_t ref;         /* REF, NAME */
    const liq_entity_t *entity; /* MAP, LIST; CUSTOM: the keys it reads, for the docs */
    size_t count_offset;        /* LIST: of its size_t count */
    size_t present_offset;      /* MAP: of an int set to 1 when given (0: none) */
    liq_key_custom_t custom;    /* CUSTOM */
    int dump_rank;              /* the resolved form writes by rank, then table order */
    liq_key_need_fn need;       /* NULL: OPTIONAL, or REQUIRED by the flags */
    liq_key_check_fn check;     /* after the value is read; LIST: after each item */
    liq_key_dump_fn dump_if;    /* NULL: as need and DUMP_SET allow */
    const char *sdflt;          /* STRING: written for a NULL value */
    /* In graph files: how the key is written, under which attribute name
     * (NULL: the key's own), and a protocol's settings (LIQ_GRAPH_KEY) in
     * which order (the order liqnet has always written them). */
    liq_key_graph_t graph_as;
    const char *graph;
    int graph_rank;
    /* docs/scenario.md. */
    const char *unit;        /* "USD per unit", "rounds" */
    const char *doc;         /* what the key means, in one line */
    const char *doc_default; /* NULL: from the default */
    const char *doc_valid;   /* what `expected` does not say ("unique among assets") */
};

/* The keys of one kind of mapping. */
struct liq_entity {
    const char *name;  /* "pool" */
    const char *title; /* "pools": the docs' section */
    const liq_key_t *keys;
    size_t n_keys;
    size_t size;    /* of the struct a LIST item fills */
    bool flow;      /* the resolved form writes it as {key: value, ...} */
    bool check_all; /* check every key of the table before the selecting ones */
    /* Check the keys of the default variant before reading any, when the
     * selecting keys as written (absent or invalid: their defaults) leave it
     * at the default; else check those of the variant they name once they
     * are read (a protocol: lending keys first, a perp's after its name and
     * kind, the order liqnet has always reported problems in). */
    bool check_default_first;
    liq_key_fill_fn init;   /* fills defaults that no row gives, before the keys */
    liq_key_check_fn check; /* a rule on the whole entity once its keys are read */
    liq_key_fill_fn finish; /* fills what follows from the keys read */
};

/* The tables. */
extern const liq_entity_t liq_scenario_entity; /* the top level */
extern const liq_entity_t liq_output_entity;
extern const liq_entity_t liq_asset_entity;
extern const liq_entity_t liq_pool_entity;
extern const liq_entity_t liq_oracle_entity;
extern const liq_entity_t liq_source_entity; /* a median's input, an anchor */
extern const liq_entity_t liq_chain_entity;
extern const liq_entity_t liq_gas_price_entity;
extern const liq_entity_t liq_bridge_entity;
extern const liq_entity_t liq_transaction_entity; /* keepers', oracles', borrowers' transaction */
extern const liq_entity_t liq_osm_entity;         /* an oracle's osm */
extern const liq_entity_t liq_borrowers_entity;   /* an account generator's borrowers */
extern const liq_entity_t liq_flow_entity;        /* a perp generator's living population */
extern const liq_entity_t liq_protocol_entity;
extern const liq_entity_t liq_keepers_entity;
extern const liq_entity_t liq_breaker_entity;
extern const liq_entity_t liq_penalty_entity;
extern const liq_entity_t liq_liquidation_entity;
extern const liq_entity_t liq_bidder_entity; /* a protocol's keepers.bidders (English auctions) */
extern const liq_entity_t liq_liquidator_entity; /* a protocol's keepers.liquidators (MEV) */
extern const liq_entity_t liq_auction_entity;    /* a chain's auction (MEV) */
extern const liq_entity_t liq_resell_entity;     /* a bidder's resale of its lots */
extern const liq_entity_t liq_stability_entity;
extern const liq_entity_t liq_recovery_mode_entity;
extern const liq_entity_t liq_issue_entity;
extern const liq_entity_t liq_holding_entity;
extern const liq_entity_t liq_market_entity;
extern const liq_entity_t liq_route_entity;
extern const liq_entity_t liq_perp_market_entity;
extern const liq_entity_t liq_tier_entity;
extern const liq_entity_t liq_perp_positions_entity;
extern const liq_entity_t liq_partial_entity;
extern const liq_entity_t liq_backstop_entity;
extern const liq_entity_t liq_generator_entity;
extern const liq_entity_t liq_size_entity;
extern const liq_entity_t liq_health_entity;
extern const liq_entity_t liq_positions_entity;
extern const liq_entity_t liq_schedule_entity;
extern const liq_entity_t liq_step_entity;
extern const liq_entity_t liq_path_entity;
extern const liq_entity_t liq_gbm_entity;
extern const liq_entity_t liq_adversary_entity;

/* The row of `entity` named `name` (the first, when variants share a
 * name), or NULL. */
const liq_key_t *liq_entity_key(const liq_entity_t *entity, const char *name);

/* How code that writes scenarios (the generator) names the keys of the
 * fields it fills, so that a key's name lives in its row alone: the row of
 * `entity` storing a value of `type` at `offset`; the MAP, LIST or CUSTOM
 * row whose keys are those of `items`; the CUSTOM row read by `custom`.
 * The first such row (variants of a key share it), or NULL. */
const liq_key_t *liq_entity_field_key(const liq_entity_t *entity, liq_key_type_t type,
                                      size_t offset);
const liq_key_t *liq_entity_items_key(const liq_entity_t *entity, const liq_entity_t *items);
const liq_key_t *liq_entity_custom_key(const liq_entity_t *entity, liq_key_custom_t custom);

/* Whether `key` applies to `obj` as read so far: its need, or the flags.
 * `why` may be NULL. */
liq_key_need_t liq_key_applies(const liq_key_t *key, const liq_key_ctx_t *ctx, const void *obj,
                               liq_key_forbid_t *why);

/* Whether the value of a row in `obj` is its default (NaN equals NaN; a
 * string NULL; a list empty). */
bool liq_key_is_default(const liq_key_t *key, const void *obj);

/* Whether the resolved form (and a graph file, for a protocol's settings)
 * writes row `key` of `obj`: it applies, it is not a default the flags say
 * to leave out (LIQ_KEY_DUMP_SET), its mapping is present, its rule
 * (dump_if) says so. */
bool liq_key_written(const liq_key_t *key, const liq_key_ctx_t *ctx, const void *obj);

/* The attribute that carries a key in graph files: its `graph` name, or
 * its own. */
static inline const char *liq_key_attr(const liq_key_t *key)
{
    return key->graph != NULL ? key->graph : key->name;
}

/* A row's field in `obj`. */
static inline void *liq_key_field(const liq_key_t *key, void *obj)
{
    return (char *)obj + key->offset;
}

static inline const void *liq_key_cfield(const liq_key_t *key, const void *obj)
{
    return (const char *)obj + key->offset;
}

/* "asset", "pool", "oracle", "protocol", "market" and the plurals. */
const char *liq_ref_singular(liq_ref_kind_t kind);
const char *liq_ref_plural(liq_ref_kind_t kind);

/* The market of `protocol` whose asset is named `asset`, or LIQ_EREF with
 * problem->what "protocol 'P' has no market for asset 'X'; its markets:
 * ...". */
int liq_key_find_market(const liq_scenario_t *sc, const liq_protocol_config_t *protocol,
                        const char *asset, int32_t *out, liq_key_problem_t *problem);

/* Rules the readers of custom keys call (scenario_keys_protocol.c,
 * scenario_keys_accounts.c). A route's pool trades the market's `asset` and
 * the protocol's debt (margin) asset; the weights of a market's routes add
 * up to 1 (+-1e-9) with routing weight; a cross-margin generator's weights
 * have a finite positive sum. */
int liq_key_route_pool(const liq_scenario_t *sc, const liq_protocol_config_t *protocol,
                       int32_t asset, int32_t pool, const char *key, liq_key_problem_t *problem);
int liq_key_routes_total(const liq_market_config_t *market, liq_key_problem_t *problem);
int liq_key_weights_total(const liq_key_ctx_t *ctx, const liq_account_generator_t *generator,
                          liq_key_problem_t *problem);

/* One step of a schedule as it is read, before it joins the shock's
 * arrays; an absent return is NaN. */
typedef struct {
    int64_t round;
    double simple_return;
    double log_return;
} liq_step_t;

/* Presets for the design generations of MODEL.md s5: the keys a protocol's
 * `preset` fills where the protocol leaves them out. Paths are below the
 * protocol; "markets[*]." applies to each of its markets. */
typedef struct {
    const char *path, *value;
} liq_preset_key_t;

typedef struct {
    const char *name; /* v1_fixed */
    const char *design;
    const liq_preset_key_t *keys; /* {NULL, NULL}-terminated */
} liq_preset_t;

extern const liq_preset_t liq_presets[];
extern const size_t liq_presets_count;

/* A protocol's chain (scenario_keys_chain.c): the defaults of its keepers'
 * transactions, and the rule that resolves `chain` against the declared
 * chains and refuses what their transactions do not model yet. */
void liq_init_protocol_transaction(liq_protocol_config_t *p);
/* The defaults of a generator's borrowers (scenario_keys_borrowers.c). */
void liq_init_borrowers(liq_borrowers_config_t *b);
/* The defaults of a transaction table, with the use's gas (scenario_keys_chain.c). */
void liq_init_tx_config(liq_tx_config_t *tx, int64_t gas);
int liq_check_protocol_chain(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem);
/* Bridges (scenario_keys_bridge.c): an oracle's source_chain resolved to
 * the least latency of the bridges from it to the oracle's chain (filling
 * message_latency); a chain's keeper_target only beside a finite
 * keeper_capital. */
int liq_check_oracle_source_chain(const liq_key_ctx_t *ctx, liq_oracle_config_t *o,
                                  liq_key_problem_t *problem);
int liq_check_chain_capital(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem);

/* A protocol's rule once its keys are read (scenario_keys_liquidation.c):
 * its chain (liq_check_protocol_chain), then its English auctions' bidders
 * (the default bidder when none is given). */
int liq_check_protocol(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem);

/* The most liquidators a protocol takes (keepers.liquidators). */
#define LIQ_MEV_MAX_LIQUIDATORS 64

/* A protocol's competing liquidators once its chain is resolved
 * (scenario_keys_mev.c): a declared chain, instant liquidations, each
 * transaction within the chain's gas limit, unique names. */
int liq_check_protocol_liquidators(const liq_key_ctx_t *ctx, const liq_protocol_config_t *p,
                                   liq_key_problem_t *problem);

#endif /* LIQNET_MODEL_SCENARIO_KEYS_H */
