/*
 * The keys of borrowers who act (scenario_keys.h, issue 13 item 3): an
 * account generator's `borrowers`, the share of its accounts that watch
 * their health and top up or repay below a trigger, with their capital,
 * latency and, on a declared chain, their transactions
 * (src/engine/borrowers.c, docs/scenario.md "borrowers").
 */
#include <math.h>
#include <string.h>

#include "liqnet/error.h"
#include "model/scenario_facts.h"
#include "model/scenario_keys.h"
#include "model/scenario_keys_rows.h"

static const char *const liq_borrower_actions[] = {"top_up", "repay", NULL};

/* The generator whose `borrowers` is being read. */
static const liq_account_generator_t *liq_borrowers_generator(const liq_key_ctx_t *ctx)
{
    return ctx->parent;
}

static liq_key_need_t liq_need_borrower_transaction(const liq_key_ctx_t *ctx, const void *obj,
                                                    liq_key_forbid_t *why)
{
    (void)obj;
    const liq_account_generator_t *g = liq_borrowers_generator(ctx);
    if (ctx->sc->protocols[g->protocol].chain_index >= 0) {
        return LIQ_NEED_OPTIONAL;
    }
    why->message = "transaction needs the protocol on a declared chain; expected the protocol's "
                   "`chain` naming one of the scenario's `chains`";
    why->code = LIQ_EINVAL;
    return LIQ_NEED_FORBIDDEN;
}

static bool liq_dump_borrower_transaction(const liq_key_ctx_t *ctx, const void *obj)
{
    (void)obj;
    const liq_account_generator_t *g = liq_borrowers_generator(ctx);
    return ctx->sc->protocols[g->protocol].chain_index >= 0;
}

/* The target restores health above the trigger, or the borrower would act
 * again at once. */
static int liq_check_target(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    (void)ctx;
    const liq_borrowers_config_t *b = obj;
    if (b->target > b->trigger) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "target",
                           "value %.17g is not above trigger %.17g; expected target > trigger",
                           b->target, b->trigger);
}

static const liq_key_t liq_borrowers_keys[] = {
    {.name = "share",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_borrowers_config_t, share),
     LIQ_UNIT,
     .unit = "probability",
     .doc = "the chance that an account acts, drawn once per account (Bernoulli, the run's "
            "seed)"},
    {.name = "trigger",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_borrowers_config_t, trigger),
     LIQ_POSITIVE,
     .unit = "health factor",
     .doc = "an acting account acts when its health at the oracle prices falls below this"},
    {.name = "target",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_borrowers_config_t, target),
     LIQ_POSITIVE,
     .check = liq_check_target,
     .unit = "health factor",
     .doc = "the health its action restores at the prices it decided at, as far as its "
            "capital allows",
     .doc_valid = "> trigger"},
    {.name = "action",
     .type = LIQ_KEY_ENUM,
     .offset = offsetof(liq_borrowers_config_t, action),
     .choices = liq_borrower_actions,
     .what = "borrower action",
     .doc = "`top_up` (add collateral) or `repay` (repay debt)"},
    {.name = "capital",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_UNLIMITED,
     .offset = offsetof(liq_borrowers_config_t, capital),
     .dflt = 1.0,
     LIQ_NONNEGATIVE_OR_INF,
     .unit = "multiple of V",
     .doc = "the USD an account may spend on its actions over the run, as a multiple of its "
            "initial collateral value V"},
    {.name = "latency",
     .type = LIQ_KEY_DURATION,
     .offset = offsetof(liq_borrowers_config_t, latency),
     .idflt = 0,
     .ilo = 0,
     .unit = "duration",
     .doc = "from seeing its health below the trigger to sending (on a chain) or to the "
            "action landing (without one)"},
    {.name = "gas_spread",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_borrowers_config_t, gas_spread),
     LIQ_NONNEGATIVE,
     .unit = "log units",
     .doc = "sigma: each account bids the transaction's gas_price (fixed) or tip (capped, "
            "adaptive) times exp(sigma Z), Z standard normal drawn once per account"},
    {.name = "transaction",
     .type = LIQ_KEY_MAP,
     .offset = offsetof(liq_borrowers_config_t, tx),
     .present_offset = offsetof(liq_borrowers_config_t, has_transaction),
     .entity = &liq_transaction_entity,
     .need = liq_need_borrower_transaction,
     .dump_if = liq_dump_borrower_transaction,
     .doc = "how an action is sent, keys as `keepers.transaction`'s",
     .doc_default = "`{bid: capped, tip: 2, gas: 150000, deadline: 10}` on a declared chain",
     .doc_valid = "only when the protocol is on a declared chain"},
};

/* Borrowers act on isolated accounts of lending protocols. */
static int liq_check_borrowers(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    (void)obj;
    const liq_account_generator_t *g = liq_borrowers_generator(ctx);
    const liq_protocol_config_t *p = &ctx->sc->protocols[g->protocol];
    if (p->kind == LIQ_PROTOCOL_PERP || g->margin == LIQ_MARGIN_CROSS) {
        return liq_key_problem(problem, LIQ_EINVAL, NULL,
                               "borrowers act on isolated accounts of lending protocols; "
                               "expected no borrowers for %s",
                               p->kind == LIQ_PROTOCOL_PERP ? "a perp protocol" : "margin: cross");
    }
    if (p->has_stability_pool || p->liquidation.mode == LIQ_LIQUIDATION_DUTCH_AUCTION) {
        return liq_key_problem(problem, LIQ_EINVAL, NULL,
                               "borrowers act in protocols that liquidate instantly or by "
                               "English auction; expected no borrowers for protocol '%s'",
                               p->name);
    }
    return LIQ_OK;
}

const liq_entity_t liq_borrowers_entity = {.name = "borrowers",
                                           .title = "accounts[i].borrowers",
                                           LIQ_KEYS(liq_borrowers_keys),
                                           .check = liq_check_borrowers};

void liq_init_borrowers(liq_borrowers_config_t *b)
{
    memset(b, 0, sizeof(*b));
    b->capital = 1.0;
    liq_init_tx_config(&b->tx, 150000);
}
