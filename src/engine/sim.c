/*
 * The round of model R0 (MODEL.md s3-s4): market, arbitrage, oracles, margin
 * engines, venues. Each phase steps every entity of one kind in parallel,
 * reads only what earlier phases wrote, and writes only to slots indexed by
 * the entity it steps; reductions run over fixed chunks combined in a fixed
 * order. The trajectories are therefore bit-identical for any thread count.
 *
 * Workload: a few to 10^5 assets, pools, oracles and protocols, and up to
 * 10^8 accounts. All the time goes into the margin-engine scan over accounts
 * (16 bytes each, streamed once per round); the entity phases are noise.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "engine/stability.h"
#include "liqnet/amm.h"
#include "liqnet/error.h"
#include "liqnet/oracle.h"

#define LIQ_SECONDS_PER_YEAR (365.25 * 86400.0)

/* ------------------------------------------------------------- oracles */

/* Observable value of a price source at round u (<= current round). */
static double liq_source_value(const struct liq_sim *sim, const liq_price_source_t *src, int64_t u)
{
    const int64_t h = sim->hist_len;
    switch (src->source) {
    case LIQ_ORACLE_MARKET:
        return sim->asset_hist[(size_t)src->asset * (size_t)h + (size_t)(u % h)];
    case LIQ_ORACLE_POOL_SPOT:
        return sim->pool_hist[(size_t)src->pool * (size_t)h + (size_t)(u % h)];
    case LIQ_ORACLE_POOL_TWAP: {
        /* Arithmetic mean over rounds max(0, u - window + 1) .. u, summed
         * oldest first so that the sum order is fixed. */
        const int64_t first = u - src->window + 1 > 0 ? u - src->window + 1 : 0;
        const double *ring = sim->pool_hist + (size_t)src->pool * (size_t)h;
        double sum = 0.0;
        for (int64_t s = first; s <= u; s++) {
            sum += ring[s % h];
        }
        return sum / (double)(u - first + 1);
    }
    case LIQ_ORACLE_MEDIAN:
        break;
    }
    return NAN;
}

/* Value of oracle i's source(s) at round u: its own source, or the median of
 * its inputs (the mean of the two middle values for an even count), sorted
 * in its own slice of oracle_scratch. */
static double liq_oracle_source_value(const struct liq_sim *sim, size_t i, int64_t u)
{
    const liq_oracle_config_t *o = &sim->scenario->oracles[i];
    if (o->source != LIQ_ORACLE_MEDIAN) {
        const liq_price_source_t own = {o->source, o->asset, o->pool, o->window};
        return liq_source_value(sim, &own, u);
    }
    double *v = sim->oracle_scratch + sim->oracle_scratch_begin[i];
    const size_t n = o->n_inputs;
    for (size_t k = 0; k < n; k++) {
        const double x = liq_source_value(sim, &o->inputs[k], u);
        size_t j = k;
        for (; j > 0 && v[j - 1] > x; j--) {
            v[j] = v[j - 1];
        }
        v[j] = x;
    }
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void liq_phase_oracles(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const int64_t t = sim->round;
    const size_t n = sim->n_oracles;
#pragma omp parallel for default(none) shared(sim, sc) firstprivate(t, n) schedule(static)         \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES)
    for (size_t i = 0; i < n; i++) {
        const liq_oracle_config_t *o = &sc->oracles[i];
        const int64_t u = liq_oracle_source_round(t, o->latency);
        const double value = liq_oracle_source_value(sim, i, u);
        if (!liq_oracle_should_publish(t, sim->oracle_last_publish[i], o->heartbeat, value,
                                       sim->oracle_price[i], o->deviation)) {
            continue;
        }
        if (o->has_anchor) {
            /* Compound's anchored view: a value too far from the anchor is
             * rejected and the oracle keeps its last price. */
            const double anchor = liq_source_value(sim, &o->anchor, u);
            if (!(fabs(value / anchor - 1.0) <= o->anchor_band)) {
                continue;
            }
        }
        sim->oracle_price[i] = value;
        sim->oracle_last_publish[i] = t;
    }
}

/* -------------------------------------------------------------- market */

/* Log return of asset a in round t: the sum of its shocks, in scenario order. */
static double liq_asset_log_return(struct liq_sim *sim, size_t a, int64_t t)
{
    const liq_scenario_t *sc = sim->scenario;
    double r = 0.0;
    for (size_t k = sim->asset_shock_offset[a]; k < sim->asset_shock_offset[a + 1]; k++) {
        const size_t s = sim->asset_shock[k];
        const liq_shock_t *shock = &sc->shocks[s];
        if (shock->kind == LIQ_SHOCK_GBM) {
            if (t < shock->start || t > shock->end) {
                continue;
            }
            double z[2], u[2];
            liq_rng_normal2(sim->key, LIQ_STREAM_SHOCK | shock->stream, a, (uint64_t)t, z, u);
            const double dt = sim->dt_years;
            const double sigma = shock->volatility;
            r += (shock->drift - 0.5 * sigma * sigma) * dt + sigma * sqrt(dt) * z[0];
            const int64_t jumps = liq_poisson_inverse(shock->jump_intensity * dt, u[0]);
            if (jumps > 0) {
                /* The sum of n normal log jumps is N(n m, n s^2). */
                r += (double)jumps * shock->jump_mean +
                     sqrt((double)jumps) * shock->jump_stdev * z[1];
            }
        } else {
            /* SCHEDULE and PATH: steps sorted by round; rounds only advance. */
            size_t c = sim->shock_cursor[s];
            while (c < shock->n_steps && shock->round[c] < t) {
                c++;
            }
            if (c < shock->n_steps && shock->round[c] == t) {
                r += shock->log_return[c];
                c++;
            }
            sim->shock_cursor[s] = c;
        }
    }
    return r;
}

static void liq_phase_market(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const int64_t t = sim->round;
    const size_t n = sim->n_assets;
    const size_t h = (size_t)sim->hist_len;
#pragma omp parallel for default(none) shared(sim, sc) firstprivate(t, n, h) schedule(static)      \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES)
    for (size_t a = 0; a < n; a++) {
        const liq_asset_config_t *asset = &sc->assets[a];
        const int32_t issuer = sim->asset_issuer[a];
        if (issuer >= 0) {
            /* An issued token follows its issuer's solvency (MODEL.md s5);
             * it has no exogenous move of its own. */
            const double ratio = sim->redemption[issuer];
            sim->log_return[a] = 0.0;
            sim->exogenous_price[a] =
                asset->price * (ratio > LIQ_REDEMPTION_FLOOR ? ratio : LIQ_REDEMPTION_FLOOR);
        } else {
            const double r = liq_asset_log_return(sim, a, t);
            sim->log_return[a] = r;
            sim->exogenous_price[a] *= exp(r);
        }
        /* Q_a(t-1): units of a the arbitrageurs sold outside last round,
         * summed in pool order. */
        double sold = 0.0;
        for (size_t k = sim->asset_pool_offset[a]; k < sim->asset_pool_offset[a + 1]; k++) {
            const size_t ps = sim->asset_pool_side[k];
            sold += (ps & 1u) ? sim->arb_sold1[ps >> 1] : sim->arb_sold0[ps >> 1];
        }
        const double push = isinf(asset->market_depth) ? 0.0 : sold / asset->market_depth;
        sim->impact[a] = (1.0 - asset->market_resilience) * sim->impact[a] + push;
        sim->reference_price[a] = sim->exogenous_price[a] * exp(-sim->impact[a]);
        sim->asset_hist[a * h + (size_t)t % h] = sim->reference_price[a];
        if (sim->reference_price[a] < sim->price_low[a]) {
            sim->price_low[a] = sim->reference_price[a];
        }
    }
}

/* Spot price (token1 per token0) of a pool of any kind. A linear book keeps
 * its state as x = D (its depth) and y = D P (P its mid), so y / x is the
 * mid and every pool has positive "reserves" for the output and the checks. */
static double liq_pool_spot(const liq_pool_config_t *pool, double x, double y)
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
static double liq_pool_trade(struct liq_sim *sim, size_t p, int sell, double amount)
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

static void liq_phase_arbitrage(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const int64_t t = sim->round;
    const size_t n = sim->n_pools;
    const size_t h = (size_t)sim->hist_len;
#pragma omp parallel for default(none) shared(sim, sc) firstprivate(t, n, h) schedule(static)      \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES)
    for (size_t p = 0; p < n; p++) {
        const liq_pool_config_t *pool = &sc->pools[p];
        const double target =
            sim->reference_price[pool->token0] / sim->reference_price[pool->token1];
        if (pool->kind == LIQ_POOL_LINEAR_BOOK) {
            /* The market maker moves its quotes toward the reference:
             * the mid by the same log-linear rule, with no flow outside. */
            const double mid = sim->reserve1[p] / sim->reserve0[p];
            const double next =
                pool->arbitrage >= 1.0 ? target
                : pool->arbitrage <= 0.0
                    ? mid
                    : exp((1.0 - pool->arbitrage) * log(mid) + pool->arbitrage * log(target));
            sim->reserve1[p] = sim->reserve0[p] * next;
            sim->arb_sold0[p] = 0.0;
            sim->arb_sold1[p] = 0.0;
        } else if (pool->arbitrage > 0.0) {
            const liq_arbitrage_t arb =
                pool->kind == LIQ_POOL_STABLESWAP
                    ? liq_ss_arbitrage(sim->reserve0[p], sim->reserve1[p], target, pool->arbitrage,
                                       pool->amplification)
                    : liq_cp_arbitrage(sim->reserve0[p], sim->reserve1[p], target, pool->arbitrage);
            sim->reserve0[p] = arb.reserve0;
            sim->reserve1[p] = arb.reserve1;
            sim->arb_sold0[p] = arb.sold0;
            sim->arb_sold1[p] = arb.sold1;
        } else {
            sim->arb_sold0[p] = 0.0;
            sim->arb_sold1[p] = 0.0;
        }
        sim->pool_price[p] = liq_pool_spot(pool, sim->reserve0[p], sim->reserve1[p]);
        sim->pool_hist[p * h + (size_t)t % h] = sim->pool_price[p];
    }
}

/* --------------------------------------------------------------- venues */

/* Best-price routing: each market that routes by price and sold something
 * this round splits its sale over its pools as they stand after arbitrage,
 * before any order of the round (MODEL.md s5; docs/model-notes.md). */
static void liq_route_orders(struct liq_sim *sim)
{
    if (!sim->best_price_routing) {
        return;
    }
    const size_t n = sim->n_markets;
#pragma omp parallel for default(none) shared(sim) firstprivate(n) schedule(static)                \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES)
    for (size_t m = 0; m < n; m++) {
        const liq_market_config_t *cfg = &sim->markets[m].config;
        const double amount = sim->market_seized[m];
        if (cfg->routing != LIQ_ROUTING_BEST_PRICE || !(amount > 0.0)) {
            continue;
        }
        const size_t first = sim->market_route_offset[m];
        const size_t k = sim->market_route_offset[m + 1] - first;
        for (size_t j = 0; j < k; j++) {
            const size_t r = first + j;
            liq_pool_venue(sim, (size_t)sim->route_pool[r], sim->route_sell_token[r],
                           &sim->route_venue[r]);
        }
        liq_route_best_price(k, &sim->route_venue[first], amount, &sim->route_share[first]);
        for (size_t j = 0; j < k; j++) {
            sim->route_share[first + j] /= amount;
        }
    }
}

static void liq_phase_venues(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const size_t n = sim->n_pools;
    liq_route_orders(sim);
#pragma omp parallel for default(none) shared(sim, sc) firstprivate(n) schedule(static)            \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES)
    for (size_t p = 0; p < n; p++) {
        /* Sum the orders in edge order, then execute each side as one swap:
         * token0 sales first, then token1 sales. */
        double in0 = 0.0, in1 = 0.0;
        for (size_t k = sim->pool_route_offset[p]; k < sim->pool_route_offset[p + 1]; k++) {
            const size_t r = sim->pool_route_entry[k];
            const double order = sim->route_share[r] * sim->market_seized[sim->route_market[r]];
            if (sim->route_sell_token[r] == 0) {
                in0 += order;
            } else {
                in1 += order;
            }
        }
        const liq_pool_config_t *pool = &sc->pools[p];
        if (in0 > 0.0) {
            (void)liq_pool_trade(sim, p, 0, in0);
        }
        if (in1 > 0.0) {
            (void)liq_pool_trade(sim, p, 1, in1);
        }
        sim->liq_in0[p] = in0;
        sim->liq_in1[p] = in1;
        sim->pool_price[p] = liq_pool_spot(pool, sim->reserve0[p], sim->reserve1[p]);
    }
}

/* ---------------------------------------------------------------- round */

/* Prices and reserves must stay finite and positive. They can leave that
 * range only when the model's own feedback diverges: arbitrage flow moves
 * the reference price, which moves the pool, whose next flow is larger
 * (roughly when kappa times a pool's reserve of an asset exceeds twice that
 * asset's market_depth, see docs/model-notes.md). The run stops there with
 * a message rather than recording NaN. O(assets + pools). */
static int liq_check_state(const struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    for (size_t a = 0; a < sim->n_assets; a++) {
        const double s = sim->reference_price[a];
        if (!(isfinite(s) && s > 0.0)) {
            return liq_error_set(LIQ_ENUMERIC,
                                 "round %lld: the reference price of asset '%s' became %g: the "
                                 "feedback between arbitrage and market impact diverged; its "
                                 "market_depth (%g) is too small for the flows it receives",
                                 (long long)sim->round, sc->assets[a].name, s,
                                 sc->assets[a].market_depth);
        }
    }
    for (size_t p = 0; p < sim->n_pools; p++) {
        const double x = sim->reserve0[p], y = sim->reserve1[p];
        if (!(isfinite(x) && x > 0.0 && isfinite(y) && y > 0.0)) {
            return liq_error_set(LIQ_ENUMERIC,
                                 "round %lld: the reserves of pool '%s' became %g and %g: the "
                                 "feedback between arbitrage and market impact diverged",
                                 (long long)sim->round, sc->pools[p].name, x, y);
        }
    }
    return LIQ_OK;
}

/* ------------------------------------------------------------ adversary */

/* The attacker's first sale: right after arbitrage, so this round's oracles
 * reading the pool see the pushed spot. */
static void liq_attack_open(struct liq_sim *sim)
{
    const liq_adversary_config_t *adv = &sim->scenario->adversary;
    const size_t p = (size_t)adv->pool;
    const liq_pool_config_t *pool = &sim->scenario->pools[p];
    sim->attack_out = liq_pool_trade(sim, p, adv->sell_token, adv->amount);
    sim->pool_price[p] = liq_pool_spot(pool, sim->reserve0[p], sim->reserve1[p]);
    sim->pool_hist[p * (size_t)sim->hist_len + (size_t)(sim->round % sim->hist_len)] =
        sim->pool_price[p];
}

/* Every liquidation of the attack round is the attacker's: its keeper
 * profit is the seized collateral at reference prices less the debt it
 * repaid and the gas it paid. Sums in market, then protocol order. */
static void liq_attack_liquidations(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    double seized = 0.0, cost = 0.0;
    int64_t count = 0;
    for (size_t m = 0; m < sim->n_markets; m++) {
        seized += sim->market_seized[m] * sim->reference_price[sim->markets[m].asset];
    }
    for (size_t p = 0; p < sim->n_protocols; p++) {
        cost += sim->repaid_value[p] + sc->protocols[p].gas_cost * (double)sim->liquidations[p];
        count += sim->liquidations[p];
    }
    sim->attack_liquidations = count;
    sim->attack_liquidation_profit = seized - cost;
}

/* After the round's liquidation orders: the attacker sells back what its
 * first sale paid, and repays the loan (buying or selling the difference at
 * the reference price) with its fee. */
static void liq_attack_close(struct liq_sim *sim)
{
    const liq_adversary_config_t *adv = &sim->scenario->adversary;
    const size_t p = (size_t)adv->pool;
    const liq_pool_config_t *pool = &sim->scenario->pools[p];
    const double back = liq_pool_trade(sim, p, 1 - adv->sell_token, sim->attack_out);
    sim->pool_price[p] = liq_pool_spot(pool, sim->reserve0[p], sim->reserve1[p]);
    const int32_t sold = adv->sell_token == 0 ? pool->token0 : pool->token1;
    const double price = sim->reference_price[sold];
    sim->attack_back = back;
    sim->attack_round_trip = (back - adv->amount) * price;
    sim->attack_fee = adv->flash_fee * adv->amount * price;
}

int liq_sim_step_local(liq_sim_t *sim)
{
    sim->round++;
    const liq_adversary_config_t *adv = &sim->scenario->adversary;
    const int attack = adv->enabled && sim->round == adv->round;
    liq_phase_market(sim);
    liq_phase_arbitrage(sim);
    if (attack) {
        liq_attack_open(sim);
    }
    liq_phase_oracles(sim);
    const int rc = liq_phase_margin(sim);
    if (rc != LIQ_OK) {
        return rc;
    }
    if (sim->perp != NULL) {
        liq_phase_perp(sim);
    }
    return LIQ_OK;
}

int liq_sim_step_shared(liq_sim_t *sim)
{
    const liq_adversary_config_t *adv = &sim->scenario->adversary;
    const int attack = adv->enabled && sim->round == adv->round;
    if (attack) {
        liq_attack_liquidations(sim);
    }
    liq_phase_venues(sim);
    if (sim->perp != NULL) {
        const int rc = liq_perp_venues(sim);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    if (attack) {
        liq_attack_close(sim);
    }
    liq_phase_balance(sim);
    return liq_check_state(sim);
}

int liq_sim_step(liq_sim_t *sim)
{
    const int rc = liq_sim_step_local(sim);
    return rc != LIQ_OK ? rc : liq_sim_step_shared(sim);
}

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
