/*
 * The keys of bridges and of the liquidators' capital on each chain
 * (scenario_keys.h, issue 13 item 6), and the rule that ties an oracle
 * reading another chain's source to the bridges between the two.
 *
 * A bridge is one direction between two declared chains (liqnet/bridge.h):
 * a latency in rounds (a duration: rounds, or time rounded up to whole
 * rounds of round_seconds, as every duration), a capacity in units of its
 * asset a round and a fee kept at sending. The model is this project's own
 * abstraction, not one bridge's contract.
 */
#include <math.h>
#include <string.h>

#include "liqnet/error.h"
#include "model/scenario_facts.h"
#include "model/scenario_keys.h"
#include "model/scenario_keys_rows.h"

/* ---------------------------------------------------------- a bridge */

static void liq_init_bridge(const liq_key_ctx_t *ctx, void *obj)
{
    (void)ctx;
    liq_bridge_config_t *b = obj;
    b->asset = -1;
    b->from = -1;
    b->to = -1;
    b->capacity = INFINITY;
}

/* A bridge joins two different chains. */
static int liq_check_bridge(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_bridge_config_t *b = obj;
    if (b->from != b->to) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "to",
                           "from and to are both chain '%s'; expected two different chains",
                           ctx->sc->chains[b->to].name);
}

static const liq_key_t liq_bridge_keys[] = {
    {.name = "name",
     .type = LIQ_KEY_NAME,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_bridge_config_t, name),
     .ref = LIQ_REF_BRIDGE,
     .doc = "the bridge's name, in the output's `bridge` coordinate",
     .doc_valid = "unique among bridges"},
    {.name = "asset",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_bridge_config_t, asset),
     .ref = LIQ_REF_ASSET,
     .unit = "asset name",
     .doc = "what it carries: the liquidators' capital moves as this asset, at its reference "
            "price"},
    {.name = "from",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_bridge_config_t, from),
     .ref = LIQ_REF_CHAIN,
     .unit = "chain name",
     .doc = "the chain transfers leave"},
    {.name = "to",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_bridge_config_t, to),
     .ref = LIQ_REF_CHAIN,
     .unit = "chain name",
     .doc = "the chain transfers reach",
     .doc_valid = "not `from`"},
    {.name = "latency",
     .type = LIQ_KEY_DURATION,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_bridge_config_t, latency),
     .ilo = 0,
     .unit = "duration",
     .doc = "a transfer sent in round t arrives from round t + latency (0: in its own round, of "
            "use from the next)"},
    {.name = "capacity",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_UNLIMITED,
     .offset = offsetof(liq_bridge_config_t, capacity),
     .dflt = INFINITY,
     LIQ_POSITIVE_OR_UNLIMITED,
     .unit = "units of the asset per round",
     .doc = "the units that arrive in a round at most; a transfer the rest of a round's capacity "
            "cannot hold arrives in parts, first in, first out",
     .doc_default = "`unlimited`"},
    {.name = "fee",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_bridge_config_t, fee),
     LIQ_UNIT_HALF_OPEN,
     .doc = "the share of each transfer the bridge keeps when it is sent"},
};

const liq_entity_t liq_bridge_entity = {.name = "bridge",
                                        .title = "bridges",
                                        LIQ_KEYS(liq_bridge_keys),
                                        .size = sizeof(liq_bridge_config_t),
                                        .init = liq_init_bridge,
                                        .check = liq_check_bridge};

/* -------------------------------------- an oracle reading another chain */

int liq_check_oracle_source_chain(const liq_key_ctx_t *ctx, liq_oracle_config_t *o,
                                  liq_key_problem_t *problem)
{
    const liq_scenario_t *sc = ctx->sc;
    o->message_latency = 0;
    if (o->source_chain < 0) {
        return LIQ_OK;
    }
    const char *from = sc->chains[o->source_chain].name;
    if (o->chain < 0) {
        return liq_key_problem(problem, LIQ_EINVAL, "source_chain",
                               "source_chain '%s' needs the oracle's own chain; expected `chain` "
                               "naming the chain the oracle lives on",
                               from);
    }
    if (o->chain == o->source_chain) {
        return liq_key_problem(problem, LIQ_EINVAL, "source_chain",
                               "source_chain '%s' is the oracle's own chain; expected another "
                               "chain, or no source_chain",
                               from);
    }
    /* The message crosses by the fastest bridge from the source's chain. */
    int64_t least = -1;
    for (size_t k = 0; k < sc->n_bridges; k++) {
        const liq_bridge_config_t *b = &sc->bridges[k];
        if (b->from == o->source_chain && b->to == o->chain && (least < 0 || b->latency < least)) {
            least = b->latency;
        }
    }
    if (least < 0) {
        return liq_key_problem(problem, LIQ_EINVAL, "source_chain",
                               "no bridge from chain '%s' to chain '%s' carries what the oracle "
                               "reads; expected a bridge with from: %s and to: %s",
                               from, sc->chains[o->chain].name, from, sc->chains[o->chain].name);
    }
    o->message_latency = least;
    return LIQ_OK;
}

/* ------------------------------------ the liquidators' capital on a chain */

int liq_check_chain_capital(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    (void)ctx;
    const liq_chain_config_t *c = obj;
    if (isnan(c->keeper_target) || isfinite(c->keeper_capital)) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "keeper_target",
                           "keeper_target %.17g on a chain whose keeper_capital is unlimited; "
                           "expected a finite keeper_capital beside it",
                           c->keeper_target);
}
