/*
 * English collateral auctions as a protocol's liquidation mode (issue 13;
 * MakerDAO Liquidations 1.2: cat.sol's bite, flip.sol's kick, tend, dent,
 * deal and tick, modelled in src/model/flip.c).
 *
 * A vault found unsafe (HF < 1, as in R0) is bitten: min(ink, lump) of its
 * collateral and the same share of its debt go into a new auction that
 * must raise tab = debt x chop, starting at bid 0. Each round every bidder
 * of the protocol, in list order, looks at each running auction, in kick
 * order, and may make one call on it:
 *   tend  while bid < tab: bid = min(tab, value x (1 - margin)), value the
 *         lot at reference prices, when that passes flip.sol's beg test and
 *         its capital allows;
 *   dent  once bid == tab: lot' = tab / (price x (1 - margin)) when beg x
 *         lot' <= lot;
 *   deal  by the high bidder, once its bid's ttl or the auction's tau ran
 *         out (strictly after, as flip.sol);
 *   tick  by anyone, for an auction whose tau ran out without a bid.
 * A zero bidder tends LIQ_FLIP_MIN_BID on every auction without a bid, and
 * deals what it wins. Without a declared chain a call runs when it is
 * decided; on one it is a transaction (LIQ_TX_AUCTION_BID) that runs in the
 * margin phase of its block's round, at that round's time (round x
 * round_seconds), or reverts (outbid meanwhile, too small an increase, the
 * auction dealt) having paid its gas. Bites are the keepers' liquidation
 * transactions (src/engine/chains.c).
 *
 * Money: the DAI each tend adds goes to the protocol (flip.sol's gal, the
 * vow); at the deal, what the final bid raised beyond the debt the bite
 * took is the penalty (to the insurance fund), and debt it did not raise
 * is bad debt (Maker's sin left unpaid). Collateral given up in a dent goes
 * back to the vault; the winner sells its lot on the market's route in the
 * venues phase (market_seized), like every other seizure.
 *
 * Workload: a few to a few thousand auctions and a handful of bidders;
 * each call is O(1) but finding a call's auction (binary search by id).
 * Everything runs inside the protocol's margin step on its own book, so
 * protocols step in parallel and results do not depend on the thread
 * count. docs/model-notes.md "English auctions" states the model's choices.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/keepers.h"
#include "engine/sim_internal.h"
#include "liqnet/error.h"

/* What a call does. */
enum { LIQ_FLIP_CALL_TEND = 0, LIQ_FLIP_CALL_DENT, LIQ_FLIP_CALL_DEAL, LIQ_FLIP_CALL_TICK };

/* flip.sol's guy before the first bid: the Cat that kicked. */
#define LIQ_FLIP_CAT INT64_C(-2)

/* A deal whose winning bid is at most this is a zero-bid win: a few rad,
 * which no ordinary bid comes near. */
#define LIQ_FLIP_ZERO_WIN (10.0 * LIQ_FLIP_MIN_BID)

#define LIQ_WEI_PER_GWEI 1e9

static const liq_protocol_config_t *liq_flip_protocol(const struct liq_sim *sim, size_t p)
{
    return &sim->scenario->protocols[p];
}

static liq_flip_params_t liq_flip_params(const liq_auction_config_t *cfg)
{
    return (liq_flip_params_t){cfg->beg, cfg->ttl, cfg->flip_tau};
}

/* Market time of this round, seconds: flip.sol's `now`. */
static int64_t liq_flip_now(const struct liq_sim *sim)
{
    return (int64_t)floor((double)sim->round * sim->scenario->round_seconds);
}

/* Grows *array (of `size` bytes an element, capacity *cap) to hold n + 1. */
static int liq_flip_grow(void **array, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) {
        return LIQ_OK;
    }
    const size_t next = *cap < 16 ? 16 : 2 * *cap;
    void *grown = realloc(*array, next * size);
    if (grown == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu English auction records", next);
    }
    *array = grown;
    *cap = next;
    return LIQ_OK;
}

/* ------------------------------------------------------ construction */

static int liq_flip_check(const struct liq_sim *sim, size_t p)
{
    const liq_protocol_config_t *proto = liq_flip_protocol(sim, p);
    const size_t cross = sim->accounts.n_cross > 0
                             ? sim->accounts.cross_begin[p + 1] - sim->accounts.cross_begin[p]
                             : 0;
    if (cross > 0) {
        return liq_error_set(LIQ_EINVAL,
                             "protocol '%s': liquidation mode english bites isolated vaults "
                             "only, but the protocol has %zu cross-margin accounts; expected "
                             "margin: isolated",
                             proto->name, cross);
    }
    if (sim->owned != NULL) {
        return liq_error_set(LIQ_EINVAL,
                             "protocol '%s': English auctions in a run partitioned over "
                             "processes: their books are not exchanged yet; run it on one process",
                             proto->name);
    }
    return LIQ_OK;
}

int liq_flip_init(struct liq_sim *sim)
{
    struct liq_flips *f = &sim->flip;
    const size_t np = sim->n_protocols;
    for (size_t p = 0; p < np; p++) {
        if (liq_flip_protocol(sim, p)->liquidation.mode != LIQ_LIQUIDATION_ENGLISH) {
            continue;
        }
        const int rc = liq_flip_check(sim, p);
        if (rc != LIQ_OK) {
            return rc;
        }
        f->enabled = 1;
    }
    if (!f->enabled) {
        return LIQ_OK;
    }
    f->book = liq_calloc(np, sizeof(*f->book));
    f->inc_offset = liq_calloc(np + 1, sizeof(size_t));
    f->kicked = liq_calloc(np, sizeof(int64_t));
    f->active = liq_calloc(np, sizeof(int64_t));
    f->bids = liq_calloc(np, sizeof(int64_t));
    f->deals = liq_calloc(np, sizeof(int64_t));
    f->zero_wins = liq_calloc(np, sizeof(int64_t));
    f->raised = liq_calloc(np, sizeof(double));
    f->sold_units = liq_calloc(np, sizeof(double));
    f->sold_value = liq_calloc(np, sizeof(double));
    f->bad_debt = liq_calloc(np, sizeof(double));
    if (!f->book || !f->inc_offset || !f->kicked || !f->active || !f->bids || !f->deals ||
        !f->zero_wins || !f->raised || !f->sold_units || !f->sold_value || !f->bad_debt) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for the English auctions");
    }
    for (size_t p = 0; p < np; p++) {
        const liq_protocol_config_t *proto = liq_flip_protocol(sim, p);
        if (proto->liquidation.mode != LIQ_LIQUIDATION_ENGLISH) {
            continue;
        }
        liq_flip_book_t *book = &f->book[p];
        book->free_capital = liq_calloc(proto->n_flip_bidders, sizeof(double));
        book->reserved = liq_calloc(proto->n_flip_bidders, sizeof(double));
        if (book->free_capital == NULL || book->reserved == NULL) {
            return liq_error_set(LIQ_ENOMEM, "out of memory for the bidders of '%s'", proto->name);
        }
        for (size_t b = 0; b < proto->n_flip_bidders; b++) {
            book->free_capital[b] = proto->flip_bidders[b].capital;
        }
    }
    return LIQ_OK;
}

void liq_flips_destroy(struct liq_flips *f, size_t n_protocols)
{
    if (f->book != NULL) {
        for (size_t p = 0; p < n_protocols; p++) {
            free(f->book[p].slot);
            free(f->book[p].free_capital);
            free(f->book[p].reserved);
            free(f->book[p].out);
            free(f->book[p].lots);
        }
    }
    void *arrays[] = {f->book,   f->tx,         f->free_tx,    f->inc,     f->inc_offset,
                      f->kicked, f->active,     f->bids,       f->deals,   f->zero_wins,
                      f->raised, f->sold_units, f->sold_value, f->bad_debt};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        free(arrays[i]);
    }
    memset(f, 0, sizeof(*f));
}

/* ---------------------------------------------------------- the bite */

void liq_flip_begin(struct liq_sim *sim, size_t p)
{
    struct liq_flips *f = &sim->flip;
    f->kicked[p] = 0;
    f->bids[p] = 0;
    f->deals[p] = 0;
    f->zero_wins[p] = 0;
    f->raised[p] = 0.0;
    f->sold_units[p] = 0.0;
    f->sold_value[p] = 0.0;
}

int liq_flip_bite(struct liq_sim *sim, size_t p, size_t m, size_t i, double *repaid_value,
                  double *seized_value)
{
    const liq_auction_config_t *cfg = &liq_flip_protocol(sim, p)->liquidation;
    liq_flip_book_t *book = &sim->flip.book[p];
    const double ink = sim->accounts.collateral[i], art = sim->accounts.debt[i];
    /* cat.sol: lot = min(ink, lump); art = min(art, lot x art / ink). */
    const double lot = ink < cfg->lump ? ink : cfg->lump;
    double debt = lot == ink ? art : lot * art / ink;
    debt = debt < art ? debt : art;
    if (liq_flip_grow((void **)&book->slot, &book->cap, book->n, sizeof(*book->slot)) != LIQ_OK) {
        return 0; /* no room: the vault is left for the next round (the error is set) */
    }
    liq_flip_slot_t *s = &book->slot[book->n];
    const liq_flip_params_t params = liq_flip_params(cfg);
    if (liq_flip_kick(&s->auction, &params, liq_flip_now(sim), LIQ_FLIP_CAT, (int64_t)i, (int64_t)p,
                      debt * cfg->chop, lot, 0.0) != LIQ_OK) {
        return 0; /* amounts that cannot be (a NaN vault): nothing moves */
    }
    s->id = book->next_id++;
    s->account = i;
    s->market = m;
    s->debt = debt;
    s->pending = 0;
    s->kick_round = sim->round;
    s->bids = 0;
    s->tab = s->auction.tab;
    s->lot = s->auction.lot;
    book->n++;
    sim->accounts.collateral[i] = lot == ink ? 0.0 : ink - lot;
    sim->accounts.debt[i] = debt == art ? 0.0 : art - debt;
    sim->books.market_collateral[m] -= lot;
    sim->books.market_debt[m] -= debt;
    liq_margin_note(sim, m, i - sim->accounts.market_begin[m]);
    double pc, pd;
    liq_market_prices(sim, m, &pc, &pd);
    *repaid_value += debt * pd;
    *seized_value += lot * pc;
    sim->flip.kicked[p]++;
    const liq_liquidation_event_t row =
        liq_events_liquidation_row(sim, p, i, debt * pd, lot * pc, pc);
    liq_events_liquidation(sim, p, &row);
    return 1;
}

/* ----------------------------------------------------------- a call */

/* The running auction of protocol p with number id, or NULL (dealt). */
static liq_flip_slot_t *liq_flip_find(liq_flip_book_t *book, int64_t id)
{
    size_t lo = 0, hi = book->n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (book->slot[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < book->n && book->slot[lo].id == id && book->slot[lo].auction.end != 0
               ? &book->slot[lo]
               : NULL;
}

/* Settles the deal of slot s (bid and lot as they stood): the lot goes to
 * the winner, who sells it on the route at once, or later when it resells
 * (src/engine/keepers.c); returns the bad debt, USD. */
static double liq_flip_settle(struct liq_sim *sim, size_t p, const liq_flip_slot_t *s, double bid,
                              double lot, int64_t winner)
{
    struct liq_flips *f = &sim->flip;
    double pc, pd;
    liq_market_prices(sim, s->market, &pc, &pd);
    if (!liq_resell_hold(sim, p, winner, s->market, lot)) {
        sim->books.market_seized[s->market] += lot;
    }
    f->deals[p]++;
    f->zero_wins[p] += bid <= LIQ_FLIP_ZERO_WIN;
    f->sold_units[p] += lot;
    f->sold_value[p] += lot * pc;
    const liq_auction_event_t row = {.id = s->id,
                                     .account = (int64_t)s->account,
                                     .kick_round = s->kick_round,
                                     .bids = s->bids,
                                     .zero_bid = bid <= LIQ_FLIP_ZERO_WIN,
                                     .tab = s->tab,
                                     .lot = s->lot,
                                     .winning_bid = bid,
                                     .sold_lot = lot};
    liq_events_auction(sim, p, &row);
    if (bid >= s->debt) {
        sim->books.insurance_fund[p] += (bid - s->debt) * pd; /* the penalty raised */
        return 0.0;
    }
    const double bad = (s->debt - bid) * pd;
    f->bad_debt[p] += bad;
    return bad;
}

/* Runs call c on protocol p's auctions at `now`: 1 when it ran, 0 when it
 * reverted. *bad_value gains the bad debt of a deal. */
static int liq_flip_run(struct liq_sim *sim, size_t p, const liq_flip_call_t *c, int64_t now,
                        double *bad_value)
{
    const liq_auction_config_t *cfg = &liq_flip_protocol(sim, p)->liquidation;
    liq_flip_book_t *book = &sim->flip.book[p];
    liq_flip_slot_t *s = liq_flip_find(book, c->id);
    if (s == NULL) {
        return 0; /* dealt meanwhile: flip.sol's guy-not-set */
    }
    const liq_flip_params_t params = liq_flip_params(cfg);
    liq_flip_moves_t mv;
    int rc = LIQ_OK;
    switch (c->kind) {
    case LIQ_FLIP_CALL_TEND:
    case LIQ_FLIP_CALL_DENT:
        if (!(book->free_capital[c->bidder] >= c->bid)) {
            return 0; /* the Vat refuses to move DAI it does not have */
        }
        rc = c->kind == LIQ_FLIP_CALL_TEND
                 ? liq_flip_tend(&s->auction, &params, now, c->bidder, c->lot, c->bid, &mv)
                 : liq_flip_dent(&s->auction, &params, now, c->bidder, c->lot, c->bid, &mv);
        if (rc != LIQ_OK) {
            return 0;
        }
        book->free_capital[c->bidder] -= mv.paid;
        if (mv.refund_to >= 0) {
            book->free_capital[mv.refund_to] += mv.refund;
        }
        sim->flip.raised[p] += mv.to_gal;
        sim->flip.bids[p]++;
        s->bids++;
        if (mv.to_usr > 0.0) {
            sim->accounts.collateral[s->account] += mv.to_usr;
            sim->books.market_collateral[s->market] += mv.to_usr;
            liq_margin_note(sim, s->market, s->account - sim->accounts.market_begin[s->market]);
        }
        return 1;
    case LIQ_FLIP_CALL_DEAL: {
        const double bid = s->auction.bid, lot = s->auction.lot;
        const int64_t winner = s->auction.guy;
        if (liq_flip_deal(&s->auction, now, &mv) != LIQ_OK) {
            return 0;
        }
        *bad_value += liq_flip_settle(sim, p, s, bid, lot, winner);
        return 1;
    }
    default:
        return liq_flip_tick(&s->auction, &params, now) == LIQ_OK;
    }
}

/* ------------------------------------------------------ the bidders */

/* What bidder b of protocol p does on slot s at `now` with `available`
 * DAI: 1 and *c, or 0 for nothing. */
static int liq_flip_decide(const struct liq_sim *sim, size_t p, size_t b, const liq_flip_slot_t *s,
                           int64_t now, double available, liq_flip_call_t *c)
{
    const liq_protocol_config_t *proto = liq_flip_protocol(sim, p);
    const liq_flip_bidder_config_t *bidder = &proto->flip_bidders[b];
    const liq_flip_t *a = &s->auction;
    *c = (liq_flip_call_t){s->id, a->lot, a->bid, (int32_t)b, LIQ_FLIP_CALL_TEND, (int32_t)p, 0, 0};
    if (((s->pending >> b) & 1u) != 0 || a->end == 0) {
        return 0; /* its call is waiting for a block, or the auction was dealt */
    }
    const bool has_bid = a->tic != 0;
    if (has_bid && (a->tic < now || a->end < now)) {
        c->kind = LIQ_FLIP_CALL_DEAL; /* the winner takes its lot */
        return a->guy == (int64_t)b;
    }
    if (!has_bid && a->end < now) {
        c->kind = LIQ_FLIP_CALL_TICK;
        return 1;
    }
    if ((has_bid && a->tic <= now) || a->end <= now || a->guy == (int64_t)b) {
        return 0; /* not biddable at this very second, or its own bid leads */
    }
    if (bidder->zero) {
        c->bid = LIQ_FLIP_MIN_BID;
        return !has_bid;
    }
    const liq_market_t *mk = &sim->books.markets[s->market];
    const double price = sim->market.reference_price[mk->asset] /
                         sim->market.reference_price[proto->debt_asset] * (1.0 - bidder->margin);
    if (a->bid < a->tab) {
        const double value = a->lot * price;
        const double bid = value < a->tab ? value : a->tab;
        c->bid = bid;
        return bid > a->bid && (bid == a->tab || bid >= proto->liquidation.beg * a->bid) &&
               available >= bid;
    }
    if (!(price > 0.0)) {
        return 0;
    }
    const double lot = a->tab / price;
    c->kind = LIQ_FLIP_CALL_DENT;
    c->lot = lot;
    return lot < a->lot && proto->liquidation.beg * lot <= a->lot && available >= a->bid;
}

/* Each bidder in list order, each auction in kick order: one call at most
 * on each; at once without a chain, else queued in the book's `out`. */
static double liq_flip_bidders(struct liq_sim *sim, size_t p, int on_chain)
{
    const liq_protocol_config_t *proto = liq_flip_protocol(sim, p);
    liq_flip_book_t *book = &sim->flip.book[p];
    const int64_t now = liq_flip_now(sim);
    double bad_value = 0.0;
    book->n_out = 0;
    for (size_t b = 0; b < proto->n_flip_bidders; b++) {
        for (size_t k = 0; k < book->n; k++) {
            liq_flip_call_t c;
            const double available = book->free_capital[b] - book->reserved[b];
            if (!liq_flip_decide(sim, p, b, &book->slot[k], now, available, &c)) {
                continue;
            }
            if ((c.kind == LIQ_FLIP_CALL_TEND || c.kind == LIQ_FLIP_CALL_DENT) &&
                !liq_keepers_bid_pays(sim, p, b, &book->slot[k], c.lot, c.bid)) {
                continue; /* the profit does not pay for the call's gas */
            }
            if (!on_chain) {
                (void)liq_flip_run(sim, p, &c, now, &bad_value);
                continue;
            }
            if (liq_flip_grow((void **)&book->out, &book->cap_out, book->n_out,
                              sizeof(*book->out)) != LIQ_OK) {
                return bad_value; /* out of memory: the call is not sent */
            }
            book->out[book->n_out++] = c;
            book->slot[k].pending |= (uint64_t)1 << b;
            if (c.kind == LIQ_FLIP_CALL_TEND || c.kind == LIQ_FLIP_CALL_DENT) {
                book->reserved[b] += c.bid;
            }
        }
    }
    return bad_value;
}

/* Protocol p's calls its blocks included or dropped this round, in block
 * order: each frees its bidder's reserve and pending bit, and an included
 * one runs. */
static double liq_flip_included(struct liq_sim *sim, size_t p)
{
    struct liq_flips *f = &sim->flip;
    liq_flip_book_t *book = &f->book[p];
    const int64_t now = liq_flip_now(sim);
    double bad_value = 0.0;
    for (size_t k = f->inc_offset[p]; k < f->inc_offset[p + 1]; k++) {
        const liq_flip_call_t *c = &f->inc[k];
        if (c->kind == LIQ_FLIP_CALL_TEND || c->kind == LIQ_FLIP_CALL_DENT) {
            book->reserved[c->bidder] -= c->bid;
        }
        liq_flip_slot_t *s = liq_flip_find(book, c->id);
        if (s != NULL) {
            s->pending &= ~((uint64_t)1 << c->bidder);
        }
        if (!c->dropped) {
            (void)liq_flip_run(sim, p, c, now, &bad_value);
        }
    }
    return bad_value;
}

double liq_flip_step(struct liq_sim *sim, size_t p)
{
    const int on_chain = liq_flip_protocol(sim, p)->chain_index >= 0;
    liq_flip_book_t *book = &sim->flip.book[p];
    liq_resell_collect(sim, p);
    double bad_value = on_chain ? liq_flip_included(sim, p) : 0.0;
    bad_value += liq_flip_bidders(sim, p, on_chain);
    liq_resell_sell(sim, p);
    /* Dealt auctions leave; the rest keep their kick order. */
    size_t kept = 0;
    for (size_t k = 0; k < book->n; k++) {
        if (book->slot[k].auction.end != 0) {
            book->slot[kept++] = book->slot[k];
        }
    }
    book->n = kept;
    sim->flip.active[p] = (int64_t)kept;
    return bad_value;
}

/* ------------------------------------------------------ on a chain */

int liq_flip_block_call(struct liq_sim *sim, int64_t payload, int64_t fee_wei, int dropped)
{
    struct liq_flips *f = &sim->flip;
    liq_flip_call_t c = f->tx[payload];
    c.fee_wei = fee_wei;
    c.dropped = dropped;
    int rc = liq_flip_grow((void **)&f->inc, &f->cap_inc, f->n_inc, sizeof(*f->inc));
    if (rc == LIQ_OK) {
        rc = liq_flip_grow((void **)&f->free_tx, &f->cap_free, f->n_free, sizeof(*f->free_tx));
    }
    if (rc != LIQ_OK) {
        return rc;
    }
    f->inc[f->n_inc++] = c;
    f->tx[payload].kind = -1;
    f->free_tx[f->n_free++] = (size_t)payload;
    return LIQ_OK;
}

int liq_flip_group(struct liq_sim *sim)
{
    struct liq_flips *f = &sim->flip;
    const size_t np = sim->n_protocols;
    memset(f->inc_offset, 0, (np + 1) * sizeof(size_t));
    for (size_t k = 0; k < f->n_inc; k++) {
        f->inc_offset[f->inc[k].protocol + 1]++;
    }
    for (size_t p = 0; p < np; p++) {
        f->inc_offset[p + 1] += f->inc_offset[p];
    }
    if (f->n_inc == 0) {
        return LIQ_OK;
    }
    /* A stable counting sort: block order within each protocol. */
    liq_flip_call_t *sorted = liq_arena_alloc(&sim->arena, f->n_inc * sizeof(*sorted));
    size_t *next = liq_arena_alloc(&sim->arena, np * sizeof(*next));
    if (sorted == NULL || next == NULL) {
        return liq_error_set(LIQ_ENOMEM, "out of memory for %zu included auction calls", f->n_inc);
    }
    memcpy(next, f->inc_offset, np * sizeof(*next));
    for (size_t k = 0; k < f->n_inc; k++) {
        sorted[next[f->inc[k].protocol]++] = f->inc[k];
    }
    memcpy(f->inc, sorted, f->n_inc * sizeof(*sorted));
    return LIQ_OK;
}

int liq_flip_send(struct liq_sim *sim, size_t p, struct liq_chain *chain,
                  const liq_bid_t *keeper_bid)
{
    struct liq_flips *f = &sim->flip;
    const liq_protocol_config_t *proto = liq_flip_protocol(sim, p);
    liq_flip_book_t *book = &f->book[p];
    for (size_t k = 0; k < book->n_out; k++) {
        const liq_flip_call_t *c = &book->out[k];
        size_t slot = f->n_tx;
        if (f->n_free > 0) {
            slot = f->free_tx[--f->n_free];
        } else {
            const int rc = liq_flip_grow((void **)&f->tx, &f->cap_tx, f->n_tx, sizeof(*f->tx));
            if (rc != LIQ_OK) {
                return rc;
            }
            f->n_tx++;
        }
        f->tx[slot] = *c;
        const double gwei = proto->flip_bidders[c->bidder].gas_price;
        const liq_bid_t bid =
            isnan(gwei) ? *keeper_bid : liq_bid_legacy(llround(gwei * LIQ_WEI_PER_GWEI));
        const liq_tx_t tx = {.bid = bid,
                             .gas = proto->keeper_tx.gas,
                             .submitted = sim->round,
                             .deadline = sim->round + proto->keeper_tx.deadline,
                             .payload = (int64_t)slot,
                             .sender = (int32_t)p,
                             .kind = LIQ_TX_AUCTION_BID};
        const int rc = liq_chain_submit(chain, &tx, NULL);
        if (rc != LIQ_OK) {
            return rc;
        }
    }
    book->n_out = 0;
    return LIQ_OK;
}
