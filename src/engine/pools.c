/*
 * A pool's state as a venue (MODEL.md s4 "Pools", s5 StableSwap and linear
 * books): its spot price, its view as a venue for routing and keepers'
 * anticipation, and a trade that updates its reserves. Used by arbitrage,
 * venues, the adversary, keepers and auctions; the maths is in src/model
 * (liqnet/amm.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sim_internal.h"
#include "liqnet/amm.h"
#include "liqnet/error.h"

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
    const double x = sim->venues.reserve0[p], y = sim->venues.reserve1[p];
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
        const double depth = sim->venues.reserve0[p], slope = liq_book_slope(pool);
        double mid = sim->venues.reserve1[p] / depth;
        const double out = sell == 0 ? liq_book_sell0(amount, mid, slope, pool->fee, &mid)
                                     : liq_book_sell1(amount, mid, slope, pool->fee, &mid);
        sim->venues.reserve1[p] = depth * mid;
        return out;
    }
    liq_venue_t v;
    liq_pool_venue(sim, p, sell, &v);
    const double out = liq_venue_amount_out(&v, amount);
    if (sell == 0) {
        sim->venues.reserve0[p] += amount;
        sim->venues.reserve1[p] -= out;
    } else {
        sim->venues.reserve1[p] += amount;
        sim->venues.reserve0[p] -= out;
    }
    return out;
}

/* Routes of every market, flattened in market order; each route's share
 * is its weight (best-price shares are set each round). */
static int liq_venues_routes(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    struct liq_venues *v = &sim->venues;
    const liq_market_t *markets = sim->books.markets;
    size_t n = 0;
    for (size_t m = 0; m < sim->n_markets; m++) {
        if (markets[m].config.n_routes == 0) {
            return liq_error_set(LIQ_EINVAL, "protocol '%s': a market of asset '%s' has no route",
                                 sc->protocols[markets[m].protocol].name,
                                 sc->assets[markets[m].asset].name);
        }
        n += markets[m].config.n_routes;
    }
    v->n_routes = n;
    v->market_route_offset = liq_calloc(sim->n_markets + 1, sizeof(size_t));
    v->route_pool = liq_calloc(n, sizeof(int32_t));
    v->route_market = liq_calloc(n, sizeof(size_t));
    v->route_sell_token = liq_calloc(n, sizeof(int));
    v->route_share = liq_calloc(n, sizeof(double));
    v->route_venue = liq_calloc(n, sizeof(liq_venue_t));
    if (!v->market_route_offset || !v->route_pool || !v->route_market || !v->route_sell_token ||
        !v->route_share || !v->route_venue) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the routes");
    }
    size_t r = 0;
    v->best_price_routing = 0;
    for (size_t m = 0; m < sim->n_markets; m++) {
        const liq_market_config_t *cfg = &markets[m].config;
        v->market_route_offset[m] = r;
        v->best_price_routing |= cfg->routing == LIQ_ROUTING_BEST_PRICE;
        for (size_t k = 0; k < cfg->n_routes; k++, r++) {
            const int32_t pool = cfg->routes[k].pool;
            v->route_pool[r] = pool;
            v->route_market[r] = m;
            v->route_sell_token[r] = sc->pools[pool].token0 == cfg->asset ? 0 : 1;
            v->route_share[r] = cfg->routing == LIQ_ROUTING_WEIGHT ? cfg->routes[k].weight : 0.0;
        }
    }
    v->market_route_offset[sim->n_markets] = r;
    return LIQ_OK;
}

/* The routes into each pool in edge order (markets in order, then their
 * routes), by counting sort, which fixes the order a pool sums its orders
 * in. */
static int liq_venues_incidence(struct liq_sim *sim)
{
    struct liq_venues *v = &sim->venues;
    v->pool_route_offset = liq_calloc(sim->n_pools + 1, sizeof(size_t));
    v->pool_route_entry = liq_calloc(v->n_routes, sizeof(size_t));
    size_t *next_route = liq_calloc(sim->n_pools + 1, sizeof(size_t));
    if (v->pool_route_offset == NULL || v->pool_route_entry == NULL || next_route == NULL) {
        free(next_route);
        return liq_error_set(LIQ_ENOMEM, "out of memory for the network's incidence lists");
    }
    for (size_t r = 0; r < v->n_routes; r++) {
        v->pool_route_offset[(size_t)v->route_pool[r] + 1]++;
    }
    for (size_t p = 0; p < sim->n_pools; p++) {
        v->pool_route_offset[p + 1] += v->pool_route_offset[p];
    }
    memcpy(next_route, v->pool_route_offset, (sim->n_pools + 1) * sizeof(size_t));
    for (size_t r = 0; r < v->n_routes; r++) {
        v->pool_route_entry[next_route[v->route_pool[r]]++] = r;
    }
    free(next_route);
    return LIQ_OK;
}

int liq_venues_init(struct liq_sim *sim)
{
    struct liq_venues *v = &sim->venues;
    const size_t np = sim->n_pools;
    int rc = liq_venues_routes(sim);
    if (rc != LIQ_OK) {
        return rc;
    }
    v->reserve0 = liq_calloc(np, sizeof(double));
    v->reserve1 = liq_calloc(np, sizeof(double));
    v->pool_price = liq_calloc(np, sizeof(double));
    v->arb_sold0 = liq_calloc(np, sizeof(double));
    v->arb_sold1 = liq_calloc(np, sizeof(double));
    v->liq_in0 = liq_calloc(np, sizeof(double));
    v->liq_in1 = liq_calloc(np, sizeof(double));
    v->liq_rate0 = liq_calloc(np, sizeof(double));
    v->liq_rate1 = liq_calloc(np, sizeof(double));
    if (!v->reserve0 || !v->reserve1 || !v->pool_price || !v->arb_sold0 || !v->arb_sold1 ||
        !v->liq_in0 || !v->liq_in1 || !v->liq_rate0 || !v->liq_rate1) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the pools' state");
    }
    return liq_venues_incidence(sim);
}

void liq_venues_destroy(struct liq_venues *v)
{
    if (v == NULL) {
        return;
    }
    void *arrays[] = {v->reserve0,          v->reserve1,         v->pool_price,
                      v->arb_sold0,         v->arb_sold1,        v->liq_in0,
                      v->liq_in1,           v->liq_rate0,        v->liq_rate1,
                      v->pool_route_offset, v->pool_route_entry, v->market_route_offset,
                      v->route_pool,        v->route_market,     v->route_sell_token,
                      v->route_share,       v->route_venue};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(v, 0, sizeof(*v));
}
