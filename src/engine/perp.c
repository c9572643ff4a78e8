/*
 * The perpetual-futures engine (MODEL.md s5, "Perpetual futures"): margin
 * accounts with positions in a perp protocol's markets, liquidated when
 * their equity falls below their tiered maintenance margin, closed through
 * the route pool (longs sell, shorts buy), their losses paid by the
 * insurance fund and then by auto-deleveraging (ADL) of opposite positions.
 *
 * Workload: every perp account is tested every round (no liquidation-price
 * index: a cross account's liquidation price depends on several marks). The
 * test is a parallel pass writing one ratio per account; everything after
 * it (ranking, closes, ADL, the open interest) is serial in account and
 * position order, so results do not depend on the thread count. The serial
 * part costs O(liquidatable accounts log) plus, per account whose loss the
 * fund cannot cover, O(positions of its protocol log) for the ADL ranking.
 * Nothing is allocated after liq_perp_create.
 *
 * Units: positions q in units of the market's asset, entry and mark prices
 * in USD per unit, margin m in units of the protocol's margin asset (priced
 * by its oracle O_b), equity, maintenance, fund and losses in USD:
 * equity = m O_b + sum_k q_k (O_k - e_k) (MODEL.md's m + q (O_a - e) with
 * the margin valued at its oracle price).
 */
#include "engine/perp.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "engine/sim_internal.h"
#include "liqnet/amm.h"
#include "liqnet/error.h"
#include "liqnet/perp.h"

/* ---------------------------------------------------------- construction */

/* Positions per account of a generator: one (isolated) or one per market
 * of its protocol (cross). */
static size_t liq_gen_positions(const liq_scenario_t *sc, const liq_account_generator_t *g)
{
    return g->margin == LIQ_MARGIN_CROSS ? sc->protocols[g->protocol].n_perp_markets : 1;
}

/* Account `index` of a perp generator: notional V (USD at round-0 marks),
 * leverage lambda, and the side of each of its n positions, long when a
 * uniform draw falls below long_share. Counter-based: (stream, entity 0,
 * index) for V and lambda, (stream, entity 1 + k / 4, index) for the side
 * of position k; a flow's arrivals draw V and lambda from counters of
 * their own (src/engine/perp_flow.c). */
void liq_perp_draw(const liq_account_generator_t *g, liq_rng_key_t key, uint64_t stream,
                   uint64_t entity, uint64_t index, double *notional, double *leverage)
{
    double z[2], u[2];
    liq_rng_normal2(key, stream, entity, index, z, u);
    double value;
    if (g->size_dist == LIQ_SIZE_PARETO) {
        value = g->size_b * pow(u[0], -1.0 / g->size_a);
    } else {
        value = g->size_a * exp(g->size_b * z[0]);
    }
    *notional = value > g->size_max ? g->size_max : value;
    if (g->health_dist == LIQ_HEALTH_UNIFORM) {
        *leverage = g->health_a + (g->health_b - g->health_a) * u[1];
    } else {
        *leverage = g->health_a * exp(g->health_b * z[1]);
    }
}

static bool liq_perp_draw_long(const liq_account_generator_t *g, liq_rng_key_t key, uint64_t index,
                               size_t k)
{
    double u[4];
    liq_rng_uniform4(key, LIQ_STREAM_GENERATOR | g->stream, 1 + (uint64_t)(k / 4), index, u);
    return u[k % 4] < g->long_share;
}

void liq_perp_destroy(liq_perp_t *perp)
{
    if (perp == NULL) {
        return;
    }
    void *arrays[] = {perp->market_offset,
                      perp->market_config,
                      perp->mark,
                      perp->sell,
                      perp->buy,
                      perp->pool_sell0,
                      perp->pool_sell1,
                      perp->pool_buy0,
                      perp->pool_buy1,
                      perp->pool_paid0,
                      perp->pool_paid1,
                      perp->account_begin,
                      perp->margin,
                      perp->position_begin,
                      perp->ratio,
                      perp->candidate,
                      perp->position,
                      perp->entry,
                      perp->position_market,
                      perp->position_account,
                      perp->adl,
                      perp->adl_offset,
                      perp->adl_size,
                      perp->adl_cursor,
                      perp->adl_built,
                      perp->liquidations,
                      perp->adl_count,
                      perp->adl_volume,
                      perp->liquidated_notional,
                      perp->fee,
                      perp->adl_covered,
                      perp->fund_covered,
                      perp->open_long,
                      perp->open_short};
    for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
        free(arrays[k]);
    }
    liq_perp_rules_free(perp);
    liq_perp_flow_free(perp);
    free(perp);
}

/* Open interest and margin value of protocol p after the round: serial
 * sums in position and account order. */
static void liq_perp_totals(struct liq_sim *sim, size_t p)
{
    liq_perp_t *pp = sim->perp;
    const double price_margin = sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
    double open_long = 0.0, open_short = 0.0, margin = 0.0;
    for (size_t a = pp->account_begin[p]; a < pp->account_begin[p + 1]; a++) {
        margin += pp->margin[a];
        for (size_t j = pp->position_begin[a]; j < pp->position_begin[a + 1]; j++) {
            const double q = pp->position[j];
            const double mark = pp->mark[pp->position_market[j]];
            if (q > 0.0) {
                open_long += q * mark;
            } else if (q < 0.0) {
                open_short -= q * mark;
            }
        }
    }
    pp->open_long[p] = open_long;
    pp->open_short[p] = open_short;
    /* A perp protocol has no lending markets: its collateral is the margin
     * its accounts deposited, its debt nothing. */
    sim->books.collateral_value[p] = margin * price_margin;
    sim->books.debt_value[p] = 0.0;
}

static void liq_perp_marks(struct liq_sim *sim)
{
    liq_perp_t *pp = sim->perp;
    for (size_t k = 0; k < pp->n_markets; k++) {
        pp->mark[k] = sim->oracles.price[pp->market_config[k]->oracle];
    }
}

static int liq_perp_alloc(liq_perp_t *pp, size_t np, size_t n_pools)
{
    const size_t nm = pp->n_markets, na = pp->n_accounts, nq = pp->n_positions;
    pp->market_config = liq_calloc(nm, sizeof(*pp->market_config));
    pp->mark = liq_calloc(nm, sizeof(double));
    pp->sell = liq_calloc(nm, sizeof(double));
    pp->buy = liq_calloc(nm, sizeof(double));
    pp->pool_sell0 = liq_calloc(n_pools, sizeof(double));
    pp->pool_sell1 = liq_calloc(n_pools, sizeof(double));
    pp->pool_buy0 = liq_calloc(n_pools, sizeof(double));
    pp->pool_buy1 = liq_calloc(n_pools, sizeof(double));
    pp->pool_paid0 = liq_calloc(n_pools, sizeof(double));
    pp->pool_paid1 = liq_calloc(n_pools, sizeof(double));
    pp->margin = liq_calloc(na, sizeof(double));
    pp->position_begin = liq_calloc(na + 1, sizeof(size_t));
    pp->ratio = liq_calloc(na, sizeof(double));
    pp->candidate = liq_calloc(na, sizeof(liq_candidate_t));
    pp->position = liq_calloc(nq, sizeof(double));
    pp->entry = liq_calloc(nq, sizeof(double));
    pp->position_market = liq_calloc(nq, sizeof(int32_t));
    pp->position_account = liq_calloc(nq, sizeof(size_t));
    /* A flow slot may hold either side: room in both queues (perp_flow.c). */
    pp->adl = liq_calloc(pp->flow != NULL ? 2 * nq : nq, sizeof(liq_adl_entry_t));
    pp->adl_offset = liq_calloc(2 * nm + 1, sizeof(size_t));
    pp->adl_size = liq_calloc(2 * nm, sizeof(size_t));
    pp->adl_cursor = liq_calloc(2 * nm, sizeof(size_t));
    pp->adl_built = liq_calloc(2 * nm, sizeof(int64_t));
    pp->liquidations = liq_calloc(np, sizeof(int64_t));
    pp->adl_count = liq_calloc(np, sizeof(int64_t));
    pp->adl_volume = liq_calloc(np, sizeof(double));
    pp->liquidated_notional = liq_calloc(np, sizeof(double));
    pp->fee = liq_calloc(np, sizeof(double));
    pp->adl_covered = liq_calloc(np, sizeof(double));
    pp->fund_covered = liq_calloc(np, sizeof(double));
    pp->open_long = liq_calloc(np, sizeof(double));
    pp->open_short = liq_calloc(np, sizeof(double));
    if (!pp->market_config || !pp->mark || !pp->sell || !pp->buy || !pp->pool_sell0 ||
        !pp->pool_sell1 || !pp->pool_buy0 || !pp->pool_buy1 || !pp->pool_paid0 || !pp->pool_paid1 ||
        !pp->margin || !pp->position_begin || !pp->ratio || !pp->candidate || !pp->position ||
        !pp->entry || !pp->position_market || !pp->position_account || !pp->adl ||
        !pp->liquidations || !pp->adl_count || !pp->adl_volume || !pp->liquidated_notional ||
        !pp->fee || !pp->adl_covered || !pp->fund_covered || !pp->open_long || !pp->open_short) {
        return liq_error_set(LIQ_ENOMEM,
                             "out of memory for %zu perp accounts with %zu positions (%zu bytes)",
                             na, nq, na * 40 + nq * 52);
    }
    return LIQ_OK;
}

/* Fills the accounts of generator g: account a0 + i, positions from q0. */
static void liq_perp_generate(struct liq_sim *sim, const liq_account_generator_t *g, size_t a0,
                              size_t q0)
{
    liq_perp_t *pp = sim->perp;
    const liq_scenario_t *sc = sim->scenario;
    const liq_protocol_config_t *proto = &sc->protocols[g->protocol];
    const size_t k_per = liq_gen_positions(sc, g);
    const size_t m0 = pp->market_offset[g->protocol];
    const double price_margin = sim->oracles.price[proto->debt_oracle];
    double weight_total = 0.0;
    for (size_t k = 0; g->margin == LIQ_MARGIN_CROSS && k < k_per; k++) {
        weight_total += g->collateral_weight[k];
    }
    const int64_t n = g->count;
    const liq_rng_key_t key = sim->key;
#pragma omp parallel for default(none) shared(pp, g)                                               \
    firstprivate(n, key, a0, q0, k_per, m0, price_margin, weight_total) schedule(static)           \
        num_threads(sim->threads) if (n >= (int64_t)LIQ_PARALLEL_MIN_ACCOUNTS)
    for (int64_t i = 0; i < n; i++) {
        double notional, leverage;
        liq_perp_draw(g, key, LIQ_STREAM_GENERATOR | g->stream, 0, (uint64_t)i, &notional,
                      &leverage);
        const size_t a = a0 + (size_t)i;
        const size_t first = q0 + (size_t)i * k_per;
        pp->margin[a] = notional / (leverage * price_margin);
        pp->position_begin[a] = first;
        for (size_t k = 0; k < k_per; k++) {
            const size_t market = g->margin == LIQ_MARGIN_CROSS ? m0 + k : m0 + (size_t)g->market;
            const double share =
                g->margin == LIQ_MARGIN_CROSS ? g->collateral_weight[k] / weight_total : 1.0;
            const double mark = pp->mark[market];
            const double units = notional * share / mark;
            const size_t j = first + k;
            pp->position[j] = liq_perp_draw_long(g, key, (uint64_t)i, k) ? units : -units;
            pp->entry[j] = mark;
            pp->position_market[j] = (int32_t)market;
            pp->position_account[j] = a;
        }
    }
}

/* The accounts of protocol p's positions file, from account a0 and
 * position q0: entry e (the initial mark where the file has none), margin
 * |q| e / leverage in USD, held in units of the margin asset. */
static void liq_perp_file_accounts(struct liq_sim *sim, size_t p, size_t a0, size_t q0)
{
    liq_perp_t *pp = sim->perp;
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const double price_margin = sim->oracles.price[proto->debt_oracle];
    for (size_t i = 0; i < proto->n_perp_positions; i++) {
        const size_t a = a0 + i, j = q0 + i;
        const size_t market = pp->market_offset[p] + (size_t)proto->perp_position_market[i];
        const double entry =
            isnan(proto->perp_position_entry[i]) ? pp->mark[market] : proto->perp_position_entry[i];
        const double q = proto->perp_position_size[i];
        pp->margin[a] = fabs(q) * entry / (proto->perp_position_leverage[i] * price_margin);
        pp->position_begin[a] = j;
        pp->position[j] = q;
        pp->entry[j] = entry;
        pp->position_market[j] = (int32_t)market;
        pp->position_account[j] = a;
    }
}

/* Whether protocol p is a perp protocol whose accounts this process holds. */
static bool liq_perp_here(const struct liq_sim *sim, size_t p)
{
    return sim->scenario->protocols[p].kind == LIQ_PROTOCOL_PERP && liq_owns(sim, p);
}

int liq_perp_create(struct liq_sim *sim)
{
    const liq_scenario_t *sc = sim->scenario;
    const size_t np = sc->n_protocols;
    size_t n_markets = 0;
    bool any = false;
    for (size_t p = 0; p < np; p++) {
        if (sc->protocols[p].kind == LIQ_PROTOCOL_PERP) {
            any = true;
            n_markets += sc->protocols[p].n_perp_markets;
        }
    }
    if (!any) {
        return LIQ_OK;
    }
    liq_perp_t *pp = calloc(1, sizeof(*pp));
    if (pp == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the perp store");
    }
    pp->n_markets = n_markets;
    pp->market_offset = liq_calloc(np + 1, sizeof(size_t));
    pp->account_begin = liq_calloc(np + 1, sizeof(size_t));
    if (pp->market_offset == NULL || pp->account_begin == NULL) {
        liq_perp_destroy(pp);
        return liq_error_set(LIQ_ENOMEM, "out of memory for the perp store");
    }
    /* Accounts per protocol, generators in list order. */
    for (size_t g = 0; g < sc->n_generators; g++) {
        const liq_account_generator_t *gen = &sc->generators[g];
        if (liq_perp_here(sim, (size_t)gen->protocol)) {
            pp->account_begin[gen->protocol + 1] += liq_perp_flow_slots(gen);
            pp->n_positions += liq_perp_flow_slots(gen) * liq_gen_positions(sc, gen);
        }
    }
    /* Positions files: one isolated account per open position. */
    for (size_t p = 0; p < np; p++) {
        if (liq_perp_here(sim, p)) {
            pp->account_begin[p + 1] += sc->protocols[p].n_perp_positions;
            pp->n_positions += sc->protocols[p].n_perp_positions;
        }
    }
    for (size_t p = 0; p < np; p++) {
        pp->account_begin[p + 1] += pp->account_begin[p];
        pp->market_offset[p + 1] =
            pp->market_offset[p] +
            (sc->protocols[p].kind == LIQ_PROTOCOL_PERP ? sc->protocols[p].n_perp_markets : 0);
    }
    pp->n_accounts = pp->account_begin[np];
    bool *here = liq_calloc(np, sizeof(bool));
    if (here == NULL) {
        liq_perp_destroy(pp);
        return liq_error_set(LIQ_ENOMEM, "out of memory for the perp store");
    }
    for (size_t p = 0; p < np; p++) {
        here[p] = liq_perp_here(sim, p);
    }
    int rc = liq_perp_flow_alloc(pp, sc, here);
    free(here);
    if (rc == LIQ_OK) {
        rc = liq_perp_alloc(pp, np, sc->n_pools);
    }
    if (rc == LIQ_OK) {
        rc = liq_perp_rules_alloc(pp, sc);
    }
    if (rc != LIQ_OK) {
        liq_perp_destroy(pp);
        return rc;
    }
    for (size_t p = 0; p < np; p++) {
        for (size_t k = 0; k < pp->market_offset[p + 1] - pp->market_offset[p]; k++) {
            pp->market_config[pp->market_offset[p] + k] = &sc->protocols[p].perp_markets[k];
        }
    }
    sim->perp = pp;
    liq_perp_marks(sim);
    /* Generators fill their protocol's accounts in list order. */
    size_t *next = liq_calloc(np, sizeof(size_t));
    if (next == NULL) {
        sim->perp = NULL;
        liq_perp_destroy(pp);
        return liq_error_set(LIQ_ENOMEM, "out of memory for the perp store");
    }
    memcpy(next, pp->account_begin, np * sizeof(size_t));
    size_t positions = 0;
    for (size_t p = 0; p < np; p++) {
        if (!liq_perp_here(sim, p)) {
            continue;
        }
        for (size_t g = 0; g < sc->n_generators; g++) {
            const liq_account_generator_t *gen = &sc->generators[g];
            if ((size_t)gen->protocol != p) {
                continue;
            }
            liq_perp_generate(sim, gen, next[p], positions);
            liq_perp_flow_layout(pp, gen, next[p], positions);
            next[p] += liq_perp_flow_slots(gen);
            positions += liq_perp_flow_slots(gen) * liq_gen_positions(sc, gen);
        }
        liq_perp_file_accounts(sim, p, next[p], positions);
        next[p] += sc->protocols[p].n_perp_positions;
        positions += sc->protocols[p].n_perp_positions;
    }
    free(next);
    pp->position_begin[pp->n_accounts] = pp->n_positions;
    /* ADL queues: a slice per (market, side) as large as the positions
     * opened on that side (a position never changes side). */
    for (size_t j = 0; j < pp->n_positions; j++) {
        if (pp->position[j] != 0.0) {
            const size_t list = 2 * (size_t)pp->position_market[j] + (pp->position[j] > 0.0);
            pp->adl_offset[list + 1]++;
        }
    }
    liq_perp_flow_adl_room(pp, pp->adl_offset);
    for (size_t list = 0; list < 2 * pp->n_markets; list++) {
        pp->adl_offset[list + 1] += pp->adl_offset[list];
        pp->adl_built[list] = -1;
    }
    for (size_t p = 0; p < np; p++) {
        if (liq_perp_here(sim, p)) {
            liq_perp_totals(sim, p);
        }
    }
    return LIQ_OK;
}

/* ------------------------------------------------------------ the round */

/* Equity, maintenance and notional of account a at the round's marks. */
void liq_perp_account(const liq_perp_t *pp, size_t a, double price_margin, double *equity,
                      double *maintenance, double *notional)
{
    double e = pp->margin[a] * price_margin, mm = 0.0, n = 0.0;
    for (size_t j = pp->position_begin[a]; j < pp->position_begin[a + 1]; j++) {
        const double q = pp->position[j];
        if (q == 0.0) {
            continue;
        }
        const liq_perp_market_config_t *cfg = pp->market_config[pp->position_market[j]];
        const double mark = pp->mark[pp->position_market[j]];
        e += liq_perp_pnl(q, pp->entry[j], mark);
        mm += liq_perp_maintenance(cfg->n_tiers, cfg->tiers, q, mark);
        n += fabs(q) * mark;
    }
    *equity = e;
    *maintenance = mm;
    *notional = n;
}

static int liq_candidate_compare(const void *pa, const void *pb)
{
    const liq_candidate_t *a = pa, *b = pb;
    if (a->health != b->health) {
        return a->health < b->health ? -1 : 1;
    }
    return (a->account > b->account) - (a->account < b->account);
}

/* ADL order: the score (liq_perp_adl_score), largest first; ties by position. */
static int liq_adl_compare(const void *pa, const void *pb)
{
    const liq_adl_entry_t *a = pa, *b = pb;
    if (a->score != b->score) {
        return a->score > b->score ? -1 : 1;
    }
    return (a->position > b->position) - (a->position < b->position);
}

/* The ADL queue of (market, side): the positions of that side in that
 * market ranked by unrealised PnL x leverage, largest first, ties by
 * position index. Built at most once a round, when the first bankrupt
 * position of the other side needs it, from the state at that moment
 * (exchanges publish their ADL ranking periodically, not after every
 * fill); later ADL of the round continues where the last one stopped.
 * O(positions of the protocol) to gather, O(n log n) to sort. */
static size_t liq_perp_adl_queue(struct liq_sim *sim, size_t p, int32_t market, double side)
{
    liq_perp_t *pp = sim->perp;
    const size_t list = 2 * (size_t)market + (side > 0.0 ? 1 : 0);
    if (pp->adl_built[list] == sim->round) {
        return list;
    }
    const double price_margin = sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
    const double mark = pp->mark[market];
    liq_adl_entry_t *queue = pp->adl + pp->adl_offset[list];
    size_t n = 0;
    for (size_t a = pp->account_begin[p]; a < pp->account_begin[p + 1]; a++) {
        for (size_t i = pp->position_begin[a]; i < pp->position_begin[a + 1]; i++) {
            if (pp->position_market[i] != market || !(pp->position[i] * side > 0.0)) {
                continue;
            }
            double equity, maintenance, notional;
            liq_perp_account(pp, a, price_margin, &equity, &maintenance, &notional);
            /* Leverage is the account's notional over its equity; an account
             * with no equity left ranks last. */
            queue[n].score =
                liq_perp_adl_score(sim->scenario->protocols[p].adl_rank, pp->position[i],
                                   pp->entry[i], mark, notional, equity);
            queue[n].position = i;
            n++;
        }
    }
    if (n > 1) {
        qsort(queue, n, sizeof(*queue), liq_adl_compare);
    }
    pp->adl_size[list] = n;
    pp->adl_cursor[list] = 0;
    pp->adl_built[list] = sim->round;
    return list;
}

/* Auto-deleveraging for position j of a bankrupt account of protocol p:
 * `target` units of it are taken over by the opposite positions of its
 * market at `price` (the bankruptcy price), in ADL order. Each is reduced by
 * delta <= |q_i| and realises its PnL at that price into its margin, which
 * moves delta |price - O| of the loss to it. Returns the units placed. */
double liq_perp_adl(struct liq_sim *sim, size_t p, size_t j, double target, double price)
{
    liq_perp_t *pp = sim->perp;
    const double price_margin = sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
    const int32_t market = pp->position_market[j];
    const double side = pp->position[j] > 0.0 ? 1.0 : -1.0;
    const double own = -side; /* the counterparties' side */
    const double mark = pp->mark[market];
    const size_t list = liq_perp_adl_queue(sim, p, market, own);
    const liq_adl_entry_t *queue = pp->adl + pp->adl_offset[list];
    double remaining = target;
    size_t r = pp->adl_cursor[list];
    for (; r < pp->adl_size[list] && remaining > 0.0; r++) {
        const size_t i = queue[r].position;
        const double held = fabs(pp->position[i]);
        if (held == 0.0) {
            continue; /* closed earlier in the round */
        }
        const double delta = held < remaining ? held : remaining;
        pp->margin[pp->position_account[i]] += own * delta * (price - pp->entry[i]) / price_margin;
        pp->position[i] = held == delta ? 0.0 : pp->position[i] - own * delta;
        remaining = held < remaining ? remaining - held : 0.0;
        pp->adl_count[p]++;
        pp->adl_volume[p] += delta * mark;
        if (pp->position[i] != 0.0) {
            break; /* partly reduced: the next ADL starts with it */
        }
    }
    pp->adl_cursor[list] = r;
    return target - remaining;
}

/* Liquidates account a of protocol p: closes every position at the mark.
 * With equity left, the liquidation fee (up to the equity) goes to the
 * insurance fund and the rest back to the owner. With negative equity the
 * loss L is written off: the fund pays what it can; the rest, a share f of
 * L, is auto-deleveraged: f of each position is taken over by opposite
 * positions at its bankruptcy price; what they cannot take is deficit. The
 * part of each position not taken over goes to the route pool. */
static void liq_perp_liquidate(struct liq_sim *sim, size_t p, size_t a)
{
    liq_perp_t *pp = sim->perp;
    const double price_margin = sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
    double equity, maintenance, notional;
    liq_perp_account(pp, a, price_margin, &equity, &maintenance, &notional);
    if (notional == 0.0) {
        return; /* auto-deleveraged to nothing earlier in the round */
    }
    if (liq_perp_rules(sim, p, a, equity, maintenance, notional)) {
        return; /* taken by the liquidator vault, or liquidated in part */
    }
    if (sim->scenario->protocols[p].perp_fill == LIQ_PERP_FILL_BOOK) {
        liq_perp_liquidate_book(sim, p, a, equity, notional);
        return;
    }
    double fee = 0.0;
    for (size_t j = pp->position_begin[a]; j < pp->position_begin[a + 1]; j++) {
        const int32_t k = pp->position_market[j];
        fee += fabs(pp->position[j]) * pp->mark[k] * pp->market_config[k]->liquidation_fee;
    }
    sim->books.liquidations[p]++;
    pp->liquidations[p]++;
    sim->books.seized_value[p] += notional;
    pp->liquidated_notional[p] += notional;
    const liq_liquidation_event_t row = liq_events_liquidation_row(sim, p, a, 0.0, notional, NAN);
    liq_events_liquidation(sim, p, &row);
    double adl_share = 0.0, loss = 0.0;
    if (equity >= 0.0) {
        const double paid = fee < equity ? fee : equity;
        sim->books.insurance_fund[p] += paid;
        pp->fee[p] += paid;
    } else {
        loss = -equity;
        sim->books.bad_debt[p] += loss;
        const double fund = sim->books.insurance_fund[p];
        const double paid = loss < fund ? loss : fund;
        sim->books.insurance_fund[p] -= paid;
        pp->fund_covered[p] += paid;
        if (loss > paid) {
            adl_share = (loss - paid) / loss;
        }
    }
    double uncovered = 0.0;
    for (size_t j = pp->position_begin[a]; j < pp->position_begin[a + 1]; j++) {
        const double q = pp->position[j];
        if (q == 0.0) {
            continue;
        }
        const int32_t k = pp->position_market[j];
        const double mark = pp->mark[k];
        double placed = 0.0;
        if (adl_share > 0.0) {
            const double price = liq_perp_bankruptcy_price(q, mark, equity, notional);
            const double target = adl_share * fabs(q);
            placed = liq_perp_adl(sim, p, j, target, price);
            uncovered += (target - placed) * fabs(price - mark);
        }
        const double routed = fabs(q) - placed;
        if (q > 0.0) {
            pp->sell[k] += routed;
        } else {
            pp->buy[k] += routed;
        }
        pp->position[j] = 0.0;
    }
    if (adl_share > 0.0) {
        /* Booked so that fund + ADL + deficit = the loss exactly; the
         * counterparties' transfers equal the ADL share to rounding. */
        const double rest = adl_share * loss;
        const double deficit = uncovered < rest ? uncovered : rest;
        sim->books.deficit[p] += deficit;
        pp->adl_covered[p] += rest - deficit;
    }
    pp->margin[a] = 0.0;
}

void liq_phase_perp(struct liq_sim *sim)
{
    liq_perp_t *pp = sim->perp;
    const liq_scenario_t *sc = sim->scenario;
    liq_perp_marks(sim);
    for (size_t k = 0; k < pp->n_markets; k++) {
        pp->sell[k] = 0.0;
        pp->buy[k] = 0.0;
    }
    /* The test, in parallel: each account writes its own ratio slot. */
    const size_t n = pp->n_accounts;
    const size_t np = sc->n_protocols;
#pragma omp parallel for default(none) shared(sim, pp, sc) firstprivate(n, np) schedule(static)    \
    num_threads(sim->threads) if (n >= LIQ_PARALLEL_MIN_ACCOUNTS)
    for (size_t a = 0; a < n; a++) {
        /* The protocol of account a: few protocols, a short walk. */
        size_t p = 0;
        while (pp->account_begin[p + 1] <= a) {
            p++;
        }
        double equity, maintenance, notional;
        liq_perp_account(pp, a, sim->oracles.price[sc->protocols[p].debt_oracle], &equity,
                         &maintenance, &notional);
        pp->ratio[a] = maintenance > 0.0 ? equity / maintenance : (double)INFINITY;
    }
    liq_candidate_t *cand = (liq_candidate_t *)pp->candidate;
    for (size_t p = 0; p < np; p++) {
        if (!liq_perp_here(sim, p)) {
            continue; /* a lending protocol, or held by another process */
        }
        pp->liquidations[p] = 0;
        pp->adl_count[p] = 0;
        pp->adl_volume[p] = 0.0;
        pp->liquidated_notional[p] = 0.0;
        pp->fee[p] = 0.0;
        liq_perp_vault_unwind(sim, p);
        /* Liquidatable: equity < maintenance, i.e. ratio < 1. */
        size_t found = 0;
        for (size_t a = pp->account_begin[p]; a < pp->account_begin[p + 1]; a++) {
            if (pp->ratio[a] < 1.0) {
                cand[found].account = a;
                cand[found].health = pp->ratio[a];
                found++;
            }
        }
        if (found > 1) {
            qsort(cand, found, sizeof(*cand), liq_candidate_compare);
        }
        const int64_t limit = sc->protocols[p].max_liquidations;
        const size_t selected = (int64_t)found > limit ? (size_t)limit : found;
        sim->books.stalled[p] += (int64_t)(found - selected);
        if (pp->flow != NULL) {
            liq_perp_flow_reset(pp, p);
        }
        for (size_t r = 0; r < selected; r++) {
            if (pp->flow != NULL) {
                liq_perp_flow_before(pp, cand[r].account);
            }
            liq_perp_liquidate(sim, p, cand[r].account);
            if (pp->flow != NULL) {
                liq_perp_flow_after(pp, p, cand[r].account);
            }
        }
        if (pp->flow != NULL) {
            liq_perp_flow_step(sim, p); /* owners close, arrivals open */
        }
        liq_perp_totals(sim, p);
        if (sc->protocols[p].has_backstop) {
            pp->vault_loss_now[p] = liq_perp_vault_loss(pp, p);
        }
    }
}

void liq_perp_view(const liq_perp_t *pp, liq_state_view_t *view)
{
    view->perp_liquidations = pp != NULL ? pp->liquidations : NULL;
    view->liquidated_notional = pp != NULL ? pp->liquidated_notional : NULL;
    view->adl_volume = pp != NULL ? pp->adl_volume : NULL;
    view->adl_count = pp != NULL ? pp->adl_count : NULL;
    view->adl_covered = pp != NULL ? pp->adl_covered : NULL;
    view->open_interest_long = pp != NULL ? pp->open_long : NULL;
    view->open_interest_short = pp != NULL ? pp->open_short : NULL;
    view->vault_loss = pp != NULL ? pp->vault_loss_now : NULL;
    view->vault_taken = pp != NULL ? pp->vault_taken : NULL;
    view->vault_covered = pp != NULL ? pp->vault_covered : NULL;
    const liq_perp_flow_t *flow = pp != NULL ? pp->flow : NULL;
    view->perp_opened = flow != NULL ? flow->opened : NULL;
    view->perp_closed = flow != NULL ? flow->closed : NULL;
    view->perp_refused = flow != NULL ? flow->refused : NULL;
    view->liquidated_long = flow != NULL ? flow->liquidated_long : NULL;
    view->liquidated_short = flow != NULL ? flow->liquidated_short : NULL;
}

/* ----------------------------------------------------------------- venues */

int liq_perp_venues(struct liq_sim *sim)
{
    liq_perp_t *pp = sim->perp;
    const liq_scenario_t *sc = sim->scenario;
    for (size_t p = 0; p < sim->n_pools; p++) {
        pp->pool_sell0[p] = pp->pool_sell1[p] = 0.0;
        pp->pool_buy0[p] = pp->pool_buy1[p] = 0.0;
        pp->pool_paid0[p] = pp->pool_paid1[p] = 0.0;
    }
    /* Orders per pool, summed in perp market order. */
    for (size_t k = 0; k < pp->n_markets; k++) {
        const liq_perp_market_config_t *cfg = pp->market_config[k];
        const size_t pool = (size_t)cfg->pool;
        if (sc->pools[pool].token0 == cfg->asset) {
            pp->pool_sell0[pool] += pp->sell[k];
            pp->pool_buy0[pool] += pp->buy[k];
        } else {
            pp->pool_sell1[pool] += pp->sell[k];
            pp->pool_buy1[pool] += pp->buy[k];
        }
    }
    for (size_t p = 0; p < sim->n_pools; p++) {
        const liq_pool_config_t *pool = &sc->pools[p];
        const double s0 = pp->pool_sell0[p], s1 = pp->pool_sell1[p];
        const double b0 = pp->pool_buy0[p], b1 = pp->pool_buy1[p];
        if (!(s0 > 0.0 || s1 > 0.0 || b0 > 0.0 || b1 > 0.0)) {
            continue;
        }
        /* Perp routes are constant product (the scenario reader checks). */
        if (s0 > 0.0) {
            const double paid =
                liq_cp_amount_out(s0, sim->venues.reserve0[p], sim->venues.reserve1[p], pool->fee);
            sim->venues.reserve0[p] += s0;
            sim->venues.reserve1[p] -= paid;
            sim->venues.liq_in0[p] += s0;
        }
        if (s1 > 0.0) {
            const double paid =
                liq_cp_amount_out(s1, sim->venues.reserve1[p], sim->venues.reserve0[p], pool->fee);
            sim->venues.reserve1[p] += s1;
            sim->venues.reserve0[p] -= paid;
            sim->venues.liq_in1[p] += s1;
        }
        if (b0 > 0.0) {
            const double cost =
                liq_cp_amount_in(b0, sim->venues.reserve1[p], sim->venues.reserve0[p], pool->fee);
            if (!isfinite(cost)) {
                return liq_error_set(LIQ_ENUMERIC,
                                     "round %lld: perp liquidations must buy %g %s from pool '%s', "
                                     "which holds %g; expected a pool deep enough for the closes",
                                     (long long)sim->round, b0, sc->assets[pool->token0].name,
                                     pool->name, sim->venues.reserve0[p]);
            }
            sim->venues.reserve1[p] += cost;
            sim->venues.reserve0[p] -= b0;
            sim->venues.liq_in1[p] += cost;
            pp->pool_paid1[p] = cost;
        }
        if (b1 > 0.0) {
            const double cost =
                liq_cp_amount_in(b1, sim->venues.reserve0[p], sim->venues.reserve1[p], pool->fee);
            if (!isfinite(cost)) {
                return liq_error_set(LIQ_ENUMERIC,
                                     "round %lld: perp liquidations must buy %g %s from pool '%s', "
                                     "which holds %g; expected a pool deep enough for the closes",
                                     (long long)sim->round, b1, sc->assets[pool->token1].name,
                                     pool->name, sim->venues.reserve1[p]);
            }
            sim->venues.reserve0[p] += cost;
            sim->venues.reserve1[p] -= b1;
            sim->venues.liq_in0[p] += cost;
            pp->pool_paid0[p] = cost;
        }
        sim->venues.pool_price[p] = sim->venues.reserve1[p] / sim->venues.reserve0[p];
    }
    return LIQ_OK;
}
