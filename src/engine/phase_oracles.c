/*
 * Phase 3 of the round, the oracles (MODEL.md s3, s4 "Oracles", s5 oracle
 * variants): each feed reads its source (a reference price, a pool's spot
 * or TWAP, or the median of several) as of its latency, and publishes when
 * its heartbeat is due or the value moved past its deviation threshold,
 * unless an anchor band rejects it. Its last step is the protocols' risk
 * controls reading what the oracles published (src/engine/risk.c: circuit
 * breakers, dynamic penalties, gas congestion), before any margin engine
 * acts on it (docs/model-notes.md says why this round and not the derived
 * phase).
 *
 *   reads:  the asset and pool history rings (phases 1 and 2), last
 *           published prices;
 *   writes: oracle_price, oracle_last_publish; then the risk controls'
 *           state (penalty scale and the markets' bonus, breaker, gas).
 *
 * An OSM, or an oracle whose updates are transactions on a chain, steps
 * in src/engine/oracle_tx.c; the updates it sends go to the chain after
 * the parallel step, in oracle order.
 *
 * Oracles step in parallel; each writes only its own slots (a median
 * oracle sorts its inputs in its own slice of scratch).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine/sim_internal.h"
#include "liqnet/error.h"
#include "liqnet/oracle.h"

/* ------------------------------------------------------------- oracles */

/* Observable value of a price source at round u (<= current round). */
static double liq_source_value(const struct liq_sim *sim, const liq_price_source_t *src, int64_t u)
{
    const int64_t h = sim->market.hist_len;
    switch (src->source) {
    case LIQ_ORACLE_MARKET:
        return sim->market.asset_hist[(size_t)src->asset * (size_t)h + (size_t)(u % h)];
    case LIQ_ORACLE_POOL_SPOT:
        return sim->market.pool_hist[(size_t)src->pool * (size_t)h + (size_t)(u % h)];
    case LIQ_ORACLE_POOL_TWAP: {
        /* Arithmetic mean over rounds max(0, u - window + 1) .. u, summed
         * oldest first so that the sum order is fixed. */
        const int64_t first = u - src->window + 1 > 0 ? u - src->window + 1 : 0;
        const double *ring = sim->market.pool_hist + (size_t)src->pool * (size_t)h;
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
double liq_oracle_source_value(const struct liq_sim *sim, size_t i, int64_t u)
{
    const liq_oracle_config_t *o = &sim->scenario->oracles[i];
    if (o->source != LIQ_ORACLE_MEDIAN) {
        const liq_price_source_t own = {o->source, o->asset, o->pool, o->window};
        return liq_source_value(sim, &own, u);
    }
    double *v = sim->oracles.scratch + sim->oracles.scratch_begin[i];
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

/* Compound's anchored view: a value too far from the anchor is rejected
 * and the oracle keeps its last price. True without an anchor. */
bool liq_oracle_anchor_accepts(const struct liq_sim *sim, size_t i, int64_t u, double value)
{
    const liq_oracle_config_t *o = &sim->scenario->oracles[i];
    if (!o->has_anchor) {
        return true;
    }
    const double anchor = liq_source_value(sim, &o->anchor, u);
    return fabs(value / anchor - 1.0) <= o->anchor_band;
}

int liq_phase_oracles(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const int64_t t = sim->round;
    const size_t n = sim->n_oracles;
#pragma omp parallel for default(none) shared(sim, sc) firstprivate(t, n) schedule(static)         \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ENTITIES)
    for (size_t i = 0; i < n; i++) {
        const liq_oracle_config_t *o = &sc->oracles[i];
        if (liq_oracle_is_tx(sim, i)) {
            liq_oracle_tx_step(sim, i); /* an OSM, or updates sent to a chain (oracle_tx.c) */
            continue;
        }
        const int64_t u = liq_oracle_source_round(t, o->latency + o->message_latency);
        const double value = liq_oracle_source_value(sim, i, u);
        if (!liq_oracle_should_publish(t, sim->oracles.last_publish[i], o->heartbeat, value,
                                       sim->oracles.price[i], o->deviation)) {
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
        sim->oracles.price[i] = value;
        sim->oracles.last_publish[i] = t;
    }
    /* Updates and pokes to chains, in oracle order (src/engine/oracle_tx.c). */
    const int rc = liq_oracle_tx_send(sim);
    /* The protocols' risk controls read what the oracles published. */
    liq_risk_round(sim);
    return rc;
}

int liq_oracles_init(struct liq_sim *sim)
{
    struct liq_oracles *o = &sim->oracles;
    const size_t no = sim->n_oracles;
    o->price = liq_calloc(no, sizeof(double));
    o->last_publish = liq_calloc(no, sizeof(int64_t));
    o->scratch_begin = liq_calloc(no + 1, sizeof(size_t));
    if (!o->price || !o->last_publish || !o->scratch_begin) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the oracles' state");
    }
    size_t inputs = 0;
    for (size_t k = 0; k < no; k++) {
        o->scratch_begin[k] = inputs;
        inputs += sim->scenario->oracles[k].n_inputs;
    }
    o->scratch_begin[no] = inputs;
    o->scratch = liq_calloc(inputs, sizeof(double));
    if (o->scratch == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the oracles' state");
    }
    return LIQ_OK;
}

void liq_oracles_destroy(struct liq_oracles *o)
{
    if (o == NULL) {
        return;
    }
    free(o->price);
    free(o->last_publish);
    free(o->scratch_begin);
    free(o->scratch);
    memset(o, 0, sizeof(*o));
}
