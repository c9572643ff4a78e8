/*
 * The keys of chains (scenario_keys.h, issue 13): block time, gas limit,
 * the asset gas is paid in and how the price of block space is set; and
 * the rules that tie a protocol to a declared chain.
 *
 * Sources for the defaults: Ethereum's slot time of 12 s since the Merge;
 * the block gas limit, 30,000,000 from August 2021 to early 2025 (EIP-1559
 * targets half of it); a liquidation's gas, about 300,000 for Aave v2/v3's
 * liquidationCall (Etherscan receipts of typical calls use 250,000 to
 * 400,000).
 */
#include <math.h>
#include <string.h>

#include "liqnet/chain.h"
#include "liqnet/error.h"
#include "model/scenario_facts.h"
#include "model/scenario_keys.h"
#include "model/scenario_keys_rows.h"

static const char *const liq_gas_models[] = {"fixed", "given", "eip1559", NULL};
static const char *const liq_gas_units[] = {"wei", "gwei", NULL};
static const char *const liq_gas_after_end[] = {"error", "hold", NULL};

/* A row of one gas model only: required in it, no key of the others. */
static liq_key_need_t liq_need_model(const void *obj, liq_gas_model_t model, bool required)
{
    if (((const liq_chain_config_t *)obj)->gas_model != model) {
        return LIQ_NEED_HIDDEN;
    }
    return required ? LIQ_NEED_REQUIRED : LIQ_NEED_OPTIONAL;
}

static liq_key_need_t liq_need_fixed(const liq_key_ctx_t *ctx, const void *obj,
                                     liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return liq_need_model(obj, LIQ_GAS_FIXED, true);
}

static liq_key_need_t liq_need_given(const liq_key_ctx_t *ctx, const void *obj,
                                     liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return liq_need_model(obj, LIQ_GAS_GIVEN, false);
}

static liq_key_need_t liq_need_given_required(const liq_key_ctx_t *ctx, const void *obj,
                                              liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return liq_need_model(obj, LIQ_GAS_GIVEN, true);
}

static liq_key_need_t liq_need_eip1559(const liq_key_ctx_t *ctx, const void *obj,
                                       liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return liq_need_model(obj, LIQ_GAS_EIP1559, false);
}

static const liq_key_t liq_gas_price_keys[] = {
    {.name = "model",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_REQUIRED | LIQ_KEY_SELECTS,
     .offset = offsetof(liq_chain_config_t, gas_model),
     .choices = liq_gas_models,
     .what = "gas price model",
     .doc = "`fixed` (one price), `given` (a series from a file: the price a transaction must "
            "bid to get in) or `eip1559` (a base fee moved by how full blocks are)"},
    {.name = "price",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_chain_config_t, gas_price),
     LIQ_NONNEGATIVE,
     .need = liq_need_fixed,
     .unit = "gwei per gas",
     .doc = "fixed: the price every block asks",
     .doc_default = "**required** for `fixed`"},
    {.name = "file",
     .type = LIQ_KEY_FILE,
     .offset = offsetof(liq_chain_config_t, gas_file),
     .need = liq_need_given_required,
     .doc = "given: a CSV file with a header row, or a JSON table (pandas' `to_json(orient="
            "\"table\")`), read when the scenario is read",
     .doc_default = "**required** for `given`",
     .doc_valid = "a readable file; a relative path is resolved against the scenario file's "
                  "directory"},
    {.name = "time_column",
     .type = LIQ_KEY_STRING,
     .offset = offsetof(liq_chain_config_t, time_column),
     .need = liq_need_given,
     .sdflt = "timestamp",
     .unit = "column name",
     .doc = "given: the column of times, ISO 8601 date-times or seconds, strictly increasing",
     .doc_default = "`timestamp`"},
    {.name = "price_column",
     .type = LIQ_KEY_STRING,
     .offset = offsetof(liq_chain_config_t, price_column),
     .need = liq_need_given_required,
     .unit = "column name",
     .doc = "given: the column of prices per gas, each holding until the next row",
     .doc_default = "**required** for `given`"},
    {.name = "unit",
     .type = LIQ_KEY_ENUM,
     .offset = offsetof(liq_chain_config_t, gas_unit),
     .choices = liq_gas_units,
     .what = "gas price unit",
     .need = liq_need_given,
     .doc = "given: `wei` or `gwei` per gas"},
    {.name = "start",
     .type = LIQ_KEY_STRING,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_chain_config_t, start),
     .need = liq_need_given,
     .unit = "time",
     .doc = "given: the time of round 0, as the time column writes times",
     .doc_default = "the first row's time",
     .doc_valid = "at or after the first row's time"},
    {.name = "after_end",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_DUMP_SET,
     .offset = offsetof(liq_chain_config_t, gas_after_end),
     .choices = liq_gas_after_end,
     .what = "behaviour past the series' end",
     .need = liq_need_given,
     .doc = "given: a run that lasts past the series' end (its last point plus the spacing "
            "before it) is refused (`error`) or keeps the last price to its end (`hold`)"},
    {.name = "initial_base_fee",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_chain_config_t, initial_base_fee),
     .dflt = 1.0,
     LIQ_NONNEGATIVE,
     .need = liq_need_eip1559,
     .unit = "gwei per gas",
     .doc = "eip1559: the base fee of the first block",
     .doc_default = "1 (London's first block)"},
    {.name = "background_gas",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_chain_config_t, background_gas),
     .dflt = 0.5,
     LIQ_UNIT,
     .need = liq_need_eip1559,
     .unit = "share of the gas limit",
     .doc = "eip1559: the gas other users send each block (0.5 keeps the base fee where it is)"},
    {.name = "background_tip",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_chain_config_t, background_tip),
     .dflt = 1.0,
     LIQ_NONNEGATIVE,
     .need = liq_need_eip1559,
     .unit = "gwei per gas",
     .doc = "eip1559: the priority fee other users offer; a bid above it goes first"},
};

const liq_entity_t liq_gas_price_entity = {
    .name = "gas_price", .title = "chains[i].gas_price", LIQ_KEYS(liq_gas_price_keys)};

static void liq_init_chain(const liq_key_ctx_t *ctx, void *obj)
{
    (void)ctx;
    liq_chain_config_t *c = obj;
    c->gas_asset = -1;
}

static const liq_key_t liq_chain_keys[] = {
    {.name = "name",
     .type = LIQ_KEY_NAME,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_chain_config_t, name),
     .ref = LIQ_REF_CHAIN,
     .doc = "the chain's name, as protocols' `chain` names it",
     .doc_valid = "unique among chains"},
    {.name = "block_seconds",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_chain_config_t, block_seconds),
     .dflt = 12.0,
     LIQ_POSITIVE,
     .unit = "seconds",
     .doc = "market time between blocks; a round holds the blocks of its span of time",
     .doc_default = "12 (Ethereum since the Merge)"},
    {.name = "gas_limit",
     .type = LIQ_KEY_INTEGER,
     .offset = offsetof(liq_chain_config_t, gas_limit),
     .idflt = 30000000,
     .ilo = 2,
     .ihi = LIQ_EIP1559_MAX_GAS_LIMIT,
     .expected = "an integer in [2, 2147483648]",
     .unit = "gas",
     .doc = "the gas a block holds at most",
     .doc_default = "30000000 (Ethereum, 2021 to 2025)"},
    {.name = "gas_asset",
     .type = LIQ_KEY_REF,
     .flags = LIQ_KEY_REQUIRED,
     .offset = offsetof(liq_chain_config_t, gas_asset),
     .ref = LIQ_REF_ASSET,
     .unit = "asset name",
     .doc = "the asset gas is paid in: a transaction's cost in USD moves with its reference "
            "price"},
    {.name = "gas_price",
     .type = LIQ_KEY_MAP,
     .flags = LIQ_KEY_REQUIRED,
     .entity = &liq_gas_price_entity,
     .doc = "how blocks price their space ([below](#chainsigas_price))"},
};

const liq_entity_t liq_chain_entity = {.name = "chain",
                                       .title = "chains",
                                       LIQ_KEYS(liq_chain_keys),
                                       .size = sizeof(liq_chain_config_t),
                                       .init = liq_init_chain};

/* ------------------------------------------------------------- the OSM */

static int liq_check_osm(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    (void)ctx;
    const liq_oracle_config_t *o = obj;
    if (o->osm_hop <= 65535) {
        return LIQ_OK;
    }
    return liq_key_problem(problem, LIQ_EINVAL, "hop",
                           "%lld s is more than osm.sol's uint16 hop holds; expected at most "
                           "65535 s",
                           (long long)o->osm_hop);
}

/* makerdao/osm src/osm.sol (e36c874b): `uint16 public hop = ONE_HOUR`,
 * set by `step(uint16 ts)`; so hop is whole seconds, at most 65535. */
static const liq_key_t liq_osm_keys[] = {
    {.name = "hop",
     .type = LIQ_KEY_DURATION,
     .flags = LIQ_KEY_SECONDS,
     .offset = offsetof(liq_oracle_config_t, osm_hop),
     .idflt = 3600,
     .ilo = 1,
     .unit = "duration",
     .doc = "seconds between pokes: a poke is allowed once the time reaches zzz + hop, zzz "
            "being the last poke's time rounded down to a multiple of hop",
     .doc_default = "3600 s (osm.sol's ONE_HOUR, ETH-A's OSM on 12 March 2020)",
     .doc_valid = "at most 65535 s (osm.sol's uint16)"},
};

const liq_entity_t liq_osm_entity = {
    .name = "osm", .title = "oracles[i].osm", LIQ_KEYS(liq_osm_keys), .check = liq_check_osm};

/* ------------------------------------------- a protocol's transactions */

static const char *const liq_bid_strategies[] = {"fixed", "capped", "adaptive", NULL};

static liq_key_need_t liq_need_fixed_bid(const liq_key_ctx_t *ctx, const void *obj,
                                         liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return ((const liq_tx_config_t *)obj)->bid == LIQ_BID_FIXED ? LIQ_NEED_REQUIRED
                                                                : LIQ_NEED_HIDDEN;
}

static liq_key_need_t liq_need_market_bid(const liq_key_ctx_t *ctx, const void *obj,
                                          liq_key_forbid_t *why)
{
    (void)ctx;
    (void)why;
    return ((const liq_tx_config_t *)obj)->bid == LIQ_BID_FIXED ? LIQ_NEED_HIDDEN
                                                                : LIQ_NEED_OPTIONAL;
}

static const liq_key_t liq_transaction_keys[] = {
    {.name = "bid",
     .type = LIQ_KEY_ENUM,
     .flags = LIQ_KEY_SELECTS,
     .offset = offsetof(liq_tx_config_t, bid),
     .idflt = LIQ_BID_CAPPED,
     .choices = liq_bid_strategies,
     .what = "bid strategy",
     .doc = "`fixed` (one gas price, as MakerDAO's 2020 keepers bid), `capped` (the last "
            "block's clearing tip plus `tip`, up to `fee_cap`) or `adaptive` (as capped, raised "
            "after every block that left it out)"},
    {.name = "gas_price",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_tx_config_t, gas_price),
     LIQ_NONNEGATIVE,
     .need = liq_need_fixed_bid,
     .unit = "gwei per gas",
     .doc = "fixed: the gas price bid",
     .doc_default = "**required** for `fixed`"},
    {.name = "tip",
     .type = LIQ_KEY_NUMBER,
     .offset = offsetof(liq_tx_config_t, tip),
     .dflt = 2.0,
     LIQ_NONNEGATIVE,
     .need = liq_need_market_bid,
     .unit = "gwei per gas",
     .doc = "capped, adaptive: the priority fee over the last block's clearing tip"},
    {.name = "fee_cap",
     .type = LIQ_KEY_NUMBER,
     .flags = LIQ_KEY_UNLIMITED,
     .offset = offsetof(liq_tx_config_t, fee_cap),
     .dflt = INFINITY,
     LIQ_NONNEGATIVE_OR_INF,
     .need = liq_need_market_bid,
     .unit = "gwei per gas",
     .doc = "capped, adaptive: the most paid per gas, base fee included",
     .doc_default = "`unlimited`"},
    {.name = "gas",
     .type = LIQ_KEY_INTEGER,
     .offset = offsetof(liq_tx_config_t, gas),
     .flags = LIQ_KEY_KEEP,
     .idflt = 300000,
     .ilo = 21000,
     .ihi = LIQ_EIP1559_MAX_GAS_LIMIT,
     .expected = "an integer in [21000, 2147483648]",
     .unit = "gas",
     .doc = "the gas one call uses, also when it reverts",
     .doc_default = "keepers: 300000 (Aave's liquidationCall); an oracle: 100000 and a borrower: "
                    "150000 (assumed, the order of an OSM poke and of a vault's frob)"},
    {.name = "deadline",
     .type = LIQ_KEY_DURATION,
     .flags = LIQ_KEY_KEEP,
     .offset = offsetof(liq_tx_config_t, deadline),
     .idflt = 10,
     .ilo = 1,
     .unit = "duration",
     .doc = "how long a call waits for a block before its sender drops it",
     .doc_default = "10 rounds"},
};

const liq_entity_t liq_transaction_entity = {
    .name = "transaction", .title = "transaction", LIQ_KEYS(liq_transaction_keys)};

void liq_init_tx_config(liq_tx_config_t *tx, int64_t gas)
{
    tx->bid = LIQ_BID_CAPPED;
    tx->gas_price = 0.0;
    tx->tip = 2.0;
    tx->fee_cap = INFINITY;
    tx->gas = gas;
    tx->deadline = 10;
}

void liq_init_protocol_transaction(liq_protocol_config_t *p)
{
    p->chain_index = -1;
    liq_init_tx_config(&p->keeper_tx, 300000);
}

int liq_check_protocol_chain(const liq_key_ctx_t *ctx, void *obj, liq_key_problem_t *problem)
{
    const liq_scenario_t *sc = ctx->sc;
    liq_protocol_config_t *p = obj;
    p->chain_index = -1;
    if (p->chain != NULL) {
        for (size_t c = 0; c < sc->n_chains; c++) {
            if (strcmp(sc->chains[c].name, p->chain) == 0) {
                p->chain_index = (int32_t)c;
            }
        }
        if (p->chain_index < 0 && sc->n_chains > 0) {
            char names[256];
            liq_scenario_names(names, sizeof(names), sc->chains, sizeof(*sc->chains), sc->n_chains);
            return liq_key_problem(problem, LIQ_EREF, "chain",
                                   "no chain named '%s'; defined chains: %s", p->chain, names);
        }
    }
    if (p->has_keeper_transaction && p->chain_index < 0) {
        return liq_key_problem(problem, LIQ_EINVAL, "keepers",
                               "keepers.transaction needs a declared chain; expected `chain` "
                               "naming one of the scenario's `chains`");
    }
    if (p->chain_index >= 0 && p->gas_cost != 0.0) {
        return liq_key_problem(problem, LIQ_EINVAL, "keepers",
                               "keepers.gas_cost %.17g on chain '%s': the chain prices gas; "
                               "expected no gas_cost (keepers.transaction.gas and the chain's "
                               "gas_price give it)",
                               p->gas_cost, p->chain);
    }
    if (p->chain_index >= 0 && (p->liquidation.mode == LIQ_LIQUIDATION_DUTCH_AUCTION ||
                                p->has_stability_pool || p->gas_congestion != 0.0)) {
        return liq_key_problem(
            problem, LIQ_EINVAL, "chain",
            "protocol '%s' on chain '%s': only instant liquidations and English auctions without "
            "keepers.congestion are transactions so far; expected liquidation.mode instant or "
            "english, no stability_pool and no keepers.congestion (the chain's blocks give "
            "congestion)",
            p->name, p->chain);
    }
    return LIQ_OK;
}
