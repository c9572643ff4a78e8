/*
 * StableSwap pools of n coins, 2 <= n <= 8 (liqnet/amm.h, liq_ssn_*): Curve's
 * get_D and get_y iterations (curve-contract StableSwap3Pool.vy,
 * stableswap-ng CurveStableSwapNGMath.vy) in real arithmetic, exchanges
 * between any pair with the fee on the output, and the marginal price of
 * any pair.
 *
 * D_P is built as stableswap-ng builds it (D_P * D / x_k for each coin, then
 * / n^n; the 3pool divides by x_k n at each coin: the same number in real
 * arithmetic). With n = 2 every function here performs the same
 * floating-point operations, in the same order, as its two-coin
 * counterpart in stableswap.c, so it returns the same bits: existing
 * scenarios keep their results whichever path the engine takes
 * (tests/test_stableswap_n.c checks it over a grid of pools).
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "liqnet/amm.h"
#include "liqnet/error.h"

#define LIQ_SSN_MAX_STEPS 255
/* As stableswap.c: the contract stops when D moves by at most 1 wei; the
 * real iteration when it moves by at most this share of D. */
#define LIQ_SSN_TOLERANCE 1e-15
/*
 * Where that share is below the iteration's rounding noise, the iterate
 * wanders around the root without meeting it, and the two-coin functions
 * give NaN after 255 steps. That happens to get_y when the coin solved for
 * is small against D: 2 y + b - D cancels, and its rounding, an ulp of D,
 * is a relative ulp(D) / y of y (a coin at 2% of D in a five-coin pool,
 * say). Only then, after the 255 steps the two-coin functions take, the
 * n-coin ones accept the iterate if its last step was within this share of
 * it (far above the noise, far below a wrong root), so that every answer
 * the two-coin functions give stays bit for bit the same.
 */
#define LIQ_SSN_NOISE 1e-9

static bool liq_ssn_valid(size_t n)
{
    return n >= 2 && n <= LIQ_SS_MAX_COINS;
}

int liq_ssn_check(size_t n, const double *balances, double amp)
{
    if (!liq_ssn_valid(n)) {
        return liq_error_set(LIQ_EINVAL, "coins: value %zu is out of range; expected 2 to %d coins",
                             n, LIQ_SS_MAX_COINS);
    }
    for (size_t k = 0; k < n; k++) {
        if (!(balances[k] > 0.0) || !isfinite(balances[k])) {
            return liq_error_set(LIQ_EINVAL,
                                 "balances[%zu]: value %.17g is not positive; expected a finite "
                                 "number > 0",
                                 k, balances[k]);
        }
    }
    if (!(amp > 0.0) || !isfinite(amp)) {
        return liq_error_set(LIQ_EINVAL,
                             "amplification: value %.17g is not positive; expected a finite "
                             "number > 0",
                             amp);
    }
    return LIQ_OK;
}

/* n^n, exact in a double for n <= 8 (8^8 = 2^24). */
static double liq_ssn_nn(size_t n)
{
    double p = 1.0;
    for (size_t k = 0; k < n; k++) {
        p *= (double)n;
    }
    return p;
}

double liq_ssn_get_d(size_t n, const double *xp, double amp)
{
    if (!liq_ssn_valid(n)) {
        return NAN;
    }
    const double nn = (double)n;
    double s = 0.0;
    for (size_t k = 0; k < n; k++) {
        s += xp[k];
    }
    if (s == 0.0) {
        return 0.0;
    }
    const double ann = amp * nn;
    const double nn_n = liq_ssn_nn(n);
    double d = s;
    for (int it = 0; it < LIQ_SSN_MAX_STEPS; it++) {
        /* D_P = D^(n+1) / (n^n prod x). */
        double dp = d;
        for (size_t k = 0; k < n; k++) {
            dp = dp * d / xp[k];
        }
        dp /= nn_n;
        const double prev = d;
        d = (ann * s + dp * nn) * d / ((ann - 1.0) * d + (nn + 1.0) * dp);
        if (fabs(d - prev) <= LIQ_SSN_TOLERANCE * d) {
            return d;
        }
        if (it == LIQ_SSN_MAX_STEPS - 1 && fabs(d - prev) <= LIQ_SSN_NOISE * d) {
            return d;
        }
    }
    return NAN;
}

double liq_ssn_get_y(size_t n, const double *xp, size_t i, size_t j, double x, double d, double amp)
{
    if (!liq_ssn_valid(n) || i >= n || j >= n || i == j) {
        return NAN;
    }
    const double nn = (double)n;
    const double ann = amp * nn;
    /* c = D^(n+1) / (n^n prod' x Ann), b = S' + D / Ann over the coins but
     * j, with x in place of xp[i]; then Newton on y^2 + (b - D) y = c. */
    double c = d, sp = 0.0;
    for (size_t k = 0; k < n; k++) {
        if (k == j) {
            continue;
        }
        const double xk = k == i ? x : xp[k];
        sp += xk;
        c = c * d / (xk * nn);
    }
    c = c * d / (ann * nn);
    const double b = sp + d / ann;
    double y = d;
    for (int it = 0; it < LIQ_SSN_MAX_STEPS; it++) {
        const double prev = y;
        y = (y * y + c) / (2.0 * y + b - d);
        if (fabs(y - prev) <= LIQ_SSN_TOLERANCE * y) {
            return y;
        }
        if (it == LIQ_SSN_MAX_STEPS - 1 && fabs(y - prev) <= LIQ_SSN_NOISE * y) {
            return y;
        }
    }
    return NAN;
}

double liq_ssn_amount_out(size_t n, const double *xp, size_t i, size_t j, double amount_in,
                          double fee, double amp)
{
    if (amount_in <= 0.0) {
        return 0.0;
    }
    if (!liq_ssn_valid(n) || i >= n || j >= n || i == j) {
        return NAN;
    }
    const double d = liq_ssn_get_d(n, xp, amp);
    const double dy = xp[j] - liq_ssn_get_y(n, xp, i, j, xp[i] + amount_in, d, amp);
    return dy > 0.0 ? dy * (1.0 - fee) : 0.0;
}

/* Marginal price of coin i in coin j for a known D: the ratio of the
 * invariant's partial derivatives, (Ann + K / x_i) / (Ann + K / x_j) with
 * K = D^(n+1) / (n^n prod x), built as liq_ss_spot_price builds it. */
static double liq_ssn_price_at(size_t n, const double *xp, size_t i, size_t j, double d, double ann)
{
    double dn = d;
    for (size_t k = 0; k < n; k++) {
        dn *= d;
    }
    dn /= liq_ssn_nn(n);
    double pi = xp[i], pj = xp[j];
    for (size_t k = 0; k < n; k++) {
        pi *= xp[k];
        pj *= xp[k];
    }
    return (ann + dn / pi) / (ann + dn / pj);
}

double liq_ssn_spot_price(size_t n, const double *xp, size_t i, size_t j, double amp)
{
    if (!liq_ssn_valid(n) || i >= n || j >= n || i == j) {
        return NAN;
    }
    return liq_ssn_price_at(n, xp, i, j, liq_ssn_get_d(n, xp, amp), amp * (double)n);
}

double liq_ssn_marginal_out(size_t n, const double *xp, size_t i, size_t j, double amount_in,
                            double fee, double amp)
{
    if (!liq_ssn_valid(n) || i >= n || j >= n || i == j) {
        return NAN;
    }
    /* (1 - fee) times the marginal price after the sale, on the same D. */
    double after[LIQ_SS_MAX_COINS];
    const double d = liq_ssn_get_d(n, xp, amp);
    for (size_t k = 0; k < n; k++) {
        after[k] = xp[k];
    }
    after[i] = xp[i] + amount_in;
    after[j] = liq_ssn_get_y(n, xp, i, j, after[i], d, amp);
    /* Written out, not through liq_ssn_price_at: (1 - fee) multiplies the
     * numerator before the division, as routing.c's two-coin venue does. */
    const double ann = amp * (double)n;
    double dn = d;
    for (size_t k = 0; k < n; k++) {
        dn *= d;
    }
    dn /= liq_ssn_nn(n);
    double pi = after[i], pj = after[j];
    for (size_t k = 0; k < n; k++) {
        pi *= after[k];
        pj *= after[k];
    }
    return (1.0 - fee) * (ann + dn / pi) / (ann + dn / pj);
}
