/*
 * Perpetual futures maths (liqnet/perp.h). Each call is a handful of flops;
 * the engine calls them once per position per round.
 */
#include <math.h>

#include "liqnet/perp.h"

double liq_perp_mmr(size_t n_tiers, const liq_perp_tier_t *tiers, double notional)
{
    for (size_t k = 0; k < n_tiers; k++) {
        if (notional <= tiers[k].notional_up_to) {
            return tiers[k].mmr;
        }
    }
    /* The scenario reader makes the last bound unlimited; a caller with
     * other tiers gets the top rate for anything above them. */
    return tiers[n_tiers - 1].mmr;
}

double liq_perp_pnl(double position, double entry, double mark)
{
    return position * (mark - entry);
}

double liq_perp_maintenance(size_t n_tiers, const liq_perp_tier_t *tiers, double position,
                            double mark)
{
    const double notional = fabs(position) * mark;
    return notional * liq_perp_mmr(n_tiers, tiers, notional);
}

double liq_perp_bankruptcy_price(double position, double mark, double equity, double notional)
{
    const double shift = -equity / notional;
    return position > 0.0 ? mark * (1.0 + shift) : mark * (1.0 - shift);
}

double liq_cp_amount_in(double amount_out, double reserve_in, double reserve_out, double fee)
{
    if (!(amount_out < reserve_out)) {
        return (double)INFINITY;
    }
    return reserve_in * amount_out / ((reserve_out - amount_out) * (1.0 - fee));
}
