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
 * Assets step in parallel; each writes only its own slots.
 */
#include <math.h>

#include <omp.h>

#include "engine/sim_internal.h"
#include "liqnet/error.h"

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

int liq_phase_market(struct liq_sim *sim)
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
    return LIQ_OK;
}
