/*
 * Concentrated-liquidity pools (liqnet/concentrated.h) against Uniswap v3's
 * own test values.
 *
 * The exact layer (liq_v3_*) must reproduce every number below bit for bit:
 * they are carried over from Uniswap/v3-core at commit d8b1c635 (fetched for
 * this work), each test citing its file and test name; the pool swaps are
 * the 240 snapshots of test/UniswapV3Pool.swaps.spec.ts
 * (tests/v3_swap_vectors.h).
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u256_text_and_division), cmocka_unit_test(test_tick_math),
        cmocka_unit_test(test_sqrt_price_math),        cmocka_unit_test(test_swap_math),
        cmocka_unit_test(test_pool_swap_snapshots),
    };
    return cmocka_run_group_tests_name("concentrated", tests, NULL, NULL);
}
