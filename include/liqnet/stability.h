/*
 * Liquity v1 liquidation maths (MODEL.md s5, stability pool): how one
 * trove's debt and collateral split between the stability pool, the other
 * troves (redistribution), the keeper's gas compensation and the owner.
 *
 * Pure functions, O(1): the engine (src/engine/stability.c) calls them in
 * its sequential pass over a protocol's liquidations, and the tests call
 * them on hand-worked troves. Source: liquity/dev, TroveManager.sol
 * (_liquidateNormalMode, _liquidateRecoveryMode,
 * _getOffsetAndRedistributionVals, _getCappedOffsetVals).
 */
#ifndef LIQNET_STABILITY_H
#define LIQNET_STABILITY_H

#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which rule liquidates a trove. ICR = c O_a / (d O_b); MCR = 1 / LT. */
typedef enum {
    LIQ_TROVE_SAFE = 0,         /* not liquidatable under the round's mode */
    LIQ_TROVE_OFFSET = 1,       /* ICR < MCR (and, in recovery mode, ICR > 100%):
                                   offset min(d, pool), redistribute the rest */
    LIQ_TROVE_REDISTRIBUTE = 2, /* recovery mode, ICR <= 100%: redistribute it all */
    LIQ_TROVE_CAPPED = 3        /* recovery mode, MCR <= ICR < TCR, pool >= d: offset d,
                                   the pool takes collateral worth MCR x d, the rest
                                   goes back to the owner */
} liq_trove_band_t;

/* Where a liquidated trove's debt (units of the debt asset) and collateral
 * (units of the collateral asset) go. Identities: offset +
 * redistributed_debt = d; pool_collateral + redistributed_collateral +
 * gas_collateral + surplus = c. */
typedef struct {
    liq_trove_band_t band;
    double offset;                   /* debt cancelled against the pool's deposits */
    double pool_collateral;          /* collateral the pool's depositors gain */
    double redistributed_debt;       /* debt shared out among the other troves */
    double redistributed_collateral; /* collateral shared out with it */
    double gas_collateral;           /* the keeper's share of the collateral */
    double surplus;                  /* collateral returned to the owner (CAPPED only) */
} liq_trove_liquidation_t;

/* The band of a trove with collateral c and debt d (d <= 0: SAFE).
 * Normal mode: OFFSET when c O_a LT < d O_b (HF < 1, ICR < MCR, the R0
 * test). Recovery mode (TCR < CCR): REDISTRIBUTE when c O_a <= d O_b; OFFSET
 * when ICR < MCR; CAPPED when c O_a < tcr d O_b and pool_deposits >= d. */
LIQ_API liq_trove_band_t liq_trove_band(double collateral, double debt, double price_collateral,
                                        double price_debt, double liquidation_threshold,
                                        int recovery, double tcr, double pool_deposits);

/*
 * The liquidation of a trove in `band` (not SAFE), against a pool holding
 * pool_deposits: with g = gas_share (the 0.5% of Liquity),
 *  - OFFSET: gas = g c; c' = c - gas; offset = min(d, pool);
 *    pool_collateral = c' offset / d; the rest of d and c' is redistributed;
 *  - REDISTRIBUTE: gas = g c; all of d and c - gas redistributed;
 *  - CAPPED: capped = d O_b / (O_a LT) (collateral worth MCR x d);
 *    gas = g capped; offset = d; pool_collateral = capped - gas;
 *    surplus = c - capped.
 */
LIQ_API liq_trove_liquidation_t liq_trove_liquidate(liq_trove_band_t band, double collateral,
                                                    double debt, double price_collateral,
                                                    double price_debt, double liquidation_threshold,
                                                    double pool_deposits, double gas_share);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_STABILITY_H */
