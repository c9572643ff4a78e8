/*
 * A pool's state as a venue (MODEL.md s4 "Pools", s5 StableSwap and linear
 * books): its spot price, its view as a venue for routing and keepers'
 * anticipation, and a trade that updates its reserves. Used by arbitrage,
 * venues, the adversary, keepers and auctions; the maths is in src/model
 * (liqnet/amm.h).
 */
#include <math.h>

#include "engine/sim_internal.h"
#include "liqnet/amm.h"

/* Spot price (token1 per token0) of a pool of any kind. A linear book keeps
 * its state as x = D (its depth) and y = D P (P its mid), so y / x is the
 * mid and every pool has positive "reserves" for the output and the checks. */
double liq_pool_spot(const liq_pool_config_t *pool, double x, double y)
{
    return pool->kind == LIQ_POOL_STABLESWAP ? liq_ss_spot_price(x, y, pool->amplification) : y / x;
}

/* A linear book's slope: its reserve0 D is the token0 that moves the price
 * by its initial value reserve1 / reserve0, so slope = reserve1 / D^2. */
static double liq_book_slope(const liq_pool_config_t *pool)
{
    return pool->reserve1 / (pool->reserve0 * pool->reserve0);
}

/* Pool p as a venue for selling token `sell` (0 or 1), as it stands. */
void liq_pool_venue(const struct liq_sim *sim, size_t p, int sell, liq_venue_t *v)
{
    const liq_pool_config_t *pool = &sim->scenario->pools[p];
    const double x = sim->reserve0[p], y = sim->reserve1[p];
    v->fee = pool->fee;
    v->amp = pool->amplification;
    if (pool->kind == LIQ_POOL_LINEAR_BOOK) {
        v->kind = sell == 0 ? LIQ_VENUE_BOOK_BIDS : LIQ_VENUE_BOOK_ASKS;
        v->reserve_in = y / x;                 /* the mid */
        v->reserve_out = liq_book_slope(pool); /* constant */
        return;
    }
    v->kind = pool->kind == LIQ_POOL_STABLESWAP ? LIQ_VENUE_STABLESWAP : LIQ_VENUE_CONSTANT_PRODUCT;
    v->reserve_in = sell == 0 ? x : y;
    v->reserve_out = sell == 0 ? y : x;
}

/* Sells `amount` of token `sell` into pool p and updates its state; returns
 * what it paid in the other token. */
double liq_pool_trade(struct liq_sim *sim, size_t p, int sell, double amount)
{
    const liq_pool_config_t *pool = &sim->scenario->pools[p];
    if (pool->kind == LIQ_POOL_LINEAR_BOOK) {
        const double depth = sim->reserve0[p], slope = liq_book_slope(pool);
        double mid = sim->reserve1[p] / depth;
        const double out = sell == 0 ? liq_book_sell0(amount, mid, slope, pool->fee, &mid)
                                     : liq_book_sell1(amount, mid, slope, pool->fee, &mid);
        sim->reserve1[p] = depth * mid;
        return out;
    }
    liq_venue_t v;
    liq_pool_venue(sim, p, sell, &v);
    const double out = liq_venue_amount_out(&v, amount);
    if (sell == 0) {
        sim->reserve0[p] += amount;
        sim->reserve1[p] -= out;
    } else {
        sim->reserve1[p] += amount;
        sim->reserve0[p] -= out;
    }
    return out;
}
