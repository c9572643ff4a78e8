/*
 * Generated ecosystems: the scenario YAML of a synthetic set of lending
 * protocols, for experiments on network shape (which protocols share which
 * collateral) that no hand-written scenario covers.
 *
 * The output is scenario text, not a liq_scenario_t, so that every generated
 * ecosystem goes through the same validating reader as a hand-written one,
 * can be saved, diffed and edited, and records its own seed. Generation is
 * single-threaded and cheap next to a run: O(P * A) for the Erdos-Renyi and
 * block models (igraph draws every pair's coin in skips, O(edges) expected),
 * O(edges) otherwise.
 *
 * Determinism: every random number comes from one PCG32 generator owned by
 * the call, seeded with options->seed through igraph_rng_seed and made
 * igraph's default RNG for the call (igraph's games draw from the default
 * RNG); the previous default is restored before returning. Draws happen in
 * a fixed order: the bipartite structure, the fix-up of protocols left
 * without collateral, accounts per protocol, then the parameters of assets,
 * pools, oracles and protocols in index order.
 */
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/igraph_util.h"
#include "graph/network_internal.h"
#include "liqnet/error.h"
#include "model/scenario_keys.h"

void liq_ecosystem_options_init(liq_ecosystem_options_t *o)
{
    memset(o, 0, sizeof(*o));
    o->name = "generated";
    o->seed = 1;
    o->rounds = 100;
    o->n_protocols = 10;
    o->n_assets = 5;
    o->n_accounts = 10000;
    o->accounts_alpha = 1.2;
    o->model = LIQ_ECOSYSTEM_ERDOS_RENYI;
    o->probability = 0.3;
    o->attachments = 2;
    o->n_blocks = 2;
    o->p_within = 0.6;
    o->p_between = 0.05;
    o->pools_per_asset = 1;
    o->oracles_per_asset = 1;
    o->holdings_exposure = 1.0;
    o->shock_return = -0.2;
    o->shock_round = 5;
}

/* ------------------------------------------------------- a text builder */

typedef struct {
    char *text;
    size_t len, cap;
    int failed;
} liq_text_t;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
liq_text_printf(liq_text_t *t, const char *fmt, ...)
{
    if (t->failed) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(t->text + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap * 2;
        while (cap < t->len + (size_t)n + 1) {
            cap *= 2;
        }
        char *grown = realloc(t->text, cap);
        if (grown == NULL) {
            t->failed = 1;
            return;
        }
        t->text = grown;
        t->cap = cap;
        va_start(ap, fmt);
        vsnprintf(t->text + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
    }
    t->len += (size_t)n;
}

/* x rounded to `digits` significant digits, printed in the shortest form
 * that reads back to the rounded value, whole numbers in plain digits. The
 * rounding divides or multiplies by an exact power of ten, so 3.7e6 stays
 * 3700000 rather than becoming 3699999.9999999995. */
static const char *liq_num(char *buf, size_t size, double x, int digits)
{
    if (x != 0.0 && isfinite(x)) {
        const int places = digits - 1 - (int)floor(log10(fabs(x)));
        const double scale = pow(10.0, abs(places));
        x = places >= 0 ? round(x * scale) / scale : round(x / scale) * scale;
    }
    if (x == floor(x) && fabs(x) < 9007199254740992.0) {
        snprintf(buf, size, "%.0f", x);
        return buf;
    }
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(buf, size, "%.*g", precision, x);
        if (strtod(buf, NULL) == x) {
            break;
        }
    }
    return buf;
}

/* ------------------------------------------------------------ structure */

typedef struct {
    int64_t protocol, asset;
} liq_link_t;

static int liq_link_cmp(const void *x, const void *y)
{
    const liq_link_t *a = x, *b = y;
    if (a->protocol != b->protocol) {
        return a->protocol < b->protocol ? -1 : 1;
    }
    return (a->asset > b->asset) - (a->asset < b->asset);
}

/* Keeps the edges of `g` between a protocol vertex and an asset vertex:
 * protocol j is vertex protocol_base + j, asset i is asset_base + i. */
static int liq_take_links(const igraph_t *g, size_t protocol_base, size_t n_protocols,
                          size_t asset_base, size_t n_assets, liq_link_t *links, size_t *n_links,
                          size_t cap)
{
    const igraph_integer_t ne = igraph_ecount(g);
    for (igraph_integer_t e = 0; e < ne; e++) {
        size_t u = (size_t)IGRAPH_FROM(g, e), v = (size_t)IGRAPH_TO(g, e);
        if (u >= asset_base && u < asset_base + n_assets) {
            const size_t w = u;
            u = v;
            v = w;
        }
        if (u >= protocol_base && u < protocol_base + n_protocols && v >= asset_base &&
            v < asset_base + n_assets) {
            if (*n_links == cap) {
                return liq_error_set(LIQ_EINVAL, "generator: more links than protocol-asset pairs");
            }
            links[(*n_links)++] =
                (liq_link_t){(int64_t)(u - protocol_base), (int64_t)(v - asset_base)};
        }
    }
    return LIQ_OK;
}

static void liq_split(size_t total, size_t parts, size_t part, size_t *begin, size_t *size)
{
    *begin = total * part / parts;
    *size = total * (part + 1) / parts - *begin;
}

/* Allocates *links for the protocol-asset edges of `g` plus one fix-up link
 * per protocol: O(edges), where a bound of P * A links would be 16 GB for
 * 10^5 protocols and 10^4 assets. */
static int liq_links_alloc(const igraph_t *g, size_t n_protocols, liq_link_t **links, size_t *cap)
{
    *cap = (size_t)igraph_ecount(g) + n_protocols;
    *links = malloc(*cap * sizeof(**links));
    return *links != NULL ? LIQ_OK : liq_error_set(LIQ_ENOMEM, "generator: out of memory");
}

/* Each of the P * A protocol-asset pairs is linked independently with
 * probability p: igraph's bipartite G(P, A, p), protocols first. (A
 * G(P + A, p) with the protocol-protocol pairs thrown away drew P^2 p / 2
 * edges for nothing: 1.5e9, over 24 GB, for 10^5 protocols at the default
 * p = 0.3.) */
static igraph_error_t liq_game_gnp(const liq_ecosystem_options_t *o, igraph_t *g)
{
    return igraph_bipartite_game_gnp(g, NULL, (igraph_integer_t)o->n_protocols,
                                     (igraph_integer_t)o->n_assets, o->probability,
                                     IGRAPH_UNDIRECTED, IGRAPH_ALL);
}

/* Blocks 0..c-1 hold the protocols of each cluster, c..2c-1 its assets;
 * only protocol-asset blocks have a probability. */
static igraph_error_t liq_game_blocks(const liq_ecosystem_options_t *o, igraph_t *g)
{
    const size_t P = o->n_protocols, A = o->n_assets, c = o->n_blocks;
    igraph_matrix_t pref;
    igraph_vector_int_t sizes;
    igraph_error_t err =
        igraph_matrix_init(&pref, (igraph_integer_t)(2 * c), (igraph_integer_t)(2 * c));
    if (err != IGRAPH_SUCCESS) {
        return err;
    }
    err = igraph_vector_int_init(&sizes, (igraph_integer_t)(2 * c));
    if (err != IGRAPH_SUCCESS) {
        igraph_matrix_destroy(&pref);
        return err;
    }
    for (size_t b = 0; b < c; b++) {
        size_t begin, size;
        liq_split(P, c, b, &begin, &size);
        VECTOR(sizes)[b] = (igraph_integer_t)size;
        liq_split(A, c, b, &begin, &size);
        VECTOR(sizes)[c + b] = (igraph_integer_t)size;
        for (size_t b2 = 0; b2 < c; b2++) {
            const double p = b == b2 ? o->p_within : o->p_between;
            MATRIX(pref, b, c + b2) = p;
            MATRIX(pref, c + b2, b) = p;
        }
    }
    err = igraph_sbm_game(g, (igraph_integer_t)(P + A), &pref, &sizes, IGRAPH_UNDIRECTED, 0);
    igraph_matrix_destroy(&pref);
    igraph_vector_int_destroy(&sizes);
    return err;
}

/* Protocols have out-degree = collateral count and no in-degree, assets
 * the reverse: a simple directed graph with these degrees is a bipartite
 * graph with them. */
static igraph_error_t liq_game_degrees(const liq_ecosystem_options_t *o, igraph_t *g)
{
    const size_t P = o->n_protocols, A = o->n_assets;
    igraph_vector_int_t out_deg, in_deg;
    igraph_error_t err = igraph_vector_int_init(&out_deg, (igraph_integer_t)(P + A));
    if (err != IGRAPH_SUCCESS) {
        return err;
    }
    err = igraph_vector_int_init(&in_deg, (igraph_integer_t)(P + A));
    if (err != IGRAPH_SUCCESS) {
        igraph_vector_int_destroy(&out_deg);
        return err;
    }
    for (size_t j = 0; j < P; j++) {
        VECTOR(out_deg)[j] = (igraph_integer_t)o->protocol_degrees[j];
    }
    for (size_t i = 0; i < A; i++) {
        VECTOR(in_deg)[P + i] = (igraph_integer_t)o->asset_degrees[i];
    }
    err = igraph_degree_sequence_game(g, &out_deg, &in_deg, IGRAPH_DEGSEQ_FAST_HEUR_SIMPLE);
    igraph_vector_int_destroy(&out_deg);
    igraph_vector_int_destroy(&in_deg);
    return err;
}

/* Preferential attachment on P + A vertices: the A oldest are the assets,
 * the next P the protocols, each citing `attachments` older vertices with
 * probability proportional to in-degree + 1. */
static igraph_error_t liq_game_barabasi(const liq_ecosystem_options_t *o, igraph_t *g)
{
    return igraph_barabasi_game(g, (igraph_integer_t)(o->n_assets + o->n_protocols), 1.0,
                                (igraph_integer_t)o->attachments, NULL, 0, 1.0, IGRAPH_DIRECTED,
                                IGRAPH_BARABASI_PSUMTREE, NULL);
}

/* The links of a preferential-attachment graph: a protocol citing an asset
 * accepts it as collateral; citing an older protocol, it copies that
 * protocol's first collateral asset (the copying model: popular assets stay
 * popular). */
static int liq_take_barabasi(const igraph_t *g, size_t n_assets, size_t n_protocols,
                             liq_link_t *links, size_t *n_links, size_t cap)
{
    const size_t A = n_assets, P = n_protocols;
    int64_t *first = malloc(P * sizeof(*first));
    if (first == NULL) {
        return liq_error_set(LIQ_ENOMEM, "generator: out of memory");
    }
    for (size_t j = 0; j < P; j++) {
        first[j] = -1;
    }
    /* Edges of vertex v are added when v arrives: in vertex order. */
    const igraph_integer_t ne = igraph_ecount(g);
    for (igraph_integer_t e = 0; e < ne; e++) {
        const size_t from = (size_t)IGRAPH_FROM(g, e), to = (size_t)IGRAPH_TO(g, e);
        if (from < A) {
            continue;
        }
        const size_t j = from - A;
        const int64_t asset = to < A ? (int64_t)to : first[to - A];
        if (asset < 0 || *n_links == cap) {
            continue;
        }
        links[(*n_links)++] = (liq_link_t){(int64_t)j, asset};
        if (first[j] < 0 || asset < first[j]) {
            first[j] = asset;
        }
    }
    free(first);
    return LIQ_OK;
}

/* Draws the protocol-collateral links with the chosen model into *links
 * (allocated here, with room for one more link per protocol). */
static int liq_draw_links(const liq_ecosystem_options_t *o, liq_link_t **links_out, size_t *n_links,
                          size_t *cap_out)
{
    const size_t P = o->n_protocols, A = o->n_assets;
    igraph_t g;
    igraph_error_t err = IGRAPH_SUCCESS;
    *n_links = 0;
    switch (o->model) {
    case LIQ_ECOSYSTEM_ERDOS_RENYI:
        err = liq_game_gnp(o, &g);
        break;
    case LIQ_ECOSYSTEM_BLOCKS:
        err = liq_game_blocks(o, &g);
        break;
    case LIQ_ECOSYSTEM_DEGREES:
        err = liq_game_degrees(o, &g);
        if (err != IGRAPH_SUCCESS) {
            return liq_igraph_error(err, "generator: protocol_degrees and asset_degrees");
        }
        break;
    case LIQ_ECOSYSTEM_BARABASI_ALBERT:
        err = liq_game_barabasi(o, &g);
        break;
    }
    if (err != IGRAPH_SUCCESS) {
        return liq_igraph_error(err, "generator");
    }
    liq_link_t *links = NULL;
    size_t cap = 0;
    int rc = liq_links_alloc(&g, P, &links, &cap);
    if (rc == LIQ_OK) {
        rc = o->model == LIQ_ECOSYSTEM_BARABASI_ALBERT
                 ? liq_take_barabasi(&g, A, P, links, n_links, cap)
                 : liq_take_links(&g, 0, P, P, A, links, n_links, cap);
    }
    igraph_destroy(&g);
    if (rc != LIQ_OK) {
        free(links);
        return rc;
    }
    *links_out = links;
    *cap_out = cap;
    return LIQ_OK;
}

/* ---------------------------------------------------------------- checks */

static int liq_check_options(const liq_ecosystem_options_t *o)
{
    const char *bad = NULL;
    if (o->name == NULL || o->name[0] == '\0' || strpbrk(o->name, "\"\\\n") != NULL) {
        bad = "name: expected a non-empty name without quotes, backslashes or newlines";
    } else if (o->rounds < 1) {
        bad = "rounds: expected a whole number >= 1";
    } else if (o->n_protocols < 1) {
        bad = "n_protocols: expected >= 1";
    } else if (o->n_assets < 1) {
        bad = "n_assets: expected >= 1";
    } else if (o->n_accounts < 0) {
        bad = "n_accounts: expected >= 0";
    } else if (!(o->accounts_alpha > 0) || !isfinite(o->accounts_alpha)) {
        bad = "accounts_alpha: expected a finite number > 0";
    } else if (o->pools_per_asset < 1 || o->pools_per_asset > 1000) {
        bad = "pools_per_asset: expected a whole number in [1, 1000]";
    } else if (o->oracles_per_asset < 1 || o->oracles_per_asset > 1000) {
        bad = "oracles_per_asset: expected a whole number in [1, 1000]";
    } else if (!(o->min_depth_ratio >= 0) || !isfinite(o->min_depth_ratio)) {
        bad = "min_depth_ratio: expected a finite number >= 0";
    } else if (!(o->holdings_probability >= 0 && o->holdings_probability <= 1)) {
        bad = "holdings_probability: expected a number in [0, 1]";
    } else if (!(o->holdings_exposure > 0) || !isfinite(o->holdings_exposure)) {
        bad = "holdings_exposure: expected a finite number > 0";
    } else if (!(o->shock_return > -1) || !isfinite(o->shock_return)) {
        bad = "shock_return: expected a finite number > -1";
    } else if (o->shock_round < 1 || o->shock_round > o->rounds) {
        bad = "shock_round: expected a round in [1, rounds]";
    } else if (o->model == LIQ_ECOSYSTEM_ERDOS_RENYI &&
               !(o->probability >= 0 && o->probability <= 1)) {
        bad = "probability: expected a number in [0, 1]";
    } else if (o->model == LIQ_ECOSYSTEM_BARABASI_ALBERT && o->attachments < 1) {
        bad = "attachments: expected a whole number >= 1";
    } else if (o->model == LIQ_ECOSYSTEM_BLOCKS &&
               (o->n_blocks < 1 || o->n_blocks > o->n_protocols || o->n_blocks > o->n_assets)) {
        bad = "n_blocks: expected >= 1 and at most n_protocols and n_assets";
    } else if (o->model == LIQ_ECOSYSTEM_BLOCKS &&
               !(o->p_within >= 0 && o->p_within <= 1 && o->p_between >= 0 && o->p_between <= 1)) {
        bad = "p_within, p_between: expected numbers in [0, 1]";
    } else if (o->model == LIQ_ECOSYSTEM_DEGREES &&
               (o->protocol_degrees == NULL || o->asset_degrees == NULL)) {
        bad = "protocol_degrees, asset_degrees: expected both degree sequences";
    } else if ((unsigned)o->model > LIQ_ECOSYSTEM_DEGREES) {
        bad = "model: expected one of the liq_ecosystem_model_t values";
    }
    if (bad != NULL) {
        return liq_error_set(LIQ_EINVAL, "generator: %s", bad);
    }
    if (o->model == LIQ_ECOSYSTEM_DEGREES) {
        int64_t sum_p = 0, sum_a = 0;
        for (size_t j = 0; j < o->n_protocols; j++) {
            if (o->protocol_degrees[j] < 1 || o->protocol_degrees[j] > (int64_t)o->n_assets) {
                return liq_error_set(LIQ_EINVAL,
                                     "generator: protocol_degrees[%zu]: value %lld; expected a "
                                     "whole number in [1, n_assets = %zu]",
                                     j, (long long)o->protocol_degrees[j], o->n_assets);
            }
            sum_p += o->protocol_degrees[j];
        }
        for (size_t i = 0; i < o->n_assets; i++) {
            if (o->asset_degrees[i] < 0 || o->asset_degrees[i] > (int64_t)o->n_protocols) {
                return liq_error_set(LIQ_EINVAL,
                                     "generator: asset_degrees[%zu]: value %lld; expected a "
                                     "whole number in [0, n_protocols = %zu]",
                                     i, (long long)o->asset_degrees[i], o->n_protocols);
            }
            sum_a += o->asset_degrees[i];
        }
        if (sum_p != sum_a) {
            return liq_error_set(LIQ_EINVAL,
                                 "generator: protocol_degrees add up to %lld and asset_degrees "
                                 "to %lld; expected equal sums",
                                 (long long)sum_p, (long long)sum_a);
        }
    }
    return LIQ_OK;
}

/* ------------------------------------------------------------- the keys */

/* The keys the generator writes. Each is named by the row of the scenario
 * tables (src/model/scenario_keys.h) that stores the field it fills, so a
 * key renamed in its table is renamed here too; the values are the
 * generator's. */
typedef struct {
    const char *name, *rounds, *seed, *assets, *pools, *oracles, *protocols, *accounts, *shocks;
    const char *asset_name, *price, *market_depth, *market_resilience;
    const char *pool_name, *token0, *token1, *reserve0, *reserve1, *fee;
    const char *oracle_name, *source, *source_market, *oracle_asset, *heartbeat, *deviation;
    const char *protocol_name, *debt_asset, *debt_oracle, *insurance_fund, *keepers, *gas_cost,
        *min_profit, *max_liquidations, *issues, *recovery, *recovery_zero, *holdings, *markets;
    const char *issue_asset, *supply, *holding_asset, *amount;
    const char *market_asset, *market_oracle, *route, *liquidation_threshold, *liquidation_bonus;
    const char *account_protocol, *account_market, *count, *size, *health;
    const char *size_distribution, *pareto, *alpha, *size_min, *size_max;
    const char *health_distribution, *uniform, *health_min, *health_max;
    const char *shock_type, *schedule, *shock_asset, *steps, *step_round, *step_return;
} liq_gen_keys_t;

/* A row's name, or "" with *missing set when the tables have no such row. */
static const char *liq_gen_name(const liq_key_t *key, int *missing)
{
    if (key == NULL) {
        *missing = 1;
        return "";
    }
    return key->name;
}

/* The name of value `value` of an ENUM row. */
static const char *liq_gen_choice(const liq_key_t *key, int value, int *missing)
{
    if (key == NULL || key->type != LIQ_KEY_ENUM || key->choices == NULL) {
        *missing = 1;
        return "";
    }
    for (int c = 0; c <= value; c++) {
        if (key->choices[c] == NULL) {
            *missing = 1;
            return "";
        }
    }
    return key->choices[value];
}

#define LIQ_FIELD(entity, type, T, field)                                                          \
    liq_gen_name(liq_entity_field_key(&(entity), LIQ_KEY_##type, offsetof(T, field)), &missing)
#define LIQ_ITEMS(entity, items) liq_gen_name(liq_entity_items_key(&(entity), &(items)), &missing)
#define LIQ_CUSTOM(entity, custom)                                                                 \
    liq_gen_name(liq_entity_custom_key(&(entity), LIQ_CUSTOM_##custom), &missing)
#define LIQ_CHOICE(entity, T, field, value)                                                        \
    liq_gen_choice(liq_entity_field_key(&(entity), LIQ_KEY_ENUM, offsetof(T, field)), (value),     \
                   &missing)

/* Fills *k from the tables; LIQ_EINVAL when a row is missing (a table
 * changed without the generator). */
static int liq_gen_keys(liq_gen_keys_t *k)
{
    int missing = 0;
    k->name = LIQ_FIELD(liq_scenario_entity, STRING, liq_scenario_t, name);
    k->rounds = LIQ_FIELD(liq_scenario_entity, INTEGER, liq_scenario_t, rounds);
    k->seed = LIQ_FIELD(liq_scenario_entity, INTEGER, liq_scenario_t, seed);
    k->assets = LIQ_ITEMS(liq_scenario_entity, liq_asset_entity);
    k->pools = LIQ_ITEMS(liq_scenario_entity, liq_pool_entity);
    k->oracles = LIQ_ITEMS(liq_scenario_entity, liq_oracle_entity);
    k->protocols = LIQ_ITEMS(liq_scenario_entity, liq_protocol_entity);
    k->accounts = LIQ_CUSTOM(liq_scenario_entity, ACCOUNTS);
    k->shocks = LIQ_CUSTOM(liq_scenario_entity, SHOCKS);

    k->asset_name = LIQ_FIELD(liq_asset_entity, NAME, liq_asset_config_t, name);
    k->price = LIQ_FIELD(liq_asset_entity, NUMBER, liq_asset_config_t, price);
    k->market_depth = LIQ_FIELD(liq_asset_entity, NUMBER, liq_asset_config_t, market_depth);
    k->market_resilience =
        LIQ_FIELD(liq_asset_entity, NUMBER, liq_asset_config_t, market_resilience);

    k->pool_name = LIQ_FIELD(liq_pool_entity, NAME, liq_pool_config_t, name);
    k->token0 = LIQ_FIELD(liq_pool_entity, REF, liq_pool_config_t, token0);
    k->token1 = LIQ_FIELD(liq_pool_entity, REF, liq_pool_config_t, token1);
    k->reserve0 = LIQ_FIELD(liq_pool_entity, NUMBER, liq_pool_config_t, reserve0);
    k->reserve1 = LIQ_FIELD(liq_pool_entity, NUMBER, liq_pool_config_t, reserve1);
    k->fee = LIQ_FIELD(liq_pool_entity, NUMBER, liq_pool_config_t, fee);

    k->oracle_name = LIQ_FIELD(liq_oracle_entity, NAME, liq_oracle_config_t, name);
    k->source = LIQ_FIELD(liq_oracle_entity, ENUM, liq_oracle_config_t, source);
    k->source_market =
        LIQ_CHOICE(liq_oracle_entity, liq_oracle_config_t, source, LIQ_ORACLE_MARKET);
    k->oracle_asset = LIQ_FIELD(liq_oracle_entity, REF, liq_oracle_config_t, asset);
    k->heartbeat = LIQ_FIELD(liq_oracle_entity, DURATION, liq_oracle_config_t, heartbeat);
    k->deviation = LIQ_FIELD(liq_oracle_entity, NUMBER, liq_oracle_config_t, deviation);

    k->protocol_name = LIQ_FIELD(liq_protocol_entity, NAME, liq_protocol_config_t, name);
    k->debt_asset = LIQ_FIELD(liq_protocol_entity, REF, liq_protocol_config_t, debt_asset);
    k->debt_oracle = LIQ_FIELD(liq_protocol_entity, REF, liq_protocol_config_t, debt_oracle);
    k->insurance_fund =
        LIQ_FIELD(liq_protocol_entity, NUMBER, liq_protocol_config_t, insurance_fund);
    k->keepers = LIQ_ITEMS(liq_protocol_entity, liq_keepers_entity);
    k->gas_cost = LIQ_FIELD(liq_keepers_entity, NUMBER, liq_protocol_config_t, gas_cost);
    k->min_profit = LIQ_FIELD(liq_keepers_entity, NUMBER, liq_protocol_config_t, min_profit);
    k->max_liquidations =
        LIQ_FIELD(liq_keepers_entity, INTEGER, liq_protocol_config_t, max_liquidations);
    k->issues = LIQ_ITEMS(liq_protocol_entity, liq_issue_entity);
    k->recovery = LIQ_FIELD(liq_protocol_entity, ENUM, liq_protocol_config_t, recovery);
    k->recovery_zero =
        LIQ_CHOICE(liq_protocol_entity, liq_protocol_config_t, recovery, LIQ_RECOVERY_ZERO);
    k->holdings = LIQ_ITEMS(liq_protocol_entity, liq_holding_entity);
    k->markets = LIQ_ITEMS(liq_protocol_entity, liq_market_entity);

    k->issue_asset = LIQ_FIELD(liq_issue_entity, REF, liq_issue_config_t, asset);
    k->supply = LIQ_FIELD(liq_issue_entity, NUMBER, liq_issue_config_t, supply);
    k->holding_asset = LIQ_FIELD(liq_holding_entity, REF, liq_holding_config_t, asset);
    k->amount = LIQ_FIELD(liq_holding_entity, NUMBER, liq_holding_config_t, amount);

    k->market_asset = LIQ_FIELD(liq_market_entity, REF, liq_market_config_t, asset);
    k->market_oracle = LIQ_FIELD(liq_market_entity, REF, liq_market_config_t, oracle);
    k->route = LIQ_CUSTOM(liq_market_entity, ROUTE);
    k->liquidation_threshold =
        LIQ_FIELD(liq_market_entity, NUMBER, liq_market_config_t, liquidation_threshold);
    k->liquidation_bonus =
        LIQ_FIELD(liq_market_entity, NUMBER, liq_market_config_t, liquidation_bonus);

    k->account_protocol = LIQ_FIELD(liq_generator_entity, REF, liq_account_generator_t, protocol);
    k->account_market = LIQ_FIELD(liq_generator_entity, REF, liq_account_generator_t, market);
    k->count = LIQ_FIELD(liq_generator_entity, INTEGER, liq_account_generator_t, count);
    k->size = LIQ_ITEMS(liq_generator_entity, liq_size_entity);
    k->health = LIQ_ITEMS(liq_generator_entity, liq_health_entity);
    k->size_distribution = LIQ_FIELD(liq_size_entity, ENUM, liq_account_generator_t, size_dist);
    k->pareto = LIQ_CHOICE(liq_size_entity, liq_account_generator_t, size_dist, LIQ_SIZE_PARETO);
    k->alpha = LIQ_FIELD(liq_size_entity, NUMBER, liq_account_generator_t, size_a);
    k->size_min = LIQ_FIELD(liq_size_entity, NUMBER, liq_account_generator_t, size_b);
    k->size_max = LIQ_FIELD(liq_size_entity, NUMBER, liq_account_generator_t, size_max);
    k->health_distribution =
        LIQ_FIELD(liq_health_entity, ENUM, liq_account_generator_t, health_dist);
    k->uniform =
        LIQ_CHOICE(liq_health_entity, liq_account_generator_t, health_dist, LIQ_HEALTH_UNIFORM);
    k->health_min = LIQ_FIELD(liq_health_entity, NUMBER, liq_account_generator_t, health_a);
    k->health_max = LIQ_FIELD(liq_health_entity, NUMBER, liq_account_generator_t, health_b);

    k->shock_type = LIQ_FIELD(liq_schedule_entity, ENUM, liq_shock_t, kind);
    k->schedule = LIQ_CHOICE(liq_schedule_entity, liq_shock_t, kind, LIQ_SHOCK_SCHEDULE);
    k->shock_asset = LIQ_FIELD(liq_schedule_entity, REF, liq_shock_t, asset);
    k->steps = LIQ_CUSTOM(liq_schedule_entity, STEPS);
    k->step_round = LIQ_FIELD(liq_step_entity, INTEGER, liq_step_t, round);
    k->step_return = LIQ_FIELD(liq_step_entity, NUMBER, liq_step_t, simple_return);
    return missing ? liq_error_set(LIQ_EINVAL, "generator: a key it writes is missing from the "
                                               "scenario key tables (src/model/scenario_keys*.c)")
                   : LIQ_OK;
}

#undef LIQ_FIELD
#undef LIQ_ITEMS
#undef LIQ_CUSTOM
#undef LIQ_CHOICE

/* ------------------------------------------------------------ the text */

static int liq_digits(size_t n)
{
    int d = 1;
    for (; n >= 10; n /= 10) {
        d++;
    }
    return d;
}

typedef struct {
    double fraction;
    size_t index;
} liq_remainder_t;

/* Larger remainder first, then lower index: a total order, so the sorted
 * result does not depend on qsort's algorithm. */
static int liq_remainder_cmp(const void *x, const void *y)
{
    const liq_remainder_t *a = x, *b = y;
    if (a->fraction != b->fraction) {
        return a->fraction > b->fraction ? -1 : 1;
    }
    return (a->index > b->index) - (a->index < b->index);
}

/* Largest-remainder split of `total` in proportion to `weight`: the counts
 * add up to total exactly; ties in the remainder go to the lower index.
 * `fraction` and `order` are scratch of n entries. */
static void liq_apportion(int64_t total, const double *weight, size_t n, int64_t *count,
                          double *fraction, liq_remainder_t *order)
{
    double sum = 0;
    for (size_t j = 0; j < n; j++) {
        sum += weight[j];
    }
    int64_t given = 0;
    for (size_t j = 0; j < n; j++) {
        const double share = (double)total * weight[j] / sum;
        count[j] = (int64_t)floor(share);
        fraction[j] = share - floor(share);
        given += count[j];
    }
    /* The total - given (< n) largest remainders get one more each. Sorting
     * the indices by remainder gives the counts of picking the largest one
     * at a time, in O(n log n) instead of O(n^2). */
    if (given < total) {
        for (size_t j = 0; j < n; j++) {
            order[j] = (liq_remainder_t){fraction[j], j};
        }
        qsort(order, n, sizeof(*order), liq_remainder_cmp);
        for (size_t r = 0; given < total; r++, given++) {
            count[r < n ? order[r].index : 0]++; /* r >= n only by rounding, as before */
        }
    }
}

/* The name suffix of an asset's pool or oracle number c (from 0): none for
 * the first, "-2", "-3", ... for the others. */
static void liq_copy_suffix(char *buf, size_t size, size_t c)
{
    if (c == 0) {
        buf[0] = '\0';
    } else {
        snprintf(buf, size, "-%zu", c + 1);
    }
}

/* Who holds whose receipt token: holder j's issuers are
 * issuer[begin[j] .. begin[j+1]-1], ascending; NULL without holdings. */
typedef struct {
    size_t *begin;  /* [n_protocols + 1] */
    size_t *issuer; /* [edges] */
} liq_holdings_t;

/* What writing the text needs: the options, the keys, the draws, the
 * widths of the zero-padded asset and protocol numbers. */
typedef struct {
    liq_text_t *t;
    const liq_ecosystem_options_t *o;
    const liq_gen_keys_t *k;
    igraph_rng_t *rng;
    int wa, wp;
} liq_writer_t;

static void liq_write_header(const liq_writer_t *w)
{
    const liq_ecosystem_options_t *o = w->o;
    static const char *const model_names[] = {"erdos_renyi", "barabasi_albert", "blocks",
                                              "degrees"};
    liq_text_printf(w->t,
                    "# Generated by liq_network_generate: %zu protocols, %zu collateral assets, "
                    "model %s, seed %llu\n",
                    o->n_protocols, o->n_assets, model_names[o->model],
                    (unsigned long long)o->seed);
    liq_text_printf(w->t, "%s: \"%s\"\n%s: %lld\n%s: %llu\n", w->k->name, o->name, w->k->rounds,
                    (long long)o->rounds, w->k->seed, (unsigned long long)o->seed);
}

/* Assets: the collateral TKNi, then the stablecoin every protocol owes
 * (and, with holdings, each protocol's receipt token RPj). `price` and
 * `pool_usd` are those drawn by liq_write_markets. */
static void liq_write_assets(const liq_writer_t *w, const double *price, const double *depth_usd,
                             const double *pool_usd, const liq_holdings_t *holds)
{
    const liq_gen_keys_t *k = w->k;
    const size_t A = w->o->n_assets, kp = w->o->pools_per_asset;
    char n1[40], n2[40];
    liq_text_printf(w->t, "%s:\n", k->assets);
    for (size_t i = 0; i < A; i++) {
        double depth = depth_usd[i] / price[i];
        double reserve = 0;
        for (size_t c = 0; c < kp; c++) {
            reserve += pool_usd[i * kp + c] / price[i];
        }
        const double floor_depth = w->o->min_depth_ratio * reserve;
        if (depth < floor_depth) {
            depth = floor_depth;
        }
        liq_text_printf(w->t, "  - {%s: TKN%0*zu, %s: %s, %s: %s, %s: 0.1}\n", k->asset_name, w->wa,
                        i + 1, k->price, liq_num(n1, sizeof(n1), price[i], 3), k->market_depth,
                        liq_num(n2, sizeof(n2), depth, 3), k->market_resilience);
    }
    liq_text_printf(w->t, "  - {%s: USDS, %s: 1}\n", k->asset_name, k->price);
    if (holds->begin != NULL) {
        for (size_t j = 0; j < w->o->n_protocols; j++) {
            liq_text_printf(w->t, "  - {%s: RP%0*zu, %s: 1}\n", k->asset_name, w->wp, j + 1,
                            k->price);
        }
    }
}

/* Pools: each asset's pools against the stablecoin, worth pool_usd each
 * side. */
static void liq_write_pools(const liq_writer_t *w, const double *price, const double *pool_usd)
{
    const liq_gen_keys_t *k = w->k;
    const size_t A = w->o->n_assets, kp = w->o->pools_per_asset;
    char n1[40], n2[40], suffix[24];
    liq_text_printf(w->t, "%s:\n", k->pools);
    for (size_t i = 0; i < A; i++) {
        for (size_t c = 0; c < kp; c++) {
            const double usd = pool_usd[i * kp + c];
            liq_copy_suffix(suffix, sizeof(suffix), c);
            liq_text_printf(w->t,
                            "  - {%s: TKN%0*zu-USDS%s, %s: TKN%0*zu, %s: USDS, %s: %s, %s: %s, "
                            "%s: 0.003}\n",
                            k->pool_name, w->wa, i + 1, suffix, k->token0, w->wa, i + 1, k->token1,
                            k->reserve0, liq_num(n1, sizeof(n1), usd / price[i], 6), k->reserve1,
                            liq_num(n2, sizeof(n2), usd, 6), k->fee);
        }
    }
}

/* Prices and depths are drawn for every asset, then every pool's size, and
 * only then written, so that a depth can be raised to min_depth_ratio times
 * its pools' reserves (same draws either way). An asset's first pool is
 * drawn for every asset before any second one, so that pools_per_asset 1
 * leaves the draws, and the text, as they were before that option existed. */
static void liq_write_markets(const liq_writer_t *w, const liq_holdings_t *holds)
{
    const size_t A = w->o->n_assets, kp = w->o->pools_per_asset;
    char n1[40];
    double *price = malloc(A * sizeof(*price));
    double *depth_usd = malloc(A * sizeof(*depth_usd));
    double *pool_usd = malloc(A * kp * sizeof(*pool_usd));
    if (price != NULL && depth_usd != NULL && pool_usd != NULL) {
        for (size_t i = 0; i < A; i++) {
            price[i] = strtod(
                liq_num(n1, sizeof(n1), pow(10.0, igraph_rng_get_unif(w->rng, 0, 4)), 3), NULL);
            depth_usd[i] = pow(10.0, igraph_rng_get_unif(w->rng, 6.5, 8.5));
        }
        for (size_t c = 0; c < kp; c++) {
            for (size_t i = 0; i < A; i++) {
                pool_usd[i * kp + c] = pow(10.0, igraph_rng_get_unif(w->rng, 6, 8)) / 2;
            }
        }
        liq_write_assets(w, price, depth_usd, pool_usd, holds);
        liq_write_pools(w, price, pool_usd);
    } else {
        w->t->failed = 1;
    }
    free(price);
    free(depth_usd);
    free(pool_usd);
}

/* Oracles: each asset's, with a deviation drawn among three; first oracles
 * drawn before second ones (as pools). */
static void liq_write_oracles(const liq_writer_t *w)
{
    const liq_gen_keys_t *k = w->k;
    const size_t A = w->o->n_assets, ko = w->o->oracles_per_asset;
    static const char *const deviations[] = {"0.005", "0.01", "0.02"};
    igraph_integer_t *deviation = malloc(A * ko * sizeof(*deviation));
    if (deviation == NULL) {
        w->t->failed = 1;
        return;
    }
    for (size_t c = 0; c < ko; c++) {
        for (size_t i = 0; i < A; i++) {
            deviation[i * ko + c] = igraph_rng_get_integer(w->rng, 0, 2);
        }
    }
    char suffix[24];
    liq_text_printf(w->t, "%s:\n", k->oracles);
    for (size_t i = 0; i < A; i++) {
        for (size_t c = 0; c < ko; c++) {
            liq_copy_suffix(suffix, sizeof(suffix), c);
            liq_text_printf(
                w->t, "  - {%s: TKN%0*zu/USD%s, %s: %s, %s: TKN%0*zu, %s: 1h, %s: %s}\n",
                k->oracle_name, w->wa, i + 1, suffix, k->source, k->source_market, k->oracle_asset,
                w->wa, i + 1, k->heartbeat, k->deviation, deviations[deviation[i * ko + c]]);
        }
    }
    free(deviation);
    liq_text_printf(w->t, "  - {%s: USDS/USD, %s: %s, %s: USDS}\n", k->oracle_name, k->source,
                    k->source_market, k->oracle_asset);
}

/* Protocol j's receipt token (supply: its fund, zero recovery), and an
 * even split of holdings_exposure x its fund over the tokens it holds. */
static void liq_write_issues(const liq_writer_t *w, size_t j, double fund,
                             const liq_holdings_t *holds)
{
    const liq_gen_keys_t *k = w->k;
    char n1[40], n2[40];
    liq_text_printf(w->t, "    %s: [{%s: RP%0*zu, %s: %s}]\n    %s: %s\n", k->issues,
                    k->issue_asset, w->wp, j + 1, k->supply, liq_num(n1, sizeof(n1), fund, 2),
                    k->recovery, k->recovery_zero);
    const size_t n_held = holds->begin[j + 1] - holds->begin[j];
    if (n_held > 0) {
        const double each = strtod(liq_num(n1, sizeof(n1), fund, 2), NULL) *
                            w->o->holdings_exposure / (double)n_held;
        liq_text_printf(w->t, "    %s:\n", k->holdings);
        for (size_t h = holds->begin[j]; h < holds->begin[j + 1]; h++) {
            liq_text_printf(w->t, "      - {%s: RP%0*zu, %s: %s}\n", k->holding_asset, w->wp,
                            holds->issuer[h] + 1, k->amount, liq_num(n2, sizeof(n2), each, 6));
        }
    }
}

/* A market of collateral asset i (from 1). */
static void liq_write_market(const liq_writer_t *w, size_t i)
{
    const liq_gen_keys_t *k = w->k;
    const size_t kp = w->o->pools_per_asset, ko = w->o->oracles_per_asset;
    char n2[40], n3[40];
    /* Drawn in statements of their own: the order in which a call
     * evaluates its arguments is unspecified in C. Bonus first, then
     * threshold: the order gcc gave when both were arguments of the printf,
     * so the text did not change. */
    const double bonus = igraph_rng_get_unif(w->rng, 0.04, 0.1);
    const double threshold = igraph_rng_get_unif(w->rng, 0.7, 0.9);
    /* With several, the market's oracle and pool are drawn uniformly among
     * its asset's (no draw with one of each). */
    const size_t oracle =
        ko > 1 ? (size_t)igraph_rng_get_integer(w->rng, 0, (igraph_integer_t)ko - 1) : 0;
    const size_t pool =
        kp > 1 ? (size_t)igraph_rng_get_integer(w->rng, 0, (igraph_integer_t)kp - 1) : 0;
    char oracle_suffix[24], pool_suffix[24];
    liq_copy_suffix(oracle_suffix, sizeof(oracle_suffix), oracle);
    liq_copy_suffix(pool_suffix, sizeof(pool_suffix), pool);
    liq_text_printf(w->t,
                    "      - {%s: TKN%0*zu, %s: TKN%0*zu/USD%s, %s: TKN%0*zu-USDS%s, %s: %s, "
                    "%s: %s}\n",
                    k->market_asset, w->wa, i, k->market_oracle, w->wa, i, oracle_suffix, k->route,
                    w->wa, i, pool_suffix, k->liquidation_threshold,
                    liq_num(n2, sizeof(n2), threshold, 2), k->liquidation_bonus,
                    liq_num(n3, sizeof(n3), bonus, 1));
}

/* Protocols: P1..PP, each lending the stablecoin against its linked
 * assets (links sorted by protocol). */
static void liq_write_protocols(const liq_writer_t *w, const liq_link_t *links, size_t n_links,
                                const liq_holdings_t *holds)
{
    const liq_gen_keys_t *k = w->k;
    char n1[40];
    liq_text_printf(w->t, "%s:\n", k->protocols);
    size_t l = 0;
    for (size_t j = 0; j < w->o->n_protocols; j++) {
        const double fund = pow(10.0, igraph_rng_get_unif(w->rng, 5, 7));
        liq_text_printf(w->t,
                        "  - %s: P%0*zu\n    %s: USDS\n    %s: USDS/USD\n    %s: %s\n"
                        "    %s: {%s: 10, %s: 0, %s: 200}\n",
                        k->protocol_name, w->wp, j + 1, k->debt_asset, k->debt_oracle,
                        k->insurance_fund, liq_num(n1, sizeof(n1), fund, 2), k->keepers,
                        k->gas_cost, k->min_profit, k->max_liquidations);
        if (holds->begin != NULL) {
            liq_write_issues(w, j, fund, holds);
        }
        liq_text_printf(w->t, "    %s:\n", k->markets);
        for (; l < n_links && links[l].protocol == (int64_t)j; l++) {
            liq_write_market(w, (size_t)links[l].asset + 1);
        }
    }
}

/* Accounts: each protocol's count split evenly over its markets. */
static void liq_write_accounts(const liq_writer_t *w, const liq_link_t *links, size_t n_links,
                               const int64_t *accounts)
{
    const liq_gen_keys_t *k = w->k;
    liq_text_printf(w->t, "%s:\n", k->accounts);
    int any = 0;
    size_t l = 0;
    for (size_t j = 0; j < w->o->n_protocols; j++) {
        size_t begin = l;
        for (; l < n_links && links[l].protocol == (int64_t)j; l++) {
        }
        const size_t n_markets = l - begin;
        for (size_t m = 0; m < n_markets; m++) {
            const int64_t count = accounts[j] * (int64_t)(m + 1) / (int64_t)n_markets -
                                  accounts[j] * (int64_t)m / (int64_t)n_markets;
            if (count == 0) {
                continue;
            }
            any = 1;
            liq_text_printf(w->t,
                            "  - {%s: P%0*zu, %s: TKN%0*zu, %s: %lld, %s: "
                            "{%s: %s, %s: 1.5, %s: 1000, %s: 1.0e7}, "
                            "%s: {%s: %s, %s: 1.02, %s: 2.0}}\n",
                            k->account_protocol, w->wp, j + 1, k->account_market, w->wa,
                            (size_t)links[begin + m].asset + 1, k->count, (long long)count, k->size,
                            k->size_distribution, k->pareto, k->alpha, k->size_min, k->size_max,
                            k->health, k->health_distribution, k->uniform, k->health_min,
                            k->health_max);
        }
    }
    if (!any) {
        liq_text_printf(w->t, "  []\n");
    }
}

/* The shock hits the collateral accepted by the most protocols. */
static void liq_write_shock(const liq_writer_t *w, const liq_link_t *links, size_t n_links)
{
    const liq_gen_keys_t *k = w->k;
    const size_t A = w->o->n_assets;
    char n1[40];
    int64_t *degree = calloc(A, sizeof(*degree));
    if (degree == NULL) {
        w->t->failed = 1;
        return;
    }
    for (size_t l = 0; l < n_links; l++) {
        degree[links[l].asset]++;
    }
    size_t hub = 0;
    for (size_t i = 1; i < A; i++) {
        if (degree[i] > degree[hub]) {
            hub = i;
        }
    }
    free(degree);
    liq_text_printf(w->t,
                    "%s:\n  - %s: %s\n    %s: TKN%0*zu\n    %s:\n      - {%s: %lld, %s: %s}\n",
                    k->shocks, k->shock_type, k->schedule, k->shock_asset, w->wa, hub + 1, k->steps,
                    k->step_round, (long long)w->o->shock_round, k->step_return,
                    liq_num(n1, sizeof(n1), w->o->shock_return, 15));
}

static void liq_write_yaml(liq_text_t *t, const liq_ecosystem_options_t *o,
                           const liq_gen_keys_t *keys, const liq_link_t *links, size_t n_links,
                           const int64_t *accounts, const liq_holdings_t *holds, igraph_rng_t *rng)
{
    const liq_writer_t w = {t, o, keys, rng, liq_digits(o->n_assets), liq_digits(o->n_protocols)};
    liq_write_header(&w);
    liq_write_markets(&w, holds);
    if (t->failed) {
        return;
    }
    liq_write_oracles(&w);
    if (t->failed) {
        return;
    }
    liq_write_protocols(&w, links, n_links, holds);
    liq_write_accounts(&w, links, n_links, accounts);
    liq_write_shock(&w, links, n_links);
}

/* Receipt-token holdings: a directed Erdos-Renyi graph on the protocols
 * (igraph_erdos_renyi_game_gnp, no loops), edge j -> i meaning j holds i's
 * token, drawn after everything else, so holdings_probability 0 leaves the
 * text as it was. Stored by holder, issuers ascending. */
static int liq_draw_holdings(const liq_ecosystem_options_t *o, liq_holdings_t *holds)
{
    const size_t P = o->n_protocols;
    igraph_t g;
    igraph_error_t err = igraph_erdos_renyi_game_gnp(
        &g, (igraph_integer_t)P, o->holdings_probability, IGRAPH_DIRECTED, IGRAPH_NO_LOOPS);
    if (err != IGRAPH_SUCCESS) {
        return liq_igraph_error(err, "generator: holdings");
    }
    const size_t E = (size_t)igraph_ecount(&g);
    holds->begin = calloc(P + 1, sizeof(size_t));
    holds->issuer = malloc((E > 0 ? E : 1) * sizeof(size_t));
    liq_link_t *pairs = malloc((E > 0 ? E : 1) * sizeof(*pairs));
    if (holds->begin == NULL || holds->issuer == NULL || pairs == NULL) {
        free(pairs);
        igraph_destroy(&g);
        return liq_error_set(LIQ_ENOMEM, "generator: out of memory for holdings");
    }
    for (size_t e = 0; e < E; e++) {
        igraph_integer_t from, to;
        igraph_edge(&g, (igraph_integer_t)e, &from, &to);
        pairs[e] = (liq_link_t){(int64_t)from, (int64_t)to};
    }
    igraph_destroy(&g);
    qsort(pairs, E, sizeof(*pairs), liq_link_cmp);
    for (size_t e = 0; e < E; e++) {
        holds->begin[(size_t)pairs[e].protocol + 1]++;
        holds->issuer[e] = (size_t)pairs[e].asset;
    }
    for (size_t j = 0; j < P; j++) {
        holds->begin[j + 1] += holds->begin[j];
    }
    free(pairs);
    return LIQ_OK;
}

int liq_network_generate(char **yaml, const liq_ecosystem_options_t *o)
{
    *yaml = NULL;
    int rc = liq_check_options(o);
    liq_gen_keys_t keys;
    if (rc == LIQ_OK) {
        rc = liq_gen_keys(&keys);
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    const size_t P = o->n_protocols, A = o->n_assets;
    liq_link_t *links = NULL;
    size_t cap = 0;
    liq_remainder_t *order = malloc(P * sizeof(*order));
    double *weight = malloc(P * sizeof(*weight));
    double *fraction = malloc(P * sizeof(*fraction));
    int64_t *accounts = malloc(P * sizeof(*accounts));
    uint8_t *has = calloc(P, sizeof(*has));
    liq_holdings_t holds = {NULL, NULL};
    liq_text_t text = {malloc(4096), 0, 4096, 0};
    if (order == NULL || weight == NULL || fraction == NULL || accounts == NULL || has == NULL ||
        text.text == NULL) {
        rc = liq_error_set(LIQ_ENOMEM, "generator: out of memory");
        goto cleanup;
    }

    liq_igraph_scope_t scope;
    liq_igraph_enter(&scope);
    igraph_rng_t rng;
    igraph_rng_t *previous = igraph_rng_default();
    igraph_error_t err = igraph_rng_init(&rng, &igraph_rngtype_pcg32);
    if (err == IGRAPH_SUCCESS) {
        err = igraph_rng_seed(&rng, (igraph_uint_t)o->seed);
        if (err != IGRAPH_SUCCESS) {
            igraph_rng_destroy(&rng);
        }
    }
    if (err != IGRAPH_SUCCESS) {
        rc = liq_igraph_error(err, "generator: random number generator");
        liq_igraph_leave(&scope);
        goto cleanup;
    }
    igraph_rng_set_default(&rng);

    size_t n_links = 0;
    rc = liq_draw_links(o, &links, &n_links, &cap);
    if (rc == LIQ_OK) {
        qsort(links, n_links, sizeof(*links), liq_link_cmp);
        size_t kept = 0;
        for (size_t l = 0; l < n_links; l++) {
            if (kept == 0 || liq_link_cmp(&links[kept - 1], &links[l]) != 0) {
                links[kept++] = links[l];
            }
        }
        n_links = kept;
        /* A protocol needs at least one market: one left without collateral
         * takes a uniformly drawn asset. */
        for (size_t l = 0; l < n_links; l++) {
            has[links[l].protocol] = 1;
        }
        for (size_t j = 0; j < P; j++) {
            if (!has[j]) {
                links[n_links++] = (liq_link_t){
                    (int64_t)j, (int64_t)igraph_rng_get_integer(&rng, 0, (igraph_integer_t)A - 1)};
            }
        }
        qsort(links, n_links, sizeof(*links), liq_link_cmp);

        /* Accounts per protocol: Pareto(alpha) weights, x_min 1, by inverse
         * transform of a uniform draw in [0, 1). */
        for (size_t j = 0; j < P; j++) {
            weight[j] = pow(1.0 - igraph_rng_get_unif01(&rng), -1.0 / o->accounts_alpha);
        }
        liq_apportion(o->n_accounts, weight, P, accounts, fraction, order);
        if (o->holdings_probability > 0.0) {
            rc = liq_draw_holdings(o, &holds);
        }
    }
    if (rc == LIQ_OK) {
        liq_write_yaml(&text, o, &keys, links, n_links, accounts, &holds, &rng);
        if (text.failed) {
            rc = liq_error_set(LIQ_ENOMEM, "generator: out of memory writing the scenario");
        }
    }
    igraph_rng_set_default(previous);
    igraph_rng_destroy(&rng);
    liq_igraph_leave(&scope);

cleanup:
    free(links);
    free(weight);
    free(fraction);
    free(order);
    free(accounts);
    free(has);
    free(holds.begin);
    free(holds.issuer);
    if (rc != LIQ_OK) {
        free(text.text);
        return rc;
    }
    *yaml = text.text;
    return LIQ_OK;
}
