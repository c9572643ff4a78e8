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
 *   uses (the engine's token units), for the simulation: a swap costs 0.1
 *   to 0.4 us against the exact layer's 3 us (benchmarks/README.md). It
 *   differs from the contract only by rounding: on v3-core's 190 pool swap
 *   snapshots its amounts agree to a relative 1.2e-13 wherever the
 *   contract's quantisation (whole wei, sqrt prices in units of 2^-96, a
 *   step per bitmap word) is negligible, and within that quantisation
 *   otherwise; over 2203 tick crossings of a 43-tick pool, to 1.1e-15
 *   (tests/test_concentrated.c, which allows 1e-12 plus the quantisation).
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

/* =================================================== float64 layer */

/* sqrt prices at MIN_TICK and MAX_TICK: MIN_SQRT_RATIO / 2^96 and
 * MAX_SQRT_RATIO / 2^96, each the nearest double. */
#define LIQ_CL_MIN_SQRT_PRICE 5.421214632141317e-20
#define LIQ_CL_MAX_SQRT_PRICE 1.8446050711097704e+19

/* sqrt(1.0001^tick): the exact layer's getSqrtRatioAtTick / 2^96, nearest
 * double (relative error <= 2^-53 against the contract's value, which is
 * itself within 1e-6 bp of the true root). tick clamped to [MIN, MAX]. */
LIQ_API double liq_cl_sqrt_price_at_tick(int32_t tick);

/* getTickAtSqrtRatio of floor(sqrt_price 2^96): the greatest tick whose
 * sqrt price is <= sqrt_price (clamped to [MIN_TICK, MAX_TICK - 1]). */
LIQ_API int32_t liq_cl_tick_at_sqrt_price(double sqrt_price);

/* 1.0001^tick, the price a (mean) tick stands for. */
LIQ_API double liq_cl_tick_price(int32_t tick);

/* One liquidity position: `liquidity` over [tick_lower, tick_upper). */
typedef struct {
    int32_t tick_lower;
    int32_t tick_upper;
    double liquidity;
} liq_cl_position_t;

/* An initialised tick of a float pool: 32 bytes, what a swap reads when it
 * reaches the tick, in one record so that reaching it costs one cache line.
 * A venue phase over 10^4 pools misses the cache at every pool: with three
 * arrays a tick and a binary search for the starting range a swap cost
 * 0.83 us there, with this record and the range kept in the state 0.10 us
 * (benchmarks/README.md, "Venues"). */
typedef struct {
    double sqrt_price;      /* liq_cl_sqrt_price_at_tick(tick) */
    double liquidity_above; /* L from this tick to the next; 0 above the last */
    double liquidity_net;   /* added to L when the tick is crossed upward */
    int32_t tick;           /* a multiple of the pool's tick spacing */
} liq_cl_tick_t;

/*
 * A pool's ranges, built once from its positions and read-only during a
 * run: the initialised ticks in ascending order. liquidity_above comes from
 * compensated prefix sums, and is exactly 0 wherever no position covers the
 * range, so crossing a tick and back restores the liquidity bit for bit.
 * Memory: 32 bytes a tick. Owns its array (liq_cl_pool_destroy); a caller
 * that lays out many pools' ticks in one array may point `ticks` into it.
 */
typedef struct liq_cl_pool {
    int32_t tick_spacing;
    double fee; /* share of the input taken as fee: fee_pips / 1e6 */
    size_t n_ticks;
    liq_cl_tick_t *ticks; /* ascending */
} liq_cl_pool_t;

/*
 * What a swap changes: 24 bytes, the per-pool record of a round (the
 * ranges never change in a run). `range` is derived from `tick` and kept
 * only so that a swap starts without a search: a state whose range does
 * not match its tick is searched again (O(log n_ticks)), so a record may
 * carry it or not.
 */
typedef struct liq_cl_state {
    double sqrt_price; /* sqrt(P) > 0 */
    double liquidity;  /* active L >= 0 (liquidity_above of the current range) */
    int32_t tick;      /* slot0.tick: the range is the last initialised tick <= tick */
    int32_t range;     /* the number of initialised ticks <= tick */
} liq_cl_state_t;

/*
 * Checks positions for a pool of tick_spacing (in [1, 16384)): ticks in
 * [MIN_TICK, MAX_TICK] and multiples of the spacing, tick_lower < tick_upper,
 * liquidity finite and >= 0. On failure returns LIQ_EINVAL with a message
 * naming the position, key, value and expectation ("positions[2].tick_lower:
 * value 5 is not a multiple of the tick spacing 60; expected ...") and sets
 * *bad (if given) to the position's index, so a reader can prefix the
 * file and line.
 */
LIQ_API int liq_cl_positions_check(size_t n, const liq_cl_position_t *positions,
                                   int32_t tick_spacing, size_t *bad);

/*
 * Builds a pool's ranges from n positions (checked as above; fee in [0, 1)).
 * Positions on the same ticks merge; a tick stays initialised while any
 * position starts or ends there, even if their liquidityNet cancels (as in
 * the contract). Deterministic: a function of the positions in their order
 * (the deltas on one tick are summed in position order, whatever the sort
 * does with equal keys). O(n log n). LIQ_EINVAL, LIQ_ENOMEM.
 */
LIQ_API int liq_cl_pool_init(liq_cl_pool_t *pool, int32_t tick_spacing, double fee, size_t n,
                             const liq_cl_position_t *positions);

/* Frees the arrays; accepts a zeroed pool. */
LIQ_API void liq_cl_pool_destroy(liq_cl_pool_t *pool);

/* The state at sqrt_price (clamped to [MIN, MAX) sqrt price): its tick and
 * the active liquidity there, as UniswapV3Pool.initialize then mint would
 * leave them. O(log n_ticks). */
LIQ_API liq_cl_state_t liq_cl_state_at(const liq_cl_pool_t *pool, double sqrt_price);

/* The spot price P = sqrt_price^2 (token1 per token0). */
LIQ_API double liq_cl_spot_price(const liq_cl_state_t *state);

/*
 * Token amounts the positions hold at a state (the pool's balances less the
 * uncollected fees): sum over ranges of L (1/sqrt(Pa) - 1/sqrt(Pb)) above
 * the price and L (sqrt(Pb) - sqrt(Pa)) below it. O(n_ticks).
 */
LIQ_API void liq_cl_reserves(const liq_cl_pool_t *pool, const liq_cl_state_t *state,
                             double *reserve0, double *reserve1);

/* What a swap did, from the pool's side. */
typedef struct {
    double amount0;        /* token0 into the pool (< 0: out of it), fee included */
    double amount1;        /* token1 likewise */
    double fee;            /* fee paid, in the input token (part of its amount) */
    int32_t ticks_crossed; /* initialised ticks crossed */
} liq_cl_trade_t;

/*
 * One step of a swap in float64 (SwapMath.computeSwapStep's structure):
 * toward sqrt_target at liquidity L, with amount_remaining >= 0 of input
 * (exact_input) or of output still wanted, and the fee on input. Where the
 * step ends before the target, the amounts come from the amount (out =
 * in s s' for token0 in, in / (s s') for token1 in), not from a difference
 * of nearby prices, so small trades keep their relative precision.
 * *reached tells whether the step ended on the target.
 */
typedef struct {
    double sqrt_price_next;
    double amount_in; /* excluding the fee */
    double amount_out;
    double fee_amount;
    bool reached;
} liq_cl_step_t;

LIQ_API liq_cl_step_t liq_cl_swap_step(double sqrt_current, double sqrt_target, double liquidity,
                                       double amount_remaining, bool exact_input, double fee);

/*
 * A swap across ranges, as UniswapV3Pool.swap does it: token0 in
 * (zero_for_one) or token1 in, `amount` >= 0 of input (exact_input) or of
 * output wanted, no further than sqrt_price_limit (0 for none: the MIN/MAX
 * sqrt price). When the ranges run out of liquidity the swap stops at the
 * limit and uses only part of the amount (the trade says how much). A limit
 * on the wrong side of the price (the contract's 'SPL') trades nothing.
 * Updates *state. O(ticks crossed) steps plus O(log n_ticks) to find the
 * starting range. No word-boundary stops: they change nothing but rounding.
 */
LIQ_API liq_cl_trade_t liq_cl_swap(const liq_cl_pool_t *pool, liq_cl_state_t *state,
                                   bool zero_for_one, double amount, bool exact_input,
                                   double sqrt_price_limit);

/*
 * The swap that moves the price to sqrt_target (either side of the
 * current one), with the fee on input when with_fee, or none (what R0's
 * arbitrage assumes). Empty ranges are crossed at no cost, as in the
 * contract. Updates *state. O(ticks crossed + log n_ticks).
 */
LIQ_API liq_cl_trade_t liq_cl_swap_to_price(const liq_cl_pool_t *pool, liq_cl_state_t *state,
                                            double sqrt_target, bool with_fee);

/*
 * The arbitrage of MODEL.md s4 on a concentrated pool: target P* =
 * target_price (token1 per token0), efficiency kappa in [0, 1], new price
 * P' = P^(1-kappa) P*^kappa (kappa 1: exactly P*), reached by the trade that
 * moves the pool there across ranges. Fees are ignored, as R0 ignores them
 * for every pool kind. The arbitrageurs sell -amount0 of token0 and
 * -amount1 of token1 outside (MODEL.md's Q). Updates *state.
 */
LIQ_API liq_cl_trade_t liq_cl_arbitrage(const liq_cl_pool_t *pool, liq_cl_state_t *state,
                                        double target_price, double kappa);

/*
 * Depth: the input, fee included, that moves the price by `move` (a
 * relative change of P, > -1): token0 for a fall (move < 0), token1 for a
 * rise. move = -0.02 is "the depth at -2%". Does not change the state.
 */
LIQ_API double liq_cl_depth(const liq_cl_pool_t *pool, const liq_cl_state_t *state, double move);

/* The input, fee included, that moves the price to sqrt_target: token0 if
 * the target is below the current sqrt price, token1 if above, 0 at it.
 * Does not change the state. O(ticks crossed + log n_ticks). */
LIQ_API double liq_cl_input_to_price(const liq_cl_pool_t *pool, const liq_cl_state_t *state,
                                     double sqrt_target);

/* Quotes that leave the state alone (routing, keepers): the output of
 * selling amount_in >= 0 (token0 if zero_for_one), and the marginal output
 * d out / d in after that sale: (1 - fee) P' for token0 in, (1 - fee) / P'
 * for token1 in, P' the price reached (0 once the liquidity is exhausted). */
LIQ_API double liq_cl_amount_out(const liq_cl_pool_t *pool, const liq_cl_state_t *state,
                                 bool zero_for_one, double amount_in);
LIQ_API double liq_cl_marginal_out(const liq_cl_pool_t *pool, const liq_cl_state_t *state,
                                   bool zero_for_one, double amount_in);

/* ------------------------------------------------- TWAP observations */

/* One of v3's oracle observations (Oracle.Observation without the
 * liquidity accumulator): a time in seconds and sum(tick dt) up to it. */
typedef struct {
    int64_t time;
    int64_t tick_cumulative;
} liq_cl_observation_t;

/* Oracle.transform: the observation at `time` >= last.time when `tick`
 * prevailed since last.time (the tick before the trades of `time`). */
LIQ_API liq_cl_observation_t liq_cl_observation_next(liq_cl_observation_t last, int64_t time,
                                                     int32_t tick);

/* Oracle.observeSingle between two observations: tickCumulative at `time`
 * in [before.time, after.time], interpolated with the contract's truncating
 * division. */
LIQ_API int64_t liq_cl_tick_cumulative_at(liq_cl_observation_t before, liq_cl_observation_t after,
                                          int64_t time);

/* OracleLibrary.consult (v3-periphery): the arithmetic mean tick of a
 * tickCumulative difference over `seconds` > 0, rounded toward negative
 * infinity. Its price, liq_cl_tick_price(mean tick), is the geometric mean
 * of the price over the window (to the tick). */
LIQ_API int32_t liq_cl_mean_tick(int64_t tick_cumulative_delta, int64_t seconds);

/* --------------------------------------------------- distributions */

/* How a distribution places its ranges around centre_tick (c below: the
 * centre rounded down to the spacing; widths in multiples of the spacing). */
typedef enum {
    /* n_ranges adjacent ranges of equal width covering width_ticks around
     * c, equal liquidity each: a flat profile. */
    LIQ_CL_DIST_UNIFORM = 0,
    /* The same ranges, liquidity proportional to exp(-z^2 / 2), z the
     * range's mid tick less centre_tick over sigma_ticks: a normal profile
     * in log price. */
    LIQ_CL_DIST_GAUSSIAN = 1,
    /* n_ranges ranges all centred on c, the k-th (k = 1..n) of half-width
     * ceil(k width_ticks / (2 n)) ticks rounded up to the spacing, equal
     * liquidity each: a stepped pyramid, LPs of many widths. */
    LIQ_CL_DIST_NESTED = 2
} liq_cl_distribution_kind_t;

typedef struct {
    liq_cl_distribution_kind_t kind;
    int32_t centre_tick;  /* usually the pool's current tick */
    int32_t tick_spacing; /* in [1, 16384) */
    int32_t n_ranges;     /* >= 1 */
    int32_t width_ticks;  /* >= 1: span of the ranges (uniform, gaussian), widest range (nested) */
    double sigma_ticks;   /* gaussian only, > 0 */
    double total_liquidity;  /* >= 0: the liquidity of every position added up */
    double full_range_share; /* in [0, 1): share of total_liquidity in one full-range position */
} liq_cl_distribution_t;

/* The number of positions liq_cl_distribution_positions writes. */
LIQ_API size_t liq_cl_distribution_count(const liq_cl_distribution_t *dist);

/*
 * The positions of a distribution, a pure function of its fields (no random
 * draws): n_ranges positions (those clamped to nothing at the tick limits
 * are dropped), then the full-range one if full_range_share > 0. Positions
 * scale linearly with total_liquidity, and so do the reserves they hold:
 * a reader sets the size from a target value by scaling a unit pool.
 * LIQ_EINVAL (field, value, expectation) for bad fields; *n gets the count.
 */
LIQ_API int liq_cl_distribution_positions(const liq_cl_distribution_t *dist, size_t cap,
                                          liq_cl_position_t *positions, size_t *n);

#ifdef __cplusplus
}
#endif

#endif /* LIQNET_CONCENTRATED_H */
