/*
 * Phase 2 of the round, arbitrage (MODEL.md s3, s4 "Pools"): each pool moves
 * toward the reference prices S_a / S_b with its efficiency kappa, along its
 * invariant (constant product, StableSwap) or, for a linear book, by the
 * market maker re-centring its quotes; the arbitrageurs' sales outside are
 * the flow Q that moves next round's impact. Its last step is the
 * adversary's first sale (src/engine/adversary.c), so that this round's
 * oracles reading the pool see the pushed spot.
 *
 *   reads:  reference_price (phase 1), the pools' reserves;
 *   writes: reserves, pool_price, arb_sold0/1, the pool history ring.
 *
 * Pools step in parallel; each writes only its own slots.
 */
#include <math.h>

#include <omp.h>

#include "engine/sim_internal.h"
#include "liqnet/amm.h"
#include "liqnet/error.h"

int liq_phase_arbitrage(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const int64_t t = sim->round;
    const size_t n = sim->n_pools;
    const size_t h = (size_t)sim->market.hist_len;
#pragma omp parallel for default(none) shared(sim, sc) firstprivate(t, n, h) schedule(static)      \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES)
    for (size_t p = 0; p < n; p++) {
        const liq_pool_config_t *pool = &sc->pools[p];
        const double target =
            sim->market.reference_price[pool->token0] / sim->market.reference_price[pool->token1];
        if (pool->kind == LIQ_POOL_LINEAR_BOOK) {
            /* The market maker moves its quotes toward the reference:
             * the mid by the same log-linear rule, with no flow outside. */
            const double mid = sim->venues.reserve1[p] / sim->venues.reserve0[p];
            const double next =
                pool->arbitrage >= 1.0 ? target
                : pool->arbitrage <= 0.0
                    ? mid
                    : exp((1.0 - pool->arbitrage) * log(mid) + pool->arbitrage * log(target));
            sim->venues.reserve1[p] = sim->venues.reserve0[p] * next;
            sim->venues.arb_sold0[p] = 0.0;
            sim->venues.arb_sold1[p] = 0.0;
        } else if (pool->arbitrage > 0.0) {
            const liq_arbitrage_t arb =
                pool->kind == LIQ_POOL_STABLESWAP
                    ? liq_ss_arbitrage(sim->venues.reserve0[p], sim->venues.reserve1[p], target,
                                       pool->arbitrage, pool->amplification)
                    : liq_cp_arbitrage(sim->venues.reserve0[p], sim->venues.reserve1[p], target,
                                       pool->arbitrage);
            sim->venues.reserve0[p] = arb.reserve0;
            sim->venues.reserve1[p] = arb.reserve1;
            sim->venues.arb_sold0[p] = arb.sold0;
            sim->venues.arb_sold1[p] = arb.sold1;
        } else {
            sim->venues.arb_sold0[p] = 0.0;
            sim->venues.arb_sold1[p] = 0.0;
        }
        sim->venues.pool_price[p] =
            liq_pool_spot(pool, sim->venues.reserve0[p], sim->venues.reserve1[p]);
        sim->market.pool_hist[p * h + (size_t)t % h] = sim->venues.pool_price[p];
    }
    if (liq_attack_round(sim)) {
        liq_attack_open(sim); /* the adversary's first sale */
    }
    return LIQ_OK;
}
