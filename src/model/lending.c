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

double liq_cross_health(size_t n, const double *collateral, const double *price_collateral,
                        const liq_market_terms_t *terms, double debt, double price_debt)
{
    if (debt <= 0.0) {
        return INFINITY;
    }
    double weighted = 0.0;
    for (size_t k = 0; k < n; k++) {
        weighted += collateral[k] * price_collateral[k] * terms[k].liquidation_threshold;
    }
    return weighted / (debt * price_debt);
}

/* Seizure order: market a goes before market b when its collateral value is
 * larger, or equal with a lower index. The market that comes next after
 * `prev` (n: before every market) among those holding collateral; n when
 * none is left. */
static size_t liq_cross_next(size_t n, const double *collateral, const double *price_collateral,
                             size_t prev)
{
    const double prev_value = prev < n ? collateral[prev] * price_collateral[prev] : HUGE_VAL;
    size_t best = n;
    double best_value = 0.0;
    for (size_t k = 0; k < n; k++) {
        if (!(collateral[k] > 0.0)) {
            continue;
        }
        const double v = collateral[k] * price_collateral[k];
        const bool after_prev = prev >= n || v < prev_value || (v == prev_value && k > prev);
        if (after_prev && (best == n || v > best_value)) {
            best = k;
            best_value = v;
        }
    }
    return best;
}

liq_cross_liquidation_t liq_cross_liquidation_quote(size_t n, const double *collateral,
                                                    const double *price_collateral,
                                                    const liq_market_terms_t *terms, double debt,
                                                    double price_debt, double health, double *seize)
{
    liq_cross_liquidation_t q = {0.0, 0.0, n, false};
    if (seize != NULL) {
        for (size_t k = 0; k < n; k++) {
            seize[k] = 0.0;
        }
    }
    q.first = liq_cross_next(n, collateral, price_collateral, n);
    if (q.first == n) {
        q.exhausted = debt > 0.0;
        return q;
    }
    const double share =
        health < terms[q.first].full_close_health ? 1.0 : terms[q.first].close_factor;
    const double target = share * debt;
    double remaining = target;
    double repaid = 0.0;
    for (size_t k = q.first; k < n; k = liq_cross_next(n, collateral, price_collateral, k)) {
        const double bonus_factor = 1.0 + terms[k].liquidation_bonus;
        const double need = remaining * price_debt * bonus_factor / price_collateral[k];
        if (need <= collateral[k]) {
            /* The slice covers what is left: the same expression as the
             * isolated quote, so one market gives its numbers exactly. */
            if (seize != NULL) {
                seize[k] = need;
            }
            q.keeper_bonus += remaining * price_debt * terms[k].liquidation_bonus;
            q.repay = target;
            return q;
        }
        const double slice = collateral[k] * price_collateral[k] / (bonus_factor * price_debt);
        if (seize != NULL) {
            seize[k] = collateral[k];
        }
        q.keeper_bonus += slice * price_debt * terms[k].liquidation_bonus;
        repaid += slice;
        remaining = target - repaid;
        if (!(remaining > 0.0)) {
            /* Covered to rounding by whole collaterals. */
            q.repay = target;
            return q;
        }
    }
    q.repay = repaid;
    q.exhausted = true;
    return q;
}
