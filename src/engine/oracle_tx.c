/*
 * Oracles as transactions, and MakerDAO's Oracle Security Module (issue 13
 * item 2, issue 14 item 1; docs/model-notes.md "Oracles on a chain and the
 * OSM"). Both run inside the oracles phase (src/engine/phase_oracles.c).
 *
 * An oracle on a declared chain (`chain`): when its rule (heartbeat,
 * deviation, anchor) decides to publish in round t, its updater sends a
 * transaction carrying the value it read then; a block of a later round
 * includes it (by priority, as any transaction: src/engine/chains.c) and
 * the value becomes the oracle's in that round's oracles phase. One update
 * waits at a time; one its sender dropped at its deadline is sent again
 * when the rule next says so. The heartbeat counts from the last update
 * included (an aggregator's updatedAt).
 *
 * An OSM (`osm: {hop}`; makerdao/osm src/osm.sol, liqnet/oracle.h): its
 * published value is cur, the source's value at the poke before last. The
 * time of round t is t round_seconds after round 0, in whole seconds
 * (floor). Without a chain the poke runs in the first round whose time
 * passes zzz + hop, reading the source then (its peek of the medianizer);
 * on a chain a poke is sent in that round and runs in the block that
 * includes it, with that block's time as era() and the source's value of
 * the including round; it reverts (changes nothing) if pass() fails then.
 * MakerDAO's Spotter.poke (spot = cur / mat) is taken to follow every OSM
 * poke at once: the markets' liquidation thresholds are 1 / mat, so the
 * oracle's price is cur.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sim_internal.h"
#include "liqnet/error.h"

int liq_oracle_tx_init(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    struct liq_oracle_tx *x = &sim->otx;
    const size_t n = sim->n_oracles;
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        any |= sc->oracles[i].has_osm || sc->oracles[i].chain >= 0;
    }
    if (!any) {
        return LIQ_OK;
    }
    x->osm = liq_calloc(n, sizeof(*x->osm));
    x->carried = liq_calloc(n, sizeof(double));
    x->pending = liq_calloc(n, 1);
    x->send = liq_calloc(n, 1);
    x->included_round = liq_calloc(n, sizeof(int64_t));
    x->included_time = liq_calloc(n, sizeof(int64_t));
    if (!x->osm || !x->carried || !x->pending || !x->send || !x->included_round ||
        !x->included_time) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu oracles' transactions", n);
    }
    for (size_t i = 0; i < n; i++) {
        /* A feed that has long been running: cur = nxt = the round-0 value. */
        x->osm[i] = (liq_osm_t){sim->oracles.price[i], sim->oracles.price[i], 0};
        x->included_round[i] = -1;
    }
    x->enabled = 1;
    return LIQ_OK;
}

void liq_oracle_tx_destroy(struct liq_oracle_tx *x)
{
    void *arrays[] = {x->osm, x->carried, x->pending, x->send, x->included_round, x->included_time};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(x, 0, sizeof(*x));
}

/* Whole seconds of round t's time. */
static int64_t liq_round_time(const struct liq_sim *sim, int64_t t)
{
    return (int64_t)floor((double)t * sim->scenario->round_seconds);
}

/* An OSM's round: the poke a block included (on a chain) or the poke due
 * now (without one), then whether to send the next poke. */
static void liq_osm_step(struct liq_sim *sim, size_t i, double source)
{
    const liq_oracle_config_t *o = &sim->scenario->oracles[i];
    struct liq_oracle_tx *x = &sim->otx;
    liq_osm_t *osm = &x->osm[i];
    const int64_t now = liq_round_time(sim, sim->round);
    if (o->chain < 0) {
        (void)liq_osm_poke(osm, o->osm_hop, now, source);
    } else {
        if (x->included_round[i] == sim->round) {
            (void)liq_osm_poke(osm, o->osm_hop, x->included_time[i], source);
        }
        x->send[i] = !x->pending[i] && liq_osm_pass(osm, o->osm_hop, now);
    }
    if (sim->oracles.price[i] != osm->cur) {
        sim->oracles.last_publish[i] = sim->round;
    }
    sim->oracles.price[i] = osm->cur;
}

void liq_oracle_tx_step(struct liq_sim *sim, size_t i)
{
    const liq_oracle_config_t *o = &sim->scenario->oracles[i];
    struct liq_oracle_tx *x = &sim->otx;
    const int64_t t = sim->round;
    const int64_t u = liq_oracle_source_round(t, o->latency + o->message_latency);
    const double value = liq_oracle_source_value(sim, i, u);
    x->send[i] = 0;
    if (o->has_osm) {
        liq_osm_step(sim, i, value);
        return;
    }
    /* A push oracle on a chain: the included update, then the rule. */
    if (x->included_round[i] == t) {
        sim->oracles.price[i] = x->carried[i];
        sim->oracles.last_publish[i] = t;
    }
    if (x->pending[i] || !liq_oracle_should_publish(t, sim->oracles.last_publish[i], o->heartbeat,
                                                    value, sim->oracles.price[i], o->deviation)) {
        return;
    }
    if (!liq_oracle_anchor_accepts(sim, i, u, value)) {
        return;
    }
    x->carried[i] = value;
    x->send[i] = 1;
}

int liq_oracle_tx_send(struct liq_sim *sim)
{
    struct liq_oracle_tx *x = &sim->otx;
    if (!x->enabled) {
        return LIQ_OK;
    }
    const liq_scenario_t *sc = sim->scenario;
    for (size_t i = 0; i < sim->n_oracles; i++) {
        if (!x->send[i]) {
            continue;
        }
        x->send[i] = 0;
        const liq_oracle_config_t *o = &sc->oracles[i];
        const size_t c = (size_t)o->chain;
        const liq_bid_strategy_t s = liq_tx_strategy(&o->tx, 1.0);
        const liq_fee_view_t view = liq_chain_fee_view(sim, c);
        const liq_tx_t tx = {.bid = liq_bid_first(&s, &view),
                             .gas = o->tx.gas,
                             .submitted = sim->round,
                             .deadline = sim->round + o->tx.deadline,
                             .payload = (int64_t)i,
                             .sender = (int32_t)i,
                             .kind = LIQ_TX_ORACLE_UPDATE};
        const int rc = liq_chain_submit(sim->chains.chain[c], &tx, NULL);
        if (rc != LIQ_OK) {
            return rc;
        }
        x->pending[i] = 1;
    }
    return LIQ_OK;
}

void liq_oracle_tx_block(struct liq_sim *sim, const liq_tx_t *tx, int64_t seconds, int dropped)
{
    struct liq_oracle_tx *x = &sim->otx;
    const size_t i = (size_t)tx->payload;
    x->pending[i] = 0;
    if (!dropped) {
        x->included_round[i] = sim->round;
        x->included_time[i] = seconds;
    }
}
