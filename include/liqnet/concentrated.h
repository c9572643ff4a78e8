/*
 * Concentrated-liquidity pools (Uniswap v3; issue 19): tick maths, the swap
 * that crosses initialised ticks, arbitrage toward a reference price, depth,
 * the geometric-mean TWAP of v3's observations, and liquidity distributions.
 *
 * Two layers compute the same pool:
 *
 * - liq_v3_*: the contracts' own integer arithmetic (Q64.96 sqrt prices,
 *   uint128 liquidity, int256 amounts), reproduced operation for operation
 *   from Uniswap/v3-core: TickMath, SqrtPriceMath, SwapMath.computeSwapStep,
 *   UniswapV3Pool.mint and .swap (with TickBitmap's one-word search). It
 *   agrees with v3-core's published test values bit for bit
 *   (tests/test_concentrated.c) and is the reference the float layer is
 *   checked against. float64 cannot be that reference: a Q64.96 sqrt price
 *   has up to 160 significant bits, and the contracts round every amount
 *   to the wei in a stated direction.
 *
 * - liq_cl_*: the same algorithm in float64, in whatever units the caller
 *   uses (the engine's token units), for the simulation: one swap step is a
 *   few flops instead of five 512-bit divisions. Amounts agree with the
 *   exact layer to a relative 1e-12 when they are large against the wei, and
 *   to an absolute error of a few ulps of the pool's liquidity otherwise
 *   (tests/test_concentrated.c states the measured figures).
 *
 * Conventions: token0 and token1 as in v3; the price P is token1 per token0
 * and the state holds sqrt(P). Liquidity L is in sqrt(token0 token1) units:
 * within a range the virtual reserves are L / sqrt(P) and L sqrt(P), so
 * token0 = L (1/sqrt(Pa) - 1/sqrt(Pb)) and token1 = L (sqrt(Pb) - sqrt(Pa))
 * between two prices. Tick t has price 1.0001^t.
 *
 * Pure functions of their arguments and no global state: safe from any
 * thread. Only the pool builders allocate (their _destroy frees).
 */
#ifndef LIQNET_CONCENTRATED_H
#define LIQNET_CONCENTRATED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liqnet/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* TickMath.MIN_TICK and MAX_TICK: log base 1.0001 of 2^-128 and 2^128. */
#define LIQ_V3_MIN_TICK (-887272)
#define LIQ_V3_MAX_TICK 887272

/* ============================================== exact integer layer */

/*
 * A 256-bit unsigned integer, the EVM's uint256: four 64-bit limbs, least
 * significant first (value = sum limb[i] 2^(64 i)). Signed quantities
 * (int256 amounts, int128 liquidityNet) are held in two's complement, as the
 * EVM holds them. The limbs are the one place liqnet uses unsigned types
 * besides size_t: the contracts' arithmetic is modular by definition.
 */
typedef struct {
    uint64_t limb[4];
} liq_u256_t;

/* Decimal text of a liq_u256_t: 78 digits, a sign and the NUL. */
#define LIQ_U256_TEXT 80

LIQ_API liq_u256_t liq_u256_from_u64(uint64_t value);

/* Parses decimal digits, with a leading '-' for a negative int256 (stored in
 * two's complement). LIQ_EINVAL for anything else or a value out of range. */
LIQ_API int liq_u256_parse(liq_u256_t *value, const char *text);

/* Writes `value` in decimal into buf (LIQ_U256_TEXT bytes), as a signed
 * int256 when as_signed; returns buf. */
LIQ_API char *liq_u256_format(liq_u256_t value, bool as_signed, char buf[LIQ_U256_TEXT]);

/* -1, 0 or 1 as a < b, a == b, a > b (unsigned). */
LIQ_API int liq_u256_compare(liq_u256_t a, liq_u256_t b);

/* The nearest double (ties to even); unsigned. */
LIQ_API double liq_u256_to_double(liq_u256_t value);

/* floor(value) for value >= 0 (0 below 1, 2^256 - 1 above it). */
LIQ_API liq_u256_t liq_u256_from_double(double value);

/*
 * TickMath.getSqrtRatioAtTick: sqrt(1.0001^tick) 2^96 as the contract
 * computes it (a product of precomputed Q128.128 factors, rounded up to
 * Q64.96). LIQ_EINVAL where the contract reverts 'T' (|tick| > MAX_TICK).
 * O(1): at most 19 128-by-128-bit products.
 */
LIQ_API int liq_v3_sqrt_ratio_at_tick(liq_u256_t *sqrt_price_x96, int32_t tick);

/*
 * TickMath.getTickAtSqrtRatio: the greatest tick whose sqrt ratio is <= the
 * argument. LIQ_EINVAL where the contract reverts 'R' (outside
 * [MIN_SQRT_RATIO, MAX_SQRT_RATIO)). O(1): 14 squarings.
 */
LIQ_API int liq_v3_tick_at_sqrt_ratio(int32_t *tick, liq_u256_t sqrt_price_x96);

/*
 * SqrtPriceMath.getNextSqrtPriceFromInput / FromOutput: the sqrt price after
 * amount of token0 (zero_for_one) or token1 goes in (or comes out) at
 * liquidity `liquidity` (< 2^128), rounded so that the price never passes
 * the true one in the trader's favour. LIQ_ENUMERIC where the contract
 * reverts (zero price or liquidity, overflow, an output beyond the virtual
 * reserves).
 */
LIQ_API int liq_v3_next_sqrt_price_from_input(liq_u256_t *next, liq_u256_t sqrt_price_x96,
                                              liq_u256_t liquidity, liq_u256_t amount_in,
                                              bool zero_for_one);
LIQ_API int liq_v3_next_sqrt_price_from_output(liq_u256_t *next, liq_u256_t sqrt_price_x96,
                                               liq_u256_t liquidity, liq_u256_t amount_out,
                                               bool zero_for_one);

/*
 * SqrtPriceMath.getAmount0Delta / getAmount1Delta (unsigned forms): the
 * token0 (token1) between two sqrt prices, in either order, for a
 * liquidity, rounded up or down. LIQ_ENUMERIC where the contract reverts.
 */
LIQ_API int liq_v3_amount0_delta(liq_u256_t *amount0, liq_u256_t sqrt_a_x96, liq_u256_t sqrt_b_x96,
                                 liq_u256_t liquidity, bool round_up);
LIQ_API int liq_v3_amount1_delta(liq_u256_t *amount1, liq_u256_t sqrt_a_x96, liq_u256_t sqrt_b_x96,
                                 liq_u256_t liquidity, bool round_up);

/* One step of a swap (SwapMath.computeSwapStep's four results). */
typedef struct {
    liq_u256_t sqrt_price_next_x96;
    liq_u256_t amount_in; /* excluding the fee */
    liq_u256_t amount_out;
    liq_u256_t fee_amount; /* in the input token */
} liq_v3_step_t;

/*
 * SwapMath.computeSwapStep: swaps toward sqrt_target_x96 (below the current
 * price: token0 in; above: token1 in) at one liquidity, with
 * amount_remaining an int256 (>= 0: exact input, < 0: exact output) and the
 * fee in pips (1e6 = 100%) charged on the input. LIQ_ENUMERIC where the
 * contract reverts. O(1).
 */
LIQ_API int liq_v3_compute_swap_step(liq_v3_step_t *step, liq_u256_t sqrt_current_x96,
                                     liq_u256_t sqrt_target_x96, liq_u256_t liquidity,
                                     liq_u256_t amount_remaining, int32_t fee_pips);

/*
 * A v3 pool in the contract's integers: slot0's price and tick, the active
 * liquidity, the fee growth, and the initialised ticks (those with
 * liquidityGross > 0) in ascending order with their liquidityGross and
 * liquidityNet; the sorted array stands for the contract's tick bitmap.
 * Protocol fees, positions' fee accounting and observations are left out:
 * no swap amount depends on them. Owns its arrays (liq_v3_pool_destroy).
 */
typedef struct {
    liq_u256_t sqrt_price_x96;
    int32_t tick;
    int32_t tick_spacing;
    int32_t fee_pips;
    liq_u256_t liquidity;               /* uint128 */
    liq_u256_t fee_growth_global0_x128; /* Q128.128, wraps as the contract's does */
    liq_u256_t fee_growth_global1_x128;
    size_t n_ticks;
    size_t cap_ticks;
    int32_t *ticks;
    liq_u256_t *liquidity_gross; /* uint128 */
    liq_u256_t *liquidity_net;   /* int128, two's complement */
} liq_v3_pool_t;

/* UniswapV3Pool.initialize: the pool at sqrt_price_x96, no liquidity.
 * LIQ_EINVAL for a spacing outside [1, 16384), a fee outside [0, 1e6), or a
 * price the contract rejects. Allocates nothing until the first mint. */
LIQ_API int liq_v3_pool_init(liq_v3_pool_t *pool, int32_t fee_pips, int32_t tick_spacing,
                             liq_u256_t sqrt_price_x96);

/* Frees the tick arrays; accepts a zeroed pool. */
LIQ_API void liq_v3_pool_destroy(liq_v3_pool_t *pool);

/*
 * UniswapV3Pool.mint of `liquidity` (> 0, < 2^127) over [tick_lower,
 * tick_upper): updates the ticks and, in range, the active liquidity, and
 * gives the token amounts the minter pays (rounded up, as the contract
 * does). LIQ_EINVAL where the contract reverts ('TLU', 'TLM', 'TUM', ticks
 * off the spacing, 'LO' above the maximum liquidity per tick); LIQ_ENOMEM.
 * O(n_ticks) for the sorted insertion.
 */
LIQ_API int liq_v3_pool_mint(liq_v3_pool_t *pool, int32_t tick_lower, int32_t tick_upper,
                             liq_u256_t liquidity, liq_u256_t *amount0, liq_u256_t *amount1);

/* What a swap did, as UniswapV3Pool.swap returns it. */
typedef struct {
    liq_u256_t amount0; /* int256: > 0 paid into the pool, < 0 paid out */
    liq_u256_t amount1;
    int32_t ticks_crossed; /* initialised ticks crossed */
    int32_t steps;         /* computeSwapStep calls */
} liq_v3_swap_t;

/*
 * UniswapV3Pool.swap: amount_specified an int256 (> 0: exact input, < 0:
 * exact output), stopping at sqrt_price_limit_x96, crossing initialised
 * ticks and stopping at each tick-bitmap word boundary exactly as the
 * contract does, so every rounding matches. LIQ_EINVAL where the contract
 * reverts 'AS' or 'SPL' (the pool is then unchanged). O(steps) computeSwapStep
 * calls plus O(log n_ticks) per step to find the next initialised tick.
 */
LIQ_API int liq_v3_pool_swap(liq_v3_pool_t *pool, liq_v3_swap_t *result, bool zero_for_one,
                             liq_u256_t amount_specified, liq_u256_t sqrt_price_limit_x96);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_CONCENTRATED_H */
