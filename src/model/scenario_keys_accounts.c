/*
 * The keys of accounts and shocks (scenario_keys.h): account generators
 * and their size and health distributions, positions files, and the three
 * kinds of shock, with the rules that tie their keys together.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "liqnet/error.h"
#include "model/scenario_facts.h"
#include "model/scenario_keys.h"
#include "model/scenario_keys_rows.h"

static const char *const liq_margins[] = {"isolated", "cross", NULL};
static const char *const liq_size_dists[] = {"pareto", "lognormal", NULL};
static const char *const liq_health_dists[] = {"uniform", "lognormal", NULL};
static const char *const liq_formats[] = {"csv", "hdf5", NULL};
static const char *const liq_shock_types[] = {"schedule", "path", "gbm", NULL};

/* ----------------------------------------------------- distributions */

static liq_key_need_t liq_need_pareto(const liq_key_ctx_t *ctx, const void *obj,
                                      liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return ((const liq_account_generator_t *)obj)->size_dist == LIQ_SIZE_PARETO ? LIQ_NEED_REQUIRED
                                                                                : LIQ_NEED_HIDDEN;
}

static liq_key_need_t liq_need_size_lognormal(const liq_key_ctx_t *ctx, const void *obj,
                                              liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return ((const liq_account_generator_t *)obj)->size_dist == LIQ_SIZE_LOGNORMAL
               ? LIQ_NEED_REQUIRED
               : LIQ_NEED_HIDDEN;
}

/* `max` of either size distribution: optional, listed after the other keys
 * of its distribution. */
static liq_key_need_t liq_need_pareto_max(const liq_key_ctx_t *ctx, const void *obj,
                                          liq_key_forbid_t *why)
{
    return liq_need_pareto(ctx, obj, why) == LIQ_NEED_REQUIRED ? LIQ_NEED_OPTIONAL
                                                               : LIQ_NEED_HIDDEN;
}

static liq_key_need_t liq_need_lognormal_max(const liq_key_ctx_t *ctx, const void *obj,
                                             liq_key_forbid_t *why)
{
    return liq_need_size_lognormal(ctx, obj, why) == LIQ_NEED_REQUIRED ? LIQ_NEED_OPTIONAL
                                                                       : LIQ_NEED_HIDDEN;
}

static liq_key_need_t liq_need_uniform(const liq_key_ctx_t *ctx, const void *obj,
                                       liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return ((const liq_account_generator_t *)obj)->health_dist == LIQ_HEALTH_UNIFORM
               ? LIQ_NEED_REQUIRED
               : LIQ_NEED_HIDDEN;
}

static liq_key_need_t liq_need_health_lognormal(const liq_key_ctx_t *ctx, const void *obj,
                                                liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return ((const liq_account_generator_t *)obj)->health_dist == LIQ_HEALTH_LOGNORMAL
               ? LIQ_NEED_REQUIRED
               : LIQ_NEED_HIDDEN;
}

static int liq_check_size_max(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    (void)ctx;
    const liq_account_generator_t *g = obj;
    if (g->size_dist != LIQ_SIZE_PARETO || !(g->size_max < g->size_b)) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "max",
                           "value %.17g is below min %.17g; expected max >= min", g->size_max,
                           g->size_b);
}

static int liq_check_health_max(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    (void)ctx;
    const liq_account_generator_t *g = obj;
    if (!(g->health_b < g->health_a)) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "max",
                           "value %.17g is below min %.17g; expected max >= min", g->health_b,
                           g->health_a);
}

static const liq_key_t liq_size_keys[] = {
    {.name = "distribution",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_SELECTS,
     .offset = offsetof(liq_account_generator_t, size_dist),
     .choices = liq_size_dists,
     .what = "size distribution",
     .doc = "`pareto` or `lognormal`"},
    {.name = "alpha",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_account_generator_t, size_a),
     LIQ_POSITIVE,
     .need = liq_need_pareto,
     .doc = "`pareto`: the tail index"},
    {.name = "min",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_account_generator_t, size_b),
     LIQ_POSITIVE,
     .need = liq_need_pareto,
     .unit = "USD",
     .doc = "`pareto`: the smallest value"},
    {.name = "max",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_account_generator_t, size_max),
     .dflt = INFINITY,
     LIQ_POSITIVE_OR_INF,
     .need = liq_need_pareto_max,
     .check = liq_check_size_max,
     .unit = "USD",
     .doc = "values above are capped",
     .doc_valid = "with `pareto`, >= min"},
    {.name = "median",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_account_generator_t, size_a),
     LIQ_POSITIVE,
     .need = liq_need_size_lognormal,
     .unit = "USD",
     .doc = "`lognormal`: the median value"},
    {.name = "sigma",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_account_generator_t, size_b),
     LIQ_NONNEGATIVE,
     .need = liq_need_size_lognormal,
     .doc = "`lognormal`: the standard deviation of the log value"},
    /* The same key for the other distribution, listed where its variant
     * lists it (after sigma). */
    {.name = "max",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_account_generator_t, size_max),
     .dflt = INFINITY,
     LIQ_POSITIVE_OR_INF,
     .need = liq_need_lognormal_max,
     .unit = "USD",
     .doc = "values above are capped",
     .doc_valid = "with `pareto`, >= min"},
};

const liq_entity_t liq_size_entity = {
    .name = "size", .title = "size", LIQ_KEYS(liq_size_keys), .flow = true, .check_all = true};

static const liq_key_t liq_health_keys[] = {
    {.name = "distribution",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_SELECTS,
     .offset = offsetof(liq_account_generator_t, health_dist),
     .choices = liq_health_dists,
     .what = "health distribution",
     .doc = "`uniform` or `lognormal`"},
    {.name = "min",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_account_generator_t, health_a),
     LIQ_POSITIVE,
     .need = liq_need_uniform,
     .doc = "`uniform`: the lowest value"},
    {.name = "max",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_account_generator_t, health_b),
     LIQ_POSITIVE,
     .need = liq_need_uniform,
     .check = liq_check_health_max,
     .doc = "`uniform`: the highest value",
     .doc_valid = ">= min"},
    {.name = "median",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_account_generator_t, health_a),
     LIQ_POSITIVE,
     .need = liq_need_health_lognormal,
     .doc = "`lognormal`: the median value"},
    {.name = "sigma",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_account_generator_t, health_b),
     LIQ_NONNEGATIVE,
     .need = liq_need_health_lognormal,
     .doc = "`lognormal`: the standard deviation of the log value"},
};

const liq_entity_t liq_health_entity = {.name = "health",
                                        .title = "health",
                                        LIQ_KEYS(liq_health_keys),
                                        .flow = true,
                                        .check_all = true};

/* --------------------------------------------------------- generators */

static const liq_protocol_config_t *liq_generator_protocol(const liq_key_ctx_t *ctx,
                                                           const void *obj)
{
    return &ctx->sc->protocols[((const liq_account_generator_t *)obj)->protocol];
}

static bool liq_generator_perp(const liq_key_ctx_t *ctx, const void *obj)
{
    return liq_generator_protocol(ctx, obj)->kind == LIQ_PROTOCOL_PERP;
}

static bool liq_generator_cross(const void *obj)
{
    return ((const liq_account_generator_t *)obj)->margin == LIQ_MARGIN_CROSS;
}

/* Isolated accounts name one market; cross accounts weigh several. */
static liq_key_need_t liq_need_market(const liq_key_ctx_t *ctx, const void *obj,
                                      liq_key_forbid_t *why)
{
    if (!liq_generator_cross(obj)) {
        return LIQ_NEED_REQUIRED;
    }
    why->message = liq_generator_perp(ctx, obj)
                       ? "not allowed with margin: cross; expected 'markets'"
                       : "not allowed with margin: cross; expected 'collateral'";
    return LIQ_NEED_FORBIDDEN;
}

static liq_key_need_t liq_need_weights(const liq_key_ctx_t *ctx, const void *obj,
                                       liq_key_forbid_t *why, bool perp)
{
    if (liq_generator_perp(ctx, obj) != perp) {
        return LIQ_NEED_HIDDEN;
    }
    if (liq_generator_cross(obj)) {
        return LIQ_NEED_REQUIRED;
    }
    why->message = "not allowed with margin: isolated; expected 'market'";
    return LIQ_NEED_FORBIDDEN;
}

static liq_key_need_t liq_need_collateral(const liq_key_ctx_t *ctx, const void *obj,
                                          liq_key_forbid_t *why)
{
    return liq_need_weights(ctx, obj, why, false);
}

static liq_key_need_t liq_need_perp_markets(const liq_key_ctx_t *ctx, const void *obj,
                                            liq_key_forbid_t *why)
{
    return liq_need_weights(ctx, obj, why, true);
}

static liq_key_need_t liq_need_lending_generator(const liq_key_ctx_t *ctx, const void *obj,
                                                 liq_key_forbid_t *why)
{
    (void)why;
    return liq_generator_perp(ctx, obj) ? LIQ_NEED_HIDDEN : LIQ_NEED_REQUIRED;
}

static liq_key_need_t liq_need_perp_generator(const liq_key_ctx_t *ctx, const void *obj,
                                              liq_key_forbid_t *why)
{
    (void)why;
    return liq_generator_perp(ctx, obj) ? LIQ_NEED_REQUIRED : LIQ_NEED_HIDDEN;
}

static liq_key_need_t liq_need_long_share(const liq_key_ctx_t *ctx, const void *obj,
                                          liq_key_forbid_t *why)
{
    (void)why;
    return liq_generator_perp(ctx, obj) ? LIQ_NEED_OPTIONAL : LIQ_NEED_HIDDEN;
}

static liq_key_need_t liq_need_borrowers(const liq_key_ctx_t *ctx, const void *obj,
                                         liq_key_forbid_t *why)
{
    (void)why;
    return liq_generator_perp(ctx, obj) ? LIQ_NEED_HIDDEN : LIQ_NEED_OPTIONAL;
}

int liq_key_weights_total(const liq_key_ctx_t *ctx, const liq_account_generator_t *g,
                          liq_key_problem_t *problem)
{
    const liq_protocol_config_t *p = &ctx->sc->protocols[g->protocol];
    double total = 0.0;
    for (size_t m = 0; m < liq_protocol_market_count(p); m++) {
        total += g->collateral_weight[m];
    }
    if (total > 0.0 && isfinite(total)) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, NULL,
                           "the weights sum to %.17g; expected at least one weight > 0 (and a "
                           "finite sum) for the markets of protocol '%s'",
                           total, p->name);
}

static void liq_init_generator(const liq_key_ctx_t *ctx, void *obj)
{
    liq_account_generator_t *g = obj;
    g->stream = (uint64_t)ctx->index;
    g->market = -1;
    g->long_share = (double)NAN;
    liq_init_borrowers(&g->borrowers);
}

static const liq_key_t liq_generator_keys[] = {
    {.name = "protocol",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_SELECTS,
     .offset = offsetof(liq_account_generator_t, protocol),
     .ref = LIQ_REF_PROTOCOL,
     .unit = "protocol name",
     .doc = "the protocol the accounts borrow from"},
    {.name = "market",
     .type = LIQ_KEY_REF,
     .offset = offsetof(liq_account_generator_t, market),
     .idflt = -1,
     .ref = LIQ_REF_MARKET,
     .need = liq_need_market,
     .dump_rank = 1,
     .unit = "asset name",
     .doc = "the market, named by its collateral asset (a perp protocol: its underlying)",
     .doc_default = "**required** for `isolated`; not allowed for `cross`"},
    {.name = "margin",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_SELECTS | LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_account_generator_t, margin),
     .choices = liq_margins,
     .what = "margin mode",
     .doc = "`isolated` (one market an account) or `cross` (several, against one debt)"},
    {.name = "collateral",
     .type = LIQ_KEY_CUSTOM,
     .custom = LIQ_CUSTOM_WEIGHTS,
     LIQ_NONNEGATIVE,
     .need = liq_need_collateral,
     .dump_rank = 1,
     .unit = "market asset name: weight",
     .doc = "`cross`: w_k, the share of each market in an account's value",
     .doc_default = "**required** for `cross`; not allowed for `isolated`",
     .doc_valid = "keys: the protocol's markets' assets (absent ones weigh 0); weights finite >= "
                  "0 with a sum > 0"},
    {.name = "markets",
     .type = LIQ_KEY_CUSTOM,
     .custom = LIQ_CUSTOM_WEIGHTS,
     LIQ_NONNEGATIVE,
     .need = liq_need_perp_markets,
     .dump_rank = 1,
     .unit = "perp market asset name: weight",
     .doc = "a perp protocol's `cross`: the share of each market in an account's notional",
     .doc_default = "**required** for `cross`; not allowed for `isolated`",
     .doc_valid = "as `collateral`"},
    {.name = "count",
     .type = LIQ_KEY_INTEGER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_account_generator_t, count),
     LIQ_INTEGER_AT_LEAST_0,
     .dump_rank = 2,
     .unit = "accounts",
     .doc = "the accounts drawn"},
    {.name = "size",
     .type = LIQ_KEY_MAP,
     .flags = LIQ_KEY_REQUIRED,
     .entity = &liq_size_entity,
     .dump_rank = 2,
     .unit = "USD",
     .doc = "the distribution of V, an account's collateral value at the initial oracle prices "
            "(a perp protocol: the notional N)"},
    {.name = "health",
     .type = LIQ_KEY_MAP,
     .entity = &liq_health_entity,
     .need = liq_need_lending_generator,
     .dump_rank = 2,
     .doc = "the distribution of h, an account's initial health factor; the debt follows"},
    {.name = "leverage",
     .type = LIQ_KEY_MAP,
     .entity = &liq_health_entity,
     .need = liq_need_perp_generator,
     .dump_rank = 2,
     .doc = "a perp protocol: the distribution of lambda = N / margin"},
    {.name = "long_share",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_account_generator_t, long_share),
     .dflt = 0.5,
     LIQ_UNIT,
     .need = liq_need_long_share,
     .dump_rank = 1,
     .doc = "a perp protocol: the chance that a position is long"},
    {.name = "borrowers",
     .type = LIQ_KEY_MAP,
     .offset = offsetof(liq_account_generator_t, borrowers),
     .present_offset = offsetof(liq_account_generator_t, has_borrowers),
     .entity = &liq_borrowers_entity,
     .need = liq_need_borrowers,
     .dump_rank = 2,
     .doc = "accounts that top up or repay when their health falls below a trigger "
            "([below](#accountsiborrowers-borrowers-who-act))",
     .doc_default = "none: borrowers never act"},
    {.name = "flow",
     .type = LIQ_KEY_MAP,
     .offset = offsetof(liq_account_generator_t, flow),
     .present_offset = offsetof(liq_account_generator_t, has_flow),
     .entity = &liq_flow_entity,
     .need = liq_need_long_share,
     .dump_rank = 2,
     .doc = "a perp protocol: positions that keep opening and closing, a living population "
            "([below](#accountsiflow-a-living-population))",
     .doc_default = "none: the accounts drawn at round 0 are all there is"},
};

const liq_entity_t liq_generator_entity = {.name = "generator",
                                           .title = "account generators",
                                           LIQ_KEYS(liq_generator_keys),
                                           .size = sizeof(liq_account_generator_t),
                                           .init = liq_init_generator};

/* ---------------------------------------------------- positions files */

static bool liq_has_suffix(const char *s, const char *suffix)
{
    const size_t n = strlen(s);
    const size_t k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Without `format`, the file's extension says. */
static int liq_check_positions(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    (void)ctx;
    liq_positions_source_t *src = obj;
    if ((int)src->format >= 0) {
        return LIQ_OK;
    }
    if (liq_has_suffix(src->path, ".csv")) {
        src->format = LIQ_POSITIONS_CSV;
    } else if (liq_has_suffix(src->path, ".h5") || liq_has_suffix(src->path, ".hdf5")) {
        src->format = LIQ_POSITIONS_HDF5;
    } else {
        return liq_key_problem(problem, LIQ_EINVAL, "file",
                               "cannot tell the format of '%s' from its extension; expected a "
                               "name ending in .csv, .h5 or .hdf5, or the key format: csv|hdf5",
                               src->path);
    }
    return LIQ_OK;
}

static const liq_key_t liq_positions_keys[] = {
    {.name = "file",
     .type = LIQ_KEY_FILE,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_positions_source_t, path),
     .doc = "a file of positions, one account per row (below)",
     .doc_valid = "a readable file"},
    {.name = "format",
     .type = LIQ_KEY_ENUM,
     .offset = offsetof(liq_positions_source_t, format),
     .idflt = -1,
     .choices = liq_formats,
     .what = "positions format",
     .doc = "`csv` or `hdf5`",
     .doc_default = "from the extension: `.csv` is csv, `.h5` or `.hdf5` is hdf5 (any case)"},
};

const liq_entity_t liq_positions_entity = {.name = "positions file",
                                           .title = "positions files",
                                           LIQ_KEYS(liq_positions_keys),
                                           .size = sizeof(liq_positions_source_t),
                                           .check_all = true,
                                           .check = liq_check_positions};

/* ------------------------------------------------------------- shocks */

/* The asset of a shock: any asset but one a protocol issues. */
static int liq_check_shocked(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_scenario_t *sc = ctx->sc;
    const int32_t asset = ((const liq_shock_t *)obj)->asset;
    const int32_t issuer = liq_scenario_issuer(sc, sc->n_protocols, asset);
    if (issuer < 0) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "asset",
                           "'%s' is issued by protocol '%s' and its price follows the issuer's "
                           "solvency; expected an asset that no protocol issues",
                           sc->assets[asset].name, sc->protocols[issuer].name);
}

#define LIQ_ROW_SHOCK_TYPE                                                                         \
    {                                                                                              \
        .name = "type", .type = LIQ_KEY_ENUM, .flags = LIQ_KEY_REQUIRED,                           \
        .offset = offsetof(liq_shock_t, kind), .choices = liq_shock_types, .what = "shock type",   \
        .doc = "`schedule`, `path` or `gbm`"                                                       \
    }
#define LIQ_ROW_SHOCK_ASSET                                                                        \
    {                                                                                              \
        .name = "asset", .type = LIQ_KEY_REF, .flags = LIQ_KEY_REQUIRED,                           \
        .offset = offsetof(liq_shock_t, asset), .ref = LIQ_REF_ASSET, .check = liq_check_shocked,  \
        .unit = "asset name", .doc = "the asset whose exogenous price moves",                      \
        .doc_valid = "an asset that no protocol issues"                                            \
    }

/* A step's round comes after the previous step's; exactly one of the two
 * returns is given. Absent returns are NaN, which no given value is. */
static int liq_check_step(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    liq_step_t *step = obj;
    const liq_shock_t *s = ctx->parent;
    const size_t k = ctx->index;
    if (k > 0 && step->round <= s->round[k - 1]) {
        return liq_key_problem(problem, LIQ_EINVAL, "round",
                               "round %lld is not after round %lld of steps[%zu]; expected rounds "
                               "in strictly increasing order",
                               (long long)step->round, (long long)s->round[k - 1], k - 1);
    }
    const bool has_simple = !isnan(step->simple_return);
    const bool has_log = !isnan(step->log_return);
    if (has_simple == has_log) {
        return liq_key_problem(problem, LIQ_EKEY, NULL,
                               has_simple
                                   ? "both 'return' and 'log_return' given; expected exactly one"
                                   : "missing key 'return' or 'log_return'");
    }
    if (has_simple) {
        /* log1p keeps full precision for the small returns typical of a round. */
        step->log_return = log1p(step->simple_return);
    }
    return LIQ_OK;
}

static const liq_key_t liq_step_keys[] = {
    {.name = "round",
     .type = LIQ_KEY_INTEGER,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_ROUND,
     .offset = offsetof(liq_step_t, round),
     .ilo = 1,
     .expected = "an integer in [1, %lld] (rounds)",
     .unit = "round",
     .doc = "the round of the move",
     .doc_valid = "strictly increasing"},
    {.name = "return",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_step_t, simple_return),
     .dflt = NAN,
     .lo = -1.0,
     .hi = INFINITY,
     .lo_open = true,
     .expected = "a finite number > -1",
     .doc = "the simple return, stored as log1p(return)",
     .doc_default = "exactly one of `return` and `log_return`"},
    {.name = "log_return",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_step_t, log_return),
     .dflt = NAN,
     LIQ_FINITE,
     .doc = "the log return r_a(t)",
     .doc_default = "exactly one of `return` and `log_return`"},
};

const liq_entity_t liq_step_entity = {.name = "step",
                                      .title = "steps",
                                      LIQ_KEYS(liq_step_keys),
                                      .size = sizeof(liq_step_t),
                                      .flow = true,
                                      .check_all = true,
                                      .check = liq_check_step};

static const liq_key_t liq_schedule_keys[] = {
    LIQ_ROW_SHOCK_TYPE,
    LIQ_ROW_SHOCK_ASSET,
    {.name = "steps",
     .type = LIQ_KEY_CUSTOM,
     .flags = LIQ_KEY_REQUIRED,
     .custom = LIQ_CUSTOM_STEPS,
     .entity = &liq_step_entity,
     .unit = "list",
     .doc = "the moves, each {round, return} or {round, log_return}",
     .doc_valid = "non-empty"},
};

const liq_entity_t liq_schedule_entity = {
    .name = "schedule", .title = "type: schedule", LIQ_KEYS(liq_schedule_keys), .check_all = true};

/* A path from a time series: `price_column` given. */
static liq_key_need_t liq_need_series(const liq_shock_t *s, bool required)
{
    if (s->price_column == NULL) {
        return LIQ_NEED_HIDDEN;
    }
    return required ? LIQ_NEED_REQUIRED : LIQ_NEED_OPTIONAL;
}

static liq_key_need_t liq_need_series_asset(const liq_key_ctx_t *ctx, const void *obj,
                                            liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return liq_need_series(obj, true);
}

static liq_key_need_t liq_need_series_key(const liq_key_ctx_t *ctx, const void *obj,
                                          liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return liq_need_series(obj, false);
}

static const liq_key_t liq_path_keys[] = {
    LIQ_ROW_SHOCK_TYPE,
    {.name = "file",
     .type = LIQ_KEY_FILE,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_shock_t, path),
     .sdflt = "",
     .doc = "a CSV file of prices, one row per round; or, with `price_column`, a time series "
            "(below)",
     .doc_valid = "a readable file"},
    {.name = "price_column",
     .type = LIQ_KEY_STRING,
     .flags = LIQ_KEY_SELECTS | LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_shock_t, price_column),
     .unit = "column name",
     .doc = "the file is a time series (a CSV file with a header, a JSON table as pandas' "
            "`to_json(orient=\"table\")` writes it, or a JSON list of records), and this column "
            "holds `asset`'s price",
     .doc_default = "none: one row per round"},
    {.name = "asset",
     .type = LIQ_KEY_REF,
     .offset = offsetof(liq_shock_t, asset),
     .ref = LIQ_REF_ASSET,
     .check = liq_check_shocked,
     .need = liq_need_series_asset,
     .unit = "asset name",
     .doc = "with `price_column`: the asset whose exogenous price the series gives",
     .doc_default = "**required** with `price_column`",
     .doc_valid = "an asset that no protocol issues"},
    {.name = "time_column",
     .type = LIQ_KEY_STRING,
     .offset = offsetof(liq_shock_t, time_column),
     .sdflt = "timestamp",
     .need = liq_need_series_key,
     .unit = "column name",
     .doc = "with `price_column`: the column of times, ISO 8601 date-times or seconds, "
            "strictly increasing",
     .doc_default = "`timestamp`"},
    {.name = "start",
     .type = LIQ_KEY_STRING,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_shock_t, series_start),
     .need = liq_need_series_key,
     .unit = "time",
     .doc = "with `price_column`: the time of round 0, as the time column writes times",
     .doc_default = "the first row's time",
     .doc_valid = "at or after the first row's time"},
};

const liq_entity_t liq_path_entity = {
    .name = "path", .title = "type: path", LIQ_KEYS(liq_path_keys), .check_all = true};

static int liq_check_start(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_shock_t *s = obj;
    if (s->start <= ctx->sc->rounds) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "start",
                           "round %lld is after the last round; expected a round in [1, %lld]",
                           (long long)s->start, (long long)ctx->sc->rounds);
}

/* `end` defaults to the last round, and a process may be written to run
 * "until the end" with a later one: it is clipped to the run. */
static int liq_check_end(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    liq_shock_t *s = obj;
    const int64_t rounds = ctx->sc->rounds;
    if (s->end < 0) {
        s->end = rounds;
    }
    if (s->end < s->start) {
        return liq_key_problem(problem, LIQ_EINVAL, "end",
                               "round %lld is before start %lld; expected a round >= start",
                               (long long)s->end, (long long)s->start);
    }
    if (s->end > rounds) {
        s->end = rounds;
    }
    return LIQ_OK;
}

static const liq_key_t liq_gbm_keys[] = {
    LIQ_ROW_SHOCK_TYPE,
    LIQ_ROW_SHOCK_ASSET,
    {.name = "drift",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_shock_t, drift),
     LIQ_FINITE,
     .unit = "per year",
     .doc = "mu"},
    {.name = "volatility",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_shock_t, volatility),
     LIQ_NONNEGATIVE,
     .unit = "per square root of a year",
     .doc = "sigma"},
    {.name = "jump_intensity",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_shock_t, jump_intensity),
     LIQ_NONNEGATIVE,
     .unit = "jumps per year",
     .doc = "lambda"},
    {.name = "jump_mean",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_shock_t, jump_mean),
     LIQ_FINITE,
     .doc = "the mean log jump size"},
    {.name = "jump_stdev",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_shock_t, jump_stdev),
     LIQ_NONNEGATIVE,
     .doc = "the standard deviation of a log jump"},
    {.name = "start",
     .type = LIQ_KEY_DURATION,
     .offset = offsetof(liq_shock_t, start),
     .idflt = 1,
     .ilo = 1,
     .check = liq_check_start,
     .unit = "duration or round",
     .doc = "the first round of the process",
     .doc_valid = "<= rounds"},
    {.name = "end",
     .type = LIQ_KEY_DURATION,
     .offset = offsetof(liq_shock_t, end),
     .idflt = -1,
     .ilo = 1,
     .check = liq_check_end,
     .unit = "duration or round",
     .doc = "the last round of the process",
     .doc_default = "`rounds`",
     .doc_valid = ">= start; values above `rounds` are clipped to it"},
};

const liq_entity_t liq_gbm_entity = {
    .name = "gbm", .title = "type: gbm", LIQ_KEYS(liq_gbm_keys), .check_all = true};
