/*
 * The keys of a protocol's liquidation mode (scenario_keys.h): MakerDAO's
 * Dutch auctions (Liquidations 2.0: dog.sol, clip.sol, abaci.sol) and
 * English auctions (Liquidations 1.2: cat.sol, flip.sol), with the bidders
 * of the English ones (keepers.bidders) and the rule that gives a protocol
 * its default bidder.
 *
 * English defaults: MakerDAO's ETH-A Flipper as filed from January to
 * March 2020 (makerdao/dss-deploy-scripts config/main.json at 48bf939,
 * 2020-01-13: beg 1.03, ttl 600 s, tau 259200 s, chop 1.13, lump 50 ETH),
 * except lump, whose units are the collateral's: unlimited (the whole
 * vault) unless the scenario gives one.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/error.h"
#include "model/scenario_keys.h"
#include "model/scenario_keys_rows.h"

static const char *const liq_modes[] = {"instant", "dutch_auction", "english", NULL};
static const char *const liq_curves[] = {"linear", "stairstep", "exponential", NULL};

/* -------------------------------------------------- Dutch auctions */

static bool liq_dutch(const void *obj)
{
    return ((const liq_auction_config_t *)obj)->mode == LIQ_LIQUIDATION_DUTCH_AUCTION;
}

static liq_key_need_t liq_need_dutch(const liq_key_ctx_t *ctx, const void *obj,
                                     liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return liq_dutch(obj) ? LIQ_NEED_OPTIONAL : LIQ_NEED_HIDDEN;
}

static bool liq_english(const void *obj)
{
    return ((const liq_auction_config_t *)obj)->mode == LIQ_LIQUIDATION_ENGLISH;
}

static liq_key_need_t liq_need_english(const liq_key_ctx_t *ctx, const void *obj,
                                       liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return liq_english(obj) ? LIQ_NEED_OPTIONAL : LIQ_NEED_HIDDEN;
}

/* Keys both auctions take (chop). */
static liq_key_need_t liq_need_auction(const liq_key_ctx_t *ctx, const void *obj,
                                       liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return liq_dutch(obj) || liq_english(obj) ? LIQ_NEED_OPTIONAL : LIQ_NEED_HIDDEN;
}

static liq_key_need_t liq_need_tau(const liq_key_ctx_t *ctx, const void *obj, liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    const liq_auction_config_t *a = obj;
    return liq_dutch(obj) && a->curve.kind == LIQ_CURVE_LINEAR ? LIQ_NEED_REQUIRED
                                                               : LIQ_NEED_HIDDEN;
}

static liq_key_need_t liq_need_step(const liq_key_ctx_t *ctx, const void *obj,
                                    liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    const liq_auction_config_t *a = obj;
    return liq_dutch(obj) && a->curve.kind == LIQ_CURVE_STAIRSTEP ? LIQ_NEED_OPTIONAL
                                                                  : LIQ_NEED_HIDDEN;
}

static liq_key_need_t liq_need_cut(const liq_key_ctx_t *ctx, const void *obj, liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    const liq_auction_config_t *a = obj;
    if (!liq_dutch(obj) || a->curve.kind == LIQ_CURVE_LINEAR) {
        return LIQ_NEED_HIDDEN;
    }
    return a->curve.kind == LIQ_CURVE_EXPONENTIAL ? LIQ_NEED_REQUIRED : LIQ_NEED_OPTIONAL;
}

/* The tail defaults to two hours (ETH-A's 7200 s) in rounds, and the
 * parameters of the other curves are NaN. */
static void liq_finish_liquidation(const liq_key_ctx_t *ctx, void *obj)
{
    liq_auction_config_t *a = obj;
    if (!liq_dutch(obj)) {
        return;
    }
    if (a->tail < 0) {
        const int64_t rounds = (int64_t)ceil(7200.0 / ctx->sc->round_seconds);
        a->tail = rounds > 1 ? rounds : 1;
    }
    if (a->curve.kind != LIQ_CURVE_LINEAR) {
        a->curve.tau = NAN;
    }
    if (a->curve.kind != LIQ_CURVE_STAIRSTEP) {
        a->curve.step = NAN;
    }
    if (a->curve.kind == LIQ_CURVE_LINEAR) {
        a->curve.cut = NAN;
    }
}

static const liq_key_t liq_liquidation_keys[] = {
    {.name = "mode",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_SELECTS,
     .offset = offsetof(liq_auction_config_t, mode),
     .choices = liq_modes,
     .what = "liquidation mode",
     .doc = "`instant` (R0: repay, seize with a bonus, sell at once), `dutch_auction` (seize "
            "the whole vault and auction it) or `english` (bite up to `lump`, tend then dent); "
            "with `instant` no other key is allowed"},
    {.name = "chop",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_auction_config_t, chop),
     .dflt = 1.13,
     LIQ_AT_LEAST_1,
     .need = liq_need_auction,
     .doc = "the penalty factor: tab = debt x chop"},
    {.name = "buf",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_auction_config_t, buf),
     .dflt = 1.10,
     LIQ_POSITIVE,
     .need = liq_need_dutch,
     .doc = "the start price factor: top = O_a / O_b x buf"},
    {.name = "tail",
     .type = LIQ_KEY_DURATION,
     .offset = offsetof(liq_auction_config_t, tail),
     .idflt = -1,
     .ilo = 1,
     .need = liq_need_dutch,
     .unit = "duration",
     .doc = "an auction resets when more than this has passed since it started",
     .doc_default = "7200 s (`ceil(7200 / round_seconds)` rounds)"},
    {.name = "cusp",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_auction_config_t, cusp),
     .dflt = 0.45,
     LIQ_UNIT_HALF_OPEN,
     .need = liq_need_dutch,
     .doc = "an auction resets when price / top < cusp"},
    {.name = "tip",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_auction_config_t, tip),
     .dflt = 250.0,
     LIQ_NONNEGATIVE,
     .need = liq_need_dutch,
     .unit = "USD",
     .doc = "the keeper's reward per kick and per reset"},
    {.name = "chip",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_auction_config_t, chip),
     .dflt = 0.001,
     LIQ_UNIT_HALF_OPEN,
     .need = liq_need_dutch,
     .doc = "the keeper's reward share of the tab"},
    {.name = "curve",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_SELECTS,
     .offset = offsetof(liq_auction_config_t, curve.kind),
     .idflt = LIQ_CURVE_STAIRSTEP,
     .choices = liq_curves,
     .what = "price curve",
     .need = liq_need_dutch,
     .doc = "how the price falls: `linear`, `stairstep` or `exponential` (abaci.sol)"},
    {.name = "tau",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_auction_config_t, curve.tau),
     LIQ_POSITIVE,
     .need = liq_need_tau,
     .unit = "seconds",
     .doc = "`linear`: the time from top to 0 (a number of seconds, not a duration)",
     .doc_default = "**required** for `linear`; only for `linear`"},
    {.name = "step",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_auction_config_t, curve.step),
     .dflt = 90.0,
     LIQ_POSITIVE,
     .need = liq_need_step,
     .unit = "seconds",
     .doc = "`stairstep`: the time between cuts",
     .doc_default = "90; only for `stairstep`"},
    {.name = "cut",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_auction_config_t, curve.cut),
     .dflt = 0.99,
     LIQ_UNIT_POSITIVE,
     .need = liq_need_cut,
     .doc = "`stairstep`: the factor per step; `exponential`: the factor per second",
     .doc_default = "0.99 for `stairstep`; **required** for `exponential`; not for `linear`"},
    {.name = "hole",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_UNLIMITED,
     .offset = offsetof(liq_auction_config_t, hole),
     .dflt = INFINITY,
     LIQ_POSITIVE_OR_UNLIMITED,
     .need = liq_need_dutch,
     .unit = "debt units",
     .doc = "the most tab in this protocol's running auctions at once",
     .doc_default = "`unlimited`"},
    {.name = "keeper_capital",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_UNLIMITED,
     .offset = offsetof(liq_auction_config_t, keeper_capital),
     .dflt = INFINITY,
     LIQ_POSITIVE_OR_UNLIMITED,
     .need = liq_need_dutch,
     .unit = "USD per round",
     .doc = "what keepers spend buying from this protocol's auctions per round",
     .doc_default = "`unlimited`"},
    {.name = "beg",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_auction_config_t, beg),
     .dflt = 1.03,
     LIQ_AT_LEAST_1,
     .need = liq_need_english,
     .doc = "english: a bid must raise the last by this factor (tend), or offer this factor "
            "less collateral (dent)",
     .doc_default = "1.03 (ETH-A, 2020)"},
    {.name = "ttl",
     .type = LIQ_KEY_DURATION,
     .flags = LIQ_KEY_SECONDS,
     .offset = offsetof(liq_auction_config_t, ttl),
     .idflt = 600,
     .ilo = 1,
     .need = liq_need_english,
     .unit = "duration, seconds",
     .doc = "english: how long a bid lives; the auction can be dealt once its last bid is "
            "older",
     .doc_default = "600 (ETH-A, 2020)"},
    {.name = "tau",
     .type = LIQ_KEY_DURATION,
     .flags = LIQ_KEY_SECONDS,
     .offset = offsetof(liq_auction_config_t, flip_tau),
     .idflt = 259200,
     .ilo = 1,
     .need = liq_need_english,
     .unit = "duration, seconds",
     .doc = "english: how long an auction lasts from its kick (or tick)",
     .doc_default = "259200, 3 days (ETH-A, 2020)"},
    {.name = "lump",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_UNLIMITED,
     .offset = offsetof(liq_auction_config_t, lump),
     .dflt = INFINITY,
     LIQ_POSITIVE_OR_UNLIMITED,
     .need = liq_need_english,
     .unit = "collateral units",
     .doc = "english: the most collateral one bite puts in an auction (ETH-A, 2020: 50 ETH)",
     .doc_default = "`unlimited` (the whole vault)"},
};

const liq_entity_t liq_liquidation_entity = {.name = "liquidation",
                                             .title = "liquidation",
                                             LIQ_KEYS(liq_liquidation_keys),
                                             .check_all = true,
                                             .finish = liq_finish_liquidation};

/* ------------------------------------------ English auctions' bidders */

static void liq_init_bidder(const liq_key_ctx_t *ctx, void *obj)
{
    (void)ctx;
    liq_flip_bidder_config_t *b = obj;
    b->capital = INFINITY;
    b->margin = 0.05;
    b->gas_price = NAN;
}

/* A bidder's resale of the lots it wins (keepers.bidders[].resell). */
static const char *const liq_resell_vias[] = {"pool", "market", NULL};

static liq_key_need_t liq_need_resell_cost(const liq_key_ctx_t *ctx, const void *obj,
                                           liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return ((const liq_flip_bidder_config_t *)obj)->resell_via == LIQ_RESELL_MARKET
               ? LIQ_NEED_OPTIONAL
               : LIQ_NEED_HIDDEN;
}

static const liq_key_t liq_resell_keys[] = {
    {.name = "delay",
     .type = LIQ_KEY_DURATION,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_flip_bidder_config_t, resell_delay),
     .ilo = 0,
     .unit = "duration",
     .doc = "from the deal that gives it a lot to the sale of that lot (0: the deal's round); "
            "the proceeds are its capital from the round after the sale"},
    {.name = "via",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_SELECTS,
     .offset = offsetof(liq_flip_bidder_config_t, resell_via),
     .choices = liq_resell_vias,
     .what = "resale venue",
     .doc = "`pool`: on the market's route pools in the venues phase, as the protocol's "
            "seizures are sold (it moves the pools), at what the swap pays; `market`: at the "
            "reference price less `cost`, moving nothing"},
    {.name = "cost",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_flip_bidder_config_t, resell_cost),
     .dflt = 0.0,
     LIQ_UNIT_HALF_OPEN,
     .need = liq_need_resell_cost,
     .unit = "share of the value",
     .doc = "`market`: what the sale loses (fees, spread, impact) as a share of the lot's "
            "value at reference prices",
     .doc_default = "0; only for `market`"},
};

const liq_entity_t liq_resell_entity = {
    .name = "resell", .title = "keepers.bidders[].resell", LIQ_KEYS(liq_resell_keys)};

static const liq_key_t liq_bidder_keys[] = {
    {.name = "name",
     .type = LIQ_KEY_STRING,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_flip_bidder_config_t, name),
     .doc = "the bidder's name"},
    {.name = "capital",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_UNLIMITED,
     .offset = offsetof(liq_flip_bidder_config_t, capital),
     .dflt = INFINITY,
     LIQ_POSITIVE_OR_UNLIMITED,
     .unit = "debt units",
     .doc = "the DAI it can have in bids at once (a bid it is outbid on comes back)",
     .doc_default = "`unlimited`"},
    {.name = "margin",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_flip_bidder_config_t, margin),
     .dflt = 0.05,
     LIQ_UNIT_HALF_OPEN,
     .doc = "it bids up to the lot's value at reference prices x (1 - margin)"},
    {.name = "gas_price",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_flip_bidder_config_t, gas_price),
     .dflt = NAN,
     LIQ_NONNEGATIVE,
     .unit = "gwei per gas",
     .doc = "on a declared chain: a fixed gas price for its bids",
     .doc_default = "the keepers' `transaction` strategy"},
    {.name = "zero",
     .type = LIQ_KEY_FLAG,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_flip_bidder_config_t, zero),
     .doc = "bids LIQ_FLIP_MIN_BID (1e-45 DAI) on every auction without a bid, and nothing "
            "else"},
    {.name = "bites",
     .type = LIQ_KEY_FLAG,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_flip_bidder_config_t, bites),
     .doc = "on a declared chain: it sends its own bite (cat.bite) of every unsafe vault, at "
            "its `gas_price`; once any bidder bites, bites are the biting bidders' "
            "transactions, not the keepers' `transaction`"},
    {.name = "count_gas",
     .type = LIQ_KEY_FLAG,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_flip_bidder_config_t, count_gas),
     .doc = "it skips a tend or dent whose profit (the lot's value at reference prices less "
            "the bid) does not cover the gas the call costs it in USD: its `gas_price` (else "
            "the keepers' strategy) x `transaction.gas` on a chain, `gas_cost` without one"},
    {.name = "resell",
     .type = LIQ_KEY_MAP,
     .present_offset = offsetof(liq_flip_bidder_config_t, has_resell),
     .entity = &liq_resell_entity,
     .doc = "it sells each lot it wins for the debt asset and bids again with the proceeds "
            "([below](#keepersbiddersresell))",
     .doc_default = "none: lots won leave its books (capital is a budget for the run)"},
};

const liq_entity_t liq_bidder_entity = {.name = "bidder",
                                        .title = "keepers.bidders",
                                        LIQ_KEYS(liq_bidder_keys),
                                        .size = sizeof(liq_flip_bidder_config_t),
                                        .flow = true,
                                        .init = liq_init_bidder};

/* The most bidders a protocol's English auctions take: each auction keeps
 * one bit per bidder for the transaction it has pending on it. */
#define LIQ_FLIP_MAX_BIDDERS 64

int liq_check_protocol(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    int rc = liq_check_protocol_chain(ctx, obj, problem);
    if (rc != LIQ_OK) {
        return rc;
    }
    liq_protocol_config_t *p = obj;
    const bool english = p->liquidation.mode == LIQ_LIQUIDATION_ENGLISH;
    if (p->n_flip_bidders > 0 && !english) {
        return liq_key_problem(problem, LIQ_EINVAL, "keepers",
                               "keepers.bidders bid in English auctions; expected "
                               "liquidation.mode english or no bidders");
    }
    if (p->n_flip_bidders > LIQ_FLIP_MAX_BIDDERS) {
        return liq_key_problem(problem, LIQ_EINVAL, "keepers",
                               "keepers.bidders has %zu bidders; expected at most %d",
                               p->n_flip_bidders, LIQ_FLIP_MAX_BIDDERS);
    }
    for (size_t b = 0; b < p->n_flip_bidders; b++) {
        if (p->flip_bidders[b].bites && p->chain_index < 0) {
            return liq_key_problem(problem, LIQ_EINVAL, "keepers",
                                   "keepers.bidders[%zu] (%s): bites needs a declared chain "
                                   "(without one a bite lands when it is decided); expected "
                                   "`chain` naming one of the scenario's `chains`, or no bites",
                                   b, p->flip_bidders[b].name);
        }
        if (!isnan(p->flip_bidders[b].gas_price) && p->chain_index < 0) {
            return liq_key_problem(problem, LIQ_EINVAL, "keepers",
                                   "keepers.bidders[%zu] (%s): gas_price needs a declared "
                                   "chain; expected `chain` naming one of the scenario's "
                                   "`chains`, or no gas_price",
                                   b, p->flip_bidders[b].name);
        }
    }
    if (english && p->n_flip_bidders == 0) {
        /* One ordinary bidder, so that a scenario without bidders still
         * sells its auctions (docs/scenario.md "keepers.bidders"). */
        p->flip_bidders = calloc(1, sizeof(*p->flip_bidders));
        char *name = malloc(sizeof("keeper"));
        if (p->flip_bidders == NULL || name == NULL) {
            free(name);
            return liq_key_problem(problem, LIQ_ENOMEM, "keepers", "out of memory");
        }
        memcpy(name, "keeper", sizeof("keeper"));
        liq_init_bidder(ctx, p->flip_bidders);
        p->flip_bidders[0].name = name;
        p->n_flip_bidders = 1;
    }
    return LIQ_OK;
}
