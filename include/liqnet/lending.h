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
#include <stddef.h>

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

/*
 * Cross margin (MODEL.md s5): one account holds c_k units of the collateral
 * of each of n markets (oracle prices O_k, terms[k]) against d units of the
 * protocol's debt asset.
 *
 * Health HF = sum_k c_k O_k LT_k / (d O_b), the sum in market order;
 * INFINITY when d == 0. O(n).
 */
LIQ_API double liq_cross_health(size_t n, const double *collateral, const double *price_collateral,
                                const liq_market_terms_t *terms, double debt, double price_debt);

/* A quoted cross-margin liquidation. */
typedef struct {
    double repay;        /* r: debt units repaid in all */
    double keeper_bonus; /* sum_k r_k O_b beta_k, USD: what keepers earn before gas */
    size_t first;        /* the market seized first (largest c_k O_k); n when no collateral */
    bool exhausted;      /* every collateral was seized and the repayment still fell short */
} liq_cross_liquidation_t;

/*
 * The liquidation of a cross account with health `health` < 1. The close
 * factor and full-close health are those of the account's largest
 * collateral by value c_k O_k (ties: lowest market index), market `first`:
 * R = f d, f = 1 if HF < h_full else CF. R is then repaid against the
 * collateral in order of value, largest first (ties by market index), each
 * market k at its own bonus: with R' the part not yet repaid, the slice
 * seizes s_k = R' O_b (1 + beta_k) / O_k and repays all of R' when
 * s_k <= c_k; otherwise it seizes all of c_k, repays
 * r_k = c_k O_k / ((1 + beta_k) O_b) and passes R' - r_k to the next
 * market. r is f d when the slices cover it, else the sum of the r_k (all
 * collateral seized: the remaining debt is bad debt). With one market this
 * is liq_liquidation_quote. `seize` (n entries, may be NULL) receives s_k,
 * 0 for markets not touched. O(n^2) for the order, no allocation: n is a
 * protocol's few markets.
 */
LIQ_API liq_cross_liquidation_t liq_cross_liquidation_quote(size_t n, const double *collateral,
                                                            const double *price_collateral,
                                                            const liq_market_terms_t *terms,
                                                            double debt, double price_debt,
                                                            double health, double *seize);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_LENDING_H */
