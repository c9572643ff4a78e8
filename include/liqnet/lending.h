/*
 * The liquidation maths of a lending margin engine (model R0, MODEL.md s4).
 *
 * Pure functions: the engine calls them inside its parallel account loops,
 * and the tests call them on the reference vectors (Aave v3: 10 WETH at 2000,
 * LT 0.83, debt 17000 USDC gives HF 0.976470588..., repay 8500, seize 4.4625).
 */
#ifndef LIQNET_LENDING_H
#define LIQNET_LENDING_H

#include <stdbool.h>

#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parameters of one collateral market as the margin engine sees them. */
typedef struct {
    double liquidation_threshold; /* LT in (0, 1] */
    double liquidation_bonus;     /* beta >= 0 */
    double close_factor;          /* CF in (0, 1] */
    double full_close_health;     /* h_full: HF below it is closed in full */
} liq_market_terms_t;

/*
 * Health factor HF = c O_a LT / (d O_b) for collateral c (units of a), debt d
 * (units of b), oracle prices O_a and O_b. INFINITY when d == 0.
 */
LIQ_API double liq_health(double collateral, double debt, double price_collateral,
                          double price_debt, double liquidation_threshold);

/* A quoted liquidation of one account. */
typedef struct {
    double repay; /* r: debt units repaid */
    double seize; /* s: collateral units seized, s <= c */
    bool capped;  /* true when the seizure took all collateral (s = c) */
} liq_liquidation_t;

/*
 * The liquidation of an account with health `health` < 1:
 *   r = f d with f = 1 if HF < h_full else CF;  s = r O_b (1 + beta) / O_a;
 *   if s > c:  s = c and r = c O_a / ((1 + beta) O_b).
 * O(1); the caller decides whether keepers act on it.
 */
LIQ_API liq_liquidation_t liq_liquidation_quote(double collateral, double debt,
                                                double price_collateral, double price_debt,
                                                double health, const liq_market_terms_t *terms);

/* Keeper profit in USD of repaying `repay` debt units: r O_b beta - g. Keepers
 * act when it is >= the minimum profit. */
LIQ_API double liq_keeper_profit(double repay, double price_debt, double liquidation_bonus,
                                 double gas_cost);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_LENDING_H */
