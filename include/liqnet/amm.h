/*
 * Constant-product pools (Uniswap v2) and the arbitrage of model R0.
 *
 * Pure functions of their arguments: no allocation, no global state, safe to
 * call from any thread. Reserves are in token units; the spot price is
 * P = reserve1 / reserve0 (units of token1 per unit of token0).
 */
#ifndef LIQNET_AMM_H
#define LIQNET_AMM_H

#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Output of a swap selling amount_in of one token into reserves
 * (reserve_in, reserve_out) with fee phi charged on the input:
 *   out = reserve_out * in (1 - phi) / (reserve_in + in (1 - phi)).
 * Uniswap v2 reference: in 1 into (5, 10) at phi 0.003 gives 1.6624979156...
 * amount_in >= 0; returns 0 for amount_in == 0. O(1).
 */
LIQ_API double liq_cp_amount_out(double amount_in, double reserve_in, double reserve_out,
                                 double fee);

/* Result of one arbitrage step of a constant-product pool. */
typedef struct {
    double reserve0; /* x' = sqrt(k / P') */
    double reserve1; /* y' = sqrt(k P') */
    double sold0;    /* x - x': units of token0 the arbitrageurs sell outside (< 0: buy) */
    double sold1;    /* y - y': units of token1 the arbitrageurs sell outside */
} liq_arbitrage_t;

/*
 * Arbitrage of MODEL.md section 4: with target price P* = S0 / S1 and
 * efficiency kappa in [0, 1], the new price is P' = P^(1-kappa) P*^kappa and
 * the reserves are re-set on the same k = x y. Fees are ignored. O(1).
 */
LIQ_API liq_arbitrage_t liq_cp_arbitrage(double reserve0, double reserve1, double target_price,
                                         double kappa);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_AMM_H */
