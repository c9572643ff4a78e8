/*
 * The keys of MEV-aware liquidation (scenario_keys.h, issue 13 item 4;
 * src/engine/mev.c, docs/model-notes.md "MEV-aware liquidation"): a
 * protocol's competing liquidators (keepers.liquidators) and the auction a
 * chain runs for the right to a liquidation (chains[i].auction).
 *
 * Liquidators belong to a protocol, not to the scenario: a protocol's
 * margin step runs on one thread, so its liquidators' capital is spent
 * without locks and the results do not depend on the thread count.
 */
#include <math.h>
#include <string.h>

#include "liqnet/chain.h"
#include "liqnet/error.h"
#include "model/scenario_keys.h"
#include "model/scenario_keys_rows.h"

/* ------------------------------------------------------- liquidators */

static const liq_key_t liq_liquidator_keys[] = {
    {.name = "name",
     .type = LIQ_KEY_STRING,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_liquidator_config_t, name),
     .doc = "the liquidator's name",
     .doc_valid = "unique among the protocol's liquidators"},
    {.name = "capital",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_liquidator_config_t, capital),
     LIQ_POSITIVE,
     .unit = "debt units per round",
     .doc = "the debt it repays per round at most (the liquidations it wins past that go to the "
            "others)"},
    {.name = "cost",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_liquidator_config_t, cost),
     LIQ_NONNEGATIVE,
     .unit = "USD per liquidation",
     .doc = "what a liquidation costs it besides gas (infrastructure, its swap's own costs)"},
    {.name = "latency",
     .type = LIQ_KEY_DURATION,
     .offset = offsetof(liq_liquidator_config_t, latency),
     .ilo = 0,
     .unit = "duration",
     .doc = "rounds after an account becomes liquidatable before it sees it; only latency 0 "
            "back-runs an oracle update"},
    {.name = "gas",
     .type = LIQ_KEY_INTEGER,
     .offset = offsetof(liq_liquidator_config_t, gas),
     .idflt = 300000,
     .ilo = 21000,
     .ihi = LIQ_EIP1559_MAX_GAS_LIMIT,
     .expected = "an integer in [21000, 2147483648]",
     .unit = "gas",
     .doc = "the gas its liquidation transaction uses, also when it reverts",
     .doc_default = "300000 (Aave's liquidationCall)",
     .doc_valid = "at most the chain's gas_limit"},
};

const liq_entity_t liq_liquidator_entity = {.name = "liquidator",
                                            .title = "keepers.liquidators",
                                            LIQ_KEYS(liq_liquidator_keys),
                                            .size = sizeof(liq_liquidator_config_t),
                                            .flow = true};

/* ------------------------------------------------------ the auction */

static const char *const liq_mev_auctions[] = {"priority_gas", "builder", NULL};

static liq_key_need_t liq_need_builder(const liq_key_ctx_t *ctx, const void *obj,
                                       liq_key_forbid_t *why)
{
    (void)ctx;
    if (((const liq_chain_config_t *)obj)->auction_kind == LIQ_MEV_BUILDER) {
        return LIQ_NEED_OPTIONAL;
    }
    why->variant = "kind priority_gas";
    why->instead = "kind builder, or no builder_share (the winning priority fee is the block "
                   "producer's whole take)";
    return LIQ_NEED_FORBIDDEN;
}

static const liq_key_t liq_auction_keys[] = {
    {.name = "kind",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_SELECTS,
     .offset = offsetof(liq_chain_config_t, auction_kind),
     .idflt = LIQ_MEV_PRIORITY_GAS,
     .choices = liq_mev_auctions,
     .what = "auction kind",
     .doc = "`priority_gas` (bids in the public pool: the highest priority fee per gas wins and "
            "pays its bid, one wei per gas above the runner-up's best) or `builder` (sealed bids "
            "to the block builder: the highest wins and pays the second-highest, at least the "
            "builder's share)"},
    {.name = "builder_share",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_chain_config_t, builder_share),
     LIQ_UNIT,
     .need = liq_need_builder,
     .unit = "share of the bonus",
     .doc = "builder: the least a winning bid pays the builder, as a share of the liquidation "
            "bonus's value (its reserve price)"},
};

const liq_entity_t liq_auction_entity = {
    .name = "auction", .title = "chains[i].auction", LIQ_KEYS(liq_auction_keys)};

/* ------------------------------------------------------------ rules */

int liq_check_protocol_liquidators(const liq_key_ctx_t *ctx, const liq_protocol_config_t *p,
                                   liq_key_problem_t *problem)
{
    if (p->n_liquidators == 0) {
        return LIQ_OK;
    }
    if (p->chain_index < 0) {
        return liq_key_problem(problem, LIQ_EINVAL, "keepers",
                               "keepers.liquidators compete for block space: they need a declared "
                               "chain; expected `chain` naming one of the scenario's `chains`");
    }
    if (p->liquidation.mode != LIQ_LIQUIDATION_INSTANT) {
        return liq_key_problem(problem, LIQ_EINVAL, "keepers",
                               "keepers.liquidators compete for instant liquidations only so far; "
                               "expected liquidation.mode instant or no liquidators");
    }
    if (p->n_liquidators > LIQ_MEV_MAX_LIQUIDATORS) {
        return liq_key_problem(problem, LIQ_EINVAL, "keepers",
                               "keepers.liquidators has %zu liquidators; expected at most %d",
                               p->n_liquidators, LIQ_MEV_MAX_LIQUIDATORS);
    }
    const liq_chain_config_t *chain = &ctx->sc->chains[p->chain_index];
    for (size_t k = 0; k < p->n_liquidators; k++) {
        const liq_liquidator_config_t *l = &p->liquidators[k];
        if (l->gas > chain->gas_limit) {
            return liq_key_problem(problem, LIQ_EINVAL, "keepers",
                                   "keepers.liquidators[%zu] (%s): gas %lld exceeds chain '%s''s "
                                   "gas_limit %lld; expected at most the gas limit",
                                   k, l->name, (long long)l->gas, chain->name,
                                   (long long)chain->gas_limit);
        }
        for (size_t j = 0; j < k; j++) {
            if (strcmp(p->liquidators[j].name, l->name) == 0) {
                return liq_key_problem(problem, LIQ_EINVAL, "keepers",
                                       "keepers.liquidators[%zu]: the name '%s' is taken by "
                                       "keepers.liquidators[%zu]; expected unique names",
                                       k, l->name, j);
            }
        }
    }
    return LIQ_OK;
}
