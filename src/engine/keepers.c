/*
 * The keepers of English auctions as the businesses they were in 2020
 * (keepers.h; docs/model-notes.md "Keepers' capital, gas and bites").
 *
 * Bites. cat.bite is a public function anyone may call for an unsafe vault;
 * MakerDAO's reference auction-keeper (makerdao/auction-keeper README,
 * "Gas price strategy") bit unsafe urns itself, from the same account and
 * with the same gas strategy as its bids (a fixed --fixed-gas-price, or the
 * node's price). Once a scenario's bidder `bites`, each unsafe vault the
 * keepers select gets one bite transaction from every biting bidder, at that
 * bidder's gas price; the first included bites, the later ones find the
 * vault bitten and revert, having paid their gas (as duplicate bites did).
 *
 * Gas in the bid. A bidder that counts gas tends or dents only when the
 * profit it would make winning at that bid, the lot's value at reference
 * prices less the bid, covers what the call costs it: gas x its gas price
 * in the gas asset's USD on a chain, the protocol's gas_cost without one
 * (issue 13 item 2: "a keeper's decision ... uses the gas it will really
 * pay, including in auctions").
 *
 * Resale. A bidder that resells keeps each lot it wins for `delay` rounds
 * (its exchange deposit and trade, or a wait for a better price), then
 * sells it for the debt asset: at the reference price less a cost, or on
 * the market's route pools, where the lot joins the round's seizures of
 * its market (the same swap as every liquidation sale, so it moves the pool
 * by the constant-product amount) and is paid what a unit of that swap
 * fetched, pro rata with everything else sold with it. The proceeds are
 * free capital for the next round's bids. Bid money already flows back:
 * a bidder that is outbid gets its bid back from the next bidder
 * (flip.sol's vat.move to the old guy; src/engine/flip.c), so a bidder's
 * wealth in debt units is always
 *   free capital + its live leading bids + its lots unsold (at a price)
 *   = capital - the bids of the lots it won + what their sales paid.
 *
 * Everything here runs inside protocol p's auction step or the chains'
 * serial send, on p's own book: no ordering across threads.
 */
#include <math.h>
#include <stdlib.h>

#include "engine/keepers.h"
#include "liqnet/error.h"

#define LIQ_WEI_PER_GWEI 1e9

/* ------------------------------------------------------------- bites */

int liq_keepers_own_bites(const liq_protocol_config_t *proto)
{
    for (size_t b = 0; b < proto->n_flip_bidders; b++) {
        if (proto->flip_bidders[b].bites) {
            return 1;
        }
    }
    return 0;
}

int liq_keepers_bite(struct liq_sim *sim, size_t p, struct liq_chain *chain, const liq_tx_t *tx)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    if (proto->liquidation.mode != LIQ_LIQUIDATION_ENGLISH || !liq_keepers_own_bites(proto)) {
        return liq_chain_submit(chain, tx, NULL);
    }
    for (size_t b = 0; b < proto->n_flip_bidders; b++) {
        const liq_flip_bidder_config_t *bidder = &proto->flip_bidders[b];
        if (!bidder->bites) {
            continue;
        }
        liq_tx_t bite = *tx;
        if (!isnan(bidder->gas_price)) {
            bite.bid = liq_bid_legacy(llround(bidder->gas_price * LIQ_WEI_PER_GWEI));
        }
        const int rc = liq_chain_submit(chain, &bite, NULL);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    return LIQ_OK;
}

/* --------------------------------------------------------- gas in bids */

/* What one tend or dent costs bidder b of protocol p in gas, USD. */
static double liq_keepers_gas_usd(const struct liq_sim *sim, size_t p, size_t b)
{
    const liq_scenario_t *sc = sim->scenario;
    const liq_protocol_config_t *proto = &sc->protocols[p];
    if (proto->chain_index < 0) {
        return proto->gas_cost;
    }
    const double gwei = proto->flip_bidders[b].gas_price;
    if (isnan(gwei)) {
        return sim->risk.gas_now[p]; /* the keepers' strategy at this round's fees */
    }
    /* A legacy bid of gas price g pays g per gas whatever the base fee. */
    const double usd = sim->market.reference_price[sc->chains[proto->chain_index].gas_asset];
    return (double)proto->keeper_tx.gas * gwei * 1e-9 * usd;
}

int liq_keepers_bid_pays(const struct liq_sim *sim, size_t p, size_t b, const liq_flip_slot_t *s,
                         double lot, double bid)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    if (!proto->flip_bidders[b].count_gas) {
        return 1;
    }
    const double debt_usd = sim->market.reference_price[proto->debt_asset];
    const double lot_usd = sim->market.reference_price[sim->books.markets[s->market].asset];
    const double profit_usd = lot * lot_usd - bid * debt_usd;
    return profit_usd >= liq_keepers_gas_usd(sim, p, b);
}

/* ------------------------------------------------------------- resale */

int liq_resell_hold(struct liq_sim *sim, size_t p, int64_t winner, size_t m, double lot)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    if (winner < 0 || (size_t)winner >= proto->n_flip_bidders ||
        !proto->flip_bidders[winner].has_resell) {
        return 0;
    }
    liq_flip_book_t *book = &sim->flip.book[p];
    if (book->n_lots == book->cap_lots) {
        const size_t cap = book->cap_lots < 16 ? 16 : 2 * book->cap_lots;
        struct liq_resell_lot *grown = realloc(book->lots, cap * sizeof(*grown));
        if (grown == NULL) {
            (void)liq_error_set(LIQ_ENOMEM, "out of memory for %zu lots to resell", cap);
            return 0;
        }
        book->lots = grown;
        book->cap_lots = cap;
    }
    book->lots[book->n_lots++] = (struct liq_resell_lot){
        .bidder = (int32_t)winner,
        .sold = 0,
        .market = m,
        .units = lot,
        .due = sim->round + proto->flip_bidders[winner].resell_delay,
    };
    return 1;
}

/* Debt units one unit of market m's collateral fetched in the last venues
 * phase: each route's share of the market's sale times the amount out per
 * unit of its pool's swap, in the pool's other token, valued in the debt
 * asset at reference prices (exactly 1 when that token is the debt asset). */
static double liq_resell_rate(const struct liq_sim *sim, size_t p, size_t m)
{
    const liq_scenario_t *sc = sim->scenario;
    const struct liq_venues *v = &sim->venues;
    const int32_t debt = sc->protocols[p].debt_asset;
    double rate = 0.0;
    for (size_t r = v->market_route_offset[m]; r < v->market_route_offset[m + 1]; r++) {
        const size_t pool = (size_t)v->route_pool[r];
        const int sell = v->route_sell_token[r];
        const double out = sell == 0 ? v->liq_rate0[pool] : v->liq_rate1[pool];
        const int32_t got = sell == 0 ? sc->pools[pool].token1 : sc->pools[pool].token0;
        const double value =
            got == debt ? 1.0
                        : sim->market.reference_price[got] / sim->market.reference_price[debt];
        rate += v->route_share[r] * out * value;
    }
    return rate;
}

void liq_resell_collect(struct liq_sim *sim, size_t p)
{
    liq_flip_book_t *book = &sim->flip.book[p];
    size_t kept = 0;
    for (size_t k = 0; k < book->n_lots; k++) {
        const struct liq_resell_lot *lot = &book->lots[k];
        if (!lot->sold) {
            book->lots[kept++] = *lot;
            continue;
        }
        book->free_capital[lot->bidder] += lot->units * liq_resell_rate(sim, p, lot->market);
    }
    book->n_lots = kept;
}

void liq_resell_sell(struct liq_sim *sim, size_t p)
{
    const liq_protocol_config_t *proto = &sim->scenario->protocols[p];
    liq_flip_book_t *book = &sim->flip.book[p];
    size_t kept = 0;
    for (size_t k = 0; k < book->n_lots; k++) {
        struct liq_resell_lot *lot = &book->lots[k];
        const liq_flip_bidder_config_t *bidder = &proto->flip_bidders[lot->bidder];
        if (lot->sold || lot->due > sim->round) {
            book->lots[kept++] = *lot;
            continue;
        }
        if (bidder->resell_via == LIQ_RESELL_POOL) {
            sim->books.market_seized[lot->market] += lot->units;
            lot->sold = 1;
            book->lots[kept++] = *lot;
            continue;
        }
        const double price = sim->market.reference_price[sim->books.markets[lot->market].asset] /
                             sim->market.reference_price[proto->debt_asset];
        book->free_capital[lot->bidder] += lot->units * price * (1.0 - bidder->resell_cost);
    }
    book->n_lots = kept;
}
