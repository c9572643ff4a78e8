/*
 * Dutch auctions of MakerDAO's Liquidations 2.0 (MODEL.md s5; makerdao/dss
 * abaci.sol and clip.sol): the price curves, the reset rule, the keeper
 * reward and the amount a keeper buys.
 *
 * Pure functions of their arguments: no allocation, no global state, safe to
 * call from any thread. Prices are in units of the debt asset per unit of
 * collateral; durations in seconds of market time.
 */
#ifndef LIQNET_AUCTION_H
#define LIQNET_AUCTION_H

#include <stdbool.h>
#include <stdint.h>

#include "liqnet/amm.h"
#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The price curves of abaci.sol. */
typedef enum {
    LIQ_CURVE_LINEAR = 0,     /* LinearDecrease: top (tau - dur) / tau, 0 once dur >= tau */
    LIQ_CURVE_STAIRSTEP = 1,  /* StairstepExponentialDecrease: top cut^floor(dur / step) */
    LIQ_CURVE_EXPONENTIAL = 2 /* ExponentialDecrease: top cut^dur */
} liq_curve_kind_t;

typedef struct {
    liq_curve_kind_t kind;
    double tau;  /* LINEAR: seconds to reach 0, finite > 0 */
    double step; /* STAIRSTEP: seconds between price cuts, finite > 0 */
    double cut;  /* STAIRSTEP: factor per step; EXPONENTIAL: per second; in (0, 1] */
} liq_auction_curve_t;

/*
 * Auction price after `dur` >= 0 seconds from a start price `top`. MODEL.md
 * reference: LINEAR with top 1000 and tau 3600 gives 900 at 360 s, 800 at
 * 720 s, ... and 0 from 3600 s on. O(1).
 */
LIQ_API double liq_auction_price(const liq_auction_curve_t *curve, double top, double dur);

/*
 * clip.sol's status: an auction needs a reset (redo) when more than `tail`
 * rounds passed since its start, elapsed > tail, or when its price fell
 * below cusp times its start price, price / top < cusp. O(1).
 */
LIQ_API bool liq_auction_needs_reset(int64_t elapsed, int64_t tail, double price, double top,
                                     double cusp);

/*
 * Keeper reward of a kick or a reset, USD: tip + chip tab O_b, with tip in
 * USD, tab in units of the debt asset and O_b its price. O(1).
 */
LIQ_API double liq_auction_keeper_reward(double tip, double chip, double tab, double price_debt);

/*
 * How much collateral a keeper buys at auction price `price` when it sells
 * what it buys into `venue` (reserve_in the collateral, reserve_out the debt
 * asset) after `sold` units already bought this round for the same venue:
 * the amount q in [0, cap] up to which the marginal proceeds of the sale,
 * d out / d in at sold + q, stay at or above the price. It is 0 when the
 * first unit does not pay, `cap` when the last one still does, else found
 * by bisection to the last bit. Whether the purchase covers gas is the
 * caller's test (liq_auction_take_profit). O(60 marginal outputs).
 */
LIQ_API double liq_auction_take_amount(const liq_venue_t *venue, double sold, double price,
                                       double cap);

/* Profit of buying q at `price` and selling it into `venue` after `sold`,
 * in units of the debt asset: out(sold + q) - out(sold) - q price. */
LIQ_API double liq_auction_take_profit(const liq_venue_t *venue, double sold, double price,
                                       double q);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_AUCTION_H */
