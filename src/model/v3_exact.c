/*
 * Uniswap v3 in the contracts' own integer arithmetic (liqnet/concentrated.h,
 * the liq_v3_* layer): TickMath, SqrtPriceMath, SwapMath.computeSwapStep,
 * and UniswapV3Pool's mint and swap, transcribed operation for operation
 * from Uniswap/v3-core (contracts/libraries/TickMath.sol, SqrtPriceMath.sol, SwapMath.sol,
 * FullMath.sol, TickBitmap.sol, Tick.sol and contracts/UniswapV3Pool.sol,
 * commit d8b1c635) so that every rounding matches. Where the contract
 * reverts, these functions return an error code and leave their outputs
 * alone; the message names the contract's revert reason.
 *
 * Workload: the reference for the float layer and the tests; a swap step
 * costs about five 512-by-256-bit divisions (benchmarks/venues_bench.c).
 */
#include <stdlib.h>
#include <string.h>

#include "liqnet/concentrated.h"
#include "liqnet/error.h"
#include "model/u256.h"

/* The Q128.128 factors sqrt(1.0001)^(-2^k) of TickMath.getSqrtRatioAtTick,
 * k = 1..19, as (low, high) 64-bit halves; k = 0 is the constant below. */
static const uint64_t liq_tick_factor[19][2] = {
    {0x59a46990580e213aull, 0xfff97272373d4132ull}, /* 0x2 */
    {0xef12357cf3c7fdccull, 0xfff2e50f5f656932ull}, /* 0x4 */
    {0x1c3624eaa0941cd0ull, 0xffe5caca7e10e4e6ull}, /* 0x8 */
    {0xc9db58835c926644ull, 0xffcb9843d60f6159ull}, /* 0x10 */
    {0x472e6896dfb254c0ull, 0xff973b41fa98c081ull}, /* 0x20 */
    {0x43ec78b326b52861ull, 0xff2ea16466c96a38ull}, /* 0x40 */
    {0x11c461f1969c3053ull, 0xfe5dee046a99a2a8ull}, /* 0x80 */
    {0xdcffc83b479aa3a4ull, 0xfcbe86c7900a88aeull}, /* 0x100 */
    {0x6f2b074cf7815e54ull, 0xf987a7253ac41317ull}, /* 0x200 */
    {0x940c7a398e4b70f3ull, 0xf3392b0822b70005ull}, /* 0x400 */
    {0x43b29c7fa6e889d9ull, 0xe7159475a2c29b74ull}, /* 0x800 */
    {0x845ad8f792aa5825ull, 0xd097f3bdfd2022b8ull}, /* 0x1000 */
    {0x8a65dc1f90e061e5ull, 0xa9f746462d870fdfull}, /* 0x2000 */
    {0x90bb3df62baf32f7ull, 0x70d869a156d2a1b8ull}, /* 0x4000 */
    {0x81231505542fcfa6ull, 0x31be135f97d08fd9ull}, /* 0x8000 */
    {0xc677de54f3e99bc9ull, 0x09aa508b5b7a84e1ull}, /* 0x10000 */
    {0x6699c329225ee604ull, 0x005d6af8dedb8119ull}, /* 0x20000 */
    {0x1ea926041bedfe98ull, 0x00002216e584f5faull}, /* 0x40000 */
    {0x91f7dc42444e8fa2ull, 0x00000000048a1703ull}, /* 0x80000 */
};

static liq_u256_t liq_u256_halves(uint64_t lo, uint64_t hi)
{
    const liq_u256_t r = {{lo, hi, 0, 0}};
    return r;
}

/* MIN_SQRT_RATIO = 4295128739, MAX_SQRT_RATIO =
 * 1461446703485210103287273052203988822378723970342. */
static liq_u256_t liq_v3_min_sqrt_ratio(void)
{
    return liq_u256_u64(4295128739ull);
}

static liq_u256_t liq_v3_max_sqrt_ratio(void)
{
    const liq_u256_t r = {{0x5d951d5263988d26ull, 0xefd1fc6a50648849ull, 0xfffd8963ull, 0}};
    return r;
}

/* 2^96 (FixedPoint96.Q96) and 2^128 (FixedPoint128.Q128). */
static liq_u256_t liq_q96(void)
{
    return liq_u256_shl(liq_u256_u64(1), 96);
}

static liq_u256_t liq_q128(void)
{
    return liq_u256_shl(liq_u256_u64(1), 128);
}

/* type(uint160).max, type(uint128).max as bounds. */
static bool liq_fits160(liq_u256_t a)
{
    return liq_u256_fits(a, 160);
}

static int liq_v3_revert(const char *where, const char *why)
{
    return liq_error_set(LIQ_ENUMERIC, "%s: the contract reverts (%s)", where, why);
}

/* ------------------------------------------------------------ TickMath */

int liq_v3_sqrt_ratio_at_tick(liq_u256_t *sqrt_price_x96, int32_t tick)
{
    const int32_t abs_tick = tick < 0 ? -tick : tick;
    if (abs_tick > LIQ_V3_MAX_TICK) {
        return liq_error_set(LIQ_EINVAL,
                             "tick: value %d is outside the tick range; expected a tick in "
                             "[%d, %d] (TickMath reverts 'T')",
                             (int)tick, LIQ_V3_MIN_TICK, LIQ_V3_MAX_TICK);
    }
    liq_u256_t ratio = (abs_tick & 1)
                           ? liq_u256_halves(0xaa2d162d1a594001ull, 0xfffcb933bd6fad37ull)
                           : liq_u256_shl(liq_u256_u64(1), 128);
    for (int k = 1; k < 20; k++) {
        if (abs_tick & (1 << k)) {
            /* ratio < 2^129 and the factor < 2^128: the product fits. */
            const liq_u256_t f =
                liq_u256_halves(liq_tick_factor[k - 1][0], liq_tick_factor[k - 1][1]);
            ratio = liq_u256_shr(liq_u256_mul(ratio, f), 128);
        }
    }
    if (tick > 0) {
        ratio = liq_u256_div(liq_u256_max(), ratio);
    }
    /* Q128.128 to Q64.96, rounding up so that getTickAtSqrtRatio of the
     * result is always consistent. */
    const bool rem = (ratio.limb[0] & 0xffffffffull) != 0;
    liq_u256_t r = liq_u256_shr(ratio, 32);
    if (rem) {
        r = liq_u256_add(r, liq_u256_u64(1));
    }
    *sqrt_price_x96 = r;
    return LIQ_OK;
}

int liq_v3_tick_at_sqrt_ratio(int32_t *tick, liq_u256_t sqrt_price_x96)
{
    if (liq_u256_lt(sqrt_price_x96, liq_v3_min_sqrt_ratio()) ||
        !liq_u256_lt(sqrt_price_x96, liq_v3_max_sqrt_ratio())) {
        char buf[LIQ_U256_TEXT];
        return liq_error_set(LIQ_EINVAL,
                             "sqrt_price_x96: value %s is outside the price range; expected "
                             "[MIN_SQRT_RATIO, MAX_SQRT_RATIO) (TickMath reverts 'R')",
                             liq_u256_format(sqrt_price_x96, false, buf));
    }
    const liq_u256_t ratio = liq_u256_shl(sqrt_price_x96, 32);
    const int msb = liq_u256_bits(ratio) - 1;
    liq_u256_t r = msb >= 128 ? liq_u256_shr(ratio, msb - 127) : liq_u256_shl(ratio, 127 - msb);
    /* log_2 as a signed Q64.64 in two's complement: (msb - 128) << 64. */
    liq_u256_t log_2 =
        liq_u256_shl(liq_u256_u64((uint64_t)(msb > 128 ? msb - 128 : 128 - msb)), 64);
    if (msb < 128) {
        log_2 = liq_u256_neg(log_2);
    }
    /* Fourteen more bits of the logarithm by repeated squaring of r, a
     * Q1.127 number in [1, 2). */
    for (int bit = 63; bit >= 50; bit--) {
        r = liq_u256_shr(liq_u256_mul(r, r), 127);
        const uint64_t f = r.limb[2] & 1; /* r >> 128 is 0 or 1 */
        log_2.limb[0] |= f << bit;
        r = liq_u256_shr(r, (int)f);
    }
    /* log_sqrt10001 = log_2 * 255738958999603826347141, a Q128.128. */
    const liq_u256_t log_sqrt10001 =
        liq_u256_mul(log_2, liq_u256_halves(0xa301d71055774c85ull, 0x0000000000003627ull));
    const liq_u256_t low = liq_i256_sar(
        liq_u256_sub(log_sqrt10001, liq_u256_halves(0x5af012a19d003aaaull, 0x028f6481ab7f045aull)),
        128);
    const liq_u256_t high = liq_i256_sar(
        liq_u256_add(log_sqrt10001, liq_u256_halves(0x455e260799a0632full, 0xdb2df09e81959a81ull)),
        128);
    const int32_t tick_low = (int32_t)(int64_t)low.limb[0];
    const int32_t tick_high = (int32_t)(int64_t)high.limb[0];
    if (tick_low == tick_high) {
        *tick = tick_low;
        return LIQ_OK;
    }
    liq_u256_t at_high;
    liq_v3_sqrt_ratio_at_tick(&at_high, tick_high);
    *tick = liq_u256_le(at_high, sqrt_price_x96) ? tick_high : tick_low;
    return LIQ_OK;
}

/* ------------------------------------------------------- SqrtPriceMath */

static int liq_next_from_amount0_rounding_up(liq_u256_t *next, liq_u256_t sqrt_p,
                                             liq_u256_t liquidity, liq_u256_t amount, bool add)
{
    static const char *where = "SqrtPriceMath.getNextSqrtPriceFromAmount0RoundingUp";
    if (liq_u256_is_zero(amount)) {
        *next = sqrt_p;
        return LIQ_OK;
    }
    const liq_u256_t numerator1 = liq_u256_shl(liquidity, 96);
    bool overflow;
    const liq_u256_t product = liq_u256_mul_o(amount, sqrt_p, &overflow);
    if (add) {
        if (!overflow) {
            bool carry;
            const liq_u256_t denominator = liq_u256_add_c(numerator1, product, &carry);
            if (!carry) {
                liq_u256_t r;
                if (!liq_u256_mul_div_up(&r, numerator1, sqrt_p, denominator)) {
                    return liq_v3_revert(where, "mulDivRoundingUp");
                }
                /* uint160(...): always fits, the contract says; truncate as it does. */
                r.limb[2] &= 0xffffffffull;
                r.limb[3] = 0;
                *next = r;
                return LIQ_OK;
            }
        }
        bool carry;
        const liq_u256_t den = liq_u256_add_c(liq_u256_div(numerator1, sqrt_p), amount, &carry);
        if (carry) {
            return liq_v3_revert(where, "LowGasSafeMath.add overflows");
        }
        liq_u256_t r = liq_u256_div_up(numerator1, den);
        r.limb[2] &= 0xffffffffull;
        r.limb[3] = 0;
        *next = r;
        return LIQ_OK;
    }
    if (overflow || !liq_u256_lt(product, numerator1)) {
        return liq_v3_revert(where, "the output exceeds the virtual reserves of token0");
    }
    liq_u256_t r;
    if (!liq_u256_mul_div_up(&r, numerator1, sqrt_p, liq_u256_sub(numerator1, product)) ||
        !liq_fits160(r)) {
        return liq_v3_revert(where, "mulDivRoundingUp or toUint160");
    }
    *next = r;
    return LIQ_OK;
}

static int liq_next_from_amount1_rounding_down(liq_u256_t *next, liq_u256_t sqrt_p,
                                               liq_u256_t liquidity, liq_u256_t amount, bool add)
{
    static const char *where = "SqrtPriceMath.getNextSqrtPriceFromAmount1RoundingDown";
    const bool small = liq_fits160(amount);
    if (add) {
        liq_u256_t quotient;
        if (small) {
            quotient = liq_u256_div(liq_u256_shl(amount, 96), liquidity);
        } else if (!liq_u256_mul_div(&quotient, amount, liq_q96(), liquidity, NULL)) {
            return liq_v3_revert(where, "mulDiv");
        }
        bool carry;
        const liq_u256_t r = liq_u256_add_c(sqrt_p, quotient, &carry);
        if (carry || !liq_fits160(r)) {
            return liq_v3_revert(where, "the price overflows uint160");
        }
        *next = r;
        return LIQ_OK;
    }
    liq_u256_t quotient;
    if (small) {
        quotient = liq_u256_div_up(liq_u256_shl(amount, 96), liquidity);
    } else if (!liq_u256_mul_div_up(&quotient, amount, liq_q96(), liquidity)) {
        return liq_v3_revert(where, "mulDivRoundingUp");
    }
    if (!liq_u256_lt(quotient, sqrt_p)) {
        return liq_v3_revert(where, "the output exceeds the virtual reserves of token1");
    }
    *next = liq_u256_sub(sqrt_p, quotient);
    return LIQ_OK;
}

int liq_v3_next_sqrt_price_from_input(liq_u256_t *next, liq_u256_t sqrt_price_x96,
                                      liq_u256_t liquidity, liq_u256_t amount_in, bool zero_for_one)
{
    if (liq_u256_is_zero(sqrt_price_x96) || liq_u256_is_zero(liquidity)) {
        return liq_v3_revert("SqrtPriceMath.getNextSqrtPriceFromInput", "zero price or liquidity");
    }
    /* Round so that the price does not pass the target. */
    return zero_for_one
               ? liq_next_from_amount0_rounding_up(next, sqrt_price_x96, liquidity, amount_in, true)
               : liq_next_from_amount1_rounding_down(next, sqrt_price_x96, liquidity, amount_in,
                                                     true);
}

int liq_v3_next_sqrt_price_from_output(liq_u256_t *next, liq_u256_t sqrt_price_x96,
                                       liq_u256_t liquidity, liq_u256_t amount_out,
                                       bool zero_for_one)
{
    if (liq_u256_is_zero(sqrt_price_x96) || liq_u256_is_zero(liquidity)) {
        return liq_v3_revert("SqrtPriceMath.getNextSqrtPriceFromOutput", "zero price or liquidity");
    }
    /* Round so that the price passes the target. */
    return zero_for_one ? liq_next_from_amount1_rounding_down(next, sqrt_price_x96, liquidity,
                                                              amount_out, false)
                        : liq_next_from_amount0_rounding_up(next, sqrt_price_x96, liquidity,
                                                            amount_out, false);
}

int liq_v3_amount0_delta(liq_u256_t *amount0, liq_u256_t sqrt_a_x96, liq_u256_t sqrt_b_x96,
                         liq_u256_t liquidity, bool round_up)
{
    if (liq_u256_lt(sqrt_b_x96, sqrt_a_x96)) {
        const liq_u256_t t = sqrt_a_x96;
        sqrt_a_x96 = sqrt_b_x96;
        sqrt_b_x96 = t;
    }
    const liq_u256_t numerator1 = liq_u256_shl(liquidity, 96);
    const liq_u256_t numerator2 = liq_u256_sub(sqrt_b_x96, sqrt_a_x96);
    if (liq_u256_is_zero(sqrt_a_x96)) {
        return liq_v3_revert("SqrtPriceMath.getAmount0Delta", "zero price");
    }
    liq_u256_t r;
    if (round_up) {
        if (!liq_u256_mul_div_up(&r, numerator1, numerator2, sqrt_b_x96)) {
            return liq_v3_revert("SqrtPriceMath.getAmount0Delta", "mulDivRoundingUp");
        }
        *amount0 = liq_u256_div_up(r, sqrt_a_x96);
    } else {
        if (!liq_u256_mul_div(&r, numerator1, numerator2, sqrt_b_x96, NULL)) {
            return liq_v3_revert("SqrtPriceMath.getAmount0Delta", "mulDiv");
        }
        *amount0 = liq_u256_div(r, sqrt_a_x96);
    }
    return LIQ_OK;
}

int liq_v3_amount1_delta(liq_u256_t *amount1, liq_u256_t sqrt_a_x96, liq_u256_t sqrt_b_x96,
                         liq_u256_t liquidity, bool round_up)
{
    if (liq_u256_lt(sqrt_b_x96, sqrt_a_x96)) {
        const liq_u256_t t = sqrt_a_x96;
        sqrt_a_x96 = sqrt_b_x96;
        sqrt_b_x96 = t;
    }
    const liq_u256_t diff = liq_u256_sub(sqrt_b_x96, sqrt_a_x96);
    const bool ok = round_up ? liq_u256_mul_div_up(amount1, liquidity, diff, liq_q96())
                             : liq_u256_mul_div(amount1, liquidity, diff, liq_q96(), NULL);
    return ok ? LIQ_OK : liq_v3_revert("SqrtPriceMath.getAmount1Delta", "mulDiv");
}

/* ------------------------------------------------------------ SwapMath */

int liq_v3_compute_swap_step(liq_v3_step_t *step, liq_u256_t sqrt_current_x96,
                             liq_u256_t sqrt_target_x96, liq_u256_t liquidity,
                             liq_u256_t amount_remaining, int32_t fee_pips)
{
    const bool zero_for_one = liq_u256_le(sqrt_target_x96, sqrt_current_x96);
    const bool exact_in = !liq_i256_negative(amount_remaining);
    const liq_u256_t million = liq_u256_u64(1000000);
    const liq_u256_t fee = liq_u256_u64((uint64_t)fee_pips);
    const liq_u256_t one_less_fee = liq_u256_u64((uint64_t)(1000000 - fee_pips));
    liq_u256_t next, amount_in = liq_u256_zero(), amount_out = liq_u256_zero();
    int rc;
    if (exact_in) {
        liq_u256_t less_fee;
        liq_u256_mul_div(&less_fee, amount_remaining, one_less_fee, million, NULL);
        rc = zero_for_one ? liq_v3_amount0_delta(&amount_in, sqrt_target_x96, sqrt_current_x96,
                                                 liquidity, true)
                          : liq_v3_amount1_delta(&amount_in, sqrt_current_x96, sqrt_target_x96,
                                                 liquidity, true);
        if (rc) {
            return rc;
        }
        if (liq_u256_le(amount_in, less_fee)) {
            next = sqrt_target_x96;
        } else if ((rc = liq_v3_next_sqrt_price_from_input(&next, sqrt_current_x96, liquidity,
                                                           less_fee, zero_for_one))) {
            return rc;
        }
    } else {
        rc = zero_for_one ? liq_v3_amount1_delta(&amount_out, sqrt_target_x96, sqrt_current_x96,
                                                 liquidity, false)
                          : liq_v3_amount0_delta(&amount_out, sqrt_current_x96, sqrt_target_x96,
                                                 liquidity, false);
        if (rc) {
            return rc;
        }
        if (liq_u256_le(amount_out, liq_u256_neg(amount_remaining))) {
            next = sqrt_target_x96;
        } else if ((rc = liq_v3_next_sqrt_price_from_output(&next, sqrt_current_x96, liquidity,
                                                            liq_u256_neg(amount_remaining),
                                                            zero_for_one))) {
            return rc;
        }
    }
    const bool max = liq_u256_eq(sqrt_target_x96, next);
    /* The input and output amounts of the step actually taken. */
    if (zero_for_one) {
        if (!(max && exact_in) &&
            (rc = liq_v3_amount0_delta(&amount_in, next, sqrt_current_x96, liquidity, true))) {
            return rc;
        }
        if (!(max && !exact_in) &&
            (rc = liq_v3_amount1_delta(&amount_out, next, sqrt_current_x96, liquidity, false))) {
            return rc;
        }
    } else {
        if (!(max && exact_in) &&
            (rc = liq_v3_amount1_delta(&amount_in, sqrt_current_x96, next, liquidity, true))) {
            return rc;
        }
        if (!(max && !exact_in) &&
            (rc = liq_v3_amount0_delta(&amount_out, sqrt_current_x96, next, liquidity, false))) {
            return rc;
        }
    }
    /* Cap the output at what is still wanted. */
    if (!exact_in && liq_u256_lt(liq_u256_neg(amount_remaining), amount_out)) {
        amount_out = liq_u256_neg(amount_remaining);
    }
    liq_u256_t fee_amount;
    if (exact_in && !liq_u256_eq(next, sqrt_target_x96)) {
        /* The target was not reached: the rest of the input is the fee. */
        fee_amount = liq_u256_sub(amount_remaining, amount_in);
    } else if (!liq_u256_mul_div_up(&fee_amount, amount_in, fee, one_less_fee)) {
        return liq_v3_revert("SwapMath.computeSwapStep", "mulDivRoundingUp");
    }
    step->sqrt_price_next_x96 = next;
    step->amount_in = amount_in;
    step->amount_out = amount_out;
    step->fee_amount = fee_amount;
    return LIQ_OK;
}

/* ---------------------------------------------------------------- pool */

int liq_v3_pool_init(liq_v3_pool_t *pool, int32_t fee_pips, int32_t tick_spacing,
                     liq_u256_t sqrt_price_x96)
{
    memset(pool, 0, sizeof(*pool));
    if (tick_spacing < 1 || tick_spacing >= 16384) {
        return liq_error_set(LIQ_EINVAL,
                             "tick_spacing: value %d is out of range; expected an integer in "
                             "[1, 16384)",
                             (int)tick_spacing);
    }
    if (fee_pips < 0 || fee_pips >= 1000000) {
        return liq_error_set(LIQ_EINVAL,
                             "fee_pips: value %d is out of range; expected an integer in "
                             "[0, 1000000)",
                             (int)fee_pips);
    }
    int32_t tick;
    const int rc = liq_v3_tick_at_sqrt_ratio(&tick, sqrt_price_x96);
    if (rc) {
        return rc;
    }
    pool->sqrt_price_x96 = sqrt_price_x96;
    pool->tick = tick;
    pool->tick_spacing = tick_spacing;
    pool->fee_pips = fee_pips;
    return LIQ_OK;
}

void liq_v3_pool_destroy(liq_v3_pool_t *pool)
{
    if (!pool) {
        return;
    }
    free(pool->ticks);
    free(pool->liquidity_gross);
    free(pool->liquidity_net);
    memset(pool, 0, sizeof(*pool));
}

/* The index of the first initialised tick >= t (n_ticks if none). */
static size_t liq_v3_lower_bound(const liq_v3_pool_t *pool, int32_t t)
{
    size_t lo = 0, hi = pool->n_ticks;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (pool->ticks[mid] < t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Tick.tickSpacingToMaxLiquidityPerTick. */
static liq_u256_t liq_v3_max_liquidity_per_tick(int32_t spacing)
{
    const int32_t min_tick = (LIQ_V3_MIN_TICK / spacing) * spacing;
    const int32_t max_tick = (LIQ_V3_MAX_TICK / spacing) * spacing;
    const uint64_t n = (uint64_t)((max_tick - min_tick) / spacing) + 1;
    return liq_u256_div(liq_u256_sub(liq_q128(), liq_u256_u64(1)), liq_u256_u64(n));
}

static int liq_v3_reserve(liq_v3_pool_t *pool, size_t need)
{
    if (need <= pool->cap_ticks) {
        return LIQ_OK;
    }
    size_t cap = pool->cap_ticks ? 2 * pool->cap_ticks : 16;
    while (cap < need) {
        cap *= 2;
    }
    int32_t *t = realloc(pool->ticks, cap * sizeof(*t));
    if (t) {
        pool->ticks = t;
    }
    liq_u256_t *g = realloc(pool->liquidity_gross, cap * sizeof(*g));
    if (g) {
        pool->liquidity_gross = g;
    }
    liq_u256_t *n = realloc(pool->liquidity_net, cap * sizeof(*n));
    if (n) {
        pool->liquidity_net = n;
    }
    if (!t || !g || !n) {
        return liq_error_set(LIQ_ENOMEM, "liq_v3_pool_mint: out of memory for %zu ticks", cap);
    }
    pool->cap_ticks = cap;
    return LIQ_OK;
}

/* Tick.update's liquidity part for one end of a position: the gross and
 * net liquidity the tick would have, checked as the contract checks them. */
static int liq_v3_tick_after(const liq_v3_pool_t *pool, int32_t tick, liq_u256_t liquidity,
                             bool upper, liq_u256_t *gross, liq_u256_t *net)
{
    const size_t i = liq_v3_lower_bound(pool, tick);
    const bool exists = i < pool->n_ticks && pool->ticks[i] == tick;
    const liq_u256_t g0 = exists ? pool->liquidity_gross[i] : liq_u256_zero();
    const liq_u256_t n0 = exists ? pool->liquidity_net[i] : liq_u256_zero();
    *gross = liq_u256_add(g0, liquidity);
    if (!liq_u256_fits(*gross, 128)) {
        return liq_error_set(LIQ_EINVAL, "tick %d: liquidityGross overflows (LiquidityMath 'LA')",
                             (int)tick);
    }
    if (liq_u256_lt(liq_v3_max_liquidity_per_tick(pool->tick_spacing), *gross)) {
        return liq_error_set(LIQ_EINVAL,
                             "tick %d: liquidityGross above the maximum per tick for spacing %d "
                             "(Tick.update reverts 'LO')",
                             (int)tick, (int)pool->tick_spacing);
    }
    *net = upper ? liq_u256_sub(n0, liquidity) : liq_u256_add(n0, liquidity);
    /* toInt128: the two's complement value must lie in [-2^127, 2^127). */
    const liq_u256_t shifted = liq_u256_add(*net, liq_u256_shl(liq_u256_u64(1), 127));
    if (!liq_u256_fits(shifted, 128)) {
        return liq_error_set(LIQ_EINVAL, "tick %d: liquidityNet overflows int128 (SafeCast)",
                             (int)tick);
    }
    return LIQ_OK;
}

static void liq_v3_tick_set(liq_v3_pool_t *pool, int32_t tick, liq_u256_t gross, liq_u256_t net)
{
    const size_t i = liq_v3_lower_bound(pool, tick);
    if (!(i < pool->n_ticks && pool->ticks[i] == tick)) {
        const size_t move = pool->n_ticks - i;
        memmove(pool->ticks + i + 1, pool->ticks + i, move * sizeof(*pool->ticks));
        memmove(pool->liquidity_gross + i + 1, pool->liquidity_gross + i,
                move * sizeof(*pool->liquidity_gross));
        memmove(pool->liquidity_net + i + 1, pool->liquidity_net + i,
                move * sizeof(*pool->liquidity_net));
        pool->n_ticks++;
        pool->ticks[i] = tick;
    }
    pool->liquidity_gross[i] = gross;
    pool->liquidity_net[i] = net;
}

int liq_v3_pool_mint(liq_v3_pool_t *pool, int32_t tick_lower, int32_t tick_upper,
                     liq_u256_t liquidity, liq_u256_t *amount0, liq_u256_t *amount1)
{
    if (tick_lower >= tick_upper) {
        return liq_error_set(LIQ_EINVAL,
                             "tick_lower: value %d is not below tick_upper %d; expected "
                             "tick_lower < tick_upper (UniswapV3Pool reverts 'TLU')",
                             (int)tick_lower, (int)tick_upper);
    }
    if (tick_lower < LIQ_V3_MIN_TICK) {
        return liq_error_set(LIQ_EINVAL,
                             "tick_lower: value %d is below MIN_TICK; expected >= %d "
                             "(UniswapV3Pool reverts 'TLM')",
                             (int)tick_lower, LIQ_V3_MIN_TICK);
    }
    if (tick_upper > LIQ_V3_MAX_TICK) {
        return liq_error_set(LIQ_EINVAL,
                             "tick_upper: value %d is above MAX_TICK; expected <= %d "
                             "(UniswapV3Pool reverts 'TUM')",
                             (int)tick_upper, LIQ_V3_MAX_TICK);
    }
    if (tick_lower % pool->tick_spacing != 0 || tick_upper % pool->tick_spacing != 0) {
        return liq_error_set(LIQ_EINVAL,
                             "ticks %d, %d: not multiples of the tick spacing %d; expected ticks "
                             "on the spacing (TickBitmap.flipTick reverts)",
                             (int)tick_lower, (int)tick_upper, (int)pool->tick_spacing);
    }
    if (liq_u256_is_zero(liquidity) || !liq_u256_fits(liquidity, 127)) {
        char buf[LIQ_U256_TEXT];
        return liq_error_set(LIQ_EINVAL,
                             "liquidity: value %s is out of range; expected 0 < liquidity < 2^127",
                             liq_u256_format(liquidity, false, buf));
    }
    liq_u256_t gross_lower, net_lower, gross_upper, net_upper;
    int rc = liq_v3_tick_after(pool, tick_lower, liquidity, false, &gross_lower, &net_lower);
    if (rc == LIQ_OK) {
        rc = liq_v3_tick_after(pool, tick_upper, liquidity, true, &gross_upper, &net_upper);
    }
    liq_u256_t at_lower, at_upper;
    liq_v3_sqrt_ratio_at_tick(&at_lower, tick_lower);
    liq_v3_sqrt_ratio_at_tick(&at_upper, tick_upper);
    liq_u256_t a0 = liq_u256_zero(), a1 = liq_u256_zero(), active = pool->liquidity;
    if (rc == LIQ_OK) {
        if (pool->tick < tick_lower) {
            rc = liq_v3_amount0_delta(&a0, at_lower, at_upper, liquidity, true);
        } else if (pool->tick < tick_upper) {
            rc = liq_v3_amount0_delta(&a0, pool->sqrt_price_x96, at_upper, liquidity, true);
            if (rc == LIQ_OK) {
                rc = liq_v3_amount1_delta(&a1, at_lower, pool->sqrt_price_x96, liquidity, true);
            }
            active = liq_u256_add(active, liquidity);
            if (rc == LIQ_OK && !liq_u256_fits(active, 128)) {
                rc = liq_error_set(LIQ_EINVAL, "liquidity overflows uint128 (LiquidityMath 'LA')");
            }
        } else {
            rc = liq_v3_amount1_delta(&a1, at_lower, at_upper, liquidity, true);
        }
    }
    if (rc == LIQ_OK) {
        rc = liq_v3_reserve(pool, pool->n_ticks + 2);
    }
    if (rc) {
        return rc;
    }
    liq_v3_tick_set(pool, tick_lower, gross_lower, net_lower);
    liq_v3_tick_set(pool, tick_upper, gross_upper, net_upper);
    pool->liquidity = active;
    *amount0 = a0;
    *amount1 = a1;
    return LIQ_OK;
}

/*
 * TickBitmap.nextInitializedTickWithinOneWord on the sorted tick array: the
 * next initialised tick at or below `tick` (lte) or above it, but no further
 * than the end of the 256-tick word (in units of the spacing) the search
 * starts in; *initialized is false when it stops at the word's end.
 */
static int32_t liq_v3_next_tick(const liq_v3_pool_t *pool, int32_t tick, bool lte,
                                bool *initialized)
{
    const int32_t s = pool->tick_spacing;
    int32_t compressed = tick / s;
    if (tick < 0 && tick % s != 0) {
        compressed--; /* toward negative infinity */
    }
    if (lte) {
        const int32_t bit = ((compressed % 256) + 256) % 256;
        const int32_t word_low = compressed - bit;
        /* The last initialised tick <= compressed * s. */
        const size_t i = liq_v3_lower_bound(pool, compressed * s + 1);
        if (i > 0 && pool->ticks[i - 1] / s >= word_low) {
            *initialized = true;
            return pool->ticks[i - 1];
        }
        *initialized = false;
        return word_low * s;
    }
    const int32_t c1 = compressed + 1;
    const int32_t bit = ((c1 % 256) + 256) % 256;
    const int32_t word_high = c1 + (255 - bit);
    const size_t i = liq_v3_lower_bound(pool, c1 * s);
    if (i < pool->n_ticks && pool->ticks[i] / s <= word_high) {
        *initialized = true;
        return pool->ticks[i];
    }
    *initialized = false;
    return word_high * s;
}

/* SafeCast.toInt256: x < 2^255. */
static bool liq_fits_int256(liq_u256_t x)
{
    return !liq_i256_negative(x);
}

int liq_v3_pool_swap(liq_v3_pool_t *pool, liq_v3_swap_t *result, bool zero_for_one,
                     liq_u256_t amount_specified, liq_u256_t sqrt_price_limit_x96)
{
    if (liq_u256_is_zero(amount_specified)) {
        return liq_error_set(LIQ_EINVAL, "amount_specified: value 0; expected a nonzero amount "
                                         "(UniswapV3Pool reverts 'AS')");
    }
    const liq_u256_t start_price = pool->sqrt_price_x96;
    const bool limit_ok = zero_for_one
                              ? liq_u256_lt(sqrt_price_limit_x96, start_price) &&
                                    liq_u256_lt(liq_v3_min_sqrt_ratio(), sqrt_price_limit_x96)
                              : liq_u256_lt(start_price, sqrt_price_limit_x96) &&
                                    liq_u256_lt(sqrt_price_limit_x96, liq_v3_max_sqrt_ratio());
    if (!limit_ok) {
        char buf[LIQ_U256_TEXT];
        return liq_error_set(LIQ_EINVAL,
                             "sqrt_price_limit_x96: value %s is on the wrong side of the price; "
                             "expected a limit %s the current price and inside the price range "
                             "(UniswapV3Pool reverts 'SPL')",
                             liq_u256_format(sqrt_price_limit_x96, false, buf),
                             zero_for_one ? "below" : "above");
    }
    const bool exact_input = !liq_i256_negative(amount_specified);
    liq_u256_t remaining = amount_specified, calculated = liq_u256_zero();
    liq_u256_t price = start_price, liquidity = pool->liquidity;
    liq_u256_t fee_growth =
        zero_for_one ? pool->fee_growth_global0_x128 : pool->fee_growth_global1_x128;
    int32_t tick = pool->tick;
    int32_t crossed = 0, steps = 0;
    int rc;
    while (!liq_u256_is_zero(remaining) && !liq_u256_eq(price, sqrt_price_limit_x96)) {
        const liq_u256_t step_start = price;
        bool initialized;
        int32_t tick_next = liq_v3_next_tick(pool, tick, zero_for_one, &initialized);
        /* The bitmap knows no bounds; the ticks do. */
        if (tick_next < LIQ_V3_MIN_TICK) {
            tick_next = LIQ_V3_MIN_TICK;
        } else if (tick_next > LIQ_V3_MAX_TICK) {
            tick_next = LIQ_V3_MAX_TICK;
        }
        liq_u256_t price_next;
        liq_v3_sqrt_ratio_at_tick(&price_next, tick_next);
        const bool limit_first = zero_for_one ? liq_u256_lt(price_next, sqrt_price_limit_x96)
                                              : liq_u256_lt(sqrt_price_limit_x96, price_next);
        liq_v3_step_t step;
        if ((rc = liq_v3_compute_swap_step(&step, price,
                                           limit_first ? sqrt_price_limit_x96 : price_next,
                                           liquidity, remaining, pool->fee_pips))) {
            return rc;
        }
        steps++;
        price = step.sqrt_price_next_x96;
        const liq_u256_t in_with_fee = liq_u256_add(step.amount_in, step.fee_amount);
        if (!liq_fits_int256(in_with_fee) || !liq_fits_int256(step.amount_out)) {
            return liq_v3_revert("UniswapV3Pool.swap", "SafeCast.toInt256");
        }
        if (exact_input) {
            remaining = liq_u256_sub(remaining, in_with_fee);
            calculated = liq_u256_sub(calculated, step.amount_out);
        } else {
            remaining = liq_u256_add(remaining, step.amount_out);
            calculated = liq_u256_add(calculated, in_with_fee);
        }
        if (!liq_u256_is_zero(liquidity)) {
            liq_u256_t growth;
            liq_u256_mul_div(&growth, step.fee_amount, liq_q128(), liquidity, NULL);
            fee_growth = liq_u256_add(fee_growth, growth); /* wraps, as intended */
        }
        if (liq_u256_eq(price, price_next)) {
            if (initialized) {
                const size_t i = liq_v3_lower_bound(pool, tick_next);
                liq_u256_t net = pool->liquidity_net[i];
                if (zero_for_one) {
                    net = liq_u256_neg(net);
                }
                /* LiquidityMath.addDelta on uint128 with an int128 delta. */
                const liq_u256_t after = liq_u256_add(liquidity, net);
                if (!liq_u256_fits(after, 128)) {
                    return liq_v3_revert("UniswapV3Pool.swap", liq_i256_negative(net)
                                                                   ? "LiquidityMath 'LS'"
                                                                   : "LiquidityMath 'LA'");
                }
                liquidity = after;
                crossed++;
            }
            tick = zero_for_one ? tick_next - 1 : tick_next;
        } else if (!liq_u256_eq(price, step_start)) {
            if ((rc = liq_v3_tick_at_sqrt_ratio(&tick, price))) {
                return rc;
            }
        }
    }
    pool->sqrt_price_x96 = price;
    pool->tick = tick;
    pool->liquidity = liquidity;
    if (zero_for_one) {
        pool->fee_growth_global0_x128 = fee_growth;
    } else {
        pool->fee_growth_global1_x128 = fee_growth;
    }
    const liq_u256_t specified_used = liq_u256_sub(amount_specified, remaining);
    result->amount0 = zero_for_one == exact_input ? specified_used : calculated;
    result->amount1 = zero_for_one == exact_input ? calculated : specified_used;
    result->ticks_crossed = crossed;
    result->steps = steps;
    return LIQ_OK;
}
