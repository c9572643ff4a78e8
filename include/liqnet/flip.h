/*
 * English collateral auctions of MakerDAO's Liquidations 1.2: the Flipper
 * (makerdao/dss src/flip.sol at f6323026, January 2020, the logic deployed
 * from November 2019 until Liquidations 2.0; issue 13). A vault's collateral
 * `lot` is sold for the DAI `tab` it owes with the penalty:
 *   tend: bids rise, in DAI for the whole lot, each at least `beg` times
 *         the last (or exactly the tab), never above the tab;
 *   dent: once a bid reaches the tab, bids offer less collateral for the
 *         whole tab, each at most 1/beg of the last; what is given up goes
 *         back to the vault's owner;
 *   each bid lives `ttl` seconds, the auction `tau` seconds from its kick;
 *   deal: settles once the last bid's life or the auction has run out;
 *   tick: restarts an auction that ran out without a bid.
 *
 * Every require of the contract is checked in its order; a call the contract
 * would revert returns LIQ_EINVAL with a message that starts with the
 * contract's reason ("Flipper/insufficient-increase: ...") and leaves the
 * auction unchanged. The engine treats it as a reverted transaction (one
 * that still pays its gas).
 *
 * Arithmetic. Amounts are float64 (DAI, units of collateral) where the
 * contract has integers (rad = 1e-45 DAI, wad = 1e-18); times are int64
 * seconds as the contract's uint48. The contract's exact comparisons
 * bid * ONE >= beg * bid' and beg * lot <= lot' * ONE become bid >= beg *
 * bid' and beg * lot <= lot', with beg * x rounded once to the nearest
 * double: a bid within a relative 1e-16 of the threshold may be judged
 * differently, far below any economic meaning. Equalities (lot == the
 * auction's lot, bid == tab) compare the auction's own stored doubles,
 * which the engine passes back, so they hold exactly as in the contract.
 *
 * The first bid. Cat.bite kicks with bid = 0 (dss src/cat.sol at f6323026),
 * and tend requires bid > the current bid, so a bid of exactly 0 DAI was
 * refused ("Flipper/bid-not-higher"), while the beg test, bid >= beg x 0,
 * passed for any positive bid: one rad, 1e-45 DAI (LIQ_FLIP_MIN_BID), was a
 * valid first bid. The "zero bids" of 12 March 2020 were such bids, "the
 * minimal DAI fraction" (Whiterabbit, "Black Thursday for MakerDAO: $8.32
 * million was liquidated for 0 DAI", 14 March 2020); when no other bid
 * arrived within ttl, deal gave the whole lot for it.
 *
 * Pure functions of the auction record they are given: no allocation, no
 * global state; one auction is owned by one thread at a time.
 */
#ifndef LIQNET_FLIP_H
#define LIQNET_FLIP_H

#include <stdint.h>

#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* No one: flip.sol's address(0), the guy of an id never kicked or dealt. */
#define LIQ_FLIP_NOBODY INT64_C(-1)

/* The smallest positive bid the contract accepts: one rad, DAI. */
#define LIQ_FLIP_MIN_BID 1e-45

/* An auction's rules (flip.sol's file()able parameters). */
typedef struct {
    double beg;  /* minimum bid increase factor, >= 1; flip.sol default 1.05 */
    int64_t ttl; /* seconds a bid lives, > 0; flip.sol default 3 hours */
    int64_t tau; /* seconds an auction lasts from its kick or tick, > 0; default 2 days */
} liq_flip_params_t;

/* flip.sol's declared defaults: beg 1.05, ttl 10,800 s, tau 172,800 s. The
 * deployed Flippers were filed their own values by governance. */
LIQ_API liq_flip_params_t liq_flip_params_default(void);

/* LIQ_OK, or LIQ_EINVAL with a message for beg < 1 or not finite, ttl <= 0
 * (a bid's expiry of 0 would read as "no bid"), tau <= 0. O(1). */
LIQ_API int liq_flip_params_check(const liq_flip_params_t *params);

/* One auction: flip.sol's struct Bid, 64 bytes. */
typedef struct {
    double bid;  /* DAI paid by the high bidder */
    double lot;  /* collateral for sale, units */
    double tab;  /* DAI wanted */
    int64_t guy; /* high bidder (the kicker until the first bid); LIQ_FLIP_NOBODY: none */
    int64_t tic; /* expiry of the last bid, seconds; 0: no bid yet */
    int64_t end; /* end of the auction, seconds */
    int64_t usr; /* receives the collateral given up in dent (the vault's owner) */
    int64_t gal; /* receives the DAI raised (the vow) */
} liq_flip_t;

/*
 * What one call moves (flip.sol's vat.move of DAI and vat.flux of
 * collateral), for the engine's books. The caller pays `paid` DAI:
 * `refund` of it goes to `refund_to` (the previous high bidder gets its bid
 * back) and `to_gal` to the auction's gal. `to_usr` collateral goes back to
 * the auction's usr; `lot` collateral leaves the auction for `lot_to`.
 * Fields a call does not move are 0 (ids LIQ_FLIP_NOBODY).
 */
typedef struct {
    double paid;
    int64_t refund_to;
    double refund;
    double to_gal;
    double to_usr;
    int64_t lot_to;
    double lot;
} liq_flip_moves_t;

/* Sets *auction to the state of an id never kicked or already dealt
 * (flip.sol's delete bids[id]): every field 0, guy LIQ_FLIP_NOBODY. O(1). */
LIQ_API void liq_flip_clear(liq_flip_t *auction);

/*
 * kick: starts an auction at time `now` (seconds) selling `lot` for `tab`
 * DAI with starting bid `bid` (Cat.bite gives 0), for usr and gal; the
 * kicker is the first guy, tic = 0, end = now + tau. The contract has no
 * require here but the overflow of now + tau; LIQ_EINVAL also for amounts
 * negative or not finite, now < 0 or a kicker LIQ_FLIP_NOBODY, which no
 * uint or msg.sender can be. O(1).
 */
LIQ_API int liq_flip_kick(liq_flip_t *auction, const liq_flip_params_t *params, int64_t now,
                          int64_t kicker, int64_t usr, int64_t gal, double tab, double lot,
                          double bid);

/*
 * tend by `bidder` at `now`: lot must equal the auction's lot, bid at most
 * the tab, above the current bid, and at least beg x the current bid unless
 * it is the tab. flip.sol's requires in order: Flipper/guy-not-set,
 * already-finished-tic (tic <= now with a bid), already-finished-end
 * (end <= now), lot-not-matching, higher-than-tab, bid-not-higher,
 * insufficient-increase. The bidder pays bid: the old bid back to the old
 * guy, the rest to gal; then guy = bidder, tic = now + ttl. `moves` may be
 * NULL. O(1).
 */
LIQ_API int liq_flip_tend(liq_flip_t *auction, const liq_flip_params_t *params, int64_t now,
                          int64_t bidder, double lot, double bid, liq_flip_moves_t *moves);

/*
 * dent by `bidder` at `now`: bid must equal the current bid and the tab, the
 * lot be below the current lot by at least the factor beg (beg x lot <=
 * the current lot). Requires in order: guy-not-set, already-finished-tic,
 * already-finished-end, not-matching-bid, tend-not-finished, lot-not-lower,
 * insufficient-decrease. The bidder pays bid to the old guy (its refund);
 * the lot given up goes to usr; then guy = bidder, lot = lot, tic = now +
 * ttl. `moves` may be NULL. O(1).
 */
LIQ_API int liq_flip_dent(liq_flip_t *auction, const liq_flip_params_t *params, int64_t now,
                          int64_t bidder, double lot, double bid, liq_flip_moves_t *moves);

/*
 * deal at `now`: requires a bid (tic != 0) and tic < now or end < now
 * (strictly: at now == tic neither tend nor deal passes), else
 * Flipper/not-finished. The lot goes to guy; the auction is cleared. Anyone
 * may call it. `moves` may be NULL. O(1).
 */
LIQ_API int liq_flip_deal(liq_flip_t *auction, int64_t now, liq_flip_moves_t *moves);

/*
 * tick at `now`: restarts an auction whose end passed without a bid:
 * requires end < now (Flipper/not-finished) and tic == 0
 * (Flipper/bid-already-placed); then end = now + tau. Like the contract it
 * does not ask whether the auction exists. O(1).
 */
LIQ_API int liq_flip_tick(liq_flip_t *auction, const liq_flip_params_t *params, int64_t now);

/*
 * yank by `caller` (global settlement's End, authorised in the contract):
 * requires a guy (Flipper/guy-not-set) and bid < tab
 * (Flipper/already-dent-phase). The caller takes the lot and pays the high
 * bidder its bid back; the auction is cleared. `moves` may be NULL. O(1).
 */
LIQ_API int liq_flip_yank(liq_flip_t *auction, int64_t caller, liq_flip_moves_t *moves);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_FLIP_H */
