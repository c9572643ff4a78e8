/*
 * A perp generator's living population (issue 14 item 3; docs/scenario.md
 * "accounts[i].flow", docs/model-notes.md "A living perp population"). A
 * long replay of a perpetual market needs a book that refills after a
 * cascade: positions keep opening at the prevailing price and closing.
 *
 * Each round, after protocol p's liquidations (so a position is tested from
 * the round after it opened):
 *   1. owners close: each open position of a flow generator that is not
 *      liquidatable at the round's marks (equity >= maintenance) closes at
 *      the mark with probability 1 / holding; its PnL is realised and its
 *      equity leaves with its owner (margin and position go to 0);
 *   2. arrivals open: n new positions (Poisson with mean `inflow`, or
 *      floor(t inflow) - floor((t-1) inflow) for `fixed`), each with a
 *      notional V and leverage lambda from the generator's `size` and
 *      `leverage` distributions and a side from `long_share`, at entry = the
 *      mark: q = +-V / O, margin V / (lambda O_b). They take the free slots
 *      (position 0) of the generator's `capacity` in slot order; arrivals
 *      that find none are refused and counted (series perp_refused).
 * Owners' closes and arrivals do not trade on the route pool: the replay's
 * outside price already carries the market's own flow; only liquidations
 * are routed, as before.
 *
 * Random numbers (MODEL.md s7): stream LIQ_STREAM_FLOW | the generator's
 * stream, entity 4t + {0: the arrival count, 1: V and lambda of arrival k,
 * 2: its side, 3: the closes of slots 4i..4i+3} for round t, index k (or i):
 * a pure function of (seed, round, slot or arrival), so results do not
 * depend on the thread count. Everything here is serial, O(slots) a round;
 * nothing is allocated after liq_perp_flow_alloc.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine/perp.h"
#include "engine/sim_internal.h"
#include "liqnet/error.h"
#include "liqnet/perp.h"
#include "liqnet/rng.h"

size_t liq_perp_flow_slots(const liq_account_generator_t *g)
{
    return g->has_flow ? (size_t)g->flow.capacity : (size_t)g->count;
}

int liq_perp_flow_alloc(liq_perp_t *pp, const liq_scenario_t *sc, const bool *here)
{
    size_t n = 0;
    for (size_t g = 0; g < sc->n_generators; g++) {
        n += sc->generators[g].has_flow && here[sc->generators[g].protocol];
    }
    if (n == 0) {
        return LIQ_OK;
    }
    liq_perp_flow_t *flow = calloc(1, sizeof(*flow));
    if (flow == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the perp flows");
    }
    pp->flow = flow;
    const size_t np = sc->n_protocols;
    flow->gen = liq_calloc(n, sizeof(*flow->gen));
    flow->first = liq_calloc(n, sizeof(size_t));
    flow->opened = liq_calloc(np, sizeof(int64_t));
    flow->closed = liq_calloc(np, sizeof(int64_t));
    flow->refused = liq_calloc(np, sizeof(int64_t));
    flow->liquidated_long = liq_calloc(np, sizeof(double));
    flow->liquidated_short = liq_calloc(np, sizeof(double));
    if (!flow->gen || !flow->first || !flow->opened || !flow->closed || !flow->refused ||
        !flow->liquidated_long || !flow->liquidated_short) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the perp flows");
    }
    return LIQ_OK;
}

void liq_perp_flow_free(liq_perp_t *pp)
{
    liq_perp_flow_t *flow = pp->flow;
    if (flow == NULL) {
        return;
    }
    free(flow->gen);
    free(flow->first);
    free(flow->opened);
    free(flow->closed);
    free(flow->refused);
    free(flow->liquidated_long);
    free(flow->liquidated_short);
    free(flow);
    pp->flow = NULL;
}

void liq_perp_flow_layout(liq_perp_t *pp, const liq_account_generator_t *g, size_t a0, size_t q0)
{
    if (!g->has_flow || pp->flow == NULL) {
        return;
    }
    liq_perp_flow_t *flow = pp->flow;
    flow->gen[flow->n_generators] = g;
    flow->first[flow->n_generators] = a0;
    flow->n_generators++;
    /* Isolated: one position a slot (the scenario reader refuses cross). */
    const int32_t market = (int32_t)pp->market_offset[g->protocol] + g->market;
    for (size_t i = (size_t)g->count; i < (size_t)g->flow.capacity; i++) {
        pp->margin[a0 + i] = 0.0;
        pp->position_begin[a0 + i] = q0 + i;
        pp->position[q0 + i] = 0.0;
        pp->entry[q0 + i] = 0.0;
        pp->position_market[q0 + i] = market;
        pp->position_account[q0 + i] = a0 + i;
    }
}

void liq_perp_flow_adl_room(const liq_perp_t *pp, size_t *adl_count)
{
    const liq_perp_flow_t *flow = pp->flow;
    if (flow == NULL) {
        return;
    }
    for (size_t f = 0; f < flow->n_generators; f++) {
        for (size_t i = 0; i < (size_t)flow->gen[f]->flow.capacity; i++) {
            const size_t j = pp->position_begin[flow->first[f] + i];
            const size_t list = 2 * (size_t)pp->position_market[j];
            /* The side it holds is counted already; add the other one (both
             * for an empty slot). */
            if (!(pp->position[j] > 0.0)) {
                adl_count[list + 1 + 1]++;
            }
            if (!(pp->position[j] < 0.0)) {
                adl_count[list + 0 + 1]++;
            }
        }
    }
}

void liq_perp_flow_reset(liq_perp_t *pp, size_t p)
{
    liq_perp_flow_t *flow = pp->flow;
    flow->opened[p] = 0;
    flow->closed[p] = 0;
    flow->refused[p] = 0;
    flow->liquidated_long[p] = 0.0;
    flow->liquidated_short[p] = 0.0;
}

/* Long and short notional of account a at the round's marks, USD. */
static void liq_flow_sides(const liq_perp_t *pp, size_t a, double *lng, double *shrt)
{
    double l = 0.0, s = 0.0;
    for (size_t j = pp->position_begin[a]; j < pp->position_begin[a + 1]; j++) {
        const double notional = pp->position[j] * pp->mark[pp->position_market[j]];
        if (notional > 0.0) {
            l += notional;
        } else {
            s -= notional;
        }
    }
    *lng = l;
    *shrt = s;
}

void liq_perp_flow_before(liq_perp_t *pp, size_t a)
{
    liq_flow_sides(pp, a, &pp->flow->before_long, &pp->flow->before_short);
}

void liq_perp_flow_after(liq_perp_t *pp, size_t p, size_t a)
{
    liq_perp_flow_t *flow = pp->flow;
    double lng, shrt;
    liq_flow_sides(pp, a, &lng, &shrt);
    flow->liquidated_long[p] += flow->before_long - lng;
    flow->liquidated_short[p] += flow->before_short - shrt;
}

/* Owners close: slot i of generator f closes with probability 1 / holding
 * when it holds a position that is not liquidatable. */
static void liq_flow_close(struct liq_sim *sim, size_t p, size_t f)
{
    liq_perp_t *pp = sim->perp;
    const liq_account_generator_t *g = pp->flow->gen[f];
    if (g->flow.holding <= 0) {
        return;
    }
    const double hazard = 1.0 / (double)g->flow.holding;
    const uint64_t stream = LIQ_STREAM_FLOW | g->stream;
    const uint64_t entity = 4 * (uint64_t)sim->round + 3;
    const double price_margin = sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
    const size_t capacity = (size_t)g->flow.capacity;
    double u[4];
    for (size_t i = 0; i < capacity; i++) {
        if (i % 4 == 0) {
            liq_rng_uniform4(sim->key, stream, entity, i / 4, u);
        }
        const size_t a = pp->flow->first[f] + i;
        const size_t j = pp->position_begin[a];
        const double q = pp->position[j];
        if (q == 0.0 || !(u[i % 4] < hazard)) {
            continue;
        }
        const liq_perp_market_config_t *cfg = pp->market_config[pp->position_market[j]];
        const double mark = pp->mark[pp->position_market[j]];
        const double equity = pp->margin[a] * price_margin + liq_perp_pnl(q, pp->entry[j], mark);
        if (!(equity >= liq_perp_maintenance(cfg->n_tiers, cfg->tiers, q, mark))) {
            continue; /* liquidatable (stalled by the throughput cap): not the owner's to close */
        }
        pp->position[j] = 0.0;
        pp->margin[a] = 0.0;
        pp->flow->closed[p]++;
    }
}

/* The arrivals of generator f this round. */
static int64_t liq_flow_arrivals(const struct liq_sim *sim, const liq_account_generator_t *g)
{
    const int64_t t = sim->round;
    if (g->flow.process == LIQ_FLOW_FIXED) {
        return (int64_t)floor((double)t * g->flow.inflow) -
               (int64_t)floor((double)(t - 1) * g->flow.inflow);
    }
    double u[4];
    liq_rng_uniform4(sim->key, LIQ_STREAM_FLOW | g->stream, 4 * (uint64_t)t, 0, u);
    return liq_poisson_inverse(g->flow.inflow, u[0]);
}

/* Arrivals open: into the free slots of generator f, in slot order. */
static void liq_flow_open(struct liq_sim *sim, size_t p, size_t f)
{
    liq_perp_t *pp = sim->perp;
    const liq_account_generator_t *g = pp->flow->gen[f];
    const int64_t n = liq_flow_arrivals(sim, g);
    const uint64_t stream = LIQ_STREAM_FLOW | g->stream;
    const uint64_t t = (uint64_t)sim->round;
    const double price_margin = sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
    const size_t capacity = (size_t)g->flow.capacity;
    size_t i = 0;
    int64_t k = 0;
    for (; k < n; k++) {
        while (i < capacity && pp->position[pp->position_begin[pp->flow->first[f] + i]] != 0.0) {
            i++;
        }
        if (i == capacity) {
            break;
        }
        const size_t a = pp->flow->first[f] + i;
        const size_t j = pp->position_begin[a];
        double notional, leverage, u[4];
        liq_perp_draw(g, sim->key, stream, 4 * t + 1, (uint64_t)k, &notional, &leverage);
        liq_rng_uniform4(sim->key, stream, 4 * t + 2, (uint64_t)k / 4, u);
        const double mark = pp->mark[pp->position_market[j]];
        const double units = notional / mark;
        pp->position[j] = u[k % 4] < g->long_share ? units : -units;
        pp->entry[j] = mark;
        pp->margin[a] = notional / (leverage * price_margin);
        if (pp->cooldown_until != NULL) {
            pp->cooldown_until[a] = -1; /* a new owner: no partial-liquidation cooldown */
        }
        pp->flow->opened[p]++;
        i++;
    }
    pp->flow->refused[p] += n - k;
}

void liq_perp_flow_step(struct liq_sim *sim, size_t p)
{
    liq_perp_t *pp = sim->perp;
    for (size_t f = 0; f < pp->flow->n_generators; f++) {
        if ((size_t)pp->flow->gen[f]->protocol == p) {
            liq_flow_close(sim, p, f);
            liq_flow_open(sim, p, f);
        }
    }
}
