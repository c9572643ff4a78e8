/*
 * Phase 1 of the round, the market (MODEL.md s3, s4 "Assets"): each asset's
 * exogenous price E_a(t) moves by the round's log return (its shocks in
 * scenario order: a schedule, a price path, or geometric Brownian motion
 * with jumps; an issued token instead follows its issuer's redemption
 * ratio), its impact state I_a(t) decays and takes last round's external
 * flow Q_a(t-1), and its reference price S_a(t) = E_a(t) exp(-I_a(t)) is
 * recorded in the history the oracles read.
 *
 *   reads:  E_a, I_a (last round), the arbitrageurs' external sales of last
 *           round's arbitrage (arb_sold0/1), the issuers' redemption ratios
 *           after last round's derived phase, the shocks;
 *   writes: log_return, exogenous_price, impact, reference_price, the
 *           asset history ring, price_low (balance sheets' write-downs).
 *
 * Assets step in parallel; each writes only its own slots. Then, with
 * declared chains, the blocks of the round's span of time are built
 * (src/engine/chains.c): what they include runs in the margin phase, and
 * the gas a keeper will pay is priced at the new reference prices.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine/sim_internal.h"
#include "liqnet/error.h"

#define LIQ_SECONDS_PER_YEAR (365.25 * 86400.0)

/* -------------------------------------------------------------- market */

/* Log return of asset a in round t: the sum of its shocks, in scenario order. */
static double liq_asset_log_return(struct liq_sim *sim, size_t a, int64_t t)
{
    const liq_scenario_t *sc = sim->scenario;
    double r = 0.0;
    for (size_t k = sim->market.shock_offset[a]; k < sim->market.shock_offset[a + 1]; k++) {
        const size_t s = sim->market.shock[k];
        const liq_shock_t *shock = &sc->shocks[s];
        if (shock->kind == LIQ_SHOCK_GBM) {
            if (t < shock->start || t > shock->end) {
                continue;
            }
            double z[2], u[2];
            liq_rng_normal2(sim->key, LIQ_STREAM_SHOCK | shock->stream, a, (uint64_t)t, z, u);
            const double dt = sim->market.dt_years;
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
            size_t c = sim->market.shock_cursor[s];
            while (c < shock->n_steps && shock->round[c] < t) {
                c++;
            }
            if (c < shock->n_steps && shock->round[c] == t) {
                r += shock->log_return[c];
                c++;
            }
            sim->market.shock_cursor[s] = c;
        }
    }
    return r;
}

int liq_phase_market(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const int64_t t = sim->round;
    const size_t n = sim->n_assets;
    const size_t h = (size_t)sim->market.hist_len;
#pragma omp parallel for default(none) shared(sim, sc) firstprivate(t, n, h) schedule(static)      \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES)
    for (size_t a = 0; a < n; a++) {
        const liq_asset_config_t *asset = &sc->assets[a];
        const int32_t issuer = sim->balance.asset_issuer[a];
        if (issuer >= 0) {
            /* An issued token follows its issuer's solvency (MODEL.md s5);
             * it has no exogenous move of its own. */
            const double ratio = sim->balance.redemption[issuer];
            sim->market.log_return[a] = 0.0;
            sim->market.exogenous_price[a] =
                asset->price * (ratio > LIQ_REDEMPTION_FLOOR ? ratio : LIQ_REDEMPTION_FLOOR);
        } else {
            const double r = liq_asset_log_return(sim, a, t);
            sim->market.log_return[a] = r;
            sim->market.exogenous_price[a] *= exp(r);
        }
        /* Q_a(t-1): units of a the arbitrageurs sold outside last round,
         * summed in pool order. */
        double sold = 0.0;
        for (size_t k = sim->market.pool_offset[a]; k < sim->market.pool_offset[a + 1]; k++) {
            const size_t ps = sim->market.pool_side[k];
            sold += (ps & 1u) ? sim->venues.arb_sold1[ps >> 1] : sim->venues.arb_sold0[ps >> 1];
        }
        const double push = isinf(asset->market_depth) ? 0.0 : sold / asset->market_depth;
        sim->market.impact[a] = (1.0 - asset->market_resilience) * sim->market.impact[a] + push;
        sim->market.reference_price[a] =
            sim->market.exogenous_price[a] * exp(-sim->market.impact[a]);
        sim->market.asset_hist[a * h + (size_t)t % h] = sim->market.reference_price[a];
        if (sim->market.reference_price[a] < sim->balance.price_low[a]) {
            sim->balance.price_low[a] = sim->market.reference_price[a];
        }
    }
    return liq_chains_blocks(sim);
}

/* Allocates the market's arrays, the history rings (reaching back over the
 * longest oracle latency plus TWAP window), and the incidence lists of
 * shocks and pools per asset, in scenario order, which fixes every
 * summation order of the phase. */
int liq_asset_market_init(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    struct liq_asset_market *mk = &sim->market;
    mk->dt_years = sc->round_seconds / LIQ_SECONDS_PER_YEAR;
    int64_t hist_len = 1;
    for (size_t o = 0; o < sc->n_oracles; o++) {
        const liq_oracle_config_t *oc = &sc->oracles[o];
        int64_t window = oc->window;
        for (size_t k = 0; k < oc->n_inputs; k++) {
            window = oc->inputs[k].window > window ? oc->inputs[k].window : window;
        }
        if (oc->has_anchor && oc->anchor.window > window) {
            window = oc->anchor.window;
        }
        const int64_t need = oc->latency + oc->message_latency + window;
        hist_len = need > hist_len ? need : hist_len;
    }
    mk->hist_len = hist_len;
    const size_t na = sim->n_assets, h = (size_t)hist_len;
    mk->exogenous_price = liq_calloc(na, sizeof(double));
    mk->impact = liq_calloc(na, sizeof(double));
    mk->reference_price = liq_calloc(na, sizeof(double));
    mk->log_return = liq_calloc(na, sizeof(double));
    mk->asset_hist = liq_calloc(na * h, sizeof(double));
    mk->pool_hist = liq_calloc(sim->n_pools * h, sizeof(double));
    mk->shock_offset = liq_calloc(na + 1, sizeof(size_t));
    mk->shock = liq_calloc(sc->n_shocks, sizeof(size_t));
    mk->shock_cursor = liq_calloc(sc->n_shocks, sizeof(size_t));
    mk->pool_offset = liq_calloc(na + 1, sizeof(size_t));
    mk->pool_side = liq_calloc(2 * sim->n_pools, sizeof(size_t));
    if (!mk->exogenous_price || !mk->impact || !mk->reference_price || !mk->log_return ||
        !mk->asset_hist || !mk->pool_hist || !mk->shock_offset || !mk->shock || !mk->shock_cursor ||
        !mk->pool_offset || !mk->pool_side) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the assets' state");
    }
    /* Each list by counting sort: count per asset, prefix sums, then a fill
     * in item order, which lists every asset's items in increasing order
     * as a scan per asset would, in O(assets + items) (a scan per owner
     * was 2x10^9 steps and most of liq_sim_create for a generated
     * ecosystem of 10^4 pools and 2x10^5 markets). */
    for (size_t s = 0; s < sc->n_shocks; s++) {
        mk->shock_offset[(size_t)sc->shocks[s].asset + 1]++;
    }
    for (size_t p = 0; p < sim->n_pools; p++) {
        mk->pool_offset[(size_t)sc->pools[p].token0 + 1]++;
        mk->pool_offset[(size_t)sc->pools[p].token1 + 1]++;
    }
    for (size_t a = 0; a < na; a++) {
        mk->shock_offset[a + 1] += mk->shock_offset[a];
        mk->pool_offset[a + 1] += mk->pool_offset[a];
    }
    /* Fill cursors, one per asset, starting at the asset's offset. */
    size_t *next_shock = liq_calloc(na + 1, sizeof(size_t));
    size_t *next_pool = liq_calloc(na + 1, sizeof(size_t));
    if (next_shock == NULL || next_pool == NULL) {
        free(next_shock);
        free(next_pool);
        return liq_error_set(LIQ_ENOMEM, "out of memory for the network's incidence lists");
    }
    memcpy(next_shock, mk->shock_offset, (na + 1) * sizeof(size_t));
    memcpy(next_pool, mk->pool_offset, (na + 1) * sizeof(size_t));
    for (size_t s = 0; s < sc->n_shocks; s++) {
        mk->shock[next_shock[sc->shocks[s].asset]++] = s;
    }
    for (size_t p = 0; p < sim->n_pools; p++) {
        mk->pool_side[next_pool[sc->pools[p].token0]++] = 2 * p;
        mk->pool_side[next_pool[sc->pools[p].token1]++] = 2 * p + 1;
    }
    free(next_shock);
    free(next_pool);
    return LIQ_OK;
}

void liq_asset_market_destroy(struct liq_asset_market *mk)
{
    if (mk == NULL) {
        return;
    }
    void *arrays[] = {mk->exogenous_price, mk->impact,     mk->reference_price, mk->log_return,
                      mk->shock_offset,    mk->shock,      mk->shock_cursor,    mk->pool_offset,
                      mk->pool_side,       mk->asset_hist, mk->pool_hist};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(mk, 0, sizeof(*mk));
}
