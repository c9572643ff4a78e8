/*
 * The resolved scenario as data (liqnet/scenario.h): looking entities up by
 * name, the asset an oracle prices, and releasing a scenario. These are
 * facts of the model, shared by the readers and writers of src/io, the
 * graph code and the engine; nothing here knows a file format.
 *
 * Lookups by name are linear scans: they serve callers that ask a handful
 * of times (the command line, tests). The scenario reader, which resolves
 * up to millions of references, keeps its own hash index of the names.
 */
#include "model/scenario_facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liqnet/scenario.h"

/* The lookups read the name through a pointer to the struct, which is only
 * valid while `name` is the first member of each config struct. */
_Static_assert(offsetof(liq_asset_config_t, name) == 0, "name must be first");
_Static_assert(offsetof(liq_pool_config_t, name) == 0, "name must be first");
_Static_assert(offsetof(liq_oracle_config_t, name) == 0, "name must be first");
_Static_assert(offsetof(liq_protocol_config_t, name) == 0, "name must be first");

/* ---------------------------------------------------------- name lookup */

static int32_t liq_find_name(const void *base, size_t stride, size_t n, const char *name)
{
    if (name == NULL) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *candidate = *(char *const *)(const void *)((const char *)base + i * stride);
        if (candidate != NULL && strcmp(candidate, name) == 0) {
            return (int32_t)i;
        }
    }
    return -1;
}

int32_t liq_scenario_asset_index(const liq_scenario_t *scenario, const char *name)
{
    return scenario == NULL ? -1
                            : liq_find_name(scenario->assets, sizeof(*scenario->assets),
                                            scenario->n_assets, name);
}

int32_t liq_scenario_pool_index(const liq_scenario_t *scenario, const char *name)
{
    return scenario == NULL
               ? -1
               : liq_find_name(scenario->pools, sizeof(*scenario->pools), scenario->n_pools, name);
}

int32_t liq_scenario_oracle_index(const liq_scenario_t *scenario, const char *name)
{
    return scenario == NULL ? -1
                            : liq_find_name(scenario->oracles, sizeof(*scenario->oracles),
                                            scenario->n_oracles, name);
}

int32_t liq_scenario_protocol_index(const liq_scenario_t *scenario, const char *name)
{
    return scenario == NULL ? -1
                            : liq_find_name(scenario->protocols, sizeof(*scenario->protocols),
                                            scenario->n_protocols, name);
}

void liq_scenario_names(char *buf, size_t size, const void *base, size_t stride, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    if (n == 0) {
        snprintf(buf, size, "(none)");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = *(char *const *)(const void *)((const char *)base + i * stride);
        if (used + strlen(name) + 6 >= size) {
            snprintf(buf + used, size - used, "%s...", i == 0 ? "" : ", ");
            return;
        }
        const int k = snprintf(buf + used, size - used, "%s%s", i == 0 ? "" : ", ", name);
        used += k > 0 ? (size_t)k : 0;
    }
}

/* ---------------------------------------------------------------- facts */

int32_t liq_source_priced_asset(const liq_scenario_t *scenario, const liq_price_source_t *source)
{
    return source->source == LIQ_ORACLE_MARKET ? source->asset
                                               : scenario->pools[source->pool].token0;
}

/* The asset an oracle prices: its market asset, or its pool's token0 (a pool
 * price is y/x, units of token1 per token0), or its median's first input's. */
int32_t liq_oracle_priced_asset(const liq_scenario_t *scenario, const liq_oracle_config_t *oracle)
{
    if (oracle->source == LIQ_ORACLE_MEDIAN) {
        return oracle->n_inputs > 0 ? liq_source_priced_asset(scenario, &oracle->inputs[0]) : -1;
    }
    return oracle->source == LIQ_ORACLE_MARKET ? oracle->asset
                                               : scenario->pools[oracle->pool].token0;
}

int32_t liq_scenario_issuer(const liq_scenario_t *scenario, size_t upto, int32_t asset)
{
    for (size_t p = 0; p < upto; p++) {
        const liq_protocol_config_t *protocol = &scenario->protocols[p];
        for (size_t k = 0; k < protocol->n_issues; k++) {
            if (protocol->issues[k].asset == asset) {
                return (int32_t)p;
            }
        }
    }
    return -1;
}

size_t liq_protocol_market_count(const liq_protocol_config_t *protocol)
{
    return protocol->kind == LIQ_PROTOCOL_PERP ? protocol->n_perp_markets : protocol->n_markets;
}

int32_t liq_protocol_market_asset(const liq_protocol_config_t *protocol, size_t m)
{
    return protocol->kind == LIQ_PROTOCOL_PERP ? protocol->perp_markets[m].asset
                                               : protocol->markets[m].asset;
}

/* -------------------------------------------------------------- destroy */

static void liq_protocol_release(liq_protocol_config_t *protocol)
{
    free(protocol->name);
    for (size_t m = 0; m < protocol->n_markets; m++) {
        free(protocol->markets[m].routes);
    }
    free(protocol->markets);
    for (size_t m = 0; m < protocol->n_perp_markets; m++) {
        free(protocol->perp_markets[m].tiers);
    }
    free(protocol->perp_markets);
    free(protocol->perp_positions_path);
    free(protocol->perp_position_market);
    free(protocol->perp_position_size);
    free(protocol->perp_position_entry);
    free(protocol->perp_position_leverage);
    free(protocol->issues);
    free(protocol->chain);
    free(protocol->holdings);
    for (size_t b = 0; b < protocol->n_flip_bidders; b++) {
        free(protocol->flip_bidders[b].name);
    }
    free(protocol->flip_bidders);
}

void liq_scenario_destroy(liq_scenario_t *scenario)
{
    if (scenario == NULL) {
        return;
    }
    free(scenario->name);
    free(scenario->source_path);
    for (size_t i = 0; i < scenario->n_assets; i++) {
        free(scenario->assets[i].name);
    }
    free(scenario->assets);
    for (size_t i = 0; i < scenario->n_pools; i++) {
        free(scenario->pools[i].name);
    }
    free(scenario->pools);
    for (size_t i = 0; i < scenario->n_oracles; i++) {
        free(scenario->oracles[i].name);
        free(scenario->oracles[i].inputs);
    }
    free(scenario->oracles);
    for (size_t i = 0; i < scenario->n_chains; i++) {
        liq_chain_config_t *c = &scenario->chains[i];
        void *owned[] = {c->name,  c->gas_file,           c->time_column,   c->price_column,
                         c->start, c->gas_series.seconds, c->gas_series.wei};
        for (size_t k = 0; k < sizeof(owned) / sizeof(owned[0]); k++) {
            free(owned[k]);
        }
    }
    free(scenario->chains);
    for (size_t i = 0; i < scenario->n_protocols; i++) {
        liq_protocol_release(&scenario->protocols[i]);
    }
    free(scenario->protocols);
    for (size_t i = 0; i < scenario->n_generators; i++) {
        free(scenario->generators[i].collateral_weight);
    }
    free(scenario->generators);
    for (size_t i = 0; i < scenario->n_positions; i++) {
        free(scenario->positions[i].path);
    }
    free(scenario->positions);
    for (size_t i = 0; i < scenario->n_shocks; i++) {
        free(scenario->shocks[i].round);
        free(scenario->shocks[i].log_return);
        free(scenario->shocks[i].path);
        free(scenario->shocks[i].price_column);
        free(scenario->shocks[i].time_column);
        free(scenario->shocks[i].series_start);
    }
    free(scenario->shocks);
    free(scenario);
}
