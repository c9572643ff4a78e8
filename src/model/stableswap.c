/*
 * StableSwap pool maths for two tokens (Curve; stableswap-ng's get_D, get_y
 * and exchange in real arithmetic) and the log-linear arbitrage of model R0
 * on such a pool. Contract conventions: amp is the contract's A and
 * Ann = amp * N with N = 2 (see liqnet/amm.h).
 */
#include "liqnet/amm.h"

#include <math.h>

#define LIQ_SS_N 2.0
#define LIQ_SS_MAX_STEPS 255
/* The contract stops when D moves by at most 1 wei; in real arithmetic the
 * iteration stops when it moves by at most this share of D. */
#define LIQ_SS_TOLERANCE 1e-15
/* Where that share is below the iteration's rounding noise (get_y when the
 * coin solved for is small against D: 2 y + b - D cancels, and its
 * rounding, an ulp of D, is a relative ulp(D) / y of y), the iterate
 * wanders around the root without meeting it. Only then, after the last
 * step, is the iterate accepted if that step was within this share of it:
 * far above the noise, far below a wrong root. Every value that converged
 * before stays bit for bit the same (stableswap_n.c uses the same rule). */
#define LIQ_SS_NOISE 1e-9

double liq_ss_get_d(double x, double y, double amp)
{
    const double s = x + y;
    const double ann = amp * LIQ_SS_N;
    double d = s;
    for (int i = 0; i < LIQ_SS_MAX_STEPS; i++) {
        /* D_P = D^(N+1) / (N^N x y), built as the contract builds it. */
        double dp = d;
        dp = dp * d / x;
        dp = dp * d / y;
        dp /= LIQ_SS_N * LIQ_SS_N;
        const double prev = d;
        d = (ann * s + dp * LIQ_SS_N) * d / ((ann - 1.0) * d + (LIQ_SS_N + 1.0) * dp);
        if (fabs(d - prev) <= LIQ_SS_TOLERANCE * d) {
            return d;
        }
        if (i == LIQ_SS_MAX_STEPS - 1 && fabs(d - prev) <= LIQ_SS_NOISE * d) {
            return d;
        }
    }
    return NAN;
}

double liq_ss_get_y(double x, double d, double amp)
{
    const double ann = amp * LIQ_SS_N;
    /* c = D^(N+1) / (N^N x Ann), b = x + D / Ann; then Newton on
     * y^2 + (b - D) y = c. */
    double c = d;
    c = c * d / (x * LIQ_SS_N);
    c = c * d / (ann * LIQ_SS_N);
    const double b = x + d / ann;
    double y = d;
    for (int i = 0; i < LIQ_SS_MAX_STEPS; i++) {
        const double prev = y;
        y = (y * y + c) / (2.0 * y + b - d);
        if (fabs(y - prev) <= LIQ_SS_TOLERANCE * y) {
            return y;
        }
        if (i == LIQ_SS_MAX_STEPS - 1 && fabs(y - prev) <= LIQ_SS_NOISE * y) {
            return y;
        }
    }
    return NAN;
}

double liq_ss_amount_out(double amount_in, double reserve_in, double reserve_out, double fee,
                         double amp)
{
    if (amount_in <= 0.0) {
        return 0.0;
    }
    const double d = liq_ss_get_d(reserve_in, reserve_out, amp);
    const double dy = reserve_out - liq_ss_get_y(reserve_in + amount_in, d, amp);
    return dy > 0.0 ? dy * (1.0 - fee) : 0.0;
}

/* Marginal price at (x, y) for a known invariant d. */
static double liq_ss_price_at(double x, double y, double d, double ann)
{
    const double d3 = d * d * d / 4.0;
    return (ann + d3 / (x * x * y)) / (ann + d3 / (x * y * y));
}

double liq_ss_spot_price(double x, double y, double amp)
{
    return liq_ss_price_at(x, y, liq_ss_get_d(x, y, amp), amp * LIQ_SS_N);
}

liq_arbitrage_t liq_ss_arbitrage(double reserve0, double reserve1, double target_price,
                                 double kappa, double amp)
{
    liq_arbitrage_t a = {reserve0, reserve1, 0.0, 0.0};
    if (kappa <= 0.0) {
        return a;
    }
    const double ann = amp * LIQ_SS_N;
    const double d = liq_ss_get_d(reserve0, reserve1, amp);
    const double price = liq_ss_price_at(reserve0, reserve1, d, ann);
    const double goal =
        kappa >= 1.0 ? target_price : exp((1.0 - kappa) * log(price) + kappa * log(target_price));
    if (goal == price) {
        return a;
    }
    /* The price falls as x grows. Bracket log x' by doubling the step away
     * from log x, then bisect until the bracket cannot shrink. */
    double lo = log(reserve0), hi = lo;
    const int grow = goal < price; /* a lower price needs more token0 */
    for (double step = 0.5; step < 1e3; step *= 2.0) {
        const double u = grow ? hi + step : lo - step;
        const double xu = exp(u);
        const double pu = liq_ss_price_at(xu, liq_ss_get_y(xu, d, amp), d, ann);
        if (grow) {
            hi = u;
            if (pu <= goal) {
                break;
            }
            lo = u;
        } else {
            lo = u;
            if (pu >= goal) {
                break;
            }
            hi = u;
        }
    }
    for (int i = 0; i < 200; i++) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) {
            break;
        }
        const double xm = exp(mid);
        const double pm = liq_ss_price_at(xm, liq_ss_get_y(xm, d, amp), d, ann);
        if (pm > goal) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    a.reserve0 = exp(0.5 * (lo + hi));
    a.reserve1 = liq_ss_get_y(a.reserve0, d, amp);
    a.sold0 = reserve0 - a.reserve0;
    a.sold1 = reserve1 - a.reserve1;
    return a;
}
