/*
 * Perpetual futures maths (MODEL.md s5): equity, tiered maintenance margin,
 * the bankruptcy price of a closed position and the exact-output swap that
 * closes a short. Pure functions of their arguments, no allocation; the
 * engine (src/engine/perp.c) applies them to its account store.
 *
 * Units: a position q is signed units of the underlying (q > 0 long); prices
 * are USD per unit (the oracle mark O_a); margin and equity are USD.
 */
#ifndef LIQNET_PERP_H
#define LIQNET_PERP_H

#include <stddef.h>

#include "liqnet/export.h"
#include "liqnet/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Maintenance margin rate of a position of `notional` USD (|q| O_a): the mmr
 * of the first tier whose notional_up_to is >= notional; the whole position
 * is charged that rate (a step function, MODEL.md s5 "tiered margin").
 * O(tiers). */
LIQ_API double liq_perp_mmr(size_t n_tiers, const liq_perp_tier_t *tiers, double notional);

/* Unrealised PnL of a position: q (O_a - e), USD. */
LIQ_API double liq_perp_pnl(double position, double entry, double mark);

/* Maintenance margin of a position: |q| O_a mmr(|q| O_a), USD. */
LIQ_API double liq_perp_maintenance(size_t n_tiers, const liq_perp_tier_t *tiers, double position,
                                    double mark);

/* Price at which a closed position of an account with (negative) equity
 * `equity` and total notional `notional` (sum of |q_k| O_k over its
 * positions, USD) is bankrupt: O (1 + L / N) for a long, O (1 - L / N) for a
 * short, L = -equity. Trading the position at that price instead of the mark
 * moves L / N of each unit's value to the other side, so the whole account
 * loss L is borne by whoever takes the positions there. With one position
 * this is the textbook e - m / q. */
LIQ_API double liq_perp_bankruptcy_price(double position, double mark, double equity,
                                         double notional);

/* Input of token1 (reserve_in) that buys exactly `amount_out` of token0
 * (reserve_out) from a constant-product pool with fee phi charged on the
 * input: dy = y dx / ((x - dx)(1 - phi)), the inverse of liq_cp_amount_out.
 * INFINITY when amount_out >= reserve_out (the pool cannot pay it). */
LIQ_API double liq_cp_amount_in(double amount_out, double reserve_in, double reserve_out,
                                double fee);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_PERP_H */
