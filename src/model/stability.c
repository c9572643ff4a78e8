/*
 * Liquity v1 liquidation maths (liqnet/stability.h). Pure and O(1).
 */
#include "liqnet/stability.h"

#include <stdbool.h>

liq_trove_band_t liq_trove_band(double collateral, double debt, double price_collateral,
                                double price_debt, double liquidation_threshold, int recovery,
                                double tcr, double pool_deposits)
{
    if (!(debt > 0.0)) {
        return LIQ_TROVE_SAFE;
    }
    const double value = collateral * price_collateral;
    const double owed = debt * price_debt;
    /* ICR < MCR written as HF < 1, exactly as the R0 scan decides it. */
    const bool below_mcr = value * liquidation_threshold < owed;
    if (!recovery) {
        return below_mcr ? LIQ_TROVE_OFFSET : LIQ_TROVE_SAFE;
    }
    if (value <= owed) {
        return LIQ_TROVE_REDISTRIBUTE;
    }
    if (below_mcr) {
        return LIQ_TROVE_OFFSET;
    }
    /* MCR <= ICR < TCR: liquidated only when the pool covers the whole debt
     * (Liquity's `LUSDInStabPool >= entireTroveDebt`). */
    if (value < tcr * owed && pool_deposits >= debt) {
        return LIQ_TROVE_CAPPED;
    }
    return LIQ_TROVE_SAFE;
}

liq_trove_liquidation_t liq_trove_liquidate(liq_trove_band_t band, double collateral, double debt,
                                            double price_collateral, double price_debt,
                                            double liquidation_threshold, double pool_deposits,
                                            double gas_share)
{
    liq_trove_liquidation_t out = {band, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    if (band == LIQ_TROVE_SAFE) {
        return out;
    }
    if (band == LIQ_TROVE_CAPPED) {
        const double capped = debt * price_debt / (price_collateral * liquidation_threshold);
        out.gas_collateral = gas_share * capped;
        out.offset = debt;
        out.pool_collateral = capped - out.gas_collateral;
        out.surplus = collateral - capped;
        return out;
    }
    out.gas_collateral = gas_share * collateral;
    const double rest = collateral - out.gas_collateral;
    if (band == LIQ_TROVE_OFFSET && pool_deposits > 0.0) {
        out.offset = debt < pool_deposits ? debt : pool_deposits;
        out.pool_collateral = rest * (out.offset / debt);
    }
    out.redistributed_debt = debt - out.offset;
    out.redistributed_collateral = rest - out.pool_collateral;
    return out;
}
