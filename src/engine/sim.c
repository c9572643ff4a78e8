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

/* Round 0: initial prices, reserves, oracle values and insurance funds. */
static void liq_initial_state(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const size_t h = (size_t)sim->market.hist_len;
    for (size_t a = 0; a < sim->n_assets; a++) {
        sim->market.exogenous_price[a] = sc->assets[a].price;
        sim->market.reference_price[a] = sc->assets[a].price;
        sim->market.asset_hist[a * h] = sc->assets[a].price;
    }
    for (size_t p = 0; p < sim->n_pools; p++) {
        sim->venues.reserve0[p] = sc->pools[p].reserve0;
        sim->venues.reserve1[p] = sc->pools[p].reserve1;
        sim->venues.pool_price[p] =
            liq_pool_spot(&sc->pools[p], sc->pools[p].reserve0, sc->pools[p].reserve1);
        sim->market.pool_hist[p * h] = sim->venues.pool_price[p];
    }
    for (size_t o = 0; o < sim->n_oracles; o++) {
        sim->oracles.price[o] = liq_oracle_source_value(sim, o, 0);
        sim->oracles.last_publish[o] = 0;
    }
    for (size_t p = 0; p < sim->n_protocols; p++) {
        sim->books.insurance_fund[p] = sc->protocols[p].insurance_fund;
    }
}

/* The simulation's own fields, from the options. */
static int liq_sim_options(struct liq_sim *sim, const liq_scenario_t *scenario,
                           const liq_sim_options_t *options)
{
    sim->scenario = scenario;
    sim->full_scan = options != NULL && options->full_scan;
    sim->threads =
        options != NULL && options->threads > 0 ? options->threads : omp_get_max_threads();
    sim->key.seed = scenario->seed;
    sim->key.run = options != NULL ? options->run : 0;
    sim->round = 0;
    sim->n_assets = scenario->n_assets;
    sim->n_pools = scenario->n_pools;
    sim->n_oracles = scenario->n_oracles;
    sim->n_protocols = scenario->n_protocols;
    for (size_t p = 0; p < scenario->n_protocols; p++) {
        sim->n_markets += scenario->protocols[p].n_markets;
    }
    if (options != NULL) {
        sim->time_phases = options->time_phases != 0;
        sim->exchange = options->exchange;
        sim->exchange_context = options->exchange_context;
    }
    if (options != NULL && options->owned != NULL) {
        sim->owned = malloc(scenario->n_protocols > 0 ? scenario->n_protocols : 1);
        if (sim->owned == NULL) {
            return liq_error_set(LIQ_ENOMEM, "out of memory for a simulation");
        }
        for (size_t p = 0; p < scenario->n_protocols; p++) {
            sim->owned[p] = options->owned[p] != 0;
        }
    }
    return LIQ_OK;
}

/* The subsystems in the order they need each other: the books (markets)
 * before the routes, the oracles' round-0 prices before the risk controls
 * and the accounts, the accounts before the margin engines' chunks and
 * index, stability pools and auctions. A failure leaves what was built for
 * liq_sim_destroy. */
int liq_sim_create(liq_sim_t **out, const liq_scenario_t *scenario,
                   const liq_positions_t *positions, const liq_sim_options_t *options)
{
    *out = NULL;
    struct liq_sim *sim = calloc(1, sizeof(*sim));
    if (sim == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for a simulation");
    }
    int rc = liq_sim_options(sim, scenario, options);
    if (rc == LIQ_OK) {
        rc = liq_books_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_venues_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_asset_market_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_oracles_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_cross_margin_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_balance_init(sim);
    }
    if (rc != LIQ_OK) {
        goto fail;
    }
    liq_initial_state(sim);
    rc = liq_risk_init(sim);
    if (rc == LIQ_OK) {
        liq_market_prices_update(sim);
        rc = liq_sim_build_accounts(sim, positions);
    }
    if (rc == LIQ_OK) {
        rc = liq_margin_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_stability_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_auction_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_flip_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_chains_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_bridges_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_mev_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_oracle_tx_init(sim);
    }
    if (rc == LIQ_OK) {
        rc = liq_borrowers_init(sim);
    }
    if (rc != LIQ_OK) {
        goto fail;
    }
    for (size_t p = 0; p < sim->n_protocols; p++) {
        if (liq_owns(sim, p)) {
            liq_protocol_values(sim, p);
        }
    }
    rc = liq_perp_create(sim);
    if (rc == LIQ_OK) {
        rc = liq_events_init(sim); /* after the perps: its default counts their accounts */
    }
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
    view->exogenous_price = sim->market.exogenous_price;
    view->reference_price = sim->market.reference_price;
    view->log_return = sim->market.log_return;
    view->pool_reserve0 = sim->venues.reserve0;
    view->pool_reserve1 = sim->venues.reserve1;
    view->pool_price = sim->venues.pool_price;
    view->pool_liquidation_in0 = sim->venues.liq_in0;
    view->pool_liquidation_in1 = sim->venues.liq_in1;
    view->oracle_price = sim->oracles.price;
    view->liquidations = sim->books.liquidations;
    view->repaid_value = sim->books.repaid_value;
    view->seized_value = sim->books.seized_value;
    view->stalled = sim->books.stalled;
    view->bad_debt = sim->books.bad_debt;
    view->insurance_fund = sim->books.insurance_fund;
    view->deficit = sim->books.deficit;
    view->collateral_value = sim->books.collateral_value;
    view->debt_value = sim->books.debt_value;
    view->market_offset = sim->books.market_offset;
    view->market_seized = sim->books.market_seized;
    view->market_collateral = sim->books.market_collateral;
    view->market_debt = sim->books.market_debt;
    view->impairment = sim->balance.impairment;
    view->holdings_value = sim->balance.holdings_value;
    view->redemption = sim->balance.redemption;
    const liq_adversary_config_t *adv = &sim->scenario->adversary;
    view->adversary_round = adv->enabled ? adv->round : -1;
    view->adversary_liquidations = sim->adversary.liquidations;
    view->adversary_liquidation_profit = sim->adversary.liquidation_profit;
    view->adversary_round_trip = sim->adversary.round_trip;
    view->adversary_flash_fee = sim->adversary.fee;
    /* NULL without cross-margin accounts: the output then has no cross
     * series, exactly as before cross margin existed. */
    view->cross_liquidations = sim->accounts.has_cross ? sim->cross.liquidations : NULL;
    view->cross_debt_value = sim->accounts.has_cross ? sim->cross.debt_value : NULL;
    view->penalty_scale = sim->risk.enabled ? sim->risk.penalty_scale : NULL;
    view->breaker_active = sim->risk.enabled ? sim->risk.breaker_active : NULL;
    /* On a declared chain the keepers' gas follows the chain's fees, so the
     * series is there whenever chains are. */
    view->gas_cost = sim->risk.enabled || sim->chains.n > 0 ? sim->risk.gas_now : NULL;
    /* NULL without declared chains, as for cross margin. */
    const struct liq_chains *ch = &sim->chains;
    const int chains = ch->n > 0;
    view->n_chains = ch->n;
    view->chain_gas_price = chains ? ch->gas_price_gwei : NULL;
    view->chain_base_fee = chains ? ch->base_fee_gwei : NULL;
    view->chain_gas_used = chains ? ch->gas_used : NULL;
    view->chain_included = chains ? ch->included : NULL;
    view->chain_pending = chains ? ch->pending : NULL;
    view->chain_dropped = chains ? ch->dropped : NULL;
    view->chain_gas_paid = chains ? ch->gas_paid : NULL;
    view->chain_reverted = chains ? ch->reverted : NULL;
    /* NULL without bridges or a capital stock, as for chains. */
    const struct liq_bridges *br = &sim->bridges;
    view->chain_keeper_capital = br->stock ? br->capital : NULL;
    view->n_bridges = br->n;
    view->bridge_sent = br->n > 0 ? br->sent : NULL;
    view->bridge_delivered = br->n > 0 ? br->delivered : NULL;
    view->bridge_in_flight = br->n > 0 ? br->in_flight : NULL;
    view->bridge_fees = br->n > 0 ? br->fees : NULL;
    view->liquidator_profit = sim->mev.enabled ? sim->mev.profit : NULL;
    view->builder_revenue = sim->mev.enabled ? sim->mev.builder_revenue : NULL;
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
    view->auction_started = sim->auction.started;
    view->auction_active = sim->auction.active;
    view->auction_sold_value = sim->auction.sold_value;
    view->auction_raised = sim->auction.raised;
    view->keeper_rewards = sim->auction.keeper_rewards;
    view->auction_bad_debt = sim->auction.bad_debt;
    view->auction_tab = sim->auction.tab;
    view->auction_units = sim->auction.units;
    liq_perp_view(sim->perp, view);
    /* NULL unless a protocol liquidates by English auction. */
    const struct liq_flips *f = &sim->flip;
    view->flip_kicked = f->kicked;
    view->flip_active = f->active;
    view->flip_bids = f->bids;
    view->flip_deals = f->deals;
    view->flip_zero_wins = f->zero_wins;
    view->flip_raised = f->raised;
    view->flip_sold_units = f->sold_units;
    view->flip_sold_value = f->sold_value;
    view->flip_bad_debt = f->bad_debt;
    view->events = liq_events_view(sim);
    /* NULL unless some generator has borrowers who act. */
    const struct liq_borrowers *b = &sim->borrowers;
    view->borrower_included = b->enabled ? b->included : NULL;
    view->borrower_failed = b->enabled ? b->failed : NULL;
    view->borrower_included_value = b->enabled ? b->included_value : NULL;
    view->borrower_failed_value = b->enabled ? b->failed_value : NULL;
    view->borrower_gas_paid = b->enabled ? b->gas_paid : NULL;
}

void liq_sim_accounts(const liq_sim_t *sim, liq_accounts_view_t *view)
{
    view->n_accounts = sim->accounts.n_accounts;
    view->n_markets = sim->n_markets;
    view->collateral = sim->accounts.collateral;
    view->debt = sim->accounts.debt;
    view->market_begin = sim->accounts.market_begin;
    view->n_cross = sim->accounts.n_cross;
    view->cross_begin = sim->accounts.cross_begin;
    view->cross_block = sim->accounts.cross_block;
    view->cross_debt = sim->accounts.cross_debt;
    view->cross_collateral = sim->accounts.cross_collateral;
    view->n_perp = sim->perp != NULL ? sim->perp->n_accounts : 0;
}

void liq_sim_destroy(liq_sim_t *sim)
{
    if (sim == NULL) {
        return;
    }
    liq_events_destroy(&sim->events);
    liq_perp_destroy(sim->perp);
    liq_stability_destroy(sim->stability);
    liq_auctions_destroy(&sim->auction);
    liq_chains_destroy(&sim->chains);
    liq_bridges_destroy(&sim->bridges);
    liq_mev_destroy(&sim->mev);
    liq_oracle_tx_destroy(&sim->otx);
    liq_borrowers_destroy(&sim->borrowers);
    liq_flips_destroy(&sim->flip, sim->n_protocols);
    liq_margin_work_destroy(&sim->margin);
    liq_price_index_destroy(&sim->index);
    liq_cross_margin_destroy(&sim->cross);
    liq_account_store_destroy(&sim->accounts);
    liq_books_destroy(&sim->books);
    liq_risk_destroy(&sim->risk);
    liq_oracles_destroy(&sim->oracles);
    liq_venues_destroy(&sim->venues);
    liq_asset_market_destroy(&sim->market);
    liq_balance_destroy(&sim->balance);
    liq_arena_destroy(&sim->arena);
    free(sim->owned);
    free(sim);
}
