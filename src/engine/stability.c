/*
 * Liquity-style stability pools (MODEL.md s5): the margin engine of a
 * protocol with `stability_pool`, in place of R0's.
 *
 * A round of pooled protocol p, at the round's oracle prices:
 *  1. TCR = (its collateral value) / (its debt value) before any
 *     liquidation; recovery mode for the whole round when TCR < CCR;
 *  2. scan the market's accounts (every one, every round: redistribution
 *     moves every trove, so a liquidation-price index would be stale after
 *     each liquidation) for troves in a liquidation band, and sort them by
 *     ICR, lowest first (Liquity's liquidateTroves order), ties by index;
 *  3. walk them in that order: the band is decided again against the pool as
 *     the earlier liquidations left it; keepers act when their gas
 *     compensation pays (gas_collateral O_a + gas_compensation O_b - g >=
 *     pi_min), at most M a round; troves left are stalled;
 *  4. each liquidation closes the trove: the pool's deposits fall by the
 *     offset and it gains the matching collateral; the keeper's collateral
 *     is sold on the route; the rest of debt and collateral waits for step 5;
 *  5. the round's redistributed debt and collateral are shared out among
 *     the troves still open (d > 0) in proportion to their collateral (their
 *     stake), in one pass, eagerly (no per-trove snapshots);
 *  6. the depositors sell sell_share of the pool's collateral on the route.
 *
 * Cost: two serial passes over the market (scan, and redistribution in
 * rounds that have some), 16 bytes of candidate scratch per account; at
 * Liquity's population (about 1e3 to 1e4 troves) a few microseconds. Pooled
 * protocols step in parallel with each other and with the others.
 */
#include <math.h>
#include <stdlib.h>

#include "engine/stability.h"
#include "liqnet/error.h"
#include "liqnet/stability.h"

static int liq_candidate_compare(const void *pa, const void *pb)
{
    const liq_candidate_t *a = pa, *b = pb;
    if (a->health != b->health) {
        return a->health < b->health ? -1 : 1;
    }
    return (a->account > b->account) - (a->account < b->account);
}

/* Collateral and debt value of the market m at this round's prices: TCR. */
static double liq_tcr(const struct liq_sim *sim, size_t m)
{
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    const double debt = sim->books.market_debt[m] * pd;
    return debt > 0.0 ? sim->books.market_collateral[m] * pc / debt : (double)INFINITY;
}

/* Market totals recomputed in account order, so that they stay the exact
 * sums of the accounts after a redistribution. */
static void liq_market_resum(struct liq_sim *sim, size_t m)
{
    double c = 0.0, d = 0.0;
    for (size_t i = sim->accounts.market_begin[m]; i < sim->accounts.market_begin[m + 1]; i++) {
        c += sim->accounts.collateral[i];
        d += sim->accounts.debt[i];
    }
    sim->books.market_collateral[m] = c;
    sim->books.market_debt[m] = d;
}

/* Step 5: shares debt and collateral out among the open troves of market m
 * in proportion to their collateral. Returns 0 when no trove is open. */
static int liq_redistribute(struct liq_sim *sim, size_t m, double debt, double collateral)
{
    const size_t begin = sim->accounts.market_begin[m], end = sim->accounts.market_begin[m + 1];
    double stake = 0.0;
    for (size_t i = begin; i < end; i++) {
        stake += sim->accounts.debt[i] > 0.0 ? sim->accounts.collateral[i] : 0.0;
    }
    if (!(stake > 0.0)) {
        return 0;
    }
    const double debt_per_stake = debt / stake;
    const double collateral_per_stake = collateral / stake;
    for (size_t i = begin; i < end; i++) {
        if (sim->accounts.debt[i] > 0.0) {
            const double c = sim->accounts.collateral[i];
            sim->accounts.debt[i] += c * debt_per_stake;
            sim->accounts.collateral[i] += c * collateral_per_stake;
        }
    }
    liq_market_resum(sim, m);
    return 1;
}

void liq_stability_liquidate(struct liq_sim *sim, size_t p)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const liq_stability_pool_config_t *cfg = &proto->stability_pool;
    struct liq_stability *st = sim->stability;
    const size_t m = sim->books.market_offset[p];
    const double lt = sim->books.markets[m].config.liquidation_threshold;
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);

    /* 1. The round's mode. */
    const double tcr = liq_tcr(sim, m);
    const int recovery = cfg->has_recovery_mode && tcr < cfg->ccr;

    /* 2. Troves in a band (with an unlimited pool: the pool decides later). */
    liq_candidate_t *cand = st->scratch + st->scratch_begin[p];
    size_t n_cand = 0;
    for (size_t i = sim->accounts.market_begin[m]; i < sim->accounts.market_begin[m + 1]; i++) {
        const double c = sim->accounts.collateral[i], d = sim->accounts.debt[i];
        if (liq_trove_band(c, d, pc, pd, lt, recovery, tcr, (double)INFINITY) != LIQ_TROVE_SAFE) {
            cand[n_cand].account = i;
            cand[n_cand].health = c * pc / (d * pd); /* ICR */
            n_cand++;
        }
    }
    if (n_cand > 1) {
        qsort(cand, n_cand, sizeof(*cand), liq_candidate_compare);
    }

    /* 3 and 4. Liquidations in ICR order against the pool as it goes. */
    double pool = st->deposits[p];
    double gained = st->collateral[p];
    double offset = 0.0, red_debt = 0.0, red_coll = 0.0, gas_coll = 0.0, surplus = 0.0;
    double repaid_value = 0.0, seized_value = 0.0;
    int64_t done = 0, stalled = 0;
    for (size_t k = 0; k < n_cand; k++) {
        const size_t i = cand[k].account;
        const double c = sim->accounts.collateral[i], d = sim->accounts.debt[i];
        const liq_trove_band_t band = liq_trove_band(c, d, pc, pd, lt, recovery, tcr, pool);
        if (band == LIQ_TROVE_SAFE) {
            continue; /* recovery mode, MCR <= ICR < TCR, and the pool no longer covers d */
        }
        const liq_trove_liquidation_t q =
            liq_trove_liquidate(band, c, d, pc, pd, lt, pool, cfg->gas_compensation_share);
        const double reward = q.gas_collateral * pc + cfg->gas_compensation * pd;
        if (done >= proto->max_liquidations || reward - proto->gas_cost < proto->min_profit) {
            stalled++;
            continue;
        }
        done++;
        pool -= q.offset;
        gained += q.pool_collateral;
        offset += q.offset;
        red_debt += q.redistributed_debt;
        red_coll += q.redistributed_collateral;
        gas_coll += q.gas_collateral;
        surplus += q.surplus;
        repaid_value += q.offset * pd;
        seized_value += (c - q.surplus) * pc;
        const liq_liquidation_event_t row =
            liq_events_liquidation_row(sim, p, i, q.offset * pd, (c - q.surplus) * pc, pc);
        liq_events_liquidation(sim, p, &row);
        sim->accounts.collateral[i] = 0.0;
        sim->accounts.debt[i] = 0.0;
        sim->books.market_collateral[m] -= c;
        sim->books.market_debt[m] -= d;
    }
    if (pool < 0.0) {
        pool = 0.0; /* min(d, pool) never overdraws; guards the rounding of pool - d */
    }

    /* 5. Redistribution; with no trove left open, the debt is bad debt and
     * its collateral is sold on the route with the keepers'. */
    double sale = gas_coll;
    if (done > 0) {
        liq_market_resum(sim, m);
    }
    if (red_debt > 0.0 || red_coll > 0.0) {
        if (!liq_redistribute(sim, m, red_debt, red_coll)) {
            const double bad_value = red_debt * pd;
            const double covered =
                bad_value < sim->books.insurance_fund[p] ? bad_value : sim->books.insurance_fund[p];
            sim->books.insurance_fund[p] -= covered;
            sim->books.deficit[p] += bad_value - covered;
            sim->books.bad_debt[p] += bad_value;
            sale += red_coll;
        }
    }

    /* 6. The depositors' sale. */
    const double sold = cfg->sell_share * gained;
    gained -= sold;
    sale += sold;

    sim->books.market_seized[m] = sale;
    sim->cross.liquidations[p] = 0;
    sim->books.liquidations[p] = done;
    sim->books.stalled[p] = stalled;
    sim->books.repaid_value[p] = repaid_value;
    sim->books.seized_value[p] = seized_value;
    st->deposits[p] = pool;
    st->collateral[p] = gained;
    st->offset[p] = offset;
    st->redistributed_debt[p] = red_debt;
    st->redistributed_collateral[p] = red_coll;
    st->sold[p] = sold;
    st->surplus[p] += surplus;
    st->recovery[p] = recovery;
    st->tcr[p] = liq_tcr(sim, m);
}

int liq_stability_init(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const size_t np = sim->n_protocols;
    size_t pooled = 0;
    for (size_t p = 0; p < np; p++) {
        if (!sc->protocols[p].has_stability_pool) {
            continue;
        }
        if (sim->accounts.n_cross > 0 &&
            sim->accounts.cross_begin[p + 1] > sim->accounts.cross_begin[p]) {
            return liq_error_set(LIQ_EINVAL,
                                 "protocol '%s' has a stability_pool and %zu cross-margin "
                                 "accounts; expected isolated accounts only (one collateral)",
                                 sc->protocols[p].name,
                                 sim->accounts.cross_begin[p + 1] - sim->accounts.cross_begin[p]);
        }
        pooled++;
    }
    if (pooled == 0) {
        return LIQ_OK;
    }
    struct liq_stability *st = calloc(1, sizeof(*st));
    sim->stability = st;
    if (st == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the stability pools");
    }
    st->market = liq_calloc(sim->n_markets, sizeof(int));
    st->deposits = liq_calloc(np, sizeof(double));
    st->collateral = liq_calloc(np, sizeof(double));
    st->offset = liq_calloc(np, sizeof(double));
    st->redistributed_debt = liq_calloc(np, sizeof(double));
    st->redistributed_collateral = liq_calloc(np, sizeof(double));
    st->sold = liq_calloc(np, sizeof(double));
    st->surplus = liq_calloc(np, sizeof(double));
    st->tcr = liq_calloc(np, sizeof(double));
    st->recovery = liq_calloc(np, sizeof(int64_t));
    st->scratch_begin = liq_calloc(np + 1, sizeof(size_t));
    if (!st->deposits || !st->collateral || !st->offset || !st->redistributed_debt ||
        !st->redistributed_collateral || !st->sold || !st->surplus || !st->tcr || !st->recovery ||
        !st->scratch_begin || !st->market) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the stability pools");
    }
    for (size_t p = 0; p < np; p++) {
        const liq_protocol_config_t *proto = &sc->protocols[p];
        size_t n = 0;
        st->tcr[p] = NAN;
        if (proto->has_stability_pool) {
            const size_t m = sim->books.market_offset[p];
            n = sim->accounts.market_begin[m + 1] - sim->accounts.market_begin[m];
            st->market[m] = 1;
            /* Scan mode keeps the market off the index for good: the margin
             * phase neither gathers nor re-sorts it (src/engine/price_index.c). */
            sim->index.market_scan[m] = 1;
            st->deposits[p] = proto->stability_pool.deposits;
            st->tcr[p] = liq_tcr(sim, m);
            st->recovery[p] =
                proto->stability_pool.has_recovery_mode && st->tcr[p] < proto->stability_pool.ccr;
        }
        st->scratch_begin[p + 1] = st->scratch_begin[p] + n;
    }
    st->scratch = liq_calloc(st->scratch_begin[np], sizeof(*st->scratch));
    if (st->scratch == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the stability pools' %zu troves",
                             st->scratch_begin[np]);
    }
    return LIQ_OK;
}

void liq_stability_destroy(struct liq_stability *st)
{
    if (st == NULL) {
        return;
    }
    free(st->market);
    free(st->deposits);
    free(st->collateral);
    free(st->offset);
    free(st->redistributed_debt);
    free(st->redistributed_collateral);
    free(st->sold);
    free(st->surplus);
    free(st->tcr);
    free(st->recovery);
    free(st->scratch_begin);
    free(st->scratch);
    free(st);
}
