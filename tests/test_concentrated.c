/*
 * Concentrated-liquidity pools (liqnet/concentrated.h) against Uniswap v3's
 * own test values and against invariants.
 *
 * The exact layer (liq_v3_*) must reproduce every number below bit for bit:
 * they are carried over from Uniswap/v3-core at commit d8b1c635 (fetched for
 * this work), each test citing its file and test name; the pool swaps are
 * the 240 snapshots of test/UniswapV3Pool.swaps.spec.ts
 * (tests/v3_swap_vectors.h). The float layer (liq_cl_*) is checked against
 * the same snapshots and the exact layer with the tolerances stated where
 * they are used, then against invariants: liquidity conserved across a tick
 * crossing and back, a round trip never gains, the price never leaves a
 * range without crossing its tick, output monotone and concave in the input,
 * and, inside one range, the constant-product pool of the range's virtual
 * reserves. Every test was seen to fail against a deliberately broken copy
 * of the code it checks (a rounding direction, the word-boundary stops, the
 * crossing's sign, the fee, the boundary tick, the compensated sums, ...).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "liq_test.h"
#include "v3_swap_vectors.h"

#include "liqnet/amm.h"
#include "liqnet/concentrated.h"
#include "liqnet/error.h"
#include "liqnet/rng.h"
#include "model/u256.h"

/* ------------------------------------------------------------ helpers */

static liq_u256_t U(const char *text)
{
    liq_u256_t v;
    if (liq_u256_parse(&v, text) != LIQ_OK) {
        fail_msg("cannot parse %s: %s", text, liq_errmsg());
    }
    return v;
}

/* Fails unless v reads `expected` in decimal (as an int256 when signed). */
#define assert_u256(v, expected) assert_u256_at((v), (expected), false, __LINE__)
#define assert_i256(v, expected) assert_u256_at((v), (expected), true, __LINE__)
static void assert_u256_at(liq_u256_t v, const char *expected, bool as_signed, int line)
{
    char buf[LIQ_U256_TEXT];
    liq_u256_format(v, as_signed, buf);
    if (strcmp(buf, expected) != 0) {
        fail_msg("line %d: %s != %s", line, buf, expected);
    }
}

/* encodePriceSqrt(reserve1, reserve0) of test/shared/utilities.ts, as
 * bignumber.js computes it (40 decimal places, times 2^96, rounded down). */
#define SQRT_1_1 "79228162514264337593543950336"
#define SQRT_2_1 "112045541949572279837463876454"
#define SQRT_121_100 "87150978765690771352898345369"
#define SQRT_101_100 "79623317895830914510639640423"
#define SQRT_1000_100 "250541448375047931186413801569"
#define SQRT_10000_100 "792281625142643375935439503360"
#define SQRT_2E90_1 "2787593149816327892691964784081045188247552"
#define SQRT_2E96_1 "22300745198530623141535718272648361505980416"
#define E17 "100000000000000000"
#define E18 "1000000000000000000"
#define TWO_E18 "2000000000000000000"
#define MAX_U256 "115792089237316195423570985008687907853269984665640564039457584007913129639935"
#define MIN_SQRT_RATIO "4295128739"
#define MAX_SQRT_RATIO "1461446703485210103287273052203988822378723970342"

/* A random value of 1 to 256 bits: the counter-based generator gives the
 * bit length and the limbs. */
static liq_u256_t random_u256(uint64_t i, uint64_t k)
{
    const liq_rng_key_t key = {19, 3};
    double u[4];
    liq_rng_uniform4(key, i, k, 0, u);
    const int bits = 1 + (int)(u[0] * 256.0);
    liq_u256_t x;
    for (int l = 0; l < 4; l++) {
        liq_rng_uniform4(key, i, k, (uint64_t)l + 1, u);
        x.limb[l] = ((uint64_t)(u[0] * 0x1p32) << 32) | (uint64_t)(u[1] * 0x1p32);
        const int lo = 64 * l;
        if (bits <= lo) {
            x.limb[l] = 0;
        } else if (bits < lo + 64) {
            x.limb[l] &= (UINT64_C(1) << (bits - lo)) - 1;
        }
    }
    return x;
}

/* a b in 8 limbs by schoolbook on 32-bit digits: no 128-bit integers, so it
 * checks liq_u256_mul_wide rather than repeating it. */
static void mul_wide_32(uint64_t out[8], liq_u256_t a, liq_u256_t b)
{
    uint64_t d[16] = {0};
    for (int i = 0; i < 8; i++) {
        const uint64_t x = (a.limb[i / 2] >> (32 * (i % 2))) & 0xffffffffu;
        uint64_t carry = 0;
        for (int j = 0; j < 8; j++) {
            const uint64_t y = (b.limb[j / 2] >> (32 * (j % 2))) & 0xffffffffu;
            const uint64_t t = x * y + d[i + j] + carry; /* < 2^64 */
            d[i + j] = t & 0xffffffffu;
            carry = t >> 32;
        }
        d[i + 8] = carry;
    }
    for (int i = 0; i < 8; i++) {
        out[i] = d[2 * i] | (d[2 * i + 1] << 32);
    }
}

static void test_u256_text_and_division(void **state)
{
    (void)state;
    /* Decimal text round trips, signed and unsigned, at the extremes. */
    assert_u256(U(MAX_U256), MAX_U256);
    assert_i256(U(MAX_U256), "-1");
    assert_i256(U("-57896044618658097711785492504343953926634992332820282019728792003956564819968"),
                "-57896044618658097711785492504343953926634992332820282019728792003956564819968");
    assert_u256(U("0"), "0");
    assert_u256(U("10000000000000000000"), "10000000000000000000"); /* one 10^19 chunk */
    assert_u256(U("10000000000000000000000000000000000000"),
                "10000000000000000000000000000000000000");
    liq_u256_t v;
    assert_int_equal(liq_u256_parse(&v, "12a"), LIQ_EINVAL);
    assert_int_equal(liq_u256_parse(&v, MAX_U256 "0"), LIQ_EINVAL);
    assert_int_equal(liq_u256_parse(&v, "-"), LIQ_EINVAL);
    /* Doubles: nearest, ties to even, and floor back. 2^64 + 2^11 is half
     * way between 2^64 and 2^64 + 2^12: the even mantissa wins; one more
     * and it rounds up. */
    assert_true(liq_u256_to_double(U("18446744073709553664")) == 0x1p64);
    assert_true(liq_u256_to_double(U("18446744073709553665")) == 0x1p64 + 0x1p12);
    assert_u256(liq_u256_from_double(0x1p100), "1267650600228229401496703205376");
    assert_u256(liq_u256_from_double(2.75), "2");
    assert_u256(liq_u256_from_double(0.5), "0");

    /* FullMath.mulDiv against its definition on 20000 draws of every size:
     * q = mulDiv(a, b, d) must satisfy a b = q d + r with 0 <= r < d, and it
     * must refuse exactly when a b >= 2^256 d. The products are checked
     * against a 32-bit schoolbook first. */
    int refused = 0;
    for (uint64_t i = 0; i < 20000; i++) {
        const liq_u256_t a = random_u256(i, 0), b = random_u256(i, 1), d = random_u256(i, 2);
        uint64_t ab[8], ab32[8], qd[8];
        liq_u256_mul_wide(ab, a, b);
        mul_wide_32(ab32, a, b);
        assert_memory_equal(ab, ab32, sizeof(ab));
        liq_u256_t q;
        bool rem;
        const liq_u256_t high = {{ab[4], ab[5], ab[6], ab[7]}};
        if (!liq_u256_mul_div(&q, a, b, d, &rem)) {
            assert_true(liq_u256_le(d, high));
            refused++;
            continue;
        }
        assert_true(liq_u256_lt(high, d));
        mul_wide_32(qd, q, d);
        /* r = ab - qd over 8 limbs, no borrow out, and r < d. */
        uint64_t r[8], borrow = 0;
        for (int l = 0; l < 8; l++) {
            const uint64_t t = ab[l] - qd[l] - borrow;
            borrow = (ab[l] < qd[l]) || (ab[l] - qd[l] < borrow);
            r[l] = t;
        }
        assert_int_equal(borrow, 0);
        assert_true((r[4] | r[5] | r[6] | r[7]) == 0);
        const liq_u256_t r256 = {{r[0], r[1], r[2], r[3]}};
        assert_true(liq_u256_lt(r256, d));
        assert_true(rem == !liq_u256_is_zero(r256));
        /* div and mod agree with it when b = 1. */
    }
    /* Both outcomes occurred. */
    assert_true(refused > 1000 && refused < 19000);
    /* EVM division by zero gives 0; mulDiv by zero refuses. */
    assert_true(liq_u256_is_zero(liq_u256_div(U("5"), U("0"))));
    liq_u256_t q;
    assert_false(liq_u256_mul_div(&q, U("5"), U("7"), U("0"), NULL));
}

/* ----------------------------------------------------------- TickMath */

static void test_tick_math(void **state)
{
    (void)state;
    liq_u256_t r;
    int32_t t;
    /* test/TickMath.spec.ts #getSqrtRatioAtTick: 'throws for too low'
     * (both of them: MIN_TICK - 1 and MAX_TICK + 1). */
    assert_int_equal(liq_v3_sqrt_ratio_at_tick(&r, LIQ_V3_MIN_TICK - 1), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(),
                        "tick: value -887273 is outside the tick range; expected a tick in "
                        "[-887272, 887272] (TickMath reverts 'T')");
    assert_int_equal(liq_v3_sqrt_ratio_at_tick(&r, LIQ_V3_MAX_TICK + 1), LIQ_EINVAL);
    /* 'min tick', 'min tick +1', 'max tick - 1', 'max tick', and
     * #MIN_SQRT_RATIO / #MAX_SQRT_RATIO 'equals #getSqrtRatioAtTick(...)'. */
    liq_v3_sqrt_ratio_at_tick(&r, LIQ_V3_MIN_TICK);
    assert_u256(r, MIN_SQRT_RATIO);
    liq_v3_sqrt_ratio_at_tick(&r, LIQ_V3_MIN_TICK + 1);
    assert_u256(r, "4295343490");
    liq_v3_sqrt_ratio_at_tick(&r, LIQ_V3_MAX_TICK - 1);
    assert_u256(r, "1461373636630004318706518188784493106690254656249");
    liq_v3_sqrt_ratio_at_tick(&r, LIQ_V3_MAX_TICK);
    assert_u256(r, MAX_SQRT_RATIO);

    /* 'tick N result' for N in +-{50, ..., 738203}: the snapshots in
     * test/__snapshots__/TickMath.spec.ts.snap; and 'is at most off by
     * 1/100th of a bips' against 1.0001^(N/2) 2^96 (here in double, whose
     * own error, below 1e-10 at these ticks, is far under the bound). */
    static const struct {
        int32_t tick;
        const char *ratio;
    } at_tick[] = {
        {-50, "79030349367926598376800521322"},
        {-100, "78833030112140176575862854579"},
        {-250, "78244023372248365697264290337"},
        {-500, "77272108795590369356373805297"},
        {-1000, "75364347830767020784054125655"},
        {-2500, "69919044979842180277688105136"},
        {-3000, "68192822843687888778582228483"},
        {-4000, "64867181785621769311890333195"},
        {-5000, "61703726247759831737814779831"},
        {-50000, "6504256538020985011912221507"},
        {-150000, "43836292794701720435367485"},
        {-250000, "295440463448801648376846"},
        {-500000, "1101692437043807371"},
        {-738203, "7409801140451"},
        {50, "79426470787362580746886972461"},
        {100, "79625275426524748796330556128"},
        {250, "80224679980005306637834519095"},
        {500, "81233731461783161732293370115"},
        {1000, "83290069058676223003182343270"},
        {2500, "89776708723587163891445672585"},
        {3000, "92049301871182272007977902845"},
        {4000, "96768528593268422080558758223"},
        {5000, "101729702841318637793976746270"},
        {50000, "965075977353221155028623082916"},
        {150000, "143194173941309278083010301478497"},
        {250000, "21246587762933397357449903968194344"},
        {500000, "5697689776495288729098254600827762987878"},
        {738203, "847134979253254120489401328389043031315994541"},
    };
    for (size_t i = 0; i < sizeof(at_tick) / sizeof(at_tick[0]); i++) {
        assert_int_equal(liq_v3_sqrt_ratio_at_tick(&r, at_tick[i].tick), LIQ_OK);
        assert_u256(r, at_tick[i].ratio);
        const double js = pow(1.0001, at_tick[i].tick / 2.0) * 0x1p96;
        assert_true(fabs(liq_u256_to_double(r) - js) / js < 1e-6);
    }

    /* #getTickAtSqrtRatio: 'throws for too low' (MIN_SQRT_RATIO - 1), 'throws
     * for too high' (MAX_SQRT_RATIO), 'ratio of min tick', 'ratio of min tick +
     * 1', 'ratio of max tick - 1', 'ratio closest to max tick'. */
    assert_int_equal(liq_v3_tick_at_sqrt_ratio(&t, U("4295128738")), LIQ_EINVAL);
    assert_int_equal(liq_v3_tick_at_sqrt_ratio(&t, U(MAX_SQRT_RATIO)), LIQ_EINVAL);
    assert_int_equal(liq_v3_tick_at_sqrt_ratio(&t, U(MIN_SQRT_RATIO)), LIQ_OK);
    assert_int_equal(t, LIQ_V3_MIN_TICK);
    liq_v3_tick_at_sqrt_ratio(&t, U("4295343490"));
    assert_int_equal(t, LIQ_V3_MIN_TICK + 1);
    liq_v3_tick_at_sqrt_ratio(&t, U("1461373636630004318706518188784493106690254656249"));
    assert_int_equal(t, LIQ_V3_MAX_TICK - 1);
    liq_v3_tick_at_sqrt_ratio(&t, U("1461446703485210103287273052203988822378723970341"));
    assert_int_equal(t, LIQ_V3_MAX_TICK - 1);
    /* 'ratio R result' (snapshots) for the 13 ratios of the spec, and 'ratio
     * is between the tick and tick+1' for each. */
    static const struct {
        const char *ratio;
        int32_t tick;
    } at_ratio[] = {
        {"4295128739", -887272},
        {"79228162514264337593543", -276325},
        {"79228162514264337593543950", -138163},
        {"9903520314283042199192993792", -41591},
        {"28011385487393069959365969113", -20796},
        {"56022770974786139918731938227", -6932},
        {"79228162514264337593543950336", 0},
        {"112045541949572279837463876454", 6931},
        {"224091083899144559674927752909", 20795},
        {"633825300114114700748351602688", 41590},
        {"79228162514264337593543950336000", 138162},
        {"79228162514264337593543950336000000", 276324},
        {"1461446703485210103287273052203988822378723970341", 887271},
    };
    for (size_t i = 0; i < sizeof(at_ratio) / sizeof(at_ratio[0]); i++) {
        const liq_u256_t ratio = U(at_ratio[i].ratio);
        assert_int_equal(liq_v3_tick_at_sqrt_ratio(&t, ratio), LIQ_OK);
        assert_int_equal(t, at_ratio[i].tick);
        liq_u256_t lo, hi;
        liq_v3_sqrt_ratio_at_tick(&lo, t);
        liq_v3_sqrt_ratio_at_tick(&hi, t + 1);
        assert_true(liq_u256_le(lo, ratio) && liq_u256_lt(ratio, hi));
    }
    /* The inverse over a sweep of ticks (an invariant rather than a
     * published value): the tick of each tick's own ratio is that tick. */
    for (int32_t k = LIQ_V3_MIN_TICK; k < LIQ_V3_MAX_TICK; k += 997) {
        liq_v3_sqrt_ratio_at_tick(&r, k);
        liq_v3_tick_at_sqrt_ratio(&t, r);
        assert_int_equal(t, k);
        liq_v3_tick_at_sqrt_ratio(&t, liq_u256_sub(r, liq_u256_from_u64(1)));
        assert_int_equal(t, k == LIQ_V3_MIN_TICK ? k : k - 1);
    }
}

/* ------------------------------------------------------ SqrtPriceMath */

static void test_sqrt_price_math(void **state)
{
    (void)state;
    liq_u256_t r;
    /* test/SqrtPriceMath.spec.ts #getNextSqrtPriceFromInput. */
    /* 'fails if price is zero', 'fails if liquidity is zero'. */
    assert_int_equal(liq_v3_next_sqrt_price_from_input(&r, U("0"), U("0"), U(E17), false),
                     LIQ_ENUMERIC);
    assert_int_equal(liq_v3_next_sqrt_price_from_input(&r, U("1"), U("0"), U(E17), true),
                     LIQ_ENUMERIC);
    /* 'fails if input amount overflows the price'. */
    assert_int_equal(liq_v3_next_sqrt_price_from_input(
                         &r, U("1461501637330902918203684832716283019655932542975"), U("1024"),
                         U("1024"), false),
                     LIQ_ENUMERIC);
    /* 'any input amount cannot underflow the price': 2^255 in at price 1. */
    assert_int_equal(
        liq_v3_next_sqrt_price_from_input(
            &r, U("1"), U("1"),
            U("57896044618658097711785492504343953926634992332820282019728792003956564819968"),
            true),
        LIQ_OK);
    assert_u256(r, "1");
    /* 'returns input price if amount in is zero and zeroForOne = true/false'. */
    liq_v3_next_sqrt_price_from_input(&r, U(SQRT_1_1), U(E17), U("0"), true);
    assert_u256(r, SQRT_1_1);
    liq_v3_next_sqrt_price_from_input(&r, U(SQRT_1_1), U(E17), U("0"), false);
    assert_u256(r, SQRT_1_1);
    /* 'returns the minimum price for max inputs': sqrtP 2^160 - 1, liquidity
     * 2^128 - 1, amount MaxUint256 - (liquidity << 96) / sqrtP. */
    assert_int_equal(
        liq_v3_next_sqrt_price_from_input(
            &r, U("1461501637330902918203684832716283019655932542975"),
            U("340282366920938463463374607431768211455"),
            U("115792089237316195423570985008687907853269984665640564039439137263839420088320"),
            true),
        LIQ_OK);
    assert_u256(r, "1");
    /* 'input amount of 0.1 token1', 'input amount of 0.1 token0'. */
    liq_v3_next_sqrt_price_from_input(&r, U(SQRT_1_1), U(E18), U(E17), false);
    assert_u256(r, "87150978765690771352898345369");
    liq_v3_next_sqrt_price_from_input(&r, U(SQRT_1_1), U(E18), U(E17), true);
    assert_u256(r, "72025602285694852357767227579");
    /* 'amountIn > type(uint96).max and zeroForOne = true'. */
    liq_v3_next_sqrt_price_from_input(&r, U(SQRT_1_1), U("10000000000000000000"),
                                      U("1267650600228229401496703205376"), true);
    assert_u256(r, "624999999995069620");
    /* 'can return 1 with enough amountIn and zeroForOne = true'. */
    liq_v3_next_sqrt_price_from_input(
        &r, U(SQRT_1_1), U("1"),
        U("57896044618658097711785492504343953926634992332820282019728792003956564819967"), true);
    assert_u256(r, "1");

    /* #getNextSqrtPriceFromOutput. */
    const liq_u256_t p = U("20282409603651670423947251286016");
    assert_int_equal(liq_v3_next_sqrt_price_from_output(&r, U("0"), U("0"), U(E17), false),
                     LIQ_ENUMERIC); /* 'fails if price is zero' */
    assert_int_equal(liq_v3_next_sqrt_price_from_output(&r, U("1"), U("0"), U(E17), true),
                     LIQ_ENUMERIC); /* 'fails if liquidity is zero' */
    /* 'fails if output amount is exactly the virtual reserves of token0'
     * (and 'puzzling echidna test', the same call), '... greater than virtual
     * reserves of token0', '... greater than virtual reserves of token1',
     * '... exactly the virtual reserves of token1'. */
    assert_int_equal(liq_v3_next_sqrt_price_from_output(&r, p, U("1024"), U("4"), false),
                     LIQ_ENUMERIC);
    assert_int_equal(liq_v3_next_sqrt_price_from_output(&r, p, U("1024"), U("5"), false),
                     LIQ_ENUMERIC);
    assert_int_equal(liq_v3_next_sqrt_price_from_output(&r, p, U("1024"), U("262145"), true),
                     LIQ_ENUMERIC);
    assert_int_equal(liq_v3_next_sqrt_price_from_output(&r, p, U("1024"), U("262144"), true),
                     LIQ_ENUMERIC);
    /* 'succeeds if output amount is just less than the virtual reserves of
     * token1'. */
    assert_int_equal(liq_v3_next_sqrt_price_from_output(&r, p, U("1024"), U("262143"), true),
                     LIQ_OK);
    assert_u256(r, "77371252455336267181195264");
    /* 'returns input price if amount in is zero and zeroForOne = true/false'. */
    liq_v3_next_sqrt_price_from_output(&r, U(SQRT_1_1), U(E17), U("0"), true);
    assert_u256(r, SQRT_1_1);
    liq_v3_next_sqrt_price_from_output(&r, U(SQRT_1_1), U(E17), U("0"), false);
    assert_u256(r, SQRT_1_1);
    /* 'output amount of 0.1 token1' (both cases of that name). */
    liq_v3_next_sqrt_price_from_output(&r, U(SQRT_1_1), U(E18), U(E17), false);
    assert_u256(r, "88031291682515930659493278152");
    liq_v3_next_sqrt_price_from_output(&r, U(SQRT_1_1), U(E18), U(E17), true);
    assert_u256(r, "71305346262837903834189555302");
    /* 'reverts if amountOut is impossible in zero for one direction' / 'in
     * one for zero direction'. */
    assert_int_equal(liq_v3_next_sqrt_price_from_output(&r, U(SQRT_1_1), U("1"), U(MAX_U256), true),
                     LIQ_ENUMERIC);
    assert_int_equal(
        liq_v3_next_sqrt_price_from_output(&r, U(SQRT_1_1), U("1"), U(MAX_U256), false),
        LIQ_ENUMERIC);

    /* #getAmount0Delta: 'returns 0 if liquidity is 0', 'returns 0 if prices
     * are equal', 'returns 0.1 amount1 for price of 1 to 1.21' (rounded up,
     * then down by one), 'works for prices that overflow'. */
    liq_v3_amount0_delta(&r, U(SQRT_1_1), U(SQRT_2_1), U("0"), true);
    assert_u256(r, "0");
    liq_v3_amount0_delta(&r, U(SQRT_1_1), U(SQRT_1_1), U("0"), true);
    assert_u256(r, "0");
    liq_v3_amount0_delta(&r, U(SQRT_1_1), U(SQRT_121_100), U(E18), true);
    assert_u256(r, "90909090909090910");
    liq_v3_amount0_delta(&r, U(SQRT_1_1), U(SQRT_121_100), U(E18), false);
    assert_u256(r, "90909090909090909");
    liq_u256_t up, down;
    liq_v3_amount0_delta(&up, U(SQRT_2E90_1), U(SQRT_2E96_1), U(E18), true);
    liq_v3_amount0_delta(&down, U(SQRT_2E90_1), U(SQRT_2E96_1), U(E18), false);
    assert_true(liq_u256_compare(up, liq_u256_add(down, liq_u256_from_u64(1))) == 0);
    /* #getAmount1Delta: 'returns 0 if liquidity is 0', 'returns 0.1 amount1
     * for price of 1 to 1.21'. */
    liq_v3_amount1_delta(&r, U(SQRT_1_1), U(SQRT_2_1), U("0"), true);
    assert_u256(r, "0");
    liq_v3_amount1_delta(&r, U(SQRT_1_1), U(SQRT_121_100), U(E18), true);
    assert_u256(r, E17);
    liq_v3_amount1_delta(&r, U(SQRT_1_1), U(SQRT_121_100), U(E18), false);
    assert_u256(r, "99999999999999999");
    /* Not a published value: the two roundings of getAmount0Delta's round
     * up, ceil(ceil(L 2^96 (b - a) / b) / a), both matter when a divides the
     * first quotient: a = 1, b = 3, L = 1 gives ceil(2^97 / 3). */
    liq_v3_amount0_delta(&r, U("1"), U("3"), U("1"), true);
    assert_u256(r, "52818775009509558395695966891");
    /* 'swap computation' 'sqrtP * sqrtQ overflows'. */
    const liq_u256_t sp = U("1025574284609383690408304870162715216695788925244");
    const liq_u256_t liq = U("50015962439936049619261659728067971248");
    liq_v3_next_sqrt_price_from_input(&r, sp, liq, U("406"), true);
    assert_u256(r, "1025574284609383582644711336373707553698163132913");
    liq_v3_amount0_delta(&up, r, sp, liq, true);
    assert_u256(up, "406");
}

/* ----------------------------------------------------------- SwapMath */

static void test_swap_math(void **state)
{
    (void)state;
    liq_v3_step_t st;
    liq_u256_t after;
    /* test/SwapMath.spec.ts #computeSwapStep 'exact amount in that gets
     * capped at price target in one for zero'. */
    assert_int_equal(
        liq_v3_compute_swap_step(&st, U(SQRT_1_1), U(SQRT_101_100), U(TWO_E18), U(E18), 600),
        LIQ_OK);
    assert_u256(st.amount_in, "9975124224178055");
    assert_u256(st.fee_amount, "5988667735148");
    assert_u256(st.amount_out, "9925619580021728");
    assert_true(liq_u256_lt(liq_u256_add(st.amount_in, st.fee_amount), U(E18)));
    liq_v3_next_sqrt_price_from_input(&after, U(SQRT_1_1), U(TWO_E18), U(E18), false);
    assert_u256(st.sqrt_price_next_x96, SQRT_101_100);
    assert_true(liq_u256_lt(st.sqrt_price_next_x96, after));
    /* 'exact amount out that gets capped at price target in one for zero'. */
    liq_v3_compute_swap_step(&st, U(SQRT_1_1), U(SQRT_101_100), U(TWO_E18), U("-" E18), 600);
    assert_u256(st.amount_in, "9975124224178055");
    assert_u256(st.fee_amount, "5988667735148");
    assert_u256(st.amount_out, "9925619580021728");
    assert_true(liq_u256_lt(st.amount_out, U(E18)));
    liq_v3_next_sqrt_price_from_output(&after, U(SQRT_1_1), U(TWO_E18), U(E18), false);
    assert_u256(st.sqrt_price_next_x96, SQRT_101_100);
    assert_true(liq_u256_lt(st.sqrt_price_next_x96, after));
    /* 'exact amount in that is fully spent in one for zero'. */
    liq_v3_compute_swap_step(&st, U(SQRT_1_1), U(SQRT_1000_100), U(TWO_E18), U(E18), 600);
    assert_u256(st.amount_in, "999400000000000000");
    assert_u256(st.fee_amount, "600000000000000");
    assert_u256(st.amount_out, "666399946655997866");
    assert_u256(liq_u256_add(st.amount_in, st.fee_amount), E18);
    liq_v3_next_sqrt_price_from_input(&after, U(SQRT_1_1), U(TWO_E18),
                                      liq_u256_sub(U(E18), st.fee_amount), false);
    assert_true(liq_u256_lt(st.sqrt_price_next_x96, U(SQRT_1000_100)));
    assert_true(liq_u256_compare(st.sqrt_price_next_x96, after) == 0);
    /* 'exact amount out that is fully received in one for zero'. */
    liq_v3_compute_swap_step(&st, U(SQRT_1_1), U(SQRT_10000_100), U(TWO_E18), U("-" E18), 600);
    assert_u256(st.amount_in, "2000000000000000000");
    assert_u256(st.fee_amount, "1200720432259356");
    assert_u256(st.amount_out, E18);
    liq_v3_next_sqrt_price_from_output(&after, U(SQRT_1_1), U(TWO_E18), U(E18), false);
    assert_true(liq_u256_lt(st.sqrt_price_next_x96, U(SQRT_10000_100)));
    assert_true(liq_u256_compare(st.sqrt_price_next_x96, after) == 0);
    /* 'amount out is capped at the desired amount out'. */
    liq_v3_compute_swap_step(&st, U("417332158212080721273783715441582"),
                             U("1452870262520218020823638996"), U("159344665391607089467575320103"),
                             U("-1"), 1);
    assert_u256(st.amount_in, "1");
    assert_u256(st.fee_amount, "1");
    assert_u256(st.amount_out, "1");
    assert_u256(st.sqrt_price_next_x96, "417332158212080721273783715441581");
    /* 'target price of 1 uses partial input amount'. */
    liq_v3_compute_swap_step(&st, U("2"), U("1"), U("1"), U("3915081100057732413702495386755767"),
                             1);
    assert_u256(st.amount_in, "39614081257132168796771975168");
    assert_u256(st.fee_amount, "39614120871253040049813");
    assert_true(liq_u256_le(liq_u256_add(st.amount_in, st.fee_amount),
                            U("3915081100057732413702495386755767")));
    assert_u256(st.amount_out, "0");
    assert_u256(st.sqrt_price_next_x96, "1");
    /* 'entire input amount taken as fee'. */
    liq_v3_compute_swap_step(&st, U("2413"), U("79887613182836312"),
                             U("1985041575832132834610021537970"), U("10"), 1872);
    assert_u256(st.amount_in, "0");
    assert_u256(st.fee_amount, "10");
    assert_u256(st.amount_out, "0");
    assert_u256(st.sqrt_price_next_x96, "2413");
    /* 'handles intermediate insufficient liquidity in zero for one exact
     * output case' (target sqrtP 11/10) and '... in one for zero exact output
     * case' (target sqrtP 9/10), sqrtP 20282409603651670423947251286016. */
    liq_v3_compute_swap_step(&st, U("20282409603651670423947251286016"),
                             U("22310650564016837466341976414617"), U("1024"), U("-4"), 3000);
    assert_u256(st.amount_out, "0");
    assert_u256(st.sqrt_price_next_x96, "22310650564016837466341976414617");
    assert_u256(st.amount_in, "26215");
    assert_u256(st.fee_amount, "79");
    liq_v3_compute_swap_step(&st, U("20282409603651670423947251286016"),
                             U("18254168643286503381552526157414"), U("1024"), U("-263000"), 3000);
    assert_u256(st.amount_out, "26214");
    assert_u256(st.sqrt_price_next_x96, "18254168643286503381552526157414");
    assert_u256(st.amount_in, "1");
    assert_u256(st.fee_amount, "1");
}

/* ------------------------------------------------- pool swap snapshots */

/* The failure message names the snapshot case. */
static void expect_text(const char *name, const char *what, liq_u256_t v, bool as_signed,
                        const char *expected)
{
    char buf[LIQ_U256_TEXT];
    liq_u256_format(v, as_signed, buf);
    if (strcmp(buf, expected) != 0) {
        fail_msg("%s: %s %s != %s", name, what, buf, expected);
    }
}

/* A snapshot pool in the exact layer: initialize, then mint its positions;
 * *balance0/1 get what the mints paid in. */
static void exact_pool(liq_v3_pool_t *pool, const liq_v3_test_pool_t *tp, liq_u256_t *balance0,
                       liq_u256_t *balance1)
{
    assert_int_equal(liq_v3_pool_init(pool, tp->fee_pips, tp->tick_spacing, U(tp->sqrt_price_x96)),
                     LIQ_OK);
    *balance0 = liq_u256_from_u64(0);
    *balance1 = liq_u256_from_u64(0);
    for (int k = 0; k < tp->n_positions; k++) {
        liq_u256_t a0, a1;
        assert_int_equal(liq_v3_pool_mint(pool, tp->positions[k].tick_lower,
                                          tp->positions[k].tick_upper,
                                          U(tp->positions[k].liquidity), &a0, &a1),
                         LIQ_OK);
        *balance0 = liq_u256_add(*balance0, a0);
        *balance1 = liq_u256_add(*balance1, a1);
    }
}

/* The same pool in the float layer, at the nearest double of its price. */
static void float_pool(liq_cl_pool_t *pool, liq_cl_state_t *st, const liq_v3_test_pool_t *tp)
{
    liq_cl_position_t pos[3];
    for (int k = 0; k < tp->n_positions; k++) {
        pos[k].tick_lower = tp->positions[k].tick_lower;
        pos[k].tick_upper = tp->positions[k].tick_upper;
        pos[k].liquidity = strtod(tp->positions[k].liquidity, NULL);
    }
    assert_int_equal(
        liq_cl_pool_init(pool, tp->tick_spacing, tp->fee_pips / 1e6, (size_t)tp->n_positions, pos),
        LIQ_OK);
    *st = liq_cl_state_at(pool, ldexp(liq_u256_to_double(U(tp->sqrt_price_x96)), -96));
}

/* The swap's amount_specified and limit as the spec's callee passes them. */
static void snapshot_arguments(const liq_v3_test_swap_t *c, liq_u256_t *amount, liq_u256_t *limit)
{
    if (c->kind == LIQ_V3_TEST_TO_PRICE) {
        *amount = liq_u256_sub(liq_u256_shl(liq_u256_from_u64(1), 255), liq_u256_from_u64(1));
    } else if (c->kind == LIQ_V3_TEST_EXACT_IN) {
        *amount = U(c->amount);
    } else {
        *amount = liq_u256_neg(U(c->amount));
    }
    if (c->limit) {
        *limit = U(c->limit);
    } else if (c->zero_for_one) {
        *limit = liq_u256_add(U(MIN_SQRT_RATIO), liq_u256_from_u64(1));
    } else {
        *limit = liq_u256_sub(U(MAX_SQRT_RATIO), liq_u256_from_u64(1));
    }
}

static void test_pool_swap_snapshots(void **state)
{
    (void)state;
    const size_t n = sizeof(liq_v3_test_swaps) / sizeof(liq_v3_test_swaps[0]);
    assert_int_equal(n, 240);
    int errors = 0, crossings = 0;
    for (size_t i = 0; i < n; i++) {
        const liq_v3_test_swap_t *c = &liq_v3_test_swaps[i];
        const liq_v3_test_pool_t *tp = &liq_v3_test_pools[c->pool];
        liq_v3_pool_t pool;
        liq_u256_t b0, b1, amount, limit;
        exact_pool(&pool, tp, &b0, &b1);
        /* amount0Before, amount1Before, tickBefore. */
        expect_text(c->name, "amount0Before", b0, false, tp->amount0_before);
        expect_text(c->name, "amount1Before", b1, false, tp->amount1_before);
        if (pool.tick != c->tick_before) {
            fail_msg("%s: tickBefore %d != %d", c->name, (int)pool.tick, c->tick_before);
        }
        snapshot_arguments(c, &amount, &limit);
        const liq_u256_t price_before = pool.sqrt_price_x96;
        liq_v3_swap_t res;
        const int rc = liq_v3_pool_swap(&pool, &res, c->zero_for_one, amount, limit);
        if (c->error) {
            /* The contract reverts with c->error; the pool is untouched. */
            if (rc != LIQ_EINVAL || !strstr(liq_errmsg(), "'SPL'")) {
                fail_msg("%s: expected revert %s, got %d '%s'", c->name, c->error, rc,
                         liq_errmsg());
            }
            assert_true(liq_u256_compare(pool.sqrt_price_x96, price_before) == 0);
            errors++;
        } else {
            if (rc != LIQ_OK) {
                fail_msg("%s: %s", c->name, liq_errmsg());
            }
            expect_text(c->name, "amount0Delta", res.amount0, true, c->amount0);
            expect_text(c->name, "amount1Delta", res.amount1, true, c->amount1);
            expect_text(c->name, "feeGrowthGlobal0X128Delta", pool.fee_growth_global0_x128, false,
                        c->fee_growth0);
            expect_text(c->name, "feeGrowthGlobal1X128Delta", pool.fee_growth_global1_x128, false,
                        c->fee_growth1);
            if (pool.tick != c->tick_after) {
                fail_msg("%s: tickAfter %d != %d", c->name, (int)pool.tick, c->tick_after);
            }
            /* poolPriceAfter is printed to 5 significant digits: within half
             * a unit of the fifth, a relative 5e-5 of it. */
            const double s = ldexp(liq_u256_to_double(pool.sqrt_price_x96), -96);
            const double printed = strtod(c->pool_price_after, NULL);
            if (!(fabs(s * s - printed) <= 5e-5 * printed)) {
                fail_msg("%s: poolPriceAfter %.6g != %s", c->name, s * s, c->pool_price_after);
            }
            crossings += res.ticks_crossed;
        }
        liq_v3_pool_destroy(&pool);
    }
    assert_int_equal(errors, 50);
    assert_true(crossings > 0);
}

/*
 * The float layer on the same 190 swaps. Its amounts differ from the
 * contract's by float64's rounding, relative, and by the contract's own
 * roundings, absolute: every step of the contract rounds its input up and
 * its output down by less than 2 wei each (getAmount0Delta rounds twice),
 * and it takes a step per 256-tick word of the bitmap, where the float
 * layer takes one per initialised tick. A wei of input kept by rounding is
 * a wei less converted at the final price, so the allowance on each amount
 * is 1e-12 |amount| + (2 steps + 2) wei of input valued at the final
 * marginal price (for the output token) or at par (for the input token).
 * The largest errors found are printed: relative ones where the absolute
 * allowance is negligible, and the others in units of that allowance.
 */
static void test_float_pool_on_snapshots(void **state)
{
    (void)state;
    const size_t n = sizeof(liq_v3_test_swaps) / sizeof(liq_v3_test_swaps[0]);
    double worst_rel = 0.0, worst_units = 0.0;
    int compared = 0;
    for (size_t i = 0; i < n; i++) {
        const liq_v3_test_swap_t *c = &liq_v3_test_swaps[i];
        if (c->error) {
            continue;
        }
        const liq_v3_test_pool_t *tp = &liq_v3_test_pools[c->pool];
        /* The contract's steps and final price, from the exact layer (which
         * reproduces the snapshot, test_pool_swap_snapshots). */
        liq_v3_pool_t exact;
        liq_u256_t b0, b1, amount_x, limit_x;
        liq_v3_swap_t res;
        exact_pool(&exact, tp, &b0, &b1);
        snapshot_arguments(c, &amount_x, &limit_x);
        assert_int_equal(liq_v3_pool_swap(&exact, &res, c->zero_for_one, amount_x, limit_x),
                         LIQ_OK);
        const double s_end = ldexp(liq_u256_to_double(exact.sqrt_price_x96), -96);
        liq_v3_pool_destroy(&exact);

        liq_cl_pool_t pool;
        liq_cl_state_t st;
        float_pool(&pool, &st, tp);
        const double limit = c->limit ? ldexp(liq_u256_to_double(U(c->limit)), -96) : 0.0;
        const double amount = c->amount ? strtod(c->amount, NULL) : HUGE_VAL;
        const liq_cl_trade_t t = liq_cl_swap(&pool, &st, c->zero_for_one, amount,
                                             c->kind != LIQ_V3_TEST_EXACT_OUT, limit);
        const double want[2] = {strtod(c->amount0, NULL), strtod(c->amount1, NULL)};
        const double got[2] = {t.amount0, t.amount1};
        /* token k is the input when it flows into the pool. */
        const double price_end = s_end * s_end; /* token1 per token0 */
        const double s_low = fmin(s_end, ldexp(liq_u256_to_double(U(tp->sqrt_price_x96)), -96));
        double liquidity = 0.0;
        for (int k = 0; k < tp->n_positions; k++) {
            liquidity += strtod(tp->positions[k].liquidity, NULL);
        }
        const double unit1 = ldexp(liquidity, -96);
        for (int k = 0; k < 2; k++) {
            const bool input = (k == 0) == (bool)c->zero_for_one;
            const double wei = input    ? 1.0
                               : k == 1 ? fmax(price_end, 1.0)
                                        : fmax(1.0 / price_end, 1.0);
            const double unit = k == 1 ? unit1 : unit1 / (s_low * s_low);
            const double absolute = (2.0 * res.steps + 2.0) * (wei + unit);
            const double err = fabs(got[k] - want[k]);
            if (!(err <= 1e-12 * fabs(want[k]) + absolute)) {
                fail_msg("%s: amount%d float %.17g != %.17g (%d steps)", c->name, k, got[k],
                         want[k], (int)res.steps);
            }
            if (absolute < 1e-6 * fabs(want[k])) {
                worst_rel = fmax(worst_rel, err / fabs(want[k]));
            } else {
                worst_units = fmax(worst_units, err / absolute);
            }
            compared++;
        }
        /* The float state's tick is the contract's tick of the float price
         * (one less on a boundary crossed downward), so it differs from the
         * contract's by the ticks between the two prices, plus one. */
        const double ticks_apart = fabs(log(st.sqrt_price / s_end)) / log(sqrt(1.0001));
        if (!(abs(st.tick - c->tick_after) <= 1 + (int)ceil(ticks_apart))) {
            fail_msg("%s: float tick %d, contract %d", c->name, (int)st.tick, c->tick_after);
        }
        const int32_t own = liq_cl_tick_at_sqrt_price(st.sqrt_price);
        assert_true(st.tick == own || st.tick == own - 1);
        liq_cl_pool_destroy(&pool);
    }
    assert_int_equal(compared, 380);
    print_message("float layer on v3-core's 190 swaps: largest relative error %.3g where "
                  "rounding to the wei is negligible; elsewhere at most %.3g of the wei "
                  "allowance\n",
                  worst_rel, worst_units);
}

/* ------------------------------------------------------ float ticks */

/* The float layer's tick maths is the contract's: sqrt prices at ticks are
 * the nearest doubles of TickMath's, and the tick of a double sqrt price is
 * getTickAtSqrtRatio of that price times 2^96 (rounded down), whether the
 * fast logarithm decides it or the integer path does: checked on 200000
 * prices, log-uniform over the whole range and, half of them, within 1e-9
 * of a tick boundary, where only the integer path can tell. */
static void test_float_ticks(void **state)
{
    (void)state;
    assert_true(ldexp(liq_u256_to_double(U(MIN_SQRT_RATIO)), -96) == LIQ_CL_MIN_SQRT_PRICE);
    assert_true(ldexp(liq_u256_to_double(U(MAX_SQRT_RATIO)), -96) == LIQ_CL_MAX_SQRT_PRICE);
    assert_true(liq_cl_sqrt_price_at_tick(LIQ_V3_MIN_TICK) == LIQ_CL_MIN_SQRT_PRICE);
    assert_true(liq_cl_sqrt_price_at_tick(0) == 1.0);
    const liq_rng_key_t key = {31, 4};
    int near_boundary = 0;
    for (uint64_t i = 0; i < 200000; i++) {
        double u[4];
        liq_rng_uniform4(key, 5, 0, i, u);
        const int32_t t = LIQ_V3_MIN_TICK + 1 + (int32_t)(u[0] * (2.0 * LIQ_V3_MAX_TICK - 2.0));
        double s = liq_cl_sqrt_price_at_tick(t);
        liq_u256_t x96;
        liq_v3_sqrt_ratio_at_tick(&x96, t);
        assert_true(s == ldexp(liq_u256_to_double(x96), -96));
        if (i % 2 == 0) {
            s *= exp(u[1] * 4.9997e-5); /* anywhere in the tick */
        } else {
            /* At its boundary: 1e-17 to 1e-9 away (relative), either side. */
            s *= 1.0 + (u[1] < 0.5 ? -1.0 : 1.0) * pow(10.0, -17.0 + 8.0 * u[2]);
            near_boundary++;
        }
        int32_t want;
        liq_u256_t q = liq_u256_from_double(ldexp(s, 96));
        if (liq_u256_compare(q, U(MIN_SQRT_RATIO)) < 0) {
            q = U(MIN_SQRT_RATIO);
        }
        if (liq_v3_tick_at_sqrt_ratio(&want, q) != LIQ_OK) {
            continue; /* at or above MAX_SQRT_RATIO */
        }
        if (liq_cl_tick_at_sqrt_price(s) != want) {
            fail_msg("sqrt price %.17g: float tick %d, contract %d", s,
                     (int)liq_cl_tick_at_sqrt_price(s), (int)want);
        }
    }
    assert_int_equal(near_boundary, 100000);
}

/* ------------------------------------------- many ticks, both layers */

/* A pool of many ranges for the invariant tests: a normal profile of 40
 * ranges (spacing 10) around tick 0 plus a tenth full range, 1e24 in all.
 * Each position's liquidity is a whole number (doubles above 2^53 are), so
 * the exact layer can mint the very same positions. */
static size_t many_positions(liq_cl_position_t *pos, size_t cap)
{
    const liq_cl_distribution_t d = {LIQ_CL_DIST_GAUSSIAN, 0, 10, 40, 4000, 800.0, 1e24, 0.1};
    size_t n;
    assert_int_equal(liq_cl_distribution_positions(&d, cap, pos, &n), LIQ_OK);
    for (size_t k = 0; k < n; k++) {
        pos[k].liquidity = floor(pos[k].liquidity);
    }
    return n;
}

static void many_exact(liq_v3_pool_t *pool, const liq_cl_position_t *pos, size_t n, int32_t fee)
{
    assert_int_equal(liq_v3_pool_init(pool, fee, 10, U(SQRT_1_1)), LIQ_OK);
    for (size_t k = 0; k < n; k++) {
        liq_u256_t a0, a1;
        assert_int_equal(liq_v3_pool_mint(pool, pos[k].tick_lower, pos[k].tick_upper,
                                          liq_u256_from_double(pos[k].liquidity), &a0, &a1),
                         LIQ_OK);
    }
}

/*
 * 400 swaps of random size and kind across a pool of 43 initialised ticks,
 * each run in both layers from the same state (the float state is set to
 * the exact one before each): amounts within 1e-12 relative plus (2 steps +
 * 2) wei, the allowance of test_float_pool_on_snapshots (here prices stay
 * within 2 of 1 and L 2^-96 is below a wei); the same initialised ticks
 * crossed, give or take the one the price may end on.
 */
static void test_float_against_exact_many_ticks(void **state)
{
    (void)state;
    liq_cl_position_t pos[64];
    const size_t n = many_positions(pos, 64);
    liq_v3_pool_t exact;
    many_exact(&exact, pos, n, 3000);
    liq_cl_pool_t pool;
    assert_int_equal(liq_cl_pool_init(&pool, 10, 0.003, n, pos), LIQ_OK);
    assert_int_equal(pool.n_ticks, 43); /* the block's 41 boundaries and the full range's 2 */
    assert_int_equal(exact.n_ticks, pool.n_ticks);
    const liq_rng_key_t key = {7, 1};
    double worst = 0.0;
    int crossed = 0;
    for (uint64_t i = 0; i < 400; i++) {
        double u[4];
        liq_rng_uniform4(key, 11, 0, i, u);
        /* Toward the middle when the price has wandered off. */
        const double s_now = ldexp(liq_u256_to_double(exact.sqrt_price_x96), -96);
        const bool zero_for_one = s_now > 1.1 ? true : s_now < 0.9 ? false : u[0] < 0.5;
        const bool exact_in = u[1] < 0.7;
        const double size = floor(1e19 * pow(10.0, 4.0 * u[2])); /* 1e19 .. 1e23 */
        liq_u256_t amount = liq_u256_from_double(size);
        if (!exact_in) {
            amount = liq_u256_neg(amount);
        }
        const liq_u256_t limit = zero_for_one
                                     ? liq_u256_add(U(MIN_SQRT_RATIO), liq_u256_from_u64(1))
                                     : liq_u256_sub(U(MAX_SQRT_RATIO), liq_u256_from_u64(1));
        liq_cl_state_t st = liq_cl_state_at(&pool, s_now);
        st.tick = exact.tick; /* the contract's tick (its boundary convention) */
        st.liquidity = liq_u256_to_double(exact.liquidity);
        liq_v3_swap_t res;
        assert_int_equal(liq_v3_pool_swap(&exact, &res, zero_for_one, amount, limit), LIQ_OK);
        const liq_cl_trade_t t = liq_cl_swap(&pool, &st, zero_for_one, size, exact_in, 0.0);
        const double want[2] = {
            liq_u256_to_double(liq_i256_negative(res.amount0) ? liq_u256_neg(res.amount0)
                                                              : res.amount0) *
                (liq_i256_negative(res.amount0) ? -1.0 : 1.0),
            liq_u256_to_double(liq_i256_negative(res.amount1) ? liq_u256_neg(res.amount1)
                                                              : res.amount1) *
                (liq_i256_negative(res.amount1) ? -1.0 : 1.0)};
        const double got[2] = {t.amount0, t.amount1};
        for (int k = 0; k < 2; k++) {
            const double err = fabs(got[k] - want[k]);
            if (!(err <= 1e-12 * fabs(want[k]) + (2.0 * res.steps + 2.0) * 2.0)) {
                fail_msg("swap %d: amount%d float %.17g exact %.17g", (int)i, k, got[k], want[k]);
            }
            worst = fmax(worst, err / fabs(want[k]));
        }
        assert_true(abs(t.ticks_crossed - res.ticks_crossed) <= 1);
        crossed += res.ticks_crossed;
    }
    assert_true(crossed > 400); /* the swaps did cross ticks */
    print_message("float against exact over %d tick crossings: largest relative error %.3g\n",
                  crossed, worst);
    liq_cl_pool_destroy(&pool);
    liq_v3_pool_destroy(&exact);
}

/* The active liquidity an independent count gives at `tick`: the positions
 * whose range holds it, added up. */
static double covering(const liq_cl_position_t *pos, size_t n, int32_t tick)
{
    double l = 0.0;
    for (size_t k = 0; k < n; k++) {
        if (pos[k].tick_lower <= tick && tick < pos[k].tick_upper) {
            l += pos[k].liquidity;
        }
    }
    return l;
}

/* Liquidity is conserved across a tick crossing and back, in both layers;
 * and the price never leaves a range without crossing its tick: after every
 * swap of a random walk, the price lies between the bounds of the range its
 * tick names, and the active liquidity is that range's (the positions
 * covering it, counted independently). */
static void test_crossing_invariants(void **state)
{
    (void)state;
    liq_cl_position_t pos[64];
    const size_t n = many_positions(pos, 64);
    liq_cl_pool_t pool;
    assert_int_equal(liq_cl_pool_init(&pool, 10, 0.003, n, pos), LIQ_OK);
    const liq_cl_state_t start = liq_cl_state_at(&pool, 1.0123);
    /* Down across the 13 boundaries between ticks 244 and -1026 (every 100
     * ticks from -2000) and back, without the fee and with it: the state
     * comes back bit for bit (the liquidity is read, never accumulated). */
    for (int with_fee = 0; with_fee < 2; with_fee++) {
        liq_cl_state_t st = start;
        const liq_cl_trade_t down = liq_cl_swap_to_price(&pool, &st, 0.95, with_fee);
        assert_int_equal(down.ticks_crossed, 13);
        assert_true(st.liquidity != start.liquidity);
        const liq_cl_trade_t up = liq_cl_swap_to_price(&pool, &st, start.sqrt_price, with_fee);
        assert_int_equal(up.ticks_crossed, 13);
        assert_true(st.sqrt_price == start.sqrt_price);
        assert_true(st.liquidity == start.liquidity);
        assert_int_equal(st.tick, start.tick);
    }
    /* The exact layer: to a lower price with int256-max input and back. */
    liq_v3_pool_t exact;
    many_exact(&exact, pos, n, 3000);
    const liq_u256_t l0 = exact.liquidity;
    const int32_t t0 = exact.tick;
    liq_v3_swap_t res;
    const liq_u256_t big = liq_u256_sub(liq_u256_shl(liq_u256_from_u64(1), 255), U("1"));
    liq_u256_t low;
    liq_v3_sqrt_ratio_at_tick(&low, -1234);
    assert_int_equal(liq_v3_pool_swap(&exact, &res, true, big, low), LIQ_OK);
    /* From tick 0, itself a boundary the contract crosses first, down
     * through -100 ... -1200: 13 crossings. */
    assert_true(res.ticks_crossed == 13 && exact.tick == -1234);
    assert_int_equal(liq_v3_pool_swap(&exact, &res, false, big, U(SQRT_1_1)), LIQ_OK);
    assert_true(liq_u256_compare(exact.liquidity, l0) == 0);
    assert_int_equal(exact.tick, t0);

    /* A random walk of 2000 swaps in each layer, half of them exact
     * outputs, each layer steered back toward the middle by its own price. */
    liq_cl_state_t st = start;
    int inside = 0;
    const liq_rng_key_t key = {8, 2};
    for (uint64_t i = 0; i < 2000; i++) {
        double u[4];
        liq_rng_uniform4(key, 1, 0, i, u);
        const double size = floor(1e20 * pow(10.0, 3.0 * u[1]));
        const bool exact_in = u[2] < 0.5;
        bool zero_for_one = st.sqrt_price > 1.2 ? true : st.sqrt_price < 0.8 ? false : u[0] < 0.5;
        liq_cl_swap(&pool, &st, zero_for_one, size, exact_in, 0.0);
        size_t k = 0;
        while (k < pool.n_ticks && pool.ticks[k].tick <= st.tick) {
            k++;
        }
        /* Below the first tick or above the last (an exact output larger
         * than the pool sends the price to the limit) there is no liquidity. */
        assert_true(k == 0 || pool.ticks[k - 1].sqrt_price <= st.sqrt_price);
        assert_true(k == pool.n_ticks || st.sqrt_price <= pool.ticks[k].sqrt_price);
        assert_true(st.liquidity == (k > 0 ? pool.ticks[k - 1].liquidity_above : 0.0));
        assert_close(st.liquidity, covering(pos, n, st.tick), 1e-15);
        inside += k > 0 && k < pool.n_ticks;

        const double s_exact = ldexp(liq_u256_to_double(exact.sqrt_price_x96), -96);
        zero_for_one = s_exact > 1.2 ? true : s_exact < 0.8 ? false : u[0] < 0.5;
        const liq_u256_t amount = liq_u256_from_double(size);
        liq_v3_pool_swap(&exact, &res, zero_for_one, exact_in ? amount : liq_u256_neg(amount),
                         zero_for_one ? liq_u256_add(U(MIN_SQRT_RATIO), U("1"))
                                      : liq_u256_sub(U(MAX_SQRT_RATIO), U("1")));
        size_t j = 0;
        liq_u256_t sum = liq_u256_from_u64(0);
        while (j < exact.n_ticks && exact.ticks[j] <= exact.tick) {
            sum = liq_u256_add(sum, exact.liquidity_net[j]);
            j++;
        }
        liq_u256_t lo = U(MIN_SQRT_RATIO), hi = U(MAX_SQRT_RATIO);
        if (j > 0) {
            liq_v3_sqrt_ratio_at_tick(&lo, exact.ticks[j - 1]);
        }
        if (j < exact.n_ticks) {
            liq_v3_sqrt_ratio_at_tick(&hi, exact.ticks[j]);
        }
        assert_true(liq_u256_le(lo, exact.sqrt_price_x96) && liq_u256_le(exact.sqrt_price_x96, hi));
        assert_true(liq_u256_compare(sum, exact.liquidity) == 0);
    }
    assert_true(inside > 1800); /* most of the walk is among the ranges */
    liq_v3_pool_destroy(&exact);
    liq_cl_pool_destroy(&pool);
}

/* Ranges from positions: ticks merged, liquidityNet per tick, and the
 * active liquidity of each range exact where float64 sums are not. */
static void test_ranges_from_positions(void **state)
{
    (void)state;
    liq_cl_pool_t pool;
    /* 1 over [-1200, 1200) and 1e16 over [-600, 600): a plain running sum
     * loses the 1 under the 1e16 and leaves 0 on [600, 1200) and -1 above;
     * the compensated sum gives 1 and 0. */
    const liq_cl_position_t wide[2] = {{-1200, 1200, 1.0}, {-600, 600, 1e16}};
    assert_int_equal(liq_cl_pool_init(&pool, 600, 0.003, 2, wide), LIQ_OK);
    assert_int_equal(pool.n_ticks, 4);
    const double above[4] = {1.0, 1e16, 1.0, 0.0}, net[4] = {1.0, 1e16, -1e16, -1.0};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(pool.ticks[k].tick, -1200 + 600 * k + (k >= 2 ? 600 : 0));
        assert_true(pool.ticks[k].liquidity_above == above[k]);
        assert_true(pool.ticks[k].liquidity_net == net[k]);
        assert_true(pool.ticks[k].sqrt_price == liq_cl_sqrt_price_at_tick(pool.ticks[k].tick));
    }
    liq_cl_pool_destroy(&pool);
    /* 0.7, 0.1 and 1e16 over overlapping ranges: even the compensated sum
     * ends 2.8e-17 below zero; no position is open there, so it is 0. */
    const liq_cl_position_t odd[3] = {{0, 500, 0.7}, {200, 700, 0.1}, {100, 800, 1e16}};
    assert_int_equal(liq_cl_pool_init(&pool, 100, 0.003, 3, odd), LIQ_OK);
    assert_int_equal(pool.n_ticks, 6);
    assert_true(pool.ticks[5].liquidity_above == 0.0);
    assert_true(liq_cl_state_at(&pool, liq_cl_sqrt_price_at_tick(900)).liquidity == 0.0);
    liq_cl_pool_destroy(&pool);
    /* Positions sharing a tick merge into it; a tick whose nets cancel stays
     * initialised (liquidityGross > 0, as in the contract) and is crossed;
     * a position of no liquidity initialises nothing. */
    const liq_cl_position_t shared[4] = {
        {-600, 0, 5.0}, {0, 600, 5.0}, {-600, 600, 2.0}, {-6000, 6000, 0.0}};
    assert_int_equal(liq_cl_pool_init(&pool, 60, 0.003, 4, shared), LIQ_OK);
    assert_int_equal(pool.n_ticks, 3);
    assert_true(pool.ticks[0].tick == -600 && pool.ticks[1].tick == 0 && pool.ticks[2].tick == 600);
    assert_true(pool.ticks[0].liquidity_net == 7.0 && pool.ticks[1].liquidity_net == 0.0 &&
                pool.ticks[2].liquidity_net == -7.0);
    liq_cl_state_t st = liq_cl_state_at(&pool, liq_cl_sqrt_price_at_tick(300));
    assert_true(st.liquidity == 7.0);
    const liq_cl_trade_t t =
        liq_cl_swap_to_price(&pool, &st, liq_cl_sqrt_price_at_tick(-300), true);
    assert_int_equal(t.ticks_crossed, 1);
    assert_true(st.liquidity == 7.0);
    liq_cl_pool_destroy(&pool);
    /* The same positions give the same arrays, bit for bit. */
    liq_cl_position_t pos[64];
    const size_t n = many_positions(pos, 64);
    liq_cl_pool_t a, b;
    assert_int_equal(liq_cl_pool_init(&a, 10, 0.003, n, pos), LIQ_OK);
    assert_int_equal(liq_cl_pool_init(&b, 10, 0.003, n, pos), LIQ_OK);
    assert_int_equal(a.n_ticks, b.n_ticks);
    for (size_t k = 0; k < a.n_ticks; k++) {
        assert_memory_equal(&a.ticks[k].liquidity_above, &b.ticks[k].liquidity_above,
                            sizeof(double));
        assert_memory_equal(&a.ticks[k].liquidity_net, &b.ticks[k].liquidity_net, sizeof(double));
    }
    liq_cl_pool_destroy(&a);
    liq_cl_pool_destroy(&b);
    /* The state's range is only a cache of its tick's: a record that
     * carries a stale one (or none) swaps exactly as a fresh state does. */
    assert_int_equal(liq_cl_pool_init(&pool, 10, 0.003, n, pos), LIQ_OK);
    const liq_cl_state_t fresh = liq_cl_state_at(&pool, 1.003);
    assert_true(fresh.range > 0 && fresh.range < (int32_t)pool.n_ticks);
    const int32_t stale[3] = {0, -7, (int32_t)pool.n_ticks + 3};
    for (int k = 0; k < 3; k++) {
        liq_cl_state_t x = fresh, y = fresh;
        y.range = stale[k];
        const liq_cl_trade_t tx = liq_cl_swap(&pool, &x, true, 3e21, true, 0.0);
        const liq_cl_trade_t ty = liq_cl_swap(&pool, &y, true, 3e21, true, 0.0);
        assert_true(tx.amount0 == ty.amount0 && tx.amount1 == ty.amount1 && tx.ticks_crossed > 0);
        assert_true(x.sqrt_price == y.sqrt_price && x.liquidity == y.liquidity &&
                    x.tick == y.tick && x.range == y.range);
    }
    liq_cl_pool_destroy(&pool);
    /* An empty pool trades nothing. */
    assert_int_equal(liq_cl_pool_init(&pool, 60, 0.003, 0, NULL), LIQ_OK);
    st = liq_cl_state_at(&pool, 1.0);
    assert_true(liq_cl_amount_out(&pool, &st, true, 1e6) == 0.0);
    liq_cl_pool_destroy(&pool);
}

/* A swap that ends exactly on an initialised tick going down leaves the
 * tick one below it and the liquidity of the range below, as the contract
 * does; the next swap up crosses that tick again first. */
static void test_landing_on_a_tick(void **state)
{
    (void)state;
    const liq_cl_position_t two[2] = {{-600, 0, 5e6}, {0, 600, 2e6}};
    liq_cl_pool_t pool;
    assert_int_equal(liq_cl_pool_init(&pool, 60, 0.003, 2, two), LIQ_OK);
    liq_cl_state_t st = liq_cl_state_at(&pool, liq_cl_sqrt_price_at_tick(300));
    liq_cl_trade_t t = liq_cl_swap_to_price(&pool, &st, liq_cl_sqrt_price_at_tick(0), true);
    assert_int_equal(t.ticks_crossed, 1);
    assert_int_equal(st.tick, -1);
    assert_true(st.liquidity == 5e6);
    t = liq_cl_swap(&pool, &st, false, 1.0, true, 0.0);
    assert_int_equal(t.ticks_crossed, 1);
    assert_true(st.liquidity == 2e6 && st.tick == 0);
    liq_cl_pool_destroy(&pool);
    /* The exact layer, with the limit on the tick's price. */
    liq_v3_pool_t exact;
    liq_u256_t start, at0, a0, a1;
    liq_v3_sqrt_ratio_at_tick(&start, 300);
    liq_v3_sqrt_ratio_at_tick(&at0, 0);
    assert_int_equal(liq_v3_pool_init(&exact, 3000, 60, start), LIQ_OK);
    liq_v3_pool_mint(&exact, -600, 0, U("5000000"), &a0, &a1);
    liq_v3_pool_mint(&exact, 0, 600, U("2000000"), &a0, &a1);
    liq_v3_swap_t res;
    assert_int_equal(liq_v3_pool_swap(&exact, &res, true, U(E18), at0), LIQ_OK);
    assert_int_equal(exact.tick, -1);
    assert_u256(exact.liquidity, "5000000");
    assert_int_equal(
        liq_v3_pool_swap(&exact, &res, false, U("1000"), liq_u256_sub(U(MAX_SQRT_RATIO), U("1"))),
        LIQ_OK);
    assert_int_equal(res.ticks_crossed, 1);
    liq_v3_pool_destroy(&exact);
}

/* A round trip never gains: sell x of token0, sell what came out back.
 * Exact layer: never more than x back, with the fee or without (the
 * contract rounds in the pool's favour). Float layer: with a fee, less than
 * x back; without one, no more than x (1 + 1e-14), float64's rounding of a
 * few operations on the way. */
static void test_round_trip_never_gains(void **state)
{
    (void)state;
    liq_cl_position_t pos[64];
    const size_t n = many_positions(pos, 64);
    for (int fee = 0; fee <= 3000; fee += 3000) {
        liq_cl_pool_t pool;
        assert_int_equal(liq_cl_pool_init(&pool, 10, fee / 1e6, n, pos), LIQ_OK);
        for (double x = 1e3; x < 1e24; x *= 7.3) {
            liq_cl_state_t st = liq_cl_state_at(&pool, 1.0);
            const liq_cl_trade_t a = liq_cl_swap(&pool, &st, true, x, true, 0.0);
            const liq_cl_trade_t b = liq_cl_swap(&pool, &st, false, -a.amount1, true, 0.0);
            if (fee > 0) {
                assert_true(-b.amount0 < x);
            } else {
                assert_true(-b.amount0 <= x * (1.0 + 1e-14));
            }

            liq_v3_pool_t exact;
            many_exact(&exact, pos, n, fee);
            liq_v3_swap_t ra, rb;
            const liq_u256_t xi = liq_u256_from_double(x);
            assert_int_equal(
                liq_v3_pool_swap(&exact, &ra, true, xi, liq_u256_add(U(MIN_SQRT_RATIO), U("1"))),
                LIQ_OK);
            if (!liq_u256_is_zero(ra.amount1)) {
                assert_int_equal(liq_v3_pool_swap(&exact, &rb, false, liq_u256_neg(ra.amount1),
                                                  liq_u256_sub(U(MAX_SQRT_RATIO), U("1"))),
                                 LIQ_OK);
                assert_true(liq_u256_le(liq_u256_neg(rb.amount0), xi));
            }
            liq_v3_pool_destroy(&exact);
        }
        liq_cl_pool_destroy(&pool);
    }
}

/* Inside one range the pool is the constant-product pool of the range's
 * virtual reserves (L / sqrt P, L sqrt P); the output grows with the input
 * and at a falling rate, the price falls; and the positions' reserves move
 * by the trade less its fee (which v3 keeps apart from the liquidity). */
static void test_monotone_and_constant_product_in_range(void **state)
{
    (void)state;
    const liq_cl_position_t one = {-6000, 6000, 5e6};
    liq_cl_pool_t pool;
    assert_int_equal(liq_cl_pool_init(&pool, 60, 0.003, 1, &one), LIQ_OK);
    const liq_cl_state_t st = liq_cl_state_at(&pool, 1.1);
    const double x = 5e6 / 1.1, y = 5e6 * 1.1;
    double prev_out = 0.0, prev_rate = INFINITY, prev_price = INFINITY;
    for (double in = 1.0; in < 2e6; in *= 1.5) {
        /* In range down to 1.0001^-6000 = 0.549 (2.2e6 of token0 in) and up
         * to 1.0001^6000 = 1.822 (1.25e6 of token1 in). */
        assert_close(liq_cl_amount_out(&pool, &st, true, in), liq_cp_amount_out(in, x, y, 0.003),
                     1e-14);
        if (in < 1.2e6) {
            assert_close(liq_cl_amount_out(&pool, &st, false, in),
                         liq_cp_amount_out(in, y, x, 0.003), 1e-14);
        }
        const double out = liq_cl_amount_out(&pool, &st, true, in);
        const double rate = (out - prev_out);
        assert_true(out > prev_out);
        assert_true(rate / (in / 3.0) <= prev_rate * (1.0 + 1e-12)); /* concave */
        prev_rate = rate / (in / 3.0);
        prev_out = out;
        liq_cl_state_t after = st;
        liq_cl_swap(&pool, &after, true, in, true, 0.0);
        assert_true(liq_cl_spot_price(&after) < prev_price);
        prev_price = liq_cl_spot_price(&after);
        /* k of the virtual reserves does not fall: (x + in)(y - out) >= L^2. */
        assert_true((x + in) * (y - out) >= 5e6 * 5e6);
    }
    /* Reserves: the positions hold the trade less the fee. */
    liq_cl_state_t a = liq_cl_state_at(&pool, 1.0);
    double r0, r1, q0, q1;
    liq_cl_reserves(&pool, &a, &r0, &r1);
    const liq_cl_trade_t t = liq_cl_swap(&pool, &a, true, 123456.0, true, 0.0);
    liq_cl_reserves(&pool, &a, &q0, &q1);
    assert_close(q0 - r0, t.amount0 - t.fee, 1e-10);
    assert_close(q1 - r1, t.amount1, 1e-10);
    assert_close(t.fee, 123456.0 * 0.003, 1e-12);
    liq_cl_pool_destroy(&pool);
}

/* ---------------------------------------------- arbitrage and depth */

static void test_arbitrage(void **state)
{
    (void)state;
    /* One full-range position is a constant-product pool: the arbitrage of
     * MODEL.md s4 moves it exactly as liq_cp_arbitrage moves the pool of its
     * virtual reserves (100 and 200000 at P = 2000, so L = sqrt(2e7)). */
    const double L = sqrt(2e7);
    const liq_cl_position_t full = {-887220, 887220, L};
    liq_cl_pool_t pool;
    assert_int_equal(liq_cl_pool_init(&pool, 60, 0.003, 1, &full), LIQ_OK);
    for (double kappa = 0.25; kappa <= 1.0; kappa += 0.25) {
        liq_cl_state_t st = liq_cl_state_at(&pool, sqrt(2000.0));
        const liq_cl_trade_t t = liq_cl_arbitrage(&pool, &st, 1800.0, kappa);
        const liq_arbitrage_t cp = liq_cp_arbitrage(100.0, 200000.0, 1800.0, kappa);
        assert_close(-t.amount0, cp.sold0, 1e-12);
        assert_close(-t.amount1, cp.sold1, 1e-12);
        assert_close(liq_cl_spot_price(&st), cp.reserve1 / cp.reserve0, 1e-14);
        assert_true(t.fee == 0.0); /* fees ignored, as in R0 */
    }
    /* kappa = 1 lands on the target; kappa = 0 and a target at the price do
     * nothing. */
    liq_cl_state_t st = liq_cl_state_at(&pool, sqrt(2000.0));
    liq_cl_arbitrage(&pool, &st, 2100.0, 1.0);
    assert_close(liq_cl_spot_price(&st), 2100.0, 1e-15);
    const liq_cl_state_t before = st;
    liq_cl_trade_t t = liq_cl_arbitrage(&pool, &st, 1500.0, 0.0);
    assert_true(t.amount0 == 0.0 && t.amount1 == 0.0 && st.sqrt_price == before.sqrt_price);
    liq_cl_pool_destroy(&pool);

    /* Across ranges: L1 on [t1, t2), nothing on [t2, t3), L2 on [t3, t4);
     * from inside the upper range to inside the lower one the trade is the
     * sum of the two ranges' closed forms, the gap costs nothing, and two
     * initialised ticks are crossed. */
    const liq_cl_position_t two[2] = {{70000, 73000, 3e5}, {74000, 78000, 1e5}};
    assert_int_equal(liq_cl_pool_init(&pool, 100, 0.003, 2, two), LIQ_OK);
    const double s2 = liq_cl_sqrt_price_at_tick(73000), s3 = liq_cl_sqrt_price_at_tick(74000);
    const double s_from = liq_cl_sqrt_price_at_tick(76543), s_to = liq_cl_sqrt_price_at_tick(71234);
    st = liq_cl_state_at(&pool, s_from);
    assert_close(st.liquidity, 1e5, 0);
    t = liq_cl_arbitrage(&pool, &st, s_to * s_to, 1.0);
    const double in0 = 1e5 * (1.0 / s3 - 1.0 / s_from) + 3e5 * (1.0 / s_to - 1.0 / s2);
    const double out1 = 1e5 * (s_from - s3) + 3e5 * (s2 - s_to);
    assert_close(t.amount0, in0, 1e-12);
    assert_close(-t.amount1, out1, 1e-12);
    assert_int_equal(t.ticks_crossed, 2);
    assert_close(st.liquidity, 3e5, 0);
    assert_close(st.sqrt_price, s_to, 1e-15);
    /* Beyond all liquidity: the price goes there and the pool holds no
     * token1 any more. */
    st = liq_cl_state_at(&pool, s_from);
    t = liq_cl_arbitrage(&pool, &st, 0.5, 1.0);
    double r0, r1;
    liq_cl_reserves(&pool, &st, &r0, &r1);
    assert_close(st.sqrt_price, sqrt(0.5), 1e-15);
    assert_true(r1 == 0.0 && st.liquidity == 0.0);
    liq_cl_pool_destroy(&pool);
}

static void test_depth(void **state)
{
    (void)state;
    /* One range: the input, fee included, that moves P by -2% and +2%:
     * L (1/sqrt(0.98 P) - 1/sqrt(P)) / (1 - fee) of token0 and
     * L (sqrt(1.02 P) - sqrt(P)) / (1 - fee) of token1. */
    const liq_cl_position_t one = {-6000, 6000, 5e6};
    liq_cl_pool_t pool;
    assert_int_equal(liq_cl_pool_init(&pool, 60, 0.003, 1, &one), LIQ_OK);
    const liq_cl_state_t st = liq_cl_state_at(&pool, 1.1);
    const double P = 1.21;
    assert_close(liq_cl_depth(&pool, &st, -0.02), 5e6 * (1.0 / sqrt(0.98 * P) - 1.0 / 1.1) / 0.997,
                 1e-12);
    assert_close(liq_cl_depth(&pool, &st, 0.02), 5e6 * (sqrt(1.02 * P) - 1.1) / 0.997, 1e-12);
    assert_true(liq_cl_depth(&pool, &st, 0.0) == 0.0);
    /* Past the range the depth stops growing: -50% needs no more than the
     * whole range's token0 (it ends at 1.0001^-6000 = 0.549 of 1). */
    const double all0 = 5e6 * (1.0 / liq_cl_sqrt_price_at_tick(-6000) - 1.0 / 1.1) / 0.997;
    assert_close(liq_cl_depth(&pool, &st, -0.7), all0, 1e-12);
    liq_cl_pool_destroy(&pool);

    /* Depth is the snapshot's swap to a price: 'medium fee, 1:1 price, 2e18
     * max range liquidity swap token0 for token1 to price 0.40000' put in
     * 1165774985123750584 of token0 (UniswapV3Pool.swaps.spec.ts.snap). */
    const liq_v3_test_pool_t *tp = &liq_v3_test_pools[1];
    liq_cl_state_t s1;
    float_pool(&pool, &s1, tp);
    const double target = ldexp(liq_u256_to_double(U("50108289675009586237282760313")), -96);
    assert_close(liq_cl_input_to_price(&pool, &s1, target), 1165774985123750584.0, 1e-12);
    assert_close(liq_cl_depth(&pool, &s1, -0.6), 1165774985123750584.0, 1e-12);
    liq_cl_pool_destroy(&pool);
}

/* ---------------------------------------------------------------- TWAP */

static void test_twap_observations(void **state)
{
    (void)state;
    /* test/Oracle.spec.ts #write 'single element array gets overwritten'
     * (initialised at time 0, tick 0; each update writes the tick that held
     * until then): cumulatives 0, 10, 7. */
    liq_cl_observation_t o = {0, 0};
    o = liq_cl_observation_next(o, 1, 0);
    assert_true(o.time == 1 && o.tick_cumulative == 0);
    o = liq_cl_observation_next(o, 6, 2);
    assert_true(o.tick_cumulative == 10);
    o = liq_cl_observation_next(o, 9, -1);
    assert_true(o.tick_cumulative == 7);
    /* 'accumulates liquidity': ticks 0, 3, -7 over 3, 4, 5 seconds: 0, 12, -23. */
    o = (liq_cl_observation_t){0, 0};
    o = liq_cl_observation_next(o, 3, 0);
    assert_true(o.tick_cumulative == 0);
    o = liq_cl_observation_next(o, 7, 3);
    assert_true(o.tick_cumulative == 12);
    o = liq_cl_observation_next(o, 12, -7);
    assert_true(o.tick_cumulative == -23);
    /* #observe 'two observations in chronological order ...': initialised
     * at 5 with tick -5, an update at 9 (to tick 1), now 16. '0 seconds ago
     * counterfactual' -13; 'seconds ago is exactly on first observation' 0;
     * 'seconds ago is between first and second' (target 7) -10. */
    const liq_cl_observation_t first = {5, 0};
    const liq_cl_observation_t second = liq_cl_observation_next(first, 9, -5);
    assert_true(second.tick_cumulative == -20);
    assert_true(liq_cl_observation_next(second, 16, 1).tick_cumulative == -13);
    assert_true(liq_cl_tick_cumulative_at(first, second, 5) == 0);
    assert_true(liq_cl_tick_cumulative_at(first, second, 7) == -10);
    /* 'two observations in reverse order ...': then an update at 12 (to
     * tick -5), now 19: '0 seconds ago counterfactual' -52, 'seconds ago is
     * between first and second' (target 10) -19. */
    const liq_cl_observation_t third = liq_cl_observation_next(second, 12, 1);
    assert_true(third.tick_cumulative == -17);
    assert_true(liq_cl_observation_next(third, 19, -5).tick_cumulative == -52);
    assert_true(liq_cl_tick_cumulative_at(second, third, 10) == -19);
    /* Uniswap/v3-periphery test/OracleLibrary.spec.ts #consult: 'correct
     * output when tick is 0' (12, 12 over 3 s), 'correct output for positive
     * tick' (7 -> 12: 1), 'correct output for negative tick' (-7 -> -12: -2),
     * 'correct rounding for .5 negative tick' (-10 -> -12 over 4 s: -1). */
    assert_int_equal(liq_cl_mean_tick(12 - 12, 3), 0);
    assert_int_equal(liq_cl_mean_tick(12 - 7, 3), 1);
    assert_int_equal(liq_cl_mean_tick(-12 - (-7), 3), -2);
    assert_int_equal(liq_cl_mean_tick(-12 - (-10), 4), -1);
    assert_int_equal(liq_cl_mean_tick(-12, 4), -3); /* exact: no extra step */

    /* The mean tick's price is the geometric mean of the price: a pool at
     * ticks 1000 and -3000 for equal times reads 1.0001^-1000. */
    liq_cl_observation_t a = {0, 0};
    const liq_cl_observation_t b = liq_cl_observation_next(a, 12, 1000);
    const liq_cl_observation_t c = liq_cl_observation_next(b, 24, -3000);
    const int32_t mean = liq_cl_mean_tick(c.tick_cumulative - a.tick_cumulative, 24);
    assert_int_equal(mean, -1000);
    assert_close(liq_cl_tick_price(mean), sqrt(liq_cl_tick_price(1000) * liq_cl_tick_price(-3000)),
                 1e-14);
    assert_close(liq_cl_tick_price(-1000), pow(1.0001, -1000.0), 1e-13);
    (void)a;
}

/* ------------------------------------------------------- distributions */

static void test_distributions(void **state)
{
    (void)state;
    liq_cl_position_t pos[16];
    size_t n;
    /* Uniform: width 2400 over 4 ranges of spacing 60 is 10 spacings each,
     * the block centred on floor(100 / 60) = 1 spacing: [-1140, -540),
     * [-540, 60), [60, 660), [660, 1260), 1e6 x 0.8 / 4 each; then the full
     * range with 0.2. */
    liq_cl_distribution_t d = {LIQ_CL_DIST_UNIFORM, 100, 60, 4, 2400, 0.0, 1e6, 0.2};
    assert_int_equal(liq_cl_distribution_count(&d), 5);
    assert_int_equal(liq_cl_distribution_positions(&d, 16, pos, &n), LIQ_OK);
    assert_int_equal(n, 5);
    const int32_t lower[4] = {-1140, -540, 60, 660};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(pos[k].tick_lower, lower[k]);
        assert_int_equal(pos[k].tick_upper, lower[k] + 600);
        assert_close(pos[k].liquidity, 2e5, 1e-15);
    }
    assert_true(pos[4].tick_lower == -887220 && pos[4].tick_upper == 887220);
    assert_close(pos[4].liquidity, 2e5, 1e-15);
    /* Gaussian: the same grid (centre on a spacing boundary: 120), weights
     * exp(-z^2/2) of the mid ticks, adding up to the total. */
    d = (liq_cl_distribution_t){LIQ_CL_DIST_GAUSSIAN, 120, 60, 4, 2400, 600.0, 1e6, 0.0};
    assert_int_equal(liq_cl_distribution_positions(&d, 16, pos, &n), LIQ_OK);
    assert_int_equal(n, 4);
    const double w_in = exp(-0.5 * 0.25), w_out = exp(-0.5 * 2.25); /* mids at +-300, +-900 */
    assert_close(pos[0].liquidity, 1e6 * w_out / (2.0 * (w_in + w_out)), 1e-15);
    assert_close(pos[1].liquidity, 1e6 * w_in / (2.0 * (w_in + w_out)), 1e-15);
    assert_true(pos[0].liquidity == pos[3].liquidity && pos[1].liquidity == pos[2].liquidity);
    assert_close(pos[0].liquidity + pos[1].liquidity + pos[2].liquidity + pos[3].liquidity, 1e6,
                 1e-15);
    /* Nested: half-widths ceil(k 600 / 6) = 100, 200, 300 ticks around 0. */
    d = (liq_cl_distribution_t){LIQ_CL_DIST_NESTED, 5, 10, 3, 600, 0.0, 3e6, 0.0};
    assert_int_equal(liq_cl_distribution_positions(&d, 16, pos, &n), LIQ_OK);
    assert_int_equal(n, 3);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(pos[k].tick_lower, -100 * (k + 1));
        assert_int_equal(pos[k].tick_upper, 100 * (k + 1));
        assert_close(pos[k].liquidity, 1e6, 1e-15);
    }
    /* With spacing 1 the half-widths are the ceilings themselves: width 500
     * over 3 ranges gives ceil(500 / 6) = 84, ceil(1000 / 6) = 167, 250. */
    liq_cl_distribution_t fine = {LIQ_CL_DIST_NESTED, 0, 1, 3, 500, 0.0, 3.0, 0.0};
    liq_cl_position_t fp[3];
    size_t fn;
    assert_int_equal(liq_cl_distribution_positions(&fine, 3, fp, &fn), LIQ_OK);
    assert_true(fn == 3 && fp[0].tick_upper == 84 && fp[1].tick_upper == 167 &&
                fp[2].tick_upper == 250 && fp[0].tick_lower == -84);
    /* ... a pyramid: 3e6 active at the centre, 1e6 in the outer band. */
    liq_cl_pool_t pool;
    assert_int_equal(liq_cl_pool_init(&pool, 10, 0.003, n, pos), LIQ_OK);
    assert_close(liq_cl_state_at(&pool, 1.0).liquidity, 3e6, 1e-15);
    assert_close(liq_cl_state_at(&pool, liq_cl_sqrt_price_at_tick(250)).liquidity, 1e6, 1e-15);
    liq_cl_pool_destroy(&pool);
    /* At the tick limits ranges are clamped (and any left empty dropped):
     * every position is valid for the pool. */
    d = (liq_cl_distribution_t){LIQ_CL_DIST_UNIFORM, 887000, 60, 8, 48000, 0.0, 1e6, 0.5};
    assert_int_equal(liq_cl_distribution_positions(&d, 16, pos, &n), LIQ_OK);
    assert_true(n < 9);
    assert_int_equal(liq_cl_positions_check(n, pos, 60, NULL), LIQ_OK);
    double sum = 0.0;
    for (size_t k = 0; k < n; k++) {
        sum += pos[k].liquidity;
    }
    assert_close(sum, 1e6, 1e-15);
    /* Bad fields are named with their value and what was expected. */
    d.n_ranges = 0;
    assert_int_equal(liq_cl_distribution_positions(&d, 16, pos, &n), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(),
                        "n_ranges: value 0 is out of range; expected an integer in [1, 100000]");
    d = (liq_cl_distribution_t){LIQ_CL_DIST_GAUSSIAN, 0, 60, 4, 2400, 0.0, 1e6, 0.0};
    assert_int_equal(liq_cl_distribution_positions(&d, 16, pos, &n), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(),
                        "sigma_ticks: value 0 is not positive; expected a finite number > 0");
    d.sigma_ticks = 100.0;
    d.full_range_share = 1.0;
    assert_int_equal(liq_cl_distribution_positions(&d, 16, pos, &n), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(), "full_range_share: value 1 is out of range; expected [0, 1)");
    d.full_range_share = 0.5;
    assert_int_equal(liq_cl_distribution_positions(&d, 4, pos, &n), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(),
                        "positions: room for 4; expected at least 5 (liq_cl_distribution_count)");
}

/* -------------------------------------------------------- bad input */

static void test_position_errors(void **state)
{
    (void)state;
    liq_cl_pool_t pool;
    size_t bad = 99;
    const liq_cl_position_t off[2] = {{-600, 600, 1.0}, {5, 600, 1.0}};
    assert_int_equal(liq_cl_positions_check(2, off, 60, &bad), LIQ_EINVAL);
    assert_int_equal(bad, 1);
    assert_string_equal(liq_errmsg(), "positions[1].tick_lower: value 5 is not a multiple of the "
                                      "tick spacing 60; expected a tick on the spacing");
    const liq_cl_position_t inverted = {600, -600, 1.0};
    assert_int_equal(liq_cl_pool_init(&pool, 60, 0.003, 1, &inverted), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(), "positions[0].tick_upper: value -600 is not above "
                                      "tick_lower 600; expected tick_lower < tick_upper");
    assert_null(pool.ticks);
    const liq_cl_position_t negative = {-600, 600, -2.5};
    assert_int_equal(liq_cl_pool_init(&pool, 60, 0.003, 1, &negative), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(), "positions[0].liquidity: value -2.5 is negative or not "
                                      "finite; expected a finite number >= 0");
    const liq_cl_position_t far = {-887280, 600, 1.0};
    assert_int_equal(liq_cl_positions_check(1, &far, 60, NULL), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(), "positions[0].tick_lower: value -887280 is outside the tick "
                                      "range; expected a tick in [-887272, 887272]");
    assert_int_equal(liq_cl_positions_check(1, &far, 0, NULL), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(),
                        "tick_spacing: value 0 is out of range; expected an integer in [1, 16384)");
    const liq_cl_position_t ok = {-600, 600, 1.0};
    assert_int_equal(liq_cl_pool_init(&pool, 60, 1.0, 1, &ok), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(), "fee: value 1 is out of range; expected [0, 1)");
    /* The exact layer's mint reverts as the contract does. */
    liq_v3_pool_t exact;
    liq_u256_t a0, a1;
    assert_int_equal(liq_v3_pool_init(&exact, 3000, 60, U(SQRT_1_1)), LIQ_OK);
    assert_int_equal(liq_v3_pool_mint(&exact, 60, -60, U("1"), &a0, &a1), LIQ_EINVAL);
    assert_non_null(strstr(liq_errmsg(), "'TLU'"));
    assert_int_equal(liq_v3_pool_mint(&exact, -30, 60, U("1"), &a0, &a1), LIQ_EINVAL);
    assert_non_null(strstr(liq_errmsg(), "tick spacing 60"));
    /* 'LO': above getMaxLiquidityPerTick(60) = (2^128 - 1) / 29575. */
    assert_int_equal(liq_v3_pool_mint(&exact, -887220, 887220,
                                      U("11505743598341114571880798222544995"), &a0, &a1),
                     LIQ_EINVAL);
    assert_non_null(strstr(liq_errmsg(), "'LO'"));
    assert_int_equal(exact.n_ticks, 0);
    assert_int_equal(liq_v3_pool_mint(&exact, -887220, 887220,
                                      U("11505743598341114571880798222544994"), &a0, &a1),
                     LIQ_OK);
    liq_v3_pool_destroy(&exact);
}

/* ------------------------------------------------------------ venues */

/* A concentrated pool as a routing venue (liqnet/amm.h): a full-range
 * position quotes as the constant-product venue of its virtual reserves;
 * the marginal output is the derivative of the output; routing a sale over
 * a concentrated pool and a constant-product one equalises their marginal
 * outputs. */
static void test_concentrated_venue(void **state)
{
    (void)state;
    const double L = sqrt(2e7);
    const liq_cl_position_t full = {-887220, 887220, L};
    liq_cl_pool_t pool;
    assert_int_equal(liq_cl_pool_init(&pool, 60, 0.003, 1, &full), LIQ_OK);
    const liq_cl_state_t st = liq_cl_state_at(&pool, sqrt(2000.0));
    const liq_venue_t cl0 = {
        .kind = LIQ_VENUE_CONCENTRATED_SELL0, .cl_pool = &pool, .cl_state = &st};
    const liq_venue_t cl1 = {
        .kind = LIQ_VENUE_CONCENTRATED_SELL1, .cl_pool = &pool, .cl_state = &st};
    const liq_venue_t cp0 = {.reserve_in = 100.0, .reserve_out = 200000.0, .fee = 0.003};
    const liq_venue_t cp1 = {.reserve_in = 200000.0, .reserve_out = 100.0, .fee = 0.003};
    for (double q = 0.5; q < 300.0; q *= 2.0) {
        assert_close(liq_venue_amount_out(&cl0, q), liq_venue_amount_out(&cp0, q), 1e-13);
        assert_close(liq_venue_marginal_out(&cl0, q), liq_venue_marginal_out(&cp0, q), 1e-13);
        assert_close(liq_venue_amount_out(&cl1, 1000.0 * q), liq_venue_amount_out(&cp1, 1000.0 * q),
                     1e-13);
        assert_close(liq_venue_marginal_out(&cl1, 1000.0 * q),
                     liq_venue_marginal_out(&cp1, 1000.0 * q), 1e-13);
    }
    liq_cl_pool_destroy(&pool);

    /* A narrow, deep range around the price beside a constant-product pool
     * at the same price: the routed parts add up and the split beats its
     * neighbours; the marginal outputs meet while the range lasts, and once
     * the sale exhausts it (its bottom, tick 75600, is 4% below the price)
     * the range is taken whole and its last marginal output is the higher. */
    const liq_cl_position_t narrow = {75600, 76200, 3e4};
    assert_int_equal(liq_cl_pool_init(&pool, 60, 0.0005, 1, &narrow), LIQ_OK);
    const liq_cl_state_t at = liq_cl_state_at(&pool, sqrt(2000.0));
    const liq_venue_t venues[2] = {
        {.kind = LIQ_VENUE_CONCENTRATED_SELL0, .cl_pool = &pool, .cl_state = &at},
        {.reserve_in = 100.0, .reserve_out = 200000.0, .fee = 0.003}};
    for (double amount = 1.0; amount < 400.0; amount *= 3.0) {
        double split[2];
        liq_route_best_price(2, venues, amount, split);
        assert_close(split[0] + split[1], amount, 1e-15);
        assert_true(split[0] > 0.0);
        const double best =
            liq_venue_amount_out(&venues[0], split[0]) + liq_venue_amount_out(&venues[1], split[1]);
        const double h = 1e-3 * amount;
        assert_true(best >= liq_venue_amount_out(&venues[0], split[0] + h) +
                                liq_venue_amount_out(&venues[1], split[1] - h));
        if (split[0] > h) {
            assert_true(best >= liq_venue_amount_out(&venues[0], split[0] - h) +
                                    liq_venue_amount_out(&venues[1], split[1] + h));
        }
        const double whole = liq_cl_input_to_price(&pool, &at, liq_cl_sqrt_price_at_tick(75600));
        if (split[0] < whole * (1.0 - 1e-9)) {
            assert_close(liq_venue_marginal_out(&venues[0], split[0]),
                         liq_venue_marginal_out(&venues[1], split[1]), 1e-9);
        } else {
            assert_close(split[0], whole, 1e-9);
            assert_true(liq_venue_marginal_out(&venues[0], whole * (1.0 - 1e-9)) >
                        liq_venue_marginal_out(&venues[1], split[1]));
        }
        /* Inside the range, the marginal output is the output's slope. */
        const double q = 0.5 * split[0], dq = 1e-6 * q;
        assert_close(
            (liq_venue_amount_out(&venues[0], q + dq) - liq_venue_amount_out(&venues[0], q - dq)) /
                (2.0 * dq),
            liq_venue_marginal_out(&venues[0], q), 1e-6);
    }
    /* Past the range the pool pays nothing more at the margin. */
    assert_true(liq_venue_marginal_out(&venues[0], 1e6) == 0.0);
    liq_cl_pool_destroy(&pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u256_text_and_division),
        cmocka_unit_test(test_tick_math),
        cmocka_unit_test(test_sqrt_price_math),
        cmocka_unit_test(test_swap_math),
        cmocka_unit_test(test_pool_swap_snapshots),
        cmocka_unit_test(test_float_ticks),
        cmocka_unit_test(test_float_pool_on_snapshots),
        cmocka_unit_test(test_float_against_exact_many_ticks),
        cmocka_unit_test(test_crossing_invariants),
        cmocka_unit_test(test_ranges_from_positions),
        cmocka_unit_test(test_landing_on_a_tick),
        cmocka_unit_test(test_round_trip_never_gains),
        cmocka_unit_test(test_monotone_and_constant_product_in_range),
        cmocka_unit_test(test_arbitrage),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_twap_observations),
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_position_errors),
        cmocka_unit_test(test_concentrated_venue),
    };
    return cmocka_run_group_tests_name("concentrated", tests, NULL, NULL);
}
