/*
 * The keys of protocols (scenario_keys.h): lending and perp protocols,
 * their keepers, breakers, dynamic penalties, stability pools, balance
 * sheets and markets, and the rules that tie them together (auctions:
 * scenario_keys_liquidation.c).
 *
 * One table serves both kinds of protocol: the rows of one kind are hidden
 * from the other (liq_need_lending, liq_need_perp), so each kind's keys are
 * the visible rows, in table order.
 */
#include <math.h>
#include <string.h>

#include "liqnet/error.h"
#include "model/scenario_facts.h"
#include "model/scenario_keys.h"
#include "model/scenario_keys_rows.h"

static const char *const liq_protocol_kinds[] = {"lending", "perp", NULL};
static const char *const liq_recoveries[] = {"pro_rata", "zero", NULL};
static const char *const liq_routings[] = {"weight", "best_price", NULL};
static const char *const liq_adl_ranks[] = {"pnl_leverage", "hyperliquid", NULL};
static const char *const liq_perp_fills[] = {"mark", "book", NULL};

/* --------------------------------------------------------- the kinds */

/* A row of lending protocols only (perp protocols do not know the key). */
static liq_key_need_t liq_need_lending(const liq_key_ctx_t *ctx, const void *obj,
                                       liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return ((const liq_protocol_config_t *)obj)->kind == LIQ_PROTOCOL_PERP ? LIQ_NEED_HIDDEN
                                                                           : LIQ_NEED_OPTIONAL;
}

static liq_key_need_t liq_need_lending_required(const liq_key_ctx_t *ctx, const void *obj,
                                                liq_key_forbid_t *why)
{
    const liq_key_need_t need = liq_need_lending(ctx, obj, why);
    return need == LIQ_NEED_OPTIONAL ? LIQ_NEED_REQUIRED : need;
}

static liq_key_need_t liq_need_perp(const liq_key_ctx_t *ctx, const void *obj,
                                    liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return ((const liq_protocol_config_t *)obj)->kind == LIQ_PROTOCOL_PERP ? LIQ_NEED_OPTIONAL
                                                                           : LIQ_NEED_HIDDEN;
}

static liq_key_need_t liq_need_perp_required(const liq_key_ctx_t *ctx, const void *obj,
                                             liq_key_forbid_t *why)
{
    const liq_key_need_t need = liq_need_perp(ctx, obj, why);
    return need == LIQ_NEED_OPTIONAL ? LIQ_NEED_REQUIRED : need;
}

/* ------------------------------------------------------------ keepers */

/* The resolved form writes a protocol's transactions when it is on a
 * declared chain (with every default), never otherwise. */
static bool liq_dump_transaction(const liq_key_ctx_t *ctx, const void *obj)
{
    (void)ctx;
    return ((const liq_protocol_config_t *)obj)->chain_index >= 0;
}

static const liq_key_t liq_keepers_keys[] = {
    {.name = "gas_cost",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_protocol_config_t, gas_cost),
     LIQ_NONNEGATIVE,
     .need = liq_need_lending,
     .unit = "USD per liquidation",
     .doc = "g: what a keeper pays to liquidate"},
    {.name = "min_profit",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_protocol_config_t, min_profit),
     LIQ_FINITE,
     .need = liq_need_lending,
     .unit = "USD",
     .doc = "pi_min: the least profit for which a keeper acts",
     .doc_valid = "may be negative"},
    {.name = "max_liquidations",
     .type = LIQ_KEY_INTEGER,
     .flags = LIQ_KEY_UNLIMITED,
     .offset = offsetof(liq_protocol_config_t, max_liquidations),
     .idflt = INT64_MAX,
     .ilo = 1,
     .ihi = INT64_MAX,
     .expected = "an integer >= 1 or unlimited",
     .unit = "per round",
     .doc = "M: the liquidations per protocol per round at most (a perp exchange's own engine's "
            "throughput)",
     .doc_default = "`unlimited`"},
    {.name = "congestion",
     .graph_as = LIQ_GRAPH_KEY,
     .graph_rank = 1,
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_protocol_config_t, gas_congestion),
     LIQ_NONNEGATIVE,
     .need = liq_need_lending,
     .doc = "gamma: gas cost x (1 + gamma x liquidation attempts on the chain in the round "
            "before)"},
    {.name = "anticipate_slippage",
     .graph_as = LIQ_GRAPH_KEY,
     .graph_rank = 1,
     .type = LIQ_KEY_FLAG,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_protocol_config_t, anticipate_slippage),
     .need = liq_need_lending,
     .doc = "keepers count what the seizure fetches on the route pools, not the bonus"},
    {.name = "capital",
     .graph_as = LIQ_GRAPH_KEY,
     .graph_rank = 1,
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_protocol_config_t, keeper_capital),
     .dflt = INFINITY,
     LIQ_POSITIVE_OR_INF,
     .need = liq_need_lending,
     .unit = "USD per round",
     .doc = "the debt the keepers repay per round at most"},
    {.name = "transaction",
     .graph_as = LIQ_GRAPH_NONE,
     .type = LIQ_KEY_MAP,
     .offset = offsetof(liq_protocol_config_t, keeper_tx),
     .present_offset = offsetof(liq_protocol_config_t, has_keeper_transaction),
     .entity = &liq_transaction_entity,
     .need = liq_need_lending,
     .dump_if = liq_dump_transaction,
     .doc = "on a declared chain: how a liquidation is sent ([below](#keeperstransaction))",
     .doc_default = "`{bid: capped, tip: 2, gas: 300000, deadline: 10}` on a declared chain",
     .doc_valid = "only with `chain` naming a declared chain"},
    {.name = "bidders",
     .graph_as = LIQ_GRAPH_NONE,
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_protocol_config_t, flip_bidders),
     .count_offset = offsetof(liq_protocol_config_t, n_flip_bidders),
     .entity = &liq_bidder_entity,
     .what = "bidder",
     .need = liq_need_lending,
     .doc = "the bidders in English auctions ([below](#keepersbidders))",
     .doc_default = "one: `{name: keeper, capital: unlimited, margin: 0.05}`",
     .doc_valid = "only with `liquidation.mode` english; at most 64"},
    {.name = "liquidators",
     .graph_as = LIQ_GRAPH_NONE,
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_protocol_config_t, liquidators),
     .count_offset = offsetof(liq_protocol_config_t, n_liquidators),
     .entity = &liq_liquidator_entity,
     .what = "liquidator",
     .need = liq_need_lending,
     .doc = "competing liquidators, each liquidation to the best bid in the chain's `auction` "
            "([below](#keepersliquidators))",
     .doc_default = "none: the keepers as a whole",
     .doc_valid = "only with `chain` naming a declared chain and `liquidation.mode` instant; at "
                  "most 64"},
};

const liq_entity_t liq_keepers_entity = {
    .name = "keepers", .title = "keepers", LIQ_KEYS(liq_keepers_keys)};

/* ------------------------------------------- breaker, dynamic penalty */

static const liq_key_t liq_breaker_keys[] = {
    {.name = "drop",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_protocol_config_t, breaker_drop),
     LIQ_UNIT_OPEN,
     .doc = "theta: the breaker trips when a collateral oracle is this far below its highest of "
            "the window"},
    {.name = "window",
     .type = LIQ_KEY_DURATION,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_protocol_config_t, breaker_window),
     .ilo = 1,
     .unit = "duration",
     .doc = "W: the rounds whose highest price counts"},
    {.name = "pause",
     .type = LIQ_KEY_DURATION,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_protocol_config_t, breaker_pause),
     .ilo = 1,
     .unit = "duration",
     .doc = "P: the rounds the breaker holds after a trip"},
    {.name = "cap",
     .type = LIQ_KEY_INTEGER,
     .offset = offsetof(liq_protocol_config_t, breaker_cap),
     .ilo = 0,
     .ihi = INT64_MAX,
     .expected = "an integer >= 0 (0: pause)",
     .unit = "per round",
     .doc = "0: liquidations pause while it holds; N: at most N a round"},
};

const liq_entity_t liq_breaker_entity = {
    .name = "breaker", .title = "breaker", LIQ_KEYS(liq_breaker_keys), .check_all = true};

static const liq_key_t liq_penalty_keys[] = {
    {.name = "reference_volatility",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_protocol_config_t, reference_volatility),
     LIQ_POSITIVE,
     .unit = "per round",
     .doc = "sigma_ref: the oracle volatility at which the bonus starts to grow"},
    {.name = "window",
     .type = LIQ_KEY_DURATION,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_protocol_config_t, volatility_window),
     .ilo = 1,
     .unit = "duration",
     .doc = "the rounds over which the volatility is measured"},
    {.name = "max_scale",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_protocol_config_t, max_penalty_scale),
     LIQ_AT_LEAST_1,
     .doc = "the largest multiple of the bonus"},
};

const liq_entity_t liq_penalty_entity = {.name = "dynamic_penalty",
                                         .title = "dynamic_penalty",
                                         LIQ_KEYS(liq_penalty_keys),
                                         .check_all = true};

/* -------------------------------------------------- stability pools */

/* Liquity has one collateral: a pool needs exactly one market. */
static int liq_check_stability(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    (void)obj;
    const liq_protocol_config_t *p = ctx->parent;
    if (p->n_markets == 1) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, NULL,
                           "the protocol has %zu markets; expected exactly one market with a "
                           "stability pool (Liquity has one collateral)",
                           p->n_markets);
}

/* Recovery mode starts below a total collateral ratio above the MCR. */
static int liq_check_ccr(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_stability_pool_config_t *sp = obj;
    const liq_protocol_config_t *p = ctx->grandparent;
    const double mcr = 1.0 / p->markets[0].liquidation_threshold;
    if (sp->ccr > mcr) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "ccr",
                           "value %.17g is not above the MCR %.17g (1 / liquidation_threshold); "
                           "expected ccr > MCR",
                           sp->ccr, mcr);
}

static const liq_key_t liq_recovery_mode_keys[] = {
    {.name = "ccr",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_stability_pool_config_t, ccr),
     LIQ_POSITIVE,
     .check = liq_check_ccr,
     .doc = "the critical collateral ratio (Liquity: 1.5)",
     .doc_valid = "above the MCR"},
};

const liq_entity_t liq_recovery_mode_entity = {.name = "recovery_mode",
                                               .title = "recovery_mode",
                                               LIQ_KEYS(liq_recovery_mode_keys),
                                               .check_all = true};

static const liq_key_t liq_stability_keys[] = {
    {.name = "deposits",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_stability_pool_config_t, deposits),
     LIQ_NONNEGATIVE,
     .unit = "debt units",
     .doc = "the deposits in the pool at round 0"},
    {.name = "gas_compensation",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_stability_pool_config_t, gas_compensation),
     LIQ_NONNEGATIVE,
     .unit = "debt units",
     .doc = "paid to the keeper per liquidation (Liquity: 200 LUSD)"},
    {.name = "gas_compensation_share",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_stability_pool_config_t, gas_compensation_share),
     LIQ_UNIT_HALF_OPEN,
     .doc = "the share of the liquidated collateral paid to the keeper (Liquity: 0.005)"},
    {.name = "sell_share",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_stability_pool_config_t, sell_share),
     LIQ_UNIT,
     .doc = "the share of the pool's collateral its depositors sell on the market's route each "
            "round",
     .doc_default = "0 (they hold it)"},
    {.name = "recovery_mode",
     .type = LIQ_KEY_MAP,
     .present_offset = offsetof(liq_stability_pool_config_t, has_recovery_mode),
     .entity = &liq_recovery_mode_entity,
     .doc = "Liquity's recovery mode, below a total collateral ratio `ccr`",
     .doc_default = "none"},
};

const liq_entity_t liq_stability_entity = {.name = "stability_pool",
                                           .title = "stability_pool",
                                           LIQ_KEYS(liq_stability_keys),
                                           .check_all = true,
                                           .check = liq_check_stability};

/* ----------------------------------------------- issues and holdings */

static int liq_check_issue(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_scenario_t *sc = ctx->sc;
    const liq_protocol_config_t *p = ctx->parent;
    const size_t i = (size_t)(p - sc->protocols);
    const int32_t asset = ((const liq_issue_config_t *)obj)->asset;
    int32_t other = liq_scenario_issuer(sc, i, asset);
    for (size_t j = 0; other < 0 && j < ctx->index; j++) {
        other = p->issues[j].asset == asset ? (int32_t)i : -1;
    }
    if (other < 0) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "asset",
                           "'%s' is already issued by protocol '%s'; expected each asset to have "
                           "at most one issuer, listed once",
                           sc->assets[asset].name,
                           other == (int32_t)i ? p->name : sc->protocols[other].name);
}

static int liq_check_holding(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_protocol_config_t *p = ctx->parent;
    const int32_t asset = ((const liq_holding_config_t *)obj)->asset;
    const char *name = ctx->sc->assets[asset].name;
    for (size_t j = 0; j < p->n_issues; j++) {
        if (p->issues[j].asset == asset) {
            return liq_key_problem(problem, LIQ_EINVAL, "asset",
                                   "'%s' is issued by this protocol; expected an asset it does not "
                                   "issue (its own tokens are not an asset of its balance sheet)",
                                   name);
        }
    }
    for (size_t j = 0; j < ctx->index; j++) {
        if (p->holdings[j].asset == asset) {
            return liq_key_problem(problem, LIQ_EINVAL, "asset",
                                   "'%s' is already held in holdings[%zu]; expected each asset "
                                   "once per protocol",
                                   name, j);
        }
    }
    return LIQ_OK;
}

static const liq_key_t liq_issue_keys[] = {
    {.name = "asset",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_issue_config_t, asset),
     .ref = LIQ_REF_ASSET,
     .check = liq_check_issue,
     .graph_as = LIQ_GRAPH_NONE,
     .unit = "asset name",
     .doc = "an asset the protocol issues (a stablecoin, a receipt token, an LST)",
     .doc_valid = "one no other protocol issues, once per protocol"},
    {.name = "supply",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_issue_config_t, supply),
     LIQ_POSITIVE,
     .unit = "units",
     .doc = "the units outstanding: the issuer's liabilities"},
};

const liq_entity_t liq_issue_entity = {.name = "issue",
                                       .title = "issues",
                                       LIQ_KEYS(liq_issue_keys),
                                       .size = sizeof(liq_issue_config_t),
                                       .check_all = true};

static const liq_key_t liq_holding_keys[] = {
    {.name = "asset",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_holding_config_t, asset),
     .ref = LIQ_REF_ASSET,
     .check = liq_check_holding,
     .graph_as = LIQ_GRAPH_NONE,
     .unit = "asset name",
     .doc = "an asset on the protocol's own balance sheet",
     .doc_valid = "one the protocol does not issue, once per protocol"},
    {.name = "amount",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_holding_config_t, amount),
     LIQ_POSITIVE,
     .unit = "units",
     .doc = "the units held"},
};

const liq_entity_t liq_holding_entity = {.name = "holding",
                                         .title = "holdings",
                                         LIQ_KEYS(liq_holding_keys),
                                         .size = sizeof(liq_holding_config_t),
                                         .check_all = true};

/* ------------------------------------------------------------ markets */

/* A market's asset: not the protocol's debt (or margin) asset, and not the
 * asset of an earlier market of the protocol. */
static int liq_check_market_asset(const liq_key_ctx_t *ctx, int32_t asset, const char *debt_word,
                                  const char *asset_word, liq_key_problem_t *problem)
{
    const liq_scenario_t *sc = ctx->sc;
    const liq_protocol_config_t *p = ctx->parent;
    const char *name = sc->assets[asset].name;
    if (asset == p->debt_asset) {
        return liq_key_problem(
            problem, LIQ_EINVAL, "asset", "'%s' is the protocol's %s; expected %s %s other than %s",
            name, debt_word, strchr("aeiou", asset_word[0]) != NULL ? "an" : "a", asset_word, name);
    }
    for (size_t k = 0; k < ctx->index; k++) {
        if (liq_protocol_market_asset(p, k) == asset) {
            return liq_key_problem(problem, LIQ_EINVAL, "asset",
                                   "'%s' is already the asset of markets[%zu]; expected each %s "
                                   "once per protocol",
                                   name, k, asset_word);
        }
    }
    return LIQ_OK;
}

static int liq_check_lending_asset(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    return liq_check_market_asset(ctx, ((const liq_market_config_t *)obj)->asset, "debt asset",
                                  "collateral asset", problem);
}

static int liq_check_perp_asset(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    return liq_check_market_asset(ctx, ((const liq_perp_market_config_t *)obj)->asset,
                                  "margin asset", "underlying", problem);
}

static int liq_check_lending_oracle(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_market_config_t *mk = obj;
    return liq_key_oracle_prices(ctx->sc, "oracle", mk->oracle, mk->asset, problem);
}

static int liq_check_perp_oracle(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_perp_market_config_t *mk = obj;
    return liq_key_oracle_prices(ctx->sc, "oracle", mk->oracle, mk->asset, problem);
}

int liq_key_route_pool(const liq_scenario_t *sc, const liq_protocol_config_t *p, int32_t asset,
                       int32_t pool, const char *key, liq_key_problem_t *problem)
{
    const liq_pool_config_t *pl = &sc->pools[pool];
    const bool direct = pl->token0 == asset && pl->token1 == p->debt_asset;
    const bool reverse = pl->token1 == asset && pl->token0 == p->debt_asset;
    if (direct || reverse) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, key,
                           "pool '%s' trades %s and %s; expected a pool trading %s and %s (the "
                           "market's %s and the protocol's %s asset)",
                           pl->name, sc->assets[pl->token0].name, sc->assets[pl->token1].name,
                           sc->assets[asset].name, sc->assets[p->debt_asset].name,
                           p->kind == LIQ_PROTOCOL_PERP ? "asset" : "collateral",
                           p->kind == LIQ_PROTOCOL_PERP ? "margin" : "debt");
}

int liq_key_routes_total(const liq_market_config_t *mk, liq_key_problem_t *problem)
{
    double total = 0.0;
    for (size_t k = 0; k < mk->n_routes; k++) {
        total += mk->routes[k].weight;
    }
    if (mk->routing != LIQ_ROUTING_WEIGHT || fabs(total - 1.0) <= 1e-9) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "routes",
                           "the weights add up to %.17g; expected weights adding up to 1", total);
}

static liq_key_need_t liq_need_weight(const liq_key_ctx_t *ctx, const void *obj,
                                      liq_key_forbid_t *why)
{
    (void)obj;
    const liq_market_config_t *mk = ctx->parent;
    if (mk->routing == LIQ_ROUTING_WEIGHT) {
        return LIQ_NEED_REQUIRED;
    }
    why->variant = "routing best_price";
    why->instead = "no weight (the split is found each round)";
    return LIQ_NEED_FORBIDDEN;
}

static int liq_check_route_pool(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_market_config_t *mk = ctx->parent;
    return liq_key_route_pool(ctx->sc, ctx->grandparent, mk->asset,
                              ((const liq_route_config_t *)obj)->pool, "pool", problem);
}

/* A pool is one route of a market at most. */
static int liq_check_route(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_market_config_t *mk = ctx->parent;
    const int32_t pool = ((const liq_route_config_t *)obj)->pool;
    for (size_t j = 0; j < ctx->index; j++) {
        if (mk->routes[j].pool == pool) {
            return liq_key_problem(problem, LIQ_EINVAL, "pool",
                                   "pool '%s' is already routes[%zu]; expected each pool once",
                                   ctx->sc->pools[pool].name, j);
        }
    }
    return LIQ_OK;
}

static const liq_key_t liq_route_keys[] = {
    {.name = "pool",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_route_config_t, pool),
     .ref = LIQ_REF_POOL,
     .check = liq_check_route_pool,
     .graph_as = LIQ_GRAPH_NONE,
     .unit = "pool name",
     .doc = "a pool where a share of the seized collateral is sold",
     .doc_valid = "as for `route`, once per market"},
    {.name = "weight",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_route_config_t, weight),
     .dflt = NAN,
     LIQ_UNIT_POSITIVE,
     .need = liq_need_weight,
     .graph_as = LIQ_GRAPH_COND,
     .doc = "the route's share of the sale",
     .doc_default = "**required** with `routing: weight`; not allowed with `best_price`",
     .doc_valid = "the weights adding up to 1 (+-1e-9)"},
};

const liq_entity_t liq_route_entity = {.name = "route",
                                       .title = "routes",
                                       LIQ_KEYS(liq_route_keys),
                                       .size = sizeof(liq_route_config_t),
                                       .check_all = true,
                                       .check = liq_check_route};

static const liq_key_t liq_market_keys[] = {
    {.name = "asset",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_market_config_t, asset),
     .ref = LIQ_REF_ASSET,
     .check = liq_check_lending_asset,
     .graph_as = LIQ_GRAPH_NONE,
     .unit = "asset name",
     .doc = "a, the collateral asset",
     .doc_valid = "other than the debt asset, once per protocol"},
    {.name = "oracle",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_market_config_t, oracle),
     .ref = LIQ_REF_ORACLE,
     .check = liq_check_lending_oracle,
     .graph_as = LIQ_GRAPH_NONE,
     .unit = "oracle name",
     .doc = "O_a, the oracle that prices the collateral",
     .doc_valid = "an oracle that prices `asset`"},
    {.name = "route",
     .type = LIQ_KEY_CUSTOM,
     .custom = LIQ_CUSTOM_ROUTE,
     .graph_as = LIQ_GRAPH_NONE,
     .unit = "pool name",
     .doc = "the pool where seized collateral is sold",
     .doc_default = "**required**, or `routes`",
     .doc_valid = "a pool trading exactly `asset` and the debt asset, in either order"},
    {.name = "routes",
     .type = LIQ_KEY_CUSTOM,
     .custom = LIQ_CUSTOM_ROUTES,
     .entity = &liq_route_entity,
     .unit = "list",
     .graph_as = LIQ_GRAPH_NONE,
     .doc = "the sale split over several pools (cross-venue routing), each {pool, weight}",
     .doc_default = "instead of `route`",
     .doc_valid = "non-empty"},
    {.name = "routing",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_SELECTS | LIQ_KEY_NO_DUMP,
     .offset = offsetof(liq_market_config_t, routing),
     .choices = liq_routings,
     .what = "routing",
     .graph_as = LIQ_GRAPH_COND,
     .doc = "how the sale is split over `routes`: `weight` (fixed shares) or `best_price` (equal "
            "marginal output each round)"},
    {.name = "liquidation_threshold",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_market_config_t, liquidation_threshold),
     LIQ_UNIT_POSITIVE,
     .doc = "LT: the share of the collateral value that counts in the health factor"},
    {.name = "liquidation_bonus",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_market_config_t, liquidation_bonus),
     LIQ_UNIT,
     .doc = "beta: the liquidator's bonus on the collateral seized (0.05 = 5%)"},
    {.name = "close_factor",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_market_config_t, close_factor),
     .dflt = 0.5,
     LIQ_UNIT_POSITIVE,
     .doc = "CF: the share of the debt one liquidation repays",
     .doc_default = "0.5 (Aave v3)"},
    {.name = "full_close_health",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_market_config_t, full_close_health),
     .dflt = 0.95,
     LIQ_UNIT,
     .doc = "h_full: below this health the whole debt is repaid",
     .doc_default = "0.95 (Aave v3)"},
};

const liq_entity_t liq_market_entity = {.name = "market",
                                        .title = "markets",
                                        LIQ_KEYS(liq_market_keys),
                                        .size = sizeof(liq_market_config_t),
                                        .check_all = true};

/* ------------------------------------------------------ perp markets */

/* Tiers: bounds strictly increasing, the last one unlimited, rates
 * non-decreasing (a larger position never needs a smaller rate). */
static int liq_check_tier(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_perp_tier_t *tier = obj;
    const liq_perp_market_config_t *mk = ctx->parent;
    const size_t k = ctx->index;
    if (k > 0 && !(tier->notional_up_to > mk->tiers[k - 1].notional_up_to)) {
        return liq_key_problem(problem, LIQ_EINVAL, "notional_up_to",
                               "value %.17g is not above tiers[%zu]'s %.17g; expected strictly "
                               "increasing bounds",
                               tier->notional_up_to, k - 1, mk->tiers[k - 1].notional_up_to);
    }
    if (k > 0 && tier->mmr < mk->tiers[k - 1].mmr) {
        return liq_key_problem(problem, LIQ_EINVAL, "mmr",
                               "value %.17g is below tiers[%zu]'s %.17g; expected non-decreasing "
                               "rates",
                               tier->mmr, k - 1, mk->tiers[k - 1].mmr);
    }
    if (k + 1 == ctx->count && tier->notional_up_to != (double)INFINITY) {
        return liq_key_problem(problem, LIQ_EINVAL, "notional_up_to",
                               "value %.17g bounds the last tier; expected unlimited (every "
                               "position size needs a rate)",
                               tier->notional_up_to);
    }
    return LIQ_OK;
}

static const liq_key_t liq_tier_keys[] = {
    {.name = "notional_up_to",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_UNLIMITED,
     .offset = offsetof(liq_perp_tier_t, notional_up_to),
     LIQ_POSITIVE_OR_UNLIMITED,
     .unit = "USD",
     .doc = "the largest notional |q| O_a of the tier",
     .doc_valid = "strictly increasing, the last one `unlimited`"},
    {.name = "mmr",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_perp_tier_t, mmr),
     LIQ_UNIT_OPEN,
     .doc = "the maintenance margin rate of the whole position",
     .doc_valid = "non-decreasing"},
};

const liq_entity_t liq_tier_entity = {.name = "tier",
                                      .title = "tiers",
                                      LIQ_KEYS(liq_tier_keys),
                                      .size = sizeof(liq_perp_tier_t),
                                      .check_all = true,
                                      .check = liq_check_tier};

/* A perp market closes through a constant-product pool of its asset and
 * the margin asset: closing a short buys an exact amount of the asset,
 * which the engine solves in closed form for x y = k only. */
static int liq_check_perp_route(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_perp_market_config_t *mk = obj;
    int rc = liq_key_route_pool(ctx->sc, ctx->parent, mk->asset, mk->pool, "route", problem);
    const liq_pool_config_t *pool = &ctx->sc->pools[mk->pool];
    if (rc == LIQ_OK && pool->kind != LIQ_POOL_CONSTANT_PRODUCT) {
        rc = liq_key_problem(problem, LIQ_EINVAL, "route",
                             "pool '%s' is not constant_product; expected a constant_product "
                             "pool (shorts are closed by buying an exact amount)",
                             pool->name);
    }
    return rc;
}

static const liq_key_t liq_perp_market_keys[] = {
    {.name = "asset",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_perp_market_config_t, asset),
     .ref = LIQ_REF_ASSET,
     .check = liq_check_perp_asset,
     .unit = "asset name",
     .doc = "the underlying",
     .doc_valid = "other than the margin asset, once per protocol"},
    {.name = "oracle",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_perp_market_config_t, oracle),
     .ref = LIQ_REF_ORACLE,
     .check = liq_check_perp_oracle,
     .unit = "oracle name",
     .doc = "the mark price oracle, O_a (USD)",
     .doc_valid = "an oracle that prices `asset`"},
    {.name = "route",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_perp_market_config_t, pool),
     .ref = LIQ_REF_POOL,
     .check = liq_check_perp_route,
     .unit = "pool name",
     .doc = "the pool where closes trade",
     .doc_valid = "a `constant_product` pool trading exactly `asset` and the margin asset, in "
                  "either order"},
    {.name = "liquidation_fee",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_perp_market_config_t, liquidation_fee),
     LIQ_UNIT_HALF_OPEN,
     .doc = "the share of the closed notional paid to the insurance fund"},
    {.name = "tiers",
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_perp_market_config_t, tiers),
     .count_offset = offsetof(liq_perp_market_config_t, n_tiers),
     .entity = &liq_tier_entity,
     .doc = "the maintenance tiers, each {notional_up_to, mmr}"},
};

const liq_entity_t liq_perp_market_entity = {.name = "perp market",
                                             .title = "perp markets",
                                             LIQ_KEYS(liq_perp_market_keys),
                                             .size = sizeof(liq_perp_market_config_t),
                                             .check_all = true};

static const liq_key_t liq_perp_positions_keys[] = {
    {.name = "file",
     .type = LIQ_KEY_FILE,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_protocol_config_t, perp_positions_path),
     .doc = "a CSV file of open positions (a Hyperliquid export)",
     .doc_valid = "a readable file"},
    {.name = "leverage",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_protocol_config_t, perp_positions_leverage),
     .dflt = NAN,
     LIQ_POSITIVE,
     .doc = "the leverage of rows without `leverage_ratio`",
     .doc_default = "none (then every row needs one)"},
};

const liq_entity_t liq_perp_positions_entity = {.name = "positions",
                                                .title = "positions",
                                                LIQ_KEYS(liq_perp_positions_keys),
                                                .check_all = true};

/* Hyperliquid's liquidation rules (src/engine/perp_backstop.c). Partial
 * liquidation: https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations
 * ("for liquidatable positions larger than 100k USDC ... only 20% of the
 * position will be sent as a market liquidation order", a 30-second
 * cooldown after a partial liquidation during which liquidation orders are
 * for the entire position). */
static const liq_key_t liq_partial_keys[] = {
    {.name = "above",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_protocol_config_t, partial_above),
     LIQ_POSITIVE,
     .unit = "USD",
     .doc = "an account whose notional exceeds this is liquidated in part (Hyperliquid: 100000)"},
    {.name = "share",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_protocol_config_t, partial_share),
     LIQ_UNIT_OPEN,
     .doc = "the share of each position a partial liquidation closes (Hyperliquid: 0.2)"},
    {.name = "cooldown",
     .type = LIQ_KEY_DURATION,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_protocol_config_t, partial_cooldown),
     .ilo = 1,
     .unit = "duration",
     .doc = "after a partial liquidation, the account's book liquidations are whole for this long "
            "(Hyperliquid: 30 s)"},
};

const liq_entity_t liq_partial_entity = {.name = "partial_liquidation",
                                         .title = "partial_liquidation",
                                         LIQ_KEYS(liq_partial_keys),
                                         .check_all = true};

/* The backstop: same page ("if the account equity drops below 2/3 of the
 * maintenance margin without successful liquidation through the book, a
 * backstop liquidation happens through the liquidator vault"; the
 * maintenance margin is not returned) and .../trading/auto-deleveraging
 * ("the liquidator has one last option to avoid liquidations that would
 * cause a sufficiently large drawdown, at which point auto-deleveraging is
 * triggered"). */
static const liq_key_t liq_backstop_keys[] = {
    {.name = "ratio",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_protocol_config_t, backstop_ratio),
     .dflt = 2.0 / 3.0,
     LIQ_UNIT_OPEN,
     .doc = "an account with equity below this share of its maintenance goes to the vault"},
    {.name = "vault_capital",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_protocol_config_t, vault_capital),
     LIQ_POSITIVE,
     .unit = "USD",
     .doc = "the liquidator vault's capital"},
    {.name = "max_drawdown",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_protocol_config_t, vault_max_drawdown),
     .dflt = 1.0,
     LIQ_UNIT_POSITIVE,
     .doc = "the vault takes no account whose takeover would bring its loss past this share of "
            "its capital"},
    {.name = "unwind",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_protocol_config_t, vault_unwind),
     LIQ_UNIT,
     .unit = "per round",
     .doc = "the share of its inventory the vault closes each round through the route"},
};

const liq_entity_t liq_backstop_entity = {
    .name = "backstop", .title = "backstop", LIQ_KEYS(liq_backstop_keys), .check_all = true};

/* ---------------------------------------------------------- protocols */

static int liq_check_debt_oracle(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_protocol_config_t *p = obj;
    return liq_key_oracle_prices(ctx->sc,
                                 p->kind == LIQ_PROTOCOL_PERP ? "margin_oracle" : "debt_oracle",
                                 p->debt_oracle, p->debt_asset, problem);
}

/* A protocol needs markets unless it is there for its balance sheet. */
static liq_key_need_t liq_need_markets(const liq_key_ctx_t *ctx, const void *obj,
                                       liq_key_forbid_t *why)
{
    const liq_protocol_config_t *p = obj;
    if (liq_need_lending(ctx, obj, why) == LIQ_NEED_HIDDEN) {
        return LIQ_NEED_HIDDEN;
    }
    return p->n_issues > 0 || p->n_holdings > 0 ? LIQ_NEED_OPTIONAL : LIQ_NEED_REQUIRED;
}

static liq_key_need_t liq_need_recovery(const liq_key_ctx_t *ctx, const void *obj,
                                        liq_key_forbid_t *why)
{
    if (liq_need_lending(ctx, obj, why) == LIQ_NEED_HIDDEN) {
        return LIQ_NEED_HIDDEN;
    }
    if (((const liq_protocol_config_t *)obj)->n_issues > 0) {
        return LIQ_NEED_OPTIONAL;
    }
    why->message = "the protocol issues no asset; expected recovery only with issues";
    why->code = LIQ_EINVAL;
    return LIQ_NEED_FORBIDDEN;
}

static bool liq_dump_liquidation(const liq_key_ctx_t *ctx, const void *obj)
{
    (void)ctx;
    return ((const liq_protocol_config_t *)obj)->liquidation.mode != LIQ_LIQUIDATION_INSTANT;
}

/* Without keepers, liquidations are unlimited and keepers' capital too. */
static void liq_init_protocol(const liq_key_ctx_t *ctx, void *obj)
{
    (void)ctx;
    liq_protocol_config_t *p = obj;
    p->max_liquidations = INT64_MAX;
    p->keeper_capital = INFINITY;
    liq_init_protocol_transaction(p);
}

static const liq_key_t liq_protocol_keys[] = {
    /* Read with the selecting keys, before kind (as liqnet always has). */
    {.name = "name",
     .type = LIQ_KEY_NAME,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_SELECTS,
     .offset = offsetof(liq_protocol_config_t, name),
     .ref = LIQ_REF_PROTOCOL,
     .graph_as = LIQ_GRAPH_NONE,
     .doc = "the protocol's name",
     .doc_valid = "unique among protocols"},
    {.name = "kind",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_SELECTS,
     .offset = offsetof(liq_protocol_config_t, kind),
     .choices = liq_protocol_kinds,
     .what = "protocol kind",
     .graph = "protocol_kind",
     .doc = "`lending`, or `perp` (a perpetual futures exchange, "
            "[below](#kind-perp-perpetual-futures))"},
    {.name = "debt_asset",
     .type = LIQ_KEY_REF,
     .offset = offsetof(liq_protocol_config_t, debt_asset),
     .ref = LIQ_REF_ASSET,
     .need = liq_need_lending_required,
     .unit = "asset name",
     .doc = "b: what the accounts owe"},
    {.name = "debt_oracle",
     .type = LIQ_KEY_REF,
     .offset = offsetof(liq_protocol_config_t, debt_oracle),
     .ref = LIQ_REF_ORACLE,
     .need = liq_need_lending_required,
     .check = liq_check_debt_oracle,
     .unit = "oracle name",
     .doc = "O_b, the oracle that prices the debt asset",
     .doc_valid = "an oracle that prices the debt asset"},
    {.name = "margin_asset",
     .type = LIQ_KEY_REF,
     .offset = offsetof(liq_protocol_config_t, debt_asset),
     .ref = LIQ_REF_ASSET,
     .need = liq_need_perp_required,
     .graph_as = LIQ_GRAPH_NONE,
     .unit = "asset name",
     .doc = "what margin is deposited and settled in"},
    {.name = "margin_oracle",
     .type = LIQ_KEY_REF,
     .offset = offsetof(liq_protocol_config_t, debt_oracle),
     .ref = LIQ_REF_ORACLE,
     .need = liq_need_perp_required,
     .check = liq_check_debt_oracle,
     .graph_as = LIQ_GRAPH_NONE,
     .unit = "oracle name",
     .doc = "the oracle that prices the margin asset",
     .doc_valid = "an oracle that prices the margin asset"},
    {.name = "insurance_fund",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_protocol_config_t, insurance_fund),
     LIQ_NONNEGATIVE,
     .unit = "USD",
     .doc = "pays bad debt first; the rest is the protocol's deficit"},
    {.name = "keepers",
     .type = LIQ_KEY_MAP,
     .entity = &liq_keepers_entity,
     .doc = "the keepers' economics",
     .doc_default = "none"},
    {.name = "markets",
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_LATE,
     .offset = offsetof(liq_protocol_config_t, markets),
     .count_offset = offsetof(liq_protocol_config_t, n_markets),
     .entity = &liq_market_entity,
     .need = liq_need_markets,
     .dump_rank = 2,
     .graph_as = LIQ_GRAPH_NONE,
     .doc = "the collateral markets ([below](#protocolsimarkets))",
     .doc_default = "**required** unless the protocol has `issues` or `holdings`"},
    {.name = "markets",
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_LATE,
     .offset = offsetof(liq_protocol_config_t, perp_markets),
     .count_offset = offsetof(liq_protocol_config_t, n_perp_markets),
     .entity = &liq_perp_market_entity,
     .need = liq_need_perp_required,
     .dump_rank = 2,
     .graph_as = LIQ_GRAPH_NONE,
     .doc = "the perp markets"},
    {.name = "issues",
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_protocol_config_t, issues),
     .count_offset = offsetof(liq_protocol_config_t, n_issues),
     .entity = &liq_issue_entity,
     .need = liq_need_lending,
     .dump_rank = 2,
     .graph_as = LIQ_GRAPH_NONE,
     .doc = "the assets the protocol issues ([below](#protocolsiissues-and-holdings-the-second-"
            "contagion-channel))"},
    {.name = "recovery",
     .type = LIQ_KEY_ENUM,
     .offset = offsetof(liq_protocol_config_t, recovery),
     .choices = liq_recoveries,
     .what = "recovery",
     .need = liq_need_recovery,
     .graph_as = LIQ_GRAPH_COND,
     .dump_rank = 2,
     .doc = "what holders of its tokens recover once it has a deficit: `pro_rata` or `zero`",
     .doc_valid = "only with `issues`"},
    {.name = "holdings",
     .type = LIQ_KEY_LIST,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_protocol_config_t, holdings),
     .count_offset = offsetof(liq_protocol_config_t, n_holdings),
     .entity = &liq_holding_entity,
     .need = liq_need_lending,
     .dump_rank = 2,
     .graph_as = LIQ_GRAPH_NONE,
     .doc = "the assets on its own balance sheet"},
    {.name = "chain",
     .graph_as = LIQ_GRAPH_KEY,
     .graph_rank = 0,
     .type = LIQ_KEY_STRING,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_protocol_config_t, chain),
     .need = liq_need_lending,
     .dump_rank = 1,
     .doc = "the chain the protocol runs on: one of `chains` (its liquidations are "
            "transactions), or without declared chains a name that groups protocols for "
            "`keepers.congestion`",
     .doc_default = "the default chain"},
    {.name = "breaker",
     .graph_as = LIQ_GRAPH_KEY,
     .graph_rank = 2,
     .type = LIQ_KEY_MAP,
     .present_offset = offsetof(liq_protocol_config_t, has_breaker),
     .entity = &liq_breaker_entity,
     .need = liq_need_lending,
     .dump_rank = 1,
     .doc = "a circuit breaker on the collateral oracles",
     .doc_default = "no breaker"},
    {.name = "dynamic_penalty",
     .graph_as = LIQ_GRAPH_KEY,
     .graph_rank = 3,
     .type = LIQ_KEY_MAP,
     .present_offset = offsetof(liq_protocol_config_t, has_dynamic_penalty),
     .entity = &liq_penalty_entity,
     .need = liq_need_lending,
     .dump_rank = 1,
     .doc = "a bonus that grows with the oracles' volatility",
     .doc_default = "no dynamic penalty"},
    {.name = "stability_pool",
     .graph_as = LIQ_GRAPH_KEY,
     .graph_rank = 5,
     .type = LIQ_KEY_MAP,
     .flags = LIQ_KEY_LATE,
     .offset = offsetof(liq_protocol_config_t, stability_pool),
     .present_offset = offsetof(liq_protocol_config_t, has_stability_pool),
     .entity = &liq_stability_entity,
     .need = liq_need_lending,
     .dump_rank = 3,
     .doc = "a Liquity-style stability pool, in place of R0's liquidations "
            "([below](#protocolsistability_pool-liquity-v1-liquidations))",
     .doc_default = "none",
     .doc_valid = "the protocol must have exactly one market"},
    {.name = "liquidation",
     .graph_as = LIQ_GRAPH_KEY,
     .graph_rank = 4,
     .type = LIQ_KEY_MAP,
     .offset = offsetof(liq_protocol_config_t, liquidation),
     .entity = &liq_liquidation_entity,
     .need = liq_need_lending,
     .dump_if = liq_dump_liquidation,
     .dump_rank = 1,
     .doc = "how the protocol liquidates ([below](#protocolsiliquidation-auctions))",
     .doc_default = "`{mode: instant}` (R0)"},
    {.name = "preset",
     .graph_as = LIQ_GRAPH_KEY,
     .graph_rank = 6,
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_NO_FIELD | LIQ_KEY_NO_DUMP,
     .choices = liq_preset_names,
     .what = "preset",
     .need = liq_need_lending,
     .doc = "a design generation that fills the keys left out "
            "([below](#protocolsipreset-the-design-generations))",
     .doc_default = "none"},
    {.name = "positions",
     .type = LIQ_KEY_CUSTOM,
     .flags = LIQ_KEY_LATE,
     .custom = LIQ_CUSTOM_POSITIONS,
     .graph_as = LIQ_GRAPH_NONE,
     .entity = &liq_perp_positions_entity,
     .unit = "mapping",
     .need = liq_need_perp,
     .dump_rank = 2,
     .doc = "open positions from a file, one isolated account each",
     .doc_default = "none"},
    {.name = "partial_liquidation",
     .type = LIQ_KEY_MAP,
     .present_offset = offsetof(liq_protocol_config_t, has_partial_liquidation),
     .entity = &liq_partial_entity,
     .need = liq_need_perp,
     .graph_as = LIQ_GRAPH_NONE,
     .dump_rank = 1,
     .doc = "book liquidations of large accounts close a share of each position "
            "([below](#hyperliquids-liquidation-rules))",
     .doc_default = "none: every liquidation is whole"},
    {.name = "backstop",
     .type = LIQ_KEY_MAP,
     .present_offset = offsetof(liq_protocol_config_t, has_backstop),
     .entity = &liq_backstop_entity,
     .need = liq_need_perp,
     .graph_as = LIQ_GRAPH_NONE,
     .dump_rank = 1,
     .doc = "a liquidator vault that takes over deeply underwater accounts "
            "([below](#hyperliquids-liquidation-rules))",
     .doc_default = "none"},
    {.name = "adl_rank",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_protocol_config_t, adl_rank),
     .choices = liq_adl_ranks,
     .what = "ADL ranking",
     .need = liq_need_perp,
     .graph_as = LIQ_GRAPH_NONE,
     .dump_rank = 1,
     .doc = "the ADL order of opposite positions: `pnl_leverage` (unrealised PnL x leverage) or "
            "`hyperliquid` (price ratio x leverage)"},
    {.name = "liquidation_fill",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_protocol_config_t, perp_fill),
     .choices = liq_perp_fills,
     .what = "liquidation fill",
     .need = liq_need_perp,
     .graph_as = LIQ_GRAPH_NONE,
     .dump_rank = 1,
     .doc = "the price liquidation closes through the route realise: `mark` (the mark O_a) or "
            "`book` (the route pool's average execution price; a shortfall below zero is paid "
            "by the insurance fund, then the liquidator vault, then ADL at the bankruptcy price; "
            "[below](#hyperliquids-liquidation-rules))",
     .doc_default = "`mark`"},
};

const liq_entity_t liq_protocol_entity = {.name = "protocol",
                                          .title = "protocols",
                                          LIQ_KEYS(liq_protocol_keys),
                                          .size = sizeof(liq_protocol_config_t),
                                          .check_default_first = true,
                                          .init = liq_init_protocol,
                                          .check = liq_check_protocol};
