/*
 * Phase 5 of the round, the venues (MODEL.md s3, s4): each pool sums the
 * liquidation orders routed to it in edge order and executes the token0
 * sum, then the token1 sum, as one swap each; best-price routing splits a
 * market's sale over its pools first, against the pools as arbitrage left
 * them. Then the perp engines' closes trade (src/engine/perp.c). The
 * adversary's round is booked at the start of the phase (its liquidations)
 * and closed at its end (its sale back).
 *
 *   reads:  market_seized of every protocol (phase 4, after the exchange
 *           in a distributed run), the routes, the pools;
 *   writes: reserves, pool_price, the pools' liquidation inflow (liq_in0/1),
 *           best-price route shares, the adversary's result.
 *
 * Pools execute in parallel; each writes only its own slots.
 */
#include <math.h>

#include <omp.h>

#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "liqnet/amm.h"
#include "liqnet/error.h"

/* --------------------------------------------------------------- venues */

/* Best-price routing: each market that routes by price and sold something
 * this round splits its sale over its pools as they stand after arbitrage,
 * before any order of the round (MODEL.md s5; docs/model-notes.md). */
static void liq_route_orders(struct liq_sim *sim)
{
    if (!sim->venues.best_price_routing) {
        return;
    }
    const size_t n = sim->n_markets;
#pragma omp parallel for default(none) shared(sim) firstprivate(n) schedule(static)                \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES)
    for (size_t m = 0; m < n; m++) {
        const liq_market_config_t *cfg = &sim->books.markets[m].config;
        const double amount = sim->books.market_seized[m];
        if (cfg->routing != LIQ_ROUTING_BEST_PRICE || !(amount > 0.0)) {
            continue;
        }
        const size_t first = sim->venues.market_route_offset[m];
        const size_t k = sim->venues.market_route_offset[m + 1] - first;
        for (size_t j = 0; j < k; j++) {
            const size_t r = first + j;
            liq_pool_venue(sim, (size_t)sim->venues.route_pool[r], sim->venues.route_sell_token[r],
                           &sim->venues.route_venue[r]);
        }
        liq_route_best_price(k, &sim->venues.route_venue[first], amount,
                             &sim->venues.route_share[first]);
        for (size_t j = 0; j < k; j++) {
            sim->venues.route_share[first + j] /= amount;
        }
    }
}

int liq_phase_venues(struct liq_sim *sim)
{
    const int attack = liq_attack_round(sim);
    if (attack) {
        liq_attack_liquidations(sim); /* the round's liquidations are the adversary's */
    }
    const liq_scenario_t *sc = sim->scenario;
    const size_t n = sim->n_pools;
    liq_route_orders(sim);
#pragma omp parallel for default(none) shared(sim, sc) firstprivate(n) schedule(static)            \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES)
    for (size_t p = 0; p < n; p++) {
        /* Sum the orders in edge order, then execute each side as one swap:
         * token0 sales first, then token1 sales. */
        double in0 = 0.0, in1 = 0.0;
        for (size_t k = sim->venues.pool_route_offset[p]; k < sim->venues.pool_route_offset[p + 1];
             k++) {
            const size_t r = sim->venues.pool_route_entry[k];
            const double order =
                sim->venues.route_share[r] * sim->books.market_seized[sim->venues.route_market[r]];
            if (sim->venues.route_sell_token[r] == 0) {
                in0 += order;
            } else {
                in1 += order;
            }
        }
        const liq_pool_config_t *pool = &sc->pools[p];
        /* What a unit sold paid, pro rata to every order of the side: a
         * reselling bidder's proceeds (src/engine/keepers.c). */
        sim->venues.liq_rate0[p] = in0 > 0.0 ? liq_pool_trade(sim, p, 0, in0) / in0 : 0.0;
        sim->venues.liq_rate1[p] = in1 > 0.0 ? liq_pool_trade(sim, p, 1, in1) / in1 : 0.0;
        sim->venues.liq_in0[p] = in0;
        sim->venues.liq_in1[p] = in1;
        sim->venues.pool_price[p] =
            liq_pool_spot(pool, sim->venues.reserve0[p], sim->venues.reserve1[p]);
    }
    if (sim->perp != NULL) {
        const int rc = liq_perp_venues(sim); /* the perp engines' closes */
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    if (attack) {
        liq_attack_close(sim); /* the adversary sells back and repays */
    }
    return LIQ_OK;
}
