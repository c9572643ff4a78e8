/*
 * StableSwap pools of n coins (liqnet/amm.h, liq_ssn_*): the two-coin case
 * bit for bit against the two-coin functions existing scenarios use, the
 * published two-coin vector, three- to eight-coin values derived
 * independently (tests/reference/stableswap_n_reference.py: the 3pool
 * contract's integer arithmetic, and the invariant solved by bisection in
 * 60-digit decimals, since Curve's tests publish no numbers for pools of
 * three or more coins), and invariants: D unchanged by a fee-less swap and
 * raised by a fee, marginal prices consistent across pairs and with small
 * trades, round trips that never gain.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "liq_test.h"

#include "liqnet/amm.h"
#include "liqnet/error.h"
#include "liqnet/rng.h"

/* Bit equality (== would also accept 0 against -0). */
static void assert_same_bits(double a, double b)
{
    if (memcmp(&a, &b, sizeof(a)) != 0) {
        fail_msg("%.17g and %.17g differ in their bits", a, b);
    }
}

/*
 * With two coins every n-coin function makes the same floating-point
 * operations as its two-coin counterpart, so existing scenarios keep their
 * results bit for bit whichever the engine calls: checked over 20000 pools
 * (balances 1e-3 to 1e12, imbalances up to 1e3 either way, amp 0.01 to
 * 1e5, trades up to the size of the pool), and every answer keeps D to
 * 1e-12, also where the Newton steps never get within 1e-15 (the coin
 * solved for small against D) and both stop on the noise rule.
 */
static void test_two_coins_bit_for_bit(void **state)
{
    (void)state;
    const liq_rng_key_t key = {23, 0};
    for (uint64_t i = 0; i < 20000; i++) {
        double u[4];
        liq_rng_uniform4(key, 0, 0, i, u);
        const double x = pow(10.0, -3.0 + 15.0 * u[0]);
        const double y = x * pow(10.0, -3.0 + 6.0 * u[1]);
        const double amp = pow(10.0, -2.0 + 7.0 * u[2]);
        const double dx = x * pow(10.0, -9.0 + 9.0 * u[3]);
        const double xp[2] = {x, y};
        const double d = liq_ss_get_d(x, y, amp);
        assert_same_bits(liq_ssn_get_d(2, xp, amp), d);
        const double y_old = liq_ss_get_y(x + dx, d, amp);
        const double y_new = liq_ssn_get_y(2, xp, 0, 1, x + dx, d, amp);
        assert_false(isnan(y_old));
        assert_same_bits(y_new, y_old);
        const double after[2] = {x + dx, y_new};
        assert_close(liq_ssn_get_d(2, after, amp), d, 1e-12);
        assert_same_bits(liq_ssn_amount_out(2, xp, 0, 1, dx, 0.0004, amp),
                         liq_ss_amount_out(dx, x, y, 0.0004, amp));
        assert_same_bits(liq_ssn_spot_price(2, xp, 0, 1, amp), liq_ss_spot_price(x, y, amp));
        /* The marginal output routing computes for a two-coin venue. */
        const liq_venue_t v = {.kind = LIQ_VENUE_STABLESWAP,
                               .reserve_in = x,
                               .reserve_out = y,
                               .fee = 0.0004,
                               .amp = amp};
        assert_same_bits(liq_ssn_marginal_out(2, xp, 0, 1, dx, 0.0004, amp),
                         liq_venue_marginal_out(&v, dx));
    }
    /* About 3% of these pools (the coin solved for at 0.02% to 14% of D;
     * a 1e6 : 1e4 pool at A 1000 is one) end on the noise rule
     * (stableswap.c), where the two-coin get_y gave NaN before: the answer
     * still keeps D to 1e-12. */
    const double dd = liq_ss_get_d(1e6, 1e4, 1000.0);
    const double y_depeg = liq_ss_get_y(1e6 + 100.0, dd, 1000.0);
    const double after_depeg[2] = {1e6 + 100.0, y_depeg};
    assert_close(liq_ssn_get_d(2, after_depeg, 1000.0), dd, 1e-12);
}

static void test_reference_values(void **state)
{
    (void)state;
    /* stableswap-ng tests/token/test_get_D.py 'test_convergence':
     * get_D([1e23, 1e18], 1000) with A_PRECISION 100, so amp 10:
     * 9010395375710532394006 (MODEL.md s5). The contract truncates; the
     * invariant's real root is 9010395375710532394003.35
     * (stableswap_n_reference.py), so 2e-15 covers the iteration's stop. */
    const double two[2] = {1e23, 1e18};
    assert_close(liq_ssn_get_d(2, two, 10.0), 9010395375710532394006.0, 2e-15);

    /* Three coins, 3pool-like (balances 1.0M, 1.2M, 0.9M in 1e18 units,
     * A 2000), from stableswap_n_reference.py: the 3pool contract's integer
     * get_D 3099988825478648946602064, get_y after 10,000 of coin 0 in
     * 890000645543093561729486, get_dy to coin 2 with 4 bp
     * 9995354715123675695205 (its "- 1" wei included); the decimal invariant
     * agrees with those to 4 wei. Double arithmetic stops its Newton steps
     * at a relative 1e-15, so: 2e-15 on D and y, 1e-12 on the output (the
     * difference of two numbers 90 times larger), 1e-14 on prices. */
    const double p3[3] = {1e24, 1.2e24, 0.9e24};
    const double d3 = liq_ssn_get_d(3, p3, 2000.0);
    assert_close(d3, 3099988825478648946602064.0, 2e-15);
    assert_close(liq_ssn_get_y(3, p3, 0, 2, 1.01e24, d3, 2000.0), 890000645543093561729486.0,
                 2e-15);
    assert_close(liq_ssn_amount_out(3, p3, 0, 2, 1e22, 0.0004, 2000.0), 9995354715123675695205.0,
                 1e-12);
    assert_close(liq_ssn_spot_price(3, p3, 0, 2, 2000.0), 0.99994138556271699583, 1e-14);
    assert_close(liq_ssn_spot_price(3, p3, 2, 1, 2000.0), 1.0001465575691811282, 1e-14);

    /* Five and eight coins, A 100 (decimal invariant only). */
    const double p5[5] = {1e6, 2e6, 5e5, 1.5e6, 7.5e5};
    const double d5 = liq_ssn_get_d(5, p5, 100.0);
    assert_close(d5, 5741111.6427748498502, 2e-15);
    assert_close(liq_ssn_get_y(5, p5, 1, 3, 2.1e6, d5, 100.0), 1400409.6457532706830, 2e-15);
    assert_close(liq_ssn_spot_price(5, p5, 1, 3, 100.0), 0.99665039221821543128, 1e-14);
    const double p8[8] = {1e6, 1.1e6, 0.9e6, 1.3e6, 0.7e6, 1.05e6, 0.95e6, 1.2e6};
    const double d8 = liq_ssn_get_d(8, p8, 100.0);
    assert_close(d8, 8198684.1238642745856, 2e-15);
    assert_close(liq_ssn_get_y(8, p8, 4, 7, 0.8e6, d8, 100.0), 1099479.5780691483157, 2e-15);
    assert_close(liq_ssn_spot_price(8, p8, 4, 7, 100.0), 1.0068177691237559198, 1e-14);

    /* Balanced pools: D is the sum and every price is 1. */
    const double flat[6] = {5e5, 5e5, 5e5, 5e5, 5e5, 5e5};
    assert_close(liq_ssn_get_d(6, flat, 300.0), 3e6, 1e-15);
    assert_close(liq_ssn_spot_price(6, flat, 2, 5, 300.0), 1.0, 1e-15);
}

/* Random pools of 2 to 8 coins: balances within a factor 10 of each
 * other, amp 1 to 1e4. */
static size_t random_pool(uint64_t i, double *xp, double *amp)
{
    const liq_rng_key_t key = {29, 1};
    double u[4];
    liq_rng_uniform4(key, 1, 0, i, u);
    const size_t n = 2 + (size_t)(u[0] * 7.0);
    *amp = pow(10.0, 4.0 * u[1]);
    for (size_t k = 0; k < n; k++) {
        liq_rng_uniform4(key, 2, k, i, u);
        xp[k] = 1e6 * pow(10.0, u[0]);
    }
    return n;
}

/* A fee-less swap keeps D: to the 1e-15 at which the iterations stop,
 * plus get_y's rounding, a few ulps of D in the balance solved for (see
 * stableswap_n.c), which moves D by up to 1e-14 relative when that balance
 * is small: 1e-13 (the largest seen is printed). A fee raises D. The output
 * grows with the input and never reaches the balance. */
static void test_d_invariant_under_swaps(void **state)
{
    (void)state;
    double worst = 0.0;
    for (uint64_t t = 0; t < 2000; t++) {
        double xp[LIQ_SS_MAX_COINS], amp;
        const size_t n = random_pool(t, xp, &amp);
        const size_t i = t % n, j = (t / n + 1 + i) % n == i ? (i + 1) % n : (t / n + 1 + i) % n;
        const double d = liq_ssn_get_d(n, xp, amp);
        const double dx = xp[i] * 0.01 * (double)(1 + t % 50);
        const double out = liq_ssn_amount_out(n, xp, i, j, dx, 0.0, amp);
        assert_true(out > 0.0 && out < xp[j]);
        double after[LIQ_SS_MAX_COINS];
        memcpy(after, xp, n * sizeof(double));
        after[i] += dx;
        after[j] -= out;
        const double d_after = liq_ssn_get_d(n, after, amp);
        assert_close(d_after, d, 1e-13);
        worst = fmax(worst, fabs(d_after - d) / d);
        /* With the fee the output falls by exactly the fee and D grows. */
        const double with_fee = liq_ssn_amount_out(n, xp, i, j, dx, 0.003, amp);
        assert_close(with_fee, out * 0.997, 1e-15);
        after[j] = xp[j] - with_fee;
        assert_true(liq_ssn_get_d(n, after, amp) > d);
        assert_true(liq_ssn_amount_out(n, xp, i, j, 2.0 * dx, 0.0, amp) > out);
    }
    print_message("D after fee-less swaps: largest relative change %.3g\n", worst);
}

/* Marginal prices: a small trade pays the spot price; price(i, j) price(j,
 * i) = 1 and price(i, j) price(j, k) = price(i, k) (a few roundings: 1e-14);
 * the marginal output is the derivative of the output. */
static void test_spot_prices(void **state)
{
    (void)state;
    for (uint64_t t = 0; t < 500; t++) {
        double xp[LIQ_SS_MAX_COINS], amp;
        const size_t n = random_pool(t, xp, &amp);
        if (n < 3) {
            continue;
        }
        const size_t i = 0, j = 1, k = n - 1;
        const double pij = liq_ssn_spot_price(n, xp, i, j, amp);
        assert_close(pij * liq_ssn_spot_price(n, xp, j, i, amp), 1.0, 1e-14);
        assert_close(pij * liq_ssn_spot_price(n, xp, j, k, amp),
                     liq_ssn_spot_price(n, xp, i, k, amp), 1e-14);
        /* Small trades pay the spot price: the average prices of trades of
         * h and 2h extrapolate to it, 2 avg(h) - avg(2h) = P + O(h^2), with
         * h 1e-5 of the balance (O(h^2) and the rounding of out, an ulp of
         * the balance over h, are both near 1e-10): 1e-8. */
        const double h5 = 1e-5 * xp[i];
        const double avg1 = liq_ssn_amount_out(n, xp, i, j, h5, 0.0, amp) / h5;
        const double avg2 = liq_ssn_amount_out(n, xp, i, j, 2.0 * h5, 0.0, amp) / (2.0 * h5);
        assert_close(2.0 * avg1 - avg2, pij, 1e-8);
        const double q = 0.05 * xp[i], h = 1e-4 * q;
        assert_close((liq_ssn_amount_out(n, xp, i, j, q + h, 0.001, amp) -
                      liq_ssn_amount_out(n, xp, i, j, q - h, 0.001, amp)) /
                         (2.0 * h),
                     liq_ssn_marginal_out(n, xp, i, j, q, 0.001, amp), 1e-7);
    }
}

/* A round trip never gains: i -> j -> i returns less than what went in with
 * a fee, and no more than it (to 1e-12, the Newton stops) without one. */
static void test_round_trip_never_gains(void **state)
{
    (void)state;
    for (uint64_t t = 0; t < 1000; t++) {
        double xp[LIQ_SS_MAX_COINS], amp;
        const size_t n = random_pool(t + 5000, xp, &amp);
        const size_t i = n - 1, j = 0;
        const double dx = xp[i] * 0.2 * (double)(1 + t % 7);
        for (int with_fee = 0; with_fee < 2; with_fee++) {
            const double fee = with_fee ? 0.0004 : 0.0;
            const double out = liq_ssn_amount_out(n, xp, i, j, dx, fee, amp);
            double after[LIQ_SS_MAX_COINS];
            memcpy(after, xp, n * sizeof(double));
            after[i] += dx;
            after[j] -= out;
            const double back = liq_ssn_amount_out(n, after, j, i, out, fee, amp);
            if (with_fee) {
                assert_true(back < dx);
            } else {
                assert_true(back <= dx * (1.0 + 1e-12));
            }
        }
    }
}

/* Any coin pair of an n-coin pool as a routing venue (liqnet/amm.h): it
 * quotes as liq_ssn_amount_out, and a sale split with a constant-product
 * pool ends at equal marginal outputs (the split's bisection stops at the
 * last bit; the marginal outputs then agree to 1e-9). */
static void test_n_coin_venue(void **state)
{
    (void)state;
    const double xp[3] = {1e6, 1.2e6, 0.9e6};
    const liq_venue_t pair = {.kind = LIQ_VENUE_STABLESWAP_N,
                              .reserve_in = xp[0],
                              .reserve_out = xp[2],
                              .fee = 0.0004,
                              .amp = 200.0,
                              .balances = xp,
                              .n_coins = 3,
                              .coin_in = 0,
                              .coin_out = 2};
    assert_true(liq_venue_amount_out(&pair, 5e4) ==
                liq_ssn_amount_out(3, xp, 0, 2, 5e4, 0.0004, 200.0));
    const liq_venue_t both[2] = {pair, {.reserve_in = 5e5, .reserve_out = 5e5, .fee = 0.003}};
    double split[2];
    liq_route_best_price(2, both, 8e5, split);
    assert_close(split[0] + split[1], 8e5, 1e-15);
    assert_true(split[0] > 0.0 && split[1] > 0.0);
    assert_close(liq_venue_marginal_out(&both[0], split[0]),
                 liq_venue_marginal_out(&both[1], split[1]), 1e-9);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    const double xp[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    assert_int_equal(liq_ssn_check(3, xp, 100.0), LIQ_OK);
    assert_int_equal(liq_ssn_check(1, xp, 100.0), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(), "coins: value 1 is out of range; expected 2 to 8 coins");
    assert_int_equal(liq_ssn_check(9, xp, 100.0), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(), "coins: value 9 is out of range; expected 2 to 8 coins");
    const double zero[3] = {1, 0, 1};
    assert_int_equal(liq_ssn_check(3, zero, 100.0), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(),
                        "balances[1]: value 0 is not positive; expected a finite number > 0");
    assert_int_equal(liq_ssn_check(3, xp, -1.0), LIQ_EINVAL);
    assert_string_equal(liq_errmsg(),
                        "amplification: value -1 is not positive; expected a finite number > 0");
    /* The pure functions answer NaN to misuse. */
    assert_true(isnan(liq_ssn_get_d(9, xp, 100.0)));
    assert_true(isnan(liq_ssn_get_y(3, xp, 1, 1, 1.0, 3.0, 100.0)));
    assert_true(isnan(liq_ssn_spot_price(3, xp, 0, 3, 100.0)));
    assert_true(liq_ssn_amount_out(3, xp, 0, 1, 0.0, 0.0, 100.0) == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_coins_bit_for_bit),   cmocka_unit_test(test_reference_values),
        cmocka_unit_test(test_d_invariant_under_swaps), cmocka_unit_test(test_spot_prices),
        cmocka_unit_test(test_round_trip_never_gains),  cmocka_unit_test(test_n_coin_venue),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests_name("stableswap_n", tests, NULL, NULL);
}
