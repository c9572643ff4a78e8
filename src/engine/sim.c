/*
 * The simulation object (liqnet/sim.h): its construction at round 0 from a
 * scenario (the network's incidence lists, the routes, the initial state,
 * then each subsystem: risk controls, the account store, the margin
 * engines' chunks and index, stability pools, auctions, perps), its views,
 * and its destruction. The round itself is src/engine/round.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "engine/stability.h"
#include "liqnet/error.h"

#define LIQ_SECONDS_PER_YEAR (365.25 * 86400.0)

/* --------------------------------------------------------- construction */

/* Builds CSR incidence lists: shocks per asset, pools per asset, routes per
 * pool. Each list is in scenario order, which fixes every summation order. */
static int liq_build_incidence(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    sim->asset_shock_offset = liq_calloc(sim->n_assets + 1, sizeof(size_t));
    sim->asset_shock = liq_calloc(sc->n_shocks, sizeof(size_t));
    sim->shock_cursor = liq_calloc(sc->n_shocks, sizeof(size_t));
    sim->asset_pool_offset = liq_calloc(sim->n_assets + 1, sizeof(size_t));
    sim->asset_pool_side = liq_calloc(2 * sim->n_pools, sizeof(size_t));
    sim->pool_route_offset = liq_calloc(sim->n_pools + 1, sizeof(size_t));
    sim->pool_route_entry = liq_calloc(sim->n_routes, sizeof(size_t));
    if (!sim->asset_shock_offset || !sim->asset_shock || !sim->shock_cursor ||
        !sim->asset_pool_offset || !sim->asset_pool_side || !sim->pool_route_offset ||
        !sim->pool_route_entry) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the network's incidence lists");
    }
    /* Each list by counting sort: count per owner, prefix sums, then a fill
     * in item order, which lists every owner's items in increasing order
     * as the scan per owner did. That scan was O(assets x pools + pools x
     * markets): 2x10^9 steps and most of liq_sim_create for a generated
     * ecosystem of 10^4 pools and 2x10^5 markets. */
    for (size_t s = 0; s < sc->n_shocks; s++) {
        sim->asset_shock_offset[(size_t)sc->shocks[s].asset + 1]++;
    }
    for (size_t p = 0; p < sim->n_pools; p++) {
        sim->asset_pool_offset[(size_t)sc->pools[p].token0 + 1]++;
        sim->asset_pool_offset[(size_t)sc->pools[p].token1 + 1]++;
    }
    for (size_t r = 0; r < sim->n_routes; r++) {
        sim->pool_route_offset[(size_t)sim->route_pool[r] + 1]++;
    }
    for (size_t a = 0; a < sim->n_assets; a++) {
        sim->asset_shock_offset[a + 1] += sim->asset_shock_offset[a];
        sim->asset_pool_offset[a + 1] += sim->asset_pool_offset[a];
    }
    for (size_t p = 0; p < sim->n_pools; p++) {
        sim->pool_route_offset[p + 1] += sim->pool_route_offset[p];
    }
    /* Fill cursors, one per owner, starting at the owner's offset. */
    size_t *next_shock = liq_calloc(sim->n_assets + 1, sizeof(size_t));
    size_t *next_pool = liq_calloc(sim->n_assets + 1, sizeof(size_t));
    size_t *next_route = liq_calloc(sim->n_pools + 1, sizeof(size_t));
    if (next_shock == NULL || next_pool == NULL || next_route == NULL) {
        free(next_shock);
        free(next_pool);
        free(next_route);
        return liq_error_set(LIQ_ENOMEM, "out of memory for the network's incidence lists");
    }
    memcpy(next_shock, sim->asset_shock_offset, (sim->n_assets + 1) * sizeof(size_t));
    memcpy(next_pool, sim->asset_pool_offset, (sim->n_assets + 1) * sizeof(size_t));
    memcpy(next_route, sim->pool_route_offset, (sim->n_pools + 1) * sizeof(size_t));
    for (size_t s = 0; s < sc->n_shocks; s++) {
        sim->asset_shock[next_shock[sc->shocks[s].asset]++] = s;
    }
    for (size_t p = 0; p < sim->n_pools; p++) {
        sim->asset_pool_side[next_pool[sc->pools[p].token0]++] = 2 * p;
        sim->asset_pool_side[next_pool[sc->pools[p].token1]++] = 2 * p + 1;
    }
    for (size_t r = 0; r < sim->n_routes; r++) {
        sim->pool_route_entry[next_route[sim->route_pool[r]]++] = r;
    }
    free(next_shock);
    free(next_pool);
    free(next_route);
    return LIQ_OK;
}

/* Routes of every market, flattened in market order; each route's share
 * is its weight (best-price shares are set each round). */
static int liq_build_routes(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    size_t n = 0;
    for (size_t m = 0; m < sim->n_markets; m++) {
        if (sim->markets[m].config.n_routes == 0) {
            return liq_error_set(LIQ_EINVAL, "protocol '%s': a market of asset '%s' has no route",
                                 sc->protocols[sim->markets[m].protocol].name,
                                 sc->assets[sim->markets[m].asset].name);
        }
        n += sim->markets[m].config.n_routes;
    }
    sim->n_routes = n;
    sim->market_route_offset = liq_calloc(sim->n_markets + 1, sizeof(size_t));
    sim->route_pool = liq_calloc(n, sizeof(int32_t));
    sim->route_market = liq_calloc(n, sizeof(size_t));
    sim->route_sell_token = liq_calloc(n, sizeof(int));
    sim->route_share = liq_calloc(n, sizeof(double));
    sim->route_venue = liq_calloc(n, sizeof(liq_venue_t));
    if (!sim->market_route_offset || !sim->route_pool || !sim->route_market ||
        !sim->route_sell_token || !sim->route_share || !sim->route_venue) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the routes");
    }
    size_t r = 0;
    sim->best_price_routing = 0;
    for (size_t m = 0; m < sim->n_markets; m++) {
        const liq_market_config_t *cfg = &sim->markets[m].config;
        sim->market_route_offset[m] = r;
        sim->best_price_routing |= cfg->routing == LIQ_ROUTING_BEST_PRICE;
        for (size_t k = 0; k < cfg->n_routes; k++, r++) {
            const int32_t pool = cfg->routes[k].pool;
            sim->route_pool[r] = pool;
            sim->route_market[r] = m;
            sim->route_sell_token[r] = sc->pools[pool].token0 == cfg->asset ? 0 : 1;
            sim->route_share[r] = cfg->routing == LIQ_ROUTING_WEIGHT ? cfg->routes[k].weight : 0.0;
        }
    }
    sim->market_route_offset[sim->n_markets] = r;
    return LIQ_OK;
}

static int liq_alloc_entities(struct liq_sim *sim)
{
    const size_t na = sim->n_assets, np = sim->n_pools, no = sim->n_oracles;
    const size_t nr = sim->n_protocols, nm = sim->n_markets, h = (size_t)sim->hist_len;
    sim->exogenous_price = liq_calloc(na, sizeof(double));
    sim->impact = liq_calloc(na, sizeof(double));
    sim->reference_price = liq_calloc(na, sizeof(double));
    sim->log_return = liq_calloc(na, sizeof(double));
    sim->asset_hist = liq_calloc(na * h, sizeof(double));
    sim->reserve0 = liq_calloc(np, sizeof(double));
    sim->reserve1 = liq_calloc(np, sizeof(double));
    sim->pool_price = liq_calloc(np, sizeof(double));
    sim->arb_sold0 = liq_calloc(np, sizeof(double));
    sim->arb_sold1 = liq_calloc(np, sizeof(double));
    sim->liq_in0 = liq_calloc(np, sizeof(double));
    sim->liq_in1 = liq_calloc(np, sizeof(double));
    sim->pool_hist = liq_calloc(np * h, sizeof(double));
    sim->oracle_price = liq_calloc(no, sizeof(double));
    sim->oracle_last_publish = liq_calloc(no, sizeof(int64_t));
    sim->oracle_scratch_begin = liq_calloc(no + 1, sizeof(size_t));
    size_t inputs = 0;
    for (size_t o = 0; sim->oracle_scratch_begin != NULL && o < no; o++) {
        sim->oracle_scratch_begin[o] = inputs;
        inputs += sim->scenario->oracles[o].n_inputs;
    }
    if (sim->oracle_scratch_begin != NULL) {
        sim->oracle_scratch_begin[no] = inputs;
    }
    sim->oracle_scratch = liq_calloc(inputs, sizeof(double));
    if (!sim->oracle_scratch_begin || !sim->oracle_scratch) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the simulation state");
    }
    sim->market_offset = liq_calloc(nr + 1, sizeof(size_t));
    sim->liquidations = liq_calloc(nr, sizeof(int64_t));
    sim->stalled = liq_calloc(nr, sizeof(int64_t));
    sim->found = liq_calloc(nr, sizeof(int64_t));
    sim->repaid_value = liq_calloc(nr, sizeof(double));
    sim->seized_value = liq_calloc(nr, sizeof(double));
    sim->bad_debt = liq_calloc(nr, sizeof(double));
    sim->insurance_fund = liq_calloc(nr, sizeof(double));
    sim->deficit = liq_calloc(nr, sizeof(double));
    sim->collateral_value = liq_calloc(nr, sizeof(double));
    sim->debt_value = liq_calloc(nr, sizeof(double));
    sim->markets = liq_calloc(nm, sizeof(liq_market_t));
    sim->market_begin = liq_calloc(nm + 1, sizeof(size_t));
    sim->market_seized = liq_calloc(nm, sizeof(double));
    sim->market_collateral = liq_calloc(nm, sizeof(double));
    sim->market_debt = liq_calloc(nm, sizeof(double));
    sim->asset_issuer = liq_calloc(na, sizeof(int32_t));
    sim->price_low = liq_calloc(na, sizeof(double));
    sim->liabilities = liq_calloc(nr, sizeof(double));
    sim->redemption = liq_calloc(nr, sizeof(double));
    sim->impairment = liq_calloc(nr, sizeof(double));
    sim->holdings_value = liq_calloc(nr, sizeof(double));
    if (!sim->asset_issuer || !sim->price_low || !sim->liabilities || !sim->redemption ||
        !sim->impairment || !sim->holdings_value) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the simulation state");
    }
    sim->cross_begin = liq_calloc(nr + 1, sizeof(size_t));
    sim->cross_block = liq_calloc(nr, sizeof(size_t));
    sim->cross_debt_units = liq_calloc(nr, sizeof(double));
    sim->cross_debt_value = liq_calloc(nr, sizeof(double));
    sim->cross_liquidations = liq_calloc(nr, sizeof(int64_t));
    sim->cross_found = liq_calloc(nr, sizeof(size_t));
    sim->market_price = liq_calloc(nm, sizeof(double));
    sim->market_terms = liq_calloc(nm, sizeof(liq_market_terms_t));
    sim->cross_seize = liq_calloc(nm, sizeof(double));
    if (!sim->cross_begin || !sim->cross_block || !sim->cross_debt_units ||
        !sim->cross_debt_value || !sim->cross_liquidations || !sim->cross_found ||
        !sim->market_price || !sim->market_terms || !sim->cross_seize) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the simulation state");
    }
    if (!sim->exogenous_price || !sim->impact || !sim->reference_price || !sim->log_return ||
        !sim->asset_hist || !sim->reserve0 || !sim->reserve1 || !sim->pool_price ||
        !sim->arb_sold0 || !sim->arb_sold1 || !sim->liq_in0 || !sim->liq_in1 || !sim->pool_hist ||
        !sim->oracle_price || !sim->oracle_last_publish || !sim->market_offset ||
        !sim->liquidations || !sim->stalled || !sim->found || !sim->repaid_value ||
        !sim->seized_value || !sim->bad_debt || !sim->insurance_fund || !sim->deficit ||
        !sim->collateral_value || !sim->debt_value || !sim->markets || !sim->market_begin ||
        !sim->market_seized || !sim->market_collateral || !sim->market_debt) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the simulation state");
    }
    return LIQ_OK;
}

/* Round 0: initial prices, reserves, oracle values and protocol balances. */
static void liq_initial_state(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const size_t h = (size_t)sim->hist_len;
    for (size_t a = 0; a < sim->n_assets; a++) {
        sim->exogenous_price[a] = sc->assets[a].price;
        sim->reference_price[a] = sc->assets[a].price;
        sim->asset_hist[a * h] = sc->assets[a].price;
    }
    for (size_t p = 0; p < sim->n_pools; p++) {
        sim->reserve0[p] = sc->pools[p].reserve0;
        sim->reserve1[p] = sc->pools[p].reserve1;
        sim->pool_price[p] =
            liq_pool_spot(&sc->pools[p], sc->pools[p].reserve0, sc->pools[p].reserve1);
        sim->pool_hist[p * h] = sim->pool_price[p];
    }
    for (size_t o = 0; o < sim->n_oracles; o++) {
        sim->oracle_price[o] = liq_oracle_source_value(sim, o, 0);
        sim->oracle_last_publish[o] = 0;
    }
    for (size_t p = 0; p < sim->n_protocols; p++) {
        sim->insurance_fund[p] = sc->protocols[p].insurance_fund;
    }
    liq_balance_init(sim);
}

int liq_sim_create(liq_sim_t **out, const liq_scenario_t *scenario,
                   const liq_positions_t *positions, const liq_sim_options_t *options)
{
    *out = NULL;
    struct liq_sim *sim = calloc(1, sizeof(*sim));
    if (sim == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for a simulation");
    }
    sim->scenario = scenario;
    sim->full_scan = options != NULL && options->full_scan;
    if (options != NULL && options->owned != NULL) {
        sim->owned = malloc(scenario->n_protocols > 0 ? scenario->n_protocols : 1);
        if (sim->owned == NULL) {
            free(sim);
            return liq_error_set(LIQ_ENOMEM, "out of memory for a simulation");
        }
        for (size_t p = 0; p < scenario->n_protocols; p++) {
            sim->owned[p] = options->owned[p] != 0;
        }
    }
    sim->threads =
        options != NULL && options->threads > 0 ? options->threads : omp_get_max_threads();
    if (options != NULL) {
        sim->exchange = options->exchange;
        sim->exchange_context = options->exchange_context;
    }
    sim->key.seed = scenario->seed;
    sim->key.run = options != NULL ? options->run : 0;
    sim->round = 0;
    sim->dt_years = scenario->round_seconds / LIQ_SECONDS_PER_YEAR;
    sim->n_assets = scenario->n_assets;
    sim->n_pools = scenario->n_pools;
    sim->n_oracles = scenario->n_oracles;
    sim->n_protocols = scenario->n_protocols;
    size_t n_markets = 0;
    for (size_t p = 0; p < scenario->n_protocols; p++) {
        n_markets += scenario->protocols[p].n_markets;
    }
    sim->n_markets = n_markets;
    /* The rings must reach back over the longest latency plus TWAP window. */
    int64_t hist_len = 1;
    for (size_t o = 0; o < scenario->n_oracles; o++) {
        const liq_oracle_config_t *oc = &scenario->oracles[o];
        int64_t window = oc->window;
        for (size_t k = 0; k < oc->n_inputs; k++) {
            window = oc->inputs[k].window > window ? oc->inputs[k].window : window;
        }
        if (oc->has_anchor && oc->anchor.window > window) {
            window = oc->anchor.window;
        }
        const int64_t need = oc->latency + window;
        hist_len = need > hist_len ? need : hist_len;
    }
    sim->hist_len = hist_len;

    int rc = liq_alloc_entities(sim);
    if (rc != LIQ_OK) {
        goto fail;
    }
    size_t m = 0;
    for (size_t p = 0; p < scenario->n_protocols; p++) {
        const liq_protocol_config_t *proto = &scenario->protocols[p];
        sim->market_offset[p] = m;
        for (size_t j = 0; j < proto->n_markets; j++, m++) {
            const liq_market_config_t *cfg = &proto->markets[j];
            liq_market_t *mk = &sim->markets[m];
            mk->protocol = (int32_t)p;
            mk->asset = cfg->asset;
            mk->oracle = cfg->oracle;
            mk->config = *cfg;
            sim->market_terms[m] =
                (liq_market_terms_t){cfg->liquidation_threshold, cfg->liquidation_bonus,
                                     cfg->close_factor, cfg->full_close_health};
        }
    }
    sim->market_offset[scenario->n_protocols] = m;
    rc = liq_build_routes(sim);
    if (rc != LIQ_OK) {
        goto fail;
    }

    rc = liq_build_incidence(sim);
    if (rc != LIQ_OK) {
        goto fail;
    }
    liq_initial_state(sim);
    rc = liq_risk_init(sim);
    if (rc != LIQ_OK) {
        goto fail;
    }
    liq_market_prices_update(sim);
    rc = liq_sim_build_accounts(sim, positions);
    if (rc != LIQ_OK) {
        goto fail;
    }
    rc = liq_margin_init(sim);
    if (rc != LIQ_OK) {
        goto fail;
    }
    rc = liq_stability_init(sim);
    if (rc != LIQ_OK) {
        goto fail;
    }
    rc = liq_auction_init(sim);
    if (rc != LIQ_OK) {
        goto fail;
    }
    for (size_t p = 0; p < sim->n_protocols; p++) {
        if (liq_owns(sim, p)) {
            liq_protocol_values(sim, p);
        }
    }
    rc = liq_perp_create(sim);
    if (rc != LIQ_OK) {
        goto fail;
    }
    liq_record_init(sim);
    *out = sim;
    return LIQ_OK;

fail:
    liq_sim_destroy(sim);
    return rc;
}

int64_t liq_sim_round(const liq_sim_t *sim)
{
    return sim->round;
}

const liq_scenario_t *liq_sim_scenario(const liq_sim_t *sim)
{
    return sim->scenario;
}

int liq_sim_threads(const liq_sim_t *sim)
{
    return sim->threads;
}

void liq_sim_view(const liq_sim_t *sim, liq_state_view_t *view)
{
    view->round = sim->round;
    view->n_assets = sim->n_assets;
    view->n_pools = sim->n_pools;
    view->n_oracles = sim->n_oracles;
    view->n_protocols = sim->n_protocols;
    view->n_markets = sim->n_markets;
    view->exogenous_price = sim->exogenous_price;
    view->reference_price = sim->reference_price;
    view->log_return = sim->log_return;
    view->pool_reserve0 = sim->reserve0;
    view->pool_reserve1 = sim->reserve1;
    view->pool_price = sim->pool_price;
    view->pool_liquidation_in0 = sim->liq_in0;
    view->pool_liquidation_in1 = sim->liq_in1;
    view->oracle_price = sim->oracle_price;
    view->liquidations = sim->liquidations;
    view->repaid_value = sim->repaid_value;
    view->seized_value = sim->seized_value;
    view->stalled = sim->stalled;
    view->bad_debt = sim->bad_debt;
    view->insurance_fund = sim->insurance_fund;
    view->deficit = sim->deficit;
    view->collateral_value = sim->collateral_value;
    view->debt_value = sim->debt_value;
    view->market_offset = sim->market_offset;
    view->market_seized = sim->market_seized;
    view->market_collateral = sim->market_collateral;
    view->market_debt = sim->market_debt;
    view->impairment = sim->impairment;
    view->holdings_value = sim->holdings_value;
    view->redemption = sim->redemption;
    const liq_adversary_config_t *adv = &sim->scenario->adversary;
    view->adversary_round = adv->enabled ? adv->round : -1;
    view->adversary_liquidations = sim->attack_liquidations;
    view->adversary_liquidation_profit = sim->attack_liquidation_profit;
    view->adversary_round_trip = sim->attack_round_trip;
    view->adversary_flash_fee = sim->attack_fee;
    /* NULL without cross-margin accounts: the output then has no cross
     * series, exactly as before cross margin existed. */
    view->cross_liquidations = sim->has_cross ? sim->cross_liquidations : NULL;
    view->cross_debt_value = sim->has_cross ? sim->cross_debt_value : NULL;
    view->penalty_scale = sim->has_risk_controls ? sim->penalty_scale : NULL;
    view->breaker_active = sim->has_risk_controls ? sim->breaker_active : NULL;
    view->gas_cost = sim->has_risk_controls ? sim->gas_now : NULL;
    /* NULL without stability pools, as for cross margin. */
    const struct liq_stability *st = sim->stability;
    view->stability_deposits = st != NULL ? st->deposits : NULL;
    view->stability_collateral = st != NULL ? st->collateral : NULL;
    view->stability_offset = st != NULL ? st->offset : NULL;
    view->stability_redistributed_debt = st != NULL ? st->redistributed_debt : NULL;
    view->stability_redistributed_collateral = st != NULL ? st->redistributed_collateral : NULL;
    view->stability_sold = st != NULL ? st->sold : NULL;
    view->stability_surplus = st != NULL ? st->surplus : NULL;
    view->recovery_mode = st != NULL ? st->recovery : NULL;
    view->tcr = st != NULL ? st->tcr : NULL;
    /* NULL unless a protocol liquidates by Dutch auction, likewise. */
    view->auction_started = sim->auction_started;
    view->auction_active = sim->auction_active;
    view->auction_sold_value = sim->auction_sold_value;
    view->auction_raised = sim->auction_raised;
    view->keeper_rewards = sim->keeper_rewards;
    view->auction_bad_debt = sim->auction_bad_debt;
    view->auction_tab = sim->auction_tab;
    view->auction_units = sim->auction_units;
    liq_perp_view(sim->perp, view);
}

void liq_sim_accounts(const liq_sim_t *sim, liq_accounts_view_t *view)
{
    view->n_accounts = sim->n_accounts;
    view->n_markets = sim->n_markets;
    view->collateral = sim->collateral;
    view->debt = sim->debt;
    view->market_begin = sim->market_begin;
    view->n_cross = sim->n_cross;
    view->cross_begin = sim->cross_begin;
    view->cross_block = sim->cross_block;
    view->cross_debt = sim->cross_debt;
    view->cross_collateral = sim->cross_collateral;
    view->n_perp = sim->perp != NULL ? sim->perp->n_accounts : 0;
}

void liq_sim_destroy(liq_sim_t *sim)
{
    if (sim == NULL) {
        return;
    }
    liq_perp_destroy(sim->perp);
    void *arrays[] = {
        sim->exogenous_price,
        sim->impact,
        sim->reference_price,
        sim->log_return,
        sim->asset_shock_offset,
        sim->asset_shock,
        sim->shock_cursor,
        sim->asset_pool_offset,
        sim->asset_pool_side,
        sim->reserve0,
        sim->reserve1,
        sim->pool_price,
        sim->arb_sold0,
        sim->arb_sold1,
        sim->liq_in0,
        sim->liq_in1,
        sim->pool_route_offset,
        sim->pool_route_entry,
        sim->market_route_offset,
        sim->route_pool,
        sim->route_market,
        sim->route_sell_token,
        sim->route_share,
        sim->route_venue,
        sim->asset_hist,
        sim->pool_hist,
        sim->oracle_price,
        sim->oracle_last_publish,
        sim->oracle_scratch_begin,
        sim->oracle_scratch,
        sim->market_offset,
        sim->liquidations,
        sim->stalled,
        sim->found,
        sim->owned,
        sim->repaid_value,
        sim->seized_value,
        sim->bad_debt,
        sim->insurance_fund,
        sim->deficit,
        sim->collateral_value,
        sim->debt_value,
        sim->market_chunk_offset,
        sim->markets,
        sim->market_begin,
        sim->market_seized,
        sim->market_collateral,
        sim->market_debt,
        sim->collateral,
        sim->debt,
        sim->chunk_begin,
        sim->chunk_end,
        sim->chunk_market,
        sim->chunk_found,
        sim->chunk_offset,
        sim->chunk_sum,
        sim->candidates,
        sim->rank,
        sim->eligible,
        sim->cut_block,
        sim->apply_chunk,
        sim->apply_slot,
        sim->cut_hist,
        sim->market_selected,
        sim->gather_block,
        sim->index_entry,
        sim->recent,
        sim->recent_begin,
        sim->recent_capacity,
        sim->recent_count,
        sim->index_stale,
        sim->index_scratch,
        sim->scratch_begin,
        sim->market_found,
        sim->market_scan,
        sim->market_candidates,
        sim->asset_issuer,
        sim->price_low,
        sim->liabilities,
        sim->redemption,
        sim->impairment,
        sim->holdings_value,
        sim->oracle_ring,
        sim->penalty_scale,
        sim->breaker_until,
        sim->breaker_active,
        sim->gas_now,
        sim->protocol_chain,
        sim->chain_attempts,
        sim->cross_begin,
        sim->cross_block,
        sim->cross_debt,
        sim->cross_collateral,
        sim->cross_debt_units,
        sim->cross_debt_value,
        sim->cross_liquidations,
        sim->market_price,
        sim->market_terms,
        sim->cross_seize,
        sim->cross_chunk_begin,
        sim->cross_chunk_end,
        sim->cross_chunk_protocol,
        sim->cross_chunk_found,
        sim->cross_chunk_offset,
        sim->cross_found,
        sim->auction_begin,
        sim->auction_count,
        sim->auctions,
        sim->auction_started,
        sim->auction_active,
        sim->auction_sold_value,
        sim->auction_raised,
        sim->keeper_rewards,
        sim->auction_bad_debt,
        sim->auction_tab,
        sim->auction_units,
    };
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    liq_stability_destroy(sim);
    free(sim);
}
