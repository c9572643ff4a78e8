/*
 * The keepers of English auctions as businesses (issue 13 item 2, issue 14
 * item 1; src/engine/keepers.c): who sends a bite, whether a bid pays for
 * its gas, and the resale of the lots a bidder wins. Each is off unless a
 * bidder's keys turn it on (docs/scenario.md "keepers.bidders"). Private to
 * src/engine.
 */
#ifndef LIQ_ENGINE_KEEPERS_H
#define LIQ_ENGINE_KEEPERS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/sim_internal.h"
#include "liqnet/chain.h"

/* A lot a reselling bidder won and has not yet been paid for (32 bytes). */
struct liq_resell_lot {
    int32_t bidder; /* index into the protocol's flip_bidders */
    int32_t sold;   /* 0: held until `due`; 1: sold on the pools this round, paid next round */
    size_t market;
    double units; /* collateral units */
    int64_t due;  /* round of the sale */
};

/*
 * Submits the bite `tx` (a LIQ_TX_LIQUIDATION of protocol p's keepers) to
 * `chain`: as it is, or, when some bidder of p `bites`, once per biting
 * bidder at that bidder's gas price (a legacy bid; the keepers' bid when it
 * has none). Returns liq_chain_submit's code. O(bidders).
 */
int liq_keepers_bite(struct liq_sim *sim, size_t p, struct liq_chain *chain, const liq_tx_t *tx);

/* 1 when protocol p's bites are its bidders' own (some bidder `bites`):
 * they are never raised by an adaptive strategy. O(bidders). */
int liq_keepers_own_bites(const liq_protocol_config_t *proto);

/*
 * Whether bidder b of protocol p makes the tend or dent of `lot` for `bid`
 * (debt units) on slot s: 1 unless it counts gas and the profit, lot x S_a /
 * S_b - bid in debt units at reference prices, times S_b, is below the gas
 * the call costs it in USD. O(1).
 */
int liq_keepers_bid_pays(const struct liq_sim *sim, size_t p, size_t b, const liq_flip_slot_t *s,
                         double lot, double bid);

/*
 * At a deal: when `winner` is a bidder of protocol p that resells, keeps
 * its `lot` of market m for sale resell_delay rounds on and returns 1;
 * else 0 (the lot leaves the bidder's books: the caller sells it on the
 * route at once). 0 too when the list cannot grow (the error is set).
 */
int liq_resell_hold(struct liq_sim *sim, size_t p, int64_t winner, size_t m, double lot);

/* Start of protocol p's auction step: the lots its bidders sold on the
 * pools last round are paid, at what a unit fetched in that round's
 * swaps, into their free capital. O(lots x routes). */
void liq_resell_collect(struct liq_sim *sim, size_t p);

/* End of protocol p's auction step: the lots due this round are sold, at
 * the reference price less the cost into free capital at once (`market`),
 * or as seizures of their market for this round's venues phase (`pool`).
 * O(lots). */
void liq_resell_sell(struct liq_sim *sim, size_t p);

#endif /* LIQ_ENGINE_KEEPERS_H */
