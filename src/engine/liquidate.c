/*
 * Liquidation of the selected candidates (MODEL.md s4, lending protocols):
 * the keepers' decision and quote of a candidate (gas, minimum profit,
 * anticipated slippage, the auction reward), the seizure and repayment of
 * an isolated or cross-margin account, the write-off of an account left
 * with no collateral, and the booking of a protocol's round against its
 * insurance fund. liq_protocol_liquidate is the margin engine of one
 * protocol with few candidates, on one thread; the parallel path for large
 * protocols (src/engine/liquidate_large.c) gives the same results.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/margin.h"
#include "liqnet/auction.h"
#include "liqnet/lending.h"

/* What `seize` units of market m's collateral fetch, in debt units, sold on
 * its route pools as they stand (keepers anticipating their own slippage):
 * split by the route weights, or, for best-price routing, on the one route
 * that pays most for the whole amount (docs/model-notes.md). */
double liq_anticipated_proceeds(const struct liq_sim *sim, size_t m, double seize)
{
    const liq_market_config_t *cfg = &sim->books.markets[m].config;
    double total = 0.0;
    for (size_t r = sim->venues.market_route_offset[m]; r < sim->venues.market_route_offset[m + 1];
         r++) {
        liq_venue_t venue;
        liq_pool_venue(sim, (size_t)sim->venues.route_pool[r], sim->venues.route_sell_token[r],
                       &venue);
        if (cfg->routing == LIQ_ROUTING_WEIGHT) {
            total += liq_venue_amount_out(&venue, sim->venues.route_share[r] * seize);
        } else {
            const double out = liq_venue_amount_out(&venue, seize);
            total = out > total ? out : total;
        }
    }
    return total;
}

/* The keepers' decision and the quote of candidate q, market m. The terms
 * carry this round's bonus (the dynamic penalty's scale) and the gas this
 * round's (src/engine/risk.c). */
liq_liquidation_t liq_candidate_quote(const struct liq_sim *sim, size_t m, const liq_candidate_t *q,
                                      bool *eligible)
{
    const liq_market_t *mk = &sim->books.markets[m];
    const liq_protocol_config_t *proto = &sim->scenario->protocols[mk->protocol];
    const liq_market_terms_t terms = sim->books.market_terms[m];
    const double gas = sim->risk.gas_now[mk->protocol];
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    const liq_liquidation_t quote =
        liq_liquidation_quote(sim->accounts.collateral[q->account], sim->accounts.debt[q->account],
                              pc, pd, q->health, &terms);
    if (proto->anticipate_slippage) {
        /* Profit = what the seizure fetches on the route - the debt repaid
         * - gas, all at the debt oracle's price. */
        const double proceeds = liq_anticipated_proceeds(sim, m, quote.seize);
        *eligible = (proceeds - quote.repay) * pd - gas >= proto->min_profit;
    } else {
        *eligible =
            liq_keeper_profit(quote.repay, pd, terms.liquidation_bonus, gas) >= proto->min_profit;
    }
    const liq_auction_config_t *auction = &proto->liquidation;
    if (auction->mode == LIQ_LIQUIDATION_ENGLISH) {
        /* Cat.bite pays no reward: a bidder bites to get the auction
         * (docs/model-notes.md "English auctions"). */
        *eligible = true;
    }
    if (auction->mode == LIQ_LIQUIDATION_DUTCH_AUCTION) {
        /* A keeper kicks an auction for its reward, tip + chip tab, net of gas. */
        const double tab = sim->accounts.debt[q->account] * auction->chop;
        *eligible = liq_auction_keeper_reward(auction->tip, auction->chip, tab, pd) - gas >=
                    proto->min_profit;
    }
    return quote;
}

/* The keepers' decision and the quote of cross candidate q of protocol p:
 * they act when sum_k r_k O_b beta_k - g >= pi_min, R0's test summed over
 * the slices. `seize` (K entries or NULL) receives the units seized. */
bool liq_cross_candidate_quote(const struct liq_sim *sim, size_t p, const liq_candidate_t *q,
                               double *seize, liq_cross_liquidation_t *quote)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const size_t j = q->account - sim->accounts.n_accounts;
    const size_t m0 = sim->books.market_offset[p];
    const double pd = sim->oracles.price[proto->debt_oracle];
    *quote = liq_cross_liquidation_quote(sim->books.market_offset[p + 1] - m0,
                                         liq_cross_account(sim, p, j), sim->cross.market_price + m0,
                                         sim->books.market_terms + m0, sim->accounts.cross_debt[j],
                                         pd, q->health, seize);
    return quote->keeper_bonus - sim->risk.gas_now[p] >= proto->min_profit;
}

/* Liquidates cross candidate q of protocol p: seizes each market's slice
 * (added to the market's sell order like an isolated seizure), repays, and
 * writes the account off when no collateral is left. */
void liq_cross_liquidate(struct liq_sim *sim, size_t p, const liq_candidate_t *q,
                         double *repaid_value, double *seized_value, double *bad_value)
{
    const size_t j = q->account - sim->accounts.n_accounts;
    const size_t m0 = sim->books.market_offset[p];
    const size_t n_markets = sim->books.market_offset[p + 1] - m0;
    const double pd = sim->oracles.price[sim->scenario->protocols[p].debt_oracle];
    double *seize = sim->cross.seize + m0;
    liq_cross_liquidation_t quote;
    (void)liq_cross_candidate_quote(sim, p, q, seize, &quote);
    double *c = liq_cross_account(sim, p, j);
    bool empty = true;
    double seized_here = 0.0;
    for (size_t k = 0; k < n_markets; k++) {
        if (seize[k] > 0.0) {
            c[k] -= seize[k];
            sim->books.market_seized[m0 + k] += seize[k];
            sim->books.market_collateral[m0 + k] -= seize[k];
            *seized_value += seize[k] * sim->cross.market_price[m0 + k];
            seized_here += seize[k] * sim->cross.market_price[m0 + k];
        }
        empty = empty && !(c[k] > 0.0);
    }
    sim->accounts.cross_debt[j] -= quote.repay;
    sim->cross.debt_units[p] -= quote.repay;
    *repaid_value += quote.repay * pd;
    if (empty && sim->accounts.cross_debt[j] > 0.0) {
        *bad_value += sim->accounts.cross_debt[j] * pd;
        sim->cross.debt_units[p] -= sim->accounts.cross_debt[j];
        sim->accounts.cross_debt[j] = 0.0;
    }
    sim->cross.liquidations[p]++;
    const liq_liquidation_event_t row =
        liq_events_liquidation_row(sim, p, q->account, quote.repay * pd, seized_here, NAN);
    liq_events_liquidation(sim, p, &row);
}

/* Liquidates isolated candidate q of market m (market prices pc, pd): the
 * account's update, and the running sums of its market (slot: seized,
 * collateral, debt) and of its protocol, in this order, which is the order
 * every path below keeps. */
void liq_apply_one(struct liq_sim *sim, size_t m, const liq_candidate_t *q, double pc, double pd,
                   double *seized, double *collateral, double *debt, double *repaid_value,
                   double *seized_value, double *bad_value, liq_liquidation_event_t *event)
{
    bool eligible;
    const liq_liquidation_t quote = liq_candidate_quote(sim, m, q, &eligible);
    const size_t i = q->account;
    sim->accounts.collateral[i] -= quote.seize;
    sim->accounts.debt[i] -= quote.repay;
    *seized += quote.seize;
    *collateral -= quote.seize;
    *debt -= quote.repay;
    *repaid_value += quote.repay * pd;
    *seized_value += quote.seize * pc;
    if (event != NULL) {
        *event = liq_events_liquidation_row(sim, (size_t)sim->books.markets[m].protocol, i,
                                            quote.repay * pd, quote.seize * pc, pc);
    }
    /* An account left with no collateral and some debt is written off. */
    if (sim->accounts.collateral[i] <= 0.0 && sim->accounts.debt[i] > 0.0) {
        *bad_value += sim->accounts.debt[i] * pd;
        *debt -= sim->accounts.debt[i];
        sim->accounts.debt[i] = 0.0;
        sim->accounts.collateral[i] = 0.0;
    }
}

/* Books protocol p's round: counts, the value sums, and bad debt against
 * the insurance fund. */
void liq_protocol_book(struct liq_sim *sim, size_t p, size_t candidates, size_t done,
                       double repaid_value, double seized_value, double bad_value)
{
    sim->books.liquidations[p] = (int64_t)done;
    sim->books.stalled[p] = (int64_t)(candidates - done);
    sim->books.repaid_value[p] = repaid_value;
    sim->books.seized_value[p] = seized_value;
    if (bad_value > 0.0) {
        /* The insurance fund pays bad debt while it lasts; the rest is the
         * protocol's deficit. */
        const double covered =
            bad_value < sim->books.insurance_fund[p] ? bad_value : sim->books.insurance_fund[p];
        sim->books.insurance_fund[p] -= covered;
        sim->books.deficit[p] += bad_value - covered;
        sim->books.bad_debt[p] += bad_value;
    }
}

/* The keepers' selection of protocol p among its candidates [begin, end)
 * (in account order): the eligible ones (liq_mark_eligible), at most the
 * throughput limit of them, lowest health first, and as many as the
 * keepers' capital pays for; listed in account order in
 * sim->margin.rank[begin ..], their number returned. */
size_t liq_protocol_select(struct liq_sim *sim, size_t p, size_t begin, size_t end)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const liq_candidate_t *cand = sim->margin.candidates;

    /* Throughput: at most M liquidations, the eligible accounts of lowest
     * health first. rank[begin..] lists the candidates to liquidate in
     * account order; ranking happens only when the cut binds. */
    size_t *rank = sim->margin.rank + begin;
    size_t n_selected = 0;
    for (size_t k = begin; k < end; k++) {
        if (sim->margin.eligible[k]) { /* the keepers' decision (liq_mark_eligible) */
            rank[n_selected++] = k;
        }
    }
    const size_t max = liq_protocol_max(sim, p);
    if (n_selected > max) {
        liq_select_first(rank, n_selected, max, cand);
        n_selected = max;
        qsort(rank, n_selected, sizeof(*rank), liq_index_compare);
    }
    if (!isinf(proto->keeper_capital)) {
        n_selected = liq_capital_cut(sim, p, rank, n_selected);
    }
    return n_selected;
}

/* Applies the margin engine of protocol p to its candidates [begin, end),
 * which are in account order, on the calling thread: the path of
 * protocols with few candidates (liq_protocol_liquidate_large gives the
 * same results for the others, with all threads). */
void liq_protocol_liquidate(struct liq_sim *sim, size_t p, size_t begin, size_t end)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    const liq_candidate_t *cand = sim->margin.candidates;
    const size_t *rank = sim->margin.rank + begin;
    const size_t n_selected = liq_protocol_select(sim, p, begin, end);

    /* Apply in account order; every sum below runs in that fixed order. */
    double repaid_value = 0.0, seized_value = 0.0, bad_value = 0.0;
    const bool auction = proto->liquidation.mode == LIQ_LIQUIDATION_DUTCH_AUCTION;
    const bool english = proto->liquidation.mode == LIQ_LIQUIDATION_ENGLISH;
    size_t done = n_selected; /* accounts liquidated, or auctions started */
    if (english) {
        done = 0;
        liq_flip_begin(sim, p);
    }
    if (auction) {
        done = 0;
        sim->auction.started[p] = 0;
        sim->auction.sold_value[p] = 0.0;
        sim->auction.raised[p] = 0.0;
        sim->auction.keeper_rewards[p] = 0.0;
    }
    for (size_t mm = sim->books.market_offset[p]; mm < sim->books.market_offset[p + 1]; mm++) {
        sim->books.market_seized[mm] = 0.0;
    }
    sim->cross.liquidations[p] = 0;
    for (size_t j = 0; j < n_selected; j++) {
        const liq_candidate_t *q = &cand[rank[j]];
        if (q->account >= sim->accounts.n_accounts) {
            liq_cross_liquidate(sim, p, q, &repaid_value, &seized_value, &bad_value);
            continue;
        }
        const size_t m = liq_market_of(sim, p, q->account);
        if (auction) {
            done += (size_t)liq_auction_kick(sim, p, m, q->account, &repaid_value, &seized_value);
            continue;
        }
        if (english) {
            done += (size_t)liq_flip_bite(sim, p, m, q->account, &repaid_value, &seized_value);
            continue;
        }
        double pc, pd;
        liq_market_prices(sim, m, &pc, &pd);
        liq_apply_one(sim, m, q, pc, pd, &sim->books.market_seized[m],
                      &sim->books.market_collateral[m], &sim->books.market_debt[m], &repaid_value,
                      &seized_value, &bad_value, liq_events_reserve_liquidations(sim, p, 1));
        liq_index_note(sim, m, q->account - sim->accounts.market_begin[m]);
    }
    if (auction) {
        bad_value += liq_auction_step(sim, p);
    }
    if (english) {
        bad_value += liq_flip_step(sim, p);
    }
    liq_protocol_book(sim, p, end - begin, done, repaid_value, seized_value, bad_value);
}

void liq_protocol_values(struct liq_sim *sim, size_t p)
{
    double collateral_value = 0.0, debt_units = 0.0, pd = 0.0;
    for (size_t m = sim->books.market_offset[p]; m < sim->books.market_offset[p + 1]; m++) {
        double pc;
        liq_market_prices(sim, m, &pc, &pd);
        collateral_value += sim->books.market_collateral[m] * pc;
        debt_units += sim->books.market_debt[m];
    }
    if (sim->accounts.has_cross) {
        debt_units += sim->cross.debt_units[p];
        sim->cross.debt_value[p] = sim->cross.debt_units[p] * pd;
    }
    sim->books.collateral_value[p] = collateral_value;
    sim->books.debt_value[p] = debt_units * pd;
}
