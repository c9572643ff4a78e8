/*
 * Bridges and the liquidators' capital on each chain (issue 13 item 6;
 * docs/model-notes.md "Bridges and the liquidators' capital"). Off unless
 * the scenario declares bridges or a chain with a finite keeper_capital.
 *
 * The capital. The liquidators hold keeper_capital USD on a chain at
 * round 0, shared by the keepers of every protocol on it that liquidates
 * instantly. In the margin phase, serially in protocol order:
 *   1. the settlements of the protocol's included liquidations this round
 *      join its chain's capital: a liquidation that ran returns its reserve
 *      less the debt it repaid plus the collateral it seized (USD at this
 *      round's oracle prices: the proceeds land on the chain of the
 *      protocol, as if the keeper sold at the oracle price); one that
 *      reverted returns its reserve. (The margin engines run in parallel
 *      over protocols; each writes its own slot, merged here.)
 *   2. its keepers' sends are cut to what the free capital pays for:
 *      lowest health first, stopping at the first one it cannot pay for
 *      (the rule of keepers.capital, liquidate.c), each reserving the debt
 *      value it would repay at this round's prices; the rest stall and are
 *      chosen again next round.
 * A liquidation a block drops at its deadline returns its reserve then.
 *
 * Rebalancing. After every send of the round, for each bridge in
 * declaration order (from chain a to chain b, both with a stock), the
 * liquidators send
 *     x = min(capital_a - target_a - unmet_a,
 *             (target_b + unmet_b - capital_b - inbound_b) / (1 - fee))
 * USD when x > 0 (grossed up for the bridge's fee), unmet_c being the
 * repayments the cut of step 2 left unpaid on chain c this round and
 * inbound_b what is in flight to b on every bridge into it (units at this
 * round's reference price of their asset): the excess of a chain above
 * its target and its own unpaid repayments covers the shortfall of another
 * (below its target, or short of what its keepers wanted to repay),
 * counting what is already on its way; a chain whose keepers are short
 * sends nothing. x leaves chain a at once as
 * x / S units of the bridge's asset (S its reference price now); the fee
 * is kept by the bridge; what arrives joins chain b's capital at the
 * reference price of its round of arrival. Then every bridge delivers the
 * round (liqnet/bridge.h): a transfer sent in round t arrives from round
 * t + latency, at most capacity units a round, first in, first out; with
 * latency 0 it arrives in the round it was sent, of use from the next.
 * So the bridge's latency and capacity bound how fast capital follows a
 * cascade from chain to chain.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/margin.h"
#include "liqnet/bridge.h"
#include "liqnet/error.h"

/* ------------------------------------------------------ construction */

static bool liq_any_stock(const liq_scenario_t *sc)
{
    for (size_t c = 0; c < sc->n_chains; c++) {
        if (isfinite(sc->chains[c].keeper_capital)) {
            return true;
        }
    }
    return false;
}

int liq_bridges_init(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    struct liq_bridges *b = &sim->bridges;
    const bool stock = liq_any_stock(sc);
    if (sc->n_bridges == 0 && !stock) {
        return LIQ_OK;
    }
    const size_t n = sc->n_bridges, nc = sc->n_chains;
    b->bridge = liq_calloc(n, sizeof(*b->bridge));
    double **arrays[] = {&b->sent,       &b->delivered,       &b->fees,      &b->in_flight,
                         &b->total_sent, &b->total_delivered, &b->total_fees};
    bool ok = b->bridge != NULL;
    for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
        *arrays[k] = liq_calloc(n, sizeof(double));
        ok = ok && *arrays[k] != NULL;
    }
    b->capital = liq_calloc(nc, sizeof(double));
    b->target = liq_calloc(nc, sizeof(double));
    b->unmet = liq_calloc(nc, sizeof(double));
    b->reserved = liq_calloc(sim->accounts.n_accounts, sizeof(double));
    b->returned = liq_calloc(sim->n_protocols, sizeof(double));
    if (!ok || !b->capital || !b->target || !b->unmet || !b->reserved || !b->returned) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu bridges and %zu chains' capital", n,
                             nc);
    }
    b->n = n;
    b->stock = stock;
    for (size_t c = 0; c < nc; c++) {
        const liq_chain_config_t *cfg = &sc->chains[c];
        b->capital[c] = cfg->keeper_capital;
        b->target[c] = isnan(cfg->keeper_target) ? cfg->keeper_capital : cfg->keeper_target;
    }
    for (size_t k = 0; k < n; k++) {
        const liq_bridge_config_t *cfg = &sc->bridges[k];
        const liq_bridge_params_t params = {cfg->latency, cfg->capacity, cfg->fee};
        const int rc = liq_bridge_create(&b->bridge[k], &params);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    return LIQ_OK;
}

void liq_bridges_destroy(struct liq_bridges *b)
{
    if (b->bridge != NULL) {
        for (size_t k = 0; k < b->n; k++) {
            liq_bridge_destroy(b->bridge[k]);
        }
    }
    void *arrays[] = {b->bridge,    b->sent,       b->delivered,       b->fees,
                      b->in_flight, b->total_sent, b->total_delivered, b->total_fees,
                      b->capital,   b->target,     b->unmet,           b->reserved,
                      b->returned};
    for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
        free(arrays[k]);
    }
    memset(b, 0, sizeof(*b));
}

/* ------------------------------------------------------ the capital */

/* The chain whose capital stock protocol p's keepers use, or -1. */
static int32_t liq_stock_chain(const struct liq_sim *sim, size_t p)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    if (!sim->bridges.stock || proto->chain_index < 0 ||
        proto->liquidation.mode != LIQ_LIQUIDATION_INSTANT ||
        !isfinite(sim->bridges.capital[proto->chain_index])) {
        return -1;
    }
    return proto->chain_index;
}

void liq_bridges_release(struct liq_sim *sim, size_t p, size_t i)
{
    const int32_t c = liq_stock_chain(sim, p);
    if (c >= 0) {
        sim->bridges.capital[c] += sim->bridges.reserved[i];
        sim->bridges.reserved[i] = 0.0;
    }
}

void liq_bridges_settle(struct liq_sim *sim, size_t p, size_t i, double repaid, double seized)
{
    if (liq_stock_chain(sim, p) >= 0) {
        sim->bridges.returned[p] += sim->bridges.reserved[i] - repaid + seized;
        sim->bridges.reserved[i] = 0.0;
    }
}

/* qsort's comparators for the cut: candidate indices in rank order (the
 * candidates of the thread's protocol), and ascending. */
static _Thread_local const liq_candidate_t *liq_bridges_cand;

static int liq_rank_compare(const void *pa, const void *pb)
{
    const size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (a == b) {
        return 0;
    }
    return liq_rank_less(liq_bridges_cand, a, b) ? -1 : 1;
}

size_t liq_bridges_cut(struct liq_sim *sim, size_t p, size_t *rank, size_t n)
{
    const int32_t c = liq_stock_chain(sim, p);
    if (c < 0) {
        return n;
    }
    struct liq_bridges *b = &sim->bridges;
    b->capital[c] += b->returned[p];
    b->returned[p] = 0.0;
    if (n == 0) {
        return 0;
    }
    const liq_candidate_t *cand = sim->margin.candidates;
    liq_bridges_cand = cand;
    qsort(rank, n, sizeof(*rank), liq_rank_compare);
    size_t kept = 0;
    for (; kept < n; kept++) {
        const liq_candidate_t *q = &cand[rank[kept]];
        const double value = liq_candidate_repay_value(sim, p, q);
        if (!(value <= b->capital[c])) {
            break;
        }
        b->capital[c] -= value;
        b->reserved[q->account] = value;
    }
    for (size_t j = kept; j < n; j++) {
        b->unmet[c] += liq_candidate_repay_value(sim, p, &cand[rank[j]]);
    }
    qsort(rank, kept, sizeof(*rank), liq_index_compare);
    return kept;
}

/* ---------------------------------------------------- the transfers */

/* USD in flight toward chain `to` on every bridge into it, at this round's
 * reference prices, summed in bridge order. */
static double liq_inbound(const struct liq_sim *sim, int32_t to)
{
    const struct liq_bridges *b = &sim->bridges;
    double usd = 0.0;
    for (size_t k = 0; k < b->n; k++) {
        const liq_bridge_config_t *cfg = &sim->scenario->bridges[k];
        if (cfg->to == to) {
            const double units = b->total_sent[k] - b->total_fees[k] - b->total_delivered[k];
            usd += units * sim->market.reference_price[cfg->asset];
        }
    }
    return usd;
}

/* The liquidators' rebalancing transfer on bridge k, if any. */
static int liq_rebalance(struct liq_sim *sim, size_t k)
{
    struct liq_bridges *b = &sim->bridges;
    const liq_bridge_config_t *cfg = &sim->scenario->bridges[k];
    const int32_t from = cfg->from, to = cfg->to;
    if (!isfinite(b->capital[from]) || !isfinite(b->capital[to])) {
        return LIQ_OK;
    }
    const double excess = b->capital[from] - b->target[from] - b->unmet[from];
    const double shortfall = b->target[to] + b->unmet[to] - b->capital[to] - liq_inbound(sim, to);
    /* Grossed up for the fee, so that what arrives covers the shortfall. */
    const double gross = shortfall / (1.0 - cfg->fee);
    const double usd = excess < gross ? excess : gross;
    const double units = usd / sim->market.reference_price[cfg->asset];
    if (!(usd > 0.0 && units > 0.0 && isfinite(units))) {
        return LIQ_OK;
    }
    const int rc = liq_bridge_send(b->bridge[k], sim->round, units, to, NULL);
    if (rc != LIQ_OK) {
        return rc;
    }
    b->capital[from] -= usd;
    b->sent[k] += units;
    b->fees[k] += units * cfg->fee;
    b->total_sent[k] += units;
    b->total_fees[k] += units * cfg->fee;
    return LIQ_OK;
}

int liq_bridges_step(struct liq_sim *sim)
{
    struct liq_bridges *b = &sim->bridges;
    if (b->capital == NULL) {
        return LIQ_OK;
    }
    const liq_scenario_t *sc = sim->scenario;
    /* Settlements of protocols whose cut did not run (no sends). */
    for (size_t p = 0; p < sim->n_protocols; p++) {
        const int32_t c = liq_stock_chain(sim, p);
        if (c >= 0) {
            b->capital[c] += b->returned[p];
            b->returned[p] = 0.0;
        }
    }
    for (size_t k = 0; k < b->n; k++) {
        b->sent[k] = 0.0;
        b->fees[k] = 0.0;
        b->delivered[k] = 0.0;
        const int rc = liq_rebalance(sim, k);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    for (size_t k = 0; k < b->n; k++) {
        const liq_bridge_config_t *cfg = &sc->bridges[k];
        const liq_delivery_t *parts = NULL;
        size_t n = 0;
        const int rc = liq_bridge_deliver(b->bridge[k], sim->round, &parts, &n);
        if (rc != LIQ_OK) {
            return rc;
        }
        double units = 0.0;
        for (size_t j = 0; j < n; j++) {
            units += parts[j].amount;
        }
        b->delivered[k] = units;
        b->total_delivered[k] += units;
        if (isfinite(b->capital[cfg->to])) {
            b->capital[cfg->to] += units * sim->market.reference_price[cfg->asset];
        }
        /* Summed over the queue, not from the counters, so that the
         * conservation sent = delivered + in flight + fees is a check. */
        b->in_flight[k] = liq_bridge_totals(b->bridge[k]).in_flight;
    }
    memset(b->unmet, 0, sim->scenario->n_chains * sizeof(double));
    return LIQ_OK;
}
