/*
 * Facts of a resolved scenario that the readers, the writers, the graph
 * code and the engine share (src/model/scenario.c): which asset a price
 * source prices, which protocol issues an asset, a protocol's markets of
 * either kind. Interface of src/model for the other areas of the library;
 * it knows no file format.
 *
 * Each function reads only entities already filled in, so the scenario
 * reader may call them on a scenario it is still building: every index
 * they follow must already be valid.
 */
#ifndef LIQNET_MODEL_SCENARIO_FACTS_H
#define LIQNET_MODEL_SCENARIO_FACTS_H

#include <stddef.h>
#include <stdint.h>

#include "liqnet/scenario.h"

/* The asset a price source prices: a market source's asset, a pool
 * source's token0 (a pool's price is token1 per token0). */
int32_t liq_source_priced_asset(const liq_scenario_t *scenario, const liq_price_source_t *source);

/* The protocol among the first `upto` that issues asset `asset`, or -1. */
int32_t liq_scenario_issuer(const liq_scenario_t *scenario, size_t upto, int32_t asset);

/* A protocol's markets: a lending protocol's collateral markets, a perp
 * protocol's perp markets; and the asset of market m. */
size_t liq_protocol_market_count(const liq_protocol_config_t *protocol);
int32_t liq_protocol_market_asset(const liq_protocol_config_t *protocol, size_t m);

/* "WETH, USDC, DAI": the names of n entities (an array of config structs of
 * `stride` bytes, each with its name first), cut with "..." to fit `size`
 * bytes; "(none)" for n == 0. For messages that list what exists. */
void liq_scenario_names(char *buf, size_t size, const void *base, size_t stride, size_t n);

#endif /* LIQNET_MODEL_SCENARIO_FACTS_H */
