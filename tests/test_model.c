/*
 * The maths of model R0 against values derived by hand or published as
 * reference vectors (MODEL.md s4-s5, shared/data/protocol-parameters.md):
 * constant-product swaps and arbitrage, health and liquidation quotes,
 * oracle publication rules, and the counter-based random numbers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "liq_test.h"

#include "liqnet/amm.h"
#include "liqnet/lending.h"
#include "liqnet/oracle.h"
#include "liqnet/rng.h"

/* |a - b| <= rel * |b|: values computed in a different operation order from
 * the hand derivation agree to a few ulps. */

/* ------------------------------------------------------------------ AMM */

static void test_uniswap_v2_reference_vector(void **state)
{
    (void)state;
    /* Selling 1 into reserves (5, 10) at 0.3%: 10 * 0.997 / (5 + 0.997). */
    assert_close(liq_cp_amount_out(1.0, 5.0, 10.0, 0.003), 1.662497915624478906, 1e-15);
    /* Router test getAmountOut(2, 100, 100) = 1 in integer arithmetic. */
    assert_int_equal((int)floor(liq_cp_amount_out(2.0, 100.0, 100.0, 0.003)), 1);
    assert_true(liq_cp_amount_out(0.0, 5.0, 10.0, 0.003) == 0.0);
    /* No fee: out = y dx / (x + dx) exactly keeps k. */
    const double out = liq_cp_amount_out(25.0, 100.0, 400.0, 0.0);
    assert_close(out, 80.0, 1e-15);
    assert_close((100.0 + 25.0) * (400.0 - out), 100.0 * 400.0, 1e-15);
}

static void test_swap_with_fee_raises_k(void **state)
{
    (void)state;
    const double x = 1000.0, y = 2.0e6;
    for (double dx = 0.5; dx < 2000.0; dx *= 3.0) {
        const double dy = liq_cp_amount_out(dx, x, y, 0.003);
        assert_true((x + dx) * (y - dy) > x * y);
        assert_true(dy < y);
    }
}

static void test_arbitrage_closed_forms(void **state)
{
    (void)state;
    /* x = 100, y = 200000 (P = 2000), target 1800, kappa = 1:
     * x' = sqrt(2e7 / 1800) = 105.40925533894598, y' = sqrt(2e7 * 1800) = 189736.6596... */
    liq_arbitrage_t a = liq_cp_arbitrage(100.0, 200000.0, 1800.0, 1.0);
    assert_close(a.reserve0, 105.40925533894597, 1e-15);
    assert_close(a.reserve1, 189736.65961010276, 1e-15);
    assert_close(a.reserve1 / a.reserve0, 1800.0, 1e-15);
    assert_close(a.sold0, 100.0 - 105.40925533894597, 1e-13);
    assert_close(a.sold1, 200000.0 - 189736.65961010276, 1e-13);
    assert_close(a.reserve0 * a.reserve1, 2.0e7, 1e-15);

    /* kappa = 0 leaves the pool where it is. */
    a = liq_cp_arbitrage(100.0, 200000.0, 1800.0, 0.0);
    assert_close(a.reserve1 / a.reserve0, 2000.0, 1e-15);
    assert_true(fabs(a.sold0) < 1e-12 && fabs(a.sold1) < 1e-9);

    /* kappa = 1/2 goes to the geometric mean sqrt(2000 * 1800) = 1897.3665961010276. */
    a = liq_cp_arbitrage(100.0, 200000.0, 1800.0, 0.5);
    assert_close(a.reserve1 / a.reserve0, 1897.3665961010276, 1e-14);
    assert_close(a.reserve0 * a.reserve1, 2.0e7, 1e-15);
}

/* ----------------------------------------------------------- stableswap */

static void test_stableswap_reference_vector(void **state)
{
    (void)state;
    /* stableswap-ng get_D([1e23, 1e18], amp=1000) with A_PRECISION 100, so
     * the contract's A is 10 (MODEL.md s5): 9010395375710532394006 in wei.
     * The integer contract truncates; real arithmetic agrees to ~1e-15. */
    assert_close(liq_ss_get_d(1e23, 1e18, 10.0), 9010395375710532394006.0, 2e-15);
    /* Balanced reserves: D = x + y, and the price is 1. */
    assert_close(liq_ss_get_d(5e6, 5e6, 200.0), 1e7, 1e-15);
    assert_close(liq_ss_spot_price(5e6, 5e6, 200.0), 1.0, 1e-15);
}

static void test_stableswap_swaps(void **state)
{
    (void)state;
    /* Reserves (1e6, 1.2e6), A = 100, 50000 in, fee 4 bp. Reference values
     * solved from the invariant by bisection in 60-digit decimal arithmetic
     * (independent of the contract's Newton steps):
     * D = 2199909.2520992127, out = 50048.202580077613, spot = 1.0018314562035135. */
    const double d = liq_ss_get_d(1e6, 1.2e6, 100.0);
    assert_close(d, 2199909.2520992127, 1e-15);
    assert_close(liq_ss_amount_out(50000.0, 1e6, 1.2e6, 0.0004, 100.0), 50048.202580077613, 1e-12);
    assert_close(liq_ss_spot_price(1e6, 1.2e6, 100.0), 1.0018314562035135, 1e-14);
    /* get_y inverts the invariant, and a small trade pays the spot price. */
    assert_close(liq_ss_get_y(1e6, d, 100.0), 1.2e6, 1e-14);
    const double dx = 1e-3;
    assert_close(liq_ss_amount_out(dx, 1e6, 1.2e6, 0.0, 100.0) / dx,
                 liq_ss_spot_price(1e6, 1.2e6, 100.0), 1e-6);
    assert_true(liq_ss_amount_out(0.0, 1e6, 1.2e6, 0.0004, 100.0) == 0.0);
    /* A -> 0 is constant product (x y = D^2 / 4); a large A is nearly
     * constant sum. */
    assert_close(liq_ss_amount_out(10.0, 1000.0, 1000.0, 0.0, 1e-9),
                 liq_cp_amount_out(10.0, 1000.0, 1000.0, 0.0), 1e-7);
    assert_close(liq_ss_amount_out(10.0, 1000.0, 1000.0, 0.0, 1e7), 10.0, 1e-6);
}

static void test_stableswap_arbitrage(void **state)
{
    (void)state;
    const double amp = 50.0, x = 8e5, y = 1.2e6;
    const double d = liq_ss_get_d(x, y, amp);
    const double p = liq_ss_spot_price(x, y, amp);
    /* kappa = 1 lands on the target price, on the same invariant. */
    liq_arbitrage_t a = liq_ss_arbitrage(x, y, 0.995, 1.0, amp);
    assert_close(liq_ss_spot_price(a.reserve0, a.reserve1, amp), 0.995, 1e-12);
    assert_close(liq_ss_get_d(a.reserve0, a.reserve1, amp), d, 1e-14);
    assert_close(a.sold0, x - a.reserve0, 0);
    assert_close(a.sold1, y - a.reserve1, 0);
    /* ... also from the other side. */
    a = liq_ss_arbitrage(x, y, 1.3, 1.0, amp);
    assert_close(liq_ss_spot_price(a.reserve0, a.reserve1, amp), 1.3, 1e-12);
    /* kappa = 1/2: the geometric mean of the price and the target. */
    a = liq_ss_arbitrage(x, y, 0.995, 0.5, amp);
    assert_close(liq_ss_spot_price(a.reserve0, a.reserve1, amp), sqrt(p * 0.995), 1e-12);
    /* kappa = 0 leaves the pool alone. */
    a = liq_ss_arbitrage(x, y, 0.995, 0.0, amp);
    assert_true(a.reserve0 == x && a.reserve1 == y && a.sold0 == 0.0 && a.sold1 == 0.0);
}

static void test_linear_book(void **state)
{
    (void)state;
    /* Mid 2000, slope 20 per unit (100 units move the price by 2000). */
    double mid;
    assert_close(liq_book_sell0(10.0, 2000.0, 20.0, 0.0, &mid), 19000.0, 1e-15);
    assert_close(mid, 1800.0, 1e-15);
    /* Buying the 10 back at 1800 costs the same 19000: 38000 / (1800 + 2000). */
    assert_close(liq_book_sell1(19000.0, 1800.0, 20.0, 0.0, &mid), 10.0, 1e-15);
    assert_close(mid, 2000.0, 1e-15);
    /* A 1% fee on the input: 9.9 units fill down to 1802. */
    assert_close(liq_book_sell0(10.0, 2000.0, 20.0, 0.01, &mid), 9.9 * (2000.0 - 99.0), 1e-15);
    assert_close(mid, 1802.0, 1e-15);
    /* 150 units sweep the 100 units of bids: 2000^2 / 40, the mid at the floor. */
    assert_close(liq_book_sell0(150.0, 2000.0, 20.0, 0.0, &mid), 100000.0, 1e-15);
    assert_close(mid, 2000.0 * LIQ_BOOK_FLOOR, 1e-15);
    assert_true(liq_book_sell0(0.0, 2000.0, 20.0, 0.0, &mid) == 0.0 && mid == 2000.0);
    /* As a venue: the marginal output is the derivative of the output, on
     * both sides, and routing equalises it with a pool's. */
    const liq_venue_t bids = {
        .kind = LIQ_VENUE_BOOK_BIDS, .reserve_in = 2000.0, .reserve_out = 20.0, .fee = 0.001};
    const liq_venue_t asks = {
        .kind = LIQ_VENUE_BOOK_ASKS, .reserve_in = 2000.0, .reserve_out = 20.0, .fee = 0.001};
    const double h = 1e-4;
    assert_close((liq_venue_amount_out(&bids, 30.0 + h) - liq_venue_amount_out(&bids, 30.0 - h)) /
                     (2 * h),
                 liq_venue_marginal_out(&bids, 30.0), 1e-7);
    assert_close((liq_venue_amount_out(&asks, 5e4 + h) - liq_venue_amount_out(&asks, 5e4 - h)) /
                     (2 * h),
                 liq_venue_marginal_out(&asks, 5e4), 1e-6);
    const liq_venue_t both[2] = {bids,
                                 {.kind = LIQ_VENUE_CONSTANT_PRODUCT,
                                  .reserve_in = 100.0,
                                  .reserve_out = 200000.0,
                                  .fee = 0.003}};
    double split[2];
    liq_route_best_price(2, both, 40.0, split);
    assert_close(split[0] + split[1], 40.0, 1e-15);
    assert_close(liq_venue_marginal_out(&both[0], split[0]),
                 liq_venue_marginal_out(&both[1], split[1]), 1e-9);
}

static void test_best_price_routing(void **state)
{
    (void)state;
    /* Two constant-product pools at the same price, the second 3 times as
     * deep, no fee: equal marginal outputs need (x1 + q1) / sqrt(x1 y1) =
     * (x2 + q2) / sqrt(x2 y2), so q2 = 3 q1: 40 splits 10 / 30. A third pool
     * quoting 1000 instead of 2000 gets nothing. */
    const liq_venue_t cp[3] = {{.reserve_in = 100.0, .reserve_out = 200000.0},
                               {.reserve_in = 300.0, .reserve_out = 600000.0},
                               {.reserve_in = 100.0, .reserve_out = 100000.0}};
    double split[3];
    liq_route_best_price(3, cp, 40.0, split);
    assert_close(split[0], 10.0, 1e-12);
    assert_close(split[1], 30.0, 1e-12);
    assert_true(split[2] == 0.0);
    /* The split beats its neighbours. */
    const double best = liq_venue_amount_out(&cp[0], 10.0) + liq_venue_amount_out(&cp[1], 30.0);
    assert_true(best > liq_venue_amount_out(&cp[0], 10.5) + liq_venue_amount_out(&cp[1], 29.5));
    assert_true(best > liq_venue_amount_out(&cp[0], 9.5) + liq_venue_amount_out(&cp[1], 30.5));
    /* A StableSwap pool beside a constant-product one, with fees: the parts
     * add up and the marginal outputs are equal. (A sale of 2e5 goes all
     * to the flat StableSwap curve, which pays more at the margin.) */
    const liq_venue_t mixed[2] = {{.kind = LIQ_VENUE_STABLESWAP,
                                   .reserve_in = 1e6,
                                   .reserve_out = 1.2e6,
                                   .fee = 0.0004,
                                   .amp = 100.0},
                                  {.reserve_in = 5e5, .reserve_out = 5e5, .fee = 0.003}};
    liq_route_best_price(2, mixed, 6e5, split);
    assert_close(split[0] + split[1], 6e5, 1e-15);
    assert_true(split[0] > 0.0 && split[1] > 0.0);
    assert_close(liq_venue_marginal_out(&mixed[0], split[0]),
                 liq_venue_marginal_out(&mixed[1], split[1]), 1e-9);
    /* A single venue takes everything. */
    liq_route_best_price(1, mixed, 123.0, split);
    assert_close(split[0], 123.0, 1e-15);
    /* The marginal output is the derivative of the output. */
    const double h = 1e-3;
    assert_close(
        (liq_venue_amount_out(&mixed[0], 5e4 + h) - liq_venue_amount_out(&mixed[0], 5e4 - h)) /
            (2 * h),
        liq_venue_marginal_out(&mixed[0], 5e4), 1e-7);
    assert_close(
        (liq_venue_amount_out(&mixed[1], 5e4 + h) - liq_venue_amount_out(&mixed[1], 5e4 - h)) /
            (2 * h),
        liq_venue_marginal_out(&mixed[1], 5e4), 1e-7);
}

/* -------------------------------------------------------------- lending */

static const liq_market_terms_t aave_weth = {
    .liquidation_threshold = 0.83,
    .liquidation_bonus = 0.05,
    .close_factor = 0.5,
    .full_close_health = 0.95,
};

static void test_aave_v3_reference_vector(void **state)
{
    (void)state;
    /* 10 WETH at 2000, LT 0.83, debt 17000 USDC: HF = 16600 / 17000. */
    const double hf = liq_health(10.0, 17000.0, 2000.0, 1.0, 0.83);
    assert_close(hf, 0.97647058823529409, 1e-15);
    const liq_liquidation_t q = liq_liquidation_quote(10.0, 17000.0, 2000.0, 1.0, hf, &aave_weth);
    /* HF above 0.95: close factor 0.5, repay 8500, seize 8500 * 1.05 / 2000. */
    assert_close(q.repay, 8500.0, 1e-15);
    assert_close(q.seize, 4.4625, 1e-15);
    assert_false(q.capped);
    /* Keeper reward: the bonus on the repaid value, less gas. */
    assert_close(liq_keeper_profit(q.repay, 1.0, 0.05, 10.0), 415.0, 1e-15);
}

static void test_full_close_below_h_full(void **state)
{
    (void)state;
    /* Debt 18000: HF = 16600 / 18000 = 0.9222 < 0.95, the whole debt is
     * repaid and 18000 * 1.05 / 2000 = 9.45 WETH seized (< 10, no cap). */
    const double hf = liq_health(10.0, 18000.0, 2000.0, 1.0, 0.83);
    assert_true(hf < 0.95);
    const liq_liquidation_t q = liq_liquidation_quote(10.0, 18000.0, 2000.0, 1.0, hf, &aave_weth);
    assert_close(q.repay, 18000.0, 1e-15);
    assert_close(q.seize, 9.45, 1e-15);
    assert_false(q.capped);
}

static void test_seizure_cap(void **state)
{
    (void)state;
    /* Debt 19800: a full close would seize 10.395 > 10 WETH, so all 10 are
     * seized and the repayment is what they cover: 10 * 2000 / 1.05. */
    const double hf = liq_health(10.0, 19800.0, 2000.0, 1.0, 0.83);
    const liq_liquidation_t q = liq_liquidation_quote(10.0, 19800.0, 2000.0, 1.0, hf, &aave_weth);
    assert_true(q.capped);
    assert_true(q.seize == 10.0);
    assert_close(q.repay, 19047.619047619048, 1e-15);
    /* The debt left, 752.38..., is what becomes bad debt. */
    assert_close(19800.0 - q.repay, 752.38095238095184, 1e-12);
}

static void test_debt_priced_by_its_oracle(void **state)
{
    (void)state;
    /* A debt asset at 1.25 scales the seizure by 1.25 and lowers HF. */
    const double hf = liq_health(10.0, 10000.0, 2000.0, 1.25, 0.83);
    assert_close(hf, 16600.0 / 12500.0, 1e-15);
    const double hf2 = liq_health(10.0, 16000.0, 2000.0, 1.25, 0.83);
    const liq_liquidation_t q = liq_liquidation_quote(10.0, 16000.0, 2000.0, 1.25, hf2, &aave_weth);
    /* hf2 = 16600 / 20000 = 0.83 < 0.95: full close; seize 16000*1.25*1.05/2000 = 10.5 > 10. */
    assert_true(q.capped);
    assert_close(q.repay, 10.0 * 2000.0 / (1.05 * 1.25), 1e-15);
    assert_true(isinf(liq_health(1.0, 0.0, 2000.0, 1.0, 0.83)));
}

/* --------------------------------------------------------------- oracle */

static void test_oracle_heartbeat_and_deviation(void **state)
{
    (void)state;
    /* Heartbeat 300 rounds: due at t - t_pub >= 300 whatever the price. */
    assert_false(liq_oracle_should_publish(299, 0, 300, 100.0, 100.0, 0.005));
    assert_true(liq_oracle_should_publish(300, 0, 300, 100.0, 100.0, 0.005));
    assert_true(liq_oracle_should_publish(420, 120, 300, 100.0, 100.0, 0.005));
    /* Deviation 0.5%: 0.6% moves publish, 0.4% moves do not, either way. */
    assert_true(liq_oracle_should_publish(5, 0, 300, 100.6, 100.0, 0.005));
    assert_true(liq_oracle_should_publish(5, 0, 300, 99.4, 100.0, 0.005));
    assert_false(liq_oracle_should_publish(5, 0, 300, 100.4, 100.0, 0.005));
    assert_false(liq_oracle_should_publish(5, 0, 300, 99.6, 100.0, 0.005));
    /* Deviation 0 publishes every change; infinite deviation only on heartbeat. */
    assert_true(liq_oracle_should_publish(1, 0, 300, 100.0, 100.0, 0.0));
    assert_false(liq_oracle_should_publish(1, 0, 300, 10.0, 100.0, INFINITY));
}

static void test_oracle_latency(void **state)
{
    (void)state;
    assert_int_equal(liq_oracle_source_round(10, 0), 10);
    assert_int_equal(liq_oracle_source_round(10, 3), 7);
    assert_int_equal(liq_oracle_source_round(2, 3), 0);
    assert_int_equal(liq_oracle_source_round(0, 0), 0);
}

/* ------------------------------------------------------------------ RNG */

static void test_rng_is_a_function_of_its_counter(void **state)
{
    (void)state;
    const liq_rng_key_t key = {42, 0};
    double a[4], b[4], c[4], d[4];
    liq_rng_uniform4(key, 7, 3, 1000, a);
    liq_rng_uniform4(key, 7, 3, 999, c); /* another counter in between */
    liq_rng_uniform4(key, 7, 3, 1000, b);
    for (int i = 0; i < 4; i++) {
        assert_true(a[i] == b[i]);
        assert_true(a[i] > 0.0 && a[i] < 1.0);
    }
    /* Changing any part of the key or counter changes the draw. */
    const liq_rng_key_t other_run = {42, 1};
    liq_rng_uniform4(other_run, 7, 3, 1000, d);
    assert_true(a[0] != d[0]);
    liq_rng_uniform4(key, 8, 3, 1000, d);
    assert_true(a[0] != d[0]);
    liq_rng_uniform4(key, 7, 4, 1000, d);
    assert_true(a[0] != d[0]);
}

static void test_rng_moments(void **state)
{
    (void)state;
    /* 2 x 10^5 normals: the mean is within 5 standard errors of 0 and the
     * variance within 5 of 1 (se of the variance ~ sqrt(2/n)). */
    const liq_rng_key_t key = {2024, 0};
    const int n = 100000;
    double sum = 0.0, sum2 = 0.0, usum = 0.0;
    for (int i = 0; i < n; i++) {
        double z[2], u[2];
        liq_rng_normal2(key, 1, 0, (uint64_t)i, z, u);
        sum += z[0] + z[1];
        sum2 += z[0] * z[0] + z[1] * z[1];
        usum += u[0] + u[1];
    }
    const double m = 2.0 * n;
    const double mean = sum / m;
    const double var = sum2 / m - mean * mean;
    assert_true(fabs(mean) < 5.0 / sqrt(m));
    assert_true(fabs(var - 1.0) < 5.0 * sqrt(2.0 / m));
    assert_true(fabs(usum / m - 0.5) < 5.0 * sqrt(1.0 / 12.0 / m));
}

static void test_poisson_inverse(void **state)
{
    (void)state;
    /* Mean 1: P(0) = e^-1 = 0.3679, P(<= 1) = 0.7358, P(<= 2) = 0.9197. */
    assert_int_equal(liq_poisson_inverse(1.0, 0.30), 0);
    assert_int_equal(liq_poisson_inverse(1.0, 0.50), 1);
    assert_int_equal(liq_poisson_inverse(1.0, 0.80), 2);
    assert_int_equal(liq_poisson_inverse(0.0, 0.999999), 0);
    /* The sample mean of many draws approaches the mean. */
    const liq_rng_key_t key = {5, 0};
    double total = 0.0;
    const int n = 50000;
    for (int i = 0; i < n; i++) {
        double u[4];
        liq_rng_uniform4(key, 2, 0, (uint64_t)i, u);
        total += (double)liq_poisson_inverse(3.0, u[0]);
    }
    assert_true(fabs(total / n - 3.0) < 5.0 * sqrt(3.0 / n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniswap_v2_reference_vector),
        cmocka_unit_test(test_swap_with_fee_raises_k),
        cmocka_unit_test(test_arbitrage_closed_forms),
        cmocka_unit_test(test_stableswap_reference_vector),
        cmocka_unit_test(test_stableswap_swaps),
        cmocka_unit_test(test_stableswap_arbitrage),
        cmocka_unit_test(test_best_price_routing),
        cmocka_unit_test(test_linear_book),
        cmocka_unit_test(test_aave_v3_reference_vector),
        cmocka_unit_test(test_full_close_below_h_full),
        cmocka_unit_test(test_seizure_cap),
        cmocka_unit_test(test_debt_priced_by_its_oracle),
        cmocka_unit_test(test_oracle_heartbeat_and_deviation),
        cmocka_unit_test(test_oracle_latency),
        cmocka_unit_test(test_rng_is_a_function_of_its_counter),
        cmocka_unit_test(test_rng_moments),
        cmocka_unit_test(test_poisson_inverse),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
