/*
 * Lending liquidation maths of model R0 (MODEL.md s4), following Aave v3's
 * LiquidationLogic: the close factor applies above the full-close health, the
 * seizure includes the bonus and is capped by the collateral, in which case
 * the repayment is scaled down to what the collateral covers.
 */
#include "liqnet/lending.h"

#include <math.h>

double liq_health(double collateral, double debt, double price_collateral, double price_debt,
                  double liquidation_threshold)
{
    if (debt <= 0.0) {
        return INFINITY;
    }
    return collateral * price_collateral * liquidation_threshold / (debt * price_debt);
}

liq_liquidation_t liq_liquidation_quote(double collateral, double debt, double price_collateral,
                                        double price_debt, double health,
                                        const liq_market_terms_t *terms)
{
    const double share = health < terms->full_close_health ? 1.0 : terms->close_factor;
    const double bonus_factor = 1.0 + terms->liquidation_bonus;
    liq_liquidation_t q;
    q.repay = share * debt;
    q.seize = q.repay * price_debt * bonus_factor / price_collateral;
    q.capped = false;
    if (q.seize > collateral) {
        q.seize = collateral;
        q.repay = collateral * price_collateral / (bonus_factor * price_debt);
        q.capped = true;
    }
    return q;
}

double liq_keeper_profit(double repay, double price_debt, double liquidation_bonus, double gas_cost)
{
    return repay * price_debt * liquidation_bonus - gas_cost;
}
