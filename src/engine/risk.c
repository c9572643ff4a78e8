/*
 * Risk controls and keeper economics of MODEL.md s5, evaluated once per
 * round at the start of the margin-engine phase, after the oracles have
 * published: per protocol the circuit breaker's state, the dynamic penalty's
 * scale on every market's bonus, and the gas a liquidation costs given the
 * congestion of its chain in the round before. The margin engines then read
 * these per-protocol numbers (src/engine/liquidate.c); nothing here touches
 * accounts.
 *
 * History: the published oracle prices of the last R rounds are kept in a
 * ring (R = the longest breaker or volatility window + 1). Before round 0
 * the price is taken as constant at its round-0 value, so the windows are
 * full from the start: a breaker compares with max(O(0..t)) and the
 * volatility of the first rounds averages zero changes for the rounds that
 * did not happen (docs/model-notes.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sim_internal.h"
#include "liqnet/error.h"

int liq_risk_init(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const size_t np = sim->n_protocols;
    int64_t window = 0;
    sim->risk.enabled = 0;
    for (size_t p = 0; p < np; p++) {
        const liq_protocol_config_t *pr = &sc->protocols[p];
        if (pr->has_breaker && pr->breaker_window > window) {
            window = pr->breaker_window;
        }
        if (pr->has_dynamic_penalty && pr->volatility_window > window) {
            window = pr->volatility_window;
        }
        sim->risk.enabled |=
            pr->has_breaker || pr->has_dynamic_penalty || pr->gas_congestion != 0.0;
    }
    sim->risk.ring_len = window + 1;
    sim->risk.oracle_ring = liq_calloc(sim->n_oracles * (size_t)sim->risk.ring_len, sizeof(double));
    sim->risk.penalty_scale = liq_calloc(np, sizeof(double));
    sim->risk.breaker_until = liq_calloc(np, sizeof(int64_t));
    sim->risk.breaker_active = liq_calloc(np, sizeof(int64_t));
    sim->risk.gas_now = liq_calloc(np, sizeof(double));
    sim->risk.protocol_chain = liq_calloc(np, sizeof(size_t));
    sim->risk.chain_attempts = liq_calloc(np + 1, sizeof(int64_t));
    if (!sim->risk.oracle_ring || !sim->risk.penalty_scale || !sim->risk.breaker_until ||
        !sim->risk.breaker_active || !sim->risk.gas_now || !sim->risk.protocol_chain ||
        !sim->risk.chain_attempts) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the risk controls");
    }
    /* Chains: 0 is the default chain; named chains get ids in order of
     * first appearance (few distinct names, so a linear search). */
    sim->risk.n_chains = 1;
    for (size_t p = 0; p < np; p++) {
        const char *name = sc->protocols[p].chain;
        size_t id = 0;
        if (name != NULL) {
            for (size_t q = 0; q < p && id == 0; q++) {
                const char *other = sc->protocols[q].chain;
                if (other != NULL && strcmp(other, name) == 0) {
                    id = sim->risk.protocol_chain[q];
                }
            }
            if (id == 0) {
                id = sim->risk.n_chains++;
            }
        }
        sim->risk.protocol_chain[p] = id;
        sim->risk.penalty_scale[p] = 1.0;
        sim->risk.breaker_until[p] = -1;
        sim->risk.gas_now[p] = sc->protocols[p].gas_cost;
    }
    const size_t r = (size_t)sim->risk.ring_len;
    for (size_t o = 0; o < sim->n_oracles; o++) {
        for (size_t k = 0; k < r; k++) {
            sim->risk.oracle_ring[o * r + k] = sim->oracles.price[o];
        }
    }
    return LIQ_OK;
}

/* The published price of oracle o at round u (t - R < u <= t). */
static double liq_ring(const struct liq_sim *sim, size_t o, int64_t u)
{
    const int64_t r = sim->risk.ring_len;
    const int64_t slot = ((u % r) + r) % r;
    return sim->risk.oracle_ring[o * (size_t)r + (size_t)slot];
}

/* Root-mean-square log change of oracle o over the w rounds ending at t,
 * summed oldest first. */
static double liq_oracle_volatility(const struct liq_sim *sim, size_t o, int64_t t, int64_t w)
{
    double sum = 0.0;
    for (int64_t u = t - w + 1; u <= t; u++) {
        const double change = log(liq_ring(sim, o, u) / liq_ring(sim, o, u - 1));
        sum += change * change;
    }
    return sqrt(sum / (double)w);
}

/* Whether oracle o is more than `drop` below its highest price of the w
 * rounds before t and t itself. */
static int liq_oracle_tripped(const struct liq_sim *sim, size_t o, int64_t t, int64_t w,
                              double drop)
{
    double peak = 0.0;
    for (int64_t u = t - w; u <= t; u++) {
        const double v = liq_ring(sim, o, u);
        peak = v > peak ? v : peak;
    }
    return liq_ring(sim, o, t) < (1.0 - drop) * peak;
}

void liq_risk_round(struct liq_sim *sim)
{
    if (!sim->risk.enabled) {
        return;
    }
    const liq_scenario_t *sc = sim->scenario;
    const int64_t t = sim->round;
    const size_t r = (size_t)sim->risk.ring_len;
    for (size_t o = 0; o < sim->n_oracles; o++) {
        sim->risk.oracle_ring[o * r + (size_t)(t % (int64_t)r)] = sim->oracles.price[o];
    }
    /* Liquidation attempts per chain in the round before: the liquidatable
     * accounts its protocols' margin engines listed. */
    memset(sim->risk.chain_attempts, 0, sim->risk.n_chains * sizeof(int64_t));
    for (size_t p = 0; p < sim->n_protocols; p++) {
        sim->risk.chain_attempts[sim->risk.protocol_chain[p]] += t > 1 ? sim->books.found[p] : 0;
    }
    for (size_t p = 0; p < sim->n_protocols; p++) {
        const liq_protocol_config_t *pr = &sc->protocols[p];
        if (pr->chain_index < 0) { /* on a declared chain, its blocks price gas (chains.c) */
            sim->risk.gas_now[p] =
                pr->gas_cost *
                (1.0 + pr->gas_congestion *
                           (double)sim->risk.chain_attempts[sim->risk.protocol_chain[p]]);
        }
        double sigma = 0.0;
        int tripped = 0;
        for (size_t m = sim->books.market_offset[p]; m < sim->books.market_offset[p + 1]; m++) {
            const size_t o = (size_t)sim->books.markets[m].oracle;
            if (pr->has_dynamic_penalty) {
                const double s = liq_oracle_volatility(sim, o, t, pr->volatility_window);
                sigma = s > sigma ? s : sigma;
            }
            if (pr->has_breaker) {
                tripped |= liq_oracle_tripped(sim, o, t, pr->breaker_window, pr->breaker_drop);
            }
        }
        if (pr->has_dynamic_penalty) {
            const double ratio = sigma / pr->reference_volatility;
            const double scale = ratio > 1.0 ? ratio : 1.0;
            sim->risk.penalty_scale[p] =
                scale < pr->max_penalty_scale ? scale : pr->max_penalty_scale;
            for (size_t m = sim->books.market_offset[p]; m < sim->books.market_offset[p + 1]; m++) {
                sim->books.market_terms[m].liquidation_bonus =
                    sim->books.markets[m].config.liquidation_bonus * sim->risk.penalty_scale[p];
            }
        }
        if (tripped) {
            sim->risk.breaker_until[p] = t + pr->breaker_pause - 1;
        }
        sim->risk.breaker_active[p] = pr->has_breaker && t <= sim->risk.breaker_until[p];
    }
}

void liq_risk_destroy(struct liq_risk_controls *r)
{
    if (r == NULL) {
        return;
    }
    free(r->oracle_ring);
    free(r->penalty_scale);
    free(r->breaker_until);
    free(r->breaker_active);
    free(r->gas_now);
    free(r->protocol_chain);
    free(r->chain_attempts);
    memset(r, 0, sizeof(*r));
}
