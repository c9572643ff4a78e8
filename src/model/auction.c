/*
 * Dutch-auction maths (MakerDAO Liquidations 2.0): abaci.sol's price curves
 * in real arithmetic, clip.sol's reset rule and keeper reward, and the
 * keepers' purchase rule of MODEL.md s5 (buy while the pool pays more at the
 * margin than the auction asks).
 */
#include "liqnet/auction.h"

#include <math.h>

/* Bisection steps of liq_auction_take_amount: 2^-100 of the bracket is
 * below the last bit of any double in it. */
#define LIQ_TAKE_STEPS 100

double liq_auction_price(const liq_auction_curve_t *curve, double top, double dur)
{
    switch (curve->kind) {
    case LIQ_CURVE_LINEAR:
        /* abaci.sol: if (dur >= tau) return 0; top * (tau - dur) / tau. */
        return dur >= curve->tau ? 0.0 : top * ((curve->tau - dur) / curve->tau);
    case LIQ_CURVE_STAIRSTEP:
        return top * pow(curve->cut, floor(dur / curve->step));
    case LIQ_CURVE_EXPONENTIAL:
        return top * pow(curve->cut, dur);
    }
    return NAN;
}

bool liq_auction_needs_reset(int64_t elapsed, int64_t tail, double price, double top, double cusp)
{
    return elapsed > tail || price / top < cusp;
}

double liq_auction_keeper_reward(double tip, double chip, double tab, double price_debt)
{
    return tip + chip * tab * price_debt;
}

double liq_auction_take_profit(const liq_venue_t *venue, double sold, double price, double q)
{
    return liq_venue_amount_out(venue, sold + q) - liq_venue_amount_out(venue, sold) - q * price;
}

double liq_auction_take_amount(const liq_venue_t *venue, double sold, double price, double cap)
{
    if (!(cap > 0.0) || liq_venue_marginal_out(venue, sold) <= price) {
        return 0.0;
    }
    if (liq_venue_marginal_out(venue, sold + cap) >= price) {
        return cap;
    }
    /* The marginal output of a concave venue falls with the amount sold. */
    double lo = 0.0, hi = cap;
    for (int i = 0; i < LIQ_TAKE_STEPS; i++) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) {
            break;
        }
        if (liq_venue_marginal_out(venue, sold + mid) >= price) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}
